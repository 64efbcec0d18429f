//! Waiters: polling until a terminal status, with backoff and a deadline.

mod common;

use std::time::{Duration, Instant};

use common::client_for;
use runtime_tests::runtime::{WaitConfig, WaitError};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn run(status: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "run_1", "status": status}}))
}

fn fast() -> WaitConfig {
    WaitConfig::new()
        .initial_interval(Duration::from_millis(10))
        .multiplier(2.0)
        .max_interval(Duration::from_millis(40))
        .deadline(Duration::from_secs(5))
}

async fn statuses(sequence: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for status in sequence {
        Mock::given(path("/api/runs/run_1"))
            .respond_with(run(status))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn the_waiter_returns_on_a_success_status() {
    let server = statuses(&["queued", "running", "running", "succeeded"]).await;
    let client = client_for(&server.uri());
    let run = client
        .pipelines()
        .wait_until_run_finished("run_1", fast())
        .await
        .unwrap();
    assert_eq!(run.status, "succeeded");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn the_waiter_stops_on_a_failure_status() {
    let server = statuses(&["queued", "failed"]).await;
    let client = client_for(&server.uri());
    let err = client
        .pipelines()
        .wait_until_run_finished("run_1", fast())
        .await
        .unwrap_err();
    match &err {
        WaitError::Failed(run) => assert_eq!(run.status, "failed"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(err.to_string().contains("failure status"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_waiter_gives_up_at_the_deadline_with_the_last_value() {
    let server = MockServer::start().await;
    Mock::given(path("/api/runs/run_1"))
        .respond_with(run("running"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let err = client
        .pipelines()
        .wait_until_run_finished("run_1", fast().deadline(Duration::from_millis(200)))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        WaitError::DeadlineExceeded { last } => {
            assert_eq!(last.as_ref().unwrap().status, "running");
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert!(
        elapsed >= Duration::from_millis(190) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    // Backoff: 10, 20, 40, 40… ms between polls, so a handful of polls, not hundreds.
    let polls = server.received_requests().await.unwrap().len();
    assert!((2..=12).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn a_failing_poll_ends_the_wait() {
    let server = MockServer::start().await;
    Mock::given(path("/api/runs/run_1"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "not_found", "message": "no run"}})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client
        .pipelines()
        .wait_until_run_finished("run_1", fast())
        .await
        .unwrap_err();
    match err {
        WaitError::Poll(e) => assert_eq!(e.code(), Some("not_found")),
        other => panic!("expected Poll, got {other:?}"),
    }
}
