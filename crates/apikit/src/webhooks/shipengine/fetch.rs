//! Async JWKS key source (feature `jwks-fetch`): fetches ShipEngine's JWKS, caches the
//! keys by `kid`, and refetches when a request names a `kid` it does not know (key
//! rotation), at most once per [`JwksFetcher::min_refresh_interval`].
//!
//! The JWKS server is treated as untrusted input too: HTTPS only (unless
//! [`JwksFetcher::allow_http`]), connect, read and total timeouts, and a
//! [`MAX_JWKS_BYTES`] cap enforced while the body streams in.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::HeaderMap;

use super::{Event, Jwks, SignedHeaders};
use crate::webhooks::replay::SignedDigest;
use crate::webhooks::{DEFAULT_TOLERANCE, Error};

/// ShipEngine's JWKS URL (the EU region uses `https://api.eu.shipengine.com/jwks`).
/// Taken from independent implementations; UNCONFIRMED against official text.
pub const DEFAULT_JWKS_URL: &str = "https://api.shipengine.com/jwks";

/// Largest JWKS document accepted, in bytes (256 KiB). Enforced on the streamed body,
/// so a chunked reply without `Content-Length` cannot make us buffer more.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// Default [`JwksFetcher::connect_timeout`]: 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default [`JwksFetcher::read_timeout`]: 10 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`JwksFetcher::timeout`] (the whole fetch): 30 s.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`JwksFetcher::min_refresh_interval`]: 60 s.
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Cache {
    jwks: Jwks,
    /// End of the last fetch attempt (success or failure), for the rate limit. Set
    /// when an attempt completes, so a cancelled fetch does not use up the slot.
    last_attempt: Option<Instant>,
    /// End of the last successful fetch: the age of every cached key.
    fetched_at: Option<Instant>,
    /// Why the last attempt failed, while no later one succeeded.
    last_error: Option<String>,
}

/// Fetches and caches a JWKS. Share one per process.
///
/// Clones share the cache and the rate limit. Settings (`min_refresh_interval`,
/// timeouts, ...) are per value: a clone keeps the settings it was cloned with, and a
/// setting changed on one clone applies to that clone only. Configure it before
/// cloning.
///
/// The timeouts use Tokio's timer, so fetches need a runtime with the time driver
/// enabled (`#[tokio::main]` and `Runtime::new` have it).
#[derive(Clone)]
pub struct JwksFetcher {
    shared: Arc<Shared>,
    settings: Settings,
}

struct Shared {
    cache: Mutex<Cache>,
    // Serialises fetches, so a burst of requests with a new kid causes one fetch and the
    // others wait for its result instead of failing or fetching again.
    fetch_lock: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Settings {
    url: String,
    // `None`: a client built per fetch from the settings below (fetches are rare).
    client: Option<reqwest::Client>,
    min_refresh_interval: Duration,
    connect_timeout: Duration,
    read_timeout: Duration,
    timeout: Duration,
    allow_http: bool,
    max_key_age: Option<Duration>,
}

impl std::fmt::Debug for JwksFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.settings;
        f.debug_struct("JwksFetcher")
            .field("url", &s.url)
            .field("custom_client", &s.client.is_some())
            .field("min_refresh_interval", &s.min_refresh_interval)
            .field("connect_timeout", &s.connect_timeout)
            .field("read_timeout", &s.read_timeout)
            .field("timeout", &s.timeout)
            .field("allow_http", &s.allow_http)
            .field("max_key_age", &s.max_key_age)
            .finish_non_exhaustive()
    }
}

impl JwksFetcher {
    /// A fetcher for `url` with the default timeouts and a 60 s minimum interval
    /// between fetches. Nothing is fetched until the first request needs a key.
    /// `url` must be `https://` unless [`JwksFetcher::allow_http`] is set.
    pub fn new(url: impl Into<String>) -> Self {
        JwksFetcher {
            shared: Arc::new(Shared {
                cache: Mutex::new(Cache::default()),
                fetch_lock: tokio::sync::Mutex::new(()),
            }),
            settings: Settings {
                url: url.into(),
                client: None,
                min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                read_timeout: DEFAULT_READ_TIMEOUT,
                timeout: DEFAULT_FETCH_TIMEOUT,
                allow_http: false,
                max_key_age: None,
            },
        }
    }

    /// A fetcher using your `reqwest` client (proxies, TLS settings). The read and
    /// total timeouts, the size cap and the HTTPS check still apply; the connect
    /// timeout and redirect policy are the client's own.
    pub fn with_client(client: reqwest::Client, url: impl Into<String>) -> Self {
        let mut fetcher = Self::new(url);
        fetcher.settings.client = Some(client);
        fetcher
    }

