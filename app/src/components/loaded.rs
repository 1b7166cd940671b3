//! Rendering a [`Query`] the same way on every screen: a placeholder until the first answer,
//! the error with a retry, the data (kept on screen while it re-fetches), and while tastytrade
//! throttles us, "tastytrade is busy, retrying in N s".

use leptos::prelude::*;

use super::error_panel;
use crate::api::ApiError;
use crate::data::{Paged, Query};

/// The throttling notice for `query` (nothing when not throttled).
fn throttle_notice(retry_in: Signal<Option<u32>>) -> impl IntoView {
    move || {
        retry_in.get().map(|secs| {
            view! {
                <p class="banner banner-warn" role="status" data-testid="throttled">
                    "tastytrade is busy, retrying in "
                    <strong>{secs}" s"</strong>
                    "."
                </p>
            }
        })
    }
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
    let body = move || {
        // While a throttled first load waits to retry by itself, the notice says so; an error
        // panel asking to "try again" as well would contradict it.
        let waiting = retry_in.get().is_some();
        query.with(|state| match state {
            None => placeholder(),
            Some(Err(ApiError::RateLimited { .. })) if waiting => placeholder(),
            Some(Err(error)) => error_panel(error, Box::new(move || query.reload()))
                .into_view()
                .into_any(),
            Some(Ok(value)) => render(value).into_any(),
        })
    };
    view! {
        {throttle_notice(query.retry_in())}
        {body}
    }
}

/// "Load more" under a paginated list: hidden when everything is loaded, busy while loading,
/// and the error (with the same button to try again) when a page failed.
pub fn load_more<T: Send + Sync + 'static>(paged: Paged<T>, testid: &'static str) -> impl IntoView {
    let has_more = Signal::derive(move || paged.has_more());
    let more = Callback::new(move |_| paged.load_more());
    load_more_view(
        has_more,
        paged.loading_more(),
        paged.more_error(),
        paged.more_retry_in(),
        more,
        testid,
    )
}

/// The non-generic part of [`load_more`] (one copy in the wasm for every list).
fn load_more_view(
    has_more: Signal<bool>,
    loading: Signal<bool>,
    error: Signal<Option<ApiError>>,
    retry_in: Signal<Option<u32>>,
    more: Callback<()>,
    testid: &'static str,
) -> impl IntoView {
    move || {
        has_more.get().then(|| {
            view! {
                <div class="load-more">
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    {move || retry_in.get().map(|secs| view! {
                        <p class="banner banner-warn" role="status" data-testid="throttled">
                            "tastytrade is busy, retrying in " <strong>{secs}" s"</strong> "."
                        </p>
                    })}
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid=testid
                        aria-busy=move || loading.get().to_string()
                        disabled=move || loading.get() || retry_in.get().is_some()
                        on:click=move |_| more.run(())
                    >
                        {move || if loading.get() { "Loading…" } else { "Load more" }}
                    </button>
                </div>
            }
        })
    }
}
