//! The option chain (`/chain/{underlying}?exp=…&strikes=…`): expirations as tabs, the strikes
//! around the money (how many is adjustable), calls | strike | puts with live bid, ask, mark,
//! delta and IV, in-the-money sides shaded. A tap on a bid sells, on an ask buys, in the ticket;
//! in "Vertical" mode two taps make a spread (the second leg the other way). Equity chains come
//! from `/option-chains/{symbol}/nested`, futures from `/futures-option-chains/{product}/nested`
//! (docs/tastytrade.md §6.10).

use leptos::prelude::*;
use pocket_shared::checked::Checked;
use pocket_shared::dxlink::Quote;
use pocket_shared::tastytrade::{
    expirations, strikes_around, ChainStrike, Expiration, FuturesChain, Items, NestedChain,
    SymbolParts,
};
use rust_decimal::Decimal;
use web_sys::{Element, Event};

use super::model::{Leg, Side};
use super::ticket::ticket_href;
use crate::api::{self, ApiError};
use crate::components::dom::{self, El};
use crate::components::loaded;
use crate::data::Query;
use crate::format;
use crate::instruments;
use crate::router::{Route, Router};
use crate::shell::CurrentAccount;
use crate::stream::{self, Live};

const STRIKE_COUNTS: [usize; 5] = [6, 10, 20, 40, 1000];
const DEFAULT_STRIKES: usize = 10;

/// The futures product of `symbol` (`/ES` or a contract like `/ESZ6` → `ES`), `None` for an
/// equity.
pub fn futures_product(symbol: &str) -> Option<String> {
    if !symbol.starts_with('/') {
        return None;
    }
    match SymbolParts::parse(symbol) {
        SymbolParts::Future { product, .. } => Some(product),
        _ => Some(symbol.trim_start_matches('/').to_owned()),
    }
}

async fn fetch_chain(symbol: String) -> Result<Vec<Expiration>, ApiError> {
    match futures_product(&symbol) {
        Some(product) => {
            let chain: FuturesChain =
                api::get(&["futures-option-chains", &product, "nested"], "", None).await?;
            Ok(expirations(&chain.option_chains, Decimal::ONE))
        }
        None => {
            let chain: Items<NestedChain> =
                api::get(&["option-chains", &symbol, "nested"], "", None).await?;
            Ok(expirations(&chain.items, Decimal::ONE_HUNDRED))
        }
    }
}

/// The expiration the address asks for, else the first that has not expired.
fn pick_expiration<'a>(list: &'a [Expiration], wanted: Option<&str>) -> Option<&'a Expiration> {
    wanted
        .and_then(|w| list.iter().find(|e| e.date == w))
        .or_else(|| list.iter().find(|e| e.days.is_none_or(|d| d >= 0)))
        .or_else(|| list.first())
}

/// `12d W`: days left, and W / M / Q for weekly, monthly (regular) and quarterly.
fn tab_meta(e: &Expiration) -> String {
    let kind = match e.kind.as_deref() {
        Some("Weekly") => "W",
        Some("Regular") => "M",
        Some("Quarterly") => "Q",
        Some("End-Of-Month") => "EOM",
        _ => "",
    };
    let days = e.days.map(|d| format!("{d}d")).unwrap_or_default();
    format!("{days} {kind}").trim().to_owned()
}

fn tabs(list: &[Expiration], selected: &str) -> El {
    El::new("div", "chain-tabs")
        .attr("role", "tablist")
        .attr("aria-label", "Expirations")
        .attr("data-testid", "chain-tabs")
        .children(list.iter().map(|e| {
            let (date, meta) = (format::date(&e.date), tab_meta(e));
            let on = e.date == selected;
            El::new(
                "button",
                if on {
                    "chain-tab selected"
                } else {
                    "chain-tab"
                },
            )
            .attr("type", "button")
            .attr("role", "tab")
            .attr("aria-selected", if on { "true" } else { "false" })
            .attr("data-exp", &e.date)
            .attr("data-testid", "chain-tab")
            .child(El::leaf("span", "tab-date", &date))
            .child(El::leaf("span", "tab-meta", &meta))
        }))
}

