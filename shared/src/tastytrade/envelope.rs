//! The response envelope, pagination and the two error shapes (docs/tastytrade.md §4).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::de;

/// Every REST success body: `{"data": …, "context": "/path", "pagination": {…}, "api-version": "v1"}`.
/// `/oauth/token` is the exception (see [`super::TokenResponse`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Envelope<T> {
    pub data: T,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

/// List payloads: `data: {"items": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Items<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items { items: Vec::new() }
    }
}

/// The pagination block of paginated list endpoints (docs/tastytrade.md §4.2). `page-offset` is 0-based.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Pagination {
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_page: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub page_offset: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub item_offset: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_items: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_pages: Option<i64>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_item_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging_link_template: Option<String>,
}

impl Pagination {
    /// The `page-offset` to ask for next, or `None` on the last page. Reads `page-offset` and
    /// `total-pages` only: the links have been seen as `null` (docs/tastytrade.md §4.2).
    pub fn next_page_offset(&self) -> Option<i64> {
        let next = self.page_offset.unwrap_or(0).checked_add(1)?;
        (next < self.total_pages?).then_some(next)
    }
}

/// `error.code`: usually a string (`"not_permitted"`), but numeric for the 406 version error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum ErrorCode {
    Number(i64),
    Text(String),
}

// A direct visitor instead of `#[serde(untagged)]`, which buffers the value and tries each
// variant (more code in the browser bundle, and a vaguer error).
impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ErrorCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error code as a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Text(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                i64::try_from(v)
                    .map(ErrorCode::Number)
                    .map_err(|_| E::custom("error code out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

impl ErrorCode {
    /// The code as text (`"406"` for the numeric form).
    pub fn as_text(&self) -> String {
        match self {
            ErrorCode::Number(n) => n.to_string(),
            ErrorCode::Text(s) => s.clone(),
        }
    }

    /// True when the code equals `code` in either form (`406` matches `"406"`).
    pub fn is(&self, code: &str) -> bool {
        match self {
            ErrorCode::Number(n) => n.to_string() == code,
            ErrorCode::Text(s) => s == code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::Number(n) => write!(f, "{n}"),
            ErrorCode::Text(s) => f.write_str(s),
        }
    }
}

/// The API error envelope: `{"error": {"code": …, "message": …, "errors": [...]}}` (docs/tastytrade.md §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Nested details; `null` and absent both read as empty.
    #[serde(
        default,
        deserialize_with = "de::null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub errors: Vec<ApiErrorItem>,
}

/// One nested error: `{code, message}` or the validation form `{domain, reason}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ApiErrorItem {
    /// A one-line description: `message`, else `reason` (with `domain`), else `code`.
    pub fn describe(&self) -> String {
        if let Some(m) = &self.message {
            return m.clone();
        }
        match (&self.domain, &self.reason) {
            (Some(d), Some(r)) => format!("{d}: {r}"),
            (None, Some(r)) => r.clone(),
            _ => self
                .code
                .as_ref()
                .map(ErrorCode::as_text)
                .unwrap_or_default(),
        }
    }
}

impl ApiErrorBody {
    /// Human-readable summary: the message plus nested item descriptions.
    pub fn summary(&self) -> String {
        let mut out = self.message.clone().unwrap_or_default();
        let details: Vec<String> = self
            .errors
            .iter()
            .map(ApiErrorItem::describe)
            .filter(|d| !d.is_empty())
            .collect();
        if !details.is_empty() {
            if !out.is_empty() {
                out.push_str(" — ");
            }
            out.push_str(&details.join("; "));
        }
        out
    }
}
