//! tastytrade in your pocket — the browser app (Leptos CSR, built by Trunk from ../index.html).
//!
//! - [`router`]: every screen's address ([`router::Route`]) and client-side navigation.
//! - [`data`]: the one data layer — queries, the write primitive, the session's shared cache.
//! - [`api`]: the one typed client for the worker (`/auth/*`) and the proxied tastytrade API.
//! - [`shell`]: the signed-in guard and the frame around every screen (header, accounts,
//!   navigation).
//! - [`features`]: one folder per screen, with all of its code.
//! - [`components`]: generic pieces (loading, empty and error states, CSV download, …).

mod api;
mod app;
mod components;
mod data;
mod features;
mod format;
mod router;
mod shell;
mod state;
mod url;

fn main() {
    leptos::mount::mount_to_body(app::App);
    // The service worker (app/pwa/sw.js) caches the app's own files for the next visit and for
    // offline use; it never caches account data. Best effort: the app works without it.
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}
