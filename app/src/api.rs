//! The one typed client for the app's own origin: the worker (backend-for-frontend) at
//! `/auth/*` and the tastytrade proxy at `/api/*`. The browser never holds a token: requests
//! carry the worker's `HttpOnly` session cookie (`credentials: same-origin`), and every
//! state-changing call carries the CSRF header the worker requires. HTTP goes through
//! `gloo-net` (a thin typed layer over `fetch`); this module adds the worker's conventions and
//! maps every failure to [`ApiError`].

use leptos::prelude::on_cleanup;
use pocket_shared::bff::{self, AuthConfig, BffErrorCode, ExchangeRequest, SessionInfo, SignedIn};
use pocket_shared::tastytrade::{ApiError as TtApiError, ErrorCode, Items, Pagination};
use send_wrapper::SendWrapper;
use std::future::Future;

pub use gloo_net::http::Method;
use gloo_net::http::RequestBuilder;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use thiserror::Error;
use web_sys::{AbortController, AbortSignal, RequestCache, RequestCredentials};

/// Every way a call can fail, as the UI needs to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// The worker has no (valid) session: sign in again.
    #[error("Your session has ended. Please sign in again.")]
    SessionEnded {
        /// tastytrade rejected the grant (`session_revoked`), not just a timeout.
        revoked: bool,
    },
    /// tastytrade's error envelope, passed through by the worker.
    #[error("tastytrade error {code}: {message}")]
    Tastytrade {
        status: u16,
        code: String,
        message: String,
    },
    /// An error the worker produced itself (not a session problem).
    #[error("{message}")]
    Worker {
        status: u16,
        code: BffErrorCode,
        message: String,
    },
    /// 429: too many requests, from the worker's limits or tastytrade's. Nothing was done;
    /// the same request may go again after `retry_after_secs` (`Retry-After`, if sent).
    #[error("Too many requests. Please wait {} seconds and try again.", retry_after_secs.unwrap_or(DEFAULT_RETRY_AFTER_SECS))]
    RateLimited { retry_after_secs: Option<u32> },
    /// A non-JSON error body (an HTML 502 from a proxy, …).
    #[error("The server answered with HTTP {status}.")]
    Http { status: u16 },
    /// The request never got an answer.
    #[error("Could not reach the server ({0}). Check your connection.")]
    Network(String),
    /// An answer arrived but is not what this app understands.
    #[error("The server sent data this app could not read ({0}).")]
    Decode(String),
    /// Cancelled because the view that asked for it went away.
    #[error("The request was cancelled.")]
    Aborted,
}

impl ApiError {
    /// A short heading for error panels.
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::SessionEnded { .. } => "Session ended",
            ApiError::Tastytrade { .. } => "tastytrade returned an error",
            ApiError::Worker {
                code: BffErrorCode::UpstreamUnavailable,
                ..
            } => "tastytrade is not reachable",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::Worker { .. } | ApiError::Http { .. } => "Something went wrong",
            ApiError::Network(_) => "You seem to be offline",
            ApiError::Decode(_) => "Unexpected response",
            ApiError::Aborted => "Cancelled",
        }
    }
}

/// The wait assumed when a 429 carries no usable `Retry-After` (the worker's sign-in window).
pub const DEFAULT_RETRY_AFTER_SECS: u32 = 10;

/// A complete answer from the worker.
struct Reply {
    status: u16,
    body: String,
    /// `Retry-After` in seconds (the delay form; an HTTP date is ignored).
    retry_after_secs: Option<u32>,
}

impl Reply {
    fn error(&self) -> ApiError {
        if self.status == 429 {
            ApiError::RateLimited {
                retry_after_secs: self.retry_after_secs,
            }
        } else {
            classify_error(self.status, &self.body)
        }
    }

    /// Any 2xx, body unread.
    fn success(&self) -> Result<(), ApiError> {
        if (200..300).contains(&self.status) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn decode<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.success()?;
        serde_json::from_str(&self.body).map_err(|e| ApiError::Decode(e.to_string()))
    }
}

