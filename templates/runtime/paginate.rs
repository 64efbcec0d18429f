//! Pagination: page tokens, the styles an API pages in, and lazy streams of pages and items.
//!
//! A [`Pagination`] (one `static` per paginated operation) says where the items are and how the
//! next page is asked for. [`RawResponse::decode_page`](super::response::RawResponse::decode_page)
//! turns a response into a [`Page`] whose `next` token is `None` on the last page.
//! [`PageStream`] follows the tokens lazily: page n+1 is requested only when the stream is polled
//! after page n, and only one page is held at a time. A [`PageToken`] is serializable, so a job can
//! store where it stopped and resume later.

use ::std::fmt;
use ::std::future::Future;
use ::std::pin::Pin;
use ::std::task::{Context, Poll};

use ::serde::Deserialize;
use ::serde::de::DeserializeOwned;
use ::serde_json::Value;

use super::client::Client;
use super::error::{DecodeError, Error, NoTypedError, OperationError};
use super::request::RequestBuilder;
use super::response::{RawResponse, Response, pointer_to_path};

/// Where the next page starts. Public and serializable: store it to resume a listing later.
#[derive(Clone, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
pub enum PageToken {
    /// An opaque cursor (also the last item's id for `has_more` paging).
    Cursor(String),
    /// An item offset.
    Offset(u64),
    /// A page number.
    Page(u64),
    /// The whole URL of the next page (from a `Link` header or a next-page field).
    Url(String),
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T, M = Value> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The body's `meta` member, when it has one.
    pub meta: Option<M>,
    /// The token of the next page; `None` on the last page.
    pub next: Option<PageToken>,
}

impl<T, M> Page<T, M> {
    /// The token of the next page; `None` on the last page.
    pub fn next_token(&self) -> Option<&PageToken> {
        self.next.as_ref()
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }

    /// The items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// How an operation pages. The generator emits one `static` per paginated operation.
#[derive(Debug)]
pub struct Pagination {
    /// JSON pointer of the items array in the body; `""` when the body is the array.
    pub items: &'static str,
    /// How the next page is asked for.
    pub style: PageStyle,
}

/// How the next page is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// A cursor from the body goes into a query parameter.
    Cursor {
        /// The query parameter.
        param: &'static str,
        /// JSON pointer of the next cursor; null, absent or `""` means the last page.
        next: &'static str,
    },
    /// A `has_more` flag; the last item's id becomes the next `param` (`starting_after`).
    HasMore {
        /// The query parameter.
        param: &'static str,
        /// JSON pointer of the boolean flag.
        has_more: &'static str,
        /// JSON pointer of the id inside an item (e.g. `/id`).
        id: &'static str,
    },
    /// An offset advanced by the number of items received. Ends on an empty page: a page shorter
    /// than the `limit_param` asked for does not end it, because servers cap page sizes.
    Offset {
        /// The offset parameter.
        param: &'static str,
        /// The page size parameter, if any.
        limit_param: Option<&'static str>,
    },
    /// A page number. Ends on an empty page.
    PageNumber {
        /// The page parameter.
        param: &'static str,
        /// The number of the first page (0 or 1).
        first: u64,
    },
    /// RFC 8288 `Link: <…>; rel="next"` headers.
    LinkHeader,
    /// A next-page URL (absolute or relative) in the body.
    NextUrl {
        /// JSON pointer of the URL; null, absent or `""` means the last page.
        next: &'static str,
    },
}

/// A value as a page token's text: a non-empty string, or a number.
fn token_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The text at `pointer`: a non-empty string, or a number.
fn text_at(body: &Value, pointer: &str) -> Option<String> {
    token_text(body.pointer(pointer)?)
}

