//! Synthetic arrival processes (Poisson, periodic, diurnal, bursty, explicit), generated lazily one arrival at a time.

use crate::model::error::ValueError;
use std::f64::consts::TAU;

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};
use serde::Deserialize;

use crate::rng::SimRng;
use crate::time::{MICROS_PER_S, SimDuration, SimTime, round_non_negative};

/// An arrival process as written in a scenario, e.g. `{ process = "poisson", rate_per_s = 25.0 }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "process", rename_all = "lowercase", deny_unknown_fields)]
pub enum ArrivalSpec {
    /// A homogeneous Poisson process.
    Poisson {
        /// Mean arrivals per second [1/s].
        rate_per_s: f64,
    },
    /// A timer: one arrival every `every`, from `start`, each delayed by a uniform draw in `[0, jitter)`.
    Periodic {
        /// The period.
        every: SimDuration,
        /// The first firing (default 0s).
        #[serde(default)]
        start: Option<SimDuration>,
        /// Each firing is delayed by a uniform draw in `[0, jitter)`; at most `every` (default 0s).
        #[serde(default)]
        jitter: Option<SimDuration>,
    },
    /// A non-homogeneous Poisson process with a sinusoidal rate, peaking at `peak_at` in each period.
    Diurnal {
        /// The rate averaged over a period [1/s].
        mean_rate_per_s: f64,
        /// Peak rate over trough rate, at least 1 (default 4).
        #[serde(default)]
        peak_to_trough: Option<f64>,
        /// The period of the rate (default 24h).
        #[serde(default)]
        period: Option<SimDuration>,
        /// When in the period the rate peaks (default 14h, capped to the period).
        #[serde(default)]
        peak_at: Option<SimDuration>,
    },
    /// On/off traffic: a two-state Markov-modulated Poisson process.
    Bursty {
        /// The rate while on [1/s].
        on_rate_per_s: f64,
        /// The rate while off [1/s] (default 0).
        #[serde(default)]
        off_rate_per_s: Option<f64>,
        /// Mean length of an on period (exponentially distributed).
        mean_on: SimDuration,
        /// Mean length of an off period (exponentially distributed).
        mean_off: SimDuration,
    },
    /// Arrivals at the listed instants, in order (equal instants allowed).
    Explicit {
        /// The arrival instants, not decreasing.
        at: Vec<SimDuration>,
    },
}

/// A validated arrival process with its state: call [`ArrivalProcess::next_arrival`] for each arrival in turn.
#[derive(Clone, Debug)]
pub struct ArrivalProcess {
    kind: Kind,
    /// The last arrival or candidate [µs].
    t: u64,
}

#[derive(Clone, Debug)]
enum Kind {
    Poisson {
        mean_gap_us: f64,
    },
    Periodic {
        every_us: u64,
        jitter_us: u64,
        k: u64,
        start_us: u64,
    },
    Diurnal {
        /// Mean gap between candidates at the peak rate [µs].
        mean_gap_us: f64,
        /// Relative amplitude a: rate = mean * (1 + a cos(2 pi (t - peak) / period)).
        amplitude: f64,
        period_us: f64,
        peak_us: f64,
    },
    Bursty {
        on: bool,
        /// Mean gap while on and while off [µs]; infinite for a zero rate.
        gap_on_us: f64,
        gap_off_us: f64,
        mean_on_us: f64,
        mean_off_us: f64,
        /// When the current state ends [µs].
        switch_us: u64,
    },
    Explicit {
        at: Vec<SimDuration>,
        next: usize,
    },
}

/// The highest rate a process may have: one arrival per microsecond, the clock's resolution.
pub const MAX_RATE_PER_S: f64 = 1e6;

