//! History: the account's net liquidating value over a chosen range (1D … ALL, kept in the
//! address as `?range=`), its change over the range, the high and low, and a chart with a
//! readout (docs/tastytrade.md §6.6 for the series).

pub mod chart;
pub mod series;

use leptos::html;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use pocket_shared::tastytrade::{Items, NetLiqPoint};
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Element};

use crate::api::{self, ApiError};
use crate::components::dom::{self, dom_view, El};
use crate::components::lazy::ModuleMissing;
use crate::components::loaded;
use crate::data::Query;
use crate::format;
use crate::router::Router;
use crate::url::build_query;
use chart::point_date;
use series::{Point, Range, Summary};

/// A loaded range.
pub struct History {
    pub range: Range,
    pub points: Vec<Point>,
}

fn fetch_history(
    account: &str,
    range: Range,
    signal: Option<&AbortSignal>,
) -> impl std::future::Future<Output = Result<History, ApiError>> + 'static {
    let query = build_query(&[("time-back", range.param().to_owned())]);
    let request = api::get::<Items<NetLiqPoint>>(
        &["accounts", account, "net-liq", "history"],
        &query,
        signal,
    );
    async move {
        Ok(History {
            range,
            points: series::points(&request.await?.items),
        })
    }
}

/// The segmented control: one button per range, `current` pressed ([`HistoryPage`] follows
/// the range from then on); a click on a button goes to its range.
fn range_group(current: Range, router: Router) -> El {
    let buttons = Range::ALL.into_iter().map(|r| {
        El::leaf("button", "segment", r.label())
            .attr("type", "button")
            .attr("aria-pressed", pressed_text(r == current))
            .attr("title", r.description())
            .attr("data-testid", "history-range")
            .attr("data-range", r.param())
    });
    let pick = move |e: &web_sys::Event| {
        if let Some(param) = picked_range(e) {
            router.set_query(&[("range", param)]);
        }
    };
    El::new("div", "segmented")
        .attr("role", "group")
        .attr("aria-label", "Range")
        .children(buttons)
        .on(&["click"], Box::new(pick))
}

fn pressed_text(pressed: bool) -> &'static str {
    if pressed {
        "true"
    } else {
        "false"
    }
}

/// The range of the button `e` clicked, if any.
fn picked_range(e: &web_sys::Event) -> Option<String> {
    let target = e.target()?.dyn_into::<Element>().ok()?;
    target
        .closest(".segment")
        .ok()??
        .get_attribute("data-range")
}

/// The chart's class: its line is coloured by the change's sign.
fn stat(label: &str, p: &Point, range: Range, testid: &str) -> El {
    let value = El::new("dd", "")
        .child(El::leaf("span", "stat-value", &format::money(p.value)))
        .child(El::leaf("span", "stat-date muted", &point_date(p, range)));
    El::new("div", "stat")
        .attr("data-testid", testid)
        .child(El::leaf("dt", "", label))
        .child(value)
}

/// The value, its change over the range and the chart (the figure's caption is apart:
/// [`caption`]).
fn history_el(history: &History) -> El {
    let range = history.range;
    let points = &history.points;
    let Some(summary) = Summary::of(points) else {
        let text = format!(
            "tastytrade has no net liquidating value for {}.",
            range.in_sentence()
        );
        return dom::empty("No history for this range", &text, "history-empty");
    };
    let (first, last) = (&points[summary.first], &points[summary.last]);
    let tone = format::pl_class(summary.change);
    let change_text = summary
        .change
        .map(format::money_signed)
        .unwrap_or_else(|| "—".into());
    let percent = summary
        .change
        .and_then(|c| format::ratio_percent_signed(c, first.value))
        .map(|p| {
            El::leaf("span", tone, &format!("({p})")).attr("data-testid", "history-change-pct")
        });
    let change = El::new("p", "history-change")
        .child(El::leaf("span", tone, &change_text).attr("data-testid", "history-change"))
        .maybe(percent)
        .child(El::leaf("span", "muted", range.description()));
    let head = El::new("div", "history-head")
        .child(El::leaf("p", "label", "Net liquidating value"))
        .child(
            El::leaf("p", "big-number", &format::money(last.value))
                .attr("data-testid", "history-value"),
        )
        .child(change);
    let label = format!(
        "Net liquidating value, {}. Use the arrow keys to read each point.",
        range.description()
    );
    let chart = chart::line_chart(history, &label, "history");
    El::new("div", "history-body").child(head).maybe(chart)
}

