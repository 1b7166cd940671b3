//! Order history: search filters, pagination, sort, live orders, by id, wire shape.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

use crate::common::*;

const STATUSES: [&str; 13] = [
    "Received",
    "Routed",
    "In Flight",
    "Live",
    "Cancel Requested",
    "Replace Requested",
    "Contingent",
    "Filled",
    "Cancelled",
    "Expired",
    "Rejected",
    "Removed",
    "Partially Removed",
];

async fn all_orders(sim: &Sim, token: &str, n: &str) -> Vec<Value> {
    items(
        &sim.ok(&format!("/accounts/{n}/orders?per-page=2000"), token)
            .await,
    )
}

fn ms(ts: &str) -> i64 {
    pocket_sim::dates::parse_datetime(ts).unwrap_or_else(|| panic!("timestamp {ts}"))
}

#[tokio::test]
async fn every_order_has_what_the_sdks_require() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let orders = all_orders(&sim, &token, n).await;
        let mut statuses = BTreeSet::new();
        for o in &orders {
            // tastyware's PlacedOrder required keys (docs/tastytrade.md §6.4).
            for key in [
                "account-number",
                "time-in-force",
                "order-type",
                "underlying-symbol",
                "underlying-instrument-type",
                "status",
            ] {
                assert!(o[key].is_string(), "{n} {key}: {o}");
            }
            assert!(o["id"].is_i64() && o["size"].is_i64(), "{o}");
            for key in ["cancellable", "editable", "edited"] {
                assert!(o[key].is_boolean(), "{key}: {o}");
            }
            // updated-at is epoch milliseconds (a number), unlike every other timestamp.
            assert!(
                o["updated-at"]
                    .as_i64()
                    .is_some_and(|t| t > 1_600_000_000_000),
                "{o}"
            );
            assert!(STATUSES.contains(&o["status"].as_str().unwrap()), "{o}");
            assert_eq!(o["account-number"], n);
            ms(o["received-at"].as_str().unwrap());
            match o["order-type"].as_str().unwrap() {
                "Market" => assert!(o.get("price").is_none() && o.get("price-effect").is_none()),
                _ => {
                    assert!(o["price"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
                    assert!(matches!(
                        o["price-effect"].as_str(),
                        Some("Debit" | "Credit")
                    ));
                }
            }
            let filled = o["status"] == "Filled";
            let legs = o["legs"].as_array().unwrap();
            assert!(!legs.is_empty());
            for leg in legs {
                for key in ["instrument-type", "symbol", "action"] {
                    assert!(leg[key].is_string(), "{key}: {leg}");
                }
                assert!(leg["quantity"].is_i64() && leg["remaining-quantity"].is_i64());
                let fills = leg["fills"].as_array().unwrap();
                assert_eq!(fills.is_empty(), !filled, "{o}");
                for f in fills {
                    for key in ["fill-id", "fill-price", "filled-at"] {
                        assert!(f[key].is_string(), "{key}: {f}");
                    }
                    assert_eq!(f["quantity"], leg["quantity"]);
                    assert!(
                        ms(f["filled-at"].as_str().unwrap())
                            >= ms(o["received-at"].as_str().unwrap())
                    );
                }
            }
            if o["status"] == "Rejected" {
                assert!(o["reject-reason"].is_string());
            }
            if o["status"] == "Live" {
                assert_eq!(
                    (o["cancellable"].clone(), o["editable"].clone()),
                    (true.into(), true.into())
                );
            }
            statuses.insert(o["status"].as_str().unwrap().to_owned());
        }
        for want in ["Filled", "Cancelled", "Rejected", "Expired", "Live"] {
            assert!(statuses.contains(want), "{n} has no {want} order");
        }
    }
}

