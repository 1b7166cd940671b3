//! The order calls (docs/tastytrade.md §6.11) and what to make of their failures. A write is sent
//! once, by the person's tap, through `data::Mutation`; nothing here retries. When an order's
//! outcome is unknown (no answer, a 5xx, the worker's `outcome_unknown`), the live order list
//! says whether it arrived: [`reconcile`] finds it among the orders that were not there before.

use gloo_net::http::Method;
use pocket_shared::bff::BffErrorCode;
use pocket_shared::tastytrade::{Items, NewOrder, Order, OrderPreview};

use crate::api::{self, ApiError};

fn body(order: &NewOrder) -> Option<String> {
    serde_json::to_string(order).ok()
}

/// `POST /accounts/{n}/orders/dry-run`: what the order would do, nothing sent to the market.
pub async fn dry_run(account: String, order: NewOrder) -> Result<OrderPreview, ApiError> {
    api::write(
        Method::POST,
        &["accounts", &account, "orders", "dry-run"],
        body(&order),
    )
    .await
}

/// `POST /accounts/{n}/orders`: places the order. Called once per tap; never retried.
pub async fn place(account: String, order: NewOrder) -> Result<OrderPreview, ApiError> {
    api::write(
        Method::POST,
        &["accounts", &account, "orders"],
        body(&order),
    )
    .await
}

/// `POST /accounts/{n}/orders/{id}/dry-run`: what a replacement would do.
pub async fn dry_run_replace(
    account: String,
    id: i64,
    order: NewOrder,
) -> Result<OrderPreview, ApiError> {
    let id = id.to_string();
    api::write(
        Method::POST,
        &["accounts", &account, "orders", &id, "dry-run"],
        body(&order),
    )
    .await
}

/// `PUT /accounts/{n}/orders/{id}`: cancel/replace; answers the new order.
pub async fn replace(account: String, id: i64, order: NewOrder) -> Result<Order, ApiError> {
    let id = id.to_string();
    api::write(
        Method::PUT,
        &["accounts", &account, "orders", &id],
        body(&order),
    )
    .await
}

/// `DELETE /accounts/{n}/orders/{id}`: answers the order, `Cancel Requested`.
pub async fn cancel(account: String, id: i64) -> Result<Order, ApiError> {
    let id = id.to_string();
    api::write(Method::DELETE, &["accounts", &account, "orders", &id], None).await
}

pub async fn order(account: String, id: i64) -> Result<Order, ApiError> {
    let id = id.to_string();
    api::get(&["accounts", &account, "orders", &id], "", None).await
}

/// `GET /accounts/{n}/orders/live`: today's orders and every working one.
pub async fn live_orders(account: String) -> Result<Vec<Order>, ApiError> {
    let list: Items<Order> = api::get(&["accounts", &account, "orders", "live"], "", None).await?;
    Ok(list.items)
}

/// Whether a failed write certainly did nothing (refused before or by tastytrade), as opposed
/// to an outcome nobody knows: a lost connection, a timeout, a 5xx, an answer that could not be
/// read, the worker's `outcome_unknown`.
pub fn surely_not_done(error: &ApiError) -> bool {
    match error {
        ApiError::SessionEnded { .. } | ApiError::RateLimited { .. } | ApiError::Aborted => true,
        ApiError::Tastytrade { status, code, .. } => {
            (400..500).contains(status) && code != "outcome_unknown"
        }
        ApiError::Worker { code, .. } => !matches!(
            code,
            BffErrorCode::OutcomeUnknown
                | BffErrorCode::UpstreamUnavailable
                | BffErrorCode::Internal
        ),
        ApiError::Http { .. } | ApiError::Network(_) | ApiError::Decode(_) => false,
    }
}

