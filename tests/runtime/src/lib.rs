//! Tests of the hand-written runtime (`templates/runtime/`) that every generated client embeds.
//!
//! The runtime is compiled here exactly as a generated crate compiles it (`pub mod runtime`), next
//! to a hand-written `ApiInfo` and a few operations written the way the generator emits them, so
//! the tests in `tests/` exercise the real call path.

#[path = "../../../templates/runtime/mod.rs"]
pub mod runtime;

/// The same runtime as one file of inline modules, as build.rs users of the generator get it.
pub mod inline {
    include!(concat!(env!("OUT_DIR"), "/runtime_inline.rs"));
}

pub mod models;

pub mod apis;

/// What the runtime needs to know about this API.
static API_INFO: runtime::ApiInfo = runtime::ApiInfo {
    crate_name: "planasonix",
    crate_version: "0.1.0",
    default_base_url: Some("https://api.planasonix.com"),
    env_prefix: "PLANASONIX",
    auth: &[
        runtime::AuthScheme::Bearer,
        runtime::AuthScheme::ApiKeyHeader("X-Planasonix-Api-Key"),
    ],
};

impl runtime::Client {
    /// Starts configuring a client.
    pub fn builder() -> runtime::ClientBuilder {
        runtime::ClientBuilder::new(&API_INFO)
    }

    /// A client configured from the environment: `PLANASONIX_API_KEY` (required) and
    /// `PLANASONIX_BASE_URL` (optional).
    pub fn from_env() -> Result<runtime::Client, runtime::BuildError> {
        runtime::ClientBuilder::new(&API_INFO).from_env()?.build()
    }

    /// Operations on pipelines.
    pub fn pipelines(&self) -> apis::pipelines::Pipelines {
        apis::pipelines::Pipelines::new(self.clone())
    }
}

impl<E> runtime::ApiError<E> {
    /// The error envelope's machine-readable `code`, typed.
    pub fn error_code(&self) -> Option<models::ErrorCode> {
        self.code().map(models::ErrorCode::from)
    }
}
