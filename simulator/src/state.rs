//! Shared simulator state: settings that hooks can change, counters, and issued codes/tokens.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;

use serde_json::Value;

use crate::config::Config;
use crate::dates::Date;
use crate::dxlink::Registry;
use crate::fixtures::Fixtures;
use crate::ledger::Ledger;
use crate::market::Market;

/// The part of the configuration `/sim/config` may change; `/sim/reset` restores it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access_token_ttl: u64,
    pub code_ttl: u64,
    pub require_pkce: bool,
    /// Act like a server that doesn't know PKCE (RFC 6749 §3.1: unknown parameters are
    /// ignored): challenges aren't stored and verifiers aren't checked. For `scripts/pkce-check.mjs`.
    pub ignore_pkce: bool,
    pub latency_ms: u64,
    /// Accounts whose positions are served as an empty list (exercises empty states).
    pub empty_positions: BTreeSet<String>,
    /// Accounts with no net-liq history and no balance snapshots (a new account; exercises the
    /// History screen's empty state).
    pub empty_history: BTreeSet<String>,
    /// The simulated today the history ends on.
    pub today: Date,
    /// API requests one access token may make per second before getting 429 (0 = no limit).
    pub rate_limit_per_second: u32,
    /// Order submissions per account a minute (0 = off).
    pub order_rate_per_min: u32,
    /// Lifetime of `/api-quote-tokens` tokens, seconds.
    pub quote_token_ttl: u64,
}

impl From<&Config> for Settings {
    fn from(c: &Config) -> Self {
        Self {
            access_token_ttl: c.access_token_ttl,
            code_ttl: c.code_ttl,
            require_pkce: c.require_pkce,
            ignore_pkce: false,
            latency_ms: c.latency_ms,
            empty_positions: BTreeSet::new(),
            empty_history: BTreeSet::new(),
            today: c.today.unwrap_or_else(Date::today_utc),
            rate_limit_per_second: c.rate_limit_per_second,
            order_rate_per_min: c.order_rate_per_min,
            quote_token_ttl: c.quote_token_ttl,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FailNext {
    pub remaining: u64,
    pub path_prefix: Option<String>,
    pub how: Failure,
}

/// What a failed request gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An error response: the API envelope, or the token endpoint's shape when `error_code`
    /// is set (e.g. `invalid_client`).
    Respond {
        status: u16,
        error_code: Option<String>,
        /// `Retry-After` seconds on a 429 (`None`: no header).
        retry_after: Option<u64>,
    },
    /// The connection closes without a complete response (a network failure).
    Drop,
    /// Nothing for `ms` milliseconds, then as `Drop` (a timeout, unless the client waits).
    Hang { ms: u64 },
}

#[derive(Debug, Default)]
pub struct Counters {
    pub grants_authorization_code: AtomicU64,
    pub grants_refresh_token: AtomicU64,
    pub token_requests: AtomicU64,
    pub api_requests: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        for c in [
            &self.grants_authorization_code,
            &self.grants_refresh_token,
            &self.token_requests,
            &self.api_requests,
        ] {
            c.store(0, Ordering::SeqCst);
        }
    }
}

/// What an authorization code stands for until it is exchanged.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub customer_id: String,
    pub code_challenge: Option<String>,
    pub expires_at: Instant,
    pub used: bool,
}

pub enum CodeLookup {
    Unknown,
    AlreadyUsed,
    Expired,
    Valid(CodeGrant),
}

#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub customer_id: String,
    pub scope: String,
    /// The authorization code this token descends from (`None` for grants minted by hooks).
    pub family: Option<String>,
}

#[derive(Debug, Clone)]
struct AccessGrant {
    customer_id: String,
    /// Space-separated scopes of the grant the token was issued under.
    scope: String,
    expires_at: Instant,
    family: Option<String>,
}

/// Today may not be before the fixtures' as-of date: the positions were opened by then.
pub fn check_today(fixtures: &Fixtures, today: Date) -> Result<(), String> {
    match fixtures.as_of() {
        Some(as_of) if today < as_of => Err(format!(
            "today {today} is before the fixtures' as-of date {as_of}"
        )),
        _ => Ok(()),
    }
}

