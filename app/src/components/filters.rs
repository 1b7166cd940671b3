//! Pieces of a list screen's filters kept in the query string (orders, activity): a date range
//! with a default (the last N days), a symbol, and their form fields. Dates are ISO
//! `YYYY-MM-DD` (what tastytrade's `start-date`/`end-date` take, docs/tastytrade.md §6.4–6.5),
//! computed in Rust so the rules are unit-tested natively.

use leptos::prelude::*;
use pocket_shared::tastytrade::UtcTime;
use web_sys::{Element, Event};

use super::dom::{find, set_hidden, set_or_remove_attr, set_value, target, value, watch, El};
use crate::router::Router;

/// The date `days` days after 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a real `YYYY-MM-DD` date (years 1900–2999), nothing else
/// (no time, no offset); `None` otherwise. The calendar checks are `UtcTime::parse`'s.
fn epoch_day(iso: &str) -> Option<i64> {
    let year: i64 = iso.get(..4)?.parse().ok()?;
    if iso.len() != 10 || !(1900..=2999).contains(&year) {
        return None;
    }
    Some(UtcTime::parse(iso)?.unix_seconds.div_euclid(86_400))
}

fn iso_of(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether `s` is a real `YYYY-MM-DD` date.
pub fn is_iso_date(s: &str) -> bool {
    epoch_day(s).is_some()
}

/// `iso` moved by `days` (negative: earlier); `None` if `iso` is not a date.
pub fn add_days(iso: &str, days: i64) -> Option<String> {
    Some(iso_of(epoch_day(iso)?.checked_add(days)?))
}

/// January 1st of `iso`'s year.
pub fn year_start(iso: &str) -> Option<String> {
    epoch_day(iso)?;
    Some(format!("{}-01-01", &iso[..4]))
}

/// An inclusive range of days, `from` ≤ `to` when [`DateRange::is_ordered`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

impl DateRange {
    /// The `days` days ending `today` (`today` included).
    pub fn last_days(today: &str, days: i64) -> Self {
        DateRange {
            from: add_days(today, 1 - days).unwrap_or_else(|| today.to_owned()),
            to: today.to_owned(),
        }
    }

    /// The range in the address (`from`, `to`), each part falling back to `default`'s when
    /// absent or not a date.
    pub fn from_query(from: Option<&str>, to: Option<&str>, default: &DateRange) -> Self {
        let pick = |v: Option<&str>, d: &str| v.filter(|s| is_iso_date(s)).unwrap_or(d).to_owned();
        DateRange {
            from: pick(from, &default.from),
            to: pick(to, &default.to),
        }
    }

    pub fn is_ordered(&self) -> bool {
        // ISO dates order as strings.
        self.from <= self.to
    }

    /// `from`/`to` for the address, leaving out what equals `default` (the address stays
    /// short, and "the last 90 days" keeps meaning that tomorrow).
    pub fn query_pairs(&self, default: &DateRange) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.from != default.from {
            pairs.push(("from", self.from.clone()));
        }
        if self.to != default.to {
            pairs.push(("to", self.to.clone()));
        }
        pairs
    }

    /// tastytrade's inclusive `start-date`/`end-date`.
    pub fn api_pairs(&self) -> [(&'static str, String); 2] {
        [
            ("start-date", self.from.clone()),
            ("end-date", self.to.clone()),
        ]
    }
}

/// What a person typed as a symbol, as tastytrade spells it: trimmed, upper case, at most 32
/// characters of letters, digits and ` / . -` (anything else is dropped).
pub fn clean_symbol(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | ' ' | '-'))
        .take(32)
        .collect::<String>()
        .trim()
        .to_ascii_uppercase()
}

/// The symbol and the dates every list screen filters by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Cleaned ([`clean_symbol`]); empty for any. Searched as `underlying-symbol`, so `SPY`
    /// finds the stock and its options.
    pub symbol: String,
    pub range: DateRange,
}

impl Scope {
    /// The address's `symbol`, `from` and `to`, each falling back to its default.
    pub fn from_query(get: &impl Fn(&str) -> Option<String>, default: &DateRange) -> Self {
        let (from, to) = (get("from"), get("to"));
        Scope {
            symbol: get("symbol").map(|s| clean_symbol(&s)).unwrap_or_default(),
            range: DateRange::from_query(from.as_deref(), to.as_deref(), default),
        }
    }

