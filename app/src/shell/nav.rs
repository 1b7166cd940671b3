//! The sections: a bottom tab bar on phones, a list in the side column on desktops (one
//! element; CSS places it). The current section is marked `aria-current="page"`.

use leptos::prelude::*;

use crate::components::dom::{set_attr, set_or_remove_attr, watch, El};
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

fn link(section: Section) -> El {
    let icon = El::svg("svg", "nav-icon")
        .attr("viewBox", "0 0 24 24")
        .attr("aria-hidden", "true")
        .child(El::svg("path", "").attr("d", icon(section)));
    El::new("a", "nav-link")
        .attr("data-testid", "nav-link")
        .attr("data-section", section.label())
        .child(icon)
        .child(El::leaf("span", "", section.label()))
}

/// The navigation: each link opens its section for `account` (the watchlists need none), the
/// current `route`'s section marked.
pub fn nav(account: Memo<Option<String>>, route: Memo<Route>) -> El {
    let links: Vec<(Section, El)> = Section::ALL.into_iter().map(|s| (s, link(s))).collect();
    let elements: Vec<_> = links.iter().map(|(s, l)| (*s, l.element())).collect();
    watch(move || {
        let account = account.get();
        let current = route.with(Route::section);
        for (section, link) in &elements {
            let href = match &account {
                Some(n) => section.route(n).href(),
                None if *section == Section::Watchlists => Route::Watchlists.href(),
                None => Route::Home.href(),
            };
            set_attr(link, "href", &href);
            set_or_remove_attr(
                link,
                "aria-current",
                (current == Some(*section)).then_some("page"),
            );
        }
    });
    El::new("nav", "main-nav")
        .attr("aria-label", "Sections")
        .children(links.into_iter().map(|(_, l)| l))
}
