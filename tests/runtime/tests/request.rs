//! Building requests: query styles, headers, cookies and every kind of body.

mod common;

use std::collections::BTreeMap;

use common::client_for;
use runtime_tests::runtime::{
    Client, Error, Multipart, NoTypedError, Nullable, Operation, ParamStyle, RequestBuilder,
    RequestOptions, Upload,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

static SEARCH: Operation = Operation {
    id: "search",
    method: reqwest::Method::GET,
    path: "/search",
    authenticated: true,
    idempotency_header: None,
};

static UPLOAD: Operation = Operation {
    id: "upload",
    method: reqwest::Method::PUT,
    path: "/upload",
    authenticated: true,
    idempotency_header: None,
};

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    server
}

/// Sends one request built by `build` and returns what the server received.
async fn sent(
    server: &MockServer,
    op: &'static Operation,
    build: impl FnOnce(&mut RequestBuilder),
) -> Request {
    let client = client_for(&server.uri());
    let mut request = client.request(op);
    request.path_literal(op.path);
    build(&mut request);
    client.execute::<NoTypedError>(request).await.unwrap();
    let mut requests = server.received_requests().await.unwrap();
    requests.pop().unwrap()
}

async fn query_of(server: &MockServer, build: impl FnOnce(&mut RequestBuilder)) -> String {
    sent(server, &SEARCH, build)
        .await
        .url
        .query()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn form_style_arrays_explode_or_join_with_commas() {
    let server = ok_server().await;
    let ids = vec![1, 2, 3];
    assert_eq!(
        query_of(&server, |r| {
            r.query("ids", &ids);
        })
        .await,
        "ids=1&ids=2&ids=3"
    );
    assert_eq!(
        query_of(&server, |r| {
            r.query_styled("ids", &ids, ParamStyle::Form, false);
        })
        .await,
        "ids=1,2,3"
    );
    // A comma inside a value is escaped, so it cannot be mistaken for the separator.
    let names = vec!["a,b", "c d"];
    assert_eq!(
        query_of(&server, |r| {
            r.query_styled("n", &names, ParamStyle::Form, false);
        })
        .await,
        "n=a%2Cb,c%20d"
    );
}

#[tokio::test]
async fn space_and_pipe_delimited_arrays() {
    let server = ok_server().await;
    let tags = vec!["x", "y&z"];
    assert_eq!(
        query_of(&server, |r| {
            r.query_styled("t", &tags, ParamStyle::SpaceDelimited, false);
        })
        .await,
        "t=x%20y%26z"
    );
    assert_eq!(
        query_of(&server, |r| {
            r.query_styled("t", &tags, ParamStyle::PipeDelimited, false);
        })
        .await,
        "t=x|y%26z"
    );
}

#[tokio::test]
async fn deep_object_and_form_objects() {
    let server = ok_server().await;
    let filter = serde_json::json!({"status": "active", "owner": {"id": 7}, "skip": null});
    let query = query_of(&server, |r| {
        r.query_styled("filter", &filter, ParamStyle::DeepObject, true);
    })
    .await;
    let mut parts: Vec<&str> = query.split('&').collect();
    parts.sort_unstable();
    assert_eq!(
        parts,
        ["filter%5Bowner%5D%5Bid%5D=7", "filter%5Bstatus%5D=active"]
    );

    let mut color = BTreeMap::new();
    color.insert("B", 150);
    color.insert("R", 100);
    assert_eq!(
        query_of(&server, |r| {
            r.query("color", &color);
        })
        .await,
        "B=150&R=100"
    );
    assert_eq!(
        query_of(&server, |r| {
            r.query_styled("color", &color, ParamStyle::Form, false);
        })
        .await,
        "color=B,150,R,100"
    );
}

#[tokio::test]
async fn absent_values_are_omitted_and_scalars_are_escaped() {
    let server = ok_server().await;
    let none: Option<u32> = None;
    let absent: Nullable<String> = Nullable::Absent;
    let empty: Vec<String> = Vec::new();
    let query = query_of(&server, |r| {
        r.query("none", &none);
        r.query("absent", &absent);
        r.query("empty", &empty);
        r.query("q", "a&b=c d/é");
        r.query("on", &true);
        r.query("n", &Some(2.5));
        r.query(
            "since",
            &chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap(),
        );
    })
    .await;
    assert_eq!(
        query,
        "q=a%26b%3Dc%20d%2F%C3%A9&on=true&n=2.5&since=1970-01-01T00%3A00%3A00Z"
    );
}

#[tokio::test]
async fn set_query_replaces_a_parameter() {
    let server = ok_server().await;
    let query = query_of(&server, |r| {
        r.query("cursor", "old");
        r.query("limit", &10);
        r.set_query("cursor", "new");
    })
    .await;
    assert_eq!(query, "limit=10&cursor=new");
}

#[tokio::test]
async fn headers_and_cookies() {
    let server = ok_server().await;
    let request = sent(&server, &SEARCH, |r| {
        r.header("X-Ids", &vec![1, 2]);
        r.header("X-None", &Option::<String>::None);
        r.header("X-Flag", &true);
        r.cookie("session", "a b;c");
        r.cookie("theme", "dark");
    })
    .await;
    assert_eq!(request.headers.get("x-ids").unwrap(), "1,2");
    assert!(request.headers.get("x-none").is_none());
    assert_eq!(request.headers.get("x-flag").unwrap(), "true");
    assert_eq!(
        request.headers.get("cookie").unwrap(),
        "session=a%20b%3Bc; theme=dark"
    );
}

#[tokio::test]
async fn a_form_body_encodes_arrays_and_nested_objects() {
    let server = ok_server().await;
    let body =
        serde_json::json!({"name": "a b", "tags": ["x", "y"], "config": {"k": 1}, "skip": null});
    let request = sent(&server, &UPLOAD, |r| {
        r.form(&body);
    })
    .await;
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "name=a+b&tags=x&tags=y&config=%7B%22k%22%3A1%7D"
    );
}

