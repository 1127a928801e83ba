//! The scenario file: TOML parsed into raw structs, then validated into a [`Scenario`] the engine trusts.
//!
//! Parse, then validate: serde refuses unknown keys and wrong types; [`Scenario::from_toml`]
//! then checks every value (positive rates, memory, bounds) and resolves `[defaults]`. Every
//! error names the file, the line when it can be found, and the key.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::cost::Arch;
use crate::cost::{CostOptions, InitBilling, Package, PriceSheet};
use crate::model::arrival::ArrivalSpec;
use crate::model::dist::{TimeDist, TimeDistSpec};
use crate::model::keep_alive::EvictionRule;
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat, TraceOptions};
use crate::text::line_at;
use crate::time::{MAX_SPAN, SimDuration};

/// Something wrong with a scenario, naming where.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown key or a value of the wrong type.
    #[error("{}{}: {key}{message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line [1-based], when known.
        line: Option<usize>,
        /// The key path followed by ": ", or empty.
        key: String,
        /// What went wrong.
        message: String,
    },
    /// A value is out of range or inconsistent with another.
    #[error("{}{}: {key}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line [1-based], when known.
        line: Option<usize>,
        /// The key path, like `function[0].arrival.rate_per_s`.
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// Which idle container takes an arrival when several are idle.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Routing {
    /// The most recently used (last to go idle): the default, see the README.
    #[default]
    Mru,
    /// The least recently used (longest idle).
    Lru,
    /// The most recently created.
    Newest,
    /// The least recently created.
    Oldest,
    /// Any idle container, uniformly at random.
    Random,
}

/// Settings of the platform shared by every function.
#[derive(Clone, Debug, PartialEq)]
pub struct Platform {
    /// Containers initializing or executing at once, over all functions (AWS default 1000).
    pub account_concurrency: u32,
    /// Which idle container takes an arrival.
    pub routing: Routing,
    /// A container at least this old is retired when it next goes idle, and an idle one when it reaches this age.
    pub max_lifetime: Option<SimDuration>,
    /// Memory of the pool [GB of 1024 MB], when bounded; a full pool evicts idle containers.
    pub capacity_gb: Option<f64>,
    /// Which idle container a full pool evicts.
    pub eviction: EvictionRule,
    /// The database's connection limit, reported against the connections containers hold.
    pub max_connections: Option<u64>,
    /// Scaling rate: at most `scale_environments` new containers per function every
    /// `scale_every` (AWS since November 2023: 1000 every 10 s); `None` for unlimited.
    pub scaling: Option<(u32, SimDuration)>,
}

/// How a function is invoked.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum InvocationType {
    /// The caller waits; over a limit it gets HTTP 429 and does not retry (throttled).
    #[default]
    Sync,
    /// Queued by the platform; over a limit it is retried with backoff (1 s doubling to 5 min)
    /// until its age reaches `max_event_age`, then dropped.
    Async,
}

/// One function, every setting resolved and validated.
#[derive(Clone, Debug)]
pub struct Function {
    /// Unique name.
    pub name: String,
    /// Configured memory [MB].
    pub memory_mb: u32,
    /// Set by its own `[[function]]` entry (not by `[defaults]`): wins over a trace's rows.
    pub memory_pinned: bool,
    /// Architecture.
    pub arch: Arch,
    /// Its own arrival process; `None` for a function whose invocations come from a trace only.
    pub arrival: Option<ArrivalSpec>,
    /// Runtime start plus the code outside the handler, once per container.
    pub init: TimeDist,
    /// The handler's time; `None` only when a trace gives every invocation's time.
    pub exec: Option<TimeDist>,
    /// Set by its own `[[function]]` entry (not by `[defaults]`): wins over a trace's rows.
    pub exec_pinned: bool,
    /// The handler's time on a container's first invocation; `None` means `exec`.
    pub cold_exec: Option<TimeDist>,
    /// What happens to its idle containers.
    pub keep_alive: KeepAliveSpec,
    /// A reserved share of the account's concurrency, which is also its cap.
    pub reserved_concurrency: Option<u32>,
    /// Zip archive or container image, for the legacy INIT billing rule and runtime presets.
    pub package: Package,
    /// Whether its init preset is a custom runtime (`provided.*`), for the legacy INIT rule.
    pub custom_runtime: bool,
    /// The runtime whose measured INIT times `init` samples, when it is a preset: measured at
    /// the function's own size (so never scaled by `cpu_fraction`), and looked up again at the
    /// new size by a memory what-if.
    pub init_runtime: Option<String>,
    /// Ephemeral storage [MB]; 512 is included in the price.
    pub ephemeral_storage_mb: u32,
    /// Containers kept initialized from the start of the run to its end.
    pub provisioned_concurrency: u32,
    /// Synthetic pings that keep containers warm, if any.
    pub warmer: Option<Warmer>,
    /// Connections each alive container holds open (opened by the code outside the handler).
    pub connections: u32,
    /// Share of init and exec time spent computing (the rest waits on I/O), at
    /// `reference_memory_mb`: the part that speeds up with the CPU that memory buys.
    pub cpu_fraction: f64,
    /// The memory size at which the init and exec distributions were measured [MB].
    pub reference_memory_mb: u32,
    /// Set-up time [ms] that the code outside the handler spends (part of `init`); with it,
    /// `coldsim run` also reports the what-if of doing it in every invocation instead.
    pub setup_in_handler_ms: Option<f64>,
    /// Synchronous or asynchronous invocation.
    pub invocation: InvocationType,
    /// An asynchronous event older than this is dropped instead of retried.
    pub max_event_age: SimDuration,
    /// How provisioned concurrency changes over time; `None` keeps `provisioned_concurrency`.
    pub scaling: Option<Scaling>,
}

