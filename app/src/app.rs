//! The root component: app-wide state, the router, and the one signed-in guard.

use leptos::ev;
use leptos::prelude::*;

use crate::components::dom::El;
use crate::data::SeedSlot;
use crate::features::signin::CallbackPage;
use crate::router::{Route, Router};
use crate::shell::SignedInGuard;
use crate::state::AuthState;

/// Whether the browser is online, following its `online`/`offline` events.
#[derive(Clone, Copy)]
pub struct Online(pub RwSignal<bool>);

impl Online {
    fn provide() -> Self {
        let online = Online(RwSignal::new(window().navigator().on_line()));
        let up = window_event_listener(ev::online, move |_| online.0.set(true));
        let down = window_event_listener(ev::offline, move |_| online.0.set(false));
        on_cleanup(move || {
            up.remove();
            down.remove();
        });
        provide_context(online);
        online
    }
}

#[component]
pub fn App() -> impl IntoView {
    AuthState::provide();
    SeedSlot::provide();
    // Connects only once a view subscribes, and only while signed in.
    crate::stream::provide();
    let online = Online::provide();
    let router = Router::provide();
    // The callback stands alone; everything else needs a session.
    let is_callback = Memo::new(move |_| router.route() == Route::Callback);
    let screen = move || {
        if is_callback.get() {
            view! { <CallbackPage /> }.into_any()
        } else {
            view! { <SignedInGuard /> }.into_any()
        }
    };
    let offline_banner = move || {
        (!online.0.get()).then(|| {
            El::leaf(
                "p",
                "offline-banner",
                "You are offline. What is on screen may be out of date, and nothing can be sent \
                 until the connection is back.",
            )
            .attr("role", "status")
            .attr("data-testid", "offline-banner")
            .into_view()
        })
    };
    (offline_banner, screen)
}
