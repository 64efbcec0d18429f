//! The client: configuration, and the call loop (retries, rate limits, timeouts, tracing).
//!
//! The generated crate adds `Client::builder()`, `Client::from_env()` and one accessor per
//! resource group; this module provides everything underneath.

use ::std::fmt;
use ::std::future::Future;
use ::std::sync::Arc;
use ::std::time::Duration;

use ::reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use ::tokio::time::Instant;
use ::url::Url;

use super::auth::{AuthScheme, Credential, Secret};
use super::error::{
    ApiError, BuildError, Error, NoTypedError, OperationError, RedirectRefusal, TimeoutKind,
};
use super::operation::Operation;
use super::rate_limit::{RateLimit, RateLimiter};
use super::request::{Body, RequestBuilder, RequestOptions};
use super::response::RawResponse;
use super::retry::{
    BudgetState, RetryBudget, RetryPolicy, is_idempotent_method, is_retryable_status,
};

/// Static facts about the API, generated once per crate.
#[derive(Debug)]
pub struct ApiInfo {
    /// The crate's name (`planasonix`); the default user agent is `<name>/<version> rust`.
    pub crate_name: &'static str,
    /// The crate's version.
    pub crate_version: &'static str,
    /// The spec's first server, with variables at their defaults; `None` when the spec has none
    /// or only a relative one.
    pub default_base_url: Option<&'static str>,
    /// The prefix of the environment variables `from_env` reads (`PLANASONIX` →
    /// `PLANASONIX_API_KEY`, `PLANASONIX_BASE_URL`).
    pub env_prefix: &'static str,
    /// The security schemes the spec declares; the first is what `api_key` uses.
    pub auth: &'static [AuthScheme],
}

/// Whether `url`'s host is loopback (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(::url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(::url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether `url` may carry credentials: https, or http to a loopback host.
fn is_secure(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

/// Same scheme, host and port.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A URL with user info, query and fragment removed: safe to show.
fn describe_url(url: &Url) -> String {
    let mut shown = url.clone();
    // Both only fail for URLs that cannot have user info, which then have none to remove.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

fn check_base_url(text: &str) -> Result<Url, BuildError> {
    let url = Url::parse(text.trim()).map_err(|e| BuildError::InvalidBaseUrl {
        url: redact_userinfo(text.trim()),
        reason: e.to_string(),
    })?;
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: describe_url(&url),
        reason: reason.to_owned(),
    };
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("not an absolute http(s) URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials do not belong in the URL; use api_key or basic_auth",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(BuildError::InsecureBaseUrl {
            url: describe_url(&url),
        }),
        _ => Err(invalid("the scheme must be https")),
    }
}

/// A URL that did not parse, with anything between `://` and `@` (user and password) hidden, so
/// an error never echoes credentials.
fn redact_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

/// The error the redirect policy returns; found again in the source chain of reqwest's error.
#[derive(Debug)]
struct RedirectRefused {
    location: String,
    reason: RedirectRefusal,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused to follow a redirect to {}: {}",
            self.location, self.reason
        )
    }
}

impl ::std::error::Error for RedirectRefused {}

/// Follows redirects only to the same origin over https (or loopback http); refuses the rest
/// with an error, so credentials never leave for plain http or another host.
fn redirect_policy() -> ::reqwest::redirect::Policy {
    ::reqwest::redirect::Policy::custom(|attempt| {
        let target = attempt.url();
        let reason = if attempt.previous().len() > 10 {
            Some(RedirectRefusal::TooMany)
        } else if !is_secure(target) {
            Some(RedirectRefusal::Insecure)
        } else if attempt
            .previous()
            .first()
            .is_some_and(|first| !same_origin(first, target))
        {
            Some(RedirectRefusal::CrossOrigin)
        } else {
            None
        };
        match reason {
            Some(reason) => {
                let location = describe_url(target);
                attempt.error(RedirectRefused { location, reason })
            }
            None => attempt.follow(),
        }
    })
}

fn redirect_refusal(error: &::reqwest::Error) -> Option<&RedirectRefused> {
    let mut source = ::std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<RedirectRefused>() {
            return Some(refused);
        }
        source = e.source();
    }
    None
}

