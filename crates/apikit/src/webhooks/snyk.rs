//! Snyk (v1 API) webhooks: `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
//!
//! ```
//! use apikit::webhooks::snyk::{Event, Verifier};
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), apikit::webhooks::Error> {
//! let verifier = Verifier::new("my-secret-string")?;
//! let delivery = verifier.verify(headers, body)?;
//! match delivery.event {
//!     Event::Ping(ping) => println!("ping from webhook {}", ping.webhook_id),
//!     Event::ProjectSnapshot(snapshot) => println!("{} new issues", snapshot.new_issues.len()),
//!     _ => {} // Unknown events (or versions) arrive as `Event::Unknown`, never as errors.
//! }
//! # Ok(()) }
//! ```
//!
//! Snyk's own Node example re-serialises the parsed body and compares with `===`; this
//! module hashes the raw bytes and compares in constant time instead.
//!
//! # What the signature covers
//!
//! The HMAC covers the **raw body only**. None of the headers is signed:
//! `X-Snyk-Event` (which picks the event type the body is parsed as),
//! `X-Snyk-Transport-ID` and `X-Snyk-Timestamp` can all be changed by whoever replays
//! a captured request. There is no signed timestamp, so a captured request stays
//! valid forever, and [`Delivery::transport_id`] is a key for dropping Snyk's own
//! duplicate deliveries, not a replay defence. Against replays, remember
//! [`Verifier::verify_signature_digest`] in a
//! [`ReplayGuard`](super::replay::ReplayGuard).

use std::fmt;

use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{Encoding, Error, Timestamp};

/// `X-Hub-Signature`: `sha256=` followed by 64 hex digits.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";
/// `X-Snyk-Event`: event name and version, e.g. `project_snapshot/v0`.
pub const EVENT_HEADER: &str = "x-snyk-event";
/// `X-Snyk-Transport-ID`: a GUID per delivery, usable to drop Snyk's duplicate
/// deliveries. Not signed, so no defence against a replay (see the module docs).
pub const TRANSPORT_ID_HEADER: &str = "x-snyk-transport-id";
/// `X-Snyk-Timestamp`: ISO 8601 time of the delivery (informational: not signed).
pub const TIMESTAMP_HEADER: &str = "x-snyk-timestamp";

/// Verifies Snyk webhook signatures. Cheap to clone; `Debug` does not show the secret.
#[derive(Clone)]
pub struct Verifier {
    // Keyed once: HMAC pads and hashes the key at construction, so each request only
    // clones the prepared state.
    mac: Hmac<Sha256>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("snyk::Verifier")
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl Verifier {
    /// A verifier for the secret you gave Snyk when creating the webhook.
    ///
    /// Fails with [`Error::InvalidKey`] for an empty secret.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(Error::InvalidKey("empty secret"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|_| Error::InvalidKey("HMAC key rejected"))?;
        Ok(Verifier { mac })
    }

    /// Verifies the signature over the raw `body`, then parses the event named by
    /// `X-Snyk-Event`.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, Error> {
        self.verify_signature(headers, body)?;
        parse_unverified(headers, body)
    }

    /// Only checks the signature; parses nothing.
    pub fn verify_signature(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Error> {
        super::verify_hmac_sha256(&self.mac, headers, SIGNATURE_HEADER, body, decode_token)
    }

    /// [`Verifier::verify_signature`], returning the digest of the signed bytes (the
    /// body: nothing else is signed) for a [`ReplayGuard`](super::replay::ReplayGuard).
    pub fn verify_signature_digest(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<super::replay::SignedDigest, Error> {
        self.verify_signature(headers, body)?;
        Ok(super::replay::SignedDigest::of(body))
    }
}

/// Decodes one `sha256=<64 hex>` token into the 32-byte tag.
fn decode_token(token: &str) -> Result<[u8; 32], Error> {
    let hex_part = match token.split_once('=') {
        Some((algo, rest)) if algo.eq_ignore_ascii_case("sha256") => rest,
        Some((algo, _)) if algo.eq_ignore_ascii_case("sha1") => {
            return Err(Error::MalformedHeader {
                header: SIGNATURE_HEADER,
                reason: "sha1 signatures are not accepted",
            });
        }
        _ => {
            return Err(Error::MalformedHeader {
                header: SIGNATURE_HEADER,
                reason: "expected `sha256=<hex>`",
            });
        }
    };
    if hex_part.len() != 64 {
        return Err(Error::MalformedHeader {
            header: SIGNATURE_HEADER,
            reason: "expected 64 hex digits",
        });
    }
    let mut tag = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut tag).map_err(|_| Error::BadEncoding {
        header: SIGNATURE_HEADER,
        encoding: Encoding::Hex,
    })?;
    Ok(tag)
}

/// Parses a delivery **without verifying it**. Use after your own verification, or in
/// tests; a handler exposed to the network should call [`Verifier::verify`].
pub fn parse_unverified(headers: &HeaderMap, body: &[u8]) -> Result<Delivery, Error> {
    let kind = super::single_header(headers, EVENT_HEADER)?;
    let (name, version) = kind
        .split_once('/')
        .filter(|(n, v)| !n.is_empty() && !v.is_empty() && !v.contains('/'))
        .ok_or(Error::MalformedHeader {
            header: EVENT_HEADER,
            reason: "expected `<name>/<version>`",
        })?;
    let event = match (name, version) {
        ("ping", "v0") => Event::Ping(super::parse_json(body)?),
        ("project_snapshot", "v0") => Event::ProjectSnapshot(Box::new(super::parse_json(body)?)),
        _ => Event::Unknown {
            name: name.to_owned(),
            version: version.to_owned(),
            payload: super::parse_json(body)?,
        },
    };
    Ok(Delivery {
        name: name.to_owned(),
        version: version.to_owned(),
        transport_id: super::optional_header(headers, TRANSPORT_ID_HEADER),
        timestamp: headers
            .get(TIMESTAMP_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(Timestamp::parse),
        event,
    })
}

/// A verified Snyk delivery: the typed event plus the delivery headers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// Event name from `X-Snyk-Event` (`ping`, `project_snapshot`, ...).
    pub name: String,
    /// Event version from `X-Snyk-Event` (`v0`, ...). Snyk bumps it only on breaking changes.
    pub version: String,
    /// `X-Snyk-Transport-ID`: unique per delivery; use it to drop Snyk's duplicates.
    /// Not covered by the signature: a replay can carry any value.
    pub transport_id: Option<String>,
    /// `X-Snyk-Timestamp`, when present and parseable. Not covered by the signature.
    pub timestamp: Option<Timestamp>,
    /// The typed payload.
    pub event: Event,
}

/// A Snyk event, chosen by name **and** version from `X-Snyk-Event`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `ping/v0`: sent when the webhook is created or pinged.
    Ping(Ping),
    /// `project_snapshot/v0`: sent after each test of an existing project.
    ProjectSnapshot(Box<ProjectSnapshot>),
    /// Any other name or version (a new event, or a breaking `v1`), with the raw JSON.
    Unknown {
        /// Event name.
        name: String,
        /// Event version.
        version: String,
        /// The payload as JSON.
        payload: serde_json::Value,
    },
}

