//! `/`: asks the worker whether a session exists, then shows the dashboard or the sign-in
//! screen (or the "session ended" screen when the session died while in use).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::dashboard::Dashboard;
use super::signin::SignInPage;
use crate::api::{self, ApiError};
use crate::components::{ErrorPanel, Splash};
use crate::state::{Auth, AuthState};

fn check_session(auth: AuthState) {
    auth.set(Auth::Checking);
    spawn_local(async move {
        let next = match api::session().await {
            Ok(info) if info.signed_in => Auth::SignedIn(info),
            Ok(_) | Err(ApiError::SessionEnded { .. }) => Auth::SignedOut,
            Err(e) => Auth::Unavailable(e),
        };
        auth.set(next);
    });
}

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = AuthState::expect();
    // Ask once per page load; after the callback the state is already `SignedIn`.
    if auth.get_untracked() == Auth::Checking {
        check_session(auth);
    }

    move || match auth.get() {
        Auth::Checking => view! { <Splash /> }.into_any(),
        Auth::Unavailable(error) => view! {
            <main class="center-page">
                <ErrorPanel error retry=Callback::new(move |_| check_session(auth)) />
            </main>
        }
        .into_any(),
        Auth::SignedOut => view! { <SignInPage /> }.into_any(),
        Auth::Ended { revoked } => view! { <SignInPage ended=true revoked /> }.into_any(),
        Auth::SignedIn(session) => view! { <Dashboard session /> }.into_any(),
    }
}