/// Whether a header name suggests a secret value (so it is hidden in `Debug`).
fn looks_secret(name: &HeaderName) -> bool {
    let name = name.as_str();
    [
        "auth", "key", "token", "secret", "cookie", "session", "password",
    ]
    .iter()
    .any(|word| name.contains(word))
}

#[derive(Debug)]
enum AuthConfig {
    None,
    Key(Secret),
    Bearer(Secret),
    Basic { user: String, password: Secret },
}

/// Configures and builds a [`Client`]. Get one from the generated `Client::builder()`.
#[derive(Debug)]
pub struct ClientBuilder {
    info: &'static ApiInfo,
    base_url: Option<Url>,
    auth: AuthConfig,
    scheme: Option<AuthScheme>,
    user_agent: Option<String>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    http: Option<::reqwest::Client>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    budget: RetryBudget,
    respect_rate_limits: bool,
}

impl ClientBuilder {
    /// A builder with the defaults: the spec's server, no credentials, 10 s connect timeout, 60 s
    /// per-attempt timeout, no overall deadline, the default [`RetryPolicy`] and
    /// [`RetryBudget`], rate limits reported but not waited for.
    pub fn new(info: &'static ApiInfo) -> Self {
        Self {
            info,
            base_url: None,
            auth: AuthConfig::None,
            scheme: None,
            user_agent: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Some(Duration::from_secs(60)),
            deadline: None,
            http: None,
            default_headers: HeaderMap::new(),
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            respect_rate_limits: false,
        }
    }

