//! Query-string conventions shared by the list endpoints: bracketed array parameters,
//! dates, sort, pagination (docs/tastytrade.md §4.2), and the validation-error envelope.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use url::form_urlencoded;

use crate::dates::{self, Date};
use crate::respond::json_response;

/// Largest `per-page` accepted (the balance-snapshots swagger's maximum; the others publish
/// none, so every list uses it).
pub const MAX_PER_PAGE: u64 = 2000;

/// A 400 in the API error envelope with one `{domain, reason}` item, the form tastytrade's
/// parameter validation uses (docs/tastytrade.md §4.3).
pub fn validation_error(domain: &str, reason: &str) -> Response {
    validation_errors(
        StatusCode::BAD_REQUEST,
        &[(domain.to_owned(), reason.to_owned())],
    )
}

pub fn validation_errors(status: StatusCode, errors: &[(String, String)]) -> Response {
    let message = errors
        .iter()
        .map(|(d, r)| format!("{d} {r}"))
        .collect::<Vec<_>>()
        .join("; ");
    let items: Vec<Value> = errors
        .iter()
        .map(|(d, r)| json!({ "domain": d, "reason": r }))
        .collect();
    json_response(
        status,
        &json!({ "error": { "code": "validation_error", "message": message, "errors": items } }),
    )
}

/// A parameter that failed validation; answers as [`validation_error`].
#[derive(Debug)]
pub struct Invalid {
    pub domain: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(domain: &str, reason: &str) -> Self {
        Self {
            domain: domain.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

impl IntoResponse for Invalid {
    fn into_response(self) -> Response {
        validation_error(&self.domain, &self.reason)
    }
}

pub type Checked<T> = Result<T, Invalid>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub per_page: u64,
    pub offset: u64,
}

/// The decoded query string. Empty values count as absent (a client serializing `None`).
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    /// A scalar parameter (the first, if repeated).
    pub fn one(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of an array parameter, written `key[]=a&key[]=b` (docs/tastytrade.md §4.2).
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn date(&self, key: &str) -> Checked<Option<Date>> {
        self.one(key)
            .map(|v| {
                v.parse::<Date>()
                    .map_err(|_| Invalid::new(key, "must be a date (YYYY-MM-DD)"))
            })
            .transpose()
    }

    /// Epoch ms of a datetime parameter (ISO-8601; see [`dates::parse_datetime`]).
    pub fn datetime(&self, key: &str) -> Checked<Option<i64>> {
        self.one(key)
            .map(|v| {
                dates::parse_datetime(v)
                    .ok_or_else(|| Invalid::new(key, "must be an ISO-8601 date-time"))
            })
            .transpose()
    }

    pub fn boolean(&self, key: &str) -> Checked<Option<bool>> {
        self.one(key)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(Invalid::new(key, "must be true or false")),
            })
            .transpose()
    }

    /// `sort`: `Desc` (the default) or `Asc`.
    pub fn sort(&self) -> Checked<Sort> {
        match self.one("sort") {
            None | Some("Desc") => Ok(Sort::Desc),
            Some("Asc") => Ok(Sort::Asc),
            Some(_) => Err(Invalid::new(
                "sort",
                "does not have a valid value (Asc or Desc)",
            )),
        }
    }

    /// Every value must be one of `allowed`.
    pub fn check_values(&self, key: &str, allowed: &[&str]) -> Checked<()> {
        for v in self.all(key) {
            if !allowed.contains(&v) {
                return Err(Invalid::new(
                    key,
                    &format!("does not have a valid value ({v:?})"),
                ));
            }
        }
        Ok(())
    }

    /// `per-page` (1–[`MAX_PER_PAGE`], default per endpoint) and `page-offset` (pages, from 0).
    pub fn page(&self, default_per_page: u64) -> Checked<Page> {
        let int = |key: &str, min: u64, max: u64| -> Checked<Option<u64>> {
            self.one(key)
                .map(|v| {
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| (min..=max).contains(n))
                        .ok_or_else(|| {
                            Invalid::new(key, &format!("must be an integer from {min} to {max}"))
                        })
                })
                .transpose()
        };
        Ok(Page {
            per_page: int("per-page", 1, MAX_PER_PAGE)?.unwrap_or(default_per_page),
            offset: int("page-offset", 0, u32::MAX as u64)?.unwrap_or(0),
        })
    }
}

/// One page of `items` in the envelope, with the pagination block exactly as
/// docs/tastytrade.md §4.2 shows it (numbers, null links). A page past the end is empty.
pub fn paginated(items: Vec<Value>, page: Page, context: &str) -> Value {
    let total = items.len() as u64;
    let start = page.offset.saturating_mul(page.per_page);
    let rows: Vec<Value> = items
        .into_iter()
        .skip(start.min(total) as usize)
        .take(page.per_page as usize)
        .collect();
    json!({
        "data": { "items": rows },
        "context": context,
        "pagination": {
            "per-page": page.per_page,
            "page-offset": page.offset,
            "item-offset": start,
            "total-items": total,
            "total-pages": total.div_ceil(page.per_page),
            "current-item-count": rows.len(),
            "previous-link": null,
            "next-link": null,
            "paging-link-template": null,
        },
    })
}

/// An unpaginated list in the envelope.
pub fn items(items: Vec<Value>, context: &str) -> Value {
    json!({ "data": { "items": items }, "context": context })
}
