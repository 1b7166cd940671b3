//! `/watchlists`: the person's lists (with "New watchlist") and tastytrade's public lists.

use leptos::html;
use leptos::prelude::*;
use pocket_shared::tastytrade::{Watchlist, WatchlistRequest};
use web_sys::{Element, Event};

use super::edit::{check_name, count_label, entry_count};
use super::{current_target, error_line, error_text, fetch_lists, field_value, nothing, set_busy};
use super::{set_text, Saved};
use crate::api::{self, Method};
use crate::components::dom::{self, dom_view, El};
use crate::components::loaded;
use crate::data::{Mutation, Query};
use crate::router::{Route, Router};

fn lists_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading watchlists"></div> }
        .into_any()
}

fn list_links(lists: &[Watchlist], public: bool) -> El {
    if lists.is_empty() {
        return if public {
            dom::empty(
                "No public lists",
                "tastytrade offers no public watchlists right now.",
                "public-watchlists-empty",
            )
        } else {
            dom::empty(
                "No watchlists yet",
                "Create one below to keep an eye on symbols.",
                "watchlists-empty",
            )
        };
    }
    let testid = if public {
        "public-watchlist-link"
    } else {
        "watchlist-link"
    };
    let rows = lists.iter().map(|list| {
        let route = if public {
            Route::PublicWatchlist(list.name.clone())
        } else {
            Route::Watchlist(list.name.clone())
        };
        let count = entry_count(list).map(|c| El::leaf("span", "muted wl-count", &count_label(c)));
        let link = El::new("a", "wl-link")
            .attr("href", &route.href())
            .attr("data-testid", testid)
            .attr("data-name", &list.name)
            .child(El::leaf("span", "wl-name", &list.name))
            .maybe(count)
            .child(El::leaf("span", "wl-chevron", "›").attr("aria-hidden", "true"));
        El::new("li", "").child(link)
    });
    El::new("ul", "wl-list").children(rows)
}

/// "New watchlist": a name, then "Create" (what follows the state is set by [`show_state`]);
/// `submit` gets the form's submit events.
fn new_watchlist_form(submit: Box<dyn Fn(&Event)>) -> El {
    let name = El::new("input", "")
        .attr("id", "wl-new-name")
        .attr("name", "name")
        .attr("type", "text")
        .attr("autocomplete", "off")
        .attr("placeholder", "Name")
        .attr("aria-invalid", "false")
        .attr("aria-describedby", "wl-new-error")
        .attr("data-testid", "new-watchlist-name");
    let create = El::leaf("button", "btn btn-primary", "Create")
        .attr("type", "submit")
        .attr("aria-busy", "false")
        .attr("data-testid", "new-watchlist-submit");
    El::new("form", "wl-form")
        .attr("novalidate", "")
        .child(El::leaf("label", "", "New watchlist").attr("for", "wl-new-name"))
        .child(El::new("div", "wl-form-row").child(name).child(create))
        .child(error_line("wl-new-error", "new-watchlist-error"))
        .on(&["submit"], submit)
}

/// The form's busy state and its problem (why the name was refused, or tastytrade's answer).
fn show_state(page: &Element, busy: bool, problem: Option<&str>) {
    set_busy(
        page,
        "[data-testid=new-watchlist-submit]",
        busy,
        Some(("Creating…", "Create")),
    );
    if let Some(name) = dom::find(page, "#wl-new-name") {
        let invalid = if problem.is_some() { "true" } else { "false" };
        dom::set_attr(&name, "aria-invalid", invalid);
    }
    set_text(page, "#wl-new-error", problem.unwrap_or_default());
}

/// The "New watchlist" form was sent: the name is checked here, then `POST /watchlists` and on
/// to the new list.
fn create(
    form: &Element,
    mine: Query<Vec<Watchlist>>,
    writes: Mutation,
    problem: RwSignal<Option<String>>,
    router: Router,
) {
    // A second tap while the first is in flight is ignored (`Mutation` would refuse it too).
    if writes.busy().get_untracked() {
        return;
    }
    let taken: Vec<String> = untrack(|| {
        mine.with_ok(|lists| lists.iter().map(|l| l.name.clone()).collect())
            .unwrap_or_default()
    });
    let typed = field_value(form, "#wl-new-name");
    let valid = match check_name(&typed, taken.iter().map(String::as_str)) {
        Ok(valid) => valid,
        Err(message) => return problem.set(Some(message)),
    };
    let Ok(body) = serde_json::to_string(&WatchlistRequest::new(valid.clone(), Vec::new())) else {
        return;
    };
    problem.set(None);
    let done: Saved = Box::new(move |result| match result {
        Ok(list) => {
            let created = if list.name.is_empty() {
                valid
            } else {
                list.name
            };
            router.push(&Route::Watchlist(created).href());
        }
        Err(e) => _ = problem.try_set(Some(error_text(&e))),
    });
    let write = api::write::<Watchlist>(Method::POST, &["watchlists"], Some(body));
    writes.run(write, done);
}

#[component]
pub(super) fn WatchlistsPage() -> impl IntoView {
    let router = Router::expect();
    let mine = Query::new(|signal| Some(fetch_lists(false, signal.as_ref())));
    let public = Query::new(|signal| Some(fetch_lists(true, signal.as_ref())));
    let writes = Mutation::new();
    let busy = writes.busy();
    let problem = RwSignal::new(None::<String>);
    let on_submit = move |e: &Event| {
        e.prevent_default();
        if let Some(form) = current_target(e) {
            create(&form, mine, writes, problem, router);
        }
    };
    let page = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let busy = busy.get();
        if let Some(page) = page.get() {
            problem.with(|p| show_state(&page, busy, p.as_deref()));
        }
    });
    view! {
        <div class="wl-page" node_ref=page>
            <div class="page-head">
                <h1>"Watchlists"</h1>
            </div>
            <div class="wl-columns">
                <section class="card wl-section" aria-labelledby="wl-mine" data-testid="my-watchlists">
                    <h2 id="wl-mine">"Your watchlists"</h2>
                    {loaded(mine, lists_skeleton, nothing)}
                    {dom_view(move || mine.with_ok(|lists| list_links(lists, false)))}
                    {dom_view(move || Some(new_watchlist_form(Box::new(on_submit))))}
                </section>
                <section class="card wl-section" aria-labelledby="wl-public" data-testid="public-watchlists">
                    <h2 id="wl-public">"From tastytrade"</h2>
                    {loaded(public, lists_skeleton, nothing)}
                    {dom_view(move || public.with_ok(|lists| list_links(lists, true)))}
                </section>
            </div>
        </div>
    }
}
