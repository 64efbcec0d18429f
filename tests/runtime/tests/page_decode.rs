//! Decoding pages: every pagination style over many page shapes gives what reading the whole body
//! as a `serde_json::Value` gives (items, meta, next token), and pages that do not decode say
//! where.

mod common;

use common::client_for;
use runtime_tests::runtime::{
    Client, DecodeError, Error, NoTypedError, Operation, Page, PageStyle, PageToken, Pagination,
    Response,
};
use serde_json::Value;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

static CASE: Operation = Operation {
    id: "listCase",
    method: reqwest::Method::GET,
    path: "/case/{n}",
    authenticated: true,
    idempotency_header: None,
};

/// The query every request sends (read by the offset and page-number styles).
const QUERY: &str = "limit=2&offset=4&page=3";
const LINK: &str = r#"</things?page=4>; rel="next", </things?page=1>; rel="first""#;

const fn p(items: &'static str, style: PageStyle) -> Pagination {
    Pagination { items, style }
}

static PAGINATIONS: &[Pagination] = &[
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "/meta/cursor",
        },
    ),
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "/next_cursor",
        },
    ),
    p(
        "/results",
        PageStyle::Cursor {
            param: "cursor",
            next: "/links/1/cursor",
        },
    ),
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "/meta",
        },
    ),
    // Pointers the one-pass decoder leaves to the `Value` decoder, or never finds.
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "/data/0/id",
        },
    ),
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "/data/more",
        },
    ),
    p(
        "/page/items",
        PageStyle::Cursor {
            param: "cursor",
            next: "/page",
        },
    ),
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "",
        },
    ),
    p(
        "/meta/items",
        PageStyle::Cursor {
            param: "cursor",
            next: "/meta/cursor",
        },
    ),
    p(
        "/data",
        PageStyle::Cursor {
            param: "cursor",
            next: "meta/cursor",
        },
    ),
    p(
        "/a~1b",
        PageStyle::Cursor {
            param: "cursor",
            next: "/m~0n",
        },
    ),
    p(
        "/data",
        PageStyle::HasMore {
            param: "starting_after",
            has_more: "/has_more",
            id: "/id",
        },
    ),
    p(
        "/data",
        PageStyle::HasMore {
            param: "starting_after",
            has_more: "/meta/has_more",
            id: "/ref/id",
        },
    ),
    p(
        "",
        PageStyle::HasMore {
            param: "starting_after",
            has_more: "/has_more",
            id: "",
        },
    ),
    p(
        "/items",
        PageStyle::Offset {
            param: "offset",
            limit_param: Some("limit"),
        },
    ),
    p(
        "/data",
        PageStyle::Offset {
            param: "offset",
            limit_param: None,
        },
    ),
    p(
        "/data",
        PageStyle::PageNumber {
            param: "page",
            first: 1,
        },
    ),
    p("", PageStyle::LinkHeader),
    p("/0", PageStyle::LinkHeader),
    p("/results", PageStyle::NextUrl { next: "/next" }),
    p("", PageStyle::NextUrl { next: "/next" }),
    p("/data", PageStyle::NextUrl { next: "/meta/next" }),
];

const BODIES: &[&str] = &[
    r#"{"data": [{"id": "a"}, {"id": "b"}], "meta": {"cursor": "c2", "has_more": true, "next": "/things?after=b", "items": [1]},
        "next_cursor": 7, "has_more": true, "results": [{"id": "x"}], "links": [{"cursor": "l0"}, {"cursor": "l1"}],
        "next": "https://elsewhere.example/x", "items": [1, 2], "page": {"items": [3]}, "a/b": [4], "m~n": "esc"}"#,
    r#"{"data": null, "meta": null}"#,
    r#"{"data": [], "meta": {"cursor": ""}, "has_more": false, "items": [], "results": []}"#,
    r#"[{"id": "a", "has_more": true}, {"id": "b"}]"#,
    r#"[[{"id": 1}], {"has_more": true}]"#,
    r#"["x", "y"]"#,
    r#"{"data": [{"id": "a"}, {"ref": {"id": 5}}], "has_more": true, "meta": {"has_more": true}}"#,
    r#"{"data": [{"id": "a"}, {"id": 2.5}], "has_more": true, "meta": {"has_more": false}}"#,
    r#"{"data": [{"id": "a"}, {"id": ""}], "has_more": true}"#,
    r#"{"meta": {"cursor": "x"}}"#,
    r#"{"data": {"not": "a list"}, "meta": {"cursor": "x"}}"#,
    r#"{"data": [{"id": "a"}], "data": [{"id": "b"}], "meta": {"cursor": "1"}, "meta": {"cursor": "2"}}"#,
    r#"{"data": [{"id": "a"}]} trailing"#,
    r#"{"data": [{"id": "a"}], "meta": {"cursor": {"object": 1}}, "next_cursor": null}"#,
    r#"{"results": [{"id": 1}, {"id": 2}], "next": "?page=9", "links": [{"cursor": 1}, {"cursor": 12345678901234567890}]}"#,
    r#"{"data": [{"id": "a", "nested": {"deep": [1, {"x": null}], "s": "\"quoted\" \u00e9"}}], "meta": {"next": "/n?x=1", "cursor": "c\u0041"}}"#,
    r#"{"page": {"items": [{"id": 1}], "extra": true}, "meta": {"items": [{"id": 2}], "cursor": "m"}}"#,
    r#"{"data": [{"id": "a"}"#,
    "",
    "null",
    r#""just a string""#,
];

