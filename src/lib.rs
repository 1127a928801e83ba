//! coldsim: a fast, exact, deterministic discrete-event simulator of serverless cold and warm starts.
//!
//! A scenario (functions, their arrival processes or a trace, init and handler times,
//! keep-alive policies, platform limits, prices) is validated into a [`Scenario`], run by the
//! engine in integer microseconds, and summed up in a [`Summary`]: cold starts, latency
//! percentiles, containers, connections and cost.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scenario = coldsim::load("scenarios/quickstart.toml")?;
//! let summary = coldsim::run(&scenario, scenario.seed)?;
//! let t = &summary.totals;
//! assert!(t.invocations > 500_000 && t.cold_starts < 100);
//! println!("{} cold starts, p99 {:?} ms", t.cold_starts, t.latency_ms.p99);
//! # Ok(())
//! # }
//! ```
//!
//! # Layers
//!
//! Every import points down; nothing below knows what is above it (`tests/it/layers.rs`
//! checks it, and that no two files import each other).
//!
//! ```text
//! cli ─► output ─► analysis ─► sim ─► model ─► cost ─► time, rng, text
//!                          └─► input ─┘
//! ```
//!
//! - [`time`], [`rng`], [`text`]: integer simulated time, the named generator and its
//!   streams, where a byte offset lies.
//! - [`cost`]: price sheets and the pure bill. Never reads files.
//! - [`model`]: the validated domain (scenario, functions, distributions, arrival processes,
//!   keep-alive parameters, objectives, what-ifs) and the port a trace implements. Never reads
//!   files, never knows the engine.
//! - [`input`]: parse, then validate: scenario files, traces, presets, compact specs,
//!   synthetic regions. Never simulates.
//! - [`sim`]: the engine, the pool, the policies, the statistics. Never does I/O, never
//!   formats text.
//! - [`analysis`]: one run and its summary, bills, comparisons, plans, sweeps. Never prints,
//!   never writes files.
//! - [`output`]: bytes: JSON and CSV, terminal tables, charts, the HTML report. Decides
//!   nothing.
//! - [`cli`]: flags, progress, atomic writes; per subcommand, load, analyse, render, write.

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

pub use analysis::run::RunError;
pub use analysis::summary::Summary;
pub use input::scenario::ScenarioError;
pub use model::scenario::Scenario;

/// Reads and validates a scenario file (TOML); the error names the file, the line and the key.
pub fn load(path: impl AsRef<std::path::Path>) -> Result<Scenario, ScenarioError> {
    Scenario::load(path.as_ref())
}

/// Validates scenario text; `name` stands for its file in errors and names the scenario when
/// the text gives no `name`. Relative paths in it (a trace, a price sheet) are the working
/// folder's.
pub fn parse(text: &str, name: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml(text, std::path::Path::new(name))
}

/// Runs a scenario to its end with `seed` and sums it up: the figures of `summary.json`.
pub fn run(scenario: &Scenario, seed: u64) -> Result<Summary, RunError> {
    analysis::summary::run_summary(scenario, seed, None, &mut |_| {}).map(|(summary, _)| summary)
}
