//! Sessions. The simulated market trades every day: a session opens at 09:30 New York time
//! and runs until the next one opens, so there are live prices whenever someone is looking.
//! `/market-time/sessions/current` still reports the regular hours (09:30–16:00 ET, extended
//! to 20:00) and whatever state the market-hours hook set.

use crate::dates::{Date, MS_PER_DAY};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub date: Date,
    pub open_ms: i64,
}

impl Session {
    pub fn on(date: Date) -> Self {
        Self {
            date,
            open_ms: date.at_et(9, 30, 0, 0),
        }
    }

    /// The session holding market time `ms`: the latest 09:30 ET at or before it.
    pub fn containing(ms: i64) -> Self {
        let day = Date::of_ts(ms);
        let today = Self::on(day);
        if today.open_ms <= ms {
            today
        } else {
            Self::on(day.add_days(-1))
        }
    }

    pub fn next(self) -> Self {
        Self::on(self.date.add_days(1))
    }

    pub fn previous(self) -> Self {
        Self::on(self.date.add_days(-1))
    }

    pub fn next_open_ms(self) -> i64 {
        self.next().open_ms
    }

    /// 16:00 ET.
    pub fn close_ms(self) -> i64 {
        self.date.at_et(16, 0, 0, 0)
    }

    /// 20:00 ET, the end of extended hours.
    pub fn close_ext_ms(self) -> i64 {
        self.date.at_et(20, 0, 0, 0)
    }

    /// 04:00 ET, the start of pre-market.
    pub fn start_ms(self) -> i64 {
        self.date.at_et(4, 0, 0, 0)
    }

    /// Days since the epoch, as DXLink's `dayId`.
    pub fn day_id(self) -> i64 {
        self.date.start_ms() / MS_PER_DAY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_open_at_half_past_nine_new_york() {
        let day: Date = "2026-12-02".parse().unwrap();
        // 14:30 UTC is 09:30 EST.
        let open = day.start_ms() + 14 * 3_600_000 + 30 * 60_000;
        assert_eq!(Session::containing(open).date, day);
        assert_eq!(Session::containing(open - 1).date, day.add_days(-1));
        assert_eq!(Session::containing(open).open_ms, open);
        assert_eq!(Session::on(day).next_open_ms(), open + MS_PER_DAY);
    }
}