/// The figure's caption: the figures in words for screen readers, and the start, end, high and
/// low.
fn caption(history: &History) -> Option<El> {
    let range = history.range;
    let points = &history.points;
    let summary = Summary::of(points)?;
    let (first, last) = (&points[summary.first], &points[summary.last]);
    let (high, low) = (&points[summary.high], &points[summary.low]);
    let text = format!(
        "Net liquidating value over {}: {} on {}, {} on {}; high {} on {}, low {} on {}.",
        range.in_sentence(),
        format::money(first.value),
        point_date(first, range),
        format::money(last.value),
        point_date(last, range),
        format::money(high.value),
        point_date(high, range),
        format::money(low.value),
        point_date(low, range),
    );
    let stats = El::new("dl", "stats history-stats")
        .child(stat("Start", first, range, "history-start"))
        .child(stat("End", last, range, "history-end"))
        .child(stat("High", high, range, "history-high"))
        .child(stat("Low", low, range, "history-low"));
    Some(
        El::new("div", "")
            .child(El::leaf("p", "sr-only", &text))
            .child(stats),
    )
}

fn history_skeleton() -> AnyView {
    view! {
        <div class="history-head" role="status" aria-label="Loading history">
            <span class="skeleton sk-big"></span>
            <span class="skeleton sk-nlv"></span>
        </div>
        <div class="skeleton sk-chart"></div>
    }
    .into_any()
}

/// `loaded`'s render: the figures are drawn by [`history_el`] and [`caption`].
fn nothing(_: &History) {}

/// The History screen, from a wasm module of its own (the chart's code downloads when the
/// screen is first opened: components/lazy.rs).
#[wasm_split(history_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn history_screen(account: String) -> Result<AnyView, ModuleMissing> {
    Ok(view! { <HistoryPage account /> }.into_any())
}

#[component]
fn HistoryPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let range = Memo::new(move |_| Range::parse(router.query("range").as_deref()));
    let history =
        Query::new(move |signal| Some(fetch_history(&account, range.get(), signal.as_ref())));
    let pending = history.pending();
    // The few attributes that follow the state, set in one place: far less wasm than a
    // reactive attribute each.
    let page = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let busy = pending.get();
        let current = range.get().param();
        // The range of the figures on screen (the previous range's stay while the next loads).
        let (shown, empty) = history
            .with_ok(|h| (h.range.param(), h.points.is_empty()))
            .unwrap_or(("", true));
        let Some(page) = page.get() else {
            return;
        };
        if let Some(group) = dom::find(&page, ".segmented") {
            let mut button = group.first_element_child();
            while let Some(b) = button {
                let pressed = b.get_attribute("data-range").as_deref() == Some(current);
                dom::set_attr(&b, "aria-pressed", pressed_text(pressed));
                button = b.next_element_sibling();
            }
        }
        if let Some(figure) = dom::find(&page, "figure") {
            let _ = figure.class_list().toggle_with_force("stale", busy);
            dom::set_attr(&figure, "aria-busy", pressed_text(busy));
            dom::set_attr(&figure, "data-range", shown);
            if let Some(summary) = dom::find(&figure, "figcaption") {
                let _ = summary.toggle_attribute_with_force("hidden", empty);
            }
        }
    });
    view! {
        <div class="history-page" node_ref=page>
            <div class="page-head">
                <h1>"History"</h1>
            </div>
            {dom_view(move || Some(range_group(range.get_untracked(), router)))}
            <figure class="card history" aria-busy="true" data-testid="history-figure">
                {loaded(history, history_skeleton, nothing)}
                {dom_view(move || history.with_ok(history_el))}
                <figcaption data-testid="history-summary" hidden>
                    {dom_view(move || history.with_ok(caption).flatten())}
                </figcaption>
            </figure>
        </div>
    }
}
