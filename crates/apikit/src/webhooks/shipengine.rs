//! ShipEngine webhooks: RSASSA-PKCS1-v1_5 / SHA-256 over `{timestamp}.{raw body}`,
//! with the key chosen by `x-shipengine-rsa-sha256-key-id` from ShipEngine's JWKS.
//!
//! ```
//! use apikit::webhooks::shipengine::{Event, Jwks, Verifier};
//! # fn handle(jwks_json: &[u8], headers: &http::HeaderMap, body: &[u8]) -> Result<(), apikit::webhooks::Error> {
//! // The JWKS document (https://api.shipengine.com/jwks), fetched however you like;
//! // the `jwks-fetch` feature adds a caching fetcher (`FetchingVerifier`).
//! let verifier = Verifier::new(Jwks::from_json(jwks_json)?);
//! match verifier.verify(headers, body)? {
//!     Event::Track(track) => println!("{:?}", track.data.and_then(|d| d.status_code)),
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! ShipEngine's documentation asks receivers to answer **404** when the signature
//! headers are missing and **400** when the timestamp is more than 5 minutes off
//! (both directions, for clock skew); the `axum` extractor does exactly that.
//!
//! # What the signature covers
//!
//! The RSA signature covers `{x-shipengine-timestamp}.{raw body}`. The key-id header is
//! not signed (it only chooses the key, and a wrong one makes the check fail). Inside
//! the tolerance window a captured request can be replayed as is; to refuse that,
//! remember [`Verifier::verify_signature_digest_at`] in a
//! [`ReplayGuard`](super::replay::ReplayGuard) with a `ttl` of at least twice the
//! tolerance.
//!
//! Facts marked UNCONFIRMED in the project's research notes: the signed string
//! `{timestamp}.{body}` and the JWKS URL come from independent implementations, not from
//! readable official text; the `resource_type` values other than `API_TRACK` are inferred
//! from the event names. Unrecognised `resource_type`s parse to [`Event::Unknown`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::HeaderMap;
use rsa::pkcs1v15;
use rsa::signature::DigestVerifier;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::replay::SignedDigest;
use super::{DEFAULT_TOLERANCE, Encoding, Error};

#[cfg(feature = "jwks-fetch")]
mod fetch;
#[cfg(feature = "jwks-fetch")]
pub use fetch::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_FETCH_TIMEOUT, DEFAULT_JWKS_URL, DEFAULT_MIN_REFRESH_INTERVAL,
    DEFAULT_READ_TIMEOUT, FetchingVerifier, JwksFetcher, MAX_JWKS_BYTES,
};

/// `x-shipengine-rsa-sha256-key-id`: the `kid` of the signing key in the JWKS.
pub const KEY_ID_HEADER: &str = "x-shipengine-rsa-sha256-key-id";
/// `x-shipengine-rsa-sha256-signature`: base64 RSA signature.
pub const SIGNATURE_HEADER: &str = "x-shipengine-rsa-sha256-signature";
/// `x-shipengine-timestamp`: ISO 8601 time of sending, part of the signed string.
pub const TIMESTAMP_HEADER: &str = "x-shipengine-timestamp";

/// Smallest RSA modulus accepted from a JWKS, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// ShipEngine's signing keys, by `kid`: the RSA keys of a JWKS document.
///
/// Keys that are not RSA (the live JWKS is reported to hold an EC key too), and keys
/// without a `kid` or with a `use` other than `sig`, are ignored. Cheap to clone.
#[derive(Clone, Default)]
pub struct Jwks {
    keys: Arc<HashMap<String, pkcs1v15::VerifyingKey<Sha256>>>,
}

impl fmt::Debug for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kids: Vec<&String> = self.keys.keys().collect();
        kids.sort();
        f.debug_struct("Jwks").field("kids", &kids).finish()
    }
}

