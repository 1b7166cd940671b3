//! Worker configuration from `[vars]` and secrets, parsed from a name -> value lookup so it is
//! testable without the Workers runtime. Errors name the variable, never its value.

use crate::crypto::SessionKey;
use crate::secret::Secret;
use pocket_shared::bff::{AuthConfig, Environment};
use pocket_shared::dxlink::MarketDataUrlPolicy;

pub const DEFAULT_IDLE_SECS: i64 = 12 * 60 * 60;
pub const DEFAULT_MAX_SECS: i64 = 7 * 24 * 60 * 60;
/// Bounds for the session durations, so a typo cannot create a never-ending session.
const MIN_SESSION_SECS: i64 = 60;
/// Against the simulator only, lifetimes may be this short, so end-to-end tests can watch a
/// session expire; a real deployment cannot be configured that way by accident.
const MIN_SIMULATOR_SESSION_SECS: i64 = 2;
const MAX_SESSION_SECS: i64 = 90 * 24 * 60 * 60;
/// Scopes tastytrade knows (docs/tastytrade.md §2.1). The product trades unless the deployment
/// says `TT_SCOPE = "read"` (read-only).
const KNOWN_SCOPES: [&str; 3] = ["read", "trade", "openid"];
pub const DEFAULT_SCOPE: &str = "read trade";
/// The scope order writes need.
pub const TRADE_SCOPE: &str = "trade";
/// Upstream timeouts (ms): the token endpoint and REST calls. `UPSTREAM_TIMEOUT_MS` overrides
/// both (tests use a short one to exercise the timeout path).
pub const DEFAULT_TOKEN_TIMEOUT_MS: u32 = 15_000;
pub const DEFAULT_API_TIMEOUT_MS: u32 = 20_000;
/// Upstream API calls a second per session (`UPSTREAM_RATE_PER_SEC`): a well-behaved tastytrade
/// client stays under 10 (docs/tastytrade.md §4.4), so the app cannot get a customer throttled.
pub const DEFAULT_UPSTREAM_RATE_PER_SEC: u32 = 10;
const UPSTREAM_RATE_RANGE: std::ops::RangeInclusive<u32> = 1..=100;

/// Non-secret settings (`[vars]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub environment: Environment,
    pub authorize_url: String,
    /// Scheme + host (+ port) of tastytrade's REST API, without a trailing slash.
    pub api_base: String,
    /// Space-separated OAuth scopes to request (`TT_SCOPE`, default `read trade`).
    pub scope: String,
    /// tastytrade's account streamer WebSocket (`TT_STREAMER_URL`; default by environment,
    /// [`streamer_url`]). The worker relays it; the browser never connects to it.
    pub streamer_url: String,
    /// PKCE S256 on every sign-in (default). `TT_PKCE = "false"` is an explicit opt-out for a
    /// tastytrade that rejects the parameters; it reopens authorization-code injection (a leaked
    /// code becomes a session for whoever posts it), so only use it if sign-in fails otherwise.
    pub pkce: bool,
    /// `REDIRECT_URI`; when absent the redirect URI is `<request origin>/callback`.
    pub redirect_uri: Option<String>,
    pub idle_secs: i64,
    pub max_secs: i64,
    pub token_timeout_ms: u32,
    pub api_timeout_ms: u32,
    /// Most upstream API calls one session starts in any second (`shaping`).
    pub upstream_rate_per_sec: u32,
    /// Which DXLink URLs the app may open (`DXLINK_URL_PATTERN`, a
    /// `shared::dxlink::MarketDataUrlPolicy` pattern): the simulator's own listener by default
    /// against the simulator, `wss://*.dxfeed.com` against tastytrade (docs/tastytrade.md §6.9).
    /// Also the CSP's `connect-src` for it.
    pub dxlink_url_pattern: String,
}

/// Secrets (`.dev.vars` locally, `wrangler secret put` when deployed).
#[derive(Debug, Clone)]
pub struct Secrets {
    pub client_id: String,
    pub client_secret: Secret,
    pub session_key: SessionKey,
}

/// A missing or malformed setting; carries only the variable's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigError(pub &'static str);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "setting {} is missing or malformed", self.0)
    }
}

fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, ConfigError> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or(ConfigError(name))
}

fn optional(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn duration(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: i64,
    min: i64,
) -> Result<i64, ConfigError> {
    match optional(lookup, name) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=MAX_SESSION_SECS).contains(n))
            .ok_or(ConfigError(name)),
    }
}

