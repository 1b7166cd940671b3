//! Net liquidating value over time: a seeded walk built backwards from today's net liq, so the
//! last point is exactly the balances fixture's `net-liquidating-value` (docs/tastytrade.md
//! §6.6). Deposits and withdrawals show as steps on their days.

use std::collections::BTreeMap;

use crate::dates::Date;
use crate::decimal::Dec;
use crate::ledger::rng::{seed, Rng};
use crate::ledger::Bar;

/// Years of daily points (`time-back=all`).
pub const DAILY_YEARS: u32 = 2;
/// Minutes between intraday points on the last trading day (09:30–16:00 ET).
pub const INTRADAY_STEP_MIN: u32 = 5;

fn envelope(rng: &mut Rng, open: f64, close: f64, spread: f64) -> (Dec, Dec) {
    let high = open.max(close) * (1.0 + spread * rng.unit());
    let low = open.min(close) * (1.0 - spread * rng.unit());
    (
        Dec::from_f64(high).round_to(Dec::cents(1)),
        Dec::from_f64(low).round_to(Dec::cents(1)),
    )
}

/// One bar per trading day for [`DAILY_YEARS`] up to `last`, stamped at the 16:00 ET close,
/// and the last day's 5-minute bars. The last daily bar's high/low cover its intraday bars.
pub fn series(
    account: &str,
    last: Date,
    final_close: Dec,
    flows: &BTreeMap<Date, Dec>,
) -> (Vec<Bar>, Vec<Bar>) {
    let first = last.months_back(12 * DAILY_YEARS);
    let mut days = Vec::new();
    let mut d = last;
    while d >= first {
        days.push(d);
        d = d.add_days(-1).on_or_before_trading();
    }
    // Backwards: close(d-1) = (close(d) - flow(d)) / (1 + r(d)).
    let mut closes = vec![final_close.to_f64()];
    for day in &days {
        let mut rng = Rng::new(seed(&[account, &day.to_string(), "r"]));
        let r = 0.0004 + 0.009 * rng.normal();
        let flow = flows.get(day).copied().unwrap_or(Dec::ZERO).to_f64();
        let prev = (closes.last().copied().unwrap_or(0.0) - flow) / (1.0 + r);
        closes.push(prev.max(1.0));
    }
    let mut daily: Vec<Bar> = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let (close, open) = (closes[i], closes[i + 1]);
            let mut rng = Rng::new(seed(&[account, &day.to_string(), "hl"]));
            let (high, low) = envelope(&mut rng, open, close, 0.004);
            Bar {
                time: day.at_et(16, 0, 0, 0),
                open: Dec::from_f64(open).round_to(Dec::cents(1)),
                high,
                low,
                close: Dec::from_f64(close).round_to(Dec::cents(1)),
            }
        })
        .collect();
    daily.reverse();
    if let Some(bar) = daily.last_mut() {
        bar.close = final_close;
    }

    let intraday = intraday(account, last, daily.last());
    if let Some(bar) = daily.last_mut() {
        cover(bar, &intraday);
    }
    (daily, intraday)
}

/// Widens the last day's bar to its intraday bars' range.
fn cover(bar: &mut Bar, intraday: &[Bar]) {
    bar.high = intraday.iter().map(|b| b.high).fold(bar.high, Dec::max);
    bar.low = intraday.iter().map(|b| b.low).fold(bar.low, Dec::min);
}