    /// Sets the minimum time between two fetch attempts (default 60 s). A request
    /// naming an unknown `kid` inside that window fails without a fetch (with
    /// [`Error::UnknownKeyId`], or [`Error::KeyFetch`] while the last attempt had
    /// failed), so forged key ids cannot make us hammer the JWKS endpoint.
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.settings.min_refresh_interval = interval;
        self
    }

    /// Sets the longest wait for the TCP and TLS connection (default 5 s). Applies to
    /// the built-in client only; with [`JwksFetcher::with_client`] configure your own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Sets the longest wait for the response headers (they must arrive within
    /// connect timeout + read timeout of the request) or for any next piece of the
    /// body (default 10 s), so a server that stalls is dropped.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.read_timeout = timeout;
        self
    }

    /// Sets the longest time for a whole fetch, connection to last byte (default
    /// 30 s), so a server that trickles bytes is dropped too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Accepts an `http://` URL (and redirects to one). For tests against a local
    /// server only: over plain HTTP anyone on the path can substitute the keys.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.settings.allow_http = allow;
        self
    }

    /// Trusts a cached key for at most `age` after the fetch that last listed it (off
    /// by default). Without it, a cached key stays trusted until a refetch (caused by
    /// an unknown `kid`) drops it, however long ago the provider removed it. Past
    /// `age`, the next request refetches first (within the rate limit); if that is
    /// not possible, no cached key is used and verification fails with
    /// [`Error::KeyFetch`].
    pub fn max_key_age(mut self, age: Duration) -> Self {
        self.settings.max_key_age = Some(age);
        self
    }

    /// The keys currently cached (empty before the first fetch), whatever their age.
    pub fn cached(&self) -> Jwks {
        self.lock().jwks.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // Every update leaves the cache consistent, so a poisoned lock still holds a
        // usable value.
        self.shared
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached keys if they may still be trusted and hold `kid`.
    fn usable(&self, kid: &str) -> Option<Jwks> {
        let cache = self.lock();
        (self.fresh(&cache) && cache.jwks.contains(kid)).then(|| cache.jwks.clone())
    }

    fn fresh(&self, cache: &Cache) -> bool {
        match self.settings.max_key_age {
            None => true,
            Some(age) => cache.fetched_at.is_some_and(|t| t.elapsed() < age),
        }
    }

    /// The key set containing `kid`: from the cache, or after one rate-limited refetch.
    /// Returns the freshest set either way; the caller reports the unknown kid.
    /// Fails with [`Error::KeyFetch`] when the keys cannot be had (fetch failed, or
    /// the cached ones are older than [`JwksFetcher::max_key_age`] and a refetch is not
    /// allowed yet): the key source is unavailable, not the request forged.
    pub async fn jwks_for(&self, kid: &str) -> Result<Jwks, Error> {
        if let Some(jwks) = self.usable(kid) {
            return Ok(jwks);
        }
        // Taken even when the rate limit forbids a fetch: if one is in flight, its
        // result may hold the kid, so wait for it rather than fail.
        let _guard = self.shared.fetch_lock.lock().await;
        if let Some(jwks) = self.usable(kid) {
            return Ok(jwks);
        }
        {
            let cache = self.lock();
            let may_fetch = cache
                .last_attempt
                .is_none_or(|t| t.elapsed() >= self.settings.min_refresh_interval);
            if !may_fetch {
                if let Some(error) = &cache.last_error {
                    return Err(Error::KeyFetch(format!(
                        "{error} (next attempt after the minimum refresh interval)"
                    )));
                }
                if !self.fresh(&cache) {
                    return Err(Error::KeyFetch(
                        "cached keys are older than max_key_age and a refetch is rate limited"
                            .to_owned(),
                    ));
                }
                return Ok(cache.jwks.clone());
            }
        }
        self.fetch_and_store().await
    }

    /// Fetches the document now, bypassing the cache and the rate limit (for warm-up at
    /// start-up), and caches it.
    pub async fn refresh(&self) -> Result<Jwks, Error> {
        let _guard = self.shared.fetch_lock.lock().await;
        self.fetch_and_store().await
    }

    /// Call with `fetch_lock` held. If this future is dropped mid-fetch, nothing is
    /// recorded: the next request may fetch at once.
    async fn fetch_and_store(&self) -> Result<Jwks, Error> {
        let result = self.fetch().await;
        let mut cache = self.lock();
        let now = Instant::now();
        cache.last_attempt = Some(now);
        match result {
            Ok(jwks) => {
                cache.jwks = jwks.clone();
                cache.fetched_at = Some(now);
                cache.last_error = None;
                Ok(jwks)
            }
            Err(error) => {
                cache.last_error = Some(error.to_string());
                Err(error)
            }
        }
    }

    async fn fetch(&self) -> Result<Jwks, Error> {
        let s = &self.settings;
        match tokio::time::timeout(s.timeout, self.fetch_document()).await {
            Ok(result) => result,
            Err(_) => Err(Error::KeyFetch(format!(
                "JWKS fetch timed out after {:?}",
                s.timeout
            ))),
        }
    }

    async fn fetch_document(&self) -> Result<Jwks, Error> {
        let s = &self.settings;
        let https = |url: &str| {
            url.split_once("://")
                .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("https"))
        };
        if !s.allow_http && !https(&s.url) {
            return Err(Error::KeyFetch(
                "JWKS URL is not https (allow_http permits it, for tests)".to_owned(),
            ));
        }
        let client = match &s.client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(s.connect_timeout)
                .https_only(!s.allow_http)
                .build()
                .map_err(|e| Error::KeyFetch(e.without_url().to_string()))?,
        };
        let fetch_error = |e: reqwest::Error| Error::KeyFetch(e.without_url().to_string());
        let read_timed_out =
            || Error::KeyFetch(format!("JWKS read timed out after {:?}", s.read_timeout));

        let request = client
            .get(&s.url)
            .header(http::header::ACCEPT, "application/json")
            .send();
        let mut response =
            tokio::time::timeout(s.connect_timeout.saturating_add(s.read_timeout), request)
                .await
                .map_err(|_| read_timed_out())?
                .map_err(fetch_error)?;
        // A custom client may have followed a redirect to plain HTTP.
        if !s.allow_http && !https(response.url().as_str()) {
            return Err(Error::KeyFetch(
                "JWKS redirected to a non-https URL".to_owned(),
            ));
        }
        let status = response.status();
        if !status.is_success() {
            return Err(Error::KeyFetch(format!("HTTP status {status}")));
        }
        let too_large = || Error::KeyFetch("JWKS document too large".to_owned());
        let declared = response.content_length();
        if declared.is_some_and(|len| len > MAX_JWKS_BYTES as u64) {
            return Err(too_large());
        }
        // Streamed with the cap checked per chunk: Content-Length may be absent
        // (chunked) or wrong, and `bytes()` would buffer whatever the server sends.
        let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = tokio::time::timeout(s.read_timeout, response.chunk())
            .await
            .map_err(|_| read_timed_out())?
            .map_err(fetch_error)?
        {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        // A document that does not parse is the key source failing, not the request.
        Jwks::from_json(&body).map_err(|e| Error::KeyFetch(format!("JWKS rejected: {e}")))
    }
}

