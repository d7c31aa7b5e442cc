//! `axum` integration (feature `axum`): an extractor that reads the raw body, verifies
//! it and yields the typed event, or rejects the request with the right status.
//!
//! ```
//! use apikit::webhooks::{axum::Verified, snyk};
//! use axum::{Router, routing::post};
//!
//! async fn snyk_hook(Verified(delivery): Verified<snyk::Verifier>) -> &'static str {
//!     match delivery.event {
//!         snyk::Event::ProjectSnapshot(s) => println!("{} new issues", s.new_issues.len()),
//!         _ => {}
//!     }
//!     "ok"
//! }
//!
//! # fn app() -> Result<Router, apikit::webhooks::Error> {
//! let app = Router::new()
//!     .route("/hooks/snyk", post(snyk_hook))
//!     .with_state(snyk::Verifier::new("my-secret-string")?);
//! # Ok(app) }
//! ```
//!
//! With several providers, keep the verifiers in your state struct and implement
//! `axum::extract::FromRef` for each (see `examples/webhook_server.rs`).
//!
//! Statuses: ShipEngine's documentation asks for **404** when its signature headers
//! are missing and **400** when the timestamp is out of tolerance; a wrong Snyk API &
//! Web path token is **404** with an empty body, like an unknown route; every other
//! verification failure, for every provider, is **401**. A verified payload that does
//! not parse is **400**, and a JWKS that cannot be fetched (or is not trusted any
//! more and cannot be refetched yet) is **503**, so the provider retries. The body of
//! a rejection is the [`Error`]'s message, which never contains a secret.
//!
//! The extractor does not check for replays; see [`replay`](super::replay) for what
//! each provider's signature covers and a guard to call in the handler.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, Uri};

use super::{Error, colorme, sendgrid, shipengine, snyk, snyk_api_web};

/// A verifier usable by the [`Verified`] extractor.
pub trait WebhookVerifier: Send + Sync {
    /// What a verified request yields.
    type Event: Send;

    /// Verifies the request and parses its body.
    fn verify_request(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
        body: &[u8],
    ) -> impl Future<Output = Result<Self::Event, Error>> + Send;

    /// The response status for a failure (see the module docs).
    fn rejection_status(&self, error: &Error) -> StatusCode {
        default_status(error)
    }

    /// The response body for a failure: the error's message (never a secret).
    fn rejection_message(&self, error: &Error) -> String {
        error.to_string()
    }
}

/// 400 for unparseable payloads, 503 for key fetch failures, 401 for the rest
/// (including [`Error::Replayed`], should a handler map a replay guard's refusal).
pub fn default_status(error: &Error) -> StatusCode {
    match error {
        Error::Parse { .. } => StatusCode::BAD_REQUEST,
        Error::KeyFetch(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNAUTHORIZED,
    }
}

/// ShipEngine's statuses: 404 for missing headers, 400 for a timestamp out of
/// tolerance, otherwise [`default_status`].
pub fn shipengine_status(error: &Error) -> StatusCode {
    match error {
        Error::MissingHeader(_) => StatusCode::NOT_FOUND,
        Error::TimestampTooOld { .. } | Error::TimestampInFuture { .. } => StatusCode::BAD_REQUEST,
        other => default_status(other),
    }
}

/// Extractor: the verified, typed event of a webhook request. The verifier `V` comes
/// from the router state (`V: FromRef<S>`).
#[derive(Debug, Clone)]
pub struct Verified<V: WebhookVerifier>(pub V::Event);

/// Why [`Verified`] rejected a request.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    message: String,
    error: Option<Error>,
}

impl Rejection {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The verification error, or `None` when the body could not be read.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (self.status, self.message).into_response()
    }
}

impl<S, V> FromRequest<S> for Verified<V>
where
    S: Send + Sync,
    V: WebhookVerifier + FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = V::from_ref(state);
        let headers = req.headers().clone();
        let uri = req.uri().clone();
        // `Bytes` honours axum's body size limit (`DefaultBodyLimit`, 2 MB by default).
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| Rejection {
                status: e.status(),
                message: e.body_text(),
                error: None,
            })?;
        match verifier.verify_request(&headers, &uri, &body).await {
            Ok(event) => Ok(Verified(event)),
            Err(error) => Err(Rejection {
                status: verifier.rejection_status(&error),
                message: verifier.rejection_message(&error),
                error: Some(error),
            }),
        }
    }
}

impl WebhookVerifier for snyk::Verifier {
    type Event = snyk::Delivery;
    async fn verify_request(
        &self,
        headers: &HeaderMap,
        _: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify(headers, body)
    }
}

impl WebhookVerifier for sendgrid::Verifier {
    type Event = Vec<sendgrid::Event>;
    async fn verify_request(
        &self,
        headers: &HeaderMap,
        _: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify(headers, body)
    }
}

impl WebhookVerifier for colorme::Verifier {
    type Event = colorme::Event;
    async fn verify_request(
        &self,
        headers: &HeaderMap,
        _: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify(headers, body)
    }
}

impl WebhookVerifier for shipengine::Verifier {
    type Event = shipengine::Event;
    async fn verify_request(
        &self,
        headers: &HeaderMap,
        _: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify(headers, body)
    }
    fn rejection_status(&self, error: &Error) -> StatusCode {
        shipengine_status(error)
    }
}

#[cfg(feature = "jwks-fetch")]
impl WebhookVerifier for shipengine::FetchingVerifier {
    type Event = shipengine::Event;
    async fn verify_request(
        &self,
        headers: &HeaderMap,
        _: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify(headers, body).await
    }
    fn rejection_status(&self, error: &Error) -> StatusCode {
        shipengine_status(error)
    }
}

/// Snyk API & Web sends no signature: the extractor accepts the request when a segment
/// of its **path** is the secret token (route it as e.g. `/hooks/probely/{token}`), then
/// parses the body.
///
/// A wrong token is answered like an unknown route (**404**, empty body): a 401 would
/// tell a scanner that the endpoint exists and only the token is missing.
impl WebhookVerifier for snyk_api_web::PathToken {
    type Event = snyk_api_web::Event;
    async fn verify_request(
        &self,
        _: &HeaderMap,
        uri: &Uri,
        body: &[u8],
    ) -> Result<Self::Event, Error> {
        self.verify_path(uri.path())?;
        snyk_api_web::parse(body)
    }
    fn rejection_status(&self, error: &Error) -> StatusCode {
        match error {
            Error::SignatureMismatch => StatusCode::NOT_FOUND,
            other => default_status(other),
        }
    }
    fn rejection_message(&self, error: &Error) -> String {
        match error {
            Error::SignatureMismatch => String::new(),
            other => other.to_string(),
        }
    }
}
