//! Lazy streams over paged list operations. The generator adds a `stream()` method to
//! every list operation of a provider with `[pagination]` in its provider.toml; each
//! calls [`by_page`], [`by_cursor`] or [`by_offset`], whichever the provider uses.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{Hash, Hasher};

use futures::Stream;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;

/// The most pages one stream fetches unless told otherwise (the `_capped` functions):
/// a server that always has a next page cannot keep a stream going forever.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Why a page stream ended with an error of its own. The stream yields it as
/// `progenitor_client::Error::Custom` (the item type the generated `stream()` methods
/// declare); [`ApiError::from_progenitor`](crate::ApiError::from_progenitor) turns that
/// back into [`ApiError::Pages`](crate::ApiError::Pages).
///
/// A cursor may be a secret-ish token, so a position is named by a short hash, never
/// by its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The page fetched as request number `page` pointed to a position (cursor, page
    /// number or offset) the stream had already fetched: following it would loop.
    #[error(
        "pagination loop: page {page} points back to position #{position:016x}, fetched before"
    )]
    Repeated {
        /// How many pages had been fetched, the one that pointed back included.
        page: u32,
        /// A hash of the repeated position (not the position itself).
        position: u64,
    },
    /// `max_pages` pages were fetched and the last still pointed to a next one.
    #[error("pagination stopped at the cap of {max_pages} pages; more remain")]
    Cap {
        /// The cap.
        max_pages: u32,
    },
}

impl PageError {
    /// The error a stream yielded as `Error::Custom(message)`, if `message` is one.
    pub(crate) fn from_message(message: &str) -> Option<Self> {
        if let Some(rest) = message.strip_prefix("pagination loop: page ") {
            let (page, rest) = rest.split_once(" points back to position #")?;
            let position = rest.strip_suffix(", fetched before")?;
            return Some(PageError::Repeated {
                page: page.parse().ok()?,
                position: u64::from_str_radix(position, 16).ok()?,
            });
        }
        let rest = message.strip_prefix("pagination stopped at the cap of ")?;
        let max_pages = rest.strip_suffix(" pages; more remain")?.parse().ok()?;
        Some(PageError::Cap { max_pages })
    }
}

fn fingerprint<P: Hash>(position: &P) -> u64 {
    // SipHash with fixed keys: the same position gives the same hash within a build.
    let mut h = std::hash::DefaultHasher::new();
    position.hash(&mut h);
    h.finish()
}

/// The engine behind the three styles: `send(builder, position)` fetches the page at
/// `position`; `turn(page, &position)` splits it into its items and the position of the
/// next page, or `None` after the last. The stream also ends after an empty page, and
/// after the first error, which it yields. It ends with a [`PageError`] when a page
/// points to a position fetched before (anywhere in the walk), or after
/// [`DEFAULT_MAX_PAGES`] pages when there is still a next one; see [`walk_capped`].
pub fn walk<'a, B, P, R, T, E, F, Fut>(
    builder: B,
    first: P,
    send: F,
    turn: impl Fn(R, &P) -> (Vec<T>, Option<P>) + 'a,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    P: Hash + Eq + Clone + 'a,
    F: Fn(B, &P) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk_capped(builder, first, send, turn, DEFAULT_MAX_PAGES)
}

/// [`walk`] fetching at most `max_pages` pages (at least 1): if the last of them still
/// points to a next page, the stream yields that page's items and then
/// [`PageError::Cap`].
pub fn walk_capped<'a, B, P, R, T, E, F, Fut>(
    builder: B,
    first: P,
    send: F,
    turn: impl Fn(R, &P) -> (Vec<T>, Option<P>) + 'a,
    max_pages: u32,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    P: Hash + Eq + Clone + 'a,
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
        /// Every position fetched, to stop at the first that comes back.
        seen: HashSet<P>,
        fetched: u32,
        max_pages: u32,
        /// Yielded once the buffered items of the last page are out.
        failed: Option<PageError>,
    }
    let state = State {
        builder,
        send,
        turn,
        next: Some(first),
        buffer: VecDeque::new(),
        seen: HashSet::new(),
        fetched: 0,
        max_pages: max_pages.max(1),
        failed: None,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            if let Some(e) = st.failed.take() {
                return Some((Err(Error::Custom(e.to_string())), st));
            }
            let position = st.next.take()?;
            if st.fetched >= st.max_pages {
                let e = PageError::Cap {
                    max_pages: st.max_pages,
                };
                return Some((Err(Error::Custom(e.to_string())), st));
            }
            st.fetched += 1;
            st.seen.insert(position.clone());
            match (st.send)(st.builder.clone(), &position).await {
                Err(e) => return Some((Err(e), st)),
                Ok(response) => {
                    let (items, next) = (st.turn)(response.into_inner(), &position);
                    let next = if items.is_empty() { None } else { next };
                    match next {
                        Some(n) if st.seen.contains(&n) => {
                            st.failed = Some(PageError::Repeated {
                                page: st.fetched,
                                position: fingerprint(&n),
                            });
                        }
                        next => st.next = next,
                    }
                    st.buffer.extend(items);
                }
            }
        }
    }))
}

