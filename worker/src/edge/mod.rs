//! Workers-runtime code: the fetch entry, routes, the session Durable Object, upstream calls.

mod assets;
mod auth;
mod proxy;
mod relay;
mod respond;
pub mod session;
mod upstream;

use crate::allowlist::split_raw_url;
use crate::config::{client_id_from_lookup, Config, Secrets};
use crate::error::AppError;
use crate::guard::origin_of;
use crate::headers::{Area, Served};
use pocket_shared::bff::ACCOUNT_STREAMER_PATH;
use worker::{console_error, event, Context, Date, Env, Request, Response, Router};

/// Durable Object namespace binding holding one object per session.
pub const SESSIONS_BINDING: &str = "SESSIONS";
/// Static assets binding (`[assets] binding`).
pub const ASSETS_BINDING: &str = "ASSETS";

/// Facts about the incoming request that handlers share (taken once per request).
pub struct Ctx {
    /// `scheme://host[:port]` the request came to.
    pub origin: String,
    /// Raw, undecoded path and query as received.
    pub raw_path: String,
    pub raw_query: Option<String>,
    /// The request method exactly as received (`worker::Method` maps unknown methods to GET).
    pub method: String,
}

pub fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let url = req.inner().url();
    let (raw_path, raw_query) = split_raw_url(&url);
    let area = Area::of(raw_path);
    let ctx = Ctx {
        origin: origin_of(&url).unwrap_or_default(),
        raw_path: raw_path.to_owned(),
        raw_query: raw_query.map(str::to_owned),
        method: req.inner().method(),
    };
    let raw_path = ctx.raw_path.clone();

    let (resp, html_policy, personal) = match area {
        Area::Static => match assets::serve(req, &env, &ctx).await {
            Ok(served) => (served.resp, served.policy, served.personal),
            Err(e) => {
                console_error!("assets: {e}");
                (respond::error(AppError::Internal), None, false)
            }
        },
        Area::Auth | Area::Api => {
            let resp = match router(ctx).run(req, env).await {
                Ok(resp) => resp,
                Err(e) => {
                    console_error!("router: {e}");
                    respond::error(AppError::Internal)
                }
            };
            (resp, None, false)
        }
    };
    let https = url.starts_with("https://");
    Ok(respond::finish(
        resp,
        area,
        &raw_path,
        html_policy,
        Served {
            https,
            personal,
            ..Served::default()
        },
    ))
}

fn router<'a>(ctx: Ctx) -> Router<'a, Ctx> {
    Router::with_data(ctx)
        .on_async("/auth/config", |req, rc| async move {
            respond::result(auth::config(req, rc).await)
        })
        .on_async("/auth/exchange", |req, rc| async move {
            respond::result(auth::exchange(req, rc).await)
        })
        .on_async("/auth/session", |req, rc| async move {
            respond::result(auth::session(req, rc).await)
        })
        .on_async("/auth/logout", |req, rc| async move {
            respond::result(auth::logout(req, rc).await)
        })
        .or_else_any_method_async("/auth", |_, _| async { unknown() })
        .or_else_any_method_async("/auth/", |_, _| async { unknown() })
        .or_else_any_method_async("/auth/*rest", |_, _| async { unknown() })
        // Before the allowlist: the account streamer is a WebSocket, not a proxied call.
        .on_async(ACCOUNT_STREAMER_PATH, |req, rc| async move {
            respond::result(relay::open(req, rc).await)
        })
        .or_else_any_method_async("/api", |req, rc| async move {
            respond::result(proxy::forward(req, rc).await)
        })
        .or_else_any_method_async("/api/", |req, rc| async move {
            respond::result(proxy::forward(req, rc).await)
        })
        .or_else_any_method_async("/api/*rest", |req, rc| async move {
            respond::result(proxy::forward(req, rc).await)
        })
}

fn unknown() -> worker::Result<Response> {
    Ok(respond::error(AppError::NotAllowed(
        crate::allowlist::Refusal::UnknownPath,
    )))
}

/// Reads `[vars]` and secrets (both are plain string bindings).
fn lookup(env: &Env) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| env.var(name).ok().map(|v| v.to_string())
}

pub fn load_config(env: &Env) -> Result<Config, AppError> {
    Config::from_lookup(lookup(env)).map_err(|e| {
        console_error!("configuration: {e}");
        AppError::Internal
    })
}

pub fn load_secrets(env: &Env) -> Result<Secrets, AppError> {
    Secrets::from_lookup(lookup(env)).map_err(|e| {
        console_error!("configuration: {e}");
        AppError::Internal
    })
}

pub fn load_client_id(env: &Env) -> Result<String, AppError> {
    client_id_from_lookup(&lookup(env)).map_err(|e| {
        console_error!("configuration: {e}");
        AppError::Internal
    })
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        console_error!("runtime error: {e}");
        AppError::Internal
    }
}
