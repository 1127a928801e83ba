//! Results turned into bytes: terminal tables, charts and the HTML report. Decides nothing.

pub mod table;
