//! The cost report of a trace (`coldsim cost`): the bill per function, its 30-day projection and where provisioned concurrency pays, as JSON, CSV and Markdown.

use serde::Serialize;

use crate::cost::Arch;
use crate::cost::{Cost, InitBilling};
use crate::model::function::Function;
use crate::model::scenario::Scenario;
use crate::sim::engine::Simulation;
use crate::sim::stats::FunctionStats;
use crate::time::{MICROS_PER_S, SimDuration};

use crate::analysis::reconcile::{Figures as LogFigures, Reconciliation, Recorded};
use crate::analysis::run::{Progress, RunError, run};
use crate::analysis::summary::{Figures, Summary, usage, window_us};
pub use crate::cost::MONTH_S;
use crate::input::trace::TraceHandle;

/// The cost report, as `cost.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Invoice {
    /// The traffic file.
    pub trace: String,
    /// The platform it was priced on (its kind; Cloud Run's instance billing as
    /// `google-cloud-run:instance`).
    pub platform: String,
    /// The price sheet: "built-in" (AWS Lambda us-east-1) or its path.
    pub prices: String,
    /// Whether INIT was billed for every configuration or by the legacy rule.
    pub init_billing: InitBilling,
    /// Whether the monthly free tier was taken off.
    pub free_tier: bool,
    /// The billed window of the trace [s].
    pub window_s: f64,
    /// 30 days over the window: what the projection multiplies the traffic by.
    pub month_factor: f64,
    /// What a reader of the projection should know (a window under an hour is extrapolated).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// All functions together, as the keys of each function.
    #[serde(flatten)]
    pub total: Line,
    /// Each function, in order of first appearance.
    pub functions: Vec<Line>,
    /// With CloudWatch logs: the figures they record beside the simulated ones.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Reconciliation>,
}

/// One function's bill, or the total's.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    /// The function ("total" for the sum).
    pub name: String,
    /// What the trace's reader had to assume or leave out for it, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Memory [MB] (0 for the total).
    pub memory_mb: u32,
    /// Architecture (none for the total).
    pub arch: Option<Arch>,
    /// Arrivals, throttled ones included.
    pub invocations: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// Throttled arrivals (not billed).
    pub throttled: u64,
    /// Everything [USD].
    pub total_usd: f64,
    /// Requests [USD].
    pub requests_usd: f64,
    /// On-demand duration, INIT included [USD].
    pub compute_usd: f64,
    /// The part of `compute_usd` spent in INIT [USD].
    pub init_usd: f64,
    /// Provisioned concurrency [USD].
    pub provisioned_usd: f64,
    /// Ephemeral storage above 512 MB [USD].
    pub ephemeral_storage_usd: f64,
    /// The management fee on instances (Lambda Managed Instances) [USD].
    pub management_usd: f64,
    /// Billed on-demand duration, INIT included [GB·s].
    pub billed_gb_s: f64,
    /// Memory held by idle containers, which the provider carries [GB·s].
    pub idle_gb_s: f64,
    /// Median latency, cold starts and sharing included [ms]; null without invocations.
    pub p50_ms: Option<f64>,
    /// 99th-percentile latency [ms]; null without invocations.
    pub p99_ms: Option<f64>,
    /// Most containers (instances) alive at once.
    pub peak_containers: u32,
    /// The same traffic for 30 days.
    pub month: Month,
    /// On demand against the cheapest provisioned level examined (not for the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned: Option<BreakEven>,
}

/// A bill projected to 30 days.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Month {
    /// Everything [USD].
    pub total_usd: f64,
    /// Requests [USD].
    pub requests_usd: f64,
    /// On-demand duration, INIT included [USD].
    pub compute_usd: f64,
    /// INIT's part of compute [USD].
    pub init_usd: f64,
    /// Provisioned concurrency [USD].
    pub provisioned_usd: f64,
    /// The management fee (Lambda Managed Instances) [USD].
    pub management_usd: f64,
    /// Cold starts in 30 days.
    pub cold_starts: f64,
}

