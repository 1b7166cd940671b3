//! One DXLink connection's protocol, as a state machine with no I/O (docs/tastytrade.md §6.9: the
//! handshake, and how the two SDKs speak it). The runtime feeds it "socket opened", each text
//! frame, a clock tick every second and "the wanted set changed"; it answers with the texts to
//! send, the decoded events and the link's state.
//!
//! Handshake: `SETUP` on open; `AUTH` when the server says `UNAUTHORIZED` (the order tastytrade
//! asks for), or after [`AUTH_UNPROMPTED_MS`] if it never does; the server's `SETUP` and
//! `AUTH_STATE` may come in either order. On `AUTHORIZED`: one FEED channel with contract AUTO
//! for quotes, trades, Greeks, summaries and profiles, and one HISTORY channel for candles (AUTO
//! has answered candle requests with empty snapshots); each gets a COMPACT `FEED_SETUP` with
//! our fields, then the subscriptions. `KEEPALIVE` every 30 s (sooner if the server's
//! `keepaliveTimeout` asks); the connection is dead after [`SILENCE_LIMIT_MS`] without a word
//! from the server, on `ERROR`, on a closed channel, or without `AUTHORIZED` within
//! [`HANDSHAKE_LIMIT_MS`].

use pocket_shared::dxlink::{
    decode_feed_data, AuthState, ClientMessage, Contract, DataFormat, Event, EventType, FeedLayout,
    ServerMessage,
};
use pocket_shared::tastytrade::{ApiQuoteToken, Secret};
use rust_decimal::Decimal;

use super::subscriptions::{Subscribed, Wanted};

/// Quotes, trades, Greeks, summaries, profiles.
pub const FEED_CHANNEL: u32 = 1;
/// Candles.
pub const HISTORY_CHANNEL: u32 = 3;

/// What tastytrade's web platform and the Python SDK send as `version`.
const VERSION: &str = "0.1-DXF-JS/0.3.0";
/// Seconds we give the server (and ask it to give us) before a silent peer is dead.
const KEEPALIVE_TIMEOUT_SECS: u32 = 60;
pub const KEEPALIVE_EVERY_MS: i64 = 30_000;
pub const SILENCE_LIMIT_MS: i64 = 60_000;
/// From the socket opening to `AUTHORIZED`.
pub const HANDSHAKE_LIMIT_MS: i64 = 15_000;
/// A server that never says `UNAUTHORIZED` still gets our `AUTH` after this long.
pub const AUTH_UNPROMPTED_MS: i64 = 5_000;
/// No event for any subscription this long while the socket is up: stale.
pub const STALE_AFTER_MS: i64 = 15_000;

/// Renew this long before the token's `expires-at`.
const RENEW_MARGIN_MS: i64 = 5 * 60_000;
/// Without a usable `expires-at`: renew after 23 h (tokens live 24 h).
const RENEW_FALLBACK_MS: i64 = 23 * 3_600_000;

/// Events on the FEED channel.
const FEED_TYPES: [EventType; 5] = [
    EventType::Quote,
    EventType::Trade,
    EventType::Greeks,
    EventType::Summary,
    EventType::Profile,
];

/// Batches of 250 ms: live enough for a phone, a quarter of the work of the web platform's 0.1 s.
fn aggregation_period() -> Decimal {
    Decimal::new(25, 2)
}

/// When to fetch a new token: 5 minutes before `expires-at`, never later than 23 h after it
/// was fetched and never sooner than a minute after (a clock far off must not cause a loop).
pub fn renew_at(token: &ApiQuoteToken, fetched_at: i64) -> i64 {
    let latest = fetched_at.saturating_add(RENEW_FALLBACK_MS);
    match token.expires_at_ms() {
        Some(expires) => expires
            .saturating_sub(RENEW_MARGIN_MS)
            .clamp(fetched_at.saturating_add(60_000), latest),
        None => latest,
    }
}

/// Input to [`Session::handle`].
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Opened,
    Text(&'a str),
    Tick,
    WantedChanged,
}

