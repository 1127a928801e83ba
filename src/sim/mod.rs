//! The engine: events in integer microseconds, the container pool, keep-alive policies and the statistics they leave. Never does I/O, never formats text.

mod build;
pub mod cache;
mod caching;
mod capacity;
pub mod engine;
mod function;
mod idle;
mod instances;
pub mod invocation;
pub mod lifetime;
pub mod policy;
pub mod pool;
pub mod popularity;
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
mod trace_link;
mod warmer;