/// Provisioned concurrency that changes over time.
#[derive(Clone, Debug, PartialEq)]
pub enum Scaling {
    /// A time-of-day schedule, repeating every `period`: from each step's offset in the
    /// period, its number of containers.
    Schedule {
        /// The schedule's period.
        period: SimDuration,
        /// (offset in the period, containers), by offset.
        steps: Vec<(SimDuration, u32)>,
    },
    /// Target tracking on utilization, as AWS Application Auto Scaling does: every `interval`,
    /// the level wanted is the interval's peak of busy containers over `utilization`, within
    /// `[min, max]`; it scales out after `out_after` intervals in a row want more, and in after
    /// `in_after` intervals in a row want less.
    Target {
        /// Target utilization of the provisioned containers, in (0, 1].
        utilization: f64,
        /// Fewest containers.
        min: u32,
        /// Most containers.
        max: u32,
        /// The measuring interval.
        interval: SimDuration,
        /// Intervals in a row above target before scaling out.
        out_after: u32,
        /// Intervals in a row below target before scaling in.
        in_after: u32,
    },
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawStep {
    at: SimDuration,
    containers: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    period: Option<SimDuration>,
    steps: Vec<RawStep>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    utilization: Option<f64>,
    min: Option<u32>,
    max: u32,
    interval: Option<SimDuration>,
    out_after: Option<u32>,
    in_after: Option<u32>,
}

impl RawSchedule {
    fn validate(&self) -> Result<Scaling, String> {
        let period = self.period.unwrap_or(SimDuration::from_secs(86_400));
        if period.as_micros() == 0 {
            return Err("period must be longer than 0s".into());
        }
        if self.steps.is_empty() {
            return Err("steps must hold at least one { at, containers }".into());
        }
        let mut steps: Vec<(SimDuration, u32)> =
            self.steps.iter().map(|s| (s.at, s.containers)).collect();
        if let Some(i) = steps.windows(2).position(|w| w[1].0 <= w[0].0) {
            return Err(format!(
                "steps must be in increasing order of at: steps[{}] ({}) does not come after steps[{i}]",
                i + 1,
                steps[i + 1].0
            ));
        }
        if let Some(s) = steps.iter().find(|s| s.0 >= period) {
            return Err(format!(
                "step at {} lies outside the period ({period})",
                s.0
            ));
        }
        steps.shrink_to_fit();
        Ok(Scaling::Schedule { period, steps })
    }
}

impl RawTarget {
    fn validate(&self) -> Result<Scaling, String> {
        let utilization = self.utilization.unwrap_or(0.7);
        if !(utilization > 0.0 && utilization <= 1.0) {
            return Err(format!(
                "utilization must be in (0, 1], got {}",
                shown(utilization)
            ));
        }
        let min = self.min.unwrap_or(0);
        if min > self.max {
            return Err(format!("min ({min}) must not exceed max ({})", self.max));
        }
        let interval = self.interval.unwrap_or(SimDuration::from_secs(60));
        if interval.as_micros() == 0 {
            return Err("interval must be longer than 0s".into());
        }
        Ok(Scaling::Target {
            utilization,
            min,
            max: self.max,
            interval,
            out_after: self.out_after.unwrap_or(3).max(1),
            in_after: self.in_after.unwrap_or(15).max(1),
        })
    }
}

/// A warmer (as the popular warm-up plugins do): every `every`, `containers` simultaneous pings
/// of `ping` each, from time 0, so that as many containers stay warm. Pings are billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warmer {
    /// The period of the pings.
    pub every: SimDuration,
    /// Simultaneous pings each period: the containers kept warm.
    pub containers: u32,
    /// The handler's time on a ping.
    pub ping: SimDuration,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawWarmer {
    every: SimDuration,
    containers: Option<u32>,
    ping_ms: Option<f64>,
}

impl RawWarmer {
    fn validate(&self) -> Result<Warmer, String> {
        if self.every.as_micros() == 0 {
            return Err("every must be longer than 0s".into());
        }
        let containers = self.containers.unwrap_or(1);
        if !(1..=10_000).contains(&containers) {
            return Err(format!(
                "containers must be between 1 and 10000, got {containers}"
            ));
        }
        let ping_ms = self.ping_ms.unwrap_or(1.0);
        if !(ping_ms.is_finite() && ping_ms >= 0.0) {
            return Err(format!("ping_ms must be 0 or more, got {ping_ms}"));
        }
        span_ms("ping_ms", ping_ms)?;
        Ok(Warmer {
            every: self.every,
            containers,
            ping: SimDuration::from_millis_f64(ping_ms),
        })
    }
}

/// Parses a compact warmer spec: `5m` (one container) or `5m,3` (three).
pub fn parse_warmer(text: &str) -> Result<Warmer, String> {
    let (every, n) = text.split_once(',').unwrap_or((text, "1"));
    RawWarmer {
        every: SimDuration::parse(every)?,
        containers: Some(n.parse().map_err(|_| {
            format!("warmer:{text}: write warmer:EVERY[,CONTAINERS], like warmer:5m,2")
        })?),
        ping_ms: None,
    }
    .validate()
}

/// The settings a function takes when it appears only in a trace: `[defaults]`, validated.
#[derive(Clone, Debug, Default)]
pub struct Template {
    /// Memory [MB], when set.
    pub memory_mb: Option<u32>,
    /// Architecture.
    pub arch: Arch,
    /// Init time, when set (resolved per function, since a runtime's depends on its memory).
    pub init: Option<InitSpec>,
    /// Handler time, when set.
    pub exec: Option<TimeDist>,
    /// First-invocation handler time, when set.
    pub cold_exec: Option<TimeDist>,
    /// Keep-alive policy.
    pub keep_alive: KeepAliveSpec,
    /// Package type.
    pub package: Package,
    /// Ephemeral storage [MB].
    pub ephemeral_storage_mb: u32,
    /// Invocation type.
    pub invocation: InvocationType,
    /// Maximum event age of asynchronous invocations.
    pub max_event_age: SimDuration,
    /// Connections each alive container holds open.
    pub connections: u32,
}

impl Scenario {
    /// The function a trace names: its `[[function]]` entry if there is one (whose own
    /// `memory_mb` and `exec` win over the trace, rows included), else `[defaults]` with the
    /// trace's own handler time and memory where it gives them.
    pub fn trace_function(
        &self,
        name: &str,
        exec: Option<TimeDist>,
        memory_mb: Option<u32>,
    ) -> Result<Function, String> {
        if let Some(f) = self.functions.iter().find(|f| f.name == name) {
            let mut f = f.clone();
            if f.exec.is_none() {
                f.exec = exec;
            }
            return Ok(f);
        }
        let d = &self.defaults;
        let spec = d.init.as_ref().ok_or_else(|| {
            format!("function {name:?} of the trace has no init time: set init in [defaults]")
        })?;
        let memory_mb = memory_mb.or(d.memory_mb).unwrap_or(DEFAULT_MEMORY_MB);
        let init = spec
            .resolve(d.arch, memory_mb, d.package)
            .map_err(|e| format!("function {name:?} of the trace: init: {e}"))?;
        Ok(Function {
            name: name.to_string(),
            custom_runtime: spec.is_custom_runtime(),
            init_runtime: spec.runtime().map(str::to_string),
            memory_mb,
            memory_pinned: false,
            exec_pinned: false,
            arch: d.arch,
            arrival: None,
            init,
            exec: exec.or_else(|| d.exec.clone()),
            cold_exec: d.cold_exec.clone(),
            keep_alive: d.keep_alive.clone(),
            reserved_concurrency: None,
            package: d.package,
            ephemeral_storage_mb: d.ephemeral_storage_mb,
            provisioned_concurrency: 0,
            warmer: None,
            scaling: None,
            invocation: d.invocation,
            max_event_age: d.max_event_age,
            connections: d.connections,
            setup_in_handler_ms: None,
            cpu_fraction: 0.0,
            reference_memory_mb: memory_mb,
        })
    }
}

impl Scenario {
    /// The keep-alive policy a function has here: its `[[function]]` entry's, else `[defaults]`'.
    pub fn keep_alive_of(&self, name: &str) -> KeepAliveSpec {
        self.functions.iter().find(|f| f.name == name).map_or_else(
            || self.defaults.keep_alive.clone(),
            |f| f.keep_alive.clone(),
        )
    }

