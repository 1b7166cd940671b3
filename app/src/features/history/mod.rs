//! History: the account's net liquidating value over a chosen range (1D … ALL, kept in the
//! address as `?range=`), its change over the range, the high and low, and a chart with a
//! readout (docs/tastytrade.md §6.6 for the series).

mod chart;
mod series;

use leptos::prelude::*;
use pocket_shared::tastytrade::{Items, NetLiqPoint};
use web_sys::AbortSignal;

use crate::api::{self, ApiError};
use crate::components::{loaded, Empty};
use crate::data::Query;
use crate::format;
use crate::router::Router;
use crate::url::build_query;
use chart::{point_date, Chart};
use series::{Axis, Point, Range, Scaled, Summary};

/// A loaded range.
struct History {
    range: Range,
    points: Vec<Point>,
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

/// The segmented control: one button per range, the current one `aria-pressed`.
fn range_buttons(current: Memo<Range>, router: Router) -> impl IntoView {
    let buttons = Range::ALL
        .into_iter()
        .map(|r| {
            view! {
                <button
                    type="button"
                    class="segment"
                    aria-pressed=move || (current.get() == r).to_string()
                    title=r.description()
                    data-testid="history-range"
                    data-range=r.param()
                    on:click=move |_| router.set_query(&[("range", r.param().to_owned())])
                >
                    {r.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="segmented" role="group" aria-label="Range">
            {buttons}
        </div>
    }
}

fn trend(change: Option<rust_decimal::Decimal>) -> &'static str {
    match change {
        Some(c) if c.is_sign_positive() && !c.is_zero() => "up",
        Some(c) if c.is_sign_negative() && !c.is_zero() => "down",
        _ => "flat",
    }
}

fn stat(label: &'static str, p: &Point, range: Range, testid: &'static str) -> impl IntoView {
    view! {
        <div class="stat" data-testid=testid>
            <dt>{label}</dt>
            <dd>
                <span class="stat-value">{format::money(p.value)}</span>
                <span class="stat-date muted">{point_date(p, range)}</span>
            </dd>
        </div>
    }
}

fn history_view(history: &History) -> AnyView {
    let range = history.range;
    let points = &history.points;
    let Some(summary) = Summary::of(points) else {
        return view! {
            <Empty
                title="No history for this range"
                text=format!("tastytrade has no net liquidating value for the {}.", range.description())
                testid="history-empty"
            />
        }
        .into_any();
    };
    let (first, last) = (&points[summary.first], &points[summary.last]);
    let change_text = summary
        .change
        .map(format::money_signed)
        .unwrap_or_else(|| "—".into());
    let percent = summary
        .change
        .and_then(|c| format::ratio_percent_signed(c, first.value));
    let high = &points[summary.high];
    let low = &points[summary.low];
    let axis = Axis::fit(low.value, high.value);
    let scaled = axis.and_then(|a| Some((a, Scaled::new(points, &a)?)));
    let caption = format!(
        "Net liquidating value over the {}: {} on {}, {} on {}; high {} on {}, low {} on {}.",
        range.description(),
        format::money(first.value),
        point_date(first, range),
        format::money(last.value),
        point_date(last, range),
        format::money(high.value),
        point_date(high, range),
        format::money(low.value),
        point_date(low, range),
    );
    view! {
        <div class="history-head">
            <p class="label">"Net liquidating value"</p>
            <p class="big-number" data-testid="history-value">{format::money(last.value)}</p>
            <p class="history-change">
                <span class=format::pl_class(summary.change) data-testid="history-change">{change_text}</span>
                {percent.map(|p| view! {
                    <span class=format::pl_class(summary.change) data-testid="history-change-pct">{format!("({p})")}</span>
                })}
                <span class="muted">{range.description()}</span>
            </p>
        </div>
        {match scaled {
            Some((axis, scaled)) => view! {
                <Chart points=points.clone() axis scaled range trend=trend(summary.change) />
            }
            .into_any(),
            None => view! { <p class="muted chart-none">"These amounts are too large to chart."</p> }.into_any(),
        }}
        <figcaption data-testid="history-summary">
            <p class="sr-only">{caption}</p>
            <dl class="stats history-stats">
                {stat("Start", first, range, "history-start")}
                {stat("End", last, range, "history-end")}
                {stat("High", high, range, "history-high")}
                {stat("Low", low, range, "history-low")}
            </dl>
        </figcaption>
    }
    .into_any()
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

#[component]
pub fn HistoryPage(account: String) -> impl IntoView {
    let router = Router::expect();
    let range = Memo::new(move |_| Range::parse(router.query("range").as_deref()));
    let history =
        Query::new(move |signal| Some(fetch_history(&account, range.get(), signal.as_ref())));
    let pending = history.pending();
    // The range of the figures on screen (the previous range's stay while the next loads).
    let shown = move || history.with_ok(|h| h.range.param()).unwrap_or_default();
    view! {
        <div class="page-head">
            <h1>"History"</h1>
        </div>
        {range_buttons(range, router)}
        <figure
            class="card history"
            class:stale=move || pending.get()
            aria-busy=move || pending.get().to_string()
            data-testid="history-figure"
            data-range=shown
        >
            {loaded(history, history_skeleton, history_view)}
        </figure>
    }
}
