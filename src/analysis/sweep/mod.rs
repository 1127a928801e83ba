//! Parameter sweeps (`coldsim sweep`, `coldsim merge`): a grid of scenario variants, each run with several seeds, every metric with its mean and 95 % confidence interval; shards of the grid for many machines.
//!
//! - **Grid.** Each `--set KEY=V1,V2,...` is one axis; the grid is every combination, in
//!   row-major order: the first `--set` varies slowest, the last fastest. Point `i` takes value
//!   `(i / (n_{k+1} · … · n_last)) mod n_k` of axis `k`.
//! - **Key paths.** A point is applied to the scenario's TOML text with `toml_edit`, then the
//!   text is validated by [`Scenario::from_toml`]: `platform.KEY`, `defaults.KEY[.SUB]`, top-level
//!   keys, and `function.NAME.KEY[.SUB]` (the `[[function]]` whose `name` is `NAME`). A value is
//!   taken as a TOML value when it parses as one (`500`, `0.5`, `true`, `"x"`, `{ policy = "none" }`),
//!   else as a string (`1m`). `traffic_scale=F` is not a key: it multiplies every synthetic
//!   arrival rate of the validated scenario by `F`.
//! - **Replications.** Replication `r` (0-based) of a point runs with seed `seed + r` (wrapping),
//!   `seed` being `--seed` or the point's scenario `seed`: each seed seeds Xoshiro256++ through
//!   SplitMix64, which gives unrelated streams for neighbouring seeds.
//! - **Confidence intervals.** Over the replications where a metric is defined, the mean and
//!   the half-width `t(0.975, n − 1) · s / √n` of the 95 % Student t interval (`s`: the sample
//!   standard deviation); with one replication there is no interval.
//! - **Shards.** Shard `I/N` (0-based) runs the points whose index `i` has `i mod N = I`;
//!   [`merge`] puts shards back together into exactly what one machine computes.
//!
//! Nothing here touches files, the clock or stdout: the caller reads the scenario text and
//! writes the bytes the exporters return. Runs over a trace open it through [`TraceReader`].

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

use crate::analysis::summary::Summary;
use crate::model::arrival::ArrivalSpec;
use crate::model::scenario::Scenario;
use crate::rng::Streams;
use crate::time::SimDuration;

/// The most replications of a point: their summaries are held until the point is done.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// The swept key that scales traffic instead of setting a scenario key.
pub const TRAFFIC_SCALE: &str = "traffic_scale";

/// One axis of the grid: a key path and the values it takes, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Set {
    /// The key path, like `platform.account_concurrency` or `traffic_scale`.
    pub key: String,
    /// The values in the order given, as written (`"500"`, `"1m"`).
    pub values: Vec<String>,
}

impl Set {
    /// Parses `KEY=V1,V2,...`. Commas inside quotes, brackets or braces do not split, so
    /// `function.a.keep_alive={ policy = "none" },{ policy = "fixed", idle = "1m" }` has two values.
    pub fn parse(text: &str) -> Result<Set, String> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| format!("--set {text}: write KEY=V1,V2,..."))?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "--set {text}: the key path {key:?} has an empty part; write KEY=V1,V2,..."
            ));
        }
        let values = split_values(values);
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "--set {text}: a value is empty; write KEY=V1,V2,..."
            ));
        }
        if key == TRAFFIC_SCALE {
            for v in &values {
                scale_factor(v)?;
            }
        }
        Ok(Set {
            key: key.to_string(),
            values,
        })
    }
}

/// Splits at commas outside quotes, brackets and braces, trimming each value.
fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    for c in text.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_string());
    out
}

fn scale_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!(
            "--set {TRAFFIC_SCALE}={text}: write a positive number, like traffic_scale=1,2,3"
        )),
    }
}

/// Checks a list of sets: at least one, each key once.
pub fn check_sets(sets: &[Set]) -> Result<(), String> {
    if sets.is_empty() {
        return Err("a sweep needs at least one --set KEY=V1,V2,...".into());
    }
    for (i, s) in sets.iter().enumerate() {
        if sets[..i].iter().any(|o| o.key == s.key) {
            return Err(format!(
                "--set {}: the key is set twice; list all its values in one --set",
                s.key
            ));
        }
    }
    Ok(())
}

/// The number of points of the grid (the product of the axes' lengths), or an error past 10^9.
pub fn grid_len(sets: &[Set]) -> Result<u64, String> {
    sets.iter().try_fold(1u64, |n, s| {
        n.checked_mul(s.values.len() as u64)
            .filter(|n| *n <= 1_000_000_000)
            .ok_or_else(|| "the grid has more than 10^9 points; sweep fewer values".to_string())
    })
}

