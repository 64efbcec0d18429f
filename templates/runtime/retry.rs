//! Retries: which failures are retried, how long to wait, and the budget that stops a storm.
//!
//! * **What is retried:** connection failures, 408, 429, 500, 502, 503 and 504.
//! * **Which requests:** GET, HEAD, PUT, DELETE, OPTIONS and TRACE always; POST and PATCH only when
//!   they carry an idempotency key. A POST or PATCH without one is retried only when the connection
//!   failed before anything was sent.
//! * **How long to wait:** `Retry-After` (seconds or an HTTP date) or `retry-after-ms` when the
//!   server sends one, up to a ceiling (default 60 s; above it the call fails at once with
//!   `Error::RetryAfterTooLong`); otherwise exponential backoff with full jitter (a random wait
//!   between zero and `initial × 2^retry`, capped).
//! * **Budget:** a token bucket shared by all clones of a client. Every retry spends tokens, every
//!   success puts one back; an empty bucket means no more retries until successes refill it, so a
//!   failing server is not hit with `max_retries + 1` times its normal load.

use ::std::sync::Mutex;
use ::std::time::{Duration, SystemTime};

/// How a client retries. Set it on the client (`ClientBuilder::retry`) or per call
/// (`RequestOptions::retry`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2, so at most 3 attempts).
    pub max_retries: u32,
    /// The backoff before the first retry (default 500 ms).
    pub initial_backoff: Duration,
    /// The longest backoff (default 8 s).
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits for (default 60 s). A longer one fails the call
    /// at once with `Error::RetryAfterTooLong`, which carries the wait.
    pub retry_after_ceiling: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_after_ceiling: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The default policy: 2 retries, 500 ms initial backoff, 8 s cap, 60 s `Retry-After` ceiling.
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the backoff before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the longest backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the longest `Retry-After` the client waits for.
    pub fn retry_after_ceiling(mut self, ceiling: Duration) -> Self {
        self.retry_after_ceiling = ceiling;
        self
    }

    /// The backoff before retry number `retry` (1-based): a random duration between zero and
    /// `min(max_backoff, initial_backoff × 2^(retry-1))` ("full jitter").
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        cap.mul_f64(::fastrand::f64())
    }
}

/// The retry budget: a token bucket shared by all clones of a client.
///
/// Each retry takes `retry_cost` tokens; each successful response puts `success_refill` back, up to
/// `capacity`. When a retry cannot be paid for, the call fails with the error it has.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket (default 100).
    pub capacity: u32,
    /// Tokens one retry costs (default 5; a full bucket pays for 20 retries).
    pub retry_cost: u32,
    /// Tokens a success returns (default 1).
    pub success_refill: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 100,
            retry_cost: 5,
            success_refill: 1,
        }
    }
}

impl RetryBudget {
    /// A budget of `capacity` tokens with the default costs.
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Self {
        Self {
            capacity: u32::MAX,
            retry_cost: 0,
            success_refill: 0,
        }
    }

    /// Sets what one retry costs.
    pub fn retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Sets what one success returns.
    pub fn success_refill(mut self, refill: u32) -> Self {
        self.success_refill = refill;
        self
    }
}

/// The shared state of a [`RetryBudget`].
#[derive(Debug)]
pub(super) struct BudgetState {
    config: RetryBudget,
    tokens: Mutex<u32>,
}

impl BudgetState {
    pub(super) fn new(config: RetryBudget) -> Self {
        let tokens = Mutex::new(config.capacity);
        Self { config, tokens }
    }

    fn with_tokens<R>(&self, f: impl FnOnce(&mut u32) -> R) -> R {
        let mut guard = self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Pays for one retry; `false` when the bucket cannot.
    pub(super) fn try_withdraw(&self) -> bool {
        let cost = self.config.retry_cost;
        self.with_tokens(|tokens| {
            if *tokens >= cost {
                *tokens -= cost;
                true
            } else {
                false
            }
        })
    }

    /// Returns tokens after a success.
    pub(super) fn deposit(&self) {
        let (refill, capacity) = (self.config.success_refill, self.config.capacity);
        self.with_tokens(|tokens| *tokens = tokens.saturating_add(refill).min(capacity));
    }
}

/// Statuses worth retrying: 408, 429, 500, 502, 503, 504.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Methods that may be repeated without changing the outcome.
pub fn is_idempotent_method(method: &::reqwest::Method) -> bool {
    use ::reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// The wait a response asks for: `retry-after-ms` (milliseconds), else `Retry-After` as seconds or
/// as an HTTP date (relative to `now`; a date in the past means no wait).
pub fn retry_after(headers: &::reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // A wait too long to represent is as good as forever: it is above any ceiling.
    let seconds = |secs: f64| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
    if let Some(ms) = text("retry-after-ms").and_then(|t| t.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(seconds(ms / 1000.0));
        }
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(seconds(secs));
        }
    }
    let at = ::httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
