//! Capacity planning (`coldsim plan`): service-level objectives, and the search for the cheapest setting of one knob that meets them all.

use serde::Serialize;

use crate::report::Summary;
use crate::time::SimDuration;

/// What an objective bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// A latency percentile of all served invocations.
    Latency(Percentile),
    /// The mean latency.
    MeanLatency,
    /// The largest latency.
    MaxLatency,
    /// Cold starts over invocations.
    ColdStartRatio,
    /// Throttled (and dropped) arrivals over invocations.
    ThrottledRatio,
}

/// The latency percentiles an objective may bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percentile {
    /// Median.
    P50,
    /// 90th.
    P90,
    /// 95th.
    P95,
    /// 99th.
    P99,
    /// 99.9th.
    P999,
}

/// A service-level objective, like `p99<300ms` or `cold_start_ratio<0.01`.
#[derive(Clone, Debug, PartialEq)]
pub struct Slo {
    /// As written.
    pub text: String,
    /// What it bounds.
    pub metric: Metric,
    /// The bound: [ms] for latencies, a fraction for ratios.
    pub bound: f64,
    /// `<=` rather than `<`.
    pub inclusive: bool,
}

impl Slo {
    /// Parses `METRIC<VALUE` or `METRIC<=VALUE`: latencies `p50`, `p90`, `p95`, `p99`, `p999`,
    /// `mean`, `max` with a duration (`300ms`, `1.5s`); ratios `cold_start_ratio` and
    /// `throttled_ratio` with a fraction (`0.01`) or a percentage (`1%`).
    pub fn parse(text: &str) -> Result<Slo, String> {
        let (name, rest, inclusive) = if let Some((a, b)) = text.split_once("<=") {
            (a, b, true)
        } else if let Some((a, b)) = text.split_once('<') {
            (a, b, false)
        } else {
            return Err(format!(
                "--slo {text:?}: write METRIC<VALUE, like \"p99<300ms\" or \"cold_start_ratio<0.01\""
            ));
        };
        let (name, rest) = (name.trim(), rest.trim());
        let metric = match name {
            "p50" => Metric::Latency(Percentile::P50),
            "p90" => Metric::Latency(Percentile::P90),
            "p95" => Metric::Latency(Percentile::P95),
            "p99" => Metric::Latency(Percentile::P99),
            "p999" => Metric::Latency(Percentile::P999),
            "mean" => Metric::MeanLatency,
            "max" => Metric::MaxLatency,
            "cold_start_ratio" => Metric::ColdStartRatio,
            "throttled_ratio" => Metric::ThrottledRatio,
            _ => {
                return Err(format!(
                    "--slo {text:?}: unknown metric {name:?}; use p50, p90, p95, p99, p999, mean, max, cold_start_ratio or throttled_ratio"
                ));
            }
        };
        let bound = match metric {
            Metric::ColdStartRatio | Metric::ThrottledRatio => {
                let (v, scale) = match rest.strip_suffix('%') {
                    Some(p) => (p, 0.01),
                    None => (rest, 1.0),
                };
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .map(|x| x * scale)
                    .ok_or_else(|| {
                        format!("--slo {text:?}: {rest:?} is not a ratio like 0.01 or 1%")
                    })?
            }
            _ => parse_ms(rest).ok_or_else(|| {
                format!("--slo {text:?}: {rest:?} is not a duration like 300ms or 1.5s")
            })?,
        };
        Ok(Slo {
            text: text.to_string(),
            metric,
            bound,
            inclusive,
        })
    }

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

/// A decimal duration in milliseconds: `300ms`, `1.5s`, `250` (ms).
fn parse_ms(text: &str) -> Option<f64> {
    let t = text.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (t, 1.0)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map(|x| x * scale)
}

/// The knob a plan turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_parse_with_units() {
        let s = Slo::parse("p99<300ms").expect("ok");
        assert_eq!(
            (s.metric, s.bound, s.inclusive),
            (Metric::Latency(Percentile::P99), 300.0, false)
        );
        assert_eq!(Slo::parse("p99<=1.5s").expect("ok").bound, 1500.0);
        assert_eq!(Slo::parse("cold_start_ratio<1%").expect("ok").bound, 0.01);
        assert_eq!(
            Slo::parse("cold_start_ratio < 0.02").expect("ok").bound,
            0.02
        );
        assert!(
            Slo::parse("p98<3ms")
                .expect_err("bad")
                .contains("unknown metric")
        );
        assert!(
            Slo::parse("p99>3ms")
                .expect_err("bad")
                .contains("METRIC<VALUE")
        );
        assert!(
            Slo::parse("p99<fast")
                .expect_err("bad")
                .contains("duration")
        );
    }

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
}
