//! Calls to tastytrade: the token endpoint and the allowlisted REST paths. Redirects are not
//! followed (a bearer token must never follow one), every call has a timeout, and error logs
//! carry no request or response bodies.

use crate::allowlist::Allowed;
use crate::config::Config;
use crate::secret::Secret;
use crate::token::USER_AGENT;
use futures::future::{select, Either};
use std::pin::pin;
use std::time::Duration;
use worker::{
    console_warn, js_sys::Uint8Array, AbortController, Delay, Fetch, Headers, Method, Request,
    RequestInit, RequestRedirect,
};

const TOKEN_TIMEOUT: Duration = Duration::from_secs(15);
const API_TIMEOUT: Duration = Duration::from_secs(20);

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
        let body = resp.bytes().await?;
        Ok::<_, worker::Error>(Reply {
            status: resp.status_code(),
            content_type,
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

/// `POST {api}/oauth/token` with a JSON grant body (no `Authorization` header).
pub async fn token_call(cfg: &Config, grant_json: &[u8]) -> Result<Reply, Failure> {
    let h = base_headers();
    let _ = h.set("content-type", "application/json");
    send(
        &cfg.token_url(),
        Method::Post,
        h,
        Some(grant_json),
        TOKEN_TIMEOUT,
    )
    .await
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
    send(&url, method, h, body, API_TIMEOUT).await
}
