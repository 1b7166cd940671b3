//! The authorization page (`/auth.html`) and the token endpoint (`/oauth/token`).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use url::form_urlencoded;

use crate::config::{
    CLIENT_ID, CLIENT_SECRET, DEMO_CUSTOMER_ID, DEMO_PASSWORD, DEMO_USERNAME, KNOWN_SCOPES,
};
use crate::html;
use crate::respond::{found, gate, html_page, json_response, no_store, token_error};
use crate::state::{CodeGrant, CodeLookup, SimState};

/// Parses `a=b&c=d`. RFC 6749 §3.1: parameters must not repeat, so a repeat is an error;
/// an empty value counts as absent.
fn parse_params(raw: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw) {
        if out.contains_key(k.as_ref()) {
            return Err(format!("Parameter {k:?} was sent more than once."));
        }
        out.insert(k.into_owned(), v.into_owned());
    }
    out.retain(|_, v: &mut String| !v.is_empty());
    Ok(out)
}

/// A validated authorization request.
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    code_challenge: Option<String>,
}

impl AuthRequest {
    /// The request parameters, to be carried through the form in hidden fields.
    fn hidden_fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("response_type", "code".to_owned()),
            ("client_id", self.client_id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("scope", self.scopes.join(" ")),
        ];
        if let Some(state) = &self.state {
            fields.push(("state", state.clone()));
        }
        if let Some(challenge) = &self.code_challenge {
            fields.push(("code_challenge", challenge.clone()));
            fields.push(("code_challenge_method", "S256".to_owned()));
        }
        fields
    }
}

/// RFC 7636 §4.1: 43–128 characters from the unreserved set.
fn is_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Checks everything that must hold before the page may redirect anywhere. Errors are shown
/// on an error page, never sent to the redirect URI (it may not be the client's).
fn validate(sim: &SimState, p: &HashMap<String, String>) -> Result<AuthRequest, String> {
    let client_id = p.get("client_id").ok_or("Missing client_id.")?;
    if client_id != CLIENT_ID {
        return Err(format!("Unknown client_id {client_id:?}."));
    }
    let redirect_uri = p.get("redirect_uri").ok_or("Missing redirect_uri.")?;
    if !sim.is_registered_redirect(redirect_uri) {
        return Err(format!(
            "redirect_uri {redirect_uri:?} is not registered for this client (exact match required)."
        ));
    }
    match p.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some(other) => {
            return Err(format!(
                "Unsupported response_type {other:?}; only \"code\"."
            ))
        }
        None => return Err("Missing response_type.".to_owned()),
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in p
        .get("scope")
        .map(String::as_str)
        .unwrap_or("read")
        .split(' ')
    {
        if s.is_empty() || scopes.iter().any(|have| have == s) {
            continue;
        }
        if !KNOWN_SCOPES.contains(&s) {
            return Err(format!(
                "Unknown scope {s:?}; use read, trade and/or openid."
            ));
        }
        scopes.push(s.to_owned());
    }
    if scopes.is_empty() {
        scopes.push("read".to_owned());
    }
    let code_challenge = match (p.get("code_challenge"), p.get("code_challenge_method")) {
        (None, None) => None,
        (None, Some(_)) => return Err("code_challenge_method without code_challenge.".to_owned()),
        (Some(challenge), method) => {
            // An absent method means "plain" (RFC 7636 §4.3), which we refuse.
            if method.map(String::as_str) != Some("S256") {
                return Err("Only code_challenge_method=S256 is supported.".to_owned());
            }
            if !is_pkce_string(challenge) {
                return Err("Malformed code_challenge.".to_owned());
            }
            Some(challenge.clone())
        }
    };
    Ok(AuthRequest {
        client_id: client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        scopes,
        state: p.get("state").cloned(),
        code_challenge,
    })
}

/// Appends query parameters to a redirect URI, keeping any query it already has.
pub fn redirect_with(uri: &str, params: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        ser.append_pair(k, v);
    }
    let query = ser.finish();
    let sep = if !uri.contains('?') {
        "?"
    } else if uri.ends_with('?') || uri.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{uri}{sep}{query}")
}

