//! Keep-alive parameters as a scenario gives them: the policy of each function (fixed, none, uniform, a platform preset, the hybrid histogram's knobs) and the rule a memory-bounded pool evicts by.

use crate::model::error::ValueError;
use serde::{Deserialize, Serialize};

use crate::time::SimDuration;

/// A keep-alive policy as written in a scenario, e.g. `{ policy = "fixed", idle = "10m" }`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "policy", rename_all = "lowercase", deny_unknown_fields)]
pub enum KeepAliveSpec {
    /// Keep each idle container for `idle`. With `extend = true` (the default) the timer
    /// restarts after every invocation; with `extend = false` the window runs from the
    /// container's first idle moment and reuse does not extend it (set once).
    Fixed {
        /// The idle window; may be longer than the run (`"3650d"`: never reclaimed).
        #[serde(serialize_with = "crate::time::in_notation")]
        idle: SimDuration,
        /// Whether every invocation restarts the window (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extend: Option<bool>,
    },
    /// Reclaim a container as soon as it goes idle.
    None,
    /// Draw each idle window uniformly from `[min, max]`, since the platform does not guarantee one.
    Uniform {
        /// The shortest window.
        #[serde(serialize_with = "crate::time::in_notation")]
        min: SimDuration,
        /// The longest window.
        #[serde(serialize_with = "crate::time::in_notation")]
        max: SimDuration,
    },
    /// A platform's measured behaviour, by name (see [`PRESETS`]).
    Preset {
        /// The preset's name, like `"aws-lambda-2019"`.
        name: String,
    },
    /// The hybrid histogram policy of Shahrad et al., "Serverless in the Wild" (ATC 2020).
    Hybrid(HybridSpec),
    /// A measured curve: `points` of (idle gap, probability that an invocation after that
    /// gap is cold), as probes of a platform give them. Each time a container goes idle its
    /// window is drawn from the distribution whose CDF runs linearly through the points (and
    /// through (0, 0) before the first), so that an invocation after a gap `g` finds it
    /// reclaimed with the curve's probability at `g`.
    Empirical {
        /// (idle gap, probability of a cold start) pairs: gaps strictly increasing,
        /// probabilities from 0 to 1 never decreasing, the last exactly 1.
        points: Vec<IdlePoint>,
    },
}

/// One point of a measured keep-alive curve: after an idle gap this long, an invocation is
/// cold with this probability. Written `["10m", 0.5]`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct IdlePoint(pub SimDuration, pub f64);

impl Serialize for IdlePoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.0.to_string())?;
        t.serialize_element(&self.1)?;
        t.end()
    }
}

/// Checks a measured curve's points: at least one, gaps strictly increasing, probabilities
/// finite, within [0, 1], never decreasing, and the last exactly 1 (every container is
/// reclaimed by then; probes that never saw only cold starts need one more, longer gap).
pub fn check_points(points: &[IdlePoint]) -> Result<(), ValueError> {
    let Some(last) = points.last() else {
        return Err(ValueError::new(
            "points",
            "must hold at least one [idle, probability] pair, like [[\"5m\", 0.2], [\"15m\", 1]]",
        ));
    };
    let mut prev: Option<IdlePoint> = None;
    for (i, &IdlePoint(idle, p)) in points.iter().enumerate() {
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(ValueError::new(
                format!("points[{i}]"),
                format!("probability must lie in [0, 1], got {p}"),
            ));
        }
        if let Some(IdlePoint(pi, pp)) = prev {
            if idle <= pi {
                return Err(ValueError::new(
                    format!("points[{i}]"),
                    format!("idle gaps must increase, but {idle} follows {pi}"),
                ));
            }
            if p < pp {
                return Err(ValueError::new(
                    format!("points[{i}]"),
                    format!(
                        "probabilities must not decrease (a longer gap is never less often cold), but {p} at {idle} follows {pp} at {pi}"
                    ),
                ));
            }
        }
        prev = Some(IdlePoint(idle, p));
    }
    if last.1 != 1.0 {
        return Err(ValueError::new(
            format!("points[{}]", points.len() - 1),
            format!(
                "the last probability must be 1 (every container reclaimed by then), got {}; add the gap after which every probe was cold",
                last.1
            ),
        ));
    }
    Ok(())
}

