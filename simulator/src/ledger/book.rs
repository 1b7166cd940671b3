//! Turns scripted events into orders and transactions in tastytrade's wire format
//! (docs/tastytrade.md §6.4 orders, §6.5 transactions), with ids in time order.
//!
//! Every order carries the keys tastyware's `PlacedOrder` requires (`id`, `account-number`,
//! `time-in-force`, `order-type`, `underlying-symbol`, `underlying-instrument-type`, `status`,
//! `cancellable`, `editable`, `edited`, `updated-at` in epoch ms, `legs`; legs with
//! `instrument-type`, `symbol`, `action`; fills with `fill-id`, `quantity`, `fill-price`,
//! `filled-at`), and every transaction the keys its `Transaction` requires (`id`,
//! `account-number`, `transaction-type`, `transaction-sub-type`, `description`, `executed-at`,
//! `transaction-date`, `value`, `net-value`, `is-estimated-fee`).

use serde_json::{json, Map, Value};

use crate::dates::{iso, iso_z, Date};
use crate::decimal::Dec;
use crate::ledger::symbols::describe;
use crate::ledger::Row;

/// The venue tastytrade's sandbox reports; used for every simulated fill.
pub const VENUE: &str = "MARKET_SIMULATOR";

#[derive(Debug, Clone)]
pub struct LegSpec {
    pub instrument_type: &'static str,
    pub symbol: String,
    pub underlying: String,
    pub action: &'static str,
    pub quantity: i64,
    pub multiplier: i64,
    /// Per-unit fill price (used when the order fills).
    pub fill_price: Dec,
    /// Milliseconds after the order is received that this leg fills.
    pub fill_after_ms: i64,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Filled,
    Cancelled {
        after_ms: i64,
    },
    Rejected {
        reason: &'static str,
    },
    /// A Day order still working at the close (16:00 ET of its day).
    Expired,
    /// Still working (GTC).
    Live,
    /// Cancelled and replaced after `after_ms` by the same order at `price`, which then ends
    /// as `then` (docs/tastytrade.md §6.4: `replacing-order-id` / `replaces-order-id`).
    Replaced {
        after_ms: i64,
        price: Dec,
        then: Box<Outcome>,
    },
}

#[derive(Debug, Clone)]
pub struct OrderSpec {
    pub at: i64,
    pub time_in_force: &'static str,
    pub order_type: &'static str,
    /// Unsigned per-unit (or per-spread) limit price with its effect; `None` for Market.
    pub price: Option<(Dec, &'static str)>,
    pub size: i64,
    pub underlying: String,
    pub underlying_type: &'static str,
    pub legs: Vec<LegSpec>,
    pub outcome: Outcome,
}

/// A transaction that isn't an order fill: money movements, deliveries, mark-to-market.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    pub at: i64,
    pub transaction_type: &'static str,
    pub sub_type: &'static str,
    pub description: String,
    /// Signed: positive is a Credit to the account.
    pub value: Dec,
    /// `(symbol, instrument-type, underlying-symbol)` when the entry is about an instrument.
    pub instrument: Option<(String, &'static str, String)>,
    pub action: Option<&'static str>,
    pub quantity: Option<i64>,
    pub price: Option<Dec>,
}

enum Event {
    Order(OrderSpec),
    Entry(EntrySpec),
}

impl Event {
    fn at(&self) -> i64 {
        match self {
            Event::Order(o) => o.at,
            Event::Entry(e) => e.at,
        }
    }
}

pub struct Book {
    account: String,
    /// Events after this instant (the end of the simulator's today) are left out.
    until: i64,
    events: Vec<Event>,
    order_base: i64,
    tx_base: i64,
}

pub struct Finished {
    pub orders: Vec<Row>,
    pub transactions: Vec<Row>,
}

/// Fees a fill pays, all debits: (commission, clearing, regulatory). Modelled on tastytrade's
/// published schedule: options $1/contract to open (capped at $10 a leg) and free to close,
/// futures $1.25, futures options $2.50 to open; clearing and exchange fees per unit.
pub fn fees(instrument_type: &str, action: &str, quantity: i64, value: Dec) -> (Dec, Dec, Dec) {
    let opening = action.ends_with("to Open");
    let selling = action.starts_with("Sell");
    match instrument_type {
        "Equity Option" => (
            if opening {
                Dec::units(quantity.min(10))
            } else {
                Dec::ZERO
            },
            Dec::lit("0.1").times(quantity),
            Dec::lit("0.04").times(quantity),
        ),
        "Future" => (
            Dec::lit("1.25").times(quantity),
            Dec::lit("0.3").times(quantity),
            Dec::lit("1.4").times(quantity),
        ),
        "Future Option" => (
            if opening {
                Dec::lit("2.5").times(quantity)
            } else {
                Dec::ZERO
            },
            Dec::lit("0.3").times(quantity),
            Dec::lit("1.02").times(quantity),
        ),
        _ => {
            // Stock: no commission; clearing per share; SEC fee + FINRA TAF on sales.
            let regulatory = if selling {
                Dec::from_f64(value.abs().to_f64() * 0.000_027_8 + quantity as f64 * 0.000_166)
                    .round_to(Dec::lit("0.001"))
            } else {
                Dec::ZERO
            };
            (
                Dec::ZERO,
                Dec::lit("0.0008")
                    .times(quantity)
                    .round_to(Dec::lit("0.001")),
                regulatory,
            )
        }
    }
}

fn amount(map: &mut Map<String, Value>, key: &str, signed: Dec) {
    map.insert(key.to_owned(), json!(signed.wire()));
    map.insert(format!("{key}-effect"), json!(signed.effect()));
}

impl Book {
    pub fn new(account: &str, until: i64) -> Self {
        // Distinct id ranges per account, so an id of one account is unknown in another.
        let n: i64 = account
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        Self {
            account: account.to_owned(),
            until,
            events: Vec::new(),
            order_base: 350_000_000 + (n % 100) * 1_000_000,
            tx_base: 290_000_000 + (n % 100) * 1_000_000,
        }
    }

