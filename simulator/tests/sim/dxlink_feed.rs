//! DXLink feeds: negotiated fields and formats, per-type and mixed channels, subscriptions
//! added, removed and reset, the aggregation period, pause, and silence for what isn't served.

use std::time::Duration;

use serde_json::{json, Value};

use crate::wsclient::*;

/// tastyware's Quote fields (never `eventType`), plus a name the simulator doesn't know.
fn tastyware_quote_fields() -> Value {
    json!([
        "eventSymbol",
        "eventTime",
        "sequence",
        "timeNanoPart",
        "bidTime",
        "bidExchangeCode",
        "askTime",
        "askExchangeCode",
        "bidPrice",
        "askPrice",
        "bidSize",
        "askSize",
        "fooBar"
    ])
}

#[tokio::test]
async fn compact_fields_are_echoed_verbatim_and_decoded_against_feed_config() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(7, "AUTO").await;
    c.send(
        json!({"type": "FEED_SETUP", "channel": 7, "acceptAggregationPeriod": 0.1,
        "acceptDataFormat": "COMPACT", "acceptEventFields": {"Quote": tastyware_quote_fields()}}),
    )
    .await;
    let config = c.recv_type("FEED_CONFIG").await;
    assert_eq!(config["channel"], 7);
    assert_eq!(config["dataFormat"], "COMPACT");
    assert_eq!(config["aggregationPeriod"], 0.1);
    assert_eq!(config["eventFields"]["Quote"], tastyware_quote_fields());
    // tastyware subscribes at once, without reset and without waiting for FEED_CONFIG.
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 7,
        "add": [{"type": "Quote", "symbol": "AAPL"}]}))
        .await;
    let data = c.recv_type("FEED_DATA").await;
    assert_eq!(data["channel"], 7);
    assert_eq!(data["data"][0], "Quote");
    let (_, events) = c.decode(&data);
    let aapl = &events[0];
    assert_eq!(aapl["eventSymbol"], "AAPL");
    assert_eq!(aapl["bidPrice"], 245.35);
    assert_eq!(aapl["askPrice"], 245.37);
    assert!(aapl["bidExchangeCode"].is_string(), "codes are strings");
    assert!(aapl["bidSize"].as_f64().unwrap() > 0.0);
    assert_eq!(aapl["fooBar"], "NaN", "unknown names are NaN");
}

#[tokio::test]
async fn full_format_and_defaults_when_no_fields_are_asked_for() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    // The JS SDK: no acceptEventFields, 10 s aggregation, reset with add.
    c.send(
        json!({"type": "FEED_SETUP", "channel": 1, "acceptAggregationPeriod": 10,
        "acceptDataFormat": "FULL"}),
    )
    .await;
    let config = c.recv_type("FEED_CONFIG").await;
    assert_eq!(config["dataFormat"], "FULL");
    assert!(config.get("eventFields").is_none());
    c.send(
        json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "reset": true,
        "add": [{"type": "Quote", "symbol": "SPY"}]}),
    )
    .await;
    // The type's defaults are announced before its first data, which comes at once.
    let announced = c.next_within(WAIT).await.unwrap();
    assert_eq!(announced["type"], "FEED_CONFIG", "{announced}");
    let fields = announced["eventFields"]["Quote"].as_array().unwrap();
    assert!(fields.contains(&json!("bidPrice")));
    let data = c.recv_type("FEED_DATA").await;
    let quote = &data["data"][0];
    assert_eq!(quote["eventType"], "Quote");
    assert_eq!(quote["eventSymbol"], "SPY");
    assert_eq!(quote["bidPrice"], 672.44);
    for f in fields {
        assert!(quote.get(f.as_str().unwrap()).is_some(), "{f}");
    }
}

