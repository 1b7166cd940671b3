//! One Durable Object per session. It holds the session's tokens (AES-256-GCM encrypted in its
//! storage, decrypted copy in memory), enforces idle/absolute lifetimes, refreshes the access
//! token single-flight and makes the upstream API calls, so tokens never leave it. Every API
//! call of the session (proxied or for the first screen's data) waits for a slot of the
//! session's rate ([`crate::shaping`]); the token endpoint does not.
//!
//! Storage keys: `created` and `last_used` (epoch ms, numbers) and `tok` (sealed [`Tokens`]).
//! The object is addressed with `id_from_name(session id)`; an unknown or tampered id reaches an
//! empty object and gets `session_required`.

use super::upstream::{self, Failure, Reply};
use super::{load_config, load_secrets, now_ms, respond, SESSIONS_BINDING};
use crate::allowlist::{self, Allowed, OrderWrite};
use crate::bootstrap::{account_numbers, select_account};
use crate::config::{holds_trade, Config, Secrets};
use crate::crypto::{SessionId, TokenCipher};
use crate::error::{order_outcome, passable_retry_after, passable_status, AppError};
use crate::lifetime::{record_use, Lifetimes, SessionTimes};
use crate::secret::Secret;
use crate::shaping::{Slot, SlotScheduler};
use crate::streamer::{SIGNED_OUT_CODE, SIGNED_OUT_REASON};
use crate::token::{self, token_client, TokenOutcome, Tokens};
use futures::future::{join, join_all, FutureExt, LocalBoxFuture, Shared};
use pocket_shared::bff::{Bootstrap, BootstrapPositions, SessionInfo, SignedIn};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use worker::{
    console_error, console_log, console_warn, durable_object, js_sys, Delay, DurableObject, Env,
    Headers, Method, Request, RequestInit, Response, ResponseBuilder, State, Storage, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

const SID_HEADER: &str = "x-pocket-session";
const METHOD_HEADER: &str = "x-pocket-method";
const PATH_HEADER: &str = "x-pocket-path";
const QUERY_HEADER: &str = "x-pocket-query";
const ACCOUNT_HEADER: &str = "x-pocket-account";
const K_CREATED: &str = "created";
const K_LAST_USED: &str = "last_used";
const K_TOKENS: &str = "tok";

/// Operations the worker asks a session object for.
pub enum Op {
    Exchange,
    Info,
    Logout,
    Proxy(ProxyCall),
    /// The session and the first screen's data ([`SignedIn`]), positions for `account` if it
    /// is one of the customer's accounts (else the first).
    Bootstrap {
        account: Option<String>,
    },
    /// For the account-streamer relay: the current access token (refreshed when near expiry)
    /// and, if `accounts`, the customer's account numbers ([`StreamAuth`]).
    Stream {
        accounts: bool,
    },
    /// A WebSocket the object closes (4001 "signed out") when the session ends: the relay's
    /// sign-out signal. Hibernatable, so an idle session object is not kept in memory.
    Watch,
}

/// The object's answer to [`Op::Stream`]; stays inside the worker (the relay puts the token
/// into upstream messages itself).
#[derive(Serialize, Deserialize)]
pub struct StreamAuth {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<String>>,
}

/// The browser's API call, as received (re-checked against the allowlist inside the object).
pub struct ProxyCall {
    pub method: String,
    pub raw_path: String,
    pub raw_query: Option<String>,
}

/// Body of the internal exchange call.
#[derive(Serialize, Deserialize)]
pub struct ExchangeInput {
    pub code: Secret,
    pub code_verifier: Option<Secret>,
    pub redirect_uri: String,
}

/// Sends `op` to the object of session `sid` (worker side).
pub async fn call(
    env: &Env,
    sid: &SessionId,
    op: Op,
    body: Option<Vec<u8>>,
) -> Result<Response, AppError> {
    let stub = env
        .durable_object(SESSIONS_BINDING)?
        .id_from_name(sid.as_str())?
        .get_stub()?;
    let headers = Headers::new();
    headers.set(SID_HEADER, sid.as_str())?;
    let mut method = Method::Post;
    let path = match op {
        Op::Exchange => "/exchange",
        Op::Stream { accounts } => {
            if accounts {
                headers.set(ACCOUNT_HEADER, "all")?;
            }
            "/stream"
        }
        Op::Watch => {
            method = Method::Get;
            headers.set("upgrade", "websocket")?;
            "/watch"
        }
        Op::Info => "/info",
        Op::Logout => "/logout",
        Op::Bootstrap { account } => {
            if let Some(a) = account {
                headers.set(ACCOUNT_HEADER, &a)?;
            }
            "/bootstrap"
        }
        Op::Proxy(call) => {
            headers.set(METHOD_HEADER, &call.method)?;
            headers.set(PATH_HEADER, &call.raw_path)?;
            if let Some(q) = &call.raw_query {
                headers.set(QUERY_HEADER, q)?;
            }
            "/proxy"
        }
    };
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers);
    if let Some(body) = body {
        init.with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    }
    let req = Request::new_with_init(&format!("https://session.internal{path}"), &init)?;
    Ok(stub.fetch_with_request(req).await?)
}