/// The authenticated caller of an API request.
#[derive(Debug, Clone)]
pub struct Session {
    pub customer_id: String,
    /// The grant includes the `trade` scope (order writes need it; docs/tastytrade.md §2.1).
    pub can_trade: bool,
}

/// A market-data token from `/api-quote-tokens`: it opens the DXLink stream and nothing else.
#[derive(Debug, Clone)]
pub struct QuoteGrant {
    pub customer_id: String,
    pub expires_at: Instant,
}

#[derive(Default)]
struct Store {
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    quote: HashMap<String, QuoteGrant>,
}

struct Inner {
    base: Config,
    fixtures: Fixtures,
    settings: Mutex<Settings>,
    fail_next: Mutex<Option<FailNext>>,
    counters: Counters,
    store: Mutex<Store>,
    /// The history for one today, built on first use and rebuilt when today changes.
    ledger: Mutex<Option<Arc<Ledger>>>,
    /// Per access token: the start of its current one-second window and the requests in it.
    throttle: Mutex<HashMap<String, (Instant, u32)>>,
    /// The demo customer's private watchlists, in wire form, in creation order.
    watchlists: Mutex<Vec<Value>>,
    /// The simulated market, built on first use (see `crate::live`).
    market: Mutex<Option<Market>>,
    /// Open DXLink sockets and their counters.
    dxlink: Registry,
    /// Orders placed through the API and the accounts' live books.
    broker: Mutex<crate::broker::Broker>,
}

/// Cheap to clone; all clones share the same simulator.
#[derive(Clone)]
pub struct SimState(Arc<Inner>);

