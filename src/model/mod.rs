//! The validated domain: a scenario, its functions and platform, their distributions, arrival processes and keep-alive parameters, and the port a trace implements. Never reads files, never knows the scenario file's raw forms, never knows the engine.

pub mod arrival;
pub mod dist;
pub mod error;
pub mod function;
pub mod keep_alive;
pub mod objective;
pub mod platform;
pub mod scenario;
pub mod trace;
pub mod what_if;
