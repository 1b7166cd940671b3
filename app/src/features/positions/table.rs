//! The positions table: grouped by underlying, built once per answer with the DOM builder, and
//! kept live in place: each row has a memo of its figures at the market's latest prices
//! (`live::figures` over the stream's signals) and an effect that rewrites only its own cells;
//! each group and the account line sum their rows' memos. Nothing is rebuilt on a tick, so an
//! open detail row stays open and nothing moves but the digits.

use leptos::prelude::*;
use pocket_shared::checked::Checked;
use pocket_shared::dxlink::{Greeks, Quote, Summary};
use pocket_shared::tastytrade::{Position, SymbolParts};
use rust_decimal::Decimal;
use web_sys::Element;

use super::live::{self, Figures, Market};
use super::risk;
use crate::components::dom::{self, El};
use crate::format::{self, iv_percent, signed_number};
use crate::instruments;
use crate::metrics::{self, Metric, Metrics};
use crate::router::Route;
use crate::stream;

/// A position and what does not move with the market.
pub struct Row {
    pub position: Position,
    pub opened_today: bool,
    /// Days to expiration (negative once expired).
    pub dte: Option<i64>,
}

impl Row {
    pub fn new(position: Position, today: &str) -> Self {
        let opened_today = position.opened_on() == Some(today);
        let dte = position
            .expires_at
            .as_deref()
            .and_then(|e| format::days_between(today, e));
        Row {
            position,
            opened_today,
            dte,
        }
    }
}

/// Positions that share an underlying.
pub struct Group {
    pub key: String,
    pub rows: Vec<Row>,
}

/// Groups in order of first appearance (tastytrade's order), rows kept in order.
pub fn group(list: &[Position], today: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for p in list {
        let row = Row::new(p.clone(), today);
        match groups.iter_mut().find(|g| g.key == p.group_key()) {
            Some(g) => g.rows.push(row),
            None => groups.push(Group {
                key: p.group_key().to_owned(),
                rows: vec![row],
            }),
        }
    }
    groups
}

/// The sum of the figures that exist: `None` when none does; `Some(None)` when one that
/// should exist does not fit a `Decimal`, or the sum overflows (shown as "—": a total that
/// silently left a position out would be wrong).
pub fn checked_total(
    values: impl IntoIterator<Item = (bool, Option<Decimal>)>,
) -> Option<Option<Decimal>> {
    let mut total: Option<Option<Decimal>> = None;
    for (expected, value) in values {
        if !expected {
            continue;
        }
        total = Some(match (total, value) {
            (None, v) => v,
            (Some(Some(t)), Some(v)) => t.plus(v),
            _ => None,
        });
    }
    total
}

/// Day and open P/L totals of `figures`.
pub fn totals<'a>(
    figures: impl Iterator<Item = &'a Figures> + Clone,
) -> (Option<Option<Decimal>>, Option<Option<Decimal>>) {
    (
        checked_total(figures.clone().map(|f| (f.day_expected, f.day_pl))),
        checked_total(figures.map(|f| (f.open_expected, f.open_pl))),
    )
}

/// What a row reads from the stream, subscribed while the view lives: its quote and summary;
/// an option's Greeks and its underlying's quote. Futures and future options stream once their
/// streamer symbols are looked up (`crate::instruments`); until then they keep the REST mark.
struct Inputs {
    quote: Option<stream::Live<Quote>>,
    summary: Option<stream::Live<Summary>>,
    greeks: Option<stream::Live<Greeks>>,
    underlying: Option<stream::Live<Quote>>,
}

impl Inputs {
    fn new(p: &Position, looked_up: Option<&[(String, String)]>) -> Self {
        let streamer = instruments::streamer_symbol(&p.symbol, looked_up);
        let option = live::is_option(p);
        let underlying = p
            .underlying_symbol
            .as_deref()
            .filter(|_| option)
            .and_then(|u| instruments::streamer_symbol(u, looked_up));
        Inputs {
            quote: streamer.as_deref().map(stream::quote),
            summary: streamer.as_deref().map(stream::summary),
            greeks: streamer.as_deref().filter(|_| option).map(stream::greeks),
            underlying: underlying.as_deref().map(stream::quote),
        }
    }

