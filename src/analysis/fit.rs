//! A scenario fitted from Lambda's CloudWatch logs: each function's memory, handler and init times (the logged values, or a log-normal through their percentiles), its arrivals (the logs replayed, or a fitted process) and the keep-alive its environments show, with the evidence for it.

use std::collections::HashMap;

use serde::Serialize;

use crate::analysis::cost_scenario::value;
use crate::input::trace::TraceError;
use crate::input::trace::cloudwatch::LogReader;
use crate::model::function::SnapRuntime;
use crate::time::{MICROS_PER_S, SimDuration};

/// How to describe handler and init times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FitDist {
    /// The logged values themselves, drawn at random (at most [`MAX_SAMPLES`], evenly thinned).
    #[default]
    Empirical,
    /// A log-normal through the logged median and 99th percentile.
    Lognormal,
}

/// Where the fitted scenario's arrivals come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FitArrivals {
    /// The logs themselves, replayed (with their handler times).
    #[default]
    Trace,
    /// A process fitted to them: periodic for a timer (gaps within 10 % of their mean),
    /// diurnal over a day or more of logs (the rate by hour of the day as a sinusoid), else
    /// Poisson at the mean rate.
    Fitted,
}

/// The most logged values a fitted distribution keeps per function.
pub const MAX_SAMPLES: usize = 10_000;

/// Logged values kept evenly: every value until the cap, then every second one, every fourth…
#[derive(Clone, Debug, Default)]
struct Thinned {
    values: Vec<f64>,
    stride: u64,
    seen: u64,
}

impl Thinned {
    fn push(&mut self, v: f64) {
        let stride = self.stride.max(1);
        if self.seen % stride == 0 {
            self.values.push(v);
            if self.values.len() >= MAX_SAMPLES {
                let kept: Vec<f64> = self.values.iter().copied().step_by(2).collect();
                self.values = kept;
                self.stride = stride * 2;
            }
        }
        self.seen += 1;
    }
}

/// What the logs show of the platform's keep-alive for one function [s].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct KeepAliveEvidence {
    /// Warm reuses: an environment served again after this long idle, so the window is at
    /// least the longest of them.
    pub warm_reuses: u64,
    /// The longest idle time before a warm reuse.
    pub longest_warm_gap_s: Option<f64>,
    /// Environments that never served again although a cold start of their function came
    /// while they were idle: gone by then, so the window is shorter than their idle time then.
    pub expired: u64,
    /// The shortest of those idle times.
    pub shortest_expired_gap_s: Option<f64>,
}

impl KeepAliveEvidence {
    /// The window the evidence gives: between the two bounds when both exist and agree (the
    /// middle), the longest warm gap rounded up to the next second when no expiry was seen,
    /// the shortest expiry when no reuse was; `None` without either. The second value says whether the bounds conflict
    /// (a window that varies: the fitted policy is then uniform between them).
    pub fn window(&self) -> Option<(f64, Option<f64>)> {
        match (self.longest_warm_gap_s, self.shortest_expired_gap_s) {
            (Some(lo), Some(hi)) if lo < hi => Some(((lo + hi) / 2.0, None)),
            (Some(lo), Some(hi)) => Some((hi, Some(lo))),
            (Some(lo), None) => Some(((lo + 1e-9).ceil().max(1.0), None)),
            (None, Some(hi)) => Some((hi, None)),
            (None, None) => None,
        }
    }
}

/// One function as fitted.
#[derive(Clone, Debug)]
pub struct FunctionFit {
    /// Its name.
    pub name: String,
    /// The memory most of its records give [MB].
    pub memory_mb: u32,
    /// Its invocations.
    pub invocations: u64,
    /// Its cold starts.
    pub cold_starts: u64,
    /// Handler times [ms], evenly thinned.
    pub exec_ms: Vec<f64>,
    /// Init times [ms], evenly thinned.
    pub init_ms: Vec<f64>,
    /// SnapStart restore times [ms], evenly thinned.
    pub restore_ms: Vec<f64>,
    /// Its cold starts that restored a snapshot.
    pub restores: u64,
    /// The runtime the logs' `INIT_START` or `RESTORE_START` lines name (`python3.12`).
    pub runtime: Option<String>,
    /// First and last arrival [µs since the epoch].
    pub first_us: i64,
    /// The last arrival.
    pub last_us: i64,
    /// Mean and variance of the gaps between arrivals [s, s²] (Welford).
    gap_mean: f64,
    gap_m2: f64,
    /// Arrivals per hour since the logs' first arrival, modulo a day.
    by_hour: [u64; 24],
    /// The keep-alive evidence.
    pub keep_alive: KeepAliveEvidence,
}

