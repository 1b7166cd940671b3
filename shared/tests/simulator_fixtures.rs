//! Contract check: every body the simulator serves (simulator/fixtures, written from the same
//! reference) must parse into these models with the values the UI needs. Skips quietly when the
//! simulator folder is absent (e.g. the shared crate built on its own).

use std::path::{Path, PathBuf};

use pocket_shared::tastytrade::*;

fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../simulator/fixtures");
    dir.is_dir().then_some(dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
        checked += 1;
    }
    assert!(checked > 0, "no account folders");
}
