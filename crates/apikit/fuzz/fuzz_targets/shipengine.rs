#![no_main]
//! ShipEngine: verify (kid lookup, ISO 8601 window, base64, RSA) and the parser.
mod common;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};
use apikit::webhooks::{shipengine, test_util::ShipEngineSigner};
use libfuzzer_sys::fuzz_target;

fn verifier() -> &'static shipengine::Verifier {
    static V: OnceLock<shipengine::Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let signer = ShipEngineSigner::from_pem(
            "test-key-1",
            include_str!("../../tests/fixtures/shipengine_test_key.pem"),
        )
        .expect("test key");
        shipengine::Verifier::new(signer.jwks().expect("2048-bit key"))
    })
}

fuzz_target!(|data: &[u8]| {
    let (headers, body) = common::split(data);
    let _ = verifier().verify_at(&headers, body, UNIX_EPOCH + Duration::from_secs(1_712_245_724));
    let _ = shipengine::parse_unverified(body);
});
