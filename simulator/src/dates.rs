//! Calendar and clock arithmetic for the simulated history, without a date crate.
//!
//! A [`Date`] is a day number (days since 1970-01-01, UTC) and a timestamp is epoch
//! milliseconds (`i64`). Trading days are weekdays; exchange holidays are not modelled.
//! Market hours are New York time, with the US daylight-saving rule, so 09:30 ET is 13:30 UTC
//! in summer and 14:30 UTC in winter.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

pub const MS_PER_DAY: i64 = 86_400_000;

/// A calendar day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    (next - days_from_civil(y, m, 1)) as u32
}

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Self> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Self(days_from_civil(y, m, d)))
    }

    /// Today's UTC date from the system clock.
    pub fn today_utc() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Self::of_ts(ms)
    }

    /// The UTC date of an epoch-ms timestamp.
    pub fn of_ts(ms: i64) -> Self {
        Self(ms.div_euclid(MS_PER_DAY) as i32)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    pub fn add_days(self, n: i32) -> Self {
        Self(self.0 + n)
    }

    /// 0 = Sunday … 6 = Saturday.
    pub fn weekday(self) -> u32 {
        (self.0 + 4).rem_euclid(7) as u32
    }

    pub fn is_trading_day(self) -> bool {
        (1..=5).contains(&self.weekday())
    }

    /// This day if it is a trading day, else the trading day before it.
    pub fn on_or_before_trading(self) -> Self {
        let mut d = self;
        while !d.is_trading_day() {
            d = d.add_days(-1);
        }
        d
    }

    /// The `n`th trading day before this one (`n = 0`: this day, moved back to a trading day).
    pub fn trading_days_back(self, n: u32) -> Self {
        let mut d = self.on_or_before_trading();
        for _ in 0..n {
            d = d.add_days(-1).on_or_before_trading();
        }
        d
    }

    /// The `n`th trading day after this one.
    pub fn trading_days_forward(self, n: u32) -> Self {
        let mut d = self;
        for _ in 0..n {
            d = d.add_days(1);
            while !d.is_trading_day() {
                d = d.add_days(1);
            }
        }
        d
    }

    /// The same day `months` months earlier (clamped to the month's length).
    pub fn months_back(self, months: u32) -> Self {
        let (y, m, d) = self.ymd();
        let total = y * 12 + m as i32 - 1 - months as i32;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        Self(days_from_civil(y, m, d.min(days_in_month(y, m))))
    }

    /// The `nth` (1-based) given weekday of a month, e.g. the third Friday.
    pub fn nth_weekday(y: i32, m: u32, weekday: u32, nth: u32) -> Self {
        let first = Self(days_from_civil(y, m, 1));
        let offset = (weekday + 7 - first.weekday()) % 7;
        first.add_days((offset + 7 * (nth - 1)) as i32)
    }

    /// The last trading day of a month.
    pub fn last_trading_day_of_month(y: i32, m: u32) -> Self {
        Self(days_from_civil(y, m, days_in_month(y, m))).on_or_before_trading()
    }

    /// The first standard monthly option expiration (third Friday) at least `min_days` after
    /// this day.
    pub fn monthly_expiration_after(self, min_days: i32) -> Self {
        let earliest = self.add_days(min_days);
        let (mut y, mut m, _) = earliest.ymd();
        loop {
            let friday = Self::nth_weekday(y, m, 5, 3);
            if friday >= earliest {
                return friday;
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }

    /// US daylight saving time (second Sunday of March to first Sunday of November).
    fn is_us_dst(self) -> bool {
        let y = self.year();
        self >= Self::nth_weekday(y, 3, 0, 2) && self < Self::nth_weekday(y, 11, 0, 1)
    }

    /// Epoch ms of a New York wall-clock time on this day.
    pub fn at_et(self, hour: u32, minute: u32, second: u32, ms: u32) -> i64 {
        let offset_hours = if self.is_us_dst() { 4 } else { 5 };
        self.0 as i64 * MS_PER_DAY
            + ((hour + offset_hours) as i64 * 3600 + minute as i64 * 60 + second as i64) * 1000
            + ms as i64
    }

    /// Epoch ms of midnight UTC.
    pub fn start_ms(self) -> i64 {
        self.0 as i64 * MS_PER_DAY
    }

    /// `MM/DD/YY`, as transaction descriptions write expirations.
    pub fn mdy(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{m:02}/{d:02}/{:02}", y.rem_euclid(100))
    }

    /// `YYMMDD`, as OCC symbols write expirations.
    pub fn yymmdd(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{:02}{m:02}{d:02}", y.rem_euclid(100))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Date {
    type Err = String;

    /// Exactly `YYYY-MM-DD` (docs/tastytrade.md §5).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a date (YYYY-MM-DD)");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Self::from_ymd(y as i32, m, d).ok_or_else(bad)
    }
}

fn split_ms(ms: i64) -> (Date, u32, u32, u32, u32) {
    let date = Date::of_ts(ms);
    let rest = ms - date.start_ms();
    let (h, rest) = (rest / 3_600_000, rest % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    (
        date,
        h as u32,
        m as u32,
        (rest / 1000) as u32,
        (rest % 1000) as u32,
    )
}

/// `2026-06-12T19:33:24.172+00:00`, the form orders, positions and balances use.
pub fn iso(ms: i64) -> String {
    let (d, h, m, s, milli) = split_ms(ms);
    format!("{d}T{h:02}:{m:02}:{s:02}.{milli:03}+00:00")
}

/// `2026-06-05T13:30:02.910Z`, the form transactions use (docs/tastytrade.md §5).
pub fn iso_z(ms: i64) -> String {
    let (d, h, m, s, milli) = split_ms(ms);
    format!("{d}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// `2023-06-08 13:30:00+00`, net-liq history's own form (docs/tastytrade.md §5).
pub fn net_liq_time(ms: i64) -> String {
    let (d, h, m, s, _) = split_ms(ms);
    format!("{d} {h:02}:{m:02}:{s:02}+00")
}

/// Parses a datetime query parameter leniently: `2026-09-01T10:00:00Z`, fractional seconds,
/// `+00:00`/`+0000`/`+00` offsets (a `+` decoded to a space is taken as `+`), no offset
/// (UTC), a space instead of `T` (Python's `str(datetime)`), a Java zone suffix
/// (`…+01:00[Europe/Paris]`, the swagger example), or a bare date (midnight UTC).
pub fn parse_datetime(raw: &str) -> Option<i64> {
    let s = raw.trim_end();
    let s = match s.find('[') {
        Some(i) if s.ends_with(']') => &s[..i],
        _ => s,
    };
    if s.len() == 10 {
        return s.parse::<Date>().ok().map(Date::start_ms);
    }
    if s.len() < 19 {
        return None;
    }
    let date: Date = s.get(..10)?.parse().ok()?;
    if !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let time = s.get(11..19)?;
    let tb = time.as_bytes();
    if tb[2] != b':' || tb[5] != b':' {
        return None;
    }
    let field = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = time.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (h, m, sec) = (field(0..2)?, field(3..5)?, field(6..8)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        millis = padded.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' | b' ' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let (oh, om) = match digits.len() {
                2 => (digits.parse::<i64>().ok()?, 0),
                4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
                _ => return None,
            };
            sign * (oh * 60 + om)
        }
    };
    Some(date.start_ms() + (h * 3600 + m * 60 + sec) * 1000 + millis - offset_minutes * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekdays() {
        for (s, wd) in [("1970-01-01", 4), ("2026-09-18", 5), ("2024-02-29", 4)] {
            let d: Date = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
            assert_eq!(d.weekday(), wd, "{s}");
        }
        assert!("2026-02-29".parse::<Date>().is_err());
        assert!("2026-9-18".parse::<Date>().is_err());
        let d: Date = "2026-03-31".parse().unwrap();
        assert_eq!(d.months_back(1).to_string(), "2026-02-28");
        assert_eq!(d.months_back(15).to_string(), "2024-12-31");
    }

    #[test]
    fn market_hours_follow_us_dst() {
        let summer: Date = "2026-09-18".parse().unwrap();
        let winter: Date = "2026-12-02".parse().unwrap();
        assert_eq!(
            iso(summer.at_et(9, 30, 0, 0)),
            "2026-09-18T13:30:00.000+00:00"
        );
        assert_eq!(
            iso(winter.at_et(9, 30, 0, 0)),
            "2026-12-02T14:30:00.000+00:00"
        );
        assert_eq!(
            net_liq_time(winter.at_et(16, 0, 0, 0)),
            "2026-12-02 21:00:00+00"
        );
        assert_eq!(
            Date::nth_weekday(2026, 12, 5, 3).to_string(),
            "2026-12-18",
            "third Friday"
        );
    }

    #[test]
    fn datetimes_parse_in_every_form_clients_send() {
        let want = "2026-09-01".parse::<Date>().unwrap().start_ms() + 36_000_000;
        for s in [
            "2026-09-01T10:00:00Z",
            "2026-09-01T10:00:00.000Z",
            "2026-09-01T10:00:00",
            "2026-09-01 10:00:00+00:00",
            "2026-09-01T12:00:00+02:00",
            "2026-09-01T12:00:00 02:00",
            "2026-09-01T12:00:00+0200",
            "2026-09-01T11:00:00+01:00[Europe/Paris]",
            "2026-09-01T05:00:00-05",
        ] {
            assert_eq!(parse_datetime(s), Some(want), "{s}");
        }
        for bad in [
            "yesterday",
            "2026-09-01T25:00:00Z",
            "2026-09-01X10:00:00",
            "2026-09-01T10:00:00+2",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
