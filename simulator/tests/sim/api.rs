//! REST endpoints: auth, permissions, payloads.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn customer_and_accounts_match_fixtures() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    assert_eq!(
        sim.api("/customers/me", &token).await.json(),
        fixture("customer.json")
    );
    let accounts = fixture("accounts.json");
    assert_eq!(
        sim.api("/customers/me/accounts", &token).await.json(),
        accounts
    );
    let listed: Vec<&str> = accounts["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["account"]["account-number"].as_str().unwrap())
        .collect();
    assert_eq!(listed, OWN_ACCOUNTS);

    // By customer id: same data, context is the path asked for.
    let by_id = sim.api("/customers/C0000001/accounts", &token).await;
    assert_eq!(by_id.status, StatusCode::OK);
    let by_id = by_id.json();
    assert_eq!(by_id["data"], accounts["data"]);
    assert_eq!(by_id["context"], "/customers/C0000001/accounts");

    let one = sim
        .api("/customers/me/accounts/5WT00002", &token)
        .await
        .json();
    assert_eq!(one["data"], accounts["data"]["items"][1]["account"]);
}

#[tokio::test]
async fn balances_match_fixtures() {
    // A Saturday: the balances are dated today, last updated on Friday.
    let sim = Sim::on("2026-10-17");
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let expected = fixture(&format!("accounts/{n}/balances.json"));
        let resp = sim.api(&format!("/accounts/{n}/balances"), &token).await;
        assert_eq!(resp.status, StatusCode::OK);
        assert!(resp
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/json"));
        // Every amount as written; only the dates follow the simulator's today.
        let mut body = resp.json();
        assert_eq!(body["data"]["snapshot-date"], "2026-10-17");
        assert_eq!(body["data"]["updated-at"], "2026-10-16T20:15:02.512+00:00");
        for key in ["snapshot-date", "updated-at"] {
            body["data"][key] = expected["data"][key].clone();
        }
        assert_eq!(body, expected);
        let usd = sim
            .api(&format!("/accounts/{n}/balances/USD"), &token)
            .await
            .json();
        assert_eq!(usd["data"], resp.json()["data"]);
    }
    sim.api("/accounts/5WT00001/balances/EUR", &token)
        .await
        .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
}

fn strip_marks(mut v: Value) -> Value {
    for item in v["data"]["items"].as_array_mut().unwrap() {
        let obj = item.as_object_mut().unwrap();
        obj.remove("mark");
        obj.remove("mark-price");
    }
    v
}

#[tokio::test]
async fn positions_strip_marks_unless_asked() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    for n in OWN_ACCOUNTS {
        let expected = fixture(&format!("accounts/{n}/positions.json"));
        assert!(!expected["data"]["items"].as_array().unwrap().is_empty());
        for query in ["", "?include-marks=false", "?symbol=AAPL&include-marks=no"] {
            let body = sim
                .api(&format!("/accounts/{n}/positions{query}"), &token)
                .await
                .json();
            for item in body["data"]["items"].as_array().unwrap() {
                assert!(
                    item.get("mark").is_none() && item.get("mark-price").is_none(),
                    "{item}"
                );
            }
            assert_eq!(body, strip_marks(expected.clone()));
        }
        let body = sim
            .api(
                &format!("/accounts/{n}/positions?include-marks=true"),
                &token,
            )
            .await
            .json();
        assert_eq!(body, expected);
        for item in body["data"]["items"].as_array().unwrap() {
            assert!(item["mark"].is_string() && item["mark-price"].is_string());
        }
    }
}

#[tokio::test]
async fn other_customers_account_is_forbidden() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    for path in [
        format!("/accounts/{OTHER_ACCOUNT}/balances"),
        format!("/accounts/{OTHER_ACCOUNT}/positions"),
        format!("/accounts/{OTHER_ACCOUNT}/positions?include-marks=true"),
        format!("/accounts/{OTHER_ACCOUNT}/balances/USD"),
        format!("/customers/me/accounts/{OTHER_ACCOUNT}"),
        "/customers/C0000099/accounts".to_owned(),
        "/customers/C0000099".to_owned(),
        // Unknown accounts are "not yours" too, without revealing whether they exist.
        "/accounts/5WT99999/balances".to_owned(),
    ] {
        let resp = sim.api(&path, &token).await;
        resp.assert_api_error(StatusCode::FORBIDDEN, "not_permitted");
        assert_eq!(resp.json()["error"]["message"], "User not permitted access");
    }
    // The fixture exists: the 403 is a permission decision.
    assert_eq!(
        fixture(&format!("accounts/{OTHER_ACCOUNT}/balances.json"))["data"]["account-number"],
        OTHER_ACCOUNT
    );
}