    pub fn order(&mut self, spec: OrderSpec) {
        if spec.at <= self.until {
            self.events.push(Event::Order(spec));
        }
    }

    pub fn entry(&mut self, spec: EntrySpec) {
        if spec.at <= self.until {
            self.events.push(Event::Entry(spec));
        }
    }

    /// A money movement (deposit, withdrawal, dividend, interest, fee, mark-to-market).
    pub fn cash(&mut self, at: i64, sub_type: &'static str, description: String, value: Dec) {
        self.entry(EntrySpec {
            at,
            transaction_type: "Money Movement",
            sub_type,
            description,
            value,
            instrument: None,
            action: None,
            quantity: None,
            price: None,
        });
    }

    pub fn finish(mut self) -> Finished {
        self.events.sort_by_key(Event::at);
        let mut out = Finished {
            orders: Vec::new(),
            transactions: Vec::new(),
        };
        let mut next_order = self.order_base + 1000;
        let mut next_tx = self.tx_base + 1000;
        let events = std::mem::take(&mut self.events);
        for event in events {
            match event {
                Event::Order(spec) => {
                    self.place(spec, None, &mut next_order, &mut next_tx, &mut out)
                }
                Event::Entry(spec) => {
                    next_tx += 7;
                    let row = self.entry_json(next_tx, &spec);
                    out.transactions.push(row);
                }
            }
        }
        out.orders.sort_by_key(|r| r.at);
        out.transactions.sort_by_key(|r| r.at);
        out
    }

