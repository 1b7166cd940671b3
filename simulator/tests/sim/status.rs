//! Trading status, margin requirements, 403 on every account route, today override.

use axum::http::StatusCode;
use clap::Parser as _;
use pocket_sim::{Cli, Config};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn trading_status_carries_what_tastyware_requires() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let accounts = items(&fixture("accounts.json"));
    for (n, item) in OWN_ACCOUNTS.iter().zip(&accounts) {
        let body = sim
            .ok(&format!("/accounts/{n}/trading-status"), &token)
            .await;
        let s = &body["data"];
        assert_eq!(s["account-number"], *n);
        assert!(s["id"].is_i64());
        for key in [
            "equities-margin-calculation-type",
            "fee-schedule-name",
            "futures-margin-rate-multiplier",
            "options-level",
            "small-notional-futures-margin-rate-multiplier",
            "updated-at",
        ] {
            assert!(s[key].is_string(), "{key}");
        }
        for key in [
            "has-intraday-equities-margin",
            "is-aggregated-at-clearing",
            "is-closed",
            "is-closing-only",
            "is-cryptocurrency-enabled",
            "is-frozen",
            "is-full-equity-margin-required",
            "is-futures-closing-only",
            "is-futures-intra-day-enabled",
            "is-futures-enabled",
            "is-in-day-trade-equity-maintenance-call",
            "is-in-margin-call",
            "is-pattern-day-trader",
            "is-small-notional-futures-intra-day-enabled",
            "is-roll-the-day-forward-enabled",
            "are-far-otm-net-options-restricted",
            "short-calls-enabled",
            "is-equity-offering-enabled",
            "is-equity-offering-closing-only",
        ] {
            assert!(s[key].is_boolean(), "{key}");
        }
        let account = &item["account"];
        assert_eq!(s["is-futures-enabled"], account["is-futures-approved"]);
        assert_eq!(s["options-level"], account["suitable-options-level"]);
        assert_eq!(
            s["short-calls-enabled"],
            account["margin-or-cash"] == "Margin"
        );
    }
}

#[tokio::test]
async fn margin_requirements_agree_with_the_balances() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let balances = fixture(&format!("accounts/{n}/balances.json"))["data"].clone();
        let body = sim
            .ok(&format!("/margin/accounts/{n}/requirements"), &token)
            .await;
        let r = &body["data"];
        assert_eq!(r["account-number"], n);
        for key in ["description", "margin-calculation-type", "option-level"] {
            assert!(r[key].is_string(), "{key}");
        }
        assert!(r["last-state-timestamp"].is_i64());
        assert_eq!(
            r["maintenance-requirement"],
            balances["maintenance-requirement"]
        );
        assert_eq!(r["margin-equity"], balances["margin-equity"]);
        assert_eq!(
            r["option-buying-power"],
            balances["derivative-buying-power"]
        );
        assert_eq!(r["maintenance-excess"], balances["maintenance-excess"]);
        for key in [
            "margin-requirement",
            "maintenance-requirement",
            "reg-t-margin-requirement",
        ] {
            assert!(
                matches!(r[format!("{key}-effect")].as_str(), Some("Debit" | "None")),
                "{key}"
            );
        }
        let groups = r["groups"].as_array().unwrap();
        assert!(!groups.is_empty());
        let sum: f64 = groups.iter().map(|g| signed(g, "margin-requirement")).sum();
        assert!(
            (sum - signed(r, "margin-requirement")).abs() < 0.005,
            "{n}: {sum}"
        );
        for g in groups {
            for key in ["description", "code", "margin-calculation-type"] {
                assert!(g[key].is_string(), "{key}: {g}");
            }
            signed(g, "buying-power");
        }
        let underlyings: Vec<&str> = groups
            .iter()
            .map(|g| g["underlying-symbol"].as_str().unwrap())
            .collect();
        for p in items(&fixture(&format!("accounts/{n}/positions.json"))) {
            assert!(underlyings.contains(&p["underlying-symbol"].as_str().unwrap()));
        }
    }
}

