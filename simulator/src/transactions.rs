//! Transaction history, one transaction by id, and a day's total fees
//! (docs/tastytrade.md §6.5).

use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use crate::api::{ok, own_account};
use crate::dates::Date;
use crate::decimal::Dec;
use crate::ledger::Row;
use crate::orders::{matches_future, sorted, Window};
use crate::query::{paginated, Checked, Query};
use crate::respond::{not_found, not_permitted};
use crate::state::{Session, SimState};

/// tastyware's default and the swagger default.
pub const DEFAULT_PER_PAGE: u64 = 250;

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn search(q: &Query, rows: &[Row], context: &str) -> Checked<Value> {
    let page = q.page(DEFAULT_PER_PAGE)?;
    let sort = q.sort()?;
    let window = Window::parse(q)?;
    // `type` and `types[]` both filter on transaction-type; together, either matches.
    let mut types = q.all("types[]");
    types.extend(q.one("type"));
    let sub_types = q.all("sub-type[]");
    let scalar = |key: &'static str, field: &'static str| {
        let want = q.one(key);
        move |t: &Value| want.is_none_or(|w| str_of(t, field) == w)
    };
    let (symbol, underlying) = (
        scalar("symbol", "symbol"),
        scalar("underlying-symbol", "underlying-symbol"),
    );
    let (kind, action) = (
        scalar("instrument-type", "instrument-type"),
        scalar("action", "action"),
    );
    let future = q.one("futures-symbol");
    let hits: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            let t = &r.json;
            window.contains(r.at)
                && (types.is_empty() || types.contains(&str_of(t, "transaction-type")))
                && (sub_types.is_empty() || sub_types.contains(&str_of(t, "transaction-sub-type")))
                && symbol(t)
                && underlying(t)
                && kind(t)
                && action(t)
                && future.is_none_or(|f| {
                    matches_future(str_of(t, "symbol"), str_of(t, "underlying-symbol"), f)
                })
        })
        .collect();
    Ok(paginated(sorted(hits, sort), page, context))
}

pub async fn list(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    RawQuery(query): RawQuery,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let rows = sim.account_transactions(&n);
    match search(&Query::parse(query.as_deref()), &rows, uri.path()) {
        Ok(body) => ok(&body),
        Err(e) => e.into_response(),
    }
}

pub async fn by_id(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((n, id)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let rows = sim.account_transactions(&n);
    let found = rows.iter().find(|r| r.json["id"] == id);
    match found {
        Some(r) => ok(&json!({ "data": r.json, "context": uri.path() })),
        None => not_found(),
    }
}

fn debit(t: &Value, key: &str) -> Dec {
    let v = Dec::parse(str_of(t, key)).unwrap_or_default();
    if t[format!("{key}-effect")] == "Debit" {
        v
    } else {
        -v
    }
}

/// `date` (default today): the commissions and fees of that day's transactions, as one
/// unsigned amount with its effect.
pub async fn total_fees(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    RawQuery(query): RawQuery,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let q = Query::parse(query.as_deref());
    let day = match q.date("date") {
        Ok(d) => d.unwrap_or_else(|| sim.today()),
        Err(e) => return e.into_response(),
    };
    let rows = sim.account_transactions(&n);
    let total: Dec = rows
        .iter()
        .filter(|r| Date::of_ts(r.at) == day)
        .map(|r| {
            [
                "commission",
                "clearing-fees",
                "regulatory-fees",
                "proprietary-index-option-fees",
            ]
            .iter()
            .map(|k| debit(&r.json, k))
            .sum::<Dec>()
        })
        .sum();
    let signed = -total;
    ok(&json!({
        "data": { "total-fees": signed.wire(), "total-fees-effect": signed.effect() },
        "context": uri.path(),
    }))
}
