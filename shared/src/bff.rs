//! The app <-> worker contract (the worker is the backend-for-frontend: it holds every token).
//!
//! Routes (all same-origin, served by the worker before the static assets):
//! - `GET  /auth/config`   -> [`AuthConfig`]: what the app needs to start the authorize redirect.
//! - `POST /auth/exchange` <- [`ExchangeRequest`] -> [`SessionInfo`] + `Set-Cookie: __Host-…`.
//! - `GET  /auth/session`  -> [`SessionInfo`] (never a token).
//! - `POST /auth/logout`   -> 204, server-side session deleted, cookie cleared.
//! - `/api/<tastytrade path>` -> proxied to tastytrade with the bearer token (allowlisted).
//!
//! Worker-generated errors use [`BffError`]; upstream tastytrade errors pass through unchanged.

use serde::{Deserialize, Serialize};

/// Name of the opaque session cookie (`Secure; HttpOnly; Path=/; SameSite=Strict`, no `Domain`).
pub const SESSION_COOKIE: &str = "__Host-pocket-session";

/// Custom header required on every state-changing call (POST/PUT/PATCH/DELETE): a cross-site
/// form or `fetch` cannot set it without a CORS preflight, which the worker never grants.
pub const CSRF_HEADER: &str = "x-pocket-csrf";
/// The value the app sends in [`CSRF_HEADER`].
pub const CSRF_VALUE: &str = "1";

/// Path prefix under which the worker proxies tastytrade's REST API.
pub const API_PREFIX: &str = "/api";

/// `GET /auth/config`: everything the app needs to build the authorize URL, learned at runtime so
/// one build works against the simulator, the sandbox and production.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AuthConfig {
    /// e.g. `https://my.tastytrade.com/auth.html`
    pub authorize_url: String,
    pub client_id: String,
    /// Space-separated, e.g. `read trade openid`.
    pub scope: String,
    /// The exact redirect URI registered with the OAuth client (the app's `/callback` route).
    pub redirect_uri: String,
    /// Whether to send a PKCE S256 challenge (off for real tastytrade until verified there).
    pub pkce: bool,
    pub environment: Environment,
}

/// Which tastytrade the worker talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Simulator,
    Sandbox,
    Production,
}

impl Environment {
    pub fn label(self) -> &'static str {
        match self {
            Environment::Simulator => "Demo (simulator)",
            Environment::Sandbox => "Sandbox",
            Environment::Production => "Live",
        }
    }
}

/// `POST /auth/exchange` body: the callback's code and, when PKCE is on, the verifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExchangeRequest {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
}

/// `GET /auth/session` and the `POST /auth/exchange` success body. Never carries a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SessionInfo {
    pub signed_in: bool,
    pub environment: Environment,
    /// Epoch milliseconds when the session ends at the latest (absolute lifetime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Epoch milliseconds when the session ends if unused (idle timeout); moves with each use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_expires_at: Option<i64>,
}

/// Error body for failures the worker itself produces (not upstream tastytrade errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BffError {
    pub error: BffErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BffErrorBody {
    pub code: BffErrorCode,
    /// Human-readable; never contains a token, code, verifier or secret.
    pub message: String,
}

/// Machine-readable worker error codes; the app maps them to screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BffErrorCode {
    /// No session cookie, unknown/tampered/expired/logged-out session: sign in again.
    SessionRequired,
    /// The refresh token was rejected (`invalid_grant`): the session was ended; sign in again.
    SessionRevoked,
    /// The code exchange failed (bad/expired/reused code, wrong verifier, …).
    ExchangeFailed,
    /// Missing CSRF header on a state-changing request.
    CsrfRequired,
    /// Path or method not on the proxy allowlist.
    NotAllowed,
    /// Malformed request body.
    BadRequest,
    /// tastytrade could not be reached (network failure, timeout); the session is kept.
    UpstreamUnavailable,
    /// A body that is not `application/json` where JSON is required.
    UnsupportedMediaType,
    /// A request body over the size limit.
    PayloadTooLarge,
    /// Too many sign-in attempts from this address; `Retry-After` says when to try again.
    RateLimited,
    /// tastytrade refused this deployment's OAuth client (`invalid_client`): the operator must
    /// fix `TT_CLIENT_ID` / `TT_CLIENT_SECRET`. Retrying does not help.
    ClientRejected,
    /// Anything else; details only in the worker log, without secrets.
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_info_is_kebab_case_and_has_no_token_fields() {
        let info = SessionInfo {
            signed_in: true,
            environment: Environment::Simulator,
            expires_at: Some(1),
            idle_expires_at: Some(2),
        };
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(
            json,
            r#"{"signed-in":true,"environment":"simulator","expires-at":1,"idle-expires-at":2}"#
        );
    }

    #[test]
    fn bff_error_codes_are_snake_case() {
        let e: BffError =
            serde_json::from_str(r#"{"error":{"code":"session_required","message":"Sign in"}}"#)
                .unwrap();
        assert_eq!(e.error.code, BffErrorCode::SessionRequired);
    }
}
