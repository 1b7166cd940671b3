//! Which tastytrade calls the proxy forwards. Checked on the raw, undecoded request path: any
//! percent-encoding, dot segment, empty segment, backslash, `@`, `:` or other odd byte is refused
//! before matching, so nothing can steer the request to another path or host. The one exception
//! is a `{name}` segment (watchlist names have spaces, `&`, `:`): its escapes are decoded, the
//! name is checked, and the upstream path carries a canonical re-encoding of it, so nothing
//! decoded can become a separator or a dot segment upstream. A `{symbol}` segment (`BRK%2FB`,
//! `%2FES`) is decoded the same way under a stricter character check.

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

/// The allowlist: one line per upstream endpoint and method, paths as tastytrade documents them
/// (without the `/api` prefix; docs/tastytrade.md §6). Placeholders: `{account}` =
/// `^[A-Z0-9]{5,12}$`, `{id}` = `^[0-9]{1,20}$` (order and transaction ids are integers),
/// `{name}` = a percent-encoded watchlist name (see [`decode_name`]), `{symbol}` = a
/// percent-encoded instrument symbol or search prefix (see [`decode_symbol`]).
pub const ALLOWLIST: &[(ProxyMethod, &str)] = &[
    (ProxyMethod::Get, "/customers/me"),
    (ProxyMethod::Get, "/customers/me/accounts"),
    (ProxyMethod::Get, "/accounts/{account}/balances"),
    (ProxyMethod::Get, "/accounts/{account}/positions"),
    // History (§6.4–§6.6).
    (ProxyMethod::Get, "/accounts/{account}/orders"),
    (ProxyMethod::Get, "/accounts/{account}/orders/live"),
    (ProxyMethod::Get, "/accounts/{account}/orders/{id}"),
    (ProxyMethod::Get, "/accounts/{account}/transactions"),
    (
        ProxyMethod::Get,
        "/accounts/{account}/transactions/total-fees",
    ),
    (ProxyMethod::Get, "/accounts/{account}/transactions/{id}"),
    (ProxyMethod::Get, "/accounts/{account}/balance-snapshots"),
    (ProxyMethod::Get, "/accounts/{account}/net-liq/history"),
    // Status and margin (§6.8).
    (ProxyMethod::Get, "/accounts/{account}/trading-status"),
    (ProxyMethod::Get, "/margin/accounts/{account}/requirements"),
    // Watchlists (§6.7): the user's own lists are writable, tastytrade's public ones are not.
    (ProxyMethod::Get, "/watchlists"),
    (ProxyMethod::Post, "/watchlists"),
    (ProxyMethod::Get, "/watchlists/{name}"),
    (ProxyMethod::Put, "/watchlists/{name}"),
    (ProxyMethod::Delete, "/watchlists/{name}"),
    (ProxyMethod::Get, "/public-watchlists"),
    (ProxyMethod::Get, "/public-watchlists/{name}"),
    // Market data (§6.9): the DXLink quote token (market data only: the one credential the app
    // may hold), metrics, REST quote snapshots and market sessions.
    (ProxyMethod::Get, "/api-quote-tokens"),
    (ProxyMethod::Get, "/market-metrics"),
    (ProxyMethod::Get, "/market-data/by-type"),
    (ProxyMethod::Get, "/market-time/sessions/current"),
    // Streamer symbols of futures and future options (not derivable; §6.9).
    (ProxyMethod::Get, "/instruments/futures"),
    (ProxyMethod::Get, "/instruments/future-options"),
    // Instruments, search and option chains (docs/tastytrade.md §6.10).
    (ProxyMethod::Get, "/instruments/equities"),
    (ProxyMethod::Get, "/instruments/equities/{symbol}"),
    (ProxyMethod::Get, "/instruments/equity-options"),
    (ProxyMethod::Get, "/instruments/future-products"),
    (ProxyMethod::Get, "/symbols/search/{symbol}"),
    (ProxyMethod::Get, "/option-chains/{symbol}/nested"),
    (ProxyMethod::Get, "/option-chains/{symbol}"),
    (ProxyMethod::Get, "/futures-option-chains/{symbol}/nested"),
    // Orders (§6.4): dry-run, place, replace's dry-run, cancel/replace, cancel. Never re-sent;
    // see [`OrderWrite`].
    (ProxyMethod::Post, ORDERS_DRY_RUN),
    (ProxyMethod::Post, ORDERS),
    (ProxyMethod::Post, ORDER_DRY_RUN),
    (ProxyMethod::Put, ORDER),
    (ProxyMethod::Delete, ORDER),
];

