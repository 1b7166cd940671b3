//! The account switcher: one tab per account with its net liquidating value.

use leptos::prelude::*;
use pocket_shared::tastytrade::AccountAuthority;
use wasm_bindgen::JsCast;

use super::AllBalances;
use crate::api::ApiError;
use crate::format;
use crate::pages::tab_id;
use crate::remote::Remote;

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

fn nlv_view(all: &Result<AllBalances, ApiError>, number: &str) -> AnyView {
    let found = all
        .as_ref()
        .ok()
        .and_then(|all| all.iter().find(|(n, _)| n == number))
        .map(|(_, b)| b);
    match found {
        Some(Ok(b)) => match b.net_liquidating_value {
            Some(v) => view! {
                <span class="account-nlv" data-testid="account-nlv">{format::money(v)}</span>
            }
            .into_any(),
            None => view! {
                <span class="account-nlv muted" data-testid="account-nlv">"—"</span>
            }
            .into_any(),
        },
        Some(Err(e)) => view! {
            <span class="account-nlv muted" data-testid="account-nlv" title=e.to_string()>
                "unavailable"
            </span>
        }
        .into_any(),
        None => view! {
            <span class="account-nlv muted" data-testid="account-nlv">"—"</span>
        }
        .into_any(),
    }
}

/// Arrow keys move between tabs (WAI-ARIA tabs pattern, selection follows focus).
fn on_tab_keydown(ev: web_sys::KeyboardEvent) {
    let forward = match ev.key().as_str() {
        "ArrowRight" | "ArrowDown" => true,
        "ArrowLeft" | "ArrowUp" => false,
        _ => return,
    };
    let Some(current) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[role=tab]").ok().flatten())
    else {
        return;
    };
    let next = if forward {
        current.next_element_sibling()
    } else {
        current.previous_element_sibling()
    };
    if let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = next.focus();
        next.click();
    }
}

#[component]
pub fn AccountSwitcher(
    accounts: Vec<AccountAuthority>,
    #[prop(into)] selected: Signal<Option<String>>,
    on_select: Callback<String>,
    balances: Remote<AllBalances>,
) -> impl IntoView {
    let tabs = accounts
        .into_iter()
        .map(|item| {
            let number = item.account.account_number.clone();
            let name = item.account.display_name();
            let meta = meta_line(&item);
            let is_selected = {
                let number = number.clone();
                Memo::new(move |_| selected.get().as_deref() == Some(number.as_str()))
            };
            let select = {
                let number = number.clone();
                move |_| on_select.run(number.clone())
            };
            let nlv = {
                let number = number.clone();
                move || {
                    balances.with(|all| match all {
                        None => view! { <span class="skeleton sk-nlv" aria-hidden="true"></span> }
                            .into_any(),
                        Some(all) => nlv_view(all, &number),
                    })
                }
            };
            view! {
                <button
                    type="button"
                    role="tab"
                    id=tab_id(&number)
                    class="account-tab"
                    data-testid="account-tab"
                    data-account-number=number
                    aria-selected=move || is_selected.get().to_string()
                    aria-controls="account-panel"
                    tabindex=move || if is_selected.get() { "0" } else { "-1" }
                    on:click=select
                >
                    <span class="account-name">{name}</span>
                    <span class="account-meta">{meta}</span>
                    {nlv}
                </button>
            }
        })
        .collect_view();

    view! {
        <div
            class="account-list"
            role="tablist"
            aria-label="Accounts"
            on:keydown=on_tab_keydown
        >
            {tabs}
        </div>
    }
}
