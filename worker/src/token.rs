//! tastytrade's token endpoint: request bodies, response classification and expiry math.
//! Responses are plain OAuth JSON (snake_case, no `data` envelope); errors come as
//! `{"error_code": …, "error_description": …}` or RFC 6749 `{"error": …}`.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Refresh when the access token has at most this long left (or a quarter of its lifetime, if
/// that is shorter, so very short-lived tokens are not refreshed on every call).
pub const REFRESH_MARGIN_MS: i64 = 60_000;
/// `expires_in` when the response has none (tastytrade's documented 15 minutes).
pub const DEFAULT_EXPIRES_IN_SECS: i64 = 900;
const MAX_EXPIRES_IN_SECS: i64 = 24 * 60 * 60;

/// `User-Agent` on every upstream call (tastytrade requires `product/version`).
pub const USER_AGENT: &str = concat!("tastypocket/", env!("CARGO_PKG_VERSION"));

#[derive(Serialize)]
pub struct CodeGrant<'a> {
    pub grant_type: &'static str,
    pub code: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub redirect_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<&'a str>,
}

impl<'a> CodeGrant<'a> {
    pub fn new(
        code: &'a Secret,
        client_id: &'a str,
        client_secret: &'a Secret,
        redirect_uri: &'a str,
        code_verifier: Option<&'a Secret>,
    ) -> Self {
        Self {
            grant_type: "authorization_code",
            code: code.expose(),
            client_id,
            client_secret: client_secret.expose(),
            redirect_uri,
            code_verifier: code_verifier.map(Secret::expose),
        }
    }
}

#[derive(Serialize)]
pub struct RefreshGrant<'a> {
    pub grant_type: &'static str,
    pub refresh_token: &'a str,
    pub client_secret: &'a str,
    pub client_id: &'a str,
}

impl<'a> RefreshGrant<'a> {
    pub fn new(refresh_token: &'a Secret, client_id: &'a str, client_secret: &'a Secret) -> Self {
        Self {
            grant_type: "refresh_token",
            refresh_token: refresh_token.expose(),
            client_secret: client_secret.expose(),
            client_id,
        }
    }
}

/// The token pair kept for a session (encrypted at rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    #[serde(rename = "a")]
    pub access: Secret,
    #[serde(rename = "r")]
    pub refresh: Secret,
    /// Epoch ms when the access token expires.
    #[serde(rename = "e")]
    pub access_expires_ms: i64,
    /// The access token's lifetime as issued (ms); 0 if unknown.
    #[serde(rename = "l", default)]
    pub lifetime_ms: i64,
}

impl Tokens {
    pub fn new(access: Secret, refresh: Secret, now_ms: i64, expires_in_secs: i64) -> Self {
        Self {
            access,
            refresh,
            access_expires_ms: expiry(now_ms, expires_in_secs),
            lifetime_ms: expires_in_secs.saturating_mul(1000),
        }
    }

    pub fn needs_refresh(&self, now_ms: i64) -> bool {
        let margin = if self.lifetime_ms > 0 {
            REFRESH_MARGIN_MS.min(self.lifetime_ms / 4)
        } else {
            REFRESH_MARGIN_MS
        };
        self.access_expires_ms.saturating_sub(now_ms) <= margin
    }
}

/// What a token endpoint answer means for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOutcome {
    Granted {
        access: Secret,
        /// Only present when tastytrade rotates it (it does not today); keep the old one otherwise.
        refresh: Option<Secret>,
        expires_in_secs: i64,
    },
    /// `invalid_grant`: the code or refresh token is dead for good.
    InvalidGrant,
    /// Any other refusal (4xx): bad client, bad request, wrong redirect URI, …
    Rejected { status: u16, code: Option<String> },
    /// 5xx, 408, 429: try later.
    Unavailable { status: u16 },
    /// 2xx without a usable access token.
    Malformed,
}

