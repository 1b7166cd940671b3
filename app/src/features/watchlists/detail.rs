//! One watchlist: its symbols, and for the person's own lists "Add symbol", remove per row and
//! "Delete watchlist" (confirmed in the page). One `Mutation` serves every write of the page,
//! so two edits never race to replace the list; a failure is shown next to what caused it.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use pocket_shared::tastytrade::{InstrumentType, Watchlist, WatchlistRequest};

use super::edit::{self, KINDS};
use super::{error_text, fetch_list};
use crate::api::{self, Method};
use crate::components::{loaded, Empty};
use crate::data::{Mutation, Query};
use crate::router::{Route, Router};

/// The control a write came from (where its error is shown).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    Add,
    Remove(String),
    Delete,
}

/// The page's state and its writes (`Copy`, shared by the page's parts).
#[derive(Clone, Copy)]
struct Editor {
    name: StoredValue<String>,
    list: Query<Option<Watchlist>>,
    writes: Mutation,
    failure: RwSignal<Option<(Origin, String)>>,
}

impl Editor {
    /// The list as shown (untracked; for event handlers).
    fn current(&self) -> Option<Watchlist> {
        untrack(|| self.list.with_ok(|l| l.clone()).flatten())
    }

    fn busy(&self) -> Signal<bool> {
        self.writes.busy()
    }

    /// The error of `origin`, if the last failure came from it (reactive).
    fn error_for(&self, origin: &Origin) -> Option<String> {
        self.failure.with(|f| {
            f.as_ref()
                .filter(|(o, _)| o == origin)
                .map(|(_, m)| m.clone())
        })
    }

    fn fail(&self, origin: Origin, message: String) {
        let _ = self.failure.try_set(Some((origin, message)));
    }

    /// `PUT`s `request` (the whole list); the screen then shows tastytrade's answer.
    fn save(&self, request: WatchlistRequest, origin: Origin, saved: impl FnOnce() + 'static) {
        let Ok(body) = serde_json::to_string(&request) else {
            return;
        };
        let this = *self;
        let write = self.name.with_value(|name| {
            api::write::<Watchlist>(Method::PUT, &["watchlists", name], Some(body))
        });
        let started = self.writes.run(write, move |result| match result {
            Ok(list) => {
                this.list.set(Some(list));
                saved();
            }
            Err(e) => this.fail(origin, error_text(&e)),
        });
        if started {
            self.failure.set(None);
        }
    }

    fn delete(&self, router: Router) {
        let this = *self;
        let write = self
            .name
            .with_value(|name| api::write_unit(Method::DELETE, &["watchlists", name], None));
        let started = self.writes.run(write, move |result| match result {
            Ok(()) => router.push(&Route::Watchlists.href()),
            Err(e) => this.fail(Origin::Delete, error_text(&e)),
        });
        if started {
            self.failure.set(None);
        }
    }
}

fn error_line(editor: Editor, origin: Origin, id: String, testid: &'static str) -> impl IntoView {
    view! {
        <p class="form-error" id=id role="alert" data-testid=testid>
            {move || editor.error_for(&origin)}
        </p>
    }
}

#[component]
fn AddSymbol(editor: Editor) -> impl IntoView {
    let symbol = RwSignal::new(String::new());
    let kind = RwSignal::new(KINDS[0].as_str().to_owned());
    let busy = editor.busy();
    let submit = move |e: SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(list) = editor.current() else {
            return;
        };
        let kind = InstrumentType::from_wire(&kind.get_untracked());
        match edit::with_entry(&list, &symbol.get_untracked(), kind) {
            Ok(request) => editor.save(request, Origin::Add, move || symbol.set(String::new())),
            Err(message) => editor.fail(Origin::Add, message),
        }
    };
    let options = KINDS
        .iter()
        .map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> })
        .collect_view();
    view! {
        <form class="card wl-form wl-add" on:submit=submit novalidate aria-label="Add symbol">
            <div class="wl-fields">
                <div class="wl-field wl-field-symbol">
                    <label for="wl-symbol">"Symbol"</label>
                    <input
                        id="wl-symbol"
                        name="symbol"
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        placeholder="AAPL"
                        bind:value=symbol
                        aria-describedby="wl-add-error"
                        data-testid="add-symbol-input"
                    />
                </div>
                <div class="wl-field">
                    <label for="wl-kind">"Type"</label>
                    <select id="wl-kind" name="instrument-type" bind:value=kind data-testid="add-symbol-type">
                        {options}
                    </select>
                </div>
                <button
                    type="submit"
                    class="btn btn-primary"
                    aria-busy=move || busy.get().to_string()
                    data-testid="add-symbol-submit"
                >
                    "Add"
                </button>
            </div>
            {error_line(editor, Origin::Add, "wl-add-error".into(), "add-symbol-error")}
        </form>
    }
}