/// One provisioned-concurrency level, projected to 30 days.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Level {
    /// Containers provisioned.
    pub provisioned_concurrency: u32,
    /// The month's bill [USD].
    pub month_usd: f64,
    /// The month's cold starts.
    pub month_cold_starts: f64,
}

/// Where provisioned concurrency pays for one function.
#[derive(Clone, Debug, Serialize)]
pub struct BreakEven {
    /// Most containers busy at once on demand.
    pub peak_busy: u32,
    /// Every level examined, on demand (0) first.
    pub levels: Vec<Level>,
    /// The cheapest level (0 when on demand is cheapest).
    pub cheapest: u32,
    /// What the cheapest level saves against on demand in 30 days [USD]; 0 when it is on demand.
    pub month_saving_usd: f64,
}

/// The 30-day factor of a run: 30 days over its window.
pub fn month_factor(sim: &Simulation) -> f64 {
    crate::analysis::summary::month_factor(window_us(sim))
}

/// Each function's 30-day bill and cold starts in a finished run, in function order.
pub fn month_of(scenario: &Scenario, sim: &Simulation) -> Vec<(f64, f64)> {
    let factor = month_factor(sim);
    let (costs, _) = scenario
        .cost
        .prices
        .bill(scenario.cost.options, &usage(sim), factor);
    sim.functions()
        .zip(costs)
        .map(|((_, s), c)| (c.total_usd, s.cold_starts as f64 * factor))
        .collect()
}

fn line(
    name: &str,
    f: Option<&Function>,
    s: &CountsOf,
    (cost, month): (Cost, Cost),
    factor: f64,
    g: &Figures,
) -> Line {
    Line {
        name: name.to_string(),
        note: None,
        memory_mb: f.map_or(0, |f| f.memory_mb),
        arch: f.map(|f| f.arch),
        invocations: s.invocations,
        cold_starts: s.cold_starts,
        throttled: s.throttled,
        total_usd: cost.total_usd,
        requests_usd: cost.requests_usd,
        compute_usd: cost.compute_usd,
        init_usd: cost.init_usd,
        provisioned_usd: cost.provisioned_usd,
        ephemeral_storage_usd: cost.ephemeral_storage_usd,
        management_usd: cost.management_usd,
        billed_gb_s: cost.billed_gb_s,
        idle_gb_s: s.idle_gb_s,
        p50_ms: g.latency_ms.p50,
        p99_ms: g.latency_ms.p99,
        peak_containers: g.containers.peak,
        month: Month {
            total_usd: month.total_usd,
            requests_usd: month.requests_usd,
            compute_usd: month.compute_usd,
            init_usd: month.init_usd,
            provisioned_usd: month.provisioned_usd,
            management_usd: month.management_usd,
            cold_starts: s.cold_starts as f64 * factor,
        },
        provisioned: None,
    }
}

#[derive(Default)]
struct CountsOf {
    invocations: u64,
    cold_starts: u64,
    throttled: u64,
    idle_gb_s: f64,
}

impl CountsOf {
    fn of(f: &Function, s: &FunctionStats) -> CountsOf {
        CountsOf {
            invocations: s.invocations,
            cold_starts: s.cold_starts,
            throttled: s.throttled,
            idle_gb_s: (s.levels.alive_area - s.levels.busy_area) as f64
                * (f64::from(f.memory_mb) / 1024.0)
                / MICROS_PER_S as f64,
        }
    }
}

/// Windows shorter than this are extrapolated to a month with a warning [µs]: an hour.
const SHORT_WINDOW_US: u64 = 3_600 * MICROS_PER_S;

fn window_warning(window_us: u64) -> Option<String> {
    (window_us < SHORT_WINDOW_US).then(|| {
        format!(
            "the window is {}, under an hour: the 30-day figures extrapolate it {:.0} times; \
             pass --window with the span the file covers (like 1d) if it covers more",
            crate::time::SimDuration(window_us),
            crate::analysis::summary::month_factor(window_us)
        )
    })
}