    /// The what-if of `setup_in_handler_ms`: every function that sets it moves that set-up
    /// from init into every invocation (init shorter, exec and cold_exec longer by it, and its
    /// connections opened per invocation, so none held by idle containers). Handler times a
    /// trace gives are left as they are. `None` when no function sets it.
    pub fn setup_in_handler(&self) -> Option<Scenario> {
        if self
            .functions
            .iter()
            .all(|f| f.setup_in_handler_ms.is_none())
        {
            return None;
        }
        let mut s = self.clone();
        for f in &mut s.functions {
            let Some(ms) = f.setup_in_handler_ms else {
                continue;
            };
            let us = SimDuration::from_millis_f64(ms).as_micros() as i64;
            let shift = |d: TimeDist, by: i64| TimeDist::Shifted(Box::new(d), by);
            f.init = shift(f.init.clone(), -us);
            f.exec = f.exec.take().map(|d| shift(d, us));
            f.cold_exec = f.cold_exec.take().map(|d| shift(d, us));
            f.connections = 0;
        }
        Some(s)
    }
}

/// How runs are priced.
#[derive(Clone, Debug, PartialEq)]
pub struct CostConfig {
    /// The price sheet.
    pub sheet: PriceSheet,
    /// Where the sheet came from: "built-in" or its path.
    pub source: String,
    /// Billing options.
    pub options: CostOptions,
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            sheet: PriceSheet::aws_us_east_1(),
            source: "built-in".into(),
            options: CostOptions::default(),
        }
    }
}

/// A validated scenario: what the engine runs.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name, used for the output folder.
    pub name: String,
    /// Seed of the run's generator.
    pub seed: u64,
    /// Arrivals are generated in `[0, duration)`; the run ends at `duration`. `None` only with a
    /// trace: the run then ends when the trace's last invocation has finished.
    pub duration: Option<SimDuration>,
    /// Statistics ignore `[0, warmup)`.
    pub warmup: SimDuration,
    /// Platform settings.
    pub platform: Platform,
    /// The functions, in file order.
    pub functions: Vec<Function>,
    /// `[defaults]`, resolved: the settings of functions that appear only in a trace.
    pub defaults: Template,
    /// Prices and billing rules.
    pub cost: CostConfig,
    /// The traffic file that drives the run, with or beside the functions' own processes.
    pub trace: Option<TraceSpec>,
}

