//! Test hooks, counters, failure injection, latency, Create Grant, logging, CLI.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode, Uri};
use clap::Parser as _;
use pocket_sim::config::{CLIENT_SECRET, DEFAULT_REDIRECT_URI};
use pocket_sim::{log_line, Cli, Config};
use serde_json::{json, Value};

use crate::common::*;

fn refresh_body(refresh: &str) -> Value {
    json!({ "grant_type": "refresh_token", "refresh_token": refresh, "client_secret": CLIENT_SECRET })
}

#[tokio::test]
async fn stats_count_grants_and_requests() {
    let sim = Sim::new();
    assert_eq!(
        sim.stats().await,
        json!({"grants":{"authorization-code":0,"refresh-token":0},"token-requests":0,"api-requests":0})
    );
    let (token, refresh) = sim.login().await;
    sim.token(&refresh_body(&refresh)).await;
    sim.token(&refresh_body("bogus")).await; // counted as a request, not a grant
    sim.api("/customers/me", &token).await;
    sim.api("/accounts/5WX99999/balances", &token).await; // 403s count too
    sim.get("/customers/me").await; // 401s count too
    assert_eq!(
        sim.stats().await,
        json!({"grants":{"authorization-code":1,"refresh-token":1},"token-requests":3,"api-requests":3})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_are_exact_under_concurrency() {
    let sim = Sim::new();
    let (token, refresh) = sim.login().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let sim = sim.clone();
        let (token, refresh) = (token.clone(), refresh.clone());
        tasks.push(tokio::spawn(async move {
            if i % 4 == 0 {
                assert_eq!(
                    sim.token(&refresh_body(&refresh)).await.status,
                    StatusCode::OK
                );
            } else {
                let resp = sim.api("/accounts/5WT00001/positions", &token).await;
                assert_eq!(resp.status, StatusCode::OK);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let stats = sim.stats().await;
    assert_eq!(stats["api-requests"], 150);
    assert_eq!(stats["token-requests"], 51);
    assert_eq!(stats["grants"]["refresh-token"], 50);
    assert_eq!(stats["grants"]["authorization-code"], 1);
}

#[tokio::test]
async fn fail_next_fails_matching_requests_then_stops() {
    let sim = Sim::new();
    let (token, refresh) = sim.login().await;
    let resp = sim
        .post_json(
            "/sim/fail-next",
            &json!({"count": 2, "status": 503, "path-prefix": "/accounts"}),
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    // Not matching the prefix: untouched.
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    for _ in 0..2 {
        sim.api("/accounts/5WT00001/balances", &token)
            .await
            .assert_api_error(StatusCode::SERVICE_UNAVAILABLE, "simulated_failure");
    }
    assert_eq!(
        sim.api("/accounts/5WT00001/balances", &token).await.status,
        StatusCode::OK
    );

    // The token endpoint too, and without a prefix anything API-ish matches.
    sim.post_json("/sim/fail-next", &json!({"count": 1, "status": 500}))
        .await;
    sim.token(&refresh_body(&refresh))
        .await
        .assert_api_error(StatusCode::INTERNAL_SERVER_ERROR, "simulated_failure");
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.status,
        StatusCode::OK
    );

    // Hooks and the authorize page are never failed.
    sim.post_json("/sim/fail-next", &json!({"count": 1, "status": 502}))
        .await;
    assert_eq!(sim.get("/sim/stats").await.status, StatusCode::OK);
    assert_eq!(
        sim.authorize(&auth_params(&[])).await.status,
        StatusCode::OK
    );
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::BAD_GATEWAY
    );

    // count 0 clears.
    sim.post_json("/sim/fail-next", &json!({"count": 5, "status": 503}))
        .await;
    sim.post_json("/sim/fail-next", &json!({"count": 0})).await;
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );

    sim.post_json("/sim/fail-next", &json!({"count": 1, "status": 200}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    sim.post_json("/sim/fail-next", &json!({"cuont": 1}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn config_hook_updates_and_reset_restores() {
    let sim = Sim::with(|c| c.access_token_ttl = 600);
    let before = sim.get("/sim/config").await.json();
    assert_eq!(before["access-token-ttl"], 600);
    assert_eq!(before["require-pkce"], false);
    assert_eq!(before["redirect-uris"], json!([DEFAULT_REDIRECT_URI]));

    let resp = sim
        .post_json(
            "/sim/config",
            &json!({"access-token-ttl": 5, "require-pkce": true}),
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.json()["access-token-ttl"], 5);
    assert_eq!(
        resp.json()["latency-ms"],
        0,
        "partial update leaves the rest"
    );

    // New TTL is used; PKCE now required.
    let code = sim.code().await;
    sim.token(&exchange_body(&code))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    sim.post_json("/sim/config", &json!({"require-pkce": false}))
        .await;
    let (_, refresh) = sim.login().await;
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.json()["expires_in"],
        5
    );

    sim.post_json("/sim/config", &json!({"bogus": 1}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    sim.post_json("/sim/config", &json!({"latency-ms": "fast"}))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");

    sim.post_json(
        "/sim/config",
        &json!({"latency-ms": 20, "require-pkce": true}),
    )
    .await;
    sim.post_json("/sim/fail-next", &json!({"count": 3})).await;
    let resp = sim.post_json("/sim/reset", &Value::Null).await;
    assert_eq!(resp.status, StatusCode::OK);
    let stats = sim.stats().await;
    assert_eq!(stats["token-requests"], 0);
    assert_eq!(stats["grants"]["authorization-code"], 0);
    let after = sim.get("/sim/config").await.json();
    assert_eq!(after, before);
    // fail-next was cleared; tokens survive a reset.
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn latency_applies_to_api_and_token_requests() {
    let sim = Sim::new();
    let (token, refresh) = sim.login().await;
    sim.post_json("/sim/config", &json!({"latency-ms": 150}))
        .await;
    let start = Instant::now();
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    assert!(start.elapsed() >= Duration::from_millis(150));
    let start = Instant::now();
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.status,
        StatusCode::OK
    );
    assert!(start.elapsed() >= Duration::from_millis(150));
    // Hooks stay fast.
    let start = Instant::now();
    sim.get("/sim/stats").await;
    assert!(start.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn empty_positions_hook() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    sim.post_json("/sim/config", &json!({"empty-positions": ["5WT00002"]}))
        .await;
    let body = sim.api("/accounts/5WT00002/positions", &token).await.json();
    assert_eq!(body["data"]["items"], json!([]));
    assert_eq!(body["context"], "/accounts/5WT00002/positions");
    let other = sim.api("/accounts/5WT00001/positions", &token).await.json();
    assert!(!other["data"]["items"].as_array().unwrap().is_empty());
    sim.post_json("/sim/reset", &Value::Null).await;
    let body = sim.api("/accounts/5WT00002/positions", &token).await.json();
    assert!(!body["data"]["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn empty_history_hook() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    let history = |n: &str, query: &str| format!("/accounts/{n}/net-liq/history?{query}");
    let snapshots = |n: &str| format!("/accounts/{n}/balance-snapshots?start-date=2000-01-01");
    let items = |body: &Value| body["data"]["items"].as_array().unwrap().len();
    sim.post_json("/sim/config", &json!({"empty-history": ["5WT00002"]}))
        .await;
    assert_eq!(
        sim.get("/sim/config").await.json()["empty-history"],
        json!(["5WT00002"])
    );
    for query in [
        "time-back=1d",
        "time-back=all",
        "start-time=2000-01-01T00:00:00Z",
    ] {
        let resp = sim.api(&history("5WT00002", query), &token).await;
        assert_eq!(resp.status, StatusCode::OK, "{query}");
        assert_eq!(resp.json(), json!({"data": {"items": []}}), "{query}");
    }
    let body = sim.api(&snapshots("5WT00002"), &token).await.json();
    assert_eq!(items(&body), 0);
    assert_eq!(body["pagination"]["total-items"], 0);
    // Other accounts keep theirs, and a bad query is still refused.
    let other = sim.api(&history("5WT00001", "time-back=all"), &token).await;
    assert!(items(&other.json()) > 400);
    let total = |body: Value| body["pagination"]["total-items"].as_u64().unwrap();
    assert!(total(sim.api(&snapshots("5WT00001"), &token).await.json()) > 400);
    assert_eq!(
        sim.api(&history("5WT00002", "time-back=2y"), &token)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    sim.post_json("/sim/reset", &Value::Null).await;
    let body = sim
        .api(&history("5WT00002", "time-back=all"), &token)
        .await
        .json();
    assert!(items(&body) > 400);
}

#[tokio::test]
async fn minted_grants_work_with_the_refresh_grant() {
    let sim = Sim::new();
    let resp = sim.post_json("/sim/grants", &Value::Null).await;
    assert_eq!(resp.status, StatusCode::OK);
    let refresh = resp.json()["refresh-token"].as_str().unwrap().to_owned();
    let body = sim.token(&refresh_body(&refresh)).await.json();
    let access = body["access_token"].as_str().unwrap();
    let accounts = sim.api("/customers/me/accounts", access).await;
    assert_eq!(accounts.status, StatusCode::OK);

    let page = sim.get("/grants").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("id=\"create-grant\""));
    assert!(!page.text().contains("id=\"refresh-token\""));
    let page = post_grants_form(&sim, Some("http://localhost:7878")).await;
    let html = page.text();
    let start =
        html.find("id=\"refresh-token\">").expect("token shown") + "id=\"refresh-token\">".len();
    let token = &html[start..start + html[start..].find('<').unwrap()];
    assert_eq!(sim.token(&refresh_body(token)).await.status, StatusCode::OK);
}

#[test]
fn log_line_never_contains_the_query() {
    let uri: Uri = "/auth.html?code=SECRETCODE&state=SECRETSTATE"
        .parse()
        .unwrap();
    let line = log_line(
        &Method::GET,
        &uri,
        StatusCode::FOUND,
        Duration::from_millis(7),
    );
    assert_eq!(line, "GET /auth.html 302 7ms");
}

#[test]
fn cli_flags_build_the_config() {
    let cli = Cli::try_parse_from([
        "pocket-sim",
        "--port",
        "7000",
        "--access-token-ttl",
        "30",
        "--code-ttl",
        "5",
        "--require-pkce",
        "--latency-ms",
        "25",
        "--redirect-uri",
        "http://localhost:3000/cb",
        "--redirect-uri",
        "http://localhost:3001/cb",
    ])
    .unwrap();
    assert_eq!((cli.host.as_str(), cli.port), ("127.0.0.1", 7000));
    let config = Config::try_from(&cli).unwrap();
    assert_eq!(config.access_token_ttl, 30);
    assert_eq!(config.code_ttl, 5);
    assert!(config.require_pkce);
    assert_eq!(config.latency_ms, 25);
    assert_eq!(
        config.redirect_uris,
        [
            DEFAULT_REDIRECT_URI,
            "http://localhost:3000/cb",
            "http://localhost:3001/cb"
        ]
    );
    let defaults = Config::try_from(&Cli::try_parse_from(["pocket-sim"]).unwrap()).unwrap();
    assert_eq!(defaults.access_token_ttl, 900);
    assert_eq!(defaults.code_ttl, 60);
    assert!(!defaults.require_pkce);
    for bad in ["http://localhost/cb#frag", "not a uri", "ftp://host/cb"] {
        let cli = Cli::try_parse_from(["pocket-sim", "--redirect-uri", bad]).unwrap();
        assert!(Config::try_from(&cli).is_err(), "{bad}");
    }
}

// ---- hook guard ---------------------------------------------------------------------------

async fn get_with_host(sim: &Sim, path: &str, host: &str) -> Resp {
    let req = Request::get(path)
        .header(header::HOST, host)
        .header(header::USER_AGENT, UA)
        .body(Body::empty())
        .unwrap();
    sim.send(req).await
}

#[tokio::test]
async fn hooks_answer_only_a_loopback_host() {
    let sim = Sim::new();
    for host in [
        "localhost:7878",
        "LOCALHOST",
        "127.0.0.1",
        "127.5.6.7:1",
        "[::1]:7878",
        "app.localhost:8787",
    ] {
        let resp = get_with_host(&sim, "/sim/stats", host).await;
        assert_eq!(resp.status, StatusCode::OK, "{host}");
    }
    // DNS rebinding: a name of the attacker's own that resolves to 127.0.0.1.
    for host in [
        "evil.example",
        "evil.example:7878",
        "127.0.0.1.nip.io",
        "localhost.evil.example",
        "10.0.0.5:7878",
        "",
    ] {
        for path in ["/sim/stats", "/sim/config", "/sim/issued-tokens", "/grants"] {
            get_with_host(&sim, path, host)
                .await
                .assert_api_error(StatusCode::FORBIDDEN, "loopback_only");
        }
        let req = Request::post("/sim/revoke-grants")
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        sim.send(req)
            .await
            .assert_api_error(StatusCode::FORBIDDEN, "loopback_only");
    }
    // The tastytrade API itself answers any Host, as tastytrade does.
    let (token, _) = sim.login().await;
    let req = Request::get("/customers/me")
        .header(header::HOST, "api.example")
        .header(header::USER_AGENT, UA)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(sim.send(req).await.status, StatusCode::OK);
}

#[tokio::test]
async fn state_changing_hooks_take_only_json() {
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    for path in [
        "/sim/revoke-grants",
        "/sim/expire-access-tokens",
        "/sim/reset",
        "/sim/fail-next",
        "/sim/config",
        "/sim/grants",
    ] {
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            sim.post_raw(path, content_type, "{}")
                .await
                .assert_api_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        }
        let req = Request::post(path).body(Body::from("{}")).unwrap();
        assert_eq!(
            sim.send(req).await.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path}"
        );
    }
    // None of them did anything: the token still works.
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    // A parameterised JSON type is still JSON.
    let resp = sim
        .post_raw(
            "/sim/revoke-grants",
            "Application/JSON; charset=utf-8",
            "{}",
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn post_grants_form(sim: &Sim, origin: Option<&str>) -> Resp {
    let mut req = Request::post("/grants")
        .header(header::HOST, "localhost:7878")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        req = req.header(header::ORIGIN, origin);
    }
    sim.send(req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn create_grant_form_must_come_from_its_own_page() {
    let sim = Sim::new();
    for origin in [
        None,
        Some("null"),
        Some("http://evil.example"),
        Some("http://localhost:7879"),
    ] {
        post_grants_form(&sim, origin)
            .await
            .assert_api_error(StatusCode::FORBIDDEN, "cross_origin");
    }
    assert!(sim.get("/sim/issued-tokens").await.json()["refresh-tokens"]
        .as_array()
        .unwrap()
        .is_empty());
    let page = post_grants_form(&sim, Some("http://localhost:7878")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("id=\"refresh-token\""));
}

// ---- failure modes ------------------------------------------------------------------------

#[tokio::test]
async fn fail_next_can_answer_in_the_token_error_shape() {
    let sim = Sim::new();
    let (_, refresh) = sim.login().await;
    sim.post_json(
        "/sim/fail-next",
        &json!({"error-code": "invalid_client", "status": 401, "path-prefix": "/oauth/token"}),
    )
    .await;
    let resp = sim.token(&refresh_body(&refresh)).await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    let body = resp.json();
    assert_eq!(body["error_code"], "invalid_client");
    assert!(body["error_description"].is_string());
    assert!(body.get("error").is_none(), "not the API envelope: {body}");
    // Without a status it is a 400, the usual token error status.
    sim.post_json("/sim/fail-next", &json!({"error-code": "invalid_grant"}))
        .await;
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        sim.token(&refresh_body(&refresh)).await.status,
        StatusCode::OK
    );

    for bad in [
        json!({"mode": "drop", "status": 500}),
        json!({"mode": "hang", "error-code": "x"}),
        json!({"mode": "respond", "hang-ms": 5}),
        json!({"mode": "explode"}),
        json!({"mode": "hang", "hang-ms": 10_000_000}),
        json!({"error-code": ""}),
    ] {
        sim.post_json("/sim/fail-next", &bad)
            .await
            .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
}

/// Sends one raw HTTP/1.1 request to a real server and reads until the server closes.
async fn raw_exchange(addr: std::net::SocketAddr, request: &str) -> (Vec<u8>, Duration) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    // A reset is as good as a close here: either way no complete answer arrives.
    let _ = stream.read_to_end(&mut out).await;
    (out, start.elapsed())
}

async fn serve_real() -> (
    std::net::SocketAddr,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sim = pocket_sim::SimState::new(quiet_config()).unwrap();
    (addr, tokio::spawn(pocket_sim::serve(sim, listener)))
}

async fn raw_post_json(addr: std::net::SocketAddr, path: &str, body: &str) -> String {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    String::from_utf8(raw_exchange(addr, &request).await.0).unwrap()
}

const TOKEN_REQUEST: &str = "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: t/1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

#[tokio::test]
async fn fail_next_drop_closes_without_an_answer() {
    let (addr, server) = serve_real().await;
    let echo = raw_post_json(addr, "/sim/fail-next", r#"{"mode":"drop"}"#).await;
    assert!(echo.starts_with("HTTP/1.1 200"), "{echo}");
    let (out, _) = raw_exchange(addr, TOKEN_REQUEST).await;
    // Not a byte: hyper gives up on the response before its head is written.
    assert!(out.is_empty(), "{:?}", String::from_utf8_lossy(&out));
    // Spent: the next request is answered (invalid_request for an empty body).
    let (out, _) = raw_exchange(addr, TOKEN_REQUEST).await;
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 400"));
    server.abort();
}

#[tokio::test]
async fn fail_next_hang_waits_then_drops() {
    let (addr, server) = serve_real().await;
    raw_post_json(addr, "/sim/fail-next", r#"{"mode":"hang","hang-ms":300}"#).await;
    let (out, elapsed) = raw_exchange(addr, TOKEN_REQUEST).await;
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(out.is_empty(), "{:?}", String::from_utf8_lossy(&out));
    server.abort();
}

#[tokio::test]
async fn fail_next_sends_statuses_beyond_599_on_the_wire() {
    // What a broken upstream could send: the worker must turn it into a 502.
    let (addr, server) = serve_real().await;
    for status in [600, 999] {
        let echo =
            raw_post_json(addr, "/sim/fail-next", &format!(r#"{{"status":{status}}}"#)).await;
        assert!(echo.starts_with("HTTP/1.1 200"), "{echo}");
        let (out, _) = raw_exchange(addr, TOKEN_REQUEST).await;
        let out = String::from_utf8_lossy(&out);
        assert!(out.starts_with(&format!("HTTP/1.1 {status} ")), "{out}");
        assert!(out.contains(r#""code":"simulated_failure""#), "{out}");
    }
    server.abort();

    // Through the router too, for an API path; 1xx, 2xx, 3xx and 1000+ are refused.
    let sim = Sim::new();
    let (token, _) = sim.login().await;
    sim.post_json(
        "/sim/fail-next",
        &json!({"status": 600, "path-prefix": "/customers"}),
    )
    .await;
    sim.api("/customers/me", &token)
        .await
        .assert_api_error(StatusCode::from_u16(600).unwrap(), "simulated_failure");
    assert_eq!(
        sim.api("/customers/me", &token).await.status,
        StatusCode::OK
    );
    for status in [100, 101, 199, 200, 302, 399, 1000] {
        sim.post_json("/sim/fail-next", &json!({ "status": status }))
            .await
            .assert_api_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
}

#[tokio::test]
async fn issued_tokens_lists_what_the_simulator_honours() {
    let sim = Sim::new();
    let (access, refresh) = sim.login().await;
    let resp = sim.get("/sim/issued-tokens").await;
    assert_eq!(
        resp.header(header::CACHE_CONTROL).as_deref(),
        Some("no-store")
    );
    let body = resp.json();
    assert_eq!(body["access-tokens"], json!([access]));
    assert_eq!(body["refresh-tokens"], json!([refresh]));
    sim.post_json("/sim/revoke-grants", &json!({})).await;
    let body = sim.get("/sim/issued-tokens").await.json();
    assert_eq!(
        body,
        json!({"access-tokens": [], "refresh-tokens": [], "quote-tokens": []})
    );
}
