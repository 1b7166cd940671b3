//! Order writes (docs/tastytrade.md §6.11): validation, dry-run, placement and fills against
//! the market, the live book (positions, balances, transactions), cancel, replace, the
//! order rate limit and the fail-after-accept hook. The market is frozen; tests move it with
//! the pin and step hooks.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt as _;

use crate::common::*;

const TODAY: &str = "2026-12-02";
const MARGIN: &str = "5WT00001";
const IRA: &str = "5WT00002";
const FUTURES: &str = "5WT00003";

async fn signed_in() -> (Sim, String) {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    (sim, token)
}

fn equity(symbol: &str, action: &str, quantity: i64, price: Option<(&str, &str)>) -> Value {
    let mut body = json!({
        "time-in-force": "Day",
        "order-type": if price.is_some() { "Limit" } else { "Market" },
        "legs": [{"instrument-type": "Equity", "symbol": symbol, "quantity": quantity, "action": action}],
    });
    if let Some((p, effect)) = price {
        body["price"] = json!(p);
        body["price-effect"] = json!(effect);
    }
    body
}

async fn post(sim: &Sim, token: &str, path: &str, body: &Value) -> Resp {
    sim.call("POST", path, token, Some(&body.to_string())).await
}

async fn place(sim: &Sim, token: &str, n: &str, body: &Value) -> Value {
    let resp = post(sim, token, &format!("/accounts/{n}/orders"), body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text());
    resp.json()
}

async fn order(sim: &Sim, token: &str, n: &str, id: i64) -> Value {
    sim.ok(&format!("/accounts/{n}/orders/{id}"), token).await["data"].clone()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key}: {v}"))
        .parse()
        .unwrap()
}

