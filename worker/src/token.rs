//! tastytrade's token endpoint through the `oauth2` crate: the code exchange (with the PKCE
//! verifier) and every refresh, typed requests and responses, and what an answer means for a
//! session. Requests are form-encoded with the client secret in the body, as tastytrade accepts
//! (docs/tastytrade.md §2.2); success is plain OAuth JSON, errors come as
//! `{"error_code": …, "error_description": …}` or RFC 6749 `{"error": …}` (§2.3).
//!
//! The HTTP client is an adapter (in `edge/upstream.rs`) over `worker::Fetch`, which adds the
//! `User-Agent`; [`to_http_response`] is its pure half. Two things tastytrade does that the crate
//! does not model, handled here: the `error_code` field name ([`TokenErrorBody`]), and statuses
//! meaning "try later" (5xx, 408, 429), which the adapter turns into [`HttpFailure::Unavailable`]
//! so they are never mistaken for a refusal that ends the session.

use crate::secret::Secret;
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenResponse,
};
use oauth2::{
    AsyncHttpClient, AuthType, AuthorizationCode, Client, ClientId, ClientSecret, EndpointNotSet,
    EndpointSet, HttpResponse, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Refresh when the access token has at most this long left (or a quarter of its lifetime, if
/// that is shorter, so very short-lived tokens are not refreshed on every call).
pub const REFRESH_MARGIN_MS: i64 = 60_000;
/// `expires_in` when the response has none (tastytrade's documented 15 minutes).
pub const DEFAULT_EXPIRES_IN_SECS: i64 = 900;
const MAX_EXPIRES_IN_SECS: i64 = 24 * 60 * 60;

/// `User-Agent` on every upstream call (tastytrade requires one; docs/tastytrade.md §3.1).
pub const USER_AGENT: &str = concat!("tastypocket/", env!("CARGO_PKG_VERSION"));

/// A token endpoint error body in either shape. `error` may also be the API envelope's object
/// (not a token error code); only a string counts.
#[derive(Clone, Serialize, Deserialize)]
pub struct TokenErrorBody {
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    /// Never logged or shown: it may echo request data.
    #[serde(default, skip_serializing)]
    pub error_description: Option<String>,
}

impl TokenErrorBody {
    /// The error code, sanitized for logging.
    pub fn code(&self) -> Option<String> {
        self.error_code
            .as_deref()
            .or_else(|| self.error.as_ref().and_then(|e| e.as_str()))
            .map(sanitize_code)
    }
}

/// Like `Display`: the description may echo request data, so it is never printed.
impl fmt::Debug for TokenErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for TokenErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token error {}", self.code().as_deref().unwrap_or("-"))
    }
}

impl oauth2::ErrorResponse for TokenErrorBody {}

/// Why the adapter has no usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpFailure {
    Network,
    Timeout,
    /// tastytrade answered 5xx, 408 or 429: try later.
    Unavailable(u16),
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpFailure::Network => f.write_str("network failure"),
            HttpFailure::Timeout => f.write_str("timed out"),
            HttpFailure::Unavailable(status) => write!(f, "unavailable ({status})"),
        }
    }
}

impl std::error::Error for HttpFailure {}

/// The pure half of the HTTP adapter: an upstream answer as the crate's response type.
pub fn to_http_response(
    status: u16,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<HttpResponse, HttpFailure> {
    if status >= 500 || status == 408 || status == 429 {
        return Err(HttpFailure::Unavailable(status));
    }
    let mut builder = oauth2::http::Response::builder().status(status);
    if let Some(ct) = content_type {
        builder = builder.header(oauth2::http::header::CONTENT_TYPE, ct);
    }
    builder.body(body).map_err(|_| HttpFailure::Network)
}

/// The `oauth2` client for tastytrade's token endpoint (secret in the request body).
pub type TokenClient = Client<
    TokenErrorBody,
    BasicTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A client for `token_url`; `None` if the URL does not parse (configuration is checked first).
pub fn token_client(
    client_id: &str,
    client_secret: &Secret,
    token_url: &str,
) -> Option<TokenClient> {
    let url = TokenUrl::new(token_url.to_owned()).ok()?;
    Some(
        Client::new(ClientId::new(client_id.to_owned()))
            .set_client_secret(ClientSecret::new(client_secret.expose().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(url),
    )
}

/// `grant_type=authorization_code` with the redirect URI and, when given, the PKCE verifier.
pub async fn exchange_code<'c, C>(
    client: &'c TokenClient,
    http: &'c C,
    code: &Secret,
    verifier: Option<&Secret>,
    redirect_uri: &str,
) -> TokenOutcome
where
    C: AsyncHttpClient<'c, Error = HttpFailure>,
{
    let Ok(redirect) = RedirectUrl::new(redirect_uri.to_owned()) else {
        return TokenOutcome::Rejected { code: None };
    };
    let mut request = client
        .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
        .set_redirect_uri(Cow::Owned(redirect));
    if let Some(v) = verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.expose().to_owned()));
    }
    classify(request.request_async(http).await)
}

