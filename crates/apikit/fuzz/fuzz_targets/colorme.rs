#![no_main]
//! ColorMe: verify (HMAC, base64) and the install/uninstall parser.
mod common;
use apikit::webhooks::colorme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (headers, body) = common::split(data);
    let verifier = colorme::Verifier::new("my_webhook_secret").expect("non-empty secret");
    let _ = verifier.verify(&headers, body);
    let _ = colorme::parse_unverified(body);
});
