//! Money as fixed-point integers (1/10,000), written the way tastytrade writes decimals:
//! strings, unsigned on the wire, with the sign in a sibling `-effect` (docs/tastytrade.md §5).

use std::fmt;
use std::ops::{Add, Neg, Sub};

const SCALE: i64 = 10_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dec(pub i64);

impl Dec {
    pub const ZERO: Dec = Dec(0);

    /// Whole units.
    pub const fn units(n: i64) -> Self {
        Self(n * SCALE)
    }

    /// `cents(1234)` = 12.34.
    pub const fn cents(n: i64) -> Self {
        Self(n * 100)
    }

    /// A literal like `"187.42"` (panics on bad input: only used on our own constants and
    /// on fixtures that were validated at startup).
    pub fn lit(s: &str) -> Self {
        Self::parse(s).unwrap_or_else(|| panic!("bad decimal literal {s:?}"))
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() || frac.len() > 4 {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let int: i64 = int.parse().ok()?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<4}").parse().ok()?
        };
        let v = int.checked_mul(SCALE)?.checked_add(frac)?;
        Some(Self(if neg { -v } else { v }))
    }

    pub fn times(self, n: i64) -> Self {
        Self(self.0 * n)
    }

    /// Rounded half away from zero to a multiple of `step` (e.g. `Dec::cents(1)`).
    pub fn round_to(self, step: Dec) -> Self {
        let s = step.0;
        let r = if self.0 >= 0 {
            (self.0 + s / 2) / s
        } else {
            (self.0 - s / 2) / s
        };
        Self(r * s)
    }

    /// `self × ratio`, for floating-point scaling in generated series; rounded to cents.
    pub fn scale(self, ratio: f64) -> Self {
        Self((self.0 as f64 * ratio).round() as i64).round_to(Dec::cents(1))
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    pub fn from_f64(v: f64) -> Self {
        Self((v * SCALE as f64).round() as i64)
    }

    pub fn abs(self) -> Self {
        Self(self.0.abs())
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The unsigned wire string.
    pub fn wire(self) -> String {
        self.abs().to_string()
    }

    /// The `-effect` that goes with this signed amount.
    pub fn effect(self) -> &'static str {
        match self.0 {
            0 => "None",
            v if v < 0 => "Debit",
            _ => "Credit",
        }
    }
}

impl fmt::Display for Dec {
    /// At least one fractional digit, no trailing zeros beyond it: `0.0`, `12.35`, `100.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        let (int, frac) = (v / SCALE as u64, v % SCALE as u64);
        let frac = format!("{frac:04}");
        let frac = frac.trim_end_matches('0');
        let frac = if frac.is_empty() { "0" } else { frac };
        write!(f, "{sign}{int}.{frac}")
    }
}

impl Add for Dec {
    type Output = Dec;
    fn add(self, o: Dec) -> Dec {
        Dec(self.0 + o.0)
    }
}

impl Sub for Dec {
    type Output = Dec;
    fn sub(self, o: Dec) -> Dec {
        Dec(self.0 - o.0)
    }
}

impl Neg for Dec {
    type Output = Dec;
    fn neg(self) -> Dec {
        Dec(-self.0)
    }
}

impl std::iter::Sum for Dec {
    fn sum<I: Iterator<Item = Dec>>(iter: I) -> Dec {
        iter.fold(Dec::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_like_the_wire() {
        for (s, out) in [
            ("0.0", "0.0"),
            ("12.35", "12.35"),
            ("100", "100.0"),
            ("0.102", "0.102"),
            ("-3.5", "-3.5"),
        ] {
            assert_eq!(Dec::lit(s).to_string(), out);
        }
        assert_eq!(Dec::parse("1.23456"), None);
        assert_eq!(Dec::parse("1e5"), None);
        assert_eq!(Dec::lit("12.35").times(100).to_string(), "1235.0");
        assert_eq!(
            Dec::lit("-2.005").round_to(Dec::cents(1)).to_string(),
            "-2.01"
        );
        assert_eq!(Dec::lit("-2.5").wire(), "2.5");
        assert_eq!(Dec::lit("-2.5").effect(), "Debit");
    }
}
