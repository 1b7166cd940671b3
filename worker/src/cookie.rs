//! The session cookie: `__Host-` prefix, `Secure; HttpOnly; Path=/; SameSite=Strict`, no `Domain`.
//!
//! `Set-Cookie` is built with the `cookie` crate. The `Cookie` request header is parsed here by
//! hand because the crate trims names and values with `str::trim`, which strips Unicode
//! whitespace: a cookie named `\u{a0}__Host-pocket-session` (which a subdomain or a plain-HTTP
//! page may set, since the browser does not treat it as `__Host-`-prefixed) would then be read as
//! ours. RFC 6265bis §5.6 trims only space and tab (WSP), and so do we.

use crate::crypto::{SessionId, SessionKey};
use cookie::{Cookie, SameSite};
use pocket_shared::bff::SESSION_COOKIE;

fn build(value: &str, max_age_secs: i64) -> String {
    Cookie::build((SESSION_COOKIE, value))
        .max_age(cookie::time::Duration::seconds(max_age_secs.max(0)))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build()
        .to_string()
}

/// `Set-Cookie` value carrying a new session id for `max_age_secs`.
pub fn session_cookie(id: &SessionId, max_age_secs: i64) -> String {
    build(id.as_str(), max_age_secs)
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> String {
    build("", 0)
}

/// Outcome of reading the session cookie from a `Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCookie {
    Absent,
    /// Present but not a session id this worker issued (tampered, forged, truncated, garbage,
    /// or our name twice: a second copy can only have been planted, so neither is trusted).
    Invalid,
    Valid(SessionId),
}

/// Only space and horizontal tab, as RFC 6265bis §5.6 (WSP); never Unicode whitespace.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Reads the session cookie: exact name match after trimming WSP only; the id must verify
/// under `key` (see [`SessionId::parse`]).
pub fn read_session_cookie(cookie_header: Option<&str>, key: &SessionKey) -> SessionCookie {
    let mut values = cookie_header
        .unwrap_or("")
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| trim_wsp(name) == SESSION_COOKIE)
        .map(|(_, value)| trim_wsp(value));
    let (Some(value), None) = (values.next(), values.next()) else {
        return if cookie_header.is_some_and(|h| h.contains(SESSION_COOKIE)) {
            SessionCookie::Invalid
        } else {
            SessionCookie::Absent
        };
    };
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    match SessionId::parse(value, key) {
        Some(id) => SessionCookie::Valid(id),
        None => SessionCookie::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SessionKey {
        SessionKey::from_hex(&"5".repeat(64)).unwrap()
    }

    #[test]
    fn set_cookie_has_every_flag_and_no_domain() {
        let id = SessionId::generate(&key()).unwrap();
        let c = session_cookie(&id, 604800);
        assert!(c.starts_with(&format!("__Host-pocket-session={}; ", id.as_str())));
        for flag in [
            "Max-Age=604800",
            "Path=/",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
        ] {
            assert!(c.split("; ").any(|p| p == flag), "{flag} in {c}");
        }
        assert!(!c.to_ascii_lowercase().contains("domain"));
        assert!(!c.to_ascii_lowercase().contains("expires"));
    }

    #[test]
    fn clearing_cookie_expires_it() {
        let c = clear_session_cookie();
        assert!(c.starts_with("__Host-pocket-session=; "), "{c}");
        for flag in ["Max-Age=0", "Path=/", "Secure", "HttpOnly"] {
            assert!(c.split("; ").any(|p| p == flag), "{flag} in {c}");
        }
    }

    #[test]
    fn reads_the_cookie_among_others() {
        let k = key();
        let id = SessionId::generate(&k).unwrap();
        for header in [
            format!("a=1; __Host-pocket-session={}; b=2", id.as_str()),
            format!("__Host-pocket-session=\"{}\"", id.as_str()),
            format!("a=1;\t__Host-pocket-session={}\t", id.as_str()),
            format!("__Host-pocket-session = {}", id.as_str()),
        ] {
            assert_eq!(
                read_session_cookie(Some(&header), &k),
                SessionCookie::Valid(id.clone()),
                "{header}"
            );
        }
    }

    #[test]
    fn two_cookies_of_our_name_mean_no_session() {
        let k = key();
        let id = SessionId::generate(&k).unwrap();
        for header in [
            format!(
                "__Host-pocket-session=junk; __Host-pocket-session={}",
                id.as_str()
            ),
            format!(
                "__Host-pocket-session={0}; __Host-pocket-session={0}",
                id.as_str()
            ),
        ] {
            assert_eq!(
                read_session_cookie(Some(&header), &k),
                SessionCookie::Invalid,
                "{header}"
            );
        }
    }

    #[test]
    fn only_space_and_tab_are_trimmed_never_unicode_whitespace() {
        let k = key();
        let id = SessionId::generate(&k).unwrap();
        for ws in [
            '\u{a0}', '\u{2003}', '\u{3000}', '\u{b}', '\u{c}', '\u{feff}',
        ] {
            let name_padded = format!("{ws}__Host-pocket-session={}", id.as_str());
            assert_ne!(
                read_session_cookie(Some(&name_padded), &k),
                SessionCookie::Valid(id.clone()),
                "{ws:?} before the name"
            );
            let value_padded = format!("__Host-pocket-session={}{ws}", id.as_str());
            assert_eq!(
                read_session_cookie(Some(&value_padded), &k),
                SessionCookie::Invalid,
                "{ws:?} after the value"
            );
        }
        // Prefix lookalikes are other cookies.
        for other in [
            "__host-pocket-session",
            "__Host-pocket-session2",
            "x__Host-pocket-session",
        ] {
            let header = format!("{other}={}", id.as_str());
            assert_ne!(
                read_session_cookie(Some(&header), &k),
                SessionCookie::Valid(id.clone()),
                "{other}"
            );
        }
    }

    #[test]
    fn absent_and_invalid() {
        let k = key();
        assert_eq!(read_session_cookie(None, &k), SessionCookie::Absent);
        assert_eq!(read_session_cookie(Some(""), &k), SessionCookie::Absent);
        assert_eq!(
            read_session_cookie(Some("pocket-session=abc; x"), &k),
            SessionCookie::Absent
        );
        let forged = SessionId::generate(&SessionKey::from_hex(&"6".repeat(64)).unwrap()).unwrap();
        for bad in [
            "__Host-pocket-session=".to_owned(),
            "__Host-pocket-session=abc".to_owned(),
            "__Host-pocket-session=../../etc".to_owned(),
            format!("__Host-pocket-session={}", "A".repeat(64)),
            format!("__Host-pocket-session={}", forged.as_str()),
        ] {
            assert_eq!(
                read_session_cookie(Some(&bad), &k),
                SessionCookie::Invalid,
                "{bad}"
            );
        }
    }
}