#[tokio::test]
async fn history_has_spreads_a_futures_order_and_a_replace_chain() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let orders = all_orders(&sim, &token, "5WT00001").await;
    let legs = |o: &Value| o["legs"].as_array().unwrap().len();
    let options = |o: &Value| {
        o["legs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["instrument-type"] == "Equity Option")
    };
    assert!(
        orders
            .iter()
            .any(|o| legs(o) == 2 && options(o) && o["status"] == "Filled"),
        "a vertical"
    );
    assert!(
        orders
            .iter()
            .any(|o| legs(o) == 4 && options(o) && o["status"] == "Filled"),
        "an iron condor"
    );
    let replaced: Vec<&Value> = orders
        .iter()
        .filter(|o| o.get("replacing-order-id").is_some())
        .collect();
    assert!(!replaced.is_empty());
    for old in replaced {
        assert_eq!(
            (old["status"].as_str(), old["edited"].as_bool()),
            (Some("Cancelled"), Some(true))
        );
        let new = orders
            .iter()
            .find(|o| o["id"] == old["replacing-order-id"])
            .expect("the replacement");
        assert_eq!(new["replaces-order-id"], old["id"]);
    }

    let futures = all_orders(&sim, &token, "5WT00003").await;
    assert!(futures
        .iter()
        .any(|o| o["underlying-instrument-type"] == "Future"
            && o["legs"][0]["instrument-type"] == "Future"
            && matches!(o["legs"][0]["action"].as_str(), Some("Buy" | "Sell"))
            && o["status"] == "Filled"));
    assert!(futures
        .iter()
        .any(|o| o["legs"][0]["instrument-type"] == "Future Option" && legs(o) == 2));
}

/// Every position in the fixtures was opened by a filled order: same symbol, quantity and
/// direction, filled at the position's average open price at its created-at.
#[tokio::test]
async fn the_fills_that_opened_todays_positions_exist() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let orders = all_orders(&sim, &token, n).await;
        for p in items(&fixture(&format!("accounts/{n}/positions.json"))) {
            let long = p["quantity-direction"] == "Long";
            let opening = match (p["instrument-type"].as_str().unwrap(), long) {
                ("Future", true) => "Buy",
                ("Future", false) => "Sell",
                (_, true) => "Buy to Open",
                (_, false) => "Sell to Open",
            };
            let found = orders
                .iter()
                .filter(|o| o["status"] == "Filled")
                .flat_map(|o| {
                    o["legs"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|l| l["symbol"] == p["symbol"])
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .find(|l| {
                    let f = &l["fills"][0];
                    l["action"] == opening
                        && l["quantity"] == p["quantity"]
                        && f["fill-price"].as_str().unwrap().parse::<f64>().unwrap()
                            == p["average-open-price"]
                                .as_str()
                                .unwrap()
                                .parse::<f64>()
                                .unwrap()
                        && ms(f["filled-at"].as_str().unwrap())
                            == ms(p["created-at"].as_str().unwrap())
                });
            assert!(found.is_some(), "{n}: no opening fill for {}", p["symbol"]);
        }
    }
}

#[tokio::test]
async fn pagination_page_math_last_page_and_out_of_range() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let all = all_orders(&sim, &token, "5WT00001").await;
    let total = all.len() as u64;
    assert!(total > 10, "enough orders to page: {total}");

    // Default page size: 10 (the docs' default for order searches).
    let first = sim.ok("/accounts/5WT00001/orders", &token).await;
    assert_eq!(first["pagination"]["per-page"], 10);
    assert_eq!(items(&first).len(), 10);
    assert_eq!(first["context"], "/accounts/5WT00001/orders");

    let per = 4u64;
    let pages = total.div_ceil(per);
    let mut seen = Vec::new();
    for page in 0..pages {
        let body = sim
            .ok(
                &format!("/accounts/5WT00001/orders?per-page={per}&page-offset={page}"),
                &token,
            )
            .await;
        let p = &body["pagination"];
        let count = if page + 1 == pages {
            total - per * (pages - 1)
        } else {
            per
        };
        assert_eq!(
            p,
            &serde_json::json!({
                "per-page": per, "page-offset": page, "item-offset": page * per,
                "total-items": total, "total-pages": pages, "current-item-count": count,
                "previous-link": null, "next-link": null, "paging-link-template": null,
            })
        );
        seen.extend(items(&body));
    }
    assert_eq!(seen, all, "the pages put together are the whole list");

    let past = sim
        .ok(
            &format!("/accounts/5WT00001/orders?per-page={per}&page-offset={pages}"),
            &token,
        )
        .await;
    assert!(items(&past).is_empty());
    assert_eq!(past["pagination"]["current-item-count"], 0);
    assert_eq!(past["pagination"]["total-items"], total);
    assert_eq!(past["pagination"]["item-offset"], pages * per);
}

