//! What a run holds once it is over (or between slices): the clock, each function with its statistics, the totals' latencies and levels, connections and the time series.

use crate::model::function::Function;
use crate::sim::engine::Simulation;
use crate::sim::stats::{Connections, FunctionStats, Latency, Levels, TimeSeries};
use crate::time::SimTime;

impl Simulation {
    /// The current simulated instant.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The end of the run (once it is over, for a run without a set duration).
    pub fn end(&self) -> SimTime {
        self.queue.end()
    }

    /// The start of the statistics window.
    pub fn warmup(&self) -> SimTime {
        self.warmup
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Each function's statistics, in scenario order.
    pub fn function_stats(&self) -> impl Iterator<Item = &FunctionStats> {
        self.funcs.iter().map(|f| &f.stats)
    }

    /// Each function with its statistics: the scenario's first, in file order, then those
    /// that first appeared in the trace, in order of first arrival.
    pub fn functions(&self) -> impl Iterator<Item = (&Function, &FunctionStats)> {
        self.funcs.iter().map(|f| (&f.def, &f.stats))
    }

    /// Why the run stopped early, if it did: a trace function that cannot be configured.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Connections held open by all functions' alive containers over the window.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// Busy and alive containers of all functions together over the window.
    pub fn total_levels(&self) -> &Levels {
        &self.total_levels
    }

    /// Latencies of every function's cold starts and of its warm starts, over the window.
    pub fn latency_by_start(&self) -> (&Latency, &Latency) {
        (&self.cold_latency, &self.warm_latency)
    }

    /// Latencies of all served invocations, in three significant digits (each function's own
    /// keep two).
    pub fn latency(&self) -> Latency {
        let mut all = self.cold_latency.clone();
        all.merge(&self.warm_latency);
        all
    }

    /// Queueing delay of all asynchronous arrivals served after retries.
    pub fn queue_delay(&self) -> &Latency {
        &self.queue_delay
    }

    /// The time series of all functions together.
    pub fn series(&self) -> &TimeSeries {
        &self.series
    }

    /// Containers created over the whole run, warm-up included.
    pub fn containers_created(&self) -> u64 {
        self.pool.created()
    }
}
