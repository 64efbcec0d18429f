//! Errors: what a call can fail with, and what building a client can fail with.
//!
//! [`Error`] is the one error type every operation returns. Its type parameter is the operation's
//! typed error body (an enum generated from the responses the spec declares), or [`NoTypedError`]
//! when the operation declares none. [`Error::into_untyped`] drops that parameter so errors of
//! different operations can be collected together.
//!
//! No error ever contains a credential: URLs are stripped from transport errors (an API key may sit
//! in the query), and credentials are never part of a message.

use ::std::borrow::Cow;
use ::std::fmt;
use ::std::time::Duration;

use super::rate_limit::RateLimit;

/// The typed error body of one operation.
///
/// The generator implements this for each operation's error enum: it decodes the body declared for
/// `status` (or the `default` response).
pub trait OperationError: ::std::fmt::Debug + Send + Sync + Sized + 'static {
    /// The declared error response for `status`, decoded; `None` when undeclared or undecodable.
    fn from_response(status: u16, body: &[u8]) -> Option<Self>;
}

/// The typed error of operations that declare no error body. It has no values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoTypedError {}

impl OperationError for NoTypedError {
    fn from_response(_status: u16, _body: &[u8]) -> Option<Self> {
        None
    }
}

impl fmt::Display for NoTypedError {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl ::std::error::Error for NoTypedError {}

/// The most characters of a body quoted in an error.
pub(super) const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of `body`, lossily decoded as UTF-8.
pub(super) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// An API error: the server answered with a status that is not a success.
///
/// `code`, `message` and `details` are read from the common error body shapes:
/// `{"error": {"code", "message", "details"}}`, `{"code", "message", "details"}`,
/// `{"error": "…", "error_description": "…"}` and RFC 9457 problem details
/// (`type` → code, `detail` or `title` → message, `errors` → details).
#[non_exhaustive]
pub struct ApiError<E = NoTypedError> {
    /// The HTTP status.
    pub status: u16,
    /// The declared error body for this status, decoded; `None` when undeclared or undecodable.
    pub typed: Option<E>,
    /// The machine-readable error code, as sent.
    pub code: Option<String>,
    /// The human-readable message.
    pub message: Option<String>,
    /// Further details (for example `{"field", "issue"}` objects), as sent.
    pub details: Vec<::serde_json::Value>,
    /// The request id the server assigned (`X-Request-Id` or `Request-Id`).
    pub request_id: Option<String>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// How long the server asked the client to wait (`Retry-After`, `retry-after-ms`).
    pub retry_after: Option<Duration>,
    /// The response headers.
    pub headers: ::reqwest::header::HeaderMap,
    /// The raw response body.
    pub body: ::bytes::Bytes,
    /// How many attempts were made, this one included.
    pub attempts: u32,
}

impl<E: OperationError> ApiError<E> {
    /// Builds the error from a response, decoding the typed body and the common error fields.
    pub(super) fn from_response(
        status: u16,
        headers: ::reqwest::header::HeaderMap,
        body: ::bytes::Bytes,
        attempts: u32,
    ) -> Self {
        let typed = E::from_response(status, &body);
        let fields = ErrorFields::parse(&body);
        Self {
            status,
            typed,
            code: fields.code,
            message: fields.message,
            details: fields.details,
            request_id: super::response::request_id(&headers).or(fields.request_id),
            rate_limit: RateLimit::from_headers(&headers),
            retry_after: super::retry::retry_after(&headers, ::std::time::SystemTime::now()),
            headers,
            body,
            attempts,
        }
    }
}

impl<E> ApiError<E> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The decoded declared error body, if any.
    pub fn typed(&self) -> Option<&E> {
        self.typed.as_ref()
    }

    /// The machine-readable error code, as sent.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The human-readable message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Further details, as sent.
    pub fn details(&self) -> &[::serde_json::Value] {
        &self.details
    }

    /// The request id the server assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }

    /// How long the server asked the client to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The response headers.
    pub fn headers(&self) -> &::reqwest::header::HeaderMap {
        &self.headers
    }

    /// The raw response body.
    pub fn body(&self) -> &::bytes::Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The same error without its typed body.
    pub fn into_untyped(self) -> ApiError<NoTypedError> {
        self.with_typed(None)
    }

    fn with_typed<F>(self, typed: Option<F>) -> ApiError<F> {
        ApiError {
            status: self.status,
            typed,
            code: self.code,
            message: self.message,
            details: self.details,
            request_id: self.request_id,
            rate_limit: self.rate_limit,
            retry_after: self.retry_after,
            headers: self.headers,
            body: self.body,
            attempts: self.attempts,
        }
    }
}