/// Items, meta and next token.
type Expected = (Vec<Value>, Option<Value>, Option<PageToken>);

/// The page as the previous decoder read it: the whole body as a `Value`. `Err` holds the
/// decode error's path.
fn reference(pagination: &Pagination, body: &str, url: &url::Url) -> Result<Expected, String> {
    if body.trim().is_empty() {
        return Err(String::new());
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let mut body: Value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| e.path().to_string())?;
    de.end().map_err(|_| String::new())?;
    let text = |v: Option<&Value>| match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let items_path = pagination
        .items
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".");
    let count = match body.pointer(pagination.items) {
        Some(Value::Array(items)) => items.len() as u64,
        _ => 0,
    };
    let next = match pagination.style {
        PageStyle::Cursor { next, .. } => text(body.pointer(next)).map(PageToken::Cursor),
        PageStyle::HasMore { has_more, id, .. } => {
            let last = match body.pointer(pagination.items) {
                Some(Value::Array(items)) => items.last(),
                _ => None,
            };
            match (body.pointer(has_more) == Some(&Value::Bool(true)), last) {
                (true, Some(last)) => Some(PageToken::Cursor(
                    text(last.pointer(id)).ok_or(items_path.clone())?,
                )),
                _ => None,
            }
        }
        PageStyle::Offset { limit_param, .. } => (count > 0
            && (limit_param.is_none() || count >= 2))
            .then_some(PageToken::Offset(4 + count)),
        PageStyle::PageNumber { .. } => (count > 0).then_some(PageToken::Page(4)),
        PageStyle::LinkHeader => Some(PageToken::Url(
            url.join("/things?page=4").unwrap().to_string(),
        )),
        PageStyle::NextUrl { next } => {
            text(body.pointer(next)).map(|t| PageToken::Url(url.join(&t).unwrap().to_string()))
        }
    };
    let items = match body.pointer_mut(pagination.items) {
        Some(Value::Null) => Vec::new(),
        // Taken out of the body (meta shows `null` there if the items are inside it).
        Some(items @ Value::Array(_)) => match items.take() {
            Value::Array(items) => items,
            _ => unreachable!(),
        },
        // Not a list: `serde_path_to_error` names the root `.`.
        Some(_) if items_path.is_empty() => return Err(".".to_owned()),
        Some(_) => return Err(items_path),
        None => return Err(items_path),
    };
    let meta = match body.get("meta") {
        Some(Value::Null) | None => None,
        Some(meta) => Some(meta.clone()),
    };
    Ok((items, meta, next))
}

async fn fetch(
    client: &Client,
    n: usize,
    pagination: &'static Pagination,
) -> Result<Response<Page<Value, Value>>, Error<NoTypedError>> {
    let mut request = client.request(&CASE);
    request.path_literal(&format!("/case/{n}"));
    for (name, value) in [("limit", "2"), ("offset", "4"), ("page", "3")] {
        request.query(name, value);
    }
    client
        .execute::<NoTypedError>(request)
        .await?
        .decode_page::<Value, Value, NoTypedError>(pagination)
}

