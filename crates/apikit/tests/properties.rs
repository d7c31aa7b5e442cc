//! Property tests (proptest, run by `cargo test`): arbitrary headers and bytes never
//! make a verifier or parser panic and never verify, and signatures made by the test-util signers verify
//! while any single-byte change to the body is rejected.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apikit::webhooks::test_util::{self, SendGridSigner, ShipEngineSigner};
use apikit::webhooks::{Error, Timestamp, colorme, sendgrid, shipengine, snyk, snyk_api_web};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    snyk::SIGNATURE_HEADER,
    snyk::EVENT_HEADER,
    snyk::TRANSPORT_ID_HEADER,
    snyk::TIMESTAMP_HEADER,
    sendgrid::SIGNATURE_HEADER,
    sendgrid::TIMESTAMP_HEADER,
    shipengine::KEY_ID_HEADER,
    shipengine::SIGNATURE_HEADER,
    shipengine::TIMESTAMP_HEADER,
    colorme::SIGNATURE_HEADER,
    "x-other",
];

/// Header values: raw bytes, and near-valid shapes that get further into the parsers.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..120),
        "sha256=[0-9a-fA-F]{0,70}".prop_map(String::into_bytes),
        "[A-Za-z0-9+/=, ]{0,100}".prop_map(String::into_bytes),
        "[0-9]{0,20}".prop_map(String::into_bytes),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:[0-9]{2})?"
            .prop_map(String::into_bytes),
        "(ping|project_snapshot|x)/(v0|v1|)".prop_map(String::into_bytes),
        Just(b"test-key-1".to_vec()),
    ]
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    proptest::collection::vec((0..NAMES.len(), value()), 0..8).prop_map(|pairs| {
        let mut map = HeaderMap::new();
        for (i, bytes) in pairs {
            if let Ok(v) = HeaderValue::from_bytes(&bytes) {
                map.append(HeaderName::from_static(NAMES[i]), v);
            }
        }
        map
    })
}

/// Bodies: raw bytes, and JSON documents shaped like each provider's payloads.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        "[a-z_ 0-9:.TZ-]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("processed"),
            Just("bounce"),
            Just("click"),
            Just("group_unsubscribe"),
            Just("API_TRACK"),
            Just("API_BATCH"),
            Just("scan_completed"),
            Just("finding_fixed"),
            Just("2023-08-09T13:27:43.8208302"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    let key = prop_oneof![
        Just("event"),
        Just("email"),
        Just("timestamp"),
        Just("category"),
        Just("resource_type"),
        Just("resource_url"),
        Just("data"),
        Just("events"),
        Just("event_type"),
        Just("content"),
        Just("occurred_at"),
        Just("ocurred_at"),
        Just("id"),
        Just("account_id"),
        Just("uninstalled_at"),
        Just("project"),
        Just("org"),
        Just("newIssues"),
        Just("webhookId"),
        Just("severity"),
    ];
    let json = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..8).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        json.prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
    ]
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_712_245_724)
}

fn fixtures() -> (sendgrid::Verifier, shipengine::Verifier) {
    let sg = SendGridSigner::from_seed([7; 32])
        .unwrap()
        .verifier()
        .unwrap();
    let se = ShipEngineSigner::from_pem(
        "test-key-1",
        include_str!("fixtures/shipengine_test_key.pem"),
    )
    .unwrap()
    .jwks()
    .unwrap();
    (sg, shipengine::Verifier::new(se))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_input_never_panics_and_never_verifies(h in headers(), b in body()) {
        // No generated header carries a signature made with these keys, so every call
        // must fail (and none may panic).
        let (sg, se) = fixtures();
        prop_assert!(snyk::Verifier::new("secret").unwrap().verify(&h, &b).is_err());
        prop_assert!(colorme::Verifier::new("secret").unwrap().verify(&h, &b).is_err());
        prop_assert!(sg.verify_at(&h, &b, now()).is_err());
        prop_assert!(se.verify_at(&h, &b, now()).is_err());
        let token = snyk_api_web::PathToken::new("d69179e3b06549469817560c650be98f").unwrap();
        prop_assert!(token.verify_path(&String::from_utf8_lossy(&b)).is_err());
    }

    #[test]
    fn parsers_never_panic(h in headers(), b in body()) {
        let _ = snyk::parse_unverified(&h, &b);
        let _ = sendgrid::parse_unverified(&b);
        let _ = shipengine::parse_unverified(&b);
        let _ = colorme::parse_unverified(&b);
        let _ = snyk_api_web::parse(&b);
        let _ = shipengine::Jwks::from_json(&b);
        let _ = Timestamp::parse(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn sendgrid_arrays_of_random_events_never_panic(items in proptest::collection::vec(body(), 0..4)) {
        // Wrap generated objects in an array, SendGrid's body shape.
        let parts: Vec<String> = items.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
        let _ = sendgrid::parse_unverified(format!("[{}]", parts.join(",")).as_bytes());
    }

    #[test]
    fn hmac_schemes_accept_their_signature_and_reject_any_change(
        secret in proptest::collection::vec(any::<u8>(), 1..80),
        b in proptest::collection::vec(any::<u8>(), 1..200),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let mut changed = b.clone();
        changed[flip.index(b.len())] ^= 1 << bit;

        let h = test_util::snyk_headers(&secret, "unknown/v9", &b);
        let v = snyk::Verifier::new(&secret).unwrap();
        prop_assert!(v.verify_signature(&h, &b).is_ok());
        prop_assert!(matches!(v.verify_signature(&h, &changed), Err(Error::SignatureMismatch)));

        let h = test_util::colorme_headers(&secret, &b);
        let v = colorme::Verifier::new(&secret).unwrap();
        prop_assert!(v.verify_signature(&h, &b).is_ok());
        prop_assert!(matches!(v.verify_signature(&h, &changed), Err(Error::SignatureMismatch)));
    }
}

proptest! {
    // Public-key schemes cost more per case.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn signature_schemes_accept_their_signature_and_reject_any_change(
        b in proptest::collection::vec(any::<u8>(), 1..200),
        flip in any::<prop::sample::Index>(),
        skew in -300i64..=300,
    ) {
        let mut changed = b.clone();
        changed[flip.index(b.len())] ^= 0x20;
        let sent = 1_712_245_724i64 + skew;

        let signer = SendGridSigner::from_seed([9; 32]).unwrap();
        let v = signer.verifier().unwrap();
        let h = signer.headers(sent, &b);
        prop_assert!(v.verify_signature_at(&h, &b, now()).is_ok());
        prop_assert!(matches!(v.verify_signature_at(&h, &changed, now()), Err(Error::SignatureMismatch)));

        let signer = ShipEngineSigner::from_pem("k", include_str!("fixtures/shipengine_test_key.pem")).unwrap();
        let v = shipengine::Verifier::new(signer.jwks().unwrap());
        let ts = chrono::DateTime::from_timestamp(sent, 0).unwrap().to_rfc3339();
        let h = signer.headers(&ts, &b);
        prop_assert!(v.verify_signature_at(&h, &b, now()).is_ok());
        prop_assert!(matches!(v.verify_signature_at(&h, &changed, now()), Err(Error::SignatureMismatch)));
    }
}
