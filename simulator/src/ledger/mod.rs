//! The demo accounts' history, generated for the simulator's "today": orders, transactions and
//! net-liq series. Deterministic: the same today always gives the same bytes.
//!
//! Built once per today (see `SimState::ledger`) from the positions and balances fixtures:
//! the fills that opened today's positions exist at the positions' `created-at`, and the net
//! liq ends at the balances fixture's `net-liquidating-value` (the history endpoints move that
//! end to the current balances with [`ending_at`]).

mod book;
mod netliq;
pub mod rng;
mod scripts;
pub mod symbols;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::dates::{Date, MS_PER_DAY};
use crate::decimal::Dec;
use crate::fixtures::Fixtures;

pub use book::{fees, fill_row, LegSpec, VENUE};
pub use netliq::{ending_at, DAILY_YEARS, INTRADAY_STEP_MIN};

/// A list entry with the instant it is sorted and filtered by (`received-at` for orders,
/// `executed-at` for transactions), so handlers don't re-parse timestamps.
#[derive(Debug, Clone)]
pub struct Row {
    pub at: i64,
    pub json: Value,
}

/// One net-liq OHLC point (docs/tastytrade.md §6.6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub time: i64,
    pub open: Dec,
    pub high: Dec,
    pub low: Dec,
    pub close: Dec,
}

#[derive(Debug, Clone, Default)]
pub struct AccountLedger {
    /// Ascending by `received-at`.
    pub orders: Vec<Row>,
    /// Ascending by `executed-at`.
    pub transactions: Vec<Row>,
    /// One bar per trading day, ascending; the last is the last trading day.
    pub daily: Vec<Bar>,
    /// The last trading day's 5-minute bars.
    pub intraday: Vec<Bar>,
}

#[derive(Debug)]
pub struct Ledger {
    pub today: Date,
    /// The last trading day on or before today.
    pub last: Date,
    pub accounts: BTreeMap<String, AccountLedger>,
}

impl Ledger {
    pub fn build(today: Date, fixtures: &Fixtures) -> Self {
        let clock = scripts::Clock {
            today,
            last: today.on_or_before_trading(),
        };
        let until = today.start_ms() + MS_PER_DAY - 1;
        let mut accounts = BTreeMap::new();
        for n in &fixtures.owned {
            let Some(f) = fixtures.by_account.get(n) else {
                continue;
            };
            let positions = f.positions["data"]["items"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let balances = &f.balances["data"];
            let mut book = book::Book::new(n, until);
            scripts::openings(&mut book, &positions);
            scripts::dividends(&mut book, clock, &positions);
            scripts::held_futures(&mut book, clock, &positions);
            let cash =
                Dec::parse(balances["cash-balance"].as_str().unwrap_or("0")).unwrap_or_default();
            // About 2% a year on the cash balance.
            scripts::interest(&mut book, clock, n, cash.scale(0.02 / 12.0));
            let account = fixtures.account(n).cloned().unwrap_or_default();
            if account["is-futures-approved"] == true {
                scripts::futures_account(&mut book, clock);
            } else if account["margin-or-cash"] == "Cash" {
                scripts::ira_account(&mut book, clock);
            } else {
                scripts::margin_account(&mut book, clock);
            }
            let done = book.finish();

            let mut flows: BTreeMap<Date, Dec> = BTreeMap::new();
            for t in &done.transactions {
                let sub = t.json["transaction-sub-type"].as_str().unwrap_or_default();
                if matches!(sub, "Deposit" | "Withdrawal") {
                    let v =
                        Dec::parse(t.json["net-value"].as_str().unwrap_or("0")).unwrap_or_default();
                    let v = if t.json["net-value-effect"] == "Debit" {
                        -v
                    } else {
                        v
                    };
                    let day = flows.entry(Date::of_ts(t.at)).or_default();
                    *day = *day + v;
                }
            }
            let nlv = Dec::parse(balances["net-liquidating-value"].as_str().unwrap_or("0"))
                .unwrap_or_default();
            let (daily, intraday) = netliq::series(n, clock.last, nlv, &flows);
            accounts.insert(
                n.clone(),
                AccountLedger {
                    orders: done.orders,
                    transactions: done.transactions,
                    daily,
                    intraday,
                },
            );
        }
        Self {
            today,
            last: clock.last,
            accounts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any today from the fixtures' as-of date on builds without panicking, keeps everything
    /// at or before today, and ends the net liq at the balances' value.
    #[test]
    fn builds_for_every_today() {
        let fixtures = Fixtures::load().unwrap();
        let as_of = fixtures.as_of().unwrap();
        for step in 0..220 {
            let today = as_of.add_days(step * 5);
            let ledger = Ledger::build(today, &fixtures);
            let end = today.start_ms() + MS_PER_DAY;
            for (n, a) in &ledger.accounts {
                assert!(
                    a.orders.iter().chain(&a.transactions).all(|r| r.at < end),
                    "{today} {n}"
                );
                let nlv = &fixtures.by_account[n].balances["data"]["net-liquidating-value"];
                assert_eq!(
                    a.daily.last().unwrap().close.to_string(),
                    nlv.as_str().unwrap()
                );
                assert_eq!(
                    a.intraday.last().unwrap().close.to_string(),
                    nlv.as_str().unwrap()
                );
                assert!(a
                    .daily
                    .iter()
                    .all(|b| b.low <= b.open.min(b.close) && b.high >= b.open.max(b.close)));
                assert!(
                    a.daily.iter().all(|b| b.low > Dec::ZERO),
                    "{today} {n}: positive net liq"
                );
            }
        }
    }
}
