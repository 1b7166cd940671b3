//! One instrument at a glance (the quote screen, `page`) and the live figures other screens
//! share (`figures`).

pub mod figures;
mod page;

pub use page::QuotePage;
