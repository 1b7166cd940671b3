//! The session cookie: `__Host-` prefix, `Secure; HttpOnly; Path=/; SameSite=Strict`, no `Domain`.

use crate::crypto::SessionId;
use pocket_shared::bff::SESSION_COOKIE;

/// `Set-Cookie` value carrying a new session id for `max_age_secs`.
pub fn session_cookie(id: &SessionId, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={}; Max-Age={}; Path=/; Secure; HttpOnly; SameSite=Strict",
        id.as_str(),
        max_age_secs.max(0)
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict")
}

/// Outcome of reading the session cookie from a `Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCookie {
    Absent,
    /// Present but not a well-formed session id (tampered, truncated, garbage).
    Invalid,
    Valid(SessionId),
}

/// Reads the session cookie. If the name appears more than once the first well-formed value wins.
pub fn read_session_cookie(cookie_header: Option<&str>) -> SessionCookie {
    let mut seen = false;
    for pair in cookie_header.unwrap_or("").split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if name.trim() != SESSION_COOKIE {
            continue;
        }
        seen = true;
        let value = value.trim().trim_matches('"');
        if let Some(id) = SessionId::parse(value) {
            return SessionCookie::Valid(id);
        }
    }
    if seen {
        SessionCookie::Invalid
    } else {
        SessionCookie::Absent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_has_every_flag_and_no_domain() {
        let id = SessionId::generate().unwrap();
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
        assert!(c.starts_with("__Host-pocket-session=; Max-Age=0; Path=/; Secure; HttpOnly"));
    }

    #[test]
    fn reads_the_cookie_among_others() {
        let id = SessionId::generate().unwrap();
        let header = format!("a=1; __Host-pocket-session={}; b=2", id.as_str());
        assert_eq!(
            read_session_cookie(Some(&header)),
            SessionCookie::Valid(id.clone())
        );
        let quoted = format!("__Host-pocket-session=\"{}\"", id.as_str());
        assert_eq!(
            read_session_cookie(Some(&quoted)),
            SessionCookie::Valid(id.clone())
        );
        let twice = format!(
            "__Host-pocket-session=junk; __Host-pocket-session={}",
            id.as_str()
        );
        assert_eq!(read_session_cookie(Some(&twice)), SessionCookie::Valid(id));
    }

    #[test]
    fn absent_and_invalid() {
        assert_eq!(read_session_cookie(None), SessionCookie::Absent);
        assert_eq!(read_session_cookie(Some("")), SessionCookie::Absent);
        assert_eq!(
            read_session_cookie(Some("pocket-session=abc; x")),
            SessionCookie::Absent
        );
        for bad in [
            "__Host-pocket-session=",
            "__Host-pocket-session=abc",
            "__Host-pocket-session=../../etc",
            &format!("__Host-pocket-session={}", "A".repeat(64)),
        ] {
            assert_eq!(
                read_session_cookie(Some(bad)),
                SessionCookie::Invalid,
                "{bad}"
            );
        }
    }
}
