//! Every route of the app and a minimal client-side router. [`Page::path`] is the single source
//! of route strings.
//!
//! The app has two screens and one in-app navigation (callback → home, replacing the history
//! entry), so a signal over `location.pathname` does the job. `leptos_router` was dropped for
//! the first-load budget (see `remote.rs` for the measurements).

use leptos::ev;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The dashboard when signed in, the sign-in screen otherwise.
    Home,
    /// Where tastytrade redirects back to (the registered `redirect_uri` is `<origin>/callback`).
    Callback,
}

impl Page {
    pub const ALL: [Page; 2] = [Page::Home, Page::Callback];

    pub const fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Callback => "/callback",
        }
    }

    /// The page at `path` (a trailing `/` is ignored); `None` for unknown paths.
    pub fn from_path(path: &str) -> Option<Page> {
        let trimmed = match path.strip_suffix('/') {
            Some(rest) if !rest.is_empty() => rest,
            _ => path,
        };
        Page::ALL.into_iter().find(|p| p.path() == trimmed)
    }
}

fn pathname() -> String {
    window().location().pathname().unwrap_or_default()
}

/// The current page, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    current: RwSignal<Option<Page>>,
}

impl Router {
    pub fn provide() -> Self {
        let current = RwSignal::new(Page::from_path(&pathname()));
        // Back/forward between entries of this document.
        let _listener = window_event_listener(ev::popstate, move |_| {
            current.set(Page::from_path(&pathname()));
        });
        let router = Router { current };
        provide_context(router);
        router
    }

    pub fn expect() -> Self {
        expect_context::<Router>()
    }

    pub fn current(&self) -> Option<Page> {
        self.current.get()
    }

    /// Shows `page`, replacing the current history entry (the callback URL must not stay
    /// reachable with Back).
    pub fn replace(&self, page: Page) {
        if let Ok(history) = window().history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(page.path()));
        }
        self.current.set(Some(page));
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn paths_round_trip() {
        for page in Page::ALL {
            assert_eq!(Page::from_path(page.path()), Some(page));
        }
        assert_eq!(Page::from_path("/callback/"), Some(Page::Callback));
        assert_eq!(Page::from_path("/nope"), None);
        assert_eq!(Page::from_path(""), None);
    }
}
