//! Loading: spec bytes → one normalized JSON tree → typed `openapiv3` pieces on demand.
//!
//! # Approach
//!
//! The `openapiv3` crate models OpenAPI 3.0 only and rejects (or silently misreads) 3.1 documents:
//! type arrays with `null`, `const`, `examples` arrays in schemas, numeric `exclusiveMinimum`,
//! `$ref` with siblings, boolean schemas. Rather than keeping two models, the loader
//!
//! 1. reads YAML or JSON (detected from the content, a UTF-8 BOM tolerated) into a [`Node`]
//!    tree (a `serde_json::Value` whose strings borrow from the text, see [`tree`]),
//!    stringifying YAML's non-string mapping keys (`200:` → `"200"`);
//! 2. rewrites the tree in place into the 3.0 dialect that `openapiv3` understands
//!    ([`normalize`]): `type: [T, "null"]` → `type: T, nullable: true`, `const: v` → `enum: [v]`,
//!    `examples: [..]` → `example`, numeric exclusive bounds → 3.0 booleans, `$ref` with siblings →
//!    `allOf: [{$ref}]` plus the siblings, `type: "null"` → an explicit null marker. Spec-invalid
//!    constructs that can be repaired (a 3.1 construct in a 3.0 document, `schema: null`, a
//!    non-array `required`) are repaired with a located warning;
//! 3. deserializes each piece (an operation, a schema, a parameter) separately with
//!    `serde_path_to_error`, so a broken piece is reported with its exact JSON pointer and the rest
//!    of the document still gets checked: all problems are reported at once.
//!
//! `$ref`s are resolved against the normalized tree, so a reference may point anywhere in the
//! document (`#/components/...`, `#/paths/~1items/get/...`), chains of references are followed,
//! and a reference cycle without indirection is an error naming the pointers involved.

pub mod normalize;
mod operation;
mod schema;
pub mod tree;

use crate::error::{Diagnostic, escape_pointer_token, push_pointer, unescape_pointer_token};
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;
pub use tree::{Map, Node};

/// The OpenAPI dialect a document declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// `openapi: 3.0.x`
    V30,
    /// `openapi: 3.1.x`
    V31,
}

/// A loaded, normalized document.
pub struct Document<'a> {
    /// The normalized tree (3.0 dialect); its strings borrow from the spec's text.
    pub raw: Node<'a>,
    /// What the document declared itself to be.
    pub version: SpecVersion,
    /// Warnings found while loading (repairs, downgrades).
    pub diagnostics: Vec<Diagnostic>,
    cache: elsa::FrozenMap<String, Box<openapiv3::Schema>>,
    components: Prefetched<openapiv3::Schema>,
    operations: Prefetched<openapiv3::Operation>,
    /// Referenced parameters, request bodies, responses and security schemes, deserialized once
    /// per target and type (a shared parameter is referenced by every operation that takes it).
    /// One map per type, so a lookup by pointer makes no key.
    resolved: elsa::FrozenMap<std::any::TypeId, Box<ItemsOfOneType>>,
    /// `$ref` → the pointer it leads to, for references followed before (most are followed many
    /// times, and walking a pointer through the tree's maps is the slower part).
    followed: elsa::FrozenMap<String, String, foldhash::fast::RandomState>,
}

/// The operations of a document, each deserialized once (by the prefetcher or by lowering).
pub(crate) type Operations = Prefetched<openapiv3::Operation>;

/// Referenced items deserialized as one type, by pointer.
type ItemsOfOneType = elsa::FrozenMap<String, Box<dyn std::any::Any>, foldhash::fast::RandomState>;

/// Items of one kind (the `#/components/schemas` entries, the operations), each deserialized
/// once by whichever thread needs it first: lowering, or [`Document::schema_prefetcher`] on
/// another core. Deserializing them is about a third of lowering a large spec, and lowering runs
/// on one core.
pub(crate) struct Prefetched<T> {
    /// Pointer (`#/components/schemas/Name`, `#/paths/~1pets/get`) → slot.
    index: crate::FastMap<String, usize>,
    pointers: Vec<String>,
    slots: Vec<std::sync::OnceLock<Result<Box<T>, Diagnostic>>>,
}

impl<T> Default for Prefetched<T> {
    fn default() -> Self {
        Self {
            index: Default::default(),
            pointers: Vec::new(),
            slots: Vec::new(),
        }
    }
}

/// How an item that lowering asks for by pointer is read from its JSON.
pub(crate) trait Read: DeserializeOwned {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        deserialize_at(value, pointer)
    }
}

impl Read for openapiv3::Operation {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, operation::operation)
    }
}

impl Read for openapiv3::Parameter {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, operation::parameter)
    }
}

impl Read for Vec<ReferenceOr<openapiv3::Parameter>> {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, operation::parameters)
    }
}

impl Read for openapiv3::RequestBody {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, operation::request_body)
    }
}

impl Read for openapiv3::Response {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, operation::response)
    }
}

impl Read for openapiv3::SecurityScheme {}

impl Read for openapiv3::Schema {
    fn read(value: &Node<'_>, pointer: &str) -> Result<Self, Diagnostic> {
        read_by_hand(value, pointer, schema::schema)
    }
}

