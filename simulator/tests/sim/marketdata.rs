//! Market-data REST: the quote token, market metrics, REST quotes, the session, and REST
//! marks following the market (hooks pin and step it).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

fn num(v: &Value) -> f64 {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string: {v}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn quote_tokens_open_only_the_stream() {
    let sim = Sim::with(|c| c.dxlink_url = "ws://127.0.0.1:7999/dxlink".into());
    let (token, _) = sim.login().await;
    // A Host header of the client's choosing doesn't move the DXLink URL.
    let req = Request::get("/api-quote-tokens")
        .header(header::USER_AGENT, UA)
        .header(header::HOST, "evil.example:443")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let first = sim.send(req).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let body = first.json();
    let data = &body["data"];
    assert_eq!(body["context"], "/api-quote-tokens");
    assert_eq!(data["dxlink-url"], "ws://127.0.0.1:7999/dxlink");
    assert_eq!(data["level"], "api");
    let quote = data["token"].as_str().unwrap();
    assert!(quote.len() >= 40);
    let issued = data["issued-at"].as_str().unwrap();
    let expires = data["expires-at"].as_str().unwrap();
    let ms = |s: &str| pocket_sim::dates::parse_datetime(s).unwrap();
    assert_eq!(ms(expires) - ms(issued), 24 * 3_600_000);

    let second = sim.ok("/api-quote-tokens", &token).await;
    assert_ne!(second["data"]["token"], data["token"], "random per call");
    // The quote token is not an API bearer.
    sim.api("/customers/me", quote)
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let issued = sim.get("/sim/issued-tokens").await.json();
    assert!(issued["quote-tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == quote));
    // Without an access token there is no quote token.
    sim.api("/api-quote-tokens", "nope")
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn quote_token_lifetime_follows_the_config() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let set = sim
        .post_json("/sim/config", &json!({"quote-token-ttl": 60}))
        .await;
    assert_eq!(set.json()["quote-token-ttl"], 60);
    let data = sim.ok("/api-quote-tokens", &token).await["data"].clone();
    let ms = |k: &str| pocket_sim::dates::parse_datetime(data[k].as_str().unwrap()).unwrap();
    assert_eq!(ms("expires-at") - ms("issued-at"), 60_000);
    let expired = sim
        .post_json("/sim/market/expire-quote-tokens", &json!({}))
        .await;
    assert_eq!(expired.json()["expired"], 1);
}

#[tokio::test]
async fn market_metrics_follow_the_surface_and_the_units() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let body = sim
        .ok("/market-metrics?symbols=AAPL,SPY,NOPE,LD0042", &token)
        .await;
    let items = items(&body);
    let symbols: Vec<&str> = items
        .iter()
        .map(|i| i["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(
        symbols,
        ["AAPL", "SPY", "LD0042"],
        "unknown symbols are missing"
    );
    let aapl = &items[0];
    let index = num(&aapl["implied-volatility-index"]);
    // Fractions vs percent numbers (docs/tastytrade.md §6.9).
    assert!((0.05..2.0).contains(&index), "{index}");
    assert!((num(&aapl["implied-volatility-30-day"]) - index * 100.0).abs() < 0.01);
    let rank = num(&aapl["implied-volatility-index-rank"]);
    assert!((0.0..=1.0).contains(&rank));
    assert!((0.0..=1.0).contains(&num(&aapl["implied-volatility-percentile"])));
    assert!(num(&aapl["historical-volatility-30-day"]) > 1.0, "percent");
    assert_eq!(aapl["beta"], "1.080000000");
    assert!(aapl["earnings"]["expected-report-date"].is_string());
    assert!(aapl["liquidity-rating"].is_u64());
    assert!(aapl["market-cap"].is_u64());
    let expirations = aapl["option-expiration-implied-volatilities"]
        .as_array()
        .unwrap();
    assert!(expirations.len() >= 5);
    assert!(items[1].get("earnings").is_none(), "an ETF has no earnings");
    // Deterministic per symbol.
    let again = sim.ok("/market-metrics?symbols=AAPL", &token).await;
    assert_eq!(
        crate::common::items(&again)[0]["implied-volatility-index-rank"],
        aapl["implied-volatility-index-rank"]
    );
}

#[tokio::test]
async fn rest_quotes_by_type() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let body = sim
        .ok(
            "/market-data/by-type?equity=AAPL,NOPE&equity-option=SPY%20%20%20261218C00700000\
             &future=%2FESZ6&index=SPX&equity=%2FESZ6",
            &token,
        )
        .await;
    assert_eq!(body["context"], "/market-data/by-type");
    let items = items(&body);
    let by: std::collections::HashMap<(&str, &str), &Value> = items
        .iter()
        .map(|i| {
            (
                (
                    i["symbol"].as_str().unwrap(),
                    i["instrument-type"].as_str().unwrap(),
                ),
                i,
            )
        })
        .collect();
    assert_eq!(items.len(), 4, "{items:?}");
    let aapl = by[&("AAPL", "Equity")];
    assert_eq!(aapl["mark"], "245.36");
    assert_eq!(aapl["prev-close"], "244.1");
    assert!(num(&aapl["bid"]) < 245.36 && num(&aapl["ask"]) > 245.36);
    assert_eq!(num(&aapl["mid"]), 245.36);
    for key in [
        "close-price-type",
        "summary-date",
        "prev-close-date",
        "halt-start-time",
    ] {
        assert!(aapl.get(key).is_some(), "{key}");
    }
    let call = by[&("SPY   261218C00700000", "Equity Option")];
    assert_eq!(call["mark"], "14.55");
    assert!(call["open-interest"].is_string());
    assert_eq!(by[&("/ESZ6", "Future")]["mark"], "6795.75");
    let spx = by[&("SPX", "Index")];
    assert!(spx.get("bid").is_none(), "indices have no bid/ask");

    let many: Vec<String> = (1..=101).map(|i| format!("LD{i:04}")).collect();
    let resp = sim
        .api(
            &format!("/market-data/by-type?equity={}", many.join(",")),
            &token,
        )
        .await;
    assert_validation(&resp, "symbols");
    let hundred = many[..100].join(",");
    let ok = sim
        .ok(&format!("/market-data/by-type?equity[]={hundred}"), &token)
        .await;
    assert_eq!(crate::common::items(&ok).len(), 100);
}

#[tokio::test]
async fn the_session_follows_the_market_hours_hook() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let path = "/market-time/sessions/current?instrument-collections[]=Equity";
    let open = items(&sim.ok(path, &token).await)[0].clone();
    assert_eq!(open["state"], "Open");
    assert_eq!(open["instrument-collection"], "Equity");
    for key in [
        "open-at",
        "close-at",
        "close-at-ext",
        "start-at",
        "session-date",
    ] {
        assert!(open[key].is_string(), "{key}");
        assert!(open["next-session"][key].is_string(), "next {key}");
    }
    let closed = sim
        .post_json("/sim/market/session", &json!({"state": "Closed"}))
        .await;
    assert_eq!(closed.json()["open"], false);
    assert_eq!(items(&sim.ok(path, &token).await)[0]["state"], "Closed");
    sim.post_json("/sim/market/session", &json!({"state": "Half"}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
}

/// A pinned price shows in REST marks, and the balances move with it by hand-computed amounts.
#[tokio::test]
async fn a_pin_moves_rest_marks_and_balances() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let pinned = sim
        .post_json(
            "/sim/market/pin",
            &json!({"symbol": "AAPL", "price": "250.00"}),
        )
        .await;
    assert_eq!(pinned.status, StatusCode::OK, "{}", pinned.text());
    assert_eq!(pinned.json()["pins"]["AAPL"], "250.0");
    let positions = sim
        .ok("/accounts/5WT00001/positions?include-marks=true", &token)
        .await;
    let aapl = items(&positions)
        .into_iter()
        .find(|p| p["symbol"] == "AAPL")
        .unwrap();
    assert_eq!(aapl["mark"], "250.0");
    assert_eq!(aapl["mark-price"], "250.0");
    assert_eq!(aapl["close-price"], "244.1");

    let fixture_balances = fixture("accounts/5WT00001/balances.json")["data"].clone();
    let balances = sim.ok("/accounts/5WT00001/balances", &token).await["data"].clone();
    // 150 shares × (250.00 − 245.36) = 696.00; the short AAPL call moves too, by its own
    // repricing, so compare the equity bucket exactly and net liq through both.
    let moved = |k: &str| num(&balances[k]) - num(&fixture_balances[k]);
    assert!((moved("long-equity-value") - 696.0).abs() < 1e-9);
    let short_call = items(&positions)
        .into_iter()
        .find(|p| p["symbol"] == "AAPL  270115C00260000")
        .unwrap();
    let call_move = (num(&short_call["mark"]) - 3.5) * 100.0;
    assert!(call_move > 0.0, "a higher AAPL lifts the call");
    assert!((moved("short-derivative-value") - call_move).abs() < 1e-6);
    assert!((moved("net-liquidating-value") - (696.0 - call_move)).abs() < 1e-6);
    assert!((moved("maintenance-excess") - (696.0 - call_move)).abs() < 1e-6);
    assert_eq!(balances["cash-balance"], fixture_balances["cash-balance"]);

    // Released, the walk goes on from the pinned price (no jump back); a market reset
    // returns the fixture values exactly.
    let released = sim
        .post_json("/sim/market/pin", &json!({"symbol": "AAPL", "price": null}))
        .await;
    assert_eq!(released.json()["pins"], json!({}));
    let still = sim.ok("/accounts/5WT00001/balances", &token).await["data"].clone();
    assert_eq!(
        still["net-liquidating-value"],
        balances["net-liquidating-value"]
    );
    sim.post_json("/sim/market/reset", &json!({})).await;
    let back = sim.ok("/accounts/5WT00001/balances", &token).await["data"].clone();
    assert_eq!(
        back,
        sim.ok("/accounts/5WT00001/balances", &token).await["data"]
    );
    assert_eq!(
        back["net-liquidating-value"],
        fixture_balances["net-liquidating-value"]
    );
    sim.post_json("/sim/market/pin", &json!({"symbol": "NOPE", "price": 1}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn steps_move_prices_deterministically_and_reset_restores_them() {
    let sim = Sim::new();
    let other = Sim::new();
    let (token, _) = sim.login().await;
    let (token2, _) = other.login().await;
    let path = "/accounts/5WT00001/positions?include-marks=true";
    let before = sim.ok(path, &token).await;
    for s in [&sim, &other] {
        let stepped = s.post_json("/sim/market/step", &json!({"ticks": 25})).await;
        assert_eq!(stepped.json()["tick"], 25);
    }
    let after = sim.ok(path, &token).await;
    assert_ne!(before, after, "prices moved");
    assert_eq!(
        after,
        other.ok(path, &token2).await,
        "same seed, same ticks, same marks"
    );
    sim.post_json("/sim/reset", &json!({})).await;
    assert_eq!(sim.ok(path, &token).await, before);
    let state = sim.get("/sim/market").await.json();
    assert_eq!(state["tick"], 0);
    assert_eq!(state["ticks-per-sec"], 0.0);
    assert_eq!(state["paused"], false);
}

#[tokio::test]
async fn futures_instruments_name_their_streamer_symbols() {
    let sim = Sim::on("2026-12-02");
    let (token, _) = sim.login().await;
    let body = sim
        .ok(
            "/instruments/futures?symbol[]=%2FESZ6&symbol[]=%2FZZZ6&product-code[]=MES",
            &token,
        )
        .await;
    assert_eq!(body["context"], "/instruments/futures");
    let items = items(&body);
    let symbols: Vec<&str> = items
        .iter()
        .map(|i| i["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["/ESZ6", "/MESZ6"]);
    assert_eq!(items[0]["streamer-symbol"], "/ESZ26:XCME");
    assert_eq!(items[0]["expiration-date"], "2026-12-18");
    assert_eq!(items[0]["future-product"]["root-symbol"], "/ES");
    assert_eq!(items[1]["streamer-symbol"], "/MESZ26:XCME");

    let options = sim
        .ok(
            "/instruments/future-options?symbol[]=.%2FESZ6%20EW4Z6%20261224C7000&symbol[]=nope",
            &token,
        )
        .await;
    let options = crate::common::items(&options);
    assert_eq!(options.len(), 1);
    assert_eq!(options[0]["streamer-symbol"], "./EW4Z26C7000:XCME");
    assert_eq!(options[0]["underlying-symbol"], "/ESZ6");
    assert_eq!(options[0]["strike-price"], "7000.0");
}
