//! Options: which exist (a generated chain per optionable underlying, plus every option the
//! fixtures and the ledger hold), and their prices and Greeks from the underlying.

use crate::dates::{Date, MS_PER_DAY};
use crate::ledger::rng::{seed, Rng};
use crate::market::bs::{self, Contract, Greeks, RISK_FREE_RATE};
use crate::market::surface;

const MS_PER_YEAR: f64 = 365.0 * MS_PER_DAY as f64;

/// An option the market can price.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// Streamer symbol (`.SPY261218C700`, `./EW4Z26C7000:XCME`).
    pub symbol: String,
    /// REST symbol (OCC for equity options).
    pub rest_symbol: String,
    pub underlying: usize,
    pub expiration: Date,
    pub expires_ms: i64,
    pub call: bool,
    pub strike: f64,
    pub on_future: bool,
    pub multiplier: f64,
    pub tick: f64,
    /// Added to the surface's volatility, so a fixture option starts at its fixture mark.
    pub iv_offset: f64,
    /// Added to the model price when no volatility reproduces the fixture mark (e.g. expired).
    pub basis: f64,
    /// The fixture's close price, when the option comes from a fixture.
    pub prev_close: Option<f64>,
    pub description: String,
}

/// The generated chain of an underlying: expirations and an evenly spaced strike range.
#[derive(Debug, Clone)]
pub struct Chain {
    pub expirations: Vec<Date>,
    pub step: f64,
    pub low: f64,
    pub high: f64,
}

impl Chain {
    /// Weekly Fridays for a month, four monthlies (third Fridays), next January's and the next
    /// quarter-end (the last trading day of March, June, September or December), with strikes
    /// 25 % either side of `price`.
    pub fn around(price: f64, today: Date) -> Self {
        let mut expirations = Vec::new();
        let mut d = today.add_days(1);
        while expirations.len() < 4 {
            if d.weekday() == 5 {
                expirations.push(d);
            }
            d = d.add_days(1);
        }
        let mut month_day = today;
        for _ in 0..4 {
            let exp = month_day.monthly_expiration_after(1);
            expirations.push(exp);
            month_day = exp;
        }
        expirations.push(Date::nth_weekday(today.year() + 1, 1, 5, 3));
        expirations.push(next_quarter_end(today));
        expirations.sort();
        expirations.dedup();
        let step = match price {
            p if p < 25.0 => 0.5,
            p if p < 50.0 => 1.0,
            p if p < 200.0 => 2.5,
            p if p < 500.0 => 5.0,
            p if p < 1000.0 => 10.0,
            _ => 25.0,
        };
        Self {
            expirations,
            step,
            low: ((price * 0.75) / step).ceil() * step,
            high: ((price * 1.25) / step).floor() * step,
        }
    }

    pub fn has(&self, expiration: Date, strike: f64) -> bool {
        let on_grid = ((strike / self.step).round() * self.step - strike).abs() < 1e-9;
        self.expirations.contains(&expiration)
            && on_grid
            && (self.low..=self.high).contains(&strike)
    }

    pub fn strikes(&self) -> impl Iterator<Item = f64> + '_ {
        let n = ((self.high - self.low) / self.step).round() as usize;
        (0..=n).map(move |i| self.low + i as f64 * self.step)
    }
}

