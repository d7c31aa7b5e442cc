//! apikit-colorme-appstore against an in-process mock server. ColorMe's API has no query
//! parameters at all, so the GET case exercises a path parameter followed by `.json`.

use apikit_colorme_appstore::{ApiError, Client, types};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "oauth-access-token-42";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::with_access_token_at(&server.uri(), TOKEN).expect("valid token");
    (server, client)
}

#[tokio::test]
async fn get_script_tag_uses_the_json_suffix_path_and_bearer_token() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/script_tags/1342.json"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "script_tag": {"id": 1342, "src": "https://example.com/app.js", "display_scope": "thanks_page",
                           "make_date": 1_465_784_944, "update_date": 1_494_496_809}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let tag = client
        .get_script_tag()
        .script_tag_id(1342)
        .send()
        .await
        .unwrap()
        .into_inner();
    let tag = tag.script_tag.expect("script_tag present");
    assert_eq!(tag.id, Some(1342));
    assert_eq!(tag.src.as_deref(), Some("https://example.com/app.js"));
    assert_eq!(
        tag.display_scope.map(|s| s.to_string()).as_deref(),
        Some("thanks_page")
    );
}

#[tokio::test]
async fn create_script_tag_posts_json() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/script_tags.json"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(
            json!({"script_tag": {"src": "https://example.com/app.js", "display_scope": "all"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"script_tag": {"id": 7, "src": "https://example.com/app.js"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = types::CreateScriptTagScriptTag {
        script_tag: Some(types::ScriptTagBody {
            src: Some("https://example.com/app.js".into()),
            display_scope: Some(types::ScriptTagBodyDisplayScope::All),
        }),
    };
    let created = client
        .create_script_tag()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.script_tag.and_then(|t| t.id), Some(7));
}

#[tokio::test]
async fn delete_script_tag_accepts_204() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/script_tags/99.json"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let done = client
        .delete_script_tag()
        .script_tag_id(99)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 204);
}

#[tokio::test]
async fn usage_charge_can_use_the_charge_token_instead_of_oauth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/appstore/v1/recurring_application_charges/55/usage_charges.json",
        ))
        .and(header("x-appstore-usage-charge-token", "charge-token"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"usage_charge": {"id": "uc-1", "point": 500}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // No OAuth credential at all.
    let client = Client::anonymous(&server.uri(), Default::default()).unwrap();
    let body: types::CreateUsageChargeBody = serde_json::from_value(json!({
        "usage_charge": {"description": "100 extra mails", "point": 500}
    }))
    .unwrap();
    let res = client
        .create_usage_charge()
        .recurring_application_charge_id("55")
        .x_appstore_usage_charge_token("charge-token")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let charge = res.into_inner().usage_charge.expect("usage_charge present");
    assert_eq!(charge.id.as_deref(), Some("uc-1"));
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn unauthorized_decodes_into_api_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/script_tags.json"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"errors": [{"code": 401, "message": "invalid token"}]})),
        )
        .mount(&server)
        .await;
    let err = client.get_script_tags().send().await.unwrap_err();
    let ApiError::Status { status, body, .. } = &err else {
        panic!("expected Status, got {err:?}")
    };
    assert_eq!(*status, 401);
    assert!(body.contains("invalid token"));
    assert!(status.is_client_error() && !err.is_retryable());
}
