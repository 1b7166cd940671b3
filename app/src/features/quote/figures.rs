//! One instrument's figures at the market's latest events (pure, natively tested): the last
//! price (the last trade, else the quote's mid), the change from the previous close and its
//! ratio, bid and ask. Shared by the watchlists and the quote screen.

use pocket_shared::checked::Checked;
use pocket_shared::dxlink::{Quote, Summary, Trade};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    pub last: Option<Decimal>,
    /// The change since the previous close, per unit.
    pub change: Option<Decimal>,
    /// `change / previous close` (0.0125 = +1.25 %).
    pub change_ratio: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub bid: Option<Decimal>,
    pub ask: Option<Decimal>,
}

/// The figures from what the stream has sent so far (any event may be missing). The change is
/// computed from the previous close (`Summary`) when there is one, else taken from the trade.
pub fn figures(quote: Option<&Quote>, trade: Option<&Trade>, summary: Option<&Summary>) -> Figures {
    let last = trade
        .and_then(|t| t.price)
        .or_else(|| quote.and_then(Quote::mid));
    let previous_close = summary.and_then(|s| s.prev_day_close_price);
    let change = match (last, previous_close) {
        (Some(l), Some(c)) => l.minus(c),
        _ => trade.and_then(|t| t.change),
    };
    let base = previous_close.or_else(|| last.zip(change).and_then(|(l, c)| l.minus(c)));
    let change_ratio = change
        .zip(base)
        .filter(|(_, b)| !b.is_zero())
        .and_then(|(c, b)| c.over(b));
    Figures {
        last,
        change,
        change_ratio,
        previous_close,
        bid: quote.and_then(|q| q.bid_price),
        ask: quote.and_then(|q| q.ask_price),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn quote(bid: &str, ask: &str) -> Quote {
        Quote {
            bid_price: Some(d(bid)),
            ask_price: Some(d(ask)),
            ..Quote::default()
        }
    }

    #[test]
    fn last_trade_against_the_previous_close() {
        let q = quote("99.98", "100.02");
        let t = Trade {
            price: Some(d("101.5")),
            change: Some(d("9")),
            ..Trade::default()
        };
        let s = Summary {
            prev_day_close_price: Some(d("100")),
            ..Summary::default()
        };
        let f = figures(Some(&q), Some(&t), Some(&s));
        assert_eq!(f.last, Some(d("101.5")));
        assert_eq!(
            f.change,
            Some(d("1.5")),
            "the close wins over the trade's own change"
        );
        assert_eq!(f.change_ratio, Some(d("0.015")));
        assert_eq!((f.bid, f.ask), (Some(d("99.98")), Some(d("100.02"))));
    }

    #[test]
    fn mid_without_a_trade_and_the_trades_change_without_a_close() {
        let q = quote("49", "51");
        assert_eq!(figures(Some(&q), None, None).last, Some(d("50")));
        assert_eq!(figures(Some(&q), None, None).change, None);
        let t = Trade {
            price: Some(d("52")),
            change: Some(d("2")),
            ..Trade::default()
        };
        let f = figures(None, Some(&t), None);
        assert_eq!(f.change, Some(d("2")));
        assert_eq!(f.change_ratio, Some(d("0.04")), "2 over a base of 52 − 2");
    }

    #[test]
    fn nothing_yet_a_zero_close_and_overflow_give_no_figure() {
        assert_eq!(figures(None, None, None), Figures::default());
        let zero = Summary {
            prev_day_close_price: Some(Decimal::ZERO),
            ..Summary::default()
        };
        let q = quote("1", "1");
        let f = figures(Some(&q), None, Some(&zero));
        assert_eq!((f.change, f.change_ratio), (Some(d("1")), None));
        let huge = Trade {
            price: Some(Decimal::MAX),
            ..Trade::default()
        };
        let low = Summary {
            prev_day_close_price: Some(Decimal::MIN),
            ..Summary::default()
        };
        let f = figures(None, Some(&huge), Some(&low));
        assert_eq!((f.change, f.change_ratio), (None, None));
    }
}