const ORDERS: &str = "/accounts/{account}/orders";
const ORDERS_DRY_RUN: &str = "/accounts/{account}/orders/dry-run";
const ORDER: &str = "/accounts/{account}/orders/{id}";
const ORDER_DRY_RUN: &str = "/accounts/{account}/orders/{id}/dry-run";

/// What kind of order write a call is (none for everything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderWrite {
    /// A dry-run (new order or replacement): nothing changes at tastytrade.
    DryRun,
    /// Place, cancel/replace or cancel: without an answer its outcome is unknown.
    Live,
}

impl Allowed {
    /// `Some` for the order writes above (a read-only session may send none of them).
    pub fn order_write(&self) -> Option<OrderWrite> {
        match (self.method, self.pattern) {
            (ProxyMethod::Post, ORDERS_DRY_RUN | ORDER_DRY_RUN) => Some(OrderWrite::DryRun),
            (ProxyMethod::Post, ORDERS) | (ProxyMethod::Put | ProxyMethod::Delete, ORDER) => {
                Some(OrderWrite::Live)
            }
            _ => None,
        }
    }
}

/// Path prefix of proxied calls (`shared::bff::API_PREFIX`).
pub const PREFIX: &str = pocket_shared::bff::API_PREFIX;
/// Room for a 100-character watchlist name of 4-byte characters, each byte escaped (1,200).
const MAX_PATH_LEN: usize = 1536;
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
    /// The [`ALLOWLIST`] line it matched.
    pub pattern: &'static str,
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
    // Every segment is plain, or at least made of URL path characters (a name candidate).
    if !segments.iter().all(|s| is_path_segment(s)) {
        return Err(Refusal::Malformed);
    }
    let query = match raw_query {
        None | Some("") => None,
        Some(q) if is_plain_query(q) => Some(q),
        Some(_) => return Err(Refusal::Malformed),
    };

    let mut path_known = false;
    let mut name_refused = false;
    for (allowed_method, pattern) in ALLOWLIST {
        let mut upstream = match match_pattern(pattern, &segments) {
            Match::Path(upstream) => upstream,
            Match::BadName => {
                name_refused = true;
                continue;
            }
            Match::No => continue,
        };
        path_known = true;
        if ProxyMethod::parse(method) == Some(*allowed_method) {
            if let Some(q) = query {
                upstream.push('?');
                upstream.push_str(q);
            }
            return Ok(Allowed {
                method: *allowed_method,
                pattern,
                upstream,
            });
        }
    }
    Err(if path_known {
        Refusal::MethodNotAllowed
    } else if name_refused || !segments.iter().all(|s| is_plain_segment(s)) {
        // Encodings outside a name segment, or a name that is not one.
        Refusal::Malformed
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

/// Non-empty and only RFC 3986 `pchar`s. Only a `{name}` segment may use more than
/// [`is_plain_segment`] allows, and [`decode_name`] checks its escapes.
fn is_path_segment(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_pchar)
}

/// RFC 3986 `pchar`: unreserved, sub-delims, `:`, `@`, and `%` (escapes are checked apart).
fn is_pchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'%'
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
        )
}

