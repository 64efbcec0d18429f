//! The request target sent for a path and query: the base URL's path, then the request's, exactly
//! as parsing the joined text as one URL gives (dot segments resolved, `?` and `#` in a literal
//! path starting the query and fragment, backslashes read as slashes, non-ASCII encoded).

mod common;

use std::sync::{Arc, Mutex};

use common::{client_for, raw_server, read_request, respond_json};
use runtime_tests::runtime::{Client, NoTypedError, Operation};

static OP: Operation = Operation {
    id: "target",
    method: reqwest::Method::GET,
    path: "/{any}",
    authenticated: true,
    idempotency_header: None,
};

/// Everything but `A-Z a-z 0-9 - . _ ~`, as the runtime encodes path parameters and queries.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

/// A path literal, path parameters after it, and query parameters.
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

/// What parsing `{base}{path}` (and appending the query) as one URL sends.
fn expected(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let base = base.trim_end_matches('/');
    let slash = if path.starts_with('/') { "" } else { "/" };
    let mut url = url::Url::parse(&format!("{base}{slash}{path}")).unwrap();
    if !query.is_empty() {
        let text: Vec<String> = query.iter().map(|(n, v)| format!("{n}={v}")).collect();
        url.set_query(Some(&text.join("&")));
    }
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

#[tokio::test]
async fn the_request_target_is_the_base_path_then_the_request_path() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let server = raw_server(move |_, mut stream| {
        let record = record.clone();
        async move {
            let head = read_request(&mut stream).await;
            let target = head.split(' ').nth(1).unwrap_or("").to_owned();
            record.lock().unwrap().push(target);
            respond_json(&mut stream, 200, "{}").await;
        }
    })
    .await;
    let cases: &[Case] = &[
        ("/api/pipelines/", &["pl_1"], &[]),
        (
            "/api/pipelines/",
            &["a b/c?d#e%f"],
            &[("limit", "2"), ("cursor", "x%2Cy")],
        ),
        ("api/no-leading-slash", &[], &[]),
        ("/api/./x/../y", &[], &[]),
        ("/api/x\\y", &[], &[]),
        ("/api/caf\u{e9}/", &["\u{1F600}"], &[]),
        ("/api/search?q=1", &[], &[]),
        ("/api/search?q=1", &[], &[("limit", "2")]),
        ("/api/x#frag", &[], &[]),
        ("/api/x y", &[], &[]),
        ("/api/trailing ", &[], &[]),
        ("/api/tab\there", &[], &[]),
        ("//double//slashes/", &[], &[]),
        ("", &[], &[("only", "query")]),
        (
            "/api/{braces}/[brackets]/\"quotes\"/<angles>/`tick`",
            &[],
            &[],
        ),
    ];
    for prefix in ["", "/v1", "/v1/"] {
        let base = format!("{}{prefix}", server.url);
        let client: Client = client_for(&base);
        for (literal, params, query) in cases {
            let mut request = client.request(&OP);
            request.path_literal(literal);
            for param in *params {
                request.path_param(*param);
            }
            for (name, value) in *query {
                request.set_query(name, value);
            }
            client.execute::<NoTypedError>(request).await.unwrap();
            let sent = seen.lock().unwrap().pop().unwrap();
            // What `path_param` and `set_query` append: each value encoded as one component.
            let path: String = std::iter::once(literal.to_string())
                .chain(params.iter().map(|p| encode(p)))
                .collect();
            let query: Vec<(String, String)> =
                query.iter().map(|(n, v)| (encode(n), encode(v))).collect();
            let query: Vec<(&str, &str)> = query
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(
                sent,
                expected(&base, &path, &query),
                "base {base:?}, path {literal:?} + {params:?}, query {query:?}"
            );
        }
    }
}
