//! Running a sweep: every point of the grid built and validated, then the replications of the points of a shard (or of all) run in parallel on rayon's pool and gathered in grid order.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::grid::{check_sets, grid_len, grid_point, point_scenario};
use super::result::{Point, Run, SweepResult, metrics};
use super::set::Set;
use super::shard::check_shard;
use crate::analysis::run::stop_when;
use crate::analysis::summary::Summary;
use crate::model::scenario::Scenario;

/// The most replications of a point: their summaries are held until the point is done.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// FNV-1a, 64 bits, over length-prefixed parts: stable across platforms and versions.
fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in parts {
        eat(&(p.len() as u64).to_le_bytes());
        eat(p);
    }
    format!("{h:016x}")
}

fn sweep_fingerprint(text: &str, name: &str, sets: &[Set], replications: u32, seed: u64) -> String {
    let mut parts: Vec<Vec<u8>> = vec![
        b"coldsim-sweep-1".to_vec(),
        text.as_bytes().to_vec(),
        name.as_bytes().to_vec(),
        replications.to_le_bytes().to_vec(),
        seed.to_le_bytes().to_vec(),
    ];
    for s in sets {
        parts.push(s.key.as_bytes().to_vec());
        parts.push((s.values.len() as u64).to_le_bytes().to_vec());
        parts.extend(s.values.iter().map(|v| v.as_bytes().to_vec()));
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    fingerprint(&refs)
}

/// Runs one scenario with one seed to the end, its trace opened afresh, as `coldsim run` does.
pub fn run_once(scenario: &Scenario, seed: u64) -> Result<Summary, String> {
    run_until(scenario, seed, &AtomicBool::new(false))
}

/// [`run_once`], stopped (with an "interrupted" error) within 2^18 events of `stop` being set.
fn run_until(scenario: &Scenario, seed: u64, stop: &AtomicBool) -> Result<Summary, String> {
    let finished = crate::analysis::run::run(scenario, seed, None, stop_when(stop))
        .map_err(|e| e.to_string())?;
    Ok(Summary::new(scenario, seed, &finished.sim))
}

/// Runs the grid points of `shard` (all without one), each `replications` times, in parallel on
/// rayon's pool (all cores, or `RAYON_NUM_THREADS`); results come back in grid order, whatever
/// the scheduling. Every point is built and validated before anything runs. `seed` overrides the
/// scenario's. `progress(done, total)` is called after each run, from any thread.
pub fn run_sweep(
    scenario_text: &str,
    path: &Path,
    sets: &[Set],
    replications: u32,
    shard: Option<(u32, u32)>,
    seed: Option<u64>,
    progress: impl Fn(u64, u64) + Sync,
) -> Result<SweepResult, String> {
    let sweep = SweepJob {
        scenario_text,
        path,
        sets,
        replications,
        shard,
        seed,
    };
    run_sweep_until(&sweep, progress, &AtomicBool::new(false))
}

/// A sweep as [`run_sweep`] takes it.
#[derive(Clone, Copy)]
pub struct SweepJob<'a> {
    /// The scenario file's text, which each point edits.
    pub scenario_text: &'a str,
    /// The scenario file's path, for relative paths in it and for errors.
    pub path: &'a Path,
    /// The keys swept and their values.
    pub sets: &'a [Set],
    /// The runs of each point, seeds one apart.
    pub replications: u32,
    /// The shard run (index, count), or the whole grid.
    pub shard: Option<(u32, u32)>,
    /// The seed overriding the scenario's.
    pub seed: Option<u64>,
}