impl Invoice {
    /// The bill of a finished run over a trace.
    pub fn new(scenario: &Scenario, sim: &Simulation, trace: &str) -> Invoice {
        Invoice::with_summary(
            scenario,
            sim,
            trace,
            &Summary::new(scenario, scenario.seed, sim),
        )
    }

    /// The bill of a finished run over a trace, its latency and containers from `summary`
    /// (the run's).
    pub fn with_summary(
        scenario: &Scenario,
        sim: &Simulation,
        trace: &str,
        summary: &Summary,
    ) -> Invoice {
        let usage = usage(sim);
        let factor = month_factor(sim);
        let prices = &scenario.cost.prices;
        let (costs, total_cost) = prices.bill(scenario.cost.options, &usage, 1.0);
        let (month_costs, month_total) = prices.bill(scenario.cost.options, &usage, factor);
        let mut sums = CountsOf::default();
        let mut functions = Vec::new();
        for ((((f, s), c), m), g) in sim
            .functions()
            .zip(costs)
            .zip(month_costs)
            .zip(&summary.functions)
        {
            let counts = CountsOf::of(f, s);
            sums.invocations += counts.invocations;
            sums.cold_starts += counts.cold_starts;
            sums.throttled += counts.throttled;
            sums.idle_gb_s += counts.idle_gb_s;
            functions.push(line(&f.name, Some(f), &counts, (c, m), factor, &g.figures));
        }
        Invoice {
            trace: trace.to_string(),
            platform: crate::analysis::compare::platform_of(scenario),
            prices: scenario.cost.source.clone(),
            init_billing: scenario.cost.options.init_billing,
            free_tier: scenario.cost.options.free_tier,
            window_s: window_us(sim) as f64 / MICROS_PER_S as f64,
            month_factor: factor,
            warnings: window_warning(window_us(sim)).into_iter().collect(),
            total: line(
                "total",
                None,
                &sums,
                (total_cost, month_total),
                factor,
                &summary.totals,
            ),
            functions,
            reconciliation: None,
        }
    }

    /// The run's figures as a reconciliation with logs compares them: containers created
    /// (from `summary`) stand for environments.
    pub fn simulated_figures(&self, summary: &Summary) -> LogFigures {
        LogFigures {
            invocations: self.total.invocations as i64,
            cold_starts: self.total.cold_starts as i64,
            environments: Some(summary.totals.containers.created as i64),
            billed_gb_s: self.total.billed_gb_s,
            total_usd: self.total.total_usd,
        }
    }

    /// Records, per function, the provisioned levels examined (`levels[f]`, on demand first).
    pub fn set_break_even(&mut self, peaks: &[u32], levels: Vec<Vec<Level>>) {
        for ((line, peak), levels) in self.functions.iter_mut().zip(peaks).zip(levels) {
            let Some(on_demand) = levels.first().copied() else {
                continue;
            };
            let best = levels.iter().copied().fold(on_demand, |b, l| {
                if l.month_usd < b.month_usd { l } else { b }
            });
            line.provisioned = Some(BreakEven {
                peak_busy: *peak,
                cheapest: best.provisioned_concurrency,
                month_saving_usd: on_demand.month_usd - best.month_usd,
                levels,
            });
        }
    }
}

/// Prices a trace: runs `scenario` (its functions from the trace), checks that no invocation
/// lies beyond `window` when one is given, bills it and, with `break_even`, finds where
/// provisioned concurrency pays.
pub fn bill_trace(
    scenario: &Scenario,
    seed: u64,
    trace: &str,
    window: Option<SimDuration>,
    with_break_even: bool,
    progress: Progress<'_>,
) -> Result<Invoice, RunError> {
    bill_trace_with(
        scenario,
        seed,
        trace,
        window,
        with_break_even,
        None,
        progress,
    )
}

