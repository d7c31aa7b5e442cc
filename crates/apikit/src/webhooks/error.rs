//! The one error type shared by every provider module.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong while verifying or parsing a webhook, for every provider.
///
/// The variants are distinct so a handler can tell an attacker (signature mismatch)
/// from a misconfiguration (invalid key) from a replay (stale timestamp) from a
/// provider-side format change (payload does not parse).
///
/// No variant ever holds a secret, a private key or a signature: only header *names*,
/// static reasons, and for [`Error::UnknownKeyId`] the (public, sender-chosen) key id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required header is absent. Holds the header name.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),

    /// A header is present but its structure is wrong (not visible ASCII, wrong
    /// prefix, wrong length, repeated where it must be unique, ...).
    #[error("malformed header `{header}`: {reason}")]
    MalformedHeader {
        /// Header name.
        header: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A header value does not decode in the encoding the scheme uses.
    #[error("header `{header}` is not valid {encoding}")]
    BadEncoding {
        /// Header name.
        header: &'static str,
        /// The expected encoding.
        encoding: Encoding,
    },

    /// The configured secret or public key cannot be used (empty secret, key that does
    /// not parse, JWKS document that does not parse, RSA key that is too small, ...).
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),

    /// The key id named by the request is not in the key set (ShipEngine).
    #[error("unknown key id `{kid}`")]
    UnknownKeyId {
        /// The key id from the request header, truncated to 64 characters.
        kid: String,
    },

    /// No signature in the request matches the payload under the configured key.
    #[error("signature does not match")]
    SignatureMismatch,

    /// The signed timestamp is older than the tolerance allows (possible replay).
    #[error("timestamp is {}s old, beyond the {}s tolerance", age.as_secs(), tolerance.as_secs())]
    TimestampTooOld {
        /// How far in the past the timestamp is.
        age: Duration,
        /// The configured tolerance.
        tolerance: Duration,
    },

    /// The signed timestamp is further in the future than the tolerance allows.
    #[error("timestamp is {}s in the future, beyond the {}s tolerance", ahead.as_secs(), tolerance.as_secs())]
    TimestampInFuture {
        /// How far in the future the timestamp is.
        ahead: Duration,
        /// The configured tolerance.
        tolerance: Duration,
    },

    /// The (already verified) payload is not the JSON the event type expects.
    #[error("payload does not parse at `{path}`: {source}")]
    Parse {
        /// Where in the document parsing failed, e.g. `project.issueCountsBySeverity.low`
        /// or `[2].timestamp` (`.` when the document itself is wrong).
        path: String,
        /// The underlying serde_json error.
        #[source]
        source: serde_json::Error,
    },

    /// The signed bytes were already accepted within the replay guard's time to live
    /// (see [`ReplayGuard`](super::replay::ReplayGuard)).
    #[error("request already seen (replay)")]
    Replayed,

    /// The key set could not be fetched (ShipEngine JWKS over HTTP, feature `jwks-fetch`).
    #[error("could not fetch the key set: {0}")]
    KeyFetch(String),
}

/// The encodings a header value can fail to decode from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal (Snyk).
    Hex,
    /// Standard base64 with padding (SendGrid, ShipEngine, ColorMe).
    Base64,
    /// ASN.1 DER (SendGrid's ECDSA signature inside the base64).
    Der,
    /// A decimal unix timestamp (SendGrid).
    UnixSeconds,
    /// An ISO 8601 / RFC 3339 date-time (ShipEngine).
    Iso8601,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
            Encoding::Der => "DER",
            Encoding::UnixSeconds => "unix seconds",
            Encoding::Iso8601 => "ISO 8601 date-time",
        })
    }
}

impl From<super::replay::Replayed> for Error {
    fn from(_: super::replay::Replayed) -> Self {
        Error::Replayed
    }
}
