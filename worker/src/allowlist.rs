//! Which tastytrade calls the proxy forwards. Checked on the raw, undecoded request path: any
//! percent-encoding, dot segment, empty segment, backslash, `@`, `:` or other odd byte is refused
//! before matching, so nothing can steer the request to another path or host.

/// HTTP methods the proxy may forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl ProxyMethod {
    pub fn parse(method: &str) -> Option<Self> {
        Some(match method {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// Safe to send twice (only these are retried after a refresh).
    pub fn is_idempotent_read(self) -> bool {
        self == Self::Get
    }
}

/// The allowlist: one line per upstream endpoint, paths as tastytrade documents them (without the
/// `/api` prefix). Placeholders: `{account}` = `^[A-Z0-9]{5,12}$`, `{id}` = `^[0-9]{1,20}$`.
pub const ALLOWLIST: &[(ProxyMethod, &str)] = &[
    (ProxyMethod::Get, "/customers/me"),
    (ProxyMethod::Get, "/customers/me/accounts"),
    (ProxyMethod::Get, "/accounts/{account}/balances"),
    (ProxyMethod::Get, "/accounts/{account}/positions"),
];

/// Path prefix of proxied calls (`shared::bff::API_PREFIX`).
pub const PREFIX: &str = pocket_shared::bff::API_PREFIX;
const MAX_PATH_LEN: usize = 512;
const MAX_QUERY_LEN: usize = 2048;

/// Why a call is refused. All map to `not_allowed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Encodings, traversal, odd characters, absolute-URL tricks, bad query: 403.
    Malformed,
    /// A well-formed path that is not on the list: 404.
    UnknownPath,
    /// The path is on the list, but not for this method: 403.
    MethodNotAllowed,
}

impl Refusal {
    pub fn status(self) -> u16 {
        match self {
            Refusal::UnknownPath => 404,
            Refusal::Malformed | Refusal::MethodNotAllowed => 403,
        }
    }
}

/// A call that may be forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub method: ProxyMethod,
    /// Upstream path and query, e.g. `/accounts/5WT00001/positions?include-marks=true`; always
    /// starts with `/` and is appended to the configured API origin.
    pub upstream: String,
}

/// Splits a request URL as received (`scheme://authority/path?query#fragment`) into its raw path
/// and raw query without decoding or normalizing anything.
pub fn split_raw_url(url: &str) -> (&str, Option<&str>) {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let path_start = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let rest = &after_scheme[path_start..];
    let rest = rest.split('#').next().unwrap_or("");
    match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    }
}

/// Checks `method` + raw path (starting with `/api`) + raw query against [`ALLOWLIST`].
pub fn check(method: &str, raw_path: &str, raw_query: Option<&str>) -> Result<Allowed, Refusal> {
    if raw_path.len() > MAX_PATH_LEN {
        return Err(Refusal::Malformed);
    }
    let rest = raw_path.strip_prefix(PREFIX).ok_or(Refusal::UnknownPath)?;
    if rest.is_empty() || rest == "/" {
        return Err(Refusal::UnknownPath);
    }
    let tail = rest.strip_prefix('/').ok_or(Refusal::UnknownPath)?;
    let segments: Vec<&str> = tail.split('/').collect();
    if !segments.iter().all(|s| is_plain_segment(s)) {
        return Err(Refusal::Malformed);
    }
    let query = match raw_query {
        None | Some("") => None,
        Some(q) if is_plain_query(q) => Some(q),
        Some(_) => return Err(Refusal::Malformed),
    };

    let mut path_known = false;
    for (allowed_method, pattern) in ALLOWLIST {
        if matches_pattern(pattern, &segments) {
            path_known = true;
            if ProxyMethod::parse(method) == Some(*allowed_method) {
                let mut upstream = rest.to_owned();
                if let Some(q) = query {
                    upstream.push('?');
                    upstream.push_str(q);
                }
                return Ok(Allowed {
                    method: *allowed_method,
                    upstream,
                });
            }
        }
    }
    Err(if path_known {
        Refusal::MethodNotAllowed
    } else {
        Refusal::UnknownPath
    })
}

/// Non-empty, not `.`/`..`, and only unreserved characters (no `%`, so no encodings at all).
fn is_plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// Printable ASCII query without `#`, `\`, quotes, `<>`, braces, `|`, `^` or backticks; every `%`
/// starts a well-formed escape.
fn is_plain_query(q: &str) -> bool {
    if q.len() > MAX_QUERY_LEN {
        return false;
    }
    let b = q.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let ok = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
                    | b'['
                    | b']'
                    | b'%'
            );
        if !ok {
            return false;
        }
        if c == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(|h| h.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 2;
        }
        i += 1;
    }
    true
}

fn matches_pattern(pattern: &str, segments: &[&str]) -> bool {
    let parts = pattern.trim_start_matches('/').split('/');
    let mut n = 0;
    for (i, part) in parts.enumerate() {
        let Some(seg) = segments.get(i) else {
            return false;
        };
        let ok = match part {
            "{account}" => is_account_number(seg),
            "{id}" => (1..=20).contains(&seg.len()) && seg.bytes().all(|b| b.is_ascii_digit()),
            literal => literal == *seg,
        };
        if !ok {
            return false;
        }
        n = i + 1;
    }
    n == segments.len()
}

