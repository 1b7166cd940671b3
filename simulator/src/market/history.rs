//! Price history before the market started, generated deterministically backwards from the
//! starting price: one-minute bars from the session open (a Brownian bridge from the open to
//! the starting price, so the last bar ends exactly there) and a year of daily bars ending at
//! the previous close. Candles are built from these plus the bars the live walk records.

use crate::dates::Date;
use crate::ledger::rng::{seed, Rng};
use crate::market::catalog::Listing;
use crate::market::gauss;
use crate::market::symbols::CandlePeriod;

pub const MINUTE_MS: i64 = 60_000;
/// Seconds of regular trading in a year (252 days × 6.5 h): the walk's unit of time.
pub const TRADING_SECONDS_PER_YEAR: f64 = 252.0 * 6.5 * 3600.0;
/// Trading days of daily history (a little over a year, for the 52-week range).
pub const DAILY_BARS: u32 = 260;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Start of the bar, epoch ms.
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    /// Price updates in the bar.
    pub count: u64,
    /// Sum of price × volume, for the volume-weighted average price.
    pub turnover: f64,
}

impl Bar {
    pub fn flat(time: i64, price: f64) -> Self {
        Self {
            time,
            open: price,
            high: price,
            low: price,
            close: price,
            volume: 0.0,
            count: 0,
            turnover: 0.0,
        }
    }

    /// Adds a price (and traded volume) to the bar.
    pub fn update(&mut self, price: f64, volume: f64) {
        self.high = self.high.max(price);
        self.low = self.low.min(price);
        self.close = price;
        self.volume += volume;
        self.turnover += price * volume;
        self.count += 1;
    }

    /// Volume-weighted average price (the close when nothing traded).
    pub fn vwap(&self) -> f64 {
        if self.volume > 0.0 {
            self.turnover / self.volume
        } else {
            self.close
        }
    }
}

fn round_to(price: f64, tick: f64) -> f64 {
    ((price / tick).round() * tick).max(tick)
}

fn rng_for(market_seed: u64, symbol: &str, day: Date, what: &str) -> Rng {
    Rng::new(seed(&[
        &market_seed.to_string(),
        symbol,
        &day.to_string(),
        what,
    ]))
}

/// Share of a day's volume traded in minute `i` of `n`: more at the open and the close.
fn volume_share(i: usize, n: usize) -> f64 {
    let x = (i as f64 + 0.5) / n.max(1) as f64;
    1.0 + 2.0 * (2.0 * x - 1.0).powi(2)
}

/// One-minute bars from `open_ms` (the session open) up to and including the minute that
/// holds `start_ms`, from `open_price` to exactly `start_price`.
pub fn intraday(
    listing: &Listing,
    market_seed: u64,
    session: Date,
    open_ms: i64,
    start_ms: i64,
    open_price: f64,
    start_price: f64,
) -> Vec<Bar> {
    let minutes = ((start_ms - open_ms).max(0) / MINUTE_MS) as usize + 1;
    let mut rng = rng_for(market_seed, &listing.symbol, session, "intraday");
    let sigma = listing.vol * (60.0 / TRADING_SECONDS_PER_YEAR).sqrt();
    let mut walk = Vec::with_capacity(minutes + 1);
    walk.push(0.0);
    for _ in 0..minutes {
        let last = walk.last().copied().unwrap_or(0.0);
        walk.push(last + sigma * gauss(&mut rng));
    }
    let end = walk[minutes];
    let drift = (start_price / open_price).ln();
    let points: Vec<f64> = (0..=minutes)
        .map(|i| {
            let t = i as f64 / minutes as f64;
            open_price * (drift * t + walk[i] - end * t).exp()
        })
        .collect();
    let per_minute = listing.daily_volume / 390.0;
    (0..minutes)
        .map(|i| {
            let (o, c) = (points[i], points[i + 1]);
            let wiggle = sigma * 0.5 * rng.unit();
            let high = o.max(c) * (1.0 + wiggle);
            let low = o.min(c) * (1.0 - sigma * 0.5 * rng.unit());
            let close = if i + 1 == minutes {
                start_price
            } else {
                round_to(c, listing.tick)
            };
            let open = round_to(o, listing.tick);
            let volume = (per_minute * volume_share(i, 390) * (0.5 + rng.unit())).round();
            let (high, low) = (
                round_to(high, listing.tick).max(open).max(close),
                round_to(low, listing.tick).min(open).min(close),
            );
            Bar {
                time: open_ms + i as i64 * MINUTE_MS,
                open,
                high,
                low,
                close,
                volume,
                count: 60,
                turnover: volume * (high + low + close) / 3.0,
            }
        })
        .collect()
}

/// The previous close's gap to today's open.
pub fn opening_price(listing: &Listing, market_seed: u64, session: Date, prev_close: f64) -> f64 {
    let mut rng = rng_for(market_seed, &listing.symbol, session, "gap");
    let daily = listing.vol / 252f64.sqrt();
    round_to(
        prev_close * (0.3 * daily * gauss(&mut rng)).exp(),
        listing.tick,
    )
}

