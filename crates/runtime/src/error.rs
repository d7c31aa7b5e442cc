//! A typed error for every generated client call.
//!
//! progenitor returns `progenitor_client::Error`, whose catch-all case holds an unread
//! `reqwest::Response`. [`ApiError::from_progenitor`] reads that body (up to
//! [`MAX_ERROR_BODY`] bytes) and sorts the failure into [`ApiError`], so callers can match
//! on a rate limit and its retry hint, a client error or a server error. Every generated
//! `send()` does this, so `client.op().send().await?` already fails with an [`ApiError`].

use std::time::Duration;

use progenitor_client::{Error as ProgenitorError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The most bytes of an error body kept in [`ApiError`]; the rest is dropped.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// Why a call failed. `E` is the error body type the spec declares (`()` when none).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError<E = ()> {
    /// HTTP 429 (after the client's retries, if any). `retry_after` comes from the
    /// `Retry-After` header (seconds or HTTP date) or, failing that, from
    /// `X-RateLimit-Reset`/`RateLimit-Reset` (a delay in seconds or a Unix time).
    #[error("rate limited (HTTP 429){}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long the server asks the caller to wait, if it said.
        retry_after: Option<Duration>,
        /// Headers of the 429 response.
        headers: HeaderMap,
        /// Body of the 429 response (lossy UTF-8, at most [`MAX_ERROR_BODY`] bytes); empty
        /// when the spec documents the 429 body, which is then in `documented`.
        body: String,
        /// The decoded body, when the spec documents a 429 response.
        documented: Option<E>,
    },
    /// An error status the spec declares, with its body decoded into `E`.
    #[error("HTTP {status} (an error response the API documents)")]
    Documented {
        /// The status code.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The decoded body.
        body: E,
    },
    /// Any other 4xx or 5xx status.
    #[error("HTTP {status}{}", summary(body))]
    Status {
        /// The status code: [`StatusCode::is_client_error`] or `is_server_error` tells which side failed.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// Body (lossy UTF-8, at most [`MAX_ERROR_BODY`] bytes).
        body: String,
    },
    /// A status the spec does not list that is not an error either (e.g. a 1xx or 3xx).
    #[error("unexpected HTTP {status}")]
    UnexpectedStatus {
        /// The status code.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
    },
    /// A connect, read or total timeout of the client's [`Config`](crate::Config) passed
    /// (on the last attempt, when the call was retried). The URL in the error has its
    /// query, fragment and user info removed, since any may carry a credential.
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The server could not be reached, the connection broke, or the body could not be
    /// read. The URL in the error has its query, fragment and user info removed, since any
    /// may carry a credential.
    #[error("request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// A redirect the client did not follow: to another origin or from https to http
    /// (which would hand the credential to someone else), or any redirect when
    /// [`Redirects::None`](crate::Redirects) is set, or one too many. Fetch `location`
    /// yourself if you trust it; the credential is not needed there.
    #[error("HTTP {status} redirect to {location} not followed: {reason}")]
    Redirect {
        /// The redirect's status (301, 302, 303, 307 or 308).
        status: StatusCode,
        /// The target, without its query, fragment or user info (any of which may carry
        /// a credential).
        location: String,
        /// Why it was not followed.
        reason: crate::RedirectRefusal,
    },
    /// A page stream ([`crate::pages`]) stopped: a page pointed back to a position already
    /// fetched (a loop), or the page cap was reached.
    #[error(transparent)]
    Pages(crate::pages::PageError),
    /// The request was not sent: a required parameter was missing or could not be encoded.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A response body that does not match the spec (malformed, truncated, or of another
    /// shape).
    #[error("response body does not match the spec: {source}")]
    InvalidResponse {
        /// Where in the body decoding failed, e.g. `labels[3].label_id` (`.` for the
        /// whole document), when known.
        path: Option<String>,
        /// The first bytes of the body (lossy UTF-8, at most [`MAX_ERROR_BODY`] bytes).
        body: String,
        /// Where decoding stopped.
        #[source]
        source: serde_json::Error,
    },
}

fn summary(body: &str) -> String {
    let line = body.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        String::new()
    } else {
        let cut: String = line.chars().take(200).collect();
        format!(": {cut}")
    }
}

