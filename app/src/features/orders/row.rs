//! One order as a row of a list (a link to its detail), and the pieces the detail reuses:
//! the status chip, the price with its debit/credit, the order's "kind" line. Built with
//! `components::dom` (read-only content; see there why).

use pocket_shared::tastytrade::{Order, OrderStatus, OrderType, PriceEffect};
use rust_decimal::Decimal;

use crate::components::dom::El;
use crate::format;
use crate::router::Route;

/// The chip's colour: filled green, working blue, rejected red, the rest grey.
pub fn status_tone(order: &Order) -> &'static str {
    match &order.status {
        Some(OrderStatus::Filled) => "chip chip-up",
        Some(OrderStatus::Rejected) => "chip chip-down",
        _ if order.is_working() => "chip chip-live",
        _ => "chip",
    }
}

pub fn status_label(order: &Order) -> String {
    order
        .status
        .as_ref()
        .map_or_else(|| "Unknown".to_owned(), |s| s.as_str().to_owned())
}

pub fn status_chip(order: &Order) -> El {
    El::leaf("span", status_tone(order), &status_label(order)).attr("data-testid", "order-status")
}

/// `db` / `cr` after a price, as tastytrade's tickets write it.
fn effect_suffix(effect: Option<&PriceEffect>) -> Option<&'static str> {
    match effect {
        Some(PriceEffect::Debit) => Some("db"),
        Some(PriceEffect::Credit) => Some("cr"),
        _ => None,
    }
}

/// The order's price: `$0.65 db`, `stop $410`, `Market`.
pub fn price(order: &Order) -> El {
    let mut out = El::new("span", "order-price num");
    if let Some(p) = order.price {
        out = out
            .child(El::leaf("span", "", &format::price(p)).attr("data-testid", "order-price"))
            .maybe(
                effect_suffix(order.price_effect.as_ref()).map(|s| El::leaf("small", "effect", s)),
            );
    }
    if let Some(t) = order.stop_trigger {
        out = out.child(El::leaf(
            "small",
            "stop",
            &format!("stop {}", format::price(t)),
        ));
    }
    if order.price.is_none() && order.stop_trigger.is_none() {
        let text = match &order.order_type {
            Some(OrderType::Market) | None => "Market",
            Some(t) => t.as_str(),
        };
        out = out.child(El::leaf("span", "muted", text));
    }
    out
}

/// `Limit · Day`, `Limit · GTD Dec 31, 2026`, with the size of multi-leg orders.
pub fn kind_line(order: &Order) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = &order.order_type {
        parts.push(t.as_str().to_owned());
    }
    if let Some(tif) = &order.time_in_force {
        match &order.gtc_date {
            Some(d) => parts.push(format!("{} {}", tif.as_str(), format::date(d))),
            None => parts.push(tif.as_str().to_owned()),
        }
    }
    // The number of spreads of a multi-leg order, when more than one.
    if let Some(size) = order
        .size
        .filter(|s| order.legs.len() > 1 && *s != Decimal::ONE)
    {
        parts.push(format!("×{}", size.normalize()));
    }
    parts.join(" · ")
}

/// `Filled Jul 22, 3:02 PM` for a terminal order, nothing for a working one.
pub fn ended_line(order: &Order) -> Option<String> {
    if order.is_working() {
        return None;
    }
    let at = order.terminal_at.as_deref()?;
    Some(format!("{} {}", status_label(order), format::date_time(at)))
}

/// `Dec 4, 3:40 PM → 4:30 PM`: received, and when a terminal order ended (its time alone on
/// the same day); the chip says how it ended.
fn times_line(order: &Order) -> Option<String> {
    let received = order.received_at.as_deref()?;
    let mut line = format::date_time(received);
    if let Some(end) = order.terminal_at.as_deref().filter(|_| !order.is_working()) {
        line.push_str(" → ");
        line.push_str(&format::instant(end, false, Some(received)));
    }
    Some(line)
}

pub fn order_row(account: &str, order: &Order) -> El {
    let href = order
        .id
        .and_then(|id| u64::try_from(id).ok())
        .map(|id| Route::Order(account.to_owned(), id).href());
    let main = El::new("span", "order-main")
        .child(status_chip(order))
        .child(El::leaf(
            "span",
            "order-underlying",
            order.underlying_symbol.as_deref().unwrap_or_default(),
        ))
        .child(
            El::leaf("span", "order-legs", &order.compact_leg_summary())
                .attr("data-testid", "order-legs"),
        );
    let meta = El::new("span", "order-meta")
        .child(El::leaf("span", "", &kind_line(order)))
        .maybe(times_line(order).map(|t| El::leaf("span", "", &t)));
    let row = match &href {
        Some(href) => El::new("a", "order-row").attr("href", href),
        None => El::new("div", "order-row"),
    };
    let row = row
        .attr("data-testid", "order-row")
        .attr("data-status", &status_label(order))
        .child(main)
        .child(price(order))
        .child(meta);
    let row = match order.id {
        Some(id) => row.attr("data-order-id", &id.to_string()),
        None => row,
    };
    El::new("li", "").child(row)
}

pub fn order_list<'a>(account: &str, orders: impl Iterator<Item = &'a Order>, testid: &str) -> El {
    El::new("ul", "order-list")
        .attr("data-testid", testid)
        .children(orders.map(|o| order_row(account, o)))
}
