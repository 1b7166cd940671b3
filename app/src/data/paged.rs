//! [`Paged`]: a paginated list (orders, transactions) read page by page with "load more"
//! (docs/tastytrade.md §4.2: `page-offset` counts pages). The first page is a [`Query`], so it
//! follows the filters its fetcher reads, the refresh, session-ended and throttling; more
//! pages are appended. A page that arrives after the filters changed is dropped.
//!
//! As in [`Query`], the rows are kept boxed (`Box<dyn Any>` holding a `Vec<T>`): the requests,
//! the generations and the throttling are compiled once for every row type; only boxing a page,
//! appending one and the typed read are per type.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use super::query::{Control, Fetch, Request, Value};
use super::Query;
use crate::api::{ApiError, Page};

/// One page whatever its row type: its rows (a boxed `Vec<T>`) and the next page's offset.
type PageRequest = Pin<Box<dyn Future<Output = Result<(Value, Option<i64>), ApiError>>>>;
type Fetcher = Box<dyn Fn(i64, Option<AbortSignal>) -> Option<PageRequest>>;

pub struct Paged<T: Send + Sync + 'static> {
    first: Query<Vec<T>>,
    pages: Pages,
    row_type: PhantomData<fn() -> T>,
}

/// The part of a [`Paged`] that does not depend on its row type.
#[derive(Clone, Copy)]
struct Pages {
    /// The rows after the first page (a boxed `Vec<T>`), `None` before "load more".
    more: RwSignal<Option<Value>>,
    next: RwSignal<Option<i64>>,
    loading_more: RwSignal<bool>,
    more_error: RwSignal<Option<ApiError>>,
    /// Bumped with every first-page request: a "more" page of an older one is dropped.
    generation: StoredValue<u32>,
    fetch: StoredValue<Fetcher, LocalStorage>,
    /// Appends a page's rows to `more` (the one step that knows the row type).
    append: fn(&mut Option<Value>, Value),
    /// "Load more" answered 429: the backoff and its countdown, as for the first page.
    more_control: Control,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    /// `fetch(page_offset, signal)` requests one page; it reads its filters from signals and
    /// returns `None` when it cannot run yet.
    pub fn new<Fut>(fetch: impl Fn(i64, Option<AbortSignal>) -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let fetch: Fetcher =
            Box::new(move |offset, signal| Some(erase_page(Box::pin(fetch(offset, signal)?))));
        let (pages, first) = Pages::start(fetch, append::<T>);
        Paged {
            first: Query::boxed(None, first),
            pages,
            row_type: PhantomData,
        }
    }

    /// The first page's state (placeholder, error, throttling, retry).
    pub fn first(&self) -> Query<Vec<T>> {
        self.first
    }

    /// Every row loaded so far (reactive), or `None` before the first page.
    pub fn with_items<R>(&self, f: impl FnOnce(&[T], &[T]) -> R) -> Option<R> {
        let more = self.pages.more;
        self.first.with_ok(|first| {
            more.with(|more| {
                let more = more.as_ref().and_then(|m| m.downcast_ref::<Vec<T>>());
                f(first, more.map_or(&[], Vec::as_slice))
            })
        })
    }

    pub fn has_more(&self) -> bool {
        self.pages.next.get().is_some()
    }

    pub fn loading_more(&self) -> Signal<bool> {
        self.pages.loading_more.into()
    }

    pub fn more_error(&self) -> Signal<Option<ApiError>> {
        self.pages.more_error.into()
    }

    /// Throttled "load more": seconds until it goes again.
    pub fn more_retry_in(&self) -> Signal<Option<u32>> {
        self.pages.more_control.retry_in.into()
    }

    /// Fetches the next page and appends it (ignored while one is loading).
    pub fn load_more(&self) {
        self.pages.load_more();
    }
}

/// The per-type step of a page request: its rows go in a box.
fn erase_page<T: Send + Sync + 'static>(
    request: Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>>>>,
) -> PageRequest {
    Box::pin(async move {
        let page = request.await?;
        let next = page.next_offset();
        Ok((Box::new(page.data.items) as Value, next))
    })
}

/// Appends `page` (a boxed `Vec<T>`) to `more`.
fn append<T: Send + Sync + 'static>(more: &mut Option<Value>, page: Value) {
    let Ok(page) = page.downcast::<Vec<T>>() else {
        return;
    };
    match more.as_mut().and_then(|m| m.downcast_mut::<Vec<T>>()) {
        Some(rows) => rows.extend(*page),
        None => *more = Some(page),
    }
}

impl Pages {
    /// The pages' state and the first page's requests (for its [`Query`]).
    fn start(fetch: Fetcher, append: fn(&mut Option<Value>, Value)) -> (Pages, Fetch) {
        let pages = Pages {
            more: RwSignal::new(None),
            next: RwSignal::new(None),
            loading_more: RwSignal::new(false),
            more_error: RwSignal::new(None),
            generation: StoredValue::new(0u32),
            fetch: StoredValue::new_local(fetch),
            append,
            more_control: Control::new(),
        };
        let first: Fetch = Box::new(move |signal| {
            let request = pages.fetch.with_value(|f| f(0, signal))?;
            let this_generation = pages.generation.try_update_value(|g| {
                *g = g.wrapping_add(1);
                *g
            })?;
            Some(Box::pin(async move {
                let (rows, next) = request.await?;
                if pages.generation.try_get_value() == Some(this_generation) {
                    let _ = pages.next.try_set(next);
                    let _ = pages.more.try_set(None);
                }
                Ok(rows)
            }) as Request)
        });
        // A throttled "load more" goes again when its countdown ends.
        Effect::new(move |ran_before: Option<()>| {
            pages.more_control.reload.track();
            if ran_before.is_some() {
                pages.load_more();
            }
        });
        (pages, first)
    }

    fn load_more(self) {
        let Some(offset) = self.next.get_untracked() else {
            return;
        };
        if self.loading_more.get_untracked() {
            return;
        }
        let Some(request) = self.fetch.with_value(|f| f(offset, None)) else {
            return;
        };
        let generation = self.generation.get_value();
        self.loading_more.set(true);
        self.more_error.set(None);
        spawn_local(async move {
            let result = request.await;
            let _ = self.loading_more.try_set(false);
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok((rows, next)) => {
                    self.more_control.settle(None, false);
                    let _ = self.next.try_set(next);
                    self.more.try_update(|more| (self.append)(more, rows));
                }
                Err(e) => {
                    // Session ended: the app says so. Throttled: wait, then load again.
                    if !self.more_control.settle(Some(&e), true) {
                        let _ = self.more_error.try_set(Some(e));
                    }
                }
            }
        });
    }
}
