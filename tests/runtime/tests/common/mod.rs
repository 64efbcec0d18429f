//! Helpers shared by the test files.
#![allow(dead_code, reason = "each test file uses a part of the helpers")]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use runtime_tests::runtime::{Client, ClientBuilder, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The API key every test client uses; tests check it never leaks.
pub(crate) const KEY: &str = "plnx_live_TOPSECRET_0123456789";

/// A retry policy with tiny backoffs, so retry tests stay fast.
pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

/// A builder pointed at `uri` with the test key and fast retries.
pub(crate) fn builder_for(uri: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(uri)
        .expect("loopback base URL")
        .retry(fast_retry())
}

/// A client pointed at `uri` with the test key and fast retries.
pub(crate) fn client_for(uri: &str) -> Client {
    builder_for(uri).build().expect("client")
}

/// A pipeline in the `data` envelope.
pub(crate) fn pipeline_body(id: &str) -> serde_json::Value {
    serde_json::json!({"data": {"id": id, "name": "Nightly sales", "status": "active"}})
}

/// A raw TCP server for faults wiremock cannot produce. Each connection is handed to the handler
/// with its index (0 for the first connection).
pub(crate) struct RawServer {
    /// `http://127.0.0.1:port`.
    pub(crate) url: String,
    /// Connections accepted so far.
    pub(crate) connections: Arc<AtomicUsize>,
}

impl RawServer {
    /// Connections accepted so far.
    pub(crate) fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Starts a raw server.
pub(crate) async fn raw_server<F, Fut>(handler: F) -> RawServer
where
    F: Fn(usize, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let index = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handler(index, stream));
        }
    });
    RawServer {
        url: format!("http://{addr}"),
        connections,
    }
}

/// Reads a request head (and a `Content-Length` body) from `stream`; returns the head.
pub(crate) async fn read_request(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
            }
            return head;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&data).into_owned(),
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

/// Writes a complete JSON response and closes the connection.
pub(crate) async fn respond_json(stream: &mut TcpStream, status: u16, body: &str) {
    let response = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
