//! The generated models' hand-written `Serialize` and `Deserialize` impls, through the client
//! generated from `tests/fixtures/basic.yaml`: required, optional, defaulted, nullable and
//! tri-state fields, formats, unknown keys and the errors a bad body gives.

use fixture_clients::basic::models::{Widget, WidgetPatch};
use fixture_clients::basic::runtime::Nullable;
use serde_json::json;

fn full_widget() -> serde_json::Value {
    json!({
        "id": "7f1c0f3e-4a8b-4c7e-9d2a-0b6c5e4f3a21",
        "name": "big [blue]",
        "created_at": "2026-01-02T03:04:05Z",
        "due": "2026-02-03",
        "count": 3,
        "ratio": 0.5,
        "weight": 1.25,
        "big": 9007199254740993_i64,
        "active": false,
        "label": "x",
        "parent_id": null,
        "note": "n",
        "secret": "s",
        "blob": "aGVsbG8=",
        "tags": ["a", "b"],
        "legacy": "old",
        "any": [1, {"k": true}],
        "obj": {"nested": {"x": 1}},
    })
}

#[test]
fn a_full_object_round_trips_unchanged() {
    let value = full_widget();
    let widget: Widget = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(widget.name, "big [blue]");
    assert_eq!(widget.big, Some(9_007_199_254_740_993));
    assert_eq!(widget.parent_id, None);
    assert_eq!(widget.note, Nullable::Value("n".to_string()));
    assert_eq!(
        widget.blob.as_ref().map(|b| b.0.as_slice()),
        Some(&b"hello"[..])
    );
    assert_eq!(widget.created_at.to_rfc3339(), "2026-01-02T03:04:05+00:00");
    assert_eq!(serde_json::to_value(&widget).expect("encodes"), value);
}

#[test]
fn absent_fields_take_their_defaults_and_stay_out_of_the_output() {
    let widget: Widget = serde_json::from_value(json!({
        "name": "w",
        "created_at": "2026-01-02T03:04:05Z",
        "parent_id": "p1",
    }))
    .expect("decodes");
    assert_eq!(widget.count, 10, "spec default");
    assert!(widget.active, "spec default");
    assert_eq!(widget.label, "none", "spec default");
    assert_eq!(widget.note, Nullable::Absent);
    assert_eq!(widget.tags, None);
    // Required, required-nullable and defaulted fields are always written; unset optional
    // and absent tri-state fields are left out.
    assert_eq!(
        serde_json::to_value(&widget).expect("encodes"),
        json!({
            "name": "w",
            "created_at": "2026-01-02T03:04:05Z",
            "count": 10,
            "active": true,
            "label": "none",
            "parent_id": "p1",
        })
    );
}

#[test]
fn a_tri_state_field_tells_absent_null_and_value_apart() {
    let cases = [
        (json!({}), Nullable::Absent),
        (json!({"note": null}), Nullable::Null),
        (json!({"note": "v"}), Nullable::Value("v".to_string())),
    ];
    for (body, expected) in cases {
        let patch: WidgetPatch = serde_json::from_value(body.clone()).expect("decodes");
        assert_eq!(patch.note, expected);
        assert_eq!(serde_json::to_value(&patch).expect("encodes"), body);
    }
}

#[test]
fn unknown_keys_are_ignored_and_a_repeated_key_keeps_the_last_value() {
    let widget: Widget = serde_json::from_str(
        r#"{"name":"a","surprise":{"deep":[1,2]},"created_at":"2026-01-02T03:04:05Z",
            "parent_id":null,"name":"b"}"#,
    )
    .expect("decodes");
    assert_eq!(widget.name, "b");
}

#[test]
fn a_missing_required_field_is_an_error_that_names_it_and_a_missing_null_is_not() {
    let error = serde_json::from_value::<Widget>(json!({
        "name": "w",
        "parent_id": null,
    }))
    .expect_err("created_at is required");
    assert_eq!(error.to_string(), "missing field `created_at`");

    // A required nullable field is read leniently: servers often drop null fields, so absent
    // decodes as `None` like an explicit null.
    let widget: Widget = serde_json::from_value(json!({
        "name": "w",
        "created_at": "2026-01-02T03:04:05Z",
    }))
    .expect("parent_id may be absent");
    assert_eq!(widget.parent_id, None);
}

#[test]
fn a_wrong_type_is_an_error_with_the_field_path() {
    let body =
        r#"{"name":"w","created_at":"2026-01-02T03:04:05Z","parent_id":null,"count":"three"}"#;
    let de = &mut serde_json::Deserializer::from_str(body);
    let error = serde_path_to_error::deserialize::<_, Widget>(de).expect_err("count is a number");
    assert_eq!(error.path().to_string(), "count");
    assert!(
        error
            .inner()
            .to_string()
            .contains("invalid type: string \"three\""),
        "{error}"
    );
}

#[test]
fn a_non_object_body_is_an_error_that_says_what_was_expected() {
    let error = serde_json::from_value::<Widget>(json!([1, 2])).expect_err("not an object");
    assert!(error.to_string().contains("a Widget object"), "{error}");
}

#[test]
fn a_serializer_error_from_a_field_is_returned() {
    // JSON map keys must be strings: a writer that fails on the first field must surface the
    // error from `end`, not drop it.
    let widget: Widget = serde_json::from_value(full_widget()).expect("decodes");
    let mut failing = FailingWriter;
    let error = serde_json::to_writer(&mut failing, &widget).expect_err("the writer fails");
    assert!(error.is_io(), "{error}");
}

struct FailingWriter;

impl std::io::Write for FailingWriter {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk full"))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
