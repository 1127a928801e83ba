//! The hybrid histogram keep-alive policy of Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020), with bounded per-function state.
//!
//! Per function, the policy keeps a histogram of idle times (IT: from the moment the function
//! went fully idle to its next arrival) over `range` in bins of `bin`. When a container goes
//! idle and no other container of the function is busy:
//! - **Representative histogram** (at least `min_samples` ITs, the coefficient of variation of
//!   the bin counts at least `cv_threshold`, and at most `oob_threshold` of the ITs beyond
//!   the range): the head (`head` percentile, lower bin edge) less `margin` gives the
//!   pre-warm window, the tail (`tail` percentile, upper bin edge) plus `margin` the end of
//!   the keep-alive window. A head of zero keeps the container for the whole window; otherwise
//!   the container is reclaimed at once and a warm one is made ready at the pre-warm instant
//!   and kept until the end of the window.
//! - **Too many ITs beyond the range**: the next IT is forecast by exponential smoothing
//!   (weight `alpha`) of the out-of-range ITs, standing in for the paper's ARIMA model; the
//!   container is reclaimed and a warm one made ready at the forecast less `margin`, kept for
//!   twice `margin` of the forecast.
//! - **Otherwise** (too few ITs, or a flat histogram): a standard fixed keep-alive of `range`,
//!   the paper's conservative fallback.
//!
//! A container that goes idle while others of its function are busy is kept, from that
//! moment, for as long as the last decision keeps the function loaded after an execution
//! (pre-warm wait plus keep-alive window; `range` while no decision is known): the function
//! is not idle yet, and the paper applies its windows after every execution.

use crate::model::keep_alive::{HybridParams, HybridSpec};
use crate::rng::SimRng;
use crate::sim::policy::keep_alive::{Decision, IdleContext, KeepAlive};
use crate::time::{SimDuration, SimTime};

/// One function's hybrid policy: its histogram and forecast.
#[derive(Clone, Debug)]
pub struct Hybrid {
    p: HybridParams,
    bins: Vec<u32>,
    in_range: u64,
    /// Σ count² over the bins, kept as ITs arrive so that the coefficient of variation costs
    /// O(1), not a pass over the bins at every decision.
    sum_sq: u64,
    out_of_range: u64,
    forecast_us: Option<f64>,
    /// When the function last went fully idle, if it has not been invoked since.
    idle_since: Option<SimTime>,
    /// How long the last decision keeps the function loaded after an execution, for
    /// containers idling beside busy ones.
    window: Option<SimDuration>,
}

impl Hybrid {
    /// A policy with an empty histogram (the spec must be valid).
    pub fn new(spec: &HybridSpec) -> Hybrid {
        let p = spec
            .params()
            .unwrap_or_else(|e| unreachable!("validated hybrid spec: {e}"));
        Hybrid {
            // A last, shorter bin when the range is not a whole number of bins.
            bins: vec![0; p.range_us.div_ceil(p.bin_us) as usize],
            p,
            in_range: 0,
            sum_sq: 0,
            out_of_range: 0,
            forecast_us: None,
            idle_since: None,
            window: None,
        }
    }

    fn record(&mut self, it_us: u64) {
        if it_us < self.p.range_us {
            let c = &mut self.bins[(it_us / self.p.bin_us) as usize];
            self.sum_sq += 2 * u64::from(*c) + 1;
            *c += 1;
            self.in_range += 1;
        } else {
            self.out_of_range += 1;
            let x = it_us as f64;
            self.forecast_us = Some(match self.forecast_us {
                Some(f) => self.p.alpha * x + (1.0 - self.p.alpha) * f,
                None => x,
            });
        }
    }

    /// The lower edge of the bin holding percentile `pct` of the in-range ITs [µs], or its
    /// upper edge with `upper`.
    fn percentile_us(&self, pct: f64, upper: bool) -> u64 {
        let target = ((pct / 100.0) * self.in_range as f64).ceil().max(1.0) as u64;
        let mut seen = 0u64;
        for (i, &c) in self.bins.iter().enumerate() {
            seen += u64::from(c);
            if seen >= target {
                let i = i as u64 + u64::from(upper);
                return i * self.p.bin_us;
            }
        }
        self.p.range_us
    }

    /// The standard deviation of the bin counts over their mean: with n bins holding S ITs,
    /// sqrt(n Σc² − S²) / S, the numerator in exact integers.
    fn coefficient_of_variation(&self) -> f64 {
        if self.in_range == 0 {
            return 0.0;
        }
        let n = self.bins.len() as u128;
        let s = u128::from(self.in_range);
        let spread = n * u128::from(self.sum_sq) - s * s;
        (spread as f64).sqrt() / s as f64
    }

    /// The decision for a function that has just gone fully idle.
    fn decide(&self) -> Decision {
        let total = self.in_range + self.out_of_range;
        let m = self.p.margin;
        if total >= u64::from(self.p.min_samples)
            && self.out_of_range as f64 > self.p.oob_threshold * total as f64
        {
            if let Some(f) = self.forecast_us {
                return Decision::Prewarm {
                    after: SimDuration((f * (1.0 - m)) as u64),
                    keep: SimDuration(((f * 2.0 * m) as u64).max(self.p.bin_us)),
                };
            }
        }
        if total < u64::from(self.p.min_samples)
            || self.coefficient_of_variation() < self.p.cv_threshold
        {
            return Decision::KeepFor(SimDuration(self.p.range_us));
        }
        let head = self.percentile_us(self.p.head, false) as f64;
        let tail = self.percentile_us(self.p.tail, true) as f64;
        let prewarm = (head * (1.0 - m)) as u64;
        let end = ((tail * (1.0 + m)) as u64).max(prewarm + 1);
        if prewarm == 0 {
            Decision::KeepFor(SimDuration(end))
        } else {
            Decision::Prewarm {
                after: SimDuration(prewarm),
                keep: SimDuration(end - prewarm),
            }
        }
    }
}

