//! DXLink, tastytrade's market-data WebSocket protocol (docs/tastytrade.md §6.9): typed messages,
//! event decoding and the URL policy. No I/O; the app's `stream` module drives it.
//!
//! - [`message`]: what the client sends ([`ClientMessage`], [`feed_subscriptions`]) and what the
//!   server sends ([`ServerMessage`]).
//! - [`event`]: the events the app uses ([`Quote`], [`Trade`], [`Greeks`], [`Summary`],
//!   [`Profile`], [`Candle`]) and `FEED_DATA` decoding against the negotiated layout.
//! - [`policy`]: which `dxlink-url`s the app may connect to ([`MarketDataUrlPolicy`]).

pub mod event;
pub mod message;
pub mod policy;

pub use event::{
    decode_feed_data, Candle, Event, EventType, FeedDataError, FeedLayout, Field, Greeks, Profile,
    Quote, Summary, Trade,
};
pub use message::{
    feed_subscriptions, AuthState, ClientMessage, Contract, DataFormat, NotAMessage, ServerMessage,
    Subscription, CONTROL_CHANNEL,
};
pub use policy::{InvalidPattern, MarketDataUrlPolicy};
