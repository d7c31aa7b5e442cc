//! apikit-sendgrid's typed mock server (feature `mock`, #18): the offset-paged parse
//! statistics walked through `stream()`, query, header and path matchers, documented
//! error statuses, created responses. (The spec has no array query parameter.)

use apikit_sendgrid::mock::MockServer;
use apikit_sendgrid::{ApiError, Client, types};
use futures::StreamExt;

fn client(server: &MockServer) -> Client {
    Client::with_api_key_at(&server.uri(), "SG.key").expect("valid credential")
}

fn day(date: &str) -> types::ListParseStaticResponseItem {
    types::ListParseStaticResponseItem {
        date: date.into(),
        stats: vec![],
    }
}

#[tokio::test]
async fn parse_statistics_stream_walks_offset_pages() {
    let server = MockServer::start().await;
    for (offset, page) in [
        ("0", vec![day("2026-01-01"), day("2026-01-02")]),
        ("2", vec![day("2026-01-03")]),
        ("3", vec![]),
    ] {
        server
            .list_parse_static(|when, then| {
                when.start_date("2026-01-01")
                    .offset(offset)
                    .on_behalf_of("sub-1");
                then.ok(&page);
            })
            .expect(1)
            .mount()
            .await;
    }
    let days: Vec<String> = client(&server)
        .list_parse_static()
        .start_date("2026-01-01")
        .on_behalf_of("sub-1")
        .stream()
        .map(|r| r.unwrap().date)
        .collect()
        .await;
    assert_eq!(days, ["2026-01-01", "2026-01-02", "2026-01-03"]);
    server.verify().await;
}

#[tokio::test]
async fn list_message_matches_the_query_and_answers_a_documented_error() {
    let server = MockServer::start().await;
    server
        .list_message(|when, then| {
            when.query("status=\"delivered\"").limit(10.0);
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let error = types::ListMessageError {
        errors: vec![types::ListMessageErrorErrorsItem {
            message: Some("bad query".into()),
        }],
    };
    server
        .list_message(|when, then| {
            when.query("bad query");
            then.bad_request(&error);
        })
        .expect(1)
        .mount()
        .await;
    let c = client(&server);
    let got = c
        .list_message()
        .query("status=\"delivered\"")
        .limit(10.0)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.messages.len(), 1);
    let err = c
        .list_message()
        .query("bad query")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Documented { status, .. } if status.as_u16() == 400),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn get_message_matches_the_path() {
    let server = MockServer::start().await;
    server
        .get_message(|when, _| {
            when.msg_id("m.1");
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .get_message()
        .msg_id("m.1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(got.msg_id.is_some(), "the synthesized example: {got:?}");
    server.verify().await;
}

#[tokio::test]
async fn create_parse_setting_matches_the_body_and_answers_created() {
    let server = MockServer::start().await;
    let setting = types::ParseSetting {
        hostname: Some("parse.example.com".into()),
        url: Some("https://example.com/inbound".into()),
        spam_check: Some(true),
        send_raw: None,
    };
    server
        .create_parse_setting(|when, then| {
            when.body(setting.clone());
            then.created(&setting);
        })
        .expect(1)
        .mount()
        .await;
    let got = client(&server)
        .create_parse_setting()
        .body(setting.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 201);
    assert_eq!(got.into_inner().hostname, setting.hostname);
    server.verify().await;
}

#[tokio::test]
async fn delete_security_policy_matches_path_query_and_header() {
    let server = MockServer::start().await;
    server
        .delete_security_policy(|when, then| {
            when.id("p-1").force(true).on_behalf_of("sub-1");
            then.ok_example();
        })
        .expect(1)
        .mount()
        .await;
    let c = client(&server);
    c.delete_security_policy()
        .id("p-1")
        .force(true)
        .on_behalf_of("sub-1")
        .send()
        .await
        .unwrap();
    // `force=false` is another request.
    let err = c
        .delete_security_policy()
        .id("p-1")
        .force(false)
        .on_behalf_of("sub-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    server.verify().await;
}