fn scope(lookup: &impl Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let raw = optional(lookup, "TT_SCOPE").unwrap_or_else(|| DEFAULT_SCOPE.to_owned());
    let scopes: Vec<&str> = raw.split_whitespace().collect();
    let known = !scopes.is_empty() && scopes.iter().all(|s| KNOWN_SCOPES.contains(s));
    known
        .then(|| scopes.join(" "))
        .ok_or(ConfigError("TT_SCOPE"))
}

/// tastytrade's account streamer hosts (docs/tastytrade.md §6.12).
pub const SANDBOX_STREAMER_URL: &str = "wss://streamer.cert.tastyworks.com";
pub const PRODUCTION_STREAMER_URL: &str = "wss://streamer.tastyworks.com";

/// `TT_STREAMER_URL`, checked (`ws://` or `wss://`, a plain authority and path, no query or
/// fragment); by default the simulator's `ws://<host:port of TT_API_BASE>/account-streamer`, or
/// tastytrade's host for the environment.
fn streamer_url(
    lookup: &impl Fn(&str) -> Option<String>,
    environment: Environment,
    api_base: &str,
) -> Result<String, ConfigError> {
    let url = match optional(lookup, "TT_STREAMER_URL") {
        Some(u) => u,
        None => match environment {
            Environment::Simulator => format!("{}/account-streamer", ws_origin(api_base)),
            Environment::Sandbox => SANDBOX_STREAMER_URL.to_owned(),
            Environment::Production => PRODUCTION_STREAMER_URL.to_owned(),
        },
    };
    let rest = url
        .strip_prefix("wss://")
        .or_else(|| url.strip_prefix("ws://"));
    let ok = rest.is_some_and(|r| {
        let authority = r.split('/').next().unwrap_or("");
        !authority.is_empty()
            && r.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'/' | b'_' | b'~')
            })
    });
    ok.then_some(url).ok_or(ConfigError("TT_STREAMER_URL"))
}

/// The simulator's WebSocket origin: `ws://` (`wss://` for https) + the host and port of
/// `TT_API_BASE` (its DXLink feed and account streamer share the API listener).
fn ws_origin(api_base: &str) -> String {
    let authority = api_base
        .split_once("://")
        .map_or(api_base, |(_, rest)| rest);
    let secure = api_base.starts_with("https://");
    format!("{}://{authority}", if secure { "wss" } else { "ws" })
}

/// Whether a session holds `trade`: the token response's `scope` when it has one (tastytrade
/// may grant less than asked), else the scope the deployment requested.
pub fn holds_trade(granted: Option<&str>, requested: &str) -> bool {
    granted
        .unwrap_or(requested)
        .split_whitespace()
        .any(|s| s == TRADE_SCOPE)
}

/// Where tastytrade's DXLink feeds live (sandbox and production; docs/tastytrade.md §6.9).
pub const DXFEED_URL_PATTERN: &str = "wss://*.dxfeed.com";

/// `DXLINK_URL_PATTERN`, checked; by default `ws://` + the simulator's host and port (its
/// `dxlink-url` is on the API listener), or [`DXFEED_URL_PATTERN`].
fn dxlink_url_pattern(
    lookup: &impl Fn(&str) -> Option<String>,
    environment: Environment,
    api_base: &str,
) -> Result<String, ConfigError> {
    let pattern = match optional(lookup, "DXLINK_URL_PATTERN") {
        Some(p) => p,
        None if environment == Environment::Simulator => ws_origin(api_base),
        None => DXFEED_URL_PATTERN.to_owned(),
    };
    MarketDataUrlPolicy::parse(&pattern)
        .map(|_| pattern)
        .map_err(|_| ConfigError("DXLINK_URL_PATTERN"))
}

