//! Snyk API & Web (formerly Probely) webhooks.
//!
//! # ⚠ These requests are NOT signed
//!
//! Snyk API & Web documents **no signature, no shared secret and no signing header** for
//! its webhooks. Anyone who knows your webhook URL can send you events that parse
//! perfectly. This module therefore offers:
//!
//! - [`parse`]: **parse only, no authentication**;
//! - [`PathToken`]: the only protection the provider recommends, a *unique and
//!   hard-to-guess URL* (e.g. `https://hooks.example.com/probely/d69179e3b06549469817560c650be98f/`),
//!   checked in constant time. Use at least 128 random bits, serve it over HTTPS only,
//!   and keep it out of logs.
//!
//! Treat every event as a hint: re-fetch the scan or finding through the authenticated
//! API before acting on it.
//!
//! `Debug` of an event shows the `url` of any webhook object in its `webhooks` list as
//! `"<redacted>"`: that URL holds the path token.
//!
//! # What the signature covers
//!
//! Nothing: there is no signature, and any captured request (or any request at all,
//! from whoever knows the URL) can be replayed. A
//! [`ReplayGuard`](super::replay::ReplayGuard) over
//! [`SignedDigest::of`](super::replay::SignedDigest::of)`(body)` drops exact repeats.
//!
//! ```
//! use apikit::webhooks::snyk_api_web::{parse, Event, PathToken};
//! # fn handle(path_segment: &str, body: &[u8]) -> Result<(), apikit::webhooks::Error> {
//! let token = PathToken::new("d69179e3b06549469817560c650be98f")?;
//! token.verify(path_segment)?; // constant time; the only authentication available
//! match parse(body)? {
//!     Event::ScanCompleted(e) => println!("scan {} finished", e.content.id),
//!     Event::FindingDetected(e) => println!("new finding {}", e.content.id),
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! The timestamp field is accepted as `occurred_at` (current docs) and `ocurred_at`
//! (the 1.2.0 OpenAPI spelling), with up to 9 fractional digits and with or without an
//! offset (see [`Timestamp`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Error, Timestamp};

/// Smallest accepted path token, in bytes (128 bits of hex).
pub const MIN_TOKEN_LEN: usize = 32;

/// A secret URL path token, compared in constant time.
///
/// Both sides are hashed with SHA-256 before the comparison, so neither the content nor
/// the *length* of the secret leaks through timing. `Debug` does not show the token.
#[derive(Clone)]
pub struct PathToken {
    digest: [u8; 32],
}

impl fmt::Debug for PathToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("snyk_api_web::PathToken")
            .field("token", &"<redacted>")
            .finish()
    }
}

