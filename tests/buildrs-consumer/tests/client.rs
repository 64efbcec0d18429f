//! The client generated in `build.rs` against a local mock server: requests go out as the spec
//! says, responses decode into the models, and error statuses become `Error::Api` with the
//! typed error body.

use buildrs_consumer::apis::widgets::{CreateWidgetError, GetWidgetError};
use buildrs_consumer::models::{Color, NewWidget};
use buildrs_consumer::runtime::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "wdg_test_key";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .expect("a loopback base URL")
        .retry(RetryPolicy::none())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn get_decodes_the_widget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/w_1"))
        .and(header("X-Api-Key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "w_1",
            "name": "Sprocket",
            "color": "green",
            "weight_grams": 120
        })))
        .expect(1)
        .mount(&server)
        .await;

    let widget = client(&server)
        .widgets()
        .get("w_1")
        .send()
        .await
        .expect("the widget");
    assert_eq!(widget.id, "w_1");
    assert_eq!(widget.name, "Sprocket");
    assert_eq!(widget.color, Color::Green);
    assert_eq!(widget.weight_grams, Some(120));
}

#[tokio::test]
async fn an_unknown_enum_value_still_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/w_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "w_2", "name": "Gizmo", "color": "ultraviolet"
        })))
        .mount(&server)
        .await;

    let widget = client(&server)
        .widgets()
        .get("w_2")
        .send()
        .await
        .expect("the widget");
    assert_eq!(widget.color, Color::Unknown("ultraviolet".to_string()));
    assert_eq!(widget.weight_grams, None);
}

#[tokio::test]
async fn not_found_is_an_api_error_with_the_typed_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/nope"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("X-Request-Id", "req_42")
                .set_body_json(json!({
                    "error": {"code": "not_found", "message": "no widget nope"}
                })),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .widgets()
        .get("nope")
        .send()
        .await
        .expect_err("a 404");
    assert_eq!(err.status(), Some(404));
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.code.as_deref(), Some("not_found"));
    assert_eq!(api.message.as_deref(), Some("no widget nope"));
    assert_eq!(api.request_id.as_deref(), Some("req_42"));
    assert!(
        matches!(api.typed, Some(GetWidgetError::NotFound(_))),
        "{:?}",
        api.typed
    );
}

#[tokio::test]
async fn list_sends_the_query_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .and(query_param("color", "blue"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "w_3", "name": "Cog", "color": "blue"}
        ])))
        .expect(1)
        .mount(&server)
        .await;

    let widgets = client(&server)
        .widgets()
        .list()
        .color(Color::Blue)
        .send()
        .await
        .expect("the widgets");
    assert_eq!(widgets.len(), 1);
    assert_eq!(widgets[0].name, "Cog");
}

#[tokio::test]
async fn create_posts_the_json_body_and_maps_422() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets"))
        .and(body_json(json!({"name": "Bolt", "color": "red"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "w_4", "name": "Bolt", "color": "red"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/widgets"))
        .and(body_json(json!({"name": "", "color": "red"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": {"code": "invalid_name", "message": "name is empty"}
        })))
        .mount(&server)
        .await;

    let client = client(&server);
    let created = client
        .widgets()
        .create(NewWidget::new("Bolt".to_string(), Color::Red))
        .send()
        .await
        .expect("created");
    assert_eq!(created.id, "w_4");

    let err = client
        .widgets()
        .create(NewWidget::new(String::new(), Color::Red))
        .send()
        .await
        .expect_err("a 422");
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.code.as_deref(), Some("invalid_name"));
    assert!(matches!(
        api.typed,
        Some(CreateWidgetError::UnprocessableEntity(_))
    ));
}
