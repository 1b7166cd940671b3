//! The net-liq series and what the screen shows of it, as pure functions (unit-tested natively):
//! the range, the points, the change over the range, the high and low, a "nice" y axis and the
//! chart's coordinates. Money stays `Decimal` with checked arithmetic; `f64` appears only in
//! [`Scaled`], the screen coordinates.

use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::NetLiqPoint;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The chart's ranges, as `time-back` values (docs/tastytrade.md §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Day,
    Month,
    Quarter,
    HalfYear,
    Year,
    All,
}

impl Range {
    pub const ALL: [Range; 6] = [
        Range::Day,
        Range::Month,
        Range::Quarter,
        Range::HalfYear,
        Range::Year,
        Range::All,
    ];

    /// The range when the address names none (or an unknown one).
    pub const DEFAULT: Range = Range::Month;

    /// `?range=` and `time-back=` value.
    pub fn param(self) -> &'static str {
        match self {
            Range::Day => "1d",
            Range::Month => "1m",
            Range::Quarter => "3m",
            Range::HalfYear => "6m",
            Range::Year => "1y",
            Range::All => "all",
        }
    }

    pub fn parse(value: Option<&str>) -> Range {
        let value = value.unwrap_or_default().to_ascii_lowercase();
        Range::ALL
            .into_iter()
            .find(|r| r.param() == value)
            .unwrap_or(Range::DEFAULT)
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            Range::Day => "1D",
            Range::Month => "1M",
            Range::Quarter => "3M",
            Range::HalfYear => "6M",
            Range::Year => "1Y",
            Range::All => "ALL",
        }
    }

    /// What the button means, for screen readers and beside the change.
    pub fn description(self) -> &'static str {
        match self {
            Range::Day => "last trading day",
            Range::Month => "past month",
            Range::Quarter => "past 3 months",
            Range::HalfYear => "past 6 months",
            Range::Year => "past year",
            Range::All => "all time",
        }
    }

    /// The range inside a sentence, after "for" or "over": `the past month`, but `all time`.
    pub fn in_sentence(self) -> String {
        match self {
            Range::All => self.description().to_owned(),
            _ => format!("the {}", self.description()),
        }
    }

    /// Intraday points are labelled with times, the others with dates.
    pub fn intraday(self) -> bool {
        self == Range::Day
    }
}

/// One point of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Milliseconds since the epoch (for `Intl` date and time labels).
    pub epoch_ms: i64,
    /// The UTC date, `YYYY-MM-DD` (daily points are dated by their UTC day: the close is in the
    /// US afternoon).
    pub day: String,
    pub value: Decimal,
}

/// The points that have a close and a time we understand, oldest first (tastytrade sends them
/// in that order; sorting again protects the change figure).
pub fn points(items: &[NetLiqPoint]) -> Vec<Point> {
    let mut out: Vec<Point> = items
        .iter()
        .filter_map(|p| {
            let time = p.parsed_time()?;
            let day = p.time.as_deref()?.trim().get(..10)?.to_owned();
            Some(Point {
                epoch_ms: time.unix_millis(),
                day,
                value: p.close?,
            })
        })
        .collect();
    sort_by_time(&mut out);
    out
}