fn codes(resp: &Resp) -> Vec<String> {
    resp.json()["error"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors[]: {}", resp.text()))
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn hook(sim: &Sim, path: &str, body: Value) {
    let resp = sim.post_json(path, &body).await;
    assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.text());
}

async fn position(sim: &Sim, token: &str, n: &str, symbol: &str) -> Option<Value> {
    let body = sim.ok(&format!("/accounts/{n}/positions"), token).await;
    items(&body).into_iter().find(|p| p["symbol"] == symbol)
}

async fn balances(sim: &Sim, token: &str, n: &str) -> Value {
    sim.ok(&format!("/accounts/{n}/balances"), token).await["data"].clone()
}

/// The quote the market shows for a REST symbol: (bid, ask).
async fn quote(sim: &Sim, token: &str, kind: &str, symbol: &str) -> (f64, f64) {
    let body = sim
        .ok(
            &format!("/market-data/by-type?{kind}={}", symbol.replace(' ', "%20")),
            token,
        )
        .await;
    let q = &items(&body)[0];
    (num(q, "bid"), num(q, "ask"))
}

#[tokio::test]
async fn dry_run_answers_the_order_its_buying_power_and_fees() {
    let (sim, token) = signed_in().await;
    let path = format!("/accounts/{MARGIN}/orders/dry-run");
    let resp = post(
        &sim,
        &token,
        &path,
        &equity("AAPL", "Buy to Open", 10, Some(("245.0", "Debit"))),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["context"], path.as_str());
    let data = &body["data"];
    let o = &data["order"];
    assert!(o.get("id").is_none(), "a dry-run has no id");
    assert_eq!(o["updated-at"], 0);
    assert_eq!(o["status"], "Received");
    assert_eq!(o["price"], "245.0");
    assert_eq!(o["price-effect"], "Debit");
    assert_eq!(o["size"], 10);
    assert_eq!(o["underlying-symbol"], "AAPL");
    assert_eq!(o["legs"][0]["remaining-quantity"], 10);
    assert_eq!(data["warnings"], json!([]));
    let bp = &data["buying-power-effect"];
    // Margin account: half the cost in requirement, equity buying power (2×) by the cost.
    assert_eq!(bp["change-in-margin-requirement"], "1225.0");
    assert_eq!(bp["change-in-margin-requirement-effect"], "Debit");
    let fees = &data["fee-calculation"];
    let total = num(fees, "total-fees");
    assert!(total > 0.0 && total < 1.0, "{fees}");
    assert!((num(bp, "change-in-buying-power") - (2450.0 + total)).abs() < 0.011);
    let current = num(bp, "current-buying-power");
    assert_eq!(
        current,
        num(
            &fixture("accounts/5WT00001/balances.json")["data"],
            "equity-buying-power"
        )
    );
    assert!(
        (num(bp, "new-buying-power") - (current - num(bp, "change-in-buying-power"))).abs() < 1e-6
    );
    assert_eq!(bp["is-spread"], false);
    for key in [
        "regulatory-fees",
        "clearing-fees",
        "commission",
        "proprietary-index-option-fees",
    ] {
        assert!(
            fees[key].is_string() && fees[format!("{key}-effect")].is_string(),
            "{key}"
        );
    }
    // A dry-run places nothing.
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    assert!(items(&live)
        .iter()
        .all(|o| o["status"] != "Routed" && o["id"].as_i64() < Some(950_000_000)));
}

#[tokio::test]
async fn option_spread_dry_run_is_a_spread_with_its_worst_loss() {
    let (sim, token) = signed_in().await;
    let body = json!({
        "time-in-force": "Day", "order-type": "Limit", "price": "2.0", "price-effect": "Credit",
        "legs": [
            {"instrument-type": "Equity Option", "symbol": "SPY   261218P00620000", "quantity": 2, "action": "Sell to Open"},
            {"instrument-type": "Equity Option", "symbol": "SPY   261218P00610000", "quantity": 2, "action": "Buy to Open"},
        ],
    });
    let resp = post(
        &sim,
        &token,
        &format!("/accounts/{MARGIN}/orders/dry-run"),
        &body,
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text());
    let data = resp.json()["data"].clone();
    assert_eq!(data["order"]["size"], 2);
    let bp = &data["buying-power-effect"];
    assert_eq!(bp["is-spread"], true);
    // (10 wide − 2.00 credit) × 100 × 2.
    assert_eq!(bp["change-in-margin-requirement"], "1600.0");
    // Options: $1 a contract to open.
    assert_eq!(data["fee-calculation"]["commission"], "4.0");
}

#[tokio::test]
async fn validation_follows_tastytrades_rules() {
    let (sim, token) = signed_in().await;
    let path = format!("/accounts/{MARGIN}/orders");
    let leg = |kind: &str, symbol: &str, action: &str, q: Value| json!({"instrument-type": kind, "symbol": symbol, "action": action, "quantity": q});
    let aapl = leg("Equity", "AAPL", "Buy to Open", json!(1));
    let five: Vec<Value> = [620, 630, 640, 650, 660]
        .map(|k| {
            leg(
                "Equity Option",
                &format!("SPY   261218P00{k}000"),
                "Buy to Open",
                json!(1),
            )
        })
        .to_vec();
    let cases: Vec<(Value, &str)> = vec![
        (
            equity("AAPL", "Buy to Open", 1, Some(("245.0", "Credit"))),
            "cant_buy_for_credit",
        ),
        (
            equity("AAPL", "Sell to Close", 1, Some(("245.0", "Debit"))),
            "cant_sell_for_debit",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "legs": [aapl]}),
            "price_required",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Market", "price": "1.0", "price-effect": "Debit", "legs": [aapl]}),
            "price_not_allowed",
        ),
        (
            json!({"time-in-force": "GTC", "order-type": "Market", "legs": [aapl]}),
            "invalid_time_in_force",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Stop", "legs": [aapl]}),
            "stop_trigger_required",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "1.0", "price-effect": "Debit", "stop-trigger": "2.0", "legs": [aapl]}),
            "stop_trigger_not_allowed",
        ),
        (
            json!({"time-in-force": "GTD", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [aapl]}),
            "gtc_date_required",
        ),
        (
            json!({"time-in-force": "GTD", "gtc-date": "2026-12-01", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [aapl]}),
            "invalid_gtc_date",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [aapl, leg("Equity", "MSFT", "Buy to Open", json!(1))]}),
            "invalid_leg_count",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "1.0", "price-effect": "Debit", "legs": five}),
            "invalid_leg_count",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "1.0", "price-effect": "Debit", "legs": [leg("Equity Option", "SPY   261218P00620000", "Buy to Open", json!(1)), leg("Equity Option", "SPY   261218P00620000", "Sell to Open", json!(1))]}),
            "duplicate_legs",
        ),
        (
            equity("AAPL", "Buy", 1, Some(("245.0", "Debit"))),
            "invalid_action",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [leg("Equity", "AAPL", "Buy to Open", json!("1.5"))]}),
            "invalid_quantity",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [leg("Equity", "AAPL", "Buy to Open", json!(0))]}),
            "invalid_quantity",
        ),
        (
            equity("NOPE", "Buy to Open", 1, Some(("1.0", "Debit"))),
            "invalid_symbol",
        ),
        (
            equity("SPX", "Buy to Open", 1, Some(("1.0", "Debit"))),
            "invalid_symbol",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "245.0", "price-effect": "Debit", "legs": [leg("Equity Option", "AAPL", "Buy to Open", json!(1))]}),
            "invalid_instrument_type",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "6790.0", "price-effect": "Debit", "legs": [leg("Future", "/ESZ6", "Buy", json!(1))]}),
            "futures_not_approved",
        ),
        (
            equity("AAPL", "Buy to Open", 1, Some(("245.005", "Debit"))),
            "invalid_price_increment",
        ),
        (
            equity("AAPL", "Buy to Open", 1, Some(("-245.0", "Debit"))),
            "invalid_price",
        ),
    ];
    for (body, code) in cases {
        let resp = post(&sim, &token, &path, &body).await;
        resp.assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "preflight_check_failure");
        assert_eq!(
            resp.json()["error"]["message"],
            "One or more preflight checks failed"
        );
        assert!(
            codes(&resp).iter().any(|c| c == code),
            "{code}: {}",
            resp.text()
        );
    }
    // The body's shape: 400 validation_error naming the field.
    for (body, domain) in [
        (
            json!({"order-type": "Limit", "legs": [aapl]}),
            "time-in-force",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Iceberg", "legs": [aapl]}),
            "order-type",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "1.0", "price-effect": "Debit"}),
            "legs",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "x", "price-effect": "Debit", "legs": [aapl]}),
            "price",
        ),
        (
            json!({"time-in-force": "Day", "order-type": "Limit", "price": "1.0", "price-effect": "Debit", "legs": [{"symbol": "AAPL", "quantity": 1, "action": "Buy to Open"}]}),
            "legs[0].instrument-type",
        ),
    ] {
        assert_validation(&post(&sim, &token, &path, &body).await, domain);
    }
    let resp = sim.call("POST", &path, &token, Some("{not json")).await;
    assert_validation(&resp, "body");
    // Futures are fine in the futures account; the IRA cannot sell short.
    let future = json!({"time-in-force": "Day", "order-type": "Limit", "price": "6000.0", "price-effect": "Debit",
        "legs": [leg("Future", "/ESZ6", "Buy", json!(1))]});
    let resp = post(
        &sim,
        &token,
        &format!("/accounts/{FUTURES}/orders/dry-run"),
        &future,
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text());
    let short = equity("AAPL", "Sell to Open", 1, Some(("245.0", "Credit")));
    let resp = post(&sim, &token, &format!("/accounts/{IRA}/orders"), &short).await;
    assert!(
        codes(&resp).contains(&"short_sale_not_allowed".to_owned()),
        "{}",
        resp.text()
    );
    // Someone else's account.
    post(&sim, &token, "/accounts/5WX99999/orders", &short)
        .await
        .assert_api_error(StatusCode::FORBIDDEN, "not_permitted");
}

