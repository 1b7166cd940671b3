//! The browser half of the OAuth authorization-code flow (the worker does the token exchange
//! with the client secret and keeps every token).
//!
//! 1. "Sign in": `GET /auth/config`, make a fresh single-use `state` (and a PKCE S256 verifier
//!    when the worker asks for PKCE), keep them in `sessionStorage` under ONE key for this round
//!    trip only, and navigate to tastytrade's authorize page.
//! 2. `/callback`: read `code`/`state`/`error`, strip them from the address bar at once, take
//!    (read + delete) the stored transaction whatever happens, and check `state` before
//!    believing anything else in the URL: without an exact match even an `error=` is a state
//!    mismatch. Only then does an `error=` count (mapped to a fixed message; no text from the
//!    URL is ever shown), or is `{code, code-verifier}` posted to `/auth/exchange`.

use js_sys::Uint8Array;
use pocket_shared::bff::AuthConfig;
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::router::Route;
use crate::url::encode_uri_component;

/// The one `sessionStorage` key; removed on the callback whatever the outcome.
const TRANSACTION_KEY: &str = "pocket.signin";
/// A sign-in started longer ago than this is refused at the callback.
const TRANSACTION_MAX_AGE_MS: i64 = 15 * 60 * 1000;

/// What survives the redirect to tastytrade and back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub state: String,
    /// Present only when the worker asked for PKCE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<String>,
    /// `Date.now()` (epoch milliseconds) when the sign-in started.
    pub created_ms: i64,
    /// The screen to show after signing in (a deep link opened while signed out); only ever
    /// one of the app's own paths (`Route::is_return_target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// Why sign-in could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(ApiError),
    #[error("This browser blocks session storage, which sign-in needs for one redirect.")]
    Storage,
    #[error("The sign-in address from the server is not valid.")]
    BadAuthorizeUrl,
    #[error("This browser cannot create the secure random values sign-in needs.")]
    Crypto,
    /// The worker asks for PKCE and no valid S256 challenge could be made.
    #[error("This browser could not prepare the secure sign-in check (PKCE) tastytrade needs.")]
    Pkce,
}

/// RFC 4648 §5 base64url without padding (RFC 7636 §4.1, §4.2).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn crypto() -> Result<web_sys::Crypto, StartError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(StartError::Crypto)
}

/// 32 bytes from the browser's CSPRNG, base64url: 43 characters (RFC 7636 §4.1).
fn random_token() -> Result<String, StartError> {
    let mut bytes = [0u8; 32];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| StartError::Crypto)?;
    Ok(base64url(&bytes))
}

/// `S256` challenge: base64url(SHA-256(verifier)) via Web Crypto (RFC 7636 §4.2).
async fn s256_challenge(verifier: &str) -> Result<String, StartError> {
    let promise = crypto()?
        .subtle()
        .digest_with_str_and_u8_array("SHA-256", verifier.as_bytes())
        .map_err(|_| StartError::Crypto)?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|_| StartError::Crypto)?;
    Ok(base64url(&Uint8Array::new(&digest).to_vec()))
}

/// A PKCE pair for one sign-in (RFC 7636): the verifier stays in this tab for the round trip,
/// the S256 challenge goes on the authorize URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    async fn generate() -> Result<Pkce, StartError> {
        let verifier = random_token()?;
        let challenge = s256_challenge(&verifier).await?;
        Ok(Pkce {
            verifier,
            challenge,
        })
    }

    /// 43–128 unreserved characters (RFC 7636 §4.1); an S256 challenge is always 43.
    fn is_well_formed(&self) -> bool {
        let unreserved = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        };
        (43..=128).contains(&self.verifier.len())
            && unreserved(&self.verifier)
            && self.challenge.len() == 43
            && unreserved(&self.challenge)
    }
}

/// Starts a sign-in: fetches the worker's OAuth settings, stores a fresh transaction and
/// navigates away to tastytrade. Returns only on failure.
pub async fn start_sign_in() -> Result<(), StartError> {
    let config = api::auth_config().await.map_err(StartError::Config)?;
    let state = random_token()?;
    let pkce = if config.pkce {
        Some(Pkce::generate().await?)
    } else {
        None
    };
    // Refuses to build a URL without a challenge when the worker asked for PKCE.
    let url = authorize_url(&config, &state, pkce.as_ref())?;
    let txn = Transaction {
        state,
        verifier: pkce.map(|p| p.verifier),
        created_ms: js_sys::Date::now() as i64,
        return_to: current_path().filter(|p| Route::is_return_target(p)),
    };
    store_transaction(&txn)?;
    let window = web_sys::window().ok_or(StartError::BadAuthorizeUrl)?;
    window
        .location()
        .assign(&url)
        .map_err(|_| StartError::BadAuthorizeUrl)
}