    /// Reads `{PREFIX}_API_KEY` (required) and `{PREFIX}_BASE_URL` (optional) from the
    /// environment.
    #[allow(
        clippy::wrong_self_convention,
        reason = "the name reads as `Client::builder().from_env()`, matching `Client::from_env()`"
    )]
    pub fn from_env(self) -> Result<Self, BuildError> {
        self.with_env(|name| ::std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` instead of the
    /// process environment.
    pub fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        let prefix = self.info.env_prefix;
        let key_var = format!("{prefix}_API_KEY");
        let key = lookup(&key_var)
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or(BuildError::MissingEnv { name: key_var })?;
        self = self.api_key(key);
        let url_var = format!("{prefix}_BASE_URL");
        if let Some(url) = lookup(&url_var).filter(|u| !u.trim().is_empty()) {
            self = self.base_url(url)?;
        }
        Ok(self)
    }

    /// Sets the API key, sent the way the spec's first security scheme says (a bearer token when
    /// the spec declares none), or the way [`auth_scheme`](Self::auth_scheme) says.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = AuthConfig::Key(Secret::new(key));
        self
    }

    /// Sends the API key this way instead (e.g. a legacy `X-Planasonix-Api-Key` header).
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Sends `Authorization: Bearer <token>`, whatever the spec declares.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = AuthConfig::Bearer(Secret::new(token));
        self
    }

    /// Sends HTTP basic credentials.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = AuthConfig::Basic {
            user: user.into(),
            password: Secret::new(password),
        };
        self
    }

    /// Sets the base URL (a path prefix such as `/v1` is kept). It must be https; plain http is
    /// accepted only for loopback hosts (`localhost`, `127.0.0.1`, `::1`), for tests.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Result<Self, BuildError> {
        self.base_url = Some(check_base_url(url.as_ref())?);
        Ok(self)
    }

    /// Sets the user agent (default `<crate>/<version> rust`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets the connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the timeout of each attempt, reading the body included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-attempt timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Sets an overall deadline for each call, across retries and waits (default none).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Uses this HTTP client. The runtime cannot install its redirect policy on it: build it
    /// with `reqwest::redirect::Policy::none()` (or a policy that never leaves the origin). A
    /// response that arrives from another origin anyway fails with `Error::InsecureRedirect`.
    pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Adds a header to every request.
    pub fn default_header(
        mut self,
        name: impl AsRef<str>,
        value: impl AsRef<str>,
    ) -> Result<Self, BuildError> {
        let name_text = name.as_ref();
        let invalid = |reason: &str| BuildError::InvalidHeader {
            name: name_text.to_owned(),
            reason: reason.to_owned(),
        };
        let header_name = HeaderName::from_bytes(name_text.as_bytes())
            .map_err(|_| invalid("not a valid header name"))?;
        let mut header_value = HeaderValue::from_str(value.as_ref()).map_err(|_| {
            invalid("the value contains a line break, a control or a non-ASCII character")
        })?;
        if looks_secret(&header_name) {
            header_value.set_sensitive(true);
        }
        self.default_headers.insert(header_name, header_value);
        Ok(self)
    }

    /// Sets the retry policy (default: 2 retries, 0.5 s initial backoff, 8 s cap, 60 s
    /// `Retry-After` ceiling).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the retry budget shared by this client and its clones.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// When `true`, a response with `X-RateLimit-Remaining: 0` (or a 429 with `Retry-After`)
    /// makes later calls of this client and its clones wait until the window resets. Waits longer
    /// than the retry policy's `Retry-After` ceiling fail with `Error::RetryAfterTooLong`.
    pub fn respect_rate_limits(mut self, respect: bool) -> Self {
        self.respect_rate_limits = respect;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let info = self.info;
        let base_url = match self.base_url {
            Some(url) => url,
            None => check_base_url(info.default_base_url.ok_or(BuildError::MissingBaseUrl)?)?,
        };
        let credential = match self.auth {
            AuthConfig::None => None,
            AuthConfig::Key(key) => {
                let scheme = self
                    .scheme
                    .or_else(|| info.auth.first().copied())
                    .unwrap_or(AuthScheme::Bearer);
                Some(Credential::key(scheme, key)?)
            }
            AuthConfig::Bearer(token) => Some(Credential::key(AuthScheme::Bearer, token)?),
            AuthConfig::Basic { user, password } => Some(Credential::basic(&user, &password)?),
        };
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("{}/{} rust", info.crate_name, info.crate_version));
        let user_agent =
            HeaderValue::from_str(&user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        let mut default_headers = self.default_headers;
        if !default_headers.contains_key(::reqwest::header::USER_AGENT) {
            default_headers.insert(::reqwest::header::USER_AGENT, user_agent);
        }
        // What authenticated operations send: the default headers and the credential header.
        let mut auth_headers = default_headers.clone();
        if let Some((name, value)) = credential.as_ref().and_then(Credential::header) {
            auth_headers.insert(name, value);
        }
        let custom_http = self.http.is_some();
        let http = match self.http {
            Some(client) => client,
            None => ::reqwest::Client::builder()
                .redirect(redirect_policy())
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                info,
                base_url,
                http,
                custom_http,
                credential,
                default_headers,
                auth_headers,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                budget: BudgetState::new(self.budget),
                limiter: self.respect_rate_limits.then(RateLimiter::default),
            }),
        })
    }
}

struct Inner {
    info: &'static ApiInfo,
    base_url: Url,
    http: ::reqwest::Client,
    custom_http: bool,
    credential: Option<Credential>,
    default_headers: HeaderMap,
    /// `default_headers` with the credential header, if it is one.
    auth_headers: HeaderMap,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    budget: BudgetState,
    limiter: Option<RateLimiter>,
}

/// The API client. Cheap to clone (an `Arc` inside); clones share the connection pool, the retry
/// budget and the rate-limit state. `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("api", &inner.info.crate_name)
            .field("base_url", &inner.base_url.as_str())
            .field("auth", &inner.credential)
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("respect_rate_limits", &inner.limiter.is_some())
            .finish_non_exhaustive()
    }
}

/// A request ready to be sent, as many times as needed.
struct Prepared {
    method: ::reqwest::Method,
    /// The URL sent, credentials included.
    url: Url,
    /// The URL without credentials, when it differs from `url` (an API key in the query).
    public_url: Option<Url>,
    headers: HeaderMap,
    body: Option<Body>,
    /// Whether a retry after the request may have reached the server is allowed.
    retry_safe: bool,
}

