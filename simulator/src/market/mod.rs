//! The simulated market: a deterministic, seeded price engine for every instrument the
//! simulator knows (docs/contracts.md, simulator § Market). Underlyings (stocks, ETFs,
//! indices, futures) walk by themselves one tick at a time; options are priced from their
//! underlying on an implied-volatility surface, so quotes, marks and Greeks agree.
//!
//! The engine is advanced lazily: whoever reads it (a REST handler, a DXLink socket) first
//! catches it up to the wall clock at the current tick rate. No background task is needed,
//! and a paused or frozen market costs nothing.

pub mod bs;
pub mod catalog;
mod clock;
pub mod history;
mod options;
pub mod surface;
pub mod symbols;
mod underlying;
mod universe;

use std::collections::HashMap;
use std::time::Instant;

use crate::dates::Date;
use crate::ledger::rng::Rng;

pub use clock::Session;
pub use options::{expiration_type, Chain, FutureChain, FutureExpiration, OptionSpec, OptionView};
pub use underlying::{Day, Underlying, TICK_SECONDS};
pub use universe::{build, future_option_rest, Holding};

use history::Bar;
use symbols::{CandlePeriod, OptionName};

/// Default `--market-seed`.
pub const DEFAULT_SEED: u64 = 20_261_202;
/// Default `--ticks-per-sec`.
pub const DEFAULT_TICKS_PER_SEC: f64 = 5.0;
/// Most ticks one catch-up applies (two minutes at the default rate); a market left alone
/// longer skips the rest rather than stalling the request that wakes it.
const MAX_CATCH_UP: u64 = 600;
/// Implied volatility trades a little over realised volatility.
const IV_PREMIUM: f64 = 1.1;

/// A standard normal draw (Box–Muller).
pub fn gauss(rng: &mut Rng) -> f64 {
    let u1 = rng.unit().max(f64::MIN_POSITIVE);
    let u2 = rng.unit();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// What the hooks control (docs/contracts.md, simulator § Market hooks).
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub ticks_per_sec: f64,
    /// The feed is stopped: no ticks and no FEED_DATA at all.
    pub paused: bool,
    /// The regular session's state as `/market-time/sessions/current` reports it; a closed
    /// market doesn't move, but its last prices are still served.
    pub open: bool,
    /// Delay before `AUTH_STATE AUTHORIZED`.
    pub auth_delay_ms: u64,
}

impl Control {
    pub fn new(ticks_per_sec: f64) -> Self {
        Self {
            ticks_per_sec,
            paused: false,
            open: true,
            auth_delay_ms: 0,
        }
    }
}

/// An instrument the market can quote.
#[derive(Debug, Clone, PartialEq)]
pub enum Instrument {
    Underlying(usize),
    Option(Box<OptionSpec>),
}

/// Everything a quote, a trade or a summary says about an instrument right now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub bid: f64,
    pub ask: f64,
    pub bid_size: u64,
    pub ask_size: u64,
    pub mark: f64,
    pub last: f64,
    pub last_size: u64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub prev_close: f64,
    pub volume: f64,
    pub prev_volume: f64,
    pub high_52: f64,
    pub low_52: f64,
    pub quote_time: i64,
    pub trade_time: i64,
    pub trade_sequence: u64,
    pub tick: f64,
    pub open_interest: u64,
}

pub struct Market {
    pub seed: u64,
    pub today: Date,
    pub control: Control,
    /// Market time of the start (the simulator's today at the wall clock's time of day).
    start_ms: i64,
    started: Instant,
    pub session: Session,
    tick: u64,
    /// The tick rate runs from here.
    anchor: (Instant, u64),
    /// Market time of the last tick.
    tick_ms: i64,
    under: Vec<Underlying>,
    by_symbol: HashMap<String, usize>,
    by_rest: HashMap<String, Instrument>,
    /// Options held somewhere (fixtures, ledger), by streamer symbol; others come from chains.
    held_options: HashMap<String, OptionSpec>,
    chains: HashMap<usize, Chain>,
    future_chains: Vec<FutureChain>,
    option_pins: HashMap<String, f64>,
    /// Where each underlying's generated history starts and ends.
    origins: Vec<universe::Origin>,
}

