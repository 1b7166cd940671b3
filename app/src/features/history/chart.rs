//! The net-liq chart: an inline SVG line over round gridlines, with a readout (value and date)
//! that follows the pointer or finger, or the arrow keys when the chart has focus (it is a
//! `slider` over the points for assistive technology). The SVG stretches to its box
//! (`preserveAspectRatio="none"`, strokes kept in screen pixels by CSS); the axis and date
//! labels are HTML beside it, laid out by CSS at the gridlines' even spacing, so nothing needs
//! an inline style (the CSP has no `'unsafe-inline'` for styles).
//!
//! Built with `components::dom` (see there why): the drawing never changes once drawn, and the
//! readout moves by setting a few texts and attributes from the chart's own handler
//! ([`Readout`]), so nothing is redrawn and the chart keeps its focus.

use std::cell::Cell;

use rust_decimal::Decimal;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, KeyboardEvent, Node, PointerEvent};

use super::series::{gridlines, index_at, is_whole, key_target, tick_indices, Axis, Point, Range};
use super::series::{Scaled, Summary, HEIGHT, WIDTH};
use super::History;
use crate::components::dom::{find, set_attr, El};
use crate::format;

/// `0 0 WIDTH HEIGHT`.
const VIEW_BOX: &str = "0 0 10000 3000";

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
    if is_whole(axis.step) {
        format::money_whole(value)
    } else {
        format::money(value)
    }
}

/// What the readout needs of a chart on screen: its points, where they are drawn, and the point
/// shown (`None`: at rest on the last one). Owned by the chart's handler.
struct Readout {
    range: Range,
    points: Vec<Point>,
    xy: Vec<(i64, i64)>,
    active: Cell<Option<usize>>,
}

impl Readout {
    /// The readout's value and date for point `i`.
    fn texts(&self, i: usize) -> (String, String) {
        let p = &self.points[i];
        (format::money(p.value), point_date(p, self.range))
    }
}

/// `<div class="…" aria-hidden="true">` with a `<span>` per label.
fn labels(class: &str, texts: impl Iterator<Item = String>) -> El {
    El::new("div", class)
        .attr("aria-hidden", "true")
        .children(texts.map(|t| El::leaf("span", "", &t)))
}

/// The line's colour class for a change over the series.
fn chart_class(change: Option<Decimal>) -> &'static str {
    match change {
        Some(c) if c.is_sign_positive() && !c.is_zero() => "chart chart-up",
        Some(c) if c.is_sign_negative() && !c.is_zero() => "chart chart-down",
        _ => "chart chart-flat",
    }
}

/// The chart of `history` scaled to its own high and low (`None` without points; a note
/// when the amounts are too large to scale), coloured by its change from first to last.
pub fn line_chart(history: &History, label: &str, testid: &str) -> Option<El> {
    let points = &history.points;
    let summary = Summary::of(points)?;
    let (high, low) = (&points[summary.high], &points[summary.low]);
    let axis = Axis::fit(low.value, high.value);
    let scaled = axis.and_then(|a| Some((a, Scaled::new(points, &a)?)));
    Some(match &scaled {
        Some((axis, scaled)) => {
            let class = chart_class(summary.change);
            chart(history, axis, scaled, class, label, testid)
        }
        None => El::leaf(
            "p",
            "muted chart-none",
            "These amounts are too large to chart.",
        ),
    })
}

/// The chart of `history` (at least one point) on `axis`; `class` gives the line's colour
/// (`chart chart-up`, `-down` or `-flat`), `label` says what it shows to assistive technology,
/// `testid` names it (`{testid}-chart`, `{testid}-readout`). The readout rests on the last point.
pub fn chart(
    history: &History,
    axis: &Axis,
    scaled: &Scaled,
    class: &str,
    label: &str,
    testid: &str,
) -> El {
    let points = &history.points;
    let n = points.len();
    let last = n.saturating_sub(1);
    let readout = Readout {
        range: history.range,
        points: points.clone(),
        xy: scaled.xy.clone(),
        active: Cell::new(None),
    };
    let (value, date) = readout.texts(last);
    let last_text = last.to_string();
    let width = WIDTH.to_string();
    let grid = gridlines(axis.intervals).into_iter().map(|y| {
        let y = y.to_string();
        El::svg("line", "chart-grid")
            .attr("x1", "0")
            .attr("x2", &width)
            .attr("y1", &y)
            .attr("y2", &y)
    });
    // The rule and the dot at the readout's point, hidden while it rests.
    let marker = El::svg("g", "chart-marker")
        .attr("display", "none")
        .child(
            El::svg("line", "chart-rule")
                .attr("y1", "0")
                .attr("y2", &HEIGHT.to_string()),
        )
        .child(El::svg("path", "chart-dot"));
    let svg = El::svg("svg", "chart-svg")
        .attr("viewBox", VIEW_BOX)
        .attr("preserveAspectRatio", "none")
        .attr("tabindex", "0")
        .attr("role", "slider")
        .attr("aria-label", label)
        .attr("aria-valuemin", "0")
        .attr("aria-valuemax", &last_text)
        .attr("aria-valuenow", &last_text)
        .attr("aria-valuetext", &format!("{value}, {date}"))
        .attr("data-testid", &format!("{testid}-chart"))
        .attr("data-points", &n.to_string())
        .children(grid)
        .child(El::svg("path", "chart-area").attr("d", &scaled.area()))
        .child(El::svg("path", "chart-line").attr("d", &scaled.line()))
        .child(marker)
        .on(
            &["pointerdown", "pointermove", "pointerout", "keydown"],
            Box::new(move |e| readout_event(e, &readout)),
        );
    let readout = El::new("p", "readout")
        .attr("data-testid", &format!("{testid}-readout"))
        .attr("data-index", &last_text)
        .child(El::leaf("span", "readout-value", &value).attr("data-testid", "readout-value"))
        .child(El::leaf("span", "readout-date muted", &date).attr("data-testid", "readout-date"));
    let y_labels = axis.ticks().into_iter().map(|v| axis_label(v, axis));
    let x_labels = tick_indices(n)
        .into_iter()
        .map(|i| tick_label(&points[i], history.range));
    El::new("div", class).child(readout).child(
        El::new("div", "chart-plot")
            .child(svg)
            .child(labels("chart-y", y_labels))
            .child(labels("chart-x", x_labels)),
    )
}

