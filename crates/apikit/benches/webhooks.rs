//! Snyk verify + parse of a ~5 KB `project_snapshot/v0` (tests/fixtures), against a
//! baseline doing the minimum by hand in the same run: hex-decode the signature, raw
//! `hmac` (pre-keyed, like the verifier) + `verify_slice`, and
//! `serde_json::from_slice` into the same `ProjectSnapshot` struct.
//!
//! Run: `cargo bench -p apikit --bench webhooks`. Goal: facade <= 1.2x baseline.

use apikit::webhooks::snyk;
use divan::{Bencher, black_box};
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use sha2::Sha256;

const BODY: &[u8] = include_bytes!("../tests/fixtures/snyk_project_snapshot.json");
const SECRET: &[u8] = b"snapshot-secret";

fn signature() -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(BODY);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "x-hub-signature",
        HeaderValue::from_str(&signature()).unwrap(),
    );
    h.insert(
        "x-snyk-event",
        HeaderValue::from_static("project_snapshot/v0"),
    );
    h.insert(
        "x-snyk-transport-id",
        HeaderValue::from_static("6f1a6d2b-4c4b-4f8e-9e4b-2a7f0f4e8c11"),
    );
    h.insert(
        "x-snyk-timestamp",
        HeaderValue::from_static("2020-09-25T15:27:53Z"),
    );
    h.insert("content-type", HeaderValue::from_static("application/json"));
    h.insert("user-agent", HeaderValue::from_static("Snyk-Webhooks/1.0"));
    h
}

fn main() {
    divan::main();
}

#[divan::bench(name = "baseline: hmac + serde_json::from_slice")]
fn baseline(bencher: Bencher) {
    let keyed = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    let header = signature();
    bencher.bench(|| {
        let mut tag = [0u8; 32];
        hex::decode_to_slice(&black_box(&header)["sha256=".len()..], &mut tag).unwrap();
        let mut mac = keyed.clone();
        mac.update(black_box(BODY));
        mac.verify_slice(&tag).unwrap();
        let parsed: snyk::ProjectSnapshot = serde_json::from_slice(black_box(BODY)).unwrap();
        parsed
    });
}

#[divan::bench(name = "apikit: snyk::Verifier::verify")]
fn facade(bencher: Bencher) {
    let verifier = snyk::Verifier::new(SECRET).unwrap();
    let headers = headers();
    bencher.bench(|| {
        verifier
            .verify(black_box(&headers), black_box(BODY))
            .unwrap()
    });
}

#[divan::bench(name = "signature only: snyk::Verifier::verify_signature")]
fn signature_only(bencher: Bencher) {
    let verifier = snyk::Verifier::new(SECRET).unwrap();
    let headers = headers();
    bencher.bench(|| {
        verifier
            .verify_signature(black_box(&headers), black_box(BODY))
            .unwrap()
    });
}
