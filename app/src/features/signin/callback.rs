//! `/callback`: where tastytrade sends the browser back with `code` + `state` (or `error`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::flow::{self as auth, CallbackDecision, ProviderError};
use super::sign_in_button;
use crate::api::{self, ApiError};
use crate::components::dom::{find, set_or_remove_attr, set_text, watch, El};
use crate::components::{center_page, splash_body};
use crate::data::SeedSlot;
use crate::router::{Route, Router};
use crate::state::{Auth, AuthState};
use pocket_shared::bff::SignedIn;

/// Why the callback could not sign the user in; each has its own fixed message. Nothing from
/// the callback URL is ever shown (anyone can craft one): provider codes map to [`ProviderError`].
#[derive(Debug, Clone, PartialEq)]
enum Failure {
    Denied,
    StateMismatch,
    MissingCode,
    Provider(ProviderError),
    ExchangeFailed(String),
}

impl Failure {
    /// `data-reason`, for tests and support.
    fn reason(&self) -> &'static str {
        match self {
            Failure::Denied => "denied",
            Failure::StateMismatch => "state-mismatch",
            Failure::MissingCode => "missing-code",
            Failure::Provider(_) => "provider-error",
            Failure::ExchangeFailed(_) => "exchange-failed",
        }
    }

    /// `data-provider-code`: the mapped code (one of this app's fixed strings).
    fn provider_code(&self) -> Option<&'static str> {
        match self {
            Failure::Provider(error) => Some(error.code()),
            _ => None,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Failure::Denied => "Sign-in was cancelled",
            Failure::StateMismatch => "This sign-in response was not accepted",
            Failure::MissingCode => "tastytrade did not send a sign-in code",
            Failure::Provider(_) => "tastytrade reported a problem",
            Failure::ExchangeFailed(_) => "Sign-in could not be completed",
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Denied => "You declined access on tastytrade's page, so this app \
                                cannot show your accounts. You can try again at any time."
                .into(),
            Failure::StateMismatch => "The response did not match a sign-in started in this \
                                       browser tab — it may have expired, been used already, \
                                       or come from somewhere else. It was ignored for your \
                                       safety. Please start again."
                .into(),
            Failure::MissingCode => "The response from tastytrade was incomplete. Please \
                                     start again."
                .into(),
            Failure::Provider(error) => provider_message(*error).into(),
            Failure::ExchangeFailed(detail) => format!(
                "tastytrade's sign-in code could not be exchanged for a session ({detail}). \
                 Codes are single-use and expire quickly — please sign in again."
            ),
        }
    }
}

fn provider_message(error: ProviderError) -> &'static str {
    match error {
        ProviderError::TemporarilyUnavailable | ProviderError::ServerError => {
            "tastytrade's sign-in is having trouble right now. Please try again in a few minutes."
        }
        ProviderError::InvalidScope => {
            "tastytrade did not accept the access this app asks for. Please try again; if it \
             keeps happening, the app's OAuth client needs its scopes checked."
        }
        ProviderError::UnauthorizedClient | ProviderError::UnsupportedResponseType => {
            "tastytrade does not allow this app to sign in this way. The app's OAuth client \
             settings need to be checked."
        }
        ProviderError::InvalidRequest | ProviderError::Other => {
            "tastytrade could not complete the sign-in. Please try again."
        }
    }
}

/// How many times a rate-limited sign-in waits and goes again before giving up.
const MAX_RATE_LIMIT_WAITS: u32 = 3;

/// Exchanges the code; a 429 is waited out (counting down in `waiting`) and the same code sent
/// again. Safe: the worker's limiter answers before any token request, so the code is unspent.
async fn exchange_waiting_out_limits(
    code: String,
    verifier: Option<String>,
    waiting: RwSignal<Option<u32>>,
) -> Result<SignedIn, ApiError> {
    let mut waits = 0;
    loop {
        match api::exchange(code.clone(), verifier.clone()).await {
            Err(ApiError::RateLimited { retry_after_secs }) if waits < MAX_RATE_LIMIT_WAITS => {
                waits += 1;
                let secs = retry_after_secs
                    .unwrap_or(api::DEFAULT_RETRY_AFTER_SECS)
                    .max(1);
                for left in (1..=secs).rev() {
                    waiting.set(Some(left));
                    sleep_ms(1000).await;
                }
                waiting.set(None);
            }
            other => return other,
        }
    }
}

