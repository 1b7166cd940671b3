//! Command-line flags and the runtime configuration derived from them.

use clap::Parser;

use crate::dates::Date;

/// OAuth client registered in the simulator (obviously fake; see docs/contracts.md).
pub const CLIENT_ID: &str = "tastypocket-demo";
pub const CLIENT_SECRET: &str = "demo-secret-not-for-production";
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:8787/callback";
pub const DEMO_USERNAME: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo";
pub const DEMO_CUSTOMER_ID: &str = "C0000001";
/// Scopes tastytrade knows about (docs/tastytrade.md §2.1).
/// Order submissions an account may make in a minute (issue 8: 60, as tastytrade's limit is taken).
pub const DEFAULT_ORDER_RATE_PER_MIN: u32 = 60;
pub const KNOWN_SCOPES: [&str; 3] = ["read", "trade", "openid"];

/// tastytrade simulator for local development and tests.
#[derive(Debug, Clone, Parser)]
#[command(name = "pocket-sim", version, about)]
pub struct Cli {
    /// Address to bind. Keep the loopback default unless you know why not.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Lifetime of access tokens in seconds (`expires_in`).
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Lifetime of authorization codes in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub code_ttl: u64,
    /// Refuse authorization codes that were issued without a PKCE challenge.
    #[arg(long)]
    pub require_pkce: bool,
    /// Extra registered redirect URI (repeatable; the default one stays registered).
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
    /// Artificial delay added to every API and token request.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Don't log one line per request.
    #[arg(long)]
    pub quiet: bool,
    /// The simulator's "today" (YYYY-MM-DD) that the generated history ends on; default: the
    /// UTC date at startup.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,
    /// Answer 429 once an access token makes more than N API requests in a second (0 = off).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate_limit_per_second: u32,
    /// Order submissions (POST and replace) an account may make in a minute; over it, 429
    /// (0 = off).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ORDER_RATE_PER_MIN)]
    pub order_rate_per_min: u32,
    /// Seed of the simulated market's price walks (same seed, same prices tick by tick).
    #[arg(long, value_name = "N", default_value_t = crate::market::DEFAULT_SEED)]
    pub market_seed: u64,
    /// Price ticks per second (0 = prices stay where they are; hooks can change it).
    #[arg(long, value_name = "N", default_value_t = crate::market::DEFAULT_TICKS_PER_SEC)]
    pub ticks_per_sec: f64,
    /// Lifetime of `/api-quote-tokens` tokens in seconds (tastytrade: 24 h).
    #[arg(long, value_name = "SECS", default_value_t = 86_400)]
    pub quote_token_ttl_secs: u64,
    /// The `dxlink-url` handed out with quote tokens; default `ws://<host>:<port>/dxlink` of
    /// this listener (127.0.0.1 when bound to every address).
    #[arg(long, value_name = "URL")]
    pub dxlink_url: Option<String>,
}

/// Everything the server needs besides the listener.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_token_ttl: u64,
    pub code_ttl: u64,
    pub require_pkce: bool,
    /// Exact-match list (RFC 9700 §2.1); always contains [`DEFAULT_REDIRECT_URI`].
    pub redirect_uris: Vec<String>,
    pub latency_ms: u64,
    pub log_requests: bool,
    /// The simulated today; `None` = the UTC date when the state is built.
    pub today: Option<Date>,
    pub rate_limit_per_second: u32,
    pub order_rate_per_min: u32,
    pub market_seed: u64,
    pub ticks_per_sec: f64,
    pub quote_token_ttl: u64,
    /// Where quote tokens send DXLink clients (from the configuration, never from a request's
    /// `Host` header, which a client controls).
    pub dxlink_url: String,
}

/// `ws://host:port/dxlink` for a listener; an unspecified bind address becomes 127.0.0.1.
pub fn dxlink_url_for(addr: std::net::SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("ws://{}/dxlink", std::net::SocketAddr::new(ip, addr.port()))
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_token_ttl: 900,
            code_ttl: 60,
            require_pkce: false,
            redirect_uris: vec![DEFAULT_REDIRECT_URI.to_owned()],
            latency_ms: 0,
            log_requests: true,
            today: None,
            rate_limit_per_second: 0,
            order_rate_per_min: DEFAULT_ORDER_RATE_PER_MIN,
            market_seed: crate::market::DEFAULT_SEED,
            ticks_per_sec: crate::market::DEFAULT_TICKS_PER_SEC,
            quote_token_ttl: 86_400,
            dxlink_url: "ws://127.0.0.1:7878/dxlink".to_owned(),
        }
    }
}

impl Config {
    /// Adds a registered redirect URI after checking it is an absolute http(s) URI
    /// without a fragment (RFC 6749 §3.1.2).
    pub fn add_redirect_uri(&mut self, uri: &str) -> Result<(), String> {
        let parsed = url::Url::parse(uri).map_err(|e| format!("--redirect-uri {uri:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("--redirect-uri {uri:?}: must be http or https"));
        }
        if uri.contains('#') {
            return Err(format!(
                "--redirect-uri {uri:?}: must not contain a fragment"
            ));
        }
        if !self.redirect_uris.iter().any(|u| u == uri) {
            self.redirect_uris.push(uri.to_owned());
        }
        Ok(())
    }
}

impl TryFrom<&Cli> for Config {
    type Error = String;

    fn try_from(cli: &Cli) -> Result<Self, String> {
        let mut config = Config {
            access_token_ttl: cli.access_token_ttl,
            code_ttl: cli.code_ttl,
            require_pkce: cli.require_pkce,
            latency_ms: cli.latency_ms,
            log_requests: !cli.quiet,
            today: cli.today,
            rate_limit_per_second: cli.rate_limit_per_second,
            order_rate_per_min: cli.order_rate_per_min,
            market_seed: cli.market_seed,
            ticks_per_sec: cli.ticks_per_sec,
            quote_token_ttl: cli.quote_token_ttl_secs,
            ..Config::default()
        };
        if !(0.0..=1000.0).contains(&cli.ticks_per_sec) {
            return Err("--ticks-per-sec must be between 0 and 1000".to_owned());
        }
        if let Some(url) = &cli.dxlink_url {
            let parsed = url::Url::parse(url).map_err(|e| format!("--dxlink-url {url:?}: {e}"))?;
            if !matches!(parsed.scheme(), "ws" | "wss") {
                return Err(format!("--dxlink-url {url:?}: must be ws or wss"));
            }
            config.dxlink_url = url.clone();
        }
        for uri in &cli.redirect_uris {
            config.add_redirect_uri(uri)?;
        }
        Ok(config)
    }
}