/// A trace to read: `[workload] trace = { path = "traffic.csv", format = "invocations" }`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSpec {
    /// The file, relative paths resolved against the scenario's folder.
    pub path: PathBuf,
    /// How to read it (its side files resolved the same way).
    pub options: TraceOptions,
    /// Traffic scale: 2 replays every row twice, 0.5 keeps each row with probability one half.
    pub scale: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    seed: Option<u64>,
    duration: Option<SimDuration>,
    warmup: Option<SimDuration>,
    #[serde(default)]
    platform: RawPlatform,
    #[serde(default)]
    defaults: RawFunction,
    #[serde(default, rename = "function")]
    functions: Vec<RawFunction>,
    #[serde(default)]
    cost: RawCost,
    #[serde(default)]
    workload: RawWorkload,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkload {
    trace: Option<RawTrace>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrace {
    path: PathBuf,
    format: Option<TraceFormat>,
    time_unit: Option<TimeUnit>,
    sort: Option<bool>,
    durations: Option<PathBuf>,
    memory: Option<PathBuf>,
    spread: Option<Spread>,
    memory_assignment: Option<MemoryAssignment>,
    scale: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCost {
    prices: Option<PathBuf>,
    init_billing: Option<InitBilling>,
    free_tier: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    account_concurrency: Option<u32>,
    routing: Option<Routing>,
    max_lifetime: Option<SimDuration>,
    capacity_gb: Option<f64>,
    eviction: Option<EvictionRule>,
    scale_environments: Option<u32>,
    scale_every: Option<SimDuration>,
    max_connections: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunction {
    name: Option<String>,
    memory_mb: Option<u32>,
    arch: Option<Arch>,
    arrival: Option<ArrivalSpec>,
    init: Option<InitSpec>,
    exec: Option<TimeDistSpec>,
    cold_exec: Option<TimeDistSpec>,
    keep_alive: Option<KeepAliveSpec>,
    reserved_concurrency: Option<u32>,
    package: Option<Package>,
    ephemeral_storage_mb: Option<u32>,
    provisioned_concurrency: Option<u32>,
    warmer: Option<RawWarmer>,
    invocation: Option<InvocationType>,
    max_event_age: Option<SimDuration>,
    connections: Option<u32>,
    setup_in_handler_ms: Option<f64>,
    cpu_fraction: Option<f64>,
    reference_memory_mb: Option<u32>,
    provisioned_schedule: Option<RawSchedule>,
    provisioned_target: Option<RawTarget>,
}

/// An init time as written in a scenario: a distribution, or `{ runtime = "python3.12" }` for
/// the measured INIT times of a runtime at the function's arch, memory and package.
#[derive(Clone, Debug, PartialEq)]
pub enum InitSpec {
    /// A time distribution.
    Dist(TimeDistSpec),
    /// A runtime's measured INIT times (see `preset`).
    Runtime(String),
}

impl<'de> Deserialize<'de> for InitSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let table = toml::Table::deserialize(deserializer)?;
        if table.contains_key("runtime") {
            if let Some(extra) = table.keys().find(|k| *k != "runtime") {
                return Err(D::Error::custom(format!(
                    "unknown field `{extra}` next to `runtime`: write {{ runtime = \"python3.12\" }} alone"
                )));
            }
            return match &table["runtime"] {
                toml::Value::String(r) => Ok(InitSpec::Runtime(r.clone())),
                other => Err(D::Error::custom(format!(
                    "runtime must be a string like \"python3.12\", got {other}"
                ))),
            };
        }
        TimeDistSpec::deserialize(toml::Value::Table(table))
            .map(InitSpec::Dist)
            .map_err(|e| D::Error::custom(e.message().trim()))
    }
}

impl InitSpec {
    /// The init distribution of a function with this arch, memory and package.
    pub fn resolve(
        &self,
        arch: Arch,
        memory_mb: u32,
        package: Package,
    ) -> Result<TimeDist, String> {
        match self {
            InitSpec::Dist(d) => validate_dist(d),
            InitSpec::Runtime(r) => crate::input::preset::init_preset(r, arch, memory_mb, package),
        }
    }

    /// The runtime it names, if it is a preset.
    pub fn runtime(&self) -> Option<&str> {
        match self {
            InitSpec::Runtime(r) => Some(r),
            InitSpec::Dist(_) => None,
        }
    }

    /// Whether it names a custom runtime (`provided.*`), whose INIT the legacy rule billed.
    pub fn is_custom_runtime(&self) -> bool {
        matches!(self, InitSpec::Runtime(r) if r.contains("provided"))
    }
}

/// Lambda's default (and largest) maximum event age for asynchronous invocations.
pub const DEFAULT_MAX_EVENT_AGE: SimDuration = SimDuration::from_secs(6 * 3600);

/// Memory at which Lambda gives a function one full vCPU [MB]; CPU share grows in proportion
/// to memory up to it (AWS documentation), and a single-threaded handler gains nothing beyond.
pub const ONE_VCPU_MB: u32 = 1_769;

impl Function {
    /// How much longer (or shorter) its init and exec times are at `memory_mb` than at
    /// `reference_memory_mb`: the CPU-bound share scales with the CPU share, min(memory,
    /// 1769 MB) / 1769 MB, and the rest does not.
    pub fn time_factor(&self) -> f64 {
        let cpu = |mb: u32| f64::from(mb.min(ONE_VCPU_MB));
        let f = self.cpu_fraction;
        (1.0 - f) + f * cpu(self.reference_memory_mb) / cpu(self.memory_mb)
    }

    /// The factor on its init times: [`Function::time_factor`], except for a runtime's measured
    /// INIT times, which were measured at the function's own size.
    pub fn init_factor(&self) -> f64 {
        if self.init_runtime.is_some() {
            1.0
        } else {
            self.time_factor()
        }
    }

    /// The memory what-if: the same function at `memory_mb`. Its times stay those measured at
    /// `reference_memory_mb` (the size the file gives), scaled by [`Function::time_factor`]; a
    /// runtime's init preset is looked up again at the new size; the size applies to every
    /// invocation, a trace's rows included. Every command that varies memory (compare, plan,
    /// sweep) makes the same function.
    pub fn with_memory(&self, memory_mb: u32) -> Result<Function, String> {
        let mut f = self.clone();
        f.memory_mb = memory_mb;
        f.memory_pinned = true;
        if let Some(r) = &f.init_runtime {
            f.init = crate::input::preset::init_preset(r, f.arch, memory_mb, f.package)
                .map_err(|e| format!("function {:?}: init: {e}", f.name))?;
        }
        Ok(f)
    }
}

/// The default memory size [MB]: Lambda's own default.
pub const DEFAULT_MEMORY_MB: u32 = 128;
/// The largest memory size Lambda offers [MB].
pub const MAX_MEMORY_MB: u32 = 10_240;
/// Lambda's default account concurrency.
pub const DEFAULT_ACCOUNT_CONCURRENCY: u32 = 1_000;
/// The largest scenario file read [bytes]: 64 MiB, room for the most functions a run may have.
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;
/// The highest account concurrency a scenario may set: memory grows with the containers
/// alive at once, which the account's concurrency and provisioned concurrency bound.
pub const MAX_ACCOUNT_CONCURRENCY: u32 = 1_000_000;
/// The most functions a run may have: `[[function]]` entries, or distinct functions of a
/// trace. Memory grows with functions (each has its own statistics and latency histograms).
pub const MAX_FUNCTIONS: usize = 100_000;
/// The most invocations a run may expect, timer events (warmer pings, provisioned-concurrency
/// steps and ticks) included: 10^12, a day of work at ten million events a second. A scenario
/// whose arrival processes' mean rates times its duration add up to more is refused.
pub const MAX_INVOCATIONS: u64 = 1_000_000_000_000;

/// Checks a time distribution and builds it: [`TimeDistSpec::validate`], and no time
/// parameter longer than [`MAX_SPAN`].
fn validate_dist(spec: &TimeDistSpec) -> Result<TimeDist, String> {
    let dist = spec.validate()?;
    match spec {
        TimeDistSpec::Constant { ms } => span_ms("ms", *ms)?,
        TimeDistSpec::Exponential { mean_ms } => span_ms("mean_ms", *mean_ms)?,
        TimeDistSpec::Lognormal {
            mean_ms,
            stddev_ms,
            p50_ms,
            p99_ms,
        } => {
            for (key, ms) in [
                ("mean_ms", mean_ms),
                ("stddev_ms", stddev_ms),
                ("p50_ms", p50_ms),
                ("p99_ms", p99_ms),
            ] {
                if let Some(ms) = ms {
                    span_ms(key, *ms)?;
                }
            }
        }
        TimeDistSpec::Uniform { min_ms, max_ms } => {
            span_ms("min_ms", *min_ms)?;
            span_ms("max_ms", *max_ms)?;
        }
        TimeDistSpec::Empirical { samples_ms } => {
            for (i, &ms) in samples_ms.iter().enumerate() {
                span_ms(&format!("samples_ms[{i}]"), ms)?;
            }
        }
    }
    Ok(dist)
}

/// A number as a message shows it: plainly, or in scientific notation when huge or tiny
/// (`1e300`, not three hundred digits).
fn shown(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-6..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Refuses a time [ms] longer than [`MAX_SPAN`], naming its key.
fn span_ms(key: &str, ms: f64) -> Result<(), String> {
    too_long_ms(ms).map_or(Ok(()), |m| Err(format!("{key} {m}")))
}

/// What is wrong with a time [ms] longer than [`MAX_SPAN`], if it is.
fn too_long_ms(ms: f64) -> Option<String> {
    let max_ms = MAX_SPAN.as_millis_f64();
    (ms > max_ms).then(|| {
        format!(
            "must be at most {max_ms:e} ms ({MAX_SPAN}, 1000 years), got {}",
            shown(ms)
        )
    })
}

/// What a function makes the engine do over `duration`, by the key that causes it: its
/// arrivals (mean rate times duration), its warmer's pings, its provisioned-concurrency steps
/// or ticks. Expected counts, as `f64` (they may be absurdly large).
fn expected_events(f: &Function, duration: SimDuration) -> [(&'static str, f64); 3] {
    let seconds = duration.as_secs_f64();
    let per = |every: SimDuration| seconds / every.as_secs_f64().max(1e-6);
    let arrivals = match &f.arrival {
        Some(ArrivalSpec::Explicit { at }) => at.len() as f64,
        Some(a) => a.mean_rate_per_s().unwrap_or(0.0) * seconds,
        None => 0.0,
    };
    let pings = f
        .warmer
        .map_or(0.0, |w| per(w.every) * f64::from(w.containers));
    let scaling = match &f.scaling {
        None => ("provisioned_concurrency", 0.0),
        Some(Scaling::Schedule { period, steps }) => {
            ("provisioned_schedule", per(*period) * steps.len() as f64)
        }
        Some(Scaling::Target { interval, .. }) => ("provisioned_target", per(*interval)),
    };
    [("arrival", arrivals), ("warmer", pings), scaling]
}

/// A position in the TOML tree, for locating a line.
#[derive(Clone, Debug)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

struct Checker<'a> {
    path: &'a Path,
    doc: Option<toml_edit::Document<&'a str>>,
    text: &'a str,
    /// The scenario as its file has it, when this text is a what-if edit of it: the sizes its
    /// functions' times were measured at.
    written: Option<&'a Scenario>,
}

impl Checker<'_> {
    fn line_of(&self, segs: &[Seg]) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let mut item = doc.as_item();
        let mut best = None;
        for seg in segs {
            let next = match seg {
                Seg::Key(k) => item.get(*k),
                Seg::Index(i) => item.get(*i),
            };
            match next {
                Some(n) => {
                    item = n;
                    if let Some(span) = item.span() {
                        best = Some(span.start);
                    }
                }
                None => break,
            }
        }
        best.map(|offset| line_at(self.text, offset))
    }

    fn invalid(&self, segs: &[Seg], message: impl Into<String>) -> ScenarioError {
        let mut key = String::new();
        let mut previous = None;
        for seg in segs {
            match seg {
                Seg::Key(k) => {
                    if !key.is_empty() {
                        key.push('.');
                    }
                    key.push_str(k);
                    previous = Some(*k);
                }
                Seg::Index(i) => {
                    key.push_str(&function_label(self.doc.as_ref(), previous, *i));
                    previous = None;
                }
            }
        }
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line_of(segs),
            key,
            message: message.into(),
        }
    }
}

