//! Per-session rate shaping of upstream API calls. tastytrade publishes no limits and throttles
//! with 429 (docs/tastytrade.md §4.4); a well-behaved client stays under 10 calls a second, so
//! the session's Durable Object gives every upstream call a start time ("slot") such that no
//! window of [`WINDOW_MS`] holds more than the configured number of starts. A burst is queued
//! (each call waits for its slot) rather than refused; only a call that would wait longer than
//! [`MAX_QUEUE_WAIT_MS`] is refused with a `Retry-After`. Pure logic, so the schedule is tested
//! natively; the object sleeps until the slot with `worker::Delay`.

use std::collections::VecDeque;

/// The window the rate is counted in.
pub const WINDOW_MS: i64 = 1_000;
/// Added to the window when the session spaces its calls. tastytrade counts calls when they
/// arrive, on its clock, and the first calls of a burst can travel slower than later ones (ten
/// connections opening at once), so calls spaced exactly one second apart here can land less
/// than a second apart there: against the simulator's per-second limit, exact spacing let 2 of
/// 40 burst calls be throttled; with 100 ms of slack none were in 5 runs. It costs a tenth of
/// the peak rate (the first screen needs 5 calls).
pub const ARRIVAL_SLACK_MS: i64 = 100;
/// Longest a call is queued. Past this the browser gets a 429 it can act on: a queue that
/// deep means something is calling in a loop, and a request that hangs longer than a few
/// seconds looks broken to a person anyway.
pub const MAX_QUEUE_WAIT_MS: i64 = 5_000;

/// Start times granted to upstream calls of one session.
#[derive(Debug, Clone)]
pub struct SlotScheduler {
    per_window: usize,
    window_ms: i64,
    max_wait_ms: i64,
    /// Granted start times, ascending; those older than one window are dropped.
    granted: VecDeque<i64>,
}

/// The answer for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Start at this time (epoch ms; `<= now` means at once). The slot is taken.
    At(i64),
    /// The queue is too long: refuse, retry after this many seconds (at least 1). No slot taken.
    Refused { retry_after_secs: u32 },
}

impl SlotScheduler {
    /// `per_window` calls per `window_ms`, waiting at most `max_wait_ms`.
    pub fn new(per_window: u32, window_ms: i64, max_wait_ms: i64) -> Self {
        Self {
            per_window: per_window.max(1) as usize,
            window_ms: window_ms.max(1),
            max_wait_ms: max_wait_ms.max(0),
            granted: VecDeque::new(),
        }
    }

    /// The schedule the session object uses: at most `per_sec` calls a second, wherever they
    /// are counted ([`ARRIVAL_SLACK_MS`]).
    pub fn per_second(per_sec: u32) -> Self {
        Self::new(per_sec, WINDOW_MS + ARRIVAL_SLACK_MS, MAX_QUEUE_WAIT_MS)
    }

