//! The `test-util` signers produce requests the verifiers accept, and only those:
//! round trips, plus cross-checks against independent material (SendGrid's Go test key,
//! the openssl-made vector).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apikit::webhooks::test_util::{self, SendGridSigner, ShipEngineSigner};
use apikit::webhooks::{Error, colorme, sendgrid, shipengine, snyk};

const TEST_KEY: &str = include_str!("fixtures/shipengine_test_key.pem");
const OTHER_KEY: &str = include_str!("fixtures/shipengine_other_key.pem");

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn snyk_and_colorme_signers_round_trip() {
    let body = br#"{"webhookId":"d3cf26b3-2d77-497b-bce2-23b33cc15362"}"#;
    // Same value as Python's hmac (fixtures/vectors.json): the signer is right.
    assert_eq!(
        test_util::snyk_signature(b"my-secret-string", body),
        "sha256=5e701fad1ace51f0d4edea83c68cf24f1a9ff19578826cddaff5a936f549ea2e"
    );
    let headers = test_util::snyk_headers(b"my-secret-string", "ping/v0", body);
    let delivery = snyk::Verifier::new("my-secret-string")
        .unwrap()
        .verify(&headers, body)
        .unwrap();
    assert!(matches!(delivery.event, snyk::Event::Ping(_)));
    assert!(delivery.transport_id.is_some() && delivery.timestamp.is_some());

    let install = br#"{"account_id":"PA00000001","mail":"shop@example.com"}"#;
    let headers = test_util::colorme_headers(b"my_webhook_secret", install);
    let verifier = colorme::Verifier::new("my_webhook_secret").unwrap();
    assert!(matches!(
        verifier.verify(&headers, install).unwrap(),
        colorme::Event::Install(_)
    ));
    assert!(matches!(
        colorme::Verifier::new("other")
            .unwrap()
            .verify(&headers, install),
        Err(Error::SignatureMismatch)
    ));
}

#[test]
fn sendgrid_signer_round_trip_and_keys() {
    let signer = SendGridSigner::from_seed([7; 32]).unwrap();
    let body = b"[{\"email\":\"a@b.c\",\"timestamp\":1700000000,\"event\":\"open\"}]\r\n";
    let headers = signer.headers(1_700_000_000, body);
    for verifier in [
        sendgrid::Verifier::new(&signer.public_key_base64()).unwrap(),
        sendgrid::Verifier::new(&signer.public_key_pem()).unwrap(),
        signer.verifier().unwrap(),
    ] {
        let events = verifier
            .verify_at(&headers, body, at(1_700_000_100))
            .unwrap();
        assert!(matches!(&events[0], sendgrid::Event::Open(_)));
        assert!(matches!(
            verifier.verify_at(&headers, &body[..body.len() - 2], at(1_700_000_100)),
            Err(Error::SignatureMismatch)
        ));
    }
    let other = SendGridSigner::from_seed([8; 32]).unwrap();
    assert!(matches!(
        other
            .verifier()
            .unwrap()
            .verify_at(&headers, body, at(1_700_000_000)),
        Err(Error::SignatureMismatch)
    ));
    assert!(SendGridSigner::from_seed([0; 32]).is_err());
    assert!(
        SendGridSigner::from_seed([0xff; 32]).is_err(),
        "above the curve order"
    );
}

#[test]
fn sendgrid_go_test_private_key_matches_official_public_key() {
    // sendgrid-go eventwebhook_test.go: the private key behind vector A's public key.
    let signer = SendGridSigner::from_sec1_der_base64(
        "MHcCAQEEIEQmZgBEh9DcU9zMl34czK3xov4AYvm9P3r7rNB2dNXtoAoGCCqGSM49AwEHoUQDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
    )
    .unwrap();
    assert_eq!(
        signer.public_key_base64(),
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
    );
    assert!(SendGridSigner::from_sec1_der_base64("bm90IGEga2V5").is_err());
}

#[test]
fn shipengine_signer_matches_openssl() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/vectors.json")).unwrap();
    let track = include_bytes!("fixtures/shipengine_track.json");
    let signer = ShipEngineSigner::from_pem("test-key-1", TEST_KEY).unwrap();
    // PKCS#1 v1.5 is deterministic: the signer must reproduce openssl's bytes exactly.
    assert_eq!(
        signer.signature("2024-04-04T15:48:44Z", track),
        vectors["shipengine_track"]["signature"].as_str().unwrap()
    );
    // And its JWKS must equal the one Python's cryptography derived from the same PEM.
    let ours: serde_json::Value = serde_json::from_str(&signer.jwks_json()).unwrap();
    assert_eq!(
        ours["keys"][0],
        vectors["shipengine_track"]["jwks"]["keys"][1]
    );
}

#[test]
fn shipengine_signer_round_trip() {
    let signer = ShipEngineSigner::from_pem("k1", TEST_KEY).unwrap();
    let other = ShipEngineSigner::from_pem("k1", OTHER_KEY).unwrap();
    let body = br#"{"resource_url":"https://api.shipengine.com/v1/batches/se-1","resource_type":"API_BATCH"}"#;
    let ts = "2024-04-04T15:48:44.123Z";
    let now = at(1_712_245_724);
    let verifier = shipengine::Verifier::new(
        shipengine::Jwks::from_json(signer.jwks_json().as_bytes()).unwrap(),
    );
    assert!(matches!(
        verifier
            .verify_at(&signer.headers(ts, body), body, now)
            .unwrap(),
        shipengine::Event::Batch(_)
    ));
    let same = shipengine::Verifier::new(signer.jwks().unwrap());
    assert!(same.verify_at(&signer.headers(ts, body), body, now).is_ok());
    assert!(matches!(
        verifier.verify_at(&other.headers(ts, body), body, now),
        Err(Error::SignatureMismatch)
    ));
    // Offsets other than Z are fine: the window is computed on the instant.
    let offset_ts = "2024-04-04T17:48:44+02:00";
    assert!(
        verifier
            .verify_at(&signer.headers(offset_ts, body), body, now)
            .is_ok()
    );
    assert!(ShipEngineSigner::from_pem("k", "nope").is_err());
}
