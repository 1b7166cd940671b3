//! Orders as tastytrade returns them: `GET /accounts/{n}/orders` (paginated search),
//! `/orders/live` (today's orders plus working GTC ones), `/orders/{id}`, and the same object in
//! account-streamer `Order` notifications (docs/tastytrade.md §6.4 Orders).
//!
//! Only what an orders screen shows is typed; the rest (`ext-*` ids, `replaces-order-id`,
//! `complex-order-id`, `cancelled-at`, `source`, …) stays in `extra`, since each typed field adds
//! deserializer code to the browser bundle. Order *requests* are not modelled here.

use crate::checked::Checked;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de::{self, wire_enum};
use super::positions::{InstrumentType, PriceEffect};
use super::symbol::SymbolParts;

wire_enum! {
    /// Order `status` (docs/tastytrade.md §6.4 Orders, lifecycle): `Received` → `Routed` →
    /// `In Flight` → `Live` → a terminal state; `Cancel Requested` / `Replace Requested` are
    /// transitional, `Contingent` waits on a trigger (complex orders).
    pub enum OrderStatus {
        Received => "Received",
        Routed => "Routed",
        InFlight => "In Flight",
        Live => "Live",
        CancelRequested => "Cancel Requested",
        ReplaceRequested => "Replace Requested",
        Contingent => "Contingent",
        Filled => "Filled",
        Cancelled => "Cancelled",
        Expired => "Expired",
        Rejected => "Rejected",
        Removed => "Removed",
        PartiallyRemoved => "Partially Removed",
    }
}

impl OrderStatus {
    /// Filled, Cancelled, Expired, Rejected, Removed, Partially Removed: nothing more will happen.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            OrderStatus::Filled
                | OrderStatus::Cancelled
                | OrderStatus::Expired
                | OrderStatus::Rejected
                | OrderStatus::Removed
                | OrderStatus::PartiallyRemoved
        )
    }

    /// A known non-terminal status. `Cancel Requested` counts: the order can still fill until
    /// the `Cancelled` notification arrives. `Unknown` is neither working nor terminal here; see
    /// [`Order::is_working`] for how an order with an unknown status is classified.
    pub fn is_known_working(&self) -> bool {
        matches!(
            self,
            OrderStatus::Received
                | OrderStatus::Routed
                | OrderStatus::InFlight
                | OrderStatus::Live
                | OrderStatus::CancelRequested
                | OrderStatus::ReplaceRequested
                | OrderStatus::Contingent
        )
    }
}

wire_enum! {
    /// `order-type` (docs/tastytrade.md §6.4 Orders).
    pub enum OrderType {
        Limit => "Limit",
        Market => "Market",
        MarketableLimit => "Marketable Limit",
        Stop => "Stop",
        StopLimit => "Stop Limit",
        NotionalMarket => "Notional Market",
    }
}

wire_enum! {
    /// `time-in-force`; `GTD` comes with a `gtc-date` (docs/tastytrade.md §6.4 Orders).
    pub enum TimeInForce {
        Day => "Day",
        Gtc => "GTC",
        Gtd => "GTD",
        Ext => "Ext",
        ExtOvernight => "Ext Overnight",
        GtcExt => "GTC Ext",
        GtcExtOvernight => "GTC Ext Overnight",
        Ioc => "IOC",
    }
}

wire_enum! {
    /// Leg `action`, also a transaction's `action` (docs/tastytrade.md §6.4 Orders, §6.5
    /// Transactions). `Buy`/`Sell` are for futures outrights only.
    pub enum OrderAction {
        BuyToOpen => "Buy to Open",
        SellToOpen => "Sell to Open",
        BuyToClose => "Buy to Close",
        SellToClose => "Sell to Close",
        Buy => "Buy",
        Sell => "Sell",
        Allocate => "Allocate",
    }
}

impl OrderAction {
    /// `BTO`, `STO`, `BTC`, `STC`, `Buy`, `Sell`, …: short enough for a leg line on a phone.
    pub fn short_label(&self) -> &str {
        match self {
            OrderAction::BuyToOpen => "BTO",
            OrderAction::SellToOpen => "STO",
            OrderAction::BuyToClose => "BTC",
            OrderAction::SellToClose => "STC",
            OrderAction::Buy => "Buy",
            OrderAction::Sell => "Sell",
            OrderAction::Allocate => "Allocate",
            OrderAction::Unknown(s) => s.as_str(),
        }
    }
}

