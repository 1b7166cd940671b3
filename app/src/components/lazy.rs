//! Screens whose code is a wasm module of its own, downloaded when the screen is first opened:
//! a first visit (sign-in, then positions) does not download History, Orders or Activity. A
//! screen's entry point is a `#[wasm_split(module, …, fallible)]` function returning
//! `Result<AnyView, ModuleMissing>`; the build cuts each module out (README, "Code
//! splitting"). While the module arrives the screen's skeleton shows; when it cannot arrive
//! (offline) an error panel offers "Try again", which fetches it anew (a failed load is not
//! remembered).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;
use web_sys::Element;

use crate::api::ApiError;
use crate::components::dom::El;
use crate::components::error_panel;

/// A screen's module could not be downloaded (the browser console has the reason).
#[derive(Debug)]
pub struct ModuleMissing;

impl From<SplitLoaderError> for ModuleMissing {
    fn from(_: SplitLoaderError) -> Self {
        ModuleMissing
    }
}

/// A screen being loaded: its module, then its view.
pub type LoadingScreen = Pin<Box<dyn Future<Output = Result<AnyView, ModuleMissing>>>>;

/// What stands in for a screen while its module downloads: a placeholder of the screen's
/// shape (`class`, e.g. `sk-rows`) announced as "Loading {what}".
#[derive(Clone, Copy)]
pub struct Skeleton {
    pub class: &'static str,
    pub what: &'static str,
}

impl Skeleton {
    fn el(self) -> El {
        El::new("div", &format!("skeleton {}", self.class))
            .attr("role", "status")
            .attr("aria-label", &format!("Loading {}", self.what))
    }
}

/// The screen `load` draws, with `skeleton` standing in until its module has arrived. The
/// screen goes inside a `display: contents` element, so the frame's grid lays out its parts
/// as if they were placed directly.
pub fn lazy_screen(skeleton: Skeleton, load: impl Fn() -> LoadingScreen + 'static) -> AnyView {
    let slot = El::new("div", "screen-slot");
    let owner = Owner::current().unwrap_or_default();
    start(slot.element(), owner, skeleton, Rc::new(load));
    slot.into_view().into_any()
}

/// Shows the skeleton and loads the screen into `slot`, under `owner` (the screen's: what
/// the screen sets up is cleaned up with it, and a load still under way when the person
/// leaves is dropped).
fn start(slot: Element, owner: Owner, skeleton: Skeleton, load: Rc<dyn Fn() -> LoadingScreen>) {
    replace(&slot, skeleton.el());
    owner.clone().with(|| {
        spawn_local_scoped_with_cancellation(async move {
            let result = load().await;
            // What the screen reads while it is drawn belongs to the screen, not to the
            // frame's outlet that started the load.
            untrack(|| match result {
                Ok(view) => {
                    slot.set_text_content(None);
                    let mut state = view.build();
                    state.mount(&slot, None);
                    let state = SendWrapper::new(state);
                    on_cleanup(move || drop(state));
                }
                Err(ModuleMissing) => {
                    let error = ApiError::Network("this screen's code did not download".into());
                    let retry_slot = slot.clone();
                    let retry = move || {
                        start(retry_slot.clone(), owner.clone(), skeleton, load.clone());
                    };
                    replace(&slot, error_panel(&error, Box::new(retry)));
                }
            });
        });
    });
}

fn replace(slot: &Element, content: El) {
    slot.set_text_content(None);
    let _ = slot.append_child(&content.element());
}