/// `ping/v0` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ping {
    /// Id of the webhook that was pinged.
    pub webhook_id: String,
}

/// `project_snapshot/v0` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProjectSnapshot {
    /// The project that was tested.
    pub project: Project,
    /// Its organization.
    pub org: Org,
    /// Its group, when the organization belongs to one.
    #[serde(default)]
    pub group: Option<Group>,
    /// Issues found by this test and not by the previous one.
    #[serde(default)]
    pub new_issues: Vec<Issue>,
    /// Issues found by the previous test and not by this one.
    #[serde(default)]
    pub removed_issues: Vec<Issue>,
}

/// A Snyk project.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Project name, e.g. `org/repo:package.json`.
    pub name: Option<String>,
    /// Project id.
    pub id: Option<String>,
    /// Creation time (ISO 8601).
    pub created: Option<String>,
    /// Integration it was imported from (`github`, `cli`, ...).
    pub origin: Option<String>,
    /// Project type (package manager or `dockerfile`, ...), JSON `type`.
    #[serde(rename = "type")]
    pub project_type: Option<String>,
    /// Whether the project is read-only.
    pub read_only: Option<bool>,
    /// How often it is tested (`daily`, ...).
    pub test_frequency: Option<String>,
    /// Number of dependencies.
    pub total_dependencies: Option<u64>,
    /// Issue counts by severity.
    pub issue_counts_by_severity: Option<IssueCounts>,
    /// Container image id.
    pub image_id: Option<String>,
    /// Container image tag.
    pub image_tag: Option<String>,
    /// Container base image.
    pub image_base_image: Option<String>,
    /// Container image platform.
    pub image_platform: Option<String>,
    /// Kubernetes cluster of the image.
    pub image_cluster: Option<String>,
    /// Host name (CLI projects).
    pub hostname: Option<String>,
    /// Repository URL.
    pub remote_repo_url: Option<String>,
    /// Last test time (ISO 8601).
    pub last_tested_date: Option<String>,
    /// Snyk web UI URL of the project.
    pub browse_url: Option<String>,
    /// Who imported the project.
    pub importing_user: Option<User>,
    /// Whether the project is monitored.
    pub is_monitored: Option<bool>,
    /// Repository branch.
    pub branch: Option<String>,
    /// Target reference (branch or tag).
    pub target_reference: Option<String>,
    /// Project tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Business criticality, environment and lifecycle attributes.
    pub attributes: Option<Attributes>,
    /// Remediation advice.
    pub remediation: Option<Remediation>,
}

/// Issue counts by severity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct IssueCounts {
    /// Low-severity issues.
    pub low: Option<u64>,
    /// Medium-severity issues.
    pub medium: Option<u64>,
    /// High-severity issues.
    pub high: Option<u64>,
    /// Critical issues.
    pub critical: Option<u64>,
}

