//! Test hooks under `/sim/*` (no auth: a local test bed) and the Create Grant page.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::DEMO_CUSTOMER_ID;
use crate::dates::Date;
use crate::html;
use crate::respond::{api_error, html_page, json_response, no_store};
use crate::state::{check_today, FailNext, Failure, Settings, SimState};

/// Largest latency `/sim/config` accepts, so a typo can't hang a test run.
const MAX_LATENCY_MS: u64 = 60_000;
const GRANT_SCOPE: &str = "read trade";

pub fn bad_request(message: &str) -> Response {
    api_error(StatusCode::BAD_REQUEST, "invalid_request", message)
}

/// Hook bodies are small JSON objects; an empty body means `{}`.
pub fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, String> {
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
        "ignore-pkce": s.ignore_pkce,
        "empty-positions": s.empty_positions,
        "empty-history": s.empty_history,
        "redirect-uris": sim.config().redirect_uris,
        "today": s.today.to_string(),
        "rate-limit-per-second": s.rate_limit_per_second,
        "order-rate-per-min": s.order_rate_per_min,
        "quote-token-ttl": s.quote_token_ttl,
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
    ignore_pkce: Option<bool>,
    empty_positions: Option<Vec<String>>,
    empty_history: Option<Vec<String>>,
    today: Option<String>,
    rate_limit_per_second: Option<u32>,
    order_rate_per_min: Option<u32>,
    quote_token_ttl: Option<u64>,
}

pub async fn set_config(State(sim): State<SimState>, body: Bytes) -> Response {
    let update: ConfigUpdate = match parse_body(&body) {
        Ok(u) => u,
        Err(e) => return bad_request(&e),
    };
    if update.latency_ms.is_some_and(|ms| ms > MAX_LATENCY_MS) {
        return bad_request(&format!("latency-ms must be at most {MAX_LATENCY_MS}"));
    }
    let today = match update.today.as_deref().map(str::parse::<Date>) {
        None => None,
        Some(Err(e)) => return bad_request(&format!("today: {e}")),
        Some(Ok(day)) => match check_today(sim.fixtures(), day) {
            Ok(()) => Some(day),
            Err(e) => return bad_request(&e),
        },
    };
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
        if let Some(v) = update.ignore_pkce {
            s.ignore_pkce = v;
        }
        if let Some(v) = update.empty_positions {
            s.empty_positions = v.into_iter().collect();
        }
        if let Some(v) = update.empty_history {
            s.empty_history = v.into_iter().collect();
        }
        if let Some(v) = today {
            s.today = v;
        }
        if let Some(v) = update.rate_limit_per_second {
            s.rate_limit_per_second = v;
        }
        if let Some(v) = update.order_rate_per_min {
            s.order_rate_per_min = v;
        }
        if let Some(v) = update.quote_token_ttl {
            s.quote_token_ttl = v;
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
    /// Answer in the token endpoint's shape with this `error_code` (e.g. `invalid_client`).
    error_code: Option<String>,
    /// `respond` (default), `drop` (close without an answer) or `hang` (wait, then drop).
    mode: Option<String>,
    hang_ms: Option<u64>,
    /// `Retry-After` seconds on a 429 (default 1; 0 = no header).
    retry_after: Option<u64>,
}

/// Longest `hang-ms`: long enough to outlast any client timeout, short enough not to wedge a run.
const MAX_HANG_MS: u64 = 120_000;
const DEFAULT_HANG_MS: u64 = 60_000;

fn failure_from(req: &FailNextRequest) -> Result<Failure, String> {
    let mode = req.mode.as_deref().unwrap_or("respond");
    if mode != "respond" && (req.status.is_some() || req.error_code.is_some()) {
        return Err(format!(
            "status and error-code apply to mode respond, not {mode}"
        ));
    }
    if mode != "hang" && req.hang_ms.is_some() {
        return Err("hang-ms applies to mode hang".to_owned());
    }
    if req.retry_after.is_some() && (req.status != Some(429) || req.error_code.is_some()) {
        return Err("retry-after applies to status 429 in the API envelope".to_owned());
    }
    match mode {
        "respond" => {
            let default = if req.error_code.is_some() { 400 } else { 503 };
            let status = req.status.unwrap_or(default);
            // 600–999 are no HTTP status a client knows, but a broken or hostile upstream can
            // send one (hyper writes any three digits); the worker must answer those with a 502
            // (docs/contracts.md, Worker). A 1xx cannot be a final answer (hyper replaces it
            // with a 500, and a client waits past it for the real one), so it is refused here.
            if !(400..=999).contains(&status) {
                return Err("status must be between 400 and 999".to_owned());
            }
            if req.error_code.as_deref().is_some_and(str::is_empty) {
                return Err("error-code must not be empty".to_owned());
            }
            Ok(Failure::Respond {
                status,
                error_code: req.error_code.clone(),
                retry_after: match req.retry_after.unwrap_or(1) {
                    0 => None,
                    secs => Some(secs),
                },
            })
        }
        "drop" => Ok(Failure::Drop),
        "hang" => {
            let ms = req.hang_ms.unwrap_or(DEFAULT_HANG_MS);
            if ms > MAX_HANG_MS {
                return Err(format!("hang-ms must be at most {MAX_HANG_MS}"));
            }
            Ok(Failure::Hang { ms })
        }
        other => Err(format!("mode must be respond, drop or hang, not {other:?}")),
    }
}

pub async fn fail_next(State(sim): State<SimState>, body: Bytes) -> Response {
    let req: FailNextRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(&e),
    };
    let how = match failure_from(&req) {
        Ok(how) => how,
        Err(e) => return bad_request(&e),
    };
    let count = req.count.unwrap_or(1);
    let echo = match &how {
        Failure::Respond {
            status,
            error_code,
            retry_after,
        } => {
            let mut echo = json!({ "mode": "respond", "status": status, "error-code": error_code });
            if *status == 429 && error_code.is_none() {
                echo["retry-after"] = json!(retry_after);
            }
            echo
        }
        Failure::Drop => json!({ "mode": "drop" }),
        Failure::Hang { ms } => json!({ "mode": "hang", "hang-ms": ms }),
    };
    // A later call replaces an earlier one; count 0 clears it.
    sim.set_fail_next((count > 0).then(|| FailNext {
        remaining: count,
        path_prefix: req.path_prefix.clone(),
        how,
    }));
    let mut echo = echo;
    echo["count"] = json!(count);
    echo["path-prefix"] = json!(req.path_prefix);
    json_response(StatusCode::OK, &echo)
}

