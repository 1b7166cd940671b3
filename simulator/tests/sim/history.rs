//! Net-liq history (every time-back, start-time, end-time) and balance snapshots.

use serde_json::Value;

use crate::common::*;

const NET_LIQ_KEYS: [&str; 13] = [
    "open",
    "high",
    "low",
    "close",
    "pending-cash-open",
    "pending-cash-high",
    "pending-cash-low",
    "pending-cash-close",
    "total-open",
    "total-high",
    "total-low",
    "total-close",
    "time",
];

fn nlv(n: &str) -> String {
    fixture(&format!("accounts/{n}/balances.json"))["data"]["net-liquidating-value"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn num(v: &Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

/// `2023-06-08 13:30:00+00` → epoch ms.
fn net_liq_ms(t: &str) -> i64 {
    assert!(
        t.len() == 22 && &t[10..11] == " " && t.ends_with("+00"),
        "net-liq time format: {t:?}"
    );
    pocket_sim::dates::parse_datetime(t).unwrap()
}

async fn history(sim: &Sim, token: &str, n: &str, query: &str) -> Vec<Value> {
    let body = sim
        .ok(&format!("/accounts/{n}/net-liq/history?{query}"), token)
        .await;
    assert!(
        body.get("context").is_none(),
        "the captured response had no context"
    );
    let items = items(&body);
    for p in &items {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = NET_LIQ_KEYS.to_vec();
        want.sort();
        assert_eq!(keys, want);
        net_liq_ms(p["time"].as_str().unwrap());
        let (o, h, l, c) = (
            num(&p["open"]),
            num(&p["high"]),
            num(&p["low"]),
            num(&p["close"]),
        );
        assert!(l <= o.min(c) && h >= o.max(c), "{p}");
        assert_eq!(p["total-close"], p["close"]);
        assert_eq!(p["pending-cash-close"], "0.0");
    }
    items
}

#[tokio::test]
async fn every_time_back_ends_at_todays_net_liq() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let mut lengths = Vec::new();
        for back in ["1d", "1w", "1m", "3m", "6m", "1y", "all"] {
            let points = history(&sim, &token, n, &format!("time-back={back}")).await;
            let last = points.last().unwrap_or_else(|| panic!("{n} {back}: empty"));
            assert_eq!(last["close"].as_str().unwrap(), nlv(n), "{n} {back}");
            let times: Vec<i64> = points
                .iter()
                .map(|p| net_liq_ms(p["time"].as_str().unwrap()))
                .collect();
            assert!(
                times.windows(2).all(|w| w[0] < w[1]),
                "{n} {back}: ascending"
            );
            lengths.push(points.len());
        }
        // 1d: 5-minute points 09:30–16:00 ET (EST in December: 14:30–21:00 UTC).
        let day = history(&sim, &token, n, "time-back=1d").await;
        assert_eq!(day.len(), 79);
        assert_eq!(day[0]["time"], format!("{TODAY} 14:30:00+00"));
        assert_eq!(day[78]["time"], format!("{TODAY} 21:00:00+00"));
        assert_eq!(
            (day[0]["open"].clone(), day[0]["high"].clone()),
            (day[0]["close"].clone(), day[0]["close"].clone()),
            "first point flat"
        );
        // Daily: 1w ⊂ 1m ⊂ … ⊂ all, about two years of trading days.
        let (w, m, m3, m6, y, all) = (
            lengths[1], lengths[2], lengths[3], lengths[4], lengths[5], lengths[6],
        );
        assert!((4..=5).contains(&w), "{w}");
        assert!(
            (20..=23).contains(&m) && (60..=67).contains(&m3) && (125..=132).contains(&m6),
            "{lengths:?}"
        );
        assert!(
            (250..=263).contains(&y) && (500..=525).contains(&all),
            "{lengths:?}"
        );
        let every = history(&sim, &token, n, "time-back=all").await;
        assert_eq!(
            every[every.len() - y..],
            history(&sim, &token, n, "time-back=1y").await[..]
        );
        assert!(every
            .iter()
            .all(|p| p["time"].as_str().unwrap().ends_with(":00:00+00")));
    }
}

#[tokio::test]
async fn start_time_and_end_time_window_the_series() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let n = "5WT00001";
    // tastyware's format; inside the last trading day it is intraday.
    let afternoon = history(&sim, &token, n, &format!("start-time={TODAY}T19:00:00Z")).await;
    assert_eq!(afternoon.len(), 25, "19:00–21:00 UTC every 5 minutes");
    assert_eq!(afternoon.last().unwrap()["close"].as_str().unwrap(), nlv(n));
    // Earlier: daily points from then on; start-time wins over time-back.
    let all = history(&sim, &token, n, "time-back=all").await;
    let since = history(
        &sim,
        &token,
        n,
        "start-time=2026-11-01T00:00:00Z&time-back=1y",
    )
    .await;
    let want: Vec<Value> = all
        .iter()
        .filter(|p| p["time"].as_str().unwrap() >= "2026-11-01")
        .cloned()
        .collect();
    assert_eq!(since, want);
    let window = history(
        &sim,
        &token,
        n,
        "start-time=2026-11-01T00:00:00Z&end-time=2026-11-14T00:00:00Z",
    )
    .await;
    assert_eq!(window.len(), 10);
    // The swagger's zoned form parses too.
    let zoned = history(
        &sim,
        &token,
        n,
        "start-time=2026-11-01T01:00:00%2B01:00[Europe/Paris]",
    )
    .await;
    assert_eq!(zoned, since);

    for (query, domain) in [
        ("", "time-back"),
        ("time-back=2y", "time-back"),
        ("start-time=soon", "start-time"),
        ("time-back=1d&end-time=x", "end-time"),
    ] {
        assert_validation(
            &sim.api(&format!("/accounts/{n}/net-liq/history?{query}"), &token)
                .await,
            domain,
        );
    }
}

