//! Generation speed: for `spec/planasonix.yaml` and every corpus spec in `target/corpus/specs`
//! (fetched by `scripts/fetch-corpus.sh`), the median time to generate a crate in memory
//! (`Generator::from_bytes(..).generate()` then `crate_files()`: load, IR, emit, format; nothing
//! written) against the median time to merely read the same document into a `serde_json::Value`
//! (`load::parse_tree`, the generator's own YAML/JSON reader), measured in interleaved rounds.
//! Also the first generation in a fresh process against the first bare parse in one (what a
//! build script pays, thread pool start included), and the peak memory of the release CLI
//! generating GitHub's crate (`$BENCH_CODEGEN`), against a process that only reads that spec into
//! a `Value`.
//!
//! `cargo bench -p benchmarks --bench generation` (or `./scripts/bench`). `BENCH_SPECS=a,b`
//! limits it to some specs; `BENCH_MIN_SECONDS` (default 3) is the least time spent per spec.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use benchmarks::results::{self, Row, Target, Unit};
use benchmarks::{measure_process, median, workspace_root};
use planasonix_codegen::{Generator, load};

const BASELINE: &str = "parse_tree: text → serde_json::Value";
const TARGET_RATIO: f64 = 5.0;
const GITHUB_TARGET_SECONDS: f64 = 1.0;

struct Spec {
    name: String,
    path: PathBuf,
}

fn specs(root: &Path) -> Vec<Spec> {
    let mut specs = vec![Spec {
        name: "planasonix".into(),
        path: root.join("spec/planasonix.yaml"),
    }];
    let corpus = std::env::var_os("BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/corpus/specs"));
    let list = std::fs::read_to_string(root.join("tests/corpus/specs.tsv")).unwrap_or_default();
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let Some((name, rest)) = line.split_once('\t') else {
            continue;
        };
        let ext = rest
            .split('\t')
            .nth(2)
            .and_then(|p| p.rsplit('.').next())
            .unwrap_or("json");
        let path = corpus.join(format!("{name}.{ext}"));
        if path.is_file() {
            specs.push(Spec {
                name: name.to_string(),
                path,
            });
        } else {
            eprintln!(
                "{name}: {} is missing (run scripts/fetch-corpus.sh); skipped",
                path.display()
            );
        }
    }
    if let Ok(only) = std::env::var("BENCH_SPECS") {
        let only: Vec<&str> = only.split(',').collect();
        specs.retain(|s| only.contains(&s.name.as_str()));
    }
    specs
}

/// Seconds of each stage of one generation.
struct Stages {
    /// `load::parse_tree`: the text read into a `serde_json::Value` (the baseline).
    read: f64,
    /// `load::parse`: read, version check and 3.1 → 3.0 normalization.
    load: f64,
    /// `generate()`: load and lowering into the IR.
    generate: f64,
    /// `crate_files()`: emission and formatting of every file.
    emit: f64,
}

fn parse_only(bytes: &[u8]) -> f64 {
    let start = Instant::now();
    let text = std::str::from_utf8(bytes).expect("the spec is UTF-8");
    let value = load::parse_tree(text).expect("the spec parses");
    let seconds = start.elapsed().as_secs_f64();
    drop(std::hint::black_box(value));
    settle();
    seconds
}

fn load_only(bytes: &[u8]) -> f64 {
    let start = Instant::now();
    let doc = load::parse(bytes).expect("the spec loads");
    let seconds = start.elapsed().as_secs_f64();
    drop(std::hint::black_box(doc));
    settle();
    seconds
}

/// Called after each measured region's results are dropped, outside the timing: one 4 KB
/// allocation makes glibc consolidate the chunks just freed (`malloc_consolidate` runs at the
/// first allocation of 1 KB or more after small frees). Without it, each region paid for
/// consolidating the previous region's garbage: the parse after a generation consolidated the
/// dropped IR and files, which made the baseline slower and the ratios 4–9% lower than with a
/// settled heap, closer to the fresh process a `build.rs` starts from.
fn settle() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(4096)));
}

/// One whole generation: returns (generate seconds, crate_files seconds, operations, types, bytes
/// of Rust written).
fn generate(name: &str, bytes: &[u8], out: &Path) -> (f64, f64, usize, usize, usize) {
    let generator = Generator::from_bytes(name, bytes.to_vec());
    let start = Instant::now();
    let generated = generator.generate().expect("the spec generates");
    let lowered = start.elapsed().as_secs_f64();
    let files = generated.crate_files(out).expect("the crate is emitted");
    let total = start.elapsed().as_secs_f64();
    let stats = generated.api.stats();
    let rust: usize = files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(_, t)| t.len())
        .sum();
    drop(std::hint::black_box(files));
    drop(generated);
    settle();
    (
        lowered,
        total - lowered,
        stats.operations,
        stats.types,
        rust,
    )
}

