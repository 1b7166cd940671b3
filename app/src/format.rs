//! Display formatting through the browser's `Intl` (locale-aware, no number code in the wasm).
//! Decimals are handed to `Intl.NumberFormat.format` as *strings*, which current browsers
//! format exactly (Intl.NumberFormat v3); money never passes through `f64` here.

use std::cell::RefCell;

use js_sys::{Array, Function, Intl, Object, Reflect};
use pocket_shared::checked::Checked;
use pocket_shared::tastytrade::UtcTime;
use rust_decimal::Decimal;
use wasm_bindgen::JsValue;

/// The user's locale (`navigator.language`), `en-US` when unavailable.
pub fn locale() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en-US".into())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `$1,234.57`
    Money,
    /// `+$1,234.57` / `-$12.00`
    MoneySigned,
    /// `$0.4125` — up to 4 decimals, at least 2.
    Price,
    /// `+150` / `-40` / `0`
    QuantitySigned,
    /// `+12.34%`
    PercentSigned,
    /// `$548,000` — whole dollars (chart axes).
    MoneyWhole,
    /// `12M`, `1.2K`, `950` — a volume at a glance.
    Compact,
}

/// One `Intl.NumberFormat` per style, created on first use (indexed by `Style as usize`).
const STYLES: usize = 7;

thread_local! {
    static FORMATTERS: RefCell<[Option<Function>; STYLES]> = const { RefCell::new([const { None }; STYLES]) };
}

fn options(style: Style) -> Object {
    let o = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    };
    match style {
        Style::Money | Style::MoneySigned | Style::Price | Style::MoneyWhole => {
            set("style", "currency".into());
            set("currency", "USD".into());
        }
        Style::QuantitySigned => {
            set("maximumFractionDigits", 4.into());
        }
        Style::Compact => {
            set("notation", "compact".into());
        }
        Style::PercentSigned => {
            set("style", "percent".into());
            set("minimumFractionDigits", 2.into());
            set("maximumFractionDigits", 2.into());
        }
    }
    if style == Style::MoneyWhole {
        set("minimumFractionDigits", 0.into());
        set("maximumFractionDigits", 0.into());
    }
    if style == Style::Price {
        set("minimumFractionDigits", 2.into());
        set("maximumFractionDigits", 4.into());
    }
    if matches!(
        style,
        Style::MoneySigned | Style::QuantitySigned | Style::PercentSigned
    ) {
        set("signDisplay", "exceptZero".into());
    }
    o
}

fn format(style: Style, value: Decimal) -> String {
    // Decimal's Display never uses exponent notation, so Intl reads it as an exact decimal.
    let text = JsValue::from_str(&value.normalize().to_string());
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let f = cache[style as usize].get_or_insert_with(|| {
            let locales = Array::of1(&JsValue::from_str(&locale()));
            Intl::NumberFormat::new(&locales, &options(style)).format()
        });
        f.call1(&JsValue::NULL, &text)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| value.to_string())
    })
}

pub fn money(value: Decimal) -> String {
    format(Style::Money, value)
}

pub fn money_signed(value: Decimal) -> String {
    format(Style::MoneySigned, value)
}

/// Whole dollars (`$548,000`), for round amounts such as a chart's axis.
pub fn money_whole(value: Decimal) -> String {
    format(Style::MoneyWhole, value)
}

pub fn price(value: Decimal) -> String {
    format(Style::Price, value)
}

/// A count such as a day's volume, compact (`12M`).
pub fn compact(value: Decimal) -> String {
    format(Style::Compact, value)
}

pub fn quantity_signed(value: Decimal) -> String {
    format(Style::QuantitySigned, value)
}

/// A figure with up to `dp` decimals and a sign (`+60`, `−0.25`); Greeks are not money.
pub fn signed_number(v: Decimal, dp: u32) -> String {
    let v = v.round_dp(dp).normalize();
    if v.is_sign_negative() && !v.is_zero() {
        format!("−{}", v.abs())
    } else if v.is_zero() {
        "0".into()
    } else {
        format!("+{v}")
    }
}

/// `23.1%` for an IV of 0.231.
pub fn iv_percent(iv: Decimal) -> Option<String> {
    Some(format!("{}%", percent_figure(iv)?))
}

