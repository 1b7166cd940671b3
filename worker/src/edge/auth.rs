//! `/auth/*`: configuration for the app, the code exchange, session status and logout.

use super::session::{self, Op};
use super::{load_client_id, load_config, load_secrets, respond, Ctx};
use crate::bootstrap::SessionQuery;
use crate::cookie::{clear_session_cookie, read_session_cookie, session_cookie, SessionCookie};
use crate::crypto::SessionId;
use crate::error::AppError;
use crate::guard::{check_state_changing, is_json_content_type};
use crate::secret::Secret;
use futures::StreamExt;
use pocket_shared::bff::{ExchangeRequest, SessionInfo, CSRF_HEADER};
use worker::{console_warn, Env, Request, Response, RouteContext};

const MAX_EXCHANGE_BODY: usize = 8 * 1024;
/// How much of an oversized body is read (and dropped) before the request is abandoned.
const DRAIN_LIMIT: usize = 1024 * 1024;
/// Cloudflare rate-limiting binding for `/auth/exchange` (`[[ratelimits]]` in wrangler.toml):
/// a flood of junk codes must not become a flood of token requests made with our client
/// credentials, which tastytrade could throttle for every user.
const EXCHANGE_LIMITER: &str = "EXCHANGE_LIMITER";
/// The limiter's period (wrangler.toml `simple.period`), sent as `Retry-After`.
const EXCHANGE_LIMIT_PERIOD_SECS: u32 = 10;

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

/// The session cookie, verified under `SESSION_KEY`: a forged id never reaches an object.
pub fn session_cookie_of(req: &Request, env: &Env) -> Result<SessionCookie, AppError> {
    let key = load_secrets(env)?.session_key;
    Ok(read_session_cookie(
        req.headers().get("cookie").ok().flatten().as_deref(),
        &key,
    ))
}

/// Reads a JSON request body, refusing another content type (415) and anything over `limit`
/// bytes (413) while reading: a chunked body without `Content-Length` is never buffered whole.
pub async fn read_json_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    let content_type = req.headers().get("content-type").ok().flatten();
    if !is_json_content_type(content_type.as_deref()) {
        return Err(AppError::UnsupportedMediaType);
    }
    read_body(req, limit).await
}

/// Reads a request body of at most `limit` bytes (413 past it, checked while reading).
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut body = Vec::new();
    let Ok(mut stream) = req.stream() else {
        return Ok(body);
    };
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            // Over the limit: nothing more is kept. The rest (up to DRAIN_LIMIT) is read and
            // dropped so the connection stays usable (an unread body stalled `wrangler dev`'s
            // proxy for the next request); past that the request is simply abandoned.
            if seen > DRAIN_LIMIT {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    if seen > limit {
        return Err(AppError::PayloadTooLarge);
    }
    Ok(body)
}

/// One attempt from this client address; refused past the configured rate.
async fn rate_limit_exchange(req: &Request, env: &Env) -> Result<(), AppError> {
    let address = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".to_owned());
    let limiter = env.rate_limiter(EXCHANGE_LIMITER).map_err(|e| {
        worker::console_error!("rate limiter binding {EXCHANGE_LIMITER}: {e}");
        AppError::Internal
    })?;
    let outcome = limiter.limit(address).await.map_err(|e| {
        worker::console_error!("rate limiter: {e}");
        AppError::Internal
    })?;
    if outcome.success {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after_secs: EXCHANGE_LIMIT_PERIOD_SECS,
        })
    }
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
    let body = read_json_body(&mut req, MAX_EXCHANGE_BODY).await?;
    let ask: ExchangeRequest = serde_json::from_slice(&body).map_err(|_| AppError::BadRequest)?;
    if !plausible(&ask.code, 1, 4096)
        || ask
            .code_verifier
            .as_deref()
            .is_some_and(|v| !plausible(v, 43, 128))
    {
        return Err(AppError::BadRequest);
    }
    // Without a verifier a leaked code would become a session for whoever posts it.
    if cfg.pkce && ask.code_verifier.is_none() {
        return Err(AppError::VerifierRequired);
    }
    rate_limit_exchange(&req, &rc.env).await?;

    let key = load_secrets(&rc.env)?.session_key;
    let sid = SessionId::generate(&key).map_err(|_| AppError::Internal)?;
    let internal = session::ExchangeInput {
        code: Secret::new(ask.code),
        code_verifier: ask.code_verifier.map(Secret::new),
        redirect_uri: cfg.redirect_uri_for(&rc.data.origin),
    };
    let body = serde_json::to_vec(&internal).map_err(|_| AppError::Internal)?;
    let resp = session::call(&rc.env, &sid, Op::Exchange, Some(body)).await?;
    if resp.status_code() != 200 {
        // A failed exchange (reused or expired code, double-submitted callback) keeps the
        // session this browser already has.
        return Ok(resp);
    }
    // Signing in again ends this browser's previous session, once the new one exists.
    if let SessionCookie::Valid(old) =
        read_session_cookie(req.headers().get("cookie").ok().flatten().as_deref(), &key)
    {
        if let Err(e) = session::call(&rc.env, &old, Op::Logout, None).await {
            console_warn!("could not end the previous session: {e}");
        }
    }
    Ok(respond::with_cookie(
        resp,
        &session_cookie(&sid, cfg.max_secs),
    ))
}

/// `GET /auth/session`: never an error for a missing or dead session, just `signed-in: false`.
/// With `?bootstrap=1[&account=N]` and a live session, also the first screen's data
/// ([`pocket_shared::bff::SignedIn`]; the app's reload path).
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
                dxlink_url_pattern: None,
                can_trade: false,
            },
        );
        Ok(if clear {
            respond::with_cookie(resp, &clear_session_cookie())
        } else {
            resp
        })
    };
    match session_cookie_of(&req, &rc.env)? {
        SessionCookie::Absent => signed_out(false),
        SessionCookie::Invalid => signed_out(true),
        SessionCookie::Valid(sid) => {
            let ask = SessionQuery::parse(rc.data.raw_query.as_deref());
            let op = if ask.bootstrap {
                Op::Bootstrap {
                    account: ask.account.map(str::to_owned),
                }
            } else {
                Op::Info
            };
            let resp = session::call(&rc.env, &sid, op, None).await?;
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
    if let SessionCookie::Valid(sid) = session_cookie_of(&req, &rc.env)? {
        let ended = session::call(&rc.env, &sid, Op::Logout, None).await?;
        if ended.status_code() != 204 {
            resp = ended;
        }
    }
    Ok(respond::with_cookie(resp, &clear_session_cookie()))
}
