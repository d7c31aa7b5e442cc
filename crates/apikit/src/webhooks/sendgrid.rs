//! SendGrid Signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp header bytes
//! followed directly by the raw body.
//!
//! ```
//! use apikit::webhooks::sendgrid::{Event, Verifier};
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), apikit::webhooks::Error> {
//! // The "Verification Key" from SendGrid's settings page (base64 DER), or a PEM.
//! let verifier = Verifier::new("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==")?;
//! for event in verifier.verify(headers, body)? {
//!     match event {
//!         Event::Delivered(e) => println!("delivered to {}", e.common.email),
//!         Event::Bounce(e) => println!("bounce ({:?}): {:?}", e.bounce_type, e.reason),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! The body is a JSON array: one request carries a batch of events.
//!
//! # What the signature covers
//!
//! The ECDSA signature covers the exact bytes of the timestamp header followed by the
//! raw body; no other header is signed. SendGrid documents no replay window; this
//! module applies [`DEFAULT_TOLERANCE`] (5 minutes, both
//! directions) to the signed timestamp, configurable with [`Verifier::with_tolerance`].
//! Inside that window a captured request can be replayed as is. ECDSA also accepts the
//! "high-S twin" `(r, n - s)` of every signature, so a replay need not even repeat the
//! signature bytes. To refuse replays inside the window, remember
//! [`Verifier::verify_signature_digest_at`] in a
//! [`ReplayGuard`](super::replay::ReplayGuard) with a `ttl` of at least twice the
//! tolerance.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use p256::ecdsa::signature::DigestVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::replay::SignedDigest;
use super::{DEFAULT_TOLERANCE, Encoding, Error};

/// `X-Twilio-Email-Event-Webhook-Signature`: base64 of a DER ECDSA signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
/// `X-Twilio-Email-Event-Webhook-Timestamp`: unix seconds, signed as sent.
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";

/// Verifies SendGrid's signed event webhook. Holds only a public key; `Debug` prints
/// no key material anyway, for uniformity with the secret-holding verifiers.
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("sendgrid::Verifier")
            .field("key", &"<P-256 public key>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier from SendGrid's public key, either as SendGrid shows it (base64 of
    /// DER SubjectPublicKeyInfo, no armour) or as a PEM `PUBLIC KEY` block.
    pub fn new(public_key: &str) -> Result<Self, Error> {
        let trimmed = public_key.trim();
        if trimmed.starts_with("-----BEGIN") {
            Self::from_pem(trimmed)
        } else {
            Self::from_base64_der(trimmed)
        }
    }

    /// A verifier from base64 DER SubjectPublicKeyInfo (SendGrid's "Verification Key").
    pub fn from_base64_der(public_key: &str) -> Result<Self, Error> {
        let der = STANDARD
            .decode(public_key.trim())
            .map_err(|_| Error::InvalidKey("public key is not base64"))?;
        Self::from_der(&der)
    }

    /// A verifier from DER SubjectPublicKeyInfo bytes.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let key = VerifyingKey::from_public_key_der(der)
            .map_err(|_| Error::InvalidKey("not a P-256 SubjectPublicKeyInfo"))?;
        Ok(Verifier {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// A verifier from a PEM `-----BEGIN PUBLIC KEY-----` block.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let key = VerifyingKey::from_public_key_pem(pem.trim())
            .map_err(|_| Error::InvalidKey("not a P-256 public key PEM"))?;
        Ok(Verifier {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Sets the accepted distance between the signed timestamp and now, both directions.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies against the system clock, then parses the batch of events.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>, Error> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies as if the current time were `now`, then parses the batch of events.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Vec<Event>, Error> {
        self.verify_signature_at(headers, body, now)?;
        parse_unverified(body)
    }

    /// Checks the timestamp window and the signature; parses nothing.
    pub fn verify_signature_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), Error> {
        self.check(headers, body, now).map(drop)
    }

    /// [`Verifier::verify_signature_at`], returning the digest of the signed bytes
    /// (timestamp header ++ body) for a [`ReplayGuard`](super::replay::ReplayGuard).
    pub fn verify_signature_digest_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<SignedDigest, Error> {
        self.check(headers, body, now)
            .map(SignedDigest::from_hasher)
    }

    /// Verifies; on success returns the hasher fed with exactly the signed bytes.
    fn check(&self, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Result<Sha256, Error> {
        let timestamp = super::single_header(headers, TIMESTAMP_HEADER)?;
        let tokens = super::signature_tokens(headers, SIGNATURE_HEADER)?;
        let seconds = parse_unix_seconds(timestamp)?;
        super::check_timestamp(seconds, now, self.tolerance)?;

        let mut signatures = Vec::with_capacity(tokens.len());
        let mut first_error = None;
        for token in tokens {
            match decode_signature(token) {
                Ok(s) => signatures.push(s),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if signatures.is_empty() {
            return Err(first_error.unwrap_or(Error::SignatureMismatch));
        }
        // The signed message is the timestamp header's exact bytes, then the body:
        // hashed incrementally (the body is never copied) and once, however many
        // signatures the header lists.
        let digest = super::hash_signed_bytes(&[timestamp.as_bytes(), body]);
        for signature in &signatures {
            if self.key.verify_digest(digest.clone(), signature).is_ok() {
                return Ok(digest);
            }
        }
        Err(Error::SignatureMismatch)
    }
}

fn parse_unix_seconds(text: &str) -> Result<i64, Error> {
    // Digits only (no sign, no spaces): these exact bytes are signed, so accept only
    // the form SendGrid sends.
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::BadEncoding {
            header: TIMESTAMP_HEADER,
            encoding: Encoding::UnixSeconds,
        });
    }
    text.parse().map_err(|_| Error::BadEncoding {
        header: TIMESTAMP_HEADER,
        encoding: Encoding::UnixSeconds,
    })
}

fn decode_signature(token: &str) -> Result<Signature, Error> {
    // A DER P-256 signature is at most 72 bytes (96 base64 characters): refuse to
    // decode anything much longer.
    if token.len() > 128 {
        return Err(Error::MalformedHeader {
            header: SIGNATURE_HEADER,
            reason: "too long for a P-256 signature",
        });
    }
    let der = STANDARD.decode(token).map_err(|_| Error::BadEncoding {
        header: SIGNATURE_HEADER,
        encoding: Encoding::Base64,
    })?;
    Signature::from_der(&der).map_err(|_| Error::BadEncoding {
        header: SIGNATURE_HEADER,
        encoding: Encoding::Der,
    })
}

/// Parses a batch **without verifying it**. Use after your own verification, or in tests.
///
/// Each element is dispatched on its `event` field (case-insensitively: SendGrid's own
/// docs show `"Processed"`); an unknown or missing `event` gives [`Event::Unknown`].
pub fn parse_unverified(body: &[u8]) -> Result<Vec<Event>, Error> {
    let items: Vec<serde_json::Value> = super::parse_json(body)?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| Event::from_json(item, i))
        .collect()
}

/// One SendGrid event. The body of a request is a JSON array of these.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `processed`: the message was received and is ready to be delivered.
    Processed(Processed),
    /// `dropped`: the message will not be delivered.
    Dropped(Dropped),
    /// `delivered`: the receiving server accepted the message.
    Delivered(Delivered),
    /// `deferred`: the receiving server temporarily rejected the message.
    Deferred(Deferred),
    /// `bounce`: the receiving server permanently rejected (`type: bounce`) or blocked
    /// (`type: blocked`) the message.
    Bounce(Bounce),
    /// `open`: the recipient opened the message.
    Open(Open),
    /// `click`: the recipient clicked a link.
    Click(Click),
    /// `spamreport`: the recipient marked the message as spam.
    SpamReport(SpamReport),
    /// `unsubscribe`: the recipient unsubscribed from all mail.
    Unsubscribe(Unsubscribe),
    /// `group_unsubscribe`: the recipient unsubscribed from a suppression group.
    GroupUnsubscribe(GroupUnsubscribe),
    /// `group_resubscribe`: the recipient resubscribed to a suppression group.
    GroupResubscribe(GroupResubscribe),
    /// Any other `event` value, with the raw JSON object.
    Unknown(serde_json::Value),
}

impl Event {
    fn from_json(item: serde_json::Value, index: usize) -> Result<Event, Error> {
        let kind = item
            .get("event")
            .and_then(|e| e.as_str())
            .map(str::to_ascii_lowercase);
        let prefix = format!("[{index}]");
        let p = prefix.as_str();
        Ok(match kind.as_deref() {
            Some("processed") => Event::Processed(parse_event(&item, p)?),
            Some("dropped") => Event::Dropped(parse_event(&item, p)?),
            Some("delivered") => Event::Delivered(parse_event(&item, p)?),
            Some("deferred") => Event::Deferred(parse_event(&item, p)?),
            Some("bounce") => Event::Bounce(parse_event(&item, p)?),
            Some("open") => Event::Open(parse_event(&item, p)?),
            Some("click") => Event::Click(parse_event(&item, p)?),
            Some("spamreport") => Event::SpamReport(parse_event(&item, p)?),
            Some("unsubscribe") => Event::Unsubscribe(parse_event(&item, p)?),
            Some("group_unsubscribe") => Event::GroupUnsubscribe(parse_event(&item, p)?),
            Some("group_resubscribe") => Event::GroupResubscribe(parse_event(&item, p)?),
            _ => Event::Unknown(item),
        })
    }

    /// The fields every known event has; `None` for [`Event::Unknown`].
    pub fn common(&self) -> Option<&Common> {
        Some(match self {
            Event::Processed(e) => &e.common,
            Event::Dropped(e) => &e.common,
            Event::Delivered(e) => &e.common,
            Event::Deferred(e) => &e.common,
            Event::Bounce(e) => &e.common,
            Event::Open(e) => &e.common,
            Event::Click(e) => &e.common,
            Event::SpamReport(e) => &e.common,
            Event::Unsubscribe(e) => &e.common,
            Event::GroupUnsubscribe(e) => &e.common,
            Event::GroupResubscribe(e) => &e.common,
            Event::Unknown(_) => return None,
        })
    }
}

/// Parses one event. `Common` is `#[serde(flatten)]`ed into each event type, and serde
/// buffers flattened fields, which hides their path from `serde_path_to_error`; so on
/// failure the common fields are parsed alone once more to report the precise path.
fn parse_event<T: serde::de::DeserializeOwned>(
    item: &serde_json::Value,
    prefix: &str,
) -> Result<T, Error> {
    super::from_value::<T>(item, prefix).map_err(|error| {
        match super::from_value::<Common>(item, prefix) {
            Err(precise) => precise,
            Ok(_) => error,
        }
    })
}

/// Fields present on every event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Common {
    /// Recipient address.
    pub email: String,
    /// When the event happened, unix seconds (a numeric string is accepted too).
    #[serde(deserialize_with = "super::lenient::i64")]
    pub timestamp: i64,
    /// The event name as sent (`processed`, `bounce`, ...).
    pub event: String,
    /// SMTP `Message-ID` of the message; `""` for Marketing Campaigns.
    #[serde(rename = "smtp-id", default)]
    pub smtp_id: Option<String>,
    /// Unique id of this event (use it to drop duplicates).
    #[serde(default)]
    pub sg_event_id: Option<String>,
    /// SendGrid's id of the message; missing on some asynchronous bounces.
    #[serde(default)]
    pub sg_message_id: Option<String>,
    /// Categories the message was sent with.
    #[serde(default)]
    pub category: Option<Category>,
    /// Marketing Campaigns id.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub marketing_campaign_id: Option<String>,
    /// Marketing Campaigns name.
    #[serde(default)]
    pub marketing_campaign_name: Option<String>,
    /// Marketing Campaigns version (A/B tests).
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub marketing_campaign_version: Option<String>,
    /// Marketing Campaigns split id (A/B tests).
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub marketing_campaign_split_id: Option<String>,
    /// Legacy Marketing Campaigns post type.
    #[serde(default)]
    pub post_type: Option<String>,
    /// SendGrid user id (subusers).
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub sg_user_id: Option<i64>,
    /// Whether TLS was used (`1`/`0`).
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub tls: Option<i64>,
    /// Legacy newsletter object.
    #[serde(default)]
    pub newsletter: Option<serde_json::Value>,
}

/// `category`: a single string or a list of strings, depending on how the message was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Category {
    /// One category.
    One(String),
    /// Several categories.
    Many(Vec<String>),
}

impl Category {
    /// The categories as a list.
    pub fn as_vec(&self) -> Vec<&str> {
        match self {
            Category::One(c) => vec![c.as_str()],
            Category::Many(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

/// Custom args (`unique_args` / `custom_args`) that SendGrid merges into the event as
/// top-level keys: every key the event type does not define. Reserved keys win over
/// custom args on SendGrid's side, so they never show up here.
pub type CustomArgs = BTreeMap<String, serde_json::Value>;

/// IP pool used to send a message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Pool {
    /// Pool name.
    #[serde(default)]
    pub name: Option<String>,
    /// Pool id.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub id: Option<i64>,
}

/// Which link of a message was clicked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UrlOffset {
    /// Position of the link in the message.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub index: Option<i64>,
    /// `html` or `text`.
    #[serde(rename = "type", default)]
    pub part: Option<String>,
}

/// `processed` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Processed {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// IP pool the message is sent from.
    #[serde(default)]
    pub pool: Option<Pool>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `dropped` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Dropped {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// Why it was dropped, e.g. `Bounced Address`.
    #[serde(default)]
    pub reason: Option<String>,
    /// SMTP status code.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub status: Option<String>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `delivered` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Delivered {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The receiving server's full response.
    #[serde(default)]
    pub response: Option<String>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `deferred` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Deferred {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The receiving server's full response.
    #[serde(default)]
    pub response: Option<String>,
    /// Delivery attempt number; SendGrid sends it as a string (`"5"`).
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub attempt: Option<String>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `bounce` event (`type` is `bounce` or `blocked`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Bounce {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// `bounce` (permanent) or `blocked` (temporary), JSON `type`.
    #[serde(rename = "type", default)]
    pub bounce_type: Option<String>,
    /// The receiving server's reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// SMTP status code, e.g. `5.0.0`.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub status: Option<String>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `open` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Open {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The recipient's user agent.
    #[serde(default)]
    pub useragent: Option<String>,
    /// The recipient's IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// Whether the open was by Apple Mail Privacy Protection.
    #[serde(default)]
    pub sg_machine_open: Option<bool>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `click` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Click {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The recipient's user agent.
    #[serde(default)]
    pub useragent: Option<String>,
    /// The recipient's IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// The clicked URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Which link was clicked.
    #[serde(default)]
    pub url_offset: Option<UrlOffset>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `spamreport` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SpamReport {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `unsubscribe` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Unsubscribe {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `group_unsubscribe` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GroupUnsubscribe {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The recipient's user agent.
    #[serde(default)]
    pub useragent: Option<String>,
    /// The recipient's IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// The unsubscribe page URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Suppression group id.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub asm_group_id: Option<i64>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

/// `group_resubscribe` event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GroupResubscribe {
    /// Fields every event has.
    #[serde(flatten)]
    pub common: Common,
    /// The recipient's user agent.
    #[serde(default)]
    pub useragent: Option<String>,
    /// The recipient's IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// The resubscribe page URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Suppression group id.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub asm_group_id: Option<i64>,
    /// Custom args and any field this type does not name.
    #[serde(flatten)]
    pub custom_args: CustomArgs,
}

#[cfg(all(test, feature = "test-util"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::webhooks::test_util::SendGridSigner;

    #[test]
    fn signed_bytes_are_hashed_once_whatever_the_number_of_signatures() {
        let signer = SendGridSigner::from_seed([7; 32]).unwrap();
        let other = SendGridSigner::from_seed([8; 32]).unwrap();
        let body = br#"[{"email":"a@b.c","timestamp":1,"event":"open"}]"#;
        let ts = "1712245724";
        // Seven valid-looking signatures by another key, then the right one, last.
        let wrong = other.signature(ts, body);
        let list = format!(
            "{}{}",
            format!("{wrong}, ").repeat(7),
            signer.signature(ts, body)
        );
        let mut headers = signer.headers(1_712_245_724, body);
        headers.insert(SIGNATURE_HEADER, list.parse().unwrap());
        let now = UNIX_EPOCH + Duration::from_secs(1_712_245_724);
        let verifier = signer.verifier().unwrap();

        let before = super::super::SIGNED_HASHES.with(|n| n.get());
        verifier.verify_signature_at(&headers, body, now).unwrap();
        let after = super::super::SIGNED_HASHES.with(|n| n.get());
        assert_eq!(after - before, 1);
    }
}
