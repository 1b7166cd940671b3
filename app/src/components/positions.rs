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
    let pl_pct = pl
        .zip(p.cost_basis())
        .and_then(|(pl, basis)| format::ratio_percent_signed(pl, basis));
    let direction = if qty.is_sign_negative() && !qty.is_zero() {
        "Short"
    } else {
        "Long"
    };

    view! {
        <tr class="position-row" data-testid="position-row" data-symbol=p.symbol.clone()>
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
                    {format::quantity_signed(qty)}
                </span>
            </td>
            <td class="num" data-label="Avg open">
                {avg_open.unwrap_or_else(|| "—".into())}
            </td>
            <td class="num" data-label="Mark">
                {match current {
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
            <td class="num" data-label="Unrealized P/L">
                <span class=format::pl_class(pl) data-testid="position-pl">
                    {pl.map(format::money_signed).unwrap_or_else(|| "—".into())}
                </span>
                {pl_pct.map(|t| view! { <small class=format!("pct {}", format::pl_class(pl))>{t}</small> })}
            </td>
        </tr>
    }
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
    let total: Option<Decimal> = list
        .iter()
        .filter_map(Position::unrealized_pl)
        .reduce(|a, b| a + b);
    let count = list.len();
    let rows = list.into_iter().map(position_row).collect_view();
    view! {
        <p class="positions-summary">
            <span>{format!("{count} position{}", if count == 1 { "" } else { "s" })}</span>
            {total.map(|t| view! {
                <span>
                    "Unrealized "
                    <span class=format::pl_class(Some(t)) data-testid="positions-total-pl">
                        {format::money_signed(t)}
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
    view! { <div class="skeleton sk-rows" aria-busy="true" aria-label="Loading positions"></div> }
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
