//! Orders, transactions, net-liq history and balance snapshots, watchlists, trading status and
//! margin requirements: the example payloads in tests/fixtures (its README says which are
//! verbatim and which composed) parse with their values; tolerance for drift; the
//! signed-amount helpers never panic; the net-liq `time` parser's edge cases; the watchlist body
//! is exactly the documented JSON.

use pocket_shared::tastytrade::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_value(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// `Decimal::MAX` as a wire string.
const MAX: &str = "79228162514264337593543950335";

// ---- orders -------------------------------------------------------------------------------

#[test]
fn single_order_with_fill_fixture() {
    let r: OrderResponse = serde_json::from_str(&fixture("order-filled.json")).unwrap();
    let o = &r.data;
    assert_eq!(o.id, Some(1));
    assert_eq!(o.account_number.as_deref(), Some("5WT00000"));
    assert_eq!(o.time_in_force, Some(TimeInForce::Day));
    assert_eq!(o.order_type, Some(OrderType::Market));
    assert_eq!(o.size, Some(d("100")));
    assert_eq!(o.underlying_symbol.as_deref(), Some("AAPL"));
    assert_eq!(o.underlying_instrument_type, Some(InstrumentType::Equity));
    assert_eq!(o.status, Some(OrderStatus::Filled));
    assert_eq!(o.cancellable, Some(false));
    assert_eq!(o.editable, Some(false));
    assert_eq!(o.edited, Some(false));
    assert_eq!(
        o.received_at.as_deref(),
        Some("2023-07-05T19:07:32.444+00:00")
    );
    assert_eq!(o.updated_at, Some(1_688_584_052_750));
    assert_eq!(
        o.terminal_at.as_deref(),
        Some("2023-07-05T19:07:32.737+00:00")
    );
    assert_eq!(o.price, None);
    assert_eq!(o.price_effect, None);
    assert_eq!(o.gtc_date, None);
    assert_eq!(o.reject_reason, None);
    // Untyped keys are kept as sent, numbers as numbers.
    assert_eq!(o.extra["ext-exchange-order-number"], "12345");
    assert_eq!(o.extra["ext-client-order-id"], "67890");
    assert_eq!(o.extra["ext-global-order-number"], 1111);
    assert_eq!(o.extra["in-flight-at"], "2023-07-05T19:07:32.494+00:00");
    assert_eq!(o.extra["live-at"], "2023-07-05T19:07:32.495+00:00");
    assert_eq!(o.extra["destination-venue"], "TEST_A");
    assert_eq!(o.extra["user-id"], 99);
    assert_eq!(o.extra["username"], "coolperson");

    assert_eq!(o.legs.len(), 1);
    let leg = &o.legs[0];
    assert_eq!(leg.instrument_type, Some(InstrumentType::Equity));
    assert_eq!(leg.symbol, "AAPL");
    assert_eq!(leg.quantity, Some(d("100")));
    assert_eq!(leg.remaining_quantity, Some(Decimal::ZERO));
    assert_eq!(leg.action, Some(OrderAction::BuyToOpen));
    assert_eq!(leg.fills.len(), 1);
    let f = &leg.fills[0];
    assert_eq!(
        f.fill_id.as_deref(),
        Some("24_TW::TEST_A47504::20230705.1179-TEST_FILL")
    );
    assert_eq!(f.quantity, Some(d("100")));
    assert_eq!(f.fill_price, Some(d("100.0")));
    assert_eq!(
        f.filled_at.as_deref(),
        Some("2023-07-05T19:07:32.496+00:00")
    );
    assert_eq!(f.destination_venue.as_deref(), Some("TEST_A"));
    assert_eq!(f.extra["ext-group-fill-id"], "0");
    assert_eq!(f.extra["ext-exec-id"], "1122");

    assert!(!o.is_working());
    assert_eq!(o.signed_price(), None);
    assert_eq!(o.leg_summary(), "BTO 100 AAPL");
    // The ISO `received-at` and the epoch-ms `updated-at` are on one scale once parsed.
    let received = UtcTime::parse(o.received_at.as_deref().unwrap()).unwrap();
    assert!(received.unix_millis() < o.updated_at.unwrap());
    assert_eq!(received.unix_millis(), 1_688_584_052_444);
}

#[test]
fn orders_list_fixture_with_pagination() {
    let r: OrdersResponse = serde_json::from_str(&fixture("orders.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/accounts/5XX00000/orders"));
    let p = r.pagination.as_ref().unwrap();
    assert_eq!(p.per_page, Some(250));
    assert_eq!(p.page_offset, Some(0));
    assert_eq!(p.total_items, Some(1042));
    assert_eq!(p.total_pages, Some(5));
    assert_eq!(p.current_item_count, Some(250));
    assert_eq!(p.next_link, None);
    assert_eq!(p.next_page_offset(), Some(1));

    assert_eq!(r.data.items.len(), 1);
    let o = &r.data.items[0];
    assert_eq!(o.id, Some(1_075_264));
    assert_eq!(o.account_number.as_deref(), Some("5XX00000"));
    assert_eq!(o.status, Some(OrderStatus::Cancelled));
    assert_eq!(o.order_type, Some(OrderType::Limit));
    assert_eq!(o.time_in_force, Some(TimeInForce::Day));
    assert_eq!(o.price, Some(d("1.02")));
    assert_eq!(o.price_effect, Some(PriceEffect::Debit));
    assert_eq!(o.size, Some(Decimal::ONE));
    assert_eq!(o.underlying_symbol.as_deref(), Some("AAPL"));
    assert_eq!(o.underlying_instrument_type, Some(InstrumentType::Equity));
    assert_eq!(o.updated_at, Some(1_781_292_831_405));
    assert_eq!(
        o.received_at.as_deref(),
        Some("2026-06-12T19:33:24.172+00:00")
    );
    assert_eq!(
        o.terminal_at.as_deref(),
        Some("2026-06-12T19:33:51.381+00:00")
    );
    assert_eq!(o.cancellable, Some(false));
    assert_eq!(o.edited, Some(false));
    assert_eq!(o.extra["replaces-order-id"], 1_075_261);
    assert_eq!(o.extra["cancelled-at"], "2026-06-12T19:33:51.327+00:00");
    assert_eq!(o.extra["ext-client-order-id"], "JAAAAAXQbUXvvcDx9E");
    let leg = &o.legs[0];
    assert_eq!(leg.action, Some(OrderAction::BuyToOpen));
    assert_eq!(leg.quantity, Some(Decimal::ONE));
    assert_eq!(leg.remaining_quantity, Some(Decimal::ONE));
    assert!(leg.fills.is_empty());
    assert!(leg.extra.is_empty());

    assert!(!o.is_working());
    assert_eq!(o.signed_price(), Some(d("-1.02")));
    assert_eq!(o.leg_summary(), "BTO 1 AAPL");
}

#[test]
fn multi_leg_dry_run_order_fixture() {
    // The dry-run response is not modelled yet; its `data.order` is an ordinary order.
    let r: Envelope<serde_json::Value> =
        serde_json::from_str(&fixture("order-dry-run.json")).unwrap();
    assert_eq!(r.api_version.as_deref(), Some("v1"));
    assert_eq!(
        r.context.as_deref(),
        Some("/accounts/5WT0001/orders/dry-run")
    );
    let o: Order = serde_json::from_value(r.data["order"].clone()).unwrap();
    assert_eq!(o.id, None);
    assert_eq!(o.account_number.as_deref(), Some("5WT0001"));
    assert_eq!(o.order_type, Some(OrderType::Limit));
    assert_eq!(o.size, Some(Decimal::ONE));
    assert_eq!(o.underlying_symbol.as_deref(), Some("SPY"));
    assert_eq!(o.price, Some(d("2.0")));
    assert_eq!(o.price_effect, Some(PriceEffect::Credit));
    assert_eq!(o.status, Some(OrderStatus::Received));
    assert_eq!(o.cancellable, Some(true));
    assert_eq!(o.editable, Some(true));
    assert_eq!(o.updated_at, Some(0));
    assert!(o.extra.is_empty(), "{:?}", o.extra);
    assert_eq!(o.legs.len(), 2);
    assert_eq!(o.legs[0].symbol, "SPY   191018C00298000");
    assert_eq!(
        o.legs[0].instrument_type,
        Some(InstrumentType::EquityOption)
    );
    assert_eq!(o.legs[1].action, Some(OrderAction::SellToOpen));
    assert_eq!(o.legs[1].remaining_quantity, Some(Decimal::ONE));

    assert!(o.is_working());
    assert_eq!(o.signed_price(), Some(d("2.0")));
    assert_eq!(o.leg_summary(), "BTO 1 SPY 298 Call / STO 1 SPY 295 Call");
}

#[test]
fn live_orders_fixture() {
    let r: LiveOrdersResponse = serde_json::from_str(&fixture("orders-live.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/accounts/5WT00001/orders/live"));
    assert_eq!(r.pagination, None);
    let items = &r.data.items;
    assert_eq!(items.len(), 6);
    let statuses: Vec<_> = items.iter().map(|o| o.status.clone().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            OrderStatus::Live,
            OrderStatus::Filled,
            OrderStatus::CancelRequested,
            OrderStatus::Contingent,
            OrderStatus::Rejected,
            OrderStatus::Received,
        ]
    );
    let working: Vec<_> = items.iter().map(Order::is_working).collect();
    assert_eq!(working, [true, false, true, true, false, true]);
    let prices: Vec<_> = items.iter().map(Order::signed_price).collect();
    assert_eq!(
        prices,
        [
            Some(d("1.45")),
            Some(d("-1.09")),
            None,
            Some(d("198.68")),
            Some(d("-400.0")),
            None
        ]
    );
    let summaries: Vec<_> = items.iter().map(Order::leg_summary).collect();
    assert_eq!(
        summaries,
        [
            "STO 1 SPY 500 Put / BTO 1 SPY 495 Put",
            "BTO 2 AAPL 197.5 Call / STO 2 AAPL 200 Call",
            "Sell 1 /ESZ6",
            "STC 100 AAPL",
            "BTO 10 MSFT",
            "BTO AAPL",
        ]
    );

    // Live GTC credit spread.
    let live = &items[0];
    assert_eq!(live.time_in_force, Some(TimeInForce::Gtc));
    assert_eq!(live.updated_at, Some(1_781_532_131_250));
    assert_eq!(live.extra["live-at"], "2026-06-15T14:02:11.190+00:00");
    assert!(live.legs.iter().all(|l| l.fills.is_empty()));

    // Filled: several fills on one leg.
    let filled = &items[1];
    assert_eq!(
        filled.terminal_at.as_deref(),
        Some("2026-06-15T14:10:02.400+00:00")
    );
    let fills = &filled.legs[0].fills;
    assert_eq!(fills.len(), 2);
    assert_eq!(fills[0].fill_price, Some(d("4.10")));
    assert_eq!(fills[1].fill_price, Some(d("4.12")));
    assert_eq!(fills[1].fill_id.as_deref(), Some("sim-2000102-2"));
    assert_eq!(filled.legs[1].fills[0].quantity, Some(d("2")));
    assert_eq!(filled.legs[1].remaining_quantity, Some(Decimal::ZERO));

    // Cancel Requested futures stop: no price, a trigger.
    let stop = &items[2];
    assert_eq!(stop.order_type, Some(OrderType::Stop));
    assert_eq!(stop.stop_trigger, Some(d("5010.25")));
    assert_eq!(
        stop.underlying_instrument_type,
        Some(InstrumentType::Future)
    );
    assert_eq!(stop.legs[0].action, Some(OrderAction::Sell));
    assert_eq!(stop.cancellable, Some(false));

    // Contingent OCO child.
    let child = &items[3];
    assert_eq!(child.extra["contingent-status"], "Pending Order");
    assert_eq!(child.extra["complex-order-tag"], "OCO::order");
    assert_eq!(child.extra["complex-order-id"], 77001);

    // Rejected GTD.
    let rejected = &items[4];
    assert_eq!(rejected.time_in_force, Some(TimeInForce::Gtd));
    assert_eq!(rejected.gtc_date.as_deref(), Some("2026-07-17"));
    assert_eq!(rejected.reject_reason.as_deref(), Some("Session offline"));

    // Notional market: no size, a leg without quantity, the value in `extra`.
    let notional = &items[5];
    assert_eq!(notional.order_type, Some(OrderType::NotionalMarket));
    assert_eq!(notional.size, None);
    assert_eq!(notional.legs[0].quantity, None);
    assert_eq!(notional.extra["value"], "50.0");
    assert_eq!(notional.extra["value-effect"], "Debit");
}

