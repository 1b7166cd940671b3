//! The quote screen (`/quote/{symbol}`): one instrument at a glance, live — last price and the
//! day's change, bid × ask with sizes, the day's and the 52-week range, open, previous close and
//! volume from the stream; IV rank, IV, beta, liquidity and the next earnings from
//! `/market-metrics`; the day's chart from 5-minute candles. Built with `components::dom`; one
//! effect per part keeps it live.

use leptos::prelude::*;
use pocket_shared::checked::Checked;
use pocket_shared::dxlink::{Candle, Profile, Quote, Summary, Trade};
use pocket_shared::tastytrade::SymbolParts;
use rust_decimal::Decimal;
use web_sys::Element;

use super::figures::{figures, Figures};
use crate::components::dom::{self, redrawn, El};
use crate::features::history::chart::line_chart;
use crate::features::history::series::{Point, Range};
use crate::features::history::History;
use crate::features::trade::{self, model::Side};
use crate::format;
use crate::instruments;
use crate::metrics::{self, Metrics};
use crate::router::Route;
use crate::shell::CurrentAccount;
use crate::stream;

/// How far back the day's chart asks for bars; the bars of the latest session day are shown.
const CHART_LOOKBACK_MS: i64 = 24 * 3_600_000;
/// The chart is drawn again when a bar is added, else at most this often (a finger reading
/// the chart would lose its place on every tick).
const CHART_REDRAW_MS: f64 = 10_000.0;
const HOUR_MS: i64 = 3_600_000;

/// The bars of the last session day among `bars` (by the New York date, taken as UTC−5: near
/// enough to split overnight), as chart points of their closes; minutes after the open, when
/// that day has a single bar, the day before too (a chart needs two points).
pub fn day_points(bars: &[Candle]) -> Vec<Point> {
    let day_of = |t: i64| (t - 5 * HOUR_MS).div_euclid(24 * HOUR_MS);
    let Some(last_day) = bars.iter().filter_map(|b| b.time).map(day_of).max() else {
        return Vec::new();
    };
    let on_last_day = bars
        .iter()
        .filter(|b| b.time.is_some_and(|t| day_of(t) == last_day))
        .count();
    let first_day = if on_last_day < 2 {
        last_day - 1
    } else {
        last_day
    };
    bars.iter()
        .filter_map(|b| {
            let time = b.time.filter(|t| day_of(*t) >= first_day)?;
            // Intraday points are labelled by their time (`epoch_ms`), not `day`.
            Some(Point {
                epoch_ms: time,
                day: String::new(),
                value: b.close?,
            })
        })
        .collect()
}

/// Where `value` sits between `low` and `high`, in thousandths (for the range bars).
pub fn position_in_range(value: Decimal, low: Decimal, high: Decimal) -> Option<i64> {
    let span = high.minus(low)?;
    if span <= Decimal::ZERO {
        return None;
    }
    let at = value.minus(low)?.times(Decimal::ONE_THOUSAND)?.over(span)?;
    Some(at.round().mantissa().clamp(0, 1000) as i64)
}

/// `low – high` and a bar with the last price's place in it.
struct RangeCells {
    text: Element,
    marker: Element,
    bar: Element,
}

fn range_stat(label: &str, testid: &str) -> (El, RangeCells) {
    let text = El::new("span", "").attr("data-testid", testid);
    let marker = El::svg("rect", "range-marker")
        .attr("y", "0")
        .attr("width", "16")
        .attr("height", "10");
    let bar = El::svg("svg", "range-bar")
        .attr("viewBox", "0 0 1016 10")
        .attr("preserveAspectRatio", "none")
        .attr("aria-hidden", "true")
        .attr("hidden", "")
        .child(
            El::svg("rect", "range-track")
                .attr("x", "8")
                .attr("y", "4")
                .attr("width", "1000")
                .attr("height", "2"),
        )
        .child(marker);
    let cells = RangeCells {
        text: text.element(),
        marker: bar
            .element()
            .last_element_child()
            .unwrap_or_else(|| bar.element()),
        bar: bar.element(),
    };
    let stat = El::new("div", "stat stat-range")
        .child(El::leaf("dt", "", label))
        .child(El::new("dd", "").child(text).child(bar));
    (stat, cells)
}

