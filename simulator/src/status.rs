//! Trading status and the margin/capital requirements report (docs/tastytrade.md §6.8), built
//! from the account, balances and positions fixtures so they agree with them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::api::{current_balances, ok, own_account};
use crate::dates::{iso, parse_datetime};
use crate::decimal::Dec;
use crate::respond::not_permitted;
use crate::state::{Session, SimState};

fn account_number_id(n: &str) -> i64 {
    n.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// Every key tastyware's `TradingStatus` requires, plus a few optional ones.
pub async fn trading_status(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    uri: Uri,
) -> Response {
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let account = sim.fixtures().account(&n).cloned().unwrap_or_default();
    let margin = account["margin-or-cash"] == "Margin";
    let futures = account["is-futures-approved"] == true;
    let updated = sim.today().on_or_before_trading().at_et(6, 0, 0, 0);
    let data = json!({
        "id": 4_100_000 + account_number_id(&n),
        "account-number": n,
        "equities-margin-calculation-type": if margin { "Reg T" } else { "Cash" },
        "fee-schedule-name": "default",
        "futures-margin-rate-multiplier": "1.0",
        "small-notional-futures-margin-rate-multiplier": "1.0",
        "has-intraday-equities-margin": false,
        "is-aggregated-at-clearing": false,
        "is-closed": account["is-closed"] == true,
        "is-closing-only": false,
        "is-cryptocurrency-enabled": margin,
        "is-cryptocurrency-closing-only": false,
        "is-equity-offering-enabled": false,
        "is-equity-offering-closing-only": false,
        "is-frozen": false,
        "is-full-equity-margin-required": !margin,
        "is-futures-enabled": futures,
        "is-futures-closing-only": false,
        "is-futures-intra-day-enabled": futures,
        "is-small-notional-futures-intra-day-enabled": futures,
        "is-in-day-trade-equity-maintenance-call": false,
        "is-in-margin-call": false,
        "is-pattern-day-trader": account["day-trader-status"] == true,
        "is-portfolio-margin-enabled": false,
        "is-risk-reducing-only": false,
        "is-roll-the-day-forward-enabled": false,
        "are-far-otm-net-options-restricted": true,
        "options-level": account["suitable-options-level"],
        "short-calls-enabled": margin,
        "day-trade-count": 0,
        "cmta-override": 0,
        "updated-at": iso(updated),
    });
    ok(&json!({ "data": data, "context": uri.path() }))
}

fn dec(v: &Value) -> Dec {
    v.as_str().and_then(Dec::parse).unwrap_or_default()
}

fn amount(map: &mut Map<String, Value>, key: &str, value: Dec, effect: &str) {
    map.insert(key.into(), json!(value.to_string()));
    map.insert(
        format!("{key}-effect"),
        json!(if value == Dec::ZERO { "None" } else { effect }),
    );
}

/// The account's requirement split over its underlyings in proportion to their positions'
/// market value (the last group takes the rounding, so the groups add up to the total).
pub async fn margin_requirements(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    uri: Uri,
) -> Response {
    let Some(fixtures) = own_account(&sim, &session, &n) else {
        return not_permitted();
    };
    let account = sim.fixtures().account(&n).cloned().unwrap_or_default();
    let balances = current_balances(&sim, fixtures)["data"].clone();
    let margin_type = if account["margin-or-cash"] == "Margin" {
        "Reg T"
    } else {
        "Cash"
    };
    let requirement = dec(&balances["maintenance-requirement"]);

    let mut weights: BTreeMap<String, (String, f64)> = BTreeMap::new();
    for p in fixtures.positions["data"]["items"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let underlying = p["underlying-symbol"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let kind = if p["instrument-type"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Future")
        {
            "Future"
        } else {
            "Equity"
        };
        let value = dec(&p["mark-price"]).to_f64()
            * p["quantity"].as_f64().unwrap_or(0.0)
            * p["multiplier"].as_f64().unwrap_or(1.0);
        let slot = weights.entry(underlying).or_insert((kind.to_owned(), 0.0));
        slot.1 += value.abs();
    }
    let total_weight: f64 = weights.values().map(|(_, w)| w).sum();
    let mut left = requirement;
    let count = weights.len();
    let mut groups = Vec::new();
    for (i, (underlying, (kind, weight))) in weights.into_iter().enumerate() {
        let share = if i + 1 == count || total_weight == 0.0 {
            left
        } else {
            requirement.scale(weight / total_weight)
        };
        left = left - share;
        let mut g = Map::new();
        g.insert("description".into(), json!(underlying));
        g.insert("code".into(), json!(underlying));
        g.insert("underlying-symbol".into(), json!(underlying));
        g.insert("underlying-type".into(), json!(kind));
        g.insert(
            "margin-calculation-type".into(),
            json!(if kind == "Future" {
                "SPAN"
            } else {
                margin_type
            }),
        );
        amount(&mut g, "margin-requirement", share, "Debit");
        amount(&mut g, "initial-requirement", share, "Debit");
        amount(&mut g, "maintenance-requirement", share, "Debit");
        amount(&mut g, "buying-power", share, "Debit");
        g.insert("expected-price-range-up-percent".into(), json!("0.15"));
        g.insert("expected-price-range-down-percent".into(), json!("0.15"));
        groups.push(Value::Object(g));
    }

    let mut r = Map::new();
    r.insert("account-number".into(), json!(n));
    r.insert("description".into(), json!("Total"));
    r.insert("margin-calculation-type".into(), json!(margin_type));
    r.insert(
        "option-level".into(),
        account["suitable-options-level"].clone(),
    );
    amount(&mut r, "margin-requirement", requirement, "Debit");
    amount(&mut r, "initial-requirement", requirement, "Debit");
    amount(&mut r, "maintenance-requirement", requirement, "Debit");
    amount(
        &mut r,
        "margin-equity",
        dec(&balances["margin-equity"]),
        "Credit",
    );
    amount(
        &mut r,
        "option-buying-power",
        dec(&balances["derivative-buying-power"]),
        "Credit",
    );
    amount(
        &mut r,
        "reg-t-margin-requirement",
        dec(&balances["reg-t-margin-requirement"]),
        "Debit",
    );
    amount(
        &mut r,
        "reg-t-option-buying-power",
        dec(&balances["derivative-buying-power"]),
        "Credit",
    );
    amount(
        &mut r,
        "maintenance-excess",
        dec(&balances["maintenance-excess"]),
        "Credit",
    );
    let stamp = balances["updated-at"]
        .as_str()
        .and_then(parse_datetime)
        .unwrap_or(0);
    r.insert("last-state-timestamp".into(), json!(stamp));
    r.insert("groups".into(), Value::Array(groups));
    ok(&json!({ "data": r, "context": uri.path() }))
}