/// Platform presets: (name, policy, source). Each is calibrated to a public measurement of
/// idle lifetimes before reclaim, or to the platform's documentation; the `-2025` ones are the
/// most recent of either found for that platform (no measurement newer than January 2021 was
/// found for AWS, Azure or Google; the README's preset table says so).
pub const PRESETS: [(&str, &str, &str); 10] = [
    (
        "aws-lambda-2017",
        "uniform 45m to 60m",
        "Yan Cui, \"How long does AWS Lambda keep your idle functions around before a cold start?\", 2017: generally 45 to 60 minutes",
    ),
    (
        "aws-lambda-2019-early",
        "uniform 22m to 65m",
        "Kevin Lin, \"Benchmarking Lambda's idle timeout before a cold start\", January to February 2019: 22 to 65 minutes in us-east-1 (26 in us-west-2)",
    ),
    (
        "aws-lambda-2019",
        "fixed 10m",
        "Mikhail Shilkov, \"AWS Lambda cold starts after 10 minutes\", 2019: a fixed 10 minutes after the last request, from July 2019",
    ),
    (
        "aws-lambda-recent",
        "uniform 5m to 7m",
        "Mikhail Shilkov, \"When does cold start happen on AWS Lambda?\" (current revision): 5 to 7 minutes",
    ),
    (
        "aws-lambda-2025",
        "empirical: cold 0 to 3m, 0.003 at 4m to 5m, 0.406 at 6m, 1 at 7m",
        "Mikhail Shilkov, \"When does cold start happen on AWS Lambda?\", mikhail.io, revision of 2021-01-05 (the newest public curve; AWS documents only \"for some time\"): the probability of a cold start after each idle minute, data/coldstart_aws_interval.json",
    ),
    (
        "azure-functions-2019",
        "fixed 20m",
        "Shahrad et al., \"Serverless in the Wild\", USENIX ATC 2020: Azure Functions kept idle instances for a fixed 20 minutes",
    ),
    (
        "azure-functions-2025",
        "empirical: 0.1 from 2m, 0.21 at 13m to 20m, 0.5 at 22m, 0.91 at 28m, 0.975 at 59m to 60m, 1 at 61m",
        "Mikhail Shilkov, \"When does cold start happen on Azure Functions?\", mikhail.io, revision of 2021-01-05 (Consumption plan; the newest public curve; Microsoft documents only \"idle for a number of minutes\"): per idle minute, made non-decreasing by a running maximum, and every instance reclaimed one minute after the 60 measured",
    ),
    (
        "google-cloud-run-2025",
        "empirical: never cold up to 15m, always from 16m",
        "Cloud Run docs (\"Cloud Run may keep some instances idle for a maximum of 15 minutes\") and Mikhail Shilkov, \"When does cold start happen on Google Cloud Functions?\", mikhail.io, 2021-01-05 (P(cold) 0 up to 15 minutes, 1 from 16)",
    ),
    (
        "huawei-2025",
        "fixed 1m",
        "Huawei Cloud FunctionGraph, \"Function Instance Types and Usage Modes\", 2025-08-22: an instance is destroyed after 1 minute without a request; each request resets it (Joosen et al., EuroSys 2025, section 2)",
    ),
    (
        "none",
        "none",
        "no keep-alive at all: every start is cold (a lower bound)",
    ),
];

/// A measured curve from (minutes, probability) pairs.
fn curve(points: &[(u64, f64)]) -> KeepAliveSpec {
    KeepAliveSpec::Empirical {
        points: points
            .iter()
            .map(|&(m, p)| IdlePoint(SimDuration::from_secs(60 * m), p))
            .collect(),
    }
}

