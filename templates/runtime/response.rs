//! Responses: the raw response `Client::execute` returns, and the decoded [`Response`].

use ::std::fmt;

use ::serde::de::DeserializeOwned;
use ::serde_json::Value;

use super::error::{DecodeError, Error, snippet};
use super::paginate::{DecodedPage, Page, Pagination, ValueBody};
use super::rate_limit::RateLimit;

/// The headers that carry a request id, in order of preference.
static REQUEST_ID: [::reqwest::header::HeaderName; 3] = [
    ::reqwest::header::HeaderName::from_static("x-request-id"),
    ::reqwest::header::HeaderName::from_static("request-id"),
    ::reqwest::header::HeaderName::from_static("x-correlation-id"),
];

/// The request id of a response: `X-Request-Id` (any case), `Request-Id` or `X-Correlation-Id`.
pub(super) fn request_id(headers: &::reqwest::header::HeaderMap) -> Option<String> {
    REQUEST_ID
        .iter()
        .find_map(|name| headers.get(name)?.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Whether a content type is JSON (`application/json`, `*/*+json`, `text/json`).
pub(super) fn is_json_content_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// Turns a JSON pointer (`/meta/page`) into a path like those of `serde_path_to_error`
/// (`meta.page`).
pub(super) fn pointer_to_path(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn join_path(prefix: &str, inner: &str) -> String {
    match (prefix.is_empty(), inner.is_empty() || inner == ".") {
        (true, _) => inner.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (false, false) => format!("{prefix}.{inner}"),
    }
}

/// What is read from the headers only when asked for: most callers never look at the rate limit
/// or the request id, so they are not parsed (nor the id copied) for every response.
#[derive(Clone)]
struct HeaderFacts {
    /// When the response arrived: the time a relative rate-limit reset counts from.
    received: ::std::time::SystemTime,
    rate_limit: ::std::sync::OnceLock<RateLimit>,
    request_id: ::std::sync::OnceLock<Option<String>>,
}

impl HeaderFacts {
    fn new() -> Self {
        Self {
            received: ::std::time::SystemTime::now(),
            rate_limit: ::std::sync::OnceLock::new(),
            request_id: ::std::sync::OnceLock::new(),
        }
    }

    fn rate_limit(&self, headers: &::reqwest::header::HeaderMap) -> &RateLimit {
        self.rate_limit
            .get_or_init(|| RateLimit::from_headers_at(headers, self.received))
    }

    fn request_id<'a>(&'a self, headers: &::reqwest::header::HeaderMap) -> Option<&'a str> {
        self.request_id
            .get_or_init(|| request_id(headers))
            .as_deref()
    }
}

/// A response as received: status, headers and the whole body. Decode it with one of the
/// `decode_*` / `into_*` methods.
pub struct RawResponse {
    status: u16,
    headers: ::reqwest::header::HeaderMap,
    body: ::bytes::Bytes,
    facts: HeaderFacts,
    /// The request URL, without credentials (for pagination).
    url: ::url::Url,
    /// The query parameter holding the API key, if any (removed from next-page URLs).
    secret_query: Option<&'static str>,
    attempts: u32,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("rate_limit", self.rate_limit())
            .field("request_id", &self.request_id())
            .field("attempts", &self.attempts)
            .field("body", &snippet(&self.body))
            .finish()
    }
}

