//! What the generated typed mock servers share (feature `mock`, #18): each client
//! crate's generated `mock` module wraps these in one typed `when`/`then` pair per
//! operation; this module holds the matching and answering, written once.
//!
//! The expected request is encoded with the client's own encoders, never a copy of
//! them: a path value with progenitor's `encode_path`, a query value through
//! `progenitor_client::QueryParam` on a `reqwest` request (the URL it builds is read
//! back), a form body with progenitor's `form_urlencoded`, a multipart body with
//! [`crate::hooks::multipart_with`] (what the client's hooks send). So a mock matches
//! exactly what the client sends for the same typed values.
//!
//! [`Server::start`] mounts a lowest-priority fallback: a request no mock matches gets
//! a `404` whose JSON body (and headers [`UNMATCHED_HEADER`], [`CLOSEST_HEADER`]) names
//! the request and the operation it looks closest to.

use std::fmt::Display;
use std::sync::OnceLock;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

/// The mock server library underneath, for what the typed API does not cover.
pub use wiremock;

/// One operation of a client, as a mock server matches and names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The operationId (the `Client` method's name).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, relative to the base URL (`/carriers/{carrier_id}`).
    pub path: &'static str,
}

/// A running mock server for one client's operations (the generated `MockServer`
/// derefs to it).
#[derive(Debug)]
pub struct Server {
    inner: wiremock::MockServer,
}

impl Server {
    /// Starts a server on a free loopback port, with the fallback that answers a request
    /// no mock matches with a `404` naming the closest of `operations`.
    pub async fn start(operations: &'static [Operation]) -> Self {
        let inner = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Unmatched { operations })
            .with_priority(u8::MAX)
            .named("apikit mock: fallback for requests no mock matched")
            .mount(&inner)
            .await;
        Self { inner }
    }

    /// The base URL to point the client at (`Client::configured(&server.uri(), ...)`).
    pub fn uri(&self) -> String {
        self.inner.uri()
    }

    /// The wiremock server underneath.
    pub fn inner(&self) -> &wiremock::MockServer {
        &self.inner
    }

    /// Checks every mounted mock's `expect`, panicking with the unmet ones (wiremock
    /// also checks them when the server is dropped).
    pub async fn verify(&self) {
        self.inner.verify().await;
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.inner.received_requests().await.unwrap_or_default()
    }

    /// A mock of `when` answered by `then`, to be mounted with [`Registration::mount`].
    pub fn register(&self, when: When, then: Then) -> Registration<'_> {
        let operation = when.operation;
        let name = format!("{} ({} {})", operation.id, operation.method, operation.path);
        let mock = if when.errors.is_empty() {
            wiremock::Mock::given(when).respond_with(then).named(name)
        } else {
            // A `when` value the setter's type refused: every request of the operation
            // gets the reason, and any use of it fails `expect` (set to zero).
            let reason = format!(
                "apikit mock: invalid mock of `{}`: {}",
                operation.id,
                when.errors.join("; ")
            );
            let mut fits = When::new(operation);
            fits.errors.clear();
            let mut answer = Then::empty(500);
            answer.json(500, &json!({ "error": reason }));
            return Registration {
                server: self,
                mock: wiremock::Mock::given(fits)
                    .respond_with(answer)
                    .named(format!("{name}: {reason}"))
                    .expect(0),
                frozen: true,
            };
        };
        Registration {
            server: self,
            mock,
            frozen: false,
        }
    }
}

/// A mock ready to mount, with wiremock's settings.
#[must_use = "a mock does nothing until it is mounted"]
pub struct Registration<'s> {
    server: &'s Server,
    mock: wiremock::Mock,
    /// An invalid mock keeps its `expect(0)`.
    frozen: bool,
}

impl std::fmt::Debug for Registration<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

impl<'s> Registration<'s> {
    /// How many requests the mock must match (`1`, `1..`, `2..=3`): checked by
    /// [`Server::verify`] and when the server is dropped.
    pub fn expect<T: Into<wiremock::Times>>(mut self, times: T) -> Self {
        if !self.frozen {
            self.mock = self.mock.expect(times);
        }
        self
    }

    /// Answers at most `n` requests, then lets later mocks (or the fallback) answer.
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.mock = self.mock.up_to_n_times(n);
        self
    }

    /// wiremock's priority: 1 is tried first, the default is 5 (the fallback is 255).
    pub fn priority(mut self, priority: u8) -> Self {
        self.mock = self.mock.with_priority(priority);
        self
    }

    /// A name for the mock in verification failures (default: the operation).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.mock = self.mock.named(name);
        self
    }

    /// Mounts the mock for the server's lifetime.
    pub async fn mount(self) {
        self.mock.mount(&self.server.inner).await;
    }

    /// Mounts the mock until the guard is dropped (its `expect` is checked then).
    pub async fn mount_as_scoped(self) -> wiremock::MockGuard {
        self.mock.mount_as_scoped(&self.server.inner).await
    }
}

