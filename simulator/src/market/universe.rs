//! Builds the market for a today: the catalog's listings, the instruments the fixtures, the
//! ledger and the watchlists hold (fixture positions start exactly at their fixture mark and
//! close price), option chains, and each underlying's day so far.

use std::collections::HashMap;
use std::time::Instant;

use crate::dates::{Date, MS_PER_DAY};
use crate::ledger::rng::{seed, Rng};
use crate::ledger::symbols::describe;
use crate::market::catalog::{self, Kind, Listing};
use crate::market::history::{self, Bar};
use crate::market::options::{Chain, FutureChain, FutureExpiration, OptionSpec};
use crate::market::symbols::{future_option_streamer, strike_text, OptionName};
use crate::market::{gauss, Control, Day, Instrument, Market, Session, Underlying};

/// An instrument someone holds or watches: a fixture position (with its mark and close), a
/// ledger order leg or a watchlist entry (without).
#[derive(Debug, Clone, Default)]
pub struct Holding {
    pub symbol: String,
    pub instrument_type: String,
    pub underlying_symbol: String,
    pub mark: Option<f64>,
    pub close: Option<f64>,
    pub multiplier: Option<f64>,
    pub expires_ms: Option<i64>,
}

/// Where an underlying's generated history starts and ends.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub open: f64,
    pub start: f64,
    pub prev_close: f64,
}

fn round_to(price: f64, tick: f64) -> f64 {
    ((price / tick).round() * tick).max(tick)
}

/// An equity option on underlying `i` (100 shares, penny ticks, PM-settled at 16:00 ET).
pub fn equity_option(i: usize, name: &OptionName, listing: &Listing) -> OptionSpec {
    let occ = name.occ();
    OptionSpec {
        symbol: name.streamer(),
        description: describe(&occ, "Equity Option"),
        rest_symbol: occ,
        underlying: i,
        expiration: name.expiration,
        expires_ms: name.expiration.at_et(16, 0, 0, 0),
        call: name.call,
        strike: name.strike,
        on_future: false,
        multiplier: 100.0 * listing.multiplier,
        tick: 0.01,
        iv_offset: 0.0,
        basis: 0.0,
        prev_close: None,
    }
}

struct Builder {
    listings: Vec<Listing>,
    /// Fixture (mark, close) per listing index.
    fixed: HashMap<usize, (f64, f64)>,
    by_symbol: HashMap<String, usize>,
    by_rest: HashMap<String, usize>,
}

impl Builder {
    fn add(&mut self, listing: Listing) -> usize {
        let i = self.listings.len();
        self.by_symbol.insert(listing.symbol.clone(), i);
        self.by_rest.insert(listing.rest_symbol.clone(), i);
        self.listings.push(listing);
        i
    }

    /// The underlying for a held equity or future, added when the catalog lacks it.
    fn held_underlying(&mut self, h: &Holding, today: Date) -> Option<usize> {
        if let Some(&i) = self.by_rest.get(&h.symbol) {
            return Some(i);
        }
        let listing = match h.instrument_type.as_str() {
            "Equity" => Listing {
                symbol: h.symbol.clone(),
                rest_symbol: h.symbol.clone(),
                description: h.symbol.clone(),
                kind: Kind::Stock,
                // An unlisted equity needs a price to start from: only fixture positions have one.
                price: h.mark?,
                vol: 0.3,
                beta: 1.0,
                daily_volume: 1e6,
                tick: 0.01,
                multiplier: 1.0,
                sector: "",
                optionable: true,
                exchange: "Q",
            },
            "Future" => {
                let contract = catalog::FutureContract::parse(&h.symbol, today)?;
                // Ledger legs and watchlist entries only while the contract trades.
                if h.mark.is_none() && contract.expiration() < today {
                    return None;
                }
                let front = catalog::futures(today).into_iter().find(|f| {
                    f.rest_symbol.get(..f.rest_symbol.len() - 2) == Some(&contract.root)
                })?;
                // Another month of a listed root starts at the front month's price.
                Listing {
                    symbol: contract.streamer_symbol(),
                    rest_symbol: h.symbol.clone(),
                    price: h.mark.unwrap_or(front.price),
                    ..front
                }
            }
            _ => return None,
        };
        Some(self.add(listing))
    }
}

/// The day so far for an underlying starting at `start` (on its tick grid): the open, the
/// range and volume of the generated session, the 52-week range of the daily history.
fn day_so_far(
    listing: &Listing,
    market_seed: u64,
    session: Session,
    start_ms: i64,
    origin: Origin,
) -> (Day, Bar) {
    let bars = history::intraday(
        listing,
        market_seed,
        session.date,
        session.open_ms,
        start_ms,
        origin.open,
        origin.start,
    );
    let daily = history::daily(listing, market_seed, session.date, origin.prev_close);
    let high = bars.iter().map(|b| b.high).fold(origin.start, f64::max);
    let low = bars.iter().map(|b| b.low).fold(origin.start, f64::min);
    let current = *bars.last().unwrap_or(&Bar::flat(start_ms, origin.start));
    let day = Day {
        open: origin.open,
        high,
        low,
        volume: bars.iter().map(|b| b.volume).sum(),
        turnover: bars.iter().map(|b| b.turnover).sum(),
        prev_close: origin.prev_close,
        prev_volume: daily.last().map_or(0.0, |b| b.volume),
        high_52: daily.iter().map(|b| b.high).fold(high, f64::max),
        low_52: daily.iter().map(|b| b.low).fold(low, f64::min),
    };
    (day, current)
}

