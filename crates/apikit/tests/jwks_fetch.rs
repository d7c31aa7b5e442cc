//! The `jwks-fetch` key source against an in-process HTTP server (wiremock on
//! 127.0.0.1; no real network): caching by kid, refetch on an unknown kid, the rate
//! limit, non-RSA keys ignored, fetch failures reported.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apikit::webhooks::Error;
use apikit::webhooks::shipengine::{Event, FetchingVerifier, JwksFetcher};
use apikit::webhooks::test_util::ShipEngineSigner;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_A: &str = include_str!("fixtures/shipengine_test_key.pem");
const KEY_B: &str = include_str!("fixtures/shipengine_other_key.pem");
const BODY: &[u8] =
    br#"{"resource_url":"https://api.shipengine.com/v1/batches/se-1","resource_type":"API_BATCH"}"#;
const TS: &str = "2024-04-04T15:48:44Z";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_712_245_724)
}

/// A JWKS with an EC key first (ignored) and the signers' RSA keys.
fn jwks(signers: &[&ShipEngineSigner]) -> serde_json::Value {
    let mut keys = vec![serde_json::json!({
        "kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    })];
    for s in signers {
        let doc: serde_json::Value = serde_json::from_str(&s.jwks_json()).unwrap();
        keys.push(doc["keys"][0].clone());
    }
    serde_json::json!({ "keys": keys })
}

/// A fetcher for the mock server's `/jwks` (plain HTTP, allowed for tests).
fn http_fetcher(server: &MockServer) -> JwksFetcher {
    JwksFetcher::new(format!("{}/jwks", server.uri())).allow_http(true)
}

async fn serve(server: &MockServer, body: serde_json::Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn fetches_once_then_serves_from_cache() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let verifier = FetchingVerifier::new(http_fetcher(&server));
    for _ in 0..3 {
        let event = verifier
            .verify_at(&a.headers(TS, BODY), BODY, now())
            .await
            .unwrap();
        assert!(matches!(event, Event::Batch(_)));
    }
    // The EC key was ignored, the RSA key cached.
    let cached = verifier.fetcher().cached();
    assert_eq!(cached.key_ids().collect::<Vec<_>>(), ["kid-a"]);
    // `.expect(1)` on the mock is checked when the server drops.
}

#[tokio::test]
async fn unknown_kid_triggers_a_refresh_for_rotation() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let b = ShipEngineSigner::from_pem("kid-b", KEY_B).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = http_fetcher(&server).min_refresh_interval(Duration::ZERO);
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();

    // The provider rotates to kid-b; the first request with kid-b refetches.
    server.reset().await;
    serve(&server, jwks(&[&b]), 1).await;
    verifier
        .verify_at(&b.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    // kid-a is gone from the new document, so it is no longer trusted.
    server.reset().await;
    serve(&server, jwks(&[&b]), 1).await;
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::UnknownKeyId { kid }) if kid == "kid-a"
    ));
}

#[tokio::test]
async fn refreshes_are_rate_limited() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let forged = ShipEngineSigner::from_pem("forged-kid", KEY_B).unwrap();
    // Exactly one fetch, whatever the number of unknown kids.
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = http_fetcher(&server).min_refresh_interval(Duration::from_secs(3600));
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            verifier
                .verify_at(&forged.headers(TS, BODY), BODY, now())
                .await,
            Err(Error::UnknownKeyId { .. })
        ));
    }
    // Concurrent requests with an unknown kid on a cold cache share one fetch too.
    let server2 = MockServer::start().await;
    serve(&server2, jwks(&[&a]), 1).await;
    let cold = FetchingVerifier::new(http_fetcher(&server2));
    let headers = a.headers(TS, BODY);
    let results = futures_join(&cold, &headers).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

async fn futures_join(
    verifier: &FetchingVerifier,
    headers: &http::HeaderMap,
) -> Vec<Result<Event, Error>> {
    let (r1, r2, r3) = tokio::join!(
        verifier.verify_at(headers, BODY, now()),
        verifier.verify_at(headers, BODY, now()),
        verifier.verify_at(headers, BODY, now()),
    );
    vec![r1, r2, r3]
}