impl FunctionFit {
    fn new(name: &str, at_us: i64) -> FunctionFit {
        FunctionFit {
            name: name.to_string(),
            memory_mb: 0,
            invocations: 0,
            cold_starts: 0,
            exec_ms: Vec::new(),
            init_ms: Vec::new(),
            restore_ms: Vec::new(),
            restores: 0,
            runtime: None,
            first_us: at_us,
            last_us: at_us,
            gap_mean: 0.0,
            gap_m2: 0.0,
            by_hour: [0; 24],
            keep_alive: KeepAliveEvidence::default(),
        }
    }
}

/// Per environment: its last end, and the first cold start of its function after it [µs].
#[derive(Clone, Copy)]
struct Env {
    function: u32,
    end: i64,
    cold_after: Option<i64>,
}

/// What `fit` read: every function, and where the logs start.
#[derive(Clone, Debug)]
pub struct Fit {
    /// The functions, in order of first appearance.
    pub functions: Vec<FunctionFit>,
    /// The first arrival [µs since the epoch]: time 0 of the fitted scenario.
    pub first_us: i64,
    /// From the first arrival to the last [µs].
    pub span_us: i64,
}

/// Reads every invocation of `logs` and fits each function.
pub fn fit(logs: &mut LogReader) -> Result<Fit, TraceError> {
    let mut funcs: Vec<FunctionFit> = Vec::new();
    let mut exec: Vec<Thinned> = Vec::new();
    let mut init: Vec<Thinned> = Vec::new();
    let mut restore: Vec<Thinned> = Vec::new();
    let mut memory: Vec<HashMap<u32, u64>> = Vec::new();
    let mut envs: HashMap<u32, Env> = HashMap::new();
    // Per function, its environments not yet witnessed expired.
    let mut waiting: Vec<Vec<u32>> = Vec::new();
    let mut first = None;
    let mut last = 0;
    while let Some(inv) = logs.next_invocation()? {
        let f = inv.function as usize;
        let first_us = *first.get_or_insert(inv.at_us);
        last = inv.at_us;
        while funcs.len() <= f {
            let name = logs.functions()[funcs.len()].0.clone();
            funcs.push(FunctionFit::new(&name, inv.at_us));
            exec.push(Thinned::default());
            init.push(Thinned::default());
            restore.push(Thinned::default());
            memory.push(HashMap::new());
            waiting.push(Vec::new());
        }
        let func = &mut funcs[f];
        if func.invocations > 0 {
            // Welford's running mean and variance of the gaps.
            let gap = (inv.at_us - func.last_us) as f64 / MICROS_PER_S as f64;
            let n = func.invocations as f64;
            let delta = gap - func.gap_mean;
            func.gap_mean += delta / n;
            func.gap_m2 += delta * (gap - func.gap_mean);
        }
        func.invocations += 1;
        func.last_us = inv.at_us;
        let hour = ((inv.at_us - first_us) / (3600 * MICROS_PER_S as i64)).rem_euclid(24);
        func.by_hour[hour as usize] += 1;
        *memory[f].entry(inv.memory_mb).or_default() += 1;
        exec[f].push(inv.exec_us as f64 / 1000.0);
        let cold = match (inv.init_us, inv.restore_us) {
            (Some(us), _) => Some((us, &mut init[f])),
            (None, Some(us)) => {
                func.restores += 1;
                Some((us, &mut restore[f]))
            }
            (None, None) => None,
        };
        if let Some((us, samples)) = cold {
            func.cold_starts += 1;
            samples.push(us as f64 / 1000.0);
            // Every idle environment of the function not chosen now: gone, if it never serves
            // again (settled at the end).
            waiting[f].retain(|e| match envs.get_mut(e) {
                Some(env) if env.end <= inv.at_us && env.cold_after.is_none() => {
                    env.cold_after = Some(inv.at_us);
                    false
                }
                _ => true,
            });
        }
        let Some(id) = inv.environment else {
            continue;
        };
        match envs.get_mut(&id) {
            Some(env) => {
                let gap = (inv.at_us - env.end).max(0) as f64 / MICROS_PER_S as f64;
                let k = &mut funcs[f].keep_alive;
                k.warm_reuses += 1;
                k.longest_warm_gap_s = Some(k.longest_warm_gap_s.map_or(gap, |g| g.max(gap)));
                if env.cold_after.take().is_some() {
                    waiting[f].push(id);
                }
                env.end = env.end.max(inv.end_us());
            }
            None => {
                envs.insert(
                    id,
                    Env {
                        function: inv.function,
                        end: inv.end_us(),
                        cold_after: None,
                    },
                );
                waiting[f].push(id);
            }
        }
    }
    for env in envs.values() {
        if let Some(cold) = env.cold_after {
            let gap = (cold - env.end).max(0) as f64 / MICROS_PER_S as f64;
            let k = &mut funcs[env.function as usize].keep_alive;
            k.expired += 1;
            k.shortest_expired_gap_s = Some(k.shortest_expired_gap_s.map_or(gap, |g| g.min(gap)));
        }
    }
    for (i, func) in funcs.iter_mut().enumerate() {
        func.exec_ms = std::mem::take(&mut exec[i].values);
        func.init_ms = std::mem::take(&mut init[i].values);
        func.restore_ms = std::mem::take(&mut restore[i].values);
        func.runtime = logs.runtime(&func.name).map(String::from);
        // The most frequent memory; the smallest among equals.
        func.memory_mb = memory[i]
            .iter()
            .max_by_key(|(mb, n)| (**n, std::cmp::Reverse(**mb)))
            .map_or(128, |(mb, _)| *mb);
    }
    let first_us = first.unwrap_or(0);
    Ok(Fit {
        functions: funcs,
        first_us,
        span_us: last - first_us,
    })
}