    /// `row`'s figures at the latest events (reads them tracked).
    fn figures(&self, row: &Row, metrics: Option<&[Metric]>) -> Figures {
        let q = self.quote.and_then(|s| s.get());
        let s = self.summary.and_then(|s| s.get());
        let g = self.greeks.and_then(|s| s.get());
        let market = Market {
            quote: q.as_ref(),
            summary: s.as_ref(),
            greeks: g.as_ref(),
            underlying_mid: self.underlying.and_then(|u| u.get()).and_then(|q| q.mid()),
            beta: metrics
                .and_then(|m| metrics::find(m, row.position.group_key()))
                .and_then(|m| m.beta),
        };
        live::figures(&row.position, &market, row.opened_today)
    }
}

fn signed_money(v: Option<Decimal>) -> String {
    v.map(format::money_signed).unwrap_or_else(|| "—".into())
}

/// `12d`, `0d`, `expired`.
pub fn dte_label(dte: i64) -> String {
    if dte < 0 {
        "expired".into()
    } else {
        format!("{dte}d")
    }
}

/// `3 positions`
pub fn plural(count: usize) -> String {
    format!("{count} position{}", if count == 1 { "" } else { "s" })
}

/// A P/L figure's element: its class says up/down.
fn show_pl(el: &Element, v: Option<Decimal>) {
    dom::set_text(el, &signed_money(v));
    dom::set_class(el, format::pl_class(v));
}

/// A P/L span with its testid, empty until the first figures arrive.
fn pl_el(testid: &str) -> El {
    El::new("span", "pl pl-flat").attr("data-testid", testid)
}

/// The cells of a row that move with the market.
struct Cells {
    mark: Element,
    close_tag: Element,
    bid_ask: Element,
    change: Element,
    day: Element,
    open: Element,
    open_pct: Element,
    greeks: Option<Element>,
}

impl Cells {
    fn show(&self, p: &Position, f: &Figures) {
        dom::set_text(
            &self.mark,
            &f.mark.map(format::price).unwrap_or_else(|| "—".into()),
        );
        // The previous close standing in for a mark says so.
        dom::set_hidden(
            &self.close_tag,
            f.live || p.mark_price.is_some() || f.mark.is_none(),
        );
        let bid_ask = match (f.bid, f.ask) {
            (Some(b), Some(a)) => format!("{} × {}", format::price(b), format::price(a)),
            _ => String::new(),
        };
        dom::set_text(&self.bid_ask, &bid_ask);
        let change = f.change.map(|c| {
            let pct = f
                .previous_close
                .and_then(|base| format::ratio_percent_signed(c, base));
            match pct {
                Some(pct) => format!("{} ({pct})", signed_number(c, 4)),
                None => signed_number(c, 4),
            }
        });
        dom::set_text(&self.change, change.as_deref().unwrap_or(""));
        dom::set_class(
            &self.change,
            &format!("sub-figure {}", format::pl_class(f.change)),
        );
        show_pl(&self.day, f.day_pl);
        show_pl(&self.open, f.open_pl);
        // Live figures change: the note goes again once the P/L fits.
        let overflow = f.open_expected && f.open_pl.is_none();
        dom::set_or_remove_attr(
            &self.open,
            "title",
            overflow.then_some("Too large to compute"),
        );
        let pct = f
            .open_pl
            .zip(p.cost_basis())
            .and_then(|(pl, basis)| format::ratio_percent_signed(pl, basis));
        dom::set_text(&self.open_pct, pct.as_deref().unwrap_or(""));
        dom::set_class(
            &self.open_pct,
            &format!("pct {}", format::pl_class(f.open_pl)),
        );
        if let (Some(el), Some(g)) = (&self.greeks, &f.greeks) {
            dom::set_text(el, &greeks_line(g));
        }
    }
}