#[tokio::test]
async fn insufficient_buying_power_is_an_error_in_the_dry_run_and_refuses_the_order() {
    let (sim, token) = signed_in().await;
    let big = equity("AAPL", "Buy to Open", 10_000, Some(("245.0", "Debit")));
    let resp = post(
        &sim,
        &token,
        &format!("/accounts/{MARGIN}/orders/dry-run"),
        &big,
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED);
    let data = resp.json()["data"].clone();
    assert_eq!(data["errors"][0]["code"], "margin_check_failed", "{data}");
    assert_eq!(
        data["buying-power-effect"]["new-buying-power-effect"],
        "Debit"
    );
    let resp = post(&sim, &token, &format!("/accounts/{MARGIN}/orders"), &big).await;
    resp.assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "preflight_check_failure");
    assert_eq!(codes(&resp), ["margin_check_failed"]);
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    assert!(
        items(&live).iter().all(|o| o["size"] != 10_000),
        "nothing placed"
    );
}

#[tokio::test]
async fn dry_run_warns_of_closing_without_a_position_and_a_far_price() {
    let (sim, token) = signed_in().await;
    let path = format!("/accounts/{MARGIN}/orders/dry-run");
    let resp = post(
        &sim,
        &token,
        &path,
        &equity("MSFT", "Sell to Close", 1, Some(("516.0", "Credit"))),
    )
    .await;
    let warnings = resp.json()["data"]["warnings"].clone();
    assert_eq!(
        warnings[0]["code"], "closing_with_no_position",
        "{warnings}"
    );
    let resp = post(
        &sim,
        &token,
        &path,
        &equity("AAPL", "Buy to Open", 1, Some(("200.0", "Debit"))),
    )
    .await;
    let warnings = resp.json()["data"]["warnings"].clone();
    assert_eq!(warnings[0]["code"], "price_far_from_market", "{warnings}");
    // Selling what is held warns of nothing.
    let resp = post(
        &sim,
        &token,
        &path,
        &equity("AAPL", "Sell to Close", 10, Some(("245.0", "Credit"))),
    )
    .await;
    assert_eq!(resp.json()["data"]["warnings"], json!([]));
}

