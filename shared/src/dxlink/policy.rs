//! Which DXLink URLs the app may connect to (docs/tastytrade.md §6.9: tastytrade has moved the
//! host before, so the app takes the `dxlink-url` of the quote-token answer, but only inside the
//! environment's allowed pattern; the worker puts the same pattern in the CSP's `connect-src`).
//!
//! A pattern is `scheme://host[:port]`: scheme `ws` or `wss`; host a DNS name, optionally with
//! one leading `*.` (which, as in CSP, stands for one or more labels: `*.dxfeed.com` allows
//! `a.dxfeed.com` and `a.b.dxfeed.com`, not `dxfeed.com`), or a dotted IPv4 address; no path.
//! Without a port only the scheme's default port is allowed.
//!
//! URLs are parsed strictly, so that what we check is what the browser will connect to: only
//! `[A-Za-z0-9.-]` in the host (no percent-encoding, no IDNA, no IPv6), no userinfo, no
//! backslash, whitespace or control characters anywhere, no fragment, and a host whose last label
//! is numeric must be a canonical dotted quad (a browser reads `127.1`, `0x7f.0.0.1` or
//! `2130706433` as an IPv4 address too).

/// A parsed pattern such as `wss://*.dxfeed.com` or `ws://127.0.0.1:7931`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketDataUrlPolicy {
    secure: bool,
    wildcard: bool,
    /// Lower case; without the `*.`.
    host: String,
    port: Option<u16>,
}

/// The pattern text is not a valid pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPattern;

impl MarketDataUrlPolicy {
    pub fn parse(pattern: &str) -> Result<Self, InvalidPattern> {
        let parts = Parts::parse(pattern).ok_or(InvalidPattern)?;
        if !parts.rest.is_empty() {
            return Err(InvalidPattern);
        }
        let (wildcard, host) = match parts.host.strip_prefix("*.") {
            Some(base) => (true, base),
            None => (false, parts.host),
        };
        let kind = host_kind(host).ok_or(InvalidPattern)?;
        if wildcard && kind == HostKind::Ip {
            return Err(InvalidPattern);
        }
        Ok(MarketDataUrlPolicy {
            secure: parts.secure,
            wildcard,
            host: host.to_ascii_lowercase(),
            port: parts.port,
        })
    }

    /// Whether the app may open a WebSocket to `url`.
    pub fn allows(&self, url: &str) -> bool {
        let Some(parts) = Parts::parse(url) else {
            return false;
        };
        if host_kind(parts.host).is_none() {
            return false;
        }
        // A path and a query are fine (`/realtime`); a fragment is not valid for a WebSocket.
        if !(parts.rest.is_empty() || parts.rest.starts_with('/') || parts.rest.starts_with('?'))
            || parts.rest.contains('#')
        {
            return false;
        }
        let default_port = if parts.secure { 443 } else { 80 };
        let port_ok = parts.port.unwrap_or(default_port) == self.port.unwrap_or(default_port);
        let host = parts.host.to_ascii_lowercase();
        let host_ok = if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host.as_bytes()[host.len() - self.host.len() - 1] == b'.'
        } else {
            host == self.host
        };
        parts.secure == self.secure && port_ok && host_ok
    }

    /// The pattern in its canonical form (the CSP source expression).
    pub fn as_csp_source(&self) -> String {
        let mut out = String::from(if self.secure { "wss://" } else { "ws://" });
        if self.wildcard {
            out.push_str("*.");
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push(':');
            out.push_str(&port.to_string());
        }
        out
    }
}

/// `scheme://authority` split, before the host is judged.
struct Parts<'a> {
    secure: bool,
    host: &'a str,
    port: Option<u16>,
    /// Everything after the authority (path, query, …).
    rest: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(text: &'a str) -> Option<Parts<'a>> {
        // Characters a browser strips, rewrites or reads as a separator: refuse them outright.
        if text
            .bytes()
            .any(|b| b <= b' ' || b == b'\\' || b == 0x7f || b >= 0x80)
        {
            return None;
        }
        let (secure, after) = match strip_prefix_ignore_case(text, "wss://") {
            Some(after) => (true, after),
            None => (false, strip_prefix_ignore_case(text, "ws://")?),
        };
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.contains('@') {
            return None;
        }
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => {
                if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let port = super::event::parse_int(port)
                    .filter(|p| (1..=65535).contains(p))
                    .and_then(|p| u16::try_from(p).ok())?;
                (host, Some(port))
            }
            None => (authority, None),
        };
        Some(Parts {
            secure,
            host,
            port,
            rest,
        })
    }
}

/// `s` without `prefix` (ASCII case-insensitive). Plain byte comparison: a `&str` pattern
/// would bring the two-way substring searcher into the wasm.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostKind {
    Name,
    Ip,
}

