//! One order (`GET /accounts/{n}/orders/{id}`, docs/tastytrade.md §6.4): its legs with every
//! fill, the status timeline (received → live → filled / cancelled / rejected with the
//! reason), and the links of a cancel/replace.

use leptos::prelude::*;
use pocket_shared::tastytrade::{Fill, Order, OrderLeg, OrderStatus, SymbolParts};

use super::row::{ended_line, kind_line, price, status_chip, status_label};
use crate::api::{self, ApiError};
use crate::components::dom::{self, redrawn, set_hidden, watch, El};
use crate::components::{loaded, page_head};
use crate::data::Query;
use crate::features::trade;
use crate::format;
use crate::router::{Route, Router};

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

fn timeline_el(order: &Order) -> El {
    let steps = timeline(order).into_iter().map(|s| {
        El::new("li", &format!("step {}", s.tone))
            .attr("data-testid", "order-step")
            .child(El::leaf("span", "step-label", &s.label))
            .child(
                El::leaf("time", "", &format::instant(&s.at, true, None)).attr("datetime", &s.at),
            )
            .maybe(
                s.note
                    .map(|n| El::leaf("p", "step-note", &n).attr("data-testid", "reject-reason")),
            )
    });
    let working = order.is_working().then(|| {
        El::new("li", "step live pending").child(El::leaf("span", "step-label", "Working"))
    });
    El::new("ol", "timeline").children(steps).maybe(working)
}

/// One fill; its time alone when it happened on the day the order was received.
fn fill_row(fill: &Fill, received: Option<&str>) -> El {
    let cell = |class: &str, text: String| El::leaf("td", class, &text);
    let at = fill.filled_at.as_deref();
    El::new("tr", "")
        .attr("data-testid", "fill-row")
        .child(cell(
            "time",
            at.map(|at| format::instant(at, true, received))
                .unwrap_or_default(),
        ))
        .child(cell(
            "num",
            fill.quantity
                .map(|q| q.normalize().to_string())
                .unwrap_or_default(),
        ))
        .child(cell(
            "num",
            fill.fill_price.map(format::price).unwrap_or_default(),
        ))
        .child(cell(
            "venue",
            fill.destination_venue.clone().unwrap_or_default(),
        ))
}

fn fills_table(fills: &[Fill], received: Option<&str>) -> El {
    let head = ["Filled", "Qty", "Price", "Venue"].map(|h| {
        let class = if matches!(h, "Qty" | "Price") {
            "num"
        } else {
            ""
        };
        El::leaf("th", class, h).attr("scope", "col")
    });
    El::new("table", "fills")
        .child(El::new("thead", "").child(El::new("tr", "").children(head)))
        .child(El::new("tbody", "").children(fills.iter().map(|f| fill_row(f, received))))
}

