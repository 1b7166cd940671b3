//! One watchlist: its symbols, and for the person's own lists "Add symbol", remove per row and
//! "Delete watchlist" (confirmed in the page). One `Mutation` serves every write of the page,
//! so two edits never race to replace the list; a failure is shown next to what caused it.

use leptos::html;
use leptos::prelude::*;
use pocket_shared::tastytrade::{InstrumentType, SymbolParts, Watchlist, WatchlistRequest};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement};

use super::edit::{self, KINDS};
use super::field_value;
use super::live::{self, Sort};
use super::{clear_field, current_target, error_line, error_text, event_target, fetch_list};
use super::{nothing, set_busy, set_text, Saved};
use crate::api::{self, Method};
use crate::components::dom::{self, dom_view, El};
use crate::components::loaded;
use crate::data::{Mutation, Query};
use crate::instruments;
use crate::metrics::{self, Metrics};
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

    fn busy(&self) -> bool {
        self.writes.busy().get_untracked()
    }

    fn fail(&self, origin: Origin, message: String) {
        let _ = self.failure.try_set(Some((origin, message)));
    }

    /// `PUT`s `request` (the whole list); the screen then shows tastytrade's answer.
    /// `saved` runs once the list is saved (boxed: one copy of this for every caller).
    fn save(&self, request: WatchlistRequest, origin: Origin, saved: Box<dyn FnOnce()>) {
        let Ok(body) = serde_json::to_string(&request) else {
            return;
        };
        let this = *self;
        let write = self.name.with_value(|name| {
            api::write::<Watchlist>(Method::PUT, &["watchlists", name], Some(body))
        });
        let done: Saved = Box::new(move |result| match result {
            Ok(list) => {
                this.list.set(Some(list));
                saved();
            }
            Err(e) => this.fail(origin, error_text(&e)),
        });
        let started = self.writes.run(write, done);
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

/// What the page's handler ([`on_event`]) is given by each part it draws.
type Handler = Box<dyn Fn(&Event)>;

/// What drawing the list needs besides the list (`Copy`).
#[derive(Clone, Copy)]
struct Page {
    public: bool,
    editor: Editor,
    router: Router,
    sort: Signal<Sort>,
    metrics: Metrics,
}

/// A button of the page: what it does is in `data-action` (see [`on_event`]).
fn button(class: &str, text: &str, action: &str, testid: &str) -> El {
    El::leaf("button", class, text)
        .attr("type", "button")
        .attr("data-action", action)
        .attr("data-testid", testid)
}

/// "Add symbol": a symbol and its type.
fn add_form(handler: Handler) -> El {
    let symbol = El::new("input", "")
        .attr("id", "wl-symbol")
        .attr("name", "symbol")
        .attr("type", "text")
        .attr("autocomplete", "off")
        .attr("autocapitalize", "characters")
        .attr("spellcheck", "false")
        .attr("placeholder", "AAPL")
        .attr("aria-describedby", "wl-add-error")
        .attr("data-testid", "add-symbol-input");
    let options = KINDS
        .iter()
        .map(|k| El::leaf("option", "", k.as_str()).attr("value", k.as_str()));
    let kind = El::new("select", "")
        .attr("id", "wl-kind")
        .attr("name", "instrument-type")
        .attr("data-testid", "add-symbol-type")
        .children(options);
    let add = El::leaf("button", "btn btn-primary", "Add")
        .attr("type", "submit")
        .attr("aria-busy", "false")
        .attr("data-testid", "add-symbol-submit");
    let fields = El::new("div", "wl-fields")
        .child(
            El::new("div", "wl-field wl-field-symbol")
                .child(El::leaf("label", "", "Symbol").attr("for", "wl-symbol"))
                .child(symbol),
        )
        .child(
            El::new("div", "wl-field")
                .child(El::leaf("label", "", "Type").attr("for", "wl-kind"))
                .child(kind),
        )
        .child(add);
    El::new("form", "card wl-form wl-add")
        .attr("novalidate", "")
        .attr("aria-label", "Add symbol")
        .child(fields)
        .child(error_line("wl-add-error", "add-symbol-error"))
        .on(&["submit"], handler)
}

/// "Delete watchlist", and its confirmation (hidden until asked for).
fn delete_section(name: &str, handler: Handler) -> El {
    let question = format!("Delete “{name}”? Its symbols go with it. This can't be undone.");
    let confirm = button(
        "btn btn-primary btn-danger",
        "Delete",
        "delete",
        "confirm-delete",
    )
    .attr("aria-busy", "false");
    let actions = El::new("div", "wl-confirm-actions")
        .child(confirm)
        .child(button(
            "btn btn-secondary",
            "Cancel",
            "cancel",
            "cancel-delete",
        ));
    let confirmation = El::new("div", "wl-confirm")
        .attr("role", "group")
        .attr("aria-labelledby", "wl-confirm-text")
        .attr("data-testid", "delete-confirm")
        .attr("hidden", "")
        .child(El::leaf("p", "", &question).attr("id", "wl-confirm-text"))
        .child(actions);
    let ask = button(
        "btn btn-secondary btn-danger",
        "Delete watchlist",
        "ask",
        "delete-watchlist",
    );
    El::new("section", "card wl-danger")
        .attr("aria-label", "Delete watchlist")
        .child(ask)
        .child(confirmation)
        .child(error_line("wl-delete-error", "delete-watchlist-error"))
        .on(&["click"], handler)
}

/// The message of `failure` if it came from `origin` (`""` otherwise).
fn error_of<'a>(failure: Option<&'a (Origin, String)>, origin: &Origin) -> &'a str {
    match failure {
        Some((o, message)) if o == origin => message,
        _ => "",
    }
}

