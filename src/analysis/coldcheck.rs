//! The cold starts a platform recorded against those simulated for the same requests: Huawei Cloud's 2025 release, whose per-request files and cold-start records come from one production platform with a documented keep-alive.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::analysis::run::{Progress, RunError, run_observed};
use crate::input::trace::TraceError;
use crate::input::trace::huawei::{ColdStarts, first_request_us};
use crate::model::scenario::Scenario;
use crate::sim::invocation::{Invocation, Observer, Start};
use crate::time::MICROS_PER_S;

/// One function's cold starts, recorded and simulated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionCheck {
    /// The release's function id.
    pub function: String,
    /// Cold starts in the records, within the requests' span.
    pub recorded: u64,
    /// Cold starts simulated.
    pub simulated: u64,
}

/// How the simulated cold starts agree with the recorded ones.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColdStartCheck {
    /// Cold-start records within the requests' span (from the first request to the minute
    /// of the last).
    pub recorded: u64,
    /// Cold starts simulated.
    pub simulated: u64,
    /// Records outside that span (other days, or after the last request), not compared.
    pub outside: u64,
    /// Functions with a cold start recorded or simulated.
    pub functions: usize,
    /// Of those, the functions whose counts are equal.
    pub functions_equal: usize,
    /// Of those, the functions whose counts differ by at most 10 % of the recorded count.
    pub functions_within_10_percent: usize,
    /// Minutes compared, from the first request's to the last's.
    pub minutes: usize,
    /// Pearson's correlation of the cold starts per minute over all functions, recorded
    /// against simulated; `None` when either is constant.
    pub minute_correlation: Option<f64>,
    /// Each function, by id.
    pub per_function: Vec<FunctionCheck>,
}

/// The init times the records give each function: its cold starts' whole cost (pod
/// allocation, deployment, scheduling) [ms], with the memory of its pool [MB].
pub fn init_samples(cold_starts: &Path) -> Result<Vec<(String, u32, Vec<f64>)>, TraceError> {
    let mut records = ColdStarts::open(cold_starts)?;
    let mut by: BTreeMap<String, (u32, Vec<f64>)> = BTreeMap::new();
    while let Some(c) = records.next_cold_start()? {
        let e = by.entry(c.function).or_insert((c.memory_mb, Vec::new()));
        if e.1.len() < 10_000 {
            e.1.push(c.cost_us as f64 / 1000.0);
        }
    }
    Ok(by.into_iter().map(|(f, (mb, v))| (f, mb, v)).collect())
}

/// Cold starts per function and minute, as the run makes them.
#[derive(Default)]
struct ColdByMinute(HashMap<(u32, i64), u64>);

impl Observer for ColdByMinute {
    fn invocation(&mut self, i: &Invocation) {
        if i.start == Start::Cold {
            let minute = (i.arrived.as_micros() / (60 * MICROS_PER_S)) as i64;
            *self.0.entry((i.function.0, minute)).or_default() += 1;
        }
    }
}