/// Why a connection is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The server refused the token (`UNAUTHORIZED` after `AUTH`, or `ERROR UNAUTHORIZED`).
    TokenRejected,
    /// No `AUTHORIZED` in time.
    HandshakeTimeout,
    /// Nothing from the server for a minute.
    Silent,
    /// The server closed one of our channels.
    ChannelClosed,
    /// `ERROR` from the server.
    Error { error: String, message: String },
}

impl Ended {
    /// For the status line. Never holds the token.
    pub fn describe(&self) -> String {
        match self {
            Ended::TokenRejected => "The market-data token was refused.".into(),
            Ended::HandshakeTimeout => "The market-data server did not answer in time.".into(),
            Ended::Silent => "The market-data server went silent.".into(),
            Ended::ChannelClosed => "The market-data server closed the feed.".into(),
            Ended::Error { error, message } => {
                format!("The market-data server reported an error ({error}: {message}).")
            }
        }
    }

    /// Whether the next attempt needs a new token.
    pub fn needs_new_token(&self) -> bool {
        matches!(self, Ended::TokenRejected | Ended::HandshakeTimeout)
    }
}

/// The link as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Socket opening or handshake under way.
    Connecting,
    /// Authorized, channels open.
    Live,
    /// Live, but nothing arrived for the subscriptions for [`STALE_AFTER_MS`].
    Stale,
    Ended(Ended),
}

/// What to do after an input.
#[derive(Debug, Default)]
pub struct Step {
    pub send: Vec<String>,
    pub events: Vec<Event>,
    /// The link's new state, when it changed.
    pub link: Option<Link>,
}

struct Channel {
    id: u32,
    history: bool,
    opened: bool,
    layout: FeedLayout,
    subscribed: Subscribed,
}

impl Channel {
    fn new(id: u32, history: bool) -> Self {
        Channel {
            id,
            history,
            opened: false,
            layout: FeedLayout::default(),
            subscribed: Subscribed::default(),
        }
    }
}

/// One connection's protocol state.
pub struct Session {
    token: Secret,
    opened_at: Option<i64>,
    last_received: i64,
    last_keepalive: i64,
    keepalive_every: i64,
    auth_sent: bool,
    unauthorized_seen: u32,
    authorized: bool,
    channels: [Channel; 2],
    /// When an event last arrived, or when the subscriptions last went from none to some.
    last_data: i64,
    link: Link,
    /// The last FEED_DATA that could not be read (kept for diagnosis; never fatal).
    pub last_decode_error: Option<String>,
}

impl Session {
    pub fn new(token: Secret) -> Self {
        Session {
            token,
            opened_at: None,
            last_received: 0,
            last_keepalive: 0,
            keepalive_every: KEEPALIVE_EVERY_MS,
            auth_sent: false,
            unauthorized_seen: 0,
            authorized: false,
            channels: [
                Channel::new(FEED_CHANNEL, false),
                Channel::new(HISTORY_CHANNEL, true),
            ],
            last_data: 0,
            link: Link::Connecting,
            last_decode_error: None,
        }
    }

    pub fn link(&self) -> &Link {
        &self.link
    }

