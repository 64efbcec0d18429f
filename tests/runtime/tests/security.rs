//! Security: redirects, secrets, path encoding, base URLs, header values and credentials.

mod common;

use std::time::Duration;

use common::{KEY, builder_for, client_for, pipeline_body};
use runtime_tests::runtime::{
    AuthScheme, BuildError, Client, Error, NoTypedError, Operation, RedirectRefusal, RequestOptions,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn redirecting_to(location: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/pl_1"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_to_plain_http_is_refused() {
    let server = redirecting_to("http://example.com/steal?x=1").await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::InsecureRedirect { location, reason } => {
            assert_eq!(*reason, RedirectRefusal::Insecure);
            assert_eq!(location, "http://example.com/steal");
        }
        other => panic!("expected InsecureRedirect, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let server = redirecting_to("https://collector.example.net/x").await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InsecureRedirect {
                reason: RedirectRefusal::CrossOrigin,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_another_port_never_reaches_it() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&other)
        .await;
    let server = redirecting_to(&format!("{}/api/pipelines/pl_1", other.uri())).await;
    let err = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InsecureRedirect {
                reason: RedirectRefusal::CrossOrigin,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed() {
    let server = redirecting_to("/api/pipelines/pl_2").await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/pl_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_2")))
        .mount(&server)
        .await;
    let pipeline = client_for(&server.uri())
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    assert_eq!(pipeline.id, "pl_2");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn a_custom_http_client_that_follows_a_cross_origin_redirect_is_caught() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&other)
        .await;
    let server = redirecting_to(&format!("{}/api/pipelines/pl_1", other.uri())).await;
    let client = builder_for(&server.uri())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client.pipelines().get("pl_1").send().await.unwrap_err();
    assert!(matches!(&err, Error::InsecureRedirect { .. }), "{err:?}");
}

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked: {text}");
    assert!(
        !text.contains("TOPSECRET"),
        "part of the key leaked: {text}"
    );
}

fn assert_error_hides_key<E: std::fmt::Debug>(err: &Error<E>) {
    assert_no_key(&format!("{err:?}"));
    assert_no_key(&format!("{err}"));
    assert_no_key(&format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        assert_no_key(&format!("{inner:?} {inner}"));
        source = inner.source();
    }
}

static SLOW: Operation = Operation {
    id: "slow",
    method: reqwest::Method::GET,
    path: "/slow",
    authenticated: true,
    idempotency_header: None,
};

#[tokio::test]
async fn the_api_key_never_appears_in_debug_or_display() {
    // The key in the query is the hardest case: reqwest errors carry the URL.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                serde_json::json!({"error": {"code": "not_found", "message": "no"}}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/garbled"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "999"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines/away"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "http://example.com/"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    for scheme in [
        AuthScheme::Bearer,
        AuthScheme::ApiKeyQuery("api_key"),
        AuthScheme::ApiKeyHeader("X-Planasonix-Api-Key"),
        AuthScheme::ApiKeyCookie("plnx_session"),
    ] {
        let builder = builder_for(&server.uri()).auth_scheme(scheme);
        assert_no_key(&format!("{builder:?}"));
        let client = builder.build().unwrap();
        assert_no_key(&format!("{client:?}"));
        assert_no_key(&format!("{:?}", client.pipelines().get("pl_1")));

        let api = client.pipelines().get("missing").send().await.unwrap_err();
        assert!(matches!(api, Error::Api(_)));
        assert_error_hides_key(&api);
        let decode = client.pipelines().get("garbled").send().await.unwrap_err();
        assert!(matches!(decode, Error::Decode(_)));
        assert_error_hides_key(&decode);
        let too_long = client.pipelines().get("limited").send().await.unwrap_err();
        assert!(matches!(too_long, Error::RetryAfterTooLong { .. }));
        assert_error_hides_key(&too_long);
        let redirect = client.pipelines().get("away").send().await.unwrap_err();
        assert!(matches!(redirect, Error::InsecureRedirect { .. }));
        assert_error_hides_key(&redirect);
        let invalid = client.pipelines().get("..").send().await.unwrap_err();
        assert!(matches!(invalid, Error::InvalidRequest(_)));
        assert_error_hides_key(&invalid);

        let mut request = client.request(&SLOW);
        request.path_literal("/slow");
        request.options(
            RequestOptions::new()
                .timeout(Duration::from_millis(50))
                .max_retries(0),
        );
        assert_no_key(&format!("{request:?}"));
        let timeout = client.execute::<NoTypedError>(request).await.unwrap_err();
        assert!(timeout.is_timeout());
        assert_error_hides_key(&timeout);
    }

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = builder_for(&format!("http://127.0.0.1:{port}"))
        .auth_scheme(AuthScheme::ApiKeyQuery("api_key"))
        .build()
        .unwrap();
    let transport = client.pipelines().get("pl_1").send().await.unwrap_err();
    assert!(matches!(transport, Error::Transport { .. }));
    assert_error_hides_key(&transport);
}

