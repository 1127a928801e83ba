//! Policy comparison (`coldsim compare`): the same traffic under several keep-alive, provisioned or warmer policies, one row of figures each.

use serde::Serialize;

use crate::analysis::run::{Progress, RunError, run};
use crate::analysis::summary::Summary;
use crate::model::dist::TimeDist;
use crate::model::function::{Function, SnapRuntime, SnapStart};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::scenario::{PlatformTarget, Scenario};
use crate::model::what_if::{Change, Policy};

impl Policy {
    /// Checks that the policy fits the scenario it is applied to, with `functions` as in
    /// [`Policy::apply`]: provisioned containers within each function's concurrency limit and,
    /// all functions together, within the account's (as a scenario file must have them).
    pub fn check(&self, scenario: &Scenario, functions: &[Function]) -> Result<(), String> {
        let Change::Provisioned(n) = self.change else {
            return Ok(());
        };
        let account = scenario.platform.account_concurrency;
        let mut total = 0u64;
        for f in functions {
            let cap = f.reserved_concurrency.unwrap_or(account);
            if n > cap {
                return Err(format!(
                    "{}: function {:?} may run at most {cap} containers at once",
                    self.label, f.name
                ));
            }
            total += u64::from(n);
        }
        if total > u64::from(account) {
            return Err(format!(
                "{}: {} functions with {n} provisioned containers each make {total}, more than account_concurrency ({account})",
                self.label,
                functions.len()
            ));
        }
        Ok(())
    }

    /// The baseline every comparison is measured against: a fixed 10-minute window.
    pub fn baseline() -> Policy {
        Policy {
            label: "fixed:10m".into(),
            change: Change::KeepAlive(KeepAliveSpec::default()),
        }
    }

    /// The scenario with this policy applied to every function. `functions` lists every
    /// function the traffic has (the scenario's and a trace's, from an earlier run), so that a
    /// trace's functions get the policy from time 0 too; each keeps the keep-alive the
    /// scenario gives it unless the policy is a keep-alive policy.
    pub fn apply(&self, scenario: &Scenario, functions: &[Function]) -> Result<Scenario, String> {
        let mut s = scenario.clone();
        s.functions = functions
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.keep_alive = scenario.keep_alive_of(&f.name);
                match &self.change {
                    Change::KeepAlive(k) => f.keep_alive = k.clone(),
                    Change::Provisioned(n) => {
                        f.provisioned_concurrency = *n;
                        // AWS refuses SnapStart beside provisioned concurrency.
                        if *n > 0 {
                            f.snapstart = None;
                        }
                    }
                    Change::Warmer(w) => f.warmer = Some(*w),
                    Change::SnapStart(restore) => {
                        if f.kind != crate::cost::BillingModel::AwsLambda {
                            return Err(format!(
                                "{}: SnapStart is AWS Lambda's; function {:?} runs on {}",
                                self.label,
                                f.name,
                                f.kind.as_str()
                            ));
                        }
                        f.snapstart = Some(snapstart_of(&f, restore));
                        f.provisioned_concurrency = 0;
                        f.scaling = None;
                    }
                    Change::Memory(mb) => f = f.with_memory(*mb),
                    Change::Platform(..) => {}
                }
                Ok(f)
            })
            .collect::<Result<_, String>>()?;
        match &self.change {
            Change::KeepAlive(k) => s.defaults.keep_alive = k.clone(),
            Change::Platform(target, sheet) => {
                s = s
                    .on_platform(*target, &s.functions, sheet.prices.clone(), &sheet.source)
                    .map_err(|e| format!("{}: {e}", self.label))?;
            }
            _ => {}
        }
        Ok(s)
    }
}

/// SnapStart on `f` with this restore time: its own runtime if it has SnapStart or a runtime
/// preset SnapStart supports, else Python's (whose cache and restores are billed: the bill
/// is not understated).
fn snapstart_of(f: &Function, restore: &TimeDist) -> SnapStart {
    let runtime = f
        .snapstart
        .as_ref()
        .map(|s| s.runtime)
        .or_else(|| {
            f.init_runtime
                .as_ref()
                .and_then(|r| SnapRuntime::of(&r.runtime))
        })
        .unwrap_or(SnapRuntime::Python);
    SnapStart {
        restore: restore.clone(),
        runtime,
    }
}