/// Verifies ShipEngine webhooks with keys from a [`JwksFetcher`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct FetchingVerifier {
    fetcher: JwksFetcher,
    tolerance: Duration,
}

impl FetchingVerifier {
    /// A verifier using this fetcher, with the default 5-minute tolerance.
    pub fn new(fetcher: JwksFetcher) -> Self {
        FetchingVerifier {
            fetcher,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// A verifier fetching from [`DEFAULT_JWKS_URL`].
    pub fn shipengine() -> Self {
        Self::new(JwksFetcher::new(DEFAULT_JWKS_URL))
    }

    /// Sets the accepted distance between `x-shipengine-timestamp` and now, both directions.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The underlying fetcher.
    pub fn fetcher(&self) -> &JwksFetcher {
        &self.fetcher
    }

    /// Verifies against the system clock, then parses the event.
    pub async fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, Error> {
        self.verify_at(headers, body, SystemTime::now()).await
    }

    /// Verifies as if the current time were `now`, then parses the event.
    pub async fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, Error> {
        self.verify_signature_digest_at(headers, body, now).await?;
        super::parse_unverified(body)
    }

    /// Checks headers, timestamp window and signature, and returns the digest of the
    /// signed bytes (`{timestamp}.{body}`) for a
    /// [`ReplayGuard`](crate::webhooks::replay::ReplayGuard); parses nothing.
    pub async fn verify_signature_digest_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<SignedDigest, Error> {
        // Headers and clock first: a stale or header-less request costs no fetch.
        let signed = SignedHeaders::read(headers, now, self.tolerance)?;
        let jwks = self.fetcher.jwks_for(signed.kid).await?;
        signed
            .verify_with(&jwks, body)
            .map(SignedDigest::from_hasher)
    }
}