fn rate(field: &str, v: f64, allow_zero: bool) -> Result<f64, ValueError> {
    if !v.is_finite() {
        return Err(ValueError::new(
            field.to_string(),
            format!("must be a finite number, got {v}"),
        ));
    }
    if v < 0.0 || (v == 0.0 && !allow_zero) {
        return Err(ValueError::new(
            field.to_string(),
            format!("must be positive, got {v}"),
        ));
    }
    if v > MAX_RATE_PER_S {
        return Err(ValueError::new(
            field.to_string(),
            format!(
                "must be at most {MAX_RATE_PER_S:e} per second (one arrival per microsecond, the clock's resolution), got {v:e}"
            ),
        ));
    }
    Ok(v)
}

fn exp_us(rng: &mut SimRng, mean_us: f64) -> u64 {
    let x: f64 = Exp1.sample(rng);
    if mean_us.is_finite() {
        round_non_negative(x * mean_us)
    } else {
        u64::MAX
    }
}

impl ArrivalSpec {
    /// Checks the parameters and builds the process; the error names the offending field.
    /// `rng` starts a bursty process in its stationary state.
    pub fn validate(&self, rng: &mut SimRng) -> Result<ArrivalProcess, ValueError> {
        let kind = match self {
            ArrivalSpec::Poisson { rate_per_s } => Kind::Poisson {
                mean_gap_us: MICROS_PER_S as f64 / rate("rate_per_s", *rate_per_s, false)?,
            },
            ArrivalSpec::Periodic {
                every,
                start,
                jitter,
            } => {
                if every.as_micros() == 0 {
                    return Err(ValueError::new("every", "must be longer than 0s"));
                }
                let jitter = jitter.unwrap_or_default();
                if jitter > *every {
                    return Err(ValueError::new(
                        "jitter",
                        format!(
                            "({jitter}) must not exceed every ({every}), or timer firings would swap places"
                        ),
                    ));
                }
                Kind::Periodic {
                    every_us: every.as_micros(),
                    jitter_us: jitter.as_micros(),
                    k: 0,
                    start_us: start.unwrap_or_default().as_micros(),
                }
            }
            ArrivalSpec::Diurnal {
                mean_rate_per_s,
                peak_to_trough,
                period,
                peak_at,
            } => {
                let mean = rate("mean_rate_per_s", *mean_rate_per_s, false)?;
                let ratio = peak_to_trough.unwrap_or(4.0);
                if !ratio.is_finite() || ratio < 1.0 {
                    return Err(ValueError::new(
                        "peak_to_trough",
                        format!("must be a number of at least 1, got {ratio}"),
                    ));
                }
                let period = period.unwrap_or(SimDuration::from_secs(86_400));
                if period.as_micros() == 0 {
                    return Err(ValueError::new("period", "must be longer than 0s"));
                }
                let peak = peak_at.unwrap_or(SimDuration::from_secs(14 * 3_600));
                if peak > period {
                    return Err(ValueError::new(
                        "peak_at",
                        format!("({peak}) must lie within the period ({period})"),
                    ));
                }
                // (1 + a) / (1 - a) = ratio.
                let amplitude = (ratio - 1.0) / (ratio + 1.0);
                Kind::Diurnal {
                    mean_gap_us: MICROS_PER_S as f64 / (mean * (1.0 + amplitude)),
                    amplitude,
                    period_us: period.as_micros() as f64,
                    peak_us: peak.as_micros() as f64,
                }
            }
            ArrivalSpec::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                mean_on,
                mean_off,
            } => {
                let on_rate = rate("on_rate_per_s", *on_rate_per_s, false)?;
                let off_rate = rate("off_rate_per_s", off_rate_per_s.unwrap_or(0.0), true)?;
                if mean_on.as_micros() == 0 || mean_off.as_micros() == 0 {
                    return Err(ValueError::new(
                        "mean_on",
                        "and mean_off must be longer than 0s",
                    ));
                }
                let mean_on_us = mean_on.as_micros() as f64;
                let mean_off_us = mean_off.as_micros() as f64;
                // Start in the stationary state: on with probability mean_on / (mean_on + mean_off).
                let on = rng.random::<f64>() < mean_on_us / (mean_on_us + mean_off_us);
                let switch_us = exp_us(rng, if on { mean_on_us } else { mean_off_us });
                let gap = |r: f64| {
                    if r > 0.0 {
                        MICROS_PER_S as f64 / r
                    } else {
                        f64::INFINITY
                    }
                };
                Kind::Bursty {
                    on,
                    gap_on_us: gap(on_rate),
                    gap_off_us: gap(off_rate),
                    mean_on_us,
                    mean_off_us,
                    switch_us,
                }
            }
            ArrivalSpec::Explicit { at } => {
                if let Some(i) = at.windows(2).position(|w| w[1] < w[0]) {
                    return Err(ValueError::new(
                        "at",
                        format!(
                            "must not go back in time: at[{}] = {} comes after at[{i}] = {}",
                            i + 1,
                            at[i + 1],
                            at[i]
                        ),
                    ));
                }
                Kind::Explicit {
                    at: at.clone(),
                    next: 0,
                }
            }
        };
        Ok(ArrivalProcess { kind, t: 0 })
    }

    /// The long-run mean rate [1/s], used to size reports and check scenarios; `None` for explicit lists.
    pub fn mean_rate_per_s(&self) -> Option<f64> {
        match self {
            ArrivalSpec::Poisson { rate_per_s } => Some(*rate_per_s),
            ArrivalSpec::Periodic { every, .. } => Some(1.0 / every.as_secs_f64()),
            ArrivalSpec::Diurnal {
                mean_rate_per_s, ..
            } => Some(*mean_rate_per_s),
            ArrivalSpec::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                mean_on,
                mean_off,
            } => {
                let (on, off) = (mean_on.as_secs_f64(), mean_off.as_secs_f64());
                Some((on_rate_per_s * on + off_rate_per_s.unwrap_or(0.0) * off) / (on + off))
            }
            ArrivalSpec::Explicit { .. } => None,
        }
    }
}

