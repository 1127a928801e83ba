//! Reports of a run: the figures (`summary.json`), the per-function table (`functions.csv`), the time series (`timeseries.csv`) and the terminal table, each turned into bytes.

use serde::Serialize;

use crate::cost::Arch;
use crate::cost::{Billed, Cost, MONTH_S, Usage};
use crate::model::scenario::Scenario;
use crate::sim::engine::Simulation;
use crate::sim::stats::{FunctionStats, Latency, Levels};
use crate::time::MICROS_PER_S;

/// Everything `coldsim run` writes, as `summary.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the run used.
    pub seed: u64,
    /// Simulated time from 0 to the end of the run [s].
    pub horizon_s: f64,
    /// The prefix the statistics ignore [s].
    pub warmup_s: f64,
    /// The statistics window, horizon minus warm-up [s].
    pub window_s: f64,
    /// The price sheet the costs come from: "built-in" (AWS Lambda us-east-1) or its path.
    pub prices: String,
    /// All functions together.
    pub totals: Figures,
    /// Each function, in scenario order.
    pub functions: Vec<FunctionSummary>,
    /// With `setup_in_handler_ms`: set-up at init against set-up in every invocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_in_handler: Option<Vec<SetupWhatIf>>,
}

/// One function's figures, with its configuration.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionSummary {
    /// Its name.
    pub name: String,
    /// Configured memory [MB].
    pub memory_mb: u32,
    /// Architecture.
    pub arch: Arch,
    /// What the trace's reader had to assume or leave out for it, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// With tenant isolation, its number of tenants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenants: Option<u32>,
    /// With a cache, the share of its requests the container's cache answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_hit_ratio: Option<f64>,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures of a function or of all of them, over the statistics window.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// Arrivals, throttled ones included.
    pub invocations: u64,
    /// Arrivals served by a new container.
    pub cold_starts: u64,
    /// Arrivals served by an idle container.
    pub warm_starts: u64,
    /// Arrivals refused by a concurrency limit.
    pub throttled: u64,
    /// Warmer pings served: billed, but not invocations.
    pub warmer_pings: u64,
    /// Asynchronous arrivals served after at least one retry.
    pub retried: u64,
    /// Asynchronous arrivals dropped at their maximum event age.
    pub dropped: u64,
    /// Asynchronous arrivals still waiting for a retry at the end of the run.
    pub pending: u64,
    /// Queueing delay of the retried asynchronous arrivals, arrival to start [ms].
    pub queue_delay_ms: LatencyFigures,
    /// cold_starts / invocations; null without invocations.
    pub cold_start_ratio: Option<f64>,
    /// Latency of served invocations, arrival to response [ms].
    pub latency_ms: LatencyFigures,
    /// Container counts.
    pub containers: ContainerFigures,
    /// Memory held by containers [GB·s].
    pub gb_s: GbSeconds,
    /// Connections held open by alive containers (each holds its function's `connections`).
    pub connections: ConnectionFigures,
    /// What the window's served invocations cost [USD], billed as one month.
    pub cost_usd: f64,
    /// That cost, broken down.
    pub cost: Cost,
    /// The 30-day projection [USD]: the window's usage scaled to 30 days and billed as one
    /// month (tiers and the free tier on the projected volume), as `coldsim cost` projects.
    pub month_cost_usd: f64,
}

/// Latency statistics [ms]; each is null when nothing was served.
#[derive(Clone, Debug, Serialize)]
pub struct LatencyFigures {
    /// Exact mean.
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// 99.9th percentile.
    pub p999: Option<f64>,
    /// Exact maximum.
    pub max: Option<f64>,
}

/// Container counts; the means are exact time averages over the window.
#[derive(Clone, Debug, Serialize)]
pub struct ContainerFigures {
    /// Containers created: one per cold start, plus those a policy pre-warmed, those the
    /// platform's scaler started and the replacements initialized ahead of a retirement.
    pub created: u64,
    /// Containers a keep-alive policy pre-warmed (made ready before an arrival needed them).
    pub prewarmed: u64,
    /// Instances the platform's scaler started in the background (Cloud Run, Managed
    /// Instances): neither cold starts nor billed for their start-up.
    pub scaled_out: u64,
    /// Idle containers evicted to make room in a memory-bounded pool.
    pub evicted: u64,
    /// Containers retired at their maximum lifetime (`platform.max_lifetime`).
    pub retired: u64,
    /// Replacements initialized ahead of a retirement (`platform.proactive_init`): their
    /// init is billed, and they are not cold starts.
    pub proactive_inits: u64,
    /// Most alive at once.
    pub peak: u32,
    /// Mean alive (busy plus idle).
    pub mean_alive: f64,
    /// Mean initializing or executing.
    pub mean_busy: f64,
    /// Mean idle.
    pub mean_idle: f64,
    /// Mean requests in flight (equal to `mean_busy` when each container serves one).
    pub mean_in_flight: f64,
    /// Most requests in flight at once.
    pub peak_in_flight: u32,
}

