//! [`Mutation`]: the one way the app writes (watchlists now, orders later). It shows a busy
//! state, keeps the error next to what caused it, reports "session ended" to the app, and never
//! sends a write twice: a second `run` while one is in flight is refused, and nothing is
//! retried automatically — not after a network error, a 5xx or a 429 (the person decides).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::state::AuthState;

pub struct Mutation {
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    auth: AuthState,
}

impl Clone for Mutation {
    fn clone(&self) -> Self {
        *self
    }
}

impl Copy for Mutation {}

impl Mutation {
    pub fn new() -> Self {
        Mutation {
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            auth: AuthState::expect(),
        }
    }

    /// Sends `write` unless a write is already in flight (then returns `false` and sends
    /// nothing). `done` gets the result once the answer is in; an error is also kept in
    /// [`Mutation::error`].
    pub fn run<T: 'static>(
        &self,
        write: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) -> bool {
        if self.busy.get_untracked() {
            return false;
        }
        let this = *self;
        this.busy.set(true);
        this.error.set(None);
        spawn_local(async move {
            let result = write.await;
            if let Err(ApiError::SessionEnded { revoked }) = &result {
                this.auth.end(*revoked);
            }
            let _ = this.busy.try_set(false);
            let _ = this.error.try_set(result.as_ref().err().cloned());
            done(result);
        });
        true
    }

    pub fn busy(&self) -> Signal<bool> {
        self.busy.into()
    }
}

impl Default for Mutation {
    fn default() -> Self {
        Self::new()
    }
}