impl ApiError<NoTypedError> {
    /// The same error with the typed body of operation `F` decoded from the raw body.
    pub fn into_typed<F: OperationError>(self) -> ApiError<F> {
        let typed = F::from_response(self.status, &self.body);
        self.with_typed(typed)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("typed", &self.typed)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("details", &self.details)
            .field("request_id", &self.request_id)
            .field("rate_limit", &self.rate_limit)
            .field("retry_after", &self.retry_after)
            .field("attempts", &self.attempts)
            .field("body", &snippet(&self.body))
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = ::reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(f, "the API answered {} {}", self.status, reason)?;
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// `code`, `message`, `details` and a request id read from an error body.
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    details: Vec<::serde_json::Value>,
    request_id: Option<String>,
}

impl ErrorFields {
    fn parse(body: &[u8]) -> Self {
        use ::serde_json::Value;
        let Ok(Value::Object(root)) = ::serde_json::from_slice::<Value>(body) else {
            return Self::default();
        };
        let text = |v: Option<&Value>| -> Option<String> {
            match v? {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let list = |v: Option<&Value>| -> Vec<Value> {
            match v {
                Some(Value::Array(items)) => items.clone(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![other.clone()],
            }
        };
        let request_id = |obj: &::serde_json::Map<String, Value>| {
            [
                "request_id",
                "requestId",
                "request-id",
                "trace_id",
                "traceId",
            ]
            .into_iter()
            .find_map(|k| text(obj.get(k)))
        };
        match root.get("error") {
            Some(Value::Object(inner)) => Self {
                code: text(inner.get("code")).or_else(|| text(inner.get("type"))),
                message: text(inner.get("message")).or_else(|| text(inner.get("detail"))),
                details: list(inner.get("details").or_else(|| inner.get("errors"))),
                request_id: request_id(inner).or_else(|| request_id(&root)),
            },
            Some(Value::String(code)) => Self {
                code: Some(code.clone()),
                message: text(root.get("error_description")).or_else(|| text(root.get("message"))),
                details: list(root.get("details")),
                request_id: request_id(&root),
            },
            _ => {
                let problem_type = text(root.get("type")).filter(|t| t != "about:blank");
                Self {
                    code: text(root.get("code")).or(problem_type),
                    message: text(root.get("message"))
                        .or_else(|| text(root.get("detail")))
                        .or_else(|| text(root.get("title"))),
                    details: list(
                        root.get("details")
                            .or_else(|| root.get("errors"))
                            .or_else(|| root.get("invalid-params")),
                    ),
                    request_id: request_id(&root),
                }
            }
        }
    }
}

/// Which time limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took longer than the per-attempt timeout, and no retry was allowed.
    Attempt,
    /// The overall deadline of the call (across retries) passed.
    Deadline,
}

/// A response body that could not be decoded into the expected type.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: u16,
    /// Where in the body decoding failed (`data.items[3].status`); empty at the top level.
    pub path: String,
    /// What went wrong.
    pub message: String,
    /// The first 200 characters of the body.
    pub snippet: String,
    /// The response's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The request id the server assigned.
    pub request_id: Option<String>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response body (status {})",
            self.status
        )?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(ct) = &self.content_type {
            write!(f, " [content-type: {ct}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        write!(f, "; body starts with: {:?}", self.snippet)
    }
}

impl ::std::error::Error for DecodeError {}

/// Why the runtime refused to follow a redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectRefusal {
    /// The target is plain `http` (and not a loopback host).
    Insecure,
    /// The target is on another scheme, host or port, and credentials would go with it.
    CrossOrigin,
    /// More than ten redirects in a row.
    TooMany,
}

impl fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Insecure => "the target is plain http",
            Self::CrossOrigin => "the target is on another host, and credentials would follow",
            Self::TooMany => "too many redirects",
        })
    }
}

