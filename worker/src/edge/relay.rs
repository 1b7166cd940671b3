//! `GET /api/account-streamer`: tastytrade's account streamer through the worker, so the access
//! token never reaches the page (docs/contracts.md, Worker; docs/tastytrade.md §6.12). The relay
//! runs in the stateless worker, not in the session's Durable Object: an outbound socket would
//! pin the object in memory (docs/contracts.md, Account streamer relay). Per browser message
//! it asks the object for the current access token (refreshed there when near expiry), so a
//! long-lived socket outlives token renewals. A hibernatable "watch" socket to the object
//! closes when the session ends, and the relay then closes with 4001 "signed out".

use super::auth::session_cookie_of;
use super::session::{self, Op, StreamAuth};
use super::{load_config, Ctx};
use crate::cookie::SessionCookie;
use crate::crypto::SessionId;
use crate::error::AppError;
use crate::streamer::{
    self, error_frame, relayable_close_code, Screened, SIGNED_OUT_CODE, SIGNED_OUT_REASON,
};
use crate::token::USER_AGENT;
use futures::future::{select, Either};
use futures::stream::{self, StreamExt};
use std::pin::pin;
use std::time::Duration;
use worker::{
    console_warn, wasm_bindgen_futures::spawn_local, Delay, Env, Fetch, Headers, Request,
    RequestInit, Response, RouteContext, WebSocket, WebSocketPair, WebsocketEvent,
};

pub async fn open(req: Request, rc: RouteContext<Ctx>) -> Result<Response, AppError> {
    let ctx = &rc.data;
    if ctx.method != "GET" {
        return Err(AppError::WrongMethod);
    }
    let SessionCookie::Valid(sid) = session_cookie_of(&req, &rc.env)? else {
        return Err(AppError::SessionRequired);
    };
    // A page of another origin could open this socket with the user's cookie (WebSockets are
    // not subject to CORS), so the upgrade must name our own origin.
    let origin = req.headers().get("origin")?;
    if !origin.is_some_and(|o| o.trim().eq_ignore_ascii_case(&ctx.origin)) {
        return Err(AppError::CrossOrigin);
    }
    let upgrade = req.headers().get("upgrade")?;
    if !upgrade.is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket")) {
        return Err(AppError::BadRequest);
    }
    // The session must be live, and its end must reach us.
    let watch = session::call(&rc.env, &sid, Op::Watch, None).await?;
    if watch.status_code() != 101 {
        return Err(if watch.status_code() == 401 {
            AppError::SessionRequired
        } else {
            AppError::Internal
        });
    }
    let watch = watch.websocket().ok_or(AppError::Internal)?;
    watch.accept()?;
    let cfg = load_config(&rc.env)?;
    let upstream = match connect_upstream(&cfg.streamer_url, cfg.api_timeout_ms).await {
        Ok(ws) => ws,
        Err(e) => {
            let _ = watch.close(Some(1000), Some("closed"));
            return Err(e);
        }
    };
    let pair = WebSocketPair::new()?;
    let browser = pair.server;
    browser.accept()?;
    let env = rc.env.clone();
    spawn_local(async move {
        relay(env, sid, browser, upstream, watch).await;
    });
    Ok(Response::from_websocket(pair.client)?)
}

/// Opens tastytrade's account streamer with our `User-Agent` (`WebSocket::connect` cannot set
/// headers), within the API timeout.
async fn connect_upstream(url: &str, timeout_ms: u32) -> Result<WebSocket, AppError> {
    let http = if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        return Err(AppError::Internal);
    };
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set("user-agent", USER_AGENT)?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let req = Request::new_with_init(&http, &init)?;
    let fetch = Fetch::Request(req);
    let connect = pin!(fetch.send());
    let timer = pin!(Delay::from(Duration::from_millis(timeout_ms.into())));
    let unavailable = |timeout| AppError::UpstreamUnavailable { timeout };
    let resp = match select(connect, timer).await {
        Either::Left((Ok(resp), _)) => resp,
        Either::Left((Err(e), _)) => {
            console_warn!("account streamer: connect failed: {e}");
            return Err(unavailable(false));
        }
        Either::Right(_) => {
            console_warn!("account streamer: connect timed out");
            return Err(unavailable(true));
        }
    };
    let status = resp.status_code();
    let ws = resp.websocket().ok_or_else(|| {
        console_warn!("account streamer: upgrade refused ({status})");
        unavailable(false)
    })?;
    ws.accept()?;
    Ok(ws)
}

enum Side {
    Browser,
    Upstream,
    Watch,
}

