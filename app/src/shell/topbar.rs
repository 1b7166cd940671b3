//! The header: brand, environment badge, refresh and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pocket_shared::bff::Environment;

use crate::api::{self, ApiError};
use crate::components::BrandMark;
use crate::data::Data;
use crate::format;
use crate::state::{Auth, AuthState};

fn badge(env: Environment) -> (&'static str, &'static str) {
    match env {
        Environment::Simulator => ("Demo", "badge badge-demo"),
        Environment::Sandbox => ("Sandbox", "badge badge-sandbox"),
        Environment::Production => ("Live", "badge badge-live"),
    }
}

#[component]
pub fn TopBar(
    environment: Environment,
    /// The account on screen (its balances are what the refresh spinner waits for).
    #[prop(into)]
    account: Signal<Option<String>>,
) -> impl IntoView {
    let auth = AuthState::expect();
    let data = Data::expect();
    let refreshing = move || {
        data.accounts.pending().get()
            || account
                .get()
                .is_some_and(|n| data.balances(&n).pending().get())
    };
    let updated = move || {
        data.refresh
            .last()
            .get()
            .map(|ms| format!("Updated {}", format::time_of_day(ms)))
    };
    let signing_out = RwSignal::new(false);
    let signout_error = RwSignal::new(None::<String>);
    let (badge_text, badge_class) = badge(environment);

    let sign_out = move |_| {
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        signout_error.set(None);
        spawn_local(async move {
            match api::logout().await {
                // Already gone on the server: signed out either way.
                Ok(()) | Err(ApiError::SessionEnded { .. }) => auth.set(Auth::SignedOut),
                Err(e) => {
                    signout_error.set(Some(format!("Sign-out failed: {e}")));
                    signing_out.set(false);
                }
            }
        });
    };

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <div class="topbar-brand">
                    <BrandMark />
                    <span class="brand-name">"pocket"</span>
                    <span
                        class=badge_class
                        data-testid="environment-badge"
                        title=environment.label()
                    >
                        {badge_text}
                    </span>
                </div>
                <div class="topbar-actions">
                    <crate::stream::StreamStatus />
                    <span class="topbar-meta" aria-live="polite">
                        {move || updated().map(|u| view! { <span class="updated">{u}</span> })}
                    </span>
                    <button
                        type="button"
                        class="btn btn-icon"
                        class:spinning=refreshing
                        data-testid="refresh-button"
                        aria-label="Refresh"
                        title="Refresh"
                        on:click=move |_| data.refresh.now()
                    >
                        <span class="icon-refresh" aria-hidden="true"></span>
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="signout-button"
                        disabled=move || signing_out.get()
                        on:click=sign_out
                    >
                        {move || if signing_out.get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </div>
            </div>
            {move || {
                signout_error
                    .get()
                    .map(|e| view! { <p class="banner banner-error" role="alert">{e}</p> })
            }}
        </header>
    }
}
