//! Synthetic regions: Azure-Functions-2019-shaped workloads of N functions, written as the dataset's three files per day.
//!
//! `coldsim gen-trace` writes, for each day `NN` of `D`, the three files of the public Azure
//! Functions 2019 dataset (Shahrad et al., "Serverless in the Wild: Characterizing and
//! Optimizing the Serverless Workload at a Large Cloud Provider", USENIX ATC 2020; the trace's
//! description is `AzureFunctionsDataset2019.md` in github.com/Azure/AzurePublicDataset), with
//! exactly the dataset's columns, so that [`crate::input::trace`]'s `azure2019` reader (and any tool
//! written for the real files) reads them:
//!
//! - `invocations_per_function_md.anon.dNN.csv`: `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`,
//!   one row per function, its invocations in each minute of the day;
//! - `function_durations_percentiles.anon.dNN.csv`: `HashOwner,HashApp,HashFunction,Average,Count,
//!   Minimum,Maximum,percentile_Average_0,_1,_25,_50,_75,_99,_100` [ms], one row per function;
//! - `app_memory_percentiles.anon.dNN.csv`: `HashOwner,HashApp,SampleCount,AverageAllocatedMb,
//!   AverageAllocatedMb_pct1,_pct5,_pct25,_pct50,_pct75,_pct95,_pct99,_pct100` [MB], one row per app.
//!
//! # The model, and where each number comes from
//!
//! "The paper" is Shahrad et al.; figures and sections are its. Where it gives no number, the
//! text says "assumed".
//!
//! - **Owners, apps, functions.** Functions come in apps and apps in owners (`HashOwner` groups
//!   the apps of one Azure subscription). Functions per app follow Fig. 1: 54 % of apps have one
//!   function, 95 % at most 10, 0.04 % more than 100 and a couple over 2,000 (§3.1); the steps
//!   in between (16 % with two, 10 % with three, 8 % with four or five) are Fig. 1 as read by
//!   M. Shilkov ("Serverless in the Wild: Azure Functions Production Usage Statistics", 2020).
//!   We draw from the CDF through those points ([`FUNCTIONS_PER_APP`]), interpolated linearly in
//!   log(functions) between them and capped at 2,000 (approximated). Apps per owner: the paper
//!   gives no figure; assumed geometric with mean 1.5 (most owners have one app).
//! - **Daily invocations of an app** are log-normal, fitted through the two points of Fig. 5(a)
//!   that §3.2 states: 45 % of apps are invoked at most once an hour on average (24 a day) and
//!   81 % at most once a minute (1,440 a day). That gives ln-mean μ = 3.691 and ln-sd σ = 4.080
//!   (a median app is invoked 40 times a day). The fit agrees with the rest of §3.2: its
//!   central 95 % span 7 orders of magnitude (the paper: rates vary by over 8 orders of
//!   magnitude from the least to the most invoked), and the most popular 18.6 % of apps carry
//!   99.9 % of its mass (§3.2: 99.6 % of the invocations). Rates are capped at 10^8 a day, the
//!   right end of Fig. 5(a). An app's
//!   rate is split among its functions in uniform random shares (a flat Dirichlet; assumed:
//!   Fig. 5(a) shows that functions are invoked less than apps, not how the rate splits).
//! - **Triggers** (Fig. 2, share of functions): HTTP 55.0 %, queue 15.2 %, event 2.2 %,
//!   orchestration 6.9 %, timer 15.6 %, storage 2.8 %, others 2.2 %, drawn for each function on
//!   its own. Fig. 2's share of *invocations* per trigger (event functions carry 24.7 %, timers
//!   2.0 %) is not targeted: a function's rate comes from its app whatever its trigger, and with
//!   σ ≈ 4 the trigger of the few busiest functions decides those shares.
//! - **Timers are exactly periodic**: the period is the one of [`TIMER_PERIODS_S`] (1 s to 24 h,
//!   the usual CRON steps; assumed, the paper lists none) nearest in ratio to the interval the
//!   function's share of its app's rate asks for, the phase uniform. Every listed period divides
//!   a minute or a day, so the same minutes fire every day, with the same count. Timers ignore
//!   the day's shape, the weekday and `--invocations-per-day`.
//! - **Diurnal and weekly shape** of every other function: its rate in minute m is
//!   `1 + a·cos(2π((m + ½)/1440 − 14/24))` times its mean, `a = 1/3`: a peak twice the trough
//!   (Fig. 4 shows hourly invocations, normalised by their peak, with a diurnal swing over a
//!   baseline of about half the peak), the peak at 14:00 (assumed). Day 1 is a Monday (the
//!   dataset starts on Monday 15 July 2019); Saturdays and Sundays carry [`WEEKEND_FACTOR`] =
//!   0.8 of a weekday (assumed, for the weekly dips of Fig. 4).
//! - **Counts**: a function's invocations in each minute are independent Poisson draws of that
//!   minute's rate (approximated: real traffic is burstier, Fig. 6). A function expecting at most
//!   1,440 invocations in a day draws its day's count, then places each invocation in a minute
//!   with probability proportional to the minute's rate: the same distribution, cheaper.
//! - **Execution time** (Fig. 7): each function's average is log-normal, μ = −0.38 and σ = 2.36
//!   of ln(seconds), the paper's fit (median 0.68 s, mean 11 s: 50 % of functions run for
//!   less than 1 s on average), clamped to 1 ms to 10 min (Azure's consumption plan stops a
//!   function at 10 min). Around that average, each invocation is log-normal with an ln-sd drawn
//!   uniformly in [0.2, 1.0] (assumed; the paper shows no spread within a function). The
//!   percentiles written are that distribution's quantiles, `percentile_Average_0` and `_100`
//!   at 0.1 % and 99.9 % (the dataset's are of 30-second averages: approximated), none above
//!   10 min, `Minimum` and `Maximum` the same two, `Average` the mean and `Count` the day's
//!   invocations.
//! - **Memory** (Fig. 8): each app's `AverageAllocatedMb` is Burr XII with c = 11.652,
//!   k = 0.221 and λ = 107.083, the paper's fit (median 140 MB, 80 % of apps between 103 and
//!   262 MB), kept within 1 MB to 10,240 MB. Its percentiles of minute averages are log-normal
//!   around it with an ln-sd drawn uniformly in [0.05, 0.25] (assumed). `SampleCount` is 12
//!   samples (one every 5 s) for each minute in which the app was invoked (approximated: Azure
//!   keeps an instance longer than that).
//!
//! The dataset writes a durations row only for functions that ran and a memory row only for
//! apps it sampled (and has no memory files for days 13 and 14); here every function and app
//! has its row every day (a function that was not invoked has `Count` 0), so every function a
//! reader meets has a handler time and a memory size.
//!
//! # Streaming and determinism
//!
//! Memory does not grow with invocations, nor with functions: apps are laid out one at a time
//! from one random stream and written at once, a function's row for every day before the next
//! function's. Planning the scale of `--invocations-per-day` lays the region out once more,
//! from the same stream, without writing. Streams come from [`Streams`] in a fixed order (the
//! layout, then one per day, always 14), so the same configuration gives the same bytes and a
//! day's files do not depend on how many days are written. Identifiers are 64 hex digits like
//! the dataset's HMAC-SHA256 hashes, made from a bijective mix of the index, so they never
//! collide.