/// The values of point `index` (see the module docs for the order): one per set.
pub fn grid_point(sets: &[Set], index: u64) -> Vec<&str> {
    let mut rest = index;
    let mut out = vec![""; sets.len()];
    for (k, s) in sets.iter().enumerate().rev() {
        let n = s.values.len() as u64;
        out[k] = &s.values[(rest % n) as usize];
        rest /= n;
    }
    out
}

/// A value as written: a TOML value when it parses as one, else a string.
fn toml_value(text: &str) -> Value {
    text.parse::<Value>()
        .unwrap_or_else(|_| Value::from(text.to_string()))
}

/// Sets `key` (a dotted path) to `value` in scenario text, keeping the rest of the text as it
/// was. `function.NAME.…` addresses the `[[function]]` named `NAME`; missing tables on the way
/// are created. The error names the key.
pub fn set_key(text: &str, key: &str, value: &str) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().replace('\n', " "))?;
    let root: &mut dyn TableLike = doc.as_table_mut();
    let (table, path) = match key.strip_prefix("function.") {
        Some(rest) => function_table(root, rest, key)?,
        None => (root, key.to_string()),
    };
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, walk)) = parts.split_last() else {
        return Err(format!("--set {key}: empty key path"));
    };
    let mut at: &mut dyn TableLike = table;
    for (depth, part) in walk.iter().enumerate() {
        if at.get(part).is_none() {
            // Inline, so a new table never lands under another header (or another function).
            at.insert(part, Item::Value(Value::InlineTable(InlineTable::new())));
        }
        let here = parts[..=depth].join(".");
        at = at
            .get_mut(part)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| {
                format!("--set {key}: {here} is not a table, so it has no key {last:?}")
            })?;
    }
    let mut new = toml_value(value);
    if let Some(Item::Value(old)) = at.get(last) {
        *new.decor_mut() = old.decor().clone();
    }
    at.insert(last, Item::Value(new));
    Ok(doc.to_string())
}

/// The `[[function]]` of `rest = "NAME.KEY…"` (the longest name that fits) and `KEY…`.
fn function_table<'a>(
    root: &'a mut dyn TableLike,
    rest: &str,
    key: &str,
) -> Result<(&'a mut dyn TableLike, String), String> {
    let name_of = |t: &dyn TableLike| {
        t.get("name")
            .and_then(Item::as_str)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let names: Vec<String> = match root.get("function") {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| name_of(t)).collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .map(|v| v.as_inline_table().map(|t| name_of(t)).unwrap_or_default())
            .collect(),
        _ => Vec::new(),
    };
    let found = names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            !n.is_empty()
                && rest
                    .strip_prefix(n.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        })
        .max_by_key(|(_, n)| n.len());
    let Some((i, name)) = found else {
        let guess = rest.split('.').next().unwrap_or(rest);
        return Err(if rest.contains('.') {
            format!(
                "--set {key}: no [[function]] named {guess:?} (functions: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        } else {
            format!("--set {key}: write function.NAME.KEY, like function.{guess}.memory_mb")
        });
    };
    let path = rest[name.len() + 1..].to_string();
    let table: Option<&mut dyn TableLike> = match root.get_mut("function") {
        Some(Item::ArrayOfTables(a)) => a.get_mut(i).map(|t| t as &mut dyn TableLike),
        Some(Item::Value(Value::Array(a))) => a
            .get_mut(i)
            .and_then(Value::as_inline_table_mut)
            .map(|t| t as &mut dyn TableLike),
        _ => None,
    };
    let table = table.ok_or_else(|| format!("--set {key}: no [[function]] named {name:?}"))?;
    Ok((table, path))
}

