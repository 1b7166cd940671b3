//! `GET /market-time/sessions/current?instrument-collections[]=Equity` (docs/tastytrade.md
//! §6.9): whether the market is open, for the app's "market closed" state.

use serde_json::Value;

use super::history::UtcTime;

/// One instrument collection's current session. Read with [`MarketSession::from_json`] (as
/// `ApiQuoteToken`: the app reads it from a `serde_json::Value`, which costs less wasm than a
/// derived deserializer); every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketSession {
    /// `Equity`, …
    pub instrument_collection: Option<String>,
    /// `Open`, `Closed`, … (other values observed but not documented).
    pub state: Option<String>,
    pub open_at: Option<String>,
    pub close_at: Option<String>,
    /// `next-session.open-at`.
    pub next_open_at: Option<String>,
}

impl MarketSession {
    /// Reads the answer's `data`: one session object, or `items` (the first is taken).
    pub fn from_json(data: &Value) -> Option<MarketSession> {
        let session = match data.get("items") {
            Some(items) => items.get(0)?,
            None => data,
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        session.as_object()?;
        Some(MarketSession {
            instrument_collection: text(session, "instrument-collection"),
            state: text(session, "state"),
            open_at: text(session, "open-at"),
            close_at: text(session, "close-at"),
            next_open_at: session
                .get("next-session")
                .and_then(|next| text(next, "open-at")),
        })
    }

    /// `state` is `Closed` (any case). An unknown or missing state is not "closed": the app
    /// then says nothing rather than something wrong.
    pub fn is_closed(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("closed"))
    }

    /// When the state next changes (epoch ms): the close while open, the next open while
    /// closed; `None` when the answer does not say.
    pub fn next_change_ms(&self) -> Option<i64> {
        let at = if self.is_closed() {
            self.next_open_at.as_deref()
        } else {
            self.close_at.as_deref()
        }?;
        Some(UtcTime::parse(at)?.unix_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Option<MarketSession> {
        MarketSession::from_json(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn open_and_closed_sessions() {
        let body: Value = serde_json::from_str(
            r#"{"data":{"items":[{"instrument-collection":"Equity","state":"Closed",
            "open-at":"2026-12-04T14:30:00.000Z","close-at":"2026-12-04T21:00:00.000Z",
            "next-session":{"open-at":"2026-12-07T14:30:00.000Z","session-date":"2026-12-07"}}]}}"#,
        )
        .unwrap();
        let session = MarketSession::from_json(&body["data"]).unwrap();
        assert!(session.is_closed());
        assert_eq!(session.instrument_collection.as_deref(), Some("Equity"));
        assert_eq!(session.next_change_ms(), Some(1_796_653_800_000));
        let open = parse(r#"{"state":"Open","close-at":"2026-12-07T21:00:00Z"}"#).unwrap();
        assert!(!open.is_closed());
        assert_eq!(open.next_change_ms(), Some(1_796_677_200_000));
        let odd = parse(r#"{"state":"Pre-Market"}"#).unwrap();
        assert!(!odd.is_closed() && odd.next_change_ms().is_none());
        assert_eq!(parse(r#"{"items":[]}"#), None);
        assert_eq!(parse(r#"[]"#), None);
        assert_eq!(parse(r#"{"state":5}"#), Some(MarketSession::default()));
    }
}
