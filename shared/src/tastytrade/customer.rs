//! `GET /customers/me` (docs/tastytrade.md §6.1). The real object is large and drifts (the Rust
//! client joaquinbejar/tastytrade saw decode failures), so only what the UI needs is typed — all
//! optional — and the rest lands in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Customer {
    /// The customer id (the path uses the literal `me`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_delayed_quotes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_professional: Option<bool>,
    /// Items use snake_case keys inside (docs/tastytrade.md §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted_account_types: Option<Vec<PermittedAccountType>>,
    /// Everything else (addresses, affiliations, suitability, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Customer {
    /// "First Last", whichever parts exist; `None` when neither does.
    pub fn display_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The snake_case island inside `/customers/me`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermittedAccountType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_multiple_owners: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_publicly_available: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_tax_advantaged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_types: Option<Vec<MarginType>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_margin: Option<bool>,
}
