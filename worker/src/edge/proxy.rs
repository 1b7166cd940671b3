//! `/api/*`: checks the allowlist and the session cookie, then hands the call to the session's
//! Durable Object, which adds the bearer token and talks to tastytrade.

use super::auth::{read_body, read_json_body, session_cookie_of, state_changing};
use super::session::{self, Op};
use super::Ctx;
use crate::allowlist::{self, ProxyMethod};
use crate::cookie::SessionCookie;
use crate::error::AppError;
use worker::{Request, Response, RouteContext};

/// Largest request body forwarded. The writes today are watchlists: about 65 bytes an entry, so
/// 64 KiB holds a list of ~1,000 symbols, more than tastytrade's own apps show; nothing bigger
/// has a reason to reach tastytrade through us.
pub const MAX_PROXY_BODY: usize = 64 * 1024;

pub async fn forward(mut req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    let ctx = &rc.data;
    let allowed = allowlist::check(&ctx.method, &ctx.raw_path, ctx.raw_query.as_deref())
        .map_err(AppError::NotAllowed)?;
    if !allowed.method.is_idempotent_read() {
        state_changing(&req, ctx)?;
    }
    let SessionCookie::Valid(sid) = session_cookie_of(&req, &rc.env)? else {
        return Err(AppError::SessionRequired);
    };
    let body = match allowed.method {
        ProxyMethod::Get => None,
        // A DELETE names what it deletes in its path; a body would have no defined meaning
        // (RFC 9110 §9.3.5), so none is accepted rather than silently dropped.
        ProxyMethod::Delete => match read_body(&mut req, 0).await {
            Ok(body) if body.is_empty() => None,
            Ok(_) | Err(AppError::PayloadTooLarge) => return Err(AppError::BodyNotAllowed),
            Err(e) => return Err(e),
        },
        ProxyMethod::Post | ProxyMethod::Put | ProxyMethod::Patch => {
            let body = read_json_body(&mut req, MAX_PROXY_BODY).await?;
            // JSON in name and in fact: tastytrade never sees bytes the type does not describe.
            serde_json::from_slice::<serde::de::IgnoredAny>(&body)
                .map_err(|_| AppError::BadRequest)?;
            Some(body)
        }
    };
    let call = session::ProxyCall {
        method: ctx.method.clone(),
        raw_path: ctx.raw_path.clone(),
        raw_query: ctx.raw_query.clone(),
    };
    session::call(&rc.env, &sid, Op::Proxy(call), body).await
}
