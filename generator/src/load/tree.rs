//! The JSON tree a spec is loaded into: [`Node`], a `serde_json::Value` whose strings borrow
//! from the spec's text where they can and whose objects are vectors of members.
//!
//! Reading a spec into a `Value` makes a `String` for every key and string and a hash table for
//! every object, and freeing it undoes each of them; the generator reads most of the tree once.
//! Borrowing the text's strings (an escaped one is the exception) and keeping an object's members
//! in a vector, in document order, made reading about twice as fast and freeing two to four times
//! faster on the corpus's JSON specs. Objects large enough for a linear search to cost (a spec's
//! `paths` and `components/schemas`) get a hash index of their keys.
//!
//! The API mirrors `serde_json::Value`'s, including its behaviour with `preserve_order`: a
//! repeated key keeps its first position and its last value, and [`Map::remove`] moves the last
//! member into the removed one's place. Parts that become `openapiv3` types' own `Value`s
//! (examples, extensions, defaults) are converted with [`Node::to_value`].

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::hash::BuildHasher;

/// A JSON value whose strings may borrow from the text it was read from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Node<'a> {
    #[default]
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as `serde_json` keeps it.
    Number(Number),
    /// A string: borrowed from the text unless it had escapes (or came from YAML).
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object.
    Object(Map<'a>),
}

/// A JSON object: members in document order, keys unique.
#[derive(Debug, Clone, Default)]
pub struct Map<'a> {
    entries: Vec<(Cow<'a, str>, Node<'a>)>,
    /// Key hash → position, for objects of [`INDEXED_AT`] members or more. A hash shared by two
    /// keys keeps the first one's position; the other is found by a linear search.
    index: Option<Box<crate::FastMap<u64, u32>>>,
}

/// How many members an object has before its keys are indexed. Below it a search compares
/// lengths first and is faster than hashing the key.
const INDEXED_AT: usize = 24;

fn key_hash(key: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(key)
}

impl PartialEq for Map<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<'a> Map<'a> {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty object with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// How many members the object has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        if let Some(index) = &self.index {
            if let Some(&at) = index.get(&key_hash(key)) {
                if self.entries[at as usize].0 == key {
                    return Some(at as usize);
                }
            } else {
                return None;
            }
        }
        self.entries
            .iter()
            .position(|(k, _)| k.len() == key.len() && k == key)
    }

    /// The value of member `key`.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// The value of member `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node<'a>> {
        self.position(key).map(|at| &mut self.entries[at].1)
    }

    /// Whether the object has a member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`: in place when the key is there (its old value is returned), else
    /// as the last member.
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: Node<'a>) -> Option<Node<'a>> {
        let key = key.into();
        match self.position(&key) {
            Some(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            None => {
                self.push_new(key, value);
                None
            }
        }
    }

    /// The object with these members, whose keys are all different.
    fn from_unique(entries: Vec<(Cow<'a, str>, Node<'a>)>) -> Self {
        let mut map = Map {
            entries,
            index: None,
        };
        map.reindex();
        map
    }

    /// Appends a member whose key is not in the map.
    fn push_new(&mut self, key: Cow<'a, str>, value: Node<'a>) {
        let at = self.entries.len();
        if let Some(index) = &mut self.index {
            index.entry(key_hash(&key)).or_insert(at as u32);
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() >= INDEXED_AT {
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        if self.entries.len() < INDEXED_AT {
            self.index = None;
            return;
        }
        let mut index = crate::FastMap::default();
        index.reserve(self.entries.len());
        for (at, (key, _)) in self.entries.iter().enumerate() {
            index.entry(key_hash(key)).or_insert(at as u32);
        }
        self.index = Some(Box::new(index));
    }

    /// Removes `key`, moving the last member into its place (`serde_json::Map::remove` with
    /// `preserve_order`).
    pub fn remove(&mut self, key: &str) -> Option<Node<'a>> {
        let at = self.position(key)?;
        let (_, value) = self.entries.swap_remove(at);
        if self.index.is_some() {
            self.reindex();
        }
        Some(value)
    }

    /// Keeps the members `keep` says yes to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Node<'a>) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.index.is_some() && self.entries.len() != before {
            self.reindex();
        }
    }

    /// The members in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &Node<'a>)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The members in order, their values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&str, &mut Node<'a>)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Node<'a>> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The object as a `serde_json` map.
    fn to_value_map(&self) -> serde_json::Map<String, Value> {
        let mut map = serde_json::Map::with_capacity(self.entries.len());
        for (k, v) in &self.entries {
            map.insert(k.to_string(), v.to_value());
        }
        map
    }
}

