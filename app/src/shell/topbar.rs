//! The header: brand, environment badge, refresh and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pocket_shared::bff::Environment;

use crate::api::{self, ApiError};
use crate::components::brand_mark;
use crate::components::dom::{find, set_attr, set_or_remove_attr, set_text, watch, El};
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

/// Signs out (once at a time); a failure is put in `error` and the button comes back.
fn sign_out(auth: AuthState, signing_out: RwSignal<bool>, error: RwSignal<Option<String>>) {
    if signing_out.get_untracked() {
        return;
    }
    signing_out.set(true);
    error.set(None);
    spawn_local(async move {
        match api::logout().await {
            // Already gone on the server: signed out either way.
            Ok(()) | Err(ApiError::SessionEnded { .. }) => auth.set(Auth::SignedOut),
            Err(e) => {
                error.set(Some(format!("Sign-out failed: {e}")));
                signing_out.set(false);
            }
        }
    });
}

/// The header. `account` is the account on screen (its balances are what the refresh spinner
/// waits for).
pub fn top_bar(environment: Environment, account: Memo<Option<String>>) -> El {
    let auth = AuthState::expect();
    let data = Data::expect();
    let signing_out = RwSignal::new(false);
    let signout_error = RwSignal::new(None::<String>);
    let (badge_text, badge_class) = badge(environment);

    let brand = El::new("div", "topbar-brand")
        .child(brand_mark())
        .child(El::leaf("span", "brand-name", "pocket"))
        .child(
            El::leaf("span", badge_class, badge_text)
                .attr("data-testid", "environment-badge")
                .attr("title", environment.label()),
        );
    let updated = El::new("span", "updated");
    let search = El::new("a", "btn btn-icon")
        .attr("href", &crate::router::Route::Search.href())
        .attr("data-testid", "search-link")
        .attr("aria-label", "Search symbols")
        .attr("title", "Search symbols")
        .child(El::new("span", "icon-search").attr("aria-hidden", "true"));
    let refresh = El::new("button", "btn btn-icon")
        .attr("type", "button")
        .attr("data-testid", "refresh-button")
        .attr("aria-label", "Refresh")
        .attr("title", "Refresh")
        .child(El::new("span", "icon-refresh").attr("aria-hidden", "true"))
        .on(&["click"], Box::new(move |_| data.refresh.now()));
    let signout = El::new("button", "btn btn-secondary")
        .attr("type", "button")
        .attr("data-testid", "signout-button")
        .on(
            &["click"],
            Box::new(move |_| sign_out(auth, signing_out, signout_error)),
        );
    let header = El::new("header", "topbar");
    let (updated_text, refresh_button, signout_button, header_element) = (
        updated.element(),
        refresh.element(),
        signout.element(),
        header.element(),
    );

    watch(move || {
        let text = data
            .refresh
            .last()
            .get()
            .map(|ms| format!("Updated {}", format::time_of_day(ms)));
        set_text(&updated_text, text.as_deref().unwrap_or_default());
    });
    watch(move || {
        let refreshing = data.accounts.pending().get()
            || account
                .get()
                .is_some_and(|n| data.balances(&n).pending().get());
        let class = if refreshing {
            "btn btn-icon spinning"
        } else {
            "btn btn-icon"
        };
        set_attr(&refresh_button, "class", class);
    });
    watch(move || {
        let busy = signing_out.get();
        set_or_remove_attr(&signout_button, "disabled", busy.then_some(""));
        set_text(
            &signout_button,
            if busy { "Signing out…" } else { "Sign out" },
        );
    });
    // A new alert element for each failure, so that screen readers announce it.
    watch(move || {
        if let Some(old) = find(&header_element, ".banner") {
            old.remove();
        }
        if let Some(e) = signout_error.get() {
            let alert = El::leaf("p", "banner banner-error", &e).attr("role", "alert");
            let _ = header_element.append_with_node_1(&alert.element());
        }
    });

    let actions = El::new("div", "topbar-actions")
        .child(crate::stream::stream_status())
        .child(
            El::new("span", "topbar-meta")
                .attr("aria-live", "polite")
                .child(updated),
        )
        .child(search)
        .child(refresh)
        .child(signout);
    header.child(El::new("div", "topbar-inner").child(brand).child(actions))
}
