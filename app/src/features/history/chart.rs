//! The net-liq chart: an inline SVG line over round gridlines, with a readout (value and date)
//! that follows the pointer or finger, or the arrow keys when the chart has focus (it is a
//! `slider` over the points for assistive technology). The SVG stretches to its box
//! (`preserveAspectRatio="none"`, strokes kept in screen pixels by CSS); the axis and date
//! labels are HTML beside it, laid out by CSS at the gridlines' even spacing, so nothing needs
//! an inline style (the CSP has no `'unsafe-inline'` for styles).

use leptos::ev;
use leptos::prelude::*;
use rust_decimal::Decimal;
use wasm_bindgen::JsCast;

use super::series::{self, index_at, key_target, tick_indices, Axis, Point, Range, Scaled};
use crate::format;

/// The readout's date: a time of day for intraday points, a date otherwise.
pub fn point_date(p: &Point, range: Range) -> String {
    if range.intraday() {
        format::date_time_at(p.epoch_ms as f64)
    } else {
        format::date(&p.day)
    }
}

fn tick_label(p: &Point, range: Range) -> String {
    if range.intraday() {
        format::time_of_day(p.epoch_ms as f64)
    } else {
        format::date(&p.day)
    }
}

fn axis_label(value: Decimal, axis: &Axis) -> String {
    if axis.step.fract().is_zero() {
        format::money_whole(value)
    } else {
        format::money(value)
    }
}

/// `<span>text</span>` for each text, escaped.
fn spans(texts: impl Iterator<Item = String>) -> String {
    texts
        .map(|t| {
            let t = t
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<span>{t}</span>")
        })
        .collect()
}

/// The fraction of the element's width at the pointer's x (0 = left edge).
fn pointer_fraction(e: &ev::PointerEvent) -> Option<f64> {
    let element = e.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = element.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (f64::from(e.client_x()) - rect.left()) / rect.width())
}

#[component]
pub fn Chart(
    points: Vec<Point>,
    axis: Axis,
    scaled: Scaled,
    range: Range,
    /// `up`, `down` or `flat`: the line's colour.
    trend: &'static str,
) -> impl IntoView {
    let n = points.len();
    let last = n.saturating_sub(1);
    // `None`: at rest on the last point.
    let active = RwSignal::new(None::<usize>);
    let shown = move || active.get().unwrap_or(last).min(last);

    let points = StoredValue::new(points);
    let value_text = move |i: usize| points.with_value(|p| format::money(p[i].value));
    let date_text = move |i: usize| points.with_value(|p| point_date(&p[i], range));
    let xy = StoredValue::new(scaled.xy.clone());

    let on_pointer = move |e: ev::PointerEvent| {
        if let Some(i) = pointer_fraction(&e).and_then(|f| index_at(f, n)) {
            active.set(Some(i));
        }
    };
    let on_leave = move |e: ev::PointerEvent| {
        // A finger lifted leaves the readout where it was, so it can be read.
        if e.pointer_type() == "mouse" {
            active.set(None);
        }
    };
    let on_key = move |e: ev::KeyboardEvent| {
        if let Some(target) = key_target(&e.key(), active.get_untracked(), n) {
            e.prevent_default();
            active.set(target);
        }
    };

    // Static parts as markup (numbers and `Intl` text only): far less wasm than a typed view
    // per gridline and label.
    let drawing = series::drawing(&scaled, axis.intervals);
    let y_labels = spans(axis.ticks().into_iter().map(|v| axis_label(v, &axis)));
    let x_labels = points.with_value(|p| {
        spans(
            tick_indices(n)
                .into_iter()
                .map(|i| tick_label(&p[i], range)),
        )
    });
    // The rule and the dot at the readout's point (only while it is away from rest).
    let marker = move || {
        active
            .get()
            .and_then(|i| xy.with_value(|xy| xy.get(i).copied()))
            .map(|(x, y)| series::marker(x, y))
            .unwrap_or_default()
    };

    view! {
        <div class=format!("chart chart-{trend}")>
            <p class="readout" data-testid="history-readout" data-index=move || shown().to_string()>
                <span class="readout-value" data-testid="readout-value">{move || value_text(shown())}</span>
                <span class="readout-date muted" data-testid="readout-date">{move || date_text(shown())}</span>
            </p>
            <div class="chart-plot">
                <svg
                    class="chart-svg"
                    viewBox=format!("0 0 {} {}", series::WIDTH, series::HEIGHT)
                    preserveAspectRatio="none"
                    tabindex="0"
                    role="slider"
                    aria-label=format!("Net liquidating value, {}. Use the arrow keys to read each point.", range.description())
                    aria-valuemin="0"
                    aria-valuemax=last.to_string()
                    aria-valuenow=move || shown().to_string()
                    aria-valuetext=move || format!("{}, {}", value_text(shown()), date_text(shown()))
                    data-testid="history-chart"
                    data-points=n.to_string()
                    on:pointerdown=on_pointer
                    on:pointermove=on_pointer
                    on:pointerleave=on_leave
                    on:keydown=on_key
                >
                    <g inner_html=drawing />
                    <g inner_html=marker />
                </svg>
                <div class="chart-y" aria-hidden="true" inner_html=y_labels></div>
                <div class="chart-x" aria-hidden="true" inner_html=x_labels></div>
            </div>
        </div>
    }
}
