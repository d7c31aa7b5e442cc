//! Signing helpers for every scheme (feature `test-util`), so you can unit-test your
//! webhook handlers with requests that verify like the provider's.
//!
//! ```
//! use apikit::webhooks::{snyk, test_util};
//! let body = br#"{"webhookId":"d3cf26b3-2d77-497b-bce2-23b33cc15362"}"#;
//! let headers = test_util::snyk_headers(b"my-secret-string", "ping/v0", body);
//! let delivery = snyk::Verifier::new("my-secret-string")?.verify(&headers, body)?;
//! assert!(matches!(delivery.event, snyk::Event::Ping(_)));
//! # Ok::<(), apikit::webhooks::Error>(())
//! ```
//!
//! These helpers are for tests: they hold private keys in plain memory, and the RSA
//! signer does not blind its private-key operation.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use p256::ecdsa::signature::DigestSigner;
use p256::pkcs8::{EncodePublicKey, LineEnding};
use rsa::pkcs1v15;
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use super::{Error, colorme, sendgrid, shipengine, snyk};

fn header(value: &str) -> HeaderValue {
    // Every value built here is base64, hex or digits: always a valid header value.
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

fn hmac_sha256(secret: &[u8], body: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length (long ones are hashed), so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, the Snyk `X-Hub-Signature` value.
pub fn snyk_signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret, body)))
}

/// Headers of a signed Snyk delivery: `X-Hub-Signature`, `X-Snyk-Event` (e.g.
/// `project_snapshot/v0`), a fixed `X-Snyk-Transport-ID` and `X-Snyk-Timestamp`.
pub fn snyk_headers(secret: &[u8], event: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        snyk::SIGNATURE_HEADER,
        header(&snyk_signature(secret, body)),
    );
    headers.insert(snyk::EVENT_HEADER, header(event));
    headers.insert(
        snyk::TRANSPORT_ID_HEADER,
        HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
    );
    headers.insert(
        snyk::TIMESTAMP_HEADER,
        HeaderValue::from_static("2020-09-25T15:27:53Z"),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers
}

/// `base64(HMAC-SHA256(secret, body))`, the ColorMe `X-Appstore-Signature` value.
pub fn colorme_signature(secret: &[u8], body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(secret, body))
}

/// Headers of a signed ColorMe hook.
pub fn colorme_headers(secret: &[u8], body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        colorme::SIGNATURE_HEADER,
        header(&colorme_signature(secret, body)),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers
}

/// Signs like SendGrid: ECDSA P-256 / SHA-256, DER, base64.
#[derive(Clone)]
pub struct SendGridSigner {
    key: p256::ecdsa::SigningKey,
}

impl fmt::Debug for SendGridSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendGridSigner")
            .field("key", &"<redacted>")
            .finish()
    }
}

impl SendGridSigner {
    /// A signer whose private scalar is `seed` (any 32 bytes below the curve order,
    /// not zero). Deterministic, so tests need no randomness.
    pub fn from_seed(seed: [u8; 32]) -> Result<Self, Error> {
        let key = p256::ecdsa::SigningKey::from_slice(&seed)
            .map_err(|_| Error::InvalidKey("not a P-256 private scalar"))?;
        Ok(SendGridSigner { key })
    }

    /// A signer from a base64 SEC1 DER private key (the format of SendGrid's Go tests).
    pub fn from_sec1_der_base64(key: &str) -> Result<Self, Error> {
        let der = STANDARD
            .decode(key.trim())
            .map_err(|_| Error::InvalidKey("private key is not base64"))?;
        let secret = p256::SecretKey::from_sec1_der(&der)
            .map_err(|_| Error::InvalidKey("not a SEC1 P-256 private key"))?;
        Ok(SendGridSigner { key: secret.into() })
    }

    /// The public key as SendGrid shows it: base64 DER SubjectPublicKeyInfo.
    pub fn public_key_base64(&self) -> String {
        self.key
            .verifying_key()
            .to_public_key_der()
            .map(|der| STANDARD.encode(der.as_bytes()))
            .unwrap_or_default()
    }

