//! The positions CSV: one row per position, numbers unformatted.

use pocket_shared::tastytrade::Position;

use crate::components::{csv, Csv};
use crate::format;

pub fn file_name(account: &str) -> String {
    csv::file_name(account, "positions")
}

pub fn positions_csv(account: &str, list: &[Position]) -> String {
    let today = format::today_iso();
    let mut out = Csv::new(&[
        "Account",
        "Symbol",
        "Underlying",
        "Instrument type",
        "Quantity",
        "Average open price",
        "Mark",
        "Previous close",
        "Multiplier",
        "Day P/L",
        "Open P/L",
        "Market value",
        "Expires",
    ]);
    for p in list {
        out.row(vec![
            account.into(),
            p.symbol.clone().into(),
            p.underlying_symbol.clone().into(),
            p.instrument_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .into(),
            p.signed_quantity().into(),
            p.average_open_price.into(),
            p.mark_price.into(),
            p.close_price.into(),
            p.multiplier.into(),
            p.day_pl(p.opened_on() == Some(today.as_str())).into(),
            p.unrealized_pl().into(),
            p.market_value().into(),
            p.expires_at
                .as_deref()
                .and_then(|e| e.get(..10))
                .map(str::to_owned)
                .into(),
        ]);
    }
    out.finish()
}
