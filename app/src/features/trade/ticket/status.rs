//! After "Send": the order as tastytrade has it, followed until it is finished (Routed → Live →
//! Filled, or Cancelled / Rejected / Expired), with Cancel and Change price while it works; or,
//! when nobody knows whether the order arrived, the check of the live orders that settles it.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::{NewOrder, Order};
use rust_decimal::Decimal;

use super::super::actions::order_actions;
use super::super::model::plain_price;
use super::super::send;
use crate::api::ApiError;
use crate::components::dom::{self, El};
use crate::data::Data;
use crate::router::Route;

/// How often a working order is looked at, and for how long at most.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);
const FOLLOW_EVERY_STREAMING: Duration = Duration::from_secs(5);
const FOLLOW_AT_MOST: u32 = 600;
/// When the live orders are checked after an unknown outcome (seconds after the send).
const CHECKS_AT_SECS: [u64; 3] = [0, 2, 5];

/// What became of the order sent.
#[derive(Clone, PartialEq)]
pub enum Outcome {
    /// tastytrade has it (answered the send, or found in the live orders afterwards).
    Placed {
        order: Box<Order>,
        found_later: bool,
    },
    /// The send got no answer; the live orders are being checked.
    Checking,
    /// The checks found no such order: it was not placed.
    NotPlaced,
    /// The checks themselves failed; the person can check again.
    CheckFailed(ApiError),
}

/// Where the ticket shows its order, and whether the account streamer is up (then the order is
/// polled only now and then: tastytrade announces each change).
#[derive(Clone, Copy)]
pub struct Tracker {
    pub outcome: RwSignal<Option<Outcome>>,
    pub data: Data,
    pub connected: Signal<bool>,
}

impl Tracker {
    /// Whether order `id` is the one on screen.
    pub fn follows(&self, id: i64) -> bool {
        self.outcome
            .try_with_untracked(
                |o| matches!(o, Some(Outcome::Placed { order, .. }) if order.id == Some(id)),
            )
            .unwrap_or(false)
    }

    /// Shows `order` if it is the one on screen (a newer state of it). A fill found by polling
    /// refreshes the account's positions and balances (with the streamer up, the shell does:
    /// shell/notices.rs).
    pub fn show(&self, order: Order) {
        let Some(id) = order.id else {
            return;
        };
        let account = order.account_number.clone();
        let filled = order
            .status
            .as_ref()
            .is_some_and(|s| s.as_str() == "Filled");
        let changed = self.outcome.try_update(|o| match o {
            Some(Outcome::Placed { order: shown, .. })
                if shown.id == Some(id) && !order.is_older_than(shown) =>
            {
                let changed = **shown != order;
                **shown = order;
                changed
            }
            _ => false,
        });
        if changed == Some(true) && filled && !self.connected.get_untracked() {
            if let Some(account) = &account {
                self.data.reload_account(account);
            }
        }
    }
}

/// Follows order `id` until it is finished, the outcome shows another order, or the view goes.
pub fn follow(account: String, id: i64, tracker: Tracker, polls: u32) {
    set_timeout(
        move || {
            let still_mine = tracker.follows(id);
            if !still_mine || polls >= FOLLOW_AT_MOST {
                return;
            }
            spawn_local(async move {
                let Ok(order) = send::order(account.clone(), id).await else {
                    follow(account, id, tracker, polls + 1);
                    return;
                };
                let finished = order.status.as_ref().is_some_and(|s| s.is_terminal());
                tracker.show(order);
                if !finished {
                    follow(account, id, tracker, polls + 1);
                }
            });
        },
        if tracker.connected.get_untracked() {
            FOLLOW_EVERY_STREAMING
        } else {
            FOLLOW_EVERY
        },
    );
}