#[tokio::test]
async fn sort_is_newest_first_unless_asc() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let desc = all_orders(&sim, &token, "5WT00002").await;
    let times: Vec<i64> = desc
        .iter()
        .map(|o| ms(o["received-at"].as_str().unwrap()))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let explicit = items(
        &sim.ok("/accounts/5WT00002/orders?per-page=2000&sort=Desc", &token)
            .await,
    );
    assert_eq!(explicit, desc);
    let mut asc = items(
        &sim.ok("/accounts/5WT00002/orders?per-page=2000&sort=Asc", &token)
            .await,
    );
    asc.reverse();
    assert_eq!(asc, desc);
}

#[tokio::test]
async fn each_filter_narrows_the_search() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let all = all_orders(&sim, &token, "5WT00001").await;
    let search = |q: &str| {
        let (sim, token) = (sim.clone(), token.clone());
        let path = format!("/accounts/5WT00001/orders?per-page=2000&{q}");
        async move { items(&sim.ok(&path, &token).await) }
    };
    let expect = |pred: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        all.iter().filter(|o| pred(o)).cloned().collect()
    };

    let got = search("status[]=Filled&status[]=Expired").await;
    assert_eq!(
        got,
        expect(&|o| o["status"] == "Filled" || o["status"] == "Expired")
    );
    assert!(got.len() > 2 && got.len() < all.len());
    assert_eq!(
        search("status%5B%5D=Live").await,
        expect(&|o| o["status"] == "Live")
    );

    let day = |o: &Value| o["received-at"].as_str().unwrap()[..10].to_owned();
    let got = search("start-date=2026-09-01&end-date=2026-10-31").await;
    assert_eq!(
        got,
        expect(&|o| ("2026-09-01"..="2026-10-31").contains(&day(o).as_str()))
    );
    assert!(!got.is_empty() && got.len() < all.len());
    assert_eq!(
        search("end-date=2025-12-31").await.len(),
        2,
        "the stock buys of 2025"
    );

    let from = ms("2026-12-02T15:00:00Z");
    let to = ms("2026-12-02T15:30:00Z");
    let got = search("start-at=2026-12-02T10:00:00-05:00&end-at=2026-12-02T15:30:00Z").await;
    assert_eq!(
        got,
        expect(&|o| (from..=to).contains(&ms(o["received-at"].as_str().unwrap())))
    );
    assert_eq!(got.len(), 1);

    let got = search("underlying-symbol=QQQ").await;
    assert_eq!(
        got.len(),
        3,
        "the vertical, the cancelled close and its replacement"
    );
    assert!(got.iter().all(|o| o["underlying-symbol"] == "QQQ"));
    assert!(search("underlying-instrument-type=Future").await.is_empty());
    assert_eq!(search("underlying-instrument-type=Equity").await, all);

    let futures = items(
        &sim.ok(
            "/accounts/5WT00003/orders?per-page=2000&futures-symbol=/ESZ6",
            &token,
        )
        .await,
    );
    assert!(futures.iter().any(|o| o["legs"][0]["symbol"] == "/ESZ6"));
    assert!(
        futures
            .iter()
            .any(|o| o["legs"][0]["instrument-type"] == "Future Option"),
        "options on /ESZ6 too"
    );
    assert!(futures
        .iter()
        .all(|o| o["legs"][0]["symbol"].as_str().unwrap().contains("/ESZ6")));
}

