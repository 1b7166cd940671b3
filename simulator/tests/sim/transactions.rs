//! Transactions: filters, pagination, the fills behind them, variety, total fees.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::*;

async fn all_tx(sim: &Sim, token: &str, n: &str) -> Vec<Value> {
    items(
        &sim.ok(&format!("/accounts/{n}/transactions?per-page=2000"), token)
            .await,
    )
}

fn ms(ts: &str) -> i64 {
    pocket_sim::dates::parse_datetime(ts).unwrap_or_else(|| panic!("timestamp {ts}"))
}

const FEES: [&str; 4] = [
    "commission",
    "clearing-fees",
    "regulatory-fees",
    "proprietary-index-option-fees",
];

#[tokio::test]
async fn every_transaction_has_what_the_sdks_require_and_adds_up() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        for t in all_tx(&sim, &token, n).await {
            // tastyware's Transaction required keys.
            assert!(t["id"].is_i64(), "{t}");
            for key in [
                "account-number",
                "transaction-type",
                "transaction-sub-type",
                "description",
                "executed-at",
                "transaction-date",
                "value",
                "net-value",
            ] {
                assert!(t[key].is_string(), "{key}: {t}");
            }
            assert!(t["is-estimated-fee"].is_boolean());
            assert_eq!(t["account-number"], n);
            assert_eq!(
                t["transaction-date"].as_str().unwrap(),
                &t["executed-at"].as_str().unwrap()[..10]
            );
            assert!(t["executed-at"].as_str().unwrap().ends_with('Z'));
            for key in ["value", "net-value"] {
                assert!(
                    !t[key].as_str().unwrap().starts_with('-'),
                    "unsigned on the wire: {t}"
                );
                assert!(matches!(
                    t[format!("{key}-effect")].as_str(),
                    Some("Credit" | "Debit" | "None")
                ));
            }
            // net-value = value + commission + fees, all signed by their effects.
            let fees: f64 = FEES
                .iter()
                .filter(|k| t.get(**k).is_some())
                .map(|k| signed(&t, k))
                .sum();
            let net = signed(&t, "value") + fees;
            assert!((net - signed(&t, "net-value")).abs() < 0.0005, "{t}");
            if t["transaction-type"] == "Trade" {
                assert!(
                    t["order-id"].is_i64() && t["symbol"].is_string() && t["action"].is_string(),
                    "{t}"
                );
                assert_eq!(t["action"], t["transaction-sub-type"]);
                assert!(
                    t["quantity"].as_str().unwrap().ends_with(".0"),
                    "decimal quantity: {t}"
                );
            }
        }
    }
}

/// Every fill of every filled order has its Trade transaction, and every Trade a fill.
#[tokio::test]
async fn trades_match_the_filled_orders() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let orders = items(
            &sim.ok(&format!("/accounts/{n}/orders?per-page=2000"), &token)
                .await,
        );
        let trades: Vec<Value> = all_tx(&sim, &token, n)
            .await
            .into_iter()
            .filter(|t| t["transaction-type"] == "Trade")
            .collect();
        let mut fills = 0;
        for o in orders.iter().filter(|o| o["status"] == "Filled") {
            for leg in o["legs"].as_array().unwrap() {
                for f in leg["fills"].as_array().unwrap() {
                    fills += 1;
                    let t = trades
                        .iter()
                        .find(|t| t["order-id"] == o["id"] && t["symbol"] == leg["symbol"])
                        .unwrap_or_else(|| {
                            panic!("{n}: no trade for order {} {}", o["id"], leg["symbol"])
                        });
                    assert_eq!(t["action"], leg["action"]);
                    assert_eq!(t["price"], f["fill-price"]);
                    assert_eq!(
                        t["quantity"].as_str().unwrap().parse::<f64>().unwrap(),
                        f["quantity"].as_f64().unwrap()
                    );
                    assert_eq!(
                        ms(t["executed-at"].as_str().unwrap()),
                        ms(f["filled-at"].as_str().unwrap())
                    );
                    assert_eq!(t["leg-count"], o["legs"].as_array().unwrap().len());
                }
            }
        }
        assert_eq!(fills, trades.len(), "{n}: one trade per fill");
    }
}

