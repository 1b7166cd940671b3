//! The stream's status line, for the top bar: live / connecting / stale / market closed /
//! paused / reconnecting / live data off with the reason. Hidden while nothing streams.

use leptos::prelude::*;

use super::{status, Status};
use crate::components::dom::{self, El};

/// `<span data-testid="stream-status" data-state="live">Live</span>`, following the stream.
pub fn stream_status() -> El {
    let status = status();
    let label = El::new("span", "");
    let reason = El::new("span", "stream-status-reason");
    let line = El::new("span", "stream-status")
        .attr("role", "status")
        .attr("data-testid", "stream-status")
        .attr("hidden", "");
    let (line_el, label_el, reason_el) = (line.element(), label.element(), reason.element());
    dom::watch(move || {
        status.with(|s| {
            dom::set_attr(&line_el, "data-state", s.key());
            dom::set_hidden(&line_el, *s == Status::Idle);
            dom::set_text(&label_el, s.label());
            // The reason also goes in the title: on a phone only the label shows.
            let why = s.reason().unwrap_or_default();
            dom::set_text(
                &reason_el,
                &if why.is_empty() {
                    String::new()
                } else {
                    format!(" {why}")
                },
            );
            dom::set_or_remove_attr(&line_el, "title", (!why.is_empty()).then_some(why));
        })
    });
    line.child(label).child(reason)
}
