//! Pagination: every page style, laziness, resuming, limits and misbehaving servers.

mod common;

use common::client_for;
use futures_util::stream::FusedStream;
use futures_util::{StreamExt, TryStreamExt};
use runtime_tests::models::Pipeline;
use runtime_tests::runtime::{
    Client, Error, NoTypedError, Operation, PageStream, PageStyle, PageToken, Pagination,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn pipelines(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "name": format!("pipeline {id}"), "status": "active"}))
            .collect(),
    )
}

/// Three pages of pipelines: `cursor` absent → c2 → c3 → null.
async fn three_cursor_pages() -> MockServer {
    let server = MockServer::start().await;
    let page = |ids: &[&str], cursor: Value| {
        ResponseTemplate::new(200).set_body_json(json!({
            "data": pipelines(ids),
            "meta": {"page": {"limit": 2, "cursor": cursor}}
        }))
    };
    Mock::given(method("GET"))
        .and(path("/api/pipelines"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["pl_1", "pl_2"], json!("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&["pl_3", "pl_4"], json!("c3")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/pipelines"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&["pl_5"], Value::Null))
        .mount(&server)
        .await;
    server
}

async fn cursors_sent(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_cursor_paginator_walks_three_pages_and_stops_on_a_null_cursor() {
    let server = three_cursor_pages().await;
    let client = client_for(&server.uri());
    let items: Vec<Pipeline> = client
        .pipelines()
        .list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pl_1", "pl_2", "pl_3", "pl_4", "pl_5"]);
    assert_eq!(
        cursors_sent(&server).await,
        [None, Some("c2".to_owned()), Some("c3".to_owned())]
    );
    for r in server.received_requests().await.unwrap() {
        assert_eq!(
            r.url.query_pairs().find(|(k, _)| k == "limit").unwrap().1,
            "2"
        );
    }
}

#[tokio::test]
async fn pages_are_fetched_lazily_with_typed_meta() {
    let server = three_cursor_pages().await;
    let client = client_for(&server.uri());
    let mut pages = client.pipelines().list().pages();
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing before the first poll"
    );
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 2);
    assert_eq!(
        first.meta.as_ref().unwrap().page.cursor.as_deref(),
        Some("c2")
    );
    assert_eq!(first.next, Some(PageToken::Cursor("c2".into())));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "page 2 not fetched yet"
    );
    assert_eq!(pages.next_token(), Some(&PageToken::Cursor("c2".into())));
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.items[0].id, "pl_3");
    let third = pages.next().await.unwrap().unwrap();
    assert!(third.is_last());
    assert!(pages.next().await.is_none());
    assert_eq!(pages.next_token(), None);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_paginator_resumes_from_a_saved_cursor() {
    let server = three_cursor_pages().await;
    let client = client_for(&server.uri());
    // A job stored the token after the first page...
    let first = client.pipelines().list().send().await.unwrap();
    let saved = serde_json::to_string(first.next_token().unwrap()).unwrap();
    // ...and resumes later.
    let token: PageToken = serde_json::from_str(&saved).unwrap();
    let rest: Vec<Pipeline> = client
        .pipelines()
        .list()
        .start_from(token)
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = rest.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pl_3", "pl_4", "pl_5"]);
    assert_eq!(
        cursors_sent(&server).await,
        [None, Some("c2".to_owned()), Some("c3".to_owned())]
    );
}

#[tokio::test]
async fn max_items_cuts_the_stream_and_fetches_no_more_pages() {
    let server = three_cursor_pages().await;
    let client = client_for(&server.uri());
    let items: Vec<Pipeline> = client
        .pipelines()
        .list()
        .pages()
        .max_items(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn max_items_leaves_a_token_that_loses_nothing_on_resume() {
    // Cut inside the second page: resuming fetches that page again.
    let server = three_cursor_pages().await;
    let client = client_for(&server.uri());
    let mut pages = client.pipelines().list().pages().max_items(3);
    let mut seen = 0;
    while let Some(page) = pages.next().await {
        seen += page.unwrap().items.len();
    }
    assert_eq!(seen, 3);
    assert_eq!(pages.next_token(), Some(&PageToken::Cursor("c2".into())));

    // Cut at the end of the second page: resuming starts at the third.
    let mut pages = client.pipelines().list().pages().max_items(4);
    while let Some(page) = pages.next().await {
        page.unwrap();
    }
    assert_eq!(pages.next_token(), Some(&PageToken::Cursor("c3".into())));

    // Cut at the end of the last page: nothing is left.
    let mut pages = client.pipelines().list().pages().max_items(5);
    while let Some(page) = pages.next().await {
        page.unwrap();
    }
    assert_eq!(pages.next_token(), None);
}

static THINGS: Operation = Operation {
    id: "listThings",
    method: reqwest::Method::GET,
    path: "/things",
    authenticated: true,
    idempotency_header: None,
};

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Thing {
    id: String,
}

fn things(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({"id": id})).collect())
}

