//! Positions of one account, grouped by underlying with each group's P/L; day P/L beside open
//! P/L; days to expiration on options. One markup: a table on desktops, two-line rows on
//! phones (CSS); tapping a row shows its details.

mod balances;
mod csv;

use leptos::prelude::*;
use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::{Position, PriceSource, SymbolParts};
use rust_decimal::Decimal;
use wasm_bindgen::JsCast;

use crate::components::dom::{self, dom_view, El};
use crate::components::{loaded, CsvButton};
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
            (Some(Some(t)), Some(v)) => t.plus(v),
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

fn pl_span(value: Option<Decimal>, testid: &str) -> El {
    El::leaf("span", format::pl_class(value), &signed_money(value)).attr("data-testid", testid)
}

/// `<span>{label} {figure}</span>`
fn labelled(label: &str, figure: El) -> El {
    El::new("span", "").text(label).text(" ").child(figure)
}

/// A position's row and, below it, its details (shown by tapping the symbol).
fn position_rows(row: Row, index: usize) -> [El; 2] {
    let p = &row.position;
    let parts = SymbolParts::parse(&p.symbol);
    let qty_text = format::quantity_signed(p.signed_quantity());
    let mark = p.current_price();
    let pct = row
        .open_pl
        .zip(p.cost_basis())
        .and_then(|(pl, basis)| format::ratio_percent_signed(pl, basis));
    let overflow = row.open_pl.is_none() && has_pl_inputs(p);
    let long = qty_text.chars().count() > 14
        || mark.is_some_and(|(m, _)| format::price(m).chars().count() > 14);
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
    let mark_cell = match mark {
        Some((price, PriceSource::Mark)) => El::leaf("span", "", &format::price(price)),
        Some((price, PriceSource::Close)) => El::leaf("span", "", &format::price(price))
            .attr("title", "Previous close (no live mark)")
            .child(El::leaf("small", "tag", "close")),
        None => El::leaf("span", "muted", "—"),
    };
    let mut open_pl = pl_span(row.open_pl, "position-pl");
    if overflow {
        open_pl = open_pl.attr("title", "Too large to compute");
    }
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
    .child(El::new("th", "sym-cell").attr("scope", "row").child(toggle))
    .child(
        cell("num cell-qty", "Qty")
            .child(El::leaf("span", "qty", &qty_text).attr("data-testid", "position-quantity")),
    )
    .child(cell("num cell-mark", "Mark").child(mark_cell))
    .child(cell("num cell-day", "Day P/L").child(pl_span(row.day_pl, "position-day-pl")))
    .child(
        cell("num cell-pl", "Open P/L")
            .child(open_pl)
            .maybe(pct.map(|t| {
                El::leaf(
                    "small",
                    &format!("pct {}", format::pl_class(row.open_pl)),
                    &t,
                )
            })),
    );
    let detail = El::new("tr", "detail-row")
        .attr("id", &detail_id)
        .attr("hidden", "")
        .child(
            El::new("td", "")
                .attr("colspan", "5")
                .child(El::new("dl", "stats").children(details)),
        );
    [tr, detail]
}

fn group_view(g: Group, first_index: usize) -> El {
    let open = open_total(&g.rows);
    let day = day_total(&g.rows);
    let count = g.rows.len();
    let header = El::new("tr", "group-row").child(
        El::new("th", "")
            .attr("scope", "rowgroup")
            .attr("colspan", "5")
            .child(El::leaf("span", "group-name", &g.key))
            .child(El::leaf("span", "muted group-count", &plural(count)))
            .child(
                El::new("span", "group-figures")
                    .maybe(day.map(|d| labelled("Day", pl_span(d, "group-day-pl"))))
                    .maybe(open.map(|o| labelled("Open", pl_span(o, "group-pl")))),
            ),
    );
    let body = El::new("tbody", "pos-group")
        .attr("data-testid", "position-group")
        .attr("data-underlying", &g.key)
        .child(header);
    g.rows.into_iter().enumerate().fold(body, |body, (i, r)| {
        body.children(position_rows(r, first_index + i))
    })
}

/// `3 positions`
fn plural(count: usize) -> String {
    format!("{count} position{}", if count == 1 { "" } else { "s" })
}

fn positions_view(list: &[Position]) -> El {
    if list.is_empty() {
        return dom::empty(
            "No open positions",
            "This account holds no positions right now.",
            "positions-empty",
        );
    }
    let today = format::today_iso();
    let groups = group(list, &today);
    let all_rows = || groups.iter().flat_map(|g| g.rows.iter());
    let total = open_total(all_rows());
    let day = day_total(all_rows());
    let summary = El::new("p", "positions-summary")
        .child(El::leaf("span", "", &plural(list.len())))
        .maybe(day.map(|t| labelled("Day", pl_span(t, "positions-day-pl"))))
        .maybe(total.map(|t| labelled("Open", pl_span(t, "positions-total-pl"))));
    let head = ["Symbol", "Qty", "Mark", "Day P/L", "Open P/L"]
        .into_iter()
        .enumerate()
        .map(|(i, h)| El::leaf("th", if i == 0 { "" } else { "num" }, h).attr("scope", "col"));
    let mut next_index = 0;
    let table = groups.into_iter().fold(
        El::new("table", "positions-table")
            .child(El::new("thead", "").child(El::new("tr", "").children(head))),
        |table, g| {
            let first = next_index;
            next_index += g.rows.len();
            table.child(group_view(g, first))
        },
    );
    El::new("div", "").child(summary).child(table)
}

/// Tapping a symbol shows or hides its details: one handler for the whole table (the rows are
/// plain DOM, redrawn whole when the data changes).
fn toggle_details(ev: web_sys::MouseEvent) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("button.row-toggle").ok().flatten())
    else {
        return;
    };
    let open = button.get_attribute("aria-expanded").as_deref() != Some("true");
    let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
    let detail = button
        .get_attribute("aria-controls")
        .and_then(|id| document().get_element_by_id(&id));
    if let Some(detail) = detail {
        let _ = if open {
            detail.remove_attribute("hidden")
        } else {
            detail.set_attribute("hidden", "")
        };
    }
    if let Some(row) = button.closest("tr").ok().flatten() {
        let _ = row.class_list().toggle_with_force("open", open);
    }
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
            {loaded(positions, positions_skeleton, |_: &Vec<Position>| ())}
            <div on:click=toggle_details>
                {dom_view(move || positions.with_ok(|list| positions_view(list)))}
            </div>
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
