//! `GET /market-time/sessions/current?instrument-collections[]=Equity` (docs/tastytrade.md
//! §6.9): whether the market is open, for the app's "market closed" state.

use serde::Deserialize;

use super::history::UtcTime;

/// One instrument collection's current session. Read tolerantly: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MarketSession {
    /// `Equity`, …
    #[serde(default)]
    pub instrument_collection: Option<String>,
    /// `Open`, `Closed`, … (other values observed but not documented).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub open_at: Option<String>,
    #[serde(default)]
    pub close_at: Option<String>,
    #[serde(default)]
    pub next_session: Option<NextSession>,
}

/// `next-session` of a [`MarketSession`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NextSession {
    #[serde(default)]
    pub open_at: Option<String>,
}

impl MarketSession {
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
            self.next_session.as_ref()?.open_at.as_deref()
        } else {
            self.close_at.as_deref()
        }?;
        let time = UtcTime::parse(at)?;
        time.unix_seconds.checked_mul(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tastytrade::{Envelope, OneOrFirst};

    #[test]
    fn open_and_closed_sessions() {
        let body = r#"{"data":{"items":[{"instrument-collection":"Equity","state":"Closed",
            "open-at":"2026-12-04T14:30:00.000Z","close-at":"2026-12-04T21:00:00.000Z",
            "next-session":{"open-at":"2026-12-07T14:30:00.000Z","session-date":"2026-12-07"}}]}}"#;
        let session = serde_json::from_str::<Envelope<OneOrFirst<MarketSession>>>(body)
            .unwrap()
            .data
            .0;
        assert!(session.is_closed());
        assert_eq!(session.next_change_ms(), Some(1_796_653_800_000));
        let open: MarketSession =
            serde_json::from_str(r#"{"state":"Open","close-at":"2026-12-07T21:00:00Z"}"#).unwrap();
        assert!(!open.is_closed());
        assert_eq!(open.next_change_ms(), Some(1_796_677_200_000));
        let odd: MarketSession = serde_json::from_str(r#"{"state":"Pre-Market"}"#).unwrap();
        assert!(!odd.is_closed() && odd.next_change_ms().is_none());
    }
}
