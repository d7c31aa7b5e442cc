//! Per-client settings: retries, timeouts, connection pool, extra headers.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;

use crate::redirect::Redirects;

/// How a client retries a failed call. See [`Config`] for where it is set.
///
/// A call is tried again when the server answers 429, 502, 503 or 504, or the connection
/// fails. The wait before each new attempt is the server's `Retry-After` (seconds or an
/// HTTP date) or a rate-limit reset header when it sends one, else an exponential backoff
/// with full jitter: a random delay between zero and `base_delay * 2^(attempt - 1)`,
/// capped at `max_delay`. Retries stop after `max_attempts` attempts, or when the next
/// wait would end past `deadline` (counted from the first attempt); the last response or
/// error is then returned.
///
/// POST and PATCH are not idempotent: unless [`retry_non_idempotent`](Self::retry_non_idempotent)
/// is set, they are retried only when the connection could not be opened, so the request
/// was certainly never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) deadline: Duration,
    pub(crate) jitter: bool,
    pub(crate) non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 500 ms up to 30 s with full jitter, a 2-minute deadline,
    /// POST and PATCH only retried when the connection failed.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
            jitter: true,
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is made once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the second attempt; it doubles with each further attempt.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff between two attempts (a server's `Retry-After` may ask for more;
    /// the deadline bounds that).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// No new attempt starts, and no wait is begun, that would end later than this after
    /// the first attempt started.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Whether backoff delays are randomized (full jitter, the default) or exactly
    /// `base_delay * 2^(attempt - 1)`. Turning jitter off makes many clients that failed
    /// together retry together; it exists for tests and single-client tools.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Also retry POST and PATCH on every retryable status and connection error, not
    /// only when the connection could not be opened. Only safe when the API deduplicates
    /// requests (for example with an idempotency key).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The backoff before attempt `attempt + 1`, before jitter: `base * 2^(attempt-1)`,
    /// capped at `max_delay`.
    pub(crate) fn backoff_cap(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Settings of one client: retries, timeouts, the connection pool and headers sent with
/// every request. Built from [`Config::default`] with the setters; passed to a generated
/// crate's `Client::configured`.
///
/// Defaults: [`RetryPolicy::default`], 10 s to connect, 30 s read timeout, no total
/// timeout, idle pooled connections closed after 90 s, up to 10 same-origin redirects
/// ([`Redirects::default`]).
///
/// The read timeout is the per-request default: it bounds how long the server may stay
/// silent, whether before the response headers or between two chunks of the body, so a
/// hung server is detected while a large download that keeps flowing is not cut off. A
/// total [`timeout`](Self::timeout) can be added; it covers reading the body as well.
#[derive(Clone)]
pub struct Config {
    pub(crate) retry: RetryPolicy,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) pool_idle_timeout: Option<Duration>,
    pub(crate) headers: HeaderMap,
    pub(crate) redirects: Redirects,
    pub(crate) max_pages: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            connect_timeout: Some(Duration::from_secs(10)),
            read_timeout: Some(Duration::from_secs(30)),
            timeout: None,
            pool_idle_timeout: Some(Duration::from_secs(90)),
            headers: HeaderMap::new(),
            redirects: Redirects::default(),
            max_pages: crate::pages::DEFAULT_MAX_PAGES,
        }
    }
}

impl Config {
    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How long opening a connection (TCP and TLS) may take; `None` waits as long as the
    /// operating system does.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long the server may stay silent (before the headers or between body chunks);
    /// `None` waits forever.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// A limit on each whole attempt, from sending the request to the end of the body;
    /// `None` (the default) sets none, so large downloads are bounded by the read timeout
    /// only.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept; `None` keeps it until the server
    /// closes it.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// A header sent with every request (an operation's own value for the same header
    /// wins). Mark secret values with [`http::HeaderValue::set_sensitive`] to keep them
    /// out of `Debug` output.
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Which redirects are followed. A redirect to another origin or from https to http
    /// is never followed, whatever this says: see [`Redirects`].
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.redirects = redirects;
        self
    }

    /// The most pages one `stream()` fetches (at least 1; default
    /// [`DEFAULT_MAX_PAGES`](crate::pages::DEFAULT_MAX_PAGES)). A stream that reaches
    /// it while the server still points to a next page ends with
    /// [`PageError::Cap`](crate::pages::PageError::Cap), so a server that always has
    /// one more page cannot keep a caller busy forever.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: show names only.
        let headers: Vec<&str> = self.headers.keys().map(http::HeaderName::as_str).collect();
        f.debug_struct("Config")
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("timeout", &self.timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("headers", &headers)
            .field("redirects", &self.redirects)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(500));
        let caps: Vec<u128> = (1..=5).map(|a| p.backoff_cap(a).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 500, 500]);
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_millis(500));
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn debug_shows_header_names_not_values() {
        let mut v = http::HeaderValue::from_static("hunter2");
        v.set_sensitive(true);
        let c = Config::default().header(http::HeaderName::from_static("x-token"), v);
        let shown = format!("{c:?}");
        assert!(
            shown.contains("x-token") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
