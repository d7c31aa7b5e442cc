#![no_main]
//! JWKS documents and the lenient ISO 8601 timestamp parser.
use apikit::webhooks::{Timestamp, shipengine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shipengine::Jwks::from_json(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(ts) = Timestamp::parse(text) {
            // Whatever parses must print and parse back to the same instant.
            assert_eq!(Timestamp::parse(&ts.to_string()), Some(ts));
        }
    }
});
