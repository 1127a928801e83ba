//! Time distributions for init and exec times: their scenario form and their samplers.

use rand::RngExt;
use rand_distr::{Distribution, Exp, LogNormal};
use serde::Deserialize;

use crate::rng::SimRng;
use crate::time::SimDuration;

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
        }
    }
}
