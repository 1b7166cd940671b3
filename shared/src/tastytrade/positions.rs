//! `GET /accounts/{n}/positions` (docs/tastytrade.md §6.3) and the position math the UI shows.

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

    /// Quantity with the direction applied: short 40 → −40.
    pub fn signed_quantity(&self) -> Decimal {
        self.quantity.abs() * self.direction_sign()
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
    /// the position's mark value.
    pub fn mark_per_unit(&self) -> Option<Decimal> {
        if let Some(p) = self.mark_price {
            return Some(p);
        }
        let mark = self.mark?;
        let units = self.quantity.abs() * self.multiplier_or_one();
        (!units.is_zero()).then(|| (mark.abs() / units).round_dp(6).normalize())
    }

    /// Unrealized P/L: (price − average open) × quantity × multiplier, negated for shorts.
    /// `None` without an average open price or any price to compare it with.
    pub fn unrealized_pl(&self) -> Option<Decimal> {
        let (price, _) = self.current_price()?;
        let open = self.average_open_price?;
        Some((price - open) * self.signed_quantity() * self.multiplier_or_one())
    }

    /// Cost basis: average open × |quantity| × multiplier (a magnitude).
    pub fn cost_basis(&self) -> Option<Decimal> {
        self.average_open_price
            .map(|open| open.abs() * self.quantity.abs() * self.multiplier_or_one())
    }

    /// Unrealized P/L as a fraction of the cost basis (0.25 = +25 %).
    pub fn unrealized_pl_ratio(&self) -> Option<Decimal> {
        let pl = self.unrealized_pl()?;
        let basis = self.cost_basis()?;
        (!basis.is_zero()).then(|| pl / basis)
    }

    /// Market value with sign (shorts negative): price × signed quantity × multiplier.
    pub fn market_value(&self) -> Option<Decimal> {
        let (price, _) = self.current_price()?;
        Some(price * self.signed_quantity() * self.multiplier_or_one())
    }

    /// Today's realized gain with its effect applied.
    pub fn signed_realized_day_gain(&self) -> Option<Decimal> {
        self.realized_day_gain
            .map(|v| PriceEffect::apply(self.realized_day_gain_effect.as_ref(), v))
    }
}
