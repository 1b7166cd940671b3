//! Session lifetime: an idle timeout that moves with each use and an absolute maximum.

/// When a session was created and last used (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub created_ms: i64,
    pub last_used_ms: i64,
}

/// Configured durations (seconds, as in `SESSION_IDLE_SECS` / `SESSION_MAX_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    pub idle_secs: i64,
    pub max_secs: i64,
}

impl SessionTimes {
    /// Absolute end (`expires-at`).
    pub fn expires_at(&self, l: Lifetimes) -> i64 {
        self.created_ms
            .saturating_add(l.max_secs.saturating_mul(1000))
    }

    /// End if unused from now on (`idle-expires-at`), never later than the absolute end.
    pub fn idle_expires_at(&self, l: Lifetimes) -> i64 {
        self.last_used_ms
            .saturating_add(l.idle_secs.saturating_mul(1000))
            .min(self.expires_at(l))
    }

    /// Whether the session is over at `now_ms`. A session "from the future" (clock trouble or
    /// corrupted storage) counts as over too.
    pub fn is_expired(&self, now_ms: i64, l: Lifetimes) -> bool {
        now_ms >= self.idle_expires_at(l) || self.created_ms > now_ms.saturating_add(60_000)
    }

    /// The same session, used at `now_ms`.
    pub fn touched(&self, now_ms: i64) -> Self {
        Self {
            created_ms: self.created_ms,
            last_used_ms: self.last_used_ms.max(now_ms),
        }
    }
}

/// How stale the stored `last_used` may get before a request writes it again: a minute, or a
/// tenth of the idle timeout if that is shorter (test configurations). Writing on every call
/// would hold each proxied response until storage confirms the write.
pub fn last_used_write_interval_ms(l: Lifetimes) -> i64 {
    60_000.min(l.idle_secs.saturating_mul(100))
}

/// Whether a request at `now_ms` must persist `last_used` (stored value `stored_ms`).
fn should_persist_last_used(stored_ms: i64, now_ms: i64, l: Lifetimes) -> bool {
    now_ms.saturating_sub(stored_ms) >= last_used_write_interval_ms(l)
}

/// A use at `now_ms` of a session whose stored times are `stored`: the times to go on with,
/// and the `last_used` to write to storage, if this use must write it (at most once per
/// [`last_used_write_interval_ms`]). The session object writes exactly what this returns.
pub fn record_use(stored: SessionTimes, now_ms: i64, l: Lifetimes) -> (SessionTimes, Option<i64>) {
    let used = stored.touched(now_ms);
    let write =
        should_persist_last_used(stored.last_used_ms, now_ms, l).then_some(used.last_used_ms);
    (used, write)
}