/// The expected request body, encoded as the client sends it.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    /// `application/json`: compared as JSON values.
    Json(Value),
    /// `application/x-www-form-urlencoded`: the encoded `name=value` pairs, in any order.
    Form(Vec<String>),
    /// `multipart/form-data`: the parts (headers and content), in any order.
    Multipart(Vec<Part>),
    /// Anything else: the bytes.
    Raw(Vec<u8>),
}

/// One part of a multipart body: its header lines and content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Part {
    headers: Vec<String>,
    content: Vec<u8>,
}

/// The untyped core of a generated `when`: the operation and what a request must
/// carry. Unset parts match anything.
#[derive(Debug, Clone)]
pub struct When {
    operation: Operation,
    path: Vec<(&'static str, String)>,
    /// Encoded key -> every encoded `key=value` pair the query must hold for it.
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<Body>,
    errors: Vec<String>,
}

/// One reqwest client to build expected requests with (never sends anything).
fn encoder() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// Where expected requests are built; nothing is ever sent there.
const NOWHERE: &str = "http://apikit-mock.invalid/";

impl When {
    /// Matches every request of `operation` (its method and path template).
    pub fn new(operation: Operation) -> Self {
        Self {
            operation,
            path: vec![],
            query: vec![],
            headers: vec![],
            body: None,
            errors: vec![],
        }
    }

    /// The path variable `name` must be `value`, escaped as the client escapes it
    /// (`progenitor_client::encode_path` of its `Display`).
    pub fn path<T: Display + ?Sized>(&mut self, name: &'static str, value: &T) -> &mut Self {
        let encoded = progenitor_client::encode_path(&value.to_string());
        self.path.retain(|(n, _)| *n != name);
        self.path.push((name, encoded));
        self
    }

    /// The query must carry `name` with exactly `value`, encoded by the client's own
    /// encoder (`progenitor_client::QueryParam` on a reqwest request, read back from the
    /// URL it builds): an array is every `name=item` pair the client sends for it, in any
    /// order, and no other value of `name`.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let pairs = |v: &dyn erased::Query| -> Result<Vec<String>, String> {
            let request = v
                .encode(encoder().get(NOWHERE), name)
                .build()
                .map_err(|e| e.to_string())?;
            Ok(request
                .url()
                .query()
                .unwrap_or_default()
                .split('&')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        };
        // The name as the encoder writes it: the key of a one-value pair.
        let key = pairs(&"x").map(|p| p.first().map(|s| key_of(s).to_owned()).unwrap_or_default());
        match (key, pairs(&value)) {
            (Ok(key), Ok(values)) => {
                self.query.retain(|(k, _)| *k != key);
                self.query.push((key, values));
            }
            (Err(e), _) | (_, Err(e)) => self
                .errors
                .push(format!("query parameter `{name}` does not encode: {e}")),
        }
        self
    }

