//! A fixed-answer HTTP/1.1 keep-alive server on a raw `tokio::net::TcpListener`, on a thread and
//! runtime of its own, for the client benches: it does as little as a server can (no routing
//! framework, responses rendered once), so what the benches measure is the client.
//!
//! - `GET /api/pipelines/{id}` → `{"data": <a pipeline with a 6-node graph>}`
//! - `GET /api/runs?cursor=p<n>` → page `n` (first page without a cursor) of `pages` pages of
//!   `per_page` runs: `{"data": [...], "meta": {"cursor": "p<n+1>"}}`, `"cursor": null` on the
//!   last page.
//!
//! Every response carries `X-Request-Id` and rate-limit headers (with plenty remaining), as the
//! real API's do. Requests are GETs without bodies; anything else is answered 404.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server answers.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Number of pages of `GET /api/runs`.
    pub pages: usize,
    /// Runs per page.
    pub per_page: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pages: 1,
            per_page: 1000,
        }
    }
}

/// The pipeline `GET /api/pipelines/{id}` returns (inside `{"data": …}`).
pub fn pipeline_json() -> serde_json::Value {
    let kinds = [
        ("s3_source", "Raw sales files"),
        ("schema_inference", "Infer schema"),
        ("dedupe", "Drop duplicate orders"),
        ("sql_transform", "Normalize currencies"),
        ("data_quality", "Amounts are positive"),
        ("snowflake_load", "Load orders"),
    ];
    let nodes: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(i, (kind, name))| {
            serde_json::json!({
                "id": format!("n{}", i + 1),
                "type": kind,
                "name": name,
                "config": {"bucket": "acme-raw", "prefix": "sales/", "table": "ANALYTICS.SALES.ORDERS", "batchSize": 5000},
                "position": {"x": 120 + 300 * i, "y": 80}
            })
        })
        .collect();
    let edges: Vec<_> = (1..kinds.len())
        .map(|i| serde_json::json!({"source": format!("n{i}"), "target": format!("n{}", i + 1)}))
        .collect();
    serde_json::json!({
        "id": "pl_01hqxyz",
        "name": "Nightly sales load",
        "projectId": "prj_01",
        "folderId": "fld_02",
        "status": "active",
        "nodes": nodes,
        "edges": edges,
        "createdAt": "2025-03-01T09:30:00Z",
        "updatedAt": "2025-03-27T12:00:00Z"
    })
}

/// Run number `i` of a page, as the API returns it (one in ten failed, with its error).
pub fn run_json(i: usize) -> serde_json::Value {
    let mut run = serde_json::json!({
        "id": format!("run_01j8k2m4{i:08}"),
        "pipelineId": "pl_01hqxyz",
        "status": if i % 10 == 9 { "failed" } else { "succeeded" },
        "trigger": if i % 3 == 0 { "manual" } else { "schedule" },
        "environmentId": "env_prod",
        "startedAt": "2025-03-27T02:00:04Z",
        "finishedAt": "2025-03-27T02:07:41Z",
        "durationSeconds": 457,
        "metrics": {"rowsRead": 120000 + i, "rowsWritten": 119874, "bytesRead": 52428800, "bytesWritten": 48234496, "costUnits": 1.75}
    });
    if i % 10 == 9 {
        run["error"] = serde_json::json!({
            "message": "Node n2 failed: column \"amount\" does not exist",
            "nodeId": "n2",
            "stackRef": "stk_01j8k2m4x"
        });
    }
    run
}

struct Answers {
    pipeline: Vec<u8>,
    /// `{"data":[...],"meta":{"cursor":` — the cursor and `}}` follow.
    page_prefix: Vec<u8>,
    pages: usize,
    not_found: Vec<u8>,
}

fn head(status: &str, content_length: usize) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {content_length}\r\n\
         x-request-id: req_01bench\r\nx-ratelimit-limit: 1000000\r\n\
         x-ratelimit-remaining: 999999\r\nx-ratelimit-reset: 4102444800\r\n\r\n"
    )
}

