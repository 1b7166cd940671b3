//! Instruments for order entry: symbol search, tick sizes and option chains
//! (docs/tastytrade.md §6.10: `GET /symbols/search/{prefix}`, `/instruments/equities/{symbol}`,
//! `/option-chains/{underlying}/nested`, `/futures-option-chains/{product}/nested`). Only what
//! the search, the chain and the ticket read is typed; unknown keys are ignored.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::de;

/// One `GET /symbols/search/{prefix}` item (`data.items[]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SymbolMatch {
    pub symbol: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `Equity`, `Index`, `Future`, … (not always sent).
    #[serde(default)]
    pub instrument_type: Option<String>,
    /// Whether the symbol has listed options (not always sent).
    #[serde(default)]
    pub options: Option<bool>,
}

/// One step of a tick-size table: `value` applies to prices below `threshold`; the entry
/// without a threshold applies above the others.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TickSize {
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub threshold: Option<Decimal>,
    #[serde(deserialize_with = "de::decimal")]
    pub value: Decimal,
}

/// The tick of `price` under `table` (`None` for an empty or nonsensical table).
pub fn tick_for(table: &[TickSize], price: Decimal) -> Option<Decimal> {
    let mut bounded: Vec<&TickSize> = table.iter().filter(|t| t.threshold.is_some()).collect();
    bounded.sort_by_key(|t| t.threshold);
    bounded
        .into_iter()
        .find(|t| t.threshold.is_some_and(|limit| price.abs() < limit))
        .or_else(|| table.iter().find(|t| t.threshold.is_none()))
        .map(|t| t.value)
        .filter(|v| *v > Decimal::ZERO)
}

/// `GET /instruments/equities/{symbol}` (the fields order entry reads).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EquityInstrument {
    pub symbol: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_index: Option<bool>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub tick_sizes: Vec<TickSize>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub option_tick_sizes: Vec<TickSize>,
}

/// One `GET /instruments/futures?symbol[]=…` item (the fields order entry reads).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FutureInstrument {
    pub symbol: String,
    #[serde(default)]
    pub streamer_symbol: Option<String>,
    /// Dollars per point of the future's price (50 for /ES); its options use the same.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub notional_multiplier: Option<Decimal>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub tick_sizes: Vec<TickSize>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub option_tick_sizes: Vec<TickSize>,
}

/// One strike of a nested chain: the call and the put with their streamer symbols.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChainStrike {
    #[serde(deserialize_with = "de::decimal")]
    pub strike_price: Decimal,
    pub call: String,
    #[serde(default)]
    pub call_streamer_symbol: Option<String>,
    pub put: String,
    #[serde(default)]
    pub put_streamer_symbol: Option<String>,
}

/// One expiration of a nested chain (equity or futures).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChainExpiration {
    /// `Weekly`, `Regular` (monthly), `Quarterly`, `End-Of-Month`, …
    #[serde(default)]
    pub expiration_type: Option<String>,
    /// `YYYY-MM-DD`.
    pub expiration_date: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub days_to_expiration: Option<i64>,
    /// `AM` / `PM`.
    #[serde(default)]
    pub settlement_type: Option<String>,
    /// Futures options: the future this expiration's options deliver (`/ESZ6`).
    #[serde(default)]
    pub underlying_symbol: Option<String>,
    /// Futures options carry their own tick table per expiration.
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub tick_sizes: Vec<TickSize>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub strikes: Vec<ChainStrike>,
}

/// One root of `GET /option-chains/{underlying}/nested` (`data.items[]`; several roots for
/// e.g. SPX and SPXW), and one `option-chains[]` entry of the futures chain.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NestedChain {
    #[serde(default)]
    pub underlying_symbol: Option<String>,
    #[serde(default)]
    pub root_symbol: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub shares_per_contract: Option<i64>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub tick_sizes: Vec<TickSize>,
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub expirations: Vec<ChainExpiration>,
}

/// `GET /futures-option-chains/{product}/nested`: `data` is an object, not `items`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FuturesChain {
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub option_chains: Vec<NestedChain>,
}

/// One expiration of the chain, whichever root it came from: the strikes sorted, the tick
/// table that applies, the contract multiplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Expiration {
    pub root: String,
    pub date: String,
    pub kind: Option<String>,
    pub days: Option<i64>,
    pub settlement: Option<String>,
    pub multiplier: Decimal,
    pub ticks: Vec<TickSize>,
    pub strikes: Vec<ChainStrike>,
}

