//! The account streamer WebSocket (docs/tastytrade.md §6.12, also how the SDKs speak it) at
//! `/account-streamer`: JSON messages
//! `{action, value, auth-token: "Bearer …", request-id}`, acks with a
//! `web-socket-session-id`, and `Order`, `AccountBalance`, `CurrentPosition` notifications
//! for the connected accounts, each a full object with a `timestamp`.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use crate::state::SimState;

pub async fn upgrade(ws: WebSocketUpgrade, State(sim): State<SimState>) -> Response {
    ws.on_upgrade(move |socket| serve(socket, sim))
}

struct Conn {
    session_id: String,
    accounts: Vec<String>,
}

fn ack(conn: &Conn, action: &str, request_id: &Value, extra: Value) -> Value {
    let mut msg = json!({
        "status": "ok",
        "action": action,
        "web-socket-session-id": conn.session_id,
    });
    if let (Some(m), Some(e)) = (msg.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    if !request_id.is_null() {
        msg["request-id"] = request_id.clone();
    }
    msg
}

fn refusal(conn: &Conn, action: &str, request_id: &Value, message: &str) -> Value {
    let mut msg = json!({
        "status": "error",
        "action": action,
        "web-socket-session-id": conn.session_id,
        "message": message,
    });
    if !request_id.is_null() {
        msg["request-id"] = request_id.clone();
    }
    msg
}

/// One client message → its ack (every message carries the access token, checked each time,
/// so a token that expired since `connect` is refused from then on).
fn handle(sim: &SimState, conn: &mut Conn, text: &str) -> Value {
    let Ok(msg) = serde_json::from_str::<Value>(text) else {
        return refusal(conn, "", &Value::Null, "invalid message");
    };
    let action = msg["action"].as_str().unwrap_or_default().to_owned();
    let rid = msg.get("request-id").cloned().unwrap_or(Value::Null);
    let token = msg["auth-token"].as_str().unwrap_or_default();
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let Some(session) = sim.authenticate(token) else {
        return refusal(
            conn,
            &action,
            &rid,
            "Unauthorized: the token is missing, invalid or expired",
        );
    };
    match action.as_str() {
        "connect" | "account-subscribe" => {
            let wanted: Vec<String> = match &msg["value"] {
                Value::String(s) => vec![s.clone()],
                Value::Array(list) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            if wanted.is_empty() {
                return refusal(conn, &action, &rid, "value: account numbers are required");
            }
            if wanted
                .iter()
                .any(|n| crate::api::own_account(sim, &session, n).is_none())
            {
                return refusal(conn, &action, &rid, "User not permitted access");
            }
            for n in &wanted {
                if !conn.accounts.contains(n) {
                    conn.accounts.push(n.clone());
                }
            }
            ack(conn, &action, &rid, json!({ "value": wanted }))
        }
        // Heartbeats only after a connect (docs/tastytrade.md §6.12: `not implemented`).
        "heartbeat" if conn.accounts.is_empty() => refusal(conn, &action, &rid, "not implemented"),
        "heartbeat"
        | "public-watchlists-subscribe"
        | "quote-alerts-subscribe"
        | "user-message-subscribe" => ack(conn, &action, &rid, json!({})),
        _ => refusal(conn, &action, &rid, "not implemented"),
    }
}

/// How often an open socket works the live orders, so fills reach it while nobody reads REST.
const WORK_EVERY: Duration = Duration::from_millis(200);

async fn serve(mut socket: WebSocket, sim: SimState) {
    let (mut notices, mut drops) = {
        let broker = sim.broker_slot();
        (broker.notices.subscribe(), broker.drops.subscribe())
    };
    let mut work = tokio::time::interval_at(tokio::time::Instant::now() + WORK_EVERY, WORK_EVERY);
    let mut conn = Conn {
        session_id: format!("{:08x}", rand::random::<u32>()),
        accounts: Vec::new(),
    };
    loop {
        tokio::select! {
            // Without a close frame, as a network drop would end it.
            _ = drops.recv() => return,
            _ = work.tick() => {
                if !conn.accounts.is_empty() {
                    // Works the orders; what fills goes out through `notices`.
                    drop(sim.trading());
                }
            }
            incoming = socket.recv() => {
                let reply = match incoming {
                    Some(Ok(Message::Text(text))) => handle(&sim, &mut conn, text.as_str()),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                if socket.send(Message::Text(reply.to_string().into())).await.is_err() {
                    return;
                }
            }
            notice = notices.recv() => {
                let (account, msg) = match notice {
                    Ok(n) => n,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                if !conn.accounts.contains(&account) {
                    continue;
                }
                if socket.send(Message::Text(msg.to_string().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// `POST /sim/account-streamer/drop-sockets`: every account streamer socket ends at once without
/// a close frame, as in a network drop → `{"dropped": N}`.
pub async fn drop_sockets(State(sim): State<SimState>) -> Response {
    let dropped = {
        let broker = sim.broker_slot();
        broker.drops.send(()).unwrap_or(0)
    };
    crate::respond::json_response(axum::http::StatusCode::OK, &json!({ "dropped": dropped }))
}
