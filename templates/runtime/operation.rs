//! Operation metadata: one `static` per operation in the generated code.

/// What the runtime needs to know about one operation. The generator emits one `static` per
/// operation and passes it to `Client::request`.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId` (for tracing).
    pub id: &'static str,
    /// The HTTP method.
    pub method: ::reqwest::Method,
    /// The path template, e.g. `/api/pipelines/{id}` (for tracing; never the filled-in path).
    pub path: &'static str,
    /// `false` for operations with `security: []`: no credentials are sent.
    pub authenticated: bool,
    /// The idempotency header the operation declares (e.g. `Idempotency-Key`). When set, every
    /// call carries a key (a fresh UUID v4 unless the caller gives one), the same on every attempt,
    /// which also makes a POST or PATCH safe to retry.
    pub idempotency_header: Option<&'static str>,
}

use super::{
    Client, Error, OperationError, Page, Pagination, RawResponse, RequestBuilder, Response,
};

/// How an operation turns a successful raw response into its value (`RawResponse::decode_json`,
/// `RawResponse::into_text`, ...).
pub type Decoder<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

impl Client {
    /// Sends `request` and decodes the success with `decode`: the body of every generated
    /// operation's `send_with_response`. Generic once here instead of an `async fn` per operation,
    /// and a combinator rather than an `async fn`: the future holds the boxed call and `decode`,
    /// not another copy of the request.
    pub fn send<T, E: OperationError>(
        self,
        request: RequestBuilder,
        decode: Decoder<T, E>,
    ) -> impl ::std::future::Future<Output = Result<Response<T>, Error<E>>> + Send + use<T, E> {
        ::futures_util::FutureExt::map(self.into_execute::<E>(request), move |raw| {
            raw.and_then(decode)
        })
    }

    /// Sends a page request of a paginated operation and decodes the page.
    pub fn send_page<T, M, E>(
        self,
        request: RequestBuilder,
        pagination: &'static Pagination,
    ) -> impl ::std::future::Future<Output = Result<Response<Page<T, M>>, Error<E>>> + Send + use<T, M, E>
    where
        T: ::serde::de::DeserializeOwned,
        M: ::serde::de::DeserializeOwned,
        E: OperationError,
    {
        ::futures_util::FutureExt::map(self.into_execute::<E>(request), move |raw| {
            raw.and_then(|raw| raw.decode_page(pagination))
        })
    }
}

/// Awaits a `send_with_response` future and keeps only the value: the body of every generated
/// operation's `send`.
pub async fn value_of<T, E>(
    response: impl ::std::future::Future<Output = Result<Response<T>, Error<E>>>,
) -> Result<T, Error<E>> {
    response.await.map(Response::into_inner)
}