/// Result of one refresh, shared by every request that waited for it.
#[derive(Clone)]
enum Refreshed {
    Ok(Tokens),
    /// `invalid_grant`: the session was deleted.
    Revoked,
    /// The session ended (logout/expiry) while the refresh was in flight.
    Gone,
    Unavailable {
        timeout: bool,
    },
    /// `invalid_client`: the deployment's credentials are refused; the session is kept (the
    /// grant is fine) and the error says what the operator must fix.
    ClientRejected,
}

type Flight = Shared<LocalBoxFuture<'static, Refreshed>>;

#[durable_object]
pub struct PocketSession {
    state: State,
    env: Env,
    /// Bumped whenever the session is deleted; in-flight work that started under an older epoch
    /// must not write anything back.
    epoch: Rc<Cell<u64>>,
    /// Decrypted tokens (the object is unique, so this copy is coherent with storage).
    tokens: Rc<RefCell<Option<Tokens>>>,
    /// The refresh in flight, joined by every request that needs a new token meanwhile.
    pending: RefCell<Option<Flight>>,
    /// Start times of this session's upstream API calls (created on first use, from the config).
    shaper: RefCell<Option<SlotScheduler>>,
}

impl DurableObject for PocketSession {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            epoch: Rc::new(Cell::new(0)),
            tokens: Rc::new(RefCell::new(None)),
            pending: RefCell::new(None),
            shaper: RefCell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        Ok(self.handle(req).await.unwrap_or_else(respond::error))
    }

    /// Watch sockets carry nothing from the relay.
    async fn websocket_message(
        &self,
        _ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        Ok(())
    }

    /// The relay closed its watch socket: close this end too.
    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    /// Deletes the session once it has expired; otherwise re-arms for the next deadline.
    async fn alarm(&self) -> worker::Result<Response> {
        let cfg = match load_config(&self.env) {
            Ok(cfg) => cfg,
            Err(_) => return Response::ok(""),
        };
        let storage = self.state.storage();
        let now = now_ms();
        match load_times(&storage).await? {
            Some(times) if !times.is_expired(now, lifetimes(&cfg)) => {
                let next = times.idle_expires_at(lifetimes(&cfg)) - now + 1000;
                storage.set_alarm(next.max(1000)).await?;
            }
            _ => {
                self.wipe().await?;
                console_log!("session expired and deleted by alarm");
            }
        }
        Response::ok("")
    }
}

fn lifetimes(cfg: &Config) -> Lifetimes {
    Lifetimes {
        idle_secs: cfg.idle_secs,
        max_secs: cfg.max_secs,
    }
}

/// `created` + `last_used`, if the session exists (a partial record counts as none).
async fn load_times(storage: &Storage) -> worker::Result<Option<SessionTimes>> {
    let map = storage.get_multiple(vec![K_CREATED, K_LAST_USED]).await?;
    let created = map.get(&K_CREATED.into()).as_f64();
    let last_used = map.get(&K_LAST_USED.into()).as_f64();
    Ok(match (created, last_used) {
        (Some(c), Some(l)) => Some(SessionTimes {
            created_ms: c as i64,
            last_used_ms: l as i64,
        }),
        _ => None,
    })
}

