//! A strict DXLink test client over a real socket (tokio-tungstenite): it decodes FEED_DATA
//! only against the fields FEED_CONFIG announced for that channel and type, and fails a test
//! when data arrives before its FEED_CONFIG.

use std::collections::HashMap;
use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use pocket_sim::{router, SimState};
use serde_json::{json, Map, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::*;

/// A simulator on a real listener, and the in-process view of the same state for hooks.
pub struct Live {
    pub sim: Sim,
    pub url: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Live {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = quiet_config();
        config.dxlink_url = pocket_sim::config::dxlink_url_for(addr);
        let state = SimState::new(config.clone()).unwrap();
        let app = router(state);
        let served = app.clone();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, served).await;
        });
        Self {
            sim: Sim { app },
            url: config.dxlink_url,
            server,
        }
    }

    /// A fresh quote token through the REST API, as an SDK gets one.
    pub async fn quote_token(&self) -> String {
        let (access, _) = self.sim.login().await;
        let body = self.sim.ok("/api-quote-tokens", &access).await;
        assert_eq!(body["data"]["dxlink-url"], self.url.as_str());
        body["data"]["token"].as_str().unwrap().to_owned()
    }

    pub async fn hook(&self, path: &str, body: Value) -> Value {
        let resp = self.sim.post_json(path, &body).await;
        assert_eq!(
            resp.status,
            axum::http::StatusCode::OK,
            "{path}: {}",
            resp.text()
        );
        resp.json()
    }

    pub async fn stats(&self) -> Value {
        self.sim.get("/sim/market/stats").await.json()
    }

    pub async fn client(&self) -> Client {
        Client::connect(&self.url).await
    }

    /// A client through SETUP and AUTH (the Python SDK's order).
    pub async fn authorized(&self) -> Client {
        let token = self.quote_token().await;
        let mut c = self.client().await;
        c.setup(60, 60).await;
        assert_eq!(c.recv_type("SETUP").await["channel"], 0);
        assert_eq!(c.recv_type("AUTH_STATE").await["state"], "UNAUTHORIZED");
        c.send(json!({"type": "AUTH", "channel": 0, "token": token}))
            .await;
        assert_eq!(c.recv_type("AUTH_STATE").await["state"], "AUTHORIZED");
        c
    }
}

/// How a socket ended.
#[derive(Debug, PartialEq)]
pub enum Ending {
    /// A close frame with this code.
    Closed(u16),
    /// No close frame (a dropped connection).
    Dropped,
}

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// FEED_CONFIG eventFields per (channel, type).
    fields: HashMap<(u64, String), Vec<String>>,
    formats: HashMap<u64, String>,
    pub ended: Option<Ending>,
}

pub const WAIT: Duration = Duration::from_secs(5);

impl Client {
    pub async fn connect(url: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
        Self {
            ws,
            fields: HashMap::new(),
            formats: HashMap::new(),
            ended: None,
        }
    }

