//! Pagination: page tokens, the styles an API pages in, and lazy streams of pages and items.
//!
//! A [`Pagination`] (one `static` per paginated operation) says where the items are and how the
//! next page is asked for. [`RawResponse::decode_page`](super::response::RawResponse::decode_page)
//! turns a response into a [`Page`] whose `next` token is `None` on the last page.
//! [`PageStream`] follows the tokens lazily: page n+1 is requested only when the stream is polled
//! after page n, and only one page is held at a time. A [`PageToken`] is serializable, so a job can
//! store where it stopped and resume later.

use ::std::fmt;
use ::std::future::Future;
use ::std::pin::Pin;
use ::std::task::{Context, Poll};

use ::serde::de::DeserializeOwned;
use ::serde_json::Value;

use super::client::Client;
use super::error::{DecodeError, Error, NoTypedError, OperationError};
use super::request::RequestBuilder;
use super::response::{RawResponse, Response, pointer_to_path};

/// Where the next page starts. Public and serializable: store it to resume a listing later.
#[derive(Clone, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
pub enum PageToken {
    /// An opaque cursor (also the last item's id for `has_more` paging).
    Cursor(String),
    /// An item offset.
    Offset(u64),
    /// A page number.
    Page(u64),
    /// The whole URL of the next page (from a `Link` header or a next-page field).
    Url(String),
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T, M = Value> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The body's `meta` member, when it has one.
    pub meta: Option<M>,
    /// The token of the next page; `None` on the last page.
    pub next: Option<PageToken>,
}

impl<T, M> Page<T, M> {
    /// The token of the next page; `None` on the last page.
    pub fn next_token(&self) -> Option<&PageToken> {
        self.next.as_ref()
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }

    /// The items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// How an operation pages. The generator emits one `static` per paginated operation.
#[derive(Debug)]
pub struct Pagination {
    /// JSON pointer of the items array in the body; `""` when the body is the array.
    pub items: &'static str,
    /// How the next page is asked for.
    pub style: PageStyle,
}

/// How the next page is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// A cursor from the body goes into a query parameter.
    Cursor {
        /// The query parameter.
        param: &'static str,
        /// JSON pointer of the next cursor; null, absent or `""` means the last page.
        next: &'static str,
    },
    /// A `has_more` flag; the last item's id becomes the next `param` (`starting_after`).
    HasMore {
        /// The query parameter.
        param: &'static str,
        /// JSON pointer of the boolean flag.
        has_more: &'static str,
        /// JSON pointer of the id inside an item (e.g. `/id`).
        id: &'static str,
    },
    /// An offset advanced by the number of items. Ends on an empty page, or on a page with fewer
    /// items than the `limit_param` asked for.
    Offset {
        /// The offset parameter.
        param: &'static str,
        /// The page size parameter, if any.
        limit_param: Option<&'static str>,
    },
    /// A page number. Ends on an empty page.
    PageNumber {
        /// The page parameter.
        param: &'static str,
        /// The number of the first page (0 or 1).
        first: u64,
    },
    /// RFC 8288 `Link: <…>; rel="next"` headers.
    LinkHeader,
    /// A next-page URL (absolute or relative) in the body.
    NextUrl {
        /// JSON pointer of the URL; null, absent or `""` means the last page.
        next: &'static str,
    },
}

