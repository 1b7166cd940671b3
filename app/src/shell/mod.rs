//! The frame around every signed-in screen: the header, the account switcher, the navigation
//! (a bottom tab bar on phones, a side column on desktops; one element, placed by CSS) and the
//! current screen in the one `<main>`.

mod accounts;
mod guard;
mod nav;
mod notices;
mod topbar;

use leptos::prelude::*;
use pocket_shared::bff::SessionInfo;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::VisibilityState;

use crate::api::ApiError;
use crate::app::Online;
use crate::components::dom::{watch, El};
use crate::components::lazy::{lazy_screen, Skeleton};
use crate::components::{error_panel, not_found};
use crate::data::{Data, SeedSlot};
use crate::features::{activity, history, orders, positions, quote, trade, watchlists};
use crate::router::{Route, Router};
use crate::stream::account::AccountStream;
use accounts::account_pane;
pub use guard::SignedInGuard;
use nav::nav;
use topbar::top_bar;

/// Calls `f` when the document becomes visible again after being hidden, until the calling
/// view is cleaned up. (leptos-use's `use_document_visibility` does this too; these few lines
/// avoid its machinery in the bundle.)
fn on_visible_again(f: impl Fn() + 'static) {
    let handler = Closure::<dyn Fn()>::new(move || {
        if document().visibility_state() == VisibilityState::Visible {
            f();
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", handler.as_ref().unchecked_ref());
    let handler = SendWrapper::new(handler);
    on_cleanup(move || {
        let _ = document().remove_event_listener_with_callback(
            "visibilitychange",
            handler.as_ref().unchecked_ref(),
        );
    });
}

/// How old the account data must be for a tab shown again to fetch it anew.
const REFRESH_ON_VISIBLE_AFTER_MS: f64 = 15_000.0;

/// The account the account screens show (the one in the address, else the last one shown, else
/// the first): where a ticket opened from a quote or a chain trades.
#[derive(Clone, Copy)]
pub struct CurrentAccount(pub Memo<Option<String>>);

/// What the frame's `<main>` shows.
#[derive(Clone, PartialEq)]
enum Outlet {
    Screen(Route),
    /// The account list could not load.
    Failed(ApiError),
    UnknownAccount,
}

/// Two sibling elements as one view (the page's parts are the frame's grid items).
fn pair(first: El, second: El) -> AnyView {
    (first.into_view(), second.into_view()).into_any()
}

/// A screen-reader heading and what stands in for the screen.
fn titled(title: &str, body: El) -> AnyView {
    pair(El::leaf("h1", "sr-only", title), body)
}

/// What a list screen shows while its code downloads.
const LIST_SKELETON: Skeleton = Skeleton {
    class: "sk-rows",
    what: "the list",
};

/// The screen for `route`. `account` is the account the account screens show.
fn screen(route: Route) -> AnyView {
    match route {
        Route::Positions(account) => view! { <positions::PositionsPage account /> }.into_any(),
        // Screens a first visit does not open: their code downloads when they are first
        // opened (components/lazy.rs).
        Route::Orders(account) => lazy_screen(LIST_SKELETON, move || {
            Box::pin(orders::orders_screen(account.clone()))
        }),
        Route::Order(account, id) => lazy_screen(
            Skeleton {
                class: "sk-panel",
                what: "the order",
            },
            move || Box::pin(orders::order_screen(account.clone(), id)),
        ),
        Route::Activity(account) => lazy_screen(LIST_SKELETON, move || {
            Box::pin(activity::activity_screen(account.clone()))
        }),
        Route::History(account) => lazy_screen(
            Skeleton {
                class: "sk-chart",
                what: "history",
            },
            move || Box::pin(history::history_screen(account.clone())),
        ),
        Route::Watchlists => {
            lazy_screen(LIST_SKELETON, || Box::pin(watchlists::watchlists_screen()))
        }
        Route::Watchlist(name) => lazy_screen(LIST_SKELETON, move || {
            Box::pin(watchlists::watchlist_screen(name.clone(), false))
        }),
        Route::PublicWatchlist(name) => lazy_screen(LIST_SKELETON, move || {
            Box::pin(watchlists::watchlist_screen(name.clone(), true))
        }),
        Route::Quote(symbol) => lazy_screen(
            Skeleton {
                class: "sk-panel",
                what: "the quote",
            },
            move || Box::pin(quote::quote_screen(symbol.clone())),
        ),
        Route::Search => lazy_screen(
            Skeleton {
                class: "sk-rows",
                what: "search",
            },
            || Box::pin(trade::search_screen()),
        ),
        Route::Chain(symbol) => lazy_screen(
            Skeleton {
                class: "sk-rows",
                what: "the option chain",
            },
            move || Box::pin(trade::chain_screen(symbol.clone())),
        ),
        Route::Trade(account) => lazy_screen(
            Skeleton {
                class: "sk-panel",
                what: "the order ticket",
            },
            move || Box::pin(trade::ticket_screen(account.clone())),
        ),
        // `/` redirects to the first account's positions once the accounts are known.
        Route::Home => titled(
            "Loading your accounts",
            El::new("div", "skeleton sk-panel").attr("aria-busy", "true"),
        ),
        Route::Callback | Route::NotFound => not_found().into_view().into_any(),
    }
}

/// Shown instead of an account screen for an account this login does not have.
fn unknown_account() -> AnyView {
    El::new("section", "card empty")
        .attr("data-testid", "unknown-account")
        .child(El::leaf("h1", "empty-title", "Account not found"))
        .child(El::leaf(
            "p",
            "muted",
            "This login has no account with that number.",
        ))
        .child(El::leaf("a", "btn btn-secondary", "Go to your accounts").attr("href", "/"))
        .into_view()
        .into_any()
}

#[component]
pub fn Shell(session: SessionInfo) -> impl IntoView {
    let data = Data::provide(SeedSlot::expect().take());
    let router = Router::expect();
    let route = router.route_memo();

    // The account the account screens show: the one in the address, else the last one shown,
    // else the first account.
    let last_account = RwSignal::new(None::<String>);
    watch(move || {
        if let Some(n) = route.with(|r| r.account().map(str::to_owned)) {
            last_account.set(Some(n));
        }
    });
    let current_account = Memo::new(move |_| {
        last_account
            .get()
            .or_else(|| data.account_numbers()?.into_iter().next())
    });
    provide_context(CurrentAccount(current_account));
    // `/` goes to the first account's positions as soon as the accounts are known.
    watch(move || {
        if route.get() == Route::Home {
            if let Some(first) = data.account_numbers().and_then(|n| n.into_iter().next()) {
                router.replace(&Route::Positions(first).href());
            }
        }
    });

    // Phones: coming back to the tab shows fresh numbers (no pull-to-refresh in installed PWAs)
    // when they are older than a few seconds (live prices keep flowing anyway); so does coming
    // back online.
    on_visible_again(move || data.refresh.now_if_older_than(REFRESH_ON_VISIBLE_AFTER_MS));
    let online = expect_context::<Online>().0;
    // Orders, positions and balances as tastytrade announces them, on every screen.
    let account_numbers = Memo::new(move |_| data.account_numbers());
    let stream = AccountStream::provide(account_numbers, online, data.refresh);
    let toasts = notices::follow_notifications(stream, data);
    let was_online = StoredValue::new(online.get_untracked());
    watch(move || {
        let now = online.get();
        if !was_online.get_value() && now {
            data.refresh.now();
        }
        was_online.set_value(now);
    });

    // An account screen waits for the account list, so a mistyped number says so plainly. A
    // screen is drawn anew only when what it shows changes (not when a refresh brings the
    // same accounts again: it refreshes its own data, keeping what is typed and focused).
    let shown = Memo::new(move |_| {
        let r = route.get();
        let Some(account) = r.account() else {
            return Outlet::Screen(r);
        };
        data.accounts.with(|state| match state {
            None => Outlet::Screen(Route::Home),
            Some(Err(error)) => Outlet::Failed(error.clone()),
            Some(Ok(list)) if list.iter().any(|a| a.account.account_number == account) => {
                Outlet::Screen(r.clone())
            }
            Some(Ok(_)) => Outlet::UnknownAccount,
        })
    });
    let outlet = move || match shown.get() {
        Outlet::Screen(r) => screen(r),
        Outlet::Failed(error) => titled(
            "Your accounts",
            error_panel(&error, Box::new(move || data.accounts.reload())),
        ),
        Outlet::UnknownAccount => unknown_account(),
    };

    // The accounts are beside (above, on phones) the account screens only.
    let on_account_screen = Memo::new(move |_| route.with(|r| r.account().is_some()));
    let pane = account_pane(on_account_screen, current_account, route);
    let nav = nav(current_account, route);
    let layout = El::new("div", "layout");
    let (layout_element, pane_element, nav_element) =
        (layout.element(), pane.element(), nav.element());
    watch(move || {
        if on_account_screen.get() {
            if pane_element.parent_node().is_none() {
                let _ = layout_element.insert_before(&pane_element, Some(&nav_element));
            }
        } else {
            pane_element.remove();
        }
    });
    let main = El::new("main", "content")
        .attr("id", "content")
        .mount(outlet.into_any());
    El::new("div", "app-shell")
        .child(top_bar(session.environment, current_account))
        .child(layout.child(nav).child(main))
        .child(toasts)
        .into_view()
}
