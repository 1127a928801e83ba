//! The hybrid histogram keep-alive policy of Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020), with bounded per-function state.
//!
//! Per function, the policy keeps a histogram of idle times (IT: from the moment the function
//! went fully idle to its next arrival; an arrival while another request of the function is
//! being served has an IT of zero, as in the paper, which measures ITs of the application as
//! a whole) over `range` in bins of `bin`. When a container goes idle and no other container
//! of the function is busy:
//! - **Too many ITs beyond the range** (at least `forecast_min_samples` ITs, more than
//!   `oob_threshold` of them beyond the range): the next IT is forecast by exponential
//!   smoothing (weight `alpha`) of every IT, standing in for the paper's ARIMA model of the IT
//!   series; the container is reclaimed and a warm one made ready at the forecast less
//!   `forecast_margin` (the paper's 15 %), kept until the forecast plus it.
//! - **Representative histogram** (at least `min_samples` ITs and a coefficient of variation
//!   of the bin counts of at least `cv_threshold`): the head (`head` percentile, lower bin
//!   edge) less `margin` gives the pre-warm window, the tail (`tail` percentile, upper bin
//!   edge) plus `margin` the end of the keep-alive window. A head of zero keeps the container
//!   for the whole window; otherwise the container is reclaimed at once and a warm one is made
//!   ready at the pre-warm instant and kept until the end of the window.
//! - **Otherwise** (too few ITs, or a flat histogram): a standard fixed keep-alive of `range`,
//!   the paper's conservative fallback.
//!
//! A container that goes idle while others of its function are busy (and one no arrival asked
//! for: a scaler's instance, a proactive replacement) is kept, from that moment, for as long
//! as the current decision keeps the function loaded after an execution (pre-warm wait plus
//! keep-alive window): the function is not idle yet, and the paper applies its windows after
//! every execution.

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
    /// Since when the function has been idle: when it last went quiet, or its last arrival
    /// while quiet (`None` before its first arrival).
    idle_since: Option<SimTime>,
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
        }
    }

    fn record(&mut self, it_us: u64) {
        let x = it_us as f64;
        self.forecast_us = Some(match self.forecast_us {
            Some(f) => self.p.alpha * x + (1.0 - self.p.alpha) * f,
            None => x,
        });
        if it_us < self.p.range_us {
            let c = &mut self.bins[(it_us / self.p.bin_us) as usize];
            self.sum_sq += 2 * u64::from(*c) + 1;
            *c += 1;
            self.in_range += 1;
        } else {
            self.out_of_range += 1;
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
        if total >= u64::from(self.p.forecast_min_samples)
            && self.out_of_range as f64 > self.p.oob_threshold * total as f64
        {
            if let Some(f) = self.forecast_us {
                let m = self.p.forecast_margin;
                let prewarm = (f * (1.0 - m)) as u64;
                let end = ((f * (1.0 + m)) as u64).max(prewarm + self.p.bin_us);
                return window(prewarm, end);
            }
        }
        if total < u64::from(self.p.min_samples)
            || self.coefficient_of_variation() < self.p.cv_threshold
        {
            return Decision::KeepFor(SimDuration(self.p.range_us));
        }
        let m = self.p.margin;
        let head = self.percentile_us(self.p.head, false) as f64;
        let tail = self.percentile_us(self.p.tail, true) as f64;
        let prewarm = (head * (1.0 - m)) as u64;
        let end = ((tail * (1.0 + m)) as u64).max(prewarm + 1);
        window(prewarm, end)
    }
}

/// Pre-warm `prewarm` µs from now and keep until `end` µs from now; with no wait, keep the
/// container until `end`.
fn window(prewarm: u64, end: u64) -> Decision {
    if prewarm == 0 {
        Decision::KeepFor(SimDuration(end))
    } else {
        Decision::Prewarm {
            after: SimDuration(prewarm),
            keep: SimDuration(end - prewarm),
        }
    }
}