impl KeepAliveSpec {
    /// The concrete policy behind a preset name.
    pub fn preset(name: &str) -> Result<KeepAliveSpec, ValueError> {
        let m = |s: u64| SimDuration::from_secs(60 * s);
        Ok(match name {
            "aws-lambda-2017" => KeepAliveSpec::Uniform {
                min: m(45),
                max: m(60),
            },
            "aws-lambda-2019-early" => KeepAliveSpec::Uniform {
                min: m(22),
                max: m(65),
            },
            "aws-lambda-2019" => KeepAliveSpec::Fixed {
                idle: m(10),
                extend: None,
            },
            "aws-lambda-recent" => KeepAliveSpec::Uniform {
                min: m(5),
                max: m(7),
            },
            // Shilkov's points: 0 for 0 to 3 minutes, 0.003 at 4 and 5, 0.406 at 6, 1 from 7.
            "aws-lambda-2025" => curve(&[(3, 0.0), (4, 0.003), (5, 0.003), (6, 0.406), (7, 1.0)]),
            "azure-functions-2019" => KeepAliveSpec::Fixed {
                idle: m(20),
                extend: None,
            },
            // Shilkov's points per minute (0 at 0 and 1, 0.10 at 2, 0.075 at 3 to 7, 0.128 at
            // 8, 0.103 at 9 to 11, 0.162 at 12, 0.205 at 13 to 16, 0.213 at 17 to 20, 0.408 at
            // 21, 0.50 at 22, 0.761 at 23, 0.785 at 24 and 25, 0.819 at 26 and 27, 0.910 at 28
            // and 29, 0.944 at 30 to 47, 0.936 at 48 to 58, 0.975 at 59 and 60), each raised
            // to the largest before it, and 1 one minute past the last measured.
            "azure-functions-2025" => curve(&[
                (1, 0.0),
                (2, 0.10),
                (7, 0.10),
                (8, 0.128),
                (11, 0.128),
                (12, 0.162),
                (13, 0.205),
                (16, 0.205),
                (17, 0.213),
                (20, 0.213),
                (21, 0.408),
                (22, 0.50),
                (23, 0.761),
                (24, 0.785),
                (25, 0.785),
                (26, 0.819),
                (27, 0.819),
                (28, 0.910),
                (29, 0.910),
                (30, 0.944),
                (58, 0.944),
                (59, 0.975),
                (60, 0.975),
                (61, 1.0),
            ]),
            "google-cloud-run-2025" => curve(&[(15, 0.0), (16, 1.0)]),
            "huawei-2025" => KeepAliveSpec::Fixed {
                idle: m(1),
                extend: None,
            },
            "none" => KeepAliveSpec::None,
            _ => {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                return Err(ValueError::new(
                    "unknown",
                    format!("preset {name:?}; known presets: {}", names.join(", ")),
                ));
            }
        })
    }
}

impl Default for KeepAliveSpec {
    /// Ten minutes, fixed: AWS Lambda's behaviour as measured from 2019 (see [`PRESETS`]).
    fn default() -> Self {
        KeepAliveSpec::Fixed {
            idle: SimDuration::from_secs(600),
            extend: None,
        }
    }
}

impl KeepAliveSpec {
    /// Checks the parameters; the error names the offending field.
    pub fn validate(&self) -> Result<(), ValueError> {
        match self {
            KeepAliveSpec::Uniform { min, max } if max < min => Err(ValueError::new(
                "max",
                format!("({max}) must not be below min ({min})"),
            )),
            KeepAliveSpec::Preset { name } => KeepAliveSpec::preset(name).map(|_| ()),
            KeepAliveSpec::Hybrid(h) => h.validate(),
            KeepAliveSpec::Empirical { points } => check_points(points),
            _ => Ok(()),
        }
    }
}

/// The hybrid policy's knobs, each defaulting to the paper's value (or ours, where it gives none).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HybridSpec {
    /// Histogram range (default 4h, the paper's).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::time::opt_in_notation"
    )]
    pub range: Option<SimDuration>,
    /// Bin width (default 1m, the paper's).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::time::opt_in_notation"
    )]
    pub bin: Option<SimDuration>,
    /// Head percentile for the pre-warm window (default 5, the paper's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<f64>,
    /// Tail percentile for the keep-alive window (default 99, the paper's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail: Option<f64>,
    /// Safety margin, a fraction (default 0.1, the paper's 10 %).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    /// Least coefficient of variation of the bin counts for a representative histogram (default 2, the paper's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv_threshold: Option<f64>,
    /// Largest fraction of ITs beyond the range before forecasting takes over (default 0.5, ours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oob_threshold: Option<f64>,
    /// Fewest ITs before the histogram is trusted (default 10, ours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_samples: Option<u32>,
    /// Smoothing weight of the newest IT in the forecast (default 0.5, ours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// The forecast branch's margin, a fraction (default 0.15, the paper's 15 %): pre-warm at
    /// the forecast less it, keep until the forecast plus it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_margin: Option<f64>,
    /// Fewest ITs before the forecast is trusted (default 2, ours: one IT is not yet a series).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_min_samples: Option<u32>,
}