/// Whether `order` is what `sent` asked for: the same legs (symbol, action, quantity), type
/// and price.
pub fn same_order(order: &Order, sent: &NewOrder) -> bool {
    let type_matches = order
        .order_type
        .as_ref()
        .is_some_and(|t| t.to_string() == sent.order_type);
    let price_matches = match (order.price, sent.price) {
        (Some(a), Some(b)) => a == b,
        (None, None) => true,
        _ => false,
    };
    let legs_match = order.legs.len() == sent.legs.len()
        && sent.legs.iter().all(|want| {
            order.legs.iter().any(|leg| {
                leg.symbol == want.symbol
                    && leg
                        .action
                        .as_ref()
                        .is_some_and(|a| a.to_string() == want.action)
                    && leg.quantity == Some(want.quantity.into())
            })
        });
    type_matches && price_matches && legs_match
}

/// The order that was sent, if the live list has it: one that matches and was not in the list
/// before the send (`known_ids`); the newest if several do.
pub fn reconcile<'a>(live: &'a [Order], known_ids: &[i64], sent: &NewOrder) -> Option<&'a Order> {
    live.iter()
        .filter(|o| o.id.is_some_and(|id| !known_ids.contains(&id)))
        .filter(|o| same_order(o, sent))
        .max_by_key(|o| o.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::tastytrade::NewLeg;
    use rust_decimal::Decimal;

    fn sent() -> NewOrder {
        NewOrder {
            time_in_force: "Day".into(),
            gtc_date: None,
            order_type: "Limit".into(),
            price: Some(Decimal::new(150, 2)),
            price_effect: Some("Debit"),
            stop_trigger: None,
            source: Some("tastypocket"),
            legs: vec![NewLeg {
                instrument_type: "Equity",
                symbol: "AAPL".into(),
                quantity: 10,
                action: "Buy to Open",
            }],
        }
    }

    fn order(id: i64, symbol: &str, quantity: &str, price: &str) -> Order {
        // As tastytrade sends it (docs/tastytrade.md §6.4).
        serde_json::from_value(serde_json::json!({
            "id": id, "account-number": "5WT00001", "order-type": "Limit", "price": price,
            "price-effect": "Debit", "status": "Live", "time-in-force": "Day",
            "underlying-symbol": symbol, "legs": [ { "instrument-type": "Equity", "symbol": symbol,
              "quantity": quantity, "remaining-quantity": quantity, "action": "Buy to Open" } ]
        }))
        .unwrap()
    }

    #[test]
    fn the_sent_order_is_found_among_new_live_orders_only() {
        let live = [
            order(1, "AAPL", "10", "1.5"),
            order(2, "AAPL", "10", "1.50"),
            order(3, "AAPL", "11", "1.5"),
            order(4, "MSFT", "10", "1.5"),
            order(5, "AAPL", "10", "1.55"),
        ];
        assert_eq!(reconcile(&live, &[1], &sent()).and_then(|o| o.id), Some(2));
        assert_eq!(reconcile(&live, &[1, 2], &sent()), None);
        assert_eq!(reconcile(&[], &[], &sent()), None);
    }

    #[test]
    fn what_counts_as_not_done() {
        let preflight = ApiError::Tastytrade {
            status: 422,
            code: "preflight_check_failure".into(),
            message: "x".into(),
        };
        assert!(surely_not_done(&preflight));
        assert!(surely_not_done(&ApiError::RateLimited {
            retry_after_secs: Some(3)
        }));
        for refused in [
            BffErrorCode::ReadOnly,
            BffErrorCode::CsrfRequired,
            BffErrorCode::BadRequest,
        ] {
            assert!(surely_not_done(&ApiError::Worker {
                status: 403,
                code: refused,
                message: "x".into(),
            }));
        }
        for unknown in [
            ApiError::Network("reset".into()),
            ApiError::Http { status: 504 },
            ApiError::Decode("eof".into()),
            ApiError::Tastytrade {
                status: 500,
                code: "internal".into(),
                message: "x".into(),
            },
            ApiError::Tastytrade {
                status: 502,
                code: "outcome_unknown".into(),
                message: "x".into(),
            },
            ApiError::Worker {
                status: 502,
                code: BffErrorCode::UpstreamUnavailable,
                message: "x".into(),
            },
            ApiError::Worker {
                status: 502,
                code: BffErrorCode::OutcomeUnknown,
                message: "x".into(),
            },
        ] {
            assert!(!surely_not_done(&unknown), "{unknown:?}");
        }
    }
}