impl Config {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let environment = match required(&lookup, "TT_ENVIRONMENT")?.as_str() {
            "simulator" => Environment::Simulator,
            "sandbox" => Environment::Sandbox,
            "production" => Environment::Production,
            _ => return Err(ConfigError("TT_ENVIRONMENT")),
        };
        let authorize_url = required(&lookup, "TT_AUTHORIZE_URL")?;
        if !is_http_url(&authorize_url) {
            return Err(ConfigError("TT_AUTHORIZE_URL"));
        }
        let api_base = normalize_origin(&required(&lookup, "TT_API_BASE")?)
            .ok_or(ConfigError("TT_API_BASE"))?;
        let scope = scope(&lookup)?;
        let pkce = match optional(&lookup, "TT_PKCE").as_deref() {
            None | Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            Some(_) => return Err(ConfigError("TT_PKCE")),
        };
        let redirect_uri = optional(&lookup, "REDIRECT_URI");
        if redirect_uri.as_deref().is_some_and(|u| !is_http_url(u)) {
            return Err(ConfigError("REDIRECT_URI"));
        }
        let min = if environment == Environment::Simulator {
            MIN_SIMULATOR_SESSION_SECS
        } else {
            MIN_SESSION_SECS
        };
        let idle_secs = duration(&lookup, "SESSION_IDLE_SECS", DEFAULT_IDLE_SECS, min)?;
        let max_secs = duration(&lookup, "SESSION_MAX_SECS", DEFAULT_MAX_SECS, min)?;
        let timeout = match optional(&lookup, "UPSTREAM_TIMEOUT_MS") {
            None => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (100..=120_000).contains(n))
                    .ok_or(ConfigError("UPSTREAM_TIMEOUT_MS"))?,
            ),
        };
        let upstream_rate_per_sec = match optional(&lookup, "UPSTREAM_RATE_PER_SEC") {
            None => DEFAULT_UPSTREAM_RATE_PER_SEC,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| UPSTREAM_RATE_RANGE.contains(n))
                .ok_or(ConfigError("UPSTREAM_RATE_PER_SEC"))?,
        };
        let dxlink_url_pattern = dxlink_url_pattern(&lookup, environment, &api_base)?;
        let streamer_url = streamer_url(&lookup, environment, &api_base)?;
        Ok(Self {
            environment,
            authorize_url,
            api_base,
            scope,
            streamer_url,
            pkce,
            redirect_uri,
            idle_secs,
            max_secs,
            token_timeout_ms: timeout.unwrap_or(DEFAULT_TOKEN_TIMEOUT_MS),
            api_timeout_ms: timeout.unwrap_or(DEFAULT_API_TIMEOUT_MS),
            upstream_rate_per_sec,
            dxlink_url_pattern,
        })
    }

    /// The redirect URI registered with the OAuth client: `REDIRECT_URI`, else the app's
    /// `/callback` on the origin the request came to.
    pub fn redirect_uri_for(&self, request_origin: &str) -> String {
        self.redirect_uri
            .clone()
            .unwrap_or_else(|| format!("{request_origin}/callback"))
    }

    pub fn auth_config(&self, client_id: &str, request_origin: &str) -> AuthConfig {
        AuthConfig {
            authorize_url: self.authorize_url.clone(),
            client_id: client_id.to_owned(),
            scope: self.scope.clone(),
            redirect_uri: self.redirect_uri_for(request_origin),
            pkce: self.pkce,
            environment: self.environment,
        }
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.api_base)
    }
}

impl Secrets {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            client_id: client_id_from_lookup(&lookup)?,
            client_secret: Secret::new(required(&lookup, "TT_CLIENT_SECRET")?),
            session_key: SessionKey::from_hex(&required(&lookup, "SESSION_KEY")?)
                .ok_or(ConfigError("SESSION_KEY"))?,
        })
    }
}

/// The client id alone (public: `/auth/config` hands it to the app).
pub fn client_id_from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    required(lookup, "TT_CLIENT_ID")
}

fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `https://host[:port]` with an optional trailing `/`, nothing else (no path, query, userinfo).
fn normalize_origin(s: &str) -> Option<String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| s.strip_suffix('/').unwrap_or(s).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const SIM: &[(&str, &str)] = &[
        ("TT_ENVIRONMENT", "simulator"),
        ("TT_AUTHORIZE_URL", "http://127.0.0.1:7878/auth.html"),
        ("TT_API_BASE", "http://127.0.0.1:7878/"),
        ("TT_SCOPE", "read trade openid"),
        ("TT_PKCE", "true"),
    ];

    #[test]
    fn parses_the_simulator_defaults() {
        let c = Config::from_lookup(lookup(SIM)).unwrap();
        assert_eq!(c.environment, Environment::Simulator);
        assert_eq!(c.api_base, "http://127.0.0.1:7878");
        assert_eq!(c.token_url(), "http://127.0.0.1:7878/oauth/token");
        assert!(c.pkce);
        assert_eq!(c.idle_secs, DEFAULT_IDLE_SECS);
        assert_eq!(c.max_secs, DEFAULT_MAX_SECS);
        assert_eq!(c.upstream_rate_per_sec, DEFAULT_UPSTREAM_RATE_PER_SEC);
        assert_eq!(
            c.redirect_uri_for("http://localhost:8787"),
            "http://localhost:8787/callback"
        );
        let a = c.auth_config("tastypocket-demo", "http://localhost:8787");
        assert_eq!(a.redirect_uri, "http://localhost:8787/callback");
        assert_eq!(a.scope, "read trade openid");
    }

    #[test]
    fn dxlink_pattern_defaults_by_environment_and_is_checked() {
        let c = Config::from_lookup(lookup(SIM)).unwrap();
        assert_eq!(c.dxlink_url_pattern, "ws://127.0.0.1:7878");
        let mut sandbox = SIM.to_vec();
        sandbox[0] = ("TT_ENVIRONMENT", "sandbox");
        sandbox[2] = ("TT_API_BASE", "https://api.cert.tastyworks.com");
        let c = Config::from_lookup(lookup(&sandbox)).unwrap();
        assert_eq!(c.dxlink_url_pattern, DXFEED_URL_PATTERN);
        let mut custom = sandbox.clone();
        custom.push(("DXLINK_URL_PATTERN", "wss://*.example-feed.net"));
        let c = Config::from_lookup(lookup(&custom)).unwrap();
        assert_eq!(c.dxlink_url_pattern, "wss://*.example-feed.net");
        for bad in ["https://*.dxfeed.com", "wss://*", "wss://a.com/path", "*"] {
            let mut bad_env = sandbox.clone();
            bad_env.push(("DXLINK_URL_PATTERN", bad));
            assert_eq!(
                Config::from_lookup(lookup(&bad_env)).unwrap_err().0,
                "DXLINK_URL_PATTERN",
                "{bad}"
            );
        }
    }

    #[test]
    fn explicit_redirect_uri_wins() {
        let mut pairs = SIM.to_vec();
        pairs.push(("REDIRECT_URI", "https://pocket.example/callback"));
        let c = Config::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(
            c.redirect_uri_for("http://localhost:8787"),
            "https://pocket.example/callback"
        );
    }

    #[test]
    fn rejects_bad_values_by_name() {
        for (name, value) in [
            ("TT_ENVIRONMENT", "staging"),
            ("TT_API_BASE", "http://127.0.0.1:7878/v1"),
            ("TT_API_BASE", "http://user@evil.example"),
            ("TT_API_BASE", "ftp://x"),
            ("TT_PKCE", "maybe"),
            ("SESSION_IDLE_SECS", "0"),
            ("SESSION_IDLE_SECS", "1"),
            ("SESSION_MAX_SECS", "forever"),
            ("TT_SCOPE", "read write"),
            ("UPSTREAM_TIMEOUT_MS", "5"),
            ("UPSTREAM_RATE_PER_SEC", "0"),
            ("UPSTREAM_RATE_PER_SEC", "101"),
            ("UPSTREAM_RATE_PER_SEC", "-1"),
            ("UPSTREAM_RATE_PER_SEC", "ten"),
        ] {
            let mut pairs: Vec<_> = SIM.iter().filter(|(k, _)| *k != name).copied().collect();
            pairs.push((name, value));
            assert_eq!(
                Config::from_lookup(lookup(&pairs)),
                Err(ConfigError(name)),
                "{name}={value}"
            );
        }
    }

    #[test]
    fn upstream_rate_is_configurable_within_bounds() {
        for n in ["1", "25", "100"] {
            let mut pairs = SIM.to_vec();
            pairs.push(("UPSTREAM_RATE_PER_SEC", n));
            let c = Config::from_lookup(lookup(&pairs)).unwrap();
            assert_eq!(c.upstream_rate_per_sec.to_string(), n);
        }
    }

    #[test]
    fn pkce_is_on_unless_explicitly_opted_out() {
        let without: Vec<_> = SIM
            .iter()
            .filter(|(k, _)| *k != "TT_PKCE")
            .copied()
            .collect();
        assert!(Config::from_lookup(lookup(&without)).unwrap().pkce);
        let mut off = without.clone();
        off.push(("TT_PKCE", "false"));
        assert!(!Config::from_lookup(lookup(&off)).unwrap().pkce);
    }

    #[test]
    fn scope_defaults_to_read_and_trade() {
        let without: Vec<_> = SIM
            .iter()
            .filter(|(k, _)| *k != "TT_SCOPE")
            .copied()
            .collect();
        assert_eq!(
            Config::from_lookup(lookup(&without)).unwrap().scope,
            "read trade"
        );
        let mut read_only = without.clone();
        read_only.push(("TT_SCOPE", "read"));
        assert_eq!(
            Config::from_lookup(lookup(&read_only)).unwrap().scope,
            "read"
        );
        let mut spaced = without.clone();
        spaced.push(("TT_SCOPE", "  read   trade "));
        assert_eq!(
            Config::from_lookup(lookup(&spaced)).unwrap().scope,
            "read trade"
        );
    }

    #[test]
    fn short_lifetimes_only_against_the_simulator() {
        let mut pairs = SIM.to_vec();
        pairs.push(("SESSION_IDLE_SECS", "3"));
        pairs.push(("UPSTREAM_TIMEOUT_MS", "1500"));
        let c = Config::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(c.idle_secs, 3);
        assert_eq!((c.token_timeout_ms, c.api_timeout_ms), (1500, 1500));
        let real: Vec<_> = pairs
            .iter()
            .map(|&(k, v)| {
                if k == "TT_ENVIRONMENT" {
                    (k, "sandbox")
                } else {
                    (k, v)
                }
            })
            .collect();
        assert_eq!(
            Config::from_lookup(lookup(&real)),
            Err(ConfigError("SESSION_IDLE_SECS"))
        );
    }

    #[test]
    fn secrets_need_a_64_hex_session_key() {
        let base = [
            ("TT_CLIENT_ID", "tastypocket-demo"),
            ("TT_CLIENT_SECRET", "demo-secret-not-for-production"),
        ];
        let mut pairs = base.to_vec();
        pairs.push(("SESSION_KEY", "abc"));
        let err = Secrets::from_lookup(lookup(&pairs)).unwrap_err();
        assert_eq!(err, ConfigError("SESSION_KEY"));
        assert!(!err.to_string().contains("abc"));

        let key = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let mut pairs = base.to_vec();
        pairs.push(("SESSION_KEY", key));
        let s = Secrets::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(s.client_id, "tastypocket-demo");
        assert!(!format!("{s:?}").contains("demo-secret"));
    }

    #[test]
    fn trade_is_held_per_the_grant_else_the_request() {
        assert!(holds_trade(None, "read trade"));
        assert!(!holds_trade(None, "read"));
        assert!(holds_trade(Some("read trade openid"), "read"));
        // tastytrade granted less than asked: the grant wins.
        assert!(!holds_trade(Some("read"), "read trade"));
        assert!(!holds_trade(Some(""), "read trade"));
        assert!(!holds_trade(Some("trader"), "read trade"));
        assert!(holds_trade(Some("  trade "), "read"));
    }

    #[test]
    fn streamer_url_defaults_by_environment_and_is_checked() {
        let c = Config::from_lookup(lookup(SIM)).unwrap();
        assert_eq!(c.streamer_url, "ws://127.0.0.1:7878/account-streamer");
        for (env, base, url) in [
            (
                "sandbox",
                "https://api.cert.tastyworks.com",
                SANDBOX_STREAMER_URL,
            ),
            (
                "production",
                "https://api.tastyworks.com",
                PRODUCTION_STREAMER_URL,
            ),
        ] {
            let mut pairs = SIM.to_vec();
            pairs[0] = ("TT_ENVIRONMENT", env);
            pairs[2] = ("TT_API_BASE", base);
            assert_eq!(
                Config::from_lookup(lookup(&pairs)).unwrap().streamer_url,
                url
            );
        }
        let mut custom = SIM.to_vec();
        custom.push(("TT_STREAMER_URL", "ws://127.0.0.1:9/account-streamer"));
        assert_eq!(
            Config::from_lookup(lookup(&custom)).unwrap().streamer_url,
            "ws://127.0.0.1:9/account-streamer"
        );
        for bad in [
            "https://streamer.tastyworks.com",
            "wss://",
            "wss:///x",
            "wss://a.com/x?token=1",
            "wss://user@a.com",
            "wss://a.com/#x",
            "wss://a b",
        ] {
            let mut pairs = SIM.to_vec();
            pairs.push(("TT_STREAMER_URL", bad));
            assert_eq!(
                Config::from_lookup(lookup(&pairs)),
                Err(ConfigError("TT_STREAMER_URL")),
                "{bad}"
            );
        }
    }
}
