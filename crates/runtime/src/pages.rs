//! Lazy streams over paged list operations. The generator adds a `stream()` method to
//! every list operation of a provider with `[pagination]` in its provider.toml; each
//! calls [`by_page`], [`by_cursor`] or [`by_offset`], whichever the provider uses.

use std::collections::VecDeque;
use std::future::Future;

use futures::Stream;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;

/// The engine behind the three styles: `send(builder, position)` fetches the page at
/// `position`; `turn(page, &position)` splits it into its items and the position of the
/// next page, or `None` after the last. The stream also ends after an empty page, and
/// after the first error, which it yields.
pub fn walk<'a, B, P, R, T, E, F, Fut>(
    builder: B,
    first: P,
    send: F,
    turn: impl Fn(R, &P) -> (Vec<T>, Option<P>) + 'a,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    P: 'a,
    F: Fn(B, &P) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    struct State<B, P, F, G, T> {
        builder: B,
        send: F,
        turn: G,
        next: Option<P>,
        buffer: VecDeque<T>,
    }
    let state = State {
        builder,
        send,
        turn,
        next: Some(first),
        buffer: VecDeque::new(),
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            let position = st.next.take()?;
            match (st.send)(st.builder.clone(), &position).await {
                Err(e) => return Some((Err(e), st)),
                Ok(response) => {
                    let (items, next) = (st.turn)(response.into_inner(), &position);
                    st.next = if items.is_empty() { None } else { next };
                    st.buffer.extend(items);
                }
            }
        }
    }))
}

/// Page-number pagination: pages 1, 2, ... until an empty page or the page count `split`
/// reports.
pub fn by_page<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> (Vec<T>, Option<i64>),
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, u32) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk(
        builder,
        1u32,
        move |b, page| send(b, *page),
        move |r, page| {
            let (items, pages) = split(r);
            let last = pages.is_some_and(|total| i64::from(*page) >= total);
            (items, (!last).then(|| page.saturating_add(1)))
        },
    )
}

/// Cursor pagination: the first page without a cursor, then each with the cursor the
/// previous page returned, until a page returns none (or an empty one, or the same one
/// again, which would loop forever).
pub fn by_cursor<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> (Vec<T>, Option<String>),
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk(
        builder,
        None::<String>,
        move |b, cursor| send(b, cursor.clone()),
        move |r, cursor| {
            let (items, next) = split(r);
            let next = next.filter(|n| !n.is_empty() && Some(n) != cursor.as_ref());
            (items, next.map(Some))
        },
    )
}

/// Offset pagination: offset 0, then advanced by the number of items each page held,
/// until an empty page.
pub fn by_offset<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, u32) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk(
        builder,
        0u32,
        move |b, offset| send(b, *offset),
        move |r, offset| {
            let items = split(r);
            let seen = u32::try_from(items.len()).unwrap_or(u32::MAX);
            (items, Some(offset.saturating_add(seen)))
        },
    )
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
    fn page_of(f: &Fake, page: u32) -> Result<Page, Error<()>> {
        if f.fail_on == Some(i64::from(page)) {
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

    #[tokio::test]
    async fn cursors_follow_next_and_stop_on_none_or_a_repeat() {
        // cursor -> (items, next)
        let pages = |cursor: Option<String>| -> (Vec<u32>, Option<String>) {
            match cursor.as_deref() {
                None => (vec![1, 2], Some("b".into())),
                Some("b") => (vec![3], Some("c".into())),
                Some("c") => (vec![4], Some("c".into())), // repeats itself: stop
                Some(other) => panic!("unexpected cursor {other}"),
            }
        };
        let seen = std::cell::RefCell::new(vec![]);
        let got: Vec<u32> = by_cursor(
            (),
            |(), cursor: Option<String>| {
                seen.borrow_mut().push(cursor.clone());
                let page = pages(cursor);
                async move {
                    Ok::<_, Error<()>>(ResponseValue::new(
                        page,
                        reqwest::StatusCode::OK,
                        Default::default(),
                    ))
                }
            },
            |r| r,
        )
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(got, [1, 2, 3, 4]);
        assert_eq!(*seen.borrow(), [None, Some("b".into()), Some("c".into())]);
    }

    #[tokio::test]
    async fn offsets_advance_by_page_length_until_an_empty_page() {
        let data: Vec<u32> = (0..7).collect();
        let offsets = std::cell::RefCell::new(vec![]);
        let got: Vec<u32> = by_offset(
            (),
            |(), offset| {
                offsets.borrow_mut().push(offset);
                let page: Vec<u32> = data.iter().copied().skip(offset as usize).take(3).collect();
                async move {
                    Ok::<_, Error<()>>(ResponseValue::new(
                        page,
                        reqwest::StatusCode::OK,
                        Default::default(),
                    ))
                }
            },
            |r| r,
        )
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(got, data);
        assert_eq!(*offsets.borrow(), [0, 3, 6, 7]);
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
