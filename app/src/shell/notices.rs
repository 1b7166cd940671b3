//! What tastytrade's account notifications change on every screen (stream/account.rs): a fill,
//! a changed position or changed balances fetch that account's positions and balances again
//! (once for a burst); an order that ends (filled, rejected, cancelled, expired)
//! shows a notice with a link to it, wherever the person is.

use std::time::Duration;

use leptos::prelude::*;
use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::SymbolParts;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::components::dom::El;
use crate::data::Data;
use crate::format;
use crate::router::Route;
use crate::stream::account::{AccountStream, Notice};

/// How long a notice stays (it can be dismissed sooner).
const NOTICE_FOR: Duration = Duration::from_secs(8);
/// Notifications of one fill come in a burst (order, positions, balances): one re-fetch.
const RELOAD_AFTER: Duration = Duration::from_millis(300);
/// At most this many notices at once (the oldest goes).
const MOST_NOTICES: u32 = 3;

/// Follows the account streamer for the whole app; returns the notices' live region.
pub fn follow_notifications(stream: AccountStream, data: Data) -> El {
    let region = El::new("div", "toasts")
        .attr("role", "status")
        .attr("aria-live", "polite")
        .attr("data-testid", "toasts");
    let element = region.element();
    // (order id, status) already shown: a notification may come twice (a reconnect, a poll).
    let shown = StoredValue::new(Vec::<(i64, String)>::new());
    let waiting = StoredValue::new(Vec::<String>::new());
    stream.listen(move |notice| match notice.kind {
        // Fetched again rather than taken from the notification: the same figures as every
        // other read (and no second decoder of the balances in the first-visit wasm).
        "AccountBalance" | "CurrentPosition" => reload_soon(data, waiting, notice.account),
        "Order" => {
            if notice.text("status") == Some("Filled") {
                reload_soon(data, waiting, notice.account);
            }
            if let Some((id, mut line, average)) = order_notice(notice) {
                if let Some(price) = average {
                    line = format!("{line} at {}", format::price(price));
                }
                let key = (id, notice.text("status").unwrap_or_default().to_owned());
                let new = shown
                    .try_update_value(|s| {
                        let new = !s.contains(&key);
                        if new {
                            if s.len() >= 100 {
                                s.remove(0);
                            }
                            s.push(key);
                        }
                        new
                    })
                    .unwrap_or(false);
                if new {
                    let href = Route::Order(notice.account.to_owned(), id as u64).href();
                    show(&element, line, &href);
                }
            }
        }
        _ => {}
    });
    region
}

/// Re-fetches `account`'s positions and balances after the burst of notifications.
fn reload_soon(data: Data, waiting: StoredValue<Vec<String>>, account: &str) {
    let first = waiting
        .try_update_value(|w| {
            let first = w.is_empty();
            if !w.iter().any(|a| a == account) {
                w.push(account.to_owned());
            }
            first
        })
        .unwrap_or(false);
    if first {
        set_timeout(
            move || {
                for account in waiting.try_update_value(std::mem::take).unwrap_or_default() {
                    data.reload_account(&account);
                }
            },
            RELOAD_AFTER,
        );
    }
}

/// The notice for an order notification, if it says the order ended: its id,
/// `Filled: BTO 3 AAPL` and, for one leg, the average fill price. A cancel that is part of a
/// replacement is not an end.
pub fn order_notice(notice: &Notice) -> Option<(i64, String, Option<Decimal>)> {
    let status = notice.text("status")?;
    if !matches!(status, "Filled" | "Rejected" | "Cancelled" | "Expired")
        || notice
            .data
            .get("replacing-order-id")
            .is_some_and(|v| !v.is_null())
    {
        return None;
    }
    let id = notice.data.get("id")?.as_i64().filter(|id| *id >= 0)?;
    let legs: Vec<String> = notice
        .data
        .get("legs")
        .and_then(Value::as_array)
        .map(|legs| legs.iter().map(leg_words).collect())
        .unwrap_or_default();
    let average = match notice.data.get("legs").and_then(Value::as_array) {
        Some(legs) if legs.len() == 1 => average_fill(&legs[0]),
        _ => None,
    };
    Some((id, format!("{status}: {}", legs.join(", ")), average))
}

