//! Every spec under `tests/malformed/` has exactly one problem. The generator must reject each one
//! with `Error::InvalidSpec`, never panic, and name the problem where it is: the expected JSON
//! pointer and a message fragment are written in the file's first lines,
//!
//! ```yaml
//! # expect-pointer: #/paths/~1pets/get/parameters/0/in
//! # expect-message: unknown parameter location
//! # expect-line: 7
//! ```
//!
//! (`expect-line` is optional: the line the parser reports, for syntax errors), or, for inputs that cannot carry YAML comments (JSON, bytes that are not UTF-8, an empty file),
//! in [`NON_YAML`] below.

use planasonix_codegen::{Diagnostic, Error, Generator};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Expectations for the files that cannot carry them in comments:
/// `(file, pointer, message fragment, line)`.
const NON_YAML: &[(&str, &str, &str, Option<usize>)] = &[
    (
        "json-info-version-number.json",
        "#/info/version",
        "expected a string, found the number 1",
        None,
    ),
    (
        "json-trailing-comma.json",
        "#",
        "invalid JSON: trailing comma",
        Some(3),
    ),
    ("not-utf8.bin", "#", "not UTF-8", Some(3)),
    ("zero-bytes.yaml", "#", "the spec is empty", None),
];

/// What one malformed file must produce.
#[derive(Debug)]
struct Expectation {
    pointer: String,
    message: String,
    line: Option<usize>,
}

fn malformed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../malformed")
}

