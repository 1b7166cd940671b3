//! Symbology (docs/tastytrade.md §7): split REST symbols into parts a UI can show.
//!
//! - Equity option (OCC): root padded to 6 + `YYMMDD` + `C`/`P` + strike × 1000 in 8 digits,
//!   e.g. `SPY   260804C00500000`.
//! - Future: `/` + product + month code + 1–2 year digits, e.g. `/ESZ6`, `/VXX22`.
//! - Future option: `./` + future + ` ` + option contract code + ` ` + `YYMMDD` + `C`/`P` +
//!   strike (unpadded), e.g. `./ESZ6 EW3U6 260918C9100`.
//!
//! Anything else is returned as [`SymbolParts::Other`]: parsing never fails.

use rust_decimal::Decimal;

use super::de::parse_decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionRight {
    Call,
    Put,
}

impl OptionRight {
    fn from_char(c: char) -> Option<Self> {
        match c {
            'C' => Some(OptionRight::Call),
            'P' => Some(OptionRight::Put),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OptionRight::Call => "Call",
            OptionRight::Put => "Put",
        }
    }
}

/// A calendar date from a `YYMMDD` symbol field (years 2000–2099).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SymbolDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl SymbolDate {
    fn parse_yymmdd(s: &str) -> Option<Self> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = 2000 + s[0..2].parse::<u16>().ok()?;
        let month = s[2..4].parse::<u8>().ok()?;
        let day = s[4..6].parse::<u8>().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(SymbolDate {
            year,
            month,
            day,
        })
    }

    /// `Aug 4, 2026`.
    pub fn display(&self) -> String {
        format!(
            "{} {}, {}",
            MONTHS[usize::from(self.month - 1)],
            self.day,
            self.year
        )
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Futures month codes F…Z → 1…12.
pub fn future_month(code: char) -> Option<u8> {
    "FGHJKMNQUVXZ"
        .find(code)
        .and_then(|i| u8::try_from(i + 1).ok())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SymbolParts {
    EquityOption {
        root: String,
        expiration: SymbolDate,
        right: OptionRight,
        strike: Decimal,
    },
    Future {
        /// `ES`, `CL`, `6A`, `VX`.
        product: String,
        month: u8,
        /// As written: one or two digits (`6`, `22`).
        year_digits: String,
    },
    FutureOption {
        /// The underlying future, e.g. `/ESZ6`.
        future: String,
        /// The option contract code, e.g. `EW3U6`.
        contract: String,
        expiration: SymbolDate,
        right: OptionRight,
        strike: Decimal,
    },
    /// Equities, indices, crypto, or anything unrecognised.
    Other(String),
}

impl SymbolParts {
    pub fn parse(symbol: &str) -> Self {
        let s = symbol.trim();
        parse_future_option(s)
            .or_else(|| parse_future(s))
            .or_else(|| parse_occ(s))
            .unwrap_or_else(|| SymbolParts::Other(s.to_owned()))
    }

    /// A short headline: `SPY 500 Call`, `/ESZ6`, `/ESZ6 9100 Call`, `AAPL`.
    pub fn title(&self) -> String {
        match self {
            SymbolParts::EquityOption {
                root,
                right,
                strike,
                ..
            } => format!("{root} {} {}", strike.normalize(), right.label()),
            SymbolParts::Future {
                product,
                month,
                year_digits,
            } => {
                let m = "FGHJKMNQUVXZ"
                    .chars()
                    .nth(usize::from(*month - 1))
                    .unwrap_or('?');
                format!("/{product}{m}{year_digits}")
            }
            SymbolParts::FutureOption {
                future,
                right,
                strike,
                ..
            } => format!("{future} {} {}", strike.normalize(), right.label()),
            SymbolParts::Other(s) => s.clone(),
        }
    }

    /// A secondary line: the expiration (`exp. Aug 4, 2026`), the future's month, or nothing.
    pub fn subtitle(&self) -> Option<String> {
        match self {
            SymbolParts::EquityOption { expiration, .. } => {
                Some(format!("exp. {}", expiration.display()))
            }
            SymbolParts::FutureOption {
                contract,
                expiration,
                ..
            } => Some(format!("{contract} · exp. {}", expiration.display())),
            SymbolParts::Future {
                product,
                month,
                year_digits,
            } => Some(format!(
                "{product} {} '{}",
                MONTHS[usize::from(*month - 1)],
                year_digits
            )),
            SymbolParts::Other(_) => None,
        }
    }

    /// The DXLink streamer symbol where it can be derived (docs/tastytrade.md §6.9): equities
    /// as they are, equity options `.SPY260804C500` (root, `YYMMDD`, `C`/`P`, strike without
    /// trailing zeros, as the SDKs derive it). Futures and future options carry an exchange
    /// (`/ESZ26:XCME`): `None`, their instrument lookup says.
    pub fn streamer_symbol(&self) -> Option<String> {
        match self {
            SymbolParts::EquityOption {
                root,
                expiration: e,
                right,
                strike,
            } => Some(format!(
                ".{root}{:02}{:02}{:02}{}{}",
                e.year % 100,
                e.month,
                e.day,
                &right.label()[..1],
                strike.normalize()
            )),
            SymbolParts::Other(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    /// One compact line with the expiration, as order tickets write legs: `SPY 12/18/26 700C`,
    /// `/ESZ6 9/18/26 9100C`; other symbols as [`SymbolParts::title`].
    pub fn compact(&self) -> String {
        let option = |head: &str, e: &SymbolDate, right: &OptionRight, strike: &Decimal| {
            let r = &right.label()[..1];
            let yy = e.year % 100;
            format!(
                "{head} {}/{}/{yy:02} {}{r}",
                e.month,
                e.day,
                strike.normalize()
            )
        };
        match self {
            SymbolParts::EquityOption {
                root,
                expiration,
                right,
                strike,
            } => option(root, expiration, right, strike),
            SymbolParts::FutureOption {
                future,
                expiration,
                right,
                strike,
                ..
            } => option(future, expiration, right, strike),
            _ => self.title(),
        }
    }
}

/// `SPY   260804C00500000` (the root may also be shorter than 6 and unpadded in sloppy inputs;
/// the last 15 characters carry the fixed-width part).
fn parse_occ(s: &str) -> Option<SymbolParts> {
    if !s.is_ascii() || s.len() < 16 {
        return None;
    }
    let (root, tail) = s.split_at(s.len() - 15);
    let root = root.trim();
    if root.is_empty() || root.len() > 6 || root.contains(' ') {
        return None;
    }
    let expiration = SymbolDate::parse_yymmdd(&tail[0..6])?;
    let right = OptionRight::from_char(tail[6..7].chars().next()?)?;
    let digits = &tail[7..15];
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Strike × 1000 in 8 digits: the same digits with scale 3 (no division needed).
    let strike = Decimal::new(i64::from(digits.parse::<u32>().ok()?), 3);
    Some(SymbolParts::EquityOption {
        root: root.to_owned(),
        expiration,
        right,
        strike: strike.normalize(),
    })
}

/// `/ESZ6`, `/CLQ7`, `/6AM3`, `/VXX22`.
fn parse_future(s: &str) -> Option<SymbolParts> {
    let body = s.strip_prefix('/')?;
    if !body.is_ascii() || body.contains(' ') || body.contains(':') {
        return None;
    }
    let year_len = body.bytes().rev().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&year_len) || body.len() < year_len + 2 {
        return None;
    }
    let (head, year_digits) = body.split_at(body.len() - year_len);
    let (product, month_code) = head.split_at(head.len() - 1);
    let month = future_month(month_code.chars().next()?)?;
    if product.is_empty() || !product.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(SymbolParts::Future {
        product: product.to_owned(),
        month,
        year_digits: year_digits.to_owned(),
    })
}

/// `./ESZ6 EW3U6 260918C9100`.
fn parse_future_option(s: &str) -> Option<SymbolParts> {
    let body = s.strip_prefix("./")?;
    let mut parts = body.split_whitespace();
    let future = parts.next()?;
    let contract = parts.next()?;
    let tail = parts.next()?;
    if parts.next().is_some() || !tail.is_ascii() || tail.len() < 8 {
        return None;
    }
    let expiration = SymbolDate::parse_yymmdd(&tail[0..6])?;
    let right = OptionRight::from_char(tail[6..7].chars().next()?)?;
    let strike = parse_decimal(&tail[7..])?;
    Some(SymbolParts::FutureOption {
        future: format!("/{future}"),
        contract: contract.to_owned(),
        expiration,
        right,
        strike: strike.normalize(),
    })
}

#[cfg(test)]
mod tests {
    use super::SymbolParts;

    #[test]
    fn streamer_symbols_as_the_sdks_derive_them() {
        let cases = [
            ("SPY   260804C00500000", Some(".SPY260804C500")),
            ("AAPL  230818C00197500", Some(".AAPL230818C197.5")),
            ("SPXW  260918P05000000", Some(".SPXW260918P5000")),
            ("AAPL", Some("AAPL")),
            ("BRK/B", Some("BRK/B")),
            ("/ESZ6", None),
            ("./ESZ6 EW3U6 260918C9100", None),
        ];
        for (symbol, streamer) in cases {
            assert_eq!(
                SymbolParts::parse(symbol).streamer_symbol().as_deref(),
                streamer,
                "{symbol}"
            );
        }
    }
}
