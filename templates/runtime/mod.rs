//! The runtime of the generated client: HTTP, authentication, retries, rate limits, errors,
//! envelopes, pagination, uploads and waiters.
//!
//! This code is hand-written, lives in the generator's `templates/runtime/`, and is copied
//! verbatim into every generated crate. Generated code reaches it through this module's paths;
//! users mostly meet [`Client`], [`ClientBuilder`], [`Error`], [`Response`], [`Page`] and
//! [`PageStream`].

pub mod auth;
pub mod client;
pub mod de;
pub mod envelope;
pub mod error;
pub mod nullable;
pub mod operation;
pub mod paginate;
pub mod rate_limit;
pub mod request;
pub mod response;
pub mod retry;
pub mod ser;
pub mod upload;
pub mod wait;

pub use auth::{AuthScheme, Secret};
pub use client::{ApiInfo, Client, ClientBuilder};
pub use de::{Field, FieldSeed, Fields};
pub use envelope::{Envelope, Resource};
pub use error::{
    ApiError, BuildError, DecodeError, Error, NoTypedError, OperationError, RedirectRefusal,
    TimeoutKind,
};
pub use nullable::Nullable;
pub use operation::Operation;
pub use paginate::{ItemStream, Page, PageStream, PageStyle, PageToken, Pagination};
pub use rate_limit::RateLimit;
pub use request::{ParamStyle, RequestBuilder, RequestOptions};
pub use response::{RawResponse, Response};
pub use retry::{RetryBudget, RetryPolicy};
pub use ser::ObjectWriter;
pub use upload::{Base64Bytes, Multipart, Upload};
pub use wait::{WaitConfig, WaitError, WaitSpec, wait_until};