use std::fmt;
use std::io::{self, Write};

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

use crate::rng::{SimRng, Streams};

/// Most functions a region may have.
pub const MAX_FUNCTIONS: u64 = 10_000_000;
/// Most days a region may span: the dataset's 14.
pub const MAX_DAYS: u32 = 14;
/// Most invocations a weekday may be asked for: about 1.2 million a second, a hundred times a
/// large region, and far inside what a minute's count (`u32`) holds.
pub const MAX_INVOCATIONS_PER_DAY: u64 = 100_000_000_000;

/// Minutes of a day: the columns `1..1440` of the invocations file.
const MINUTES: usize = 1_440;
/// Words of a bit set over the minutes of a day.
const MINUTE_WORDS: usize = MINUTES.div_ceil(64);

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
const MAX_APP_PER_DAY: f64 = 1e8;

/// Apps per owner: geometric with this mean (assumed).
const APPS_PER_OWNER_MEAN: f64 = 1.5;

/// Average execution time of a function: ln(seconds) is normal with this mean (Fig. 7's fit).
pub const EXEC_LN_MEAN_S: f64 = -0.38;
/// Average execution time of a function: ln(seconds) is normal with this deviation (Fig. 7).
pub const EXEC_LN_SD_S: f64 = 2.36;
/// Bounds of a function's average execution time [s]: 1 ms, and Azure's 10-minute limit.
const EXEC_MEAN_RANGE_S: (f64, f64) = (0.001, 600.0);
/// Bounds of the ln-sd of one function's execution times (assumed).
const EXEC_SPREAD: (f64, f64) = (0.2, 1.0);

