//! Types shared by the app (wasm, browser) and the worker (wasm, Cloudflare).
//!
//! - [`bff`]: the contract between the app and its own backend-for-frontend worker.
//! - [`tastytrade`]: tastytrade's REST wire format, as documented (kebab-case, decimals as strings).
//! - [`dxlink`]: the DXLink market-data protocol (typed messages, events, the URL policy).

pub mod bff;
pub mod checked;
pub mod dxlink;
pub mod risk;
pub mod tastytrade;