#[tokio::test]
async fn missing_bad_or_unknown_token_is_401_envelope() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let cases: Vec<Option<String>> = vec![
        None,
        Some("Bearer".to_owned()),
        Some("Bearer not-a-token".to_owned()),
        Some(token.clone()),
        Some(format!("Basic {token}")),
    ];
    for auth in cases {
        let mut req = Request::get("/customers/me/accounts").header(header::USER_AGENT, UA);
        if let Some(auth) = &auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        let resp = sim.send(req.body(Body::empty()).unwrap()).await;
        resp.assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(resp.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Unauthorized. Unique customer support identifier: "));
    }
    // Scheme is case-insensitive.
    let req = Request::get("/customers/me")
        .header(header::USER_AGENT, UA)
        .header(header::AUTHORIZATION, format!("bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(sim.send(req).await.status, StatusCode::OK);
}

#[tokio::test]
async fn expired_access_tokens_get_401() {
    let sim = Sim::new();
    let (token, refresh) = sim.login().await;
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    let resp = sim
        .post_json("/sim/expire-access-tokens", &Value::Null)
        .await;
    assert_eq!(resp.json()["expired"], 1);
    sim.api("/customers/me", &token)
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    // Tokens issued afterwards work.
    let body = sim
        .token(&serde_json::json!({
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_secret": pocket_sim::config::CLIENT_SECRET,
        }))
        .await
        .json();
    let fresh = body["access_token"].as_str().unwrap();
    assert_eq!(sim.api("/customers/me", fresh).await.status, StatusCode::OK);
}

#[tokio::test]
async fn revoked_grants_fail_refresh_with_invalid_grant() {
    let sim = Sim::new();
    let (token, refresh) = sim.login().await;
    let resp = sim.post_json("/sim/revoke-grants", &Value::Null).await;
    assert_eq!(resp.json()["revoked"], 1);
    sim.api("/customers/me", &token)
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let resp = sim
        .token(&serde_json::json!({
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_secret": pocket_sim::config::CLIENT_SECRET,
        }))
        .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(resp.json()["error_code"], "invalid_grant");
}

#[tokio::test]
async fn missing_or_empty_user_agent_is_nginx_401() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    for ua in [None, Some(""), Some("   "), Some("\t")] {
        let mut req =
            Request::get("/customers/me").header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(ua) = ua {
            req = req.header(header::USER_AGENT, ua);
        }
        let resp = sim.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "ua {ua:?}");
        assert!(resp
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/html"));
        assert!(resp.text().contains("<center>nginx</center>"));
        assert!(
            serde_json::from_slice::<Value>(&resp.body).is_err(),
            "not JSON"
        );
    }
    // tastytrade refuses only a missing or empty UA: the official JS SDK's versionless one,
    // a bare product and browser UAs all pass (docs/tastytrade.md §3.1).
    for ua in [
        "tastytrade-sdk-js",
        "curl",
        "product/",
        "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
    ] {
        let req = Request::get("/customers/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::USER_AGENT, ua)
            .body(Body::empty())
            .unwrap();
        assert_eq!(sim.send(req).await.status, StatusCode::OK, "ua {ua:?}");
    }
}

#[tokio::test]
async fn unknown_paths_are_404_envelope_behind_auth() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    for path in [
        "/nope",
        "/accounts/5WT00001/complex-orders",
        "/customers/me/accounts/5WT00001/x",
    ] {
        sim.api(path, &token)
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "record_not_found");
        sim.get(path)
            .await
            .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

#[tokio::test]
async fn tcp_server_serves_requests() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sim = pocket_sim::SimState::new(quiet_config()).unwrap();
    let server = tokio::spawn(pocket_sim::serve(sim, listener));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /customers/me HTTP/1.1\r\nHost: localhost\r\nUser-Agent: t/1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    assert!(out.contains("\"unauthorized\""));
    server.abort();
}