/// Burr XII fit of apps' average allocated memory [MB] (Fig. 8): `c`, `k`, `λ`.
pub const MEMORY_BURR: (f64, f64, f64) = (11.652, 0.221, 107.083);
/// Bounds of an app's average memory [MB].
const MEMORY_RANGE_MB: (f64, f64) = (1.0, 10_240.0);
/// Bounds of the ln-sd of an app's minute averages of memory (assumed).
const MEMORY_SPREAD: (f64, f64) = (0.05, 0.25);

/// Peak over trough of the diurnal shape (Fig. 4).
pub const PEAK_TO_TROUGH: f64 = 2.0;
/// The minute of the day at which the diurnal shape peaks: 14:00 (assumed).
pub const PEAK_MINUTE: f64 = 14.0 * 60.0;
/// What a Saturday or a Sunday carries of a weekday's traffic (assumed, for Fig. 4's weekly dips).
pub const WEEKEND_FACTOR: f64 = 0.8;

/// Timer periods [s]: 1, 5, 10, 15 and 30 s, 1, 2, 5, 10, 15 and 30 min, 1, 2, 3, 6, 12 and 24 h.
/// Each divides a minute or a day.
pub const TIMER_PERIODS_S: [u32; 17] = [
    1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
];

/// A function expecting at most this many invocations in a day draws the day's count and
/// places each invocation; busier ones draw each minute.
const PLACE_LIMIT: f64 = MINUTES as f64;

/// Standard normal quantiles of the duration percentiles 0 (taken at 0.1 %), 1, 25, 50, 75, 99
/// and 100 (taken at 99.9 %).
const DURATION_Z: [f64; 7] = [
    -3.090_232_306_167_813,
    -2.326_347_874_040_841,
    -0.674_489_750_196_081_7,
    0.0,
    0.674_489_750_196_081_7,
    2.326_347_874_040_841,
    3.090_232_306_167_813,
];
/// Standard normal quantiles of the memory percentiles 1, 5, 25, 50, 75, 95, 99 and 100 (taken
/// at 99.9 %).
const MEMORY_Z: [f64; 8] = [
    -2.326_347_874_040_841,
    -1.644_853_626_951_472_2,
    -0.674_489_750_196_081_7,
    0.0,
    0.674_489_750_196_081_7,
    1.644_853_626_951_472_2,
    2.326_347_874_040_841,
    3.090_232_306_167_813,
];

const INVOCATIONS_HEADER: &str = "HashOwner,HashApp,HashFunction,Trigger";
const DURATIONS_HEADER: &str = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";
const MEMORY_HEADER: &str = "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n";

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

    fn index(self) -> usize {
        self as usize
    }
}

/// The ln-mean and ln-sd of an app's daily invocations: the log-normal through Fig. 5(a)'s
/// points (24 a day, 45 %) and (1,440 a day, 81 %).
pub fn app_rate_ln_params() -> (f64, f64) {
    let sigma = (MINUTELY_PER_DAY.ln() - HOURLY_PER_DAY.ln()) / (Z_81 - Z_45);
    (HOURLY_PER_DAY.ln() - Z_45 * sigma, sigma)
}

