//! tastytrade's account streamer for the whole signed-in app, through the worker's relay at
//! `/api/account-streamer` (docs/contracts.md, Worker; docs/tastytrade.md §6.12). The page never
//! holds the access token: the worker writes it into every message.
//!
//! One socket for all of the login's accounts while signed in. It reconnects with backoff and
//! jitter when it drops (at once when the browser comes back online) and, after such a gap, asks
//! the app to refresh, since what was announced meanwhile is lost. A close with 4001 means the
//! session ended (signed out elsewhere): the app says so instead of reconnecting.
//!
//! Views [`AccountStream::listen`] to what they follow: the ticket its order, the Orders screen
//! its working orders, the shell fills (positions, balances and a notice).

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use pocket_shared::bff::{ACCOUNT_STREAMER_PATH, SIGNED_OUT_CLOSE_CODE};
use serde_json::Value;

use super::socket::{Socket, SocketEvent};
use crate::data::{backoff_secs, Refresh};
use crate::state::AuthState;

/// tastytrade's JS SDK sends a heartbeat every 20 s; so does the app.
const HEARTBEAT: Duration = Duration::from_secs(20);

/// One notification: `{"type": …, "data": {…, "account-number": …}, "timestamp": …}`.
pub struct Notice<'a> {
    /// `Order`, `CurrentPosition`, `AccountBalance`, …
    pub kind: &'a str,
    pub account: &'a str,
    pub data: &'a Value,
}

impl<'a> Notice<'a> {
    /// The notification in a frame, if it is one (acks and heartbeats are not).
    pub fn of(frame: &'a Value) -> Option<Notice<'a>> {
        let data = frame.get("data")?;
        Some(Notice {
            kind: frame.get("type")?.as_str()?,
            account: data.get("account-number")?.as_str()?,
            data,
        })
    }

    /// A field of the data as text (`"status"`, …).
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.data.get(key)?.as_str()
    }

    /// The data as a model (an `Order`, `Balances`, …), if it is one.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(self.data).ok()
    }
}

type Listener = Rc<dyn Fn(&Notice)>;

/// The connection's bookkeeping (one per signed-in app).
#[derive(Default)]
struct Link {
    socket: Option<Socket>,
    accounts: Vec<String>,
    /// Failed connections in a row (the backoff's exponent).
    attempts: u32,
    /// A connection was up before: the next one follows a gap.
    was_up: bool,
    /// Bumped on every new connection or stop, so a stale retry timer does nothing.
    generation: u32,
    request_id: u32,
    /// The session ended: no more connections.
    ended: bool,
}

/// The app-wide account streamer (`Copy`; provided by the signed-in shell).
#[derive(Clone, Copy)]
pub struct AccountStream {
    connected: RwSignal<bool>,
    listeners: StoredValue<Vec<(u32, Listener)>, LocalStorage>,
    next_listener: StoredValue<u32>,
    link: StoredValue<Link, LocalStorage>,
    refresh: Refresh,
    auth: AuthState,
}

