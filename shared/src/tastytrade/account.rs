//! `GET /customers/me/accounts` (docs/tastytrade.md §6.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de::wire_enum;

wire_enum! {
    /// What the signed-in user may do with an account.
    pub enum AuthorityLevel {
        Owner => "owner",
        TradeOnly => "trade-only",
        ReadOnly => "read-only",
    }
}

wire_enum! {
    pub enum MarginOrCash {
        Margin => "Margin",
        Cash => "Cash",
    }
}

/// One entry of `data.items`: the account plus the user's authority over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccountAuthority {
    pub account: Account,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_level: Option<AuthorityLevel>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Account {
    /// 8 characters, e.g. `5WT00001`.
    pub account_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// "Individual", "Roth IRA", "Traditional IRA", …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_or_cash: Option<MarginOrCash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_futures_approved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suitable_options_level: Option<String>,
    /// Everything else (`opened-at`, and `external-id`, `funding-date`, `is-test-drive`, which
    /// 2026 sandbox captures lack), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Account {
    /// `••••0001`: the last four characters behind four bullets (the full number is never
    /// needed on screen).
    pub fn masked_number(&self) -> String {
        mask_account_number(&self.account_number)
    }

    /// The nickname, else the account type, else the masked number.
    pub fn display_name(&self) -> String {
        [self.nickname.as_deref(), self.account_type_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| self.masked_number())
    }
}

/// `5WT00001` → `••••0001`. Shorter inputs are fully masked except their last character.
pub fn mask_account_number(number: &str) -> String {
    let chars: Vec<char> = number.trim().chars().collect();
    let keep = if chars.len() > 4 {
        4
    } else {
        chars.len().saturating_sub(1)
    };
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("••••{tail}")
}