#[derive(Deserialize)]
struct JwksDocument {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    key_use: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

impl Jwks {
    /// Parses a JWKS document (`{"keys":[...]}`).
    ///
    /// Fails with [`Error::InvalidKey`] if the document is not a JWKS, or if an RSA
    /// signing key in it is malformed or smaller than [`MIN_RSA_BITS`]: a broken key
    /// from the provider is surfaced, not silently skipped.
    pub fn from_json(document: &[u8]) -> Result<Self, Error> {
        let doc: JwksDocument = serde_json::from_slice(document)
            .map_err(|_| Error::InvalidKey("not a JWKS document"))?;
        let mut keys = HashMap::new();
        for jwk in doc.keys {
            if jwk.kty != "RSA" || jwk.key_use.as_deref().is_some_and(|u| u != "sig") {
                continue;
            }
            if jwk.alg.as_deref().is_some_and(|a| a != "RS256") {
                continue;
            }
            let Some(kid) = jwk.kid else { continue };
            let (Some(n), Some(e)) = (jwk.n, jwk.e) else {
                return Err(Error::InvalidKey("RSA JWK without n or e"));
            };
            let n = URL_SAFE_NO_PAD
                .decode(n.trim_end_matches('='))
                .map_err(|_| Error::InvalidKey("JWK n is not base64url"))?;
            let e = URL_SAFE_NO_PAD
                .decode(e.trim_end_matches('='))
                .map_err(|_| Error::InvalidKey("JWK e is not base64url"))?;
            let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
                .map_err(|_| Error::InvalidKey("JWK is not a valid RSA public key"))?;
            Self::check_size(&key)?;
            keys.insert(kid, pkcs1v15::VerifyingKey::new(key));
        }
        Ok(Jwks {
            keys: Arc::new(keys),
        })
    }

    /// A key set with a single RSA public key under `kid` (for tests and pinned keys).
    pub fn from_rsa_key(kid: impl Into<String>, key: RsaPublicKey) -> Result<Self, Error> {
        Self::check_size(&key)?;
        let mut keys = HashMap::new();
        keys.insert(kid.into(), pkcs1v15::VerifyingKey::new(key));
        Ok(Jwks {
            keys: Arc::new(keys),
        })
    }

    fn check_size(key: &RsaPublicKey) -> Result<(), Error> {
        // The modulus's bit length, not its byte length × 8: a 2047-bit modulus fills
        // 256 bytes too.
        if key.n().bits() < MIN_RSA_BITS {
            return Err(Error::InvalidKey("RSA key smaller than 2048 bits"));
        }
        Ok(())
    }

    /// The key ids in the set.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Whether the set has a key with this id.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no usable key was found.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn get(&self, kid: &str) -> Option<&pkcs1v15::VerifyingKey<Sha256>> {
        self.keys.get(kid)
    }
}

/// The three signature headers, checked for presence and the timestamp window; the
/// first step of verification, shared by [`Verifier`] and `FetchingVerifier`.
#[derive(Debug)]
pub(crate) struct SignedHeaders<'h> {
    pub(crate) kid: &'h str,
    timestamp: &'h str,
    signatures: Vec<&'h str>,
}

impl<'h> SignedHeaders<'h> {
    pub(crate) fn read(
        headers: &'h HeaderMap,
        now: SystemTime,
        tolerance: Duration,
    ) -> Result<Self, Error> {
        // Presence of all three first: ShipEngine asks for 404 on any missing one.
        let kid = super::single_header(headers, KEY_ID_HEADER)?;
        let timestamp = super::single_header(headers, TIMESTAMP_HEADER)?;
        let signatures = super::signature_tokens(headers, SIGNATURE_HEADER)?;
        let seconds = super::Timestamp::parse(timestamp)
            .ok_or(Error::BadEncoding {
                header: TIMESTAMP_HEADER,
                encoding: Encoding::Iso8601,
            })?
            .0
            .timestamp();
        // The cheap clock check runs before the RSA operation.
        super::check_timestamp(seconds, now, tolerance)?;
        Ok(SignedHeaders {
            kid,
            timestamp,
            signatures,
        })
    }

    pub(crate) fn unknown_kid(&self) -> Error {
        Error::UnknownKeyId {
            kid: self.kid.chars().take(64).collect(),
        }
    }

