//! One instrument at a glance (the quote screen) and the live figures other screens share.

pub mod figures;
