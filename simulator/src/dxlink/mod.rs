//! The DXLink market-data WebSocket at `/dxlink` (docs/contracts.md, simulator § DXLink),
//! faithful to the protocol as the SDKs use it (docs/tastytrade.md §6.9): it answers the
//! client's SETUP with its own and an unsolicited `AUTH_STATE UNAUTHORIZED`, accepts AUTH
//! before or after, serves per-type channels and mixed ones, COMPACT and FULL, and keeps
//! quiet clients alive with KEEPALIVE.

mod connection;
mod events;
mod feed;
mod registry;

use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::time::{interval, sleep_until, MissedTickBehavior};

pub use registry::Registry;

use crate::state::SimState;
use connection::{error, Connection, Reply};

/// Largest client message the server reads: bigger ones close the socket with 1009, as
/// tastytrade does with oversized subscriptions (docs/tastytrade.md §6.9). 1 MiB: the
/// 2,500-symbol chunks seen to work fit, the 49,000-symbol message seen to fail doesn't.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// What the WebSocket layer itself accepts; between the two the server closes with 1009.
const TRANSPORT_LIMIT: usize = 16 << 20;
/// How often a socket looks for data to send (each channel still waits its aggregation
/// period between batches).
const FLUSH_EVERY: Duration = Duration::from_millis(25);

pub async fn upgrade(ws: WebSocketUpgrade, State(sim): State<SimState>) -> Response {
    ws.max_message_size(TRANSPORT_LIMIT)
        .max_frame_size(TRANSPORT_LIMIT)
        .on_upgrade(move |socket| serve(socket, sim))
}

fn at(instant: Instant) -> tokio::time::Instant {
    tokio::time::Instant::from_std(instant)
}

/// Turns one text frame into replies.
fn receive(sim: &SimState, conn: &mut Connection, text: &str, now: Instant) -> Vec<Reply> {
    if text.len() > MAX_MESSAGE_BYTES {
        return vec![Reply::Close(1009, "Message too big")];
    }
    let Ok(msg) = serde_json::from_str::<Value>(text) else {
        return vec![Reply::Send(error(0, "INVALID_MESSAGE", "Not JSON"))];
    };
    let delay = Duration::from_millis(sim.market().control.auth_delay_ms);
    conn.handle(
        &msg,
        now,
        |token| sim.quote_grant(token).map(|g| g.customer_id),
        delay,
    )
}

/// The data due on every channel (nothing while the feed is paused).
fn flush(sim: &SimState, conn: &mut Connection, now: Instant) -> (Vec<Reply>, u64) {
    if !conn.authorized() || conn.channels.is_empty() {
        return (Vec::new(), 0);
    }
    let market = sim.market();
    if market.control.paused {
        return (Vec::new(), 0);
    }
    let mut replies = Vec::new();
    let mut events = 0;
    for (id, channel) in conn.channels.iter_mut() {
        let (messages, n) = channel.flush(*id, &market, now);
        replies.extend(messages.into_iter().map(Reply::Send));
        events += n;
    }
    (replies, events)
}

async fn serve(mut socket: WebSocket, sim: SimState) {
    let registry = sim.dxlink();
    let handle = registry.open();
    let mut dropped = handle.dropped.clone();
    let mut conn = Connection::new(Instant::now());
    let mut ticker = interval(FLUSH_EVERY);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        let pending_auth = match conn.auth {
            connection::Auth::Pending { at, .. } => Some(at),
            _ => None,
        };
        let far = Instant::now() + Duration::from_secs(3600);
        let mut events = 0;
        let replies = tokio::select! {
            // A network drop: no close frame.
            _ = dropped.changed() => return,
            msg = socket.recv() => {
                let now = Instant::now();
                match msg {
                    None | Some(Ok(Message::Close(_))) => return,
                    Some(Err(e)) => {
                        // The WebSocket layer refused a frame over its own limit.
                        if e.to_string().contains("too long") {
                            let _ = close(&mut socket, 1009, "Message too big").await;
                        }
                        return;
                    }
                    Some(Ok(frame)) => {
                        conn.last_received = now;
                        handle.update(|s| s.messages_received += 1);
                        match frame {
                            Message::Text(text) => receive(&sim, &mut conn, text.as_str(), now),
                            Message::Binary(_) => vec![Reply::Send(error(
                                0,
                                "INVALID_MESSAGE",
                                "DXLink messages are JSON text",
                            ))],
                            _ => Vec::new(),
                        }
                    }
                }
            }
            _ = ticker.tick() => {
                let (replies, n) = flush(&sim, &mut conn, Instant::now());
                events = n;
                replies
            }
            _ = sleep_until(at(conn.keepalive_due())) => {
                vec![Reply::Send(json!({ "type": "KEEPALIVE", "channel": 0 }))]
            }
            _ = sleep_until(at(conn.client_deadline())) => {
                let silent = conn.last_received.elapsed().as_millis();
                vec![
                    Reply::Send(error(0, "TIMEOUT", &format!("No keepalive received for {silent}ms"))),
                    Reply::Close(1000, "Keepalive timeout"),
                ]
            }
            _ = sleep_until(at(pending_auth.unwrap_or(far))), if pending_auth.is_some() => {
                conn.finish_auth(Instant::now()).map(Reply::Send).into_iter().collect()
            }
        };
        let mut sent = 0;
        for reply in replies {
            match reply {
                Reply::Send(msg) => {
                    if socket
                        .send(Message::Text(msg.to_string().into()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                    sent += 1;
                    conn.last_sent = Instant::now();
                }
                Reply::Close(code, reason) => {
                    handle.update(|s| s.messages_sent += sent);
                    let _ = close(&mut socket, code, reason).await;
                    return;
                }
            }
        }
        let (authorized, channels, subscriptions) =
            (conn.authorized(), conn.channels.len(), conn.subscriptions());
        let (adds, duplicates) = (conn.add_requests, conn.duplicate_adds);
        handle.update(|s| {
            s.messages_sent += sent;
            s.events_sent += events;
            s.authorized = authorized;
            s.channels = channels;
            s.subscriptions = subscriptions;
            s.add_requests = adds;
            s.duplicate_adds = duplicates;
        });
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) -> Result<(), axum::Error> {
    socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await
}