/// An item read by `read` ([`schema::schema`], [`operation::operation`], …), else (for anything it
/// leaves to serde) deserialized. Debug builds (every test run) check that both agree, and report
/// a disagreement as an error.
fn read_by_hand<T: DeserializeOwned + PartialEq>(
    value: &Node<'_>,
    pointer: &str,
    read: fn(&Node<'_>) -> Option<T>,
) -> Result<T, Diagnostic> {
    match read(value) {
        Some(item) => {
            #[cfg(debug_assertions)]
            {
                let expected = T::deserialize(value.to_value()).ok();
                if expected.as_ref() != Some(&item) {
                    return Err(Diagnostic::error(
                        pointer,
                        "the generator read this item differently from `openapiv3` (a bug in the generator)",
                    )
                    .help("please report it with this item"));
                }
            }
            Ok(item)
        }
        None => deserialize_at(value, pointer),
    }
}

impl<T: Read> Prefetched<T> {
    fn new(pointers: impl IntoIterator<Item = String>) -> Self {
        let mut me = Self::default();
        for pointer in pointers {
            me.index.insert(pointer.clone(), me.pointers.len());
            me.pointers.push(pointer);
            me.slots.push(std::sync::OnceLock::new());
        }
        me
    }

    fn get(&self, slot: usize, raw: &Node<'_>) -> &Result<Box<T>, Diagnostic> {
        self.slots[slot].get_or_init(|| {
            let pointer = &self.pointers[slot];
            value_at(raw, pointer).and_then(|v| T::read(v, pointer).map(Box::new))
        })
    }
}

impl Prefetched<openapiv3::Schema> {
    /// Deserializes the component schema in `slot` ahead of lowering, unless it is only a `$ref`
    /// (lowered as an alias, never deserialized); its JSON.
    fn prefetch<'v, 'a>(&self, slot: usize, raw: &'v Node<'a>) -> Option<&'v Node<'a>> {
        let value = value_at(raw, &self.pointers[slot]).ok()?;
        if value.get("$ref").is_none() {
            self.get(slot, raw);
        }
        Some(value)
    }
}

/// The prefetcher's walk from an operation's JSON to the component schemas it refers to.
struct RefWalk<'a, 't> {
    raw: &'a Node<'t>,
    components: &'a Prefetched<openapiv3::Schema>,
    /// Component schema slots reached.
    seen: crate::FastSet<usize>,
    /// Other references followed (`#/components/responses/…`).
    walked: crate::FastSet<&'a str>,
}

impl<'a, 't> RefWalk<'a, 't> {
    /// Deserializes the component schemas `value` refers to, then theirs, depth first in
    /// document order (with a stack: chains of references can be long). Examples and extensions
    /// are data, not structure: their `$ref`s are not followed. (Neither are those of a property
    /// named `example` or `x-…`: lowering then reads its schema itself; only the time moves.)
    fn value(&mut self, value: &'a Node<'t>) {
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            match value {
                Node::Object(map) => {
                    let first = stack.len();
                    stack.extend(
                        map.iter()
                            .filter(|(key, member)| {
                                (member.is_object() || member.is_array())
                                    && !matches!(*key, "example" | "examples")
                                    && !key.starts_with("x-")
                            })
                            .map(|(_, member)| member),
                    );
                    stack[first..].reverse();
                    if let Some(reference) = map.get("$ref").and_then(Node::as_str)
                        && let Some(target) = self.target(reference)
                    {
                        stack.push(target);
                    }
                }
                Node::Array(items) => {
                    stack.extend(items.iter().rev().filter(|i| i.is_object() || i.is_array()));
                }
                _ => {}
            }
        }
    }

    /// The value `reference` points at, the first time it is met; a component schema's is
    /// deserialized first.
    fn target(&mut self, reference: &'a str) -> Option<&'a Node<'t>> {
        match self.components.index.get(reference) {
            Some(&slot) => {
                if !self.seen.insert(slot) {
                    return None;
                }
                self.components.prefetch(slot, self.raw)
            }
            None => {
                if !self.walked.insert(reference) {
                    return None;
                }
                lookup(self.raw, reference)
            }
        }
    }
}

/// The component schemas' pointers.
fn schema_pointers<'v>(raw: &'v Node<'_>) -> impl Iterator<Item = String> + 'v {
    raw.pointer("/components/schemas")
        .and_then(Node::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
        .map(|name| push_pointer("#/components/schemas", name))
}

/// The pointers of the operations of path items written in place (a `$ref`'d path item's are
/// deserialized when lowering meets them), in document order.
fn operation_pointers<'v>(raw: &'v Node<'_>) -> impl Iterator<Item = String> + 'v {
    raw.get("paths")
        .and_then(Node::as_object)
        .into_iter()
        .flatten()
        .filter(|(path, item)| !path.starts_with("x-") && item.get("$ref").is_none())
        .flat_map(|(path, item)| {
            let item_ptr = push_pointer("#/paths", path);
            normalize::METHODS
                .into_iter()
                .filter(|method| item.get(method).is_some())
                .map(move |method| format!("{item_ptr}/{method}"))
        })
}

/// The value at a `#/...` pointer of `raw`.
fn value_at<'v, 'a>(raw: &'v Node<'a>, pointer: &str) -> Result<&'v Node<'a>, Diagnostic> {
    lookup(raw, pointer).ok_or_else(|| Diagnostic::error(pointer, "nothing at this location"))
}

/// The value at a `#/...` reference: [`Node::pointer`] of the fragment, percent-decoded first
/// only when it has escapes (every `$ref` is looked up this way, and most are
/// `#/components/schemas/Name`).
fn lookup<'v, 'a>(raw: &'v Node<'a>, reference: &str) -> Option<&'v Node<'a>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.contains('%') {
        return raw.pointer(&fragment_to_pointer(reference)?);
    }
    raw.pointer(fragment)
}

impl std::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("version", &self.version)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

