//! Positions of one account, grouped by underlying with each group's P/L; day P/L beside open
//! P/L; days to expiration on options; all of it live from the market data stream, with the
//! portfolio's risk on top. One markup: a table on desktops, two-line rows on phones (CSS);
//! tapping a row shows its details.

mod balances;
mod csv;
mod live;
mod risk;
mod table;

use leptos::prelude::*;
use pocket_shared::tastytrade::Position;
use wasm_bindgen::JsCast;

use crate::components::dom::dom_view;
use crate::components::{loaded, CsvButton};
use crate::data::Data;
use crate::instruments::{self, Streamers};
use crate::metrics;
use balances::BalancesHeadline;

/// The underlyings of `list` (whose betas the risk summary needs) and SPY, once each.
fn metric_symbols(list: &[Position]) -> Vec<String> {
    let mut symbols = vec!["SPY".to_owned()];
    for p in list {
        let key = p.group_key();
        if !symbols.iter().any(|s| s == key) {
            symbols.push(key.to_owned());
        }
    }
    symbols
}

/// The positions' symbols and their underlyings (a future option streams with its future).
fn lookup_symbols(list: &[Position]) -> Vec<String> {
    let mut symbols = Vec::new();
    for p in list {
        for s in [Some(&p.symbol), p.underlying_symbol.as_ref()]
            .into_iter()
            .flatten()
        {
            if instruments::needs_lookup(s) && !symbols.contains(s) {
                symbols.push(s.clone());
            }
        }
    }
    symbols
}

/// The looked-up streamer symbols, when `list` holds futures (read tracked: the table is drawn
/// again once when they arrive); `None` otherwise, so that other lists are drawn once.
fn looked_up(list: &[Position], streamers: Streamers) -> Option<Vec<(String, String)>> {
    if lookup_symbols(list).is_empty() {
        return None;
    }
    streamers.with(|s| s.and_then(Result::ok).cloned())
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
    let metrics = metrics::query(move || positions.with_ok(|list| metric_symbols(list)));
    let streamers = instruments::lookup(move || positions.with_ok(|list| lookup_symbols(list)));
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
                {dom_view(move || positions.with_ok(|list| table::positions_view(list, looked_up(list, streamers).as_deref(), metrics)))}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_symbols_are_spy_and_the_underlyings_once() {
        let list: Vec<Position> = serde_json::from_value(serde_json::json!([
            {"symbol": "AAPL", "instrument-type": "Equity", "underlying-symbol": "AAPL", "quantity": 1},
            {"symbol": "AAPL  261218C00200000", "instrument-type": "Equity Option",
             "underlying-symbol": "AAPL", "quantity": 1},
            {"symbol": "/ESZ6", "instrument-type": "Future", "underlying-symbol": "/ES", "quantity": 1},
            {"symbol": "SPY", "instrument-type": "Equity", "underlying-symbol": "SPY", "quantity": 1}
        ]))
        .unwrap();
        // The future is left out when asking (`metrics::has_metrics`).
        assert_eq!(metric_symbols(&list), ["SPY", "AAPL", "/ESZ6"]);
    }
}
