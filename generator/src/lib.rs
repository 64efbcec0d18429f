//! Generates typed async Rust clients from OpenAPI 3.0 and 3.1 documents.
//!
//! The usual way to use it is from a build script: the client is generated into `OUT_DIR` when
//! the spec changes and included into your crate, so it is always the spec's client and never a
//! file to keep in sync. To ship a client as a crate of its own instead, the same library (or the
//! `planasonix-codegen` command) writes a whole crate: see [Writing a crate](#writing-a-crate).
//!
//! # Example
//!
//! With the spec in `openapi.yaml` next to `Cargo.toml`, a crate needs three things. The
//! generator as a build dependency, and the client runtime's dependencies, which are listed in
//! [`DEPENDENCIES`]:
//!
//! ```toml
//! [build-dependencies]
//! planasonix-codegen = "0.1"
//!
//! [dependencies]
//! # one line per entry of planasonix_codegen::DEPENDENCIES, for example:
//! reqwest = { version = "0.13", default-features = false, features = ["rustls", "json", "http2", "charset", "multipart", "form", "stream"] }
//! serde = { version = "1", features = ["derive"] }
//! # …
//! ```
//!
//! ```
//! // Prints those `[dependencies]` lines, ready to paste.
//! for (name, spec) in planasonix_codegen::DEPENDENCIES {
//!     println!("{name} = {spec}");
//! }
//! # assert!(planasonix_codegen::DEPENDENCIES.iter().any(|(name, _)| *name == "reqwest"));
//! ```
//!
//! A `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), planasonix_codegen::Error> {
//!     planasonix_codegen::build("openapi.yaml")?;
//!     Ok(())
//! }
//! ```
//!
//! And one line in `src/lib.rs` (or in a module of its own), where `widgets` is the crate name the
//! spec gives (`info.x-rust-crate.name`, else its `info.title` in kebab case without filler words:
//! `Widgets API` → `widgets`), with `-` written `_`:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/widgets.rs"));
//! ```
//!
//! That brings in the modules `models` (the spec's schemas), `apis` (operations grouped by tag),
//! and `runtime` (the client, its builder, errors, pagination):
//!
//! ```ignore
//! let client = runtime::Client::builder()
//!     .api_key(std::env::var("WIDGETS_API_KEY")?)
//!     .build()?;
//! let widget = client.widgets().get("w_1").send().await?;
//! match client.widgets().get("nope").send().await {
//!     Err(runtime::Error::Api(e)) if e.status == 404 => println!("{:?}", e.message),
//!     other => println!("{other:?}"),
//! }
//! ```
//!
//! `tests/buildrs-consumer` in this repository is such a crate, with tests against a mock server.
//!
//! ## What `build` takes care of
//!
//! - **Rebuilds only when needed.** It prints `cargo:rerun-if-changed` for the spec, so cargo
//!   reruns the build script only when the spec (or the generator) changes, and it writes the
//!   output file only when its bytes change, so even a rerun that produces the same code leaves
//!   the file's modification time alone. A no-op `cargo build` does not rerun the build script
//!   nor recompile the crate.
//! - **Readable failures.** A spec the generator cannot use fails the build with every problem
//!   found, each located by a JSON pointer (and a line where the parser knows it) with advice,
//!   not a panic: [`Error`]'s `Debug` output is its human-readable `Display`, which is what cargo
//!   shows when `main` returns it:
//!
//!   ```text
//!   error: failed to run custom build command for `widgets v0.1.0`
//!   …
//!     --- stderr
//!     Error: error: unknown parameter location `body`
//!       --> #/paths/~1widgets/get/parameters/0/in
//!       = help: a parameter is `in: path`, `query`, `header` or `cookie`; …
//!     the spec has 1 error
//!   ```
//! - **Warnings.** Constructs accepted with a downgrade (an untyped JSON fallback, a repaired
//!   construct) are printed as `cargo:warning=` lines.
//!
//! # Options
//!
//! [`build`] is a shorthand for [`Generator::new`]`(spec)`, [`Generator::generate`], then
//! [`Generated::single_file`] written to `$OUT_DIR/<crate name>.rs`. Use [`Generator`] directly
//! to choose anything else; its setters take and return `&mut Self`.
//!
//! ## `Generator::new` and `Generator::from_bytes`: where the spec comes from
//!
//! [`Generator::new`] reads a YAML or JSON file; [`Generator::from_bytes`] takes the bytes (a spec
//! fetched or assembled by the build script), with a label that names them in messages:
//!
//! ```
//! let spec = br#"{"openapi": "3.0.3", "info": {"title": "Pets API", "version": "1"}, "paths": {}}"#;
//! let generated = planasonix_codegen::Generator::from_bytes("pets.json", spec.to_vec()).generate()?;
//! assert_eq!(generated.crate_name, "pets");
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! ## `crate_name`: the crate name and the output file's name
//!
//! The crate name decides the output file's name, the client's user agent and the prefix of its
//! environment variables (`WIDGETS_API_KEY`, `WIDGETS_BASE_URL`). Set it when the spec's title is
//! not the name you want, and write the file yourself, still only when it changed:
//!
//! ```no_run
//! // build.rs
//! use std::path::PathBuf;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let spec = "../spec/acme.yaml";
//!     println!("cargo:rerun-if-changed={spec}");
//!     let generated = planasonix_codegen::Generator::new(spec)
//!         .crate_name("acme-api")
//!         .generate()?;
//!     for warning in &generated.warnings {
//!         println!("cargo:warning={}", warning.to_string().replace('\n', " "));
//!     }
//!     let code = generated.single_file()?;
//!     let out = PathBuf::from(std::env::var("OUT_DIR")?).join("acme_api.rs");
//!     if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
//!         std::fs::write(&out, code)?;
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## `regenerate_command`: the command in each file's header
//!
//! Every generated file starts with an `@generated` marker and the command that regenerates it
//! (by default `planasonix-codegen generate --spec <spec> --out <folder>`, or "the build script"
//! for [`single_file`](Generated::single_file)). Name your own when an `xtask` or script does it:
//!
//! ```no_run
//! let generated = planasonix_codegen::Generator::new("spec/acme.yaml")
//!     .regenerate_command("cargo xtask codegen")
//!     .generate()?;
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! ## `generate`: the lowered API, without writing anything
//!
//! [`Generator::generate`] loads and checks the spec and lowers it into the [`ir::Api`] every
//! output is made from; it touches no file. A spec with errors gives
//! [`Error::InvalidSpec`] listing all of them; [`Generated::warnings`] lists the downgrades:
//!
//! ```no_run
//! let generated = planasonix_codegen::Generator::new("openapi.yaml").generate()?;
//! let stats = generated.api.stats();
//! println!("{}: {} operations, {} types", generated.crate_name, stats.operations, stats.types);
//! for untyped in &generated.api.untyped {
//!     println!("untyped JSON at {}: {}", untyped.pointer, untyped.reason);
//! }
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! ## `single_file`: one file for `include!`
//!
//! [`Generated::single_file`] is the whole client as one formatted file of inline modules, the
//! runtime included: what [`build`] writes.
//!
//! ```no_run
//! let code = planasonix_codegen::Generator::new("openapi.yaml").generate()?.single_file()?;
//! assert!(code.contains("pub mod models"));
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! # Writing a crate
//!
//! [`Generated::crate_files`] gives every file of a standalone client crate (`Cargo.toml`,
//! `README.md`, `src/…`); [`write_crate`] writes them, touching only files whose bytes changed
//! and never overwriting a file without the `@generated` marker (the crate's `tests/` and
//! `examples/` are yours); [`check_crate`] compares a folder with them without writing, for CI.
//! An existing generated `Cargo.toml` keeps its version. With [`Generator::record_spec`] the
//! crate also keeps a copy of its spec (`openapi.yaml` or `openapi.json`), which
//! [`release`](mod@release) compares the next spec with.
//!
//! ```no_run
//! use std::path::Path;
//!
//! let out = Path::new("crates/acme-api");
//! let generated = planasonix_codegen::Generator::new("spec/acme.yaml")
//!     .crate_name("acme-api")
//!     .regenerate_command("cargo xtask codegen")
//!     .record_spec(true)
//!     .generate()?;
//! let files = generated.crate_files(out)?;
//!
//! // In CI: fail when the checked-in crate is not what the spec produces.
//! let drift = planasonix_codegen::check_crate(&files, out);
//! for d in &drift {
//!     eprintln!("{d}");
//! }
//!
//! // Otherwise: write it.
//! let report = planasonix_codegen::write_crate(&files, out)?;
//! println!("{} written, {} unchanged", report.written.len(), report.unchanged.len());
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! The `planasonix-codegen` command does the same: `generate --spec S --out DIR [--check]`.
//!
//! # When the spec changes
//!
//! [`diff::diff`] compares two lowered APIs the way a user of the client sees them and classifies
//! each change as breaking, additive or docs-only; [`release::release`] regenerates a crate, bumps
//! its version by that verdict and prepends a `CHANGELOG.md` entry. On the command line:
//! `planasonix-codegen diff OLD NEW [--format json] [--current-version X.Y.Z]` and
//! `planasonix-codegen release --spec NEW --out DIR`.
//!
//! ```no_run
//! let old = planasonix_codegen::Generator::new("old.yaml").generate()?;
//! let new = planasonix_codegen::Generator::new("new.yaml").generate()?;
//! let diff = planasonix_codegen::diff::diff(&old.api, &new.api);
//! let current = planasonix_codegen::diff::Version::new(0, 3, 1);
//! print!("{}", diff.render_text(current)); // ends with e.g. "bump: minor (0.3.1 -> 0.4.0)"
//! # Ok::<(), planasonix_codegen::Error>(())
//! ```
//!
//! # How it works
//!
//! The pipeline is `spec bytes → load → IR → emit → format → write | check`:
//!
//! - [`load`] reads YAML or JSON, normalizes OpenAPI 3.1 into the 3.0 dialect `openapiv3` reads,
//!   and resolves `$ref`s anywhere in the document;
//! - [`ir`] lowers the document into plain Rust data with every decision made: names, types,
//!   boxing, parameter encoding, response decoding and the conventions (envelopes, pagination,
//!   error envelopes, idempotency keys, waiters);
//! - `emit` turns the IR into token streams, one small function per IR kind, formatted with
//!   `prettyplease` (so a build script needs no `rustfmt`); struct definitions and their serde
//!   impls, most of a large spec's models, are written straight as text in `prettyplease`'s
//!   layout, which debug builds check against `prettyplease` itself;
//! - the output is a whole crate ([`Generated::crate_files`], [`write_crate`], [`check_crate`]) or
//!   one file for a build script ([`Generated::single_file`], [`build`]).

