//! The account-streamer relay's message filter (docs/contracts.md, Worker; docs/tastytrade.md
//! §6.12): what the browser may send to tastytrade's account streamer through the worker, and the
//! message the worker sends in its place, carrying the session's token. Pure, so it is tested
//! natively; the socket plumbing is in `edge/relay.rs`.
//!
//! A browser message is forwarded only if it is a JSON object of at most [`MAX_CLIENT_MESSAGE`]
//! bytes whose `action` is `connect`, `account-subscribe` (its `value` the session's own account
//! numbers, one string or a list) or `heartbeat`. The outgoing message is rebuilt from `action`,
//! `value`, `request-id` and `source` only; any `auth-token` the browser sent is dropped and the
//! worker's own `Bearer <access token>` is added.

use crate::allowlist::is_account_number;
use serde_json::{Map, Value};

/// Largest browser message relayed (a connect for a dozen accounts is ~300 bytes).
pub const MAX_CLIENT_MESSAGE: usize = 4096;
/// The answer to a message that is not forwarded (the socket stays open).
pub const NOT_ALLOWED: &str = "not allowed";
/// Close code and reason when the session ends (sign-out, expiry, revocation).
pub const SIGNED_OUT_CODE: u16 = pocket_shared::bff::SIGNED_OUT_CLOSE_CODE;
pub const SIGNED_OUT_REASON: &str = "signed out";

/// The actions the relay forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Connect,
    AccountSubscribe,
    Heartbeat,
}

impl Action {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "connect" => Self::Connect,
            "account-subscribe" => Self::AccountSubscribe,
            "heartbeat" => Self::Heartbeat,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::AccountSubscribe => "account-subscribe",
            Self::Heartbeat => "heartbeat",
        }
    }
}

/// A browser message that passed the shape checks; [`Screened::permitted`] still has to hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    pub action: Action,
    /// Account numbers named by `connect` / `account-subscribe` (empty for a heartbeat).
    accounts: Vec<String>,
    /// `value` as sent (a string or a list), forwarded as it was.
    value: Option<Value>,
    request_id: Option<Value>,
    source: Option<Value>,
}

/// A browser message that is not forwarded; `action` is echoed when it was a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub action: Option<String>,
}

/// Longest `action` echoed back in a refusal, and longest `source` forwarded.
const MAX_ECHO: usize = 64;

/// Checks one browser text frame's shape.
pub fn screen(text: &str) -> Result<Screened, Refused> {
    let anonymous = Refused { action: None };
    if text.len() > MAX_CLIENT_MESSAGE {
        return Err(anonymous);
    }
    let Ok(Value::Object(msg)) = serde_json::from_str::<Value>(text) else {
        return Err(anonymous);
    };
    let echoed = msg
        .get("action")
        .and_then(Value::as_str)
        .filter(|a| a.len() <= MAX_ECHO && a.bytes().all(|b| b.is_ascii_graphic()));
    let refused = || Refused {
        action: echoed.map(str::to_owned),
    };
    let action = echoed.and_then(Action::parse).ok_or_else(refused)?;
    let request_id = match msg.get("request-id") {
        None | Some(Value::Null) => None,
        Some(id @ Value::Number(_)) => Some(id.clone()),
        Some(Value::String(id)) if id.len() <= MAX_ECHO => Some(Value::String(id.clone())),
        Some(_) => return Err(refused()),
    };
    let source = match msg.get("source") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= MAX_ECHO => Some(Value::String(s.clone())),
        Some(_) => return Err(refused()),
    };
    let (accounts, value) = match action {
        Action::Heartbeat => (Vec::new(), None),
        Action::Connect | Action::AccountSubscribe => {
            let value = msg.get("value").cloned().ok_or_else(refused)?;
            let accounts = match &value {
                Value::String(n) => vec![n.clone()],
                Value::Array(list) => list
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(refused)?,
                _ => return Err(refused()),
            };
            if accounts.is_empty() || !accounts.iter().all(|n| is_account_number(n)) {
                return Err(refused());
            }
            (accounts, Some(value))
        }
    };
    Ok(Screened {
        action,
        accounts,
        value,
        request_id,
        source,
    })
}

impl Screened {
    pub fn action_str(&self) -> &'static str {
        self.action.as_str()
    }

    /// Whether forwarding needs the session's account numbers.
    pub fn names_accounts(&self) -> bool {
        !self.accounts.is_empty()
    }

    /// Every account it names is one of `own` (the session's `/customers/me/accounts`).
    pub fn permitted(&self, own: &[String]) -> bool {
        self.accounts.iter().all(|n| own.contains(n))
    }

    /// The message sent upstream: the checked fields plus the session's token.
    pub fn outbound(&self, access_token: &str) -> String {
        let mut out = Map::new();
        out.insert("action".into(), Value::from(self.action.as_str()));
        if let Some(v) = &self.value {
            out.insert("value".into(), v.clone());
        }
        out.insert(
            "auth-token".into(),
            Value::String(format!("Bearer {access_token}")),
        );
        if let Some(id) = &self.request_id {
            out.insert("request-id".into(), id.clone());
        }
        if let Some(s) = &self.source {
            out.insert("source".into(), s.clone());
        }
        Value::Object(out).to_string()
    }
}

/// The frame the browser gets instead of a forwarded message, in the streamer's ack shape.
pub fn error_frame(action: Option<&str>, message: &str) -> String {
    serde_json::json!({ "status": "error", "action": action, "message": message }).to_string()
}