/// Parses spec bytes (YAML or JSON) into a normalized [`Document`].
///
/// Returns every problem found while loading as diagnostics: parse errors, a missing or
/// unsupported `openapi` version.
pub fn parse(bytes: &[u8]) -> Result<Document<'_>, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // The prefix before the bad byte is valid UTF-8: count lines and characters in it.
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        vec![
            Diagnostic::error("#", format!("the spec is not UTF-8 text: {e}"))
                .at(line, column)
                .help("save the file as UTF-8"),
        ]
    })?;
    let raw = parse_node(text)?;
    let version = check_version(&raw)?;
    let mut doc = Document {
        raw,
        version,
        diagnostics: Vec::new(),
        cache: elsa::FrozenMap::new(),
        followed: elsa::FrozenMap::default(),
        resolved: elsa::FrozenMap::new(),
        components: Prefetched::default(),
        operations: Prefetched::default(),
    };
    let mut diags = Vec::new();
    normalize::normalize(&mut doc.raw, version, text.len(), &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    doc.diagnostics = diags;
    doc.components = Prefetched::new(schema_pointers(&doc.raw));
    doc.operations = Prefetched::new(operation_pointers(&doc.raw));
    Ok(doc)
}

/// Reads YAML or JSON text into the tree a [`Document`] holds: JSON's strings borrow from `text`.
pub fn parse_node(text: &str) -> Result<Node<'_>, Vec<Diagnostic>> {
    if is_json(text) {
        Node::from_json(text).map_err(json_error)
    } else {
        parse_tree(text).map(Node::from_value)
    }
}

/// Reads YAML or JSON text into a `serde_json::Value` (the benchmarks' baseline: what merely
/// parsing a spec costs).
pub fn parse_tree(text: &str) -> Result<Value, Vec<Diagnostic>> {
    if is_json(text) {
        return serde_json::from_str(text).map_err(json_error);
    }
    let mut yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let tab = e
            .location()
            .is_some_and(|loc| text.as_bytes().get(loc.index()) == Some(&b'\t'));
        let mut d = if tab {
            Diagnostic::error(
                "#",
                format!("invalid YAML: a tab character is used for indentation ({e})"),
            )
            .help("YAML indents with spaces only; replace the tabs with spaces")
        } else {
            Diagnostic::error("#", format!("invalid YAML: {e}"))
                .help("fix the YAML syntax at the line shown")
        };
        if let Some(loc) = e.location() {
            d = d.at(loc.line(), loc.column());
        }
        vec![d]
    })?;
    yaml.apply_merge().map_err(|e| {
        vec![
            Diagnostic::error("#", format!("invalid YAML merge key: {e}"))
                .help("a `<<` merge key takes a mapping or a list of mappings"),
        ]
    })?;
    let mut diags = Vec::new();
    let value = yaml_to_json(yaml, "#", &mut diags);
    if diags.is_empty() {
        Ok(value)
    } else {
        Err(diags)
    }
}

/// Whether `text` is JSON (else it is read as YAML, of which JSON is a subset).
fn is_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{') | Some('['))
}

fn json_error(e: serde_json::Error) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error("#", format!("invalid JSON: {e}"))
            .at(e.line(), e.column())
            .help("fix the JSON syntax at the line shown"),
    ]
}

fn yaml_to_json(value: serde_yaml_ng::Value, pointer: &str, diags: &mut Vec<Diagnostic>) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => {
                        diags.push(
                            Diagnostic::error(
                                pointer,
                                format!("the number {n} cannot be represented in JSON"),
                            )
                            .help("write a finite number (JSON has no infinity or NaN)"),
                        );
                        Value::Null
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &format!("{pointer}/{i}"), diags))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => {
                        let found = match other {
                            Y::Sequence(_) => "a list",
                            Y::Mapping(_) => "a mapping",
                            _ => "a tagged value",
                        };
                        diags.push(
                            Diagnostic::error(
                                pointer,
                                format!("a mapping key must be a string, found {found}"),
                            )
                            .help("write the key as a plain string (YAML `? [a, b]` keys have no JSON equivalent)"),
                        );
                        continue;
                    }
                };
                let child = format!("{pointer}/{}", escape_pointer_token(&key));
                let v = yaml_to_json(v, &child, diags);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer, diags),
    }
}

fn check_version(raw: &Node<'_>) -> Result<SpecVersion, Vec<Diagnostic>> {
    const SHAPE: &str =
        "an OpenAPI document is a YAML or JSON object with `openapi`, `info` and `paths`";
    if raw.is_null() {
        return Err(vec![
            Diagnostic::error("#", "the spec is empty (no YAML or JSON document in it)")
                .help(SHAPE),
        ]);
    }
    if !raw.is_object() {
        return Err(vec![
            Diagnostic::error(
                "#",
                format!("the document is not an object: it is {}", value_kind(raw)),
            )
            .help(SHAPE),
        ]);
    }
    match raw.get("openapi") {
        Some(Node::String(v)) if v.starts_with("3.0") => Ok(SpecVersion::V30),
        Some(Node::String(v)) if v.starts_with("3.1") => Ok(SpecVersion::V31),
        Some(Node::Number(n)) => Err(vec![
            Diagnostic::error("#/openapi", format!("the `openapi` version must be a string, found the number {n}"))
                .help("quote the full version, e.g. `openapi: \"3.0.3\"` (YAML reads `3.0` as a number)"),
        ]),
        Some(v) => Err(vec![
            Diagnostic::error("#/openapi", format!("unsupported OpenAPI version {v}"))
                .help("this generator reads OpenAPI 3.0.x and 3.1.x documents; convert Swagger 2.0 documents first (e.g. with swagger2openapi)"),
        ]),
        None if raw.get("swagger").is_some() => Err(vec![
            Diagnostic::error("#/swagger", "this is a Swagger 2.0 document")
                .help("convert it to OpenAPI 3 first (e.g. with swagger2openapi)"),
        ]),
        None => Err(vec![
            Diagnostic::error("#", "missing `openapi` version field")
                .help("add `openapi: 3.0.3` (or 3.1.0) at the top of the document"),
        ]),
    }
}

