//! Every fixture file the simulator embeds (`pocket_sim::fixtures::EMBEDDED`, which the
//! simulator's own tests keep equal to `simulator/fixtures/`) parses into its model. A file
//! this test does not know fails it, so a new fixture cannot go unchecked.

use pocket_contract::{parse, Source};
use pocket_shared::tastytrade::*;
use pocket_sim::fixtures::EMBEDDED;

#[test]
fn every_embedded_fixture_parses_with_usable_values() {
    let mut accounts_checked = 0;
    for (path, text) in EMBEDDED {
        let name = format!("simulator/fixtures/{path}");
        let body = text.as_bytes();
        match path.split('/').collect::<Vec<_>>().as_slice() {
            ["customer.json"] => {
                parse::<CustomerResponse>(Source::new(&name), body);
            }
            ["accounts.json"] => {
                parse::<AccountsResponse>(Source::new(&name), body);
            }
            ["watchlists.json"] | ["public-watchlists.json"] => {
                let lists = parse::<WatchlistsResponse>(Source::new(&name), body);
                assert!(!lists.data.items.is_empty(), "{name}: no lists");
            }
            ["accounts", n, "balances.json"] => {
                parse::<BalancesResponse>(Source::of_account(&name, n), body);
                accounts_checked += 1;
            }
            ["accounts", n, "positions.json"] => {
                parse::<PositionsResponse>(Source::of_account(&name, n), body);
            }
            _ => panic!("{name}: not contract-checked; add it to this test"),
        }
    }
    assert!(accounts_checked > 0, "no account fixtures");
}