/// `Retry-After: 10` → 10; a date, garbage or an absurd value → none.
fn parse_retry_after(value: &str) -> Option<u32> {
    value.trim().parse::<u32>().ok().filter(|s| *s <= 3600)
}

/// Maps a non-2xx answer to an [`ApiError`]: worker errors first, then tastytrade's envelope,
/// then the bare status. Any 401 means the session is gone.
fn classify_error(status: u16, body: &str) -> ApiError {
    // Worker errors and tastytrade errors share the `{"error": {"code", "message"}}` shape; one
    // parse serves both, and a code from the worker's vocabulary marks a worker error.
    let parsed = serde_json::from_str::<TtApiError>(body).ok();
    let worker_code = parsed
        .as_ref()
        .and_then(|e| match &e.error.code {
            Some(ErrorCode::Text(code)) => Some(code.clone()),
            _ => None,
        })
        .and_then(|code| serde_json::from_value::<BffErrorCode>(code.into()).ok());
    match (worker_code, parsed) {
        (Some(BffErrorCode::SessionRequired), _) => ApiError::SessionEnded { revoked: false },
        (Some(BffErrorCode::SessionRevoked), _) => ApiError::SessionEnded { revoked: true },
        // Any other 401 (e.g. passed through from tastytrade) also means: sign in again.
        _ if status == 401 => ApiError::SessionEnded { revoked: false },
        (Some(code), Some(e)) => ApiError::Worker {
            status,
            code,
            message: e.error.message.unwrap_or_default(),
        },
        (None, Some(e)) => {
            let code = e
                .error
                .code
                .as_ref()
                .map(ErrorCode::as_text)
                .unwrap_or_else(|| status.to_string());
            let mut message = e.error.summary();
            if message.is_empty() {
                message = format!("HTTP {status}");
            }
            ApiError::Tastytrade {
                status,
                code,
                message,
            }
        }
        _ => ApiError::Http { status },
    }
}

/// An `AbortSignal` that fires when the current reactive owner is cleaned up: a resource
/// re-running or a view unmounting cancels its in-flight request (as leptos' hackernews
/// example does). Call synchronously inside the resource's fetcher.
pub fn abort_on_cleanup() -> Option<AbortSignal> {
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    let controller = SendWrapper::new(controller);
    on_cleanup(move || controller.abort());
    Some(signal)
}

fn net_error(e: gloo_net::Error) -> ApiError {
    match e {
        gloo_net::Error::JsError(e) if e.name == "AbortError" => ApiError::Aborted,
        gloo_net::Error::JsError(e) => ApiError::Network(e.message),
        other => ApiError::Network(other.to_string()),
    }
}

/// A request to the worker with the app's fixed settings: same-origin cookies only, never the
/// HTTP cache (account data), JSON, the CSRF header on anything but GET, and `signal` to abort.
fn request(method: Method, path: &str, signal: Option<&AbortSignal>) -> RequestBuilder {
    let csrf = method != Method::GET;
    let builder = RequestBuilder::new(path)
        .method(method)
        .credentials(RequestCredentials::SameOrigin)
        .cache(RequestCache::NoStore)
        .abort_signal(signal)
        .header("accept", "application/json");
    if csrf {
        builder.header(bff::CSRF_HEADER, bff::CSRF_VALUE)
    } else {
        builder
    }
}

/// Sends `builder` (with `json_body`, if any) and reads the status and the body text. Nothing is
/// sent until the future is first polled: to run several requests concurrently, await them
/// together (`futures::future::join_all`).
async fn send(builder: RequestBuilder, json_body: Option<String>) -> Result<Reply, ApiError> {
    let response = match json_body {
        Some(body) => {
            builder
                .header("content-type", "application/json")
                .body(body)
                .map_err(net_error)?
                .send()
                .await
        }
        None => builder.send().await,
    }
    .map_err(net_error)?;
    let status = response.status();
    let retry_after_secs = response
        .headers()
        .get("retry-after")
        .as_deref()
        .and_then(parse_retry_after);
    let body = response.text().await.map_err(net_error)?;
    Ok(Reply {
        status,
        body,
        retry_after_secs,
    })
}