/// The address bar's path and query (`/accounts/5WT00002/orders?status=Filled`).
fn current_path() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(location.pathname().ok()? + &location.search().ok()?)
}

/// `authorize_url?response_type=code&client_id&redirect_uri&scope&state[&code_challenge&…]`.
/// With `config.pkce`, a well-formed [`Pkce`] is required: a flow never starts without a
/// challenge when the worker expects a verifier.
pub fn authorize_url(
    config: &AuthConfig,
    state: &str,
    pkce: Option<&Pkce>,
) -> Result<String, StartError> {
    let base = config.authorize_url.trim();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(StartError::BadAuthorizeUrl);
    }
    // A fresh 43-character random token (see `random_token`), never a short or empty one.
    if state.len() < 32 {
        return Err(StartError::Crypto);
    }
    let pkce = match pkce {
        Some(p) if p.is_well_formed() => Some(p),
        Some(_) => return Err(StartError::Pkce),
        None if config.pkce => return Err(StartError::Pkce),
        None => None,
    };
    let encode = encode_uri_component;
    let mut url = String::from(base);
    url.push(if base.contains('?') { '&' } else { '?' });
    url.push_str("response_type=code&client_id=");
    url.push_str(&encode(&config.client_id));
    url.push_str("&redirect_uri=");
    url.push_str(&encode(&config.redirect_uri));
    if !config.scope.trim().is_empty() {
        url.push_str("&scope=");
        url.push_str(&encode(config.scope.trim()));
    }
    url.push_str("&state=");
    url.push_str(&encode(state));
    if let Some(pkce) = pkce {
        url.push_str("&code_challenge=");
        url.push_str(&encode(&pkce.challenge));
        url.push_str("&code_challenge_method=S256");
    }
    Ok(url)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn store_transaction(txn: &Transaction) -> Result<(), StartError> {
    let storage = session_storage().ok_or(StartError::Storage)?;
    let json = serde_json::to_string(txn).map_err(|_| StartError::Storage)?;
    storage
        .set_item(TRANSACTION_KEY, &json)
        .map_err(|_| StartError::Storage)
}

/// Reads and deletes the stored transaction (single use).
pub fn take_transaction() -> Option<Transaction> {
    let storage = session_storage()?;
    let json = storage.get_item(TRANSACTION_KEY).ok().flatten();
    let _ = storage.remove_item(TRANSACTION_KEY);
    serde_json::from_str(&json?).ok()
}

/// The query parameters tastytrade redirected back with. (`error_description` and
/// `error_uri` are deliberately not read: anyone can put text there.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Reads the callback parameters and immediately removes them from the address bar and the
/// history entry (the code must not linger in history or be re-submitted on reload).
pub fn read_and_strip_callback_params() -> CallbackParams {
    let Some(window) = web_sys::window() else {
        return CallbackParams::default();
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get = |k: &str| {
        params
            .as_ref()
            .and_then(|p| p.get(k))
            .filter(|v| !v.is_empty())
    };
    let out = CallbackParams {
        code: get("code"),
        state: get("state"),
        error: get("error"),
    };
    if !search.is_empty() {
        let path = location.pathname().unwrap_or_else(|_| "/callback".into());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
    out
}

/// An `error=` code from the authorization server (RFC 6749 §4.1.2.1), other than
/// `access_denied`. The page shows a fixed message per variant, never the URL's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderError {
    InvalidRequest,
    UnauthorizedClient,
    UnsupportedResponseType,
    InvalidScope,
    ServerError,
    TemporarilyUnavailable,
    /// Any code not in RFC 6749's list.
    Other,
}

impl ProviderError {
    pub fn from_code(code: &str) -> Self {
        match code {
            "invalid_request" => ProviderError::InvalidRequest,
            "unauthorized_client" => ProviderError::UnauthorizedClient,
            "unsupported_response_type" => ProviderError::UnsupportedResponseType,
            "invalid_scope" => ProviderError::InvalidScope,
            "server_error" => ProviderError::ServerError,
            "temporarily_unavailable" => ProviderError::TemporarilyUnavailable,
            _ => ProviderError::Other,
        }
    }

    /// The code as this app spells it (a fixed string, safe to put in the page).
    pub fn code(self) -> &'static str {
        match self {
            ProviderError::InvalidRequest => "invalid_request",
            ProviderError::UnauthorizedClient => "unauthorized_client",
            ProviderError::UnsupportedResponseType => "unsupported_response_type",
            ProviderError::InvalidScope => "invalid_scope",
            ProviderError::ServerError => "server_error",
            ProviderError::TemporarilyUnavailable => "temporarily_unavailable",
            ProviderError::Other => "other",
        }
    }
}

