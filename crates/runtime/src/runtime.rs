//! The part of every generated client that sends requests: retries with backoff, the
//! tracing span, and the `reqwest::Client` built from a [`Config`].
//!
//! Generated crates use [`Runtime`] as progenitor's "inner type": each `Client` holds one,
//! and its `ClientHooks::exec` hands every request to [`Runtime::execute`].

use std::fmt;
use std::time::Duration;

use http::{HeaderName, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{AuthError, Credential};
use crate::config::{Config, RetryPolicy};

/// Per-client state of a generated client: its user agent, retry policy and, for a
/// [`Credential::query`], the query credential (a header credential lives in the
/// `reqwest::Client`'s default headers, marked sensitive). `Debug` never shows a secret.
#[derive(Clone)]
pub struct Runtime {
    user_agent: &'static str,
    retry: RetryPolicy,
    query: Option<(&'static str, String)>,
    max_pages: u32,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_pages", &self.max_pages)
            .field(
                "query_credential",
                &self.query.as_ref().map(|(name, _)| *name),
            )
            .finish()
    }
}

/// What the generated hooks know about the operation being called, for the span.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The spec's operationId (after normalization).
    pub id: &'a str,
    /// The path template, e.g. `/v1/labels/{label_id}` (never the filled-in path, which
    /// may carry identifiers users consider private).
    pub path: &'a str,
}

impl Runtime {
    /// A runtime sending `user_agent` (e.g. `apikit-shipengine/0.1.0`) with `retry`.
    pub fn new(user_agent: &'static str, retry: RetryPolicy) -> Self {
        Self {
            user_agent,
            retry,
            query: None,
            max_pages: crate::pages::DEFAULT_MAX_PAGES,
        }
    }

    /// The most pages one `stream()` of a generated client fetches ([`Config::max_pages`]).
    ///
    /// [`Config::max_pages`]: crate::Config::max_pages
    pub fn max_pages(&self) -> u32 {
        self.max_pages
    }

