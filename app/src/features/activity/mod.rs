//! Activity: the account's transactions grouped by day (newest first) with signed amounts and
//! fees, filters in the address, "load more", the fees card (this year, and the period on
//! screen) and the CSV of the loaded rows. docs/tastytrade.md §6.5.

mod csv;
mod fees;
mod filters;
mod group;

use leptos::prelude::*;
use pocket_shared::tastytrade::{SymbolParts, Transaction};
use rust_decimal::Decimal;

use crate::api;
use crate::components::{self, load_more, loaded, CsvButton, Empty};
use crate::data::{Paged, Query};
use crate::format;
use crate::router::Router;
use fees::{fee_figure, fetch_total, FeeFuture, FeeTotal};
use filters::{ActivityFilters, ActivityFiltersForm, PER_PAGE};
use group::{by_day, Day};

fn signed_money(v: Option<Decimal>) -> String {
    v.map(format::money_signed).unwrap_or_else(|| "—".into())
}

fn tx_row(t: &Transaction) -> impl IntoView {
    let net = t.signed_net_value();
    let fees = t.signed_fees().filter(|f| !f.is_zero());
    let kind = t
        .transaction_sub_type
        .clone()
        .or_else(|| t.transaction_type.as_ref().map(|k| k.as_str().to_owned()))
        .unwrap_or_default();
    let symbol = t
        .symbol
        .as_deref()
        .map(|s| SymbolParts::parse(s).compact())
        .or_else(|| t.underlying_symbol.clone());
    let description = t.description.clone().unwrap_or_else(|| kind.clone());
    view! {
        <li class="tx-row" data-testid="tx-row" data-tx-id=t.id.map(|i| i.to_string())>
            <p class="tx-desc">{description}</p>
            <span class=format!("tx-net num {}", format::pl_class(net)) data-testid="tx-net">
                {signed_money(net)}
            </span>
            <p class="tx-meta">
                <span class="chip">{kind}</span>
                {symbol.map(|s| view! { <span>{s}</span> })}
                {fees.map(|f| view! {
                    <span data-testid="tx-fees">"Fees "{format::money(-f)}
                        {(t.is_estimated_fee == Some(true)).then_some(" (est.)")}
                    </span>
                })}
            </p>
        </li>
    }
}

fn day_view(day: Day<'_>) -> impl IntoView {
    let net = day.net();
    let heading = if day.date.is_empty() {
        "Undated".to_owned()
    } else {
        format::day_heading(day.date)
    };
    let rows = day.rows.iter().map(|t| tx_row(t)).collect_view();
    view! {
        <section class="day" data-testid="activity-day" data-date=day.date.to_owned()>
            <h3 class="day-head">
                <span>{heading}</span>
                <span class=format!("num {}", format::pl_class(net))>{signed_money(net)}</span>
            </h3>
            <ul class="tx-list">{rows}</ul>
        </section>
    }
}

fn list_view(list: Paged<Transaction>, filters: Memo<ActivityFilters>) -> AnyView {
    let days = move || {
        list.with_items(|first, more| {
            if first.is_empty() {
                let text = filters.with(|f| {
                    format!(
                        "No transactions match these filters from {} to {}.",
                        format::date(&f.range.from),
                        format::date(&f.range.to)
                    )
                });
                return view! { <Empty title="No activity" text testid="activity-empty" /> }
                    .into_any();
            }
            by_day(first.iter().chain(more))
                .into_iter()
                .map(day_view)
                .collect_view()
                .into_any()
        })
    };
    view! {
        <div class="days" data-testid="activity-list">{days}</div>
        {load_more(list, "activity-load-more")}
    }
    .into_any()
}

fn list_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading activity"></div> }
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
        if !f.range.is_ordered() || list_pending.get() {
            return None;
        }
        if complete.get()? {
            let total = list.with_items(|first, more| FeeTotal::of(first.iter().chain(more)))?;
            return Some(Box::pin(async move { Ok(total) }));
        }
        Some(fetch_total(&account, &f, signal))
    })
}

#[component]
pub fn ActivityPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let today = format::today_iso();
    let filters = Memo::new({
        let today = today.clone();
        move |_| ActivityFilters::from_query(|k| router.query(k), &today)
    });
    let list = Paged::new({
        let account = account.clone();
        move |offset, signal| {
            let query =
                filters.with(|f| f.range.is_ordered().then(|| f.api_query(PER_PAGE, offset)))?;
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
    let list_failed = Signal::derive(move || list.first().with(|s| matches!(s, Some(Err(_)))));
    let never = Signal::derive(|| false);
    let period_label = move || {
        filters.with(|f| {
            let mut label = format!(
                "{} – {}",
                format::date(&f.range.from),
                format::date(&f.range.to)
            );
            let mut only: Vec<String> = f.types.iter().map(|t| (*t).to_owned()).collect();
            if !f.symbol.is_empty() {
                only.push(f.symbol.clone());
            }
            if !only.is_empty() {
                label.push_str(&format!(" ({})", only.join(", ")));
            }
            label
        })
    };
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
    let ordered = move || filters.with(|f| f.range.is_ordered());
    view! {
        <div class="page-head">
            <h1>"Activity"</h1>
            <CsvButton make=export testid="activity-csv" />
        </div>
        <section class="card fees-card" aria-labelledby="fees-h" data-testid="fees-card">
            <h2 id="fees-h">"Fees"</h2>
            <dl class="fees">
                <div class="stat">
                    <dt>"This year"</dt>
                    <dd>{fee_figure(year, never, "fees-ytd")}</dd>
                </div>
                <div class="stat">
                    <dt data-testid="fees-period-label">{period_label}</dt>
                    <dd>{fee_figure(period, list_failed, "fees-period")}</dd>
                </div>
            </dl>
            <p class="muted fees-explain">"Commissions plus clearing, regulatory and index option fees, net of rebates."</p>
        </section>
        <section class="card activity-section" aria-labelledby="activity-h" data-testid="activity-section">
            <h2 id="activity-h">"Transactions"</h2>
            <ActivityFiltersForm filters today />
            <Show
                when=ordered
                fallback=|| view! {
                    <Empty
                        title="Check the dates"
                        text="The start date is after the end date."
                        testid="activity-bad-range"
                    />
                }
            >
                {loaded(list.first(), list_skeleton, move |_: &Vec<Transaction>| list_view(list, filters))}
            </Show>
        </section>
    }
}