/// Checks the live orders for the order `sent` (after an unknown outcome), at 0, 2 and 5 s.
pub fn reconcile(
    account: String,
    sent: NewOrder,
    known_ids: Vec<i64>,
    tracker: Tracker,
    attempt: usize,
) {
    let delay = CHECKS_AT_SECS[attempt.min(CHECKS_AT_SECS.len() - 1)]
        - if attempt == 0 {
            0
        } else {
            CHECKS_AT_SECS[attempt - 1]
        };
    set_timeout(
        move || {
            if tracker.outcome.try_get_untracked().flatten() != Some(Outcome::Checking) {
                return;
            }
            spawn_local(async move {
                match send::live_orders(account.clone()).await {
                    Ok(live) => match send::reconcile(&live, &known_ids, &sent) {
                        Some(found) => {
                            let id = found.id.unwrap_or_default();
                            tracker.outcome.try_set(Some(Outcome::Placed {
                                order: Box::new(found.clone()),
                                found_later: true,
                            }));
                            follow(account, id, tracker, 0);
                        }
                        None if attempt + 1 < CHECKS_AT_SECS.len() => {
                            reconcile(account, sent, known_ids, tracker, attempt + 1);
                        }
                        None => {
                            tracker.outcome.try_set(Some(Outcome::NotPlaced));
                        }
                    },
                    Err(e) => {
                        tracker.outcome.try_set(Some(Outcome::CheckFailed(e)));
                    }
                }
            });
        },
        Duration::from_secs(delay),
    );
}

/// `Filled 2 of 2 at 3.45` / `Working, 0 of 2 filled`.
pub fn progress(order: &Order) -> String {
    let total = order
        .legs
        .first()
        .and_then(|l| l.quantity)
        .unwrap_or_default();
    let filled = order
        .legs
        .first()
        .and_then(|l| l.filled_quantity())
        .unwrap_or_default();
    let average: Option<Decimal> = order.legs.iter().try_fold(Decimal::ZERO, |acc, leg| {
        let price = leg.average_fill_price()?;
        let ratio = leg.quantity?.over(total)?;
        let signed = if leg
            .action
            .as_ref()
            .is_some_and(|a| a.as_str().starts_with("Buy"))
        {
            -price
        } else {
            price
        };
        acc.plus(signed.times(ratio)?)
    });
    let of = format!("{} of {}", filled.normalize(), total.normalize());
    match average.filter(|_| filled > Decimal::ZERO) {
        Some(a) => format!("Filled {of} at {}", plain_price(a.abs())),
        None => format!("{of} filled"),
    }
}

/// The placed order's card body: status, progress, and Cancel / Change price while it works.
fn placed_view(account: String, order: &Order, found_later: bool, tracker: Tracker) -> El {
    let id = order.id.unwrap_or_default();
    let account_for_replace = account.clone();
    let status = order
        .status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| "Sent".into());
    let head = El::new("p", "order-status-line")
        .child(
            El::leaf(
                "span",
                &format!(
                    "status-pill status-{}",
                    status.to_ascii_lowercase().replace(' ', "-")
                ),
                &status,
            )
            .attr("data-testid", "order-status"),
        )
        .child(El::leaf("span", "muted", &format!("Order #{id}")).attr("data-testid", "order-id"));
    let found_note = found_later.then(|| {
        El::leaf(
            "p",
            "banner banner-info",
            "The connection dropped while sending, but tastytrade has the order: it was placed once.",
        )
        .attr("data-testid", "order-found-later")
        .attr("role", "status")
    });
    let acc = account.clone();
    let actions = order_actions(
        account.clone(),
        order,
        // The answer (`Cancel Requested`) may come after the stream said `Cancelled`: `show`
        // never goes back to an older state.
        Box::new(move |o| {
            tracker.show(o);
            follow(acc.clone(), id, tracker, 0);
        }),
        Box::new(move |o| {
            let new_id = o.id.unwrap_or_default();
            tracker.outcome.try_set(Some(Outcome::Placed {
                order: Box::new(o),
                found_later: false,
            }));
            follow(account_for_replace.clone(), new_id, tracker, 0);
        }),
    );
    El::new("div", "order-outcome")
        .attr("data-testid", "order-outcome")
        .child(head)
        .child(El::leaf("p", "", &progress(order)).attr("data-testid", "order-progress"))
        .maybe(found_note)
        .child(actions)
        .child(
            El::leaf("a", "text-link", "See it in Orders")
                .attr(
                    "href",
                    &Route::Order(account, u64::try_from(id).unwrap_or_default()).href(),
                )
                .attr("data-testid", "order-link"),
        )
}

