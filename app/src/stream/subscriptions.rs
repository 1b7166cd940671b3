//! What the screens want streamed, and what the server has been asked for. Pure: no I/O.
//!
//! [`Wanted`] counts how many views hold each subscription (several screens may show the same
//! quote); [`Subscribed`] is what one channel of the current connection has been sent. Bringing
//! the second to the first yields `FEED_SUBSCRIPTION` messages chunked under
//! [`MAX_MESSAGE_BYTES`]; on a new connection the first message carries `reset: true` and the
//! whole set, so nothing is ever subscribed twice (docs/tastytrade.md §6.9).

use pocket_shared::dxlink::{feed_subscriptions, EventType, Subscription};

/// Oversized messages close the socket with 1009; the official JS client chunks at about 8 KB
/// (docs/tastytrade.md §6.9).
pub const MAX_MESSAGE_BYTES: usize = 8000;

// Sorted vectors rather than B-tree maps: a few hundred entries at most, and much less wasm.

/// Reference-counted subscriptions wanted by the views on screen, sorted.
#[derive(Debug, Default)]
pub struct Wanted {
    counts: Vec<(Subscription, u32)>,
}

impl Wanted {
    fn find(&self, subscription: &Subscription) -> Result<usize, usize> {
        self.counts.binary_search_by(|(s, _)| s.cmp(subscription))
    }

    /// One more holder of `subscription`; `true` when it was not wanted before.
    pub fn acquire(&mut self, subscription: Subscription) -> bool {
        match self.find(&subscription) {
            Ok(i) => {
                self.counts[i].1 += 1;
                false
            }
            Err(i) => {
                self.counts.insert(i, (subscription, 1));
                true
            }
        }
    }

