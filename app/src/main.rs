//! tastytrade in your pocket — the browser app (Leptos CSR, built by Trunk from ../index.html).
//!
//! - [`router`]: every screen's address ([`router::Route`]) and client-side navigation.
//! - [`data`]: the one data layer — queries, the write primitive, the session's shared cache.
//! - [`api`]: the one typed client for the worker (`/auth/*`) and the proxied tastytrade API.
//! - [`shell`]: the signed-in guard and the frame around every screen (header, accounts,
//!   navigation).
//! - [`features`]: one folder per screen, with all of its code.
//! - [`components`]: generic pieces (loading, empty and error states, CSV download, …).
//! - [`stream`]: live market data over DXLink, one signal per symbol and event type.

mod api;
mod app;
mod components;
mod data;
mod features;
mod format;
mod instruments;
mod metrics;
mod router;
mod shell;
mod state;
mod stream;
mod url;

/// Removes what the page showed before the app started (index.html's `#boot`, the worker's
/// `#boot-preview`), in the same task as the first render, so nothing blank is painted between.
fn remove_boot_screen() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for id in ["boot", "boot-preview"] {
        if let Some(element) = document.get_element_by_id(id) {
            element.remove();
        }
    }
}

fn main() {
    remove_boot_screen();
    leptos::mount::mount_to_body(app::App);
    // The service worker (app/pwa/sw.js) caches the app's own files for the next visit and for
    // offline use; it never caches account data. Best effort: the app works without it.
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}
