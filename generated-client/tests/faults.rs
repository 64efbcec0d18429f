//! Fault injection through the generated client: `planasonix::Client` and its operation builders,
//! exactly as users call them, against a scripted raw-TCP HTTP server (`support/mock.rs`).
//!
//! Each test checks what the server saw (request count, paths, query, headers, bodies, timing) and
//! what the caller got (variant, fields, attempts, elapsed time). Retry backoffs are a few
//! milliseconds, so the whole file runs in a few seconds; only the `Retry-After` tests wait about
//! a second, because that is what they test.

#[path = "support/mock.rs"]
mod mock;

use std::fmt::Debug;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{StreamExt, TryStreamExt};
use mock::{MockServer, Reply, Response, refused_url};
use planasonix::apis::pipelines::{GetPipelineError, RunPipelineError, UpdatePipelineStatusError};
use planasonix::apis::runs::{CancelRunError, GetRunError};
use planasonix::models::{
    self, ErrorCode, PipelineStatus, PipelineSummaryStatus, RunStatus, RunTrigger,
    UpdatePipelineStatusRequest, UpdatePipelineStatusRequestStatus,
};
use planasonix::runtime::{AuthScheme, RedirectRefusal, RetryBudget, TimeoutKind};
use planasonix::{
    Client, ClientBuilder, Error, PageToken, RequestOptions, RetryPolicy, WaitConfig, WaitError,
};
use serde_json::{Value, json};

/// The API key of every test client. Tests check it reaches the server and nothing else.
const KEY: &str = "plnx_live_FAULTS_s3cr3t_9f8e7d6c5b4a";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Two retries with backoffs of at most 20 ms; the default 60 s `Retry-After` ceiling.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(ms(5))
        .max_backoff(ms(20))
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(url)
        .expect("a loopback base URL is accepted")
        .retry(fast_retry())
        .timeout(Duration::from_secs(5))
}

fn client(server: &MockServer) -> Client {
    builder(server.url()).build().expect("client")
}

fn pipeline_json(id: &str) -> Value {
    json!({"id": id, "name": "Nightly sales", "projectId": "prj_01", "folderId": null, "status": "active"})
}

fn pipeline_body(id: &str) -> Response {
    Response::json(200, &json!({"data": pipeline_json(id)}))
}

fn run_json(id: &str, status: &str) -> Value {
    json!({"id": id, "pipelineId": "pl_1", "status": status, "trigger": "manual"})
}

fn run_body(status_code: u16, id: &str, status: &str) -> Response {
    Response::json(status_code, &json!({"data": run_json(id, status)}))
}

/// The documented error envelope.
fn error_body(status: u16, code: &str, message: &str, request_id: &str) -> Response {
    Response::json(
        status,
        &json!({"error": {
            "code": code,
            "message": message,
            "details": [{"field": "id", "issue": "unknown"}],
            "request_id": request_id,
        }}),
    )
}

fn unavailable() -> Reply {
    error_body(503, "internal_error", "try again", "req_503").into()
}

/// Fails when the key appears in `text`.
fn assert_no_key(what: &str, text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains("FAULTS_s3cr3t"),
        "the API key leaks through {what}: {text}"
    );
}

/// Fails when the key appears in the error's `Debug`, pretty `Debug`, `Display`, or the `Display`
/// of anything in its source chain.
fn assert_hides_key<E: Debug>(err: &Error<E>) {
    assert_no_key("Debug", &format!("{err:?}"));
    assert_no_key("pretty Debug", &format!("{err:#?}"));
    assert_no_key("Display", &err.to_string());
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        assert_no_key("a source's Display", &inner.to_string());
        assert_no_key("a source's Debug", &format!("{inner:?}"));
        source = inner.source();
    }
}

fn elapsed_between(earlier: &mock::Recorded, later: &mock::Recorded) -> Duration {
    later.at.duration_since(earlier.at)
}

// ---------------------------------------------------------------------------------------------
// Retry-After, ceiling, 5xx retries, retry budget
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_with_retry_after_seconds_is_retried_after_the_wait_then_decodes() {
    let server = MockServer::sequence(vec![
        error_body(429, "rate_limited", "slow down", "req_429")
            .header("Retry-After", "1")
            .into(),
        pipeline_body("pl_1").into(),
    ])
    .await;
    let started = Instant::now();
    let response = client(&server)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let gap = elapsed_between(&requests[0], &requests[1]);
    assert!(
        gap >= ms(900),
        "retried after {gap:?}, before Retry-After: 1"
    );
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    assert_eq!(response.attempts(), 2);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/api/pipelines/pl_1");
    }
    let pipeline = response.into_inner();
    assert_eq!(pipeline.id, "pl_1");
    assert_eq!(pipeline.name, "Nightly sales");
    assert_eq!(pipeline.status, PipelineStatus::Active);
    assert_eq!(pipeline.project_id.as_deref(), Some("prj_01"));
    assert!(pipeline.folder_id.is_null());
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_is_honoured() {
    // The date is written when the 429 is sent, two seconds ahead.
    let server = MockServer::start(|index, _| match index {
        0 => error_body(429, "rate_limited", "slow down", "req_429")
            .header(
                "Retry-After",
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2)),
            )
            .into(),
        _ => pipeline_body("pl_1").into(),
    })
    .await;
    let pipeline = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(pipeline.id, "pl_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // An HTTP date has whole seconds: the wait is between 1 and 2 s, far above the 20 ms backoff.
    let gap = elapsed_between(&requests[0], &requests[1]);
    assert!(gap >= ms(800), "retried after {gap:?}, before the date");
    assert!(gap < ms(3500), "retried after {gap:?}");
}

#[tokio::test]
async fn a_retry_after_above_the_ceiling_fails_at_once_with_the_wait() {
    let server = MockServer::always(
        error_body(429, "rate_limited", "come back in an hour", "req_long")
            .header("Retry-After", "3600")
            .header("X-RateLimit-Remaining", "0"),
    )
    .await;
    let started = Instant::now();
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("the wait is above the ceiling");
    assert!(started.elapsed() < ms(2000), "took {:?}", started.elapsed());
    match &err {
        Error::RetryAfterTooLong {
            wait,
            ceiling,
            error,
        } => {
            assert_eq!(*wait, Duration::from_secs(3600));
            assert_eq!(*ceiling, Duration::from_secs(60));
            let api = error.as_ref().expect("the 429 that asked for the wait");
            assert_eq!(api.status(), 429);
            assert_eq!(api.error_code(), Some(ErrorCode::RateLimited));
            assert!(matches!(
                api.typed(),
                Some(GetPipelineError::TooManyRequests(_))
            ));
        }
        other => panic!("expected RetryAfterTooLong, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.request_id(), Some("req_long"));
    assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(0));
    assert!(err.to_string().contains("3600s"), "{err}");
    assert_hides_key(&err);
    tokio::time::sleep(ms(100)).await;
    assert_eq!(server.count(), 1, "no second request");
}

#[tokio::test]
async fn two_503s_then_a_200_take_three_requests_and_succeed() {
    let server = MockServer::sequence(vec![
        unavailable(),
        unavailable(),
        pipeline_body("pl_1").into(),
    ])
    .await;
    let response = client(&server)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(response.value().id, "pl_1");
    assert_eq!(response.attempts(), 3);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn three_503s_exhaust_two_retries_and_return_the_last_503() {
    let server = MockServer::always(unavailable()).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("every attempt fails");
    assert_eq!(server.count(), 3);
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), 503);
    assert_eq!(api.attempts, 3);
    assert!(matches!(
        api.typed(),
        Some(GetPipelineError::ServerError(_))
    ));
    assert!(err.is_retryable());
    assert_hides_key(&err);
}

