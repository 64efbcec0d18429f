//! The results file: one tab-separated line per figure, appended by the benches and by
//! `scripts/bench`, rendered by `bench-report` as the Markdown table of `BENCHMARKS.md`.
//!
//! A line is `row`, then the nine fields of a [`Row`]: area, subject, figure, value, unit,
//! baseline label, baseline value, ratio, target. A missing field is `-`. Targets are written
//! `ratio<=5` (the ratio column at most 5), `value<=1` (the value at most 1, in its unit) or `-`.
//! `meta<TAB>key<TAB>value` lines describe the run (cores, date, compiler, commit).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// What a value measures, which decides how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds (printed as µs, ms or s).
    Seconds,
    /// MiB of memory (printed as MiB or GiB).
    MiB,
    /// Items per second.
    PerSecond,
}

impl Unit {
    fn code(self) -> &'static str {
        match self {
            Unit::Seconds => "s",
            Unit::MiB => "MiB",
            Unit::PerSecond => "/s",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        match code {
            "s" => Some(Unit::Seconds),
            "MiB" => Some(Unit::MiB),
            "/s" => Some(Unit::PerSecond),
            _ => None,
        }
    }

    /// A target's limit in this unit, without needless decimals (`60 s`, `2 GiB`).
    pub fn format_limit(self, limit: f64) -> String {
        let whole = |v: f64| v.fract() == 0.0;
        match self {
            Unit::Seconds if limit >= 1.0 && whole(limit) => format!("{limit} s"),
            Unit::MiB if limit >= 1024.0 && whole(limit / 1024.0) => {
                format!("{} GiB", limit / 1024.0)
            }
            _ => self.format(limit),
        }
    }

    /// `value` in this unit, for people.
    pub fn format(self, value: f64) -> String {
        if value.is_nan() {
            return "?".to_string();
        }
        match self {
            Unit::Seconds => super::human_seconds(value),
            Unit::MiB if value >= 1024.0 => format!("{:.2} GiB", value / 1024.0),
            Unit::MiB => format!("{value:.0} MiB"),
            Unit::PerSecond if value >= 1e6 => format!("{:.2} M/s", value / 1e6),
            Unit::PerSecond if value >= 1e3 => format!("{:.1} k/s", value / 1e3),
            Unit::PerSecond => format!("{value:.0}/s"),
        }
    }
}

/// What a figure must stay within.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// No target: reported for information.
    None,
    /// The ratio against the baseline is at most this.
    RatioAtMost(f64),
    /// The value itself is at most this (in the row's unit).
    ValueAtMost(f64),
}

/// One figure of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The part of the suite: `Generation`, `Compile cost`, `Client overhead`, `Paginator`.
    pub area: String,
    /// What was measured (a spec, a crate and its features, a request pattern).
    pub subject: String,
    /// Which figure of it (median generation time, peak RSS, …).
    pub figure: String,
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
    /// The baseline: what it is, and its value in the same unit.
    pub baseline: Option<(String, f64)>,
    /// Cost relative to the baseline (> 1: slower or larger). `value / baseline` unless the
    /// bench computed it otherwise (paired per-round ratios, or inverted for throughputs).
    pub ratio: Option<f64>,
    /// The target.
    pub target: Target,
}