/// The market for `today` at wall-clock time of day `wall_ms` (epoch ms), with everything
/// in `holdings` known and fixture positions starting at their marks.
pub fn build(
    today: Date,
    market_seed: u64,
    control: Control,
    wall_ms: i64,
    holdings: &[Holding],
) -> Market {
    let started = Instant::now();
    let start_ms = today.start_ms() + wall_ms.rem_euclid(MS_PER_DAY);
    let session = Session::containing(start_ms);
    let mut b = Builder {
        listings: Vec::new(),
        fixed: HashMap::new(),
        by_symbol: HashMap::new(),
        by_rest: HashMap::new(),
    };
    for listing in catalog::tickers()
        .into_iter()
        .chain(catalog::futures(today))
        .chain(catalog::load_universe())
    {
        b.add(listing);
    }
    for h in holdings {
        if !matches!(h.instrument_type.as_str(), "Equity" | "Future" | "Index") {
            continue;
        }
        if let Some(i) = b.held_underlying(h, today) {
            if let (Some(mark), Some(close)) = (h.mark, h.close) {
                b.fixed.insert(i, (mark, close));
            }
        }
    }

    let mut under = Vec::with_capacity(b.listings.len());
    let mut origins = Vec::with_capacity(b.listings.len());
    for (i, mut listing) in b.listings.clone().into_iter().enumerate() {
        let (start, prev_close) = match b.fixed.get(&i) {
            Some(&(mark, close)) => (mark, close),
            None => {
                let start = round_to(listing.price, listing.tick);
                let mut rng = Rng::new(seed(&[&market_seed.to_string(), &listing.symbol, "prev"]));
                let daily = listing.vol / 252f64.sqrt();
                (
                    start,
                    round_to(start * (-daily * gauss(&mut rng)).exp(), listing.tick),
                )
            }
        };
        listing.price = start;
        let open = history::opening_price(&listing, market_seed, session.date, prev_close);
        let origin = Origin {
            open,
            start,
            prev_close,
        };
        let (day, current) = day_so_far(&listing, market_seed, session, start_ms, origin);
        let rng = Rng::new(seed(&[&market_seed.to_string(), &listing.symbol, "walk"]));
        under.push(Underlying::new(listing, rng, start, day, current, start_ms));
        origins.push(origin);
    }

    let chains: HashMap<usize, Chain> = under
        .iter()
        .enumerate()
        .filter(|(_, u)| u.listing.optionable && !u.listing.symbol.starts_with("LD"))
        .map(|(i, u)| (i, Chain::around(u.listing.price, today)))
        .collect();

    let mut by_rest: HashMap<String, Instrument> = b
        .by_rest
        .iter()
        .map(|(s, &i)| (s.clone(), Instrument::Underlying(i)))
        .collect();
    let mut held_options = HashMap::new();
    for h in holdings {
        let Some(mut spec) = held_option(h, &b, &under, today) else {
            continue;
        };
        if let Some(mark) = h.mark {
            let u = &under[spec.underlying];
            spec.calibrate(u.listing.vol * super::IV_PREMIUM, u.mark(), start_ms, mark);
            spec.prev_close = h.close;
        }
        by_rest.insert(
            spec.rest_symbol.clone(),
            Instrument::Option(Box::new(spec.clone())),
        );
        // A fixture's calibration wins over a bare ledger mention of the same option.
        if h.mark.is_some() || !held_options.contains_key(&spec.symbol) {
            held_options.insert(spec.symbol.clone(), spec);
        }
    }
    let future_chains = future_chains(&under, today);
    for chain in &future_chains {
        for spec in future_chain_options(chain, &under) {
            // A fixture's calibrated spec of the same option wins.
            held_options.entry(spec.symbol.clone()).or_insert(spec);
        }
    }
    // The REST index points at the same (calibrated) specs as the streamer index.
    for spec in held_options.values() {
        by_rest.insert(
            spec.rest_symbol.clone(),
            Instrument::Option(Box::new(spec.clone())),
        );
    }

    Market {
        seed: market_seed,
        today,
        control,
        start_ms,
        started,
        session,
        tick: 0,
        anchor: (started, 0),
        tick_ms: start_ms,
        by_symbol: b.by_symbol,
        by_rest,
        under,
        held_options,
        chains,
        future_chains,
        option_pins: HashMap::new(),
        origins,
    }
}