#[test]
fn order_status_classification_covers_every_documented_value() {
    let working = [
        "Received",
        "Routed",
        "In Flight",
        "Live",
        "Cancel Requested",
        "Replace Requested",
        "Contingent",
    ];
    let terminal = [
        "Filled",
        "Cancelled",
        "Expired",
        "Rejected",
        "Removed",
        "Partially Removed",
    ];
    for wire in working.iter().chain(&terminal) {
        let s: OrderStatus = serde_json::from_value((*wire).into()).unwrap();
        assert!(!matches!(s, OrderStatus::Unknown(_)), "{wire}");
        assert_eq!(serde_json::to_value(&s).unwrap(), *wire);
        assert_eq!(s.is_known_working(), working.contains(wire), "{wire}");
        assert_eq!(s.is_terminal(), terminal.contains(wire), "{wire}");
        // `cancellable` only decides for statuses this build does not know.
        let o = Order {
            status: Some(s),
            cancellable: Some(!working.contains(wire)),
            ..Order::default()
        };
        assert_eq!(o.is_working(), working.contains(wire), "{wire}");
    }
    for wire in [
        "Day",
        "GTC",
        "GTD",
        "Ext",
        "Ext Overnight",
        "GTC Ext",
        "GTC Ext Overnight",
        "IOC",
    ] {
        let t: TimeInForce = serde_json::from_value(wire.into()).unwrap();
        assert!(!matches!(t, TimeInForce::Unknown(_)), "{wire}");
    }
    for wire in [
        "Limit",
        "Market",
        "Marketable Limit",
        "Stop",
        "Stop Limit",
        "Notional Market",
    ] {
        let t: OrderType = serde_json::from_value(wire.into()).unwrap();
        assert!(!matches!(t, OrderType::Unknown(_)), "{wire}");
    }
}

