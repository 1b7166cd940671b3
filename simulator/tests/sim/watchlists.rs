//! Private watchlists (CRUD, validation), public watchlists, and the 429 switch.

use std::time::Duration;

use axum::http::{header, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

fn names(body: &Value) -> Vec<String> {
    items(body)
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn seeded_lists_and_names_with_spaces() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let list = sim.ok("/watchlists", &token).await;
    assert_eq!(list["context"], "/watchlists");
    assert_eq!(names(&list), ["Tech Giants", "Index & Futures"]);
    for w in items(&list) {
        assert_eq!(w["group-name"], "default");
        assert!(
            w["order-index"].is_i64() && !w["watchlist-entries"].as_array().unwrap().is_empty()
        );
    }
    let one = sim.ok("/watchlists/Index%20%26%20Futures", &token).await;
    assert_eq!(one["data"], items(&list)[1]);
    assert_eq!(one["context"], "/watchlists/Index%20%26%20Futures");
    sim.api("/watchlists/Nope", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

#[tokio::test]
async fn create_get_replace_delete() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let body = json!({"name": "My Picks", "watchlist-entries": [
        {"symbol": "AMD", "instrument-type": "Equity"},
        {"symbol": "/CLZ6", "instrument-type": "Future"},
        {"symbol": "BTC/USD"}
    ]});
    let created = sim
        .call("POST", "/watchlists", &token, Some(&body.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    assert_eq!(created["context"], "/watchlists");
    assert_eq!(created["data"]["name"], "My Picks");
    assert_eq!(
        created["data"]["group-name"], "default",
        "tastyware's default"
    );
    assert_eq!(created["data"]["order-index"], 9999);
    assert_eq!(
        created["data"]["watchlist-entries"],
        body["watchlist-entries"]
    );
    assert_eq!(
        sim.ok("/watchlists/My%20Picks", &token).await["data"],
        created["data"]
    );
    assert_eq!(names(&sim.ok("/watchlists", &token).await).len(), 3);

    // Full replace, keeping the name from the path when the body has none.
    let replacement = json!({"group-name": "trading", "order-index": 3, "watchlist-entries": [{"symbol": "SPY", "instrument-type": "Equity"}]});
    let replaced = sim
        .call(
            "PUT",
            "/watchlists/My%20Picks",
            &token,
            Some(&replacement.to_string()),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    let replaced = replaced.json()["data"].clone();
    assert_eq!(
        replaced,
        json!({"name": "My Picks", "group-name": "trading", "order-index": 3,
        "watchlist-entries": [{"symbol": "SPY", "instrument-type": "Equity"}]})
    );
    assert_eq!(
        sim.ok("/watchlists/My%20Picks", &token).await["data"],
        replaced
    );

    // A rename through PUT (tastyware sends the whole object, name included).
    let renamed = json!({"name": "Picks 2", "watchlist-entries": null});
    let resp = sim
        .call(
            "PUT",
            "/watchlists/My%20Picks",
            &token,
            Some(&renamed.to_string()),
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["data"]["watchlist-entries"], json!([]));
    sim.api("/watchlists/My%20Picks", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");

    let deleted = sim
        .call("DELETE", "/watchlists/Picks%202", &token, None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.json()["data"]["name"], "Picks 2");
    sim.api("/watchlists/Picks%202", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    for (method, body) in [("DELETE", None), ("PUT", Some(replacement.to_string()))] {
        sim.call(method, "/watchlists/Picks%202", &token, body.as_deref())
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    }

    // Kept for the run; /sim/reset brings back the seeded lists.
    sim.call("DELETE", "/watchlists/Tech%20Giants", &token, None)
        .await;
    assert_eq!(
        names(&sim.ok("/watchlists", &token).await),
        ["Index & Futures"]
    );
    sim.post_json("/sim/reset", &json!({})).await;
    assert_eq!(
        names(&sim.ok("/watchlists", &token).await),
        ["Tech Giants", "Index & Futures"]
    );
}

#[tokio::test]
async fn every_validation_error_uses_the_api_envelope() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let entries = json!([{"symbol": "AAPL", "instrument-type": "Equity"}]);
    for (body, domain) in [
        ("{\"name\": ".to_owned(), "body"),
        ("[1, 2]".to_owned(), "body"),
        (json!({"watchlist-entries": entries}).to_string(), "name"),
        (json!({"name": "  ", "watchlist-entries": entries}).to_string(), "name"),
        (json!({"name": 7, "watchlist-entries": entries}).to_string(), "name"),
        (json!({"name": "X"}).to_string(), "watchlist-entries"),
        (json!({"name": "X", "watchlist-entries": "AAPL"}).to_string(), "watchlist-entries"),
        (json!({"name": "X", "watchlist-entries": [{"symbol": "AAPL", "instrument-type": "Stock"}]}).to_string(),
            "watchlist-entries[0].instrument-type"),
        (json!({"name": "X", "watchlist-entries": [{"instrument-type": "Equity"}]}).to_string(), "watchlist-entries[0].symbol"),
        (json!({"name": "X", "order-index": "first", "watchlist-entries": entries}).to_string(), "order-index"),
    ] {
        let resp = sim.call("POST", "/watchlists", &token, Some(&body)).await;
        assert_validation(&resp, domain);
        // PUT checks the same way.
        if domain != "name" {
            assert_validation(&sim.call("PUT", "/watchlists/Tech%20Giants", &token, Some(&body)).await, domain);
        }
    }
    // A duplicate name: 422 with the same envelope.
    let dup = json!({"name": "Tech Giants", "watchlist-entries": entries}).to_string();
    let resp = sim.call("POST", "/watchlists", &token, Some(&dup)).await;
    resp.assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_error");
    assert_eq!(resp.json()["error"]["errors"][0]["domain"], "name");
    let rename = json!({"name": "Index & Futures", "watchlist-entries": entries}).to_string();
    sim.call("PUT", "/watchlists/Tech%20Giants", &token, Some(&rename))
        .await
        .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_error");
    // Nothing changed.
    assert_eq!(
        names(&sim.ok("/watchlists", &token).await),
        ["Tech Giants", "Index & Futures"]
    );
}

#[tokio::test]
async fn public_watchlists_with_and_without_counts() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let full = sim.ok("/public-watchlists", &token).await;
    assert_eq!(full["context"], "/public-watchlists");
    assert_eq!(items(&full), items(&fixture("public-watchlists.json")));
    assert_eq!(
        sim.ok("/public-watchlists?counts-only=false", &token).await,
        full
    );
    let counts = items(&sim.ok("/public-watchlists?counts-only=true", &token).await);
    for (c, f) in counts.iter().zip(items(&full)) {
        assert_eq!(c["name"], f["name"]);
        assert!(c.get("watchlist-entries").is_none());
        assert_eq!(
            c["watchlist-entries-count"],
            f["watchlist-entries"].as_array().unwrap().len()
        );
    }
    assert_validation(
        &sim.api("/public-watchlists?counts-only=maybe", &token)
            .await,
        "counts-only",
    );
    let one = sim.ok("/public-watchlists/Liquid%20ETFs", &token).await;
    assert_eq!(one["data"], items(&full)[1]);
    sim.api("/public-watchlists/Nope", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
    // Read-only.
    assert_eq!(
        sim.call("DELETE", "/public-watchlists/Liquid%20ETFs", &token, None)
            .await
            .status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

fn assert_429(resp: &Resp, retry_after: Option<&str>) {
    resp.assert_api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert_eq!(resp.header(header::RETRY_AFTER).as_deref(), retry_after);
}

#[tokio::test]
async fn rate_limit_per_token_answers_429() {
    let sim = Sim::new();
    let (a, _) = sim.login().await;
    let (b, _) = sim.login().await;
    let resp = sim
        .post_json("/sim/config", &json!({"rate-limit-per-second": 3}))
        .await;
    assert_eq!(resp.json()["rate-limit-per-second"], 3);
    for _ in 0..3 {
        assert_eq!(sim.api("/customers/me", &a).await.status, StatusCode::OK);
    }
    assert_429(&sim.api("/accounts/5WT00001/orders", &a).await, Some("1"));
    assert_429(&sim.api("/customers/me", &a).await, Some("1"));
    // Another token has its own allowance.
    assert_eq!(sim.api("/customers/me", &b).await.status, StatusCode::OK);
    // A bad token is still a 401, not a 429.
    sim.api("/customers/me", "nope")
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        sim.api("/customers/me", &a).await.status,
        StatusCode::OK,
        "a new second"
    );
    sim.post_json("/sim/config", &json!({"rate-limit-per-second": 0}))
        .await;
    for _ in 0..10 {
        assert_eq!(
            sim.api("/customers/me", &a).await.status,
            StatusCode::OK,
            "0 = off"
        );
    }
}

#[tokio::test]
async fn fail_next_429_has_the_same_shape() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let resp = sim
        .post_json("/sim/fail-next", &json!({"status": 429}))
        .await;
    assert_eq!(resp.json()["retry-after"], 1);
    assert_429(&sim.api("/customers/me", &token).await, Some("1"));
    sim.post_json("/sim/fail-next", &json!({"status": 429, "retry-after": 30}))
        .await;
    assert_429(&sim.api("/customers/me", &token).await, Some("30"));
    sim.post_json("/sim/fail-next", &json!({"status": 429, "retry-after": 0}))
        .await;
    assert_429(&sim.api("/customers/me", &token).await, None);
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    for bad in [
        json!({"status": 503, "retry-after": 5}),
        json!({"retry-after": 5}),
        json!({"status": 429, "error-code": "x", "retry-after": 5}),
    ] {
        sim.post_json("/sim/fail-next", &bad)
            .await
            .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
}
