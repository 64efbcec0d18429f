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
