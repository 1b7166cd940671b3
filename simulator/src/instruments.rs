//! Instruments (docs/tastytrade.md §6.10): equities, equity options,
//! futures, future products, future options and the symbol search, for what the market
//! quotes. Each object carries the `streamer-symbol` DXLink knows it by.

use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::api::ok;
use crate::dates::{iso, Date, MS_PER_DAY};
use crate::live::wire;
use crate::market::catalog::{self, FutureContract, Kind, Listing};
use crate::market::{expiration_type, Instrument, Market, OptionSpec};
use crate::query::{items, paginated, Query};
use crate::respond::not_found;
use crate::state::SimState;

/// The equities list's page size (docs/tastytrade.md §4.2: equities lists 1000).
const EQUITIES_PER_PAGE: u64 = 1000;
/// The futures list's default page size (tastyware asks for 250).
const FUTURES_PER_PAGE: u64 = 250;
/// Most symbol search results.
const SEARCH_LIMIT: usize = 20;

/// `symbol[]` and `symbol` values of a query.
fn symbols(q: &Query) -> Vec<String> {
    q.all("symbol[]")
        .into_iter()
        .chain(q.all("symbol"))
        .map(str::to_owned)
        .collect()
}

/// Whole days from `today` to `date` (negative once past).
pub fn days_between(today: Date, date: Date) -> i64 {
    (date.start_ms() - today.start_ms()).div_euclid(MS_PER_DAY)
}

/// The instruments `lookup` finds for the query's `symbol[]` (unknown ones are left out), as one
/// unpaginated list.
fn listed(
    sim: &SimState,
    raw: Option<&str>,
    uri: &Uri,
    lookup: fn(&Market, &str) -> Option<Value>,
) -> Response {
    let q = Query::parse(raw);
    let market = sim.market();
    let found = symbols(&q)
        .iter()
        .filter_map(|s| lookup(&market, s))
        .collect();
    ok(&items(found, uri.path()))
}

fn one(found: Option<Value>, uri: &Uri) -> Response {
    match found {
        Some(data) => ok(&json!({ "data": data, "context": uri.path() })),
        None => not_found(),
    }
}

/// A fake, obviously not real, identifier per listing (cusip, id).
fn listing_id(m: &Market, symbol: &str) -> usize {
    m.underlying_index(symbol).unwrap_or(0) + 1000
}

fn listed_market(l: &Listing) -> &'static str {
    match l.kind {
        Kind::Etf => "ARCX",
        Kind::Index => "XCBO",
        _ => "XNAS",
    }
}

/// The equity object (docs/tastytrade.md §6.10) of a stock, ETF or index the market quotes.
pub fn equity(m: &Market, rest: &str) -> Option<Value> {
    let Some(Instrument::Underlying(i)) = m.resolve_rest(rest) else {
        return None;
    };
    let l = &m.underlying(i).listing;
    if l.kind == Kind::Future {
        return None;
    }
    let id = listing_id(m, &l.symbol);
    Some(json!({
        "id": id,
        "symbol": l.rest_symbol,
        "instrument-type": "Equity",
        "cusip": format!("SIM{id:06}"),
        "short-description": l.description.to_uppercase(),
        "description": l.description,
        "listed-market": listed_market(l),
        "lendability": "Easy To Borrow",
        "borrow-rate": "0.0",
        "market-time-instrument-collection": "Equity",
        "is-index": l.kind == Kind::Index,
        "is-etf": l.kind == Kind::Etf,
        "is-illiquid": false,
        "is-fraud-risk": false,
        "is-closing-only": false,
        "is-options-closing-only": false,
        "active": true,
        "is-fractional-quantity-eligible": l.kind == Kind::Stock,
        "bypass-manual-review": false,
        "overnight-trading-permitted": false,
        "streamer-symbol": l.symbol,
        "tick-sizes": [ { "threshold": "1.0", "value": "0.0001" }, { "value": "0.01" } ],
        "option-tick-sizes": if l.optionable { json!([{ "value": "0.01" }]) } else { json!([]) },
    }))
}