#[tokio::test]
async fn history_is_deterministic_and_follows_today() {
    let (a, b) = (Sim::on(TODAY), Sim::on(TODAY));
    let (ta, _) = a.login().await;
    let (tb, _) = b.login().await;
    for path in [
        "/accounts/5WT00002/net-liq/history?time-back=all",
        "/accounts/5WT00002/net-liq/history?time-back=1d",
        "/accounts/5WT00002/orders?per-page=2000",
        "/accounts/5WT00002/transactions?per-page=2000",
    ] {
        assert_eq!(
            a.api(path, &ta).await.body,
            b.api(path, &tb).await.body,
            "{path}"
        );
    }
    // A weekend: 1d is Friday's session; the net liq still ends at the balances' value.
    let sat = Sim::on("2026-12-05");
    let (token, _) = sat.login().await;
    let day = history(&sat, &token, "5WT00002", "time-back=1d").await;
    assert!(day[0]["time"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-04 14:30"));
    assert_eq!(
        day.last().unwrap()["close"].as_str().unwrap(),
        nlv("5WT00002")
    );
}

#[tokio::test]
async fn balance_snapshots_by_day_range_and_time_of_day() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let n = "5WT00001";
    let balances = sim.ok(&format!("/accounts/{n}/balances"), &token).await["data"].clone();
    let path = format!("/accounts/{n}/balance-snapshots");

    // No dates: the two most recent end-of-day snapshots, the last one today's balances.
    let recent = sim.ok(&path, &token).await;
    assert_eq!(recent["pagination"]["per-page"], 250);
    let recent = items(&recent);
    assert_eq!(recent.len(), 2);
    let today = &recent[1];
    assert_eq!(today["snapshot-date"], TODAY);
    assert_eq!(today["time-of-day"], "EOD");
    for (key, value) in balances.as_object().unwrap() {
        if !["snapshot-date", "updated-at"].contains(&key.as_str()) {
            assert_eq!(&today[key], value, "{key}");
        }
    }
    assert_eq!(recent[0]["snapshot-date"], "2026-12-01");

    // A range: one per trading day, each internally consistent and matching net-liq history.
    let closes = history(&sim, &token, n, "start-time=2026-11-01T00:00:00Z").await;
    let range = sim
        .ok(
            &format!("{path}?start-date=2026-11-01&end-date={TODAY}&per-page=5"),
            &token,
        )
        .await;
    assert_eq!(range["pagination"]["total-items"], closes.len());
    assert_eq!(range["pagination"]["total-pages"], closes.len().div_ceil(5));
    let all = items(
        &sim.ok(&format!("{path}?start-date=2026-11-01"), &token)
            .await,
    );
    assert_eq!(all.len(), closes.len());
    for (s, p) in all.iter().zip(&closes) {
        assert_eq!(s["net-liquidating-value"], p["close"]);
        assert_eq!(
            s["snapshot-date"].as_str().unwrap(),
            &p["time"].as_str().unwrap()[..10]
        );
        for key in balances.as_object().unwrap().keys() {
            assert!(s.get(key).is_some(), "{key} missing from a snapshot");
        }
        let long = num(&s["long-equity-value"]) + num(&s["long-derivative-value"]);
        let short = num(&s["short-equity-value"]) + num(&s["short-derivative-value"]);
        let identity = num(&s["cash-balance"]) + long - short;
        assert!(
            (identity - num(&s["net-liquidating-value"])).abs() < 0.05,
            "{s}"
        );
    }

    let one = items(
        &sim.ok(&format!("{path}?snapshot-date=2026-11-20"), &token)
            .await,
    );
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["snapshot-date"], "2026-11-20");
    assert!(
        items(
            &sim.ok(&format!("{path}?snapshot-date=2026-11-21"), &token)
                .await
        )
        .is_empty(),
        "a Saturday"
    );

    let bod = items(
        &sim.ok(
            &format!("{path}?snapshot-date=2026-11-20&time-of-day=BOD"),
            &token,
        )
        .await,
    );
    let previous = items(
        &sim.ok(&format!("{path}?snapshot-date=2026-11-19"), &token)
            .await,
    );
    assert_eq!(bod[0]["time-of-day"], "BOD");
    assert_eq!(
        bod[0]["net-liquidating-value"], previous[0]["net-liquidating-value"],
        "BOD = the previous EOD"
    );
    let intraday = items(
        &sim.ok(&format!("{path}?time-of-day=Intraday"), &token)
            .await,
    );
    assert_eq!(intraday.len(), 1);
    assert_eq!(
        intraday[0]["net-liquidating-value"],
        balances["net-liquidating-value"]
    );

    assert!(items(&sim.ok(&format!("{path}?currency=EUR"), &token).await).is_empty());
    assert_validation(
        &sim.api(&format!("{path}?time-of-day=Noon"), &token).await,
        "time-of-day",
    );
    assert_validation(
        &sim.api(&format!("{path}?snapshot-date=20261120"), &token)
            .await,
        "snapshot-date",
    );
    assert_validation(
        &sim.api(&format!("{path}?per-page=5000"), &token).await,
        "per-page",
    );
}