/// Resolves after `ms` milliseconds (a `setTimeout` promise; no timer crate needed).
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().is_some_and(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
pub fn CallbackPage() -> impl IntoView {
    let auth_state = AuthState::expect();
    let router = Router::expect();
    let seeds = SeedSlot::expect();
    let failure = RwSignal::new(None::<Failure>);
    let waiting = RwSignal::new(None::<u32>);

    // Read the parameters, strip them from the address bar, and consume the stored
    // transaction — all before anything else can happen.
    let params = auth::read_and_strip_callback_params();
    let txn = auth::take_transaction();
    match auth::decide(&params, txn.as_ref(), js_sys::Date::now() as i64) {
        CallbackDecision::Exchange {
            code,
            verifier,
            return_to,
        } => {
            spawn_local(async move {
                match exchange_waiting_out_limits(code, verifier, waiting).await {
                    Ok(signed_in) if signed_in.session.signed_in => {
                        // The first screen's data came with the sign-in: no further round trip.
                        seeds.put(signed_in.bootstrap);
                        auth_state.set(Auth::SignedIn(signed_in.session));
                        router.replace(&return_to.unwrap_or_else(|| Route::Home.href()));
                    }
                    Ok(_) => failure.set(Some(Failure::ExchangeFailed(
                        "no session was created".into(),
                    ))),
                    Err(e) => failure.set(Some(Failure::ExchangeFailed(e.to_string()))),
                }
            });
        }
        CallbackDecision::Denied => failure.set(Some(Failure::Denied)),
        CallbackDecision::StateMismatch => failure.set(Some(Failure::StateMismatch)),
        CallbackDecision::MissingCode => failure.set(Some(Failure::MissingCode)),
        CallbackDecision::ProviderError(error) => failure.set(Some(Failure::Provider(error))),
    }

    // One page whose content follows the outcome; the countdown only changes its number.
    let page = center_page();
    let root = page.element();
    watch(move || {
        let failure = failure.get();
        let secs = waiting.get();
        set_or_remove_attr(&root, "aria-busy", failure.is_none().then_some("true"));
        let content = match (&failure, secs) {
            (Some(f), _) => failure_el(f),
            (None, Some(secs)) => {
                let left = format!("{secs} s");
                if let Some(count) = find(&root, "[data-testid=signin-waiting] strong") {
                    set_text(&count, &left);
                    return;
                }
                waiting_el(&left)
            }
            (None, None) => splash_body("Signing you in…"),
        };
        root.set_text_content(None);
        let _ = root.append_with_node_1(&content.element());
    });
    page.into_view()
}

/// Waiting out the sign-in limit: `left` is the time left.
fn waiting_el(left: &str) -> El {
    let text = El::new("p", "")
        .text(
            "This app limits sign-in attempts to protect its connection to tastytrade. Your \
             sign-in is kept and continues in ",
        )
        .child(El::leaf("strong", "", left))
        .text(".");
    El::new("section", "card narrow")
        .attr("data-testid", "signin-waiting")
        .attr("role", "status")
        .child(El::leaf("h1", "", "Many sign-ins from your network"))
        .child(text)
}

fn failure_el(f: &Failure) -> El {
    let section = El::new("section", "card narrow auth-error")
        .attr("data-testid", "auth-error")
        .attr("data-reason", f.reason());
    let section = match f.provider_code() {
        Some(code) => section.attr("data-provider-code", code),
        None => section,
    };
    section
        .attr("role", "alert")
        .child(El::leaf("h1", "", f.title()))
        .child(El::leaf("p", "", &f.message()))
        .child(sign_in_button("retry-signin", "Try again"))
        .child(El::leaf("a", "btn btn-ghost btn-block", "Back to start").attr("href", "/"))
}
