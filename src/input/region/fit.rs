//! The paper's fits, each with its source: functions per app (Fig. 1), triggers (Fig. 2), apps' daily invocations (Fig. 5(a)), execution times (Fig. 7), memory (Fig. 8), apps per owner (assumed), and the draws from them.

use rand::RngExt;

use crate::rng::SimRng;

/// Functions per app: points `(k, F(k))` of the CDF of Fig. 1 (and Shilkov's reading of it),
/// interpolated linearly in `ln k` between points.
pub const FUNCTIONS_PER_APP: [(u64, f64); 7] = [
    (1, 0.54),
    (2, 0.70),
    (3, 0.80),
    (5, 0.88),
    (10, 0.95),
    (100, 0.9996),
    (2_000, 1.0),
];

/// Average daily invocations at or below which 45 % of apps lie (once an hour), Fig. 5(a).
pub const HOURLY_PER_DAY: f64 = 24.0;
/// Average daily invocations at or below which 81 % of apps lie (once a minute), Fig. 5(a).
pub const MINUTELY_PER_DAY: f64 = 1_440.0;
/// Φ⁻¹(0.45): the standard normal quantile of the 45 % point.
const Z_45: f64 = -0.125_661_346_855_074;
/// Φ⁻¹(0.81): the standard normal quantile of the 81 % point.
const Z_81: f64 = 0.877_896_295_051_229_6;
/// Most invocations a day an app may have: the right end of Fig. 5(a).
pub(super) const MAX_APP_PER_DAY: f64 = 1e8;

/// Apps per owner: geometric with this mean (assumed).
const APPS_PER_OWNER_MEAN: f64 = 1.5;

/// Average execution time of a function: ln(seconds) is normal with this mean (Fig. 7's fit).
pub const EXEC_LN_MEAN_S: f64 = -0.38;
/// Average execution time of a function: ln(seconds) is normal with this deviation (Fig. 7).
pub const EXEC_LN_SD_S: f64 = 2.36;
/// Bounds of a function's average execution time [s]: 1 ms, and Azure's 10-minute limit.
pub(super) const EXEC_MEAN_RANGE_S: (f64, f64) = (0.001, 600.0);
/// Bounds of the ln-sd of one function's execution times (assumed).
pub(super) const EXEC_SPREAD: (f64, f64) = (0.2, 1.0);

/// Burr XII fit of apps' average allocated memory [MB] (Fig. 8): `c`, `k`, `λ`.
pub const MEMORY_BURR: (f64, f64, f64) = (11.652, 0.221, 107.083);
/// Bounds of an app's average memory [MB].
pub(super) const MEMORY_RANGE_MB: (f64, f64) = (1.0, 10_240.0);
/// Bounds of the ln-sd of an app's minute averages of memory (assumed).
pub(super) const MEMORY_SPREAD: (f64, f64) = (0.05, 0.25);

/// The seven trigger groups of the dataset, in the order of Fig. 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// HTTP requests.
    Http,
    /// Service Bus, Queue Storage, RabbitMQ, Kafka, MQTT.
    Queue,
    /// Event Hub, Event Grid.
    Event,
    /// Durable Functions: activities and orchestrations.
    Orchestration,
    /// Timers (CRON schedules).
    Timer,
    /// Blob Storage, Cosmos DB, Redis, files.
    Storage,
    /// Every other trigger.
    Others,
}

impl Trigger {
    /// Every trigger, in the order of Fig. 2.
    pub const ALL: [Trigger; 7] = [
        Trigger::Http,
        Trigger::Queue,
        Trigger::Event,
        Trigger::Orchestration,
        Trigger::Timer,
        Trigger::Storage,
        Trigger::Others,
    ];

