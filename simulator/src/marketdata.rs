//! Market-data REST endpoints (docs/contracts.md, simulator § Market): the quote token that
//! opens the DXLink stream, market metrics, REST quote snapshots and the market session.
//! Every value comes from the market engine, so REST and the stream agree.

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::api::ok;
use crate::dates::{iso_z, Date};
use crate::ledger::rng::{seed, Rng};
use crate::live::wire;
use crate::market::catalog::Kind;
use crate::market::{surface, Instrument, Market, Session};
use crate::query::{items, validation_error, Query};
use crate::state::{Session as Caller, SimState};

/// Most symbols one `/market-data/by-type` request may name (docs/tastytrade.md §6.9).
pub const MAX_BY_TYPE: usize = 100;
/// `/market-data/by-type` parameters and the instrument type each names.
const BY_TYPE: [(&str, &str); 6] = [
    ("equity", "Equity"),
    ("index", "Index"),
    ("equity-option", "Equity Option"),
    ("future", "Future"),
    ("future-option", "Future Option"),
    ("cryptocurrency", "Cryptocurrency"),
];

/// Every value of a list parameter, however the client wrote it: repeated (`a=1&a=2`, as
/// httpx does), with brackets (`a[]=1`), or comma-joined (`a=1,2`).
fn list(q: &Query, key: &str) -> Vec<String> {
    let bracketed = format!("{key}[]");
    q.all(key)
        .into_iter()
        .chain(q.all(&bracketed))
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /api-quote-tokens`: a market-data token for the DXLink stream and where to use it.
/// The URL comes from the configuration (`--dxlink-url`, default this listener), never from
/// the request's `Host`.
pub async fn quote_token(
    State(sim): State<SimState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    let (token, ttl) = sim.issue_quote_token(&caller.customer_id);
    let issued = crate::live::wall_ms();
    ok(&json!({
        "data": {
            "token": token,
            "dxlink-url": sim.config().dxlink_url,
            "level": "api",
            "issued-at": iso_z(issued),
            "expires-at": iso_z(issued + ttl as i64 * 1000),
        },
        "context": uri.path(),
    }))
}

fn fraction(v: f64) -> String {
    format!("{v:.9}")
}

fn percent(v: f64) -> String {
    format!("{:.2}", v * 100.0)
}

/// Metrics for one underlying; rank, percentile, liquidity and earnings are deterministic per
/// symbol, the volatilities come from the engine's surface.
fn metric(m: &Market, i: usize) -> Value {
    let u = m.underlying(i);
    let l = &u.listing;
    let mut rng = Rng::new(seed(&["metrics", &l.symbol]));
    let atm = m.atm_vol(i);
    let iv_index = surface::iv_index(atm);
    let s = u.mark();
    let now = m.tick_ms();
    let updated = iso_z(now);
    let rank = 0.05 + 0.9 * rng.unit();
    let percentile = (rank + 0.2 * (rng.unit() - 0.5)).clamp(0.01, 0.99);
    let mut hv = |f: f64| l.vol * (0.9 + f * rng.unit());
    let (hv30, hv60, hv90) = (hv(0.2), hv(0.15), hv(0.1));
    let expirations: Vec<Value> = m
        .chain(i)
        .map(|c| c.expirations.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|exp| {
            let years = (exp.at_et(16, 0, 0, 0) - now) as f64 / (365.0 * 86_400_000.0);
            json!({
                "expiration-date": exp.to_string(),
                "option-chain-type": "Standard",
                "settlement-type": "PM",
                "implied-volatility": fraction(surface::implied_vol(atm, s, s, years)),
            })
        })
        .collect();
    let liquidity_rating = 1 + (rng.unit() * 5.0).min(4.999) as u32;
    let mut item = json!({
        "symbol": l.rest_symbol,
        "implied-volatility-index": fraction(iv_index),
        "implied-volatility-index-15-day": fraction(iv_index * (0.97 + 0.06 * rng.unit())),
        "implied-volatility-index-5-day-change": fraction(iv_index * 0.1 * (rng.unit() - 0.5)),
        "implied-volatility-index-rank": fraction(rank),
        "tos-implied-volatility-index-rank": fraction(rank),
        "tw-implied-volatility-index-rank": fraction((rank * 0.9).min(1.0)),
        "tos-implied-volatility-index-rank-updated-at": updated,
        "implied-volatility-index-rank-source": "tos",
        "implied-volatility-percentile": fraction(percentile),
        "implied-volatility-updated-at": updated,
        "liquidity-value": format!("{:.9}", 1000.0 + 100_000.0 * rng.unit()),
        "liquidity-rank": fraction(rng.unit()),
        "liquidity-rating": liquidity_rating,
        "updated-at": updated,
        "option-expiration-implied-volatilities": expirations,
        "beta": fraction(l.beta),
        "beta-updated-at": updated,
        "corr-spy-3month": format!("{:.2}", (l.beta.abs() / 1.5).min(0.98)),
        "market-cap": (s * l.daily_volume * 400.0).round() as u64,
        "implied-volatility-30-day": percent(iv_index),
        "historical-volatility-30-day": percent(hv30),
        "historical-volatility-60-day": percent(hv60),
        "historical-volatility-90-day": percent(hv90),
        "iv-hv-30-day-difference": percent(iv_index - hv30),
        "listed-market": if l.kind == Kind::Index { "XCBO" } else { "XNAS" },
        "lendability": "Easy To Borrow",
        "borrow-rate": "0.0",
    });
    if l.kind == Kind::Stock {
        let eps = s / (15.0 + 30.0 * rng.unit());
        let report = m.today.add_days(10 + (rng.unit() * 80.0) as i32);
        let extra = json!({
            "earnings": {
                "visible": true,
                "expected-report-date": report.to_string(),
                "estimated": false,
                "late-flag": 0,
                "quarter-end-date": report.add_days(-35).to_string(),
                "actual-eps": format!("{:.2}", eps / 4.0),
                "consensus-estimate": format!("{:.2}", eps / 4.0 * (0.95 + 0.1 * rng.unit())),
                "time-of-day": "AMC",
                "updated-at": updated,
            },
            "price-earnings-ratio": format!("{:.5}", s / eps),
            "earnings-per-share": format!("{eps:.5}"),
            "sector": l.sector,
            "industry": l.sector,
        });
        extend(&mut item, extra);
    }
    if matches!(l.kind, Kind::Stock | Kind::Etf) {
        let yield_ = 0.03 * rng.unit();
        let per_share = s * yield_ / 4.0;
        let ex = m.today.add_days(5 + (rng.unit() * 60.0) as i32);
        extend(
            &mut item,
            json!({
                "dividend-rate-per-share": format!("{per_share:.2}"),
                "annual-dividend-per-share": format!("{:.2}", per_share * 4.0),
                "dividend-yield": fraction(yield_),
                "dividend-ex-date": ex.to_string(),
                "dividend-pay-date": ex.add_days(14).to_string(),
                "dividend-updated-at": updated,
            }),
        );
    }
    item
}

fn extend(item: &mut Value, extra: Value) {
    if let (Some(into), Value::Object(from)) = (item.as_object_mut(), extra) {
        into.extend(from);
    }
}

/// `GET /market-metrics?symbols=AAPL,SPY`: one item per known underlying; unknown symbols
/// are simply missing (docs/tastytrade.md §6.9).
pub async fn metrics(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let market = sim.market();
    let found: Vec<Value> = list(&q, "symbols")
        .iter()
        .filter_map(|s| match market.resolve_rest(s) {
            Some(Instrument::Underlying(i)) => Some(metric(&market, i)),
            _ => None,
        })
        .collect();
    ok(&items(found, uri.path()))
}

fn maybe_nan(v: f64) -> Value {
    if v.is_finite() {
        Value::String(wire(v))
    } else {
        Value::Null
    }
}

/// One REST quote (docs/tastytrade.md §6.9 `/market-data/by-type` item).
fn quote_item(m: &Market, symbol: &str, instrument_type: &str, inst: &Instrument) -> Value {
    let snap = m.snapshot(inst);
    let session = m.session;
    let prev = session.previous();
    let mut item = Map::new();
    let mut put = |k: &str, v: Value| {
        item.insert(k.to_owned(), v);
    };
    put("symbol", json!(symbol));
    put("instrument-type", json!(instrument_type));
    put("updated-at", json!(iso_z(snap.quote_time)));
    if instrument_type != "Index" {
        put("bid", json!(wire(snap.bid)));
        put("ask", json!(wire(snap.ask)));
        put("mid", json!(wire((snap.bid + snap.ask) / 2.0)));
    }
    put("bid-size", json!(format!("{}.0", snap.bid_size)));
    put("ask-size", json!(format!("{}.0", snap.ask_size)));
    put("mark", json!(wire(snap.mark)));
    put("last", json!(wire(snap.last)));
    put("last-mkt", json!(wire(snap.last)));
    put("open", json!(wire(snap.open)));
    put("day-high-price", json!(wire(snap.high)));
    put("day-low-price", json!(wire(snap.low)));
    put("prev-close", json!(wire(snap.prev_close)));
    put("prev-close-date", json!(prev.date.to_string()));
    put("prev-close-price-type", json!("Final"));
    put("close-price-type", json!("Regular"));
    put("summary-date", json!(session.date.to_string()));
    put("volume", json!(format!("{:.1}", snap.volume)));
    put("year-high-price", maybe_nan(snap.high_52));
    put("year-low-price", maybe_nan(snap.low_52));
    put("high-limit-price", json!(wire(snap.prev_close * 1.1)));
    put("low-limit-price", json!(wire(snap.prev_close * 0.9)));
    put("is-trading-halted", json!(false));
    put("halt-start-time", json!(-1));
    put("halt-end-time", json!(-1));
    match inst {
        Instrument::Underlying(i) => {
            put("beta", json!(fraction(m.underlying(*i).listing.beta)));
        }
        Instrument::Option(_) => {
            put("open-interest", json!(format!("{}.0", snap.open_interest)));
        }
    }
    Value::Object(item)
}

/// `GET /market-data/by-type?equity=AAPL&equity-option=…`: REST quotes, at most
/// [`MAX_BY_TYPE`] symbols, so a screen can show prices before the stream opens.
pub async fn by_type(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let asked: Vec<(String, &str)> = BY_TYPE
        .iter()
        .flat_map(|(key, kind)| list(&q, key).into_iter().map(move |s| (s, *kind)))
        .collect();
    if asked.len() > MAX_BY_TYPE {
        return validation_error(
            "symbols",
            &format!("at most {MAX_BY_TYPE} symbols per request"),
        );
    }
    let market = sim.market();
    let found: Vec<Value> = asked
        .iter()
        .filter_map(|(symbol, kind)| {
            let inst = market.resolve_rest(symbol)?;
            let fits = match (&inst, *kind) {
                (Instrument::Underlying(i), kind) => {
                    let listed = market.underlying(*i).listing.kind;
                    matches!(
                        (listed, kind),
                        (Kind::Stock | Kind::Etf, "Equity")
                            | (Kind::Index, "Index")
                            | (Kind::Future, "Future")
                    )
                }
                (Instrument::Option(o), kind) => {
                    kind == if o.on_future {
                        "Future Option"
                    } else {
                        "Equity Option"
                    }
                }
            };
            fits.then(|| quote_item(&market, symbol, kind, &inst))
        })
        .collect();
    ok(&items(found, uri.path()))
}

fn session_times(collection: &str, s: Session) -> Value {
    json!({
        "instrument-collection": collection,
        "session-date": s.date.to_string(),
        "start-at": iso_z(s.start_ms()),
        "open-at": iso_z(s.open_ms),
        "close-at": iso_z(s.close_ms()),
        "close-at-ext": iso_z(s.close_ext_ms()),
    })
}

/// The regular session of a day for the sessions endpoint: weekdays only.
fn trading_session(day: Date, forward: bool) -> Session {
    let mut d = day;
    while !d.is_trading_day() {
        d = d.add_days(if forward { 1 } else { -1 });
    }
    Session::on(d)
}

/// `GET /market-time/sessions/current?instrument-collections[]=Equity`: the current session's
/// hours and the state the market-hours hook set (`Open` unless closed by hook).
pub async fn sessions(State(sim): State<SimState>, RawQuery(raw): RawQuery, uri: Uri) -> Response {
    let q = Query::parse(raw.as_deref());
    let mut collections = list(&q, "instrument-collections");
    if collections.is_empty() {
        collections.push("Equity".to_owned());
    }
    let market = sim.market();
    let current = market.session;
    let state = if market.control.open {
        "Open"
    } else {
        "Closed"
    };
    let found: Vec<Value> = collections
        .iter()
        .map(|c| {
            let mut item = session_times(c, current);
            item["state"] = json!(state);
            item["next-session"] =
                session_times(c, trading_session(current.date.add_days(1), true));
            item["previous-session"] =
                session_times(c, trading_session(current.date.add_days(-1), false));
            item
        })
        .collect();
    ok(&items(found, uri.path()))
}