pub mod diff;
mod emit;
pub mod error;
pub mod ir;
mod krate;
pub mod load;
pub mod naming;
pub mod release;

pub use error::{Diagnostic, Error, Result, Severity};
pub use krate::{DEPENDENCIES, MARKER};

use std::collections::BTreeMap;

/// A hash map for the generator's own tables (names, pointers): looked up, never iterated, so
/// its order cannot reach the output.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set, as [`FastMap`].
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// `pieces` joined into one string of the exact size: what `format!` gives for text made of
/// strings only, without the formatting machinery (which was a tenth of a spec's generation).
pub(crate) fn cat(pieces: &[&str]) -> String {
    pieces.concat()
}
use std::path::{Path, PathBuf};

/// Where the spec comes from.
#[derive(Debug, Clone)]
enum Source {
    Path(PathBuf),
    Bytes { label: String, bytes: Vec<u8> },
}

/// Configures and runs a generation.
#[derive(Debug, Clone)]
pub struct Generator {
    source: Source,
    crate_name: Option<String>,
    regenerate: Option<String>,
    record_spec: bool,
}

impl Generator {
    /// Generates from the spec file at `path` (YAML or JSON).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Path(path.into()),
            crate_name: None,
            regenerate: None,
            record_spec: false,
        }
    }

    /// Generates from spec bytes already in memory; `label` names them in messages.
    pub fn from_bytes(label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            source: Source::Bytes {
                label: label.into(),
                bytes: bytes.into(),
            },
            crate_name: None,
            regenerate: None,
            record_spec: false,
        }
    }

    /// The generated crate's name (default: `info.x-rust-crate.name`, else derived from
    /// `info.title`).
    pub fn crate_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.crate_name = Some(name.into());
        self
    }

    /// The command written into each file's header as the way to regenerate it.
    pub fn regenerate_command(&mut self, command: impl Into<String>) -> &mut Self {
        self.regenerate = Some(command.into());
        self
    }

    /// Also write a copy of the spec into the crate ([`Generated::crate_files`]): `openapi.yaml`
    /// (or `openapi.json`), marked as generated, so [`release`] can tell what
    /// changed when the spec does. The CLI's `generate` turns this on.
    pub fn record_spec(&mut self, record: bool) -> &mut Self {
        self.record_spec = record;
        self
    }

    fn label(&self) -> String {
        match &self.source {
            Source::Path(p) => p.display().to_string(),
            Source::Bytes { label, .. } => label.clone(),
        }
    }

    /// Loads, checks and lowers the spec. Errors list every problem found; warnings are in
    /// [`Generated::warnings`].
    pub fn generate(&self) -> Result<Generated> {
        let bytes: std::borrow::Cow<'_, [u8]> = match &self.source {
            Source::Path(p) => std::fs::read(p)
                .map_err(|source| Error::Read {
                    path: p.clone(),
                    source,
                })?
                .into(),
            Source::Bytes { bytes, .. } => bytes.as_slice().into(),
        };
        // The recorded copy (a JSON spec is parsed and printed again: 8% of the CLI's time on
        // GitHub's spec) is made on a thread of its own (not the pool's, where it would hold up
        // the prefetcher) while this one loads and lowers the spec.
        std::thread::scope(|scope| {
            let recording = self
                .record_spec
                .then(|| scope.spawn(|| release::record(&self.label(), &bytes)));
            let mut generated = self.lower(&bytes)?;
            if let Some(recording) = recording {
                let recorded = recording
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                generated.recorded_spec = Some(recorded);
            }
            Ok(generated)
        })
    }

    /// Loads, checks and lowers `bytes`, the spec's contents.
    fn lower(&self, bytes: &[u8]) -> Result<Generated> {
        let mut doc =
            load::parse(bytes).map_err(|diagnostics| Error::InvalidSpec { diagnostics })?;
        let (api, mut diagnostics) = ir::lower_freeing(&mut doc);
        diagnostics.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.pointer.cmp(&b.pointer))
        });
        diagnostics.dedup();
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::InvalidSpec { diagnostics });
        }
        let info_ext = doc
            .raw
            .pointer("/info/x-rust-crate")
            .cloned()
            .unwrap_or_default();
        let crate_name = self
            .crate_name
            .clone()
            .or_else(|| {
                info_ext
                    .get("name")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| crate_name_from_title(&api.title));
        let str_list = |key: &str| -> Vec<String> {
            info_ext
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let str_of = |key: &str| {
            info_ext
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let metadata = krate::CrateMetadata {
            description: str_of("description"),
            license: str_of("license"),
            repository: str_of("repository"),
            documentation: str_of("documentation"),
            homepage: str_of("homepage"),
            keywords: str_list("keywords"),
            categories: str_list("categories"),
        };
        doc.dispose();
        Ok(Generated {
            api,
            warnings: diagnostics,
            crate_name,
            spec_label: self.label(),
            regenerate: self.regenerate.clone(),
            metadata,
            recorded_spec: None,
            version: None,
        })
    }
}

/// `Planasonix REST API` → `planasonix`: the title in kebab case without filler words.
pub fn crate_name_from_title(title: &str) -> String {
    const FILLER: &[&str] = &[
        "api",
        "apis",
        "rest",
        "openapi",
        "spec",
        "specification",
        "http",
        "the",
        "service",
    ];
    // "GitHub's API" names the crate `github`, not `github-s`.
    let title = title
        .replace(['\u{2019}'], "'")
        .replace("'s ", " ")
        .replace('\'', "");
    let words: Vec<String> = naming::words(&title)
        .split(' ')
        .map(str::to_ascii_lowercase)
        .filter(|w| !w.is_empty() && !FILLER.contains(&w.as_str()))
        .collect();
    let name = words.join("-");
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!(
            "api-client{}",
            if name.is_empty() {
                String::new()
            } else {
                format!("-{name}")
            }
        )
    } else {
        name
    }
}

