//! Same-origin and CSRF checks for state-changing requests.

use crate::error::AppError;
use pocket_shared::bff::CSRF_VALUE;

/// `scheme://host[:port]` of a URL, lower-cased; `None` if it has no `scheme://`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if scheme.is_empty() || authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// A state-changing request must carry `x-pocket-csrf: 1`, must not come from another origin
/// (`Origin`, when present, equals the request's own origin) and must not be labelled cross-site
/// or same-site by the browser (`Sec-Fetch-Site`).
pub fn check_state_changing(
    csrf_header: Option<&str>,
    origin_header: Option<&str>,
    sec_fetch_site: Option<&str>,
    request_origin: &str,
) -> Result<(), AppError> {
    if let Some(site) = sec_fetch_site {
        let site = site.trim().to_ascii_lowercase();
        if site != "same-origin" && site != "none" {
            return Err(AppError::CrossOrigin);
        }
    }
    if let Some(origin) = origin_header {
        if !origin
            .trim()
            .eq_ignore_ascii_case(request_origin.trim_end_matches('/'))
        {
            return Err(AppError::CrossOrigin);
        }
    }
    if csrf_header.map(str::trim) != Some(CSRF_VALUE) {
        return Err(AppError::CsrfRequired);
    }
    Ok(())
}

/// `application/json`, optionally with parameters (`; charset=utf-8`), case-insensitively.
pub fn is_json_content_type(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let media = ct.split(';').next().unwrap_or("");
        media
            .trim_matches([' ', '\t'])
            .eq_ignore_ascii_case("application/json")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: &str = "http://localhost:8787";

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
        ] {
            assert!(is_json_content_type(Some(ok)), "{ok}");
        }
        for bad in [
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "application/json-seq",
        ] {
            assert!(!is_json_content_type(Some(bad)), "{bad}");
        }
        assert!(!is_json_content_type(None));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("http://localhost:8787/auth/x?y").as_deref(),
            Some(O)
        );
        assert_eq!(
            origin_of("HTTPS://Pocket.Example").as_deref(),
            Some("https://pocket.example")
        );
        assert_eq!(origin_of("/relative"), None);
        assert_eq!(origin_of("http://u@h/"), None);
    }

    #[test]
    fn same_origin_with_header_passes() {
        assert_eq!(
            check_state_changing(Some("1"), Some(O), Some("same-origin"), O),
            Ok(())
        );
        assert_eq!(check_state_changing(Some("1"), None, None, O), Ok(()));
        assert_eq!(
            check_state_changing(Some("1"), None, Some("none"), O),
            Ok(())
        );
    }

    #[test]
    fn missing_header_is_csrf_required() {
        assert_eq!(
            check_state_changing(None, Some(O), Some("same-origin"), O),
            Err(AppError::CsrfRequired)
        );
        assert_eq!(
            check_state_changing(Some("0"), None, None, O),
            Err(AppError::CsrfRequired)
        );
    }

    #[test]
    fn other_origins_are_refused_even_with_the_header() {
        for origin in [
            "http://127.0.0.1:7878",
            "null",
            "http://localhost:8788",
            "https://localhost:8787",
        ] {
            assert_eq!(
                check_state_changing(Some("1"), Some(origin), None, O),
                Err(AppError::CrossOrigin),
                "{origin}"
            );
        }
        for site in ["cross-site", "same-site", "bogus"] {
            assert_eq!(
                check_state_changing(Some("1"), Some(O), Some(site), O),
                Err(AppError::CrossOrigin),
                "{site}"
            );
        }
    }
}
