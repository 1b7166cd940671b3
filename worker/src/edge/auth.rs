//! `/auth/*`: configuration for the app, the code exchange, session status and logout.

use super::session::{self, Op};
use super::{load_client_id, load_config, respond, Ctx};
use crate::cookie::{clear_session_cookie, read_session_cookie, session_cookie, SessionCookie};
use crate::crypto::SessionId;
use crate::error::AppError;
use crate::guard::check_state_changing;
use crate::secret::Secret;
use pocket_shared::bff::{ExchangeRequest, SessionInfo, CSRF_HEADER};
use worker::{console_warn, Request, Response, RouteContext};

const MAX_EXCHANGE_BODY: usize = 8 * 1024;

fn require_method(rc: &RouteContext<Ctx>, method: &str) -> Result<(), AppError> {
    if rc.data.method == method {
        Ok(())
    } else {
        Err(AppError::WrongMethod)
    }
}

/// CSRF header + same-origin checks for state-changing calls.
pub fn state_changing(req: &Request, ctx: &Ctx) -> Result<(), AppError> {
    let h = req.headers();
    let get = |name: &str| h.get(name).ok().flatten();
    check_state_changing(
        get(CSRF_HEADER).as_deref(),
        get("origin").as_deref(),
        get("sec-fetch-site").as_deref(),
        &ctx.origin,
    )
}

pub fn session_cookie_of(req: &Request) -> SessionCookie {
    read_session_cookie(req.headers().get("cookie").ok().flatten().as_deref())
}

/// Reads a request body, refusing anything over `limit` bytes.
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::BadRequest);
    }
    let body = req.bytes().await.map_err(|_| AppError::BadRequest)?;
    if body.len() > limit {
        return Err(AppError::BadRequest);
    }
    Ok(body)
}

/// `GET /auth/config`
pub async fn config(_req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    require_method(&rc, "GET")?;
    let cfg = load_config(&rc.env)?;
    let client_id = load_client_id(&rc.env)?;
    Ok(respond::json(
        200,
        &cfg.auth_config(&client_id, &rc.data.origin),
    ))
}

/// Authorization codes and PKCE verifiers are opaque, but printable ASCII of sane length.
fn plausible(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic())
}

/// `POST /auth/exchange`
pub async fn exchange(mut req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    require_method(&rc, "POST")?;
    state_changing(&req, &rc.data)?;
    let cfg = load_config(&rc.env)?;
    let body = read_body(&mut req, MAX_EXCHANGE_BODY).await?;
    let ask: ExchangeRequest = serde_json::from_slice(&body).map_err(|_| AppError::BadRequest)?;
    if !plausible(&ask.code, 1, 4096)
        || ask
            .code_verifier
            .as_deref()
            .is_some_and(|v| !plausible(v, 43, 128))
    {
        return Err(AppError::BadRequest);
    }

    // Signing in again ends this browser's previous session, if any.
    if let SessionCookie::Valid(old) = session_cookie_of(&req) {
        if let Err(e) = session::call(&rc.env, &old, Op::Logout, None).await {
            console_warn!("could not end the previous session: {e}");
        }
    }

    let sid = SessionId::generate().map_err(|_| AppError::Internal)?;
    let internal = session::ExchangeInput {
        code: Secret::new(ask.code),
        code_verifier: ask.code_verifier.map(Secret::new),
        redirect_uri: cfg.redirect_uri_for(&rc.data.origin),
    };
    let body = serde_json::to_vec(&internal).map_err(|_| AppError::Internal)?;
    let resp = session::call(&rc.env, &sid, Op::Exchange, Some(body)).await?;
    if resp.status_code() != 200 {
        return Ok(resp);
    }
    Ok(respond::with_cookie(
        resp,
        &session_cookie(&sid, cfg.max_secs),
    ))
}

/// `GET /auth/session`: never an error for a missing or dead session, just `signed-in: false`.
pub async fn session(req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    require_method(&rc, "GET")?;
    let cfg = load_config(&rc.env)?;
    let signed_out = |clear: bool| -> Result<Response, AppError> {
        let resp = respond::json(
            200,
            &SessionInfo {
                signed_in: false,
                environment: cfg.environment,
                expires_at: None,
                idle_expires_at: None,
            },
        );
        Ok(if clear {
            respond::with_cookie(resp, &clear_session_cookie())
        } else {
            resp
        })
    };
    match session_cookie_of(&req) {
        SessionCookie::Absent => signed_out(false),
        SessionCookie::Invalid => signed_out(true),
        SessionCookie::Valid(sid) => {
            let resp = session::call(&rc.env, &sid, Op::Info, None).await?;
            if resp.status_code() == 401 {
                signed_out(true)
            } else {
                Ok(resp)
            }
        }
    }
}

/// `POST /auth/logout`: deletes the server-side session (a copied cookie becomes useless) and
/// clears the cookie.
pub async fn logout(req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    require_method(&rc, "POST")?;
    state_changing(&req, &rc.data)?;
    let mut resp = respond::empty(204);
    if let SessionCookie::Valid(sid) = session_cookie_of(&req) {
        let ended = session::call(&rc.env, &sid, Op::Logout, None).await?;
        if ended.status_code() != 204 {
            resp = ended;
        }
    }
    Ok(respond::with_cookie(resp, &clear_session_cookie()))
}
