//! Decoding success bodies: envelopes, unknown values, and bodies that do not decode.

mod common;

use common::client_for;
use runtime_tests::models::PipelineStatus;
use runtime_tests::runtime::{Error, NoTypedError, Nullable, Operation};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn decode_error<E: std::fmt::Debug>(err: Error<E>) -> runtime_tests::runtime::DecodeError {
    match err {
        Error::Decode(decode) => *decode,
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_a_snippet() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .insert_header("x-request-id", "req_trunc")
            .set_body_string(r#"{"data": {"id": "pl_1", "name": "Nig"#),
    )
    .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
    let decode = decode_error(err);
    assert!(decode.message.contains("truncated"), "{}", decode.message);
    assert_eq!(decode.snippet, r#"{"data": {"id": "pl_1", "name": "Nig"#);
    assert_eq!(decode.request_id.as_deref(), Some("req_trunc"));
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string(r#"{"data": {"id": "pl_1", oops}}"#),
    )
    .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let decode = decode_error(err);
    assert!(
        decode.message.contains("key must be a string"),
        "{}",
        decode.message
    );
    assert_eq!(decode.status, 200);
}

#[tokio::test]
async fn a_wrong_field_type_reports_the_path() {
    let server = serve(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "data": {"id": "pl_1", "name": "n", "status": "active", "tags": ["a", 7]}
    })))
    .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    let decode = decode_error(err);
    assert_eq!(decode.path, "data.tags[1]");
    assert!(text.contains("data.tags[1]"), "{text}");
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_decode() {
    let server = serve(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "data": {
            "id": "pl_1",
            "name": "n",
            "status": "archived",
            "description": null,
            "owner": {"id": "usr_1"},
            "schedule_v2": [1, 2, 3]
        },
        "meta": {"etag": "abc"}
    })))
    .await;
    let response = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.meta().unwrap()["etag"], "abc");
    let pipeline = response.into_inner();
    assert_eq!(pipeline.status, PipelineStatus::Unknown("archived".into()));
    assert_eq!(pipeline.description, Nullable::Null);
    assert_eq!(pipeline.tags, None);
}

#[tokio::test]
async fn a_wrong_content_type_is_named_in_the_decode_error() {
    let server = serve(ResponseTemplate::new(200).set_body_raw(
        "<html><body>Gateway login</body></html>",
        "text/html; charset=utf-8",
    ))
    .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let decode = decode_error(err);
    assert!(decode.message.contains("text/html"), "{}", decode.message);
    assert_eq!(
        decode.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(decode.snippet.starts_with("<html>"));
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let server = serve(ResponseTemplate::new(200)).await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let decode = decode_error(err);
    assert!(decode.message.contains("empty"), "{}", decode.message);
}

#[tokio::test]
async fn a_long_body_is_cut_to_200_characters_in_the_snippet() {
    let long = format!("[{}", "\"x\",".repeat(400));
    let server = serve(ResponseTemplate::new(200).set_body_string(long)).await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    let decode = decode_error(err);
    assert_eq!(
        decode.snippet.chars().count(),
        201,
        "200 characters and an ellipsis"
    );
}

static GET_TEXT: Operation = Operation {
    id: "getText",
    method: reqwest::Method::GET,
    path: "/text",
    authenticated: true,
    idempotency_header: None,
};

#[tokio::test]
async fn text_bytes_and_empty_bodies() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req_9")
            .set_body_string("héllo"),
    )
    .await;
    let client = client_for(&server.uri());
    let mut request = client.request(&GET_TEXT);
    request.path_literal("/text");
    let text = client
        .execute::<NoTypedError>(request)
        .await
        .unwrap()
        .into_text::<NoTypedError>()
        .unwrap();
    assert_eq!(text.value(), "héllo");
    assert_eq!(text.request_id(), Some("req_9"));

    let mut request = client.request(&GET_TEXT);
    request.path_literal("/text");
    let raw = client.execute::<NoTypedError>(request).await.unwrap();
    assert_eq!(raw.status(), 200);
    let bytes = raw.into_bytes::<NoTypedError>().unwrap();
    assert_eq!(&bytes.value()[..], "héllo".as_bytes());
    let mapped = bytes.map(|b| b.len());
    assert_eq!(*mapped.value(), 6);
}

#[tokio::test]
async fn invalid_utf8_text_is_a_decode_error() {
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(vec![0x66, 0xff, 0x66], "text/plain")).await;
    let client = client_for(&server.uri());
    let mut request = client.request(&GET_TEXT);
    request.path_literal("/text");
    let err = client
        .execute::<NoTypedError>(request)
        .await
        .unwrap()
        .into_text::<NoTypedError>()
        .unwrap_err();
    assert!(decode_error(err).message.contains("UTF-8"));
}
