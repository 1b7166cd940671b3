//! The contract between the simulator and the shared models (docs/contracts.md): every body the
//! simulator serves must parse into its `pocket_shared` type, with the values the app needs.
//! The simulator never depends on `shared` (its JSON is written from the documented wire
//! format, docs/tastytrade.md §4–§7), so this dev-only crate is the one place the two meet.
//!
//! [`parse`] reads a body and applies its type's [`Contract::check`]; every failure names where
//! the body came from. `tests/fixtures.rs` runs it on every fixture file the simulator embeds,
//! `tests/served.rs` on every account endpoint's real answer (the router in-process).

use std::fmt;

use pocket_shared::tastytrade::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where a body came from: an endpoint (or fixture file), and the account it must belong to.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub endpoint: &'a str,
    pub account: Option<&'a str>,
}

impl<'a> Source<'a> {
    pub fn new(endpoint: &'a str) -> Self {
        Self {
            endpoint,
            account: None,
        }
    }

    pub fn of_account(endpoint: &'a str, account: &'a str) -> Self {
        Self {
            endpoint,
            account: Some(account),
        }
    }

    /// Panics with `what`, naming the source, unless `ok`.
    pub fn require(&self, ok: bool, what: impl fmt::Display) {
        assert!(ok, "{self}: {what}");
    }

    /// The account number a body names must be this source's account.
    fn require_account(&self, named: Option<&str>, what: impl fmt::Display) {
        if let Some(want) = self.account {
            self.require(
                named == Some(want),
                format!("{what}: account-number {named:?}, not {want}"),
            );
        }
    }
}

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint)
    }
}