/// `Δ +60 · Γ −2 · Θ +50 · V −160 · IV 23.1%` (position totals; IV of the contract).
fn greeks_line(g: &live::PositionGreeks) -> String {
    let mut parts = Vec::new();
    let mut add = |label: &str, v: Option<Decimal>, dp: u32| {
        if let Some(v) = v {
            // A no-break space: a line breaks between Greeks, never inside one.
            parts.push(format!("{label}\u{a0}{}", signed_number(v, dp)));
        }
    };
    add("Δ", g.delta, 2);
    add("Γ", g.gamma, 2);
    add("Θ", g.theta, 2);
    add("V", g.vega, 2);
    if let Some(iv) = g.iv.and_then(iv_percent) {
        parts.push(format!("IV\u{a0}{iv}"));
    }
    parts.join(" · ")
}

/// `<span>{label} {figure}</span>`
fn labelled(label: &str, figure: El) -> El {
    El::new("span", "").text(label).text(" ").child(figure)
}

/// A position's row and, below it, its details (shown by tapping the symbol), and the cells that
/// show its live figures.
fn position_rows(row: &Row, index: usize) -> ([El; 2], Cells) {
    let p = &row.position;
    let parts = SymbolParts::parse(&p.symbol);
    let qty_text = format::quantity_signed(p.signed_quantity());
    let long = qty_text.chars().count() > 14
        || p.current_price()
            .is_some_and(|(m, _)| format::price(m).chars().count() > 14);
    let detail_id = format!("position-detail-{index}");
    let details = [
        ("Average open", p.average_open_price.map(format::price)),
        ("Previous close", p.close_price.map(format::price)),
        ("Cost basis", p.cost_basis().map(format::money)),
        ("Market value", p.market_value().map(format::money_signed)),
        (
            "Multiplier",
            p.multiplier.map(|m| m.normalize().to_string()),
        ),
        ("Expires", p.expires_at.as_deref().map(format::date)),
        ("Opened", p.opened_on().map(format::date)),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        Some(
            El::new("div", "stat")
                .child(El::leaf("dt", "", k))
                .child(El::leaf("dd", "", &v?)),
        )
    });
    let greeks = live::is_option(p)
        .then(|| El::new("span", "sym-greeks").attr("data-testid", "position-greeks"));
    let cells_greeks = greeks.as_ref().map(El::element);

    let toggle = El::new("button", "row-toggle")
        .attr("type", "button")
        .attr("aria-expanded", "false")
        .attr("aria-controls", &detail_id)
        .child(El::leaf("span", "sym-title", &parts.title()))
        .maybe(parts.subtitle().map(|s| El::leaf("span", "sym-sub", &s)))
        .child(
            El::new("span", "sym-tags")
                .maybe(
                    p.instrument_type
                        .as_ref()
                        .map(|t| El::leaf("span", "kind", t.short_label())),
                )
                .maybe(row.dte.map(|d| {
                    El::leaf("span", "dte", &dte_label(d)).attr("data-testid", "position-dte")
                })),
        );
    let mark = El::new("span", "mark").attr("data-testid", "position-mark");
    let close_tag = El::leaf("small", "tag", "close")
        .attr("title", "Previous close (no live mark)")
        .attr("hidden", "");
    let bid_ask = El::new("small", "sub-figure").attr("data-testid", "position-bid-ask");
    let change = El::new("small", "sub-figure").attr("data-testid", "position-change");
    let day = pl_el("position-day-pl");
    let open = pl_el("position-pl");
    let open_pct = El::new("small", "pct");
    let cells = Cells {
        mark: mark.element(),
        close_tag: close_tag.element(),
        bid_ask: bid_ask.element(),
        change: change.element(),
        day: day.element(),
        open: open.element(),
        open_pct: open_pct.element(),
        greeks: cells_greeks,
    };

    let cell = |class: &str, label: &str| El::new("td", class).attr("data-label", label);
    let tr = El::new(
        "tr",
        if long {
            "position-row long-numbers"
        } else {
            "position-row"
        },
    )
    .attr("data-testid", "position-row")
    .attr("data-symbol", &p.symbol)
    .child(
        El::new("th", "sym-cell")
            .attr("scope", "row")
            .child(toggle)
            .maybe(greeks),
    )
    .child(
        cell("num cell-qty", "Qty")
            .child(El::leaf("span", "qty", &qty_text).attr("data-testid", "position-quantity")),
    )
    .child(
        cell("num cell-mark", "Mark")
            .child(mark)
            .child(close_tag)
            .child(bid_ask),
    )
    .child(cell("num cell-day", "Day P/L").child(day).child(change))
    .child(cell("num cell-pl", "Open P/L").child(open).child(open_pct));
    let detail = El::new("tr", "detail-row")
        .attr("id", &detail_id)
        .attr("hidden", "")
        .child(
            El::new("td", "")
                .attr("colspan", "5")
                .child(El::new("dl", "stats").children(details))
                .child(
                    El::leaf("a", "btn btn-secondary btn-sm", "Quote")
                        .attr("href", &Route::Quote(p.symbol.clone()).href())
                        .attr("aria-label", &format!("Quote of {}", parts.title()))
                        .attr("data-testid", "position-quote-link"),
                ),
        );
    ([tr, detail], cells)
}