/// Pumps frames both ways until any of the three sockets closes, then closes the others.
async fn relay(
    env: Env,
    sid: SessionId,
    browser: WebSocket,
    upstream: WebSocket,
    watch: WebSocket,
) {
    let (Ok(from_browser), Ok(from_upstream), Ok(from_watch)) =
        (browser.events(), upstream.events(), watch.events())
    else {
        close_all(&browser, &upstream, &watch, 1011, "relay failed");
        return;
    };
    let events = stream::select(
        stream::select(
            from_browser.map(|e| (Side::Browser, e)),
            from_upstream.map(|e| (Side::Upstream, e)),
        ),
        from_watch.map(|e| (Side::Watch, e)),
    );
    let mut events = pin!(events);
    let mut accounts: Option<Vec<String>> = None;
    let (code, reason) = loop {
        let Some((side, event)) = events.next().await else {
            break (1000, "closed");
        };
        match (side, event) {
            (Side::Browser, Ok(WebsocketEvent::Message(m))) => {
                let Some(text) = m.text() else {
                    let _ = browser.send_with_str(error_frame(None, streamer::NOT_ALLOWED));
                    continue;
                };
                match forward(&env, &sid, &text, &mut accounts).await {
                    Forward::Send(out) => {
                        if upstream.send_with_str(out).is_err() {
                            break (1011, "upstream failed");
                        }
                    }
                    Forward::Answer(frame) => {
                        let _ = browser.send_with_str(frame);
                    }
                    Forward::SignedOut => break (SIGNED_OUT_CODE, SIGNED_OUT_REASON),
                }
            }
            (Side::Upstream, Ok(WebsocketEvent::Message(m))) => {
                // The streamer speaks text (JSON); it is passed on unchanged.
                if let Some(text) = m.text() {
                    if browser.send_with_str(text).is_err() {
                        break (1000, "closed");
                    }
                }
            }
            (Side::Watch, Ok(WebsocketEvent::Message(_))) => {}
            (Side::Watch, _) => break (SIGNED_OUT_CODE, SIGNED_OUT_REASON),
            (Side::Browser, Ok(WebsocketEvent::Close(_))) | (Side::Browser, Err(_)) => {
                break (1000, "closed")
            }
            (Side::Upstream, Ok(WebsocketEvent::Close(c))) => {
                break (relayable_close_code(c.code()), "upstream closed")
            }
            (Side::Upstream, Err(_)) => break (1011, "upstream failed"),
        }
    };
    close_all(&browser, &upstream, &watch, code, reason);
}

fn close_all(
    browser: &WebSocket,
    upstream: &WebSocket,
    watch: &WebSocket,
    code: u16,
    reason: &str,
) {
    let _ = browser.close(Some(code), Some(reason));
    let _ = upstream.close(Some(1000), Some("closed"));
    let _ = watch.close(Some(1000), Some("closed"));
}

enum Forward {
    /// The message for tastytrade, with the session's token.
    Send(String),
    /// Not forwarded: this goes back to the browser.
    Answer(String),
    /// The session is gone.
    SignedOut,
}

/// One browser message: checked, then sent with the current token (the account list is fetched
/// through the session object once per socket, when a message first names accounts).
async fn forward(
    env: &Env,
    sid: &SessionId,
    text: &str,
    accounts: &mut Option<Vec<String>>,
) -> Forward {
    let screened: Screened = match streamer::screen(text) {
        Ok(s) => s,
        Err(refused) => return Forward::Answer(streamer::refusal(&refused)),
    };
    let action = Some(screened.action_str());
    let need_accounts = screened.names_accounts() && accounts.is_none();
    let auth = match stream_auth(env, sid, need_accounts).await {
        Ok(auth) => auth,
        Err(AppError::SessionRequired | AppError::SessionRevoked) => return Forward::SignedOut,
        Err(_) => {
            return Forward::Answer(error_frame(action, "tastytrade could not be reached"));
        }
    };
    if let Some(list) = auth.accounts {
        *accounts = Some(list);
    }
    let own = accounts.as_deref().unwrap_or_default();
    if screened.names_accounts() && !screened.permitted(own) {
        return Forward::Answer(error_frame(action, streamer::NOT_ALLOWED));
    }
    Forward::Send(screened.outbound(&auth.token))
}

async fn stream_auth(env: &Env, sid: &SessionId, accounts: bool) -> Result<StreamAuth, AppError> {
    let mut resp = session::call(env, sid, Op::Stream { accounts }, None).await?;
    match resp.status_code() {
        200 => resp.json().await.map_err(|_| AppError::Internal),
        401 => Err(AppError::SessionRequired),
        _ => Err(AppError::UpstreamUnavailable { timeout: false }),
    }
}