#[tokio::test]
async fn a_marketable_order_fills_and_moves_the_book() {
    let (sim, token) = signed_in().await;
    let before = balances(&sim, &token, MARGIN).await;
    let (_, ask) = quote(&sim, &token, "equity", "AAPL").await;
    let placed = place(
        &sim,
        &token,
        MARGIN,
        &equity("AAPL", "Buy to Open", 10, Some(("250.0", "Debit"))),
    )
    .await;
    let o = &placed["data"]["order"];
    assert_eq!(o["status"], "Routed");
    let id = o["id"].as_i64().unwrap();
    assert!(placed["data"]["buying-power-effect"].is_object());
    let filled = order(&sim, &token, MARGIN, id).await;
    assert_eq!(filled["status"], "Filled", "{filled}");
    assert_eq!(filled["cancellable"], false);
    let fill = &filled["legs"][0]["fills"][0];
    assert_eq!(
        num(fill, "fill-price"),
        ask,
        "at the ask, better than the limit"
    );
    assert_eq!(fill["quantity"], 10);
    assert_eq!(filled["legs"][0]["remaining-quantity"], 0);
    for key in ["received-at", "live-at", "terminal-at"] {
        assert!(filled[key].is_string(), "{key}");
    }
    // The position grew, the cash paid for it, net liq lost only the fees.
    let aapl = position(&sim, &token, MARGIN, "AAPL").await.unwrap();
    assert_eq!(aapl["quantity"], 160);
    let after = balances(&sim, &token, MARGIN).await;
    let trades = sim
        .ok(
            &format!("/accounts/{MARGIN}/transactions?type=Trade&start-date={TODAY}"),
            &token,
        )
        .await;
    let ours: Vec<Value> = items(&trades)
        .into_iter()
        .filter(|t| t["order-id"] == id)
        .collect();
    assert_eq!(ours.len(), 1, "one Trade per leg fill");
    let trade = &ours[0];
    assert_eq!(trade["order-id"], id);
    assert_eq!(trade["action"], "Buy to Open");
    let net = signed(trade, "net-value");
    let fees = signed(trade, "value") - net;
    assert!(
        (signed(&after, "cash-balance") - (signed(&before, "cash-balance") + net)).abs() < 1e-6
    );
    assert!(
        (num(&after, "long-equity-value") - num(&before, "long-equity-value") - 10.0 * 245.36)
            .abs()
            < 1e-6
    );
    let nlv_change = num(&after, "net-liquidating-value") - num(&before, "net-liquidating-value");
    assert!(
        (nlv_change - (10.0 * (245.36 - ask) - fees)).abs() < 1e-6,
        "{nlv_change}"
    );
    assert!(num(&after, "equity-buying-power") < num(&before, "equity-buying-power"));
    // Listed among today's orders and in the history.
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    assert_eq!(items(&live).iter().filter(|o| o["id"] == id).count(), 1);
    let history = sim
        .ok(
            &format!("/accounts/{MARGIN}/orders?status[]=Filled&start-date={TODAY}"),
            &token,
        )
        .await;
    assert!(items(&history).iter().any(|o| o["id"] == id));
    // Selling it all back closes the position.
    place(
        &sim,
        &token,
        MARGIN,
        &equity("AAPL", "Sell to Close", 160, Some(("1.0", "Credit"))),
    )
    .await;
    assert!(position(&sim, &token, MARGIN, "AAPL").await.is_none());
}

#[tokio::test]
async fn a_limit_away_from_the_market_works_until_the_price_crosses_it() {
    let (sim, token) = signed_in().await;
    let placed = place(
        &sim,
        &token,
        MARGIN,
        &equity("MSFT", "Buy to Open", 5, Some(("500.0", "Debit"))),
    )
    .await;
    let id = placed["data"]["order"]["id"].as_i64().unwrap();
    let working = order(&sim, &token, MARGIN, id).await;
    assert_eq!(working["status"], "Live");
    assert_eq!(working["cancellable"], true);
    assert_eq!(working["legs"][0]["fills"], json!([]));
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    assert!(items(&live)
        .iter()
        .any(|o| o["id"] == id && o["status"] == "Live"));
    assert!(position(&sim, &token, MARGIN, "MSFT").await.is_none());
    hook(
        &sim,
        "/sim/market/pin",
        json!({"symbol": "MSFT", "price": "499.0"}),
    )
    .await;
    hook(&sim, "/sim/market/step", json!({"ticks": 1})).await;
    let filled = order(&sim, &token, MARGIN, id).await;
    assert_eq!(filled["status"], "Filled", "{filled}");
    assert!(num(&filled["legs"][0]["fills"][0], "fill-price") <= 500.0);
    let msft = position(&sim, &token, MARGIN, "MSFT").await.unwrap();
    assert_eq!(msft["quantity"], 5);
    assert_eq!(msft["quantity-direction"], "Long");
}