impl Row {
    /// Whether the row meets its target: `None` when it has none (or a figure is unknown).
    pub fn meets_target(&self) -> Option<bool> {
        match self.target {
            Target::None => None,
            Target::RatioAtMost(limit) => self.ratio.filter(|r| !r.is_nan()).map(|r| r <= limit),
            Target::ValueAtMost(limit) => (!self.value.is_nan()).then_some(self.value <= limit),
        }
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::None => "—".to_string(),
            Target::RatioAtMost(limit) => format!("≤ {limit}×"),
            Target::ValueAtMost(limit) => format!("≤ {}", self.unit.format_limit(limit)),
        }
    }

    /// The row as one line of the results file (without the newline).
    pub fn to_line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        let (label, base) = match &self.baseline {
            Some((label, value)) => (clean(label), value.to_string()),
            None => ("-".to_string(), "-".to_string()),
        };
        let target = match self.target {
            Target::None => "-".to_string(),
            Target::RatioAtMost(l) => format!("ratio<={l}"),
            Target::ValueAtMost(l) => format!("value<={l}"),
        };
        format!(
            "row\t{}\t{}\t{}\t{}\t{}\t{label}\t{base}\t{}\t{target}",
            clean(&self.area),
            clean(&self.subject),
            clean(&self.figure),
            self.value,
            self.unit.code(),
            self.ratio.map_or("-".to_string(), |r| r.to_string()),
        )
    }

    /// Parses a `row` line of the results file.
    pub fn from_line(line: &str) -> Option<Row> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 10 || f[0] != "row" {
            return None;
        }
        let number = |s: &str| -> Option<f64> {
            if s == "-" {
                None
            } else {
                Some(s.parse().unwrap_or(f64::NAN))
            }
        };
        let target = if let Some(l) = f[9].strip_prefix("ratio<=") {
            Target::RatioAtMost(l.parse().ok()?)
        } else if let Some(l) = f[9].strip_prefix("value<=") {
            Target::ValueAtMost(l.parse().ok()?)
        } else {
            Target::None
        };
        let value = number(f[4]).unwrap_or(f64::NAN);
        let baseline = number(f[7]).map(|b| (f[6].to_string(), b));
        let ratio = number(f[8]).or_else(|| baseline.as_ref().map(|(_, b)| value / b));
        Some(Row {
            area: f[1].to_string(),
            subject: f[2].to_string(),
            figure: f[3].to_string(),
            value,
            unit: Unit::parse(f[5])?,
            baseline,
            ratio,
            target,
        })
    }
}

/// A ratio for the table: three decimals below 2× (where targets sit close to 1, so that a miss
/// such as 1.059× against 1.05× does not print as 1.05×), two above.
fn ratio_text(ratio: f64) -> String {
    if ratio.is_nan() {
        "?".to_string()
    } else if ratio < 2.0 {
        format!("{ratio:.3}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// Appends `rows` to the results file named by `$BENCH_RESULTS`, and prints them to stderr as
/// they would appear in the table (so a bench run by hand shows its figures).
pub fn record(rows: &[Row]) {
    for row in rows {
        eprintln!(
            "  {} | {} | {}: {} (baseline {}; ratio {}; target {}{})",
            row.area,
            row.subject,
            row.figure,
            row.unit.format(row.value),
            row.baseline
                .as_ref()
                .map_or("—".to_string(), |(l, v)| format!(
                    "{l}: {}",
                    row.unit.format(*v)
                )),
            row.ratio.map_or("—".to_string(), ratio_text),
            row.target_text(),
            match row.meets_target() {
                Some(false) => " — MISS",
                _ => "",
            }
        );
    }
    let Some(path) = std::env::var_os("BENCH_RESULTS") else {
        return;
    };
    let mut file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot append to {}: {e}", Path::new(&path).display());
            return;
        }
    };
    for row in rows {
        if let Err(e) = writeln!(file, "{}", row.to_line()) {
            eprintln!("cannot append to {}: {e}", Path::new(&path).display());
        }
    }
}

/// Writes a Markdown fragment (a breakdown table) to `$BENCH_DETAILS/<name>.md` for
/// `bench-report` to append below the main table.
pub fn record_details(name: &str, markdown: &str) {
    if let Some(dir) = std::env::var_os("BENCH_DETAILS") {
        let path = Path::new(&dir).join(format!("{name}.md"));
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, markdown))
        {
            eprintln!("cannot write {}: {e}", path.display());
        }
    } else {
        eprintln!("{markdown}");
    }
}

/// The contents of a results file: its rows and its `meta` pairs, in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Results {
    /// Every figure.
    pub rows: Vec<Row>,
    /// `meta` lines: key, value.
    pub meta: Vec<(String, String)>,
}