/// A stable insertion sort: one pass over points already in order (as tastytrade sends them),
/// and a fraction of the wasm of `slice::sort`.
fn sort_by_time(points: &mut [Point]) {
    for i in 1..points.len() {
        let mut j = i;
        while j > 0 && points[j - 1].epoch_ms > points[j].epoch_ms {
            points.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The figures of a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Index of the first, last, highest and lowest point.
    pub first: usize,
    pub last: usize,
    pub high: usize,
    pub low: usize,
    /// Last close − first close; `None` if it does not fit a `Decimal`.
    pub change: Option<Decimal>,
}

impl Summary {
    /// `None` for an empty series.
    pub fn of(points: &[Point]) -> Option<Summary> {
        let last = points.len().checked_sub(1)?;
        let mut high = 0;
        let mut low = 0;
        for (i, p) in points.iter().enumerate() {
            if p.value > points[high].value {
                high = i;
            }
            if p.value < points[low].value {
                low = i;
            }
        }
        Some(Summary {
            first: 0,
            last,
            high,
            low,
            change: points[last].value.minus(points[0].value),
        })
    }
}

/// A y axis of 3 to 5 equal steps of a round size (1, 2, 2.5 or 5 × 10ⁿ) from `lo`, so its
/// labels sit at evenly spaced gridlines and read as round amounts. All of its arithmetic is
/// checked (`pocket_shared::checked`: compiled once, where each operator would carry its own
/// copy of the 96-bit arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub lo: Decimal,
    pub step: Decimal,
    pub intervals: u32,
}

impl Axis {
    /// The tightest such axis that holds `min..=max` (4 steps when two fit as tightly); `None`
    /// on overflow. A flat series gets a band of 4 steps around its value.
    pub fn fit(min: Decimal, max: Decimal) -> Option<Axis> {
        let span = max.minus(min)?;
        if span.is_zero() {
            // 1 % of the value (at least a dollar) per step, the value in the middle.
            let step =
                NiceSteps::from(max.abs().over(Decimal::from(50))?.max(Decimal::ONE))?.next()?;
            let lo = floor_to(min.minus(step.times(Decimal::TWO)?)?, step)?;
            let axis = Axis {
                lo,
                step,
                intervals: 4,
            };
            lo.plus(axis.height()?)?;
            return Some(axis);
        }
        let mut best: Option<(Axis, Decimal)> = None;
        for intervals in [4, 5, 3] {
            let Some(axis) = Self::fit_in(min, max, intervals) else {
                continue;
            };
            let height = axis.height()?;
            if best.is_none_or(|(_, h)| height < h) {
                best = Some((axis, height));
            }
        }
        best.map(|(axis, _)| axis)
    }

    /// The smallest axis of `intervals` round steps holding `min..=max` (`min < max`).
    fn fit_in(min: Decimal, max: Decimal, intervals: u32) -> Option<Axis> {
        let mut steps = NiceSteps::from(max.minus(min)?.over(Decimal::from(intervals))?)?;
        loop {
            let step = steps.next()?;
            let lo = floor_to(min, step)?;
            let axis = Axis {
                lo,
                step,
                intervals,
            };
            if lo.plus(axis.height()?)? >= max {
                return Some(axis);
            }
        }
    }

    /// `hi − lo` (`fit` only returns axes where this and `lo +` it fit a `Decimal`).
    pub fn height(&self) -> Option<Decimal> {
        self.step.times(Decimal::from(self.intervals))
    }

    /// The gridline values, top (highest) first.
    pub fn ticks(&self) -> Vec<Decimal> {
        (0..=self.intervals)
            .rev()
            .filter_map(|i| self.step.times(Decimal::from(i))?.plus(self.lo))
            .collect()
    }
}

/// The largest multiple of `step` at or below `value`.
fn floor_to(value: Decimal, step: Decimal) -> Option<Decimal> {
    // `Decimal::floor` would bring its own unchecked subtraction: truncate, then step down
    // from a negative fraction.
    let quotient = value.over(step)?;
    let whole = quotient.trunc();
    let floor = if whole > quotient {
        whole.minus(Decimal::ONE)?
    } else {
        whole
    };
    floor.times(step)
}

/// Whether `value` has no fractional part (without `Decimal::fract`'s unchecked subtraction).
pub fn is_whole(value: Decimal) -> bool {
    value.trunc() == value
}

/// 1, 2, 2.5, 5 × 10ⁿ, from the first one at or above a starting value, upwards.
struct NiceSteps {
    power: Decimal,
    index: usize,
}

const MANTISSAS: [Decimal; 4] = [
    Decimal::ONE,
    Decimal::TWO,
    Decimal::from_parts(25, 0, 0, false, 1),
    Decimal::from_parts(5, 0, 0, false, 0),
];

impl NiceSteps {
    /// Starts at the smallest nice step ≥ `at_least` (> 0).
    fn from(at_least: Decimal) -> Option<NiceSteps> {
        if at_least <= Decimal::ZERO {
            return None;
        }
        // The power of ten at or below `at_least`, by repeated ×/÷ 10 (exact in Decimal).
        let ten = Decimal::TEN;
        let mut power = Decimal::ONE;
        while power > at_least {
            power = power.over(ten)?;
            if power.is_zero() {
                return None;
            }
        }
        while let Some(next) = power.times(ten).filter(|p| *p <= at_least) {
            power = next;
        }
        let mut steps = NiceSteps { power, index: 0 };
        while steps.current()? < at_least {
            steps.advance()?;
        }
        Some(steps)
    }

    fn current(&self) -> Option<Decimal> {
        MANTISSAS[self.index].times(self.power)
    }

    fn advance(&mut self) -> Option<()> {
        self.index += 1;
        if self.index == MANTISSAS.len() {
            self.index = 0;
            self.power = self.power.times(Decimal::TEN)?;
        }
        Some(())
    }

    /// The current step, then moves on (`None` once it would overflow).
    fn next(&mut self) -> Option<Decimal> {
        let step = self.current()?;
        self.advance()?;
        Some(step)
    }
}

/// The chart's drawing area, in SVG user units (the SVG stretches it to its box). Fine enough
/// that whole units look smooth, so coordinates are integers (no float formatting in the wasm).
pub const WIDTH: i64 = 10_000;
pub const HEIGHT: i64 = 3_000;

/// Screen coordinates of the points.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaled {
    pub xy: Vec<(i64, i64)>,
}

