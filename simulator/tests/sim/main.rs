//! Integration tests: the router runs in-process (tower `oneshot`), plus one test over TCP.

mod account_streamer;
mod api;
mod common;
mod dxlink_feed;
mod dxlink_market;
mod dxlink_session;
mod fixtures;
mod history;
mod hooks;
mod instruments;
mod marketdata;
mod oauth;
mod orders;
mod status;
mod token;
mod trading;
mod transactions;
mod watchlists;
mod wsclient;
