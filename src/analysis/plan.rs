//! Capacity planning (`coldsim plan`): service-level objectives, and the search for the cheapest setting of one knob that meets them all.

use serde::Serialize;

use crate::analysis::run::{Progress, RunError, run};
use crate::analysis::summary::Summary;
use crate::model::function::Function;
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::objective::{Metric, Percentile, Slo};
use crate::model::scenario::Scenario;
use crate::model::what_if::{Change, Policy};
use crate::time::SimDuration;

impl Slo {
    /// The metric's value in a run's totals; `None` when it has none (nothing served).
    pub fn value(&self, s: &Summary) -> Option<f64> {
        let t = &s.totals;
        let l = &t.latency_ms;
        let ratio = |n: u64| (t.invocations > 0).then(|| n as f64 / t.invocations as f64);
        match self.metric {
            Metric::Latency(p) => match p {
                Percentile::P50 => l.p50,
                Percentile::P90 => l.p90,
                Percentile::P95 => l.p95,
                Percentile::P99 => l.p99,
                Percentile::P999 => l.p999,
            },
            Metric::MeanLatency => l.mean,
            Metric::MaxLatency => l.max,
            Metric::ColdStartRatio => t.cold_start_ratio,
            Metric::ThrottledRatio => ratio(t.throttled + t.dropped),
        }
    }

    /// Whether a run meets the objective (a run with nothing to measure does not).
    pub fn met(&self, s: &Summary) -> bool {
        self.value(s).is_some_and(|v| {
            if self.inclusive {
                v <= self.bound
            } else {
                v < self.bound
            }
        })
    }
}

/// What a plan ranks the settings that meet every objective by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Minimize {
    /// The bill [USD].
    #[default]
    Cost,
    /// Memory held by idle containers [GB·s]: what the provider carries.
    IdleMemory,
}

impl Minimize {
    /// The measure of a step.
    pub fn of(self, s: &Step) -> f64 {
        match self {
            Minimize::Cost => s.cost_usd,
            Minimize::IdleMemory => s.idle_gb_s,
        }
    }
}

/// The knob a plan turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vary {
    /// Provisioned concurrency, the same level for every function.
    Provisioned,
    /// A fixed keep-alive window for every function.
    KeepAlive,
    /// The memory size of every function.
    Memory,
}

/// The memory sizes a plan examines [MB], smallest first: Lambda's common sizes, with
/// 1769 MB (one full vCPU).
pub const MEMORY_GRID: [u32; 10] = [128, 256, 512, 1024, 1536, 1769, 2048, 3008, 4096, 10240];

/// The keep-alive windows a plan examines, shortest first (0 is `none`).
pub fn keep_alive_grid() -> Vec<SimDuration> {
    [0u64, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 240]
        .iter()
        .map(|m| SimDuration::from_secs(m * 60))
        .collect()
}

/// The settings a plan examines, smallest first, and what a person should know about them.
#[derive(Clone, Debug)]
pub struct Candidates {
    /// Each setting as a person reads it ("5", "10m", "1024") with the policy that makes it.
    pub list: Vec<(String, Policy)>,
    /// Notes on the range examined or on the knob, for the terminal and plan.json.
    pub notes: Vec<String>,
    /// A lower bound of each candidate's bill [USD], non-decreasing along the list, when one is
    /// known: the provisioned concurrency configured, billed whatever the traffic.
    pub cost_floor: Option<Vec<f64>>,
}

/// The most provisioned containers per function the platform accepts for all `functions` at
/// once, with the rule that limits it: each function's concurrency limit (its reserved
/// concurrency, else the account's), and all of them together within the account.
pub fn most_provisioned(scenario: &Scenario, functions: &[Function]) -> (u32, String) {
    let account = scenario.platform.account_concurrency;
    let share = account / u32::try_from(functions.len().max(1)).unwrap_or(u32::MAX);
    let mut most = (
        share,
        format!(
            "{} functions with that many each must fit account_concurrency ({account})",
            functions.len()
        ),
    );
    for f in functions {
        let cap = f.reserved_concurrency.unwrap_or(account);
        if cap < most.0 {
            let why = match f.reserved_concurrency {
                Some(_) => "its reserved concurrency",
                None => "account_concurrency",
            };
            most = (
                cap,
                format!(
                    "function {:?} may run at most {cap} containers at once ({why})",
                    f.name
                ),
            );
        }
    }
    most
}

