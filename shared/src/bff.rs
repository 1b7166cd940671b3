//! The app <-> worker contract (the worker is the backend-for-frontend: it holds every token).
//!
//! Routes (all same-origin, served by the worker before the static assets):
//! - `GET  /auth/config`   -> [`AuthConfig`]: what the app needs to start the authorize redirect.
//! - `POST /auth/exchange` <- [`ExchangeRequest`] -> [`SignedIn`] (a [`SessionInfo`] with the
//!   first screen's [`Bootstrap`] data) + `Set-Cookie: __Host-…`.
//! - `GET  /auth/session`  -> [`SessionInfo`] (never a token); with `?bootstrap=1[&account=N]`
//!   and a live session, [`SignedIn`] with the bootstrap data for account `N` (else the first).
//! - `POST /auth/logout`   -> 204, server-side session deleted, cookie cleared.
//! - `/api/<tastytrade path>` -> proxied to tastytrade with the bearer token (allowlisted).
//! - `GET /api/account-streamer` (WebSocket upgrade) -> [`ACCOUNT_STREAMER_PATH`]: tastytrade's
//!   account streamer relayed by the worker, which puts the session's token into every message.
//!
//! - A navigation to an app page (not `/callback`) with a live session cookie: the HTML shell with
//!   the same [`SignedIn`] JSON in `<script type="application/json" id="pocket-bootstrap">`
//!   ([`BOOTSTRAP_ELEMENT_ID`]) at the end of the body, served `Cache-Control: no-store`.
//!
//! Worker-generated errors use [`BffError`]; upstream tastytrade errors pass through unchanged.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Name of the opaque session cookie (`Secure; HttpOnly; Path=/; SameSite=Strict`, no `Domain`).
pub const SESSION_COOKIE: &str = "__Host-pocket-session";

/// Custom header required on every state-changing call (POST/PUT/PATCH/DELETE): a cross-site
/// form or `fetch` cannot set it without a CORS preflight, which the worker never grants.
pub const CSRF_HEADER: &str = "x-pocket-csrf";
/// The value the app sends in [`CSRF_HEADER`].
pub const CSRF_VALUE: &str = "1";

/// Path prefix under which the worker proxies tastytrade's REST API.
pub const API_PREFIX: &str = "/api";

/// Same-origin WebSocket relaying tastytrade's account streamer (docs/contracts.md, Worker).
/// The browser sends `connect` / `account-subscribe` (its own accounts) and `heartbeat`
/// messages without a token; anything else is answered with
/// `{"status":"error","action":…,"message":"not allowed"}`. Closed with 4001 "signed out".
pub const ACCOUNT_STREAMER_PATH: &str = "/api/account-streamer";
/// The relay's close code when the session ended (sign-out, expiry, revocation): the app then
/// says the session ended instead of reconnecting.
pub const SIGNED_OUT_CLOSE_CODE: u16 = 4001;

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
    /// The DXLink URLs this deployment allows, e.g. `wss://*.dxfeed.com` (the worker's CSP
    /// `connect-src` carries the same): the app connects to a quote token's `dxlink-url` only
    /// when `dxlink::MarketDataUrlPolicy` of this pattern allows it, and never without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dxlink_url_pattern: Option<String>,
    /// The session holds tastytrade's `trade` scope (from the token response's `scope`, else the
    /// scope the deployment asked for). Without it every order write, dry-runs included, is
    /// refused with [`BffErrorCode::ReadOnly`] and the app hides trading. Absent = `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub can_trade: bool,
}

/// `id` of the JSON data element the worker appends to the HTML shell of a returning signed-in
/// visit (its text is a [`SignedIn`]).
pub const BOOTSTRAP_ELEMENT_ID: &str = "pocket-bootstrap";

/// The `POST /auth/exchange` success body (and `GET /auth/session?bootstrap=1`, and the inlined
/// data element): the session plus, when tastytrade answered, the first screen's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SignedIn {
    #[serde(flatten)]
    pub session: SessionInfo,
    /// Absent when the accounts could not be read (the app then fetches everything itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<Bootstrap>,
}

/// The first screen's data, fetched by the worker in parallel at the edge. The bodies are
/// tastytrade's JSON as it answered (envelope included), not re-modelled: the app decodes them
/// with its own models. A piece that failed is left out and the app fetches it itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Bootstrap {
    /// Body of `GET /customers/me/accounts`.
    pub accounts: serde_json::Value,
    /// Account number -> body of `GET /accounts/{n}/balances`, for every account that answered.
    #[serde(default)]
    pub balances: BTreeMap<String, serde_json::Value>,
    /// The selected account's positions, if they could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positions: Option<BootstrapPositions>,
}