    /// One holder fewer; `true` when nobody wants it any more.
    pub fn release(&mut self, subscription: &Subscription) -> bool {
        let Ok(i) = self.find(subscription) else {
            return false;
        };
        self.counts[i].1 -= 1;
        if self.counts[i].1 == 0 {
            self.counts.remove(i);
            return true;
        }
        false
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The wanted subscriptions of one kind of channel: candles (history) or everything else.
    fn of(&self, history: bool) -> impl Iterator<Item = &Subscription> {
        self.counts
            .iter()
            .map(|(s, _)| s)
            .filter(move |s| (s.event_type == EventType::Candle) == history)
    }
}

/// What one channel of the current connection is subscribed to, sorted.
#[derive(Debug, Default)]
pub struct Subscribed {
    set: Vec<Subscription>,
    /// Whether anything was sent on this connection yet (the first message resets).
    started: bool,
}

impl Subscribed {
    /// The messages that bring `channel` (candles when `history`) to what `wanted` holds; the
    /// first call on a connection sends `reset: true` with everything.
    #[inline(never)]
    pub fn sync(&mut self, channel: u32, history: bool, wanted: &Wanted) -> Vec<String> {
        let target: Vec<Subscription> = wanted.of(history).cloned().collect();
        let missing = |from: &[Subscription], other: &[Subscription]| -> Vec<Subscription> {
            from.iter()
                .filter(|s| other.binary_search(s).is_err())
                .cloned()
                .collect()
        };
        let add = missing(&target, &self.set);
        let remove = missing(&self.set, &target);
        let reset = !self.started;
        if reset && add.is_empty() {
            // Nothing to ask for yet: the first real subscription will reset.
            return Vec::new();
        }
        self.started = true;
        self.set = target;
        feed_subscriptions(channel, reset, &add, &remove, MAX_MESSAGE_BYTES)
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn quote(symbol: &str) -> Subscription {
        Subscription::new(EventType::Quote, symbol)
    }

    fn candle(symbol: &str) -> Subscription {
        Subscription {
            event_type: EventType::Candle,
            symbol: symbol.into(),
            from_time: Some(1_700_000_000_000),
        }
    }

    /// Every (action, type, symbol) the messages carry, with the reset flags.
    fn entries(messages: &[String]) -> (Vec<bool>, Vec<(String, String)>) {
        let mut resets = Vec::new();
        let mut seen = Vec::new();
        for message in messages {
            let value: Value = serde_json::from_str(message).unwrap();
            resets.push(value["reset"].as_bool().unwrap_or(false));
            for action in ["remove", "add"] {
                for entry in value[action].as_array().into_iter().flatten() {
                    seen.push((
                        action.to_owned(),
                        format!(
                            "{}:{}",
                            entry["type"].as_str().unwrap(),
                            entry["symbol"].as_str().unwrap()
                        ),
                    ));
                }
            }
        }
        (resets, seen)
    }

    #[test]
    fn reference_counts() {
        let mut wanted = Wanted::default();
        assert!(wanted.acquire(quote("SPY")));
        assert!(!wanted.acquire(quote("SPY")));
        assert!(!wanted.release(&quote("SPY")));
        assert!(!wanted.is_empty());
        assert!(wanted.release(&quote("SPY")));
        assert!(wanted.is_empty());
        assert!(
            !wanted.release(&quote("SPY")),
            "releasing what is not held does nothing"
        );
    }

    #[test]
    fn diffs_add_and_remove_only_changes_and_split_candles_off() {
        let mut wanted = Wanted::default();
        wanted.acquire(quote("SPY"));
        wanted.acquire(quote("AAPL"));
        wanted.acquire(candle("SPY{=5m}"));
        let mut feed = Subscribed::default();
        let mut history = Subscribed::default();
        let (resets, seen) = entries(&feed.sync(1, false, &wanted));
        assert_eq!(resets, vec![true]);
        assert_eq!(
            seen,
            vec![
                ("add".into(), "Quote:AAPL".into()),
                ("add".into(), "Quote:SPY".into())
            ]
        );
        let messages = history.sync(3, true, &wanted);
        assert!(
            messages[0].contains("\"fromTime\":1700000000000"),
            "{messages:?}"
        );
        // Nothing changed: nothing sent.
        assert!(feed.sync(1, false, &wanted).is_empty());
        // A second holder of SPY and the release of AAPL: only AAPL goes.
        wanted.acquire(quote("SPY"));
        wanted.release(&quote("AAPL"));
        wanted.acquire(quote("QQQ"));
        let (resets, seen) = entries(&feed.sync(1, false, &wanted));
        assert_eq!(resets, vec![false]);
        assert_eq!(
            seen,
            vec![
                ("remove".into(), "Quote:AAPL".into()),
                ("add".into(), "Quote:QQQ".into())
            ]
        );
        // Released and wanted again before a sync: nothing to send.
        wanted.release(&quote("QQQ"));
        wanted.acquire(quote("QQQ"));
        assert!(feed.sync(1, false, &wanted).is_empty());
    }

    #[test]
    fn a_new_connection_resets_and_sends_the_whole_set_once() {
        let mut wanted = Wanted::default();
        for symbol in ["SPY", "AAPL", "QQQ"] {
            wanted.acquire(quote(symbol));
        }
        let mut first = Subscribed::default();
        first.sync(1, false, &wanted);
        // The socket drops; a new connection starts from a fresh channel.
        let mut second = Subscribed::default();
        let (resets, seen) = entries(&second.sync(1, false, &wanted));
        assert_eq!(resets, vec![true]);
        let mut symbols: Vec<String> = seen.into_iter().map(|(_, s)| s).collect();
        let count = symbols.len();
        symbols.dedup();
        assert_eq!(
            (count, symbols.len()),
            (3, 3),
            "each subscription exactly once"
        );
        assert!(second.sync(1, false, &wanted).is_empty());
    }

    #[test]
    fn nothing_is_sent_before_something_is_wanted_and_then_it_resets() {
        let mut wanted = Wanted::default();
        let mut feed = Subscribed::default();
        assert!(feed.sync(1, false, &wanted).is_empty());
        assert!(feed.is_empty());
        wanted.acquire(quote("SPY"));
        let (resets, _) = entries(&feed.sync(1, false, &wanted));
        assert_eq!(resets, vec![true]);
        assert!(!feed.is_empty());
    }

    #[test]
    fn large_sets_are_chunked_with_one_reset() {
        let mut wanted = Wanted::default();
        for i in 0..3000 {
            wanted.acquire(quote(&format!(".SPY261218C{i}")));
        }
        let mut feed = Subscribed::default();
        let messages = feed.sync(1, false, &wanted);
        assert!(messages.len() > 10, "{}", messages.len());
        assert!(messages.iter().all(|m| m.len() <= MAX_MESSAGE_BYTES));
        let (resets, seen) = entries(&messages);
        assert_eq!(resets.iter().filter(|r| **r).count(), 1);
        assert!(resets[0]);
        assert_eq!(seen.len(), 3000);
    }
}
