//! The signed-in screen: accounts, the selected account's balances and positions.

use leptos::prelude::*;
use pocket_shared::bff::SessionInfo;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::VisibilityState;

use crate::api::{self, ApiError};
use crate::components::{
    AccountSwitcher, AllBalances, BalancesHeadline, ErrorPanel, PositionsPanel, TopBar,
};
use crate::format;
use crate::remote::Remote;
use crate::state::AuthState;

/// The id of an account's tab in the switcher (the tab panel is labelled by it).
pub fn tab_id(account_number: &str) -> String {
    format!("account-tab-{account_number}")
}

// Every state of the dashboard has exactly one `<main>` with an `<h1>` (the landmark and
// heading screen-reader users jump to).

fn dashboard_skeleton() -> impl IntoView {
    view! {
        <main class="layout" aria-busy="true">
            <h1 class="sr-only">"Loading your accounts"</h1>
            <div class="skeleton sk-accounts"></div>
            <div class="skeleton sk-panel"></div>
        </main>
    }
}

/// Calls `f` when the document becomes visible again after being hidden, until the calling
/// view is cleaned up. (leptos-use's `use_document_visibility` does this too; these few lines
/// avoid its event-listener and watch machinery in the bundle.)
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

#[component]
pub fn Dashboard(session: SessionInfo) -> impl IntoView {
    let auth = AuthState::expect();
    // Bumped by the refresh button and when the tab becomes visible again; balances and
    // positions re-fetch while their previous values stay on screen.
    let refresh = RwSignal::new(0u32);
    let selection = RwSignal::new(None::<String>);
    // Spinner on the refresh button until the balances are back.
    let refreshing = RwSignal::new(false);
    let updated_at = RwSignal::new(None::<f64>);

    let accounts = Remote::new(move |signal| {
        let request = api::accounts(signal.as_ref());
        Some(async move { auth.check(request.await) })
    });

    // Every account's balances, in parallel, so each account tab can show its value.
    let balances: Remote<AllBalances> = Remote::new(move |signal| {
        refresh.track();
        let numbers: Option<Vec<String>> = accounts.with(|state| match state {
            Some(Ok(list)) => Some(
                list.iter()
                    .map(|a| a.account.account_number.clone())
                    .collect(),
            ),
            _ => None,
        });
        let Some(numbers) = numbers else {
            // No account list (yet): nothing to load, nothing to spin for.
            refreshing.set(false);
            return None;
        };
        // One request per account, awaited together so they run concurrently.
        let calls: Vec<_> = numbers
            .iter()
            .map(|number| api::balances(number, signal.as_ref()))
            .collect();
        Some(async move {
            let results = futures::future::join_all(calls).await;
            let all: AllBalances = numbers.into_iter().zip(results).collect();
            // Superseded by a newer run: that one reports (and stops the spinner).
            if all.iter().any(|(_, r)| matches!(r, Err(ApiError::Aborted))) {
                return Err(ApiError::Aborted);
            }
            refreshing.set(false);
            if let Some(revoked) = all.iter().find_map(|(_, r)| match r {
                Err(ApiError::SessionEnded { revoked }) => Some(*revoked),
                _ => None,
            }) {
                auth.end(revoked);
                return Err(ApiError::SessionEnded { revoked });
            }
            updated_at.set(Some(js_sys::Date::now()));
            Ok(all)
        })
    });

    // The selected account: the user's pick if it exists, else the first account.
    let selected = Memo::new(move |_| {
        let wanted = selection.get();
        accounts.with(|state| {
            let list = state.as_ref()?.as_ref().ok()?;
            wanted
                .filter(|w| list.iter().any(|a| &a.account.account_number == w))
                .or_else(|| list.first().map(|a| a.account.account_number.clone()))
        })
    });

    let do_refresh = move || {
        if accounts.with(|state| matches!(state, Some(Err(_)))) {
            accounts.reload();
        }
        refreshing.set(true);
        refresh.update(|n| *n += 1);
    };
    let on_refresh = Callback::new(move |_| do_refresh());

    // Phones: coming back to the tab shows fresh numbers (no pull-to-refresh in installed PWAs).
    on_visible_again(do_refresh);

    let updated = Signal::derive(move || {
        updated_at
            .get()
            .map(|ms| format!("Updated {}", format::time_of_day(ms)))
    });
    let on_select = Callback::new(move |number: String| selection.set(Some(number)));
    let retry_accounts = Callback::new(move |_: ()| accounts.reload());
    let retry_balances = Callback::new(move |_: ()| balances.reload());

    let body = move || {
        accounts.with(|state| match state {
            None => dashboard_skeleton().into_any(),
            Some(Err(error)) => {
                let error = error.clone();
                view! {
                    <main class="layout">
                        <h1 class="sr-only">"Your accounts"</h1>
                        <ErrorPanel error retry=retry_accounts />
                    </main>
                }
                .into_any()
            }
            Some(Ok(list)) if list.is_empty() => view! {
                <main class="center-page">
                    <section class="card narrow empty" data-testid="accounts-empty">
                        <h1 class="empty-title">"No accounts"</h1>
                        <p class="muted">"This login has no tastytrade accounts to show."</p>
                    </section>
                </main>
            }
            .into_any(),
            Some(Ok(list)) => {
                let list = list.clone();
                let names: Vec<(String, String)> = list
                    .iter()
                    .map(|a| (a.account.account_number.clone(), a.account.display_name()))
                    .collect();
                // "Individual": the selected account's name, for the page heading.
                let heading = move || {
                    let number = selected.get();
                    names
                        .iter()
                        .find(|(n, _)| Some(n) == number.as_ref())
                        .map(|(_, name)| name.clone())
                        .unwrap_or_else(|| "Your accounts".into())
                };
                view! {
                    <div class="layout">
                        <nav class="accounts-pane" aria-label="Accounts">
                            <AccountSwitcher accounts=list selected on_select balances />
                        </nav>
                        // One <main> landmark; the tab panel is a plain element inside it (a
                        // `role` on <main> would both break the landmark and fail
                        // aria-allowed-role).
                        <main class="content">
                            <h1 class="sr-only">{heading}</h1>
                            <div
                                class="content"
                                id="account-panel"
                                role="tabpanel"
                                aria-labelledby=move || selected.get().map(|n| tab_id(&n))
                            >
                                <BalancesHeadline account=selected balances retry=retry_balances />
                                {move || {
                                    selected
                                        .get()
                                        .map(|account| view! { <PositionsPanel account refresh /> })
                                }}
                            </div>
                        </main>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <div class="app-shell">
            <TopBar environment=session.environment on_refresh refreshing updated />
            {body}
        </div>
    }
}
