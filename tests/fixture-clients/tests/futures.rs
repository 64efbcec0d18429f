//! The futures that generated operations return: `Send`, `'static` (they own what they need, so a
//! caller can spawn them or keep them after dropping the client) and small. A future is copied
//! every time it moves (into a task, a `FuturesUnordered`, a `select!`), and the call loop's state
//! is several KB: the runtime boxes it once per call, so what an operation's future holds is that
//! box, the call's span and the decoder.

use std::future::Future;

use fixture_clients::{basic, page_cursor};

/// The most an operation's future may hold inline. The boxed call loop alone is well over this,
/// so a future that carries a copy of the request or of the loop's state fails here.
const SMALL: usize = 256;

fn assert_send_static<F: Future + Send + 'static>(_: &F) {}

#[test]
fn operation_futures_are_small_send_and_static() {
    let client = basic::runtime::Client::builder()
        .base_url("http://127.0.0.1:9")
        .expect("a loopback base URL is accepted")
        .build()
        .expect("the client builds");
    let widgets = client.widgets();
    let send = widgets.get("w1").expand(true).send();
    let with_response = widgets.get("w1").send_with_response();
    drop(widgets);
    drop(client);
    assert_send_static(&send);
    assert_send_static(&with_response);
    for (what, size) in [
        ("send()", size_of_val(&send)),
        ("send_with_response()", size_of_val(&with_response)),
    ] {
        assert!(
            size <= SMALL,
            "{what} future is {size} bytes (at most {SMALL})"
        );
    }

    let client = page_cursor::runtime::Client::builder()
        .base_url("http://127.0.0.1:9")
        .expect("a loopback base URL is accepted")
        .build()
        .expect("the client builds");
    let page = client.default().list_items().limit(2).send();
    drop(client);
    assert_send_static(&page);
    let size = size_of_val(&page);
    assert!(
        size <= SMALL,
        "a page's send() future is {size} bytes (at most {SMALL})"
    );
}
