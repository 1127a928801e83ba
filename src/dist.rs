//! Time distributions for init and exec times: their scenario form and their samplers.

use rand::RngExt;
use rand_distr::{Distribution, Exp, LogNormal};
use serde::Deserialize;

use crate::rng::SimRng;
use crate::time::{SimDuration, round_non_negative};

/// A time distribution as written in a scenario, e.g. `{ dist = "lognormal", mean_ms = 120, stddev_ms = 60 }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum TimeDistSpec {
    /// Always the same time [ms]; zero is allowed.
    Constant {
        /// The time [ms].
        ms: f64,
    },
    /// Exponentially distributed [ms].
    Exponential {
        /// The mean [ms].
        mean_ms: f64,
    },
    /// Log-normally distributed, given by its own mean and standard deviation [ms] (not those of the logarithm).
    Lognormal {
        /// The mean [ms].
        mean_ms: f64,
        /// The standard deviation [ms].
        stddev_ms: f64,
    },
    /// Uniform between two bounds [ms], both included.
    Uniform {
        /// The lower bound [ms].
        min_ms: f64,
        /// The upper bound [ms].
        max_ms: f64,
    },
    /// Each draw is one of the listed samples [ms], each equally likely (a bootstrap of measurements).
    Empirical {
        /// The measured samples [ms].
        samples_ms: Vec<f64>,
    },
}

/// A validated time distribution, ready to sample.
#[derive(Clone, Debug)]
pub enum TimeDist {
    /// Always this span.
    Constant(SimDuration),
    /// Exponential, in milliseconds.
    Exponential(Exp<f64>),
    /// Log-normal, in milliseconds.
    LogNormal(LogNormal<f64>),
    /// Uniform over whole microseconds, both ends included [µs].
    Uniform {
        /// Lower bound [µs].
        min_us: u64,
        /// Upper bound [µs].
        max_us: u64,
    },
    /// One of these spans, uniformly.
    Empirical(Vec<SimDuration>),
    /// Given by points of its quantile function: `(q, span)` with `q` [fraction] rising
    /// strictly from 0 to 1 and spans non-decreasing. A draw takes `u` uniform in `[0, 1)` and
    /// interpolates the span linearly between the two points around it. Built by
    /// [`TimeDist::percentiles`], e.g. from the Azure 2019 duration percentiles.
    Percentiles(Vec<(f64, SimDuration)>),
    /// Another distribution moved by a fixed span [µs], never below zero: the what-if of
    /// moving set-up work between init and the handler.
    Shifted(Box<TimeDist>, i64),
}

fn finite_non_negative(field: &str, v: f64) -> Result<f64, String> {
    if !v.is_finite() {
        return Err(format!("{field} must be a finite number, got {v}"));
    }
    if v < 0.0 {
        return Err(format!("{field} must not be negative, got {v}"));
    }
    Ok(v)
}

fn positive(field: &str, v: f64) -> Result<f64, String> {
    let v = finite_non_negative(field, v)?;
    if v == 0.0 {
        return Err(format!(
            "{field} must be positive, got 0 (use {{ dist = \"constant\", ms = 0 }} for no time at all)"
        ));
    }
    Ok(v)
}

impl TimeDistSpec {
    /// Checks the parameters and builds the sampler; the error names the offending field.
    pub fn validate(&self) -> Result<TimeDist, String> {
        Ok(match self {
            TimeDistSpec::Constant { ms } => TimeDist::Constant(SimDuration::from_millis_f64(
                finite_non_negative("ms", *ms)?,
            )),
            TimeDistSpec::Exponential { mean_ms } => {
                let mean = positive("mean_ms", *mean_ms)?;
                TimeDist::Exponential(
                    Exp::new(1.0 / mean).map_err(|e| format!("mean_ms {mean}: {e}"))?,
                )
            }
            TimeDistSpec::Lognormal { mean_ms, stddev_ms } => {
                let mean = positive("mean_ms", *mean_ms)?;
                let sd = finite_non_negative("stddev_ms", *stddev_ms)?;
                if sd == 0.0 {
                    TimeDist::Constant(SimDuration::from_millis_f64(mean))
                } else {
                    // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2) and
                    // Var[X] = (exp(sigma^2) - 1) E[X]^2, solved for mu and sigma.
                    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                    let mu = mean.ln() - sigma2 / 2.0;
                    TimeDist::LogNormal(
                        LogNormal::new(mu, sigma2.sqrt())
                            .map_err(|e| format!("mean_ms {mean}, stddev_ms {sd}: {e}"))?,
                    )
                }
            }
            TimeDistSpec::Uniform { min_ms, max_ms } => {
                let min = finite_non_negative("min_ms", *min_ms)?;
                let max = finite_non_negative("max_ms", *max_ms)?;
                if max < min {
                    return Err(format!("max_ms ({max}) must not be below min_ms ({min})"));
                }
                TimeDist::Uniform {
                    min_us: SimDuration::from_millis_f64(min).as_micros(),
                    max_us: SimDuration::from_millis_f64(max).as_micros(),
                }
            }
            TimeDistSpec::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    return Err("samples_ms must hold at least one sample".into());
                }
                let mut samples = Vec::with_capacity(samples_ms.len());
                for (i, &s) in samples_ms.iter().enumerate() {
                    let s = finite_non_negative(&format!("samples_ms[{i}]"), s)?;
                    samples.push(SimDuration::from_millis_f64(s));
                }
                TimeDist::Empirical(samples)
            }
        })
    }
}

