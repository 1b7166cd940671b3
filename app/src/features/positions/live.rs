//! A position's figures at the market's latest prices (pure: computed from the stream's events,
//! natively tested). The mark is the quote's mid, as tastytrade marks positions; until a quote
//! arrives the REST mark stands. The day's base is the stream's previous close (`Summary`),
//! else the position's `close-price`.

use pocket_shared::checked::Checked;
use pocket_shared::dxlink::{Greeks, Quote, Summary};
use pocket_shared::risk::RiskInput;
use pocket_shared::tastytrade::{InstrumentType, Position};
use rust_decimal::Decimal;

/// What the market says about one position right now (any part may be missing).
#[derive(Default)]
pub struct Market<'a> {
    pub quote: Option<&'a Quote>,
    pub summary: Option<&'a Summary>,
    /// Options only.
    pub greeks: Option<&'a Greeks>,
    /// The underlying's mid (options; shares and futures use their own mark).
    pub underlying_mid: Option<Decimal>,
    /// The underlying's beta against SPY (`/market-metrics`).
    pub beta: Option<Decimal>,
}

/// Position-level Greeks: per-unit Greeks × signed quantity × multiplier (delta in share
/// equivalents, theta and vega in dollars), and the option's implied volatility.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PositionGreeks {
    pub delta: Option<Decimal>,
    pub gamma: Option<Decimal>,
    pub theta: Option<Decimal>,
    pub vega: Option<Decimal>,
    /// A fraction (0.231 = 23.1 %).
    pub iv: Option<Decimal>,
}

/// What a row shows that moves with the market. `None` = not known (or too large: "—").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub mark: Option<Decimal>,
    /// The mark came from the stream (not the REST answer).
    pub live: bool,
    pub bid: Option<Decimal>,
    pub ask: Option<Decimal>,
    /// Mark − previous close, per unit.
    pub change: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub day_pl: Option<Decimal>,
    pub open_pl: Option<Decimal>,
    /// Whether a day / open P/L should exist (its inputs are there): then a `None` above means
    /// "too large", and a total that includes it is unknown rather than silently partial.
    pub day_expected: bool,
    pub open_expected: bool,
    /// Options only.
    pub greeks: Option<PositionGreeks>,
    pub risk: RiskInput,
}

pub fn is_option(p: &Position) -> bool {
    matches!(
        p.instrument_type,
        Some(InstrumentType::EquityOption | InstrumentType::FutureOption)
    )
}

