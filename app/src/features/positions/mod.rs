//! Positions of one account: cards on phones, a table from 768 px (same markup, CSS decides).

use leptos::prelude::*;
use pocket_shared::tastytrade::{Position, PriceSource, SymbolParts};
use rust_decimal::Decimal;

use super::status::ErrorPanel;
use crate::api;
use crate::format;
use crate::remote::Remote;
use crate::state::AuthState;

fn position_row(p: Position) -> impl IntoView {
    let parts = SymbolParts::parse(&p.symbol);
    let title = parts.title();
    let subtitle = parts.subtitle();
    let kind = p
        .instrument_type
        .as_ref()
        .map(|t| t.short_label().to_owned());
    let qty = p.signed_quantity();
    let avg_open = p.average_open_price.map(format::price);
    let current = p.current_price();
    let pl = p.unrealized_pl();
    // Inputs present but no result: the figure does not fit a `Decimal` (shown as "—").
    let overflow = pl.is_none() && has_pl_inputs(&p);
    let pl_pct = pl
        .zip(p.cost_basis())
        .and_then(|(pl, basis)| format::ratio_percent_signed(pl, basis));
    let direction = if qty.is_sign_negative() && !qty.is_zero() {
        "Short"
    } else {
        "Long"
    };
    let qty_text = format::quantity_signed(qty);
    let price_text = current.map(|(price, source)| (format::price(price), source));
    // Absurdly long figures (tastytrade sent a huge value) may wrap instead of widening the
    // table past the screen.
    let long = [
        Some(&qty_text),
        avg_open.as_ref(),
        price_text.as_ref().map(|(t, _)| t),
    ]
    .into_iter()
    .flatten()
    .any(|t| t.chars().count() > 18);

    view! {
        <tr
            class="position-row"
            class:long-numbers=long
            data-testid="position-row"
            data-symbol=p.symbol.clone()
        >
            <th scope="row" class="sym-cell">
                <span class="sym-title">{title}</span>
                {subtitle.map(|s| view! { <span class="sym-sub">{s}</span> })}
                {kind.map(|k| view! { <span class="kind">{k}</span> })}
            </th>
            <td class="num" data-label="Quantity">
                <span
                    class="qty"
                    data-testid="position-quantity"
                    title=format!("{direction} {}", qty.abs().normalize())
                >
                    {qty_text}
                </span>
            </td>
            <td class="num" data-label="Avg open">
                {avg_open.unwrap_or_else(|| "—".into())}
            </td>
            <td class="num" data-label="Mark">
                {match price_text {
                    Some((price, PriceSource::Mark)) => view! { <span>{price}</span> }.into_any(),
                    Some((price, PriceSource::Close)) => view! {
                        <span title="Previous close (no live mark)">
                            {price}
                            <small class="tag">"close"</small>
                        </span>
                    }
                    .into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="num" data-label="Unrealized P/L">
                <span
                    class=format::pl_class(pl)
                    data-testid="position-pl"
                    title=overflow.then_some("Too large to compute")
                >
                    {pl.map(format::money_signed).unwrap_or_else(|| "—".into())}
                </span>
                {pl_pct.map(|t| view! { <small class=format!("pct {}", format::pl_class(pl))>{t}</small> })}
            </td>
        </tr>
    }
}

/// Whether `p` has the inputs for an unrealized P/L (a price and an average open price).
fn has_pl_inputs(p: &Position) -> bool {
    p.current_price().is_some() && p.average_open_price.is_some()
}

/// The summary's total unrealized P/L: `None` when no position has one; `Some(None)` when a
/// position's P/L or the sum does not fit a `Decimal` (shown as "—": a total that silently left
/// a position out would be wrong). Upstream values never reach unchecked arithmetic: an
/// overflow would panic, and with `panic = "abort"` freeze the app.
fn total_pl(list: &[Position]) -> Option<Option<Decimal>> {
    let mut total: Option<Option<Decimal>> = None;
    for p in list.iter().filter(|p| has_pl_inputs(p)) {
        let sum = match (total, p.unrealized_pl()) {
            (None, pl) => pl,
            (Some(Some(t)), Some(pl)) => t.checked_add(pl),
            _ => None,
        };
        total = Some(sum);
    }
    total
}

fn positions_view(list: Vec<Position>) -> AnyView {
    if list.is_empty() {
        return view! {
            <div class="empty" data-testid="positions-empty">
                <p class="empty-title">"No open positions"</p>
                <p class="muted">"This account holds no positions right now."</p>
            </div>
        }
        .into_any();
    }
    let total = total_pl(&list);
    let count = list.len();
    let rows = list.into_iter().map(position_row).collect_view();
    view! {
        <p class="positions-summary">
            <span>{format!("{count} position{}", if count == 1 { "" } else { "s" })}</span>
            {total.map(|t| view! {
                <span>
                    "Unrealized "
                    <span class=format::pl_class(t) data-testid="positions-total-pl">
                        {t.map(format::money_signed).unwrap_or_else(|| "—".into())}
                    </span>
                </span>
            })}
        </p>
        <table class="positions-table">
            <thead>
                <tr>
                    <th scope="col">"Symbol"</th>
                    <th scope="col" class="num">"Qty"</th>
                    <th scope="col" class="num">"Avg open"</th>
                    <th scope="col" class="num">"Mark"</th>
                    <th scope="col" class="num">"Unrealized P/L"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn positions_skeleton() -> impl IntoView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading positions"></div> }
}

/// Positions of `account`, fetched with `include-marks=true`; re-fetched whenever `refresh`
/// changes (the previous list stays visible meanwhile).
#[component]
pub fn PositionsPanel(account: String, #[prop(into)] refresh: Signal<u32>) -> impl IntoView {
    let auth = AuthState::expect();
    let positions = Remote::new(move |signal| {
        refresh.track();
        let request = api::positions(&account, signal.as_ref());
        Some(async move { auth.check(request.await) })
    });
    let retry = Callback::new(move |_| positions.reload());
    let content = move || {
        positions.with(|state| match state {
            None => positions_skeleton().into_any(),
            Some(Err(error)) => {
                let error = error.clone();
                view! { <ErrorPanel error retry /> }.into_any()
            }
            Some(Ok(list)) => positions_view(list.clone()),
        })
    };

    view! {
        <section class="card positions" aria-labelledby="positions-title">
            <h2 id="positions-title">"Positions"</h2>
            {content}
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
