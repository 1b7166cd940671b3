//! A watchlist's rows, live: last price, change and change %, bid × ask from the stream, IV rank
//! from `/market-metrics`. A list may hold a thousand symbols, so each row has its own effect
//! (a tick rewrites one row's cells, never the list). Rows move only when the person picks an
//! order, or when a row gets its first figure for that order — never on a tick, so a row does
//! not slide away from a finger about to tap it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use pocket_shared::dxlink::{Quote, Summary, Trade};
use rust_decimal::Decimal;
use web_sys::Element;

use crate::components::dom::{self, El};
use crate::features::quote::figures::{figures, Figures};
use crate::format;
use crate::metrics::{self, Metrics};
use crate::stream::{self, Live};

/// The orders a list can be shown in (`?sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// As saved.
    List,
    Symbol,
    ChangeDown,
    ChangeUp,
    IvRankDown,
}

pub const SORTS: [Sort; 5] = [
    Sort::List,
    Sort::Symbol,
    Sort::ChangeDown,
    Sort::ChangeUp,
    Sort::IvRankDown,
];

impl Sort {
    pub fn param(self) -> &'static str {
        match self {
            Sort::List => "list",
            Sort::Symbol => "symbol",
            Sort::ChangeDown => "change-desc",
            Sort::ChangeUp => "change-asc",
            Sort::IvRankDown => "iv-rank-desc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::List => "List order",
            Sort::Symbol => "Symbol A–Z",
            Sort::ChangeDown => "Change %, gainers first",
            Sort::ChangeUp => "Change %, losers first",
            Sort::IvRankDown => "IV rank, highest first",
        }
    }

    /// The sort of `?sort=` (an unknown value: the list's order).
    pub fn from_param(param: Option<&str>) -> Sort {
        SORTS
            .into_iter()
            .find(|s| Some(s.param()) == param)
            .unwrap_or(Sort::List)
    }
}

/// What a row is sorted by, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keys {
    pub change_ratio: Option<Decimal>,
    pub iv_rank: Option<Decimal>,
}

