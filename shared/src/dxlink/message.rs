//! DXLink control messages (docs/tastytrade.md §6.9).
//!
//! Client messages are written by hand in the exact key order of the documented transcript
//! (a derived serializer would cost several KB of wasm for eight small objects). Server
//! messages are read tolerantly: an unknown `type` is [`ServerMessage::Other`], unknown keys
//! are ignored, a missing or mistyped field takes a neutral value; only text that is not a JSON
//! object is an error.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::Value;

use super::event::{EventType, Field};
use crate::tastytrade::Secret;

/// Channel 0 carries the connection-level messages (SETUP, AUTH, KEEPALIVE, ERROR).
pub const CONTROL_CHANNEL: u32 = 0;

/// What a FEED channel delivers (`CHANNEL_REQUEST.parameters.contract`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// The server picks per type (HISTORY for candles, TICKER for quotes).
    Auto,
    /// Time series with history from `fromTime` (candles: AUTO has returned empty snapshots).
    History,
    Ticker,
    Stream,
}

impl Contract {
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Auto => "AUTO",
            Contract::History => "HISTORY",
            Contract::Ticker => "TICKER",
            Contract::Stream => "STREAM",
        }
    }
}

/// `acceptDataFormat` / `FEED_CONFIG.dataFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Compact,
    Full,
}

impl DataFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DataFormat::Compact => "COMPACT",
            DataFormat::Full => "FULL",
        }
    }
}

/// One entry of `FEED_SUBSCRIPTION.add` / `remove`. `from_time` (epoch ms) is required for
/// candles, on `remove` too (the spec ignores it there but wants it present).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subscription {
    pub event_type: EventType,
    pub symbol: String,
    pub from_time: Option<i64>,
}

impl Subscription {
    pub fn new(event_type: EventType, symbol: impl Into<String>) -> Self {
        Subscription {
            event_type,
            symbol: symbol.into(),
            from_time: None,
        }
    }

    fn write_json(&self, out: &mut String) {
        out.push_str("{\"type\":\"");
        out.push_str(self.event_type.as_str());
        out.push_str("\",\"symbol\":");
        push_json_string(out, &self.symbol);
        if let Some(from_time) = self.from_time {
            let _ = write!(out, ",\"fromTime\":{from_time}");
        }
        out.push('}');
    }
}

/// A message to the server. [`ClientMessage::to_json`] writes it as tastytrade's docs show it.
/// `Debug` of [`ClientMessage::Auth`] prints the token as `***` (it is a [`Secret`]).
#[derive(Debug, Clone, Copy)]
pub enum ClientMessage<'a> {
    /// `{"type":"SETUP","channel":0,"version":…,"keepaliveTimeout":…,"acceptKeepaliveTimeout":…}`
    Setup {
        version: &'a str,
        /// Seconds we wait for the server before giving up on it.
        keepalive_timeout: u32,
        /// Seconds we ask the server to wait for us.
        accept_keepalive_timeout: u32,
    },
    Auth {
        token: &'a Secret,
    },
    /// `service: FEED`.
    ChannelRequest {
        channel: u32,
        contract: Contract,
    },
    ChannelCancel {
        channel: u32,
    },
    /// Asks for `event_types`, each with its [`EventType::requested_fields`].
    FeedSetup {
        channel: u32,
        /// Seconds (`0.25` = batches every 250 ms).
        accept_aggregation_period: Decimal,
        accept_data_format: DataFormat,
        event_types: &'a [EventType],
    },
    Keepalive,
}

impl ClientMessage<'_> {
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(96);
        match *self {
            ClientMessage::Setup {
                version,
                keepalive_timeout,
                accept_keepalive_timeout,
            } => {
                out.push_str("{\"type\":\"SETUP\",\"channel\":0,\"version\":");
                push_json_string(&mut out, version);
                let _ = write!(
                    out,
                    ",\"keepaliveTimeout\":{keepalive_timeout},\"acceptKeepaliveTimeout\":{accept_keepalive_timeout}}}"
                );
            }
            ClientMessage::Auth { token } => {
                out.push_str("{\"type\":\"AUTH\",\"channel\":0,\"token\":");
                push_json_string(&mut out, token.expose());
                out.push('}');
            }
            ClientMessage::ChannelRequest { channel, contract } => {
                let _ = write!(
                    out,
                    "{{\"type\":\"CHANNEL_REQUEST\",\"channel\":{channel},\"service\":\"FEED\",\"parameters\":{{\"contract\":\"{}\"}}}}",
                    contract.as_str()
                );
            }
            ClientMessage::ChannelCancel { channel } => {
                let _ = write!(out, "{{\"type\":\"CHANNEL_CANCEL\",\"channel\":{channel}}}");
            }
            ClientMessage::FeedSetup {
                channel,
                accept_aggregation_period,
                accept_data_format,
                event_types,
            } => {
                let _ = write!(
                    out,
                    "{{\"type\":\"FEED_SETUP\",\"channel\":{channel},\"acceptAggregationPeriod\":{accept_aggregation_period},\"acceptDataFormat\":\"{}\",\"acceptEventFields\":{{",
                    accept_data_format.as_str()
                );
                for (i, event_type) in event_types.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(event_type.as_str());
                    out.push_str("\":[");
                    for (j, field) in event_type.requested_fields().iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        out.push('"');
                        out.push_str(field.as_str());
                        out.push('"');
                    }
                    out.push(']');
                }
                out.push_str("}}");
            }
            ClientMessage::Keepalive => out.push_str("{\"type\":\"KEEPALIVE\",\"channel\":0}"),
        }
        out
    }
}

