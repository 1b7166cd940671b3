//! Instruments, symbol search and option chains (docs/tastytrade.md §6.10, §7): shapes, the
//! expiration calendar, strikes around the money, and streamer symbols DXLink quotes.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::*;
use crate::wsclient::Live;

const TODAY: &str = "2026-12-02";

async fn signed_in() -> (Sim, String) {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    (sim, token)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string: {v}"))
}

#[tokio::test]
async fn equities_one_and_many() {
    let (sim, token) = signed_in().await;
    let aapl = sim.ok("/instruments/equities/AAPL", &token).await;
    assert_eq!(aapl["context"], "/instruments/equities/AAPL");
    let e = &aapl["data"];
    assert_eq!(e["symbol"], "AAPL");
    assert_eq!(e["instrument-type"], "Equity");
    assert_eq!(e["streamer-symbol"], "AAPL");
    assert_eq!(e["is-etf"], false);
    assert_eq!(e["description"], "Apple Inc.");
    assert!(e["tick-sizes"].as_array().is_some_and(|t| !t.is_empty()));
    for key in [
        "id",
        "listed-market",
        "lendability",
        "market-time-instrument-collection",
        "is-index",
        "is-closing-only",
        "is-options-closing-only",
        "active",
        "is-illiquid",
    ] {
        assert!(!e[key].is_null(), "{key}: {e}");
    }
    let many = sim
        .ok(
            "/instruments/equities?symbol[]=SPY&symbol[]=AAPL&symbol[]=NOPE",
            &token,
        )
        .await;
    let got: Vec<String> = items(&many)
        .iter()
        .map(|e| s(e, "symbol").to_owned())
        .collect();
    assert_eq!(got, ["SPY", "AAPL"]);
    assert_eq!(items(&many)[0]["is-etf"], true);
    assert_eq!(many["pagination"]["total-items"], 2);
    sim.api("/instruments/equities/NOPE", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    // A future is not an equity.
    sim.api("/instruments/equities/%2FESZ6", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

#[tokio::test]
async fn symbol_search_by_symbol_then_description() {
    let (sim, token) = signed_in().await;
    let found = items(&sim.ok("/symbols/search/AA", &token).await);
    assert_eq!(s(&found[0], "symbol"), "AAPL");
    assert!(found
        .iter()
        .all(|i| s(i, "symbol").starts_with("AA") || s(i, "description").contains(" Aa")));
    let exact = items(&sim.ok("/symbols/search/spy", &token).await);
    assert_eq!(s(&exact[0], "symbol"), "SPY", "exact match first, any case");
    assert_eq!(exact[0]["options"], true);
    let by_name = items(&sim.ok("/symbols/search/apple", &token).await);
    assert!(by_name.iter().any(|i| i["symbol"] == "AAPL"), "{by_name:?}");
    let futures = items(&sim.ok("/symbols/search/%2FES", &token).await);
    assert_eq!(s(&futures[0], "symbol"), "/ESZ6");
    assert_eq!(futures[0]["instrument-type"], "Future");
    let wide = items(&sim.ok("/symbols/search/L", &token).await);
    assert_eq!(wide.len(), 20, "capped");
    assert!(items(&sim.ok("/symbols/search/QQQQQ", &token).await).is_empty());
}

#[tokio::test]
async fn nested_chain_expirations_and_strikes() {
    let (sim, token) = signed_in().await;
    let body = sim.ok("/option-chains/SPY/nested", &token).await;
    let chain = &items(&body)[0];
    assert_eq!(chain["underlying-symbol"], "SPY");
    assert_eq!(chain["root-symbol"], "SPY");
    assert_eq!(chain["shares-per-contract"], 100);
    assert_eq!(chain["deliverables"][0]["amount"], "100.0");
    let expirations = chain["expirations"].as_array().unwrap();
    let dates: Vec<&str> = expirations
        .iter()
        .map(|e| s(e, "expiration-date"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "in date order");
    let kind_of = |d: &str| {
        expirations
            .iter()
            .find(|e| e["expiration-date"] == d)
            .map(|e| s(e, "expiration-type").to_owned())
    };
    // From 2026-12-02: Friday weeklies, third-Friday monthlies, the quarter's last day.
    assert_eq!(kind_of("2026-12-04").as_deref(), Some("Weekly"));
    assert_eq!(kind_of("2026-12-11").as_deref(), Some("Weekly"));
    assert_eq!(kind_of("2026-12-18").as_deref(), Some("Regular"));
    assert_eq!(kind_of("2027-01-15").as_deref(), Some("Regular"));
    assert_eq!(kind_of("2026-12-31").as_deref(), Some("Quarterly"));
    let first = &expirations[0];
    assert_eq!(first["days-to-expiration"], 2);
    assert_eq!(first["settlement-type"], "PM");
    let strikes = first["strikes"].as_array().unwrap();
    let prices: Vec<f64> = strikes
        .iter()
        .map(|k| s(k, "strike-price").parse().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[1] - w[0] == 10.0), "{prices:?}");
    // Around the money (SPY 672.45).
    assert!(prices[0] < 672.45 && *prices.last().unwrap() > 672.45);
    let k700 = strikes
        .iter()
        .find(|k| k["strike-price"] == "700.0")
        .unwrap();
    assert_eq!(k700["call"], "SPY   261204C00700000");
    assert_eq!(k700["call-streamer-symbol"], ".SPY261204C700");
    assert_eq!(k700["put"], "SPY   261204P00700000");
    assert_eq!(k700["put-streamer-symbol"], ".SPY261204P700");
    sim.api("/option-chains/NOPE/nested", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

#[tokio::test]
async fn flat_chain_and_equity_options_agree() {
    let (sim, token) = signed_in().await;
    let nested = sim.ok("/option-chains/AAPL/nested", &token).await;
    let count: usize = items(&nested)[0]["expirations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["strikes"].as_array().unwrap().len() * 2)
        .sum();
    let flat = items(&sim.ok("/option-chains/AAPL", &token).await);
    assert_eq!(flat.len(), count);
    let option = &flat[0];
    for key in [
        "symbol",
        "instrument-type",
        "active",
        "strike-price",
        "root-symbol",
        "underlying-symbol",
        "expiration-date",
        "exercise-style",
        "shares-per-contract",
        "option-type",
        "option-chain-type",
        "expiration-type",
        "settlement-type",
        "stops-trading-at",
        "market-time-instrument-collection",
        "days-to-expiration",
        "expires-at",
        "is-closing-only",
        "streamer-symbol",
    ] {
        assert!(!option[key].is_null(), "{key}: {option}");
    }
    let occ = s(option, "symbol").to_owned();
    let one = sim
        .ok(
            &format!("/instruments/equity-options/{}", occ.replace(' ', "%20")),
            &token,
        )
        .await;
    assert_eq!(&one["data"], option);
    let many = sim
        .ok(
            &format!(
                "/instruments/equity-options?symbol[]={}&symbol[]=SPY%20%20%20261218C00700000",
                occ.replace(' ', "%20")
            ),
            &token,
        )
        .await;
    assert_eq!(items(&many).len(), 2);
    assert_eq!(items(&many)[1]["streamer-symbol"], ".SPY261218C700");
    // Off the strike grid: not an option the market lists.
    sim.api(
        "/instruments/equity-options/SPY%20%20%20261218C00703000",
        &token,
    )
    .await
    .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

#[tokio::test]
async fn futures_products_and_future_options() {
    let (sim, token) = signed_in().await;
    let products = items(&sim.ok("/instruments/future-products", &token).await);
    let es = products.iter().find(|p| p["code"] == "ES").unwrap();
    assert_eq!(es["root-symbol"], "/ES");
    assert_eq!(es["listed-months"], json!(["H", "M", "U", "Z"]));
    assert_eq!(es["notional-multiplier"], "50.0");
    let one = sim.ok("/instruments/future-products/CME/ES", &token).await;
    assert_eq!(&one["data"], es);
    let all = items(&sim.ok("/instruments/futures", &token).await);
    assert!(all.len() >= 6, "every quoted contract without a filter");
    let esz6 = sim.ok("/instruments/futures/%2FESZ6", &token).await;
    let f = &esz6["data"];
    assert_eq!(f["symbol"], "/ESZ6");
    assert_eq!(f["streamer-symbol"], "/ESZ26:XCME");
    assert_eq!(f["exchange-symbol"], "ESZ6");
    assert_eq!(f["future-product"]["code"], "ES");
    assert_eq!(f["expiration-date"], "2026-12-18");
    // tastyware strips the slash from the path.
    let bare = sim.ok("/instruments/futures/ESZ6", &token).await;
    assert_eq!(bare["data"], esz6["data"]);
    let page = sim
        .ok("/instruments/futures?product-code[]=ES&per-page=1", &token)
        .await;
    assert_eq!(page["pagination"]["total-items"], 1);

    let chain = sim.ok("/futures-option-chains/ES/nested", &token).await;
    let data = &chain["data"];
    assert_eq!(data["futures"][0]["symbol"], "/ESZ6");
    let expirations = data["option-chains"][0]["expirations"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = expirations
        .iter()
        .map(|e| (s(e, "option-contract-symbol"), s(e, "expiration-type")))
        .collect();
    assert!(kinds.contains(&("EW1Z6", "Weekly")), "{kinds:?}");
    assert!(kinds.contains(&("ESZ6", "Quarterly")), "{kinds:?}");
    assert!(kinds.contains(&("EW4Z6", "Weekly")), "{kinds:?}");
    let weekly = &expirations[0];
    let strike = weekly["strikes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["strike-price"] == "6800.0")
        .unwrap();
    assert_eq!(strike["call"], "./ESZ6 EW1Z6 261204C6800");
    assert_eq!(strike["call-streamer-symbol"], "./EW1Z26C6800:XCME");
    let fo = sim
        .ok(
            "/instruments/future-options/.%2FESZ6%20EW1Z6%20261204P6800",
            &token,
        )
        .await;
    assert_eq!(fo["data"]["streamer-symbol"], "./EW1Z26P6800:XCME");
    assert_eq!(fo["data"]["underlying-symbol"], "/ESZ6");
    sim.api("/futures-option-chains/ZZ/nested", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

fn chain_streamer_symbols(expirations: &Value) -> BTreeSet<String> {
    expirations
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["strikes"].as_array().unwrap().clone())
        .flat_map(|k| {
            [
                s(&k, "call-streamer-symbol").to_owned(),
                s(&k, "put-streamer-symbol").to_owned(),
            ]
        })
        .collect()
}

#[tokio::test]
async fn every_chain_streamer_symbol_gets_a_quote() {
    let live = Live::start().await;
    let (token, _) = live.sim.login().await;
    let spy = live.sim.ok("/option-chains/SPY/nested", &token).await;
    let es = live
        .sim
        .ok("/futures-option-chains/ES/nested", &token)
        .await;
    let mut wanted = chain_streamer_symbols(&items(&spy)[0]["expirations"]);
    wanted.extend(chain_streamer_symbols(
        &es["data"]["option-chains"][0]["expirations"],
    ));
    assert!(wanted.len() > 600, "{}", wanted.len());
    let mut c = live.authorized().await;
    c.open_feed(7, "AUTO").await;
    let add: Vec<Value> = wanted
        .iter()
        .map(|sym| json!({"type": "Quote", "symbol": sym}))
        .collect();
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 7, "add": add}))
        .await;
    let quoted: BTreeSet<String> = c
        .events("Quote", Duration::from_millis(1500))
        .await
        .iter()
        .map(|e| e["eventSymbol"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = wanted.difference(&quoted).collect();
    assert!(missing.is_empty(), "no Quote for {missing:?}");
}
