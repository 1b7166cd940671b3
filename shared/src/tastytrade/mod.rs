//! tastytrade's REST wire format (docs/tastytrade.md §4–§7): kebab-case keys, decimals as
//! strings (numbers tolerated), signs in sibling `-effect` fields, enums with an `Unknown`
//! fallback, unknown keys kept in `extra` on big objects and ignored elsewhere — never rejected.

mod account;
mod balances;
mod customer;
pub mod de;
mod envelope;
mod oauth;
mod positions;
mod symbol;

pub use account::{mask_account_number, Account, AccountAuthority, AuthorityLevel, MarginOrCash};
pub use balances::{Balances, BalancesResponse, OneOrFirst};
pub use customer::{Customer, MarginType, PermittedAccountType};
pub use envelope::{ApiError, ApiErrorBody, ApiErrorItem, Envelope, ErrorCode, Items, Pagination};
pub use oauth::{Secret, TokenError, TokenResponse};
pub use positions::{InstrumentType, Position, PriceEffect, PriceSource, QuantityDirection};
pub use symbol::{future_month, OptionRight, SymbolDate, SymbolParts};

/// `GET /customers/me`.
pub type CustomerResponse = Envelope<Customer>;
/// `GET /customers/me/accounts`.
pub type AccountsResponse = Envelope<Items<AccountAuthority>>;
/// `GET /accounts/{n}/positions`.
pub type PositionsResponse = Envelope<Items<Position>>;
