//! Building a request: path, query, headers, cookies, body and per-call options.
//!
//! Every method is infallible. A problem (a path parameter of `..`, a header value with a line
//! break, a body that does not serialize…) is recorded, and `Client::execute` reports it as
//! `Error::InvalidRequest` without sending anything.
//!
//! Bodies are kept as data (bytes, text, a form string, a [`Multipart`] description) and turned
//! into a fresh HTTP body on every attempt, so every retry sends the same thing.

use ::std::fmt;
use ::std::time::Duration;

use ::percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ::serde::Serialize;
use ::serde_json::Value;

use super::operation::Operation;
use super::paginate::{PageStyle, PageToken};
use super::retry::RetryPolicy;
use super::upload::Multipart;

/// Everything except the unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded in path
/// segments and query components.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters that may not appear raw in a cookie value.
const COOKIE_VALUE: &AsciiSet = &::percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Percent-encodes what is written to it (as one path segment) onto a string.
struct EncodeInto<'a>(&'a mut String);

impl fmt::Write for EncodeInto<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0.extend(utf8_percent_encode(text, COMPONENT));
        Ok(())
    }
}

/// How a query parameter's array or object value is written (OpenAPI `style`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    /// `style: form`: `ids=1&ids=2` (explode) or `ids=1,2`.
    #[default]
    Form,
    /// `style: spaceDelimited`: `ids=1%202`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `ids=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `filter[status]=active&filter[owner][id]=7`.
    DeepObject,
}

/// Per-call options. Build with `RequestOptions::default()` and the setters.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(super) timeout: Option<Duration>,
    pub(super) deadline: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) idempotency_key: Option<String>,
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each attempt (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The overall deadline of the call, across retries (overrides the client's).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The number of retries (overrides the retry policy's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The retry policy of this call (the client's retry budget still applies).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// An extra header. An invalid name or value fails the call with `Error::InvalidRequest`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The idempotency key to send (in the operation's idempotency header, or `Idempotency-Key`).
    /// A POST or PATCH with a key is retried like a GET.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may hold secrets; only their names are shown.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_retries", &self.max_retries)
            .field("retry", &self.retry)
            .field("headers", &names)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// A request body, kept as data so it can be sent again on every attempt.
#[derive(Clone)]
pub(super) enum Body {
    Json(::bytes::Bytes),
    Form(String),
    Multipart(Multipart),
    Bytes {
        content_type: String,
        bytes: ::bytes::Bytes,
    },
    Text {
        content_type: String,
        text: String,
    },
}

impl Body {
    /// The content type the body implies (`None` for multipart: the boundary is added per attempt).
    pub(super) fn content_type(&self) -> Option<&str> {
        match self {
            Self::Json(_) => Some("application/json"),
            Self::Form(_) => Some("application/x-www-form-urlencoded"),
            Self::Multipart(_) => None,
            Self::Bytes { content_type, .. } | Self::Text { content_type, .. } => {
                Some(content_type)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Json(b) => format!("json ({} bytes)", b.len()),
            Self::Form(s) => format!("form ({} bytes)", s.len()),
            Self::Multipart(m) => format!("multipart ({} parts)", m.len()),
            Self::Bytes {
                content_type,
                bytes,
            } => format!("{content_type} ({} bytes)", bytes.len()),
            Self::Text { content_type, text } => format!("{content_type} ({} bytes)", text.len()),
        }
    }
}

/// One request being built. Owned and `'static`: the generated builders fill it in and hand it to
/// `Client::execute`.
pub struct RequestBuilder {
    pub(super) op: &'static Operation,
    pub(super) path: String,
    /// Percent-encoded `(name, value)` pairs.
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(
        ::reqwest::header::HeaderName,
        ::reqwest::header::HeaderValue,
    )>,
    /// `(name, encoded value)` pairs.
    pub(super) cookies: Vec<(String, String)>,
    pub(super) body: Option<Body>,
    pub(super) content_type: Option<String>,
    pub(super) options: RequestOptions,
    /// A whole next-page URL (from a `PageToken::Url`), replacing path and query.
    pub(super) url: Option<String>,
    pub(super) problems: Vec<String>,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        let cookies: Vec<&str> = self.cookies.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestBuilder")
            .field("operation", &self.op.id)
            .field("method", &self.op.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("cookies", &cookies)
            .field("body", &self.body.as_ref().map(Body::describe))
            .field("content_type", &self.content_type)
            .field("options", &self.options)
            .field("next_url", &self.url)
            .field("problems", &self.problems)
            .finish()
    }
}

/// A scalar as text; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A scalar as text, anything else as compact JSON.
fn any_text(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| value.to_string())
}

/// The texts of an array's non-null elements, or of an object's keys and values in turn.
fn flat_texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(any_text)
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .flat_map(|(k, v)| [k.clone(), any_text(v)])
            .collect(),
        other => scalar_text(other).into_iter().collect(),
    }
}