/// A checked region to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    functions: u64,
    days: u32,
    invocations_per_day: Option<u64>,
    seed: u64,
}

impl Config {
    /// Checks the settings: 1 to [`MAX_FUNCTIONS`] functions, 1 to [`MAX_DAYS`] days, and
    /// 1 to [`MAX_INVOCATIONS_PER_DAY`] invocations a weekday when given. An error names the
    /// setting first (`functions: ...`).
    pub fn new(
        functions: u64,
        days: u64,
        invocations_per_day: Option<u64>,
        seed: u64,
    ) -> Result<Config, String> {
        if !(1..=MAX_FUNCTIONS).contains(&functions) {
            return Err(format!(
                "functions: must be between 1 and {MAX_FUNCTIONS}, got {functions}"
            ));
        }
        let days = match u32::try_from(days) {
            Ok(d @ 1..=MAX_DAYS) => d,
            _ => {
                return Err(format!(
                    "days: must be between 1 and {MAX_DAYS} (the dataset's two weeks), got {days}"
                ));
            }
        };
        if let Some(n) = invocations_per_day {
            if !(1..=MAX_INVOCATIONS_PER_DAY).contains(&n) {
                return Err(format!(
                    "invocations-per-day: must be between 1 and {MAX_INVOCATIONS_PER_DAY}, got {n}"
                ));
            }
        }
        Ok(Config {
            functions,
            days,
            invocations_per_day,
            seed,
        })
    }
}

/// A region laid out once: its size, and the factor that brings its traffic to the target.
#[derive(Clone, Debug)]
pub struct Region {
    config: Config,
    /// Multiplies every non-timer function's rate.
    scale: f64,
    apps: u64,
    owners: u64,
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

    /// The files [`Region::write`] fills, in its order: per day, invocations, durations, memory.
    pub fn file_names(&self) -> Vec<String> {
        (1..=self.config.days)
            .flat_map(|d| {
                [
                    format!("invocations_per_function_md.anon.d{d:02}.csv"),
                    format!("function_durations_percentiles.anon.d{d:02}.csv"),
                    format!("app_memory_percentiles.anon.d{d:02}.csv"),
                ]
            })
            .collect()
    }

