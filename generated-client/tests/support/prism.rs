//! A Prism mock server (`prism mock spec/planasonix.yaml`) started for one test and killed when the
//! guard is dropped, also when the test panics.
//!
//! Prism is installed by `./scripts/tools.sh` into `target/tools/node/node_modules/.bin/prism`. Its
//! log is kept: every request it rejected or answered with a schema violation is reported by
//! [`Prism::violations`], so a test can fail on what Prism saw and not only on what the client got.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long Prism may take to load the spec and listen (it takes about 10 s on a small machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How Prism builds its answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Answers with the spec's examples.
    Static,
    /// Answers with random data generated from the response schemas (`-d`).
    Dynamic,
}

/// A running Prism mock server; killed on drop.
pub struct Prism {
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// Starts `prism mock` on the workspace's spec, on a free loopback port, and waits until it
    /// listens. Panics (with Prism's output) when Prism is missing, exits, or does not start in time.
    pub fn start(mode: Mode) -> Prism {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let bin = workspace.join("target/tools/node/node_modules/.bin/prism");
        let spec = workspace.join("spec/planasonix.yaml");
        assert!(
            bin.exists(),
            "the Prism mock server is not installed at {}: run ./scripts/tools.sh from the workspace root",
            bin.display()
        );
        let port = free_port();
        let mut command = Command::new(&bin);
        command.arg("mock").arg(&spec);
        if mode == Mode::Dynamic {
            command.arg("-d");
        }
        command
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(&workspace)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));

        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        spawn_reader(stdout, log.clone(), ready_tx.clone());
        spawn_reader(stderr, log.clone(), ready_tx);

        let prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        match ready_rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(()) => prism,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "Prism ({mode:?}) did not log \"Prism is listening\" within {STARTUP_TIMEOUT:?}:\n{}",
                prism.log_text()
            ),
            // Both pipes closed: Prism exited before listening.
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                "Prism ({mode:?}) exited before listening:\n{}",
                prism.log_text()
            ),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Prism's whole output so far.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// Every validation error Prism logged, as `"<method> <path>: <violation>"`: requests that do
    /// not match the spec (Prism answers them with 4xx) and responses that do not match it.
    pub fn violations(&self) -> Vec<String> {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        let mut request = String::from("?");
        let mut found = Vec::new();
        for line in &log {
            if let Some(rest) = line.split("[HTTP SERVER] ").nth(1) {
                // "get /api/pipelines ℹ  info      Request received"
                let mut words = rest.split_whitespace();
                let method = words.next().unwrap_or("?").to_uppercase();
                let path = words.next().unwrap_or("?");
                request = format!("{method} {path}");
            } else if let Some(violation) = line.split("Violation: ").nth(1) {
                found.push(format!("{request}: {}", violation.trim()));
            }
        }
        found
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now (the OS picks it; the listener is closed at once).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Copies Prism's output, line by line, into `log`; signals `ready` once Prism listens.
fn spawn_reader(
    pipe: impl Read + Send + 'static,
    log: Arc<Mutex<Vec<String>>>,
    ready: mpsc::Sender<()>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if line.contains("Prism is listening") {
                let _ = ready.send(());
            }
            if let Ok(mut log) = log.lock() {
                log.push(line);
            }
        }
    });
}

/// The operation ids declared in the spec (`operationId: …` lines), in file order.
pub fn spec_operation_ids() -> Vec<String> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/planasonix.yaml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("operationId:"))
        .map(|id| id.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}
