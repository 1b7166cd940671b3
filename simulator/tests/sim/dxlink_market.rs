//! DXLink against the market: candle history and live candles, a pinned price agreeing across
//! Quote, Greeks and REST, and Greeks for every strike of an expiration.

use std::time::Duration;

use pocket_sim::market::bs;
use serde_json::{json, Map, Value};

use crate::wsclient::*;

const BEGIN: i64 = 0x04;
const END: i64 = 0x08;

fn f(e: &Map<String, Value>, k: &str) -> f64 {
    e[k].as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number: {e:?}"))
}

#[tokio::test]
async fn candles_from_from_time_newest_first_then_live() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    // tastyware asks for Candle on channel 1 with contract AUTO, and for `vwap`.
    c.open_feed(1, "AUTO").await;
    c.send(
        json!({"type": "FEED_SETUP", "channel": 1, "acceptAggregationPeriod": 0.1,
        "acceptDataFormat": "COMPACT", "acceptEventFields": {"Candle": ["eventSymbol",
        "eventTime", "eventFlags", "index", "time", "sequence", "count", "volume", "vwap",
        "bidVolume", "askVolume", "impVolatility", "openInterest", "open", "high", "low",
        "close"]}}),
    )
    .await;
    let state = live.sim.get("/sim/market").await.json();
    let clock = pocket_sim::dates::parse_datetime(state["clock"].as_str().unwrap()).unwrap();
    let from = clock - 60 * 60_000;
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1,
        "add": [{"type": "Candle", "symbol": "AAPL{=5m,tho=true}", "fromTime": from}]}))
        .await;
    let history = c.next_events("Candle").await;
    let times: Vec<i64> = history
        .iter()
        .map(|e| e["time"].as_i64().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] > w[1]),
        "newest first: {times:?}"
    );
    assert!(
        times.iter().all(|t| t % 300_000 == 0),
        "aligned to 5 minutes"
    );
    assert!(*times.last().unwrap() > from - 300_000, "from fromTime on");
    let flags: Vec<i64> = history
        .iter()
        .map(|e| e["eventFlags"].as_i64().unwrap())
        .collect();
    assert_eq!(flags[0] & BEGIN, BEGIN);
    assert_eq!(flags[flags.len() - 1] & END, END);
    // Minutes after the session opens the history is a single bar (both flags on it).
    let middle = flags
        .get(1..flags.len().saturating_sub(1))
        .unwrap_or_default();
    assert!(middle.iter().all(|&fl| fl == 0));
    let newest = &history[0];
    assert_eq!(
        f(newest, "close"),
        245.36,
        "the last candle closes at the current mark"
    );
    assert!(f(newest, "vwap").is_finite());
    assert!(newest["count"].as_u64().is_some());
    for e in &history {
        assert!(f(e, "low") <= f(e, "open").min(f(e, "close")));
        assert!(f(e, "high") >= f(e, "open").max(f(e, "close")));
    }

    // Live: the market moves, the newest candle is updated (no snapshot flags).
    live.hook("/sim/market/pin", json!({"symbol": "AAPL", "price": 251.0}))
        .await;
    let update = c.next_events("Candle").await;
    assert_eq!(update.last().unwrap()["eventFlags"], 0);
    assert_eq!(f(update.last().unwrap(), "close"), 251.0);

    // fromTime near 1970 (tastyware's default, 1e9 ms): capped at the history there is.
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1,
        "add": [{"type": "Candle", "symbol": "SPY{=1d}", "fromTime": 1_000_000_000i64}]}))
        .await;
    let days = c.next_events("Candle").await;
    assert!(days.len() > 250 && days.len() <= 262, "{}", days.len());
    assert!(days.iter().all(|e| e["eventSymbol"] == "SPY{=1d}"));
}