fn busy_text(busy: bool) -> &'static str {
    if busy {
        "true"
    } else {
        "false"
    }
}

/// The symbols, live, each with "Remove" and the line for its error on the person's own lists
/// (drawn with the page's current state; [`show_state`] follows it from then on).
fn entries(
    list: &Watchlist,
    page: &Page,
    streamers: Option<&[(String, String)]>,
    busy: bool,
    failure: Option<&(Origin, String)>,
) -> El {
    if list.watchlist_entries.is_empty() {
        let text = if page.public {
            "tastytrade's list is empty right now."
        } else {
            "Add a symbol to start this list."
        };
        return dom::empty("No symbols yet", text, "watchlist-empty");
    }
    let mut drawn = Vec::with_capacity(list.watchlist_entries.len());
    let rows: Vec<El> = list
        .watchlist_entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let symbol = &entry.symbol;
            let kind = entry
                .instrument_type
                .as_ref()
                .map(|k| El::leaf("span", "kind", k.short_label()).attr("title", k.as_str()));
            let (sub, figs, cells) = live::row_parts();
            // An option reads as `AAPL 260 Call` and its expiration, as in positions.
            let parts = SymbolParts::parse(symbol);
            let name = El::new("div", "wl-name")
                .child(
                    El::leaf("a", "wl-symbol", &parts.title())
                        .attr("href", &Route::Quote(symbol.clone()).href())
                        .attr("data-testid", "watchlist-quote-link"),
                )
                .maybe(kind)
                .maybe(
                    parts
                        .subtitle()
                        .map(|s| El::leaf("span", "wl-sub-title muted", &s)),
                )
                .child(sub);
            let row = El::new("li", "wl-entry")
                .attr("data-testid", "watchlist-entry")
                .attr("data-symbol", symbol)
                .child(name)
                .child(figs);
            drawn.push(live::DrawnRow {
                symbol: symbol.clone(),
                streamer: instruments::streamer_symbol(symbol, streamers),
                element: row.element(),
                cells,
            });
            if page.public {
                return row;
            }
            let remove = button("btn btn-ghost btn-sm", "Remove", "remove", "remove-symbol")
                .attr("aria-label", &format!("Remove {symbol}"))
                .attr("aria-busy", busy_text(busy));
            let error = error_line(&format!("wl-remove-error-{i}"), "remove-symbol-error")
                .text(error_of(failure, &Origin::Remove(symbol.clone())));
            row.child(remove).child(error)
        })
        .collect();
    let (editor, router) = (page.editor, page.router);
    let list_el = El::new("ul", "wl-entries")
        .children(rows)
        .on(&["click"], Box::new(move |e| on_event(e, editor, router)));
    live::keep_live(drawn, list_el.element(), page.sort, page.metrics);
    list_el
}

