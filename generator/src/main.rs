//! The `planasonix-codegen` command line.
//!
//! Exit codes: 0 success, 1 invalid spec or `--check` found drift, 2 usage error.

use clap::{Parser, Subcommand};
use planasonix_codegen::{Generator, check_crate, write_crate};
use std::path::PathBuf;
use std::process::ExitCode;

// Generation allocates many small token and syntax-tree nodes; mimalloc cuts the time glibc's
// allocator takes for them (measured in BENCHMARKS.md, generation section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "planasonix-codegen",
    version,
    about = "OpenAPI 3.0/3.1 → typed async Rust client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate (Cargo.toml, README.md, src/) from a spec.
    Generate {
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, default_value = "spec/planasonix.yaml")]
        spec: PathBuf,
        /// The crate folder to write; its tests/ and examples/ are left alone.
        #[arg(long, default_value = "generated-client")]
        out: PathBuf,
        /// The crate name (default: from the spec's info).
        #[arg(long)]
        crate_name: Option<String>,
        /// Write nothing; exit 1 if the folder differs from what the spec produces.
        #[arg(long)]
        check: bool,
    },
    /// List operations, types, paginators and every untyped fallback of a spec.
    Report {
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, default_value = "spec/planasonix.yaml")]
        spec: PathBuf,
    },
    /// List what changed between two specs for the generated client: each change breaking,
    /// additive or docs-only, then the semver bump they call for.
    Diff {
        /// The previous spec.
        old: PathBuf,
        /// The new spec.
        new: PathBuf,
        /// `text` or `json` (one object: `changes`, `summary`, `bump`, versions).
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// The crate's current version; the bump follows cargo's semver (before 1.0 a breaking
        /// change bumps the minor version).
        #[arg(long, default_value = "1.0.0")]
        current_version: planasonix_codegen::diff::Version,
    },
    /// Regenerate a crate from a new spec, bump its version by what changed since the spec it
    /// records, and prepend a CHANGELOG.md entry listing the changes.
    Release {
        /// The new OpenAPI document.
        #[arg(long, default_value = "spec/planasonix.yaml")]
        spec: PathBuf,
        /// The generated crate folder.
        #[arg(long, default_value = "generated-client")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, planasonix_codegen::Error> {
    match cli.command {
        Command::Generate {
            spec,
            out,
            crate_name,
            check,
        } => {
            let mut generator = Generator::new(&spec);
            generator.record_spec(true);
            if let Some(name) = crate_name {
                generator.crate_name(name);
            }
            let generated = generator.generate()?;
            for w in &generated.warnings {
                eprintln!("{w}");
            }
            let files = generated.crate_files(&out)?;
            if check {
                let drift = check_crate(&files, &out);
                if drift.is_empty() {
                    eprintln!("{} is up to date with {}", out.display(), spec.display());
                    return Ok(ExitCode::SUCCESS);
                }
                for d in &drift {
                    eprintln!("{d}");
                }
                eprintln!(
                    "{} differs from what {} produces; regenerate with:\n  cargo run -p planasonix-codegen -- generate --spec {} --out {}",
                    out.display(),
                    spec.display(),
                    spec.display(),
                    out.display()
                );
                return Ok(ExitCode::from(1));
            }
            let report = write_crate(&files, &out)?;
            eprintln!(
                "{}: {} written, {} unchanged, {} removed ({} operations, {} types)",
                out.display(),
                report.written.len(),
                report.unchanged.len(),
                report.removed.len(),
                generated.api.stats().operations,
                generated.api.stats().types,
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { spec } => {
            let generated = Generator::new(&spec).generate()?;
            print!("{}", report(&generated));
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            old,
            new,
            format,
            current_version,
        } => {
            let old = Generator::new(&old).generate()?;
            let new = Generator::new(&new).generate()?;
            let diff = planasonix_codegen::diff::diff(&old.api, &new.api);
            if format == "json" {
                let json = diff.to_json(current_version);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).unwrap_or_default()
                );
            } else {
                print!("{}", diff.render_text(current_version));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { spec, out } => {
            let release = planasonix_codegen::release::release(&spec, &out)?;
            for w in &release.warnings {
                eprintln!("{w}");
            }
            print!("{}", release_report(&release, &out));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn release_report(r: &planasonix_codegen::release::Release, out: &std::path::Path) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for c in &r.diff.changes {
        let _ = writeln!(s, "{c}");
    }
    if !r.diff.changes.is_empty() {
        s.push('\n');
    }
    let _ = writeln!(s, "{}", r.diff.summary());
    if r.changelog_entry.is_some() {
        let _ = writeln!(
            s,
            "{} {} -> {} ({} bump for {} changes); CHANGELOG.md updated",
            r.crate_name,
            r.previous,
            r.version,
            r.bump,
            r.diff.impact().map_or("generated source", |i| i.as_str())
        );
    } else {
        let _ = writeln!(
            s,
            "{} stays at {}: nothing to release",
            r.crate_name, r.previous
        );
    }
    let _ = writeln!(
        s,
        "{}: {} written, {} unchanged, {} removed",
        out.display(),
        r.written.written.len(),
        r.written.unchanged.len(),
        r.written.removed.len()
    );
    s
}

fn report(generated: &planasonix_codegen::Generated) -> String {
    use std::fmt::Write as _;
    let api = &generated.api;
    let stats = api.stats();
    let mut out = String::new();
    let _ = writeln!(out, "crate: {}", generated.crate_name);
    let _ = writeln!(out, "operations: {}", stats.operations);
    let _ = writeln!(out, "types: {}", stats.types);
    let _ = writeln!(out, "groups:");
    for g in &api.groups {
        let _ = writeln!(out, "  {} ({} operations)", g.module, g.operations.len());
        for op in &g.operations {
            let mut notes = Vec::new();
            if op.pagination.is_some() {
                notes.push("paginated".to_string());
            }
            if op.idempotency_header.is_some() {
                notes.push("idempotency key".to_string());
            }
            if op.waiter.is_some() {
                notes.push("waiter".to_string());
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  [{}]", notes.join(", "))
            };
            let _ = writeln!(
                out,
                "    {:<7} {:<50} {}.{}(){notes}",
                op.method, op.path, g.module, op.method_name
            );
        }
    }
    let _ = writeln!(out, "paginators:");
    for (style, n) in &stats.paginators {
        let _ = writeln!(out, "  {style}: {n}");
    }
    let _ = writeln!(out, "untyped JSON fallbacks: {}", api.untyped.len());
    for u in &api.untyped {
        let _ = writeln!(out, "  {}: {}", u.pointer, u.reason);
    }
    let _ = writeln!(out, "warnings: {}", generated.warnings.len());
    for w in &generated.warnings {
        let _ = writeln!(out, "  {}", w.to_string().replace('\n', "\n  "));
    }
    out
}
