//! The balances headline of the selected account.

use leptos::prelude::*;
use pocket_shared::tastytrade::Balances;
use rust_decimal::Decimal;

use super::status::ErrorPanel;
use super::AllBalances;
use crate::format;
use crate::remote::Remote;

fn money_or_dash(v: Option<Decimal>) -> String {
    v.map(format::money).unwrap_or_else(|| "—".into())
}

fn headline(b: &Balances) -> impl IntoView {
    let bp_title = if b.derivative_buying_power.is_some() {
        "Option buying power"
    } else {
        "Buying power"
    };
    let stock_bp = b
        .equity_buying_power
        .filter(|e| Some(*e) != b.derivative_buying_power);
    let maintenance = b.maintenance_requirement.filter(|m| !m.is_zero());
    view! {
        <div class="headline-main">
            <p class="label">"Net liquidating value"</p>
            <p class="big-number" data-testid="net-liq">
                {money_or_dash(b.net_liquidating_value)}
            </p>
        </div>
        <dl class="stats">
            <div class="stat">
                <dt>{bp_title}</dt>
                <dd data-testid="buying-power">{money_or_dash(b.buying_power())}</dd>
            </div>
            <div class="stat">
                <dt>"Cash balance"</dt>
                <dd data-testid="cash-balance">{money_or_dash(b.cash_balance)}</dd>
            </div>
            {stock_bp
                .map(|v| {
                    view! {
                        <div class="stat">
                            <dt>"Stock buying power"</dt>
                            <dd>{format::money(v)}</dd>
                        </div>
                    }
                })}
            {maintenance
                .map(|v| {
                    view! {
                        <div class="stat">
                            <dt>"Maintenance req."</dt>
                            <dd>{format::money(v)}</dd>
                        </div>
                    }
                })}
        </dl>
    }
}

fn headline_skeleton() -> impl IntoView {
    view! {
        <p class="label">"Net liquidating value"</p>
        <span class="skeleton sk-big" aria-busy="true"></span>
        <span class="skeleton sk-stats" aria-hidden="true"></span>
    }
}

#[component]
pub fn BalancesHeadline(
    #[prop(into)] account: Signal<Option<String>>,
    balances: Remote<AllBalances>,
    retry: Callback<()>,
) -> impl IntoView {
    // A re-fetch keeps showing the previous value (the resource keeps it until the new one
    // arrives), so refreshing never flashes the skeleton.
    let content = move || {
        let number = account.get();
        balances.with(|all| match all {
            None => headline_skeleton().into_any(),
            Some(Err(error)) => {
                let error = error.clone();
                view! { <ErrorPanel error retry compact=true /> }.into_any()
            }
            Some(Ok(all)) => match number.and_then(|n| all.iter().find(|(k, _)| *k == n)) {
                Some((_, Ok(b))) => headline(b).into_any(),
                Some((_, Err(error))) => {
                    let error = error.clone();
                    view! { <ErrorPanel error retry compact=true /> }.into_any()
                }
                None => headline_skeleton().into_any(),
            },
        })
    };
    view! {
        <section class="card headline" aria-label="Balances">
            {content}
        </section>
    }
}