#[tokio::test]
async fn stale_requests_and_failures_cost_no_successful_fetch() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let verifier = FetchingVerifier::new(http_fetcher(&server));
    // Stale: rejected before any fetch.
    let stale = now() + Duration::from_secs(3600);
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, stale).await,
        Err(Error::TimestampTooOld { .. })
    ));
    // Server error: reported as KeyFetch.
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::KeyFetch(msg)) if msg.contains("500")
    ));
    // Within the default 60 s window, no second attempt; the key source is still
    // unavailable (KeyFetch, so 503 and a retry), not the kid unknown (401).
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::KeyFetch(msg)) if msg.contains("500")
    ));
}

#[tokio::test]
async fn refresh_warms_the_cache() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = http_fetcher(&server);
    assert!(fetcher.cached().is_empty());
    let jwks = fetcher.refresh().await.unwrap();
    assert!(jwks.contains("kid-a"));
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
}

// ---- Hostile JWKS servers (issue #14) -------------------------------------------

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A one-connection HTTP server on 127.0.0.1 that reads the request head and hands the
/// socket to `reply`; returns the `/jwks` URL and the task (yielding `reply`'s result).
async fn raw_server<F, Fut, R>(reply: F) -> (String, tokio::task::JoinHandle<R>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = R> + Send,
    R: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "client closed before sending a request");
            head.extend_from_slice(&buf[..n]);
        }
        reply(socket).await
    });
    (url, task)
}

const CHUNKED_HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Bound on every test below, so a regression fails instead of hanging.
const TEST_LIMIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn chunked_body_is_capped_while_streaming() {
    // Streams up to 128 MiB of chunked JSON-looking bytes without Content-Length and
    // counts what it managed to write before the client hung up.
    const OFFERED: usize = 128 << 20;
    let (url, server) = raw_server(|mut socket| async move {
        let mut written = 0usize;
        if socket.write_all(CHUNKED_HEAD).await.is_err() {
            return written;
        }
        let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000)).into_bytes();
        while written < OFFERED {
            if socket.write_all(&chunk).await.is_err() {
                break;
            }
            written += 0x4000;
        }
        written
    })
    .await;
    let fetcher = JwksFetcher::new(url).allow_http(true);
    let result = tokio::time::timeout(TEST_LIMIT, fetcher.refresh())
        .await
        .expect("fetch did not finish");
    assert!(
        matches!(&result, Err(Error::KeyFetch(msg)) if msg.contains("too large")),
        "{result:?}"
    );
    let written = tokio::time::timeout(TEST_LIMIT, server)
        .await
        .unwrap()
        .unwrap();
    // The client stopped reading at the 256 KiB cap and dropped the connection: the
    // server could only fill the socket buffers, nowhere near what it offered.
    assert!(written < 32 << 20, "server wrote {written} bytes");
}

#[tokio::test]
async fn a_stalled_body_hits_the_read_timeout() {
    let (url, _server) = raw_server(|mut socket| async move {
        socket.write_all(CHUNKED_HEAD).await.unwrap();
        socket.write_all(b"1\r\n{\r\n").await.unwrap();
        // Then nothing, for longer than the test waits.
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let fetcher = JwksFetcher::new(url)
        .allow_http(true)
        .read_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(TEST_LIMIT, fetcher.refresh())
        .await
        .expect("fetch did not time out");
    assert!(
        matches!(&result, Err(Error::KeyFetch(msg)) if msg.contains("read timed out")),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_trickling_body_hits_the_total_timeout() {
    // One byte every 50 ms: each read is quick, the whole never ends.
    let (url, _server) = raw_server(|mut socket| async move {
        socket.write_all(CHUNKED_HEAD).await.unwrap();
        for _ in 0..1200 {
            if socket.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let fetcher = JwksFetcher::new(url)
        .allow_http(true)
        .read_timeout(Duration::from_secs(5))
        .timeout(Duration::from_millis(400));
    let result = tokio::time::timeout(TEST_LIMIT, fetcher.refresh())
        .await
        .expect("fetch did not time out");
    assert!(
        matches!(&result, Err(Error::KeyFetch(msg)) if msg.contains("fetch timed out")),
        "{result:?}"
    );
}

#[tokio::test]
async fn plain_http_is_refused_unless_allowed() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    // The mock is never asked: the URL is refused before any request.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[&a])))
        .expect(0)
        .mount(&server)
        .await;
    let fetcher = JwksFetcher::new(format!("{}/jwks", server.uri()));
    assert!(matches!(
        fetcher.refresh().await,
        Err(Error::KeyFetch(msg)) if msg.contains("https")
    ));
    let verifier = FetchingVerifier::new(fetcher);
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::KeyFetch(_))
    ));
}

#[tokio::test]
async fn a_cancelled_fetch_does_not_use_up_the_refresh_slot() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    // First request: the server is slow; the caller gives up (drops the future).
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(jwks(&[&a]))
                .set_delay(Duration::from_secs(30)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = http_fetcher(&server).min_refresh_interval(Duration::from_secs(3600));
    let cancelled =
        tokio::time::timeout(Duration::from_millis(300), fetcher.jwks_for("kid-a")).await;
    assert!(cancelled.is_err(), "the slow fetch should still be running");
    // The next call fetches, although the hour-long rate limit would forbid a second
    // attempt: the first one never completed.
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_removed_key_stops_being_trusted_after_max_key_age() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let b = ShipEngineSigner::from_pem("kid-b", KEY_B).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let fetcher = http_fetcher(&server)
        .min_refresh_interval(Duration::ZERO)
        .max_key_age(Duration::from_millis(300));
    let verifier = FetchingVerifier::new(fetcher);
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    // The provider drops kid-a (say, compromised). Requests naming kid-a would never
    // cause a refetch by themselves: kid-a is cached.
    server.reset().await;
    serve(&server, jwks(&[&b]), 1).await;
    // Younger than max_key_age: still trusted from the cache, no fetch.
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Older: refetched first, and kid-a is gone.
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::UnknownKeyId { kid }) if kid == "kid-a"
    ));
}