impl RangeCells {
    fn show(&self, low: Option<Decimal>, high: Option<Decimal>, last: Option<Decimal>) {
        let text = match (low, high) {
            (Some(l), Some(h)) => format!("{} – {}", format::price(l), format::price(h)),
            _ => "—".into(),
        };
        dom::set_text(&self.text, &text);
        let at = low
            .zip(high)
            .zip(last)
            .and_then(|((l, h), v)| position_in_range(v, l, h));
        dom::set_hidden(&self.bar, at.is_none());
        if let Some(at) = at {
            dom::set_attr(&self.marker, "x", &at.to_string());
        }
    }
}

/// A `<div class="stat">` with its value element.
fn stat(label: &str, testid: &str) -> (El, Element) {
    let value = El::new("dd", "").attr("data-testid", testid);
    let element = value.element();
    (
        El::new("div", "stat")
            .child(El::leaf("dt", "", label))
            .child(value),
        element,
    )
}

/// The parts of the screen the stream keeps live.
struct LiveCells {
    last: Element,
    change: Element,
    bid_ask: Element,
    day: RangeCells,
    year: RangeCells,
    open: Element,
    close: Element,
    volume: Element,
    description: Element,
}

impl LiveCells {
    fn show(
        &self,
        f: &Figures,
        (q, t, s, p): (
            Option<&Quote>,
            Option<&Trade>,
            Option<&Summary>,
            Option<&Profile>,
        ),
    ) {
        let price = |v: Option<Decimal>| v.map(format::price).unwrap_or_else(|| "—".into());
        dom::set_text(&self.last, &price(f.last));
        let change = f.change.map(|c| {
            let pct = f
                .change_ratio
                .and_then(|r| format::ratio_percent_signed(r, Decimal::ONE));
            format!(
                "{} ({})",
                format::signed_number(c, 4),
                pct.unwrap_or_default()
            )
        });
        dom::set_text(&self.change, change.as_deref().unwrap_or(""));
        dom::set_class(
            &self.change,
            &format!("quote-change {}", format::pl_class(f.change)),
        );
        let size = |v: Option<Decimal>| {
            v.map(|v| format!(" ({})", v.normalize()))
                .unwrap_or_default()
        };
        let bid_ask = match (f.bid, f.ask) {
            (Some(b), Some(a)) => format!(
                "{}{} × {}{}",
                format::price(b),
                size(q.and_then(|q| q.bid_size)),
                format::price(a),
                size(q.and_then(|q| q.ask_size))
            ),
            _ => "—".into(),
        };
        dom::set_text(&self.bid_ask, &bid_ask);
        self.day.show(
            s.and_then(|s| s.day_low_price),
            s.and_then(|s| s.day_high_price),
            f.last,
        );
        self.year.show(
            p.and_then(|p| p.low_52_week_price),
            p.and_then(|p| p.high_52_week_price),
            f.last,
        );
        dom::set_text(&self.open, &price(s.and_then(|s| s.day_open_price)));
        dom::set_text(&self.close, &price(f.previous_close));
        let volume = t.and_then(|t| t.day_volume).map(format::compact);
        dom::set_text(&self.volume, volume.as_deref().unwrap_or("—"));
        let description = p.and_then(|p| p.description.clone()).unwrap_or_default();
        dom::set_text(&self.description, &description);
    }
}

/// The metrics' cells: IV rank, IV, beta, liquidity, earnings.
fn show_metric(cells: &[Element; 5], m: Option<&metrics::Metric>) {
    let pct = |v: Option<Decimal>| v.and_then(format::percent_figure);
    let texts = [
        pct(m.and_then(|m| m.iv_rank)),
        pct(m.and_then(|m| m.iv)).map(|v| format!("{v}%")),
        m.and_then(|m| m.beta)
            .map(|b| b.round_dp(2).normalize().to_string()),
        m.and_then(|m| m.liquidity_rating)
            .map(|r| format!("{r} of 5")),
        m.and_then(|m| m.earnings_date.as_deref()).map(format::date),
    ];
    for (cell, text) in cells.iter().zip(texts) {
        dom::set_text(cell, text.as_deref().unwrap_or("—"));
    }
}

