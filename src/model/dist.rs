//! Time distributions for init and exec times: their scenario form and their samplers.

use crate::model::error::ValueError;
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
    /// Log-normally distributed, given either by its own mean and standard deviation [ms] (not
    /// those of the logarithm), or by its median and 99th percentile [ms], the figures
    /// CloudWatch shows.
    Lognormal {
        /// The mean [ms], with `stddev_ms`.
        #[serde(default)]
        mean_ms: Option<f64>,
        /// The standard deviation [ms], with `mean_ms`.
        #[serde(default)]
        stddev_ms: Option<f64>,
        /// The median [ms], with `p99_ms`.
        #[serde(default)]
        p50_ms: Option<f64>,
        /// The 99th percentile [ms], with `p50_ms`.
        #[serde(default)]
        p99_ms: Option<f64>,
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
#[derive(Clone, Debug, PartialEq)]
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

fn finite_non_negative(field: &str, v: f64) -> Result<f64, ValueError> {
    if !v.is_finite() {
        return Err(ValueError::new(
            field.to_string(),
            format!("must be a finite number, got {v}"),
        ));
    }
    if v < 0.0 {
        return Err(ValueError::new(
            field.to_string(),
            format!("must not be negative, got {v}"),
        ));
    }
    Ok(v)
}

fn positive(field: &str, v: f64) -> Result<f64, ValueError> {
    let v = finite_non_negative(field, v)?;
    if v == 0.0 {
        return Err(ValueError::new(
            field.to_string(),
            "must be positive, got 0 (use { dist = \"constant\", ms = 0 } for no time at all)",
        ));
    }
    Ok(v)
}

/// The standard normal distribution's 99th percentile, Φ⁻¹(0.99) (Abramowitz and Stegun,
/// table 26.5; to 17 significant digits).
const Z_99: f64 = 2.326_347_874_040_840_8;

/// The log-normal distribution of mean `mean` and standard deviation `sd` [ms].
fn lognormal_of_moments(mean: f64, sd: f64) -> Result<TimeDist, ValueError> {
    let mean = positive("mean_ms", mean)?;
    let sd = finite_non_negative("stddev_ms", sd)?;
    if sd == 0.0 {
        return Ok(TimeDist::Constant(SimDuration::from_millis_f64(mean)));
    }
    // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2) and
    // Var[X] = (exp(sigma^2) - 1) E[X]^2, solved for mu and sigma.
    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
    let mu = mean.ln() - sigma2 / 2.0;
    LogNormal::new(mu, sigma2.sqrt())
        .map(TimeDist::LogNormal)
        .map_err(|e| ValueError::new("mean_ms", format!("{mean}, stddev_ms {sd}: {e}")))
}

/// The log-normal distribution of median `p50` and 99th percentile `p99` [ms]: the median is
/// exp(mu) and the 99th percentile exp(mu + Z_99 sigma).
fn lognormal_of_percentiles(p50: f64, p99: f64) -> Result<TimeDist, ValueError> {
    let p50 = positive("p50_ms", p50)?;
    let p99 = positive("p99_ms", p99)?;
    if p99 < p50 {
        return Err(ValueError::new(
            "p99_ms",
            format!("({p99}) must not be below p50_ms ({p50})"),
        ));
    }
    if p99 == p50 {
        return Ok(TimeDist::Constant(SimDuration::from_millis_f64(p50)));
    }
    let sigma = (p99 / p50).ln() / Z_99;
    LogNormal::new(p50.ln(), sigma)
        .map(TimeDist::LogNormal)
        .map_err(|e| ValueError::new("p50_ms", format!("{p50}, p99_ms {p99}: {e}")))
}

impl TimeDistSpec {
    /// Checks the parameters and builds the sampler; the error names the offending field.
    pub fn validate(&self) -> Result<TimeDist, ValueError> {
        Ok(match self {
            TimeDistSpec::Constant { ms } => TimeDist::Constant(SimDuration::from_millis_f64(
                finite_non_negative("ms", *ms)?,
            )),
            TimeDistSpec::Exponential { mean_ms } => {
                let mean = positive("mean_ms", *mean_ms)?;
                TimeDist::Exponential(
                    Exp::new(1.0 / mean)
                        .map_err(|e| ValueError::new("mean_ms", format!("{mean}: {e}")))?,
                )
            }
            TimeDistSpec::Lognormal {
                mean_ms,
                stddev_ms,
                p50_ms,
                p99_ms,
            } => match (mean_ms, stddev_ms, p50_ms, p99_ms) {
                (Some(mean), Some(sd), None, None) => lognormal_of_moments(*mean, *sd)?,
                (None, None, Some(p50), Some(p99)) => lognormal_of_percentiles(*p50, *p99)?,
                _ => {
                    return Err(ValueError::new(
                        "lognormal",
                        "takes mean_ms and stddev_ms, or p50_ms and p99_ms (not a mix)",
                    ));
                }
            },
            TimeDistSpec::Uniform { min_ms, max_ms } => {
                let min = finite_non_negative("min_ms", *min_ms)?;
                let max = finite_non_negative("max_ms", *max_ms)?;
                if max < min {
                    return Err(ValueError::new(
                        "max_ms",
                        format!("({max}) must not be below min_ms ({min})"),
                    ));
                }
                TimeDist::Uniform {
                    min_us: SimDuration::from_millis_f64(min).as_micros(),
                    max_us: SimDuration::from_millis_f64(max).as_micros(),
                }
            }
            TimeDistSpec::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    return Err(ValueError::new(
                        "samples_ms",
                        "must hold at least one sample",
                    ));
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
    pub fn percentiles(points: &[(f64, f64)]) -> Result<TimeDist, ValueError> {
        if points.len() < 2 {
            return Err(ValueError::new(
                "percentiles",
                format!(
                    "need at least two points (quantiles 0 and 1), got {}",
                    points.len()
                ),
            ));
        }
        let mut knots = Vec::with_capacity(points.len());
        let mut prev: Option<(f64, f64)> = None;
        for (i, &(q, ms)) in points.iter().enumerate() {
            if !(0.0..=1.0).contains(&q) {
                return Err(ValueError::new(
                    "quantile",
                    format!("of point {i} must lie in [0, 1], got {q}"),
                ));
            }
            let ms = finite_non_negative(&format!("time of point {i} [ms]"), ms)?;
            if let Some((pq, pms)) = prev {
                if q <= pq {
                    return Err(ValueError::new(
                        "quantiles",
                        format!("must increase strictly, but point {i} has {q} after {pq}"),
                    ));
                }
                if ms < pms {
                    return Err(ValueError::new(
                        "times",
                        format!(
                            "must not decrease, but point {i} (quantile {q}) has {ms} ms after {pms} ms"
                        ),
                    ));
                }
            }
            prev = Some((q, ms));
            knots.push((q, SimDuration::from_millis_f64(ms)));
        }
        let (first, last) = (points[0].0, points[points.len() - 1].0);
        if first != 0.0 || last != 1.0 {
            return Err(ValueError::new(
                "quantiles",
                format!("must run from 0 to 1, got {first} to {last}"),
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

    fn lognormal(text: &str) -> Result<TimeDist, ValueError> {
        let spec: TimeDistSpec =
            toml::from_str(text).map_err(|e| ValueError::new("toml", e.message().to_string()))?;
        spec.validate()
    }

    #[test]
    fn a_lognormal_given_by_p50_and_p99_has_those_percentiles() {
        let dist = lognormal("dist = \"lognormal\"\np50_ms = 120\np99_ms = 400\n").expect("valid");
        let mut rng = SimRng::seed_from_u64(11);
        let n = 200_000;
        let (mut below_p50, mut below_p99, mut sum_ms) = (0u32, 0u32, 0.0);
        for _ in 0..n {
            let d = dist.sample(&mut rng);
            below_p50 += u32::from(d <= SimDuration::from_millis_f64(120.0));
            below_p99 += u32::from(d <= SimDuration::from_millis_f64(400.0));
            sum_ms += d.as_millis_f64();
        }
        // A count of draws below a true q-quantile is Binomial(n, q): within 4 standard
        // deviations, sqrt(q (1 - q) / n), a false alarm once in 16,000 runs.
        let within = |k: u32, q: f64| {
            let share = f64::from(k) / f64::from(n);
            (share - q).abs() <= 4.0 * (q * (1.0 - q) / f64::from(n)).sqrt()
        };
        assert!(within(below_p50, 0.5), "{below_p50}");
        assert!(within(below_p99, 0.99), "{below_p99}");
        // sigma = ln(400 / 120) / 2.3263479 = 0.517545; the mean is 120 exp(sigma^2 / 2) =
        // 137.19 ms and the standard deviation mean * sqrt(exp(sigma^2) - 1) = 75.98 ms, so the
        // sample mean is within 4 × 75.98 / sqrt(n) = 0.68 ms of it.
        let mean = sum_ms / f64::from(n);
        assert!((mean - 137.19).abs() < 0.68, "{mean}");
    }

    #[test]
    fn a_lognormal_takes_one_pair_of_parameters() {
        let err = |text: &str| lognormal(text).expect_err(text).to_string();
        for mixed in [
            "dist = \"lognormal\"\nmean_ms = 120\np99_ms = 400\n",
            "dist = \"lognormal\"\np50_ms = 120\n",
            "dist = \"lognormal\"\n",
            "dist = \"lognormal\"\nmean_ms = 1\nstddev_ms = 1\np50_ms = 1\np99_ms = 2\n",
        ] {
            assert!(err(mixed).contains("p50_ms and p99_ms"), "{mixed}");
        }
        assert!(
            err("dist = \"lognormal\"\np50_ms = 120\np99_ms = 100\n")
                .contains("p99_ms (100) must not be below p50_ms (120)")
        );
        assert!(err("dist = \"lognormal\"\np50_ms = 0\np99_ms = 100\n").contains("p50_ms"));
        assert!(matches!(
            lognormal("dist = \"lognormal\"\np50_ms = 120\np99_ms = 120\n"),
            Ok(TimeDist::Constant(SimDuration(120_000)))
        ));
    }

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
        let err = |p: &[(f64, f64)]| TimeDist::percentiles(p).expect_err("invalid").to_string();
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

    #[test]
    fn a_lognormal_given_by_its_moments_has_that_mean_and_median() {
        // mean 100 ms, sd 300 ms: sigma^2 = ln(1 + 3^2) = ln 10, median exp(mu) =
        // 100 / sqrt(10) = 31.62 ms. The sample mean of n draws is within 4.42 sd / sqrt(n)
        // of the mean but once in 100,000 runs (n = 10^6: skewness 36 / 1000, near normal);
        // the share below the median is Binomial(n, 0.5), held to 4.42 sqrt(0.25 / n).
        let dist =
            lognormal("dist = \"lognormal\"\nmean_ms = 100\nstddev_ms = 300\n").expect("valid");
        let mut rng = SimRng::seed_from_u64(5);
        let n = 1_000_000u32;
        let median = SimDuration::from_millis_f64(100.0 / 10f64.sqrt());
        let (mut sum_ms, mut below) = (0.0, 0u32);
        for _ in 0..n {
            let d = dist.sample(&mut rng);
            sum_ms += d.as_millis_f64();
            below += u32::from(d <= median);
        }
        let n = f64::from(n);
        let mean = sum_ms / n;
        assert!(
            (mean - 100.0).abs() <= 4.42 * 300.0 / n.sqrt(),
            "mean {mean}"
        );
        let share = f64::from(below) / n;
        assert!(
            (share - 0.5).abs() <= 4.42 * (0.25 / n).sqrt(),
            "below the median {share}"
        );
    }

    #[test]
    fn an_exponential_has_its_mean() {
        // Sd = mean for an exponential: the sample mean of 10^5 draws within 4.42 mean / sqrt(n).
        let dist = TimeDistSpec::Exponential { mean_ms: 200.0 }
            .validate()
            .expect("valid");
        let mut rng = SimRng::seed_from_u64(9);
        let n = 100_000u32;
        let sum_ms: f64 = (0..n).map(|_| dist.sample(&mut rng).as_millis_f64()).sum();
        let mean = sum_ms / f64::from(n);
        assert!(
            (mean - 200.0).abs() <= 4.42 * 200.0 / f64::from(n).sqrt(),
            "mean {mean}"
        );
    }
}