#[tokio::test]
async fn an_exhausted_retry_budget_stops_retrying_for_every_clone() {
    let server = MockServer::always(unavailable()).await;
    // 10 tokens, 5 per retry: two retries in all, shared by the client and its clones.
    let client = builder(server.url())
        .retry(fast_retry().max_retries(5))
        .retry_budget(RetryBudget::new(10))
        .build()
        .expect("client");

    let first = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("503s");
    assert_eq!(
        server.count(),
        3,
        "5 retries allowed, but the budget paid for 2"
    );
    assert_eq!(first.status(), Some(503));
    assert_eq!(first.api().map(|a| a.attempts), Some(3));

    let clone = client.clone();
    let second = clone
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("503 again");
    assert_eq!(
        server.count(),
        4,
        "the clone shares the empty budget: no retry"
    );
    assert_eq!(second.status(), Some(503));
    assert_eq!(second.api().map(|a| a.attempts), Some(1));
    assert_eq!(second.code(), Some("internal_error"));
    assert_hides_key(&second);
}

// ---------------------------------------------------------------------------------------------
// Connection resets and bodies cut short
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_reset_before_the_response_is_retried_for_a_get() {
    let server = MockServer::sequence(vec![Reply::Reset, pipeline_body("pl_1").into()]).await;
    let response = client(&server)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert_eq!(response.value().id, "pl_1");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_reset_with_retries_off_is_a_transport_error_that_may_have_landed() {
    let server = MockServer::always(Reply::Reset).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .options(RequestOptions::new().max_retries(0))
        .send()
        .await
        .expect_err("reset");
    match &err {
        Error::Transport {
            source,
            may_have_landed,
            attempts,
        } => {
            assert!(*may_have_landed, "the request was written before the reset");
            assert_eq!(*attempts, 1);
            assert!(!source.is_connect(), "{source:?}");
            assert!(source.url().is_none(), "the URL is removed");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(err.may_have_landed());
    assert!(err.is_retryable());
    assert!(err.to_string().contains("may have received"), "{err}");
    assert_hides_key(&err);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_body_cut_short_is_retried_for_a_get() {
    let server = MockServer::sequence(vec![
        Reply::CutBody(pipeline_body("pl_1"), 25),
        pipeline_body("pl_1").into(),
    ])
    .await;
    let response = client(&server)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert_eq!(response.value().name, "Nightly sales");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_body_cut_short_without_retries_is_a_typed_error() {
    let server = MockServer::always(Reply::CutBody(pipeline_body("pl_1"), 25)).await;
    let err = builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("the body is cut short");
    match &err {
        Error::Transport {
            source,
            may_have_landed,
            attempts,
        } => {
            assert!(source.is_body() || source.is_decode(), "{source:?}");
            assert!(*may_have_landed);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("broke while the response was read"),
        "{err}"
    );
    assert_hides_key(&err);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_for_a_get() {
    let server = MockServer::sequence(vec![
        Reply::Silence(Duration::ZERO),
        pipeline_body("pl_1").into(),
    ])
    .await;
    let response = client(&server)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Bodies that do not decode, unknown values, wrong content types
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_path_and_a_snippet() {
    let body = r#"{"data":{"id":"pl_1","name":"Nightly sa"#;
    let server = MockServer::always(
        Response::new(200)
            .body("application/json", body)
            .header("X-Request-Id", "req_trunc"),
    )
    .await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("truncated");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, 200);
            assert_eq!(decode.path, "data.name");
            assert!(decode.message.contains("truncated"), "{}", decode.message);
            assert_eq!(decode.snippet, body);
            assert_eq!(decode.content_type.as_deref(), Some("application/json"));
            assert_eq!(decode.request_id.as_deref(), Some("req_trunc"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(err.request_id(), Some("req_trunc"));
    assert!(err.to_string().contains("data.name"), "{err}");
    assert_hides_key(&err);
    assert_eq!(server.count(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let body = r#"{"data": {"id": "pl_1",, "name": "x"}}"#;
    let server = MockServer::always(Response::new(200).body("application/json", body)).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("invalid JSON");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, 200);
            assert!(decode.path.starts_with("data"), "{}", decode.path);
            assert!(!decode.message.contains("truncated"), "{}", decode.message);
            assert!(decode.message.contains("line 1"), "{}", decode.message);
            assert_eq!(decode.snippet, body);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_hides_key(&err);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_wrong_type_deep_in_a_long_body_names_the_path_and_quotes_200_characters() {
    let long_name = "x".repeat(500);
    let body = json!({"data": {"id": "pl_1", "name": long_name, "status": "active", "nodes": [
        {"id": "n1", "type": "source", "config": {}},
        {"id": 7}
    ]}})
    .to_string();
    let server = MockServer::always(Response::new(200).body("application/json", body)).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("nodes[1].id is a number");
    match &err {
        Error::Decode(decode) => {
            assert!(decode.path.starts_with("data.nodes[1]"), "{}", decode.path);
            assert_eq!(
                decode.snippet.chars().count(),
                201,
                "200 characters and '…'"
            );
            assert!(decode.snippet.ends_with('…'));
            assert!(decode.snippet.starts_with(r#"{"data":"#));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    let server = MockServer::always(Response::new(200).body("application/json", "")).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("no body");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, 200);
            assert!(decode.message.contains("empty"), "{}", decode.message);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_decode_and_round_trip() {
    let server = MockServer::always(Response::json(
        200,
        &json!({
            "data": {
                "id": "run_1",
                "pipelineId": "pl_1",
                "status": "awaiting_approval",
                "trigger": "lakehouse_event",
                "startedAt": null,
                "metrics": {"rowsRead": 10, "gpuSeconds": 3.5},
                "shard": {"region": "eu-west-3", "replicas": [1, 2]},
            },
            "meta": {"apiVersion": "2031-01-01"},
            "links": {"self": "/api/runs/run_1"},
        }),
    ))
    .await;
    let run = client(&server)
        .runs()
        .get("run_1")
        .send()
        .await
        .expect("unknown values and fields are accepted");
    assert_eq!(run.status, RunStatus::Unknown("awaiting_approval".into()));
    assert_eq!(run.status.as_str(), "awaiting_approval");
    assert_eq!(
        run.trigger,
        Some(RunTrigger::Unknown("lakehouse_event".into()))
    );
    assert!(run.started_at.is_null());
    assert_eq!(run.metrics.as_ref().and_then(|m| m.rows_read), Some(10));

    let written = serde_json::to_value(&run).expect("serializes");
    assert_eq!(written["status"], "awaiting_approval");
    assert_eq!(written["trigger"], "lakehouse_event");
    assert_eq!(written["startedAt"], Value::Null, "null stays null");
    assert!(written.get("finishedAt").is_none(), "absent stays absent");
    let again: models::Run = serde_json::from_value(written).expect("reads back");
    assert_eq!(again, run);

    let listed = MockServer::always(Response::json(
        200,
        &json!({"data": [{"id": "pl_9", "name": "n", "status": "quarantined", "owner": "x"}],
                "meta": {"total": 1, "facets": {}}}),
    ))
    .await;
    let page = client(&listed)
        .pipelines()
        .list()
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        page.items[0].status,
        PipelineSummaryStatus::Unknown("quarantined".into())
    );
    assert!(page.is_last(), "no meta.page: every pipeline is here");
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_decode_error_not_a_panic() {
    let html =
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login</body></html>";
    let server =
        MockServer::always(Response::new(200).body("text/html; charset=utf-8", html)).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("HTML is not a pipeline");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, 200);
            assert_eq!(
                decode.content_type.as_deref(),
                Some("text/html; charset=utf-8")
            );
            assert!(
                decode.message.contains("expected JSON") && decode.message.contains("text/html"),
                "{}",
                decode.message
            );
            assert!(decode.snippet.starts_with("<!DOCTYPE html>"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_hides_key(&err);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_without_a_typed_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = MockServer::always(Response::new(502).body("text/html", html)).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("502");
    assert_eq!(server.count(), 3, "502 is retried");
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), 502);
    assert!(api.typed().is_none(), "the body is not the error envelope");
    assert_eq!(api.code(), None);
    assert_eq!(api.message(), None);
    assert!(api.details().is_empty());
    assert!(api.body_text().contains("502 Bad Gateway"));
    assert_hides_key(&err);
}

// ---------------------------------------------------------------------------------------------
// Per-attempt timeout and overall deadline
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_slow_body_times_out_per_attempt() {
    let server = MockServer::always(Reply::SlowBody(
        pipeline_body("pl_1"),
        10,
        Duration::from_secs(5),
    ))
    .await;
    let client = builder(server.url())
        .timeout(ms(300))
        .retry(fast_retry().max_retries(1))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("the body never completes");
    let elapsed = started.elapsed();
    match &err {
        Error::Timeout {
            kind,
            after,
            may_have_landed,
            attempts,
        } => {
            assert_eq!(*kind, TimeoutKind::Attempt);
            assert_eq!(*after, ms(300));
            assert!(*may_have_landed);
            assert_eq!(*attempts, 2);
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(err.is_timeout());
    assert!(
        elapsed >= ms(580),
        "two attempts of 300 ms took {elapsed:?}"
    );
    assert!(elapsed < ms(2500), "took {elapsed:?}");
    assert_eq!(server.count(), 2);
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_slow_body_that_finishes_within_the_timeout_succeeds() {
    let server = MockServer::always(Reply::SlowBody(pipeline_body("pl_1"), 10, ms(300))).await;
    let client = builder(server.url())
        .timeout(Duration::from_secs(3))
        .build()
        .expect("client");
    let pipeline = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect("the body arrives in time");
    assert_eq!(pipeline.id, "pl_1");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_overall_deadline_bounds_the_call_across_retries() {
    let server = MockServer::always(Reply::Silence(Duration::from_secs(10))).await;
    let client = builder(server.url())
        .timeout(ms(300))
        .deadline(ms(1000))
        .retry(fast_retry().max_retries(10))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("nothing answers");
    let elapsed = started.elapsed();
    let attempts = match &err {
        Error::Timeout {
            kind,
            after,
            may_have_landed,
            attempts,
        } => {
            assert_eq!(*kind, TimeoutKind::Deadline);
            assert_eq!(*after, ms(1000));
            assert!(*may_have_landed);
            assert!(
                (2..=4).contains(attempts),
                "300 ms attempts in a 1 s deadline: {attempts}"
            );
            *attempts
        }
        other => panic!("expected Timeout, got {other:?}"),
    };
    assert!(elapsed >= ms(950), "stopped early: {elapsed:?}");
    assert!(
        elapsed < ms(2500),
        "the deadline did not bound the call: {elapsed:?}"
    );
    assert_eq!(server.count(), attempts as usize);
    assert!(err.to_string().contains("deadline"), "{err}");
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_deadline_shorter_than_the_attempt_timeout_is_a_deadline_timeout() {
    let server = MockServer::always(Reply::Silence(Duration::from_secs(10))).await;
    let started = Instant::now();
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .options(RequestOptions::new().deadline(ms(400)))
        .send()
        .await
        .expect_err("nothing answers");
    let elapsed = started.elapsed();
    match &err {
        Error::Timeout {
            kind,
            after,
            attempts,
            ..
        } => {
            assert_eq!(*kind, TimeoutKind::Deadline);
            assert_eq!(*after, ms(400));
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(elapsed >= ms(380) && elapsed < ms(1500), "{elapsed:?}");
    assert_eq!(server.count(), 1);
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_retry_whose_wait_would_pass_the_deadline_returns_the_last_error_at_once() {
    let server = MockServer::always(
        error_body(503, "internal_error", "maintenance", "req_maint").header("Retry-After", "10"),
    )
    .await;
    let started = Instant::now();
    let err = builder(server.url())
        .deadline(Duration::from_secs(3))
        .build()
        .expect("client")
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("503");
    // Neither the 10 s wait nor the 3 s deadline was slept through.
    assert!(
        started.elapsed() < ms(1500),
        "slept: {:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, Error::Api(_)),
        "the 503 itself, not a timeout: {err:?}"
    );
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(10)));
    assert_eq!(err.message(), Some("maintenance"));
    assert_hides_key(&err);
    tokio::time::sleep(ms(50)).await;
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_plain_http_is_refused_and_never_followed() {
    let server = MockServer::always(
        Response::new(302).header("Location", "http://api.planasonix.com/api/admin?token=abc"),
    )
    .await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("refused");
    match &err {
        Error::InsecureRedirect { location, reason } => {
            assert_eq!(*reason, RedirectRefusal::Insecure);
            assert_eq!(location, "http://api.planasonix.com/api/admin");
        }
        other => panic!("expected InsecureRedirect, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_hides_key(&err);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_before_reaching_it() {
    let elsewhere = MockServer::always(pipeline_body("pl_1")).await;
    let target = format!("{}/api/pipelines/pl_1", elsewhere.url());
    let server = MockServer::always(Response::new(307).header("Location", target.clone())).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("refused");
    match &err {
        Error::InsecureRedirect { location, reason } => {
            assert_eq!(*reason, RedirectRefusal::CrossOrigin);
            assert_eq!(location, &target);
        }
        other => panic!("expected InsecureRedirect, got {other:?}"),
    }
    assert_eq!(server.count(), 1);
    assert_eq!(elsewhere.connections(), 0, "the other origin was contacted");
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_credentials() {
    let server = MockServer::start(|index, _| match index {
        0 => Response::new(307)
            .header("Location", "/api/pipelines/pl_2")
            .into(),
        _ => pipeline_body("pl_2").into(),
    })
    .await;
    let pipeline = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect("followed");
    assert_eq!(pipeline.id, "pl_2");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path(), "/api/pipelines/pl_2");
    let bearer = format!("Bearer {KEY}");
    assert_eq!(requests[1].header("authorization"), Some(bearer.as_str()));
}

#[tokio::test]
async fn a_redirect_loop_on_the_same_origin_stops_after_ten_hops() {
    let server =
        MockServer::always(Response::new(307).header("Location", "/api/pipelines/pl_1")).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("a loop");
    match &err {
        Error::InsecureRedirect { reason, .. } => assert_eq!(*reason, RedirectRefusal::TooMany),
        other => panic!("expected InsecureRedirect, got {other:?}"),
    }
    assert_eq!(server.count(), 11, "the request and ten redirects");
}

#[tokio::test]
async fn a_307_on_a_run_resends_the_body_and_the_key_to_the_same_origin() {
    let server = MockServer::start(|index, _| match index {
        0 => Response::new(307)
            .header("Location", "/api/pipelines/pl_1/run?shard=2")
            .into(),
        _ => run_body(202, "run_9", "queued").into(),
    })
    .await;
    let run = client(&server)
        .pipelines()
        .run("pl_1")
        .idempotency_key("key-307")
        .environment_id("env_small")
        .send()
        .await
        .expect("followed");
    assert_eq!(run.id, "run_9");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].target, "/api/pipelines/pl_1/run?shard=2");
    assert_eq!(requests[1].header("idempotency-key"), Some("key-307"));
    assert_eq!(requests[1].json(), json!({"environmentId": "env_small"}));
}

// ---------------------------------------------------------------------------------------------
// API errors: 401, 403, 404, 409
// ---------------------------------------------------------------------------------------------

/// Checks the envelope fields every API error of these tests carries.
fn assert_envelope<E: Debug>(
    err: &Error<E>,
    status: u16,
    code: ErrorCode,
    message: &str,
    request_id: &str,
) {
    let api = match err {
        Error::Api(api) => api,
        other => panic!("expected Api, got {other:?}"),
    };
    assert_eq!(api.status(), status);
    assert_eq!(api.code(), Some(code.as_str()));
    assert_eq!(api.error_code(), Some(code));
    assert_eq!(api.message(), Some(message));
    assert_eq!(api.details(), &[json!({"field": "id", "issue": "unknown"})]);
    assert_eq!(api.request_id(), Some(request_id));
    assert_eq!(api.attempts, 1);
    assert_eq!(err.status(), Some(status));
    assert_eq!(err.request_id(), Some(request_id));
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(shown.contains(&status.to_string()), "{shown}");
    assert!(shown.contains(message), "{shown}");
    assert!(shown.contains(request_id), "{shown}");
    assert_hides_key(err);
}

async fn get_pipeline_failing_with(response: Response) -> (Error<GetPipelineError>, usize) {
    let server = MockServer::always(response).await;
    let err = client(&server)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("an error status");
    (err, server.count())
}

#[tokio::test]
async fn a_401_is_an_api_error_with_the_envelope_and_the_typed_variant() {
    let (err, count) = get_pipeline_failing_with(error_body(
        401,
        "unauthorized",
        "the API key was revoked",
        "req_401",
    ))
    .await;
    assert_eq!(count, 1);
    assert_envelope(
        &err,
        401,
        ErrorCode::Unauthorized,
        "the API key was revoked",
        "req_401",
    );
    match err.typed() {
        Some(GetPipelineError::Unauthorized(body)) => {
            assert_eq!(body.error.code, ErrorCode::Unauthorized);
            assert_eq!(body.error.request_id.as_deref(), Some("req_401"));
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
}

#[tokio::test]
async fn a_403_is_an_api_error_with_the_envelope_and_the_typed_variant() {
    let (err, count) =
        get_pipeline_failing_with(error_body(403, "forbidden", "missing scope", "req_403")).await;
    assert_eq!(count, 1);
    assert_envelope(&err, 403, ErrorCode::Forbidden, "missing scope", "req_403");
    match err.typed() {
        Some(GetPipelineError::Forbidden(body)) => {
            assert_eq!(body.error.message, "missing scope");
            let details = body.error.details.as_ref().expect("typed details");
            assert_eq!(details[0].field, "id");
            assert_eq!(details[0].issue, "unknown");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

#[tokio::test]
async fn a_404_is_an_api_error_with_the_envelope_and_the_typed_variant() {
    let (err, count) =
        get_pipeline_failing_with(error_body(404, "not_found", "no such pipeline", "req_404"))
            .await;
    assert_eq!(count, 1);
    assert_envelope(
        &err,
        404,
        ErrorCode::NotFound,
        "no such pipeline",
        "req_404",
    );
    assert!(
        matches!(err.typed(), Some(GetPipelineError::NotFound(body)) if body.error.code == ErrorCode::NotFound),
        "{:?}",
        err.typed()
    );
}

#[tokio::test]
async fn a_409_is_an_api_error_with_the_envelope_and_the_typed_variant() {
    let server = MockServer::always(error_body(
        409,
        "conflict",
        "the run already finished",
        "req_409",
    ))
    .await;
    let err = client(&server)
        .runs()
        .cancel("run_1")
        .send()
        .await
        .expect_err("409");
    assert_eq!(server.count(), 1);
    assert_eq!(server.requests()[0].method, "DELETE");
    assert_envelope(
        &err,
        409,
        ErrorCode::Conflict,
        "the run already finished",
        "req_409",
    );
    assert!(
        matches!(err.typed(), Some(CancelRunError::Conflict(_))),
        "{:?}",
        err.typed()
    );
}

#[tokio::test]
async fn an_unknown_error_code_stays_typed_and_the_header_request_id_wins() {
    let (err, _) = get_pipeline_failing_with(
        error_body(403, "scope_missing", "needs pipelines:read", "req_body")
            .header("X-Request-Id", "req_header"),
    )
    .await;
    let api = err.api().expect("an API error");
    assert_eq!(
        api.error_code(),
        Some(ErrorCode::Unknown("scope_missing".into()))
    );
    assert_eq!(api.request_id(), Some("req_header"));
    match err.typed() {
        Some(GetPipelineError::Forbidden(body)) => {
            assert_eq!(body.error.code.as_str(), "scope_missing");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency keys, and requests that must not be repeated
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_retried_run_sends_one_generated_idempotency_key_on_every_attempt() {
    let server = MockServer::sequence(vec![
        unavailable(),
        Reply::Reset,
        run_body(202, "run_9", "queued").into(),
    ])
    .await;
    let client = client(&server);
    let run = client
        .pipelines()
        .run("pl_1")
        .environment_id("env_small")
        .send()
        .await
        .expect("the third attempt is accepted");
    assert_eq!(run.id, "run_9");
    assert_eq!(run.status, RunStatus::Queued);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let key = requests[0]
        .header("idempotency-key")
        .expect("a generated key")
        .to_owned();
    let uuid = uuid::Uuid::parse_str(&key).expect("a UUID");
    assert_eq!(uuid.get_version_num(), 4);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path(), "/api/pipelines/pl_1/run");
        assert_eq!(request.header("idempotency-key"), Some(key.as_str()));
        assert_eq!(request.json(), json!({"environmentId": "env_small"}));
    }

    // A new call is a new logical request: a new key.
    let _ = client.pipelines().run("pl_1").send().await;
    let fresh = server.requests()[3]
        .header("idempotency-key")
        .expect("a key")
        .to_owned();
    assert_ne!(fresh, key);
}

#[tokio::test]
async fn a_caller_supplied_idempotency_key_is_used_verbatim_on_every_attempt() {
    let server = MockServer::sequence(vec![
        unavailable(),
        Reply::Reset,
        run_body(202, "run_9", "queued").into(),
    ])
    .await;
    client(&server)
        .pipelines()
        .run("pl_1")
        .idempotency_key("order-42/run #1")
        .send()
        .await
        .expect("accepted");
    let keys: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(keys, vec![Some("order-42/run #1".to_owned()); 3]);
}

#[tokio::test]
async fn a_key_in_the_options_makes_a_post_without_a_declared_header_retryable() {
    let server = MockServer::always(unavailable()).await;
    let err = client(&server)
        .streams()
        .stop("str_1")
        .options(RequestOptions::new().idempotency_key("stop-str_1"))
        .send()
        .await
        .expect_err("503s");
    assert_eq!(server.count(), 3, "retried like a GET");
    for request in server.requests() {
        assert_eq!(request.header("idempotency-key"), Some("stop-str_1"));
    }
    assert_eq!(err.api().map(|a| a.attempts), Some(3));
}

#[tokio::test]
async fn a_patch_without_an_idempotency_key_is_not_retried_after_a_503() {
    let server = MockServer::always(unavailable()).await;
    let err = client(&server)
        .pipelines()
        .update_status(
            "pl_1",
            UpdatePipelineStatusRequest::new(UpdatePipelineStatusRequestStatus::Paused),
        )
        .send()
        .await
        .expect_err("503");
    tokio::time::sleep(ms(100)).await;
    assert_eq!(server.count(), 1, "a PATCH without a key is sent once");
    let request = &server.requests()[0];
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.header("idempotency-key"), None);
    assert_eq!(request.json(), json!({"status": "paused"}));
    assert!(err.may_have_landed());
    assert_eq!(err.api().map(|a| a.attempts), Some(1));
    assert!(matches!(
        err.typed(),
        Some(UpdatePipelineStatusError::ServerError(_))
    ));
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_post_without_a_key_is_not_retried_after_a_reset() {
    let server = MockServer::always(Reply::Reset).await;
    let err = client(&server)
        .streams()
        .stop("str_1")
        .send()
        .await
        .expect_err("reset");
    tokio::time::sleep(ms(100)).await;
    assert_eq!(server.count(), 1, "sent once");
    assert_eq!(server.requests()[0].method, "POST");
    match &err {
        Error::Transport {
            may_have_landed,
            attempts,
            ..
        } => {
            assert!(*may_have_landed);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(err.may_have_landed());
    assert_hides_key(&err);
}

#[tokio::test]
async fn a_post_without_a_key_that_times_out_is_not_retried() {
    let server = MockServer::always(Reply::Silence(Duration::from_secs(5))).await;
    let err = builder(server.url())
        .timeout(ms(300))
        .build()
        .expect("client")
        .streams()
        .stop("str_1")
        .send()
        .await
        .expect_err("timeout");
    match &err {
        Error::Timeout {
            kind,
            may_have_landed,
            attempts,
            ..
        } => {
            assert_eq!(*kind, TimeoutKind::Attempt);
            assert!(*may_have_landed);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_hides_key(&err);
    tokio::time::sleep(ms(100)).await;
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_post_without_a_key_is_retried_when_the_connection_was_refused() {
    let url = refused_url().await;
    let err = builder(&url)
        .build()
        .expect("client")
        .streams()
        .stop("str_1")
        .send()
        .await
        .expect_err("nothing listens");
    match &err {
        Error::Transport {
            source,
            may_have_landed,
            attempts,
        } => {
            assert!(source.is_connect(), "{source:?}");
            assert!(!*may_have_landed, "nothing was sent");
            assert_eq!(*attempts, 3, "safe to retry: nothing was sent");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(!err.may_have_landed());
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert_hides_key(&err);
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

/// A base64-like cursor: `+`, `/` and `=` must survive the query string.
const CURSOR_2: &str = "eyJpZCI6InJ1bl8wMiJ9+/=";
const CURSOR_3: &str = "c3&limit=999";

/// `GET /api/runs` over three pages, chosen by the `cursor` query parameter.
async fn runs_server() -> MockServer {
    MockServer::start(|_, request| {
        if request.path() != "/api/runs" {
            return Response::new(404).into();
        }
        let page = |ids: &[&str], cursor: Value| {
            let data: Vec<Value> = ids.iter().map(|id| run_json(id, "succeeded")).collect();
            Response::json(200, &json!({"data": data, "meta": {"cursor": cursor}})).into()
        };
        match request.query("cursor").as_deref() {
            None => page(&["run_1", "run_2"], json!(CURSOR_2)),
            Some(CURSOR_2) => page(&["run_3", "run_4"], json!(CURSOR_3)),
            Some(CURSOR_3) => page(&["run_5"], Value::Null),
            Some(_) => error_body(400, "invalid_request", "bad cursor", "req_cur").into(),
        }
    })
    .await
}

fn ids(runs: &[models::Run]) -> Vec<&str> {
    runs.iter().map(|r| r.id.as_str()).collect()
}

#[tokio::test]
async fn a_paginator_follows_three_pages_to_a_null_cursor() {
    let server = runs_server().await;
    let runs: Vec<models::Run> = client(&server)
        .runs()
        .list()
        .pipeline_id("pl_1")
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(
        ids(&runs),
        ["run_1", "run_2", "run_3", "run_4", "run_5"],
        "every item, in order"
    );
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "one request per page, none after the null cursor"
    );
    let cursors: Vec<Option<String>> = requests.iter().map(|r| r.query("cursor")).collect();
    assert_eq!(
        cursors,
        [None, Some(CURSOR_2.to_owned()), Some(CURSOR_3.to_owned())]
    );
    for request in &requests {
        assert_eq!(
            request.query("limit").as_deref(),
            Some("2"),
            "{}",
            request.target
        );
        assert_eq!(request.query("pipelineId").as_deref(), Some("pl_1"));
        let cursor_params = request
            .query_pairs()
            .iter()
            .filter(|(k, _)| k == "cursor")
            .count();
        assert!(
            cursor_params <= 1,
            "one cursor parameter: {}",
            request.target
        );
    }
}

#[tokio::test]
async fn pipelines_paginate_on_meta_page_cursor() {
    let server = MockServer::start(|_, request| {
        let (ids, cursor) = match request.query("cursor").as_deref() {
            None => (vec!["pl_1", "pl_2"], json!("p2")),
            Some("p2") => (vec!["pl_3"], Value::Null),
            Some(_) => return Response::new(400).into(),
        };
        let data: Vec<Value> = ids.iter().map(|id| pipeline_json(id)).collect();
        Response::json(
            200,
            &json!({"data": data, "meta": {"total": 3, "page": {"limit": 2, "cursor": cursor}}}),
        )
        .into()
    })
    .await;
    let pipelines: Vec<models::PipelineSummary> = client(&server)
        .pipelines()
        .list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("two pages");
    let ids: Vec<&str> = pipelines.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pl_1", "pl_2", "pl_3"]);
    assert_eq!(server.count(), 2);
    assert_eq!(server.requests()[1].query("cursor").as_deref(), Some("p2"));
}

#[tokio::test]
async fn a_paginator_resumes_from_a_saved_token() {
    let server = runs_server().await;
    let client = client(&server);
    let first = client.runs().list().limit(2).send().await.expect("page 1");
    assert_eq!(ids(&first.items), ["run_1", "run_2"]);
    let token = first.next.clone().expect("a next page");
    assert_eq!(token, PageToken::Cursor(CURSOR_2.to_owned()));

    // Stored, and read back by a later job.
    let saved = serde_json::to_string(&token).expect("serializes");
    let restored: PageToken = serde_json::from_str(&saved).expect("deserializes");

    let mut pages = client.runs().list().limit(2).start_from(restored).pages();
    let second = pages.next().await.expect("a page").expect("page 2");
    assert_eq!(ids(&second.items), ["run_3", "run_4"]);
    assert_eq!(
        pages.next_token(),
        Some(&PageToken::Cursor(CURSOR_3.to_owned()))
    );
    let third = pages.next().await.expect("a page").expect("page 3");
    assert_eq!(ids(&third.items), ["run_5"]);
    assert!(pages.next().await.is_none());

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "page 1 once, then pages 2 and 3");
    assert_eq!(requests[1].query("cursor").as_deref(), Some(CURSOR_2));
    assert_eq!(requests[2].query("cursor").as_deref(), Some(CURSOR_3));
}

#[tokio::test]
async fn a_paginator_stops_with_an_error_when_the_cursor_repeats() {
    let server = MockServer::always(Response::json(
        200,
        &json!({"data": [run_json("run_1", "queued")], "meta": {"cursor": "same"}}),
    ))
    .await;
    let mut items = client(&server).runs().list().items();
    let mut ok = 0;
    let mut errors = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(_) => ok += 1,
            Err(e) => errors.push(e),
        }
        assert!(ok + errors.len() < 10, "the stream does not stop");
    }
    // Page 2 (the first request with `same`, answering `same` again) is delivered, then the
    // repeated cursor is reported as the error.
    assert_eq!(ok, 2, "the items of pages 1 and 2");
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], Error::Decode(_)), "{:?}", errors[0]);
    assert_hides_key(&errors[0]);
    assert_eq!(server.count(), 2, "no request after the repeated cursor");
}

#[tokio::test]
async fn a_paginator_ends_after_an_error_and_max_items_cuts_it_short() {
    let server = MockServer::start(|_, request| match request.query("cursor").as_deref() {
        None => Response::json(
            200,
            &json!({"data": [run_json("run_1", "queued"), run_json("run_2", "queued")],
                    "meta": {"cursor": CURSOR_2}}),
        )
        .into(),
        _ => unavailable(),
    })
    .await;
    let client = builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let mut items = client.runs().list().items();
    assert_eq!(
        items.next().await.expect("item").expect("run_1").id,
        "run_1"
    );
    assert_eq!(
        items.next().await.expect("item").expect("run_2").id,
        "run_2"
    );
    let err = items.next().await.expect("an error").expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert!(
        items.next().await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(server.count(), 2);

    let first_only: Vec<models::Run> = client
        .runs()
        .list()
        .pages()
        .max_items(1)
        .items()
        .try_collect()
        .await
        .expect("one item");
    assert_eq!(ids(&first_only), ["run_1"]);
    assert_eq!(server.count(), 3, "page 2 is never requested");
}

/// A job that stores `next_token()` to resume must be able to resume after a page failed.
#[tokio::test]
async fn after_a_failed_page_the_stream_still_knows_where_to_resume() {
    let server = MockServer::start(|_, request| match request.query("cursor").as_deref() {
        None => Response::json(
            200,
            &json!({"data": [run_json("run_1", "queued")], "meta": {"cursor": CURSOR_2}}),
        )
        .into(),
        _ => unavailable(),
    })
    .await;
    let client = builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let mut pages = client.runs().list().pages();
    pages.next().await.expect("page 1").expect("ok");
    assert_eq!(
        pages.next_token(),
        Some(&PageToken::Cursor(CURSOR_2.to_owned()))
    );
    pages.next().await.expect("page 2").expect_err("503");
    assert_eq!(
        pages.next_token(),
        Some(&PageToken::Cursor(CURSOR_2.to_owned())),
        "the failed page is where a job resumes; None reads as 'finished'"
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets and path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_api_key_is_sent_but_never_shown() {
    // The key does reach the server (so its absence below means something).
    let server = MockServer::always(error_body(401, "unauthorized", "nope", "req_key")).await;
    let client = builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("401");
    let bearer = format!("Bearer {KEY}");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(bearer.as_str())
    );
    assert_hides_key(&err);

    assert_no_key("Client Debug", &format!("{client:?}"));
    assert_no_key(
        "ClientBuilder Debug",
        &format!("{:?}", builder(server.url())),
    );
    let secret_options = RequestOptions::new()
        .header("X-Extra-Token", KEY)
        .idempotency_key("k1");
    assert_no_key("RequestOptions Debug", &format!("{secret_options:?}"));
    let get = client
        .pipelines()
        .get("pl_1")
        .options(secret_options.clone());
    assert_no_key("GetPipeline Debug", &format!("{get:?}"));
    assert_no_key("GetPipeline pretty Debug", &format!("{get:#?}"));
    let run = client.pipelines().run("pl_1").idempotency_key("k2");
    assert_no_key("RunPipeline Debug", &format!("{run:?}"));
    assert_no_key("Pipelines Debug", &format!("{:?}", client.pipelines()));
    assert_no_key(
        "ItemStream Debug",
        &format!("{:?}", client.runs().list().items()),
    );

    // The other schemes the spec declares, and the query scheme a user may choose: the key is in
    // the URL there, which reqwest's errors would print.
    for scheme in [
        AuthScheme::ApiKeyHeader("X-Planasonix-Api-Key"),
        AuthScheme::ApiKeyQuery("api_key"),
    ] {
        let reset = MockServer::always(Reply::Reset).await;
        let client = builder(reset.url())
            .auth_scheme(scheme)
            .retry(RetryPolicy::none())
            .build()
            .expect("client");
        assert_no_key("Client Debug", &format!("{client:?}"));
        let err = client
            .pipelines()
            .get("pl_1")
            .send()
            .await
            .expect_err("reset");
        assert!(
            reset.requests()[0].as_text().contains(KEY),
            "{scheme:?}: the key was not sent"
        );
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert_hides_key(&err);
    }
}

#[tokio::test]
async fn errors_of_every_kind_hide_the_key() {
    let query_key = |url: &str| {
        builder(url)
            .auth_scheme(AuthScheme::ApiKeyQuery("api_key"))
            .retry(RetryPolicy::none())
            .timeout(ms(200))
            .build()
            .expect("client")
    };
    let replies = [
        Reply::Silence(Duration::from_secs(2)),
        Reply::CutBody(pipeline_body("pl_1"), 5),
        Response::new(200).body("text/html", "<html/>").into(),
        Response::new(302)
            .header("Location", "http://planasonix.example/x")
            .into(),
        error_body(429, "rate_limited", "later", "r")
            .header("Retry-After", "999")
            .into(),
        error_body(500, "internal_error", "boom", "r").into(),
    ];
    for reply in replies {
        let server = MockServer::always(reply.clone()).await;
        let client = query_key(server.url());
        let err = client
            .pipelines()
            .get("pl_1")
            .options(RequestOptions::new().retry(fast_retry()))
            .send()
            .await
            .expect_err("fails");
        assert_hides_key(&err);
        let err = client
            .pipelines()
            .list()
            .items()
            .next()
            .await
            .expect("an item")
            .expect_err("fails");
        assert_hides_key(&err);
    }
    let refused = query_key(&refused_url().await);
    let err = refused
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("refused");
    assert_hides_key(&err);
    let err = refused
        .pipelines()
        .get("..")
        .send()
        .await
        .expect_err("invalid");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_hides_key(&err);
}

#[test]
fn a_base_url_that_does_not_parse_is_not_echoed_with_its_credentials() {
    let url = format!("https://ops:{KEY}@api.planasonix.com:99999/");
    let err = Client::builder()
        .base_url(&url)
        .expect_err("the port is out of range");
    assert_no_key("BuildError Display", &err.to_string());
    assert_no_key("BuildError Debug", &format!("{err:?}"));
}

#[test]
fn a_base_url_with_credentials_is_refused_without_echoing_them() {
    let url = format!("https://ops:{KEY}@api.planasonix.com/");
    let err = Client::builder()
        .base_url(&url)
        .expect_err("user info is refused");
    assert_no_key("BuildError Display", &err.to_string());
    assert_no_key("BuildError Debug", &format!("{err:?}"));
}

#[tokio::test]
async fn a_header_value_with_a_line_break_is_refused_before_sending() {
    let server = MockServer::always(run_body(202, "run_1", "queued")).await;
    let client = client(&server);
    let err = client
        .pipelines()
        .run("pl_1")
        .idempotency_key("k1\r\nX-Injected: yes")
        .send()
        .await
        .expect_err("a line break cannot go in a header");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(!err.may_have_landed());
    let err = client
        .pipelines()
        .get("pl_1")
        .options(RequestOptions::new().header("X-Trace", "a\nb"))
        .send()
        .await
        .expect_err("a line break cannot go in a header");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_path_parameter_stays_inside_its_segment() {
    let server = MockServer::always(pipeline_body("pl_1")).await;
    let client = client(&server);
    for (id, path) in [
        ("../admin", "/api/pipelines/..%2Fadmin"),
        ("a/b?c=d#e", "/api/pipelines/a%2Fb%3Fc%3Dd%23e"),
        ("..\\admin", "/api/pipelines/..%5Cadmin"),
        ("%2e%2e", "/api/pipelines/%252e%252e"),
    ] {
        client
            .pipelines()
            .get(id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let seen = server.requests().last().expect("a request").target.clone();
        assert_eq!(seen, path, "{id}");
    }
    client
        .runs()
        .get_logs("../../admin")
        .node_id("a&b=c")
        .send()
        .await
        .expect("logs are text");
    let logs = server.requests().last().expect("a request").clone();
    assert_eq!(logs.path(), "/api/runs/..%2F..%2Fadmin/logs");
    assert_eq!(logs.query("nodeId").as_deref(), Some("a&b=c"));
    assert_eq!(logs.query("b"), None, "no parameter smuggled in");

    let before = server.count();
    for id in ["..", ".", ""] {
        let err = client
            .pipelines()
            .get(id)
            .send()
            .await
            .expect_err("refused before sending");
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
        assert!(!err.may_have_landed());
    }
    assert_eq!(server.count(), before, "nothing was sent");
}

// ---------------------------------------------------------------------------------------------
// Rate-limit headers
// ---------------------------------------------------------------------------------------------

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[tokio::test]
async fn rate_limit_headers_are_parsed_on_success_and_on_errors() {
    let server = MockServer::sequence(vec![
        pipeline_body("pl_1")
            .header("X-RateLimit-Limit", "1200")
            .header("X-RateLimit-Remaining", "1190")
            .header("X-RateLimit-Reset", "1712345678")
            .header("X-Request-Id", "req_ok")
            .into(),
        error_body(429, "rate_limited", "slow down", "req_rl")
            .header("X-RateLimit-Limit", "1200")
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", "30")
            .header("Retry-After", "30")
            .into(),
        pipeline_body("pl_1")
            .header("RateLimit-Limit", "100")
            .header("RateLimit-Remaining", "99")
            .header("RateLimit-Reset", "5")
            .into(),
    ])
    .await;
    let client = builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");

    let ok = client
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("200");
    let rate = ok.rate_limit();
    assert_eq!(rate.limit, Some(1200));
    assert_eq!(rate.remaining, Some(1190));
    assert_eq!(rate.reset, Some(1_712_345_678));
    assert!(!rate.is_exhausted());
    assert_eq!(ok.request_id(), Some("req_ok"));

    let err = client
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .expect_err("429");
    let rate = err.rate_limit().expect("an API error has a rate limit");
    assert_eq!(rate.limit, Some(1200));
    assert_eq!(rate.remaining, Some(0));
    assert!(rate.is_exhausted());
    let reset = rate.reset.expect("a reset");
    let expected = now_secs() + 30;
    assert!(
        reset.abs_diff(expected) <= 2,
        "a reset of 30 is read as 30 s from now: {reset} vs {expected}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(matches!(
        err.typed(),
        Some(GetPipelineError::TooManyRequests(_))
    ));

    let draft = client
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .expect("200");
    assert_eq!(draft.rate_limit().limit, Some(100));
    assert_eq!(draft.rate_limit().remaining, Some(99));
    assert_eq!(server.count(), 3);
}

// ---------------------------------------------------------------------------------------------
// Waiters
// ---------------------------------------------------------------------------------------------

fn quick_wait() -> WaitConfig {
    WaitConfig::new()
        .initial_interval(ms(40))
        .max_interval(ms(80))
        .deadline(Duration::from_secs(5))
}

#[tokio::test]
async fn waiting_for_a_run_polls_until_it_succeeds() {
    let server = MockServer::sequence(vec![
        run_body(200, "run_1", "queued").into(),
        run_body(200, "run_1", "running").into(),
        unavailable(),
        run_body(200, "run_1", "running").into(),
        run_body(200, "run_1", "succeeded").into(),
    ])
    .await;
    let started = Instant::now();
    let run = client(&server)
        .runs()
        .wait_until_run_finished("run_1", quick_wait())
        .await
        .expect("succeeded");
    assert_eq!(run.status, RunStatus::Succeeded);
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "four polls, one of them retried once");
    for request in &requests {
        assert_eq!(request.path(), "/api/runs/run_1");
    }
    // Polls are spaced by the interval (the retry inside one poll is not).
    assert!(elapsed_between(&requests[0], &requests[1]) >= ms(30));
    assert!(elapsed_between(&requests[1], &requests[2]) >= ms(30));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn waiting_for_a_run_returns_the_failure_variant_with_the_run() {
    let server = MockServer::sequence(vec![
        run_body(200, "run_1", "running").into(),
        Response::json(
            200,
            &json!({"data": {"id": "run_1", "pipelineId": "pl_1", "status": "failed",
                             "error": {"message": "node n3 failed", "nodeId": "n3"}}}),
        )
        .into(),
        run_body(200, "run_1", "succeeded").into(),
    ])
    .await;
    let err = client(&server)
        .runs()
        .wait_until_run_finished("run_1", quick_wait())
        .await
        .expect_err("failed");
    match &err {
        WaitError::Failed(run) => {
            assert_eq!(run.status, RunStatus::Failed);
            let error = run.error.as_ref().expect("the run's error");
            assert_eq!(error.message, "node n3 failed");
            assert_eq!(error.node_id.as_deref(), Some("n3"));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(server.count(), 2, "no poll after the failure");
    assert_no_key("WaitError Debug", &format!("{err:?}"));
}

#[tokio::test]
async fn waiting_for_a_run_reports_a_poll_error_and_a_passed_deadline() {
    let missing = MockServer::always(error_body(404, "not_found", "no run", "req_w")).await;
    let err = client(&missing)
        .runs()
        .wait_until_run_finished("run_x", quick_wait())
        .await
        .expect_err("404");
    match &err {
        WaitError::Poll(poll) => {
            assert!(
                matches!(poll.typed(), Some(GetRunError::NotFound(_))),
                "{poll:?}"
            );
            assert_hides_key(poll);
        }
        other => panic!("expected Poll, got {other:?}"),
    }
    assert_eq!(missing.count(), 1);

    let stuck = MockServer::always(run_body(200, "run_1", "running")).await;
    let started = Instant::now();
    let err = client(&stuck)
        .runs()
        .wait_until_run_finished("run_1", quick_wait().deadline(ms(300)))
        .await
        .expect_err("never finishes");
    let elapsed = started.elapsed();
    match &err {
        WaitError::DeadlineExceeded { last } => {
            let last = last.as_ref().expect("the last poll");
            assert_eq!(last.status, RunStatus::Running);
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert!(elapsed >= ms(280) && elapsed < ms(1500), "{elapsed:?}");
    assert!(stuck.count() >= 3, "polled {} times", stuck.count());
}

/// "How long to wait in all": a poll that hangs must not stretch the wait past its deadline.
#[tokio::test]
async fn a_hanging_poll_does_not_stretch_the_wait_past_its_deadline() {
    let server = MockServer::always(Reply::Silence(Duration::from_secs(10))).await;
    let client = builder(server.url())
        .timeout(Duration::from_secs(1))
        .retry(fast_retry().max_retries(1))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .runs()
        .wait_until_run_finished("run_1", quick_wait().deadline(ms(300)))
        .await
        .expect_err("nothing answers");
    let elapsed = started.elapsed();
    assert!(
        matches!(err, WaitError::DeadlineExceeded { last: None }),
        "{err:?}"
    );
    assert!(elapsed < ms(1000), "a 300 ms wait took {elapsed:?}");
}

/// A 409 on `run` (the pipeline is in the trash) is final, although the request carries an
/// idempotency key that would allow retrying it.
#[tokio::test]
async fn a_run_refused_with_409_is_not_retried_and_is_typed_conflict() {
    let server = MockServer::always(error_body(
        409,
        "conflict",
        "the pipeline is in the trash",
        "req_trash",
    ))
    .await;
    let err = client(&server)
        .pipelines()
        .run("pl_1")
        .send()
        .await
        .expect_err("409");
    assert_eq!(
        server.count(),
        1,
        "409 is final, even with an idempotency key"
    );
    assert!(matches!(err.typed(), Some(RunPipelineError::Conflict(_))));
    assert_hides_key(&err);
    assert_eq!(
        err.api().and_then(|a| a.error_code()),
        Some(ErrorCode::Conflict)
    );
}