/// The refresh token in the crate's type (its `Debug` is redacted too).
pub fn refresh_token(secret: &Secret) -> RefreshToken {
    RefreshToken::new(secret.expose().to_owned())
}

/// `grant_type=refresh_token`.
pub async fn refresh<'c, C>(
    client: &'c TokenClient,
    http: &'c C,
    token: &'c RefreshToken,
) -> TokenOutcome
where
    C: AsyncHttpClient<'c, Error = HttpFailure>,
{
    classify(
        client
            .exchange_refresh_token(token)
            .request_async(http)
            .await,
    )
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
    /// The grant holds `trade` (`config::holds_trade`); sessions stored before trading read as
    /// read-only, which they were.
    #[serde(rename = "t", default)]
    pub can_trade: bool,
}

impl Tokens {
    pub fn new(
        access: Secret,
        refresh: Secret,
        now_ms: i64,
        expires_in_secs: i64,
        can_trade: bool,
    ) -> Self {
        Self {
            access,
            refresh,
            access_expires_ms: expiry(now_ms, expires_in_secs),
            lifetime_ms: expires_in_secs.saturating_mul(1000),
            can_trade,
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
        /// The granted scopes (space-separated) when the response says (RFC 6749 §5.1).
        scope: Option<String>,
    },
    /// `invalid_grant`: the code or refresh token is dead for good.
    InvalidGrant,
    /// `invalid_client`: tastytrade refuses this deployment's client id or secret. Nothing a
    /// user can do; the operator must fix the configuration.
    InvalidClient,
    /// Any other refusal: bad request, wrong redirect URI, … (sanitized code, if any).
    Rejected { code: Option<String> },
    /// Network failure, timeout, 5xx, 408, 429: try later.
    Unavailable { timeout: bool },
    /// An answer that is not a usable token response (unparseable, wrong content type, …).
    Malformed,
}

/// Classifies the crate's result. Never returns or logs body text other than a sanitized
/// error code.
pub fn classify(
    result: Result<BasicTokenResponse, RequestTokenError<HttpFailure, TokenErrorBody>>,
) -> TokenOutcome {
    match result {
        Ok(grant) => {
            let access = Secret::new(grant.access_token().secret().clone());
            if access.is_empty() {
                return TokenOutcome::Malformed;
            }
            let expires_in_secs = grant
                .expires_in()
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_EXPIRES_IN_SECS)
                .min(MAX_EXPIRES_IN_SECS);
            TokenOutcome::Granted {
                access,
                refresh: grant
                    .refresh_token()
                    .map(|r| Secret::new(r.secret().clone()))
                    .filter(|t| !t.is_empty()),
                expires_in_secs,
                scope: grant.scopes().map(|scopes| {
                    scopes
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            }
        }
        Err(RequestTokenError::ServerResponse(body)) => match body.code().as_deref() {
            Some("invalid_grant") => TokenOutcome::InvalidGrant,
            Some("invalid_client") => TokenOutcome::InvalidClient,
            _ => TokenOutcome::Rejected { code: body.code() },
        },
        Err(RequestTokenError::Request(f)) => TokenOutcome::Unavailable {
            timeout: f == HttpFailure::Timeout,
        },
        Err(RequestTokenError::Parse(..)) | Err(RequestTokenError::Other(_)) => {
            TokenOutcome::Malformed
        }
    }
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
    use futures::executor::block_on;
    use oauth2::HttpRequest;
    use std::cell::RefCell;

    const TOKEN_URL: &str = "http://127.0.0.1:7878/oauth/token";

    fn client() -> TokenClient {
        token_client("tastypocket-demo", &Secret::new("s3cret"), TOKEN_URL).unwrap()
    }

    /// A fake HTTP client: records each request, answers with `status`, `content_type`, `body`
    /// through the same pure adapter half the worker uses.
    struct Fake {
        seen: RefCell<Vec<HttpRequest>>,
        answer: Result<(u16, Option<&'static str>, &'static str), HttpFailure>,
    }

    impl Fake {
        fn new(status: u16, body: &'static str) -> Self {
            Self {
                seen: RefCell::new(Vec::new()),
                answer: Ok((status, Some("application/json"), body)),
            }
        }
        fn failing(f: HttpFailure) -> Self {
            Self {
                seen: RefCell::new(Vec::new()),
                answer: Err(f),
            }
        }
        fn call(
            &self,
        ) -> impl Fn(HttpRequest) -> std::future::Ready<Result<HttpResponse, HttpFailure>> + '_
        {
            move |req| {
                self.seen.borrow_mut().push(req);
                std::future::ready(self.answer.and_then(|(status, ct, body)| {
                    to_http_response(status, ct, body.as_bytes().to_vec())
                }))
            }
        }
        fn form(&self) -> Vec<(String, String)> {
            let seen = self.seen.borrow();
            assert_eq!(seen.len(), 1, "exactly one request");
            let req = &seen[0];
            assert_eq!(req.method(), oauth2::http::Method::POST);
            assert_eq!(req.uri().to_string(), TOKEN_URL);
            assert_eq!(
                req.headers()[oauth2::http::header::CONTENT_TYPE],
                "application/x-www-form-urlencoded"
            );
            assert!(req
                .headers()
                .get(oauth2::http::header::AUTHORIZATION)
                .is_none());
            let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(req.body())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.sort();
            pairs
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = list
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.sort();
        v
    }

    const GRANTED: &str = r#"{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":900,"scope":"read trade","id_token":"x"}"#;

    #[test]
    fn code_exchange_sends_what_tastytrade_expects() {
        let fake = Fake::new(200, GRANTED);
        let call = fake.call();
        let out = block_on(exchange_code(
            &client(),
            &call,
            &Secret::new("c0de"),
            Some(&Secret::new("v".repeat(43))),
            "http://localhost:8787/callback",
        ));
        assert_eq!(
            out,
            TokenOutcome::Granted {
                access: Secret::new("at"),
                refresh: Some(Secret::new("rt")),
                expires_in_secs: 900,
                scope: Some("read trade".into()),
            }
        );
        let v = "v".repeat(43);
        assert_eq!(
            fake.form(),
            pairs(&[
                ("grant_type", "authorization_code"),
                ("code", "c0de"),
                ("client_id", "tastypocket-demo"),
                ("client_secret", "s3cret"),
                ("redirect_uri", "http://localhost:8787/callback"),
                ("code_verifier", &v),
            ])
        );
    }

    #[test]
    fn code_exchange_without_verifier_sends_none() {
        let fake = Fake::new(200, GRANTED);
        let call = fake.call();
        let _ = block_on(exchange_code(
            &client(),
            &call,
            &Secret::new("c"),
            None,
            "http://x/callback",
        ));
        assert!(!fake.form().iter().any(|(k, _)| k == "code_verifier"));
    }

    #[test]
    fn refresh_sends_the_refresh_grant() {
        let fake = Fake::new(
            200,
            r#"{"access_token":"at2","token_type":"bearer","expires_in":60}"#,
        );
        let call = fake.call();
        let out = block_on(refresh(
            &client(),
            &call,
            &refresh_token(&Secret::new("rt")),
        ));
        assert_eq!(
            out,
            TokenOutcome::Granted {
                access: Secret::new("at2"),
                refresh: None,
                expires_in_secs: 60,
                scope: None,
            }
        );
        assert_eq!(
            fake.form(),
            pairs(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt"),
                ("client_id", "tastypocket-demo"),
                ("client_secret", "s3cret"),
            ])
        );
    }

    fn outcome(status: u16, body: &'static str) -> TokenOutcome {
        let fake = Fake::new(status, body);
        let call = fake.call();
        block_on(refresh(
            &client(),
            &call,
            &refresh_token(&Secret::new("rt")),
        ))
    }

    #[test]
    fn granted_defaults_and_malformed() {
        assert!(matches!(
            outcome(200, r#"{"access_token":"at","token_type":"Bearer"}"#),
            TokenOutcome::Granted {
                expires_in_secs: DEFAULT_EXPIRES_IN_SECS,
                refresh: None,
                ..
            }
        ));
        assert!(matches!(
            outcome(
                200,
                r#"{"access_token":"at","token_type":"Bearer","expires_in":999999}"#
            ),
            TokenOutcome::Granted {
                expires_in_secs: MAX_EXPIRES_IN_SECS,
                ..
            }
        ));
        assert_eq!(outcome(200, "{}"), TokenOutcome::Malformed);
        assert_eq!(outcome(200, "<html>"), TokenOutcome::Malformed);
        assert_eq!(
            outcome(200, r#"{"access_token":"","token_type":"Bearer"}"#),
            TokenOutcome::Malformed
        );
    }

    #[test]
    fn invalid_grant_in_either_shape() {
        for body in [
            r#"{"error_code":"invalid_grant","error_description":"Invalid JWT"}"#,
            r#"{"error":"invalid_grant"}"#,
        ] {
            for status in [400, 401, 403] {
                assert_eq!(
                    outcome(status, body),
                    TokenOutcome::InvalidGrant,
                    "{status} {body}"
                );
            }
        }
    }

    #[test]
    fn invalid_client_is_its_own_outcome() {
        assert_eq!(
            outcome(
                401,
                r#"{"error_code":"invalid_client","error_description":"bad secret"}"#
            ),
            TokenOutcome::InvalidClient
        );
    }

    #[test]
    fn other_errors() {
        assert_eq!(
            outcome(
                400,
                r#"{"error_code":"invalid_request","error_description":"x"}"#
            ),
            TokenOutcome::Rejected {
                code: Some("invalid_request".into())
            }
        );
        // The API error envelope has an object under `error`; that is not a token error code.
        assert_eq!(
            outcome(403, r#"{"error":{"code":"not_permitted"}}"#),
            TokenOutcome::Rejected { code: None }
        );
        for status in [500, 502, 503, 408, 429] {
            assert_eq!(
                outcome(status, "{}"),
                TokenOutcome::Unavailable { timeout: false },
                "{status}"
            );
        }
        for (f, timeout) in [(HttpFailure::Network, false), (HttpFailure::Timeout, true)] {
            let fake = Fake::failing(f);
            let call = fake.call();
            assert_eq!(
                block_on(refresh(
                    &client(),
                    &call,
                    &refresh_token(&Secret::new("rt"))
                )),
                TokenOutcome::Unavailable { timeout }
            );
        }
    }

    #[test]
    fn error_display_carries_only_the_code() {
        let body: TokenErrorBody = serde_json::from_str(
            r#"{"error_code":"Invalid_Client","error_description":"secret s3cret is wrong"}"#,
        )
        .unwrap();
        let shown = format!("{body} {body:?}");
        assert!(shown.starts_with("token error invalid_client"));
        assert!(!shown.contains("s3cret"), "{shown}");
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
            can_trade: false,
        };
        assert!(!t(200_000).needs_refresh(100_000));
        assert!(t(160_000).needs_refresh(100_000));
        assert!(t(159_999).needs_refresh(100_000));
        assert!(!t(160_001).needs_refresh(100_000));
        assert!(t(50_000).needs_refresh(100_000));

        // 900 s tokens: refreshed in their last minute.
        let normal = Tokens::new(Secret::new("a"), Secret::new("r"), 0, 900, true);
        assert_eq!(normal.access_expires_ms, 900_000);
        assert!(!normal.needs_refresh(839_999));
        assert!(normal.needs_refresh(840_000));
        // 8 s tokens (simulator tests): refreshed in their last 2 s, not on every call.
        let short = Tokens::new(Secret::new("a"), Secret::new("r"), 0, 8, false);
        assert!(!short.needs_refresh(5_999));
        assert!(short.needs_refresh(6_000));
        // Stored before `lifetime_ms` existed: the plain margin applies.
        let old: Tokens = serde_json::from_str(r#"{"a":"x","r":"y","e":100000}"#).unwrap();
        assert!(old.needs_refresh(40_000));
        // …and before trading: read-only.
        assert!(!old.can_trade);
        let kept: Tokens = serde_json::from_str(&serde_json::to_string(&normal).unwrap()).unwrap();
        assert!(kept.can_trade);
    }

    #[test]
    fn user_agent_is_product_slash_version() {
        assert!(USER_AGENT.starts_with("tastypocket/"));
        assert!(USER_AGENT["tastypocket/".len()..].contains('.'));
    }

    #[test]
    fn tokens_debug_hides_values() {
        let t = Tokens::new(Secret::new("AT"), Secret::new("RT"), 1, 1, true);
        let d = format!("{t:?}");
        assert!(!d.contains("AT") && !d.contains("RT"), "{d}");
    }
}
