//! Order notifications from tastytrade's account streamer, through the worker's relay at
//! `/api/account-streamer` (docs/contracts.md, Worker; docs/tastytrade.md §6.12): the page never
//! holds the access token — the worker puts it into every message. The ticket follows its order
//! here as tastytrade announces each change; polling the order stays as the fallback when the
//! socket is down.

use std::time::Duration;

use leptos::prelude::*;
use pocket_shared::bff::ACCOUNT_STREAMER_PATH;
use pocket_shared::tastytrade::Order;
use send_wrapper::SendWrapper;

use crate::stream::socket::{Socket, SocketEvent};

/// tastytrade's JS SDK sends a heartbeat every 20 s; so does the app.
const HEARTBEAT: Duration = Duration::from_secs(20);

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

/// A notification's order, if the frame is one (`{"type":"Order","data":{…}}`).
pub fn order_of(frame: &str) -> Option<Order> {
    let value: serde_json::Value = serde_json::from_str(frame).ok()?;
    if value.get("type")?.as_str()? != "Order" {
        return None;
    }
    serde_json::from_value(value.get("data")?.clone()).ok()
}

/// Listens to `account`'s orders while the calling view lives; `connected` says whether the
/// socket is up (the ticket polls more slowly then).
pub fn listen(account: String, on_order: impl Fn(Order) + 'static, connected: RwSignal<bool>) {
    let Some(url) = relay_url() else {
        return;
    };
    let request_id = StoredValue::new(1u32);
    let socket: StoredValue<Option<SendWrapper<Socket>>, LocalStorage> =
        StoredValue::new_local(None);
    let send = move |action: &str, value: Option<serde_json::Value>| {
        let id = request_id.try_update_value(|n| {
            *n += 1;
            *n
        });
        let mut message = serde_json::json!({ "action": action, "request-id": id });
        if let Some(v) = value {
            message["value"] = v;
        }
        socket.with_value(|s| {
            if let Some(s) = s {
                s.send(message.to_string());
            }
        });
    };
    let on_event = move |event: SocketEvent| match event {
        SocketEvent::Opened => {
            connected.try_set(true);
            send("connect", Some(serde_json::json!([account.clone()])));
        }
        SocketEvent::Text(text) => {
            if let Some(order) = order_of(&text) {
                on_order(order);
            }
        }
        SocketEvent::Closed => {
            connected.try_set(false);
        }
    };
    match Socket::open(&url, Box::new(on_event)) {
        Ok(s) => socket.set_value(Some(SendWrapper::new(s))),
        Err(_) => return,
    }
    let heartbeat = set_interval_with_handle(move || send("heartbeat", None), HEARTBEAT).ok();
    on_cleanup(move || {
        if let Some(h) = heartbeat {
            h.clear();
        }
        socket.set_value(None);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_notifications_and_the_rest() {
        // docs/tastytrade.md §6.12: `{"type","data","timestamp"}`.
        let frame =
            r#"{"type":"Order","data":{"id":950000001,"status":"Live","legs":[]},"timestamp":1}"#;
        assert_eq!(order_of(frame).and_then(|o| o.id), Some(950000001));
        for other in [
            r#"{"type":"AccountBalance","data":{}}"#,
            r#"{"status":"ok","action":"heartbeat"}"#,
            r#"{"type":"Order","data":"nonsense"}"#,
            "not json",
        ] {
            assert!(order_of(other).is_none(), "{other}");
        }
    }
}
