//! No response body makes the runtime panic: arbitrary bytes, and valid bodies cut at any
//! point, go through the typed decode (`decode::json`) and through error sorting
//! (`ApiError::from_progenitor`) for any status, in process (no server needed).

use apikit_runtime::{ApiError, MAX_ERROR_BODY, decode};
use apikit_shorten_rest::types::AliasModel;
use progenitor_client::Error;
use proptest::prelude::*;

const VALID: &str = r#"{"name":"abc","domainName":"go.example.com","createdAt":1700000000,"destinations":[{"url":"https://example.com","country":"US","os":"ios"}],"metatags":[{"name":"og:title","content":"x"}],"snippets":[{"id":"s","parameters":{"k":"v"}}]}"#;

fn response(status: u16, body: Vec<u8>) -> reqwest::Response {
    let mut r = http::Response::new(body);
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    reqwest::Response::from(r)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// Runs both paths on `body` with `status` and checks what each returns.
fn check(status: u16, body: Vec<u8>) {
    block_on(async {
        match decode::json::<AliasModel, ()>(response(status, body.clone())).await {
            // Only the whole valid document decodes; these bodies are random or cut.
            Ok(_) => assert_eq!(body.as_slice(), VALID.as_bytes()),
            Err(Error::InvalidResponsePayload(kept, e)) => {
                assert_eq!(kept.as_ref(), body.as_slice());
                assert!(e.to_string().starts_with("at `"), "{e}");
            }
            Err(other) => panic!("unexpected error kind: {other:?}"),
        }
        let err = ApiError::<()>::from_progenitor(Error::UnexpectedResponse(response(
            status,
            body.clone(),
        )))
        .await;
        match err {
            ApiError::Status { body: kept, .. } | ApiError::RateLimited { body: kept, .. } => {
                // Bodies here are under the cap: kept whole, as lossy UTF-8.
                assert_eq!(kept, String::from_utf8_lossy(&body));
                assert!(status >= 400);
            }
            ApiError::UnexpectedStatus { status: s, .. } => assert_eq!(s.as_u16(), status),
            other => panic!("unexpected variant for {status}: {other:?}"),
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(status, body);
    }

    #[test]
    fn valid_bodies_cut_anywhere_never_panic(status in 100u16..600, cut in 0usize..VALID.len()) {
        check(status, VALID.as_bytes()[..cut].to_vec());
    }
}

#[test]
fn the_valid_body_decodes_and_a_huge_one_is_capped() {
    block_on(async {
        let ok = decode::json::<AliasModel, ()>(response(200, VALID.into()))
            .await
            .unwrap();
        assert_eq!(ok.into_inner().destinations.len(), 1);
        let huge = vec![b'{'; 4 * MAX_ERROR_BODY];
        match ApiError::<()>::from_progenitor(Error::UnexpectedResponse(response(502, huge))).await
        {
            ApiError::Status { body, .. } => assert_eq!(body.len(), MAX_ERROR_BODY),
            other => panic!("{other:?}"),
        }
    });
}