    /// A slot for a call wanting to start at `now`: the earliest time at or after `now` (and at
    /// or after every slot already granted, so calls keep their order) at which the window
    /// ending there holds fewer than `per_window` starts.
    pub fn reserve(&mut self, now: i64) -> Slot {
        // A start more than a window ago cannot constrain a start at `now` or later.
        while self
            .granted
            .front()
            .is_some_and(|&t| t.saturating_add(self.window_ms) <= now)
        {
            self.granted.pop_front();
        }
        let mut at = now.max(self.granted.back().copied().unwrap_or(now));
        if self.granted.len() >= self.per_window {
            // Granted starts are ascending, and the invariant is "any `per_window` + 1
            // consecutive starts span at least a window", so only the `per_window`-th latest
            // one matters.
            let nth_latest = self.granted[self.granted.len() - self.per_window];
            at = at.max(nth_latest.saturating_add(self.window_ms));
        }
        let wait = at.saturating_sub(now);
        if wait > self.max_wait_ms {
            let secs = (wait + 999) / 1000;
            return Slot::Refused {
                retry_after_secs: u32::try_from(secs).unwrap_or(u32::MAX).max(1),
            };
        }
        self.granted.push_back(at);
        Slot::At(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: Slot) -> i64 {
        match s {
            Slot::At(t) => t,
            Slot::Refused { .. } => panic!("refused: {s:?}"),
        }
    }

    fn one_second(per_sec: u32) -> SlotScheduler {
        SlotScheduler::new(per_sec, WINDOW_MS, MAX_QUEUE_WAIT_MS)
    }

    #[test]
    fn a_burst_is_spread_over_seconds() {
        let mut s = one_second(10);
        let slots: Vec<i64> = (0..25).map(|_| at(s.reserve(0))).collect();
        let mut want = vec![0; 10];
        want.extend([1000; 10]);
        want.extend([2000; 5]);
        assert_eq!(slots, want);
    }

    #[test]
    fn the_session_schedule_keeps_slack_between_windows() {
        let mut s = SlotScheduler::per_second(10);
        let slots: Vec<i64> = (0..25).map(|_| at(s.reserve(0))).collect();
        assert_eq!(slots[9..12], [0, 1100, 1100]);
        assert_eq!(slots[24], 2200);
    }

    #[test]
    fn no_window_ever_holds_more_than_the_rate() {
        let mut s = one_second(7);
        // Calls arriving irregularly, sometimes in bursts.
        let mut slots = Vec::new();
        let mut now = 0;
        for i in 0..200i64 {
            now += [0, 0, 3, 40, 0, 250, 1, 0, 999, 7][(i % 10) as usize];
            if let Slot::At(t) = s.reserve(now) {
                assert!(t >= now);
                slots.push(t);
            }
        }
        assert!(slots.windows(2).all(|w| w[0] <= w[1]), "in order");
        for (i, &start) in slots.iter().enumerate() {
            let in_window = slots[i..]
                .iter()
                .take_while(|&&t| t < start + WINDOW_MS)
                .count();
            assert!(
                in_window <= 7,
                "{in_window} calls in the window from {start}"
            );
        }
    }

    #[test]
    fn calls_at_the_rate_never_wait() {
        let mut s = one_second(10);
        for i in 0..100 {
            let now = i * 100;
            assert_eq!(s.reserve(now), Slot::At(now));
        }
    }

    #[test]
    fn old_starts_are_forgotten() {
        let mut s = one_second(2);
        assert_eq!(s.reserve(0), Slot::At(0));
        assert_eq!(s.reserve(0), Slot::At(0));
        assert_eq!(s.reserve(0), Slot::At(1000));
        assert_eq!(s.reserve(5000), Slot::At(5000));
        assert_eq!(s.granted.len(), 1);
    }

    #[test]
    fn a_queue_longer_than_the_cap_is_refused_without_taking_a_slot() {
        let mut s = one_second(10);
        // 10 a second, 5 s cap: slots 0..=5000 hold 60 calls.
        for i in 0..60 {
            assert_eq!(s.reserve(0), Slot::At(i / 10 * 1000), "call {i}");
        }
        assert_eq!(
            s.reserve(0),
            Slot::Refused {
                retry_after_secs: 6
            }
        );
        // Refusals take nothing: once time has passed, the next call gets the next slot.
        assert_eq!(s.reserve(1500), Slot::At(6000));
    }

    #[test]
    fn a_clock_that_steps_back_keeps_the_order() {
        let mut s = one_second(10);
        assert_eq!(s.reserve(500), Slot::At(500));
        assert_eq!(s.reserve(400), Slot::At(500));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let mut s = SlotScheduler::new(1, 1000, 0);
        assert_eq!(s.reserve(0), Slot::At(0));
        assert_eq!(
            s.reserve(1),
            Slot::Refused {
                retry_after_secs: 1
            }
        );
        let mut s = SlotScheduler::new(1, 2500, 0);
        assert_eq!(s.reserve(0), Slot::At(0));
        assert_eq!(
            s.reserve(0),
            Slot::Refused {
                retry_after_secs: 3
            }
        );
    }
}
