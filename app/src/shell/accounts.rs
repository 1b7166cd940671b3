//! The account switcher: one link per account with its net liquidating value. Switching keeps
//! the section (an account's orders → the other account's orders).

use leptos::prelude::*;
use pocket_shared::tastytrade::{AccountAuthority, Balances};

use crate::api::ApiError;
use crate::components::dom::{set_attr, set_or_remove_attr, watch, El};
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

/// An account's net liquidating value as its balances stand: a placeholder until they load.
fn net_liq(state: Option<Result<&Balances, &ApiError>>) -> El {
    match state {
        None => El::new("span", "skeleton sk-nlv").attr("aria-hidden", "true"),
        Some(Ok(b)) => El::leaf(
            "span",
            "account-nlv",
            &b.net_liquidating_value
                .map(format::money)
                .unwrap_or_else(|| "—".into()),
        )
        .attr("data-testid", "account-nlv"),
        Some(Err(e)) => El::leaf("span", "account-nlv muted", "unavailable")
            .attr("data-testid", "account-nlv")
            .attr("title", &e.to_string()),
    }
}

/// One account's link; it follows the section on screen, the current account and the
/// account's balances (from the shared cache).
fn tab(item: &AccountAuthority, current: Memo<Option<String>>, route: Memo<Route>) -> El {
    let number = item.account.account_number.clone();
    let balances = Data::expect().balances(&number);
    let tab = El::new("a", "account-tab")
        .attr("data-testid", "account-tab")
        .attr("data-account-number", &number)
        .child(El::leaf(
            "span",
            "account-name",
            &item.account.display_name(),
        ))
        .child(El::leaf("span", "account-meta", &meta_line(item)))
        // Replaced by the figure as the balances stand (below).
        .child(El::new("span", ""));
    let link = tab.element();
    watch(move || {
        let section = route.with(Route::section).unwrap_or(Section::Positions);
        set_attr(&link, "href", &section.route(&number).href());
        let is_current = current.with(|c| c.as_deref() == Some(number.as_str()));
        set_or_remove_attr(&link, "aria-current", is_current.then_some("true"));
        let figure = balances.with(net_liq);
        if let Some(old) = link.last_element_child() {
            let _ = old.replace_with_with_node_1(&figure.element());
        }
    });
    tab
}

/// `<nav class="accounts-pane">`: the accounts while `shown`, redrawn when the list changes.
pub fn account_pane(shown: Memo<bool>, current: Memo<Option<String>>, route: Memo<Route>) -> El {
    let data = Data::expect();
    let list = El::new("div", "account-list");
    let list_element = list.element();
    watch(move || {
        let tabs = shown
            .get()
            .then(|| {
                data.accounts.with_ok(|accounts| {
                    accounts
                        .iter()
                        .map(|item| tab(item, current, route))
                        .collect::<Vec<_>>()
                })
            })
            .flatten();
        list_element.set_text_content(None);
        for tab in tabs.unwrap_or_default() {
            let _ = list_element.append_with_node_1(&tab.element());
        }
    });
    El::new("nav", "accounts-pane")
        .attr("aria-label", "Accounts")
        .child(list)
}
