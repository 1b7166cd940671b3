//! Order history: search, live orders and one order by id (docs/tastytrade.md §6.4).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use crate::api::{ok, own_account};
use crate::dates::Date;
use crate::ledger::Row;
use crate::query::{paginated, Checked, Invalid, Query, Sort};
use crate::respond::{not_found, not_permitted};
use crate::state::{Session, SimState};

/// Order statuses tastytrade documents (docs/tastytrade.md §6.4).
pub const STATUSES: [&str; 13] = [
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

/// The docs' default page size for order searches (swagger says 100).
pub const DEFAULT_PER_PAGE: u64 = 10;

/// From this `Accept-Version`, a search needs `start-date` or `start-at` (docs/tastytrade.md §3.2).
const START_REQUIRED_FROM: u32 = 20261012;

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// `futures-symbol` matches the future itself and options on it.
pub fn matches_future(symbol: &str, underlying: &str, future: &str) -> bool {
    symbol == future || underlying == future || symbol.starts_with(&format!(".{future} "))
}

/// The filters both searches share: date and datetime windows on `at`.
pub struct Window {
    start_date: Option<Date>,
    end_date: Option<Date>,
    start_at: Option<i64>,
    end_at: Option<i64>,
}

impl Window {
    pub fn parse(q: &Query) -> Checked<Self> {
        Ok(Self {
            start_date: q.date("start-date")?,
            end_date: q.date("end-date")?,
            start_at: q.datetime("start-at")?,
            end_at: q.datetime("end-at")?,
        })
    }

    pub fn is_open(&self) -> bool {
        self.start_date.is_none() && self.start_at.is_none()
    }

    pub fn contains(&self, at: i64) -> bool {
        let day = Date::of_ts(at);
        self.start_date.is_none_or(|d| day >= d)
            && self.end_date.is_none_or(|d| day <= d)
            && self.start_at.is_none_or(|t| at >= t)
            && self.end_at.is_none_or(|t| at <= t)
    }
}

/// Newest first unless `sort=Asc`; ties by id.
pub fn sorted(mut rows: Vec<&Row>, sort: Sort) -> Vec<Value> {
    rows.sort_by_key(|r| (r.at, r.json["id"].as_i64().unwrap_or(0)));
    if sort == Sort::Desc {
        rows.reverse();
    }
    rows.into_iter().map(|r| r.json.clone()).collect()
}

fn search(q: &Query, headers: &HeaderMap, rows: &[Row], context: &str) -> Checked<Value> {
    let page = q.page(DEFAULT_PER_PAGE)?;
    let sort = q.sort()?;
    q.check_values("status[]", &STATUSES)?;
    q.check_values(
        "underlying-instrument-type",
        &["Equity", "Future", "Cryptocurrency"],
    )?;
    let window = Window::parse(q)?;
    let version = headers
        .get("accept-version")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    if version.is_some_and(|v| v >= START_REQUIRED_FROM) && window.is_open() {
        return Err(Invalid::new("start-date", "is missing (or start-at)"));
    }
    let statuses = q.all("status[]");
    let underlying = q.one("underlying-symbol");
    let future = q.one("futures-symbol");
    let kind = q.one("underlying-instrument-type");
    let hits: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            let o = &r.json;
            window.contains(r.at)
                && (statuses.is_empty() || statuses.contains(&str_of(o, "status")))
                && underlying.is_none_or(|u| str_of(o, "underlying-symbol") == u)
                && kind.is_none_or(|k| str_of(o, "underlying-instrument-type") == k)
                && future.is_none_or(|f| {
                    o["legs"].as_array().into_iter().flatten().any(|leg| {
                        matches_future(str_of(leg, "symbol"), str_of(o, "underlying-symbol"), f)
                    })
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
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let rows = sim.account_orders(&n);
    match search(&Query::parse(query.as_deref()), &headers, &rows, uri.path()) {
        Ok(body) => ok(&body),
        Err(e) => e.into_response(),
    }
}

/// Orders received or updated today in any status, plus those still working from earlier
/// days (GTC), newest first; orders placed through the API included. Not paginated (docs/tastytrade.md §6.4).
pub async fn live(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let today = sim.today();
    let rows = sim.account_orders(&n);
    let hits: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            let updated = r.json["updated-at"].as_i64().unwrap_or(0);
            Date::of_ts(r.at) == today
                || Date::of_ts(updated) == today
                || matches!(
                    str_of(&r.json, "status"),
                    "Live" | "Received" | "Routed" | "In Flight" | "Contingent"
                )
        })
        .collect();
    ok(&json!({ "data": { "items": sorted(hits, Sort::Desc) }, "context": uri.path() }))
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
    let rows = sim.account_orders(&n);
    let found = rows.iter().find(|r| r.json["id"] == id);
    match found {
        Some(r) => ok(&json!({ "data": r.json, "context": uri.path() })),
        None => not_found(),
    }
}
