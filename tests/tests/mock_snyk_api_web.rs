//! The Snyk API & Web client against an in-process mock server: the `JWT` auth header,
//! a paged list streamed across pages, a PDF report streamed to memory, webhook URL
//! validation before sending, typed errors and 429.

use std::time::Duration;

use apikit_snyk_api_web::types::Webhook;
use apikit_snyk_api_web::{ApiError, Client, Config, RetryPolicy, write_to};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "jwt-key-123";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    // One attempt per call: these tests look at how each response decodes; retries
    // are covered by runtime_faults.rs.
    let config = Config::default().retry(RetryPolicy::none());
    let client = Client::configured(&server.uri(), KEY, config).expect("valid credential");
    (server, client)
}

fn page(n: i64, total: i64, ids: &[&str]) -> serde_json::Value {
    let results: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "name": format!("target {id}")}))
        .collect();
    json!({"count": 5, "page": n, "length": 2, "page_total": total, "results": results})
}

#[tokio::test]
async fn sends_the_jwt_authorization_header() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/account/"))
        .and(header("authorization", "JWT jwt-key-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"balance": 3})))
        .expect(1)
        .mount(&server)
        .await;
    let account = client.retrieve_account().send().await.unwrap();
    assert!(account.balance.is_some());
    assert!(
        !format!("{client:?}").contains(KEY),
        "Debug must not show the key"
    );
}

#[tokio::test]
async fn a_paged_list_streams_every_page_lazily() {
    let (server, client) = setup().await;
    for (n, ids) in [(1, vec!["a", "b"]), (2, vec!["c", "d"]), (3, vec!["e"])] {
        Mock::given(method("GET"))
            .and(path("/targets/"))
            .and(query_param("page", n.to_string()))
            .and(query_param("length", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(n, 3, &ids)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut stream = client.list_targets().length(2).stream();
    // Only the first page is fetched for the first item.
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref().map(|s| s.as_str()), Some("a"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    let ids: Vec<String> = rest
        .iter()
        .map(|t| t.id.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["b", "c", "d", "e"]);
    // Page 3 is page_total: no request for page 4.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_and_ends_it() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/targets/"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, 4, &["a"])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/targets/"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "no access"})))
        .mount(&server)
        .await;
    let got: Vec<_> = client.list_targets().stream().collect().await;
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    match &got[1] {
        Err(progenitor_client::Error::ErrorResponse(e)) => {
            assert_eq!(e.status(), 401);
            assert_eq!(e.detail.as_deref(), Some("no access"));
        }
        other => panic!("expected the documented 401, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pdf_report_streams_to_a_writer() {
    let (server, client) = setup().await;
    let pdf: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .cycle()
        .take(256 * 1024)
        .collect();
    Mock::given(method("GET"))
        .and(path("/targets/t1/scans/s1/report/"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf"))
        .mount(&server)
        .await;
    let body = client
        .retrieve_scan_report()
        .target_id("t1".to_owned())
        .id("s1".to_owned())
        .send()
        .await
        .unwrap()
        .into_inner();
    let mut out = Vec::new();
    let n = write_to(body, &mut out).await.unwrap();
    assert_eq!(n, pdf.len() as u64);
    assert_eq!(out, pdf);
}

/// The spec's `^https://` pattern on a webhook URL is the server's to check (smithy-rs
/// RFC 0025): the client sends an `http://` URL as given, and the server's answer is
/// what the caller sees.
#[tokio::test]
async fn a_webhook_url_the_pattern_rejects_is_still_sent_and_the_server_decides() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/webhooks/"))
        .and(body_partial_json(
            json!({"url": "http://hooks.example.test/x"}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"url": ["must be https"]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks/"))
        .and(body_partial_json(
            json!({"url": "https://hooks.example.test/x"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"url": "https://hooks.example.test/x"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .create_account_webhook()
        .body(Webhook::builder().url("http://hooks.example.test/x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
    let created = client
        .create_account_webhook()
        .body(Webhook::builder().url("https://hooks.example.test/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.url.as_str(), "https://hooks.example.test/x");
}

#[tokio::test]
async fn errors_are_typed_and_429_carries_the_retry_hint() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/account/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "bad token"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/account/"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "9"))
        .mount(&server)
        .await;
    match client.retrieve_account().send().await.unwrap_err() {
        ApiError::Documented { status, body, .. } => {
            assert_eq!(status, 401);
            assert_eq!(body.detail.as_deref(), Some("bad token"));
        }
        other => panic!("expected the documented 401, got {other:?}"),
    }
    match client.retrieve_account().send().await.unwrap_err() {
        ApiError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(9)));
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
}
