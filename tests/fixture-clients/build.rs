//! Generates a client for every spec in `tests/fixtures/` into `OUT_DIR`, one module each, the
//! way a build-script user would (single file, `include!`d).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut specs: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    specs.sort();
    let mut modules = String::new();
    for spec in specs {
        println!("cargo:rerun-if-changed={}", spec.display());
        let stem = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name");
        let module = stem.replace('-', "_");
        let generated = planasonix_codegen::Generator::new(&spec)
            .generate()
            .unwrap_or_else(|e| panic!("{}:\n{e}", spec.display()));
        let text = generated
            .single_file()
            .unwrap_or_else(|e| panic!("{}:\n{e}", spec.display()));
        let file = Path::new(&out_dir).join(format!("{module}.rs"));
        if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&file, text).expect("OUT_DIR is writable");
        }
        let _ = writeln!(
            modules,
            "#[doc = \"Client generated from `tests/fixtures/{}`.\"]\npub mod {module} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{module}.rs\"));\n}}",
            spec.file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
        );
    }
    std::fs::write(Path::new(&out_dir).join("fixtures.rs"), modules).expect("OUT_DIR is writable");
}