/// Every token the simulator has issued and still honours. Tokens here are fake, but the
/// hook is still loopback-only like the others.
pub async fn issued_tokens(State(sim): State<SimState>) -> Response {
    let (access, refresh) = sim.issued_tokens();
    let quote = sim.issued_quote_tokens();
    let mut resp = json_response(
        StatusCode::OK,
        &json!({ "access-tokens": access, "refresh-tokens": refresh, "quote-tokens": quote }),
    );
    no_store(resp.headers_mut());
    resp
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
    let token = sim.issue_refresh_token(DEMO_CUSTOMER_ID, GRANT_SCOPE, None);
    let mut resp = json_response(StatusCode::OK, &json!({ "refresh-token": token }));
    no_store(resp.headers_mut());
    resp
}

pub async fn grants_page() -> Response {
    html_page(StatusCode::OK, html::grants_page(None))
}

pub async fn grants_create(State(sim): State<SimState>) -> Response {
    let token = sim.issue_refresh_token(DEMO_CUSTOMER_ID, GRANT_SCOPE, None);
    html_page(StatusCode::OK, html::grants_page(Some(&token)))
}

/// Hooks answer only a loopback `Host`: a web page in the same browser could otherwise reach
/// them through DNS rebinding (a name of its own that resolves to 127.0.0.1).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Guards every hook. Reads need a loopback `Host`. Writes also need a JSON body (a cross-site
/// form can't send one without a CORS preflight, which we never grant); the Create Grant form
/// is a page for people, so instead it must come from the page itself (`Origin` = this host).
pub async fn guard(req: Request, next: Next) -> Response {
    if let Some(refusal) = refusal(&req) {
        return refusal;
    }
    next.run(req).await
}

fn refusal(req: &Request) -> Option<Response> {
    let header = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let host = header(header::HOST);
    if !is_loopback_host(&host) {
        return Some(api_error(
            StatusCode::FORBIDDEN,
            "loopback_only",
            "Test hooks answer only on a loopback host (localhost, 127.0.0.1, [::1]).",
        ));
    }
    if req.method() == Method::POST {
        if req.uri().path() == "/grants" {
            let origin = header(header::ORIGIN);
            let same = ["http://", "https://"]
                .iter()
                .any(|scheme| origin == format!("{scheme}{host}"));
            if !same {
                return Some(api_error(
                    StatusCode::FORBIDDEN,
                    "cross_origin",
                    "Create a grant from the /grants page itself.",
                ));
            }
        } else {
            let content_type = header(header::CONTENT_TYPE).to_ascii_lowercase();
            let essence = content_type.split(';').next().unwrap_or_default().trim();
            if essence != "application/json" {
                return Some(api_error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Test hooks take a JSON body (Content-Type: application/json).",
                ));
            }
        }
    }
    None
}