impl RequestBuilder {
    /// An empty request for `op`. Generated code calls `Client::request` instead.
    pub fn new(op: &'static Operation) -> Self {
        Self {
            op,
            // Room for the template with short parameters, so the path is allocated once.
            path: String::with_capacity(op.path.len() + 16),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            content_type: None,
            options: RequestOptions::default(),
            url: None,
            problems: Vec::new(),
        }
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    fn problem(&mut self, message: String) {
        self.problems.push(message);
    }

    /// Appends a literal piece of the path template, as is.
    pub fn path_literal(&mut self, literal: &str) -> &mut Self {
        self.path.push_str(literal);
        self
    }

    /// Appends a path parameter, percent-encoded as exactly one segment: `/`, `?`, `#`, `%`, spaces
    /// and every other reserved character are escaped. An empty value, `.` or `..` is refused.
    pub fn path_param<T: fmt::Display + ?Sized>(&mut self, value: &T) -> &mut Self {
        use ::std::fmt::Write as _;
        let start = self.path.len();
        // Encoded as it is formatted. Only "", "." and ".." encode to "", "." and "..".
        let _ = write!(EncodeInto(&mut self.path), "{value}");
        let segment = &self.path[start..];
        if segment.is_empty() || segment == "." || segment == ".." {
            let message = format!(
                "a path parameter of {segment:?} is not allowed in {}",
                self.op.path
            );
            self.problem(message);
        }
        self
    }

    /// Adds a query parameter in `style: form, explode: true` (the OpenAPI default). `None`,
    /// `Nullable::Absent` and null are omitted; arrays repeat the name; objects become one
    /// parameter per property.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.query_styled(name, value, ParamStyle::Form, true)
    }