impl Market {
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Market time (epoch ms) now: the simulator's today at the wall clock's time of day.
    pub fn clock(&self, now: Instant) -> i64 {
        self.start_ms + now.saturating_duration_since(self.started).as_millis() as i64
    }

    /// Market time of the last tick (what events are stamped with).
    pub fn tick_ms(&self) -> i64 {
        self.tick_ms
    }

    pub fn start_ms(&self) -> i64 {
        self.start_ms
    }

    pub fn running(&self) -> bool {
        !self.control.paused && self.control.open && self.control.ticks_per_sec > 0.0
    }

    /// Catches up with the wall clock: the ticks due at the current rate since the anchor.
    pub fn advance(&mut self, now: Instant) {
        if !self.running() {
            self.anchor = (now, self.tick);
            return;
        }
        let (at, from) = self.anchor;
        let due = from
            + (now.saturating_duration_since(at).as_secs_f64() * self.control.ticks_per_sec) as u64;
        let mut n = due.saturating_sub(self.tick);
        if n > MAX_CATCH_UP {
            // Skip what a long idle period owes; the market resumes from here.
            self.anchor = (now, self.tick + MAX_CATCH_UP);
            n = MAX_CATCH_UP;
        }
        let end = self.clock(now);
        let spacing = (1000.0 / self.control.ticks_per_sec) as i64;
        for i in 0..n {
            let at = end - (n - 1 - i) as i64 * spacing;
            self.step_all(at.max(self.tick_ms));
        }
    }

    /// Applies `n` ticks at once (the step hook), whatever the rate or pause.
    pub fn step(&mut self, n: u64, now: Instant) {
        let at = self.clock(now).max(self.tick_ms);
        for _ in 0..n {
            self.step_all(at);
        }
        self.anchor = (now, self.tick);
    }

    fn step_all(&mut self, at_ms: i64) {
        if at_ms >= self.session.next_open_ms() {
            self.session = self.session.next();
            for u in &mut self.under {
                u.roll_day();
            }
        }
        for u in &mut self.under {
            u.step(at_ms);
        }
        self.tick += 1;
        self.tick_ms = at_ms;
    }

    /// Changes what the hooks control, keeping the ticks already due at the old setting.
    pub fn set_control(&mut self, now: Instant, f: impl FnOnce(&mut Control)) {
        self.advance(now);
        f(&mut self.control);
        self.anchor = (now, self.tick);
    }

    pub fn underlyings(&self) -> &[Underlying] {
        &self.under
    }

    pub fn underlying(&self, i: usize) -> &Underlying {
        &self.under[i]
    }

    pub fn underlying_index(&self, symbol: &str) -> Option<usize> {
        self.by_symbol.get(symbol).copied()
    }

    pub fn chain(&self, i: usize) -> Option<&Chain> {
        self.chains.get(&i)
    }

    /// The futures option chains (one per product, on its front future).
    pub fn future_chains(&self) -> &[FutureChain] {
        &self.future_chains
    }

    /// One-month at-the-money implied volatility of an underlying.
    pub fn atm_vol(&self, i: usize) -> f64 {
        self.under[i].listing.vol * IV_PREMIUM
    }

    /// An instrument by its streamer symbol; `None` for anything the market doesn't know.
    pub fn resolve(&self, symbol: &str) -> Option<Instrument> {
        if let Some(&i) = self.by_symbol.get(symbol) {
            return Some(Instrument::Underlying(i));
        }
        if let Some(o) = self.held_options.get(symbol) {
            return Some(Instrument::Option(Box::new(o.clone())));
        }
        let name = OptionName::from_streamer(symbol)?;
        let &i = self.by_symbol.get(&name.root)?;
        let chain = self.chains.get(&i)?;
        chain
            .has(name.expiration, name.strike)
            .then(|| Instrument::Option(Box::new(self.chain_option(i, &name))))
    }

