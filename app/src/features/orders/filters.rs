//! The order history's filters, kept in the query string
//! (`?status=Filled&symbol=SPY&from=2026-11-01&to=2026-12-06`), and the search they make
//! (docs/tastytrade.md §6.4: `status[]`, `underlying-symbol`, `start-date`/`end-date`, `sort`,
//! `per-page`, `page-offset`).

use leptos::prelude::*;
use web_sys::Element;

use crate::components::dom::{find, set_value, value, El};
use crate::components::filters::{field, list_filter_form, ListFilters, Scope};
use crate::components::DateRange;
use crate::url::build_query;

/// The history shows the last 90 days unless the address says otherwise.
pub const DEFAULT_DAYS: i64 = 90;

/// Orders per page of the history (tastytrade's own default differs between its docs and
/// swagger, so it is always sent; docs/tastytrade.md §4.2).
pub const PER_PAGE: u32 = 25;

/// The status choices a trader filters by; some stand for several tastytrade statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Any,
    Working,
    Filled,
    Cancelled,
    Rejected,
    Expired,
    Removed,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 7] = [
        StatusFilter::Any,
        StatusFilter::Working,
        StatusFilter::Filled,
        StatusFilter::Cancelled,
        StatusFilter::Rejected,
        StatusFilter::Expired,
        StatusFilter::Removed,
    ];

    /// The value in the address (`status=Filled`); empty for "any".
    pub fn key(self) -> &'static str {
        match self {
            StatusFilter::Any => "",
            StatusFilter::Working => "Working",
            StatusFilter::Filled => "Filled",
            StatusFilter::Cancelled => "Cancelled",
            StatusFilter::Rejected => "Rejected",
            StatusFilter::Expired => "Expired",
            StatusFilter::Removed => "Removed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Any => "Any status",
            other => other.key(),
        }
    }

    /// Reads the address value (any case); unknown values mean "any".
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| !f.key().is_empty() && f.key().eq_ignore_ascii_case(s.trim()))
            .unwrap_or(StatusFilter::Any)
    }

    /// The `status[]` values it searches for (docs/tastytrade.md §6.4). "Working" is every
    /// non-terminal status, as `OrderStatus::is_known_working` counts them.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            StatusFilter::Any => &[],
            StatusFilter::Working => &[
                "Received",
                "Routed",
                "In Flight",
                "Live",
                "Cancel Requested",
                "Replace Requested",
                "Contingent",
            ],
            StatusFilter::Filled => &["Filled"],
            StatusFilter::Cancelled => &["Cancelled"],
            StatusFilter::Rejected => &["Rejected"],
            StatusFilter::Expired => &["Expired"],
            StatusFilter::Removed => &["Removed", "Partially Removed"],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFilters {
    pub status: StatusFilter,
    pub scope: Scope,
}

impl OrderFilters {
    pub fn default_range(today: &str) -> DateRange {
        DateRange::last_days(today, DEFAULT_DAYS)
    }

    /// The filters in the address; anything missing or unreadable takes its default.
    pub fn from_query(get: impl Fn(&str) -> Option<String>, today: &str) -> Self {
        let scope = Scope::from_query(&get, &Self::default_range(today));
        OrderFilters {
            status: get("status").map_or(StatusFilter::Any, |s| StatusFilter::parse(&s)),
            scope,
        }
    }

    /// The search's query string for page `page_offset`, newest first. `start-date` is always
    /// sent: newer API versions refuse a search without one (docs/tastytrade.md §3.2, §6.4).
    pub fn api_query(&self, page_offset: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .status
            .statuses()
            .iter()
            .map(|s| ("status[]", (*s).to_owned()))
            .collect();
        pairs.extend(self.scope.api_pairs());
        pairs.push(("sort", "Desc".into()));
        pairs.push(("per-page", PER_PAGE.to_string()));
        pairs.push(("page-offset", page_offset.to_string()));
        build_query(&pairs)
    }
}

impl ListFilters for OrderFilters {
    fn scope(&self) -> &Scope {
        &self.scope
    }

    fn scope_mut(&mut self) -> &mut Scope {
        &mut self.scope
    }

    fn query_pairs(&self, today: &str) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("status", self.status.key().to_owned())];
        pairs.retain(|(_, v)| !v.is_empty());
        pairs.extend(self.scope.query_pairs(&Self::default_range(today)));
        pairs
    }
}

/// The filter form above the history: a status, then the shared symbol and dates. Every
/// change rewrites the address, which re-runs the search.
pub fn order_filters_form(filters: Memo<OrderFilters>, today: String) -> El {
    let options = StatusFilter::ALL
        .into_iter()
        .map(|s| El::leaf("option", "", s.label()).attr("value", s.key()));
    let status = field(
        "Status",
        El::new("select", "")
            .attr("data-testid", "filter-status")
            .children(options),
    );
    list_filter_form(
        "Filter the order history",
        filters,
        today,
        status,
        change_status,
        show_status,
    )
}

fn change_status(f: &mut OrderFilters, control: &Element) -> bool {
    let is_status = control.get_attribute("data-testid").as_deref() == Some("filter-status");
    if is_status {
        f.status = StatusFilter::parse(&value(control));
    }
    is_status
}

fn show_status(f: &OrderFilters, form: &Element) {
    if let Some(select) = find(form, "[data-testid=filter-status]") {
        set_value(&select, f.status.key());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::filters::query_lookup;

    fn from(query: &str) -> OrderFilters {
        OrderFilters::from_query(query_lookup(query), "2026-12-06")
    }

    #[test]
    fn defaults_are_the_last_90_days_of_everything() {
        let f = from("");
        assert_eq!(f.status, StatusFilter::Any);
        assert_eq!(f.scope.symbol, "");
        assert_eq!(f.scope.range, DateRange::last_days("2026-12-06", 90));
        assert!(f.query_pairs("2026-12-06").is_empty());
        assert_eq!(
            f.api_query(0),
            "start-date=2026-09-08&end-date=2026-12-06&sort=Desc&per-page=25&page-offset=0"
        );
    }

    #[test]
    fn address_round_trips_and_becomes_the_search() {
        let f = from("status=filled&symbol=%20spy&from=2026-11-01&to=2026-11-30&junk=1");
        assert_eq!(f.status, StatusFilter::Filled);
        assert_eq!(f.scope.symbol, "SPY");
        assert_eq!(
            build_query(&f.query_pairs("2026-12-06")),
            "status=Filled&symbol=SPY&from=2026-11-01&to=2026-11-30"
        );
        assert_eq!(from(&build_query(&f.query_pairs("2026-12-06"))), f);
        assert_eq!(
            f.api_query(2),
            "status%5B%5D=Filled&underlying-symbol=SPY&start-date=2026-11-01&end-date=2026-11-30\
             &sort=Desc&per-page=25&page-offset=2"
        );
    }

    #[test]
    fn grouped_statuses_expand() {
        let f = from("status=Working&symbol=/ES");
        let q = f.api_query(0);
        assert_eq!(q.matches("status%5B%5D=").count(), 7, "{q}");
        assert!(q.contains("status%5B%5D=In%20Flight"));
        assert!(q.contains("underlying-symbol=%2FES"));
        let removed = from("status=Removed").api_query(0);
        assert!(removed.contains("status%5B%5D=Partially%20Removed"));
        // Unknown statuses and bad dates fall back to the defaults.
        let junk = from("status=Nope&from=2026-02-30");
        assert_eq!(junk.status, StatusFilter::Any);
        assert_eq!(junk.scope.range.from, "2026-09-08");
    }
}
