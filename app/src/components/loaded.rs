//! Rendering a [`Query`] the same way on every screen: a placeholder until the first answer,
//! the error with a retry, the data (kept on screen while it re-fetches), and while tastytrade
//! throttles us, "tastytrade is busy, retrying in N s".

use leptos::prelude::*;
use web_sys::Element;

use super::dom::{find, set_attr, set_or_remove_attr, set_text, watch, El};
use super::error_panel;
use crate::api::ApiError;
use crate::data::{Paged, Query};

/// "tastytrade is busy, retrying in N s."
fn throttled(secs: u32) -> El {
    El::new("p", "banner banner-warn")
        .attr("role", "status")
        .attr("data-testid", "throttled")
        .text("tastytrade is busy, retrying in ")
        .child(El::leaf("strong", "", &format!("{secs} s")))
        .text(".")
}

/// What a query's view shows: a new view is drawn only when this changes (the same error
/// again keeps its panel, and the focus on its button).
#[derive(Clone, PartialEq)]
enum Phase {
    Placeholder,
    Failed(ApiError),
    Ready,
}

/// `query` as a view: `placeholder` until the first answer, then `render` or the error.
pub fn loaded<T, V>(
    query: Query<T>,
    placeholder: fn() -> AnyView,
    render: impl Fn(&T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: IntoView + 'static,
{
    let retry_in = query.retry_in();
    let phase = move || {
        // While a throttled first load waits to retry by itself, the notice says so; an error
        // panel asking to "try again" as well would contradict it.
        let waiting = retry_in.get().is_some();
        query.with(|state| match state {
            None => Phase::Placeholder,
            Some(Err(ApiError::RateLimited { .. })) if waiting => Phase::Placeholder,
            Some(Err(error)) => Phase::Failed(error.clone()),
            Some(Ok(_)) => Phase::Ready,
        })
    };
    // The data, drawn again whenever it changes.
    let render = std::sync::Arc::new(render);
    let ready = move || {
        let render = render.clone();
        (move || query.with_ok(|value| render(value))).into_any()
    };
    loaded_view(
        retry_in,
        placeholder,
        Box::new(phase),
        Box::new(ready),
        Box::new(move || query.reload()),
    )
}

// The non-generic part of [`loaded`] (one copy in the wasm for every query).
fn loaded_view(
    retry_in: Signal<Option<u32>>,
    placeholder: fn() -> AnyView,
    phase: Box<dyn Fn() -> Phase + Send + Sync>,
    ready: Box<dyn Fn() -> AnyView + Send + Sync>,
    retry: Box<dyn Fn() + Send + Sync>,
) -> AnyView {
    let retry: std::sync::Arc<dyn Fn() + Send + Sync> = retry.into();
    let phase = Memo::new(move |_| phase());
    let notice = move || retry_in.get().map(|secs| throttled(secs).into_view());
    let body = move || match phase.get() {
        Phase::Placeholder => placeholder(),
        Phase::Failed(error) => {
            let retry = retry.clone();
            error_panel(&error, Box::new(move || retry()))
                .into_view()
                .into_any()
        }
        Phase::Ready => ready(),
    };
    (notice, body).into_any()
}

/// "Load more" under a paginated list: hidden when everything is loaded, busy while loading,
/// and the error (with the same button to try again) when a page failed.
fn load_more<T: Send + Sync + 'static>(paged: Paged<T>, testid: &'static str) -> impl IntoView {
    let has_more = Signal::derive(move || paged.has_more());
    load_more_view(
        has_more,
        paged.loading_more(),
        paged.more_error(),
        paged.more_retry_in(),
        Box::new(move || paged.load_more()),
        testid,
    )
}

/// A paginated list: `paged`'s first page as [`loaded`] shows it (`placeholder` until it
/// answers), the drawn `list`, and [`load_more`] (`data-testid` `testid`).
pub fn paged_list<T: Send + Sync + 'static>(
    paged: Paged<T>,
    placeholder: fn() -> AnyView,
    list: El,
    testid: &'static str,
) -> El {
    El::new("div", "")
        .mount(loaded(paged.first(), placeholder, |_: &Vec<T>| ()).into_any())
        .child(list)
        .mount(load_more(paged, testid).into_any())
}

/// Removes the `selector` element under `parent`, if any.
fn remove(parent: &Element, selector: &str) {
    if let Some(old) = find(parent, selector) {
        old.remove();
    }
}

/// The non-generic part of [`load_more`] (one copy in the wasm for every list).
fn load_more_view(
    has_more: Signal<bool>,
    loading: Signal<bool>,
    error: Signal<Option<ApiError>>,
    retry_in: Signal<Option<u32>>,
    more: Box<dyn Fn() + Send + Sync>,
    testid: &'static str,
) -> AnyView {
    let more: std::sync::Arc<dyn Fn() + Send + Sync> = more.into();
    // Drawn when there is more to load, and kept (with the focus on its button) until there
    // is not.
    let has_more = Memo::new(move |_| has_more.get());
    let draw = move || {
        let more = more.clone();
        let button = El::new("button", "btn btn-secondary")
            .attr("type", "button")
            .attr("data-testid", testid)
            .on(&["click"], Box::new(move |_| more()));
        let block = El::new("div", "load-more");
        let (div, button_element) = (block.element(), button.element());
        // Each notice is drawn anew only when it changes (a new alert is announced): the
        // error first, then the throttling notice, then the button.
        let (error_div, notice_div, notice_before) =
            (div.clone(), div.clone(), button_element.clone());
        watch(move || {
            remove(&error_div, ".form-error");
            if let Some(e) = error.get() {
                let alert = El::leaf("p", "form-error", &e.to_string()).attr("role", "alert");
                let _ = error_div.prepend_with_node_1(&alert.element());
            }
        });
        watch(move || {
            remove(&notice_div, "[data-testid=throttled]");
            if let Some(secs) = retry_in.get() {
                let _ = notice_before.before_with_node_1(&throttled(secs).element());
            }
        });
        watch(move || {
            let busy = loading.get();
            set_attr(
                &button_element,
                "aria-busy",
                if busy { "true" } else { "false" },
            );
            let disabled = busy || retry_in.get().is_some();
            set_or_remove_attr(&button_element, "disabled", disabled.then_some(""));
            set_text(&button_element, if busy { "Loading…" } else { "Load more" });
        });
        block.child(button).into_view()
    };
    (move || has_more.get().then(draw.clone())).into_any()
}
