//! Which security headers each response gets.

use crate::csp;

/// What part of the site a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `/auth/*`: the worker's session endpoints.
    Auth,
    /// `/api/*`: the tastytrade proxy.
    Api,
    /// Everything else: the app's static files (with SPA fallback).
    Static,
}

impl Area {
    pub fn of(raw_path: &str) -> Self {
        let under = |prefix: &str| {
            raw_path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/auth") {
            Area::Auth
        } else if under("/api") {
            Area::Api
        } else {
            Area::Static
        }
    }
}

/// Headers to set (overwriting) on a response. `html_policy` is the policy computed for an HTML
/// page; `not_modified` suppresses the CSP so a 304 cannot replace a cached page's hash list.
pub fn security_headers(
    area: Area,
    raw_path: &str,
    html_policy: Option<String>,
    not_modified: bool,
) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("x-content-type-options", "nosniff".to_owned()),
        ("referrer-policy", "no-referrer".to_owned()),
        ("x-frame-options", "DENY".to_owned()),
        ("cross-origin-opener-policy", "same-origin".to_owned()),
    ];
    if !not_modified {
        let policy = match (area, html_policy) {
            (Area::Auth | Area::Api, _) => csp::API_POLICY.to_owned(),
            (Area::Static, Some(p)) => p,
            (Area::Static, None) => csp::static_policy(),
        };
        h.push(("content-security-policy", policy));
    }
    if area != Area::Static || is_callback(raw_path) {
        h.push(("cache-control", "no-store".to_owned()));
    }
    if area != Area::Static {
        h.push(("cross-origin-resource-policy", "same-origin".to_owned()));
    }
    h
}

fn is_callback(raw_path: &str) -> bool {
    raw_path == "/callback" || raw_path.starts_with("/callback/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(h: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
        h.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn areas() {
        assert_eq!(Area::of("/auth/session"), Area::Auth);
        assert_eq!(Area::of("/auth"), Area::Auth);
        assert_eq!(Area::of("/api/customers/me"), Area::Api);
        assert_eq!(Area::of("/api"), Area::Api);
        assert_eq!(Area::of("/apix"), Area::Static);
        assert_eq!(Area::of("/authors"), Area::Static);
        assert_eq!(Area::of("/"), Area::Static);
        assert_eq!(Area::of("/callback"), Area::Static);
    }

    #[test]
    fn auth_and_api_are_no_store_and_locked_down() {
        for (area, path) in [
            (Area::Auth, "/auth/session"),
            (Area::Api, "/api/customers/me"),
        ] {
            let h = security_headers(area, path, None, false);
            assert_eq!(get(&h, "cache-control"), Some("no-store"));
            assert_eq!(get(&h, "referrer-policy"), Some("no-referrer"));
            assert_eq!(get(&h, "x-content-type-options"), Some("nosniff"));
            assert_eq!(get(&h, "content-security-policy"), Some(csp::API_POLICY));
        }
    }

    #[test]
    fn callback_page_is_no_store_and_keeps_its_policy() {
        let h = security_headers(Area::Static, "/callback", Some("P".into()), false);
        assert_eq!(get(&h, "cache-control"), Some("no-store"));
        assert_eq!(get(&h, "referrer-policy"), Some("no-referrer"));
        assert_eq!(get(&h, "content-security-policy"), Some("P"));
    }

    #[test]
    fn static_files_keep_their_caching_and_304_has_no_policy() {
        let h = security_headers(Area::Static, "/app.js", None, false);
        assert_eq!(get(&h, "cache-control"), None);
        assert_eq!(
            get(&h, "content-security-policy"),
            Some(csp::static_policy().as_str())
        );
        let h = security_headers(Area::Static, "/", None, true);
        assert_eq!(get(&h, "content-security-policy"), None);
    }
}
