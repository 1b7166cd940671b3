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

/// Whether a static path is one of the app's pages (every file Trunk emits has an extension;
/// a page path's last segment has none). A page is served as `/` (the app's `index.html`):
/// the asset server redirects a path holding an encoded slash (`/quote/%2FESZ6`, a future's
/// quote; a watchlist named `a/b`) to the path with the slash decoded, which is another page.
pub fn is_app_page(raw_path: &str) -> bool {
    let last = raw_path.rsplit('/').next().unwrap_or_default();
    raw_path != "/" && !last.contains('.')
}

/// `Cache-Control` for a file Trunk names with a content hash (`app-<hex>.js`,
/// `app-<hex>_bg.wasm`, `style-<hex>.css`): it never changes, so browsers keep it.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for HTML documents: always revalidated, so a deploy is picked up at once.
pub const REVALIDATE: &str = "no-cache";
/// `Strict-Transport-Security` on HTTPS responses (two years; RFC 6797).
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Whether the last path segment is a Trunk content-hashed asset. Trunk prints its 64-bit hash
/// with `{:x}`, so a hash with leading zero nibbles is shorter than 16 digits (CI once built
/// `pocket-app-7c2eabf5e670130.js`); 8–16 digits covers all but a 2⁻³² chance.
pub fn is_hashed_asset(raw_path: &str) -> bool {
    let name = raw_path.rsplit('/').next().unwrap_or("");
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty()
            && (8..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// What the response is, as far as the headers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Served {
    /// A 304: no CSP, so a 304 cannot replace a cached page's hash list.
    pub not_modified: bool,
    /// An HTML document (revalidated on every visit).
    pub html: bool,
    /// Reached over HTTPS (gets HSTS).
    pub https: bool,
    /// A page carrying the signed-in customer's data (the inlined bootstrap): never stored.
    pub personal: bool,
}

/// Headers to set (overwriting) on a response. `html_policy` is the policy computed for an HTML
/// page.
pub fn security_headers(
    area: Area,
    raw_path: &str,
    html_policy: Option<String>,
    served: Served,
) -> Vec<(&'static str, String)> {
    let not_modified = served.not_modified;
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
    if area != Area::Static || is_callback(raw_path) || served.personal {
        h.push(("cache-control", "no-store".to_owned()));
    } else if served.html {
        h.push(("cache-control", REVALIDATE.to_owned()));
    } else if is_hashed_asset(raw_path) {
        h.push(("cache-control", IMMUTABLE.to_owned()));
    }
    if served.https {
        h.push(("strict-transport-security", HSTS.to_owned()));
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

    #[test]
    fn app_pages_and_files() {
        for page in [
            "/quote/%2FESZ6",
            "/watchlists/a%2Fb",
            "/accounts/5WT00001/positions",
            "/404",
            "/callback",
        ] {
            assert!(is_app_page(page), "{page}");
        }
        for file in [
            "/",
            "/index.html",
            "/sw.js",
            "/pocket-app-0123456789abcdef_bg.wasm",
            "/manifest.webmanifest",
        ] {
            assert!(!is_app_page(file), "{file}");
        }
    }

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
            let h = security_headers(area, path, None, Served::default());
            assert_eq!(get(&h, "cache-control"), Some("no-store"));
            assert_eq!(get(&h, "referrer-policy"), Some("no-referrer"));
            assert_eq!(get(&h, "x-content-type-options"), Some("nosniff"));
            assert_eq!(get(&h, "content-security-policy"), Some(csp::API_POLICY));
        }
    }

    #[test]
    fn callback_page_is_no_store_and_keeps_its_policy() {
        let html = Served {
            html: true,
            ..Served::default()
        };
        let h = security_headers(Area::Static, "/callback", Some("P".into()), html);
        assert_eq!(get(&h, "cache-control"), Some("no-store"));
        assert_eq!(get(&h, "referrer-policy"), Some("no-referrer"));
        assert_eq!(get(&h, "content-security-policy"), Some("P"));
    }

    #[test]
    fn static_files_keep_their_caching_and_304_has_no_policy() {
        let h = security_headers(Area::Static, "/app.js", None, Served::default());
        assert_eq!(get(&h, "cache-control"), None);
        assert_eq!(
            get(&h, "content-security-policy"),
            Some(csp::static_policy().as_str())
        );
        let not_modified = Served {
            not_modified: true,
            ..Served::default()
        };
        let h = security_headers(Area::Static, "/", None, not_modified);
        assert_eq!(get(&h, "content-security-policy"), None);
    }

    #[test]
    fn hashed_assets_are_immutable_and_html_revalidates() {
        for path in [
            "/pocket-app-3f2a9c1b7d4e5f60.js",
            "/pocket-app-3f2a9c1b7d4e5f60_bg.wasm",
            "/style-0123456789abcdef.css",
            "/pocket-app-7c2eabf5e670130.js",
            "/pocket-app-7c2eabf5e670130_bg.wasm",
        ] {
            let h = security_headers(Area::Static, path, None, Served::default());
            assert_eq!(get(&h, "cache-control"), Some(IMMUTABLE), "{path}");
        }
        for path in [
            "/app.js",
            "/pocket-app-3F2A9C1B7D4E5F60.js",
            "/pocket-app-3f2a9c1.js",
            "/pocket-app-3f2a9c1b7d4e5f6012.js",
            "/-3f2a9c1b7d4e5f60.js",
            "/favicon-3f2a9c1b7d4e5f60.ico",
            "/index.html",
        ] {
            let h = security_headers(Area::Static, path, None, Served::default());
            assert_eq!(get(&h, "cache-control"), None, "{path}");
        }
        let html = Served {
            html: true,
            ..Served::default()
        };
        let h = security_headers(Area::Static, "/", Some("P".into()), html);
        assert_eq!(get(&h, "cache-control"), Some(REVALIDATE));
        // The callback page is personal (its URL carried a code): never stored.
        let h = security_headers(Area::Static, "/callback", Some("P".into()), html);
        assert_eq!(get(&h, "cache-control"), Some("no-store"));
    }

    #[test]
    fn a_page_with_personal_data_is_never_stored_and_keeps_its_policy() {
        let personal = Served {
            html: true,
            personal: true,
            ..Served::default()
        };
        for path in ["/", "/accounts/5WT00002/positions"] {
            let h = security_headers(Area::Static, path, Some("P".into()), personal);
            assert_eq!(get(&h, "cache-control"), Some("no-store"), "{path}");
            assert_eq!(get(&h, "content-security-policy"), Some("P"));
        }
    }

    #[test]
    fn hsts_only_over_https() {
        let https = Served {
            https: true,
            ..Served::default()
        };
        for area in [Area::Static, Area::Auth, Area::Api] {
            let h = security_headers(area, "/", None, https);
            assert_eq!(get(&h, "strict-transport-security"), Some(HSTS));
            let h = security_headers(area, "/", None, Served::default());
            assert_eq!(get(&h, "strict-transport-security"), None);
        }
    }
}
