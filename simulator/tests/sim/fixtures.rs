//! The fixture files themselves: well-formed, all embedded, and internally plausible.

use std::collections::BTreeSet;
use std::path::Path;

use pocket_sim::fixtures::{Fixtures, EMBEDDED};
use serde_json::Value;

use crate::common::*;

fn walk(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, base, out);
        } else {
            out.insert(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

#[test]
fn every_fixture_file_is_an_embedded_envelope() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut on_disk = BTreeSet::new();
    walk(&base, &base, &mut on_disk);
    let embedded: BTreeSet<String> = EMBEDDED.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(on_disk, embedded, "fixtures/ and fixtures::EMBEDDED differ");
    for path in &on_disk {
        let v = fixture(path);
        assert!(v["data"].is_object(), "{path}: data");
        assert!(v["context"].is_string(), "{path}: context");
    }
    Fixtures::load().expect("fixtures validate");
}

fn dec(v: &Value, key: &str) -> f64 {
    let s = v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} must be a decimal string: {v}"));
    s.parse()
        .unwrap_or_else(|_| panic!("{key}={s:?} is not a decimal"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// Value at mark of the positions of some instrument types, split into (long, short).
fn values(positions: &Value, types: &[&str]) -> (f64, f64) {
    let (mut long, mut short) = (0.0, 0.0);
    for p in positions["data"]["items"].as_array().unwrap() {
        if !types.contains(&p["instrument-type"].as_str().unwrap()) {
            continue;
        }
        let value =
            dec(p, "mark") * p["quantity"].as_f64().unwrap() * p["multiplier"].as_f64().unwrap();
        match p["quantity-direction"].as_str().unwrap() {
            "Long" => long += value,
            "Short" => short += value,
            _ => {}
        }
    }
    (long, short)
}

#[test]
fn balances_agree_with_positions() {
    for n in OWN_ACCOUNTS.iter().chain([&OTHER_ACCOUNT]) {
        let b = &fixture(&format!("accounts/{n}/balances.json"))["data"];
        let p = fixture(&format!("accounts/{n}/positions.json"));
        let (long_eq, short_eq) = values(&p, &["Equity"]);
        let (long_opt, short_opt) = values(&p, &["Equity Option"]);
        let (long_fo, short_fo) = values(&p, &["Future Option"]);
        let (long_fut, short_fut) = values(&p, &["Future"]);
        assert!(
            close(dec(b, "long-equity-value"), long_eq),
            "{n} long equity"
        );
        assert!(
            close(dec(b, "short-equity-value"), short_eq),
            "{n} short equity"
        );
        assert!(
            close(dec(b, "long-derivative-value"), long_opt),
            "{n} long derivatives"
        );
        assert!(
            close(dec(b, "short-derivative-value"), short_opt),
            "{n} short derivatives"
        );
        assert!(
            close(dec(b, "long-futures-derivative-value"), long_fo),
            "{n} long fut opts"
        );
        assert!(
            close(dec(b, "short-futures-derivative-value"), short_fo),
            "{n} short fut opts"
        );
        assert!(
            close(dec(b, "long-futures-value"), long_fut),
            "{n} futures notional"
        );
        assert!(
            close(dec(b, "short-futures-value"), short_fut),
            "{n} futures notional"
        );

        // Futures are marked to market daily: only today's move (mark - close) is in NLV.
        let mut futures_pl = 0.0;
        for item in p["data"]["items"].as_array().unwrap() {
            if item["instrument-type"] == "Future" {
                let sign = if item["quantity-direction"] == "Short" {
                    -1.0
                } else {
                    1.0
                };
                futures_pl += sign
                    * (dec(item, "mark") - dec(item, "close-price"))
                    * item["quantity"].as_f64().unwrap()
                    * item["multiplier"].as_f64().unwrap();
            }
        }
        let nlv = dec(b, "cash-balance") + long_eq - short_eq + long_opt - short_opt + long_fo
            - short_fo
            + futures_pl;
        assert!(
            close(dec(b, "net-liquidating-value"), nlv),
            "{n}: NLV {nlv}"
        );
        assert!(
            close(
                dec(b, "maintenance-excess"),
                dec(b, "net-liquidating-value") - dec(b, "maintenance-requirement")
            ),
            "{n}: maintenance excess"
        );
    }
}

#[test]
fn positions_follow_wire_conventions() {
    let mut types = BTreeSet::new();
    let mut directions = BTreeSet::new();
    for n in OWN_ACCOUNTS {
        let p = fixture(&format!("accounts/{n}/positions.json"));
        for item in p["data"]["items"].as_array().unwrap() {
            let symbol = item["symbol"].as_str().unwrap();
            let kind = item["instrument-type"].as_str().unwrap();
            types.insert(kind.to_owned());
            directions.insert(item["quantity-direction"].as_str().unwrap().to_owned());
            assert!(
                item["quantity"].is_u64() && item["multiplier"].is_u64(),
                "{symbol}"
            );
            for key in [
                "close-price",
                "average-open-price",
                "mark",
                "mark-price",
                "realized-day-gain",
            ] {
                dec(item, key);
            }
            let expected_effect = if item["quantity-direction"] == "Long" {
                "Credit"
            } else {
                "Debit"
            };
            assert_eq!(item["cost-effect"], expected_effect, "{symbol}");
            match kind {
                // OCC: root padded to 6, YYMMDD, C/P, strike x1000 in 8 digits.
                "Equity Option" => {
                    assert_eq!(symbol.len(), 21, "{symbol:?}");
                    assert_eq!(symbol[..6].trim_end(), item["underlying-symbol"]);
                    assert!(matches!(&symbol[12..13], "C" | "P"));
                    assert!(symbol[6..12]
                        .bytes()
                        .chain(symbol[13..].bytes())
                        .all(|b| b.is_ascii_digit()));
                    assert_eq!(item["multiplier"], 100);
                }
                "Future" => assert!(symbol.starts_with('/') && !symbol.starts_with("./")),
                "Future Option" => {
                    let parts: Vec<&str> = symbol.split(' ').collect();
                    assert_eq!(parts.len(), 3, "{symbol:?}");
                    assert_eq!(
                        parts[0],
                        format!(".{}", item["underlying-symbol"].as_str().unwrap())
                    );
                }
                "Equity" => assert_eq!(symbol, item["underlying-symbol"]),
                other => panic!("unexpected instrument type {other}"),
            }
        }
    }
    let all: BTreeSet<String> = ["Equity", "Equity Option", "Future", "Future Option"]
        .map(String::from)
        .into();
    assert_eq!(types, all);
    assert!(directions.contains("Long") && directions.contains("Short"));
}

#[test]
fn accounts_have_distinct_nicknames_and_expected_types() {
    let accounts = fixture("accounts.json");
    let items = accounts["data"]["items"].as_array().unwrap();
    let nicknames: BTreeSet<&str> = items
        .iter()
        .map(|i| i["account"]["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(nicknames.len(), items.len());
    let get = |n: &str| {
        items
            .iter()
            .find(|i| i["account"]["account-number"] == n)
            .unwrap()["account"]
            .clone()
    };
    assert_eq!(get("5WT00001")["margin-or-cash"], "Margin");
    assert_eq!(get("5WT00002")["account-type-name"], "Roth IRA");
    assert_eq!(get("5WT00002")["margin-or-cash"], "Cash");
    assert_eq!(get("5WT00003")["is-futures-approved"], true);
    let customer = fixture("customer.json");
    assert_eq!(customer["data"]["id"], "C0000001");
    assert_eq!(customer["data"]["email"], "demo@example.com");
}

/// The keys of the real `/accounts/{n}/balances` payload, read from the JSON block of
/// docs/tastytrade.md §6.2 so the document stays the one list.
pub fn documented_balance_keys() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/tastytrade.md");
    let doc = std::fs::read_to_string(&path).expect("docs/tastytrade.md");
    let section = doc
        .split("### 6.2 Balances")
        .nth(1)
        .expect("docs/tastytrade.md has §6.2");
    let block = section
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("§6.2 has a JSON block");
    let payload: Value = serde_json::from_str(block).expect("§6.2's JSON block parses");
    payload.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn balances_carry_every_key_of_the_real_payload() {
    let documented = documented_balance_keys();
    assert_eq!(
        documented.len(),
        46,
        "docs/tastytrade.md §6.2 lists 46 keys"
    );
    assert!(documented.contains("used-derivative-buying-power"));
    for (path, _) in EMBEDDED
        .iter()
        .filter(|(p, _)| p.ends_with("balances.json"))
    {
        let data = &fixture(path)["data"];
        let keys: BTreeSet<String> = data.as_object().unwrap().keys().cloned().collect();
        let missing: Vec<_> = documented.difference(&keys).collect();
        assert!(missing.is_empty(), "{path} lacks {missing:?}");
        for key in &documented {
            let v = &data[key];
            assert!(v.is_string(), "{path}: {key} must be a string, got {v}");
        }
    }
}
