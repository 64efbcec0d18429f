//! Client overhead and paginator throughput/memory of the generated `planasonix` client, against
//! an in-process loopback server (`benchmarks::server`: raw TCP, fixed keep-alive answers).
//!
//! - **Overhead**: `client.pipelines().get(id).send()` (a 6-node pipeline in `{"data": …}`) against
//!   the same GET sent with raw `reqwest` and decoded with `serde_json::from_slice` into the same
//!   `models::Pipeline`; N sequential and N concurrent requests, both clients interleaved round by
//!   round on the same server, medians, ratio = median of the per-round ratios.
//! - **Paginator**: `client.runs().list().limit(1000).items()` streaming 1,000,000 runs (1,000
//!   pages), in a child process per run so its peak RSS (`VmHWM`) is its own; next to the same
//!   stream over 1 page, and to a raw `reqwest` loop over the same pages.
//!
//! `cargo bench -p benchmarks --bench client` (or `./scripts/bench`). `BENCH_ROUNDS` (default 15)
//! sets the overhead rounds, `BENCH_PAGES` (default 1000) the pages of the long stream.
//!
//! For profiles, one client alone: `client-* --profile-overhead <generated|raw> [requests]
//! [in flight]` (defaults 40,000 and 32) makes that many GETs after a warm-up and prints the time
//! per request; `client-* --profile-paginate <generated|raw> [pages]` streams the runs of that
//! many pages (default 200). Run them under `perf record --call-graph dwarf`.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Instant;

use benchmarks::results::{self, Row, Target, Unit};
use benchmarks::server::{self, Config};
use benchmarks::{group_thousands, interleaved, median, paired_ratio};
use futures_util::{StreamExt, TryStreamExt};
use planasonix::models::{CursorMeta, Pipeline, Run};

const KEY: &str = "plnx_test_0123456789abcdef";
const PIPELINE_ID: &str = "pl_01hqxyz";
const PER_PAGE: usize = 1000;
const CONCURRENCY: usize = 32;
const OVERHEAD_TARGET: f64 = 1.05;
/// "Flat memory": the long stream's peak RSS within 25% of a one-page stream's.
const FLAT_MEMORY_TARGET: f64 = 1.25;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn generated_client(addr: SocketAddr) -> planasonix::Client {
    planasonix::Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .expect("a loopback base URL")
        .build()
        .expect("the client builds")
}

/// The raw baseline: a default `reqwest::Client`, the same headers the generated client sends.
struct Raw {
    http: reqwest::Client,
    base: String,
}

impl Raw {
    fn new(addr: SocketAddr) -> Self {
        Raw {
            http: reqwest::Client::builder()
                .user_agent("planasonix/0.1.0 rust")
                .build()
                .expect("reqwest builds"),
            base: format!("http://{addr}"),
        }
    }

    async fn get_bytes(&self, path_and_query: &str) -> bytes::Bytes {
        let response = self
            .http
            .get(format!("{}{path_and_query}", self.base))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("the raw request succeeds");
        assert!(response.status().is_success(), "{}", response.status());
        response.bytes().await.expect("the raw body")
    }

    async fn get_pipeline(&self) -> Pipeline {
        #[derive(serde::Deserialize)]
        struct Data {
            data: Pipeline,
        }
        let bytes = self
            .get_bytes(&format!("/api/pipelines/{PIPELINE_ID}"))
            .await;
        serde_json::from_slice::<Data>(&bytes)
            .expect("the pipeline decodes")
            .data
    }
}

async fn generated_get(client: &planasonix::Client) -> Pipeline {
    client
        .pipelines()
        .get(PIPELINE_ID)
        .send()
        .await
        .expect("the generated client's request succeeds")
}