impl<E> ApiError<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ApiError::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            ApiError::Documented { status, .. }
            | ApiError::Status { status, .. }
            | ApiError::UnexpectedStatus { status, .. }
            | ApiError::Redirect { status, .. } => Some(*status),
            ApiError::Transport(e) | ApiError::Timeout(e) => e.status(),
            ApiError::InvalidRequest(_) | ApiError::InvalidResponse { .. } | ApiError::Pages(_) => {
                None
            }
        }
    }

    /// Response headers, when the server answered with an error status.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            ApiError::RateLimited { headers, .. }
            | ApiError::Documented { headers, .. }
            | ApiError::Status { headers, .. }
            | ApiError::UnexpectedStatus { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The error body as JSON, whichever variant holds it: the decoded documented body,
    /// or the raw body of an undocumented status or a 429 when it parses as JSON.
    pub fn body_json(&self) -> Option<serde_json::Value>
    where
        E: serde::Serialize,
    {
        match self {
            ApiError::Documented { body, .. }
            | ApiError::RateLimited {
                documented: Some(body),
                ..
            } => serde_json::to_value(body).ok(),
            ApiError::RateLimited { body, .. } | ApiError::Status { body, .. } => {
                serde_json::from_str(body).ok()
            }
            _ => None,
        }
    }

    /// Whether trying again later may succeed: transport failures, timeouts, 408, 429, 502,
    /// 503, 504. (The client has already retried these as its
    /// [`RetryPolicy`](crate::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Transport(_) | ApiError::Timeout(_) | ApiError::RateLimited { .. } => true,
            _ => self
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 408 | 502 | 503 | 504)),
        }
    }

    /// Sorts a progenitor error into an [`ApiError`], reading an unexpected response's body.
    pub async fn from_progenitor(err: ProgenitorError<E>) -> Self {
        match err {
            ProgenitorError::Custom(m) => match crate::pages::PageError::from_message(&m) {
                Some(e) => ApiError::Pages(e),
                None => ApiError::InvalidRequest(m),
            },
            ProgenitorError::InvalidRequest(m) => ApiError::InvalidRequest(m),
            ProgenitorError::CommunicationError(e)
            | ProgenitorError::InvalidUpgrade(e)
            | ProgenitorError::ResponseBodyError(e) => transport(e),
            ProgenitorError::InvalidResponsePayload(bytes, source) => ApiError::InvalidResponse {
                path: crate::decode::path_of(&source),
                body: lossy(&bytes),
                source,
            },
            ProgenitorError::ErrorResponse(rv) => documented(rv),
            ProgenitorError::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                if !(status.is_client_error() || status.is_server_error()) {
                    return ApiError::UnexpectedStatus { status, headers };
                }
                let body = match read_capped(response).await {
                    Ok(b) => b,
                    Err(e) => return transport(e),
                };
                if status == StatusCode::TOO_MANY_REQUESTS {
                    ApiError::RateLimited {
                        retry_after: retry_after(&headers),
                        headers,
                        body,
                        documented: None,
                    }
                } else {
                    ApiError::Status {
                        status,
                        headers,
                        body,
                    }
                }
            }
        }
    }
}

fn transport<E>(e: reqwest::Error) -> ApiError<E> {
    if let Some(stopped) = redirect_stop(&e) {
        return ApiError::Redirect {
            status: stopped.status,
            location: stopped.location.clone(),
            reason: stopped.reason,
        };
    }
    if e.is_timeout() {
        ApiError::Timeout(strip_query(e))
    } else {
        ApiError::Transport(strip_query(e))
    }
}

fn documented<E>(rv: ResponseValue<E>) -> ApiError<E> {
    let status = rv.status();
    let headers = rv.headers().clone();
    let body = rv.into_inner();
    if status == StatusCode::TOO_MANY_REQUESTS {
        // Callers match on `RateLimited`: a documented 429 must not hide its retry hint
        // behind `Documented`.
        let retry_after = retry_after(&headers);
        return ApiError::RateLimited {
            retry_after,
            headers,
            body: String::new(),
            documented: Some(body),
        };
    }
    ApiError::Documented {
        status,
        headers,
        body,
    }
}

