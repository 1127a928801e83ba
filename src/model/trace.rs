//! A trace as the model sees it: how to read its file (the options a scenario gives) and the port through which the engine pulls its arrivals, one at a time.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::dist::TimeDist;
use crate::time::{SimDuration, SimTime};

/// The layout of a trace file.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TraceFormat {
    /// coldsim's own: a header, then one row per invocation. Columns, by name in any order:
    /// `timestamp` (a number in the [`TimeUnit`] since the start, fractions allowed, or an RFC
    /// 3339 instant, the first row's being time 0), `function` (its name), and optionally
    /// `duration_ms` (the handler's time [ms]) and `memory_mb` (1 to 10240); an empty cell of
    /// an optional column means "not given". Other columns are ignored. A function's own
    /// `memory_mb` is its first row's.
    #[default]
    Invocations,
    /// Azure Functions 2021: `app,func,end_timestamp,duration`, both times [s]. The invocation
    /// arrives at `end_timestamp - duration` (at 0 if that is negative: it began before the
    /// trace did) and its exec is `duration`. A function is an (app, func) pair, named by the
    /// first eight characters of each, `7b2c43a2/e3cdb488`, or in full when that short name
    /// is already taken.
    Azure2021,
    /// Azure Functions 2019: `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`, invocation
    /// counts per minute of the day (a file may stop early: minutes 1 to N, no gap). `Trigger`
    /// and unknown columns are ignored. Functions are named like `azure2021`'s
    /// (`app8/func8`, else `app/func`, else `owner/app/func`). The whole file is read on
    /// opening; every function is known from the start. A repeated row is ignored and noted
    /// on the function, as are functions without a durations row or whose app has no memory
    /// row (when those files are given).
    Azure2019,
    /// AWS Lambda's CloudWatch logs: the JSON of `aws logs filter-log-events`, a Logs Insights
    /// CSV export (`@timestamp,@message[,@logStream][,@log]`) or the lines `aws logs tail`
    /// prints, with messages in the text or the JSON log format. Each `REPORT` record is an
    /// invocation: it arrives at its `START` (same stream and request id), else at the
    /// `REPORT` less its durations; its handler time, memory and billed duration are the
    /// record's. Its function is the log group's (`/aws/lambda/NAME`), else `function`, else
    /// the file's name. Other lines are skipped and counted.
    Cloudwatch,
    /// Huawei Cloud's 2025 public per-request traces (Joosen et al., "Serverless Cold Starts
    /// and Where to Find Them", EuroSys 2025): `time_worker,time_frontend,requestID,
    /// clusterName,funcName,podID,userID,totalCost_worker,workerCost,runtimeCost,…`, times and
    /// costs in seconds. A request arrives at `time_worker` (the first row is time 0) and its
    /// handler time is `runtimeCost`; its function is `funcName---userID---POOL` as the release
    /// names it, POOL the first three parts of `podID` (`pool22-300-128`: 300 millicores,
    /// 128 MB), which give its memory.
    Huawei2025,
    /// Huawei Cloud's 2023 public traces (Joosen et al., "How Does It Function?", SoCC 2023):
    /// a day's requests per function and minute, `day,time,0,1,…` (`time` in seconds since the
    /// trace's start, one column per function, an empty cell for none; some counts written as
    /// `2.0`). A row's minute is its `time` less the first row's; its requests are spread
    /// inside the minute as `azure2019`'s are (`spread`). Functions are named by their column.
    Huawei2023,
}

/// The unit of numeric `timestamp`s in the `invocations` format.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Seconds since the start.
    #[default]
    #[serde(alias = "s")]
    Seconds,
    /// Milliseconds since the start.
    #[serde(alias = "ms")]
    Milliseconds,
}