/// A page stream over `/things?limit=2` with `pagination`.
fn thing_pages(
    client: &Client,
    pagination: &'static Pagination,
    start: Option<PageToken>,
) -> PageStream<Thing, Value, NoTypedError> {
    let c = client.clone();
    PageStream::new(client.clone(), pagination, start, move |_| {
        let mut request = c.request(&THINGS);
        request.path_literal("/things");
        request.query("limit", &2);
        request
    })
}

/// All item ids of a stream over `/things?limit=2` with `pagination`.
async fn collect_ids(
    client: &Client,
    pagination: &'static Pagination,
    start: Option<PageToken>,
) -> Result<Vec<String>, Error<NoTypedError>> {
    let items: Vec<Thing> = thing_pages(client, pagination, start)
        .items()
        .try_collect()
        .await?;
    Ok(items.into_iter().map(|t| t.id).collect())
}

/// Cursor paging with the next cursor at `/meta/cursor`.
static META_CURSOR: Pagination = Pagination {
    items: "/data",
    style: PageStyle::Cursor {
        param: "cursor",
        next: "/meta/cursor",
    },
};

#[tokio::test]
async fn a_link_header_paginator_follows_rel_next() {
    static LINKS: Pagination = Pagination {
        items: "",
        style: PageStyle::LinkHeader,
    };
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(path("/things"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!(r#"<{uri}/things?limit=2&page=1>; rel="first", <{uri}/things?limit=2&page=2>; rel="next""#),
                )
                .set_body_json(things(&["a", "b"])),
        )
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Link", r#"</things?limit=2&page=3>; rel="next last""#)
                .set_body_json(things(&["c", "d"])),
        )
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Link", r#"</things?limit=2&page=1>; rel="first""#)
                .set_body_json(things(&["e"])),
        )
        .mount(&server)
        .await;
    let client = client_for(&uri);
    let ids = collect_ids(&client, &LINKS, None).await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    // Credentials go to every page (same origin).
    assert!(
        requests
            .iter()
            .all(|r| r.headers.contains_key("authorization"))
    );
}

#[tokio::test]
async fn a_next_url_paginator_follows_relative_urls() {
    static NEXT: Pagination = Pagination {
        items: "/results",
        style: PageStyle::NextUrl { next: "/next" },
    };
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"results": things(&["a", "b"]), "next": "/things?after=b"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(query_param("after", "b"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"results": things(&["c"]), "next": null})),
        )
        .mount(&server)
        .await;
    let ids = collect_ids(&client_for(&server.uri()), &NEXT, None)
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_next_url_on_another_host_is_refused_and_never_sent() {
    static NEXT: Pagination = Pagination {
        items: "/results",
        style: PageStyle::NextUrl { next: "/next" },
    };
    let other = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [], "next": null})),
        )
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": things(&["a"]),
            "next": format!("{}/things?after=a", other.uri())
        })))
        .mount(&server)
        .await;
    let err = collect_ids(&client_for(&server.uri()), &NEXT, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("not on")),
        "{err:?}"
    );
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_offset_paginator_reads_past_a_capped_page_and_stops_on_an_empty_one() {
    static OFFSET: Pagination = Pagination {
        items: "/items",
        style: PageStyle::Offset {
            param: "offset",
            limit_param: Some("limit"),
        },
    };
    let server = MockServer::start().await;
    // The server caps the second page at one item although the client asks for two: a short
    // page is not the end, only an empty one is.
    for (offset, ids) in [
        (None, &["a", "b"][..]),
        (Some("2"), &["c"][..]),
        (Some("3"), &["d", "e"][..]),
        (Some("5"), &[][..]),
    ] {
        let mock = Mock::given(path("/things"));
        let mock = match offset {
            None => mock.and(query_param_is_missing("offset")),
            Some(o) => mock.and(query_param("offset", o)),
        };
        mock.respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": things(ids), "total": 5})),
        )
        .mount(&server)
        .await;
    }
    let ids = collect_ids(&client_for(&server.uri()), &OFFSET, None)
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);

    // Resuming from an offset token.
    let ids = collect_ids(
        &client_for(&server.uri()),
        &OFFSET,
        Some(PageToken::Offset(3)),
    )
    .await
    .unwrap();
    assert_eq!(ids, ["d", "e"]);
}