/// The equity option object (docs/tastytrade.md §6.10).
pub fn equity_option(m: &Market, o: &OptionSpec) -> Value {
    let underlying = &m.underlying(o.underlying).listing;
    json!({
        "symbol": o.rest_symbol,
        "instrument-type": "Equity Option",
        "active": o.expiration >= m.today,
        "strike-price": wire(o.strike),
        "root-symbol": underlying.rest_symbol,
        "underlying-symbol": underlying.rest_symbol,
        "expiration-date": o.expiration.to_string(),
        "exercise-style": "American",
        "shares-per-contract": o.multiplier as i64,
        "option-type": if o.call { "C" } else { "P" },
        "option-chain-type": "Standard",
        "expiration-type": expiration_type(o.expiration),
        "settlement-type": "PM",
        "stops-trading-at": iso(o.expires_ms),
        "expires-at": iso(o.expires_ms),
        "market-time-instrument-collection": "Equity Option",
        "days-to-expiration": days_between(m.today, o.expiration),
        "is-closing-only": false,
        "listed-market": "XCBO",
        "old-security-number": null,
        "halted-at": null,
        "streamer-symbol": o.symbol,
    })
}

fn equity_option_by_rest(m: &Market, rest: &str) -> Option<Value> {
    match m.resolve_rest(rest)? {
        Instrument::Option(o) if !o.on_future => Some(equity_option(m, &o)),
        _ => None,
    }
}

/// The future object (docs/tastytrade.md §6.10) of a contract the market quotes, named `/ESZ6` or
/// `ESZ6` (tastyware strips the slash from the path).
fn future(m: &Market, symbol: &str) -> Option<Value> {
    let rest = &format!("/{}", symbol.trim_start_matches('/'));
    let contract = FutureContract::parse(rest, m.today)?;
    // Only contracts the market quotes.
    let Some(Instrument::Underlying(_)) = m.resolve(&contract.streamer_symbol()) else {
        return None;
    };
    let code = contract.root.trim_start_matches('/');
    let expiration = contract.expiration();
    let expires_at = iso(expiration.at_et(9, 30, 0, 0));
    let product = catalog::future_products()
        .into_iter()
        .find(|p| p.root == contract.root)?;
    let body = rest.trim_start_matches('/');
    Some(json!({
        "symbol": rest,
        "product-code": code,
        "contract-size": wire(contract.multiplier),
        "tick-size": wire(contract.tick),
        "notional-multiplier": wire(contract.multiplier),
        "main-fraction": "0.0",
        "sub-fraction": "0.0",
        "display-factor": "1.0",
        "expiration-date": expiration.to_string(),
        "last-trade-date": expiration.to_string(),
        "closing-only-date": expiration.add_days(-7).to_string(),
        "stops-trading-at": expires_at,
        "expires-at": expires_at,
        "active": true,
        "active-month": true,
        "next-active-month": false,
        "is-closing-only": false,
        "is-tradeable": true,
        "exchange": exchange_name(contract.exchange),
        "exchange-symbol": body,
        "product-group": "SIM_FUTURES",
        "security-id": format!("SIM{}", body.len() * 1000 + contract.month as usize),
        "back-month-first-calendar-symbol": false,
        "streamer-exchange-code": contract.exchange,
        "streamer-symbol": contract.streamer_symbol(),
        "tick-sizes": [ { "value": wire(contract.tick) } ],
        "option-tick-sizes": [ { "value": "0.05" } ],
        "future-product": future_product(&product),
    }))
}

fn exchange_name(mic: &str) -> &'static str {
    match mic {
        "XCME" => "CME",
        "XCBT" => "CBOT",
        "XNYM" => "NYMEX",
        _ => "CME",
    }
}

const ALL_MONTHS: [&str; 12] = ["F", "G", "H", "J", "K", "M", "N", "Q", "U", "V", "X", "Z"];
const QUARTER_MONTHS: [&str; 4] = ["H", "M", "U", "Z"];