/// `FEED_SUBSCRIPTION` messages for `channel`, each under `max_bytes` (oversized messages close
/// the socket with 1009; the JS SDK chunks at about 8 KB: docs/tastytrade.md §6.9).
/// Removals go first, then additions; `reset: true` rides on the first message only (and is
/// sent alone when both lists are empty). An entry too long for any message goes alone.
pub fn feed_subscriptions(
    channel: u32,
    reset: bool,
    add: &[Subscription],
    remove: &[Subscription],
    max_bytes: usize,
) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut open_list: Option<&str> = None;
    let mut entry = String::new();
    let lists = [("remove", remove), ("add", add)];
    for (list, entries) in lists {
        for subscription in entries {
            entry.clear();
            subscription.write_json(&mut entry);
            // `]}` closes the message; a new list in the same message costs `],"add":[`.
            let extra = match open_list {
                Some(l) if l == list => 1,
                Some(_) => list.len() + 6,
                None => 0,
            };
            if open_list.is_some() && current.len() + extra + entry.len() + 2 > max_bytes {
                current.push_str("]}");
                messages.push(std::mem::take(&mut current));
                open_list = None;
            }
            match open_list {
                Some(l) if l == list => current.push(','),
                Some(_) => {
                    current.push_str("],\"");
                    current.push_str(list);
                    current.push_str("\":[");
                }
                None => {
                    let _ = write!(
                        current,
                        "{{\"type\":\"FEED_SUBSCRIPTION\",\"channel\":{channel}"
                    );
                    if reset && messages.is_empty() {
                        current.push_str(",\"reset\":true");
                    }
                    current.push_str(",\"");
                    current.push_str(list);
                    current.push_str("\":[");
                }
            }
            open_list = Some(list);
            current.push_str(&entry);
        }
    }
    if open_list.is_some() {
        current.push_str("]}");
        messages.push(current);
    } else if reset && messages.is_empty() {
        messages.push(format!(
            "{{\"type\":\"FEED_SUBSCRIPTION\",\"channel\":{channel},\"reset\":true}}"
        ));
    }
    messages
}

/// Writes `s` as a JSON string (quotes, backslashes and control characters escaped).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `AUTH_STATE.state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    Authorized,
    Unauthorized,
    Other(String),
}

/// A message from the server. Anything not listed (or without a `type`) is `Other`.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    Setup {
        version: Option<String>,
        /// Seconds the server waits for us before closing.
        keepalive_timeout: Option<u32>,
        accept_keepalive_timeout: Option<u32>,
    },
    AuthState {
        state: AuthState,
    },
    ChannelOpened {
        channel: u32,
    },
    ChannelClosed {
        channel: u32,
    },
    FeedConfig {
        channel: u32,
        data_format: Option<DataFormat>,
        /// Seconds.
        aggregation_period: Option<Decimal>,
        /// The announced column layouts (types we do not use left out); empty when absent.
        event_fields: Vec<(EventType, Vec<Field>)>,
    },
    /// `data` is decoded by [`super::decode_feed_data`] against the channel's layout.
    FeedData {
        channel: u32,
        data: Value,
    },
    Keepalive,
    /// Fatal for the connection. `error` ∈ `UNSUPPORTED_PROTOCOL`, `TIMEOUT`, `UNAUTHORIZED`,
    /// `INVALID_MESSAGE`, `BAD_ACTION`, `UNKNOWN`.
    Error {
        error: String,
        message: String,
    },
    Other,
}

/// The text was not a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAMessage;

