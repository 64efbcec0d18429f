//! Every fixture spec under `tests/fixtures/` and `spec/planasonix.yaml` is generated and its
//! output compared with the reviewed snapshot. Update snapshots with `cargo insta review` (or
//! `INSTA_UPDATE=always`); CI never writes them (`INSTA_UPDATE=no` in scripts/test).

use planasonix_codegen::Generator;
use std::collections::BTreeMap;
use std::path::Path;

/// The generated crate's files minus the runtime (which is copied verbatim and tested on its
/// own), as one text with a separator line per file.
fn render(spec: &Path) -> String {
    let generated = Generator::new(spec)
        .regenerate_command("planasonix-codegen generate")
        .generate()
        .unwrap_or_else(|e| panic!("{} does not generate:\n{e}", spec.display()));
    let files: BTreeMap<String, String> = generated
        .crate_files(Path::new("/nonexistent/generated-crate"))
        .expect("crate files");
    let mut out = String::new();
    for (path, text) in files.iter().filter(|(p, _)| !p.starts_with("src/runtime/")) {
        out.push_str(&format!("=== {path}\n{text}\n"));
    }
    if !generated.warnings.is_empty() {
        out.push_str("=== warnings\n");
        for w in &generated.warnings {
            out.push_str(&format!("{w}\n"));
        }
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("../../fixtures", "*.{yaml,json}", |path| {
        insta::assert_snapshot!(render(path));
    });
}

#[test]
fn planasonix_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/planasonix.yaml");
    insta::assert_snapshot!("planasonix", render(&spec));
}

#[test]
fn output_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .collect();
    specs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/planasonix.yaml"));
    for spec in specs {
        let first = render(&spec);
        let second = render(&spec);
        assert!(
            first == second,
            "{} generated different bytes on two runs",
            spec.display()
        );
        let single_a = Generator::new(&spec)
            .generate()
            .and_then(|g| g.single_file())
            .expect("single file");
        let single_b = Generator::new(&spec)
            .generate()
            .and_then(|g| g.single_file())
            .expect("single file");
        assert!(
            single_a == single_b,
            "{} single-file output differs between runs",
            spec.display()
        );
    }
}