#[test]
fn order_tolerates_unknown_values_missing_optionals_and_numbers() {
    let o: Order = serde_json::from_value(serde_json::json!({
        "id": "42", "status": "Pending Approval", "order-type": "Trailing Stop",
        "time-in-force": "GTX", "price": 1.51, "price-effect": "Rebate", "size": "3",
        "updated-at": "1688584052750", "cancellable": true, "brand-new": {"a": [1]},
        "legs": [{"symbol": "BTC/USD", "instrument-type": "Cryptocurrency", "quantity": 0.125,
                  "action": "Exercise", "fills": null, "leg-new": true}]
    }))
    .unwrap();
    assert_eq!(o.id, Some(42));
    assert_eq!(
        o.status,
        Some(OrderStatus::Unknown("Pending Approval".into()))
    );
    assert_eq!(
        o.order_type,
        Some(OrderType::Unknown("Trailing Stop".into()))
    );
    assert_eq!(o.time_in_force, Some(TimeInForce::Unknown("GTX".into())));
    assert_eq!(o.price, Some(d("1.51")));
    assert_eq!(o.size, Some(d("3")));
    assert_eq!(o.updated_at, Some(1_688_584_052_750));
    assert_eq!(o.extra["brand-new"]["a"][0], 1);
    // An unknown status: `cancellable` decides.
    assert!(o.is_working());
    // An unknown effect signs like Credit (shown as sent, not negated).
    assert_eq!(o.signed_price(), Some(d("1.51")));
    let leg = &o.legs[0];
    assert_eq!(leg.quantity, Some(d("0.125")));
    assert!(leg.fills.is_empty());
    assert_eq!(leg.extra["leg-new"], true);
    assert_eq!(leg.action, Some(OrderAction::Unknown("Exercise".into())));
    assert_eq!(o.leg_summary(), "Exercise 0.125 BTC/USD");
    // Unknown values re-serialize unchanged; decimals go out as strings.
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["status"], "Pending Approval");
    assert_eq!(json["price"], "1.51");
    assert_eq!(json["legs"][0]["action"], "Exercise");

    // An unknown status that is not cancellable is not working; nor is one with no status.
    let o: Order = serde_json::from_value(serde_json::json!({"status": "Voided"})).unwrap();
    assert!(!o.is_working());
    let empty: Order = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty, Order::default());
    assert!(!empty.is_working());
    assert_eq!(empty.leg_summary(), "");
    let null_legs: Order = serde_json::from_value(serde_json::json!({"legs": null})).unwrap();
    assert!(null_legs.legs.is_empty());

    // `updated-at` as an ISO string (not what tastytrade sends) reads as None, not a failure.
    let o: Order =
        serde_json::from_value(serde_json::json!({"updated-at": "2023-07-05T19:07:32.750Z"}))
            .unwrap();
    assert_eq!(o.updated_at, None);
    // Garbage in a decimal is still an error (never a silent zero).
    assert!(serde_json::from_value::<Order>(serde_json::json!({"price": "1,02"})).is_err());
}

#[test]
fn signed_price_effects_and_extremes() {
    let order = |price: &str, effect: &str| -> Order {
        serde_json::from_value(serde_json::json!({"price": price, "price-effect": effect})).unwrap()
    };
    assert_eq!(order("2.5", "Debit").signed_price(), Some(d("-2.5")));
    assert_eq!(order("2.5", "Credit").signed_price(), Some(d("2.5")));
    assert_eq!(order("0", "None").signed_price(), Some(Decimal::ZERO));
    // Already-negative input is treated as a magnitude.
    assert_eq!(order("-2.5", "Credit").signed_price(), Some(d("2.5")));
    // Extremes do not panic.
    assert_eq!(order(MAX, "Debit").signed_price(), Some(-Decimal::MAX));
    assert_eq!(order(MAX, "Credit").signed_price(), Some(Decimal::MAX));
}

