//! Rate limits: the `X-RateLimit-*` headers, and the opt-in proactive limiter.
//!
//! Every response and every API error carries a [`RateLimit`] parsed from
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (the IETF draft's
//! `RateLimit-*` names are read when the `X-` ones are missing).
//!
//! With `ClientBuilder::respect_rate_limits(true)`, a response whose `Remaining` is 0 (or a 429 with
//! `Retry-After`) makes every later call of that client, and of all its clones, wait until the
//! window resets before sending.

use ::std::sync::Mutex;
use ::std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::reqwest::header::HeaderName;

/// Reset values below this are taken as seconds from now rather than as a Unix time.
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// The rate-limit headers of one response. Fields are `None` when the header is missing or not a
/// number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed in the current window (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`X-RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets, in Unix seconds (`X-RateLimit-Reset`). A small value (below
    /// 1 000 000 000) is read as "seconds from now", as some servers send, and converted.
    pub reset: Option<u64>,
}

// Looked up by `HeaderName` (a lookup by `&str` parses the name every time).
static LIMIT: [HeaderName; 2] = [
    HeaderName::from_static("x-ratelimit-limit"),
    HeaderName::from_static("ratelimit-limit"),
];
static REMAINING: [HeaderName; 2] = [
    HeaderName::from_static("x-ratelimit-remaining"),
    HeaderName::from_static("ratelimit-remaining"),
];
static RESET: [HeaderName; 2] = [
    HeaderName::from_static("x-ratelimit-reset"),
    HeaderName::from_static("ratelimit-reset"),
];

fn header_number(headers: &::reqwest::header::HeaderMap, names: &[HeaderName]) -> Option<u64> {
    if headers.is_empty() {
        return None;
    }
    names.iter().find_map(|name| {
        let text = headers.get(name)?.to_str().ok()?;
        // IETF draft values may carry parameters: "100, 100;w=60".
        let first = text.split([',', ';']).next()?.trim();
        first.parse::<u64>().ok().or_else(|| {
            first
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        })
    })
}

fn epoch_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl RateLimit {
    /// Reads the rate-limit headers.
    pub fn from_headers(headers: &::reqwest::header::HeaderMap) -> Self {
        Self::from_headers_at(headers, SystemTime::now())
    }

    /// Reads the rate-limit headers of a response received at `received` (the time a relative
    /// reset counts from).
    pub(super) fn from_headers_at(
        headers: &::reqwest::header::HeaderMap,
        received: SystemTime,
    ) -> Self {
        let reset = header_number(headers, &RESET).map(|r| {
            if r < EPOCH_THRESHOLD {
                epoch_secs(received).saturating_add(r)
            } else {
                r
            }
        });
        Self {
            limit: header_number(headers, &LIMIT),
            remaining: header_number(headers, &REMAINING),
            reset,
        }
    }

    /// Whether any rate-limit header was present.
    pub fn is_present(&self) -> bool {
        self.limit.is_some() || self.remaining.is_some() || self.reset.is_some()
    }

    /// Whether the window is used up (`remaining` is 0).
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }

    /// The reset time as a [`SystemTime`].
    pub fn reset_at(&self) -> Option<SystemTime> {
        self.reset
            .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
    }

    /// How long until the window resets (zero when it already has).
    pub fn reset_in(&self) -> Option<Duration> {
        let at = self.reset_at()?;
        Some(
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}

/// The proactive limiter shared by all clones of a client.
#[derive(Debug, Default)]
pub(super) struct RateLimiter {
    blocked_until: Mutex<Option<SystemTime>>,
}

impl RateLimiter {
    fn with_state<R>(&self, f: impl FnOnce(&mut Option<SystemTime>) -> R) -> R {
        // A poisoned lock only means another thread panicked while holding it; the state is a
        // plain timestamp and is still usable.
        let mut guard = self
            .blocked_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Learns from a response: blocks until reset when the window is used up, unblocks when
    /// requests remain, and blocks for `retry_after` on a 429.
    pub(super) fn observe(
        &self,
        rate_limit: &RateLimit,
        status: u16,
        retry_after: Option<Duration>,
    ) {
        let now = SystemTime::now();
        self.with_state(|state| {
            if status == 429 {
                if let Some(wait) = retry_after {
                    // A wait too long to represent blocks nothing here; the call itself fails
                    // with `RetryAfterTooLong`.
                    let Some(until) = now.checked_add(wait) else {
                        return;
                    };
                    if state.is_none_or(|current| current < until) {
                        *state = Some(until);
                    }
                    return;
                }
            }
            match (rate_limit.remaining, rate_limit.reset_at()) {
                (Some(0), Some(reset)) if reset > now => *state = Some(reset),
                (Some(remaining), _) if remaining > 0 => *state = None,
                _ => {}
            }
        });
    }

    /// How long a request must wait before it may be sent now.
    pub(super) fn wait_time(&self) -> Option<Duration> {
        let now = SystemTime::now();
        self.with_state(|state| match *state {
            Some(until) if until > now => until.duration_since(now).ok(),
            Some(_) => {
                *state = None;
                None
            }
            None => None,
        })
    }
}
