//! Parameter sweeps (`coldsim sweep`, `coldsim merge`): a grid of scenario variants, each run with several seeds, every metric with its mean and 95 % confidence interval; shards of the grid for many machines.
//!
//! - **Grid.** Each `--set KEY=V1,V2,...` is one axis; the grid is every combination, in
//!   row-major order: the first `--set` varies slowest, the last fastest. Point `i` takes value
//!   `(i / (n_{k+1} · … · n_last)) mod n_k` of axis `k`.
//! - **Key paths.** A point is applied to the scenario's TOML text with `toml_edit`, then the
//!   text is validated by [`Scenario::from_toml`]: `platform.KEY`, `defaults.KEY[.SUB]`, top-level
//!   keys, and `function.NAME.KEY[.SUB]` (the `[[function]]` whose `name` is `NAME`). A value is
//!   taken as a TOML value when it parses as one (`500`, `0.5`, `true`, `"x"`, `{ policy = "none" }`),
//!   else as a string (`1m`). `traffic_scale=F` is not a key: it multiplies every synthetic
//!   arrival rate of the validated scenario by `F`.
//! - **Replications.** Replication `r` (0-based) of a point runs with seed `seed + r` (wrapping),
//!   `seed` being `--seed` or the point's scenario `seed`: each seed seeds Xoshiro256++ through
//!   SplitMix64, which gives unrelated streams for neighbouring seeds.
//! - **Confidence intervals.** Over the replications where a metric is defined, the mean and
//!   the half-width `t(0.975, n − 1) · s / √n` of the 95 % Student t interval (`s`: the sample
//!   standard deviation); with one replication there is no interval.
//! - **Break-even.** Over a `platform.kind` axis and a numeric one (`traffic_scale`), where
//!   two platforms' mean costs cross ([`crossings`]).
//! - **Shards.** Shard `I/N` (0-based) runs the points whose index `i` has `i mod N = I`;
//!   [`merge`] puts shards back together into exactly what one machine computes.
//!
//! Nothing here touches files, the clock or stdout: the caller reads the scenario text and
//! writes the bytes the exporters return. Runs over a trace open it through [`TraceReader`].
//!
//! [`Scenario::from_toml`]: crate::model::scenario::Scenario::from_toml
//! [`merge`]: fn@merge

mod break_even;
mod ci;
mod grid;
mod merge;
mod result;
mod run;
mod set;
mod shard;

pub use break_even::{Crossing, PLATFORM_KEY, crossings};
pub use ci::{mean_ci95, t_975};
pub use grid::{check_sets, grid_len, grid_point, point_scenario};
pub(crate) use merge::{SHARD_FORMAT, ShardPoint, ShardRun};
pub use merge::{ShardFile, merge};
pub use result::{METRIC_UNITS, METRICS, Metrics, Point, Run, SweepResult, metrics};
pub use run::{MAX_REPLICATIONS, SweepJob, run_once, run_sweep, run_sweep_until};
pub use set::{Set, TRAFFIC_SCALE, scale_traffic, set_key};
pub use shard::{parse_shard, shard_from_env};
