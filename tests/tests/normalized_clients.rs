//! The fixture specs' generated clients (crates/codegen/tests/output) against an in-process
//! mock server: what the normalization passes promise holds at run time.

use apikit_fixture_clients::{forward_compat, media_types, multiple_2xx, odd_schemas};
use apikit_runtime::ApiError;
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn unknown_enum_values_and_fields_still_decode() {
    use forward_compat::types::{Message, Residential, Status};
    let m: Message = serde_json::from_value(json!({
        "id": "m1", "status": "bounced", "residential": "unknown", "added_later": {"x": 1}
    }))
    .unwrap();
    assert_eq!(m.status, Status::Unknown("bounced".into()));
    // `unknown` is a listed value here, so the catch-all is named UnknownValue.
    assert_eq!(m.residential, Some(Residential::Unknown));
    let m: Message =
        serde_json::from_value(json!({"id": "m2", "status": "delivered", "residential": "maybe"}))
            .unwrap();
    assert_eq!(m.status, Status::Delivered);
    assert_eq!(
        m.residential,
        Some(Residential::UnknownValue("maybe".into()))
    );
    // Unknown values survive a round trip and parse/display agree with serde.
    let back = serde_json::to_value(Status::Unknown("bounced".into())).unwrap();
    assert_eq!(back, json!("bounced"));
    assert_eq!("bounced".parse::<Status>().unwrap().to_string(), "bounced");
    assert_eq!("delivered".parse::<Status>().unwrap(), Status::Delivered);
}

#[test]
fn odd_schemas_decode() {
    use odd_schemas::types::{Action, Content, Finding, InsertionPoint};
    let f: Finding = serde_json::from_value(json!({
        "severity": 40,
        "action": null,
        "insertion_point": "",
        "0": "zero",
        "className?": "Cls",
        "packageManager `npm`": "npm",
        "<field name>": ["a"],
        "raw": {"anything": [1, "two"]},
        "raw_list": [1, {}],
        "labels": {"primary": "p", "extra": "e"},
        "content": {"url": "https://x.test"},
        "parent": {"children": []}
    }))
    .unwrap();
    // Numeric enums are open: 40 is not among 10/20/30 and still decodes.
    assert_eq!(f.severity.map(|s| s.0), Some(40));
    assert_eq!(f.action, None);
    assert_eq!(f.insertion_point, Some(InsertionPoint::X));
    assert_eq!(f.x0.as_deref(), Some("zero"));
    assert_eq!(f.class_name.as_deref(), Some("Cls"));
    assert_eq!(f.package_manager_npm.as_deref(), Some("npm"));
    assert_eq!(f.field_name, ["a"]);
    let labels = f.labels.unwrap();
    assert_eq!(labels.primary.as_deref(), Some("p"));
    assert_eq!(labels.extra["extra"], "e");
    assert!(matches!(f.content, Some(Content::Target(_))));
    assert!(f.parent.is_some());
    let action: Finding = serde_json::from_value(json!({"action": "trial"})).unwrap();
    assert_eq!(action.action, Some(Action::Trial));
}

#[tokio::test]
async fn json_and_empty_success_responses_share_one_optional_type() {
    let server = MockServer::start().await;
    let client = multiple_2xx::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("POST"))
        .and(path("/webhooks/test"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks/test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"job_id": "j1"})))
        .mount(&server)
        .await;
    let empty = client.test_webhook().send().await.unwrap().into_inner();
    assert!(empty.is_none());
    let report = client.test_webhook().send().await.unwrap().into_inner();
    assert_eq!(report.unwrap().job_id, "j1");
}

#[tokio::test]
async fn different_success_schemas_decode_into_the_matching_variant() {
    use multiple_2xx::types::StartJobResponse;
    let server = MockServer::start().await;
    let client = multiple_2xx::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"job_id": "j2"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"carriers": ["ups"]})))
        .mount(&server)
        .await;
    let queued = client.start_job().send().await.unwrap().into_inner();
    assert!(matches!(queued, StartJobResponse::Job(j) if j.job_id == "j2"));
    let done = client.start_job().send().await.unwrap().into_inner();
    assert!(matches!(done, StartJobResponse::Carriers(c) if c.carriers == ["ups"]));
}