/// Longest watchlist name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Decodes a raw `{name}` path segment and checks the name: every `%` starts a two-hex-digit
/// escape, the bytes are valid UTF-8 (so no overlong forms or surrogates),
/// 1–[`MAX_NAME_CHARS`] characters, no control characters, no `/` `\` `?` `#`, not `.` or `..`,
/// no leading or trailing whitespace. `+` is a plus sign, as everywhere in a path.
pub fn decode_name(raw: &str) -> Option<String> {
    let name = percent_decode(raw)?;
    let ok = (1..=MAX_NAME_CHARS).contains(&name.chars().count())
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '?' | '#'))
        && !name.starts_with(char::is_whitespace)
        && !name.ends_with(char::is_whitespace);
    ok.then_some(name)
}

/// Decodes a raw path segment: every `%` starts a two-hex-digit escape and the bytes are
/// valid UTF-8 (so no overlong forms or surrogates).
fn percent_decode(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return None;
            }
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok()
}

/// Longest `{symbol}` accepted, in characters.
pub const MAX_SYMBOL_CHARS: usize = 32;

/// Decodes a raw `{symbol}` segment (escapes as in [`decode_name`]) and checks it: 1–32 of
/// `A–Z a–z 0–9 . / -` and space (a space can only arrive as `%20`, a `/` as `%2F`), not `.`
/// or `..`. Upstream it is re-encoded with [`encode_name`] (`/ESZ6` → `%2FESZ6`).
pub fn decode_symbol(raw: &str) -> Option<String> {
    let symbol = percent_decode(raw)?;
    let ok = (1..=MAX_SYMBOL_CHARS).contains(&symbol.len())
        && symbol != "."
        && symbol != ".."
        && symbol
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'-' | b' '));
    ok.then_some(symbol)
}

/// The name as one path segment: every byte but the unreserved `A–Z a–z 0–9 - . _ ~`
/// percent-encoded (upper-case hex), so a name always reaches tastytrade spelt one way.
pub fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        // RFC 3986 `query`: pchar, `/` and `?`; `[` `]` too, as clients send `symbol[]=…`.
        let ok = is_pchar(c) || matches!(c, b'/' | b'?' | b'[' | b']');
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

/// How a path compares with one allowlist pattern.
#[derive(Debug, PartialEq, Eq)]
enum Match {
    /// It matches; the canonical upstream path (names re-encoded).
    Path(String),
    /// It would match but for its `{name}` segment, which is not an acceptable name.
    BadName,
    No,
}

