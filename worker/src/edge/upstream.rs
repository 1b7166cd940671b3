//! Calls to tastytrade: the token endpoint and the allowlisted REST paths. Redirects are not
//! followed (a bearer token must never follow one), every call has a timeout, and error logs
//! carry no request or response bodies.

use crate::allowlist::Allowed;
use crate::config::Config;
use crate::secret::Secret;
use crate::token::{to_http_response, HttpFailure, USER_AGENT};
use futures::future::{select, Either};
use oauth2::{HttpRequest, HttpResponse};
use std::pin::pin;
use std::time::Duration;
use worker::{
    console_warn, js_sys::Uint8Array, AbortController, Delay, Fetch, Headers, Method, Request,
    RequestInit, RequestRedirect,
};

/// Why there is no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Network,
    Timeout,
}

/// A complete upstream answer.
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    /// `Retry-After` as received (checked before it is passed on).
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

async fn send(
    url: &str,
    method: Method,
    headers: Headers,
    body: Option<&[u8]>,
    timeout: Duration,
) -> Result<Reply, Failure> {
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if let Some(body) = body {
        init.with_body(Some(Uint8Array::from(body).into()));
    }
    let req = Request::new_with_init(url, &init).map_err(|_| Failure::Network)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(req);
    let call = pin!(async {
        let mut resp = fetch.send_with_signal(&signal).await?;
        let content_type = resp.headers().get("content-type")?;
        let retry_after = resp.headers().get("retry-after")?;
        let body = resp.bytes().await?;
        Ok::<_, worker::Error>(Reply {
            status: resp.status_code(),
            content_type,
            retry_after,
            body,
        })
    });
    let timer = pin!(Delay::from(timeout));
    match select(call, timer).await {
        Either::Left((Ok(reply), _)) => Ok(reply),
        Either::Left((Err(e), _)) => {
            console_warn!("upstream call failed: {e}");
            Err(Failure::Network)
        }
        Either::Right(_) => {
            controller.abort();
            console_warn!("upstream call timed out");
            Err(Failure::Timeout)
        }
    }
}

fn base_headers() -> Headers {
    let h = Headers::new();
    let _ = h.set("user-agent", USER_AGENT);
    let _ = h.set("accept", "application/json");
    h
}

/// The `oauth2` crate's HTTP client: sends its token request (form body, secret inside) with
/// our `User-Agent`, no `Authorization` header, no redirects, and the token timeout.
pub async fn token_http(cfg: &Config, req: HttpRequest) -> Result<HttpResponse, HttpFailure> {
    let h = base_headers();
    for (name, value) in req.headers() {
        if let Ok(v) = value.to_str() {
            let _ = h.set(name.as_str(), v);
        }
    }
    let timeout = Duration::from_millis(cfg.token_timeout_ms.into());
    let reply = send(
        &req.uri().to_string(),
        Method::Post,
        h,
        Some(req.body()),
        timeout,
    )
    .await
    .map_err(|f| match f {
        Failure::Network => HttpFailure::Network,
        Failure::Timeout => HttpFailure::Timeout,
    })?;
    to_http_response(reply.status, reply.content_type.as_deref(), reply.body)
}

/// An allowlisted REST call with the bearer token. Nothing from the browser is forwarded except
/// the (checked) path/query and, for writes, the JSON body.
pub async fn api_call(
    cfg: &Config,
    allowed: &Allowed,
    access: &Secret,
    body: Option<&[u8]>,
) -> Result<Reply, Failure> {
    let h = base_headers();
    let _ = h.set("authorization", &format!("Bearer {}", access.expose()));
    if body.is_some() {
        let _ = h.set("content-type", "application/json");
    }
    let url = format!("{}{}", cfg.api_base, allowed.upstream);
    let method = Method::from(allowed.method.as_str().to_owned());
    let timeout = Duration::from_millis(cfg.api_timeout_ms.into());
    send(&url, method, h, body, timeout).await
}