/// Everything an API call can fail with.
#[non_exhaustive]
pub enum Error<E = NoTypedError> {
    /// The server answered with an error status (after any retries).
    Api(Box<ApiError<E>>),
    /// The connection failed, or broke before the whole response was read.
    Transport {
        /// The underlying error (its URL removed).
        source: ::reqwest::Error,
        /// Whether the server may have received (and acted on) the request. `false` only when the
        /// connection failed before anything was sent.
        may_have_landed: bool,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A time limit ran out.
    Timeout {
        /// Which limit.
        kind: TimeoutKind,
        /// The limit that ran out.
        after: Duration,
        /// Whether the server may have received the request.
        may_have_landed: bool,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A successful response whose body did not match the expected type.
    Decode(Box<DecodeError>),
    /// The request could not be built (a path parameter of `..`, a header value with a line break,
    /// a body that does not serialize, a next-page URL on another host…). Nothing was sent.
    InvalidRequest(String),
    /// The server (or the proactive rate limiter) asked for a wait longer than the configured
    /// ceiling, so the call failed at once instead of sleeping.
    RetryAfterTooLong {
        /// The wait asked for.
        wait: Duration,
        /// The configured ceiling.
        ceiling: Duration,
        /// The response that asked for the wait (`None` when the proactive rate limiter did).
        error: Option<Box<ApiError<E>>>,
    },
    /// The server redirected somewhere the runtime refuses to follow.
    InsecureRedirect {
        /// The redirect target (scheme, host, port and path only).
        location: String,
        /// Why it was refused.
        reason: RedirectRefusal,
    },
}

impl<E> Error<E> {
    /// The HTTP status, for API errors (and for a too-long `Retry-After`).
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::RetryAfterTooLong {
                error: Some(api), ..
            } => Some(api.status),
            Self::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// Whether the same call may succeed if made again later: connection failures, timeouts,
    /// 408, 429 and 5xx (except 501 and 505).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => super::retry::is_retryable_status(api.status),
            Self::Transport { .. } | Self::Timeout { .. } | Self::RetryAfterTooLong { .. } => true,
            Self::Decode(_) | Self::InvalidRequest(_) | Self::InsecureRedirect { .. } => false,
        }
    }

    /// The API error, if the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Self::Api(api) => Some(api),
            Self::RetryAfterTooLong {
                error: Some(api), ..
            } => Some(api),
            _ => None,
        }
    }

    /// The decoded declared error body, if any.
    pub fn typed(&self) -> Option<&E> {
        self.api().and_then(|api| api.typed.as_ref())
    }

    /// The machine-readable error code of an API error.
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(|api| api.code.as_deref())
    }

    /// The message of an API error.
    pub fn message(&self) -> Option<&str> {
        self.api().and_then(|api| api.message.as_deref())
    }

    /// The request id the server assigned, when there was a response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Decode(decode) => decode.request_id.as_deref(),
            _ => self.api().and_then(|api| api.request_id.as_deref()),
        }
    }

    /// The rate-limit headers of the error response.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.api().map(|api| &api.rate_limit)
    }

    /// How long the server asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RetryAfterTooLong { wait, .. } => Some(*wait),
            _ => self.api().and_then(|api| api.retry_after),
        }
    }

    /// Whether the server may have received (and acted on) the request. Useful to decide whether
    /// a non-idempotent call can be repeated safely.
    pub fn may_have_landed(&self) -> bool {
        match self {
            Self::Transport {
                may_have_landed, ..
            }
            | Self::Timeout {
                may_have_landed, ..
            } => *may_have_landed,
            Self::Api(_) | Self::Decode(_) | Self::RetryAfterTooLong { error: Some(_), .. } => true,
            Self::InvalidRequest(_) | Self::RetryAfterTooLong { error: None, .. } => false,
            Self::InsecureRedirect { .. } => true,
        }
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// The same error without its typed body, so errors of different operations fit one type.
    pub fn into_untyped(self) -> Error<NoTypedError> {
        self.map_api(ApiError::into_untyped)
    }

    /// Converts the API error inside (if any) with `f`; every other variant is unchanged.
    fn map_api<F>(self, f: impl Fn(ApiError<E>) -> ApiError<F>) -> Error<F> {
        match self {
            Self::Api(api) => Error::Api(Box::new(f(*api))),
            Self::Transport {
                source,
                may_have_landed,
                attempts,
            } => Error::Transport {
                source,
                may_have_landed,
                attempts,
            },
            Self::Timeout {
                kind,
                after,
                may_have_landed,
                attempts,
            } => Error::Timeout {
                kind,
                after,
                may_have_landed,
                attempts,
            },
            Self::Decode(decode) => Error::Decode(decode),
            Self::InvalidRequest(message) => Error::InvalidRequest(message),
            Self::RetryAfterTooLong {
                wait,
                ceiling,
                error,
            } => Error::RetryAfterTooLong {
                wait,
                ceiling,
                error: error.map(|api| Box::new(f(*api))),
            },
            Self::InsecureRedirect { location, reason } => {
                Error::InsecureRedirect { location, reason }
            }
        }
    }
}

