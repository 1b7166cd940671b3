//! Every screen's address, and a small client-side router.
//!
//! [`Route`] is the single source of paths: screens are built from it and links are made with
//! [`Route::href`], so a typo is a compile error. The router keeps the current location in a
//! signal, follows `<a href>` clicks inside the app (push navigation, no reload), Back/Forward
//! (`popstate`), and query-string state for filters and ranges. Every route is deep-linkable:
//! the worker answers unknown paths with the app shell (SPA fallback).
//!
//! Why not `leptos_router`: measured on this app it costs more than this module for what the
//! app uses (figures in the README, "Size budget").

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::url::{build_query, decode_uri_component, encode_uri_component, parse_query};

/// The screens of an account, in the order of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Positions,
    Orders,
    Activity,
    History,
    Watchlists,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Positions,
        Section::Orders,
        Section::Activity,
        Section::History,
        Section::Watchlists,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Positions => "Positions",
            Section::Orders => "Orders",
            Section::Activity => "Activity",
            Section::History => "History",
            Section::Watchlists => "Watchlists",
        }
    }

    /// This section's screen for `account` (the watchlists ignore it).
    pub fn route(self, account: &str) -> Route {
        let account = account.to_owned();
        match self {
            Section::Positions => Route::Positions(account),
            Section::Orders => Route::Orders(account),
            Section::Activity => Route::Activity(account),
            Section::History => Route::History(account),
            Section::Watchlists => Route::Watchlists,
        }
    }
}

/// Every address the app answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: the first account's positions when signed in, the sign-in screen otherwise.
    Home,
    /// Where tastytrade redirects back to (the registered `redirect_uri` is `<origin>/callback`).
    Callback,
    Positions(String),
    Orders(String),
    Order(String, u64),
    Activity(String),
    History(String),
    Watchlists,
    /// One of the user's watchlists, by name (decoded).
    Watchlist(String),
    /// One of tastytrade's public watchlists, by name (decoded).
    PublicWatchlist(String),
    /// One instrument's quote, by its symbol (decoded: `AAPL`, `/ESZ6`, an OCC option symbol).
    Quote(String),
    /// Symbol search (`?q=` holds what is typed).
    Search,
    /// The option chain of an underlying (`AAPL`, `/ES`); `?exp=` and `?strikes=` hold the
    /// expiration and the strike count.
    Chain(String),
    /// The order ticket for an account; `?leg=` (repeated) holds its legs
    /// (`features/trade/model.rs`, `Leg::encode`).
    Trade(String),
    NotFound,
}