/// Decodes a JSON pointer written as a URI fragment (`#/a/b~1c`, `%7B` escapes allowed) into the
/// RFC 6901 form `serde_json` expects (`/a/b~1c`).
pub fn fragment_to_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let bytes = fragment.as_bytes();
    let mut buf = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let byte = u8::from_str_radix(fragment.get(i + 1..i + 3)?, 16).ok()?;
            buf.push(byte);
            i += 3;
        } else {
            buf.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(buf).ok()
}

impl<'a> Document<'a> {
    /// The value at a `#/...` pointer.
    pub fn get(&self, pointer: &str) -> Option<&Node<'a>> {
        lookup(&self.raw, pointer)
    }

    /// Work for another thread: deserializes the operations in document order, each followed by
    /// the component schemas it refers to, depth first (lowering an operation needs them next,
    /// and the prefetcher soon gets ahead of it); then the other component schemas, last first,
    /// so that lowering (which meets them roughly in declaration order) mostly finds them done.
    /// Safe to run alongside any use of the document; each item is still deserialized once.
    pub fn schema_prefetcher(&self) -> impl FnOnce() + Send + '_ {
        self.prefetcher_of(&self.operations)
    }

    /// [`Document::schema_prefetcher`] for operations kept outside the document
    /// ([`Document::take_operations`]); `operations` is dropped when it is done.
    pub(crate) fn prefetcher_of<'s, O>(&'s self, operations: O) -> impl FnOnce() + Send + 's
    where
        O: std::ops::Deref<Target = Operations> + Send + 's,
    {
        let raw = &self.raw;
        let components = &self.components;
        move || {
            let mut walk = RefWalk {
                raw,
                components,
                seen: crate::FastSet::default(),
                walked: crate::FastSet::default(),
            };
            for slot in 0..operations.slots.len() {
                operations.get(slot, raw);
                if let Ok(operation) = value_at(raw, &operations.pointers[slot]) {
                    walk.value(operation);
                }
            }
            for slot in (0..components.slots.len()).rev() {
                components.prefetch(slot, raw);
            }
        }
    }

    /// Frees the document. The deserialized schemas and operations (mostly allocated by the
    /// prefetching job; the generator's own lowering has taken and freed the operations
    /// already) are freed by a job on the thread pool, which this thread does not wait for
    /// (nothing borrows them, and the emission that follows has chunks enough for one core
    /// meanwhile); this thread frees the tree, which borrows the spec's text. Freeing a large
    /// spec's document takes about as long as parsing it.
    pub fn dispose(self) {
        let Document {
            raw,
            components,
            operations,
            cache,
            followed,
            ..
        } = self;
        if crate::emit::cores() > 1 {
            crate::emit::pool().spawn(move || drop((components, operations, cache, followed)));
        }
        drop(raw);
    }

    /// The operation at `pointer` (`#/paths/~1pets/get`), deserialized once.
    pub fn operation(&self, pointer: &str) -> Result<&openapiv3::Operation, Diagnostic> {
        self.operation_in(&self.operations, pointer)
    }

    /// The operations' cache, moved out of the document: lowering frees it as soon as the
    /// operations are lowered, on the thread pool, while the component schemas are still needed.
    /// [`Document::operation`] deserializes what it is asked for itself from then on.
    pub(crate) fn take_operations(&mut self) -> std::sync::Arc<Operations> {
        std::sync::Arc::new(std::mem::take(&mut self.operations))
    }

    /// [`Document::operation`], from `operations` (the document's own, or taken out of it).
    pub(crate) fn operation_in<'s>(
        &'s self,
        operations: &'s Operations,
        pointer: &str,
    ) -> Result<&'s openapiv3::Operation, Diagnostic> {
        match operations.index.get(pointer) {
            Some(&slot) => operations
                .get(slot, &self.raw)
                .as_deref()
                .map_err(Clone::clone),
            None => self.cached(pointer, |d| d),
        }
    }

    /// `T` at `pointer`, deserialized once and kept (keyed by pointer and type); a failure goes
    /// through `on_error` first.
    fn cached<T: Read + 'static>(
        &self,
        pointer: &str,
        on_error: impl FnOnce(Diagnostic) -> Diagnostic,
    ) -> Result<&T, Diagnostic> {
        let of_type = match self.resolved.get(&std::any::TypeId::of::<T>()) {
            Some(map) => map,
            None => self
                .resolved
                .insert(std::any::TypeId::of::<T>(), Box::default()),
        };
        let cached = match of_type.get(pointer) {
            Some(found) => found,
            None => {
                let item: T = self.read(pointer).map_err(on_error)?;
                of_type.insert(pointer.to_string(), Box::new(item))
            }
        };
        // Entries are stored under their own type's id, so this always succeeds.
        cached
            .downcast_ref::<T>()
            .ok_or_else(|| Diagnostic::error(pointer, "a cached item was read as another type"))
    }

    /// Reads the value at `pointer` as `T`, reporting failures at the exact nested location.
    pub(crate) fn read<T: Read>(&self, pointer: &str) -> Result<T, Diagnostic> {
        let value = self
            .get(pointer)
            .ok_or_else(|| Diagnostic::error(pointer, "nothing at this location"))?;
        T::read(value, pointer)
    }

    /// Deserializes the value at `pointer` as `T`, reporting failures at the exact nested location.
    pub fn deserialize<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Diagnostic> {
        let value = self
            .get(pointer)
            .ok_or_else(|| Diagnostic::error(pointer, "nothing at this location"))?;
        deserialize_at(value, pointer)
    }

    /// Follows a `$ref` (and chains of them) to the pointer of the referenced item.
    pub fn follow(&self, reference: &str, at: &str) -> Result<&str, Diagnostic> {
        if let Some(target) = self.followed.get(reference) {
            return Ok(target);
        }
        // Failures are not kept: their diagnostics name `at`.
        let target = self.follow_uncached(reference, at)?;
        Ok(self.followed.insert(reference.to_string(), target))
    }

    fn follow_uncached(&self, reference: &str, at: &str) -> Result<String, Diagnostic> {
        // The chain followed so far, made only when the target is itself a `$ref`.
        let mut seen: Vec<String> = Vec::new();
        let mut current = reference.to_string();
        loop {
            if !current.starts_with('#') {
                return Err(Diagnostic::error(
                    at,
                    format!("external reference `{current}` is not supported"),
                )
                .help("bundle the spec into one document first (e.g. `redocly bundle`)"));
            }
            let value = self.get(&current).ok_or_else(|| {
                Diagnostic::error(at, format!("unresolvable reference `{current}`"))
                    .help("point the $ref at an existing location in the document")
            })?;
            match value.get("$ref").and_then(Node::as_str) {
                Some(next) if value.as_object().is_some_and(|m| m.len() == 1) => {
                    if seen.is_empty() {
                        seen.push(current.clone());
                    }
                    if seen.iter().any(|s| s == next) {
                        seen.push(next.to_string());
                        return Err(Diagnostic::error(
                            at,
                            format!("reference cycle without indirection: {}", seen.join(" → ")),
                        )
                        .help("a $ref chain must end at a definition"));
                    }
                    seen.push(next.to_string());
                    current = next.to_string();
                }
                _ => return Ok(current),
            }
        }
    }

    /// Resolves a `ReferenceOr<T>` found at `at` into the item and the pointer it lives at.
    pub(crate) fn resolve<'s, T: Read + 'static>(
        &'s self,
        item: &'s ReferenceOr<T>,
        at: &str,
    ) -> Result<(&'s T, Cow<'s, str>), Diagnostic> {
        match item {
            ReferenceOr::Item(t) => Ok((t, Cow::Owned(at.to_string()))),
            ReferenceOr::Reference { reference } => {
                let target = self.follow(reference, at)?;
                let item = self.cached::<T>(target, |mut d| {
                    // The target may be fine and the reference wrong: name both.
                    d.message = format!("{} (in the target of the $ref at {at})", d.message);
                    d
                })?;
                Ok((item, Cow::Borrowed(target)))
            }
        }
    }

    /// The schema at `pointer`, deserialized once and cached.
    pub fn schema(&self, pointer: &str) -> Result<&openapiv3::Schema, Diagnostic> {
        if let Some(&slot) = self.components.index.get(pointer) {
            return match self.components.get(slot, &self.raw) {
                Ok(schema) => Ok(schema),
                Err(d) => Err(d.clone()),
            };
        }
        if let Some(s) = self.cache.get(pointer) {
            return Ok(s);
        }
        let value = self
            .get(pointer)
            .ok_or_else(|| Diagnostic::error(pointer, "nothing at this location"))?;
        let schema = <openapiv3::Schema as Read>::read(value, pointer)?;
        Ok(self.cache.insert(pointer.to_string(), Box::new(schema)))
    }
}

