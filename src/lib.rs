//! coldsim: a fast, exact, deterministic discrete-event simulator of serverless cold and warm starts.
//!
//! A [`scenario::Scenario`] (functions, their arrival processes, init and exec time
//! distributions, keep-alive policies, platform limits) is run by an
//! [`engine::Simulation`] in integer microseconds; [`report::Summary`] turns the run's
//! statistics into `summary.json`, `functions.csv` and `timeseries.csv`.
//!
//! Everything but [`cli`] is free of I/O: no files, no clock, no printing, no OS randomness.

pub mod analysis;
pub mod cli;
pub mod cost;
pub mod input;
pub mod model;
pub mod output;
pub mod rng;
pub mod sim;
pub mod text;
pub mod time;