    /// The request must carry header `name` with `value` (its `Display`, as the client
    /// sends it).
    pub fn header<T: Display + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string().into_bytes()));
        self
    }

    /// The body must be this JSON value (compared as JSON, not as text).
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match serde_json::to_value(body) {
            Ok(v) => self.body = Some(Body::Json(v)),
            Err(e) => self
                .errors
                .push(format!("the body does not serialize: {e}")),
        }
        self
    }

    /// The body must be this form (`application/x-www-form-urlencoded`, encoded by
    /// progenitor's `form_urlencoded` as the client does), pairs in any order.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        use progenitor_client::RequestBuilderExt;
        let built = RequestBuilderExt::<()>::form_urlencoded(encoder().post(NOWHERE), body)
            .map_err(|e| e.to_string())
            .and_then(|b| b.build().map_err(|e| e.to_string()));
        match built {
            Ok(request) => {
                let bytes = request
                    .body()
                    .and_then(reqwest::Body::as_bytes)
                    .unwrap_or_default();
                self.body = Some(Body::Form(form_pairs(bytes)));
            }
            Err(e) => self
                .errors
                .push(format!("the form body does not encode: {e}")),
        }
        self
    }

    /// The body must be this `multipart/form-data` form (the JSON object of `body`
    /// encoded part by part as the client's hooks do, `binary` fields as file parts),
    /// parts in any order.
    pub fn multipart<T: Serialize + ?Sized>(&mut self, body: &T, binary: &[&str]) -> &mut Self {
        let encoded = match serde_json::to_value(body) {
            Ok(Value::Object(fields)) => crate::hooks::multipart_with(&fields, binary),
            Ok(_) => Err("a multipart body must be a JSON object".to_owned()),
            Err(e) => Err(format!("the body does not serialize: {e}")),
        };
        match encoded.and_then(|(boundary, bytes)| {
            parts(&bytes, &boundary).ok_or_else(|| "unreadable multipart encoding".to_owned())
        }) {
            Ok(parts) => self.body = Some(Body::Multipart(parts)),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// The body must be exactly these bytes.
    pub fn bytes(&mut self, body: impl Into<Vec<u8>>) -> &mut Self {
        self.body = Some(Body::Raw(body.into()));
        self
    }

    /// Records a value a typed setter could not convert: the mock is then invalid (see
    /// [`Server::register`]).
    pub fn error(&mut self, message: impl Into<String>) -> &mut Self {
        self.errors.push(message.into());
        self
    }

    fn body_matches(&self, request: &wiremock::Request) -> bool {
        let content_type = request
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        match &self.body {
            None => true,
            Some(Body::Json(want)) => {
                serde_json::from_slice::<Value>(&request.body).is_ok_and(|got| got == *want)
            }
            Some(Body::Form(want)) => {
                content_type.starts_with("application/x-www-form-urlencoded")
                    && same_multiset(want.clone(), form_pairs(&request.body))
            }
            Some(Body::Multipart(want)) => {
                let Some(boundary) = boundary(content_type) else {
                    return false;
                };
                parts(&request.body, boundary).is_some_and(|got| same_multiset(want.clone(), got))
            }
            Some(Body::Raw(want)) => request.body == *want,
        }
    }
}

impl wiremock::Match for When {
    fn matches(&self, request: &wiremock::Request) -> bool {
        if !request
            .method
            .as_str()
            .eq_ignore_ascii_case(self.operation.method)
            || !path_matches(self.operation.path, &self.path, request.url.path())
        {
            return false;
        }
        let got: Vec<&str> = request
            .url
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|s| !s.is_empty())
            .collect();
        for (key, want) in &self.query {
            let values: Vec<&str> = got.iter().copied().filter(|g| key_of(g) == key).collect();
            if !same_multiset(want.iter().map(String::as_str).collect(), values) {
                return false;
            }
        }
        let headers = self.headers.iter().all(|(name, value)| {
            request
                .headers
                .get_all(name.as_str())
                .iter()
                .any(|v| v.as_bytes() == value.as_slice())
        });
        headers && self.body_matches(request)
    }
}

/// The key of an encoded `key=value` pair.
fn key_of(pair: &str) -> &str {
    pair.split_once('=').map_or(pair, |(k, _)| k)
}

/// `QueryParam` over a value of any type, behind `dyn` (so one closure encodes both the
/// probe and the value).
mod erased {
    pub trait Query {
        fn encode(&self, builder: reqwest::RequestBuilder, name: &str) -> reqwest::RequestBuilder;
    }
    impl<T: serde::Serialize + ?Sized> Query for &T {
        fn encode(&self, builder: reqwest::RequestBuilder, name: &str) -> reqwest::RequestBuilder {
            builder.query(&progenitor_client::QueryParam::new(name, self))
        }
    }
}

fn same_multiset<T: Ord>(mut a: Vec<T>, mut b: Vec<T>) -> bool {
    a.sort();
    b.sort();
    a == b
}

fn form_pairs(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<&str> {
    if !content_type.starts_with("multipart/form-data") {
        return None;
    }
    content_type.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("boundary=")
            .map(|b| b.trim_matches('"'))
    })
}

