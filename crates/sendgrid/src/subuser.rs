//! Acting for a subuser: SendGrid's `on-behalf-of` header, set once per client.

use apikit_runtime::{AuthError, Config, Credential};

use crate::{Client, USER_AGENT, servers};

impl Client {
    /// A client for [`servers::DEFAULT`] that sends `Authorization: Bearer <api_key>`
    /// and `on-behalf-of: <subuser>` with every request, so each call acts for that
    /// subuser. An operation's own `on_behalf_of(..)` still wins for that call.
    ///
    /// # Errors
    /// The key or subuser name cannot be sent in an HTTP header (empty, or control
    /// characters); the error names the header, never the value.
    pub fn with_api_key_on_behalf_of(api_key: &str, subuser: &str) -> Result<Self, AuthError> {
        Self::with_api_key_on_behalf_of_at(servers::DEFAULT, api_key, subuser)
    }

    /// Like [`Client::with_api_key_on_behalf_of`], against another base URL (such as
    /// [`servers::EU`] or a mock server).
    ///
    /// # Errors
    /// As [`Client::with_api_key_on_behalf_of`].
    pub fn with_api_key_on_behalf_of_at(
        baseurl: &str,
        api_key: &str,
        subuser: &str,
    ) -> Result<Self, AuthError> {
        let bad = |reason| AuthError {
            header: "on-behalf-of",
            reason,
        };
        if subuser.trim().is_empty() {
            return Err(bad("the subuser name is empty"));
        }
        let value = reqwest::header::HeaderValue::from_str(subuser).map_err(|_| {
            bad("the subuser name contains characters not allowed in an HTTP header")
        })?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("on-behalf-of", value);
        let credential = Credential::header("Authorization", "Bearer", api_key);
        let (http, runtime) =
            apikit_runtime::build_with(USER_AGENT, Some(&credential), headers, Config::default())?;
        Ok(Self::new_with_client(baseurl, http, runtime))
    }
}