/// Seconds left until the absolute end, for the cookie's `Max-Age`.
pub fn cookie_max_age_secs(times: SessionTimes, l: Lifetimes, now_ms: i64) -> i64 {
    (times.expires_at(l).saturating_sub(now_ms) / 1000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_used_is_written_at_most_once_a_minute() {
        let day = Lifetimes {
            idle_secs: 43_200,
            max_secs: 604_800,
        };
        assert_eq!(last_used_write_interval_ms(day), 60_000);
        assert!(!should_persist_last_used(1_000_000, 1_000_000, day));
        assert!(!should_persist_last_used(1_000_000, 1_059_999, day));
        assert!(should_persist_last_used(1_000_000, 1_060_000, day));
        // Short idle timeouts (simulator tests) keep the idle clock accurate to a tenth.
        let short = Lifetimes {
            idle_secs: 5,
            max_secs: 60,
        };
        assert_eq!(last_used_write_interval_ms(short), 500);
        // A stored time from the future (clock skew) is not rewritten backwards.
        assert!(!should_persist_last_used(2_000_000, 1_000_000, day));
    }

    /// What the session object does on each request (worker/src/edge/session.rs `open`):
    /// record the use and write what [`record_use`] says to the stored times.
    fn replay(requests_ms: &[i64], l: Lifetimes) -> (SessionTimes, Vec<i64>) {
        let mut stored = SessionTimes {
            created_ms: 0,
            last_used_ms: 0,
        };
        let mut writes = Vec::new();
        for &now in requests_ms {
            let (used, write) = record_use(stored, now, l);
            assert_eq!(
                used.last_used_ms,
                now.max(stored.last_used_ms),
                "the use at {now}"
            );
            if let Some(last_used) = write {
                writes.push(last_used);
                stored.last_used_ms = last_used;
            }
            // The stored idle clock is never a write interval or more behind a use.
            assert!(now.saturating_sub(stored.last_used_ms) < last_used_write_interval_ms(l));
        }
        (stored, writes)
    }

    #[test]
    fn a_request_every_second_writes_last_used_once_a_minute() {
        let day = Lifetimes {
            idle_secs: 43_200,
            max_secs: 604_800,
        };
        // Three minutes of a request a second (after the sign-in at 0).
        let requests: Vec<i64> = (1..=180).map(|s| s * 1000).collect();
        let (stored, writes) = replay(&requests, day);
        assert_eq!(writes, vec![60_000, 120_000, 180_000]);
        assert_eq!(stored.last_used_ms, 180_000);
        // A burst inside the minute writes nothing; the first request past it writes its time.
        assert_eq!(replay(&[10, 20, 59_999], day).1, Vec::<i64>::new());
        assert_eq!(replay(&[59_999, 60_001, 60_002], day).1, vec![60_001]);
        // A short idle timeout writes every tenth of it (5 s idle: every 500 ms).
        let short = Lifetimes {
            idle_secs: 5,
            max_secs: 60,
        };
        let (_, writes) = replay(&[100, 499, 500, 900, 1_000, 1_001], short);
        assert_eq!(writes, vec![500, 1_000]);
        // A request with an earlier clock than the stored use neither writes nor moves it back.
        let (used, write) = record_use(
            SessionTimes {
                created_ms: 0,
                last_used_ms: 200_000,
            },
            100_000,
            day,
        );
        assert_eq!((used.last_used_ms, write), (200_000, None));
    }

    const L: Lifetimes = Lifetimes {
        idle_secs: 100,
        max_secs: 1000,
    };

    #[test]
    fn idle_timeout_moves_with_use() {
        let t = SessionTimes {
            created_ms: 0,
            last_used_ms: 0,
        };
        assert!(!t.is_expired(99_999, L));
        assert!(t.is_expired(100_000, L));
        let used = t.touched(90_000);
        assert_eq!(used.idle_expires_at(L), 190_000);
        assert!(!used.is_expired(150_000, L));
        // touching never moves last use backwards
        assert_eq!(used.touched(10).last_used_ms, 90_000);
    }

    #[test]
    fn absolute_lifetime_caps_everything() {
        let t = SessionTimes {
            created_ms: 0,
            last_used_ms: 950_000,
        };
        assert_eq!(t.expires_at(L), 1_000_000);
        assert_eq!(t.idle_expires_at(L), 1_000_000);
        assert!(!t.is_expired(999_999, L));
        assert!(t.is_expired(1_000_000, L));
    }

    #[test]
    fn future_sessions_are_expired() {
        let t = SessionTimes {
            created_ms: 10_000_000,
            last_used_ms: 10_000_000,
        };
        assert!(t.is_expired(0, L));
    }

    #[test]
    fn cookie_max_age() {
        let t = SessionTimes {
            created_ms: 0,
            last_used_ms: 0,
        };
        assert_eq!(cookie_max_age_secs(t, L, 0), 1000);
        assert_eq!(cookie_max_age_secs(t, L, 500_500), 499);
        assert_eq!(cookie_max_age_secs(t, L, 2_000_000), 0);
    }
}
