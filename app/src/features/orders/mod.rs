//! Orders: working orders and the order history, filters, "load more", one order's detail.

use leptos::prelude::*;

#[component]
pub fn OrdersPage(account: String) -> impl IntoView {
    view! { <h1>"Orders"</h1><p class="muted">{account}</p> }
}

#[component]
pub fn OrderPage(account: String, id: u64) -> impl IntoView {
    view! { <h1>"Order " {id}</h1><p class="muted">{account}</p> }
}
