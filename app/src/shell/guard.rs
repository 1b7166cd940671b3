//! The one signed-in guard: every screen but the callback is behind it. It learns whether a
//! session exists (from the data the worker inlined into the page, else `GET /auth/session`)
//! and shows the screen, the sign-in page (which brings the person back to this address), or
//! the "session ended" page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Shell;
use crate::api::{self, ApiError};
use crate::components::dom::El;
use crate::components::{center_page, error_panel, splash};
use crate::data::{take_inlined, SeedSlot};
use crate::features::signin::sign_in_page;
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
pub fn SignedInGuard() -> impl IntoView {
    let auth = AuthState::expect();
    // Once per page load; after the callback the state is already `SignedIn`.
    if auth.get_untracked() == Auth::Checking {
        match take_inlined() {
            Some(signed_in) if signed_in.session.signed_in => {
                SeedSlot::expect().put(signed_in.bootstrap);
                auth.set(Auth::SignedIn(signed_in.session));
            }
            _ => check_session(auth),
        }
    }

    move || match auth.get() {
        Auth::Checking => splash("Loading…").into_view().into_any(),
        Auth::Unavailable(error) => center_page()
            .child(El::leaf("h1", "sr-only", "tastytrade in your pocket"))
            .child(error_panel(&error, Box::new(move || check_session(auth))))
            .into_view()
            .into_any(),
        Auth::SignedOut => sign_in_page(false, false).into_view().into_any(),
        Auth::Ended { revoked } => sign_in_page(true, revoked).into_view().into_any(),
        Auth::SignedIn(session) => view! { <Shell session /> }.into_any(),
    }
}
