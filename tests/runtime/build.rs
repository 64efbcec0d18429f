//! Writes the runtime as one file of inline modules, the way build.rs users of the generator get
//! it (`pub mod runtime { pub mod client { … } … }`), so the tests also compile that form.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates/runtime");
    println!("cargo::rerun-if-changed={}", dir.display());
    let root = std::fs::read_to_string(dir.join("mod.rs")).expect("templates/runtime/mod.rs");
    let mut out = String::from("pub mod runtime {\n");
    for line in root.lines() {
        let module = line
            .strip_prefix("pub mod ")
            .and_then(|rest| rest.strip_suffix(';'));
        match module {
            Some(name) => {
                let path = dir.join(format!("{name}.rs"));
                println!("cargo::rerun-if-changed={}", path.display());
                let text = std::fs::read_to_string(&path).expect("runtime module");
                writeln!(out, "pub mod {name} {{\n{text}\n}}").expect("write");
            }
            None => writeln!(out, "{line}").expect("write"),
        }
    }
    out.push_str("}\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("runtime_inline.rs");
    std::fs::write(target, out).expect("write runtime_inline.rs");
}
