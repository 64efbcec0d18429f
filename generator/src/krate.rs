//! Assembling output: a whole crate (Cargo.toml, README, src/) or one file for `build.rs`.

use crate::cat;
use crate::emit;
use crate::error::{Error, Result};
use crate::ir::Api;
use proc_macro2::TokenStream;
use std::collections::{BTreeMap, VecDeque};

/// The runtime sources, embedded at build time from `templates/runtime/`.
pub(crate) const RUNTIME: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

/// The marker every generated file carries; files without it are never overwritten.
pub const MARKER: &str = "@generated";

/// Dependencies a generated client needs (also what a `build.rs` user adds to Cargo.toml).
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", r#"{ version = "1", features = ["serde"] }"#),
    ("base64", r#""0.22""#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }"#,
    ),
    ("fastrand", r#""2""#),
    ("futures-core", r#""0.3""#),
    (
        "futures-util",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("httpdate", r#""1""#),
    ("percent-encoding", r#""2""#),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["rustls", "json", "http2", "charset", "multipart", "form", "stream"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("serde_path_to_error", r#""0.1""#),
    ("tokio", r#"{ version = "1", features = ["time"] }"#),
    ("tracing", r#""0.1""#),
    ("url", r#""2""#),
    ("uuid", r#"{ version = "1", features = ["serde", "v4"] }"#),
];

/// Settings that shape the output crate.
#[derive(Debug, Clone)]
pub(crate) struct CrateSettings {
    pub name: String,
    pub version: String,
    pub regenerate: String,
    pub standalone_workspace: bool,
    pub metadata: CrateMetadata,
}

/// Package metadata for the generated Cargo.toml (from the spec's `info.x-rust-crate`, if any).
#[derive(Debug, Clone, Default)]
pub(crate) struct CrateMetadata {
    pub description: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    pub documentation: Option<String>,
    pub homepage: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
}

fn header(comment: &str, regenerate: &str) -> String {
    cat(&[
        comment,
        " ",
        MARKER,
        " by planasonix-codegen. Do not edit by hand; regenerate with:\n",
        comment,
        "   ",
        regenerate,
        "\n",
    ])
}

/// Formats a token stream as a Rust file. Output that does not parse is a generator bug and is
/// reported with the file name, never written.
pub(crate) fn format(file: &str, tokens: TokenStream) -> Result<String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| Error::InvalidOutput {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&parsed))
}

/// Formats one type of the models module; also says whether it uses the runtime (`rt`).
fn format_model(item: emit::ModelItem) -> Result<(String, bool)> {
    let uses_rt = item.parts.iter().any(|part| match part {
        emit::Part::Tokens(tokens) => emit::mentions_ident(tokens.clone(), "rt"),
        emit::Part::Text { text, .. } => code_mentions_path(text, "rt"),
    });
    #[cfg(debug_assertions)]
    if let (Some(text), Some(tokens)) = (&item.cfg, &item.cfg_tokens) {
        check_text(
            "src/models.rs",
            &cat(&[text, "struct Probe;\n"]),
            quote::quote!(#tokens struct Probe;),
        )?;
    }
    let text = format_parts("src/models.rs", item.parts, item.cfg.as_deref())?;
    Ok((text, uses_rt))
}

/// Whether code written as text names a path starting `{root}::` outside doc comments. A string
/// literal that happens to contain one can only add an import that goes unused; code that uses
/// the path always contains it.
fn code_mentions_path(text: &str, root: &str) -> bool {
    let needle = cat(&[root, "::"]);
    memchr::memmem::find_iter(text.as_bytes(), &needle).any(|at| {
        let before = &text[..at];
        let line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
        !line.trim_start().starts_with("///")
            && !before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Formats a chunk's parts: token parts through the formatter, text parts as they are (checked
/// against their tokens in debug builds). Text parts get the `#[cfg]` attribute `cfg` (formatted
/// text; the token parts carry it already).
fn format_parts(file: &str, parts: Vec<emit::Part>, cfg: Option<&str>) -> Result<String> {
    let text_len: usize = parts
        .iter()
        .map(|p| match p {
            emit::Part::Text { text, .. } => text.len() + cfg.map_or(0, str::len),
            emit::Part::Tokens(_) => 0,
        })
        .sum();
    let mut out = String::with_capacity(text_len);
    for part in parts {
        match part {
            emit::Part::Tokens(tokens) => out.push_str(&format(file, tokens)?),
            emit::Part::Text {
                text,
                #[cfg(debug_assertions)]
                tokens,
            } => {
                if let Some(cfg) = cfg {
                    out.push_str(cfg);
                }
                #[cfg(debug_assertions)]
                check_text(file, &text, tokens)?;
                out.push_str(&text);
            }
        }
    }
    Ok(out)
}

/// Debug builds: text written without the formatter must be exactly what it gives the tokens.
#[cfg(debug_assertions)]
fn check_text(file: &str, text: &str, tokens: TokenStream) -> Result<()> {
    let formatted = format(file, tokens)?;
    if formatted == text {
        return Ok(());
    }
    let line = formatted
        .lines()
        .zip(text.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| formatted.lines().count().min(text.lines().count()));
    Err(Error::InvalidOutput {
        file: file.to_string(),
        message: format!(
            "text written without the formatter differs from the formatted tokens at line {}:\n  formatted: {:?}\n  written:   {:?}\n--- formatted ---\n{formatted}",
            line + 1,
            formatted.lines().nth(line).unwrap_or_default(),
            text.lines().nth(line).unwrap_or_default(),
        ),
    })
}

/// Debug builds: whether a chunk uses `models` is told by the IR, and must be what its tokens say.
#[cfg(debug_assertions)]
fn check_uses_models(file: &str, parts: &[emit::Part], told: bool) -> Result<()> {
    let mentioned = parts.iter().any(|part| {
        let tokens = match part {
            emit::Part::Tokens(tokens) | emit::Part::Text { tokens, .. } => tokens,
        };
        emit::mentions_ident(tokens.clone(), "models")
    });
    if mentioned == told {
        return Ok(());
    }
    Err(Error::InvalidOutput {
        file: file.to_string(),
        message: format!(
            "a chunk's use of `models` was told as {told} but its tokens say {mentioned}"
        ),
    })
}

/// The emitted pieces, formatted.
pub(crate) struct Pieces {
    root: String,
    models: String,
    apis: Vec<(String, String)>,
}

/// The client, models and group files' texts, each starting with `prefix`.
pub(crate) fn pieces(api: &Api, crate_name: &str, features: bool, prefix: &str) -> Result<Pieces> {
    let env_prefix = crate::naming::shouty(crate_name);
    // Every chunk (the client, a group's handle, a type, an operation) is emitted and formatted
    // on its own, in parallel; prettyplease separates top-level items the same way, so joining
    // them gives the same file. Token streams are not `Send`, so each worker goes from IR to text.
    // The handles (the largest chunks) go first; each precedes its group's operations. A file is
    // joined by a job of its own as soon as its chunks are done (the models after the last type,
    // a group after its last operation), so that joining (megabytes of fresh memory for a large
    // spec's models) overlaps the emission of the chunks after it.
    enum Job<'a> {
        Root,
        Handle(usize),
        Type(&'a crate::ir::TypeDef),
        Op(usize, &'a crate::ir::Operation),
        /// Joins the models file from these jobs' chunks (the types').
        Models(Vec<usize>),
        /// Joins group `.0`'s file from these jobs' chunks (its handle's, then its operations').
        Group(usize, Vec<usize>),
    }
    let mut jobs: Vec<Job<'_>> = vec![Job::Root];
    jobs.extend((0..api.groups.len()).map(Job::Handle));
    // A joining job goes as many places after its last chunk as there are threads. When it is
    // taken, the jobs before it are done except the one each other thread is running, which is
    // then rarely one of its chunks: it seldom waits while there are chunks left to emit.
    let lag = emit::cores();
    let mut waiting: VecDeque<(usize, Job<'_>)> = Default::default();
    /// Appends a chunk's job, then the joining jobs whose place has come.
    fn push<'a>(jobs: &mut Vec<Job<'a>>, waiting: &mut VecDeque<(usize, Job<'a>)>, job: Job<'a>) {
        jobs.push(job);
        while waiting.front().is_some_and(|(at, _)| jobs.len() >= *at) {
            jobs.extend(waiting.pop_front().map(|(_, join)| join));
        }
    }
    // The jobs a joining job waits for are listed, not given as a range: a joining job whose
    // place has come may sit between them.
    let mut types = Vec::new();
    for t in api.types.iter().filter(|t| !t.groups.is_empty()) {
        types.push(jobs.len());
        push(&mut jobs, &mut waiting, Job::Type(t));
    }
    waiting.push_back((jobs.len() - 1 + lag, Job::Models(types)));
    for (gi, g) in api.groups.iter().enumerate() {
        let mut parts = vec![1 + gi];
        for op in &g.operations {
            parts.push(jobs.len());
            push(&mut jobs, &mut waiting, Job::Op(gi, op));
        }
        waiting.push_back((jobs.len() - 1 + lag, Job::Group(gi, parts)));
    }
    jobs.extend(waiting.into_iter().map(|(_, join)| join));
    let group_file = |gi: usize| cat(&["src/apis/", &api.groups[gi].module, ".rs"]);
    // Each chunk's text, and whether it mentions the models module (the type chunks: whether
    // they use the runtime), kept where the joining jobs can wait for them.
    let chunks: Vec<std::sync::OnceLock<Result<(String, bool)>>> =
        jobs.iter().map(|_| std::sync::OnceLock::new()).collect();
    // The chunks of `slots` (chunk jobs, before the joining job), once all are done; `None` if
    // one failed (reported below).
    let ready = |slots: &[usize]| -> Option<Vec<&(String, bool)>> {
        slots
            .iter()
            .map(|&slot| {
                debug_assert!(!matches!(jobs[slot], Job::Models(_) | Job::Group(..)));
                wait(&chunks[slot]).as_ref().ok()
            })
            .collect()
    };
    let chunk = |job: &Job<'_>| -> Result<(String, bool)> {
        match job {
            Job::Root => format_parts(
                "src/client.rs",
                vec![emit::root_items(api, crate_name, &env_prefix, features)],
                None,
            )
            .map(|text| (text, false)),
            Job::Handle(gi) => {
                let file = group_file(*gi);
                let part = emit::group_handle(api, &api.groups[*gi]);
                let models = emit::handle_uses_models(api, &api.groups[*gi]);
                #[cfg(debug_assertions)]
                check_uses_models(&file, std::slice::from_ref(&part), models)?;
                format_parts(&file, vec![part], None).map(|text| (text, models))
            }
            Job::Type(t) => format_model(emit::model_item(api, t, features)),
            Job::Op(gi, op) => {
                let file = group_file(*gi);
                let parts = emit::operation_chunk(api, &api.groups[*gi], op);
                let models = emit::uses_models(api, op);
                #[cfg(debug_assertions)]
                check_uses_models(&file, &parts, models)?;
                format_parts(&file, parts, None).map(|text| (text, models))
            }
            Job::Models(_) | Job::Group(..) => unreachable!("joining jobs make no chunk"),
        }
    };
    let joined = emit::parallel(jobs.len(), |i| -> Result<Option<String>> {
        match &jobs[i] {
            Job::Models(slots) => {
                let Some(types) = ready(slots) else {
                    return Ok(None);
                };
                let uses_rt = types.iter().any(|(_, rt)| *rt);
                let header = format_parts(
                    "src/models.rs",
                    vec![emit::models_header(uses_rt, features)],
                    None,
                )?;
                Ok(Some(concat(&[prefix, &header], types.iter().map(|c| &c.0))))
            }
            Job::Group(gi, slots) => {
                let Some(parts) = ready(slots) else {
                    return Ok(None);
                };
                let mentions = parts.iter().any(|(_, models)| *models);
                let file = group_file(*gi);
                let header = format_parts(
                    &file,
                    vec![emit::group_header(&api.groups[*gi], mentions)],
                    None,
                )?;
                Ok(Some(concat(&[prefix, &header], parts.iter().map(|c| &c.0))))
            }
            job => {
                // Always set, even to an error or when emission panics: joining jobs wait for it.
                let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| chunk(job)));
                match made {
                    Ok(made) => {
                        let _ = chunks[i].set(made);
                        Ok(None)
                    }
                    Err(panic) => {
                        let _ = chunks[i].set(Err(Error::InvalidOutput {
                            file: "a chunk".to_string(),
                            message: "its emission panicked".to_string(),
                        }));
                        std::panic::resume_unwind(panic)
                    }
                }
            }
        }
    });
    let root = match wait(&chunks[0]) {
        Ok((text, _)) => concat(&[prefix], std::iter::once(text)),
        Err(_) => String::new(),
    };
    // The first failure in job order.
    let mut files = Vec::new();
    for (chunk, joined) in chunks.into_iter().zip(joined) {
        if let Some(Err(e)) = chunk.into_inner() {
            return Err(e);
        }
        files.extend(joined?);
    }
    let mut files = files.into_iter();
    let models = files.next().unwrap_or_default();
    let apis = api
        .groups
        .iter()
        .map(|g| g.module.clone())
        .zip(files)
        .collect();
    Ok(Pieces { root, models, apis })
}

/// The value in `cell` once another thread has set it. The chunk a joining job waits for is one
/// another core is finishing, so this spins, then (should that core have been taken away) yields.
/// (`OnceLock::wait` is newer than the crate's minimum Rust version; a thread put to sleep also
/// takes long to wake on a virtual machine.)
fn wait<T>(cell: &std::sync::OnceLock<T>) -> &T {
    let mut spins = 0u32;
    loop {
        if let Some(value) = cell.get() {
            return value;
        }
        if spins < 20_000 {
            spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

/// `heads` then `texts`, in one allocation of the exact size (the models of a large spec are
/// megabytes: growing a string to that size copies it many times).
fn concat<'t>(heads: &[&str], texts: impl Iterator<Item = &'t String> + Clone) -> String {
    let len = heads.iter().map(|h| h.len()).sum::<usize>()
        + texts.clone().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(len);
    for h in heads {
        out.push_str(h);
    }
    for t in texts {
        out.push_str(t);
    }
    out
}

/// Every file of the generated crate, keyed by path relative to the crate folder.
pub(crate) fn crate_files(api: &Api, settings: &CrateSettings) -> Result<BTreeMap<String, String>> {
    let rs_header = header("//", &settings.regenerate);
    // The runtime's files (190 KB of text to copy) are made by a pool job while this thread
    // starts on the chunks.
    let mut runtime = Vec::new();
    let pieces = emit::pool().in_place_scope(|scope| {
        scope.spawn(|_| {
            runtime = RUNTIME
                .iter()
                .map(|(name, text)| {
                    (
                        cat(&["src/runtime/", name]),
                        concat(&[&rs_header, text], std::iter::empty()),
                    )
                })
                .collect();
        });
        pieces(api, &settings.name, true, &rs_header)
    })?;
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), cargo_toml(api, settings));
    files.insert("README.md".to_string(), readme(api, settings));
    files.insert("src/lib.rs".to_string(), cat(&[&rs_header, &lib_rs(api)]));
    files.insert("src/client.rs".to_string(), pieces.root);
    files.insert("src/models.rs".to_string(), pieces.models);
    let mut apis_mod = String::from("//! Operations grouped by resource (the spec's tags).\n\n");
    for (module, text) in pieces.apis {
        apis_mod.push_str(&cat(&[
            "#[cfg(feature = \"",
            &emit::feature_name(&module),
            "\")]\npub mod ",
            &module,
            ";\n",
        ]));
        files.insert(cat(&["src/apis/", &module, ".rs"]), text);
    }
    files.insert("src/apis/mod.rs".to_string(), cat(&[&rs_header, &apis_mod]));
    files.extend(runtime);
    Ok(files)
}

/// One file with inline modules, for `include!` from a build script.
pub(crate) fn single_file(api: &Api, crate_name: &str, regenerate: &str) -> Result<String> {
    let pieces = pieces(api, crate_name, false, "")?;
    let mut out = header("//", regenerate);
    out.push_str("// Include it with `include!(concat!(env!(\"OUT_DIR\"), \"/<name>.rs\"));`.\n\n");
    out.push_str("mod client {\n");
    out.push_str(&pieces.root);
    out.push_str("}\n");
    out.push_str("\npub mod runtime {\n");
    out.push_str(&inline_modules(RUNTIME));
    out.push_str("}\n\npub mod models {\n");
    out.push_str(&pieces.models);
    out.push_str("}\n\n/// Operations grouped by resource.\npub mod apis {\n");
    for (module, text) in &pieces.apis {
        out.push_str(&cat(&["pub mod ", module, " {\n", text, "}\n"]));
    }
    out.push_str("}\n");
    Ok(out)
}

/// The runtime's `mod.rs` with each `pub mod x;` replaced by the module's text.
fn inline_modules(files: &[(&str, &str)]) -> String {
    let lookup: BTreeMap<&str, &str> = files.iter().copied().collect();
    let Some(root) = lookup.get("mod.rs") else {
        return String::new();
    };
    let mut out = String::new();
    for line in root.lines() {
        let trimmed = line.trim();
        let module = trimmed
            .strip_prefix("pub mod ")
            .or_else(|| trimmed.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        match module.and_then(|m| lookup.get(cat(&[m, ".rs"]).as_str()).map(|t| (m, t))) {
            Some((m, text)) => {
                let vis = if trimmed.starts_with("pub ") {
                    "pub "
                } else {
                    ""
                };
                out.push_str(&cat(&[vis, "mod ", m, " {\n", text, "\n}\n"]));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn lib_rs(api: &Api) -> String {
    let mut s = String::new();
    s.push_str("#![doc = include_str!(\"../README.md\")]\n");
    s.push_str("#![forbid(unsafe_code)]\n\n");
    s.push_str("#[rustfmt::skip]\npub mod apis;\n");
    s.push_str("#[rustfmt::skip]\nmod client;\n");
    s.push_str("#[rustfmt::skip]\npub mod models;\n");
    s.push_str("pub mod runtime;\n\n");
    let mut reexports: Vec<&str> = RUNTIME_REEXPORTS.to_vec();
    reexports.sort_unstable();
    for r in reexports {
        s.push_str(&cat(&["pub use runtime::", r, ";\n"]));
    }
    let _ = api;
    s
}

/// Runtime items re-exported at the crate root.
const RUNTIME_REEXPORTS: &[&str] = &[
    "ApiError",
    "BuildError",
    "Client",
    "ClientBuilder",
    "Error",
    "Nullable",
    "Page",
    "PageToken",
    "RateLimit",
    "RequestOptions",
    "Response",
    "RetryPolicy",
    "Upload",
    "WaitConfig",
    "WaitError",
];

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn cargo_toml(api: &Api, s: &CrateSettings) -> String {
    let m = &s.metadata;
    let mut t = header("#", &s.regenerate);
    t.push_str("[package]\n");
    t.push_str(&cat(&["name = ", &toml_str(&s.name), "\n"]));
    t.push_str(&cat(&["version = ", &toml_str(&s.version), "\n"]));
    t.push_str("edition = \"2024\"\nrust-version = \"1.85\"\n");
    let description = m.description.clone().unwrap_or_else(|| {
        cat(&[
            "Typed async Rust client for the ",
            if api.title.is_empty() {
                "API"
            } else {
                &api.title
            },
            " (generated from its OpenAPI spec)",
        ])
    });
    t.push_str(&cat(&["description = ", &toml_str(&description), "\n"]));
    t.push_str(&cat(&[
        "license = ",
        &toml_str(m.license.as_deref().unwrap_or("MIT OR Apache-2.0")),
        "\n",
    ]));
    for (key, value) in [
        ("repository", &m.repository),
        ("documentation", &m.documentation),
        ("homepage", &m.homepage),
    ] {
        if let Some(v) = value {
            t.push_str(&cat(&[key, " = ", &toml_str(v), "\n"]));
        }
    }
    t.push_str("readme = \"README.md\"\n");
    if !m.keywords.is_empty() {
        let k: Vec<String> = m.keywords.iter().map(|k| toml_str(k)).collect();
        t.push_str(&cat(&["keywords = [", &k.join(", "), "]\n"]));
    }
    if !m.categories.is_empty() {
        let c: Vec<String> = m.categories.iter().map(|k| toml_str(k)).collect();
        t.push_str(&cat(&["categories = [", &c.join(", "), "]\n"]));
    }
    t.push_str("exclude = [\"tests/\", \"examples/\"]\n");
    if s.standalone_workspace {
        t.push_str(
            "\n# Not part of an enclosing workspace: this crate builds on its own.\n[workspace]\n",
        );
    }
    t.push_str("\n[features]\n");
    t.push_str(
        "# Every resource group (tag) is a feature; all are on by default. To compile only what\n",
    );
    t.push_str("# you use: default-features = false, features = [\"<group>\", ...].\n");
    let features: Vec<String> = api
        .groups
        .iter()
        .map(|g| emit::feature_name(&g.module))
        .collect();
    t.push_str("default = [\"full\"]\n");
    t.push_str(&cat(&[
        "full = [",
        &features
            .iter()
            .map(|f| toml_str(f))
            .collect::<Vec<_>>()
            .join(", "),
        "]\n",
    ]));
    for f in &features {
        t.push_str(&cat(&[f, " = []\n"]));
    }
    t.push_str("\n[dependencies]\n");
    for (name, spec) in DEPENDENCIES {
        t.push_str(&cat(&[name, " = ", spec, "\n"]));
    }
    t.push_str("\n[dev-dependencies]\n");
    t.push_str("tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n");
    t.push_str("futures-util = \"0.3\"\n");
    t.push_str("\n[lints.rust]\nmissing_docs = \"warn\"\nunsafe_code = \"forbid\"\nrust_2018_idioms = { level = \"warn\", priority = -1 }\n");
    t.push_str("\n[lints.clippy]\nall = { level = \"warn\", priority = -1 }\n");
    t.push_str("\n[lints.rustdoc]\nbroken_intra_doc_links = \"deny\"\n");
    t
}

fn readme(api: &Api, s: &CrateSettings) -> String {
    let title = if api.title.is_empty() {
        s.name.clone()
    } else {
        api.title.clone()
    };
    let crate_ident = s.name.replace('-', "_");
    let env_prefix = crate::naming::shouty(&s.name);
    let mut r = cat(&[
        "<!-- ",
        MARKER,
        " by planasonix-codegen; regenerate with: ",
        &s.regenerate,
        " -->\n\n",
    ]);
    r.push_str(&cat(&["# ", &s.name, "\n\n"]));
    r.push_str(&cat(&[
        "A typed async Rust client for the ",
        &title,
        " (API version ",
        &api.version,
        "), generated from its OpenAPI document.\n\n",
    ]));
    if let Some(d) = &api.description {
        let first = d.split("\n\n").next().unwrap_or("").trim();
        if !first.is_empty() {
            r.push_str(&emit::docs::sanitize(first));
            r.push_str("\n\n");
        }
    }
    r.push_str("## Quickstart\n\n");
    let example = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .find(|(_, o)| {
            o.method == "GET" && o.params.iter().all(|p| !p.required) && o.body.is_none()
        });
    r.push_str("```rust,no_run\n");
    r.push_str(&cat(&["use ", &crate_ident, "::Client;\n\n"]));
    r.push_str("#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    r.push_str(&cat(&[
        "    // Reads ",
        &env_prefix,
        "_API_KEY (and ",
        &env_prefix,
        "_BASE_URL, if set).\n",
    ]));
    r.push_str("    let client = Client::from_env()?;\n");
    if let Some((g, o)) = example {
        r.push_str(&cat(&[
            "    let result = client.",
            &g.module,
            "().",
            &o.method_name,
            "().send().await?;\n",
        ]));
        r.push_str("    println!(\"{result:?}\");\n");
    } else {
        r.push_str("    let _ = client;\n");
    }
    r.push_str("    Ok(())\n}\n```\n\n");
    r.push_str("Every operation is a builder: required parameters are arguments, optional ones are chained\n");
    r.push_str("setters, and `send()` sends it. `send_with_response()` also returns the status, headers, rate\n");
    r.push_str("limit and request id. Paginated operations have `pages()` and `items()` streams that fetch\n");
    r.push_str("lazily and can resume from a saved `PageToken`.\n\n");
    r.push_str("## Resources\n\n| accessor | operations |\n|---|---|\n");
    for g in &api.groups {
        r.push_str(&format!(
            "| `client.{}()` | {} |\n",
            g.module,
            g.operations.len()
        ));
    }
    r.push_str("\n## Behaviour\n\n");
    r.push_str("- Retries with exponential backoff and jitter on connection errors, 408, 429 and 5xx, honouring\n  `Retry-After`; a POST is retried only when it carries an idempotency key.\n");
    r.push_str("- Rate-limit headers (`X-RateLimit-*`) are parsed on every response and error.\n");
    r.push_str("- Errors are an enum you can match on: `Error::Api` carries the status, the error code and\n  message, the request id and the typed error body of the operation.\n");
    r.push_str("- HTTPS only (plain HTTP is accepted for loopback hosts, for tests); the API key never appears in\n  `Debug` output, logs or errors.\n");
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_path_is_mentioned_only_as_code_at_an_identifier_boundary() {
        let mentions = |text: &str| super::code_mentions_path(text, "rt");
        assert!(mentions("    body: rt::Nullable<String>,\n"));
        assert!(mentions("let x = (rt::Fields::new(map));\n"));
        assert!(!mentions("/// See rt::Nullable.\n    pub x: String,\n"));
        assert!(!mentions("    let v = sort::merge(a);\n    s.port::x();\n"));
        assert!(!mentions("pub enum Color {\n    Red,\n}\n"));
    }
}