fn consent(req: &AuthRequest, username: &str, error: Option<&str>) -> Response {
    let hidden = req.hidden_fields();
    let hidden: Vec<(&str, &str)> = hidden.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = html::consent_page(&hidden, &req.scopes, &req.redirect_uri, username, error);
    html_page(StatusCode::OK, page)
}

fn error_page(message: &str) -> Response {
    html_page(StatusCode::BAD_REQUEST, html::error_page(message))
}

pub async fn authorize_get(State(sim): State<SimState>, RawQuery(query): RawQuery) -> Response {
    let params = match parse_params(query.unwrap_or_default().as_bytes()) {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    match validate(&sim, &params) {
        Ok(req) => consent(&req, "", None),
        Err(e) => error_page(&e),
    }
}

pub async fn authorize_post(State(sim): State<SimState>, body: Bytes) -> Response {
    let params = match parse_params(&body) {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let req = match validate(&sim, &params) {
        Ok(req) => req,
        Err(e) => return error_page(&e),
    };
    let mut back: Vec<(&str, &str)> = Vec::new();
    match params.get("decision").map(String::as_str) {
        Some("deny") => {
            back.push(("error", "access_denied"));
            back.push(("error_description", "The user denied the request."));
        }
        Some("allow") => {
            let username = params.get("username").map(String::as_str).unwrap_or("");
            let password = params.get("password").map(String::as_str).unwrap_or("");
            if username != DEMO_USERNAME || password != DEMO_PASSWORD {
                return consent(&req, username, Some("Incorrect username or password."));
            }
            let code = sim.issue_code(CodeGrant {
                client_id: req.client_id.clone(),
                redirect_uri: req.redirect_uri.clone(),
                scope: req.scopes.join(" "),
                customer_id: DEMO_CUSTOMER_ID.to_owned(),
                code_challenge: req
                    .code_challenge
                    .clone()
                    .filter(|_| !sim.settings().ignore_pkce),
                expires_at: Instant::now() + Duration::from_secs(sim.settings().code_ttl),
                used: false,
            });
            let mut pairs = vec![("code", code.as_str())];
            if let Some(state) = &req.state {
                pairs.push(("state", state));
            }
            return found(&redirect_with(&req.redirect_uri, &pairs));
        }
        _ => return error_page("Missing decision: choose Allow or Deny."),
    }
    if let Some(state) = &req.state {
        back.push(("state", state));
    }
    found(&redirect_with(&req.redirect_uri, &back))
}

/// Token request parameters from a JSON or form body (docs/tastytrade.md §2.2: both are used).
fn parse_token_body(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_json = if content_type.starts_with("application/json") {
        true
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        false
    } else {
        body.trim_ascii_start().starts_with(b"{")
    };
    if !is_json {
        return parse_params(body).map_err(|e| format!("Malformed request body: {e}"));
    }
    let map: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| "Malformed JSON request body.".to_owned())?;
    let mut out = HashMap::new();
    for (k, v) in map {
        match v {
            Value::String(s) if !s.is_empty() => {
                out.insert(k, s);
            }
            Value::String(_) | Value::Null => {}
            _ => return Err(format!("Parameter {k:?} must be a string.")),
        }
    }
    Ok(out)
}

/// Unsigned (`alg: none`) JWT so clients that peek at claims find something sensible.
fn id_token(customer_id: &str, client_id: &str, ttl: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let header = json!({ "alg": "none", "typ": "JWT" });
    let claims = json!({
        "iss": "pocket-sim",
        "sub": customer_id,
        "aud": client_id,
        "iat": now,
        "exp": now + ttl,
    });
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn token_success(
    sim: &SimState,
    customer_id: &str,
    scope: &str,
    family: Option<&str>,
    refresh_token: Option<String>,
) -> Response {
    let (access_token, ttl) = sim.issue_access_token(customer_id, scope, family);
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": scope,
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = Value::String(refresh_token);
    }
    if scope.split(' ').any(|s| s == "openid") {
        body["id_token"] = Value::String(id_token(customer_id, CLIENT_ID, ttl));
    }
    let mut resp = json_response(StatusCode::OK, &body);
    no_store(resp.headers_mut());
    resp
}

fn invalid_client() -> Response {
    // RFC 6749 §5.2 allows 401 for failed client authentication; tastytrade's exact status
    // for a wrong secret is undocumented.
    token_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Invalid client credentials.",
    )
}

