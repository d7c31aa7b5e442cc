#![no_main]
//! Snyk: verify (HMAC, hex) and the unverified parser.
mod common;
use apikit::webhooks::snyk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (headers, body) = common::split(data);
    let verifier = snyk::Verifier::new("fuzz-secret").expect("non-empty secret");
    let _ = verifier.verify(&headers, body);
    let _ = snyk::parse_unverified(&headers, body);
});
