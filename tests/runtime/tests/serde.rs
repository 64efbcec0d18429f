//! Serde helpers: tri-state fields, base64, envelopes, page tokens.

use runtime_tests::models::{CreatePipeline, Pipeline};
use runtime_tests::runtime::{Base64Bytes, Envelope, Nullable, PageToken, Resource};
use serde_json::json;

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Patch {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    absent: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    null: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    value: Nullable<u32>,
}

#[test]
fn nullable_round_trips_absent_null_and_value() {
    let patch = Patch {
        absent: Nullable::Absent,
        null: Nullable::Null,
        value: Nullable::Value(5),
    };
    let text = serde_json::to_string(&patch).unwrap();
    assert_eq!(text, r#"{"null":null,"value":5}"#);
    let back: Patch = serde_json::from_str(&text).unwrap();
    assert_eq!(back, patch);

    let all_missing: Patch = serde_json::from_str("{}").unwrap();
    assert!(
        all_missing.absent.is_absent()
            && all_missing.null.is_absent()
            && all_missing.value.is_absent()
    );
}

#[test]
fn nullable_helpers() {
    let v: Nullable<u32> = 3.into();
    assert_eq!(v, Nullable::Value(3));
    assert_eq!(v.as_ref().into_option(), Some(&3));
    assert_eq!(Nullable::<u32>::from(None), Nullable::Null);
    assert_eq!(
        Nullable::<u32>::from(Some(4)).map(|x| x * 2),
        Nullable::Value(8)
    );
    assert_eq!(Nullable::<u32>::default(), Nullable::Absent);
    assert_eq!(Nullable::<u32>::Null.into_option(), None);
    assert!(Nullable::<u32>::Null.is_null());
    assert_eq!(v.value(), Some(&3));
}

#[test]
fn generated_models_use_nullable_for_patch_semantics() {
    let body = CreatePipeline {
        name: "n".into(),
        description: Nullable::Null,
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"name": "n", "description": null})
    );
    let body = CreatePipeline {
        name: "n".into(),
        ..Default::default()
    };
    assert_eq!(serde_json::to_value(&body).unwrap(), json!({"name": "n"}));
    let p: Pipeline = serde_json::from_value(
        json!({"id": "pl", "name": "n", "status": "paused", "description": "d"}),
    )
    .unwrap();
    assert_eq!(p.description, Nullable::Value("d".into()));
}

#[test]
fn base64_bytes_serialize_standard_and_accept_url_safe() {
    let bytes = Base64Bytes(b"hello?>".to_vec());
    let text = serde_json::to_string(&bytes).unwrap();
    assert_eq!(text, r#""aGVsbG8/Pg==""#);
    let back: Base64Bytes = serde_json::from_str(&text).unwrap();
    assert_eq!(back, bytes);
    let url_safe: Base64Bytes = serde_json::from_str(r#""aGVsbG8_Pg""#).unwrap();
    assert_eq!(url_safe.0, b"hello?>");
    assert!(serde_json::from_str::<Base64Bytes>(r#""not base64!""#).is_err());
    assert_eq!(format!("{bytes:?}"), "Base64Bytes(7 bytes)");
}

#[test]
fn envelopes_and_resources() {
    let value = json!({
        "data": {"id": "sch_1", "type": "schedule", "attributes": {"cron_expression": "0 * * * *"}},
        "meta": {"page": {"limit": 50, "cursor": null}}
    });
    let envelope: Envelope<Resource<serde_json::Value>> =
        serde_json::from_value(value.clone()).unwrap();
    assert_eq!(envelope.data.kind, "schedule");
    assert_eq!(envelope.data.attributes["cron_expression"], "0 * * * *");
    assert_eq!(serde_json::to_value(&envelope).unwrap(), value);

    let bare: Envelope<Vec<u32>> = serde_json::from_value(json!({"data": [1, 2]})).unwrap();
    assert_eq!(bare.meta, None);
    assert_eq!(
        serde_json::to_value(&bare).unwrap(),
        json!({"data": [1, 2]})
    );
}

#[test]
fn page_tokens_round_trip() {
    for token in [
        PageToken::Cursor("eyJuZXh0IjoiY2F0X3RibF8wMiJ9".into()),
        PageToken::Offset(100),
        PageToken::Page(3),
        PageToken::Url("https://api.planasonix.com/api/x?page=2".into()),
    ] {
        let text = serde_json::to_string(&token).unwrap();
        assert_eq!(serde_json::from_str::<PageToken>(&text).unwrap(), token);
    }
}
