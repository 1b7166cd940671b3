//! The REST endpoints the app uses, served from the fixtures.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use axum::Extension;
use serde_json::Value;
use url::form_urlencoded;

use crate::config::DEMO_CUSTOMER_ID;
use crate::fixtures::AccountFixtures;
use crate::respond::{
    gate, json_response, not_found, not_permitted, too_many_requests, unauthorized,
};
use crate::state::{Session, SimState};

/// Counts, delays, fails on demand, checks the User-Agent, requires a live bearer token, then
/// applies the per-token rate limit.
pub async fn api_gate(State(sim): State<SimState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if let Some(resp) = gate(&sim, &sim.counters().api_requests, &path, req.headers()).await {
        return resp;
    }
    let token = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    let Some((token, session)) = token.and_then(|t| Some((t, sim.authenticate(t)?))) else {
        return unauthorized();
    };
    // Per-token throttle (docs/tastytrade.md §4.4), after authentication: it counts tokens.
    if let Err(retry_after) = sim.admit(token) {
        return too_many_requests(Some(retry_after));
    }
    req.extensions_mut().insert(session);
    next.run(req).await
}

pub fn ok(value: &Value) -> Response {
    json_response(StatusCode::OK, value)
}

/// `me` or the caller's own customer id.
/// `/customers/{id}/…` names the caller (`me` or their id), and the fixtures describe only the
/// demo customer.
fn is_demo_self(session: &Session, id: &str) -> bool {
    (id == "me" || id == session.customer_id) && session.customer_id == DEMO_CUSTOMER_ID
}

/// Everything in the fixtures belongs to the demo customer except accounts not listed in
/// `accounts.json`, which exist but belong to someone else.
pub fn own_account<'a>(
    sim: &'a SimState,
    session: &Session,
    n: &str,
) -> Option<&'a AccountFixtures> {
    let fixtures = sim.fixtures();
    if session.customer_id != DEMO_CUSTOMER_ID || !fixtures.owned.iter().any(|o| o == n) {
        return None;
    }
    fixtures.by_account.get(n)
}

fn with_context(mut body: Value, uri: &Uri) -> Value {
    body["context"] = Value::String(uri.path().to_owned());
    body
}

pub async fn customer(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    if !is_demo_self(&session, &id) {
        return not_permitted();
    }
    ok(&with_context(sim.fixtures().customer.clone(), &uri))
}

pub async fn customer_accounts(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    if !is_demo_self(&session, &id) {
        return not_permitted();
    }
    ok(&with_context(sim.fixtures().accounts.clone(), &uri))
}

pub async fn customer_account(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((id, n)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    if !is_demo_self(&session, &id) {
        return not_permitted();
    }
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let items = sim.fixtures().accounts["data"]["items"].as_array();
    let account = items
        .into_iter()
        .flatten()
        .map(|item| &item["account"])
        .find(|a| a["account-number"] == n.as_str());
    match account {
        Some(account) => ok(&serde_json::json!({ "data": account, "context": uri.path() })),
        None => not_found(),
    }
}

/// The balances fixture dated to the simulator's today: `snapshot-date` is today and
/// `updated-at` keeps its time of day on the last trading day. The amounts that depend on
/// marks follow the market (`live::mark_balances`); the rest are as written.
pub fn current_balances(sim: &SimState, account: &AccountFixtures) -> Value {
    let mut body = account.balances.clone();
    let mut positions = account.positions.clone();
    // After a trade the account's live book holds them (crate::broker).
    if let Some(n) = body["data"]["account-number"].as_str() {
        if let Some((items, balances)) = sim.book_snapshot(n) {
            positions["data"]["items"] = Value::Array(items);
            body["data"] = balances;
        }
    }
    crate::live::mark_balances(&sim.market(), &positions, &mut body["data"]);
    let data = &mut body["data"];
    data["snapshot-date"] = Value::String(sim.today().to_string());
    if let Some(updated) = data["updated-at"].as_str().and_then(|u| u.get(10..)) {
        let last = sim.today().on_or_before_trading();
        data["updated-at"] = Value::String(format!("{last}{updated}"));
    }
    body
}

pub async fn balances(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
) -> Response {
    match own_account(&sim, &session, &n) {
        Some(account) => ok(&current_balances(&sim, account)),
        None => not_permitted(),
    }
}

/// `/accounts/{n}/balances/{currency}`: tastyware's form; only USD exists.
pub async fn balances_currency(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((n, currency)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    let Some(account) = own_account(&sim, &session, &n) else {
        return not_permitted();
    };
    if currency != "USD" {
        return not_found();
    }
    ok(&with_context(current_balances(&sim, account), &uri))
}

pub async fn positions(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(account) = own_account(&sim, &session, &n) else {
        return not_permitted();
    };
    let include_marks = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(k, v)| k == "include-marks" && v.eq_ignore_ascii_case("true"));
    let empty = sim.settings().empty_positions.contains(&n);
    let mut body = account.positions.clone();
    if let Some((items, _)) = sim.book_snapshot(&n) {
        body["data"]["items"] = Value::Array(items);
    }
    if let Some(items) = body["data"]["items"].as_array_mut() {
        if empty {
            items.clear();
        }
        crate::live::mark_positions(&sim.market(), items, include_marks);
        if !include_marks {
            // Marks are only sent when asked for (docs/tastytrade.md §6.3).
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.remove("mark");
                item.remove("mark-price");
            }
        }
    }
    ok(&body)
}

pub async fn fallback() -> Response {
    not_found()
}