/// The retry hint of a response: `Retry-After` in seconds or as an HTTP date, else
/// `X-RateLimit-Reset`/`RateLimit-Reset` as a delay in seconds or a Unix time.
///
/// Whatever the server sends, this never panics: arithmetic is checked, a date in the
/// past means now, and a value that is no number or date is no hint. A hint may be
/// huge (years); the retry loop does not wait past its deadline, and the caller gets
/// the hint in [`ApiError::RateLimited`].
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let now = std::time::SystemTime::now();
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        // IMF-fixdate, RFC 850 and asctime (RFC 9110 5.6.7); years 1970 to 9999.
        if let Ok(when) = httpdate::parse_http_date(v) {
            return Some(when.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    ["ratelimit-reset", "x-ratelimit-reset"]
        .into_iter()
        .find_map(|h| {
            let secs = get(h)?.parse::<u64>().ok()?;
            if secs < 1_000_000_000 {
                return Some(Duration::from_secs(secs));
            }
            // Values this large are Unix times (SendGrid's `X-RateLimit-Reset`): the wait
            // is until then. Subtracting durations cannot overflow where adding one to
            // `UNIX_EPOCH` can (a `SystemTime` holds no u64::MAX seconds).
            let since_epoch = now
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or(Duration::ZERO);
            Some(Duration::from_secs(secs).saturating_sub(since_epoch))
        })
}

async fn read_capped(mut response: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut buf = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ERROR_BODY - buf.len();
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if buf.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    Ok(lossy(&buf))
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_ERROR_BODY)]).into_owned()
}

/// The runtime's redirect refusal behind a reqwest redirect error, if that is what it is.
fn redirect_stop(e: &reqwest::Error) -> Option<&crate::redirect::Stopped> {
    if !e.is_redirect() {
        return None;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(stopped) = s.downcast_ref::<crate::redirect::Stopped>() {
            return Some(stopped);
        }
        source = s.source();
    }
    None
}

/// `e` with its URL's query, fragment and user info removed (any may carry a credential).
pub(crate) fn strip_query(mut e: reqwest::Error) -> reqwest::Error {
    if let Some(url) = e.url_mut() {
        crate::redirect::strip(url);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_dates_and_reset_headers() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "30".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(30)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", "12".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(12)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past Unix time: now"
        );
        let soon = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", soon.to_string().parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(
            (Duration::from_secs(28)..=Duration::from_secs(30)).contains(&wait),
            "a Unix time 30 s ahead: {wait:?}"
        );
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past date means retry now"
        );
        let mut h = HeaderMap::new();
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn all_three_http_date_formats_are_read() {
        let ahead = std::time::SystemTime::now() + Duration::from_secs(3600);
        let imf = httpdate::fmt_http_date(ahead);
        // The same instant as RFC 850 and asctime dates (RFC 9110 5.6.7).
        let t: Vec<&str> = imf.split([' ', ',']).filter(|p| !p.is_empty()).collect();
        let [wday, day, month, year, time, "GMT"] = t.as_slice() else {
            panic!("{imf}")
        };
        let long = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .into_iter()
        .find(|l| l.starts_with(wday))
        .unwrap();
        let rfc850 = format!("{long}, {day}-{month}-{} {time} GMT", &year[2..]);
        let asctime = format!(
            "{wday} {month} {:>2} {time} {year}",
            day.trim_start_matches('0')
        );
        for date in [imf, rfc850, asctime] {
            let mut h = HeaderMap::new();
            h.insert("retry-after", date.parse().unwrap());
            let wait = retry_after(&h).unwrap_or_else(|| panic!("{date}"));
            assert!(
                (Duration::from_secs(3590)..=Duration::from_secs(3600)).contains(&wait),
                "{date}: {wait:?}"
            );
        }
    }

    #[test]
    fn the_overflowing_hints_of_issue_14_do_not_panic() {
        // Once "overflow when adding duration to instant".
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 300000000000 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), None, "no date: no hint");
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", "18446744073709551615".parse().unwrap());
        let wait = retry_after(&h).unwrap();
        let years = wait.as_secs() / (365 * 86_400);
        assert!(years > 500_000_000_000, "{years} years");
        let mut h = HeaderMap::new();
        h.insert("retry-after", u64::MAX.to_string().parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn summary_takes_first_line_only() {
        assert_eq!(summary("{\"error\":\"x\"}\nmore"), ": {\"error\":\"x\"}");
        assert_eq!(summary(""), "");
    }
}