/// `/balances` follows the market and the account's fills; the history ends there too: the last
/// point of every `time-back` and the latest snapshots are the net liq `/balances` serves, while
/// the days before and today's 09:30 point stay as generated.
#[tokio::test]
async fn history_ends_at_the_current_balances_after_a_move_and_a_fill() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let n = "5WT00001";
    let all_before = history(&sim, &token, n, "time-back=all").await;
    let day_before = history(&sim, &token, n, "time-back=1d").await;

    // AAPL (held) moves well away from its fixture mark, then 10 more shares fill at market.
    for (path, body) in [
        ("/sim/market/pin", r#"{"symbol": "AAPL", "price": "262.5"}"#),
        ("/sim/market/step", r#"{"ticks": 1}"#),
    ] {
        let resp = sim.post_raw(path, "application/json", body).await;
        assert_eq!(resp.status, axum::http::StatusCode::OK, "{path}");
    }
    let order = r#"{"time-in-force": "Day", "order-type": "Market", "legs": [
        {"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Buy to Open"}]}"#;
    let placed = sim
        .call(
            "POST",
            &format!("/accounts/{n}/orders"),
            &token,
            Some(order),
        )
        .await;
    assert_eq!(
        placed.status,
        axum::http::StatusCode::CREATED,
        "{}",
        placed.text()
    );
    let balances = sim.ok(&format!("/accounts/{n}/balances"), &token).await["data"].clone();
    let now = balances["net-liquidating-value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(now, nlv(n), "the move and the fill changed net liq");

    for back in ["1d", "1w", "1m", "3m", "6m", "1y", "all"] {
        let points = history(&sim, &token, n, &format!("time-back={back}")).await;
        assert_eq!(points.last().unwrap()["close"], now.as_str(), "{back}");
    }
    let all = history(&sim, &token, n, "time-back=all").await;
    assert_eq!(all.len(), all_before.len());
    assert_eq!(
        all[..all.len() - 1],
        all_before[..all.len() - 1],
        "past days"
    );
    let day = history(&sim, &token, n, "time-back=1d").await;
    assert_eq!(day[0], day_before[0], "09:30 stays");
    assert_ne!(day[40]["close"], day_before[40]["close"], "the day bends");
    assert!(
        day.windows(2).all(|w| w[0]["close"] == w[1]["open"]),
        "each bar opens at the last close"
    );
    let since = history(&sim, &token, n, &format!("start-time={TODAY}T20:00:00Z")).await;
    assert_eq!(since.last().unwrap()["close"], now.as_str());

    let path = format!("/accounts/{n}/balance-snapshots");
    for query in ["", "?time-of-day=Intraday", "?start-date=2026-11-01"] {
        let snapshots = items(&sim.ok(&format!("{path}{query}"), &token).await);
        let last = snapshots.last().unwrap();
        for (key, value) in balances.as_object().unwrap() {
            if !["snapshot-date", "updated-at"].contains(&key.as_str()) {
                assert_eq!(&last[key], value, "{query}: {key}");
            }
        }
    }
}
