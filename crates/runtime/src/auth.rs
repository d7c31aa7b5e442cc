//! Credentials sent in a request header or in the query string.

use std::fmt;

use http::HeaderValue;

/// A credential sent on every call, in one request header (e.g. `x-api-key: <key>` or
/// `Authorization: Bearer <token>`) or as one query parameter (`?api_key=<key>`).
///
/// Its `Debug` output names the header or parameter but never the secret.
#[derive(Clone)]
pub struct Credential {
    header: &'static str,
    prefix: &'static str,
    secret: String,
    in_query: bool,
}

impl Credential {
    /// A credential sent as `header: prefix secret` (or `header: secret` when `prefix`
    /// is empty).
    pub fn header(header: &'static str, prefix: &'static str, secret: &str) -> Self {
        Self {
            header,
            prefix,
            secret: secret.to_owned(),
            in_query: false,
        }
    }

    /// A credential sent as the query parameter `name=secret`, appended to every request
    /// of the client (retries included). A query is written to server and proxy logs,
    /// so prefer a header when the API allows one. The runtime keeps it out of its
    /// errors: an [`ApiError`](crate::ApiError) names URLs without their query. A
    /// same-origin redirect is followed to the URL the server names as it is (the
    /// parameter is not added again); one to another origin is never followed. That
    /// holds for the `reqwest::Client` that [`build`](crate::build) returns, which
    /// carries the redirect policy and sends no `Referer`: pair the [`Runtime`](crate::Runtime)
    /// of such a credential with no other client.
    pub fn query(name: &'static str, secret: &str) -> Self {
        Self {
            header: name,
            prefix: "",
            secret: secret.to_owned(),
            in_query: true,
        }
    }

    /// The header, or for [`Credential::query`] the query parameter, this credential
    /// is sent in.
    pub fn header_name(&self) -> &'static str {
        self.header
    }

    /// Whether this credential goes in the query string ([`Credential::query`]).
    pub fn is_query(&self) -> bool {
        self.in_query
    }

    /// The header value, marked sensitive (hidden from `Debug`, never compressed by HTTP/2).
    ///
    /// # Errors
    /// The secret is empty or not a valid header value, or this is a
    /// [`Credential::query`].
    pub fn header_value(&self) -> Result<HeaderValue, AuthError> {
        let err = |reason| AuthError {
            header: self.header,
            reason,
        };
        if self.in_query {
            return Err(err("a query credential is not sent in a header"));
        }
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

    /// The `(name, secret)` of a query credential, checked; `None` for a header one.
    pub(crate) fn query_pair(&self) -> Result<Option<(&'static str, String)>, AuthError> {
        if !self.in_query {
            return Ok(None);
        }
        let err = |reason| AuthError {
            header: self.header,
            reason,
        };
        if self.header.is_empty() {
            return Err(err("the query parameter has no name"));
        }
        if self.secret.trim().is_empty() {
            return Err(err("the credential is empty"));
        }
        Ok(Some((self.header, self.secret.clone())))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field(if self.in_query { "query" } else { "header" }, &self.header)
            .field("prefix", &self.prefix)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A credential could not be turned into a request header (or query parameter). Names
/// the header and the reason; never contains the credential itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid credential for header `{header}`: {reason}")]
pub struct AuthError {
    /// The header (or query parameter) the credential was meant for.
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
    fn a_query_credential_is_redacted_and_never_a_header() {
        let c = Credential::query("api_key", "q-s3cr3t");
        assert!(c.is_query());
        let shown = format!("{c:?}");
        assert!(
            shown.contains("api_key") && !shown.contains("q-s3cr3t"),
            "{shown}"
        );
        assert!(c.header_value().is_err());
        assert_eq!(
            c.query_pair().unwrap(),
            Some(("api_key", "q-s3cr3t".to_owned()))
        );
        let (client, runtime) = crate::build("t/0", Some(&c), crate::Config::default()).unwrap();
        let shown = format!("{client:?} {runtime:?}");
        assert!(!shown.contains("q-s3cr3t"), "{shown}");
        let e = Credential::query("api_key", " ").query_pair().unwrap_err();
        assert_eq!(e.reason, "the credential is empty");
        assert!(Credential::query("", "x").query_pair().is_err());
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