/// Validated parameters of the hybrid policy: the spec's knobs with their defaults filled in
/// (times in µs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HybridParams {
    /// Histogram range [µs].
    pub range_us: u64,
    /// Bin width [µs].
    pub bin_us: u64,
    /// Head percentile, for the pre-warm window.
    pub head: f64,
    /// Tail percentile, for the keep-alive window.
    pub tail: f64,
    /// Safety margin [fraction].
    pub margin: f64,
    /// Least coefficient of variation of the bin counts for a representative histogram.
    pub cv_threshold: f64,
    /// Largest fraction of idle times beyond the range before forecasting takes over.
    pub oob_threshold: f64,
    /// Fewest idle times before the histogram is trusted.
    pub min_samples: u32,
    /// Smoothing weight of the newest idle time in the forecast.
    pub alpha: f64,
    /// The forecast branch's margin [fraction].
    pub forecast_margin: f64,
    /// Fewest idle times before the forecast is trusted.
    pub forecast_min_samples: u32,
}

impl HybridSpec {
    /// The validated parameters; the error names the offending key.
    pub fn params(&self) -> Result<HybridParams, ValueError> {
        let p = HybridParams {
            range_us: self
                .range
                .unwrap_or(SimDuration::from_secs(4 * 3600))
                .as_micros(),
            bin_us: self.bin.unwrap_or(SimDuration::from_secs(60)).as_micros(),
            head: self.head.unwrap_or(5.0),
            tail: self.tail.unwrap_or(99.0),
            margin: self.margin.unwrap_or(0.1),
            cv_threshold: self.cv_threshold.unwrap_or(2.0),
            oob_threshold: self.oob_threshold.unwrap_or(0.5),
            min_samples: self.min_samples.unwrap_or(10),
            alpha: self.alpha.unwrap_or(0.5),
            forecast_margin: self.forecast_margin.unwrap_or(0.15),
            forecast_min_samples: self.forecast_min_samples.unwrap_or(2),
        };
        if p.bin_us == 0 || p.range_us < p.bin_us {
            return Err(ValueError::new(
                "bin",
                format!(
                    "must be longer than 0s and no longer than range, got bin {} and range {}",
                    SimDuration(p.bin_us),
                    SimDuration(p.range_us)
                ),
            ));
        }
        if p.range_us / p.bin_us > 100_000 {
            return Err(ValueError::new(
                "range",
                "/ bin must be at most 100000 bins",
            ));
        }
        let pct = |k: &str, v: f64| {
            if (0.0..=100.0).contains(&v) {
                Ok(())
            } else {
                Err(ValueError::new(
                    k.to_string(),
                    format!("must be a percentile from 0 to 100, got {v}"),
                ))
            }
        };
        pct("head", p.head)?;
        pct("tail", p.tail)?;
        if p.head > p.tail {
            return Err(ValueError::new(
                "head",
                format!("({}) must not exceed tail ({})", p.head, p.tail),
            ));
        }
        let frac = |k: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(ValueError::new(
                    k.to_string(),
                    format!("must be a fraction from 0 to 1, got {v}"),
                ))
            }
        };
        frac("margin", p.margin)?;
        frac("oob_threshold", p.oob_threshold)?;
        frac("alpha", p.alpha)?;
        frac("forecast_margin", p.forecast_margin)?;
        if !(p.cv_threshold.is_finite() && p.cv_threshold >= 0.0) {
            return Err(ValueError::new(
                "cv_threshold",
                format!("must be at least 0, got {}", p.cv_threshold),
            ));
        }
        Ok(p)
    }

    /// Checks the parameters; the error names the offending key.
    pub fn validate(&self) -> Result<(), ValueError> {
        self.params().map(|_| ())
    }
}

/// Which idle container a full pool evicts.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EvictionRule {
    /// The soonest keep-alive deadline.
    Ttl,
    /// The longest idle.
    #[default]
    Lru,
    /// The lowest Greedy-Dual priority.
    GreedyDual,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds() {
        for (name, _, _) in PRESETS {
            let spec = KeepAliveSpec::Preset { name: name.into() };
            assert_eq!(spec.validate(), Ok(()), "{name}");
        }
    }
}
