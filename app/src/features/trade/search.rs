//! Symbol search (`/search?q=`): type-ahead over `GET /symbols/search/{prefix}`
//! (docs/tastytrade.md §6.10). What is typed goes to the address a moment after the last key
//! (shareable, kept on reload and Back); each new prefix aborts the request before it. A result
//! opens the quote screen, from where the chain and the ticket are one tap away.

use std::time::Duration;

use leptos::prelude::*;
use pocket_shared::tastytrade::{Items, SymbolMatch};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::dom::{self, El};
use crate::components::loaded;
use crate::data::Query;
use crate::router::{Route, Router};

/// Typing pauses this long before the address (and so the search) follows.
const DEBOUNCE_MS: u64 = 200;
const MAX_PREFIX: usize = 32;

/// What is typed, as tastytrade's search takes it: trimmed, upper case, at most 32 characters
/// of letters, digits, space, `/`, `.` and `-` (anything else is dropped).
pub fn clean_prefix(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '/' | '.' | '-'))
        .take(MAX_PREFIX)
        .collect::<String>()
        .to_ascii_uppercase()
}

fn result_row(m: &SymbolMatch) -> El {
    let link = El::new("a", "search-hit")
        .attr("href", &Route::Quote(m.symbol.clone()).href())
        .attr("data-testid", "search-result")
        .child(El::leaf("span", "search-symbol", &m.symbol))
        .child(El::leaf(
            "span",
            "search-description muted",
            m.description.as_deref().unwrap_or(""),
        ))
        .maybe(
            m.instrument_type
                .as_deref()
                .filter(|t| *t != "Equity")
                .map(|t| El::leaf("span", "badge", t)),
        )
        .maybe((m.options == Some(true)).then(|| El::leaf("span", "badge badge-soft", "Options")));
    El::new("li", "").child(link)
}

fn results_view(prefix: &str, found: &[SymbolMatch]) -> El {
    if found.is_empty() {
        return dom::empty(
            "No matches",
            &format!("No symbol or name starts with “{prefix}”."),
            "search-none",
        );
    }
    El::new("ul", "search-results card")
        .attr("data-testid", "search-results")
        .children(found.iter().map(result_row))
}

#[component]
pub(super) fn SearchPage() -> impl IntoView {
    let router = Router::expect();
    let prefix = Memo::new(move |_| clean_prefix(&router.query("q").unwrap_or_default()));
    let found: Query<Vec<SymbolMatch>> = Query::new(move |signal| {
        let p = prefix.get();
        if p.is_empty() {
            return None;
        }
        let request =
            api::get::<Items<SymbolMatch>>(&["symbols", "search", &p], "", signal.as_ref());
        Some(async move { Ok(request.await?.items) })
    });

    let input = El::new("input", "search-input")
        .attr("type", "search")
        .attr("name", "q")
        .attr("data-testid", "search-input")
        .attr("aria-label", "Symbol or company")
        .attr("placeholder", "Symbol or company, e.g. AAPL, /ES")
        .attr("autocomplete", "off")
        .attr("autocapitalize", "characters")
        .attr("spellcheck", "false")
        .attr("enterkeyhint", "search")
        .attr("maxlength", "32");
    let input_el = input.element();
    dom::set_value(&input_el, &router.query("q").unwrap_or_default());
    let generation = StoredValue::new(0u32);
    let on_input = move |_: &web_sys::Event| {
        let typed = dom::value(&input_el);
        let mine = generation.try_update_value(|g| {
            *g = g.wrapping_add(1);
            *g
        });
        set_timeout(
            move || {
                if generation.try_get_value() == mine {
                    router.set_query(&[("q", typed.clone())]);
                }
            },
            Duration::from_millis(DEBOUNCE_MS),
        );
    };
    // Enter opens the first result.
    let on_submit = move |e: &web_sys::Event| {
        e.prevent_default();
        let first = found.with_ok(|list| list.first().map(|m| m.symbol.clone()));
        if let Some(symbol) = first.flatten() {
            router.push(&Route::Quote(symbol).href());
        }
    };
    let form = El::new("form", "search-form card")
        .attr("role", "search")
        .child(input)
        .on(&["input"], Box::new(on_input))
        .on(&["submit"], Box::new(on_submit));
    let input_focus = form.element();
    request_animation_frame(move || {
        if let Some(field) = dom::find(&input_focus, "input") {
            let _ = field.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    });

    let results = move || {
        let p = prefix.get();
        if p.is_empty() {
            return dom::empty(
                "Find an instrument",
                "Type a symbol or a company name: stocks, ETFs, indices and futures.",
                "search-hint",
            )
            .into_view()
            .into_any();
        }
        loaded(
            found,
            || {
                El::new("div", "skeleton sk-rows")
                    .attr("aria-busy", "true")
                    .into_view()
                    .into_any()
            },
            move |list| results_view(&p, list).into_view(),
        )
        .into_any()
    };
    let list = El::new("div", "search-body")
        .attr("aria-live", "polite")
        .mount(results.into_any());
    dom::parts(vec![El::leaf("h1", "page-title", "Search"), form, list])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_cleaned() {
        assert_eq!(clean_prefix("  aapl "), "AAPL");
        assert_eq!(clean_prefix("/es"), "/ES");
        assert_eq!(clean_prefix("brk.b"), "BRK.B");
        assert_eq!(clean_prefix("a<script>"), "ASCRIPT");
        assert_eq!(clean_prefix(&"x".repeat(50)).len(), MAX_PREFIX);
        assert_eq!(clean_prefix("%2F"), "2F");
    }
}