/// A price that starts an order: the price on screen, and to a screen reader what a tap does
/// ("Buy the 600 Call at the ask, $3.45": the visible price is part of the name).
fn price_button(side: Side, symbol: &str, label: &str, testid: &str) -> (El, Element) {
    let price = El::leaf("span", "", "—");
    let price_el = price.element();
    let button = El::new("button", "chain-price")
        .attr("type", "button")
        .attr("data-side", if side == Side::Buy { "buy" } else { "sell" })
        .attr("data-symbol", symbol)
        .attr("data-testid", testid)
        .child(El::leaf("span", "sr-only", &format!("{label}, ")))
        .child(price);
    (button, price_el)
}

fn side_cells(option: &str, streamer: Option<&str>, right: &str, strike: Decimal) -> Vec<El> {
    let title = format!("{} {right}", strike.normalize());
    let (bid, bid_el) = price_button(
        Side::Sell,
        option,
        &format!("Sell the {title} at the bid"),
        &format!("{}-bid", right.to_ascii_lowercase()),
    );
    let (ask, ask_el) = price_button(
        Side::Buy,
        option,
        &format!("Buy the {title} at the ask"),
        &format!("{}-ask", right.to_ascii_lowercase()),
    );
    let mark = El::new("td", "num wide-only");
    let delta = El::new("td", "num").attr(
        "data-testid",
        &format!("{}-delta", right.to_ascii_lowercase()),
    );
    let iv = El::new("td", "num wide-only");
    let (mark_el, delta_el, iv_el) = (mark.element(), delta.element(), iv.element());
    let quote = streamer.map(stream::quote);
    let greeks = streamer.map(stream::greeks);
    dom::watch(move || {
        let q = quote.and_then(|q| q.get());
        let price = |v: Option<Decimal>| v.map(format::price).unwrap_or_else(|| "—".into());
        let (b, a) = (
            q.as_ref().and_then(|q| q.bid_price),
            q.as_ref().and_then(|q| q.ask_price),
        );
        dom::set_text(&bid_el, &price(b));
        dom::set_text(&ask_el, &price(a));
        let mid = b.zip(a).and_then(|(b, a)| b.plus(a)?.over(Decimal::TWO));
        dom::set_text(&mark_el, &price(mid));
    });
    dom::watch(move || {
        let g = greeks.and_then(|g| g.get());
        let delta = g
            .as_ref()
            .and_then(|g| g.delta)
            .map(|d| d.round_dp(2).normalize().to_string());
        dom::set_text(&delta_el, delta.as_deref().unwrap_or("—"));
        let iv = g
            .as_ref()
            .and_then(|g| g.volatility)
            .and_then(format::iv_percent);
        dom::set_text(&iv_el, iv.as_deref().unwrap_or("—"));
    });
    let td = |el: El| El::new("td", "num").child(el);
    vec![td(bid), td(ask), mark, delta, iv]
}

/// A call side's cells from the outside in (IV, Δ, mark, bid, ask | strike): bid and ask sit
/// beside the strike on both sides, as the put side has them (bid, ask, mark, Δ, IV).
fn outside_in(cells: Vec<El>) -> Vec<El> {
    let mut cells = cells;
    let tail = cells.split_off(2);
    let mut ordered: Vec<El> = tail.into_iter().rev().collect();
    ordered.extend(cells);
    ordered
}