impl ArrivalProcess {
    /// The next arrival, never earlier than the one before; `None` when the process has no more.
    #[inline]
    pub fn next_arrival(&mut self, rng: &mut SimRng) -> Option<SimTime> {
        match &mut self.kind {
            Kind::Poisson { mean_gap_us } => {
                self.t = self.t.saturating_add(exp_us(rng, *mean_gap_us));
                Some(SimTime(self.t))
            }
            Kind::Periodic {
                every_us,
                jitter_us,
                k,
                start_us,
            } => {
                let base = every_us
                    .checked_mul(*k)
                    .and_then(|x| x.checked_add(*start_us))?;
                *k += 1;
                let jitter = if *jitter_us > 0 {
                    rng.random_range(0..*jitter_us)
                } else {
                    0
                };
                Some(SimTime(base.saturating_add(jitter)))
            }
            Kind::Diurnal {
                mean_gap_us,
                amplitude,
                period_us,
                peak_us,
            } => {
                // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with
                // probability rate(t) / peak rate.
                loop {
                    self.t = self.t.saturating_add(exp_us(rng, *mean_gap_us));
                    if self.t == u64::MAX {
                        return None;
                    }
                    let phase = TAU * (self.t as f64 - *peak_us) / *period_us;
                    let keep = (1.0 + *amplitude * phase.cos()) / (1.0 + *amplitude);
                    if rng.random::<f64>() < keep {
                        return Some(SimTime(self.t));
                    }
                }
            }
            Kind::Bursty {
                on,
                gap_on_us,
                gap_off_us,
                mean_on_us,
                mean_off_us,
                switch_us,
            } => loop {
                // Memorylessness: draw the next gap at the current rate; if it ends after the
                // state does, move to the switch and start over in the other state.
                let gap = if *on { *gap_on_us } else { *gap_off_us };
                let candidate = if gap.is_finite() {
                    self.t.saturating_add(exp_us(rng, gap))
                } else {
                    u64::MAX
                };
                if candidate < *switch_us {
                    self.t = candidate;
                    return Some(SimTime(candidate));
                }
                if *switch_us == u64::MAX {
                    return None;
                }
                self.t = *switch_us;
                *on = !*on;
                let mean = if *on { *mean_on_us } else { *mean_off_us };
                *switch_us = self.t.saturating_add(exp_us(rng, mean));
            },
            Kind::Explicit { at, next } => {
                let t = at.get(*next)?;
                *next += 1;
                Some(SimTime(t.as_micros()))
            }
        }
    }
}

