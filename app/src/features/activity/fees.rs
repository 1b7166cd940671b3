//! Total fees for the year and for the period on screen.
//!
//! How: the fee fields of the period's transactions (commission, clearing, regulatory and
//! proprietary index option fees, each signed by its `-effect`), summed in checked `Decimal`
//! over every page. tastytrade's `/transactions/total-fees?date=` answers one *day* at a time
//! (docs/tastytrade.md §6.5), so a year would cost ~250 calls — 25 s at the worker's 10 calls a
//! second per session — where the transactions themselves come 250 to a page: a year of an
//! active account is a handful of calls, and a 90-day period that fits the list's first page
//! costs none (its rows are already loaded). Both give the same figure: total-fees is the sum of
//! those same fields for the day. Fees are debits, so "paid" is the negated sum; a rebate
//! (a Credit fee) lowers it. Transactions flagged `is-estimated-fee` make the total an estimate.

use pocket_shared::checked::Checked;
use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use pocket_shared::tastytrade::Transaction;
use rust_decimal::Decimal;
use web_sys::AbortSignal;

use super::filters::ActivityFilters;
use crate::api::{self, ApiError};
use crate::components::dom::{set_attr, set_hidden, set_text, watch, El};
use crate::data::Query;
use crate::format;
use crate::url::build_query;

/// Transactions per page when totalling (tastytrade's default page size for transactions).
pub const FEE_PAGE: u32 = 250;

/// At most this many pages (10,000 transactions) are read for one total.
pub const MAX_FEE_PAGES: i64 = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeeTotal {
    /// Fees paid net of rebates (positive when fees were charged); `None` when a figure does
    /// not fit a `Decimal`.
    pub paid: Option<Decimal>,
    /// Some of the fees are tastytrade's estimates (`is-estimated-fee`).
    pub estimated: bool,
    /// The period has more transactions than [`MAX_FEE_PAGES`] pages: `paid` covers the
    /// newest ones only.
    pub truncated: bool,
}

impl FeeTotal {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a Transaction>) -> Self {
        let mut total = FeeTotal {
            paid: Some(Decimal::ZERO),
            ..FeeTotal::default()
        };
        total.add(rows);
        total
    }

    fn add<'a>(&mut self, rows: impl IntoIterator<Item = &'a Transaction>) {
        for t in rows {
            // signed_fees is ≤ 0 for charges; paid counts them positive.
            self.paid = self
                .paid
                .zip(t.signed_fees())
                .and_then(|(paid, fees)| paid.minus(fees));
            self.estimated |=
                t.is_estimated_fee == Some(true) && t.signed_fees().is_some_and(|f| !f.is_zero());
        }
    }
}

pub type FeeFuture = Pin<Box<dyn Future<Output = Result<FeeTotal, ApiError>>>>;

/// Reads every page of `filters`' transactions (one after the other: the worker allows 10
/// calls a second per session) and totals their fees.
pub fn fetch_total(
    account: &str,
    filters: &ActivityFilters,
    signal: Option<AbortSignal>,
) -> FeeFuture {
    let account = account.to_owned();
    let base = filters.api_pairs();
    Box::pin(async move {
        let mut total = FeeTotal::of([]);
        let mut offset = 0;
        loop {
            let mut pairs = base.clone();
            pairs.push(("per-page", FEE_PAGE.to_string()));
            pairs.push(("page-offset", offset.to_string()));
            let page = api::get_page::<Transaction>(
                &["accounts", &account, "transactions"],
                &build_query(&pairs),
                signal.as_ref(),
            )
            .await?;
            total.add(&page.data.items);
            match page.next_offset() {
                None => return Ok(total),
                Some(next) if next >= MAX_FEE_PAGES => {
                    total.truncated = true;
                    return Ok(total);
                }
                Some(next) => offset = next,
            }
        }
    })
}

