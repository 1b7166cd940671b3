//! [`Query`]: remote data a screen reads, with everything every screen needs done once:
//! loading and pending state, keeping the previous value on screen while re-fetching, aborting a
//! superseded or orphaned request, "session ended" reported to the app, the app-wide refresh,
//! and waiting out tastytrade's throttling (429) with exponential backoff and jitter.
//!
//! Why not `LocalResource` + `Suspend`/`Transition`/`ErrorBoundary`: they did not fit the
//! first-load budget (README, "Size budget"); this keeps what mattered from them.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use super::Refresh;
use crate::api::{abort_on_cleanup, ApiError};
use crate::state::AuthState;

/// `None` until the first answer; afterwards the latest answer (kept during re-fetches).
pub type State<'a, T> = Option<Result<&'a T, &'a ApiError>>;

/// A query's value whatever its data type: the signal, the requests and the answers are then
/// compiled once for every data type; only the boxing of a value and the typed read are per
/// type.
pub(super) type Value = Box<dyn Any + Send + Sync>;
type Stored = Option<Result<Value, ApiError>>;
pub(super) type Request = Pin<Box<dyn Future<Output = Result<Value, ApiError>>>>;
pub(super) type Fetch = Box<dyn Fn(Option<AbortSignal>) -> Option<Request>>;

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

/// The part of a query that does not depend on its data type (one copy in the wasm for all).
#[derive(Clone, Copy)]
pub(super) struct Control {
    /// A request is in flight (also during a re-fetch that keeps the old value on screen).
    pub(super) pending: RwSignal<bool>,
    /// Throttled: seconds until the automatic retry.
    pub(super) retry_in: RwSignal<Option<u32>>,
    /// Generation of the current throttling countdown.
    countdown: StoredValue<u32>,
    /// Throttled answers in a row (the backoff's exponent).
    attempts: StoredValue<u32>,
    pub(super) reload: Trigger,
    auth: AuthState,
}

impl Control {
    pub(super) fn new() -> Self {
        Control {
            pending: RwSignal::new(false),
            retry_in: RwSignal::new(None),
            countdown: StoredValue::new(0),
            attempts: StoredValue::new(0),
            reload: Trigger::new(),
            auth: AuthState::expect(),
        }
    }

    /// Acts on an answer: session ended → the app says so; throttled → wait and retry.
    /// Returns whether to keep the value on screen instead of showing this answer.
    pub(super) fn settle(self, error: Option<&ApiError>, has_value: bool) -> bool {
        let _ = self.pending.try_set(false);
        match error {
            Some(ApiError::SessionEnded { revoked }) => self.auth.end(*revoked),
            Some(ApiError::RateLimited { retry_after_secs }) => {
                if let Some(attempt) = self.attempts.try_update_value(|a| {
                    *a += 1;
                    *a
                }) {
                    let random = js_sys::Math::random();
                    self.wait_and_retry(backoff_secs(attempt, *retry_after_secs, random));
                }
                // A throttled re-fetch keeps the value on screen; the notice says why it is old.
                return has_value;
            }
            _ => {
                self.attempts.try_set_value(0);
            }
        }
        false
    }

    /// Counts `secs` down in `retry_in`, then fetches again. A manual reload or the view going
    /// away stops the count (each wait has its own generation number).
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

    /// Tracks what re-runs a query (its reload trigger and the app-wide refresh).
    fn track(self, refresh: Option<Refresh>) {
        self.reload.track();
        if let Some(refresh) = refresh {
            refresh.track();
        }
    }
}

pub struct Query<T: Send + Sync + 'static> {
    state: RwSignal<Stored>,
    control: Control,
    data_type: PhantomData<fn() -> T>,
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
        let fetch: Fetch = Box::new(move |signal| Some(erase(Box::pin(fetch(signal)?))));
        let initial = initial.map(|value| Ok(Box::new(value) as Value));
        Self::boxed(initial, fetch)
    }

    /// A query whose requests already answer a boxed `T` (the first page of a [`super::Paged`]).
    pub(super) fn boxed(initial: Stored, fetch: Fetch) -> Self {
        let (state, control) = start(initial, fetch);
        Query {
            state,
            control,
            data_type: PhantomData,
        }
    }

    /// Fetches again; the current value stays visible until the new one arrives.
    pub fn reload(&self) {
        self.control.retry_in.set(None);
        self.control.reload.notify();
    }

    /// Reads the state reactively.
    pub fn with<R>(&self, f: impl FnOnce(State<'_, T>) -> R) -> R {
        self.state.with(|s| {
            f(match s {
                None => None,
                Some(Ok(value)) => value.downcast_ref::<T>().map(Ok),
                Some(Err(e)) => Some(Err(e)),
            })
        })
    }

    /// Reads the loaded value reactively (`None` while loading or after an error).
    pub fn with_ok<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.state.with(|s| match s {
            Some(Ok(v)) => v.downcast_ref::<T>().map(f),
            _ => None,
        })
    }

    /// Replaces the value (after a write returned the new one).
    pub fn set(&self, value: T) {
        self.state.set(Some(Ok(Box::new(value))));
    }

    pub fn pending(&self) -> Signal<bool> {
        self.control.pending.into()
    }

    pub fn retry_in(&self) -> Signal<Option<u32>> {
        self.control.retry_in.into()
    }
}

/// The one per-type step of a request: its value goes in a box.
fn erase<T: Send + Sync + 'static>(
    request: Pin<Box<dyn Future<Output = Result<T, ApiError>>>>,
) -> Request {
    Box::pin(async move { Ok(Box::new(request.await?) as Value) })
}

/// Runs a query's requests (see [`Query::new`]); one copy for every data type.
fn start(initial: Stored, fetch: Fetch) -> (RwSignal<Stored>, Control) {
    let refresh = use_context::<Refresh>();
    let skip_first = initial.is_some();
    let control = Control::new();
    let state = RwSignal::new(initial);
    Effect::new(move |ran_before: Option<()>| {
        control.track(refresh);
        let request = fetch(abort_on_cleanup());
        if skip_first && ran_before.is_none() {
            return;
        }
        let Some(request) = request else {
            return;
        };
        control.pending.set(true);
        spawn_local(async move {
            let result = request.await;
            // Superseded or unmounted: its successor (if any) answers instead.
            if matches!(result, Err(ApiError::Aborted)) {
                return;
            }
            let has_value = state
                .try_with_untracked(|s| matches!(s, Some(Ok(_))))
                .unwrap_or(false);
            if !control.settle(result.as_ref().err(), has_value) {
                let _ = state.try_set(Some(result));
            }
        });
    });
    (state, control)
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
