//! Pieces of a list screen's filters kept in the query string (orders, activity): a date range
//! with a default (the last N days), a symbol, and their form fields. Dates are ISO
//! `YYYY-MM-DD` (what tastytrade's `start-date`/`end-date` take, docs/tastytrade.md §6.4–6.5),
//! computed in Rust so the rules are unit-tested natively.

use leptos::prelude::*;
use pocket_shared::tastytrade::UtcTime;

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

/// Rewrites the address with `filters` changed by `change`, replacing the history entry (a
/// filter is not a place to go back to); the screen's search follows the address.
pub fn rewrite<F: ListFilters>(
    filters: Memo<F>,
    today: StoredValue<String>,
    change: impl FnOnce(&mut F),
) {
    let mut next = filters.get_untracked();
    change(&mut next);
    let pairs = today.with_value(|t| next.query_pairs(t));
    crate::router::Router::expect().set_query(&pairs);
}

/// [`FilterForm`] bound to a screen's filters in the address, with `leading` (the screen's own
/// control) first.
pub fn list_filter_form<F: ListFilters>(
    label: &'static str,
    filters: Memo<F>,
    today: StoredValue<String>,
    leading: AnyView,
) -> impl IntoView {
    view! {
        <FilterForm
            label
            symbol=Signal::derive(move || filters.with(|f| f.scope().symbol.clone()))
            on_symbol=Callback::new(move |symbol: String| {
                rewrite(filters, today, |f| f.scope_mut().symbol = symbol)
            })
            range=Signal::derive(move || filters.with(|f| f.scope().range.clone()))
            on_range=Callback::new(move |range: DateRange| {
                rewrite(filters, today, |f| f.scope_mut().range = range)
            })
            is_default=Signal::derive(move || {
                today.with_value(|t| filters.with(|f| f.query_pairs(t).is_empty()))
            })
        >
            {leading}
        </FilterForm>
    }
}

/// "From" and "To" date inputs; each change calls `on_change` with the new range.
fn date_fields(range: Signal<DateRange>, on_change: Callback<DateRange>) -> impl IntoView {
    let field = move |label: &'static str, testid: &'static str, is_from: bool| {
        let value = move || {
            range.with(|r| {
                if is_from {
                    r.from.clone()
                } else {
                    r.to.clone()
                }
            })
        };
        view! {
            <label class="field">
                <span class="field-label">{label}</span>
                <input
                    type="date"
                    data-testid=testid
                    prop:value=value
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if !is_iso_date(&v) {
                            return;
                        }
                        let mut next = range.get_untracked();
                        if is_from {
                            next.from = v;
                        } else {
                            next.to = v;
                        }
                        on_change.run(next);
                    }
                />
            </label>
        }
    };
    view! {
        {field("From", "filter-from", true)}
        {field("To", "filter-to", false)}
    }
}

/// The filter form of a list screen: the screen's own control first (`children`: a status,
/// types), then a symbol (applied on Enter or leaving the field, cleaned), a date range and
/// "Reset filters" (clears the query string). One component for every list screen, so its
/// code is in the wasm once.
#[component]
pub fn FilterForm(
    /// The form's accessible name.
    label: &'static str,
    #[prop(into)] symbol: Signal<String>,
    on_symbol: Callback<String>,
    #[prop(into)] range: Signal<DateRange>,
    on_range: Callback<DateRange>,
    /// Disables "Reset filters".
    #[prop(into)]
    is_default: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let router = crate::router::Router::expect();
    view! {
        <form class="filters" aria-label=label on:submit=|ev| ev.prevent_default()>
            {children()}
            <label class="field">
                <span class="field-label">"Symbol"</span>
                <input
                    type="search"
                    data-testid="filter-symbol"
                    placeholder="Any"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    enterkeyhint="search"
                    maxlength="32"
                    prop:value=move || symbol.get()
                    on:change=move |ev| on_symbol.run(clean_symbol(&event_target_value(&ev)))
                />
            </label>
            {date_fields(range, on_range)}
            <button
                type="button"
                class="btn btn-ghost btn-sm filters-reset"
                data-testid="filter-reset"
                disabled=move || is_default.get()
                on:click=move |_| router.set_query(&[])
            >
                "Reset filters"
            </button>
        </form>
    }
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
