//! An optional replay guard: a bounded, time-limited memory of the SHA-256 of the
//! **signed bytes** of requests already accepted.
//!
//! A valid signature proves who sent a request, not that it is new: anyone who sees
//! one request (a log, a proxy, a TLS-terminating middlebox) can send it again. What
//! each provider's signature covers, and so what a replay can reuse, is in each
//! module's docs; in short:
//!
//! | provider | signed bytes | replayable |
//! |---|---|---|
//! | [`snyk`](super::snyk) | body only (the event, transport-id and timestamp headers are **not** signed) | forever |
//! | [`colorme`](super::colorme) | body only (no timestamp is sent) | forever |
//! | [`sendgrid`](super::sendgrid) | timestamp header ++ body | within the tolerance |
//! | [`shipengine`](super::shipengine) | `{timestamp}.{body}` (the key-id header only picks the key) | within the tolerance |
//! | [`snyk_api_web`](super::snyk_api_web) | nothing | forever (use [`SignedDigest::of`] over the body) |
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use apikit::webhooks::replay::ReplayGuard;
//! use apikit::webhooks::{Error, snyk};
//!
//! # fn handle(verifier: &snyk::Verifier, guard: &ReplayGuard, headers: &http::HeaderMap, body: &[u8]) -> Result<(), Error> {
//! // Once, shared by all handlers (cheap to clone): 10 000 entries, 1 hour.
//! // let guard = ReplayGuard::new(10_000, Duration::from_secs(3600));
//! let digest = verifier.verify_signature_digest(headers, body)?;
//! guard.check_and_remember(&digest, SystemTime::now())?; // Err(Error::Replayed)
//! let delivery = snyk::parse_unverified(headers, body)?;
//! # let _ = delivery; Ok(()) }
//! ```
//!
//! # Why the digest is over the signed bytes, never over the signature
//!
//! A signature is not a unique name for a message. ECDSA (SendGrid's P-256) accepts
//! both `(r, s)` and its "high-S twin" `(r, n - s)` for the same message, and this
//! crate accepts both, as SendGrid's own libraries do; a header's base64 or hex can be
//! spelled in more than one way, and a header may list several signatures. A guard
//! keyed on signature bytes would let an attacker replay a request once per spelling.
//! The signed bytes are what the sender vouched for, so they are the key.
//!
//! # Limits
//!
//! - The memory is per process: several instances behind a load balancer each have
//!   their own.
//! - When more than `capacity` requests arrive within `ttl`, the oldest entry is
//!   forgotten first, and a replay of it is accepted again. Size `capacity` above your
//!   peak request rate × `ttl`.
//! - For providers that sign a timestamp, a `ttl` of at least twice the verifier's
//!   tolerance (the window is open in both directions) closes the window completely.
//! - A provider's own retry of a delivery whose body (and timestamp) did not change is
//!   indistinguishable from a replay. Call [`ReplayGuard::check_and_remember`] only
//!   when you are about to process the request, and answer a [`Replayed`] request with
//!   the status you gave the first one (usually 2xx) if the provider would retry.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// SHA-256 of the bytes a request's signature covers, returned by the verifiers'
/// `verify_signature_digest*` methods once the signature is valid.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignedDigest([u8; 32]);

impl SignedDigest {
    /// SHA-256 of `bytes`. For a provider that signs nothing (Snyk API & Web), pass
    /// the body; the verifiers compute the digest of what they checked themselves.
    pub fn of(bytes: &[u8]) -> Self {
        SignedDigest(Sha256::digest(bytes).into())
    }

    /// From a hasher that was fed exactly the signed bytes.
    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        SignedDigest(hasher.finalize().into())
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SignedDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A digest of (public) request bytes: no secret to hide.
        write!(f, "SignedDigest({})", hex::encode(self.0))
    }
}

/// The request was already accepted within the guard's `ttl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("request already seen (replay)")]
pub struct Replayed;

/// A bounded, time-limited set of [`SignedDigest`]s (see the [module docs](self)).
/// Cheap to clone: clones share one memory.
#[derive(Clone)]
pub struct ReplayGuard {
    capacity: usize,
    ttl: Duration,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    // digest -> when it was remembered.
    seen: HashMap<SignedDigest, SystemTime>,
    // Insertion order, oldest first, for eviction and expiry. An entry whose time no
    // longer matches `seen` was re-remembered later and is skipped.
    order: VecDeque<(SignedDigest, SystemTime)>,
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .field("len", &self.len())
            .finish()
    }
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` digests (at least 1), each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        let capacity = capacity.max(1);
        ReplayGuard {
            capacity,
            ttl,
            state: Arc::new(Mutex::new(State {
                seen: HashMap::with_capacity(capacity.min(1 << 16)),
                order: VecDeque::new(),
            })),
        }
    }

    /// Fails with [`Replayed`] if `digest` was remembered less than `ttl` before `now`;
    /// otherwise remembers it at `now` (evicting the oldest entry when full).
    pub fn check_and_remember(
        &self,
        digest: &SignedDigest,
        now: SystemTime,
    ) -> Result<(), Replayed> {
        let mut state = self.lock();
        state.expire(now, self.ttl);
        if state
            .seen
            .get(digest)
            .is_some_and(|&at| !expired(at, now, self.ttl))
        {
            return Err(Replayed);
        }
        while state.seen.len() >= self.capacity {
            if !state.evict_oldest() {
                break;
            }
        }
        state.seen.insert(*digest, now);
        state.order.push_back((*digest, now));
        Ok(())
    }

    /// Number of digests remembered (including any not yet purged after expiry).
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every update leaves the maps consistent, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn expired(at: SystemTime, now: SystemTime, ttl: Duration) -> bool {
    // A clock that went backwards (now < at) does not expire anything.
    now.duration_since(at).is_ok_and(|age| age >= ttl)
}

impl State {
    /// Drops expired entries from the front (the oldest).
    fn expire(&mut self, now: SystemTime, ttl: Duration) {
        while let Some(&(digest, at)) = self.order.front() {
            if !expired(at, now, ttl) {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&digest) == Some(&at) {
                self.seen.remove(&digest);
            }
        }
    }

    /// Forgets the oldest live entry; false when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((digest, at)) = self.order.pop_front() {
            if self.seen.get(&digest) == Some(&at) {
                self.seen.remove(&digest);
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_stale_order_entry_does_not_forget_a_re_remembered_digest() {
        let guard = ReplayGuard::new(2, Duration::from_secs(10));
        let a = SignedDigest::of(b"a");
        // Times out of order (callers pass their own clock): `a` at 0 sits behind `x`.
        guard
            .check_and_remember(&SignedDigest::of(b"x"), at(5))
            .unwrap();
        guard.check_and_remember(&a, at(0)).unwrap();
        // At 12, `a` has expired (but `x` in front has not), so `a` is accepted and
        // remembered again (evicting `x` to make room); its entry from 0 is left in the
        // order queue.
        guard.check_and_remember(&a, at(12)).unwrap();
        // At 16 that stale entry is at the front and expired: purging it must not
        // forget the live `a` from 12.
        assert_eq!(guard.check_and_remember(&a, at(16)), Err(Replayed));
        assert_eq!(guard.len(), 1);
    }
}