/// The "Day …  Open …" totals of a group or the account (a label is hidden while there is no
/// figure for it).
struct TotalsEls {
    day_label: Element,
    day: Element,
    open_label: Element,
    open: Element,
}

impl TotalsEls {
    fn show(&self, figures: &[Figures]) {
        let (day, open) = totals(figures.iter());
        dom::set_hidden(&self.day_label, day.is_none());
        show_pl(&self.day, day.flatten());
        dom::set_hidden(&self.open_label, open.is_none());
        show_pl(&self.open, open.flatten());
    }
}

fn totals_line(class: &str, day_testid: &str, open_testid: &str) -> (El, TotalsEls) {
    let (day, open) = (pl_el(day_testid), pl_el(open_testid));
    let (day_el, open_el) = (day.element(), open.element());
    let (day_label, open_label) = (labelled("Day", day), labelled("Open", open));
    let els = TotalsEls {
        day_label: day_label.element(),
        day: day_el,
        open_label: open_label.element(),
        open: open_el,
    };
    (
        El::new("span", class).child(day_label).child(open_label),
        els,
    )
}

/// Everything on the card that moves with the market, and how to redraw it: one pass over the
/// rows per change (a few dozen rows; only cells whose text changed are written).
struct Board {
    rows: Vec<(Row, Inputs, Cells)>,
    /// Each group's rows (a range of `rows`) and its totals.
    groups: Vec<(std::ops::Range<usize>, TotalsEls)>,
    summary: TotalsEls,
    risk: risk::Strip,
    metrics: Metrics,
}

impl Board {
    fn show(&self) {
        let figures: Vec<Figures> = self.metrics.with(|state| {
            let metrics = state.and_then(|r| r.ok()).map(Vec::as_slice);
            self.rows
                .iter()
                .map(|(row, inputs, _)| inputs.figures(row, metrics))
                .collect()
        });
        for ((row, _, cells), f) in self.rows.iter().zip(&figures) {
            cells.show(&row.position, f);
        }
        for (range, totals) in &self.groups {
            totals.show(&figures[range.clone()]);
        }
        self.summary.show(&figures);
        self.risk.show(figures.iter().map(|f| &f.risk));
    }
}

fn group_view(
    g: Group,
    looked_up: Option<&[(String, String)]>,
    first_index: usize,
    rows: &mut Vec<(Row, Inputs, Cells)>,
) -> (El, TotalsEls) {
    let (figures, totals) = totals_line("group-figures", "group-day-pl", "group-pl");
    let header = El::new("tr", "group-row").child(
        El::new("th", "")
            .attr("scope", "rowgroup")
            .attr("colspan", "5")
            .child(El::leaf("span", "group-name", &g.key))
            .child(El::leaf("span", "muted group-count", &plural(g.rows.len())))
            .child(figures),
    );
    let mut body = El::new("tbody", "pos-group")
        .attr("data-testid", "position-group")
        .attr("data-underlying", &g.key)
        .child(header);
    for (i, row) in g.rows.into_iter().enumerate() {
        let (els, cells) = position_rows(&row, first_index + i);
        body = body.children(els);
        let inputs = Inputs::new(&row.position, looked_up);
        rows.push((row, inputs, cells));
    }
    (body, totals)
}