/// Open connections; the limit figures only for the total.
#[derive(Clone, Debug, Serialize)]
pub struct ConnectionFigures {
    /// Most open at once for a positive time.
    pub peak: u64,
    /// Exact time average.
    pub mean: f64,
    /// The database's `max_connections`, when set (totals only).
    pub limit: Option<u64>,
    /// Time in the window with more open than the limit [s] (totals with a limit only).
    pub over_limit_s: Option<f64>,
}

/// Memory held by containers [GB·s], GB being 1024 MB as Lambda bills it.
#[derive(Clone, Debug, Serialize)]
pub struct GbSeconds {
    /// While initializing or executing.
    pub busy: f64,
    /// While idle.
    pub idle: f64,
}

fn latency_figures(l: &Latency) -> LatencyFigures {
    let [p50, p90, p95, p99, p999] = l.quantiles_ms([0.50, 0.90, 0.95, 0.99, 0.999]);
    LatencyFigures {
        mean: l.mean_ms(),
        p50,
        p90,
        p95,
        p99,
        p999,
        max: l.max_ms(),
    }
}

#[allow(clippy::too_many_arguments)]
fn figures(
    stats: &CountSums,
    latency: &Latency,
    queue_delay: &Latency,
    levels: &Levels,
    connections: ConnectionFigures,
    gb_s: GbSeconds,
    cost: Cost,
    month_cost_usd: f64,
    window_us: u64,
) -> Figures {
    // An empty window (a trace shorter than its warm-up) gives zero means, not NaN.
    let w = window_us.max(1) as f64;
    let mean_alive = levels.alive_area as f64 / w;
    let mean_busy = levels.busy_area as f64 / w;
    Figures {
        invocations: stats.invocations,
        cold_starts: stats.cold_starts,
        warm_starts: stats.warm_starts,
        throttled: stats.throttled,
        warmer_pings: stats.warmer_pings,
        retried: stats.retried,
        dropped: stats.dropped,
        pending: stats.pending,
        queue_delay_ms: latency_figures(queue_delay),
        cold_start_ratio: (stats.invocations > 0)
            .then(|| stats.cold_starts as f64 / stats.invocations as f64),
        latency_ms: latency_figures(latency),
        containers: ContainerFigures {
            created: stats.cold_starts - stats.cold_joins
                + stats.prewarms
                + stats.scale_outs
                + stats.proactive_inits,
            prewarmed: stats.prewarms,
            scaled_out: stats.scale_outs,
            evicted: stats.evictions,
            retired: stats.retired,
            proactive_inits: stats.proactive_inits,
            peak: levels.peak_alive,
            mean_alive,
            mean_busy,
            mean_idle: (levels.alive_area - levels.busy_area) as f64 / w,
            mean_in_flight: levels.in_flight_area() as f64 / w,
            peak_in_flight: levels.peak_in_flight(),
        },
        connections,
        gb_s,
        cost_usd: cost.total_usd,
        cost,
        month_cost_usd,
    }
}

#[derive(Default)]
struct CountSums {
    invocations: u64,
    cold_starts: u64,
    warm_starts: u64,
    throttled: u64,
    prewarms: u64,
    scale_outs: u64,
    cold_joins: u64,
    evictions: u64,
    retired: u64,
    proactive_inits: u64,
    warmer_pings: u64,
    retried: u64,
    dropped: u64,
    pending: u64,
}

impl CountSums {
    fn add(&mut self, s: &FunctionStats) {
        self.invocations += s.invocations;
        self.cold_starts += s.cold_starts;
        self.warm_starts += s.warm_starts;
        self.throttled += s.throttled;
        self.prewarms += s.prewarms;
        self.scale_outs += s.scale_outs;
        self.cold_joins += s.cold_joins;
        self.evictions += s.evictions;
        self.retired += s.retired;
        self.proactive_inits += s.proactive_inits;
        self.warmer_pings += s.warmer_pings;
        self.retried += s.retried;
        self.dropped += s.dropped;
        self.pending += s.pending;
    }
}

