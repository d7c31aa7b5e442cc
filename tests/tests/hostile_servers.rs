//! Issue #14 through the generated clients: hostile servers (a redirect to another
//! origin, overflowing rate-limit hints, a looping cursor) against Shorten.REST
//! (`x-api-key`) and ShipEngine (`API-Key`).
//!
//! The runtime's own tests (crates/runtime/tests) cover each case in depth; these show
//! the generated code gets the behaviour unchanged.

use std::time::Duration;

use apikit_runtime::{ApiError, Config, RedirectRefusal, RetryPolicy};
use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "hostile-k3y-1618";

fn config(retry: RetryPolicy) -> Config {
    Config::default()
        .retry(retry)
        .connect_timeout(None)
        .read_timeout(None)
        .pool_idle_timeout(None)
}

/// `a` redirects everything to `b`, which answers 200.
async fn redirecting() -> (MockServer, MockServer) {
    let (a, b) = (MockServer::start().await, MockServer::start().await);
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/x?k={KEY}", b.uri())),
        )
        .mount(&a)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&b)
        .await;
    (a, b)
}

fn assert_refused<E: std::fmt::Debug>(err: &ApiError<E>, b: &MockServer) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
    match err {
        ApiError::Redirect {
            location, reason, ..
        } => {
            assert_eq!(*location, format!("{}/x", b.uri()));
            assert_eq!(*reason, RedirectRefusal::CrossOrigin);
        }
        other => panic!("expected ApiError::Redirect, got {other:?}"),
    }
}

#[tokio::test]
async fn shorten_rest_does_not_hand_its_x_api_key_to_another_origin() {
    let (a, b) = redirecting().await;
    let client = apikit_shorten_rest::Client::configured(&a.uri(), KEY, Config::default()).unwrap();
    let err = client
        .get_alias()
        .alias_name("abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(b.received_requests().await.unwrap().len(), 0);
    assert_refused(&err, &b);
}

#[tokio::test]
async fn shipengine_does_not_hand_its_api_key_to_another_origin() {
    let (a, b) = redirecting().await;
    let client = apikit_shipengine::Client::configured(&a.uri(), KEY, Config::default()).unwrap();
    let err = client.list_carriers().send().await.unwrap_err();
    assert_eq!(b.received_requests().await.unwrap().len(), 0);
    assert_refused(&err, &b);
}

#[tokio::test(start_paused = true)]
async fn overflowing_rate_limit_hints_are_errors_not_panics() {
    let server = MockServer::start().await;
    let cases = [
        (503, "retry-after", "Wed, 21 Oct 300000000000 07:28:00 GMT"),
        (429, "x-ratelimit-reset", "18446744073709551615"),
    ];
    for (status, header, value) in cases {
        for retry in [RetryPolicy::none(), RetryPolicy::default()] {
            server.reset().await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(status).insert_header(header, value))
                .mount(&server)
                .await;
            let client =
                apikit_shorten_rest::Client::configured(&server.uri(), KEY, config(retry)).unwrap();
            let start = tokio::time::Instant::now();
            let err = client
                .get_alias()
                .alias_name("abc")
                .send()
                .await
                .unwrap_err();
            assert!(start.elapsed() <= Duration::from_secs(120));
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            if status == 429 {
                assert!(
                    matches!(err, ApiError::RateLimited { retry_after: Some(d), .. } if d > Duration::from_secs(u64::MAX / 2)),
                    "{err:?}"
                );
                assert_eq!(server.received_requests().await.unwrap().len(), 1);
            }
        }
    }
}

#[tokio::test]
async fn a_looping_cursor_ends_the_stream_with_an_error_after_three_requests() {
    let server = MockServer::start().await;
    let page = |last: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"aliases": ["x"], "lastId": last}))
    };
    Mock::given(method("GET"))
        .and(path("/aliases/all"))
        .and(query_param_is_missing("continueFrom"))
        .respond_with(page("cursor-A"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("continueFrom", "cursor-A"))
        .respond_with(page("cursor-B"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("continueFrom", "cursor-B"))
        .respond_with(page("cursor-A"))
        .mount(&server)
        .await;
    let client = apikit_shorten_rest::Client::with_api_key_at(&server.uri(), KEY).unwrap();
    // Bounded, so a walk that loops fails here instead of hanging.
    let items: Vec<_> = client.get_aliases().stream().take(20).collect().await;
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(items.len(), 4, "three items, then the error");
    let err = ApiError::from_progenitor(items.into_iter().last().unwrap().unwrap_err()).await;
    assert!(
        matches!(
            err,
            ApiError::Pages(apikit_runtime::pages::PageError::Repeated { page: 3, .. })
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("cursor-A"), "{err}");
}

#[tokio::test]
async fn config_max_pages_caps_an_endless_stream_of_a_generated_client() {
    // Every page points to a new cursor: only the cap ends this walk.
    let server = MockServer::start().await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = counter.clone();
    Mock::given(method("GET"))
        .and(path("/aliases/all"))
        .respond_with(move |_: &wiremock::Request| {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(200)
                .set_body_json(json!({"aliases": ["x"], "lastId": format!("cursor-{n}")}))
        })
        .mount(&server)
        .await;
    let client = apikit_shorten_rest::Client::configured(
        &server.uri(),
        KEY,
        config(RetryPolicy::none()).max_pages(3),
    )
    .unwrap();
    let items: Vec<_> = client.get_aliases().stream().take(50).collect().await;
    assert_eq!(counter.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(items.len(), 4, "three items, then the error");
    let err = ApiError::from_progenitor(items.into_iter().last().unwrap().unwrap_err()).await;
    assert!(
        matches!(
            err,
            ApiError::Pages(apikit_runtime::pages::PageError::Cap { max_pages: 3 })
        ),
        "{err:?}"
    );
}