    /// Materializes one order (and, for a replace, its replacement) plus its fill transactions.
    fn place(
        &self,
        spec: OrderSpec,
        replaces: Option<i64>,
        next_order: &mut i64,
        next_tx: &mut i64,
        out: &mut Finished,
    ) {
        *next_order += 13;
        let id = *next_order;
        let at = spec.at;
        let mut o = Map::new();
        o.insert("id".into(), json!(id));
        o.insert("account-number".into(), json!(self.account));
        o.insert("time-in-force".into(), json!(spec.time_in_force));
        o.insert("order-type".into(), json!(spec.order_type));
        o.insert("size".into(), json!(spec.size));
        o.insert("underlying-symbol".into(), json!(spec.underlying));
        o.insert(
            "underlying-instrument-type".into(),
            json!(spec.underlying_type),
        );
        if let Some((price, effect)) = spec.price {
            o.insert("price".into(), json!(price.to_string()));
            o.insert("price-effect".into(), json!(effect));
        }
        o.insert(
            "ext-client-order-id".into(),
            json!(format!("{:x}", id * 7919)),
        );
        o.insert(
            "global-request-id".into(),
            json!(format!(
                "{:032x}=order-api={:012x}",
                id as u128 * 0x9e37_79b9,
                id * 31
            )),
        );
        o.insert("received-at".into(), json!(iso(at)));
        o.insert("destination-venue".into(), json!(VENUE));
        if let Some(old) = replaces {
            o.insert("replaces-order-id".into(), json!(old));
        }

        let routed = !matches!(spec.outcome, Outcome::Rejected { .. });
        o.insert("in-flight-at".into(), json!(iso(at + 35)));
        if routed {
            o.insert("live-at".into(), json!(iso(at + 60)));
            o.insert(
                "ext-exchange-order-number".into(),
                json!(format!("{}", id * 104_729)),
            );
            o.insert("ext-global-order-number".into(), json!(id % 10_000_000));
        }

        let mut filled = false;
        let mut working = false;
        let mut edited = false;
        let (status, updated) = match &spec.outcome {
            Outcome::Filled => {
                filled = true;
                let last = spec
                    .legs
                    .iter()
                    .map(|l| at + l.fill_after_ms)
                    .max()
                    .unwrap_or(at);
                o.insert("terminal-at".into(), json!(iso(last + 150)));
                ("Filled", last + 150)
            }
            Outcome::Cancelled { after_ms } => {
                o.insert("cancelled-at".into(), json!(iso(at + after_ms)));
                o.insert("terminal-at".into(), json!(iso(at + after_ms + 40)));
                ("Cancelled", at + after_ms + 40)
            }
            Outcome::Rejected { reason } => {
                o.insert("reject-reason".into(), json!(reason));
                o.insert("terminal-at".into(), json!(iso(at + 90)));
                ("Rejected", at + 90)
            }
            Outcome::Expired => {
                let close = Date::of_ts(at).at_et(16, 0, 2, 517);
                o.insert("terminal-at".into(), json!(iso(close)));
                ("Expired", close)
            }
            Outcome::Live => {
                working = true;
                ("Live", at + 60)
            }
            Outcome::Replaced { after_ms, .. } => {
                edited = true;
                o.insert("cancelled-at".into(), json!(iso(at + after_ms)));
                o.insert("terminal-at".into(), json!(iso(at + after_ms + 40)));
                // The replacement gets the next id.
                o.insert("replacing-order-id".into(), json!(*next_order + 13));
                ("Cancelled", at + after_ms + 40)
            }
        };
        o.insert("status".into(), json!(status));
        o.insert("cancellable".into(), json!(working));
        o.insert("editable".into(), json!(working));
        o.insert("edited".into(), json!(edited));
        o.insert("updated-at".into(), json!(updated));

        let leg_count = spec.legs.len();
        let mut legs = Vec::new();
        for (i, leg) in spec.legs.iter().enumerate() {
            let mut fills = Vec::new();
            if filled {
                let filled_at = at + leg.fill_after_ms;
                let exec = id * 10 + i as i64;
                fills.push(json!({
                    "ext-group-fill-id": format!("{}", exec * 3),
                    "ext-exec-id": format!("{exec}"),
                    "fill-id": format!("{}_TW::{VENUE}::{}.{exec}-FILL", id % 100, Date::of_ts(filled_at).yymmdd()),
                    "quantity": leg.quantity,
                    "fill-price": leg.fill_price.to_string(),
                    "filled-at": iso(filled_at),
                    "destination-venue": VENUE,
                }));
                *next_tx += 7;
                out.transactions.push(fill_row(
                    &self.account,
                    *next_tx,
                    id,
                    exec,
                    leg_count,
                    leg,
                    filled_at,
                ));
            }
            legs.push(json!({
                "instrument-type": leg.instrument_type,
                "symbol": leg.symbol,
                "quantity": leg.quantity,
                "remaining-quantity": if filled { 0 } else { leg.quantity },
                "action": leg.action,
                "fills": fills,
            }));
        }
        o.insert("legs".into(), Value::Array(legs));
        out.orders.push(Row {
            at,
            json: Value::Object(o),
        });

        if let Outcome::Replaced {
            after_ms,
            price,
            then,
        } = spec.outcome
        {
            let effect = spec.price.map_or("None", |(_, e)| e);
            let replacement = OrderSpec {
                at: at + after_ms,
                price: Some((price, effect)),
                outcome: *then,
                ..spec
            };
            self.place(replacement, Some(id), next_order, next_tx, out);
        }
    }

