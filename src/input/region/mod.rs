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
//!
//! [`Streams`]: crate::rng::Streams

mod config;
mod day;
mod fit;
mod layout;
mod plan;
mod row;
mod summary;
mod timer;
mod write;

pub use config::{Config, MAX_DAYS, MAX_FUNCTIONS, MAX_INVOCATIONS_PER_DAY};
pub use day::{PEAK_MINUTE, PEAK_TO_TROUGH, WEEKEND_FACTOR};
pub use fit::{
    EXEC_LN_MEAN_S, EXEC_LN_SD_S, FUNCTIONS_PER_APP, HOURLY_PER_DAY, MEMORY_BURR, MINUTELY_PER_DAY,
    Trigger, app_rate_ln_params,
};
pub use plan::Region;
pub use summary::Summary;
pub use timer::TIMER_PERIODS_S;