#[tokio::test]
async fn status_207_and_errors() {
    use multiple_2xx::types::ListCarriersError;
    let server = MockServer::start().await;
    let client = multiple_2xx::Client::configured(&server.uri(), Default::default()).unwrap();
    for (status, body) in [
        (207, json!({"carriers": ["fedex"]})),
        (404, json!({"missing": "carrier"})),
        (400, json!({"message": "bad"})),
        (500, json!(null)),
    ] {
        let mut template = ResponseTemplate::new(status);
        if !body.is_null() {
            template = template.set_body_json(body);
        }
        Mock::given(method("GET"))
            .and(path("/carriers"))
            .respond_with(template)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let partial = client.list_carriers().send().await.unwrap();
    assert_eq!(partial.status(), 207);
    assert_eq!(partial.into_inner().carriers, ["fedex"]);
    match client.list_carriers().send().await.unwrap_err() {
        ApiError::Documented { status, body, .. } => {
            assert_eq!(status, 404);
            assert!(matches!(body, ListCarriersError::Missing { missing } if missing == "carrier"));
        }
        other => panic!("expected the documented 404, got {other:?}"),
    }
    match client.list_carriers().send().await.unwrap_err() {
        ApiError::Documented { status, body, .. } => {
            assert_eq!(status, 400);
            assert!(
                matches!(body, ListCarriersError::Error(m) if m.message.as_deref() == Some("bad"))
            );
        }
        other => panic!("expected the documented 400, got {other:?}"),
    }
    // A 500 without a body was dropped from the documented errors: it arrives whole.
    match client.list_carriers().send().await.unwrap_err() {
        ApiError::Status { status, .. } => assert_eq!(status, 500),
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}

#[tokio::test]
async fn media_types_on_the_wire() {
    let server = MockServer::start().await;
    let client = media_types::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/charset"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"name":"n"}"#, "application/json; charset=utf-8"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=apikit-boundary-[0-9a-f]{8}$",
        ))
        .and(body_string_contains(
            "Content-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n",
        ))
        .and(body_string_contains(
            "Content-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n",
        ))
        // `format: binary`: a file part with a filename and a content type, not text.
        .and(body_string_contains(
            "Content-Disposition: form-data; name=\"attachment\"; filename=\"attachment\"\r\nContent-Type: application/octet-stream\r\n\r\n%PDF-1.7\r\n",
        ))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/xml"))
        .and(header("content-type", "application/xml"))
        .and(body_string_contains("<thing/>"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/downloads/label.pdf"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7 ...".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;

    let thing = client.with_charset().send().await.unwrap().into_inner();
    assert_eq!(thing.name.as_deref(), Some("n"));
    client
        .upload()
        .body(media_types::types::UploadBody {
            name: "report".into(),
            tags: vec!["a".into(), "b".into()],
            attachment: Some("%PDF-1.7".into()),
        })
        .send()
        .await
        .expect("multipart upload matched the mock");
    client
        .xml_only()
        .body(b"<thing/>".to_vec())
        .send()
        .await
        .expect("raw XML body sent with its media type");
    let stream = client
        .download()
        .file("label.pdf")
        .send()
        .await
        .unwrap()
        .into_inner();
    let chunks: Vec<bytes::Bytes> = stream.into_inner().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), b"%PDF-1.7 ...");
}

