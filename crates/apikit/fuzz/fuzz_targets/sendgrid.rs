#![no_main]
//! SendGrid: verify (ECDSA, base64, DER, timestamp window) and the batch parser.
mod common;
use std::time::{Duration, UNIX_EPOCH};
use apikit::webhooks::sendgrid;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";

fuzz_target!(|data: &[u8]| {
    let (headers, body) = common::split(data);
    let verifier = sendgrid::Verifier::new(KEY).expect("official key");
    let _ = verifier.verify_at(&headers, body, UNIX_EPOCH + Duration::from_secs(1_588_788_367));
    let _ = sendgrid::parse_unverified(body);
});
