//! The generator in a build script, driven through real `cargo build`s into a target folder of
//! their own under `target/` (the first run compiles the consumer's dependencies once; later runs
//! reuse them):
//!
//! - a no-op rebuild of `tests/buildrs-consumer` neither reruns its build script nor touches the
//!   generated file in `OUT_DIR`; touching the spec reruns the generator, which leaves the file
//!   alone because its bytes did not change; editing the spec regenerates it;
//! - a broken spec fails the build with the located message, not a panic;
//! - the consumer depends on exactly what `planasonix_codegen::DEPENDENCIES` lists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("buildrs")
}

/// Reads one `--message-format=json` line with the generator's own loader (a
/// `serde_json::Value`), so this crate needs no JSON dependency of its own.
macro_rules! json {
    ($line:expr) => {
        planasonix_codegen::load::parse_tree($line).expect("cargo prints JSON")
    };
}

/// Whether message `m` has this `reason` and is about `package` (its `package_id` contains it).
macro_rules! about {
    ($m:expr, $package:expr, $reason:expr) => {
        $m["reason"] == $reason
            && $m["package_id"]
                .as_str()
                .is_some_and(|id| id.contains($package))
    };
}

/// What one `cargo build` did.
struct Build {
    success: bool,
    stderr: String,
    /// `--message-format=json` lines.
    messages: Vec<String>,
    elapsed: Duration,
}

fn cargo_build(dir: &Path, args: &[&str], json: bool) -> Build {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // Shared with scripts/corpus-check, so the clients' dependencies compile once per machine.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nested-target");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .arg("build")
        .arg("--target-dir")
        .arg(&target)
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUST_BACKTRACE")
        // As the workspace's dev profile does for dependencies: line tables keep the shared
        // target folder small.
        .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
    if json {
        cmd.arg("--message-format=json");
    }
    let started = Instant::now();
    let output = cmd.output().expect("cargo runs");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    Build {
        success: output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        messages: stdout
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(str::to_string)
            .collect(),
        elapsed,
    }
}

impl Build {
    fn assert_ok(&self, what: &str) {
        assert!(self.success, "{what} failed:\n{}", self.stderr);
    }

    /// The package's `OUT_DIR`.
    fn out_dir(&self, package: &str) -> PathBuf {
        for line in &self.messages {
            let m = json!(line);
            if about!(m, package, "build-script-executed") {
                if let Some(dir) = m["out_dir"].as_str() {
                    return PathBuf::from(dir);
                }
            }
        }
        panic!("no build-script-executed message for {package}")
    }

    /// Whether the package's library was fresh (not recompiled).
    fn lib_fresh(&self, package: &str) -> bool {
        self.messages.iter().all(|line| {
            let m = json!(line);
            let lib = m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "lib"));
            !(about!(m, package, "compiler-artifact") && lib) || m["fresh"] == true
        })
    }
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn touch(path: &Path) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .unwrap_or_else(|e| panic!("touch {}: {e}", path.display()));
}

/// A crate outside the workspace under `target/` whose build script generates from `spec`.
/// Its library only embeds the generated text, so building it needs just the generator.
fn throwaway(name: &str, spec: &str) -> PathBuf {
    let dir = scratch().join("crates").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("crate folder");
    let generator = workspace().join("generator");
    let files = [
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[build-dependencies]\nplanasonix-codegen = {{ path = {:?} }}\n",
                generator.display().to_string()
            ),
        ),
        (
            "build.rs",
            "fn main() -> Result<(), planasonix_codegen::Error> {\n    planasonix_codegen::build(\"openapi.yaml\")?;\n    Ok(())\n}\n".to_string(),
        ),
        (
            "src/lib.rs",
            "//! Embeds the generated client as text.\n\n/// The generated file.\npub const GENERATED: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/throwaway.rs\"));\n".to_string(),
        ),
        ("openapi.yaml", spec.to_string()),
    ];
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write");
    }
    // The workspace's lock file pins the same versions, so nothing new is resolved.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    dir
}

const THROWAWAY_SPEC: &str = r#"openapi: 3.0.3
info: {title: Throwaway, version: "1"}
paths:
  /widgets:
    get:
      operationId: listWidgets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"#;