/// [`DAILY_BARS`] daily bars for the trading days before `session`, oldest first, the last
/// one closing at `prev_close`. Each bar is stamped at midnight New York time of its day.
pub fn daily(listing: &Listing, market_seed: u64, session: Date, prev_close: f64) -> Vec<Bar> {
    let mut rng = rng_for(market_seed, &listing.symbol, session, "daily");
    let sigma = listing.vol / 252f64.sqrt();
    let mut bars = Vec::with_capacity(DAILY_BARS as usize);
    let mut day = session.add_days(-1).on_or_before_trading();
    let mut close = prev_close;
    for _ in 0..DAILY_BARS {
        let open = close * (-sigma * gauss(&mut rng)).exp();
        let high = open.max(close) * (1.0 + 0.4 * sigma * rng.unit());
        let low = open.min(close) * (1.0 - 0.4 * sigma * rng.unit());
        let (open_r, close_r) = (round_to(open, listing.tick), round_to(close, listing.tick));
        let (high, low) = (
            round_to(high, listing.tick).max(open_r).max(close_r),
            round_to(low, listing.tick).min(open_r).min(close_r),
        );
        let volume = (listing.daily_volume * (0.6 + 0.8 * rng.unit())).round();
        bars.push(Bar {
            time: day.at_et(0, 0, 0, 0),
            open: open_r,
            high,
            low,
            close: close_r,
            volume,
            count: 23_400,
            turnover: volume * (high + low + close_r) / 3.0,
        });
        // The day before opened where this walk says it closed, give or take an overnight gap.
        close = open * (0.3 * sigma * gauss(&mut rng)).exp();
        day = day.add_days(-1).on_or_before_trading();
    }
    bars.reverse();
    bars
}

/// Bars merged into candles of `period`, aligned to the epoch (weeks to Mondays).
pub fn aggregate(bars: &[Bar], period: CandlePeriod) -> Vec<Bar> {
    let len = period.ms();
    // 1970-01-01 was a Thursday; Monday alignment shifts by 4 days.
    let offset = match period {
        CandlePeriod::Weeks(_) => 4 * 86_400_000,
        _ => 0,
    };
    by_session(bars, |t| (t + offset).div_euclid(len) * len - offset)
}

/// Bars merged by the start time `bucket` gives each (e.g. one daily bar per session).
pub fn by_session(bars: &[Bar], bucket: impl Fn(i64) -> i64) -> Vec<Bar> {
    let mut out: Vec<Bar> = Vec::new();
    for bar in bars {
        let day = bucket(bar.time);
        match out.last_mut() {
            Some(last) if last.time == day => merge(last, bar),
            _ => out.push(Bar { time: day, ..*bar }),
        }
    }
    out
}

fn merge(into: &mut Bar, bar: &Bar) {
    into.high = into.high.max(bar.high);
    into.low = into.low.min(bar.low);
    into.close = bar.close;
    into.volume += bar.volume;
    into.turnover += bar.turnover;
    into.count += bar.count;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::catalog::tickers;

    #[test]
    fn intraday_ends_at_the_start_price_and_daily_at_the_close() {
        let aapl = tickers().into_iter().find(|l| l.symbol == "AAPL").unwrap();
        let day: Date = "2026-12-02".parse().unwrap();
        let open_ms = day.at_et(9, 30, 0, 0);
        let start = open_ms + 95 * MINUTE_MS + 30_000;
        let bars = intraday(&aapl, 7, day, open_ms, start, 244.0, 245.36);
        assert_eq!(bars.len(), 96);
        assert_eq!(bars[0].time, open_ms);
        assert_eq!(bars.last().unwrap().close, 245.36);
        assert_eq!(bars[0].open, 244.0);
        assert!(bars
            .iter()
            .all(|b| b.low <= b.open.min(b.close) && b.high >= b.open.max(b.close)));
        assert_eq!(
            bars,
            intraday(&aapl, 7, day, open_ms, start, 244.0, 245.36),
            "deterministic"
        );
        assert_ne!(
            bars,
            intraday(&aapl, 8, day, open_ms, start, 244.0, 245.36),
            "seeded"
        );

        let days = daily(&aapl, 7, day, 244.1);
        assert_eq!(days.len(), DAILY_BARS as usize);
        assert_eq!(days.last().unwrap().close, 244.1);
        assert!(days.windows(2).all(|w| w[0].time < w[1].time));

        let five = aggregate(&bars, CandlePeriod::Minutes(5));
        assert_eq!(five.len(), 20);
        assert_eq!(five[0].open, bars[0].open);
        assert_eq!(five.last().unwrap().close, 245.36);
        assert_eq!(
            five.iter().map(|b| b.volume).sum::<f64>(),
            bars.iter().map(|b| b.volume).sum::<f64>()
        );
    }
}
