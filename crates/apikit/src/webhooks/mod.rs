//! Webhook signature verification and typed payloads, one module per provider.
//!
//! Every module follows the same three steps:
//!
//! 1. build a verifier once from your secret or public key;
//! 2. call `verify(&headers, &body)` with the request's [`http::HeaderMap`] and the
//!    **raw** body bytes (never a re-serialised body: the signature covers the bytes);
//! 3. match on the typed event it returns.
//!
//! | module | scheme | timestamp checked |
//! |---|---|---|
//! | [`snyk`] | `X-Hub-Signature: sha256=<hex HMAC-SHA256>` | no (Snyk does not sign one) |
//! | [`sendgrid`] | ECDSA P-256 / SHA-256 over timestamp ++ body | yes, unix seconds |
//! | [`shipengine`] | RSA PKCS#1 v1.5 / SHA-256 over `{timestamp}.{body}`, key from a JWKS | yes, ISO 8601 |
//! | [`colorme`] | `X-Appstore-Signature: base64(HMAC-SHA256)` | no (none is sent) |
//! | [`snyk_api_web`] | **none exists**: parse only, plus a secret-URL token check | no |
//!
//! Verification always runs on the raw bytes before any JSON parsing; signature
//! comparisons are constant-time and length-checked; a signature header that lists
//! several signatures (key rotation) is accepted when any one of them is valid.
//! All failures are one [`Error`] type.
//!
//! A valid signature does not make a request new: see [`replay`] for what each
//! provider's signature covers and for an optional [`ReplayGuard`](replay::ReplayGuard).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde::de::DeserializeOwned;

mod error;
mod timestamp;

pub mod colorme;
pub mod replay;
pub mod sendgrid;
pub mod shipengine;
pub mod snyk;
pub mod snyk_api_web;

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "schemars")]
pub mod schemas;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use error::{Encoding, Error};
pub use timestamp::Timestamp;

/// Default tolerance between a signed timestamp and the receiver's clock, in both
/// directions: 5 minutes (ShipEngine's documented value; the same as svix and Stripe).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Most signature tokens accepted in one header. Each token costs a signature check
/// (an ECDSA or RSA verification for some schemes), so an unbounded list would let a
/// sender make us do unbounded work per request.
const MAX_SIGNATURES: usize = 8;

/// Splits every value of a signature header into tokens separated by commas or ASCII
/// whitespace. Several values of the header and several tokens per value are both
/// treated as "any of these signatures".
fn signature_tokens<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<Vec<&'h str>, Error> {
    let mut tokens = Vec::new();
    let mut seen_header = false;
    for value in headers.get_all(name) {
        seen_header = true;
        let value = value.to_str().map_err(|_| Error::MalformedHeader {
            header: name,
            reason: "not visible ASCII",
        })?;
        for token in value
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
        {
            if tokens.len() == MAX_SIGNATURES {
                return Err(Error::MalformedHeader {
                    header: name,
                    reason: "too many signatures",
                });
            }
            tokens.push(token);
        }
    }
    if !seen_header {
        return Err(Error::MissingHeader(name));
    }
    if tokens.is_empty() {
        return Err(Error::MalformedHeader {
            header: name,
            reason: "empty",
        });
    }
    Ok(tokens)
}

/// Checks every signature in header `name` against HMAC-SHA256 of `body`: each token is
/// decoded with `decode` (tokens that fail to decode are skipped, and the first such error
/// is returned only if none decodes), then compared in constant time with the expected
/// 32-byte tag. Any one valid tag accepts.
fn verify_hmac_sha256(
    mac: &hmac::Hmac<sha2::Sha256>,
    headers: &HeaderMap,
    name: &'static str,
    body: &[u8],
    decode: fn(&str) -> Result<[u8; 32], Error>,
) -> Result<(), Error> {
    use hmac::Mac;
    use subtle::ConstantTimeEq;

    let tokens = signature_tokens(headers, name)?;
    let mut decoded = Vec::with_capacity(tokens.len());
    let mut first_error = None;
    for token in tokens {
        match decode(token) {
            Ok(tag) => decoded.push(tag),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if decoded.is_empty() {
        return Err(first_error.unwrap_or(Error::SignatureMismatch));
    }
    let mut mac = mac.clone();
    mac.update(body);
    let expected: [u8; 32] = mac.finalize().into_bytes().into();
    // Constant-time per candidate; both sides are exactly 32 bytes by construction.
    let mut ok = subtle::Choice::from(0);
    for tag in &decoded {
        ok |= expected[..].ct_eq(&tag[..]);
    }
    if bool::from(ok) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch)
    }
}

