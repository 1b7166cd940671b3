//! One module per screen.

mod callback;
mod dashboard;
mod home;
mod signin;

pub use callback::CallbackPage;
pub use dashboard::tab_id;
pub use home::HomePage;

/// Any path the app does not know.
#[leptos::component]
pub fn NotFound() -> impl leptos::IntoView {
    use crate::routes::Page;
    use leptos::prelude::*;
    view! {
        <main class="center-page">
            <section class="card narrow">
                <h1>"Page not found"</h1>
                <p class="muted">"There is nothing at this address."</p>
                <a class="btn btn-primary" href=Page::Home.path()>
                    "Go to your accounts"
                </a>
            </section>
        </main>
    }
}
