//! Credentials sent in a request header.

use std::fmt;

use http::HeaderValue;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credential::header("Authorization", "Bearer", "s3cr3t-value");
        let shown = format!("{c:?} {:?}", c.header_value().unwrap());
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        let (client, runtime) = crate::build("t/0", Some(&c), crate::Config::default()).unwrap();
        assert!(!format!("{client:?} {runtime:?}").contains("s3cr3t-value"));
        let bad = crate::build(
            "t/0",
            Some(&Credential::header("bad header", "", "x")),
            crate::Config::default(),
        )
        .unwrap_err();
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
