//! The scenario file as serde reads it: every table and key, optional where the file may leave it out, unknown keys refused. Validation turns these into the model.

use std::path::PathBuf;

use serde::Deserialize;

use crate::cost::{Arch, BillingModel, CloudRunBilling, InitBilling, Package};
use crate::model::arrival::ArrivalSpec;
use crate::model::dist::TimeDistSpec;
use crate::model::function::{CacheModel, InvocationType, SnapRuntime};
use crate::model::keep_alive::{EvictionRule, KeepAliveSpec};
use crate::model::scenario::Routing;
use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat};
use crate::time::SimDuration;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub(super) name: Option<String>,
    pub(super) seed: Option<u64>,
    pub(super) duration: Option<SimDuration>,
    pub(super) warmup: Option<SimDuration>,
    #[serde(default)]
    pub(super) platform: RawPlatform,
    #[serde(default)]
    pub(super) defaults: RawFunction,
    #[serde(default, rename = "function")]
    pub(super) functions: Vec<RawFunction>,
    #[serde(default)]
    pub(super) cost: RawCost,
    #[serde(default)]
    pub(super) workload: RawWorkload,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkload {
    pub(super) trace: Option<RawTrace>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTrace {
    pub(super) path: PathBuf,
    pub(super) format: Option<TraceFormat>,
    pub(super) time_unit: Option<TimeUnit>,
    pub(super) sort: Option<bool>,
    pub(super) durations: Option<PathBuf>,
    pub(super) memory: Option<PathBuf>,
    pub(super) spread: Option<Spread>,
    pub(super) memory_assignment: Option<MemoryAssignment>,
    pub(super) from_first_row: Option<bool>,
    pub(super) scale: Option<f64>,
    pub(super) function: Option<String>,
    pub(super) also: Option<Vec<PathBuf>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCost {
    pub(super) prices: Option<PathBuf>,
    pub(super) init_billing: Option<InitBilling>,
    pub(super) free_tier: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlatform {
    pub(super) kind: Option<BillingModel>,
    pub(super) billing: Option<CloudRunBilling>,
    pub(super) instance_type: Option<String>,
    pub(super) account_concurrency: Option<u32>,
    pub(super) routing: Option<Routing>,
    pub(super) max_lifetime: Option<RawLifetime>,
    pub(super) proactive_init: Option<RawProactiveInit>,
    pub(super) capacity_gb: Option<f64>,
    pub(super) eviction: Option<EvictionRule>,
    pub(super) scale_environments: Option<u32>,
    pub(super) scale_every: Option<SimDuration>,
    pub(super) max_connections: Option<u64>,
}

/// `platform.max_lifetime`: a span, or a distribution of spans.
#[derive(Clone, Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a duration like \"2h\", or a distribution like { dist = \"uniform\", min_ms = 6600000, max_ms = 7800000 }"
)]
pub(super) enum RawLifetime {
    Span(SimDuration),
    Dist(TimeDistSpec),
}

/// `platform.proactive_init`: the share of retirements replaced ahead of time, and how long
/// ahead.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProactiveInit {
    pub(super) share: f64,
    pub(super) lead: SimDuration,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFunction {
    pub(super) name: Option<String>,
    pub(super) memory_mb: Option<u32>,
    pub(super) arch: Option<Arch>,
    pub(super) arrival: Option<ArrivalSpec>,
    pub(super) init: Option<InitSpec>,
    pub(super) exec: Option<TimeDistSpec>,
    pub(super) cold_exec: Option<TimeDistSpec>,
    pub(super) keep_alive: Option<KeepAliveSpec>,
    pub(super) reserved_concurrency: Option<u32>,
    pub(super) package: Option<Package>,
    pub(super) ephemeral_storage_mb: Option<u32>,
    pub(super) provisioned_concurrency: Option<u32>,
    pub(super) warmer: Option<RawWarmer>,
    pub(super) invocation: Option<InvocationType>,
    pub(super) max_event_age: Option<SimDuration>,
    pub(super) connections: Option<u32>,
    pub(super) container_concurrency: Option<u32>,
    pub(super) vcpus: Option<f64>,
    pub(super) setup_in_handler_ms: Option<f64>,
    pub(super) cpu_fraction: Option<f64>,
    pub(super) reference_memory_mb: Option<u32>,
    pub(super) provisioned_schedule: Option<RawSchedule>,
    pub(super) provisioned_target: Option<RawTarget>,
    pub(super) min_instances: Option<u32>,
    pub(super) max_instances: Option<u32>,
    pub(super) scale_target: Option<f64>,
    pub(super) snapstart: Option<RawSnapStart>,
    pub(super) tenants: Option<RawTenants>,
    pub(super) cache: Option<RawCache>,
}

/// `cache = { keys = 10000, popularity = { zipf = 0.8 }, capacity = 1000, hit_ms = 1, miss_ms = 40 }`,
/// or `hit = DIST` / `miss = DIST` for times drawn per request.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCache {
    pub(super) keys: u32,
    #[serde(default)]
    pub(super) popularity: Option<RawPopularity>,
    pub(super) capacity: u32,
    #[serde(default)]
    pub(super) hit_ms: Option<f64>,
    #[serde(default)]
    pub(super) miss_ms: Option<f64>,
    #[serde(default)]
    pub(super) hit: Option<TimeDistSpec>,
    #[serde(default)]
    pub(super) miss: Option<TimeDistSpec>,
    #[serde(default)]
    pub(super) warm_on_init: Option<u32>,
    #[serde(default)]
    pub(super) model: Option<CacheModel>,
}