fn malformed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(malformed_dir())
        .expect("tests/malformed exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// The expectation of a file: from [`NON_YAML`], else from its `# expect-…:` header lines.
fn expectation(name: &str, bytes: &[u8]) -> Result<Expectation, String> {
    if let Some((_, pointer, message, line)) = NON_YAML.iter().find(|(n, ..)| *n == name) {
        return Ok(Expectation {
            pointer: (*pointer).to_string(),
            message: (*message).to_string(),
            line: *line,
        });
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "not UTF-8 and not listed in NON_YAML".to_string())?;
    let header = |key: &str| {
        text.lines()
            .take_while(|l| l.starts_with('#'))
            .find_map(|l| l.strip_prefix(&format!("# {key}:")))
            .map(|v| v.trim().to_string())
    };
    let pointer = header("expect-pointer").ok_or("no `# expect-pointer:` line")?;
    let message = header("expect-message").ok_or("no `# expect-message:` line")?;
    let line = match header("expect-line") {
        Some(l) => Some(l.parse().map_err(|_| format!("bad `# expect-line: {l}`"))?),
        None => None,
    };
    Ok(Expectation {
        pointer,
        message,
        line,
    })
}

/// Runs the generator, turning a panic into an `Err` with the panic message.
fn generate(
    name: &str,
    bytes: Vec<u8>,
) -> Result<planasonix_codegen::Result<planasonix_codegen::Generated>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        Generator::from_bytes(name, bytes).generate()
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_else(|| "<non-string panic payload>".to_string())
    })
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("    {}", d.to_string().replace('\n', "\n    ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks one file; `Err` describes every way it falls short.
fn check(path: &Path) -> Result<(), String> {
    let name = file_name(path);
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let expected = expectation(&name, &bytes)?;
    let want = format!(
        "expected: error at {} containing {:?}{}",
        expected.pointer,
        expected.message,
        expected
            .line
            .map(|l| format!(" on line {l}"))
            .unwrap_or_default()
    );
    let diagnostics = match generate(&name, bytes) {
        Err(panic) => return Err(format!("{want}\n  got: PANIC: {panic}")),
        Ok(Ok(_)) => return Err(format!("{want}\n  got: generation succeeded")),
        Ok(Err(Error::InvalidSpec { diagnostics })) => diagnostics,
        Ok(Err(other)) => return Err(format!("{want}\n  got: another error kind: {other}")),
    };
    let mut problems = Vec::new();
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let wanted_message = expected.message.to_lowercase();
    let matching = errors.iter().find(|d| {
        d.pointer == expected.pointer && d.message.to_lowercase().contains(&wanted_message)
    });
    match matching {
        None => {
            problems.push("no error diagnostic has the expected pointer and message".to_string())
        }
        Some(d) => {
            if let Some(line) = expected.line {
                if d.line_col.map(|(l, _)| l) != Some(line) {
                    problems.push(format!(
                        "the error is located at {:?}, not on line {line}",
                        d.line_col
                    ));
                }
            }
        }
    }
    for d in &errors {
        if !d.pointer.starts_with('#') {
            problems.push(format!("error without a `#…` pointer: {:?}", d.message));
        }
        if d.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
            problems.push(format!(
                "error without help: {:?} at {}",
                d.message, d.pointer
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{want}\n  problems: {}\n  got:\n{}",
            problems.join("; "),
            render(&diagnostics)
        ))
    }
}

#[test]
fn every_malformed_spec_is_rejected_with_a_located_error() {
    let files = malformed_files();
    assert!(
        files.len() >= 30,
        "only {} malformed specs in tests/malformed",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            check(path)
                .err()
                .map(|e| format!("{}:\n  {e}", file_name(path)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} malformed specs are not rejected as expected:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_non_yaml_expectation_names_an_existing_file() {
    for (name, ..) in NON_YAML {
        assert!(
            malformed_dir().join(name).is_file(),
            "NON_YAML lists {name}, which does not exist"
        );
    }
}

#[test]
fn rendered_error_shows_pointer_message_and_help() {
    let path = malformed_dir().join("parameter-in-body.yaml");
    let bytes = std::fs::read(&path).expect("fixture");
    let err = Generator::from_bytes("parameter-in-body.yaml", bytes)
        .generate()
        .expect_err("the spec is invalid");
    let text = err.to_string();
    for needle in [
        "error: ",
        "unknown parameter location `body`",
        "--> #/paths/~1pets/post/parameters/0/in",
        "= help: ",
        "the spec has 1 error",
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} is not in the rendered error:\n{text}"
        );
    }
    // `Debug` (what `main` and build scripts print) is the same text.
    assert_eq!(format!("{err:?}"), text);
}

#[test]
fn rendered_syntax_error_shows_line_and_column() {
    let err = Generator::from_bytes(
        "broken.yaml",
        "openapi: 3.0.3\ninfo: {title: t\npaths: {}\n",
    )
    .generate()
    .expect_err("the spec is invalid");
    let text = err.to_string();
    assert!(text.contains("--> # (line "), "no line in:\n{text}");
    assert!(text.contains("= help: "), "no help in:\n{text}");
}

#[test]
fn independent_errors_are_all_reported_at_once() {
    let spec = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Missing'}
  /pets/{petId}:
    get: fetch one pet
  /owners:
    post:
      operationId: createOwner
      parameters:
        - {name: owner, in: body, schema: {type: object}}
      responses:
        "201": {description: created}
  /toys:
    get:
      operationId: listToys
      responses:
        "200": {description: ok}
"##;
    let err = Generator::from_bytes("three-errors.yaml", spec)
        .generate()
        .expect_err("the spec is invalid");
    let Error::InvalidSpec { diagnostics } = &err else {
        panic!("expected InvalidSpec, got {err}");
    };
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let expected = [
        (
            "#/paths/~1pets/get/responses/200/content/application~1json/schema",
            "unresolvable reference",
        ),
        (
            "#/paths/~1pets~1{petId}/get",
            "expected an Operation object",
        ),
        (
            "#/paths/~1owners/post/parameters/0/in",
            "unknown parameter location",
        ),
    ];
    for (pointer, message) in expected {
        assert!(
            errors
                .iter()
                .any(|d| d.pointer == pointer && d.message.contains(message)),
            "no error {message:?} at {pointer}; got:\n{err}"
        );
    }
    assert_eq!(
        errors.len(),
        3,
        "exactly the three problems are errors; got:\n{err}"
    );
}