fn get_path<T: DeserializeOwned>(
    path: &str,
    signal: Option<&AbortSignal>,
) -> impl Future<Output = Result<T, ApiError>> + 'static {
    let builder = request(Method::GET, path, signal);
    async move { send(builder, None).await?.decode() }
}

/// `/api/<segments>?<query>`; every segment is URI-encoded.
fn api_path(parts: &[&str], query: &str) -> String {
    let mut path = String::from(bff::API_PREFIX);
    for part in parts {
        path.push('/');
        path.push_str(&crate::url::encode_uri_component(part));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(query);
    }
    path
}

// ---- worker: auth -------------------------------------------------------------------------

pub async fn auth_config() -> Result<AuthConfig, ApiError> {
    get_path("/auth/config", None).await
}

/// The current session. A missing session is `Ok(signed_in: false)` or `Err(SessionEnded)`,
/// depending on how the worker answers; callers treat both as "signed out".
pub async fn session() -> Result<SessionInfo, ApiError> {
    get_path("/auth/session", None).await
}

/// Signs in with the callback's code; the answer carries the first screen's data.
pub async fn exchange(code: String, code_verifier: Option<String>) -> Result<SignedIn, ApiError> {
    let body = serde_json::to_string(&ExchangeRequest {
        code,
        code_verifier,
    })
    .map_err(|e| ApiError::Decode(e.to_string()))?;
    send(request(Method::POST, "/auth/exchange", None), Some(body))
        .await?
        .decode()
}

pub async fn logout() -> Result<(), ApiError> {
    send(request(Method::POST, "/auth/logout", None), None)
        .await?
        .success()
}

// ---- tastytrade through the worker ---------------------------------------------------------
// These build their request when called (capturing the abort signal) and send it when first
// polled. Paths are given as segments, each URI-encoded (a watchlist name may hold `/` or `&`).

/// The part of tastytrade's envelope the app reads. (`pocket_shared::tastytrade::Envelope` is
/// the full wire model; `context` is skipped here to keep the bundle small.)
#[derive(Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// One page of a paginated list (docs/tastytrade.md §4.2).
#[derive(Deserialize)]
pub struct Page<T> {
    pub data: Items<T>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

impl<T> Page<T> {
    /// The `page-offset` of the next page, if there is one.
    pub fn next_offset(&self) -> Option<i64> {
        self.pagination
            .as_ref()
            .and_then(Pagination::next_page_offset)
    }
}

/// `GET /api/<parts…>?<query>`: tastytrade's `data`.
pub fn get<T: DeserializeOwned + 'static>(
    parts: &[&str],
    query: &str,
    signal: Option<&AbortSignal>,
) -> impl Future<Output = Result<T, ApiError>> + 'static {
    let request = get_path::<Data<T>>(&api_path(parts, query), signal);
    async move { Ok(request.await?.data) }
}

/// `GET /api/<parts…>?<query>`: the whole body of a 2xx answer, for a caller that reads it
/// itself (the stream reads its few answers from one `serde_json::Value` parse, so this
/// request machinery is compiled once for all of them).
pub fn get_text(
    parts: &[&str],
    query: &str,
) -> impl Future<Output = Result<String, ApiError>> + 'static {
    let builder = request(Method::GET, &api_path(parts, query), None);
    async move {
        let reply = send(builder, None).await?;
        reply.success()?;
        Ok(reply.body)
    }
}

/// Awaits `requests` one after another (never at once: a long list of symbols asks in a few
/// requests) and concatenates what `parse` reads from each body; the first failure fails all.
pub async fn each_text<T>(
    requests: Vec<impl Future<Output = Result<String, ApiError>>>,
    parse: fn(&str) -> Vec<T>,
) -> Result<Vec<T>, ApiError> {
    let mut all = Vec::new();
    for request in requests {
        all.extend(parse(&request.await?));
    }
    Ok(all)
}

