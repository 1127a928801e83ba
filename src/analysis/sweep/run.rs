//! Running a sweep: every point of the grid built and validated, then the replications of the points of a shard (or of all) run in parallel on rayon's pool and gathered in grid order.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::grid::{check_sets, grid_len, grid_point, point_scenario};
use super::result::{Point, Run, SweepResult, metrics};
use super::set::Set;
use super::shard::check_shard;
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
    let finished =
        crate::analysis::run::run(scenario, seed, None, |_| {}).map_err(|e| e.to_string())?;
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
            let out = run_once(s, run_seed).map(|summary| Run {
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
