//! The redirect policy of every client: credentials never cross an origin.
//!
//! reqwest follows up to ten redirects by default and, on a redirect to another host,
//! drops only `Authorization`-like headers; an API key in `x-api-key` or `API-Key`, any
//! sensitive [`Config`](crate::Config) header, and a key in the query went along. Rather
//! than follow such a redirect with the credential stripped (which needs every header the
//! runtime or a caller added to be known as secret or not), the client stops there: the
//! call fails with [`ApiError::Redirect`](crate::ApiError::Redirect), which names the
//! target without its query, and the caller decides whether to fetch it.

use std::fmt;

use reqwest::{StatusCode, Url};

/// Which redirects a client follows; set with [`Config::redirects`](crate::Config::redirects).
///
/// Whatever the setting, a redirect to another origin (scheme, host or port) or from
/// `https` to `http` is never followed, since the request carries the credential; the
/// call ends with [`ApiError::Redirect`](crate::ApiError::Redirect) instead. No `Referer`
/// header is ever sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Redirects {
    /// Follow no redirect: every one ends the call with
    /// [`ApiError::Redirect`](crate::ApiError::Redirect).
    None,
    /// Follow at most this many redirects in one call, each to the origin of the request
    /// that was redirected.
    SameOrigin(usize),
}

impl Default for Redirects {
    /// Up to 10 same-origin redirects (reqwest's own limit).
    fn default() -> Self {
        Redirects::SameOrigin(10)
    }
}

/// Why a redirect was not followed, in [`ApiError::Redirect`](crate::ApiError::Redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectRefusal {
    /// The target is on another origin (scheme, host or port).
    CrossOrigin,
    /// The target is plain `http` after an `https` request.
    Downgrade,
    /// Redirects are off ([`Redirects::None`]).
    Disabled,
    /// More redirects than [`Redirects::SameOrigin`] allows.
    TooMany,
}

impl fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedirectRefusal::CrossOrigin => "it leads to another origin",
            RedirectRefusal::Downgrade => "it leads from https to http",
            RedirectRefusal::Disabled => "redirects are off",
            RedirectRefusal::TooMany => "too many redirects",
        })
    }
}

/// The error the policy hands reqwest; [`crate::ApiError`] finds it again as the
/// source of reqwest's redirect error.
#[derive(Debug)]
pub(crate) struct Stopped {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) reason: RedirectRefusal,
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "redirect (HTTP {}) to {} not followed: {}",
            self.status.as_u16(),
            self.location,
            self.reason
        )
    }
}

impl std::error::Error for Stopped {}

/// The reqwest policy for `redirects`.
pub(crate) fn policy(redirects: Redirects) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        match refusal(redirects, attempt.previous(), attempt.url()) {
            None => attempt.follow(),
            Some(reason) => {
                let stopped = Stopped {
                    status: attempt.status(),
                    location: redacted(attempt.url()),
                    reason,
                };
                attempt.error(stopped)
            }
        }
    })
}

/// Why the redirect from the last of `previous` to `next` may not be followed, if so.
fn refusal(redirects: Redirects, previous: &[Url], next: &Url) -> Option<RedirectRefusal> {
    let limit = match redirects {
        Redirects::None => return Some(RedirectRefusal::Disabled),
        Redirects::SameOrigin(limit) => limit,
    };
    // reqwest always lists the URL that answered; without it nothing is known to be safe.
    let Some(from) = previous.last() else {
        return Some(RedirectRefusal::CrossOrigin);
    };
    if from.scheme() == "https" && next.scheme() != "https" {
        return Some(RedirectRefusal::Downgrade);
    }
    // Opaque origins (data:, file:) never compare equal, so they are refused too.
    if from.origin() != next.origin() {
        return Some(RedirectRefusal::CrossOrigin);
    }
    // `previous` starts with the first request, which was no redirect.
    (previous.len() > limit).then_some(RedirectRefusal::TooMany)
}

/// `url` without what may carry a secret: the query, the fragment and any user info.
pub(crate) fn redacted(url: &Url) -> String {
    let mut url = url.clone();
    strip(&mut url);
    url.into()
}

/// Removes the query, the fragment and any user info from `url`.
pub(crate) fn strip(url: &mut Url) {
    url.set_query(None);
    url.set_fragment(None);
    // Both fail only for URLs that cannot have user info, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(redirects: Redirects, chain: &[&str], next: &str) -> Option<RedirectRefusal> {
        let previous: Vec<Url> = chain.iter().map(|u| u.parse().unwrap()).collect();
        refusal(redirects, &previous, &next.parse().unwrap())
    }

    #[test]
    fn only_same_origin_redirects_within_the_limit_are_followed() {
        let same = Redirects::SameOrigin(2);
        assert_eq!(
            check(same, &["https://a.test/x"], "https://a.test/y?z"),
            None
        );
        assert_eq!(
            check(same, &["https://a.test/x"], "https://a.test:443/y"),
            None,
            "the default port is the same origin"
        );
        use RedirectRefusal::*;
        let cases = [
            ("https://b.test/y", CrossOrigin),
            ("https://a.test:8443/y", CrossOrigin),
            ("https://sub.a.test/y", CrossOrigin),
            ("http://a.test/y", Downgrade),
            ("http://a.test:443/y", Downgrade),
            ("data:text/plain,x", Downgrade),
        ];
        for (next, reason) in cases {
            assert_eq!(
                check(same, &["https://a.test/x"], next),
                Some(reason),
                "{next}"
            );
        }
        assert_eq!(
            check(same, &["http://a.test/x"], "https://a.test/x"),
            Some(CrossOrigin),
            "an upgrade changes the origin too"
        );
        let chain = ["http://a.test/1", "http://a.test/2", "http://a.test/3"];
        assert_eq!(check(same, &chain[..2], "http://a.test/3"), None);
        assert_eq!(check(same, &chain, "http://a.test/4"), Some(TooMany));
        assert_eq!(
            check(Redirects::None, &["http://a.test/1"], "http://a.test/2"),
            Some(Disabled)
        );
        assert_eq!(check(same, &[], "http://a.test/2"), Some(CrossOrigin));
    }

    #[test]
    fn redacted_urls_keep_no_query_fragment_or_user_info() {
        let url: Url = "https://user:pw@a.test:8443/p/q?key=secret#frag"
            .parse()
            .unwrap();
        assert_eq!(redacted(&url), "https://a.test:8443/p/q");
    }
}