impl RawResponse {
    pub(super) fn new(
        status: u16,
        headers: ::reqwest::header::HeaderMap,
        body: ::bytes::Bytes,
        url: ::url::Url,
        secret_query: Option<&'static str>,
        attempts: u32,
    ) -> Self {
        Self {
            status,
            facts: HeaderFacts::new(),
            headers,
            body,
            url,
            secret_query,
            attempts,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &::reqwest::header::HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &::bytes::Bytes {
        &self.body
    }

    /// The rate-limit headers.
    pub fn rate_limit(&self) -> &RateLimit {
        self.facts.rate_limit(&self.headers)
    }

    /// The request id the server assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.facts.request_id(&self.headers)
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(::reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    pub(super) fn url(&self) -> &::url::Url {
        &self.url
    }

    pub(super) fn secret_query(&self) -> Option<&'static str> {
        self.secret_query
    }

    pub(super) fn decode_error(&self, path: String, message: String) -> Box<DecodeError> {
        Box::new(DecodeError {
            status: self.status,
            path,
            message,
            snippet: snippet(&self.body),
            content_type: self.content_type().map(str::to_owned),
            request_id: self.request_id().map(str::to_owned),
        })
    }

    /// Deserializes the body as JSON, reporting where it failed.
    ///
    /// Decodes with plain `serde_json` (no bookkeeping on the way); only a body that does not
    /// decode is decoded again with `serde_path_to_error`, to say where it failed.
    pub(super) fn parse_json<T: DeserializeOwned>(&self) -> Result<T, Box<DecodeError>> {
        let mut de = ::serde_json::Deserializer::from_slice(&self.body);
        match T::deserialize(&mut de).and_then(|value| de.end().map(|()| value)) {
            Ok(value) => Ok(value),
            Err(error) => Err(self.json_error::<T>(error)),
        }
    }

    /// Why the body does not decode as `T`: decodes it again, tracking the path, and describes
    /// the failure (an empty or truncated body, a non-JSON content type). `first` is the error of
    /// the first attempt, used if the second one somehow succeeds.
    #[cold]
    #[inline(never)]
    fn json_error<T: DeserializeOwned>(&self, first: ::serde_json::Error) -> Box<DecodeError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return self.decode_error(String::new(), "the body is empty; expected JSON".to_owned());
        }
        let mut de = ::serde_json::Deserializer::from_slice(&self.body);
        let (path, inner) = match ::serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => (e.path().to_string(), e.into_inner()),
            Ok(_) => match de.end() {
                Err(e) => (String::new(), e),
                Ok(()) => (String::new(), first),
            },
        };
        let mut message = inner.to_string();
        if inner.is_eof() {
            message = format!("the body ends too early (truncated?): {message}");
        }
        match self.content_type() {
            Some(ct) if !is_json_content_type(ct) => {
                message = format!("expected JSON but the response is `{ct}`: {message}");
            }
            _ => {}
        }
        self.decode_error(path, message)
    }

    fn into_response<T>(self, meta: Option<Value>, value: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            facts: self.facts,
            meta,
            attempts: self.attempts,
            value,
        }
    }

    /// Decodes the body as JSON into `T`. On failure the error carries the path where decoding
    /// stopped and the start of the body.
    pub fn decode_json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let value = self.parse_json::<T>()?;
        Ok(self.into_response(None, value))
    }

    /// Decodes a `{"data": T, "meta": …}` body; returns `T`, and keeps `meta` in
    /// [`Response::meta`].
    pub fn decode_data<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        #[derive(::serde::Deserialize)]
        struct Data<T> {
            data: T,
            #[serde(default)]
            meta: Option<Value>,
        }
        let Data { data, meta } = self.parse_json::<Data<T>>()?;
        Ok(self.into_response(meta.filter(|m| !m.is_null()), data))
    }

    /// Decodes one page of a paginated list: the items at `pagination.items`, the body's `meta`,
    /// and the token of the next page (`None` on the last page).
    pub fn decode_page<T: DeserializeOwned, M: DeserializeOwned, E>(
        self,
        pagination: &'static Pagination,
    ) -> Result<Response<Page<T, M>>, Error<E>> {
        let (page, meta) = match pagination.decode_in_one_pass(&self) {
            Some(decoded) => decoded,
            None => self.decode_page_from_value(pagination)?,
        };
        Ok(self.into_response(meta, page))
    }

    /// [`decode_page`](Self::decode_page) through a [`Value`] of the whole body: slower, but it
    /// reports what is wrong with a page that does not decode (the one-pass decoder only says
    /// that it does not), and it handles pointers the one-pass decoder leaves to it.
    #[cold]
    #[inline(never)]
    fn decode_page_from_value<T: DeserializeOwned, M: DeserializeOwned>(
        &self,
        pagination: &'static Pagination,
    ) -> Result<DecodedPage<T, M>, Box<DecodeError>> {
        let mut body: Value = self.parse_json()?;
        let next = pagination.next_token(
            self,
            &ValueBody {
                body: &body,
                items: pagination.items,
            },
        )?;
        let items_value = match body.pointer_mut(pagination.items) {
            Some(Value::Null) => Value::Array(Vec::new()),
            Some(value) => value.take(),
            None => {
                return Err(self.decode_error(
                    pointer_to_path(pagination.items),
                    format!("no list of items at `{}`", pagination.items),
                ));
            }
        };
        let items: Vec<T> = ::serde_path_to_error::deserialize(items_value).map_err(|e| {
            let path = join_path(&pointer_to_path(pagination.items), &e.path().to_string());
            self.decode_error(path, e.into_inner().to_string())
        })?;
        let meta_value = match body.get_mut("meta") {
            Some(Value::Null) | None => None,
            Some(value) => Some(value.take()),
        };
        let meta: Option<M> = match &meta_value {
            Some(value) => Some(::serde_path_to_error::deserialize(value.clone()).map_err(
                |e| {
                    let path = join_path("meta", &e.path().to_string());
                    self.decode_error(path, e.into_inner().to_string())
                },
            )?),
            None => None,
        };
        Ok((Page { items, meta, next }, meta_value))
    }

    /// The body as bytes.
    pub fn into_bytes<E>(self) -> Result<Response<::bytes::Bytes>, Error<E>> {
        let body = self.body.clone();
        Ok(self.into_response(None, body))
    }

    /// The body as text. UTF-8 is expected (ISO-8859-1 is converted when the content type says
    /// so); anything else is a decode error.
    pub fn into_text<E>(self) -> Result<Response<String>, Error<E>> {
        let latin1 = self.content_type().is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.contains("charset=iso-8859-1") || ct.contains("charset=latin1")
        });
        let text = if latin1 {
            self.body.iter().map(|&b| char::from(b)).collect()
        } else {
            match ::std::str::from_utf8(&self.body) {
                Ok(text) => text.to_owned(),
                Err(e) => {
                    return Err(self
                        .decode_error(String::new(), format!("the body is not UTF-8: {e}"))
                        .into());
                }
            }
        };
        Ok(self.into_response(None, text))
    }

    /// Ignores the body.
    pub fn into_empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(self.into_response(None, ()))
    }
}

/// A decoded response: the value, plus status, headers, rate limit, request id and the envelope's
/// `meta`.
#[derive(Clone)]
pub struct Response<T> {
    status: u16,
    headers: ::reqwest::header::HeaderMap,
    facts: HeaderFacts,
    meta: Option<Value>,
    attempts: u32,
    value: T,
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("rate_limit", self.rate_limit())
            .field("request_id", &self.request_id())
            .field("meta", &self.meta)
            .field("attempts", &self.attempts)
            .field("value", &self.value)
            .finish()
    }
}

impl<T> Response<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Borrows the value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Borrows the value mutably.
    pub fn value_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Maps the value, keeping everything else.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            facts: self.facts,
            meta: self.meta,
            attempts: self.attempts,
            value: f(self.value),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &::reqwest::header::HeaderMap {
        &self.headers
    }

    /// The rate-limit headers.
    pub fn rate_limit(&self) -> &RateLimit {
        self.facts.rate_limit(&self.headers)
    }

    /// The request id the server assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.facts.request_id(&self.headers)
    }

    /// The envelope's `meta` member, when the body had one.
    pub fn meta(&self) -> Option<&Value> {
        self.meta.as_ref()
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}