    fn entry_json(&self, id: i64, e: &EntrySpec) -> Row {
        let mut t = Map::new();
        t.insert("id".into(), json!(id));
        t.insert("account-number".into(), json!(self.account));
        t.insert("transaction-type".into(), json!(e.transaction_type));
        t.insert("transaction-sub-type".into(), json!(e.sub_type));
        t.insert("description".into(), json!(e.description));
        if let Some((symbol, instrument_type, underlying)) = &e.instrument {
            t.insert("symbol".into(), json!(symbol));
            t.insert("instrument-type".into(), json!(instrument_type));
            t.insert("underlying-symbol".into(), json!(underlying));
        }
        if let Some(action) = e.action {
            t.insert("action".into(), json!(action));
        }
        if let Some(q) = e.quantity {
            t.insert("quantity".into(), json!(Dec::units(q).to_string()));
        }
        if let Some(p) = e.price {
            t.insert("price".into(), json!(p.to_string()));
        }
        amount(&mut t, "value", e.value);
        amount(&mut t, "net-value", e.value);
        t.insert("is-estimated-fee".into(), json!(true));
        common(&mut t, e.at);
        Row {
            at: e.at,
            json: Value::Object(t),
        }
    }
}

/// The Trade transaction of one leg's fill (docs/tastytrade.md §6.5), fees included.
pub fn fill_row(
    account: &str,
    id: i64,
    order_id: i64,
    exec: i64,
    leg_count: usize,
    leg: &LegSpec,
    at: i64,
) -> Row {
    let buying = leg.action.starts_with("Buy");
    let value = if leg.instrument_type == "Future" {
        Dec::ZERO // futures exchange no premium; P/L arrives as mark-to-market
    } else {
        let v = leg.fill_price.times(leg.quantity * leg.multiplier);
        if buying {
            -v
        } else {
            v
        }
    };
    let (commission, clearing, regulatory) =
        fees(leg.instrument_type, leg.action, leg.quantity, value);
    let net = value - commission - clearing - regulatory;
    let verb = if buying { "Bought" } else { "Sold" };
    let mut t = Map::new();
    t.insert("id".into(), json!(id));
    t.insert("account-number".into(), json!(account));
    t.insert("order-id".into(), json!(order_id));
    t.insert("transaction-type".into(), json!("Trade"));
    t.insert("transaction-sub-type".into(), json!(leg.action));
    t.insert("action".into(), json!(leg.action));
    t.insert(
        "description".into(),
        json!(format!(
            "{verb} {} {} @ {}",
            leg.quantity,
            describe(&leg.symbol, leg.instrument_type),
            leg.fill_price
        )),
    );
    t.insert("symbol".into(), json!(leg.symbol));
    t.insert("instrument-type".into(), json!(leg.instrument_type));
    t.insert("underlying-symbol".into(), json!(leg.underlying));
    t.insert(
        "quantity".into(),
        json!(Dec::units(leg.quantity).to_string()),
    );
    t.insert("price".into(), json!(leg.fill_price.to_string()));
    amount(&mut t, "value", value);
    amount(&mut t, "commission", -commission);
    amount(&mut t, "clearing-fees", -clearing);
    amount(&mut t, "regulatory-fees", -regulatory);
    amount(&mut t, "proprietary-index-option-fees", Dec::ZERO);
    amount(&mut t, "net-value", net);
    t.insert("is-estimated-fee".into(), json!(true));
    t.insert("leg-count".into(), json!(leg_count));
    t.insert("exec-id".into(), json!(format!("{exec}")));
    t.insert("ext-exec-id".into(), json!(format!("{exec}")));
    t.insert("ext-group-fill-id".into(), json!(format!("{}", exec * 3)));
    t.insert(
        "ext-global-order-number".into(),
        json!(order_id % 10_000_000),
    );
    t.insert(
        "ext-exchange-order-number".into(),
        json!(format!("{}", order_id * 104_729)),
    );
    t.insert(
        "exchange".into(),
        json!(match leg.instrument_type {
            "Equity" => "NSD",
            "Equity Option" => "XCB",
            _ => "XCME",
        }),
    );
    t.insert("destination-venue".into(), json!(VENUE));
    common(&mut t, at);
    Row {
        at,
        json: Value::Object(t),
    }
}

fn common(t: &mut Map<String, Value>, at: i64) {
    t.insert("executed-at".into(), json!(iso_z(at)));
    t.insert("created-at".into(), json!(iso_z(at + 1_204)));
    t.insert(
        "transaction-date".into(),
        json!(Date::of_ts(at).to_string()),
    );
    t.insert("currency".into(), json!("USD"));
}