/// The last trading day of the next quarter month (Mar/Jun/Sep/Dec) after `today`: a
/// quarterly expiration (docs/tastytrade.md §6.10 `expiration-type`).
pub fn next_quarter_end(today: Date) -> Date {
    let (mut y, mut m, _) = today.ymd();
    loop {
        if m % 3 == 0 {
            let last = Date::last_trading_day_of_month(y, m);
            if last > today {
                return last;
            }
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
}

/// tastytrade's `expiration-type` of an equity option expiration: third Fridays are
/// `Regular`, the last trading day of a quarter month `Quarterly`, anything else `Weekly`.
pub fn expiration_type(date: Date) -> &'static str {
    let (y, m, _) = date.ymd();
    if date == Date::nth_weekday(y, m, 5, 3) {
        "Regular"
    } else if m % 3 == 0 && date == Date::last_trading_day_of_month(y, m) {
        "Quarterly"
    } else {
        "Weekly"
    }
}

/// A futures option chain the market lists on its front future (docs/tastytrade.md §6.10
/// `/futures-option-chains/{code}/nested`).
#[derive(Debug, Clone)]
pub struct FutureChain {
    /// The product code (`ES`).
    pub product: String,
    /// The future the options deliver (an underlying index).
    pub underlying: usize,
    pub expirations: Vec<FutureExpiration>,
    pub strikes: Vec<f64>,
}

/// One expiration of a futures option chain.
#[derive(Debug, Clone)]
pub struct FutureExpiration {
    /// The option product (`EW1`, `ES`).
    pub option_root: String,
    /// The option contract code: product, month code, year digit (`EW1Z6`).
    pub contract: String,
    pub date: Date,
    /// `Weekly`, `Regular` or `Quarterly`.
    pub kind: &'static str,
}

/// An option's price, quote and Greeks at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionView {
    /// Model value (the Greeks event's `price`).
    pub theo: f64,
    pub iv: f64,
    pub greeks: Greeks,
    pub mark: f64,
    pub bid: f64,
    pub ask: f64,
    pub underlying_price: f64,
}

impl OptionSpec {
    pub fn years(&self, now_ms: i64) -> f64 {
        (self.expires_ms - now_ms) as f64 / MS_PER_YEAR
    }

    pub fn contract(&self, now_ms: i64) -> Contract {
        Contract {
            call: self.call,
            strike: self.strike,
            years: self.years(now_ms),
            on_future: self.on_future,
        }
    }

    /// The model price (before quoting) at underlying `s`.
    pub fn model(&self, atm: f64, s: f64, now_ms: i64) -> (f64, f64, Greeks) {
        let years = self.years(now_ms);
        let iv = (surface::implied_vol(atm, s, self.strike, years) + self.iv_offset).max(0.01);
        let mut g = bs::greeks(self.contract(now_ms), s, iv, RISK_FREE_RATE);
        if years <= 0.0 {
            let value = bs::intrinsic(self.call, s, self.strike);
            let itm = value > 0.0;
            let sign = if self.call { 1.0 } else { -1.0 };
            g = Greeks {
                price: value,
                delta: if itm { sign } else { 0.0 },
                gamma: 0.0,
                theta: 0.0,
                vega: 0.0,
                rho: 0.0,
            };
        }
        g.price = (g.price + self.basis).max(0.0);
        (g.price, iv, g)
    }

    /// Quote and Greeks at underlying `s`; `pinned` fixes the option's own price (its
    /// volatility is then implied from it).
    pub fn view(&self, atm: f64, s: f64, now_ms: i64, pinned: Option<f64>) -> OptionView {
        let (theo, iv, greeks) = match pinned {
            None => self.model(atm, s, now_ms),
            Some(price) => {
                let c = self.contract(now_ms);
                match bs::implied_vol(c, s, price, RISK_FREE_RATE) {
                    Some(iv) => {
                        let g = bs::greeks(c, s, iv, RISK_FREE_RATE);
                        (price, iv, Greeks { price, ..g })
                    }
                    None => {
                        let (_, iv, g) = self.model(atm, s, now_ms);
                        (price, iv, Greeks { price, ..g })
                    }
                }
            }
        };
        let tick = self.tick;
        let mark_on_grid = (theo / tick).round() * tick;
        // Half a percent of the price either side, at least one tick: the mark stays the
        // midpoint unless the bid would go below zero.
        let half = ((theo * 0.005 / tick).round().max(1.0)) * tick;
        let bid = (mark_on_grid - half).max(0.0);
        let ask = mark_on_grid + half;
        OptionView {
            theo,
            iv,
            greeks,
            mark: (bid + ask) / 2.0,
            bid,
            ask,
            underlying_price: s,
        }
    }

