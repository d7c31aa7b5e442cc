//! `cargo xtask bench-runtime` runs this in release mode and writes its JSON result line
//! into BENCHMARKS.md.
//!
//! - `overhead`: the same GET to a minimal loopback HTTP server, made by the generated
//!   client (`apikit-shorten-rest`: builder, hooks, runtime with retries and span, typed
//!   decode) and by a raw `reqwest` call decoding into the same type, sending the same
//!   bytes. Calls alternate between the sides; the result is each side's median latency
//!   and their ratio.
//! - `download`: 100 MiB served as a binary body, streamed by the generated ShipEngine
//!   client's `download_file` into `tokio::io::sink()` through `write_to`; the result is
//!   the process's peak resident set (VmHWM) before and after.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ALIAS: &str = r#"{"name":"bench","domainName":"go.example.com","createdAt":1700000000,"destinations":[{"url":"https://example.com/a","country":"US"}],"metatags":[],"snippets":[]}"#;
const DOWNLOAD: u64 = 100 * 1024 * 1024;

/// Serves every request on a kept-alive connection: a JSON alias for `/aliases`, else
/// `DOWNLOAD` bytes of PDF in 64 KiB writes.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            let mut pending = Vec::new();
            loop {
                let Ok(n) = socket.read(&mut buf).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&pending[..end]).into_owned();
                    pending.drain(..end + 4);
                    let ok = if head.contains("/aliases") {
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ALIAS}",
                            ALIAS.len()
                        );
                        socket.write_all(reply.as_bytes()).await.is_ok()
                    } else {
                        stream_pdf(&mut socket).await.is_ok()
                    };
                    if !ok {
                        return;
                    }
                }
            }
        });
    }
}

async fn stream_pdf(socket: &mut tokio::net::TcpStream) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: {DOWNLOAD}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    let chunk = vec![b'%'; 64 * 1024];
    let mut left = DOWNLOAD;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        socket.write_all(&chunk[..n]).await?;
        left -= n as u64;
    }
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident set size of this process, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(run());
}

async fn run() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener));

    // Per-request overhead.
    let client = apikit_shorten_rest::Client::with_api_key_at(&base, "bench-key").expect("client");
    // Two baselines, both sending the same bytes as the generated client (its user agent
    // too, so the server does the same work): reqwest with the timeouts the client's
    // default Config sets (read and connect timeouts arm timers per request), the goal's
    // baseline; and reqwest without them, for reference.
    let plain = reqwest::Client::builder()
        .user_agent(apikit_shorten_rest::USER_AGENT)
        .build()
        .expect("reqwest client");
    let timed = reqwest::Client::builder()
        .user_agent(apikit_shorten_rest::USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    let url = format!("{base}/aliases");
    let raw_call = |raw: &'static reqwest::Client| {
        let url = url.clone();
        async move {
            let bytes = raw
                .get(&url)
                .header("x-api-key", "bench-key")
                .header("accept", "application/json")
                .query(&[("aliasName", "bench")])
                .send()
                .await
                .expect("raw call")
                .bytes()
                .await
                .expect("raw body");
            let alias: apikit_shorten_rest::types::AliasModel =
                serde_json::from_slice(&bytes).expect("raw decode");
            alias
        }
    };
    let plain: &'static reqwest::Client = Box::leak(Box::new(plain));
    let timed: &'static reqwest::Client = Box::leak(Box::new(timed));
    let client_call = || async {
        client
            .get_alias()
            .alias_name("bench")
            .send()
            .await
            .expect("client call")
            .into_inner()
    };
    for _ in 0..500 {
        raw_call(plain).await;
        raw_call(timed).await;
        client_call().await;
    }
    // One call of each kind in turn, so drift in machine load hits all three alike.
    let (rounds, per_round) = (60, 100);
    let (mut plain_times, mut timed_times, mut client_times) = (vec![], vec![], vec![]);
    for _ in 0..rounds * per_round {
        let t = Instant::now();
        std::hint::black_box(raw_call(plain).await);
        plain_times.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(raw_call(timed).await);
        timed_times.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(client_call().await);
        client_times.push(t.elapsed());
    }
    let (plain_median, raw_median, client_median) = (
        median(plain_times),
        median(timed_times),
        median(client_times),
    );

    // Streamed download.
    let shipengine =
        apikit_shipengine::Client::with_api_key_at(&base, "bench-key").expect("client");
    let before = peak_rss_kib().unwrap_or(0);
    let response = shipengine
        .download_file()
        .dir("10")
        .subdir("abc")
        .filename("label.pdf")
        .send()
        .await
        .expect("download");
    let written = apikit_shipengine::write_to(response.into_inner(), &mut tokio::io::sink())
        .await
        .expect("write_to");
    let after = peak_rss_kib().unwrap_or(0);
    assert_eq!(written, DOWNLOAD);

    println!(
        "{{\"requests\":{},\"plain_median_us\":{:.1},\"raw_median_us\":{:.1},\"client_median_us\":{:.1},\"ratio\":{:.3},\"download_bytes\":{written},\"peak_rss_before_kib\":{before},\"peak_rss_after_kib\":{after}}}",
        rounds * per_round,
        plain_median.as_secs_f64() * 1e6,
        raw_median.as_secs_f64() * 1e6,
        client_median.as_secs_f64() * 1e6,
        client_median.as_secs_f64() / raw_median.as_secs_f64(),
    );
}
