//! The `axum` extractor: verified requests reach the handler typed; failures get the
//! statuses the module documents (ShipEngine 404/400, others 401, parse 400).

use std::time::{SystemTime, UNIX_EPOCH};

use apikit::webhooks::axum::Verified;
use apikit::webhooks::test_util::{self, SendGridSigner, ShipEngineSigner};
use apikit::webhooks::{colorme, sendgrid, shipengine, snyk, snyk_api_web};
use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::routing::post;
use http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

#[derive(Clone)]
struct State {
    snyk: snyk::Verifier,
    sendgrid: sendgrid::Verifier,
    shipengine: shipengine::Verifier,
    colorme: colorme::Verifier,
    probely: snyk_api_web::PathToken,
}

// Hand-written FromRef impls (axum's derive macro needs the `macros` feature).
macro_rules! from_ref {
    ($($field:ident: $ty:ty),*) => {$(
        impl FromRef<State> for $ty {
            fn from_ref(s: &State) -> Self { s.$field.clone() }
        }
    )*};
}
from_ref!(snyk: snyk::Verifier, sendgrid: sendgrid::Verifier, shipengine: shipengine::Verifier,
          colorme: colorme::Verifier, probely: snyk_api_web::PathToken);

const TOKEN: &str = "d69179e3b06549469817560c650be98f";
const SE_KEY: &str = include_str!("fixtures/shipengine_test_key.pem");

fn app() -> Router {
    let signer = SendGridSigner::from_seed([7; 32]).unwrap();
    let se = ShipEngineSigner::from_pem("k1", SE_KEY).unwrap();
    let state = State {
        snyk: snyk::Verifier::new("snyk-secret").unwrap(),
        sendgrid: signer.verifier().unwrap(),
        shipengine: shipengine::Verifier::new(se.jwks().unwrap()),
        colorme: colorme::Verifier::new("colorme-secret").unwrap(),
        probely: snyk_api_web::PathToken::new(TOKEN).unwrap(),
    };
    Router::new()
        .route(
            "/snyk",
            post(|Verified(d): Verified<snyk::Verifier>| async move { format!("{}/{}", d.name, d.version) }),
        )
        .route(
            "/sendgrid",
            post(|Verified(events): Verified<sendgrid::Verifier>| async move { events.len().to_string() }),
        )
        .route(
            "/shipengine",
            post(|Verified(e): Verified<shipengine::Verifier>| async move {
                matches!(e, shipengine::Event::Batch(_)).to_string()
            }),
        )
        .route(
            "/colorme",
            post(|Verified(e): Verified<colorme::Verifier>| async move {
                match e {
                    colorme::Event::Install(_) => axum::response::IntoResponse::into_response(
                        colorme::InstallResponse::new("https://app.example.com/"),
                    ),
                    _ => axum::response::IntoResponse::into_response("ok"),
                }
            }),
        )
        .route(
            "/probely/{token}",
            post(|Verified(e): Verified<snyk_api_web::PathToken>| async move {
                matches!(e, snyk_api_web::Event::ScanCompleted(_)).to_string()
            }),
        )
        .with_state(state)
}

