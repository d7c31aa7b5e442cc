#![doc = include_str!("../README.md")]

use std::fmt::Debug;
use std::sync::OnceLock;
use std::time::Duration;

use apikit_runtime::{ApiError, Config, RetryPolicy};
use futures::TryStreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The API key every conformance call sends (Prism checks that one is present).
pub const KEY: &str = "conformance-test-key";

/// The response header in which Prism lists what it found wrong with a request.
const VIOLATIONS_HEADER: &str = "sl-violations";

/// Longest binary response body read to its end.
const MAX_STREAM: usize = 64 << 20;

/// Which of an operation's two calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Required parameters and properties only.
    Required,
    /// Every optional parameter and property too.
    All,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Required => "required",
            Mode::All => "all",
        }
    }
}

/// One checked side of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Passed,
    Failed,
    /// Not known: the call failed before this side could be judged.
    Unknown,
}

impl Check {
    fn name(self) -> &'static str {
        match self {
            Check::Passed => "ok",
            Check::Failed => "failed",
            Check::Unknown => "-",
        }
    }
}

/// What one call showed.
#[derive(Debug, Clone)]
struct Outcome {
    mode: Mode,
    request: Check,
    response: Check,
    detail: String,
}

impl Outcome {
    fn passed(&self) -> bool {
        self.request == Check::Passed && self.response == Check::Passed
    }
}

/// An entry of `exceptions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Exception {
    provider: String,
    operation: String,
    prism: String,
    mode: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Exceptions {
    #[serde(default)]
    exception: Vec<Exception>,
}

/// Prism's `sl-violations` header split into what it found against the request and
/// against its own response.
fn violations(
    headers: &reqwest::header::HeaderMap,
) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let all: Vec<serde_json::Value> = headers
        .get(VIOLATIONS_HEADER)
        .and_then(|v| serde_json::from_slice(v.as_bytes()).ok())
        .unwrap_or_default();
    all.into_iter()
        .partition(|v| v["location"].get(0).and_then(|l| l.as_str()) == Some("request"))
}