    /// An instrument by its REST symbol (`AAPL`, `SPY   261218C00700000`, `/ESZ6`, …).
    pub fn resolve_rest(&self, symbol: &str) -> Option<Instrument> {
        if let Some(inst) = self.by_rest.get(symbol) {
            return Some(inst.clone());
        }
        let name = OptionName::from_occ(symbol)?;
        self.resolve(&name.streamer())
    }

    fn chain_option(&self, i: usize, name: &OptionName) -> OptionSpec {
        universe::equity_option(i, name, &self.under[i].listing)
    }

    pub fn option_view(&self, o: &OptionSpec) -> OptionView {
        let s = self.under[o.underlying].mark();
        let pin = self.option_pins.get(&o.symbol).copied();
        o.view(self.atm_vol(o.underlying), s, self.tick_ms, pin)
    }

    /// The model value of an option at another underlying price (for the day's range).
    fn option_at(&self, o: &OptionSpec, s: f64) -> f64 {
        let v = o.view(self.atm_vol(o.underlying), s, self.tick_ms, None);
        v.mark
    }

    pub fn snapshot(&self, inst: &Instrument) -> Snapshot {
        match inst {
            Instrument::Underlying(i) => {
                let u = &self.under[*i];
                let (bid, ask) = u.bid_ask();
                Snapshot {
                    bid,
                    ask,
                    bid_size: u.bid_size,
                    ask_size: u.ask_size,
                    mark: u.mark(),
                    last: u.last_price,
                    last_size: u.last_size,
                    open: u.day.open,
                    high: u.day.high,
                    low: u.day.low,
                    prev_close: u.day.prev_close,
                    volume: u.day.volume,
                    prev_volume: u.day.prev_volume,
                    high_52: u.day.high_52,
                    low_52: u.day.low_52,
                    quote_time: u.quote_time,
                    trade_time: u.trade_time,
                    trade_sequence: u.trade_sequence,
                    tick: u.tick(),
                    open_interest: 0,
                }
            }
            Instrument::Option(o) => self.option_snapshot(o),
        }
    }

    fn option_snapshot(&self, o: &OptionSpec) -> Snapshot {
        let u = &self.under[o.underlying];
        let v = self.option_view(o);
        let at = |s: f64| self.option_at(o, s);
        let (at_high, at_low) = (at(u.day.high), at(u.day.low));
        let open = at(u.day.open);
        let prev_close = o.prev_close.unwrap_or_else(|| {
            let prev = u.day.prev_close;
            (o.view(
                self.atm_vol(o.underlying),
                prev,
                self.tick_ms - 86_400_000,
                None,
            ))
            .mark
        });
        let oi = o.open_interest(u.day.prev_close);
        let day_share =
            ((self.tick_ms - self.session.open_ms) as f64 / 23_400_000.0).clamp(0.0, 1.0);
        let mut rng = Rng::new(crate::ledger::rng::seed(&[
            "sizes",
            &o.symbol,
            &self.tick.to_string(),
        ]));
        let mut size = || 1 + (rng.unit() * 50.0) as u64;
        Snapshot {
            bid: v.bid,
            ask: v.ask,
            bid_size: size(),
            ask_size: size(),
            mark: v.mark,
            last: v.mark,
            last_size: 1,
            open,
            high: at_high.max(at_low).max(v.mark).max(open),
            low: at_high.min(at_low).min(v.mark).min(open),
            prev_close,
            volume: (oi as f64 * 0.2 * day_share).round(),
            prev_volume: (oi as f64 * 0.2).round(),
            high_52: f64::NAN,
            low_52: f64::NAN,
            quote_time: u.quote_time,
            trade_time: u.trade_time,
            trade_sequence: u.trade_sequence,
            tick: o.tick,
            open_interest: oi,
        }
    }