/// Seconds per request for `n` requests made by `make`, `concurrency` at a time.
async fn per_request<F, Fut>(n: usize, concurrency: usize, make: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Pipeline>,
{
    let start = Instant::now();
    if concurrency <= 1 {
        for _ in 0..n {
            std::hint::black_box(make().await);
        }
    } else {
        futures_util::stream::iter(0..n)
            .map(|_| make())
            .buffer_unordered(concurrency)
            .for_each(|p| {
                std::hint::black_box(p);
                async {}
            })
            .await;
    }
    start.elapsed().as_secs_f64() / n as f64
}

fn overhead(rounds: usize) -> Vec<Row> {
    let addr = server::start(Config::default()).expect("the loopback server starts");
    let rt = runtime();
    let client = generated_client(addr);
    let raw = Raw::new(addr);
    // Sanity: both decode the same pipeline.
    let (a, b) = rt.block_on(async { (generated_get(&client).await, raw.get_pipeline().await) });
    assert_eq!(a, b, "both clients decode the same Pipeline");
    let mut rows = Vec::new();
    for (n, concurrency) in [(1000, 1), (2000, CONCURRENCY)] {
        // Warm-up: connections open, allocator and caches warm.
        rt.block_on(per_request(n / 2, concurrency, || generated_get(&client)));
        rt.block_on(per_request(n / 2, concurrency, || raw.get_pipeline()));
        let mut runs: [&mut dyn FnMut() -> f64; 2] = [
            &mut || rt.block_on(per_request(n, concurrency, || generated_get(&client))),
            &mut || rt.block_on(per_request(n, concurrency, || raw.get_pipeline())),
        ];
        let out = interleaved(rounds, &mut runs);
        let subject = if concurrency > 1 {
            format!("`pipelines().get(id).send()`, {n} requests, {concurrency} in flight")
        } else {
            format!("`pipelines().get(id).send()`, {n} sequential requests")
        };
        rows.push(Row {
            area: "Client overhead".into(),
            subject,
            figure: format!("time per request (median of {rounds} rounds)"),
            value: median(&out[0]),
            unit: Unit::Seconds,
            baseline: Some((
                "raw reqwest + serde_json::from_slice into the same `Pipeline`".into(),
                median(&out[1]),
            )),
            ratio: Some(paired_ratio(&out[0], &out[1])),
            target: Target::RatioAtMost(OVERHEAD_TARGET),
        });
        results::record(&rows[rows.len() - 1..]);
    }
    rows
}

/// What a paginator child reports.
#[derive(Debug, Clone, Copy)]
struct Streamed {
    items: usize,
    seconds: f64,
    peak_kib: u64,
}

fn spawn_child(mode: &str, addr: SocketAddr) -> Streamed {
    let me = std::env::current_exe().expect("the bench binary's path");
    let output = Command::new(me)
        .args(["--child-paginate", mode, &addr.to_string()])
        .output()
        .expect("the paginator child starts");
    assert!(
        output.status.success(),
        "paginator child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    Streamed {
        items: f[0].parse().expect("items"),
        seconds: f[1].parse().expect("seconds"),
        peak_kib: f[2].parse().expect("peak"),
    }
}

/// Child mode: stream every run from the server at `addr`, print `items seconds peak_kib`.
fn child_paginate(mode: &str, addr: &str) {
    let addr: SocketAddr = addr.parse().expect("an address");
    let rt = runtime();
    let start = Instant::now();
    let items = rt.block_on(async {
        let mut items = 0usize;
        if mode == "generated" {
            let client = generated_client(addr);
            let mut stream = client.runs().list().limit(PER_PAGE as i32).items();
            while let Some(run) = stream.try_next().await.expect("a page") {
                std::hint::black_box(&run);
                items += 1;
            }
        } else {
            #[derive(serde::Deserialize)]
            struct RawPage {
                data: Vec<Run>,
                meta: Option<CursorMeta>,
            }
            let raw = Raw::new(addr);
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/api/runs?limit={PER_PAGE}&cursor={c}"),
                    None => format!("/api/runs?limit={PER_PAGE}"),
                };
                let bytes = raw.get_bytes(&path).await;
                let page: RawPage = serde_json::from_slice(&bytes).expect("a page decodes");
                for run in page.data {
                    std::hint::black_box(&run);
                    items += 1;
                }
                cursor = page.meta.and_then(|m| m.cursor.into_option());
                if cursor.is_none() {
                    break;
                }
            }
        }
        items
    });
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{items} {seconds} {}",
        benchmarks::peak_rss_kib().unwrap_or(0)
    );
}