#[tokio::test]
async fn one_mixed_channel_and_per_type_channels() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    c.send(json!({"type": "FEED_SETUP", "channel": 1, "acceptDataFormat": "COMPACT"}))
        .await;
    c.recv_type("FEED_CONFIG").await;
    let mut add = Vec::new();
    for kind in [
        "Quote",
        "Trade",
        "Summary",
        "Profile",
        "Greeks",
        "Underlying",
    ] {
        for symbol in ["AAPL", ".SPY261218C700", "NOPE"] {
            add.push(json!({"type": kind, "symbol": symbol}));
        }
    }
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "reset": true, "add": add}))
        .await;
    let msgs = c.collect(Duration::from_millis(600)).await;
    assert!(
        msgs.iter().all(|m| m["type"] != "ERROR"),
        "silence for the unserved: {msgs:?}"
    );
    let mut seen = std::collections::BTreeMap::new();
    for m in msgs.iter().filter(|m| m["type"] == "FEED_DATA") {
        assert_eq!(m["channel"], 1);
        let (kind, events) = c.decode(m);
        for e in events {
            seen.entry(kind.clone())
                .or_insert_with(Vec::new)
                .push(e["eventSymbol"].as_str().unwrap().to_owned());
        }
    }
    let expect = |both: bool| -> Vec<String> {
        if both {
            vec![".SPY261218C700".into(), "AAPL".into()]
        } else {
            vec![".SPY261218C700".into()]
        }
    };
    for kind in ["Quote", "Trade", "Summary", "Profile"] {
        let mut got = seen[kind].clone();
        got.sort();
        assert_eq!(got, expect(true), "{kind}");
    }
    assert_eq!(seen["Greeks"], expect(false), "Greeks only for options");
    assert!(
        !seen.contains_key("Underlying"),
        "unentitled types get nothing"
    );

    // The Summary of an equity carries an open interest of 0, never NaN (tastyware drops it).
    c.send(
        json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "reset": true,
        "add": [{"type": "Summary", "symbol": "MSFT"}]}),
    )
    .await;
    let summary = &c.next_events("Summary").await[0];
    assert_eq!(summary["openInterest"], 0);
    assert_eq!(summary["prevDayClosePrice"], 515.2);

    // tastyware: a channel per type at fixed ids, Greeks on 3 and Quote on 7.
    c.open_feed(3, "AUTO").await;
    c.open_feed(7, "AUTO").await;
    for (ch, kind, symbol) in [(3, "Greeks", ".AAPL270115C260"), (7, "Quote", "MSFT")] {
        c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": ch,
            "add": [{"type": kind, "symbol": symbol}]}))
            .await;
    }
    let msgs = c.collect(Duration::from_millis(400)).await;
    let on = |ch: u64| -> Vec<String> {
        msgs.iter()
            .filter(|m| m["type"] == "FEED_DATA" && m["channel"] == ch)
            .map(|m| c.decode(m).0)
            .collect()
    };
    assert_eq!(on(3), ["Greeks"]);
    assert_eq!(on(7), ["Quote"]);
}

#[tokio::test]
async fn add_remove_and_reset() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    let sub = |body: Value| {
        let mut msg = json!({"type": "FEED_SUBSCRIPTION", "channel": 1});
        msg.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        msg
    };
    c.send(sub(
        json!({"add": [{"type": "Quote", "symbol": "AAPL"}, {"type": "Quote", "symbol": "SPY"}]}),
    ))
    .await;
    let first: Vec<_> = c.events("Quote", Duration::from_millis(300)).await;
    assert_eq!(first.len(), 2);
    // Remove without fromTime, as tastyware does.
    c.send(sub(json!({"remove": [{"type": "Quote", "symbol": "SPY"}]})))
        .await;
    live.hook("/sim/market/step", json!({"ticks": 3})).await;
    let after: Vec<_> = c.events("Quote", Duration::from_millis(300)).await;
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|e| e["eventSymbol"] == "AAPL"),
        "{after:?}"
    );
    // A duplicate add is one subscription, but counted.
    c.send(sub(json!({"add": [{"type": "Quote", "symbol": "AAPL"}]})))
        .await;
    // Drain what is still on its way for AAPL (a loaded machine delays batches).
    let _ = c.events("Quote", Duration::from_millis(300)).await;
    // Reset with add: only the new set.
    c.send(sub(
        json!({"reset": true, "add": [{"type": "Quote", "symbol": "MSFT"}]}),
    ))
    .await;
    live.hook("/sim/market/step", json!({"ticks": 3})).await;
    let reset: Vec<_> = c.events("Quote", Duration::from_millis(300)).await;
    assert!(!reset.is_empty());
    assert!(
        reset.iter().all(|e| e["eventSymbol"] == "MSFT"),
        "{reset:?}"
    );
    let stats = live.stats().await;
    let socket = &stats["sockets"][0];
    assert_eq!(socket["subscriptions"], 1);
    assert_eq!(socket["add-requests"], 4);
    assert_eq!(socket["duplicate-adds"], 1);
    assert_eq!(socket["channels"], 1);
    assert!(stats["messages-sent"].as_u64().unwrap() > 5);
}