/// A response declared `*/*` is read as JSON, and the request says it takes the
/// declared wildcard too (the `response_wildcard` fact), JSON first; an operation
/// declared JSON asks for JSON only.
#[tokio::test]
async fn a_wildcard_response_is_accepted_as_declared() {
    let server = MockServer::start().await;
    let client = media_types::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/any"))
        // `header` would split the value at its comma; the whole value is the point.
        .and(header_regex("accept", r"^application/json, \*/\*;q=0\.1$"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"name":"n"}"#, "text/plain"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/charset"))
        .and(header_regex("accept", "^application/json$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "c"})))
        .mount(&server)
        .await;
    let thing = client.any_type().send().await.unwrap().into_inner();
    assert_eq!(thing.name.as_deref(), Some("n"));
    let thing = client.with_charset().send().await.unwrap().into_inner();
    assert_eq!(thing.name.as_deref(), Some("c"));
}

/// #19: union variants are named by what tells them apart, and each still reads and
/// writes its own wire shape; identical schemas are one type.
#[test]
fn readable_names_keep_the_wire_shapes() {
    use apikit_fixture_clients::readable_names::types;
    let ids: types::CompareRatesBody = serde_json::from_value(
        json!({"shipment_ids": ["se-1"], "rate_options": {"carrier": "ups"}}),
    )
    .unwrap();
    assert!(
        matches!(ids, types::CompareRatesBody::ShipmentIds { ref shipment_ids, .. } if shipment_ids == &["se-1"])
    );
    let full: types::CompareRatesBody =
        serde_json::from_value(json!({"shipments": [{"weight": 2.5}]})).unwrap();
    assert!(matches!(full, types::CompareRatesBody::Shipments { .. }));
    // Untagged: the first member that fits decodes (`broker` is required in `Broker`).
    let creds: types::AddIntegrationBody = serde_json::from_value(
        json!({"type": "ecr", "credentials": {"kind": "git-hub", "token": "x"}}),
    )
    .unwrap();
    assert!(
        matches!(
            creds,
            types::AddIntegrationBody::Credentials {
                credentials: types::Credentials::GitHub { .. },
                ..
            }
        ),
        "{creds:?}"
    );
    // Monday and Tuesday hours are one type; the inline copy of `Warehouse` is `Warehouse`.
    let hours = types::Hours {
        monday: vec![types::HoursItem {
            open: Some("9".into()),
            close: None,
        }],
        tuesday: vec![],
    };
    let response = types::CompareRatesResponse {
        hours: Some(hours),
        warehouse: Some(types::Warehouse {
            name: Some("w".into()),
        }),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"hours": {"monday": [{"open": "9"}]}, "warehouse": {"name": "w"}})
    );
}

/// #19, one type per shape: what the spec names twice is one type, the other names
/// aliases of it; look-alike error bodies are one object; an `anyOf` body is an enum.
#[test]
fn one_type_per_shape_merges_names_and_keeps_the_wire() {
    use apikit_fixture_clients::one_type_per_shape::types;
    // `Group` and `Org` are one type: a value of one is a value of the other.
    let group = types::Group {
        id: Some("g".into()),
        name: None,
    };
    let project = types::Project {
        group: Some(group.clone()),
        org: Some(group),
        status: Some(types::StatusA::Active),
        previous_status: Some(types::StatusB::Archived),
    };
    assert_eq!(
        serde_json::to_value(&project).unwrap(),
        json!({"group": {"id": "g"}, "org": {"id": "g"}, "status": "active", "previous_status": "archived"})
    );
    // The create/update bodies and get/update responses share their words' name; the
    // merged body keeps its default.
    let body: types::CreateScriptTagBody = serde_json::from_value(json!({"src": "a.js"})).unwrap();
    let update: types::UpdateScriptTagBody = body;
    assert!(!update.async_);
    let response: types::ScriptTagResponse = types::GetScriptTagResponse::default();
    let _: types::UpdateScriptTagResponse = response;
    // The 400 and 429 bodies both decode into the one widened error object.
    for body in [
        json!({"errors": [{"message": "bad", "field": "src"}]}),
        json!({"errors": [{"message": "slow down"}]}),
        json!({}),
    ] {
        let error: types::GetScriptTagError = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&error).unwrap(), body);
    }
    let error: types::GetScriptTagError =
        serde_json::from_value(json!({"errors": [{"message": "bad", "field": "src"}]})).unwrap();
    assert_eq!(error.errors[0].field.as_deref(), Some("src"));
    assert_eq!(error.errors[0].message.as_deref(), Some("bad"));
    // Identical union members stay two types: each keeps its `From`.
    let alpha = types::ConnectBody::from(types::ConnectAlpha { token: "t".into() });
    let beta = types::ConnectBody::from(types::ConnectBeta { token: "t".into() });
    assert!(matches!(alpha, types::ConnectBody::ConnectAlpha(_)));
    assert!(matches!(beta, types::ConnectBody::ConnectBeta(_)));
    // The `anyOf` body is an enum: one member is sent.
    let import = types::ImportTargetBody::ById { id: Some(7) };
    assert_eq!(serde_json::to_value(&import).unwrap(), json!({"id": 7}));
}
