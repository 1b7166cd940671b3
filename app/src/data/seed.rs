//! Bootstrap data: the first screen's data that comes with the sign-in (`POST /auth/exchange`)
//! or inlined in the page by the worker on a returning visit (docs/contracts.md, "Bootstrap").
//! Decoded here with the app's models; a piece that does not decode is simply fetched again.

use leptos::prelude::*;
use pocket_shared::bff::{Bootstrap, SignedIn, BOOTSTRAP_ELEMENT_ID};
use pocket_shared::tastytrade::{AccountAuthority, Balances, Items, OneOrFirst, Position};
use serde::de::DeserializeOwned;

use crate::api::Data;

/// Decoded bootstrap data, consumed piece by piece by [`super::Data`].
#[derive(Debug, Clone, Default)]
pub struct Seed {
    pub accounts: Option<Vec<AccountAuthority>>,
    pub balances: Vec<(String, Balances)>,
    pub positions: Option<(String, Vec<Position>)>,
}

impl Seed {
    /// Takes the positions of `account` out of the seed (if they are that account's).
    pub fn take_positions(&mut self, account: &str) -> Option<Vec<Position>> {
        match self.positions.take() {
            Some((n, list)) if n == account => Some(list),
            other => {
                self.positions = other;
                None
            }
        }
    }

    /// Takes the balances of `account` out of the seed.
    pub fn take_balances(&mut self, account: &str) -> Option<Balances> {
        let i = self.balances.iter().position(|(n, _)| n == account)?;
        Some(self.balances.swap_remove(i).1)
    }
}

/// Decodes one of tastytrade's bodies. Through text on purpose: `from_value` would compile a
/// second copy of every model's deserializer (for `Value` input) into the wasm; `from_str` reuses
/// the ones the API client already has.
fn body<T: DeserializeOwned>(value: serde_json::Value) -> Option<T> {
    serde_json::from_str::<Data<T>>(&value.to_string())
        .ok()
        .map(|e| e.data)
}

impl From<Bootstrap> for Seed {
    fn from(b: Bootstrap) -> Self {
        Seed {
            accounts: body::<Items<AccountAuthority>>(b.accounts).map(|i| i.items),
            balances: b
                .balances
                .into_iter()
                .filter_map(|(n, v)| Some((n, body::<OneOrFirst<Balances>>(v)?.0)))
                .collect(),
            positions: b
                .positions
                .and_then(|p| Some((p.account, body::<Items<Position>>(p.body)?.items))),
        }
    }
}

/// Holds the seed from sign-in or page load until the signed-in shell takes it.
#[derive(Clone, Copy)]
pub struct SeedSlot(StoredValue<Seed>);

impl SeedSlot {
    pub fn provide() -> Self {
        let slot = SeedSlot(StoredValue::new(Seed::default()));
        provide_context(slot);
        slot
    }

    pub fn expect() -> Self {
        expect_context::<SeedSlot>()
    }

    pub fn put(&self, bootstrap: Option<Bootstrap>) {
        self.0
            .set_value(bootstrap.map(Seed::from).unwrap_or_default());
    }

    pub fn take(&self) -> Seed {
        self.0.try_update_value(std::mem::take).unwrap_or_default()
    }
}

/// The worker's inlined `<script type="application/json" id="pocket-bootstrap">` (a returning
/// signed-in visit), read once and removed from the page.
pub fn take_inlined() -> Option<SignedIn> {
    let element = document().get_element_by_id(BOOTSTRAP_ELEMENT_ID)?;
    let text = element.text_content();
    element.remove();
    serde_json::from_str(&text?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_taken_only_for_their_account_and_once() {
        let mut seed = Seed {
            positions: Some(("5WT00002".into(), Vec::new())),
            ..Seed::default()
        };
        assert_eq!(seed.take_positions("5WT00001"), None);
        assert_eq!(seed.take_positions("5WT00002"), Some(Vec::new()));
        assert_eq!(seed.take_positions("5WT00002"), None);
    }
}
