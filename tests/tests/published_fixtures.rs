//! The `published_*` fixture clients (crates/codegen/tests/output) on the wire: what the
//! normalization passes for constructs seen in published specs promise (#16) holds when a
//! request is sent and a response decoded.

use apikit_fixture_clients::{published_collide, published_symbols};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.pop().unwrap()
}

/// Every variant of the symbol-only enums, with the value the spec gives for it.
fn operators() -> Vec<(published_symbols::types::Operator, &'static str)> {
    use published_symbols::types::Operator;
    vec![
        (Operator::Eq, "="),
        (Operator::Lt, "<"),
        (Operator::Le, "<="),
        (Operator::Gt, ">"),
        (Operator::Ge, ">="),
        (Operator::Ne, "!="),
    ]
}

#[tokio::test]
async fn symbol_enum_values_go_on_the_wire_as_the_spec_spells_them() {
    use published_symbols::types::Operator;
    let server = MockServer::start().await;
    let client = published_symbols::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/filters"))
        .and(query_param("op", "<="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    client.list_filters().op(Operator::Le).send().await.unwrap();
    // `<=` url-encoded, and nothing of the placeholder word the generator used for it.
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("op=%3C%3D"));
}

#[tokio::test]
async fn symbol_enum_values_decode_into_their_variants() {
    use published_symbols::types::{Operator, Sort};
    let server = MockServer::start().await;
    let client = published_symbols::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/filters"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"op": "!=", "sort": "-"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/filters"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"op": "~", "sort": "+"})))
        .mount(&server)
        .await;
    let filter = client.list_filters().send().await.unwrap().into_inner();
    assert_eq!(filter.op, Some(Operator::Ne));
    assert_eq!(filter.sort, Some(Sort::Minus));
    // A value the spec does not list still decodes, into the catch-all.
    let filter = client.list_filters().send().await.unwrap().into_inner();
    assert_eq!(filter.op, Some(Operator::Unknown("~".into())));
    assert_eq!(filter.sort, Some(Sort::Plus));
}

#[test]
fn symbol_enum_variants_serialize_display_and_parse_as_their_symbols() {
    use published_symbols::types::{Operator, Sort};
    for (variant, symbol) in operators() {
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(symbol));
        assert_eq!(
            serde_json::from_value::<Operator>(json!(symbol)).unwrap(),
            variant
        );
        assert_eq!(variant.to_string(), symbol);
        assert_eq!(symbol.parse::<Operator>().unwrap(), variant);
    }
    for (variant, symbol) in [(Sort::Plus, "+"), (Sort::Minus, "-")] {
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(symbol));
        assert_eq!(variant.to_string(), symbol);
    }
    assert_eq!(
        serde_json::to_value(Operator::Unknown("~".into())).unwrap(),
        json!("~")
    );
}

#[tokio::test]
async fn renamed_parameters_are_sent_under_their_spec_names() {
    let server = MockServer::start().await;
    let client = published_collide::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("MaxResults", "10"))
        .and(query_param("max-results", "20"))
        .and(query_param("page_token", "query-token"))
        .and(header("Page-Token", "header-token"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client
        .list_items()
        .max_results(10)
        .max_results_2(20)
        .page_token("query-token")
        .page_token_header("header-token")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    // Each value under its own real name, in its own location; the Rust-side names of
    // the renamed ones are nowhere on the wire.
    assert_eq!(
        request.url.query(),
        Some("MaxResults=10&max-results=20&page_token=query-token")
    );
    assert_eq!(request.headers.get_all("page-token").iter().count(), 1);
    assert_eq!(request.headers["page-token"], "header-token");
    assert!(request.headers.get("page_token_header").is_none());
    assert!(!request.url.as_str().contains("max_results_2"));
    assert!(!request.url.as_str().contains("page_token_header"));
}

#[tokio::test]
async fn a_renamed_parameter_alone_is_sent_under_its_spec_name() {
    let server = MockServer::start().await;
    let client = published_collide::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client
        .list_items()
        .max_results_2(5)
        .page_token_header("h")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("max-results=5"));
    assert_eq!(request.headers["page-token"], "h");
    assert!(request.headers.get("page_token_header").is_none());
}

#[tokio::test]
async fn object_query_parameters_are_sent_property_by_property() {
    use apikit_fixture_clients::published_object_query;
    let server = MockServer::start().await;
    let client =
        published_object_query::Client::configured(&server.uri(), Default::default()).unwrap();
    Mock::given(method("GET"))
        .and(path("/audit_logs"))
        .and(query_param("effective_at[gt]", "1"))
        .and(query_param("effective_at[lt]", "5"))
        .and(query_param("limit", "10"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client
        .list_audit_logs()
        .effective_at_gt(1)
        .effective_at_lt(5)
        .limit(10)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    // deepObject style for `effective_at`, form (exploded) for `page`'s properties.
    assert_eq!(
        request.url.query(),
        Some("effective_at%5Bgt%5D=1&effective_at%5Blt%5D=5&limit=10")
    );
}
