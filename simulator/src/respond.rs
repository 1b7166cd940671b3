//! Response builders shared by the handlers, plus the checks every API/token request passes.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::html;
use crate::state::{support_id, Failure, SimState};

pub fn json_response(status: StatusCode, value: &Value) -> Response {
    // Serializing a `Value` can't fail; fall back to an empty object rather than panic.
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// tastytrade's API error envelope (docs/tastytrade.md §4.3).
pub fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({ "error": { "code": code, "message": message } }),
    )
}

pub fn unauthorized() -> Response {
    let message = format!(
        "Unauthorized. Unique customer support identifier: {}",
        support_id()
    );
    api_error(StatusCode::UNAUTHORIZED, "unauthorized", &message)
}

pub fn not_permitted() -> Response {
    api_error(
        StatusCode::FORBIDDEN,
        "not_permitted",
        "User not permitted access",
    )
}

pub fn not_found() -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "record_not_found",
        "Record not found",
    )
}

/// 429 in the API error envelope (docs/tastytrade.md §4.4): code `too_many_requests`, and
/// `Retry-After` in seconds when given. tastytrade documents neither the code nor the header;
/// both are the simulator's choice.
pub fn too_many_requests(retry_after: Option<u64>) -> Response {
    let message = format!(
        "Too many requests, slow down. Unique customer support identifier: {}",
        support_id()
    );
    let mut resp = api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", &message);
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// The token endpoint's error shape, which is not the API envelope (docs/tastytrade.md §2.3).
pub fn token_error(status: StatusCode, error_code: &str, description: &str) -> Response {
    let mut resp = json_response(
        status,
        &json!({ "error_code": error_code, "error_description": description }),
    );
    no_store(resp.headers_mut());
    resp
}

pub fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// HTML with the headers an authorization server page should carry: no framing
/// (clickjacking), no referrer (codes in URLs), nothing cached.
pub fn html_page(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    no_store(h);
    resp
}

pub fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut resp = Response::new(Body::empty());
            *resp.status_mut() = StatusCode::FOUND;
            let h = resp.headers_mut();
            h.insert(header::LOCATION, value);
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            no_store(h);
            resp
        }
        // Only reachable with a registered URI containing bytes a header can't carry.
        Err(_) => html_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            html::error_page("The redirect URI cannot be used in a Location header."),
        ),
    }
}

/// tastytrade's nginx refuses only a missing or empty `User-Agent` (docs/tastytrade.md §3.1);
/// `tastytrade-sdk-js` with no version works against the real API, so it works here.
pub fn user_agent_ok(headers: &HeaderMap) -> bool {
    headers
        .get(header::USER_AGENT)
        .is_some_and(|v| !v.as_bytes().trim_ascii().is_empty())
}

pub fn nginx_401() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        html::NGINX_401,
    )
        .into_response()
}

/// What every API and token request goes through before its handler: counted, delayed,
/// possibly failed on purpose, and refused without a proper User-Agent (as nginx does).
pub async fn gate(
    sim: &SimState,
    counter: &std::sync::atomic::AtomicU64,
    path: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let latency = sim.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(how) = sim.take_failure(path) {
        return Some(simulated_failure(how).await);
    }
    if !user_agent_ok(headers) {
        return Some(nginx_401());
    }
    None
}

pub async fn simulated_failure(how: Failure) -> Response {
    match how {
        Failure::Respond {
            status,
            error_code,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            if status == StatusCode::TOO_MANY_REQUESTS && error_code.is_none() {
                // The same 429 the rate limit sends.
                return too_many_requests(retry_after);
            }
            let message = format!(
                "Simulated failure. Unique customer support identifier: {}",
                support_id()
            );
            match error_code {
                Some(code) => token_error(status, &code, &message),
                None => api_error(status, "simulated_failure", &message),
            }
        }
        Failure::Drop => dropped_connection(),
        Failure::Hang { ms } => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            dropped_connection()
        }
    }
}

/// A response whose body fails at once: hyper then closes the connection without sending a
/// complete response, which a client sees as a network error.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("simulated dropped connection"))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_LENGTH, HeaderValue::from_static("100"))],
        Body::from_stream(failing),
    )
        .into_response()
}