#[tokio::test]
async fn a_path_parameter_stays_inside_its_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("x")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    client.pipelines().get("../admin").send().await.unwrap();
    client
        .pipelines()
        .get("a b?c=1#frag%2F/é")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/api/pipelines/..%2Fadmin");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(
        requests[1].url.path(),
        "/api/pipelines/a%20b%3Fc%3D1%23frag%252F%2F%C3%A9"
    );
    assert_eq!(requests[1].url.query(), None);

    for bad in ["..", ".", ""] {
        let err = client.pipelines().get(bad).send().await.unwrap_err();
        match err {
            Error::InvalidRequest(message) => {
                assert!(message.contains("path parameter"), "{message}")
            }
            other => panic!("expected InvalidRequest for {bad:?}, got {other:?}"),
        }
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "nothing more was sent"
    );
}

#[tokio::test]
async fn a_header_value_with_a_line_break_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("x")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let err = client
        .pipelines()
        .get("pl_1")
        .x_trace("abc\r\nX-Injected: 1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("X-Trace")),
        "{err:?}"
    );
    let err = client
        .pipelines()
        .get("pl_1")
        .options(RequestOptions::new().header("X-Extra", "a\nb"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());

    client
        .pipelines()
        .get("pl_1")
        .x_trace("trace-1")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("x-trace").unwrap(), "trace-1");
}

#[test]
fn base_urls_must_be_https_except_on_loopback() {
    let insecure = Client::builder()
        .base_url("http://api.planasonix.com")
        .unwrap_err();
    assert!(
        matches!(insecure, BuildError::InsecureBaseUrl { .. }),
        "{insecure:?}"
    );
    for ok in [
        "http://localhost:8080",
        "http://127.0.0.1:1",
        "http://[::1]:9",
        "https://acme.planasonixapis.com/v1",
    ] {
        assert!(Client::builder().base_url(ok).is_ok(), "{ok}");
    }
    let with_user = Client::builder()
        .base_url("https://user:pw@api.planasonix.com")
        .unwrap_err();
    assert!(matches!(&with_user, BuildError::InvalidBaseUrl { .. }));
    assert!(!with_user.to_string().contains("pw"), "{with_user}");
    assert!(
        Client::builder()
            .base_url("https://api.planasonix.com/?x=1")
            .is_err()
    );
    assert!(
        Client::builder()
            .base_url("ftp://api.planasonix.com")
            .is_err()
    );
    assert!(Client::builder().base_url("not a url").is_err());

    // Default: the spec's server.
    let client = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.planasonix.com/");
    assert_eq!(client.info().crate_name, "planasonix");
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/api/pipelines/pl_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    for base in [
        format!("{}/v1", server.uri()),
        format!("{}/v1/", server.uri()),
    ] {
        client_for(&base)
            .pipelines()
            .get("pl_1")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn credentials_go_where_the_scheme_says_and_nowhere_for_public_operations() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("x")))
        .mount(&server)
        .await;
    let uri = server.uri();
    let bearer = client_for(&uri);
    bearer.pipelines().get("pl_1").send().await.unwrap();
    bearer.pipelines().health().send().await.unwrap();
    builder_for(&uri)
        .auth_scheme(AuthScheme::ApiKeyHeader("X-Planasonix-Api-Key"))
        .build()
        .unwrap()
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    builder_for(&uri)
        .auth_scheme(AuthScheme::ApiKeyQuery("api_key"))
        .build()
        .unwrap()
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    builder_for(&uri)
        .auth_scheme(AuthScheme::ApiKeyCookie("plnx_key"))
        .build()
        .unwrap()
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();
    Client::builder()
        .basic_auth("svc", "pa55")
        .base_url(&uri)
        .unwrap()
        .build()
        .unwrap()
        .pipelines()
        .get("pl_1")
        .send()
        .await
        .unwrap();

    let r = server.received_requests().await.unwrap();
    assert_eq!(
        r[0].headers.get("authorization").unwrap().to_str().unwrap(),
        format!("Bearer {KEY}")
    );
    assert_eq!(
        r[0].headers.get("user-agent").unwrap(),
        "planasonix/0.1.0 rust"
    );
    // The public operation carries no credentials.
    assert_eq!(r[1].url.path(), "/health");
    assert!(r[1].headers.get("authorization").is_none());
    assert_eq!(
        r[2].headers
            .get("x-planasonix-api-key")
            .unwrap()
            .to_str()
            .unwrap(),
        KEY
    );
    assert!(r[2].headers.get("authorization").is_none());
    assert_eq!(r[3].url.query(), Some(format!("api_key={KEY}").as_str()));
    assert!(r[3].headers.get("authorization").is_none());
    assert_eq!(
        r[4].headers.get("cookie").unwrap().to_str().unwrap(),
        format!("plnx_key={KEY}")
    );
    assert_eq!(
        r[5].headers.get("authorization").unwrap(),
        "Basic c3ZjOnBhNTU="
    );
}

