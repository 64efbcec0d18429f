//! Credentials: the security schemes an API declares, and the secret they carry.
//!
//! A secret lives only in a [`Secret`], whose `Debug` and `Display` print `***`. It is attached to
//! a request at the last moment (headers are marked sensitive), and never goes into a log, a span
//! or an error message.

use ::std::fmt;

use super::error::BuildError;

/// How a credential is sent. The generator lists the schemes the spec declares in
/// `ApiInfo::auth`; the first is what `ClientBuilder::api_key` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(user:password)`. With `api_key`, the key is the user name and
    /// the password is empty.
    Basic,
    /// The key in the named header.
    ApiKeyHeader(&'static str),
    /// The key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// The key in the named cookie.
    ApiKeyCookie(&'static str),
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bearer => f.write_str("bearer token"),
            Self::Basic => f.write_str("basic auth"),
            Self::ApiKeyHeader(name) => write!(f, "API key in header {name}"),
            Self::ApiKeyQuery(name) => write!(f, "API key in query parameter {name}"),
            Self::ApiKeyCookie(name) => write!(f, "API key in cookie {name}"),
        }
    }
}

/// A secret string (an API key, token or password). `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// A credential ready to be attached: the scheme and the exact value to send.
#[derive(Clone)]
pub(super) struct Credential {
    scheme: AuthScheme,
    /// For `Basic` the base64 of `user:password`; otherwise the key or token.
    value: Secret,
    /// The header form, for header-based schemes (built once, attached to every request).
    header: Option<(
        ::reqwest::header::HeaderName,
        ::reqwest::header::HeaderValue,
    )>,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("scheme", &self.scheme)
            .field("value", &self.value)
            .finish()
    }
}

impl Credential {
    /// A key sent the way `scheme` says.
    pub(super) fn key(scheme: AuthScheme, key: Secret) -> Result<Self, BuildError> {
        match scheme {
            AuthScheme::Basic => Self::basic(key.expose(), &Secret::new(String::new())),
            _ => Self::checked(scheme, key),
        }
    }

    /// HTTP basic auth.
    pub(super) fn basic(user: &str, password: &Secret) -> Result<Self, BuildError> {
        use ::base64::Engine as _;
        let raw = format!("{user}:{}", password.expose());
        let encoded = ::base64::engine::general_purpose::STANDARD.encode(raw.as_bytes());
        Self::checked(AuthScheme::Basic, Secret::new(encoded))
    }

    fn checked(scheme: AuthScheme, value: Secret) -> Result<Self, BuildError> {
        let ok = !value.is_empty()
            && value
                .expose()
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
        if !ok {
            return Err(BuildError::InvalidCredential);
        }
        // The header form is built (and checked) once, so attaching it later cannot fail.
        let header = match scheme {
            AuthScheme::Bearer | AuthScheme::Basic | AuthScheme::ApiKeyHeader(_) => {
                Some(Self::header_for(scheme, &value).ok_or(BuildError::InvalidCredential)?)
            }
            AuthScheme::ApiKeyQuery(_) | AuthScheme::ApiKeyCookie(_) => None,
        };
        Ok(Self {
            scheme,
            value,
            header,
        })
    }

    /// The scheme.
    pub(super) fn scheme(&self) -> AuthScheme {
        self.scheme
    }

    /// The header to send, for header-based schemes. The value is marked sensitive.
    pub(super) fn header(
        &self,
    ) -> Option<(
        ::reqwest::header::HeaderName,
        ::reqwest::header::HeaderValue,
    )> {
        self.header.clone()
    }

    fn header_for(
        scheme: AuthScheme,
        value: &Secret,
    ) -> Option<(
        ::reqwest::header::HeaderName,
        ::reqwest::header::HeaderValue,
    )> {
        use ::reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
        let (name, text) = match scheme {
            AuthScheme::Bearer => (AUTHORIZATION, format!("Bearer {}", value.expose())),
            AuthScheme::Basic => (AUTHORIZATION, format!("Basic {}", value.expose())),
            AuthScheme::ApiKeyHeader(name) => (
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                value.expose().to_owned(),
            ),
            AuthScheme::ApiKeyQuery(_) | AuthScheme::ApiKeyCookie(_) => return None,
        };
        let mut value = HeaderValue::from_str(&text).ok()?;
        value.set_sensitive(true);
        Some((name, value))
    }

    /// The query parameter to add, for `ApiKeyQuery`.
    pub(super) fn query(&self) -> Option<(&'static str, &str)> {
        match self.scheme {
            AuthScheme::ApiKeyQuery(name) => Some((name, self.value.expose())),
            _ => None,
        }
    }

    /// The cookie to add, for `ApiKeyCookie`.
    pub(super) fn cookie(&self) -> Option<(&'static str, &str)> {
        match self.scheme {
            AuthScheme::ApiKeyCookie(name) => Some((name, self.value.expose())),
            _ => None,
        }
    }
}
