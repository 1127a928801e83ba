//! A region planned: laid out once without writing, to count its apps and owners and to find the scale that brings a weekday's traffic to the target.

use super::config::Config;
use super::layout::{App, Layout};

/// A region laid out once: its size, and the factor that brings its traffic to the target.
#[derive(Clone, Debug)]
pub struct Region {
    pub(super) config: Config,
    /// Multiplies every non-timer function's rate.
    pub(super) scale: f64,
    pub(super) apps: u64,
    pub(super) owners: u64,
    /// Invocations of all timers in a day.
    timer_per_day: u64,
}

impl Region {
    /// Lays the region out once, without writing, to count its apps and owners and to find the
    /// scale of non-timer traffic that makes a weekday's expected total `invocations_per_day`.
    /// Fails when the timers alone fire more often than that (or, with only timers, differently).
    pub fn plan(config: Config) -> Result<Region, String> {
        let mut layout = Layout::new(&config);
        let mut open_per_day = 0.0;
        let mut timer_per_day = 0u64;
        let mut app = App::default();
        while layout.next_app(&mut app) {
            for f in &app.functions {
                match f.timer {
                    Some(t) => timer_per_day += t.per_day(),
                    None => open_per_day += f.rate,
                }
            }
        }
        let scale = match config.invocations_per_day {
            None => 1.0,
            Some(target) if target < timer_per_day => {
                return Err(format!(
                    "invocations-per-day: the region's timers alone fire {timer_per_day} times a day; ask for at least that, got {target}"
                ));
            }
            Some(target) if open_per_day > 0.0 => (target - timer_per_day) as f64 / open_per_day,
            Some(target) if target == timer_per_day => 1.0,
            Some(target) => {
                return Err(format!(
                    "invocations-per-day: every function of the region is a timer, together firing {timer_per_day} times a day, which cannot be scaled to {target}; leave the flag out"
                ));
            }
        };
        Ok(Region {
            config,
            scale,
            apps: layout.apps,
            owners: layout.owners,
            timer_per_day,
        })
    }

    /// Apps of the region.
    pub fn apps(&self) -> u64 {
        self.apps
    }

    /// Invocations of all timers in a day.
    pub fn timer_per_day(&self) -> u64 {
        self.timer_per_day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_below_the_timers_is_refused() {
        let region = |t| Region::plan(Config::new(500, 1, t, 3).expect("valid"));
        let timers = region(None).expect("plans").timer_per_day();
        assert!(timers > 0, "no timer among 500 functions");
        let err = region(Some(timers - 1)).expect_err("refused");
        assert!(err.contains(&timers.to_string()), "{err}");
        assert!(region(Some(timers)).is_ok());
    }
}