#[tokio::test]
async fn a_large_order_fills_in_parts() {
    let (sim, token) = signed_in().await;
    let symbol = "SPY   261218C00830000";
    let body = json!({"time-in-force": "Day", "order-type": "Limit", "price": "0.5", "price-effect": "Debit",
        "legs": [{"instrument-type": "Equity Option", "symbol": symbol, "quantity": 300, "action": "Buy to Open"}]});
    let placed = place(&sim, &token, MARGIN, &body).await;
    let id = placed["data"]["order"]["id"].as_i64().unwrap();
    let first = order(&sim, &token, MARGIN, id).await;
    let left = first["legs"][0]["remaining-quantity"].as_i64().unwrap();
    assert_eq!(first["status"], "Live", "partly filled, still working");
    assert!(left > 0 && left < 300, "{first}");
    let mut ticks = 0;
    loop {
        let o = order(&sim, &token, MARGIN, id).await;
        if o["status"] == "Filled" {
            let fills = o["legs"][0]["fills"].as_array().unwrap();
            assert!(fills.len() >= 2);
            let total: i64 = fills.iter().map(|f| f["quantity"].as_i64().unwrap()).sum();
            assert_eq!(total, 300);
            break;
        }
        ticks += 1;
        assert!(ticks < 100, "never filled: {o}");
        hook(&sim, "/sim/market/step", json!({"ticks": 1})).await;
    }
    assert_eq!(
        position(&sim, &token, MARGIN, symbol).await.unwrap()["quantity"],
        300
    );
}

#[tokio::test]
async fn cancel_a_working_order_but_not_a_filled_one() {
    let (sim, token) = signed_in().await;
    let placed = place(
        &sim,
        &token,
        MARGIN,
        &equity("MSFT", "Buy to Open", 5, Some(("400.0", "Debit"))),
    )
    .await;
    let id = placed["data"]["order"]["id"].as_i64().unwrap();
    let path = format!("/accounts/{MARGIN}/orders/{id}");
    let resp = sim.call("DELETE", &path, &token, None).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    assert_eq!(resp.json()["data"]["status"], "Cancel Requested");
    let cancelled = order(&sim, &token, MARGIN, id).await;
    assert_eq!(cancelled["status"], "Cancelled");
    assert!(cancelled["cancelled-at"].is_string());
    assert_eq!(cancelled["editable"], false);
    let again = sim.call("DELETE", &path, &token, None).await;
    again.assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "cannot_update_order");
    assert_eq!(
        again.json()["error"]["message"],
        "the order could not be cancelled"
    );
    let filled = place(
        &sim,
        &token,
        MARGIN,
        &equity("AAPL", "Buy to Open", 1, Some(("250.0", "Debit"))),
    )
    .await;
    let fid = filled["data"]["order"]["id"].as_i64().unwrap();
    sim.call(
        "DELETE",
        &format!("/accounts/{MARGIN}/orders/{fid}"),
        &token,
        None,
    )
    .await
    .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "cannot_update_order");
    sim.call(
        "DELETE",
        &format!("/accounts/{MARGIN}/orders/1"),
        &token,
        None,
    )
    .await
    .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    // The history's working GTC order can be cancelled too.
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    let gtc = items(&live)
        .into_iter()
        .find(|o| o["status"] == "Live" && o["id"].as_i64() < Some(950_000_000))
        .expect("the history has a working GTC order");
    let gid = gtc["id"].as_i64().unwrap();
    let resp = sim
        .call(
            "DELETE",
            &format!("/accounts/{MARGIN}/orders/{gid}"),
            &token,
            None,
        )
        .await;
    assert_eq!(
        resp.json()["data"]["status"],
        "Cancel Requested",
        "{}",
        resp.text()
    );
    assert_eq!(
        order(&sim, &token, MARGIN, gid).await["status"],
        "Cancelled"
    );
}