    /// Advances the protocol by one input at time `now` (epoch ms).
    #[inline(never)]
    pub fn handle(&mut self, now: i64, input: Input, wanted: &Wanted) -> Step {
        let mut step = Step::default();
        if matches!(self.link, Link::Ended(_)) {
            return step;
        }
        let ended = match input {
            Input::Opened => {
                self.opened_at = Some(now);
                self.last_received = now;
                self.last_keepalive = now;
                step.send.push(
                    ClientMessage::Setup {
                        version: VERSION,
                        keepalive_timeout: KEEPALIVE_TIMEOUT_SECS,
                        accept_keepalive_timeout: KEEPALIVE_TIMEOUT_SECS,
                    }
                    .to_json(),
                );
                None
            }
            Input::Text(text) => {
                self.last_received = now;
                match ServerMessage::parse(text) {
                    Ok(message) => self.receive(now, message, wanted, &mut step),
                    Err(_) => None,
                }
            }
            Input::Tick => self.tick(now, &mut step),
            Input::WantedChanged => {
                self.sync(now, wanted, &mut step);
                None
            }
        };
        let link = match ended {
            Some(ended) => Link::Ended(ended),
            None if !self.channels.iter().all(|c| c.opened) => Link::Connecting,
            None => {
                let subscribed = self.channels.iter().any(|c| !c.subscribed.is_empty());
                if subscribed && now.saturating_sub(self.last_data) >= STALE_AFTER_MS {
                    Link::Stale
                } else {
                    Link::Live
                }
            }
        };
        if link != self.link {
            self.link = link.clone();
            step.link = Some(link);
        }
        step
    }

    fn auth(&mut self, step: &mut Step) {
        self.auth_sent = true;
        step.send
            .push(ClientMessage::Auth { token: &self.token }.to_json());
    }

    fn receive(
        &mut self,
        now: i64,
        message: ServerMessage,
        wanted: &Wanted,
        step: &mut Step,
    ) -> Option<Ended> {
        match message {
            ServerMessage::Setup {
                keepalive_timeout: Some(secs),
                ..
            } => {
                // Speak at least twice per the server's timeout.
                self.keepalive_every = (i64::from(secs) * 500).clamp(1_000, KEEPALIVE_EVERY_MS);
            }
            ServerMessage::AuthState {
                state: AuthState::Unauthorized,
            } => {
                // The first UNAUTHORIZED is the server's greeting (answered with AUTH); one
                // after our AUTH is a refusal. An AUTH sent unprompted may cross the greeting.
                self.unauthorized_seen += 1;
                if !self.auth_sent {
                    self.auth(step);
                } else if self.unauthorized_seen > 1 {
                    return Some(Ended::TokenRejected);
                }
            }
            ServerMessage::AuthState {
                state: AuthState::Authorized,
            } if !self.authorized => {
                self.authorized = true;
                for channel in &self.channels {
                    let contract = if channel.history {
                        Contract::History
                    } else {
                        Contract::Auto
                    };
                    step.send.push(
                        ClientMessage::ChannelRequest {
                            channel: channel.id,
                            contract,
                        }
                        .to_json(),
                    );
                }
            }
            ServerMessage::ChannelOpened { channel } => {
                if let Some(c) = self
                    .channels
                    .iter_mut()
                    .find(|c| c.id == channel && !c.opened)
                {
                    c.opened = true;
                    let event_types: &[EventType] = if c.history {
                        &[EventType::Candle]
                    } else {
                        &FEED_TYPES
                    };
                    step.send.push(
                        ClientMessage::FeedSetup {
                            channel: c.id,
                            accept_aggregation_period: aggregation_period(),
                            accept_data_format: DataFormat::Compact,
                            event_types,
                        }
                        .to_json(),
                    );
                    self.sync(now, wanted, step);
                }
            }
            ServerMessage::ChannelClosed { channel }
                if self.channels.iter().any(|c| c.id == channel) =>
            {
                return Some(Ended::ChannelClosed);
            }
            ServerMessage::FeedConfig {
                channel,
                event_fields,
                ..
            } => {
                if let Some(c) = self.channels.iter_mut().find(|c| c.id == channel) {
                    c.layout.configure(event_fields);
                }
            }
            ServerMessage::FeedData { channel, data } => {
                if let Some(c) = self.channels.iter().find(|c| c.id == channel) {
                    match decode_feed_data(&data, &c.layout) {
                        Ok(events) => {
                            if !events.is_empty() {
                                self.last_data = now;
                            }
                            step.events.extend(events);
                        }
                        Err(e) => self.last_decode_error = Some(e.to_string()),
                    }
                }
            }
            ServerMessage::Error { error, message } => {
                return Some(if error == "UNAUTHORIZED" {
                    Ended::TokenRejected
                } else {
                    Ended::Error { error, message }
                });
            }
            _ => {}
        }
        None
    }

