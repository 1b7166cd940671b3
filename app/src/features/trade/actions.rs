//! What can be done to a working order: **Cancel order** (`DELETE`, after a confirmation) and
//! **Change price** (cancel/replace: `PUT` of the same order at the new price, without its legs,
//! after its dry-run `POST …/{id}/dry-run`; docs/tastytrade.md §6.11). Each is one write per tap through `data::Mutation`, never retried;
//! shown only while the order works and tastytrade says it is `cancellable` / `editable`. Used by
//! the ticket after a send and by an order's page.

use leptos::prelude::*;
use pocket_shared::tastytrade::{NewOrder, Order, OrderPreview};
use rust_decimal::Decimal;

use super::model::{parse_price, SOURCE};
use super::send;
use crate::api::ApiError;
use crate::components::dom::{self, El};
use crate::data::Mutation;
use crate::format;

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

/// Cancel (after "Cancel this order?") and Change price (new price → tastytrade's dry-run of
/// the replacement → send) for `order` of `account`; empty when it no longer works.
/// `cancelled` gets tastytrade's answer to the cancel (`Cancel Requested`), `replaced` the new
/// order of a cancel/replace.
pub fn order_actions(
    account: String,
    order: &Order,
    cancelled: Box<dyn Fn(Order)>,
    replaced: Box<dyn Fn(Order)>,
) -> El {
    let actions = El::new("div", "order-actions").attr("data-testid", "order-actions");
    let Some(id) = order.id.filter(|_| can(order.cancellable, order)) else {
        return actions;
    };
    let error = RwSignal::new(None::<ApiError>);
    let message = El::new("p", "form-error")
        .attr("role", "alert")
        .attr("data-testid", "order-action-error");
    let message_el = message.element();
    dom::watch(move || {
        let text = error.get().map(|e| e.to_string()).unwrap_or_default();
        dom::set_text(&message_el, &text);
    });
    let replace = (order.price.is_some() && can(order.editable, order))
        .then(|| replace_form(account.clone(), order, id, error, replaced));
    actions
        .child(cancel_control(account, id, error, cancelled))
        .maybe(replace)
        .child(message)
}

/// "Cancel order", then "Cancel this order? Yes, cancel / Keep it".
fn cancel_control(
    account: String,
    id: i64,
    error: RwSignal<Option<ApiError>>,
    cancelled: Box<dyn Fn(Order)>,
) -> El {
    let confirming = RwSignal::new(false);
    let mutation = Mutation::new();
    let cancelled = std::rc::Rc::new(cancelled);
    let ask = El::leaf("button", "btn btn-secondary", "Cancel order")
        .attr("type", "button")
        .attr("data-testid", "order-cancel")
        .on(&["click"], Box::new(move |_| confirming.set(true)));
    let yes = El::leaf("button", "btn btn-primary btn-sm", "Yes, cancel it")
        .attr("type", "button")
        .attr("data-testid", "cancel-confirm")
        .on(
            &["click"],
            Box::new(move |_| {
                let done = cancelled.clone();
                mutation.run(send::cancel(account.clone(), id), move |r| match r {
                    Ok(o) => done(o),
                    Err(e) => error.set(Some(e)),
                });
            }),
        );
    let no = El::leaf("button", "btn btn-ghost btn-sm", "Keep it")
        .attr("type", "button")
        .attr("data-testid", "cancel-keep")
        .on(&["click"], Box::new(move |_| confirming.set(false)));
    let confirm = El::new("div", "confirm-row")
        .attr("role", "group")
        .attr("aria-label", "Cancel this order?")
        .child(El::leaf("span", "", "Cancel this order?"))
        .child(yes)
        .child(no);
    let (ask_el, confirm_el) = (ask.element(), confirm.element());
    let yes_el = dom::find(&confirm_el, "[data-testid=cancel-confirm]");
    dom::watch(move || {
        let on = confirming.get();
        dom::set_hidden(&ask_el, on);
        dom::set_hidden(&confirm_el, !on);
        if let Some(b) = &yes_el {
            dom::set_or_remove_attr(b, "disabled", mutation.busy().get().then_some(""));
        }
    });
    El::new("div", "cancel-control").child(ask).child(confirm)
}

/// New price → "Review change" (the replacement's dry-run: buying power, fees, warnings) →
/// "Send change". Editing the price drops the preview.
fn replace_form(
    account: String,
    order: &Order,
    id: i64,
    error: RwSignal<Option<ApiError>>,
    replaced: Box<dyn Fn(Order)>,
) -> El {
    let preview = RwSignal::new(None::<(NewOrder, OrderPreview)>);
    let new_price = El::new("input", "num-input")
        .attr("type", "text")
        .attr("inputmode", "decimal")
        .attr("aria-label", "New limit price")
        .attr("data-testid", "replace-price")
        .attr("autocomplete", "off")
        .on(&["input"], Box::new(move |_| preview.set(None)));
    let price_el = new_price.element();
    let review_mutation = Mutation::new();
    let send_mutation = Mutation::new();
    let original = order.clone();
    let acc = account.clone();
    let review = El::leaf("button", "btn btn-secondary", "Review change")
        .attr("type", "button")
        .attr("data-testid", "order-replace")
        .on(
            &["click"],
            Box::new(move |_| {
                let price = match parse_price(&dom::value(&price_el)) {
                    Ok(p) => p,
                    Err(e) => return error.set(Some(ApiError::Decode(e))),
                };
                error.set(None);
                let body = replacement(&original, price);
                let sent = body.clone();
                review_mutation.run(
                    send::dry_run_replace(acc.clone(), id, body),
                    move |r| match r {
                        Ok(p) => preview.set(Some((sent, p))),
                        Err(e) => error.set(Some(e)),
                    },
                );
            }),
        );
    let replaced = std::rc::Rc::new(replaced);
    let summary = dom::redrawn(move || {
        let (body, p) = preview.get()?;
        let bp = p.buying_power_effect.clone().unwrap_or_default();
        let fees = p.fee_calculation.clone().unwrap_or_default().total_fees;
        let money = |v: Option<Decimal>| v.map(format::money_signed).unwrap_or_else(|| "—".into());
        let line = format!(
            "New price {} · buying power {} · fees {}",
            body.price.map(format::price).unwrap_or_default(),
            money(bp.change()),
            fees.map(format::money).unwrap_or_else(|| "—".into()),
        );
        let blocked = !p.errors.is_empty();
        let notes: Vec<String> = p
            .errors
            .iter()
            .chain(&p.warnings)
            .map(|n| n.text())
            .collect();
        let done = replaced.clone();
        let account = account.clone();
        let send = El::leaf("button", "btn btn-primary btn-sm", "Send change")
            .attr("type", "button")
            .attr("data-testid", "replace-send")
            .on(
                &["click"],
                Box::new(move |_| {
                    let done = done.clone();
                    let body = body.clone();
                    send_mutation.run(send::replace(account.clone(), id, body), move |r| match r {
                        Ok(o) => done(o),
                        Err(e) => error.set(Some(e)),
                    });
                }),
            );
        let send = if blocked {
            send.attr("disabled", "")
        } else {
            send
        };
        Some(
            El::new("div", "replace-review")
                .attr("data-testid", "replace-review")
                .attr("role", "status")
                .child(El::leaf("p", "", &line))
                .children(notes.iter().map(|n| El::leaf("p", "muted", n)))
                .child(send),
        )
    });
    El::new("div", "replace-form")
        .child(El::new("div", "replace-row").child(new_price).child(review))
        .child(summary)
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