/// Page-number pagination: pages 1, 2, ... until an empty page or the page count `split`
/// reports; at most [`DEFAULT_MAX_PAGES`] pages ([`by_page_capped`] sets another cap).
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
    by_page_capped(builder, send, split, DEFAULT_MAX_PAGES)
}

/// [`by_page`] fetching at most `max_pages` pages (see [`walk_capped`]).
pub fn by_page_capped<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> (Vec<T>, Option<i64>),
    max_pages: u32,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, u32) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk_capped(
        builder,
        1u32,
        move |b, page| send(b, *page),
        move |r, page| {
            let (items, pages) = split(r);
            let last = pages.is_some_and(|total| i64::from(*page) >= total);
            (items, (!last).then(|| page.saturating_add(1)))
        },
        max_pages,
    )
}

/// Cursor pagination: the first page without a cursor, then each with the cursor the
/// previous page returned, until a page returns none (or an empty one). A cursor that
/// comes back (A, B, A: a loop) ends the stream with [`PageError::Repeated`]; at most
/// [`DEFAULT_MAX_PAGES`] pages ([`by_cursor_capped`] sets another cap).
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
    by_cursor_capped(builder, send, split, DEFAULT_MAX_PAGES)
}

/// [`by_cursor`] fetching at most `max_pages` pages (see [`walk_capped`]).
pub fn by_cursor_capped<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> (Vec<T>, Option<String>),
    max_pages: u32,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk_capped(
        builder,
        None::<String>,
        move |b, cursor| send(b, cursor.clone()),
        move |r, _| {
            let (items, next) = split(r);
            (items, next.filter(|n| !n.is_empty()).map(Some))
        },
        max_pages,
    )
}

/// Offset pagination: offset 0, then advanced by the number of items each page held,
/// until an empty page; at most [`DEFAULT_MAX_PAGES`] pages ([`by_offset_capped`] sets
/// another cap).
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
    by_offset_capped(builder, send, split, DEFAULT_MAX_PAGES)
}

