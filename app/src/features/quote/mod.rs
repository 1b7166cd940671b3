//! One instrument at a glance (the quote screen, `page`) and the live figures other screens
//! share (`figures`).

pub mod figures;
mod page;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::lazy::ModuleMissing;

/// The quote screen, from a wasm module of its own (components/lazy.rs).
#[wasm_split(quote_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn quote_screen(symbol: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <page::QuotePage symbol /> }.into_any())
}
