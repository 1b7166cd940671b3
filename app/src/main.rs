//! tastytrade in your pocket — the browser app (Leptos CSR, built by Trunk from ../index.html).
//!
//! - [`api`]: the one typed client for the worker (`/auth/*`) and the proxied tastytrade API.
//! - [`auth`]: the browser half of the OAuth flow (state + PKCE, callback checks).
//! - [`routes`]: the route enum (single source of paths) and a minimal router.
//! - [`remote`]: resource-like loading of remote data for the dashboard.
//! - [`pages`], [`components`]: screens and their parts.

mod api;
mod app;
mod auth;
mod components;
mod format;
mod pages;
mod remote;
mod routes;
mod state;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
