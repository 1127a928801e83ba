//! What a sweep yields: the metrics of one run, the replications of each grid point, and the result of a whole sweep or of one shard.

use super::ci::mean_ci95;
use super::set::Set;
use crate::analysis::summary::Summary;

/// The metrics of a sweep row, in column order; their units are in [`METRIC_UNITS`].
pub const METRICS: [&str; 10] = [
    "invocations",
    "cold_start_ratio",
    "p50_ms",
    "p99_ms",
    "mean_alive",
    "peak_containers",
    "idle_gb_s",
    "busy_gb_s",
    "cost_usd",
    "throttled",
];

/// The unit of each metric in [`METRICS`].
pub const METRIC_UNITS: [&str; 10] = [
    "invocations",
    "fraction",
    "ms",
    "ms",
    "containers",
    "containers",
    "GB·s",
    "GB·s",
    "USD",
    "invocations",
];

/// One run's metrics, in [`METRICS`] order; `None` where undefined (no invocations served).
pub type Metrics = [Option<f64>; 10];

/// The metrics of one run, from its summary's totals.
pub fn metrics(s: &Summary) -> Metrics {
    let t = &s.totals;
    [
        Some(t.invocations as f64),
        t.cold_start_ratio,
        t.latency_ms.p50,
        t.latency_ms.p99,
        Some(t.containers.mean_alive),
        Some(f64::from(t.containers.peak)),
        Some(t.gb_s.idle),
        Some(t.gb_s.busy),
        Some(t.cost_usd),
        Some(t.throttled as f64),
    ]
}

/// One replication of one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The seed it ran with.
    pub seed: u64,
    /// Its metrics.
    pub metrics: Metrics,
}

/// One grid point with its replications.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Its index in the grid (0-based).
    pub index: u64,
    /// Its value of each set, as written.
    pub values: Vec<String>,
    /// Its replications, in order.
    pub runs: Vec<Run>,
}

impl Point {
    /// Mean and 95 % half-width of metric `m` (an index into [`METRICS`]).
    pub fn stat(&self, m: usize) -> (Option<f64>, Option<f64>) {
        mean_ci95(self.runs.iter().map(|r| r.metrics[m]))
    }
}

/// A sweep, whole or one shard of it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    /// The scenario's name.
    pub scenario: String,
    /// The base seed: replication `r` of a point ran with `seed + r`.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// The axes, in the order given.
    pub sets: Vec<Set>,
    /// Points in the whole grid.
    pub grid_points: u64,
    /// This shard, `(I, N)`, or `None` for the whole grid.
    pub shard: Option<(u32, u32)>,
    /// Identifies the sweep: scenario text and name, sets, replications and seed.
    pub fingerprint: String,
    /// The points run, in grid order.
    pub points: Vec<Point>,
}