/// The result of a generation, ready to be written as a crate or a single file.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The lowered API (for reports and tools).
    pub api: ir::Api,
    /// Warnings: constructs accepted with a downgrade, each with its location.
    pub warnings: Vec<Diagnostic>,
    /// The crate name.
    pub crate_name: String,
    spec_label: String,
    regenerate: Option<String>,
    metadata: krate::CrateMetadata,
    /// The recorded copy of the spec, `(file name, contents)`, when asked for.
    recorded_spec: Option<(String, String)>,
    /// The crate version, when set (by a release) rather than kept from the folder.
    version: Option<String>,
}

impl Generated {
    fn regenerate(&self, out: &str) -> String {
        self.regenerate.clone().unwrap_or_else(|| {
            format!(
                "planasonix-codegen generate --spec {} --out {out}",
                self.spec_label
            )
        })
    }

    /// Every file of the crate for output folder `out` (paths relative to it). The folder is
    /// inspected, not written: an existing generated `Cargo.toml` keeps its version, and a crate
    /// outside any workspace that lists it gets an empty `[workspace]` so it builds on its own.
    pub fn crate_files(&self, out: &Path) -> Result<BTreeMap<String, String>> {
        let version = self
            .version
            .clone()
            .or_else(|| existing_version(out))
            .unwrap_or_else(|| "0.1.0".to_string());
        let settings = krate::CrateSettings {
            name: self.crate_name.clone(),
            version,
            regenerate: self.regenerate(&out.display().to_string()),
            standalone_workspace: !listed_in_workspace(out),
            metadata: self.metadata.clone(),
        };
        let mut files = krate::crate_files(&self.api, &settings)?;
        files.extend(self.recorded_spec.clone());
        Ok(files)
    }