/// The order picker (`?sort=`).
fn sort_control(current: Sort, router: Router) -> El {
    let options = live::SORTS.into_iter().map(|s| {
        let option = El::leaf("option", "", s.label()).attr("value", s.param());
        if s == current {
            option.attr("selected", "")
        } else {
            option
        }
    });
    El::new("label", "wl-sort")
        .text("Sort")
        .child(
            El::new("select", "")
                .attr("data-testid", "watchlist-sort")
                .children(options),
        )
        .on(
            &["change"],
            Box::new(move |e| {
                if let Some(select) = event_target(e) {
                    router.set_query(&[("sort", dom::value(&select))]);
                }
            }),
        )
}

/// `Symbols`, with the count of symbols once the list is in.
fn heading(count: Option<usize>) -> El {
    let count = count.map(|n| El::leaf("span", "muted wl-count", &edit::count_label(n)));
    El::new("h2", "")
        .attr("id", "wl-symbols")
        .text("Symbols")
        .maybe(count)
}

fn not_found(name: &str) -> El {
    let text = format!("There is no watchlist named “{name}”.");
    dom::empty("Watchlist not found", &text, "watchlist-not-found").child(
        El::leaf("a", "btn btn-secondary", "All watchlists")
            .attr("href", &Route::Watchlists.href()),
    )
}

/// The busy state of every write button, and the last failure next to what caused it.
fn show_state(page: &Element, busy: bool, failure: Option<&(Origin, String)>) {
    let error = |origin: &Origin| error_of(failure, origin);
    set_busy(page, "[data-testid=add-symbol-submit]", busy, None);
    set_text(page, "#wl-add-error", error(&Origin::Add));
    set_busy(
        page,
        "[data-testid=confirm-delete]",
        busy,
        Some(("Deleting…", "Delete")),
    );
    set_text(page, "#wl-delete-error", error(&Origin::Delete));
    let mut row = dom::find(page, ".wl-entries").and_then(|list| list.first_element_child());
    while let Some(r) = row {
        let symbol = r.get_attribute("data-symbol").unwrap_or_default();
        set_busy(&r, "button", busy, None);
        set_text(&r, ".form-error", error(&Origin::Remove(symbol)));
        row = r.next_element_sibling();
    }
}

/// "Delete watchlist" shows the confirmation (`asking`), "Cancel" hides it; focus moves to
/// what is shown.
fn ask(section: &Element, asking: bool) {
    let (Some(ask), Some(confirmation)) = (
        dom::find(section, "[data-testid=delete-watchlist]"),
        dom::find(section, "[data-testid=delete-confirm]"),
    ) else {
        return;
    };
    let _ = ask.toggle_attribute_with_force("hidden", asking);
    let _ = confirmation.toggle_attribute_with_force("hidden", !asking);
    let focus = if asking {
        dom::find(&confirmation, "[data-action=delete]")
    } else {
        Some(ask)
    };
    if let Some(button) = focus.and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
        let _ = button.focus();
    }
}

/// "Add symbol" was sent: the symbol is checked here, then the list with it is saved.
fn add(form: &Element, editor: Editor) {
    let Some(list) = editor.current() else {
        return;
    };
    let symbol = field_value(form, "#wl-symbol");
    let kind = InstrumentType::from_wire(&field_value(form, "#wl-kind"));
    match edit::with_entry(&list, &symbol, kind) {
        Ok(request) => {
            let form = form.clone();
            let clear = move || clear_field(&form, "#wl-symbol");
            editor.save(request, Origin::Add, Box::new(clear));
        }
        Err(message) => editor.fail(Origin::Add, message),
    }
}