impl Error<NoTypedError> {
    /// The same error with the typed body of operation `F` decoded (for API errors).
    pub fn into_typed<F: OperationError>(self) -> Error<F> {
        self.map_api(ApiError::into_typed)
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(error: DecodeError) -> Self {
        Self::Decode(Box::new(error))
    }
}

impl<E> From<Box<DecodeError>> for Error<E> {
    fn from(error: Box<DecodeError>) -> Self {
        Self::Decode(error)
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Self::Transport {
                source,
                may_have_landed,
                attempts,
            } => f
                .debug_struct("Transport")
                .field("source", source)
                .field("may_have_landed", may_have_landed)
                .field("attempts", attempts)
                .finish(),
            Self::Timeout {
                kind,
                after,
                may_have_landed,
                attempts,
            } => f
                .debug_struct("Timeout")
                .field("kind", kind)
                .field("after", after)
                .field("may_have_landed", may_have_landed)
                .field("attempts", attempts)
                .finish(),
            Self::Decode(decode) => f.debug_tuple("Decode").field(decode).finish(),
            Self::InvalidRequest(message) => {
                f.debug_tuple("InvalidRequest").field(message).finish()
            }
            Self::RetryAfterTooLong {
                wait,
                ceiling,
                error,
            } => f
                .debug_struct("RetryAfterTooLong")
                .field("wait", wait)
                .field("ceiling", ceiling)
                .field("error", error)
                .finish(),
            Self::InsecureRedirect { location, reason } => f
                .debug_struct("InsecureRedirect")
                .field("location", location)
                .field("reason", reason)
                .finish(),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => fmt::Display::fmt(api, f),
            Self::Transport {
                source,
                may_have_landed,
                attempts,
            } => {
                let what = if source.is_connect() {
                    "could not connect to the server"
                } else if source.is_body() || source.is_decode() {
                    "the connection broke while the response was read"
                } else {
                    "the connection failed"
                };
                write!(f, "{what} ({attempts} attempt(s))")?;
                if *may_have_landed {
                    f.write_str(" (the server may have received the request)")?;
                }
                Ok(())
            }
            Self::Timeout {
                kind,
                after,
                may_have_landed,
                attempts,
            } => {
                let what = match kind {
                    TimeoutKind::Attempt => "the request timed out",
                    TimeoutKind::Deadline => "the call's deadline passed",
                };
                write!(f, "{what} after {after:?} ({attempts} attempt(s))")?;
                if *may_have_landed {
                    f.write_str(" (the server may have received the request)")?;
                }
                Ok(())
            }
            Self::Decode(decode) => fmt::Display::fmt(decode, f),
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Self::RetryAfterTooLong {
                wait,
                ceiling,
                error,
            } => {
                write!(
                    f,
                    "asked to wait {wait:?} before retrying, more than the ceiling of {ceiling:?}"
                )?;
                if let Some(api) = error {
                    write!(f, " ({api})")?;
                }
                Ok(())
            }
            Self::InsecureRedirect { location, reason } => {
                write!(f, "refused to follow a redirect to {location}: {reason}")
            }
        }
    }
}

impl<E: fmt::Debug> ::std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::Decode(decode) => Some(&**decode),
            _ => None,
        }
    }
}

/// A client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was given and the spec declares no absolute server.
    MissingBaseUrl,
    /// The base URL does not parse, or has a query, fragment or user info.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL is plain `http` on a host that is not loopback.
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// A required environment variable is unset or empty.
    MissingEnv {
        /// The variable's name.
        name: String,
    },
    /// A default header's name or value is invalid.
    InvalidHeader {
        /// The header name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The credential contains characters that cannot go in a header (line breaks, control
    /// characters). The credential itself is never shown.
    InvalidCredential,
    /// The user agent cannot go in a header.
    InvalidUserAgent,
    /// The HTTP client could not be built.
    Http(::reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingBaseUrl => f.write_str(
                "no base URL: the spec declares no absolute server, so call `base_url(..)` or set the _BASE_URL environment variable",
            ),
            Self::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            Self::InsecureBaseUrl { url } => write!(
                f,
                "refusing the plain-http base URL {url:?}: use https (http is allowed only for localhost, 127.0.0.1 and ::1)"
            ),
            Self::MissingEnv { name } => {
                write!(f, "the environment variable {name} is not set (or empty)")
            }
            Self::InvalidHeader { name, reason } => {
                write!(f, "invalid default header {name:?}: {reason}")
            }
            Self::InvalidCredential => f.write_str(
                "the credential contains characters that cannot be sent in a header (line breaks or control characters)",
            ),
            Self::InvalidUserAgent => f.write_str("the user agent cannot be sent in a header"),
            Self::Http(e) => write!(f, "could not build the HTTP client: {e}"),
        }
    }
}

impl ::std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}