#[tokio::test]
async fn bad_parameters_get_the_validation_envelope() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for (query, domain) in [
        ("per-page=0", "per-page"),
        ("per-page=2001", "per-page"),
        ("per-page=ten", "per-page"),
        ("page-offset=-1", "page-offset"),
        ("sort=Newest", "sort"),
        ("status[]=Done", "status[]"),
        ("start-date=2026-13-01", "start-date"),
        ("end-date=yesterday", "end-date"),
        ("start-at=noon", "start-at"),
        (
            "underlying-instrument-type=Stock",
            "underlying-instrument-type",
        ),
    ] {
        let resp = sim
            .api(&format!("/accounts/5WT00001/orders?{query}"), &token)
            .await;
        assert_validation(&resp, domain);
    }
}

async fn with_version(sim: &Sim, token: &str, path: &str, version: &str) -> Resp {
    let req = Request::get(path)
        .header(header::USER_AGENT, UA)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Accept-Version", version)
        .body(Body::empty())
        .unwrap();
    sim.send(req).await
}

#[tokio::test]
async fn from_version_20261012_a_search_needs_a_start() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let path = "/accounts/5WT00001/orders";
    assert_validation(
        &with_version(&sim, &token, path, "20261012").await,
        "start-date",
    );
    for ok in [
        format!("{path}?start-date=2026-01-01"),
        format!("{path}?start-at=2026-01-01T00:00:00Z"),
    ] {
        assert_eq!(
            with_version(&sim, &token, &ok, "20261012").await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        with_version(&sim, &token, path, "20251101").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn one_order_by_id_or_404() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    let all = all_orders(&sim, &token, "5WT00001").await;
    for o in &all {
        let path = format!("/accounts/5WT00001/orders/{}", o["id"]);
        let body = sim.ok(&path, &token).await;
        assert_eq!(&body["data"], o);
        assert_eq!(body["context"], path);
    }
    let other = all_orders(&sim, &token, "5WT00002").await;
    for path in [
        "/accounts/5WT00001/orders/1".to_owned(),
        "/accounts/5WT00001/orders/abc".to_owned(),
        // Another account's order isn't found under this one.
        format!("/accounts/5WT00001/orders/{}", other[0]["id"]),
    ] {
        sim.api(&path, &token)
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    }
}

#[tokio::test]
async fn live_orders_are_todays_and_the_working_ones() {
    let sim = Sim::on(TODAY);
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let all = all_orders(&sim, &token, n).await;
        let body = sim.ok(&format!("/accounts/{n}/orders/live"), &token).await;
        assert!(body.get("pagination").is_none(), "not paginated");
        let live = items(&body);
        let today = |o: &Value| {
            o["received-at"].as_str().unwrap().starts_with(TODAY)
                || pocket_sim::dates::Date::of_ts(o["updated-at"].as_i64().unwrap()).to_string()
                    == TODAY
        };
        let want: Vec<Value> = all
            .iter()
            .filter(|o| today(o) || o["status"] == "Live")
            .cloned()
            .collect();
        assert_eq!(live, want, "{n}");
        assert!(
            live.iter().any(|o| o["status"] == "Live"),
            "{n}: a working order"
        );
    }
    // On 5WT00001 today: a fill, a cancel, and yesterday's still-working GTC order.
    let live = items(&sim.ok("/accounts/5WT00001/orders/live", &token).await);
    let statuses: BTreeSet<&str> = live.iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, BTreeSet::from(["Filled", "Cancelled", "Live"]));
    assert!(live
        .iter()
        .any(|o| o["time-in-force"] == "GTC"
            && !o["received-at"].as_str().unwrap().starts_with(TODAY)));

    // On a Saturday nothing happened today: only the working orders.
    let weekend = Sim::on("2026-12-05");
    let (token, _) = weekend.login().await;
    let live = items(&weekend.ok("/accounts/5WT00001/orders/live", &token).await);
    assert!(
        !live.is_empty() && live.iter().all(|o| o["status"] == "Live"),
        "{live:?}"
    );
}
