//! Order writes (docs/tastytrade.md §6.11): dry-run, place, cancel, replace and its dry-run,
//! and the `/sim/orders/fail-next` hook.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ticket::{self, Problem, Refusal, Ticket};
use super::{order_json, Book, Placed, Trading};
use crate::api::own_account;
use crate::decimal::Dec;
use crate::hooks::{bad_request, parse_body};
use crate::market::Market;
use crate::query::validation_errors;
use crate::respond::{
    api_error, json_response, not_found, not_permitted, simulated_failure, too_many_requests,
};
use crate::state::{Failure, Session, SimState};

/// An early answer (boxed: a `Response` is large).
type Refused = Box<Response>;

/// Most an order body may weigh.
const MAX_BODY: usize = 64 * 1024;
/// `/sim/orders/fail-next` `timeout`: how long the answer hangs by default.
const DEFAULT_HANG_MS: u64 = 60_000;

fn preflight(errors: &[Problem]) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "error": {
            "code": "preflight_check_failure",
            "message": "One or more preflight checks failed",
            "errors": errors.iter().map(Problem::json).collect::<Vec<_>>(),
        } }),
    )
}

fn refused(r: Refusal) -> Response {
    match r {
        Refusal::Shape(bad) => validation_errors(StatusCode::BAD_REQUEST, &bad),
        Refusal::Preflight(errors) => preflight(&errors),
    }
}

fn body_json(body: &Bytes) -> Result<Value, Refused> {
    if body.len() > MAX_BODY {
        return Err(Box::new(validation_errors(
            StatusCode::PAYLOAD_TOO_LARGE,
            &[("body".into(), format!("is larger than {MAX_BODY} bytes"))],
        )));
    }
    serde_json::from_slice(body).map_err(|_| {
        Box::new(validation_errors(
            StatusCode::BAD_REQUEST,
            &[("body".into(), "is not valid JSON".into())],
        ))
    })
}

/// An order write (dry-runs too) needs a token granted the `trade` scope.
fn may_trade(session: &Session) -> Result<(), Refused> {
    if session.can_trade {
        Ok(())
    } else {
        Err(Box::new(api_error(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "This token was not granted the trade scope",
        )))
    }
}

/// Every order write starts here: the `trade` scope, the caller's own account, then a JSON
/// body.
fn owned_body(sim: &SimState, session: &Session, n: &str, body: &Bytes) -> Result<Value, Refused> {
    may_trade(session)?;
    if own_account(sim, session, n).is_none() {
        return Err(Box::new(not_permitted()));
    }
    body_json(body)
}

fn money(key: &str, signed: Dec) -> [(String, Value); 2] {
    [
        (key.to_owned(), json!(signed.wire())),
        (
            format!("{key}-effect"),
            json!(if signed.0 == 0 {
                "None"
            } else if signed.is_negative() {
                "Credit"
            } else {
                "Debit"
            }),
        ),
    ]
}

/// What a dry-run answers besides the order: buying-power effect, fees, warnings, and the
/// errors that would refuse it (insufficient buying power).
struct Preview {
    buying_power: Value,
    fees: Value,
    warnings: Vec<Problem>,
    errors: Vec<Problem>,
}