fn bench_spec(spec: &Spec, min_seconds: f64) -> (Row, Stages, (usize, usize, usize), usize) {
    let bytes = std::fs::read(&spec.path).expect("the spec is readable");
    // Never written: crate_files only looks at the folder (for an existing version).
    let out = std::env::temp_dir().join(format!("bench-generation-{}", spec.name));
    let (_, _, ops, types, rust) = generate(&spec.name, &bytes, &out); // warm-up
    parse_only(&bytes);
    let started = Instant::now();
    let mut read = Vec::new();
    let mut load = Vec::new();
    let mut lowered = Vec::new();
    let mut emitted = Vec::new();
    let mut totals = Vec::new();
    let mut rounds = 0;
    while rounds < 5 || (started.elapsed().as_secs_f64() < min_seconds && rounds < 200) {
        // The order rotates from round to round, so no stage always runs first.
        for k in 0..3 {
            match (rounds + k) % 3 {
                0 => read.push(parse_only(&bytes)),
                1 => load.push(load_only(&bytes)),
                _ => {
                    let (g, e, ..) = generate(&spec.name, &bytes, &out);
                    lowered.push(g);
                    emitted.push(e);
                    totals.push(g + e);
                }
            }
        }
        rounds += 1;
    }
    let value = median(&totals);
    let base = median(&read);
    let row = Row {
        area: "Generation".into(),
        subject: format!(
            "{} ({}, {})",
            spec.name,
            human_bytes(bytes.len()),
            if bytes.trim_ascii_start().starts_with(b"{") {
                "JSON"
            } else {
                "YAML"
            }
        ),
        figure: "generate: load + IR + emit + format (median)".into(),
        value,
        unit: Unit::Seconds,
        baseline: Some((BASELINE.into(), base)),
        ratio: Some(value / base),
        target: Target::RatioAtMost(TARGET_RATIO),
    };
    let stages = Stages {
        read: base,
        load: median(&load),
        generate: median(&lowered),
        emit: median(&emitted),
    };
    (row, stages, (ops, types, rust), rounds)
}

fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

/// Child mode: read the spec into a `Value` and exit (the baseline process for peak memory).
fn child_parse(path: &str) {
    let bytes = std::fs::read(path).expect("the spec is readable");
    let text = std::str::from_utf8(&bytes).expect("the spec is UTF-8");
    let value = load::parse_tree(text).expect("the spec parses");
    std::hint::black_box(&value);
    println!("{}", benchmarks::peak_rss_kib().unwrap_or(0));
}

/// Child mode: one generation (`generate()` then `crate_files()`) in this fresh process, or with
/// `parse_only` one `load::parse_tree`; prints its seconds. A build script generates once per
/// process, before any thread of the generator's pool has started.
fn child_first(path: &str, parse_only: bool) {
    let bytes = std::fs::read(path).expect("the spec is readable");
    let start = Instant::now();
    if parse_only {
        let text = std::str::from_utf8(&bytes).expect("the spec is UTF-8");
        std::hint::black_box(load::parse_tree(text).expect("the spec parses"));
    } else {
        let out = std::env::temp_dir().join(format!("bench-first-{}", std::process::id()));
        let generated = Generator::from_bytes(path, bytes)
            .generate()
            .expect("the spec generates");
        std::hint::black_box(generated.crate_files(&out).expect("the crate is emitted"));
    }
    println!("{}", start.elapsed().as_secs_f64());
}

/// Median seconds of the first generation and of the first bare parse, each in fresh processes
/// (alternating, `rounds` of each).
fn first_in_process(spec: &Spec, rounds: usize) -> (f64, f64) {
    let me = std::env::current_exe().expect("the bench binary's path");
    let run = |mode: &str| -> f64 {
        let out = Command::new(&me)
            .arg(mode)
            .arg(&spec.path)
            .output()
            .expect("the child runs");
        assert!(out.status.success(), "{mode} failed for {}", spec.name);
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("the child prints its seconds")
    };
    let (mut generation, mut parse) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        generation.push(run("--child-first"));
        parse.push(run("--child-first-parse"));
    }
    (median(&generation), median(&parse))
}

