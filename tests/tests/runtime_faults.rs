//! The client runtime under faults, through a generated client (apikit-shorten-rest):
//! retries, backoff, `Retry-After`, the POST rule, timeouts, broken and huge bodies.
//!
//! The tokio clock is paused, so waits cost no real time and the time a call took is
//! exact: with jitter off, it is the sum of the backoffs (or `Retry-After`s). Timeouts
//! other than the one under test are off, since a paused clock fires a pending timer as
//! soon as the runtime idles, even while a real socket is still working.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use apikit_shorten_rest::{ApiError, Client, Config, RetryPolicy, types};
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "fault-key-3141";

/// No timeouts, no pooled connection timer; `retry` as given.
fn config(retry: RetryPolicy) -> Config {
    Config::default()
        .retry(retry)
        .connect_timeout(None)
        .read_timeout(None)
        .pool_idle_timeout(None)
}

/// 4 attempts, backoff 1 s, 2 s, 4 s (no jitter), 5-minute deadline.
fn exact() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .base_delay(Duration::from_secs(1))
        .jitter(false)
        .deadline(Duration::from_secs(300))
}

fn alias_json() -> serde_json::Value {
    json!({"name": "abc", "destinations": [{"url": "https://example.com"}]})
}

fn new_alias() -> types::CreateAliasModel {
    serde_json::from_value(json!({"destinations": [{"url": "https://example.com"}]})).unwrap()
}

async fn get_alias(client: &Client) -> Result<types::AliasModel, ApiError> {
    client
        .get_alias()
        .alias_name("abc")
        .send()
        .await
        .map(|r| r.into_inner())
}

