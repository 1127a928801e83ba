//! Results turned into bytes: terminal tables, charts and the HTML report. Decides nothing.

pub mod chart;
pub mod page;
pub mod table;