/// The series as [`series`] built it, ending at `close` instead: `/balances` follows the market
/// and the account's trades (docs/tastytrade.md §6.6: the last point is the current net liq).
/// Only the last day changes: its close, and its intraday path bent linearly from the
/// unchanged 09:30 point to `close` (bar `i` of `n` moves by `i/n` of the difference).
pub fn ending_at(daily: &[Bar], intraday: &[Bar], close: Dec) -> (Vec<Bar>, Vec<Bar>) {
    let (mut daily, mut intraday) = (daily.to_vec(), intraday.to_vec());
    let Some(last) = daily.last_mut() else {
        return (daily, intraday);
    };
    let diff = close - last.close;
    last.close = close;
    let steps = intraday.len().saturating_sub(1).max(1) as i64;
    // Whole cents along the way; the last bar moves by exactly `diff`.
    let shift = |i: i64| match i {
        i if i >= steps => diff,
        i => Dec(diff.0 * i / steps).round_to(Dec::cents(1)),
    };
    for (i, bar) in intraday.iter_mut().enumerate() {
        let i = i as i64;
        let (open, close) = (bar.open + shift((i - 1).max(0)), bar.close + shift(i));
        bar.high = (bar.high + shift(i)).max(open).max(close);
        bar.low = (bar.low + shift(i)).min(open).min(close);
        (bar.open, bar.close) = (open, close);
    }
    last.low = last.low.min(close);
    last.high = last.high.max(close);
    cover(last, &intraday);
    (daily, intraday)
}

/// A Brownian bridge from the day's open to its close, one bar every 5 minutes; the first
/// (09:30) bar is flat at the open, as in the captured payload.
fn intraday(account: &str, day: Date, bar: Option<&Bar>) -> Vec<Bar> {
    let Some(bar) = bar else { return Vec::new() };
    let steps = (6 * 60 + 30) / INTRADAY_STEP_MIN;
    let (open, close) = (bar.open.to_f64(), bar.close.to_f64());
    let mut rng = Rng::new(seed(&[account, &day.to_string(), "intraday"]));
    let sigma = open * 0.006 / (steps as f64).sqrt();
    let mut walk = vec![0.0];
    for _ in 0..steps {
        let w = walk.last().copied().unwrap_or(0.0) + sigma * rng.normal();
        walk.push(w);
    }
    let end = walk[steps as usize];
    let points: Vec<f64> = (0..=steps as usize)
        .map(|i| {
            let t = i as f64 / steps as f64;
            open + (close - open) * t + walk[i] - end * t
        })
        .collect();
    (0..=steps as usize)
        .map(|i| {
            let minutes = 9 * 60 + 30 + i as u32 * INTRADAY_STEP_MIN;
            let time = day.at_et(minutes / 60, minutes % 60, 0, 0);
            let (o, c) = if i == 0 {
                (points[0], points[0])
            } else {
                (points[i - 1], points[i])
            };
            let (high, low) = if i == 0 {
                let v = Dec::from_f64(o).round_to(Dec::cents(1));
                (v, v)
            } else {
                envelope(&mut rng, o, c, 0.0005)
            };
            let round = |v: f64| Dec::from_f64(v).round_to(Dec::cents(1));
            let close = if i == steps as usize {
                bar.close
            } else {
                round(c)
            };
            Bar {
                time,
                open: round(o),
                high: high.max(close),
                low: low.min(close),
                close,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moved up or down, the series ends exactly at the new close; only the last day changes,
    /// its 09:30 point stays, and every bar still holds its open and close within high–low.
    #[test]
    fn ending_at_moves_only_the_last_day() {
        let last: Date = "2026-12-02".parse().unwrap();
        let (daily, intraday) = series("5WT00001", last, Dec::lit("100000.0"), &BTreeMap::new());
        for close in ["104321.1234", "61000.5", "100000.0"] {
            let close = Dec::lit(close);
            let (d, i) = ending_at(&daily, &intraday, close);
            assert_eq!((d.len(), i.len()), (daily.len(), intraday.len()));
            assert_eq!(d[..d.len() - 1], daily[..daily.len() - 1]);
            assert_eq!(
                (d.last().unwrap().close, i.last().unwrap().close),
                (close, close)
            );
            assert_eq!(i[0], intraday[0]);
            assert!(i.windows(2).all(|w| w[0].close == w[1].open));
            assert!(d
                .iter()
                .chain(&i)
                .all(|b| b.low <= b.open.min(b.close) && b.high >= b.open.max(b.close)));
            let day = d.last().unwrap();
            assert!(i.iter().all(|b| day.low <= b.low && b.high <= day.high));
        }
    }
}