#[derive(Deserialize)]
struct GrantBody {
    access_token: Option<Secret>,
    refresh_token: Option<Secret>,
    expires_in: Option<serde_json::Value>,
}

/// Classifies a token endpoint response. Never returns or logs body text other than a sanitized
/// error code.
pub fn classify_token_response(status: u16, body: &[u8]) -> TokenOutcome {
    if (200..300).contains(&status) {
        let Ok(grant) = serde_json::from_slice::<GrantBody>(body) else {
            return TokenOutcome::Malformed;
        };
        let Some(access) = grant.access_token.filter(|t| !t.is_empty()) else {
            return TokenOutcome::Malformed;
        };
        let expires_in_secs = grant
            .expires_in
            .as_ref()
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_EXPIRES_IN_SECS)
            .min(MAX_EXPIRES_IN_SECS);
        return TokenOutcome::Granted {
            access,
            refresh: grant.refresh_token.filter(|t| !t.is_empty()),
            expires_in_secs,
        };
    }
    let code = error_code(body);
    if code.as_deref() == Some("invalid_grant") {
        return TokenOutcome::InvalidGrant;
    }
    if status >= 500 || status == 408 || status == 429 {
        return TokenOutcome::Unavailable { status };
    }
    TokenOutcome::Rejected { status, code }
}

/// `error_code` (tastytrade) or a string `error` (RFC 6749), sanitized for logging.
fn error_code(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let raw = v
        .get("error_code")
        .and_then(|c| c.as_str())
        .or_else(|| v.get("error").and_then(|c| c.as_str()))?;
    Some(sanitize_code(raw))
}