    /// Checks the signatures; on success returns the hasher fed with exactly the
    /// signed bytes (`{timestamp}.{body}`).
    pub(crate) fn verify_with(&self, jwks: &Jwks, body: &[u8]) -> Result<Sha256, Error> {
        let key = jwks.get(self.kid).ok_or_else(|| self.unknown_kid())?;
        let mut signatures = Vec::with_capacity(self.signatures.len());
        let mut first_error = None;
        let mut any_decoded = false;
        for token in &self.signatures {
            // RSA-4096 signatures are 512 bytes (684 base64 characters).
            if token.len() > 1024 {
                first_error.get_or_insert(Error::MalformedHeader {
                    header: SIGNATURE_HEADER,
                    reason: "too long for an RSA signature",
                });
                continue;
            }
            let Ok(raw) = STANDARD.decode(token) else {
                first_error.get_or_insert(Error::BadEncoding {
                    header: SIGNATURE_HEADER,
                    encoding: Encoding::Base64,
                });
                continue;
            };
            any_decoded = true;
            if let Ok(signature) = pkcs1v15::Signature::try_from(raw.as_slice()) {
                signatures.push(signature);
            }
        }
        if !signatures.is_empty() {
            // Hashed once, however many signatures the header lists.
            let digest = super::hash_signed_bytes(&[self.timestamp.as_bytes(), b".", body]);
            for signature in &signatures {
                if key.verify_digest(digest.clone(), signature).is_ok() {
                    return Ok(digest);
                }
            }
        }
        Err(match (any_decoded, first_error) {
            (false, Some(e)) => e,
            _ => Error::SignatureMismatch,
        })
    }
}

/// Verifies ShipEngine webhooks against a JWKS you supply (works offline and in tests).
/// Cheap to clone; holds only public keys.
#[derive(Clone, Debug)]
pub struct Verifier {
    jwks: Jwks,
    tolerance: Duration,
}

impl Verifier {
    /// A verifier over this key set, with the default 5-minute tolerance.
    pub fn new(jwks: Jwks) -> Self {
        Verifier {
            jwks,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Sets the accepted distance between `x-shipengine-timestamp` and now, both directions.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The key set in use.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// Verifies against the system clock, then parses the event.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, Error> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies as if the current time were `now`, then parses the event.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, Error> {
        self.verify_signature_at(headers, body, now)?;
        parse_unverified(body)
    }

    /// Checks headers, timestamp window and signature; parses nothing.
    pub fn verify_signature_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), Error> {
        self.verify_signature_digest_at(headers, body, now)
            .map(drop)
    }

    /// [`Verifier::verify_signature_at`], returning the digest of the signed bytes
    /// (`{timestamp}.{body}`) for a [`ReplayGuard`](super::replay::ReplayGuard).
    pub fn verify_signature_digest_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<SignedDigest, Error> {
        SignedHeaders::read(headers, now, self.tolerance)?
            .verify_with(&self.jwks, body)
            .map(SignedDigest::from_hasher)
    }
}

/// Parses a payload **without verifying it**, dispatching on `resource_type`.
pub fn parse_unverified(body: &[u8]) -> Result<Event, Error> {
    let value: serde_json::Value = super::parse_json(body)?;
    let kind = value
        .get("resource_type")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    Ok(match kind {
        "API_TRACK" => Event::Track(Box::new(super::from_value(&value, "")?)),
        "API_BATCH" => Event::Batch(super::from_value(&value, "")?),
        "API_CARRIER_CONNECTED" => Event::CarrierConnected(super::from_value(&value, "")?),
        "API_ORDER_SOURCE_REFRESH_COMPLETE" => {
            Event::OrderSourceRefreshComplete(super::from_value(&value, "")?)
        }
        "API_RATE" => Event::Rate(super::from_value(&value, "")?),
        "API_REPORT_COMPLETE" => Event::ReportComplete(super::from_value(&value, "")?),
        "API_SALES_ORDERS_IMPORTED" => Event::SalesOrdersImported(super::from_value(&value, "")?),
        _ => Event::Unknown(value),
    })
}

/// A ShipEngine event, chosen by the payload's `resource_type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `track` (`API_TRACK`): a tracking update, with the tracking data and events.
    Track(Box<Track>),
    /// `batch` (`API_BATCH`): a batch finished processing.
    Batch(Resource),
    /// `carrier_connected` (`API_CARRIER_CONNECTED`).
    CarrierConnected(Resource),
    /// `order_source_refresh_complete` (`API_ORDER_SOURCE_REFRESH_COMPLETE`).
    OrderSourceRefreshComplete(Resource),
    /// `rate` (`API_RATE`).
    Rate(Resource),
    /// `report_complete` (`API_REPORT_COMPLETE`).
    ReportComplete(Resource),
    /// `sales_orders_imported` (`API_SALES_ORDERS_IMPORTED`).
    SalesOrdersImported(Resource),
    /// Any other `resource_type`, with the raw JSON.
    Unknown(serde_json::Value),
}