/// [`run_sweep`] that another thread can stop (on Ctrl-C, say) by setting `stop`: the runs in
/// progress stop within 2^18 events, those not begun do not start, and the sweep returns an
/// "interrupted" error.
pub fn run_sweep_until(
    sweep: &SweepJob<'_>,
    progress: impl Fn(u64, u64) + Sync,
    stop: &AtomicBool,
) -> Result<SweepResult, String> {
    let (scenario_text, path, sets) = (sweep.scenario_text, sweep.path, sweep.sets);
    let (replications, shard, seed) = (sweep.replications, sweep.shard, sweep.seed);
    check_sets(sets)?;
    if replications == 0 || replications > MAX_REPLICATIONS {
        return Err(format!(
            "--replications must be between 1 and {MAX_REPLICATIONS}, got {replications}"
        ));
    }
    if let Some((i, n)) = shard {
        check_shard(i, n)?;
    }
    let base = Scenario::from_toml(scenario_text, path).map_err(|e| e.to_string())?;
    let base_seed = seed.unwrap_or(base.seed);
    let total = grid_len(sets)?;
    let indices: Vec<u64> = match shard {
        Some((i, n)) => (u64::from(i)..total).step_by(n as usize).collect(),
        None => (0..total).collect(),
    };
    // Build every point of the grid first, so that a bad value fails at once, on every shard.
    let mut scenarios = Vec::with_capacity(indices.len());
    for index in 0..total {
        let values = grid_point(sets, index);
        let s = point_scenario(scenario_text, path, &base, sets, &values)?;
        if indices.binary_search(&index).is_ok() {
            scenarios.push((index, values, s));
        }
    }
    let reps = u64::from(replications);
    let runs_total = scenarios.len() as u64 * reps;
    let done = AtomicU64::new(0);
    let results: Vec<Result<Run, String>> = (0..runs_total)
        .into_par_iter()
        .map(|k| {
            let (_, _, s) = &scenarios[(k / reps) as usize];
            let run_seed = seed.unwrap_or(s.seed).wrapping_add(k % reps);
            if stop.load(Ordering::Relaxed) {
                return Err("interrupted".to_string());
            }
            let out = run_until(s, run_seed, stop).map(|summary| Run {
                seed: run_seed,
                metrics: metrics(&summary),
            });
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, runs_total);
            out
        })
        .collect();
    let mut results = results.into_iter();
    let mut points = Vec::with_capacity(scenarios.len());
    for (index, values, _) in &scenarios {
        let mut runs = Vec::new();
        for _ in 0..replications {
            match results.next() {
                Some(Ok(run)) => runs.push(run),
                Some(Err(e)) => {
                    return Err(format!("grid point {index} ({}): {e}", label(sets, values)));
                }
                None => unreachable!("one result per run"),
            }
        }
        points.push(Point {
            index: *index,
            values: values.iter().map(|v| v.to_string()).collect(),
            runs,
        });
    }
    Ok(SweepResult {
        fingerprint: sweep_fingerprint(scenario_text, &base.name, sets, replications, base_seed),
        scenario: base.name,
        seed: base_seed,
        replications,
        sets: sets.to_vec(),
        grid_points: total,
        shard,
        points,
    })
}

fn label(sets: &[Set], values: &[&str]) -> String {
    sets.iter()
        .zip(values)
        .map(|(s, v)| format!("{}={v}", s.key))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: &str = "name = \"s\"\nduration = \"1d\"\n[[function]]\nname = \"f\"\narrival = { process = \"poisson\", rate_per_s = 100 }\ninit = { dist = \"constant\", ms = 1 }\nexec = { dist = \"constant\", ms = 1 }\n";

    #[test]
    fn a_stop_ends_a_run_within_its_first_stretch_of_events() {
        let s = crate::parse(DAY, "s.toml").expect("valid");
        let err = run_until(&s, 1, &AtomicBool::new(true)).expect_err("stopped");
        assert_eq!(err, "interrupted");
        assert!(run_until(&s, 1, &AtomicBool::new(false)).is_ok());
    }

    #[test]
    fn a_stopped_sweep_starts_no_run() {
        // A minute of traffic runs in fewer events than a stretch: only the check before each
        // run can stop it.
        let text = DAY.replace("\"1d\"", "\"1m\"");
        let sets = [Set::parse("function.f.memory_mb=128,256").expect("set")];
        let job = SweepJob {
            scenario_text: &text,
            path: Path::new("s.toml"),
            sets: &sets,
            replications: 2,
            shard: None,
            seed: None,
        };
        let runs = AtomicU64::new(0);
        let count = |_, _| {
            runs.fetch_add(1, Ordering::Relaxed);
        };
        let err = run_sweep_until(&job, count, &AtomicBool::new(true)).expect_err("stopped");
        assert_eq!(err, "grid point 0 (function.f.memory_mb=128): interrupted");
        assert_eq!(runs.load(Ordering::Relaxed), 0, "no run began");
        let whole = run_sweep_until(&job, |_, _| {}, &AtomicBool::new(false)).expect("runs");
        assert_eq!(whole.points.len(), 2);
    }
}