fn response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut out = head(status, body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Answers {
    fn new(config: Config) -> Self {
        let pipeline = serde_json::json!({ "data": pipeline_json() }).to_string();
        let items: Vec<String> = (0..config.per_page)
            .map(|i| run_json(i).to_string())
            .collect();
        let page_prefix = format!("{{\"data\":[{}],\"meta\":{{\"cursor\":", items.join(","));
        Answers {
            pipeline: response("200 OK", pipeline.as_bytes()),
            page_prefix: page_prefix.into_bytes(),
            pages: config.pages,
            not_found: response(
                "404 Not Found",
                br#"{"error":{"code":"not_found","message":"no such route"}}"#,
            ),
        }
    }

    /// Writes the answer to the request line `line` (`GET /path?query HTTP/1.1`) into `out`.
    fn answer(&self, line: &str, out: &mut Vec<u8>) {
        let target = line.split(' ').nth(1).unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if !line.starts_with("GET ") {
            out.extend_from_slice(&self.not_found);
        } else if path.starts_with("/api/pipelines/") {
            out.extend_from_slice(&self.pipeline);
        } else if path == "/api/runs" {
            let page = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("cursor=p"))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            let next = if page + 1 < self.pages {
                format!("\"p{}\"}}}}", page + 1)
            } else {
                "null}}".to_string()
            };
            let len = self.page_prefix.len() + next.len();
            let head = head("200 OK", len);
            out.reserve(head.len() + len);
            out.extend_from_slice(head.as_bytes());
            out.extend_from_slice(&self.page_prefix);
            out.extend_from_slice(next.as_bytes());
        } else {
            out.extend_from_slice(&self.not_found);
        }
    }
}

/// Starts a server on `127.0.0.1` on a new thread with its own single-threaded runtime; returns
/// its address. It runs until the process exits.
pub fn start(config: Config) -> std::io::Result<SocketAddr> {
    let answers = Arc::new(Answers::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else {
                    return;
                };
                while let Ok((stream, _)) = listener.accept().await {
                    let answers = Arc::clone(&answers);
                    tokio::spawn(serve(stream, answers));
                }
            });
        })?;
    Ok(addr)
}

async fn serve(mut stream: TcpStream, answers: Arc<Answers>) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(8192);
    let mut out = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // Answer every complete request head in the buffer (GETs: no bodies).
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let line_end = buf.iter().position(|&b| b == b'\r').unwrap_or(end);
            let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
            answers.answer(&line, &mut out);
            buf.drain(..end + 4);
        }
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
            if out.capacity() > 4 << 20 {
                out.shrink_to(1 << 16);
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn get(addr: SocketAddr, target: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        // The server keeps the connection open: read the head, then Content-Length bytes.
        let mut buf = [0u8; 65536];
        loop {
            let n = s.read(&mut buf).unwrap();
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                if body.len() >= len {
                    return body.to_string();
                }
            }
            assert!(n > 0, "connection closed early: {text}");
        }
    }

    #[test]
    fn pages_chain_their_cursors_and_end_with_null() {
        let addr = start(Config {
            pages: 3,
            per_page: 2,
        })
        .unwrap();
        let first: serde_json::Value =
            serde_json::from_str(&get(addr, "/api/runs?limit=2")).unwrap();
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        assert_eq!(first["meta"]["cursor"], "p1");
        let last: serde_json::Value =
            serde_json::from_str(&get(addr, "/api/runs?limit=2&cursor=p2")).unwrap();
        assert_eq!(last["meta"]["cursor"], serde_json::Value::Null);
        let pipeline: serde_json::Value =
            serde_json::from_str(&get(addr, "/api/pipelines/pl_1")).unwrap();
        assert_eq!(pipeline["data"]["nodes"].as_array().unwrap().len(), 6);
    }
}