#[cfg(test)]
thread_local! {
    /// How many times this thread hashed signed bytes (tests of the hash-once rule).
    static SIGNED_HASHES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// SHA-256 state over the concatenation of `parts`, the signed bytes of a request.
/// Computed once per request and cloned per candidate signature: a header listing
/// several signatures must not make us hash the body once per signature.
fn hash_signed_bytes(parts: &[&[u8]]) -> sha2::Sha256 {
    use sha2::Digest;
    #[cfg(test)]
    SIGNED_HASHES.with(|n| n.set(n.get() + 1));
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher
}

/// The single value of a header that must appear exactly once (a timestamp or key id:
/// two different values would make the signed bytes ambiguous).
fn single_header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, Error> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(Error::MissingHeader(name))?;
    if values.next().is_some() {
        return Err(Error::MalformedHeader {
            header: name,
            reason: "appears more than once",
        });
    }
    let value = value.to_str().map_err(|_| Error::MalformedHeader {
        header: name,
        reason: "not visible ASCII",
    })?;
    if value.is_empty() {
        return Err(Error::MalformedHeader {
            header: name,
            reason: "empty",
        });
    }
    Ok(value)
}

/// An optional informational header, as text; `None` when absent or not ASCII.
fn optional_header(headers: &HeaderMap, name: &'static str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Rejects `timestamp` (unix seconds) when it is more than `tolerance` away from `now`,
/// in either direction.
fn check_timestamp(timestamp: i64, now: SystemTime, tolerance: Duration) -> Result<(), Error> {
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::from(d.as_secs()),
        Err(e) => -i128::from(e.duration().as_secs()),
    };
    // i128: no overflow whatever the sender put in the header.
    let diff = now - i128::from(timestamp);
    let secs = |d: i128| Duration::from_secs(u64::try_from(d.unsigned_abs()).unwrap_or(u64::MAX));
    if diff > i128::from(tolerance.as_secs()) {
        Err(Error::TimestampTooOld {
            age: secs(diff),
            tolerance,
        })
    } else if -diff > i128::from(tolerance.as_secs()) {
        Err(Error::TimestampInFuture {
            ahead: secs(diff),
            tolerance,
        })
    } else {
        Ok(())
    }
}

/// Parses `body` as `T`, reporting the JSON path of the first error.
///
/// Why two passes: `serde_path_to_error` tracks the path on every value, which costs
/// measurable time on the hot path. Valid payloads (nearly all of them) take the plain
/// `serde_json` pass; only a failing payload is parsed again to find the path.
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => Err(Error::Parse {
                    path: e.path().to_string(),
                    source: e.into_inner(),
                }),
                // Cannot happen (same input, same type), but never panic on input.
                Ok(_) => Err(Error::Parse {
                    path: ".".to_owned(),
                    source: plain,
                }),
            }
        }
    }
}

/// Converts an already-parsed JSON value to `T`, reporting the path (prefixed with
/// `prefix`, e.g. `[3]`) of the first error.
fn from_value<T: DeserializeOwned>(value: &serde_json::Value, prefix: &str) -> Result<T, Error> {
    match T::deserialize(value) {
        Ok(v) => Ok(v),
        Err(plain) => match serde_path_to_error::deserialize::<_, T>(value) {
            Err(e) => {
                let inner = e.path().to_string();
                let path = if prefix.is_empty() {
                    inner
                } else if inner == "." {
                    prefix.to_owned()
                } else if inner.starts_with('[') {
                    format!("{prefix}{inner}")
                } else {
                    format!("{prefix}.{inner}")
                };
                Err(Error::Parse {
                    path,
                    source: e.into_inner(),
                })
            }
            Ok(_) => Err(Error::Parse {
                path: if prefix.is_empty() {
                    ".".to_owned()
                } else {
                    prefix.to_owned()
                },
                source: plain,
            }),
        },
    }
}