/// The settings of `vary` to examine for `functions` (every function the traffic has, as the
/// scenario runs them), whose most busy containers at once was `peak` as written.
pub fn candidates(
    vary: Vary,
    scenario: &Scenario,
    functions: &[Function],
    peak: u32,
) -> Candidates {
    let mut notes = Vec::new();
    let mut cost_floor = None;
    let list = match vary {
        Vary::Provisioned => {
            let (most, why) = most_provisioned(scenario, functions);
            if most < peak {
                notes.push(format!(
                    "levels 0 to {most} examined, below the peak of {peak} busy containers: {why}"
                ));
            }
            let top = peak.min(most);
            cost_floor = provisioned_floor(scenario, functions)
                .map(|per_level| (0..=top).map(|n| per_level * f64::from(n)).collect());
            (0..=top)
                .map(|n| {
                    let p = Policy {
                        label: format!("provisioned:{n}"),
                        change: Change::Provisioned(n),
                    };
                    (n.to_string(), p)
                })
                .collect()
        }
        Vary::KeepAlive => keep_alive_grid()
            .into_iter()
            .map(|idle| {
                let spec = if idle == SimDuration::ZERO {
                    KeepAliveSpec::None
                } else {
                    KeepAliveSpec::Fixed { idle, extend: None }
                };
                let p = Policy {
                    label: format!("fixed:{idle}"),
                    change: Change::KeepAlive(spec),
                };
                (idle.to_string(), p)
            })
            .collect(),
        Vary::Memory => {
            if functions
                .iter()
                .all(|f| f.cpu_fraction == 0.0 && f.init_runtime.is_none())
            {
                notes.push(
                    "latency does not depend on memory here: every function has cpu_fraction = 0 and an init that is not a runtime's measured one, so only the bill changes; set cpu_fraction to the CPU-bound share of a function's times to model it"
                        .to_string(),
                );
            }
            MEMORY_GRID
                .iter()
                .map(|&mb| {
                    let p = Policy {
                        label: format!("memory:{mb}"),
                        change: Change::Memory(mb),
                    };
                    (mb.to_string(), p)
                })
                .collect()
        }
    };
    Candidates {
        list,
        notes,
        cost_floor,
    }
}

/// The bill [USD] of one provisioned container per function held through the statistics
/// window, as the engine bills it (the window rounded up to 5 minutes, MB·s truncated), when
/// every level is held unchanged for the whole run: a run with a set duration and no
/// provisioned schedule or target tracking. Level n bills n times this whatever the traffic.
fn provisioned_floor(scenario: &Scenario, functions: &[Function]) -> Option<f64> {
    const UNIT_US: u64 = 300 * 1_000_000;
    let duration = scenario.duration?;
    if functions.iter().any(|f| f.scaling.is_some()) {
        return None;
    }
    let window = duration
        .as_micros()
        .saturating_sub(scenario.warmup.as_micros());
    let held = u128::from(window.div_ceil(UNIT_US) * UNIT_US);
    let prices = &scenario
        .cost
        .prices
        .lambda()?
        .provisioned
        .concurrency_usd_per_gb_s;
    Some(
        functions
            .iter()
            .map(|f| {
                let mb_s = held * u128::from(f.memory_mb) / 1_000_000;
                mb_s as f64 / 1024.0 * prices.get(f.arch)
            })
            .sum(),
    )
}

/// One setting examined.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// The knob's value, as a person reads it ("5", "10m").
    pub value: String,
    /// Whether every objective is met.
    pub meets: bool,
    /// Each objective's value, in --slo order.
    pub values: Vec<Option<f64>>,
    /// The bill [USD].
    pub cost_usd: f64,
    /// Memory held by idle containers [GB·s].
    pub idle_gb_s: f64,
}

impl Step {
    /// The step of a finished run.
    pub fn new(value: String, slos: &[Slo], s: &Summary) -> Step {
        Step {
            value,
            meets: slos.iter().all(|o| o.met(s)),
            values: slos.iter().map(|o| o.value(s)).collect(),
            cost_usd: s.totals.cost_usd,
            idle_gb_s: s.totals.gb_s.idle,
        }
    }
}

/// What [`bisect`] ran, as (candidate, step) in the order run, and the answer's candidate.
pub type Bisection = (Vec<(usize, Step)>, Option<usize>);