impl<'m, 'a> IntoIterator for &'m Map<'a> {
    type Item = (&'m str, &'m Node<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (Cow<'a, str>, Node<'a>)>,
        fn(&'m (Cow<'a, str>, Node<'a>)) -> (&'m str, &'m Node<'a>),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'m, 'a> IntoIterator for &'m mut Map<'a> {
    type Item = (&'m str, &'m mut Node<'a>);
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'m, (Cow<'a, str>, Node<'a>)>,
        fn(&'m mut (Cow<'a, str>, Node<'a>)) -> (&'m str, &'m mut Node<'a>),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }
}

impl<'a> FromIterator<(Cow<'a, str>, Node<'a>)> for Map<'a> {
    fn from_iter<I: IntoIterator<Item = (Cow<'a, str>, Node<'a>)>>(members: I) -> Self {
        let mut map = Map::new();
        for (k, v) in members {
            map.insert(k, v);
        }
        map
    }
}

impl<'a> Node<'a> {
    /// Reads JSON text; strings without escapes borrow from it.
    pub fn from_json(text: &'a str) -> serde_json::Result<Node<'a>> {
        serde_json::from_str(text)
    }

    /// The same value as a tree of its own.
    pub fn from_value(value: Value) -> Node<'static> {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => Node::Number(n),
            Value::String(s) => Node::String(Cow::Owned(s)),
            Value::Array(items) => Node::Array(items.into_iter().map(Node::from_value).collect()),
            Value::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (k, v) in members {
                    // A `Value`'s keys are unique.
                    map.push_new(Cow::Owned(k), Node::from_value(v));
                }
                Node::Object(map)
            }
        }
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(map) => Value::Object(map.to_value_map()),
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The member `key` of an object, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node<'a>> {
        match self {
            Node::Object(map) => map.get_mut(key),
            _ => None,
        }
    }

    /// The value at an RFC 6901 pointer (`/a/b~1c`), as `serde_json::Value::pointer`.
    pub fn pointer(&self, pointer: &str) -> Option<&Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = crate::error::unescape_pointer_token(token);
            node = match node {
                Node::Object(map) => map.get(&token)?,
                Node::Array(items) => items.get(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as a `u64`, if it is one that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Node::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is one that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Node::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Node::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The object, to change, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Map<'a>> {
        match self {
            Node::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Vec<Node<'a>>> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The array, to change, if this is one.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Node<'a>>> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// Whether this is a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Node::Bool(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Node::Number(_))
    }

    /// Whether this is a number that fits an `i64`.
    pub fn is_i64(&self) -> bool {
        matches!(self, Node::Number(n) if n.is_i64())
    }

    /// Whether this is a number that fits a `u64`.
    pub fn is_u64(&self) -> bool {
        matches!(self, Node::Number(n) if n.is_u64())
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Node::String(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Node::Array(_))
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Node::Object(_))
    }
}

/// Printed as JSON, as a `serde_json::Value` prints.
impl std::fmt::Display for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.to_value(), f)
    }
}

impl From<Value> for Node<'static> {
    fn from(value: Value) -> Self {
        Node::from_value(value)
    }
}

/// An array index in a JSON pointer as `serde_json` reads one: digits without a sign or a
/// leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// Members and items read so far, of every object and array still open: each container's are
/// moved out into a vector of the exact size when it closes, instead of growing a vector of its
/// own while it is read (growth was 3% of a spec's reading).
#[derive(Default)]
struct Scratch<'de> {
    members: Vec<(Cow<'de, str>, Node<'de>)>,
    items: Vec<Node<'de>>,
}

/// Reads one value, with the open containers' [`Scratch`].
struct NodeVisitor<'s, 'de>(&'s mut Scratch<'de>);

