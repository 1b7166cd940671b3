//! `GET /instruments/futures` and `GET /instruments/future-options` (docs/tastytrade.md §6.9):
//! what the app needs of them, chiefly the `streamer-symbol` DXLink knows a contract by.

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::ok;
use crate::dates::iso;
use crate::live::wire;
use crate::market::catalog::FutureContract;
use crate::market::{Instrument, Market};
use crate::query::{items, Query};
use crate::state::SimState;

fn future(m: &Market, rest: &str) -> Option<Value> {
    let contract = FutureContract::parse(rest, m.today)?;
    // Only contracts the market quotes.
    let Some(Instrument::Underlying(_)) = m.resolve(&contract.streamer_symbol()) else {
        return None;
    };
    let code = contract.root.trim_start_matches('/');
    let expiration = contract.expiration();
    let expires_at = iso(expiration.at_et(9, 30, 0, 0));
    Some(json!({
        "symbol": rest,
        "product-code": code,
        "tick-size": wire(contract.tick),
        "notional-multiplier": wire(contract.multiplier),
        "display-factor": "1.0",
        "expiration-date": expiration.to_string(),
        "last-trade-date": expiration.to_string(),
        "stops-trading-at": expires_at,
        "expires-at": expires_at,
        "active": true,
        "active-month": true,
        "is-closing-only": false,
        "is-tradeable": true,
        "exchange": if contract.exchange == "XCME" { "CME" } else { "CBOT" },
        "streamer-exchange-code": contract.exchange,
        "streamer-symbol": contract.streamer_symbol(),
        "future-product": {
            "root-symbol": contract.root,
            "code": code,
            "description": contract.description,
            "streamer-exchange-code": contract.exchange,
            "notional-multiplier": wire(contract.multiplier),
            "tick-size": wire(contract.tick),
        },
    }))
}

/// `GET /instruments/futures?symbol[]=/ESZ6&product-code[]=ES`: contracts the market quotes.
pub async fn futures(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let market = sim.market();
    let mut symbols: Vec<String> = q
        .all("symbol[]")
        .into_iter()
        .chain(q.all("symbol"))
        .map(str::to_owned)
        .collect();
    let codes: Vec<&str> = q
        .all("product-code[]")
        .into_iter()
        .chain(q.all("product-code"))
        .collect();
    for u in market.underlyings() {
        let rest = &u.listing.rest_symbol;
        let root = rest
            .get(1..rest.len().saturating_sub(2))
            .unwrap_or_default();
        if rest.starts_with('/') && codes.contains(&root) && !symbols.contains(rest) {
            symbols.push(rest.clone());
        }
    }
    let found = symbols.iter().filter_map(|s| future(&market, s)).collect();
    ok(&items(found, uri.path()))
}

/// `GET /instruments/future-options?symbol[]=./ESZ6 EW4Z6 261224C7000`: options the market
/// quotes (those the fixtures and the ledger hold).
pub async fn future_options(
    State(sim): State<SimState>,
    RawQuery(raw): RawQuery,
    uri: Uri,
) -> Response {
    let q = Query::parse(raw.as_deref());
    let market = sim.market();
    let found: Vec<Value> = q
        .all("symbol[]")
        .into_iter()
        .chain(q.all("symbol"))
        .filter_map(|s| match market.resolve_rest(s)? {
            Instrument::Option(o) if o.on_future => {
                let future = &market.underlying(o.underlying).listing;
                let code = future.rest_symbol.trim_start_matches('/');
                let root = code.get(..code.len().saturating_sub(2)).unwrap_or_default();
                Some(json!({
                    "symbol": o.rest_symbol,
                    "underlying-symbol": future.rest_symbol,
                    "product-code": root,
                    "root-symbol": format!("/{root}"),
                    "option-root-symbol": root,
                    "expiration-date": o.expiration.to_string(),
                    "expires-at": iso(o.expires_ms),
                    "strike-price": wire(o.strike),
                    "option-type": if o.call { "C" } else { "P" },
                    "exercise-style": "American",
                    "settlement-type": "Future",
                    "multiplier": wire(o.multiplier),
                    "notional-value": "1.0",
                    "is-closing-only": false,
                    "active": true,
                    "exchange": "CME",
                    "streamer-symbol": o.symbol,
                }))
            }
            _ => None,
        })
        .collect();
    ok(&items(found, uri.path()))
}