/// Binary search over candidates `0..n` for the first whose run meets the objectives,
/// assuming the objectives' metrics improve along the candidates (more provisioned
/// containers, longer windows: fewer cold starts). `run(i)` runs candidate `i`; every
/// candidate run is returned, in the order run, with the answer's index when there is one.
pub fn bisect<E>(n: usize, mut run: impl FnMut(usize) -> Result<Step, E>) -> Result<Bisection, E> {
    let mut examined = Vec::new();
    if n == 0 {
        return Ok((examined, None));
    }
    let last = run(n - 1)?;
    let last_meets = last.meets;
    examined.push((n - 1, last));
    if !last_meets {
        return Ok((examined, None));
    }
    // Invariant: candidate hi meets; every candidate below lo fails.
    let (mut lo, mut hi) = (0, n - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let step = run(mid)?;
        let meets = step.meets;
        examined.push((mid, step));
        if meets {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok((examined, Some(hi)))
}

/// What [`search`] found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Every candidate run, as (candidate, step), by candidate.
    pub examined: Vec<(usize, Step)>,
    /// The best candidate that meets every objective.
    pub answer: Option<usize>,
    /// Without an answer, the examined candidate that misses the objectives by the least.
    pub closest_miss: Option<usize>,
    /// The first candidate not run because its lower bound already exceeded the best found.
    pub pruned_from: Option<usize>,
}

/// The best of candidates `0..n` that meet every objective, ranked by `minimize` (ties to the
/// smaller candidate). Meeting the objectives is assumed monotone along the candidates (more
/// provisioned containers, longer windows, more memory: never worse latency or cold starts),
/// so [`bisect`] finds the first that meets; the measure is not monotone (provisioned duration
/// is billed below on-demand, a larger size runs shorter), so every candidate from there on is
/// run, except those whose `floor` (a lower bound of the measure, non-decreasing along the
/// candidates) is already above the best found: they, and all after them, cannot be better.
pub fn search<E>(
    n: usize,
    slos: &[Slo],
    minimize: Minimize,
    floor: impl Fn(usize) -> Option<f64>,
    mut run: impl FnMut(usize) -> Result<Step, E>,
) -> Result<Outcome, E> {
    let (mut examined, first) = bisect(n, &mut run)?;
    let mut pruned_from = None;
    if let Some(first) = first {
        let best = |examined: &[(usize, Step)]| {
            examined
                .iter()
                .filter(|(i, s)| *i >= first && s.meets)
                .map(|(_, s)| minimize.of(s))
                .min_by(f64::total_cmp)
        };
        for i in first..n {
            if let (Some(lb), Some(b)) = (floor(i), best(&examined)) {
                if lb > b {
                    pruned_from = Some(i);
                    break;
                }
            }
            if examined.iter().all(|(j, _)| *j != i) {
                examined.push((i, run(i)?));
            }
        }
    }
    examined.sort_by_key(|(i, _)| *i);
    let answer = examined
        .iter()
        .filter(|(_, s)| s.meets)
        .min_by(|a, b| {
            minimize
                .of(&a.1)
                .total_cmp(&minimize.of(&b.1))
                .then(a.0.cmp(&b.0))
        })
        .map(|(i, _)| *i);
    let closest_miss = match answer {
        Some(_) => None,
        None => examined
            .iter()
            .map(|(i, s)| {
                let miss = slos
                    .iter()
                    .zip(&s.values)
                    .map(|(o, v)| o.shortfall(*v))
                    .fold(0.0, f64::max);
                (*i, miss, minimize.of(s))
            })
            .min_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then(a.2.total_cmp(&b.2))
                    .then(a.0.cmp(&b.0))
            })
            .map(|(i, _, _)| i),
    };
    Ok(Outcome {
        examined,
        answer,
        closest_miss,
        pruned_from,
    })
}

/// What `coldsim plan` found, as `plan.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct PlanResult {
    /// The scenario's name.
    pub scenario: String,
    /// The seed every run used.
    pub seed: u64,
    /// The knob turned.
    pub vary: Vary,
    /// What the settings that meet are ranked by.
    pub minimize: Minimize,
    /// The objectives, as written.
    pub slos: Vec<String>,
    /// The best setting that meets every objective.
    pub answer: Option<Step>,
    /// Without an answer, the setting that misses the objectives by the least.
    pub closest_miss: Option<Step>,
    /// What the reader should know: a range cut by the account, settings not run.
    pub notes: Vec<String>,
    /// Every setting run, in the knob's order.
    pub examined: Vec<Step>,
}

