//! Results turned into bytes: terminal tables, charts and the HTML report. Decides nothing.

pub mod chart;
pub mod compare;
pub mod files;
pub mod invoice;
pub mod number;
pub mod page;
pub mod parquet;
pub mod plan;
pub mod platforms;
pub mod summary;
pub mod sweep;
pub mod table;
