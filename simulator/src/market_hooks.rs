//! Test hooks for the market under `/sim/market/*` (docs/contracts.md, simulator § Market
//! hooks; the same guard as the other hooks: loopback only, JSON bodies).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::hooks::{bad_request, parse_body};
use crate::market::{Instrument, Market};
use crate::respond::json_response;
use crate::state::SimState;

/// Largest `/sim/market/auth-delay` and most ticks one `/sim/market/step` applies.
const MAX_AUTH_DELAY_MS: u64 = 60_000;
const MAX_STEP: u64 = 100_000;
const MAX_TICKS_PER_SEC: f64 = 1000.0;

fn state_json(m: &Market) -> Value {
    let pins: Map<String, Value> = m
        .pins()
        .into_iter()
        .map(|(s, p)| (s, json!(crate::live::wire(p))))
        .collect();
    json!({
        "seed": m.seed,
        "tick": m.tick(),
        "ticks-per-sec": m.control.ticks_per_sec,
        "paused": m.control.paused,
        "open": m.control.open,
        "auth-delay-ms": m.control.auth_delay_ms,
        "pins": pins,
        "session-date": m.session.date.to_string(),
        "clock": crate::dates::iso_z(m.tick_ms()),
    })
}

/// A hook's answer, or the 400 its body earned.
type Hooked = Result<Response, Response>;

fn answer(m: &Market) -> Response {
    json_response(StatusCode::OK, &state_json(m))
}

pub async fn get(State(sim): State<SimState>) -> Response {
    answer(&sim.market())
}

pub async fn pause(State(sim): State<SimState>) -> Response {
    let mut m = sim.market();
    m.set_control(Instant::now(), |c| c.paused = true);
    answer(&m)
}

pub async fn resume(State(sim): State<SimState>) -> Response {
    let mut m = sim.market();
    m.set_control(Instant::now(), |c| c.paused = false);
    answer(&m)
}

/// The market from its first tick again, with the command line's settings.
pub async fn reset(State(sim): State<SimState>) -> Response {
    *sim.market_slot() = None;
    answer(&sim.market())
}

/// A price as a JSON number or a decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Price {
    Number(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct PinRequest {
    /// A streamer symbol (`SPY`, `.SPY261218C700`, `/ESZ26:XCME`) or a REST one.
    symbol: String,
    /// `null` or absent releases the pin.
    price: Option<Price>,
}

fn streamer_symbol(m: &Market, symbol: &str) -> Option<String> {
    let inst = m.resolve(symbol).or_else(|| m.resolve_rest(symbol))?;
    Some(match inst {
        Instrument::Underlying(i) => m.underlying(i).listing.symbol.clone(),
        Instrument::Option(o) => o.symbol.clone(),
    })
}

/// Pins a price: the underlying stays there (its options reprice from it), or an option's
/// own price stays there (its volatility is implied from it). REST marks show it too.
pub async fn pin(State(sim): State<SimState>, body: Bytes) -> Hooked {
    let req: PinRequest = parse_body(&body).map_err(|e| bad_request(&e))?;
    let price = match req.price {
        None => None,
        Some(Price::Number(p)) => Some(p),
        Some(Price::Text(t)) => match t.trim().parse::<f64>() {
            Ok(p) => Some(p),
            Err(_) => return Err(bad_request("price must be a number")),
        },
    };
    if price.is_some_and(|p| !(p.is_finite() && p > 0.0)) {
        return Err(bad_request("price must be a positive number"));
    }
    let mut m = sim.market();
    let Some(symbol) = streamer_symbol(&m, &req.symbol) else {
        return Err(bad_request(&format!("unknown symbol {:?}", req.symbol)));
    };
    m.pin(&symbol, price);
    Ok(answer(&m))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct TickRate {
    ticks_per_sec: f64,
}

pub async fn tick_rate(State(sim): State<SimState>, body: Bytes) -> Hooked {
    let req: TickRate = parse_body(&body).map_err(|e| bad_request(&e))?;
    if !(0.0..=MAX_TICKS_PER_SEC).contains(&req.ticks_per_sec) {
        return Err(bad_request(&format!(
            "ticks-per-sec must be 0 to {MAX_TICKS_PER_SEC}"
        )));
    }
    let mut m = sim.market();
    m.set_control(Instant::now(), |c| c.ticks_per_sec = req.ticks_per_sec);
    Ok(answer(&m))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Step {
    ticks: Option<u64>,
}

/// Applies ticks now, whatever the rate or pause: deterministic movement for tests.
pub async fn step(State(sim): State<SimState>, body: Bytes) -> Hooked {
    let req: Step = parse_body(&body).map_err(|e| bad_request(&e))?;
    let n = req.ticks.unwrap_or(1);
    if n > MAX_STEP {
        return Err(bad_request(&format!("ticks must be at most {MAX_STEP}")));
    }
    let mut m = sim.market();
    m.step(n, Instant::now());
    Ok(answer(&m))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SessionState {
    state: String,
}

/// The market hours: `Open` or `Closed` (a closed market doesn't move).
pub async fn session(State(sim): State<SimState>, body: Bytes) -> Hooked {
    let req: SessionState = parse_body(&body).map_err(|e| bad_request(&e))?;
    let open = match req.state.as_str() {
        "Open" => true,
        "Closed" => false,
        other => {
            return Err(bad_request(&format!(
                "state must be Open or Closed, not {other:?}"
            )))
        }
    };
    let mut m = sim.market();
    m.set_control(Instant::now(), |c| c.open = open);
    Ok(answer(&m))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct AuthDelay {
    ms: u64,
}

/// Delays `AUTH_STATE AUTHORIZED` on sockets that authorize from now on.
pub async fn auth_delay(State(sim): State<SimState>, body: Bytes) -> Hooked {
    let req: AuthDelay = parse_body(&body).map_err(|e| bad_request(&e))?;
    if req.ms > MAX_AUTH_DELAY_MS {
        return Err(bad_request(&format!(
            "ms must be at most {MAX_AUTH_DELAY_MS}"
        )));
    }
    let mut m = sim.market();
    m.set_control(Instant::now(), |c| c.auth_delay_ms = req.ms);
    Ok(answer(&m))
}

/// Closes every DXLink socket without a close frame, as a network drop would.
pub async fn drop_sockets(State(sim): State<SimState>) -> Response {
    let dropped = sim.dxlink().drop_all();
    json_response(StatusCode::OK, &json!({ "dropped": dropped }))
}

/// Open sockets, subscriptions per socket (with duplicate adds counted), messages sent.
pub async fn stats(State(sim): State<SimState>) -> Response {
    json_response(StatusCode::OK, &sim.dxlink().stats_json())
}

pub async fn expire_quote_tokens(State(sim): State<SimState>) -> Response {
    let expired = sim.expire_quote_tokens();
    json_response(StatusCode::OK, &json!({ "expired": expired }))
}