fn invalid_grant(description: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn invalid_request(description: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

pub async fn token(
    State(sim): State<SimState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(resp) = gate(&sim, &sim.counters().token_requests, uri.path(), &headers).await {
        return resp;
    }
    let p = match parse_token_body(&headers, &body) {
        Ok(p) => p,
        Err(e) => return invalid_request(&e),
    };
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => authorization_code_grant(&sim, &p),
        Some("refresh_token") => refresh_token_grant(&sim, &p),
        Some(other) => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant_type {other:?}."),
        ),
        None => invalid_request("Missing grant_type."),
    }
}

fn authorization_code_grant(sim: &SimState, p: &HashMap<String, String>) -> Response {
    let client_id = p.get("client_id").map(String::as_str);
    let secret = p.get("client_secret").map(String::as_str);
    if client_id != Some(CLIENT_ID) || secret != Some(CLIENT_SECRET) {
        return invalid_client();
    }
    let Some(code) = p.get("code") else {
        return invalid_request("Missing code.");
    };
    let Some(redirect_uri) = p.get("redirect_uri") else {
        return invalid_request("Missing redirect_uri.");
    };
    let grant = match sim.take_code(code) {
        CodeLookup::Valid(grant) => grant,
        CodeLookup::Unknown => return invalid_grant("Invalid authorization code."),
        CodeLookup::AlreadyUsed => {
            return invalid_grant("Authorization code has already been used.")
        }
        CodeLookup::Expired => return invalid_grant("Authorization code has expired."),
    };
    if grant.client_id != CLIENT_ID {
        return invalid_grant("Authorization code was issued to another client.");
    }
    if &grant.redirect_uri != redirect_uri {
        return invalid_grant("redirect_uri does not match the authorization request.");
    }
    let verifier = p
        .get("code_verifier")
        .filter(|_| !sim.settings().ignore_pkce);
    match (&grant.code_challenge, verifier) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !is_pkce_string(verifier) || &computed != challenge {
                return invalid_grant("PKCE verification failed.");
            }
        }
        (Some(_), None) => return invalid_grant("Missing code_verifier."),
        // Downgrade resistance (RFC 9700 §4.8): a verifier for a code issued without a challenge.
        (None, Some(_)) => {
            return invalid_grant(
                "code_verifier sent, but the authorization request had no code_challenge.",
            )
        }
        (None, None) if sim.settings().require_pkce => {
            return invalid_grant(
                "PKCE is required: the authorization request had no code_challenge.",
            )
        }
        (None, None) => {}
    }
    sim.counters()
        .grants_authorization_code
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let refresh = sim.issue_refresh_token(&grant.customer_id, &grant.scope, Some(code));
    token_success(
        sim,
        &grant.customer_id,
        &grant.scope,
        Some(code),
        Some(refresh),
    )
}

fn refresh_token_grant(sim: &SimState, p: &HashMap<String, String>) -> Response {
    // client_id is optional on refresh (docs/tastytrade.md §2.2), but must be right when sent.
    let client_id_ok = p.get("client_id").is_none_or(|id| id == CLIENT_ID);
    if !client_id_ok || p.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return invalid_client();
    }
    let Some(refresh_token) = p.get("refresh_token") else {
        return invalid_request("Missing refresh_token.");
    };
    // tastytrade answers an unknown/revoked refresh token like this (tastyware#281).
    let Some(grant) = sim.refresh_grant(refresh_token) else {
        return invalid_grant("Invalid JWT");
    };
    sim.counters()
        .grants_refresh_token
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Not rotated: the response carries no refresh_token and the old one stays valid
    // (docs/tastytrade.md §2.4).
    token_success(
        sim,
        &grant.customer_id,
        &grant.scope,
        grant.family.as_deref(),
        None,
    )
}
