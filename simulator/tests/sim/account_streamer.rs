//! The account streamer (docs/tastytrade.md §6.12) over a real socket: acks, heartbeats only
//! after connect, someone else's account and an expired token refused, and Order,
//! CurrentPosition and AccountBalance notifications as an order is placed, fills and is
//! cancelled.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::wsclient::Live;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn open(live: &Live) -> Socket {
    let url = live.url.replace("/dxlink", "/account-streamer");
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

async fn send(ws: &mut Socket, msg: Value) {
    ws.send(Message::Text(msg.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message (fails after 5 s).
async fn next(ws: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = frame {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

/// A simulator, a signed-in token and a socket connected to `accounts`.
async fn connected(accounts: Value) -> (Live, String, Socket) {
    let live = Live::start().await;
    let (token, _) = live.sim.login().await;
    let mut ws = open(&live).await;
    send(&mut ws, msg("connect", accounts, &token, 1)).await;
    assert_eq!(next(&mut ws).await["status"], "ok");
    (live, token, ws)
}

/// A limit buy of MSFT, below the market (it works until the price comes down).
async fn buy_msft(live: &Live, token: &str, account: &str, quantity: i64, price: &str) -> Value {
    let order = json!({"time-in-force": "Day", "order-type": "Limit", "price": price,
        "price-effect": "Debit", "legs": [{"instrument-type": "Equity", "symbol": "MSFT",
        "quantity": quantity, "action": "Buy to Open"}]});
    let path = format!("/accounts/{account}/orders");
    live.sim
        .call("POST", &path, token, Some(&order.to_string()))
        .await
        .json()
}

fn msg(action: &str, value: Value, token: &str, id: i64) -> Value {
    json!({"action": action, "value": value, "auth-token": format!("Bearer {token}"),
        "request-id": id, "source": "pocket-tests"})
}

#[tokio::test]
async fn acks_and_refusals() {
    let live = Live::start().await;
    let (token, _) = live.sim.login().await;
    let mut ws = open(&live).await;
    send(&mut ws, msg("heartbeat", Value::Null, &token, 1)).await;
    let early = next(&mut ws).await;
    assert_eq!(early["status"], "error");
    assert_eq!(early["message"], "not implemented");
    assert_eq!(early["request-id"], 1);
    send(&mut ws, msg("connect", json!(["5WX99999"]), &token, 2)).await;
    let foreign = next(&mut ws).await;
    assert_eq!(foreign["status"], "error", "{foreign}");
    send(&mut ws, msg("connect", json!(["5WT00001"]), "nope", 3)).await;
    assert_eq!(next(&mut ws).await["status"], "error");
    // The JS SDK sends one account as a string.
    send(&mut ws, msg("connect", json!("5WT00001"), &token, 4)).await;
    let ok = next(&mut ws).await;
    assert_eq!(ok["status"], "ok", "{ok}");
    assert_eq!(ok["action"], "connect");
    assert_eq!(ok["value"], json!(["5WT00001"]));
    assert_eq!(ok["request-id"], 4);
    let session = ok["web-socket-session-id"].as_str().unwrap().to_owned();
    send(&mut ws, msg("heartbeat", Value::Null, &token, 5)).await;
    let beat = next(&mut ws).await;
    assert_eq!(beat["status"], "ok");
    assert_eq!(beat["web-socket-session-id"], session.as_str());
    // Every message carries the token: once it expires, the streamer refuses.
    live.hook("/sim/expire-access-tokens", json!({})).await;
    send(&mut ws, msg("heartbeat", Value::Null, &token, 6)).await;
    let expired = next(&mut ws).await;
    assert_eq!(expired["status"], "error");
    assert!(expired["message"].as_str().unwrap().contains("xpired"));
}

#[tokio::test]
async fn order_position_and_balance_notifications() {
    let live = Live::start().await;
    let (token, _) = live.sim.login().await;
    let mut ws = open(&live).await;
    send(
        &mut ws,
        msg("connect", json!(["5WT00001", "5WT00002"]), &token, 1),
    )
    .await;
    assert_eq!(next(&mut ws).await["status"], "ok");
    let order = json!({"time-in-force": "Day", "order-type": "Limit", "price": "250.0",
        "price-effect": "Debit", "legs": [{"instrument-type": "Equity", "symbol": "AAPL",
        "quantity": 10, "action": "Buy to Open"}]});
    let resp = live
        .sim
        .call(
            "POST",
            "/accounts/5WT00001/orders",
            &token,
            Some(&order.to_string()),
        )
        .await;
    assert_eq!(
        resp.status,
        axum::http::StatusCode::CREATED,
        "{}",
        resp.text()
    );
    let id = resp.json()["data"]["order"]["id"].as_i64().unwrap();
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let m = next(&mut ws).await;
        assert!(m["timestamp"].is_i64(), "{m}");
        seen.push(m);
    }
    let kinds: Vec<&str> = seen.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Order",
            "Order",
            "Order",
            "CurrentPosition",
            "AccountBalance"
        ]
    );
    let statuses: Vec<&str> = seen[..3]
        .iter()
        .map(|m| m["data"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["Routed", "Live", "Filled"]);
    assert!(seen[..3].iter().all(|m| m["data"]["id"] == id));
    // What tastyware's models require of them.
    let filled = &seen[2]["data"];
    for key in [
        "account-number",
        "time-in-force",
        "order-type",
        "underlying-symbol",
        "underlying-instrument-type",
        "cancellable",
        "editable",
        "edited",
        "updated-at",
        "legs",
    ] {
        assert!(!filled[key].is_null(), "{key}");
    }
    let fill = &filled["legs"][0]["fills"][0];
    for key in ["fill-id", "quantity", "fill-price", "filled-at"] {
        assert!(!fill[key].is_null(), "{key}");
    }
    let position = &seen[3]["data"];
    assert_eq!(position["symbol"], "AAPL");
    assert_eq!(position["quantity"], 160);
    for key in [
        "realized-day-gain",
        "realized-today",
        "is-suppressed",
        "is-frozen",
        "mark",
    ] {
        assert!(!position[key].is_null(), "{key}");
    }
    let balance = &seen[4]["data"];
    assert_eq!(balance["account-number"], "5WT00001");
    let rest = live.sim.ok("/accounts/5WT00001/balances", &token).await;
    assert_eq!(balance["cash-balance"], rest["data"]["cash-balance"]);
    // A working order's cancel: Cancel Requested, then Cancelled.
    let away = json!({"time-in-force": "GTC", "order-type": "Limit", "price": "400.0",
        "price-effect": "Debit", "legs": [{"instrument-type": "Equity", "symbol": "MSFT",
        "quantity": 1, "action": "Buy to Open"}]});
    let resp = live
        .sim
        .call(
            "POST",
            "/accounts/5WT00002/orders",
            &token,
            Some(&away.to_string()),
        )
        .await;
    let id = resp.json()["data"]["order"]["id"].as_i64().unwrap();
    assert_eq!(next(&mut ws).await["data"]["status"], "Routed");
    assert_eq!(next(&mut ws).await["data"]["status"], "Live");
    live.sim
        .call(
            "DELETE",
            &format!("/accounts/5WT00002/orders/{id}"),
            &token,
            None,
        )
        .await;
    let requested = next(&mut ws).await;
    assert_eq!(requested["data"]["status"], "Cancel Requested");
    assert_eq!(requested["data"]["account-number"], "5WT00002");
    assert_eq!(next(&mut ws).await["data"]["status"], "Cancelled");
}

#[tokio::test]
async fn other_accounts_notifications_stay_away() {
    let (live, token, mut ws) = connected(json!(["5WT00002"])).await;
    buy_msft(&live, &token, "5WT00001", 1, "400.0").await;
    let quiet = tokio::time::timeout(Duration::from_millis(300), ws.next()).await;
    assert!(quiet.is_err(), "nothing for 5WT00001: {quiet:?}");
}

#[tokio::test]
async fn a_working_order_fills_on_the_stream_without_rest_reads() {
    let (live, token, mut ws) = connected(json!(["5WT00001"])).await;
    buy_msft(&live, &token, "5WT00001", 2, "500.0").await;
    assert_eq!(next(&mut ws).await["data"]["status"], "Routed");
    assert_eq!(next(&mut ws).await["data"]["status"], "Live");
    // Only market hooks from here: the socket itself works the order.
    live.hook(
        "/sim/market/pin",
        json!({"symbol": "MSFT", "price": "499.0"}),
    )
    .await;
    live.hook("/sim/market/step", json!({"ticks": 1})).await;
    let filled = next(&mut ws).await;
    assert_eq!(filled["type"], "Order");
    assert_eq!(filled["data"]["status"], "Filled", "{filled}");
}

#[tokio::test]
async fn the_drop_hook_ends_every_socket_and_new_ones_work() {
    let (live, token, mut ws) = connected(json!(["5WT00001"])).await;
    let dropped = live
        .hook("/sim/account-streamer/drop-sockets", json!({}))
        .await;
    assert_eq!(dropped["dropped"], 1);
    // The socket ends (no more frames), without an ack or a close frame from the simulator.
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("the socket ends within 5 s");
    assert!(
        !matches!(end, Some(Ok(Message::Text(_)))),
        "ended, not another message: {end:?}"
    );
    let mut again = open(&live).await;
    send(&mut again, msg("connect", json!(["5WT00001"]), &token, 1)).await;
    assert_eq!(next(&mut again).await["status"], "ok");
}
