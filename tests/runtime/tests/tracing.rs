//! Tracing: a span per call and per attempt, with the operation's metadata and never a secret.
//!
//! Alone in its own test binary: tracing caches per-callsite interest process-wide, so a test that
//! installs a subscriber must not race tests that run without one.

mod common;

use common::{KEY, builder_for, pipeline_body};
use runtime_tests::runtime::AuthScheme;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked: {text}");
    assert!(
        !text.contains("TOPSECRET"),
        "part of the key leaked: {text}"
    );
}

/// A subscriber that writes every span name, field and event into one string.
#[derive(Clone, Default)]
struct Capture {
    text: std::sync::Arc<std::sync::Mutex<String>>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = self.text.lock().unwrap();
        text.push_str(&format!("\n[span {}]", span.metadata().name()));
        span.record(&mut Fields(&mut text));
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str("\n[record]");
        values.record(&mut Fields(&mut text));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str("\n[event]");
        event.record(&mut Fields(&mut text));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn traces_name_the_operation_and_attempts_but_never_the_key_or_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pipeline_body("pl_1")))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let client = builder_for(&server.uri())
        .auth_scheme(AuthScheme::ApiKeyQuery("api_key"))
        .build()
        .unwrap();
    client.pipelines().get("pl_secret_id").send().await.unwrap();
    let text = capture.text.lock().unwrap().clone();
    assert!(text.contains("[span api_call]"), "{text}");
    assert!(text.contains("operation=\"getPipeline\""), "{text}");
    assert!(text.contains("path=\"/api/pipelines/{id}\""), "{text}");
    assert!(text.contains("method=GET"), "{text}");
    assert!(text.contains("[span attempt] attempt=1"), "{text}");
    assert!(text.contains("[span attempt] attempt=2"), "{text}");
    assert!(
        text.contains("status=503") && text.contains("status=200"),
        "{text}"
    );
    assert!(text.contains("retry_wait_ms="), "{text}");
    assert_no_key(&text);
    assert!(
        !text.contains("pl_secret_id"),
        "filled-in paths stay out of traces: {text}"
    );
    // The HTTP stack logs hosts and ports of its connections, never the query holding the key.
    assert!(
        !text.contains("api_key"),
        "URLs with the key stay out of traces: {text}"
    );
}
