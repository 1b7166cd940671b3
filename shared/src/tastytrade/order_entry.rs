//! Order requests and the dry-run's answer (docs/tastytrade.md §6.11): the body of
//! `POST /accounts/{n}/orders[/dry-run]` and `PUT /accounts/{n}/orders/{id}`, and the
//! `{order, warnings, buying-power-effect, fee-calculation}` that a dry-run and a placement
//! answer. Amounts are magnitudes with a sibling `-effect` (Debit/Credit).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::de;
use super::orders::Order;
use super::positions::PriceEffect;

/// An order to preview or send. `price` is per unit of the order (per share, per contract's
/// quote, per spread), a magnitude; `price-effect` says which way the money goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NewOrder {
    /// `Day`, `GTC`, `GTD`.
    pub time_in_force: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtc_date: Option<String>,
    /// `Limit`, `Market`, `Stop`, `Stop Limit`.
    pub order_type: String,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "price_text")]
    pub price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_effect: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "price_text")]
    pub stop_trigger: Option<Decimal>,
    /// Free text: which app sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// Left out of a replacement (tastytrade takes the original's legs; docs/tastytrade.md §6.11).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<NewLeg>,
}

/// Decimals go out as strings, as tastytrade's own clients send them (no float rounding).
fn price_text<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_str(&v.normalize().to_string()),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NewLeg {
    /// `Equity`, `Equity Option`, `Future`, `Future Option`.
    pub instrument_type: &'static str,
    pub symbol: String,
    /// A whole number of shares or contracts.
    pub quantity: u32,
    /// `Buy to Open`, `Sell to Close`, … (`Buy`/`Sell` for futures).
    pub action: &'static str,
}

/// A `{code, message}` warning or error of a dry-run (or the `errors[]` of a 422).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Notice {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl Notice {
    /// The message, else the code.
    pub fn text(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.code.clone())
            .unwrap_or_default()
    }
}

/// `buying-power-effect`: what the order does to buying power.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuyingPowerEffect {
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub change_in_buying_power: Option<Decimal>,
    #[serde(default)]
    pub change_in_buying_power_effect: Option<PriceEffect>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub current_buying_power: Option<Decimal>,
    #[serde(default)]
    pub current_buying_power_effect: Option<PriceEffect>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub new_buying_power: Option<Decimal>,
    #[serde(default)]
    pub new_buying_power_effect: Option<PriceEffect>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub change_in_margin_requirement: Option<Decimal>,
    #[serde(default)]
    pub change_in_margin_requirement_effect: Option<PriceEffect>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub isolated_order_margin_requirement: Option<Decimal>,
    #[serde(default)]
    pub isolated_order_margin_requirement_effect: Option<PriceEffect>,
}

impl BuyingPowerEffect {
    /// The signed change (a debit lowers buying power: negative).
    pub fn change(&self) -> Option<Decimal> {
        signed(
            self.change_in_buying_power,
            &self.change_in_buying_power_effect,
        )
    }

    pub fn current(&self) -> Option<Decimal> {
        signed(self.current_buying_power, &self.current_buying_power_effect)
    }

    pub fn new_value(&self) -> Option<Decimal> {
        signed(self.new_buying_power, &self.new_buying_power_effect)
    }

    /// The margin the order needs, as a positive amount for a debit.
    pub fn margin_requirement(&self) -> Option<Decimal> {
        signed(
            self.isolated_order_margin_requirement
                .or(self.change_in_margin_requirement),
            &self
                .isolated_order_margin_requirement_effect
                .clone()
                .or(self.change_in_margin_requirement_effect.clone()),
        )
        .map(|v| -v)
    }
}

fn signed(value: Option<Decimal>, effect: &Option<PriceEffect>) -> Option<Decimal> {
    value.map(|v| PriceEffect::apply(effect.as_ref(), v))
}

/// `fee-calculation`: the fees the order would cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FeeCalculation {
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub commission: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub clearing_fees: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub regulatory_fees: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub proprietary_index_option_fees: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_fees: Option<Decimal>,
    #[serde(default)]
    pub total_fees_effect: Option<PriceEffect>,
}

