//! Async JWKS key source (feature `jwks-fetch`): fetches ShipEngine's JWKS, caches the
//! keys by `kid`, and refetches when a request names a `kid` it does not know (key
//! rotation), at most once per [`JwksFetcher::min_refresh_interval`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::HeaderMap;

use super::{Event, Jwks, SignedHeaders};
use crate::webhooks::{DEFAULT_TOLERANCE, Error};

/// ShipEngine's JWKS URL (the EU region uses `https://api.eu.shipengine.com/jwks`).
/// Taken from independent implementations; UNCONFIRMED against official text.
pub const DEFAULT_JWKS_URL: &str = "https://api.shipengine.com/jwks";

/// Largest JWKS document accepted, in bytes.
const MAX_JWKS_BYTES: usize = 256 * 1024;

struct Cache {
    jwks: Jwks,
    last_fetch: Option<Instant>,
}

/// Fetches and caches a JWKS. Share one per process (it is `Clone`, backed by an `Arc`).
#[derive(Clone)]
pub struct JwksFetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    url: String,
    min_refresh_interval: Duration,
    cache: Mutex<Cache>,
    // Serialises fetches, so a burst of requests with a new kid causes one fetch and the
    // others wait for its result instead of failing or fetching again.
    fetch_lock: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for JwksFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksFetcher")
            .field("url", &self.inner.url)
            .field("min_refresh_interval", &self.inner.min_refresh_interval)
            .finish_non_exhaustive()
    }
}

impl JwksFetcher {
    /// A fetcher for `url` with a default `reqwest` client and a 60 s minimum interval
    /// between fetches. Nothing is fetched until the first request needs a key.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_client(reqwest::Client::new(), url)
    }

    /// A fetcher using your `reqwest` client (proxies, timeouts, TLS settings).
    pub fn with_client(client: reqwest::Client, url: impl Into<String>) -> Self {
        JwksFetcher {
            inner: Arc::new(Inner {
                client,
                url: url.into(),
                min_refresh_interval: Duration::from_secs(60),
                cache: Mutex::new(Cache {
                    jwks: Jwks::default(),
                    last_fetch: None,
                }),
                fetch_lock: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Sets the minimum time between two fetches. A request naming an unknown `kid`
    /// inside that window fails with [`Error::UnknownKeyId`] without a fetch, so forged
    /// key ids cannot make us hammer the JWKS endpoint.
    ///
    /// Must be called before the fetcher is cloned or used.
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.min_refresh_interval = interval;
        }
        self
    }

    /// The keys currently cached (empty before the first fetch).
    pub fn cached(&self) -> Jwks {
        self.lock().jwks.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The cache is only ever replaced whole, so a poisoned lock still holds a
        // consistent value.
        self.inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn may_fetch(&self) -> bool {
        match self.lock().last_fetch {
            None => true,
            Some(t) => t.elapsed() >= self.inner.min_refresh_interval,
        }
    }

    /// The key set containing `kid`: from the cache, or after one rate-limited refetch.
    /// Returns the freshest set either way; the caller reports the unknown kid.
    pub async fn jwks_for(&self, kid: &str) -> Result<Jwks, Error> {
        let cached = self.cached();
        if cached.contains(kid) {
            return Ok(cached);
        }
        // Taken even when the rate limit forbids a fetch: if one is in flight, its
        // result may hold the kid, so wait for it rather than fail.
        let _guard = self.inner.fetch_lock.lock().await;
        let cached = self.cached();
        if cached.contains(kid) || !self.may_fetch() {
            return Ok(cached);
        }
        // Count the attempt before the request, so failures are rate limited too.
        self.lock().last_fetch = Some(Instant::now());
        let jwks = self.fetch().await?;
        self.lock().jwks = jwks.clone();
        Ok(jwks)
    }

    /// Fetches the document now, bypassing the cache and the rate limit (for warm-up at
    /// start-up), and caches it.
    pub async fn refresh(&self) -> Result<Jwks, Error> {
        let _guard = self.inner.fetch_lock.lock().await;
        self.lock().last_fetch = Some(Instant::now());
        let jwks = self.fetch().await?;
        self.lock().jwks = jwks.clone();
        Ok(jwks)
    }

    async fn fetch(&self) -> Result<Jwks, Error> {
        let response = self
            .inner
            .client
            .get(&self.inner.url)
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| Error::KeyFetch(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::KeyFetch(format!("HTTP status {status}")));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err(Error::KeyFetch("JWKS document too large".to_owned()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::KeyFetch(e.without_url().to_string()))?;
        if body.len() > MAX_JWKS_BYTES {
            return Err(Error::KeyFetch("JWKS document too large".to_owned()));
        }
        Jwks::from_json(&body)
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
        // Headers and clock first: a stale or header-less request costs no fetch.
        let signed = SignedHeaders::read(headers, now, self.tolerance)?;
        let jwks = self.fetcher.jwks_for(signed.kid).await?;
        signed.verify_with(&jwks, body)?;
        super::parse_unverified(body)
    }
}