/// Where `e` moves the readout of `svg`'s `n` points, now at `active` (`None`: at rest on the
/// last point): `Some(Some(i))` to point `i`, `Some(None)` back to rest, `None` nowhere.
fn readout_target(
    e: &Event,
    svg: &Element,
    n: usize,
    active: Option<usize>,
) -> Option<Option<usize>> {
    match e.type_().as_str() {
        "pointerdown" | "pointermove" => {
            let e = e.dyn_ref::<PointerEvent>()?;
            let rect = svg.get_bounding_client_rect();
            // Not finite for a box of no width: no point then.
            let fraction = (f64::from(e.client_x()) - rect.left()) / rect.width();
            index_at(fraction, n).map(Some)
        }
        // `pointerleave` does not bubble: a `pointerout` to outside the chart is the leave. A
        // finger lifted leaves the readout where it was, so it can be read.
        "pointerout" => {
            let e = e.dyn_ref::<PointerEvent>()?;
            let to = e.related_target().and_then(|t| t.dyn_into::<Node>().ok());
            let left = !to.is_some_and(|to| svg.contains(Some(&to)));
            (left && e.pointer_type() == "mouse").then_some(None)
        }
        "keydown" => {
            let e = e.dyn_ref::<KeyboardEvent>()?;
            let target = key_target(&e.key(), active, n)?;
            e.prevent_default();
            Some(target)
        }
        _ => None,
    }
}

/// Moves the readout as `e` (a pointer or key event on the chart) asks.
fn readout_event(e: &Event, readout: &Readout) {
    let Some(svg) = e
        .current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
    else {
        return;
    };
    let active = readout.active.get();
    let Some(next) = readout_target(e, &svg, readout.points.len(), active) else {
        return;
    };
    if next != active {
        readout.active.set(next);
        show(&svg, readout, next);
    }
}

/// The readout, the slider's value and the marker at point `active` (`None`: at rest).
fn show(svg: &Element, readout: &Readout, active: Option<usize>) {
    let Some(last) = readout.points.len().checked_sub(1) else {
        return;
    };
    let i = active.unwrap_or(last).min(last);
    let (value, date) = readout.texts(i);
    let index = i.to_string();
    set_attr(svg, "aria-valuenow", &index);
    set_attr(svg, "aria-valuetext", &format!("{value}, {date}"));
    let chart = svg.closest(".chart").ok().flatten();
    if let Some(line) = chart.and_then(|c| find(&c, ".readout")) {
        set_attr(&line, "data-index", &index);
        for (selector, text) in [(".readout-value", value), (".readout-date", date)] {
            if let Some(element) = find(&line, selector) {
                element.set_text_content(Some(&text));
            }
        }
    }
    let Some(marker) = find(svg, ".chart-marker") else {
        return;
    };
    let at = active.and_then(|i| readout.xy.get(i).copied());
    let Some((x, y)) = at else {
        set_attr(&marker, "display", "none");
        return;
    };
    let _ = marker.remove_attribute("display");
    if let Some(rule) = find(&marker, ".chart-rule") {
        let x = x.to_string();
        set_attr(&rule, "x1", &x);
        set_attr(&rule, "x2", &x);
    }
    if let Some(dot) = find(&marker, ".chart-dot") {
        set_attr(&dot, "d", &format!("M{x} {y}h0"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_box_is_the_drawing_area() {
        assert_eq!(VIEW_BOX, format!("0 0 {WIDTH} {HEIGHT}"));
    }
}
