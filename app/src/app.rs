//! The root component: app-wide state, the router, and the one signed-in guard.

use leptos::prelude::*;

use crate::data::SeedSlot;
use crate::features::signin::CallbackPage;
use crate::router::{Route, Router};
use crate::shell::SignedInGuard;
use crate::state::AuthState;

#[component]
pub fn App() -> impl IntoView {
    AuthState::provide();
    SeedSlot::provide();
    let router = Router::provide();
    // The callback stands alone; everything else needs a session.
    let is_callback = Memo::new(move |_| router.route() == Route::Callback);
    move || {
        if is_callback.get() {
            view! { <CallbackPage /> }.into_any()
        } else {
            view! { <SignedInGuard /> }.into_any()
        }
    }
}
