//! Response bodies served by the API, embedded so the binary runs from any directory.
//!
//! The files are full response bodies (envelope included) written from the documented payloads (docs/tastytrade.md §6).
//! They are parsed into `serde_json::Value` once at startup and served as-is, apart from the few
//! documented edits (mark stripping, `context` of the by-id customer routes).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::DEMO_CUSTOMER_ID;

macro_rules! fixture {
    ($path:literal) => {
        ($path, include_str!(concat!("../fixtures/", $path)))
    };
}

/// Every embedded file as (path relative to `fixtures/`, contents). Tests check it matches the
/// directory on disk, so a new file can't be silently left out.
pub const EMBEDDED: &[(&str, &str)] = &[
    fixture!("customer.json"),
    fixture!("accounts.json"),
    fixture!("watchlists.json"),
    fixture!("public-watchlists.json"),
    fixture!("accounts/5WT00001/balances.json"),
    fixture!("accounts/5WT00001/positions.json"),
    fixture!("accounts/5WT00002/balances.json"),
    fixture!("accounts/5WT00002/positions.json"),
    fixture!("accounts/5WT00003/balances.json"),
    fixture!("accounts/5WT00003/positions.json"),
    fixture!("accounts/5WX99999/balances.json"),
    fixture!("accounts/5WX99999/positions.json"),
];

#[derive(Debug, Clone)]
pub struct AccountFixtures {
    pub balances: Value,
    pub positions: Value,
}

#[derive(Debug, Clone)]
pub struct Fixtures {
    pub customer: Value,
    pub accounts: Value,
    /// The private watchlists the simulator starts with (and `/sim/reset` restores).
    pub watchlists: Value,
    /// tastytrade's curated lists (`/public-watchlists`, read-only).
    pub public_watchlists: Value,
    /// Account numbers listed in `accounts.json`, i.e. owned by the demo customer.
    pub owned: Vec<String>,
    /// Balances and positions of every known account, the demo customer's and others'.
    pub by_account: BTreeMap<String, AccountFixtures>,
}

impl Fixtures {
    /// Parses and validates the embedded fixtures.
    pub fn load() -> Result<Self, String> {
        let mut customer = None;
        let mut accounts = None;
        let mut watchlists = None;
        let mut public_watchlists = None;
        let mut balances = BTreeMap::new();
        let mut positions = BTreeMap::new();
        for (path, text) in EMBEDDED {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("fixtures/{path}: {e}"))?;
            check_envelope(path, &value)?;
            match path.split('/').collect::<Vec<_>>().as_slice() {
                ["customer.json"] => customer = Some(value),
                ["accounts.json"] => accounts = Some(value),
                ["watchlists.json"] => watchlists = Some(value),
                ["public-watchlists.json"] => public_watchlists = Some(value),
                ["accounts", n, "balances.json"] => {
                    balances.insert((*n).to_owned(), value);
                }
                ["accounts", n, "positions.json"] => {
                    positions.insert((*n).to_owned(), value);
                }
                _ => return Err(format!("fixtures/{path}: unexpected file")),
            }
        }
        let customer = customer.ok_or("fixtures/customer.json missing")?;
        let accounts = accounts.ok_or("fixtures/accounts.json missing")?;
        let watchlists = watchlists.ok_or("fixtures/watchlists.json missing")?;
        let public_watchlists =
            public_watchlists.ok_or("fixtures/public-watchlists.json missing")?;
        expect_context("watchlists.json", &watchlists, "/watchlists")?;
        expect_context(
            "public-watchlists.json",
            &public_watchlists,
            "/public-watchlists",
        )?;

        if customer["data"]["id"] != DEMO_CUSTOMER_ID {
            return Err(format!(
                "fixtures/customer.json: data.id must be {DEMO_CUSTOMER_ID}"
            ));
        }
        expect_context("customer.json", &customer, "/customers/me")?;
        expect_context("accounts.json", &accounts, "/customers/me/accounts")?;