#[tokio::test]
async fn a_year_of_varied_activity() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let mut kinds = BTreeSet::new();
    for n in OWN_ACCOUNTS {
        let txs = all_tx(&sim, &token, n).await;
        for t in &txs {
            kinds.insert(format!(
                "{}/{}",
                t["transaction-type"].as_str().unwrap(),
                t["transaction-sub-type"].as_str().unwrap()
            ));
        }
        let dates: Vec<&str> = txs
            .iter()
            .map(|t| t["transaction-date"].as_str().unwrap())
            .collect();
        assert!(
            dates.iter().any(|d| *d >= "2026-11-01"),
            "{n}: recent activity"
        );
        assert!(
            dates
                .iter()
                .any(|d| ("2025-12-02".."2026-03-01").contains(d)),
            "{n}: activity a year back"
        );
        assert!(
            dates.iter().all(|d| *d <= TODAY),
            "{n}: nothing after today"
        );
    }
    for want in [
        "Trade/Buy to Open",
        "Trade/Sell to Open",
        "Trade/Buy to Close",
        "Trade/Sell to Close",
        "Trade/Buy",
        "Trade/Sell",
        "Money Movement/Deposit",
        "Money Movement/Withdrawal",
        "Money Movement/Dividend",
        "Money Movement/Fee",
        "Money Movement/Credit Interest",
        "Money Movement/Mark to Market",
        "Receive Deliver/Expiration",
        "Receive Deliver/Assignment",
        "Receive Deliver/Buy to Open",
    ] {
        assert!(kinds.contains(want), "no {want} in {kinds:?}");
    }
}

/// The /ESZ6 settlements add up to the move from the opening fill to the position's close price.
#[tokio::test]
async fn futures_mark_to_market_adds_up_to_the_position() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let p = items(&fixture("accounts/5WT00003/positions.json"))
        .into_iter()
        .find(|p| p["symbol"] == "/ESZ6")
        .unwrap();
    let want = (p["close-price"].as_str().unwrap().parse::<f64>().unwrap()
        - p["average-open-price"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap())
        * p["multiplier"].as_f64().unwrap()
        * p["quantity"].as_f64().unwrap();
    let mtm = items(&sim.ok("/accounts/5WT00003/transactions?per-page=2000&symbol=/ESZ6&sub-type[]=Mark%20to%20Market", &token).await);
    assert!(mtm.len() > 20, "daily settlements since the end of August");
    let total: f64 = mtm.iter().map(|t| signed(t, "value")).sum();
    assert!((total - want).abs() < 0.001, "{total} vs {want}");
    // Each day moves the price a realistic amount (ES: well under 5% a day).
    assert!(mtm
        .iter()
        .all(|t| signed(t, "value").abs() < 0.05 * 6800.0 * 50.0));
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let all = all_tx(&sim, &token, "5WT00001").await;
    let search = |q: &str| {
        let (sim, token) = (sim.clone(), token.clone());
        let path = format!("/accounts/5WT00001/transactions?per-page=2000&{q}");
        async move { items(&sim.ok(&path, &token).await) }
    };
    let expect = |pred: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        all.iter().filter(|t| pred(t)).cloned().collect()
    };
    let field = |t: &Value, k: &str| t[k].as_str().unwrap_or_default().to_owned();

    for (query, key, value) in [
        ("type=Trade", "transaction-type", "Trade"),
        ("sub-type[]=Dividend", "transaction-sub-type", "Dividend"),
        ("symbol=AAPL", "symbol", "AAPL"),
        ("underlying-symbol=TSLA", "underlying-symbol", "TSLA"),
        (
            "instrument-type=Equity%20Option",
            "instrument-type",
            "Equity Option",
        ),
        ("action=Sell%20to%20Open", "action", "Sell to Open"),
    ] {
        let got = search(query).await;
        assert_eq!(got, expect(&|t| field(t, key) == value), "{query}");
        assert!(
            !got.is_empty() && got.len() < all.len(),
            "{query}: {}",
            got.len()
        );
    }
    let got = search("types[]=Money%20Movement&types[]=Receive%20Deliver").await;
    assert_eq!(got, expect(&|t| field(t, "transaction-type") != "Trade"));
    let got = search("sub-type[]=Deposit&sub-type[]=Withdrawal").await;
    assert_eq!(got.len(), 3);
    let got = search("start-date=2026-10-01&end-date=2026-10-31").await;
    assert_eq!(
        got,
        expect(&|t| ("2026-10-01"..="2026-10-31").contains(&field(t, "transaction-date").as_str()))
    );
    assert!(!got.is_empty());
    let (from, to) = (ms("2026-12-02T00:00:00Z"), ms("2026-12-02T23:59:59Z"));
    let got = search("start-at=2026-12-02T00:00:00Z&end-at=2026-12-02T23:59:59Z").await;
    assert_eq!(
        got,
        expect(&|t| (from..=to).contains(&ms(&field(t, "executed-at"))))
    );
    assert_eq!(got.len(), 1, "today's META buy-back");

    let es = items(
        &sim.ok(
            "/accounts/5WT00003/transactions?per-page=2000&futures-symbol=/ESZ6",
            &token,
        )
        .await,
    );
    assert!(es.iter().any(|t| t["instrument-type"] == "Future Option"));
    assert!(es
        .iter()
        .any(|t| t["transaction-sub-type"] == "Mark to Market"));

    for (query, domain) in [
        ("per-page=0", "per-page"),
        ("sort=Up", "sort"),
        ("start-date=2026-02-30", "start-date"),
        ("end-at=later", "end-at"),
    ] {
        assert_validation(
            &sim.api(&format!("/accounts/5WT00001/transactions?{query}"), &token)
                .await,
            domain,
        );
    }
}

