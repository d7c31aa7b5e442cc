//! apikit-colorme-appstore's typed mock server (feature `mock`, #18): path, header and
//! JSON body matchers, typed and synthesized responses, empty successes. (The API has no
//! list pagination and no array query parameter.)

use apikit_colorme_appstore::mock::MockServer;
use apikit_colorme_appstore::{Client, types};

fn client(server: &MockServer) -> Client {
    Client::with_access_token_at(&server.uri(), "token").expect("valid credential")
}

#[tokio::test]
async fn get_script_tag_matches_the_id_and_answers_the_typed_body() {
    let server = MockServer::start().await;
    let tag = types::GetScriptTagResponse {
        script_tag: Some(types::ScriptTag {
            id: Some(7),
            src: Some("https://example.com/tag.js".into()),
            display_scope: Some(types::ScriptTagDisplayScope::Cart),
            ..Default::default()
        }),
    };
    server
        .get_script_tag(|when, then| {
            when.script_tag_id(7);
            then.ok(&tag);
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .get_script_tag()
        .script_tag_id(7)
        .send()
        .await
        .unwrap()
        .into_inner();
    let got = got.script_tag.unwrap();
    assert_eq!(got.id, Some(7));
    assert_eq!(got.display_scope, Some(types::ScriptTagDisplayScope::Cart));
    server.verify().await;
}

#[tokio::test]
async fn get_script_tags_answers_the_synthesized_list() {
    let server = MockServer::start().await;
    server.get_script_tags(|_, _| {}).expect(1).mount().await;
    let got = client(&server)
        .get_script_tags()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!got.script_tags.is_empty(), "{got:?}");
}

#[tokio::test]
async fn create_usage_charge_matches_path_header_and_body() {
    let server = MockServer::start().await;
    let body = types::CreateUsageChargeBody {
        usage_charge: Some(types::UsageChargeBody {
            description: "10 labels".into(),
            point: 100,
        }),
    };
    server
        .create_usage_charge(|when, then| {
            when.recurring_application_charge_id("rac-1")
                .x_appstore_usage_charge_token("after-uninstall")
                .body(body.clone());
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let c = client(&server);
    let got = c
        .create_usage_charge()
        .recurring_application_charge_id("rac-1")
        .x_appstore_usage_charge_token("after-uninstall")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(got.usage_charge.is_some());
    // Without the header it is another request.
    let err = c
        .create_usage_charge()
        .recurring_application_charge_id("rac-1")
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    server.verify().await;
}

#[tokio::test]
async fn update_script_tag_matches_the_json_body() {
    let server = MockServer::start().await;
    let body = types::CreateScriptTagScriptTag {
        script_tag: Some(types::ScriptTagBody {
            src: Some("https://example.com/v2.js".into()),
            ..Default::default()
        }),
    };
    server
        .update_script_tag(|when, then| {
            when.script_tag_id(7).body(body.clone());
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    client(&server)
        .update_script_tag()
        .script_tag_id(7)
        .body(body)
        .send()
        .await
        .unwrap();
    server.verify().await;
}

#[tokio::test]
async fn delete_script_tag_answers_no_content() {
    let server = MockServer::start().await;
    server
        .delete_script_tag(|when, then| {
            when.script_tag_id(7);
            then.no_content();
        })
        .expect(1)
        .mount()
        .await;
    let c = client(&server);
    let got = c.delete_script_tag().script_tag_id(7).send().await.unwrap();
    assert_eq!(got.status(), 204);
    // Another id: the fallback names the operation it looks like.
    let err = c
        .delete_script_tag()
        .script_tag_id(8)
        .send()
        .await
        .unwrap_err();
    let closest = err
        .headers()
        .and_then(|h| h.get(apikit_runtime::mock::CLOSEST_HEADER))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(closest.as_deref(), Some("delete_script_tag"));
    server.verify().await;
}