fn seal(cipher: &TokenCipher, tokens: &Tokens) -> Result<String, AppError> {
    let plain = serde_json::to_vec(tokens).map_err(|_| AppError::Internal)?;
    cipher.seal(&plain).map_err(|e| {
        console_error!("sealing tokens: {e}");
        AppError::Internal
    })
}

fn info(cfg: &Config, times: SessionTimes, can_trade: bool) -> SessionInfo {
    SessionInfo {
        can_trade,
        signed_in: true,
        environment: cfg.environment,
        expires_at: Some(times.expires_at(lifetimes(cfg))),
        idle_expires_at: Some(times.idle_expires_at(lifetimes(cfg))),
        dxlink_url_pattern: Some(cfg.dxlink_url_pattern.clone()),
    }
}

/// A session ready for upstream calls.
struct Authorized {
    times: SessionTimes,
    tokens: Tokens,
    /// The token was refreshed for this very request: a 401 on it ends the session.
    refreshed: bool,
    secrets: Secrets,
    cipher: TokenCipher,
}

fn failure_error(f: Failure) -> AppError {
    AppError::UpstreamUnavailable {
        timeout: f == Failure::Timeout,
    }
}

impl PocketSession {
    async fn handle(&self, mut req: Request) -> Result<Response, AppError> {
        let now = now_ms();
        let epoch = self.epoch.get();
        let key = load_secrets(&self.env)?.session_key;
        let sid = req
            .headers()
            .get(SID_HEADER)?
            .and_then(|s| SessionId::parse(&s, &key))
            .ok_or(AppError::SessionRequired)?;
        // Only the worker can reach this object, and only under the id's own name; check anyway.
        let namespace = self.env.durable_object(SESSIONS_BINDING)?;
        if namespace.id_from_name(sid.as_str())? != self.state.id() {
            console_error!("session object reached under another name");
            return Err(AppError::SessionRequired);
        }
        let cfg = load_config(&self.env)?;
        match req.path().as_str() {
            "/exchange" => {
                let input: ExchangeInput = req.json().await.map_err(|_| AppError::BadRequest)?;
                self.exchange(input, &sid, &cfg, now).await
            }
            "/info" => {
                let (times, tokens) = self.open_tokens(&sid, &cfg, now, epoch).await?;
                Ok(respond::json(200, &info(&cfg, times, tokens.can_trade)))
            }
            "/stream" => {
                let auth = self.authorize(&sid, &cfg, now, epoch).await?;
                let accounts = if req.headers().get(ACCOUNT_HEADER)?.is_some() {
                    let body = self
                        .read_json(&auth, &cfg, "/customers/me/accounts", None)
                        .await?
                        .ok_or(AppError::UpstreamUnavailable { timeout: false })?;
                    Some(account_numbers(&body))
                } else {
                    None
                };
                Ok(respond::json(
                    200,
                    &StreamAuth {
                        token: auth.tokens.access.expose().to_owned(),
                        accounts,
                    },
                ))
            }
            "/watch" => {
                self.open(&cfg, now, epoch).await?;
                let pair = WebSocketPair::new()?;
                self.state.accept_web_socket(&pair.server);
                Ok(Response::from_websocket(pair.client)?)
            }
            "/logout" => {
                self.wipe().await?;
                Ok(respond::empty(204))
            }
            "/proxy" => {
                let h = req.headers();
                let call = ProxyCall {
                    method: h.get(METHOD_HEADER)?.unwrap_or_default(),
                    raw_path: h.get(PATH_HEADER)?.unwrap_or_default(),
                    raw_query: h.get(QUERY_HEADER)?,
                };
                // The worker sends a body only with POST/PUT (a DELETE's must be empty).
                let body = if call.method == "GET" {
                    None
                } else {
                    Some(req.bytes().await?).filter(|b| !b.is_empty())
                };
                self.proxy(call, body, &sid, &cfg, now, epoch).await
            }
            "/bootstrap" => {
                let account = req.headers().get(ACCOUNT_HEADER)?;
                let (times, can_trade, bootstrap) =
                    match self.authorize(&sid, &cfg, now, epoch).await {
                        Ok(auth) => (
                            auth.times,
                            auth.tokens.can_trade,
                            self.first_screen(&auth, &cfg, account.as_deref()).await?,
                        ),
                        Err(e @ (AppError::SessionRequired | AppError::SessionRevoked)) => {
                            return Err(e)
                        }
                        // tastytrade unreachable for a refresh: the session without the data.
                        Err(_) => {
                            let (times, tokens) = self.open_tokens(&sid, &cfg, now, epoch).await?;
                            (times, tokens.can_trade, None)
                        }
                    };
                Ok(respond::json(
                    200,
                    &SignedIn {
                        session: info(&cfg, times, can_trade),
                        bootstrap,
                    },
                ))
            }
            _ => Err(AppError::Internal),
        }
    }