impl KeepAlive for Hybrid {
    fn on_idle(&mut self, ctx: &IdleContext, _: &mut SimRng) -> Decision {
        if ctx.busy > 0 {
            // Others are busy: the function is not idle yet; keep this one for the window.
            return match self.window {
                Some(w) if w > SimDuration::ZERO => Decision::KeepFor(w),
                Some(_) => Decision::Reclaim,
                None => Decision::KeepFor(SimDuration(self.p.range_us)),
            };
        }
        self.idle_since = Some(ctx.now);
        let d = self.decide();
        self.window = Some(match d {
            Decision::KeepFor(k) => k,
            Decision::Prewarm { after, keep } => after + keep,
            Decision::Reclaim => SimDuration::ZERO,
        });
        d
    }

    fn on_arrival(&mut self, now: SimTime) {
        if let Some(t) = self.idle_since.take() {
            self.record((now - t).as_micros());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    fn idle(h: &mut Hybrid, now: u64) -> Decision {
        let ctx = IdleContext {
            now: SimTime(now),
            created: SimTime(0),
            first_idle: SimTime(0),
            served: 1,
            busy: 0,
        };
        h.on_idle(&ctx, &mut Streams::new(1).stream())
    }

    const MIN: u64 = 60_000_000;

    #[test]
    fn an_empty_histogram_falls_back_to_keeping_for_the_range() {
        let mut h = Hybrid::new(&HybridSpec::default());
        assert_eq!(idle(&mut h, 0), Decision::KeepFor(SimDuration(240 * MIN)));
    }

    #[test]
    fn a_regular_timer_is_pre_warmed_just_before_it_fires() {
        // Idle times of exactly 30 minutes: every IT in bin 30. Head = 30 min (lower edge),
        // tail = 31 min (upper edge). Pre-warm at 30 × 0.9 = 27 min, window ends at
        // 31 × 1.1 = 34.1 min.
        let mut h = Hybrid::new(&HybridSpec::default());
        let mut t = 0;
        for _ in 0..20 {
            idle(&mut h, t);
            t += 30 * MIN;
            h.on_arrival(SimTime(t));
        }
        assert_eq!(
            idle(&mut h, t),
            Decision::Prewarm {
                after: SimDuration(27 * MIN),
                keep: SimDuration(341 * MIN / 10 - 27 * MIN),
            }
        );
    }

    #[test]
    fn short_idle_times_keep_the_container_without_pre_warming() {
        // ITs in bin 0 and bin 2: head 0 → no pre-warm; tail = 3 min × 1.1.
        let mut h = Hybrid::new(&HybridSpec::default());
        let mut t = 0;
        for i in 0..40 {
            idle(&mut h, t);
            t += if i % 2 == 0 {
                10_000_000
            } else {
                2 * MIN + 5_000_000
            };
            h.on_arrival(SimTime(t));
        }
        assert_eq!(
            idle(&mut h, t),
            Decision::KeepFor(SimDuration(33 * MIN / 10))
        );
    }

    #[test]
    fn idle_times_beyond_the_range_are_forecast() {
        // Every IT is 6 h, beyond the 4 h range: forecast 6 h, pre-warm at 5.4 h, keep 1.2 h.
        let mut h = Hybrid::new(&HybridSpec::default());
        let mut t = 0;
        for _ in 0..12 {
            idle(&mut h, t);
            t += 360 * MIN;
            h.on_arrival(SimTime(t));
        }
        assert_eq!(
            idle(&mut h, t),
            Decision::Prewarm {
                after: SimDuration(324 * MIN),
                keep: SimDuration(72 * MIN),
            }
        );
    }

    #[test]
    fn a_flat_histogram_is_not_trusted() {
        // ITs spread evenly over the whole range: CV of the bin counts is 0.
        let mut h = Hybrid::new(&HybridSpec::default());
        let mut t = 0;
        for i in 0..240 {
            idle(&mut h, t);
            t += i * MIN + 1;
            h.on_arrival(SimTime(t));
        }
        assert_eq!(idle(&mut h, t), Decision::KeepFor(SimDuration(240 * MIN)));
    }

    #[test]
    fn a_range_of_a_fractional_number_of_bins_keeps_its_last_its() {
        // 10 minutes in bins of 3: the last bin covers 9 to 10 minutes.
        let spec = HybridSpec {
            range: Some(SimDuration::from_secs(600)),
            bin: Some(SimDuration::from_secs(180)),
            ..HybridSpec::default()
        };
        let mut h = Hybrid::new(&spec);
        h.record(570_000_000);
        assert_eq!((h.in_range, h.bins.len(), h.bins[3]), (1, 4, 1));
    }

    #[test]
    fn the_running_coefficient_of_variation_matches_a_pass_over_the_bins() {
        let mut h = Hybrid::new(&HybridSpec::default());
        for (k, it) in [5u64, 5, 5, 70, 130, 5, 9000].iter().enumerate() {
            h.record(it * 1_000_000 + k as u64);
        }
        let n = h.bins.len() as f64;
        let mean = h.in_range as f64 / n;
        let var = h
            .bins
            .iter()
            .map(|&c| (f64::from(c) - mean).powi(2))
            .sum::<f64>()
            / n;
        let direct = var.sqrt() / mean;
        assert!((h.coefficient_of_variation() - direct).abs() < 1e-9 * direct);
    }
}