#[test]
fn pagination_next_page() {
    let page = |offset: Option<i64>, total: Option<i64>| Pagination {
        page_offset: offset,
        total_pages: total,
        ..Pagination::default()
    };
    assert_eq!(page(Some(0), Some(5)).next_page_offset(), Some(1));
    assert_eq!(page(Some(4), Some(5)).next_page_offset(), None);
    assert_eq!(page(None, Some(2)).next_page_offset(), Some(1));
    assert_eq!(page(Some(0), Some(1)).next_page_offset(), None);
    assert_eq!(page(Some(0), Some(0)).next_page_offset(), None);
    assert_eq!(page(Some(0), None).next_page_offset(), None);
    assert_eq!(
        page(Some(i64::MAX), Some(i64::MAX)).next_page_offset(),
        None
    );
}

// ---- transactions -------------------------------------------------------------------------

#[test]
fn transactions_fixture() {
    let r: TransactionsResponse = serde_json::from_str(&fixture("transactions.json")).unwrap();
    assert_eq!(r.data.items.len(), 2);

    let t = &r.data.items[0];
    assert_eq!(t.id, Some(1_735_820));
    assert_eq!(t.account_number.as_deref(), Some("5XX00000"));
    assert_eq!(t.transaction_type, Some(TransactionType::Trade));
    assert_eq!(t.transaction_sub_type.as_deref(), Some("Buy to Open"));
    assert_eq!(t.action, Some(OrderAction::BuyToOpen));
    assert_eq!(
        t.description.as_deref(),
        Some("Bought 1 SMCI 06/05/26 Call 45.00 @ 0.75")
    );
    assert_eq!(t.executed_at.as_deref(), Some("2026-06-05T13:30:00.707Z"));
    assert_eq!(t.transaction_date.as_deref(), Some("2026-06-05"));
    assert_eq!(t.value, Some(d("75.0")));
    assert_eq!(t.value_effect, Some(PriceEffect::Debit));
    assert_eq!(t.net_value, Some(d("76.12")));
    assert_eq!(t.net_value_effect, Some(PriceEffect::Debit));
    assert_eq!(t.commission, Some(d("1.0")));
    assert_eq!(t.commission_effect, Some(PriceEffect::Debit));
    assert_eq!(t.clearing_fees, Some(d("0.1")));
    assert_eq!(t.clearing_fees_effect, Some(PriceEffect::Debit));
    assert_eq!(t.regulatory_fees, Some(d("0.02")));
    assert_eq!(t.regulatory_fees_effect, Some(PriceEffect::Debit));
    assert_eq!(t.proprietary_index_option_fees, Some(Decimal::ZERO));
    assert_eq!(
        t.proprietary_index_option_fees_effect,
        Some(PriceEffect::None)
    );
    assert_eq!(t.symbol.as_deref(), Some("SMCI  260605C00045000"));
    assert_eq!(t.underlying_symbol.as_deref(), Some("SMCI"));
    assert_eq!(t.instrument_type, Some(InstrumentType::EquityOption));
    assert_eq!(t.quantity, Some(d("1.0")));
    assert_eq!(t.price, Some(d("0.75")));
    assert_eq!(t.order_id, Some(1_033_431));
    assert_eq!(t.is_estimated_fee, Some(true));
    assert_eq!(t.extra["currency"], "USD");
    assert_eq!(t.extra["exec-id"], "9221");
    assert_eq!(t.extra["destination-venue"], "MARKET_SIMULATOR");
    assert_eq!(t.extra["created-at"], "2026-06-05T13:30:02.910Z");
    assert_eq!(t.extra.len(), 4);

    assert_eq!(t.signed_value(), Some(d("-75.0")));
    assert_eq!(t.signed_fees(), Some(d("-1.12")));
    assert_eq!(t.signed_net_value(), Some(d("-76.12")));
    // Without `net-value` the same figure comes from value + fees.
    let mut no_net = t.clone();
    no_net.net_value = None;
    assert_eq!(no_net.signed_net_value(), Some(d("-76.12")));
    assert_eq!(
        UtcTime::parse(t.executed_at.as_deref().unwrap())
            .unwrap()
            .unix_millis(),
        1_780_666_200_707
    );

    let deposit = &r.data.items[1];
    assert_eq!(deposit.id, Some(1_729_885));
    assert_eq!(
        deposit.transaction_type,
        Some(TransactionType::MoneyMovement)
    );
    assert_eq!(deposit.transaction_sub_type.as_deref(), Some("Deposit"));
    assert_eq!(deposit.description.as_deref(), Some("Cash deposit"));
    assert_eq!(deposit.action, None);
    assert_eq!(deposit.symbol, None);
    assert_eq!(deposit.order_id, None);
    assert_eq!(deposit.commission, None);
    assert_eq!(deposit.signed_fees(), Some(Decimal::ZERO));
    assert_eq!(deposit.signed_value(), Some(d("100000.0")));
    assert_eq!(deposit.signed_net_value(), Some(d("100000.0")));
}

#[test]
fn total_fees_fixture() {
    let r: TotalFeesResponse = serde_json::from_str(&fixture("total-fees.json")).unwrap();
    assert_eq!(r.data.total_fees, Some(d("12.34")));
    assert_eq!(r.data.total_fees_effect, Some(PriceEffect::Debit));
    assert_eq!(r.data.signed(), Some(d("-12.34")));
    let zero: TotalFees = serde_json::from_value(serde_json::json!({"total-fees": 0})).unwrap();
    assert_eq!(zero.signed(), Some(Decimal::ZERO));
    let none: TotalFees = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(none.signed(), None);
}