/// The `p`-quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// A time distribution's table for `values` [ms].
fn dist(values: &[f64], kind: FitDist) -> toml::Table {
    let mut t = toml::Table::new();
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (p50, p99) = (quantile(&sorted, 0.5), quantile(&sorted, 0.99));
    if kind == FitDist::Lognormal && p50 > 0.0 && p99 > p50 {
        t.insert("dist".into(), value("lognormal"));
        t.insert("p50_ms".into(), value(p50));
        t.insert("p99_ms".into(), value(p99));
    } else {
        t.insert("dist".into(), value("empirical"));
        t.insert("samples_ms".into(), value(values));
    }
    t
}

/// A span in the scenario notation, whole milliseconds (at least 1 ms).
fn span(s: f64) -> String {
    SimDuration::from_millis((s * 1000.0).round().max(1.0) as u64).to_string()
}

impl FunctionFit {
    /// The SnapStart runtime, when the logs show restores and name a runtime SnapStart
    /// supports.
    fn snapstart(&self) -> Option<SnapRuntime> {
        if self.restore_ms.is_empty() {
            return None;
        }
        SnapRuntime::of(self.runtime.as_deref()?)
    }

    /// The fitted arrival process, over a log of `span_us`.
    fn arrival(&self, first_us: i64, span_us: i64) -> toml::Table {
        let mut t = toml::Table::new();
        let n = self.invocations as f64;
        let var = if self.invocations > 2 {
            self.gap_m2 / (n - 2.0)
        } else {
            f64::INFINITY
        };
        let cv = var.sqrt() / self.gap_mean;
        let span_s = (span_us.max(1)) as f64 / MICROS_PER_S as f64;
        if self.invocations >= 10 && cv < 0.1 {
            t.insert("process".into(), value("periodic"));
            t.insert("every".into(), value(span(self.gap_mean)));
            let start = (self.first_us - first_us) as f64 / MICROS_PER_S as f64;
            let start = SimDuration::from_millis((start * 1000.0).round() as u64);
            t.insert("start".into(), value(start.to_string()));
        } else if span_s >= 86_400.0 {
            let days = (span_s / 86_400.0).max(1.0);
            let rates: Vec<f64> = self
                .by_hour
                .iter()
                .map(|&c| c as f64 / days / 3600.0)
                .collect();
            let (peak, &high) = rates
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &0.0));
            let low = rates.iter().copied().fold(f64::INFINITY, f64::min);
            t.insert("process".into(), value("diurnal"));
            t.insert("rate_per_s".into(), value(n / span_s));
            // A trough of none is a trough of a hundredth of the peak.
            t.insert(
                "peak_to_trough".into(),
                value((high / low.max(high / 100.0)).max(1.0)),
            );
            t.insert("peak_at".into(), value(span(peak as f64 * 3600.0 + 1800.0)));
        } else {
            t.insert("process".into(), value("poisson"));
            t.insert("rate_per_s".into(), value(n / span_s));
        }
        t
    }

    /// The fitted keep-alive policy, if the logs show one.
    fn keep_alive(&self) -> Option<toml::Table> {
        let (w, conflict) = self.keep_alive.window()?;
        let mut t = toml::Table::new();
        match conflict {
            None => {
                t.insert("policy".into(), value("fixed"));
                t.insert("idle".into(), value(span(w)));
            }
            Some(lo) => {
                t.insert("policy".into(), value("uniform"));
                t.insert("min".into(), value(span(w)));
                t.insert("max".into(), value(span(lo)));
            }
        }
        Some(t)
    }
}

