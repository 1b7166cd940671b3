//! pocket-sim: a local stand-in for tastytrade's OAuth pages, token endpoint and the account
//! REST endpoints the app uses. See `simulator/README.md` and `docs/contracts.md`.

mod api;
mod broker;
mod chains;
pub mod config;
pub mod dates;
pub mod decimal;
mod dxlink;
pub mod fixtures;
mod history;
mod hooks;
mod html;
mod instruments;
pub mod ledger;
mod live;
pub mod market;
mod market_hooks;
mod marketdata;
mod oauth;
mod orders;
mod query;
mod respond;
mod state;
mod status;
mod transactions;
mod watchlists;

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

pub use config::{Cli, Config};
pub use oauth::redirect_with;
pub use state::SimState;

/// The whole simulator as an axum router.
pub fn router(sim: SimState) -> Router {
    let api = Router::new()
        .route("/customers/{id}", get(api::customer))
        .route("/customers/{id}/accounts", get(api::customer_accounts))
        .route("/customers/{id}/accounts/{n}", get(api::customer_account))
        .route("/accounts/{n}/balances", get(api::balances))
        .route(
            "/accounts/{n}/balances/{currency}",
            get(api::balances_currency),
        )
        .route("/accounts/{n}/positions", get(api::positions))
        .route(
            "/accounts/{n}/orders",
            get(orders::list).post(broker::routes::place),
        )
        .route(
            "/accounts/{n}/orders/dry-run",
            post(broker::routes::dry_run),
        )
        .route("/accounts/{n}/orders/live", get(orders::live))
        .route(
            "/accounts/{n}/orders/{id}",
            get(orders::by_id)
                .put(broker::routes::replace)
                .delete(broker::routes::cancel),
        )
        .route(
            "/accounts/{n}/orders/{id}/dry-run",
            post(broker::routes::replace_dry_run),
        )
        .route("/accounts/{n}/transactions", get(transactions::list))
        .route(
            "/accounts/{n}/transactions/total-fees",
            get(transactions::total_fees),
        )
        .route("/accounts/{n}/transactions/{id}", get(transactions::by_id))
        .route(
            "/accounts/{n}/balance-snapshots",
            get(history::balance_snapshots),
        )
        .route(
            "/accounts/{n}/net-liq/history",
            get(history::net_liq_history),
        )
        .route("/accounts/{n}/trading-status", get(status::trading_status))
        .route(
            "/margin/accounts/{n}/requirements",
            get(status::margin_requirements),
        )
        .route(
            "/watchlists",
            get(watchlists::list).post(watchlists::create),
        )
        .route(
            "/watchlists/{name}",
            get(watchlists::get)
                .put(watchlists::replace)
                .delete(watchlists::delete),
        )
        .route("/public-watchlists", get(watchlists::public_list))
        .route("/public-watchlists/{name}", get(watchlists::public_get))
        .route("/api-quote-tokens", get(marketdata::quote_token))
        .route("/market-metrics", get(marketdata::metrics))
        .route("/market-data/by-type", get(marketdata::by_type))
        .route("/market-time/sessions/current", get(marketdata::sessions))
        .route("/instruments/equities", get(instruments::equities))
        .route(
            "/instruments/equities/{symbol}",
            get(instruments::equity_by_symbol),
        )
        .route(
            "/instruments/equity-options",
            get(instruments::equity_options),
        )
        .route(
            "/instruments/equity-options/{symbol}",
            get(instruments::equity_option_by_symbol),
        )
        .route("/instruments/futures", get(instruments::futures))
        .route(
            "/instruments/futures/{symbol}",
            get(instruments::future_by_symbol),
        )
        .route(
            "/instruments/future-products",
            get(instruments::future_products),
        )
        .route(
            "/instruments/future-products/{exchange}/{code}",
            get(instruments::future_product_by_code),
        )
        .route(
            "/instruments/future-options",
            get(instruments::future_options),
        )
        .route(
            "/instruments/future-options/{symbol}",
            get(instruments::future_option_by_symbol),
        )
        .route("/symbols/search/{prefix}", get(instruments::search))
        .route("/option-chains/{underlying}", get(chains::flat))
        .route("/option-chains/{underlying}/nested", get(chains::nested))
        .route(
            "/futures-option-chains/{product}/nested",
            get(chains::futures_nested),
        )
        .fallback(api::fallback)
        .layer(middleware::from_fn_with_state(sim.clone(), api::api_gate))
        .with_state(sim.clone());

    let hooks = Router::new()
        .route(
            "/grants",
            get(hooks::grants_page).post(hooks::grants_create),
        )
        .route("/sim/stats", get(hooks::stats))
        .route("/sim/reset", post(hooks::reset))
        .route(
            "/sim/config",
            get(hooks::get_config).post(hooks::set_config),
        )
        .route("/sim/fail-next", post(hooks::fail_next))
        .route("/sim/orders/fail-next", post(broker::routes::fail_next))
        .route(
            "/sim/expire-access-tokens",
            post(hooks::expire_access_tokens),
        )
        .route("/sim/revoke-grants", post(hooks::revoke_grants))
        .route("/sim/grants", post(hooks::mint_grant))
        .route("/sim/issued-tokens", get(hooks::issued_tokens))
        .route("/sim/market", get(market_hooks::get))
        .route("/sim/market/pause", post(market_hooks::pause))
        .route("/sim/market/resume", post(market_hooks::resume))
        .route("/sim/market/reset", post(market_hooks::reset))
        .route("/sim/market/pin", post(market_hooks::pin))
        .route("/sim/market/tick-rate", post(market_hooks::tick_rate))
        .route("/sim/market/step", post(market_hooks::step))
        .route("/sim/market/session", post(market_hooks::session))
        .route("/sim/market/auth-delay", post(market_hooks::auth_delay))
        .route("/sim/market/drop-sockets", post(market_hooks::drop_sockets))
        .route(
            "/sim/account-streamer/drop-sockets",
            post(broker::streamer::drop_sockets),
        )
        .route("/sim/market/stats", get(market_hooks::stats))
        .route(
            "/sim/market/expire-quote-tokens",
            post(market_hooks::expire_quote_tokens),
        )
        .layer(middleware::from_fn(hooks::guard));

    Router::new()
        .route(
            "/auth.html",
            get(oauth::authorize_get).post(oauth::authorize_post),
        )
        .route("/oauth/token", post(oauth::token))
        .route("/dxlink", get(dxlink::upgrade))
        .route("/account-streamer", get(broker::streamer::upgrade))
        .merge(hooks)
        .fallback_service(api)
        .layer(middleware::from_fn_with_state(sim.clone(), log_request))
        .with_state(sim)
}