/// Keeps an error code loggable: `[a-z0-9_.-]`, at most 64 characters.
pub fn sanitize_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Epoch ms at which a token issued at `now_ms` with `expires_in_secs` expires.
pub fn expiry(now_ms: i64, expires_in_secs: i64) -> i64 {
    now_ms.saturating_add(expires_in_secs.saturating_mul(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_grant_body_is_what_tastytrade_expects() {
        let code = Secret::new("c0de");
        let secret = Secret::new("s3cret");
        let verifier = Secret::new("v");
        let body = serde_json::to_value(CodeGrant::new(
            &code,
            "tastypocket-demo",
            &secret,
            "http://localhost:8787/callback",
            Some(&verifier),
        ))
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "grant_type": "authorization_code",
                "code": "c0de",
                "client_id": "tastypocket-demo",
                "client_secret": "s3cret",
                "redirect_uri": "http://localhost:8787/callback",
                "code_verifier": "v",
            })
        );
        let without =
            serde_json::to_value(CodeGrant::new(&code, "id", &secret, "r", None)).unwrap();
        assert!(without.get("code_verifier").is_none());
    }

    #[test]
    fn refresh_grant_body() {
        let rt = Secret::new("rt");
        let secret = Secret::new("s");
        assert_eq!(
            serde_json::to_value(RefreshGrant::new(&rt, "id", &secret)).unwrap(),
            serde_json::json!({
                "grant_type": "refresh_token",
                "refresh_token": "rt",
                "client_secret": "s",
                "client_id": "id",
            })
        );
    }

    #[test]
    fn granted() {
        let body = br#"{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":900,"id_token":"x"}"#;
        assert_eq!(
            classify_token_response(200, body),
            TokenOutcome::Granted {
                access: Secret::new("at"),
                refresh: Some(Secret::new("rt")),
                expires_in_secs: 900
            }
        );
        let no_refresh = br#"{"access_token":"at","expires_in":"60"}"#;
        assert_eq!(
            classify_token_response(200, no_refresh),
            TokenOutcome::Granted {
                access: Secret::new("at"),
                refresh: None,
                expires_in_secs: 60
            }
        );
        let no_expiry = br#"{"access_token":"at","refresh_token":""}"#;
        assert!(matches!(
            classify_token_response(201, no_expiry),
            TokenOutcome::Granted {
                refresh: None,
                expires_in_secs: DEFAULT_EXPIRES_IN_SECS,
                ..
            }
        ));
        assert_eq!(classify_token_response(200, b"{}"), TokenOutcome::Malformed);
        assert_eq!(
            classify_token_response(200, b"<html>"),
            TokenOutcome::Malformed
        );
        assert_eq!(
            classify_token_response(200, br#"{"access_token":""}"#),
            TokenOutcome::Malformed
        );
    }

    #[test]
    fn invalid_grant_in_either_shape() {
        for body in [
            &br#"{"error_code":"invalid_grant","error_description":"Invalid JWT"}"#[..],
            br#"{"error":"invalid_grant"}"#,
        ] {
            for status in [400, 401, 403] {
                assert_eq!(
                    classify_token_response(status, body),
                    TokenOutcome::InvalidGrant
                );
            }
        }
    }

    #[test]
    fn other_errors() {
        assert_eq!(
            classify_token_response(
                400,
                br#"{"error_code":"invalid_request","error_description":"x"}"#
            ),
            TokenOutcome::Rejected {
                status: 400,
                code: Some("invalid_request".into())
            }
        );
        assert_eq!(
            classify_token_response(401, b"<html>nginx</html>"),
            TokenOutcome::Rejected {
                status: 401,
                code: None
            }
        );
        // The API error envelope has an object under `error`; that is not a token error code.
        assert_eq!(
            classify_token_response(403, br#"{"error":{"code":"not_permitted"}}"#),
            TokenOutcome::Rejected {
                status: 403,
                code: None
            }
        );
        for status in [500, 502, 503, 408, 429] {
            assert_eq!(
                classify_token_response(status, b"{}"),
                TokenOutcome::Unavailable { status }
            );
        }
    }

    #[test]
    fn codes_are_sanitized() {
        assert_eq!(
            sanitize_code("Invalid_Grant\n<script>"),
            "invalid_grantscript"
        );
        assert_eq!(sanitize_code(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn expiry_math() {
        assert_eq!(expiry(1_000, 900), 901_000);
        assert_eq!(expiry(i64::MAX - 1, 900), i64::MAX);
        let t = |exp| Tokens {
            access: Secret::new("a"),
            refresh: Secret::new("r"),
            access_expires_ms: exp,
            lifetime_ms: 0,
        };
        assert!(!t(200_000).needs_refresh(100_000));
        assert!(t(160_000).needs_refresh(100_000));
        assert!(t(159_999).needs_refresh(100_000));
        assert!(!t(160_001).needs_refresh(100_000));
        assert!(t(50_000).needs_refresh(100_000));

        // 900 s tokens: refreshed in their last minute.
        let normal = Tokens::new(Secret::new("a"), Secret::new("r"), 0, 900);
        assert_eq!(normal.access_expires_ms, 900_000);
        assert!(!normal.needs_refresh(839_999));
        assert!(normal.needs_refresh(840_000));
        // 8 s tokens (simulator tests): refreshed in their last 2 s, not on every call.
        let short = Tokens::new(Secret::new("a"), Secret::new("r"), 0, 8);
        assert!(!short.needs_refresh(5_999));
        assert!(short.needs_refresh(6_000));
        // Stored before `lifetime_ms` existed: the plain margin applies.
        let old: Tokens = serde_json::from_str(r#"{"a":"x","r":"y","e":100000}"#).unwrap();
        assert!(old.needs_refresh(40_000));
    }

    #[test]
    fn user_agent_is_product_slash_version() {
        assert!(USER_AGENT.starts_with("tastypocket/"));
        assert!(USER_AGENT["tastypocket/".len()..].contains('.'));
    }

    #[test]
    fn tokens_debug_hides_values() {
        let t = Tokens::new(Secret::new("AT"), Secret::new("RT"), 1, 1);
        let d = format!("{t:?}");
        assert!(!d.contains("AT") && !d.contains("RT"), "{d}");
    }
}
