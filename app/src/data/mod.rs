//! The app's one data layer.
//!
//! - [`Query`]: remote data a screen reads (loading, pending, session-ended, throttling, abort).
//! - [`Paged`]: a paginated list with "load more".
//! - [`Mutation`]: the one way to write (busy, error, never sent twice).
//! - [`Data`]: what several screens read, cached for the session: the accounts, each
//!   account's balances, each account's positions. Seeded from the bootstrap data the worker
//!   sends with the sign-in or inlines into the page ([`Seed`]), so the first screen paints
//!   without a data round trip.
//! - [`Refresh`]: the app-wide "fetch again now" (the refresh button, coming back to the tab);
//!   every [`Query`] follows it.

mod mutation;
mod paged;
mod query;
mod seed;

use leptos::prelude::*;
use pocket_shared::tastytrade::{AccountAuthority, Balances, Items, OneOrFirst, Position};
use web_sys::AbortSignal;

use crate::api::{self, ApiError};
pub use mutation::Mutation;
pub use paged::Paged;
pub use query::{backoff_secs, Query};
pub use seed::{take_inlined, Seed, SeedSlot};

/// The app-wide refresh signal.
#[derive(Clone, Copy)]
pub struct Refresh {
    trigger: Trigger,
    /// When the last refresh was asked for (epoch ms), for "Updated 3:04 PM".
    at: RwSignal<Option<f64>>,
}

impl Refresh {
    pub fn now(&self) {
        self.at.set(Some(js_sys::Date::now()));
        self.trigger.notify();
    }

    /// Refreshes unless the last refresh is under `min_age_ms` old: a tab shown again a moment
    /// after it was hidden (or a page the browser reports visible just after it loaded) keeps
    /// the data it has instead of asking for it again.
    pub fn now_if_older_than(&self, min_age_ms: f64) {
        let last = self.at.get_untracked().unwrap_or(0.0);
        if js_sys::Date::now() - last >= min_age_ms {
            self.now();
        }
    }

    pub fn track(&self) {
        self.trigger.track();
    }

    pub fn last(&self) -> Signal<Option<f64>> {
        self.at.into()
    }
}

/// Shared, cached reads for the signed-in session (`Copy`; provided by the signed-in shell, so
/// it lives exactly as long as the session's screens).
#[derive(Clone, Copy)]
pub struct Data {
    pub refresh: Refresh,
    pub accounts: Query<Vec<AccountAuthority>>,
    // A few accounts: a list is smaller in the wasm than a hash map and just as fast.
    balances: StoredValue<Vec<(String, Query<Balances>)>>,
    positions: StoredValue<Vec<(String, Query<Vec<Position>>)>>,
    seed: StoredValue<Seed>,
    owner: StoredValue<Owner>,
}

impl Data {
    /// Creates the cache under the current owner, starting from `seed`.
    pub fn provide(mut seed: Seed) -> Self {
        let refresh = Refresh {
            trigger: Trigger::new(),
            at: RwSignal::new(Some(js_sys::Date::now())),
        };
        provide_context(refresh);
        let accounts = Query::seeded(seed.accounts.take(), move |signal| {
            Some(fetch_accounts(signal.as_ref()))
        });
        let data = Data {
            refresh,
            accounts,
            balances: StoredValue::new(Vec::new()),
            positions: StoredValue::new(Vec::new()),
            seed: StoredValue::new(seed),
            owner: StoredValue::new(Owner::current().expect("Data::provide inside a component")),
        };
        provide_context(data);
        data
    }

    pub fn expect() -> Self {
        expect_context::<Data>()
    }

    /// `account`'s balances (one cached query per account, shared by every screen).
    pub fn balances(&self, account: &str) -> Query<Balances> {
        let seed = self.seed;
        self.cached(self.balances, account, fetch_balances, move || {
            seed.try_update_value(|s| s.take_balances(account))
                .flatten()
        })
    }

    /// `account`'s positions with marks (cached per account).
    pub fn positions(&self, account: &str) -> Query<Vec<Position>> {
        let seed = self.seed;
        self.cached(self.positions, account, fetch_positions, move || {
            seed.try_update_value(|s| s.take_positions(account))
                .flatten()
        })
    }

    /// The cached query of `account` in `list`, created under the session's owner (so it outlives
    /// the screen that first asked) from the bootstrap data if there is some.
    fn cached<T, Fut>(
        &self,
        list: StoredValue<Vec<(String, Query<T>)>>,
        account: &str,
        fetch: fn(&str, Option<&AbortSignal>) -> Fut,
        initial: impl FnOnce() -> Option<T>,
    ) -> Query<T>
    where
        T: Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        if let Some(q) = list.with_value(|m| find(m, account)) {
            return q;
        }
        let initial = initial();
        let number = account.to_owned();
        let query = self.owner.with_value(|owner| {
            owner.with(|| {
                Query::seeded(initial, move |signal| Some(fetch(&number, signal.as_ref())))
            })
        });
        list.update_value(|m| m.push((account.to_owned(), query)));
        query
    }

    /// Fetches `account`'s positions and balances again if a screen has read them (after a
    /// fill: what tastytrade announced changed them).
    pub fn reload_account(&self, account: &str) {
        if let Some(q) = self.positions.with_value(|m| find(m, account)) {
            q.reload();
        }
        if let Some(q) = self.balances.with_value(|m| find(m, account)) {
            q.reload();
        }
    }

    /// The account numbers, once the accounts are loaded (reactive).
    pub fn account_numbers(&self) -> Option<Vec<String>> {
        self.accounts.with_ok(|list| {
            list.iter()
                .map(|a| a.account.account_number.clone())
                .collect()
        })
    }
}

fn find<Q: Copy>(list: &[(String, Q)], account: &str) -> Option<Q> {
    list.iter().find(|(n, _)| n == account).map(|(_, q)| *q)
}

fn fetch_accounts(
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Vec<AccountAuthority>, ApiError>> + 'static {
    let request = api::get::<Items<AccountAuthority>>(&["customers", "me", "accounts"], "", signal);
    async move { Ok(request.await?.items) }
}

fn fetch_balances(
    account: &str,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Balances, ApiError>> + 'static {
    let request = api::get::<OneOrFirst<Balances>>(&["accounts", account, "balances"], "", signal);
    async move { Ok(request.await?.0) }
}

fn fetch_positions(
    account: &str,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<Vec<Position>, ApiError>> + 'static {
    let request = api::get::<Items<Position>>(
        &["accounts", account, "positions"],
        "include-marks=true",
        signal,
    );
    async move { Ok(request.await?.items) }
}
