//! Private watchlists (kept in memory for the run) and tastytrade's public lists
//! (docs/tastytrade.md §6.7).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::api::ok;
use crate::fixtures::Fixtures;
use crate::query::{items, validation_errors, Query};
use crate::respond::{json_response, not_found};
use crate::state::SimState;

/// Instrument types a watchlist entry may name (docs/tastytrade.md §5, plus tastyware's
/// `Currency Pair` and `Event Contract`).
pub const INSTRUMENT_TYPES: [&str; 13] = [
    "Bond",
    "Cryptocurrency",
    "Currency Pair",
    "Equity",
    "Equity Offering",
    "Equity Option",
    "Event Contract",
    "Fixed Income Security",
    "Future",
    "Future Option",
    "Index",
    "Liquidity Pool",
    "Warrant",
];

type Problems = Vec<(String, String)>;

fn problem(domain: &str, reason: &str) -> Problems {
    vec![(domain.to_owned(), reason.to_owned())]
}

/// Checks a create/replace body and returns the stored object: `name`, `group-name`
/// (default `default`), `order-index` (default 9999) and `watchlist-entries` (required by the
/// swagger; `null` is read as empty, which tastyware sends for a list without entries).
/// On a replace, a missing `name` keeps the list's name.
pub fn normalize(body: &Value, current_name: Option<&str>) -> Result<Value, Problems> {
    let Some(obj) = body.as_object() else {
        return Err(problem("body", "must be a JSON object"));
    };
    let mut errors = Problems::new();
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::String(_)) => {
            errors.push(("name".into(), "is empty".into()));
            String::new()
        }
        None | Some(Value::Null) => match current_name {
            Some(n) => n.to_owned(),
            None => {
                errors.push(("name".into(), "is missing".into()));
                String::new()
            }
        },
        Some(_) => {
            errors.push(("name".into(), "must be a string".into()));
            String::new()
        }
    };
    let group = match obj.get("group-name") {
        None | Some(Value::Null) => "default".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.push(("group-name".into(), "must be a string".into()));
            String::new()
        }
    };
    let order_index = match obj.get("order-index") {
        None | Some(Value::Null) => 9999,
        Some(v) => v
            .as_i64()
            .filter(|i| i32::try_from(*i).is_ok())
            .unwrap_or_else(|| {
                errors.push(("order-index".into(), "must be an integer".into()));
                0
            }),
    };
    let mut entries = Vec::new();
    match obj.get("watchlist-entries") {
        None => errors.push(("watchlist-entries".into(), "is missing".into())),
        Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                let at = |key: &str| format!("watchlist-entries[{i}].{key}");
                let symbol = entry["symbol"].as_str().map(str::trim).unwrap_or_default();
                if symbol.is_empty() {
                    errors.push((at("symbol"), "is missing".into()));
                }
                let mut clean = Map::new();
                clean.insert("symbol".into(), json!(symbol));
                match entry.get("instrument-type") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(t)) if INSTRUMENT_TYPES.contains(&t.as_str()) => {
                        clean.insert("instrument-type".into(), json!(t));
                    }
                    Some(other) => errors.push((
                        at("instrument-type"),
                        format!("does not have a valid value ({other})"),
                    )),
                }
                entries.push(Value::Object(clean));
            }
        }
        Some(_) => errors.push(("watchlist-entries".into(), "must be an array".into())),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(json!({
        "name": name,
        "group-name": group,
        "order-index": order_index,
        "watchlist-entries": entries,
    }))
}

/// The starting private lists, validated like a POST.
pub fn seeds(fixtures: &Fixtures) -> Result<Vec<Value>, String> {
    fixtures.watchlists["data"]["items"]
        .as_array()
        .ok_or("fixtures/watchlists.json: data.items must be an array")?
        .iter()
        .map(|w| normalize(w, None).map_err(|e| format!("fixtures/watchlists.json: {e:?}")))
        .collect()
}

fn rejected(errors: &Problems) -> Response {
    validation_errors(StatusCode::BAD_REQUEST, errors)
}

