//! A scripted in-process HTTP/1.1 server on a raw `tokio::net::TcpListener`, for fault tests.
//!
//! Every request is read whole (head and `Content-Length` body), recorded, and answered with the
//! [`Reply`] the test's handler picks: a complete response, or a fault no well-behaved server
//! produces (a reset, a body cut short, a body that stalls, no answer at all). Each connection
//! carries one request and is closed after it, so every attempt of the client is a new connection
//! and is seen here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target exactly as sent (`/api/runs?cursor=abc`), not decoded.
    pub target: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When the request had been read completely.
    pub at: Instant,
}

impl Recorded {
    /// The path of the target, still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The raw query string, if any.
    pub fn raw_query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.raw_query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The decoded value of query parameter `name` (the first, when repeated).
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The value of header `name` (any case; the first, when repeated).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// The whole request as text (head and body), to search for things that must not be there.
    pub fn as_text(&self) -> String {
        let mut text = format!("{} {}\r\n", self.method, self.target);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.push_str(&String::from_utf8_lossy(&self.body));
        text
    }
}

/// A response: status, headers and body.
#[derive(Clone, Debug)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// A response with no body and no headers beyond those the server always adds.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status).body("application/json", body.to_string())
    }

    /// Sets the body and its content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.body = body.into();
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The status line and headers, with a `Content-Length` of `declared` bytes.
    fn head(&self, declared: usize) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} Mock\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {declared}\r\nconnection: close\r\n\r\n"
        ));
        head.into_bytes()
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answers with this response, then closes the connection.
    Respond(Response),
    /// Resets the connection (TCP RST) without answering.
    Reset,
    /// Sends the head (with the full `Content-Length`) and the first `sent` bytes of the body,
    /// then closes the connection.
    CutBody(Response, usize),
    /// Sends the head and the first `sent` bytes of the body, waits `pause`, then sends the rest.
    SlowBody(Response, usize, Duration),
    /// Sends nothing for this long, then closes the connection.
    Silence(Duration),
}

impl From<Response> for Reply {
    fn from(response: Response) -> Self {
        Reply::Respond(response)
    }
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// A running mock server; stops accepting connections when dropped.
pub struct MockServer {
    url: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    accept: JoinHandle<()>,
}

impl MockServer {
    /// Starts a server on a free loopback port. `handler` gets the 0-based index of the request
    /// (in the order requests were read completely) and the request, and picks the reply.
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let connections: Arc<AtomicUsize> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = tokio::spawn({
            let log = log.clone();
            let connections = connections.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    connections.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(serve(stream, log.clone(), handler.clone()));
                }
            }
        });
        Self {
            url,
            log,
            connections,
            accept,
        }
    }

    /// Starts a server that gives the n-th request the n-th reply, and the last reply to every
    /// request after that.
    pub async fn sequence(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a sequence needs at least one reply");
        Self::start(move |index, _| replies[index.min(replies.len() - 1)].clone()).await
    }

    /// Starts a server that answers every request with `reply`.
    pub async fn always(reply: impl Into<Reply>) -> Self {
        let reply = reply.into();
        Self::start(move |_, _| reply.clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many requests were read so far.
    pub fn count(&self) -> usize {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// How many connections were accepted so far (also those that sent no complete request).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A loopback address where nothing listens: connecting is refused.
pub async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Recorded>>>, handler: Arc<Handler>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        log.push(request.clone());
        log.len() - 1
    };
    let reply = handler(index, &request);
    match reply {
        Reply::Respond(response) => {
            let _ = stream.write_all(&response.head(response.body.len())).await;
            let _ = stream.write_all(&response.body).await;
            let _ = stream.flush().await;
            let _ = stream.shutdown().await;
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::CutBody(response, sent) => {
            let sent = sent.min(response.body.len());
            let _ = stream.write_all(&response.head(response.body.len())).await;
            let _ = stream.write_all(&response.body[..sent]).await;
            let _ = stream.flush().await;
            drop(stream);
        }
        Reply::SlowBody(response, sent, pause) => {
            let sent = sent.min(response.body.len());
            let _ = stream.write_all(&response.head(response.body.len())).await;
            let _ = stream.write_all(&response.body[..sent]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(pause).await;
            let _ = stream.write_all(&response.body[sent..]).await;
            let _ = stream.flush().await;
            let _ = stream.shutdown().await;
        }
        Reply::Silence(pause) => {
            tokio::time::sleep(pause).await;
            drop(stream);
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
/// `None` when the connection closes first.
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while data.len() < body_start + length {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    Some(Recorded {
        method,
        target,
        headers,
        body: data[body_start..body_start + length].to_vec(),
        at: Instant::now(),
    })
}