/// A DNS name of `[A-Za-z0-9-]` labels (non-numeric last label), or a canonical dotted quad.
fn host_kind(host: &str) -> Option<HostKind> {
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let valid_label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(valid_label) {
        return None;
    }
    let last = labels[labels.len() - 1];
    // The WHATWG URL parser treats a host whose last label is a number (decimal, or hex with
    // `0x`) as IPv4: accept only the canonical form, which then compares as text.
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || (last.len() > 1 && last[..2].eq_ignore_ascii_case("0x"));
    if !numeric {
        return Some(HostKind::Name);
    }
    let canonical = labels.len() == 4
        && labels.iter().all(|l| {
            l.bytes().all(|b| b.is_ascii_digit())
                && (l.len() == 1 || !l.starts_with('0'))
                && super::event::parse_int(l).is_some_and(|n| n <= 255)
        });
    canonical.then_some(HostKind::Ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(pattern: &str) -> MarketDataUrlPolicy {
        MarketDataUrlPolicy::parse(pattern).unwrap()
    }

    #[test]
    fn patterns_parse_strictly() {
        for good in [
            "wss://*.dxfeed.com",
            "ws://127.0.0.1:7931",
            "wss://tasty-openapi-ws.dxfeed.com",
            "WSS://*.DXFeed.com",
            "ws://localhost:8080",
        ] {
            assert!(MarketDataUrlPolicy::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "*.dxfeed.com",
            "https://*.dxfeed.com",
            "wss://*.dxfeed.com/realtime",
            "wss://*",
            "wss://*.",
            "wss://a.*.dxfeed.com",
            "wss://**.dxfeed.com",
            "wss://*dxfeed.com",
            "wss://*.127.0.0.1",
            "wss://user@*.dxfeed.com",
            "wss://*.dxfeed.com:",
            "wss://*.dxfeed.com:0",
            "wss://*.dxfeed.com:65536",
            "wss://*.dxfeed.com:+443",
            "ws://127.1:7931",
            "ws://[::1]:7931",
            "wss://dxfeed .com",
        ] {
            assert_eq!(
                MarketDataUrlPolicy::parse(bad),
                Err(InvalidPattern),
                "{bad}"
            );
        }
        assert_eq!(
            policy("WSS://*.DXFeed.com").as_csp_source(),
            "wss://*.dxfeed.com"
        );
        assert_eq!(
            policy("ws://127.0.0.1:7931").as_csp_source(),
            "ws://127.0.0.1:7931"
        );
    }

    #[test]
    fn wildcard_allows_subdomains_on_the_default_port() {
        let p = policy("wss://*.dxfeed.com");
        for ok in [
            "wss://tasty-openapi-ws.dxfeed.com/realtime",
            "wss://tasty-demo-ws.dxfeed.com/delayed",
            "wss://a.b.dxfeed.com",
            "wss://A.DXFEED.COM/realtime?x=1",
            "WSS://a.dxfeed.com:443/realtime",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
    }

    #[test]
    fn hostile_urls_are_refused() {
        let p = policy("wss://*.dxfeed.com");
        for bad in [
            "wss://dxfeed.com/realtime",
            "wss://evil.net/realtime",
            "wss://tasty.dxfeed.com.evil.net/realtime",
            "wss://evildxfeed.com/realtime",
            "wss://x.evildxfeed.com",
            "ws://tasty.dxfeed.com/realtime",
            "https://tasty.dxfeed.com/realtime",
            "wss://tasty.dxfeed.com:8443/realtime",
            "wss://user:pw@tasty.dxfeed.com/realtime",
            "wss://evil.net@tasty.dxfeed.com/realtime",
            "wss://tasty.dxfeed.com@evil.net/realtime",
            "wss://evil.net\\@tasty.dxfeed.com/",
            "wss://evil.net\\.dxfeed.com/",
            "wss://evil.net%2f.dxfeed.com/",
            "wss://evil.net%2edxfeed.com/",
            "wss://tasty.dxfeed.com./realtime",
            "wss://tasty..dxfeed.com/",
            "wss://.dxfeed.com/",
            "wss://*.dxfeed.com/",
            "wss://a.dxfeed.com\n.evil.net/",
            "wss://a.dxfeed.com\t/",
            " wss://a.dxfeed.com/",
            "wss://a.dxfeed.com/#frag",
            "wss://a.dxfeed.com#frag",
            "wss://a.dxfeed.com:/",
            "wss://a.dxfeed.com:443:443/",
            "wss://xn--dxfed-dxa.com.dxfeed.com.evil/",
            "wss://ä.dxfeed.com/",
            "wss://a.dxfeed.com;evil.net/",
            "wss:/a.dxfeed.com/",
            "wss:a.dxfeed.com",
            "//a.dxfeed.com/",
            "javascript://a.dxfeed.com/",
            "",
        ] {
            assert!(!p.allows(bad), "{bad:?}");
        }
    }

    #[test]
    fn ip_patterns_accept_only_the_canonical_address() {
        let p = policy("ws://127.0.0.1:7931");
        assert!(p.allows("ws://127.0.0.1:7931/dxlink"));
        for bad in [
            "ws://127.0.0.1/dxlink",
            "ws://127.0.0.1:7932/dxlink",
            "wss://127.0.0.1:7931/dxlink",
            "ws://127.1:7931/",
            "ws://127.0.1:7931/",
            "ws://0x7f.0.0.1:7931/",
            "ws://0x7f000001:7931/",
            "ws://2130706433:7931/",
            "ws://0177.0.0.1:7931/",
            "ws://127.000.000.001:7931/",
            "ws://127.0.0.1.nip.io:7931/",
            "ws://evil.127.0.0.1:7931/",
            "ws://[::1]:7931/",
            "ws://[::ffff:127.0.0.1]:7931/",
            "ws://localhost:7931/",
            "ws://127.0.0.256:7931/",
            "ws://1.2.3.4.5:7931/",
        ] {
            assert!(!p.allows(bad), "{bad}");
        }
        let localhost = policy("ws://localhost:7931");
        assert!(localhost.allows("ws://localhost:7931/dxlink"));
        assert!(!localhost.allows("ws://127.0.0.1:7931/dxlink"));
        assert!(!localhost.allows("ws://localhost.evil.net:7931/dxlink"));
    }

    #[test]
    fn explicit_default_ports_match_patterns_without_a_port() {
        let p = policy("ws://sim.example");
        assert!(p.allows("ws://sim.example/"));
        assert!(p.allows("ws://sim.example:80/"));
        assert!(!p.allows("ws://sim.example:443/"));
        let p = policy("wss://sim.example:443");
        assert!(p.allows("wss://sim.example/"));
    }
}