#[tokio::test]
async fn pagination_defaults_to_250_and_sort_flips() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let first = sim.ok("/accounts/5WT00003/transactions", &token).await;
    assert_eq!(first["pagination"]["per-page"], 250);
    assert_eq!(first["pagination"]["page-offset"], 0);
    let all = all_tx(&sim, &token, "5WT00003").await;
    assert_eq!(items(&first), all, "one page holds them all");
    let times: Vec<i64> = all
        .iter()
        .map(|t| ms(t["executed-at"].as_str().unwrap()))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let mut asc = items(
        &sim.ok(
            "/accounts/5WT00003/transactions?per-page=2000&sort=Asc",
            &token,
        )
        .await,
    );
    asc.reverse();
    assert_eq!(asc, all);

    let total = all.len() as u64;
    let per = 25;
    let last = total.div_ceil(per) - 1;
    let page = sim
        .ok(
            &format!("/accounts/5WT00003/transactions?per-page={per}&page-offset={last}"),
            &token,
        )
        .await;
    assert_eq!(page["pagination"]["current-item-count"], total - per * last);
    assert_eq!(items(&page), all[(per * last) as usize..].to_vec());
    let past = sim
        .ok(
            &format!(
                "/accounts/5WT00003/transactions?per-page={per}&page-offset={}",
                last + 1
            ),
            &token,
        )
        .await;
    assert!(items(&past).is_empty());
    assert_eq!(past["pagination"]["total-pages"], last + 1);
}

#[tokio::test]
async fn one_transaction_by_id_or_404() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let all = all_tx(&sim, &token, "5WT00002").await;
    let t = &all[3];
    let body = sim
        .ok(
            &format!("/accounts/5WT00002/transactions/{}", t["id"]),
            &token,
        )
        .await;
    assert_eq!(&body["data"], t);
    for path in [
        "/accounts/5WT00002/transactions/7".to_owned(),
        format!("/accounts/5WT00001/transactions/{}", t["id"]),
    ] {
        sim.api(&path, &token)
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    }
}

#[tokio::test]
async fn total_fees_of_a_day() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let all = all_tx(&sim, &token, n).await;
        let days: BTreeSet<String> = all
            .iter()
            .map(|t| t["transaction-date"].as_str().unwrap().to_owned())
            .collect();
        for day in days.iter().take(40) {
            let want: f64 = all
                .iter()
                .filter(|t| t["transaction-date"] == day.as_str())
                .map(|t| {
                    FEES.iter()
                        .filter(|k| t.get(**k).is_some())
                        .map(|k| signed(t, k))
                        .sum::<f64>()
                })
                .sum();
            let body = sim
                .ok(
                    &format!("/accounts/{n}/transactions/total-fees?date={day}"),
                    &token,
                )
                .await;
            assert_eq!(
                body["context"],
                format!("/accounts/{n}/transactions/total-fees")
            );
            let got = signed(&body["data"], "total-fees");
            assert!((got - want).abs() < 0.0005, "{n} {day}: {got} vs {want}");
        }
    }
    // Today by default: 5WT00001 bought back its META put ($0.10 clearing + $0.04 regulatory).
    let today = sim
        .ok("/accounts/5WT00001/transactions/total-fees", &token)
        .await;
    assert_eq!(
        today["data"],
        serde_json::json!({"total-fees": "0.14", "total-fees-effect": "Debit"})
    );
    let quiet = sim
        .ok(
            "/accounts/5WT00001/transactions/total-fees?date=2026-11-29",
            &token,
        )
        .await;
    assert_eq!(
        quiet["data"],
        serde_json::json!({"total-fees": "0.0", "total-fees-effect": "None"})
    );
    assert_validation(
        &sim.api(
            "/accounts/5WT00001/transactions/total-fees?date=12/02/2026",
            &token,
        )
        .await,
        "date",
    );
}
