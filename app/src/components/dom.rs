//! Markup built with the DOM API: lists and detail blocks redrawn whole when a new answer
//! comes ([`dom_view`], [`redrawn`]), and the frame, pages and forms whose few changing parts
//! are set in place by a [`watch`] (attributes, texts, a notice added or removed). Measured on
//! the orders and activity screens, their rows as `view!` markup cost ~40 KB brotli of wasm
//! (every distinct view type is monomorphized with its build/rebuild code), and the frame,
//! sign-in, orders and activity pages ~16 KB more; built here through a handful of
//! non-generic calls they cost a small fraction of that. An element becomes a Leptos view
//! with [`El::into_view`] (no wrapper), and Leptos views go inside one with [`El::mount`].
//! Text goes in as text nodes and attributes through `setAttribute`, so nothing is ever
//! parsed as HTML. Links are plain `<a href>`: the router's click handler navigates them
//! without a reload. The builder's methods are kept out of line: inlined at every call site
//! they would cost more than the markup they replace.

use leptos::prelude::*;
use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

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

    /// An SVG `<tag class="…">` (`createElementNS`: `createElement` would make an unknown
    /// HTML element that draws nothing); an empty class is left out.
    #[inline(never)]
    pub fn svg(tag: &str, class: &str) -> El {
        let element = document()
            .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
            .expect("createElementNS accepts a valid tag name");
        let el = El(element);
        // SVG's `className` is not a string: the class goes in as an attribute.
        if class.is_empty() {
            el
        } else {
            el.attr("class", class)
        }
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

    /// Calls `handler` for each of `events` on this element, and for those that bubble up to
    /// it from inside: one listener for several events and for many controls (a typed `on:`
    /// handler each would cost its own code). It goes with the element: drawn content is
    /// removed with its view (see [`dom_view`]), and the browser then frees the handler. It
    /// runs outside the component tree: what it needs from the context is taken beforehand.
    #[inline(never)]
    pub fn on(self, events: &[&str], handler: Box<dyn Fn(&Event)>) -> El {
        let handler = Closure::<dyn Fn(Event)>::new(move |e: Event| handler(&e)).into_js_value();
        for event in events {
            let _ = self
                .0
                .add_event_listener_with_callback(event, handler.unchecked_ref());
        }
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

    /// The element, to keep for later changes (an effect setting its attributes or texts).
    pub fn element(&self) -> Element {
        self.0.clone()
    }

    /// This element as a Leptos view, placed as it is (no wrapper: a grid or flex parent
    /// lays it out like markup written in `view!`). What changes later is changed by
    /// [`watch`]es holding its parts.
    pub fn into_view(self) -> Drawn {
        Drawn(SendWrapper::new(self.0))
    }

    /// Draws `view` (Leptos markup) inside this element, after what it holds. It stays
    /// reactive until the current view is cleaned up.
    #[inline(never)]
    pub fn mount(self, view: AnyView) -> El {
        let mut state = view.build();
        state.mount(&self.0, None);
        let state = SendWrapper::new(state);
        on_cleanup(move || drop(state));
        self
    }
}

/// Runs `f` now and again whenever a signal it read changes, until the current view is
/// cleaned up. One effect type for every caller: each `Effect::new` with its own closure
/// type is compiled separately (~0.7 KB of wasm each).
pub fn watch(f: impl Fn() + 'static) {
    watch_boxed(Box::new(f));
}

fn watch_boxed(f: Box<dyn Fn()>) {
    Effect::new(move |_| f());
}

/// An [`El`] as a view ([`El::into_view`]). Only drawn in the browser: the app has no
/// server rendering, so the HTML side is never used.
pub struct Drawn(SendWrapper<Element>);

impl Render for Drawn {
    type State = Element;

    fn build(self) -> Element {
        self.0.take()
    }

    fn rebuild(self, state: &mut Element) {
        let next = self.0.take();
        let _ = state.replace_with_with_node_1(&next);
        *state = next;
    }
}

impl AddAnyAttr for Drawn {
    type Output<SomeNewAttr: Attribute> = Drawn;

    fn add_any_attr<NewAttr: Attribute>(self, _attr: NewAttr) -> Drawn {
        self
    }
}

impl RenderHtml for Drawn {
    type AsyncOutput = Drawn;
    type Owned = Drawn;

    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Drawn {
        self
    }

    fn to_html_with_buf(
        self,
        _buf: &mut String,
        _position: &mut Position,
        _escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
    }

    fn hydrate<const FROM_SERVER: bool>(self, _: &Cursor, _: &PositionState) -> Element {
        self.build()
    }

    fn into_owned(self) -> Drawn {
        self
    }
}

/// Sets an attribute of an element on screen (one copy of the call for every caller).
#[inline(never)]
pub fn set_attr(element: &Element, name: &str, value: &str) {
    let _ = element.set_attribute(name, value);
}

/// Sets an attribute of an element on screen, or removes it when `value` is `None`.
#[inline(never)]
pub fn set_or_remove_attr(element: &Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(v) => element.set_attribute(name, v),
        None => element.remove_attribute(name),
    };
}