/// One order. Every field is optional: a dry-run order has no `id` (docs/tastytrade.md §6.4
/// Orders), and one malformed order must not hide the rest of a list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Order {
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<OrderType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_in_force: Option<TimeInForce>,
    /// `YYYY-MM-DD`, with `time-in-force` `GTD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtc_date: Option<String>,
    /// Unsigned limit price (Limit / Stop Limit); the sign is in `price-effect`, see
    /// [`Order::signed_price`].
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_effect: Option<PriceEffect>,
    /// The trigger of Stop / Stop Limit orders: the only price a Stop order has.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_trigger: Option<Decimal>,
    /// Order size: an integer on the wire; a decimal here because crypto and fractional
    /// equity quantities are decimal.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underlying_instrument_type: Option<InstrumentType>,
    /// ISO-8601 with offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// Epoch **milliseconds** (a number), unlike every other timestamp; `0` on a dry-run.
    #[serde(
        default,
        deserialize_with = "de::opt_epoch_millis",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    /// ISO-8601; set once the order reached a terminal status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_at: Option<String>,
    /// What tastytrade allows right now (docs/tastytrade.md §6.4 Orders): show Cancel / Replace
    /// from these, not from the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
    /// True on an order that was replaced (cancel/replace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<bool>,
    /// E.g. `"Session offline"` in the sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    /// `null` and absent read as empty.
    #[serde(
        default,
        deserialize_with = "de::null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub legs: Vec<OrderLeg>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Order {
    /// Whether this is an older state of the order than `shown`: answers and account-streamer
    /// notifications can arrive out of order, and a finished order never works again.
    pub fn is_older_than(&self, shown: &Order) -> bool {
        let finished = |o: &Order| o.status.as_ref().is_some_and(|s| s.is_terminal());
        if finished(shown) && !finished(self) {
            return true;
        }
        matches!((self.updated_at, shown.updated_at), (Some(a), Some(b)) if a < b)
    }

    /// Whether the order may still trade: a known working status (see
    /// [`OrderStatus::is_known_working`]), `false` for a terminal one. For a status this build
    /// does not know (or none), `cancellable` decides: tastytrade sets it from what is allowed
    /// now, and a cancellable order is one that still works.
    pub fn is_working(&self) -> bool {
        match &self.status {
            Some(s) if s.is_known_working() => true,
            Some(s) if s.is_terminal() => false,
            _ => self.cancellable.unwrap_or(false),
        }
    }

    /// The limit price with its effect applied: Debit → negative, Credit (or `None`) →
    /// positive, as tastytrade's own order tickets show it. `None` without a price (Market,
    /// Stop). A sign flip cannot overflow.
    pub fn signed_price(&self) -> Option<Decimal> {
        self.price
            .map(|p| PriceEffect::apply(self.price_effect.as_ref(), p))
    }

    /// One line for the order's legs: `BTO 1 AAPL 197.5 Call / STO 1 AAPL 200 Call`.
    pub fn leg_summary(&self) -> String {
        self.join_legs(OrderLeg::summary)
    }

    /// The legs as order tickets write them: `STO 1 SPY 12/18/26 700C / BTO 1 SPY 12/18/26 710C`.
    pub fn compact_leg_summary(&self) -> String {
        self.join_legs(OrderLeg::compact_summary)
    }

    fn join_legs(&self, line: fn(&OrderLeg) -> String) -> String {
        self.legs.iter().map(line).collect::<Vec<_>>().join(" / ")
    }

    /// An ISO-8601 time kept untyped in `extra` (`live-at`, `in-flight-at`, `cancelled-at`).
    pub fn extra_time(&self, key: &str) -> Option<&str> {
        self.extra
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The order this one replaced (`replaces-order-id`, on the new order of a
    /// cancel/replace; docs/tastytrade.md §6.4 Orders). A number or a numeric string.
    pub fn replaces_order_id(&self) -> Option<i64> {
        extra_id(&self.extra, "replaces-order-id")
    }

    /// The order that replaced this one (`replacing-order-id`, on the cancelled old order).
    pub fn replacing_order_id(&self) -> Option<i64> {
        extra_id(&self.extra, "replacing-order-id")
    }
}

fn extra_id(extra: &Map<String, Value>, key: &str) -> Option<i64> {
    match extra.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct OrderLeg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_type: Option<InstrumentType>,
    #[serde(default)]
    pub symbol: String,
    /// Absent on Notional Market legs (the order carries a `value` instead).
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OrderAction>,
    /// A leg may have many fills; streamer messages may carry them before all legs are filled
    /// (docs/tastytrade.md §6.4 Orders).
    #[serde(
        default,
        deserialize_with = "de::null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fills: Vec<Fill>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OrderLeg {
    /// `BTO 100 AAPL`, `STO 1 AAPL 200 Call`, `Buy /ESZ6` (no quantity on a notional leg).
    pub fn summary(&self) -> String {
        self.describe(SymbolParts::parse(&self.symbol).title())
    }

    /// Like [`OrderLeg::summary`] with the option's expiration: `STO 1 SPY 12/18/26 700C`.
    pub fn compact_summary(&self) -> String {
        self.describe(SymbolParts::parse(&self.symbol).compact())
    }

    /// `<action> <quantity> <symbol>`, leaving out what is absent.
    fn describe(&self, symbol: String) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(3);
        if let Some(a) = &self.action {
            parts.push(a.short_label().to_owned());
        }
        if let Some(q) = self.quantity {
            parts.push(q.normalize().to_string());
        }
        if !symbol.is_empty() {
            parts.push(symbol);
        }
        parts.join(" ")
    }

    /// The quantity filled so far (the sum of the fills' quantities); `None` on overflow or
    /// when a fill has no quantity.
    pub fn filled_quantity(&self) -> Option<Decimal> {
        self.fills
            .iter()
            .try_fold(Decimal::ZERO, |sum, f| sum.plus(f.quantity?))
    }

    /// The quantity-weighted average fill price, `None` without fills, when a fill lacks a
    /// price or quantity, or on overflow (checked: the inputs come from the network).
    pub fn average_fill_price(&self) -> Option<Decimal> {
        let quantity = self.filled_quantity().filter(|q| !q.is_zero())?;
        let notional = self.fills.iter().try_fold(Decimal::ZERO, |sum, f| {
            sum.plus(f.fill_price?.times(f.quantity?)?)
        })?;
        notional.over(quantity)
    }
}

/// One execution of a leg.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Fill {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<Decimal>,
    /// Per unit, unsigned.
    #[serde(
        default,
        deserialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub fill_price: Option<Decimal>,
    /// ISO-8601 with offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_venue: Option<String>,
    /// `ext-exec-id`, `ext-group-fill-id`, …
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