fn preview(m: &Market, book: &Book, t: &Ticket) -> Preview {
    let holdings = book.holdings();
    let view = book.view(&holdings);
    let (nat, _) = ticket::natural(m, t);
    // Priced at the limit when there is one, else at the natural price.
    let price = t.signed_price().map_or(nat, Dec::to_f64);
    let (requirement, spread) = ticket::buying_power(m, t, &view, t.size, price);
    let (commission, clearing, regulatory) = ticket::order_fees(t, t.size, price);
    let total_fees = commission + clearing + regulatory;
    let equity = t.legs[0].instrument_type == "Equity";
    let ratio = if book.cash_account || !equity { 1 } else { 2 };
    let requirement = Dec::from_f64(requirement).round_to(Dec::cents(1));
    let change = requirement.times(ratio) + total_fees;
    let current = book.dec(if equity {
        "equity-buying-power"
    } else {
        "derivative-buying-power"
    });
    let new = current - change;
    let mut bp = serde_json::Map::new();
    for (k, v) in money("change-in-margin-requirement", requirement)
        .into_iter()
        .chain(money("change-in-buying-power", change))
        .chain(money("isolated-order-margin-requirement", requirement))
        .chain(money("impact", change))
    {
        bp.insert(k, v);
    }
    // Current and new buying power are amounts held: a Credit while positive.
    for (key, v) in [("current-buying-power", current), ("new-buying-power", new)] {
        bp.insert(key.into(), json!(v.wire()));
        bp.insert(
            format!("{key}-effect"),
            json!(if v.is_negative() { "Debit" } else { "Credit" }),
        );
    }
    bp.insert("is-spread".into(), json!(spread));
    bp.remove("impact-effect");
    bp.insert(
        "effect".into(),
        json!(if change.is_negative() {
            "Credit"
        } else {
            "Debit"
        }),
    );
    let mut fees = serde_json::Map::new();
    for (k, v) in money("regulatory-fees", regulatory)
        .into_iter()
        .chain(money("clearing-fees", clearing))
        .chain(money("commission", commission))
        .chain(money("proprietary-index-option-fees", Dec::ZERO))
        .chain(money("total-fees", total_fees))
    {
        fees.insert(k, v);
    }
    let mut errors = Vec::new();
    if change > current {
        errors.push(Problem {
            code: "margin_check_failed",
            message: format!(
                "Insufficient buying power: this order needs {} and the account has {}.",
                change.wire(),
                current
            ),
        });
    }
    Preview {
        buying_power: serde_json::Value::Object(bp),
        fees: serde_json::Value::Object(fees),
        warnings: ticket::warnings(m, t, &view),
        errors,
    }
}

fn preview_json(order: Value, p: &Preview, with_errors: bool) -> Value {
    let mut data = json!({
        "order": order,
        "warnings": p.warnings.iter().map(Problem::json).collect::<Vec<_>>(),
        "buying-power-effect": p.buying_power,
        "fee-calculation": p.fees,
    });
    if with_errors && !p.errors.is_empty() {
        data["errors"] = json!(p.errors.iter().map(Problem::json).collect::<Vec<_>>());
    }
    data
}

fn created(data: Value, uri: &Uri) -> Response {
    json_response(
        StatusCode::CREATED,
        &json!({ "data": data, "context": uri.path() }),
    )
}

/// Validates `body` for account `n`: the ticket or the refusal.
fn ticket_for(sim: &SimState, t: &mut Trading, n: &str, body: &Value) -> Result<Ticket, Refused> {
    let today = sim.today();
    let Some(book) = t.book(sim, n) else {
        return Err(Box::new(not_permitted()));
    };
    let holdings = book.holdings();
    let view = book.view(&holdings);
    ticket::check(body, &t.market, &view, today).map_err(|r| Box::new(refused(r)))
}

