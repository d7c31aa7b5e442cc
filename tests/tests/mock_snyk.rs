//! The Snyk v1 client against an in-process mock server: `Authorization: token`, a JSON
//! body, typed success bodies, the error reference (header and body) and 429.

use std::time::Duration;

use apikit_snyk::{ApiError, Client, Config, ErrorReference, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "snyk-token-456";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    // One attempt per call: these tests look at how each response decodes; retries
    // are covered by runtime_faults.rs.
    let config = Config::default().retry(RetryPolicy::none());
    let client = Client::configured(&server.uri(), TOKEN, config).expect("valid credential");
    (server, client)
}

#[tokio::test]
async fn sends_the_token_authorization_header_and_decodes_orgs() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/orgs"))
        .and(header("authorization", "token snyk-token-456"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "orgs": [{"id": "o1", "name": "Acme", "slug": "acme", "added_later": true}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let orgs = client.list_orgs().send().await.unwrap().into_inner();
    assert_eq!(orgs.orgs.len(), 1);
    assert_eq!(orgs.orgs[0].name.as_deref(), Some("Acme"));
    assert!(!format!("{client:?}").contains(TOKEN));
    assert_eq!(apikit_snyk::servers::DEFAULT, "https://api.snyk.io/v1");
}

#[tokio::test]
async fn webhooks_are_typed() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/org/o1/webhooks"))
        .and(body_json(
            json!({"url": "https://hooks.example.test/snyk", "secret": "s"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "w1", "url": "https://hooks.example.test/snyk"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/org/o1/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [{"id": "w1", "url": "https://hooks.example.test/snyk"}], "total": 1
        })))
        .mount(&server)
        .await;
    let created = client
        .create_webhook()
        .org_id("o1")
        .body_map(|b| {
            b.url("https://hooks.example.test/snyk".to_owned())
                .secret("s".to_owned())
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("w1"));
    let list = client.list_webhooks().org_id("o1").send().await.unwrap();
    assert_eq!(list.total, Some(1.0));
    assert_eq!(
        list.results[0].url.as_deref(),
        Some("https://hooks.example.test/snyk")
    );
}

#[tokio::test]
async fn the_error_reference_comes_from_the_header_or_the_body() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/org/o1/project/p1"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-error-reference", "ref-from-header")
                .set_body_json(json!({"message": "not found", "errorRef": "ref-from-body"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/org/o1/project/p1"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"message": "boom", "errorRef": "ref-from-body"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/org/o1/project/p1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "60"))
        .mount(&server)
        .await;
    let call = || client.get_project().org_id("o1").project_id("p1").send();

    let e = call().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(e.error_ref().as_deref(), Some("ref-from-header"));

    let e = call().await.unwrap_err();
    assert!(matches!(e, ApiError::Status { .. }), "{e:?}");
    assert!(e.status().unwrap().is_server_error());
    assert_eq!(e.error_ref().as_deref(), Some("ref-from-body"));

    match call().await.unwrap_err() {
        ApiError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(60)));
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
}
