//! What the simulator really serves parses into the shared models (Issue 6 §6): the router
//! runs in-process (as in `simulator/tests/`), signs in through its own grant hook and token
//! endpoint, and every account endpoint the app calls is read for every demo account, with
//! the list filters the screens use, each order and transaction by id, every net-liq
//! `time-back`, then again after orders were placed, filled and cancelled and the market moved.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use pocket_contract::{parse, parse_data, Contract, Source};
use pocket_shared::tastytrade::*;
use pocket_sim::config::{CLIENT_ID, CLIENT_SECRET};
use pocket_sim::{router, Config, SimState};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tower::ServiceExt as _;

/// A Wednesday after the fixtures' as-of date, so the generated history is deterministic.
const TODAY: &str = "2026-12-02";
/// docs/tastytrade.md §6.6.
const TIME_BACKS: [&str; 7] = ["1d", "1w", "1m", "3m", "6m", "1y", "all"];

struct Client {
    app: Router,
    token: String,
}

impl Client {
    /// A quiet simulator with a frozen market, signed in as the demo customer (`read trade`).
    async fn signed_in() -> Self {
        let config = Config {
            log_requests: false,
            ticks_per_sec: 0.0,
            today: Some(TODAY.parse().expect("a date")),
            ..Config::default()
        };
        let mut client = Self {
            app: router(SimState::new(config).expect("the simulator starts")),
            token: String::new(),
        };
        let grant = client.raw("POST", "/sim/grants", Some("{}".into())).await;
        let refresh = json_of("POST /sim/grants", &grant.1)["refresh-token"].clone();
        let body = json!({
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        });
        let answer = client
            .raw("POST", "/oauth/token", Some(body.to_string()))
            .await;
        let access = &json_of("POST /oauth/token", &answer.1)["access_token"];
        client.token = access.as_str().expect("an access token").to_owned();
        client
    }

    /// Sends as the worker would (a loopback `Host`, a `User-Agent`, the bearer token once
    /// signed in); returns the status and the body.
    async fn raw(&self, method: &str, path: &str, body: Option<String>) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1:7878")
            .header(header::USER_AGENT, "pocket-contract/1.0")
            .header(header::ACCEPT, "application/json");
        if !self.token.is_empty() {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req.body(Body::from(body.unwrap_or_default())).unwrap();
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let bytes = to_bytes(resp.into_body(), usize::MAX).await.expect("body");
        (status, bytes.to_vec())
    }

    /// A successful answer's body; anything else fails, naming the endpoint.
    async fn ok(&self, method: &str, path: &str, body: Option<String>) -> Vec<u8> {
        let (status, bytes) = self.raw(method, path, body).await;
        assert!(
            status.is_success(),
            "{method} {path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        bytes
    }

    /// `GET path`, parsed and checked as `T`, the account's when `account` is given.
    async fn get<T: Contract>(&self, path: &str, account: Option<&str>) -> T {
        let endpoint = format!("GET {path}");
        let body = self.ok("GET", path, None).await;
        parse(source(&endpoint, account), &body)
    }

    /// `method path` with `order` as the body (the shared model's own serialization: what the
    /// app sends), the answer parsed and checked as an order preview.
    async fn send_order(
        &self,
        method: &str,
        path: &str,
        account: &str,
        order: &NewOrder,
    ) -> OrderPreview {
        let endpoint = format!("{method} {path}");
        let body = serde_json::to_string(order).expect("an order serializes");
        let answer = self.ok(method, path, Some(body)).await;
        parse::<Envelope<OrderPreview>>(Source::of_account(&endpoint, account), &answer).data
    }
}

fn source<'a>(endpoint: &'a str, account: Option<&'a str>) -> Source<'a> {
    match account {
        Some(n) => Source::of_account(endpoint, n),
        None => Source::new(endpoint),
    }
}

fn json_of(endpoint: &str, body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{endpoint}: not JSON: {e}"))
}

/// Query strings take symbols and names percent-encoded.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn equity_order(symbol: &str, action: &'static str, price: Option<&str>) -> NewOrder {
    NewOrder {
        time_in_force: "Day".into(),
        gtc_date: None,
        order_type: if price.is_some() { "Limit" } else { "Market" }.into(),
        price: price.map(|p| p.parse().expect("a price")),
        price_effect: price.map(|_| {
            if action.starts_with("Buy") {
                "Debit"
            } else {
                "Credit"
            }
        }),
        stop_trigger: None,
        source: Some("pocket-contract"),
        legs: vec![NewLeg {
            instrument_type: "Equity",
            symbol: symbol.into(),
            quantity: 1,
            action,
        }],
    }
}

