//! Positions of one account, grouped by underlying with each group's P/L; day P/L beside open
//! P/L; days to expiration on options. One markup: a table on desktops, two-line rows on
//! phones (CSS); tapping a row shows its details.

mod balances;
mod csv;

use leptos::prelude::*;
use pocket_shared::tastytrade::{Position, PriceSource, SymbolParts};
use rust_decimal::Decimal;

use crate::components::{loaded, CsvButton, Empty};
use crate::data::Data;
use crate::format;
use balances::BalancesHeadline;

/// A position with what the screen shows, computed once (checked arithmetic: `None` = "—").
struct Row {
    position: Position,
    open_pl: Option<Decimal>,
    day_pl: Option<Decimal>,
    /// Days to expiration (negative once expired).
    dte: Option<i64>,
}

impl Row {
    fn new(position: Position, today: &str) -> Self {
        let opened_today = position.opened_on() == Some(today);
        let dte = position
            .expires_at
            .as_deref()
            .and_then(|e| format::days_between(today, e));
        Row {
            open_pl: position.unrealized_pl(),
            day_pl: position.day_pl(opened_today),
            dte,
            position,
        }
    }
}

/// Positions that share an underlying.
struct Group {
    key: String,
    rows: Vec<Row>,
}

/// Groups in order of first appearance (tastytrade's order), rows kept in order.
fn group(list: &[Position], today: &str) -> Vec<Group> {
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
fn checked_total(
    values: impl IntoIterator<Item = (bool, Option<Decimal>)>,
) -> Option<Option<Decimal>> {
    let mut total: Option<Option<Decimal>> = None;
    for (expected, value) in values {
        if !expected {
            continue;
        }
        total = Some(match (total, value) {
            (None, v) => v,
            (Some(Some(t)), Some(v)) => t.checked_add(v),
            _ => None,
        });
    }
    total
}

fn open_total<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Option<Option<Decimal>> {
    checked_total(
        rows.into_iter()
            .map(|r| (has_pl_inputs(&r.position), r.open_pl)),
    )
}

fn day_total<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Option<Option<Decimal>> {
    checked_total(
        rows.into_iter()
            .map(|r| (r.position.mark_price.is_some(), r.day_pl)),
    )
}

/// Whether `p` has the inputs for an unrealized P/L (a price and an average open price).
fn has_pl_inputs(p: &Position) -> bool {
    p.current_price().is_some() && p.average_open_price.is_some()
}

fn signed_money(v: Option<Decimal>) -> String {
    v.map(format::money_signed).unwrap_or_else(|| "—".into())
}

/// `12d`, `0d`, `expired`.
fn dte_label(dte: i64) -> String {
    if dte < 0 {
        "expired".into()
    } else {
        format!("{dte}d")
    }
}

fn pl_span(value: Option<Decimal>, testid: &'static str) -> impl IntoView {
    view! {
        <span class=format::pl_class(value) data-testid=testid>
            {signed_money(value)}
        </span>
    }
}

fn position_rows(row: Row, index: usize) -> impl IntoView {
    let p = &row.position;
    let parts = SymbolParts::parse(&p.symbol);
    let kind = p
        .instrument_type
        .as_ref()
        .map(|t| t.short_label().to_owned());
    let qty = p.signed_quantity();
    let qty_text = format::quantity_signed(qty);
    let mark = p.current_price();
    let pct = row
        .open_pl
        .zip(p.cost_basis())
        .and_then(|(pl, basis)| format::ratio_percent_signed(pl, basis));
    let overflow = row.open_pl.is_none() && has_pl_inputs(p);
    let long = qty_text.chars().count() > 14
        || mark.is_some_and(|(m, _)| format::price(m).chars().count() > 14);
    let detail_id = format!("position-detail-{index}");
    let open = RwSignal::new(false);
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
    .filter_map(|(k, v)| Some((k, v?)))
    .map(|(k, v)| view! { <div class="stat"><dt>{k}</dt><dd>{v}</dd></div> })
    .collect_view();

    view! {
        <tr
            class="position-row"
            class:long-numbers=long
            class:open=move || open.get()
            data-testid="position-row"
            data-symbol=p.symbol.clone()
        >
            <th scope="row" class="sym-cell">
                <button
                    type="button"
                    class="row-toggle"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=detail_id.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    <span class="sym-title">{parts.title()}</span>
                    {parts.subtitle().map(|s| view! { <span class="sym-sub">{s}</span> })}
                    <span class="sym-tags">
                        {kind.map(|k| view! { <span class="kind">{k}</span> })}
                        {row.dte.map(|d| view! {
                            <span class="dte" data-testid="position-dte">{dte_label(d)}</span>
                        })}
                    </span>
                </button>
            </th>
            <td class="num cell-qty" data-label="Qty">
                <span class="qty" data-testid="position-quantity">{qty_text}</span>
            </td>
            <td class="num cell-mark" data-label="Mark">
                {match mark {
                    Some((price, PriceSource::Mark)) => view! { <span>{format::price(price)}</span> }.into_any(),
                    Some((price, PriceSource::Close)) => view! {
                        <span title="Previous close (no live mark)">
                            {format::price(price)}
                            <small class="tag">"close"</small>
                        </span>
                    }
                    .into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="num cell-day" data-label="Day P/L">
                {pl_span(row.day_pl, "position-day-pl")}
            </td>
            <td class="num cell-pl" data-label="Open P/L">
                <span
                    class=format::pl_class(row.open_pl)
                    data-testid="position-pl"
                    title=overflow.then_some("Too large to compute")
                >
                    {signed_money(row.open_pl)}
                </span>
                {pct.map(|t| view! { <small class=format!("pct {}", format::pl_class(row.open_pl))>{t}</small> })}
            </td>
        </tr>
        <tr class="detail-row" id=detail_id hidden=move || !open.get()>
            <td colspan="5">
                <dl class="stats">{details}</dl>
            </td>
        </tr>
    }
}

fn group_view(g: Group, first_index: usize) -> impl IntoView {
    let open = open_total(&g.rows);
    let day = day_total(&g.rows);
    let count = g.rows.len();
    let key = g.key.clone();
    let rows = g
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| position_rows(r, first_index + i))
        .collect_view();
    view! {
        <tbody class="pos-group" data-testid="position-group" data-underlying=key>
            <tr class="group-row">
                <th scope="rowgroup" colspan="5">
                    <span class="group-name">{g.key}</span>
                    <span class="muted group-count">
                        {format!("{count} position{}", if count == 1 { "" } else { "s" })}
                    </span>
                    <span class="group-figures">
                        {day.map(|d| view! { <span>"Day "{pl_span(d, "group-day-pl")}</span> })}
                        {open.map(|o| view! { <span>"Open "{pl_span(o, "group-pl")}</span> })}
                    </span>
                </th>
            </tr>
            {rows}
        </tbody>
    }
}

fn positions_view(list: &[Position]) -> AnyView {
    if list.is_empty() {
        return view! {
            <Empty
                title="No open positions"
                text="This account holds no positions right now."
                testid="positions-empty"
            />
        }
        .into_any();
    }
    let today = format::today_iso();
    let groups = group(list, &today);
    let all_rows = || groups.iter().flat_map(|g| g.rows.iter());
    let total = open_total(all_rows());
    let day = day_total(all_rows());
    let count = list.len();
    let mut next_index = 0;
    let bodies = groups
        .into_iter()
        .map(|g| {
            let first = next_index;
            next_index += g.rows.len();
            group_view(g, first)
        })
        .collect_view();
    view! {
        <p class="positions-summary">
            <span>{format!("{count} position{}", if count == 1 { "" } else { "s" })}</span>
            {day.map(|t| view! { <span>"Day " {pl_span(t, "positions-day-pl")}</span> })}
            {total.map(|t| view! { <span>"Open " {pl_span(t, "positions-total-pl")}</span> })}
        </p>
        <table class="positions-table">
            <thead>
                <tr>
                    <th scope="col">"Symbol"</th>
                    <th scope="col" class="num">"Qty"</th>
                    <th scope="col" class="num">"Mark"</th>
                    <th scope="col" class="num">"Day P/L"</th>
                    <th scope="col" class="num">"Open P/L"</th>
                </tr>
            </thead>
            {bodies}
        </table>
    }
    .into_any()
}

fn positions_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading positions"></div> }
        .into_any()
}

#[component]
pub fn PositionsPage(account: String) -> impl IntoView {
    let positions = Data::expect().positions(&account);
    let export = {
        let account = account.clone();
        move || {
            positions.with_ok(|list| (csv::file_name(&account), csv::positions_csv(&account, list)))
        }
    };
    view! {
        <div class="page-head">
            <h1>"Positions"</h1>
            <CsvButton make=export testid="positions-csv" />
        </div>
        <BalancesHeadline account=account.clone() />
        <section class="card positions" aria-label="Positions">
            {loaded(positions, positions_skeleton, |list: &Vec<Position>| positions_view(list))}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn position(json: serde_json::Value) -> Position {
        serde_json::from_value(json).unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn total_pl(list: &[Position]) -> Option<Option<Decimal>> {
        let rows: Vec<Row> = list
            .iter()
            .map(|p| Row::new(p.clone(), "2026-12-06"))
            .collect();
        open_total(&rows)
    }

    fn stock(symbol: &str, qty: &str, open: &str, mark: &str) -> Position {
        position(serde_json::json!({
            "symbol": symbol, "quantity": qty, "quantity-direction": "Long",
            "average-open-price": open, "mark-price": mark, "multiplier": 1
        }))
    }

    #[test]
    fn total_adds_every_pl() {
        let list = [stock("A", "10", "1", "2"), stock("B", "5", "4", "3")];
        assert_eq!(total_pl(&list), Some(Some(d("5"))));
        // No position with a P/L: no total at all.
        let no_price = position(serde_json::json!({"symbol": "C", "quantity": 1}));
        assert_eq!(total_pl(&[no_price]), None);
    }

    #[test]
    fn overflowing_row_or_sum_makes_the_total_unknown() {
        let max = Decimal::MAX.to_string();
        // One row's P/L overflows: the total is unknown, not the sum of the others.
        let list = [stock("A", "10", "1", "2"), stock("HUGE", "10", "1", &max)];
        assert_eq!(list[1].unrealized_pl(), None);
        assert_eq!(total_pl(&list), Some(None));
        // Each row fits, their sum does not.
        let half = (Decimal::MAX / Decimal::TWO).round_dp(0).to_string();
        let list = [
            stock("A", "1", "0", &half),
            stock("B", "1", "0", &half),
            stock("C", "1", "0", &half),
        ];
        assert!(list.iter().all(|p| p.unrealized_pl().is_some()));
        assert_eq!(total_pl(&list), Some(None));
    }
}

#[cfg(test)]
mod grouping_tests {
    use super::*;

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
        // 720 + (8.05 − 9) × −2 × 100 = 720 + 190.
        assert_eq!(open_total(&spy.rows), Some(Some(Decimal::from(910))));
        // 20 + (8.05 − 8.15) × −2 × 100 = 20 + 20.
        assert_eq!(day_total(&spy.rows), Some(Some(Decimal::from(40))));
        assert_eq!(spy.rows[1].dte, Some(12));
        assert_eq!(spy.rows[0].dte, None);
        assert_eq!(dte_label(-3), "expired");
    }
}
