//! `/oauth/token` bodies (docs/tastytrade.md §2.3): plain OAuth JSON, snake_case, **no** `data` envelope.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::de;

/// A token or other secret string. `Debug`/`Display` print `***`; the value is reachable only via
/// [`Secret::expose`], so it cannot end up in a log line by accident.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Call only where it is sent or stored.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Token success response (authorization_code and refresh_token grants).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct TokenResponse {
    pub access_token: Secret,
    /// Returned on the code grant; on refresh keep the old one unless a new one comes back.
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Seconds; 900 in practice.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub expires_in: Option<i64>,
    /// Only with the `openid` scope.
    #[serde(default)]
    pub id_token: Option<Secret>,
    /// Not known to be echoed; kept if it is.
    #[serde(default)]
    pub scope: Option<String>,
}

/// Token error response: tastytrade's `{"error_code", "error_description"}` or the RFC 6749
/// `{"error", "error_description"}` form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

impl TokenError {
    /// The machine code from whichever key carried it (`invalid_grant`, …).
    pub fn code(&self) -> Option<&str> {
        self.error_code.as_deref().or(self.error.as_deref())
    }

    /// `invalid_grant`: the refresh token or code is definitively bad (session must end).
    pub fn is_invalid_grant(&self) -> bool {
        self.code() == Some("invalid_grant")
    }
}