/// Deserializes `value` (found at `pointer`) as `T`; a failure names the nested location.
///
/// `openapiv3` re-parses a failed `ReferenceOr<T>` (and the status-code map of `responses`) from a
/// detached value, so `serde_path_to_error` stops at that boundary. The failing value is then
/// checked again as the OpenAPI object its location holds (`Kind`), which finds the nested
/// location and says what is wrong in OpenAPI terms (`unknown parameter location `body``).
pub fn deserialize_at<T: DeserializeOwned>(
    value: &Node<'_>,
    pointer: &str,
) -> Result<T, Diagnostic> {
    let json = value.to_value();
    // Tracking the path costs time on every value; it is only needed to report a failure, so a
    // failure is deserialized again with it.
    if let Ok(t) = T::deserialize(&json) {
        return Ok(t);
    }
    let result: Result<T, _> = serde_path_to_error::deserialize(&json);
    result.map_err(|e| {
        let mut diagnostic = serde_diagnostic(e, pointer);
        // Each round goes one boundary deeper; the bound only guards against a loop.
        for _ in 0..64 {
            let Some(sub) =
                relative(&diagnostic.pointer, pointer).and_then(|rel| value.pointer(&rel))
            else {
                break;
            };
            let Some(kind) = Kind::at(&diagnostic.pointer) else {
                break;
            };
            let Some(refined) = kind.first_error(sub, &diagnostic.pointer) else {
                break;
            };
            let deeper = refined.pointer.len() > diagnostic.pointer.len();
            diagnostic = refined;
            if !deeper {
                break;
            }
        }
        diagnostic
    })
}

/// The RFC 6901 pointer of `at` relative to `base` (both `#/...` fragments built by this crate).
fn relative(at: &str, base: &str) -> Option<String> {
    let rest = at.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_string())
}

fn serde_diagnostic(e: serde_path_to_error::Error<serde_json::Error>, pointer: &str) -> Diagnostic {
    let mut at = pointer.to_string();
    for segment in e.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => at.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                at.push('/');
                at.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { variant } => {
                at.push('/');
                at.push_str(&escape_pointer_token(variant));
            }
            Segment::Unknown => {}
        }
    }
    Diagnostic::error(at, describe_serde_error(&e.into_inner().to_string()))
        .help("check this value against the OpenAPI specification's object definition")
}