fn strike_row(s: &ChainStrike, underlying: Live<Quote>) -> El {
    let call_cells = side_cells(
        &s.call,
        s.call_streamer_symbol.as_deref(),
        "Call",
        s.strike_price,
    );
    let put_cells = side_cells(
        &s.put,
        s.put_streamer_symbol.as_deref(),
        "Put",
        s.strike_price,
    );
    let strike =
        El::leaf("th", "strike num", &s.strike_price.normalize().to_string()).attr("scope", "row");
    let row = El::new("tr", "chain-row")
        .attr("data-testid", "chain-row")
        .attr("data-strike", &s.strike_price.normalize().to_string())
        .children(outside_in(call_cells))
        .child(strike)
        .children(put_cells);
    let row_el = row.element();
    let strike_price = s.strike_price;
    dom::watch(move || {
        let q = underlying.get();
        let mid = q
            .as_ref()
            .and_then(|q| q.bid_price.zip(q.ask_price))
            .and_then(|(b, a)| b.plus(a)?.over(Decimal::TWO));
        let class = match mid {
            Some(p) if strike_price < p => "chain-row itm-call",
            Some(p) if strike_price > p => "chain-row itm-put",
            _ => "chain-row",
        };
        dom::set_class(&row_el, class);
    });
    row
}

/// A column header: `Bid` on screen, "Call bid" to a screen reader.
fn column(side: &str, name: &str) -> El {
    let class = if matches!(name, "IV" | "Mark") {
        "num wide-only"
    } else {
        "num"
    };
    El::leaf("th", class, name)
        .attr("scope", "col")
        .attr("aria-label", &format!("{side} {name}"))
}

/// The strikes of `exp` around `centre` (the underlying's price when the table was drawn).
fn table(exp: &Expiration, count: usize, underlying: Live<Quote>, centre: Option<Decimal>) -> El {
    let near = strikes_around(&exp.strikes, centre, count);
    let head = El::new("thead", "").child(
        El::new("tr", "")
            .children(["IV", "Δ", "Mark", "Bid", "Ask"].map(|h| column("Call", h)))
            .child(El::leaf("th", "strike num", "Strike").attr("scope", "col"))
            .children(["Bid", "Ask", "Mark", "Δ", "IV"].map(|h| column("Put", h))),
    );
    // Above the table, not a spanning header row: the columns phones hide would shift one.
    let sides = El::new("div", "chain-sides")
        .attr("aria-hidden", "true")
        .child(El::leaf("span", "", "Calls"))
        .child(El::leaf("span", "", "Puts"));
    El::new("div", "chain-grid").child(sides).child(
        El::new("div", "table-scroll chain-scroll").child(
            El::new("table", "chain-table")
                .attr("data-testid", "chain-table")
                .child(El::leaf(
                    "caption",
                    "sr-only",
                    &format!("Options expiring {}", format::date(&exp.date)),
                ))
                .child(head)
                .child(
                    El::new("tbody", "").children(near.iter().map(|s| strike_row(s, underlying))),
                ),
        ),
    )
}

/// A `Live<Quote>`'s mid without tracking (where to centre the strikes when drawn).
trait UntrackedMid {
    fn get_untracked_mid(&self) -> Option<Decimal>;
}

impl UntrackedMid for Live<Quote> {
    fn get_untracked_mid(&self) -> Option<Decimal> {
        untrack(|| self.get())
            .and_then(|q| q.bid_price.zip(q.ask_price))
            .and_then(|(b, a)| b.plus(a)?.over(Decimal::TWO))
    }
}