#[tokio::test]
async fn someone_elses_account_is_403_on_every_new_route() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for account in [OTHER_ACCOUNT, "5WT99999"] {
        for path in [
            "orders",
            "orders?status[]=Filled",
            "orders/live",
            "orders/351001013",
            "transactions",
            "transactions/291001007",
            "transactions/total-fees",
            "balance-snapshots",
            "net-liq/history?time-back=1d",
            "trading-status",
        ] {
            let resp = sim
                .api(&format!("/accounts/{account}/{path}"), &token)
                .await;
            resp.assert_api_error(StatusCode::FORBIDDEN, "not_permitted");
        }
        sim.api(&format!("/margin/accounts/{account}/requirements"), &token)
            .await
            .assert_api_error(StatusCode::FORBIDDEN, "not_permitted");
    }
    // Bad parameters don't reveal anything either: the permission check comes first.
    sim.api(
        &format!("/accounts/{OTHER_ACCOUNT}/orders?per-page=0"),
        &token,
    )
    .await
    .assert_api_error(StatusCode::FORBIDDEN, "not_permitted");
    // And without a token, 401 as everywhere.
    sim.get("/accounts/5WT00001/orders")
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    sim.get("/watchlists")
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

fn newest_order_day(body: &serde_json::Value) -> String {
    items(body)[0]["received-at"].as_str().unwrap()[..10].to_owned()
}

#[tokio::test]
async fn today_comes_from_the_flag_the_config_hook_or_the_clock() {
    let cli = Cli::try_parse_from([
        "pocket-sim",
        "--today",
        "2027-03-15",
        "--rate-limit-per-second",
        "5",
    ])
    .unwrap();
    let config = Config::try_from(&cli).unwrap();
    assert_eq!(config.today.unwrap().to_string(), "2027-03-15");
    assert_eq!(config.rate_limit_per_second, 5);
    assert!(Cli::try_parse_from(["pocket-sim", "--today", "15/03/2027"]).is_err());
    assert!(
        pocket_sim::SimState::new(Config {
            today: Some("2026-01-01".parse().unwrap()),
            ..quiet_config()
        })
        .is_err(),
        "before the fixtures' as-of date"
    );

    let sim = Sim::on("2027-03-15");
    let (token, _) = sim.login().await;
    assert_eq!(sim.get("/sim/config").await.json()["today"], "2027-03-15");
    let orders = sim.ok("/accounts/5WT00001/orders/live", &token).await;
    assert_eq!(newest_order_day(&orders), "2027-03-15");
    let day = items(
        &sim.ok("/accounts/5WT00001/net-liq/history?time-back=1d", &token)
            .await,
    );
    assert!(
        day[0]["time"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-15 13:30"),
        "EDT since March 14"
    );

    let resp = sim
        .post_json("/sim/config", &json!({"today": "2026-11-10"}))
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["today"], "2026-11-10");
    let orders = sim.ok("/accounts/5WT00001/orders?per-page=1", &token).await;
    assert_eq!(newest_order_day(&orders), "2026-11-10");
    let txs = items(
        &sim.ok("/accounts/5WT00001/transactions?per-page=2000", &token)
            .await,
    );
    assert!(txs
        .iter()
        .all(|t| t["transaction-date"].as_str().unwrap() <= "2026-11-10"));
    assert_eq!(
        sim.ok("/accounts/5WT00001/balances", &token).await["data"]["snapshot-date"],
        "2026-11-10"
    );

    for bad in [
        json!({"today": "2026-02-30"}),
        json!({"today": "2026-09-17"}),
        json!({"today": 20261110}),
    ] {
        sim.post_json("/sim/config", &bad)
            .await
            .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    sim.post_json("/sim/reset", &json!({})).await;
    assert_eq!(
        sim.get("/sim/config").await.json()["today"],
        "2027-03-15",
        "reset: back to the flag"
    );

    // Without a flag, the UTC date at startup.
    let now = Sim::new();
    assert_eq!(
        now.get("/sim/config").await.json()["today"],
        pocket_sim::dates::Date::today_utc().to_string()
    );
}