async fn send(uri: &str, headers: HeaderMap, body: &[u8]) -> (StatusCode, String) {
    let mut req = Request::post(uri).body(Body::from(body.to_vec())).unwrap();
    *req.headers_mut() = headers;
    let resp = app().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn snyk_statuses() {
    let body = br#"{"webhookId":"w"}"#;
    let ok = send(
        "/snyk",
        test_util::snyk_headers(b"snyk-secret", "ping/v0", body),
        body,
    )
    .await;
    assert_eq!(ok, (StatusCode::OK, "ping/v0".to_owned()));
    let wrong = send(
        "/snyk",
        test_util::snyk_headers(b"nope", "ping/v0", body),
        body,
    )
    .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.1, "signature does not match");
    assert_eq!(
        send("/snyk", HeaderMap::new(), body).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Verified but not the documented shape: 400.
    let bad = br#"{"webhookId":1}"#;
    let resp = send(
        "/snyk",
        test_util::snyk_headers(b"snyk-secret", "ping/v0", bad),
        bad,
    )
    .await;
    assert_eq!(resp.0, StatusCode::BAD_REQUEST);
    assert!(resp.1.contains("webhookId"), "{}", resp.1);
}

#[tokio::test]
async fn sendgrid_statuses() {
    let signer = SendGridSigner::from_seed([7; 32]).unwrap();
    let body = br#"[{"email":"a@b.c","timestamp":1,"event":"open"},{"email":"a@b.c","timestamp":1,"event":"click"}]"#;
    let now = unix_now();
    assert_eq!(
        send("/sendgrid", signer.headers(now, body), body).await,
        (StatusCode::OK, "2".to_owned())
    );
    assert_eq!(
        send("/sendgrid", signer.headers(now - 3600, body), body)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let other = SendGridSigner::from_seed([8; 32]).unwrap();
    assert_eq!(
        send("/sendgrid", other.headers(now, body), body).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn shipengine_statuses_follow_its_docs() {
    let se = ShipEngineSigner::from_pem("k1", SE_KEY).unwrap();
    let body = br#"{"resource_url":"u","resource_type":"API_BATCH"}"#;
    let now = chrono::Utc::now();
    let ts = now.to_rfc3339();
    assert_eq!(
        send("/shipengine", se.headers(&ts, body), body).await,
        (StatusCode::OK, "true".to_owned())
    );
    // Missing headers: 404.
    assert_eq!(
        send("/shipengine", HeaderMap::new(), body).await.0,
        StatusCode::NOT_FOUND
    );
    let mut partial = se.headers(&ts, body);
    partial.remove(shipengine::SIGNATURE_HEADER);
    assert_eq!(
        send("/shipengine", partial, body).await.0,
        StatusCode::NOT_FOUND
    );
    // Stale or future timestamp: 400.
    let stale = (now - chrono::Duration::minutes(6)).to_rfc3339();
    assert_eq!(
        send("/shipengine", se.headers(&stale, body), body).await.0,
        StatusCode::BAD_REQUEST
    );
    let future = (now + chrono::Duration::minutes(6)).to_rfc3339();
    assert_eq!(
        send("/shipengine", se.headers(&future, body), body).await.0,
        StatusCode::BAD_REQUEST
    );
    // Bad signature: 401.
    assert_eq!(
        send("/shipengine", se.headers(&ts, b"{}"), body).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn colorme_install_gets_redirect_url() {
    let body = br#"{"account_id":"PA00000001","mail":"shop@example.com"}"#;
    let (status, text) = send(
        "/colorme",
        test_util::colorme_headers(b"colorme-secret", body),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, r#"{"redirect_url":"https://app.example.com/"}"#);
    let wrong = send("/colorme", test_util::colorme_headers(b"other", body), body).await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn probely_path_token() {
    let body = br#"{"id":"e","event_type":"scan_completed","occurred_at":"2023-08-09T13:27:43.8208302","content":{"id":"s"}}"#;
    let ok = send(&format!("/probely/{TOKEN}"), HeaderMap::new(), body).await;
    assert_eq!(ok, (StatusCode::OK, "true".to_owned()));
    let guess = send(
        "/probely/0123456789abcdef0123456789abcdef",
        HeaderMap::new(),
        body,
    )
    .await;
    // A wrong token looks exactly like a route that does not exist (404, same body),
    // so a scanner cannot tell that the endpoint is there.
    assert_eq!(guess.0, StatusCode::NOT_FOUND);
    let missing = send("/no-such-route", HeaderMap::new(), body).await;
    assert_eq!(guess, missing);
    // With the right token, a body that does not parse is still 400.
    let bad = send(&format!("/probely/{TOKEN}"), HeaderMap::new(), b"{").await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST);
}

/// A JWKS that cannot be had is the key source's fault: 503 so ShipEngine retries,
/// for the failing fetch and for the requests inside the rate-limit window after it,
/// and for a document that does not parse.
#[tokio::test]
async fn unavailable_key_source_answers_503() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let se = ShipEngineSigner::from_pem("k1", SE_KEY).unwrap();
    let body = br#"{"resource_url":"u","resource_type":"API_BATCH"}"#;
    let ts = chrono::Utc::now().to_rfc3339();
    for reply in [
        ResponseTemplate::new(500),
        ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(reply)
            .expect(1)
            .mount(&server)
            .await;
        let fetcher =
            shipengine::JwksFetcher::new(format!("{}/jwks", server.uri())).allow_http(true);
        let app = Router::new()
            .route(
                "/shipengine",
                post(|Verified(_): Verified<shipengine::FetchingVerifier>| async { "ok" }),
            )
            .with_state(shipengine::FetchingVerifier::new(fetcher));
        for _ in 0..2 {
            let mut req = Request::post("/shipengine")
                .body(Body::from(body.to_vec()))
                .unwrap();
            *req.headers_mut() = se.headers(&ts, body);
            let resp = app.clone().oneshot(req).await.unwrap();
            assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        }
    }
}
