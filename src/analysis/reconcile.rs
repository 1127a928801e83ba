//! Lambda's CloudWatch logs against a run of the same arrivals: the figures the logs record exactly (requests, cold starts, environments and their lives, billed GB-s, the bill), the same figures simulated, and their differences.

use std::collections::HashMap;

use serde::Serialize;

use crate::cost::{Arch, Billed, BillingModel, CostOptions, Prices, Usage};
use crate::input::trace::TraceError;
use crate::input::trace::cloudwatch::{LogReader, Skipped};
use crate::time::MICROS_PER_S;

/// The figures compared, recorded or simulated (or their difference, simulated less recorded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Invocations (`REPORT` records).
    pub invocations: i64,
    /// Cold starts: records with an init (or restore) duration; simulated, arrivals served by
    /// a new container.
    pub cold_starts: i64,
    /// Execution environments: distinct log streams; simulated, containers created. `None`
    /// when the logs name no streams.
    pub environments: Option<i64>,
    /// Σ billed duration × memory [GB·s].
    pub billed_gb_s: f64,
    /// The bill of the window [USD].
    pub total_usd: f64,
}

impl Figures {
    fn minus(&self, other: &Figures) -> Figures {
        Figures {
            invocations: self.invocations - other.invocations,
            cold_starts: self.cold_starts - other.cold_starts,
            environments: self
                .environments
                .zip(other.environments)
                .map(|(a, b)| a - b),
            billed_gb_s: self.billed_gb_s - other.billed_gb_s,
            total_usd: self.total_usd - other.total_usd,
        }
    }
}

/// What the logs say of their environments' lives [s].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Lives {
    /// Mean time from an environment's first arrival to the end of its last invocation.
    pub mean_life_s: Option<f64>,
    /// The longest such time.
    pub max_life_s: Option<f64>,
    /// Warm reuses: invocations on an environment that served one before.
    pub reuses: u64,
    /// Median idle time before a warm reuse (end of the previous invocation to arrival),
    /// within 0.1 %.
    pub p50_idle_before_reuse_s: Option<f64>,
    /// 99th percentile of the same, within 0.1 %.
    pub p99_idle_before_reuse_s: Option<f64>,
    /// The longest idle time before a warm reuse.
    pub max_idle_before_reuse_s: Option<f64>,
}

/// The logs read once: their figures, and per function the init times they record.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The figures.
    pub figures: Figures,
    /// Restores (SnapStart) among the cold starts.
    pub restores: u64,
    /// The environments' lives.
    pub lives: Lives,
    /// What the reader skipped.
    pub skipped: Skipped,
    /// The functions with cold starts: name, memory of the first record [MB], and init times
    /// in order, up to [`INIT_SAMPLES`] [ms].
    pub inits_ms: Vec<(String, u32, Vec<f64>)>,
}

/// The most init times kept per function for the simulated init (the first ones).
pub const INIT_SAMPLES: usize = 100_000;

/// One environment's first arrival and latest end [µs since the epoch].
#[derive(Clone, Copy)]
struct Life {
    first: i64,
    end: i64,
}

