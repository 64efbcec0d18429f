//! `planasonix_codegen::release` on crates generated into a scratch folder under `target/`:
//! the version is bumped by what changed since the recorded spec, a CHANGELOG entry lists the
//! changes, the recorded spec follows the new one, and releasing twice changes nothing.

use planasonix_codegen::diff::{Bump, Version};
use planasonix_codegen::release::{RECORDED_JSON, RECORDED_YAML, recorded_spec, release};
use planasonix_codegen::{Error, Generator, check_crate, has_marker, write_crate};
use std::path::{Path, PathBuf};

fn fixture(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../diff-fixtures")
        .join(case)
        .join(file)
}

/// An empty scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("release-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Generates a crate from `spec` into `out` the way `planasonix-codegen generate` does.
fn generate(spec: &Path, out: &Path) {
    let generated = Generator::new(spec)
        .record_spec(true)
        .generate()
        .expect("the spec generates");
    let files = generated.crate_files(out).expect("crate files");
    write_crate(&files, out).expect("written");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn version(out: &Path) -> String {
    read(&out.join("Cargo.toml"))
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("a version line")
        .trim_matches('"')
        .to_string()
}

/// Whether the folder is exactly what its recorded spec produces (what `generate --check` checks).
fn up_to_date(spec: &Path, out: &Path) -> bool {
    let generated = Generator::new(spec)
        .record_spec(true)
        .generate()
        .expect("the spec generates");
    let files = generated.crate_files(out).expect("crate files");
    check_crate(&files, out).is_empty()
}

#[test]
fn generate_records_the_spec() {
    let out = scratch("records").join("client");
    let old = fixture("mixed", "old.yaml");
    generate(&old, &out);
    let recorded = recorded_spec(&out).expect("a recorded spec");
    assert_eq!(recorded, out.join(RECORDED_YAML));
    let text = read(&recorded);
    assert!(has_marker(&text), "{text}");
    assert!(
        text.ends_with(&read(&old)),
        "the copy is the spec below one comment line"
    );
    // The copy is a valid spec that lowers to the same API.
    let copy = Generator::new(&recorded)
        .generate()
        .expect("the copy generates");
    let original = Generator::new(&old).generate().expect("the spec generates");
    assert!(
        planasonix_codegen::diff::diff(&original.api, &copy.api)
            .changes
            .is_empty()
    );
}

#[test]
fn breaking_release_bumps_minor_before_1_0_and_writes_the_changelog() {
    let out = scratch("breaking").join("client");
    generate(&fixture("mixed", "old.yaml"), &out);
    assert_eq!(version(&out), "0.1.0");

    let new = fixture("mixed", "new.yaml");
    let r = release(&new, &out).expect("released");
    assert_eq!(r.previous, Version::new(0, 1, 0));
    assert_eq!(r.version, Version::new(0, 2, 0));
    assert_eq!(r.bump, Bump::Minor);
    assert_eq!(version(&out), "0.2.0");

    let changelog = read(&out.join("CHANGELOG.md"));
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    for line in [
        "## 0.2.0",
        "### Breaking changes",
        "- type `Item`, field `color`: field removed (`color` is gone)",
        "### Additions",
        "- type `Color`: new value \"blue\"",
        "### Documentation",
        "- operation `getItem` (GET /items/{id}): summary changed",
    ] {
        assert!(changelog.contains(line), "missing {line:?} in\n{changelog}");
    }
    assert_eq!(
        r.changelog_entry.as_deref().map(|e| changelog.contains(e)),
        Some(true)
    );

    // The recorded spec is the new one, and the folder is what it produces.
    assert!(read(&out.join(RECORDED_YAML)).ends_with(&read(&new)));
    assert!(up_to_date(&new, &out));
    // The removed field is gone from the code too.
    assert!(!read(&out.join("src/models.rs")).contains("pub color:"));
}

#[test]
fn releasing_the_same_spec_again_is_a_no_op() {
    let out = scratch("no-op").join("client");
    generate(&fixture("mixed", "old.yaml"), &out);
    let new = fixture("mixed", "new.yaml");
    release(&new, &out).expect("first release");
    let changelog = read(&out.join("CHANGELOG.md"));
    let manifest = read(&out.join("Cargo.toml"));

    let r = release(&new, &out).expect("second release");
    assert_eq!(r.bump, Bump::None);
    assert_eq!(r.version, Version::new(0, 2, 0));
    assert!(r.diff.changes.is_empty());
    assert!(r.changelog_entry.is_none());
    assert!(r.written.written.is_empty(), "{:?}", r.written);
    assert_eq!(read(&out.join("CHANGELOG.md")), changelog);
    assert_eq!(read(&out.join("Cargo.toml")), manifest);
}

#[test]
fn releases_stack_up_newest_first() {
    let out = scratch("stack").join("client");
    generate(&fixture("enum-value-added", "old.yaml"), &out);
    // 0.1.0 -> 0.1.1: an additive change is a patch before 1.0.
    let r = release(&fixture("enum-value-added", "new.yaml"), &out).expect("additive");
    assert_eq!(r.version, Version::new(0, 1, 1));
    // The next spec removes an operation: 0.1.1 -> 0.2.0.
    let r = release(&fixture("operation-removed", "new.yaml"), &out).expect("breaking");
    assert_eq!(r.version, Version::new(0, 2, 0));
    let changelog = read(&out.join("CHANGELOG.md"));
    let newest = changelog.find("## 0.2.0").expect("0.2.0 entry");
    let older = changelog.find("## 0.1.1").expect("0.1.1 entry");
    assert!(newest < older, "{changelog}");
    // `operation-removed/new.yaml` has `blue` no more, so that is listed too.
    assert!(changelog.contains("operation removed"), "{changelog}");
    assert!(changelog.contains("value \"blue\" removed"), "{changelog}");
}

#[test]
fn a_1_x_crate_gets_a_major_bump_for_breaking_changes() {
    let out = scratch("major").join("client");
    generate(&fixture("field-removed", "old.yaml"), &out);
    let manifest = out.join("Cargo.toml");
    let text = read(&manifest).replace("version = \"0.1.0\"", "version = \"1.4.2\"");
    std::fs::write(&manifest, text).expect("write");
    let r = release(&fixture("field-removed", "new.yaml"), &out).expect("released");
    assert_eq!(r.bump, Bump::Major);
    assert_eq!(version(&out), "2.0.0");
}

#[test]
fn regenerated_sources_without_api_changes_are_a_patch() {
    let out = scratch("regenerated").join("client");
    let spec = fixture("identical", "old.yaml");
    generate(&spec, &out);
    // Stands in for a newer generator: the sources differ from what the spec produces.
    let models = out.join("src/models.rs");
    let text = read(&models) + "// an older generator wrote this\n";
    std::fs::write(&models, text).expect("write");
    let r = release(&spec, &out).expect("released");
    assert!(r.diff.changes.is_empty());
    assert_eq!(r.bump, Bump::Patch);
    assert_eq!(version(&out), "0.1.1");
    let entry = r.changelog_entry.expect("an entry");
    assert!(entry.contains("No API changes"), "{entry}");
    assert!(up_to_date(&spec, &out));
}

#[test]
fn a_json_spec_is_recorded_as_json_and_replaced_when_the_format_changes() {
    let dir = scratch("json");
    let out = dir.join("client");
    // The same API as `mixed/old.yaml`, written as JSON.
    let old_yaml = read(&fixture("mixed", "old.yaml"));
    let tree = planasonix_codegen::load::parse_tree(&old_yaml).expect("valid YAML");
    let json_spec = dir.join("old.json");
    std::fs::write(&json_spec, tree.to_string()).expect("write");
    generate(&json_spec, &out);
    let recorded = recorded_spec(&out).expect("recorded");
    assert_eq!(recorded, out.join(RECORDED_JSON));
    let text = read(&recorded);
    assert!(has_marker(&text), "{text}");
    assert!(
        text.starts_with("{\n  \"x-generated\": \"@generated"),
        "{text}"
    );

    let r = release(&fixture("mixed", "new.yaml"), &out).expect("released");
    assert_eq!(r.bump, Bump::Minor);
    assert_eq!(recorded_spec(&out), Some(out.join(RECORDED_YAML)));
    assert!(!out.join(RECORDED_JSON).exists());
}

#[test]
fn a_crate_without_a_recorded_spec_is_refused_with_advice() {
    let out = scratch("unrecorded").join("client");
    let spec = fixture("mixed", "old.yaml");
    let generated = Generator::new(&spec).generate().expect("generates");
    write_crate(&generated.crate_files(&out).expect("files"), &out).expect("written");
    let err = release(&fixture("mixed", "new.yaml"), &out).expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("records no spec"), "{message}");
    assert!(
        message.contains("planasonix-codegen generate --spec"),
        "{message}"
    );

    let missing = scratch("missing").join("client");
    let err = release(&spec, &missing).expect_err("refused");
    assert!(matches!(err, Error::Read { .. }), "{err}");
    assert!(err.to_string().contains("no generated crate"), "{err}");
}