/// Body of `GET /accounts/{account}/positions?include-marks=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BootstrapPositions {
    pub account: String,
    pub body: serde_json::Value,
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
    /// Too many sign-in attempts from this address, or more calls at once than the worker queues
    /// for one session; `Retry-After` says when to try again. (tastytrade's own 429 passes
    /// through in its envelope, also with any `Retry-After`.)
    RateLimited,
    /// tastytrade refused this deployment's OAuth client (`invalid_client`): the operator must
    /// fix `TT_CLIENT_ID` / `TT_CLIENT_SECRET`. Retrying does not help.
    ClientRejected,
    /// An order write from a session without tastytrade's `trade` scope (403); nothing was sent.
    ReadOnly,
    /// An order `POST`, `PUT` or `DELETE` got no answer (network failure, timeout) or a 5xx (502):
    /// it may or may not have reached tastytrade. Never re-send: check the live orders.
    OutcomeUnknown,
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
            dxlink_url_pattern: None,
            can_trade: false,
        };
        let json = serde_json::to_string(&info).unwrap();
        assert_eq!(
            json,
            r#"{"signed-in":true,"environment":"simulator","expires-at":1,"idle-expires-at":2}"#
        );
        let with_pattern = SessionInfo {
            dxlink_url_pattern: Some("wss://*.dxfeed.com".into()),
            ..info
        };
        let json = serde_json::to_string(&with_pattern).unwrap();
        assert!(
            json.ends_with(r#","dxlink-url-pattern":"wss://*.dxfeed.com"}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<SessionInfo>(&json).unwrap(),
            with_pattern
        );
    }

    #[test]
    fn signed_in_flattens_the_session_and_omits_a_missing_bootstrap() {
        let session = SessionInfo {
            signed_in: true,
            environment: Environment::Simulator,
            expires_at: Some(1),
            idle_expires_at: None,
            dxlink_url_pattern: None,
            can_trade: false,
        };
        let bare = SignedIn {
            session: session.clone(),
            bootstrap: None,
        };
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"signed-in":true,"environment":"simulator","expires-at":1}"#
        );
        let full: SignedIn = serde_json::from_str(
            r#"{"signed-in":true,"environment":"simulator","expires-at":1,
                "bootstrap":{"accounts":{"data":{"items":[]}},
                  "balances":{"5WT00001":{"data":{"net-liquidating-value":"1.5"}}},
                  "positions":{"account":"5WT00001","body":{"data":{"items":[]}}}}}"#,
        )
        .unwrap();
        assert_eq!(full.session, session);
        let b = full.bootstrap.unwrap();
        assert_eq!(
            b.balances["5WT00001"]["data"]["net-liquidating-value"],
            "1.5"
        );
        assert_eq!(b.positions.unwrap().account, "5WT00001");
        // A SignedIn body still reads as a plain SessionInfo (the app's older decoder).
        let plain: SessionInfo =
            serde_json::from_str(&serde_json::to_string(&bare).unwrap()).unwrap();
        assert_eq!(plain, session);
        // Pieces may be missing.
        let partial: Bootstrap = serde_json::from_str(r#"{"accounts":{}}"#).unwrap();
        assert!(partial.balances.is_empty() && partial.positions.is_none());
    }

    #[test]
    fn bff_error_codes_are_snake_case() {
        let e: BffError =
            serde_json::from_str(r#"{"error":{"code":"session_required","message":"Sign in"}}"#)
                .unwrap();
        assert_eq!(e.error.code, BffErrorCode::SessionRequired);
    }

    #[test]
    fn trading_fields_and_codes_on_the_wire() {
        let info: SessionInfo =
            serde_json::from_str(r#"{"signed-in":true,"environment":"sandbox","can-trade":true}"#)
                .unwrap();
        assert!(info.can_trade);
        // Older bodies without the field read as read-only, and false is not written.
        let old: SessionInfo =
            serde_json::from_str(r#"{"signed-in":false,"environment":"sandbox"}"#).unwrap();
        assert!(!old.can_trade);
        assert!(!serde_json::to_string(&old).unwrap().contains("can-trade"));
        assert!(serde_json::to_string(&info)
            .unwrap()
            .contains(r#""can-trade":true"#));
        for (code, wire) in [
            (BffErrorCode::ReadOnly, "\"read_only\""),
            (BffErrorCode::OutcomeUnknown, "\"outcome_unknown\""),
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), wire);
        }
    }
}
