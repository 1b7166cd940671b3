//! Streamer symbols (docs/tastytrade.md §7): OCC option symbols and their DXLink form, and
//! candle symbols (`AAPL{=5m,tho=true}`).

use crate::dates::Date;

/// An equity option named by its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionName {
    pub root: String,
    pub expiration: Date,
    pub call: bool,
    pub strike: f64,
}

/// A strike as the streamer writes it: no padding, no trailing zeros (`700`, `197.5`).
pub fn strike_text(strike: f64) -> String {
    let s = format!("{strike:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

fn yymmdd(s: &str) -> Option<Date> {
    if s.len() != 6 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    Date::from_ymd(2000 + n(0..2)? as i32, n(2..4)?, n(4..6)?)
}

impl OptionName {
    /// `.SPY261218C700`
    pub fn streamer(&self) -> String {
        format!(
            ".{}{}{}{}",
            self.root,
            self.expiration.yymmdd(),
            if self.call { 'C' } else { 'P' },
            strike_text(self.strike)
        )
    }

    /// `SPY   261218C00700000`
    pub fn occ(&self) -> String {
        format!(
            "{:<6}{}{}{:08}",
            self.root,
            self.expiration.yymmdd(),
            if self.call { 'C' } else { 'P' },
            (self.strike * 1000.0).round() as i64
        )
    }

    /// Parses the OCC form (21 characters, root padded to 6).
    pub fn from_occ(occ: &str) -> Option<Self> {
        if occ.len() != 21 || !occ.is_ascii() {
            return None;
        }
        let root = occ[..6].trim_end();
        let milli: u64 = occ[13..].parse().ok()?;
        Some(Self {
            root: (!root.is_empty()).then(|| root.to_owned())?,
            expiration: yymmdd(&occ[6..12])?,
            call: match &occ[12..13] {
                "C" => true,
                "P" => false,
                _ => return None,
            },
            strike: milli as f64 / 1000.0,
        })
    }

    /// Parses the streamer form `.ROOTyymmddC123.5`.
    pub fn from_streamer(symbol: &str) -> Option<Self> {
        let body = symbol.strip_prefix('.')?;
        if body.starts_with('/') || !body.is_ascii() {
            return None;
        }
        // The root is letters; the date follows at the first digit.
        let date_at = body.find(|c: char| c.is_ascii_digit())?;
        let root = &body[..date_at];
        let rest = &body[date_at..];
        let kind = rest.get(6..7)?;
        let strike = rest.get(7..)?;
        if root.is_empty() || !strike.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
            return None;
        }
        let strike: f64 = strike.parse().ok()?;
        Some(Self {
            root: root.to_owned(),
            expiration: yymmdd(rest.get(..6)?)?,
            call: match kind {
                "C" => true,
                "P" => false,
                _ => return None,
            },
            strike: (strike > 0.0).then_some(strike)?,
        })
    }
}

/// A futures option's REST symbol (`./ESZ6 EW4Z6 261224C7000`) in its streamer form
/// (`./EW4Z26C7000:XCME`), given the future's streamer symbol (`/ESZ26:XCME`).
pub fn future_option_streamer(
    rest: &str,
    future_streamer: &str,
) -> Option<(String, Date, bool, f64)> {
    let parts: Vec<&str> = rest.strip_prefix("./")?.split_whitespace().collect();
    let [_, code, tail] = parts.as_slice() else {
        return None;
    };
    let expiration = yymmdd(tail.get(..6)?)?;
    let call = match tail.get(6..7)? {
        "C" => true,
        "P" => false,
        _ => return None,
    };
    let strike: f64 = tail.get(7..)?.parse().ok()?;
    let (_, exchange) = future_streamer.split_once(':')?;
    // The option code ends in a one-digit year; the streamer writes two digits: the year with
    // that last digit nearest to the expiration.
    let (product_month, year_digit) = code.split_at(code.len().checked_sub(1)?);
    let digit: i32 = year_digit.parse().ok()?;
    let exp_year = expiration.year();
    let year = (exp_year - 5..=exp_year + 4).find(|y| y.rem_euclid(10) == digit)?;
    let year = format!("{:02}", year.rem_euclid(100));
    let symbol = format!(
        "./{product_month}{year}{}{}:{exchange}",
        if call { 'C' } else { 'P' },
        strike_text(strike)
    );
    Some((symbol, expiration, call, strike))
}

/// A candle symbol's parts: `AAPL{=5m,tho=true}` → ("AAPL", 5 minutes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandleSymbol {
    pub base: String,
    pub period: CandlePeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandlePeriod {
    Minutes(u32),
    Days(u32),
    Weeks(u32),
}

impl CandlePeriod {
    /// Length in milliseconds (a week is 7 days).
    pub fn ms(self) -> i64 {
        match self {
            Self::Minutes(n) => n as i64 * 60_000,
            Self::Days(n) => n as i64 * 86_400_000,
            Self::Weeks(n) => n as i64 * 7 * 86_400_000,
        }
    }
}

/// Parses a candle symbol; `None` for forms the simulator doesn't serve (ticks, seconds,
/// months, volume or price bars…), which are then ignored like unknown symbols.
pub fn parse_candle(symbol: &str) -> Option<CandleSymbol> {
    let (base, attrs) = symbol.split_once('{')?;
    let attrs = attrs.strip_suffix('}')?;
    let period = attrs
        .split(',')
        .find_map(|a| a.strip_prefix('='))
        .or_else(|| attrs.split(',').next())?;
    let digits = period.bytes().take_while(u8::is_ascii_digit).count();
    let n: u32 = if digits == 0 {
        1
    } else {
        period[..digits].parse().ok()?
    };
    if n == 0 || n > 1000 {
        return None;
    }
    let period = match &period[digits..] {
        "m" => CandlePeriod::Minutes(n),
        "h" => CandlePeriod::Minutes(n.checked_mul(60)?),
        "d" => CandlePeriod::Days(n),
        "w" => CandlePeriod::Weeks(n),
        _ => return None,
    };
    (!base.is_empty()).then(|| CandleSymbol {
        base: base.to_owned(),
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_symbols_round_trip() {
        let o = OptionName::from_occ("SPY   261218C00700000").unwrap();
        assert_eq!(o.streamer(), ".SPY261218C700");
        assert_eq!(OptionName::from_streamer(".SPY261218C700"), Some(o.clone()));
        assert_eq!(o.occ(), "SPY   261218C00700000");
        let half = OptionName::from_streamer(".AAPL230818C197.5").unwrap();
        assert_eq!(half.occ(), "AAPL  230818C00197500");
        assert_eq!(half.streamer(), ".AAPL230818C197.5");
        assert_eq!(OptionName::from_streamer("SPY"), None);
        assert_eq!(OptionName::from_streamer(".SPY261218X700"), None);
        assert_eq!(OptionName::from_streamer("./EW4Z26C7000:XCME"), None);
    }

    #[test]
    fn future_option_streamer_form() {
        let (s, exp, call, strike) =
            future_option_streamer("./ESZ6 EW4Z6 261224C7000", "/ESZ26:XCME").unwrap();
        assert_eq!(s, "./EW4Z26C7000:XCME");
        assert_eq!(exp.to_string(), "2026-12-24");
        assert!(call);
        assert_eq!(strike, 7000.0);
    }

    #[test]
    fn candle_symbols() {
        let c = parse_candle("AAPL{=5m,tho=true}").unwrap();
        assert_eq!(c.base, "AAPL");
        assert_eq!(c.period, CandlePeriod::Minutes(5));
        assert_eq!(
            parse_candle("SPY{=1h}").unwrap().period,
            CandlePeriod::Minutes(60)
        );
        assert_eq!(
            parse_candle("SPY{=d}").unwrap().period,
            CandlePeriod::Days(1)
        );
        assert_eq!(
            parse_candle("/ESZ26:XCME{=15m}").unwrap().base,
            "/ESZ26:XCME"
        );
        assert_eq!(parse_candle("SPY{=5t}"), None);
        assert_eq!(parse_candle("SPY"), None);
    }
}
