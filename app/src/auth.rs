//! The browser half of the OAuth authorization-code flow (the worker does the token exchange
//! with the client secret and keeps every token).
//!
//! 1. "Sign in": `GET /auth/config`, make a fresh single-use `state` (and a PKCE S256 verifier
//!    when the worker asks for PKCE), keep them in `sessionStorage` under ONE key for this round
//!    trip only, and navigate to tastytrade's authorize page.
//! 2. `/callback`: read `code`/`state`/`error`, strip them from the address bar at once, take
//!    (read + delete) the stored transaction whatever happens, and only when `state` matches
//!    exactly post `{code, code-verifier}` to `/auth/exchange`.

use js_sys::Uint8Array;
use pocket_shared::bff::AuthConfig;
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};

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

/// Starts a sign-in: fetches the worker's OAuth settings, stores a fresh transaction and
/// navigates away to tastytrade. Returns only on failure.
pub async fn start_sign_in() -> Result<(), StartError> {
    let config = api::auth_config().await.map_err(StartError::Config)?;
    let state = random_token()?;
    let (challenge, verifier) = if config.pkce {
        let verifier = random_token()?;
        (Some(s256_challenge(&verifier).await?), Some(verifier))
    } else {
        (None, None)
    };
    let url = authorize_url(&config, &state, challenge.as_deref())?;
    let txn = Transaction {
        state,
        verifier,
        created_ms: js_sys::Date::now() as i64,
    };
    store_transaction(&txn)?;
    let window = web_sys::window().ok_or(StartError::BadAuthorizeUrl)?;
    window
        .location()
        .assign(&url)
        .map_err(|_| StartError::BadAuthorizeUrl)
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// `authorize_url?response_type=code&client_id&redirect_uri&scope&state[&code_challenge&…]`.
pub fn authorize_url(
    config: &AuthConfig,
    state: &str,
    code_challenge: Option<&str>,
) -> Result<String, StartError> {
    let base = config.authorize_url.trim();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(StartError::BadAuthorizeUrl);
    }
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
    if let Some(challenge) = code_challenge {
        url.push_str("&code_challenge=");
        url.push_str(&encode(challenge));
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

/// The query parameters tastytrade redirected back with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
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
        error_description: get("error_description"),
    };
    if !search.is_empty() {
        let path = location.pathname().unwrap_or_else(|_| "/callback".into());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
    out
}

/// What the callback should do, decided without side effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackDecision {
    Exchange {
        code: String,
        verifier: Option<String>,
    },
    /// The user declined on tastytrade's page (`error=access_denied`).
    Denied,
    /// Another `error=` from the authorization server.
    ProviderError(String),
    /// No stored sign-in, a different `state`, or a stale one.
    StateMismatch,
    /// `state` matched but no code came back.
    MissingCode,
}

pub fn decide(params: &CallbackParams, txn: Option<&Transaction>, now_ms: i64) -> CallbackDecision {
    if let Some(error) = &params.error {
        return if error == "access_denied" {
            CallbackDecision::Denied
        } else {
            CallbackDecision::ProviderError(error.clone())
        };
    }
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
    match &params.code {
        Some(code) => CallbackDecision::Exchange {
            code: code.clone(),
            verifier: txn.and_then(|t| t.verifier.clone()),
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
                verifier: Some("v1".into())
            }
        );
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
    fn provider_errors() {
        let mut p = params(None, Some("s1"));
        p.error = Some("access_denied".into());
        assert_eq!(decide(&p, Some(&txn()), 0), CallbackDecision::Denied);
        p.error = Some("server_error".into());
        assert_eq!(
            decide(&p, None, 0),
            CallbackDecision::ProviderError("server_error".into())
        );
    }
}