impl Fit {
    /// The scenario, as a file: the logs at `paths` (as the scenario names them) replayed, or
    /// fitted processes.
    /// `function` names the functions of files without a log group, as the logs were read.
    pub fn to_toml(
        &self,
        name: &str,
        (paths, function): (&[String], Option<&str>),
        arrivals: FitArrivals,
        kind: FitDist,
    ) -> String {
        let mut doc = toml::Table::new();
        doc.insert("name".into(), value(name));
        doc.insert("seed".into(), value(1));
        if arrivals == FitArrivals::Fitted {
            let s = (self.span_us.max(1)) as f64 / MICROS_PER_S as f64;
            doc.insert("duration".into(), value(span(s.max(1.0))));
        } else {
            let mut trace = toml::Table::new();
            trace.insert("path".into(), value(&paths[0]));
            trace.insert("format".into(), value("cloudwatch"));
            if paths.len() > 1 {
                trace.insert("also".into(), value(&paths[1..]));
            }
            if let Some(f) = function {
                trace.insert("function".into(), value(f));
            }
            // Every function of the logs is listed below; [defaults] only satisfies the check
            // that a trace's unlisted functions could take an init from it.
            let mut defaults = toml::Table::new();
            let mut init = toml::Table::new();
            init.insert("dist".into(), value("constant"));
            init.insert("ms".into(), value(0.0));
            defaults.insert("init".into(), toml::Value::Table(init));
            doc.insert("defaults".into(), toml::Value::Table(defaults));
            let mut workload = toml::Table::new();
            workload.insert("trace".into(), toml::Value::Table(trace));
            doc.insert("workload".into(), toml::Value::Table(workload));
        }
        let functions: Vec<toml::Value> = self
            .functions
            .iter()
            .map(|f| {
                let mut t = toml::Table::new();
                t.insert("name".into(), value(&f.name));
                t.insert("memory_mb".into(), value(f.memory_mb));
                if arrivals == FitArrivals::Fitted {
                    t.insert(
                        "arrival".into(),
                        toml::Value::Table(f.arrival(self.first_us, self.span_us)),
                    );
                    t.insert("exec".into(), toml::Value::Table(dist(&f.exec_ms, kind)));
                }
                // Restores without a SnapStart runtime named in the logs count as inits.
                let snap = f.snapstart();
                let mut inits = f.init_ms.clone();
                if snap.is_none() {
                    inits.extend(&f.restore_ms);
                }
                let init = if inits.is_empty() {
                    let mut t = toml::Table::new();
                    t.insert("dist".into(), value("constant"));
                    t.insert("ms".into(), value(0.0));
                    t
                } else {
                    dist(&inits, kind)
                };
                t.insert("init".into(), toml::Value::Table(init));
                if let Some(runtime) = snap {
                    let mut snapstart = toml::Table::new();
                    snapstart.insert(
                        "restore".into(),
                        toml::Value::Table(dist(&f.restore_ms, kind)),
                    );
                    snapstart.insert("runtime".into(), value(runtime.name()));
                    t.insert("snapstart".into(), toml::Value::Table(snapstart));
                }
                if let Some(k) = f.keep_alive() {
                    t.insert("keep_alive".into(), toml::Value::Table(k));
                }
                toml::Value::Table(t)
            })
            .collect();
        doc.insert("function".into(), toml::Value::Array(functions));
        let mut out = String::from(
            "# Fitted by `coldsim fit` from Lambda's CloudWatch logs. Per function, as the logs show\n# it: memory, init (and handler) times, and a keep-alive between the longest idle time\n# before a warm reuse and the shortest idle time of an environment gone by a later cold\n# start (see fit.json for the evidence).\n",
        );
        out.push_str(
            &toml::to_string(&doc).unwrap_or_else(|e| unreachable!("tables serialize: {e}")),
        );
        out
    }