/// [`by_offset`] fetching at most `max_pages` pages (see [`walk_capped`]).
pub fn by_offset_capped<'a, B, R, T, E, F, Fut>(
    builder: B,
    send: F,
    split: fn(R) -> Vec<T>,
    max_pages: u32,
) -> impl Stream<Item = Result<T, Error<E>>> + Unpin + 'a
where
    B: Clone + 'a,
    F: Fn(B, u32) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + 'a,
    R: 'a,
    T: 'a,
    E: 'a,
{
    walk_capped(
        builder,
        0u32,
        move |b, offset| send(b, *offset),
        move |r, offset| {
            let items = split(r);
            let seen = u32::try_from(items.len()).unwrap_or(u32::MAX);
            (items, Some(offset.saturating_add(seen)))
        },
        max_pages,
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

    /// A cursor and the page it fetches: items and the next cursor.
    type CursorPage<'a> = (Option<&'a str>, (Vec<u32>, Option<&'a str>));

    /// Walks `pages` (cursor -> items and next cursor) with `by_cursor_capped`, returning
    /// the items as `Ok`, errors as their `ApiError`, and the cursors requested.
    async fn walk_cursors(
        pages: &[CursorPage<'_>],
        max_pages: u32,
    ) -> (Vec<Result<u32, crate::ApiError>>, Vec<Option<String>>) {
        let seen = std::cell::RefCell::new(vec![]);
        let stream = by_cursor_capped(
            (),
            |(), cursor: Option<String>| {
                seen.borrow_mut().push(cursor.clone());
                let (items, next) = pages
                    .iter()
                    .find(|(c, _)| *c == cursor.as_deref())
                    .map(|(_, page)| page.clone())
                    .unwrap_or_else(|| panic!("unexpected cursor {cursor:?}"));
                let page = (items, next.map(str::to_owned));
                async move {
                    Ok::<_, Error<()>>(ResponseValue::new(
                        page,
                        reqwest::StatusCode::OK,
                        Default::default(),
                    ))
                }
            },
            |r| r,
            max_pages,
        );
        let mut got = vec![];
        for r in stream.collect::<Vec<_>>().await {
            got.push(match r {
                Ok(v) => Ok(v),
                Err(e) => Err(crate::ApiError::from_progenitor(e).await),
            });
        }
        (got, seen.into_inner())
    }

    #[tokio::test]
    async fn cursors_follow_next_and_stop_on_none() {
        let pages = [
            (None, (vec![1, 2], Some("b"))),
            (Some("b"), (vec![3], Some(""))), // empty cursor: done
        ];
        let (got, seen) = walk_cursors(&pages, DEFAULT_MAX_PAGES).await;
        assert_eq!(
            got.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(seen, [None, Some("b".into())]);
    }

    #[tokio::test]
    async fn a_cursor_that_comes_back_ends_the_stream_with_an_error_after_three_requests() {
        let (a, b) = ("A-s3cret-cursor", "B-s3cret-cursor");
        let pages = [
            (None, (vec![1], Some(a))),
            (Some(a), (vec![2], Some(b))),
            (Some(b), (vec![3], Some(a))), // A -> B -> A
        ];
        let (got, seen) = walk_cursors(&pages, DEFAULT_MAX_PAGES).await;
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(got.len(), 4, "three items, then the error: {got:?}");
        let err = got.into_iter().nth(3).unwrap().unwrap_err();
        assert!(
            matches!(
                err,
                crate::ApiError::Pages(PageError::Repeated { page: 3, .. })
            ),
            "{err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("pagination loop: page 3"), "{shown}");

        // A cursor that repeats itself at once is the same loop.
        let pages = [
            (None, (vec![1], Some("c"))),
            (Some("c"), (vec![2], Some("c"))),
        ];
        let (got, seen) = walk_cursors(&pages, DEFAULT_MAX_PAGES).await;
        assert_eq!(seen.len(), 2);
        assert!(matches!(
            got.last(),
            Some(Err(crate::ApiError::Pages(PageError::Repeated {
                page: 2,
                ..
            })))
        ));
    }

    /// Page numbers 1, 2, ... that never end; counts the requests.
    async fn endless(max_pages: Option<u32>) -> (usize, Option<crate::ApiError>) {
        let requests = std::cell::Cell::new(0usize);
        let send = |(), page: u32| {
            requests.set(requests.get() + 1);
            async move {
                Ok::<_, Error<()>>(ResponseValue::new(
                    (vec![page], None),
                    reqwest::StatusCode::OK,
                    Default::default(),
                ))
            }
        };
        let split = |r: (Vec<u32>, Option<i64>)| r;
        let items: Vec<_> = match max_pages {
            Some(n) => by_page_capped((), send, split, n).collect().await,
            None => by_page((), send, split).collect().await,
        };
        let mut err = None;
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Ok(page) => assert_eq!(page as usize, i + 1),
                Err(e) => err = Some(crate::ApiError::from_progenitor(e).await),
            }
        }
        (requests.get(), err)
    }

    #[tokio::test]
    async fn the_page_cap_ends_an_endless_walk_with_an_error() {
        let (n, err) = endless(Some(5)).await;
        assert_eq!(n, 5);
        assert!(
            matches!(
                err,
                Some(crate::ApiError::Pages(PageError::Cap { max_pages: 5 }))
            ),
            "{err:?}"
        );
        let (n, err) = endless(None).await;
        assert_eq!(n, DEFAULT_MAX_PAGES as usize);
        assert!(matches!(
            err,
            Some(crate::ApiError::Pages(PageError::Cap { .. }))
        ));
        // A walk that ends on the cap's last page ends cleanly.
        let f = Fake {
            pages: vec![vec![1], vec![2]],
            total: Some(2),
            fail_on: None,
        };
        let got: Vec<_> = by_page_capped(f, |f, page| async move { page_of(&f, page) }, |r| r, 2)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
            .await;
        assert_eq!(got, vec![Ok(1), Ok(2)]);
    }

    #[test]
    fn page_errors_survive_the_trip_through_a_message() {
        for e in [
            PageError::Repeated {
                page: 7,
                position: 0xdead_beef,
            },
            PageError::Cap { max_pages: 10_000 },
        ] {
            assert_eq!(PageError::from_message(&e.to_string()), Some(e));
        }
        assert_eq!(PageError::from_message("page 2 failed"), None);
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