    /// `symbol`, `from`, `to` for the address; empty and default values left out.
    pub fn query_pairs(&self, default: &DateRange) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("symbol", self.symbol.clone())];
        pairs.extend(self.range.query_pairs(default));
        pairs.retain(|(_, v)| !v.is_empty());
        pairs
    }

    /// tastytrade's `underlying-symbol` (when set) and inclusive dates.
    pub fn api_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("underlying-symbol", self.symbol.clone())];
        pairs.extend(self.range.api_pairs());
        pairs.retain(|(_, v)| !v.is_empty());
        pairs
    }
}

/// A list screen's filters, as the shared form and the address need them.
pub trait ListFilters: Clone + PartialEq + Send + Sync + 'static {
    fn scope(&self) -> &Scope;
    fn scope_mut(&mut self) -> &mut Scope;
    /// The address's query pairs (defaults left out).
    fn query_pairs(&self, today: &str) -> Vec<(&'static str, String)>;
}

/// The filter form of a list screen, bound to its filters in the address: `leading` (the
/// screen's own control: a status, types) first, then a symbol (applied on Enter or leaving
/// the field, cleaned), a date range and "Reset filters" (clears the query string).
/// `leading_change` applies a change of one of `leading`'s controls (`false`: not one of
/// them); `leading_show` shows the filters in them.
pub fn list_filter_form<F: ListFilters>(
    label: &str,
    filters: Memo<F>,
    today: String,
    leading: El,
    leading_change: fn(&mut F, &Element) -> bool,
    leading_show: fn(&F, &Element),
) -> El {
    let today = StoredValue::new(today);
    // Taken now: event handlers run outside the component tree (no context there).
    let router = Router::expect();
    let show = move |form: &Element| {
        filters.with(|f| {
            leading_show(f, form);
            let is_default = today.with_value(|t| f.query_pairs(t).is_empty());
            let scope = f.scope();
            show_fields(form, &scope.symbol, &scope.range, is_default);
        })
    };
    let change = move |control: &Element| {
        let mut next = filters.get_untracked();
        let v = value(control);
        let scope = next.scope_mut();
        match control.get_attribute("data-testid").as_deref() {
            Some("filter-symbol") => scope.symbol = clean_symbol(&v),
            Some("filter-from") if is_iso_date(&v) => scope.range.from = v,
            Some("filter-to") if is_iso_date(&v) => scope.range.to = v,
            Some("filter-reset") => return router.set_query(&[]),
            _ => {
                if !leading_change(&mut next, control) {
                    return;
                }
            }
        }
        // The address is rewritten, replacing the history entry (a filter is not a place to go
        // back to); the screen's search follows the address.
        today.with_value(|t| router.set_query(&next.query_pairs(t)));
    };
    filter_form(label, leading, Box::new(show), Box::new(change))
}

/// A list section's `list` under its filters, and "The start date is after the end date."
/// (`data-testid` `testid`) in its place while the range of `filters` is backwards.
pub fn ordered_only<F: ListFilters>(section: El, testid: &str, list: El, filters: Memo<F>) -> El {
    let ordered = move || filters.with(|f| f.scope().range.is_ordered());
    show_when_ordered(section, testid, list, Box::new(ordered))
}

// The non-generic part of [`ordered_only`].
fn show_when_ordered(section: El, testid: &str, list: El, ordered: Box<dyn Fn() -> bool>) -> El {
    let bad = El::leaf("p", "bad-range", "The start date is after the end date.")
        .attr("data-testid", testid);
    let (bad_element, list_element) = (bad.element(), list.element());
    watch(move || {
        let ordered = ordered();
        set_hidden(&bad_element, ordered);
        set_hidden(&list_element, !ordered);
    });
    section.child(bad).child(list)
}

/// A labelled form field: `<label class="field"><span class="field-label">…</span>…</label>`.
pub fn field(label: &str, control: El) -> El {
    El::new("label", "field")
        .child(El::leaf("span", "field-label", label))
        .child(control)
}

fn date_field(label: &str, testid: &str) -> El {
    field(
        label,
        El::new("input", "")
            .attr("type", "date")
            .attr("data-testid", testid),
    )
}

/// Shows the shared fields' values.
fn show_fields(form: &Element, symbol: &str, range: &DateRange, is_default: bool) {
    for (selector, text) in [
        ("[data-testid=filter-symbol]", symbol),
        ("[data-testid=filter-from]", &range.from),
        ("[data-testid=filter-to]", &range.to),
    ] {
        if let Some(input) = find(form, selector) {
            set_value(&input, text);
        }
    }
    if let Some(reset) = find(form, "[data-testid=filter-reset]") {
        set_or_remove_attr(&reset, "disabled", is_default.then_some(""));
    }
}