    /// Pins an underlying's or an option's price (`None` releases it). `false`: unknown.
    pub fn pin(&mut self, symbol: &str, price: Option<f64>) -> bool {
        match self.resolve(symbol) {
            Some(Instrument::Underlying(i)) => {
                self.under[i].pin(price);
                true
            }
            Some(Instrument::Option(o)) => {
                match price {
                    Some(p) => self.option_pins.insert(o.symbol.clone(), p),
                    None => self.option_pins.remove(&o.symbol),
                };
                true
            }
            None => false,
        }
    }

    /// Every pinned symbol and its price.
    pub fn pins(&self) -> Vec<(String, f64)> {
        let mut pins: Vec<(String, f64)> = self
            .under
            .iter()
            .filter_map(|u| Some((u.listing.symbol.clone(), u.pinned?)))
            .chain(self.option_pins.iter().map(|(s, p)| (s.clone(), *p)))
            .collect();
        pins.sort_by(|a, b| a.0.cmp(&b.0));
        pins
    }

    /// One-minute bars of an underlying from the session open (generated) and since the start
    /// (recorded), oldest first.
    pub fn minute_bars(&self, i: usize) -> Vec<Bar> {
        let u = &self.under[i];
        let Some(first_live) = u.minutes.front().map(|b| b.time) else {
            return Vec::new();
        };
        let origin = self.origins[i];
        let start_session = Session::containing(self.start_ms);
        let mut bars: Vec<Bar> = history::intraday(
            &u.listing,
            self.seed,
            start_session.date,
            start_session.open_ms,
            self.start_ms,
            origin.open,
            origin.start,
        )
        .into_iter()
        .filter(|b| b.time < first_live)
        .collect();
        // Recorded bars that no longer reach back to the start leave no generated history.
        if bars
            .last()
            .is_some_and(|b| b.time + history::MINUTE_MS < first_live)
        {
            bars.clear();
        }
        bars.extend(u.minutes.iter().copied());
        bars
    }

    /// Daily bars for a year before the start's session, then one per session since.
    pub fn daily_bars(&self, i: usize) -> Vec<Bar> {
        let u = &self.under[i];
        let start_session = Session::containing(self.start_ms);
        let mut bars = history::daily(
            &u.listing,
            self.seed,
            start_session.date,
            self.origins[i].prev_close,
        );
        let minutes = self.minute_bars(i);
        bars.extend(history::by_session(&minutes, |t| {
            Session::containing(t).date.at_et(0, 0, 0, 0)
        }));
        bars
    }

