//! One real call per spec file against Prism serving that file (`cargo xtask contract`
//! starts Prism, sets `APIKIT_CONTRACT_<FILE>` to its URL and runs these). Prism, started
//! with `--errors`, answers a request that breaks the spec with an error status, and the
//! xtask also fails on any validation error in Prism's log; here each call must succeed
//! and its (Prism-generated) response must decode.
//!
//! Without the variables the tests are ignored by `cargo test`, not passed.

use std::env;

const KEY: &str = "contract-test-key";

fn url(var: &str) -> String {
    env::var(var).unwrap_or_else(|_| panic!("{var} is not set: run `cargo xtask contract`"))
}

/// Passes when the call succeeded and decoded. Also passes, with a note, when the only
/// problem is a response Prism generated against the spec (its 500 `#VIOLATIONS` body
/// with every violation under `response`): the request was valid, which is what this
/// contract checks; Prism's static placeholders (`"string"`) can break a rule such as
/// the pattern of ShipEngine's `se-…` IDs. Any other error fails.
fn check<T, E: std::fmt::Debug + serde::Serialize>(
    name: &str,
    result: Result<progenitor_client::ResponseValue<T>, apikit_runtime::ApiError<E>>,
) {
    let err = match result {
        Ok(response) => {
            assert!(
                response.status().is_success(),
                "{name}: {}",
                response.status()
            );
            return;
        }
        Err(err) => err,
    };
    let body = match &err {
        apikit_runtime::ApiError::InvalidResponse { body, .. }
        | apikit_runtime::ApiError::Status { body, .. } => serde_json::from_str(body).ok(),
        other => other.body_json(),
    };
    let prism_response_only = body.as_ref().is_some_and(|b: &serde_json::Value| {
        let violations = b["validation"].as_array();
        b["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("#VIOLATIONS"))
            && violations
                .is_some_and(|v| !v.is_empty() && v.iter().all(|v| v["location"][0] == "response"))
    });
    assert!(prism_response_only, "{name}: {err:?}");
    eprintln!("{name}: request valid; Prism generated a response against the spec: {body:?}");
}

fn no_retry<C>(configured: impl FnOnce(apikit_runtime::Config) -> C) -> C {
    configured(apikit_runtime::Config::default().retry(apikit_runtime::RetryPolicy::none()))
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn shorten_rest_openapi() {
    use apikit_shorten_rest::Client;
    let base = url("APIKIT_CONTRACT_SHORTEN_REST_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let alias = client
        .get_alias()
        .alias_name("launch")
        .domain_name("go.example.com")
        .send()
        .await;
    check("shorten_rest_openapi", alias);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn colorme_appstore_openapi() {
    use apikit_colorme_appstore::Client;
    let base = url("APIKIT_CONTRACT_COLORME_APPSTORE_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let tags = client.get_script_tags().send().await;
    check("colorme_appstore_openapi", tags);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn sendgrid_email_activity() {
    use apikit_sendgrid::Client;
    use apikit_sendgrid::activity_query::{Field, Query};
    let base = url("APIKIT_CONTRACT_SENDGRID_EMAIL_ACTIVITY");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let messages = client
        .list_message()
        .query(Query::eq(Field::Status, "delivered"))
        .limit(10.0)
        .send()
        .await;
    check("sendgrid_email_activity", messages);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn sendgrid_webhooks() {
    use apikit_sendgrid::Client;
    let base = url("APIKIT_CONTRACT_SENDGRID_WEBHOOKS");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let settings = client.list_parse_setting().send().await;
    check("sendgrid_webhooks", settings);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn shipengine_openapi() {
    use apikit_shipengine::Client;
    let base = url("APIKIT_CONTRACT_SHIPENGINE_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let carriers = client.list_carriers().send().await;
    check("shipengine_openapi", carriers);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn snyk_openapi() {
    use apikit_snyk::Client;
    let base = url("APIKIT_CONTRACT_SNYK_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let orgs = client.list_orgs().send().await;
    check("snyk_openapi", orgs);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn snyk_api_web_openapi() {
    use apikit_snyk_api_web::Client;
    let base = url("APIKIT_CONTRACT_SNYK_API_WEB_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let targets = client.list_targets().page(1).send().await;
    check("snyk_api_web_openapi", targets);
}