/// Multiplies every synthetic arrival rate of a validated scenario by `factor`: Poisson
/// `rate_per_s`, diurnal `mean_rate_per_s`, bursty on and off rates; a periodic timer's
/// `every` and `jitter` are divided by it (its `start` kept). Refuses explicit lists and traces.
pub fn scale_traffic(scenario: &mut Scenario, factor: f64) -> Result<(), String> {
    let at = format!("--set {TRAFFIC_SCALE}={factor}");
    if let Some(t) = &mut scenario.trace {
        t.scale *= factor;
        if !(t.scale.is_finite() && t.scale > 0.0 && t.scale <= 1000.0) {
            return Err(format!(
                "{at}: the trace's scale would be {}, outside (0, 1000]",
                t.scale
            ));
        }
    }
    let shrink = |d: SimDuration| SimDuration((d.as_micros() as f64 / factor).round() as u64);
    for f in &mut scenario.functions {
        let Some(spec) = &mut f.arrival else { continue };
        match spec {
            ArrivalSpec::Poisson { rate_per_s } => *rate_per_s *= factor,
            ArrivalSpec::Diurnal {
                mean_rate_per_s, ..
            } => *mean_rate_per_s *= factor,
            ArrivalSpec::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                ..
            } => {
                *on_rate_per_s *= factor;
                if let Some(r) = off_rate_per_s {
                    *r *= factor;
                }
            }
            ArrivalSpec::Periodic { every, jitter, .. } => {
                *every = shrink(*every);
                *jitter = jitter.map(shrink);
            }
            ArrivalSpec::Explicit { .. } => {
                return Err(format!(
                    "{at}: function {:?} has an explicit list of arrivals, which cannot be scaled",
                    f.name
                ));
            }
        }
        spec.validate(&mut Streams::new(0).stream())
            .map_err(|m| format!("{at}: function {:?}: arrival: {m}", f.name))?;
    }
    Ok(())
}

/// The scenario of one grid point: every set applied to the text, validated as a what-if of
/// `written` (the scenario of the text as given), then traffic scaled.
pub fn point_scenario(
    scenario_text: &str,
    path: &Path,
    written: &Scenario,
    sets: &[Set],
    values: &[&str],
) -> Result<Scenario, String> {
    let mut text = scenario_text.to_string();
    let mut scale = None;
    for (s, v) in sets.iter().zip(values) {
        if s.key == TRAFFIC_SCALE {
            scale = Some(scale_factor(v)?);
        } else {
            text = set_key(&text, &s.key, v).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let mut scenario = Scenario::from_toml_variant(&text, path, written).map_err(|e| {
        let point: Vec<String> = sets
            .iter()
            .zip(values)
            .filter(|(s, _)| s.key != TRAFFIC_SCALE)
            .map(|(s, v)| format!("{}={v}", s.key))
            .collect();
        format!("--set {}: {e}", point.join(" --set "))
    })?;
    if let Some(f) = scale {
        scale_traffic(&mut scenario, f)?;
    }
    Ok(scenario)
}

/// The metrics of a sweep row, in column order; their units are in [`METRIC_UNITS`].
pub const METRICS: [&str; 10] = [
    "invocations",
    "cold_start_ratio",
    "p50_ms",
    "p99_ms",
    "mean_alive",
    "peak_containers",
    "idle_gb_s",
    "busy_gb_s",
    "cost_usd",
    "throttled",
];

/// The unit of each metric in [`METRICS`].
pub const METRIC_UNITS: [&str; 10] = [
    "invocations",
    "fraction",
    "ms",
    "ms",
    "containers",
    "containers",
    "GB·s",
    "GB·s",
    "USD",
    "invocations",
];

/// One run's metrics, in [`METRICS`] order; `None` where undefined (no invocations served).
pub type Metrics = [Option<f64>; 10];

/// The metrics of one run, from its summary's totals.
pub fn metrics(s: &Summary) -> Metrics {
    let t = &s.totals;
    [
        Some(t.invocations as f64),
        t.cold_start_ratio,
        t.latency_ms.p50,
        t.latency_ms.p99,
        Some(t.containers.mean_alive),
        Some(f64::from(t.containers.peak)),
        Some(t.gb_s.idle),
        Some(t.gb_s.busy),
        Some(t.cost_usd),
        Some(t.throttled as f64),
    ]
}

/// The two-sided 95 % quantile `t(0.975, df)` of Student's t distribution; the normal 1.96 past 30 degrees of freedom.
pub fn t_975(df: u32) -> f64 {
    const T: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df as usize - 1],
        _ => 1.959_963_985,
    }
}

/// Mean and 95 % half-width of the defined values: `(None, None)` without any, no half-width with one.
pub fn mean_ci95(values: impl Iterator<Item = Option<f64>>) -> (Option<f64>, Option<f64>) {
    let xs: Vec<f64> = values.flatten().collect();
    if xs.is_empty() {
        return (None, None);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (Some(mean), None);
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let half = t_975(xs.len() as u32 - 1) * (var / n).sqrt();
    (Some(mean), Some(half))
}

/// One replication of one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The seed it ran with.
    pub seed: u64,
    /// Its metrics.
    pub metrics: Metrics,
}