    /// Candles of `period` for an underlying from `from_ms` (the candle holding it), oldest
    /// first. History is what the market has: the session so far for intraday periods, a
    /// year for daily and weekly ones.
    pub fn candles(&self, i: usize, period: CandlePeriod, from_ms: i64) -> Vec<Bar> {
        let bars = match period {
            CandlePeriod::Minutes(_) => history::aggregate(&self.minute_bars(i), period),
            CandlePeriod::Days(1) => self.daily_bars(i),
            _ => history::aggregate(&self.daily_bars(i), period),
        };
        let from = from_ms - period.ms() + 1;
        bars.into_iter().filter(|b| b.time >= from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::Fixtures;
    use crate::ledger::Ledger;

    fn market(seed: u64) -> Market {
        let fixtures = Fixtures::load().unwrap();
        let today: Date = "2026-12-02".parse().unwrap();
        let ledger = Ledger::build(today, &fixtures);
        let held = crate::live::holdings(&fixtures, &ledger);
        // 15:00 UTC: 10:00 New York, half an hour into the session.
        build(today, seed, Control::new(5.0), 15 * 3_600_000, &held)
    }

    fn marks(m: &Market) -> Vec<f64> {
        m.underlyings().iter().map(Underlying::mark).collect()
    }

    #[test]
    fn fixture_positions_start_at_their_marks() {
        let m = market(DEFAULT_SEED);
        for (symbol, mark, close) in [
            ("AAPL", 245.36, 244.1),
            ("/ESZ6", 6795.75, 6788.5),
            ("SPY   261218C00700000", 14.55, 14.2),
            ("SPY   261218P00620000", 8.02, 8.15),
            ("./ESZ6 EW4Z6 261224C7000", 112.25, 110.5),
            ("VTI   261120C00340000", 2.31, 2.4),
        ] {
            let inst = m.resolve_rest(symbol).unwrap_or_else(|| panic!("{symbol}"));
            let s = m.snapshot(&inst);
            assert!(
                (s.mark - mark).abs() < 1e-9,
                "{symbol}: {} vs {mark}",
                s.mark
            );
            assert!((s.prev_close - close).abs() < 1e-9, "{symbol} close");
            assert!(s.bid < s.mark && s.mark < s.ask, "{symbol}: {s:?}");
        }
        assert!(m.resolve("/ESZ26:XCME").is_some());
        assert!(m.resolve("./EW4Z26C7000:XCME").is_some());
        assert!(m.resolve(".SPY261218C700").is_some());
        assert!(m.resolve("LD1000").is_some());
        assert!(m.resolve("LD1001").is_none());
        assert!(m.resolve(".SPY261218C703").is_none(), "off the strike grid");
    }

    #[test]
    fn the_walk_is_deterministic_per_seed() {
        let now = Instant::now();
        let (mut a, mut b, mut c) = (market(1), market(1), market(2));
        for m in [&mut a, &mut b, &mut c] {
            m.step(50, now);
        }
        assert_eq!(marks(&a), marks(&b));
        assert_ne!(marks(&a), marks(&c));
        assert_ne!(marks(&a), marks(&market(1)), "prices moved");
        assert_eq!(a.tick(), 50);
    }

    #[test]
    fn pins_hold_and_options_reprice_from_them() {
        let now = Instant::now();
        let mut m = market(DEFAULT_SEED);
        assert!(m.pin("SPY", Some(650.0)));
        m.step(20, now);
        let spy = m.resolve("SPY").unwrap();
        assert_eq!(m.snapshot(&spy).mark, 650.0);
        let Some(Instrument::Option(call)) = m.resolve(".SPY261218C700") else {
            panic!("option")
        };
        let v = m.option_view(&call);
        assert_eq!(v.underlying_price, 650.0);
        let again = bs::greeks(call.contract(m.tick_ms()), 650.0, v.iv, bs::RISK_FREE_RATE);
        assert!((again.delta - v.greeks.delta).abs() < 1e-12);
        assert!(!m.pin("NOPE", Some(1.0)));
        assert!(m.pin("SPY", None));
        m.step(5, now);
        assert_ne!(m.snapshot(&spy).mark, 650.0, "released");
    }

    #[test]
    fn candles_cover_the_session_and_the_year() {
        let m = market(DEFAULT_SEED);
        let i = m.underlying_index("AAPL").unwrap();
        let five = m.candles(i, CandlePeriod::Minutes(5), 0);
        // 09:30 to 10:00: six five-minute candles, the last one holding the start.
        assert_eq!(five.len(), 7);
        assert_eq!(five.last().unwrap().close, 245.36);
        assert_eq!(five[0].time, m.session.open_ms);
        let days = m.candles(i, CandlePeriod::Days(1), 0);
        assert_eq!(days.len(), history::DAILY_BARS as usize + 1);
        assert_eq!(
            days[days.len() - 2].close,
            244.1,
            "yesterday closed at the fixture close"
        );
        let recent = m.candles(i, CandlePeriod::Minutes(5), m.start_ms() - 10 * 60_000);
        assert_eq!(recent.len(), 3);
    }
}
