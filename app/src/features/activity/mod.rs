//! Activity: transactions grouped by day, filters, "load more", total fees.

use leptos::prelude::*;

#[component]
pub fn ActivityPage(account: String) -> impl IntoView {
    view! { <h1>"Activity"</h1><p class="muted">{account}</p> }
}
