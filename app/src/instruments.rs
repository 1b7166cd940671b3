//! Streamer symbols that cannot be derived from the order symbol: futures (`/ESZ6` →
//! `/ESZ26:XCME`) and future options are known to DXLink by the `streamer-symbol` of
//! `GET /instruments/futures` / `/instruments/future-options` (docs/tastytrade.md §6.9, §7).
//! Equities, indices and equity options derive theirs (`SymbolParts::streamer_symbol`).

use pocket_shared::tastytrade::SymbolParts;

use crate::api;
use crate::data::Query;
use crate::url::encode_uri_component;

/// `(symbol, streamer symbol)` pairs of the looked-up instruments.
pub type Streamers = Query<Vec<(String, String)>>;

/// tastytrade's instrument lists take at most this many `symbol[]` per request.
const PER_REQUEST: usize = 50;

/// Whether `symbol`'s streamer symbol has to be looked up (futures and future options).
pub fn needs_lookup(symbol: &str) -> bool {
    symbol.starts_with('/') || symbol.starts_with("./")
}

/// The streamer symbol of `symbol`: derived, else from `looked_up` (`None` until the lookup
/// answered, or when tastytrade does not know the instrument).
pub fn streamer_symbol(symbol: &str, looked_up: Option<&[(String, String)]>) -> Option<String> {
    if needs_lookup(symbol) {
        let found = looked_up?.iter().find(|(s, _)| s == symbol);
        return found.map(|(_, streamer)| streamer.clone());
    }
    SymbolParts::parse(symbol).streamer_symbol()
}

/// The `(symbol, streamer-symbol)` pairs of an instruments answer (`data.items[]`).
pub fn parse(body: &str) -> Vec<(String, String)> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let items = json["data"]["items"].as_array().map(Vec::as_slice);
    items
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let symbol = item["symbol"].as_str()?;
            let streamer = item["streamer-symbol"].as_str().filter(|s| !s.is_empty())?;
            Some((symbol.to_owned(), streamer.to_owned()))
        })
        .collect()
}

/// Looks up the streamer symbols of the futures and future options among what `symbols`
/// gives (an empty answer at once when there are none).
pub fn lookup(symbols: impl Fn() -> Option<Vec<String>> + 'static) -> Streamers {
    Query::new(move |_| {
        let wanted: Vec<String> = symbols()?.into_iter().filter(|s| needs_lookup(s)).collect();
        let (options, futures): (Vec<String>, Vec<String>) =
            wanted.into_iter().partition(|s| s.starts_with("./"));
        let mut requests = Vec::new();
        for (path, list) in [("futures", futures), ("future-options", options)] {
            for chunk in list.chunks(PER_REQUEST) {
                // `symbol[]` as tastytrade spells it (brackets not encoded, as the SDKs send it).
                let query: Vec<String> = chunk
                    .iter()
                    .map(|s| format!("symbol[]={}", encode_uri_component(s)))
                    .collect();
                requests.push(api::get_text(&["instruments", path], &query.join("&")));
            }
        }
        Some(api::each_text(requests, parse))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_or_looked_up() {
        assert_eq!(streamer_symbol("SPY", None).as_deref(), Some("SPY"));
        assert_eq!(
            streamer_symbol("SPY   261218C00600000", None).as_deref(),
            Some(".SPY261218C600")
        );
        assert_eq!(streamer_symbol("/ESZ6", None), None, "waits for the lookup");
        let found = [("/ESZ6".to_owned(), "/ESZ26:XCME".to_owned())];
        assert_eq!(
            streamer_symbol("/ESZ6", Some(&found)).as_deref(),
            Some("/ESZ26:XCME")
        );
        assert_eq!(
            streamer_symbol("/MESZ6", Some(&found)),
            None,
            "unknown to tastytrade"
        );
    }

    #[test]
    fn pairs_from_an_instruments_answer() {
        let body = r#"{"data":{"items":[
            {"symbol":"/ESZ6","streamer-symbol":"/ESZ26:XCME","product-code":"ES"},
            {"symbol":"/XXZ6","streamer-symbol":""},
            {"streamer-symbol":"/NQZ26:XCME"},
            {"symbol":"./ESZ6 EW4Z6 261224C7000","streamer-symbol":"./EW4Z26C7000:XCME"}]}}"#;
        assert_eq!(
            parse(body),
            [
                ("/ESZ6".to_owned(), "/ESZ26:XCME".to_owned()),
                (
                    "./ESZ6 EW4Z6 261224C7000".to_owned(),
                    "./EW4Z26C7000:XCME".to_owned()
                )
            ]
        );
        assert_eq!(parse("<html>"), Vec::new());
    }
}