/// The OpenAPI object a location holds, judged from the shape of its pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    SecurityScheme,
    Server,
}

impl Kind {
    fn at(pointer: &str) -> Option<Kind> {
        let tokens: Vec<Cow<'_, str>> = pointer
            .strip_prefix("#/")?
            .split('/')
            .map(unescape_pointer_token)
            .collect();
        let t: Vec<&str> = tokens.iter().map(|t| t.as_ref()).collect();
        // Inside schemas, examples and extensions, names like `content` are data, not structure.
        const DATA: &[&str] = &[
            "schema",
            "schemas",
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
            "additionalProperties",
            "example",
            "examples",
            "links",
        ];
        if t.iter()
            .any(|tok| DATA.contains(tok) || tok.starts_with("x-"))
        {
            return None;
        }
        let n = t.len();
        let last = |k: usize| if n >= k { t[n - k] } else { "" };
        let is_method = |s: &str| normalize::METHODS.contains(&s);
        Some(match t.as_slice() {
            ["components", "parameters", _] => Kind::Parameter,
            ["components", "requestBodies", _] => Kind::RequestBody,
            ["components", "responses", _] => Kind::Response,
            ["components", "headers", _] => Kind::Header,
            ["components", "securitySchemes", _] => Kind::SecurityScheme,
            ["servers", _] => Kind::Server,
            _ if last(2) == "parameters" && last(1).parse::<usize>().is_ok() => Kind::Parameter,
            _ if last(1) == "requestBody" => Kind::RequestBody,
            _ if last(1) == "responses" && is_method(last(2)) => Kind::Responses,
            _ if last(2) == "responses" && is_method(last(3)) => Kind::Response,
            _ if last(2) == "headers"
                && (last(4) == "responses" || t.starts_with(&["components", "responses"])) =>
            {
                Kind::Header
            }
            _ if last(2) == "content" => Kind::MediaType,
            _ if n >= 2
                && is_method(last(1))
                && (n == 3 && t[0] == "paths"
                    || last(4) == "callbacks"
                    || t.starts_with(&["components", "callbacks"])) =>
            {
                Kind::Operation
            }
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Operation => "an Operation",
            Kind::Parameter => "a Parameter",
            Kind::RequestBody => "a Request Body",
            Kind::Responses => "a Responses",
            Kind::Response => "a Response",
            Kind::Header => "a Header",
            Kind::MediaType => "a Media Type",
            Kind::SecurityScheme => "a Security Scheme",
            Kind::Server => "a Server",
        }
    }

    /// Whether the location may hold a `$ref` instead of the object.
    fn referable(self) -> bool {
        !matches!(
            self,
            Kind::Operation | Kind::Responses | Kind::MediaType | Kind::Server
        )
    }

    /// The first problem in `value` (found at `at`) read as this kind, located as deep as known.
    fn first_error(self, value: &Node<'_>, at: &str) -> Option<Diagnostic> {
        let Some(obj) = value.as_object() else {
            let refs = if self.referable() { " or a `$ref`" } else { "" };
            return Some(
                Diagnostic::error(
                    at,
                    format!(
                        "expected {} object{refs}, found {}",
                        self.name(),
                        value_kind(value)
                    ),
                )
                .help("check this value against the OpenAPI specification's object definition"),
            );
        };
        if self.referable() {
            match obj.get("$ref") {
                Some(Node::String(_)) => return None,
                Some(other) => {
                    return Some(
                        Diagnostic::error(
                            format!("{at}/$ref"),
                            format!("`$ref` must be a string, found {}", value_kind(other)),
                        )
                        .help("write the reference as a string, e.g. `$ref: '#/components/schemas/Pet'`"),
                    );
                }
                None => {}
            }
        }
        match self {
            Kind::Parameter => {
                if let Some(d) = parameter_problem(obj, at) {
                    return Some(d);
                }
            }
            Kind::SecurityScheme => {
                if let Some(d) = security_scheme_problem(obj, at) {
                    return Some(d);
                }
            }
            Kind::Responses => {
                for (status, response) in obj {
                    if status.starts_with("x-") {
                        continue;
                    }
                    let p = push_pointer(at, status);
                    if let Some(d) = Kind::Response.first_error(response, &p) {
                        return Some(d);
                    }
                }
            }
            _ => {}
        }
        let result = match self {
            Kind::Operation => check::<openapiv3::Operation>(value, at),
            Kind::Parameter => check::<openapiv3::Parameter>(value, at),
            Kind::RequestBody => check::<openapiv3::RequestBody>(value, at),
            Kind::Responses => check::<openapiv3::Responses>(value, at),
            Kind::Response => check::<openapiv3::Response>(value, at),
            Kind::Header => check::<openapiv3::Header>(value, at),
            Kind::MediaType => check::<openapiv3::MediaType>(value, at),
            Kind::SecurityScheme => check::<openapiv3::SecurityScheme>(value, at),
            Kind::Server => check::<openapiv3::Server>(value, at),
        };
        result.err()
    }
}

fn check<T: DeserializeOwned>(value: &Node<'_>, at: &str) -> Result<(), Diagnostic> {
    let result: Result<T, _> = serde_path_to_error::deserialize(value.to_value());
    result.map(drop).map_err(|e| serde_diagnostic(e, at))
}

fn parameter_problem(obj: &Map<'_>, at: &str) -> Option<Diagnostic> {
    const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];
    const HELP: &str = "a parameter is `in: path`, `query`, `header` or `cookie`; a Swagger 2.0 `in: body` parameter is a `requestBody` in OpenAPI 3, and `in: formData` a form or multipart `requestBody`";
    match obj.get("in") {
        None => {
            return Some(Diagnostic::error(at, "the parameter has no `in` location").help(HELP));
        }
        Some(Node::String(location)) if LOCATIONS.contains(&location.as_ref()) => {}
        Some(Node::String(location)) => {
            return Some(
                Diagnostic::error(
                    format!("{at}/in"),
                    format!("unknown parameter location `{location}`"),
                )
                .help(HELP),
            );
        }
        Some(other) => {
            return Some(
                Diagnostic::error(
                    format!("{at}/in"),
                    format!(
                        "the parameter location must be a string, found {}",
                        value_kind(other)
                    ),
                )
                .help(HELP),
            );
        }
    }
    if !obj.contains_key("name") {
        return Some(
            Diagnostic::error(at, "the parameter has no `name`")
                .help("name the parameter as it is sent on the wire, e.g. `name: limit`"),
        );
    }
    if !obj.contains_key("schema") && !obj.contains_key("content") {
        return Some(
            Diagnostic::error(at, "the parameter has neither `schema` nor `content`")
                .help("describe the value with a `schema` (e.g. `schema: {type: string}`)"),
        );
    }
    None
}