/// Every expiration of `chains`, soonest first (roots merged; same-date roots stay apart and
/// sort by root). `multiplier` is used where a root does not say (futures options).
pub fn expirations(chains: &[NestedChain], multiplier: Decimal) -> Vec<Expiration> {
    let mut all: Vec<Expiration> = Vec::new();
    for chain in chains {
        let shares = chain
            .shares_per_contract
            .filter(|s| *s > 0)
            .map(Decimal::from)
            .unwrap_or(multiplier);
        for e in &chain.expirations {
            let mut strikes = e.strikes.clone();
            strikes.sort_by_key(|s| s.strike_price);
            let ticks = if e.tick_sizes.is_empty() {
                chain.tick_sizes.clone()
            } else {
                e.tick_sizes.clone()
            };
            all.push(Expiration {
                root: chain.root_symbol.clone().unwrap_or_default(),
                date: e.expiration_date.clone(),
                kind: e.expiration_type.clone(),
                days: e.days_to_expiration,
                settlement: e.settlement_type.clone(),
                multiplier: shares,
                ticks,
                strikes,
            });
        }
    }
    all.sort_by(|a, b| (&a.date, &a.root).cmp(&(&b.date, &b.root)));
    all
}

/// The `count` strikes nearest `price` (all of them when `price` is unknown: the middle
/// `count`), in strike order.
pub fn strikes_around(
    strikes: &[ChainStrike],
    price: Option<Decimal>,
    count: usize,
) -> &[ChainStrike] {
    if strikes.len() <= count {
        return strikes;
    }
    let center = match price {
        Some(p) => strikes.partition_point(|s| s.strike_price < p),
        None => strikes.len() / 2,
    };
    let start = center.saturating_sub(count / 2).min(strikes.len() - count);
    &strikes[start..start + count]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tastytrade::{Envelope, Items};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn tick_tables_as_documented() {
        // docs/tastytrade.md §6.10: the value applies below the threshold.
        let table: Vec<TickSize> = serde_json::from_str(
            r#"[ { "threshold": "3.0", "value": "0.01" }, { "value": "0.05" } ]"#,
        )
        .unwrap();
        assert_eq!(tick_for(&table, d("2.99")), Some(d("0.01")));
        assert_eq!(tick_for(&table, d("3.00")), Some(d("0.05")));
        assert_eq!(tick_for(&table, d("-1")), Some(d("0.01")));
        assert_eq!(tick_for(&[], d("1")), None);
        let zero: Vec<TickSize> = serde_json::from_str(r#"[ { "value": 0 } ]"#).unwrap();
        assert_eq!(tick_for(&zero, d("1")), None);
    }

    #[test]
    fn a_nested_chain_as_documented() {
        // docs/tastytrade.md §6.10 (a sandbox capture, abridged).
        let body = r#"{ "data": { "items": [ {
            "underlying-symbol": "SPY", "root-symbol": "SPY", "option-chain-type": "Standard",
            "shares-per-contract": 100,
            "tick-sizes": [ { "threshold": "3.0", "value": "0.01" }, { "value": "0.05" } ],
            "deliverables": [ { "id": 313656, "amount": "100.0" } ],
            "expirations": [
              { "expiration-type": "Regular", "expiration-date": "2026-08-21", "days-to-expiration": 17,
                "settlement-type": "PM", "strikes": [
                { "strike-price": "505.0", "call": "SPY   260821C00505000", "call-streamer-symbol": ".SPY260821C505",
                  "put": "SPY   260821P00505000", "put-streamer-symbol": ".SPY260821P505" },
                { "strike-price": "500.0", "call": "SPY   260821C00500000", "call-streamer-symbol": ".SPY260821C500",
                  "put": "SPY   260821P00500000", "put-streamer-symbol": ".SPY260821P500" } ] },
              { "expiration-type": "Weekly", "expiration-date": "2026-08-04", "days-to-expiration": 0,
                "settlement-type": "PM", "strikes": null } ] } ] },
            "context": "/option-chains/SPY/nested" }"#;
        let chain: Envelope<Items<NestedChain>> = serde_json::from_str(body).unwrap();
        let list = expirations(&chain.data.items, Decimal::ONE);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].date, "2026-08-04");
        assert!(list[0].strikes.is_empty());
        let monthly = &list[1];
        assert_eq!(monthly.kind.as_deref(), Some("Regular"));
        assert_eq!(monthly.days, Some(17));
        assert_eq!(monthly.multiplier, d("100"));
        assert_eq!(monthly.strikes[0].strike_price, d("500"));
        assert_eq!(
            monthly.strikes[0].call_streamer_symbol.as_deref(),
            Some(".SPY260821C500")
        );
        assert_eq!(tick_for(&monthly.ticks, d("1")), Some(d("0.01")));
    }

    #[test]
    fn a_futures_chain_as_documented() {
        let body = r#"{ "data": {
            "futures": [ { "symbol": "/ESZ6", "root-symbol": "/ES" } ],
            "option-chains": [ { "underlying-symbol": "/ES", "root-symbol": "/ES", "exercise-style": "American",
              "expirations": [ { "underlying-symbol": "/ESZ6", "root-symbol": "/ES", "option-root-symbol": "EW3",
                "expiration-date": "2026-09-18", "days-to-expiration": 45, "expiration-type": "Weekly",
                "settlement-type": "PM", "notional-value": "0.5",
                "tick-sizes": [ { "threshold": "10.0", "value": "0.05" }, { "value": "0.25" } ],
                "strikes": [ { "strike-price": "9100.0",
                  "call": "./ESZ6 EW3U6 260918C9100", "call-streamer-symbol": "./EW3U26C9100:XCME",
                  "put": "./ESZ6 EW3U6 260918P9100", "put-streamer-symbol": "./EW3U26P9100:XCME" } ] } ] } ] } }"#;
        let chain: Envelope<FuturesChain> = serde_json::from_str(body).unwrap();
        let list = expirations(&chain.data.option_chains, d("50"));
        assert_eq!(list[0].multiplier, d("50"));
        assert_eq!(tick_for(&list[0].ticks, d("12")), Some(d("0.25")));
        assert_eq!(list[0].strikes[0].put, "./ESZ6 EW3U6 260918P9100");
    }

    #[test]
    fn search_and_equity_shapes() {
        let found: Envelope<Items<SymbolMatch>> = serde_json::from_str(
            r#"{"data":{"items":[{"symbol":"AAPL","description":"Apple Inc.","options":true,
                "listed-market":"XNAS","price-increments":"0.01"},{"symbol":"AAL"}]}}"#,
        )
        .unwrap();
        assert_eq!(found.data.items[0].options, Some(true));
        assert_eq!(found.data.items[1].description, None);
        let equity: Envelope<EquityInstrument> = serde_json::from_str(
            r#"{"data":{"id":726,"symbol":"AAPL","instrument-type":"Equity","description":"APPLE INC",
                "is-index":false,"tick-sizes":[{"threshold":"1.0","value":"0.0001"},{"value":"0.01"}],
                "option-tick-sizes":[{"threshold":"3.0","value":"0.01"},{"value":"0.05"}]}}"#,
        )
        .unwrap();
        assert_eq!(tick_for(&equity.data.tick_sizes, d("150")), Some(d("0.01")));
        assert_eq!(
            tick_for(&equity.data.option_tick_sizes, d("4")),
            Some(d("0.05"))
        );
    }

    #[test]
    fn strikes_around_the_price() {
        let strikes: Vec<ChainStrike> = (1..=10)
            .map(|i| ChainStrike {
                strike_price: Decimal::from(i * 10),
                call: format!("C{i}"),
                call_streamer_symbol: None,
                put: format!("P{i}"),
                put_streamer_symbol: None,
            })
            .collect();
        let near = strikes_around(&strikes, Some(d("55")), 4);
        let prices: Vec<Decimal> = near.iter().map(|s| s.strike_price).collect();
        assert_eq!(prices, [d("40"), d("50"), d("60"), d("70")]);
        assert_eq!(
            strikes_around(&strikes, Some(d("1000")), 3)[0].strike_price,
            d("80")
        );
        assert_eq!(
            strikes_around(&strikes, Some(d("1")), 3)[0].strike_price,
            d("10")
        );
        assert_eq!(strikes_around(&strikes, None, 2)[0].strike_price, d("50"));
        assert_eq!(strikes_around(&strikes, None, 20).len(), 10);
    }
}
