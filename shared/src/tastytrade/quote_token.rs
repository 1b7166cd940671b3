//! `GET /api-quote-tokens` (docs/tastytrade.md §6.9): the market-data token for DXLink.

use serde_json::Value;

use super::history::UtcTime;
use super::oauth::Secret;

/// The answer's `data`. The token grants market data only, so the app may hold it, in memory
/// only; it is a [`Secret`], so `Debug` prints `***`. Read with [`ApiQuoteToken::from_json`]
/// rather than a derived deserializer: the app already parses DXLink frames into a
/// `serde_json::Value`, and reading this from one costs far less wasm than a second decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiQuoteToken {
    pub token: Secret,
    /// Where to connect; check it against the environment's pattern before connecting
    /// (`dxlink::MarketDataUrlPolicy`).
    pub dxlink_url: String,
    /// `api` in production; the sandbox has answered `demo` (delayed quotes).
    pub level: Option<String>,
    /// Swagger lists these two; presence uncertain.
    pub issued_at: Option<String>,
    pub expires_at: Option<String>,
}

impl ApiQuoteToken {
    /// The token lives 24 h (documented).
    pub const LIFETIME_MS: i64 = 24 * 3_600_000;

    /// Reads the answer's `data` object; `None` without a string `token` and `dxlink-url`.
    /// Other keys are ignored.
    pub fn from_json(data: &Value) -> Option<ApiQuoteToken> {
        let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(ApiQuoteToken {
            token: Secret::new(text("token")?),
            dxlink_url: text("dxlink-url")?,
            level: text("level"),
            issued_at: text("issued-at"),
            expires_at: text("expires-at"),
        })
    }

    /// `expires-at` as epoch ms, when present and readable.
    pub fn expires_at_ms(&self) -> Option<i64> {
        Some(UtcTime::parse(self.expires_at.as_deref()?)?.unix_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_answer_and_swagger_times() {
        let body: Value = serde_json::from_str(
            r#"{"data":{"token":"sim-quote-token-abc","dxlink-url":"wss://tasty-openapi-ws.dxfeed.com/realtime","level":"api"},"context":"/api-quote-tokens"}"#,
        )
        .unwrap();
        let token = ApiQuoteToken::from_json(&body["data"]).unwrap();
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

        let data: Value = serde_json::from_str(
            r#"{"token":"t","dxlink-url":"ws://127.0.0.1:7931/dxlink","level":"demo",
            "issued-at":"2026-12-06T10:00:00.000Z","expires-at":"2026-12-07T10:00:00.250Z","extra":1}"#,
        )
        .unwrap();
        let token = ApiQuoteToken::from_json(&data).unwrap();
        assert_eq!(token.expires_at_ms(), Some(1_796_637_600_250));
        assert_eq!(token.issued_at.as_deref(), Some("2026-12-06T10:00:00.000Z"));
        let bad: Value =
            serde_json::from_str(r#"{"token":"t","dxlink-url":"x","expires-at":"tomorrow"}"#)
                .unwrap();
        assert_eq!(
            ApiQuoteToken::from_json(&bad).unwrap().expires_at_ms(),
            None
        );
        for missing in [
            r#"{"dxlink-url":"x"}"#,
            r#"{"token":"t"}"#,
            r#"{"token":7,"dxlink-url":"x"}"#,
            r#"[]"#,
            r#"null"#,
        ] {
            let value: Value = serde_json::from_str(missing).unwrap();
            assert!(ApiQuoteToken::from_json(&value).is_none(), "{missing}");
        }
    }
}