fn security_scheme_problem(obj: &Map<'_>, at: &str) -> Option<Diagnostic> {
    const HELP: &str =
        "a security scheme's `type` is `apiKey`, `http`, `oauth2` or `openIdConnect`";
    match obj.get("type") {
        None => Some(Diagnostic::error(at, "the security scheme has no `type`").help(HELP)),
        Some(Node::String(t)) if ["apiKey", "http", "oauth2", "openIdConnect"].contains(&t.as_ref()) => None,
        Some(Node::String(t)) if t == "mutualTLS" => Some(
            Diagnostic::error(format!("{at}/type"), "security scheme type `mutualTLS` is not supported")
                .help("configure the client certificate on the HTTP client instead, and remove the scheme"),
        ),
        Some(Node::String(t)) => {
            Some(Diagnostic::error(format!("{at}/type"), format!("unknown security scheme type `{t}`")).help(HELP))
        }
        Some(other) => Some(
            Diagnostic::error(format!("{at}/type"), format!("the security scheme `type` must be a string, found {}", value_kind(other)))
                .help(HELP),
        ),
    }
}

/// What a JSON value is, for messages: `a string`, `an array`, …
fn value_kind(v: &Node<'_>) -> String {
    match v {
        Node::Null => "null".to_string(),
        Node::Bool(b) => format!("the boolean {b}"),
        Node::Number(n) => format!("the number {n}"),
        Node::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Node::String(_) => "a string".to_string(),
        Node::Array(_) => "an array".to_string(),
        Node::Object(_) => "an object".to_string(),
    }
}

/// serde's messages in OpenAPI terms: `invalid type: sequence, expected a map` →
/// `expected an object, found an array`.
fn describe_serde_error(message: &str) -> String {
    // serde's untagged-enum messages are opaque; say what was expected in OpenAPI terms.
    if message.starts_with("data did not match any variant of untagged enum ReferenceOr") {
        return "expected an object or a `$ref`".to_string();
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing required field {field}");
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        return format!(
            "expected {}, found {}",
            serde_expected(expected),
            serde_found(found)
        );
    }
    if let Some((value, expected)) = message
        .strip_prefix("unknown variant ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("unknown value {value}; expected {expected}");
    }
    format!("invalid value: {message}")
}

fn serde_expected(expected: &str) -> String {
    match expected {
        "a sequence" => "an array".to_string(),
        "a map" => "an object".to_string(),
        "a boolean" | "a string" => expected.to_string(),
        _ => match expected.strip_prefix("struct ") {
            Some(name) => {
                let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                    "an"
                } else {
                    "a"
                };
                format!("{article} {name} object")
            }
            None => expected.to_string(),
        },
    }
}

