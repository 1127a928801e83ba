//! The engine: events in integer microseconds, the container pool, keep-alive policies and the statistics they leave. Never does I/O, never formats text.

mod build;
mod capacity;
pub mod engine;
mod function;
mod instances;
pub mod invocation;
pub mod lifetime;
pub mod policy;
pub mod pool;
mod prewarm;
mod processor;
mod provisioned;
pub mod queue;
mod results;
mod retire;
mod retry;
mod scaler;
mod sharing;
pub mod stats;
pub mod tenant;
mod trace_link;
mod warmer;
