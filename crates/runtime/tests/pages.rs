//! Page streams that a hostile server would keep going forever: a cursor that comes
//! back, and pages that never end. Every stream here is bounded with `take`, so a walk
//! that loops fails the test instead of hanging it.

use std::cell::RefCell;

use apikit_runtime::ApiError;
use apikit_runtime::pages::{by_cursor, by_page};
use futures::StreamExt;
use progenitor_client::{Error, ResponseValue};

#[allow(
    clippy::result_large_err,
    reason = "progenitor's Error is what the page streams carry; the test mirrors it"
)]
fn ok<R>(r: R) -> Result<ResponseValue<R>, Error<()>> {
    Ok(ResponseValue::new(
        r,
        reqwest::StatusCode::OK,
        Default::default(),
    ))
}

#[tokio::test]
async fn a_to_b_to_a_ends_with_an_error_after_exactly_three_requests() {
    let requests = RefCell::new(vec![]);
    let stream = by_cursor(
        (),
        |(), cursor: Option<String>| {
            requests.borrow_mut().push(cursor.clone());
            let next = match cursor.as_deref() {
                None | Some("B-t0ken-value") => "A-t0ken-value",
                Some(_) => "B-t0ken-value",
            };
            let page = (vec![requests.borrow().len()], Some(next.to_owned()));
            async move { ok(page) }
        },
        |r| r,
    );
    let got: Vec<_> = stream.take(10).collect().await;
    assert_eq!(requests.borrow().len(), 3, "{:?}", requests.borrow());
    assert_eq!(got.len(), 4, "the three pages' items, then the error");
    let mut got = got.into_iter();
    let items: Vec<usize> = got.by_ref().take(3).map(Result::unwrap).collect();
    assert_eq!(items, [1, 2, 3]);
    let err = ApiError::from_progenitor(got.next().unwrap().unwrap_err()).await;
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("pagination loop: page 3"), "{shown}");
    assert!(!shown.contains("t0ken"), "a cursor is not shown: {shown}");
}

#[tokio::test]
async fn endless_pages_stop_at_the_default_cap_of_10_000() {
    let requests = RefCell::new(0u32);
    let stream = by_page(
        (),
        |(), page| {
            *requests.borrow_mut() += 1;
            async move { ok((vec![page], None)) }
        },
        |r: (Vec<u32>, Option<i64>)| r,
    );
    let got: Vec<_> = stream.take(10_005).collect().await;
    assert_eq!(*requests.borrow(), 10_000);
    assert_eq!(got.len(), 10_001, "10 000 items, then the error");
    let err = ApiError::from_progenitor(got.into_iter().last().unwrap().unwrap_err()).await;
    assert_eq!(
        err.to_string(),
        "pagination stopped at the cap of 10000 pages; more remain"
    );
}