impl PathToken {
    /// A token check for `secret`. Fails with [`Error::InvalidKey`] when the secret is
    /// shorter than [`MIN_TOKEN_LEN`] bytes: a guessable URL is no protection.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let secret = secret.as_ref();
        if secret.len() < MIN_TOKEN_LEN {
            return Err(Error::InvalidKey("path token shorter than 32 bytes"));
        }
        Ok(PathToken {
            digest: Sha256::digest(secret).into(),
        })
    }

    /// Whether `presented` equals the secret (constant time).
    pub fn matches(&self, presented: impl AsRef<[u8]>) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_ref()).into();
        bool::from(self.digest.ct_eq(&presented))
    }

    /// [`PathToken::matches`] as a `Result`: [`Error::SignatureMismatch`] when it differs.
    pub fn verify(&self, presented: impl AsRef<[u8]>) -> Result<(), Error> {
        if self.matches(presented) {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }

    /// Accepts a request path (e.g. `/hooks/probely/<token>/`) when any of its `/`
    /// separated segments is the token. Every segment is checked, so timing does not
    /// reveal which one matched.
    pub fn verify_path(&self, path: &str) -> Result<(), Error> {
        let mut ok = subtle::Choice::from(0);
        for segment in path.split('/').take(64) {
            let digest: [u8; 32] = Sha256::digest(segment.as_bytes()).into();
            ok |= self.digest.ct_eq(&digest);
        }
        if bool::from(ok) {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }
}

/// Parses a webhook body. **Performs no authentication**: see the module docs.
///
/// Dispatches on `event_type`; an unknown type gives [`Event::Unknown`] with the raw JSON.
pub fn parse(body: &[u8]) -> Result<Event, Error> {
    let value: serde_json::Value = super::parse_json(body)?;
    let kind = value
        .get("event_type")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let v = &value;
    Ok(match kind {
        "user_created" => Event::UserCreated(super::from_value(v, "")?),
        "user_deleted" => Event::UserDeleted(super::from_value(v, "")?),
        "target_created" => Event::TargetCreated(super::from_value(v, "")?),
        "target_deleted" => Event::TargetDeleted(super::from_value(v, "")?),
        "target_verified" => Event::TargetVerified(super::from_value(v, "")?),
        "target_verification_failed" => Event::TargetVerificationFailed(super::from_value(v, "")?),
        "scan_started" => Event::ScanStarted(super::from_value(v, "")?),
        "scan_canceled" => Event::ScanCanceled(super::from_value(v, "")?),
        "scan_completed" => Event::ScanCompleted(super::from_value(v, "")?),
        "scan_failed" => Event::ScanFailed(super::from_value(v, "")?),
        "finding_detected" => Event::FindingDetected(super::from_value(v, "")?),
        "finding_fixed" => Event::FindingFixed(super::from_value(v, "")?),
        _ => Event::Unknown(value),
    })
}

/// A Snyk API & Web event, chosen by `event_type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `user_created`: a user was added to the account.
    UserCreated(UserEvent),
    /// `user_deleted`: a user was removed from the account.
    UserDeleted(UserEvent),
    /// `target_created`: a target was added.
    TargetCreated(TargetEvent),
    /// `target_deleted`: a target was deleted.
    TargetDeleted(TargetEvent),
    /// `target_verified`: target ownership was verified.
    TargetVerified(TargetEvent),
    /// `target_verification_failed`: ownership verification failed.
    TargetVerificationFailed(TargetEvent),
    /// `scan_started`.
    ScanStarted(ScanEvent),
    /// `scan_canceled` (one "l").
    ScanCanceled(ScanEvent),
    /// `scan_completed`: the scan finished successfully.
    ScanCompleted(ScanEvent),
    /// `scan_failed`: the scan finished unsuccessfully.
    ScanFailed(ScanEvent),
    /// `finding_detected`: a new finding.
    FindingDetected(FindingEvent),
    /// `finding_fixed`: a finding was fixed.
    FindingFixed(FindingEvent),
    /// Any other `event_type`, with the raw JSON.
    Unknown(serde_json::Value),
}

/// The event envelope; `content` is the user, target, scan or finding.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Notification<T> {
    /// Event id (Base58).
    pub id: String,
    /// The event type, e.g. `scan_completed`.
    pub event_type: String,
    /// `user`, `target`, `scan` or `finding`.
    #[serde(default)]
    pub object_type: Option<String>,
    /// When the event occurred; JSON `occurred_at` or the spec's misspelling `ocurred_at`.
    #[serde(rename = "occurred_at", alias = "ocurred_at")]
    pub occurred_at: Timestamp,
    /// The object the event is about.
    pub content: T,
    /// Delivery state per webhook, when included.
    #[serde(default)]
    pub webhooks: Option<Vec<serde_json::Value>>,
}