fn gb_s(levels: &Levels, memory_mb: u32) -> GbSeconds {
    let per = f64::from(memory_mb) / 1024.0 / MICROS_PER_S as f64;
    GbSeconds {
        busy: levels.busy_area as f64 * per,
        idle: (levels.alive_area - levels.busy_area) as f64 * per,
    }
}

/// Provisioned concurrency configured over the window, each level billed from its setting to
/// the next change rounded up to 5 minutes as AWS does [MB·s].
fn provisioned_mb_s(f: &crate::model::function::Function, stats: &FunctionStats) -> u128 {
    stats.provisioned_us * u128::from(f.memory_mb) / u128::from(MICROS_PER_S)
}

/// The usage of each function of a finished run, with its configured provisioned concurrency
/// billed over the window.
pub fn usage(sim: &Simulation) -> Vec<(Billed, Usage)> {
    let window = window_us(sim);
    sim.functions()
        .map(|(f, stats)| {
            let billed = Billed {
                arch: f.arch,
                package: f.package,
                ephemeral_storage_mb: f.ephemeral_storage_mb,
                custom_runtime: f.custom_runtime,
                memory_mb: f.memory_mb,
                vcpu_milli: (f.vcpus() * 1000.0).round() as u32,
                snapstart_charged: f.snapstart.as_ref().is_some_and(|s| s.runtime.charged()),
            };
            let mut usage = stats.usage;
            usage.provisioned_configured_mb_s = provisioned_mb_s(f, stats);
            usage.host_us = stats.levels.host_area;
            if f.snapstart.is_some() {
                // The version is active, its snapshot cached, over the whole window.
                usage.cached_mb_s =
                    u128::from(f.memory_mb) * u128::from(window) / u128::from(MICROS_PER_S);
            }
            (billed, usage)
        })
        .collect()
}

/// The statistics window of a finished run, its end less the warm-up [µs].
pub fn window_us(sim: &Simulation) -> u64 {
    sim.end()
        .as_micros()
        .saturating_sub(sim.warmup().as_micros())
}

/// The 30-day factor of a window of `window_us`: 30 days over the window (an empty window
/// counts as 1 µs, so the factor stays finite).
pub fn month_factor(window_us: u64) -> f64 {
    MONTH_S / (window_us.max(1) as f64 / MICROS_PER_S as f64)
}

impl Summary {
    /// Gathers the figures of a finished run.
    pub fn new(scenario: &Scenario, seed: u64, sim: &Simulation) -> Summary {
        let end_us = sim.end().as_micros();
        let window_us = end_us.saturating_sub(scenario.warmup.as_micros());
        let mut sums = CountSums::default();
        let latency = sim.latency();
        let mut busy_gb_s = 0.0;
        let mut idle_gb_s = 0.0;
        let mut functions = Vec::with_capacity(scenario.functions.len());
        let usage = usage(sim);
        let prices = &scenario.cost.prices;
        let (costs, total_cost) = prices.bill(scenario.cost.options, &usage, 1.0);
        let month_factor = month_factor(window_us);
        let (month_costs, month_total) = prices.bill(scenario.cost.options, &usage, month_factor);
        for (((f, stats), cost), month) in sim.functions().zip(costs).zip(month_costs) {
            let mut own = CountSums::default();
            own.add(stats);
            sums.add(stats);
            let g = gb_s(&stats.levels, f.memory_mb);
            busy_gb_s += g.busy;
            idle_gb_s += g.idle;
            functions.push(FunctionSummary {
                note: None,
                tenants: (stats.tenants > 0).then_some(stats.tenants),
                cache_hit_ratio: f.cache.as_ref().and_then(|_| {
                    let asked = stats.cache_hits + stats.cache_misses;
                    (asked > 0).then(|| stats.cache_hits as f64 / asked as f64)
                }),
                name: f.name.clone(),
                memory_mb: f.memory_mb,
                arch: f.arch,
                figures: figures(
                    &own,
                    &stats.latency,
                    &stats.queue_delay,
                    &stats.levels,
                    ConnectionFigures {
                        peak: u64::from(stats.levels.peak_alive) * u64::from(f.connections),
                        mean: stats.levels.alive_area as f64 * f64::from(f.connections)
                            / window_us.max(1) as f64,
                        limit: None,
                        over_limit_s: None,
                    },
                    g,
                    cost,
                    month.total_usd,
                    window_us,
                ),
            });
        }
        let totals = figures(
            &sums,
            &latency,
            sim.queue_delay(),
            sim.total_levels(),
            {
                let c = sim.connections();
                ConnectionFigures {
                    peak: c.peak,
                    mean: c.area as f64 / window_us.max(1) as f64,
                    limit: c.limit,
                    over_limit_s: c
                        .limit
                        .map(|_| c.over_limit_us as f64 / MICROS_PER_S as f64),
                }
            },
            GbSeconds {
                busy: busy_gb_s,
                idle: idle_gb_s,
            },
            total_cost,
            month_total.total_usd,
            window_us,
        );
        // One function: its row and the totals are the same latencies, so they give the same
        // figures, the totals' (the finer histogram).
        if let [only] = functions.as_mut_slice() {
            only.figures.latency_ms = totals.latency_ms.clone();
            only.figures.queue_delay_ms = totals.queue_delay_ms.clone();
        }
        Summary {
            scenario: scenario.name.clone(),
            seed,
            horizon_s: end_us as f64 / MICROS_PER_S as f64,
            warmup_s: scenario.warmup.as_secs_f64(),
            window_s: window_us as f64 / MICROS_PER_S as f64,
            prices: scenario.cost.source.clone(),
            totals,
            functions,
            setup_in_handler: None,
        }
    }
}