#[tokio::test]
async fn the_aggregation_period_batches_the_latest_event_per_symbol() {
    let live = Live::start().await;
    live.hook("/sim/market/tick-rate", json!({"ticks-per-sec": 50}))
        .await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    c.send(json!({"type": "FEED_SETUP", "channel": 1, "acceptAggregationPeriod": 0.5}))
        .await;
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1,
        "add": [{"type": "Quote", "symbol": "SPY"}, {"type": "Quote", "symbol": "QQQ"}]}))
        .await;
    let msgs = c.collect(Duration::from_millis(1700)).await;
    let data: Vec<&Value> = msgs.iter().filter(|m| m["type"] == "FEED_DATA").collect();
    // The first batch at once, then one per half second: 4 or 5, not 85 (50 ticks a second).
    assert!((3..=5).contains(&data.len()), "{} batches", data.len());
    for m in data {
        let (_, events) = c.decode(m);
        assert!(events.len() <= 2, "one event per symbol per batch");
    }
}

#[tokio::test]
async fn a_paused_feed_sends_nothing_until_resumed() {
    let live = Live::start().await;
    live.hook("/sim/market/tick-rate", json!({"ticks-per-sec": 20}))
        .await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1,
        "add": [{"type": "Quote", "symbol": "SPY"}]}))
        .await;
    c.next_events("Quote").await;
    live.hook("/sim/market/pause", json!({})).await;
    let paused = c.collect(Duration::from_millis(300)).await;
    // What may have been in flight when the hook answered, then nothing.
    let quiet = c.collect(Duration::from_millis(600)).await;
    assert!(
        quiet.iter().all(|m| m["type"] != "FEED_DATA"),
        "{quiet:?} after {paused:?}"
    );
    let state = live.sim.get("/sim/market").await.json();
    assert_eq!(state["paused"], true);
    live.hook("/sim/market/resume", json!({})).await;
    assert!(!c.next_events("Quote").await.is_empty());
}

#[tokio::test]
async fn unknown_symbols_and_channels_are_handled_quietly() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    c.send(json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": [
        {"type": "Quote", "symbol": "NOPE"},
        {"type": "Quote", "symbol": ".SPY991231C5"},
        {"type": "Greeks", "symbol": ".SPY261218C703"},
        {"type": "Candle", "symbol": "NOPE{=5m}", "fromTime": 0},
        {"type": "TimeAndSale", "symbol": "AAPL"},
    ]}))
    .await;
    let msgs = c.collect(Duration::from_millis(500)).await;
    assert!(msgs.is_empty(), "{msgs:?}");
    // A service other than FEED is closed at once, without an ERROR.
    c.send(
        json!({"type": "CHANNEL_REQUEST", "channel": 5, "service": "DOM",
        "parameters": {}}),
    )
    .await;
    assert_eq!(c.recv_type("CHANNEL_CLOSED").await["channel"], 5);
    // CHANNEL_CANCEL closes a feed.
    c.send(json!({"type": "CHANNEL_CANCEL", "channel": 1}))
        .await;
    assert_eq!(c.recv_type("CHANNEL_CLOSED").await["channel"], 1);
    assert_eq!(live.stats().await["sockets"][0]["channels"], 0);
}