    /// Writes the region into `files`, one per name of [`Region::file_names`] and in that order,
    /// row by row, and returns what it wrote.
    pub fn write<W: Write>(&self, files: &mut [W]) -> io::Result<Summary> {
        let days = self.config.days as usize;
        if files.len() != 3 * days {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} files for {days} days; expected {}",
                    files.len(),
                    3 * days
                ),
            ));
        }
        let mut header = String::from(INVOCATIONS_HEADER);
        for m in 1..=MINUTES {
            header.push(',');
            header.push_str(&m.to_string());
        }
        header.push('\n');
        for day in files.chunks_mut(3) {
            day[0].write_all(header.as_bytes())?;
            day[1].write_all(DURATIONS_HEADER.as_bytes())?;
            day[2].write_all(MEMORY_HEADER.as_bytes())?;
        }

        let shape = Shape::new();
        let mut streams = Streams::new(self.config.seed);
        let _layout_stream = streams.stream();
        let mut day_rngs: Vec<SimRng> = (0..MAX_DAYS).map(|_| streams.stream()).collect();
        let mut layout = Layout::new(&self.config);
        let mut summary = Summary {
            functions: self.config.functions,
            apps: self.apps,
            owners: self.owners,
            days: self.config.days,
            seed: self.config.seed,
            invocations: 0,
            busiest: 0,
            triggers: [(0, 0); 7],
            apps_hourly: 0,
            apps_minutely: 0,
        };
        let mut counts = vec![0u32; MINUTES];
        let mut line: Vec<u8> = Vec::with_capacity(8 * MINUTES);
        let mut app_days = vec![AppDay::default(); days];
        let mut app = App::default();
        while layout.next_app(&mut app) {
            app_days.fill(AppDay::default());
            for f in &app.functions {
                let ids = Ids::of(&layout.keys, app.owner, app.index, f.index);
                let mut function_total = 0u64;
                for (d, (day_files, rng)) in files.chunks_mut(3).zip(&mut day_rngs).enumerate() {
                    let day_total = self.fill_counts(f, d, &shape, rng, &mut counts);
                    function_total += day_total;

                    line.clear();
                    ids.push_function(&mut line);
                    line.push(b',');
                    line.extend_from_slice(f.trigger.name().as_bytes());
                    for &c in &counts {
                        line.push(b',');
                        push_u64(&mut line, u64::from(c));
                    }
                    line.push(b'\n');
                    day_files[0].write_all(&line)?;

                    line.clear();
                    ids.push_function(&mut line);
                    f.push_durations(&mut line, day_total);
                    day_files[1].write_all(&line)?;

                    let a = &mut app_days[d];
                    a.invocations += day_total;
                    for (m, &c) in counts.iter().enumerate() {
                        if c > 0 {
                            a.active[m / 64] |= 1 << (m % 64);
                        }
                    }
                }
                summary.invocations += function_total;
                summary.busiest = summary.busiest.max(function_total);
                let t = &mut summary.triggers[f.trigger.index()];
                t.0 += 1;
                t.1 += function_total;
            }
            let ids = Ids::of(&layout.keys, app.owner, app.index, 0);
            for (day_files, a) in files.chunks_mut(3).zip(&app_days) {
                line.clear();
                ids.push_app(&mut line);
                app.push_memory(&mut line, a);
                day_files[2].write_all(&line)?;
            }
            let per_day = app_days.iter().map(|a| a.invocations).sum::<u64>() as f64 / days as f64;
            summary.apps_hourly += u64::from(per_day <= HOURLY_PER_DAY);
            summary.apps_minutely += u64::from(per_day <= MINUTELY_PER_DAY);
        }
        Ok(summary)
    }

    /// Fills `counts` with function `f`'s invocations in each minute of day `d` (0-based) and
    /// returns their sum.
    fn fill_counts(
        &self,
        f: &Function,
        d: usize,
        shape: &Shape,
        rng: &mut SimRng,
        counts: &mut [u32],
    ) -> u64 {
        counts.fill(0);
        if let Some(t) = f.timer {
            t.fill(counts);
            return t.per_day();
        }
        let weekend = d % 7 >= 5;
        let expected = f.rate * self.scale * if weekend { WEEKEND_FACTOR } else { 1.0 };
        if expected <= PLACE_LIMIT {
            let n = poisson(expected, rng);
            for _ in 0..n {
                let u: f64 = rng.random();
                let m = shape
                    .cumulative
                    .partition_point(|&c| c <= u)
                    .min(MINUTES - 1);
                counts[m] += 1;
            }
            n
        } else {
            let per_minute = expected / MINUTES as f64;
            let mut n = 0;
            for (c, &w) in counts.iter_mut().zip(&shape.weight) {
                // At most MAX_INVOCATIONS_PER_DAY · (1 + a) / 1440 ≈ 9.3e7 expected: a draw
                // beyond u32::MAX has no chance worth naming, and would saturate.
                let k = poisson(per_minute * w, rng);
                *c = u32::try_from(k).unwrap_or(u32::MAX);
                n += u64::from(*c);
            }
            n
        }
    }
}

/// A Poisson draw of mean `lambda`; 0 for a mean of 0. Means here stay far below the largest
/// the sampler takes (1.8e19).
fn poisson(lambda: f64, rng: &mut SimRng) -> u64 {
    Poisson::new(lambda).map_or(0, |p| p.sample(rng) as u64)
}

/// What [`Region::write`] wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Functions.
    pub functions: u64,
    /// Apps.
    pub apps: u64,
    /// Owners.
    pub owners: u64,
    /// Days written.
    pub days: u32,
    /// The seed.
    pub seed: u64,
    /// Invocations over all days.
    pub invocations: u64,
    /// Invocations of the busiest function over all days.
    pub busiest: u64,
    /// Per trigger, in the order of [`Trigger::ALL`]: functions, and their invocations.
    pub triggers: [(u64, u64); 7],
    /// Apps invoked at most once an hour on average (24 a day).
    pub apps_hourly: u64,
    /// Apps invoked at most once a minute on average (1,440 a day).
    pub apps_minutely: u64,
}

