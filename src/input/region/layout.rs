//! The region laid out one app at a time from one random stream: owners, apps and their functions, each with its trigger, rate, execution time and memory.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, StandardNormal};

use super::config::Config;
use super::fit::{
    EXEC_LN_MEAN_S, EXEC_LN_SD_S, EXEC_MEAN_RANGE_S, EXEC_SPREAD, MAX_APP_PER_DAY, MEMORY_BURR,
    MEMORY_RANGE_MB, MEMORY_SPREAD, Trigger, app_rate_ln_params, apps_per_owner, burr,
    functions_per_app, trigger,
};
use super::timer::Timer;
use crate::rng::{SimRng, Streams};

/// One function as laid out.
#[derive(Clone, Debug)]
pub(super) struct Function {
    /// Its index over the region (0-based).
    pub(super) index: u64,
    pub(super) trigger: Trigger,
    /// Expected invocations on a weekday, before the region's scale [count].
    pub(super) rate: f64,
    /// Set for timers, whose counts ignore `rate`.
    pub(super) timer: Option<Timer>,
    /// Mean execution time [ms].
    pub(super) exec_mean_ms: f64,
    /// ln-sd of its execution times.
    pub(super) exec_spread: f64,
}

/// One app as laid out, with its functions.
#[derive(Clone, Debug, Default)]
pub(super) struct App {
    pub(super) owner: u64,
    pub(super) index: u64,
    /// `AverageAllocatedMb` [MB].
    pub(super) memory_mb: f64,
    /// ln-sd of its minute averages of memory.
    pub(super) memory_spread: f64,
    pub(super) functions: Vec<Function>,
}

/// Draws the region one app at a time, always in the same order from the layout stream.
pub(super) struct Layout {
    rng: SimRng,
    /// Keys of the identifiers of owners, apps and functions.
    pub(super) keys: [u64; 3],
    /// Functions still to lay out.
    left: u64,
    /// Owners started so far.
    pub(super) owners: u64,
    /// Apps the current owner still gets.
    owner_apps_left: u64,
    /// Apps laid out so far.
    pub(super) apps: u64,
    /// Functions laid out so far.
    functions: u64,
    app_rate: (f64, f64),
}

impl Layout {
    pub(super) fn new(config: &Config) -> Layout {
        let mut rng = Streams::new(config.seed).stream();
        let keys = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
        Layout {
            rng,
            keys,
            left: config.functions,
            owners: 0,
            owner_apps_left: 0,
            apps: 0,
            functions: 0,
            app_rate: app_rate_ln_params(),
        }
    }

    /// Lays out the next app into `app`; false once every function has one.
    pub(super) fn next_app(&mut self, app: &mut App) -> bool {
        if self.left == 0 {
            return false;
        }
        let rng = &mut self.rng;
        if self.owner_apps_left == 0 {
            self.owners += 1;
            self.owner_apps_left = apps_per_owner(rng);
        }
        self.owner_apps_left -= 1;
        let k = functions_per_app(rng).min(self.left);
        let (mu, sigma) = self.app_rate;
        let z: f64 = StandardNormal.sample(rng);
        let rate = (mu + sigma * z).exp().min(MAX_APP_PER_DAY);
        app.owner = self.owners - 1;
        app.index = self.apps;
        app.memory_mb = burr(MEMORY_BURR, rng).clamp(MEMORY_RANGE_MB.0, MEMORY_RANGE_MB.1);
        app.memory_spread = rng.random_range(MEMORY_SPREAD.0..MEMORY_SPREAD.1);
        app.functions.clear();
        let mut weights = 0.0;
        for i in 0..k {
            let w: f64 = Exp1.sample(rng);
            weights += w;
            let trigger = trigger(rng);
            let z: f64 = StandardNormal.sample(rng);
            let mean_s = (EXEC_LN_MEAN_S + EXEC_LN_SD_S * z)
                .exp()
                .clamp(EXEC_MEAN_RANGE_S.0, EXEC_MEAN_RANGE_S.1);
            let exec_spread = rng.random_range(EXEC_SPREAD.0..EXEC_SPREAD.1);
            app.functions.push(Function {
                index: self.functions + i,
                trigger,
                rate: w,
                timer: None,
                exec_mean_ms: mean_s * 1_000.0,
                exec_spread,
            });
        }
        for f in &mut app.functions {
            f.rate *= rate / weights;
            if f.trigger == Trigger::Timer {
                let period_s = Timer::period_near(86_400.0 / f.rate);
                let phase_min = rng.random_range(0..(period_s / 60).max(1));
                f.timer = Some(Timer {
                    period_s,
                    phase_min,
                });
            }
        }
        self.apps += 1;
        self.functions += k;
        self.left -= k;
        true
    }
}