    /// Adds a query parameter with an explicit OpenAPI `style` and `explode`.
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
        explode: bool,
    ) -> &mut Self {
        match ::serde_json::to_value(value) {
            Ok(value) => self.push_query(name, &value, style, explode),
            Err(e) => self.problem(format!("query parameter {name:?} does not serialize: {e}")),
        }
        self
    }

    fn push_query(&mut self, name: &str, value: &Value, style: ParamStyle, explode: bool) {
        let delimiter = match style {
            ParamStyle::Form | ParamStyle::DeepObject => ",",
            ParamStyle::SpaceDelimited => "%20",
            ParamStyle::PipeDelimited => "|",
        };
        match value {
            Value::Null => {}
            Value::Array(_) if style == ParamStyle::DeepObject || explode => {
                for text in flat_texts(value) {
                    self.query.push((encode(name), encode(&text)));
                }
            }
            Value::Object(map) if style == ParamStyle::DeepObject => {
                self.push_deep(name, map);
            }
            Value::Object(map) if explode => {
                for (key, item) in map {
                    match item {
                        Value::Null => {}
                        Value::Array(_) => {
                            for text in flat_texts(item) {
                                self.query.push((encode(key), encode(&text)));
                            }
                        }
                        other => self.query.push((encode(key), encode(&any_text(other)))),
                    }
                }
            }
            Value::Array(_) | Value::Object(_) => {
                let texts = flat_texts(value);
                if !texts.is_empty() {
                    let joined = texts
                        .iter()
                        .map(|t| encode(t))
                        .collect::<Vec<_>>()
                        .join(delimiter);
                    self.query.push((encode(name), joined));
                }
            }
            scalar => {
                if let Some(text) = scalar_text(scalar) {
                    self.query.push((encode(name), encode(&text)));
                }
            }
        }
    }

    fn push_deep(&mut self, prefix: &str, map: &::serde_json::Map<String, Value>) {
        for (key, item) in map {
            let name = format!("{prefix}[{key}]");
            match item {
                Value::Null => {}
                Value::Object(inner) => self.push_deep(&name, inner),
                Value::Array(_) => {
                    for text in flat_texts(item) {
                        self.query.push((encode(&name), encode(&text)));
                    }
                }
                other => self.query.push((encode(&name), encode(&any_text(other)))),
            }
        }
    }

    /// Sets a query parameter, replacing any value it had.
    pub fn set_query(&mut self, name: &str, value: &str) -> &mut Self {
        let encoded = encode(name);
        self.query.retain(|(n, _)| *n != encoded);
        self.query.push((encoded, encode(value)));
        self
    }

    /// Adds a header. Scalars are sent as text, arrays comma-joined, objects as `k,v,k,v`;
    /// `None` and null are omitted. A name or value that is not valid in a header (a line break,
    /// a control or non-ASCII character) fails the call with `Error::InvalidRequest`.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let value = match ::serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => {
                self.problem(format!("header {name:?} does not serialize: {e}"));
                return self;
            }
        };
        if value.is_null() {
            return self;
        }
        let text = flat_texts(&value).join(",");
        let header_name = match ::reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => n,
            Err(_) => {
                self.problem(format!("{name:?} is not a valid header name"));
                return self;
            }
        };
        match ::reqwest::header::HeaderValue::from_str(&text) {
            Ok(v) => self.headers.push((header_name, v)),
            Err(_) => self.problem(format!(
                "the value of header {name} contains a line break, a control or a non-ASCII character"
            )),
        }
        self
    }

    /// Adds a cookie (`style: form`). Scalars are sent as text, arrays comma-joined; characters not
    /// allowed in a cookie value are percent-encoded. `None` and null are omitted.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
        if !valid_name {
            self.problem(format!("{name:?} is not a valid cookie name"));
            return self;
        }
        match ::serde_json::to_value(value) {
            Ok(Value::Null) => {}
            Ok(value) => {
                let text = flat_texts(&value).join(",");
                let encoded = utf8_percent_encode(&text, COOKIE_VALUE).to_string();
                self.cookies.push((name.to_owned(), encoded));
            }
            Err(e) => self.problem(format!("cookie {name:?} does not serialize: {e}")),
        }
        self
    }

    /// Sets a JSON body (`application/json`).
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match ::serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Body::Json(bytes.into())),
            Err(e) => self.problem(format!("the JSON body does not serialize: {e}")),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body. The value must serialize to an object;
    /// scalars are sent as text, arrays repeat the name, nested objects are sent as JSON text, and
    /// null fields are left out.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        let map = match ::serde_json::to_value(body) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => ::serde_json::Map::new(),
            Ok(_) => {
                self.problem("a form body must serialize to an object".to_owned());
                return self;
            }
            Err(e) => {
                self.problem(format!("the form body does not serialize: {e}"));
                return self;
            }
        };
        let mut form = ::url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &map {
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items.iter().filter(|v| !v.is_null()) {
                        form.append_pair(key, &any_text(item));
                    }
                }
                other => {
                    form.append_pair(key, &any_text(other));
                }
            }
        }
        self.body = Some(Body::Form(form.finish()));
        self
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) -> &mut Self {
        match form.check() {
            Ok(()) => self.body = Some(Body::Multipart(form)),
            Err(problem) => self.problem(problem),
        }
        self
    }

    /// Sets a body of raw bytes with the given content type.
    pub fn body_bytes(
        &mut self,
        content_type: impl Into<String>,
        bytes: impl Into<::bytes::Bytes>,
    ) -> &mut Self {
        self.body = Some(Body::Bytes {
            content_type: content_type.into(),
            bytes: bytes.into(),
        });
        self
    }

    /// Sets a text body with the given content type.
    pub fn body_text(
        &mut self,
        content_type: impl Into<String>,
        text: impl Into<String>,
    ) -> &mut Self {
        self.body = Some(Body::Text {
            content_type: content_type.into(),
            text: text.into(),
        });
        self
    }

    /// Sends this `Content-Type` instead of the one the body implies (ignored for multipart, whose
    /// boundary the runtime chooses).
    pub fn content_type_override(&mut self, content_type: impl Into<String>) -> &mut Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the per-call options (replacing any set before).
    pub fn options(&mut self, options: RequestOptions) -> &mut Self {
        self.options = options;
        self
    }

    /// Points the request at a page: sets (or replaces) the style's query parameter, or, for a
    /// [`PageToken::Url`], replaces the whole URL. A URL on another scheme, host or port than the
    /// client's base URL fails the call with `Error::InvalidRequest`, so credentials never go there.
    pub fn page_token(&mut self, style: &PageStyle, token: &PageToken) -> &mut Self {
        if let PageToken::Url(url) = token {
            self.url = Some(url.clone());
            return self;
        }
        let param = match style {
            PageStyle::Cursor { param, .. }
            | PageStyle::HasMore { param, .. }
            | PageStyle::Offset { param, .. }
            | PageStyle::PageNumber { param, .. } => *param,
            PageStyle::LinkHeader | PageStyle::NextUrl { .. } => {
                self.problem(format!(
                    "a {token:?} page token does not fit a paginator that follows next-page URLs"
                ));
                return self;
            }
        };
        let value = match token {
            PageToken::Cursor(cursor) => cursor.clone(),
            PageToken::Offset(n) | PageToken::Page(n) => n.to_string(),
            PageToken::Url(_) => return self,
        };
        self.set_query(param, &value)
    }

    /// The encoded query string (without `?`).
    pub(super) fn query_string(&self) -> String {
        let len = self.query.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let mut out = String::with_capacity(len);
        for (n, v) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(n);
            out.push('=');
            out.push_str(v);
        }
        out
    }
}