/// Every account endpoint of one account, with the filters the screens use.
async fn check_account(c: &Client, number: &str) {
    let n = Some(number);
    let at = |path: &str| format!("/accounts/{number}/{path}");
    let balances: BalancesResponse = c.get(&at("balances"), n).await;
    let positions: PositionsResponse = c.get(&at("positions?include-marks=true"), n).await;
    c.get::<PositionsResponse>(&at("positions"), n).await;

    let orders: OrdersResponse = c.get(&at("orders?per-page=2000&sort=Asc"), n).await;
    assert!(!orders.data.items.is_empty(), "{}: no orders", at("orders"));
    let underlying = positions.data.items[0].underlying_symbol.clone();
    for filter in [
        String::new(),
        "status[]=Filled".into(),
        "status[]=Cancelled&status[]=Rejected&status[]=Expired&status[]=Live".into(),
        format!("start-date={TODAY}&end-date={TODAY}"),
        "per-page=3&page-offset=1".into(),
        format!(
            "underlying-symbol={}",
            encode(underlying.as_deref().unwrap_or("SPY"))
        ),
    ] {
        c.get::<OrdersResponse>(&at(&format!("orders?{filter}")), n)
            .await;
    }
    c.get::<OrdersResponse>(&at("orders/live"), n).await;
    for id in orders.data.items.iter().filter_map(|o| o.id) {
        c.get::<OrderResponse>(&at(&format!("orders/{id}")), n)
            .await;
    }

    let transactions: TransactionsResponse =
        c.get(&at("transactions?per-page=2000&sort=Asc"), n).await;
    assert!(
        !transactions.data.items.is_empty(),
        "{}: no transactions",
        at("transactions")
    );
    for filter in [
        "",
        "type=Trade",
        "types[]=Money%20Movement&sub-type[]=Deposit",
        "start-date=2026-11-01&end-date=2026-12-02",
        "per-page=5&page-offset=2",
    ] {
        c.get::<TransactionsResponse>(&at(&format!("transactions?{filter}")), n)
            .await;
    }
    for id in transactions.data.items.iter().filter_map(|t| t.id) {
        c.get::<TransactionResponse>(&at(&format!("transactions/{id}")), n)
            .await;
    }
    c.get::<TotalFeesResponse>(&at("transactions/total-fees"), n)
        .await;
    c.get::<TotalFeesResponse>(&at("transactions/total-fees?date=2026-11-20"), n)
        .await;

    let nlv = balances.data.0.net_liquidating_value;
    for back in TIME_BACKS {
        let path = at(&format!("net-liq/history?time-back={back}"));
        let history: NetLiqHistoryResponse = c.get(&path, n).await;
        let last = history.data.items.last().map(|p| p.close);
        assert_eq!(last, Some(nlv), "{path}: ends at the balances' net liq");
    }
    c.get::<NetLiqHistoryResponse>(
        &at(&format!("net-liq/history?start-time={TODAY}T19:00:00Z")),
        n,
    )
    .await;

    for query in [
        "",
        "start-date=2026-11-01",
        "start-date=2026-11-01&time-of-day=BOD",
        "time-of-day=Intraday",
        "snapshot-date=2026-11-20",
    ] {
        let path = at(&format!("balance-snapshots?{query}"));
        let snapshots: BalanceSnapshotsResponse = c.get(&path, n).await;
        assert!(!snapshots.data.items.is_empty(), "{path}: none");
    }
    c.get::<TradingStatusResponse>(&at("trading-status"), n)
        .await;
    c.get::<MarginRequirementsResponse>(&format!("/margin/accounts/{number}/requirements"), n)
        .await;
}

/// The instruments, chains and search the ticket and the chain screen read.
async fn check_instruments(c: &Client) {
    for symbol in ["AAPL", "SPY", "VTI"] {
        c.get::<Envelope<EquityInstrument>>(&format!("/instruments/equities/{symbol}"), None)
            .await;
        c.get::<Envelope<Items<NestedChain>>>(&format!("/option-chains/{symbol}/nested"), None)
            .await;
    }
    let futures: Envelope<Items<FutureInstrument>> =
        c.get("/instruments/futures?symbol[]=%2FESZ6", None).await;
    assert_eq!(futures.data.items.len(), 1, "/ESZ6 is known");
    c.get::<Envelope<FuturesChain>>("/futures-option-chains/ES/nested", None)
        .await;
    for prefix in ["AA", "apple", "SP"] {
        let found: Envelope<Items<SymbolMatch>> =
            c.get(&format!("/symbols/search/{prefix}"), None).await;
        assert!(!found.data.items.is_empty(), "search {prefix}: nothing");
    }
}

