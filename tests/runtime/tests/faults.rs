//! Network faults wiremock cannot produce: resets, bodies cut short, slow bodies, deadlines.

mod common;

use std::time::{Duration, Instant};

use common::{client_for, pipeline_body, raw_server, read_request, respond_json};
use runtime_tests::runtime::{Error, RequestOptions, TimeoutKind};
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn a_connection_reset_before_the_response_is_retried_for_a_get() {
    let server = raw_server(|index, mut stream| async move {
        read_request(&mut stream).await;
        if index == 0 {
            // RST instead of an answer.
            let _ = stream.set_zero_linger();
            drop(stream);
        } else {
            respond_json(&mut stream, 200, &pipeline_body("pl_1").to_string()).await;
        }
    })
    .await;
    let response = client_for(&server.url)
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.value().id, "pl_1");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_connection_reset_on_every_attempt_is_a_transport_error() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let err = client_for(&server.url)
        .pipelines()
        .get("pl_1")
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
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(server.count(), 3);
}

async fn cut_body(stream: &mut tokio::net::TcpStream) {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\nconnection: close\r\n\r\n";
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(br#"{"data": {"id": "pl_1", "na"#).await;
    let _ = stream.flush().await;
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error_after_retries() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        cut_body(&mut stream).await;
        drop(stream);
    })
    .await;
    let err = client_for(&server.url)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            source,
            may_have_landed,
            attempts,
        } => {
            assert!(
                source.is_body() || source.is_decode() || source.is_request(),
                "{source:?}"
            );
            assert!(*may_have_landed);
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_connection_closed_mid_body_then_a_full_response_succeeds() {
    let server = raw_server(|index, mut stream| async move {
        read_request(&mut stream).await;
        if index == 0 {
            cut_body(&mut stream).await;
        } else {
            respond_json(&mut stream, 200, &pipeline_body("pl_1").to_string()).await;
        }
    })
    .await;
    let pipeline = client_for(&server.url)
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    assert_eq!(pipeline.name, "Nightly sales");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_slow_body_times_out_per_attempt() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 60\r\n\r\n{\"data\":";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    let client = common::builder_for(&server.url)
        .timeout(Duration::from_millis(200))
        .retry(common::fast_retry().max_retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        Error::Timeout {
            kind,
            after,
            may_have_landed,
            attempts,
        } => {
            assert_eq!(*kind, TimeoutKind::Attempt);
            assert_eq!(*after, Duration::from_millis(200));
            assert!(*may_have_landed);
            assert_eq!(*attempts, 2);
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(err.is_timeout());
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_client() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    let started = Instant::now();
    let err = client_for(&server.url)
        .pipelines()
        .get("pl_1")
        .options(
            RequestOptions::new()
                .timeout(Duration::from_millis(100))
                .max_retries(0),
        )
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_overall_deadline_ends_the_call_across_retries() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    // Each attempt may take 300 ms and there are 5 retries, but the whole call has 700 ms.
    let client = common::builder_for(&server.url)
        .timeout(Duration::from_millis(300))
        .deadline(Duration::from_millis(700))
        .retry(common::fast_retry().max_retries(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        Error::Timeout {
            kind,
            after,
            attempts,
            ..
        } => {
            assert_eq!(*kind, TimeoutKind::Deadline);
            assert_eq!(*after, Duration::from_millis(700));
            assert!(*attempts >= 2 && *attempts <= 3, "attempts: {attempts}");
        }
        other => panic!("expected a deadline Timeout, got {other:?}"),
    }
    assert!(
        elapsed >= Duration::from_millis(650) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_retry_wait_past_the_deadline_returns_the_last_error_at_once() {
    let server = raw_server(|_, mut stream| async move {
        read_request(&mut stream).await;
        let body = r#"{"error":{"code":"unavailable","message":"try later"}}"#;
        let response = format!(
            "HTTP/1.1 503 X\r\ncontent-type: application/json\r\nretry-after: 30\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
    })
    .await;
    let client = common::builder_for(&server.url)
        .deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    // Sleeping 30 s could only end in a deadline timeout: the 503 is returned at once instead.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), Some("unavailable"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(server.count(), 1);
}
