//! The market as the rest of the simulator sees it: built on first use for the current today
//! (and rebuilt when today changes), caught up with the wall clock on every read, and the
//! source of the marks REST positions and balances carry, so they agree with the stream.

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::dates::parse_datetime;
use crate::decimal::Dec;
use crate::fixtures::Fixtures;
use crate::ledger::Ledger;
use crate::market::{self, Control, Holding, Market};
use crate::state::SimState;

/// The market, locked, built and caught up.
pub struct MarketGuard<'a>(MutexGuard<'a, Option<Market>>);

impl Deref for MarketGuard<'_> {
    type Target = Market;
    fn deref(&self) -> &Market {
        self.0.as_ref().expect("built by SimState::market")
    }
}

impl DerefMut for MarketGuard<'_> {
    fn deref_mut(&mut self) -> &mut Market {
        self.0.as_mut().expect("built by SimState::market")
    }
}

pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn dec_field(v: &Value, key: &str) -> Option<f64> {
    v[key].as_str().and_then(Dec::parse).map(Dec::to_f64)
}

/// Everything the fixtures (positions of every account, watchlists) and the ledger (order
/// legs) name, fixture positions with their marks.
pub fn holdings(fixtures: &Fixtures, ledger: &Ledger) -> Vec<Holding> {
    let mut out = Vec::new();
    for account in fixtures.by_account.values() {
        for p in account.positions["data"]["items"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.push(Holding {
                symbol: p["symbol"].as_str().unwrap_or_default().to_owned(),
                instrument_type: p["instrument-type"].as_str().unwrap_or_default().to_owned(),
                underlying_symbol: p["underlying-symbol"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                mark: dec_field(p, "mark"),
                close: dec_field(p, "close-price"),
                multiplier: p["multiplier"].as_f64(),
                expires_ms: p["expires-at"].as_str().and_then(parse_datetime),
            });
        }
    }
    let legs = ledger
        .accounts
        .values()
        .flat_map(|a| a.orders.iter())
        .flat_map(|o| o.json["legs"].as_array().cloned().unwrap_or_default());
    let entries = [&fixtures.watchlists, &fixtures.public_watchlists]
        .into_iter()
        .flat_map(|w| w["data"]["items"].as_array().cloned().unwrap_or_default())
        .flat_map(|w| {
            w["watchlist-entries"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        });
    for item in legs.chain(entries) {
        out.push(Holding {
            symbol: item["symbol"].as_str().unwrap_or_default().to_owned(),
            instrument_type: item["instrument-type"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            underlying_symbol: item["underlying-symbol"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            ..Holding::default()
        });
    }
    out
}

impl SimState {
    /// The market for the current today, caught up with the wall clock.
    pub fn market(&self) -> MarketGuard<'_> {
        let today = self.today();
        let needs_build = self.market_slot().as_ref().is_none_or(|m| m.today != today);
        let built = needs_build.then(|| {
            let config = self.config();
            let held = holdings(self.fixtures(), &self.ledger());
            let control = self
                .market_slot()
                .as_ref()
                .map(|m| m.control.clone())
                .unwrap_or_else(|| Control::new(config.ticks_per_sec));
            market::build(today, config.market_seed, control, wall_ms(), &held)
        });
        let mut slot = self.market_slot();
        if let Some(m) = built {
            if slot.as_ref().is_none_or(|old| old.today != today) {
                *slot = Some(m);
            }
        }
        if let Some(m) = slot.as_mut() {
            m.advance(Instant::now());
        }
        MarketGuard(slot)
    }
}

/// A wire decimal (4 places at most, as tastytrade writes prices).
pub fn wire(price: f64) -> String {
    Dec::from_f64(price).to_string()
}

/// Positions take the market's current mark (`mark`, `mark-price`, when asked for) and its
/// previous close (`close-price`).
pub fn mark_positions(market: &Market, items: &mut [Value], include_marks: bool) {
    for item in items.iter_mut() {
        let symbol = item["symbol"].as_str().unwrap_or_default();
        let Some(inst) = market.resolve_rest(symbol) else {
            continue;
        };
        let snap = market.snapshot(&inst);
        item["close-price"] = Value::String(wire(snap.prev_close));
        if include_marks {
            item["mark"] = Value::String(wire(snap.mark));
            item["mark-price"] = Value::String(wire(snap.mark));
        }
    }
}

/// How far the market has moved a position's value since its fixture mark: (long value
/// change, short value change) in dollars, by the balances key pair it belongs to.
fn value_moves(market: &Market, positions: &Value) -> Vec<(&'static str, f64)> {
    let mut moves = Vec::new();
    for p in positions["data"]["items"].as_array().into_iter().flatten() {
        let (Some(fixture_mark), Some(qty), Some(mult)) = (
            dec_field(p, "mark"),
            p["quantity"].as_f64(),
            p["multiplier"].as_f64(),
        ) else {
            continue;
        };
        let Some(inst) = market.resolve_rest(p["symbol"].as_str().unwrap_or_default()) else {
            continue;
        };
        let now = Dec::from_f64(market.snapshot(&inst).mark).to_f64();
        let change = (now - fixture_mark) * qty * mult;
        let short = p["quantity-direction"] == "Short";
        let key = match (p["instrument-type"].as_str(), short) {
            (Some("Equity"), false) => "long-equity-value",
            (Some("Equity"), true) => "short-equity-value",
            (Some("Equity Option"), false) => "long-derivative-value",
            (Some("Equity Option"), true) => "short-derivative-value",
            (Some("Future Option"), false) => "long-futures-derivative-value",
            (Some("Future Option"), true) => "short-futures-derivative-value",
            (Some("Future"), false) => "long-futures-value",
            (Some("Future"), true) => "short-futures-value",
            _ => continue,
        };
        moves.push((key, change));
    }
    moves
}

/// Balances move with the marks (the fixtures agree with the positions at their marks):
/// the position values, the net liquidating value and what derives from it (margin equity
/// where it equals net liq, maintenance excess). Buying power stays as written.
pub fn mark_balances(market: &Market, positions: &Value, data: &mut Value) {
    let moves = value_moves(market, positions);
    if moves.is_empty() {
        return;
    }
    let nlv_before = dec_field(data, "net-liquidating-value");
    let mut nlv_change = 0.0;
    for (key, change) in &moves {
        if let Some(v) = dec_field(data, key) {
            data[*key] = Value::String(wire(v + change));
        }
        // Shorts lose what their value gains; futures notional is outside net liq but their
        // day's move (mark − close) is in it, so a futures mark change moves net liq 1:1.
        nlv_change += if key.starts_with("short") {
            -change
        } else {
            *change
        };
    }
    let Some(nlv) = nlv_before else { return };
    let moved = |v: f64| Value::String(wire(v + nlv_change));
    if dec_field(data, "margin-equity") == Some(nlv) {
        data["margin-equity"] = moved(nlv);
    }
    if let Some(excess) = dec_field(data, "maintenance-excess") {
        data["maintenance-excess"] = moved(excess);
    }
    data["net-liquidating-value"] = moved(nlv);
}