    fn tick(&mut self, now: i64, step: &mut Step) -> Option<Ended> {
        let opened_at = self.opened_at?;
        if !self.authorized {
            if now.saturating_sub(opened_at) >= HANDSHAKE_LIMIT_MS {
                return Some(Ended::HandshakeTimeout);
            }
            if !self.auth_sent && now.saturating_sub(opened_at) >= AUTH_UNPROMPTED_MS {
                self.auth(step);
            }
        }
        if now.saturating_sub(self.last_received) >= SILENCE_LIMIT_MS {
            return Some(Ended::Silent);
        }
        if now.saturating_sub(self.last_keepalive) >= self.keepalive_every {
            self.last_keepalive = now;
            step.send.push(ClientMessage::Keepalive.to_json());
        }
        None
    }

    /// Brings every open channel's subscriptions to `wanted`.
    fn sync(&mut self, now: i64, wanted: &Wanted, step: &mut Step) {
        for c in self.channels.iter_mut().filter(|c| c.opened) {
            let was_empty = c.subscribed.is_empty();
            step.send.extend(c.subscribed.sync(c.id, c.history, wanted));
            if was_empty && !c.subscribed.is_empty() {
                // The stale clock starts when there is something to wait for.
                self.last_data = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pocket_shared::dxlink::Subscription;
    use serde_json::Value;

    const T0: i64 = 1_800_000_000_000;

    fn session() -> Session {
        Session::new(Secret::new("quote-token-1"))
    }

    fn wanted_spy() -> Wanted {
        let mut wanted = Wanted::default();
        wanted.acquire(Subscription::new(EventType::Quote, "SPY"));
        wanted
    }

    fn types(step: &Step) -> Vec<String> {
        step.send
            .iter()
            .map(|t| {
                let v: Value = serde_json::from_str(t).unwrap();
                format!("{}@{}", v["type"].as_str().unwrap(), v["channel"])
            })
            .collect()
    }

    const SERVER_SETUP: &str = r#"{"type":"SETUP","channel":0,"keepaliveTimeout":60,"acceptKeepaliveTimeout":60,"version":"1.0-sim"}"#;
    const UNAUTHORIZED: &str = r#"{"type":"AUTH_STATE","channel":0,"state":"UNAUTHORIZED"}"#;
    const AUTHORIZED: &str =
        r#"{"type":"AUTH_STATE","channel":0,"state":"AUTHORIZED","userId":"u"}"#;

    /// Runs a session to the point where both channels are open; returns what it sent.
    fn open_session(s: &mut Session, wanted: &Wanted) -> Vec<String> {
        let mut sent = Vec::new();
        for input in [
            Input::Opened,
            Input::Text(SERVER_SETUP),
            Input::Text(UNAUTHORIZED),
            Input::Text(AUTHORIZED),
            Input::Text(
                r#"{"type":"CHANNEL_OPENED","channel":1,"service":"FEED","parameters":{"contract":"AUTO"}}"#,
            ),
            Input::Text(
                r#"{"type":"CHANNEL_OPENED","channel":3,"service":"FEED","parameters":{"contract":"HISTORY"}}"#,
            ),
        ] {
            sent.extend(types(&s.handle(T0, input, wanted)));
        }
        sent
    }

    #[test]
    fn handshake_in_the_documented_order() {
        let mut s = session();
        let wanted = wanted_spy();
        let step = s.handle(T0, Input::Opened, &wanted);
        assert_eq!(step.send.len(), 1);
        let setup: Value = serde_json::from_str(&step.send[0]).unwrap();
        assert_eq!(setup["type"], "SETUP");
        assert_eq!(setup["keepaliveTimeout"], 60);
        assert!(s
            .handle(T0, Input::Text(SERVER_SETUP), &wanted)
            .send
            .is_empty());
        let step = s.handle(T0, Input::Text(UNAUTHORIZED), &wanted);
        assert_eq!(
            step.send,
            vec![r#"{"type":"AUTH","channel":0,"token":"quote-token-1"}"#]
        );
        let step = s.handle(T0, Input::Text(AUTHORIZED), &wanted);
        assert_eq!(
            step.send,
            vec![
                r#"{"type":"CHANNEL_REQUEST","channel":1,"service":"FEED","parameters":{"contract":"AUTO"}}"#,
                r#"{"type":"CHANNEL_REQUEST","channel":3,"service":"FEED","parameters":{"contract":"HISTORY"}}"#,
            ]
        );
        assert_eq!(s.link(), &Link::Connecting);
        let step = s.handle(
            T0,
            Input::Text(r#"{"type":"CHANNEL_OPENED","channel":1,"service":"FEED"}"#),
            &wanted,
        );
        assert_eq!(types(&step), vec!["FEED_SETUP@1", "FEED_SUBSCRIPTION@1"]);
        let setup: Value = serde_json::from_str(&step.send[0]).unwrap();
        assert_eq!(setup["acceptDataFormat"], "COMPACT");
        assert_eq!(setup["acceptAggregationPeriod"].as_f64(), Some(0.25));
        assert!(setup["acceptEventFields"]["Candle"].is_null());
        assert_eq!(setup["acceptEventFields"]["Quote"][0], "eventSymbol");
        let subscription: Value = serde_json::from_str(&step.send[1]).unwrap();
        assert_eq!(subscription["reset"], true);
        assert_eq!(subscription["add"][0]["symbol"], "SPY");
        // The history channel opens with no candles wanted: only its FEED_SETUP.
        let step = s.handle(
            T0,
            Input::Text(r#"{"type":"CHANNEL_OPENED","channel":3,"service":"FEED"}"#),
            &wanted,
        );
        assert_eq!(types(&step), vec!["FEED_SETUP@3"]);
        let setup: Value = serde_json::from_str(&step.send[0]).unwrap();
        assert_eq!(setup["acceptEventFields"]["Candle"][8], "vwap");
        assert_eq!(step.link, Some(Link::Live));
    }

    /// The server greets with AUTH_STATE before SETUP, and AUTHORIZED comes without a second
    /// UNAUTHORIZED: same result.
    #[test]
    fn handshake_with_auth_state_before_setup() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        let step = s.handle(T0, Input::Text(UNAUTHORIZED), &wanted);
        assert_eq!(types(&step), vec!["AUTH@0"]);
        assert!(s
            .handle(T0, Input::Text(SERVER_SETUP), &wanted)
            .send
            .is_empty());
        let step = s.handle(T0, Input::Text(AUTHORIZED), &wanted);
        assert_eq!(types(&step), vec!["CHANNEL_REQUEST@1", "CHANNEL_REQUEST@3"]);
        // A repeated AUTHORIZED does not request the channels again.
        assert!(s
            .handle(T0, Input::Text(AUTHORIZED), &wanted)
            .send
            .is_empty());
    }

    /// A server that never says UNAUTHORIZED (the Python SDK would hang on it) still gets AUTH,
    /// once; its late greeting is not mistaken for a refusal, a second UNAUTHORIZED is.
    #[test]
    fn auth_without_a_prompt_and_refusal_after_auth() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        s.handle(T0, Input::Text(SERVER_SETUP), &wanted);
        assert!(s
            .handle(T0 + AUTH_UNPROMPTED_MS - 1, Input::Tick, &wanted)
            .send
            .is_empty());
        let step = s.handle(T0 + AUTH_UNPROMPTED_MS, Input::Tick, &wanted);
        assert_eq!(types(&step), vec!["AUTH@0"]);
        assert!(s
            .handle(T0 + AUTH_UNPROMPTED_MS + 1, Input::Tick, &wanted)
            .send
            .is_empty());
        let step = s.handle(T0 + 6_000, Input::Text(UNAUTHORIZED), &wanted);
        assert!(step.send.is_empty() && step.link.is_none());
        let step = s.handle(T0 + 6_001, Input::Text(UNAUTHORIZED), &wanted);
        assert_eq!(step.link, Some(Link::Ended(Ended::TokenRejected)));
        assert!(Ended::TokenRejected.needs_new_token());
        // Ended is final: nothing more is sent.
        assert!(s
            .handle(T0 + 7_000, Input::Text(AUTHORIZED), &wanted)
            .send
            .is_empty());
        assert!(s.handle(T0 + 99_000, Input::Tick, &wanted).send.is_empty());
    }

    #[test]
    fn a_refused_token_after_the_greeting() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        s.handle(T0, Input::Text(UNAUTHORIZED), &wanted);
        let step = s.handle(T0, Input::Text(UNAUTHORIZED), &wanted);
        assert_eq!(step.link, Some(Link::Ended(Ended::TokenRejected)));
        let mut s = session();
        s.handle(T0, Input::Opened, &wanted);
        let step = s.handle(
            T0,
            Input::Text(
                r#"{"type":"ERROR","channel":0,"error":"UNAUTHORIZED","message":"bad token"}"#,
            ),
            &wanted,
        );
        assert_eq!(step.link, Some(Link::Ended(Ended::TokenRejected)));
    }

    #[test]
    fn an_error_ends_the_connection_with_its_reason() {
        let mut s = session();
        let wanted = wanted_spy();
        open_session(&mut s, &wanted);
        let step = s.handle(
            T0,
            Input::Text(
                r#"{"type":"ERROR","channel":0,"error":"TIMEOUT","message":"no keepalive"}"#,
            ),
            &wanted,
        );
        let ended = Ended::Error {
            error: "TIMEOUT".into(),
            message: "no keepalive".into(),
        };
        assert_eq!(step.link, Some(Link::Ended(ended.clone())));
        assert!(!ended.needs_new_token());
        assert!(ended.describe().contains("TIMEOUT: no keepalive"));
        assert!(!Ended::TokenRejected.describe().contains("quote-token-1"));
    }

    #[test]
    fn handshake_timeout() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        s.handle(T0 + 1_000, Input::Text(SERVER_SETUP), &wanted);
        assert_eq!(
            s.handle(T0 + HANDSHAKE_LIMIT_MS - 1, Input::Tick, &wanted)
                .link,
            None
        );
        assert_eq!(
            s.handle(T0 + HANDSHAKE_LIMIT_MS, Input::Tick, &wanted).link,
            Some(Link::Ended(Ended::HandshakeTimeout))
        );
        // Ticks before the socket opened count nothing.
        let mut s = session();
        assert!(s.handle(T0 + 999_999, Input::Tick, &wanted).link.is_none());
    }

    #[test]
    fn keepalive_every_30_seconds_and_silence_is_death() {
        let mut s = session();
        let wanted = wanted_spy();
        open_session(&mut s, &wanted);
        let keepalives = |s: &mut Session, at: i64| {
            types(&s.handle(at, Input::Tick, &wanted))
                .iter()
                .filter(|t| *t == "KEEPALIVE@0")
                .count()
        };
        assert_eq!(keepalives(&mut s, T0 + 29_999), 0);
        assert_eq!(keepalives(&mut s, T0 + 30_000), 1);
        assert_eq!(keepalives(&mut s, T0 + 45_000), 0);
        // The server's KEEPALIVE keeps the link alive, not our own.
        s.handle(
            T0 + 50_000,
            Input::Text(r#"{"type":"KEEPALIVE","channel":0}"#),
            &wanted,
        );
        assert_eq!(keepalives(&mut s, T0 + 60_000), 1);
        assert_eq!(s.handle(T0 + 109_999, Input::Tick, &wanted).link, None);
        assert_eq!(
            s.handle(T0 + 110_000, Input::Tick, &wanted).link,
            Some(Link::Ended(Ended::Silent))
        );
    }

    #[test]
    fn keepalive_without_a_server_timeout_is_every_30_seconds() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        s.handle(T0, Input::Text(r#"{"type":"SETUP","channel":0}"#), &wanted);
        s.handle(T0, Input::Text(UNAUTHORIZED), &wanted);
        s.handle(T0, Input::Text(AUTHORIZED), &wanted);
        let sent = |s: &mut Session, at: i64| types(&s.handle(at, Input::Tick, &wanted));
        assert!(!sent(&mut s, T0 + 29_999).contains(&"KEEPALIVE@0".to_owned()));
        assert!(sent(&mut s, T0 + 30_000).contains(&"KEEPALIVE@0".to_owned()));
    }

    #[test]
    fn a_short_server_keepalive_timeout_speeds_our_keepalive_up() {
        let mut s = session();
        let wanted = wanted_spy();
        s.handle(T0, Input::Opened, &wanted);
        s.handle(
            T0,
            Input::Text(r#"{"type":"SETUP","channel":0,"keepaliveTimeout":10}"#),
            &wanted,
        );
        assert!(s
            .handle(T0 + 4_999, Input::Tick, &wanted)
            .send
            .iter()
            .all(|t| !t.contains("KEEPALIVE")));
        assert!(s
            .handle(T0 + 5_000, Input::Tick, &wanted)
            .send
            .iter()
            .any(|t| t.contains("KEEPALIVE")));
    }

    #[test]
    fn data_is_decoded_against_the_feed_config_and_staleness_follows_it() {
        let mut s = session();
        let wanted = wanted_spy();
        open_session(&mut s, &wanted);
        assert_eq!(s.link(), &Link::Live);
        // Our layout is eventSymbol, bidPrice, askPrice, bidSize, askSize; the server announces
        // another order, which must win.
        s.handle(
            T0,
            Input::Text(r#"{"type":"FEED_CONFIG","channel":1,"dataFormat":"COMPACT","aggregationPeriod":0.25,"eventFields":{"Quote":["eventType","eventSymbol","askPrice","bidPrice","askSize","bidSize"]}}"#),
            &wanted,
        );
        let step = s.handle(
            T0 + 1_000,
            Input::Text(r#"{"type":"FEED_DATA","channel":1,"data":["Quote",["Quote","SPY",559.5,559.4,10,20]]}"#),
            &wanted,
        );
        let [Event::Quote(q)] = step.events.as_slice() else {
            panic!("{:?}", step.events)
        };
        assert_eq!(q.bid_price, Some(Decimal::new(5594, 1)));
        assert_eq!(q.ask_price, Some(Decimal::new(5595, 1)));
        assert_eq!(q.bid_size, Some(Decimal::from(20)));
        // Mid-session switch to FULL.
        let step = s.handle(
            T0 + 2_000,
            Input::Text(r#"{"type":"FEED_DATA","channel":1,"data":[{"eventType":"Quote","eventSymbol":"SPY","bidPrice":"NaN","askPrice":560}]}"#),
            &wanted,
        );
        assert_eq!(step.events.len(), 1);
        // A message that cannot be read is dropped, not fatal.
        let step = s.handle(
            T0 + 3_000,
            Input::Text(r#"{"type":"FEED_DATA","channel":1,"data":["Quote",["Quote","SPY",1]]}"#),
            &wanted,
        );
        assert!(step.events.is_empty() && step.link.is_none());
        assert!(s.last_decode_error.is_some());
        // 15 s without data: stale; data again: live.
        assert_eq!(
            s.handle(T0 + 2_000 + STALE_AFTER_MS - 1, Input::Tick, &wanted)
                .link,
            None
        );
        assert_eq!(
            s.handle(T0 + 2_000 + STALE_AFTER_MS, Input::Tick, &wanted)
                .link,
            Some(Link::Stale)
        );
        let step = s.handle(
            T0 + 20_000,
            Input::Text(
                r#"{"type":"FEED_DATA","channel":1,"data":["Quote",["Quote","SPY",1,2,3,4]]}"#,
            ),
            &wanted,
        );
        assert_eq!(step.link, Some(Link::Live));
    }

    #[test]
    fn nothing_subscribed_is_never_stale_and_changes_are_diffed() {
        let mut s = session();
        let mut wanted = Wanted::default();
        open_session(&mut s, &wanted);
        assert_eq!(
            s.handle(
                T0 + 60_000,
                Input::Text(r#"{"type":"KEEPALIVE","channel":0}"#),
                &wanted
            )
            .link,
            None
        );
        assert_eq!(s.link(), &Link::Live);
        wanted.acquire(Subscription::new(EventType::Quote, "SPY"));
        wanted.acquire(Subscription {
            event_type: EventType::Candle,
            symbol: "SPY{=5m}".into(),
            from_time: Some(T0 - 86_400_000),
        });
        let step = s.handle(T0 + 61_000, Input::WantedChanged, &wanted);
        assert_eq!(
            types(&step),
            vec!["FEED_SUBSCRIPTION@1", "FEED_SUBSCRIPTION@3"]
        );
        assert!(step.send.iter().all(|t| t.contains("\"reset\":true")));
        // The stale clock starts with the subscription, not with the connection.
        assert_eq!(s.handle(T0 + 70_000, Input::Tick, &wanted).link, None);
        wanted.release(&Subscription::new(EventType::Quote, "SPY"));
        let step = s.handle(T0 + 71_000, Input::WantedChanged, &wanted);
        assert_eq!(
            step.send,
            vec![
                r#"{"type":"FEED_SUBSCRIPTION","channel":1,"remove":[{"type":"Quote","symbol":"SPY"}]}"#
            ]
        );
        // Changes before the channels open are sent when they open.
        let mut fresh = session();
        assert!(fresh
            .handle(T0, Input::WantedChanged, &wanted)
            .send
            .is_empty());
    }

    #[test]
    fn a_closed_channel_ends_the_connection_and_garbage_is_ignored() {
        let mut s = session();
        let wanted = wanted_spy();
        open_session(&mut s, &wanted);
        for junk in [
            "",
            "nope",
            "[]",
            r#"{"type":"NEW"}"#,
            r#"{"type":"CHANNEL_CLOSED","channel":9}"#,
        ] {
            assert!(
                s.handle(T0, Input::Text(junk), &wanted).link.is_none(),
                "{junk}"
            );
        }
        assert_eq!(
            s.handle(
                T0,
                Input::Text(r#"{"type":"CHANNEL_CLOSED","channel":3}"#),
                &wanted
            )
            .link,
            Some(Link::Ended(Ended::ChannelClosed))
        );
    }

    #[test]
    fn token_renewal_timing() {
        let token = |expires: Option<&str>| ApiQuoteToken {
            token: Secret::new("t"),
            dxlink_url: "wss://a.dxfeed.com".into(),
            level: None,
            issued_at: None,
            expires_at: expires.map(str::to_owned),
        };
        // 2026-12-06T10:00:00Z
        let fetched = 1_796_551_200_000;
        // Without expires-at: 23 h.
        assert_eq!(renew_at(&token(None), fetched), fetched + 23 * 3_600_000);
        assert_eq!(
            renew_at(&token(Some("garbage")), fetched),
            fetched + 23 * 3_600_000
        );
        // Expiring in 24 h: still at most 23 h.
        assert_eq!(
            renew_at(&token(Some("2026-12-07T10:00:00Z")), fetched),
            fetched + 23 * 3_600_000
        );
        // Expiring in 2 h: 5 minutes before.
        assert_eq!(
            renew_at(&token(Some("2026-12-06T12:00:00Z")), fetched),
            fetched + 2 * 3_600_000 - 5 * 60_000
        );
        // Already expired (or a clock far off): a minute, not a loop.
        assert_eq!(
            renew_at(&token(Some("2026-12-05T10:00:00Z")), fetched),
            fetched + 60_000
        );
    }
}