fn match_pattern(pattern: &str, segments: &[&str]) -> Match {
    let parts: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return Match::No;
    }
    let mut upstream = String::new();
    let mut bad_name = false;
    for (part, seg) in parts.iter().zip(segments) {
        upstream.push('/');
        let decoded = match *part {
            "{name}" => Some(decode_name(seg)),
            "{symbol}" => Some(decode_symbol(seg)),
            _ => None,
        };
        if let Some(decoded) = decoded {
            match decoded {
                Some(text) => upstream.push_str(&encode_name(&text)),
                None => bad_name = true,
            }
            continue;
        }
        let ok = is_plain_segment(seg)
            && match *part {
                "{account}" => is_account_number(seg),
                "{id}" => (1..=20).contains(&seg.len()) && seg.bytes().all(|b| b.is_ascii_digit()),
                literal => literal == *seg,
            };
        if !ok {
            return Match::No;
        }
        upstream.push_str(seg);
    }
    if bad_name {
        Match::BadName
    } else {
        Match::Path(upstream)
    }
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
    fn market_data_reads_pass_and_nothing_else_on_them() {
        assert_eq!(
            ok("GET", &format!("{H}/api/api-quote-tokens")),
            "/api-quote-tokens"
        );
        assert_eq!(
            ok("GET", &format!("{H}/api/market-metrics?symbols=AAPL,SPY")),
            "/market-metrics?symbols=AAPL,SPY"
        );
        assert_eq!(
            ok(
                "GET",
                &format!("{H}/api/market-data/by-type?equity[]=AAPL&equity-option[]=x")
            ),
            "/market-data/by-type?equity[]=AAPL&equity-option[]=x"
        );
        assert_eq!(
            ok(
                "GET",
                &format!("{H}/api/market-time/sessions/current?instrument-collections[]=Equity")
            ),
            "/market-time/sessions/current?instrument-collections[]=Equity"
        );
        assert_eq!(
            ok(
                "GET",
                &format!("{H}/api/instruments/futures?symbol[]=%2FESZ6")
            ),
            "/instruments/futures?symbol[]=%2FESZ6"
        );
        for method in ["POST", "PUT", "DELETE"] {
            assert_eq!(
                refused(method, &format!("{H}/api/api-quote-tokens")),
                Refusal::MethodNotAllowed
            );
        }
        // Not the streamer token reserved for tastytrade's own apps (docs/tastytrade.md §6.9).
        assert_eq!(
            refused("GET", &format!("{H}/api/quote-streamer-tokens")),
            Refusal::UnknownPath
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
            "/api/accounts/5WT00001/orders/live/1",
            "/api/accounts/5WT00001/orders/abc",
            "/api/accounts/5WT00001/orders/123456789012345678901",
            "/api/accounts/5WT00001/transactions/fees",
            "/api/accounts/5WT00001/net-liq",
            "/api/accounts/5WT00001/net-liq/history/x",
            "/api/margin/accounts/5WT00001",
            "/api/margin/accounts/5wt00001/requirements",
            "/api/watchlists/a/b",
            "/api/public-watchlists/a/entries",
            "/api/customers/me/watchlists",
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
        let path = |s: &str| Match::Path(s.to_owned());
        assert_eq!(match_pattern("/a/{id}", &["a", "123"]), path("/a/123"));
        assert_eq!(match_pattern("/a/{id}", &["a", "12x"]), Match::No);
        assert_eq!(match_pattern("/a/{id}", &["a"]), Match::No);
        assert_eq!(match_pattern("/a", &["a", "b"]), Match::No);
        assert_eq!(
            match_pattern("/a/{name}", &["a", "x%20y"]),
            path("/a/x%20y")
        );
        assert_eq!(match_pattern("/a/{name}", &["a", "%2F"]), Match::BadName);
        assert_eq!(match_pattern("/b/{name}", &["a", "%2F"]), Match::No);
        // Escapes count only in a name segment.
        assert_eq!(match_pattern("/a/{name}", &["%61", "x"]), Match::No);
    }

    #[test]
    fn every_new_read_is_allowed_for_get_only() {
        for path in [
            "/accounts/5WT00001/orders/live",
            "/accounts/5WT00001/transactions",
            "/accounts/5WT00001/transactions/total-fees",
            "/accounts/5WT00001/transactions/12345678901234567890",
            "/accounts/5WT00001/balance-snapshots",
            "/accounts/5WT00001/net-liq/history",
            "/accounts/5WT00001/trading-status",
            "/margin/accounts/5WT00001/requirements",
            "/public-watchlists",
            "/public-watchlists/Liquid%20ETFs",
        ] {
            let url = format!("{H}/api{path}?per-page=5&page-offset=0");
            assert_eq!(ok("GET", &url), format!("{path}?per-page=5&page-offset=0"));
            for m in ["POST", "PUT", "PATCH", "DELETE", "HEAD"] {
                assert_eq!(refused(m, &url), Refusal::MethodNotAllowed, "{m} {path}");
            }
        }
    }

    #[test]
    fn watchlists_are_readable_and_writable() {
        let all = format!("{H}/api/watchlists");
        assert_eq!(ok("GET", &all), "/watchlists");
        assert_eq!(ok("POST", &all), "/watchlists");
        for m in ["PUT", "DELETE", "PATCH"] {
            assert_eq!(refused(m, &all), Refusal::MethodNotAllowed, "{m}");
        }
        let one = format!("{H}/api/watchlists/Tech%20Giants");
        for m in ["GET", "PUT", "DELETE"] {
            let (p, q) = split_raw_url(&one);
            let allowed = check(m, p, q).unwrap();
            assert_eq!(allowed.method.as_str(), m);
            assert_eq!(allowed.upstream, "/watchlists/Tech%20Giants");
        }
        for m in ["POST", "PATCH"] {
            assert_eq!(refused(m, &one), Refusal::MethodNotAllowed, "{m}");
        }
        // Public lists are tastytrade's: read-only.
        let public = format!("{H}/api/public-watchlists/High%20IV%20Rank");
        for m in ["POST", "PUT", "DELETE"] {
            assert_eq!(refused(m, &public), Refusal::MethodNotAllowed, "{m}");
        }
    }

    #[test]
    fn names_are_decoded_checked_and_re_encoded_canonically() {
        for (raw, upstream) in [
            ("Tech%20Giants", "Tech%20Giants"),
            ("Index%20%26%20Futures", "Index%20%26%20Futures"),
            // The same name spelt differently reaches tastytrade one way.
            ("Index%20&%20Futures", "Index%20%26%20Futures"),
            ("Futures%3A%20Indices", "Futures%3A%20Indices"),
            ("Futures:%20Indices", "Futures%3A%20Indices"),
            ("a+b", "a%2Bb"),
            ("%7e~%2d", "~~-"),
            ("(x)!*'", "%28x%29%21%2A%27"),
            ("caf%C3%A9", "caf%C3%A9"),
            ("%F0%9F%93%88", "%F0%9F%93%88"),
            ("%25", "%25"),
            ("%252F", "%252F"),
            ("a.b", "a.b"),
            ("...", "..."),
            ("x", "x"),
        ] {
            assert_eq!(
                ok("GET", &format!("{H}/api/watchlists/{raw}")),
                format!("/watchlists/{upstream}"),
                "{raw}"
            );
        }
        let longest = "%F0%9F%93%88".repeat(MAX_NAME_CHARS);
        assert!(ok("PUT", &format!("{H}/api/watchlists/{longest}")).ends_with("%F0%9F%93%88"));
    }

    #[test]
    fn bad_names_are_403() {
        let too_long = "a".repeat(MAX_NAME_CHARS + 1);
        for raw in [
            "%2F",
            "a%2Fb",
            "a%2fb",
            "a%5Cb",
            "%5C",
            "%2E%2E",
            "%2e%2e",
            "%2E",
            ".",
            "..",
            ".%2E",
            "%00",
            "a%00b",
            "a%0Ab",
            "a%0D%0AHost:%20evil",
            "a%7F",
            "a%C2%85",
            "a%3Fb",
            "a%23b",
            "%20a",
            "a%20",
            "%09a",
            "a%E2%80%83",
            "%C0%AF",
            "%C0%AE%C0%AE",
            "%E0%80%AF",
            "%ED%A0%80",
            "%FF",
            "%C3",
            "%",
            "%2",
            "%zz",
            "a%G0",
            too_long.as_str(),
        ] {
            for m in ["GET", "PUT", "DELETE"] {
                assert_eq!(
                    refused(m, &format!("{H}/api/watchlists/{raw}")),
                    Refusal::Malformed,
                    "{m} {raw}"
                );
            }
            assert_eq!(
                refused("GET", &format!("{H}/api/public-watchlists/{raw}")),
                Refusal::Malformed,
                "{raw}"
            );
        }
        // Characters that are not path characters at all, even in a name segment.
        for raw in [
            "a b", "a\\b", "a\"b", "a<b", "é", "a{b}", "a|b", "a^b", "a`b",
        ] {
            assert_eq!(
                refused("GET", &format!("{H}/api/watchlists/{raw}")),
                Refusal::Malformed,
                "{raw}"
            );
        }
        let long = format!("/api/watchlists/{}", "a".repeat(MAX_PATH_LEN));
        assert_eq!(check("GET", &long, None), Err(Refusal::Malformed));
        // A name segment does not make escapes acceptable elsewhere in the path.
        for p in [
            "/api/watchlists%2FTech",
            "/api/%77atchlists/Tech",
            "/api/watchlists/Tech/%2E%2E",
            "/api/watchlists//Tech",
            "/api/watchlists/Tech/",
            "/api/accounts/5WT00001/orders/%31",
        ] {
            assert_eq!(
                refused("GET", &format!("{H}{p}")),
                Refusal::Malformed,
                "{p}"
            );
        }
    }

    #[test]
    fn decode_and_encode_names() {
        assert_eq!(decode_name("Tech%20Giants").as_deref(), Some("Tech Giants"));
        assert_eq!(decode_name("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_name("%f0%9f%93%88").as_deref(), Some("📈"));
        assert_eq!(decode_name(""), None);
        assert_eq!(decode_name("%C0%80"), None);
        assert_eq!(encode_name("Index & Futures"), "Index%20%26%20Futures");
        assert_eq!(encode_name("a/b?#%"), "a%2Fb%3F%23%25");
        // An encoded name holds no separator, and a valid one decodes back to itself.
        for name in [
            "a/b",
            "x y",
            "é",
            "%2F",
            "\\",
            "a..b",
            "Futures: Indices",
            "📈 & co",
        ] {
            let enc = encode_name(name);
            assert!(!enc.contains(['/', '\\', '?', '#', ' ', ':', '&']), "{enc}");
            if !name.contains(['/', '\\']) {
                assert_eq!(decode_name(&enc).as_deref(), Some(name));
            }
        }
    }

    #[test]
    fn order_writes_are_listed_and_classified() {
        let cases = [
            (
                "POST",
                "/accounts/5WT00001/orders/dry-run",
                Some(OrderWrite::DryRun),
            ),
            ("POST", "/accounts/5WT00001/orders", Some(OrderWrite::Live)),
            (
                "POST",
                "/accounts/5WT00001/orders/900001/dry-run",
                Some(OrderWrite::DryRun),
            ),
            (
                "PUT",
                "/accounts/5WT00001/orders/900001",
                Some(OrderWrite::Live),
            ),
            (
                "DELETE",
                "/accounts/5WT00001/orders/900001",
                Some(OrderWrite::Live),
            ),
            ("GET", "/accounts/5WT00001/orders", None),
            ("GET", "/accounts/5WT00001/orders/900001", None),
            ("POST", "/watchlists", None),
            ("DELETE", "/watchlists/Tech", None),
        ];
        for (m, path) in cases.iter().map(|(m, p, _)| (*m, *p)) {
            assert_eq!(ok(m, &format!("{H}/api{path}")), path, "{m} {path}");
        }
        for (m, path, kind) in cases {
            let url = format!("{H}/api{path}");
            let (p, q) = split_raw_url(&url);
            assert_eq!(check(m, p, q).unwrap().order_write(), kind, "{m} {path}");
        }
        for (m, path) in [
            ("PUT", "/accounts/5WT00001/orders"),
            ("DELETE", "/accounts/5WT00001/orders"),
            ("PATCH", "/accounts/5WT00001/orders/900001"),
            ("POST", "/accounts/5WT00001/orders/900001"),
            ("GET", "/accounts/5WT00001/orders/dry-run"),
            ("PUT", "/accounts/5WT00001/orders/900001/dry-run"),
        ] {
            assert_eq!(
                refused(m, &format!("{H}/api{path}")),
                Refusal::MethodNotAllowed,
                "{m} {path}"
            );
        }
        for path in [
            "/accounts/5WT00001/orders/abc/dry-run",
            "/accounts/5WT00001/orders/dry-run/1",
            "/accounts/5WT00001/complex-orders",
            "/accounts/5WT00001/orders/900001/reconfirm",
        ] {
            assert_eq!(
                refused("POST", &format!("{H}/api{path}")),
                Refusal::UnknownPath,
                "{path}"
            );
        }
    }

    #[test]
    fn instrument_reads_decode_symbols_and_re_encode_them() {
        for (raw, upstream) in [
            (
                "/instruments/equities?symbol[]=AAPL",
                "/instruments/equities?symbol[]=AAPL",
            ),
            ("/instruments/equities/AAPL", "/instruments/equities/AAPL"),
            (
                "/instruments/equities/BRK%2FB",
                "/instruments/equities/BRK%2FB",
            ),
            (
                "/instruments/equities/BRK%2fB",
                "/instruments/equities/BRK%2FB",
            ),
            (
                "/instruments/equity-options?symbol[]=x",
                "/instruments/equity-options?symbol[]=x",
            ),
            (
                "/instruments/future-products",
                "/instruments/future-products",
            ),
            ("/symbols/search/AA", "/symbols/search/AA"),
            ("/symbols/search/apple%20inc", "/symbols/search/apple%20inc"),
            ("/symbols/search/%41", "/symbols/search/A"),
            ("/option-chains/SPY/nested", "/option-chains/SPY/nested"),
            ("/option-chains/SPY", "/option-chains/SPY"),
            ("/option-chains/BRK.B", "/option-chains/BRK.B"),
            (
                "/futures-option-chains/ES/nested",
                "/futures-option-chains/ES/nested",
            ),
            (
                "/futures-option-chains/%2FES/nested",
                "/futures-option-chains/%2FES/nested",
            ),
        ] {
            assert_eq!(ok("GET", &format!("{H}/api{raw}")), upstream, "{raw}");
            let write = refused("POST", &format!("{H}/api{raw}"));
            assert_eq!(write, Refusal::MethodNotAllowed, "{raw}");
        }
        let longest = "A".repeat(MAX_SYMBOL_CHARS);
        assert!(ok("GET", &format!("{H}/api/symbols/search/{longest}")).ends_with(&longest));
        for raw in [
            "A".repeat(MAX_SYMBOL_CHARS + 1).as_str(),
            "%2E%2E",
            "..",
            ".",
            "%2E",
            "AA+B",
            "A%2BB",
            "A_B",
            "A~B",
            "A%3FB",
            "A%23B",
            "A%5CB",
            "A%00",
            "A%0A",
            "A%25",
            "A%C3%A9",
            "A:B",
            "A@B",
            "%",
            "%2",
            "A%zz",
        ] {
            for p in [
                "/instruments/equities/",
                "/symbols/search/",
                "/option-chains/",
            ] {
                assert_eq!(
                    refused("GET", &format!("{H}/api{p}{raw}")),
                    Refusal::Malformed,
                    "{p}{raw}"
                );
            }
        }
        // Symbols are one segment: no extra path, no empty symbol.
        for p in [
            "/api/option-chains/SPY/nested/x",
            "/api/symbols/search",
            "/api/futures-option-chains/ES",
        ] {
            assert_eq!(
                refused("GET", &format!("{H}{p}")),
                Refusal::UnknownPath,
                "{p}"
            );
        }
        for p in ["/api/symbols/search/", "/api/option-chains//nested"] {
            assert_eq!(
                refused("GET", &format!("{H}{p}")),
                Refusal::Malformed,
                "{p}"
            );
        }
    }

    #[test]
    fn decode_symbols() {
        assert_eq!(decode_symbol("%2FESZ6").as_deref(), Some("/ESZ6"));
        assert_eq!(decode_symbol("SPY%20%20%20").as_deref(), Some("SPY   "));
        assert_eq!(decode_symbol("BRK.B").as_deref(), Some("BRK.B"));
        assert_eq!(decode_symbol(""), None);
        assert_eq!(decode_symbol("%C0%AF"), None);
        assert_eq!(encode_name("/ESZ6"), "%2FESZ6");
    }
}
