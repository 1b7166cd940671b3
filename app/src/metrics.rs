//! `/market-metrics` (docs/tastytrade.md §6.9): the few fields the screens show — beta (the
//! risk summary), IV rank and IV (watchlists, the quote screen) — read from the JSON tree. A
//! metric carries ~40 fields (`pocket_shared::tastytrade::MarketMetric` has them all); a decoder
//! for all of them would cost the app ~2 KB of wasm for fields no screen shows.

use rust_decimal::Decimal;

use crate::api;
use crate::data::Query;

/// One symbol's metrics. IV, IV rank and IV percentile are fractions (0.43 = 43 %).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metric {
    pub symbol: String,
    pub beta: Option<Decimal>,
    pub iv_rank: Option<Decimal>,
    pub iv_percentile: Option<Decimal>,
    pub iv: Option<Decimal>,
    pub liquidity_rating: Option<i64>,
    /// `YYYY-MM-DD`.
    pub earnings_date: Option<String>,
}

/// The metrics of some symbols (`None` until loaded; symbols tastytrade has no metrics for are
/// missing).
pub type Metrics = Query<Vec<Metric>>;

/// tastytrade answers at most this many symbols per request (and the worker caps query length).
const PER_REQUEST: usize = 100;

/// The metrics of a `/market-metrics` answer (`data.items[]`). A field that does not parse is
/// left out; a body that is not JSON has none.
pub fn parse(body: &str) -> Vec<Metric> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let items = json["data"]["items"].as_array().map(Vec::as_slice);
    let decimal = |v: &serde_json::Value| v.as_str()?.parse::<Decimal>().ok();
    items
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            Some(Metric {
                symbol: item["symbol"].as_str()?.to_owned(),
                beta: decimal(&item["beta"]),
                iv_rank: decimal(&item["implied-volatility-index-rank"]),
                iv_percentile: decimal(&item["implied-volatility-percentile"]),
                iv: decimal(&item["implied-volatility-index"]),
                liquidity_rating: item["liquidity-rating"].as_i64(),
                earnings_date: item["earnings"]["expected-report-date"]
                    .as_str()
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// `symbol`'s metric in `list`.
pub fn find<'a>(list: &'a [Metric], symbol: &str) -> Option<&'a Metric> {
    list.iter().find(|m| m.symbol == symbol)
}

/// Whether tastytrade has metrics for `symbol`: plain tickers (`AAPL`, `BRK/B`), not options,
/// futures (`/ES…`) or crypto pairs.
pub fn has_metrics(symbol: &str) -> bool {
    !symbol.is_empty()
        && !symbol.starts_with('/')
        && symbol.len() <= 10
        && symbol
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

/// The metrics of the symbols `symbols` gives (re-fetched when what it reads changes; `None`
/// while its input is loading), in requests of [`PER_REQUEST`] symbols, one after another.
pub fn query(symbols: impl Fn() -> Option<Vec<String>> + 'static) -> Metrics {
    Query::new(move |_| {
        let wanted: Vec<String> = symbols()?.into_iter().filter(|s| has_metrics(s)).collect();
        let requests: Vec<_> = wanted
            .chunks(PER_REQUEST)
            .map(|chunk| {
                api::get_text(&["market-metrics"], &format!("symbols={}", chunk.join(",")))
            })
            .collect();
        Some(api::each_text(requests, parse))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn fields_from_a_metrics_answer() {
        let body = r#"{"data":{"items":[
            {"symbol":"AAPL","beta":"1.080855512","implied-volatility-index-rank":"0.427330631",
             "implied-volatility-percentile":"0.33","implied-volatility-index":"0.26",
             "liquidity-rating":4,"earnings":{"expected-report-date":"2026-10-29"}},
            {"symbol":"XYZ"},
            {"symbol":"BAD","beta":"n/a","implied-volatility-index-rank":7},
            {"beta":"1.0"}]}}"#;
        let list = parse(body);
        assert_eq!(list.len(), 3, "an item without a symbol is left out");
        let aapl = find(&list, "AAPL").unwrap();
        assert_eq!(aapl.beta, Some(d("1.080855512")));
        assert_eq!(aapl.iv_rank, Some(d("0.427330631")));
        assert_eq!(aapl.iv_percentile, Some(d("0.33")));
        assert_eq!(aapl.iv, Some(d("0.26")));
        assert_eq!(aapl.liquidity_rating, Some(4));
        assert_eq!(aapl.earnings_date.as_deref(), Some("2026-10-29"));
        assert_eq!(
            find(&list, "XYZ"),
            Some(&Metric {
                symbol: "XYZ".into(),
                ..Metric::default()
            })
        );
        let bad = find(&list, "BAD").unwrap();
        assert_eq!(
            (bad.beta, bad.iv_rank),
            (None, None),
            "numbers come as strings"
        );
        assert_eq!(parse("not json"), Vec::new());
        assert_eq!(parse(r#"{"data":{}}"#), Vec::new());
    }

    #[test]
    fn only_plain_tickers_have_metrics() {
        for yes in ["AAPL", "SPY", "BRK/B", "BRK.B", "SPX"] {
            assert!(has_metrics(yes), "{yes}");
        }
        for no in [
            "",
            "/ESZ6",
            "SPY   261218C00600000",
            "./ESZ6 EW3U6 260918C9100",
            "BTC/USD:CXTALP",
        ] {
            assert!(!has_metrics(no), "{no}");
        }
    }
}