/// The payload of events that point at a resource to fetch with the API.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Resource {
    /// API URL of the resource (GET it with your API key).
    pub resource_url: String,
    /// Resource type, e.g. `API_BATCH`.
    pub resource_type: String,
    /// Extra data, when the event carries any (its shape is not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// `track` payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Track {
    /// API URL of the tracking resource.
    pub resource_url: String,
    /// `API_TRACK`.
    pub resource_type: String,
    /// The tracking information.
    #[serde(default)]
    pub data: Option<TrackData>,
}

/// Tracking information of a `track` event. Every field is optional: older payloads
/// use `shipped_date` and `links` instead of `ship_date`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TrackData {
    /// Tracking number.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// Normalised status code (`AC`, `IT`, `DE`, `EX`, `UN`, `AT`, `NY`, ...).
    #[serde(default)]
    pub status_code: Option<String>,
    /// Normalised status description.
    #[serde(default)]
    pub status_description: Option<String>,
    /// The carrier's own status code.
    #[serde(default)]
    pub carrier_status_code: Option<String>,
    /// The carrier's own status description.
    #[serde(default)]
    pub carrier_status_description: Option<String>,
    /// Ship date.
    #[serde(default)]
    pub ship_date: Option<String>,
    /// Ship date (older payloads).
    #[serde(default)]
    pub shipped_date: Option<String>,
    /// Estimated delivery date.
    #[serde(default)]
    pub estimated_delivery_date: Option<String>,
    /// Actual delivery date.
    #[serde(default)]
    pub actual_delivery_date: Option<String>,
    /// Exception description, when the status is an exception.
    #[serde(default)]
    pub exception_description: Option<String>,
    /// Related links (older payloads).
    #[serde(default)]
    pub links: Option<serde_json::Value>,
    /// Tracking events, newest first.
    #[serde(default)]
    pub events: Vec<TrackEvent>,
}

/// One tracking event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TrackEvent {
    /// When it happened (UTC).
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// When it happened, in the carrier's local time.
    #[serde(default)]
    pub carrier_occurred_at: Option<String>,
    /// When it happened (older payloads).
    #[serde(default)]
    pub event_date: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// City.
    #[serde(default)]
    pub city_locality: Option<String>,
    /// State or province.
    #[serde(default)]
    pub state_province: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Two-letter country code.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Company name.
    #[serde(default)]
    pub company_name: Option<String>,
    /// Who signed for the package.
    #[serde(default)]
    pub signer: Option<String>,
    /// Carrier event code.
    #[serde(default)]
    pub event_code: Option<String>,
    /// Normalised status code of this event.
    #[serde(default)]
    pub status_code: Option<String>,
    /// The carrier's status code of this event.
    #[serde(default)]
    pub carrier_status_code: Option<String>,
    /// Latitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default)]
    pub longitude: Option<f64>,
}

#[cfg(all(test, feature = "test-util"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::webhooks::test_util::ShipEngineSigner;

    #[test]
    fn signed_bytes_are_hashed_once_whatever_the_number_of_signatures() {
        let signer = ShipEngineSigner::from_pem(
            "k",
            include_str!("../../tests/fixtures/shipengine_test_key.pem"),
        )
        .unwrap();
        let other = ShipEngineSigner::from_pem(
            "k",
            include_str!("../../tests/fixtures/shipengine_other_key.pem"),
        )
        .unwrap();
        let body = br#"{"resource_url":"u","resource_type":"API_BATCH"}"#;
        let ts = "2024-04-04T15:48:44Z";
        let wrong = other.signature(ts, body);
        let list = format!(
            "{}{}",
            format!("{wrong} ").repeat(7),
            signer.signature(ts, body)
        );
        let mut headers = signer.headers(ts, body);
        headers.insert(SIGNATURE_HEADER, list.parse().unwrap());
        let now = UNIX_EPOCH + Duration::from_secs(1_712_245_724);
        let verifier = Verifier::new(signer.jwks().unwrap());

        let before = super::super::SIGNED_HASHES.with(|n| n.get());
        verifier.verify_signature_at(&headers, body, now).unwrap();
        let after = super::super::SIGNED_HASHES.with(|n| n.get());
        assert_eq!(after - before, 1);
    }
}