impl<'de> DeserializeSeed<'de> for NodeVisitor<'_, 'de> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_, 'de> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Node<'de>, E> {
        Ok(Number::from_f64(n).map_or(Node::Null, Node::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let scratch = self.0;
        let mark = scratch.items.len();
        while let Some(item) = seq.next_element_seed(NodeVisitor(&mut *scratch))? {
            scratch.items.push(item);
        }
        Ok(Node::Array(scratch.items.drain(mark..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Node<'de>, A::Error> {
        let scratch = self.0;
        let mark = scratch.members.len();
        // One bit per key seen, chosen by its length and last byte: a key whose bit is clear is
        // new, and is appended without searching the keys before it (repeated keys are rare).
        let mut seen = 0u64;
        while let Some(Key(key)) = members.next_key()? {
            let value = members.next_value_seed(NodeVisitor(&mut *scratch))?;
            let bit = 1u64 << ((key.len() * 7 + usize::from(key.bytes().last().unwrap_or(0))) % 64);
            if seen & bit == 0 {
                seen |= bit;
            } else if let Some(member) = scratch.members[mark..].iter_mut().find(|(k, _)| *k == key)
            {
                // A repeated key keeps its first place and its last value.
                member.1 = value;
                continue;
            }
            scratch.members.push((key, value));
            if scratch.members.len() - mark == INDEXED_AT {
                // A large object (a spec's `paths` or schemas): indexed from here on.
                let mut map = Map::from_unique(scratch.members.drain(mark..).collect());
                while let Some(Key(key)) = members.next_key()? {
                    let value = members.next_value_seed(NodeVisitor(&mut *scratch))?;
                    map.insert(key, value);
                }
                return Ok(Node::Object(map));
            }
        }
        Ok(Node::Object(Map::from_unique(
            scratch.members.drain(mark..).collect(),
        )))
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NodeVisitor(&mut Scratch::default()).deserialize(d)
    }
}

/// An object's key, borrowed from the text when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_as_serde_json_does() {
        let text = r#"{"a": 1, "b": [true, null, -2, 2.5, "x\"y"], "a": {"c": "d"}, "e": 1e400}"#;
        let node = Node::from_json(text);
        let value: serde_json::Result<Value> = serde_json::from_str(text);
        // serde_json rejects an out-of-range number; so must the tree.
        assert!(node.is_err() && value.is_err());
        let text = r#"{"a": 1, "b": [true, null, -2, 2.5, "x\"y"], "a": {"c": "d"}, "z": {}}"#;
        let node = Node::from_json(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(node.to_value(), value);
        // A repeated key keeps its first place and its last value.
        let keys: Vec<&str> = node.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "z"]);
        assert_eq!(node.pointer("/a/c").and_then(Node::as_str), Some("d"));
        // Unescaped strings borrow from the text, escaped ones are owned.
        assert!(matches!(node.get("z"), Some(Node::Object(_))));
        let b = node.get("b").and_then(Node::as_array).unwrap();
        assert!(matches!(&b[4], Node::String(Cow::Owned(s)) if s == "x\"y"));
        let c = node.pointer("/a/c").unwrap();
        assert!(matches!(c, Node::String(Cow::Borrowed(_))));
    }

    /// Objects with repeated keys read as `serde_json` reads them (with `preserve_order`),
    /// whichever keys share a bit of the reader's seen-keys filter, small objects and indexed ones.
    #[test]
    fn repeated_keys_read_as_serde_json_does() {
        for size in [3usize, 10, 23, 24, 40, 100] {
            for stride in [1usize, 3, 7] {
                let members: Vec<String> = (0..size)
                    .map(|i| format!(r#""k{}": {i}"#, "x".repeat((i * stride) % 11 + i % 5)))
                    .collect();
                // Every other member again, last first, with other values.
                let again: Vec<String> = members
                    .iter()
                    .rev()
                    .step_by(2)
                    .map(|m| m.replace(": ", ": -"))
                    .collect();
                let text = format!("{{{}, {}}}", members.join(", "), again.join(", "));
                let node = Node::from_json(&text).unwrap();
                let value: Value = serde_json::from_str(&text).unwrap();
                let (node, value) = (node.as_object().unwrap(), value.as_object().unwrap());
                let members: Vec<(&str, Value)> =
                    node.iter().map(|(k, v)| (k, v.to_value())).collect();
                let expected: Vec<(&str, Value)> =
                    value.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                assert_eq!(members, expected, "{text}");
                for (k, v) in value {
                    assert_eq!(node.get(k).map(Node::to_value).as_ref(), Some(v), "{k}");
                }
            }
        }
    }

    #[test]
    fn large_objects_are_indexed_and_stay_consistent() {
        let mut members = serde_json::Map::new();
        for i in 0..100 {
            members.insert(format!("k{i}"), json!(i));
        }
        let text = serde_json::to_string(&Value::Object(members.clone())).unwrap();
        let mut node = Node::from_json(&text).unwrap();
        let map = node.as_object_mut().unwrap();
        assert!(map.index.is_some());
        assert_eq!(map.get("k57").and_then(Node::as_u64), Some(57));
        assert_eq!(map.get("k100"), None);
        // Removal as `serde_json::Map::remove` (the last member takes the removed one's place),
        // and the index follows.
        let mut expected = members;
        assert_eq!(map.remove("k3"), Some(json!(3).into()));
        expected.swap_remove("k3");
        assert_eq!(map.remove("k10"), Some(json!(10).into()));
        expected.swap_remove("k10");
        map.retain(|k, _| !k.ends_with('7'));
        expected.retain(|k, _| !k.ends_with('7'));
        map.insert("new", json!("n").into());
        expected.insert("new".into(), json!("n"));
        assert_eq!(node.to_value(), Value::Object(expected.clone()));
        for (k, v) in &expected {
            assert_eq!(node.get(k).map(Node::to_value).as_ref(), Some(v), "{k}");
        }
        // Shrunk below the threshold, the index goes.
        let map = node.as_object_mut().unwrap();
        map.retain(|k, _| k.len() < 3);
        assert!(map.index.is_none());
        assert_eq!(map.get("k5").and_then(Node::as_u64), Some(5));
    }

    #[test]
    fn pointers_agree_with_serde_json() {
        let value = json!({"a/b": {"~c": [10, {"d": 1}]}, "": 2});
        let node = Node::from_value(value.clone());
        for p in [
            "",
            "/a~1b",
            "/a~1b/~0c",
            "/a~1b/~0c/1/d",
            "/a~1b/~0c/01",
            "/",
            "x",
            "/a~1b/~0c/+1",
        ] {
            assert_eq!(
                node.pointer(p).map(Node::to_value),
                value.pointer(p).cloned(),
                "{p}"
            );
        }
    }
}