/// A fraction in percent with at most one decimal, no sign: `42.7` for 0.4273 (an IV rank).
pub fn percent_figure(fraction: Decimal) -> Option<String> {
    let pct = fraction
        .times(Decimal::ONE_HUNDRED)?
        .round_dp(1)
        .normalize();
    Some(pct.to_string())
}

/// `part / whole` as `+12.34%`. A display-only ratio: the division happens in JS numbers
/// (`f64`) at the display boundary; the amounts themselves were computed in `Decimal`.
pub fn ratio_percent_signed(part: Decimal, whole: Decimal) -> Option<String> {
    let number = |d: Decimal| js_sys::Number::parse_float(&d.to_string());
    let ratio = number(part) / number(whole);
    if !ratio.is_finite() {
        return None;
    }
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let f = cache[Style::PercentSigned as usize].get_or_insert_with(|| {
            let locales = Array::of1(&JsValue::from_str(&locale()));
            Intl::NumberFormat::new(&locales, &options(Style::PercentSigned)).format()
        });
        f.call1(&JsValue::NULL, &JsValue::from_f64(ratio))
            .ok()
            .and_then(|s| s.as_string())
    })
}

/// `3:04 PM` for an epoch-milliseconds instant.
pub fn time_of_day(epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(epoch_ms));
    let o = Object::new();
    let _ = Reflect::set(&o, &"hour".into(), &"numeric".into());
    let _ = Reflect::set(&o, &"minute".into(), &"2-digit".into());
    date.to_locale_time_string_with_options(&locale(), &o)
        .into()
}

/// CSS class for a signed amount: gains green, losses red.
pub fn pl_class(value: Option<Decimal>) -> &'static str {
    match value {
        Some(v) if v.is_sign_positive() && !v.is_zero() => "pl pl-up",
        Some(v) if v.is_sign_negative() && !v.is_zero() => "pl pl-down",
        _ => "pl pl-flat",
    }
}

/// Today's date in the person's time zone, `YYYY-MM-DD`.
pub fn today_iso() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// Whole days from `from` to `to` (both `YYYY-MM-DD`); `None` if either is not a date.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    let day = |s: &str| {
        Some(
            UtcTime::parse(s.get(..10)?)?
                .unix_seconds
                .div_euclid(86_400),
        )
    };
    Some(day(to)? - day(from)?)
}

/// `Dec 18, 2026` for a `YYYY-MM-DD` (or ISO date-time) string, in the person's locale.
pub fn date(iso: &str) -> String {
    day(
        iso,
        &[("year", "numeric"), ("month", "short"), ("day", "numeric")],
    )
}

/// The calendar day of `iso` (its first ten characters, read at noon so no time zone moves it)
/// formatted with `Intl` `options`; `iso` itself when it is not a date.
fn day(iso: &str, options: &[(&str, &str)]) -> String {
    let Some(day) = iso.get(..10) else {
        return iso.to_owned();
    };
    let date = js_sys::Date::new(&JsValue::from_str(&format!("{day}T12:00:00")));
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    let o = Object::new();
    for (k, v) in options {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    date.to_locale_date_string(&locale(), &o).into()
}

/// `Dec 18, 3:04 PM` for an ISO-8601 instant, in the person's time zone; the year is added
/// when it is not the current one (`Dec 18, 2025, 3:04 PM`).
pub fn date_time(iso: &str) -> String {
    instant(iso, false, None)
}

/// An ISO-8601 instant in the person's time zone: `Dec 18, 3:04 PM` (the year when not the
/// current one), with `seconds` `Dec 18, 3:04:05 PM`, and only the time (`3:04 PM`) when it
/// falls on the same local day as the instant `same_day_as` (an order's later steps).
pub fn instant(iso: &str, seconds: bool, same_day_as: Option<&str>) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    instant_of(&date, seconds, same_day_as)
}

/// `Dec 18, 3:04 PM` for an epoch-milliseconds instant, as [`date_time`] writes it.
pub fn date_time_at(epoch_ms: f64) -> String {
    instant_of(
        &js_sys::Date::new(&JsValue::from_f64(epoch_ms)),
        false,
        None,
    )
}