#[test]
fn signed_net_value_overflow_is_none_not_a_panic() {
    let tx = |json: serde_json::Value| -> Transaction { serde_json::from_value(json).unwrap() };
    // −MAX − 1 does not fit.
    let t = tx(serde_json::json!({
        "value": MAX, "value-effect": "Debit", "commission": "1", "commission-effect": "Debit"
    }));
    assert_eq!(t.value, Some(Decimal::MAX));
    assert_eq!(t.signed_value(), Some(-Decimal::MAX));
    assert_eq!(t.signed_net_value(), None);
    // MAX + a 1.0 rebate does not fit either.
    let t = tx(serde_json::json!({
        "value": MAX, "value-effect": "Credit",
        "regulatory-fees": "1.0", "regulatory-fees-effect": "Credit"
    }));
    assert_eq!(t.signed_net_value(), None);
    // Fees alone overflowing: `signed_fees` is None, and so is the computed net.
    let t = tx(serde_json::json!({
        "value": "1", "value-effect": "Credit",
        "commission": MAX, "commission-effect": "Debit",
        "clearing-fees": MAX, "clearing-fees-effect": "Debit"
    }));
    assert_eq!(t.signed_fees(), None);
    assert_eq!(t.signed_net_value(), None);
    // A MAX `net-value` is only signed: no arithmetic, no overflow.
    let t = tx(serde_json::json!({
        "net-value": MAX, "net-value-effect": "Debit",
        "value": MAX, "value-effect": "Debit", "commission": "1", "commission-effect": "Debit"
    }));
    assert_eq!(t.signed_net_value(), Some(-Decimal::MAX));
    // MAX with fees that fit.
    let t = tx(serde_json::json!({
        "value": MAX, "value-effect": "Credit", "commission": "1", "commission-effect": "Debit"
    }));
    assert_eq!(t.signed_net_value(), Some(Decimal::MAX - Decimal::ONE));
    // Nothing to sign.
    assert_eq!(tx(serde_json::json!({})).signed_net_value(), None);
}

#[test]
fn transaction_tolerates_numbers_unknown_values_and_missing_fields() {
    let t: Transaction = serde_json::from_value(serde_json::json!({
        "id": "7", "transaction-type": "Dividend Reinvestment", "action": "Exchange",
        "instrument-type": "Space Future", "value": 12.5, "value-effect": "Credit",
        "quantity": 1, "price": "0.5", "order-id": "99", "lots": [{"id": "L1"}]
    }))
    .unwrap();
    assert_eq!(t.id, Some(7));
    assert_eq!(
        t.transaction_type,
        Some(TransactionType::Unknown("Dividend Reinvestment".into()))
    );
    assert_eq!(t.action, Some(OrderAction::Unknown("Exchange".into())));
    assert_eq!(
        t.instrument_type,
        Some(InstrumentType::Unknown("Space Future".into()))
    );
    assert_eq!(t.value, Some(d("12.5")));
    assert_eq!(t.quantity, Some(d("1")));
    assert_eq!(t.order_id, Some(99));
    assert_eq!(t.extra["lots"][0]["id"], "L1");
    assert_eq!(t.signed_net_value(), Some(d("12.5")));
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["transaction-type"], "Dividend Reinvestment");
    assert_eq!(json["value"], "12.5");

    for wire in ["Trade", "Receive Deliver", "Money Movement", "Fee"] {
        let t: TransactionType = serde_json::from_value(wire.into()).unwrap();
        assert!(!matches!(t, TransactionType::Unknown(_)), "{wire}");
    }
}

// ---- net-liq history and balance snapshots ------------------------------------------------

#[test]
fn net_liq_history_fixture() {
    let r: NetLiqHistoryResponse = serde_json::from_str(&fixture("net-liq-history.json")).unwrap();
    // This response comes without `context`.
    assert_eq!(r.context, None);
    assert_eq!(r.data.items.len(), 1);
    let p = &r.data.items[0];
    for v in [p.open, p.high, p.low, p.close, p.total_close] {
        assert_eq!(v, Some(d("4498.667")));
    }
    assert_eq!(p.time.as_deref(), Some("2023-06-08 13:30:00+00"));
    assert_eq!(p.extra["pending-cash-open"], "0.0");
    assert_eq!(p.extra["pending-cash-close"], "0.0");
    assert_eq!(p.extra["total-open"], "4498.667");
    assert_eq!(p.extra["total-high"], "4498.667");
    assert_eq!(p.extra["total-low"], "4498.667");
    assert_eq!(p.extra.len(), 7);
    let t = p.parsed_time().unwrap();
    assert_eq!(
        t,
        UtcTime {
            unix_seconds: 1_686_231_000,
            nanos: 0
        }
    );
    // Round trip keeps every key.
    let json = serde_json::to_value(p).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 13);
}

