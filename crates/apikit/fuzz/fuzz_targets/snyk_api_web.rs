#![no_main]
//! Snyk API & Web: the parser and the path-token check.
use apikit::webhooks::snyk_api_web;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = snyk_api_web::parse(data);
    let token = snyk_api_web::PathToken::new("d69179e3b06549469817560c650be98f").expect("long token");
    let _ = token.verify_path(&String::from_utf8_lossy(data));
});
