//! The checks of single values shared by every table: time distributions, spans in milliseconds, warmers and provisioned-concurrency scaling, and how a message shows a number.

use crate::model::dist::{TimeDist, TimeDistSpec};
use crate::model::error::ValueError;
use crate::model::function::{Scaling, Warmer};
use crate::time::{MAX_SPAN, SimDuration};

use super::super::raw::{RawSchedule, RawTarget, RawWarmer};

/// Checks a time distribution and builds it: [`TimeDistSpec::validate`], and no time
/// parameter longer than [`MAX_SPAN`].
pub(super) fn validate_dist(spec: &TimeDistSpec) -> Result<TimeDist, ValueError> {
    let dist = spec.validate()?;
    match spec {
        TimeDistSpec::Constant { ms } => span_ms("ms", *ms)?,
        TimeDistSpec::Exponential { mean_ms } => span_ms("mean_ms", *mean_ms)?,
        TimeDistSpec::Lognormal {
            mean_ms,
            stddev_ms,
            p50_ms,
            p99_ms,
        } => {
            for (key, ms) in [
                ("mean_ms", mean_ms),
                ("stddev_ms", stddev_ms),
                ("p50_ms", p50_ms),
                ("p99_ms", p99_ms),
            ] {
                if let Some(ms) = ms {
                    span_ms(key, *ms)?;
                }
            }
        }
        TimeDistSpec::Uniform { min_ms, max_ms } => {
            span_ms("min_ms", *min_ms)?;
            span_ms("max_ms", *max_ms)?;
        }
        TimeDistSpec::Empirical { samples_ms } => {
            for (i, &ms) in samples_ms.iter().enumerate() {
                span_ms(&format!("samples_ms[{i}]"), ms)?;
            }
        }
    }
    Ok(dist)
}

/// A number as a message shows it: plainly, or in scientific notation when huge or tiny
/// (`1e300`, not three hundred digits).
pub(super) fn shown(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-6..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Refuses a time [ms] longer than [`MAX_SPAN`], naming its key.
pub(super) fn span_ms(key: &str, ms: f64) -> Result<(), ValueError> {
    too_long_ms(ms).map_or(Ok(()), |m| Err(ValueError::new(key.to_string(), m)))
}

/// What is wrong with a time [ms] longer than [`MAX_SPAN`], if it is.
pub(super) fn too_long_ms(ms: f64) -> Option<String> {
    let max_ms = MAX_SPAN.as_millis_f64();
    (ms > max_ms).then(|| {
        format!(
            "must be at most {max_ms:e} ms ({MAX_SPAN}, 1000 years), got {}",
            shown(ms)
        )
    })
}

impl RawSchedule {
    pub(in crate::input) fn validate(&self) -> Result<Scaling, ValueError> {
        let period = self.period.unwrap_or(SimDuration::from_secs(86_400));
        if period.as_micros() == 0 {
            return Err(ValueError::new("period", "must be longer than 0s"));
        }
        if self.steps.is_empty() {
            return Err(ValueError::new(
                "steps",
                "must hold at least one { at, containers }",
            ));
        }
        let mut steps: Vec<(SimDuration, u32)> =
            self.steps.iter().map(|s| (s.at, s.containers)).collect();
        if let Some(i) = steps.windows(2).position(|w| w[1].0 <= w[0].0) {
            return Err(ValueError::new(
                "steps",
                format!(
                    "must be in increasing order of at: steps[{}] ({}) does not come after steps[{i}]",
                    i + 1,
                    steps[i + 1].0
                ),
            ));
        }
        if let Some(s) = steps.iter().find(|s| s.0 >= period) {
            return Err(ValueError::new(
                "step",
                format!("at {} lies outside the period ({period})", s.0),
            ));
        }
        steps.shrink_to_fit();
        Ok(Scaling::Schedule { period, steps })
    }
}

impl RawTarget {
    pub(in crate::input) fn validate(&self) -> Result<Scaling, ValueError> {
        let utilization = self.utilization.unwrap_or(0.7);
        if !(utilization > 0.0 && utilization <= 1.0) {
            return Err(ValueError::new(
                "utilization",
                format!("must be in (0, 1], got {}", shown(utilization)),
            ));
        }
        let min = self.min.unwrap_or(0);
        if min > self.max {
            return Err(ValueError::new(
                "min",
                format!("({min}) must not exceed max ({})", self.max),
            ));
        }
        let interval = self.interval.unwrap_or(SimDuration::from_secs(60));
        if interval.as_micros() == 0 {
            return Err(ValueError::new("interval", "must be longer than 0s"));
        }
        Ok(Scaling::Target {
            utilization,
            min,
            max: self.max,
            interval,
            out_after: self.out_after.unwrap_or(3).max(1),
            in_after: self.in_after.unwrap_or(15).max(1),
        })
    }
}

impl RawWarmer {
    pub(in crate::input) fn validate(&self) -> Result<Warmer, ValueError> {
        let ping_ms = self.ping_ms.unwrap_or(1.0);
        if !(ping_ms.is_finite() && ping_ms >= 0.0) {
            return Err(ValueError::new(
                "ping_ms",
                format!("must be 0 or more, got {ping_ms}"),
            ));
        }
        span_ms("ping_ms", ping_ms)?;
        Warmer::new(
            self.every,
            self.containers.unwrap_or(1),
            SimDuration::from_millis_f64(ping_ms),
        )
    }
}