#[test]
fn net_liq_time_parsing_edge_cases() {
    let secs = |s: &str| UtcTime::parse(s).map(|t| t.unix_seconds);
    let at = 1_686_231_000; // 2023-06-08T13:30:00Z
                            // The net-liq form and every ISO spelling of the same instant.
    for s in [
        "2023-06-08 13:30:00+00",
        "2023-06-08T13:30:00Z",
        "2023-06-08t13:30:00z",
        "2023-06-08T13:30:00+00:00",
        "2023-06-08 13:30:00+0000",
        "2023-06-08 13:30:00-00",
        "2023-06-08 13:30+00",
        "2023-06-08 13:30:00",
        "2023-06-08 15:30:00+02",
        "2023-06-08 09:30:00-04",
        "2023-06-08T19:00:00+05:30",
        "2023-06-08T19:00:00+0530",
        "  2023-06-08 13:30:00+00\n",
    ] {
        assert_eq!(secs(s), Some(at), "{s:?}");
    }
    // Offsets that cross midnight.
    assert_eq!(secs("2023-06-08 00:30:00+02"), Some(1_686_177_000));
    assert_eq!(secs("2023-06-07 20:30:00-02"), Some(1_686_177_000));
    // Date only: midnight UTC.
    assert_eq!(secs("2023-06-08"), Some(1_686_182_400));
    // Fractions: milliseconds, one digit, more than nanoseconds (truncated), a comma.
    let t = UtcTime::parse("2023-06-08 13:30:00.889+00").unwrap();
    assert_eq!((t.unix_seconds, t.nanos), (at, 889_000_000));
    assert_eq!(t.unix_millis(), 1_686_231_000_889);
    assert_eq!(
        UtcTime::parse("2023-06-08T13:30:00.1Z").unwrap().nanos,
        100_000_000
    );
    assert_eq!(
        UtcTime::parse("2023-06-08T13:30:00.123456789123Z")
            .unwrap()
            .nanos,
        123_456_789
    );
    assert_eq!(
        UtcTime::parse("2023-06-08T13:30:00,5Z").unwrap().nanos,
        500_000_000
    );
    // Swagger's zone-id suffix is ignored; the numeric offset wins.
    assert_eq!(
        secs("2011-12-03T10:15:30+01:00[Europe/Paris]"),
        Some(1_322_903_730)
    );
    // Epoch, before the epoch, leap days.
    assert_eq!(secs("1970-01-01 00:00:00+00"), Some(0));
    assert_eq!(secs("1969-12-31 23:59:59+00"), Some(-1));
    assert_eq!(secs("2000-02-29 00:00:00+00"), Some(951_782_400));
    assert!(secs("2024-02-29 12:00:00+00").is_some());
    assert!(secs("9999-12-31 23:59:59+00").is_some());
    // Rejected: impossible dates and clocks, malformed offsets, stray text.
    for bad in [
        "",
        "   ",
        "garbage",
        "2023-02-29 00:00:00+00",
        "1900-02-29 00:00:00+00",
        "2023-04-31 00:00:00+00",
        "2023-13-01 00:00:00+00",
        "2023-00-10 00:00:00+00",
        "2023-06-00 00:00:00+00",
        "2023-06-08 24:00:00+00",
        "2023-06-08 13:60:00+00",
        "2023-06-08 13:30:60+00",
        "2023-06-08 13:30:00+2",
        "2023-06-08 13:30:00+24",
        "2023-06-08 13:30:00+05:60",
        "2023-06-08 13:30:00+053",
        "2023-06-08 13:30:00 +00",
        "2023-06-08 13:30:00+00 UTC",
        "2023-06-08 13:30:00.+00",
        "2023-06-08 13",
        "2023-06-08 13:3",
        "2023-06-08X13:30:00",
        "2023-6-8 13:30:00+00",
        "23-06-08 13:30:00+00",
        "2023/06/08 13:30:00+00",
        "2023-06-08 13:30:00+00[]",
        "2023-06-08 13:30:00+00[Europe/Paris",
        "2023-06-08 13:30:00+00[Europe/Paris]x",
        "２０２３-06-08 13:30:00+00",
    ] {
        assert_eq!(UtcTime::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn net_liq_points_sort_chronologically_not_by_text() {
    let r: NetLiqHistoryResponse = serde_json::from_value(serde_json::json!({"data": {"items": [
        {"close": "3", "time": "2023-06-08 14:00:00+00"},
        {"close": "2", "time": "2023-06-08 15:30:00+02"},
        {"close": "1", "time": "2023-06-08 13:00:00+00"},
        {"close": 9.5, "time": "not a time"},
        {"close": "0"}
    ]}}))
    .unwrap();
    let mut points = r.data.items;
    assert_eq!(points[3].close, Some(d("9.5")));
    assert_eq!(points[4].parsed_time(), None);
    // Text order would put "15:30+02" (13:30Z) last.
    points.retain(|p| p.parsed_time().is_some());
    points.sort_by_key(NetLiqPoint::parsed_time);
    let closes: Vec<_> = points.iter().map(|p| p.close.unwrap()).collect();
    assert_eq!(closes, [d("1"), d("2"), d("3")]);
}

#[test]
fn balance_snapshots_fixture() {
    let r: BalanceSnapshotsResponse =
        serde_json::from_str(&fixture("balance-snapshots.json")).unwrap();
    assert_eq!(
        r.context.as_deref(),
        Some("/accounts/5WT00001/balance-snapshots")
    );
    assert_eq!(r.pagination.as_ref().unwrap().total_items, Some(2));
    assert_eq!(r.pagination.as_ref().unwrap().next_page_offset(), None);
    let items = &r.data.items;
    assert_eq!(items.len(), 2);
    let s = &items[0];
    assert_eq!(s.time_of_day, Some(TimeOfDay::Eod));
    let b = &s.balances;
    assert_eq!(b.account_number.as_deref(), Some("5WT00001"));
    assert_eq!(b.snapshot_date.as_deref(), Some("2026-06-11"));
    assert_eq!(b.net_liquidating_value, Some(d("543557.677")));
    assert_eq!(b.cash_balance, Some(d("51600.762")));
    assert_eq!(b.buying_power(), Some(d("20078.762")));
    assert_eq!(b.maintenance_requirement, Some(d("432279.234")));
    assert_eq!(b.extra["long-equity-value"], "281983.415");
    assert_eq!(b.extra["short-derivative-value"], "82680.5");
    // `time-of-day` is the snapshot's, not left behind in the balances' `extra`.
    assert!(!b.extra.contains_key("time-of-day"));
    let s2 = &items[1];
    assert_eq!(s2.balances.snapshot_date.as_deref(), Some("2026-06-12"));
    assert_eq!(s2.balances.net_liquidating_value, Some(d("541300.05")));
    assert_eq!(s2.balances.signed_pending_cash(), Some(d("-125.5")));
    // Round trip: one flat object again, with `time-of-day`.
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["time-of-day"], "EOD");
    assert_eq!(json["net-liquidating-value"], "543557.677");
    assert_eq!(json["long-equity-value"], "281983.415");
}

#[test]
fn balance_snapshot_tolerance() {
    let s: BalanceSnapshot = serde_json::from_value(serde_json::json!({
        "time-of-day": "Midday", "net-liquidating-value": 1000.25, "new-key": [1]
    }))
    .unwrap();
    assert_eq!(s.time_of_day, Some(TimeOfDay::Unknown("Midday".into())));
    assert_eq!(s.balances.net_liquidating_value, Some(d("1000.25")));
    assert_eq!(s.balances.extra["new-key"][0], 1);
    let empty: BalanceSnapshot = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty.time_of_day, None);
    assert_eq!(empty.balances, Balances::default());
    for (wire, v) in [
        ("BOD", TimeOfDay::Bod),
        ("EOD", TimeOfDay::Eod),
        ("Intraday", TimeOfDay::Intraday),
    ] {
        assert_eq!(serde_json::from_value::<TimeOfDay>(wire.into()).unwrap(), v);
    }
}

// ---- watchlists ---------------------------------------------------------------------------

#[test]
fn watchlists_fixture() {
    let r: WatchlistsResponse = serde_json::from_str(&fixture("watchlists.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/watchlists"));
    let w = &r.data.items[0];
    assert_eq!(w.name, "Tech");
    assert_eq!(w.group_name.as_deref(), Some("default"));
    assert_eq!(w.order_index, Some(9999));
    assert_eq!(
        w.watchlist_entries,
        [
            WatchlistEntry::new("AAPL", InstrumentType::Equity),
            WatchlistEntry::new("/ESZ6", InstrumentType::Future),
        ]
    );
    assert!(w.extra.is_empty());
    assert_eq!(w.symbols().collect::<Vec<_>>(), ["AAPL", "/ESZ6"]);
}

#[test]
fn public_watchlists_fixture() {
    let r: WatchlistsResponse = serde_json::from_str(&fixture("public-watchlists.json")).unwrap();
    assert_eq!(r.context.as_deref(), Some("/public-watchlists"));
    assert_eq!(r.data.items.len(), 2);
    let idx = &r.data.items[0];
    assert_eq!(idx.name, "Demo Index ETFs");
    assert_eq!(idx.group_name.as_deref(), Some("Public"));
    assert_eq!(idx.order_index, Some(1));
    assert_eq!(idx.symbols().collect::<Vec<_>>(), ["SPY", "QQQ", "IWM"]);
    let fut = &r.data.items[1];
    assert_eq!(fut.order_index, Some(2));
    assert!(fut
        .watchlist_entries
        .iter()
        .all(|e| e.instrument_type == Some(InstrumentType::Future)));
}

#[test]
fn watchlist_body_is_exactly_the_documented_json() {
    let body = WatchlistRequest::new(
        "Tech",
        vec![
            WatchlistEntry::new("AAPL", InstrumentType::Equity),
            WatchlistEntry::new("/ESZ6", InstrumentType::Future),
        ],
    );
    // Same keys and values as the documented body (docs/tastytrade.md §6.7; order-insensitive)…
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        fixture_value("watchlist-request.json")
    );
    // …and, byte for byte, in the documented key order.
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"name":"Tech","group-name":"default","order-index":9999,"watchlist-entries":[{"symbol":"AAPL","instrument-type":"Equity"},{"symbol":"/ESZ6","instrument-type":"Future"}]}"#
    );
    // A fetched list (with extra keys) writes back only the documented keys.
    let fetched: Watchlist = serde_json::from_value(serde_json::json!({
        "name": "Tech", "group-name": "default", "order-index": 9999, "cms-id": "abc",
        "watchlist-entries": [{"symbol": "AAPL", "instrument-type": "Equity"},
                              {"symbol": "/ESZ6", "instrument-type": "Future"}]
    }))
    .unwrap();
    assert_eq!(fetched.extra["cms-id"], "abc");
    assert_eq!(fetched.to_request(), body);
    // Missing group / index get the defaults; an empty list is `[]`, not omitted.
    let bare: Watchlist = serde_json::from_value(serde_json::json!({"name": "Empty"})).unwrap();
    assert_eq!(
        serde_json::to_string(&bare.to_request()).unwrap(),
        r#"{"name":"Empty","group-name":"default","order-index":9999,"watchlist-entries":[]}"#
    );
    // The documented JSON also reads back as the request type.
    let parsed: WatchlistRequest =
        serde_json::from_str(&fixture("watchlist-request.json")).unwrap();
    assert_eq!(parsed, body);
}

