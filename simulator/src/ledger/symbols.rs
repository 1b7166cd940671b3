//! Instrument symbols and the human descriptions transactions carry (docs/tastytrade.md §7).

use crate::dates::Date;
use crate::decimal::Dec;

/// OCC option symbol: root padded to 6, `YYMMDD`, `C`/`P`, strike × 1000 in 8 digits.
pub fn occ(root: &str, expiration: Date, call: bool, strike: Dec) -> String {
    let strike_milli = strike.0 / 10; // Dec is 1/10,000
    format!(
        "{root:<6}{}{}{strike_milli:08}",
        expiration.yymmdd(),
        if call { 'C' } else { 'P' }
    )
}

const QUARTER_CODES: [(u32, char); 4] = [(3, 'H'), (6, 'M'), (9, 'U'), (12, 'Z')];

/// The front quarterly contract of an equity-index future (`/MES` → `/MESZ6`) trading on
/// `day`: the first quarter month whose third-Friday expiration is more than a week away.
pub fn front_quarterly(root: &str, day: Date) -> (String, Date) {
    let (mut y, _, _) = day.ymd();
    loop {
        for (m, code) in QUARTER_CODES {
            let expiry = Date::nth_weekday(y, m, 5, 3);
            if expiry > day.add_days(7) {
                return (format!("{root}{code}{}", y.rem_euclid(10)), expiry);
            }
        }
        y += 1;
    }
}

fn yymmdd(s: &str) -> Option<Date> {
    if s.len() != 6 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    Date::from_ymd(2000 + n(0..2)? as i32, n(2..4)?, n(4..6)?)
}

fn money(s: &str) -> String {
    let d = Dec::parse(s).unwrap_or(Dec::ZERO);
    format!("{:.2}", d.to_f64())
}

/// `SPY 12/18/26 Call 700.00`, `/ESZ6 EW4Z6 12/24/26 Call 7000.00`, or the symbol itself.
pub fn describe(symbol: &str, instrument_type: &str) -> String {
    let strike = |s: &str| -> Option<String> {
        if instrument_type == "Equity Option" {
            let milli: i64 = s.parse().ok()?;
            Some(format!("{:.2}", milli as f64 / 1000.0))
        } else {
            Some(money(s))
        }
    };
    let option = |root: &str, rest: &str| -> Option<String> {
        let date = yymmdd(rest.get(..6)?)?;
        let kind = match rest.get(6..7)? {
            "C" => "Call",
            "P" => "Put",
            _ => return None,
        };
        Some(format!(
            "{root} {} {kind} {}",
            date.mdy(),
            strike(rest.get(7..)?)?
        ))
    };
    let described = match instrument_type {
        "Equity Option" if symbol.len() == 21 => option(symbol[..6].trim_end(), &symbol[6..]),
        "Future Option" => {
            let parts: Vec<&str> = symbol.trim_start_matches('.').split_whitespace().collect();
            match parts.as_slice() {
                [future, code, rest] => option(&format!("{future} {code}"), rest),
                _ => None,
            }
        }
        _ => None,
    };
    described.unwrap_or_else(|| symbol.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_descriptions() {
        let exp: Date = "2026-12-18".parse().unwrap();
        let s = occ("SPY", exp, true, Dec::units(700));
        assert_eq!(s, "SPY   261218C00700000");
        assert_eq!(describe(&s, "Equity Option"), "SPY 12/18/26 Call 700.00");
        assert_eq!(
            occ("IWM", exp, false, Dec::lit("212.5")),
            "IWM   261218P00212500"
        );
        assert_eq!(
            describe("./ESZ6 EW4Z6 261224C7000", "Future Option"),
            "/ESZ6 EW4Z6 12/24/26 Call 7000.00"
        );
        assert_eq!(describe("/ESZ6", "Future"), "/ESZ6");
        let day: Date = "2026-12-14".parse().unwrap();
        assert_eq!(front_quarterly("/MES", day).0, "/MESH7");
        assert_eq!(
            front_quarterly("/MES", "2026-09-01".parse().unwrap()).0,
            "/MESU6"
        );
    }
}
