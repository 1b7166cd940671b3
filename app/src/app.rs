//! The root component: shared state and the page switch.

use leptos::prelude::*;

use crate::pages::{CallbackPage, HomePage, NotFound};
use crate::routes::{Page, Router};
use crate::state::AuthState;

#[component]
pub fn App() -> impl IntoView {
    AuthState::provide();
    let router = Router::provide();
    move || match router.current() {
        Some(Page::Home) => view! { <HomePage /> }.into_any(),
        Some(Page::Callback) => view! { <CallbackPage /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}
