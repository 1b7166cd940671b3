//! Test hooks under `/sim/*` (no auth: a local test bed) and the Create Grant page.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::DEMO_CUSTOMER_ID;
use crate::html;
use crate::respond::{api_error, html_page, json_response, no_store};
use crate::state::{FailNext, Settings, SimState};

/// Largest latency `/sim/config` accepts, so a typo can't hang a test run.
const MAX_LATENCY_MS: u64 = 60_000;
const GRANT_SCOPE: &str = "read trade";

fn bad_request(message: &str) -> Response {
    api_error(StatusCode::BAD_REQUEST, "invalid_request", message)
}

/// Hook bodies are small JSON objects; an empty body means `{}`.
fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, String> {
    let body = if body.trim_ascii().is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| format!("Invalid hook body: {e}"))
}

fn stats_json(sim: &SimState) -> Value {
    let c = sim.counters();
    json!({
        "grants": {
            "authorization-code": c.grants_authorization_code.load(Ordering::SeqCst),
            "refresh-token": c.grants_refresh_token.load(Ordering::SeqCst),
        },
        "token-requests": c.token_requests.load(Ordering::SeqCst),
        "api-requests": c.api_requests.load(Ordering::SeqCst),
    })
}

fn config_json(sim: &SimState, s: &Settings) -> Value {
    json!({
        "access-token-ttl": s.access_token_ttl,
        "code-ttl": s.code_ttl,
        "latency-ms": s.latency_ms,
        "require-pkce": s.require_pkce,
        "empty-positions": s.empty_positions,
        "redirect-uris": sim.config().redirect_uris,
    })
}

pub async fn stats(State(sim): State<SimState>) -> Response {
    json_response(StatusCode::OK, &stats_json(&sim))
}

pub async fn reset(State(sim): State<SimState>) -> Response {
    sim.reset();
    json_response(StatusCode::OK, &stats_json(&sim))
}

pub async fn get_config(State(sim): State<SimState>) -> Response {
    json_response(StatusCode::OK, &config_json(&sim, &sim.settings()))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ConfigUpdate {
    access_token_ttl: Option<u64>,
    code_ttl: Option<u64>,
    latency_ms: Option<u64>,
    require_pkce: Option<bool>,
    empty_positions: Option<Vec<String>>,
}

pub async fn set_config(State(sim): State<SimState>, body: Bytes) -> Response {
    let update: ConfigUpdate = match parse_body(&body) {
        Ok(u) => u,
        Err(e) => return bad_request(&e),
    };
    if update.latency_ms.is_some_and(|ms| ms > MAX_LATENCY_MS) {
        return bad_request(&format!("latency-ms must be at most {MAX_LATENCY_MS}"));
    }
    let settings = sim.update_settings(|s| {
        if let Some(v) = update.access_token_ttl {
            s.access_token_ttl = v;
        }
        if let Some(v) = update.code_ttl {
            s.code_ttl = v;
        }
        if let Some(v) = update.latency_ms {
            s.latency_ms = v;
        }
        if let Some(v) = update.require_pkce {
            s.require_pkce = v;
        }
        if let Some(v) = update.empty_positions {
            s.empty_positions = v.into_iter().collect();
        }
    });
    json_response(StatusCode::OK, &config_json(&sim, &settings))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FailNextRequest {
    count: Option<u64>,
    status: Option<u16>,
    path_prefix: Option<String>,
}

pub async fn fail_next(State(sim): State<SimState>, body: Bytes) -> Response {
    let req: FailNextRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(&e),
    };
    let count = req.count.unwrap_or(1);
    let status = req.status.unwrap_or(503);
    if !(400..=599).contains(&status) {
        return bad_request("status must be between 400 and 599");
    }
    // A later call replaces an earlier one; count 0 clears it.
    sim.set_fail_next((count > 0).then(|| FailNext {
        remaining: count,
        status,
        path_prefix: req.path_prefix.clone(),
    }));
    json_response(
        StatusCode::OK,
        &json!({ "count": count, "status": status, "path-prefix": req.path_prefix }),
    )
}

pub async fn expire_access_tokens(State(sim): State<SimState>) -> Response {
    let expired = sim.expire_access_tokens();
    json_response(StatusCode::OK, &json!({ "expired": expired }))
}

pub async fn revoke_grants(State(sim): State<SimState>) -> Response {
    let revoked = sim.revoke_grants();
    json_response(StatusCode::OK, &json!({ "revoked": revoked }))
}

pub async fn mint_grant(State(sim): State<SimState>) -> Response {
    let token = sim.issue_refresh_token(DEMO_CUSTOMER_ID, GRANT_SCOPE);
    let mut resp = json_response(StatusCode::OK, &json!({ "refresh-token": token }));
    no_store(resp.headers_mut());
    resp
}

pub async fn grants_page() -> Response {
    html_page(StatusCode::OK, html::grants_page(None))
}

pub async fn grants_create(State(sim): State<SimState>) -> Response {
    let token = sim.issue_refresh_token(DEMO_CUSTOMER_ID, GRANT_SCOPE);
    html_page(StatusCode::OK, html::grants_page(Some(&token)))
}
