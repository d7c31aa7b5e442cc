//! Hostile input (issue #14): undersized RSA keys, replays, and the replay guard.

use apikit::webhooks::Error;
use apikit::webhooks::shipengine::Jwks;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A JWKS with one RSA key whose modulus is `n` (big-endian) and exponent 65537.
fn jwks_with_modulus(n: &[u8]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"keys": [{
        "kty": "RSA", "kid": "k", "use": "sig", "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(n), "e": "AQAB",
    }]}))
    .unwrap()
}

#[test]
fn rsa_key_size_counts_modulus_bits_not_bytes() {
    // 256 bytes whose top bit is clear: a 2047-bit modulus (bytes × 8 would say 2048).
    let mut n2047 = vec![0xff; 256];
    n2047[0] = 0x7f;
    assert!(matches!(
        Jwks::from_json(&jwks_with_modulus(&n2047)),
        Err(Error::InvalidKey(_))
    ));
    // The same with the top bit set is 2048 bits: accepted.
    let n2048 = vec![0xff; 256];
    assert_eq!(
        Jwks::from_json(&jwks_with_modulus(&n2048)).unwrap().len(),
        1
    );
    // Leading zero bytes do not count either.
    let mut padded = vec![0x00];
    padded.extend_from_slice(&n2047);
    assert!(Jwks::from_json(&jwks_with_modulus(&padded)).is_err());
}

// ---- Replay guard --------------------------------------------------------------

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apikit::webhooks::replay::{ReplayGuard, Replayed, SignedDigest};
use apikit::webhooks::test_util::{self, SendGridSigner, ShipEngineSigner};
use apikit::webhooks::{colorme, sendgrid, shipengine, snyk};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const NOW: u64 = 1_712_245_724;

#[test]
fn a_replay_within_ttl_is_refused_and_accepted_after() {
    let guard = ReplayGuard::new(100, Duration::from_secs(600));
    let verifier = snyk::Verifier::new("secret").unwrap();
    let body = br#"{"webhookId":"w"}"#;
    let headers = test_util::snyk_headers(b"secret", "ping/v0", body);

    let first = verifier.verify_signature_digest(&headers, body).unwrap();
    assert_eq!(guard.check_and_remember(&first, at(NOW)), Ok(()));
    // The same request again (the signature still verifies: it is a replay).
    let again = verifier.verify_signature_digest(&headers, body).unwrap();
    assert_eq!(again, first);
    assert_eq!(
        guard.check_and_remember(&again, at(NOW + 599)),
        Err(Replayed)
    );
    // Snyk's event and transport-id headers are not signed: changing them does not
    // make the request new.
    let mut relabelled = headers.clone();
    relabelled.insert(snyk::TRANSPORT_ID_HEADER, "another-guid".parse().unwrap());
    relabelled.insert(snyk::EVENT_HEADER, "project_snapshot/v0".parse().unwrap());
    let digest = verifier.verify_signature_digest(&relabelled, body).unwrap();
    assert_eq!(
        guard.check_and_remember(&digest, at(NOW + 599)),
        Err(Replayed)
    );
    // Past the ttl the entry is forgotten.
    assert_eq!(guard.check_and_remember(&again, at(NOW + 600)), Ok(()));
    // And `?` turns a replay into the crate's error.
    let as_error: Result<(), apikit::webhooks::Error> =
        (|| Ok(guard.check_and_remember(&again, at(NOW + 601))?))();
    assert!(matches!(as_error, Err(apikit::webhooks::Error::Replayed)));
}

#[test]
fn capacity_bound_evicts_the_oldest() {
    let guard = ReplayGuard::new(3, Duration::from_secs(3600));
    let d = |i: u8| SignedDigest::of(&[i]);
    for i in 0..3 {
        guard
            .check_and_remember(&d(i), at(NOW + u64::from(i)))
            .unwrap();
    }
    assert_eq!(guard.len(), 3);
    // A fourth evicts the oldest (0); the others are still remembered.
    guard.check_and_remember(&d(3), at(NOW + 3)).unwrap();
    assert_eq!(guard.len(), 3);
    assert_eq!(guard.check_and_remember(&d(1), at(NOW + 4)), Err(Replayed));
    assert_eq!(guard.check_and_remember(&d(2), at(NOW + 4)), Err(Replayed));
    assert_eq!(guard.check_and_remember(&d(3), at(NOW + 4)), Err(Replayed));
    // 0 was forgotten, so it is accepted (and now evicts 1).
    assert_eq!(guard.check_and_remember(&d(0), at(NOW + 4)), Ok(()));
    assert_eq!(guard.len(), 3);
    // Many more never grow it past the bound.
    for i in 10..200 {
        guard.check_and_remember(&d(i), at(NOW + 5)).unwrap();
    }
    assert_eq!(guard.len(), 3);
}