/// Reads every invocation of `logs` and counts what they record; the bill is priced with
/// `prices` (Lambda's, whose records these are) as `arch` with `options`.
pub fn record(
    logs: &mut LogReader,
    prices: &Prices,
    arch: Arch,
    options: CostOptions,
) -> Result<Recorded, TraceError> {
    let mut figures = Figures::default();
    let mut restores = 0;
    let mut usage: Vec<Usage> = Vec::new();
    let mut inits: Vec<Vec<f64>> = Vec::new();
    let mut lives: HashMap<u32, Life> = HashMap::new();
    let mut idle = hdrhistogram::Histogram::<u64>::new(3)
        .unwrap_or_else(|e| unreachable!("3 significant digits are valid: {e}"));
    let mut lives_out = Lives::default();
    let mut max_idle = None;
    let mut min_idle = u64::MAX;
    while let Some(inv) = logs.next_invocation()? {
        let f = inv.function as usize;
        if usage.len() <= f {
            usage.resize(f + 1, Usage::default());
            inits.resize(f + 1, Vec::new());
        }
        figures.invocations += 1;
        if let Some(init) = inv.init_us.or(inv.restore_us) {
            figures.cold_starts += 1;
            restores += u64::from(inv.restore_us.is_some());
            if inits[f].len() < INIT_SAMPLES {
                inits[f].push(init as f64 / 1000.0);
            }
        }
        let u = &mut usage[f];
        u.requests += 1;
        u.exec_ms = u.exec_ms.saturating_add(inv.billed_ms);
        u.exec_mb_ms += u128::from(inv.billed_ms) * u128::from(inv.memory_mb);
        if let Some(env) = inv.environment {
            let end = inv.end_us();
            match lives.get_mut(&env) {
                Some(life) => {
                    let gap = (inv.at_us - life.end).max(0) as u64;
                    lives_out.reuses += 1;
                    // Auto-resizing: only a value beyond u64 could be refused.
                    let _ = idle.record(gap);
                    max_idle = max_idle.max(Some(gap));
                    min_idle = min_idle.min(gap);
                    life.end = life.end.max(end);
                }
                None => {
                    lives.insert(
                        env,
                        Life {
                            first: inv.at_us,
                            end,
                        },
                    );
                }
            }
        }
    }
    let s = |us: u64| us as f64 / MICROS_PER_S as f64;
    if logs.environments() > 0 {
        figures.environments = Some(logs.environments() as i64);
        let spans = lives.values().map(|l| (l.end - l.first).max(0) as u64);
        let total: u128 = spans.clone().map(u128::from).sum();
        lives_out.mean_life_s = Some(total as f64 / lives.len().max(1) as f64 / 1e6);
        lives_out.max_life_s = spans.max().map(s);
    }
    if let Some(max) = max_idle {
        // Within 0.1 % (three significant digits), and never past the exact extremes.
        let at = |q: f64| s(idle.value_at_quantile(q).clamp(min_idle, max));
        lives_out.p50_idle_before_reuse_s = Some(at(0.5));
        lives_out.p99_idle_before_reuse_s = Some(at(0.99));
        lives_out.max_idle_before_reuse_s = Some(s(max));
    }
    let mb_ms: u128 = usage.iter().map(|u| u.exec_mb_ms).sum();
    figures.billed_gb_s = mb_ms as f64 / 1024.0 / 1000.0;
    let billed = Billed {
        arch,
        ..Billed::default()
    };
    let lines: Vec<_> = usage.into_iter().map(|u| (billed, u)).collect();
    let lambda = match prices.model() {
        BillingModel::AwsLambda => prices.clone(),
        _ => Prices::built_in(BillingModel::AwsLambda),
    };
    figures.total_usd = lambda.bill(options, &lines, 1.0).1.total_usd;
    let names = logs.functions();
    Ok(Recorded {
        figures,
        restores,
        lives: lives_out,
        skipped: logs.skipped(),
        inits_ms: inits
            .into_iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(i, v)| (names[i].0.clone(), names[i].1, v))
            .collect(),
    })
}

/// The logs' figures beside the run's, and their differences.
#[derive(Clone, Debug, Serialize)]
pub struct Reconciliation {
    /// As the logs record them.
    pub recorded: Figures,
    /// As simulated for the same arrivals and handler times.
    pub simulated: Figures,
    /// Simulated less recorded.
    pub difference: Figures,
    /// Restores (SnapStart) among the recorded cold starts.
    pub recorded_restores: u64,
    /// The recorded environments' lives.
    pub recorded_lives: Lives,
    /// Log lines that are not platform records, and `START`s without a `REPORT`.
    pub skipped: Skipped,
}

impl Reconciliation {
    /// `recorded` beside the `simulated` figures of the run over the same logs.
    pub fn new(recorded: &Recorded, simulated: Figures) -> Reconciliation {
        Reconciliation {
            recorded: recorded.figures,
            simulated,
            difference: simulated.minus(&recorded.figures),
            recorded_restores: recorded.restores,
            recorded_lives: recorded.lives,
            skipped: recorded.skipped,
        }
    }
}
