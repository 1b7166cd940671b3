//! The stream's runtime glue: the quote token, the URL check, the socket, timers, the tab's
//! visibility and the market's hours around the pure [`Session`]. One per app, kept in a
//! thread-local (the browser runs the app on one thread); everything else reaches it through
//! [`with`].
//!
//! Lifecycle: nothing connects until a view holds a subscription. Then: fetch the token through
//! the worker (`GET /api/api-quote-tokens`; a session-ended answer ends the session as every
//! other call does), check its `dxlink-url` against the session's `dxlink-url-pattern`
//! (missing or not matching: refuse, never connect), open the socket and run the session. A
//! dead connection is retried with exponential backoff and jitter, with a new token when the
//! old one was refused; the token is renewed before it expires; the socket is closed once the
//! tab has been hidden for a minute and reopened when it is visible again. The token lives
//! only here, in memory: never in storage, a URL, the console or an error text.

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pocket_shared::dxlink::{MarketDataUrlPolicy, Subscription};
use pocket_shared::tastytrade::{ApiQuoteToken, MarketSession};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::VisibilityState;

use super::session::{renew_at, Input, Link, Session};
use super::socket::{Socket, SocketEvent};
use super::store::Store;
use super::subscriptions::Wanted;
use super::Status;
use crate::api::{self, ApiError};
use crate::data::backoff_secs;
use crate::state::{Auth, AuthState};

/// Close the socket after the tab has been hidden this long.
const HIDDEN_CLOSE_MS: i64 = 60_000;
/// Subscription changes are gathered this long, so a screen's views go in one message.
const FLUSH_DELAY: Duration = Duration::from_millis(50);
/// How often the market's state is asked again when the answer gives no time (or failed).
const MARKET_RECHECK_MS: i64 = 15 * 60_000;