/// `tenants = { count = 100, popularity = { zipf = 1.0 } }` or `popularity = "uniform"`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTenants {
    pub(super) count: u32,
    #[serde(default)]
    pub(super) popularity: Option<RawPopularity>,
}

/// A popularity: `"uniform"` or `{ zipf = S }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "\"uniform\" or { zipf = S } with S a positive exponent, like { zipf = 1.0 }"
)]
pub(super) enum RawPopularity {
    Named(PopularityName),
    Zipf { zipf: f64 },
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub(super) enum PopularityName {
    Uniform,
}

/// `snapstart = { restore = { dist = ... }, runtime = "python" }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSnapStart {
    pub(super) restore: TimeDistSpec,
    pub(super) runtime: Option<SnapRuntime>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    pub(super) at: SimDuration,
    pub(super) containers: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchedule {
    pub(super) period: Option<SimDuration>,
    pub(super) steps: Vec<RawStep>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) utilization: Option<f64>,
    pub(super) min: Option<u32>,
    pub(super) max: u32,
    pub(super) interval: Option<SimDuration>,
    pub(super) out_after: Option<u32>,
    pub(super) in_after: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWarmer {
    pub(super) every: SimDuration,
    pub(super) containers: Option<u32>,
    pub(super) ping_ms: Option<f64>,
}

/// An init time as written in a scenario: a distribution, or `{ runtime = "python3.12" }` for
/// the measured INIT times of a runtime at the function's arch, memory and package.
#[derive(Clone, Debug, PartialEq)]
pub enum InitSpec {
    /// A time distribution.
    Dist(TimeDistSpec),
    /// A runtime's measured INIT times (see [`crate::input::preset`]).
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

impl RawFunction {
    /// This function's settings, each missing one taken from `defaults`.
    pub(super) fn or(&self, defaults: &RawFunction) -> RawFunction {
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
            container_concurrency: self
                .container_concurrency
                .or(defaults.container_concurrency),
            vcpus: self.vcpus.or(defaults.vcpus),
            setup_in_handler_ms: self.setup_in_handler_ms.or(defaults.setup_in_handler_ms),
            cpu_fraction: self.cpu_fraction.or(defaults.cpu_fraction),
            reference_memory_mb: self.reference_memory_mb.or(defaults.reference_memory_mb),
            provisioned_schedule: self.provisioned_schedule.clone(),
            provisioned_target: self.provisioned_target.clone(),
            min_instances: self.min_instances.or(defaults.min_instances),
            max_instances: self.max_instances.or(defaults.max_instances),
            scale_target: self.scale_target.or(defaults.scale_target),
            snapstart: self
                .snapstart
                .clone()
                .or_else(|| defaults.snapstart.clone()),
            tenants: self.tenants.clone().or_else(|| defaults.tenants.clone()),
            cache: self.cache.clone().or_else(|| defaults.cache.clone()),
            ephemeral_storage_mb: self.ephemeral_storage_mb.or(defaults.ephemeral_storage_mb),
        }
    }
}
