//! The stream's status line, for the top bar: live / connecting / stale / market closed /
//! paused / reconnecting / live data off with the reason. Empty while nothing streams.

use leptos::prelude::*;

use super::{status, Status};

#[component]
pub fn StreamStatus() -> impl IntoView {
    let status = status();
    view! {
        <span
            class="stream-status"
            role="status"
            data-testid="stream-status"
            data-state=move || status.with(Status::key)
            hidden=move || status.with(|s| *s == Status::Idle)
        >
            {move || status.with(Status::label)}
            {move || {
                status
                    .with(|s| s.reason().map(str::to_owned))
                    .map(|reason| view! { <span class="stream-status-reason">" " {reason}</span> })
            }}
        </span>
    }
}
