//! Service-level objectives, like `p99<300ms` or `cold_start_ratio<1%`: what each bounds, the bound in the unit it was written in, and how far a value misses it.

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

/// The unit an objective's bound is written in, which its values are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Microseconds.
    Us,
    /// Milliseconds (also a bare latency number).
    Ms,
    /// Seconds.
    S,
    /// Minutes.
    Min,
    /// A fraction, like 0.01.
    Fraction,
    /// A percentage, like 1%.
    Percent,
}

impl Unit {
    /// How many of the metric's own units ([ms] or a fraction) make one of this unit.
    pub fn scale(self) -> f64 {
        match self {
            Unit::Us => 0.001,
            Unit::Ms | Unit::Fraction => 1.0,
            Unit::S => 1000.0,
            Unit::Min => 60_000.0,
            Unit::Percent => 0.01,
        }
    }

    /// The unit's symbol after a number ("ms", "%"); empty for a fraction.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Us => " us",
            Unit::Ms => " ms",
            Unit::S => " s",
            Unit::Min => " min",
            Unit::Fraction => "",
            Unit::Percent => " %",
        }
    }
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
    /// The unit the bound is written in.
    pub unit: Unit,
}

impl Slo {
    /// How far a value misses the objective, relative to the bound: 0 when it is met, the
    /// excess over the bound otherwise (infinite for a bound of 0, or no value).
    pub fn shortfall(&self, value: Option<f64>) -> f64 {
        let Some(v) = value else {
            return f64::INFINITY;
        };
        let met = if self.inclusive {
            v <= self.bound
        } else {
            v < self.bound
        };
        if met {
            0.0
        } else if self.bound > 0.0 {
            (v / self.bound - 1.0).max(f64::MIN_POSITIVE)
        } else {
            f64::INFINITY
        }
    }
}
