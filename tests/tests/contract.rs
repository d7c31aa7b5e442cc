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

fn no_retry<C>(configured: impl FnOnce(apikit_runtime::Config) -> C) -> C {
    configured(apikit_runtime::Config::default().retry(apikit_runtime::RetryPolicy::none()))
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn shorten_rest_openapi() {
    use apikit_shorten_rest::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SHORTEN_REST_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let alias = client
        .get_alias()
        .alias_name("launch")
        .domain_name("go.example.com")
        .send()
        .decode_errors()
        .await
        .unwrap();
    assert_eq!(alias.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn colorme_appstore_openapi() {
    use apikit_colorme_appstore::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_COLORME_APPSTORE_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let tags = client
        .get_script_tags()
        .send()
        .decode_errors()
        .await
        .unwrap();
    assert_eq!(tags.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn sendgrid_email_activity() {
    use apikit_sendgrid::activity_query::{Field, Query};
    use apikit_sendgrid::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SENDGRID_EMAIL_ACTIVITY");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let messages = client
        .list_message()
        .query(Query::eq(Field::Status, "delivered"))
        .limit(10.0)
        .send()
        .decode_errors()
        .await
        .unwrap();
    assert_eq!(messages.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn sendgrid_webhooks() {
    use apikit_sendgrid::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SENDGRID_WEBHOOKS");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let settings = client
        .list_parse_setting()
        .send()
        .decode_errors()
        .await
        .unwrap();
    assert_eq!(settings.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn shipengine_openapi() {
    use apikit_shipengine::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SHIPENGINE_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let carriers = client.list_carriers().send().decode_errors().await.unwrap();
    assert_eq!(carriers.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn snyk_openapi() {
    use apikit_snyk::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SNYK_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let orgs = client.list_orgs().send().decode_errors().await.unwrap();
    assert_eq!(orgs.status(), 200);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn snyk_api_web_openapi() {
    use apikit_snyk_api_web::{Client, DecodeErrors};
    let base = url("APIKIT_CONTRACT_SNYK_API_WEB_OPENAPI");
    let client = no_retry(|c| Client::configured(&base, KEY, c)).unwrap();
    let targets = client
        .list_targets()
        .page(1)
        .send()
        .decode_errors()
        .await
        .unwrap();
    assert_eq!(targets.status(), 200);
}
