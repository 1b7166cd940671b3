//! Balance snapshots and net-liq history (docs/tastytrade.md §6.6), both drawn from the
//! ledger's net-liq series, moved to end at the account's current balances (as `/balances`
//! serves them: re-marked to the market, after the broker's fills).

use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use crate::api::{current_balances, ok, own_account};
use crate::dates::{net_liq_time, Date};
use crate::decimal::Dec;
use crate::ledger::{ending_at, Bar};
use crate::query::{paginated, Checked, Invalid, Query};
use crate::respond::not_permitted;
use crate::state::{Session, SimState};

pub const TIME_BACKS: [&str; 7] = ["1d", "1w", "1m", "3m", "6m", "1y", "all"];
pub const TIMES_OF_DAY: [&str; 3] = ["BOD", "EOD", "Intraday"];
/// tastyware's default.
pub const SNAPSHOTS_PER_PAGE: u64 = 250;
/// Without `snapshot-date` or `start-date`, only the most recent few come back (tastyware:
/// "just a few"; swagger: "most recent snapshot and current balance"): we send two.
pub const RECENT_SNAPSHOTS: usize = 2;

/// Keys of the balance object that are not amounts, or that don't follow net liq.
fn unscaled(key: &str) -> bool {
    key.ends_with("-effect")
        || matches!(
            key,
            "account-number"
                | "snapshot-date"
                | "updated-at"
                | "time-of-day"
                | "currency"
                | "pending-cash"
        )
}

/// The account's net-liq series ending at its current net liq, and its current balances.
struct Current {
    /// The last trading day (the series' last day).
    last: Date,
    balances: Value,
    daily: Vec<Bar>,
    intraday: Vec<Bar>,
}

fn current(sim: &SimState, n: &str) -> Option<Current> {
    let ledger = sim.ledger();
    let account = ledger.accounts.get(n)?;
    let balances = current_balances(sim, sim.fixtures().by_account.get(n)?)["data"].clone();
    let (daily, intraday) = match net_liq_of(&balances) {
        Some(nlv) => ending_at(&account.daily, &account.intraday, nlv),
        None => (account.daily.clone(), account.intraday.clone()),
    };
    Some(Current {
        last: ledger.last,
        balances,
        daily,
        intraday,
    })
}

fn net_liq_of(balances: &Value) -> Option<Dec> {
    balances["net-liquidating-value"]
        .as_str()
        .and_then(Dec::parse)
}

/// Today's balances scaled to `value` (so net liq = cash + long − short still holds), dated
/// `day`; at today's net liq, today's balances as they are.
fn snapshot(balances: &Value, day: Date, time_of_day: &str, value: Dec, updated: i64) -> Value {
    let mut b = balances.clone();
    let Some(obj) = b.as_object_mut() else {
        return b;
    };
    let nlv = net_liq_of(balances).unwrap_or_default();
    if value != nlv {
        let ratio = if nlv == Dec::ZERO {
            1.0
        } else {
            value.to_f64() / nlv.to_f64()
        };
        for (key, v) in obj.iter_mut() {
            if unscaled(key) {
                continue;
            }
            if let Some(d) = v.as_str().and_then(Dec::parse) {
                *v = json!(d.scale(ratio).to_string());
            }
        }
        obj.insert("net-liquidating-value".into(), json!(value.to_string()));
        obj.insert("margin-equity".into(), json!(value.to_string()));
    }
    obj.insert("snapshot-date".into(), json!(day.to_string()));
    obj.insert("time-of-day".into(), json!(time_of_day));
    obj.insert("updated-at".into(), json!(crate::dates::iso(updated)));
    b
}

