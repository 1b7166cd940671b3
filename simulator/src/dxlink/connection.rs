//! One DXLink connection's protocol state: SETUP and keepalive timeouts, authorization,
//! channels (docs/contracts.md, simulator § DXLink; docs/tastytrade.md §6.9). It turns each
//! client message into the messages to send back, and knows when a keepalive or a timeout
//! is due; the socket loop in `mod.rs` does the I/O.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dxlink::feed::{Channel, SubscriptionChange};

/// The server's version string (`<protocol>-<implementation>/<version>`).
pub const SERVER_VERSION: &str = concat!("1.0-pocket-sim/", env!("CARGO_PKG_VERSION"));
/// Keepalive timeout either side assumes before SETUP says otherwise (seconds).
const DEFAULT_TIMEOUT_SECS: f64 = 60.0;
/// The server never stays silent longer than this (the SDKs give up after 60 s).
const MAX_SILENCE_SECS: f64 = 30.0;
/// Bad AUTH attempts before the server closes (a client re-sending the same bad token on
/// every UNAUTHORIZED would otherwise loop forever).
pub const MAX_BAD_AUTHS: u32 = 5;

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    Unauthorized,
    /// Authorized once the delay set by the auth-delay hook has passed.
    Pending {
        at: Instant,
        user: String,
    },
    Authorized {
        user: String,
    },
}

/// What the socket loop must do after a message.
#[derive(Debug, PartialEq)]
pub enum Reply {
    Send(Value),
    /// Close with this code and reason.
    Close(u16, &'static str),
}

pub struct Connection {
    pub auth: Auth,
    bad_auths: u32,
    /// Close after this much client silence (the client's `keepaliveTimeout`).
    client_timeout: Duration,
    /// Send a KEEPALIVE after this much of our own silence.
    server_silence: Duration,
    pub last_received: Instant,
    pub last_sent: Instant,
    pub channels: BTreeMap<u64, Channel>,
    /// Every `add` entry received, and those for a subscription the channel already had.
    pub add_requests: u64,
    pub duplicate_adds: u64,
}

/// `{"type":"ERROR","channel":…,"error":…,"message":…}` (docs/tastytrade.md §6.9).
pub fn error(channel: u64, code: &str, message: &str) -> Value {
    json!({ "type": "ERROR", "channel": channel, "error": code, "message": message })
}

fn auth_state(state: &str, user: Option<&str>) -> Value {
    let mut msg = json!({ "type": "AUTH_STATE", "channel": 0, "state": state });
    if let Some(user) = user {
        msg["userId"] = json!(user);
    }
    msg
}

fn secs(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
}

impl Connection {
    pub fn new(now: Instant) -> Self {
        Self {
            auth: Auth::Unauthorized,
            bad_auths: 0,
            client_timeout: Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
            server_silence: Duration::from_secs_f64(MAX_SILENCE_SECS),
            last_received: now,
            last_sent: now,
            channels: BTreeMap::new(),
            add_requests: 0,
            duplicate_adds: 0,
        }
    }

    pub fn authorized(&self) -> bool {
        matches!(self.auth, Auth::Authorized { .. })
    }

    /// When the client will have been silent too long.
    pub fn client_deadline(&self) -> Instant {
        self.last_received + self.client_timeout
    }

    /// When the server must say something (a KEEPALIVE if nothing else).
    pub fn keepalive_due(&self) -> Instant {
        self.last_sent + self.server_silence
    }

    pub fn subscriptions(&self) -> usize {
        self.channels.values().map(Channel::subscriptions).sum()
    }

    /// The pending authorization, if its delay has passed, becomes AUTHORIZED.
    pub fn finish_auth(&mut self, now: Instant) -> Option<Value> {
        let Auth::Pending { at, user } = &self.auth else {
            return None;
        };
        if now < *at {
            return None;
        }
        let user = user.clone();
        let msg = auth_state("AUTHORIZED", Some(&user));
        self.auth = Auth::Authorized { user };
        Some(msg)
    }

    /// SETUP: timeouts as the client states them, our SETUP and the current AUTH_STATE.
    fn setup(&mut self, msg: &Value) -> Vec<Reply> {
        // The client's keepaliveTimeout is how long it may stay silent; its
        // acceptKeepaliveTimeout how long it waits for us.
        let client = secs(msg.get("keepaliveTimeout")).unwrap_or(DEFAULT_TIMEOUT_SECS);
        let accepts = secs(msg.get("acceptKeepaliveTimeout")).unwrap_or(DEFAULT_TIMEOUT_SECS);
        self.client_timeout = Duration::from_secs_f64(client.min(3600.0));
        let promise = accepts.min(DEFAULT_TIMEOUT_SECS);
        self.server_silence = Duration::from_secs_f64((promise / 2.0).min(MAX_SILENCE_SECS));
        let state = match &self.auth {
            Auth::Authorized { user } => auth_state("AUTHORIZED", Some(user)),
            _ => auth_state("UNAUTHORIZED", None),
        };
        vec![
            Reply::Send(json!({
                "type": "SETUP",
                "channel": 0,
                "version": SERVER_VERSION,
                "keepaliveTimeout": promise,
                "acceptKeepaliveTimeout": client,
            })),
            Reply::Send(state),
        ]
    }

