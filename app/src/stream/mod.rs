//! Live data: the app's one DXLink client for market data (docs/tastytrade.md §6.9), and the
//! account streamer for orders, positions and balances ([`account`], §6.12).
//!
//! A view asks for what it shows — `stream::quote("SPY")`, `stream::greeks(".SPY261218C600")`,
//! `stream::candles("SPY{=5m}", from)` — and gets a [`Live`] value that follows the market
//! while the view lives (`move || quote.get()` in a view): the subscription is released when the view is cleaned up, so what is streamed
//! follows what is on screen. Views asking for the same thing share one subscription and one
//! signal. Call these inside a component (they register a cleanup on the current owner).
//!
//! - [`session`]: the protocol state machine (pure, natively tested).
//! - [`subscriptions`]: the ref-counted wanted set and its diffs (pure).
//! - [`store`]: one signal per (event type, symbol), candle series.
//! - `runtime`: token, URL policy, socket, reconnects, visibility, market hours.
//! - [`StreamStatus`]: the status line (`data-testid="stream-status"`).

pub mod account;
pub mod session;
pub mod store;
pub mod subscriptions;

mod runtime;
pub(crate) mod socket;
mod status;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod e2e;

use leptos::prelude::*;
use pocket_shared::dxlink::{
    Candle, Event, EventType, Greeks, Profile, Quote, Subscription, Summary, Trade,
};

pub use runtime::provide;
pub use status::stream_status;

/// The stream as the status line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Nothing on screen needs live data (or nobody is signed in).
    Idle,
    Connecting,
    Live,
    /// Connected, but no data for the subscriptions for 15 s.
    Stale,
    /// Connected while the equity market is closed (quotes do not move).
    MarketClosed,
    /// The tab has been hidden for a minute: closed until it is visible.
    Paused,
    /// The connection failed or ended; the next attempt is scheduled.
    Retrying {
        reason: String,
    },
    /// Will not connect: the address is not allowed, or none is configured.
    Refused {
        reason: String,
    },
}

impl Status {
    /// The `data-state` value.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Connecting => "connecting",
            Status::Live => "live",
            Status::Stale => "stale",
            Status::MarketClosed => "market-closed",
            Status::Paused => "paused",
            Status::Retrying { .. } => "retrying",
            Status::Refused { .. } => "refused",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Idle => "",
            Status::Connecting => "Connecting…",
            Status::Live => "Live",
            Status::Stale => "Stale",
            Status::MarketClosed => "Market closed",
            Status::Paused => "Paused",
            Status::Retrying { .. } => "Reconnecting…",
            Status::Refused { .. } => "Live data off",
        }
    }

    /// Why (retrying, refused).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Retrying { reason } | Status::Refused { reason } => Some(reason),
            _ => None,
        }
    }
}

/// The stream's status (`Idle` when the stream was not provided).
pub fn status() -> Signal<Status> {
    runtime::with(|rt| rt.status.into()).unwrap_or_else(|| Signal::stored(Status::Idle))
}

/// The slot of (`event_type`, `symbol`), subscribed while the calling view lives.
#[inline(never)]
fn slot(event_type: EventType, symbol: &str, from_time: Option<i64>) -> RwSignal<store::Slot> {
    runtime::hold(Subscription {
        event_type,
        symbol: symbol.to_owned(),
        from_time,
    });
    runtime::with(|rt| rt.store.slot(&rt.owner, event_type, symbol))
        .unwrap_or_else(|| RwSignal::new(store::Slot::Empty))
}

/// One live value (`Copy`). [`Live::get`] inside a reactive closure (a view, a memo, an effect)
/// follows it. Not a `Signal<T>`: every slot is one signal type underneath, so a screen that
/// reads five event types compiles the signal machinery once, not five times.
pub struct Live<T: 'static> {
    slot: RwSignal<store::Slot>,
    pick: fn(&store::Slot) -> Option<T>,
}

impl<T: 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Live<T> {}

impl<T: 'static> Live<T> {
    /// The latest value (`None` until the first event), tracked.
    pub fn get(&self) -> Option<T> {
        self.slot.with(self.pick)
    }
}

macro_rules! live {
    ($(#[$doc:meta])* $name:ident, $variant:ident) => {
        $(#[$doc])*
        pub fn $name(symbol: &str) -> Live<$variant> {
            Live {
                slot: slot(EventType::$variant, symbol, None),
                pick: |slot| match slot {
                    store::Slot::Latest(Event::$variant(e)) => Some(e.clone()),
                    _ => None,
                },
            }
        }
    };
}

live!(
    /// Bid and ask of `symbol` (a streamer symbol: `SPY`, `.SPY261218C600`, `/ESZ26:XCME`).
    quote,
    Quote
);
live!(
    /// Last trade, change and day volume of `symbol`.
    #[allow(dead_code)] // for the watchlist and quote screens (issue 7 §3)
    trade,
    Trade
);
live!(
    /// Greeks and implied volatility of option `symbol`.
    greeks,
    Greeks
);
live!(
    /// Day open/high/low, previous close and open interest of `symbol`.
    summary,
    Summary
);
live!(
    /// Description, trading status and 52-week range of `symbol`.
    #[allow(dead_code)] // for the quote screen (issue 7 §3)
    profile,
    Profile
);

/// The bars of candle symbol `symbol` (`SPY{=5m}`) from `from_time` (epoch ms), oldest first:
/// the history, then the live bar as it changes (`None` until the history arrives).
#[allow(dead_code)] // for the quote screen's day chart (issue 7 §3)
pub fn candles(symbol: &str, from_time: i64) -> Live<Vec<Candle>> {
    Live {
        slot: slot(EventType::Candle, symbol, Some(from_time)),
        pick: |slot| match slot {
            store::Slot::Series(list) => Some(list.clone()),
            _ => None,
        },
    }
}