/// The text at `pointer`: a non-empty string, or a number.
fn text_at(body: &Value, pointer: &str) -> Option<String> {
    match body.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The (decoded) value of a query parameter of `url`.
fn query_param(url: &::url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` without the query parameter `name`.
pub(super) fn without_param(mut url: ::url::Url, name: Option<&str>) -> ::url::Url {
    let Some(name) = name else { return url };
    if !url.query_pairs().any(|(k, _)| k == name) {
        return url;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url
}

/// The target of the first `rel="next"` link in RFC 8288 `Link` headers.
pub(super) fn link_next(headers: &::reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(::reqwest::header::LINK) {
        let Ok(mut rest) = value.to_str() else {
            continue;
        };
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('>') else { break };
            let target = &after[..end];
            rest = &after[end + 1..];
            let params_end = rest.find('<').unwrap_or(rest.len());
            let params = &rest[..params_end];
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches(|c| c == '"' || c == ',')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.trim().to_owned());
            }
            rest = &rest[params_end..];
        }
    }
    None
}

impl Pagination {
    /// The token of the page after `response`, whose parsed body is `body`.
    pub(super) fn next_token(
        &self,
        response: &RawResponse,
        body: &Value,
    ) -> Result<Option<PageToken>, Box<DecodeError>> {
        let item_count = match body.pointer(self.items) {
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        };
        let resolve = |target: &str| -> Result<PageToken, Box<DecodeError>> {
            let url = response.url().join(target).map_err(|e| {
                response.decode_error(String::new(), format!("invalid next-page URL: {e}"))
            })?;
            Ok(PageToken::Url(
                without_param(url, response.secret_query()).to_string(),
            ))
        };
        Ok(match self.style {
            PageStyle::Cursor { next, .. } => text_at(body, next).map(PageToken::Cursor),
            PageStyle::HasMore { has_more, id, .. } => {
                if body.pointer(has_more) != Some(&Value::Bool(true)) {
                    return Ok(None);
                }
                let last = match body.pointer(self.items) {
                    Some(Value::Array(items)) => items.last(),
                    _ => None,
                };
                let Some(last) = last else {
                    return Ok(None);
                };
                match text_at(last, id) {
                    Some(cursor) => Some(PageToken::Cursor(cursor)),
                    None => {
                        return Err(response.decode_error(
                            pointer_to_path(self.items),
                            format!("`has_more` is true but the last item has no id at `{id}`"),
                        ));
                    }
                }
            }
            PageStyle::Offset { param, limit_param } => {
                let current = query_param(response.url(), param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                let limit = limit_param
                    .and_then(|p| query_param(response.url(), p))
                    .and_then(|v| v.parse::<u64>().ok());
                let count = item_count as u64;
                if count == 0 || limit.is_some_and(|limit| count < limit) {
                    None
                } else {
                    Some(PageToken::Offset(current.saturating_add(count)))
                }
            }
            PageStyle::PageNumber { param, first } => {
                let current = query_param(response.url(), param)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(first);
                if item_count == 0 {
                    None
                } else {
                    Some(PageToken::Page(current.saturating_add(1)))
                }
            }
            PageStyle::LinkHeader => match link_next(response.headers()) {
                Some(target) => Some(resolve(&target)?),
                None => None,
            },
            PageStyle::NextUrl { next } => match text_at(body, next) {
                Some(target) => Some(resolve(&target)?),
                None => None,
            },
        })
    }
}

type PageFuture<T, M, E> =
    Pin<Box<dyn Future<Output = Result<Response<Page<T, M>>, Error<E>>> + Send>>;

type MakeRequest = Box<dyn FnMut(Option<&PageToken>) -> RequestBuilder + Send>;

/// A lazy stream of pages. Page n+1 is requested only when the stream is polled after page n;
/// only one page is in memory at a time. Ends after the last page, or after the first error.
pub struct PageStream<T, M = Value, E = NoTypedError> {
    client: Client,
    pagination: &'static Pagination,
    make: MakeRequest,
    /// The token of the next page to fetch (`None` before the first page means "from the start").
    next: Option<PageToken>,
    /// The token of the page being fetched.
    current: Option<PageToken>,
    started: bool,
    done: bool,
    /// The stream ended on an error: `next` holds the token of the page that failed.
    failed: bool,
    max_items: Option<u64>,
    yielded: u64,
    in_flight: Option<PageFuture<T, M, E>>,
}

// The stream never pins its fields in place: the in-flight future is boxed.
impl<T, M, E> Unpin for PageStream<T, M, E> {}

impl<T, M, E> fmt::Debug for PageStream<T, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("pagination", &self.pagination)
            .field("next", &self.next)
            .field("done", &self.done)
            .field("max_items", &self.max_items)
            .field("yielded", &self.yielded)
            .finish_non_exhaustive()
    }
}

impl<T, M, E> PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    /// A stream starting at `start` (`None`: the first page). `make` builds the request for a
    /// page; the stream then applies the token with
    /// [`RequestBuilder::page_token`] (so `make` may apply it too, or not).
    pub fn new<F>(
        client: Client,
        pagination: &'static Pagination,
        start: Option<PageToken>,
        make: F,
    ) -> Self
    where
        F: FnMut(Option<&PageToken>) -> RequestBuilder + Send + 'static,
    {
        Self {
            client,
            pagination,
            make: Box::new(make),
            next: start,
            current: None,
            started: false,
            done: false,
            failed: false,
            max_items: None,
            yielded: 0,
            in_flight: None,
        }
    }

    /// Stops after `n` items in all (the last page is cut short).
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Where to resume: the token of the first page not yet received. While a page is being
    /// fetched, and after a page failed, that is the page's own token, so a job that stores it
    /// and starts again loses nothing. `None` once the last page has been received (or when the
    /// page to resume from is the first one).
    pub fn next_token(&self) -> Option<&PageToken> {
        if self.in_flight.is_some() {
            self.current.as_ref()
        } else if self.done && !self.failed {
            None
        } else {
            self.next.as_ref()
        }
    }

    /// A stream of the items themselves, page after page (honours `max_items`).
    pub fn items(self) -> ItemStream<T, M, E> {
        ItemStream {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    fn start_fetch(&mut self) {
        let token = self.next.take();
        self.started = true;
        let mut request = (self.make)(token.as_ref());
        if let Some(token) = &token {
            request.page_token(&self.pagination.style, token);
        }
        self.current = token;
        let client = self.client.clone();
        let pagination = self.pagination;
        self.in_flight = Some(Box::pin(async move {
            client
                .execute::<E>(request)
                .await?
                .decode_page::<T, M, E>(pagination)
        }));
    }

    fn finish(
        &mut self,
        result: Result<Response<Page<T, M>>, Error<E>>,
    ) -> Result<Page<T, M>, Error<E>> {
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                self.done = true;
                self.failed = true;
                self.next = self.current.clone();
                return Err(e);
            }
        };
        let (status, request_id) = (response.status(), response.request_id().map(str::to_owned));
        let mut page = response.into_inner();
        if page.next.is_some() && page.next == self.current {
            self.done = true;
            return Err(Error::Decode(Box::new(DecodeError {
                status,
                path: String::new(),
                message: format!(
                    "the next-page token {:?} is the one just used; stopping instead of looping",
                    page.next
                ),
                snippet: String::new(),
                content_type: None,
                request_id,
            })));
        }
        if let Some(max) = self.max_items {
            let left = max.saturating_sub(self.yielded);
            if page.items.len() as u64 >= left {
                page.items
                    .truncate(usize::try_from(left).unwrap_or(usize::MAX));
                self.done = true;
            }
        }
        self.yielded = self.yielded.saturating_add(page.items.len() as u64);
        self.next = page.next.clone();
        if self.next.is_none() {
            self.done = true;
        }
        Ok(page)
    }
}

impl<T, M, E> ::futures_core::Stream for PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    type Item = Result<Page<T, M>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(fut) = this.in_flight.as_mut() {
                let result = match fut.as_mut().poll(cx) {
                    Poll::Ready(result) => result,
                    Poll::Pending => return Poll::Pending,
                };
                this.in_flight = None;
                return Poll::Ready(Some(this.finish(result)));
            }
            if this.done || this.max_items.is_some_and(|max| this.yielded >= max) {
                this.done = true;
                return Poll::Ready(None);
            }
            this.start_fetch();
        }
    }
}

impl<T, M, E> ::futures_core::stream::FusedStream for PageStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    fn is_terminated(&self) -> bool {
        self.done && self.in_flight.is_none()
    }
}

/// A lazy stream of items, fetched page by page (see [`PageStream::items`]).
pub struct ItemStream<T, M = Value, E = NoTypedError> {
    pages: PageStream<T, M, E>,
    buffer: ::std::vec::IntoIter<T>,
}

// Items are only moved out of the buffer, never pinned.
impl<T, M, E> Unpin for ItemStream<T, M, E> {}

impl<T, M, E> fmt::Debug for ItemStream<T, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T, M, E> ItemStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    /// The token of the next page not yet requested (items of the current page still buffered
    /// are not covered by it).
    pub fn next_token(&self) -> Option<&PageToken> {
        self.pages.next_token()
    }
}

impl<T, M, E> ::futures_core::Stream for ItemStream<T, M, E>
where
    T: DeserializeOwned + Send + 'static,
    M: DeserializeOwned + Send + 'static,
    E: OperationError,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ::futures_core::Stream::poll_next(Pin::new(&mut this.pages), cx) {
                Poll::Ready(Some(Ok(page))) => this.buffer = page.items.into_iter(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
