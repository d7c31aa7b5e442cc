//! The `jwks-fetch` key source against an in-process HTTP server (wiremock on
//! 127.0.0.1; no real network): caching by kid, refetch on an unknown kid, the rate
//! limit, non-RSA keys ignored, fetch failures reported.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apikit::webhooks::Error;
use apikit::webhooks::shipengine::{Event, FetchingVerifier, JwksFetcher};
use apikit::webhooks::test_util::ShipEngineSigner;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_A: &str = include_str!("fixtures/shipengine_test_key.pem");
const KEY_B: &str = include_str!("fixtures/shipengine_other_key.pem");
const BODY: &[u8] =
    br#"{"resource_url":"https://api.shipengine.com/v1/batches/se-1","resource_type":"API_BATCH"}"#;
const TS: &str = "2024-04-04T15:48:44Z";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_712_245_724)
}

/// A JWKS with an EC key first (ignored) and the signers' RSA keys.
fn jwks(signers: &[&ShipEngineSigner]) -> serde_json::Value {
    let mut keys = vec![serde_json::json!({
        "kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    })];
    for s in signers {
        let doc: serde_json::Value = serde_json::from_str(&s.jwks_json()).unwrap();
        keys.push(doc["keys"][0].clone());
    }
    serde_json::json!({ "keys": keys })
}

async fn serve(server: &MockServer, body: serde_json::Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn fetches_once_then_serves_from_cache() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let verifier = FetchingVerifier::new(JwksFetcher::new(format!("{}/jwks", server.uri())));
    for _ in 0..3 {
        let event = verifier
            .verify_at(&a.headers(TS, BODY), BODY, now())
            .await
            .unwrap();
        assert!(matches!(event, Event::Batch(_)));
    }
    // The EC key was ignored, the RSA key cached.
    let cached = verifier.fetcher().cached();
    assert_eq!(cached.key_ids().collect::<Vec<_>>(), ["kid-a"]);
    // `.expect(1)` on the mock is checked when the server drops.
}

#[tokio::test]
async fn unknown_kid_triggers_a_refresh_for_rotation() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let b = ShipEngineSigner::from_pem("kid-b", KEY_B).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher =
        JwksFetcher::new(format!("{}/jwks", server.uri())).min_refresh_interval(Duration::ZERO);
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();

    // The provider rotates to kid-b; the first request with kid-b refetches.
    server.reset().await;
    serve(&server, jwks(&[&b]), 1).await;
    verifier
        .verify_at(&b.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    // kid-a is gone from the new document, so it is no longer trusted.
    server.reset().await;
    serve(&server, jwks(&[&b]), 1).await;
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::UnknownKeyId { kid }) if kid == "kid-a"
    ));
}

#[tokio::test]
async fn refreshes_are_rate_limited() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let forged = ShipEngineSigner::from_pem("forged-kid", KEY_B).unwrap();
    // Exactly one fetch, whatever the number of unknown kids.
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = JwksFetcher::new(format!("{}/jwks", server.uri()))
        .min_refresh_interval(Duration::from_secs(3600));
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            verifier
                .verify_at(&forged.headers(TS, BODY), BODY, now())
                .await,
            Err(Error::UnknownKeyId { .. })
        ));
    }
    // Concurrent requests with an unknown kid on a cold cache share one fetch too.
    let server2 = MockServer::start().await;
    serve(&server2, jwks(&[&a]), 1).await;
    let cold = FetchingVerifier::new(JwksFetcher::new(format!("{}/jwks", server2.uri())));
    let headers = a.headers(TS, BODY);
    let results = futures_join(&cold, &headers).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

async fn futures_join(
    verifier: &FetchingVerifier,
    headers: &http::HeaderMap,
) -> Vec<Result<Event, Error>> {
    let (r1, r2, r3) = tokio::join!(
        verifier.verify_at(headers, BODY, now()),
        verifier.verify_at(headers, BODY, now()),
        verifier.verify_at(headers, BODY, now()),
    );
    vec![r1, r2, r3]
}

#[tokio::test]
async fn stale_requests_and_failures_cost_no_successful_fetch() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let verifier = FetchingVerifier::new(JwksFetcher::new(format!("{}/jwks", server.uri())));
    // Stale: rejected before any fetch.
    let stale = now() + Duration::from_secs(3600);
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, stale).await,
        Err(Error::TimestampTooOld { .. })
    ));
    // Server error: reported as KeyFetch.
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::KeyFetch(msg)) if msg.contains("500")
    ));
    // Within the default 60 s window, no second attempt: the kid is just unknown.
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::UnknownKeyId { .. })
    ));
}

#[tokio::test]
async fn refresh_warms_the_cache() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = JwksFetcher::new(format!("{}/jwks", server.uri()));
    assert!(fetcher.cached().is_empty());
    let jwks = fetcher.refresh().await.unwrap();
    assert!(jwks.contains("kid-a"));
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
}
