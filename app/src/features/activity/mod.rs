//! Activity: the account's transactions grouped by day (newest first) with signed amounts and
//! fees, filters in the address, "load more", the fees card (this year, and the period on
//! screen) and the CSV of the loaded rows. docs/tastytrade.md §6.5.

mod csv;
mod fees;
mod filters;
mod group;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use pocket_shared::tastytrade::{SymbolParts, Transaction};
use rust_decimal::Decimal;

use crate::api;
use crate::components::dom::{self, redrawn, set_text, watch, El};
use crate::components::filters::ordered_only;
use crate::components::lazy::ModuleMissing;
use crate::components::{self, card_section, csv_button, page_head, paged_list};
use crate::data::{Paged, Query};
use crate::format;
use crate::router::Router;
use fees::{fee_figure, fetch_total, FeeFuture, FeeTotal};
use filters::{activity_filters_form, ActivityFilters, PER_PAGE};
use group::{by_day, Day};

fn signed_money(v: Option<Decimal>) -> String {
    v.map(format::money_signed).unwrap_or_else(|| "—".into())
}

fn tx_el(t: &Transaction) -> El {
    let net = t.signed_net_value();
    let kind = t
        .transaction_sub_type
        .clone()
        .or_else(|| t.transaction_type.as_ref().map(|k| k.as_str().to_owned()))
        .unwrap_or_default();
    // The underlying is enough beside a description that names the contract; the full
    // symbol (compact) only when there is no underlying.
    let symbol = t
        .underlying_symbol
        .clone()
        .or_else(|| t.symbol.as_deref().map(|s| SymbolParts::parse(s).compact()));
    let fees = t.signed_fees().filter(|f| !f.is_zero()).map(|f| {
        let estimate = if t.is_estimated_fee == Some(true) {
            " (est.)"
        } else {
            ""
        };
        El::leaf("span", "", &format!("Fees {}{estimate}", format::money(-f)))
            .attr("data-testid", "tx-fees")
    });
    let meta = El::new("p", "tx-meta")
        .child(El::leaf("span", "chip", &kind))
        .maybe(symbol.map(|s| El::leaf("span", "", &s)))
        .maybe(fees);
    let row = El::new("li", "tx-row")
        .attr("data-testid", "tx-row")
        .attr(
            "data-type",
            t.transaction_type.as_ref().map_or("", |k| k.as_str()),
        )
        .child(El::leaf(
            "p",
            "tx-desc",
            t.description.as_deref().unwrap_or(&kind),
        ))
        .child(
            El::leaf(
                "span",
                &format!("tx-net num {}", format::pl_class(net)),
                &signed_money(net),
            )
            .attr("data-testid", "tx-net"),
        )
        .child(meta);
    match t.id {
        Some(id) => row.attr("data-tx-id", &id.to_string()),
        None => row,
    }
}

fn day_el(day: Day<'_>) -> El {
    // A day of one transaction shows its amount once (on the row).
    let net = (day.rows.len() > 1).then(|| day.net());
    let heading = if day.date.is_empty() {
        "Undated".to_owned()
    } else {
        format::day_heading(day.date)
    };
    El::new("section", "day")
        .attr("data-testid", "activity-day")
        .attr("data-date", day.date)
        .child(
            El::new("h3", "day-head")
                .child(El::leaf("span", "", &heading))
                .maybe(net.map(|net| {
                    El::leaf(
                        "span",
                        &format!("num {}", format::pl_class(net)),
                        &signed_money(net),
                    )
                })),
        )
        .child(El::new("ul", "tx-list").children(day.rows.iter().map(|t| tx_el(t))))
}

fn days_el(first: &[Transaction], more: &[Transaction], filters: &ActivityFilters) -> El {
    if first.is_empty() {
        let text = format!(
            "No transactions match these filters from {} to {}.",
            format::date(&filters.scope.range.from),
            format::date(&filters.scope.range.to)
        );
        return dom::empty("No activity", &text, "activity-empty");
    }
    El::new("div", "days")
        .attr("data-testid", "activity-list")
        .children(by_day(first.iter().chain(more)).into_iter().map(day_el))
}

fn list_skeleton() -> AnyView {
    El::new("div", "skeleton sk-rows")
        .attr("role", "status")
        .attr("aria-label", "Loading activity")
        .into_view()
        .into_any()
}

