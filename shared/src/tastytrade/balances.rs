//! `GET /accounts/{n}/balances` (docs/tastytrade.md §6.2). The object has ~50 keys and grows; the ~15
//! the UI uses are typed, the rest stay in `extra` (every typed field adds deserializer code to
//! the browser bundle, so keys move here from `extra` only when a screen needs them).

use rust_decimal::Decimal;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::positions::PriceEffect;

/// `data` that is either the object itself or a list whose first item is the object: tastytrade
/// serves an object for `/balances`, swagger and one SDK model `items[]` (docs/tastytrade.md §6.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct OneOrFirst<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrFirst<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let inner = match value {
            Value::Object(mut map) if matches!(map.get("items"), Some(Value::Array(_))) => {
                match map.remove("items") {
                    Some(Value::Array(items)) => items
                        .into_iter()
                        .next()
                        .ok_or_else(|| D::Error::custom("data.items is empty"))?,
                    _ => unreachable!("checked above"),
                }
            }
            other => other,
        };
        T::deserialize(inner)
            .map(OneOrFirst)
            .map_err(D::Error::custom)
    }
}

/// The whole `/balances` body.
pub type BalancesResponse = super::Envelope<OneOrFirst<Balances>>;

macro_rules! money_fields {
    ($( $(#[$m:meta])* $field:ident ),+ $(,)?) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub struct Balances {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub account_number: Option<String>,
            /// `USD` (swagger; absent in the 2023 capture).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub currency: Option<String>,
            $(
                $(#[$m])*
                #[serde(
                    default,
                    deserialize_with = "de::opt_decimal",
                    skip_serializing_if = "Option::is_none"
                )]
                pub $field: Option<Decimal>,
            )+
            /// Sign of `pending-cash`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub pending_cash_effect: Option<PriceEffect>,
            /// `YYYY-MM-DD`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub snapshot_date: Option<String>,
            /// ISO-8601 with offset.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub updated_at: Option<String>,
            /// Every other key, kept as sent.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

money_fields! {
    /// Net liquidating value: the account's headline worth.
    net_liquidating_value,
    cash_balance,
    /// Buying power for options/derivatives (the figure tastytrade shows as "Option BP").
    derivative_buying_power,
    /// Buying power for stock ("Stock BP").
    equity_buying_power,
    day_trading_buying_power,
    cash_available_to_withdraw,
    margin_equity,
    maintenance_requirement,
    maintenance_excess,
    /// Unsigned; the sign is in `pending-cash-effect` (see [`Balances::signed_pending_cash`]).
    pending_cash,
}

impl Balances {
    /// The buying power to headline: derivative buying power, else equity buying power.
    pub fn buying_power(&self) -> Option<Decimal> {
        self.derivative_buying_power.or(self.equity_buying_power)
    }

    /// `pending-cash` with its sign applied (Debit → negative).
    pub fn signed_pending_cash(&self) -> Option<Decimal> {
        self.pending_cash
            .map(|v| PriceEffect::apply(self.pending_cash_effect.as_ref(), v))
    }
}
