//! Contract check: every body the simulator serves (simulator/fixtures, written from the same
//! reference) must parse into these models with the values the UI needs. Skips quietly when the
//! simulator folder is absent (e.g. the shared crate built on its own).

use std::path::{Path, PathBuf};

use pocket_shared::tastytrade::*;
use serde::de::DeserializeOwned;

fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../simulator/fixtures");
    dir.is_dir().then_some(dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses `path` when the simulator has it (its order, transaction, history, watchlist and
/// status endpoints may be served from fixtures or computed); a file that exists must parse.
fn parse_if_present<T: DeserializeOwned>(path: &Path) -> Option<T> {
    path.is_file().then(|| {
        serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    })
}

/// Per-account files this test checks, besides balances and positions.
const ACCOUNT_FILES: &[&str] = &[
    "balances.json",
    "positions.json",
    "orders.json",
    "orders-live.json",
    "transactions.json",
    "total-fees.json",
    "net-liq-history.json",
    "balance-snapshots.json",
    "trading-status.json",
    "margin-requirements.json",
];

fn check_account_extras(number: &str, dir: &Path) {
    for name in ["orders.json", "orders-live.json"] {
        if let Some(r) = parse_if_present::<OrdersResponse>(&dir.join(name)) {
            for o in &r.data.items {
                assert_eq!(o.account_number.as_deref(), Some(number), "{number} {name}");
                assert!(
                    !matches!(o.status, Some(OrderStatus::Unknown(_)) | None),
                    "{number} {name}: order {:?} status {:?}",
                    o.id,
                    o.status
                );
                assert!(!o.legs.is_empty(), "{number} {name}: order {:?} legs", o.id);
            }
        }
    }
    if let Some(r) = parse_if_present::<TransactionsResponse>(&dir.join("transactions.json")) {
        for t in &r.data.items {
            assert_eq!(t.account_number.as_deref(), Some(number));
            assert!(
                t.signed_net_value().is_some(),
                "{number} tx {:?}: net",
                t.id
            );
        }
    }
    if let Some(r) = parse_if_present::<TotalFeesResponse>(&dir.join("total-fees.json")) {
        assert!(r.data.signed().is_some(), "{number} total fees");
    }
    if let Some(r) = parse_if_present::<NetLiqHistoryResponse>(&dir.join("net-liq-history.json")) {
        for p in &r.data.items {
            assert!(
                p.parsed_time().is_some(),
                "{number} net-liq time {:?}",
                p.time
            );
            assert!(p.close.is_some(), "{number} net-liq close");
        }
    }
    if let Some(r) =
        parse_if_present::<BalanceSnapshotsResponse>(&dir.join("balance-snapshots.json"))
    {
        for s in &r.data.items {
            assert!(
                s.balances.net_liquidating_value.is_some(),
                "{number} snapshot NLV"
            );
        }
    }
    if let Some(r) = parse_if_present::<TradingStatusResponse>(&dir.join("trading-status.json")) {
        assert_eq!(r.data.account_number.as_deref(), Some(number));
    }
    if let Some(r) =
        parse_if_present::<MarginRequirementsResponse>(&dir.join("margin-requirements.json"))
    {
        assert_eq!(r.data.account_number.as_deref(), Some(number));
    }
    report_unchecked(dir, ACCOUNT_FILES);
}

/// Names JSON files this test does not parse, so a new simulator fixture is noticed.
fn report_unchecked(dir: &Path, known: &[&str]) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".json") && !known.contains(&name.as_str()) {
            eprintln!("not contract-checked: {}", path.display());
        }
    }
}

#[test]
fn simulator_fixtures_parse_with_usable_values() {
    let Some(dir) = fixtures_dir() else {
        eprintln!("simulator/fixtures not found; skipped");
        return;
    };

    let customer: CustomerResponse =
        serde_json::from_str(&read(&dir.join("customer.json"))).expect("customer.json parses");
    assert!(customer.data.id.is_some(), "customer id");

    let accounts: AccountsResponse =
        serde_json::from_str(&read(&dir.join("accounts.json"))).expect("accounts.json parses");
    assert!(!accounts.data.items.is_empty());

    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("accounts")).unwrap() {
        let account_dir = entry.unwrap().path();
        let number = account_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();

        let balances: BalancesResponse =
            serde_json::from_str(&read(&account_dir.join("balances.json")))
                .unwrap_or_else(|e| panic!("{number} balances: {e}"));
        let b = balances.data.0;
        assert_eq!(b.account_number.as_deref(), Some(number.as_str()));
        assert!(b.net_liquidating_value.is_some(), "{number} NLV");
        assert!(b.buying_power().is_some(), "{number} buying power");
        assert!(b.cash_balance.is_some(), "{number} cash");

        let positions: PositionsResponse =
            serde_json::from_str(&read(&account_dir.join("positions.json")))
                .unwrap_or_else(|e| panic!("{number} positions: {e}"));
        for p in &positions.data.items {
            assert_eq!(p.account_number.as_deref(), Some(number.as_str()));
            assert!(
                !matches!(p.instrument_type, Some(InstrumentType::Unknown(_)) | None),
                "{number} {}: instrument type {:?}",
                p.symbol,
                p.instrument_type
            );
            assert!(
                !matches!(
                    p.quantity_direction,
                    Some(QuantityDirection::Unknown(_)) | None
                ),
                "{number} {}: direction",
                p.symbol
            );
            if p.average_open_price.is_some() && (p.mark_price.is_some() || p.close_price.is_some())
            {
                assert!(p.unrealized_pl().is_some(), "{number} {}: P/L", p.symbol);
            }
        }
        check_account_extras(&number, &account_dir);
        checked += 1;
    }
    assert!(checked > 0, "no account folders");

    for name in ["watchlists.json", "public-watchlists.json"] {
        if let Some(r) = parse_if_present::<WatchlistsResponse>(&dir.join(name)) {
            for w in &r.data.items {
                assert!(!w.name.is_empty(), "{name}: a list without a name");
            }
        }
    }
    report_unchecked(
        &dir,
        &[
            "customer.json",
            "accounts.json",
            "watchlists.json",
            "public-watchlists.json",
        ],
    );
}
