//! Building responses: JSON bodies, `BffError`s and the security headers every response gets.

use crate::error::AppError;
use crate::headers::{security_headers, Area, Served};
use serde::Serialize;
use worker::{Headers, Response, ResponseBuilder};

/// A JSON response; serialization of our own types cannot fail, but if it did the body is empty.
pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body)
}

pub fn error(e: AppError) -> Response {
    let resp = json(e.status(), &e.body());
    match e.retry_after_secs() {
        Some(secs) => {
            let headers = copy_headers(&resp);
            let _ = headers.set("retry-after", &secs.to_string());
            resp.with_headers(headers)
        }
        None => resp,
    }
}

/// A response without a body (204, 304, …: the runtime refuses bodies on those).
pub fn empty(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
}

/// Adds a `Set-Cookie` header. Headers of a response from `fetch` (e.g. the Durable Object's)
/// are immutable, so they are copied first.
pub fn with_cookie(resp: Response, set_cookie: &str) -> Response {
    let headers = copy_headers(&resp);
    let _ = headers.append("set-cookie", set_cookie);
    resp.with_headers(headers)
}

fn copy_headers(resp: &Response) -> Headers {
    let headers = Headers::new();
    for (name, value) in resp.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    headers
}

pub fn result(r: Result<Response, AppError>) -> worker::Result<Response> {
    Ok(r.unwrap_or_else(error))
}

/// Copies the headers into a fresh (mutable) set, then sets the security headers. `served`
/// brings `https` and `personal`; the rest is read from the response.
pub fn finish(
    resp: Response,
    area: Area,
    raw_path: &str,
    html_policy: Option<String>,
    served: Served,
) -> Response {
    let status = resp.status_code();
    let headers = copy_headers(&resp);
    let html = headers
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/html")
        });
    let served = Served {
        not_modified: status == 304,
        html,
        ..served
    };
    for (name, value) in security_headers(area, raw_path, html_policy, served) {
        let _ = headers.set(name, &value);
    }
    resp.with_headers(headers)
}
