//! One folder per screen, holding all of that screen's code (views, its API calls, its CSV).

pub mod activity;
pub mod history;
pub mod orders;
pub mod positions;
pub mod quote;
pub mod signin;
pub mod trade;
pub mod watchlists;
