//! History: the net-liq chart over a chosen range.

use leptos::prelude::*;

#[component]
pub fn HistoryPage(account: String) -> impl IntoView {
    view! { <h1>"History"</h1><p class="muted">{account}</p> }
}