/// Runs the scenario as configured to learn its functions and peak, then searches the knob's
/// settings for the best that meets every objective (see [`search`]).
pub fn plan(
    scenario: &Scenario,
    seed: u64,
    slos: &[Slo],
    vary: Vary,
    minimize: Minimize,
    progress: Progress<'_>,
) -> Result<PlanResult, RunError> {
    let first = run(scenario, seed, None, &mut *progress)?.sim;
    let functions: Vec<_> = first.functions().map(|(f, _)| f.clone()).collect();
    let peak = first
        .functions()
        .map(|(_, s)| s.levels.peak_busy)
        .max()
        .unwrap_or(0);
    let candidates = candidates(vary, scenario, &functions, peak);
    let run_candidate = |i: usize| -> Result<Step, RunError> {
        let (value, policy) = &candidates.list[i];
        let s = policy
            .apply(scenario, &functions)
            .map_err(RunError::WhatIf)?;
        let sim = run(&s, seed, None, &mut *progress)?.sim;
        Ok(Step::new(
            value.clone(),
            slos,
            &Summary::new(&s, seed, &sim),
        ))
    };
    let floor = |i: usize| match minimize {
        Minimize::Cost => candidates.cost_floor.as_ref().map(|f| f[i]),
        Minimize::IdleMemory => None,
    };
    let outcome = search(candidates.list.len(), slos, minimize, floor, run_candidate)?;
    let mut notes = candidates.notes.clone();
    if let Some(from) = outcome.pruned_from {
        let skipped: Vec<&str> = (from..candidates.list.len())
            .filter(|i| outcome.examined.iter().all(|(j, _)| j != i))
            .map(|i| candidates.list[i].0.as_str())
            .collect();
        if let (Some(a), Some(b)) = (skipped.first(), skipped.last()) {
            notes.push(format!(
                "{} not run: the provisioned concurrency configured alone costs more than the answer",
                if a == b { format!("setting {a}") } else { format!("settings {a} to {b}") }
            ));
        }
    }
    let step_of = |i: Option<usize>| {
        i.and_then(|a| {
            outcome
                .examined
                .iter()
                .find(|(j, _)| *j == a)
                .map(|(_, s)| s.clone())
        })
    };
    Ok(PlanResult {
        scenario: scenario.name.clone(),
        seed,
        vary,
        minimize,
        slos: slos.iter().map(|s| s.text.clone()).collect(),
        answer: step_of(outcome.answer),
        closest_miss: step_of(outcome.closest_miss),
        notes,
        examined: outcome.examined.iter().map(|(_, s)| s.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_first_candidate_that_meets() {
        let step = |meets: bool| Step {
            value: String::new(),
            meets,
            values: vec![],
            cost_usd: 0.0,
            idle_gb_s: 0.0,
        };
        for answer in 0..10 {
            let mut runs = 0;
            let (examined, found) = bisect::<()>(10, |i| {
                runs += 1;
                Ok(step(i >= answer))
            })
            .expect("no error");
            assert_eq!(found, Some(answer));
            assert!(runs <= 5, "{runs} runs");
            assert_eq!(examined.len(), runs);
        }
        let (_, none) = bisect::<()>(10, |_| Ok(step(false))).expect("no error");
        assert_eq!(none, None);
    }

    fn step(meets: bool, cost_usd: f64, idle_gb_s: f64) -> Step {
        Step {
            value: String::new(),
            meets,
            values: vec![],
            cost_usd,
            idle_gb_s,
        }
    }

    #[test]
    fn the_search_answers_the_cheapest_that_meets_not_the_first() {
        // Meets from 2 on; the bill dips to its least at 4, then rises.
        let costs = [9.0, 8.0, 5.0, 4.0, 3.0, 3.5, 6.0, 7.0];
        let out = search::<()>(
            costs.len(),
            &[],
            Minimize::Cost,
            |_| None,
            |i| Ok(step(i >= 2, costs[i], 10.0 - i as f64)),
        )
        .expect("no error");
        assert_eq!(out.answer, Some(4));
        assert_eq!(out.pruned_from, None);
        let run: Vec<usize> = out.examined.iter().map(|(i, _)| *i).collect();
        assert_eq!(
            run,
            vec![1, 2, 3, 4, 5, 6, 7],
            "sorted, every one from the first that meets"
        );
        // Ranked by idle memory instead, the longest (least idle here) wins.
        let out = search::<()>(
            costs.len(),
            &[],
            Minimize::IdleMemory,
            |_| None,
            |i| Ok(step(i >= 2, costs[i], 10.0 - i as f64)),
        )
        .expect("no error");
        assert_eq!(out.answer, Some(7));
    }

    #[test]
    fn ties_go_to_the_smaller_setting() {
        let out = search::<()>(
            4,
            &[],
            Minimize::Cost,
            |_| None,
            |i| Ok(step(i >= 1, 2.0, 0.0)),
        )
        .expect("no error");
        assert_eq!(out.answer, Some(1));
    }

    #[test]
    fn a_floor_above_the_best_stops_the_search() {
        // The floor (1 per level) passes the best bill (3.01 at level 1) from level 4 on: the
        // bisection ran 9, 4, 2, 1 and 0; then 3 is run, and 5 to 8 are not.
        let mut ran = Vec::new();
        let out = search::<()>(
            10,
            &[],
            Minimize::Cost,
            |i| Some(i as f64),
            |i| {
                ran.push(i);
                Ok(step(
                    true,
                    3.5 + i as f64 * 0.01 + if i == 1 { -0.5 } else { 0.0 },
                    0.0,
                ))
            },
        )
        .expect("no error");
        assert_eq!(out.answer, Some(1));
        assert_eq!(out.pruned_from, Some(4));
        ran.sort_unstable();
        assert_eq!(ran, vec![0, 1, 2, 3, 4, 9]);
        // A floor equal to the best is no reason to stop: it might tie.
        let out = search::<()>(
            3,
            &[],
            Minimize::Cost,
            |i| Some(i as f64),
            |_| Ok(step(true, 1.0, 0.0)),
        )
        .expect("no error");
        assert_eq!(out.pruned_from, Some(2));
        assert_eq!(out.answer, Some(0));
    }

    #[test]
    fn without_an_answer_the_closest_miss_is_named() {
        let slos = [
            crate::input::spec::slo("p99<100ms").expect("ok"),
            crate::input::spec::slo("cold_start_ratio<1%").expect("ok"),
        ];
        let values = [[150.0, 0.005], [120.0, 0.03], [200.0, 0.0]];
        let out = search::<()>(
            3,
            &slos,
            Minimize::Cost,
            |_| None,
            |i| {
                let mut s = step(false, 1.0, 0.0);
                s.values = values[i].iter().map(|v| Some(*v)).collect();
                Ok(s)
            },
        )
        .expect("no error");
        assert_eq!(out.answer, None);
        // Bisection runs only the largest when it fails: the closest of what was run.
        assert_eq!(out.closest_miss, Some(2));
        // Misses by 20 % and 200 %, by 50 % and 0: the worst of each decides.
        assert_eq!(slos[0].shortfall(Some(120.0)), 120.0 / 100.0 - 1.0);
        assert_eq!(slos[1].shortfall(Some(0.005)), 0.0);
        assert_eq!(slos[0].shortfall(Some(99.9)), 0.0);
        assert_eq!(slos[0].shortfall(None), f64::INFINITY);
        let le = crate::input::spec::slo("p99<=100ms").expect("ok");
        assert_eq!(le.shortfall(Some(100.0)), 0.0);
        assert!(slos[0].shortfall(Some(100.0)) > 0.0, "100 is not below 100");
        let zero = crate::input::spec::slo("cold_start_ratio<0").expect("ok");
        assert_eq!(zero.shortfall(Some(0.5)), f64::INFINITY);
    }

    #[test]
    fn a_bare_ratio_above_a_half_is_warned_of() {
        let warn = |t: &str| crate::input::spec::slo(t).expect("ok").warning();
        assert!(warn("cold_start_ratio<1").is_some_and(|w| w.contains("write 1% for")));
        assert!(warn("throttled_ratio<0.6").is_some());
        assert_eq!(warn("cold_start_ratio<0.5"), None);
        assert_eq!(warn("cold_start_ratio<1%"), None);
        assert_eq!(warn("cold_start_ratio<60%"), None);
        assert_eq!(warn("p99<1"), None);
    }
}