#[test]
fn a_no_op_rebuild_does_not_regenerate() {
    let root = workspace();
    let package = "buildrs-consumer";
    let args = ["-p", package];

    let first = cargo_build(&root, &args, true);
    first.assert_ok("first build");
    let out_dir = first.out_dir(package);
    let generated = out_dir.join("widgets.rs");
    let script_output = out_dir.with_file_name("output");
    let (generated_at, script_ran_at) = (mtime(&generated), mtime(&script_output));

    let second = cargo_build(&root, &args, true);
    second.assert_ok("second build");
    assert!(
        second.lib_fresh(package),
        "the no-op rebuild recompiled the crate"
    );
    assert_eq!(
        mtime(&script_output),
        script_ran_at,
        "the build script reran"
    );
    assert_eq!(
        mtime(&generated),
        generated_at,
        "the generated file was rewritten"
    );

    // Touching the spec reruns the generator (`rerun-if-changed`), which does not rewrite a
    // file whose bytes are unchanged.
    touch(&root.join("tests/buildrs-consumer/openapi.yaml"));
    let third = cargo_build(&root, &args, true);
    third.assert_ok("build after touching the spec");
    assert!(
        mtime(&script_output) > script_ran_at,
        "touching the spec did not rerun the build script"
    );
    assert_eq!(
        mtime(&generated),
        generated_at,
        "the generated file was rewritten with the same bytes"
    );
    eprintln!(
        "buildrs-consumer: first build {:.2?}, no-op rebuild {:.2?} (crate fresh: {}), after touching the spec {:.2?} (crate fresh: {})",
        first.elapsed,
        second.elapsed,
        second.lib_fresh(package),
        third.elapsed,
        third.lib_fresh(package)
    );
}

#[test]
fn an_edited_spec_regenerates() {
    let dir = throwaway("spec-edit", THROWAWAY_SPEC);
    let first = cargo_build(&dir, &[], true);
    first.assert_ok("first build");
    let generated = first.out_dir("spec-edit").join("throwaway.rs");
    let before = std::fs::read_to_string(&generated).expect("generated file");
    assert!(before.contains("pub struct ListWidgets"), "{before}");
    let generated_at = mtime(&generated);

    let edited = THROWAWAY_SPEC.replace(
        "  /widgets:\n",
        "  /widgets/{id}:\n    delete:\n      operationId: deleteWidget\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"204\": {description: deleted}\n  /widgets:\n",
    );
    std::fs::write(dir.join("openapi.yaml"), edited).expect("edit the spec");
    let second = cargo_build(&dir, &[], true);
    second.assert_ok("build after editing the spec");
    assert!(!second.lib_fresh("spec-edit"), "the crate was not rebuilt");
    let after = std::fs::read_to_string(&generated).expect("generated file");
    assert!(after.contains("pub struct DeleteWidget"), "{after}");
    assert!(mtime(&generated) > generated_at);
}

#[test]
fn a_spec_error_fails_the_build_with_its_location() {
    let spec = THROWAWAY_SPEC.replace(
        "      operationId: listWidgets\n",
        "      operationId: listWidgets\n      parameters:\n        - {name: id, in: body, schema: {type: string}}\n",
    );
    let dir = throwaway("broken-spec", &spec);
    let build = cargo_build(&dir, &[], false);
    assert!(!build.success, "a broken spec built:\n{}", build.stderr);
    let stderr = &build.stderr;
    for expected in [
        "failed to run custom build command for `broken-spec",
        "Error: error: ",
        "--> #/paths/~1widgets/get/parameters/0/in",
        "the spec has 1 error",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked at"), "{stderr}");
    assert!(
        !stderr.contains("InvalidSpec"),
        "a Debug struct dump:\n{stderr}"
    );
}

#[test]
fn the_consumer_depends_on_exactly_the_documented_dependencies() {
    let manifest = std::fs::read_to_string(workspace().join("tests/buildrs-consumer/Cargo.toml"))
        .expect("the consumer's Cargo.toml");
    let section: Vec<&str> = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .expect("a [dependencies] table")
        .split("\n[")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let names: BTreeSet<&str> = section
        .iter()
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .collect();
    let documented: BTreeSet<&str> = planasonix_codegen::DEPENDENCIES
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(names, documented);
}