    /// The whole client as one file of inline modules, for `include!` from a build script.
    pub fn single_file(&self) -> Result<String> {
        let regenerate = self
            .regenerate
            .clone()
            .unwrap_or_else(|| format!("the build script, from {}", self.spec_label));
        krate::single_file(&self.api, &self.crate_name, &regenerate)
    }
}

fn existing_version(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("Cargo.toml")).ok()?;
    if !has_marker(&text) {
        return None;
    }
    text.lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"').to_string())
}

/// Whether `out` is a member of the nearest enclosing workspace (so it must not declare its own).
fn listed_in_workspace(out: &Path) -> bool {
    let Ok(cwd) = std::env::current_dir() else {
        return false;
    };
    let abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        cwd.join(out)
    };
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if let Ok(text) = std::fs::read_to_string(d.join("Cargo.toml")) {
            if text.contains("[workspace]") {
                let Ok(rel) = abs.strip_prefix(d) else {
                    return false;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let rel = rel.trim_end_matches('/');
                return text.lines().any(|l| {
                    let l = l.trim().trim_end_matches(',').trim_matches('"');
                    l == rel
                        || (l.ends_with("/*")
                            && Path::new(rel)
                                .parent()
                                .map(|p| p.to_string_lossy().replace('\\', "/"))
                                == Some(l.trim_end_matches("/*").to_string()))
                });
            }
        }
        dir = d.parent();
    }
    false
}

