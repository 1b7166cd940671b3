//! An instrument that moves by itself (stock, ETF, index, future): its seeded random walk,
//! its quote, last trade and the day's statistics.

use std::collections::VecDeque;

use crate::ledger::rng::Rng;
use crate::market::catalog::{Kind, Listing};
use crate::market::gauss;
use crate::market::history::{Bar, MINUTE_MS, TRADING_SECONDS_PER_YEAR};

/// Market time one tick stands for, whatever the tick rate: the walk's volatility is per tick,
/// so a run is the same sequence of prices at any speed.
pub const TICK_SECONDS: f64 = 0.2;
/// Live one-minute bars kept per underlying (a session), so memory stays bounded.
pub const LIVE_MINUTES: usize = 390;

/// The day so far.
#[derive(Debug, Clone)]
pub struct Day {
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub volume: f64,
    pub turnover: f64,
    pub prev_close: f64,
    pub prev_volume: f64,
    pub high_52: f64,
    pub low_52: f64,
}

#[derive(Debug, Clone)]
pub struct Underlying {
    pub listing: Listing,
    rng: Rng,
    /// The walk's unrounded price.
    price: f64,
    pub pinned: Option<f64>,
    pub day: Day,
    pub bid_size: u64,
    pub ask_size: u64,
    pub last_price: f64,
    pub last_size: u64,
    /// Counts trades: a new value means a new Trade event.
    pub trade_sequence: u64,
    pub tick_direction: &'static str,
    pub quote_time: i64,
    pub trade_time: i64,
    /// One-minute bars since the market started (at most [`LIVE_MINUTES`]); the last is the
    /// current minute's.
    pub minutes: VecDeque<Bar>,
    /// Half the spread, in ticks.
    half_spread: u32,
}

fn round_to(price: f64, tick: f64) -> f64 {
    ((price / tick).round() * tick).max(tick)
}

impl Underlying {
    /// Starts at `price` (on the tick grid) with the day so far as `day` and the current minute
    /// bar `current`.
    pub fn new(
        listing: Listing,
        rng: Rng,
        price: f64,
        day: Day,
        current: Bar,
        now_ms: i64,
    ) -> Self {
        let half_spread = match listing.kind {
            Kind::Stock if listing.symbol.starts_with("LD") => 1 + (price > 200.0) as u32,
            _ => 1,
        };
        let mut u = Self {
            rng,
            price,
            pinned: None,
            day,
            bid_size: 0,
            ask_size: 0,
            last_price: price,
            last_size: 100,
            trade_sequence: 1,
            tick_direction: "ZERO_UP",
            quote_time: now_ms,
            trade_time: now_ms,
            minutes: VecDeque::from([current]),
            half_spread,
            listing,
        };
        u.draw_sizes();
        u
    }

    pub fn tick(&self) -> f64 {
        self.listing.tick
    }

    /// The mark: the walk's price on the tick grid (or the pin).
    pub fn mark(&self) -> f64 {
        round_to(self.pinned.unwrap_or(self.price), self.listing.tick)
    }

    /// (bid, ask): the mark ± the half spread, so the mark is always their midpoint.
    pub fn bid_ask(&self) -> (f64, f64) {
        let mark = self.mark();
        let half = self.half_spread as f64 * self.listing.tick;
        ((mark - half).max(0.0), mark + half)
    }

    fn lot(&self) -> u64 {
        match self.listing.kind {
            Kind::Future => 1,
            _ => 100,
        }
    }

    fn draw_sizes(&mut self) {
        let lot = self.lot();
        self.bid_size = lot * (1 + (self.rng.unit() * 20.0) as u64);
        self.ask_size = lot * (1 + (self.rng.unit() * 20.0) as u64);
    }

    /// One step of the walk at wall time `now_ms`. Draws the same random numbers whether or
    /// not the price is pinned, so unpinning continues the same seeded sequence.
    pub fn step(&mut self, now_ms: i64) {
        let sigma = self.listing.vol * (TICK_SECONDS / TRADING_SECONDS_PER_YEAR).sqrt();
        let z = gauss(&mut self.rng);
        let trades = self.rng.unit();
        let at_ask = self.rng.unit() < 0.5;
        let size = 1 + (self.rng.unit() * 9.0) as u64;
        let before = self.mark();
        self.price *= (sigma * z - 0.5 * sigma * sigma).exp();
        self.draw_sizes();
        self.quote_time = now_ms;
        let mark = self.mark();
        let (bid, ask) = self.bid_ask();
        let mut volume = 0.0;
        if trades < 0.6 && self.listing.kind != Kind::Index {
            let price = if at_ask { ask } else { bid };
            self.tick_direction = match price.partial_cmp(&self.last_price) {
                Some(std::cmp::Ordering::Greater) => "UP",
                Some(std::cmp::Ordering::Less) => "DOWN",
                _ if self.tick_direction.contains("UP") => "ZERO_UP",
                _ => "ZERO_DOWN",
            };
            self.last_price = price;
            self.last_size = size * self.lot();
            self.trade_sequence += 1;
            self.trade_time = now_ms;
            volume = self.last_size as f64;
        } else if self.listing.kind == Kind::Index {
            // Indices have no trades; their "last" is the value.
            self.last_price = mark;
            self.trade_sequence += (mark != before) as u64;
            self.trade_time = now_ms;
        }
        self.record(now_ms, mark, volume);
    }

    /// The day's and the minute's statistics take in a new mark and traded volume.
    fn record(&mut self, now_ms: i64, mark: f64, volume: f64) {
        let day = &mut self.day;
        day.high = day.high.max(mark);
        day.low = day.low.min(mark);
        day.volume += volume;
        day.turnover += volume * mark;
        day.high_52 = day.high_52.max(mark);
        day.low_52 = day.low_52.min(mark);
        let minute = now_ms.div_euclid(MINUTE_MS) * MINUTE_MS;
        match self.minutes.back_mut() {
            Some(bar) if bar.time == minute => bar.update(mark, volume),
            _ => {
                let mut bar = Bar::flat(minute, mark);
                bar.update(mark, volume);
                self.minutes.push_back(bar);
                if self.minutes.len() > LIVE_MINUTES {
                    self.minutes.pop_front();
                }
            }
        }
    }

    /// A new session: the current mark becomes the previous close.
    pub fn roll_day(&mut self) {
        let mark = self.mark();
        let day = &mut self.day;
        day.prev_close = mark;
        day.prev_volume = day.volume;
        day.open = mark;
        day.high = mark;
        day.low = mark;
        day.volume = 0.0;
        day.turnover = 0.0;
    }

    /// Pins the price (`None` releases it; the walk continues from the pinned value).
    pub fn pin(&mut self, price: Option<f64>) {
        if let Some(p) = self.pinned.take() {
            self.price = p;
        }
        self.pinned = price;
        if let Some(p) = price {
            let now = self.quote_time;
            let mark = round_to(p, self.listing.tick);
            self.record(now, mark, 0.0);
        }
    }
}
