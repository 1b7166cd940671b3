//! The balances headline of the account on screen.

use leptos::prelude::*;
use pocket_shared::tastytrade::Balances;
use rust_decimal::Decimal;

use crate::components::loaded;
use crate::data::Data;
use crate::format;

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
    let stat = |title: &'static str, value: String| {
        view! {
            <div class="stat">
                <dt>{title}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
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
            {stock_bp.map(|v| stat("Stock buying power", format::money(v)))}
            {maintenance.map(|v| stat("Maintenance req.", format::money(v)))}
        </dl>
    }
}

fn headline_skeleton() -> AnyView {
    view! {
        <p class="label">"Net liquidating value"</p>
        <span class="skeleton sk-big" aria-busy="true"></span>
        <span class="skeleton sk-stats" aria-hidden="true"></span>
    }
    .into_any()
}

#[component]
pub fn BalancesHeadline(account: String) -> impl IntoView {
    let balances = Data::expect().balances(&account);
    view! {
        <section class="card headline" aria-label="Balances">
            {loaded(balances, headline_skeleton, headline)}
        </section>
    }
}