#[test]
fn watchlist_tolerance() {
    let w: Watchlist = serde_json::from_value(serde_json::json!({
        "name": "Mixed", "order-index": "5", "watchlist-entries": [
            {"symbol": "BTC/USD"},
            {"symbol": "XYZ", "instrument-type": "Space Future", "note": "dropped"}
        ], "counts": 2
    }))
    .unwrap();
    assert_eq!(w.order_index, Some(5));
    assert_eq!(w.group_name, None);
    assert_eq!(w.watchlist_entries[0].instrument_type, None);
    assert_eq!(
        w.watchlist_entries[1].instrument_type,
        Some(InstrumentType::Unknown("Space Future".into()))
    );
    assert_eq!(w.extra["counts"], 2);
    // Entries keep only the documented keys, so a write-back carries nothing else; an
    // unknown instrument type goes back as sent, a missing one stays missing.
    assert_eq!(
        serde_json::to_string(&w.to_request().watchlist_entries).unwrap(),
        r#"[{"symbol":"BTC/USD"},{"symbol":"XYZ","instrument-type":"Space Future"}]"#
    );
    // counts-only style: no entries at all, or null.
    for json in [
        serde_json::json!({"name": "A"}),
        serde_json::json!({"name": "A", "watchlist-entries": null}),
    ] {
        let w: Watchlist = serde_json::from_value(json).unwrap();
        assert!(w.watchlist_entries.is_empty());
    }
    let single: WatchlistResponse = serde_json::from_value(
        serde_json::json!({"data": {"name": "Tech"}, "context": "/watchlists/Tech"}),
    )
    .unwrap();
    assert_eq!(single.data.name, "Tech");
}

// ---- trading status and margin requirements -----------------------------------------------