    /// `fit.json`'s content: per function, its counts and the keep-alive evidence.
    pub fn evidence(&self) -> Vec<FunctionEvidence> {
        self.functions
            .iter()
            .map(|f| FunctionEvidence {
                name: f.name.clone(),
                memory_mb: f.memory_mb,
                invocations: f.invocations,
                cold_starts: f.cold_starts,
                keep_alive: f.keep_alive,
                keep_alive_s: f.keep_alive.window().map(|w| w.0),
                runtime: f.runtime.clone(),
                restores: f.restores,
                snapstart: f.snapstart().is_some(),
            })
            .collect()
    }
}

/// One function's counts and keep-alive evidence, as `fit.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionEvidence {
    /// Its name.
    pub name: String,
    /// The memory most of its records give [MB].
    pub memory_mb: u32,
    /// Invocations.
    pub invocations: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// What its environments show of the keep-alive.
    pub keep_alive: KeepAliveEvidence,
    /// The fitted window [s] (see [`KeepAliveEvidence::window`]).
    pub keep_alive_s: Option<f64>,
    /// The runtime its `INIT_START` or `RESTORE_START` lines name.
    pub runtime: Option<String>,
    /// Cold starts that restored a SnapStart snapshot.
    pub restores: u64,
    /// Whether the scenario gives it `snapstart` (restores seen, and a runtime SnapStart
    /// supports named); otherwise its restores are fitted as inits.
    pub snapstart: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_every_value_then_every_second_then_every_fourth() {
        // 45,000 values 0, 1, 2, ...: full at 10,000 (every 2nd kept), again at 20,000 (every
        // 4th), again at 40,000 (every 8th); then every 8th of the rest.
        let mut t = Thinned::default();
        for v in 0..45_000 {
            t.push(f64::from(v));
        }
        let want: Vec<f64> = (0..45_000).step_by(8).map(f64::from).collect();
        assert_eq!(t.values, want);
        assert_eq!(t.stride, 8);
    }

    #[test]
    fn the_window_lies_between_the_bounds_or_at_the_one_there_is() {
        let w = |lo: Option<f64>, hi: Option<f64>| {
            KeepAliveEvidence {
                longest_warm_gap_s: lo,
                shortest_expired_gap_s: hi,
                ..KeepAliveEvidence::default()
            }
            .window()
        };
        assert_eq!(w(Some(10.0), Some(20.0)), Some((15.0, None)));
        // Bounds that meet or cross: a window that varies between them.
        assert_eq!(w(Some(10.0), Some(10.0)), Some((10.0, Some(10.0))));
        assert_eq!(w(Some(20.0), Some(10.0)), Some((10.0, Some(20.0))));
        // Only reuses: the longest, rounded up to the next whole second, at least one.
        assert_eq!(w(Some(3.0), None), Some((4.0, None)));
        assert_eq!(w(Some(3.2), None), Some((4.0, None)));
        assert_eq!(w(Some(0.2), None), Some((1.0, None)));
        assert_eq!(w(None, Some(7.0)), Some((7.0, None)));
        assert_eq!(w(None, None), None);
    }

    #[test]
    fn gaps_between_arrivals_are_averaged_as_they_come() {
        // Warm invocations of 10 ms logged without a START, their arrivals `gaps` apart.
        let gaps = [10.0, 110.0, 10.0, 110.0, 10.0, 110.0, 30.0];
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::new();
        let mut t = 0.0f64;
        for i in 0..=gaps.len() {
            if i > 0 {
                t += gaps[i - 1];
            }
            let end = t + 0.010;
            let (s, ms) = (end as u64, ((end.fract()) * 1000.0).round() as u64);
            text.push_str(&format!(
                "2024-01-15T10:{:02}:{:02}.{ms:03}000+00:00 2024/01/15/[$LATEST]a REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\n",
                s / 60,
                s % 60
            ));
        }
        let path = dir.path().join("gaps.txt");
        std::fs::write(&path, text).expect("write");
        let mut logs = LogReader::open(&[path], &Default::default()).expect("opens");
        let f = &fit(&mut logs).expect("fits").functions[0];
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let m2: f64 = gaps.iter().map(|g| (g - mean).powi(2)).sum();
        assert!((f.gap_mean - mean).abs() < 1e-9, "{} vs {mean}", f.gap_mean);
        assert!((f.gap_m2 - m2).abs() < 1e-6, "{} vs {m2}", f.gap_m2);
        assert_eq!(f.invocations, gaps.len() as u64 + 1);
    }

    /// Fits `tail` lines of REPORTs without STARTs: (seconds after 10:00, stream, memory MB,
    /// init ms for a cold start), each 10 ms long.
    fn fitted(records: &[(u64, &str, u32, Option<u32>)]) -> Fit {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::new();
        for (i, &(at, stream, mb, init)) in records.iter().enumerate() {
            let init = init.map_or(String::new(), |ms| format!("\tInit Duration: {ms}.00 ms"));
            text.push_str(&format!(
                "2024-01-{:02}T{:02}:{:02}:{:02}.010000+00:00 2024/01/15/[$LATEST]{stream} REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: {mb} MB{init}\n",
                15 + (10 * 3600 + at) / 86_400,
                (10 * 3600 + at) / 3600 % 24,
                at / 60 % 60,
                at % 60
            ));
        }
        let path = dir.path().join("f.txt");
        std::fs::write(&path, text).expect("write");
        let mut logs = LogReader::open(&[path], &Default::default()).expect("opens");
        fit(&mut logs).expect("fits")
    }

    #[test]
    fn hours_memory_and_expired_environments_are_counted_from_the_records() {
        // Env a cold at 0 s (init 100 ms); env b cold at 600 s while a idles: a never serves
        // again, so it was gone by then. Env b warm at 1 h and at 25 h (hour 1 again).
        let f = fitted(&[
            (0, "a", 128, Some(100)),
            (600, "b", 256, Some(100)),
            (3_600, "b", 256, None),
            (90_000, "b", 128, None),
        ]);
        let func = &f.functions[0];
        assert_eq!(func.cold_starts, 2);
        // Two records of 128 MB, two of 256: the smaller among the most frequent.
        assert_eq!(func.memory_mb, 128);
        assert_eq!(func.by_hour[0], 2);
        assert_eq!(func.by_hour[1], 2);
        let k = func.keep_alive;
        assert_eq!((k.expired, k.warm_reuses), (1, 2));
        // a ended at 0.010 s; b's cold start arrived at 600 s less its 100 ms init.
        let gap = k.shortest_expired_gap_s.expect("an expiry");
        assert!((gap - 599.89).abs() < 1e-9, "{gap}");
    }

    #[test]
    fn quantiles_are_nearest_rank_and_a_lognormal_needs_a_spread() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.0);
        assert_eq!(quantile(&v, 0.99), 4.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        let t = dist(&[4.0, 1.0, 3.0, 2.0], FitDist::Lognormal);
        assert_eq!(t["dist"].as_str(), Some("lognormal"));
        assert_eq!(t["p50_ms"].as_float(), Some(2.0));
        assert_eq!(t["p99_ms"].as_float(), Some(4.0));
        for (values, kind) in [
            (&[2.0, 2.0][..], FitDist::Lognormal),
            (&[0.0, 5.0][..], FitDist::Lognormal),
            (&[1.0, 5.0][..], FitDist::Empirical),
        ] {
            assert_eq!(
                dist(values, kind)["dist"].as_str(),
                Some("empirical"),
                "{values:?}"
            );
        }
    }

    #[test]
    fn a_timer_is_fitted_as_periodic_and_irregular_traffic_is_not() {
        let every_minute: Vec<(u64, &str, u32, Option<u32>)> =
            (0..12).map(|i| (60 * i, "a", 128, None)).collect();
        let f = fitted(&every_minute);
        let t = f.functions[0].arrival(f.first_us, f.span_us);
        assert_eq!(t["process"].as_str(), Some("periodic"));
        assert_eq!(t["every"].as_str(), Some("1m"));
        // From the logs' first arrival.
        assert_eq!(t["start"].as_str(), Some("0s"));
        // Gaps of 55 and 65 s in turn, 11 of them: a coefficient of variation of about 0.09,
        // under the 0.1 a timer may have (a sample variance over 10 degrees of freedom).
        let mut at = 0;
        let jittered: Vec<(u64, &str, u32, Option<u32>)> = (0..12)
            .map(|i| {
                if i > 0 {
                    at += if i % 2 == 0 { 65 } else { 55 };
                }
                (at, "a", 128, None)
            })
            .collect();
        let f = fitted(&jittered);
        let t = f.functions[0].arrival(f.first_us, f.span_us);
        assert_eq!(t["process"].as_str(), Some("periodic"));
        let irregular: Vec<(u64, &str, u32, Option<u32>)> = (0..12)
            .map(|i| (60 * i + if i % 2 == 0 { 0 } else { 30 }, "a", 128, None))
            .collect();
        let f = fitted(&irregular);
        let t = f.functions[0].arrival(f.first_us, f.span_us);
        assert_eq!(t["process"].as_str(), Some("poisson"));
        // Twelve arrivals over the 690 s from the first to the last.
        let rate = t["rate_per_s"].as_float().expect("a rate");
        assert!((rate - 12.0 / 690.0).abs() < 1e-12, "{rate}");
    }

    #[test]
    fn two_days_of_traffic_fit_a_daily_cycle_with_its_peak_hour() {
        // Two days: three invocations in hour 5 of each, one in every other hour.
        let mut records: Vec<(u64, &str, u32, Option<u32>)> = Vec::new();
        for day in 0..2u64 {
            for hour in 0..24u64 {
                for k in 0..(if hour == 5 { 3 } else { 1 }) {
                    records.push((day * 86_400 + hour * 3600 + 60 * k, "a", 128, None));
                }
            }
        }
        let f = fitted(&records);
        let t = f.functions[0].arrival(f.first_us, f.span_us);
        assert_eq!(t["process"].as_str(), Some("diurnal"));
        let span_s = (86_400 + 23 * 3600) as f64;
        let rate = t["rate_per_s"].as_float().expect("a rate");
        assert!((rate - 52.0 / span_s).abs() < 1e-12, "{rate}");
        let ratio = t["peak_to_trough"].as_float().expect("a ratio");
        assert!((ratio - 3.0).abs() < 1e-9, "{ratio}");
        let peak = SimDuration::parse(t["peak_at"].as_str().expect("a span")).expect("parses");
        assert_eq!(peak, SimDuration::from_secs(5 * 3600 + 1800));
    }

    #[test]
    fn the_scenario_replays_every_log_file_or_runs_for_the_logs_span() {
        let f = fitted(&[(0, "a", 128, None), (90, "a", 128, None)]);
        let doc = |paths: &[String], arrivals| -> toml::Table {
            f.to_toml("x", (paths, None), arrivals, FitDist::Empirical)
                .parse()
                .expect("TOML")
        };
        let two = ["a.json".to_string(), "b.json".to_string()];
        let d = doc(&two, FitArrivals::Trace);
        let trace = &d["workload"]["trace"];
        assert_eq!(trace["path"].as_str(), Some("a.json"));
        assert_eq!(trace["also"].as_array().map(Vec::len), Some(1));
        let d = doc(&two[..1], FitArrivals::Trace);
        assert!(d["workload"]["trace"].get("also").is_none());
        let d = doc(&two[..1], FitArrivals::Fitted);
        assert_eq!(d["duration"].as_str(), Some("1m 30s"));
    }
}