/// As [`bill_trace`], with the figures CloudWatch logs record beside the simulated ones when
/// `recorded` is given (the trace is those logs).
pub fn bill_trace_with(
    scenario: &Scenario,
    seed: u64,
    trace: &str,
    window: Option<SimDuration>,
    with_break_even: bool,
    recorded: Option<&Recorded>,
    progress: Progress<'_>,
) -> Result<Invoice, RunError> {
    let (mut invoice, sim, summary) = bill_run(scenario, seed, trace, window, &mut *progress)?;
    if let Some(recorded) = recorded {
        let simulated = invoice.simulated_figures(&summary);
        invoice.reconciliation = Some(Reconciliation::new(recorded, simulated));
    }
    if with_break_even {
        let (peaks, levels) = break_even(scenario, &sim, seed, &mut *progress)?;
        invoice.set_break_even(&peaks, levels);
    }
    Ok(invoice)
}

/// Runs `scenario` over its trace, checks that no invocation lies beyond `window` when one is
/// given, and bills it (the reader's notes on each function kept); returns the bill, the run
/// and its summary.
pub fn bill_run(
    scenario: &Scenario,
    seed: u64,
    trace: &str,
    window: Option<SimDuration>,
    progress: Progress<'_>,
) -> Result<(Invoice, Simulation, Summary), RunError> {
    let finished = run(scenario, seed, None, &mut *progress)?;
    let latest = finished
        .trace
        .as_ref()
        .and_then(TraceHandle::latest_arrival);
    if let (Some(window), Some(latest)) = (window, latest) {
        if latest.as_micros() >= window.as_micros() {
            return Err(RunError::OutsideWindow {
                window,
                trace: trace.to_string(),
                latest: SimDuration(latest.as_micros()),
            });
        }
    }
    let summary = Summary::new(scenario, seed, &finished.sim);
    let mut invoice = Invoice::with_summary(scenario, &finished.sim, trace, &summary);
    let notes = finished.notes();
    for line in &mut invoice.functions {
        line.note = crate::analysis::run::note_of(&notes, &line.name);
    }
    Ok((invoice, finished.sim, summary))
}

/// Runs the trace again with provisioned concurrency at up to four levels per function, a
/// quarter, a half, three quarters and all of its peak of busy containers on demand; returns
/// the peaks and, per function, each level's 30-day cost and cold starts, on demand first.
pub fn break_even(
    scenario: &Scenario,
    on_demand: &Simulation,
    seed: u64,
    progress: Progress<'_>,
) -> Result<(Vec<u32>, Vec<Vec<Level>>), RunError> {
    let peaks: Vec<u32> = on_demand
        .functions()
        .map(|(_, s)| s.levels.peak_busy)
        .collect();
    let candidates: Vec<Vec<u32>> = peaks
        .iter()
        .map(|&p| {
            let mut c: Vec<u32> = [1, 2, 3, 4]
                .iter()
                .map(|q| (p * q).div_ceil(4))
                .filter(|&n| n > 0)
                .collect();
            c.dedup();
            c
        })
        .collect();
    let mut levels: Vec<Vec<Level>> = month_of(scenario, on_demand)
        .into_iter()
        .map(|(usd, cold)| {
            vec![Level {
                provisioned_concurrency: 0,
                month_usd: usd,
                month_cold_starts: cold,
            }]
        })
        .collect();
    let rounds = candidates.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..rounds {
        let mut s = scenario.clone();
        s.functions = on_demand
            .functions()
            .zip(&candidates)
            .map(|((f, _), c)| {
                let mut f = f.clone();
                f.provisioned_concurrency = c.get(k).or(c.last()).copied().unwrap_or(0);
                f
            })
            .collect();
        let sim = run(&s, seed, None, &mut *progress)?.sim;
        for ((f, (usd, cold)), list) in s.functions.iter().zip(month_of(&s, &sim)).zip(&mut levels)
        {
            let n = f.provisioned_concurrency;
            if n > 0 && list.iter().all(|l| l.provisioned_concurrency != n) {
                list.push(Level {
                    provisioned_concurrency: n,
                    month_usd: usd,
                    month_cold_starts: cold,
                });
            }
        }
    }
    Ok((peaks, levels))
}
