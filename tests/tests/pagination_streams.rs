//! Every pagination style the providers use, through the generated `stream()`s against
//! wiremock: pages are fetched lazily, in order, and the stream stops where it should.
//! (Snyk API & Web's page/page_total streams are in mock_snyk_api_web.rs.)

use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "page-key";

async fn requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn shorten_rest_follows_last_id_as_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/aliases/all"))
        .and(query_param_is_missing("continueFrom"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"aliases": ["a", "b"], "lastId": "b-id"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/aliases/all"))
        .and(query_param("continueFrom", "b-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"aliases": ["c"]})))
        .mount(&server)
        .await;
    let client = apikit_shorten_rest::Client::with_api_key_at(&server.uri(), KEY).unwrap();

    let mut stream = client.get_aliases().limit(2).stream();
    assert_eq!(stream.next().await.unwrap().unwrap(), "a");
    assert_eq!(requests(&server).await.len(), 1, "lazy: one page so far");
    let rest: Vec<String> = stream.map(Result::unwrap).collect().await;
    assert_eq!(rest, ["b", "c"]);
    assert_eq!(
        requests(&server).await,
        ["limit=2", "continueFrom=b-id&limit=2"],
        "no lastId on page 2: done"
    );
}

#[tokio::test]
async fn sendgrid_parse_stats_advance_the_offset_by_page_length() {
    let server = MockServer::start().await;
    let day = |d: &str| json!({"date": d, "stats": [{"metrics": {"received": 1}}]});
    for (offset, body) in [
        ("0", json!([day("2026-01-01"), day("2026-01-02")])),
        ("2", json!([day("2026-01-03")])),
        ("3", json!([])),
    ] {
        Mock::given(method("GET"))
            .and(path("/v3/user/webhooks/parse/stats"))
            .and(query_param("offset", offset))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = apikit_sendgrid::Client::with_api_key_at(&server.uri(), KEY).unwrap();
    let days: Vec<String> = client
        .list_parse_static()
        .start_date("2026-01-01")
        .stream()
        .map(|r| r.unwrap().date)
        .collect()
        .await;
    assert_eq!(days, ["2026-01-01", "2026-01-02", "2026-01-03"]);
    let offsets: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|q| {
            q.split('&')
                .find(|p| p.starts_with("offset="))
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(offsets, ["offset=0", "offset=2", "offset=3"]);
}

#[tokio::test]
async fn shipengine_pages_until_an_empty_page_when_no_count_is_given() {
    let server = MockServer::start().await;
    let link = json!({"href": "https://api.shipengine.com/v1/x"});
    let links = json!({"first": link, "last": link, "next": {}, "prev": {}});
    for (page, errors) in [
        (
            "1",
            json!([{"external_shipment_id": "a"}, {"external_shipment_id": "b"}]),
        ),
        ("2", json!([])),
    ] {
        Mock::given(method("GET"))
            .and(path("/v1/batches/se-1/errors"))
            .and(query_param("page", page))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errors": errors, "links": links})),
            )
            .mount(&server)
            .await;
    }
    let client = apikit_shipengine::Client::with_api_key_at(&server.uri(), KEY).unwrap();
    let errors: Vec<_> = client
        .list_batch_errors()
        .batch_id("se-1")
        .stream()
        .map(|r| r.unwrap().external_shipment_id)
        .collect()
        .await;
    assert_eq!(errors, [Some("a".to_owned()), Some("b".to_owned())]);
    assert_eq!(requests(&server).await, ["page=1", "page=2"]);
}

#[tokio::test]
async fn snyk_audit_logs_page_through_a_bare_array_and_errors_end_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/org/o-1/audit"))
        // Snyk's spec types `page` as a number, so it goes out as a float.
        .and(query_param("page", "1.0"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"event": "org.create", "content": {}}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/org/o-1/audit"))
        .and(query_param("page", "2.0"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let client = apikit_snyk::Client::configured(
        &server.uri(),
        KEY,
        apikit_snyk::Config::default().retry(apikit_snyk::RetryPolicy::none()),
    )
    .unwrap();
    let got: Vec<_> = client
        .get_org_audit_logs()
        .org_id("o-1")
        .body(apikit_snyk::types::OrgAuditLogsFilters::builder())
        .stream()
        .collect()
        .await;
    assert_eq!(got.len(), 2, "one entry, then the error, then nothing");
    assert_eq!(
        got[0].as_ref().unwrap().event.as_deref(),
        Some("org.create")
    );
    assert!(got[1].is_err());
    assert_eq!(requests(&server).await.len(), 2);
}