    /// AUTH with `customer` = the token's owner, if the token is live. A bad token gets
    /// AUTH_STATE UNAUTHORIZED and the protocol's ERROR `UNAUTHORIZED` (docs/tastytrade.md
    /// §6.9 lists the error codes); the connection stays open for another AUTH.
    fn auth(&mut self, customer: Option<String>, delay: Duration, now: Instant) -> Vec<Reply> {
        let Some(user) = customer else {
            self.bad_auths += 1;
            self.auth = Auth::Unauthorized;
            let mut replies = vec![
                Reply::Send(auth_state("UNAUTHORIZED", None)),
                Reply::Send(error(0, "UNAUTHORIZED", "Invalid or expired token")),
            ];
            if self.bad_auths >= MAX_BAD_AUTHS {
                replies.push(Reply::Close(1008, "Too many failed AUTH attempts"));
            }
            return replies;
        };
        self.bad_auths = 0;
        self.auth = Auth::Pending {
            at: now + delay,
            user,
        };
        self.finish_auth(now).map(Reply::Send).into_iter().collect()
    }

    /// Handles one client message. `check_token` answers whose a quote token is.
    pub fn handle(
        &mut self,
        msg: &Value,
        now: Instant,
        check_token: impl FnOnce(&str) -> Option<String>,
        auth_delay: Duration,
    ) -> Vec<Reply> {
        let kind = msg.get("type").and_then(Value::as_str).unwrap_or_default();
        let channel = msg.get("channel").and_then(Value::as_u64);
        let Some(channel) = channel.filter(|_| !kind.is_empty()) else {
            return vec![Reply::Send(error(
                0,
                "INVALID_MESSAGE",
                "A message needs a type and a channel",
            ))];
        };
        match kind {
            "SETUP" => self.setup(msg),
            "AUTH" => {
                let customer = msg
                    .get("token")
                    .and_then(Value::as_str)
                    .and_then(check_token);
                self.auth(customer, auth_delay, now)
            }
            "KEEPALIVE" | "ERROR" => Vec::new(),
            "CHANNEL_REQUEST" | "CHANNEL_CANCEL" | "FEED_SETUP" | "FEED_SUBSCRIPTION"
                if !self.authorized() =>
            {
                vec![Reply::Send(error(
                    channel,
                    "UNAUTHORIZED",
                    "Not authorized",
                ))]
            }
            "CHANNEL_REQUEST" => self.open(channel, msg),
            "CHANNEL_CANCEL" => {
                self.channels.remove(&channel);
                vec![Reply::Send(
                    json!({ "type": "CHANNEL_CLOSED", "channel": channel }),
                )]
            }
            "FEED_SUBSCRIPTION" => match self.subscription(channel, msg) {
                Ok(()) => Vec::new(),
                Err(reply) => vec![reply],
            },
            "FEED_SETUP" => match self.channels.get_mut(&channel) {
                None => vec![Reply::Send(error(
                    channel,
                    "BAD_ACTION",
                    "Channel is not open",
                ))],
                Some(ch) => match ch.setup(channel, msg) {
                    Ok(config) => vec![Reply::Send(config)],
                    Err(e) => vec![Reply::Send(error(channel, "INVALID_MESSAGE", &e))],
                },
            },
            other => vec![Reply::Send(error(
                channel,
                "UNSUPPORTED_PROTOCOL",
                &format!("Unknown message type {other}"),
            ))],
        }
    }

    fn open(&mut self, channel: u64, msg: &Value) -> Vec<Reply> {
        if channel == 0 {
            return vec![Reply::Send(error(
                0,
                "INVALID_MESSAGE",
                "Channel 0 is the connection",
            ))];
        }
        let service = msg
            .get("service")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if service != "FEED" {
            // Not entitled (e.g. DOM): closed at once, without an ERROR a client would die of.
            return vec![Reply::Send(
                json!({ "type": "CHANNEL_CLOSED", "channel": channel }),
            )];
        }
        let contract = msg
            .pointer("/parameters/contract")
            .and_then(Value::as_str)
            .unwrap_or("AUTO");
        self.channels.insert(channel, Channel::default());
        vec![Reply::Send(json!({
            "type": "CHANNEL_OPENED",
            "channel": channel,
            "service": "FEED",
            "parameters": { "contract": contract, "subFormat": "LIST" },
        }))]
    }

    fn subscription(&mut self, channel: u64, msg: &Value) -> Result<(), Reply> {
        let Some(ch) = self.channels.get_mut(&channel) else {
            return Err(Reply::Send(error(
                channel,
                "BAD_ACTION",
                "Channel is not open",
            )));
        };
        let change: SubscriptionChange = ch
            .subscribe(msg)
            .map_err(|e| Reply::Send(error(channel, "INVALID_MESSAGE", &e)))?;
        self.add_requests += change.added;
        self.duplicate_adds += change.duplicates;
        Ok(())
    }
}