/// `POST /accounts/{n}/orders/dry-run` → 201: the order as it would be, its buying-power
/// effect, fees, warnings, and `errors` when it would be refused for buying power.
pub async fn dry_run(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let body = match owned_body(&sim, &session, &n, &body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let mut t = sim.trading();
    let ticket = match ticket_for(&sim, &mut t, &n, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(book) = t.broker.books.get(&n) else {
        return not_permitted();
    };
    let p = preview(&t.market, book, &ticket);
    let order = order_json(&n, &ticket, None, "Received");
    created(preview_json(order, &p, true), &uri)
}

/// Rate limit, then the ticket, then the buying power: the order placed, or the refusal.
fn accept(
    sim: &SimState,
    t: &mut Trading,
    n: &str,
    body: &Value,
    replaces: Option<i64>,
) -> Result<(Placed, Preview), Refused> {
    let limit = sim.settings().order_rate_per_min;
    if let Err(wait) = t.broker.admit_submission(n, limit, Instant::now()) {
        return Err(Box::new(too_many_requests(Some(wait))));
    }
    let ticket = ticket_for(sim, t, n, body)?;
    let now = t.now_ms();
    let id = t.broker.order_id();
    let Some(book) = t.broker.books.get(n) else {
        return Err(Box::new(not_permitted()));
    };
    let p = preview(&t.market, book, &ticket);
    if !p.errors.is_empty() {
        return Err(Box::new(preflight(&p.errors)));
    }
    let placed = Placed {
        id,
        account: n.to_owned(),
        status: "Live",
        received_at: now,
        terminal_at: None,
        cancelled_at: None,
        updated_at: now,
        fills: vec![Vec::new(); ticket.legs.len()],
        remaining: ticket.legs.iter().map(|l| l.quantity).collect(),
        triggered: false,
        last_tick: None,
        replaces,
        replacing: None,
        ticket,
    };
    Ok((placed, p))
}

/// `POST /accounts/{n}/orders` → 201 `{order, warnings, buying-power-effect, fee-calculation}`
/// with the order `Routed`; it is then Live and fills against the market (on the next look).
pub async fn place(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path(n): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let body = match owned_body(&sim, &session, &n, &body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let (answer, failure) = {
        let mut t = sim.trading();
        let (placed, p) = match accept(&sim, &mut t, &n, &body, None) {
            Ok(x) => x,
            Err(r) => return *r,
        };
        let order = order_json(&n, &placed.ticket, Some(&placed), "Routed");
        if let Some(book) = t.broker.books.get_mut(&n) {
            let at = placed.received_at;
            book.orders.push(placed);
            let i = book.orders.len() - 1;
            book.notify_order(i, Some("Routed"), at);
            book.notify_order(i, None, at + 60);
        }
        // A marketable order fills now; its notifications follow the Live one.
        let now = t.now_ms();
        let Trading { broker, market } = &mut t;
        broker.work(market, now);
        (preview_json(order, &p, false), t.broker.fail_next.take())
    };
    match failure {
        // Accepted (it is in the live list), but the client never learns it.
        Some(how) => simulated_failure(how).await,
        None => created(answer, &uri),
    }
}

fn cannot_update(message: &str) -> Response {
    api_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot_update_order",
        message,
    )
}

/// `DELETE /accounts/{n}/orders/{id}` → the order, `Cancel Requested` (it is `Cancelled`
/// right after); a filled or otherwise finished order → 422 `cannot_update_order`.
pub async fn cancel(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((n, id)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    if let Err(r) = may_trade(&session) {
        return *r;
    }
    if own_account(&sim, &session, &n).is_none() {
        return not_permitted();
    }
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let history = sim.ledger();
    let mut t = sim.trading();
    let now = t.now_ms();
    let Some(book) = t.book(&sim, &n) else {
        return not_permitted();
    };
    if let Some(i) = book.orders.iter().position(|o| o.id == id) {
        let o = &mut book.orders[i];
        if !o.working() {
            return cannot_update("the order could not be cancelled");
        }
        o.status = "Cancelled";
        o.cancelled_at = Some(now);
        o.terminal_at = Some(now + 40);
        o.updated_at = now;
        let mut answer = o.row().json;
        book.notify_order(i, Some("Cancel Requested"), now);
        book.notify_order(i, None, now + 40);
        answer["status"] = json!("Cancel Requested");
        answer["cancellable"] = json!(false);
        answer["editable"] = json!(false);
        return super::super::api::ok(&json!({ "data": answer, "context": uri.path() }));
    }
    // A working order from the history (a GTC order from an earlier day).
    let found = history
        .accounts
        .get(&n)
        .and_then(|a| a.orders.iter().find(|r| r.json["id"] == id))
        .map(|r| {
            book.history_overrides
                .get(&id)
                .cloned()
                .unwrap_or(r.json.clone())
        });
    let Some(mut order) = found else {
        return not_found();
    };
    let status = order["status"].as_str().unwrap_or_default();
    if !super::WORKING.contains(&status) {
        return cannot_update("the order could not be cancelled");
    }
    order["status"] = json!("Cancelled");
    order["cancelled-at"] = json!(crate::dates::iso(now));
    order["terminal-at"] = json!(crate::dates::iso(now + 40));
    order["cancellable"] = json!(false);
    order["editable"] = json!(false);
    order["updated-at"] = json!(now);
    book.history_overrides.insert(id, order.clone());
    let mut requested = order.clone();
    requested["status"] = json!("Cancel Requested");
    book.outbox
        .push(super::notice("Order", requested.clone(), now));
    book.outbox.push(super::notice("Order", order, now + 40));
    let order = requested;
    super::super::api::ok(&json!({ "data": order, "context": uri.path() }))
}

/// The replacement body: the original's legs (what is left of them) with the new price,
/// type and time in force. Legs in the body must match the original's.
fn replacement(original: &Placed, body: &Value) -> Result<Value, Refused> {
    let legs: Vec<Value> = original
        .ticket
        .legs
        .iter()
        .zip(&original.remaining)
        .map(|(l, left)| {
            json!({
                "instrument-type": l.instrument_type, "symbol": l.symbol,
                "action": l.action, "quantity": left,
            })
        })
        .collect();
    if let Some(given) = body.get("legs").and_then(Value::as_array) {
        let same = given.len() == legs.len()
            && given
                .iter()
                .zip(&original.ticket.legs)
                .all(|(g, l)| g["symbol"] == l.symbol.as_str() && g["action"] == l.action);
        if !same {
            return Err(Box::new(cannot_update(
                "the legs of a replacement must be the original's",
            )));
        }
    }
    let mut next = body.clone();
    if !next.is_object() {
        return Err(Box::new(validation_errors(
            StatusCode::BAD_REQUEST,
            &[("body".into(), "must be a JSON object".into())],
        )));
    }
    next["legs"] = Value::Array(legs);
    if let Some(source) = &original.ticket.source {
        next["source"] = json!(source);
    }
    Ok(next)
}

fn working_order<'a>(t: &'a mut Trading, n: &str, id: &str) -> Result<&'a Placed, Refused> {
    let missing = || Box::new(not_found());
    let id: i64 = id.parse().map_err(|_| missing())?;
    let book = t.broker.books.get(n).ok_or_else(missing)?;
    let o = book
        .orders
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(missing)?;
    if !o.working() {
        return Err(Box::new(cannot_update("the order could not be replaced")));
    }
    Ok(o)
}

/// What both replace routes start with: the caller's account, the body, the working original
/// and the replacement body.
fn replacing<'a>(
    sim: &'a SimState,
    session: &Session,
    n: &str,
    id: &str,
    body: &Bytes,
) -> Result<(Trading<'a>, Placed, Value), Refused> {
    let body = owned_body(sim, session, n, body)?;
    let mut t = sim.trading();
    let _ = t.book(sim, n);
    let original = working_order(&mut t, n, id)?.clone();
    let next = replacement(&original, &body)?;
    Ok((t, original, next))
}

