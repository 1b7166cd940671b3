//! App-wide sign-in state, shared through context.

use leptos::prelude::*;
use pocket_shared::bff::SessionInfo;

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Asking the worker (`GET /auth/session`).
    Checking,
    /// The worker could not be asked (offline, worker error).
    Unavailable(ApiError),
    SignedOut,
    /// The worker said the session is gone while the app was in use.
    Ended {
        revoked: bool,
    },
    SignedIn(SessionInfo),
}

/// Handle to the shared [`Auth`] signal (`Copy`, cheap to move into closures).
#[derive(Debug, Clone, Copy)]
pub struct AuthState(RwSignal<Auth>);

impl AuthState {
    pub fn provide() -> Self {
        let this = AuthState(RwSignal::new(Auth::Checking));
        provide_context(this);
        this
    }

    pub fn expect() -> Self {
        expect_context::<AuthState>()
    }

    pub fn get(&self) -> Auth {
        self.0.get()
    }

    pub fn get_untracked(&self) -> Auth {
        self.0.get_untracked()
    }

    pub fn set(&self, auth: Auth) {
        self.0.set(auth);
    }

    pub fn end(&self, revoked: bool) {
        if matches!(self.0.get_untracked(), Auth::SignedIn(_)) {
            self.0.set(Auth::Ended { revoked });
        }
    }
}
