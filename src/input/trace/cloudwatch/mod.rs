//! Lambda's CloudWatch logs as a trace: the layouts users export (`filter-log-events` JSON, Logs Insights CSV, `aws logs tail` text), the platform records in text or JSON log format, and the reader that pairs each `REPORT` with its `START` and hands out invocations in arrival order.

mod events;
mod message;
mod reader;

pub use message::Report;
pub use reader::{LogInvocation, LogOptions, LogReader, MAX_SPAN_US, Skipped, function_of_group};
