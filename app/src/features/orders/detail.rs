//! One order (`GET /accounts/{n}/orders/{id}`, docs/tastytrade.md §6.4): its legs with every
//! fill, the status timeline (received → live → filled / cancelled / rejected with the
//! reason), and the links of a cancel/replace.

use leptos::prelude::*;
use pocket_shared::tastytrade::{Fill, Order, OrderLeg, OrderStatus, SymbolParts};

use super::row::{ended_line, kind_line, price_view, status_chip, status_label};
use crate::api::{self, ApiError};
use crate::components::{loaded, Empty};
use crate::data::Query;
use crate::format;
use crate::router::Route;

/// One step of the timeline: what happened and when (ISO-8601).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub label: String,
    pub at: String,
    /// The terminal step of a rejected order carries the reason.
    pub note: Option<String>,
    pub tone: &'static str,
}

/// The steps tastytrade reports times for, in order. The terminal step is the order's status
/// at `terminal-at` (`cancelled-at` for a cancel that has not completed).
pub fn timeline(order: &Order) -> Vec<Step> {
    let step = |label: &str, at: Option<&str>, tone: &'static str| {
        at.map(|at| Step {
            label: label.to_owned(),
            at: at.to_owned(),
            note: None,
            tone,
        })
    };
    let mut steps: Vec<Step> = [
        step("Received", order.received_at.as_deref(), ""),
        step("Live", order.extra_time("live-at"), "live"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let terminal_at = order
        .terminal_at
        .as_deref()
        .or_else(|| order.extra_time("cancelled-at"));
    if !order.is_working() {
        let tone = match &order.status {
            Some(OrderStatus::Filled) => "up",
            Some(OrderStatus::Rejected) => "down",
            _ => "",
        };
        if let Some(mut last) = step(&status_label(order), terminal_at, tone) {
            last.note = order.reject_reason.clone().filter(|r| !r.is_empty());
            steps.push(last);
        }
    }
    steps
}

fn timeline_view(order: &Order) -> impl IntoView {
    let steps = timeline(order)
        .into_iter()
        .map(|s| {
            view! {
                <li class=format!("step {}", s.tone) data-testid="order-step">
                    <span class="step-label">{s.label}</span>
                    <time datetime=s.at.clone()>{format::date_time(&s.at)}</time>
                    {s.note.map(|n| view! { <p class="step-note" data-testid="reject-reason">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    let working = order.is_working().then(
        || view! { <li class="step live pending"><span class="step-label">"Working"</span></li> },
    );
    view! { <ol class="timeline">{steps}{working}</ol> }
}

fn fill_row(fill: &Fill) -> impl IntoView {
    view! {
        <tr data-testid="fill-row">
            <td>{fill.filled_at.as_deref().map(format::date_time).unwrap_or_default()}</td>
            <td class="num">{fill.quantity.map(|q| q.normalize().to_string()).unwrap_or_default()}</td>
            <td class="num">{fill.fill_price.map(format::price).unwrap_or_default()}</td>
            <td class="venue">{fill.destination_venue.clone().unwrap_or_default()}</td>
        </tr>
    }
}

fn leg_view(leg: &OrderLeg) -> impl IntoView {
    let parts = SymbolParts::parse(&leg.symbol);
    let action = leg.action.as_ref().map(|a| a.as_str().to_owned());
    let quantity = leg.quantity.map(|q| q.normalize().to_string());
    let average = leg.average_fill_price().map(format::price);
    let remaining = leg
        .remaining_quantity
        .filter(|r| !r.is_zero())
        .map(|r| format!("{} remaining", r.normalize()));
    let fills = (!leg.fills.is_empty()).then(|| {
        let rows = leg.fills.iter().map(fill_row).collect_view();
        view! {
            <table class="fills">
                <thead>
                    <tr>
                        <th scope="col">"Filled"</th>
                        <th scope="col" class="num">"Qty"</th>
                        <th scope="col" class="num">"Price"</th>
                        <th scope="col">"Venue"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <li class="leg" data-testid="order-leg" data-symbol=leg.symbol.clone()>
            <p class="leg-head">
                <span class="leg-action">{action}" "{quantity}</span>
                <span class="sym-title">{parts.title()}</span>
                {parts.subtitle().map(|s| view! { <span class="sym-sub">{s}</span> })}
            </p>
            <p class="leg-figures muted">
                {average.map(|a| view! { <span>"Avg fill "<strong data-testid="leg-average">{a}</strong></span> })}
                {remaining.map(|r| view! { <span>{r}</span> })}
                {leg.fills.is_empty().then(|| view! { <span>"No fills"</span> })}
            </p>
            {fills}
        </li>
    }
}

/// "Replaces #1" / "Replaced by #2" links of a cancel/replace.
fn replace_links(account: &str, order: &Order) -> impl IntoView {
    let link = |label: &'static str, id: Option<i64>, testid: &'static str| {
        let id = id.and_then(|i| u64::try_from(i).ok())?;
        let href = Route::Order(account.to_owned(), id).href();
        Some(view! {
            <a class="replace-link" href=href data-testid=testid>{label}" #"{id}</a>
        })
    };
    view! {
        {link("Replaces order", order.replaces_order_id(), "order-replaces")}
        {link("Replaced by order", order.replacing_order_id(), "order-replaced-by")}
    }
}

fn order_view(account: &str, order: &Order) -> impl IntoView {
    let underlying = order.underlying_symbol.clone().unwrap_or_default();
    let legs = order.legs.iter().map(leg_view).collect_view();
    let ended = ended_line(order);
    view! {
        <section class="card order-summary" aria-label="Order" data-testid="order-detail">
            <div class="summary-head">
                {status_chip(order)}
                <span class="order-underlying">{underlying}</span>
                <span class="order-price num">{price_view(order)}</span>
            </div>
            <p class="order-legs">{order.compact_leg_summary()}</p>
            <p class="muted">{kind_line(order)}{ended.map(|e| format!(" · {e}"))}</p>
            <p class="replace-links">{replace_links(account, order)}</p>
        </section>
        <section class="card order-section" aria-labelledby="order-timeline-h">
            <h2 id="order-timeline-h">"Status"</h2>
            {timeline_view(order)}
        </section>
        <section class="card order-section" aria-labelledby="order-legs-h">
            <h2 id="order-legs-h">"Legs and fills"</h2>
            <ul class="legs">{legs}</ul>
        </section>
    }
}

fn detail_skeleton() -> AnyView {
    view! { <div class="skeleton sk-panel" role="status" aria-label="Loading the order"></div> }
        .into_any()
}

#[component]
pub fn OrderPage(account: String, id: u64) -> impl IntoView {
    let number = account.clone();
    let order = Query::new(move |signal| {
        Some(api::get::<Order>(
            &["accounts", &number, "orders", &id.to_string()],
            "",
            signal.as_ref(),
        ))
    });
    let back = Route::Orders(account.clone()).href();
    // An unknown id (or another account's) is a 404 `record_not_found` (docs/tastytrade.md
    // §6.4): say so instead of offering a retry that cannot help.
    let not_found =
        move || order.with(|s| matches!(s, Some(Err(ApiError::Tastytrade { status: 404, .. }))));
    view! {
        <div class="page-head">
            <h1>"Order "{id}</h1>
            <a class="btn btn-secondary btn-sm" href=back data-testid="back-to-orders">"All orders"</a>
        </div>
        <Show
            when=not_found
            fallback=move || loaded(order, detail_skeleton, {
                let account = account.clone();
                move |o: &Order| order_view(&account, o)
            })
        >
            <section class="card">
                <Empty
                    title="Order not found"
                    text="This account has no order with that number."
                    testid="order-not-found"
                />
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(json: serde_json::Value) -> Order {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn filled_order_has_three_steps() {
        let o = order(serde_json::json!({
            "status": "Filled",
            "received-at": "2026-07-22T15:02:40.632+00:00",
            "live-at": "2026-07-22T15:02:40.692+00:00",
            "terminal-at": "2026-07-22T15:02:41.262+00:00"
        }));
        let steps = timeline(&o);
        let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["Received", "Live", "Filled"]);
        assert_eq!(steps[2].at, "2026-07-22T15:02:41.262+00:00");
        assert_eq!(steps[2].tone, "up");
    }

    #[test]
    fn rejected_order_never_went_live_and_says_why() {
        let o = order(serde_json::json!({
            "status": "Rejected",
            "received-at": "2026-07-22T15:02:40.632+00:00",
            "terminal-at": "2026-07-22T15:04:10.632+00:00",
            "reject-reason": "Insufficient buying power"
        }));
        let steps = timeline(&o);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].label, "Rejected");
        assert_eq!(steps[1].tone, "down");
        assert_eq!(steps[1].note.as_deref(), Some("Insufficient buying power"));
    }

    #[test]
    fn working_order_has_no_terminal_step_and_cancel_falls_back_to_cancelled_at() {
        let live = order(serde_json::json!({
            "status": "Live",
            "received-at": "2026-07-22T15:02:40.632+00:00",
            "live-at": "2026-07-22T15:02:40.692+00:00",
            "terminal-at": "2026-07-22T15:02:41.262+00:00"
        }));
        assert_eq!(timeline(&live).len(), 2);
        let cancelled = order(serde_json::json!({
            "status": "Cancelled",
            "cancelled-at": "2026-07-22T15:10:00.000+00:00"
        }));
        let steps = timeline(&cancelled);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].label, "Cancelled");
        assert_eq!(steps[0].at, "2026-07-22T15:10:00.000+00:00");
        assert_eq!(steps[0].note, None);
    }
}
