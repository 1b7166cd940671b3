//! What can be done to a working order: **Cancel order** (`DELETE`) and **Change price**
//! (cancel/replace: `PUT` of the same order at the new price, without its legs;
//! docs/tastytrade.md §6.11). Each is one write per tap through `data::Mutation`, never retried;
//! shown only while the order works and tastytrade says it is `cancellable` / `editable`. Used by
//! the ticket after a send and by an order's page.

use leptos::prelude::*;
use pocket_shared::tastytrade::{NewOrder, Order};
use rust_decimal::Decimal;

use super::model::{parse_price, SOURCE};
use super::send;
use crate::api::ApiError;
use crate::components::dom::{self, El};
use crate::data::Mutation;

fn working(order: &Order) -> bool {
    order.status.as_ref().is_some_and(|s| !s.is_terminal()) && order.id.is_some()
}

/// tastytrade's own say on what can be done now (absent: allowed while it works).
fn can(flag: Option<bool>, order: &Order) -> bool {
    working(order) && flag != Some(false)
}

/// The cancel/replace body: the same order at `price` (legs left out: tastytrade keeps them).
pub fn replacement(order: &Order, price: Decimal) -> NewOrder {
    NewOrder {
        time_in_force: order
            .time_in_force
            .as_ref()
            .map_or("Day", |t| t.as_str())
            .to_owned(),
        gtc_date: order.gtc_date.clone(),
        order_type: order
            .order_type
            .as_ref()
            .map_or("Limit", |t| t.as_str())
            .to_owned(),
        price: Some(price),
        price_effect: order.price_effect.as_ref().map(|e| match e.as_str() {
            "Credit" => "Credit",
            _ => "Debit",
        }),
        stop_trigger: order.stop_trigger,
        source: Some(SOURCE),
        legs: Vec::new(),
    }
}

/// Cancel and Change price for `order` of `account` (empty when it no longer works).
/// `cancelled` gets tastytrade's answer to the cancel (`Cancel Requested`), `replaced` the new
/// order of a cancel/replace.
pub fn order_actions(
    account: String,
    order: &Order,
    cancelled: Box<dyn Fn(Order)>,
    replaced: Box<dyn Fn(Order)>,
) -> El {
    let actions = El::new("div", "ticket-actions").attr("data-testid", "order-actions");
    let Some(id) = order.id.filter(|_| can(order.cancellable, order)) else {
        return actions;
    };
    let error = RwSignal::new(None::<ApiError>);
    let cancel_mutation = Mutation::new();
    let acc = account.clone();
    let cancelled = std::rc::Rc::new(cancelled);
    let cancel = El::leaf("button", "btn btn-secondary", "Cancel order")
        .attr("type", "button")
        .attr("data-testid", "order-cancel")
        .on(
            &["click"],
            Box::new(move |_| {
                let done = cancelled.clone();
                cancel_mutation.run(send::cancel(acc.clone(), id), move |r| match r {
                    Ok(o) => done(o),
                    Err(e) => error.set(Some(e)),
                });
            }),
        );
    let replace_row = (order.price.is_some() && can(order.editable, order)).then(|| {
        let new_price = El::new("input", "num-input")
            .attr("type", "text")
            .attr("inputmode", "decimal")
            .attr("aria-label", "New limit price")
            .attr("data-testid", "replace-price")
            .attr("autocomplete", "off");
        let price_el = new_price.element();
        let replace_mutation = Mutation::new();
        let original = order.clone();
        let replaced = std::rc::Rc::new(replaced);
        let replace = El::leaf("button", "btn btn-secondary", "Change price")
            .attr("type", "button")
            .attr("data-testid", "order-replace")
            .on(
                &["click"],
                Box::new(move |_| {
                    let price = match parse_price(&dom::value(&price_el)) {
                        Ok(p) => p,
                        Err(e) => {
                            error.set(Some(ApiError::Decode(e)));
                            return;
                        }
                    };
                    let done = replaced.clone();
                    let body = replacement(&original, price);
                    replace_mutation.run(
                        send::replace(account.clone(), id, body),
                        move |r| match r {
                            Ok(o) => done(o),
                            Err(e) => error.set(Some(e)),
                        },
                    );
                }),
            );
        El::new("div", "replace-row")
            .child(new_price)
            .child(replace)
    });
    let message = El::new("p", "form-error")
        .attr("role", "alert")
        .attr("data-testid", "order-action-error");
    let message_el = message.element();
    dom::watch(move || {
        let text = error.get().map(|e| e.to_string()).unwrap_or_default();
        dom::set_text(&message_el, &text);
    });
    actions.child(cancel).maybe(replace_row).child(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_keeps_the_order_but_the_price() {
        // As tastytrade sends a working order (docs/tastytrade.md §6.4).
        let working: Order = serde_json::from_value(serde_json::json!({
            "id": 2, "status": "Live", "price": "1.5", "price-effect": "Debit", "order-type": "Limit",
            "time-in-force": "GTC", "cancellable": true, "editable": false,
            "legs": [ { "symbol": "AAPL", "quantity": "10", "remaining-quantity": "10", "action": "Buy to Open", "fills": [] } ] }))
        .unwrap();
        let json = serde_json::to_value(replacement(&working, Decimal::new(155, 2))).unwrap();
        assert_eq!(json["price"], "1.55");
        assert_eq!(json["price-effect"], "Debit");
        assert_eq!(json["time-in-force"], "GTC");
        assert_eq!(json["order-type"], "Limit");
        assert!(json.get("legs").is_none());
        assert!(can(working.cancellable, &working));
        assert!(
            !can(working.editable, &working),
            "tastytrade says it cannot be edited"
        );
        let mut done = working.clone();
        done.status = Some(pocket_shared::tastytrade::OrderStatus::from_wire("Filled"));
        assert!(!can(done.cancellable, &done));
    }
}
