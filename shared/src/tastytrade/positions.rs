//! `GET /accounts/{n}/positions` (docs/tastytrade.md §6.3) and the position math the UI shows.

use crate::checked::Checked;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de::{self, wire_enum};

wire_enum! {
    /// `instrument-type` (docs/tastytrade.md §5).
    pub enum InstrumentType {
        Equity => "Equity",
        EquityOption => "Equity Option",
        EquityOffering => "Equity Offering",
        Future => "Future",
        FutureOption => "Future Option",
        Cryptocurrency => "Cryptocurrency",
        Index => "Index",
        Bond => "Bond",
        FixedIncomeSecurity => "Fixed Income Security",
        LiquidityPool => "Liquidity Pool",
        Warrant => "Warrant",
    }
}

impl InstrumentType {
    /// A short label for narrow screens.
    pub fn short_label(&self) -> &str {
        match self {
            InstrumentType::Equity => "Stock",
            InstrumentType::EquityOption => "Option",
            InstrumentType::EquityOffering => "Offering",
            InstrumentType::Future => "Future",
            InstrumentType::FutureOption => "Fut. option",
            InstrumentType::Cryptocurrency => "Crypto",
            InstrumentType::Index => "Index",
            InstrumentType::Bond => "Bond",
            InstrumentType::FixedIncomeSecurity => "Fixed income",
            InstrumentType::LiquidityPool => "Liquidity pool",
            InstrumentType::Warrant => "Warrant",
            InstrumentType::Unknown(s) => s.as_str(),
        }
    }
}

wire_enum! {
    /// `quantity-direction`: the sign of the (unsigned) `quantity`.
    pub enum QuantityDirection {
        Long => "Long",
        Short => "Short",
        Zero => "Zero",
    }
}

wire_enum! {
    /// The sign of an unsigned amount in a sibling field (`cost-effect`, `…-effect`).
    pub enum PriceEffect {
        Credit => "Credit",
        Debit => "Debit",
        None => "None",
    }
}

