//! The app's static files, from the `ASSETS` binding (SPA fallback configured in wrangler.toml).
//! HTML pages get a CSP with hashes of their own inline scripts/styles.

use super::ASSETS_BINDING;
use crate::csp;
use worker::{Env, Headers, Request, Response, ResponseBuilder};

/// The asset response and, for an HTML page, its document policy.
pub async fn serve(req: Request, env: &Env) -> worker::Result<(Response, Option<String>)> {
    let mut resp = env.assets(ASSETS_BINDING)?.fetch_request(req).await?;
    let is_html = resp.headers().get("content-type")?.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("text/html")
    });
    if !is_html || resp.status_code() != 200 {
        return Ok((resp, None));
    }
    let body = resp.bytes().await?;
    let text = String::from_utf8_lossy(&body);
    let policy = csp::document_policy(
        &csp::inline_hashes(&text, "script"),
        &csp::inline_hashes(&text, "style"),
    );
    let headers = Headers::new();
    for (name, value) in resp.headers().entries() {
        // The body was read (decoded) and is written back: let the runtime frame it.
        if !name.eq_ignore_ascii_case("content-length") {
            let _ = headers.append(&name, &value);
        }
    }
    let rebuilt = ResponseBuilder::new()
        .with_status(200)
        .with_headers(headers)
        .fixed(body);
    Ok((rebuilt, Some(policy)))
}
