//! Shard files read back and merged: the result one machine computes, put together from the shards many machines wrote.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::result::{METRICS, Metrics, Point, Run, SweepResult};
use super::set::Set;

pub(crate) const SHARD_FORMAT: &str = "coldsim-sweep-shard-1";

/// A shard file as written by [`SweepResult::to_shard_json`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFile {
    pub(crate) format: String,
    pub(crate) fingerprint: String,
    pub(crate) scenario: String,
    pub(crate) seed: u64,
    pub(crate) replications: u32,
    pub(crate) sets: Vec<Set>,
    pub(crate) grid_points: u64,
    pub(crate) shard: [u32; 2],
    pub(crate) metrics: Vec<String>,
    pub(crate) points: Vec<ShardPoint>,
    /// Where it was read from, for errors.
    #[serde(skip)]
    pub(crate) origin: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShardPoint {
    pub(crate) index: u64,
    pub(crate) values: Vec<String>,
    pub(crate) runs: Vec<ShardRun>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShardRun {
    pub(crate) seed: u64,
    pub(crate) metrics: Vec<Option<String>>,
}

impl ShardFile {
    /// Reads a shard file's bytes; `origin` (its path) names it in errors.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<ShardFile, String> {
        let mut f: ShardFile = serde_json::from_slice(bytes)
            .map_err(|e| format!("{origin}: not a coldsim shard file: {e}"))?;
        if f.format != SHARD_FORMAT {
            return Err(format!(
                "{origin}: format {:?}, expected {SHARD_FORMAT:?}",
                f.format
            ));
        }
        if f.metrics != METRICS {
            return Err(format!(
                "{origin}: written by another coldsim version (other metrics)"
            ));
        }
        f.origin = origin.to_string();
        Ok(f)
    }
}

/// Puts shards of one sweep back together into the result one machine computes. Refuses
/// shards of different sweeps (their fingerprints differ), a point present twice, and a
/// missing point; each error is one line naming the files.
pub fn merge(shards: Vec<ShardFile>) -> Result<SweepResult, String> {
    let Some(first) = shards.first() else {
        return Err("merge needs at least one shard file".into());
    };
    let first = first.clone();
    let total = first.grid_points;
    let mut slots: Vec<Option<(Point, String)>> = Vec::new();
    slots.resize_with(
        usize::try_from(total).unwrap_or(usize::MAX).min(1 << 30),
        || None,
    );
    for f in shards {
        if f.fingerprint != first.fingerprint {
            return Err(format!(
                "{} is from another sweep than {} (fingerprint {} vs {}): same scenario, --set, --replications and --seed needed",
                f.origin, first.origin, f.fingerprint, first.fingerprint
            ));
        }
        for p in f.points {
            let slot = usize::try_from(p.index)
                .ok()
                .and_then(|i| slots.get_mut(i))
                .ok_or_else(|| {
                    format!(
                        "{}: grid point {} is outside the grid of {total}",
                        f.origin, p.index
                    )
                })?;
            if let Some((_, other)) = slot {
                return Err(format!(
                    "grid point {} is in both {other} and {}: merge each shard once",
                    p.index, f.origin
                ));
            }
            let mut runs = Vec::with_capacity(p.runs.len());
            for r in p.runs {
                let mut metrics: Metrics = [None; 10];
                if r.metrics.len() != METRICS.len() {
                    return Err(format!(
                        "{}: grid point {}: expected {} metrics",
                        f.origin,
                        p.index,
                        METRICS.len()
                    ));
                }
                for (m, v) in metrics.iter_mut().zip(&r.metrics) {
                    *m = match v {
                        None => None,
                        Some(t) => Some(t.parse::<f64>().map_err(|_| {
                            format!(
                                "{}: grid point {}: {t:?} is not a number",
                                f.origin, p.index
                            )
                        })?),
                    };
                }
                runs.push(Run {
                    seed: r.seed,
                    metrics,
                });
            }
            *slot = Some((
                Point {
                    index: p.index,
                    values: p.values,
                    runs,
                },
                f.origin.clone(),
            ));
        }
    }
    let missing: Vec<usize> = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| i)
        .collect();
    if !missing.is_empty() {
        let n = first.shard[1].max(1) as usize;
        let mut lost: Vec<usize> = missing.iter().map(|i| i % n).collect();
        lost.sort_unstable();
        lost.dedup();
        let mut list = String::new();
        for (k, i) in missing.iter().take(10).enumerate() {
            let _ = write!(list, "{}{i}", if k > 0 { ", " } else { "" });
        }
        if missing.len() > 10 {
            list.push_str(", ...");
        }
        let shards: Vec<String> = lost.iter().map(|i| format!("{i}/{n}")).collect();
        return Err(format!(
            "{} of {total} grid points are missing ({list}): merge shard {} too",
            missing.len(),
            shards.join(", ")
        ));
    }
    Ok(SweepResult {
        scenario: first.scenario,
        seed: first.seed,
        replications: first.replications,
        sets: first.sets,
        grid_points: total,
        shard: None,
        fingerprint: first.fingerprint,
        points: slots.into_iter().flatten().map(|(p, _)| p).collect(),
    })
}
