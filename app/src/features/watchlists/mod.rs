//! Watchlists (docs/tastytrade.md §6.7): the person's lists and tastytrade's public ones
//! (`/watchlists`), one list with its symbols (`/watchlists/{name}`, `/watchlists/public/{name}`);
//! create, add and remove symbols, delete. Every change is a full `PUT` of the list through
//! `Mutation` (never sent twice, never retried), and the screen shows tastytrade's answer.
//!
//! The screens are built with `components::dom` (see there why): lists, forms and the
//! confirmation are drawn by a few non-generic calls, each with one listener for all its
//! controls (`El::on`), and one effect per page keeps busy states and errors on screen.

mod detail;
mod edit;
mod index;
mod live;

use pocket_shared::tastytrade::{Items, Watchlist};
use wasm_bindgen::JsValue;
use web_sys::{AbortSignal, Element};

use crate::api::{self, ApiError};
use crate::components::dom::{self, El};

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::lazy::ModuleMissing;
use detail::WatchlistPage;
use index::WatchlistsPage;

/// The watchlists screen, from the wasm module of the watchlist screens (their code downloads
/// when one is first opened: components/lazy.rs).
#[wasm_split(watchlist_screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn watchlists_screen() -> Result<AnyView, ModuleMissing> {
    Ok(view! { <WatchlistsPage /> }.into_any())
}

/// One watchlist (`public`: one of tastytrade's), from the same module.
#[wasm_split(watchlist_screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn watchlist_screen(name: String, public: bool) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <WatchlistPage name public /> }.into_any())
}

fn fetch_lists(
    public: bool,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Vec<Watchlist>, ApiError>> + 'static {
    // Public lists can be long (hundreds of symbols): only their counts are needed here.
    let request = if public {
        api::get::<Items<Watchlist>>(&["public-watchlists"], "counts-only=true", signal)
    } else {
        api::get::<Items<Watchlist>>(&["watchlists"], "", signal)
    };
    async move { Ok(request.await?.items) }
}

/// One list; `None` when tastytrade has no list of that name (404).
fn fetch_list(
    name: &str,
    public: bool,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Option<Watchlist>, ApiError>> + 'static {
    let collection = if public {
        "public-watchlists"
    } else {
        "watchlists"
    };
    let request = api::get::<Watchlist>(&[collection, name], "", signal);
    async move {
        match request.await {
            Ok(list) => Ok(Some(list)),
            Err(ApiError::Tastytrade { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What to do with the answer to a write that returns the list: boxed, so that creating and
/// saving share one copy of `Mutation::run`.
type Saved = Box<dyn FnOnce(Result<Watchlist, ApiError>)>;

/// What to show next to a form after a failed write: tastytrade's own words (its message
/// with the `errors[]` reasons) when it refused, else what went wrong on the way.
fn error_text(error: &ApiError) -> String {
    match error {
        ApiError::Tastytrade { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// `loaded`'s render: the content is drawn with `components::dom` beside it.
fn nothing<T>(_: &T) {}

/// What is typed in the field `selector` under `parent` (`""` if there is none).
fn field_value(parent: &Element, selector: &str) -> String {
    dom::find(parent, selector)
        .and_then(|field| js_sys::Reflect::get(&field, &JsValue::from_str("value")).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

/// Empties the field `selector` under `parent`.
fn clear_field(parent: &Element, selector: &str) {
    if let Some(field) = dom::find(parent, selector) {
        let _ = js_sys::Reflect::set(&field, &JsValue::from_str("value"), &JsValue::from_str(""));
    }
}

/// The text of the element `selector` under `parent` (`""` empties it).
fn set_text(parent: &Element, selector: &str, text: &str) {
    if let Some(element) = dom::find(parent, selector) {
        element.set_text_content(Some(text));
    }
}

/// `aria-busy` of the button `selector` under `parent`, and its text while busy or not.
fn set_busy(parent: &Element, selector: &str, busy: bool, texts: Option<(&str, &str)>) {
    if let Some(button) = dom::find(parent, selector) {
        dom::set_attr(&button, "aria-busy", if busy { "true" } else { "false" });
        if let Some((busy_text, idle_text)) = texts {
            button.set_text_content(Some(if busy { busy_text } else { idle_text }));
        }
    }
}

/// The line under a form where its error shows (a live region, empty until then).
fn error_line(id: &str, testid: &str) -> El {
    El::new("p", "form-error")
        .attr("id", id)
        .attr("role", "alert")
        .attr("data-testid", testid)
}

/// The element `e` happened on.
fn event_target(e: &web_sys::Event) -> Option<Element> {
    wasm_bindgen::JsCast::dyn_into(e.target()?).ok()
}

/// The element whose handler gets `e`.
fn current_target(e: &web_sys::Event) -> Option<Element> {
    wasm_bindgen::JsCast::dyn_into(e.current_target()?).ok()
}