/// A poisoned lock only means another request panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// 256 random bits, base64url: opaque codes and tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Short id used in error messages, like tastytrade's "Unique customer support identifier".
pub fn support_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SimState {
    /// Builds the state; fails if the embedded fixtures are invalid or today is before them.
    pub fn new(mut config: Config) -> Result<Self, String> {
        let fixtures = Fixtures::load().map_err(|e| format!("invalid fixtures: {e}"))?;
        let today = config.today.unwrap_or_else(Date::today_utc);
        check_today(&fixtures, today)?;
        // Pin the startup day, so /sim/reset goes back to it even after midnight.
        config.today = Some(today);
        let watchlists = crate::watchlists::seeds(&fixtures)?;
        Ok(Self(Arc::new(Inner {
            settings: Mutex::new(Settings::from(&config)),
            base: config,
            fixtures,
            fail_next: Mutex::new(None),
            counters: Counters::default(),
            store: Mutex::new(Store::default()),
            ledger: Mutex::new(None),
            throttle: Mutex::new(HashMap::new()),
            watchlists: Mutex::new(watchlists),
            market: Mutex::new(None),
            dxlink: Registry::default(),
            broker: Mutex::new(crate::broker::Broker::default()),
        })))
    }

    pub fn today(&self) -> Date {
        lock(&self.0.settings).today
    }

    /// The history for the current today (built once per today).
    pub fn ledger(&self) -> Arc<Ledger> {
        let today = self.today();
        let mut slot = lock(&self.0.ledger);
        match slot.as_ref() {
            Some(l) if l.today == today => l.clone(),
            _ => {
                let built = Arc::new(Ledger::build(today, &self.0.fixtures));
                *slot = Some(built.clone());
                built
            }
        }
    }

    /// Counts a request against `token`'s one-second window. `Err(seconds)` = over the limit;
    /// retry after that many seconds. Refused requests don't count.
    pub fn admit(&self, token: &str) -> Result<(), u64> {
        let limit = lock(&self.0.settings).rate_limit_per_second;
        if limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = lock(&self.0.throttle);
        windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(1));
        let (start, count) = windows.entry(token.to_owned()).or_insert((now, 0));
        if *count >= limit {
            let left = Duration::from_secs(1).saturating_sub(now.duration_since(*start));
            return Err(left.as_secs_f64().ceil().max(1.0) as u64);
        }
        *count += 1;
        Ok(())
    }

    pub fn watchlists(&self) -> MutexGuard<'_, Vec<Value>> {
        lock(&self.0.watchlists)
    }

    pub fn config(&self) -> &Config {
        &self.0.base
    }

    pub fn fixtures(&self) -> &Fixtures {
        &self.0.fixtures
    }

    pub fn counters(&self) -> &Counters {
        &self.0.counters
    }

    pub fn settings(&self) -> Settings {
        lock(&self.0.settings).clone()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> Settings {
        let mut s = lock(&self.0.settings);
        f(&mut s);
        s.clone()
    }

    /// Counters to zero, settings and fail-next back to the command line. Tokens survive.
    pub fn reset(&self) {
        self.0.counters.reset();
        *lock(&self.0.settings) = Settings::from(&self.0.base);
        *lock(&self.0.fail_next) = None;
        lock(&self.0.throttle).clear();
        if let Ok(seeds) = crate::watchlists::seeds(&self.0.fixtures) {
            *lock(&self.0.watchlists) = seeds;
        }
        // Orders and books back to the fixtures (before the market: the lock order).
        *lock(&self.0.broker) = crate::broker::Broker::default();
        // The market starts again from its first tick, with the command line's settings.
        *lock(&self.0.market) = None;
    }

    /// The broker (see `crate::broker`; lock it before the market).
    pub fn broker_slot(&self) -> MutexGuard<'_, crate::broker::Broker> {
        lock(&self.0.broker)
    }

    /// The market's slot (`None` until first built); `crate::live` builds and advances it.
    pub fn market_slot(&self) -> MutexGuard<'_, Option<Market>> {
        lock(&self.0.market)
    }

    pub fn dxlink(&self) -> &Registry {
        &self.0.dxlink
    }

    /// Issues a quote token for `customer_id`; returns it with its lifetime in seconds.
    pub fn issue_quote_token(&self, customer_id: &str) -> (String, u64) {
        let ttl = lock(&self.0.settings).quote_token_ttl;
        let token = random_token();
        let now = Instant::now();
        let mut store = lock(&self.0.store);
        store.quote.retain(|_, g| g.expires_at > now);
        store.quote.insert(
            token.clone(),
            QuoteGrant {
                customer_id: customer_id.to_owned(),
                expires_at: now + Duration::from_secs(ttl),
            },
        );
        (token, ttl)
    }

    /// The customer a live quote token belongs to.
    pub fn quote_grant(&self, token: &str) -> Option<QuoteGrant> {
        let store = lock(&self.0.store);
        store
            .quote
            .get(token)
            .filter(|g| Instant::now() < g.expires_at)
            .cloned()
    }

    /// Every live quote token (for tests that look for it where it may not be).
    pub fn issued_quote_tokens(&self) -> Vec<String> {
        let now = Instant::now();
        let store = lock(&self.0.store);
        store
            .quote
            .iter()
            .filter(|(_, g)| g.expires_at > now)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Expires every quote token issued so far; returns how many were still live.
    pub fn expire_quote_tokens(&self) -> usize {
        let now = Instant::now();
        let mut store = lock(&self.0.store);
        let live = store.quote.values().filter(|g| g.expires_at > now).count();
        store.quote.clear();
        live
    }

    pub fn is_registered_redirect(&self, uri: &str) -> bool {
        self.0.base.redirect_uris.iter().any(|u| u == uri)
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(lock(&self.0.settings).latency_ms)
    }

    pub fn set_fail_next(&self, fail: Option<FailNext>) {
        *lock(&self.0.fail_next) = fail;
    }

    /// Consumes one pending failure if `path` matches; returns how to fail.
    pub fn take_failure(&self, path: &str) -> Option<Failure> {
        let mut slot = lock(&self.0.fail_next);
        let fail = slot.as_mut()?;
        if fail
            .path_prefix
            .as_deref()
            .is_some_and(|prefix| !path.starts_with(prefix))
        {
            return None;
        }
        let how = fail.how.clone();
        fail.remaining = fail.remaining.saturating_sub(1);
        if fail.remaining == 0 {
            *slot = None;
        }
        Some(how)
    }

    pub fn issue_code(&self, grant: CodeGrant) -> String {
        let code = random_token();
        let now = Instant::now();
        let mut store = lock(&self.0.store);
        // Expired codes are useless; drop them so the map can't grow without bound.
        store.codes.retain(|_, g| g.expires_at > now);
        store.codes.insert(code.clone(), grant);
        code
    }

    /// Looks a code up and marks it used: any exchange attempt spends it (RFC 6749 §4.1.2),
    /// so a wrong PKCE verifier can't be retried against the same code. A second attempt also
    /// revokes every token descended from the code (same section): a replayed code means it
    /// leaked, and the tokens it bought may be in the wrong hands.
    pub fn take_code(&self, code: &str) -> CodeLookup {
        let mut store = lock(&self.0.store);
        let Some(grant) = store.codes.get_mut(code) else {
            return CodeLookup::Unknown;
        };
        if grant.used {
            let family = Some(code.to_owned());
            store.access.retain(|_, g| g.family != family);
            store.refresh.retain(|_, g| g.family != family);
            return CodeLookup::AlreadyUsed;
        }
        grant.used = true;
        if Instant::now() >= grant.expires_at {
            return CodeLookup::Expired;
        }
        CodeLookup::Valid(grant.clone())
    }

    /// Issues an access token for `customer_id` under `scope` with the current TTL; returns
    /// (token, ttl).
    pub fn issue_access_token(
        &self,
        customer_id: &str,
        scope: &str,
        family: Option<&str>,
    ) -> (String, u64) {
        let ttl = lock(&self.0.settings).access_token_ttl;
        let token = random_token();
        let now = Instant::now();
        let mut store = lock(&self.0.store);
        store.access.retain(|_, g| g.expires_at > now);
        store.access.insert(
            token.clone(),
            AccessGrant {
                customer_id: customer_id.to_owned(),
                scope: scope.to_owned(),
                expires_at: now + Duration::from_secs(ttl),
                family: family.map(str::to_owned),
            },
        );
        (token, ttl)
    }

    /// Refresh tokens never expire (docs/tastytrade.md §2.4).
    pub fn issue_refresh_token(
        &self,
        customer_id: &str,
        scope: &str,
        family: Option<&str>,
    ) -> String {
        let token = random_token();
        lock(&self.0.store).refresh.insert(
            token.clone(),
            RefreshGrant {
                customer_id: customer_id.to_owned(),
                scope: scope.to_owned(),
                family: family.map(str::to_owned),
            },
        );
        token
    }

    pub fn refresh_grant(&self, token: &str) -> Option<RefreshGrant> {
        lock(&self.0.store).refresh.get(token).cloned()
    }

    /// The session behind a bearer token, if it exists and hasn't expired.
    pub fn authenticate(&self, token: &str) -> Option<Session> {
        let store = lock(&self.0.store);
        let grant = store.access.get(token)?;
        (Instant::now() < grant.expires_at).then(|| Session {
            customer_id: grant.customer_id.clone(),
            can_trade: grant.scope.split(' ').any(|s| s == "trade"),
        })
    }

    /// Deletes every grant, like deleting it on tastytrade's API page: refresh tokens then fail
    /// with `invalid_grant` and access tokens with 401. Returns how many refresh tokens died.
    pub fn revoke_grants(&self) -> usize {
        let mut store = lock(&self.0.store);
        store.access.clear();
        let revoked = store.refresh.len();
        store.refresh.clear();
        revoked
    }

    /// Every live access token and every refresh token, for tests that look for tokens where
    /// none may be (e.g. the worker's storage).
    pub fn issued_tokens(&self) -> (Vec<String>, Vec<String>) {
        let now = Instant::now();
        let store = lock(&self.0.store);
        let access = store
            .access
            .iter()
            .filter(|(_, g)| g.expires_at > now)
            .map(|(t, _)| t.clone())
            .collect();
        (access, store.refresh.keys().cloned().collect())
    }

    /// Expires every access token issued so far; returns how many were still live.
    pub fn expire_access_tokens(&self) -> usize {
        let now = Instant::now();
        let mut store = lock(&self.0.store);
        let live = store.access.values().filter(|g| g.expires_at > now).count();
        store.access.clear();
        live
    }
}