/// Peak RSS of the release CLI generating GitHub's crate into a scratch folder, against a process
/// that only reads the spec.
fn cli_memory(spec: &Spec) -> Vec<Row> {
    let Some(cli) = std::env::var_os("BENCH_CODEGEN") else {
        eprintln!("BENCH_CODEGEN (the release planasonix-codegen) is not set: CLI memory skipped");
        return Vec::new();
    };
    let out = std::env::temp_dir().join(format!("bench-cli-{}", std::process::id()));
    let mut cli_runs = Vec::new();
    let mut base_runs = Vec::new();
    let mut cli_seconds = Vec::new();
    let me = std::env::current_exe().expect("the bench binary's path");
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&out);
        let (cost, _) = measure_process(
            Command::new(&cli)
                .arg("generate")
                .arg("--spec")
                .arg(&spec.path)
                .arg("--out")
                .arg(&out),
        )
        .expect("the CLI generates GitHub's crate");
        cli_runs.push(cost.peak_kib as f64 / 1024.0);
        cli_seconds.push(cost.seconds);
        let (cost, _) = measure_process(Command::new(&me).arg("--child-parse").arg(&spec.path))
            .expect("the parse-only child runs");
        base_runs.push(cost.peak_kib as f64 / 1024.0);
    }
    let _ = std::fs::remove_dir_all(&out);
    let (value, base) = (median(&cli_runs), median(&base_runs));
    vec![
        Row {
            area: "Generation".into(),
            subject: format!("{}: release CLI `generate --out <tmp>`", spec.name),
            figure: "peak RSS (/usr/bin/time %M, median of 3)".into(),
            value,
            unit: Unit::MiB,
            baseline: Some(("process that only reads the spec into a Value".into(), base)),
            ratio: Some(value / base),
            target: Target::None,
        },
        Row {
            area: "Generation".into(),
            subject: format!("{}: release CLI `generate --out <tmp>`", spec.name),
            figure: "wall time, writing included (median of 3)".into(),
            value: median(&cli_seconds),
            unit: Unit::Seconds,
            baseline: None,
            ratio: None,
            target: Target::None,
        },
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-parse") {
        child_parse(&args[i + 1]);
        return;
    }
    for (flag, parse_only) in [("--child-first", false), ("--child-first-parse", true)] {
        if let Some(i) = args.iter().position(|a| a == flag) {
            child_first(&args[i + 1], parse_only);
            return;
        }
    }
    if !benchmarks::bench_requested() {
        eprintln!("generation bench: measures only under `cargo bench` (or ./scripts/bench)");
        return;
    }
    let root = workspace_root();
    let min_seconds: f64 = std::env::var("BENCH_MIN_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let mut rows = Vec::new();
    let mut details = String::from(
        "### Generation, stage by stage (medians)\n\n\
         `read` is the baseline (`load::parse_tree`); `load` adds the version check and the 3.1 → 3.0 \
         normalization (`load::parse`); `generate()` loads again and lowers into the IR; \
         `crate_files()` emits and formats every file. Total = `generate()` + `crate_files()`.\n\n\
         | spec | operations | types | Rust emitted | read | load | generate() | crate_files() | total | rounds |\n\
         |---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut first = String::from(
        "### Generation, first run in a fresh process (medians of 7 processes)\n\n\
         What a build script pays: one generation in a new process (the generator's thread pool \
         starts with it), against one bare parse in a new process. The in-process figure above \
         is the median of many generations in one process.\n\n\
         | spec | first generation | first bare parse | ratio | in process (median) |\n\
         |---|--:|--:|--:|--:|\n",
    );
    let specs = specs(&root);
    for spec in &specs {
        eprintln!("==> generation: {}", spec.name);
        let (row, stages, (ops, types, rust), rounds) = bench_spec(spec, min_seconds);
        details.push_str(&format!(
            "| {} | {ops} | {types} | {} | {} | {} | {} | {} | {} | {rounds} |\n",
            spec.name,
            human_bytes(rust),
            benchmarks::human_seconds(stages.read),
            benchmarks::human_seconds(stages.load),
            benchmarks::human_seconds(stages.generate),
            benchmarks::human_seconds(stages.emit),
            benchmarks::human_seconds(row.value),
        ));
        let absolute = (spec.name == "github").then(|| Row {
            area: "Generation".into(),
            subject: format!("{}: absolute generation time", spec.name),
            figure: "generate + crate_files, in process (median)".into(),
            value: row.value,
            unit: Unit::Seconds,
            baseline: None,
            ratio: None,
            target: Target::ValueAtMost(GITHUB_TARGET_SECONDS),
        });
        let (first_generation, first_parse) = first_in_process(spec, 7);
        first.push_str(&format!(
            "| {} | {} | {} | {:.2}× | {} |\n",
            spec.name,
            benchmarks::human_seconds(first_generation),
            benchmarks::human_seconds(first_parse),
            first_generation / first_parse,
            benchmarks::human_seconds(row.value),
        ));
        results::record(std::slice::from_ref(&row));
        rows.push(row);
        if let Some(absolute) = absolute {
            results::record(std::slice::from_ref(&absolute));
            let memory = cli_memory(spec);
            results::record(&memory);
            rows.push(absolute);
            rows.extend(memory);
        }
    }
    details.push('\n');
    details.push_str(&first);
    results::record_details("10-generation", &details);
}