impl Results {
    /// Parses a results file's text; lines it does not understand are skipped.
    pub fn parse(text: &str) -> Results {
        let mut results = Results::default();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("meta\t") {
                if let Some((k, v)) = rest.split_once('\t') {
                    results.meta.push((k.to_string(), v.to_string()));
                }
            } else if let Some(row) = Row::from_line(line) {
                results.rows.push(row);
            }
        }
        results
    }

    /// The value of `meta` key `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The Markdown table of every row, with a status column: `ok`, `MISS` or `—` (no target).
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str("| area | subject | figure | value | baseline | baseline value | ratio | target | status |\n");
        out.push_str("|---|---|---|--:|---|--:|--:|---|---|\n");
        for row in &self.rows {
            let (label, base) = match &row.baseline {
                Some((l, v)) => (l.clone(), row.unit.format(*v)),
                None => ("—".to_string(), "—".to_string()),
            };
            let ratio = row.ratio.map_or("—".to_string(), ratio_text);
            let status = match row.meets_target() {
                Some(true) => "ok",
                Some(false) => "**MISS**",
                None if row.target == Target::None => "—",
                None => "?",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {label} | {base} | {ratio} | {} | {status} |",
                row.area,
                row.subject,
                row.figure,
                row.unit.format(row.value),
                row.target_text(),
            );
        }
        out
    }

    /// The rows that miss their target.
    pub fn misses(&self) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.meets_target() == Some(false))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: f64, baseline: Option<f64>, target: Target) -> Row {
        Row {
            area: "Generation".into(),
            subject: "petstore".into(),
            figure: "median generate".into(),
            value,
            unit: Unit::Seconds,
            baseline: baseline.map(|b| ("parse_tree".to_string(), b)),
            ratio: baseline.map(|b| value / b),
            target,
        }
    }

    #[test]
    fn rows_round_trip_through_lines() {
        let r = row(0.5, Some(0.1), Target::RatioAtMost(5.0));
        assert_eq!(Row::from_line(&r.to_line()), Some(r));
        let r = row(1.5, None, Target::ValueAtMost(1.0));
        assert_eq!(Row::from_line(&r.to_line()), Some(r));
    }

    #[test]
    fn status_follows_the_target() {
        assert_eq!(
            row(0.4, Some(0.1), Target::RatioAtMost(5.0)).meets_target(),
            Some(true)
        );
        assert_eq!(
            row(0.6, Some(0.1), Target::RatioAtMost(5.0)).meets_target(),
            Some(false)
        );
        assert_eq!(
            row(1.5, None, Target::ValueAtMost(1.0)).meets_target(),
            Some(false)
        );
        assert_eq!(row(1.5, None, Target::None).meets_target(), None);
    }

    #[test]
    fn table_marks_misses() {
        let text = format!(
            "meta\tcores\t2\n{}\n{}\n",
            row(0.4, Some(0.1), Target::RatioAtMost(5.0)).to_line(),
            row(1.5, None, Target::ValueAtMost(1.0)).to_line()
        );
        let results = Results::parse(&text);
        assert_eq!(results.meta("cores"), Some("2"));
        let table = results.table();
        assert!(
            table.contains("| 400.0 ms | parse_tree | 100.0 ms | 4.00× | ≤ 5× | ok |"),
            "{table}"
        );
        assert!(
            table.contains("| 1.50 s | — | — | — | ≤ 1 s | **MISS** |"),
            "{table}"
        );
        assert_eq!(results.misses().len(), 1);
    }

    #[test]
    fn a_ratio_just_over_its_target_prints_as_over_it() {
        let text = format!(
            "{}\n{}\n",
            row(0.1059, Some(0.1), Target::RatioAtMost(1.05)).to_line(),
            row(0.1049, Some(0.1), Target::RatioAtMost(1.05)).to_line()
        );
        let table = Results::parse(&text).table();
        assert!(table.contains("| 1.059× | ≤ 1.05× | **MISS** |"), "{table}");
        assert!(table.contains("| 1.049× | ≤ 1.05× | ok |"), "{table}");
    }

    #[test]
    fn units_print_for_people() {
        assert_eq!(Unit::MiB.format(2048.0), "2.00 GiB");
        assert_eq!(Unit::MiB.format(312.4), "312 MiB");
        assert_eq!(Unit::PerSecond.format(1_234_567.0), "1.23 M/s");
        assert_eq!(Unit::MiB.format_limit(2048.0), "2 GiB");
        assert_eq!(Unit::Seconds.format_limit(60.0), "60 s");
    }
}