/// One figure of the fees card: a placeholder, the amount, "—" with a retry after an error
/// (or when `failed`: its input could not load), and "busy, retrying" while throttled.
/// `testid` is the figure's `data-testid`; the figure goes in `dd`.
pub fn fee_figure(
    dd: El,
    total: Query<FeeTotal>,
    failed: Box<dyn Fn() -> bool>,
    testid: &str,
) -> El {
    let retry_in = total.retry_in();
    let figure = El::new("span", "big-figure num").attr("data-testid", testid);
    let note = El::new("small", "muted fee-note").attr("role", "status");
    let retry = El::leaf("button", "btn btn-ghost btn-sm", "Try again")
        .attr("type", "button")
        .on(&["click"], Box::new(move |_| total.reload()));
    let (figure_element, note_element, retry_element) =
        (figure.element(), note.element(), retry.element());
    watch(move || {
        // Throttled: the figure waits (its note counts down) instead of failing.
        let retry_in = retry_in.get();
        let waiting = retry_in.is_some();
        let failed = failed();
        let (text, loading, errored) = total.with(|state| match state {
            Some(Ok(t)) => {
                let mut text = t.paid.map(format::money).unwrap_or_else(|| "—".into());
                if t.truncated {
                    // Only the newest MAX_FEE_PAGES pages were counted: at least this much.
                    text.push('+');
                }
                (text, false, false)
            }
            Some(Err(_)) if waiting => (String::new(), true, false),
            Some(Err(_)) => ("—".into(), false, true),
            None if failed => ("—".into(), false, false),
            None => (String::new(), true, false),
        });
        set_text(&figure_element, &text);
        let class = if loading {
            "big-figure num skeleton sk-fee"
        } else {
            "big-figure num"
        };
        set_attr(&figure_element, "class", class);
        let estimated = total.with(|s| matches!(s, Some(Ok(t)) if t.estimated));
        let note = match retry_in {
            Some(secs) => format!("Busy, retrying in {secs} s"),
            None if estimated => "incl. estimates".into(),
            None => String::new(),
        };
        set_text(&note_element, &note);
        set_hidden(&retry_element, !errored);
    });
    dd.child(figure).child(note).child(retry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn tx(json: serde_json::Value) -> Transaction {
        serde_json::from_value(json).unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn sums_every_fee_field_with_its_effect() {
        let rows = [
            // The documented example (docs/tastytrade.md §6.5): 0.1 clearing + 0.04 regulatory.
            tx(serde_json::json!({
                "commission": "0.0", "commission-effect": "None",
                "clearing-fees": "0.1", "clearing-fees-effect": "Debit",
                "regulatory-fees": "0.04", "regulatory-fees-effect": "Debit",
                "proprietary-index-option-fees": "0.0", "proprietary-index-option-fees-effect": "None",
                "is-estimated-fee": true
            })),
            tx(serde_json::json!({
                "commission": "1.00", "commission-effect": "Debit",
                "proprietary-index-option-fees": "0.65", "proprietary-index-option-fees-effect": "Debit"
            })),
            // A rebate lowers the total; a deposit has no fees.
            tx(serde_json::json!({"clearing-fees": "0.05", "clearing-fees-effect": "Credit"})),
            tx(
                serde_json::json!({"value": "1000", "value-effect": "Credit", "is-estimated-fee": true}),
            ),
        ];
        let total = FeeTotal::of(&rows);
        assert_eq!(total.paid, Some(d("1.74")));
        assert!(total.estimated);
        assert!(!total.truncated);
        let final_only = FeeTotal::of(&rows[1..]);
        assert_eq!(final_only.paid, Some(d("1.6")));
        assert!(
            !final_only.estimated,
            "an estimate flag on a row without fees does not count"
        );
        assert_eq!(FeeTotal::of([]).paid, Some(Decimal::ZERO));
    }

    #[test]
    fn overflow_makes_the_total_unknown() {
        let max = Decimal::MAX.to_string();
        let rows = [
            tx(serde_json::json!({"commission": max, "commission-effect": "Debit"})),
            tx(serde_json::json!({"commission": "1", "commission-effect": "Debit"})),
        ];
        assert_eq!(FeeTotal::of(&rows).paid, None);
        let one = [tx(serde_json::json!({
            "commission": max, "commission-effect": "Debit",
            "clearing-fees": max, "clearing-fees-effect": "Debit"
        }))];
        assert_eq!(FeeTotal::of(&one).paid, None);
    }
}