impl TimeDist {
    /// The distribution whose quantile function runs through `points`, `(q, ms)` pairs:
    /// quantiles [fraction] strictly increasing from exactly 0 to exactly 1, times [ms]
    /// finite, non-negative and non-decreasing. At least two points. Callers with data that
    /// breaks monotony repair it first (the trace reader takes the running maximum).
    pub fn percentiles(points: &[(f64, f64)]) -> Result<TimeDist, String> {
        if points.len() < 2 {
            return Err(format!(
                "percentiles need at least two points (quantiles 0 and 1), got {}",
                points.len()
            ));
        }
        let mut knots = Vec::with_capacity(points.len());
        let mut prev: Option<(f64, f64)> = None;
        for (i, &(q, ms)) in points.iter().enumerate() {
            if !(0.0..=1.0).contains(&q) {
                return Err(format!("quantile of point {i} must lie in [0, 1], got {q}"));
            }
            let ms = finite_non_negative(&format!("time of point {i} [ms]"), ms)?;
            if let Some((pq, pms)) = prev {
                if q <= pq {
                    return Err(format!(
                        "quantiles must increase strictly, but point {i} has {q} after {pq}"
                    ));
                }
                if ms < pms {
                    return Err(format!(
                        "times must not decrease, but point {i} (quantile {q}) has {ms} ms after {pms} ms"
                    ));
                }
            }
            prev = Some((q, ms));
            knots.push((q, SimDuration::from_millis_f64(ms)));
        }
        let (first, last) = (points[0].0, points[points.len() - 1].0);
        if first != 0.0 || last != 1.0 {
            return Err(format!(
                "quantiles must run from 0 to 1, got {first} to {last}"
            ));
        }
        Ok(TimeDist::Percentiles(knots))
    }

    /// Draws one span. A constant draws nothing from the generator.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            TimeDist::Constant(d) => *d,
            TimeDist::Exponential(e) => SimDuration::from_millis_f64(e.sample(rng)),
            TimeDist::LogNormal(l) => SimDuration::from_millis_f64(l.sample(rng)),
            TimeDist::Uniform { min_us, max_us } => {
                SimDuration(rng.random_range(*min_us..=*max_us))
            }
            TimeDist::Empirical(samples) => samples[rng.random_range(0..samples.len())],
            TimeDist::Percentiles(knots) => interpolate(knots, rng.random::<f64>()),
            TimeDist::Shifted(base, by_us) => {
                let d = base.sample(rng).as_micros() as i64;
                SimDuration(d.saturating_add(*by_us).max(0) as u64)
            }
        }
    }
}