impl Prepared {
    /// A fresh reqwest request for one attempt.
    fn request(&self, http: &::reqwest::Client) -> Result<::reqwest::Request, String> {
        let body: ::reqwest::Body = match &self.body {
            None => {
                let mut request = ::reqwest::Request::new(self.method.clone(), self.url.clone());
                *request.headers_mut() = self.headers.clone();
                return Ok(request);
            }
            Some(Body::Json(bytes)) | Some(Body::Bytes { bytes, .. }) => bytes.clone().into(),
            Some(Body::Form(text)) | Some(Body::Text { text, .. }) => text.clone().into(),
            Some(Body::Multipart(form)) => {
                // The builder sets the content type with the form's boundary.
                return http
                    .request(self.method.clone(), self.url.clone())
                    .headers(self.headers.clone())
                    .multipart(form.to_form()?)
                    .build()
                    .map_err(|e| e.without_url().to_string());
            }
        };
        let mut request = ::reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = self.headers.clone();
        *request.body_mut() = Some(body);
        Ok(request)
    }

    /// The URL without credentials.
    fn into_public_url(self) -> Url {
        self.public_url.unwrap_or(self.url)
    }
}

/// Whether waiting `wait` from now reaches `deadline`.
fn passes(deadline: Instant, wait: Duration) -> bool {
    Instant::now()
        .checked_add(wait)
        .is_none_or(|end| end >= deadline)
}

/// What one attempt received.
struct Received {
    status: u16,
    headers: HeaderMap,
    /// The final URL, when asked for.
    url: Option<Url>,
    body: ::bytes::Bytes,
}

/// Why one attempt failed before a whole response was read.
struct SendFailure {
    error: ::reqwest::Error,
    /// Whether the request may have reached the server.
    landed: bool,
}

/// Sends one attempt and reads the whole body. The final URL is kept only when `keep_url` (a
/// caller-supplied reqwest client, whose redirects the runtime does not police).
async fn send(
    http: &::reqwest::Client,
    request: ::reqwest::Request,
    keep_url: bool,
) -> Result<Received, SendFailure> {
    let mut response = http.execute(request).await.map_err(|error| SendFailure {
        landed: !error.is_connect(),
        error,
    })?;
    let status = response.status().as_u16();
    let headers = ::std::mem::take(response.headers_mut());
    let url = keep_url.then(|| response.url().clone());
    let body = response.bytes().await.map_err(|error| SendFailure {
        error,
        landed: true,
    })?;
    Ok(Received {
        status,
        headers,
        url,
        body,
    })
}