/// The parts of a multipart body: each one's header lines (sorted) and content.
fn parts(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let mut out = vec![];
    let mut rest = body.strip_prefix(d)?;
    loop {
        if rest.starts_with(b"--") {
            return Some(out);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, d)?;
        let part = rest[..end].strip_suffix(b"\r\n")?;
        let split = find(part, b"\r\n\r\n")?;
        let mut headers: Vec<String> = String::from_utf8_lossy(&part[..split])
            .split("\r\n")
            .map(|h| h.to_ascii_lowercase())
            .collect();
        headers.sort();
        out.push(Part {
            headers,
            content: part[split + 4..].to_vec(),
        });
        rest = &rest[end + d.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A path template split into literal text and `{variables}`.
fn pieces(template: &str) -> Vec<(bool, &str)> {
    let mut out = vec![];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Whether `path` (as sent, percent-encoded) fits `template` with the variables in
/// `values` (already encoded) fixed and the others any non-empty segment text.
fn path_matches(template: &str, values: &[(&str, String)], path: &str) -> bool {
    fn go(pieces: &[(bool, &str)], values: &[(&str, String)], path: &str) -> bool {
        let Some(((is_var, text), rest)) = pieces.split_first() else {
            return path.is_empty();
        };
        if !is_var {
            return path.strip_prefix(text).is_some_and(|p| go(rest, values, p));
        }
        if let Some((_, v)) = values.iter().find(|(n, _)| n == text) {
            return path
                .strip_prefix(v.as_str())
                .is_some_and(|p| go(rest, values, p));
        }
        // Any non-empty text without `/`: try every length.
        let segment = path.find('/').unwrap_or(path.len());
        (1..=segment).any(|n| path.is_char_boundary(n) && go(rest, values, &path[n..]))
    }
    go(&pieces(template), values, path)
}

/// Response header of the fallback's `404`: the request no mock matched (`GET /x?y`).
pub const UNMATCHED_HEADER: &str = "x-apikit-mock-unmatched";
/// Response header of the fallback's `404`: the operationId closest to the request.
pub const CLOSEST_HEADER: &str = "x-apikit-mock-closest";

/// `s` with anything a header value cannot hold replaced by `?`.
fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// The fallback responder: a `404` naming the closest operation.
struct Unmatched {
    operations: &'static [Operation],
}

impl Unmatched {
    /// The operation `request` looks closest to: one whose method and path template fit
    /// beats one whose path fits, which beats one sharing the method and leading path
    /// segments; ties go to the first in the table.
    fn closest(&self, method: &str, path: &str) -> Option<(&'static Operation, bool)> {
        let segments: Vec<&str> = path.split('/').collect();
        let score = |op: &Operation| {
            let fits = path_matches(op.path, &[], path);
            let same_method = op.method.eq_ignore_ascii_case(method);
            let shared = op
                .path
                .split('/')
                .zip(&segments)
                .take_while(|(t, s)| t == *s || (t.starts_with('{') && t.ends_with('}')))
                .count();
            (fits, same_method, shared)
        };
        let mut best: Option<(&'static Operation, (bool, bool, usize))> = None;
        for op in self.operations {
            let s = score(op);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((op, s));
            }
        }
        best.map(|(op, (fits, same_method, _))| (op, fits && same_method))
    }
}

impl wiremock::Respond for Unmatched {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let method = request.method.as_str();
        let path = request.url.path();
        let shown = match request.url.query() {
            Some(q) => format!("{method} {path}?{q}"),
            None => format!("{method} {path}"),
        };
        let closest = self.closest(method, path);
        let body = match closest {
            Some((op, fits)) => {
                let hint = if fits {
                    format!(
                        "the request is a `{}` call, but no mounted mock of it matches its path values, query, headers or body",
                        op.id
                    )
                } else {
                    format!(
                        "no operation has this method and path; the closest is `{}` ({} {})",
                        op.id, op.method, op.path
                    )
                };
                json!({
                    "error": format!("apikit mock: no mock matched {shown}"),
                    "closest_operation": op.id,
                    "closest": format!("{} {}", op.method, op.path),
                    "hint": hint,
                })
            }
            None => json!({ "error": format!("apikit mock: no mock matched {shown}") }),
        };
        // The same in headers: a client that decodes 404 as its documented error type
        // may not keep unknown fields of the body.
        let mut t = wiremock::ResponseTemplate::new(404)
            .insert_header(UNMATCHED_HEADER, header_safe(&shown));
        if let Some((op, _)) = closest {
            t = t.insert_header(CLOSEST_HEADER, header_safe(op.id));
        }
        t.set_body_json(body)
    }
}

/// The untyped core of a generated `then`: the response a mock answers with.
#[derive(Debug, Clone)]
pub struct Then {
    status: u16,
    body: Option<(Vec<u8>, String)>,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    delay: Option<Duration>,
    /// A header [`Then::header`] could not send: answered as a `500` naming it.
    error: Option<String>,
}

impl Then {
    /// An empty response with `status`.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            headers: vec![],
            delay: None,
            error: None,
        }
    }

    /// Answers `status` with no body.
    pub fn status(&mut self, status: u16) -> &mut Self {
        self.status = status;
        self.body = None;
        self
    }

    /// Answers `status` with `body` as JSON. A body that does not serialize answers
    /// `500` with the reason instead.
    pub fn json<T: Serialize + ?Sized>(&mut self, status: u16, body: &T) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.status = status;
                self.body = Some((bytes, "application/json".to_owned()));
            }
            Err(e) => {
                self.status = 500;
                let reason =
                    json!({ "error": format!("apikit mock: the body does not serialize: {e}") });
                self.body = Some((
                    reason.to_string().into_bytes(),
                    "application/json".to_owned(),
                ));
            }
        }
        self
    }

    /// Answers `status` with `body` as `content_type`.
    pub fn raw(&mut self, status: u16, body: impl Into<Vec<u8>>, content_type: &str) -> &mut Self {
        self.status = status;
        self.body = Some((body.into(), content_type.to_owned()));
        self
    }

    /// Adds a response header. A name or value HTTP cannot carry makes the mock answer
    /// `500` naming it.
    pub fn header(&mut self, name: &str, value: impl Display) -> &mut Self {
        let value = value.to_string();
        match (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            (Ok(n), Ok(v)) => self.headers.push((n, v)),
            _ => {
                self.error = Some(format!(
                    "apikit mock: `{name}: {value}` is not a valid response header"
                ))
            }
        }
        self
    }

    /// Answers only after `delay` (to test timeouts).
    pub fn delay(&mut self, delay: Duration) -> &mut Self {
        self.delay = Some(delay);
        self
    }
}

