//! The engine: events in integer microseconds, the container pool, keep-alive policies and the statistics they leave. Never does I/O, never formats text.

pub mod engine;
pub mod policy;
pub mod pool;
pub mod stats;