/// One failed attempt, and whether it may be retried.
struct Failure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The API's static facts.
    pub fn info(&self) -> &'static ApiInfo {
        self.inner.info
    }

    /// How credentials are sent, if the client has any.
    pub fn auth_scheme(&self) -> Option<AuthScheme> {
        self.inner.credential.as_ref().map(Credential::scheme)
    }

    /// A new request for `op`.
    pub fn request(&self, op: &'static Operation) -> RequestBuilder {
        RequestBuilder::new(op)
    }

    /// Sends `req`, retrying as the policy allows, and returns the response for any status below
    /// 400. Any other status becomes `Error::Api` (after retries), with the operation's declared
    /// error body decoded into `E`.
    ///
    /// The retry loop itself is not generic (see [`Client::execute_untyped`]): only the final
    /// conversion of an API error into the operation's typed error is, which keeps the code
    /// compiled per operation small.
    ///
    /// The future owns what it needs (a clone of the client, which is an `Arc`), so it can be
    /// spawned or kept after the client is dropped.
    pub fn execute<E: OperationError>(
        &self,
        req: RequestBuilder,
    ) -> impl Future<Output = Result<RawResponse, Error<E>>> + Send + use<E> {
        self.clone().into_execute(req)
    }

    /// [`Client::execute`] on a client the caller gives up (`Client::send` has one already, so
    /// no second clone is made per call).
    pub(crate) fn into_execute<E: OperationError>(
        self,
        req: RequestBuilder,
    ) -> impl Future<Output = Result<RawResponse, Error<E>>> + Send + use<E> {
        // A combinator rather than an `async fn`: an `async fn` would keep its own copy of
        // `req` in its state, making every future that awaits this one bigger.
        ::futures_util::TryFutureExt::map_err(self.into_execute_untyped(req), Error::into_typed)
    }

    /// [`Client::execute`] without decoding the operation's typed error body.
    ///
    /// The call's `api_call` span is created here; nothing is sent before the future is polled.
    pub fn execute_untyped(
        &self,
        req: RequestBuilder,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + use<> {
        self.clone().into_execute_untyped(req)
    }

    /// [`Client::execute_untyped`] on a client the caller gives up.
    fn into_execute_untyped(
        self,
        req: RequestBuilder,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + use<> {
        let op = req.op;
        // Without a subscriber interested in DEBUG, this is a disabled span: no fields are
        // formatted, and entering it or recording into it does nothing.
        let span = ::tracing::debug_span!(
            "api_call",
            api = self.inner.info.crate_name,
            operation = op.id,
            method = %op.method,
            path = op.path,
            attempts = ::tracing::field::Empty,
            status = ::tracing::field::Empty,
        );
        // The call loop's state (a few KB: the request, the attempt in flight) lives on the
        // heap, so the futures of the generated operations that wrap it stay small and cheap to
        // move (into a task, a `FuturesUnordered`, …).
        let run_span = span.clone();
        let run = Box::pin(async move { self.run(req, run_span).await });
        ::tracing::Instrument::instrument(run, span)
    }

    /// The URL of a request: the base URL's path, then the request's path and query.
    fn request_url(&self, req: &RequestBuilder) -> Result<Url, String> {
        let base = &self.inner.base_url;
        let slash = if req.path.starts_with('/') { "" } else { "/" };
        // Replacing the base URL's path parses only the path. A path with `?`, `#`, spaces or
        // controls is parsed as part of a whole URL instead, which treats those differently.
        let plain = req.path.bytes().all(|b| b > b' ' && b != b'?' && b != b'#');
        let mut url = if plain {
            let prefix = base.path().trim_end_matches('/');
            let mut path = String::with_capacity(prefix.len() + slash.len() + req.path.len());
            path.push_str(prefix);
            path.push_str(slash);
            path.push_str(&req.path);
            let mut url = base.clone();
            url.set_path(&path);
            url
        } else {
            let base = base.as_str().trim_end_matches('/');
            Url::parse(&format!("{base}{slash}{}", req.path))
                .map_err(|e| format!("invalid path {:?}: {e}", req.path))?
        };
        if !req.query.is_empty() {
            url.set_query(Some(&req.query_string()));
        }
        Ok(url)
    }

    /// Turns the builder into a request that can be sent repeatedly.
    fn prepare(&self, req: RequestBuilder, options: &RequestOptions) -> Result<Prepared, String> {
        if !req.problems.is_empty() {
            return Err(req.problems.join("; "));
        }
        let inner = &*self.inner;
        let op = req.op;
        let mut url = match &req.url {
            Some(next) => {
                let url = inner
                    .base_url
                    .join(next)
                    .map_err(|e| format!("invalid next-page URL: {e}"))?;
                if !same_origin(&url, &inner.base_url) {
                    return Err(format!(
                        "the next-page URL {} is not on {}; refusing to send credentials there",
                        describe_url(&url),
                        describe_url(&inner.base_url),
                    ));
                }
                url
            }
            None => self.request_url(&req)?,
        };
        let credential = if op.authenticated {
            inner.credential.as_ref()
        } else {
            None
        };

        let mut headers = if credential.is_some() {
            inner.auth_headers.clone()
        } else {
            inner.default_headers.clone()
        };
        for (name, value) in req.headers {
            headers.insert(name, value);
        }
        for (name, value) in &options.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                format!("the value of header {name} contains a line break, a control or a non-ASCII character")
            })?;
            headers.insert(header_name, header_value);
        }

        let mut cookies: Vec<String> = req
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let secret_cookie = credential.and_then(Credential::cookie);
        if let Some((name, key)) = secret_cookie {
            cookies.push(format!("{name}={key}"));
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| "a cookie value cannot be sent".to_owned())?;
            value.set_sensitive(secret_cookie.is_some());
            headers.insert(::reqwest::header::COOKIE, value);
        }

        let body_type = req.body.as_ref().and_then(Body::content_type);
        let is_multipart = matches!(req.body, Some(Body::Multipart(_)));
        if let Some(content_type) = req.content_type.as_deref().or(body_type) {
            if !is_multipart {
                let value = HeaderValue::from_str(content_type)
                    .map_err(|_| format!("{content_type:?} is not a valid content type"))?;
                headers.insert(::reqwest::header::CONTENT_TYPE, value);
            }
        }

        let key_header = op
            .idempotency_header
            .or(options.idempotency_key.as_ref().map(|_| "Idempotency-Key"));
        if let Some(header) = key_header {
            let name = HeaderName::from_bytes(header.as_bytes())
                .map_err(|_| format!("{header:?} is not a valid header name"))?;
            let key = match (&options.idempotency_key, headers.get(&name)) {
                (Some(key), _) => HeaderValue::from_str(key)
                    .map_err(|_| "the idempotency key cannot be sent in a header".to_owned())?,
                (None, Some(existing)) => existing.clone(),
                (None, None) => HeaderValue::from_str(&::uuid::Uuid::new_v4().to_string())
                    .map_err(|_| "could not make an idempotency key".to_owned())?,
            };
            headers.insert(name, key);
        }
        let retry_safe = is_idempotent_method(&op.method)
            || key_header.is_some()
            || headers.contains_key("idempotency-key");

        let mut public_url = None;
        if let Some((name, key)) = credential.and_then(Credential::query) {
            public_url = Some(url.clone());
            url.query_pairs_mut().append_pair(name, key);
        }
        Ok(Prepared {
            method: op.method.clone(),
            url,
            public_url,
            headers,
            body: req.body,
            retry_safe,
        })
    }

    async fn run(
        &self,
        mut req: RequestBuilder,
        span: ::tracing::Span,
    ) -> Result<RawResponse, Error> {
        let inner = &*self.inner;
        let options = ::std::mem::take(&mut req.options);
        let prepared = self.prepare(req, &options).map_err(Error::InvalidRequest)?;
        let secret_query = inner
            .credential
            .as_ref()
            .and_then(Credential::query)
            .map(|(name, _)| name);

        let mut policy = options.retry.unwrap_or_else(|| inner.retry.clone());
        if let Some(retries) = options.max_retries {
            policy.max_retries = retries;
        }
        let deadline_len = options.deadline.or(inner.deadline);
        let deadline = deadline_len.and_then(|d| Instant::now().checked_add(d));
        let attempt_timeout = options.timeout.or(inner.timeout);
        let deadline_error = |attempts: u32| Error::Timeout {
            kind: TimeoutKind::Deadline,
            after: deadline_len.unwrap_or_default(),
            may_have_landed: attempts > 0,
            attempts,
        };

        let mut attempts: u32 = 0;
        loop {
            if let Some(wait) = inner.limiter.as_ref().and_then(RateLimiter::wait_time) {
                if wait > policy.retry_after_ceiling {
                    return Err(Error::RetryAfterTooLong {
                        wait,
                        ceiling: policy.retry_after_ceiling,
                        error: None,
                    });
                }
                if deadline.is_some_and(|d| passes(d, wait)) {
                    return Err(deadline_error(attempts));
                }
                ::tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "waiting for the rate-limit window to reset"
                );
                ::tokio::time::sleep(wait).await;
            }

            attempts += 1;
            span.record("attempts", attempts);
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let (limit, kind) = match (attempt_timeout, remaining) {
                (Some(t), Some(r)) if r < t => (Some(r), TimeoutKind::Deadline),
                (Some(t), _) => (Some(t), TimeoutKind::Attempt),
                (None, Some(r)) => (Some(r), TimeoutKind::Deadline),
                (None, None) => (None, TimeoutKind::Attempt),
            };
            if kind == TimeoutKind::Deadline && limit == Some(Duration::ZERO) {
                return Err(deadline_error(attempts - 1));
            }

            let attempt_span = ::tracing::debug_span!(
                "attempt",
                attempt = attempts,
                status = ::tracing::field::Empty,
                retry_wait_ms = ::tracing::field::Empty,
            );
            let request = prepared
                .request(&inner.http)
                .map_err(Error::InvalidRequest)?;
            let sending = ::tracing::Instrument::instrument(
                send(&inner.http, request, inner.custom_http),
                attempt_span.clone(),
            );
            let outcome = match limit {
                Some(limit) => ::tokio::time::timeout(limit, sending).await.ok(),
                None => Some(sending.await),
            };

            let failure: Failure = match outcome {
                None => {
                    if kind == TimeoutKind::Deadline {
                        return Err(deadline_error(attempts));
                    }
                    Failure {
                        error: Error::Timeout {
                            kind,
                            after: limit.unwrap_or_default(),
                            may_have_landed: true,
                            attempts,
                        },
                        retryable: prepared.retry_safe,
                        retry_after: None,
                    }
                }
                Some(Err(SendFailure { error, landed })) => {
                    if let Some(refused) = redirect_refusal(&error) {
                        return Err(Error::InsecureRedirect {
                            location: refused.location.clone(),
                            reason: refused.reason,
                        });
                    }
                    ::tracing::debug!(parent: &attempt_span, may_have_landed = landed, "connection failed");
                    Failure {
                        error: Error::Transport {
                            source: error.without_url(),
                            may_have_landed: landed,
                            attempts,
                        },
                        retryable: !landed || prepared.retry_safe,
                        retry_after: None,
                    }
                }
                Some(Ok(received)) => {
                    attempt_span.record("status", received.status);
                    span.record("status", received.status);
                    if let Some(url) = received.url.filter(|url| !same_origin(url, &prepared.url)) {
                        return Err(Error::InsecureRedirect {
                            location: describe_url(&url),
                            reason: if is_secure(&url) {
                                RedirectRefusal::CrossOrigin
                            } else {
                                RedirectRefusal::Insecure
                            },
                        });
                    }
                    if let Some(limiter) = &inner.limiter {
                        let rate_limit = RateLimit::from_headers(&received.headers);
                        let retry_after = super::retry::retry_after(
                            &received.headers,
                            ::std::time::SystemTime::now(),
                        );
                        limiter.observe(&rate_limit, received.status, retry_after);
                    }
                    if received.status < 400 {
                        if received.status < 300 {
                            inner.budget.deposit();
                        }
                        return Ok(RawResponse::new(
                            received.status,
                            received.headers,
                            received.body,
                            prepared.into_public_url(),
                            secret_query,
                            attempts,
                        ));
                    }
                    let api = ApiError::<NoTypedError>::from_response(
                        received.status,
                        received.headers,
                        received.body,
                        attempts,
                    );
                    Failure {
                        retryable: is_retryable_status(api.status) && prepared.retry_safe,
                        retry_after: api.retry_after,
                        error: Error::Api(Box::new(api)),
                    }
                }
            };

            if !failure.retryable || attempts > policy.max_retries {
                return Err(failure.error);
            }
            let wait = match failure.retry_after {
                Some(wait) if wait > policy.retry_after_ceiling => {
                    let error = match failure.error {
                        Error::Api(api) => Some(api),
                        _ => None,
                    };
                    return Err(Error::RetryAfterTooLong {
                        wait,
                        ceiling: policy.retry_after_ceiling,
                        error,
                    });
                }
                Some(wait) => wait,
                None => policy.backoff(attempts),
            };
            if deadline.is_some_and(|d| passes(d, wait)) {
                ::tracing::debug!("not retrying: the wait would pass the deadline");
                return Err(failure.error);
            }
            if !inner.budget.try_withdraw() {
                ::tracing::debug!("not retrying: the retry budget is spent");
                return Err(failure.error);
            }
            attempt_span.record("retry_wait_ms", wait.as_millis() as u64);
            ::tracing::debug!(parent: &attempt_span, wait_ms = wait.as_millis() as u64, "retrying");
            ::tokio::time::sleep(wait).await;
        }
    }
}
