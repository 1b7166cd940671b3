//! Loading, error and brand bits.

use leptos::prelude::*;

use crate::api::ApiError;

/// The app's mark (pure CSS; no image request).
#[component]
pub fn BrandMark() -> impl IntoView {
    view! {
        <span class="brand-mark" aria-hidden="true">
            <span></span>
            <span></span>
            <span></span>
        </span>
    }
}

/// Full-page "working on it".
#[component]
pub fn Splash(#[prop(optional)] label: Option<&'static str>) -> impl IntoView {
    view! {
        <main class="center-page" aria-busy="true">
            <div class="splash">
                <BrandMark />
                <p class="muted">{label.unwrap_or("Loading…")}</p>
            </div>
        </main>
    }
}

/// An error with a retry button. tastytrade errors show their code and message.
#[component]
pub fn ErrorPanel(
    error: ApiError,
    /// Called by the "Try again" button.
    retry: Callback<()>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    view! {
        <div
            class="error-panel"
            class:compact=compact
            role="alert"
            data-testid="error-panel"
        >
            <div>
                <p class="error-title">{error.title()}</p>
                <p class="error-text">{error.to_string()}</p>
            </div>
            <button type="button" class="btn btn-secondary" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow empty">
            <h1>"Page not found"</h1>
            <p class="muted">"There is nothing at this address."</p>
            <a class="btn btn-primary" href="/">
                "Go to your accounts"
            </a>
        </section>
    }
}