/// How a key path shows element `i` of the array `array`: ` "checkout-api"` for a
/// `[[function]]` whose valid name is given once in the file, else `[i]`.
fn function_label(
    doc: Option<&toml_edit::Document<&str>>,
    array: Option<&str>,
    i: usize,
) -> String {
    let name_of = |t: &toml_edit::Table| t.get("name").and_then(|n| n.as_str()).map(str::to_owned);
    let names: Vec<Option<String>> = match (array, doc.and_then(|d| d.get("function"))) {
        (Some("function"), Some(item)) => item
            .as_array_of_tables()
            .map(|a| a.iter().map(name_of).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    match names.get(i) {
        Some(Some(name))
            if valid_name(name)
                && names.iter().filter(|n| n.as_ref() == Some(name)).count() == 1 =>
        {
            format!(" {name:?}")
        }
        _ => format!("[{i}]"),
    }
}

/// The key path of a serde error, `function "api".arrival`, with [`function_label`]'s names.
fn serde_key(doc: Option<&toml_edit::Document<&str>>, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut key = String::new();
    let mut previous: Option<String> = None;
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                key.push_str(&function_label(doc, previous.as_deref(), *index));
                previous = None;
            }
            Segment::Map { key: k } | Segment::Enum { variant: k } => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(k);
                previous = Some(k.clone());
            }
            Segment::Unknown => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push('?');
                previous = None;
            }
        }
    }
    key
}

/// A parser message with a suggestion for an unknown key: `unknown field `memroy_mb`,
/// expected one of `name`, `memory_mb`, ...` gains ` (did you mean `memory_mb`?)`.
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((written, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = crate::input::spec::did_you_mean(written, &known).replace('"', "`");
    match message.split_once(", expected") {
        Some((head, tail)) if !hint.is_empty() => format!("{head}{hint}, expected{tail}"),
        _ => message.to_string(),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 140
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}

impl Scenario {
    /// Reads and validates a scenario file, of at most [`MAX_SCENARIO_BYTES`].
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SCENARIO_BYTES + 1).read_to_string(&mut text))
            .map_err(|source| ScenarioError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if text.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::Syntax {
                path: path.to_path_buf(),
                line: None,
                key: String::new(),
                message: format!(
                    "larger than {MAX_SCENARIO_BYTES} bytes; is it a scenario? (a trace goes in [workload] trace)"
                ),
            });
        }
        Scenario::from_toml(&text, path)
    }

    /// Parses and validates scenario text; `path` only names the source in errors and gives the default name.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, path, None)
    }

    /// Parses and validates a what-if edit of the scenario `written` (its text with some keys
    /// set): a function's times stay measured at the size the file gives it (its
    /// `reference_memory_mb` unless the edit sets one), as [`Function::with_memory`] does.
    pub fn from_toml_variant(
        text: &str,
        path: &Path,
        written: &Scenario,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, path, Some(written))
    }

    fn parse(
        text: &str,
        path: &Path,
        written: Option<&Scenario>,
    ) -> Result<Scenario, ScenarioError> {
        let de = toml::Deserializer::parse(text).map_err(|e| syntax(path, text, "", &e))?;
        let doc = toml_edit::Document::parse(text).ok();
        let raw: RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = serde_key(doc.as_ref(), e.path());
            let key = if key == "." || key.is_empty() {
                String::new()
            } else {
                format!("{key}: ")
            };
            syntax(path, text, &key, e.inner())
        })?;
        let check = Checker {
            path,
            doc,
            text,
            written,
        };
        raw.validate(&check)
    }
}

fn syntax(path: &Path, text: &str, key: &str, e: &toml::de::Error) -> ScenarioError {
    ScenarioError::Syntax {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_at(text, s.start)),
        key: key.to_string(),
        message: with_suggestion(&e.message().trim().replace('\n', " ")),
    }
}

/// Refuses a run that would take days: more than [`MAX_INVOCATIONS`] expected invocations
/// and timer events, blaming the function and key that expect the most.
fn check_expected_events(
    check: &Checker<'_>,
    functions: &[Function],
    duration: SimDuration,
) -> Result<(), ScenarioError> {
    let mut total = 0.0;
    let mut worst = (0, "arrival", 0.0);
    for (i, f) in functions.iter().enumerate() {
        for (key, n) in expected_events(f, duration) {
            total += n;
            if n > worst.2 {
                worst = (i, key, n);
            }
        }
    }
    if total <= MAX_INVOCATIONS as f64 {
        return Ok(());
    }
    let (i, key, n) = worst;
    let what = match key {
        "arrival" => "function's arrivals",
        "warmer" => "warmer's pings",
        _ => "provisioned-concurrency scaling",
    };
    Err(check.invalid(
        &[Seg::Key("function"), Seg::Index(i), Seg::Key(key)],
        format!(
            "the run would handle about {total:.2e} invocations and timer events over {duration} ({n:.2e} from this {what}), more than the {:.0e} a run may have; shorten duration or lower the rate",
            MAX_INVOCATIONS as f64
        ),
    ))
}

impl RawScenario {
    /// Whether a trace drives the run.
    fn traced(&self) -> bool {
        self.workload.trace.is_some()
    }