impl AccountStream {
    /// Connects for `accounts` once they are known (again when they change) until the calling
    /// owner (the signed-in shell) is cleaned up; `online` brings a dropped socket back at once.
    pub fn provide(
        accounts: Memo<Option<Vec<String>>>,
        online: RwSignal<bool>,
        refresh: Refresh,
    ) -> Self {
        let stream = AccountStream {
            connected: RwSignal::new(false),
            listeners: StoredValue::new_local(Vec::new()),
            next_listener: StoredValue::new(0),
            link: StoredValue::new_local(Link::default()),
            refresh,
            auth: AuthState::expect(),
        };
        provide_context(stream);
        Effect::new(move |_| {
            let Some(list) = accounts.get() else {
                return;
            };
            let changed = stream
                .link
                .try_update_value(|l| {
                    let changed = l.accounts != list;
                    l.accounts = list;
                    changed
                })
                .unwrap_or(false);
            if changed {
                stream.link.update_value(|l| l.attempts = 0);
                stream.connect();
            }
        });
        Effect::new(move |_| {
            let idle = stream.link.with_value(|l| l.socket.is_none() && !l.ended);
            if online.get() && idle {
                stream.link.update_value(|l| l.attempts = 0);
                stream.connect();
            }
        });
        let heartbeat = set_interval_with_handle(
            move || {
                stream.send("heartbeat", None);
            },
            HEARTBEAT,
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = heartbeat {
                h.clear();
            }
            stream.link.try_update_value(|l| {
                l.ended = true;
                l.generation = l.generation.wrapping_add(1);
                l.socket = None;
            });
        });
        stream
    }

    pub fn expect() -> Self {
        expect_context::<AccountStream>()
    }

    /// Whether the socket is up and subscribed (the ticket polls less often then).
    pub fn connected(&self) -> Signal<bool> {
        self.connected.into()
    }

    /// Calls `f` with every notification while the calling view lives.
    pub fn listen(&self, f: impl Fn(&Notice) + 'static) {
        let id = self
            .next_listener
            .try_update_value(|n| {
                *n = n.wrapping_add(1);
                *n
            })
            .unwrap_or_default();
        self.listeners
            .update_value(|list| list.push((id, Rc::new(f) as Listener)));
        let listeners = self.listeners;
        on_cleanup(move || {
            listeners.try_update_value(|list| list.retain(|(n, _)| *n != id));
        });
    }

    /// Opens a new connection (dropping the one there is) for the current accounts.
    fn connect(self) {
        let Some(url) = relay_url() else {
            return;
        };
        let generation = self.link.try_update_value(|l| {
            l.generation = l.generation.wrapping_add(1);
            l.socket = None;
            (!l.ended && !l.accounts.is_empty()).then_some(l.generation)
        });
        let Some(generation) = generation.flatten() else {
            return;
        };
        self.connected.set(false);
        let on_event = Box::new(move |event: SocketEvent| {
            if self.link.with_value(|l| l.generation) == generation {
                self.on_event(event);
            }
        });
        match Socket::open(&url, on_event) {
            Ok(socket) => self.link.update_value(|l| l.socket = Some(socket)),
            Err(_) => self.retry_later(generation),
        }
    }

    fn on_event(self, event: SocketEvent) {
        match event {
            SocketEvent::Opened => {
                let accounts = self.link.with_value(|l| l.accounts.clone());
                let list = serde_json::to_string(&accounts).unwrap_or_else(|_| "[]".into());
                self.send("connect", Some(&list));
            }
            SocketEvent::Text(text) => self.on_text(&text),
            SocketEvent::Closed(code) => {
                self.connected.set(false);
                let generation = self.link.with_value(|l| l.generation);
                self.link.update_value(|l| l.socket = None);
                if code == SIGNED_OUT_CLOSE_CODE {
                    self.link.update_value(|l| l.ended = true);
                    self.auth.end(false);
                } else {
                    self.retry_later(generation);
                }
            }
        }
    }

    fn on_text(self, text: &str) {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if frame.get("action").and_then(Value::as_str) == Some("connect") {
            if frame.get("status").and_then(Value::as_str) == Some("ok") {
                let gap = self.link.try_update_value(|l| {
                    l.attempts = 0;
                    std::mem::replace(&mut l.was_up, true)
                });
                self.connected.set(true);
                if gap == Some(true) {
                    self.refresh.now();
                }
            }
            return;
        }
        let Some(notice) = Notice::of(&frame) else {
            return;
        };
        // A copy of the list: a listener may end a view (and so remove listeners).
        let listeners: Vec<Listener> = self
            .listeners
            .with_value(|list| list.iter().map(|(_, f)| f.clone()).collect());
        for listener in listeners {
            listener(&notice);
        }
    }

    /// Tries again after a backoff, unless something newer happened meanwhile; offline, the
    /// `online` effect reconnects instead.
    fn retry_later(self, generation: u32) {
        let attempts = self
            .link
            .try_update_value(|l| {
                l.attempts = l.attempts.saturating_add(1);
                l.attempts
            })
            .unwrap_or(1);
        let secs = backoff_secs(attempts.saturating_sub(1), None, js_sys::Math::random());
        set_timeout(
            move || {
                let current = self
                    .link
                    .try_with_value(|l| l.generation == generation && l.socket.is_none())
                    .unwrap_or(false);
                if current && window().navigator().on_line() {
                    self.connect();
                }
            },
            Duration::from_secs(secs.into()),
        );
    }

    /// Sends `{"action", "request-id", "value"}` (`value` already JSON); the relay adds the
    /// token.
    fn send(self, action: &'static str, value: Option<&str>) {
        self.link.try_update_value(|l| {
            l.request_id = l.request_id.wrapping_add(1);
            if let Some(socket) = &l.socket {
                socket.send(message(action, l.request_id, value));
            }
        });
    }
}

/// A message to the streamer, written out by hand: `json!` would bring serde_json's value
/// serializer into the first-visit wasm for two fixed shapes. `action` is one of ours (no
/// escaping needed).
fn message(action: &'static str, request_id: u32, value: Option<&str>) -> String {
    match value {
        Some(v) => format!(r#"{{"action":"{action}","request-id":{request_id},"value":{v}}}"#),
        None => format!(r#"{{"action":"{action}","request-id":{request_id}}}"#),
    }
}

/// The relay's address on this origin (`wss:` under `https:`).
fn relay_url() -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!(
        "{scheme}://{}{ACCOUNT_STREAMER_PATH}",
        location.host().ok()?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_json() {
        let connect: Value =
            serde_json::from_str(&message("connect", 2, Some(r#"["5WT00001","5WT0\"2"]"#)))
                .unwrap();
        assert_eq!(connect["action"], "connect");
        assert_eq!(connect["request-id"], 2);
        assert_eq!(connect["value"][1], "5WT0\"2");
        let heartbeat: Value = serde_json::from_str(&message("heartbeat", 3, None)).unwrap();
        assert_eq!(
            heartbeat,
            serde_json::json!({"action": "heartbeat", "request-id": 3})
        );
    }

    #[test]
    fn notices_and_the_rest() {
        // docs/tastytrade.md §6.12: `{"type","data","timestamp"}`.
        let frame: Value = serde_json::from_str(
            r#"{"type":"Order","data":{"id":950000001,"account-number":"5WT00001","status":"Live"},"timestamp":1}"#,
        )
        .unwrap();
        let notice = Notice::of(&frame).expect("a notice");
        assert_eq!(
            (notice.kind, notice.account, notice.text("status")),
            ("Order", "5WT00001", Some("Live"))
        );
        for other in [
            r#"{"status":"ok","action":"heartbeat"}"#,
            r#"{"type":"Order","data":"nonsense"}"#,
            r#"{"type":"Order","data":{"id":1}}"#,
            r#"{"data":{"account-number":"5WT00001"}}"#,
        ] {
            let frame: Value = serde_json::from_str(other).unwrap();
            assert!(Notice::of(&frame).is_none(), "{other}");
        }
    }
}