#[tokio::test]
async fn a_pinned_price_agrees_in_quote_greeks_and_rest() {
    let live = Live::start().await;
    live.hook("/sim/market/pin", json!({"symbol": "SPY", "price": "650"}))
        .await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": [
        {"type": "Quote", "symbol": "SPY"},
        {"type": "Quote", "symbol": ".SPY261218C700"},
        {"type": "Greeks", "symbol": ".SPY261218C700"},
    ]}))
    .await;
    let msgs = c.collect(Duration::from_millis(500)).await;
    let mut quotes = std::collections::HashMap::new();
    let mut greeks = None;
    for m in msgs.iter().filter(|m| m["type"] == "FEED_DATA") {
        let (kind, events) = c.decode(m);
        for e in events {
            let symbol = e["eventSymbol"].as_str().unwrap().to_owned();
            if kind == "Quote" {
                quotes.insert(symbol, e);
            } else {
                greeks = Some(e);
            }
        }
    }
    let spy = &quotes["SPY"];
    assert_eq!((f(spy, "bidPrice") + f(spy, "askPrice")) / 2.0, 650.0);
    let option = &quotes[".SPY261218C700"];
    let mid = (f(option, "bidPrice") + f(option, "askPrice")) / 2.0;
    let g = greeks.expect("Greeks for the option");
    // Greeks' price is the model value; the quote is around it on the penny grid.
    assert!(
        (f(&g, "price") - mid).abs() <= 0.005 + 1e-9,
        "{} vs {mid}",
        f(&g, "price")
    );
    // And the Greeks are those of the model at 650 with the stated volatility.
    let expires = "2026-12-18"
        .parse::<pocket_sim::dates::Date>()
        .unwrap()
        .at_et(16, 0, 0, 0);
    let years = (expires - g["time"].as_i64().unwrap()) as f64 / (365.0 * 86_400_000.0);
    let contract = bs::Contract {
        call: true,
        strike: 700.0,
        years,
        on_future: false,
    };
    let model = bs::greeks(contract, 650.0, f(&g, "volatility"), bs::RISK_FREE_RATE);
    for (k, v) in [
        ("delta", model.delta),
        ("gamma", model.gamma),
        ("theta", model.theta),
        ("vega", model.vega),
        ("rho", model.rho),
    ] {
        assert!(
            (f(&g, k) - v).abs() < 1e-9 * v.abs().max(1.0),
            "{k}: {} vs {v}",
            f(&g, k)
        );
    }
    // REST says the same mark.
    let (access, _) = live.sim.login().await;
    let positions = live
        .sim
        .ok("/accounts/5WT00001/positions?include-marks=true", &access)
        .await;
    let find = |s: &str| {
        crate::common::items(&positions)
            .into_iter()
            .find(|p| p["symbol"] == s)
            .unwrap()
    };
    assert_eq!(find("SPY")["mark"], "650.0");
    let rest_mark: f64 = find("SPY   261218C00700000")["mark"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (rest_mark - mid).abs() < 1e-9,
        "REST {rest_mark} vs stream {mid}"
    );
}

/// The CLI waits for Greeks of every strike of an expiration before going on.
#[tokio::test]
async fn greeks_for_every_option_subscribed() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(3, "AUTO").await;
    let strikes: Vec<u32> = (51..=84).map(|k| k * 10).collect();
    let add: Vec<Value> = strikes
        .iter()
        .flat_map(|k| {
            ["C", "P"].map(|cp| json!({"type": "Greeks", "symbol": format!(".SPY261218{cp}{k}")}))
        })
        .collect();
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 3, "add": add}))
        .await;
    let events = c.events("Greeks", Duration::from_millis(600)).await;
    let mut symbols: Vec<&str> = events
        .iter()
        .map(|e| e["eventSymbol"].as_str().unwrap())
        .collect();
    symbols.sort();
    symbols.dedup();
    assert_eq!(symbols.len(), strikes.len() * 2);
    for e in &events {
        let delta = f(e, "delta");
        assert!((-1.0..=1.0).contains(&delta));
        assert!(f(e, "volatility") > 0.03 && f(e, "volatility") < 3.0);
    }
}