fn duplicate() -> Response {
    validation_errors(
        StatusCode::UNPROCESSABLE_ENTITY,
        &problem("name", "has already been taken"),
    )
}

fn parse_body(body: &[u8]) -> Result<Value, Problems> {
    serde_json::from_slice(body).map_err(|_| problem("body", "is not valid JSON"))
}

fn named(lists: &[Value], name: &str) -> Option<usize> {
    lists.iter().position(|w| w["name"] == name)
}

fn envelope(data: Value, uri: &Uri) -> Value {
    json!({ "data": data, "context": uri.path() })
}

pub async fn list(State(sim): State<SimState>, uri: Uri) -> Response {
    let lists = sim.watchlists().clone();
    ok(&items(lists, uri.path()))
}

pub async fn get(State(sim): State<SimState>, Path(name): Path<String>, uri: Uri) -> Response {
    let lists = sim.watchlists();
    match named(&lists, &name) {
        Some(i) => ok(&envelope(lists[i].clone(), &uri)),
        None => not_found(),
    }
}

pub async fn create(State(sim): State<SimState>, uri: Uri, body: Bytes) -> Response {
    let list = match parse_body(&body).map(|b| normalize(&b, None)) {
        Ok(Ok(list)) => list,
        Ok(Err(errors)) => return rejected(&errors),
        Err(e) => return rejected(&e),
    };
    let mut lists = sim.watchlists();
    if named(&lists, list["name"].as_str().unwrap_or_default()).is_some() {
        return duplicate();
    }
    lists.push(list.clone());
    json_response(StatusCode::CREATED, &envelope(list, &uri))
}

/// Full replace; the body may rename the list (to a name not taken).
pub async fn replace(
    State(sim): State<SimState>,
    Path(name): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let parsed = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return rejected(&e),
    };
    let mut lists = sim.watchlists();
    let Some(i) = named(&lists, &name) else {
        return not_found();
    };
    let list = match normalize(&parsed, Some(&name)) {
        Ok(list) => list,
        Err(errors) => return rejected(&errors),
    };
    let new_name = list["name"].as_str().unwrap_or_default();
    if new_name != name && named(&lists, new_name).is_some() {
        return duplicate();
    }
    lists[i] = list.clone();
    ok(&envelope(list, &uri))
}

/// Deletes the list and answers it in `data` (what the official JS SDK reads back).
pub async fn delete(State(sim): State<SimState>, Path(name): Path<String>, uri: Uri) -> Response {
    let mut lists = sim.watchlists();
    match named(&lists, &name) {
        Some(i) => {
            let gone = lists.remove(i);
            ok(&envelope(gone, &uri))
        }
        None => not_found(),
    }
}

/// `counts-only=true` leaves the entries out and says how many there are
/// (`watchlist-entries-count`, a key of our own: the real shape is undocumented).
pub async fn public_list(
    State(sim): State<SimState>,
    RawQuery(query): RawQuery,
    uri: Uri,
) -> Response {
    let counts_only = match Query::parse(query.as_deref()).boolean("counts-only") {
        Ok(v) => v.unwrap_or(false),
        Err(e) => return e.into_response(),
    };
    let mut lists = sim.fixtures().public_watchlists["data"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if counts_only {
        for list in lists.iter_mut().filter_map(Value::as_object_mut) {
            let count = list
                .remove("watchlist-entries")
                .and_then(|e| e.as_array().map(Vec::len))
                .unwrap_or(0);
            list.insert("watchlist-entries-count".into(), json!(count));
        }
    }
    ok(&items(lists, uri.path()))
}

pub async fn public_get(
    State(sim): State<SimState>,
    Path(name): Path<String>,
    uri: Uri,
) -> Response {
    let lists = sim.fixtures().public_watchlists["data"]["items"].as_array();
    match lists
        .into_iter()
        .flatten()
        .find(|w| w["name"] == name.as_str())
    {
        Some(w) => ok(&envelope(w.clone(), &uri)),
        None => not_found(),
    }
}
