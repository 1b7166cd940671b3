//! The sign-in screen, the "session ended" variant, and the button that starts the OAuth
//! redirect (also used as the callback page's retry button).

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

mod callback;
mod flow;

pub use callback::CallbackPage;

use crate::components::dom::{set_attr, set_or_remove_attr, set_text, watch, El};
use crate::components::{brand_mark, center_page};
use flow as auth;

/// Starts sign-in: fetches `/auth/config`, stores a fresh state (+ PKCE verifier) and leaves
/// for tastytrade's authorize page. The button says `label` (its `data-testid` is `testid`);
/// a failure shows under it.
pub fn sign_in_button(testid: &str, label: &'static str) -> El {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // Coming back with the browser's Back button may restore this page from the back/forward
    // cache with the button still busy; re-enable it.
    let handle = window_event_listener(ev::pageshow, move |_| busy.set(false));
    on_cleanup(move || handle.remove());

    let start = move |_: &web_sys::Event| {
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
    let button = El::leaf("button", "btn btn-primary btn-lg btn-block", label)
        .attr("type", "button")
        .attr("data-testid", testid)
        .on(&["click"], Box::new(start));
    let element = button.element();
    watch(move || {
        let busy = busy.get();
        set_attr(&element, "aria-busy", if busy { "true" } else { "false" });
        set_or_remove_attr(&element, "disabled", busy.then_some(""));
        set_text(&element, if busy { "Opening tastytrade…" } else { label });
        // The error, right after the button: a new alert each time, so it is announced.
        if let Some(old) = element
            .next_element_sibling()
            .filter(|e| e.class_name() == "form-error")
        {
            old.remove();
        }
        if let Some(message) = error.get() {
            let alert = El::leaf("p", "form-error", &message).attr("role", "alert");
            let _ = element.after_with_node_1(&alert.element());
        }
    });
    button
}

/// The sign-in page; `ended` says the session has ended (the worker said it is gone), and
/// `revoked` that tastytrade revoked the grant.
pub fn sign_in_page(ended: bool, revoked: bool) -> El {
    let intro = El::new("div", "signin-brand")
        .child(brand_mark())
        .child(El::leaf("h1", "", "tastytrade in your pocket").attr("id", "signin-title"))
        // The same words as index.html's boot screen (painted before the app starts), so the
        // page's largest text is on screen from the first paint.
        .child(El::leaf(
            "p",
            "boot-text",
            "Balances, positions, orders, activity and history of your tastytrade accounts, \
             on your phone. Your tastytrade sign-in stays with the server; the browser never \
             holds it.",
        ));
    let button = sign_in_button("signin-button", "Sign in with tastytrade");
    let body = if ended {
        let detail = if revoked {
            "tastytrade no longer accepts this app's access (it may have been revoked). Sign in again to continue."
        } else {
            "For your security you were signed out. Sign in again to see your accounts."
        };
        El::new("div", "session-ended")
            .attr("data-testid", "session-ended")
            .attr("role", "alert")
            .child(El::leaf("h2", "", "Your session has ended"))
            .child(El::leaf("p", "", detail))
            .child(button)
    } else {
        button
    };
    let card = El::new("section", "card narrow signin-card")
        .attr("aria-labelledby", "signin-title")
        .child(intro)
        .child(body)
        .child(El::leaf(
            "p",
            "fine-print",
            "You sign in on tastytrade's own page; this app never sees your password.",
        ));
    center_page().child(card)
}
