//! tastytrade's REST wire format (docs/tastytrade.md §4–§7): kebab-case keys, decimals as
//! strings (numbers tolerated), signs in sibling `-effect` fields, enums with an `Unknown`
//! fallback, unknown keys kept in `extra` on big objects and ignored elsewhere — never rejected.

mod account;
mod balances;
mod customer;
pub mod de;
mod envelope;
mod history;
mod instruments;
mod market_metrics;
mod market_time;
mod oauth;
mod order_entry;
mod orders;
mod positions;
mod quote_token;
mod symbol;
mod trading_status;
mod transactions;
mod watchlists;

pub use account::{mask_account_number, Account, AccountAuthority, AuthorityLevel, MarginOrCash};
pub use balances::{Balances, BalancesResponse, OneOrFirst};
pub use customer::{Customer, MarginType, PermittedAccountType};
pub use envelope::{ApiError, ApiErrorBody, ApiErrorItem, Envelope, ErrorCode, Items, Pagination};
pub use history::{BalanceSnapshot, NetLiqPoint, TimeOfDay, UtcTime};
pub use instruments::{
    expirations, strikes_around, tick_for, ChainExpiration, ChainStrike, EquityInstrument,
    Expiration, FutureInstrument, FuturesChain, NestedChain, SymbolMatch, TickSize,
};
pub use market_metrics::{percent, Earnings, MarketMetric};
pub use market_time::MarketSession;
pub use oauth::{Secret, TokenError, TokenResponse};
pub use order_entry::{BuyingPowerEffect, FeeCalculation, NewLeg, NewOrder, Notice, OrderPreview};
pub use orders::{Fill, Order, OrderAction, OrderLeg, OrderStatus, OrderType, TimeInForce};
pub use positions::{InstrumentType, Position, PriceEffect, PriceSource, QuantityDirection};
pub use quote_token::ApiQuoteToken;
pub use symbol::{future_month, OptionRight, SymbolDate, SymbolParts};
pub use trading_status::{MarginGroup, MarginRequirements, TradingStatus};
pub use transactions::{TotalFees, Transaction, TransactionType};
pub use watchlists::{
    Watchlist, WatchlistEntry, WatchlistRequest, DEFAULT_WATCHLIST_GROUP,
    DEFAULT_WATCHLIST_ORDER_INDEX,
};

/// `GET /customers/me`.
pub type CustomerResponse = Envelope<Customer>;
/// `GET /customers/me/accounts`.
pub type AccountsResponse = Envelope<Items<AccountAuthority>>;
/// `GET /accounts/{n}/positions`.
pub type PositionsResponse = Envelope<Items<Position>>;

/// `GET /accounts/{n}/orders`: paginated (`pagination` on the envelope; docs/tastytrade.md §6.4 Orders).
pub type OrdersResponse = Envelope<Items<Order>>;
/// `GET /accounts/{n}/orders/live`: today's orders in any status plus working GTC ones; not
/// paginated (docs/tastytrade.md §6.4 Orders). Same shape as [`OrdersResponse`].
pub type LiveOrdersResponse = Envelope<Items<Order>>;
/// `GET /accounts/{n}/orders/{id}`, and `DELETE` of an order (which returns it).
pub type OrderResponse = Envelope<Order>;
/// `GET /accounts/{n}/transactions`: paginated (docs/tastytrade.md §6.5 Transactions).
pub type TransactionsResponse = Envelope<Items<Transaction>>;
/// `GET /accounts/{n}/transactions/{id}`.
pub type TransactionResponse = Envelope<Transaction>;
/// `GET /accounts/{n}/transactions/total-fees?date=…`.
pub type TotalFeesResponse = Envelope<TotalFees>;
/// `GET /accounts/{n}/net-liq/history` (sent without `context`; docs/tastytrade.md §6.6
/// Balance snapshots and net-liq history).
pub type NetLiqHistoryResponse = Envelope<Items<NetLiqPoint>>;
/// `GET /accounts/{n}/balance-snapshots`: paginated.
pub type BalanceSnapshotsResponse = Envelope<Items<BalanceSnapshot>>;
/// `GET /watchlists` and `GET /public-watchlists` (docs/tastytrade.md §6.7 Watchlists).
pub type WatchlistsResponse = Envelope<Items<Watchlist>>;
/// `GET /watchlists/{name}`, `GET /public-watchlists/{name}`, and the `POST`/`PUT` responses.
pub type WatchlistResponse = Envelope<Watchlist>;
/// `GET /accounts/{n}/trading-status` (docs/tastytrade.md §6.8 Trading status and margin requirements).
pub type TradingStatusResponse = Envelope<TradingStatus>;
/// `GET /margin/accounts/{n}/requirements`.
pub type MarginRequirementsResponse = Envelope<MarginRequirements>;
/// `GET /market-metrics?symbols=…` (docs/tastytrade.md §6.9).
pub type MarketMetricsResponse = Envelope<Items<MarketMetric>>;