#[component]
pub(super) fn ChainPage(symbol: String) -> impl IntoView {
    let router = Router::expect();
    let account = use_context::<CurrentAccount>().map(|c| c.0);
    let chain_symbol = symbol.clone();
    let chain: Query<Vec<Expiration>> =
        Query::new(move |_| Some(fetch_chain(chain_symbol.clone())));
    let count = Memo::new(move |_| {
        router
            .query("strikes")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| STRIKE_COUNTS.contains(n))
            .unwrap_or(DEFAULT_STRIKES)
    });
    let wanted_exp = Memo::new(move |_| router.query("exp"));
    let spread_mode = RwSignal::new(false);
    let pending = RwSignal::new(None::<Leg>);

    // The underlying's live price: the stock, or the futures expiration's future.
    let underlying_symbol = Memo::new(move |_| {
        let list = chain.with_ok(|l| l.clone())?;
        let exp = pick_expiration(&list, wanted_exp.get().as_deref())?;
        Some(if futures_product(&symbol).is_some() {
            exp.strikes
                .first()
                .and_then(|s| match SymbolParts::parse(&s.call) {
                    SymbolParts::FutureOption { future, .. } => Some(future),
                    _ => None,
                })?
        } else {
            symbol.clone()
        })
    });
    let streamers = instruments::lookup(move || underlying_symbol.get().map(|s| vec![s]));

    let on_click = move |e: &Event| {
        if dom::target(e, "button[name=vertical]").is_some() {
            spread_mode.update(|on| *on = !*on);
            pending.set(None);
            return;
        }
        if let Some(tab) = dom::target(e, "button[data-exp]") {
            let exp = tab.get_attribute("data-exp").unwrap_or_default();
            let strikes = router.query("strikes").unwrap_or_default();
            router.set_query(&[("exp", exp), ("strikes", strikes)]);
            pending.set(None);
            return;
        }
        let Some(price) = dom::target(e, "button[data-symbol]") else {
            return;
        };
        let (Some(symbol), Some(side)) = (
            price.get_attribute("data-symbol"),
            price.get_attribute("data-side"),
        ) else {
            return;
        };
        let side = if side == "buy" { Side::Buy } else { Side::Sell };
        let leg = Leg {
            symbol,
            side,
            ratio: 1,
            closing: false,
        };
        let Some(account) = account.and_then(|a| a.get_untracked()) else {
            return;
        };
        if spread_mode.get_untracked() {
            match pending.get_untracked() {
                None => {
                    pending.set(Some(leg));
                    return;
                }
                Some(first) if first.symbol != leg.symbol => {
                    let second = Leg {
                        side: first.side.flip(),
                        ..leg
                    };
                    router.push(&ticket_href(&account, &[first, second]));
                    return;
                }
                Some(_) => {
                    pending.set(None);
                    return;
                }
            }
        }
        router.push(&ticket_href(&account, &[leg]));
    };
    let on_change = move |e: &Event| {
        if let Some(select) = dom::target(e, "select[name=strikes]") {
            let exp = router.query("exp").unwrap_or_default();
            router.set_query(&[("exp", exp), ("strikes", dom::value(&select))]);
        }
    };

    let strikes_select = El::new("select", "")
        .attr("name", "strikes")
        .attr("data-testid", "chain-strikes")
        .children(STRIKE_COUNTS.iter().map(|n| {
            let label = if *n >= 1000 {
                "All".to_owned()
            } else {
                n.to_string()
            };
            let o = El::leaf("option", "", &label).attr("value", &n.to_string());
            if *n == count.get_untracked() {
                o.attr("selected", "")
            } else {
                o
            }
        }));
    let vertical = El::leaf("button", "btn btn-sm btn-secondary", "Vertical spread")
        .attr("type", "button")
        .attr("name", "vertical")
        .attr("aria-pressed", "false")
        .attr("data-testid", "chain-vertical");
    let vertical_el = vertical.element();
    dom::watch(move || {
        dom::set_attr(
            &vertical_el,
            "aria-pressed",
            if spread_mode.get() { "true" } else { "false" },
        );
    });
    let hint = El::new("p", "muted chain-hint")
        .attr("role", "status")
        .attr("data-testid", "chain-hint");
    let hint_el = hint.element();
    dom::watch(move || {
        let text = match (spread_mode.get(), pending.get()) {
            (true, Some(first)) => format!(
                "{} {}: now tap the other strike.",
                if first.side == Side::Buy {
                    "Buying"
                } else {
                    "Selling"
                },
                SymbolParts::parse(&first.symbol).compact()
            ),
            (true, None) => "Tap the first leg's bid (sell) or ask (buy).".into(),
            (false, _) => "Tap a bid to sell, an ask to buy.".into(),
        };
        dom::set_text(&hint_el, &text);
    });
    let controls = El::new("div", "chain-controls")
        .child(crate::components::filters::field("Strikes", strikes_select))
        .child(vertical)
        .child(hint);

    let symbol_for_view = underlying_symbol;
    let body = move || {
        loaded(
            chain,
            || {
                El::new("div", "skeleton sk-rows")
                    .attr("aria-busy", "true")
                    .into_view()
                    .into_any()
            },
            move |list| {
                let Some(exp) = pick_expiration(list, wanted_exp.get().as_deref()) else {
                    return dom::empty(
                        "No options",
                        "tastytrade lists no options for this symbol.",
                        "chain-none",
                    )
                    .into_view();
                };
                let lookup = symbol_for_view.get_untracked();
                let streamer = lookup.as_deref().and_then(|s| {
                    let looked = streamers.with(|r| r.and_then(|r| r.ok().cloned()));
                    instruments::streamer_symbol(s, looked.as_deref())
                });
                let underlying = stream::quote(streamer.as_deref().unwrap_or(""));
                // The strikes centre on the underlying's price: drawn again once, when the
                // first price arrives after the table (never on a tick: rows would jump).
                let centre = RwSignal::new(underlying.get_untracked_mid());
                dom::watch(move || {
                    let mid = underlying
                        .get()
                        .and_then(|q| q.bid_price.zip(q.ask_price))
                        .and_then(|(b, a)| b.plus(a)?.over(Decimal::TWO));
                    if centre.get_untracked().is_none() && mid.is_some() {
                        centre.set(mid);
                    }
                });
                let (exp, count) = (exp.clone(), count.get());
                El::new("div", "chain-body")
                    .child(tabs(list, &exp.date))
                    .child(dom::redrawn(move || {
                        Some(table(&exp, count, underlying, centre.get()))
                    }))
                    .into_view()
            },
        )
        .into_any()
    };
    let card = El::new("section", "card chain")
        .attr("aria-label", "Option chain")
        .child(controls)
        .mount(body.into_any())
        .on(&["click"], Box::new(on_click))
        .on(&["change"], Box::new(on_change));
    let title = SymbolParts::parse(&symbol_title(&router)).title();
    dom::parts(vec![
        crate::components::back_button(),
        El::new("div", "page-head")
            .child(
                El::leaf("h1", "", &format!("{title} options")).attr("data-testid", "chain-title"),
            )
            .child(
                El::leaf("a", "btn btn-ghost btn-sm", "Quote")
                    .attr("href", &Route::Quote(title.clone()).href()),
            ),
        card,
    ])
}

fn symbol_title(router: &Router) -> String {
    match router.route() {
        Route::Chain(s) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn futures_products() {
        assert_eq!(futures_product("/ES").as_deref(), Some("ES"));
        assert_eq!(futures_product("/ESZ6").as_deref(), Some("ES"));
        assert_eq!(futures_product("AAPL"), None);
    }

    #[test]
    fn the_first_live_expiration_unless_asked() {
        let e = |date: &str, days: i64| Expiration {
            root: "SPY".into(),
            date: date.into(),
            kind: Some("Weekly".into()),
            days: Some(days),
            settlement: None,
            multiplier: Decimal::ONE_HUNDRED,
            ticks: Vec::new(),
            strikes: Vec::new(),
        };
        let list = [e("2026-12-04", -2), e("2026-12-11", 5), e("2026-12-18", 12)];
        assert_eq!(pick_expiration(&list, None).unwrap().date, "2026-12-11");
        assert_eq!(
            pick_expiration(&list, Some("2026-12-18")).unwrap().date,
            "2026-12-18"
        );
        assert_eq!(
            pick_expiration(&list, Some("1999-01-01")).unwrap().date,
            "2026-12-11"
        );
        assert_eq!(tab_meta(&list[2]), "12d W");
    }
}
