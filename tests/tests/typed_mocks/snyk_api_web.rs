//! apikit-snyk-api-web's typed mock server (feature `mock`, #18): a target's findings
//! paged through `stream()` (`page`/`page_total`) with array query parameters
//! (`scan`, `label`), documented error statuses, empty successes and synthesized
//! examples.

use apikit_snyk_api_web::mock::MockServer;
use apikit_snyk_api_web::{ApiError, Client, types};
use futures::StreamExt;
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::with_api_key_at(&server.uri(), "JWT key").expect("valid credential")
}

fn typed<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a value of the generated type")
}

#[tokio::test]
async fn target_findings_stream_walks_pages_with_array_filters() {
    let server = MockServer::start().await;
    let scans = || vec!["s-1".to_owned(), "s-2".to_owned()];
    for (page, ids) in [(1i64, vec!["f-1", "f-2"]), (2, vec!["f-3"])] {
        let body: types::FindingList = typed(json!({
            "page": page,
            "page_total": 2,
            "results": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
        }));
        server
            .list_target_findings(|when, then| {
                when.target_id("t-1")
                    .scan(scans())
                    .label(vec!["prod".to_owned()])
                    .page(page);
                then.ok(&body);
            })
            .expect(1)
            .mount()
            .await;
    }
    let ids: Vec<String> = client(&server)
        .list_target_findings()
        .target_id("t-1")
        .scan(scans())
        .label(vec!["prod".to_owned()])
        .stream()
        .map(|f| f.unwrap().id.map(|id| id.to_string()).unwrap_or_default())
        .collect()
        .await;
    assert_eq!(ids, ["f-1", "f-2", "f-3"]);
    server.verify().await;
}

#[tokio::test]
async fn retrieve_target_answers_a_documented_unauthorized() {
    let server = MockServer::start().await;
    let denied = types::Error {
        detail: Some("Invalid token.".into()),
    };
    server
        .retrieve_target(|when, then| {
            when.id("t-1");
            then.unauthorized(&denied);
        })
        .expect(1)
        .mount()
        .await;
    let err = client(&server)
        .retrieve_target()
        .id("t-1")
        .send()
        .await
        .unwrap_err();
    match err {
        ApiError::Documented { status, body, .. } => {
            assert_eq!(status, 401);
            assert_eq!(body.detail.as_deref(), Some("Invalid token."));
        }
        other => panic!("not the documented 401: {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn retrieve_target_answers_the_synthesized_target() {
    let server = MockServer::start().await;
    server
        .retrieve_target(|when, _| {
            when.id("t-1");
        })
        .expect(1)
        .mount()
        .await;
    let target = client(&server)
        .retrieve_target()
        .id("t-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(target.id.is_some(), "{target:?}");
    server.verify().await;
}

#[tokio::test]
async fn delete_target_answers_no_content() {
    let server = MockServer::start().await;
    server
        .delete_target(|when, then| {
            when.id("t-1");
            then.no_content();
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .delete_target()
        .id("t-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 204);
    server.verify().await;
}

#[tokio::test]
async fn list_targets_and_findings_match_their_queries() {
    let server = MockServer::start().await;
    server
        .list_targets(|when, then| {
            when.ordering("-changed").search("shop").length(50i64);
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    server.list_findings(|_, _| {}).expect(1).mount().await;
    let c = client(&server);
    let targets = c
        .list_targets()
        .ordering("-changed")
        .search("shop")
        .length(50i64)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(targets.results.len(), 1);
    let findings = c.list_findings().send().await.unwrap().into_inner();
    assert_eq!(findings.results.len(), 1);
    server.verify().await;
}