impl fmt::Display for Summary {
    /// Three lines for a person: the size, the tail, the trigger mix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |part: u64, whole: u64| 100.0 * part as f64 / whole.max(1) as f64;
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        writeln!(
            f,
            "{} in {} of {}, {}, seed {}: {} invocations ({:.0} a day)",
            plural(self.functions, "function", "functions"),
            plural(self.apps, "app", "apps"),
            plural(self.owners, "owner", "owners"),
            plural(u64::from(self.days), "day", "days"),
            self.seed,
            self.invocations,
            self.invocations as f64 / f64::from(self.days.max(1)),
        )?;
        writeln!(
            f,
            "busiest function: {:.2} % of the invocations; apps invoked at most once an hour on average: {:.1} %, at most once a minute: {:.1} % (Shahrad et al.: 45 %, 81 %)",
            pct(self.busiest, self.invocations),
            pct(self.apps_hourly, self.apps),
            pct(self.apps_minutely, self.apps),
        )?;
        let mix: Vec<String> = Trigger::ALL
            .iter()
            .zip(&self.triggers)
            .map(|(t, &(n, inv))| {
                format!(
                    "{} {:.1} ({:.1})",
                    t.name(),
                    pct(n, self.functions),
                    pct(inv, self.invocations)
                )
            })
            .collect();
        write!(
            f,
            "triggers, % of functions (% of invocations): {}",
            mix.join(", ")
        )
    }
}

/// One function as laid out.
#[derive(Clone, Debug)]
struct Function {
    /// Its index over the region (0-based).
    index: u64,
    trigger: Trigger,
    /// Expected invocations on a weekday, before the region's scale [count].
    rate: f64,
    /// Set for timers, whose counts ignore `rate`.
    timer: Option<Timer>,
    /// Mean execution time [ms].
    exec_mean_ms: f64,
    /// ln-sd of its execution times.
    exec_spread: f64,
}

impl Function {
    /// `,Average,Count,Minimum,Maximum,percentile_Average_0,...,_100\n` of the durations file.
    fn push_durations(&self, line: &mut Vec<u8>, count: u64) {
        let s = self.exec_spread;
        let median = self.exec_mean_ms * (-s * s / 2.0).exp();
        let most_ms = EXEC_MEAN_RANGE_S.1 * 1_000.0;
        let q = DURATION_Z.map(|z| (median * (s * z).exp()).min(most_ms));
        line.push(b',');
        push_decimal(line, self.exec_mean_ms);
        line.push(b',');
        push_u64(line, count);
        // Minimum and Maximum, then the seven percentiles.
        for v in [q[0], q[6]].iter().chain(&q) {
            line.push(b',');
            push_decimal(line, *v);
        }
        line.push(b'\n');
    }
}

/// A periodic timer: `60 / period_s` invocations every minute for periods under a minute, else
/// one in each minute `m` with `m mod (period_s / 60) = phase_min`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timer {
    period_s: u32,
    phase_min: u32,
}