    fn validate(self, check: &Checker<'_>) -> Result<Scenario, ScenarioError> {
        use Seg::*;
        let traced = self.traced();
        let name = match self.name.clone() {
            Some(n) => n,
            None => check
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into()),
        };
        if !valid_name(&name) {
            return Err(check.invalid(
                &[Key("name")],
                format!("{name:?} must be 1 to 140 letters, digits, '-', '_' or '.', since it names the output folder"),
            ));
        }
        if self.duration.is_none() && !traced {
            return Err(check.invalid(
                &[Key("duration")],
                "missing: say how long to simulate, like duration = \"6h\"",
            ));
        }
        if self.duration.is_some_and(|d| d.as_micros() == 0) {
            return Err(check.invalid(&[Key("duration")], "must be longer than 0s"));
        }
        let warmup = self.warmup.unwrap_or_default();
        if let Some(duration) = self.duration {
            if warmup >= duration {
                return Err(check.invalid(
                    &[Key("warmup")],
                    format!("({warmup}) must be shorter than duration ({duration})"),
                ));
            }
        }
        let account_concurrency = self
            .platform
            .account_concurrency
            .unwrap_or(DEFAULT_ACCOUNT_CONCURRENCY);
        if account_concurrency == 0 || account_concurrency > MAX_ACCOUNT_CONCURRENCY {
            return Err(check.invalid(
                &[Key("platform"), Key("account_concurrency")],
                format!("must be between 1 and {MAX_ACCOUNT_CONCURRENCY}, got {account_concurrency} (memory grows with the containers alive at once)"),
            ));
        }
        if let Some(l) = self.platform.max_lifetime {
            if l.as_micros() == 0 {
                return Err(check.invalid(
                    &[Key("platform"), Key("max_lifetime")],
                    "must be longer than 0s",
                ));
            }
        }
        if let Some(c) = self.platform.capacity_gb {
            if !(c.is_finite() && c > 0.0 && c <= 1e9) {
                return Err(check.invalid(
                    &[Key("platform"), Key("capacity_gb")],
                    format!("must be a positive number of GB, got {}", shown(c)),
                ));
            }
        }
        if self.platform.eviction.is_some() && self.platform.capacity_gb.is_none() {
            return Err(check.invalid(
                &[Key("platform"), Key("eviction")],
                "an eviction rule needs a bounded pool: set capacity_gb too",
            ));
        }
        let platform = Platform {
            account_concurrency,
            routing: self.platform.routing.unwrap_or_default(),
            max_lifetime: self.platform.max_lifetime,
            capacity_gb: self.platform.capacity_gb,
            eviction: self.platform.eviction.unwrap_or_default(),
            max_connections: self.platform.max_connections,
            scaling: match (
                self.platform.scale_environments.unwrap_or(1_000),
                self.platform
                    .scale_every
                    .unwrap_or(SimDuration::from_secs(10)),
            ) {
                (0, _) => None,
                (_, every) if every.as_micros() == 0 => {
                    return Err(check.invalid(
                        &[Key("platform"), Key("scale_every")],
                        "must be longer than 0s",
                    ));
                }
                (n, every) => Some((n, every)),
            },
        };
        if self.defaults.name.is_some() {
            return Err(check.invalid(
                &[Key("defaults"), Key("name")],
                "a name belongs to one [[function]], not to [defaults]",
            ));
        }
        let defaults = self.defaults.template(check)?;
        if self.defaults.provisioned_schedule.is_some()
            || self.defaults.provisioned_target.is_some()
        {
            return Err(check.invalid(
                &[Key("defaults")],
                "provisioned_schedule and provisioned_target are set per [[function]], not in [defaults]",
            ));
        }
        if self.defaults.warmer.is_some() {
            return Err(check.invalid(
                &[Key("defaults"), Key("warmer")],
                "a warmer is set per [[function]], not in [defaults]",
            ));
        }
        if self.defaults.provisioned_concurrency.is_some() {
            return Err(check.invalid(
                &[Key("defaults"), Key("provisioned_concurrency")],
                "provisioned concurrency is set per [[function]], not in [defaults]",
            ));
        }
        if traced && defaults.init.is_none() {
            return Err(check.invalid(
                &[Key("defaults"), Key("init")],
                "missing: functions that appear only in the trace take their init time from [defaults]",
            ));
        }
        if self.functions.is_empty() && !traced {
            return Err(check.invalid(
                &[Key("function")],
                "missing: add at least one [[function]] with a name, an arrival process, init and exec",
            ));
        }
        if self.functions.len() > MAX_FUNCTIONS {
            return Err(check.invalid(
                &[Key("function"), Index(MAX_FUNCTIONS)],
                format!(
                    "{} [[function]] entries, more than the {MAX_FUNCTIONS} a run may have",
                    self.functions.len()
                ),
            ));
        }
        let mut functions = Vec::with_capacity(self.functions.len());
        let mut names = HashSet::with_capacity(self.functions.len());
        let mut reserved_total: u64 = 0;
        let mut provisioned_total: u64 = 0;
        for (i, f) in self.functions.into_iter().enumerate() {
            let at = |k: &'static str| [Key("function"), Index(i), Key(k)];
            let name = f
                .name
                .clone()
                .ok_or_else(|| check.invalid(&[Key("function"), Index(i)], "missing name"))?;
            if !valid_name(&name) {
                return Err(check.invalid(
                    &at("name"),
                    format!("{name:?} must be 1 to 140 letters, digits, '-', '_' or '.'"),
                ));
            }
            if !names.insert(name.clone()) {
                return Err(check.invalid(&at("name"), format!("{name:?} is used twice")));
            }
            let (memory_pinned, exec_pinned) = (f.memory_mb.is_some(), f.exec.is_some());
            let merged = f.or(&self.defaults);
            let memory_mb = merged.memory_mb.unwrap_or(DEFAULT_MEMORY_MB);
            if memory_mb == 0 || memory_mb > MAX_MEMORY_MB {
                return Err(check.invalid(
                    &at("memory_mb"),
                    format!("must be between 1 and {MAX_MEMORY_MB} MB, got {memory_mb} (Lambda offers 128 to 10240)"),
                ));
            }
            let missing = |k: &'static str| {
                check.invalid(
                    &at(k),
                    format!(
                        "missing for function {name:?}: set it in the [[function]] or in [defaults]"
                    ),
                )
            };
            let arrival = match merged.arrival.clone() {
                Some(a) => Some(a),
                None if traced => None,
                None => return Err(missing("arrival")),
            };
            if let Some(a) = &arrival {
                if traced && self.duration.is_none() {
                    return Err(check.invalid(
                        &at("arrival"),
                        "a synthetic arrival process next to a trace needs duration = \"...\": without it the run would never end",
                    ));
                }
                a.validate(&mut crate::rng::Streams::new(0).stream())
                    .map_err(|m| check.invalid(&at("arrival"), m))?;
            }
            let dist = |k: &'static str, spec: &TimeDistSpec| {
                validate_dist(spec).map_err(|m| check.invalid(&at(k), m))
            };
            let arch = merged.arch.unwrap_or_default();
            let package = merged.package.unwrap_or_default();
            let init_spec = merged.init.as_ref().ok_or_else(|| missing("init"))?;
            let init = init_spec
                .resolve(arch, memory_mb, package)
                .map_err(|m| check.invalid(&at("init"), m))?;
            let exec = match &merged.exec {
                Some(spec) => Some(dist("exec", spec)?),
                None if traced => None,
                None => return Err(missing("exec")),
            };
            let cold_exec = match &merged.cold_exec {
                Some(spec) => Some(dist("cold_exec", spec)?),
                None => None,
            };
            let keep_alive = merged.keep_alive.clone().unwrap_or_default();
            keep_alive
                .validate()
                .map_err(|m| check.invalid(&at("keep_alive"), m))?;
            if let Some(r) = merged.reserved_concurrency {
                if r == 0 || r > account_concurrency {
                    return Err(check.invalid(
                        &at("reserved_concurrency"),
                        format!("must be between 1 and account_concurrency ({account_concurrency}), got {r}"),
                    ));
                }
                reserved_total += u64::from(r);
                if reserved_total > u64::from(account_concurrency) {
                    return Err(check.invalid(
                        &at("reserved_concurrency"),
                        format!("reservations add up to {reserved_total}, more than account_concurrency ({account_concurrency})"),
                    ));
                }
            }
            let ephemeral_storage_mb = merged.ephemeral_storage_mb.unwrap_or(512);
            if !(512..=10_240).contains(&ephemeral_storage_mb) {
                return Err(check.invalid(
                    &at("ephemeral_storage_mb"),
                    format!("must be between 512 and 10240 MB, got {ephemeral_storage_mb}"),
                ));
            }
            let cpu_fraction = merged.cpu_fraction.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&cpu_fraction) {
                return Err(check.invalid(
                    &at("cpu_fraction"),
                    format!(
                        "must be a fraction from 0 to 1, got {}",
                        shown(cpu_fraction)
                    ),
                ));
            }
            let written_reference = check
                .written
                .and_then(|w| w.functions.iter().find(|g| g.name == name))
                .map(|g| g.reference_memory_mb);
            let reference_memory_mb = merged
                .reference_memory_mb
                .or(written_reference)
                .unwrap_or(memory_mb);
            if reference_memory_mb == 0 || reference_memory_mb > MAX_MEMORY_MB {
                return Err(check.invalid(
                    &at("reference_memory_mb"),
                    format!("must be between 1 and {MAX_MEMORY_MB} MB, got {reference_memory_mb}"),
                ));
            }
            let setup_in_handler_ms = merged.setup_in_handler_ms;
            if let Some(ms) = setup_in_handler_ms {
                if !(ms.is_finite() && ms >= 0.0) {
                    return Err(check.invalid(
                        &at("setup_in_handler_ms"),
                        format!("must be 0 or more milliseconds, got {}", shown(ms)),
                    ));
                }
                if let Some(m) = too_long_ms(ms) {
                    return Err(check.invalid(&at("setup_in_handler_ms"), m));
                }
            }
            let max_event_age = merged.max_event_age.unwrap_or(DEFAULT_MAX_EVENT_AGE);
            if !(SimDuration::from_secs(60)..=DEFAULT_MAX_EVENT_AGE).contains(&max_event_age) {
                return Err(check.invalid(
                    &at("max_event_age"),
                    format!("must be between 1m and 6h, as Lambda allows, got {max_event_age}"),
                ));
            }
            let warmer = match &merged.warmer {
                Some(w) => Some(w.validate().map_err(|m| check.invalid(&at("warmer"), m))?),
                None => None,
            };
            let scaling = match (&merged.provisioned_schedule, &merged.provisioned_target) {
                (Some(_), Some(_)) => {
                    return Err(check.invalid(
                        &at("provisioned_target"),
                        "choose one of provisioned_schedule and provisioned_target",
                    ));
                }
                (Some(s), None) => Some(
                    s.validate()
                        .map_err(|m| check.invalid(&at("provisioned_schedule"), m))?,
                ),
                (None, Some(t)) => Some(
                    t.validate()
                        .map_err(|m| check.invalid(&at("provisioned_target"), m))?,
                ),
                (None, None) => None,
            };
            let provisioned_concurrency = merged.provisioned_concurrency.unwrap_or(0);
            let cap = merged.reserved_concurrency.unwrap_or(account_concurrency);
            let most = match &scaling {
                Some(Scaling::Schedule { steps, .. }) => steps.iter().map(|s| s.1).max(),
                Some(Scaling::Target { max, .. }) => Some(*max),
                None => None,
            };
            if let Some(most) = most.filter(|m| *m > cap) {
                let key = if merged.provisioned_target.is_some() {
                    "provisioned_target"
                } else {
                    "provisioned_schedule"
                };
                return Err(check.invalid(
                    &at(key),
                    format!("provisions up to {most} containers, more than the function's concurrency limit ({cap})"),
                ));
            }
            if provisioned_concurrency > cap {
                return Err(check.invalid(
                    &at("provisioned_concurrency"),
                    format!("must not exceed the function's concurrency limit ({cap}), got {provisioned_concurrency}"),
                ));
            }
            // Provisioned concurrency counts against the account's, as on Lambda: this also
            // bounds the containers the run creates up front.
            provisioned_total += u64::from(most.unwrap_or(0).max(provisioned_concurrency));
            if provisioned_total > u64::from(account_concurrency) {
                let key = match &scaling {
                    Some(Scaling::Schedule { .. }) => "provisioned_schedule",
                    Some(Scaling::Target { .. }) => "provisioned_target",
                    None => "provisioned_concurrency",
                };
                return Err(check.invalid(
                    &at(key),
                    format!("provisioned containers add up to {provisioned_total} over the functions, more than account_concurrency ({account_concurrency})"),
                ));
            }
            functions.push(Function {
                name,
                memory_mb,
                memory_pinned,
                exec_pinned,
                arch,
                custom_runtime: init_spec.is_custom_runtime(),
                init_runtime: init_spec.runtime().map(str::to_string),
                arrival,
                init,
                exec,
                cold_exec,
                keep_alive,
                reserved_concurrency: merged.reserved_concurrency,
                package,
                ephemeral_storage_mb,
                provisioned_concurrency,
                warmer,
                scaling,
                invocation: merged.invocation.unwrap_or_default(),
                max_event_age,
                connections: merged.connections.unwrap_or(1),
                setup_in_handler_ms,
                cpu_fraction,
                reference_memory_mb,
            });
        }
        if let Some(duration) = self.duration {
            check_expected_events(check, &functions, duration)?;
        }
        let sheet = match &self.cost.prices {
            None => PriceSheet::aws_us_east_1(),
            Some(p) => {
                // Relative to the scenario file.
                let full = check.path.parent().unwrap_or(Path::new("")).join(p);
                PriceSheet::load(&full)
                    .map_err(|m| check.invalid(&[Key("cost"), Key("prices")], m))?
            }
        };
        let cost = CostConfig {
            sheet,
            source: self
                .cost
                .prices
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "built-in".into()),
            options: CostOptions {
                init_billing: self.cost.init_billing.unwrap_or_default(),
                free_tier: self.cost.free_tier.unwrap_or(false),
            },
        };
        let here = check.path.parent().unwrap_or(Path::new(""));
        if let Some(s) = self.workload.trace.as_ref().and_then(|t| t.scale) {
            if !(s.is_finite() && s > 0.0 && s <= 1000.0) {
                return Err(check.invalid(
                    &[Key("workload"), Key("trace"), Key("scale")],
                    format!(
                        "must be a factor above 0 and at most 1000, got {}",
                        shown(s)
                    ),
                ));
            }
        }
        let trace = self.workload.trace.map(|t| TraceSpec {
            scale: t.scale.unwrap_or(1.0),
            path: here.join(&t.path),
            options: TraceOptions {
                format: t.format.unwrap_or_default(),
                time_unit: t.time_unit.unwrap_or_default(),
                sort: t.sort.unwrap_or(false),
                durations: t.durations.map(|p| here.join(p)),
                memory: t.memory.map(|p| here.join(p)),
                spread: t.spread.unwrap_or_default(),
                memory_assignment: t.memory_assignment.unwrap_or_default(),
                start_at_first_row: false,
            },
        });
        Ok(Scenario {
            name,
            seed: self.seed.unwrap_or(0),
            duration: self.duration,
            warmup,
            platform,
            functions,
            defaults,
            cost,
            trace,
        })
    }
}