/// Lenient deserializers for fields whose JSON type varies between documentation and
/// reality (e.g. SendGrid's `"timestamp":"123456789"` in its own reserved-keys example).
mod lenient {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrStr {
        I(i64),
        F(f64),
        S(String),
    }

    /// Accepts an integer, an integral float, or a string holding an integer.
    pub(crate) fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::I(i) => Ok(i),
            NumOrStr::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            NumOrStr::F(_) => Err(serde::de::Error::custom("expected an integer")),
            NumOrStr::S(s) => s.trim().parse().map_err(|_| {
                serde::de::Error::custom("expected an integer or a string holding one")
            }),
        }
    }

    /// [`i64`] for an optional field (`null` and absence are `None`).
    pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(deserialize_with = "i64")] i64);
        Ok(Option::<W>::deserialize(d)?.map(|W(v)| v))
    }

    /// Accepts a string or a number, keeping it as text.
    pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<NumOrStr>::deserialize(d)? {
            None => None,
            Some(NumOrStr::I(i)) => Some(i.to_string()),
            Some(NumOrStr::F(f)) => Some(f.to_string()),
            Some(NumOrStr::S(s)) => Some(s),
        })
    }

    /// [`opt_string`] for a required field.
    pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        opt_string(d)?.ok_or_else(|| serde::de::Error::custom("expected a string or a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn tolerance_is_symmetric_and_inclusive() {
        let tol = Duration::from_secs(300);
        assert!(check_timestamp(1000, at(1300), tol).is_ok());
        assert!(check_timestamp(1600, at(1300), tol).is_ok());
        assert!(matches!(
            check_timestamp(999, at(1300), tol),
            Err(Error::TimestampTooOld { age, .. }) if age == Duration::from_secs(301)
        ));
        assert!(matches!(
            check_timestamp(1601, at(1300), tol),
            Err(Error::TimestampInFuture { ahead, .. }) if ahead == Duration::from_secs(301)
        ));
        // Extreme values must not overflow.
        assert!(matches!(
            check_timestamp(i64::MIN, at(1 << 40), tol),
            Err(Error::TimestampTooOld { .. })
        ));
        assert!(matches!(
            check_timestamp(i64::MAX, at(0), tol),
            Err(Error::TimestampInFuture { .. })
        ));
        // A clock before 1970 still compares correctly.
        let before_epoch = UNIX_EPOCH - Duration::from_secs(100);
        assert!(check_timestamp(-100, before_epoch, tol).is_ok());
        assert!(check_timestamp(1000, before_epoch, tol).is_err());
    }

    #[test]
    fn tokens_split_on_commas_spaces_and_repeated_headers() {
        let mut h = HeaderMap::new();
        h.append("x-sig", "a, b".parse().unwrap());
        h.append("x-sig", "c".parse().unwrap());
        assert_eq!(signature_tokens(&h, "x-sig").unwrap(), ["a", "b", "c"]);
        assert!(matches!(
            signature_tokens(&h, "x-other"),
            Err(Error::MissingHeader("x-other"))
        ));
        let mut many = HeaderMap::new();
        many.insert("x-sig", "a b c d e f g h i".parse().unwrap());
        assert!(matches!(
            signature_tokens(&many, "x-sig"),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn single_header_rejects_duplicates() {
        let mut h = HeaderMap::new();
        h.append("x-ts", "1".parse().unwrap());
        assert_eq!(single_header(&h, "x-ts").unwrap(), "1");
        h.append("x-ts", "2".parse().unwrap());
        assert!(matches!(
            single_header(&h, "x-ts"),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn parse_errors_carry_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            n: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<Inner>,
        }
        let err = parse_json::<Outer>(br#"{"items":[{"n":1},{"n":"x"}]}"#).unwrap_err();
        match err {
            Error::Parse { path, .. } => assert_eq!(path, "items[1].n"),
            other => panic!("unexpected {other:?}"),
        }
        let value: serde_json::Value = serde_json::json!({"items": [{"n": -1}]});
        match from_value::<Outer>(&value, "[4]").unwrap_err() {
            Error::Parse { path, .. } => assert_eq!(path, "[4].items[0].n"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
