//! `/watchlists`: the person's lists (with "New watchlist") and tastytrade's public lists.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use pocket_shared::tastytrade::{Watchlist, WatchlistRequest};

use super::edit::{check_name, count_label, entry_count};
use super::{error_text, fetch_lists};
use crate::api::{self, Method};
use crate::components::{loaded, Empty};
use crate::data::{Mutation, Query};
use crate::router::{Route, Router};

fn lists_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading watchlists"></div> }
        .into_any()
}

fn list_links(lists: &[Watchlist], public: bool) -> AnyView {
    if lists.is_empty() {
        return if public {
            view! {
                <Empty
                    title="No public lists"
                    text="tastytrade offers no public watchlists right now."
                    testid="public-watchlists-empty"
                />
            }
            .into_any()
        } else {
            view! {
                <Empty
                    title="No watchlists yet"
                    text="Create one below to keep an eye on symbols."
                    testid="watchlists-empty"
                />
            }
            .into_any()
        };
    }
    let rows = lists
        .iter()
        .map(|list| {
            let route = if public {
                Route::PublicWatchlist(list.name.clone())
            } else {
                Route::Watchlist(list.name.clone())
            };
            let count = entry_count(list).map(count_label);
            view! {
                <li>
                    <a
                        class="wl-link"
                        href=route.href()
                        data-testid=if public { "public-watchlist-link" } else { "watchlist-link" }
                        data-name=list.name.clone()
                    >
                        <span class="wl-name">{list.name.clone()}</span>
                        {count.map(|c| view! { <span class="muted wl-count">{c}</span> })}
                        <span class="wl-chevron" aria-hidden="true">"›"</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="wl-list">{rows}</ul> }.into_any()
}

/// "New watchlist": a name, checked here, then `POST /watchlists` and on to the new list.
#[component]
fn NewWatchlist(mine: Query<Vec<Watchlist>>) -> impl IntoView {
    let router = Router::expect();
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let create = Mutation::new();
    let busy = create.busy();
    let submit = move |e: SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let taken: Vec<String> = untrack(|| {
            mine.with_ok(|lists| lists.iter().map(|l| l.name.clone()).collect())
                .unwrap_or_default()
        });
        let valid = match check_name(&name.get_untracked(), taken.iter().map(String::as_str)) {
            Ok(valid) => valid,
            Err(message) => return problem.set(Some(message)),
        };
        let Ok(body) = serde_json::to_string(&WatchlistRequest::new(valid.clone(), Vec::new()))
        else {
            return;
        };
        problem.set(None);
        create.run(
            api::write::<Watchlist>(Method::POST, &["watchlists"], Some(body)),
            move |result| match result {
                Ok(list) => {
                    let created = if list.name.is_empty() {
                        valid
                    } else {
                        list.name
                    };
                    router.push(&Route::Watchlist(created).href());
                }
                Err(e) => _ = problem.try_set(Some(error_text(&e))),
            },
        );
    };
    view! {
        <form class="wl-form" on:submit=submit novalidate>
            <label for="wl-new-name">"New watchlist"</label>
            <div class="wl-form-row">
                <input
                    id="wl-new-name"
                    name="name"
                    type="text"
                    autocomplete="off"
                    placeholder="Name"
                    bind:value=name
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    aria-describedby="wl-new-error"
                    data-testid="new-watchlist-name"
                />
                <button
                    type="submit"
                    class="btn btn-primary"
                    aria-busy=move || busy.get().to_string()
                    data-testid="new-watchlist-submit"
                >
                    {move || if busy.get() { "Creating…" } else { "Create" }}
                </button>
            </div>
            <p class="form-error" id="wl-new-error" role="alert" data-testid="new-watchlist-error">
                {move || problem.get()}
            </p>
        </form>
    }
}

#[component]
pub fn WatchlistsPage() -> impl IntoView {
    let mine = Query::new(|signal| Some(fetch_lists(false, signal.as_ref())));
    let public = Query::new(|signal| Some(fetch_lists(true, signal.as_ref())));
    view! {
        <div class="page-head">
            <h1>"Watchlists"</h1>
        </div>
        <div class="wl-columns">
            <section class="card wl-section" aria-labelledby="wl-mine" data-testid="my-watchlists">
                <h2 id="wl-mine">"Your watchlists"</h2>
                {loaded(mine, lists_skeleton, |lists: &Vec<Watchlist>| list_links(lists, false))}
                <NewWatchlist mine />
            </section>
            <section class="card wl-section" aria-labelledby="wl-public" data-testid="public-watchlists">
                <h2 id="wl-public">"From tastytrade"</h2>
                {loaded(public, lists_skeleton, |lists: &Vec<Watchlist>| list_links(lists, true))}
            </section>
        </div>
    }
}