/// The Poisson processes of several functions drawn as one: their superposition is a Poisson
/// process of the summed rate, and each of its arrivals belongs to function `i` with
/// probability `rate_i / sum`, independently of everything else (Vose's alias method picks it
/// in O(1)). One pending arrival stands for all of them, so the event queue does not grow
/// with the number of functions. With a single member, its own process and stream are used
/// as they are, draw for draw.
#[derive(Clone, Debug)]
pub struct MergedPoisson {
    process: ArrivalProcess,
    rng: SimRng,
    /// Per column: the probability of keeping it, and the member taken otherwise.
    alias: Vec<(f64, u32)>,
}

impl MergedPoisson {
    /// A merged process of members with these rates [1/s], drawing from `rng`; `None` if
    /// there are none, or the summed rate is beyond [`MAX_RATE_PER_S`] (the merged gaps would
    /// fall below the clock's resolution).
    pub fn new(rates: &[f64], rng: SimRng) -> Option<MergedPoisson> {
        let total: f64 = rates.iter().sum();
        if rates.is_empty() || !(total > 0.0 && total <= MAX_RATE_PER_S) {
            return None;
        }
        let process = ArrivalSpec::Poisson { rate_per_s: total }
            .validate(&mut rng.clone())
            .ok()?;
        Some(MergedPoisson {
            process,
            rng,
            alias: if rates.len() > 1 {
                alias_table(rates, total)
            } else {
                Vec::new()
            },
        })
    }

    /// The next arrival and the index of the member it belongs to.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<(SimTime, usize)> {
        let t = self.process.next_arrival(&mut self.rng)?;
        if self.alias.is_empty() {
            return Some((t, 0));
        }
        let n = self.alias.len();
        // One uniform draw picks the column (integer part) and the coin (fractional part).
        let x = (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * n as f64;
        let column = (x as usize).min(n - 1);
        let (keep, other) = self.alias[column];
        let member = if x - (column as f64) < keep {
            column
        } else {
            other as usize
        };
        Some((t, member))
    }
}

