//! Orders: the working orders first (`/orders/live`, those still working), then the history
//! (the paginated search, newest first) with its filters in the address and "load more";
//! each order links to its detail. CSV of the loaded orders. docs/tastytrade.md §6.4.

mod csv;
mod detail;
mod filters;
mod row;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use pocket_shared::tastytrade::{Items, Order};

use detail::OrderPage;
use filters::{order_filters_form, OrderFilters};
use row::order_list;

use crate::api;
use crate::components::dom::{self, redrawn, El};
use crate::components::filters::ordered_only;
use crate::components::lazy::ModuleMissing;
use crate::components::{self, card_section, csv_button, loaded, page_head, paged_list};
use crate::data::{Paged, Query};
use crate::format;
use crate::router::Router;
use crate::stream::account::AccountStream;

fn list_skeleton() -> AnyView {
    El::new("div", "skeleton sk-rows")
        .attr("role", "status")
        .attr("aria-label", "Loading orders")
        .into_view()
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

/// The Orders screen, from the orders' wasm module (downloaded when an orders screen is first
/// opened: components/lazy.rs).
#[wasm_split(orders_screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn orders_screen(account: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <OrdersPage account /> }.into_any())
}

/// One order's screen, from the same module as [`orders_screen`].
#[wasm_split(orders_screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn order_screen(account: String, id: u64) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <OrderPage account id /> }.into_any())
}

#[component]
fn OrdersPage(account: String) -> impl IntoView {
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
    follow_announced(&account, live, history.first());
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
    let working = {
        let account = account.clone();
        redrawn(move || live.with_ok(|list| working_el(&account, list)))
    };
    let list = redrawn(move || {
        history.with_items(|first, more| filters.with(|f| history_el(&account, first, more, f)))
    });
    let working_section = card_section(
        "card orders-section",
        "working-section",
        "working-h",
        "Working",
    )
    .mount(loaded(live, list_skeleton, |_: &Vec<Order>| ()).into_any())
    .child(working);
    let history_section = card_section(
        "card orders-section",
        "history-section",
        "history-h",
        "History",
    )
    .child(order_filters_form(filters, today));
    let history_section = ordered_only(
        history_section,
        "orders-bad-range",
        paged_list(history, list_skeleton, list, "orders-load-more"),
        filters,
    );
    dom::parts(vec![
        page_head("Orders", csv_button(Box::new(export), "orders-csv")),
        working_section,
        history_section,
    ])
}

/// Keeps the lists as tastytrade announces each order's changes (no request): an announced
/// order replaces its older state; a new one goes first among the working orders (the history
/// follows its filters, so only orders already in it change there).
fn follow_announced(account: &str, live: Query<Vec<Order>>, history: Query<Vec<Order>>) {
    on_announced_order(account, move |order| {
        for (query, add_new) in [(live, true), (history, false)] {
            if let Some(Some(list)) = query.with_ok(|list| with_announced(list, &order, add_new)) {
                query.set(list);
            }
        }
    });
}

/// Calls `f` with each order of `account` tastytrade announces, while the calling view lives.
fn on_announced_order(account: &str, f: impl Fn(Order) + 'static) {
    let account = account.to_owned();
    AccountStream::expect().listen(move |notice| {
        if notice.kind == "Order" && notice.account == account {
            if let Some(order) = notice.parse::<Order>() {
                f(order);
            }
        }
    });
}

/// `list` with `order` in place of its older state (or first, when `add_new` and it is not
/// there); `None` when nothing changes.
pub fn with_announced(list: &[Order], order: &Order, add_new: bool) -> Option<Vec<Order>> {
    let id = order.id?;
    match list.iter().position(|o| o.id == Some(id)) {
        Some(i) if list[i] == *order || order.is_older_than(&list[i]) => None,
        Some(i) => {
            let mut list = list.to_vec();
            list[i] = order.clone();
            Some(list)
        }
        None if add_new => Some(
            std::iter::once(order.clone())
                .chain(list.iter().cloned())
                .collect(),
        ),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: i64, status: &str, updated_at: i64) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "status": status, "updated-at": updated_at, "legs": []
        }))
        .unwrap()
    }

    #[test]
    fn an_announced_order_replaces_its_older_state_or_goes_first() {
        let list = vec![order(1, "Live", 10), order(2, "Live", 10)];
        let filled = order(2, "Filled", 20);
        let changed = with_announced(&list, &filled, true).expect("a newer state");
        assert_eq!(changed[1], filled);
        assert_eq!(changed.len(), 2);
        // Out of order: an older state never replaces a newer one, nor a finished order.
        assert_eq!(with_announced(&changed, &order(2, "Live", 30), true), None);
        assert_eq!(with_announced(&list, &order(1, "Live", 5), true), None);
        assert_eq!(with_announced(&list, &list[0], true), None, "same state");
        // A new order: first among the working, not added to the history.
        let new = order(3, "Received", 40);
        assert_eq!(
            with_announced(&list, &new, true).map(|l| l[0].id),
            Some(Some(3))
        );
        assert_eq!(with_announced(&list, &new, false), None);
        // Without an id nothing can be placed.
        let mut anonymous = new.clone();
        anonymous.id = None;
        assert_eq!(with_announced(&list, &anonymous, true), None);
    }
}