    /// Deletes everything: storage, alarm, in-memory tokens; in-flight work is fenced off, and
    /// every relayed account streamer is told (its watch socket closes).
    async fn wipe(&self) -> worker::Result<()> {
        self.epoch.set(self.epoch.get() + 1);
        self.tokens.borrow_mut().take();
        self.pending.borrow_mut().take();
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(SIGNED_OUT_CODE), Some(SIGNED_OUT_REASON));
        }
        let storage = self.state.storage();
        storage.delete_all().await?;
        storage.delete_alarm().await
    }

    async fn exchange(
        &self,
        input: ExchangeInput,
        sid: &SessionId,
        cfg: &Config,
        now: i64,
    ) -> Result<Response, AppError> {
        let secrets = load_secrets(&self.env)?;
        let client = token_client(&secrets.client_id, &secrets.client_secret, &cfg.token_url())
            .ok_or(AppError::Internal)?;
        let http = |req| upstream::token_http(cfg, req);
        let outcome = token::exchange_code(
            &client,
            &http,
            &input.code,
            input.code_verifier.as_ref(),
            &input.redirect_uri,
        )
        .await;
        let down = AppError::ExchangeFailed {
            upstream_down: true,
        };
        let refused = AppError::ExchangeFailed {
            upstream_down: false,
        };
        let tokens = match outcome {
            TokenOutcome::Granted {
                access,
                refresh: Some(refresh),
                expires_in_secs,
                scope,
            } => Tokens::new(
                access,
                refresh,
                now,
                expires_in_secs,
                holds_trade(scope.as_deref(), &cfg.scope),
            ),
            TokenOutcome::Granted { refresh: None, .. } => {
                console_warn!("code exchange: no refresh token in the response");
                return Err(down);
            }
            TokenOutcome::InvalidGrant => {
                console_warn!("code exchange refused: invalid_grant");
                return Err(refused);
            }
            TokenOutcome::InvalidClient => {
                console_error!(
                    "code exchange refused: invalid_client (check TT_CLIENT_ID/TT_CLIENT_SECRET)"
                );
                return Err(AppError::ClientRejected);
            }
            TokenOutcome::Rejected { code } => {
                console_warn!(
                    "code exchange refused: error_code {}",
                    code.as_deref().unwrap_or("-")
                );
                return Err(refused);
            }
            TokenOutcome::Unavailable { timeout } => {
                console_warn!("code exchange: token endpoint unavailable (timeout: {timeout})");
                return Err(down);
            }
            TokenOutcome::Malformed => {
                console_warn!("code exchange: unreadable token response");
                return Err(down);
            }
        };

        let cipher = TokenCipher::for_session(&secrets.session_key, sid);
        #[derive(Serialize)]
        struct Record {
            created: f64,
            last_used: f64,
            tok: String,
        }
        let record = Record {
            created: now as f64,
            last_used: now as f64,
            tok: seal(&cipher, &tokens)?,
        };
        let storage = self.state.storage();
        storage.put_multiple(record).await?;
        let times = SessionTimes {
            created_ms: now,
            last_used_ms: now,
        };
        let l = lifetimes(cfg);
        storage
            .set_alarm(times.idle_expires_at(l) - now + 1000)
            .await?;
        *self.tokens.borrow_mut() = Some(tokens.clone());
        // Callback -> dashboard in one round trip: the first screen's data comes with the session.
        let auth = Authorized {
            times,
            tokens,
            refreshed: false,
            secrets,
            cipher,
        };
        let bootstrap = self
            .first_screen(&auth, cfg, None)
            .await
            .unwrap_or_else(|e| {
                console_warn!("first screen after sign-in: {e}");
                None
            });
        Ok(respond::json(
            200,
            &SignedIn {
                session: info(cfg, times, auth.tokens.can_trade),
                bootstrap,
            },
        ))
    }

    /// Loads and checks the session (expired -> deleted), records this use and returns the times
    /// and the tokens.
    async fn open(
        &self,
        cfg: &Config,
        now: i64,
        epoch: u64,
    ) -> Result<(SessionTimes, Option<String>), AppError> {
        let storage = self.state.storage();
        let map = storage
            .get_multiple(vec![K_CREATED, K_LAST_USED, K_TOKENS])
            .await?;
        if self.epoch.get() != epoch {
            return Err(AppError::SessionRequired);
        }
        let created = map.get(&K_CREATED.into()).as_f64();
        let last_used = map.get(&K_LAST_USED.into()).as_f64();
        let sealed = map.get(&K_TOKENS.into()).as_string();
        let (Some(created), Some(last_used), Some(sealed)) = (created, last_used, sealed) else {
            return Err(AppError::SessionRequired);
        };
        let times = SessionTimes {
            created_ms: created as i64,
            last_used_ms: last_used as i64,
        };
        if times.is_expired(now, lifetimes(cfg)) {
            self.wipe().await?;
            return Err(AppError::SessionRequired);
        }
        // Written at most once a minute: a write on every call would hold each proxied answer
        // until storage confirms it (`record_use`; its test in worker/src/lifetime.rs replays
        // this call site).
        let (times, write) = record_use(times, now, lifetimes(cfg));
        if let Some(last_used) = write {
            storage.put(K_LAST_USED, last_used as f64).await?;
        }
        Ok((times, Some(sealed)))
    }

    /// The current tokens: the in-memory copy, else decrypted from storage.
    async fn current_tokens(
        &self,
        sealed: Option<String>,
        cipher: &TokenCipher,
    ) -> Result<Tokens, AppError> {
        if let Some(t) = self.tokens.borrow().clone() {
            return Ok(t);
        }
        let sealed = sealed.ok_or(AppError::SessionRequired)?;
        let opened = cipher
            .open(&sealed)
            .ok()
            .and_then(|plain| serde_json::from_slice::<Tokens>(&plain).ok());
        match opened {
            Some(t) => {
                *self.tokens.borrow_mut() = Some(t.clone());
                Ok(t)
            }
            None => {
                // SESSION_KEY rotated or storage damaged: the session is unusable.
                console_warn!("stored tokens could not be decrypted; session deleted");
                self.wipe().await?;
                Err(AppError::SessionRequired)
            }
        }
    }

    /// The session and its tokens, without refreshing (for what the session says of itself).
    async fn open_tokens(
        &self,
        sid: &SessionId,
        cfg: &Config,
        now: i64,
        epoch: u64,
    ) -> Result<(SessionTimes, Tokens), AppError> {
        let secrets = load_secrets(&self.env)?;
        let cipher = TokenCipher::for_session(&secrets.session_key, sid);
        let (times, sealed) = self.open(cfg, now, epoch).await?;
        Ok((times, self.current_tokens(sealed, &cipher).await?))
    }

    /// Joins the refresh in flight, or starts one. Synchronous, so "check, then start" cannot
    /// interleave with another request.
    fn flight(
        &self,
        stale: &Tokens,
        cfg: &Config,
        secrets: &Secrets,
        cipher: &TokenCipher,
    ) -> Flight {
        let existing = self.pending.borrow().clone();
        if let Some(f) = existing {
            return f;
        }
        let task = refresh_task(RefreshTask {
            storage: self.state.storage(),
            epoch: self.epoch.clone(),
            start_epoch: self.epoch.get(),
            tokens: self.tokens.clone(),
            cfg: cfg.clone(),
            client_id: secrets.client_id.clone(),
            client_secret: secrets.client_secret.clone(),
            cipher: cipher.clone(),
            stale: stale.clone(),
        });
        let f = task.boxed_local().shared();
        *self.pending.borrow_mut() = Some(f.clone());
        f
    }

    async fn await_flight(&self, f: Flight) -> Result<Tokens, AppError> {
        let outcome = f.clone().await;
        {
            let mut slot = self.pending.borrow_mut();
            if slot.as_ref().is_some_and(|p| p.ptr_eq(&f)) {
                *slot = None;
            }
        }
        match outcome {
            Refreshed::Ok(t) => Ok(t),
            Refreshed::Revoked => Err(AppError::SessionRevoked),
            Refreshed::Gone => Err(AppError::SessionRequired),
            Refreshed::Unavailable { timeout } => Err(AppError::UpstreamUnavailable { timeout }),
            Refreshed::ClientRejected => Err(AppError::ClientRejected),
        }
    }

    /// After tastytrade answered 401 to `used`: a newer token if another request already
    /// refreshed, else the refresh in flight, else a new refresh.
    fn after_401(
        &self,
        used: &Tokens,
        cfg: &Config,
        secrets: &Secrets,
        cipher: &TokenCipher,
    ) -> Result<Either<Tokens, Flight>, AppError> {
        let existing = self.pending.borrow().clone();
        if let Some(f) = existing {
            return Ok(Either::Right(f));
        }
        let current = self.tokens.borrow().clone();
        match current {
            None => Err(AppError::SessionRequired),
            Some(t) if t.access != used.access => Ok(Either::Left(t)),
            Some(_) => Ok(Either::Right(self.flight(used, cfg, secrets, cipher))),
        }
    }

    /// Opens the session and makes sure its access token is usable (refreshed if it is about to
    /// expire).
    async fn authorize(
        &self,
        sid: &SessionId,
        cfg: &Config,
        now: i64,
        epoch: u64,
    ) -> Result<Authorized, AppError> {
        let secrets = load_secrets(&self.env)?;
        let cipher = TokenCipher::for_session(&secrets.session_key, sid);
        let (times, sealed) = self.open(cfg, now, epoch).await?;
        let mut tokens = self.current_tokens(sealed, &cipher).await?;
        let mut refreshed = false;
        if tokens.needs_refresh(now) {
            let f = self.flight(&tokens, cfg, &secrets, &cipher);
            tokens = self.await_flight(f).await?;
            refreshed = true;
        }
        Ok(Authorized {
            times,
            tokens,
            refreshed,
            secrets,
            cipher,
        })
    }

    /// Waits for this session's next upstream slot ([`crate::shaping`]); refuses when the
    /// queue is longer than the cap. The scheduler is borrowed only to reserve, never across the
    /// wait.
    async fn wait_for_slot(&self, cfg: &Config) -> Result<(), AppError> {
        let now = now_ms();
        let slot = self
            .shaper
            .borrow_mut()
            .get_or_insert_with(|| SlotScheduler::per_second(cfg.upstream_rate_per_sec))
            .reserve(now);
        match slot {
            Slot::At(at) if at > now => {
                Delay::from(Duration::from_millis(at.abs_diff(now))).await;
                Ok(())
            }
            Slot::At(_) => Ok(()),
            Slot::Refused { retry_after_secs } => {
                console_warn!("upstream calls queued past the cap; refused");
                Err(AppError::CallsQueued { retry_after_secs })
            }
        }
    }

    /// One upstream API call in its slot. After a 401 the token is refreshed (or a newer one
    /// used) and a read is sent once more; a write never is (its 401 is the answer).
    async fn api(
        &self,
        auth: &Authorized,
        cfg: &Config,
        allowed: &Allowed,
        body: Option<&[u8]>,
    ) -> Result<Reply, AppError> {
        self.wait_for_slot(cfg).await?;
        let reply = upstream::api_call(cfg, allowed, &auth.tokens.access, body)
            .await
            .map_err(|f| {
                if allowed.order_write() == Some(OrderWrite::Live) {
                    // Sent, and no answer: it may have reached tastytrade.
                    AppError::OutcomeUnknown
                } else {
                    failure_error(f)
                }
            })?;
        if reply.status != 401 {
            return Ok(reply);
        }
        if auth.refreshed {
            // A token refreshed for this very request was refused.
            return Err(AppError::SessionRequired);
        }
        let newer = match self.after_401(&auth.tokens, cfg, &auth.secrets, &auth.cipher)? {
            Either::Left(t) => t,
            Either::Right(f) => self.await_flight(f).await?,
        };
        if !allowed.method.is_idempotent_read() {
            // Never replay a write; the next call uses the new token.
            return Ok(reply);
        }
        self.wait_for_slot(cfg).await?;
        let retry = upstream::api_call(cfg, allowed, &newer.access, None)
            .await
            .map_err(failure_error)?;
        if retry.status == 401 {
            return Err(AppError::SessionRequired);
        }
        Ok(retry)
    }

    async fn proxy(
        &self,
        call: ProxyCall,
        body: Option<Vec<u8>>,
        sid: &SessionId,
        cfg: &Config,
        now: i64,
        epoch: u64,
    ) -> Result<Response, AppError> {
        let allowed = allowlist::check(&call.method, &call.raw_path, call.raw_query.as_deref())
            .map_err(AppError::NotAllowed)?;
        let auth = self.authorize(sid, cfg, now, epoch).await?;
        let order = allowed.order_write();
        if order.is_some() && !auth.tokens.can_trade {
            return Err(AppError::ReadOnly);
        }
        let reply = self.api(&auth, cfg, &allowed, body.as_deref()).await?;
        if order == Some(OrderWrite::Live) {
            // A 5xx is no answer either: never its body, never a retry (docs/contracts.md).
            order_outcome(Some(reply.status)).inspect_err(|_| {
                console_warn!("order write answered {}: outcome unknown", reply.status);
            })?;
        }
        pass_through(reply)
    }

    /// The body of an allowlisted GET, if tastytrade answered 200 with JSON. `Err` only when the
    /// session itself is gone; any other failure leaves the piece out.
    async fn read_json(
        &self,
        auth: &Authorized,
        cfg: &Config,
        path: &str,
        query: Option<&str>,
    ) -> Result<Option<serde_json::Value>, AppError> {
        let raw_path = format!("{}{path}", allowlist::PREFIX);
        let Ok(allowed) = allowlist::check("GET", &raw_path, query) else {
            return Ok(None);
        };
        match self.api(auth, cfg, &allowed, None).await {
            Ok(reply) if reply.status == 200 => Ok(serde_json::from_slice(&reply.body).ok()),
            Ok(_) => Ok(None),
            Err(e @ (AppError::SessionRequired | AppError::SessionRevoked)) => Err(e),
            Err(_) => Ok(None),
        }
    }

    /// The first screen's data (docs/contracts.md, "Bootstrap"): the accounts, then every
    /// account's balances and the selected account's positions in parallel. `None` when the
    /// accounts could not be read.
    async fn first_screen(
        &self,
        auth: &Authorized,
        cfg: &Config,
        wanted: Option<&str>,
    ) -> Result<Option<Bootstrap>, AppError> {
        let Some(accounts) = self
            .read_json(auth, cfg, "/customers/me/accounts", None)
            .await?
        else {
            return Ok(None);
        };
        let numbers = account_numbers(&accounts);
        let selected = select_account(wanted, &numbers);
        let balances = join_all(numbers.iter().map(|n| {
            let path = format!("/accounts/{n}/balances");
            async move { self.read_json(auth, cfg, &path, None).await }
        }));
        let positions = async {
            let found: Result<Option<BootstrapPositions>, AppError> = match selected {
                Some(n) => {
                    let path = format!("/accounts/{n}/positions");
                    let body = self
                        .read_json(auth, cfg, &path, Some("include-marks=true"))
                        .await?;
                    Ok(body.map(|body| BootstrapPositions {
                        account: n.to_owned(),
                        body,
                    }))
                }
                None => Ok(None),
            };
            found
        };
        let (balances, positions) = join(balances, positions).await;
        let mut by_account = std::collections::BTreeMap::new();
        for (n, body) in numbers.iter().zip(balances) {
            if let Some(body) = body? {
                by_account.insert(n.clone(), body);
            }
        }
        Ok(Some(Bootstrap {
            accounts,
            balances: by_account,
            positions: positions?,
        }))
    }
}

