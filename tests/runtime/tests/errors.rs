//! API errors: the error envelope, problem details, typed bodies, and the error type's traits.

mod common;

use common::client_for;
use runtime_tests::apis::pipelines::GetPipelineError;
use runtime_tests::models::ErrorCode;
use runtime_tests::runtime::{ApiError, Error, NoTypedError};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn envelope(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "error": {
            "code": code,
            "message": message,
            "details": [{"field": "name", "issue": "must not be empty"}]
        }
    })
}

async fn api_error_for(status: u16, code: &str, message: &str) -> Error<GetPipelineError> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("X-Request-ID", format!("req_{status}"))
                .insert_header("X-RateLimit-Remaining", "17")
                .set_body_json(envelope(code, message)),
        )
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    // Client errors are never retried.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    err
}

fn check_envelope(api: &ApiError<GetPipelineError>, status: u16, code: &str, message: &str) {
    assert_eq!(api.status, status);
    assert_eq!(api.code.as_deref(), Some(code));
    assert_eq!(api.message.as_deref(), Some(message));
    assert_eq!(api.details.len(), 1);
    assert_eq!(api.details[0]["field"], "name");
    assert_eq!(api.details[0]["issue"], "must not be empty");
    assert_eq!(
        api.request_id.as_deref(),
        Some(format!("req_{status}").as_str())
    );
    assert_eq!(api.rate_limit.remaining, Some(17));
    assert_eq!(api.attempts, 1);
    assert!(api.body_text().contains(message));
}

#[tokio::test]
async fn a_401_maps_to_an_api_error_with_the_envelope_and_its_typed_body() {
    let err = api_error_for(401, "unauthorized", "The API key was revoked").await;
    let api = err.api().expect("api error");
    check_envelope(api, 401, "unauthorized", "The API key was revoked");
    assert_eq!(api.error_code(), Some(ErrorCode::Unauthorized));
    match err.typed() {
        Some(GetPipelineError::Unauthorized(body)) => assert_eq!(body.error.code, "unauthorized"),
        other => panic!("expected the typed 401 body, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_403_maps_to_an_api_error_with_the_envelope() {
    let err = api_error_for(403, "forbidden", "Missing scope pipelines:read").await;
    let api = err.api().expect("api error");
    check_envelope(api, 403, "forbidden", "Missing scope pipelines:read");
    assert_eq!(
        api.error_code(),
        Some(ErrorCode::Unknown("forbidden".into()))
    );
    assert!(matches!(err.typed(), Some(GetPipelineError::Default(_))));
}

#[tokio::test]
async fn a_404_maps_to_an_api_error_with_the_envelope_and_its_typed_body() {
    let err = api_error_for(404, "not_found", "No pipeline pl_1").await;
    check_envelope(err.api().unwrap(), 404, "not_found", "No pipeline pl_1");
    assert_eq!(err.code(), Some("not_found"));
    assert_eq!(err.message(), Some("No pipeline pl_1"));
    assert_eq!(err.request_id(), Some("req_404"));
    assert!(matches!(err.typed(), Some(GetPipelineError::NotFound(_))));
    let text = err.to_string();
    assert!(
        text.contains("404") && text.contains("not_found") && text.contains("No pipeline pl_1"),
        "{text}"
    );
    assert!(text.contains("req_404"), "{text}");
}

#[tokio::test]
async fn a_409_maps_to_an_api_error_with_the_envelope() {
    let err = api_error_for(409, "conflict", "The run already finished").await;
    check_envelope(
        err.api().unwrap(),
        409,
        "conflict",
        "The run already finished",
    );
    assert_eq!(err.status(), Some(409));
    assert!(err.may_have_landed());
}

#[tokio::test]
async fn problem_details_map_type_detail_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("content-type", "application/problem+json")
                .set_body_string(
                    serde_json::json!({
                        "type": "https://example.com/probs/invalid",
                        "title": "Invalid request",
                        "detail": "name is required",
                        "errors": [{"pointer": "/name"}]
                    })
                    .to_string(),
                ),
        )
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("https://example.com/probs/invalid"));
    assert_eq!(err.message(), Some("name is required"));
    assert_eq!(err.api().unwrap().details[0]["pointer"], "/name");
}

#[tokio::test]
async fn a_flat_code_message_body_and_a_non_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/api/pipelines/flat"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"code": 12, "message": "bad"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/api/pipelines/html"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client.pipelines().get("flat").send().await.unwrap_err();
    assert_eq!(err.code(), Some("12"));
    assert_eq!(err.message(), Some("bad"));
    let err = client.pipelines().get("html").send().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.code, None);
    assert!(api.typed.is_none());
    assert_eq!(api.body_text(), "<html>Bad Request</html>");
}

fn assert_send_sync_static<T: Send + Sync + 'static>() {}

#[tokio::test]
async fn errors_are_std_errors_that_travel_and_can_drop_their_typed_part() {
    assert_send_sync_static::<Error<GetPipelineError>>();
    assert_send_sync_static::<Error>();
    let err = api_error_for(404, "not_found", "No pipeline pl_1").await;
    let untyped: Error<NoTypedError> = err.into_untyped();
    assert_eq!(untyped.code(), Some("not_found"));
    assert!(untyped.typed().is_none());
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(untyped);
    assert!(boxed.to_string().contains("not_found"));

    fn question_mark() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let err: Error<GetPipelineError> = Error::InvalidRequest("x".into());
        Err(err)?
    }
    assert!(
        question_mark()
            .unwrap_err()
            .to_string()
            .contains("invalid request")
    );
}