fn leg_el(leg: &OrderLeg, received: Option<&str>) -> El {
    let parts = SymbolParts::parse(&leg.symbol);
    let action = [
        leg.action.as_ref().map(|a| a.as_str().to_owned()),
        leg.quantity.map(|q| q.normalize().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let head = El::new("p", "leg-head")
        .child(El::leaf("span", "leg-action", &action))
        .child(
            El::leaf("a", "sym-title", &parts.title())
                .attr("href", &Route::Quote(leg.symbol.clone()).href())
                .attr("data-testid", "leg-quote-link"),
        )
        .maybe(parts.subtitle().map(|s| El::leaf("span", "sym-sub", &s)));
    let average = leg.average_fill_price().map(|a| {
        El::new("span", "")
            .text("Avg fill ")
            .child(El::leaf("strong", "", &format::price(a)).attr("data-testid", "leg-average"))
    });
    let remaining = leg
        .remaining_quantity
        .filter(|r| !r.is_zero())
        .map(|r| El::leaf("span", "", &format!("{} remaining", r.normalize())));
    let figures = El::new("p", "leg-figures muted")
        .maybe(average)
        .maybe(remaining)
        .maybe(
            leg.fills
                .is_empty()
                .then(|| El::leaf("span", "", "No fills")),
        );
    El::new("li", "leg")
        .attr("data-testid", "order-leg")
        .attr("data-symbol", &leg.symbol)
        .child(head)
        .child(figures)
        .maybe((!leg.fills.is_empty()).then(|| fills_table(&leg.fills, received)))
}

/// "Replaces order #1" / "Replaced by order #2" links of a cancel/replace.
fn replace_links(account: &str, order: &Order) -> El {
    let link = |label: &str, id: Option<i64>, testid: &str| {
        let id = id.and_then(|i| u64::try_from(i).ok())?;
        let href = Route::Order(account.to_owned(), id).href();
        Some(
            El::leaf("a", "replace-link", &format!("{label} #{id}"))
                .attr("href", &href)
                .attr("data-testid", testid),
        )
    };
    El::new("p", "replace-links")
        .maybe(link(
            "Replaces order",
            order.replaces_order_id(),
            "order-replaces",
        ))
        .maybe(link(
            "Replaced by order",
            order.replacing_order_id(),
            "order-replaced-by",
        ))
}

fn section(title: &str, body: El) -> El {
    El::new("section", "card order-section")
        .attr("aria-label", title)
        .child(El::leaf("h2", "", title))
        .child(body)
}

/// Cancel / Change price while the order works, for a session that may trade: a cancel shows
/// the order again (it ends `Cancelled`), a replacement opens the new order.
fn actions(account: &str, order: &Order, reload: Box<dyn Fn()>) -> Option<El> {
    if !trade::can_trade() {
        return None;
    }
    let account_owned = account.to_owned();
    // Taken now: the answer arrives outside the view's reactive scope.
    let router = Router::expect();
    let el = trade::order_actions(
        account.to_owned(),
        order,
        Box::new(move |_| reload()),
        Box::new(move |new| {
            if let Some(id) = new.id.and_then(|i| u64::try_from(i).ok()) {
                router.push(&Route::Order(account_owned.clone(), id).href());
            }
        }),
    );
    Some(el)
}

fn order_el(account: &str, order: &Order, reload: Box<dyn Fn()>) -> El {
    let mut kind = kind_line(order);
    if let Some(e) = ended_line(order) {
        kind.push_str(" · ");
        kind.push_str(&e);
    }
    let summary = El::new("section", "card order-summary")
        .attr("aria-label", "Order")
        .attr("data-testid", "order-detail")
        .child(
            El::new("div", "summary-head")
                .child(status_chip(order))
                .child(El::leaf(
                    "span",
                    "order-underlying",
                    order.underlying_symbol.as_deref().unwrap_or_default(),
                ))
                .child(price(order)),
        )
        .child(El::leaf("p", "order-legs", &order.compact_leg_summary()))
        .child(El::leaf("p", "muted", &kind))
        .child(replace_links(account, order))
        .maybe(actions(account, order, reload));
    let received = order.received_at.as_deref();
    let legs = El::new("ul", "legs").children(order.legs.iter().map(|l| leg_el(l, received)));
    El::new("div", "order-detail")
        .child(summary)
        .child(section("Status", timeline_el(order)))
        .child(section("Legs and fills", legs))
}

fn detail_skeleton() -> AnyView {
    El::new("div", "skeleton sk-panel")
        .attr("role", "status")
        .attr("aria-label", "Loading the order")
        .into_view()
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
    // The order as tastytrade announces its changes.
    super::on_announced_order(&account, move |new| {
        let newer = new.id == Some(id as i64)
            && order
                .with_ok(|shown| *shown != new && !new.is_older_than(shown))
                .unwrap_or(false);
        if newer {
            order.set(new);
        }
    });
    let back = El::leaf("a", "btn btn-secondary btn-sm", "All orders")
        .attr("href", &Route::Orders(account.clone()).href())
        .attr("data-testid", "back-to-orders");
    let body = redrawn(move || {
        order.with(|state| match state {
            Some(Ok(o)) => Some(order_el(&account, o, Box::new(move || order.reload()))),
            // An unknown id (or another account's) is a 404 `record_not_found`
            // (docs/tastytrade.md §6.4): say so instead of offering a retry that cannot help.
            Some(Err(ApiError::Tastytrade { status: 404, .. })) => {
                Some(El::new("section", "card").child(dom::empty(
                    "Order not found",
                    "This account has no order with that number.",
                    "order-not-found",
                )))
            }
            _ => None,
        })
    });
    // The placeholder, the throttling notice or the error, while there is no order to show.
    let status =
        El::new("div", "").mount(loaded(order, detail_skeleton, |_: &Order| ()).into_any());
    let status_element = status.element();
    watch(move || {
        let shown = order.with(|s| {
            matches!(
                s,
                Some(Ok(_)) | Some(Err(ApiError::Tastytrade { status: 404, .. }))
            )
        });
        set_hidden(&status_element, shown);
    });
    dom::parts(vec![page_head(&format!("Order {id}"), back), body, status])
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