/// A titled message in the outcome card (`role` `status` or `alert`).
fn notice(testid: &str, role: &str, title: &str, text: &str) -> El {
    El::new("div", "order-outcome")
        .attr("data-testid", testid)
        .attr("role", role)
        .child(El::leaf("p", "error-title", title))
        .child(El::leaf("p", "", text))
}

/// The outcome card's body.
pub fn outcome_view(account: String, tracker: Tracker, check_again: impl Fn() + 'static) -> El {
    let check_again = std::rc::Rc::new(check_again);
    dom::redrawn(move || {
        let shown = tracker.outcome.get()?;
        Some(match shown {
            Outcome::Placed { order, found_later } => {
                placed_view(account.clone(), &order, found_later, tracker)
            }
            Outcome::Checking => notice(
                "order-checking",
                "status",
                "No answer from tastytrade",
                "The order may or may not have reached tastytrade. Checking your live orders \
                 before anything else is sent…",
            ),
            Outcome::NotPlaced => notice(
                "order-not-placed",
                "alert",
                "The order was not placed",
                "tastytrade has no such order among your live orders. Nothing was sent again; \
                 you can send it yourself.",
            ),
            Outcome::CheckFailed(e) => {
                let again = check_again.clone();
                notice(
                    "order-check-failed",
                    "alert",
                    "Could not check your orders",
                    &format!(
                        "{e} Do not send it again before you know: check again, or look in Orders."
                    ),
                )
                .child(
                    El::leaf("button", "btn btn-secondary", "Check again")
                        .attr("type", "button")
                        .attr("data-testid", "order-check-again")
                        .on(&["click"], Box::new(move |_| again())),
                )
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(json: serde_json::Value) -> Order {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn progress_of_a_vertical_and_a_stock() {
        let vertical = order(serde_json::json!({
            "id": 1, "status": "Filled", "legs": [
              { "symbol": "SPY   261218C00600000", "quantity": 2, "remaining-quantity": 0, "action": "Buy to Open",
                "fills": [ { "fill-id": "a", "quantity": "2", "fill-price": "10.2", "filled-at": "2026-12-06T15:00:00Z" } ] },
              { "symbol": "SPY   261218C00610000", "quantity": 2, "remaining-quantity": 0, "action": "Sell to Open",
                "fills": [ { "fill-id": "b", "quantity": "2", "fill-price": "6.5", "filled-at": "2026-12-06T15:00:00Z" } ] } ] }));
        assert_eq!(progress(&vertical), "Filled 2 of 2 at 3.70");
        let working = order(serde_json::json!({
            "id": 2, "status": "Live", "price": "1.5", "price-effect": "Debit", "order-type": "Limit",
            "time-in-force": "GTC",
            "legs": [ { "symbol": "AAPL", "quantity": "10", "remaining-quantity": "10", "action": "Buy to Open", "fills": [] } ] }));
        assert_eq!(progress(&working), "0 of 10 filled");
        let mut cancelled = working.clone();
        cancelled.status = Some(pocket_shared::tastytrade::OrderStatus::from_wire(
            "Cancelled",
        ));
        assert!(
            working.is_older_than(&cancelled),
            "a finished order never works again"
        );
        assert!(!cancelled.is_older_than(&working));
        let (mut early, mut late) = (working.clone(), working.clone());
        early.updated_at = Some(1);
        late.updated_at = Some(2);
        assert!(early.is_older_than(&late) && !late.is_older_than(&early));
    }
}