/// Market data the app reads besides the stream: the quote token, metrics, the session.
async fn check_market_data(c: &Client) {
    let path = "/api-quote-tokens";
    let token = parse_data(
        Source::new(path),
        &c.ok("GET", path, None).await,
        ApiQuoteToken::from_json,
    );
    assert!(token.expires_at_ms().is_some(), "{path}: expires-at");
    let metrics: MarketMetricsResponse = c
        .get("/market-metrics?symbols=AAPL,SPY,VTI,QQQ", None)
        .await;
    assert_eq!(metrics.data.items.len(), 4, "metrics for every stock");
    assert!(
        metrics.data.items.iter().all(|m| m.beta.is_some()
            && m.implied_volatility_index_rank.is_some()
            && m.implied_volatility_index.is_some()),
        "beta, IV rank and IV for the risk summary and watchlists"
    );
    let path = "/market-time/sessions/current?instrument-collections[]=Equity";
    let session = parse_data(
        Source::new(path),
        &c.ok("GET", path, None).await,
        MarketSession::from_json,
    );
    assert!(session.state.is_some(), "{path}: state");
}

async fn check_watchlists(c: &Client) {
    for (list, one) in [
        ("watchlists", "watchlists"),
        ("public-watchlists", "public-watchlists"),
    ] {
        let all: WatchlistsResponse = c.get(&format!("/{list}"), None).await;
        assert!(!all.data.items.is_empty(), "/{list}: none");
        for w in &all.data.items {
            c.get::<WatchlistResponse>(&format!("/{one}/{}", encode(&w.name)), None)
                .await;
        }
    }
    c.get::<WatchlistsResponse>("/public-watchlists?counts-only=true", None)
        .await;
}

#[tokio::test]
async fn every_endpoint_the_app_reads_parses_into_the_shared_models() {
    let c = Client::signed_in().await;
    let customer: CustomerResponse = c.get("/customers/me", None).await;
    let accounts: AccountsResponse = c.get("/customers/me/accounts", None).await;
    let id = customer.data.id.expect("checked");
    c.get::<AccountsResponse>(&format!("/customers/{id}/accounts"), None)
        .await;
    for a in &accounts.data.items {
        check_account(&c, &a.account.account_number).await;
    }
    check_watchlists(&c).await;
    check_instruments(&c).await;
    check_market_data(&c).await;
}

/// Orders the broker made (a fill, a working order, its cancellation) and a moved market:
/// the account's answers still parse, and its history still ends at today's balances.
#[tokio::test]
async fn answers_after_trading_and_a_market_move_parse_too() {
    let c = Client::signed_in().await;
    let n = "5WT00001";
    let orders = format!("/accounts/{n}/orders");
    let dry_run = format!("{orders}/dry-run");
    let buy = equity_order("AAPL", "Buy to Open", Some("400.0"));
    let preview = c.send_order("POST", &dry_run, n, &buy).await;
    assert!(preview.order.id.is_none(), "a dry-run places nothing");
    let filled = c.send_order("POST", &orders, n, &buy).await;
    let filled_id = filled.order.id.expect("a placed order has an id");
    let working = equity_order("MSFT", "Buy to Open", Some("1.0"));
    let working = c.send_order("POST", &orders, n, &working).await;
    let working_id = working.order.id.expect("a placed order has an id");
    let replacement = NewOrder {
        legs: Vec::new(),
        ..equity_order("MSFT", "Buy to Open", Some("2.0"))
    };
    let path = format!("{orders}/{working_id}/dry-run");
    c.send_order("POST", &path, n, &replacement).await;

    let endpoint = format!("DELETE {orders}/{working_id}");
    let body = c
        .ok("DELETE", &format!("{orders}/{working_id}"), None)
        .await;
    let cancelled = parse::<OrderResponse>(Source::of_account(&endpoint, n), &body).data;
    assert!(
        matches!(
            cancelled.status,
            Some(OrderStatus::Cancelled | OrderStatus::CancelRequested)
        ),
        "{endpoint}: {:?}",
        cancelled.status
    );
    let step = c
        .raw("POST", "/sim/market/step", Some(r#"{"ticks": 50}"#.into()))
        .await;
    assert_eq!(step.0, StatusCode::OK, "the market steps");

    let mine: OrderResponse = c.get(&format!("{orders}/{filled_id}"), Some(n)).await;
    assert_eq!(mine.data.status, Some(OrderStatus::Filled));
    let fees: TotalFeesResponse = c
        .get(&format!("/accounts/{n}/transactions/total-fees"), Some(n))
        .await;
    assert!(
        fees.data.signed().is_some_and(|f| f < Decimal::ZERO),
        "today's fill paid fees"
    );
    check_account(&c, n).await;
}
