//! The paginators generated from the `tests/fixtures/page-*.yaml` fixtures, one style each, paging
//! through a local mock server: the exact items in order and the exact requests the server received
//! (so a paginator that re-fetches a page, skips one or stops early fails).

use std::future::Future;
use std::time::Duration;

use fixture_clients::{
    page_cursor, page_has_more, page_link_header, page_marker, page_next_cursor, page_next_url,
    page_number, page_offset,
};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client of the fixture module `$module` pointed at the mock server.
macro_rules! client {
    ($module:ident, $server:expr) => {
        $module::runtime::Client::builder()
            .base_url($server.uri())
            .expect("a loopback base URL is accepted")
            .build()
            .expect("the client builds")
    };
}

/// Items `{"id": …, "name": …}` with the given ids.
fn items(ids: &[&str]) -> Value {
    ids.iter()
        .map(|id| json!({"id": id, "name": format!("item {id}")}))
        .collect()
}

/// Fails the test instead of hanging if a paginator never ends.
async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .expect("the paginator finished within 10 s")
}

/// Every request the server received, in order, as `METHOD /path?a=1&b=2` with the decoded query
/// parameters sorted by name.
async fn received(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|r| {
            let mut pairs: Vec<String> = r
                .url
                .query_pairs()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            pairs.sort();
            if pairs.is_empty() {
                format!("{} {}", r.method, r.url.path())
            } else {
                format!("{} {}?{}", r.method, r.url.path(), pairs.join("&"))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Cursor in the body (`x-pagination`, `meta.page.cursor`), ending on a null cursor.

/// `/items`: no cursor → c2 → c3 → `cursor: null`.
async fn cursor_pages() -> MockServer {
    let server = MockServer::start().await;
    let page = |ids: &[&str], cursor: Value| {
        ResponseTemplate::new(200).set_body_json(json!({
            "data": items(ids),
            "meta": {"page": {"limit": 2, "cursor": cursor}}
        }))
    };
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["a", "b"], json!("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&["c", "d"], json!("c3")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&["e"], Value::Null))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn cursor_items_stream_walks_three_pages_and_stops_on_a_null_cursor() {
    let server = cursor_pages().await;
    let client = client!(page_cursor, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_items()
            .limit(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /items?limit=2",
            "GET /items?cursor=c2&limit=2",
            "GET /items?cursor=c3&limit=2",
        ]
    );
}

#[tokio::test]
async fn cursor_page_stream_is_lazy_and_resumes_from_a_saved_cursor() {
    let server = cursor_pages().await;
    let client = client!(page_cursor, server);

    let mut pages = client.default().list_items().limit(2).pages();
    assert!(
        received(&server).await.is_empty(),
        "nothing before the first poll"
    );
    let first = bounded(pages.next())
        .await
        .expect("a first page")
        .expect("the first page decodes");
    let ids: Vec<&str> = first.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    let meta_cursor = first
        .meta
        .as_ref()
        .and_then(|m| m.page.as_ref())
        .map(|p| p.cursor.clone());
    assert_eq!(
        meta_cursor,
        Some(page_cursor::runtime::Nullable::Value("c2".to_owned()))
    );
    assert_eq!(
        first.next,
        Some(page_cursor::runtime::PageToken::Cursor("c2".into()))
    );
    assert_eq!(
        received(&server).await,
        ["GET /items?limit=2"],
        "page 2 is not fetched before it is polled"
    );

    // A job stores where it stopped, and a later one resumes from there.
    let saved =
        serde_json::to_string(pages.next_token().expect("a next page")).expect("serializes");
    drop(pages);
    let token: page_cursor::runtime::PageToken =
        serde_json::from_str(&saved).expect("deserializes");
    assert_eq!(token, page_cursor::runtime::PageToken::Cursor("c2".into()));

    let mut resumed = client
        .default()
        .list_items()
        .limit(2)
        .start_from(token)
        .pages();
    let mut seen = Vec::new();
    while let Some(page) = bounded(resumed.next()).await {
        let page = page.expect("every page decodes");
        seen.push((
            page.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
            page.next.clone(),
        ));
    }
    assert_eq!(
        seen,
        [
            (
                vec!["c".to_owned(), "d".to_owned()],
                Some(page_cursor::runtime::PageToken::Cursor("c3".into()))
            ),
            (vec!["e".to_owned()], None),
        ]
    );
    assert_eq!(
        resumed.next_token(),
        None,
        "nothing left after the last page"
    );
    assert_eq!(
        received(&server).await,
        [
            "GET /items?limit=2",
            "GET /items?cursor=c2&limit=2",
            "GET /items?cursor=c3&limit=2",
        ],
        "the resumed listing starts at the saved cursor, without re-fetching page 1"
    );
}

#[tokio::test]
async fn max_items_stops_fetching_pages() {
    // Three items of 2 + 2 + 1: the second page is cut short, the third is never requested.
    let server = cursor_pages().await;
    let client = client!(page_cursor, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_items()
            .limit(2)
            .pages()
            .max_items(3)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        received(&server).await,
        ["GET /items?limit=2", "GET /items?cursor=c2&limit=2"]
    );

    // A limit that the first page reaches exactly: no second request.
    let server = cursor_pages().await;
    let client = client!(page_cursor, server);
    let mut pages = client.default().list_items().limit(2).pages().max_items(2);
    let mut ids = Vec::new();
    while let Some(page) = bounded(pages.next()).await {
        ids.extend(
            page.expect("the page decodes")
                .items
                .into_iter()
                .map(|i| i.id),
        );
    }
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(received(&server).await, ["GET /items?limit=2"]);
}

// ---------------------------------------------------------------------------------------------
// Slack: `response_metadata.next_cursor`, ending on an empty string.

#[tokio::test]
async fn next_cursor_walks_three_pages_and_stops_on_an_empty_cursor() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: &str| {
        ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "channels": items(ids),
            "response_metadata": {"next_cursor": next}
        }))
    };
    // Slack cursors are base64 and end in `=`: they must survive query encoding.
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["C1", "C2"], "dGVhbTpDMg=="))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .and(query_param("cursor", "dGVhbTpDMg=="))
        .respond_with(page(&["C3", "C4"], "dGVhbTpDNA=="))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .and(query_param("cursor", "dGVhbTpDNA=="))
        .respond_with(page(&["C5"], ""))
        .mount(&server)
        .await;

    let client = client!(page_next_cursor, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .conversations_list()
            .limit(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /conversations.list?limit=2",
            "GET /conversations.list?cursor=dGVhbTpDMg==&limit=2",
            "GET /conversations.list?cursor=dGVhbTpDNA==&limit=2",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Box: a `marker` query parameter and `next_marker` in the body, ending on a null marker.

#[tokio::test]
async fn marker_walks_three_pages_and_stops_on_a_null_next_marker() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Value| {
        ResponseTemplate::new(200).set_body_json(json!({
            "limit": 2,
            "next_marker": next,
            "entries": items(ids)
        }))
    };
    Mock::given(method("GET"))
        .and(path("/folders/0/items"))
        .and(query_param_is_missing("marker"))
        .respond_with(page(&["f1", "f2"], json!("bWFya2VyOjI")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/folders/0/items"))
        .and(query_param("marker", "bWFya2VyOjI"))
        .respond_with(page(&["f3", "f4"], json!("bWFya2VyOjQ")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/folders/0/items"))
        .and(query_param("marker", "bWFya2VyOjQ"))
        .respond_with(page(&["f5"], Value::Null))
        .mount(&server)
        .await;

    let client = client!(page_marker, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_folder_items("0")
            .usemarker(true)
            .limit(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["f1", "f2", "f3", "f4", "f5"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /folders/0/items?limit=2&usemarker=true",
            "GET /folders/0/items?limit=2&marker=bWFya2VyOjI&usemarker=true",
            "GET /folders/0/items?limit=2&marker=bWFya2VyOjQ&usemarker=true",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Stripe: `has_more` and the last item's id as `starting_after`, ending on `has_more: false`.

#[tokio::test]
async fn has_more_walks_three_pages_and_stops_when_has_more_is_false() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], has_more: bool| {
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": items(ids),
            "has_more": has_more
        }))
    };
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(page(&["cus_1", "cus_2"], true))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(query_param("starting_after", "cus_2"))
        .respond_with(page(&["cus_3", "cus_4"], true))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers"))
        .and(query_param("starting_after", "cus_4"))
        .respond_with(page(&["cus_5"], false))
        .mount(&server)
        .await;

    let client = client!(page_has_more, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_customers()
            .limit(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /customers?limit=2",
            "GET /customers?limit=2&starting_after=cus_2",
            "GET /customers?limit=2&starting_after=cus_4",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub: RFC 8288 `Link` headers, ending on a page without `rel="next"`.

#[tokio::test]
async fn link_header_follows_rel_next_and_stops_without_it() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let link =
        |page: u32, rel: &str| format!("<{uri}/issues?per_page=2&page={page}>; rel=\"{rel}\"");
    Mock::given(method("GET"))
        .and(path("/issues"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Link", format!("{}, {}", link(2, "next"), link(3, "last")))
                .set_body_json(items(&["1", "2"])),
        )
        .mount(&server)
        .await;
    // `rel="next"` is not the first link: the paginator must not take `prev` or `first`.
    Mock::given(method("GET"))
        .and(path("/issues"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!(
                        "{}, {}, {}, {}",
                        link(1, "prev"),
                        link(3, "next"),
                        link(3, "last"),
                        link(1, "first")
                    ),
                )
                .set_body_json(items(&["3", "4"])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/issues"))
        .and(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Link", format!("{}, {}", link(2, "prev"), link(1, "first")))
                .set_body_json(items(&["5"])),
        )
        .mount(&server)
        .await;

    let client = client!(page_link_header, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_issues()
            .per_page(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /issues?per_page=2",
            "GET /issues?page=2&per_page=2",
            "GET /issues?page=3&per_page=2",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// JSON:API style: a next-page URL at `links.next`, ending when the body has none.

#[tokio::test]
async fn next_url_follows_links_next_and_stops_without_it() {
    let server = MockServer::start().await;
    let uri = server.uri();
    // Page 1 links to page 2 absolutely, page 2 to page 3 relatively; page 3 has no `next`.
    Mock::given(method("GET"))
        .and(path("/trips"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": items(&["t1", "t2"]),
            "links": {"self": format!("{uri}/trips"), "next": format!("{uri}/trips?page=2")}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/trips"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": items(&["t3", "t4"]),
            "links": {"self": format!("{uri}/trips?page=2"), "next": "/trips?page=3"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/trips"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": items(&["t5"]),
            "links": {"self": format!("{uri}/trips?page=3")}
        })))
        .mount(&server)
        .await;

    let client = client!(page_next_url, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_trips()
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["t1", "t2", "t3", "t4", "t5"]);
    assert_eq!(
        received(&server).await,
        ["GET /trips", "GET /trips?page=2", "GET /trips?page=3"]
    );
}

// ---------------------------------------------------------------------------------------------
// offset/limit: the offset advances by the items received; a page the server cut short (a capped
// page size) is not the end, an empty page is.

#[tokio::test]
async fn offset_advances_by_the_items_received_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| {
        ResponseTemplate::new(200).set_body_json(json!({"items": items(ids), "total": 5}))
    };
    for (offset, ids) in [
        (None, &["tr1", "tr2"][..]),
        (Some("2"), &["tr3"][..]),
        (Some("3"), &["tr4", "tr5"][..]),
        (Some("5"), &[][..]),
    ] {
        let mock = Mock::given(method("GET")).and(path("/tracks"));
        let mock = match offset {
            None => mock.and(query_param_is_missing("offset")),
            Some(o) => mock.and(query_param("offset", o)),
        };
        mock.respond_with(page(ids)).mount(&server).await;
    }

    let client = client!(page_offset, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_tracks()
            .limit(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["tr1", "tr2", "tr3", "tr4", "tr5"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /tracks?limit=2",
            "GET /tracks?limit=2&offset=2",
            "GET /tracks?limit=2&offset=3",
            "GET /tracks?limit=2&offset=5",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// page/per_page: the page number goes up by one, ending on an empty page.

#[tokio::test]
async fn page_number_counts_up_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    let page =
        |ids: &[&str]| ResponseTemplate::new(200).set_body_json(json!({"results": items(ids)}));
    Mock::given(method("GET"))
        .and(path("/repos"))
        .and(query_param_is_missing("page"))
        .respond_with(page(&["r1", "r2"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos"))
        .and(query_param("page", "2"))
        .respond_with(page(&["r3", "r4"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos"))
        .and(query_param("page", "3"))
        .respond_with(page(&[]))
        .mount(&server)
        .await;

    let client = client!(page_number, server);
    let ids: Vec<String> = bounded(
        client
            .default()
            .list_repos()
            .per_page(2)
            .items()
            .map_ok(|item| item.id)
            .try_collect(),
    )
    .await
    .expect("every page decodes");
    assert_eq!(ids, ["r1", "r2", "r3", "r4"]);
    assert_eq!(
        received(&server).await,
        [
            "GET /repos?per_page=2",
            "GET /repos?page=2&per_page=2",
            "GET /repos?page=3&per_page=2",
        ]
    );
}