#[tokio::test]
async fn a_multipart_body_is_rebuilt_for_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut request = client.request(&UPLOAD);
    request.path_literal("/upload");
    request.multipart(
        Multipart::new()
            .text("name", "sales")
            .file(
                "file",
                Upload::new(b"id,amount\n1,10\n".to_vec())
                    .file_name("a.csv")
                    .content_type("text/csv"),
            )
            .json("options", &serde_json::json!({"header": true})),
    );
    client.execute::<NoTypedError>(request).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        let content_type = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("name=\"name\"\r\n\r\nsales"), "{body}");
        assert!(body.contains("filename=\"a.csv\""), "{body}");
        assert!(
            body.contains("Content-Type: text/csv\r\n\r\nid,amount\n1,10\n"),
            "{body}"
        );
        assert!(
            body.contains("Content-Type: application/json\r\n\r\n{\"header\":true}"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn raw_bytes_and_text_bodies_with_a_content_type_override() {
    let server = ok_server().await;
    let request = sent(&server, &UPLOAD, |r| {
        r.body_bytes(
            "application/octet-stream",
            bytes::Bytes::from_static(b"\x00\x01"),
        );
    })
    .await;
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/octet-stream"
    );
    assert_eq!(request.body, b"\x00\x01");

    let request = sent(&server, &UPLOAD, |r| {
        r.body_text("text/plain", "hello");
        r.content_type_override("text/csv; charset=utf-8");
    })
    .await;
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(request.body, b"hello");

    let request = sent(&server, &UPLOAD, |r| {
        r.json(&serde_json::json!({"a": [1, 2]}));
    })
    .await;
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(request.body, br#"{"a":[1,2]}"#);
}

#[tokio::test]
async fn bodies_that_do_not_serialize_are_invalid_requests() {
    let server = ok_server().await;
    let client: Client = client_for(&server.uri());
    let mut bad_keys = std::collections::HashMap::new();
    bad_keys.insert((1, 2), "v");

    let mut request = client.request(&UPLOAD);
    request.json(&bad_keys);
    let err = client.execute::<NoTypedError>(request).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("JSON body")),
        "{err:?}"
    );

    let mut request = client.request(&UPLOAD);
    request.form(&vec![1, 2]);
    let err = client.execute::<NoTypedError>(request).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("form body")),
        "{err:?}"
    );

    let mut request = client.request(&UPLOAD);
    request.multipart(Multipart::new().file("f", Upload::new(vec![1]).content_type("not a type")));
    let err = client.execute::<NoTypedError>(request).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("content type")),
        "{err:?}"
    );

    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn per_call_headers_are_sent() {
    let server = ok_server().await;
    let request = sent(&server, &SEARCH, |r| {
        r.options(RequestOptions::new().header("X-Organization-ID", "org_7"));
    })
    .await;
    assert_eq!(request.headers.get("x-organization-id").unwrap(), "org_7");
}