impl RawFunction {
    /// `[defaults]` checked and resolved, for functions that appear only in a trace.
    fn template(&self, check: &Checker<'_>) -> Result<Template, ScenarioError> {
        use Seg::*;
        let at = |k: &'static str| [Key("defaults"), Key(k)];
        let dist = |k: &'static str, spec: &Option<TimeDistSpec>| match spec {
            Some(spec) => validate_dist(spec)
                .map(Some)
                .map_err(|m| check.invalid(&at(k), m)),
            None => Ok(None),
        };
        if let Some(m) = self.memory_mb {
            if m == 0 || m > MAX_MEMORY_MB {
                return Err(check.invalid(
                    &at("memory_mb"),
                    format!("must be between 1 and {MAX_MEMORY_MB} MB, got {m} (Lambda offers 128 to 10240)"),
                ));
            }
        }
        let keep_alive = self.keep_alive.clone().unwrap_or_default();
        keep_alive
            .validate()
            .map_err(|m| check.invalid(&at("keep_alive"), m))?;
        let ephemeral_storage_mb = self.ephemeral_storage_mb.unwrap_or(512);
        if !(512..=10_240).contains(&ephemeral_storage_mb) {
            return Err(check.invalid(
                &at("ephemeral_storage_mb"),
                format!("must be between 512 and 10240 MB, got {ephemeral_storage_mb}"),
            ));
        }
        Ok(Template {
            memory_mb: self.memory_mb,
            arch: self.arch.unwrap_or_default(),
            init: match &self.init {
                Some(InitSpec::Dist(d)) => {
                    validate_dist(d).map_err(|m| check.invalid(&at("init"), m))?;
                    self.init.clone()
                }
                Some(InitSpec::Runtime(r)) => {
                    // Checked at any measured size: each function resolves its own.
                    crate::input::preset::init_preset(
                        r,
                        self.arch.unwrap_or_default(),
                        self.memory_mb.unwrap_or(DEFAULT_MEMORY_MB),
                        self.package.unwrap_or_default(),
                    )
                    .map_err(|m| check.invalid(&at("init"), m))?;
                    self.init.clone()
                }
                None => None,
            },
            exec: dist("exec", &self.exec)?,
            cold_exec: dist("cold_exec", &self.cold_exec)?,
            keep_alive,
            package: self.package.unwrap_or_default(),
            ephemeral_storage_mb,
            invocation: self.invocation.unwrap_or_default(),
            max_event_age: self.max_event_age.unwrap_or(DEFAULT_MAX_EVENT_AGE),
            connections: self.connections.unwrap_or(1),
        })
    }

    /// This function's settings, each missing one taken from `defaults`.
    fn or(&self, defaults: &RawFunction) -> RawFunction {
        RawFunction {
            name: self.name.clone(),
            memory_mb: self.memory_mb.or(defaults.memory_mb),
            arch: self.arch.or(defaults.arch),
            arrival: self.arrival.clone().or_else(|| defaults.arrival.clone()),
            init: self.init.clone().or_else(|| defaults.init.clone()),
            exec: self.exec.clone().or_else(|| defaults.exec.clone()),
            cold_exec: self
                .cold_exec
                .clone()
                .or_else(|| defaults.cold_exec.clone()),
            keep_alive: self
                .keep_alive
                .clone()
                .or_else(|| defaults.keep_alive.clone()),
            reserved_concurrency: self.reserved_concurrency.or(defaults.reserved_concurrency),
            package: self.package.or(defaults.package),
            provisioned_concurrency: self.provisioned_concurrency,
            warmer: self.warmer.clone(),
            invocation: self.invocation.or(defaults.invocation),
            max_event_age: self.max_event_age.or(defaults.max_event_age),
            connections: self.connections.or(defaults.connections),
            setup_in_handler_ms: self.setup_in_handler_ms.or(defaults.setup_in_handler_ms),
            cpu_fraction: self.cpu_fraction.or(defaults.cpu_fraction),
            reference_memory_mb: self.reference_memory_mb.or(defaults.reference_memory_mb),
            provisioned_schedule: self.provisioned_schedule.clone(),
            provisioned_target: self.provisioned_target.clone(),
            ephemeral_storage_mb: self.ephemeral_storage_mb.or(defaults.ephemeral_storage_mb),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
name = "checkout"
seed = 7
duration = "6h"          # arrivals are generated in [0, duration)
warmup = "10m"           # optional: statistics ignore this prefix

[platform]
account_concurrency = 1000
routing = "mru"

[[function]]
name = "checkout-api"
memory_mb = 1024
arch = "arm64"
arrival = { process = "poisson", rate_per_s = 25.0 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 350 }
keep_alive = { policy = "fixed", idle = "10m" }
"#;

    fn parse(text: &str) -> Result<Scenario, String> {
        Scenario::from_toml(text, Path::new("s.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_documented_example_parses() {
        let s = parse(EXAMPLE).expect("valid");
        assert_eq!(s.name, "checkout");
        assert_eq!(s.seed, 7);
        assert_eq!(s.duration, Some(SimDuration::from_secs(6 * 3600)));
        assert_eq!(s.warmup, SimDuration::from_secs(600));
        let f = &s.functions[0];
        assert_eq!((f.memory_mb, f.arch), (1024, Arch::Arm64));
        assert_eq!(
            f.keep_alive,
            KeepAliveSpec::Fixed {
                idle: SimDuration::from_secs(600),
                extend: None
            }
        );
    }

    #[test]
    fn an_unknown_key_names_its_line_and_path() {
        let text = EXAMPLE.replace("rate_per_s = 25.0", "rate_per_sec = 25.0");
        let err = parse(&text).expect_err("unknown key");
        assert!(
            err.starts_with("s.toml:15: function \"checkout-api\".arrival: "),
            "{err}"
        );
        assert!(err.contains("rate_per_sec"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn a_negative_rate_names_its_line_and_key() {
        let text = EXAMPLE.replace("rate_per_s = 25.0", "rate_per_s = -3.0");
        let err = parse(&text).expect_err("negative");
        assert_eq!(
            err,
            "s.toml:15: function \"checkout-api\".arrival: rate_per_s must be positive, got -3"
        );
    }

    #[test]
    fn an_init_preset_samples_the_runtime_measured_at_the_function_size() {
        let text = EXAMPLE.replace(
            r#"init = { dist = "constant", ms = 350 }"#,
            r#"init = { runtime = "python3.12" }"#,
        );
        let s = parse(&text).expect("valid");
        let f = &s.functions[0];
        let want = crate::input::preset::init_preset("python3.12", Arch::Arm64, 1024, Package::Zip)
            .expect("measured");
        assert_eq!(format!("{:?}", f.init), format!("{want:?}"));
        assert!(!f.custom_runtime);
        let text = EXAMPLE.replace(
            r#"init = { dist = "constant", ms = 350 }"#,
            r#"init = { runtime = "rust-provided.al2023" }"#,
        );
        assert!(parse(&text).expect("valid").functions[0].custom_runtime);
    }

    #[test]
    fn defaults_fill_what_a_function_leaves_out() {
        let text = r#"
duration = "1h"
[defaults]
memory_mb = 512
init = { dist = "constant", ms = 100 }
exec = { dist = "constant", ms = 10 }
[[function]]
name = "a"
arrival = { process = "poisson", rate_per_s = 1 }
[[function]]
name = "b"
memory_mb = 256
arrival = { process = "poisson", rate_per_s = 1 }
"#;
        let s = parse(text).expect("valid");
        assert_eq!(s.name, "s");
        assert_eq!(s.functions[0].memory_mb, 512);
        assert_eq!(s.functions[1].memory_mb, 256);
    }

    #[test]
    fn reservations_may_not_exceed_the_account() {
        let text = r#"
duration = "1h"
platform = { account_concurrency = 10 }
[defaults]
init = { dist = "constant", ms = 100 }
exec = { dist = "constant", ms = 10 }
arrival = { process = "poisson", rate_per_s = 1 }
[[function]]
name = "a"
reserved_concurrency = 6
[[function]]
name = "b"
reserved_concurrency = 5
"#;
        let err = parse(text).expect_err("over");
        assert!(
            err.starts_with(
                "s.toml:13: function \"b\".reserved_concurrency: reservations add up to 11"
            ),
            "{err}"
        );
    }
}
