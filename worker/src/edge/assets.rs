//! The app's static files, from the `ASSETS` binding (SPA fallback configured in wrangler.toml).
//! HTML pages get a CSP with hashes of their own inline scripts/styles.
//!
//! A returning signed-in visit (a navigation to an app page with a live session cookie) gets the
//! first screen's data inlined (docs/contracts.md, "Bootstrap"): the page up to `</body>` is
//! sent at once, so the browser starts fetching the wasm, then the worker asks tastytrade and
//! streams `<script type="application/json" id="pocket-bootstrap">…</script></body></html>`.

use super::auth::session_cookie_of;
use super::session::{self, Op};
use super::{Ctx, ASSETS_BINDING};
use crate::bootstrap::{
    account_in_path, data_element, preview_element, split_before_body_end, wants_inline_data,
};
use crate::cookie::SessionCookie;
use crate::crypto::SessionId;
use crate::csp;
use crate::headers::is_app_page;
use futures::future::{select, Either};
use futures::{stream, StreamExt};
use std::pin::pin;
use std::time::Duration;
use worker::{console_warn, Delay, Env, Headers, Request, RequestInit, Response, ResponseBuilder};

/// How long a page waits for tastytrade before it is finished without the data (the app then
/// fetches the data itself): the app cannot start before the document is complete, so a slow
/// tastytrade must not hold the page longer than a fetch from the app would take.
const INLINE_DATA_BUDGET_MS: u64 = 4_000;

/// A served static response.
pub struct Served {
    pub resp: Response,
    /// The document policy, for an HTML page.
    pub policy: Option<String>,
    /// The page carries the customer's data (never stored).
    pub personal: bool,
}

/// The asset response and, for an HTML page, its document policy.
pub async fn serve(req: Request, env: &Env, ctx: &Ctx) -> worker::Result<Served> {
    let signed_in = inline_candidate(&req, env, ctx);
    let assets = env.assets(ASSETS_BINDING)?;
    // Every page of the app is `index.html`, asked for as `/` (see `is_app_page`).
    let page = is_app_page(&ctx.raw_path);
    let mut url = req.url()?;
    if page {
        url.set_path("/");
        url.set_query(None);
    }
    let mut resp = match signed_in {
        // The plain URL, without the browser's conditional headers: a cached copy of the static
        // shell must not be revalidated (304) in place of the page with the data.
        Some(_) => assets.fetch(url.to_string(), None).await?,
        None if page => {
            let mut init = RequestInit::new();
            init.with_method(req.method())
                .with_headers(req.headers().clone());
            assets
                .fetch_request(Request::new_with_init(url.as_str(), &init)?)
                .await?
        }
        None => assets.fetch_request(req).await?,
    };
    let is_html = resp.headers().get("content-type")?.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("text/html")
    });
    if !is_html || resp.status_code() != 200 {
        return Ok(Served {
            resp,
            policy: None,
            personal: false,
        });
    }
    let body = resp.bytes().await?;
    let text = String::from_utf8_lossy(&body).into_owned();
    // The policy of the page as built: the inlined data is a JSON data block, never executed,
    // so it needs no hash (and `csp::inline_hashes` would skip it anyway).
    // Without a valid configuration no page can sign in or stream: no feed to allow then.
    let dxlink = super::load_config(env).ok().map(|c| c.dxlink_url_pattern);
    let policy = csp::document_policy(
        &csp::inline_hashes(&text, "script"),
        &csp::inline_hashes(&text, "style"),
        dxlink.as_deref(),
    );
    let headers = Headers::new();
    for (name, value) in resp.headers().entries() {
        // The body is written back: let the runtime frame it.
        if !name.eq_ignore_ascii_case("content-length") {
            let _ = headers.append(&name, &value);
        }
    }
    if let Some(sid) = signed_in {
        // A page with data is not the asset the validators describe.
        let personal = headers.clone();
        for validator in ["etag", "last-modified"] {
            let _ = personal.delete(validator);
        }
        if let Some(streamed) = stream_with_data(&text, sid, env, ctx, personal).await? {
            return Ok(Served {
                resp: streamed,
                policy: Some(policy),
                personal: true,
            });
        }
    }
    let rebuilt = ResponseBuilder::new()
        .with_status(200)
        .with_headers(headers)
        .fixed(body);
    Ok(Served {
        resp: rebuilt,
        policy: Some(policy),
        personal: false,
    })
}

/// The session of a navigation that may get the data inlined (a cookie that verifies; whether
/// the session is live is asked later).
fn inline_candidate(req: &Request, env: &Env, ctx: &Ctx) -> Option<SessionId> {
    let h = req.headers();
    let get = |name: &str| h.get(name).ok().flatten();
    if !wants_inline_data(
        &ctx.method,
        &ctx.raw_path,
        get("sec-fetch-mode").as_deref(),
        get("sec-fetch-dest").as_deref(),
    ) {
        return None;
    }
    match session_cookie_of(req, env) {
        Ok(SessionCookie::Valid(sid)) => Some(sid),
        _ => None,
    }
}

/// The page, streamed: everything before `</body>` at once, then the data element and the rest.
/// `None` (serve the static shell) when the session is not live or the page has no `</body>`.
async fn stream_with_data(
    text: &str,
    sid: SessionId,
    env: &Env,
    ctx: &Ctx,
    headers: Headers,
) -> worker::Result<Option<Response>> {
    let Some((head, tail)) = split_before_body_end(text) else {
        return Ok(None);
    };
    // A quick look in the session's object (no tastytrade call) decides between the static
    // shell and the personal page before anything is sent.
    let live = match session::call(env, &sid, Op::Info, None).await {
        Ok(r) => r.status_code() == 200,
        Err(e) => {
            console_warn!("session check for the page: {e}");
            false
        }
    };
    if !live {
        return Ok(None);
    }
    let head = head.as_bytes().to_vec();
    let tail = tail.to_owned();
    let env = env.clone();
    let account = account_in_path(&ctx.raw_path).map(str::to_owned);
    let rest = async move {
        let mut end = match signed_in_json(&env, &sid, account).await {
            Some(json) => {
                let preview = serde_json::from_str(&json)
                    .ok()
                    .and_then(|v| preview_element(&v))
                    .unwrap_or_default();
                preview + &data_element(&json)
            }
            None => String::new(),
        };
        end.push_str(&tail);
        Ok::<Vec<u8>, worker::Error>(end.into_bytes())
    };
    let chunks =
        stream::once(async move { Ok::<Vec<u8>, worker::Error>(head) }).chain(stream::once(rest));
    let resp = ResponseBuilder::new()
        .with_status(200)
        .with_headers(headers)
        .from_stream(chunks)?;
    Ok(Some(resp))
}

/// The `SignedIn` JSON for the page, or `None` if the session ended meanwhile or the data did
/// not come within [`INLINE_DATA_BUDGET_MS`].
async fn signed_in_json(env: &Env, sid: &SessionId, account: Option<String>) -> Option<String> {
    let call = pin!(async {
        let mut resp = session::call(env, sid, Op::Bootstrap { account }, None)
            .await
            .ok()?;
        if resp.status_code() != 200 {
            return None;
        }
        resp.text().await.ok()
    });
    let budget = pin!(Delay::from(Duration::from_millis(INLINE_DATA_BUDGET_MS)));
    match select(call, budget).await {
        Either::Left((json, _)) => json,
        Either::Right(_) => {
            console_warn!("first screen data not ready in time; page sent without it");
            None
        }
    }
}