/// One grid point with its replications.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Its index in the grid (0-based).
    pub index: u64,
    /// Its value of each set, as written.
    pub values: Vec<String>,
    /// Its replications, in order.
    pub runs: Vec<Run>,
}

impl Point {
    /// Mean and 95 % half-width of metric `m` (an index into [`METRICS`]).
    pub fn stat(&self, m: usize) -> (Option<f64>, Option<f64>) {
        mean_ci95(self.runs.iter().map(|r| r.metrics[m]))
    }
}

/// A sweep, whole or one shard of it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    /// The scenario's name.
    pub scenario: String,
    /// The base seed: replication `r` of a point ran with `seed + r`.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// The axes, in the order given.
    pub sets: Vec<Set>,
    /// Points in the whole grid.
    pub grid_points: u64,
    /// This shard, `(I, N)`, or `None` for the whole grid.
    pub shard: Option<(u32, u32)>,
    /// Identifies the sweep: scenario text and name, sets, replications and seed.
    pub fingerprint: String,
    /// The points run, in grid order.
    pub points: Vec<Point>,
}

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

fn check_shard(i: u32, n: u32) -> Result<(), String> {
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i}/{n}: write I/N with 0 <= I < N, like --shard 0/10"
        ));
    }
    Ok(())
}

/// Parses `--shard I/N` (0-based: shard `I` of `N` runs the points with index mod N = I).
pub fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--shard {text}: write I/N with 0 <= I < N, like --shard 0/10");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: u32 = i.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    check_shard(i, n).map_err(|_| bad())?;
    Ok((i, n))
}

/// The shard to run: `--shard` if given; else an index from a Slurm array
/// (`(SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP`) or a Kubernetes
/// Indexed Job (`JOB_COMPLETION_INDEX`), with the count from `--shards`, `COLDSIM_SHARDS` or
/// `SLURM_ARRAY_TASK_COUNT`, in that order; else none. `env` looks a variable up.
pub fn shard_from_env(
    explicit: Option<(u32, u32)>,
    shards: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<(u32, u32)>, String> {
    if explicit.is_some() {
        return Ok(explicit);
    }
    let num = |name: &str| -> Result<Option<u32>, String> {
        match env(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{name}={v}: expected a whole number")),
        }
    };
    let slurm = match num("SLURM_ARRAY_TASK_ID")? {
        Some(id) => {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let i = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
            })?;
            Some(i / step)
        }
        None => None,
    };
    let (index, from) = match (slurm, num("JOB_COMPLETION_INDEX")?) {
        (Some(i), _) => (Some(i), "SLURM_ARRAY_TASK_ID"),
        (None, Some(i)) => (Some(i), "JOB_COMPLETION_INDEX"),
        (None, None) => (None, ""),
    };
    let count = match (shards, num("COLDSIM_SHARDS")?) {
        (Some(n), _) | (None, Some(n)) => Some(n),
        (None, None) if slurm.is_some() => num("SLURM_ARRAY_TASK_COUNT")?,
        (None, None) => None,
    };
    match (index, count) {
        (None, None) => Ok(None),
        (None, Some(n)) => Err(format!(
            "{n} shards but no shard index: pass --shard I/{n}, or run in a Slurm array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
        )),
        (Some(i), None) => Err(format!(
            "{from}={i} but the number of shards is unknown: pass --shards N or set COLDSIM_SHARDS"
        )),
        (Some(i), Some(n)) => {
            check_shard(i, n).map_err(|_| {
                format!(
                    "{from} gives shard {i}, but there are {n} shards (--shards or COLDSIM_SHARDS)"
                )
            })?;
            Ok(Some((i, n)))
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_top_level_commas_only() {
        let s = Set::parse(
            r#"function.a.keep_alive={ policy = "none" },{ policy = "fixed", idle = "1m" }"#,
        )
        .expect("valid");
        assert_eq!(s.values.len(), 2);
        assert_eq!(s.values[1], r#"{ policy = "fixed", idle = "1m" }"#);
        assert!(Set::parse("platform.account_concurrency").is_err());
        assert!(Set::parse("a=1,,2").is_err());
        assert!(Set::parse("traffic_scale=1,-2").is_err());
    }

    #[test]
    fn values_are_toml_when_they_parse() {
        assert!(toml_value("500").is_integer());
        assert!(toml_value("0.5").is_float());
        assert!(toml_value("true").is_bool());
        assert_eq!(toml_value("1m").as_str(), Some("1m"));
        assert_eq!(toml_value("\"x y\"").as_str(), Some("x y"));
    }
}
