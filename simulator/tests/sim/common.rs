//! Helpers to drive the simulator like a browser, the worker and a test would.

use std::collections::HashMap;

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use pocket_sim::config::{CLIENT_ID, CLIENT_SECRET, DEFAULT_REDIRECT_URI};
use pocket_sim::{router, Config, SimState};
use serde_json::{json, Value};
use tower::ServiceExt as _;
use url::form_urlencoded;

pub const UA: &str = "pocket-tests/1.0";
pub const REDIRECT: &str = DEFAULT_REDIRECT_URI;
/// RFC 7636 Appendix B example pair.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: header::HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("header is ASCII").to_owned())
    }

    pub fn location(&self) -> Option<String> {
        self.header(header::LOCATION)
    }

    /// Query parameters of the Location header (decoded).
    pub fn location_params(&self) -> HashMap<String, String> {
        let location = self.location().expect("a Location header");
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// `{"error_code": .., "error_description": ..}` — the token endpoint's error shape.
    pub fn assert_token_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error_code"], code, "body: {body}");
        assert!(body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
        assert!(body.get("access_token").is_none());
    }

    /// `{"error": {"code": .., "message": ..}}` — the API error envelope.
    pub fn assert_api_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "body: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert!(body.get("data").is_none());
    }
}

/// Quiet, and with a frozen market (0 ticks a second): REST marks stay the fixtures' marks,
/// so tests compare against the fixture files. Market tests step the market by hook.
pub fn quiet_config() -> Config {
    Config {
        log_requests: false,
        ticks_per_sec: 0.0,
        ..Config::default()
    }
}

#[derive(Clone)]
pub struct Sim {
    pub app: Router,
}

pub fn encode(pairs: &[(String, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// Default authorization request parameters with `overrides` replacing or adding keys.
pub fn auth_params(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "read trade openid"),
        ("state", "st-123"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        match params.iter_mut().find(|(have, _)| have == k) {
            Some(slot) => slot.1 = v.to_string(),
            None => params.push((k.to_string(), v.to_string())),
        }
    }
    params
}

pub fn without(mut params: Vec<(String, String)>, key: &str) -> Vec<(String, String)> {
    params.retain(|(k, _)| k != key);
    params
}

pub fn exchange_body(code: &str) -> Value {
    json!({
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": REDIRECT,
    })
}

impl Sim {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    /// A simulator whose today is `day` (YYYY-MM-DD), so generated history is deterministic.
    pub fn on(day: &str) -> Self {
        Self::with(|c| c.today = Some(day.parse().expect("a date")))
    }

    pub fn with(f: impl FnOnce(&mut Config)) -> Self {
        let mut config = quiet_config();
        f(&mut config);
        let state = SimState::new(config).expect("embedded fixtures are valid");
        Self { app: router(state) }
    }

    /// Sends as a local client would: a request without a `Host` gets `Host: 127.0.0.1:7878`.
    pub async fn send(&self, mut req: Request<Body>) -> Resp {
        if !req.headers().contains_key(header::HOST) {
            req.headers_mut()
                .insert(header::HOST, "127.0.0.1:7878".parse().unwrap());
        }
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// GET with a proper User-Agent and no Authorization.
    pub async fn get(&self, path: &str) -> Resp {
        let req = Request::get(path)
            .header(header::USER_AGENT, UA)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// API GET as the worker would send it.
    pub async fn api(&self, path: &str, token: &str) -> Resp {
        let req = Request::get(path)
            .header(header::USER_AGENT, UA)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::ACCEPT, "application/json")
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// API GET that must succeed; returns the body.
    pub async fn ok(&self, path: &str, token: &str) -> Value {
        let resp = self.api(path, token).await;
        assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.text());
        resp.json()
    }

    /// An authorized API request with any method and an optional raw JSON body.
    pub async fn call(&self, method: &str, path: &str, token: &str, body: Option<&str>) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::USER_AGENT, UA)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(Body::from(body.unwrap_or_default().to_owned()))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Resp {
        let req = Request::post(path)
            .header(header::USER_AGENT, UA)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Resp {
        let req = Request::post(path)
            .header(header::USER_AGENT, UA)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_form(&self, path: &str, pairs: &[(String, String)]) -> Resp {
        self.post_raw(path, "application/x-www-form-urlencoded", &encode(pairs))
            .await
    }

    pub async fn authorize(&self, params: &[(String, String)]) -> Resp {
        self.get(&format!("/auth.html?{}", encode(params))).await
    }

    /// Submits the consent form with the given request parameters, credentials and decision.
    pub async fn consent(
        &self,
        params: &[(String, String)],
        username: &str,
        password: &str,
        decision: &str,
    ) -> Resp {
        let mut form = params.to_vec();
        form.push(("username".into(), username.into()));
        form.push(("password".into(), password.into()));
        form.push(("decision".into(), decision.into()));
        self.post_form("/auth.html", &form).await
    }

    /// Signs in and allows; returns the code from the redirect.
    pub async fn code_for(&self, params: &[(String, String)]) -> String {
        let resp = self.consent(params, "demo", "demo", "allow").await;
        assert_eq!(resp.status, StatusCode::FOUND, "body: {}", resp.text());
        resp.location_params()
            .remove("code")
            .expect("code in the redirect")
    }

    pub async fn code(&self) -> String {
        self.code_for(&auth_params(&[])).await
    }

    pub async fn token(&self, body: &Value) -> Resp {
        self.post_json("/oauth/token", body).await
    }

    /// Full code flow; returns (access token, refresh token).
    pub async fn login(&self) -> (String, String) {
        let code = self.code().await;
        let resp = self.token(&exchange_body(&code)).await;
        assert_eq!(resp.status, StatusCode::OK, "body: {}", resp.text());
        let body = resp.json();
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn stats(&self) -> Value {
        self.get("/sim/stats").await.json()
    }
}

/// A fixture file as stored on disk (tests compare responses against these).
pub fn fixture(path: &str) -> Value {
    let full = format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The `items` of a list response.
pub fn items(body: &Value) -> Vec<Value> {
    body["data"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no data.items: {body}"))
        .clone()
}

/// `{"error":{"code":"validation_error","errors":[{"domain":…}]}}` with this domain, as a 400.
pub fn assert_validation(resp: &Resp, domain: &str) {
    resp.assert_api_error(StatusCode::BAD_REQUEST, "validation_error");
    let errors = resp.json()["error"]["errors"].clone();
    assert!(
        errors.as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["domain"] == domain && e["reason"].is_string())),
        "{domain}: {errors}"
    );
}

/// A signed decimal from an unsigned wire amount and its `-effect` sibling.
pub fn signed(v: &Value, key: &str) -> f64 {
    let amount: f64 = v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a decimal string: {v}"))
        .parse()
        .unwrap();
    match v[format!("{key}-effect")].as_str() {
        Some("Debit") => -amount,
        Some("Credit") | Some("None") | None => amount,
        Some(other) => panic!("{key}-effect {other}"),
    }
}

/// The day tests pin the simulator to: a Wednesday in winter (EST), after the fixtures' as-of.
pub const TODAY: &str = "2026-12-02";

pub const OWN_ACCOUNTS: [&str; 3] = ["5WT00001", "5WT00002", "5WT00003"];
pub const OTHER_ACCOUNT: &str = "5WX99999";