/// The period's fees: from the loaded rows when the list's first page holds the whole period
/// (no request), otherwise every page of the period (see `fees`).
fn period_fees(
    account: String,
    list: Paged<Transaction>,
    filters: Memo<ActivityFilters>,
) -> Query<FeeTotal> {
    let complete = Memo::new(move |_| list.first().with_ok(|_| !list.has_more()));
    let list_pending = list.first().pending();
    Query::new(move |signal| -> Option<FeeFuture> {
        let f = filters.get();
        if !f.scope.range.is_ordered() || list_pending.get() {
            return None;
        }
        if complete.get()? {
            let total = list.with_items(|first, more| FeeTotal::of(first.iter().chain(more)))?;
            return Some(Box::pin(async move { Ok(total) }));
        }
        Some(fetch_total(&account, &f, signal))
    })
}

/// "Nov 1 – Dec 6, 2026 (Trade, SPY)": the period the fees card totals.
fn period_label(f: &ActivityFilters) -> String {
    let mut label = format::date_range(&f.scope.range.from, &f.scope.range.to);
    let mut only: Vec<String> = f.types.iter().map(|t| (*t).to_owned()).collect();
    if !f.scope.symbol.is_empty() {
        only.push(f.scope.symbol.clone());
    }
    if !only.is_empty() {
        label.push_str(&format!(" ({})", only.join(", ")));
    }
    label
}

/// One figure of the fees card: `<div class="stat"><dt>…</dt><dd>…</dd></div>`.
fn fee_stat(label: El, total: Query<FeeTotal>, failed: Box<dyn Fn() -> bool>, testid: &str) -> El {
    El::new("div", "stat")
        .child(label)
        .child(fee_figure(El::new("dd", ""), total, failed, testid))
}

/// The Activity screen, from a wasm module of its own (downloaded when the screen is first
/// opened: components/lazy.rs).
#[wasm_split(activity_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn activity_screen(account: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <ActivityPage account /> }.into_any())
}

#[component]
fn ActivityPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let today = format::today_iso();
    let filters = Memo::new({
        let today = today.clone();
        move |_| ActivityFilters::from_query(|k| router.query(k), &today)
    });
    let list = Paged::new({
        let account = account.clone();
        move |offset, signal| {
            let query = filters.with(|f| {
                f.scope
                    .range
                    .is_ordered()
                    .then(|| f.api_query(PER_PAGE, offset))
            })?;
            Some(api::get_page::<Transaction>(
                &["accounts", &account, "transactions"],
                &query,
                signal.as_ref(),
            ))
        }
    });
    let year = Query::new({
        let account = account.clone();
        let ytd = ActivityFilters::year_to_date(&today);
        move |signal| Some(fetch_total(&account, &ytd, signal))
    });
    let period = period_fees(account.clone(), list, filters);
    let export = {
        let account = account.clone();
        move || {
            list.with_items(|first, more| {
                (
                    components::csv::file_name(&account, "activity"),
                    csv::activity_csv(&account, first.iter().chain(more)),
                )
            })
        }
    };
    let days =
        redrawn(move || list.with_items(|first, more| filters.with(|f| days_el(first, more, f))));

    let period_dt = El::new("dt", "").attr("data-testid", "fees-period-label");
    let period_text = period_dt.element();
    watch(move || set_text(&period_text, &filters.with(period_label)));
    let fees = El::new("dl", "fees")
        .child(fee_stat(
            El::leaf("dt", "", "This year"),
            year,
            Box::new(|| false),
            "fees-ytd",
        ))
        .child(fee_stat(
            period_dt,
            period,
            Box::new(move || list.first().with(|s| matches!(s, Some(Err(_))))),
            "fees-period",
        ));
    let fees_card = card_section("card fees-card", "fees-card", "fees-h", "Fees")
        .child(fees)
        .child(El::leaf(
            "p",
            "muted fees-explain",
            "Commissions plus clearing, regulatory and index option fees, net of rebates.",
        ));
    let section = card_section(
        "card activity-section",
        "activity-section",
        "activity-h",
        "Transactions",
    )
    .child(activity_filters_form(filters, today));
    let section = ordered_only(
        section,
        "activity-bad-range",
        paged_list(list, list_skeleton, days, "activity-load-more"),
        filters,
    );
    dom::parts(vec![
        page_head("Activity", csv_button(Box::new(export), "activity-csv")),
        fees_card,
        section,
    ])
}
