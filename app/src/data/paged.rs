//! [`Paged`]: a paginated list (orders, transactions) read page by page with "load more"
//! (docs/tastytrade.md §4.2: `page-offset` counts pages). The first page is a [`Query`], so it
//! follows the filters its fetcher reads, the refresh, session-ended and throttling; more
//! pages are appended. A page that arrives after the filters changed is dropped.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use super::query::Control;
use super::Query;
use crate::api::{ApiError, Page};

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>>>>;
type Fetcher<T> = Box<dyn Fn(i64, Option<AbortSignal>) -> Option<PageFuture<T>>>;

pub struct Paged<T: Send + Sync + 'static> {
    first: Query<Vec<T>>,
    more: RwSignal<Vec<T>>,
    next: RwSignal<Option<i64>>,
    loading_more: RwSignal<bool>,
    more_error: RwSignal<Option<ApiError>>,
    /// Bumped with every first-page request: a "more" page of an older one is dropped.
    generation: StoredValue<u32>,
    fetch: StoredValue<Fetcher<T>, LocalStorage>,
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
        let fetch: Fetcher<T> =
            Box::new(move |offset, signal| Some(Box::pin(fetch(offset, signal)?) as PageFuture<T>));
        let fetch = StoredValue::new_local(fetch);
        let more = RwSignal::new(Vec::new());
        let next = RwSignal::new(None);
        let generation = StoredValue::new(0u32);
        let first = Query::new(move |signal| {
            let request = fetch.with_value(|f| f(0, signal))?;
            let this_generation = generation.try_update_value(|g| {
                *g = g.wrapping_add(1);
                *g
            })?;
            Some(async move {
                let page = request.await?;
                if generation.try_get_value() == Some(this_generation) {
                    let _ = next.try_set(page.next_offset());
                    let _ = more.try_set(Vec::new());
                }
                Ok(page.data.items)
            })
        });
        let paged = Paged {
            first,
            more,
            next,
            loading_more: RwSignal::new(false),
            more_error: RwSignal::new(None),
            generation,
            fetch,
            more_control: Control::new(),
        };
        // A throttled "load more" goes again when its countdown ends.
        Effect::new(move |ran_before: Option<()>| {
            paged.more_control.reload.track();
            if ran_before.is_some() {
                paged.load_more();
            }
        });
        paged
    }

    /// The first page's state (placeholder, error, throttling, retry).
    pub fn first(&self) -> Query<Vec<T>> {
        self.first
    }

    /// Every row loaded so far (reactive), or `None` before the first page.
    pub fn with_items<R>(&self, f: impl FnOnce(&[T], &[T]) -> R) -> Option<R> {
        let more = self.more;
        self.first.with_ok(|first| more.with(|more| f(first, more)))
    }

    pub fn has_more(&self) -> bool {
        self.next.get().is_some()
    }

    pub fn loading_more(&self) -> Signal<bool> {
        self.loading_more.into()
    }

    pub fn more_error(&self) -> Signal<Option<ApiError>> {
        self.more_error.into()
    }

    /// Throttled "load more": seconds until it goes again.
    pub fn more_retry_in(&self) -> Signal<Option<u32>> {
        self.more_control.retry_in.into()
    }

    /// Fetches the next page and appends it (ignored while one is loading).
    pub fn load_more(&self) {
        let this = *self;
        let Some(offset) = this.next.get_untracked() else {
            return;
        };
        if this.loading_more.get_untracked() {
            return;
        }
        let Some(request) = this.fetch.with_value(|f| f(offset, None)) else {
            return;
        };
        let generation = this.generation.get_value();
        this.loading_more.set(true);
        this.more_error.set(None);
        spawn_local(async move {
            let result = request.await;
            let _ = this.loading_more.try_set(false);
            if this.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok(page) => {
                    this.more_control.settle(None, false);
                    let _ = this.next.try_set(page.next_offset());
                    this.more.try_update(|m| m.extend(page.data.items));
                }
                Err(e) => {
                    // Session ended: the app says so. Throttled: wait, then load again.
                    if !this.more_control.settle(Some(&e), true) {
                        let _ = this.more_error.try_set(Some(e));
                    }
                }
            }
        });
    }
}
