//! Option chains (docs/tastytrade.md §6.10): `/option-chains/{underlying}/nested`, the flat
//! `/option-chains/{underlying}` and `/futures-option-chains/{product}/nested`, from the
//! market's generated chains, so every streamer symbol in them is one DXLink quotes.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::ok;
use crate::dates::iso;
use crate::instruments::{days_between, equity_option};
use crate::live::wire;
use crate::market::symbols::OptionName;
use crate::market::{expiration_type, future_option_rest, Instrument, Market};
use crate::query::items;
use crate::respond::not_found;
use crate::state::SimState;

/// The equity options of an underlying's chain, by expiration then strike.
fn chain_names(m: &Market, underlying: &str) -> Option<Vec<(OptionName, OptionName)>> {
    let i = m.underlying_index(underlying)?;
    let chain = m.chain(i)?;
    let root = m.underlying(i).listing.rest_symbol.clone();
    let mut out = Vec::new();
    for &expiration in &chain.expirations {
        for strike in chain.strikes() {
            let name = |call| OptionName {
                root: root.clone(),
                expiration,
                call,
                strike,
            };
            out.push((name(true), name(false)));
        }
    }
    Some(out)
}

/// `GET /option-chains/{underlying}/nested`: one item (the standard root), expirations with
/// their type, days to expiration and settlement, strikes with call/put and streamer symbols.
pub async fn nested(
    State(sim): State<SimState>,
    Path(underlying): Path<String>,
    uri: Uri,
) -> Response {
    let m = sim.market();
    let Some(pairs) = chain_names(&m, &underlying) else {
        return not_found();
    };
    let mut expirations: Vec<Value> = Vec::new();
    for (call, put) in pairs {
        let strike = json!({
            "strike-price": wire(call.strike),
            "call": call.occ(),
            "call-streamer-symbol": call.streamer(),
            "put": put.occ(),
            "put-streamer-symbol": put.streamer(),
        });
        let date = call.expiration.to_string();
        match expirations.last_mut() {
            Some(e) if e["expiration-date"] == date.as_str() => {
                if let Some(strikes) = e["strikes"].as_array_mut() {
                    strikes.push(strike);
                }
            }
            _ => expirations.push(json!({
                "expiration-type": expiration_type(call.expiration),
                "expiration-date": date,
                "days-to-expiration": days_between(m.today, call.expiration),
                "settlement-type": "PM",
                "strikes": [strike],
            })),
        }
    }
    let root = underlying.as_str();
    let item = json!({
        "underlying-symbol": root,
        "root-symbol": root,
        "option-chain-type": "Standard",
        "shares-per-contract": 100,
        "tick-sizes": [ { "value": "0.01" } ],
        "deliverables": [ {
            "id": 1,
            "root-symbol": root,
            "deliverable-type": "Shares",
            "description": format!("100 shares of {root}"),
            "amount": "100.0",
            "symbol": root,
            "instrument-type": "Equity",
            "percent": "100",
        } ],
        "expirations": expirations,
    });
    ok(&items(vec![item], uri.path()))
}

/// `GET /option-chains/{underlying}`: every equity option object of the chain.
pub async fn flat(
    State(sim): State<SimState>,
    Path(underlying): Path<String>,
    uri: Uri,
) -> Response {
    let m = sim.market();
    let Some(pairs) = chain_names(&m, &underlying) else {
        return not_found();
    };
    let options = pairs
        .iter()
        .flat_map(|(c, p)| [c, p])
        .filter_map(|name| match m.resolve(&name.streamer())? {
            Instrument::Option(o) => Some(equity_option(&m, &o)),
            Instrument::Underlying(_) => None,
        })
        .collect();
    ok(&items(options, uri.path()))
}

/// `GET /futures-option-chains/{product}/nested` (`ES`): `data` is an object with `futures`
/// and `option-chains` (docs/tastytrade.md §6.10).
pub async fn futures_nested(
    State(sim): State<SimState>,
    Path(product): Path<String>,
    uri: Uri,
) -> Response {
    let m = sim.market();
    let code = product.trim_start_matches('/');
    let Some(chain) = m.future_chains().iter().find(|c| c.product == code) else {
        return not_found();
    };
    let future = &m.underlying(chain.underlying).listing;
    let root = format!("/{code}");
    let Some(contract) =
        crate::market::catalog::FutureContract::parse(&future.rest_symbol, m.today)
    else {
        return not_found();
    };
    let future_expiry = contract.expiration();
    let future_expires_at = iso(future_expiry.at_et(9, 30, 0, 0));
    let expirations: Vec<Value> = chain
        .expirations
        .iter()
        .map(|exp| {
            let expires_at = iso(exp.date.at_et(16, 0, 0, 0));
            let strikes: Vec<Value> = chain
                .strikes
                .iter()
                .filter_map(|&strike| {
                    let symbol = |call| future_option_rest(&future.rest_symbol, exp, call, strike);
                    let (call, put) = (symbol(true), symbol(false));
                    let streamer = |rest: &str| match m.resolve_rest(rest)? {
                        Instrument::Option(o) => Some(o.symbol.clone()),
                        Instrument::Underlying(_) => None,
                    };
                    Some(json!({
                        "strike-price": wire(strike),
                        "call-streamer-symbol": streamer(&call)?,
                        "put-streamer-symbol": streamer(&put)?,
                        "call": call,
                        "put": put,
                    }))
                })
                .collect();
            json!({
                "underlying-symbol": future.rest_symbol,
                "root-symbol": root,
                "option-root-symbol": exp.option_root,
                "option-contract-symbol": exp.contract,
                "asset": exp.option_root,
                "expiration-date": exp.date.to_string(),
                "days-to-expiration": days_between(m.today, exp.date),
                "expiration-type": exp.kind,
                "settlement-type": "PM",
                "notional-value": "0.5",
                "display-factor": "0.01",
                "strike-factor": "1.0",
                "stops-trading-at": expires_at,
                "expires-at": expires_at,
                "tick-sizes": [ { "value": "0.05" } ],
                "strikes": strikes,
            })
        })
        .collect();
    ok(&json!({
        "data": {
            "futures": [ {
                "symbol": future.rest_symbol,
                "root-symbol": root,
                "expiration-date": future_expiry.to_string(),
                "days-to-expiration": days_between(m.today, future_expiry),
                "active-month": true,
                "next-active-month": false,
                "stops-trading-at": future_expires_at,
                "expires-at": future_expires_at,
                "maturity-date": future_expiry.to_string(),
            } ],
            "option-chains": [ {
                "underlying-symbol": root,
                "root-symbol": root,
                "exercise-style": "American",
                "expirations": expirations,
            } ],
        },
        "context": uri.path(),
    }))
}
