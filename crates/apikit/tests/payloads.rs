//! Payload parsing for every documented event of every provider, through the
//! `parse_unverified` / `parse` entry points (verification is covered by
//! known_answers.rs and signing.rs).

use apikit::webhooks::{Error, colorme, sendgrid, shipengine, snyk, snyk_api_web};
use serde_json::json;

// ---------------------------------------------------------------- SendGrid

/// One event of each documented type, with the fields SendGrid's event reference lists.
fn sendgrid_batch() -> serde_json::Value {
    let common = |event: &str| {
        json!({
            "email": "example@test.com",
            "timestamp": 1513299569,
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            "event": event,
            "category": "cat facts",
            "sg_event_id": format!("id-{event}"),
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        })
    };
    let with = |event: &str, extra: serde_json::Value| {
        let mut v = common(event);
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    json!([
        with(
            "processed",
            json!({"pool": {"name": "new_MY_test", "id": 210}, "user_id": "123"})
        ),
        with(
            "dropped",
            json!({"reason": "Bounced Address", "status": "5.0.0"})
        ),
        with("delivered", json!({"response": "250 OK", "tls": 1})),
        with(
            "deferred",
            json!({"response": "400 try again later", "attempt": "5"})
        ),
        with(
            "bounce",
            json!({"reason": "500 unknown recipient", "status": "5.0.0", "type": "bounce"})
        ),
        with(
            "bounce",
            json!({"reason": "blocked by policy", "status": "4.0.0", "type": "blocked"})
        ),
        with(
            "open",
            json!({"useragent": "Mozilla/4.0", "ip": "255.255.255.255", "sg_machine_open": false})
        ),
        with(
            "click",
            json!({"useragent": "Mozilla/4.0", "ip": "255.255.255.255",
                             "url": "http://www.sendgrid.com/", "url_offset": {"index": 0, "type": "html"}})
        ),
        with("spamreport", json!({})),
        with("unsubscribe", json!({})),
        with(
            "group_unsubscribe",
            json!({"useragent": "Mozilla/4.0", "ip": "255.255.255.255",
                                         "url": "http://www.sendgrid.com/", "asm_group_id": 10})
        ),
        with(
            "group_resubscribe",
            json!({"useragent": "Mozilla/4.0", "ip": "255.255.255.255",
                                         "url": "http://www.sendgrid.com/", "asm_group_id": 10})
        ),
        with(
            "account_status_change",
            json!({"type": "compliance_suspend"})
        ),
    ])
}

#[test]
fn sendgrid_every_event_type() {
    let body = serde_json::to_vec(&sendgrid_batch()).unwrap();
    let events = sendgrid::parse_unverified(&body).unwrap();
    assert_eq!(events.len(), 13);
    use sendgrid::Event as E;
    match &events[0] {
        E::Processed(e) => {
            let pool = e.pool.as_ref().unwrap();
            assert_eq!(
                (pool.name.as_deref(), pool.id),
                (Some("new_MY_test"), Some(210))
            );
            // A custom arg kept, reserved keys not duplicated into it.
            assert_eq!(e.custom_args.get("user_id"), Some(&json!("123")));
            assert!(!e.custom_args.contains_key("email"));
            assert!(!e.custom_args.contains_key("event"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&events[1], E::Dropped(e) if e.status.as_deref() == Some("5.0.0")));
    assert!(
        matches!(&events[2], E::Delivered(e) if e.response.as_deref() == Some("250 OK") && e.common.tls == Some(1))
    );
    assert!(matches!(&events[3], E::Deferred(e) if e.attempt.as_deref() == Some("5")));
    assert!(matches!(&events[4], E::Bounce(e) if e.bounce_type.as_deref() == Some("bounce")));
    assert!(matches!(&events[5], E::Bounce(e) if e.bounce_type.as_deref() == Some("blocked")));
    assert!(
        matches!(&events[6], E::Open(e) if e.ip.as_deref() == Some("255.255.255.255") && e.sg_machine_open == Some(false))
    );
    match &events[7] {
        E::Click(e) => {
            let offset = e.url_offset.as_ref().unwrap();
            assert_eq!(
                (offset.index, offset.part.as_deref()),
                (Some(0), Some("html"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&events[8], E::SpamReport(_)));
    assert!(matches!(&events[9], E::Unsubscribe(_)));
    assert!(matches!(&events[10], E::GroupUnsubscribe(e) if e.asm_group_id == Some(10)));
    assert!(matches!(&events[11], E::GroupResubscribe(e) if e.asm_group_id == Some(10)));
    match &events[12] {
        E::Unknown(raw) => assert_eq!(raw["type"], "compliance_suspend"),
        other => panic!("{other:?}"),
    }
    for e in &events[..12] {
        let common = e.common().unwrap();
        assert_eq!(common.email, "example@test.com");
        assert_eq!(common.category.as_ref().unwrap().as_vec(), ["cat facts"]);
    }
    assert!(events[12].common().is_none());
}

#[test]
fn sendgrid_lenient_fields() {
    // From SendGrid's reserved-keys example: capitalised event, string timestamp,
    // category as a list, numeric attempt, missing sg_message_id, empty smtp-id.
    let body = br#"[{"email":"a@b.c","timestamp":"123456789","event":"Processed","smtp-id":"",
        "category":["one","two"],"unique_arg_key":"v","marketing_campaign_id":12345},
        {"email":"a@b.c","timestamp":1.6e9,"event":"deferred","attempt":3}]"#;
    let events = sendgrid::parse_unverified(body).unwrap();
    match &events[0] {
        sendgrid::Event::Processed(p) => {
            assert_eq!(p.common.timestamp, 123_456_789);
            assert_eq!(p.common.event, "Processed");
            assert_eq!(p.common.smtp_id.as_deref(), Some(""));
            assert_eq!(p.common.sg_message_id, None);
            assert_eq!(p.common.category.as_ref().unwrap().as_vec(), ["one", "two"]);
            assert_eq!(p.common.marketing_campaign_id.as_deref(), Some("12345"));
            assert_eq!(p.custom_args.get("unique_arg_key"), Some(&json!("v")));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&events[1], sendgrid::Event::Deferred(d) if d.attempt.as_deref() == Some("3") && d.common.timestamp == 1_600_000_000)
    );
}

#[test]
fn sendgrid_parse_errors_name_the_element() {
    let body = br#"[{"email":"a@b.c","timestamp":1,"event":"open"},{"email":"a@b.c","timestamp":"soon","event":"open"}]"#;
    match sendgrid::parse_unverified(body) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "[1].timestamp"),
        other => panic!("{other:?}"),
    }
    match sendgrid::parse_unverified(br#"{"not":"an array"}"#) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "."),
        other => panic!("{other:?}"),
    }
    match sendgrid::parse_unverified(br#"[{"timestamp":1,"event":"open"}]"#) {
        Err(Error::Parse { path, source }) => {
            assert_eq!(path, "[0]");
            assert!(source.to_string().contains("email"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- ShipEngine

#[test]
fn shipengine_every_resource_type() {
    let cases = [
        ("API_BATCH", "batches/se-28529731"),
        ("API_CARRIER_CONNECTED", "carriers/se-1"),
        ("API_ORDER_SOURCE_REFRESH_COMPLETE", "order_sources/se-2"),
        ("API_RATE", "rates/se-3"),
        ("API_REPORT_COMPLETE", "reports/se-4"),
        ("API_SALES_ORDERS_IMPORTED", "sales_orders/se-5"),
    ];
    for (kind, path) in cases {
        let body = json!({"resource_url": format!("https://api.shipengine.com/v1/{path}"), "resource_type": kind});
        let event = shipengine::parse_unverified(body.to_string().as_bytes()).unwrap();
        let resource = match (&event, kind) {
            (shipengine::Event::Batch(r), "API_BATCH")
            | (shipengine::Event::CarrierConnected(r), "API_CARRIER_CONNECTED")
            | (
                shipengine::Event::OrderSourceRefreshComplete(r),
                "API_ORDER_SOURCE_REFRESH_COMPLETE",
            )
            | (shipengine::Event::Rate(r), "API_RATE")
            | (shipengine::Event::ReportComplete(r), "API_REPORT_COMPLETE")
            | (shipengine::Event::SalesOrdersImported(r), "API_SALES_ORDERS_IMPORTED") => r,
            _ => panic!("{kind} parsed as {event:?}"),
        };
        assert!(resource.resource_url.ends_with(path));
        assert_eq!(resource.resource_type, kind);
    }
    let unknown = shipengine::parse_unverified(
        br#"{"resource_url":"x","resource_type":"BATCH_PROCESSED_V2"}"#,
    )
    .unwrap();
    assert!(
        matches!(unknown, shipengine::Event::Unknown(v) if v["resource_type"] == "BATCH_PROCESSED_V2")
    );
}

#[test]
fn shipengine_old_track_shape() {
    // Older payloads: shipped_date, links, events[].event_date, no data fields at all.
    let body =
        br#"{"resource_url":"u","resource_type":"API_TRACK","data":{"shipped_date":"2019-01-01",
        "links":{"self":"x"},"events":[{"event_date":"2019-01-02T00:00:00Z","description":"x"}]}}"#;
    let shipengine::Event::Track(track) = shipengine::parse_unverified(body).unwrap() else {
        panic!()
    };
    let data = track.data.unwrap();
    assert_eq!(data.shipped_date.as_deref(), Some("2019-01-01"));
    assert_eq!(
        data.events[0].event_date.as_deref(),
        Some("2019-01-02T00:00:00Z")
    );
    let err = shipengine::parse_unverified(br#"{"resource_url":"u","resource_type":"API_TRACK","data":{"events":[{"latitude":"north"}]}}"#).unwrap_err();
    assert!(
        matches!(err, Error::Parse { ref path, .. } if path == "data.events[0].latitude"),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- ColorMe

#[test]
fn colorme_install_shapes() {
    let one_time = br#"{"account_id":"PA00000001","application_charge_source_id":"F3RN9A","application_charge_id":"A3FT4N","mail":"shop@example.com"}"#;
    let monthly = br#"{"account_id":"PA00000001","application_charge_source_id":"F3RN9A","recurring_application_charge_id":"A3FT4N","mail":"shop@example.com","trial_term":{"starts_at":1552022739,"ends_at":1554614739}}"#;
    match colorme::parse_unverified(one_time).unwrap() {
        colorme::Event::Install(i) => {
            assert_eq!(i.application_charge_id.as_deref(), Some("A3FT4N"));
            assert_eq!(i.recurring_application_charge_id, None);
        }
        other => panic!("{other:?}"),
    }
    match colorme::parse_unverified(monthly).unwrap() {
        colorme::Event::Install(i) => {
            let trial = i.trial_term.unwrap();
            assert_eq!(
                (trial.starts_at, trial.ends_at),
                (Some(1552022739), Some(1554614739))
            );
        }
        other => panic!("{other:?}"),
    }
    let usage = br#"{"account_id":"PA1","uninstalled_at":1,"reason":"by_unpaid","usage_charge":{"api_token":"tok","closing_on":"2019-03-31"}}"#;
    match colorme::parse_unverified(usage).unwrap() {
        colorme::Event::Uninstall(u) => {
            assert_eq!(u.reason, Some(colorme::UninstallReason::ByUnpaid));
            assert_eq!(u.usage_charge.unwrap().api_token.as_deref(), Some("tok"));
        }
        other => panic!("{other:?}"),
    }
    let new_reason = br#"{"account_id":"PA1","uninstalled_at":1,"reason":"by_admin"}"#;
    assert!(matches!(
        colorme::parse_unverified(new_reason).unwrap(),
        colorme::Event::Uninstall(u) if u.reason == Some(colorme::UninstallReason::Other("by_admin".into()))
    ));
    assert!(matches!(
        colorme::parse_unverified(br#"{"hello":1}"#).unwrap(),
        colorme::Event::Unknown(_)
    ));
}

#[test]
fn colorme_install_response() {
    let response = colorme::InstallResponse::new("https://app.example.com/welcome?shop=\"PA1\"");
    let text = response.to_json();
    assert_eq!(
        text,
        r#"{"redirect_url":"https://app.example.com/welcome?shop=\"PA1\""}"#
    );
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        back["redirect_url"],
        "https://app.example.com/welcome?shop=\"PA1\""
    );
}

// ---------------------------------------------------------------- Snyk

#[test]
fn snyk_minimal_snapshot_and_parse_path() {
    let mut h = http::HeaderMap::new();
    h.insert(snyk::EVENT_HEADER, "project_snapshot/v0".parse().unwrap());
    let minimal = br#"{"project":{},"org":{}}"#;
    let delivery = snyk::parse_unverified(&h, minimal).unwrap();
    let snyk::Event::ProjectSnapshot(s) = delivery.event else {
        panic!()
    };
    assert!(s.new_issues.is_empty() && s.group.is_none());
    assert_eq!(delivery.transport_id, None);
    let bad = br#"{"project":{"issueCountsBySeverity":{"low":-1}},"org":{}}"#;
    match snyk::parse_unverified(&h, bad) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "project.issueCountsBySeverity.low"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- Snyk API & Web

fn probely(
    event_type: &str,
    object: &str,
    content: serde_json::Value,
    ts_key: &str,
    ts: &str,
) -> Vec<u8> {
    let mut v = json!({
        "id": "3n51GK9X1on9",
        "event_type": event_type,
        "object_type": object,
        "content": content,
    });
    v[ts_key] = json!(ts);
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn probely_all_twelve_event_types() {
    let user = json!({"id": "4dPZ1tRAg1vr", "email": "a@b.c", "name": "A", "title": "seceng", "is_active": true,
                      "changed": "2018-01-31T16:32:17.238553Z", "changed_by": {"id": "x", "name": "B", "email": "b@c.d"}});
    let target = json!({"id": "jMXUw-BE_2vd", "name": "shop", "type": "single", "environment": "production",
                        "site": {"id": "s1", "url": "https://shop.example.com", "verified": true, "verification_method": "dns"},
                        "labels": ["pci"], "enabled": true});
    let scan = json!({"id": "scan1", "status": "completed", "lows": 1, "mediums": 2, "highs": 3,
                      "started": "2023-08-09T13:27:43.8208302", "completed": "2023-08-09 14:00:00.5+00:00",
                      "target": {"id": "jMXUw-BE_2vd", "name": "shop", "url": "https://shop.example.com"}});
    let finding = json!({"id": 123, "severity": "30", "state": "notfixed", "method": "POST", "cvss_score": 9.1,
                         "definition": {"id": "d1", "name": "SQL Injection"}, "last_found": "2023-08-09T13:27:43Z"});
    use snyk_api_web::Event as E;
    let cases: Vec<(&str, &str, serde_json::Value)> = vec![
        ("user_created", "user", user.clone()),
        ("user_deleted", "user", user),
        ("target_created", "target", target.clone()),
        ("target_deleted", "target", target.clone()),
        ("target_verified", "target", target.clone()),
        ("target_verification_failed", "target", target),
        ("scan_started", "scan", scan.clone()),
        ("scan_canceled", "scan", scan.clone()),
        ("scan_completed", "scan", scan.clone()),
        ("scan_failed", "scan", scan),
        ("finding_detected", "finding", finding.clone()),
        ("finding_fixed", "finding", finding),
    ];
    for (i, (kind, object, content)) in cases.into_iter().enumerate() {
        // Alternate the two spellings and the two documented timestamp forms.
        let (key, ts) = if i % 2 == 0 {
            ("occurred_at", "2023-08-09T13:27:43.8208302")
        } else {
            ("ocurred_at", "2018-01-31 16:32:17.238553+00:00")
        };
        let event = snyk_api_web::parse(&probely(kind, object, content, key, ts)).unwrap();
        let (event_type, occurred) = match &event {
            E::UserCreated(e) | E::UserDeleted(e) => {
                assert_eq!(e.content.title.as_deref(), Some("seceng"));
                (&e.event_type, e.occurred_at)
            }
            E::TargetCreated(e)
            | E::TargetDeleted(e)
            | E::TargetVerified(e)
            | E::TargetVerificationFailed(e) => {
                assert_eq!(e.content.site.as_ref().unwrap().verified, Some(true));
                assert_eq!(e.content.target_type.as_deref(), Some("single"));
                (&e.event_type, e.occurred_at)
            }
            E::ScanStarted(e) | E::ScanCanceled(e) | E::ScanCompleted(e) | E::ScanFailed(e) => {
                assert_eq!(e.content.highs, Some(3));
                assert_eq!(
                    e.content.started.unwrap().0.timestamp_subsec_nanos(),
                    820_830_200
                );
                assert_eq!(
                    e.content.completed.unwrap().to_string(),
                    "2023-08-09T14:00:00.500Z"
                );
                (&e.event_type, e.occurred_at)
            }
            E::FindingDetected(e) | E::FindingFixed(e) => {
                assert_eq!(e.content.id, "123");
                assert_eq!(e.content.severity, Some(30));
                (&e.event_type, e.occurred_at)
            }
            other => panic!("{kind}: {other:?}"),
        };
        assert_eq!(event_type, kind);
        let expected = if i % 2 == 0 {
            "2023-08-09T13:27:43.820830200Z"
        } else {
            "2018-01-31T16:32:17.238553Z"
        };
        assert_eq!(occurred.to_string(), expected, "{kind}");
        // The variant matches the type (not just any variant of the same content).
        let variant = format!("{event:?}");
        let camel: String = kind
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        assert!(variant.starts_with(&camel), "{kind} -> {variant}");
    }
}

#[test]
fn probely_unknown_and_broken() {
    let unknown = probely(
        "report_ready",
        "report",
        json!({"id": 1}),
        "occurred_at",
        "2023-08-09T13:27:43Z",
    );
    assert!(
        matches!(snyk_api_web::parse(&unknown).unwrap(), snyk_api_web::Event::Unknown(v) if v["event_type"] == "report_ready")
    );
    let bad_time = probely(
        "scan_started",
        "scan",
        json!({"id": "s"}),
        "occurred_at",
        "last tuesday",
    );
    match snyk_api_web::parse(&bad_time) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "occurred_at"),
        other => panic!("{other:?}"),
    }
    let missing_time = br#"{"id":"x","event_type":"scan_started","content":{"id":"s"}}"#;
    assert!(matches!(
        snyk_api_web::parse(missing_time),
        Err(Error::Parse { .. })
    ));
}

#[test]
fn probely_path_token() {
    let secret = "d69179e3b06549469817560c650be98f";
    let token = snyk_api_web::PathToken::new(secret).unwrap();
    assert!(token.matches(secret));
    assert!(!token.matches("d69179e3b06549469817560c650be98e"));
    assert!(!token.matches(&secret[..31]));
    assert!(!token.matches(""));
    token.verify(secret).unwrap();
    assert!(matches!(
        token.verify("nope"),
        Err(Error::SignatureMismatch)
    ));
    token
        .verify_path(&format!("/hooks/probely/{secret}/"))
        .unwrap();
    token.verify_path(&format!("/{secret}")).unwrap();
    assert!(token.verify_path("/hooks/probely/guess/").is_err());
    assert!(
        token
            .verify_path(&format!("/hooks/probely/{secret}x/"))
            .is_err()
    );
    assert!(matches!(
        snyk_api_web::PathToken::new("short"),
        Err(Error::InvalidKey(_))
    ));
}

/// Every credential a payload type carries is `"<redacted>"` in `Debug`, however the
/// value is reached (the struct itself, or the event that contains it). Today the only
/// one is ColorMe's usage-charge `api_token`.
#[test]
fn debug_redacts_payload_credentials() {
    let token = "tok-4f1c2b9e-secret";
    let body = format!(
        r#"{{"account_id":"PA1","uninstalled_at":1,"usage_charge":{{"api_token":"{token}","closing_on":"2019-03-31"}}}}"#
    );
    let event = colorme::parse_unverified(body.as_bytes()).unwrap();
    let colorme::Event::Uninstall(uninstall) = &event else {
        panic!("{event:?}")
    };
    let usage = uninstall.usage_charge.clone().unwrap();
    for printed in [
        format!("{usage:?}"),
        format!("{usage:#?}"),
        format!("{uninstall:?}"),
        format!("{event:?}"),
    ] {
        assert!(!printed.contains(token), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
        assert!(printed.contains("2019-03-31"), "{printed}");
    }
    // Absent stays visibly absent.
    let none = colorme::UsageCharge::default();
    assert_eq!(
        format!("{none:?}"),
        r#"UsageCharge { api_token: None, closing_on: None }"#
    );
}

/// Snyk API & Web: older payloads list the webhook objects themselves, whose `url`
/// holds the secret path token; `Debug` must not print it.
#[test]
fn debug_redacts_the_webhook_url_of_snyk_api_web_events() {
    let token = "d69179e3b06549469817560c650be98f";
    let body = format!(
        r#"{{"id":"e","event_type":"scan_completed","occurred_at":"2023-08-09T13:27:43.8208302","content":{{"id":"s"}},"webhooks":[{{"id":"wh1","name":"ci","url":"https://hooks.example.com/probely/{token}/"}},{{"id":"wh2","status":"succeeded"}}]}}"#
    );
    let event = snyk_api_web::parse(body.as_bytes()).unwrap();
    let snyk_api_web::Event::ScanCompleted(scan) = &event else {
        panic!("{event:?}")
    };
    for printed in [format!("{event:?}"), format!("{scan:#?}")] {
        assert!(!printed.contains(token), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
        assert!(
            printed.contains("wh1") && printed.contains("succeeded"),
            "{printed}"
        );
    }
    // The value itself is untouched.
    let url = &scan.webhooks.as_ref().unwrap()[0]["url"];
    assert!(url.as_str().unwrap().contains(token));
}
