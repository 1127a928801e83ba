//! Timer functions: exactly periodic, at one of the usual CRON periods, each dividing a minute or a day.

/// Timer periods [s]: 1, 5, 10, 15 and 30 s, 1, 2, 5, 10, 15 and 30 min, 1, 2, 3, 6, 12 and 24 h.
/// Each divides a minute or a day.
pub const TIMER_PERIODS_S: [u32; 17] = [
    1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
];

/// A periodic timer: `60 / period_s` invocations every minute for periods under a minute, else
/// one in each minute `m` with `m mod (period_s / 60) = phase_min`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Timer {
    pub(super) period_s: u32,
    pub(super) phase_min: u32,
}

impl Timer {
    /// The listed period nearest in ratio to `interval_s` (ties to the shorter).
    pub(super) fn period_near(interval_s: f64) -> u32 {
        let mut best = TIMER_PERIODS_S[TIMER_PERIODS_S.len() - 1];
        let mut best_distance = f64::INFINITY;
        if interval_s.is_finite() && interval_s > 0.0 {
            for p in TIMER_PERIODS_S {
                let distance = (f64::from(p).ln() - interval_s.ln()).abs();
                if distance < best_distance {
                    (best, best_distance) = (p, distance);
                }
            }
        }
        best
    }

    /// Invocations in a day.
    pub(super) fn per_day(self) -> u64 {
        86_400 / u64::from(self.period_s)
    }

    pub(super) fn fill(self, counts: &mut [u32]) {
        if self.period_s < 60 {
            counts.fill(60 / self.period_s);
        } else {
            let every = (self.period_s / 60) as usize;
            for c in counts
                .iter_mut()
                .skip(self.phase_min as usize)
                .step_by(every)
            {
                *c = 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::region::day::MINUTES;

    #[test]
    fn timer_periods_snap_to_the_nearest_in_ratio() {
        assert_eq!(Timer::period_near(60.0), 60);
        assert_eq!(Timer::period_near(400.0), 300);
        // √(600 · 900) = 734.8: below goes to 600, above to 900.
        assert_eq!(Timer::period_near(734.0), 600);
        assert_eq!(Timer::period_near(736.0), 900);
        assert_eq!(Timer::period_near(0.01), 1);
        assert_eq!(Timer::period_near(1e9), 86_400);
        assert_eq!(Timer::period_near(f64::INFINITY), 86_400);
        for p in TIMER_PERIODS_S {
            assert!(60 % p == 0 || (p % 60 == 0 && 1_440 % (p / 60) == 0), "{p}");
        }
        let mut counts = vec![0u32; MINUTES];
        Timer {
            period_s: 900,
            phase_min: 7,
        }
        .fill(&mut counts);
        let fired: Vec<usize> = (0..MINUTES).filter(|&m| counts[m] > 0).collect();
        assert_eq!(fired.len(), 96);
        assert!(fired.iter().all(|m| m % 15 == 7 && counts[*m] == 1));
    }
}
