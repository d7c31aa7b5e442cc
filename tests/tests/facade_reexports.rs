//! The facade re-exports each client crate behind its cargo feature, as the same types.

#[test]
fn clients_are_reexported_under_their_features() {
    let via_facade: apikit::shorten_rest::Client =
        apikit::shorten_rest::Client::with_api_key("k").unwrap();
    let _same_type: apikit_shorten_rest::Client = via_facade;
    let colorme: apikit::colorme_appstore::Client =
        apikit_colorme_appstore::Client::new(apikit::colorme_appstore::servers::DEFAULT);
    assert_eq!(
        apikit::colorme_appstore::servers::DEFAULT,
        "https://api.shop-pro.jp"
    );
    let _ = colorme;
}
