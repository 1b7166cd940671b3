//! Generic pieces every screen uses: loading, empty and error states, rendering a query, and
//! CSV downloads. Screens themselves live in `features/`.

pub mod csv;
pub mod dom;
pub mod filters;
pub mod lazy;
mod loaded;
mod status;

pub use csv::{csv_button, Csv, CsvButton, Field};
pub use filters::DateRange;
pub use loaded::{loaded, paged_list};
pub use status::{
    back_button, brand_mark, card_section, center_page, error_panel, not_found, page_head, splash,
    splash_body,
};