/// One function's set-up at init against the same set-up in every invocation.
#[derive(Clone, Debug, Serialize)]
pub struct SetupWhatIf {
    /// The function.
    pub function: String,
    /// The set-up moved [ms].
    pub setup_ms: f64,
    /// As configured: set-up once per container, in init.
    pub at_init: SetupFigures,
    /// The what-if: set-up in every invocation.
    pub in_handler: SetupFigures,
}

/// The figures the set-up what-if compares.
#[derive(Clone, Debug, Serialize)]
pub struct SetupFigures {
    /// Mean latency [ms].
    pub latency_mean_ms: Option<f64>,
    /// 99th-percentile latency [ms].
    pub latency_p99_ms: Option<f64>,
    /// Memory held by busy containers [GB·s].
    pub busy_gb_s: f64,
    /// The bill [USD].
    pub cost_usd: f64,
    /// Connections open on average: one per alive container at init; per busy container in
    /// the handler (opened and closed by every invocation).
    pub connections_mean: f64,
}

impl Summary {
    /// The set-up what-if of every function that sets `setup_in_handler_ms`, from the run as
    /// configured and the run of [`Scenario::setup_in_handler`] (same seed).
    pub fn set_setup_what_if(&mut self, scenario: &Scenario, what_if: &Summary) {
        let mut rows = Vec::new();
        for (f, (a, b)) in scenario
            .functions
            .iter()
            .zip(self.functions.iter().zip(&what_if.functions))
        {
            let Some(setup_ms) = f.setup_in_handler_ms else {
                continue;
            };
            let figures = |g: &Figures, connections_mean: f64| SetupFigures {
                latency_mean_ms: g.latency_ms.mean,
                latency_p99_ms: g.latency_ms.p99,
                busy_gb_s: g.gb_s.busy,
                cost_usd: g.cost_usd,
                connections_mean,
            };
            rows.push(SetupWhatIf {
                function: f.name.clone(),
                setup_ms,
                at_init: figures(&a.figures, a.figures.connections.mean),
                in_handler: figures(&b.figures, b.figures.containers.mean_busy),
            });
        }
        self.setup_in_handler = Some(rows);
    }
}

/// Runs a scenario and gathers its figures, with the what-if of set-up in the handler when a
/// function asks for it (run on the same seed). Returns the summary and the finished run.
pub fn run_summary(
    scenario: &Scenario,
    seed: u64,
    bucket: Option<crate::time::SimDuration>,
    progress: crate::analysis::run::Progress<'_>,
) -> Result<(Summary, Simulation), crate::analysis::run::RunError> {
    let finished = crate::analysis::run::run(scenario, seed, bucket, &mut *progress)?;
    let mut summary = Summary::new(scenario, seed, &finished.sim);
    summary.set_notes(&finished.notes());
    let sim = finished.sim;
    if let Some(what_if) = scenario.setup_in_handler() {
        let alt = crate::analysis::run::run(&what_if, seed, bucket, |_| {})?.sim;
        summary.set_setup_what_if(scenario, &Summary::new(&what_if, seed, &alt));
    }
    Ok((summary, sim))
}

impl Summary {
    /// Gives each function the trace's note on it, by name.
    pub fn set_notes(&mut self, notes: &[(String, String)]) {
        for f in &mut self.functions {
            f.note = crate::analysis::run::note_of(notes, &f.name);
        }
    }
}
