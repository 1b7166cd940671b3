//! DXLink connection level: both handshake orders, bad tokens, the auth delay, keepalives
//! both ways, the size cap and dropped sockets.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::wsclient::*;

#[tokio::test]
async fn python_order_setup_then_auth_on_unauthorized() {
    let live = Live::start().await;
    let token = live.quote_token().await;
    let mut c = live.client().await;
    c.setup(60, 60).await;
    let setup = c.recv_type("SETUP").await;
    assert_eq!(setup["channel"], 0);
    assert!(setup["version"].as_str().unwrap().starts_with("1.0-"));
    assert_eq!(setup["keepaliveTimeout"], 60.0);
    // Unsolicited: tastyware sends AUTH only when it sees this.
    let state = c.next_within(WAIT).await.unwrap();
    assert_eq!(state["type"], "AUTH_STATE");
    assert_eq!(state["state"], "UNAUTHORIZED");
    c.send(json!({"type": "AUTH", "channel": 0, "token": token}))
        .await;
    let authorized = c.recv_type("AUTH_STATE").await;
    assert_eq!(authorized["state"], "AUTHORIZED");
    assert_eq!(authorized["userId"], "C0000001");
}

#[tokio::test]
async fn js_order_setup_and_auth_together() {
    let live = Live::start().await;
    let token = live.quote_token().await;
    let mut c = live.client().await;
    c.setup(60, 60).await;
    c.send(json!({"type": "AUTH", "channel": 0, "token": token}))
        .await;
    let order: Vec<String> = {
        let mut seen = Vec::new();
        for _ in 0..3 {
            let m = c.next_within(WAIT).await.unwrap();
            seen.push(format!(
                "{} {}",
                m["type"].as_str().unwrap(),
                m["state"].as_str().unwrap_or("")
            ));
        }
        seen
    };
    assert_eq!(
        order,
        ["SETUP ", "AUTH_STATE UNAUTHORIZED", "AUTH_STATE AUTHORIZED"]
    );
}

#[tokio::test]
async fn a_bad_token_gets_unauthorized_and_the_protocol_error() {
    let live = Live::start().await;
    let mut c = live.client().await;
    c.setup(60, 60).await;
    c.recv_type("AUTH_STATE").await;
    // Channels need authorization.
    c.send(
        json!({"type": "CHANNEL_REQUEST", "channel": 1, "service": "FEED",
        "parameters": {"contract": "AUTO"}}),
    )
    .await;
    let refused = c.recv_type("ERROR").await;
    assert_eq!(refused["error"], "UNAUTHORIZED");
    c.send(json!({"type": "AUTH", "channel": 0, "token": "not-a-token"}))
        .await;
    assert_eq!(c.recv_type("AUTH_STATE").await["state"], "UNAUTHORIZED");
    let err = c.recv_type("ERROR").await;
    assert_eq!(err["channel"], 0);
    assert_eq!(err["error"], "UNAUTHORIZED");
    // The connection stays usable: a good token then works.
    let token = live.quote_token().await;
    c.send(json!({"type": "AUTH", "channel": 0, "token": token}))
        .await;
    assert_eq!(c.recv_type("AUTH_STATE").await["state"], "AUTHORIZED");

    // An expired quote token is a bad token; a client that keeps trying is closed.
    let stale = live.quote_token().await;
    live.hook("/sim/market/expire-quote-tokens", json!({}))
        .await;
    let mut d = live.client().await;
    d.setup(60, 60).await;
    for _ in 0..5 {
        d.send(json!({"type": "AUTH", "channel": 0, "token": stale}))
            .await;
    }
    assert_eq!(d.ending().await, close_code(1008));
}

#[tokio::test]
async fn the_auth_delay_hook_holds_authorized_back() {
    let live = Live::start().await;
    live.hook("/sim/market/auth-delay", json!({"ms": 400}))
        .await;
    let token = live.quote_token().await;
    let mut c = live.client().await;
    c.setup(60, 60).await;
    c.recv_type("AUTH_STATE").await;
    let sent = Instant::now();
    c.send(json!({"type": "AUTH", "channel": 0, "token": token}))
        .await;
    assert_eq!(c.recv_type("AUTH_STATE").await["state"], "AUTHORIZED");
    assert!(
        sent.elapsed() >= Duration::from_millis(390),
        "{:?}",
        sent.elapsed()
    );
}

#[tokio::test]
async fn keepalives_both_ways() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    // This client says it waits 2 s for the server: the server speaks at least every 1 s.
    c.setup(60, 2).await;
    c.recv_type("SETUP").await;
    let started = Instant::now();
    c.recv_type("KEEPALIVE").await;
    assert!(started.elapsed() < Duration::from_millis(1600));

    // This one promises to speak every second, then goes silent: ERROR TIMEOUT and close.
    let mut d = live.authorized().await;
    d.setup(1, 60).await;
    let silent = Instant::now();
    let err = d.recv_type("ERROR").await;
    assert_eq!(err["error"], "TIMEOUT");
    assert!(silent.elapsed() >= Duration::from_millis(900));
    assert_eq!(d.ending().await, close_code(1000));

    // One that keeps sending KEEPALIVE stays.
    let mut e = live.authorized().await;
    e.setup(1, 60).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        e.send(json!({"type": "KEEPALIVE", "channel": 0})).await;
    }
    assert!(e
        .collect(Duration::from_millis(300))
        .await
        .iter()
        .all(|m| m["type"] != "ERROR"));
    assert!(e.ended.is_none());
}

#[tokio::test]
async fn an_oversized_message_closes_with_1009() {
    let live = Live::start().await;
    let mut c = live.authorized().await;
    c.open_feed(1, "AUTO").await;
    let symbols: Vec<_> = (0..40_000)
        .map(|i| json!({"type": "Quote", "symbol": format!("SYM{i:05}")}))
        .collect();
    let msg = json!({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": symbols}).to_string();
    assert!(msg.len() > MAX_MESSAGE_BYTES);
    c.send_raw(msg).await;
    assert_eq!(c.ending().await, close_code(1009));
}

/// The simulator's cap (`dxlink::MAX_MESSAGE_BYTES`, docs/contracts.md).
const MAX_MESSAGE_BYTES: usize = 1 << 20;

#[tokio::test]
async fn the_drop_hook_drops_every_socket_without_a_close_frame() {
    let live = Live::start().await;
    let mut a = live.authorized().await;
    let mut b = live.authorized().await;
    assert_eq!(live.stats().await["open-sockets"], 2);
    let dropped = live.hook("/sim/market/drop-sockets", json!({})).await;
    assert_eq!(dropped["dropped"], 2);
    assert_eq!(a.ending().await, Ending::Dropped);
    assert_eq!(b.ending().await, Ending::Dropped);
    let deadline = Instant::now() + WAIT;
    while live.stats().await["open-sockets"] != 0 {
        assert!(Instant::now() < deadline, "sockets still registered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // New sockets work again.
    let _c = live.authorized().await;
    assert_eq!(live.stats().await["sockets-opened"], 3);
}
