//! The scenario `coldsim cost` runs: every function of a trace configured from a few settings, written as a scenario file's tables and validated like one, so its checks and defaults are the scenario file's.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cost::{Arch, InitBilling, Package};
use crate::input::scenario::ScenarioError;
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::scenario::Scenario;
use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat};
use crate::time::SimDuration;

/// How to price a trace: the trace, how to read it, and what every function is.
#[derive(Clone, Debug)]
pub struct CostSettings {
    /// The traffic file.
    pub trace: PathBuf,
    /// Its layout.
    pub format: TraceFormat,
    /// The unit of numeric timestamps (`invocations`).
    pub time_unit: TimeUnit,
    /// Sort the rows in memory.
    pub sort: bool,
    /// The span the file covers from its first invocation; `None`: to the end of the last.
    pub window: Option<SimDuration>,
    /// `azure2019`: the durations-percentiles file.
    pub durations: Option<PathBuf>,
    /// `azure2019`: the app-memory-percentiles file.
    pub memory_file: Option<PathBuf>,
    /// `azure2019`: how a minute's invocations are placed in it.
    pub spread: Spread,
    /// `azure2019`: how an app's memory goes to its functions.
    pub memory_assignment: MemoryAssignment,
    /// Memory of functions whose rows give none [MB].
    pub memory_mb: u32,
    /// Every function's architecture.
    pub arch: Arch,
    /// Every function's package type.
    pub package: Package,
    /// Init time: a fixed span, or a runtime whose measured INIT times to sample.
    pub init: InitSetting,
    /// Handler time of rows that give none.
    pub exec: Option<SimDuration>,
    /// Every function's keep-alive.
    pub keep_alive: Option<KeepAliveSpec>,
    /// Concurrent executions allowed over all functions.
    pub account_concurrency: u32,
    /// A price sheet; `None`: the built-in one.
    pub prices: Option<PathBuf>,
    /// Which INIT phases are billed.
    pub init_billing: InitBilling,
    /// Take the monthly free tier off.
    pub free_tier: bool,
    /// Seed of the generator.
    pub seed: u64,
    /// `cloudwatch`: more log files, read with `trace`.
    pub also: Vec<PathBuf>,
    /// `cloudwatch`: the function of records whose file names no log group.
    pub function: Option<String>,
    /// Functions whose memory [MB] and init times [ms] are given (as logs recorded them):
    /// each samples those init times instead of `init`.
    pub inits: Vec<(String, u32, Vec<f64>)>,
}

/// An init time setting.
#[derive(Clone, Debug, PartialEq)]
pub enum InitSetting {
    /// Always this long.
    Fixed(SimDuration),
    /// A runtime's measured INIT times, by name (`python3.12`).
    Runtime(String),
}

/// The scenario file's tables, as `coldsim cost` fills them.
#[derive(Serialize)]
struct Tables {
    name: String,
    seed: u64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::time::opt_in_notation"
    )]
    duration: Option<SimDuration>,
    platform: toml::Table,
    defaults: toml::Table,
    cost: toml::Table,
    workload: toml::Table,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    function: Vec<toml::Table>,
}

/// A plain value as a scenario file's TOML value.
pub(crate) fn value<T: Serialize>(v: T) -> toml::Value {
    toml::Value::try_from(v).unwrap_or_else(|e| unreachable!("plain values serialize: {e}"))
}

fn path(p: &Path) -> toml::Value {
    toml::Value::String(p.to_string_lossy().into_owned())
}

impl CostSettings {
    /// The name of the run: the trace file's stem, in the characters a name may hold.
    fn name(&self) -> String {
        name_of(&self.trace)
    }
}

/// A scenario's name for a run over the file at `path`: its stem, in the characters a name
/// may hold.
pub fn name_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "trace".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl CostSettings {
    /// The scenario file these settings make: functions only from the trace, each from
    /// `[defaults]`; numeric timestamps counted from the first row; with a window, a duration.
    pub fn to_toml(&self) -> String {
        let mut defaults = toml::Table::new();
        defaults.insert("memory_mb".into(), value(self.memory_mb));
        defaults.insert("arch".into(), value(self.arch));
        defaults.insert("package".into(), value(self.package));
        let init = match &self.init {
            InitSetting::Fixed(d) => {
                let mut t = toml::Table::new();
                t.insert("dist".into(), value("constant"));
                t.insert("ms".into(), value(d.as_millis_f64()));
                t
            }
            InitSetting::Runtime(r) => {
                let mut t = toml::Table::new();
                t.insert("runtime".into(), value(r));
                t
            }
        };
        defaults.insert("init".into(), toml::Value::Table(init));
        if let Some(d) = self.exec {
            let mut t = toml::Table::new();
            t.insert("dist".into(), value("constant"));
            t.insert("ms".into(), value(d.as_millis_f64()));
            defaults.insert("exec".into(), toml::Value::Table(t));
        }
        if let Some(k) = &self.keep_alive {
            defaults.insert("keep_alive".into(), value(k));
        }
        let mut platform = toml::Table::new();
        platform.insert(
            "account_concurrency".into(),
            value(self.account_concurrency),
        );
        let mut cost = toml::Table::new();
        if let Some(p) = &self.prices {
            cost.insert("prices".into(), path(p));
        }
        cost.insert("init_billing".into(), value(self.init_billing));
        cost.insert("free_tier".into(), value(self.free_tier));
        let mut trace = toml::Table::new();
        trace.insert("path".into(), path(&self.trace));
        trace.insert("format".into(), value(self.format));
        trace.insert("time_unit".into(), value(self.time_unit));
        trace.insert("sort".into(), value(self.sort));
        trace.insert("from_first_row".into(), value(true));
        if let Some(p) = &self.durations {
            trace.insert("durations".into(), path(p));
        }
        if let Some(p) = &self.memory_file {
            trace.insert("memory".into(), path(p));
        }
        if !self.also.is_empty() {
            trace.insert(
                "also".into(),
                toml::Value::Array(self.also.iter().map(|p| path(p)).collect()),
            );
        }
        if let Some(f) = &self.function {
            trace.insert("function".into(), value(f));
        }
        trace.insert("spread".into(), value(self.spread));
        trace.insert("memory_assignment".into(), value(self.memory_assignment));
        let mut workload = toml::Table::new();
        workload.insert("trace".into(), toml::Value::Table(trace));
        toml::to_string(&Tables {
            name: self.name(),
            seed: self.seed,
            duration: self.window,
            platform,
            defaults,
            cost,
            workload,
            function: self
                .inits
                .iter()
                .map(|(name, memory_mb, samples)| {
                    let mut init = toml::Table::new();
                    init.insert("dist".into(), value("empirical"));
                    init.insert("samples_ms".into(), value(samples));
                    let mut f = toml::Table::new();
                    f.insert("name".into(), value(name));
                    f.insert("memory_mb".into(), value(memory_mb));
                    f.insert("init".into(), toml::Value::Table(init));
                    f
                })
                .collect(),
        })
        .unwrap_or_else(|e| unreachable!("tables serialize: {e}"))
    }

    /// The scenario, validated as a file in the working folder would be (relative paths are
    /// the working folder's). An error names the key of the setting at fault.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(&self.to_toml(), Path::new(COST_SCENARIO))
    }
}

/// The name the scenario of `coldsim cost` goes by in errors.
pub const COST_SCENARIO: &str = "coldsim-cost.toml";
