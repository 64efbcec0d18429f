//! Rate limits: headers on every response and error, and the opt-in proactive limiter.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{builder_for, client_for, pipeline_body};
use runtime_tests::runtime::{Error, RateLimit};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn rate_limit_headers_are_parsed_on_responses_and_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/api/pipelines/ok"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Limit", "1200")
                .insert_header("X-RateLimit-Remaining", "1190")
                .insert_header("X-RateLimit-Reset", "1712345678")
                .set_body_json(pipeline_body("ok")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/pipelines/gone"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-ratelimit-limit", "1200")
                .insert_header("x-ratelimit-remaining", "1189")
                .insert_header("x-ratelimit-reset", "30"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let response = client
        .pipelines()
        .get("ok")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(
        *response.rate_limit(),
        RateLimit {
            limit: Some(1200),
            remaining: Some(1190),
            reset: Some(1712345678),
        }
    );
    assert!(!response.rate_limit().is_exhausted());

    let err = client.pipelines().get("gone").send().await.unwrap_err();
    let rate_limit = err.rate_limit().unwrap();
    assert_eq!(rate_limit.limit, Some(1200));
    assert_eq!(rate_limit.remaining, Some(1189));
    // A small reset is "seconds from now", converted to a Unix time.
    let reset = rate_limit.reset.unwrap();
    assert!(
        reset >= now_secs() + 29 && reset <= now_secs() + 31,
        "{reset}"
    );
    let left = rate_limit.reset_in().unwrap();
    assert!(
        left > Duration::from_secs(28) && left <= Duration::from_secs(31),
        "{left:?}"
    );
}

#[test]
fn missing_or_garbled_headers_give_none() {
    let mut headers = reqwest::header::HeaderMap::new();
    assert!(!RateLimit::from_headers(&headers).is_present());
    headers.insert("x-ratelimit-limit", "lots".parse().unwrap());
    headers.insert("ratelimit-remaining", "7, 100;w=60".parse().unwrap());
    let rate_limit = RateLimit::from_headers(&headers);
    assert_eq!(rate_limit.limit, None);
    assert_eq!(rate_limit.remaining, Some(7));
}

async fn exhausted_window(reset: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Limit", "10")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
                .set_body_json(pipeline_body("pl_1")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Remaining", "9")
                .set_body_json(pipeline_body("pl_1")),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_proactive_limiter_waits_for_the_reset_across_clones() {
    let server = exhausted_window(now_secs() + 2).await;
    let client = builder_for(&server.uri())
        .respect_rate_limits(true)
        .build()
        .unwrap();
    let first = client
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .unwrap();
    assert!(first.rate_limit().is_exhausted());

    let clone = client.clone();
    let started = Instant::now();
    clone.pipelines().get("pl_1").send().await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");

    // The window has room again: no more waiting.
    let started = Instant::now();
    client.pipelines().get("pl_1").send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(800));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn without_opting_in_the_client_does_not_wait() {
    let server = exhausted_window(now_secs() + 30).await;
    let client = client_for(&server.uri());
    client.pipelines().get("pl_1").send().await.unwrap();
    let started = Instant::now();
    client.pipelines().get("pl_1").send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_proactive_wait_above_the_ceiling_fails_fast_without_sending() {
    let server = exhausted_window(now_secs() + 3600).await;
    let client = builder_for(&server.uri())
        .respect_rate_limits(true)
        .build()
        .unwrap();
    client.pipelines().get("pl_1").send().await.unwrap();
    let started = Instant::now();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match err {
        Error::RetryAfterTooLong { wait, error, .. } => {
            assert!(wait > Duration::from_secs(3500), "{wait:?}");
            assert!(error.is_none());
        }
        other => panic!("expected RetryAfterTooLong, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn absurd_header_values_neither_panic_nor_hang() {
    let server = MockServer::start().await;
    Mock::given(path("/api/pipelines/a"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after-ms", "1e300")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "18446744073709551615"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/pipelines/b"))
        .respond_with(
            ResponseTemplate::new(503).insert_header("Retry-After", "99999999999999999999.5"),
        )
        .mount(&server)
        .await;
    let client = builder_for(&server.uri())
        .respect_rate_limits(true)
        .build()
        .unwrap();
    let err = client.pipelines().get("a").send().await.unwrap_err();
    assert!(matches!(err, Error::RetryAfterTooLong { .. }), "{err:?}");
    assert_eq!(err.rate_limit().unwrap().reset, Some(u64::MAX));
    let err = client.pipelines().get("b").send().await.unwrap_err();
    assert!(matches!(err, Error::RetryAfterTooLong { .. }), "{err:?}");
}
