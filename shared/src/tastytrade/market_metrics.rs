//! `GET /market-metrics?symbols=AAPL,SPY` (docs/tastytrade.md §6.9): volatility, liquidity,
//! beta and earnings per symbol; symbols without data are missing from `items`.
//!
//! **Units trap** (observed): `implied-volatility-index`, `implied-volatility-index-rank` and
//! `implied-volatility-percentile` are **fractions** (0.43 = 43 %), while
//! `implied-volatility-30-day`, `historical-volatility-30-day` and `iv-hv-30-day-difference` are
//! **percent numbers** (26.53 = 26.53 %). The field docs say which; [`percent`] converts a
//! fraction for display.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::de;
use crate::checked::Checked;

/// One item of `/market-metrics`. Only what the app shows; other keys are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MarketMetric {
    pub symbol: String,
    /// Implied volatility index, a **fraction** (0.26 = 26 %).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub implied_volatility_index: Option<Decimal>,
    /// Change over 5 days, a **fraction**.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub implied_volatility_index_5_day_change: Option<Decimal>,
    /// IV rank, a **fraction** (0.43 = 43 %).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub implied_volatility_index_rank: Option<Decimal>,
    /// IV percentile, a **fraction**.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub implied_volatility_percentile: Option<Decimal>,
    /// 30-day IV in **percent** (26.53 = 26.53 %).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub implied_volatility_30_day: Option<Decimal>,
    /// 30-day historical volatility in **percent**.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub historical_volatility_30_day: Option<Decimal>,
    /// IV minus HV over 30 days, in **percent** points.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub iv_hv_30_day_difference: Option<Decimal>,
    /// Beta against SPY (a plain ratio).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub beta: Option<Decimal>,
    /// Correlation with SPY over 3 months (a ratio, -1..1).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub corr_spy_3month: Option<Decimal>,
    /// 0..5 (a number on the wire).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub liquidity_rating: Option<i64>,
    /// A **fraction**.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub liquidity_rank: Option<Decimal>,
    /// A **fraction** (0.0035 = 0.35 %).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub dividend_yield: Option<Decimal>,
    /// Dollars (a JSON number on the wire).
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub market_cap: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price_earnings_ratio: Option<Decimal>,
    #[serde(default)]
    pub earnings: Option<Earnings>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `earnings` of a [`MarketMetric`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Earnings {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub expected_report_date: Option<String>,
    /// Whether the date is an estimate.
    #[serde(default)]
    pub estimated: Option<bool>,
}

/// A fraction as percent (`0.427` → `42.7`), for the fraction fields above; `None` on
/// overflow.
pub fn percent(fraction: Decimal) -> Option<Decimal> {
    fraction.times(Decimal::ONE_HUNDRED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tastytrade::{Envelope, Items};
    use std::str::FromStr;

    fn dec(s: &str) -> Option<Decimal> {
        Some(Decimal::from_str(s).unwrap())
    }

    /// The recorded item of docs/tastytrade.md §6.9 (with more keys), through the envelope.
    #[test]
    fn recorded_item_with_both_units() {
        let body = r#"{"data":{"items":[{
          "symbol": "AAPL",
          "implied-volatility-index": "0.261833862",
          "implied-volatility-index-5-day-change": "-0.000167047",
          "implied-volatility-index-rank": "0.427330631",
          "tos-implied-volatility-index-rank": "0.427330631",
          "implied-volatility-percentile": "0.330776021",
          "liquidity-value": "73679.130868349",
          "liquidity-rank": "0.396082599",
          "liquidity-rating": 4,
          "updated-at": "2026-08-24T17:50:41.478Z",
          "option-expiration-implied-volatilities": [
            { "expiration-date": "2026-09-18", "implied-volatility": "0.263272526" }
          ],
          "beta": "1.080855512", "corr-spy-3month": "0.27", "dividend-yield": "0.003491191",
          "earnings": { "visible": true, "expected-report-date": "2026-07-30", "estimated": false,
            "actual-eps": "1.57" },
          "market-cap": 4514709583000,
          "implied-volatility-30-day": "26.53", "historical-volatility-30-day": "33.89",
          "iv-hv-30-day-difference": "-7.36", "price-earnings-ratio": "35.59601"
        }, {"symbol": "NEW"}]}}"#;
        let items = serde_json::from_str::<Envelope<Items<MarketMetric>>>(body)
            .unwrap()
            .data
            .items;
        let aapl = &items[0];
        assert_eq!(aapl.implied_volatility_index_rank, dec("0.427330631"));
        assert_eq!(
            percent(aapl.implied_volatility_index_rank.unwrap()),
            dec("42.7330631")
        );
        assert_eq!(aapl.implied_volatility_30_day, dec("26.53"));
        assert_eq!(aapl.historical_volatility_30_day, dec("33.89"));
        assert_eq!(aapl.iv_hv_30_day_difference, dec("-7.36"));
        assert_eq!(aapl.beta, dec("1.080855512"));
        assert_eq!(aapl.liquidity_rating, Some(4));
        assert_eq!(aapl.market_cap, dec("4514709583000"));
        let earnings = aapl.earnings.as_ref().unwrap();
        assert_eq!(earnings.expected_report_date.as_deref(), Some("2026-07-30"));
        assert_eq!(earnings.estimated, Some(false));
        assert_eq!(
            items[1],
            MarketMetric {
                symbol: "NEW".into(),
                ..MarketMetric::default()
            }
        );
        assert_eq!(percent(Decimal::MAX), None);
    }
}