#[tokio::test]
async fn every_style_over_every_page_shape_decodes_as_the_whole_body_does() {
    let server = MockServer::start().await;
    for (n, body) in BODIES.iter().enumerate() {
        Mock::given(path(format!("/case/{n}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("link", LINK)
                    .set_body_raw(*body, "application/json"),
            )
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri());
    let mut checked = 0;
    for pagination in PAGINATIONS {
        for (n, body) in BODIES.iter().enumerate() {
            let url = url::Url::parse(&format!("{}/case/{n}?{QUERY}", server.uri())).unwrap();
            let expected = reference(pagination, body, &url);
            let actual = fetch(&client, n, pagination).await;
            let case = format!("{pagination:?} over {body}");
            match (expected, actual) {
                (Ok((items, meta, next)), Ok(response)) => {
                    assert_eq!(response.meta(), meta.as_ref(), "{case}");
                    let page = response.into_inner();
                    assert_eq!(page.items, items, "{case}");
                    assert_eq!(page.meta, meta, "{case}");
                    assert_eq!(page.next, next, "{case}");
                }
                (Err(path), Err(Error::Decode(decode))) => {
                    assert_eq!(decode.path, path, "{case}: {decode:?}");
                    assert_eq!(decode.status, 200);
                }
                (expected, actual) => {
                    panic!("{case}: expected {expected:?}, got {actual:?}")
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, PAGINATIONS.len() * BODIES.len());
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct CursorMeta {
    cursor: Option<String>,
    total: u32,
}

static CURSOR: Pagination = p(
    "/data",
    PageStyle::Cursor {
        param: "cursor",
        next: "/meta/cursor",
    },
);

async fn typed(body: &str, content_type: &str) -> Result<Page<Thing, CursorMeta>, DecodeError> {
    let server = MockServer::start().await;
    Mock::given(path("/case/0"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), content_type))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut request = client.request(&CASE);
    request.path_literal("/case/0");
    let response = client.execute::<NoTypedError>(request).await.unwrap();
    match response.decode_page::<Thing, CursorMeta, NoTypedError>(&CURSOR) {
        Ok(response) => Ok(response.into_inner()),
        Err(Error::Decode(decode)) => Err(*decode),
        Err(other) => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_typed_page_decodes_items_meta_and_cursor() {
    let page = typed(
        r#"{"data": [{"id": "a", "x": [1, {"y": 2}]}, {"id": "b"}], "extra": {"deep": [[]]},
            "meta": {"cursor": "c2", "total": 2}}"#,
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(
        page.items,
        [Thing { id: "a".into() }, Thing { id: "b".into() }]
    );
    assert_eq!(
        page.meta,
        Some(CursorMeta {
            cursor: Some("c2".into()),
            total: 2
        })
    );
    assert_eq!(page.next, Some(PageToken::Cursor("c2".into())));
}

#[tokio::test]
async fn a_bad_item_is_reported_at_its_path_with_a_snippet() {
    let err = typed(
        r#"{"data": [{"id": "a"}, {"id": 7}], "meta": {"cursor": null, "total": 2}}"#,
        "application/json",
    )
    .await
    .unwrap_err();
    assert_eq!(err.path, "data[1].id");
    assert!(
        err.message.contains("invalid type: integer `7`"),
        "{}",
        err.message
    );
    assert!(
        err.snippet.starts_with(r#"{"data": [{"id": "a"}"#),
        "{}",
        err.snippet
    );
}

#[tokio::test]
async fn a_bad_meta_is_reported_at_its_path() {
    let err = typed(
        r#"{"data": [], "meta": {"cursor": null, "total": "two"}}"#,
        "application/json",
    )
    .await
    .unwrap_err();
    assert_eq!(err.path, "meta.total");
    assert!(err.message.contains("invalid type"), "{}", err.message);
}

#[tokio::test]
async fn a_page_that_is_not_json_says_so() {
    let err = typed("<html>Bad gateway</html>", "text/html")
        .await
        .unwrap_err();
    assert!(err.message.contains("`text/html`"), "{}", err.message);
    assert_eq!(err.content_type.as_deref(), Some("text/html"));

    let err = typed(r#"{"data": [{"id": "a"}"#, "application/json")
        .await
        .unwrap_err();
    assert!(err.message.contains("truncated"), "{}", err.message);

    let err = typed("  ", "application/json").await.unwrap_err();
    assert!(err.message.contains("empty"), "{}", err.message);
}

#[tokio::test]
async fn has_more_without_an_id_on_the_last_item_is_a_decode_error() {
    static HAS_MORE: Pagination = p(
        "/data",
        PageStyle::HasMore {
            param: "starting_after",
            has_more: "/has_more",
            id: "/id",
        },
    );
    let server = MockServer::start().await;
    Mock::given(path("/case/0"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"data": [{"id": "a"}, {"name": "no id"}], "has_more": true}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut request = client.request(&CASE);
    request.path_literal("/case/0");
    let err = client
        .execute::<NoTypedError>(request)
        .await
        .unwrap()
        .decode_page::<Thing, Value, NoTypedError>(&HAS_MORE)
        .unwrap_err();
    match err {
        Error::Decode(decode) => {
            assert_eq!(decode.path, "data");
            assert!(
                decode.message.contains("no id at `/id`"),
                "{}",
                decode.message
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