fn paginator(pages: usize) -> Vec<Row> {
    let long = server::start(Config {
        pages,
        per_page: PER_PAGE,
    })
    .expect("the loopback server starts");
    let short = server::start(Config {
        pages: 1,
        per_page: PER_PAGE,
    })
    .expect("the loopback server starts");
    let configs = [
        ("generated", short, "generated client, 1 page"),
        ("generated", long, "generated client, all pages"),
        ("raw", short, "raw reqwest loop, 1 page"),
        ("raw", long, "raw reqwest loop, all pages"),
    ];
    let mut seen: Vec<Vec<Streamed>> = vec![Vec::new(); configs.len()];
    let rounds = 3;
    for round in 0..rounds {
        for k in 0..configs.len() {
            let i = (round + k) % configs.len();
            let (mode, addr, _) = configs[i];
            let s = spawn_child(mode, addr);
            let expected = if addr == long { pages } else { 1 } * PER_PAGE;
            assert_eq!(s.items, expected, "{} streamed every item", configs[i].2);
            seen[i].push(s);
        }
    }
    let rate =
        |i: usize| -> Vec<f64> { seen[i].iter().map(|s| s.items as f64 / s.seconds).collect() };
    let mib =
        |i: usize| -> Vec<f64> { seen[i].iter().map(|s| s.peak_kib as f64 / 1024.0).collect() };
    let mut details = String::from(
        "### Paginator runs (medians of 3 child processes each)\n\n\
         | run | items | time | items/s | peak RSS (VmHWM) |\n|---|--:|--:|--:|--:|\n",
    );
    for (i, (_, _, label)) in configs.iter().enumerate() {
        let secs: Vec<f64> = seen[i].iter().map(|s| s.seconds).collect();
        details.push_str(&format!(
            "| {label} | {} | {} | {} | {} |\n",
            group_thousands(seen[i][0].items),
            benchmarks::human_seconds(median(&secs)),
            Unit::PerSecond.format(median(&rate(i))),
            Unit::MiB.format(median(&mib(i))),
        ));
    }
    results::record_details("30-paginator", &details);
    let subject = format!(
        "`runs().list().limit({PER_PAGE}).items()`, {} runs ({} pages)",
        group_thousands(pages * PER_PAGE),
        group_thousands(pages)
    );
    let (gen_rate, raw_rate) = (rate(1), rate(3));
    let rows = vec![
        Row {
            area: "Paginator".into(),
            subject: subject.clone(),
            figure: "throughput, items/s (median of 3)".into(),
            value: median(&gen_rate),
            unit: Unit::PerSecond,
            baseline: Some((
                "raw reqwest page loop, serde_json straight into `Vec<Run>`".into(),
                median(&raw_rate),
            )),
            // Cost ratio (time per item): the baseline's rate over the client's.
            ratio: Some(paired_ratio(&raw_rate, &gen_rate)),
            target: Target::None,
        },
        Row {
            area: "Paginator".into(),
            subject,
            figure: "peak RSS of the process (VmHWM, median of 3)".into(),
            value: median(&mib(1)),
            unit: Unit::MiB,
            baseline: Some((
                format!(
                    "the same stream over 1 page ({} runs)",
                    group_thousands(PER_PAGE)
                ),
                median(&mib(0)),
            )),
            ratio: Some(median(&mib(1)) / median(&mib(0))),
            target: Target::RatioAtMost(FLAT_MEMORY_TARGET),
        },
    ];
    results::record(&rows);
    rows
}

/// Profile mode: `requests` GETs by one client alone, `concurrency` at a time.
fn profile_overhead(mode: &str, requests: usize, concurrency: usize) {
    let addr = server::start(Config::default()).expect("the loopback server starts");
    let rt = runtime();
    let client = generated_client(addr);
    let raw = Raw::new(addr);
    let run = |n: usize| match mode {
        "generated" => rt.block_on(per_request(n, concurrency, || generated_get(&client))),
        "raw" => rt.block_on(per_request(n, concurrency, || raw.get_pipeline())),
        other => panic!("--profile-overhead takes `generated` or `raw`, not {other:?}"),
    };
    run(requests / 10);
    let seconds = run(requests);
    println!(
        "{mode}: {} per request ({requests} requests, {concurrency} in flight)",
        benchmarks::human_seconds(seconds)
    );
}

/// Profile mode: stream the runs of `pages` pages with one client.
fn profile_paginate(mode: &str, pages: usize) {
    let addr = server::start(Config {
        pages,
        per_page: PER_PAGE,
    })
    .expect("the loopback server starts");
    child_paginate(mode, &addr.to_string());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-paginate") {
        child_paginate(&args[i + 1], &args[i + 2]);
        return;
    }
    let arg = |i: usize, default: usize| -> usize {
        args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default)
    };
    if let Some(i) = args.iter().position(|a| a == "--profile-overhead") {
        profile_overhead(&args[i + 1], arg(i + 2, 40_000), arg(i + 3, CONCURRENCY));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--profile-paginate") {
        profile_paginate(&args[i + 1], arg(i + 2, 200));
        return;
    }
    if !benchmarks::bench_requested() {
        eprintln!("client bench: measures only under `cargo bench` (or ./scripts/bench)");
        return;
    }
    let env = |name: &str, default: usize| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    eprintln!("==> client overhead");
    overhead(env("BENCH_ROUNDS", 15));
    eprintln!("==> paginator");
    paginator(env("BENCH_PAGES", 1000));
}
