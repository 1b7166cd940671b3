//! What the orders screen reads from an order beyond the typed fields: compact leg lines with
//! expirations, the replace links and timeline times kept in `extra`, fill averages (checked).

use pocket_shared::tastytrade::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn order(json: serde_json::Value) -> Order {
    serde_json::from_value(json).unwrap()
}

#[test]
fn compact_legs_carry_the_expiration() {
    let o = order(serde_json::json!({
        "legs": [
            {"symbol": "SPY   261218C00700000", "action": "Sell to Open", "quantity": 1},
            {"symbol": "SPY   261218C00710500", "action": "Buy to Open", "quantity": "2"},
            {"symbol": "./ESZ6 EW3U6 260918P9100", "action": "Sell to Close", "quantity": 1},
            {"symbol": "/ESZ6", "action": "Buy", "quantity": 1},
            {"symbol": "AAPL", "action": "Buy to Open"}
        ]
    }));
    assert_eq!(
        o.compact_leg_summary(),
        "STO 1 SPY 12/18/26 700C / BTO 2 SPY 12/18/26 710.5C / STC 1 /ESZ6 9/18/26 9100P \
         / Buy 1 /ESZ6 / BTO AAPL"
    );
    // The long form is unchanged.
    assert_eq!(
        o.legs[0].summary(),
        "STO 1 SPY 700 Call",
        "summary keeps its format"
    );
    assert_eq!(order(serde_json::json!({})).compact_leg_summary(), "");
}

#[test]
fn replace_links_and_extra_times() {
    let old = order(serde_json::json!({
        "id": 351001052, "status": "Cancelled", "edited": true,
        "replacing-order-id": 351001065,
        "live-at": "2026-07-22T15:00:40.692+00:00",
        "cancelled-at": "2026-07-22T15:02:40.600+00:00",
        "in-flight-at": ""
    }));
    assert_eq!(old.replacing_order_id(), Some(351001065));
    assert_eq!(old.replaces_order_id(), None);
    assert_eq!(
        old.extra_time("live-at"),
        Some("2026-07-22T15:00:40.692+00:00")
    );
    assert_eq!(
        old.extra_time("cancelled-at"),
        Some("2026-07-22T15:02:40.600+00:00")
    );
    assert_eq!(
        old.extra_time("in-flight-at"),
        None,
        "empty reads as absent"
    );
    assert_eq!(old.extra_time("nope"), None);
    let new = order(serde_json::json!({"replaces-order-id": "351001052", "live-at": 5}));
    assert_eq!(new.replaces_order_id(), Some(351001052));
    assert_eq!(new.extra_time("live-at"), None, "a number is not a time");
    let junk = order(serde_json::json!({"replaces-order-id": "x", "replacing-order-id": 1.5}));
    assert_eq!(junk.replaces_order_id(), None);
    assert_eq!(junk.replacing_order_id(), None);
}

#[test]
fn fill_average_is_weighted_and_checked() {
    let leg: OrderLeg = serde_json::from_value(serde_json::json!({
        "symbol": "AAPL", "quantity": 300,
        "fills": [
            {"quantity": 100, "fill-price": "10.00"},
            {"quantity": "200", "fill-price": "10.30"}
        ]
    }))
    .unwrap();
    assert_eq!(leg.filled_quantity(), Some(d("300")));
    assert_eq!(leg.average_fill_price(), Some(d("10.2")));

    let unfilled: OrderLeg = serde_json::from_value(serde_json::json!({"symbol": "AAPL"})).unwrap();
    assert_eq!(unfilled.filled_quantity(), Some(Decimal::ZERO));
    assert_eq!(unfilled.average_fill_price(), None, "no fills: no average");

    let max = Decimal::MAX.to_string();
    let huge: OrderLeg = serde_json::from_value(serde_json::json!({
        "symbol": "X",
        "fills": [{"quantity": 2, "fill-price": max}, {"quantity": 1, "fill-price": "1"}]
    }))
    .unwrap();
    assert_eq!(huge.average_fill_price(), None, "overflow reads as unknown");

    let no_price: OrderLeg = serde_json::from_value(serde_json::json!({
        "symbol": "X", "fills": [{"quantity": 2}]
    }))
    .unwrap();
    assert_eq!(no_price.filled_quantity(), Some(d("2")));
    assert_eq!(no_price.average_fill_price(), None);
}