/// How the `azure2019` reader places a minute's `c` invocations inside the minute.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Spread {
    /// At the centres of `c` equal slices of the minute: `(i + 1/2) · 60 s / c` for
    /// `i = 0..c`, rounded down to the microsecond. Draws nothing from the generator.
    Even,
    /// At `c` independent uniform instants (whole microseconds), sorted: a Poisson process
    /// conditioned on its count. The default.
    #[default]
    Poisson,
}

/// How the `azure2019` reader turns an app's memory into its functions' `memory_mb`.
///
/// Azure reports memory per app (all of an app's functions share its instances); a Lambda
/// function has its own. Either way the result is rounded up to a whole MB and kept within
/// Lambda's range, 128 to 10240 MB.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MemoryAssignment {
    /// Every function of the app gets the app's `AverageAllocatedMb`: a function is sized like
    /// the instance that ran it. The default.
    #[default]
    AppAverage,
    /// The app's `AverageAllocatedMb` divided evenly among the app's functions (those in the
    /// invocations file).
    Split,
}

/// How to read a trace.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TraceOptions {
    /// The file's layout.
    pub format: TraceFormat,
    /// Unit of numeric timestamps (`invocations` only).
    pub time_unit: TimeUnit,
    /// Read the whole trace into memory and sort it stably by start time, instead of
    /// refusing rows that go back in time. Memory then grows with the number of rows.
    /// Ignored by `azure2019`, whose arrivals come out in order anyway.
    pub sort: bool,
    /// `function_durations_percentiles.anon.dNN.csv` (`azure2019` only).
    pub durations: Option<PathBuf>,
    /// `app_memory_percentiles.anon.dNN.csv` (`azure2019` only).
    pub memory: Option<PathBuf>,
    /// Placement of arrivals inside a minute (`azure2019` and `huawei2023`).
    pub spread: Spread,
    /// From app memory to function memory (`azure2019` only).
    pub memory_assignment: MemoryAssignment,
    /// Numeric timestamps count from the first row, which becomes time 0, as Unix times and
    /// RFC 3339 instants always do (`invocations` only; the scenario key `from_first_row`).
    /// CloudWatch logs always count from their first invocation.
    /// `coldsim cost` sets it: a bill's window starts at the first invocation.
    #[serde(skip)]
    pub start_at_first_row: bool,
    /// The function of log records whose file names no log group (`cloudwatch` only).
    pub function: Option<String>,
    /// More log files read with the first, merged in time order (`cloudwatch` only).
    pub also: Vec<PathBuf>,
}

/// An arrival from outside the scenario's own processes: a row of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExternalArrival {
    /// When it arrives; never earlier than the source's previous arrival.
    pub at: SimTime,
    /// The source's own index of its function (see [`ArrivalSource::function`]).
    pub function: u32,
    /// Its handler time, replacing the function's exec distribution.
    pub exec: Option<SimDuration>,
    /// Its memory for billing [MB], replacing the function's.
    pub memory_mb: Option<u32>,
    /// Its tenant, when the source names one: the function runs with tenant isolation.
    pub tenant: Option<u32>,
}

/// What a source knows of one of its functions.
#[derive(Clone, Debug)]
pub struct SourceFunction {
    /// The function's name, matched against the scenario's `[[function]]` entries.
    pub name: String,
    /// Its handler time distribution, when the source has one.
    pub exec: Option<TimeDist>,
    /// Its memory [MB], when the source has one.
    pub memory_mb: Option<u32>,
}

/// Arrivals from outside the scenario, in time order: a trace. The engine pulls one at a
/// time, so a source can stream. A source that fails keeps its error for its owner and
/// returns `None`, which ends its arrivals.
pub trait ArrivalSource {
    /// The next arrival, or `None` when there are no more.
    fn next_arrival(&mut self) -> Option<ExternalArrival>;
    /// What the source knows of function `index`; asked once, when its first arrival comes due.
    fn function(&self, index: u32) -> SourceFunction;
}

impl std::fmt::Debug for dyn ArrivalSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ArrivalSource")
    }
}
