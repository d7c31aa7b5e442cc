//! apikit-shorten-rest against an in-process mock server: method, path, query, auth
//! header and body go out as the spec says; responses and error statuses decode.

use apikit_shorten_rest::{ApiError, Client, Config, RetryPolicy, types};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "test-key-0123";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    // One attempt per call: these tests look at how each response decodes; retries
    // are covered by runtime_faults.rs.
    let config = Config::default().retry(RetryPolicy::none());
    let client = Client::configured(&server.uri(), KEY, config).expect("valid credential");
    (server, client)
}

#[tokio::test]
async fn get_alias_sends_query_and_key_and_decodes() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/aliases"))
        .and(query_param("aliasName", "abc"))
        .and(query_param("domainName", "go.example.com"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "abc",
            "domainName": "go.example.com",
            "createdAt": 1_700_000_000,
            "destinations": [{"url": "https://example.com/a", "country": "US"}],
            "a_field_added_later": true
        })))
        .expect(1)
        .mount(&server)
        .await;

    let alias = client
        .get_alias()
        .alias_name("abc")
        .domain_name("go.example.com")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(alias.name, "abc");
    assert_eq!(alias.created_at, Some(1_700_000_000));
    assert_eq!(alias.destinations[0].url, "https://example.com/a");
    assert_eq!(alias.destinations[0].country.as_deref(), Some("US"));

    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("api-version").is_none(),
        "progenitor's api-version header is stripped"
    );
}

#[test]
fn get_alias_model_is_fields_plus_a_map_of_alias_models() {
    // Shorten.REST's GetAliasModel has both properties and additionalProperties.
    let model: types::GetAliasModel = serde_json::from_value(json!({
        "name": "abc",
        "updatedAt": 5,
        "variant-a": {"destinations": [{"url": "https://example.com/a", "os": "ios"}]}
    }))
    .unwrap();
    assert_eq!(model.name.as_deref(), Some("abc"));
    assert_eq!(model.updated_at, Some(5));
    assert_eq!(
        model.extra["variant-a"].destinations[0].os.as_deref(),
        Some("ios")
    );
    assert_eq!(
        model.extra.len(),
        1,
        "declared fields do not leak into the map"
    );
}

#[tokio::test]
async fn create_alias_posts_the_json_body() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/aliases"))
        .and(query_param("aliasName", "@rnd"))
        .and(header("x-api-key", KEY))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"destinations": [{"url": "https://example.com/landing"}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "aliasName": "Zx81abc", "domainName": "short.fyi", "shortUrl": "https://short.fyi/Zx81abc"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let body = types::CreateAliasModel {
        destinations: vec![types::DestinationModel {
            url: "https://example.com/landing".into(),
            country: None,
            os: None,
        }],
        metatags: vec![],
        snippets: vec![],
    };
    let created = client
        .create_alias()
        .alias_name("@rnd")
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        created.short_url.as_deref(),
        Some("https://short.fyi/Zx81abc")
    );
}

#[tokio::test]
async fn delete_alias_accepts_an_empty_200() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/aliases"))
        .and(query_param("aliasName", "abc"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let done = client
        .delete_alias()
        .alias_name("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
}

#[tokio::test]
async fn error_statuses_decode_into_api_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(query_param("aliasName", "missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string("{\"message\":\"alias not found\"}"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("aliasName", "busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("aliasName", "boom"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down"))
        .mount(&server)
        .await;

    match client.get_alias().alias_name("missing").send().await {
        Err(ApiError::Status { status, body, .. }) => {
            assert_eq!(status, 404);
            assert!(body.contains("alias not found"), "{body}");
        }
        other => panic!("expected a 404 Status error, got {other:?}"),
    }
    match client.get_alias().alias_name("busy").send().await {
        Err(e @ ApiError::RateLimited { .. }) => {
            assert!(e.is_retryable());
            let ApiError::RateLimited { retry_after, .. } = e else {
                unreachable!()
            };
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(7)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    let err = client
        .get_alias()
        .alias_name("boom")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(err.to_string(), "HTTP 503 Service Unavailable: down");
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let client = Client::with_api_key(KEY).unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    let err = Client::with_api_key("bad\nkey").unwrap_err();
    assert_eq!(err.header, "x-api-key");
    assert!(!err.to_string().contains("bad"), "{err}");
}
