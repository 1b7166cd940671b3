//! The header: brand, environment badge, refresh and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pocket_shared::bff::Environment;

use super::status::BrandMark;
use crate::api::{self, ApiError};
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
    on_refresh: Callback<()>,
    /// True while a refresh is in flight.
    #[prop(into)]
    refreshing: Signal<bool>,
    /// "Updated 3:04 PM".
    #[prop(into)]
    updated: Signal<Option<String>>,
) -> impl IntoView {
    let auth = AuthState::expect();
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
                    <span class="topbar-meta" aria-live="polite">
                        {move || updated.get().map(|u| view! { <span class="updated">{u}</span> })}
                    </span>
                    <button
                        type="button"
                        class="btn btn-icon"
                        class:spinning=move || refreshing.get()
                        data-testid="refresh-button"
                        aria-label="Refresh balances and positions"
                        title="Refresh"
                        on:click=move |_| on_refresh.run(())
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