/// The live screen of `symbol`, streamed as `streamer`.
fn live_view(symbol: &str, streamer: &str, metrics: Metrics) -> El {
    let quote = stream::quote(streamer);
    let trade = stream::trade(streamer);
    let summary = stream::summary(streamer);
    let profile = stream::profile(streamer);
    let from = js_sys::Date::now() as i64 - CHART_LOOKBACK_MS;
    let bars = stream::candles(&format!("{streamer}{{=5m}}"), from);

    let last = El::new("span", "big-number").attr("data-testid", "quote-last");
    let change = El::new("span", "quote-change").attr("data-testid", "quote-change");
    let (bid_ask, bid_ask_el) = stat("Bid × ask", "quote-bid-ask");
    let (day, day_cells) = range_stat("Day range", "quote-day-range");
    let (year, year_cells) = range_stat("52-week range", "quote-52-week");
    let (open, open_el) = stat("Open", "quote-open");
    let (close, close_el) = stat("Previous close", "quote-prev-close");
    let (volume, volume_el) = stat("Volume", "quote-volume");
    let (ivr, ivr_el) = stat("IV rank", "quote-iv-rank");
    let (iv, iv_el) = stat("IV", "quote-iv");
    let (beta, beta_el) = stat("Beta", "quote-beta");
    let (liquidity, liquidity_el) = stat("Liquidity", "quote-liquidity");
    let (earnings, earnings_el) = stat("Earnings", "quote-earnings");
    let description =
        El::new("p", "muted quote-description").attr("data-testid", "quote-description");
    let cells = LiveCells {
        last: last.element(),
        change: change.element(),
        bid_ask: bid_ask_el,
        day: day_cells,
        year: year_cells,
        open: open_el,
        close: close_el,
        volume: volume_el,
        description: description.element(),
    };
    dom::watch(move || {
        let (q, t, s, p) = (quote.get(), trade.get(), summary.get(), profile.get());
        let f = figures(q.as_ref(), t.as_ref(), s.as_ref());
        cells.show(&f, (q.as_ref(), t.as_ref(), s.as_ref(), p.as_ref()));
    });
    let metric_cells = [ivr_el, iv_el, beta_el, liquidity_el, earnings_el];
    let symbol_owned = symbol.to_owned();
    dom::watch(move || {
        metrics.with(|state| {
            let list = state.and_then(|r| r.ok());
            show_metric(
                &metric_cells,
                list.and_then(|l| metrics::find(l, &symbol_owned)),
            );
        })
    });

    let chart_box = El::new("div", "quote-chart").attr("data-testid", "quote-chart-box");
    let chart_el = chart_box.element();
    let drawn = std::cell::Cell::new((usize::MAX, 0.0));
    let label = format!("{symbol} today, 5-minute closes. Use the arrow keys to read each point.");
    dom::watch(move || {
        let Some(list) = bars.get() else {
            return;
        };
        let points = day_points(&list);
        let now = js_sys::Date::now();
        let (count, at) = drawn.get();
        if points.len() == count && now - at < CHART_REDRAW_MS {
            return;
        }
        drawn.set((points.len(), now));
        let history = History {
            range: Range::Day,
            points,
        };
        let chart = line_chart(&history, &label, "quote")
            .unwrap_or_else(|| El::leaf("p", "muted chart-none", "No trades today yet."));
        chart_el.set_text_content(None);
        let _ = chart_el.append_with_node_1(&chart.element());
    });

    let head = El::new("div", "quote-head")
        .child(last)
        .child(change)
        .child(description);
    let stats = El::new("dl", "stats quote-stats").children([
        bid_ask, day, year, open, close, volume, ivr, iv, beta, liquidity, earnings,
    ]);
    El::new("div", "quote-body")
        .child(head)
        .child(chart_box)
        .child(stats)
}

/// The underlying whose option chain a quote leads to: the stock, an option's root, the future
/// (or a future option's future).
fn chain_of(symbol: &str, parts: &SymbolParts) -> Option<String> {
    match parts {
        SymbolParts::EquityOption { root, .. } => Some(root.clone()),
        SymbolParts::FutureOption { future, .. } => Some(future.clone()),
        SymbolParts::Future { .. } => Some(symbol.to_owned()),
        SymbolParts::Other(s) if !s.is_empty() => Some(s.clone()),
        SymbolParts::Other(_) => None,
    }
}

