//! One Leptos signal per (event type, symbol), created when a view first asks: the latest event,
//! or for candles the series. Events for keys nobody asked for are dropped.
//!
//! Events are applied in slices of at most [`EVENTS_PER_TASK`], each in its own task (the
//! runtime schedules the next): Leptos 0.8 runs effects at the end of the current task, so a view
//! reading several of the signals set in a slice updates once per slice, and a message carrying
//! a thousand symbols' updates does not hold the page for longer than a frame (the streaming-load
//! report in the README: at 1,000 symbols one message took ~50 ms with the rows it woke). All
//! slots share one signal type, so the signal machinery is compiled once.

use leptos::prelude::*;
use pocket_shared::dxlink::{Candle, Event, EventType};

/// What a view sees of one (event type, symbol).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Slot {
    /// Nothing arrived yet.
    #[default]
    Empty,
    /// The newest event (all types but candles).
    Latest(Event),
    /// A candle symbol's bars, oldest first.
    Series(Vec<Candle>),
}

/// How many events one task applies.
pub const EVENTS_PER_TASK: usize = 200;

/// Sorted by key (a vector: smaller in the wasm than a map, and as fast at this size).
#[derive(Default)]
pub struct Store {
    slots: Vec<((EventType, String), RwSignal<Slot>)>,
    /// Events received and not applied yet, oldest first.
    pending: std::collections::VecDeque<Event>,
}

impl Store {
    fn find(&self, event_type: EventType, symbol: &str) -> Result<usize, usize> {
        self.slots
            .binary_search_by(|((t, s), _)| (*t, s.as_str()).cmp(&(event_type, symbol)))
    }

    /// The signal of (`event_type`, `symbol`), created under `owner` (the stream's, so it
    /// outlives the view that asked first and keeps the last value for the next one).
    pub fn slot(&mut self, owner: &Owner, event_type: EventType, symbol: &str) -> RwSignal<Slot> {
        match self.find(event_type, symbol) {
            Ok(i) => self.slots[i].1,
            Err(i) => {
                let signal = owner.with(|| RwSignal::new(Slot::Empty));
                self.slots
                    .insert(i, ((event_type, symbol.to_owned()), signal));
                signal
            }
        }
    }

    /// Queues one message's events (applied by [`Store::apply_some`]).
    pub fn queue(&mut self, events: Vec<Event>) {
        self.pending.extend(events);
    }

    /// Publishes up to [`EVENTS_PER_TASK`] queued events, oldest first; whether some are left.
    #[inline(never)]
    pub fn apply_some(&mut self) -> bool {
        let n = self.pending.len().min(EVENTS_PER_TASK);
        let slice: Vec<Event> = self.pending.drain(..n).collect();
        self.apply(slice);
        !self.pending.is_empty()
    }

    /// Publishes `events`.
    fn apply(&self, events: Vec<Event>) {
        for event in events {
            let Ok(i) = self.find(event.event_type(), event.symbol()) else {
                continue;
            };
            self.slots[i].1.update(|slot| match event {
                Event::Candle(candle) => {
                    if !matches!(slot, Slot::Series(_)) {
                        *slot = Slot::Series(Vec::new());
                    }
                    if let Slot::Series(list) = slot {
                        merge_candle(list, candle);
                    }
                }
                event => *slot = Slot::Latest(event),
            });
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
    use pocket_shared::dxlink::Quote;
    use rust_decimal::Decimal;

    fn quote(symbol: &str, bid: i64) -> Event {
        Event::Quote(Quote {
            symbol: symbol.into(),
            bid_price: Some(Decimal::from(bid)),
            ..Quote::default()
        })
    }

    #[test]
    fn a_large_message_is_applied_a_slice_at_a_time_in_order() {
        let owner = Owner::new();
        let mut store = Store::default();
        let spy = store.slot(&owner, EventType::Quote, "SPY");
        // 450 events: SPY's last one (bid 449) comes in the third slice.
        let events: Vec<Event> = (0..450)
            .map(|i| quote(if i % 3 == 2 { "SPY" } else { "X" }, i))
            .collect();
        store.queue(events);
        assert!(store.apply_some(), "200 applied, 250 left");
        assert_eq!(spy.get_untracked(), Slot::Latest(quote("SPY", 197)));
        assert!(store.apply_some(), "400 applied");
        assert_eq!(spy.get_untracked(), Slot::Latest(quote("SPY", 398)));
        assert!(!store.apply_some(), "all applied");
        assert_eq!(spy.get_untracked(), Slot::Latest(quote("SPY", 449)));
        assert!(!store.apply_some(), "nothing left is not an error");
    }

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