/// Violations as `location: message` items.
fn list(violations: &[serde_json::Value]) -> String {
    violations
        .iter()
        .map(|v| {
            let location: Vec<&str> = v["location"]
                .as_array()
                .map(|l| l.iter().filter_map(|p| p.as_str()).collect())
                .unwrap_or_default();
            format!(
                "{}: {}",
                location.join("."),
                v["message"].as_str().unwrap_or("?")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn exceptions() -> &'static [Exception] {
    static LIST: OnceLock<Vec<Exception>> = OnceLock::new();
    LIST.get_or_init(|| {
        let parsed: Exceptions = toml::from_str(include_str!("../exceptions.toml"))
            .unwrap_or_else(|e| panic!("tests/conformance/exceptions.toml: {e}"));
        for e in &parsed.exception {
            assert!(
                ["static", "dynamic", "both"].contains(&e.prism.as_str())
                    && ["required", "all", "both"].contains(&e.mode.as_str()),
                "tests/conformance/exceptions.toml: {}/{}: prism must be static, dynamic or both; mode required, all or both",
                e.provider,
                e.operation
            );
        }
        parsed.exception
    })
}

/// One operation's conformance test: builds the client settings, turns synthesized JSON
/// into the setters' types, judges each call, and reports in [`Run::finish`].
#[derive(Debug)]
pub struct Run {
    provider: &'static str,
    operation: &'static str,
    prism: String,
    base: String,
    outcomes: std::cell::RefCell<Vec<Outcome>>,
}

impl Run {
    /// The test of `operation` (its `Client` method) of `provider`, against the Prism
    /// whose URL is in the environment variable `url_var`; `APIKIT_CONFORMANCE_PRISM`
    /// says which Prism mode serves it (`static` unless set).
    ///
    /// # Panics
    /// When `url_var` is not set: these tests run under `cargo xtask contract`.
    pub fn new(provider: &'static str, operation: &'static str, url_var: &'static str) -> Self {
        let base = std::env::var(url_var)
            .unwrap_or_else(|_| panic!("{url_var} is not set: run `cargo xtask contract`"));
        let prism =
            std::env::var("APIKIT_CONFORMANCE_PRISM").unwrap_or_else(|_| "static".to_owned());
        Run {
            provider,
            operation,
            prism,
            base,
            outcomes: Default::default(),
        }
    }

    /// The mock server's URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Client settings for a mock: no retries (a retried call would hide what the
    /// first answer was), generous timeouts for a loaded machine.
    pub fn config() -> Config {
        Config::default()
            .retry(RetryPolicy::none())
            .timeout(Some(Duration::from_secs(60)))
    }

    /// The synthesized `json` for the setter `what` as the setter's type `T`; `None`
    /// (and a failure recorded for the call) when the generated type cannot hold the
    /// value: the spec allows a value the client cannot send.
    pub fn value<T: DeserializeOwned>(&self, mode: Mode, what: &str, json: &str) -> Option<T> {
        match serde_json::from_str(json) {
            Ok(v) => Some(v),
            Err(e) => {
                self.outcomes.borrow_mut().push(Outcome {
                    mode,
                    request: Check::Failed,
                    response: Check::Unknown,
                    detail: format!(
                        "the value synthesized for `{what}` does not deserialize into `{}`: {e}; value {json}",
                        std::any::type_name::<T>()
                    ),
                });
                None
            }
        }
    }

    /// The synthesized `json` (a string) as the bytes of a binary body.
    pub fn bytes(&self, json: &str) -> Vec<u8> {
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::String(s)) => s.into_bytes(),
            _ => json.as_bytes().to_vec(),
        }
    }

    /// Records a call the synthesizer could build no value for.
    pub fn unsynthesizable(&self, mode: Mode, reason: &str) {
        self.outcomes.borrow_mut().push(Outcome {
            mode,
            request: Check::Failed,
            response: Check::Unknown,
            detail: format!("no request could be synthesized: {reason}"),
        });
    }

    /// Judges a call's result: the request must have passed Prism's validation and the
    /// response must have decoded.
    pub fn check<T, E: Debug + serde::Serialize>(
        &self,
        mode: Mode,
        result: Result<ResponseValue<T>, ApiError<E>>,
    ) {
        let outcome = match result {
            Ok(response) => Self::success(mode, response.status(), response.headers()),
            Err(e) => Self::failure(mode, e),
        };
        self.outcomes.borrow_mut().push(outcome);
    }

    /// [`Run::check`] for a binary response, which is read to its end.
    pub async fn check_stream<E: Debug + serde::Serialize>(
        &self,
        mode: Mode,
        result: Result<ResponseValue<ByteStream>, ApiError<E>>,
    ) {
        let outcome = match result {
            Ok(response) => {
                let mut outcome = Self::success(mode, response.status(), response.headers());
                let read = response
                    .into_inner()
                    .into_inner()
                    .try_fold(0usize, |n, chunk| async move { Ok(n + chunk.len()) })
                    .await;
                match read {
                    Ok(n) if n <= MAX_STREAM => {}
                    Ok(n) => {
                        outcome.response = Check::Failed;
                        outcome.detail = format!("binary body of {n} bytes, over {MAX_STREAM}");
                    }
                    Err(e) => {
                        outcome.response = Check::Failed;
                        outcome.detail = format!("binary body did not stream: {e}");
                    }
                }
                outcome
            }
            Err(e) => Self::failure(mode, e),
        };
        self.outcomes.borrow_mut().push(outcome);
    }

    fn success(
        mode: Mode,
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
    ) -> Outcome {
        // What Prism says about its own generated response is Prism's business: the
        // client decoded it, and it enforces no pattern or length of its own.
        let (request, _) = violations(headers);
        if request.is_empty() {
            Outcome {
                mode,
                request: Check::Passed,
                response: Check::Passed,
                detail: String::new(),
            }
        } else {
            Outcome {
                mode,
                request: Check::Failed,
                response: Check::Passed,
                detail: format!(
                    "HTTP {status}, but Prism found the request against the spec: {}",
                    list(&request)
                ),
            }
        }
    }

    fn failure<E: Debug + serde::Serialize>(mode: Mode, e: ApiError<E>) -> Outcome {
        let (request, _) = e.headers().map(violations).unwrap_or_default();
        let body = match &e {
            // Prism's problem+json where the client expected the documented error type.
            ApiError::InvalidResponse { body, .. } => serde_json::from_str(body).ok(),
            other => other.body_json(),
        };
        let mut detail = format!("{e}");
        if let ApiError::InvalidResponse { path, .. } = &e {
            detail.push_str(&format!(" (at `{}`)", path.as_deref().unwrap_or(".")));
        }
        if !request.is_empty() {
            detail.push_str(&format!(
                "; Prism found the request against the spec: {}",
                list(&request)
            ));
        } else if let Some(b) = body {
            detail.push_str(&format!("; body: {b}"));
        }
        let (request, response) = match &e {
            // A body that did not decode: the response failed; the request is unknown
            // (the error keeps no headers).
            ApiError::InvalidResponse { .. } => (Check::Unknown, Check::Failed),
            // Any error status: Prism answers a valid request with a documented success.
            _ => (Check::Failed, Check::Unknown),
        };
        Outcome {
            mode,
            request,
            response,
            detail,
        }
    }

    /// The entry of `exceptions.toml` that lists this call.
    fn excused(&self, outcome: &Outcome) -> Option<&'static Exception> {
        exceptions().iter().find(|e| {
            e.provider == self.provider
                && e.operation == self.operation
                && (e.prism == "both" || e.prism == self.prism)
                && (e.mode == "both" || e.mode == outcome.mode.name())
        })
    }

    /// One tab-separated line per call on stdout and appended to the file
    /// `APIKIT_CONFORMANCE_REPORT` names, which `cargo xtask contract` reads:
    /// `apikit-conformance`, Prism mode, provider, operation, call, verdict (`pass`,
    /// `fail`, `excepted`, `stale` for an exception that passed), request, response,
    /// detail.
    fn report(&self, outcome: &Outcome, excused: Option<&Exception>) {
        let verdict = match (outcome.passed(), excused) {
            (true, None) => "pass",
            (true, Some(_)) => "stale",
            (false, Some(_)) => "excepted",
            (false, None) => "fail",
        };
        let mut detail = outcome.detail.replace(['\t', '\n', '\r'], " ");
        if let Some(e) = excused {
            detail = format!("{} [exception: {}]", detail, e.reason.trim())
                .replace(['\t', '\n', '\r'], " ");
        }
        let line = format!(
            "apikit-conformance\t{}\t{}\t{}\t{}\t{verdict}\t{}\t{}\t{detail}\n",
            self.prism,
            self.provider,
            self.operation,
            outcome.mode.name(),
            outcome.request.name(),
            outcome.response.name(),
        );
        print!("{line}");
        // stdout interleaves with the test runner's own output; the file gets each line
        // in one append.
        if let Ok(path) = std::env::var("APIKIT_CONFORMANCE_REPORT") {
            use std::io::Write;
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut f| f.write_all(line.as_bytes()));
            if let Err(e) = written {
                panic!("APIKIT_CONFORMANCE_REPORT={path}: {e}");
            }
        }
    }

    /// Prints every call's line and fails the test on a failure `exceptions.toml` does
    /// not list, or on a listed one that passed.
    ///
    /// # Panics
    /// On such a failure, naming provider, operation, call and what went wrong.
    pub fn finish(self) {
        let mut problems = vec![];
        for outcome in self.outcomes.borrow().iter() {
            let excused = self.excused(outcome);
            self.report(outcome, excused);
            match (outcome.passed(), excused.is_some()) {
                (false, false) => {
                    problems.push(format!("{} call: {}", outcome.mode.name(), outcome.detail))
                }
                (true, true) => problems.push(format!(
                    "{} call passes, but exceptions.toml lists it: remove the entry",
                    outcome.mode.name()
                )),
                _ => {}
            }
        }
        assert!(
            problems.is_empty(),
            "{}/{} against Prism ({}):\n{}",
            self.provider,
            self.operation,
            self.prism,
            problems.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn prism_violations_split_into_request_and_response() {
        let mut headers = HeaderMap::new();
        headers.insert(
            VIOLATIONS_HEADER,
            HeaderValue::from_static(
                r#"[{"location":["request","query","aliasName"],"message":"is required"},{"location":["response","body","id"],"message":"must match pattern"}]"#,
            ),
        );
        let (request, response) = violations(&headers);
        assert_eq!(list(&request), "request.query.aliasName: is required");
        assert_eq!(list(&response), "response.body.id: must match pattern");
        // A success with only response-side violations passes; one with a request
        // violation fails its request.
        let ok = Run::success(Mode::All, reqwest::StatusCode::OK, &HeaderMap::new());
        assert!(ok.passed());
        let bad = Run::success(Mode::All, reqwest::StatusCode::OK, &headers);
        assert_eq!((bad.request, bad.response), (Check::Failed, Check::Passed));
        assert!(bad.detail.contains("aliasName"), "{}", bad.detail);
        // No header, or one that is not JSON: nothing found.
        assert_eq!(violations(&HeaderMap::new()), (vec![], vec![]));
        let mut junk = HeaderMap::new();
        junk.insert(VIOLATIONS_HEADER, HeaderValue::from_static("not json"));
        assert_eq!(violations(&junk), (vec![], vec![]));
    }

    #[test]
    fn the_exceptions_file_parses_and_every_entry_has_a_reason() {
        let list = exceptions();
        assert!(list.iter().all(|e| !e.reason.trim().is_empty()));
        let mut keys: Vec<_> = list
            .iter()
            .map(|e| (&e.provider, &e.operation, &e.prism, &e.mode))
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "an exception listed twice");
    }
}
