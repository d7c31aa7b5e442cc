//! ColorMe Shop App Store (shop-pro.jp) webhooks:
//! `X-Appstore-Signature: base64(HMAC-SHA256(webhook_secret, raw body))`.
//!
//! ```
//! use apikit::webhooks::colorme::{Event, InstallResponse, Verifier};
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<String, apikit::webhooks::Error> {
//! let verifier = Verifier::new("my_webhook_secret")?;
//! match verifier.verify(headers, body)? {
//!     Event::Install(install) => {
//!         // ColorMe aborts the installation unless you answer 200 with this body.
//!         let url = format!("https://app.example.com/welcome/{}", install.account_id);
//!         return Ok(InstallResponse::new(url).to_json());
//!     }
//!     Event::Uninstall(uninstall) => println!("{} left", uninstall.account_id),
//!     _ => {}
//! }
//! # Ok(String::new()) }
//! ```
//!
//! # What the signature covers
//!
//! The HMAC covers the **raw body only**, and ColorMe sends no timestamp: there is no
//! replay window, and a captured request stays valid forever. Against replays,
//! remember [`Verifier::verify_signature_digest`] in a
//! [`ReplayGuard`](super::replay::ReplayGuard).
//!
//! The `api_token` of an uninstall's [`UsageCharge`] is a credential: its `Debug`
//! shows `"<redacted>"`.
//!
//! Install and uninstall go to
//! two different URLs you register; [`Verifier::verify`] tells them apart by shape
//! (`uninstalled_at` marks an uninstall), and [`Verifier::verify_install`] /
//! [`Verifier::verify_uninstall`] parse as one type for endpoint-specific handlers.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{Encoding, Error};

/// `X-Appstore-Signature`: standard base64 (with padding) of the HMAC-SHA256 tag.
pub const SIGNATURE_HEADER: &str = "x-appstore-signature";

/// Verifies ColorMe App Store webhooks. Cheap to clone; `Debug` does not show the secret.
#[derive(Clone)]
pub struct Verifier {
    mac: Hmac<Sha256>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("colorme::Verifier")
            .field("webhook_secret", &"<redacted>")
            .finish()
    }
}

impl Verifier {
    /// A verifier for the `webhook_secret` ColorMe issued to your app.
    ///
    /// Fails with [`Error::InvalidKey`] for an empty secret.
    pub fn new(webhook_secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let secret = webhook_secret.as_ref();
        if secret.is_empty() {
            return Err(Error::InvalidKey("empty secret"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|_| Error::InvalidKey("HMAC key rejected"))?;
        Ok(Verifier { mac })
    }

    /// Verifies the signature, then parses an install or uninstall event by its shape.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, Error> {
        self.verify_signature(headers, body)?;
        parse_unverified(body)
    }

    /// Verifies the signature, then parses the body as an install hook.
    pub fn verify_install(&self, headers: &HeaderMap, body: &[u8]) -> Result<Install, Error> {
        self.verify_as(headers, body)
    }

    /// Verifies the signature, then parses the body as an uninstall hook.
    pub fn verify_uninstall(&self, headers: &HeaderMap, body: &[u8]) -> Result<Uninstall, Error> {
        self.verify_as(headers, body)
    }

    fn verify_as<T: DeserializeOwned>(&self, headers: &HeaderMap, body: &[u8]) -> Result<T, Error> {
        self.verify_signature(headers, body)?;
        super::parse_json(body)
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

fn decode_token(token: &str) -> Result<[u8; 32], Error> {
    // 32 bytes are exactly 44 base64 characters with padding.
    if token.len() != 44 {
        return Err(Error::MalformedHeader {
            header: SIGNATURE_HEADER,
            reason: "expected 44 base64 characters",
        });
    }
    let mut tag = [0u8; 32];
    match STANDARD.decode_slice(token, &mut tag) {
        Ok(32) => Ok(tag),
        _ => Err(Error::BadEncoding {
            header: SIGNATURE_HEADER,
            encoding: Encoding::Base64,
        }),
    }
}

/// Parses a payload **without verifying it**: an object with `uninstalled_at` is an
/// uninstall, one with `account_id` an install, anything else [`Event::Unknown`].
pub fn parse_unverified(body: &[u8]) -> Result<Event, Error> {
    let value: serde_json::Value = super::parse_json(body)?;
    Ok(if value.get("uninstalled_at").is_some() {
        Event::Uninstall(super::from_value(&value, "")?)
    } else if value.get("account_id").is_some() {
        Event::Install(super::from_value(&value, "")?)
    } else {
        Event::Unknown(value)
    })
}

/// A ColorMe App Store hook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A shop installed the app. Answer 200 with an [`InstallResponse`].
    Install(Install),
    /// A shop uninstalled the app.
    Uninstall(Uninstall),
    /// Anything else, with the raw JSON.
    Unknown(serde_json::Value),
}

/// Install hook payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Install {
    /// The shop's account id (`PA` and 8 digits).
    pub account_id: String,
    /// Id of the charge source (the app's plan).
    #[serde(default)]
    pub application_charge_source_id: Option<String>,
    /// Id of the monthly charge (monthly plans only).
    #[serde(default)]
    pub recurring_application_charge_id: Option<String>,
    /// Id of the one-time charge (one-time purchases only).
    #[serde(default)]
    pub application_charge_id: Option<String>,
    /// Trial period, when the plan has one.
    #[serde(default)]
    pub trial_term: Option<TrialTerm>,
    /// The shop's email address.
    #[serde(default)]
    pub mail: Option<String>,
}

/// A trial period (unix seconds).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TrialTerm {
    /// Start, unix seconds.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub starts_at: Option<i64>,
    /// End, unix seconds.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub ends_at: Option<i64>,
}