/// A mock server of this test's own. wiremock's pooled `MockServer::start()` hands a
/// server back to the next test once this one ends, and a request this test's client
/// wrote but the server thread had not yet read (the slow-server test times out on the
/// paused clock before the real-time server reads its second GET) would then be counted
/// by that next test: a POST test once saw 2 requests where its client sent 1.
async fn own_server() -> MockServer {
    MockServer::builder().start().await
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_its_retry_after_then_succeeds() {
    let server = own_server().await;
    Mock::given(method("GET"))
        .and(path("/aliases"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/aliases"))
        .respond_with(ResponseTemplate::new(200).set_body_json(alias_json()))
        .mount(&server)
        .await;
    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();

    let start = Instant::now();
    let alias = get_alias(&client).await.unwrap();
    assert_eq!(alias.name, "abc");
    assert_eq!(received(&server).await, 2, "one 429, one 200");
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(7),
        "Retry-After, not the 1 s backoff"
    );
}

#[tokio::test(start_paused = true)]
async fn a_503_sequence_stops_at_max_attempts_with_the_last_status() {
    let server = own_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();

    let start = Instant::now();
    let err = get_alias(&client).await.unwrap_err();
    assert_eq!(received(&server).await, 4);
    assert_eq!(start.elapsed(), Duration::from_secs(1 + 2 + 4));
    match err {
        ApiError::Status { status, body, .. } => {
            assert_eq!(status, 503);
            assert_eq!(body, "maintenance");
        }
        other => panic!("expected the last 503, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn jittered_backoff_never_waits_longer_than_the_caps() {
    let server = own_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let client = Client::configured(&server.uri(), KEY, config(exact().jitter(true))).unwrap();
    let start = Instant::now();
    let err = get_alias(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(received(&server).await, 4);
    assert!(
        start.elapsed() <= Duration::from_secs(1 + 2 + 4),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_deadline_is_returned_not_waited() {
    let server = own_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();
    let start = Instant::now();
    let err = get_alias(&client).await.unwrap_err();
    assert_eq!(received(&server).await, 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
    match err {
        ApiError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn post_is_not_retried_on_a_status_unless_the_user_opts_in() {
    let server = own_server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let body = new_alias();
    let create = |client: Client, body: types::CreateAliasModel| async move {
        client.create_alias().body(body).send().await
    };

    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();
    let err = create(client, body.clone()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await, 1, "a POST may have had an effect");

    let opted_in = config(exact().max_attempts(3).retry_non_idempotent(true));
    let client = Client::configured(&server.uri(), KEY, opted_in).unwrap();
    let start = Instant::now();
    create(client, body).await.unwrap_err();
    assert_eq!(received(&server).await, 1 + 3);
    assert_eq!(start.elapsed(), Duration::from_secs(1 + 2));
}

/// A server that reads each request, then closes the connection with a reset (no
/// response), counting connections.
async fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            // Linger 0: close() sends RST instead of FIN.
            let _ = socket.set_zero_linger();
            drop(socket);
        }
    });
    (url, count)
}

#[tokio::test(start_paused = true)]
async fn a_connection_reset_is_retried_for_get_but_not_for_post() {
    let (url, count) = resetting_server().await;
    let client = Client::configured(&url, KEY, config(exact().max_attempts(3))).unwrap();
    let start = Instant::now();
    let err = get_alias(&client).await.unwrap_err();
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 3);
    assert_eq!(start.elapsed(), Duration::from_secs(1 + 2));

    let body = new_alias();
    let err = client.create_alias().body(body).send().await.unwrap_err();
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        3 + 1,
        "the POST was sent once"
    );
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_post() {
    // A port nothing listens on: the request is never sent, so a POST is safe to retry.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::configured(&url, KEY, config(exact().max_attempts(3))).unwrap();
    let body = new_alias();
    let start = Instant::now();
    let err = client.create_alias().body(body).send().await.unwrap_err();
    match &err {
        ApiError::Transport(e) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert_eq!(start.elapsed(), Duration::from_secs(1 + 2), "3 attempts");
}

#[tokio::test(start_paused = true)]
async fn a_slow_server_hits_the_read_timeout_on_every_attempt() {
    let server = own_server().await;
    // The mock server runs on its own thread in real time: it would answer after 10
    // minutes, long after the (paused-clock) timeout.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(alias_json())
                .set_delay(Duration::from_secs(600)),
        )
        .mount(&server)
        .await;
    let slow = config(exact().max_attempts(2)).read_timeout(Some(Duration::from_secs(5)));
    let client = Client::configured(&server.uri(), KEY, slow).unwrap();
    let start = Instant::now();
    let err = get_alias(&client).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(5 + 1 + 5),
        "two 5 s attempts, 1 s apart"
    );
}

#[tokio::test(start_paused = true)]
async fn malformed_and_truncated_json_name_where_decoding_failed() {
    let server = own_server().await;
    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();
    let cases = [
        (
            r#"{"name": "abc", "destinations": [{"url": 42}]}"#,
            "destinations[0].url",
            "invalid type",
        ),
        // Truncated inside a value: the path still says where.
        (
            r#"{"name": "abc", "destinations": [{"url": "https://"#,
            "destinations[0].url",
            "EOF",
        ),
        ("<html>oops</html>", ".", "expected value"),
        ("", ".", "EOF"),
    ];
    for (body, want_path, want_message) in cases {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(body.as_bytes(), "application/json"),
            )
            .mount(&server)
            .await;
        match get_alias(&client).await {
            Err(ApiError::InvalidResponse {
                path,
                body: kept,
                source,
            }) => {
                assert_eq!(path.as_deref(), Some(want_path), "{body}: {source}");
                assert!(
                    source.to_string().contains(want_message),
                    "{body}: {source}"
                );
                assert_eq!(kept, body);
            }
            other => panic!("{body}: expected InvalidResponse, got {other:?}"),
        }
        assert_eq!(received(&server).await, 1, "a bad body is not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn a_huge_error_body_is_cut_at_the_cap() {
    let server = own_server().await;
    let huge = "x".repeat(8 * 1024 * 1024);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string(huge))
        .mount(&server)
        .await;
    let client = Client::configured(&server.uri(), KEY, config(exact())).unwrap();
    match get_alias(&client).await {
        Err(ApiError::Status { status, body, .. }) => {
            assert_eq!(status, 500);
            assert_eq!(body.len(), apikit_runtime::MAX_ERROR_BODY);
        }
        other => panic!("expected a 500 Status, got {other:?}"),
    }
    assert_eq!(received(&server).await, 1, "500 is not retried");
}