/// `(r, n - s)`: the other valid P-256 signature of the same message.
fn high_s_twin(signature_b64: &str) -> String {
    use base64::engine::general_purpose::STANDARD;
    use p256::ecdsa::Signature;
    let sig = Signature::from_der(&STANDARD.decode(signature_b64).unwrap()).unwrap();
    let (r, s) = sig.split_scalars();
    let twin = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    assert_ne!(twin, sig);
    STANDARD.encode(twin.to_der().as_bytes())
}

#[test]
fn the_high_s_twin_of_a_sendgrid_signature_is_caught_as_a_replay() {
    let signer = SendGridSigner::from_seed([7; 32]).unwrap();
    let verifier = signer.verifier().unwrap();
    let body = br#"[{"email":"a@b.c","timestamp":1,"event":"open"}]"#;
    let headers = signer.headers(NOW as i64, body);
    let original = headers[sendgrid::SIGNATURE_HEADER]
        .to_str()
        .unwrap()
        .to_owned();
    let mut twin = headers.clone();
    twin.insert(
        sendgrid::SIGNATURE_HEADER,
        high_s_twin(&original).parse().unwrap(),
    );

    let guard = ReplayGuard::new(16, Duration::from_secs(600));
    let first = verifier
        .verify_signature_digest_at(&headers, body, at(NOW))
        .unwrap();
    guard.check_and_remember(&first, at(NOW)).unwrap();
    // The twin verifies too (P-256 accepts both S values)...
    let second = verifier
        .verify_signature_digest_at(&twin, body, at(NOW + 1))
        .unwrap();
    // ...but its signed bytes are the same, so the guard refuses it.
    assert_eq!(
        guard.check_and_remember(&second, at(NOW + 1)),
        Err(Replayed)
    );
}

#[test]
fn a_shipengine_replay_with_a_respelled_signature_header_is_caught() {
    // RSA PKCS#1 v1.5 has no high-S twin, but the header is not the signed bytes
    // either: the same signature listed with another (invalid) one still verifies.
    let signer =
        ShipEngineSigner::from_pem("k", include_str!("fixtures/shipengine_test_key.pem")).unwrap();
    let verifier = shipengine::Verifier::new(signer.jwks().unwrap());
    let body = br#"{"resource_url":"u","resource_type":"API_BATCH"}"#;
    let ts = "2024-04-04T15:48:44Z";
    let headers = signer.headers(ts, body);
    let mut respelled = headers.clone();
    let both = format!("AAAA, {}", signer.signature(ts, body));
    respelled.insert(shipengine::SIGNATURE_HEADER, both.parse().unwrap());

    let guard = ReplayGuard::new(16, Duration::from_secs(600));
    let first = verifier
        .verify_signature_digest_at(&headers, body, at(NOW))
        .unwrap();
    guard.check_and_remember(&first, at(NOW)).unwrap();
    let second = verifier
        .verify_signature_digest_at(&respelled, body, at(NOW))
        .unwrap();
    assert_eq!(guard.check_and_remember(&second, at(NOW)), Err(Replayed));
    // A different timestamp is a different message (and a fresh signature).
    let later = "2024-04-04T15:49:44Z";
    let third = verifier
        .verify_signature_digest_at(&signer.headers(later, body), body, at(NOW))
        .unwrap();
    assert_eq!(guard.check_and_remember(&third, at(NOW)), Ok(()));
}

#[test]
fn colorme_digest_is_of_the_body() {
    let verifier = colorme::Verifier::new("secret").unwrap();
    let body = br#"{"account_id":"PA00000001"}"#;
    let digest = verifier
        .verify_signature_digest(&test_util::colorme_headers(b"secret", body), body)
        .unwrap();
    assert_eq!(digest, SignedDigest::of(body));
    // Only a valid signature yields a digest.
    assert!(
        verifier
            .verify_signature_digest(&test_util::colorme_headers(b"other", body), body)
            .is_err()
    );
}