    /// The public key as a PEM `PUBLIC KEY` block.
    pub fn public_key_pem(&self) -> String {
        self.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// A [`sendgrid::Verifier`] for this signer's public key.
    pub fn verifier(&self) -> Result<sendgrid::Verifier, Error> {
        let der = self
            .key
            .verifying_key()
            .to_public_key_der()
            .map_err(|_| Error::InvalidKey("public key does not encode"))?;
        sendgrid::Verifier::from_der(der.as_bytes())
    }

    /// `base64(DER(ECDSA(SHA-256(timestamp ++ body))))`.
    pub fn signature(&self, timestamp: &str, body: &[u8]) -> String {
        let digest = Sha256::new()
            .chain_update(timestamp.as_bytes())
            .chain_update(body);
        let signature: p256::ecdsa::Signature = self.key.sign_digest(digest);
        STANDARD.encode(signature.to_der().as_bytes())
    }

    /// Headers of a signed SendGrid delivery sent at `timestamp` (unix seconds).
    pub fn headers(&self, timestamp: i64, body: &[u8]) -> HeaderMap {
        let ts = timestamp.to_string();
        let mut headers = HeaderMap::new();
        headers.insert(
            sendgrid::SIGNATURE_HEADER,
            header(&self.signature(&ts, body)),
        );
        headers.insert(sendgrid::TIMESTAMP_HEADER, header(&ts));
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers
    }
}

/// Signs like ShipEngine: RSASSA-PKCS1-v1_5 / SHA-256 over `{timestamp}.{body}`, base64,
/// and publishes the public key as a JWKS under a `kid`.
#[derive(Clone)]
pub struct ShipEngineSigner {
    kid: String,
    key: pkcs1v15::SigningKey<Sha256>,
    public: RsaPublicKey,
}

impl fmt::Debug for ShipEngineSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShipEngineSigner")
            .field("kid", &self.kid)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl ShipEngineSigner {
    /// A signer from an RSA private key PEM (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE
    /// KEY`), publishing it under `kid`.
    pub fn from_pem(kid: impl Into<String>, pem: &str) -> Result<Self, Error> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let private = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| Error::InvalidKey("not an RSA private key PEM"))?;
        Ok(Self::from_key(kid, private))
    }

    /// A signer for an existing private key.
    pub fn from_key(kid: impl Into<String>, private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        ShipEngineSigner {
            kid: kid.into(),
            key: pkcs1v15::SigningKey::new(private),
            public,
        }
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// A JWKS document holding this public key (plus nothing else).
    pub fn jwks_json(&self) -> String {
        serde_json::json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": self.kid,
                "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
                "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
            }]
        })
        .to_string()
    }

    /// The key set holding this public key ([`Error::InvalidKey`] below 2048 bits).
    pub fn jwks(&self) -> Result<shipengine::Jwks, Error> {
        shipengine::Jwks::from_rsa_key(self.kid.clone(), self.public.clone())
    }

    /// `base64(RSASSA-PKCS1-v1_5(SHA-256("{timestamp}.{body}")))`.
    pub fn signature(&self, timestamp: &str, body: &[u8]) -> String {
        use rsa::signature::{DigestSigner as _, SignatureEncoding as _};
        let digest = Sha256::new()
            .chain_update(timestamp.as_bytes())
            .chain_update(b".")
            .chain_update(body);
        let signature: pkcs1v15::Signature = self.key.sign_digest(digest);
        STANDARD.encode(signature.to_bytes())
    }

    /// Headers of a signed ShipEngine delivery with this ISO 8601 `timestamp`.
    pub fn headers(&self, timestamp: &str, body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(shipengine::KEY_ID_HEADER, header(&self.kid));
        headers.insert(shipengine::TIMESTAMP_HEADER, header(timestamp));
        headers.insert(
            shipengine::SIGNATURE_HEADER,
            header(&self.signature(timestamp, body)),
        );
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers
    }
}