/// One policy's figures over the statistics window.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The policy as written.
    pub policy: String,
    /// The platform the policy's run was on (its kind; Cloud Run's instance billing as
    /// `google-cloud-run:instance`).
    pub platform: String,
    /// Arrivals, throttled ones included.
    pub invocations: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// cold_starts / invocations; null without invocations.
    pub cold_start_ratio: Option<f64>,
    /// Median latency [ms].
    pub p50_ms: Option<f64>,
    /// 99th-percentile latency [ms].
    pub p99_ms: Option<f64>,
    /// Memory held by idle containers [GB·s].
    pub idle_gb_s: f64,
    /// `idle_gb_s` over that of a fixed 10-minute window on the same traffic; null when that is 0.
    pub wasted_memory_vs_fixed_10m: Option<f64>,
    /// The bill [USD].
    pub total_usd: f64,
    /// Its requests part [USD].
    pub requests_usd: f64,
    /// Its compute part: duration, instance time or GB-s as the platform bills it [USD].
    pub compute_usd: f64,
    /// Its provisioned, minimum or always-ready instances part [USD].
    pub provisioned_usd: f64,
    /// Its management fee part (Lambda Managed Instances) [USD].
    pub management_usd: f64,
    /// Its SnapStart part: cache and restores (Lambda, Python and .NET) [USD].
    pub snapstart_usd: f64,
    /// The bill of the same traffic for 30 days [USD].
    pub month_total_usd: f64,
    /// Most containers (instances) alive at once.
    pub peak_containers: u32,
    /// Most requests in flight at once, over all containers.
    pub peak_in_flight: u32,
    /// The 75th percentile, over functions with invocations, of their cold-start ratio.
    pub p75_function_cold_start_ratio: Option<f64>,
    /// Containers pre-warmed by the policy.
    pub prewarmed: u64,
    /// Warmer pings (billed, not invocations).
    pub warmer_pings: u64,
    /// Throttled arrivals.
    pub throttled: u64,
}

impl Row {
    /// The row of a finished run, against the baseline's idle GB-seconds.
    pub fn new(policy: &str, platform: &str, s: &Summary, baseline_idle_gb_s: f64) -> Row {
        let t = &s.totals;
        let mut ratios: Vec<f64> = s
            .functions
            .iter()
            .filter_map(|f| f.figures.cold_start_ratio)
            .collect();
        ratios.sort_by(f64::total_cmp);
        Row {
            policy: policy.to_string(),
            platform: platform.to_string(),
            invocations: t.invocations,
            cold_starts: t.cold_starts,
            cold_start_ratio: t.cold_start_ratio,
            p50_ms: t.latency_ms.p50,
            p99_ms: t.latency_ms.p99,
            idle_gb_s: t.gb_s.idle,
            wasted_memory_vs_fixed_10m: (baseline_idle_gb_s > 0.0)
                .then(|| t.gb_s.idle / baseline_idle_gb_s),
            total_usd: t.cost_usd,
            requests_usd: t.cost.requests_usd,
            compute_usd: t.cost.compute_usd,
            provisioned_usd: t.cost.provisioned_usd,
            management_usd: t.cost.management_usd,
            snapstart_usd: t.cost.snapstart_usd,
            month_total_usd: t.month_cost_usd,
            peak_containers: t.containers.peak,
            peak_in_flight: t.containers.peak_in_flight,
            p75_function_cold_start_ratio: nearest_rank(&ratios, 0.75),
            prewarmed: t.containers.prewarmed,
            warmer_pings: t.warmer_pings,
            throttled: t.throttled,
        }
    }
}

/// The platform a scenario runs on, as a row names it.
pub fn platform_of(s: &Scenario) -> String {
    PlatformTarget {
        kind: s.platform.kind,
        cloud_run: s.cost.options.cloud_run,
    }
    .label()
}

/// The nearest-rank percentile `q` of sorted values.
fn nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// A comparison, as `compare.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The scenario's name.
    pub scenario: String,
    /// The seed every run used.
    pub seed: u64,
    /// One row per policy, in the order given.
    pub policies: Vec<Row>,
}

/// Runs the baseline (fixed 10 minutes) to learn every function the traffic has, then each
/// policy on the same traffic and seed: the same arrivals and handler times for all. A policy
/// that does not fit the scenario (a provisioned level beyond a limit) is refused before any
/// policy runs.
pub fn compare(
    scenario: &Scenario,
    seed: u64,
    policies: &[Policy],
    progress: Progress<'_>,
) -> Result<Comparison, RunError> {
    let baseline_policy = Policy::baseline();
    let first = baseline_policy
        .apply(scenario, &scenario.functions)
        .map_err(RunError::WhatIf)?;
    let sim = run(&first, seed, None, &mut *progress)?.sim;
    let functions: Vec<_> = sim.functions().map(|(f, _)| f.clone()).collect();
    for p in policies {
        p.check(scenario, &functions).map_err(RunError::WhatIf)?;
    }
    let baseline = Summary::new(&first, seed, &sim);
    let baseline_idle = baseline.totals.gb_s.idle;
    let mut rows = Vec::with_capacity(policies.len());
    for policy in policies {
        let (summary, platform) = if *policy == baseline_policy {
            (baseline.clone(), platform_of(&first))
        } else {
            let s = policy
                .apply(scenario, &functions)
                .map_err(RunError::WhatIf)?;
            let summary = Summary::new(&s, seed, &run(&s, seed, None, &mut *progress)?.sim);
            (summary, platform_of(&s))
        };
        rows.push(Row::new(&policy.label, &platform, &summary, baseline_idle));
    }
    Ok(Comparison {
        scenario: scenario.name.clone(),
        seed,
        policies: rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_75th_percentile_is_by_nearest_rank() {
        assert_eq!(nearest_rank(&[], 0.75), None);
        assert_eq!(nearest_rank(&[0.1], 0.75), Some(0.1));
        assert_eq!(nearest_rank(&[0.1, 0.2, 0.3, 0.4], 0.75), Some(0.3));
        assert_eq!(nearest_rank(&[0.1, 0.2, 0.3, 0.4, 0.5], 0.75), Some(0.4));
    }
}