    /// Its name in the dataset's `Trigger` column.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::Http => "http",
            Trigger::Queue => "queue",
            Trigger::Event => "event",
            Trigger::Orchestration => "orchestration",
            Trigger::Timer => "timer",
            Trigger::Storage => "storage",
            Trigger::Others => "others",
        }
    }

    /// Its share of functions [%], Fig. 2 (the seven add up to 99.9).
    pub fn share_pct(self) -> f64 {
        match self {
            Trigger::Http => 55.0,
            Trigger::Queue => 15.2,
            Trigger::Event => 2.2,
            Trigger::Orchestration => 6.9,
            Trigger::Timer => 15.6,
            Trigger::Storage => 2.8,
            Trigger::Others => 2.2,
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// The ln-mean and ln-sd of an app's daily invocations: the log-normal through Fig. 5(a)'s
/// points (24 a day, 45 %) and (1,440 a day, 81 %).
pub fn app_rate_ln_params() -> (f64, f64) {
    let sigma = (MINUTELY_PER_DAY.ln() - HOURLY_PER_DAY.ln()) / (Z_81 - Z_45);
    (HOURLY_PER_DAY.ln() - Z_45 * sigma, sigma)
}

/// Apps of a new owner: 1 + a geometric number of failures, mean [`APPS_PER_OWNER_MEAN`].
pub(super) fn apps_per_owner(rng: &mut SimRng) -> u64 {
    // P(more) = q, mean 1 + q / (1 - q) = 1.5 for q = 1/3.
    let q = (APPS_PER_OWNER_MEAN - 1.0) / APPS_PER_OWNER_MEAN;
    let u = 1.0 - rng.random::<f64>();
    1 + (u.ln() / q.ln()).floor() as u64
}

/// Functions of a new app, by inversion of [`FUNCTIONS_PER_APP`]'s CDF: the smallest `k` with
/// `F(k) >= u`, `F` interpolated linearly in `ln k` between the points.
pub(super) fn functions_per_app(rng: &mut SimRng) -> u64 {
    let u: f64 = rng.random();
    functions_for(u)
}

fn functions_for(u: f64) -> u64 {
    let (first, first_f) = FUNCTIONS_PER_APP[0];
    if u <= first_f {
        return first;
    }
    for pair in FUNCTIONS_PER_APP.windows(2) {
        let ((a, fa), (b, fb)) = (pair[0], pair[1]);
        if u <= fb {
            let t = (u - fa) / (fb - fa);
            let x = a as f64 * (b as f64 / a as f64).powf(t);
            return (x.ceil() as u64).clamp(a + 1, b);
        }
    }
    FUNCTIONS_PER_APP[FUNCTIONS_PER_APP.len() - 1].0
}

/// A trigger, by the shares of Fig. 2.
pub(super) fn trigger(rng: &mut SimRng) -> Trigger {
    let total: f64 = Trigger::ALL.iter().map(|t| t.share_pct()).sum();
    let mut u = rng.random::<f64>() * total;
    for t in Trigger::ALL {
        if u < t.share_pct() {
            return t;
        }
        u -= t.share_pct();
    }
    Trigger::Others
}

/// A Burr XII draw by inversion: `λ ((1 − u)^(−1/k) − 1)^(1/c)`.
pub(super) fn burr((c, k, lambda): (f64, f64, f64), rng: &mut SimRng) -> f64 {
    let u: f64 = rng.random();
    lambda * ((1.0 - u).powf(-1.0 / k) - 1.0).powf(1.0 / c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};

    /// Draws of a sampler from a fixed seed.
    fn draws<T>(n: usize, mut f: impl FnMut(&mut SimRng) -> T) -> Vec<T> {
        let mut rng = SimRng::seed_from_u64(2020);
        (0..n).map(|_| f(&mut rng)).collect()
    }

    /// The share of `n` draws meeting a condition of probability `p` lies within five standard
    /// deviations of `p` (a miss has probability below 6e-7).
    #[track_caller]
    fn binomial(hits: usize, n: usize, p: f64, what: &str) {
        let share = hits as f64 / n as f64;
        let tolerance = 5.0 * (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (share - p).abs() <= tolerance,
            "{what}: {share} of {n} draws, expected {p} ± {tolerance}"
        );
    }

    #[test]
    fn the_app_rate_fit_goes_through_the_papers_points() {
        let (mu, sigma) = app_rate_ln_params();
        assert!((mu - 3.6907).abs() < 1e-3 && (sigma - 4.0798).abs() < 1e-3);
        // Φ(z) by the error function's complement is not in std; check the quantiles instead:
        // exactly 24 and 1,440 a day sit at z = Φ⁻¹(0.45) and Φ⁻¹(0.81).
        assert!(((mu + sigma * Z_45).exp() - 24.0).abs() < 1e-9);
        assert!(((mu + sigma * Z_81).exp() - 1_440.0).abs() < 1e-9);
        let n = 200_000;
        let rates = draws(n, |r| {
            let z: f64 = StandardNormal.sample(r);
            (mu + sigma * z).exp()
        });
        binomial(
            rates.iter().filter(|&&x| x <= 24.0).count(),
            n,
            0.45,
            "≤ 24 a day",
        );
        binomial(
            rates.iter().filter(|&&x| x <= 1_440.0).count(),
            n,
            0.81,
            "≤ 1440 a day",
        );
    }

    #[test]
    fn functions_per_app_follow_figure_one() {
        // Inversion hits the points exactly.
        assert_eq!(functions_for(0.0), 1);
        assert_eq!(functions_for(0.54), 1);
        assert_eq!(functions_for(0.540_001), 2);
        assert_eq!(functions_for(0.70), 2);
        assert_eq!(functions_for(0.80), 3);
        assert_eq!(functions_for(0.88), 5);
        assert_eq!(functions_for(0.95), 10);
        assert_eq!(functions_for(0.9996), 100);
        // F(1999) = 1 − 0.0004 · ln(2000/1999) / ln 20 = 1 − 6.7e-8.
        assert_eq!(functions_for(0.999_999_9), 1_999);
        assert_eq!(functions_for(0.999_999_99), 2_000);
        assert_eq!(functions_for(1.0), 2_000);
        // Halfway (in ln k) from 10 to 100 is √1000 = 31.6: k = 32.
        assert_eq!(functions_for(0.95 + 0.0496 / 2.0), 32);
        let n = 200_000;
        let k = draws(n, functions_per_app);
        binomial(
            k.iter().filter(|&&k| k == 1).count(),
            n,
            0.54,
            "one function",
        );
        binomial(
            k.iter().filter(|&&k| k <= 10).count(),
            n,
            0.95,
            "at most 10",
        );
        binomial(k.iter().filter(|&&k| k <= 3).count(), n, 0.80, "at most 3");
        assert!(k.iter().all(|&k| (1..=2_000).contains(&k)));
    }

    #[test]
    fn triggers_follow_figure_two() {
        let n = 200_000;
        let t = draws(n, trigger);
        for want in Trigger::ALL {
            let p = want.share_pct() / 99.9;
            binomial(t.iter().filter(|&&x| x == want).count(), n, p, want.name());
        }
    }

    #[test]
    fn apps_per_owner_average_one_and_a_half() {
        // Geometric: P(1) = 2/3, P(2) = 2/9.
        let n = 200_000;
        let a = draws(n, apps_per_owner);
        binomial(
            a.iter().filter(|&&a| a == 1).count(),
            n,
            2.0 / 3.0,
            "one app",
        );
        binomial(
            a.iter().filter(|&&a| a == 2).count(),
            n,
            2.0 / 9.0,
            "two apps",
        );
    }

    #[test]
    fn memory_follows_the_burr_fit() {
        // Burr XII CDF: 1 − (1 + (x/λ)^c)^(−k).
        let (c, k, lambda) = MEMORY_BURR;
        let cdf = |x: f64| 1.0 - (1.0 + (x / lambda).powf(c)).powf(-k);
        let median = lambda * (2f64.powf(1.0 / k) - 1.0).powf(1.0 / c);
        assert!((cdf(median) - 0.5).abs() < 1e-12);
        assert!((median - 139.6).abs() < 0.1, "median {median}");
        let n = 200_000;
        let mb = draws(n, |r| burr(MEMORY_BURR, r));
        binomial(
            mb.iter().filter(|&&x| x <= median).count(),
            n,
            0.5,
            "median",
        );
        binomial(
            mb.iter().filter(|&&x| x <= 300.0).count(),
            n,
            cdf(300.0),
            "≤ 300 MB",
        );
        binomial(
            mb.iter().filter(|&&x| x <= 100.0).count(),
            n,
            cdf(100.0),
            "≤ 100 MB",
        );
    }
}