thread_local! {
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

/// Runs `f` on the runtime; `None` when there is none (not provided) or it is busy.
pub(super) fn with<R>(f: impl FnOnce(&mut Runtime) -> R) -> Option<R> {
    RUNTIME.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

enum Phase {
    /// Nothing wanted, signed out, or the tab hidden.
    Idle,
    FetchingToken,
    Connected {
        socket: Socket,
        session: Box<Session>,
    },
    /// A retry is scheduled.
    Waiting {
        reason: String,
    },
    /// Closed because the tab is hidden.
    Paused,
    /// Will not connect (until the next sign-in).
    Refused {
        reason: String,
    },
}

pub(super) struct Runtime {
    /// Owns the store's signals (the app's root: they live as long as the app).
    pub(super) owner: Owner,
    auth: AuthState,
    pub(super) status: RwSignal<Status>,
    pub(super) store: Store,
    pub(super) wanted: Wanted,
    phase: Phase,
    /// The token and when to renew it (epoch ms).
    token: Option<(ApiQuoteToken, i64)>,
    /// Bumped whenever the phase changes: callbacks of an older socket, fetch or timer are
    /// ignored.
    generation: u32,
    /// Failed attempts in a row (the backoff's exponent).
    attempts: u32,
    hidden_since: Option<i64>,
    flush_scheduled: bool,
    /// Queued events are being applied, a slice per task.
    applying: bool,
    market_closed: bool,
    market_next_check: i64,
    ticker: Option<IntervalHandle>,
}

/// Creates the runtime under the current owner and follows the sign-in state.
pub fn provide() {
    let owner = Owner::current().unwrap_or_default();
    let auth = AuthState::expect();
    let status = RwSignal::new(Status::Idle);
    RUNTIME.with(|cell| {
        *cell.borrow_mut() = Some(Runtime {
            owner,
            auth,
            status,
            store: Store::default(),
            wanted: Wanted::default(),
            phase: Phase::Idle,
            token: None,
            generation: 0,
            attempts: 0,
            hidden_since: None,
            flush_scheduled: false,
            applying: false,
            market_closed: false,
            market_next_check: 0,
            ticker: None,
        })
    });
    watch_visibility();
    Effect::new(move |_| {
        let signed_in = matches!(auth.get(), Auth::SignedIn(_));
        with(|rt| {
            if signed_in {
                rt.ensure_running();
            } else {
                rt.stop();
            }
        });
    });
}

/// Keeps `hidden_since` current and resumes when the tab is visible again.
fn watch_visibility() {
    let update = || {
        let hidden = document().visibility_state() == VisibilityState::Hidden;
        with(|rt| {
            if !hidden {
                rt.hidden_since = None;
                rt.ensure_running();
            } else if rt.hidden_since.is_none() {
                rt.hidden_since = Some(now_ms());
            }
        });
    };
    update();
    let handler = Closure::<dyn Fn()>::new(update);
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", handler.as_ref().unchecked_ref());
    // The runtime lives as long as the page.
    handler.forget();
}

/// Holds `subscription` until the calling view is cleaned up.
#[inline(never)]
pub(super) fn hold(subscription: Subscription) {
    let held = subscription.clone();
    with(|rt| {
        if rt.wanted.acquire(subscription) {
            rt.schedule_flush();
        }
    });
    on_cleanup(move || release(held));
}

fn release(subscription: Subscription) {
    RUNTIME.with(|cell| match cell.try_borrow_mut() {
        Ok(mut runtime) => {
            if let Some(rt) = runtime.as_mut() {
                if rt.wanted.release(&subscription) {
                    rt.schedule_flush();
                }
            }
        }
        // A cleanup while the runtime is busy: release right after.
        Err(_) => set_timeout(move || release(subscription), Duration::ZERO),
    });
}

impl Runtime {
    fn signed_in(&self) -> bool {
        matches!(self.auth.get_untracked(), Auth::SignedIn(_))
    }

    /// Moves to `phase` (dropping a socket closes it) and returns the new generation.
    fn set_phase(&mut self, phase: Phase) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        self.phase = phase;
        if !matches!(self.phase, Phase::Connected { .. }) {
            if let Some(ticker) = self.ticker.take() {
                ticker.clear();
            }
        }
        self.publish();
        self.generation
    }

    /// Connects when something is wanted, the user is signed in and the tab is visible.
    fn ensure_running(&mut self) {
        if matches!(self.phase, Phase::Idle | Phase::Paused)
            && !self.wanted.is_empty()
            && self.hidden_since.is_none()
            && self.signed_in()
        {
            self.refresh_market(now_ms());
            match &self.token {
                Some((_, renew)) if now_ms() < *renew => self.connect(),
                _ => self.fetch_token(),
            }
        }
    }

    /// Signed out: close everything and forget the token.
    fn stop(&mut self) {
        self.token = None;
        self.attempts = 0;
        self.set_phase(Phase::Idle);
    }

    fn fetch_token(&mut self) {
        self.token = None;
        let generation = self.set_phase(Phase::FetchingToken);
        fetch(
            &["api-quote-tokens"],
            "",
            Box::new(move |rt, answer| rt.token_arrived(generation, answer)),
        );
    }

    #[inline(never)]
    fn token_arrived(&mut self, generation: u32, answer: Result<Value, ApiError>) {
        if generation != self.generation {
            return;
        }
        match answer.map(|data| ApiQuoteToken::from_json(&data)) {
            Ok(Some(token)) => {
                let renew = renew_at(&token, now_ms());
                self.token = Some((token, renew));
                self.connect();
            }
            // Never the body's text in a message: it holds the token.
            Ok(None) | Err(ApiError::Decode(_)) => {
                self.retry("The market-data token could not be read.".into(), None)
            }
            Err(e) => self.failed(e),
        }
    }

    /// A failed request: a session that ended ends the stream (and the app says so, as for
    /// every call); anything else is retried.
    fn failed(&mut self, error: ApiError) {
        match error {
            ApiError::SessionEnded { revoked } => {
                self.stop();
                self.auth.end(revoked);
            }
            ApiError::RateLimited { retry_after_secs } => {
                self.retry("tastytrade is busy.".into(), retry_after_secs)
            }
            e => self.retry(e.to_string(), None),
        }
    }

    /// Checks the token's URL against the session's pattern and opens the socket.
    #[inline(never)]
    fn connect(&mut self) {
        let Some((token, _)) = &self.token else {
            return self.fetch_token();
        };
        let pattern = match self.auth.get_untracked() {
            Auth::SignedIn(info) => info.dxlink_url_pattern,
            _ => None,
        };
        let url = token.dxlink_url.clone();
        let secret = token.token.clone();
        let refusal = match pattern.as_deref().map(MarketDataUrlPolicy::parse) {
            None => Some("This deployment allows no market-data address.".to_owned()),
            Some(Err(_)) => {
                Some("This deployment's market-data address pattern is invalid.".into())
            }
            Some(Ok(policy)) if !policy.allows(&url) => Some(format!(
                "The market-data address {} is not one this deployment allows ({}).",
                host_for_display(&url),
                pattern.as_deref().unwrap_or_default()
            )),
            Some(Ok(_)) => None,
        };
        if let Some(reason) = refusal {
            self.set_phase(Phase::Refused { reason });
            return;
        }
        let generation = self.set_phase(Phase::Idle);
        let on_event = Box::new(move |event| {
            with(|rt| rt.socket_event(generation, event));
        });
        match Socket::open(&url, on_event) {
            Ok(socket) => {
                self.phase = Phase::Connected {
                    socket,
                    session: Box::new(Session::new(secret)),
                };
                self.ticker = set_interval_with_handle(
                    || {
                        with(Runtime::tick);
                    },
                    Duration::from_secs(1),
                )
                .ok();
                self.publish();
            }
            Err(message) => self.retry(message, None),
        }
    }

    fn socket_event(&mut self, generation: u32, event: SocketEvent) {
        if generation != self.generation {
            return;
        }
        match event {
            SocketEvent::Opened => self.drive(Input::Opened),
            SocketEvent::Text(text) => self.drive(Input::Text(&text)),
            SocketEvent::Closed(_) => self.retry("The connection closed.".into(), None),
        }
    }

    /// Feeds the session and carries out what it asks.
    #[inline(never)]
    fn drive(&mut self, input: Input) {
        let Phase::Connected { socket, session } = &mut self.phase else {
            return;
        };
        let step = session.handle(now_ms(), input, &self.wanted);
        for text in step.send {
            socket.send(text);
        }
        if !step.events.is_empty() {
            self.store.queue(step.events);
            if !self.applying {
                self.apply_events();
            }
        }
        match step.link {
            Some(Link::Ended(ended)) => {
                if ended.needs_new_token() {
                    self.token = None;
                }
                self.retry(ended.describe(), None);
            }
            Some(link) => {
                if link == Link::Live {
                    self.attempts = 0;
                }
                self.publish();
            }
            None => {}
        }
    }

    /// Drops the connection and tries again after a backoff (never sooner than `retry_after`).
    fn retry(&mut self, reason: String, retry_after: Option<u32>) {
        self.attempts = self.attempts.saturating_add(1);
        let secs = backoff_secs(self.attempts, retry_after, js_sys::Math::random());
        let generation = self.set_phase(Phase::Waiting { reason });
        set_timeout(
            move || {
                with(|rt| {
                    if rt.generation == generation {
                        rt.set_phase(Phase::Idle);
                        rt.ensure_running();
                    }
                });
            },
            Duration::from_secs(secs.into()),
        );
    }

    /// Every second while connected: the session's clock, the hidden tab, token renewal.
    fn tick(&mut self) {
        let now = now_ms();
        if self
            .hidden_since
            .is_some_and(|since| now.saturating_sub(since) >= HIDDEN_CLOSE_MS)
        {
            self.set_phase(Phase::Paused);
            return;
        }
        if self.token.as_ref().is_some_and(|(_, renew)| now >= *renew) {
            // A new token, then a new connection (the subscriptions follow).
            self.set_phase(Phase::Idle);
            self.token = None;
            self.ensure_running();
            return;
        }
        self.refresh_market(now);
        self.drive(Input::Tick);
    }

    /// Applies a slice of the queued events now and the rest in later tasks (`store.rs`).
    fn apply_events(&mut self) {
        self.applying = self.store.apply_some();
        if self.applying {
            set_timeout(
                || {
                    with(Runtime::apply_events);
                },
                Duration::ZERO,
            );
        }
    }

    fn schedule_flush(&mut self) {
        if self.flush_scheduled {
            return;
        }
        self.flush_scheduled = true;
        set_timeout(
            || {
                with(|rt| {
                    rt.flush_scheduled = false;
                    if matches!(rt.phase, Phase::Connected { .. }) {
                        rt.drive(Input::WantedChanged);
                    } else {
                        rt.ensure_running();
                    }
                });
            },
            FLUSH_DELAY,
        );
    }

    /// Asks whether the equity market is open, when it is time to.
    fn refresh_market(&mut self, now: i64) {
        if now < self.market_next_check {
            return;
        }
        self.market_next_check = now.saturating_add(MARKET_RECHECK_MS);
        fetch(
            &["market-time", "sessions", "current"],
            "instrument-collections[]=Equity",
            Box::new(Runtime::market_arrived),
        );
    }

    fn market_arrived(&mut self, answer: Result<Value, ApiError>) {
        match answer.map(|data| MarketSession::from_json(&data)) {
            Ok(Some(session)) => {
                let now = now_ms();
                self.market_closed = session.is_closed();
                self.market_next_check = session
                    .next_change_ms()
                    .map_or(now.saturating_add(MARKET_RECHECK_MS), |at| {
                        at.clamp(now.saturating_add(60_000), now.saturating_add(3_600_000))
                    });
                self.publish();
            }
            Err(ApiError::SessionEnded { revoked }) => {
                self.stop();
                self.auth.end(revoked);
            }
            // Unknown: say nothing about the market; asked again later.
            _ => {}
        }
    }

    /// Derives the status line from the phase, the link and the market.
    fn publish(&self) {
        let status = match &self.phase {
            Phase::Idle => Status::Idle,
            Phase::FetchingToken => Status::Connecting,
            Phase::Connected { session, .. } => match session.link() {
                Link::Live | Link::Stale if self.market_closed => Status::MarketClosed,
                Link::Live => Status::Live,
                Link::Stale => Status::Stale,
                Link::Connecting | Link::Ended(_) => Status::Connecting,
            },
            Phase::Waiting { reason } => Status::Retrying {
                reason: reason.clone(),
            },
            Phase::Paused => Status::Paused,
            Phase::Refused { reason } => Status::Refused {
                reason: reason.clone(),
            },
        };
        if self.status.get_untracked() != status {
            self.status.set(status);
        }
    }
}

/// What to do with an answer's `data`; boxed so that [`fetch`]'s future is compiled once.
type Answer = Box<dyn FnOnce(&mut Runtime, Result<Value, ApiError>)>;

/// `GET /api/<parts>?<query>` through the app's API client, then `then` with the answer's
/// `data` (one copy of the request and its JSON parse for every answer the stream reads).
fn fetch(parts: &[&str], query: &str, then: Answer) {
    let request = api::get_text(parts, query);
    spawn_local(async move {
        let answer = request.await.and_then(|body| {
            let mut value: Value =
                serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))?;
            Ok(value
                .get_mut("data")
                .map(Value::take)
                .unwrap_or(Value::Null))
        });
        with(move |rt| then(rt, answer));
    });
}

/// `scheme://host[:port]` of `url` for a message (no userinfo, path or query), shortened.
fn host_for_display(url: &str) -> String {
    // Character patterns only: a `"://"` pattern would bring the substring searcher along.
    let (scheme, rest) = match url.split_once(':') {
        Some((scheme, rest)) => (scheme, rest.strip_prefix("//").unwrap_or(rest)),
        None => ("", url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rfind('@')
        .map_or(authority, |at| &authority[at + 1..]);
    let mut shown = format!("{scheme}://{host}");
    if shown.len() > 80 {
        let mut end = 80;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::host_for_display;

    #[test]
    fn refused_urls_are_shown_without_userinfo_path_or_query() {
        assert_eq!(
            host_for_display("wss://user:secret@evil.net:444/p?token=abc#x"),
            "wss://evil.net:444"
        );
        assert_eq!(
            host_for_display("wss://evil.net?token=abc"),
            "wss://evil.net"
        );
        assert_eq!(host_for_display("nonsense"), "://nonsense");
        let long = format!("wss://{}.net/", "é".repeat(100));
        let shown = host_for_display(&long);
        assert!(shown.ends_with('…') && shown.len() <= 84, "{shown}");
    }
}