/// `GET` of one page of a paginated list.
pub fn get_page<T: DeserializeOwned + 'static>(
    parts: &[&str],
    query: &str,
    signal: Option<&AbortSignal>,
) -> impl Future<Output = Result<Page<T>, ApiError>> + 'static {
    get_path::<Page<T>>(&api_path(parts, query), signal)
}

/// A write (`POST`/`PUT`/`DELETE`) with an optional JSON body: tastytrade's `data`. Sent once;
/// callers go through `data::Mutation`, which never retries.
pub fn write<T: DeserializeOwned + 'static>(
    method: Method,
    parts: &[&str],
    body: Option<String>,
) -> impl Future<Output = Result<T, ApiError>> + 'static {
    let builder = request(method, &api_path(parts, ""), None);
    async move { Ok(send(builder, body).await?.decode::<Data<T>>()?.data) }
}

/// A write whose answer the caller does not read: any 2xx is success, whatever the body (a
/// `DELETE` may answer the deleted object, an empty body or nothing; docs/tastytrade.md §6.7).
pub fn write_unit(
    method: Method,
    parts: &[&str],
    body: Option<String>,
) -> impl Future<Output = Result<(), ApiError>> + 'static {
    let builder = request(method, &api_path(parts, ""), None);
    async move { send(builder, body).await?.success() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_session_errors_end_the_session() {
        let body = r#"{"error":{"code":"session_revoked","message":"x"}}"#;
        assert_eq!(
            classify_error(401, body),
            ApiError::SessionEnded { revoked: true }
        );
        let body = r#"{"error":{"code":"session_required","message":"x"}}"#;
        assert_eq!(
            classify_error(401, body),
            ApiError::SessionEnded { revoked: false }
        );
        // Any 401 without a worker body (e.g. passed through) also ends it.
        assert_eq!(
            classify_error(401, "<html>"),
            ApiError::SessionEnded { revoked: false }
        );
    }

    #[test]
    fn tastytrade_envelope_keeps_code_and_message() {
        let body = r#"{"error":{"code":"not_permitted","message":"User not permitted access"}}"#;
        assert_eq!(
            classify_error(403, body),
            ApiError::Tastytrade {
                status: 403,
                code: "not_permitted".into(),
                message: "User not permitted access".into()
            }
        );
        let body = r#"{"error":{"code":406,"message":"The requested version is not supported."}}"#;
        assert!(matches!(
            classify_error(406, body),
            ApiError::Tastytrade { code, .. } if code == "406"
        ));
    }

    #[test]
    fn worker_and_plain_errors() {
        let body = r#"{"error":{"code":"upstream_unavailable","message":"down"}}"#;
        assert!(matches!(
            classify_error(502, body),
            ApiError::Worker {
                code: BffErrorCode::UpstreamUnavailable,
                ..
            }
        ));
        assert_eq!(
            classify_error(502, "<html>Bad gateway</html>"),
            ApiError::Http { status: 502 }
        );
        assert!(matches!(
            reply(200, "{not json", None).decode::<SessionInfo>(),
            Err(ApiError::Decode(_))
        ));
    }

    fn reply(status: u16, body: &str, retry_after_secs: Option<u32>) -> Reply {
        Reply {
            status,
            body: body.into(),
            retry_after_secs,
        }
    }

    #[test]
    fn any_429_is_rate_limited_with_its_retry_after() {
        let worker = r#"{"error":{"code":"rate_limited","message":"Too many sign-in attempts"}}"#;
        let tastytrade = r#"{"error":{"code":"too_many_requests","message":"slow down"}}"#;
        for body in [worker, tastytrade, "<html>429</html>"] {
            assert_eq!(
                reply(429, body, Some(7)).decode::<SessionInfo>(),
                Err(ApiError::RateLimited {
                    retry_after_secs: Some(7)
                })
            );
        }
        let e = reply(429, worker, None).error();
        assert_eq!(e.title(), "Too many requests");
        assert!(e.to_string().contains("wait 10 seconds"), "{e}");
        assert_eq!(parse_retry_after(" 10 "), Some(10));
        for bad in ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1.5", "", "999999"] {
            assert_eq!(parse_retry_after(bad), None, "{bad}");
        }
    }
}