/// The option a holding names, if its underlying is known and it hasn't expired long ago.
fn held_option(h: &Holding, b: &Builder, under: &[Underlying], today: Date) -> Option<OptionSpec> {
    match h.instrument_type.as_str() {
        "Equity Option" => {
            let name = OptionName::from_occ(&h.symbol)?;
            let &i = b.by_symbol.get(&name.root)?;
            // Fixture positions are kept whatever their date; ledger legs only while live.
            if h.mark.is_none() && name.expiration < today {
                return None;
            }
            let mut spec = equity_option(i, &name, &under[i].listing);
            if let Some(ms) = h.expires_ms {
                spec.expires_ms = ms;
            }
            Some(spec)
        }
        "Future Option" => {
            let &i = b.by_rest.get(&h.underlying_symbol)?;
            let future = &under[i].listing;
            let (symbol, expiration, call, strike) =
                future_option_streamer(&h.symbol, &future.symbol)?;
            if h.mark.is_none() && expiration < today {
                return None;
            }
            Some(OptionSpec {
                symbol,
                rest_symbol: h.symbol.clone(),
                underlying: i,
                expiration,
                expires_ms: h
                    .expires_ms
                    .unwrap_or_else(|| expiration.at_et(16, 0, 0, 0)),
                call,
                strike,
                on_future: true,
                multiplier: h.multiplier.unwrap_or(future.multiplier),
                tick: 0.05,
                iv_offset: 0.0,
                basis: 0.0,
                prev_close: None,
                description: describe(&h.symbol, "Future Option"),
            })
        }
        _ => None,
    }
}

/// The futures option chains on the front future of each product with listed options:
/// Fridays of the next four weeks and the future's own expiration, strikes 8 % either side.
fn future_chains(under: &[Underlying], today: Date) -> Vec<FutureChain> {
    let mut out = Vec::new();
    for &(root, weekly, quarterly) in catalog::FUTURE_OPTION_PRODUCTS {
        let Some(i) = under.iter().position(|u| {
            u.listing.kind == Kind::Future
                && u.listing
                    .rest_symbol
                    .get(..u.listing.rest_symbol.len().saturating_sub(2))
                    == Some(root)
        }) else {
            continue;
        };
        let listing = &under[i].listing;
        let Some(contract) = catalog::FutureContract::parse(&listing.rest_symbol, today) else {
            continue;
        };
        let future_expiry = contract.expiration();
        let mut dates: Vec<Date> = (1..=28)
            .map(|n| today.add_days(n))
            .filter(|d| d.weekday() == 5)
            .collect();
        if future_expiry > today {
            dates.push(future_expiry);
        }
        dates.sort();
        dates.dedup();
        let expirations = dates
            .into_iter()
            .map(|date| {
                let (y, m, d) = date.ymd();
                let week = (d - 1) / 7 + 1;
                let (option_root, kind) = if date == future_expiry {
                    (quarterly.to_owned(), "Quarterly")
                } else if week == 3 {
                    (format!("{weekly}3"), "Regular")
                } else {
                    (format!("{weekly}{week}"), "Weekly")
                };
                let month = catalog::month_code(m);
                FutureExpiration {
                    contract: format!("{option_root}{month}{}", y.rem_euclid(10)),
                    option_root,
                    date,
                    kind,
                }
            })
            .collect();
        let step = if listing.price >= 1000.0 { 25.0 } else { 0.5 };
        let low = (listing.price * 0.92 / step).ceil() as i64;
        let high = (listing.price * 1.08 / step).floor() as i64;
        out.push(FutureChain {
            product: root.trim_start_matches('/').to_owned(),
            underlying: i,
            expirations,
            strikes: (low..=high).map(|k| k as f64 * step).collect(),
        });
    }
    out
}

/// The REST symbol of a futures option: `./ESZ6 EW1Z6 261204C7000` (docs/tastytrade.md §8).
pub fn future_option_rest(future: &str, exp: &FutureExpiration, call: bool, strike: f64) -> String {
    format!(
        ".{future} {} {}{}{}",
        exp.contract,
        exp.date.yymmdd(),
        if call { 'C' } else { 'P' },
        strike_text(strike)
    )
}

fn future_chain_options(chain: &FutureChain, under: &[Underlying]) -> Vec<OptionSpec> {
    let future = &under[chain.underlying].listing;
    let mut out = Vec::new();
    for exp in &chain.expirations {
        for &strike in &chain.strikes {
            for call in [true, false] {
                let rest = future_option_rest(&future.rest_symbol, exp, call, strike);
                let Some((symbol, expiration, _, _)) =
                    future_option_streamer(&rest, &future.symbol)
                else {
                    continue;
                };
                out.push(OptionSpec {
                    symbol,
                    description: describe(&rest, "Future Option"),
                    rest_symbol: rest,
                    underlying: chain.underlying,
                    expiration,
                    expires_ms: expiration.at_et(16, 0, 0, 0),
                    call,
                    strike,
                    on_future: true,
                    multiplier: future.multiplier,
                    tick: 0.05,
                    iv_offset: 0.0,
                    basis: 0.0,
                    prev_close: None,
                });
            }
        }
    }
    out
}
