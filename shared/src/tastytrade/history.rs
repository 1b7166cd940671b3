//! Account history: `GET /accounts/{n}/net-liq/history` (OHLC points) and
//! `GET /accounts/{n}/balance-snapshots` (docs/tastytrade.md §6.6 Balance snapshots and net-liq
//! history).
//!
//! Net-liq points carry their time as `"2023-06-08 13:30:00+00"` (space separator, hour-only
//! offset), not ISO-8601. [`UtcTime`] parses that and the ISO forms into a sortable UTC instant
//! with plain string and integer arithmetic: `std::time` is not available in the browser, and a
//! date crate would add weight for one comparison.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::balances::Balances;
use super::de::{self, wire_enum};

/// One point of the net-liq series. Decimals as elsewhere; the chart needs the candle and
/// `total-close`, so `pending-cash-*` and `total-open/high/low` stay in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NetLiqPoint {
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub open: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub high: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub low: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub close: Option<Decimal>,
    /// Net liq plus pending cash at the close of the interval.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_close: Option<Decimal>,
    /// As sent (`"2023-06-08 13:30:00+00"`); see [`NetLiqPoint::parsed_time`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl NetLiqPoint {
    /// `time` as a UTC instant; `None` when absent or not a date-time we understand (the point
    /// is then best left off a chart rather than placed at a guessed time).
    pub fn parsed_time(&self) -> Option<UtcTime> {
        UtcTime::parse(self.time.as_deref()?)
    }
}

/// An instant in UTC: seconds since 1970-01-01T00:00:00Z plus nanoseconds. Orders
/// chronologically (`Ord`), so a series sorts with `sort_by_key(|p| p.parsed_time())`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime {
    pub unix_seconds: i64,
    /// `0..1_000_000_000`.
    pub nanos: u32,
}

impl UtcTime {
    /// Parses `YYYY-MM-DD[(' '|'T')HH:MM[:SS[.fraction]]][offset]`, where the offset is `Z`,
    /// `±HH`, `±HHMM` or `±HH:MM`, optionally followed by a `[Zone/Id]` suffix (swagger's
    /// `2011-12-03T10:15:30+01:00[Europe/Paris]`), which is ignored: the numeric offset wins.
    /// Without an offset (or without a time) the value is read as UTC. Surrounding whitespace
    /// is ignored. Calendar and clock fields are range-checked (Feb 29 only in leap years, no
    /// hour 24, no leap second); anything else is `None`.
    pub fn parse(text: &str) -> Option<UtcTime> {
        let mut s = Cursor(text.trim().as_bytes());
        let year = s.digits(4)?;
        s.expect(b'-')?;
        let month = s.digits(2)?;
        s.expect(b'-')?;
        let day = s.digits(2)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let (mut hour, mut minute, mut second, mut nanos, mut offset) = (0, 0, 0, 0, 0);
        if matches!(s.peek(), Some(b' ' | b'T' | b't')) {
            s.bump();
            hour = s.digits(2)?;
            s.expect(b':')?;
            minute = s.digits(2)?;
            if s.peek() == Some(b':') {
                s.bump();
                second = s.digits(2)?;
                if matches!(s.peek(), Some(b'.' | b',')) {
                    s.bump();
                    nanos = s.fraction_nanos()?;
                }
            }
            if hour > 23 || minute > 59 || second > 59 {
                return None;
            }
            offset = s.offset_seconds()?;
        }
        s.zone_suffix()?;
        if !s.0.is_empty() {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let unix_seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
        Some(UtcTime {
            unix_seconds,
            nanos: u32::try_from(nanos).ok()?,
        })
    }

    /// Milliseconds since the Unix epoch (the unit of order `updated-at` and streamer
    /// `timestamp`). Cannot overflow: years are four digits.
    pub fn unix_millis(&self) -> i64 {
        self.unix_seconds * 1_000 + i64::from(self.nanos / 1_000_000)
    }
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn bump(&mut self) {
        self.0 = &self.0[1..];
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.bump())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let head = self.0.get(..n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(head.iter().fold(0, |acc, b| acc * 10 + i64::from(b - b'0')))
    }

    /// One or more digits after the decimal point; digits past nanoseconds are dropped.
    fn fraction_nanos(&mut self) -> Option<i64> {
        let len = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        let mut nanos = 0;
        for i in 0..9 {
            let digit = if i < len {
                i64::from(self.0[i] - b'0')
            } else {
                0
            };
            nanos = nanos * 10 + digit;
        }
        self.0 = &self.0[len..];
        Some(nanos)
    }

    /// `Z`, `±HH`, `±HHMM`, `±HH:MM`, or nothing (UTC). East of UTC is positive.
    fn offset_seconds(&mut self) -> Option<i64> {
        let sign = match self.peek() {
            None | Some(b'[') => return Some(0),
            Some(b'Z' | b'z') => {
                self.bump();
                return Some(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return None,
        };
        self.bump();
        let hours = self.digits(2)?;
        let minutes = match self.peek() {
            Some(b':') => {
                self.bump();
                self.digits(2)?
            }
            Some(b'0'..=b'9') => self.digits(2)?,
            _ => 0,
        };
        (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3_600 + minutes * 60))
    }

    /// An optional `[Region/City]` at the very end.
    fn zone_suffix(&mut self) -> Option<()> {
        if self.peek() != Some(b'[') {
            return Some(());
        }
        match self.0.iter().position(|&b| b == b']') {
            Some(end) if end > 1 && end + 1 == self.0.len() => {
                self.0 = &[];
                Some(())
            }
            _ => None,
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic-Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

wire_enum! {
    /// Balance-snapshot `time-of-day`: beginning of day, end of day, or intraday.
    pub enum TimeOfDay {
        Bod => "BOD",
        Eod => "EOD",
        Intraday => "Intraday",
    }
}

/// One item of `/balance-snapshots`: the balances object of docs/tastytrade.md §6.2 plus
/// `time-of-day` (docs/tastytrade.md §6.6 Balance snapshots and net-liq history). Reuses
/// [`Balances`] so a snapshot shows with the same code as the live figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BalanceSnapshot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_of_day: Option<TimeOfDay>,
    /// `snapshot-date` is in here, with every other balances key.
    #[serde(flatten)]
    pub balances: Balances,
}
