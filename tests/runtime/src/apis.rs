//! Operations, written the way the generator emits them.

pub mod pipelines {
    //! Operations tagged `pipelines`.

    use crate::models;
    use crate::runtime as rt;

    /// Operations tagged `pipelines`: get one with `Client::pipelines`.
    #[derive(Debug, Clone)]
    pub struct Pipelines {
        client: rt::Client,
    }

    impl Pipelines {
        pub(crate) fn new(client: rt::Client) -> Self {
            Self { client }
        }

        /// Gets a pipeline.
        pub fn get(&self, id: impl Into<String>) -> GetPipeline {
            GetPipeline::new(self.client.clone(), id.into())
        }

        /// Lists pipelines.
        pub fn list(&self) -> ListPipelines {
            ListPipelines::new(self.client.clone())
        }

        /// Creates a pipeline (no idempotency key declared).
        pub fn create(&self, body: models::CreatePipeline) -> CreatePipeline {
            CreatePipeline::new(self.client.clone(), body)
        }

        /// Starts a run (declares `Idempotency-Key`).
        pub fn run(&self, id: impl Into<String>) -> RunPipeline {
            RunPipeline::new(self.client.clone(), id.into())
        }

        /// Gets a run.
        pub fn get_run(&self, id: impl Into<String>) -> GetRun {
            GetRun::new(self.client.clone(), id.into())
        }

        /// The health check (`security: []`).
        pub fn health(&self) -> Health {
            Health::new(self.client.clone())
        }

        /// Polls [`get_run`](Self::get_run) until `/status` is `succeeded` (success) or
        /// `failed`/`cancelled` (failure).
        pub async fn wait_until_run_finished(
            &self,
            id: impl Into<String>,
            config: rt::WaitConfig,
        ) -> Result<models::Run, rt::WaitError<models::Run, rt::NoTypedError>> {
            static GET_RUN_WAITER: rt::WaitSpec = rt::WaitSpec {
                status: "/status",
                success: &["succeeded"],
                failure: &["failed", "cancelled"],
            };
            let id = id.into();
            let handle = self.clone();
            rt::wait_until(&GET_RUN_WAITER, config, move || {
                handle.get_run(id.clone()).send()
            })
            .await
        }
    }

    static GET_PIPELINE: rt::Operation = rt::Operation {
        id: "getPipeline",
        method: reqwest::Method::GET,
        path: "/api/pipelines/{id}",
        authenticated: true,
        idempotency_header: None,
    };

