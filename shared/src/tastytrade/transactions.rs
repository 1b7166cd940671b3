//! `GET /accounts/{n}/transactions` (paginated), `/transactions/{id}` and
//! `/transactions/total-fees` (docs/tastytrade.md §6.5 Transactions).
//!
//! Every amount is unsigned with its sign in a sibling `-effect` field; the signed helpers
//! fold them (Debit → negative). Arithmetic is checked: values come from the network, and an
//! overflow would panic and, with `panic = "abort"`, stop the whole app.

use crate::checked::Checked;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de::{self, wire_enum};
use super::orders::OrderAction;
use super::positions::{InstrumentType, PriceEffect};

wire_enum! {
    /// `transaction-type`; the list is open-ended (docs/tastytrade.md §6.5 Transactions), and
    /// the finer kind is in the free-text `transaction-sub-type` (`Buy to Open`, `Deposit`, …).
    pub enum TransactionType {
        Trade => "Trade",
        ReceiveDeliver => "Receive Deliver",
        MoneyMovement => "Money Movement",
        Fee => "Fee",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Transaction {
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_type: Option<TransactionType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_sub_type: Option<String>,
    /// Human text, e.g. `Bought 1 SMCI 06/05/26 Call 45.00 @ 0.75`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// ISO-8601 (`…Z` or `+00:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_at: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_date: Option<String>,
    /// Gross amount, unsigned.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_effect: Option<PriceEffect>,
    /// Amount after fees, unsigned; see [`Transaction::signed_net_value`].
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub net_value: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_value_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub commission: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commission_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub clearing_fees: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearing_fees_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub regulatory_fees: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulatory_fees_effect: Option<PriceEffect>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub proprietary_index_option_fees: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proprietary_index_option_fees_effect: Option<PriceEffect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_type: Option<InstrumentType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OrderAction>,
    /// A string (`"1.0"`) in captures; numbers are accepted too.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<Decimal>,
    /// Per unit.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_id: Option<i64>,
    /// `true` while the fee fields are estimates rather than final figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_estimated_fee: Option<bool>,
    /// Everything else (`created-at`, `currency`, `exec-id`, `lots`, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn signed(amount: Option<Decimal>, effect: Option<&PriceEffect>) -> Option<Decimal> {
    amount.map(|v| PriceEffect::apply(effect, v))
}

impl Transaction {
    /// `value` with its effect applied (Debit → negative).
    pub fn signed_value(&self) -> Option<Decimal> {
        signed(self.value, self.value_effect.as_ref())
    }

    /// The four fee fields, each with its effect, summed (fees are Debits, so usually ≤ 0;
    /// a Credit fee is a rebate). Absent fees count as zero; `None` only on overflow.
    pub fn signed_fees(&self) -> Option<Decimal> {
        [
            signed(self.commission, self.commission_effect.as_ref()),
            signed(self.clearing_fees, self.clearing_fees_effect.as_ref()),
            signed(self.regulatory_fees, self.regulatory_fees_effect.as_ref()),
            signed(
                self.proprietary_index_option_fees,
                self.proprietary_index_option_fees_effect.as_ref(),
            ),
        ]
        .into_iter()
        .flatten()
        .try_fold(Decimal::ZERO, Decimal::plus)
    }

    /// What the transaction did to cash: `net-value` with its effect, else (no `net-value`)
    /// the signed `value` plus the signed fees — tastytrade's `net-value` is exactly that
    /// (docs/tastytrade.md §6.5; 75.0 Debit + 1.12 fees = 76.12 Debit in the transactions
    /// fixture). `None` without a value,
    /// or when the sum does not fit a `Decimal`.
    pub fn signed_net_value(&self) -> Option<Decimal> {
        if let Some(net) = signed(self.net_value, self.net_value_effect.as_ref()) {
            return Some(net);
        }
        self.signed_value()?.plus(self.signed_fees()?)
    }
}

/// `GET /accounts/{n}/transactions/total-fees?date=YYYY-MM-DD` → `data`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TotalFees {
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_fees: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fees_effect: Option<PriceEffect>,
}

impl TotalFees {
    /// The day's fees with their effect applied (Debit → negative).
    pub fn signed(&self) -> Option<Decimal> {
        signed(self.total_fees, self.total_fees_effect.as_ref())
    }
}