#[tokio::test]
async fn a_page_number_paginator_stops_on_an_empty_page() {
    static PAGES: Pagination = Pagination {
        items: "/data",
        style: PageStyle::PageNumber {
            param: "page",
            first: 1,
        },
    };
    let server = MockServer::start().await;
    for (page, ids) in [
        (None, &["a", "b"][..]),
        (Some("2"), &["c", "d"][..]),
        (Some("3"), &[][..]),
    ] {
        let mock = Mock::given(path("/things"));
        let mock = match page {
            None => mock.and(query_param_is_missing("page")),
            Some(p) => mock.and(query_param("page", p)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": things(ids)})))
            .mount(&server)
            .await;
    }
    let ids = collect_ids(&client_for(&server.uri()), &PAGES, None)
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_has_more_paginator_uses_the_last_id() {
    static HAS_MORE: Pagination = Pagination {
        items: "/data",
        style: PageStyle::HasMore {
            param: "starting_after",
            has_more: "/has_more",
            id: "/id",
        },
    };
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": things(&["a", "b"]), "has_more": true})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(query_param("starting_after", "b"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": things(&["c"]), "has_more": false})),
        )
        .mount(&server)
        .await;
    let ids = collect_ids(&client_for(&server.uri()), &HAS_MORE, None)
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": things(&["a"]), "meta": {"cursor": "same"}})),
        )
        .mount(&server)
        .await;
    let err = collect_ids(&client_for(&server.uri()), &META_CURSOR, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.message.contains("stopping")),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_cursor_that_comes_back_after_two_pages_ends_the_stream_after_its_page() {
    let server = MockServer::start().await;
    // (no cursor) -> c2 -> c3 -> c2 again: a circle of two pages.
    for (cursor, ids, next) in [
        (None, &["a"][..], "c2"),
        (Some("c2"), &["b"][..], "c3"),
        (Some("c3"), &["c"][..], "c2"),
    ] {
        let mock = Mock::given(path("/things"));
        let mock = match cursor {
            None => mock.and(query_param_is_missing("cursor")),
            Some(c) => mock.and(query_param("cursor", c)),
        };
        mock.respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": things(ids), "meta": {"cursor": next}})),
        )
        .mount(&server)
        .await;
    }
    let client = client_for(&server.uri());
    let mut items = thing_pages(&client, &META_CURSOR, None).items();
    let mut ids = Vec::new();
    let walk = async {
        loop {
            match items.next().await {
                Some(Ok(thing)) => ids.push(thing.id),
                Some(Err(err)) => break err,
                None => panic!("the stream ended without reporting the loop"),
            }
        }
    };
    let err = tokio::time::timeout(std::time::Duration::from_secs(10), walk)
        .await
        .expect("the stream stopped within 10 s instead of going round the circle");
    // Every page received is delivered, the one that closes the circle included.
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(
        matches!(&err, Error::Decode(d) if d.message.contains("already used")),
        "{err:?}"
    );
    assert!(items.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // The page stream is not terminated (for `select!` and other fused consumers) until the
    // error that follows the last page has been yielded.
    let mut pages = thing_pages(&client, &META_CURSOR, None);
    for _ in 0..3 {
        pages.next().await.unwrap().unwrap();
    }
    assert!(!pages.is_terminated(), "the loop error is still to come");
    assert!(matches!(pages.next().await, Some(Err(Error::Decode(_)))));
    assert!(pages.is_terminated());
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn a_wrong_items_pointer_is_a_decode_error() {
    static WRONG: Pagination = Pagination {
        items: "/records",
        style: PageStyle::PageNumber {
            param: "page",
            first: 1,
        },
    };
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": things(&["a"])})))
        .mount(&server)
        .await;
    let err = collect_ids(&client_for(&server.uri()), &WRONG, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.message.contains("/records")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(path("/api/pipelines"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "forbidden", "message": "no"}})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut items = client.pipelines().list().items();
    let first = items.next().await.unwrap();
    assert_eq!(first.unwrap_err().code(), Some("forbidden"));
    assert!(items.next().await.is_none());
}

fn assert_send_unpin<T: Send + Unpin>(_: &T) {}

#[test]
fn streams_are_send_and_unpin() {
    let client = Client::builder().api_key("k").build().unwrap();
    let pages = client.pipelines().list().pages();
    assert_send_unpin(&pages);
    let items = client.pipelines().list().items();
    assert_send_unpin(&items);
}