impl PriceEffect {
    /// Signs `amount` (taken as a magnitude): Debit → negative, Credit/None/unknown/absent →
    /// positive (or zero).
    pub fn apply(effect: Option<&PriceEffect>, amount: Decimal) -> Decimal {
        match effect {
            Some(PriceEffect::Debit) => -amount.abs(),
            _ => amount.abs(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Position {
    pub symbol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_type: Option<InstrumentType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_symbol: Option<String>,
    /// Unsigned; see [`Position::signed_quantity`]. Number (`40`) or string (`"100"`) on the wire.
    #[serde(deserialize_with = "de::decimal")]
    pub quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_direction: Option<QuantityDirection>,
    /// Previous close, per unit (not live).
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub close_price: Option<Decimal>,
    /// Per unit.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_open_price: Option<Decimal>,
    /// Contract multiplier: 100 for equity options, 1 for stock, per-product for futures.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub multiplier: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_effect: Option<PriceEffect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// With `include-marks=true`. Treated as a position-level value; see [`Position::mark_per_unit`].
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub mark: Option<Decimal>,
    /// With `include-marks=true`: the per-unit mark.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub mark_price: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub realized_day_gain: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realized_day_gain_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub realized_today: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realized_today_effect: Option<PriceEffect>,
    /// Everything else (`is-frozen`, `restricted-quantity`, `created-at`, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Which price a P/L figure was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSource {
    /// `mark-price` (live-ish, with `include-marks=true`).
    Mark,
    /// `close-price` (previous close).
    Close,
}

impl Position {
    /// +1 long, −1 short, 0 for `Zero`. A missing or unknown direction counts as long: the
    /// quantity is then shown as sent rather than hidden.
    pub fn direction_sign(&self) -> Decimal {
        match self.quantity_direction {
            Some(QuantityDirection::Short) => Decimal::NEGATIVE_ONE,
            Some(QuantityDirection::Zero) => Decimal::ZERO,
            _ => Decimal::ONE,
        }
    }

    /// Quantity with the direction applied: short 40 → −40. (No multiplication: a sign flip
    /// cannot overflow, whatever the quantity.)
    pub fn signed_quantity(&self) -> Decimal {
        match self.quantity_direction {
            Some(QuantityDirection::Short) => -self.quantity.abs(),
            Some(QuantityDirection::Zero) => Decimal::ZERO,
            _ => self.quantity.abs(),
        }
    }

    /// Multiplier, 1 when absent.
    pub fn multiplier_or_one(&self) -> Decimal {
        self.multiplier.unwrap_or(Decimal::ONE)
    }

    /// The per-unit price to value the position at: `mark-price`, else `close-price`.
    ///
    /// `mark` alone is not used: whether it is a per-unit price or the position's mark value
    /// is not settled (docs/tastytrade.md §6.3; see [`Position::mark_per_unit`] for the latter reading).
    pub fn current_price(&self) -> Option<(Decimal, PriceSource)> {
        if let Some(p) = self.mark_price {
            return Some((p, PriceSource::Mark));
        }
        self.close_price.map(|p| (p, PriceSource::Close))
    }

    /// Per-unit mark: `mark-price`, else `mark / (|quantity| × multiplier)` — reading `mark` as
    /// the position's mark value. `None` also when the division does not fit a `Decimal`.
    pub fn mark_per_unit(&self) -> Option<Decimal> {
        if let Some(p) = self.mark_price {
            return Some(p);
        }
        let mark = self.mark?;
        let units = self.quantity.abs().times(self.multiplier_or_one())?;
        if units.is_zero() {
            return None;
        }
        Some(mark.abs().over(units)?.round_dp(6).normalize())
    }

    /// Unrealized P/L: (price − average open) × quantity × multiplier, negated for shorts.
    /// `None` without an average open price or any price to compare it with, and when the
    /// result does not fit a `Decimal` (values come from the network: arithmetic is checked, as
    /// an overflow would panic and, with `panic = "abort"`, stop the whole app).
    pub fn unrealized_pl(&self) -> Option<Decimal> {
        self.unrealized_pl_at(self.current_price()?.0)
    }

    /// [`Position::unrealized_pl`] at `price` (a live mark from the stream).
    pub fn unrealized_pl_at(&self, price: Decimal) -> Option<Decimal> {
        let open = self.average_open_price?;
        price
            .minus(open)?
            .times(self.signed_quantity())?
            .times(self.multiplier_or_one())
    }

    /// Cost basis: average open × |quantity| × multiplier (a magnitude); `None` on overflow.
    pub fn cost_basis(&self) -> Option<Decimal> {
        self.average_open_price?
            .abs()
            .times(self.quantity.abs())?
            .times(self.multiplier_or_one())
    }

    /// Unrealized P/L as a fraction of the cost basis (0.25 = +25 %); `None` on a zero basis or
    /// overflow.
    pub fn unrealized_pl_ratio(&self) -> Option<Decimal> {
        let pl = self.unrealized_pl()?;
        let basis = self.cost_basis()?;
        if basis.is_zero() {
            return None;
        }
        pl.over(basis)
    }

    /// Market value with sign (shorts negative): price × signed quantity × multiplier; `None`
    /// on overflow.
    pub fn market_value(&self) -> Option<Decimal> {
        self.market_value_at(self.current_price()?.0)
    }

    /// [`Position::market_value`] at `price`.
    pub fn market_value_at(&self, price: Decimal) -> Option<Decimal> {
        price
            .times(self.signed_quantity())?
            .times(self.multiplier_or_one())
    }

    /// The date the position was opened (`created-at`, `YYYY-MM-DD`), if sent.
    pub fn opened_on(&self) -> Option<&str> {
        self.extra.get("created-at")?.as_str()?.get(..10)
    }

    /// What the positions screen groups by: the underlying, except that a future stands with
    /// the options on it (`/ESZ6` and `./ESZ6 EW4Z6 …` whose underlying is `/ESZ6`).
    pub fn group_key(&self) -> &str {
        match (&self.instrument_type, &self.underlying_symbol) {
            (Some(InstrumentType::Future), _) | (_, None) => &self.symbol,
            (_, Some(u)) => u,
        }
    }

    /// Today's P/L: (mark − previous close) × signed quantity × multiplier, from the average
    /// open price instead when the position was opened today, plus today's realized gain.
    /// `None` without a live mark or a base price, or when it does not fit a `Decimal`.
    pub fn day_pl(&self, opened_today: bool) -> Option<Decimal> {
        self.day_pl_at(self.mark_price?, self.close_price, opened_today)
    }

    /// [`Position::day_pl`] at a live `mark`, against `previous_close` (the stream's, which may
    /// be newer than the position's `close-price`).
    pub fn day_pl_at(
        &self,
        mark: Decimal,
        previous_close: Option<Decimal>,
        opened_today: bool,
    ) -> Option<Decimal> {
        let base = if opened_today {
            self.average_open_price?
        } else {
            previous_close?
        };
        let unrealized = mark
            .minus(base)?
            .times(self.signed_quantity())?
            .times(self.multiplier_or_one())?;
        match self.signed_realized_day_gain() {
            Some(realized) => unrealized.plus(realized),
            None => Some(unrealized),
        }
    }

    /// Today's realized gain with its effect applied.
    pub fn signed_realized_day_gain(&self) -> Option<Decimal> {
        self.realized_day_gain
            .map(|v| PriceEffect::apply(self.realized_day_gain_effect.as_ref(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// `Decimal::MAX` as a wire string.
    const MAX: &str = "79228162514264337593543950335";

    fn position(json: serde_json::Value) -> Position {
        serde_json::from_value(json).unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn max_mark_is_none_not_a_panic() {
        let p = position(serde_json::json!({
            "symbol": "AAPL", "quantity": "10", "quantity-direction": "Long",
            "average-open-price": "-100", "mark": MAX, "mark-price": MAX, "multiplier": 1
        }));
        assert_eq!(p.mark_price, Some(Decimal::MAX));
        assert_eq!(p.current_price(), Some((Decimal::MAX, PriceSource::Mark)));
        // MAX − (−100) overflows before any multiplication.
        assert_eq!(p.unrealized_pl(), None);
        assert_eq!(p.unrealized_pl_ratio(), None);
        // MAX × 10 overflows.
        assert_eq!(p.market_value(), None);
        assert_eq!(p.cost_basis(), Some(d("1000")));
        assert_eq!(p.mark_per_unit(), Some(Decimal::MAX));
    }

    #[test]
    fn max_mark_short_and_large_quantities() {
        let p = position(serde_json::json!({
            "symbol": "/ESZ6", "quantity": MAX, "quantity-direction": "Short",
            "average-open-price": "1", "mark-price": MAX, "multiplier": 50
        }));
        assert_eq!(p.signed_quantity(), -Decimal::MAX);
        assert_eq!(p.unrealized_pl(), None);
        assert_eq!(p.market_value(), None);
        assert_eq!(p.cost_basis(), None);
        assert_eq!(p.unrealized_pl_ratio(), None);

        // A price that fits, a quantity × multiplier that does not.
        let p = position(serde_json::json!({
            "symbol": "SPY", "quantity": "79228162514264337593543950", "quantity-direction": "Long",
            "average-open-price": "1.50", "close-price": "2.50", "multiplier": 10000
        }));
        assert_eq!(p.unrealized_pl(), None);
        assert_eq!(p.market_value(), None);
        assert_eq!(p.cost_basis(), None);
    }

    #[test]
    fn mark_value_division_overflow_is_none() {
        // `mark` read as a position value, divided by a tiny quantity: MAX / 0.5 overflows.
        let p = position(serde_json::json!({
            "symbol": "BTC/USD", "quantity": "0.5", "quantity-direction": "Long",
            "mark": MAX, "multiplier": 1
        }));
        assert_eq!(p.mark_per_unit(), None);
        // Quantity × multiplier overflowing in the divisor is also None.
        let p = position(serde_json::json!({
            "symbol": "X", "quantity": MAX, "mark": "1", "multiplier": 2
        }));
        assert_eq!(p.mark_per_unit(), None);
    }

    #[test]
    fn day_pl_from_close_or_open_and_realized() {
        let p = position(serde_json::json!({
            "symbol": "SPY   261218P00620000", "instrument-type": "Equity Option",
            "underlying-symbol": "SPY", "quantity": 3, "quantity-direction": "Short",
            "close-price": "8.15", "average-open-price": "9.10", "mark-price": "8.02",
            "multiplier": 100, "realized-day-gain": "12.5", "realized-day-gain-effect": "Debit",
            "created-at": "2026-11-02T15:00:00.000+00:00"
        }));
        // (8.02 − 8.15) × −3 × 100 = +39, minus 12.50 realized today.
        assert_eq!(p.day_pl(false), Some(d("26.5")));
        // Opened today: from 9.10 → (8.02 − 9.10) × −3 × 100 = +324, − 12.50.
        assert_eq!(p.day_pl(true), Some(d("311.5")));
        assert_eq!(p.opened_on(), Some("2026-11-02"));
        assert_eq!(p.group_key(), "SPY");
        let no_mark =
            position(serde_json::json!({"symbol": "X", "quantity": 1, "close-price": "1"}));
        assert_eq!(no_mark.day_pl(false), None);
        let huge = position(serde_json::json!({
            "symbol": "X", "quantity": 10, "mark-price": MAX, "close-price": "-1"
        }));
        assert_eq!(huge.day_pl(false), None);
    }

    #[test]
    fn futures_group_with_their_options() {
        let future = position(serde_json::json!({
            "symbol": "/ESZ6", "instrument-type": "Future", "underlying-symbol": "/ES", "quantity": 1
        }));
        let option = position(serde_json::json!({
            "symbol": "./ESZ6 EW4Z6 261224C7000", "instrument-type": "Future Option",
            "underlying-symbol": "/ESZ6", "quantity": 1
        }));
        assert_eq!(future.group_key(), option.group_key());
    }

    #[test]
    fn ordinary_values_still_compute() {
        let p = position(serde_json::json!({
            "symbol": "AAPL", "quantity": "150", "quantity-direction": "Long",
            "average-open-price": "172.30", "mark-price": "189.55", "multiplier": 1
        }));
        assert_eq!(p.unrealized_pl(), Some(d("2587.50")));
        assert_eq!(p.market_value(), Some(d("28432.50")));
        assert_eq!(p.cost_basis(), Some(d("25845")));
        let zero = position(serde_json::json!({
            "symbol": "AAPL", "quantity": "0", "quantity-direction": "Zero",
            "average-open-price": "0", "mark-price": "1"
        }));
        assert_eq!(zero.signed_quantity(), Decimal::ZERO);
        assert_eq!(zero.unrealized_pl_ratio(), None);
    }
}