/// The figures of `p` at `market` (`opened_today`: the day's P/L counts from the open price).
pub fn figures(p: &Position, market: &Market, opened_today: bool) -> Figures {
    let live_mark = market.quote.and_then(Quote::mid);
    let mark = live_mark.or_else(|| p.current_price().map(|(price, _)| price));
    let day_mark = live_mark.or(p.mark_price);
    let previous_close = market
        .summary
        .and_then(|s| s.prev_day_close_price)
        .or(p.close_price);
    let size = p.signed_quantity().times(p.multiplier_or_one());
    let option = is_option(p);
    let greeks = market.greeks.filter(|_| option).map(|g| PositionGreeks {
        delta: g.delta.zip(size).and_then(|(d, s)| d.times(s)),
        gamma: g.gamma.zip(size).and_then(|(d, s)| d.times(s)),
        theta: g.theta.zip(size).and_then(|(d, s)| d.times(s)),
        vega: g.vega.zip(size).and_then(|(d, s)| d.times(s)),
        iv: g.volatility,
    });
    let risk = RiskInput {
        signed_quantity: p.signed_quantity(),
        multiplier: p.multiplier_or_one(),
        delta: if option {
            market.greeks.and_then(|g| g.delta)
        } else {
            Some(Decimal::ONE)
        },
        theta: if option {
            market.greeks.and_then(|g| g.theta)
        } else {
            Some(Decimal::ZERO)
        },
        vega: if option {
            market.greeks.and_then(|g| g.vega)
        } else {
            Some(Decimal::ZERO)
        },
        underlying_price: if option { market.underlying_mid } else { mark },
        beta: market.beta,
    };
    Figures {
        mark,
        live: live_mark.is_some(),
        bid: market.quote.and_then(|q| q.bid_price),
        ask: market.quote.and_then(|q| q.ask_price),
        change: mark.zip(previous_close).and_then(|(m, c)| m.minus(c)),
        previous_close,
        // The day's P/L needs a mark of today (the stream's or REST `mark-price`), not the
        // previous close standing in for one.
        day_pl: day_mark.and_then(|m| p.day_pl_at(m, previous_close, opened_today)),
        open_pl: mark.and_then(|m| p.unrealized_pl_at(m)),
        day_expected: day_mark.is_some()
            && if opened_today {
                p.average_open_price.is_some()
            } else {
                previous_close.is_some()
            },
        open_expected: mark.is_some() && p.average_open_price.is_some(),
        greeks,
        risk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn short_puts() -> Position {
        serde_json::from_value(serde_json::json!({
            "symbol": "SPY   261218P00620000", "instrument-type": "Equity Option",
            "underlying-symbol": "SPY", "quantity": 2, "quantity-direction": "Short",
            "average-open-price": "9", "close-price": "8.15", "mark-price": "8.05",
            "multiplier": 100
        }))
        .unwrap()
    }

    fn quote(bid: &str, ask: &str) -> Quote {
        Quote {
            symbol: "x".into(),
            bid_price: Some(d(bid)),
            ask_price: Some(d(ask)),
            ..Quote::default()
        }
    }

    #[test]
    fn without_the_stream_the_rest_figures_stand() {
        let f = figures(&short_puts(), &Market::default(), false);
        assert_eq!(f.mark, Some(d("8.05")));
        assert!(!f.live);
        // (8.05 − 9) × −2 × 100
        assert_eq!(f.open_pl, Some(d("190")));
        // (8.05 − 8.15) × −2 × 100
        assert_eq!(f.day_pl, Some(d("20")));
        assert_eq!(f.greeks, None);
        assert_eq!(
            f.risk.delta, None,
            "an option's delta comes only from Greeks"
        );
    }

    #[test]
    fn a_quote_summary_and_greeks_move_every_figure() {
        let q = quote("7.40", "7.60");
        let s = Summary {
            prev_day_close_price: Some(d("8.00")),
            ..Summary::default()
        };
        let g = Greeks {
            delta: Some(d("-0.30")),
            gamma: Some(d("0.01")),
            theta: Some(d("-0.25")),
            vega: Some(d("0.80")),
            volatility: Some(d("0.231")),
            ..Greeks::default()
        };
        let market = Market {
            quote: Some(&q),
            summary: Some(&s),
            greeks: Some(&g),
            underlying_mid: Some(d("600")),
            beta: Some(Decimal::ONE),
        };
        let f = figures(&short_puts(), &market, false);
        assert_eq!(f.mark, Some(d("7.5")));
        assert!(f.live);
        assert_eq!((f.bid, f.ask), (Some(d("7.40")), Some(d("7.60"))));
        assert_eq!(f.change, Some(d("-0.5")));
        // (7.5 − 9) × −200 = 300; (7.5 − 8) × −200 = 100.
        assert_eq!(f.open_pl, Some(d("300")));
        assert_eq!(f.day_pl, Some(d("100")));
        let greeks = f.greeks.unwrap();
        assert_eq!(greeks.delta, Some(d("60")));
        assert_eq!(greeks.gamma, Some(d("-2")));
        assert_eq!(greeks.theta, Some(d("50")));
        assert_eq!(greeks.vega, Some(d("-160")));
        assert_eq!(greeks.iv, Some(d("0.231")));
        assert_eq!(f.risk.underlying_price, Some(d("600")));
        assert_eq!(f.risk.delta, Some(d("-0.30")));
    }

    #[test]
    fn shares_count_delta_one_at_their_own_mark() {
        let p: Position = serde_json::from_value(serde_json::json!({
            "symbol": "AAPL", "instrument-type": "Equity", "quantity": 100,
            "quantity-direction": "Long", "average-open-price": "150", "close-price": "199",
            "multiplier": 1, "created-at": "2026-12-06T15:00:00.000+00:00"
        }))
        .unwrap();
        let q = quote("199.99", "200.01");
        let market = Market {
            quote: Some(&q),
            beta: Some(d("1.2")),
            ..Market::default()
        };
        // Opened today: the day counts from the open price.
        let f = figures(&p, &market, true);
        assert_eq!(f.mark, Some(d("200")));
        assert_eq!(f.day_pl, Some(d("5000")));
        assert_eq!(f.change, Some(d("1")));
        assert_eq!(f.risk.delta, Some(Decimal::ONE));
        assert_eq!(f.risk.underlying_price, Some(d("200")));
        assert_eq!(f.greeks, None);
    }

    #[test]
    fn one_sided_quotes_keep_the_last_mark() {
        let q = Quote {
            symbol: "x".into(),
            bid_price: None,
            ask_price: Some(d("7.60")),
            ..Quote::default()
        };
        let market = Market {
            quote: Some(&q),
            ..Market::default()
        };
        let f = figures(&short_puts(), &market, false);
        assert_eq!(f.mark, Some(d("8.05")));
        assert!(!f.live);
    }
}
