//! apikit-snyk's typed mock server (feature `mock`, #18): audit logs paged through
//! `stream()` (a bare array per page, `page` sent as a float), path values holding `/`
//! and `@` (npm scopes), JSON bodies, empty successes. (Snyk v1 has no array query
//! parameter.)

use apikit_snyk::mock::MockServer;
use apikit_snyk::{Client, types};
use futures::StreamExt;
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::with_api_token_at(&server.uri(), "snyk-token").expect("valid credential")
}

fn typed<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a value of the generated type")
}

#[tokio::test]
async fn audit_logs_stream_walks_pages_until_an_empty_one() {
    let server = MockServer::start().await;
    for (page, events) in [
        (1.0, vec!["org.create", "org.edit"]),
        (2.0, vec!["org.user.add"]),
        (3.0, vec![]),
    ] {
        let body: types::OrganizationLevelAuditLogs = typed(json!(
            events
                .iter()
                .map(|e| json!({"event": e, "content": {}}))
                .collect::<Vec<_>>()
        ));
        server
            .get_org_audit_logs(|when, then| {
                when.org_id("o-1").page(page).sort_order("ASC");
                then.ok(&body);
            })
            .expect(1)
            .mount()
            .await;
    }
    let events: Vec<String> = client(&server)
        .get_org_audit_logs()
        .org_id("o-1")
        .sort_order("ASC")
        .body(types::OrgAuditLogsFilters::builder())
        .stream()
        .map(|e| e.unwrap().event.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(events, ["org.create", "org.edit", "org.user.add"]);
    server.verify().await;
}

#[tokio::test]
async fn test_npm_package_escapes_a_scoped_name_in_the_path() {
    let server = MockServer::start().await;
    server
        .test_npm_package(|when, then| {
            when.package_name("@angular/core")
                .version("17.0.0")
                .org("o-1");
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    client(&server)
        .test_npm_package()
        .package_name("@angular/core")
        .version("17.0.0")
        .org("o-1")
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await;
    assert_eq!(sent[0].url.path(), "/test/npm/@angular%2Fcore/17.0.0");
    server.verify().await;
}

#[tokio::test]
async fn get_project_answers_the_typed_body() {
    let server = MockServer::start().await;
    let project: types::Project = typed(json!({
        "id": "p-1",
        "name": "acme/web:package.json",
        "isMonitored": true,
    }));
    server
        .get_project(|when, then| {
            when.org_id("o-1").project_id("p-1");
            then.ok(&project);
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .get_project()
        .org_id("o-1")
        .project_id("p-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.name.as_deref(), Some("acme/web:package.json"));
    server.verify().await;
}

#[tokio::test]
async fn delete_project_answers_its_empty_success() {
    let server = MockServer::start().await;
    server
        .delete_project(|when, then| {
            when.org_id("o-1").project_id("p-1");
            then.ok();
        })
        .expect(1)
        .mount()
        .await;
    let c = client(&server);
    c.delete_project()
        .org_id("o-1")
        .project_id("p-1")
        .send()
        .await
        .unwrap();
    // Another project: the fallback names the closest operation.
    let err = c
        .delete_project()
        .org_id("o-1")
        .project_id("p-2")
        .send()
        .await
        .unwrap_err();
    let closest = err
        .headers()
        .and_then(|h| h.get(apikit_runtime::mock::CLOSEST_HEADER))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(closest.as_deref(), Some("delete_project"));
    server.verify().await;
}

#[tokio::test]
async fn list_orgs_answers_the_typed_list() {
    let server = MockServer::start().await;
    let orgs: types::OrganizationList = typed(json!({
        "orgs": [{"id": "o-1", "name": "Acme", "slug": "acme"}],
    }));
    server
        .list_orgs(|_, then| {
            then.ok(&orgs);
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .list_orgs()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.orgs.len(), 1);
    server.verify().await;
}
