//! Portfolio risk at a glance: beta-weighted delta against SPY, theta in dollars per day and net
//! vega, from each position's size and live Greeks (issue 7 §3).
//!
//! Per position `i` (quantity signed: shorts negative; `m` = multiplier, 100 for equity options):
//! - delta in underlying units: `Δi = delta_i × qty_i × m_i` (a share or a future has delta 1);
//! - beta-weighted delta, in SPY shares: `Δi × beta_i × underlying_price_i / spy_price`
//!   (one SPY share moves `spy_price × r` when SPY moves by the return `r`, the underlying moves
//!   `beta_i × r` of its price);
//! - theta: `theta_i × qty_i × m_i` dollars per day (`theta` is per day, in option price);
//! - vega: `vega_i × qty_i × m_i` dollars per volatility point.
//!
//! Worked example (the unit test [`tests::worked_example`] checks it), SPY at 500:
//! - long 100 AAPL at 200, beta 1.2: `1 × 100 × 1 × 1.2 × 200 / 500 = 48`;
//! - short 2 SPY puts, delta −0.30, theta −0.25, vega 0.80, SPY beta 1:
//!   delta `−0.30 × −2 × 100 × 1 × 500 / 500 = 60`, theta `−0.25 × −2 × 100 = 50`,
//!   vega `0.80 × −2 × 100 = −160`;
//! - total: beta-weighted delta **108**, theta **+$50/day**, vega **−$160** per vol point.
//!
//! A position without live Greeks (an option whose Greeks have not arrived) is left out of all
//! three and counted in [`RiskSummary::missing_greeks`]; one with Greeks but no beta or prices
//! (a future: `/market-metrics` has no beta for it) still counts in theta and vega, and is left
//! out of the beta-weighted delta only ([`RiskSummary::missing_beta`]). The screen says which
//! figure is partial rather than show a silently wrong total. All arithmetic is checked: an overflow makes the
//! whole summary unknown (`None`), never a panic.

use rust_decimal::Decimal;

use crate::checked::Checked;

/// What one position contributes, as the screen knows it right now.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskInput {
    /// Quantity with its direction: shorts negative.
    pub signed_quantity: Decimal,
    /// Contract multiplier (1 for shares).
    pub multiplier: Decimal,
    /// Per-unit delta: `Some(1)` for shares and futures, the Greeks' delta for options.
    pub delta: Option<Decimal>,
    /// Per-unit theta per day (`Some(0)` for shares).
    pub theta: Option<Decimal>,
    /// Per-unit vega per volatility point (`Some(0)` for shares).
    pub vega: Option<Decimal>,
    /// The underlying's price (the position's own price for shares).
    pub underlying_price: Option<Decimal>,
    /// The underlying's beta against SPY (`/market-metrics`).
    pub beta: Option<Decimal>,
}

/// The account's risk figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RiskSummary {
    /// In SPY shares.
    pub beta_weighted_delta: Decimal,
    /// Dollars per day.
    pub theta_per_day: Decimal,
    /// Dollars per volatility point.
    pub vega: Decimal,
    /// Positions left out of every figure: no live Greeks (yet).
    pub missing_greeks: usize,
    /// Positions left out of the beta-weighted delta only: no beta or no prices.
    pub missing_beta: usize,
}

/// Sums `inputs` against SPY at `spy_price`. `None` when a sum overflows or SPY's price is not
/// positive.
pub fn summarize<'a>(
    inputs: impl IntoIterator<Item = &'a RiskInput>,
    spy_price: Decimal,
) -> Option<RiskSummary> {
    if spy_price <= Decimal::ZERO {
        return None;
    }
    let mut sum = RiskSummary::default();
    for input in inputs {
        let (Some(delta), Some(theta), Some(vega)) = (input.delta, input.theta, input.vega) else {
            sum.missing_greeks += 1;
            continue;
        };
        let size = input.signed_quantity.times(input.multiplier)?;
        sum.theta_per_day = sum.theta_per_day.plus(theta.times(size)?)?;
        sum.vega = sum.vega.plus(vega.times(size)?)?;
        match input.underlying_price.zip(input.beta) {
            Some((price, beta)) => {
                let weighted = delta
                    .times(size)?
                    .times(beta)?
                    .times(price)?
                    .over(spy_price)?;
                sum.beta_weighted_delta = sum.beta_weighted_delta.plus(weighted)?;
            }
            None => sum.missing_beta += 1,
        }
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn shares(qty: &str, price: &str, beta: &str) -> RiskInput {
        RiskInput {
            signed_quantity: d(qty),
            multiplier: Decimal::ONE,
            delta: Some(Decimal::ONE),
            theta: Some(Decimal::ZERO),
            vega: Some(Decimal::ZERO),
            underlying_price: Some(d(price)),
            beta: Some(d(beta)),
        }
    }

    fn spy_puts() -> RiskInput {
        RiskInput {
            signed_quantity: d("-2"),
            multiplier: d("100"),
            delta: Some(d("-0.30")),
            theta: Some(d("-0.25")),
            vega: Some(d("0.80")),
            underlying_price: Some(d("500")),
            beta: Some(Decimal::ONE),
        }
    }

    #[test]
    fn worked_example() {
        let inputs = [shares("100", "200", "1.2"), spy_puts()];
        let sum = summarize(&inputs, d("500")).unwrap();
        assert_eq!(sum.beta_weighted_delta, d("108"));
        assert_eq!(sum.theta_per_day, d("50"));
        assert_eq!(sum.vega, d("-160"));
        assert_eq!((sum.missing_greeks, sum.missing_beta), (0, 0));
    }

    #[test]
    fn unknown_inputs_are_counted_not_guessed() {
        let mut no_greeks = spy_puts();
        no_greeks.delta = None;
        let mut no_beta = shares("10", "50", "1");
        no_beta.beta = None;
        // A short future option without a beta: theta and vega still count.
        let mut future_call = spy_puts();
        future_call.signed_quantity = d("-1");
        future_call.multiplier = d("50");
        future_call.beta = None;
        let inputs = [shares("100", "200", "1.2"), no_greeks, no_beta, future_call];
        let sum = summarize(&inputs, d("500")).unwrap();
        assert_eq!(sum.beta_weighted_delta, d("48"));
        // −0.25 × −1 × 50 and 0.80 × −1 × 50.
        assert_eq!(sum.theta_per_day, d("12.5"));
        assert_eq!(sum.vega, d("-40"));
        assert_eq!((sum.missing_greeks, sum.missing_beta), (1, 2));
    }

    #[test]
    fn overflow_or_a_bad_spy_price_is_unknown() {
        let huge = shares(&Decimal::MAX.to_string(), "2", "1");
        assert_eq!(summarize(&[huge], d("500")), None);
        assert_eq!(summarize(&[shares("1", "1", "1")], Decimal::ZERO), None);
        // Empty: all zero.
        assert_eq!(summarize(&[], d("500")), Some(RiskSummary::default()));
    }
}
