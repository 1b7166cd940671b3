//! `/api/*`: checks the allowlist and the session cookie, then hands the call to the session's
//! Durable Object, which adds the bearer token and talks to tastytrade.

use super::auth::{read_json_body, session_cookie_of, state_changing};
use super::session::{self, Op};
use super::Ctx;
use crate::allowlist;
use crate::cookie::SessionCookie;
use crate::error::AppError;
use worker::{Request, Response, RouteContext};

/// Largest request body forwarded (order tickets are a few KB).
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
    let body = if allowed.method.is_idempotent_read() {
        None
    } else {
        Some(read_json_body(&mut req, MAX_PROXY_BODY).await?)
    };
    let call = session::ProxyCall {
        method: ctx.method.clone(),
        raw_path: ctx.raw_path.clone(),
        raw_query: ctx.raw_query.clone(),
    };
    session::call(&rc.env, &sid, Op::Proxy(call), body).await
}
