//! The sign-in screen, the "session ended" variant, and the button that starts the OAuth
//! redirect (also used as the callback page's retry button).

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

mod callback;
mod flow;

pub use callback::CallbackPage;

use crate::components::BrandMark;
use flow as auth;

/// Starts sign-in: fetches `/auth/config`, stores a fresh state (+ PKCE verifier) and leaves
/// for tastytrade's authorize page.
#[component]
pub fn SignInButton(
    /// `data-testid`; `signin-button` unless given.
    #[prop(optional)]
    testid: Option<&'static str>,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let label = label.unwrap_or("Sign in with tastytrade");
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // Coming back with the browser's Back button may restore this page from the back/forward
    // cache with the button still busy; re-enable it.
    let handle = window_event_listener(ev::pageshow, move |_| busy.set(false));
    on_cleanup(move || handle.remove());

    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            // On success the browser is already navigating away.
            if let Err(e) = auth::start_sign_in().await {
                error.set(Some(e.to_string()));
                busy.set(false);
            }
        });
    };

    view! {
        <button
            type="button"
            class="btn btn-primary btn-lg btn-block"
            data-testid=testid.unwrap_or("signin-button")
            aria-busy=move || busy.get().to_string()
            disabled=move || busy.get()
            on:click=on_click
        >
            {move || if busy.get() { "Opening tastytrade…" } else { label }}
        </button>
        {move || {
            error
                .get()
                .map(|message| {
                    view! {
                        <p class="form-error" role="alert">
                            {message}
                        </p>
                    }
                })
        }}
    }
}

#[component]
pub fn SignInPage(
    /// Show the "session ended" message (the worker said the session is gone).
    #[prop(optional)]
    ended: bool,
    /// The session ended because tastytrade revoked the grant.
    #[prop(optional)]
    revoked: bool,
) -> impl IntoView {
    let intro = view! {
        <div class="signin-brand">
            <BrandMark />
            <h1 id="signin-title">"tastytrade in your pocket"</h1>
            // The same words as index.html's boot screen (painted before the app starts), so
            // the page's largest text is on screen from the first paint.
            <p class="boot-text">
                "Balances, positions, orders, activity and history of your tastytrade accounts, \
                 on your phone. Your tastytrade sign-in stays with the server; the browser \
                 never holds it."
            </p>
        </div>
    };
    let body = if ended {
        let detail = if revoked {
            "tastytrade no longer accepts this app's access (it may have been revoked). Sign in again to continue."
        } else {
            "For your security you were signed out. Sign in again to see your accounts."
        };
        view! {
            <div class="session-ended" data-testid="session-ended" role="alert">
                <h2>"Your session has ended"</h2>
                <p>{detail}</p>
                <SignInButton />
            </div>
        }
        .into_any()
    } else {
        view! { <SignInButton /> }.into_any()
    };

    view! {
        <main class="center-page">
            <section class="card narrow signin-card" aria-labelledby="signin-title">
                {intro}
                {body}
                <p class="fine-print">
                    "You sign in on tastytrade's own page; this app never sees your password."
                </p>
            </section>
        </main>
    }
}