/// Buy, Sell and Options: the ticket for this instrument in the current account (once the
/// accounts are known), and the chain. A read-only session sees the chain only.
fn trade_actions(symbol: &str, parts: &SymbolParts) -> El {
    let account = use_context::<CurrentAccount>().map(|c| c.0);
    let symbol = symbol.to_owned();
    let chain = chain_of(&symbol, parts);
    let can_trade = trade::can_trade();
    dom::redrawn(move || {
        let row = El::new("div", "quote-actions").attr("data-testid", "quote-actions");
        let row = match account.and_then(|a| a.get()).filter(|_| can_trade) {
            Some(account) => row
                .child(
                    El::leaf("a", "btn btn-buy", "Buy")
                        .attr(
                            "href",
                            &trade::single_ticket_href(&account, &symbol, Side::Buy),
                        )
                        .attr("data-testid", "quote-buy"),
                )
                .child(
                    El::leaf("a", "btn btn-sell", "Sell")
                        .attr(
                            "href",
                            &trade::single_ticket_href(&account, &symbol, Side::Sell),
                        )
                        .attr("data-testid", "quote-sell"),
                ),
            None => row,
        };
        Some(row.maybe(chain.clone().map(|u| {
            El::leaf("a", "btn btn-secondary", "Options")
                .attr("href", &Route::Chain(u).href())
                .attr("data-testid", "quote-chain")
        })))
    })
}

#[component]
pub(super) fn QuotePage(symbol: String) -> impl IntoView {
    let parts = SymbolParts::parse(&symbol);
    let wanted = vec![symbol.clone()];
    let metrics = metrics::query({
        let wanted = wanted.clone();
        move || Some(wanted.clone())
    });
    let streamers = instruments::lookup(move || Some(wanted.clone()));
    let heading = El::new("div", "page-head")
        .child(El::leaf("h1", "", &parts.title()).attr("data-testid", "quote-title"))
        .maybe(parts.subtitle().map(|s| El::leaf("span", "muted", &s)));
    let actions = trade_actions(&symbol, &parts);
    let body = redrawn(move || {
        let lookup = instruments::needs_lookup(&symbol);
        let looked_up = lookup
            .then(|| streamers.with(|s| s.map(|r| r.ok().cloned().unwrap_or_default())))
            .flatten();
        if lookup && looked_up.is_none() {
            return Some(El::new("div", "skeleton sk-panel").attr("aria-busy", "true"));
        }
        Some(
            match instruments::streamer_symbol(&symbol, looked_up.as_deref()) {
                Some(streamer) => live_view(&symbol, &streamer, metrics),
                None => dom::empty(
                    "No quote for this symbol",
                    "tastytrade does not stream this instrument.",
                    "quote-unknown",
                ),
            },
        )
    });
    let back = crate::components::back_button();
    dom::parts(vec![
        back,
        heading,
        actions,
        El::new("section", "card quote")
            .attr("aria-label", "Quote")
            .child(body),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bar(time: i64, close: &str) -> Candle {
        Candle {
            time: Some(time),
            close: Some(d(close)),
            ..Candle::default()
        }
    }

    #[test]
    fn the_chart_shows_the_last_session_day() {
        // 2026-12-04 20:55 UTC (15:55 New York), then 2026-12-05 14:30 and 14:35 UTC.
        let friday = 1_796_417_700_000;
        let next = 1_796_481_000_000;
        let bars = [
            bar(friday, "100"),
            bar(next, "101"),
            bar(next + 300_000, "102"),
            Candle::default(),
        ];
        let points = day_points(&bars);
        assert_eq!(
            points.iter().map(|p| p.value).collect::<Vec<_>>(),
            [d("101"), d("102")]
        );
        assert_eq!(points[0].epoch_ms, next);
        assert_eq!(day_points(&[]), Vec::new());
        // Just after the open: one bar today, so yesterday's come too.
        let opening = day_points(&[bar(friday, "100"), bar(next, "101")]);
        assert_eq!(
            opening.iter().map(|p| p.value).collect::<Vec<_>>(),
            [d("100"), d("101")]
        );
    }

    #[test]
    fn a_price_in_its_range() {
        assert_eq!(position_in_range(d("150"), d("100"), d("200")), Some(500));
        assert_eq!(
            position_in_range(d("250"), d("100"), d("200")),
            Some(1000),
            "clamped"
        );
        assert_eq!(position_in_range(d("50"), d("100"), d("200")), Some(0));
        assert_eq!(position_in_range(d("5"), d("5"), d("5")), None, "no range");
        assert_eq!(
            position_in_range(Decimal::MAX, Decimal::MIN, Decimal::MAX),
            None,
            "overflow"
        );
    }
}
