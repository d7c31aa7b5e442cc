//! Hostile rate-limit hints: `Retry-After`, `RateLimit-Reset` and `X-RateLimit-Reset`
//! values that are garbage, huge, or dates far away never panic, and a hint past the
//! retry deadline is handed to the caller instead of being waited on.
//!
//! The tokio clock is paused, so every wait is virtual and the elapsed time is exact.
//! Timeouts are off: a paused clock fires pending timers whenever the runtime idles.

use std::time::Duration;

use apikit_runtime::{ApiError, Config, Operation, RetryPolicy, Runtime};
use proptest::prelude::*;
use tokio::time::Instant;
use wiremock::{Mock, MockServer, ResponseTemplate};

const DEADLINE: Duration = Duration::from_secs(120);

fn config(retry: RetryPolicy) -> Config {
    Config::default()
        .retry(retry)
        .connect_timeout(None)
        .read_timeout(None)
        .pool_idle_timeout(None)
}

/// One call through the runtime, its response sorted as a generated client sorts an
/// undocumented status. Returns the error (or the success status) and the requests made.
async fn call(
    server: &MockServer,
    status: u16,
    headers: &[(&str, http::HeaderValue)],
    retry: RetryPolicy,
) -> (Result<u16, ApiError>, usize) {
    server.reset().await;
    let mut template = ResponseTemplate::new(status);
    for (name, value) in headers {
        template = template.insert_header(*name, value.clone());
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(server)
        .await;
    let (client, rt): (reqwest::Client, Runtime) =
        apikit_runtime::build("t/0", None, config(retry)).unwrap();
    let request = client.get(format!("{}/r", server.uri())).build().unwrap();
    let op = Operation {
        id: "t",
        path: "/r",
    };
    let result = match rt.execute(&client, request, op).await {
        Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
        Ok(r) => {
            Err(ApiError::from_progenitor(progenitor_client::Error::UnexpectedResponse(r)).await)
        }
        Err(e) => {
            Err(ApiError::from_progenitor(progenitor_client::Error::CommunicationError(e)).await)
        }
    };
    let n = server.received_requests().await.map_or(0, |r| r.len());
    (result, n)
}

fn value(s: &str) -> http::HeaderValue {
    http::HeaderValue::from_str(s).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_503_with_a_year_300000000000_retry_after_does_not_panic() {
    let server = MockServer::start().await;
    let h = [(
        "retry-after",
        value("Wed, 21 Oct 300000000000 07:28:00 GMT"),
    )];
    let (result, n) = call(&server, 503, &h, RetryPolicy::none()).await;
    assert_eq!(n, 1);
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));

    // Under the default policy the unreadable date is no hint: the usual backoff applies.
    let start = Instant::now();
    let (result, n) = call(&server, 503, &h, RetryPolicy::default()).await;
    assert_eq!(n, 4);
    assert!(start.elapsed() <= DEADLINE);
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test(start_paused = true)]
async fn a_429_with_a_u64_max_reset_is_a_rate_limit_error_without_waiting() {
    let server = MockServer::start().await;
    let h = [("x-ratelimit-reset", value("18446744073709551615"))];
    for retry in [RetryPolicy::none(), RetryPolicy::default()] {
        let start = Instant::now();
        let (result, n) = call(&server, 429, &h, retry).await;
        assert_eq!(n, 1, "a wait past the deadline is not begun");
        assert_eq!(start.elapsed(), Duration::ZERO);
        match result.unwrap_err() {
            ApiError::RateLimited { retry_after, .. } => {
                let wait = retry_after.expect("the hint is kept for the caller");
                assert!(wait > Duration::from_secs(500_000_000_000 * 365 * 86_400 / 1000));
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
    }
}

/// Header values a hostile or broken server might send.
fn hint() -> impl Strategy<Value = http::HeaderValue> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = prop_oneof![any::<i64>(), 1900i64..2200, 9990i64..10_010];
    let date = (
        0..7usize,
        0..40u32,
        0..12usize,
        year,
        0..30u32,
        0..70u32,
        0..70u32,
    );
    let text = prop_oneof![
        "[ -~]{0,40}",
        "[0-9]{1,60}",
        "-?[0-9]{1,20}(\\.[0-9]{1,5})?",
        any::<u64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        date.clone().prop_map(|(wd, d, m, y, h, mi, s)| format!(
            "{}, {d:02} {} {y} {h:02}:{mi:02}:{s:02} GMT",
            DAYS[wd], MONTHS[m]
        )),
        date.clone().prop_map(|(_, d, m, y, h, mi, s)| format!(
            "Sunday, {d:02}-{}-{y} {h:02}:{mi:02}:{s:02} GMT",
            MONTHS[m]
        )),
        date.prop_map(|(wd, d, m, y, h, mi, s)| format!(
            "{} {} {d:>2} {h:02}:{mi:02}:{s:02} {y}",
            DAYS[wd], MONTHS[m]
        )),
    ]
    .prop_map(|s| value(&s));
    let bytes = prop::collection::vec(0x80u8..=0xff, 1..8)
        .prop_map(|b| http::HeaderValue::from_bytes(&b).unwrap());
    prop_oneof![9 => text, 1 => bytes]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_retry_hints_never_panic_nor_wait_past_the_deadline(
        status in prop::sample::select(vec![429u16, 502, 503, 504]),
        retry_after in prop::option::of(hint()),
        reset in prop::option::of(hint()),
        x_reset in prop::option::of(hint()),
        retries in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let server = MockServer::start().await;
            let headers: Vec<(&str, http::HeaderValue)> = [
                ("retry-after", retry_after),
                ("ratelimit-reset", reset),
                ("x-ratelimit-reset", x_reset),
            ]
            .into_iter()
            .filter_map(|(n, v)| Some((n, v?)))
            .collect();
            let policy = if retries { RetryPolicy::default() } else { RetryPolicy::none() };
            let start = Instant::now();
            let (result, n) = call(&server, status, &headers, policy).await;
            prop_assert!(start.elapsed() <= DEADLINE, "waited {:?}", start.elapsed());
            prop_assert!((1..=if retries { 4 } else { 1 }).contains(&n), "{n} requests");
            let err = result.expect_err("every attempt answered an error status");
            prop_assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            prop_assert_eq!(matches!(err, ApiError::RateLimited { .. }), status == 429);
            Ok(())
        })?;
    }
}