#[tokio::test]
async fn replace_makes_a_new_order_and_cancels_the_old() {
    let (sim, token) = signed_in().await;
    let placed = place(
        &sim,
        &token,
        MARGIN,
        &equity("MSFT", "Buy to Open", 5, Some(("400.0", "Debit"))),
    )
    .await;
    let id = placed["data"]["order"]["id"].as_i64().unwrap();
    let path = format!("/accounts/{MARGIN}/orders/{id}");
    let new_price = json!({"time-in-force": "Day", "order-type": "Limit", "price": "401.0", "price-effect": "Debit"});
    let dry = post(&sim, &token, &format!("{path}/dry-run"), &new_price).await;
    assert_eq!(dry.status, StatusCode::CREATED, "{}", dry.text());
    assert_eq!(dry.json()["data"]["order"]["price"], "401.0");
    assert_eq!(
        order(&sim, &token, MARGIN, id).await["status"],
        "Live",
        "a dry-run changes nothing"
    );
    let resp = sim
        .call("PUT", &path, &token, Some(&new_price.to_string()))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    let new = resp.json()["data"].clone();
    let new_id = new["id"].as_i64().unwrap();
    assert_ne!(new_id, id);
    assert_eq!(new["replaces-order-id"], id);
    assert_eq!(new["price"], "401.0");
    assert_eq!(new["legs"][0]["symbol"], "MSFT");
    let old = order(&sim, &token, MARGIN, id).await;
    assert_eq!(old["status"], "Cancelled");
    assert_eq!(old["replacing-order-id"], new_id);
    assert_eq!(old["edited"], true);
    assert_eq!(order(&sim, &token, MARGIN, new_id).await["status"], "Live");
    // The old one is finished; legs that differ are refused.
    sim.call("PUT", &path, &token, Some(&new_price.to_string()))
        .await
        .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "cannot_update_order");
    let mut other = new_price.clone();
    other["legs"] = json!([{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 5, "action": "Buy to Open"}]);
    sim.call(
        "PUT",
        &format!("/accounts/{MARGIN}/orders/{new_id}"),
        &token,
        Some(&other.to_string()),
    )
    .await
    .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "cannot_update_order");
    // A replacement that crosses the market fills.
    let cross = json!({"time-in-force": "Day", "order-type": "Limit", "price": "530.0", "price-effect": "Debit"});
    let resp = sim
        .call(
            "PUT",
            &format!("/accounts/{MARGIN}/orders/{new_id}"),
            &token,
            Some(&cross.to_string()),
        )
        .await;
    let third = resp.json()["data"]["id"].as_i64().unwrap();
    assert_eq!(order(&sim, &token, MARGIN, third).await["status"], "Filled");
}

