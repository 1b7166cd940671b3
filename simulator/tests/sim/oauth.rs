//! The authorize page: validation, consent form, redirects.

use axum::http::{header, StatusCode};
use pocket_sim::config::{CLIENT_ID, DEMO_PASSWORD, DEMO_USERNAME};
use pocket_sim::redirect_with;

use crate::common::*;

/// An error page: 400, HTML, and never a redirect anywhere.
fn assert_error_page(resp: &Resp) {
    assert_eq!(
        resp.status,
        StatusCode::BAD_REQUEST,
        "body: {}",
        resp.text()
    );
    assert!(resp.location().is_none(), "must not redirect");
    assert!(resp
        .header(header::CONTENT_TYPE)
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().contains("id=\"oauth-error\""));
    assert!(
        !resp.text().contains("name=\"password\""),
        "no sign-in form on an error page"
    );
}

#[tokio::test]
async fn consent_page_has_form_credentials_and_scopes() {
    let sim = Sim::new();
    let resp = sim.authorize(&auth_params(&[])).await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    for needle in [
        "name=\"username\"",
        "name=\"password\"",
        "name=\"decision\" value=\"allow\"",
        "name=\"decision\" value=\"deny\"",
        "action=\"/auth.html\"",
        "method=\"post\"",
        "data-scope=\"read\"",
        "data-scope=\"trade\"",
        "data-scope=\"openid\"",
        "name=\"viewport\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(html.contains(&format!("<code>{DEMO_USERNAME}</code>")));
    assert!(html.contains(&format!("<code>{DEMO_PASSWORD}</code>")));
    // No scripts and no external resources.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http"));
    assert!(!html.contains("href=\"http"));
    // Anti-framing and no-referrer on the AS page.
    assert_eq!(
        resp.header(header::X_FRAME_OPTIONS).as_deref(),
        Some("DENY")
    );
    assert!(resp
        .header(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(
        resp.header(header::REFERRER_POLICY).as_deref(),
        Some("no-referrer")
    );
}

#[tokio::test]
async fn consent_page_escapes_reflected_parameters() {
    let sim = Sim::new();
    let resp = sim
        .authorize(&auth_params(&[("state", "\"><script>alert(1)</script>")]))
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    let html = resp.text();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn unknown_client_gets_error_page() {
    let sim = Sim::new();
    assert_error_page(
        &sim.authorize(&auth_params(&[("client_id", "someone-else")]))
            .await,
    );
    assert_error_page(&sim.authorize(&without(auth_params(&[]), "client_id")).await);
}

#[tokio::test]
async fn unregistered_redirect_uris_get_error_page() {
    let sim = Sim::new();
    for uri in [
        "http://localhost:8787/callback/",
        "http://localhost:8787/callback/evil",
        "http://localhost:8787/callback?x=1",
        "http://localhost:8788/callback",
        "https://localhost:8787/callback",
        "http://LOCALHOST:8787/callback",
        "http://127.0.0.1:8787/callback",
        "https://evil.example/callback",
        "",
    ] {
        let resp = sim.authorize(&auth_params(&[("redirect_uri", uri)])).await;
        assert_error_page(&resp);
        // Also when the form is posted directly with a valid sign-in.
        let resp = sim
            .consent(
                &auth_params(&[("redirect_uri", uri)]),
                "demo",
                "demo",
                "allow",
            )
            .await;
        assert_error_page(&resp);
    }
}

#[tokio::test]
async fn bad_response_type_or_pkce_method_gets_error_page() {
    let sim = Sim::new();
    assert_error_page(
        &sim.authorize(&auth_params(&[("response_type", "token")]))
            .await,
    );
    assert_error_page(
        &sim.authorize(&without(auth_params(&[]), "response_type"))
            .await,
    );
    assert_error_page(
        &sim.authorize(&auth_params(&[("scope", "read admin")]))
            .await,
    );
    // plain, or a challenge without a method (which means plain), is refused.
    let plain = auth_params(&[
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "plain"),
    ]);
    assert_error_page(&sim.authorize(&plain).await);
    assert_error_page(&sim.consent(&plain, "demo", "demo", "allow").await);
    assert_error_page(
        &sim.authorize(&auth_params(&[("code_challenge", CHALLENGE)]))
            .await,
    );
    assert_error_page(
        &sim.authorize(&auth_params(&[("code_challenge_method", "S256")]))
            .await,
    );
    assert_error_page(
        &sim.authorize(&auth_params(&[
            ("code_challenge", "short"),
            ("code_challenge_method", "S256"),
        ]))
        .await,
    );
    // Repeated parameters are ambiguous (RFC 6749 §3.1).
    let mut twice = auth_params(&[]);
    twice.push(("redirect_uri".into(), "https://evil.example/cb".into()));
    assert_error_page(&sim.authorize(&twice).await);
}

#[tokio::test]
async fn s256_request_shows_page_and_carries_challenge() {
    let sim = Sim::new();
    let params = auth_params(&[
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let resp = sim.authorize(&params).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(
        resp.text().contains(CHALLENGE),
        "challenge kept in a hidden field"
    );
}

#[tokio::test]
async fn allow_redirects_with_code_and_state() {
    let sim = Sim::new();
    let state = "a b&c=d/é+%";
    let resp = sim
        .consent(&auth_params(&[("state", state)]), "demo", "demo", "allow")
        .await;
    assert_eq!(resp.status, StatusCode::FOUND);
    let location = resp.location().unwrap();
    assert!(location.starts_with(&format!("{REDIRECT}?")), "{location}");
    let params = resp.location_params();
    assert_eq!(params["state"], state);
    assert!(params["code"].len() >= 32);
    assert!(!params.contains_key("error"));
    assert_eq!(
        resp.header(header::REFERRER_POLICY).as_deref(),
        Some("no-referrer")
    );
}

#[tokio::test]
async fn allow_without_state_omits_state() {
    let sim = Sim::new();
    let resp = sim
        .consent(&without(auth_params(&[]), "state"), "demo", "demo", "allow")
        .await;
    assert_eq!(resp.status, StatusCode::FOUND);
    let params = resp.location_params();
    assert!(params.contains_key("code"));
    assert!(!params.contains_key("state"));
}

#[tokio::test]
async fn registered_redirect_with_query_keeps_its_query() {
    let extra = "http://localhost:9999/cb?tenant=a%20b&x=1";
    let sim = Sim::with(|c| c.add_redirect_uri(extra).unwrap());
    let resp = sim
        .consent(
            &auth_params(&[("redirect_uri", extra)]),
            "demo",
            "demo",
            "allow",
        )
        .await;
    assert_eq!(resp.status, StatusCode::FOUND, "{}", resp.text());
    let location = resp.location().unwrap();
    assert!(
        location.starts_with(&format!("{extra}&code=")),
        "{location}"
    );
    let params = resp.location_params();
    assert_eq!(params["tenant"], "a b");
    assert_eq!(params["x"], "1");
    assert_eq!(params["state"], "st-123");
    // The default URI stays registered next to the extra one.
    let resp = sim
        .consent(&auth_params(&[]), "demo", "demo", "allow")
        .await;
    assert_eq!(resp.status, StatusCode::FOUND);
}

#[test]
fn redirect_with_appends_correctly() {
    assert_eq!(
        redirect_with("http://a/cb", &[("code", "x y")]),
        "http://a/cb?code=x+y"
    );
    assert_eq!(
        redirect_with("http://a/cb?", &[("code", "1")]),
        "http://a/cb?code=1"
    );
    assert_eq!(
        redirect_with("http://a/cb?t=1", &[("code", "1")]),
        "http://a/cb?t=1&code=1"
    );
    assert_eq!(
        redirect_with("http://a/cb", &[("state", "&=?#")]),
        "http://a/cb?state=%26%3D%3F%23"
    );
}

#[tokio::test]
async fn wrong_password_shows_page_again_without_redirect() {
    let sim = Sim::new();
    for (user, pass) in [("demo", "wrong"), ("someone", "demo"), ("", "")] {
        let resp = sim.consent(&auth_params(&[]), user, pass, "allow").await;
        assert_eq!(resp.status, StatusCode::OK);
        assert!(resp.location().is_none());
        let html = resp.text();
        assert!(html.contains("id=\"signin-error\""));
        assert!(html.contains("name=\"password\""));
        assert!(html.contains("value=\"st-123\""), "request carried through");
    }
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let sim = Sim::new();
    // Deny doesn't need credentials.
    let resp = sim.consent(&auth_params(&[]), "", "", "deny").await;
    assert_eq!(resp.status, StatusCode::FOUND);
    assert!(resp
        .location()
        .unwrap()
        .starts_with(&format!("{REDIRECT}?")));
    let params = resp.location_params();
    assert_eq!(params["error"], "access_denied");
    assert!(!params["error_description"].is_empty());
    assert_eq!(params["state"], "st-123");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn missing_decision_is_an_error_page() {
    let sim = Sim::new();
    assert_error_page(
        &sim.consent(&auth_params(&[]), "demo", "demo", "maybe")
            .await,
    );
}

#[tokio::test]
async fn consent_is_not_counted_as_token_or_api_request() {
    let sim = Sim::new();
    sim.code().await;
    let stats = sim.stats().await;
    assert_eq!(stats["token-requests"], 0);
    assert_eq!(stats["api-requests"], 0);
    assert_eq!(CLIENT_ID, "tastypocket-demo");
}