impl Timer {
    /// The listed period nearest in ratio to `interval_s` (ties to the shorter).
    fn period_near(interval_s: f64) -> u32 {
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
    fn per_day(self) -> u64 {
        86_400 / u64::from(self.period_s)
    }

    fn fill(self, counts: &mut [u32]) {
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

/// One app as laid out, with its functions.
#[derive(Clone, Debug, Default)]
struct App {
    owner: u64,
    index: u64,
    /// `AverageAllocatedMb` [MB].
    memory_mb: f64,
    /// ln-sd of its minute averages of memory.
    memory_spread: f64,
    functions: Vec<Function>,
}

impl App {
    /// `,SampleCount,AverageAllocatedMb,_pct1,...,_pct100\n` of the memory file.
    fn push_memory(&self, line: &mut Vec<u8>, day: &AppDay) {
        let minutes: u32 = day.active.iter().map(|w| w.count_ones()).sum();
        line.push(b',');
        push_u64(line, 12 * u64::from(minutes));
        line.push(b',');
        push_decimal(line, self.memory_mb);
        let s = self.memory_spread;
        let median = self.memory_mb * (-s * s / 2.0).exp();
        for z in MEMORY_Z {
            line.push(b',');
            push_decimal(line, median * (s * z).exp());
        }
        line.push(b'\n');
    }
}

/// An app's day, gathered from its functions' rows.
#[derive(Clone, Copy, Debug, Default)]
struct AppDay {
    invocations: u64,
    /// Minutes with at least one invocation, as bits.
    active: [u64; MINUTE_WORDS],
}

/// Draws the region one app at a time, always in the same order from the layout stream.
struct Layout {
    rng: SimRng,
    /// Keys of the identifiers of owners, apps and functions.
    keys: [u64; 3],
    /// Functions still to lay out.
    left: u64,
    /// Owners started so far.
    owners: u64,
    /// Apps the current owner still gets.
    owner_apps_left: u64,
    /// Apps laid out so far.
    apps: u64,
    /// Functions laid out so far.
    functions: u64,
    app_rate: (f64, f64),
}

impl Layout {
    fn new(config: &Config) -> Layout {
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
    fn next_app(&mut self, app: &mut App) -> bool {
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

/// Apps of a new owner: 1 + a geometric number of failures, mean [`APPS_PER_OWNER_MEAN`].
fn apps_per_owner(rng: &mut SimRng) -> u64 {
    // P(more) = q, mean 1 + q / (1 - q) = 1.5 for q = 1/3.
    let q = (APPS_PER_OWNER_MEAN - 1.0) / APPS_PER_OWNER_MEAN;
    let u = 1.0 - rng.random::<f64>();
    1 + (u.ln() / q.ln()).floor() as u64
}

/// Functions of a new app, by inversion of [`FUNCTIONS_PER_APP`]'s CDF: the smallest `k` with
/// `F(k) >= u`, `F` interpolated linearly in `ln k` between the points.
fn functions_per_app(rng: &mut SimRng) -> u64 {
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
fn trigger(rng: &mut SimRng) -> Trigger {
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
fn burr((c, k, lambda): (f64, f64, f64), rng: &mut SimRng) -> f64 {
    let u: f64 = rng.random();
    lambda * ((1.0 - u).powf(-1.0 / k) - 1.0).powf(1.0 / c)
}

/// The diurnal shape over the minutes of a day: weights of mean 1, and their running share.
struct Shape {
    weight: Vec<f64>,
    /// `cumulative[m]`: the share of the day's weight in minutes `0..=m`; the last is 1.
    cumulative: Vec<f64>,
}

impl Shape {
    fn new() -> Shape {
        let a = (PEAK_TO_TROUGH - 1.0) / (PEAK_TO_TROUGH + 1.0);
        let raw: Vec<f64> = (0..MINUTES)
            .map(|m| {
                let phase = (m as f64 + 0.5 - PEAK_MINUTE) / MINUTES as f64;
                1.0 + a * (std::f64::consts::TAU * phase).cos()
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        let weight: Vec<f64> = raw.iter().map(|w| w * MINUTES as f64 / sum).collect();
        let mut running = 0.0;
        let mut cumulative: Vec<f64> = raw
            .iter()
            .map(|w| {
                running += w / sum;
                running
            })
            .collect();
        cumulative[MINUTES - 1] = 1.0;
        Shape { weight, cumulative }
    }
}

/// The three identifiers of a row, each a bijective mix of its index.
struct Ids {
    owner: [u64; 4],
    app: [u64; 4],
    function: [u64; 4],
}

impl Ids {
    fn of(keys: &[u64; 3], owner: u64, app: u64, function: u64) -> Ids {
        Ids {
            owner: hash(keys[0], owner),
            app: hash(keys[1], app),
            function: hash(keys[2], function),
        }
    }

    /// `owner,app,function`.
    fn push_function(&self, line: &mut Vec<u8>) {
        self.push_app(line);
        line.push(b',');
        push_hex(line, &self.function);
    }

    /// `owner,app`.
    fn push_app(&self, line: &mut Vec<u8>) {
        push_hex(line, &self.owner);
        line.push(b',');
        push_hex(line, &self.app);
    }
}

/// 256 bits naming `index`: the first word a bijection of it (distinct indices, distinct
/// names), the others mixed from the first.
fn hash(key: u64, index: u64) -> [u64; 4] {
    let first = mix(index ^ key);
    [
        first,
        mix(first ^ 0x9e37_79b9_7f4a_7c15),
        mix(first ^ 0x3c6e_f372_fe94_f82a),
        mix(first ^ 0xdaa6_6d2c_7ddf_743f),
    ]
}

/// MurmurHash3's 64-bit finaliser: a bijection that scatters nearby inputs.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn push_hex(line: &mut Vec<u8>, words: &[u64; 4]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for w in words {
        for shift in (0..16).rev() {
            line.push(DIGITS[((w >> (4 * shift)) & 0xf) as usize]);
        }
    }
}

fn push_u64(line: &mut Vec<u8>, n: u64) {
    line.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A number with three decimals at most, trailing zeros dropped: `12.5`, `7`, `0.042`.
fn push_decimal(line: &mut Vec<u8>, v: f64) {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    line.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

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

    #[test]
    fn the_diurnal_shape_has_mean_one_and_the_papers_swing() {
        let s = Shape::new();
        let mean = s.weight.iter().sum::<f64>() / MINUTES as f64;
        assert!((mean - 1.0).abs() < 1e-12);
        let (lo, hi) = s
            .weight
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), &w| (l.min(w), h.max(w)));
        // Minute centres miss the exact extremes by half a minute: cos(π/1440) ≈ 1 − 2.4e-6.
        assert!((hi / lo - PEAK_TO_TROUGH).abs() < 1e-5, "{}", hi / lo);
        assert_eq!(s.cumulative[MINUTES - 1], 1.0);
        assert!(s.cumulative.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn identifiers_are_distinct_and_look_like_the_datasets() {
        let mut seen: Vec<[u64; 4]> = (0..10_000).map(|i| hash(12345, i)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000);
        let mut line = Vec::new();
        push_hex(&mut line, &hash(1, 2));
        assert_eq!(line.len(), 64);
        assert!(
            line.iter()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn numbers_are_written_by_fixed_rules() {
        let text = |v: f64| {
            let mut l = Vec::new();
            push_decimal(&mut l, v);
            String::from_utf8(l).expect("ASCII")
        };
        assert_eq!(text(12.5), "12.5");
        assert_eq!(text(7.0), "7");
        assert_eq!(text(0.0424), "0.042");
        assert_eq!(text(1234.5678), "1234.568");
        let mut l = Vec::new();
        for n in [0, 7, 10, 1_440, u64::MAX] {
            push_u64(&mut l, n);
            l.push(b' ');
        }
        assert_eq!(l, b"0 7 10 1440 18446744073709551615 ");
    }

    #[test]
    fn bad_settings_name_themselves() {
        let err = |f, d, t| Config::new(f, d, t, 0).expect_err("refused");
        assert!(err(0, 1, None).starts_with("functions: "));
        assert!(err(MAX_FUNCTIONS + 1, 1, None).starts_with("functions: "));
        assert!(err(10, 0, None).starts_with("days: "));
        assert!(err(10, 15, None).starts_with("days: "));
        assert!(err(10, u64::MAX, None).starts_with("days: "));
        assert!(err(10, 1, Some(0)).starts_with("invocations-per-day: "));
        assert!(err(10, 1, Some(MAX_INVOCATIONS_PER_DAY + 1)).starts_with("invocations-per-day: "));
        assert!(Config::new(MAX_FUNCTIONS, MAX_DAYS.into(), Some(1), 0).is_ok());
    }

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
