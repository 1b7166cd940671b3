//! The frame around every signed-in screen: the header, the account switcher, the navigation
//! (a bottom tab bar on phones, a side column on desktops; one element, placed by CSS) and the
//! current screen in the one `<main>`.

mod accounts;
mod guard;
mod nav;
mod topbar;

use leptos::prelude::*;
use pocket_shared::bff::SessionInfo;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::VisibilityState;

use crate::app::Online;
use crate::components::{ErrorPanel, NotFound};
use crate::data::{Data, SeedSlot};
use crate::features::{activity, history, orders, positions, watchlists};
use crate::router::{Route, Router};
use accounts::AccountSwitcher;
pub use guard::SignedInGuard;
use nav::Nav;
use topbar::TopBar;

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

/// The screen for `route`. `account` is the account the account screens show.
fn screen(route: Route) -> AnyView {
    match route {
        Route::Positions(account) => view! { <positions::PositionsPage account /> }.into_any(),
        Route::Orders(account) => view! { <orders::OrdersPage account /> }.into_any(),
        Route::Order(account, id) => view! { <orders::OrderPage account id /> }.into_any(),
        Route::Activity(account) => view! { <activity::ActivityPage account /> }.into_any(),
        Route::History(account) => view! { <history::HistoryPage account /> }.into_any(),
        Route::Watchlists => view! { <watchlists::WatchlistsPage /> }.into_any(),
        Route::Watchlist(name) => view! { <watchlists::WatchlistPage name /> }.into_any(),
        Route::PublicWatchlist(name) => {
            view! { <watchlists::WatchlistPage name public=true /> }.into_any()
        }
        // `/` redirects to the first account's positions once the accounts are known.
        Route::Home => view! {
            <h1 class="sr-only">"Loading your accounts"</h1>
            <div class="skeleton sk-panel" aria-busy="true"></div>
        }
        .into_any(),
        Route::Callback | Route::NotFound => view! { <NotFound /> }.into_any(),
    }
}

/// Shown instead of an account screen for an account this login does not have.
fn unknown_account() -> AnyView {
    view! {
        <section class="card empty" data-testid="unknown-account">
            <h1 class="empty-title">"Account not found"</h1>
            <p class="muted">"This login has no account with that number."</p>
            <a class="btn btn-secondary" href="/">"Go to your accounts"</a>
        </section>
    }
    .into_any()
}

#[component]
pub fn Shell(session: SessionInfo) -> impl IntoView {
    let data = Data::provide(SeedSlot::expect().take());
    let router = Router::expect();
    let route = Memo::new(move |_| router.route());

    // The account the account screens show: the one in the address, else the last one shown,
    // else the first account.
    let last_account = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(n) = route.with(|r| r.account().map(str::to_owned)) {
            last_account.set(Some(n));
        }
    });
    let current_account = Memo::new(move |_| {
        last_account
            .get()
            .or_else(|| data.account_numbers()?.into_iter().next())
    });
    // `/` goes to the first account's positions as soon as the accounts are known.
    Effect::new(move |_| {
        if route.get() == Route::Home {
            if let Some(first) = data.account_numbers().and_then(|n| n.into_iter().next()) {
                router.replace(&Route::Positions(first).href());
            }
        }
    });

    // Phones: coming back to the tab shows fresh numbers (no pull-to-refresh in installed PWAs);
    // so does coming back online.
    on_visible_again(move || data.refresh.now());
    let online = expect_context::<Online>().0;
    Effect::new(move |was_online: Option<bool>| {
        let now = online.get();
        if was_online == Some(false) && now {
            data.refresh.now();
        }
        now
    });

    // An account screen waits for the account list, so a mistyped number says so plainly.
    let outlet = move || {
        let r = route.get();
        let Some(account) = r.account().map(str::to_owned) else {
            return screen(r);
        };
        data.accounts.with(|state| match state {
            None => screen(Route::Home),
            Some(Err(error)) => {
                let error = error.clone();
                view! {
                    <h1 class="sr-only">"Your accounts"</h1>
                    <ErrorPanel error retry=Callback::new(move |_| data.accounts.reload()) />
                }
                .into_any()
            }
            Some(Ok(list)) if list.iter().any(|a| a.account.account_number == account) => screen(r),
            Some(Ok(_)) => unknown_account(),
        })
    };
    let on_account_screen = Memo::new(move |_| route.with(|r| r.account().is_some()));

    view! {
        <div class="app-shell">
            <TopBar environment=session.environment account=current_account />
            <div class="layout">
                <Show when=move || on_account_screen.get()>
                    <nav class="accounts-pane" aria-label="Accounts">
                        <div class="account-list">
                            <AccountSwitcher current=current_account route />
                        </div>
                    </nav>
                </Show>
                <Nav account=current_account route />
                <main class="content" id="content">
                    {outlet}
                </main>
            </div>
        </div>
    }
}