/// `PUT /accounts/{n}/orders/{id}`: cancel/replace. The new order (with `replaces-order-id`)
/// answers; the old one ends `Cancelled` with `replacing-order-id`.
pub async fn replace(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((n, id)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let (mut t, original, next) = match replacing(&sim, &session, &n, &id, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let (placed, _) = match accept(&sim, &mut t, &n, &next, Some(original.id)) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let now = t.now_ms();
    let answer = order_json(&n, &placed.ticket, Some(&placed), "Routed");
    if let Some(book) = t.broker.books.get_mut(&n) {
        if let Some(i) = book.orders.iter().position(|o| o.id == original.id) {
            let old = &mut book.orders[i];
            old.status = "Cancelled";
            old.cancelled_at = Some(now);
            old.terminal_at = Some(now + 40);
            old.updated_at = now;
            old.replacing = Some(placed.id);
            book.notify_order(i, None, now);
        }
        book.orders.push(placed);
        let i = book.orders.len() - 1;
        book.notify_order(i, Some("Routed"), now);
        book.notify_order(i, None, now + 60);
    }
    let Trading { broker, market } = &mut t;
    broker.work(market, now);
    super::super::api::ok(&json!({ "data": answer, "context": uri.path() }))
}

/// `POST /accounts/{n}/orders/{id}/dry-run`: a replacement's dry-run.
pub async fn replace_dry_run(
    State(sim): State<SimState>,
    Extension(session): Extension<Session>,
    Path((n, id)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let (mut t, _, next) = match replacing(&sim, &session, &n, &id, &body) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let ticket = match ticket_for(&sim, &mut t, &n, &next) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(book) = t.broker.books.get(&n) else {
        return not_permitted();
    };
    let p = preview(&t.market, book, &ticket);
    let order = order_json(&n, &ticket, None, "Received");
    created(preview_json(order, &p, true), &uri)
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FailNextOrder {
    mode: String,
    hang_ms: Option<u64>,
}

/// `POST /sim/orders/fail-next {"mode": "timeout"|"500"}`: the next order POST is accepted
/// (it works and shows in the live list), then its answer hangs (and the connection drops)
/// or is a 500. `{"mode": "off"}` clears it.
pub async fn fail_next(State(sim): State<SimState>, body: Bytes) -> Response {
    let req: FailNextOrder = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(&e),
    };
    let how = match req.mode.as_str() {
        "timeout" => Some(Failure::Hang {
            ms: req.hang_ms.unwrap_or(DEFAULT_HANG_MS).min(120_000),
        }),
        "500" => Some(Failure::Respond {
            status: 500,
            error_code: None,
            retry_after: None,
        }),
        "off" => None,
        _ => return bad_request("mode must be \"timeout\", \"500\" or \"off\""),
    };
    let mode = req.mode.clone();
    sim.broker_slot().fail_next = how;
    json_response(StatusCode::OK, &json!({ "fail-next": mode }))
}
