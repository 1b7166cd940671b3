//! Read-only content built with the DOM API: long lists and detail blocks that never change
//! after they are drawn (a new answer redraws them whole). Measured on the orders and
//! activity screens, their rows as `view!` markup cost ~40 KB brotli of wasm (every distinct
//! view type is monomorphized with its build/rebuild code); built here through a handful of
//! non-generic calls they cost a small fraction of that. Text goes in as text nodes and
//! attributes through `setAttribute`, so nothing is ever parsed as HTML. Links are plain
//! `<a href>`: the router's click handler navigates them without a reload. The builder's
//! methods are kept out of line: inlined at every call site they would cost more than the
//! markup they replace.

use leptos::html::Div;
use leptos::prelude::*;
use web_sys::Element;

/// An element being built.
pub struct El(Element);

impl El {
    /// `<tag class="…">`; an empty class is left out.
    #[inline(never)]
    pub fn new(tag: &str, class: &str) -> El {
        let element = document()
            .create_element(tag)
            .expect("createElement accepts a valid tag name");
        if !class.is_empty() {
            element.set_class_name(class);
        }
        El(element)
    }

    #[inline(never)]
    pub fn attr(self, name: &str, value: &str) -> El {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Appends `text` as a text node.
    #[inline(never)]
    pub fn text(self, text: &str) -> El {
        let _ = self.0.append_with_str_1(text);
        self
    }

    #[inline(never)]
    pub fn child(self, child: El) -> El {
        let _ = self.0.append_with_node_1(&child.0);
        self
    }

    pub fn maybe(self, child: Option<El>) -> El {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    pub fn children(self, children: impl IntoIterator<Item = El>) -> El {
        children.into_iter().fold(self, El::child)
    }

    /// `<tag class="…">text</tag>`
    #[inline(never)]
    pub fn leaf(tag: &str, class: &str, text: &str) -> El {
        El::new(tag, class).text(text)
    }
}

/// The markup of [`super::Empty`], for content built here.
pub fn empty(title: &str, text: &str, testid: &str) -> El {
    El::new("div", "empty")
        .attr("data-testid", testid)
        .child(El::leaf("p", "empty-title", title))
        .child(El::leaf("p", "muted", text))
}

/// A `<div class="dom-view">` that holds what `build` returns, redrawn whenever a signal that
/// `build` reads changes.
pub fn dom_view(build: impl Fn() -> Option<El> + 'static) -> impl IntoView {
    redraw(Box::new(build))
}

// One non-generic body for every caller.
fn redraw(build: Box<dyn Fn() -> Option<El>>) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let content = build();
        if let Some(div) = container.get() {
            div.set_text_content(None);
            if let Some(El(element)) = content {
                let _ = div.append_with_node_1(&element);
            }
        }
    });
    view! { <div class="dom-view" node_ref=container></div> }
}