/// What the callback should do, decided without side effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackDecision {
    Exchange {
        code: String,
        verifier: Option<String>,
        /// Where to go once signed in (validated).
        return_to: Option<String>,
    },
    /// The user declined on tastytrade's page (`error=access_denied`, with our `state`).
    Denied,
    /// Another `error=` from the authorization server (with our `state`).
    ProviderError(ProviderError),
    /// No stored sign-in, no `state`, a different one, or a stale one — whatever else the URL
    /// says (an `error=` included).
    StateMismatch,
    /// `state` matched but no code came back.
    MissingCode,
}

/// `state` first: nothing else in the URL is believed until it matches the transaction this
/// browser stored (RFC 6749 §10.12, RFC 9700 §4.7.1).
pub fn decide(params: &CallbackParams, txn: Option<&Transaction>, now_ms: i64) -> CallbackDecision {
    let state_ok = match (txn, params.state.as_deref()) {
        (Some(txn), Some(state)) => {
            !txn.state.is_empty()
                && txn.state == state
                && now_ms - txn.created_ms <= TRANSACTION_MAX_AGE_MS
                && now_ms >= txn.created_ms - 60_000
        }
        _ => false,
    };
    if !state_ok {
        return CallbackDecision::StateMismatch;
    }
    if let Some(error) = &params.error {
        return match error.as_str() {
            "access_denied" => CallbackDecision::Denied,
            code => CallbackDecision::ProviderError(ProviderError::from_code(code)),
        };
    }
    match &params.code {
        Some(code) => CallbackDecision::Exchange {
            code: code.clone(),
            verifier: txn.and_then(|t| t.verifier.clone()),
            return_to: txn
                .and_then(|t| t.return_to.clone())
                .filter(|p| Route::is_return_target(p)),
        },
        None => CallbackDecision::MissingCode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn() -> Transaction {
        Transaction {
            state: "s1".into(),
            verifier: Some("v1".into()),
            created_ms: 1_000_000,
            return_to: Some("/accounts/5WT00002/orders?status=Filled".into()),
        }
    }

    fn params(code: Option<&str>, state: Option<&str>) -> CallbackParams {
        CallbackParams {
            code: code.map(Into::into),
            state: state.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn matching_state_exchanges_with_verifier() {
        assert_eq!(
            decide(&params(Some("c"), Some("s1")), Some(&txn()), 1_000_500),
            CallbackDecision::Exchange {
                code: "c".into(),
                verifier: Some("v1".into()),
                return_to: Some("/accounts/5WT00002/orders?status=Filled".into()),
            }
        );
        // A stored path that is not one of the app's own is dropped.
        let mut t = txn();
        t.return_to = Some("//evil.example/".into());
        assert!(matches!(
            decide(&params(Some("c"), Some("s1")), Some(&t), 1_000_500),
            CallbackDecision::Exchange {
                return_to: None,
                ..
            }
        ));
    }

    #[test]
    fn wrong_missing_or_stale_state_is_refused() {
        let now = 1_000_500;
        let t = txn();
        assert_eq!(
            decide(&params(Some("c"), Some("s2")), Some(&t), now),
            CallbackDecision::StateMismatch
        );
        assert_eq!(
            decide(&params(Some("c"), None), Some(&t), now),
            CallbackDecision::StateMismatch
        );
        assert_eq!(
            decide(&params(Some("c"), Some("s1")), None, now),
            CallbackDecision::StateMismatch
        );
        assert_eq!(
            decide(
                &params(Some("c"), Some("s1")),
                Some(&t),
                t.created_ms + TRANSACTION_MAX_AGE_MS + 1
            ),
            CallbackDecision::StateMismatch
        );
        assert_eq!(
            decide(&params(None, Some("s1")), Some(&t), now),
            CallbackDecision::MissingCode
        );
    }

    fn config(pkce: bool) -> AuthConfig {
        AuthConfig {
            authorize_url: "http://127.0.0.1:7878/auth.html".into(),
            client_id: "tastypocket-demo".into(),
            scope: "read trade openid".into(),
            redirect_uri: "http://localhost:8787/callback".into(),
            pkce,
            environment: pocket_shared::bff::Environment::Simulator,
        }
    }

    const STATE: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    fn rfc7636_pair() -> Pkce {
        Pkce {
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        }
    }

    #[test]
    fn pkce_config_never_builds_a_url_without_a_challenge() {
        assert_eq!(
            authorize_url(&config(true), STATE, None),
            Err(StartError::Pkce)
        );
        let mut bad = rfc7636_pair();
        bad.challenge.clear();
        assert_eq!(
            authorize_url(&config(true), STATE, Some(&bad)),
            Err(StartError::Pkce)
        );
        let mut plain = rfc7636_pair();
        plain.challenge = plain.verifier.clone() + "+";
        assert_eq!(
            authorize_url(&config(true), STATE, Some(&plain)),
            Err(StartError::Pkce)
        );
        let url = authorize_url(&config(true), STATE, Some(&rfc7636_pair())).unwrap();
        assert!(url.ends_with(
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        ));
    }

    #[test]
    fn authorize_url_is_encoded() {
        let url = authorize_url(&config(false), STATE, None).unwrap();
        assert_eq!(
            url,
            format!(
                "http://127.0.0.1:7878/auth.html?response_type=code&client_id=tastypocket-demo\
                 &redirect_uri=http%3A%2F%2Flocalhost%3A8787%2Fcallback\
                 &scope=read%20trade%20openid&state={STATE}"
            )
        );
        assert!(!url.contains("code_challenge"));
        assert_eq!(
            authorize_url(&config(false), "short", None),
            Err(StartError::Crypto)
        );
        let mut js = config(false);
        js.authorize_url = "javascript:alert(1)".into();
        assert_eq!(
            authorize_url(&js, STATE, None),
            Err(StartError::BadAuthorizeUrl)
        );
    }

    #[test]
    fn base64url_matches_rfc_vectors() {
        // RFC 4648 §10 test vectors, without padding.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), expected);
        }
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        // RFC 7636 appendix B: the verifier's octets encode to the verifier itself.
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(
            base64url(&octets),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        // ... and its SHA-256 digest encodes to the published challenge.
        let digest = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120,
            173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
        ];
        assert_eq!(
            base64url(&digest),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn provider_errors_count_only_with_our_state() {
        let now = 1_000_500;
        let mut p = params(None, Some("s1"));
        p.error = Some("access_denied".into());
        assert_eq!(decide(&p, Some(&txn()), now), CallbackDecision::Denied);
        p.error = Some("server_error".into());
        assert_eq!(
            decide(&p, Some(&txn()), now),
            CallbackDecision::ProviderError(ProviderError::ServerError)
        );
        // Unknown codes (or markup) map to one fixed variant: no URL text survives.
        p.error = Some("<script>alert(1)</script>".into());
        assert_eq!(
            decide(&p, Some(&txn()), now),
            CallbackDecision::ProviderError(ProviderError::Other)
        );
    }

    #[test]
    fn an_error_without_our_state_is_a_state_mismatch() {
        let now = 1_000_500;
        for state in [Some("forged"), None] {
            let mut p = params(None, state);
            p.error = Some("access_denied".into());
            assert_eq!(
                decide(&p, Some(&txn()), now),
                CallbackDecision::StateMismatch
            );
            p.error = Some("server_error".into());
            assert_eq!(
                decide(&p, Some(&txn()), now),
                CallbackDecision::StateMismatch
            );
        }
        // No transaction stored in this browser: even the "right-looking" state is refused.
        let mut p = params(None, Some("s1"));
        p.error = Some("access_denied".into());
        assert_eq!(decide(&p, None, now), CallbackDecision::StateMismatch);
    }

    #[test]
    fn provider_codes_round_trip() {
        for code in [
            "invalid_request",
            "unauthorized_client",
            "unsupported_response_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
        ] {
            assert_eq!(ProviderError::from_code(code).code(), code);
        }
        assert_eq!(ProviderError::from_code("x").code(), "other");
    }
}