/// `x` of point `i` of `n`: evenly spaced (trading days, without weekend gaps), a single
/// point in the middle.
pub fn x_of(i: usize, n: usize) -> i64 {
    match (i64::try_from(i), i64::try_from(n)) {
        (Ok(i), Ok(n)) if n > 1 => WIDTH * i / (n - 1),
        _ => WIDTH / 2,
    }
}

/// The point nearest to `fraction` (0 = left edge, 1 = right edge) of the chart's width.
pub fn index_at(fraction: f64, n: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    if !fraction.is_finite() {
        return None;
    }
    let i = (fraction.clamp(0.0, 1.0) * last as f64 + 0.5) as usize;
    Some(i.min(last))
}

impl Scaled {
    /// The points on `axis`, computed in `Decimal` and rounded to whole units.
    pub fn new(points: &[Point], axis: &Axis) -> Option<Scaled> {
        let span = axis.height()?;
        let height = Decimal::from(HEIGHT);
        let n = points.len();
        let xy = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let above = p
                    .value
                    .minus(axis.lo)?
                    .times(height)?
                    .over(span)?
                    .round()
                    .to_i64()?;
                Some((x_of(i, n), HEIGHT - above))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Scaled { xy })
    }

    /// The line, as SVG path data.
    pub fn line(&self) -> String {
        let mut d = String::with_capacity(self.xy.len() * 11);
        for (i, (x, y)) in self.xy.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&format!("{x} {y}"));
        }
        // A lone point still shows: a zero-length segment drawn with round caps.
        if self.xy.len() == 1 {
            d.push_str("h0");
        }
        d
    }

    /// The area under the line, closed along the bottom.
    pub fn area(&self) -> String {
        let (Some((first_x, _)), Some((last_x, _))) = (self.xy.first(), self.xy.last()) else {
            return String::new();
        };
        format!("{}L{last_x} {HEIGHT}L{first_x} {HEIGHT}Z", self.line())
    }
}

/// The gridlines' `y`, top to bottom: `intervals` equal steps over the height.
pub fn gridlines(intervals: u32) -> Vec<i64> {
    let intervals = i64::from(intervals.max(1));
    (0..=intervals).map(|i| HEIGHT * i / intervals).collect()
}

/// Indices of the date labels under the chart: first, middle, last (fewer for short series).
pub fn tick_indices(n: usize) -> Vec<usize> {
    match n {
        0 => vec![],
        1 => vec![0],
        2 => vec![0, 1],
        _ => vec![0, (n - 1) / 2, n - 1],
    }
}