#[test]
fn the_environment_supplies_key_and_base_url() {
    let missing = Client::builder().with_env(|_| None).unwrap_err();
    assert!(matches!(&missing, BuildError::MissingEnv { name } if name == "PLANASONIX_API_KEY"));

    let client = Client::builder()
        .with_env(|name| match name {
            "PLANASONIX_API_KEY" => Some(KEY.to_owned()),
            "PLANASONIX_BASE_URL" => Some("https://acme.planasonixapis.com/v1".to_owned()),
            _ => None,
        })
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        client.base_url().as_str(),
        "https://acme.planasonixapis.com/v1"
    );
    assert_eq!(client.auth_scheme(), Some(AuthScheme::Bearer));

    let insecure = Client::builder().with_env(|name| match name {
        "PLANASONIX_API_KEY" => Some(KEY.to_owned()),
        _ => Some("http://api.planasonix.com".to_owned()),
    });
    assert!(matches!(insecure, Err(BuildError::InsecureBaseUrl { .. })));
}

#[test]
fn a_key_with_a_line_break_is_refused_without_showing_it() {
    let err = Client::builder()
        .api_key("abc\r\ndef-SECRET")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidCredential));
    assert!(!format!("{err} {err:?}").contains("SECRET"));
}

#[tokio::test]
async fn default_headers_and_a_custom_user_agent_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("x")))
        .mount(&server)
        .await;
    let client = builder_for(&server.uri())
        .user_agent("acme-etl/2.0")
        .default_header("X-Organization-ID", "org_01")
        .unwrap()
        .build()
        .unwrap();
    client.pipelines().get("pl_1").send().await.unwrap();
    let r = server.received_requests().await.unwrap();
    assert_eq!(r[0].headers.get("user-agent").unwrap(), "acme-etl/2.0");
    assert_eq!(r[0].headers.get("x-organization-id").unwrap(), "org_01");
    assert!(
        builder_for("http://localhost")
            .default_header("X-Bad", "a\r\nb")
            .is_err()
    );
}

fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync<T: Send + Sync + Clone>() {}

#[test]
fn the_client_and_its_futures_can_cross_threads() {
    assert_send_sync::<Client>();
    let client = Client::builder().api_key(KEY).build().unwrap();
    assert_send(&client.pipelines().get("pl_1").send());
    assert_send(&client.pipelines().run("pl_1").send());
    let secret = runtime_tests::runtime::Secret::new(KEY);
    assert_eq!(format!("{secret:?} {secret}"), "*** ***");
    assert_eq!(secret.expose(), KEY);
}