#[test]
fn trading_status_fixture() {
    let r: TradingStatusResponse = serde_json::from_str(&fixture("trading-status.json")).unwrap();
    let s = &r.data;
    assert_eq!(s.account_number.as_deref(), Some("5YZ55555"));
    assert_eq!(s.is_closed, Some(false));
    assert_eq!(s.is_frozen, Some(false));
    assert_eq!(s.is_closing_only, Some(false));
    assert_eq!(s.is_in_margin_call, Some(false));
    assert_eq!(s.is_pattern_day_trader, Some(false));
    assert_eq!(s.day_trade_count, Some(0));
    assert_eq!(s.options_level.as_deref(), Some("Defined Risk Spreads"));
    assert_eq!(s.is_futures_enabled, Some(false));
    assert_eq!(s.is_cryptocurrency_enabled, Some(false));
    assert_eq!(
        s.updated_at.as_deref(),
        Some("2023-05-28T20:44:40.320+00:00")
    );
    assert_eq!(s.extra["id"], 447096);
    assert_eq!(s.extra["equities-margin-calculation-type"], "IRA Margin");
    assert_eq!(s.extra["futures-margin-rate-multiplier"], "0.0");
    assert_eq!(s.extra["is-full-equity-margin-required"], true);
    assert_eq!(s.extra["is-roll-the-day-forward-enabled"], true);
    assert_eq!(s.extra["short-calls-enabled"], false);
    assert!(s.restrictions().is_empty());
    // Nothing dropped: every key of the payload survives a round trip.
    let original = fixture_value("trading-status.json")["data"].clone();
    let round_trip = serde_json::to_value(s).unwrap();
    assert_eq!(round_trip, original);
}

#[test]
fn trading_status_restrictions_and_tolerance() {
    let s: TradingStatus = serde_json::from_value(serde_json::json!({
        "is-pattern-day-trader": true, "is-closing-only": true, "is-frozen": false,
        "is-in-margin-call": true, "day-trade-count": "3", "new-flag": true
    }))
    .unwrap();
    assert_eq!(
        s.restrictions(),
        ["Closing orders only", "Margin call", "Pattern day trader"]
    );
    assert_eq!(s.day_trade_count, Some(3));
    assert_eq!(s.extra["new-flag"], true);
    let closed: TradingStatus =
        serde_json::from_value(serde_json::json!({"is-closed": true, "is-frozen": true})).unwrap();
    assert_eq!(closed.restrictions(), ["Account closed", "Account frozen"]);
    let empty: TradingStatus = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty, TradingStatus::default());
    assert!(empty.restrictions().is_empty());
}

#[test]
fn margin_requirements_fixture() {
    let r: MarginRequirementsResponse =
        serde_json::from_str(&fixture("margin-requirements.json")).unwrap();
    assert_eq!(
        r.context.as_deref(),
        Some("/margin/accounts/5WT00001/requirements")
    );
    let m = &r.data;
    assert_eq!(m.account_number.as_deref(), Some("5WT00001"));
    assert_eq!(m.margin_calculation_type.as_deref(), Some("Reg T"));
    assert_eq!(m.margin_requirement, Some(d("4350.0")));
    assert_eq!(m.margin_requirement_effect, Some(PriceEffect::Debit));
    assert_eq!(m.maintenance_requirement, Some(d("4350.0")));
    assert_eq!(m.maintenance_requirement_effect, Some(PriceEffect::Debit));
    assert_eq!(m.margin_equity, Some(d("25000.0")));
    assert_eq!(m.margin_equity_effect, Some(PriceEffect::Credit));
    assert_eq!(m.option_buying_power, Some(d("20650.0")));
    assert_eq!(m.option_buying_power_effect, Some(PriceEffect::Credit));
    assert_eq!(m.signed_option_buying_power(), Some(d("20650.0")));
    assert_eq!(m.extra["option-level"], "No Restrictions");
    assert_eq!(m.extra["maintenance-excess"], "20650.0");
    assert_eq!(m.extra["last-state-timestamp"], 1_781_533_800_000_i64);

    assert_eq!(m.groups.len(), 2);
    let spy = &m.groups[0];
    assert_eq!(spy.description.as_deref(), Some("SPY"));
    assert_eq!(spy.underlying_symbol.as_deref(), Some("SPY"));
    assert_eq!(spy.underlying_type.as_deref(), Some("Equity"));
    assert_eq!(spy.margin_requirement, Some(d("500.0")));
    assert_eq!(spy.buying_power, Some(d("500.0")));
    assert_eq!(spy.buying_power_effect, Some(PriceEffect::Debit));
    assert_eq!(spy.requirement(), Some(d("500.0")));
    assert_eq!(spy.extra["code"], "SPY");
    assert_eq!(spy.extra["expected-price-range-up-percent"], "0.15");
    assert_eq!(
        spy.extra["groups"][0]["position-entries"][0]["instrument-symbol"],
        "SPY   260918P00500000"
    );
    let rivn = &m.groups[1];
    assert_eq!(rivn.margin_requirement, None);
    assert_eq!(rivn.requirement(), Some(d("3850.0")));
    // Nothing dropped.
    let original = fixture_value("margin-requirements.json")["data"].clone();
    assert_eq!(serde_json::to_value(m).unwrap(), original);
}

#[test]
fn margin_requirements_tolerance() {
    let m: MarginRequirements = serde_json::from_value(serde_json::json!({
        "margin-requirement": 100, "option-buying-power": "50", "option-buying-power-effect": "Debit",
        "groups": null, "new-key": "x"
    }))
    .unwrap();
    assert_eq!(m.margin_requirement, Some(d("100")));
    assert_eq!(m.signed_option_buying_power(), Some(d("-50")));
    assert!(m.groups.is_empty());
    assert_eq!(m.extra["new-key"], "x");
    let g: MarginGroup =
        serde_json::from_value(serde_json::json!({"margin-requirement": "-12.5"})).unwrap();
    assert_eq!(g.requirement(), Some(d("12.5")));
    let empty: MarginGroup = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty.requirement(), None);
}