fn instant_of(date: &js_sys::Date, seconds: bool, same_day_as: Option<&str>) -> String {
    let local_day = |d: &js_sys::Date| (d.get_full_year(), d.get_month(), d.get_date());
    let same_day = same_day_as
        .map(|other| js_sys::Date::new(&JsValue::from_str(other)))
        .is_some_and(|other| local_day(&other) == local_day(date));
    let o = Object::new();
    let set = |k: &str, v: &str| {
        let _ = Reflect::set(&o, &k.into(), &v.into());
    };
    set("hour", "numeric");
    set("minute", "2-digit");
    if seconds {
        set("second", "2-digit");
    }
    if same_day {
        return date
            .to_locale_time_string_with_options(&locale(), &o)
            .into();
    }
    set("month", "short");
    set("day", "numeric");
    if date.get_full_year() != js_sys::Date::new_0().get_full_year() {
        set("year", "numeric");
    }
    date.to_locale_string(&locale(), &o).into()
}

/// `Sep 8 – Dec 6, 2026` for two `YYYY-MM-DD` days (`Intl.DateTimeFormat.formatRange`: the
/// shared parts once, in the person's locale).
pub fn date_range(from: &str, to: &str) -> String {
    let day = |iso: &str| {
        let d = js_sys::Date::new(&JsValue::from_str(&format!("{}T12:00:00", iso.get(..10)?)));
        (!d.get_time().is_nan()).then_some(d)
    };
    let o = Object::new();
    for (k, v) in [("year", "numeric"), ("month", "short"), ("day", "numeric")] {
        let _ = Reflect::set(&o, &k.into(), &v.into());
    }
    let locales = Array::of1(&JsValue::from_str(&locale()));
    day(from)
        .zip(day(to))
        .and_then(|(a, b)| {
            Intl::DateTimeFormat::new(&locales, &o)
                .format_range(&a, &b)
                .ok()
        })
        .map(String::from)
        .unwrap_or_else(|| format!("{} – {}", date(from), date(to)))
}

/// `Wed, Dec 2, 2026` for a `YYYY-MM-DD` day, in the person's locale (a list's day heading).
pub fn day_heading(iso: &str) -> String {
    day(
        iso,
        &[
            ("weekday", "short"),
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::days_between;

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between("2026-12-06", "2026-12-06"), Some(0));
        assert_eq!(days_between("2026-12-06", "2026-12-07"), Some(1));
        assert_eq!(days_between("2026-12-06", "2026-12-18"), Some(12));
        // Across a year's end and a leap day.
        assert_eq!(days_between("2026-12-31", "2027-01-01"), Some(1));
        assert_eq!(days_between("2028-02-28", "2028-03-01"), Some(2));
        assert_eq!(days_between("2027-02-28", "2027-03-01"), Some(1));
        // Past: negative (an expired option).
        assert_eq!(days_between("2026-12-06", "2026-11-20"), Some(-16));
        assert_eq!(days_between("2026-12-06", "2026-12-05"), Some(-1));
    }

    #[test]
    fn days_between_reads_the_date_of_a_date_time() {
        // tastytrade's `expires-at` (docs/tastytrade.md §6.3): the day as written, whatever
        // the time or the offset.
        let expires = "2026-12-18T21:00:00.000+00:00";
        assert_eq!(days_between("2026-12-06", expires), Some(12));
        assert_eq!(days_between("2026-12-18", expires), Some(0));
        assert_eq!(days_between("2026-12-19", expires), Some(-1));
        assert_eq!(
            days_between("2026-12-06", "2026-12-07T02:00:00+09:00"),
            Some(1)
        );
        assert_eq!(days_between("2026-12-06T23:59:59Z", "2026-12-07"), Some(1));
    }

    #[test]
    fn days_between_refuses_what_is_not_a_date() {
        for bad in [
            "",
            "2026-12",
            "2026-13-01",
            "2026-02-30",
            "2027-02-29",
            "Dec 18, 2026",
        ] {
            assert_eq!(days_between("2026-12-06", bad), None, "{bad:?}");
            assert_eq!(days_between(bad, "2026-12-06"), None, "{bad:?}");
        }
    }
}
