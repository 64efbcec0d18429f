//! `planasonix_codegen::diff` over the spec pairs in `tests/diff-fixtures/<case>/{old,new}.yaml`:
//! every change is found, classified (breaking, additive, docs) and turned into the right semver
//! bump, for a crate at 1.x and for one at 0.x (where cargo treats the minor as the major).

use planasonix_codegen::Generator;
use planasonix_codegen::diff::{ApiDiff, Bump, Impact, Version, diff};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use Impact::{Additive, Breaking, Docs};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../diff-fixtures")
}

fn diff_case(case: &str) -> ApiDiff {
    let dir = fixtures().join(case);
    let lower = |file: &str| {
        Generator::new(dir.join(file))
            .generate()
            .unwrap_or_else(|e| panic!("{case}/{file} does not generate:\n{e}"))
            .api
    };
    diff(&lower("old.yaml"), &lower("new.yaml"))
}

/// `(case, [(kind, impact)], bump at 1.4.2, bump at 0.3.1)`.
type Case = (&'static str, &'static [(&'static str, Impact)], Bump, Bump);

const CASES: &[Case] = &[
    ("identical", &[], Bump::None, Bump::None),
    (
        "operation-removed",
        &[("operation_removed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "operation-added",
        &[("operation_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "operation-moved",
        &[("operation_moved", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "operation-deprecated",
        &[("operation_deprecated", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "parameter-required-added",
        &[("parameter_added", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "parameter-optional-added",
        &[("parameter_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "parameter-removed",
        &[("parameter_removed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "parameter-type-changed",
        &[("parameter_type_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "parameter-became-required",
        &[("parameter_required_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "body-media-type-added",
        &[
            ("body_type_changed", Breaking),
            ("body_media_type_added", Breaking),
        ],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "field-type-changed",
        &[("field_type_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "field-removed",
        &[("field_removed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "field-required-in-request",
        &[("field_presence_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "field-optional-added",
        &[("field_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "field-required-added-response",
        &[("field_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "field-required-added-request",
        &[("field_added", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "enum-value-removed",
        &[("enum_value_removed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "enum-value-added",
        &[("enum_value_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "response-type-changed",
        &[("response_type_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "success-status-added",
        &[("response_type_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "error-response-added",
        &[("error_response_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "error-responses-removed",
        &[("error_type_changed", Breaking)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "security-added",
        &[("security_scheme_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "security-removed",
        &[
            ("security_scheme_removed", Breaking),
            ("security_scheme_added", Additive),
        ],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "servers-changed",
        &[("default_server_changed", Additive), ("server_added", Docs)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "type-added",
        &[("type_added", Additive)],
        Bump::Minor,
        Bump::Patch,
    ),
    (
        "docs-only",
        &[
            ("api_info", Docs),
            ("api_info", Docs),
            ("operation_docs", Docs),
            ("response_docs", Docs),
            ("field_docs", Docs),
        ],
        Bump::Patch,
        Bump::Patch,
    ),
    (
        "mixed",
        &[
            ("field_removed", Breaking),
            ("enum_value_added", Additive),
            ("operation_docs", Docs),
        ],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "union-variant-added",
        &[("union_variant_added", Breaking), ("type_added", Additive)],
        Bump::Major,
        Bump::Minor,
    ),
    (
        "pagination-added",
        &[
            ("response_type_changed", Breaking),
            ("parameter_added", Additive),
            ("pagination_added", Additive),
            ("field_added", Additive),
        ],
        Bump::Major,
        Bump::Minor,
    ),
];

#[test]
fn every_case_is_classified() {
    let mut failures = Vec::new();
    for (case, expected, bump_1x, bump_0x) in CASES {
        let d = diff_case(case);
        let found: Vec<(&str, Impact)> = d
            .changes
            .iter()
            .map(|c| (c.kind.as_str(), c.impact))
            .collect();
        if found != *expected {
            failures.push(format!(
                "{case}: expected {expected:?}\n  found {found:?}\n{}",
                d.render_text(Version::new(1, 0, 0))
            ));
        }
        let v1 = Version::new(1, 4, 2);
        let v0 = Version::new(0, 3, 1);
        if d.bump(v1) != *bump_1x || d.bump(v0) != *bump_0x {
            failures.push(format!(
                "{case}: expected bumps {bump_1x}/{bump_0x}, found {}/{}",
                d.bump(v1),
                d.bump(v0)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_has_a_case() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures())
        .expect("tests/diff-fixtures exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(on_disk, listed);
}

#[test]
fn changes_are_located() {
    let d = diff_case("parameter-required-added");
    let change = &d.changes[0];
    assert_eq!(
        change.location,
        "operation `getItem` (GET /items/{id}), query parameter `expand`"
    );
    assert_eq!(change.pointer, "#/paths/~1items~1{id}/get/parameters");
    assert!(change.message.contains("`expand: String`"), "{change}");

    let d = diff_case("field-removed");
    assert_eq!(
        d.changes[0].pointer,
        "#/components/schemas/Item/properties/color"
    );
    // Removals point into the old spec.
    let d = diff_case("operation-removed");
    assert_eq!(d.changes[0].pointer, "#/paths/~1items~1{id}/get");
}

#[test]
fn breaking_changes_come_first() {
    let d = diff_case("mixed");
    let impacts: Vec<Impact> = d.changes.iter().map(|c| c.impact).collect();
    let mut sorted = impacts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(impacts, sorted);
}

#[test]
fn json_report_has_changes_and_bump() {
    let d = diff_case("mixed");
    let json = d.to_json(Version::new(0, 3, 1));
    assert_eq!(json["bump"], "minor");
    assert_eq!(json["current_version"], "0.3.1");
    assert_eq!(json["next_version"], "0.4.0");
    assert_eq!(json["summary"]["breaking"], 1);
    let changes = json["changes"].as_array().expect("changes array");
    assert_eq!(changes.len(), 3);
    for c in changes {
        for key in ["kind", "severity", "location", "pointer", "message"] {
            assert!(c[key].is_string(), "{key} missing in {c}");
        }
    }
    assert_eq!(changes[0]["kind"], "field_removed");
    assert_eq!(changes[0]["severity"], "breaking");

    let none = diff_case("identical").to_json(Version::new(1, 0, 0));
    assert_eq!(none["bump"], "none");
    assert_eq!(none["changes"].as_array().map(Vec::len), Some(0));
}

#[test]
fn text_report_ends_with_the_bump() {
    let text = diff_case("enum-value-removed").render_text(Version::new(1, 0, 0));
    assert!(
        text.starts_with("breaking: type `Color`: value \"green\" removed"),
        "{text}"
    );
    assert!(
        text.ends_with("1 breaking, 0 additive, 0 docs\nbump: major (1.0.0 -> 2.0.0)\n"),
        "{text}"
    );
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/planasonix.yaml");
    let lower = || {
        Generator::new(&spec)
            .generate()
            .expect("the spec generates")
            .api
    };
    let d = diff(&lower(), &lower());
    assert!(
        d.changes.is_empty(),
        "{}",
        d.render_text(Version::new(1, 0, 0))
    );
}