/// `^[A-Z0-9]{5,12}$`, as the worker's allowlist accepts.
fn is_account_number(s: &str) -> bool {
    (5..=12).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl Route {
    /// The route at `path` (a trailing `/` is ignored; percent-escapes in a watchlist name are
    /// decoded).
    pub fn parse(path: &str) -> Route {
        let trimmed = path.trim_end_matches('/');
        let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
        let name = |s: &str| decode_uri_component(s).filter(|n| !n.is_empty());
        match segments.as_slice() {
            [] => Route::Home,
            ["callback"] => Route::Callback,
            ["watchlists"] => Route::Watchlists,
            ["watchlists", n] => name(n).map_or(Route::NotFound, Route::Watchlist),
            ["watchlists", "public", n] => name(n).map_or(Route::NotFound, Route::PublicWatchlist),
            ["quote", s] => name(s)
                .filter(|s| s.len() <= 40)
                .map_or(Route::NotFound, Route::Quote),
            ["search"] => Route::Search,
            ["chain", s] => name(s)
                .filter(|s| s.len() <= 40)
                .map_or(Route::NotFound, Route::Chain),
            ["accounts", n, rest @ ..] if is_account_number(n) => {
                let n = (*n).to_owned();
                match rest {
                    [] | ["positions"] => Route::Positions(n),
                    ["orders"] => Route::Orders(n),
                    ["orders", id] => id.parse().map_or(Route::NotFound, |id| Route::Order(n, id)),
                    ["activity"] => Route::Activity(n),
                    ["history"] => Route::History(n),
                    ["trade"] => Route::Trade(n),
                    _ => Route::NotFound,
                }
            }
            _ => Route::NotFound,
        }
    }

    /// The path of this route (names percent-encoded).
    pub fn href(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::Callback => "/callback".into(),
            Route::Positions(n) => format!("/accounts/{n}/positions"),
            Route::Orders(n) => format!("/accounts/{n}/orders"),
            Route::Order(n, id) => format!("/accounts/{n}/orders/{id}"),
            Route::Activity(n) => format!("/accounts/{n}/activity"),
            Route::History(n) => format!("/accounts/{n}/history"),
            Route::Watchlists => "/watchlists".into(),
            Route::Watchlist(name) => format!("/watchlists/{}", encode_uri_component(name)),
            Route::PublicWatchlist(name) => {
                format!("/watchlists/public/{}", encode_uri_component(name))
            }
            Route::Quote(symbol) => format!("/quote/{}", encode_uri_component(symbol)),
            Route::Search => "/search".into(),
            Route::Chain(symbol) => format!("/chain/{}", encode_uri_component(symbol)),
            Route::Trade(n) => format!("/accounts/{n}/trade"),
            Route::NotFound => "/404".into(),
        }
    }

    /// The account the screen shows, if it is an account screen.
    pub fn account(&self) -> Option<&str> {
        match self {
            Route::Positions(n)
            | Route::Orders(n)
            | Route::Order(n, _)
            | Route::Activity(n)
            | Route::History(n)
            | Route::Trade(n) => Some(n),
            _ => None,
        }
    }

    /// The navigation entry this screen belongs to (marked `aria-current`).
    pub fn section(&self) -> Option<Section> {
        Some(match self {
            Route::Positions(_) => Section::Positions,
            Route::Orders(_) | Route::Order(..) => Section::Orders,
            Route::Activity(_) => Section::Activity,
            Route::History(_) => Section::History,
            Route::Watchlists | Route::Watchlist(_) | Route::PublicWatchlist(_) => {
                Section::Watchlists
            }
            Route::Home
            | Route::Callback
            | Route::Quote(_)
            | Route::Search
            | Route::Chain(_)
            | Route::Trade(_)
            | Route::NotFound => return None,
        })
    }

    /// A path the app may return to after signing in: one of its own screens, never another
    /// origin (`//evil`, `https://…`) and never the callback.
    pub fn is_return_target(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !matches!(
                Route::parse(path.split(['?', '#']).next().unwrap_or("")),
                Route::Callback | Route::NotFound
            )
    }
}

/// The address bar as the app sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: String,
    /// Without the leading `?`.
    query: String,
}

fn read_location() -> Location {
    let location = window().location();
    Location {
        path: location.pathname().unwrap_or_default(),
        query: location
            .search()
            .unwrap_or_default()
            .trim_start_matches('?')
            .to_owned(),
    }
}

/// The router, shared through context (`Copy`).
#[derive(Debug, Clone, Copy)]
pub struct Router {
    location: RwSignal<Location>,
    route: Memo<Route>,
}

impl Router {
    pub fn provide() -> Self {
        let location = RwSignal::new(read_location());
        let route = Memo::new(move |_| location.with(|l| Route::parse(&l.path)));
        let router = Router { location, route };
        // Back/forward between entries of this document.
        let popstate = window_event_listener(ev::popstate, move |_| {
            location.set(read_location());
        });
        // In-app links navigate without a reload (as leptos_router does with its `<A>`).
        let clicks = window_event_listener(ev::click, move |e| router.follow_link(e));
        on_cleanup(move || {
            popstate.remove();
            clicks.remove();
        });
        provide_context(router);
        router
    }

    pub fn expect() -> Self {
        expect_context::<Router>()
    }

    pub fn route(&self) -> Route {
        self.route.get()
    }

    /// The current route, as a signal to read or pass on.
    pub fn route_memo(&self) -> Memo<Route> {
        self.route
    }

    /// The current query's value for `key` (reactive).
    pub fn query(&self, key: &str) -> Option<String> {
        self.location.with(|l| {
            parse_query(&l.query)
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
        })
    }

