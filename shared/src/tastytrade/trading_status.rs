//! `GET /accounts/{n}/trading-status` and `GET /margin/accounts/{n}/requirements`
//! (docs/tastytrade.md §6.8 Trading status and margin requirements).
//!
//! Both objects are wide (~30 flags; a nested margin report). A status banner and a margin table
//! need a handful of keys, typed here; the rest stays in `extra`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::positions::PriceEffect;

/// Account permissions and flags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TradingStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_frozen: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closing_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_in_margin_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_pattern_day_trader: Option<bool>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub day_trade_count: Option<i64>,
    /// `"Defined Risk Spreads"`, `"No Restrictions"`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_futures_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_cryptocurrency_enabled: Option<bool>,
    /// ISO-8601 with offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The other flags (`is-futures-closing-only`, `is-risk-reducing-only`, `short-calls-enabled`,
    /// `equities-margin-calculation-type`, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TradingStatus {
    /// Labels for the restrictions in force, most severe first, for a banner; empty when the
    /// account trades normally. Absent flags count as not set.
    pub fn restrictions(&self) -> Vec<&'static str> {
        [
            (self.is_closed, "Account closed"),
            (self.is_frozen, "Account frozen"),
            (self.is_closing_only, "Closing orders only"),
            (self.is_in_margin_call, "Margin call"),
            (self.is_pattern_day_trader, "Pattern day trader"),
        ]
        .into_iter()
        .filter(|(flag, _)| *flag == Some(true))
        .map(|(_, label)| label)
        .collect()
    }
}

/// The margin report: account totals plus one group per underlying.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MarginRequirements {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// E.g. `"Reg T"`, `"Portfolio Margin"`, `"IRA Margin"` (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_calculation_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub margin_requirement: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_requirement_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub maintenance_requirement: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_requirement_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub margin_equity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_equity_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub option_buying_power: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_buying_power_effect: Option<PriceEffect>,
    /// Per-underlying rows; `null`/absent read as empty.
    #[serde(
        default,
        deserialize_with = "de::null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<MarginGroup>,
    /// `description`, `option-level`, `reg-t-*`, `maintenance-excess`, `last-state-timestamp`, …
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MarginRequirements {
    /// Option buying power with its effect applied (Debit → negative).
    pub fn signed_option_buying_power(&self) -> Option<Decimal> {
        self.option_buying_power
            .map(|v| PriceEffect::apply(self.option_buying_power_effect.as_ref(), v))
    }
}

/// One underlying's share of the requirement. Its nested `groups` (holdings and their position
/// entries) stay in `extra` until a screen drills down.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MarginGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub margin_requirement: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_requirement_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub maintenance_requirement: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_requirement_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub buying_power: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buying_power_effect: Option<PriceEffect>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MarginGroup {
    /// The row's requirement as a magnitude: `margin-requirement`, else
    /// `maintenance-requirement`. (Requirements come as Debits; the sign is not shown.)
    pub fn requirement(&self) -> Option<Decimal> {
        self.margin_requirement
            .or(self.maintenance_requirement)
            .map(|v| v.abs())
    }
}
