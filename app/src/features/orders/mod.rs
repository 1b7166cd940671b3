//! Orders: the working orders first (`/orders/live`, those still working), then the history
//! (the paginated search, newest first) with its filters in the address and "load more";
//! each order links to its detail. CSV of the loaded orders. docs/tastytrade.md §6.4.

mod csv;
mod detail;
mod filters;
mod row;

use leptos::prelude::*;
use pocket_shared::tastytrade::{Items, Order};

pub use detail::OrderPage;
use filters::{OrderFilters, OrderFiltersForm};
use row::order_list;

use crate::api;
use crate::components::{self, load_more, loaded, CsvButton, Empty};
use crate::data::{Paged, Query};
use crate::format;
use crate::router::Router;

fn list_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading orders"></div> }
        .into_any()
}

/// The working orders: `/orders/live` holds today's orders in any status plus older ones
/// still working; only those still working belong here (the rest are in the history).
fn working_view(account: &str, live: &[Order]) -> AnyView {
    let working: Vec<Order> = live.iter().filter(|o| o.is_working()).cloned().collect();
    if working.is_empty() {
        return view! {
            <Empty
                title="No working orders"
                text="Orders waiting to fill show here."
                testid="working-empty"
            />
        }
        .into_any();
    }
    order_list(account, &working, "working-orders").into_any()
}

fn history_view(account: String, history: Paged<Order>, filters: Memo<OrderFilters>) -> AnyView {
    let list = move || {
        history.with_items(|first, more| {
            if first.is_empty() {
                let text = filters.with(|f| {
                    format!(
                        "No orders match these filters from {} to {}.",
                        format::date(&f.range.from),
                        format::date(&f.range.to)
                    )
                });
                return view! { <Empty title="No orders" text testid="orders-empty" /> }.into_any();
            }
            let all: Vec<Order> = first.iter().chain(more).cloned().collect();
            order_list(&account, &all, "order-history").into_any()
        })
    };
    view! {
        {list}
        {load_more(history, "orders-load-more")}
    }
    .into_any()
}

#[component]
pub fn OrdersPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let today = format::today_iso();
    let filters = Memo::new({
        let today = today.clone();
        move |_| OrderFilters::from_query(|k| router.query(k), &today)
    });
    let live = Query::new({
        let account = account.clone();
        move |signal| {
            let request = api::get::<Items<Order>>(
                &["accounts", &account, "orders", "live"],
                "",
                signal.as_ref(),
            );
            Some(async move { Ok(request.await?.items) })
        }
    });
    let history = Paged::new({
        let account = account.clone();
        move |offset, signal| {
            let query = filters.with(|f| f.range.is_ordered().then(|| f.api_query(offset)))?;
            Some(api::get_page::<Order>(
                &["accounts", &account, "orders"],
                &query,
                signal.as_ref(),
            ))
        }
    });
    let export = {
        let account = account.clone();
        move || {
            let working = live.with_ok(|l| {
                l.iter()
                    .filter(|o| o.is_working())
                    .cloned()
                    .collect::<Vec<_>>()
            });
            let loaded = history
                .with_items(|first, more| first.iter().chain(more).cloned().collect::<Vec<_>>());
            if working.is_none() && loaded.is_none() {
                return None;
            }
            let all = working
                .into_iter()
                .flatten()
                .chain(loaded.into_iter().flatten())
                .collect::<Vec<_>>();
            Some((
                components::csv::file_name(&account, "orders"),
                csv::orders_csv(&account, &all),
            ))
        }
    };
    let ordered = move || filters.with(|f| f.range.is_ordered());
    let working_account = account.clone();
    view! {
        <div class="page-head">
            <h1>"Orders"</h1>
            <CsvButton make=export testid="orders-csv" />
        </div>
        <section class="card orders-section" aria-labelledby="working-h" data-testid="working-section">
            <h2 id="working-h">"Working"</h2>
            {loaded(live, list_skeleton, move |list: &Vec<Order>| working_view(&working_account, list))}
        </section>
        <section class="card orders-section" aria-labelledby="history-h" data-testid="history-section">
            <h2 id="history-h">"History"</h2>
            <OrderFiltersForm filters today />
            <Show
                when=ordered
                fallback=|| view! {
                    <Empty
                        title="Check the dates"
                        text="The start date is after the end date."
                        testid="orders-bad-range"
                    />
                }
            >
                {
                    let account = account.clone();
                    loaded(history.first(), list_skeleton, move |_: &Vec<Order>| {
                        history_view(account.clone(), history, filters)
                    })
                }
            </Show>
        </section>
    }
}