enum Either<L, R> {
    Left(L),
    Right(R),
}

/// Upstream status and body as they came, with the content type and a sane `Retry-After`;
/// nothing else.
fn pass_through(reply: Reply) -> Result<Response, AppError> {
    if (300..400).contains(&reply.status) {
        console_warn!(
            "upstream answered with a redirect ({}); not followed",
            reply.status
        );
        return Err(AppError::UpstreamUnavailable { timeout: false });
    }
    let headers = Headers::new();
    if let Some(ct) = reply
        .content_type
        .filter(|ct| ct.len() <= 200 && ct.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
    {
        headers.set("content-type", &ct)?;
    }
    // tastytrade's 429 says when to come back (docs/tastytrade.md §4.4); the browser waits it
    // out. The worker never retries a 429 itself.
    if let Some(v) = reply.retry_after.as_deref().and_then(passable_retry_after) {
        headers.set("retry-after", v)?;
    }
    let status = passable_status(reply.status).inspect_err(|_| {
        console_warn!(
            "upstream answered with status {}; not passed on",
            reply.status
        );
    })?;
    let builder = ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers);
    Ok(
        if matches!(reply.status, 204 | 205) || reply.body.is_empty() {
            builder.empty()
        } else {
            builder.fixed(reply.body)
        },
    )
}

