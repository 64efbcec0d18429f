//! The benchmark suite's shared pieces: medians, peak memory of processes, the loopback HTTP
//! server the client benches talk to, and the results file that the benches append to and
//! `bench-report` renders as the table in `BENCHMARKS.md`.
//!
//! Run everything with `./scripts/bench` (never part of `./scripts/test`). The bench binaries
//! (`benches/generation.rs`, `benches/client.rs`) measure only when started by `cargo bench`,
//! which passes `--bench`; started any other way (`cargo test --all-targets`) they exit at once.

pub mod results;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Whether the bench binary was started by `cargo bench` (which passes `--bench`).
pub fn bench_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--bench")
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The median of `values` (the mean of the middle two for an even count); `NaN` when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// This process's peak resident set size in KiB (`VmHWM` of `/proc/self/status`), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Wall time and peak RSS of a whole process, as `/usr/bin/time -f '%e %M'` reports them (the
/// peak is the largest of the process and the descendants it waited for).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessCost {
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Peak resident set size in KiB.
    pub peak_kib: u64,
}

/// Runs `command` under `/usr/bin/time`, its stdout and stderr captured; returns its cost and
/// stdout, or a description of what failed.
pub fn measure_process(command: &mut Command) -> Result<(ProcessCost, String), String> {
    let report = std::env::temp_dir().join(format!(
        "bench-time-{}-{}",
        std::process::id(),
        fastish_counter()
    ));
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&report)
        .arg(&program)
        .args(&args);
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(v) => timed.env(key, v),
            None => timed.env_remove(key),
        };
    }
    let output = timed.output().map_err(|e| {
        format!(
            "cannot run /usr/bin/time {}: {e}",
            program.to_string_lossy()
        )
    })?;
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            program.to_string_lossy(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let last = text.lines().last().unwrap_or_default();
    let mut fields = last.split_whitespace();
    let seconds = fields.next().and_then(|s| s.parse().ok());
    let peak_kib = fields.next().and_then(|s| s.parse().ok());
    match (seconds, peak_kib) {
        (Some(seconds), Some(peak_kib)) => Ok((
            ProcessCost { seconds, peak_kib },
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )),
        _ => Err(format!("unreadable /usr/bin/time report: {text:?}")),
    }
}

fn fastish_counter() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Runs `rounds` rounds of every closure in `runs`, interleaved (round `r` starts with closure
/// `r % runs.len()`, so none always runs first), and returns each closure's measurements in
/// round order. Each closure returns what it measured (seconds, items per second, …).
pub fn interleaved<F: FnMut() -> f64>(rounds: usize, runs: &mut [F]) -> Vec<Vec<f64>> {
    let n = runs.len();
    let mut out = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            out[i].push(runs[i]());
        }
    }
    out
}

/// Median of the per-round ratios `a[i] / b[i]`: a paired ratio that a slow spell of the machine,
/// which hits both runs of a round, does not move.
pub fn paired_ratio(a: &[f64], b: &[f64]) -> f64 {
    let ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    median(&ratios)
}

/// `1000000` → `1,000,000`.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as a `Duration`-like human string (`812 µs`, `41.2 ms`, `1.31 s`).
pub fn human_seconds(seconds: f64) -> String {
    if seconds.is_nan() {
        "?".to_string()
    } else if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.2} s", Duration::from_secs_f64(seconds).as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(paired_ratio(&[2.0, 3.0, 10.0], &[1.0, 3.0, 4.0]), 2.0);
    }

    #[test]
    fn interleaving_rotates_the_first_run() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut a = || {
            order.borrow_mut().push('a');
            1.0
        };
        let mut b = || {
            order.borrow_mut().push('b');
            2.0
        };
        let mut runs: [&mut dyn FnMut() -> f64; 2] = [&mut a, &mut b];
        let out = interleaved(2, &mut runs);
        assert_eq!(out, vec![vec![1.0, 1.0], vec![2.0, 2.0]]);
        assert_eq!(order.into_inner(), vec!['a', 'b', 'b', 'a']);
    }

    #[test]
    fn own_peak_rss_is_read() {
        assert!(peak_rss_kib().is_some_and(|k| k > 0));
    }

    #[test]
    fn human_units() {
        assert_eq!(human_seconds(0.000_25), "250.0 µs");
        assert_eq!(human_seconds(0.0412), "41.2 ms");
        assert_eq!(human_seconds(1.314), "1.31 s");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
    }
}
