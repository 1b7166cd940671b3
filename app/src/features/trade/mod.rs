//! Trading (issue 8): symbol search (`search`), the option chain (`chain`) and the order ticket
//! (`ticket`: review by dry-run, send once, follow; cancel and change price), with the pure
//! order logic in `model`, the calls in `send`, tick tables in `instrument` and the client-side
//! order rate in `limit`. Each screen is a wasm module of its own (components/lazy.rs).

mod actions;
mod chain;
mod instrument;
mod limit;
pub mod model;
mod payoff;
mod search;
mod send;
mod ticket;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::lazy::ModuleMissing;
pub use actions::order_actions;
pub use ticket::single_ticket_href;

/// Whether this session may trade (it holds tastytrade's `trade` scope): screens show trading
/// only then.
pub fn can_trade() -> bool {
    matches!(
        crate::state::AuthState::expect().get_untracked(),
        crate::state::Auth::SignedIn(info) if info.can_trade
    )
}

#[wasm_split(search_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn search_screen() -> Result<AnyView, ModuleMissing> {
    Ok(view! { <search::SearchPage /> }.into_any())
}

#[wasm_split(chain_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn chain_screen(symbol: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <chain::ChainPage symbol /> }.into_any())
}

#[wasm_split(ticket_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn ticket_screen(account: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <ticket::TicketPage account /> }.into_any())
}
