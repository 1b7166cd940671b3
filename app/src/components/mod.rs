//! Reusable pieces of the dashboard and the shared loading / empty / error states.

mod accounts;
mod balances;
mod positions;
mod status;
mod topbar;

pub use accounts::AccountSwitcher;
pub use balances::BalancesHeadline;
pub use positions::PositionsPanel;
pub use status::{BrandMark, ErrorPanel, Splash};
pub use topbar::TopBar;

use pocket_shared::tastytrade::Balances;

use crate::api::ApiError;

/// Balances of every account, loaded together so each account tab can show its value.
pub type AllBalances = Vec<(String, Result<Balances, ApiError>)>;
