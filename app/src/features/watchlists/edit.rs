//! Editing a watchlist, as pure functions (unit-tested natively): what the person typed is
//! checked here before anything is sent, and every change becomes the full list to `PUT`
//! (docs/tastytrade.md §6.7: PUT replaces the list).

use pocket_shared::tastytrade::{InstrumentType, Watchlist, WatchlistEntry, WatchlistRequest};

/// The instrument types the "Add symbol" form offers.
pub const KINDS: [InstrumentType; 5] = [
    InstrumentType::Equity,
    InstrumentType::EquityOption,
    InstrumentType::Future,
    InstrumentType::FutureOption,
    InstrumentType::Cryptocurrency,
];

/// The longest name the worker passes in a path (worker/src/allowlist.rs, `decode_name`).
pub const MAX_NAME_CHARS: usize = 100;

/// A symbol as tastytrade writes it: upper case, no surrounding spaces (an option symbol keeps
/// its inner padding: `AAPL  270115C00260000`). Symbols are ASCII; ASCII case mapping also
/// keeps Unicode's case tables out of the wasm.
pub fn normalize_symbol(input: &str) -> String {
    input.trim().to_ascii_uppercase()
}

/// The list with `symbol` added, or why not (nothing is sent then).
pub fn with_entry(
    list: &Watchlist,
    symbol: &str,
    kind: InstrumentType,
) -> Result<WatchlistRequest, String> {
    let symbol = normalize_symbol(symbol);
    if symbol.is_empty() {
        return Err("Enter a symbol.".into());
    }
    if list.symbols().any(|s| s.eq_ignore_ascii_case(&symbol)) {
        return Err(format!("{symbol} is already in this list."));
    }
    let mut request = list.to_request();
    request
        .watchlist_entries
        .push(WatchlistEntry::new(symbol, kind));
    Ok(request)
}

/// The list without `symbol` (every entry of it).
pub fn without_entry(list: &Watchlist, symbol: &str) -> WatchlistRequest {
    let mut request = list.to_request();
    request.watchlist_entries.retain(|e| e.symbol != symbol);
    request
}

/// The name for a new (or renamed) list, trimmed, or why it cannot be used. `taken` are the
/// names of the person's other lists. The worker refuses names it cannot pass in a path
/// (`/ \ ? #`, control characters, `.`, `..`, more than 100 characters), so such a list could
/// be created but never opened: they are refused here first.
pub fn check_name<'a>(
    input: &str,
    mut taken: impl Iterator<Item = &'a str>,
) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Enter a name.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("Use at most {MAX_NAME_CHARS} characters."));
    }
    if name == "." || name == ".." {
        return Err("Choose a name with letters or numbers.".into());
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\' | '?' | '#'))
    {
        return Err("A name can't contain / \\ ? or #.".into());
    }
    if taken.any(|t| t == name) {
        return Err(format!("You already have a watchlist named “{name}”."));
    }
    Ok(name.to_owned())
}

/// `5 symbols`, `1 symbol`, `No symbols`.
pub fn count_label(count: usize) -> String {
    match count {
        0 => "No symbols".into(),
        1 => "1 symbol".into(),
        n => format!("{n} symbols"),
    }
}

/// How many symbols a list holds: its entries, or the count tastytrade sent instead of them
/// (`counts-only=true`; the key is the simulator's, the real one is undocumented, so an
/// unknown count is simply not shown).
pub fn entry_count(list: &Watchlist) -> Option<usize> {
    if !list.watchlist_entries.is_empty() {
        return Some(list.watchlist_entries.len());
    }
    match list.extra.get("watchlist-entries-count") {
        Some(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        None => list.extra.is_empty().then_some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Watchlist {
        serde_json::from_value(serde_json::json!({
            "name": "Tech & /ES", "group-name": "default", "order-index": 3, "cms-id": "x",
            "watchlist-entries": [
                {"symbol": "AAPL", "instrument-type": "Equity"},
                {"symbol": "/ESZ6", "instrument-type": "Future"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn adding_uppercases_and_keeps_the_rest_of_the_list() {
        let request = with_entry(&list(), "  btc/usd ", InstrumentType::Cryptocurrency).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "name": "Tech & /ES", "group-name": "default", "order-index": 3,
                "watchlist-entries": [
                    {"symbol": "AAPL", "instrument-type": "Equity"},
                    {"symbol": "/ESZ6", "instrument-type": "Future"},
                    {"symbol": "BTC/USD", "instrument-type": "Cryptocurrency"}
                ]
            })
        );
        assert_eq!(
            normalize_symbol(" aapl  270115c00260000 "),
            "AAPL  270115C00260000"
        );
    }

    #[test]
    fn empty_or_duplicate_symbols_are_refused() {
        assert_eq!(
            with_entry(&list(), "   ", InstrumentType::Equity),
            Err("Enter a symbol.".into())
        );
        assert_eq!(
            with_entry(&list(), "aapl", InstrumentType::EquityOption),
            Err("AAPL is already in this list.".into())
        );
    }

    #[test]
    fn removing_keeps_order_and_metadata() {
        let request = without_entry(&list(), "AAPL");
        assert_eq!(request.name, "Tech & /ES");
        assert_eq!(request.order_index, 3);
        let symbols: Vec<&str> = request
            .watchlist_entries
            .iter()
            .map(|e| e.symbol.as_str())
            .collect();
        assert_eq!(symbols, ["/ESZ6"]);
        assert_eq!(without_entry(&list(), "NOPE").watchlist_entries.len(), 2);
    }

    #[test]
    fn names_are_checked_before_sending() {
        let taken = ["Tech Giants", "Index & Futures"];
        assert_eq!(
            check_name("  Crypto & more ", taken.into_iter()),
            Ok("Crypto & more".into())
        );
        assert_eq!(
            check_name(" ", taken.into_iter()),
            Err("Enter a name.".into())
        );
        assert!(check_name("Tech Giants ", taken.into_iter())
            .unwrap_err()
            .contains("already have"));
        for bad in ["a/b", "a\\b", "what?", "#1", "tab\there", ".", ".."] {
            assert!(check_name(bad, taken.into_iter()).is_err(), "{bad}");
        }
        assert!(check_name(&"x".repeat(100), taken.into_iter()).is_ok());
        assert!(check_name(&"é".repeat(101), taken.into_iter()).is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(entry_count(&list()), Some(2));
        let counted: Watchlist =
            serde_json::from_value(serde_json::json!({"name": "x", "watchlist-entries-count": 7}))
                .unwrap();
        assert_eq!(entry_count(&counted), Some(7));
        let empty: Watchlist = serde_json::from_value(serde_json::json!({"name": "x"})).unwrap();
        assert_eq!(entry_count(&empty), Some(0));
        let unknown: Watchlist =
            serde_json::from_value(serde_json::json!({"name": "x", "cms-id": "y"})).unwrap();
        assert_eq!(entry_count(&unknown), None);
        assert_eq!(count_label(1), "1 symbol");
        assert_eq!(count_label(0), "No symbols");
        assert_eq!(count_label(12), "12 symbols");
    }
}