/// Runs `scenario` (a `huawei2025` trace of per-request files) and compares its cold starts
/// with the records of `cold_starts`, per function and per minute since the first request.
pub fn check_cold_starts(
    scenario: &Scenario,
    cold_starts: &Path,
    seed: u64,
    progress: Progress<'_>,
) -> Result<ColdStartCheck, RunError> {
    let Some(spec) = &scenario.trace else {
        return Err(RunError::Failure(
            "the scenario has no trace of requests".into(),
        ));
    };
    let origin = first_request_us(&spec.path)?.unwrap_or(0);
    let mut seen = ColdByMinute::default();
    let finished = run_observed(scenario, seed, None, &mut *progress, &mut seen)?;
    let last_minute = finished
        .trace
        .as_ref()
        .and_then(|h| h.latest_arrival())
        .map_or(0, |t| (t.as_micros() / (60 * MICROS_PER_S)) as i64);
    let names: Vec<String> = finished
        .sim
        .functions()
        .map(|(f, _)| f.name.clone())
        .collect();
    let mut simulated: BTreeMap<String, u64> = BTreeMap::new();
    let mut sim_minutes = vec![0u64; last_minute as usize + 1];
    for (&(f, minute), &n) in &seen.0 {
        *simulated.entry(names[f as usize].clone()).or_default() += n;
        if let Some(m) = sim_minutes.get_mut(minute as usize) {
            *m += n;
        }
    }
    let mut recorded: BTreeMap<String, u64> = BTreeMap::new();
    let mut rec_minutes = vec![0u64; last_minute as usize + 1];
    let mut outside = 0;
    let mut records = ColdStarts::open(cold_starts)?;
    while let Some(c) = records.next_cold_start()? {
        let minute = (c.at_us - origin).div_euclid(60 * MICROS_PER_S as i64);
        if minute < 0 || minute > last_minute {
            outside += 1;
            continue;
        }
        *recorded.entry(c.function).or_default() += 1;
        rec_minutes[minute as usize] += 1;
    }
    let mut per_function: Vec<FunctionCheck> = recorded
        .keys()
        .chain(simulated.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|f| FunctionCheck {
            function: f.clone(),
            recorded: recorded.get(f).copied().unwrap_or(0),
            simulated: simulated.get(f).copied().unwrap_or(0),
        })
        .collect();
    per_function.sort_by(|a, b| {
        b.recorded
            .cmp(&a.recorded)
            .then(a.function.cmp(&b.function))
    });
    Ok(ColdStartCheck {
        recorded: recorded.values().sum(),
        simulated: simulated.values().sum(),
        outside,
        functions: per_function.len(),
        functions_equal: per_function
            .iter()
            .filter(|c| c.recorded == c.simulated)
            .count(),
        functions_within_10_percent: per_function
            .iter()
            .filter(|c| within_10_percent(c.recorded, c.simulated))
            .count(),
        minutes: rec_minutes.len(),
        minute_correlation: pearson(&rec_minutes, &sim_minutes),
        per_function,
    })
}

/// Whether `simulated` differs from `recorded` by at most 10 % of `recorded`.
fn within_10_percent(recorded: u64, simulated: u64) -> bool {
    recorded.abs_diff(simulated) * 10 <= recorded
}

/// Pearson's correlation of two series of equal length; `None` when either is constant.
fn pearson(a: &[u64], b: &[u64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (
        a.iter().sum::<u64>() as f64 / n,
        b.iter().sum::<u64>() as f64 / n,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (dx, dy) = (x as f64 - ma, y as f64 - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_is_one_for_proportional_series_and_none_for_a_constant() {
        assert_eq!(pearson(&[1, 2, 3], &[2, 4, 6]), Some(1.0));
        assert_eq!(pearson(&[1, 2, 3], &[3, 2, 1]), Some(-1.0));
        assert_eq!(pearson(&[1, 1, 1], &[1, 2, 3]), None);
        assert_eq!(pearson(&[1, 2, 3], &[2, 2, 2]), None);
        let r = pearson(&[1, 0, 2, 0], &[1, 0, 1, 1]).expect("varies");
        // Means 0.75 and 0.75: Σdxdy = 0.25·0.25 + 0.75·0.75 + 1.25·0.25 − 0.75·0.25 = 0.75,
        // Σdx² = 2.75, Σdy² = 0.75.
        assert!((r - 0.75 / (2.75f64 * 0.75).sqrt()).abs() < 1e-12, "{r}");
    }

    #[test]
    fn within_ten_percent_includes_its_bound() {
        assert!(within_10_percent(10, 11));
        assert!(within_10_percent(10, 9));
        assert!(!within_10_percent(10, 12));
        assert!(within_10_percent(0, 0));
        assert!(!within_10_percent(0, 1));
    }

    #[test]
    fn each_function_keeps_its_cold_starts_costs_as_init_times_up_to_a_bound() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cold.csv");
        let mut text = String::from(
            "day,time,clusterName,funcName,userID,requestID,totalCost_cold_start,podAllocationCost,deployCodeCost,deployDependencyCost,schedulingCost,podID\n",
        );
        text.push_str("0,1.0,1,2,9,r,0.250000,0,0,0,0,pool7-1000-4096-1\n");
        for i in 0..10_001 {
            text.push_str(&format!(
                "0,{}.5,1,1,9,r,0.300000,0,0,0,0,pool22-300-128-1\n",
                i + 2
            ));
        }
        std::fs::write(&path, text).expect("write");
        let got = init_samples(&path).expect("valid records");
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].0.as_str(), got[0].1, got[0].2.len()),
            ("1---9---pool22-300-128", 128, 10_000)
        );
        assert!(got[0].2.iter().all(|&ms| ms == 300.0));
        assert_eq!(
            got[1],
            ("2---9---pool7-1000-4096".to_string(), 4096, vec![250.0])
        );
    }
}