/// The future product object (docs/tastytrade.md §6.10, `future-product`).
fn future_product(p: &catalog::FutureProduct) -> Value {
    let code = p.root.trim_start_matches('/');
    let months: &[&str] = if p.quarterly {
        &QUARTER_MONTHS
    } else {
        &ALL_MONTHS
    };
    let index = p.quarterly;
    json!({
        "root-symbol": p.root,
        "code": code,
        "description": p.description,
        "exchange": exchange_name(p.exchange),
        "product-type": if index { "Financial" } else { "Physical" },
        "market-sector": if index { "Equity Index" } else { "Energy" },
        "listed-months": months,
        "active-months": months,
        "notional-multiplier": wire(p.multiplier),
        "tick-size": wire(p.tick),
        "display-factor": "1.0",
        "streamer-exchange-code": p.exchange,
        "cash-settled": index,
        "first-notice": !index,
        "small-notional": p.description.starts_with("Micro"),
        "back-month-first-calendar-symbol": false,
        "clearing-code": code,
        "clearing-exchange-code": "SIM",
        "supported": true,
        "roll": {
            "name": if index { "equity_index" } else { "energies" },
            "active-count": if index { 2 } else { 3 },
            "business-days-offset": 8,
            "cash-settled": index,
            "first-notice": !index,
        },
    })
}

/// `GET /instruments/futures[?symbol[]=/ESZ6&product-code[]=ES]`: contracts the market
/// quotes; without a filter, every one. Paginated (tastyware pages through it).
pub async fn futures(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let page = match q.page(FUTURES_PER_PAGE) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let market = sim.market();
    let mut wanted = symbols(&q);
    let codes: Vec<&str> = q
        .all("product-code[]")
        .into_iter()
        .chain(q.all("product-code"))
        .collect();
    let unfiltered = wanted.is_empty() && codes.is_empty();
    for u in market.underlyings() {
        let rest = &u.listing.rest_symbol;
        let root = rest
            .get(1..rest.len().saturating_sub(2))
            .unwrap_or_default();
        if rest.starts_with('/') && (unfiltered || codes.contains(&root)) && !wanted.contains(rest)
        {
            wanted.push(rest.clone());
        }
    }
    let found = wanted.iter().filter_map(|s| future(&market, s)).collect();
    ok(&paginated(found, page, uri.path()))
}

/// `GET /instruments/futures/{symbol}` (`%2FESZ6`).
pub async fn future_by_symbol(
    State(sim): State<SimState>,
    Path(symbol): Path<String>,
    uri: Uri,
) -> Response {
    one(future(&sim.market(), &symbol), &uri)
}

/// `GET /instruments/future-products`.
pub async fn future_products(uri: Uri) -> Response {
    let all = catalog::future_products()
        .iter()
        .map(future_product)
        .collect();
    ok(&items(all, uri.path()))
}

/// `GET /instruments/future-products/{exchange}/{code}`.
pub async fn future_product_by_code(
    Path((exchange, code)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    let found = catalog::future_products()
        .iter()
        .find(|p| {
            p.root.trim_start_matches('/') == code.trim_start_matches('/')
                && exchange_name(p.exchange) == exchange
        })
        .map(future_product);
    one(found, &uri)
}

/// The future option object (docs/tastytrade.md §6.10) of an option the market quotes.
fn future_option(market: &Market, rest: &str) -> Option<Value> {
    let Instrument::Option(o) = market.resolve_rest(rest)? else {
        return None;
    };
    if !o.on_future {
        return None;
    }
    let future = &market.underlying(o.underlying).listing;
    let code = future.rest_symbol.trim_start_matches('/');
    let root = code.get(..code.len().saturating_sub(2)).unwrap_or_default();
    let option_root = o
        .rest_symbol
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.get(..c.len().saturating_sub(2)))
        .unwrap_or(root)
        .to_owned();
    Some(json!({
        "symbol": o.rest_symbol,
        "instrument-type": "Future Option",
        "underlying-symbol": future.rest_symbol,
        "product-code": root,
        "root-symbol": format!("/{root}"),
        "option-root-symbol": option_root,
        "expiration-date": o.expiration.to_string(),
        "days-to-expiration": days_between(market.today, o.expiration),
        "stops-trading-at": iso(o.expires_ms),
        "expires-at": iso(o.expires_ms),
        "strike-price": wire(o.strike),
        "option-type": if o.call { "C" } else { "P" },
        "exercise-style": "American",
        "settlement-type": "Future",
        "multiplier": wire(o.multiplier),
        "notional-value": "1.0",
        "display-factor": "1.0",
        "strike-factor": "1.0",
        "is-closing-only": false,
        "active": true,
        "is-exercisable-weekly": true,
        "exchange": "CME",
        "streamer-symbol": o.symbol,
    }))
}