// The non-generic part of [`list_filter_form`]: one copy in the wasm for every list screen.
fn filter_form(
    label: &str,
    leading: El,
    show: Box<dyn Fn(&Element)>,
    change: Box<dyn Fn(&Element)>,
) -> El {
    let symbol = El::new("input", "")
        .attr("type", "search")
        .attr("data-testid", "filter-symbol")
        .attr("placeholder", "Any")
        .attr("autocomplete", "off")
        .attr("autocapitalize", "characters")
        .attr("spellcheck", "false")
        .attr("enterkeyhint", "search")
        .attr("maxlength", "32");
    let reset = El::leaf(
        "button",
        "btn btn-ghost btn-sm filters-reset",
        "Reset filters",
    )
    .attr("type", "button")
    .attr("data-testid", "filter-reset");
    // One listener for every control: a field's `change`, a button's `click`.
    let on_event = move |e: &Event| {
        if e.type_() == "submit" {
            e.prevent_default();
            return;
        }
        let selector = if e.type_() == "click" {
            "button"
        } else {
            "input, select"
        };
        if let Some(control) = target(e, selector) {
            change(&control);
        }
    };
    let form = El::new("form", "filters")
        .attr("aria-label", label)
        .child(leading)
        .child(field("Symbol", symbol))
        .child(date_field("From", "filter-from"))
        .child(date_field("To", "filter-to"))
        .child(reset)
        .on(&["submit", "change", "click"], Box::new(on_event));
    let element = form.element();
    watch(move || show(&element));
    form
}

/// A query string's lookup, as the router offers it (`Router::query`), for tests.
#[cfg(test)]
pub fn query_lookup(query: &str) -> impl Fn(&str) -> Option<String> {
    let pairs = crate::url::parse_query(query);
    move |k| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_across_months_years_and_leap_days() {
        assert_eq!(add_days("2026-03-01", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_days("2028-03-01", -1).as_deref(), Some("2028-02-29"));
        assert_eq!(add_days("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(add_days("2026-12-06", -89).as_deref(), Some("2026-09-08"));
        assert_eq!(add_days("1970-01-01", 0).as_deref(), Some("1970-01-01"));
        assert_eq!(add_days("2000-02-29", 366).as_deref(), Some("2001-03-01"));
        assert_eq!(year_start("2026-12-06").as_deref(), Some("2026-01-01"));
        assert_eq!(year_start("2026-13-06"), None);
    }

    #[test]
    fn only_real_dates_pass() {
        for good in ["2026-12-06", "2028-02-29", "1999-01-01"] {
            assert!(is_iso_date(good), "{good}");
        }
        for bad in [
            "2026-02-30",
            "2027-02-29",
            "2026-00-10",
            "2026-1-10",
            "2026-01-1x",
            "+026-01-10",
            "2026/01/10",
            "",
            "1800-01-01",
            "2026-01-10T00:00",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
        assert_eq!(add_days("junk", 1), None);
    }

    #[test]
    fn ranges_default_per_part_and_stay_out_of_the_address_when_default() {
        let default = DateRange::last_days("2026-12-06", 90);
        assert_eq!(default.from, "2026-09-08");
        assert_eq!(default.to, "2026-12-06");
        assert!(default.is_ordered());
        let r = DateRange::from_query(Some("2026-11-01"), Some("nope"), &default);
        assert_eq!(r.from, "2026-11-01");
        assert_eq!(r.to, "2026-12-06");
        assert_eq!(r.query_pairs(&default), vec![("from", "2026-11-01".into())]);
        assert!(default.query_pairs(&default).is_empty());
        let backwards = DateRange::from_query(Some("2026-12-07"), None, &default);
        assert!(!backwards.is_ordered());
        assert_eq!(
            r.api_pairs(),
            [
                ("start-date", "2026-11-01".into()),
                ("end-date", "2026-12-06".into())
            ]
        );
    }

    #[test]
    fn symbols_are_cleaned() {
        assert_eq!(clean_symbol("  spy "), "SPY");
        assert_eq!(clean_symbol("/es"), "/ES");
        assert_eq!(clean_symbol("brk/b"), "BRK/B");
        assert_eq!(clean_symbol("a<script>&b"), "ASCRIPTB");
        assert_eq!(clean_symbol(&"x".repeat(50)).len(), 32);
        assert_eq!(clean_symbol("   "), "");
    }
}
