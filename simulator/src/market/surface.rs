//! The implied-volatility surface every option is priced on: an at-the-money level per
//! underlying, a term structure and a skew by moneyness (lower strikes richer, as equity
//! markets price them).

/// One month in years: the surface's reference expiry.
const MONTH: f64 = 1.0 / 12.0;

/// Implied volatility (a fraction) for `strike` against `underlying` at `years` to expiry,
/// given the underlying's one-month at-the-money volatility `atm`.
pub fn implied_vol(atm: f64, underlying: f64, strike: f64, years: f64) -> f64 {
    let t = years.max(1.0 / 365.0);
    // Term structure: gently rising with the square root of time, 1.0 at one month.
    let level = atm * (1.0 + 0.12 * (t.sqrt() - MONTH.sqrt()));
    // Moneyness in standard units of time, so the skew flattens for longer expiries.
    let x = ((strike / underlying).ln() / t.sqrt()).clamp(-2.0, 2.0);
    let skew = 1.0 - 0.25 * x + 0.35 * x * x;
    (level * skew).clamp(0.03, 3.0)
}

/// The IV index tastytrade's market metrics report: the 30-day at-the-money volatility.
pub fn iv_index(atm: f64) -> f64 {
    implied_vol(atm, 1.0, 1.0, 30.0 / 365.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_and_term_structure() {
        let atm = 0.2;
        let at = |k: f64, t: f64| implied_vol(atm, 100.0, k, t);
        assert!(
            (at(100.0, MONTH) - atm).abs() < 1e-12,
            "ATM one month is the level"
        );
        assert!(at(90.0, MONTH) > at(100.0, MONTH), "puts richer");
        assert!(
            at(110.0, MONTH) < at(100.0, MONTH),
            "calls cheaper near the money"
        );
        assert!(at(100.0, 1.0) > at(100.0, MONTH), "term structure rises");
        assert!((at(90.0, 1.0) - at(100.0, 1.0)) < (at(90.0, MONTH) - at(100.0, MONTH)));
    }
}