/// The order to show rows in: indexes into `symbols`/`keys` (the saved order). Rows without a
/// figure for a numeric order go last; ties keep the saved order. (One comparator for every
/// order: each `sort_by` closure would compile its own copy of the sort.)
pub fn order(symbols: &[String], keys: &[Keys], sort: Sort) -> Vec<usize> {
    use std::cmp::Ordering;
    let figure = |i: usize| -> Option<Decimal> {
        let k = keys.get(i)?;
        match sort {
            Sort::ChangeDown | Sort::ChangeUp => k.change_ratio,
            Sort::IvRankDown => k.iv_rank,
            Sort::List | Sort::Symbol => None,
        }
    };
    let mut order: Vec<usize> = (0..symbols.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let by_sort = match sort {
            Sort::List => Ordering::Equal,
            Sort::Symbol => symbols[a].cmp(&symbols[b]),
            _ => match (figure(a), figure(b)) {
                (Some(x), Some(y)) if sort == Sort::ChangeUp => x.cmp(&y),
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        by_sort.then(a.cmp(&b))
    });
    order
}

/// What a row reads from the stream while it is on screen (nothing without a streamer symbol:
/// a future whose lookup has not answered, an instrument tastytrade does not know).
struct Inputs {
    quote: Option<Live<Quote>>,
    trade: Option<Live<Trade>>,
    summary: Option<Live<Summary>>,
}

impl Inputs {
    fn new(streamer: Option<&str>) -> Self {
        Inputs {
            quote: streamer.map(stream::quote),
            trade: streamer.map(stream::trade),
            summary: streamer.map(stream::summary),
        }
    }

    /// The figures at the latest events (tracked).
    fn figures(&self) -> Figures {
        let q = self.quote.and_then(|l| l.get());
        let t = self.trade.and_then(|l| l.get());
        let s = self.summary.and_then(|l| l.get());
        figures(q.as_ref(), t.as_ref(), s.as_ref())
    }
}

/// The cells of a row that move with the market.
pub struct Cells {
    last: Element,
    change: Element,
    bid_ask: Element,
    iv_rank: Element,
}

impl Cells {
    fn show(&self, f: &Figures) {
        let last = f.last.map(format::price);
        dom::set_text(&self.last, last.as_deref().unwrap_or("—"));
        let change = f.change.map(|c| {
            let pct = f
                .change_ratio
                .and_then(|r| format::ratio_percent_signed(r, Decimal::ONE));
            match pct {
                Some(pct) => format!("{} ({pct})", format::signed_number(c, 4)),
                None => format::signed_number(c, 4),
            }
        });
        dom::set_text(&self.change, change.as_deref().unwrap_or(""));
        dom::set_class(&self.change, format::pl_class(f.change));
        let bid_ask = match (f.bid, f.ask) {
            (Some(b), Some(a)) => format!("{} × {}", format::price(b), format::price(a)),
            _ => String::new(),
        };
        dom::set_text(&self.bid_ask, &bid_ask);
    }
}

/// A row's live parts: the line under the symbol (bid × ask, IV rank) and the figures block
/// (last, change), empty until the first events.
pub fn row_parts() -> (El, El, Cells) {
    let bid_ask = El::new("span", "").attr("data-testid", "watch-bid-ask");
    let iv_rank = El::new("span", "wl-ivr").attr("data-testid", "watch-iv-rank");
    let last = El::new("span", "wl-last").attr("data-testid", "watch-last");
    let change = El::new("small", "pl pl-flat").attr("data-testid", "watch-change");
    let cells = Cells {
        last: last.element(),
        change: change.element(),
        bid_ask: bid_ask.element(),
        iv_rank: iv_rank.element(),
    };
    let sub = El::new("small", "wl-sub muted")
        .child(bid_ask)
        .child(iv_rank);
    let figs = El::new("div", "wl-figs").child(last).child(change);
    (sub, figs, cells)
}

/// One drawn row: its symbol, its streamer symbol, its element and its live cells.
pub struct DrawnRow {
    pub symbol: String,
    pub streamer: Option<String>,
    pub element: Element,
    pub cells: Cells,
}

/// Keeps `rows` (children of `list`, in the saved order) live and in the order `sort` asks
/// for, while the current view lives.
pub fn keep_live(rows: Vec<DrawnRow>, list: Element, sort: Signal<Sort>, metrics: Metrics) {
    let symbols: Rc<Vec<String>> = Rc::new(rows.iter().map(|r| r.symbol.clone()).collect());
    let keys = Rc::new(RefCell::new(vec![Keys::default(); rows.len()]));
    // A row got its first figure for an order: the sort runs again.
    let resort = Trigger::new();
    let elements: Vec<Element> = rows.iter().map(|r| r.element.clone()).collect();
    let ivr_cells: Vec<Element> = rows.iter().map(|r| r.cells.iv_rank.clone()).collect();
    for (index, row) in rows.into_iter().enumerate() {
        let inputs = Inputs::new(row.streamer.as_deref());
        let keys = keys.clone();
        dom::watch(move || {
            let f = inputs.figures();
            row.cells.show(&f);
            let mut keys = keys.borrow_mut();
            let first = keys[index].change_ratio.is_none() && f.change_ratio.is_some();
            keys[index].change_ratio = f.change_ratio;
            drop(keys);
            if first {
                resort.notify();
            }
        });
    }
    {
        let (keys, symbols) = (keys.clone(), symbols.clone());
        dom::watch(move || {
            metrics.with(|state| {
                let list = state
                    .and_then(|r| r.ok())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mut keys = keys.borrow_mut();
                for ((cell, symbol), key) in
                    ivr_cells.iter().zip(symbols.iter()).zip(keys.iter_mut())
                {
                    key.iv_rank = metrics::find(list, symbol).and_then(|m| m.iv_rank);
                    let text = key
                        .iv_rank
                        .and_then(format::percent_figure)
                        .map(|ivr| format!("IVR {ivr}"));
                    dom::set_text(cell, text.as_deref().unwrap_or(""));
                }
            });
            resort.notify();
        });
    }
    let shown = RefCell::new((0..elements.len()).collect::<Vec<usize>>());
    dom::watch(move || {
        resort.track();
        let wanted = order(&symbols, &keys.borrow(), sort.get());
        if *shown.borrow() != wanted {
            // Appending an element that is already there moves it.
            for i in &wanted {
                let _ = list.append_child(&elements[*i]);
            }
            *shown.borrow_mut() = wanted;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn keys(change: Option<&str>, ivr: Option<&str>) -> Keys {
        Keys {
            change_ratio: change.map(d),
            iv_rank: ivr.map(d),
        }
    }

    #[test]
    fn orders_with_unknown_figures_last_and_ties_in_list_order() {
        let symbols: Vec<String> = ["SPY", "AAPL", "QQQ", "TSLA", "IWM"]
            .map(String::from)
            .into();
        let k = [
            keys(Some("0.01"), Some("0.2")),
            keys(Some("-0.02"), None),
            keys(None, Some("0.9")),
            keys(Some("0.01"), Some("0.5")),
            keys(Some("0.03"), None),
        ];
        assert_eq!(order(&symbols, &k, Sort::List), [0, 1, 2, 3, 4]);
        assert_eq!(order(&symbols, &k, Sort::Symbol), [1, 4, 2, 0, 3]);
        assert_eq!(order(&symbols, &k, Sort::ChangeDown), [4, 0, 3, 1, 2]);
        assert_eq!(order(&symbols, &k, Sort::ChangeUp), [1, 0, 3, 4, 2]);
        assert_eq!(order(&symbols, &k, Sort::IvRankDown), [2, 3, 0, 1, 4]);
        assert_eq!(order(&[], &[], Sort::ChangeDown), Vec::<usize>::new());
    }

    #[test]
    fn sorts_round_trip_through_the_address() {
        for s in SORTS {
            assert_eq!(Sort::from_param(Some(s.param())), s);
        }
        assert_eq!(Sort::from_param(Some("bogus")), Sort::List);
        assert_eq!(Sort::from_param(None), Sort::List);
    }
}
