//! The activity's filters, kept in the query string
//! (`?type=Trade,Money%20Movement&symbol=SPY&from=2026-11-01&to=2026-12-06`), and the search
//! they make (docs/tastytrade.md §6.5: `types[]`, `underlying-symbol`, `start-date`/`end-date`,
//! `sort`, `per-page`, `page-offset`).

use leptos::prelude::*;
use web_sys::Element;

use crate::components::dom::{find, set_attr, El};
use crate::components::filters::{list_filter_form, year_start, ListFilters, Scope};
use crate::components::DateRange;
use crate::url::build_query;

/// The activity shows the last 90 days unless the address says otherwise.
pub const DEFAULT_DAYS: i64 = 90;

/// Transactions per page of the list.
pub const PER_PAGE: u32 = 50;

/// The transaction types a person filters by (their `transaction-type` wire names).
pub const TYPES: [&str; 3] = ["Trade", "Money Movement", "Receive Deliver"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFilters {
    /// A subset of [`TYPES`], in that order; empty for every type.
    pub types: Vec<&'static str>,
    pub scope: Scope,
}

impl ActivityFilters {
    pub fn default_range(today: &str) -> DateRange {
        DateRange::last_days(today, DEFAULT_DAYS)
    }

    /// Everything from January 1st to `today`: the "fees this year" figure.
    pub fn year_to_date(today: &str) -> Self {
        ActivityFilters {
            types: Vec::new(),
            scope: Scope {
                symbol: String::new(),
                range: DateRange {
                    from: year_start(today).unwrap_or_else(|| today.to_owned()),
                    to: today.to_owned(),
                },
            },
        }
    }

    /// The filters in the address; anything missing or unreadable takes its default.
    pub fn from_query(get: impl Fn(&str) -> Option<String>, today: &str) -> Self {
        let scope = Scope::from_query(&get, &Self::default_range(today));
        let wanted = get("type").unwrap_or_default();
        let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
        ActivityFilters {
            types: TYPES
                .into_iter()
                .filter(|t| wanted.iter().any(|w| w.eq_ignore_ascii_case(t)))
                .collect(),
            scope,
        }
    }

    /// Adds `t` when absent, removes it when present (kept in [`TYPES`] order).
    pub fn toggle(&mut self, t: &'static str) {
        let on = !self.types.contains(&t);
        let was = std::mem::take(&mut self.types);
        self.types = TYPES
            .into_iter()
            .filter(|x| if *x == t { on } else { was.contains(x) })
            .collect();
    }

    /// The search's filters, without paging. Only `types[]` is sent for types: whether `type`
    /// and `types[]` combine is not documented (docs/tastytrade.md §6.5).
    pub fn api_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = self
            .types
            .iter()
            .map(|t| ("types[]", (*t).to_owned()))
            .collect();
        pairs.extend(self.scope.api_pairs());
        pairs
    }

    /// One page of the search, newest first.
    pub fn api_query(&self, per_page: u32, page_offset: i64) -> String {
        let mut pairs = self.api_pairs();
        pairs.push(("sort", "Desc".into()));
        pairs.push(("per-page", per_page.to_string()));
        pairs.push(("page-offset", page_offset.to_string()));
        build_query(&pairs)
    }
}

impl ListFilters for ActivityFilters {
    fn scope(&self) -> &Scope {
        &self.scope
    }

    fn scope_mut(&mut self) -> &mut Scope {
        &mut self.scope
    }

    fn query_pairs(&self, today: &str) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("type", self.types.join(","))];
        pairs.retain(|(_, v)| !v.is_empty());
        pairs.extend(self.scope.query_pairs(&Self::default_range(today)));
        pairs
    }
}

/// Type chips, then the shared symbol and dates; every change rewrites the address.
pub fn activity_filters_form(filters: Memo<ActivityFilters>, today: String) -> El {
    let chips = TYPES.into_iter().map(|t| {
        El::leaf("button", "chip chip-toggle", t)
            .attr("type", "button")
            .attr("data-testid", "filter-type")
            .attr("data-type", t)
    });
    let chips = El::new("div", "chips")
        .attr("role", "group")
        .attr("aria-label", "Types")
        .children(chips);
    list_filter_form(
        "Filter the activity",
        filters,
        today,
        chips,
        toggle_type,
        show_types,
    )
}

/// A type chip toggles its type.
fn toggle_type(f: &mut ActivityFilters, control: &Element) -> bool {
    let chosen = control.get_attribute("data-type");
    let Some(t) = TYPES.into_iter().find(|t| chosen.as_deref() == Some(*t)) else {
        return false;
    };
    f.toggle(t);
    true
}

/// Each chip is pressed when its type is chosen.
fn show_types(f: &ActivityFilters, form: &Element) {
    let mut chip = find(form, ".chips").and_then(|chips| chips.first_element_child());
    while let Some(c) = chip {
        let chosen = c
            .get_attribute("data-type")
            .is_some_and(|t| f.types.iter().any(|x| *x == t));
        set_attr(&c, "aria-pressed", if chosen { "true" } else { "false" });
        chip = c.next_element_sibling();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::filters::query_lookup;

    fn from(query: &str) -> ActivityFilters {
        ActivityFilters::from_query(query_lookup(query), "2026-12-06")
    }

    #[test]
    fn defaults_and_the_search() {
        let f = from("");
        assert!(f.types.is_empty());
        assert!(f.query_pairs("2026-12-06").is_empty());
        assert_eq!(
            f.api_query(50, 0),
            "start-date=2026-09-08&end-date=2026-12-06&sort=Desc&per-page=50&page-offset=0"
        );
    }

    #[test]
    fn types_parse_in_order_and_toggle() {
        let mut f = from("type=receive%20deliver,Nope,trade,Trade&symbol=meta&to=2026-11-30");
        assert_eq!(f.types, ["Trade", "Receive Deliver"]);
        assert_eq!(f.scope.symbol, "META");
        assert_eq!(
            build_query(&f.query_pairs("2026-12-06")),
            "type=Trade%2CReceive%20Deliver&symbol=META&to=2026-11-30"
        );
        assert_eq!(from(&build_query(&f.query_pairs("2026-12-06"))), f);
        assert_eq!(
            f.api_query(50, 3),
            "types%5B%5D=Trade&types%5B%5D=Receive%20Deliver&underlying-symbol=META\
             &start-date=2026-09-08&end-date=2026-11-30&sort=Desc&per-page=50&page-offset=3"
        );
        f.toggle("Money Movement");
        assert_eq!(f.types, ["Trade", "Money Movement", "Receive Deliver"]);
        f.toggle("Trade");
        assert_eq!(f.types, ["Money Movement", "Receive Deliver"]);
    }

    #[test]
    fn year_to_date_starts_on_january_first() {
        let ytd = ActivityFilters::year_to_date("2026-12-06");
        assert_eq!(ytd.scope.range.from, "2026-01-01");
        assert_eq!(ytd.scope.range.to, "2026-12-06");
        assert_eq!(
            build_query(&ytd.api_pairs()),
            "start-date=2026-01-01&end-date=2026-12-06"
        );
    }
}
