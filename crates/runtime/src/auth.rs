//! Credentials and the HTTP client built around them.

use std::fmt;
use std::time::Duration;

use http::{HeaderName, HeaderValue};

/// A credential sent in one request header on every call, e.g. `x-api-key: <key>` or
/// `Authorization: Bearer <token>`.
///
/// Its `Debug` output names the header but never the secret.
#[derive(Clone)]
pub struct Credential {
    header: &'static str,
    prefix: &'static str,
    secret: String,
}

impl Credential {
    /// A credential sent as `header: prefix secret` (or `header: secret` when `prefix`
    /// is empty).
    pub fn header(header: &'static str, prefix: &'static str, secret: &str) -> Self {
        Self {
            header,
            prefix,
            secret: secret.to_owned(),
        }
    }

    /// The header this credential is sent in.
    pub fn header_name(&self) -> &'static str {
        self.header
    }

    /// The header value, marked sensitive (hidden from `Debug`, never compressed by HTTP/2).
    pub fn header_value(&self) -> Result<HeaderValue, AuthError> {
        let err = |reason| AuthError {
            header: self.header,
            reason,
        };
        if self.secret.trim().is_empty() {
            return Err(err("the credential is empty"));
        }
        let text = if self.prefix.is_empty() {
            self.secret.clone()
        } else {
            format!("{} {}", self.prefix, self.secret)
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| err("the credential contains characters not allowed in an HTTP header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("header", &self.header)
            .field("prefix", &self.prefix)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A credential could not be turned into a request header. Names the header and the
/// reason; never contains the credential itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid credential for header `{header}`: {reason}")]
pub struct AuthError {
    /// The header the credential was meant for.
    pub header: &'static str,
    /// Why it was refused.
    pub reason: &'static str,
}

/// Connection set-up limit of [`http_client`].
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Limit between two reads of a response of [`http_client`]; a large download that keeps
/// flowing is not cut off.
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The `reqwest::Client` every generated constructor uses: the credential as a default
/// header (sensitive), an apikit user agent, and connect/read timeouts.
pub fn http_client(credential: &Credential) -> Result<reqwest::Client, AuthError> {
    http_client_with(credential, http::HeaderMap::new())
}

/// [`http_client`] that also sends `headers` with every request (for example SendGrid's
/// `on-behalf-of` for a subuser). A header an operation sets itself wins over these.
pub fn http_client_with(
    credential: &Credential,
    mut headers: http::HeaderMap,
) -> Result<reqwest::Client, AuthError> {
    // from_bytes lowercases, so `Authorization` and `authorization` are the same header.
    let name = HeaderName::from_bytes(credential.header.as_bytes()).map_err(|_| AuthError {
        header: credential.header,
        reason: "not a valid HTTP header name",
    })?;
    headers.insert(name, credential.header_value()?);
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("apikit/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .build()
        .map_err(|_| AuthError {
            header: credential.header,
            reason: "the HTTP client could not be built (TLS backend unavailable?)",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credential::header("Authorization", "Bearer", "s3cr3t-value");
        let shown = format!("{c:?} {:?}", c.header_value().unwrap());
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        let client = http_client(&c).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t-value"));
        let bad = http_client(&Credential::header("bad header", "", "x")).unwrap_err();
        assert_eq!(bad.reason, "not a valid HTTP header name");
    }

    #[test]
    fn prefix_is_joined_with_one_space() {
        let v = Credential::header("authorization", "token", "abc")
            .header_value()
            .unwrap();
        assert_eq!(v.to_str().unwrap(), "token abc");
        let v = Credential::header("x-api-key", "", "abc")
            .header_value()
            .unwrap();
        assert_eq!(v.to_str().unwrap(), "abc");
    }

    #[test]
    fn bad_credentials_name_the_header_not_the_value() {
        let e = Credential::header("x-api-key", "", "line\nbreak")
            .header_value()
            .unwrap_err();
        assert_eq!(e.header, "x-api-key");
        assert!(!e.to_string().contains("line"), "{e}");
        let e = Credential::header("x-api-key", "", "  ")
            .header_value()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid credential for header `x-api-key`: the credential is empty"
        );
    }
}