/// Every button and form of the page: the add form's submit, and clicks in the list and the
/// delete section (`e`'s current target is the form, list or section).
fn on_event(e: &Event, editor: Editor, router: Router) {
    let (Some(target), Some(part)) = (event_target(e), current_target(e)) else {
        return;
    };
    if e.type_() == "submit" {
        e.prevent_default();
        if !editor.busy() {
            add(&part, editor);
        }
        return;
    }
    let Some(button) = target.closest("[data-action]").ok().flatten() else {
        return;
    };
    match button.get_attribute("data-action").as_deref() {
        Some("remove") if !editor.busy() => {
            let row = button.closest("[data-symbol]").ok().flatten();
            let symbol = row.and_then(|r| r.get_attribute("data-symbol"));
            if let (Some(list), Some(symbol)) = (editor.current(), symbol) {
                let request = edit::without_entry(&list, &symbol);
                editor.save(request, Origin::Remove(symbol), Box::new(|| ()));
            }
        }
        Some("ask") => ask(&part, true),
        Some("cancel") => ask(&part, false),
        Some("delete") => editor.delete(router),
        _ => {}
    }
}

fn entries_skeleton() -> AnyView {
    view! { <div class="skeleton sk-rows" role="status" aria-label="Loading symbols"></div> }
        .into_any()
}

#[component]
pub(super) fn WatchlistPage(name: String, #[prop(optional)] public: bool) -> impl IntoView {
    let router = Router::expect();
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
    // The person's own list, once it is in: it can be changed.
    let editable = Memo::new(move |_| !public && list.with_ok(Option::is_some).unwrap_or(false));
    let busy = editor.writes.busy();
    let page = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let busy = busy.get();
        if let Some(page) = page.get() {
            editor
                .failure
                .with(|failure| show_state(&page, busy, failure.as_ref()));
        }
    });
    let handler = move |e: &Event| on_event(e, editor, router);
    let sort = Memo::new(move |_| live::Sort::from_param(router.query("sort").as_deref()));
    let symbols = move || {
        list.with_ok(|found| {
            let entries = &found.as_ref()?.watchlist_entries;
            Some(entries.iter().map(|e| e.symbol.clone()).collect())
        })
        .flatten()
    };
    let metrics = metrics::query(symbols);
    let streamers = instruments::lookup(symbols);
    let drawing = Page {
        public,
        editor,
        router,
        sort: sort.into(),
        metrics,
    };
    // Drawn again once the futures' streamer symbols are known (only lists holding futures
    // wait for them).
    let symbols = dom_view(move || {
        let busy = busy.get_untracked();
        let lookup = list.with_ok(|found| {
            let entries = &found.as_ref()?.watchlist_entries;
            entries
                .iter()
                .any(|e| instruments::needs_lookup(&e.symbol))
                .then(|| streamers.with(|s| s.and_then(Result::ok).cloned()))
        });
        let looked_up = lookup.flatten().flatten();
        list.with_ok(|found| match found {
            Some(l) => editor.failure.with_untracked(|failure| {
                entries(l, &drawing, looked_up.as_deref(), busy, failure.as_ref())
            }),
            None => editor.name.with_value(|name| not_found(name)),
        })
    });
    let sort_picker = move || {
        let shown = list.with_ok(|l| l.as_ref().is_some_and(|l| l.watchlist_entries.len() > 1));
        shown
            .unwrap_or(false)
            .then(|| sort_control(sort.get_untracked(), router))
    };
    let count = move || list.with_ok(|l| l.as_ref().map(|l| l.watchlist_entries.len()));
    view! {
        <div class="wl-page" node_ref=page>
            <a class="back-link" href=Route::Watchlists.href() data-testid="watchlists-back">"‹ Watchlists"</a>
            <div class="page-head">
                <h1 data-testid="watchlist-title">{name.clone()}</h1>
                {public.then(|| view! { <span class="badge wl-public-badge">"tastytrade"</span> })}
            </div>
            {dom_view(move || editable.get().then(|| add_form(Box::new(handler))))}
            <section class="card wl-section" aria-labelledby="wl-symbols" data-testid="watchlist-symbols">
                <div class="wl-section-head">
                    {dom_view(move || Some(heading(count().flatten())))}
                    {dom_view(sort_picker)}
                </div>
                {loaded(list, entries_skeleton, nothing)}
                {symbols}
            </section>
            {public.then(|| view! {
                <p class="muted wl-note">"A list curated by tastytrade. It can't be changed here."</p>
            })}
            {dom_view(move || {
                editable
                    .get()
                    .then(|| editor.name.with_value(|n| delete_section(n, Box::new(handler))))
            })}
        </div>
    }
}