/// The refusal for a message that is not forwarded.
pub fn refusal(refused: &Refused) -> String {
    error_frame(refused.action.as_deref(), NOT_ALLOWED)
}

/// A close code the relay may send on (1000, or an application code 3000–4999); anything else
/// (1005/1006 are reserved, 1001 etc. describe the other side) becomes 1000.
pub fn relayable_close_code(code: u16) -> u16 {
    if (3000..=4999).contains(&code) {
        code
    } else {
        1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn own() -> Vec<String> {
        vec!["5WT00001".into(), "5WT00002".into()]
    }

    fn sent(text: &str, token: &str) -> Value {
        let s = screen(text).unwrap();
        assert!(s.permitted(&own()), "{text}");
        serde_json::from_str(&s.outbound(token)).unwrap()
    }

    #[test]
    fn connect_and_subscribe_to_own_accounts_get_the_sessions_token() {
        let out = sent(
            r#"{"action":"connect","value":["5WT00001","5WT00002"],"request-id":2,"source":"app"}"#,
            "AT-1",
        );
        assert_eq!(
            out,
            json!({"action":"connect","value":["5WT00001","5WT00002"],
                   "auth-token":"Bearer AT-1","request-id":2,"source":"app"})
        );
        let out = sent(
            r#"{"action":"account-subscribe","value":"5WT00001","request-id":"7"}"#,
            "AT-2",
        );
        assert_eq!(
            out,
            json!({"action":"account-subscribe","value":"5WT00001",
                   "auth-token":"Bearer AT-2","request-id":"7"})
        );
    }

    #[test]
    fn a_browser_token_is_replaced_and_other_fields_dropped() {
        let out = sent(
            r#"{"action":"heartbeat","auth-token":"Bearer forged","value":"x","extra":{"a":1}}"#,
            "AT-real",
        );
        assert_eq!(
            out,
            json!({"action":"heartbeat","auth-token":"Bearer AT-real"})
        );
        let s = screen(r#"{"action":"heartbeat"}"#).unwrap();
        assert!(!s.names_accounts());
    }

    #[test]
    fn another_customers_account_is_not_permitted() {
        for text in [
            r#"{"action":"connect","value":"5WX99999"}"#,
            r#"{"action":"connect","value":["5WT00001","5WX99999"]}"#,
            r#"{"action":"account-subscribe","value":["5WX99999"]}"#,
        ] {
            let s = screen(text).unwrap();
            assert!(s.names_accounts());
            assert!(!s.permitted(&own()), "{text}");
        }
    }

    #[test]
    fn other_actions_and_shapes_are_refused_with_the_action_echoed() {
        for (text, action) in [
            (
                r#"{"action":"public-watchlists-subscribe"}"#,
                Some("public-watchlists-subscribe"),
            ),
            (
                r#"{"action":"quote-alerts-subscribe"}"#,
                Some("quote-alerts-subscribe"),
            ),
            (
                r#"{"action":"user-message-subscribe","value":"x"}"#,
                Some("user-message-subscribe"),
            ),
            (
                r#"{"action":"Connect","value":"5WT00001"}"#,
                Some("Connect"),
            ),
            (r#"{"action":"connect"}"#, Some("connect")),
            (r#"{"action":"connect","value":[]}"#, Some("connect")),
            (r#"{"action":"connect","value":5}"#, Some("connect")),
            (
                r#"{"action":"connect","value":["5WT00001",5]}"#,
                Some("connect"),
            ),
            (
                r#"{"action":"connect","value":"5wt00001"}"#,
                Some("connect"),
            ),
            (r#"{"action":"connect","value":"../x"}"#, Some("connect")),
            (
                r#"{"action":"heartbeat","request-id":{"a":1}}"#,
                Some("heartbeat"),
            ),
            (
                r#"{"action":"heartbeat","source":["x"]}"#,
                Some("heartbeat"),
            ),
            (r#"{"action":5}"#, None),
            (r#"{}"#, None),
            (r#"["connect"]"#, None),
            (r#""heartbeat""#, None),
            ("not json", None),
            ("", None),
        ] {
            let r = screen(text).unwrap_err();
            assert_eq!(r.action.as_deref(), action, "{text}");
            let frame: Value = serde_json::from_str(&refusal(&r)).unwrap();
            assert_eq!(
                frame,
                json!({"status":"error","action":action,"message":"not allowed"})
            );
        }
    }

    #[test]
    fn oversized_messages_are_refused() {
        let pad = "x".repeat(MAX_CLIENT_MESSAGE);
        let text = format!(r#"{{"action":"heartbeat","source":"{pad}"}}"#);
        assert_eq!(screen(&text).unwrap_err().action, None);
        let long_source = format!(r#"{{"action":"heartbeat","source":"{}"}}"#, "s".repeat(65));
        assert!(screen(&long_source).is_err());
        let long_action = format!(r#"{{"action":"{}"}}"#, "a".repeat(65));
        assert_eq!(screen(&long_action).unwrap_err().action, None);
    }

    #[test]
    fn close_codes() {
        assert_eq!(relayable_close_code(1000), 1000);
        assert_eq!(relayable_close_code(4001), 4001);
        assert_eq!(relayable_close_code(3000), 3000);
        for other in [0, 1001, 1005, 1006, 1011, 2999, 5000] {
            assert_eq!(relayable_close_code(other), 1000, "{other}");
        }
    }
}
