//! apikit-shipengine's typed mock server (feature `mock`, #18): manifests paged through
//! `stream()` with an array query parameter (`label_ids`), enum and numeric query
//! values, path values, documented error statuses and synthesized examples.
//!
//! Bodies with many fields are built from JSON into the generated types: the test then
//! names no generated type beyond the ones it reads.

use apikit_shipengine::mock::MockServer;
use apikit_shipengine::{ApiError, Client, types};
use futures::StreamExt;
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::with_api_key_at(&server.uri(), "TEST_key").expect("valid credential")
}

fn typed<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a value of the generated type")
}

#[tokio::test]
async fn manifests_stream_walks_pages_with_an_array_filter() {
    let server = MockServer::start().await;
    let labels = || vec!["se-1".to_owned(), "se-2".to_owned()];
    for (page, ids) in [(1u32, vec!["se-m1", "se-m2"]), (2, vec!["se-m3"])] {
        let body: types::ListManifestsResponseBody = typed(json!({
            "manifests": ids.iter().map(|id| json!({"manifest_id": id, "label_ids": []})).collect::<Vec<_>>(),
            "page": page,
            "pages": 2,
            "total": 3,
        }));
        server
            .list_manifests(|when, then| {
                when.label_ids(labels()).page(page).page_size(2u32);
                then.ok(&body);
            })
            .expect(1)
            .mount()
            .await;
    }
    let ids: Vec<String> = client(&server)
        .list_manifests()
        .label_ids(labels())
        .page_size(2u32)
        .stream()
        .map(|m| m.unwrap().manifest_id.unwrap().to_string())
        .collect()
        .await;
    assert_eq!(ids, ["se-m1", "se-m2", "se-m3"]);
    server.verify().await;
}

#[tokio::test]
async fn list_labels_matches_enum_and_numeric_query_values() {
    let server = MockServer::start().await;
    server
        .list_labels(|when, then| {
            when.label_status(types::LabelStatus::Voided)
                .carrier_id("se-123")
                .page_size(25u32);
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .list_labels()
        .label_status(types::LabelStatus::Voided)
        .carrier_id("se-123")
        .page_size(25u32)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.labels.len(), 1, "the synthesized page");
    // Another status is another request.
    let err = client(&server)
        .list_labels()
        .label_status(types::LabelStatus::Completed)
        .carrier_id("se-123")
        .page_size(25u32)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    server.verify().await;
}

#[tokio::test]
async fn get_label_by_id_answers_the_documented_not_found() {
    let server = MockServer::start().await;
    let missing: types::ErrorResponseBody = typed(json!({
        "request_id": "aa3d8e8e-462b-4476-9618-72db7f7b7009",
        "errors": [],
    }));
    server
        .get_label_by_id(|when, then| {
            when.label_id("se-404")
                .label_download_type(types::LabelDownloadType::Inline);
            then.not_found(&missing);
        })
        .expect(1)
        .mount()
        .await;
    let err = client(&server)
        .get_label_by_id()
        .label_id("se-404")
        .label_download_type(types::LabelDownloadType::Inline)
        .send()
        .await
        .unwrap_err();
    match err {
        ApiError::Documented { status, body, .. } => {
            assert_eq!(status, 404);
            assert_eq!(
                body.request_id.to_string(),
                "aa3d8e8e-462b-4476-9618-72db7f7b7009"
            );
        }
        other => panic!("not the documented 404: {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn void_label_answers_the_typed_body() {
    let server = MockServer::start().await;
    let voided = types::VoidLabelResponseBody {
        approved: Some(true),
        message: Some("voided".into()),
    };
    server
        .void_label(|when, then| {
            when.label_id("se-9");
            then.ok(&voided);
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .void_label()
        .label_id("se-9")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.approved, Some(true));
    server.verify().await;
}

#[tokio::test]
async fn list_carriers_answers_the_synthesized_example() {
    let server = MockServer::start().await;
    server.list_carriers(|_, _| {}).expect(1).mount().await;
    let got = client(&server)
        .list_carriers()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.carriers.len(), 1, "{got:?}");
    assert!(got.carriers[0].carrier_id.is_some());
    server.verify().await;
}