/// A Snyk user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct User {
    /// User id.
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// User name.
    pub username: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// A project tag.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Tag {
    /// Tag key.
    pub key: Option<String>,
    /// Tag value.
    pub value: Option<String>,
}

/// Project attributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Attributes {
    /// Business criticality (`critical`, `high`, ...).
    #[serde(default)]
    pub criticality: Vec<String>,
    /// Environment (`frontend`, `backend`, `external`, ...).
    #[serde(default)]
    pub environment: Vec<String>,
    /// Lifecycle (`production`, `development`, `sandbox`).
    #[serde(default)]
    pub lifecycle: Vec<String>,
}

/// Remediation advice; the inner shapes are not documented, so they stay JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Remediation {
    /// Upgrade paths.
    pub upgrade: Option<serde_json::Value>,
    /// Patches.
    pub patch: Option<serde_json::Value>,
    /// Pins.
    pub pin: Option<serde_json::Value>,
}

/// A Snyk organization.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Org {
    /// Organization name.
    pub name: Option<String>,
    /// Organization id.
    pub id: Option<String>,
    /// URL slug.
    pub slug: Option<String>,
    /// Snyk web UI URL.
    pub url: Option<String>,
    /// Creation time (ISO 8601).
    pub created: Option<String>,
}

/// A Snyk group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Group {
    /// Group name.
    pub name: Option<String>,
    /// Group id.
    pub id: Option<String>,
}

/// An issue in `newIssues` / `removedIssues`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// Issue id, e.g. `SNYK-JS-LODASH-567746`.
    pub id: Option<String>,
    /// `vuln` or `license`.
    pub issue_type: Option<String>,
    /// Affected package.
    pub pkg_name: Option<String>,
    /// Affected package versions in this project.
    #[serde(default)]
    pub pkg_versions: Vec<String>,
    /// Whether a patch is applied.
    pub is_patched: Option<bool>,
    /// Whether the issue is ignored.
    pub is_ignored: Option<bool>,
    /// How it can be fixed.
    pub fix_info: Option<FixInfo>,
    /// Priority score.
    pub priority: Option<Priority>,
    /// The vulnerability or license issue itself.
    pub issue_data: Option<IssueData>,
}

/// How an issue can be fixed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FixInfo {
    /// Fixable by upgrading.
    pub is_upgradable: Option<bool>,
    /// Fixable by pinning.
    pub is_pinnable: Option<bool>,
    /// Fixable by a Snyk patch.
    pub is_patchable: Option<bool>,
    /// Nearest version with a fix.
    #[serde(default)]
    pub nearest_fixed_in_version: Option<String>,
}

/// Priority score and the factors behind it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Priority {
    /// Priority score (0-1000).
    pub score: Option<f64>,
    /// Factors behind the score.
    #[serde(default)]
    pub factors: Vec<PriorityFactor>,
}

/// One priority factor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PriorityFactor {
    /// Factor name.
    pub name: Option<String>,
    /// Factor description.
    pub description: Option<String>,
}

/// The vulnerability or license issue itself.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssueData {
    /// Issue id.
    pub id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: Option<String>,
    /// Vulnerability database URL.
    pub url: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// CVE, CWE and other identifiers.
    pub identifiers: Option<Identifiers>,
    /// Who found it.
    #[serde(default)]
    pub credit: Vec<String>,
    /// Exploit maturity (`mature`, `proof-of-concept`, ...).
    pub exploit_maturity: Option<String>,
    /// Vulnerable version ranges.
    pub semver: Option<Semver>,
    /// Publication time (ISO 8601).
    pub publication_time: Option<String>,
    /// Disclosure time (ISO 8601).
    pub disclosure_time: Option<String>,
    /// CVSS v3 vector, JSON `CVSSv3`.
    #[serde(rename = "CVSSv3")]
    pub cvss_v3: Option<String>,
    /// CVSS score.
    pub cvss_score: Option<f64>,
    /// Ecosystem language.
    pub language: Option<String>,
    /// Available patches.
    #[serde(default)]
    pub patches: Vec<serde_json::Value>,
    /// Nearest version with a fix.
    pub nearest_fixed_in_version: Option<String>,
}

/// Identifiers of an issue in other databases.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Identifiers {
    /// CVE ids, JSON `CVE`.
    #[serde(rename = "CVE", default)]
    pub cve: Vec<String>,
    /// CWE ids, JSON `CWE`.
    #[serde(rename = "CWE", default)]
    pub cwe: Vec<String>,
    /// Other ids, JSON `ALTERNATIVE`.
    #[serde(rename = "ALTERNATIVE", default)]
    pub alternative: Vec<String>,
}

/// Vulnerable version ranges.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Semver {
    /// Vulnerable ranges, e.g. `<4.17.21`.
    #[serde(default)]
    pub vulnerable: Vec<String>,
}