impl ServerMessage {
    /// Reads one text frame. Never panics; unknown types and fields are not errors.
    #[inline(never)]
    pub fn parse(text: &str) -> Result<ServerMessage, NotAMessage> {
        let mut value: Value = serde_json::from_str(text).map_err(|_| NotAMessage)?;
        let object = value.as_object_mut().ok_or(NotAMessage)?;
        let string = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
        let number = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        let channel = number("channel").unwrap_or(CONTROL_CHANNEL);
        let message = match object.get("type").and_then(Value::as_str).unwrap_or("") {
            "SETUP" => ServerMessage::Setup {
                version: string("version"),
                keepalive_timeout: number("keepaliveTimeout"),
                accept_keepalive_timeout: number("acceptKeepaliveTimeout"),
            },
            "AUTH_STATE" => ServerMessage::AuthState {
                state: match string("state").unwrap_or_default().as_str() {
                    "AUTHORIZED" => AuthState::Authorized,
                    "UNAUTHORIZED" => AuthState::Unauthorized,
                    other => AuthState::Other(other.to_owned()),
                },
            },
            "CHANNEL_OPENED" => ServerMessage::ChannelOpened { channel },
            "CHANNEL_CLOSED" => ServerMessage::ChannelClosed { channel },
            "FEED_CONFIG" => ServerMessage::FeedConfig {
                channel,
                data_format: match string("dataFormat").as_deref() {
                    Some("COMPACT") => Some(DataFormat::Compact),
                    Some("FULL") => Some(DataFormat::Full),
                    _ => None,
                },
                aggregation_period: object
                    .get("aggregationPeriod")
                    .and_then(super::event::decimal_value),
                event_fields: object
                    .get("eventFields")
                    .and_then(Value::as_object)
                    .map(|map| {
                        map.iter()
                            .filter_map(|(name, fields)| {
                                let event_type = EventType::from_wire(name)?;
                                let fields = fields
                                    .as_array()?
                                    .iter()
                                    .map(|f| f.as_str().map_or(Field::Other, Field::from_wire))
                                    .collect();
                                Some((event_type, fields))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "FEED_DATA" => ServerMessage::FeedData {
                channel,
                // Taken, not removed: `Map::remove` would add a B-tree removal to the wasm.
                data: object
                    .get_mut("data")
                    .map(Value::take)
                    .unwrap_or(Value::Null),
            },
            "KEEPALIVE" => ServerMessage::Keepalive,
            "ERROR" => ServerMessage::Error {
                error: string("error").unwrap_or_default(),
                message: string("message").unwrap_or_default(),
            },
            _ => ServerMessage::Other,
        };
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client side of the transcript in docs/tastytrade.md §6.9, byte for byte.
    #[test]
    fn client_messages_match_the_transcript() {
        let token = Secret::new("<api quote token>");
        let cases = [
            (
                ClientMessage::Setup {
                    version: "0.1-DXF-JS/0.3.0",
                    keepalive_timeout: 60,
                    accept_keepalive_timeout: 60,
                },
                r#"{"type":"SETUP","channel":0,"version":"0.1-DXF-JS/0.3.0","keepaliveTimeout":60,"acceptKeepaliveTimeout":60}"#,
            ),
            (
                ClientMessage::Auth { token: &token },
                r#"{"type":"AUTH","channel":0,"token":"<api quote token>"}"#,
            ),
            (
                ClientMessage::ChannelRequest {
                    channel: 3,
                    contract: Contract::Auto,
                },
                r#"{"type":"CHANNEL_REQUEST","channel":3,"service":"FEED","parameters":{"contract":"AUTO"}}"#,
            ),
            (
                ClientMessage::ChannelRequest {
                    channel: 5,
                    contract: Contract::History,
                },
                r#"{"type":"CHANNEL_REQUEST","channel":5,"service":"FEED","parameters":{"contract":"HISTORY"}}"#,
            ),
            (
                ClientMessage::ChannelCancel { channel: 3 },
                r#"{"type":"CHANNEL_CANCEL","channel":3}"#,
            ),
            (
                ClientMessage::Keepalive,
                r#"{"type":"KEEPALIVE","channel":0}"#,
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(message.to_json(), expected);
            serde_json::from_str::<Value>(expected).unwrap();
        }
        assert!(!format!("{:?}", ClientMessage::Auth { token: &token }).contains("api quote"));
    }

    #[test]
    fn feed_setup_asks_for_exactly_the_decoded_fields() {
        let json = ClientMessage::FeedSetup {
            channel: 1,
            accept_aggregation_period: Decimal::new(25, 2),
            accept_data_format: DataFormat::Compact,
            event_types: &[EventType::Quote, EventType::Candle],
        }
        .to_json();
        assert_eq!(
            json,
            r#"{"type":"FEED_SETUP","channel":1,"acceptAggregationPeriod":0.25,"acceptDataFormat":"COMPACT","acceptEventFields":{"Quote":["eventSymbol","bidPrice","askPrice","bidSize","askSize"],"Candle":["eventSymbol","eventFlags","time","open","high","low","close","volume","vwap"]}}"#
        );
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["acceptAggregationPeriod"].as_f64(), Some(0.25));
    }

    /// The documented FEED_SUBSCRIPTION examples (docs/tastytrade.md §6.9), and escaping of odd
    /// symbols.
    #[test]
    fn feed_subscription_matches_the_docs() {
        let add = [
            Subscription::new(EventType::Quote, "SPY"),
            Subscription::new(EventType::Trade, "SPY"),
            Subscription::new(EventType::Greeks, ".SPY260918C600"),
            Subscription {
                event_type: EventType::Candle,
                symbol: "AAPL{=5m}".into(),
                from_time: Some(1691402400000),
            },
        ];
        assert_eq!(
            feed_subscriptions(3, true, &add, &[], 8192),
            vec![
                r#"{"type":"FEED_SUBSCRIPTION","channel":3,"reset":true,"add":[{"type":"Quote","symbol":"SPY"},{"type":"Trade","symbol":"SPY"},{"type":"Greeks","symbol":".SPY260918C600"},{"type":"Candle","symbol":"AAPL{=5m}","fromTime":1691402400000}]}"#
            ]
        );
        assert_eq!(
            feed_subscriptions(3, false, &[], &add[..1], 8192),
            vec![
                r#"{"type":"FEED_SUBSCRIPTION","channel":3,"remove":[{"type":"Quote","symbol":"SPY"}]}"#
            ]
        );
        assert_eq!(
            feed_subscriptions(3, false, &add[1..2], &add[..1], 8192),
            vec![
                r#"{"type":"FEED_SUBSCRIPTION","channel":3,"remove":[{"type":"Quote","symbol":"SPY"}],"add":[{"type":"Trade","symbol":"SPY"}]}"#
            ]
        );
        assert_eq!(
            feed_subscriptions(1, true, &[], &[], 8192),
            vec![r#"{"type":"FEED_SUBSCRIPTION","channel":1,"reset":true}"#]
        );
        assert!(feed_subscriptions(1, false, &[], &[], 8192).is_empty());
        let odd = [Subscription::new(EventType::Quote, "A\"B\\C\n")];
        let json = &feed_subscriptions(1, false, &odd, &[], 8192)[0];
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["add"][0]["symbol"], "A\"B\\C\n");
    }

    #[test]
    fn feed_subscriptions_are_chunked_under_the_limit_and_lose_nothing() {
        let add: Vec<Subscription> = (0..2000)
            .map(|i| Subscription::new(EventType::Quote, format!("SYM{i}")))
            .collect();
        let remove: Vec<Subscription> = (0..500)
            .map(|i| Subscription::new(EventType::Trade, format!("OLD{i}")))
            .collect();
        let messages = feed_subscriptions(1, true, &add, &remove, 8000);
        assert!(messages.len() > 5, "{}", messages.len());
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for (i, message) in messages.iter().enumerate() {
            assert!(message.len() <= 8000, "{}", message.len());
            let value: Value = serde_json::from_str(message).unwrap();
            assert_eq!(value["type"], "FEED_SUBSCRIPTION");
            assert_eq!(value["reset"].as_bool(), (i == 0).then_some(true));
            for entry in value["add"].as_array().into_iter().flatten() {
                added.push(entry["symbol"].as_str().unwrap().to_owned());
            }
            for entry in value["remove"].as_array().into_iter().flatten() {
                removed.push(entry["symbol"].as_str().unwrap().to_owned());
            }
        }
        let expected_add: Vec<String> = add.iter().map(|s| s.symbol.clone()).collect();
        let expected_remove: Vec<String> = remove.iter().map(|s| s.symbol.clone()).collect();
        assert_eq!(added, expected_add);
        assert_eq!(removed, expected_remove);
        // An entry longer than the limit goes alone rather than looping or being dropped.
        let long = [
            Subscription::new(EventType::Quote, "X".repeat(100)),
            Subscription::new(EventType::Quote, "Y"),
        ];
        let messages = feed_subscriptions(1, false, &long, &[], 50);
        assert_eq!(messages.len(), 2);
        assert!(messages[0].contains(&"X".repeat(100)) && messages[1].contains("\"Y\""));
    }

    /// The server side of the transcript in docs/tastytrade.md §6.9.
    #[test]
    fn server_messages_from_the_transcript() {
        let cases = [
            (
                r#"{"type":"SETUP","channel":0,"keepaliveTimeout":60,"acceptKeepaliveTimeout":60,"version":"1.0-1.2.1-20240722-153442"}"#,
                ServerMessage::Setup {
                    version: Some("1.0-1.2.1-20240722-153442".into()),
                    keepalive_timeout: Some(60),
                    accept_keepalive_timeout: Some(60),
                },
            ),
            (
                r#"{"type":"AUTH_STATE","channel":0,"state":"UNAUTHORIZED"}"#,
                ServerMessage::AuthState {
                    state: AuthState::Unauthorized,
                },
            ),
            (
                r#"{"type":"AUTH_STATE","channel":0,"state":"AUTHORIZED","userId":"<id>"}"#,
                ServerMessage::AuthState {
                    state: AuthState::Authorized,
                },
            ),
            (
                r#"{"type":"CHANNEL_OPENED","channel":3,"service":"FEED","parameters":{"contract":"AUTO","subFormat":"LIST"}}"#,
                ServerMessage::ChannelOpened { channel: 3 },
            ),
            (
                r#"{"type":"FEED_CONFIG","channel":3,"dataFormat":"COMPACT","aggregationPeriod":0.1}"#,
                ServerMessage::FeedConfig {
                    channel: 3,
                    data_format: Some(DataFormat::Compact),
                    aggregation_period: Some(Decimal::new(1, 1)),
                    event_fields: vec![],
                },
            ),
            (
                r#"{"type":"CHANNEL_CLOSED","channel":3}"#,
                ServerMessage::ChannelClosed { channel: 3 },
            ),
            (
                r#"{"type":"KEEPALIVE","channel":0}"#,
                ServerMessage::Keepalive,
            ),
            (
                r#"{"type":"ERROR","channel":0,"error":"TIMEOUT","message":"no keepalive"}"#,
                ServerMessage::Error {
                    error: "TIMEOUT".into(),
                    message: "no keepalive".into(),
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(ServerMessage::parse(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn feed_config_and_data_keep_what_decoding_needs() {
        let text = r#"{"type":"FEED_CONFIG","channel":1,"dataFormat":"FULL","aggregationPeriod":"0.25",
            "eventFields":{"Quote":["eventType","eventSymbol","bidPrice",7],"TimeAndSale":["eventSymbol"]}}"#;
        let Ok(ServerMessage::FeedConfig {
            data_format,
            aggregation_period,
            event_fields,
            ..
        }) = ServerMessage::parse(text)
        else {
            panic!()
        };
        assert_eq!(data_format, Some(DataFormat::Full));
        assert_eq!(aggregation_period, Some(Decimal::new(25, 2)));
        assert_eq!(
            event_fields,
            vec![(
                EventType::Quote,
                vec![
                    Field::EventType,
                    Field::EventSymbol,
                    Field::BidPrice,
                    Field::Other
                ]
            )]
        );
        let text = r#"{"type":"FEED_DATA","channel":1,"data":["Quote",["SPY",1,2,3,4]]}"#;
        let Ok(ServerMessage::FeedData { channel, data }) = ServerMessage::parse(text) else {
            panic!()
        };
        assert_eq!(channel, 1);
        assert_eq!(data[0], "Quote");
    }

    #[test]
    fn odd_server_messages_never_fail_loudly() {
        for (text, expected) in [
            (
                r#"{"type":"NEW_THING","channel":9}"#,
                Ok(ServerMessage::Other),
            ),
            (r#"{"channel":0}"#, Ok(ServerMessage::Other)),
            (r#"{"type":7}"#, Ok(ServerMessage::Other)),
            (
                r#"{"type":"AUTH_STATE"}"#,
                Ok(ServerMessage::AuthState {
                    state: AuthState::Other(String::new()),
                }),
            ),
            (
                r#"{"type":"CHANNEL_OPENED","channel":-1}"#,
                Ok(ServerMessage::ChannelOpened { channel: 0 }),
            ),
            (
                r#"{"type":"FEED_DATA","channel":1}"#,
                Ok(ServerMessage::FeedData {
                    channel: 1,
                    data: Value::Null,
                }),
            ),
            (
                r#"{"type":"ERROR"}"#,
                Ok(ServerMessage::Error {
                    error: String::new(),
                    message: String::new(),
                }),
            ),
            ("[1,2]", Err(NotAMessage)),
            ("not json", Err(NotAMessage)),
            ("", Err(NotAMessage)),
        ] {
            assert_eq!(ServerMessage::parse(text), expected, "{text}");
        }
    }
}
