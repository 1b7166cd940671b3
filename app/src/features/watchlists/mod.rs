//! Watchlists (docs/tastytrade.md §6.7): the person's lists and tastytrade's public ones
//! (`/watchlists`), one list with its symbols (`/watchlists/{name}`, `/watchlists/public/{name}`);
//! create, add and remove symbols, delete. Every change is a full `PUT` of the list through
//! `Mutation` (never sent twice, never retried), and the screen shows tastytrade's answer.

mod detail;
mod edit;
mod index;

use pocket_shared::tastytrade::{Items, Watchlist};
use web_sys::AbortSignal;

use crate::api::{self, ApiError};

pub use detail::WatchlistPage;
pub use index::WatchlistsPage;

fn fetch_lists(
    public: bool,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Vec<Watchlist>, ApiError>> + 'static {
    // Public lists can be long (hundreds of symbols): only their counts are needed here.
    let request = if public {
        api::get::<Items<Watchlist>>(&["public-watchlists"], "counts-only=true", signal)
    } else {
        api::get::<Items<Watchlist>>(&["watchlists"], "", signal)
    };
    async move { Ok(request.await?.items) }
}

/// One list; `None` when tastytrade has no list of that name (404).
fn fetch_list(
    name: &str,
    public: bool,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Option<Watchlist>, ApiError>> + 'static {
    let collection = if public {
        "public-watchlists"
    } else {
        "watchlists"
    };
    let request = api::get::<Watchlist>(&[collection, name], "", signal);
    async move {
        match request.await {
            Ok(list) => Ok(Some(list)),
            Err(ApiError::Tastytrade { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What to show next to a form after a failed write: tastytrade's own words (its message
/// with the `errors[]` reasons) when it refused, else what went wrong on the way.
fn error_text(error: &ApiError) -> String {
    match error {
        ApiError::Tastytrade { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