/// One line per request. Only method and path: query strings carry codes and state, bodies
/// carry secrets, so neither is ever logged.
async fn log_request(State(sim): State<SimState>, req: Request, next: Next) -> Response {
    if !sim.config().log_requests {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let uri = req.uri().clone();
    let start = Instant::now();
    let resp = next.run(req).await;
    println!(
        "{}",
        log_line(&method, &uri, resp.status(), start.elapsed())
    );
    resp
}

/// `GET /accounts/5WT00001/positions 200 3ms` — the query string is deliberately dropped.
pub fn log_line(method: &Method, uri: &Uri, status: StatusCode, elapsed: Duration) -> String {
    format!(
        "{method} {} {} {}ms",
        uri.path(),
        status.as_u16(),
        elapsed.as_millis()
    )
}

/// Serves until Ctrl-C.
pub async fn serve(sim: SimState, listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(sim))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// The startup banner: where everything is and how to sign in.
pub fn banner(config: &Config, base: &str) -> String {
    let mut lines = vec![
        format!("pocket-sim (tastytrade simulator) listening on {base}"),
        format!("  authorize page   {base}/auth.html"),
        format!("  token endpoint   {base}/oauth/token"),
        format!("  API base         {base}  (e.g. {base}/customers/me/accounts)"),
        format!("  create grant     {base}/grants"),
        format!(
            "  test hooks       {base}/sim/{{stats,reset,config,fail-next,expire-access-tokens,revoke-grants,grants,issued-tokens,market/*}} (loopback only)"
        ),
        format!("  DXLink           {}", config.dxlink_url),
        format!("  client id        {}", config::CLIENT_ID),
        format!("  client secret    {}", config::CLIENT_SECRET),
    ];
    for uri in &config.redirect_uris {
        lines.push(format!("  redirect URI     {uri}"));
    }
    lines.push(format!(
        "  demo sign-in     {} / {} (customer {})",
        config::DEMO_USERNAME,
        config::DEMO_PASSWORD,
        config::DEMO_CUSTOMER_ID
    ));
    lines.push(format!(
        "  settings         access-token-ttl {}s, code-ttl {}s, require-pkce {}, latency {}ms, rate limit {}",
        config.access_token_ttl,
        config.code_ttl,
        if config.require_pkce { "on" } else { "off" },
        config.latency_ms,
        match config.rate_limit_per_second {
            0 => "off".to_owned(),
            n => format!("{n}/s per token"),
        }
    ));
    lines.push(format!(
        "  market           seed {}, {} ticks/s, quote tokens live {}s",
        config.market_seed, config.ticks_per_sec, config.quote_token_ttl
    ));
    if let Some(today) = config.today {
        lines.push(format!(
            "  today            {today} (the demo history ends here)"
        ));
    }
    lines.join("\n")
}