#[tokio::test]
async fn stale_keys_are_not_used_when_the_refetch_fails() {
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    serve(&server, jwks(&[&a]), 1).await;
    let verifier = FetchingVerifier::new(
        http_fetcher(&server)
            .min_refresh_interval(Duration::ZERO)
            .max_key_age(Duration::from_millis(200)),
    );
    verifier
        .verify_at(&a.headers(TS, BODY), BODY, now())
        .await
        .unwrap();
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(matches!(
        verifier.verify_at(&a.headers(TS, BODY), BODY, now()).await,
        Err(Error::KeyFetch(_))
    ));
}

#[tokio::test]
async fn settings_on_a_clone_take_effect() {
    // Two unknown kids, two fetches: only if the clone's zero interval is honoured.
    let server = MockServer::start().await;
    let a = ShipEngineSigner::from_pem("kid-a", KEY_A).unwrap();
    let forged = ShipEngineSigner::from_pem("forged", KEY_B).unwrap();
    serve(&server, jwks(&[&a]), 2).await;
    let original = http_fetcher(&server).min_refresh_interval(Duration::from_secs(3600));
    let clone = original.clone().min_refresh_interval(Duration::ZERO);
    let verifier = FetchingVerifier::new(clone);
    for _ in 0..2 {
        assert!(matches!(
            verifier
                .verify_at(&forged.headers(TS, BODY), BODY, now())
                .await,
            Err(Error::UnknownKeyId { .. })
        ));
    }
    // The original kept its own hour-long interval (and shares the cache).
    assert!(original.cached().contains("kid-a"));
    assert!(matches!(
        FetchingVerifier::new(original)
            .verify_at(&forged.headers(TS, BODY), BODY, now())
            .await,
        Err(Error::UnknownKeyId { .. })
    ));
    // `.expect(2)` on the mock is checked when the server drops.
}

#[tokio::test]
async fn a_server_that_never_accepts_hits_the_connect_timeout() {
    // A loopback listener with a backlog of 1 that never accepts: once its queue is
    // full, the kernel drops further SYNs, so a new connection hangs in connect.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => held.push(stream),
            _ => {
                full = true;
                break;
            }
        }
    }
    assert!(
        full,
        "the accept queue never filled; cannot test the connect timeout"
    );
    let fetcher = JwksFetcher::new(format!("http://{addr}/jwks"))
        .allow_http(true)
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(15));
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(TEST_LIMIT, fetcher.refresh())
        .await
        .expect("fetch did not time out");
    assert!(matches!(result, Err(Error::KeyFetch(_))), "{result:?}");
    // The connect timeout, not the 10 s read or 15 s total timeout, ended it.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(held);
}