/// The quantile function through `knots` at `u` [fraction in `[0, 1)`], linear between knots.
fn interpolate(knots: &[(f64, SimDuration)], u: f64) -> SimDuration {
    // The first knot with a quantile above `u`; knots run from 0 to 1 and u < 1, so 1 <= i < len.
    let i = knots
        .partition_point(|&(q, _)| q <= u)
        .clamp(1, knots.len() - 1);
    let (q0, v0) = knots[i - 1];
    let (q1, v1) = knots[i];
    let (v0, v1) = (v0.as_micros() as f64, v1.as_micros() as f64);
    let us = v0 + (u - q0) / (q1 - q0) * (v1 - v0);
    // Rounding keeps the draw inside [v0, v1]: both ends are whole microseconds.
    SimDuration(round_non_negative(us))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const AZURE_LIKE: [(f64, f64); 7] = [
        (0.0, 10.0),
        (0.01, 20.0),
        (0.25, 100.0),
        (0.5, 200.0),
        (0.75, 400.0),
        (0.99, 1_000.0),
        (1.0, 5_000.0),
    ];

    #[test]
    fn percentiles_interpolate_linearly_between_knots() {
        let TimeDist::Percentiles(knots) = TimeDist::percentiles(&AZURE_LIKE).expect("valid")
        else {
            panic!("not a percentiles distribution");
        };
        // Hand-computed: u = 0.375 lies halfway from 0.25 (100 ms) to 0.5 (200 ms): 150 ms.
        assert_eq!(interpolate(&knots, 0.375), SimDuration(150_000));
        // u = 0.005 is halfway from 0 (10 ms) to 0.01 (20 ms): 15 ms.
        assert_eq!(interpolate(&knots, 0.005), SimDuration(15_000));
        // u = 0.995: halfway from 0.99 (1 s) to 1 (5 s): 3 s.
        assert_eq!(interpolate(&knots, 0.995), SimDuration(3_000_000));
        assert_eq!(interpolate(&knots, 0.0), SimDuration(10_000));
        assert_eq!(interpolate(&knots, 0.5), SimDuration(200_000));
        assert_eq!(interpolate(&knots, 0.75), SimDuration(400_000));
    }

    #[test]
    fn percentile_draws_respect_bounds_and_median() {
        let dist = TimeDist::percentiles(&AZURE_LIKE).expect("valid");
        let mut rng = SimRng::seed_from_u64(11);
        let n = 100_000;
        let mut draws: Vec<SimDuration> = (0..n).map(|_| dist.sample(&mut rng)).collect();
        assert!(
            draws
                .iter()
                .all(|d| (10_000..=5_000_000).contains(&d.as_micros()))
        );
        draws.sort();
        // The sample median's quantile is within 0.5 +- 3 * sqrt(0.25 / n) = 0.5 +- 0.0047
        // with overwhelming probability; the quantile function has slope 400 ms per unit
        // there, so the median lies within 200 ms +- 1.9 ms.
        let median = draws[n / 2].as_millis_f64();
        assert!((median - 200.0).abs() < 1.9, "median {median} ms");
        // A quarter of the draws fall below 100 ms, within the same tolerance in quantile.
        let below = draws.iter().filter(|d| d.as_micros() < 100_000).count() as f64 / n as f64;
        assert!((below - 0.25).abs() < 3.0 * (0.25f64 * 0.75 / n as f64).sqrt());
    }

    #[test]
    fn a_degenerate_segment_is_allowed() {
        let dist = TimeDist::percentiles(&[(0.0, 5.0), (0.5, 5.0), (1.0, 5.0)]).expect("valid");
        let mut rng = SimRng::seed_from_u64(1);
        assert!((0..100).all(|_| dist.sample(&mut rng) == SimDuration(5_000)));
    }

    #[test]
    fn percentiles_refuse_malformed_points() {
        let err = |p: &[(f64, f64)]| TimeDist::percentiles(p).expect_err("invalid");
        assert_eq!(
            err(&[(0.0, 1.0)]),
            "percentiles need at least two points (quantiles 0 and 1), got 1"
        );
        assert_eq!(
            err(&[(0.1, 1.0), (1.0, 2.0)]),
            "quantiles must run from 0 to 1, got 0.1 to 1"
        );
        assert_eq!(
            err(&[(0.0, 1.0), (0.9, 2.0)]),
            "quantiles must run from 0 to 1, got 0 to 0.9"
        );
        assert_eq!(
            err(&[(0.0, 1.0), (0.5, 2.0), (0.5, 3.0), (1.0, 4.0)]),
            "quantiles must increase strictly, but point 2 has 0.5 after 0.5"
        );
        assert_eq!(
            err(&[(0.0, 3.0), (1.0, 2.0)]),
            "times must not decrease, but point 1 (quantile 1) has 2 ms after 3 ms"
        );
        assert_eq!(
            err(&[(0.0, -1.0), (1.0, 2.0)]),
            "time of point 0 [ms] must not be negative, got -1"
        );
        assert_eq!(
            err(&[(0.0, f64::NAN), (1.0, 2.0)]),
            "time of point 0 [ms] must be a finite number, got NaN"
        );
        assert_eq!(
            err(&[(0.0, 1.0), (1.5, 2.0)]),
            "quantile of point 1 must lie in [0, 1], got 1.5"
        );
    }
}