fn serde_found(found: &str) -> String {
    match found {
        "sequence" => "an array".to_string(),
        "map" => "an object".to_string(),
        "unit value" | "null" => "null".to_string(),
        _ => {
            for (serde, ours) in [
                ("string ", "the string "),
                ("integer ", "the number "),
                ("floating point ", "the number "),
                ("boolean ", "the boolean "),
            ] {
                if let Some(v) = found.strip_prefix(serde) {
                    return format!("{ours}{}", v.trim_matches('`'));
                }
            }
            found.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefetcher's walk from an operation reaches the schemas lowering will need: through
    /// other components and chains of schemas, past an alias (followed, not deserialized), and
    /// not through examples or extensions.
    #[test]
    fn the_prefetch_walk_reads_the_schemas_an_operation_refers_to() {
        let doc = parse(
            br##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
  "paths": {"/things": {"get": {
    "parameters": [{"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Query"}}],
    "responses": {
      "200": {"$ref": "#/components/responses/Things"},
      "400": {"description": "no", "content": {"application/json": {
        "schema": {"type": "object"},
        "example": {"$ref": "#/components/schemas/InExample"}}}}},
    "x-extra": {"$ref": "#/components/schemas/InExtension"}}}},
  "components": {
    "responses": {"Things": {"description": "ok", "content": {"application/json": {
      "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}},
    "schemas": {
      "Query": {"type": "string"},
      "Thing": {"type": "object", "properties": {"part": {"$ref": "#/components/schemas/Alias"}}},
      "Alias": {"$ref": "#/components/schemas/Part"},
      "Part": {"type": "object", "properties": {"back": {"$ref": "#/components/schemas/Thing"}}},
      "InExample": {"type": "string"},
      "InExtension": {"type": "string"},
      "Unused": {"type": "string"}}}}"##,
        )
        .unwrap();
        let mut walk = RefWalk {
            raw: &doc.raw,
            components: &doc.components,
            seen: Default::default(),
            walked: Default::default(),
        };
        walk.value(doc.get("#/paths/~1things/get").unwrap());
        let read: Vec<&str> = [
            "Query",
            "Thing",
            "Alias",
            "Part",
            "InExample",
            "InExtension",
            "Unused",
        ]
        .into_iter()
        .filter(|name| {
            let slot = doc.components.index[&format!("#/components/schemas/{name}")];
            doc.components.slots[slot].get().is_some()
        })
        .collect();
        assert_eq!(read, ["Query", "Thing", "Part"]);
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = parse_tree("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn json_is_detected_and_bom_tolerated() {
        let doc = parse(b"\xEF\xBB\xBF {\"openapi\":\"3.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{}}")
            .unwrap();
        assert_eq!(doc.version, SpecVersion::V30);
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse_tree("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err[0].line_col.is_some(), "{:?}", err);
    }

    /// `lookup` walks a reference as `serde_json::Value::pointer` walks its decoded fragment.
    #[test]
    fn lookups_agree_with_serde_json_pointers() {
        let raw = serde_json::json!({
            "paths": {"/items/{id}": {"get": {"parameters": [{"name": "a"}, {"name": "b"}]}}},
            "a~b": {"c/d": 1, "": {"e": 2}},
            "list": [10, 11, 12],
            "%": 3,
        });
        let node = Node::from_value(raw.clone());
        for reference in [
            "#",
            "#/",
            "#/paths",
            "#/paths/~1items~1{id}/get/parameters/1/name",
            "#/paths/~1items~1%7Bid%7D/get/parameters/0",
            "#/a~0b/c~1d",
            "#/a~0b//e",
            "#/a~0b/missing",
            "#/list/0",
            "#/list/2",
            "#/list/3",
            "#/list/01",
            "#/list/+1",
            "#/list/-1",
            "#/list/x",
            "#/list/0/deeper",
            "#/%25",
            "#paths",
            "paths",
            "#/paths/~1items~1{id}/get/parameters/a",
        ] {
            let expected = fragment_to_pointer(reference).and_then(|p| raw.pointer(&p));
            let found = lookup(&node, reference).map(Node::to_value);
            assert_eq!(found.as_ref(), expected, "{reference}");
        }
    }

    #[test]
    fn fragments_decode_percent_escapes() {
        assert_eq!(
            fragment_to_pointer("#/paths/~1items~1%7Bid%7D/get").as_deref(),
            Some("/paths/~1items~1{id}/get")
        );
    }

    #[test]
    fn locations_are_classified_by_pointer_shape() {
        assert_eq!(Kind::at("#/paths/~1pets/get"), Some(Kind::Operation));
        assert_eq!(
            Kind::at("#/paths/~1pets/get/parameters/0"),
            Some(Kind::Parameter)
        );
        assert_eq!(
            Kind::at("#/paths/~1pets/parameters/1"),
            Some(Kind::Parameter)
        );
        assert_eq!(
            Kind::at("#/paths/~1pets/get/responses"),
            Some(Kind::Responses)
        );
        assert_eq!(
            Kind::at("#/paths/~1pets/get/responses/default"),
            Some(Kind::Response)
        );
        assert_eq!(
            Kind::at("#/paths/~1pets/get/responses/200/content/application~1json"),
            Some(Kind::MediaType)
        );
        assert_eq!(
            Kind::at("#/components/securitySchemes/key"),
            Some(Kind::SecurityScheme)
        );
        // Names inside schemas and examples are data.
        assert_eq!(
            Kind::at("#/components/schemas/P/properties/content/items"),
            None
        );
        assert_eq!(
            Kind::at(
                "#/paths/~1pets/get/responses/200/content/application~1json/examples/content/x"
            ),
            None
        );
    }

    #[test]
    fn errors_behind_references_are_located() {
        let value: Value = serde_json::from_str(
            r#"{"responses": {"200": {"description": "ok", "content": {"application/json": 5}}}}"#,
        )
        .unwrap();
        let err =
            deserialize_at::<openapiv3::Operation>(&Node::from_value(value), "#/paths/~1a/get")
                .unwrap_err();
        assert_eq!(
            err.pointer,
            "#/paths/~1a/get/responses/200/content/application~1json"
        );
        assert_eq!(
            err.message,
            "expected a Media Type object, found the number 5"
        );
    }

    #[test]
    fn serde_messages_are_put_in_openapi_terms() {
        assert_eq!(
            describe_serde_error("missing field `url`"),
            "missing required field `url`"
        );
        assert_eq!(
            describe_serde_error("invalid type: sequence, expected a map"),
            "expected an object, found an array"
        );
        assert_eq!(
            describe_serde_error("invalid type: string \"x\", expected struct Operation"),
            "expected an Operation object, found the string \"x\""
        );
        assert_eq!(
            describe_serde_error("invalid type: integer `1`, expected a string"),
            "expected a string, found the number 1"
        );
    }

    #[test]
    fn reference_cycles_are_reported() {
        let doc = parse(
            br##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},
                "components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}}}"##,
        )
        .unwrap();
        let err = doc.follow("#/components/schemas/A", "#/x").unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
    }

    /// A reference followed again (from the cache) leads where it did; a failing one fails again,
    /// each time at the place that refers.
    #[test]
    fn references_followed_again_lead_to_the_same_place() {
        let doc = parse(
            br##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},
                "components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"type":"string"}}}}"##,
        )
        .unwrap();
        for at in ["#/x", "#/y"] {
            assert_eq!(
                doc.follow("#/components/schemas/A", at).unwrap(),
                "#/components/schemas/B"
            );
            let err = doc.follow("#/components/schemas/C", at).unwrap_err();
            assert_eq!(err.pointer, at);
        }
    }
}
