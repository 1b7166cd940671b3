//! The account switcher: one link per account with its net liquidating value. Switching keeps
//! the section (an account's orders → the other account's orders).

use leptos::prelude::*;
use pocket_shared::tastytrade::AccountAuthority;

use crate::data::Data;
use crate::format;
use crate::router::{Route, Section};

/// "••••0001 · Margin": the masked number plus whatever the name does not already say.
fn meta_line(item: &AccountAuthority) -> String {
    let a = &item.account;
    let name = a.display_name();
    let mut parts = vec![a.masked_number()];
    if let Some(t) = a.account_type_name.as_deref().filter(|t| *t != name) {
        parts.push(t.to_owned());
    }
    if let Some(m) = &a.margin_or_cash {
        parts.push(m.to_string());
    }
    parts.join(" · ")
}

/// That account's net liquidating value, from the shared balances cache.
fn net_liq(number: String) -> impl IntoView {
    let balances = Data::expect().balances(&number);
    move || {
        balances.with(|state| match state {
            None => view! { <span class="skeleton sk-nlv" aria-hidden="true"></span> }.into_any(),
            Some(Ok(b)) => view! {
                <span class="account-nlv" data-testid="account-nlv">
                    {b.net_liquidating_value.map(format::money).unwrap_or_else(|| "—".into())}
                </span>
            }
            .into_any(),
            Some(Err(e)) => view! {
                <span class="account-nlv muted" data-testid="account-nlv" title=e.to_string()>
                    "unavailable"
                </span>
            }
            .into_any(),
        })
    }
}

#[component]
pub fn AccountSwitcher(
    #[prop(into)] current: Signal<Option<String>>,
    #[prop(into)] route: Signal<Route>,
) -> impl IntoView {
    let data = Data::expect();
    move || {
        let list = data.accounts.with_ok(Clone::clone).unwrap_or_default();
        list.into_iter()
            .map(|item| {
                let number = item.account.account_number.clone();
                let name = item.account.display_name();
                let meta = meta_line(&item);
                let testid_number = number.clone();
                let href = {
                    let number = number.clone();
                    move || {
                        let section = route.get().section().unwrap_or(Section::Positions);
                        section.route(&number).href()
                    }
                };
                let is_current = {
                    let number = number.clone();
                    move || (current.get().as_deref() == Some(number.as_str())).then_some("true")
                };
                view! {
                    <a
                        class="account-tab"
                        href=href
                        aria-current=is_current
                        data-testid="account-tab"
                        data-account-number=testid_number
                    >
                        <span class="account-name">{name}</span>
                        <span class="account-meta">{meta}</span>
                        {net_liq(number)}
                    </a>
                }
            })
            .collect_view()
    }
}