    pub async fn send(&mut self, msg: Value) {
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn send_raw(&mut self, text: String) {
        let _ = self.ws.send(Message::Text(text.into())).await;
    }

    pub async fn setup(&mut self, keepalive: u64, accept: u64) {
        self.send(json!({
            "type": "SETUP", "channel": 0, "version": "0.1-DXF-JS/0.3.0",
            "keepaliveTimeout": keepalive, "acceptKeepaliveTimeout": accept,
        }))
        .await;
    }

    /// The next message within `wait`; `None` on timeout or when the socket ended.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let frame = match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return None,
                Ok(frame) => frame,
            };
            match frame {
                Some(Ok(Message::Text(t))) => {
                    let msg: Value = serde_json::from_str(t.as_str()).expect("JSON text");
                    self.observe(&msg);
                    return Some(msg);
                }
                Some(Ok(Message::Close(frame))) => {
                    self.ended = Some(Ending::Closed(frame.map_or(1005, |f| u16::from(f.code))));
                    return None;
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => {
                    self.ended.get_or_insert(Ending::Dropped);
                    return None;
                }
            }
        }
    }

    /// Remembers FEED_CONFIG and checks FEED_DATA against it.
    fn observe(&mut self, msg: &Value) {
        let channel = msg["channel"].as_u64().unwrap_or(0);
        match msg["type"].as_str() {
            Some("FEED_CONFIG") => {
                if let Some(format) = msg["dataFormat"].as_str() {
                    self.formats.insert(channel, format.to_owned());
                }
                for (kind, list) in msg["eventFields"].as_object().into_iter().flatten() {
                    let list: Vec<String> = list
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| f.as_str().unwrap().to_owned())
                        .collect();
                    self.fields.insert((channel, kind.clone()), list);
                }
            }
            Some("FEED_DATA") => {
                let _ = self.decode(msg);
            }
            _ => {}
        }
    }

    /// FEED_DATA as (type, events as objects), strictly against the announced layout.
    pub fn decode(&self, msg: &Value) -> (String, Vec<Map<String, Value>>) {
        let channel = msg["channel"].as_u64().unwrap();
        let data = msg["data"].as_array().expect("data is a list");
        let format = self
            .formats
            .get(&channel)
            .expect("FEED_CONFIG before FEED_DATA");
        if format == "FULL" {
            let events: Vec<Map<String, Value>> = data
                .iter()
                .map(|e| e.as_object().expect("FULL events are objects").clone())
                .collect();
            let kind = events[0]["eventType"].as_str().unwrap().to_owned();
            assert!(
                events.iter().all(|e| e["eventType"] == kind.as_str()),
                "one type"
            );
            return (kind, events);
        }
        assert_eq!(
            data.len(),
            2,
            "one [type, values] pair per FEED_DATA: {msg}"
        );
        let kind = data[0]
            .as_str()
            .expect("COMPACT starts with the type")
            .to_owned();
        let fields = self
            .fields
            .get(&(channel, kind.clone()))
            .unwrap_or_else(|| panic!("no FEED_CONFIG eventFields for {kind} before its data"));
        let values = data[1].as_array().unwrap();
        assert_eq!(values.len() % fields.len(), 0, "{kind}: whole events only");
        let events = values
            .chunks(fields.len())
            .map(|row| fields.iter().cloned().zip(row.iter().cloned()).collect())
            .collect();
        (kind, events)
    }

    pub async fn recv_type(&mut self, kind: &str) -> Value {
        self.recv_where(|m| m["type"] == kind).await
    }

    pub async fn recv_where(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(msg) if pred(&msg) => return msg,
                Some(_) => continue,
                None => panic!("no matching message (ended: {:?})", self.ended),
            }
        }
    }

    /// Everything received for `wait`.
    pub async fn collect(&mut self, wait: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return out;
            }
            match self.next_within(left).await {
                Some(msg) => out.push(msg),
                None if self.ended.is_some() => return out,
                None => return out,
            }
        }
    }

    /// Events of one type from the FEED_DATA messages received for `wait`.
    pub async fn events(&mut self, kind: &str, wait: Duration) -> Vec<Map<String, Value>> {
        let msgs = self.collect(wait).await;
        msgs.iter()
            .filter(|m| m["type"] == "FEED_DATA")
            .map(|m| self.decode(m))
            .filter(|(k, _)| k == kind)
            .flat_map(|(_, e)| e)
            .collect()
    }

    /// Waits for the next events of `kind` (at least one).
    pub async fn next_events(&mut self, kind: &str) -> Vec<Map<String, Value>> {
        loop {
            let msg = self.recv_type("FEED_DATA").await;
            let (k, events) = self.decode(&msg);
            if k == kind {
                return events;
            }
        }
    }

    pub async fn open_feed(&mut self, channel: u64, contract: &str) {
        self.send(json!({
            "type": "CHANNEL_REQUEST", "channel": channel, "service": "FEED",
            "parameters": {"contract": contract},
        }))
        .await;
        let opened = self.recv_type("CHANNEL_OPENED").await;
        assert_eq!(opened["channel"], channel);
        assert_eq!(opened["service"], "FEED");
    }

    pub async fn ending(&mut self) -> Ending {
        while self.next_within(WAIT).await.is_some() {}
        self.ended.take().expect("the socket ended")
    }
}

pub fn close_code(code: u16) -> Ending {
    Ending::Closed(u16::from(CloseCode::from(code)))
}