/// Vose's alias table for picking `i` with probability `rates[i] / total`.
fn alias_table(rates: &[f64], total: f64) -> Vec<(f64, u32)> {
    let n = rates.len();
    let mut scaled: Vec<f64> = rates.iter().map(|r| r / total * n as f64).collect();
    let mut table = vec![(1.0, 0u32); n];
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
    while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
        small.pop();
        table[s] = (scaled[s], l as u32);
        scaled[l] -= 1.0 - scaled[s];
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    // What is left keeps its own column (probability 1), up to rounding.
    for i in small.into_iter().chain(large) {
        table[i] = (1.0, i as u32);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    fn take(spec: &ArrivalSpec, n: usize) -> Vec<u64> {
        let mut rng = Streams::new(1).stream();
        let mut p = spec.validate(&mut rng).expect("valid");
        (0..n)
            .map_while(|_| p.next_arrival(&mut rng).map(|t| t.0))
            .collect()
    }

    #[test]
    fn periodic_fires_on_the_dot_without_jitter() {
        let spec = ArrivalSpec::Periodic {
            every: SimDuration::from_secs(1800),
            start: Some(SimDuration::from_secs(60)),
            jitter: None,
        };
        assert_eq!(
            take(&spec, 3),
            vec![60_000_000, 1_860_000_000, 3_660_000_000]
        );
    }

    #[test]
    fn periodic_jitter_stays_inside_its_window() {
        let spec = ArrivalSpec::Periodic {
            every: SimDuration::from_secs(10),
            start: None,
            jitter: Some(SimDuration::from_secs(2)),
        };
        for (k, t) in take(&spec, 1000).into_iter().enumerate() {
            let base = k as u64 * 10_000_000;
            assert!(t >= base && t < base + 2_000_000, "firing {k} at {t}");
        }
    }

    #[test]
    fn explicit_lists_must_not_go_back() {
        let spec = ArrivalSpec::Explicit {
            at: vec![SimDuration(5), SimDuration(3)],
        };
        let err = spec
            .validate(&mut Streams::new(1).stream())
            .expect_err("must fail")
            .to_string();
        assert!(err.contains("at[1]"), "{err}");
    }

    #[test]
    fn every_process_is_monotone() {
        let specs = [
            ArrivalSpec::Poisson { rate_per_s: 50.0 },
            ArrivalSpec::Diurnal {
                mean_rate_per_s: 50.0,
                peak_to_trough: Some(10.0),
                period: Some(SimDuration::from_secs(60)),
                peak_at: None.or(Some(SimDuration::from_secs(30))),
            },
            ArrivalSpec::Bursty {
                on_rate_per_s: 100.0,
                off_rate_per_s: Some(1.0),
                mean_on: SimDuration::from_secs(1),
                mean_off: SimDuration::from_secs(5),
            },
        ];
        for spec in &specs {
            let ts = take(spec, 10_000);
            assert_eq!(ts.len(), 10_000);
            assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{spec:?}");
        }
    }

    #[test]
    fn a_merged_process_shares_arrivals_by_rate() {
        // Rates 1, 2, 3 and 4 per second: shares 0.1, 0.2, 0.3 and 0.4 of 200,000 arrivals.
        let rates = [1.0, 2.0, 3.0, 4.0];
        let mut m = match MergedPoisson::new(&rates, Streams::new(3).stream()) {
            Some(m) => m,
            None => panic!("valid rates"),
        };
        let n = 200_000;
        let mut counts = [0u64; 4];
        let mut last = SimTime::ZERO;
        for _ in 0..n {
            let Some((t, i)) = m.next_arrival() else {
                panic!("a Poisson process never ends")
            };
            assert!(t >= last);
            last = t;
            counts[i] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let p = rates[i] / 10.0;
            // Binomial share: 99.9 % two-sided interval is ±3.29 standard deviations.
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (*c as f64 - n as f64 * p).abs() < 3.29 * sd,
                "member {i}: {c}"
            );
        }
        // The summed rate: n arrivals take n / 10 s, give or take 3.29 sd of a Gamma(n) sum.
        let secs = last.as_micros() as f64 / 1e6;
        let sd = (n as f64).sqrt() / 10.0;
        assert!((secs - n as f64 / 10.0).abs() < 3.29 * sd, "{secs} s");
    }

    #[test]
    fn a_lone_member_draws_as_its_own_process() {
        let spec = ArrivalSpec::Poisson { rate_per_s: 50.0 };
        let own = take(&spec, 100);
        let Some(mut m) = MergedPoisson::new(&[50.0], Streams::new(1).stream()) else {
            panic!("valid rate")
        };
        let merged: Vec<u64> = (0..100)
            .filter_map(|_| m.next_arrival())
            .map(|(t, i)| {
                assert_eq!(i, 0);
                t.as_micros()
            })
            .collect();
        assert_eq!(own, merged);
    }

    #[test]
    fn merging_is_refused_beyond_the_clock_resolution() {
        let rng = Streams::new(1).stream();
        assert!(MergedPoisson::new(&[6e5, 6e5], rng.clone()).is_none());
        assert!(MergedPoisson::new(&[], rng).is_none());
    }
}
