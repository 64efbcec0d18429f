//! Retries: Retry-After, backoff, the budget, idempotency keys and which requests are retried.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{KEY, builder_for, client_for, pipeline_body};
use runtime_tests::models::CreatePipeline;
use runtime_tests::runtime::{Error, RequestOptions, RetryBudget};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn run_body() -> serde_json::Value {
    serde_json::json!({"data": {"id": "run_01", "status": "queued"}})
}

#[tokio::test]
async fn retry_after_seconds_on_429_is_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let response = client
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.value().id, "pl_1");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_http_date_on_429_is_waited_for() {
    let server = MockServer::start().await;
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", at.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let pipeline = client.pipelines().get("pl_1").send().await.unwrap();
    // The date has whole seconds, so the wait is between 1 and 2 seconds.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(pipeline.id, "pl_1");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "300"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    let started = Instant::now();
    client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(290));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_above_the_ceiling_fails_fast_with_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_json(
                    serde_json::json!({"error": {"code": "rate_limited", "message": "slow down"}}),
                ),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match &err {
        Error::RetryAfterTooLong {
            wait,
            ceiling,
            error,
        } => {
            assert_eq!(*wait, Duration::from_secs(3600));
            assert_eq!(*ceiling, Duration::from_secs(60));
            let api = error.as_ref().expect("the 429 response");
            assert_eq!(api.status, 429);
            assert_eq!(api.code.as_deref(), Some("rate_limited"));
        }
        other => panic!("expected RetryAfterTooLong, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.status(), Some(429));
    assert!(err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn two_503_then_200_succeeds_on_the_third_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    let response = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn three_503_exhaust_the_default_two_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let api = err.api().expect("api error");
    assert_eq!(api.status, 503);
    assert_eq!(api.attempts, 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn per_call_max_retries_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .options(RequestOptions::new().max_retries(0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn non_retryable_statuses_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(501))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(501));
    assert!(!err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_exhausted_retry_budget_stops_retries_for_every_clone() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // Two retries' worth of tokens, for a policy that would retry five times.
    let client = builder_for(&server.uri())
        .retry(common::fast_retry().max_retries(5))
        .retry_budget(RetryBudget::new(10).retry_cost(5).success_refill(1))
        .build()
        .unwrap();
    let first = client.pipelines().get("pl_1").send().await.unwrap_err();
    assert_eq!(first.api().unwrap().attempts, 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let clone = client.clone();
    let second = clone.pipelines().get("pl_1").send().await.unwrap_err();
    assert_eq!(second.status(), Some(503));
    assert_eq!(second.api().unwrap().attempts, 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn successes_refill_the_retry_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("ok")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/bad"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder_for(&server.uri())
        .retry_budget(RetryBudget::new(5).retry_cost(5).success_refill(5))
        .build()
        .unwrap();
    // One retry is affordable, then the bucket is empty.
    let err = client.pipelines().get("bad").send().await.unwrap_err();
    assert_eq!(err.api().unwrap().attempts, 2);
    let err = client.pipelines().get("bad").send().await.unwrap_err();
    assert_eq!(err.api().unwrap().attempts, 1);
    // A success pays for one more retry.
    client.pipelines().get("ok").send().await.unwrap();
    let err = client.pipelines().get("bad").send().await.unwrap_err();
    assert_eq!(err.api().unwrap().attempts, 2);
}

#[tokio::test]
async fn the_same_idempotency_key_goes_out_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(run_body()))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let run = client.pipelines().run("pl_1").send().await.unwrap();
    assert_eq!(run.id, "run_01");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let keys: Vec<String> = requests
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "keys differ: {keys:?}");
    let parsed = uuid::Uuid::parse_str(&keys[0]).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    // The body is sent again, whole, on every attempt.
    for r in &requests {
        assert_eq!(r.body, br#"{"variables":null}"#);
    }

    // A new call gets a new key.
    client.pipelines().run("pl_1").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let fourth = requests[3]
        .headers
        .get("idempotency-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert_ne!(fourth, keys[0]);
}

#[tokio::test]
async fn a_caller_supplied_idempotency_key_is_used_and_makes_post_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(pipeline_body("pl_new")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let created = client
        .pipelines()
        .create(CreatePipeline {
            name: "n".into(),
            ..Default::default()
        })
        .options(RequestOptions::new().idempotency_key("job-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, "pl_new");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.headers.get("idempotency-key").unwrap(), "job-42");
    }
}

#[tokio::test]
async fn a_post_without_key_is_not_retried_after_it_was_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client
        .pipelines()
        .create(CreatePipeline {
            name: "n".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.may_have_landed());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("idempotency-key").is_none());
    assert_eq!(
        requests[0]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn a_post_without_key_is_not_retried_after_the_connection_broke() {
    let server = common::raw_server(|_, mut stream| async move {
        common::read_request(&mut stream).await;
        // Close without answering: the request reached the server.
        drop(stream);
    })
    .await;
    let client = client_for(&server.url);
    let err = client
        .pipelines()
        .create(CreatePipeline {
            name: "n".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
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
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_post_without_key_is_retried_when_the_connection_was_refused() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"));
    let err = client
        .pipelines()
        .create(CreatePipeline {
            name: "n".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            may_have_landed,
            attempts,
            source,
        } => {
            assert!(!*may_have_landed, "nothing was sent");
            assert!(source.is_connect());
            assert_eq!(*attempts, 3, "connect errors are retried for any method");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(!err.may_have_landed());
}