/// Uninstall hook payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Uninstall {
    /// The shop's account id.
    pub account_id: String,
    /// Id of the charge source (the app's plan).
    #[serde(default)]
    pub application_charge_source_id: Option<String>,
    /// When the app was uninstalled, unix seconds.
    #[serde(default, deserialize_with = "super::lenient::opt_i64")]
    pub uninstalled_at: Option<i64>,
    /// Why: `by_shop_owner` or `by_unpaid`.
    #[serde(default)]
    pub reason: Option<UninstallReason>,
    /// Id of the monthly charge (monthly plans).
    #[serde(default)]
    pub recurring_application_charge_id: Option<String>,
    /// Usage-based plans: the token for charges after the uninstall.
    #[serde(default)]
    pub usage_charge: Option<UsageCharge>,
}

/// Why an app was uninstalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UninstallReason {
    /// The shop owner uninstalled it.
    ByShopOwner,
    /// It was uninstalled because the shop did not pay.
    ByUnpaid,
    /// A reason this crate does not know yet.
    #[serde(untagged)]
    Other(String),
}

/// Usage-charge details sent on uninstall for usage-based plans.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UsageCharge {
    /// Send as `X-Appstore-Usage-Charge-Token` to charge usage after the uninstall.
    #[serde(default)]
    pub api_token: Option<String>,
    /// Closing date of the usage period.
    #[serde(default)]
    pub closing_on: Option<String>,
}

// `api_token` is a credential (it authorises charges): `Debug` shows "<redacted>".
// (Said here rather than in the struct docs, which are part of the JSON Schema.)
impl fmt::Debug for UsageCharge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsageCharge")
            .field("api_token", &self.api_token.as_ref().map(|_| "<redacted>"))
            .field("closing_on", &self.closing_on)
            .finish()
    }
}

/// The body ColorMe requires in the 200 response to an install hook:
/// `{"redirect_url": "..."}`. Without it the installation is aborted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct InstallResponse {
    /// Where ColorMe sends the shop owner after installing.
    pub redirect_url: String,
}

impl InstallResponse {
    /// A response redirecting the shop owner to `redirect_url`.
    pub fn new(redirect_url: impl Into<String>) -> Self {
        InstallResponse {
            redirect_url: redirect_url.into(),
        }
    }

    /// The JSON body, e.g. `{"redirect_url":"https://app.example.com/"}`.
    pub fn to_json(&self) -> String {
        // Serialising a struct with one String field cannot fail; fall back to manual
        // escaping rather than panic anyway.
        serde_json::to_string(self).unwrap_or_else(|_| {
            format!(
                "{{\"redirect_url\":{}}}",
                serde_json::Value::String(self.redirect_url.clone())
            )
        })
    }
}

#[cfg(feature = "axum")]
impl ::axum::response::IntoResponse for InstallResponse {
    fn into_response(self) -> ::axum::response::Response {
        (
            [(http::header::CONTENT_TYPE, "application/json")],
            self.to_json(),
        )
            .into_response()
    }
}
