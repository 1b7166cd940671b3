//! `GET /api-quote-tokens` (docs/tastytrade.md §6.9): the market-data token for DXLink.

use serde::Deserialize;

use super::history::UtcTime;
use super::oauth::Secret;

/// The answer's `data`. The token grants market data only, so the app may hold it, in memory
/// only; it is a [`Secret`], so `Debug` prints `***`. Not `Serialize`: nothing writes it out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ApiQuoteToken {
    pub token: Secret,
    /// Where to connect; check it against the environment's pattern before connecting
    /// (`dxlink::MarketDataUrlPolicy`).
    pub dxlink_url: String,
    /// `api` in production; the sandbox has answered `demo` (delayed quotes).
    #[serde(default)]
    pub level: Option<String>,
    /// Swagger lists these two; presence uncertain.
    #[serde(default)]
    pub issued_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
}

impl ApiQuoteToken {
    /// The token lives 24 h (documented).
    pub const LIFETIME_MS: i64 = 24 * 3_600_000;

    /// `expires-at` as epoch ms, when present and readable.
    pub fn expires_at_ms(&self) -> Option<i64> {
        let time = UtcTime::parse(self.expires_at.as_deref()?)?;
        time.unix_seconds
            .checked_mul(1000)?
            .checked_add(i64::from(time.nanos / 1_000_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tastytrade::Envelope;

    #[test]
    fn documented_answer_and_swagger_times() {
        let body = r#"{"data":{"token":"sim-quote-token-abc","dxlink-url":"wss://tasty-openapi-ws.dxfeed.com/realtime","level":"api"},"context":"/api-quote-tokens"}"#;
        let token = serde_json::from_str::<Envelope<ApiQuoteToken>>(body)
            .unwrap()
            .data;
        assert_eq!(token.token.expose(), "sim-quote-token-abc");
        assert_eq!(
            token.dxlink_url,
            "wss://tasty-openapi-ws.dxfeed.com/realtime"
        );
        assert_eq!(token.level.as_deref(), Some("api"));
        assert_eq!(token.expires_at_ms(), None);
        let debug = format!("{token:?}");
        assert!(
            !debug.contains("sim-quote-token-abc") && debug.contains("***"),
            "{debug}"
        );

        let body = r#"{"token":"t","dxlink-url":"ws://127.0.0.1:7931/dxlink","level":"demo",
            "issued-at":"2026-12-06T10:00:00.000Z","expires-at":"2026-12-07T10:00:00.250Z","extra":1}"#;
        let token: ApiQuoteToken = serde_json::from_str(body).unwrap();
        assert_eq!(token.expires_at_ms(), Some(1_796_637_600_250));
        let bad: ApiQuoteToken =
            serde_json::from_str(r#"{"token":"t","dxlink-url":"x","expires-at":"tomorrow"}"#)
                .unwrap();
        assert_eq!(bad.expires_at_ms(), None);
        assert!(serde_json::from_str::<ApiQuoteToken>(r#"{"dxlink-url":"x"}"#).is_err());
    }
}
