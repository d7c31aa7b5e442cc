//! Lazy streams over paged list operations. The generator adds a `stream()` method to
//! every list operation of a provider with `[pagination]` in its provider.toml; each
//! calls [`by_page`].

use std::collections::VecDeque;
use std::future::Future;

use futures::Stream;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;

/// Every item of every page, in order, fetched one page at a time as the stream is
/// polled, starting at page 1.
///
/// `send(builder, page)` fetches one page; `split` takes a page apart into its items
/// and the total page count if the response says it. The stream ends after an empty
/// page or the last page; the first error is yielded and ends the stream.
pub fn by_page<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> (Vec<T>, Option<i64>),
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, i64) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    struct State<B, F, R, T> {
        builder: B,
        send: F,
        split: fn(R) -> (Vec<T>, Option<i64>),
        page: i64,
        buffer: VecDeque<T>,
        done: bool,
    }
    let state = State {
        builder,
        send,
        split,
        page: 1,
        buffer: VecDeque::new(),
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            match (st.send)(st.builder.clone(), st.page).await {
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
                Ok(response) => {
                    let (items, pages) = (st.split)(response.into_inner());
                    let last = pages.is_some_and(|total| st.page >= total);
                    st.page += 1;
                    st.done = items.is_empty() || last;
                    st.buffer.extend(items);
                }
            }
        }
    }))
}

/// A page count from whatever typed field holds it (an integer, a newtype around one,
/// or an `Option` of those); `None` when absent or not a number.
pub fn count<C: Serialize>(field: &C) -> Option<i64> {
    serde_json::to_value(field).ok()?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[derive(Clone)]
    struct Fake {
        pages: Vec<Vec<u32>>,
        total: Option<i64>,
        fail_on: Option<i64>,
    }

    /// One fake page: its items and the page total.
    type Page = ResponseValue<(Vec<u32>, Option<i64>)>;

    #[allow(
        clippy::result_large_err,
        reason = "progenitor's Error is what by_page streams; the test mirrors it"
    )]
    fn page_of(f: &Fake, page: i64) -> Result<Page, Error<()>> {
        if f.fail_on == Some(page) {
            return Err(Error::InvalidRequest(format!("page {page} failed")));
        }
        let items = f.pages.get(page as usize - 1).cloned().unwrap_or_default();
        Ok(ResponseValue::new(
            (items, f.total),
            reqwest::StatusCode::OK,
            Default::default(),
        ))
    }

    async fn collect(f: Fake) -> Vec<Result<u32, String>> {
        by_page(f, |f, page| async move { page_of(&f, page) }, |r| r)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
            .await
    }

    #[tokio::test]
    async fn walks_pages_until_the_total_or_an_empty_page() {
        let f = Fake {
            pages: vec![vec![1, 2], vec![3], vec![99]],
            total: Some(2),
            fail_on: None,
        };
        let got = collect(f).await;
        assert_eq!(got, vec![Ok(1), Ok(2), Ok(3)], "page 3 is past page_total");
        let f = Fake {
            pages: vec![vec![1], vec![2]],
            total: None,
            fail_on: None,
        };
        assert_eq!(
            collect(f).await,
            vec![Ok(1), Ok(2)],
            "stops at the first empty page"
        );
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let f = Fake {
            pages: vec![vec![1], vec![2]],
            total: Some(5),
            fail_on: Some(2),
        };
        let got = collect(f).await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], Ok(1));
        assert!(
            got[1].as_ref().unwrap_err().contains("page 2 failed"),
            "{got:?}"
        );
    }

    #[test]
    fn count_reads_numbers_through_wrappers() {
        #[derive(Serialize)]
        struct Total(i64);
        assert_eq!(count(&Some(Total(4))), Some(4));
        assert_eq!(count(&None::<Total>), None);
        assert_eq!(count(&"x"), None);
    }
}
