//! Watchlists: the user's lists and tastytrade's public ones; create, edit, delete.

use leptos::prelude::*;

#[component]
pub fn WatchlistsPage() -> impl IntoView {
    view! { <h1>"Watchlists"</h1> }
}

#[component]
pub fn WatchlistPage(name: String, #[prop(optional)] public: bool) -> impl IntoView {
    view! { <h1>{name}</h1><p>{public}</p> }
}