/// Everything a refresh needs, owned, so the shared future is `'static`.
struct RefreshTask {
    storage: Storage,
    epoch: Rc<Cell<u64>>,
    start_epoch: u64,
    tokens: Rc<RefCell<Option<Tokens>>>,
    cfg: Config,
    client_id: String,
    client_secret: Secret,
    cipher: TokenCipher,
    stale: Tokens,
}

async fn refresh_task(t: RefreshTask) -> Refreshed {
    let Some(client) = token_client(&t.client_id, &t.client_secret, &t.cfg.token_url()) else {
        return Refreshed::Unavailable { timeout: false };
    };
    let http = |req| upstream::token_http(&t.cfg, req);
    let rt = token::refresh_token(&t.stale.refresh);
    let outcome = token::refresh(&client, &http, &rt).await;
    let now = now_ms();
    match outcome {
        TokenOutcome::Granted {
            access,
            refresh,
            expires_in_secs,
            scope,
        } => {
            if t.epoch.get() != t.start_epoch {
                return Refreshed::Gone;
            }
            // A refresh that names no scope keeps the session's (docs/tastytrade.md §2.3).
            let can_trade = scope.map_or(t.stale.can_trade, |s| holds_trade(Some(&s), ""));
            let fresh = Tokens::new(
                access,
                refresh.unwrap_or(t.stale.refresh),
                now,
                expires_in_secs,
                can_trade,
            );
            *t.tokens.borrow_mut() = Some(fresh.clone());
            match seal(&t.cipher, &fresh) {
                Ok(sealed) => {
                    if let Err(e) = t.storage.put(K_TOKENS, sealed).await {
                        // The in-memory copy still serves this object; log and carry on.
                        console_error!("storing refreshed tokens: {e}");
                    }
                }
                Err(_) => console_error!("refreshed tokens not stored"),
            }
            console_log!("access token refreshed");
            Refreshed::Ok(fresh)
        }
        TokenOutcome::InvalidGrant => {
            console_warn!("refresh refused with invalid_grant; session deleted");
            if t.epoch.get() == t.start_epoch {
                t.epoch.set(t.epoch.get() + 1);
                t.tokens.borrow_mut().take();
                if let Err(e) = t.storage.delete_all().await {
                    console_error!("deleting revoked session: {e}");
                }
                let _ = t.storage.delete_alarm().await;
            }
            Refreshed::Revoked
        }
        TokenOutcome::InvalidClient => {
            console_error!("refresh refused: invalid_client (check TT_CLIENT_ID/TT_CLIENT_SECRET)");
            Refreshed::ClientRejected
        }
        TokenOutcome::Rejected { code } => {
            console_warn!(
                "refresh refused: error_code {}",
                code.as_deref().unwrap_or("-")
            );
            Refreshed::Unavailable { timeout: false }
        }
        TokenOutcome::Unavailable { timeout } => {
            console_warn!("refresh: token endpoint unavailable (timeout: {timeout})");
            Refreshed::Unavailable { timeout }
        }
        TokenOutcome::Malformed => {
            console_warn!("refresh: unreadable token response");
            Refreshed::Unavailable { timeout: false }
        }
    }
}
