//! Loading, error and brand bits, drawn with [`super::dom`] (each is a few elements that never
//! change once drawn).

use crate::api::ApiError;
use crate::components::dom::El;

/// The app's mark (pure CSS; no image request).
pub fn brand_mark() -> El {
    El::new("span", "brand-mark")
        .attr("aria-hidden", "true")
        .child(El::new("span", ""))
        .child(El::new("span", ""))
        .child(El::new("span", ""))
}

/// `<main class="center-page">`: the one main landmark of a page outside the signed-in frame.
pub fn center_page() -> El {
    El::new("main", "center-page")
}

/// The mark and `label`: "working on it".
pub fn splash_body(label: &str) -> El {
    El::new("div", "splash")
        .child(brand_mark())
        .child(El::leaf("p", "muted", label))
}

/// Full-page "working on it".
pub fn splash(label: &str) -> El {
    center_page()
        .attr("aria-busy", "true")
        .child(splash_body(label))
}

/// An error with a "Try again" button that calls `retry`. tastytrade errors show their code
/// and message.
pub fn error_panel(error: &ApiError, retry: Box<dyn Fn()>) -> El {
    let text = El::new("div", "")
        .child(El::leaf("p", "error-title", error.title()))
        .child(El::leaf("p", "error-text", &error.to_string()));
    El::new("div", "error-panel")
        .attr("role", "alert")
        .attr("data-testid", "error-panel")
        .child(text)
        .child(
            El::leaf("button", "btn btn-secondary", "Try again")
                .attr("type", "button")
                .on(&["click"], Box::new(move |_| retry())),
        )
}

/// Any path the app does not know.
pub fn not_found() -> El {
    El::new("section", "card narrow empty")
        .child(El::leaf("h1", "", "Page not found"))
        .child(El::leaf("p", "muted", "There is nothing at this address."))
        .child(El::leaf("a", "btn btn-primary", "Go to your accounts").attr("href", "/"))
}

/// "‹ Back": the previous entry of the history (screens reached from several places: a quote,
/// a chain, a ticket).
pub fn back_button() -> El {
    El::leaf("button", "back-link", "‹ Back")
        .attr("type", "button")
        .on(
            &["click"],
            Box::new(|_| {
                if let Ok(history) = leptos::prelude::window().history() {
                    let _ = history.back();
                }
            }),
        )
}

/// A screen's heading with its action beside it (a CSV export, a link back).
pub fn page_head(title: &str, action: El) -> El {
    El::new("div", "page-head")
        .child(El::leaf("h1", "", title))
        .child(action)
}

/// `<section class="card …">` named by its `<h2 id=heading_id>title</h2>`.
pub fn card_section(class: &str, testid: &str, heading_id: &str, title: &str) -> El {
    El::new("section", class)
        .attr("aria-labelledby", heading_id)
        .attr("data-testid", testid)
        .child(El::leaf("h2", "", title).attr("id", heading_id))
}
