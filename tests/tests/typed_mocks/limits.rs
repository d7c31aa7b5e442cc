//! The known limits of oxide-httpmock / progenitor's `Generator::httpmock`, each beaten
//! by the typed mocks (#18), one test each: array query parameters, the client's own
//! query encoding, form and multipart bodies, escaped path values, an async-only API,
//! and payloads from the synthesizer.

use apikit_fixture_clients::media_types;

/// The operation the fallback's `404` names, or `None` for a success. (The client may
/// decode the 404 as its documented error type, so the header is read where it is
/// kept, else the raw body.)
async fn closest<T, E>(result: Result<T, apikit_runtime::ApiError<E>>) -> Option<String> {
    let err = result.err()?;
    if let Some(headers) = err.headers() {
        return headers
            .get(apikit_runtime::mock::CLOSEST_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
    }
    match err {
        apikit_runtime::ApiError::InvalidResponse { body, .. } => {
            let body: serde_json::Value = serde_json::from_str(&body).ok()?;
            body["closest_operation"].as_str().map(str::to_owned)
        }
        other => panic!("not the fallback's answer: {other}"),
    }
}

/// (1) progenitor #1260: an array query parameter compiles and matches, value for value.
#[tokio::test]
async fn array_query_parameters_match_every_item() {
    use apikit_shipengine::mock::MockServer;
    let server = MockServer::start().await;
    server
        .list_manifests(|when, then| {
            when.label_ids(vec!["se-1".to_owned(), "se 2".to_owned()])
                .page(1u32);
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let client = apikit_shipengine::Client::with_api_key_at(&server.uri(), "key").unwrap();
    let list = || {
        client
            .list_manifests()
            .page(1u32)
            .label_ids(vec!["se-1".to_owned(), "se 2".to_owned()])
    };
    list().send().await.unwrap();
    // One item fewer or more is another request: it falls through to the fallback.
    let fewer = client
        .list_manifests()
        .page(1u32)
        .label_ids(vec!["se-1".to_owned()])
        .send()
        .await;
    assert_eq!(closest(fewer).await.as_deref(), Some("list_manifests"));
    let more = client
        .list_manifests()
        .page(1u32)
        .label_ids(vec![
            "se-1".to_owned(),
            "se 2".to_owned(),
            "se-3".to_owned(),
        ])
        .send()
        .await;
    assert_eq!(closest(more).await.as_deref(), Some("list_manifests"));
    server.verify().await;
}

/// (2) The expected query is what the client's own encoder makes of the typed values
/// (form encoding: a space is `+`, `+` and `&` escaped; dates as the client writes
/// them), not a re-implementation.
#[tokio::test]
async fn query_values_are_encoded_as_the_client_encodes_them() {
    use apikit_snyk_api_web::mock::MockServer;
    let server = MockServer::start().await;
    let search = "a b&c+d/é=?";
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    server
        .list_target_scans(|when, then| {
            when.target_id("t 1")
                .search(search)
                .started(vec![day, day.succ_opt().unwrap()]);
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let client = apikit_snyk_api_web::Client::with_api_key_at(&server.uri(), "key").unwrap();
    client
        .list_target_scans()
        .target_id("t 1")
        .search(search)
        .started(vec![day, day.succ_opt().unwrap()])
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await;
    let query = sent[0].url.query().unwrap_or_default().to_owned();
    // What the client really sent (and the mock matched): form encoding, not RFC 3986.
    assert!(
        query.contains("search=a+b%26c%2Bd%2F%C3%A9%3D%3F"),
        "{query}"
    );
    assert!(
        query.contains("started=2024-02-29&started=2024-03-01"),
        "{query}"
    );
    server.verify().await;
}

/// (3) A form body is matched as a form and a multipart body part by part; the same
/// fields as JSON do not match.
#[tokio::test]
async fn form_and_multipart_bodies_match_as_sent() {
    use media_types::mock::MockServer;
    let server = MockServer::start().await;
    let thing = media_types::types::Thing {
        name: Some("a b&c".into()),
    };
    server
        .post_form(|when, then| {
            when.body(thing.clone());
            then.ok();
        })
        .expect(1)
        .mount()
        .await;
    let upload = || media_types::types::UploadBody {
        name: "report".into(),
        tags: vec!["x".into(), "y z".into()],
        attachment: Some("%PDF-1.7 bytes".into()),
    };
    server
        .upload(|when, then| {
            when.body(upload());
            then.ok();
        })
        .expect(1)
        .mount()
        .await;
    let client = media_types::Client::configured(&server.uri(), Default::default()).unwrap();
    client.post_form().body(thing.clone()).send().await.unwrap();
    client.upload().body(upload()).send().await.unwrap();

    // The same fields as JSON, or another file in the multipart body, match nothing.
    let raw = reqwest::Client::new();
    let json = raw
        .post(format!("{}/forms", server.uri()))
        .json(&thing)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 404);
    let mut other = upload();
    other.attachment = Some("another file".into());
    let other = client.upload().body(other).send().await;
    assert_eq!(closest(other).await.as_deref(), Some("upload"));
    server.verify().await;
}

/// (4) A path value is escaped exactly as the client escapes it (`/`, `?`, `#`, `%`,
/// spaces and non-ASCII inside one segment).
#[tokio::test]
async fn path_values_are_escaped_as_the_client_escapes_them() {
    use apikit_sendgrid::mock::MockServer;
    let server = MockServer::start().await;
    let hostname = "in bound/x?y#z%é";
    server
        .get_parse_setting(|when, then| {
            when.hostname(hostname);
            then.ok(&apikit_sendgrid::types::ParseSetting {
                hostname: Some(hostname.into()),
                send_raw: None,
                spam_check: None,
                url: None,
            });
        })
        .expect(1)
        .mount()
        .await;
    let client = apikit_sendgrid::Client::with_api_key_at(&server.uri(), "key").unwrap();
    let got = client
        .get_parse_setting()
        .hostname(hostname)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.hostname.as_deref(), Some(hostname));
    let sent = server.received_requests().await;
    assert_eq!(
        sent[0].url.path(),
        "/v3/user/webhooks/parse/settings/in%20bound%2Fx%3Fy%23z%25%C3%A9"
    );
    // Another value is another path.
    let other = client.get_parse_setting().hostname("in bound").send().await;
    assert_eq!(closest(other).await.as_deref(), Some("get_parse_setting"));
    server.verify().await;
}

/// (5) The API is async only: servers start, mount and answer inside a single-threaded
/// runtime, two at once, with nothing blocking the thread the client runs on.
#[tokio::test(flavor = "current_thread")]
async fn mocks_are_async_on_a_single_thread() {
    use apikit_shorten_rest::mock::MockServer;
    let one = async {
        let server = MockServer::start().await;
        server
            .get_clicks(|_, then| {
                then.ok_example();
            })
            .expect(1)
            .mount()
            .await;
        let client = apikit_shorten_rest::Client::with_api_key_at(&server.uri(), "k").unwrap();
        let clicks = client.get_clicks().send().await.unwrap().into_inner();
        server.verify().await;
        clicks.clicks.len()
    };
    let two = async {
        let server = apikit_snyk::mock::MockServer::start().await;
        server.list_orgs(|_, _| {}).expect(1).mount().await;
        let client = apikit_snyk::Client::with_api_token_at(&server.uri(), "k").unwrap();
        let orgs = client.list_orgs().send().await.unwrap().into_inner();
        server.verify().await;
        orgs.orgs.len()
    };
    let (a, b) = tokio::join!(one, two);
    assert_eq!((a, b), (1, 1));
}

/// (6) Payloads come from the synthesizer, baked in when the client was generated: a
/// schema-valid value with every documented field, which the client decodes.
#[tokio::test]
async fn examples_are_synthesized_schema_valid_values() {
    use apikit_shipengine::mock::MockServer;
    let server = MockServer::start().await;
    server.get_carrier_by_id(|_, _| {}).mount().await;
    server
        .list_manifests(|_, then| {
            then.ok_example();
        })
        .mount()
        .await;
    let client = apikit_shipengine::Client::with_api_key_at(&server.uri(), "key").unwrap();
    let carrier = client
        .get_carrier_by_id()
        .carrier_id("se-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    // Optional fields are filled too: the example shows the whole schema.
    assert!(carrier.carrier_id.is_some(), "{carrier:?}");
    assert!(!carrier.services.is_empty(), "{carrier:?}");
    let manifests = client.list_manifests().send().await.unwrap().into_inner();
    assert_eq!(manifests.page.map(|p| p.get()), Some(1));
}

/// A value a `when` setter cannot convert makes the mock invalid: the client hears why,
/// and using it fails verification, naming the reason.
#[tokio::test]
async fn an_invalid_when_value_fails_verification_naming_it() {
    use apikit_shorten_rest::mock::MockServer;
    let server = MockServer::start().await;
    server
        .get_aliases(|when, _| {
            when.limit(0u64); // not a NonZeroU64
        })
        .mount()
        .await;
    let client = apikit_shorten_rest::Client::with_api_key_at(&server.uri(), "k").unwrap();
    let err = client.get_aliases().send().await.unwrap_err();
    let body = err.body_json().unwrap();
    assert!(body["error"].as_str().unwrap().contains("limit"), "{body}");
    // `verify` panics (as wiremock does for any unmet `expect`), naming the reason.
    let verify = tokio::spawn(async move { server.verify().await });
    let panic = verify.await.expect_err("verification fails").into_panic();
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(
        message.contains("invalid mock of `get_aliases`"),
        "{message}"
    );
}