/// A decimal sent as a string or a number.
fn decimal(value: Option<&Value>) -> Option<Decimal> {
    match value? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// The quantity-weighted average of a leg's fills (checked: the figures come from the network).
fn average_fill(leg: &Value) -> Option<Decimal> {
    let fills = leg.get("fills")?.as_array()?;
    let (mut quantity, mut notional) = (Decimal::ZERO, Decimal::ZERO);
    for fill in fills {
        let q = decimal(fill.get("quantity"))?;
        quantity = quantity.plus(q)?;
        notional = notional.plus(q.times(decimal(fill.get("fill-price"))?)?)?;
    }
    notional.over(quantity)
}

/// `BTO 3 AAPL`, `STO 1 SPY 12/18/26 700C`.
fn leg_words(leg: &Value) -> String {
    let text = |key: &str| leg.get(key).and_then(Value::as_str).unwrap_or_default();
    // `Buy to Open` → `BTO`; one-word actions (`Buy`, futures) stay.
    let action = text("action");
    let short: String = if action.contains(' ') {
        action
            .split(' ')
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    } else {
        action.to_owned()
    };
    let quantity = match leg.get("quantity") {
        Some(Value::String(q)) => q.clone(),
        Some(Value::Number(q)) => q.to_string(),
        _ => String::new(),
    };
    let symbol = SymbolParts::parse(text("symbol")).compact();
    [short, quantity, symbol]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds a notice to `region` for a while.
fn show(region: &web_sys::Element, line: String, href: &str) {
    while region.child_element_count() >= MOST_NOTICES {
        match region.first_element_child() {
            Some(oldest) => oldest.remove(),
            None => break,
        }
    }
    let toast = El::new("div", "toast")
        .attr("data-testid", "toast")
        .child(El::leaf("p", "toast-text", &line))
        .child(El::leaf("a", "toast-link", "View").attr("href", href))
        .child(
            El::leaf("button", "btn-icon toast-close", "×")
                .attr("type", "button")
                .attr("aria-label", "Dismiss"),
        );
    let element = toast.element();
    let close = element.clone();
    let toast = toast.on(&["click"], Box::new(move |_| close.remove()));
    let _ = region.append_child(&toast.element());
    set_timeout(move || element.remove(), NOTICE_FOR);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice_text(frame: &str) -> Option<(i64, String)> {
        let frame: Value = serde_json::from_str(frame).unwrap();
        order_notice(&Notice::of(&frame).unwrap()).map(|(id, text, _)| (id, text))
    }

    fn average(frame: &str) -> Option<Decimal> {
        let frame: Value = serde_json::from_str(frame).unwrap();
        order_notice(&Notice::of(&frame).unwrap()).and_then(|(_, _, a)| a)
    }

    #[test]
    fn one_legs_average_fill_price() {
        let two_fills = r#"{"type":"Order","data":{"id":9,"account-number":"A","status":"Filled",
            "legs":[{"symbol":"AAPL","action":"Buy to Open","quantity":"3","fills":[
              {"quantity":"1","fill-price":"229.0"},{"quantity":2,"fill-price":"229.3"}]}]}}"#;
        assert_eq!(average(two_fills), Some(Decimal::new(2292, 1)));
        let overflow = r#"{"type":"Order","data":{"id":9,"account-number":"A","status":"Filled",
            "legs":[{"symbol":"AAPL","action":"Buy to Open","quantity":"3","fills":[
              {"quantity":"79228162514264337593543950335","fill-price":"2"}]}]}}"#;
        assert_eq!(average(overflow), None, "overflow: no price, no panic");
        let no_fills = r#"{"type":"Order","data":{"id":9,"account-number":"A","status":"Cancelled",
            "legs":[{"symbol":"AAPL","action":"Buy to Open","quantity":"3","fills":[]}]}}"#;
        assert_eq!(average(no_fills), None);
    }

    #[test]
    fn an_order_that_ends_in_words() {
        let filled = r#"{"type":"Order","data":{"id":950000003,"account-number":"5WT00001","status":"Filled",
            "legs":[{"symbol":"AAPL","action":"Buy to Open","quantity":"3"}]}}"#;
        assert_eq!(
            notice_text(filled),
            Some((950000003, "Filled: BTO 3 AAPL".to_owned()))
        );
        let vertical = r#"{"type":"Order","data":{"id":7,"account-number":"5WT00001","status":"Rejected",
            "legs":[{"symbol":"SPY   261218C00700000","action":"Buy to Open","quantity":1},
                    {"symbol":"SPY   261218C00710000","action":"Sell to Open","quantity":1}]}}"#;
        assert_eq!(
            notice_text(vertical).map(|n| n.1),
            Some("Rejected: BTO 1 SPY 12/18/26 700C, STO 1 SPY 12/18/26 710C".to_owned())
        );
        let future = r#"{"type":"Order","data":{"id":8,"account-number":"5WT00001","status":"Expired",
            "legs":[{"symbol":"/ESZ6","action":"Sell","quantity":"2"}]}}"#;
        assert_eq!(
            notice_text(future).map(|n| n.1),
            Some("Expired: Sell 2 /ESZ6".to_owned())
        );
    }

    #[test]
    fn working_orders_and_replacements_are_not_notices() {
        for frame in [
            r#"{"type":"Order","data":{"id":1,"account-number":"A","status":"Live","legs":[]}}"#,
            r#"{"type":"Order","data":{"id":1,"account-number":"A","status":"Cancelled","replacing-order-id":2,"legs":[]}}"#,
            r#"{"type":"Order","data":{"account-number":"A","status":"Filled","legs":[]}}"#,
            r#"{"type":"Order","data":{"id":-4,"account-number":"A","status":"Filled","legs":[]}}"#,
        ] {
            assert_eq!(notice_text(frame), None, "{frame}");
        }
        let replaced_none = r#"{"type":"Order","data":{"id":3,"account-number":"A","status":"Cancelled","replacing-order-id":null,"legs":[]}}"#;
        assert_eq!(notice_text(replaced_none).map(|n| n.0), Some(3));
    }
}