impl wiremock::Respond for Then {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        if let Some(error) = &self.error {
            return wiremock::ResponseTemplate::new(500).set_body_json(json!({ "error": error }));
        }
        let mut t = wiremock::ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            t = t.insert_header(name.clone(), value.clone());
        }
        if let Some((body, content_type)) = &self.body {
            // A media type that is no header value (a malformed spec) goes as bytes.
            let mime = if http::HeaderValue::from_str(content_type).is_ok() {
                content_type.as_str()
            } else {
                "application/octet-stream"
            };
            t = t.set_body_raw(body.clone(), mime);
        }
        if let Some(d) = self.delay {
            t = t.set_delay(d);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_match_with_fixed_and_free_variables() {
        let t = "/carriers/{carrier_id}/services/{id}.json";
        assert!(path_matches(t, &[], "/carriers/se-1/services/x.json"));
        assert!(!path_matches(t, &[], "/carriers//services/x.json"));
        let fixed = [("carrier_id", "a%20b".to_owned())];
        assert!(path_matches(t, &fixed, "/carriers/a%20b/services/x.json"));
        assert!(!path_matches(t, &fixed, "/carriers/a+b/services/x.json"));
        assert!(!path_matches(t, &[], "/carriers/a/b/services/x.json"));
    }

    #[test]
    fn a_bad_response_header_answers_500_instead_of_panicking() {
        let mut then = Then::empty(200);
        then.header("bad header", "x").header("x-ok", "line\nbreak");
        let request = wiremock::Request {
            url: "http://x.test/".parse().unwrap(),
            method: http::Method::GET,
            headers: http::HeaderMap::new(),
            body: vec![],
        };
        let _ = wiremock::Respond::respond(&then, &request);
        assert!(then.error.is_some());
        let mut odd = Then::empty(200);
        odd.raw(200, "x", "text/\nplain");
        let _ = wiremock::Respond::respond(&odd, &request);
    }

    #[test]
    fn multipart_bodies_split_into_parts() {
        let fields = serde_json::json!({"a": "1", "file": "x"});
        let (boundary, body) =
            crate::hooks::multipart_with(fields.as_object().unwrap(), &["file"]).unwrap();
        let got = parts(&body, &boundary).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].content, b"1");
        assert_eq!(got[1].content, b"x");
        assert!(parts(b"garbage", &boundary).is_none());
    }

    #[test]
    fn the_closest_operation_prefers_a_fitting_path_and_method() {
        static OPS: [Operation; 3] = [
            Operation {
                id: "list",
                method: "GET",
                path: "/carriers",
            },
            Operation {
                id: "get",
                method: "GET",
                path: "/carriers/{id}",
            },
            Operation {
                id: "delete",
                method: "DELETE",
                path: "/carriers/{id}",
            },
        ];
        let u = Unmatched { operations: &OPS };
        assert_eq!(u.closest("DELETE", "/carriers/7").unwrap().0.id, "delete");
        assert!(u.closest("DELETE", "/carriers/7").unwrap().1);
        assert_eq!(u.closest("GET", "/carriers/7/x").unwrap().0.id, "get");
        assert!(!u.closest("GET", "/carriers/7/x").unwrap().1);
    }
}