fn entries_view(list: &Watchlist, editor: Editor, public: bool) -> AnyView {
    if list.watchlist_entries.is_empty() {
        let text = if public {
            "tastytrade's list is empty right now."
        } else {
            "Add a symbol to start this list."
        };
        return view! { <Empty title="No symbols yet" text=text testid="watchlist-empty" /> }
            .into_any();
    }
    let busy = editor.busy();
    let rows = list
        .watchlist_entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let symbol = entry.symbol.clone();
            let kind = entry.instrument_type.as_ref().map(|k| {
                view! { <span class="kind" title=k.as_str().to_owned()>{k.short_label().to_owned()}</span> }
            });
            let remove = (!public).then(|| {
                let target = symbol.clone();
                let origin = Origin::Remove(symbol.clone());
                view! {
                    <button
                        type="button"
                        class="btn btn-ghost btn-sm"
                        aria-label=format!("Remove {symbol}")
                        aria-busy=move || busy.get().to_string()
                        data-testid="remove-symbol"
                        on:click=move |_| {
                            if busy.get_untracked() {
                                return;
                            }
                            if let Some(list) = editor.current() {
                                let request = edit::without_entry(&list, &target);
                                editor.save(request, Origin::Remove(target.clone()), || ());
                            }
                        }
                    >
                        "Remove"
                    </button>
                    {error_line(editor, origin, format!("wl-remove-error-{i}"), "remove-symbol-error")}
                }
            });
            view! {
                <li class="wl-entry" data-testid="watchlist-entry" data-symbol=entry.symbol.clone()>
                    <span class="wl-symbol">{entry.symbol.clone()}</span>
                    {kind}
                    {remove}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="wl-entries">{rows}</ul> }.into_any()
}

fn not_found(name: String) -> AnyView {
    view! {
        <div class="empty" data-testid="watchlist-not-found">
            <p class="empty-title">"Watchlist not found"</p>
            <p class="muted">{format!("There is no watchlist named “{name}”.")}</p>
            <a class="btn btn-secondary" href=Route::Watchlists.href()>"All watchlists"</a>
        </div>
    }
    .into_any()
}

/// "Delete watchlist", then an in-page confirmation. Focus moves to the confirmation, and back
/// to "Delete watchlist" when it is cancelled.
#[component]
fn DeleteWatchlist(editor: Editor) -> impl IntoView {
    let router = Router::expect();
    let confirming = RwSignal::new(false);
    let busy = editor.busy();
    let confirm_button = NodeRef::<html::Button>::new();
    let delete_button = NodeRef::<html::Button>::new();
    // Whether the person has been in the confirmation (the page load does not take focus).
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        let button = if confirming.get() {
            asked.set_value(true);
            confirm_button.get()
        } else {
            delete_button.get().filter(|_| asked.get_value())
        };
        if let Some(button) = button {
            let _ = button.focus();
        }
    });
    let name = editor.name.get_value();
    view! {
        <section class="card wl-danger" aria-label="Delete watchlist">
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="btn btn-secondary btn-danger"
                        node_ref=delete_button
                        data-testid="delete-watchlist"
                        on:click=move |_| confirming.set(true)
                    >
                        "Delete watchlist"
                    </button>
                }
            >
                <div class="wl-confirm" role="group" aria-labelledby="wl-confirm-text" data-testid="delete-confirm">
                    <p id="wl-confirm-text">
                        {format!("Delete “{name}”? Its symbols go with it. This can't be undone.")}
                    </p>
                    <div class="wl-confirm-actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-danger"
                            node_ref=confirm_button
                            aria-busy=move || busy.get().to_string()
                            data-testid="confirm-delete"
                            on:click=move |_| editor.delete(router)
                        >
                            {move || if busy.get() { "Deleting…" } else { "Delete" }}
                        </button>
                        <button
                            type="button"
                            class="btn btn-secondary"
                            data-testid="cancel-delete"
                            on:click=move |_| confirming.set(false)
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            </Show>
            {error_line(editor, Origin::Delete, "wl-delete-error".into(), "delete-watchlist-error")}
        </section>
    }
}

fn entries_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading symbols"></div> }
        .into_any()
}

#[component]
pub fn WatchlistPage(name: String, #[prop(optional)] public: bool) -> impl IntoView {
    let list = Query::new({
        let name = name.clone();
        move |signal| Some(fetch_list(&name, public, signal.as_ref()))
    });
    let editor = Editor {
        name: StoredValue::new(name.clone()),
        list,
        writes: Mutation::new(),
        failure: RwSignal::new(None),
    };
    let found = Memo::new(move |_| list.with_ok(Option::is_some).unwrap_or(false));
    let title = name.clone();
    view! {
        <a class="back-link" href=Route::Watchlists.href() data-testid="watchlists-back">"‹ Watchlists"</a>
        <div class="page-head">
            <h1 data-testid="watchlist-title">{title}</h1>
            {public.then(|| view! { <span class="badge wl-public-badge">"tastytrade"</span> })}
        </div>
        <Show when=move || found.get() && !public>
            <AddSymbol editor />
        </Show>
        <section class="card wl-section" aria-labelledby="wl-symbols" data-testid="watchlist-symbols">
            <h2 id="wl-symbols">
                "Symbols"
                {move || list.with_ok(|l| l.as_ref().map(|l| view! {
                    <span class="muted wl-count">{edit::count_label(l.watchlist_entries.len())}</span>
                })).flatten()}
            </h2>
            {loaded(list, entries_skeleton, move |found: &Option<Watchlist>| match found {
                Some(l) => entries_view(l, editor, public),
                None => not_found(editor.name.get_value()),
            })}
        </section>
        {public.then(|| view! {
            <p class="muted wl-note">"A list curated by tastytrade. It can't be changed here."</p>
        })}
        <Show when=move || found.get() && !public>
            <DeleteWatchlist editor />
        </Show>
    }
}
