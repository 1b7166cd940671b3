//! The stream's [`Session`] against the simulator's `/dxlink` over a real socket, without a
//! browser: token from `/api-quote-tokens` (OAuth refresh grant from the `/sim/grants` hook),
//! the URL policy, both handshake orders, quotes, Greeks and candles, resubscription after the
//! simulator drops the socket (no duplicate subscriptions), a bad token, an expired token and a
//! paused feed going stale.
//!
//! Runs only with `POCKET_SIM_URL` set to a running simulator (loopback; its hooks answer only
//! there), e.g. `POCKET_SIM_URL=http://127.0.0.1:7878 cargo test -p pocket-app stream::e2e`;
//! without it the test returns at once. Everything happens in one test: the hooks act on the
//! whole simulator.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pocket_shared::dxlink::{Event, EventType, MarketDataUrlPolicy, Subscription};
use pocket_shared::tastytrade::{ApiQuoteToken, Secret};
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::session::{Ended, Input, Link, Session};
use super::subscriptions::Wanted;

/// The simulator's demo OAuth client (simulator/README.md).
const CLIENT_ID: &str = "tastypocket-demo";
const CLIENT_SECRET: &str = "demo-secret-not-for-production";
const OPTION: &str = ".SPY261218C700";

struct Sim {
    /// `127.0.0.1:7878`
    authority: String,
}

impl Sim {
    fn from_env() -> Option<Sim> {
        let base = std::env::var("POCKET_SIM_URL").ok()?;
        let authority = base
            .strip_prefix("http://")
            .expect("POCKET_SIM_URL is http://host:port")
            .trim_end_matches('/')
            .to_owned();
        Some(Sim { authority })
    }

