//! The latest event per (event type, symbol), one Leptos signal each, created when a view first
//! asks; and each candle symbol's series. Events for keys nobody asked for are dropped.
//!
//! A `FEED_DATA` message's events are applied in one synchronous pass: Leptos 0.8 runs effects
//! after the current task, so a view reading several of the signals set here updates once per
//! message, not once per event.

use leptos::prelude::*;
use pocket_shared::dxlink::{Candle, Event, EventType};

/// The newest event of one kind for one symbol.
pub type Latest = RwSignal<Option<Event>>;

/// Sorted by key (a vector: smaller in the wasm than a map, and as fast at this size).
#[derive(Default)]
pub struct Store {
    latest: Vec<((EventType, String), Latest)>,
    candles: Vec<(String, RwSignal<Vec<Candle>>)>,
}

impl Store {
    fn find_latest(&self, event_type: EventType, symbol: &str) -> Result<usize, usize> {
        self.latest
            .binary_search_by(|((t, s), _)| (*t, s.as_str()).cmp(&(event_type, symbol)))
    }

    fn find_candles(&self, symbol: &str) -> Result<usize, usize> {
        self.candles
            .binary_search_by(|(s, _)| s.as_str().cmp(symbol))
    }

    /// The signal for (`event_type`, `symbol`), created under `owner` (the stream's, so it
    /// outlives the view that asked first and keeps the last value for the next one).
    pub fn latest(&mut self, owner: &Owner, event_type: EventType, symbol: &str) -> Latest {
        match self.find_latest(event_type, symbol) {
            Ok(i) => self.latest[i].1,
            Err(i) => {
                let signal = owner.with(|| RwSignal::new(None));
                self.latest
                    .insert(i, ((event_type, symbol.to_owned()), signal));
                signal
            }
        }
    }

    /// The series of candle symbol `symbol` (`AAPL{=5m}`), oldest first.
    pub fn candles(&mut self, owner: &Owner, symbol: &str) -> RwSignal<Vec<Candle>> {
        match self.find_candles(symbol) {
            Ok(i) => self.candles[i].1,
            Err(i) => {
                let signal = owner.with(|| RwSignal::new(Vec::new()));
                self.candles.insert(i, (symbol.to_owned(), signal));
                signal
            }
        }
    }

    /// Publishes one message's events.
    #[inline(never)]
    pub fn apply(&self, events: Vec<Event>) {
        for event in events {
            if let Event::Candle(candle) = event {
                if let Ok(i) = self.find_candles(&candle.symbol) {
                    self.candles[i].1.update(|list| merge_candle(list, candle));
                }
            } else if let Ok(i) = self.find_latest(event.event_type(), event.symbol()) {
                self.latest[i].1.set(Some(event));
            }
        }
    }
}

/// Adds `candle` to `list` (sorted by time, one bar per time): a snapshot's first event
/// replaces what was there (a resubscription resends the history, newest first), a removal
/// drops its bar, a bar already present is updated in place (the live bar changes).
pub fn merge_candle(list: &mut Vec<Candle>, candle: Candle) {
    if candle.begins_snapshot() {
        list.clear();
    }
    let Some(time) = candle.time else {
        return;
    };
    let position = list.binary_search_by_key(&Some(time), |c| c.time);
    match (position, candle.is_removal()) {
        (Ok(i), true) => {
            list.remove(i);
        }
        (Err(_), true) => {}
        (Ok(i), false) => list[i] = candle,
        (Err(i), false) => list.insert(i, candle),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn bar(time: i64, close: i64, flags: i64) -> Candle {
        Candle {
            symbol: "SPY{=5m}".into(),
            event_flags: flags,
            time: Some(time),
            close: Some(Decimal::from(close)),
            ..Candle::default()
        }
    }

    fn closes(list: &[Candle]) -> Vec<(i64, i64)> {
        list.iter()
            .map(|c| {
                let close = c.close.map(|d| i64::try_from(d).unwrap()).unwrap_or(-1);
                (c.time.unwrap(), close)
            })
            .collect()
    }

    #[test]
    fn history_newest_first_then_live_updates() {
        let mut list = Vec::new();
        merge_candle(&mut list, bar(300, 3, Candle::SNAPSHOT_BEGIN));
        merge_candle(&mut list, bar(200, 2, 0));
        merge_candle(&mut list, bar(100, 1, Candle::SNAPSHOT_END));
        assert_eq!(closes(&list), vec![(100, 1), (200, 2), (300, 3)]);
        // The live bar changes, then a new one starts.
        merge_candle(&mut list, bar(300, 4, 0));
        merge_candle(&mut list, bar(400, 5, 0));
        assert_eq!(closes(&list), vec![(100, 1), (200, 2), (300, 4), (400, 5)]);
        // A removal, and a removal of a bar we never had.
        merge_candle(&mut list, bar(200, 0, Candle::REMOVE_EVENT));
        merge_candle(&mut list, bar(250, 0, Candle::REMOVE_EVENT));
        assert_eq!(closes(&list), vec![(100, 1), (300, 4), (400, 5)]);
        // A resent snapshot (after a reconnect) replaces everything.
        merge_candle(&mut list, bar(400, 6, Candle::SNAPSHOT_BEGIN));
        assert_eq!(closes(&list), vec![(400, 6)]);
        // The empty snapshot (flags 14: begin, end, remove) leaves nothing.
        merge_candle(&mut list, bar(400, 0, 14));
        assert!(list.is_empty());
        // A bar without a time is not placed.
        merge_candle(&mut list, Candle::default());
        assert!(list.is_empty());
    }
}