/// The answer of a dry-run and of a placement (`data`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct OrderPreview {
    pub order: Order,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub warnings: Vec<Notice>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub errors: Vec<Notice>,
    #[serde(default)]
    pub buying_power_effect: Option<BuyingPowerEffect>,
    #[serde(default)]
    pub fee_calculation: Option<FeeCalculation>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tastytrade::Envelope;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_vertical_goes_out_as_documented() {
        let order = NewOrder {
            time_in_force: "Day".into(),
            gtc_date: None,
            order_type: "Limit".into(),
            price: Some(d("1.090")),
            price_effect: Some("Debit"),
            stop_trigger: None,
            source: Some("tastypocket"),
            legs: vec![
                NewLeg {
                    instrument_type: "Equity Option",
                    symbol: "AAPL  230818C00197500".into(),
                    quantity: 1,
                    action: "Buy to Open",
                },
                NewLeg {
                    instrument_type: "Equity Option",
                    symbol: "AAPL  230818C00200000".into(),
                    quantity: 1,
                    action: "Sell to Open",
                },
            ],
        };
        // docs/tastytrade.md §6.11 (the documented request body).
        let expected: serde_json::Value = serde_json::from_str(
            r#"{ "time-in-force": "Day", "order-type": "Limit", "price": "1.09",
                 "price-effect": "Debit", "source": "tastypocket", "legs": [
                 { "instrument-type": "Equity Option", "symbol": "AAPL  230818C00197500", "quantity": 1, "action": "Buy to Open" },
                 { "instrument-type": "Equity Option", "symbol": "AAPL  230818C00200000", "quantity": 1, "action": "Sell to Open" } ] }"#,
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&order).unwrap(), expected);
        let replace = NewOrder {
            legs: Vec::new(),
            order_type: "Stop".into(),
            price: None,
            price_effect: None,
            stop_trigger: Some(d("140.5")),
            time_in_force: "GTD".into(),
            gtc_date: Some("2026-12-31".into()),
            ..order
        };
        let json = serde_json::to_value(&replace).unwrap();
        assert_eq!(json["stop-trigger"], "140.5");
        assert_eq!(json["gtc-date"], "2026-12-31");
        assert!(json.get("legs").is_none() && json.get("price").is_none());
    }

    #[test]
    fn a_dry_run_as_documented() {
        // docs/tastytrade.md §6.11 (the documented dry-run answer, abridged).
        let body = r#"{ "data": {
            "order": { "account-number": "5WT0001", "time-in-force": "Day", "order-type": "Limit",
              "size": 1, "underlying-symbol": "SPY", "price": "2.0", "price-effect": "Credit",
              "status": "Received", "cancellable": true, "editable": true, "edited": false, "updated-at": 0,
              "legs": [ { "instrument-type": "Equity Option", "symbol": "SPY   191018C00298000",
                "quantity": 1, "remaining-quantity": 1, "action": "Buy to Open", "fills": [] } ] },
            "warnings": [ { "code": "closing_with_no_position", "message": "No position to close" } ],
            "errors": null,
            "buying-power-effect": {
              "change-in-margin-requirement": "300.0", "change-in-margin-requirement-effect": "Debit",
              "change-in-buying-power": "102.302", "change-in-buying-power-effect": "Debit",
              "current-buying-power": "8995981.2613", "current-buying-power-effect": "Credit",
              "new-buying-power": "8995878.9593", "new-buying-power-effect": "Credit",
              "isolated-order-margin-requirement": "300.0", "isolated-order-margin-requirement-effect": "Debit",
              "is-spread": true, "impact": "102.302", "effect": "Debit" },
            "fee-calculation": { "regulatory-fees": "0.102", "regulatory-fees-effect": "Debit",
              "clearing-fees": "0.2", "clearing-fees-effect": "Debit", "commission": "2.0",
              "commission-effect": "Debit", "total-fees": "2.302", "total-fees-effect": "Debit" } },
            "context": "/accounts/5WT0001/orders/dry-run" }"#;
        let preview: Envelope<OrderPreview> = serde_json::from_str(body).unwrap();
        let p = preview.data;
        let bp = p.buying_power_effect.unwrap();
        assert_eq!(bp.change(), Some(d("-102.302")));
        assert_eq!(bp.current(), Some(d("8995981.2613")));
        assert_eq!(bp.new_value(), Some(d("8995878.9593")));
        assert_eq!(bp.margin_requirement(), Some(d("300.0")));
        assert_eq!(p.fee_calculation.unwrap().total_fees, Some(d("2.302")));
        assert_eq!(p.warnings[0].text(), "No position to close");
        assert!(p.errors.is_empty());
        assert_eq!(p.order.id, None);
    }
}