/// Whether a file's first lines carry the generated marker.
pub fn has_marker(text: &str) -> bool {
    text.lines().take(3).any(|l| l.contains(MARKER))
}

/// What [`write_crate`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Files whose bytes were already right (not touched, so nothing rebuilds for nothing).
    pub unchanged: Vec<String>,
    /// Generated files the spec no longer produces, removed.
    pub removed: Vec<String>,
}

/// Writes a crate's files into `out`: only files whose bytes changed are written, generated files
/// that the spec no longer produces are removed, and a file without the generated marker is never
/// overwritten or removed (nothing is written at all in that case). `tests/` and `examples/` are
/// never touched.
pub fn write_crate(files: &BTreeMap<String, String>, out: &Path) -> Result<WriteReport> {
    let mut report = WriteReport::default();
    let mut to_write = Vec::new();
    for (rel, text) in files {
        let path = out.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(existing) if &existing == text => report.unchanged.push(rel.clone()),
            Ok(existing) if !has_marker(&existing) => return Err(Error::NotGenerated { path }),
            Ok(_) => to_write.push((rel, path, text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => to_write.push((rel, path, text)),
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
    let stale = stale_files(files, out);
    for (rel, path, text) in to_write {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        report.written.push(rel.clone());
    }
    for rel in stale {
        let path = out.join(&rel);
        std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        report.removed.push(rel);
    }
    Ok(report)
}

/// Generated files under `out/src` that are not in `files`.
fn stale_files(files: &BTreeMap<String, String>, out: &Path) -> Vec<String> {
    let mut stale = Vec::new();
    let mut stack = vec![out.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(out) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if !files.contains_key(&rel)
                    && std::fs::read_to_string(&path).is_ok_and(|t| has_marker(&t))
                {
                    stale.push(rel);
                }
            }
        }
    }
    stale.sort();
    stale
}

/// One way a folder differs from what the spec produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file is missing.
    Missing(String),
    /// The file's contents differ.
    Differs(String),
    /// A generated file the spec no longer produces.
    Stale(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {p}"),
            Drift::Differs(p) => write!(f, "differs: {p}"),
            Drift::Stale(p) => write!(f, "stale:   {p}"),
        }
    }
}

