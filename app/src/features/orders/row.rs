//! One order as a row of a list (a link to its detail), and the pieces the detail reuses:
//! the status chip, the price with its debit/credit, the order's "kind" line.

use leptos::prelude::*;
use pocket_shared::tastytrade::{Order, OrderStatus, OrderType, PriceEffect};

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

pub fn status_chip(order: &Order) -> impl IntoView {
    view! {
        <span class=status_tone(order) data-testid="order-status">
            {status_label(order)}
        </span>
    }
}

/// `db` / `cr` after a price, as tastytrade's tickets write it.
fn effect_suffix(effect: Option<&PriceEffect>) -> Option<&'static str> {
    match effect {
        Some(PriceEffect::Debit) => Some("db"),
        Some(PriceEffect::Credit) => Some("cr"),
        _ => None,
    }
}

/// The order's price: `$0.65 db`, `Stop $410`, `Market`.
pub fn price_view(order: &Order) -> impl IntoView {
    let limit = order.price.map(|p| {
        let suffix = effect_suffix(order.price_effect.as_ref());
        view! {
            <span data-testid="order-price">{format::price(p)}</span>
            {suffix.map(|s| view! { <small class="effect">{s}</small> })}
        }
    });
    let stop = order
        .stop_trigger
        .map(|t| view! { <small class="stop">"stop "{format::price(t)}</small> });
    let market = (limit.is_none() && stop.is_none()).then(|| {
        let text = match &order.order_type {
            Some(OrderType::Market) | None => "Market",
            Some(t) => t.as_str(),
        };
        view! { <span class="muted">{text.to_owned()}</span> }
    });
    view! { {limit}{stop}{market} }
}

/// `Limit · Day`, `Limit · GTD 12/31`, with the size of multi-leg orders.
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
    if order.legs.len() > 1 {
        if let Some(size) = order.size {
            parts.push(format!("×{}", size.normalize()));
        }
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

pub fn order_row(account: &str, order: &Order) -> impl IntoView {
    let href = order
        .id
        .and_then(|id| u64::try_from(id).ok())
        .map(|id| Route::Order(account.to_owned(), id).href());
    let id = order.id.map(|id| id.to_string()).unwrap_or_default();
    let underlying = order.underlying_symbol.clone().unwrap_or_default();
    let legs = order.compact_leg_summary();
    let received = order
        .received_at
        .as_deref()
        .map(|at| format!("Received {}", format::date_time(at)));
    let body = view! {
        <span class="order-main">
            {status_chip(order)}
            <span class="order-underlying">{underlying}</span>
            <span class="order-legs" data-testid="order-legs">{legs}</span>
        </span>
        <span class="order-price num">{price_view(order)}</span>
        <span class="order-meta">
            <span>{kind_line(order)}</span>
            {received.map(|r| view! { <span>{r}</span> })}
            {ended_line(order).map(|e| view! { <span>{e}</span> })}
        </span>
    };
    let status = status_label(order);
    match href {
        Some(href) => view! {
            <li>
                <a class="order-row" href=href data-testid="order-row" data-order-id=id data-status=status>
                    {body}
                </a>
            </li>
        }
        .into_any(),
        None => view! {
            <li>
                <div class="order-row" data-testid="order-row" data-status=status>{body}</div>
            </li>
        }
        .into_any(),
    }
}

pub fn order_list(account: &str, orders: &[Order], testid: &'static str) -> impl IntoView {
    let rows = orders.iter().map(|o| order_row(account, o)).collect_view();
    view! { <ul class="order-list" data-testid=testid>{rows}</ul> }
}
