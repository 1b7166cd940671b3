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
use crate::components::dom::{self, dom_view, El};
use crate::components::{self, load_more, loaded, CsvButton};
use crate::data::{Paged, Query};
use crate::format;
use crate::router::Router;

fn list_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading orders"></div> }
        .into_any()
}

/// The working orders: `/orders/live` holds today's orders in any status plus older ones
/// still working; only those still working belong here (the rest are in the history).
fn working_el(account: &str, live: &[Order]) -> El {
    if !live.iter().any(Order::is_working) {
        return dom::empty(
            "No working orders",
            "Orders waiting to fill show here.",
            "working-empty",
        );
    }
    order_list(
        account,
        live.iter().filter(|o| o.is_working()),
        "working-orders",
    )
}

fn history_el(account: &str, first: &[Order], more: &[Order], filters: &OrderFilters) -> El {
    if first.is_empty() {
        let text = format!(
            "No orders match these filters from {} to {}.",
            format::date(&filters.scope.range.from),
            format::date(&filters.scope.range.to)
        );
        return dom::empty("No orders", &text, "orders-empty");
    }
    order_list(account, first.iter().chain(more), "order-history")
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
            let query =
                filters.with(|f| f.scope.range.is_ordered().then(|| f.api_query(offset)))?;
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
            // The working orders when they loaded, then the history's loaded pages.
            let csv = live.with(|live| {
                let live = match live {
                    Some(Ok(list)) => list.as_slice(),
                    _ => &[],
                };
                history.with_items(|first, more| {
                    let working = live.iter().filter(|o| o.is_working());
                    csv::orders_csv(&account, working.chain(first).chain(more))
                })
            })?;
            Some((components::csv::file_name(&account, "orders"), csv))
        }
    };
    let ordered = move || filters.with(|f| f.scope.range.is_ordered());
    let working = {
        let account = account.clone();
        dom_view(move || live.with_ok(|list| working_el(&account, list)))
    };
    let list = dom_view(move || {
        history.with_items(|first, more| filters.with(|f| history_el(&account, first, more, f)))
    });
    view! {
        <div class="page-head">
            <h1>"Orders"</h1>
            <CsvButton make=export testid="orders-csv" />
        </div>
        <section class="card orders-section" aria-labelledby="working-h" data-testid="working-section">
            <h2 id="working-h">"Working"</h2>
            {loaded(live, list_skeleton, |_: &Vec<Order>| ())}
            {working}
        </section>
        <section class="card orders-section" aria-labelledby="history-h" data-testid="history-section">
            <h2 id="history-h">"History"</h2>
            <OrderFiltersForm filters today />
            <p class="bad-range" hidden=ordered data-testid="orders-bad-range">
                "The start date is after the end date."
            </p>
            <div hidden=move || !ordered()>
                {loaded(history.first(), list_skeleton, |_: &Vec<Order>| ())}
                {list}
                {load_more(history, "orders-load-more")}
            </div>
        </section>
    }
}
