//! Everything read from outside, parsed then validated into the model: scenario files, traces, price sheets, init presets, compact specs, and the synthetic regions written in a trace layout. Never simulates.

pub mod preset;
pub mod prices;
pub mod region;
pub mod scenario;
pub mod spec;
pub mod trace;
