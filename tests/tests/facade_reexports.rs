//! The facade re-exports each client crate behind its cargo feature, as the same types.

#[test]
fn clients_are_reexported_under_their_features() {
    let via_facade: apikit::shorten_rest::Client =
        apikit::shorten_rest::Client::with_api_key("k").unwrap();
    let _same_type: apikit_shorten_rest::Client = via_facade;
    let colorme: apikit::colorme_appstore::Client =
        apikit_colorme_appstore::Client::with_access_token("t").unwrap();
    assert_eq!(
        apikit::colorme_appstore::servers::DEFAULT,
        "https://api.shop-pro.jp"
    );
    let _ = colorme;
    let _: apikit_sendgrid::Client = apikit::sendgrid::Client::with_api_key_eu("k").unwrap();
    assert_eq!(apikit::sendgrid::servers::EU, "https://api.eu.sendgrid.com");
    let _: apikit_shipengine::Client = apikit::shipengine::Client::with_api_key("k").unwrap();
    let _: apikit_snyk::Client = apikit::snyk::Client::with_api_token("k").unwrap();
    assert_eq!(apikit::snyk::servers::DEFAULT, "https://api.snyk.io/v1");
    let _: apikit_snyk_api_web::Client = apikit::snyk_api_web::Client::with_api_key("k").unwrap();
}