/// Compares `out` with `files` without writing anything.
pub fn check_crate(files: &BTreeMap<String, String>, out: &Path) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (rel, text) in files {
        match std::fs::read_to_string(out.join(rel)) {
            Ok(existing) if &existing == text => {}
            Ok(_) => drift.push(Drift::Differs(rel.clone())),
            Err(_) => drift.push(Drift::Missing(rel.clone())),
        }
    }
    drift.extend(stale_files(files, out).into_iter().map(Drift::Stale));
    drift
}

/// Build-script entry point: generates the client for the spec at `spec` into
/// `$OUT_DIR/<crate name>.rs` (written only when its bytes change, so a no-op rebuild does not
/// recompile the crate) and tells cargo to rerun when the spec changes. Warnings are printed as
/// `cargo:warning=` lines.
pub fn build(spec: impl AsRef<Path>) -> Result<PathBuf> {
    let spec = spec.as_ref();
    println!("cargo:rerun-if-changed={}", spec.display());
    let generated = Generator::new(spec).generate()?;
    for w in &generated.warnings {
        println!("cargo:warning={}", w.to_string().replace('\n', " "));
    }
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| Error::Write {
            path: PathBuf::from("$OUT_DIR"),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "OUT_DIR is not set; call this from a build script",
            ),
        })?;
    let path = out_dir.join(format!("{}.rs", generated.crate_name.replace('-', "_")));
    let text = generated.single_file()?;
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(crate_name_from_title("Planasonix API"), "planasonix");
        assert_eq!(
            crate_name_from_title("Swagger Petstore - OpenAPI 3.0"),
            "swagger-petstore-3-0"
        );
        assert_eq!(crate_name_from_title("The REST API"), "api-client");
        assert_eq!(crate_name_from_title("3D Models"), "api-client-3d-models");
        assert_eq!(
            crate_name_from_title("GitHub's official OpenAPI spec + Octokit extension"),
            "github-official-octokit-extension"
        );
    }

    /// The models module imports the runtime only when a model uses it: string enums (written
    /// as text) do not, so a spec whose only schema is one must not get an unused import.
    #[test]
    fn models_import_the_runtime_only_when_used() {
        let spec = |schema: &str| {
            format!(
                r##"openapi: 3.0.3
info: {{ title: Colors, version: "1" }}
paths:
  /color:
    get:
      operationId: getColor
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{ $ref: "#/components/schemas/Color" }}
components:
  schemas:
    Color: {schema}
"##
            )
        };
        let models = |schema: &str| {
            let file = Generator::from_bytes("colors.yaml", spec(schema))
                .generate()
                .unwrap()
                .single_file()
                .unwrap();
            let start = file.find("pub mod models {").unwrap();
            let end = file[start..].find("pub mod apis {").unwrap();
            file[start..start + end].to_string()
        };
        let import = "use super::runtime as rt;";
        assert!(!models("{ type: string, enum: [red, green] }").contains(import));
        assert!(
            models("{ type: object, properties: { name: { type: string } } }").contains(import)
        );
    }
}