impl KeepAlive for Hybrid {
    fn on_idle(&mut self, ctx: &IdleContext, _: &mut SimRng) -> Decision {
        let d = self.decide();
        if ctx.busy == 0 && ctx.served > 0 {
            return d;
        }
        // Others are busy (the function is not idle yet), or no arrival asked for this one:
        // keep it for as long as the decision keeps the function loaded after an execution.
        match d {
            Decision::Prewarm { after, keep } => Decision::KeepFor(after + keep),
            d => d,
        }
    }

    fn on_arrival(&mut self, now: SimTime, busy: bool) {
        if busy {
            // Overlapping demand: the function never went idle.
            self.record(0);
        } else if let Some(t) = self.idle_since.replace(now) {
            // Idle since it went quiet (or since an arrival that found no room).
            self.record((now - t).as_micros());
        }
    }

    fn on_quiet(&mut self, now: SimTime) {
        self.idle_since = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    fn idle(h: &mut Hybrid, now: u64) -> Decision {
        h.on_quiet(SimTime(now));
        let ctx = IdleContext {
            now: SimTime(now),
            created: SimTime(0),
            first_idle: SimTime(0),
            served: 1,
            busy: 0,
        };
        h.on_idle(&ctx, &mut Streams::new(1).stream())
    }

    /// Goes idle at `t` and takes an arrival after each of the `gaps` [µs] in turn, idle again
    /// after each but the last; returns the last arrival's instant.
    fn idle_and_arrive(h: &mut Hybrid, mut t: u64, gaps: impl IntoIterator<Item = u64>) -> u64 {
        for gap in gaps {
            idle(h, t);
            t += gap;
            h.on_arrival(SimTime(t), false);
        }
        t
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
        let t = idle_and_arrive(&mut h, 0, [30 * MIN; 20]);
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
        let t = idle_and_arrive(&mut h, 0, [10_000_000, 2 * MIN + 5_000_000].repeat(20));
        assert_eq!(
            idle(&mut h, t),
            Decision::KeepFor(SimDuration(33 * MIN / 10))
        );
    }

    #[test]
    fn idle_times_beyond_the_range_are_forecast() {
        // Every IT is 6 h, beyond the 4 h range: forecast 6 h, pre-warm at 6 h × 0.85 = 306 min,
        // keep to 6 h × 1.15 = 414 min (less 1 µs: 1.15 × 21,600,000,000 µs truncates to
        // 24,839,999,999 in floating point). The second IT already suffices.
        let mut h = Hybrid::new(&HybridSpec::default());
        h.on_arrival(SimTime(0), false);
        let t = idle_and_arrive(&mut h, 0, [360 * MIN; 2]);
        assert_eq!(
            idle(&mut h, t),
            Decision::Prewarm {
                after: SimDuration(306 * MIN),
                keep: SimDuration(108 * MIN - 1),
            }
        );
    }

    #[test]
    fn one_idle_time_is_not_yet_a_forecast() {
        let mut h = Hybrid::new(&HybridSpec::default());
        h.on_arrival(SimTime(0), false);
        idle(&mut h, 0);
        h.on_arrival(SimTime(360 * MIN), false);
        assert_eq!(
            idle(&mut h, 360 * MIN),
            Decision::KeepFor(SimDuration(240 * MIN))
        );
    }

    #[test]
    fn the_forecast_smooths_every_idle_time_in_range_or_not() {
        // ITs 6 h, 6 h, 2 h (in range): 2 of 3 beyond the range; forecast 0.5 × 2 h + 0.5 × 6 h
        // = 4 h; pre-warm at 204 min, keep to 276 min (less 1 µs, truncated as above).
        let mut h = Hybrid::new(&HybridSpec::default());
        h.on_arrival(SimTime(0), false);
        let t = idle_and_arrive(&mut h, 0, [360 * MIN, 360 * MIN, 120 * MIN]);
        assert_eq!(
            idle(&mut h, t),
            Decision::Prewarm {
                after: SimDuration(204 * MIN),
                keep: SimDuration(72 * MIN - 1),
            }
        );
    }

    #[test]
    fn arrivals_while_busy_are_idle_times_of_zero() {
        // Always-busy demand: each arrival finds another request running. Ten zeros make a
        // representative histogram (all in bin 0): head 0, tail 1 min × 1.1.
        let mut h = Hybrid::new(&HybridSpec::default());
        h.on_arrival(SimTime(0), false);
        for k in 1..=10 {
            h.on_arrival(SimTime(k), true);
        }
        assert_eq!((h.in_range, h.bins[0]), (10, 10));
        assert_eq!(
            idle(&mut h, 100),
            Decision::KeepFor(SimDuration(11 * MIN / 10))
        );
    }

    #[test]
    fn an_arrival_that_found_no_room_restarts_the_idle_time() {
        let mut h = Hybrid::new(&HybridSpec::default());
        h.on_arrival(SimTime(0), false);
        h.on_quiet(SimTime(10));
        h.on_arrival(SimTime(30), false);
        // Not served: nothing went busy; the next arrival's IT counts from the last one.
        h.on_arrival(SimTime(100), false);
        assert_eq!(h.forecast_us, Some(0.5 * 70.0 + 0.5 * 20.0));
    }

    #[test]
    fn containers_beside_busy_ones_or_unasked_keep_the_current_window() {
        let mut h = Hybrid::new(&HybridSpec::default());
        let beside = |h: &mut Hybrid, busy: u32, served: u64| {
            let ctx = IdleContext {
                now: SimTime(5),
                created: SimTime(5),
                first_idle: SimTime(5),
                served,
                busy,
            };
            h.on_idle(&ctx, &mut Streams::new(1).stream())
        };
        let range = Decision::KeepFor(SimDuration(240 * MIN));
        assert_eq!((beside(&mut h, 1, 1), beside(&mut h, 0, 0)), (range, range));
        // A half-hourly timer's decision (pre-warm at 27 min, kept to 34.1 min) keeps a
        // container beside busy ones for 34.1 min, and the function's idle clock untouched.
        let t = idle_and_arrive(&mut h, 0, [30 * MIN; 20]);
        let window = Decision::KeepFor(SimDuration(341 * MIN / 10));
        assert_eq!(
            (beside(&mut h, 2, 1), beside(&mut h, 0, 0)),
            (window, window)
        );
        assert_eq!(h.idle_since, Some(SimTime(t)));
    }

    #[test]
    fn a_flat_histogram_is_not_trusted() {
        // ITs spread evenly over the whole range: CV of the bin counts is 0.
        let mut h = Hybrid::new(&HybridSpec::default());
        let t = idle_and_arrive(&mut h, 0, (0..240).map(|i| i * MIN + 1));
        assert_eq!(idle(&mut h, t), Decision::KeepFor(SimDuration(240 * MIN)));
    }

    #[test]
    fn a_coefficient_of_variation_of_exactly_two_is_trusted() {
        // n idle times in n distinct bins of 240: CV = sqrt(240 / n - 1). 48 give exactly 2
        // (trusted); 60 give
        // sqrt(3) = 1.73, not trusted. Of 48 in bins 2 to 49, the 5th percentile is the 3rd
        // (bin 4: pre-warm at 4 min x 0.9), the 99th the 48th (bin 49: kept to 50 min x 1.1).
        let hist = |n: u64| {
            let mut h = Hybrid::new(&HybridSpec::default());
            for k in 0..n {
                h.record((k + 2) * MIN + 1);
            }
            h.decide()
        };
        assert_eq!(
            hist(48),
            Decision::Prewarm {
                after: SimDuration(36 * MIN / 10),
                keep: SimDuration(550 * MIN / 10 - 36 * MIN / 10),
            }
        );
        assert_eq!(hist(60), Decision::KeepFor(SimDuration(240 * MIN)));
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
