//! What order entry needs to know about an instrument beyond its quote: its tick table and its
//! contract multiplier (docs/tastytrade.md §6.10). Stocks and equity options read the equity
//! instrument (`tick-sizes`, `option-tick-sizes`; an option contract is 100 shares); futures and
//! their options read the future (`tick-sizes`, `option-tick-sizes`, `notional-multiplier`).

use pocket_shared::tastytrade::{
    tick_for, EquityInstrument, FutureInstrument, Items, SymbolParts, TickSize,
};
use rust_decimal::Decimal;

use super::model::Kind;
use crate::api::{self, ApiError};

/// Tick table and multiplier of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    pub ticks: Vec<TickSize>,
    /// Dollars per point of price per unit (1 for shares, 100 for equity options, 50 for /ES).
    pub multiplier: Decimal,
}

impl Spec {
    /// The tick at `price` (`None` when tastytrade gave no table: not checked here, the
    /// dry-run says).
    pub fn tick(&self, price: Decimal) -> Option<Decimal> {
        tick_for(&self.ticks, price)
    }
}

/// The underlying an order leg's tick table comes from: the stock itself, an option's root,
/// a future, or a future option's future.
pub fn spec_source(symbol: &str) -> (Kind, String) {
    let kind = Kind::of(symbol);
    let source = match SymbolParts::parse(symbol) {
        SymbolParts::EquityOption { root, .. } => root,
        SymbolParts::FutureOption { future, .. } => future,
        _ => symbol.trim().to_owned(),
    };
    (kind, source)
}

/// Fetches the spec of `symbol` (a leg's symbol).
pub async fn fetch(symbol: String) -> Result<Spec, ApiError> {
    let (kind, source) = spec_source(&symbol);
    match kind {
        Kind::Equity | Kind::EquityOption => {
            let equity: EquityInstrument =
                api::get(&["instruments", "equities", &source], "", None).await?;
            Ok(if kind == Kind::Equity {
                Spec {
                    ticks: equity.tick_sizes,
                    multiplier: Decimal::ONE,
                }
            } else {
                Spec {
                    ticks: equity.option_tick_sizes,
                    multiplier: Decimal::ONE_HUNDRED,
                }
            })
        }
        Kind::Future | Kind::FutureOption => {
            let query = format!("symbol[]={}", crate::url::encode_uri_component(&source));
            let found: Items<FutureInstrument> =
                api::get(&["instruments", "futures"], &query, None).await?;
            let future = found
                .items
                .into_iter()
                .find(|f| f.symbol == source)
                .ok_or_else(|| ApiError::Decode(format!("tastytrade does not know {source}")))?;
            let multiplier = future
                .notional_multiplier
                .filter(|m| *m > Decimal::ZERO)
                .unwrap_or(Decimal::ONE);
            Ok(Spec {
                ticks: if kind == Kind::Future {
                    future.tick_sizes
                } else {
                    future.option_tick_sizes
                },
                multiplier,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_a_legs_ticks_come_from() {
        assert_eq!(spec_source("AAPL"), (Kind::Equity, "AAPL".into()));
        assert_eq!(
            spec_source("SPY   261218C00600000"),
            (Kind::EquityOption, "SPY".into())
        );
        assert_eq!(spec_source("/ESZ6"), (Kind::Future, "/ESZ6".into()));
        assert_eq!(
            spec_source("./ESZ6 EW3U6 260918C9100"),
            (Kind::FutureOption, "/ESZ6".into())
        );
    }
}