    /// One HTTP/1.1 request; the status and the body.
    fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.authority).expect("simulator reachable");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: pocket-stream-e2e\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.authority,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, body)
    }

    fn json(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Value {
        let (status, text) = self.http(method, path, headers, body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {text}"
        );
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    fn hook(&self, path: &str, body: Value) -> Value {
        self.json(
            "POST",
            path,
            &[("content-type", "application/json")],
            &body.to_string(),
        )
    }

    /// A quote token as the worker would fetch it: refresh grant → access token → token.
    fn quote_token(&self) -> ApiQuoteToken {
        let grant = self.hook("/sim/grants", json!({}));
        let refresh = grant["refresh-token"].as_str().unwrap();
        let form = format!(
            "grant_type=refresh_token&refresh_token={refresh}&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        );
        let token = self.json(
            "POST",
            "/oauth/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            &form,
        );
        let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
        let answer = self.json(
            "GET",
            "/api-quote-tokens",
            &[("authorization", &bearer)],
            "",
        );
        ApiQuoteToken::from_json(&answer["data"]).expect("a quote token")
    }

    /// The simulator's per-socket DXLink statistics.
    fn sockets(&self) -> Vec<Value> {
        let stats = self.json("GET", "/sim/market/stats", &[], "");
        stats["sockets"].as_array().cloned().unwrap_or_default()
    }
}

/// Puts the simulator's market back (rate, running, no AUTH delay, no sockets) when dropped.
struct Restore<'a> {
    sim: &'a Sim,
    ticks_per_sec: Value,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let sim = self.sim;
        sim.hook(
            "/sim/market/tick-rate",
            json!({"ticks-per-sec": self.ticks_per_sec}),
        );
        sim.hook("/sim/market/resume", json!({}));
        sim.hook("/sim/market/auth-delay", json!({"ms": 0}));
        sim.hook("/sim/market/drop-sockets", json!({}));
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A session on a real socket.
struct Client {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    session: Session,
    wanted: Wanted,
    events: Vec<Event>,
    link: Link,
    closed: bool,
}

impl Client {
    fn connect(url: &str, token: &Secret, wanted: Wanted) -> Client {
        let (mut ws, _) = tungstenite::connect(url).expect("WebSocket upgrade");
        if let MaybeTlsStream::Plain(stream) = ws.get_mut() {
            stream
                .set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
        }
        let mut client = Client {
            ws,
            session: Session::new(token.clone()),
            wanted,
            events: Vec::new(),
            link: Link::Connecting,
            closed: false,
        };
        client.input(Input::Opened);
        client
    }

    fn input(&mut self, input: Input) {
        let step = self.session.handle(now_ms(), input, &self.wanted);
        for text in step.send {
            if self.ws.send(Message::text(text)).is_err() {
                self.closed = true;
            }
        }
        self.events.extend(step.events);
        if let Some(link) = step.link {
            self.link = link;
        }
    }

    /// Reads and ticks until `done` holds or `limit` passes; whether `done` held.
    fn pump(&mut self, limit: Duration, done: impl Fn(&Client) -> bool) -> bool {
        let start = Instant::now();
        while !done(self) {
            if start.elapsed() > limit || self.closed {
                return done(self);
            }
            match self.ws.read() {
                Ok(Message::Text(text)) => self.input(Input::Text(text.as_str())),
                Ok(Message::Close(_)) => self.closed = true,
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => self.closed = true,
            }
            self.input(Input::Tick);
        }
        true
    }

    /// [`Client::pump`], failing the test with the client's state when `what` does not happen.
    fn expect(&mut self, what: &str, limit: Duration, done: impl Fn(&Client) -> bool) {
        if !self.pump(limit, done) {
            panic!(
                "{what}: not within {limit:?}; link {:?}, closed {}, {} events, last decode error {:?}",
                self.link,
                self.closed,
                self.events.len(),
                self.session.last_decode_error
            );
        }
    }

    fn has(&self, event_type: EventType, symbol: &str) -> bool {
        self.events
            .iter()
            .any(|e| e.event_type() == event_type && e.symbol() == symbol)
    }
}

fn wanted(symbols: &[(EventType, &str)], candle_from: i64) -> Wanted {
    let mut wanted = Wanted::default();
    for (event_type, symbol) in symbols {
        wanted.acquire(Subscription {
            event_type: *event_type,
            symbol: (*symbol).to_owned(),
            from_time: (*event_type == EventType::Candle).then_some(candle_from),
        });
    }
    wanted
}

/// Generous: the machine running the tests may be busy.
const LIMIT: Duration = Duration::from_secs(15);

#[test]
fn against_the_simulator() {
    let Some(sim) = Sim::from_env() else {
        eprintln!("POCKET_SIM_URL unset: the DXLink end-to-end test is skipped");
        return;
    };
    // The end-to-end simulator runs a frozen market (scripts/e2e.sh); this test needs it to
    // move, and puts it back as it was afterwards, pass or fail.
    let before = sim.json("GET", "/sim/market", &[], "");
    let _restore = Restore {
        sim: &sim,
        ticks_per_sec: before["ticks-per-sec"].clone(),
    };
    sim.hook("/sim/market/tick-rate", json!({"ticks-per-sec": 5}));
    sim.hook("/sim/market/resume", json!({}));
    sim.hook("/sim/market/auth-delay", json!({"ms": 0}));
    sim.hook("/sim/market/drop-sockets", json!({}));
    let token = sim.quote_token();
    let url = token.dxlink_url.clone();
    // The URL the token names is inside the pattern the worker would hand out for it.
    let authority = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .unwrap();
    let policy = MarketDataUrlPolicy::parse(&format!("ws://{authority}")).unwrap();
    assert!(policy.allows(&url), "{url}");
    assert!(!MarketDataUrlPolicy::parse("wss://*.dxfeed.com")
        .unwrap()
        .allows(&url));

    let set = [
        (EventType::Quote, "SPY"),
        (EventType::Trade, "SPY"),
        (EventType::Summary, "SPY"),
        (EventType::Profile, "SPY"),
        (EventType::Quote, "AAPL"),
        (EventType::Greeks, OPTION),
        (EventType::Quote, OPTION),
        (EventType::Candle, "SPY{=5m}"),
    ];
    let from = now_ms() - 3 * 3_600_000;

    // Live data of every kind, decoded against the simulator's FEED_CONFIG.
    let mut client = Client::connect(&url, &token.token, wanted(&set, from));
    client.expect("live", LIMIT, |c| c.link == Link::Live);
    let all_kinds = |c: &Client| set.iter().all(|(t, symbol)| c.has(*t, symbol));
    client.expect("every kind of event", LIMIT, all_kinds);
    for event in &client.events {
        match event {
            Event::Quote(q) if q.symbol == "SPY" => {
                let (bid, ask) = (q.bid_price.unwrap(), q.ask_price.unwrap());
                assert!(bid > rust_decimal::Decimal::ZERO && bid <= ask, "{q:?}");
            }
            Event::Greeks(g) => {
                let delta = g.delta.unwrap();
                assert!(
                    delta > rust_decimal::Decimal::ZERO && delta < rust_decimal::Decimal::ONE,
                    "{g:?}"
                );
                assert!(
                    g.volatility.is_some() && g.gamma.is_some() && g.theta.is_some(),
                    "{g:?}"
                );
            }
            Event::Candle(c) => assert!(c.time.unwrap() >= from - 300_000, "{c:?}"),
            _ => {}
        }
    }
    let bars = client
        .events
        .iter()
        .filter(|e| matches!(e, Event::Candle(c) if !c.is_removal()))
        .count();
    assert!(bars >= 10, "three hours of 5-minute bars, got {bars}");
    let sockets = sim.sockets();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    assert_eq!(sockets[0]["subscriptions"], set.len(), "{sockets:?}");
    assert_eq!(sockets[0]["duplicate-adds"], 0, "{sockets:?}");

    // A change of what is on screen: one removal, one addition, nothing resent.
    client
        .wanted
        .release(&Subscription::new(EventType::Quote, "AAPL"));
    client
        .wanted
        .acquire(Subscription::new(EventType::Quote, "QQQ"));
    client.input(Input::WantedChanged);
    client.events.clear();
    client.expect("QQQ after the change", LIMIT, |c| {
        c.has(EventType::Quote, "QQQ")
    });
    let sockets = sim.sockets();
    assert_eq!(sockets[0]["add-requests"], set.len() + 1, "{sockets:?}");
    assert_eq!(sockets[0]["subscriptions"], set.len(), "{sockets:?}");

    // The simulator drops the socket; a new connection resubscribes once, with reset.
    sim.hook("/sim/market/drop-sockets", json!({}));
    client.expect("the drop noticed", LIMIT, |c| c.closed);
    let wanted_again = std::mem::take(&mut client.wanted);
    let mut client = Client::connect(&url, &token.token, wanted_again);
    // Everything again (the new connection's first data), so that nothing is still on its way
    // when the feed is paused below.
    let now_wanted: Vec<(EventType, &str)> = set
        .iter()
        .map(|&(t, s)| if s == "AAPL" { (t, "QQQ") } else { (t, s) })
        .collect();
    client.expect("every kind again after the drop", LIMIT, |c| {
        c.link == Link::Live && now_wanted.iter().all(|(t, s)| c.has(*t, s))
    });
    let sockets = sim.sockets();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    assert_eq!(sockets[0]["add-requests"], set.len(), "{sockets:?}");
    assert_eq!(sockets[0]["duplicate-adds"], 0, "{sockets:?}");

    // A paused feed goes stale after 15 s; resumed, live again.
    sim.hook("/sim/market/pause", json!({}));
    client.expect("stale while paused", Duration::from_secs(40), |c| {
        c.link == Link::Stale
    });
    sim.hook("/sim/market/resume", json!({}));
    client.expect("live after resuming", LIMIT, |c| c.link == Link::Live);
    drop(client);

    // AUTHORIZED delayed by the simulator: still waits for it, then live.
    sim.hook("/sim/market/auth-delay", json!({"ms": 2000}));
    let mut client = Client::connect(&url, &token.token, wanted(&set[..1], from));
    let started = Instant::now();
    client.expect("live after a delayed AUTHORIZED", LIMIT, |c| {
        c.link == Link::Live
    });
    assert!(started.elapsed() >= Duration::from_millis(1900));
    sim.hook("/sim/market/auth-delay", json!({"ms": 0}));
    drop(client);

    // A bad token is refused with the protocol's answer.
    let mut client = Client::connect(
        &url,
        &Secret::new("not-a-quote-token"),
        wanted(&set[..1], from),
    );
    client.expect("a bad token refused", LIMIT, |c| {
        matches!(c.link, Link::Ended(_)) || c.closed
    });
    assert_eq!(client.link, Link::Ended(Ended::TokenRejected));

    // An expired token is refused too; a renewed one works.
    sim.hook("/sim/market/expire-quote-tokens", json!({}));
    let mut client = Client::connect(&url, &token.token, wanted(&set[..1], from));
    client.expect("an expired token refused", LIMIT, |c| {
        matches!(c.link, Link::Ended(_)) || c.closed
    });
    assert_eq!(client.link, Link::Ended(Ended::TokenRejected));
    let renewed = sim.quote_token();
    assert_ne!(renewed.token, token.token);
    let mut client = Client::connect(&renewed.dxlink_url, &renewed.token, wanted(&set[..1], from));
    client.expect("live with a renewed token", LIMIT, |c| {
        c.link == Link::Live && c.has(EventType::Quote, "SPY")
    });
}