        let mut owned = Vec::new();
        for item in items("accounts.json", &accounts)? {
            let n = item["account"]["account-number"]
                .as_str()
                .ok_or("fixtures/accounts.json: item without account.account-number")?;
            owned.push(n.to_owned());
        }

        let mut by_account = BTreeMap::new();
        for (n, bal) in balances {
            let path = format!("accounts/{n}/balances.json");
            let pos = positions
                .remove(&n)
                .ok_or_else(|| format!("fixtures/accounts/{n}/positions.json missing"))?;
            expect_context(&path, &bal, &format!("/accounts/{n}/balances"))?;
            if bal["data"]["account-number"] != n.as_str() {
                return Err(format!("fixtures/{path}: data.account-number must be {n}"));
            }
            let path = format!("accounts/{n}/positions.json");
            expect_context(&path, &pos, &format!("/accounts/{n}/positions"))?;
            for p in items(&path, &pos)? {
                check_position(&path, &n, p)?;
            }
            by_account.insert(
                n,
                AccountFixtures {
                    balances: bal,
                    positions: pos,
                },
            );
        }
        if let Some(n) = positions.keys().next() {
            return Err(format!("fixtures/accounts/{n}/balances.json missing"));
        }
        if let Some(n) = owned.iter().find(|n| !by_account.contains_key(*n)) {
            return Err(format!(
                "fixtures: account {n} is listed in accounts.json but has no balances/positions"
            ));
        }
        Ok(Self {
            customer,
            accounts,
            watchlists,
            public_watchlists,
            owned,
            by_account,
        })
    }
}

impl Fixtures {
    /// The `account` object of an account listed in `accounts.json`.
    pub fn account(&self, n: &str) -> Option<&Value> {
        self.accounts["data"]["items"]
            .as_array()?
            .iter()
            .map(|item| &item["account"])
            .find(|a| a["account-number"] == n)
    }

    /// The fixtures' as-of date: the latest `snapshot-date` of the balances. The simulator's
    /// today can't be earlier (the positions were opened by then).
    pub fn as_of(&self) -> Option<crate::dates::Date> {
        self.by_account
            .values()
            .filter_map(|f| f.balances["data"]["snapshot-date"].as_str()?.parse().ok())
            .max()
    }
}

fn check_envelope(path: &str, value: &Value) -> Result<(), String> {
    if !value["data"].is_object() {
        return Err(format!("fixtures/{path}: `data` must be an object"));
    }
    if !value["context"].is_string() {
        return Err(format!("fixtures/{path}: `context` must be a string"));
    }
    Ok(())
}

fn expect_context(path: &str, value: &Value, context: &str) -> Result<(), String> {
    if value["context"] != context {
        return Err(format!("fixtures/{path}: context must be {context:?}"));
    }
    Ok(())
}

fn items<'a>(path: &str, value: &'a Value) -> Result<&'a Vec<Value>, String> {
    value["data"]["items"]
        .as_array()
        .ok_or_else(|| format!("fixtures/{path}: data.items must be an array"))
}

fn check_position(path: &str, n: &str, p: &Value) -> Result<(), String> {
    let symbol = p["symbol"].as_str().unwrap_or_default();
    let err = |what: &str| Err(format!("fixtures/{path}: position {symbol:?}: {what}"));
    if symbol.is_empty() {
        return err("symbol missing");
    }
    if p["account-number"] != n {
        return err("account-number does not match the directory");
    }
    if !p["quantity"].is_u64() || !p["multiplier"].is_u64() {
        return err("quantity and multiplier must be JSON integers");
    }
    if !matches!(
        p["quantity-direction"].as_str(),
        Some("Long" | "Short" | "Zero")
    ) {
        return err("quantity-direction must be Long, Short or Zero");
    }
    for key in ["close-price", "average-open-price", "mark", "mark-price"] {
        if !p[key].is_string() {
            return err(&format!("{key} must be a decimal string"));
        }
    }
    Ok(())
}