/// A response type and what the app needs from it beyond parsing.
pub trait Contract: DeserializeOwned {
    /// Panics, naming `at`, when a value the app shows is missing or unreadable.
    fn check(&self, at: Source<'_>);
}

/// One item of a list answer (`data.items[]`), or the `data` of a by-id answer.
pub trait Item: DeserializeOwned {
    /// Panics, naming `at`, when a value the app shows is missing or unreadable.
    fn check_item(&self, at: Source<'_>);
}

/// Every list of checkable items: each item is checked.
impl<T: Item> Contract for Envelope<Items<T>> {
    fn check(&self, at: Source<'_>) {
        for item in &self.data.items {
            item.check_item(at);
        }
    }
}

/// The first few hundred characters of a body, for a failure message.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(400).collect()
}

/// Parses `body` as `T` and checks it; a failure names `at`.
pub fn parse<T: Contract>(at: Source<'_>, body: &[u8]) -> T {
    let parsed: T = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{at}: does not parse: {e}\nbody: {}", excerpt(body)));
    parsed.check(at);
    parsed
}

/// For the two models read from a JSON tree rather than a derived decoder (`ApiQuoteToken`,
/// `MarketSession`): `read` gets the answer's `data`.
pub fn parse_data<T>(at: Source<'_>, body: &[u8], read: impl FnOnce(&Value) -> Option<T>) -> T {
    let json: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{at}: not JSON: {e}\nbody: {}", excerpt(body)));
    read(&json["data"]).unwrap_or_else(|| panic!("{at}: does not read\nbody: {}", excerpt(body)))
}

impl Contract for CustomerResponse {
    fn check(&self, at: Source<'_>) {
        at.require(self.data.id.is_some(), "customer id");
    }
}

impl Contract for AccountsResponse {
    fn check(&self, at: Source<'_>) {
        at.require(!self.data.items.is_empty(), "no accounts");
        for a in &self.data.items {
            at.require(
                a.account.account_number.len() == 8,
                format!("account number {:?}", a.account.account_number),
            );
            at.require(
                a.account.margin_or_cash.is_some(),
                format!("{}: margin-or-cash", a.account.account_number),
            );
        }
    }
}

impl Contract for BalancesResponse {
    fn check(&self, at: Source<'_>) {
        check_balances(at, &self.data.0, "balances");
    }
}

fn check_balances(at: Source<'_>, b: &Balances, what: &str) {
    at.require_account(b.account_number.as_deref(), what);
    at.require(
        b.net_liquidating_value.is_some(),
        format!("{what}: net liq"),
    );
    at.require(b.buying_power().is_some(), format!("{what}: buying power"));
    at.require(b.cash_balance.is_some(), format!("{what}: cash"));
}

impl Item for Position {
    fn check_item(&self, at: Source<'_>) {
        let p = self;
        at.require_account(p.account_number.as_deref(), &p.symbol);
        at.require(
            !matches!(p.instrument_type, Some(InstrumentType::Unknown(_)) | None),
            format!("{}: instrument type {:?}", p.symbol, p.instrument_type),
        );
        at.require(
            !matches!(
                p.quantity_direction,
                Some(QuantityDirection::Unknown(_)) | None
            ),
            format!("{}: direction {:?}", p.symbol, p.quantity_direction),
        );
        if p.average_open_price.is_some() && (p.mark_price.is_some() || p.close_price.is_some()) {
            at.require(p.unrealized_pl().is_some(), format!("{}: P/L", p.symbol));
        }
    }
}

/// What the order lists and an order's page read; a dry-run's order has no id.
fn check_order(at: Source<'_>, o: &Order) {
    let what = format!("order {:?}", o.id);
    at.require_account(o.account_number.as_deref(), &what);
    at.require(
        !matches!(o.status, Some(OrderStatus::Unknown(_)) | None),
        format!("{what}: status {:?}", o.status),
    );
    at.require(!o.legs.is_empty(), format!("{what}: no legs"));
}

/// An order of `/orders`, `/orders/live`, or `/orders/{id}`.
impl Item for Order {
    fn check_item(&self, at: Source<'_>) {
        at.require(self.id.is_some(), "an order without an id");
        check_order(at, self);
    }
}

impl Contract for OrderResponse {
    fn check(&self, at: Source<'_>) {
        self.data.check_item(at);
    }
}

impl Item for Transaction {
    fn check_item(&self, at: Source<'_>) {
        let what = format!("transaction {:?}", self.id);
        at.require(self.id.is_some(), "a transaction without an id");
        at.require_account(self.account_number.as_deref(), &what);
        at.require(
            !matches!(
                self.transaction_type,
                Some(TransactionType::Unknown(_)) | None
            ),
            format!("{what}: type {:?}", self.transaction_type),
        );
        at.require(
            self.signed_net_value().is_some(),
            format!("{what}: net value"),
        );
    }
}

impl Contract for TransactionResponse {
    fn check(&self, at: Source<'_>) {
        self.data.check_item(at);
    }
}

impl Contract for TotalFeesResponse {
    fn check(&self, at: Source<'_>) {
        at.require(self.data.signed().is_some(), "total fees");
    }
}

impl Item for NetLiqPoint {
    fn check_item(&self, at: Source<'_>) {
        at.require(
            self.parsed_time().is_some(),
            format!("time {:?}", self.time),
        );
        at.require(self.close.is_some(), format!("{:?}: close", self.time));
    }
}

impl Item for BalanceSnapshot {
    fn check_item(&self, at: Source<'_>) {
        let day = self.balances.snapshot_date.as_deref().unwrap_or("?");
        at.require(
            !matches!(self.time_of_day, Some(TimeOfDay::Unknown(_)) | None),
            format!("snapshot {day}: time-of-day {:?}", self.time_of_day),
        );
        check_balances(at, &self.balances, &format!("snapshot {day}"));
    }
}

impl Contract for TradingStatusResponse {
    fn check(&self, at: Source<'_>) {
        at.require_account(self.data.account_number.as_deref(), "trading status");
    }
}

impl Contract for MarginRequirementsResponse {
    fn check(&self, at: Source<'_>) {
        at.require_account(self.data.account_number.as_deref(), "margin requirements");
    }
}

impl Item for Watchlist {
    fn check_item(&self, at: Source<'_>) {
        at.require(!self.name.is_empty(), "a list without a name");
        for e in &self.watchlist_entries {
            at.require(
                !e.symbol.is_empty(),
                format!("{}: an empty symbol", self.name),
            );
        }
    }
}

impl Contract for WatchlistResponse {
    fn check(&self, at: Source<'_>) {
        self.data.check_item(at);
    }
}

impl Item for MarketMetric {
    fn check_item(&self, at: Source<'_>) {
        at.require(!self.symbol.is_empty(), "a metric without a symbol");
    }
}

/// `GET /symbols/search/{prefix}`.
impl Item for SymbolMatch {
    fn check_item(&self, at: Source<'_>) {
        at.require(!self.symbol.is_empty(), "a match without a symbol");
    }
}

/// A tick table the ticket can round a price with (docs/tastytrade.md §6.10).
fn require_ticks(at: Source<'_>, table: &[TickSize], what: &str) {
    at.require(
        tick_for(table, Decimal::ONE).is_some(),
        format!("{what}: no usable tick"),
    );
}

/// `GET /instruments/equities/{symbol}`.
impl Contract for Envelope<EquityInstrument> {
    fn check(&self, at: Source<'_>) {
        require_ticks(at, &self.data.tick_sizes, &self.data.symbol);
        require_ticks(at, &self.data.option_tick_sizes, &self.data.symbol);
    }
}

/// `GET /instruments/futures?symbol[]=…`.
impl Item for FutureInstrument {
    fn check_item(&self, at: Source<'_>) {
        at.require(
            self.streamer_symbol
                .as_deref()
                .is_some_and(|s| !s.is_empty()),
            format!("{}: streamer symbol", self.symbol),
        );
        at.require(
            self.notional_multiplier.is_some_and(|m| m > Decimal::ZERO),
            format!("{}: notional multiplier", self.symbol),
        );
        require_ticks(at, &self.tick_sizes, &self.symbol);
        require_ticks(at, &self.option_tick_sizes, &self.symbol);
    }
}

/// What the chain screen builds from a chain's roots: expirations with strikes and ticks.
fn check_chains(at: Source<'_>, chains: &[NestedChain]) {
    let list = expirations(chains, Decimal::ONE);
    at.require(!list.is_empty(), "no expirations");
    for e in &list {
        at.require(!e.strikes.is_empty(), format!("{}: no strikes", e.date));
        require_ticks(at, &e.ticks, &e.date);
    }
}

/// `GET /option-chains/{underlying}/nested`.
impl Contract for Envelope<Items<NestedChain>> {
    fn check(&self, at: Source<'_>) {
        check_chains(at, &self.data.items);
    }
}

/// `GET /futures-option-chains/{product}/nested`.
impl Contract for Envelope<FuturesChain> {
    fn check(&self, at: Source<'_>) {
        check_chains(at, &self.data.option_chains);
    }
}

/// A dry-run's or a placement's answer: the order, and what the review shows.
impl Contract for Envelope<OrderPreview> {
    fn check(&self, at: Source<'_>) {
        let p = &self.data;
        at.require_account(p.order.account_number.as_deref(), "preview");
        at.require(!p.order.legs.is_empty(), "preview: no legs");
        let effect = p.buying_power_effect.as_ref();
        at.require(
            effect.is_some_and(|e| e.change().is_some() && e.new_value().is_some()),
            "preview: buying-power effect",
        );
        at.require(
            p.fee_calculation
                .as_ref()
                .is_some_and(|f| f.total_fees.is_some()),
            "preview: fees",
        );
    }
}
