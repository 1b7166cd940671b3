//! Remote data for the dashboard: a small resource-like loader built on an `Effect`.
//!
//! Why not `LocalResource` + `Suspend`/`Transition`/`ErrorBoundary`: that was the first
//! implementation, and it did not fit the 150 KB brotli first-load budget. Measured on this
//! app: reading resources synchronously instead of through `Suspend`/`Transition`/
//! `ErrorBoundary` saved 13.5 KB brotli; replacing `LocalResource` with this module (in the
//! same build as dropping `leptos_router`) saved another 41 KB. This keeps what mattered from
//! them: re-running when the signals the fetcher reads change, keeping the previous value on
//! screen while re-fetching (like `Transition`), aborting a superseded or orphaned request
//! (like the hackernews example), and states the views match on (loading / error / data).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use crate::api::{abort_on_cleanup, ApiError};

/// `None` until the first answer; afterwards the latest answer (kept during re-fetches).
pub type State<T> = Option<Result<T, ApiError>>;

pub struct Remote<T: Send + Sync + 'static> {
    state: RwSignal<State<T>>,
    reload: Trigger,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Send + Sync + 'static> Remote<T> {
    /// Runs `fetch` now and again whenever a signal it reads (synchronously) changes or
    /// [`Remote::reload`] is called. `fetch` returns `None` when it cannot run yet (an input
    /// is still loading). Each run gets an `AbortSignal` that fires when the next run starts or
    /// the owning view goes away.
    pub fn new<Fut>(fetch: impl Fn(Option<AbortSignal>) -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let state = RwSignal::new(None);
        let reload = Trigger::new();
        Effect::new(move || {
            reload.track();
            let signal = abort_on_cleanup();
            if let Some(request) = fetch(signal) {
                spawn_local(async move {
                    match request.await {
                        // Superseded or unmounted: its successor (if any) answers instead.
                        Err(ApiError::Aborted) => {}
                        result => {
                            let _ = state.try_set(Some(result));
                        }
                    }
                });
            }
        });
        Remote { state, reload }
    }

    /// Fetches again; the current value stays visible until the new one arrives.
    pub fn reload(&self) {
        self.reload.notify();
    }

    /// Reads the state reactively.
    pub fn with<R>(&self, f: impl FnOnce(&State<T>) -> R) -> R {
        self.state.with(f)
    }
}