/// The positions card's content: the portfolio risk, the account line and the table, drawn now
/// and kept live by one effect.
pub fn positions_view(
    list: &[Position],
    looked_up: Option<&[(String, String)]>,
    metrics: Metrics,
) -> El {
    if list.is_empty() {
        return dom::empty(
            "No open positions",
            "This account holds no positions right now.",
            "positions-empty",
        );
    }
    let today = format::today_iso();
    let head = ["Symbol", "Qty", "Mark", "Day P/L", "Open P/L"]
        .into_iter()
        .enumerate()
        .map(|(i, h)| El::leaf("th", if i == 0 { "" } else { "num" }, h).attr("scope", "col"));
    let mut table = El::new("table", "positions-table")
        .child(El::new("thead", "").child(El::new("tr", "").children(head)));
    let mut rows = Vec::new();
    let mut groups = Vec::new();
    for g in group(list, &today) {
        let first = rows.len();
        let (body, totals) = group_view(g, looked_up, first, &mut rows);
        table = table.child(body);
        groups.push((first..rows.len(), totals));
    }
    let (figures, summary) =
        totals_line("summary-figures", "positions-day-pl", "positions-total-pl");
    let (risk_el, risk) = risk::strip();
    let board = Board {
        rows,
        groups,
        summary,
        risk,
        metrics,
    };
    // Drawn now (the card is complete when it appears), then kept live.
    untrack(|| board.show());
    dom::watch(move || board.show());
    El::new("div", "")
        .child(risk_el)
        .child(
            El::new("p", "positions-summary")
                .child(El::leaf("span", "", &plural(list.len())))
                .child(figures),
        )
        .child(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn position(json: serde_json::Value) -> Position {
        serde_json::from_value(json).unwrap()
    }

    fn stock(symbol: &str, qty: &str, open: &str, mark: &str) -> Position {
        position(serde_json::json!({
            "symbol": symbol, "quantity": qty, "quantity-direction": "Long",
            "average-open-price": open, "mark-price": mark, "multiplier": 1
        }))
    }

    /// Totals at the REST figures (no stream).
    fn rest_totals(list: &[Position]) -> (Option<Option<Decimal>>, Option<Option<Decimal>>) {
        let figures: Vec<Figures> = list
            .iter()
            .map(|p| live::figures(p, &Market::default(), false))
            .collect();
        totals(figures.iter())
    }

    #[test]
    fn total_adds_every_pl() {
        let list = [stock("A", "10", "1", "2"), stock("B", "5", "4", "3")];
        assert_eq!(rest_totals(&list).1, Some(Some(d("5"))));
        // No position with a P/L: no total at all.
        let no_price = position(serde_json::json!({"symbol": "C", "quantity": 1}));
        assert_eq!(rest_totals(&[no_price]), (None, None));
    }

    #[test]
    fn overflowing_row_or_sum_makes_the_total_unknown() {
        let max = Decimal::MAX.to_string();
        // One row's P/L overflows: the total is unknown, not the sum of the others.
        let list = [stock("A", "10", "1", "2"), stock("HUGE", "10", "1", &max)];
        assert_eq!(list[1].unrealized_pl(), None);
        assert_eq!(rest_totals(&list).1, Some(None));
        // Each row fits, their sum does not.
        let half = (Decimal::MAX / Decimal::TWO).round_dp(0).to_string();
        let list = [
            stock("A", "1", "0", &half),
            stock("B", "1", "0", &half),
            stock("C", "1", "0", &half),
        ];
        assert!(list.iter().all(|p| p.unrealized_pl().is_some()));
        assert_eq!(rest_totals(&list).1, Some(None));
    }

    fn fixture() -> Vec<Position> {
        serde_json::from_value(serde_json::json!([
            {"symbol": "SPY", "instrument-type": "Equity", "underlying-symbol": "SPY",
             "quantity": 10, "quantity-direction": "Long", "average-open-price": "600",
             "close-price": "670", "mark-price": "672", "multiplier": 1},
            {"symbol": "AAPL", "instrument-type": "Equity", "underlying-symbol": "AAPL",
             "quantity": 1, "quantity-direction": "Long", "average-open-price": "100",
             "close-price": "110", "mark-price": "111", "multiplier": 1},
            {"symbol": "SPY   261218P00620000", "instrument-type": "Equity Option",
             "underlying-symbol": "SPY", "quantity": 2, "quantity-direction": "Short",
             "average-open-price": "9", "close-price": "8.15", "mark-price": "8.05",
             "multiplier": 100, "expires-at": "2026-12-18T21:00:00.000+00:00"}
        ]))
        .unwrap()
    }

    #[test]
    fn groups_keep_order_and_sum_their_rows() {
        let groups = group(&fixture(), "2026-12-06");
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["SPY", "AAPL"]);
        let spy = &groups[0];
        assert_eq!(spy.rows.len(), 2);
        let figures: Vec<Figures> = spy
            .rows
            .iter()
            .map(|r| live::figures(&r.position, &Market::default(), r.opened_today))
            .collect();
        let (day, open) = totals(figures.iter());
        // 720 + (8.05 − 9) × −2 × 100 = 720 + 190.
        assert_eq!(open, Some(Some(Decimal::from(910))));
        // 20 + (8.05 − 8.15) × −2 × 100 = 20 + 20.
        assert_eq!(day, Some(Some(Decimal::from(40))));
        assert_eq!(spy.rows[1].dte, Some(12));
        assert_eq!(spy.rows[0].dte, None);
        assert_eq!(dte_label(-3), "expired");
    }

    #[test]
    fn days_to_expiration_from_today() {
        let option = |expires: &str| {
            position(serde_json::json!({
                "symbol": "SPY   261218C00700000", "instrument-type": "Equity Option",
                "underlying-symbol": "SPY", "quantity": 1, "expires-at": expires
            }))
        };
        let today = "2026-12-06";
        let dte = |expires: &str| Row::new(option(expires), today).dte;
        assert_eq!(dte("2026-12-18T21:00:00.000+00:00"), Some(12));
        assert_eq!(dte("2026-12-07T21:00:00.000+00:00"), Some(1));
        assert_eq!(dte("2026-12-06T21:00:00.000+00:00"), Some(0));
        assert_eq!(dte("2026-11-20T21:00:00.000+00:00"), Some(-16));
        assert_eq!(dte("not a date"), None);
        let stock = stock("SPY", "1", "1", "1");
        assert_eq!(Row::new(stock, today).dte, None);

        assert_eq!(dte_label(12), "12d");
        assert_eq!(dte_label(1), "1d");
        assert_eq!(dte_label(0), "0d", "expires today: still open");
        assert_eq!(dte_label(-1), "expired");
        assert_eq!(dte_label(-16), "expired");
    }

    #[test]
    fn greek_and_iv_labels() {
        assert_eq!(signed_number(d("60.004"), 2), "+60");
        assert_eq!(signed_number(d("-0.255"), 2), "−0.26");
        assert_eq!(signed_number(d("0.0001"), 2), "0");
        assert_eq!(iv_percent(d("0.2314")).as_deref(), Some("23.1%"));
        let g = live::PositionGreeks {
            delta: Some(d("60")),
            gamma: None,
            theta: Some(d("50")),
            vega: Some(d("-160")),
            iv: Some(d("0.231")),
        };
        assert_eq!(
            greeks_line(&g),
            "Δ\u{a0}+60 · Θ\u{a0}+50 · V\u{a0}−160 · IV\u{a0}23.1%"
        );
    }
}
