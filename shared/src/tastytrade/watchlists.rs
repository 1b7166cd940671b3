//! `GET /watchlists`, `/watchlists/{name}`, `/public-watchlists[/{name}]`, and the body of
//! `POST /watchlists` / `PUT /watchlists/{name}` (docs/tastytrade.md §6.7 Watchlists).
//!
//! The response object and the request body share the entry type; the body is its own type so
//! it serializes exactly the documented shape (all four keys, nothing from `extra`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::positions::InstrumentType;

/// tastyware's defaults for a new list, which the documented body carries.
pub const DEFAULT_WATCHLIST_GROUP: &str = "default";
pub const DEFAULT_WATCHLIST_ORDER_INDEX: i64 = 9999;

/// A user's or a public (tastytrade-curated) watchlist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Watchlist {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_index: Option<i64>,
    /// `null`/absent (e.g. `counts-only=true` on public lists) read as empty.
    #[serde(
        default,
        deserialize_with = "de::null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub watchlist_entries: Vec<WatchlistEntry>,
    /// `cms-id` and anything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One symbol of a list. No `extra`: entries are echoed back in request bodies, which must
/// carry only the documented keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WatchlistEntry {
    pub symbol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_type: Option<InstrumentType>,
}

impl WatchlistEntry {
    pub fn new(symbol: impl Into<String>, instrument_type: InstrumentType) -> Self {
        WatchlistEntry {
            symbol: symbol.into(),
            instrument_type: Some(instrument_type),
        }
    }
}

/// Body of `POST /watchlists` (create) and `PUT /watchlists/{name}` (full replace):
/// `{"name", "group-name", "order-index", "watchlist-entries": [{"symbol", "instrument-type"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WatchlistRequest {
    pub name: String,
    pub group_name: String,
    pub order_index: i64,
    pub watchlist_entries: Vec<WatchlistEntry>,
}

impl WatchlistRequest {
    /// A list with the default group and order index.
    pub fn new(name: impl Into<String>, entries: Vec<WatchlistEntry>) -> Self {
        WatchlistRequest {
            name: name.into(),
            group_name: DEFAULT_WATCHLIST_GROUP.to_owned(),
            order_index: DEFAULT_WATCHLIST_ORDER_INDEX,
            watchlist_entries: entries,
        }
    }
}

impl Watchlist {
    /// The body that writes this list back (PUT is a full replace, so edit the entries of the
    /// list as fetched and send this). Missing group / index get the defaults.
    pub fn to_request(&self) -> WatchlistRequest {
        WatchlistRequest {
            name: self.name.clone(),
            group_name: self
                .group_name
                .clone()
                .unwrap_or_else(|| DEFAULT_WATCHLIST_GROUP.to_owned()),
            order_index: self.order_index.unwrap_or(DEFAULT_WATCHLIST_ORDER_INDEX),
            watchlist_entries: self.watchlist_entries.clone(),
        }
    }

    /// The symbols in list order.
    pub fn symbols(&self) -> impl Iterator<Item = &str> {
        self.watchlist_entries.iter().map(|e| e.symbol.as_str())
    }
}