    /// `GET /api/pipelines/{id}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct GetPipeline {
        client: rt::Client,
        id: String,
        include: Option<Vec<String>>,
        x_trace: Option<String>,
        options: rt::RequestOptions,
    }

    impl GetPipeline {
        fn new(client: rt::Client, id: String) -> Self {
            Self {
                client,
                id,
                include: None,
                x_trace: None,
                options: Default::default(),
            }
        }

        /// Related objects to include (`style: form, explode: false`).
        pub fn include(mut self, include: Vec<String>) -> Self {
            self.include = Some(include);
            self
        }

        /// A trace header.
        pub fn x_trace(mut self, value: impl Into<String>) -> Self {
            self.x_trace = Some(value.into());
            self
        }

        /// Per-call options.
        pub fn options(mut self, options: rt::RequestOptions) -> Self {
            self.options = options;
            self
        }

        fn request(&self) -> rt::RequestBuilder {
            let mut request = self.client.request(&GET_PIPELINE);
            request.path_literal("/api/pipelines/");
            request.path_param(&self.id);
            request.query_styled("include", &self.include, rt::ParamStyle::Form, false);
            request.header("X-Trace", &self.x_trace);
            request.options(self.options.clone());
            request
        }

        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> Result<models::Pipeline, rt::Error<GetPipelineError>> {
            Ok(self.send_with_response().await?.into_inner())
        }

        /// Sends the request and returns the decoded value with status, headers, rate limit,
        /// request id and `meta`.
        pub async fn send_with_response(
            self,
        ) -> Result<rt::Response<models::Pipeline>, rt::Error<GetPipelineError>> {
            let request = self.request();
            let response = self.client.execute::<GetPipelineError>(request).await?;
            response.decode_data()
        }
    }

    /// The documented error responses of [`GetPipeline`].
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub enum GetPipelineError {
        /// Status 401.
        Unauthorized(models::ErrorEnvelope),
        /// Status 404.
        NotFound(models::ErrorEnvelope),
        /// Any other status.
        Default(models::ErrorEnvelope),
    }

    impl rt::OperationError for GetPipelineError {
        fn from_response(status: u16, body: &[u8]) -> Option<Self> {
            match status {
                401 => serde_json::from_slice(body).ok().map(Self::Unauthorized),
                404 => serde_json::from_slice(body).ok().map(Self::NotFound),
                _ => serde_json::from_slice(body).ok().map(Self::Default),
            }
        }
    }

    static LIST_PIPELINES: rt::Operation = rt::Operation {
        id: "listPipelines",
        method: reqwest::Method::GET,
        path: "/api/pipelines",
        authenticated: true,
        idempotency_header: None,
    };

    static LIST_PIPELINES_PAGINATION: rt::Pagination = rt::Pagination {
        items: "/data",
        style: rt::PageStyle::Cursor {
            param: "cursor",
            next: "/meta/page/cursor",
        },
    };

    /// `GET /api/pipelines` (cursor in `meta.page.cursor`).
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct ListPipelines {
        client: rt::Client,
        status: Option<models::PipelineStatus>,
        limit: Option<u32>,
        options: rt::RequestOptions,
        start: Option<rt::PageToken>,
    }

    impl ListPipelines {
        fn new(client: rt::Client) -> Self {
            Self {
                client,
                status: None,
                limit: None,
                options: Default::default(),
                start: None,
            }
        }

        /// Filters by status.
        pub fn status(mut self, status: models::PipelineStatus) -> Self {
            self.status = Some(status);
            self
        }

        /// The page size.
        pub fn limit(mut self, limit: u32) -> Self {
            self.limit = Some(limit);
            self
        }

        /// Per-call options.
        pub fn options(mut self, options: rt::RequestOptions) -> Self {
            self.options = options;
            self
        }

        fn request(&self, token: Option<&rt::PageToken>) -> rt::RequestBuilder {
            let mut request = self.client.request(&LIST_PIPELINES);
            request.path_literal("/api/pipelines");
            request.query("status", &self.status);
            request.query("limit", &self.limit);
            if let Some(token) = token {
                request.page_token(&LIST_PIPELINES_PAGINATION.style, token);
            }
            request.options(self.options.clone());
            request
        }

        /// Sends the request and returns one page.
        pub async fn send(
            self,
        ) -> Result<rt::Page<models::Pipeline, models::ListMeta>, rt::Error<rt::NoTypedError>>
        {
            Ok(self.send_with_response().await?.into_inner())
        }

        /// Sends the request and returns one page with the response's details.
        pub async fn send_with_response(
            self,
        ) -> Result<
            rt::Response<rt::Page<models::Pipeline, models::ListMeta>>,
            rt::Error<rt::NoTypedError>,
        > {
            let request = self.request(self.start.as_ref());
            let response = self.client.execute::<rt::NoTypedError>(request).await?;
            response.decode_page(&LIST_PIPELINES_PAGINATION)
        }

        /// Starts from a saved [`PageToken`](rt::PageToken) instead of the first page.
        pub fn start_from(mut self, token: rt::PageToken) -> Self {
            self.start = Some(token);
            self
        }

        /// Every page, fetched lazily.
        pub fn pages(self) -> rt::PageStream<models::Pipeline, models::ListMeta, rt::NoTypedError> {
            let client = self.client.clone();
            let start = self.start.clone();
            rt::PageStream::new(client, &LIST_PIPELINES_PAGINATION, start, move |token| {
                self.request(token)
            })
        }

        /// Every item of every page, fetched lazily, in constant memory.
        pub fn items(self) -> rt::ItemStream<models::Pipeline, models::ListMeta, rt::NoTypedError> {
            self.pages().items()
        }
    }

    static CREATE_PIPELINE: rt::Operation = rt::Operation {
        id: "createPipeline",
        method: reqwest::Method::POST,
        path: "/api/pipelines",
        authenticated: true,
        idempotency_header: None,
    };

    /// `POST /api/pipelines` (no idempotency key declared).
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct CreatePipeline {
        client: rt::Client,
        body: models::CreatePipeline,
        options: rt::RequestOptions,
    }

    impl CreatePipeline {
        fn new(client: rt::Client, body: models::CreatePipeline) -> Self {
            Self {
                client,
                body,
                options: Default::default(),
            }
        }

        /// Per-call options.
        pub fn options(mut self, options: rt::RequestOptions) -> Self {
            self.options = options;
            self
        }

        fn request(&self) -> rt::RequestBuilder {
            let mut request = self.client.request(&CREATE_PIPELINE);
            request.path_literal("/api/pipelines");
            request.json(&self.body);
            request.options(self.options.clone());
            request
        }

        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> Result<models::Pipeline, rt::Error<rt::NoTypedError>> {
            Ok(self.send_with_response().await?.into_inner())
        }

        /// Sends the request and returns the decoded value with the response's details.
        pub async fn send_with_response(
            self,
        ) -> Result<rt::Response<models::Pipeline>, rt::Error<rt::NoTypedError>> {
            let request = self.request();
            let response = self.client.execute::<rt::NoTypedError>(request).await?;
            response.decode_data()
        }
    }

    static RUN_PIPELINE: rt::Operation = rt::Operation {
        id: "runPipeline",
        method: reqwest::Method::POST,
        path: "/api/pipelines/{id}/run",
        authenticated: true,
        idempotency_header: Some("Idempotency-Key"),
    };

    /// `POST /api/pipelines/{id}/run` (declares `Idempotency-Key`).
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct RunPipeline {
        client: rt::Client,
        id: String,
        variables: Option<serde_json::Value>,
        options: rt::RequestOptions,
    }

    impl RunPipeline {
        fn new(client: rt::Client, id: String) -> Self {
            Self {
                client,
                id,
                variables: None,
                options: Default::default(),
            }
        }

        /// Run variables.
        pub fn variables(mut self, variables: serde_json::Value) -> Self {
            self.variables = Some(variables);
            self
        }

        /// Per-call options.
        pub fn options(mut self, options: rt::RequestOptions) -> Self {
            self.options = options;
            self
        }

        fn request(&self) -> rt::RequestBuilder {
            let mut request = self.client.request(&RUN_PIPELINE);
            request.path_literal("/api/pipelines/");
            request.path_param(&self.id);
            request.path_literal("/run");
            request.json(&serde_json::json!({ "variables": self.variables }));
            request.options(self.options.clone());
            request
        }

        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> Result<models::Run, rt::Error<rt::NoTypedError>> {
            Ok(self.send_with_response().await?.into_inner())
        }

        /// Sends the request and returns the decoded value with the response's details.
        pub async fn send_with_response(
            self,
        ) -> Result<rt::Response<models::Run>, rt::Error<rt::NoTypedError>> {
            let request = self.request();
            let response = self.client.execute::<rt::NoTypedError>(request).await?;
            response.decode_data()
        }
    }

    static GET_RUN: rt::Operation = rt::Operation {
        id: "getRun",
        method: reqwest::Method::GET,
        path: "/api/runs/{id}",
        authenticated: true,
        idempotency_header: None,
    };

    /// `GET /api/runs/{id}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct GetRun {
        client: rt::Client,
        id: String,
        options: rt::RequestOptions,
    }

    impl GetRun {
        fn new(client: rt::Client, id: String) -> Self {
            Self {
                client,
                id,
                options: Default::default(),
            }
        }

        fn request(&self) -> rt::RequestBuilder {
            let mut request = self.client.request(&GET_RUN);
            request.path_literal("/api/runs/");
            request.path_param(&self.id);
            request.options(self.options.clone());
            request
        }

        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> Result<models::Run, rt::Error<rt::NoTypedError>> {
            let request = self.request();
            let response = self.client.execute::<rt::NoTypedError>(request).await?;
            Ok(response.decode_data()?.into_inner())
        }
    }

    static HEALTH: rt::Operation = rt::Operation {
        id: "health",
        method: reqwest::Method::GET,
        path: "/health",
        authenticated: false,
        idempotency_header: None,
    };

    /// `GET /health` (`security: []`).
    #[derive(Debug, Clone)]
    #[must_use = "a request builder does nothing until `send()` is awaited"]
    pub struct Health {
        client: rt::Client,
    }

    impl Health {
        fn new(client: rt::Client) -> Self {
            Self { client }
        }

        /// Sends the request.
        pub async fn send(self) -> Result<rt::Response<()>, rt::Error<rt::NoTypedError>> {
            let mut request = self.client.request(&HEALTH);
            request.path_literal("/health");
            let response = self.client.execute::<rt::NoTypedError>(request).await?;
            response.into_empty()
        }
    }
}