/// Sets the text of an element on screen, when it differs (a live region announces
/// changes, not a redraw of the same words; a live figure that did not change costs no write).
#[inline(never)]
pub fn set_text(element: &Element, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// Replaces an element's class, only when it differs.
#[inline(never)]
pub fn set_class(element: &Element, class: &str) {
    if element.class_name() != class {
        element.set_class_name(class);
    }
}

/// The first element under `parent` that matches `selector`.
#[inline(never)]
pub fn find(parent: &Element, selector: &str) -> Option<Element> {
    parent.query_selector(selector).ok().flatten()
}

/// An empty state: a title and a line of explanation.
pub fn empty(title: &str, text: &str, testid: &str) -> El {
    El::new("div", "empty")
        .attr("data-testid", testid)
        .child(El::leaf("p", "empty-title", title))
        .child(El::leaf("p", "muted", text))
}

/// A `<div class="dom-view">` that holds what `build` returns, redrawn whenever a signal that
/// `build` reads changes (drawn content goes with the view: the element is the view's own).
pub fn dom_view(build: impl Fn() -> Option<El> + 'static) -> impl IntoView {
    redrawn(build).into_view()
}

/// [`dom_view`]'s element, to place inside other drawn content.
pub fn redrawn(build: impl Fn() -> Option<El> + 'static) -> El {
    redrawn_boxed(Box::new(build))
}

// One non-generic body for every caller.
fn redrawn_boxed(build: Box<dyn Fn() -> Option<El>>) -> El {
    let container = El::new("div", "dom-view");
    let element = container.element();
    watch(move || {
        let content = build();
        element.set_text_content(None);
        if let Some(El(drawn)) = content {
            let _ = element.append_with_node_1(&drawn);
        }
    });
    container
}

/// Sibling elements as one view (a screen's parts, laid out by the frame's grid).
pub fn parts(parts: Vec<El>) -> AnyView {
    parts
        .into_iter()
        .map(El::into_view)
        .collect::<Vec<_>>()
        .into_any()
}

/// Shows or hides an element on screen (`hidden`).
pub fn set_hidden(element: &Element, hidden: bool) {
    set_or_remove_attr(element, "hidden", hidden.then_some(""));
}

/// The `value` of a form control (what `event_target_value` reads).
#[inline(never)]
pub fn value(control: &Element) -> String {
    js_sys::Reflect::get(control, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Sets the `value` of a form control (the property, as `prop:value` does), when it differs:
/// setting it again would move the caret of a field being edited.
#[inline(never)]
pub fn set_value(control: &Element, text: &str) {
    if value(control) != text {
        let _ = js_sys::Reflect::set(control, &"value".into(), &text.into());
    }
}

/// The element `e` happened on, or its closest ancestor matching `selector`.
#[inline(never)]
pub fn target(e: &Event, selector: &str) -> Option<Element> {
    e.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}
