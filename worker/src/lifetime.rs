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

/// Seconds left until the absolute end, for the cookie's `Max-Age`.
pub fn cookie_max_age_secs(times: SessionTimes, l: Lifetimes, now_ms: i64) -> i64 {
    (times.expires_at(l).saturating_sub(now_ms) / 1000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
