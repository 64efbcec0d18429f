//! Waiters: poll an operation until the resource reaches a terminal status.

use ::std::fmt;
use ::std::future::Future;
use ::std::time::Duration;

use super::error::Error;

/// What to poll for: where the status is, and which values end the wait.
#[derive(Debug)]
pub struct WaitSpec {
    /// JSON pointer of the status in the polled value (e.g. `/status`).
    pub status: &'static str,
    /// Values that mean success.
    pub success: &'static [&'static str],
    /// Values that mean failure.
    pub failure: &'static [&'static str],
}

/// How often and how long to poll.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitConfig {
    initial_interval: Duration,
    multiplier: f64,
    max_interval: Duration,
    deadline: Duration,
}

impl Default for WaitConfig {
    /// First poll after 1 s, then ×1.5 each time up to 30 s between polls, for at most 1 h.
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_secs(1),
            multiplier: 1.5,
            max_interval: Duration::from_secs(30),
            deadline: Duration::from_secs(3600),
        }
    }
}

impl WaitConfig {
    /// The default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the wait between the first and the second poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// Sets the factor the interval grows by after each poll (values below 1 are taken as 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() && multiplier >= 1.0 {
            multiplier
        } else {
            1.0
        };
        self
    }

    /// Sets the longest wait between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Sets how long to wait in all before giving up.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

/// Why a wait ended without success.
pub enum WaitError<T, E> {
    /// The resource reached a failure status; here is the last value polled.
    Failed(T),
    /// The deadline passed before a terminal status; here is the last value polled, if any.
    DeadlineExceeded {
        /// The last value polled.
        last: Option<T>,
    },
    /// A poll failed.
    Poll(Error<E>),
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(last) => f.debug_tuple("Failed").field(last).finish(),
            Self::DeadlineExceeded { last } => f
                .debug_struct("DeadlineExceeded")
                .field("last", last)
                .finish(),
            Self::Poll(e) => f.debug_tuple("Poll").field(e).finish(),
        }
    }
}

impl<T, E> fmt::Display for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(_) => f.write_str("the resource reached a failure status"),
            Self::DeadlineExceeded { .. } => {
                f.write_str("the wait's deadline passed before the resource reached a final status")
            }
            Self::Poll(e) => write!(f, "polling failed: {e}"),
        }
    }
}

impl<T: fmt::Debug, E: fmt::Debug + 'static> ::std::error::Error for WaitError<T, E> {
    fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            Self::Poll(e) => Some(e),
            _ => None,
        }
    }
}

/// The status of `value` at `pointer`, as text.
fn status_of<T: ::serde::Serialize>(value: &T, pointer: &str) -> Option<String> {
    let json = ::serde_json::to_value(value).ok()?;
    match json.pointer(pointer)? {
        ::serde_json::Value::String(s) => Some(s.clone()),
        ::serde_json::Value::Number(n) => Some(n.to_string()),
        ::serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Polls with `poll` until the value's status (at `spec.status`) is one of `spec.success`
/// (returns the value) or `spec.failure` (`WaitError::Failed`), or the deadline passes
/// (`WaitError::DeadlineExceeded`). The first poll happens at once; the last one at the deadline.
/// A failing poll ends the wait (`WaitError::Poll`); each poll already retries transient errors.
pub async fn wait_until<T, E, F, Fut>(
    spec: &'static WaitSpec,
    config: WaitConfig,
    mut poll: F,
) -> Result<T, WaitError<T, E>>
where
    T: ::serde::Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    // A deadline too far away to represent is no deadline.
    let deadline = ::tokio::time::Instant::now().checked_add(config.deadline);
    let mut interval = config.initial_interval;
    let mut last: Option<T> = None;
    loop {
        // A poll that hangs does not stretch the wait past its deadline.
        let polled = match deadline {
            Some(deadline) => match ::tokio::time::timeout_at(deadline, poll()).await {
                Ok(polled) => polled,
                Err(_) => return Err(WaitError::DeadlineExceeded { last }),
            },
            None => poll().await,
        };
        let value = polled.map_err(WaitError::Poll)?;
        let status = status_of(&value, spec.status);
        ::tracing::debug!(status = status.as_deref().unwrap_or(""), "polled");
        if let Some(status) = &status {
            if spec.success.contains(&status.as_str()) {
                return Ok(value);
            }
            if spec.failure.contains(&status.as_str()) {
                return Err(WaitError::Failed(value));
            }
        }
        let now = ::tokio::time::Instant::now();
        let mut sleep = interval;
        if let Some(deadline) = deadline {
            if now >= deadline {
                return Err(WaitError::DeadlineExceeded { last: Some(value) });
            }
            sleep = sleep.min(deadline - now);
        }
        last = Some(value);
        ::tokio::time::sleep(sleep).await;
        interval = Duration::try_from_secs_f64(interval.as_secs_f64() * config.multiplier)
            .unwrap_or(config.max_interval)
            .min(config.max_interval);
    }
}