/// What a key does to the readout of a chart of `n` points showing `current` (`None`: the
/// readout rests on the last point): `Some(Some(i))` moves it to `i`, `Some(None)` puts it back
/// to rest, `None` leaves the key to the browser.
pub fn key_target(key: &str, current: Option<usize>, n: usize) -> Option<Option<usize>> {
    let last = n.checked_sub(1)?;
    let at = current.unwrap_or(last).min(last);
    let page = (n / 10).max(1);
    Some(Some(match key {
        "ArrowLeft" | "ArrowDown" => at.saturating_sub(1),
        "ArrowRight" | "ArrowUp" => (at + 1).min(last),
        "PageDown" => at.saturating_sub(page),
        "PageUp" => (at + page).min(last),
        "Home" => 0,
        "End" => last,
        "Escape" => return Some(None),
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn point(close: &str, time: &str) -> NetLiqPoint {
        serde_json::from_value(
            serde_json::json!({"close": close, "total-close": close, "time": time}),
        )
        .unwrap()
    }

    fn series(values: &[&str]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                epoch_ms: i as i64,
                day: "2026-12-02".into(),
                value: d(v),
            })
            .collect()
    }

    #[test]
    fn ranges_parse_from_the_address() {
        assert_eq!(Range::parse(Some("3m")), Range::Quarter);
        assert_eq!(Range::parse(Some("ALL")), Range::All);
        assert_eq!(Range::parse(None), Range::Month);
        assert_eq!(Range::parse(Some("2w")), Range::Month);
        for r in Range::ALL {
            assert_eq!(Range::parse(Some(r.param())), r);
        }
        assert!(Range::Day.intraday() && !Range::Year.intraday());
    }

    #[test]
    fn ranges_read_in_a_sentence() {
        assert_eq!(Range::Day.in_sentence(), "the last trading day");
        assert_eq!(Range::Quarter.in_sentence(), "the past 3 months");
        // Not "the all time".
        assert_eq!(Range::All.in_sentence(), "all time");
    }

    #[test]
    fn points_keep_the_dated_closes_in_time_order() {
        let items = vec![
            point("101.5", "2026-12-02 21:00:00+00"),
            point("100", "2026-12-01 21:00:00+00"),
            point("7", "not a time"),
            serde_json::from_value(serde_json::json!({"time": "2026-12-03 21:00:00+00"})).unwrap(),
        ];
        let p = points(&items);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].day, "2026-12-01");
        assert_eq!(p[1].value, d("101.5"));
        assert!(p[0].epoch_ms < p[1].epoch_ms);
        assert_eq!(p[0].epoch_ms, 1_796_158_800_000);
    }

    #[test]
    fn floors_to_a_step() {
        assert_eq!(floor_to(d("541234.56"), d("2000")), Some(d("540000")));
        assert_eq!(floor_to(d("-0.37"), d("0.25")), Some(d("-0.5")));
        assert_eq!(floor_to(d("-0.5"), d("0.25")), Some(d("-0.5")));
        assert_eq!(floor_to(d("4000"), d("2000")), Some(d("4000")));
        assert_eq!(floor_to(d("1"), Decimal::ZERO), None);
        assert!(is_whole(d("2000")) && is_whole(d("-3.00")) && !is_whole(d("2.5")));
    }

    #[test]
    fn sorting_by_time_is_stable() {
        let mut p = series(&["1", "2", "3", "4", "5"]);
        for (point, t) in p.iter_mut().zip([30, 10, 30, 20, 10]) {
            point.epoch_ms = t;
        }
        sort_by_time(&mut p);
        let order: Vec<(i64, String)> = p
            .iter()
            .map(|p| (p.epoch_ms, p.value.to_string()))
            .collect();
        let want = [(10, "2"), (10, "5"), (20, "4"), (30, "1"), (30, "3")];
        assert_eq!(order, want.map(|(t, v)| (t, v.to_owned())));
    }

    #[test]
    fn summary_is_last_minus_first_with_high_and_low() {
        let s = Summary::of(&series(&["100.10", "120", "90.05", "110.35"])).unwrap();
        assert_eq!(s.change, Some(d("10.25")));
        assert_eq!((s.first, s.last, s.high, s.low), (0, 3, 1, 2));
        let down = Summary::of(&series(&["10", "7.5"])).unwrap();
        assert_eq!(down.change, Some(d("-2.5")));
        assert_eq!(Summary::of(&[]), None);
        // A change that does not fit is unknown, not wrong.
        let max = Decimal::MAX.to_string();
        let min = Decimal::MIN.to_string();
        assert_eq!(Summary::of(&series(&[&min, &max])).unwrap().change, None);
    }

    fn axis(lo: &str, step: &str, intervals: u32) -> Axis {
        Axis {
            lo: d(lo),
            step: d(step),
            intervals,
        }
    }

    #[test]
    fn axis_is_round_and_holds_the_data() {
        // 6,655.56 / 4 = 1,663.89 → 4 steps of 2,000 from 540,000: 548,000 holds the max.
        let fitted = Axis::fit(d("541234.56"), d("547890.12")).unwrap();
        assert_eq!(fitted, axis("540000", "2000", 4));
        assert_eq!(fitted.lo + fitted.height().unwrap(), d("548000"));
        assert_eq!(fitted.ticks().first(), Some(&d("548000")));
        assert_eq!(fitted.ticks().len(), 5);
        // 4 steps of 250 from 1,750 fall short, 4 of 500 waste half the height: 5 of 250.
        assert_eq!(
            Axis::fit(d("1900"), d("2850")),
            Some(axis("1750", "250", 5))
        );
        let fitted = Axis::fit(d("43411.15"), d("60411.40")).unwrap();
        assert_eq!(fitted, axis("40000", "5000", 5));
        assert_eq!(fitted.ticks().len(), 6);
        // Cents and negatives; 4 steps win a tie.
        let fitted = Axis::fit(d("-0.37"), d("0.41")).unwrap();
        assert_eq!(fitted, axis("-0.5", "0.25", 4));
        // Flat: a band around the value.
        let fitted = Axis::fit(d("5000"), d("5000")).unwrap();
        assert_eq!(fitted, axis("4800", "100", 4));
        // Absurd values: no axis rather than a panic.
        assert_eq!(Axis::fit(Decimal::MIN, Decimal::MAX), None);
        assert!(Axis::fit(Decimal::MAX, Decimal::MAX).is_none());
    }

    #[test]
    fn scaling_maps_the_axis_to_the_box() {
        let pts = series(&["540000", "548000", "544000"]);
        let axis = axis("540000", "2000", 4);
        let s = Scaled::new(&pts, &axis).unwrap();
        assert_eq!(s.xy, vec![(0, HEIGHT), (WIDTH / 2, 0), (WIDTH, HEIGHT / 2)]);
        assert_eq!(s.line(), "M0 3000L5000 0L10000 1500");
        assert_eq!(s.area(), "M0 3000L5000 0L10000 1500L10000 3000L0 3000Z");
        // 1,000 above the bottom of 8,000: 375 of 3,000 units up; a lone point in the middle.
        let one = Scaled::new(&series(&["541000"]), &axis).unwrap();
        assert_eq!(one.line(), "M5000 2625h0");
        // Rounded to the nearest unit: 540,001 is 0.375 units up.
        let near = Scaled::new(&series(&["540001", "547999.99"]), &axis).unwrap();
        assert_eq!(near.xy, vec![(0, 3000), (10000, 0)]);
        assert_eq!(near.line(), "M0 3000L10000 0");
        assert_eq!(gridlines(2), vec![0, 1500, 3000]);
        assert_eq!(gridlines(5), vec![0, 600, 1200, 1800, 2400, 3000]);
        assert_eq!(gridlines(0), vec![0, 3000]);
    }

    #[test]
    fn pointer_positions_pick_the_nearest_point() {
        assert_eq!(index_at(0.0, 5), Some(0));
        assert_eq!(index_at(0.49, 5), Some(2));
        assert_eq!(index_at(0.13, 5), Some(1));
        assert_eq!(index_at(1.7, 5), Some(4));
        assert_eq!(index_at(-3.0, 5), Some(0));
        assert_eq!(index_at(f64::NAN, 5), None);
        assert_eq!(index_at(0.5, 0), None);
        assert_eq!(index_at(0.9, 1), Some(0));
        assert_eq!(tick_indices(21), vec![0, 10, 20]);
        assert_eq!(tick_indices(2), vec![0, 1]);
    }

    #[test]
    fn keys_move_the_readout() {
        // From rest (the last point) the left arrow goes to the one before.
        assert_eq!(key_target("ArrowLeft", None, 5), Some(Some(3)));
        assert_eq!(key_target("ArrowRight", Some(4), 5), Some(Some(4)));
        assert_eq!(key_target("ArrowLeft", Some(0), 5), Some(Some(0)));
        assert_eq!(key_target("Home", None, 5), Some(Some(0)));
        assert_eq!(key_target("End", Some(1), 5), Some(Some(4)));
        assert_eq!(key_target("PageDown", Some(30), 40), Some(Some(26)));
        assert_eq!(key_target("Escape", Some(2), 5), Some(None));
        assert_eq!(key_target("Tab", Some(2), 5), None);
        assert_eq!(key_target("ArrowLeft", None, 0), None);
    }
}