// Older payloads carry the webhook objects themselves, whose `url` holds the secret
// path token: `Debug` shows each `url` as "<redacted>". (Said here rather than in the
// struct docs, which are part of the JSON Schema.)
impl<T: fmt::Debug> fmt::Debug for Notification<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let webhooks = self.webhooks.as_ref().map(|list| {
            list.iter()
                .map(|webhook| {
                    let mut webhook = webhook.clone();
                    if let Some(url) = webhook.get_mut("url") {
                        *url = serde_json::Value::from("<redacted>");
                    }
                    webhook
                })
                .collect::<Vec<_>>()
        });
        f.debug_struct("Notification")
            .field("id", &self.id)
            .field("event_type", &self.event_type)
            .field("object_type", &self.object_type)
            .field("occurred_at", &self.occurred_at)
            .field("content", &self.content)
            .field("webhooks", &webhooks)
            .finish()
    }
}

/// `user_*` events.
pub type UserEvent = Notification<User>;
/// `target_*` events.
pub type TargetEvent = Notification<Target>;
/// `scan_*` events.
pub type ScanEvent = Notification<Scan>;
/// `finding_*` events.
pub type FindingEvent = Notification<Finding>;

/// `{id, name, email}` of the user who created or changed something.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Actor {
    /// User id.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
}

/// A user (content of `user_*` events).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct User {
    /// User id.
    #[serde(deserialize_with = "super::lenient::string")]
    pub id: String,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Job title: `ceo`, `cto`, `cso`, `seceng`, `dev`, `devop`, `manager`, `other`.
    #[serde(default)]
    pub title: Option<String>,
    /// Whether the user is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether the user is an administrator.
    #[serde(default)]
    pub is_admin: Option<bool>,
    /// Whether the user is a billing administrator.
    #[serde(default)]
    pub is_billing_admin: Option<bool>,
    /// Whether the user is an API user.
    #[serde(default)]
    pub is_apiuser: Option<bool>,
    /// Last login.
    #[serde(default)]
    pub last_login: Option<Timestamp>,
    /// Last change.
    #[serde(default)]
    pub changed: Option<Timestamp>,
    /// Who made the last change.
    #[serde(default)]
    pub changed_by: Option<Actor>,
}

/// A target (content of `target_*` events).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Target {
    /// Target id.
    #[serde(deserialize_with = "super::lenient::string")]
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// The site scanned.
    #[serde(default)]
    pub site: Option<Site>,
    /// `free`, `single` or `multi`; JSON `type`.
    #[serde(rename = "type", default)]
    pub target_type: Option<String>,
    /// `testing` or `production`.
    #[serde(default)]
    pub environment: Option<String>,
    /// `safe`, `normal`, `full`, `lightning`, ...
    #[serde(default)]
    pub scan_profile: Option<String>,
    /// `default`, `owasp` or `pci`.
    #[serde(default)]
    pub report_type: Option<String>,
    /// Whether scanning is enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Connected target.
    #[serde(default)]
    pub connected_target: Option<String>,
    /// Labels (strings in the 1.2.0 spec, objects in newer responses).
    #[serde(default)]
    pub labels: Option<Vec<serde_json::Value>>,
    /// Low-severity findings count.
    #[serde(default)]
    pub lows: Option<i64>,
    /// Medium-severity findings count.
    #[serde(default)]
    pub mediums: Option<i64>,
    /// High-severity findings count.
    #[serde(default)]
    pub highs: Option<i64>,
    /// Last change.
    #[serde(default)]
    pub changed: Option<Timestamp>,
    /// Who made the last change.
    #[serde(default)]
    pub changed_by: Option<Actor>,
}

/// The site of a target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Site {
    /// Site id.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub desc: Option<String>,
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Host.
    #[serde(default)]
    pub host: Option<String>,
    /// Whether ownership is verified.
    #[serde(default)]
    pub verified: Option<bool>,
    /// `dns`, `file`, `meta_tag`, ...
    #[serde(default)]
    pub verification_method: Option<String>,
    /// When ownership was verified.
    #[serde(default)]
    pub verification_date: Option<Timestamp>,
    /// Last verification error.
    #[serde(default)]
    pub verification_last_error: Option<String>,
    /// Technology stack.
    #[serde(default)]
    pub stack: Option<Vec<serde_json::Value>>,
}

