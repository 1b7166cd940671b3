//! The token endpoint: both grants, both body encodings, every refusal.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use pocket_sim::config::{CLIENT_ID, CLIENT_SECRET};
use serde_json::{json, Value};

use crate::common::*;

fn pkce_params() -> Vec<(String, String)> {
    auth_params(&[
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ])
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn refresh_body(refresh: &str) -> Value {
    json!({ "grant_type": "refresh_token", "refresh_token": refresh, "client_secret": CLIENT_SECRET })
}

#[tokio::test]
async fn code_exchange_json_returns_snake_case_tokens() {
    let sim = Sim::new();
    let code = sim.code().await;
    let resp = sim.token(&exchange_body(&code)).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    assert_eq!(
        resp.header(header::CACHE_CONTROL).as_deref(),
        Some("no-store")
    );
    let body = resp.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert!(access.len() >= 32 && refresh.len() >= 32 && access != refresh);
    assert!(body["id_token"].is_string(), "openid scope → id_token");
    assert!(
        body.get("data").is_none(),
        "token response is not enveloped"
    );
    // The access token works on the API.
    assert_eq!(
        sim.api("/customers/me", access).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn no_id_token_without_openid_scope() {
    let sim = Sim::new();
    let code = sim.code_for(&auth_params(&[("scope", "read")])).await;
    let body = sim.token(&exchange_body(&code)).await.json();
    assert!(body["access_token"].is_string());
    assert!(body.get("id_token").is_none());
}

#[tokio::test]
async fn code_exchange_form_body_works() {
    let sim = Sim::new();
    let code = sim.code().await;
    let pairs: Vec<(String, String)> = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", REDIRECT),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let resp = sim.post_form("/oauth/token", &pairs).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    assert!(resp.json()["access_token"].is_string());
}

#[tokio::test]
async fn wrong_client_credentials_are_refused_and_do_not_burn_the_code() {
    let sim = Sim::new();
    let code = sim.code().await;
    for body in [
        with(
            exchange_body(&code),
            "client_secret",
            json!("not-the-secret"),
        ),
        with(exchange_body(&code), "client_id", json!("other-client")),
        with(exchange_body(&code), "client_secret", Value::Null),
    ] {
        sim.token(&body)
            .await
            .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let resp = sim.token(&exchange_body(&code)).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
}

#[tokio::test]
async fn reused_code_is_refused() {
    let sim = Sim::new();
    let code = sim.code().await;
    assert_eq!(
        sim.token(&exchange_body(&code)).await.status,
        StatusCode::OK
    );
    sim.token(&exchange_body(&code))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    sim.token(&exchange_body("made-up-code"))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(sim.stats().await["grants"]["authorization-code"], 1);
}

/// RFC 6749 §4.1.2: a replayed code revokes what the first exchange issued, including access
/// tokens refreshed from it since; tokens from other codes and hook grants live on.
#[tokio::test]
async fn reused_code_revokes_the_tokens_it_issued() {
    let sim = Sim::new();
    let code = sim.code().await;
    let first = sim.token(&exchange_body(&code)).await.json();
    let access = first["access_token"].as_str().unwrap().to_owned();
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = sim.token(&refresh_body(&refresh)).await.json();
    let refreshed = refreshed["access_token"].as_str().unwrap().to_owned();
    let (other_access, other_refresh) = sim.login().await;
    let minted = sim.post_json("/sim/grants", &json!({})).await.json();
    let minted = minted["refresh-token"].as_str().unwrap().to_owned();
    for token in [&access, &refreshed] {
        assert_eq!(sim.api("/customers/me", token).await.status, StatusCode::OK);
    }

    sim.token(&exchange_body(&code))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    for token in [&access, &refreshed] {
        sim.api("/customers/me", token)
            .await
            .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    sim.token(&refresh_body(&refresh))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(
        sim.api("/customers/me", &other_access).await.status,
        StatusCode::OK
    );
    for token in [&other_refresh, &minted] {
        assert_eq!(sim.token(&refresh_body(token)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn wrong_redirect_uri_is_refused() {
    let extra = "http://localhost:9999/other";
    let sim = Sim::with(|c| c.add_redirect_uri(extra).unwrap());
    let code = sim.code().await;
    // Registered, but not the one used in the authorization request.
    sim.token(&with(exchange_body(&code), "redirect_uri", json!(extra)))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let code = sim.code().await;
    sim.token(&with(exchange_body(&code), "redirect_uri", Value::Null))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn pkce_verifier_is_checked() {
    let sim = Sim::new();
    // Right verifier.
    let code = sim.code_for(&pkce_params()).await;
    let resp = sim
        .token(&with(
            exchange_body(&code),
            "code_verifier",
            json!(VERIFIER),
        ))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());

    // Wrong verifier; the code is spent afterwards, even with the right one.
    let code = sim.code_for(&pkce_params()).await;
    let wrong = "A".repeat(43);
    sim.token(&with(exchange_body(&code), "code_verifier", json!(wrong)))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    sim.token(&with(
        exchange_body(&code),
        "code_verifier",
        json!(VERIFIER),
    ))
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    // Missing verifier when a challenge was sent.
    let code = sim.code_for(&pkce_params()).await;
    sim.token(&exchange_body(&code))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    // The challenge itself is not a valid verifier.
    let code = sim.code_for(&pkce_params()).await;
    sim.token(&with(
        exchange_body(&code),
        "code_verifier",
        json!(CHALLENGE),
    ))
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    // A verifier for a code issued without a challenge (downgrade).
    let code = sim.code().await;
    sim.token(&with(
        exchange_body(&code),
        "code_verifier",
        json!(VERIFIER),
    ))
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(sim.stats().await["grants"]["authorization-code"], 1);
}

#[tokio::test]
async fn require_pkce_refuses_codes_without_challenge() {
    let sim = Sim::with(|c| c.require_pkce = true);
    let code = sim.code().await;
    sim.token(&exchange_body(&code))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let code = sim.code_for(&pkce_params()).await;
    let resp = sim
        .token(&with(
            exchange_body(&code),
            "code_verifier",
            json!(VERIFIER),
        ))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
}

#[tokio::test]
async fn ignore_pkce_acts_like_a_server_without_pkce() {
    let sim = Sim::new();
    let resp = sim
        .post_json("/sim/config", &json!({ "ignore-pkce": true }))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    assert_eq!(resp.json()["ignore-pkce"], true);
    // A wrong verifier for a code issued with a challenge is accepted: nothing was stored.
    let code = sim.code_for(&pkce_params()).await;
    let resp = sim
        .token(&with(
            exchange_body(&code),
            "code_verifier",
            json!("A".repeat(43)),
        ))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
    // So is a verifier for a code issued without one (the parameter is not known).
    let code = sim.code().await;
    let resp = sim
        .token(&with(
            exchange_body(&code),
            "code_verifier",
            json!(VERIFIER),
        ))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
}

#[tokio::test]
async fn expired_code_is_refused() {
    let sim = Sim::with(|c| c.code_ttl = 0);
    let code = sim.code().await;
    let resp = sim.token(&exchange_body(&code)).await;
    resp.assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(resp.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[tokio::test]
async fn code_ttl_counts_from_issue() {
    let sim = Sim::with(|c| c.code_ttl = 1);
    let fresh = sim.code().await;
    let stale = sim.code().await;
    assert_eq!(
        sim.token(&exchange_body(&fresh)).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sim.token(&exchange_body(&stale))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn malformed_bodies_get_token_error_shape() {
    let sim = Sim::new();
    for (content_type, body) in [
        ("application/json", "{not json"),
        ("application/json", "[1,2]"),
        ("application/json", r#"{"grant_type": 5}"#),
        ("application/json", ""),
        (
            "application/x-www-form-urlencoded",
            "grant_type=refresh_token&grant_type=authorization_code",
        ),
        ("application/x-www-form-urlencoded", ""),
        ("text/plain", "\u{0}\u{1}garbage"),
    ] {
        sim.post_raw("/oauth/token", content_type, body)
            .await
            .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    sim.token(&json!({ "grant_type": "password", "username": "demo" }))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_grant_issues_new_access_tokens_and_never_rotates() {
    let sim = Sim::new();
    let (first_access, refresh) = sim.login().await;
    let mut seen = vec![first_access];
    for _ in 0..3 {
        let resp = sim.token(&refresh_body(&refresh)).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.text());
        let body = resp.json();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert!(body.get("refresh_token").is_none(), "not rotated");
        let access = body["access_token"].as_str().unwrap().to_owned();
        assert!(!seen.contains(&access));
        assert_eq!(
            sim.api("/customers/me", &access).await.status,
            StatusCode::OK
        );
        seen.push(access);
    }
    // client_id is optional, but must be right when present.
    let resp = sim
        .token(&with(refresh_body(&refresh), "client_id", json!(CLIENT_ID)))
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    sim.token(&with(refresh_body(&refresh), "client_id", json!("other")))
        .await
        .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(sim.stats().await["grants"]["refresh-token"], 4);
}

#[tokio::test]
async fn refresh_grant_refusals() {
    let sim = Sim::new();
    let (_, refresh) = sim.login().await;
    sim.token(&with(
        refresh_body(&refresh),
        "client_secret",
        json!("nope"),
    ))
    .await
    .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    sim.token(&with(refresh_body(&refresh), "client_secret", Value::Null))
        .await
        .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    let resp = sim.token(&refresh_body("not-a-refresh-token")).await;
    resp.assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(resp.json()["error_description"], "Invalid JWT");
    // An access token is not a refresh token.
    let (access, _) = sim.login().await;
    sim.token(&refresh_body(&access))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    sim.token(&with(refresh_body(&refresh), "refresh_token", Value::Null))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn refresh_token_survives_access_token_expiry() {
    let sim = Sim::with(|c| c.access_token_ttl = 1);
    let (access, refresh) = sim.login().await;
    assert_eq!(
        sim.api("/customers/me", &access).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sim.api("/customers/me", &access)
        .await
        .assert_api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let body = sim.token(&refresh_body(&refresh)).await.json();
    assert_eq!(body["expires_in"], 1);
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(
        sim.api("/customers/me", access).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn token_endpoint_requires_user_agent() {
    let sim = Sim::new();
    let code = sim.code().await;
    let req = Request::post("/oauth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(exchange_body(&code).to_string()))
        .unwrap();
    let resp = sim.send(req).await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    assert!(resp
        .header(header::CONTENT_TYPE)
        .unwrap()
        .starts_with("text/html"));
    // Refused before the body was looked at, so the code still works.
    assert_eq!(
        sim.token(&exchange_body(&code)).await.status,
        StatusCode::OK
    );
}