    /// Every value of `key` in the current query, in order (reactive).
    pub fn query_all(&self, key: &str) -> Vec<String> {
        self.location.with(|l| {
            parse_query(&l.query)
                .into_iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v)
                .collect()
        })
    }

    /// Goes to `href` (path and optional query) with a new history entry.
    pub fn push(&self, href: &str) {
        self.go(href, false);
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }

    /// Goes to `href` replacing the current history entry (redirects, the callback).
    pub fn replace(&self, href: &str) {
        self.go(href, true);
    }

    /// Replaces the query of the current entry (filters and ranges: shareable and kept on
    /// reload, without filling the history with every keystroke).
    pub fn set_query(&self, pairs: &[(&str, String)]) {
        let path = self.location.with_untracked(|l| l.path.clone());
        let query = build_query(pairs);
        let href = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        self.go(&href, true);
    }

    fn go(&self, href: &str, replace: bool) {
        if let Ok(history) = window().history() {
            let null = wasm_bindgen::JsValue::NULL;
            let _ = if replace {
                history.replace_state_with_url(&null, "", Some(href))
            } else {
                history.push_state_with_url(&null, "", Some(href))
            };
        }
        self.location.set(read_location());
    }

    /// A plain left click on a same-origin `<a href>` that is not a download or a new-tab
    /// link becomes a push navigation.
    fn follow_link(&self, e: web_sys::MouseEvent) {
        if e.default_prevented()
            || e.button() != 0
            || e.meta_key()
            || e.ctrl_key()
            || e.shift_key()
            || e.alt_key()
        {
            return;
        }
        let Some(anchor) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if anchor.has_attribute("download")
            || anchor.get_attribute("target").is_some_and(|t| t != "_self")
            || anchor.has_attribute("data-external")
        {
            return;
        }
        let Some(href) = anchor.get_attribute("href") else {
            return;
        };
        if !href.starts_with('/') || href.starts_with("//") {
            return;
        }
        e.prevent_default();
        self.push(&href);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_round_trips() {
        for route in [
            Route::Home,
            Route::Callback,
            Route::Positions("5WT00001".into()),
            Route::Orders("5WT00001".into()),
            Route::Order("5WT00001".into(), 351001065),
            Route::Activity("5WT00002".into()),
            Route::History("5WT00003".into()),
            Route::Watchlists,
            Route::Watchlist("Tech Giants & /ES".into()),
            Route::Watchlist("public".into()),
            Route::PublicWatchlist("Crypto 50%".into()),
            Route::Quote("AAPL".into()),
            Route::Quote("/ESZ6".into()),
            Route::Quote("SPY   261218C00600000".into()),
            Route::Search,
            Route::Chain("/ES".into()),
            Route::Chain("SPY".into()),
            Route::Trade("5WT00001".into()),
        ] {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn odd_paths() {
        assert_eq!(
            Route::parse("/accounts/5WT00001"),
            Route::Positions("5WT00001".into())
        );
        assert_eq!(Route::parse("/callback/"), Route::Callback);
        for bad in [
            "/nope",
            "/accounts/5wt00001/orders",
            "/accounts/5WT00001/orders/abc",
            "/accounts/5WT00001/nope",
            "/watchlists/%E0%A4",
            "/watchlists/%zz",
            "/watchlists/a/b",
        ] {
            assert_eq!(Route::parse(bad), Route::NotFound, "{bad}");
        }
    }

    #[test]
    fn sections_and_accounts() {
        let order = Route::Order("5WT00001".into(), 1);
        assert_eq!(order.section(), Some(Section::Orders));
        assert_eq!(order.account(), Some("5WT00001"));
        assert_eq!(
            Route::Watchlist("x".into()).section(),
            Some(Section::Watchlists)
        );
        assert_eq!(Route::Home.section(), None);
        for s in Section::ALL {
            assert_eq!(s.route("5WT00002").section(), Some(s));
        }
    }

    #[test]
    fn return_targets_stay_in_the_app() {
        assert!(Route::is_return_target(
            "/accounts/5WT00002/orders?status=Filled"
        ));
        assert!(Route::is_return_target("/"));
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "/callback?code=x",
            "/\\evil.example",
            "evil",
            "/nope",
        ] {
            assert!(!Route::is_return_target(bad), "{bad}");
        }
    }
}