/// The target summary embedded in scans and findings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TargetSummary {
    /// Target id.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub desc: Option<String>,
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Technology stack.
    #[serde(default)]
    pub stack: Option<Vec<serde_json::Value>>,
    /// Nested site (newer API versions).
    #[serde(default)]
    pub site: Option<Site>,
}

/// A scan (content of `scan_*` events).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Scan {
    /// Scan id.
    #[serde(deserialize_with = "super::lenient::string")]
    pub id: String,
    /// The scanned target.
    #[serde(default)]
    pub target: Option<TargetSummary>,
    /// `queued`, `started`, `under_review`, `completed`, `completed_with_errors`,
    /// `failed`, `canceled`, `canceling`, `paused`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// Scan profile.
    #[serde(default)]
    pub scan_profile: Option<String>,
    /// When it was created.
    #[serde(default)]
    pub created: Option<Timestamp>,
    /// When it started.
    #[serde(default)]
    pub started: Option<Timestamp>,
    /// When it completed.
    #[serde(default)]
    pub completed: Option<Timestamp>,
    /// Low-severity findings count.
    #[serde(default)]
    pub lows: Option<i64>,
    /// Medium-severity findings count.
    #[serde(default)]
    pub mediums: Option<i64>,
    /// High-severity findings count.
    #[serde(default)]
    pub highs: Option<i64>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<Actor>,
    /// Last change.
    #[serde(default)]
    pub changed: Option<Timestamp>,
    /// Who made the last change.
    #[serde(default)]
    pub changed_by: Option<Actor>,
}

/// What kind of vulnerability a finding is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Definition {
    /// Definition id.
    #[serde(default, deserialize_with = "super::lenient::opt_string")]
    pub id: Option<String>,
    /// Name, e.g. `SQL Injection`.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub desc: Option<String>,
}

/// A finding (content of `finding_*` events).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Finding {
    /// Finding id (a string or a number, kept as text).
    #[serde(deserialize_with = "super::lenient::string")]
    pub id: String,
    /// The target.
    #[serde(default)]
    pub target: Option<TargetSummary>,
    /// The vulnerability definition.
    #[serde(default)]
    pub definition: Option<Definition>,
    /// Affected URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Affected path.
    #[serde(default)]
    pub path: Option<String>,
    /// HTTP method.
    #[serde(default)]
    pub method: Option<String>,
    /// Vulnerable parameter.
    #[serde(default)]
    pub parameter: Option<String>,
    /// Parameters.
    #[serde(default)]
    pub params: Option<serde_json::Value>,
    /// Injected value.
    #[serde(default)]
    pub value: Option<String>,
    /// `cookie`, `header`, `parameter`, ...
    #[serde(default)]
    pub insertion_point: Option<String>,
    /// Severity: 10 low, 20 medium, 30 high (sent as a number or a numeric string).
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub severity: Option<i64>,
    /// `notfixed`, `invalid`, `accepted` or `fixed`.
    #[serde(default)]
    pub state: Option<String>,
    /// CVSS score.
    #[serde(default)]
    pub cvss_score: Option<f64>,
    /// CVSS vector.
    #[serde(default)]
    pub cvss_vector: Option<String>,
    /// Evidence.
    #[serde(default)]
    pub evidence: Option<String>,
    /// Extra information.
    #[serde(default)]
    pub extra: Option<String>,
    /// How to fix it.
    #[serde(default)]
    pub fix: Option<String>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: Option<Vec<serde_json::Value>>,
    /// Ids of the scans that found it.
    #[serde(default)]
    pub scans: Option<Vec<serde_json::Value>>,
    /// When it was last found.
    #[serde(default)]
    pub last_found: Option<Timestamp>,
    /// Assignee.
    #[serde(default)]
    pub assignee: Option<Actor>,
    /// Last change.
    #[serde(default)]
    pub changed: Option<Timestamp>,
    /// Who made the last change.
    #[serde(default)]
    pub changed_by: Option<Actor>,
}