/// The (decoded) value of a query parameter of `url`.
fn query_param(url: &::url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` without the query parameter `name`.
pub(super) fn without_param(mut url: ::url::Url, name: Option<&str>) -> ::url::Url {
    let Some(name) = name else { return url };
    if !url.query_pairs().any(|(k, _)| k == name) {
        return url;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url
}

/// The target of the first `rel="next"` link in RFC 8288 `Link` headers.
pub(super) fn link_next(headers: &::reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(::reqwest::header::LINK) {
        let Ok(mut rest) = value.to_str() else {
            continue;
        };
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('>') else { break };
            let target = &after[..end];
            rest = &after[end + 1..];
            let params_end = rest.find('<').unwrap_or(rest.len());
            let params = &rest[..params_end];
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches(|c| c == '"' || c == ',')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.trim().to_owned());
            }
            rest = &rest[params_end..];
        }
    }
    None
}

/// A decoded page, and the body's `meta` as sent.
pub(super) type DecodedPage<T, M> = (Page<T, M>, Option<Value>);

/// What [`Pagination::next_token`] reads of a page's body.
pub(super) trait PageBody {
    /// The value at a JSON pointer outside the items.
    fn value_at(&self, pointer: &str) -> Option<&Value>;
    /// The number of items (0 when the items are not an array).
    fn item_count(&self) -> usize;
    /// The token text at `id` in the last item: `None` when there are no items, `Some(None)`
    /// when the last item has none.
    fn last_item_text(&self, id: &str) -> Option<Option<String>>;
}

/// A page's body parsed whole into a [`Value`].
pub(super) struct ValueBody<'a> {
    /// The body.
    pub(super) body: &'a Value,
    /// The pointer of the items.
    pub(super) items: &'a str,
}

impl PageBody for ValueBody<'_> {
    fn value_at(&self, pointer: &str) -> Option<&Value> {
        self.body.pointer(pointer)
    }

    fn item_count(&self) -> usize {
        match self.body.pointer(self.items) {
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        }
    }

    fn last_item_text(&self, id: &str) -> Option<Option<String>> {
        match self.body.pointer(self.items) {
            Some(Value::Array(items)) => items.last().map(|last| text_at(last, id)),
            _ => None,
        }
    }
}

impl Pagination {
    /// The pointers outside the items whose values decide the next page, and `/meta`.
    fn body_pointers(&self) -> ([&'static str; 2], usize) {
        match self.style {
            PageStyle::Cursor { next, .. } | PageStyle::NextUrl { next } => ([META, next], 2),
            PageStyle::HasMore { has_more, .. } => ([META, has_more], 2),
            PageStyle::Offset { .. } | PageStyle::PageNumber { .. } | PageStyle::LinkHeader => {
                ([META, META], 1)
            }
        }
    }

    /// The token of the page after `response`, whose body is `body`.
    pub(super) fn next_token(
        &self,
        response: &RawResponse,
        body: &dyn PageBody,
    ) -> Result<Option<PageToken>, Box<DecodeError>> {
        let resolve = |target: &str| -> Result<PageToken, Box<DecodeError>> {
            let url = response.url().join(target).map_err(|e| {
                response.decode_error(String::new(), format!("invalid next-page URL: {e}"))
            })?;
            Ok(PageToken::Url(
                without_param(url, response.secret_query()).to_string(),
            ))
        };
        let text_at = |pointer: &str| body.value_at(pointer).and_then(token_text);
        Ok(match self.style {
            PageStyle::Cursor { next, .. } => text_at(next).map(PageToken::Cursor),
            PageStyle::HasMore { has_more, id, .. } => {
                if body.value_at(has_more) != Some(&Value::Bool(true)) {
                    return Ok(None);
                }
                let Some(last) = body.last_item_text(id) else {
                    return Ok(None);
                };
                match last {
                    Some(cursor) => Some(PageToken::Cursor(cursor)),
                    None => {
                        return Err(response.decode_error(
                            pointer_to_path(self.items),
                            format!("`has_more` is true but the last item has no id at `{id}`"),
                        ));
                    }
                }
            }
            PageStyle::Offset { param, .. } => {
                let current = query_param(response.url(), param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                let count = body.item_count() as u64;
                if count == 0 {
                    None
                } else {
                    Some(PageToken::Offset(current.saturating_add(count)))
                }
            }
            PageStyle::PageNumber { param, first } => {
                let current = query_param(response.url(), param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(first);
                if body.item_count() == 0 {
                    None
                } else {
                    Some(PageToken::Page(current.saturating_add(1)))
                }
            }
            PageStyle::LinkHeader => match link_next(response.headers()) {
                Some(target) => Some(resolve(&target)?),
                None => None,
            },
            PageStyle::NextUrl { next } => match text_at(next) {
                Some(target) => Some(resolve(&target)?),
                None => None,
            },
        })
    }

    /// Decodes a page in one pass over the body: the items straight into `Vec<T>`, the few
    /// values the next page depends on and `meta` as [`Value`]s, everything else skipped.
    /// `None` when the page does not decode (or its pointers overlap in a way this decoder
    /// leaves alone): the caller then decodes it through a [`Value`], which says why.
    pub(super) fn decode_in_one_pass<T: DeserializeOwned, M: DeserializeOwned>(
        &self,
        response: &RawResponse,
    ) -> Option<DecodedPage<T, M>> {
        let (pointers, count) = self.body_pointers();
        let plan = Plan::new(Some(self.items), &pointers[..count])?;
        let mut found = Found::new(Typed::<T>(None), &plan);
        let mut de = ::serde_json::Deserializer::from_slice(response.body());
        ::serde::de::DeserializeSeed::deserialize(Node::root(&plan, &mut found), &mut de).ok()?;
        de.end().ok()?;
        let items = found.items.0?;
        let body = Walked {
            plan: &plan,
            captured: &found.captured,
            item_count: items.len(),
            bytes: response.body(),
            items: self.items,
        };
        let next = self.next_token(response, &body).ok()?;
        let meta_value = match body.value_at(META) {
            Some(Value::Null) | None => None,
            Some(value) => Some(value.clone()),
        };
        let meta = match &meta_value {
            Some(value) => Some(M::deserialize(value).ok()?),
            None => None,
        };
        Some((Page { items, meta, next }, meta_value))
    }
}

// One-pass page decoding. A `Plan` lists the JSON pointers to pick out of a body: at most one of
// items (deserialized by an `ItemsSink`) and values captured whole as `Value`s. `Node` walks
// the body as a `DeserializeSeed`, entering only the object members and array elements on the
// way to a pointer, and skips everything else with `IgnoredAny`.

/// The pointer of a page's `meta` member.
const META: &str = "/meta";

/// Whether `outer` points at `inner` or at one of its ancestors.
fn contains(outer: &str, inner: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a pointer token selects an array element (the rule of `Value::pointer`: digits, no
/// sign, no leading zero).
fn is_index(token: &str) -> bool {
    let leading_zero = token.starts_with('0') && token.len() != 1;
    !token.starts_with('+') && !leading_zero && token.parse::<usize>().is_ok()
}

/// A pointer's unescaped tokens (as `Value::pointer` reads them); `None` for a pointer that
/// `Value::pointer` never resolves.
fn pointer_tokens(pointer: &str) -> Option<Vec<::std::borrow::Cow<'_, str>>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let tokens = pointer.strip_prefix('/')?.split('/').map(|token| {
        if token.contains('~') {
            ::std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
        } else {
            ::std::borrow::Cow::Borrowed(token)
        }
    });
    Some(tokens.collect())
}

/// What a pointer of a [`Plan`] stands for.
#[derive(Clone, Copy)]
enum Target {
    Items,
    Capture(usize),
}

/// The pointers one walk picks out: none contains another.
struct Plan<'p> {
    targets: Vec<(Target, Vec<::std::borrow::Cow<'p, str>>)>,
    /// The pointers of the captured values, by capture index.
    captures: Vec<&'p str>,
}

impl<'p> Plan<'p> {
    /// A plan for the items at `items` (if any) and the values at `wanted`. A wanted pointer
    /// inside another is read from the outer value afterwards; one inside the items is never
    /// found when they are an array, unless it names an element. `None` when a wanted pointer
    /// contains the items or names one of their elements.
    fn new(items: Option<&'p str>, wanted: &[&'p str]) -> Option<Self> {
        let mut targets = Vec::new();
        if let Some(items) = items {
            targets.push((Target::Items, pointer_tokens(items)?));
        }
        let mut captures: Vec<&'p str> = Vec::new();
        for &pointer in wanted {
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                continue; // `Value::pointer` never finds it
            }
            if let Some(items) = items {
                if contains(pointer, items) {
                    return None;
                }
                if contains(items, pointer) {
                    let token = pointer[items.len() + 1..].split('/').next().unwrap_or("");
                    if is_index(token) {
                        return None;
                    }
                    continue;
                }
            }
            if captures.iter().any(|outer| contains(outer, pointer)) {
                continue;
            }
            captures.retain(|inner| !contains(pointer, inner));
            captures.push(pointer);
        }
        for (index, pointer) in captures.iter().enumerate() {
            targets.push((Target::Capture(index), pointer_tokens(pointer)?));
        }
        if targets.len() > 64 {
            return None;
        }
        Some(Self { targets, captures })
    }

    /// Every target.
    fn all(&self) -> u64 {
        u64::MAX >> (64 - self.targets.len().max(1))
    }

    /// The live target (if any) whose pointer ends at `depth`.
    fn ending(&self, live: u64, depth: usize) -> Option<Target> {
        self.targets
            .iter()
            .enumerate()
            .find(|(i, (_, tokens))| live & (1 << i) != 0 && tokens.len() == depth)
            .map(|(_, (target, _))| *target)
    }

    /// The live targets whose token at `depth` is accepted by `matches`.
    fn narrow(&self, live: u64, depth: usize, matches: impl Fn(&str) -> bool) -> u64 {
        let mut out = 0;
        for (i, (_, tokens)) in self.targets.iter().enumerate() {
            if live & (1 << i) != 0 && tokens.get(depth).is_some_and(|t| matches(t)) {
                out |= 1 << i;
            }
        }
        out
    }
}

/// Receives the items of a walk.
trait ItemsSink<'de> {
    fn take<D: ::serde::Deserializer<'de>>(&mut self, deserializer: D) -> Result<(), D::Error>;
}

/// The items, deserialized (`null` is no items); `None` until found.
struct Typed<T>(Option<Vec<T>>);

impl<'de, T: ::serde::Deserialize<'de>> ItemsSink<'de> for Typed<T> {
    fn take<D: ::serde::Deserializer<'de>>(&mut self, deserializer: D) -> Result<(), D::Error> {
        let items: Option<Vec<T>> = ::serde::Deserialize::deserialize(deserializer)?;
        self.0 = Some(items.unwrap_or_default());
        Ok(())
    }
}

/// For plans without items.
struct NoItems;

impl<'de> ItemsSink<'de> for NoItems {
    fn take<D: ::serde::Deserializer<'de>>(&mut self, deserializer: D) -> Result<(), D::Error> {
        ::serde::de::IgnoredAny::deserialize(deserializer).map(|_| ())
    }
}

/// The value at one pointer inside the last item: `None` when the items are not a non-empty
/// array, `Some(None)` when the last item has nothing there.
struct LastItem<'p> {
    plan: Plan<'p>,
    last: Option<Option<Value>>,
}

impl<'de> ItemsSink<'de> for LastItem<'_> {
    fn take<D: ::serde::Deserializer<'de>>(&mut self, deserializer: D) -> Result<(), D::Error> {
        self.last = None;
        deserializer.deserialize_any(LastItemVisitor(self))
    }
}

struct LastItemVisitor<'a, 'p>(&'a mut LastItem<'p>);

impl<'de> ::serde::de::Visitor<'de> for LastItemVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let sink = self.0;
        let mut found = Found::new(NoItems, &sink.plan);
        loop {
            found.captured.iter_mut().for_each(|c| *c = None);
            if seq
                .next_element_seed(Node::root(&sink.plan, &mut found))?
                .is_none()
            {
                return Ok(());
            }
            sink.last = Some(found.captured.first_mut().and_then(Option::take));
        }
    }

    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map
            .next_entry::<::serde::de::IgnoredAny, ::serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// What a walk found.
struct Found<S> {
    items: S,
    captured: Vec<Option<Value>>,
}

impl<S> Found<S> {
    fn new(items: S, plan: &Plan<'_>) -> Self {
        Self {
            items,
            captured: vec![None; plan.captures.len()],
        }
    }
}

/// One value of the body, on the way to the `live` targets (a bit per target of the plan),
/// whose first `depth` tokens lead here.
struct Node<'a, 'p, S> {
    plan: &'a Plan<'p>,
    found: &'a mut Found<S>,
    depth: usize,
    live: u64,
}

impl<'a, 'p, S> Node<'a, 'p, S> {
    fn root(plan: &'a Plan<'p>, found: &'a mut Found<S>) -> Self {
        Self {
            plan,
            found,
            depth: 0,
            live: plan.all(),
        }
    }
}

impl<'de, S: ItemsSink<'de>> ::serde::de::DeserializeSeed<'de> for Node<'_, '_, S> {
    type Value = ();

    fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.plan.ending(self.live, self.depth) {
            Some(Target::Items) => self.found.items.take(deserializer),
            Some(Target::Capture(index)) => {
                self.found.captured[index] = Some(Value::deserialize(deserializer)?);
                Ok(())
            }
            None => deserializer.deserialize_any(self),
        }
    }
}

impl<'de, S: ItemsSink<'de>> ::serde::de::Visitor<'de> for Node<'_, '_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Node {
            plan,
            found,
            depth,
            live,
        } = self;
        while let Some(next) = map.next_key_seed(Key { plan, depth, live })? {
            if next == 0 {
                map.next_value::<::serde::de::IgnoredAny>()?;
            } else {
                map.next_value_seed(Node {
                    plan,
                    found: &mut *found,
                    depth: depth + 1,
                    live: next,
                })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Node {
            plan,
            found,
            depth,
            live,
        } = self;
        let mut index = 0usize;
        loop {
            let next = plan.narrow(live, depth, |token| {
                is_index(token) && token.parse::<usize>() == Ok(index)
            });
            let more = if next == 0 {
                seq.next_element::<::serde::de::IgnoredAny>()?.is_some()
            } else {
                seq.next_element_seed(Node {
                    plan,
                    found: &mut *found,
                    depth: depth + 1,
                    live: next,
                })?
                .is_some()
            };
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An object key, read as the live targets whose next token it is.
struct Key<'a, 'p> {
    plan: &'a Plan<'p>,
    depth: usize,
    live: u64,
}

impl<'de> ::serde::de::DeserializeSeed<'de> for Key<'_, '_> {
    type Value = u64;

    fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> ::serde::de::Visitor<'de> for Key<'_, '_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<u64, E> {
        Ok(self
            .plan
            .narrow(self.live, self.depth, |token| token == key))
    }
}

/// A page's body as one walk found it.
struct Walked<'a, 'p> {
    plan: &'a Plan<'p>,
    captured: &'a [Option<Value>],
    item_count: usize,
    bytes: &'a [u8],
    items: &'p str,
}

impl PageBody for Walked<'_, '_> {
    fn value_at(&self, pointer: &str) -> Option<&Value> {
        let index = self
            .plan
            .captures
            .iter()
            .position(|outer| contains(outer, pointer))?;
        let rest = &pointer[self.plan.captures[index].len()..];
        self.captured[index].as_ref()?.pointer(rest)
    }

    fn item_count(&self) -> usize {
        self.item_count
    }

    fn last_item_text(&self, id: &str) -> Option<Option<String>> {
        if self.item_count == 0 {
            return None;
        }
        // A second walk, only for `has_more` pages that have a next page: the items were
        // deserialized into `T`, which keeps no trace of the id.
        let failed = Some(None);
        let Some(items) = Plan::new(Some(self.items), &[]) else {
            return failed;
        };
        let Some(inner) = Plan::new(None, &[id]) else {
            return failed;
        };
        let mut found = Found::new(
            LastItem {
                plan: inner,
                last: None,
            },
            &items,
        );
        let mut de = ::serde_json::Deserializer::from_slice(self.bytes);
        if ::serde::de::DeserializeSeed::deserialize(Node::root(&items, &mut found), &mut de)
            .is_err()
        {
            return failed;
        }
        let last = found.items.last?;
        Some(last.as_ref().and_then(token_text))
    }
}

type PageFuture<T, M, E> =
    Pin<Box<dyn Future<Output = Result<Response<Page<T, M>>, Error<E>>> + Send>>;

type MakeRequest = Box<dyn FnMut(Option<&PageToken>) -> RequestBuilder + Send>;

/// A token's hash (`None`, the first page, hashes too), for loop detection in constant space per
/// page.
fn token_hash(token: Option<&PageToken>) -> u64 {
    use ::std::hash::{Hash, Hasher};
    let mut hasher = ::std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut hasher);
    hasher.finish()
}

/// A lazy stream of pages. Page n+1 is requested only when the stream is polled after page n;
/// only one page is in memory at a time. Ends after the last page, or after the first error.
pub struct PageStream<T, M = Value, E = NoTypedError> {
    client: Client,
    pagination: &'static Pagination,
    make: MakeRequest,
    /// The token of the next page to fetch (`None` before the first page means "from the start").
    next: Option<PageToken>,
    /// The token of the page being fetched.
    current: Option<PageToken>,
    done: bool,
    /// The stream ended on an error: `next` holds the token of the page that failed.
    failed: bool,
    /// `max_items` cut the stream: `next` holds where to resume.
    cut: bool,
    /// Hashes of every token requested so far, to stop a server that sends the stream in a circle.
    seen: ::std::collections::HashSet<u64>,
    /// An error to yield after the page just returned (a token that was already used).
    pending: Option<Error<E>>,
    max_items: Option<u64>,
    yielded: u64,
    in_flight: Option<PageFuture<T, M, E>>,
}

// The stream never pins its fields in place: the in-flight future is boxed.
impl<T, M, E> Unpin for PageStream<T, M, E> {}

impl<T, M, E> fmt::Debug for PageStream<T, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("pagination", &self.pagination)
            .field("next", &self.next)
            .field("done", &self.done)
            .field("max_items", &self.max_items)
            .field("yielded", &self.yielded)
            .finish_non_exhaustive()
    }
}

impl<T, M, E> PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    /// A stream starting at `start` (`None`: the first page). `make` builds the request for a
    /// page; the stream then applies the token with
    /// [`RequestBuilder::page_token`] (so `make` may apply it too, or not).
    pub fn new<F>(
        client: Client,
        pagination: &'static Pagination,
        start: Option<PageToken>,
        make: F,
    ) -> Self
    where
        F: FnMut(Option<&PageToken>) -> RequestBuilder + Send + 'static,
    {
        Self {
            client,
            pagination,
            make: Box::new(make),
            next: start,
            current: None,
            done: false,
            failed: false,
            cut: false,
            seen: ::std::collections::HashSet::new(),
            pending: None,
            max_items: None,
            yielded: 0,
            in_flight: None,
        }
    }

    /// Stops after `n` items in all (the last page is cut short).
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Where to resume: the token of the first page not yet received. While a page is being
    /// fetched, and after a page failed, that is the page's own token, so a job that stores it
    /// and starts again loses nothing. After `max_items` cut a page short, it is that page's own
    /// token (its first items come again on resume; none are lost). `None` once the last page
    /// has been received (or when the page to resume from is the first one).
    pub fn next_token(&self) -> Option<&PageToken> {
        if self.in_flight.is_some() {
            self.current.as_ref()
        } else if self.done && !self.failed && !self.cut {
            None
        } else {
            self.next.as_ref()
        }
    }

    /// A stream of the items themselves, page after page (honours `max_items`).
    pub fn items(self) -> ItemStream<T, M, E> {
        ItemStream {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    fn start_fetch(&mut self) {
        let token = self.next.take();
        self.seen.insert(token_hash(token.as_ref()));
        let mut request = (self.make)(token.as_ref());
        if let Some(token) = &token {
            request.page_token(&self.pagination.style, token);
        }
        self.current = token;
        let client = self.client.clone();
        let pagination = self.pagination;
        self.in_flight = Some(Box::pin(async move {
            client
                .execute::<E>(request)
                .await?
                .decode_page::<T, M, E>(pagination)
        }));
    }

    fn finish(
        &mut self,
        result: Result<Response<Page<T, M>>, Error<E>>,
    ) -> Result<Page<T, M>, Error<E>> {
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                self.done = true;
                self.failed = true;
                self.next = self.current.clone();
                return Err(e);
            }
        };
        let (status, request_id) = (response.status(), response.request_id().map(str::to_owned));
        let mut page = response.into_inner();
        if page.next.is_some() && self.seen.contains(&token_hash(page.next.as_ref())) {
            // The page is still returned (its items are real); the error follows it.
            self.pending = Some(Error::Decode(Box::new(DecodeError {
                status,
                path: String::new(),
                message: format!(
                    "the next-page token {:?} was already used; stopping instead of looping",
                    page.next
                ),
                snippet: String::new(),
                content_type: None,
                request_id,
            })));
            self.next = None;
            self.done = true;
        } else {
            self.next = page.next.clone();
            if self.next.is_none() {
                self.done = true;
            }
        }
        if let Some(max) = self.max_items {
            let left = max.saturating_sub(self.yielded);
            let len = page.items.len() as u64;
            if len > left {
                // Cut inside the page: resuming must fetch this page again.
                page.items
                    .truncate(usize::try_from(left).unwrap_or(usize::MAX));
                self.next = self.current.clone();
                self.pending = None;
                self.cut = true;
                self.done = true;
            } else if len == left && !self.done {
                // Cut at the page's end: resuming starts at the next page.
                self.cut = true;
                self.done = true;
            }
        }
        self.yielded = self.yielded.saturating_add(page.items.len() as u64);
        Ok(page)
    }
}

impl<T, M, E> ::futures_core::Stream for PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    type Item = Result<Page<T, M>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(fut) = this.in_flight.as_mut() {
                let result = match fut.as_mut().poll(cx) {
                    Poll::Ready(result) => result,
                    Poll::Pending => return Poll::Pending,
                };
                this.in_flight = None;
                return Poll::Ready(Some(this.finish(result)));
            }
            if let Some(error) = this.pending.take() {
                return Poll::Ready(Some(Err(error)));
            }
            if this.done || this.max_items.is_some_and(|max| this.yielded >= max) {
                this.done = true;
                return Poll::Ready(None);
            }
            this.start_fetch();
        }
    }
}

impl<T, M, E> ::futures_core::stream::FusedStream for PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    fn is_terminated(&self) -> bool {
        // A pending error (a repeated token) is still to be yielded after the last page.
        self.done && self.in_flight.is_none() && self.pending.is_none()
    }
}

/// A lazy stream of items, fetched page by page (see [`PageStream::items`]).
pub struct ItemStream<T, M = Value, E = NoTypedError> {
    pages: PageStream<T, M, E>,
    buffer: ::std::vec::IntoIter<T>,
}

// Items are only moved out of the buffer, never pinned.
impl<T, M, E> Unpin for ItemStream<T, M, E> {}

impl<T, M, E> fmt::Debug for ItemStream<T, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T, M, E> ItemStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    /// The token of the next page not yet requested (items of the current page still buffered
    /// are not covered by it).
    pub fn next_token(&self) -> Option<&PageToken> {
        self.pages.next_token()
    }
}

impl<T, M, E> ::futures_core::Stream for ItemStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            // The drained page's allocation goes before the next page is fetched and decoded.
            this.buffer = Vec::new().into_iter();
            match ::futures_core::Stream::poll_next(Pin::new(&mut this.pages), cx) {
                Poll::Ready(Some(Ok(page))) => this.buffer = page.items.into_iter(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
