//! tastypocket's edge worker (backend-for-frontend).
//!
//! - Serves the Leptos app from the `ASSETS` binding with a hash-based Content-Security-Policy.
//! - `/auth/*`: OAuth code exchange with tastytrade, server-side sessions behind an opaque
//!   `__Host-` cookie (see `shared::bff` for the contract).
//! - `/api/*`: forwards an allowlist of tastytrade calls with the session's bearer token, which
//!   never leaves the worker side. Order writes are never re-sent; an unanswered one is
//!   `outcome_unknown`.
//! - `/api/account-streamer`: tastytrade's account streamer relayed over a same-origin
//!   WebSocket, the session's token put into every message by the worker (`streamer`).
//!
//! One Durable Object per session (`PocketSession`) holds the tokens, encrypted at rest, and is
//! the single place that refreshes them (single-flight).
//!
//! The modules at the top level are pure and unit-tested natively (`cargo test -p
//! pocket-worker`); `edge` holds the Workers-runtime code and only builds for wasm32.

pub mod allowlist;
pub mod bootstrap;
pub mod config;
pub mod cookie;
pub mod crypto;
pub mod csp;
pub mod error;
pub mod guard;
pub mod headers;
pub mod lifetime;
pub mod secret;
pub mod shaping;
pub mod streamer;
pub mod token;

#[cfg(target_arch = "wasm32")]
mod edge;

#[cfg(target_arch = "wasm32")]
pub use edge::session::PocketSession;