/// `^[A-Z0-9]{5,12}$`
pub fn is_account_number(s: &str) -> bool {
    (5..=12).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(method: &str, url: &str) -> String {
        let (p, q) = split_raw_url(url);
        check(method, p, q)
            .unwrap_or_else(|e| panic!("{method} {url}: {e:?}"))
            .upstream
    }

    fn refused(method: &str, url: &str) -> Refusal {
        let (p, q) = split_raw_url(url);
        check(method, p, q).expect_err(url)
    }

    const H: &str = "http://localhost:8787";

    #[test]
    fn allowlisted_reads_pass_with_their_query() {
        assert_eq!(ok("GET", &format!("{H}/api/customers/me")), "/customers/me");
        assert_eq!(
            ok("GET", &format!("{H}/api/customers/me/accounts")),
            "/customers/me/accounts"
        );
        assert_eq!(
            ok("GET", &format!("{H}/api/accounts/5WT00001/balances")),
            "/accounts/5WT00001/balances"
        );
        assert_eq!(
            ok(
                "GET",
                &format!("{H}/api/accounts/5WT00001/positions?include-marks=true")
            ),
            "/accounts/5WT00001/positions?include-marks=true"
        );
        assert_eq!(
            ok(
                "GET",
                &format!(
                    "{H}/api/accounts/5WX99999/positions?symbol[]=AAPL&symbol%5B%5D=SPY%20X#frag"
                )
            ),
            "/accounts/5WX99999/positions?symbol[]=AAPL&symbol%5B%5D=SPY%20X"
        );
        // An empty query is dropped.
        assert_eq!(
            ok("GET", &format!("{H}/api/customers/me?")),
            "/customers/me"
        );
    }

    #[test]
    fn unknown_paths_are_404() {
        for p in [
            "/api",
            "/api/",
            "/api/customers",
            "/api/customers/C0000001/accounts",
            "/api/accounts/5WT00001",
            "/api/accounts/5WT00001/orders",
            "/api/accounts/5wt00001/balances",
            "/api/accounts/5WT0/balances",
            "/api/accounts/5WT000010000X/balances",
            "/api/oauth/token",
            "/api/sim/stats",
            "/apix/customers/me",
            "/customers/me",
        ] {
            assert_eq!(
                refused("GET", &format!("{H}{p}")),
                Refusal::UnknownPath,
                "{p}"
            );
        }
    }

    #[test]
    fn odd_paths_are_403() {
        for p in [
            "/api/customers/me/../../oauth/token",
            "/api/customers/./me",
            "/api/%2e%2e/oauth/token",
            "/api/customers%2fme",
            "/api/customers%2Fme",
            "/api/customers/%6De",
            "/api/customers\\me",
            "/api/customers%5cme",
            "/api//customers/me",
            "/api/customers/me/",
            "/api//evil.example/customers/me",
            "/api/https://evil.example/customers/me",
            "/api/http:/evil.example",
            "/api/user@evil.example/customers/me",
            "/api/customers/me;x=1",
            "/api/customers/m e",
            "/api/customers/mé",
            "/api/accounts/5WT00001/balances%00",
        ] {
            assert_eq!(
                refused("GET", &format!("{H}{p}")),
                Refusal::Malformed,
                "{p}"
            );
        }
    }

    #[test]
    fn odd_queries_are_403() {
        for q in [
            "a=%",
            "a=%2",
            "a=%zz",
            "a=<script>",
            "a=\"x\"",
            "a=b\\c",
            "a=b c",
            "a=é",
            "a={x}",
            "a=`x`",
            "a=|",
            "a=^",
        ] {
            let p = "/api/customers/me";
            assert_eq!(check("GET", p, Some(q)), Err(Refusal::Malformed), "{q}");
        }
        let long = "a=".to_owned() + &"b".repeat(MAX_QUERY_LEN);
        assert_eq!(
            check("GET", "/api/customers/me", Some(&long)),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn other_methods_are_refused() {
        for m in [
            "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get", "TRACE",
        ] {
            assert_eq!(
                refused(m, &format!("{H}/api/customers/me")),
                Refusal::MethodNotAllowed,
                "{m}"
            );
        }
    }

    #[test]
    fn refusal_statuses() {
        assert_eq!(Refusal::UnknownPath.status(), 404);
        assert_eq!(Refusal::Malformed.status(), 403);
        assert_eq!(Refusal::MethodNotAllowed.status(), 403);
    }

    #[test]
    fn split_raw_url_keeps_encodings() {
        assert_eq!(
            split_raw_url("http://h:1/api/a%2Fb?x=%20#f"),
            ("/api/a%2Fb", Some("x=%20"))
        );
        assert_eq!(split_raw_url("https://h"), ("", None));
        assert_eq!(split_raw_url("https://h?q"), ("", Some("q")));
        assert_eq!(split_raw_url("https://h/#x?y"), ("/", None));
        assert_eq!(split_raw_url("/p?q"), ("/p", Some("q")));
    }

    #[test]
    fn account_numbers() {
        assert!(is_account_number("5WT00001"));
        assert!(is_account_number("ABCDE"));
        assert!(is_account_number("ABCDEFGHIJKL"));
        assert!(!is_account_number("ABCD"));
        assert!(!is_account_number("ABCDEFGHIJKLM"));
        assert!(!is_account_number("5wt00001"));
        assert!(!is_account_number("5WT-0001"));
    }

    #[test]
    fn pattern_placeholders() {
        assert!(matches_pattern("/a/{id}", &["a", "123"]));
        assert!(!matches_pattern("/a/{id}", &["a", "12x"]));
        assert!(!matches_pattern("/a/{id}", &["a"]));
        assert!(!matches_pattern("/a", &["a", "b"]));
    }
}
