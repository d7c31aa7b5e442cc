//! apikit-shorten-rest's typed mock server (feature `mock`, #18) as a user's test would
//! use it: typed `when` matchers, typed `then` responders, synthesized examples, a paged
//! `stream()` over mocked pages, `expect` and the fallback that names the closest
//! operation.

use apikit_shorten_rest::mock::MockServer;
use apikit_shorten_rest::{Client, types};
use futures::StreamExt;

const KEY: &str = "test-key-0123";

/// A client pointed at the mock server, with nothing else changed.
fn client(server: &MockServer) -> Client {
    Client::with_api_key_at(&server.uri(), KEY).expect("valid credential")
}

/// The generated types have no `PartialEq`: compare them as JSON.
fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

fn alias(name: &str) -> types::AliasModel {
    types::AliasModel {
        created_at: Some(1_700_000_000),
        destinations: vec![],
        domain_name: Some("go.example.com".into()),
        metatags: vec![],
        name: name.into(),
        snippets: vec![],
        updated_at: None,
    }
}

#[tokio::test]
async fn get_alias_matches_its_query_and_answers_the_typed_body() {
    let server = MockServer::start().await;
    server
        .get_alias(|when, then| {
            when.alias_name("launch").domain_name("go.example.com");
            then.ok(&alias("launch"));
        })
        .expect(1)
        .mount()
        .await;

    let got = client(&server)
        .get_alias()
        .alias_name("launch")
        .domain_name("go.example.com")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json(&got), json(&alias("launch")));
    server.verify().await;
}

#[tokio::test]
async fn create_alias_matches_the_json_body() {
    let server = MockServer::start().await;
    let body = types::CreateAliasModel {
        destinations: vec![types::DestinationModel {
            url: "https://example.com/launch".into(),
            country: None,
            os: None,
        }],
        metatags: vec![],
        snippets: vec![],
    };
    let created = types::CreateAliasResponseModel {
        alias_name: Some("x1".into()),
        domain_name: None,
        short_url: Some("https://go.example.com/x1".into()),
    };
    server
        .create_alias(|when, then| {
            when.body(body.clone());
            then.ok(&created);
        })
        .expect(1)
        .mount()
        .await;

    let got = client(&server)
        .create_alias()
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(json(&got.into_inner()), json(&created));

    // Another body does not match: the fallback answers 404 naming the operation.
    let mut other = body;
    other.destinations[0].url = "https://example.com/other".into();
    let err = client(&server)
        .create_alias()
        .body(other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.body_json().expect("a JSON 404");
    assert_eq!(body["closest_operation"], "create_alias", "{body}");
    server.verify().await;
}

#[tokio::test]
async fn update_and_delete_answer_their_empty_success() {
    let server = MockServer::start().await;
    server
        .update_alias(|when, then| {
            when.alias_name("launch");
            then.ok();
        })
        .expect(1)
        .mount()
        .await;
    server
        .delete_alias(|when, _| {
            when.alias_name("launch");
        })
        .expect(1)
        .mount()
        .await;

    let c = client(&server);
    let body = types::CreateAliasModel {
        destinations: vec![],
        metatags: vec![],
        snippets: vec![],
    };
    c.update_alias()
        .alias_name("launch")
        .body(body)
        .send()
        .await
        .unwrap();
    c.delete_alias().alias_name("launch").send().await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn get_statistics_answers_the_synthesized_example() {
    let server = MockServer::start().await;
    server
        .get_statistics(|_, then| {
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let stats = client(&server)
        .get_statistics()
        .body(types::ClicksFilterModel::builder())
        .send()
        .await
        .unwrap()
        .into_inner();
    // The example is a schema-valid value with every documented field: it decoded.
    assert!(stats.alias_id.is_some(), "{stats:?}");
}

#[tokio::test]
async fn get_aliases_stream_walks_mocked_pages() {
    let server = MockServer::start().await;
    let page = |aliases: &[&str], last: Option<&str>| types::GetAliasesModel {
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        last_id: last.map(str::to_owned),
    };
    // The more specific page is tried first (priority 1); the first request has no
    // cursor and falls through to the general mock.
    server
        .get_aliases(|when, then| {
            when.continue_from("b").limit(2u64);
            then.ok(&page(&["c"], None));
        })
        .priority(1)
        .expect(1)
        .mount()
        .await;
    server
        .get_aliases(|when, then| {
            when.limit(2u64);
            then.ok(&page(&["a", "b"], Some("b")));
        })
        .expect(1)
        .mount()
        .await;

    let all: Vec<String> = client(&server)
        .get_aliases()
        .limit(2u64)
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all, ["a", "b", "c"]);
    server.verify().await;
}

#[tokio::test]
async fn get_clicks_default_response_is_the_example() {
    let server = MockServer::start().await;
    // No `then`: the operation's synthesized example.
    server.get_clicks(|_, _| {}).expect(1).mount().await;
    let clicks = client(&server)
        .get_clicks()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(clicks.clicks.len(), 1, "{clicks:?}");
}
