//! [`Query`]: remote data a screen reads, with everything every screen needs done once:
//! loading and pending state, keeping the previous value on screen while re-fetching, aborting a
//! superseded or orphaned request, "session ended" reported to the app, the app-wide refresh,
//! and waiting out tastytrade's throttling (429) with exponential backoff and jitter.
//!
//! Why not `LocalResource` + `Suspend`/`Transition`/`ErrorBoundary`: they did not fit the
//! first-load budget (README, "Size budget"); this keeps what mattered from them.

use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use super::Refresh;
use crate::api::{abort_on_cleanup, ApiError};
use crate::state::AuthState;

/// `None` until the first answer; afterwards the latest answer (kept during re-fetches).
pub type State<T> = Option<Result<T, ApiError>>;

/// The longest wait between retries of a throttled read.
const MAX_BACKOFF_SECS: f64 = 60.0;

/// Seconds to wait before retry `attempt` (1, 2, …) of a throttled read: `2^attempt` capped at a
/// minute, never less than tastytrade's `Retry-After`, spread by ±20 % so many tabs don't retry
/// in step (docs/tastytrade.md §4.4 advises exponential backoff with jitter). `random` is in
/// `[0, 1)`.
pub fn backoff_secs(attempt: u32, retry_after: Option<u32>, random: f64) -> u32 {
    let exponential = 2f64.powi(attempt.min(16) as i32).min(MAX_BACKOFF_SECS);
    let jittered = exponential * (0.8 + 0.4 * random);
    let floor = f64::from(retry_after.unwrap_or(0));
    jittered.max(floor).ceil().max(1.0) as u32
}

pub struct Query<T: Send + Sync + 'static> {
    state: RwSignal<State<T>>,
    /// A request is in flight (also during a re-fetch that keeps the old value on screen).
    pending: RwSignal<bool>,
    /// Throttled: seconds until the automatic retry.
    retry_in: RwSignal<Option<u32>>,
    /// Generation of the current throttling countdown.
    countdown: StoredValue<u32>,
    reload: Trigger,
}

impl<T: Send + Sync + 'static> Clone for Query<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Query<T> {}

impl<T: Send + Sync + 'static> Query<T> {
    /// Runs `fetch` now and again whenever a signal it reads (synchronously) changes, the app
    /// refreshes, or [`Query::reload`] is called. `fetch` returns `None` when it cannot run
    /// yet (an input is still loading). Each run gets an `AbortSignal` that fires when the next
    /// run starts or the owning view goes away.
    pub fn new<Fut>(fetch: impl Fn(Option<AbortSignal>) -> Option<Fut> + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        Self::seeded(None, fetch)
    }

    /// Like [`Query::new`], but starts with `initial` (data the page came with) and fetches
    /// only when something changes.
    pub fn seeded<Fut>(
        initial: Option<T>,
        fetch: impl Fn(Option<AbortSignal>) -> Option<Fut> + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let auth = AuthState::expect();
        let refresh = use_context::<Refresh>();
        let skip_first = initial.is_some();
        let query = Query {
            state: RwSignal::new(initial.map(Ok)),
            pending: RwSignal::new(false),
            retry_in: RwSignal::new(None),
            countdown: StoredValue::new(0),
            reload: Trigger::new(),
        };
        let attempts = StoredValue::new(0u32);
        Effect::new(move |ran_before: Option<()>| {
            query.reload.track();
            if let Some(refresh) = refresh {
                refresh.track();
            }
            let signal = abort_on_cleanup();
            let request = fetch(signal);
            if skip_first && ran_before.is_none() {
                return;
            }
            let Some(request) = request else {
                return;
            };
            query.pending.set(true);
            spawn_local(async move {
                let result = request.await;
                match &result {
                    // Superseded or unmounted: its successor (if any) answers instead.
                    Err(ApiError::Aborted) => return,
                    Err(ApiError::SessionEnded { revoked }) => auth.end(*revoked),
                    Err(ApiError::RateLimited { retry_after_secs }) => {
                        let attempt = attempts.try_update_value(|a| {
                            *a += 1;
                            *a
                        });
                        if let Some(attempt) = attempt {
                            let random = js_sys::Math::random();
                            query.wait_and_retry(backoff_secs(attempt, *retry_after_secs, random));
                        }
                    }
                    _ => {
                        attempts.try_set_value(0);
                    }
                }
                let _ = query.pending.try_set(false);
                // A throttled re-fetch keeps the value on screen; the banner says why it is old.
                let keep_old = matches!(result, Err(ApiError::RateLimited { .. }))
                    && query
                        .state
                        .try_with_untracked(|s| matches!(s, Some(Ok(_))))
                        .unwrap_or(false);
                if !keep_old {
                    let _ = query.state.try_set(Some(result));
                }
            });
        });
        query
    }

    /// Counts `secs` down in [`Query::retry_in`], then fetches again. A manual reload or the
    /// view going away stops the count (each wait has its own generation number).
    fn wait_and_retry(self, secs: u32) {
        let Some(generation) = self.countdown.try_update_value(|g| {
            *g = g.wrapping_add(1);
            *g
        }) else {
            return;
        };
        let _ = self.retry_in.try_set(Some(secs));
        self.tick(generation, secs);
    }

    fn tick(self, generation: u32, left: u32) {
        set_timeout(
            move || {
                let current = self.countdown.try_get_value() == Some(generation);
                if !current || self.retry_in.try_get_untracked().flatten().is_none() {
                    return;
                }
                if left <= 1 {
                    self.retry_in.set(None);
                    self.reload.notify();
                } else {
                    self.retry_in.set(Some(left - 1));
                    self.tick(generation, left - 1);
                }
            },
            Duration::from_secs(1),
        );
    }

    /// Fetches again; the current value stays visible until the new one arrives.
    pub fn reload(&self) {
        self.retry_in.set(None);
        self.reload.notify();
    }

    /// Reads the state reactively.
    pub fn with<R>(&self, f: impl FnOnce(&State<T>) -> R) -> R {
        self.state.with(f)
    }

    /// Reads the loaded value reactively (`None` while loading or after an error).
    pub fn with_ok<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.state.with(|s| match s {
            Some(Ok(v)) => Some(f(v)),
            _ => None,
        })
    }

    /// Replaces the value (after a write returned the new one).
    pub fn set(&self, value: T) {
        self.state.set(Some(Ok(value)));
    }

    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }

    pub fn retry_in(&self) -> Signal<Option<u32>> {
        self.retry_in.into()
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_doubles_up_to_a_minute_with_jitter() {
        assert_eq!(backoff_secs(1, None, 0.5), 2);
        assert_eq!(backoff_secs(2, None, 0.5), 4);
        assert_eq!(backoff_secs(3, None, 0.5), 8);
        assert_eq!(backoff_secs(10, None, 0.5), 60);
        assert_eq!(backoff_secs(99, None, 0.5), 60);
        // ±20 %.
        assert_eq!(backoff_secs(3, None, 0.0), 7); // 6.4 → 7
        assert_eq!(backoff_secs(3, None, 0.999), 10); // 9.6 → 10
        assert_eq!(backoff_secs(10, None, 0.999), 72);
    }

    #[test]
    fn retry_after_is_a_floor() {
        assert_eq!(backoff_secs(1, Some(30), 0.5), 30);
        assert_eq!(backoff_secs(6, Some(5), 0.5), 60);
        assert_eq!(backoff_secs(1, Some(0), 0.0), 2);
    }
}