fn snapshots(sim: &SimState, n: &str, q: &Query, context: &str) -> Checked<Value> {
    let page = q.page(SNAPSHOTS_PER_PAGE)?;
    q.check_values("time-of-day", &TIMES_OF_DAY)?;
    let time_of_day = q.one("time-of-day").unwrap_or("EOD");
    let (on, start, end) = (
        q.date("snapshot-date")?,
        q.date("start-date")?,
        q.date("end-date")?,
    );
    if sim.settings().empty_history.contains(n) {
        return Ok(paginated(Vec::new(), page, context));
    }
    let Some(account) = current(sim, n) else {
        return Ok(paginated(Vec::new(), page, context));
    };
    if q.one("currency").is_some_and(|c| c != "USD") {
        return Ok(paginated(Vec::new(), page, context));
    }
    let balances = &account.balances;
    let mut rows: Vec<Value> = match time_of_day {
        "Intraday" => account
            .daily
            .last()
            .map(|bar| snapshot(balances, account.last, "Intraday", bar.close, bar.time))
            .into_iter()
            .collect(),
        tod => account
            .daily
            .iter()
            .map(|bar| {
                let day = Date::of_ts(bar.time);
                if tod == "BOD" {
                    snapshot(balances, day, "BOD", bar.open, day.at_et(6, 0, 1, 204))
                } else {
                    snapshot(balances, day, "EOD", bar.close, day.at_et(16, 15, 2, 512))
                }
            })
            .collect(),
    };
    rows.retain(|s| {
        let day: Date = s["snapshot-date"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .unwrap_or(Date(0));
        on.is_none_or(|d| day == d)
            && start.is_none_or(|d| day >= d)
            && end.is_none_or(|d| day <= d)
    });
    if on.is_none() && start.is_none() {
        let skip = rows.len().saturating_sub(RECENT_SNAPSHOTS);
        rows.drain(..skip);
    }
    Ok(paginated(rows, page, context))
}

pub async fn balance_snapshots(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    RawQuery(query): RawQuery,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    match snapshots(&sim, &n, &Query::parse(query.as_deref()), uri.path()) {
        Ok(body) => ok(&body),
        Err(e) => e.into_response(),
    }
}

fn bar_json(b: &Bar) -> Value {
    let zero = Dec::ZERO.to_string();
    json!({
        "open": b.open.to_string(),
        "high": b.high.to_string(),
        "low": b.low.to_string(),
        "close": b.close.to_string(),
        "pending-cash-open": zero,
        "pending-cash-high": zero,
        "pending-cash-low": zero,
        "pending-cash-close": zero,
        "total-open": b.open.to_string(),
        "total-high": b.high.to_string(),
        "total-low": b.low.to_string(),
        "total-close": b.close.to_string(),
        "time": net_liq_time(b.time),
    })
}

fn net_liq(sim: &SimState, n: &str, q: &Query) -> Checked<Value> {
    q.check_values("time-back", &TIME_BACKS)?;
    let (start, end) = (q.datetime("start-time")?, q.datetime("end-time")?);
    let empty = json!({ "data": { "items": [] } });
    if sim.settings().empty_history.contains(n) {
        return Ok(empty);
    }
    let Some(account) = current(sim, n) else {
        return Ok(empty);
    };
    let last = account.last;
    let bars: Vec<&Bar> = match (start, q.one("time-back")) {
        // start-time wins over time-back (tastyware); inside the last day it means intraday.
        (Some(from), _) => {
            let source = if from >= last.start_ms() {
                &account.intraday
            } else {
                &account.daily
            };
            source
                .iter()
                .filter(|b| b.time >= from && end.is_none_or(|to| b.time <= to))
                .collect()
        }
        (None, Some("1d")) => account.intraday.iter().collect(),
        (None, Some(back)) => {
            let after = match back {
                "1w" => last.add_days(-7),
                "1m" => last.months_back(1),
                "3m" => last.months_back(3),
                "6m" => last.months_back(6),
                "1y" => last.months_back(12),
                _ => Date(i32::MIN),
            };
            account
                .daily
                .iter()
                .filter(|b| Date::of_ts(b.time) > after && end.is_none_or(|to| b.time <= to))
                .collect()
        }
        (None, None) => return Err(Invalid::new("time-back", "is missing (or start-time)")),
    };
    let items: Vec<Value> = bars.into_iter().map(bar_json).collect();
    // The captured response had no `context` (docs/tastytrade.md §4.1), so neither does this.
    Ok(json!({ "data": { "items": items } }))
}

pub async fn net_liq_history(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    match net_liq(&sim, &n, &Query::parse(query.as_deref())) {
        Ok(body) => ok(&body),
        Err(e) => e.into_response(),
    }
}