    /// The user agent sent with every request.
    pub fn user_agent(&self) -> &'static str {
        self.user_agent
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` with `client`, retrying as the [`RetryPolicy`] says, inside an
    /// `apikit.request` span recording the method, path template, operation, final status,
    /// attempts and elapsed milliseconds. Returns the last response (whatever its status)
    /// or the last transport error.
    ///
    /// A query credential is appended to the request's URL here; the response and any
    /// error then carry that URL without its query, so the secret cannot show in their
    /// `Debug` output.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: Operation<'_>,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "apikit.request",
            user_agent = self.user_agent,
            operation = operation.id,
            method = %request.method(),
            path = operation.path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let Some((name, secret)) = &self.query else {
            return self.attempts(client, request).instrument(span).await;
        };
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair(name, secret);
        match self.attempts(client, request).instrument(span).await {
            Ok(response) => Ok(without_query(response)),
            Err(e) => Err(crate::error::strip_query(e)),
        }
    }

    async fn attempts(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.retry;
        let start = Instant::now();
        let idempotent = !matches!(*request.method(), Method::POST | Method::PATCH);
        // A failed connect never sent the request; anything later may have, and only an
        // idempotent method (or the user's opt-in) makes sending it again safe.
        let may_resend = |maybe_sent: bool| !maybe_sent || idempotent || policy.non_idempotent;
        let mut request = request;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // A streaming body cannot be replayed: such a call gets one attempt.
            let spare = (attempt < policy.max_attempts)
                .then(|| request.try_clone())
                .flatten();
            let result = client.execute(request).await;
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            span.record("elapsed_ms", start.elapsed().as_millis() as u64);
            let wait = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    (retry_status(response.status()) && may_resend(true)).then(|| {
                        crate::error::retry_after(response.headers())
                            .unwrap_or_else(|| self.backoff(attempt))
                    })
                }
                // A refused redirect or an unbuildable request would fail the same way again.
                Err(e) if e.is_redirect() || e.is_builder() => None,
                Err(e) => may_resend(!e.is_connect()).then(|| self.backoff(attempt)),
            };
            let (Some(wait), Some(spare)) = (wait, spare) else {
                return result;
            };
            if start.elapsed().saturating_add(wait) > policy.deadline {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "not retrying: the wait would pass the deadline"
                );
                return result;
            }
            match &result {
                Ok(r) => tracing::debug!(
                    status = r.status().as_u16(),
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                ),
                Err(e) => {
                    tracing::debug!(error = %error_kind(e), attempt, wait_ms = wait.as_millis() as u64, "retrying")
                }
            }
            // The response (and its connection) is released before waiting.
            drop(result);
            tokio::time::sleep(wait).await;
            request = spare;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self.retry.backoff_cap(attempt);
        if !self.retry.jitter || cap.is_zero() {
            return cap;
        }
        // Full jitter: uniform in [0, cap].
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// `response` with its URL's query (which holds the query credential) removed.
fn without_query(response: reqwest::Response) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let mut url = response.url().clone();
    crate::redirect::strip(&mut url);
    // reqwest keeps a response's URL in a private extension that only its builder sets.
    // (Building an empty response cannot fail; if it did, the URL would be reqwest's
    // placeholder, which is no worse.)
    let url = http::Response::builder()
        .url(url)
        .body(())
        .map(|r| r.into_parts().0.extensions)
        .unwrap_or_default();
    // Everything else is kept, hyper's upgrade handle included.
    let (mut parts, body) = http::Response::from(response).into_parts();
    parts.extensions.extend(url);
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// The statuses a call is retried on: rate limited, bad gateway, unavailable, gateway timeout.
fn retry_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// A transport error named without its URL (which may carry a query credential).
fn error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        "connect"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    }
}

/// Builds the `reqwest::Client` and [`Runtime`] a generated client is made of: the
/// credential (if any) and `config`'s headers as default headers, `user_agent`, the
/// timeouts and pool settings of `config`.
///
/// # Errors
/// The credential or a header is invalid, or the TLS backend could not be set up.
pub fn build(
    user_agent: &'static str,
    credential: Option<&Credential>,
    config: Config,
) -> Result<(reqwest::Client, Runtime), AuthError> {
    build_with(user_agent, credential, http::HeaderMap::new(), config)
}

/// [`build`] with extra default headers next to `config`'s (for example SendGrid's
/// `on-behalf-of`); these win over `config`'s, the credential over both.
///
/// # Errors
/// As [`build`].
pub fn build_with(
    user_agent: &'static str,
    credential: Option<&Credential>,
    extra: http::HeaderMap,
    config: Config,
) -> Result<(reqwest::Client, Runtime), AuthError> {
    let mut headers = config.headers;
    headers.extend(extra);
    let fail = |header, reason| AuthError { header, reason };
    let query = credential
        .map(Credential::query_pair)
        .transpose()?
        .flatten();
    if let Some(credential) = credential.filter(|c| !c.is_query()) {
        // from_bytes lowercases, so `Authorization` and `authorization` are the same header.
        let name = HeaderName::from_bytes(credential.header_name().as_bytes())
            .map_err(|_| fail(credential.header_name(), "not a valid HTTP header name"))?;
        headers.insert(name, credential.header_value()?);
    }
    let mut builder = reqwest::Client::builder()
        .redirect(crate::redirect::policy(config.redirects))
        // A Referer would carry the previous URL, query (and any key in it) included.
        .referer(false)
        .default_headers(headers)
        .user_agent(user_agent)
        .pool_idle_timeout(config.pool_idle_timeout);
    if let Some(t) = config.connect_timeout {
        builder = builder.connect_timeout(t);
    }
    if let Some(t) = config.read_timeout {
        builder = builder.read_timeout(t);
    }
    if let Some(t) = config.timeout {
        builder = builder.timeout(t);
    }
    let client = builder.build().map_err(|_| {
        fail(
            credential.map_or("", Credential::header_name),
            "the HTTP client could not be built (TLS backend unavailable?)",
        )
    })?;
    let mut runtime = Runtime::new(user_agent, config.retry);
    runtime.query = query;
    runtime.max_pages = config.max_pages;
    Ok((client, runtime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_the_cap() {
        let rt = Runtime::new(
            "t/0",
            RetryPolicy::default().base_delay(Duration::from_millis(100)),
        );
        for attempt in 1..6 {
            let cap = rt.retry.backoff_cap(attempt);
            for _ in 0..200 {
                assert!(rt.backoff(attempt) <= cap);
            }
        }
        let fixed = Runtime::new("t/0", RetryPolicy::default().jitter(false));
        assert_eq!(fixed.backoff(3), Duration::from_secs(2));
    }

    #[test]
    fn only_overload_and_gateway_statuses_are_retried() {
        let retried: Vec<u16> = (100..600)
            .filter(|s| retry_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(retried, [429, 502, 503, 504]);
    }
}
