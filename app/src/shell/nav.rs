//! The sections: a bottom tab bar on phones, a list in the side column on desktops (one
//! element; CSS places it). The current section is marked `aria-current="page"`.

use leptos::prelude::*;

use crate::router::{Route, Section};

/// A small inline icon per section (no image request).
fn icon(section: Section) -> &'static str {
    match section {
        Section::Positions => "M4 18h4V9H4zm6 0h4V5h-4zm6 0h4v-6h-4z",
        Section::Orders => "M6 3h9l3 3v15H6zm3 6h6M9 12h6M9 15h4",
        Section::Activity => "M3 12h4l3 7 4-14 3 7h4",
        Section::History => "M3 17l5-6 4 3 5-7 4 4M3 21h18",
        Section::Watchlists => "M12 4l2.5 5 5.5.8-4 3.9.9 5.5-4.9-2.6-4.9 2.6.9-5.5-4-3.9 5.5-.8z",
    }
}

#[component]
pub fn Nav(
    /// The account the account sections open.
    #[prop(into)]
    account: Signal<Option<String>>,
    #[prop(into)] route: Signal<Route>,
) -> impl IntoView {
    let links = Section::ALL
        .into_iter()
        .map(|section| {
            let href = move || match account.get() {
                Some(n) => section.route(&n).href(),
                None if section == Section::Watchlists => Route::Watchlists.href(),
                None => Route::Home.href(),
            };
            let current = move || (route.get().section() == Some(section)).then_some("page");
            view! {
                <a
                    class="nav-link"
                    href=href
                    aria-current=current
                    data-testid="nav-link"
                    data-section=section.label()
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                        <path d=icon(section) />
                    </svg>
                    <span>{section.label()}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="main-nav" aria-label="Sections">
            {links}
        </nav>
    }
}