/// `GET /instruments/future-options?symbol[]=./ESZ6 EW4Z6 261224C7000`: options the market
/// quotes (the generated /ES chain, and those the fixtures and the ledger hold).
pub async fn future_options(
    State(sim): State<SimState>,
    RawQuery(raw): RawQuery,
    uri: Uri,
) -> Response {
    listed(&sim, raw.as_deref(), &uri, future_option)
}

/// `GET /instruments/future-options/{symbol}`.
pub async fn future_option_by_symbol(
    State(sim): State<SimState>,
    Path(symbol): Path<String>,
    uri: Uri,
) -> Response {
    one(future_option(&sim.market(), &symbol), &uri)
}

/// `GET /instruments/equities?symbol[]=AAPL&symbol[]=SPY` (paginated); without symbols, every
/// equity the market quotes (`is-etf`, `is-index` filters).
pub async fn equities(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let page = match q.page(EQUITIES_PER_PAGE) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let flags = match (q.boolean("is-etf"), q.boolean("is-index")) {
        (Ok(etf), Ok(index)) => (etf, index),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let market = sim.market();
    let mut wanted = symbols(&q);
    if wanted.is_empty() {
        wanted = market
            .underlyings()
            .iter()
            .filter(|u| u.listing.kind != Kind::Future)
            .map(|u| u.listing.rest_symbol.clone())
            .collect();
    }
    let found: Vec<Value> = wanted
        .iter()
        .filter_map(|s| equity(&market, s))
        .filter(|e| {
            flags.0.is_none_or(|f| e["is-etf"] == f) && flags.1.is_none_or(|f| e["is-index"] == f)
        })
        .collect();
    ok(&paginated(found, page, uri.path()))
}

/// `GET /instruments/equities/{symbol}`.
pub async fn equity_by_symbol(
    State(sim): State<SimState>,
    Path(symbol): Path<String>,
    uri: Uri,
) -> Response {
    one(equity(&sim.market(), &symbol), &uri)
}

/// `GET /instruments/equity-options?symbol[]=SPY   261218C00700000`.
pub async fn equity_options(
    State(sim): State<SimState>,
    RawQuery(raw): RawQuery,
    uri: Uri,
) -> Response {
    listed(&sim, raw.as_deref(), &uri, equity_option_by_rest)
}

/// `GET /instruments/equity-options/{occ}` (spaces as `%20`).
pub async fn equity_option_by_symbol(
    State(sim): State<SimState>,
    Path(symbol): Path<String>,
    uri: Uri,
) -> Response {
    one(equity_option_by_rest(&sim.market(), &symbol), &uri)
}

/// `GET /symbols/search/{prefix}` (docs/tastytrade.md §6.10): symbols starting with the prefix
/// first (an exact match on top), then descriptions with a word starting with it; at most 20.
/// Futures come as their front contract when the prefix starts with `/`.
pub async fn search(State(sim): State<SimState>, Path(prefix): Path<String>, uri: Uri) -> Response {
    let needle = prefix.trim().to_uppercase();
    let market = sim.market();
    let mut ranked: Vec<(u8, &Listing)> = Vec::new();
    if !needle.is_empty() {
        for u in market.underlyings() {
            let l = &u.listing;
            let symbol = l.rest_symbol.to_uppercase();
            let description = l.description.to_uppercase();
            let rank = if symbol == needle {
                0
            } else if symbol.starts_with(&needle) {
                1
            } else if description
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| !w.is_empty() && w.starts_with(&needle))
            {
                2
            } else {
                continue;
            };
            ranked.push((rank, l));
        }
    }
    ranked.sort_by(|a, b| (a.0, &a.1.rest_symbol).cmp(&(b.0, &b.1.rest_symbol)));
    let found = ranked
        .into_iter()
        .take(SEARCH_LIMIT)
        .map(|(_, l)| {
            let future = l.kind == Kind::Future;
            json!({
                "symbol": l.rest_symbol,
                "description": l.description,
                "listed-market": if future { exchange_name("XCME") } else { listed_market(l) },
                "price-increments": wire(l.tick),
                "trading-hours": "",
                "options": l.optionable && !l.rest_symbol.starts_with("LD"),
                "instrument-type": match l.kind {
                    Kind::Future => "Future",
                    Kind::Index => "Index",
                    _ => "Equity",
                },
            })
        })
        .collect();
    ok(&items(found, uri.path()))
}