    /// Calibrates a fixture option so that at underlying `s` now its model price is `mark`.
    pub fn calibrate(&mut self, atm: f64, s: f64, now_ms: i64, mark: f64) {
        let years = self.years(now_ms);
        let surface_iv = surface::implied_vol(atm, s, self.strike, years);
        let solved = (years > 0.0)
            .then(|| bs::implied_vol(self.contract(now_ms), s, mark, RISK_FREE_RATE))
            .flatten();
        match solved {
            Some(iv) => {
                self.iv_offset = iv - surface_iv;
                self.basis = 0.0;
            }
            None => {
                self.iv_offset = 0.0;
                self.basis = 0.0;
                self.basis = mark - self.model(atm, s, now_ms).0;
            }
        }
    }

    /// Open interest: most near the money, deterministic per symbol.
    pub fn open_interest(&self, underlying_price: f64) -> u64 {
        let mut rng = Rng::new(seed(&["open-interest", &self.symbol]));
        let x = (self.strike / underlying_price).ln() / 0.1;
        (200.0 + 20_000.0 * (-x * x).exp() * (0.3 + rng.unit())).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(call: bool, strike: f64, expiration: &str) -> OptionSpec {
        let expiration: Date = expiration.parse().unwrap();
        OptionSpec {
            symbol: ".SPY261218C700".into(),
            rest_symbol: "SPY   261218C00700000".into(),
            underlying: 0,
            expiration,
            expires_ms: expiration.at_et(16, 0, 0, 0),
            call,
            strike,
            on_future: false,
            multiplier: 100.0,
            tick: 0.01,
            iv_offset: 0.0,
            basis: 0.0,
            prev_close: None,
            description: String::new(),
        }
    }

    #[test]
    fn calibration_reproduces_the_fixture_mark() {
        let now = "2026-12-02".parse::<Date>().unwrap().at_et(12, 0, 0, 0);
        let mut o = spec(true, 700.0, "2026-12-18");
        o.calibrate(0.165, 672.45, now, 14.55);
        let v = o.view(0.165, 672.45, now, None);
        assert_eq!(v.mark, 14.55);
        assert!(v.bid < v.mark && v.mark < v.ask);
        assert!((v.theo - 14.55).abs() < 1e-9);
        // Expired: no volatility fits, the basis carries the difference.
        let mut old = spec(false, 340.0, "2026-11-20");
        old.calibrate(0.165, 322.18, now, 2.31);
        assert!((old.view(0.165, 322.18, now, None).theo - 2.31).abs() < 1e-9);
    }

    #[test]
    fn a_pinned_option_implies_its_volatility() {
        let now = "2026-12-02".parse::<Date>().unwrap().at_et(12, 0, 0, 0);
        let o = spec(false, 620.0, "2026-12-18");
        let v = o.view(0.165, 672.45, now, Some(8.0));
        assert_eq!(v.theo, 8.0);
        let again = bs::greeks(o.contract(now), 672.45, v.iv, RISK_FREE_RATE);
        assert!((again.price - 8.0).abs() < 1e-6);
        assert!((again.delta - v.greeks.delta).abs() < 1e-12);
    }

    #[test]
    fn chain_grid() {
        let today: Date = "2026-12-02".parse().unwrap();
        let chain = Chain::around(672.45, today);
        assert_eq!(chain.step, 10.0);
        assert!(chain.has("2026-12-18".parse().unwrap(), 700.0));
        assert!(!chain.has("2026-12-18".parse().unwrap(), 705.0));
        assert!(!chain.has("2026-12-17".parse().unwrap(), 700.0));
        assert!(chain.expirations.contains(&"2027-01-15".parse().unwrap()));
        assert!(chain.expirations.iter().all(|e| *e > today));
        let quarter_end: Date = "2026-12-31".parse().unwrap();
        assert!(chain.expirations.contains(&quarter_end));
        assert_eq!(expiration_type(quarter_end), "Quarterly");
        assert_eq!(expiration_type("2026-12-18".parse().unwrap()), "Regular");
        assert_eq!(expiration_type("2026-12-11".parse().unwrap()), "Weekly");
    }
}