#[tokio::test]
async fn the_order_rate_limit_answers_429() {
    let sim = Sim::with(|c| {
        c.today = Some(TODAY.parse().unwrap());
        c.order_rate_per_min = 3;
    });
    let (token, _) = sim.login().await;
    let path = format!("/accounts/{MARGIN}/orders");
    let body = equity("MSFT", "Buy to Open", 1, Some(("400.0", "Debit")));
    for _ in 0..3 {
        assert_eq!(
            post(&sim, &token, &path, &body).await.status,
            StatusCode::CREATED
        );
    }
    let over = post(&sim, &token, &path, &body).await;
    over.assert_api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    let wait: u64 = over.header(header::RETRY_AFTER).unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    // Dry-runs are not submissions; another account has its own minute.
    let dry = post(&sim, &token, &format!("{path}/dry-run"), &body).await;
    assert_eq!(dry.status, StatusCode::CREATED);
    let ira = post(&sim, &token, &format!("/accounts/{IRA}/orders"), &body).await;
    assert_eq!(ira.status, StatusCode::CREATED, "{}", ira.text());
    // The limit is a setting.
    hook(&sim, "/sim/config", json!({"order-rate-per-min": 0})).await;
    assert_eq!(
        post(&sim, &token, &path, &body).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn fail_next_answers_500_after_accepting_the_order() {
    let (sim, token) = signed_in().await;
    hook(&sim, "/sim/orders/fail-next", json!({"mode": "500"})).await;
    let body = equity("MSFT", "Buy to Open", 3, Some(("400.0", "Debit")));
    let resp = post(&sim, &token, &format!("/accounts/{MARGIN}/orders"), &body).await;
    assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    let placed: Vec<Value> = items(&live)
        .into_iter()
        .filter(|o| o["underlying-symbol"] == "MSFT" && o["size"] == 3)
        .collect();
    assert_eq!(placed.len(), 1, "accepted exactly once");
    assert_eq!(placed[0]["status"], "Live");
    // Only the next one.
    let again = post(&sim, &token, &format!("/accounts/{MARGIN}/orders"), &body).await;
    assert_eq!(again.status, StatusCode::CREATED);
}

#[tokio::test]
async fn fail_next_timeout_hangs_then_drops_after_accepting() {
    let (sim, token) = signed_in().await;
    hook(
        &sim,
        "/sim/orders/fail-next",
        json!({"mode": "timeout", "hang-ms": 50}),
    )
    .await;
    let body = equity("MSFT", "Buy to Open", 4, Some(("400.0", "Debit")));
    let req = Request::post(format!("/accounts/{MARGIN}/orders"))
        .header(header::HOST, "127.0.0.1:7878")
        .header(header::USER_AGENT, UA)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = sim.app.clone().oneshot(req).await.unwrap();
    assert!(
        to_bytes(resp.into_body(), usize::MAX).await.is_err(),
        "no complete answer"
    );
    let live = sim
        .ok(&format!("/accounts/{MARGIN}/orders/live"), &token)
        .await;
    assert_eq!(
        items(&live)
            .iter()
            .filter(|o| o["underlying-symbol"] == "MSFT" && o["size"] == 4)
            .count(),
        1
    );
    let bad = sim
        .post_json("/sim/orders/fail-next", &json!({"mode": "later"}))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reset_brings_the_book_back_to_the_fixtures() {
    let (sim, token) = signed_in().await;
    place(
        &sim,
        &token,
        MARGIN,
        &equity("AAPL", "Buy to Open", 10, Some(("250.0", "Debit"))),
    )
    .await;
    assert_eq!(
        position(&sim, &token, MARGIN, "AAPL").await.unwrap()["quantity"],
        160
    );
    hook(&sim, "/sim/reset", json!({})).await;
    let (token, _) = sim.login().await;
    assert_eq!(
        position(&sim, &token, MARGIN, "AAPL").await.unwrap()["quantity"],
        150
    );
    assert_eq!(
        balances(&sim, &token, MARGIN).await["cash-balance"],
        fixture("accounts/5WT00001/balances.json")["data"]["cash-balance"]
    );
}

#[tokio::test]
async fn stops_trigger_when_the_mark_reaches_them() {
    let (sim, token) = signed_in().await;
    let stop = json!({"time-in-force": "Day", "order-type": "Stop", "stop-trigger": "240.0",
        "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Sell to Close"}]});
    let id = place(&sim, &token, MARGIN, &stop).await["data"]["order"]["id"]
        .as_i64()
        .unwrap();
    let stop_limit = json!({"time-in-force": "GTC", "order-type": "Stop Limit", "stop-trigger": "520.0",
        "price": "521.0", "price-effect": "Debit",
        "legs": [{"instrument-type": "Equity", "symbol": "MSFT", "quantity": 1, "action": "Buy to Open"}]});
    let sl = place(&sim, &token, MARGIN, &stop_limit).await["data"]["order"]["id"]
        .as_i64()
        .unwrap();
    let working = order(&sim, &token, MARGIN, id).await;
    assert_eq!(working["status"], "Live");
    assert_eq!(working["stop-trigger"], "240.0");
    assert_eq!(order(&sim, &token, MARGIN, sl).await["status"], "Live");
    hook(
        &sim,
        "/sim/market/pin",
        json!({"symbol": "AAPL", "price": "239.5"}),
    )
    .await;
    hook(
        &sim,
        "/sim/market/pin",
        json!({"symbol": "MSFT", "price": "520.5"}),
    )
    .await;
    hook(&sim, "/sim/market/step", json!({"ticks": 1})).await;
    let sold = order(&sim, &token, MARGIN, id).await;
    assert_eq!(sold["status"], "Filled", "{sold}");
    let (bid, _) = quote(&sim, &token, "equity", "AAPL").await;
    assert_eq!(num(&sold["legs"][0]["fills"][0], "fill-price"), bid);
    assert_eq!(
        position(&sim, &token, MARGIN, "AAPL").await.unwrap()["quantity"],
        140
    );
    let bought = order(&sim, &token, MARGIN, sl).await;
    assert_eq!(bought["status"], "Filled", "{bought}");
    assert!(num(&bought["legs"][0]["fills"][0], "fill-price") <= 521.0);
}

#[tokio::test]
async fn market_orders_and_futures_fill_at_once() {
    let (sim, token) = signed_in().await;
    let (_, ask) = quote(&sim, &token, "equity", "SPY").await;
    let market = json!({"time-in-force": "Day", "order-type": "Market",
        "legs": [{"instrument-type": "Equity", "symbol": "SPY", "quantity": 5, "action": "Buy to Open"}]});
    let id = place(&sim, &token, MARGIN, &market).await["data"]["order"]["id"]
        .as_i64()
        .unwrap();
    let filled = order(&sim, &token, MARGIN, id).await;
    assert_eq!(filled["status"], "Filled");
    assert!(filled.get("price").is_none());
    assert_eq!(num(&filled["legs"][0]["fills"][0], "fill-price"), ask);
    // A future: no premium changes hands, cash pays only the fees.
    let before = balances(&sim, &token, FUTURES).await;
    let future = json!({"time-in-force": "Day", "order-type": "Market",
        "legs": [{"instrument-type": "Future", "symbol": "/ESZ6", "quantity": 1, "action": "Buy"}]});
    let placed = place(&sim, &token, FUTURES, &future).await;
    assert_eq!(placed["data"]["order"]["underlying-symbol"], "/ES");
    assert_eq!(
        placed["data"]["order"]["underlying-instrument-type"],
        "Future"
    );
    let id = placed["data"]["order"]["id"].as_i64().unwrap();
    assert_eq!(order(&sim, &token, FUTURES, id).await["status"], "Filled");
    let after = balances(&sim, &token, FUTURES).await;
    let paid = signed(&before, "cash-balance") - signed(&after, "cash-balance");
    assert!(paid > 0.0 && paid < 10.0, "fees only: {paid}");
    assert_eq!(
        position(&sim, &token, FUTURES, "/ESZ6").await.unwrap()["quantity"],
        2
    );
}

#[tokio::test]
async fn day_orders_expire_with_their_session_and_gtc_orders_keep_working() {
    let (sim, token) = signed_in().await;
    let mut ids = Vec::new();
    for (tif, gtc_date) in [
        ("Day", None),
        ("GTC", None),
        ("GTD", Some("2026-12-03")),
        ("GTD", Some("2026-12-04")),
    ] {
        let mut body = equity("MSFT", "Buy to Open", 1, Some(("400.0", "Debit")));
        body["time-in-force"] = json!(tif);
        if let Some(d) = gtc_date {
            body["gtc-date"] = json!(d);
        }
        ids.push(
            place(&sim, &token, MARGIN, &body).await["data"]["order"]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    for id in &ids {
        assert_eq!(order(&sim, &token, MARGIN, *id).await["status"], "Live");
    }
    // The next day's session.
    hook(&sim, "/sim/config", json!({"today": "2026-12-03"})).await;
    let statuses: Vec<Value> = {
        let mut out = Vec::new();
        for id in &ids {
            out.push(order(&sim, &token, MARGIN, *id).await["status"].clone());
        }
        out
    };
    assert_eq!(
        statuses,
        [
            json!("Expired"),
            json!("Live"),
            json!("Live"),
            json!("Live")
        ]
    );
    // The market's clock is the simulator's today at the wall clock's time of day, and a session
    // opens at 09:30 New York time: each check below holds whether the day's session has opened
    // yet or not (the current session's date is that day or the one before).
    hook(&sim, "/sim/config", json!({"today": "2026-12-04"})).await;
    assert_eq!(order(&sim, &token, MARGIN, ids[3]).await["status"], "Live");
    hook(&sim, "/sim/config", json!({"today": "2026-12-05"})).await;
    assert_eq!(
        order(&sim, &token, MARGIN, ids[2]).await["status"],
        "Expired"
    );
    assert_eq!(order(&sim, &token, MARGIN, ids[1]).await["status"], "Live");
    hook(&sim, "/sim/config", json!({"today": "2026-12-06"})).await;
    assert_eq!(
        order(&sim, &token, MARGIN, ids[3]).await["status"],
        "Expired"
    );
    assert_eq!(order(&sim, &token, MARGIN, ids[1]).await["status"], "Live");
}

/// Order writes need the `trade` scope (docs/tastytrade.md §2.1); the token response says which
/// scopes were granted, and a read-only token can still read.
#[tokio::test]
async fn order_writes_need_the_trade_scope() {
    let sim = Sim::on(TODAY);
    let code = sim.code_for(&auth_params(&[("scope", "read")])).await;
    let granted = sim.token(&exchange_body(&code)).await.json();
    assert_eq!(granted["scope"], "read");
    let token = granted["access_token"].as_str().unwrap().to_owned();
    let order = equity("AAPL", "Buy to Open", 1, Some(("1.0", "Debit")));
    for path in [
        "/accounts/5WT00001/orders/dry-run",
        "/accounts/5WT00001/orders",
    ] {
        let resp = post(&sim, &token, path, &order).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(resp.json()["error"]["code"], "insufficient_scope", "{path}");
    }
    let resp = sim
        .call("DELETE", "/accounts/5WT00001/orders/1", &token, None)
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    let live = sim
        .call("GET", "/accounts/5WT00001/orders/live", &token, None)
        .await;
    assert_eq!(live.status, StatusCode::OK);
    let placed = live.json()["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["price"] == "1.0" && o["underlying-symbol"] == "AAPL")
        .count();
    assert_eq!(placed, 0, "a refused order was placed");
    // The same order with a trade token is accepted.
    let (trade_token, _) = sim.login().await;
    let resp = post(
        &sim,
        &trade_token,
        "/accounts/5WT00001/orders/dry-run",
        &order,
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED);
}
