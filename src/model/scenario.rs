//! A scenario as the engine runs it: its functions, platform, prices and trace, every value checked; the functions a trace brings, and the what-if of set-up in the handler.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cost::{BillingModel, CloudRunBilling, CostOptions, Prices};
use crate::model::dist::TimeDist;
use crate::model::function::{Function, Template};
use crate::model::keep_alive::{EvictionRule, KeepAliveSpec};
use crate::model::trace::TraceOptions;
use crate::time::SimDuration;

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
#[non_exhaustive]
pub struct Platform {
    /// The platform whose rules and bill apply (AWS Lambda by default).
    pub kind: BillingModel,
    /// Containers initializing or executing at once, over all functions (AWS default 1000).
    pub account_concurrency: u32,
    /// Which idle container takes an arrival.
    pub routing: Routing,
    /// Each container's maximum lifetime, drawn when it is created: at least this old, it is
    /// retired when it next goes idle, and an idle one when it reaches this age.
    pub max_lifetime: Option<TimeDist>,
    /// Replacements initialized ahead of retirements (AWS Lambda's proactive initialization).
    pub proactive_init: Option<ProactiveInit>,
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

/// Proactive initialization: for this share of the containers retired at their maximum
/// lifetime, a replacement of the same function is initialized (billed, never a cold start)
/// and ready `lead` before the retirement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProactiveInit {
    /// The share of retirements replaced ahead of time [fraction, 0 to 1].
    pub share: f64,
    /// How long before the retirement the replacement is ready.
    pub lead: SimDuration,
}

/// How runs are priced.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CostConfig {
    /// The price sheet of the platform's billing model.
    pub prices: Prices,
    /// Where the sheet came from: "built-in" or its path.
    pub source: String,
    /// Billing options.
    pub options: CostOptions,
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            prices: Prices::built_in(BillingModel::AwsLambda),
            source: "built-in".into(),
            options: CostOptions::default(),
        }
    }
}

/// A validated scenario: what the engine runs.
#[derive(Clone, Debug)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct TraceSpec {
    /// The file, relative paths resolved against the scenario's folder.
    pub path: PathBuf,
    /// How to read it (its side files resolved the same way).
    pub options: TraceOptions,
    /// Traffic scale: 2 replays every row twice, 0.5 keeps each row with probability one half.
    pub scale: f64,
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
        // On an instance platform the memory is the instance's, not what a row's request used.
        let per_request = matches!(
            d.kind,
            BillingModel::AwsLambda | BillingModel::AzureConsumption
        );
        let memory_mb = memory_mb
            .filter(|_| per_request)
            .or(d.memory_mb)
            .unwrap_or_else(|| crate::model::platform::default_memory_mb(d.kind));
        let init = spec.at(memory_mb);
        Ok(Function {
            name: name.to_string(),
            custom_runtime: spec.runtime().is_some_and(|r| r.custom),
            init_runtime: spec.runtime().cloned(),
            memory_mb,
            memory_pinned: !per_request,
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
            provisioned_concurrency: d.min_instances,
            warmer: None,
            scaling: None,
            scaler: d.scaler,
            snapstart: d.snapstart.clone(),
            tenants: d.tenants,
            cache: d.cache.clone(),
            invocation: d.invocation,
            max_event_age: d.max_event_age,
            connections: d.connections,
            container_concurrency: d.container_concurrency,
            vcpus: d.vcpus,
            kind: d.kind,
            max_instances: d.max_instances,
            host: d.host,
            setup_in_handler_ms: None,
            cpu_fraction: d.cpu_fraction,
            reference_memory_mb: memory_mb,
            reference_cpu: None,
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

/// Where a platform what-if moves a scenario: the platform and, on Cloud Run, its billing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlatformTarget {
    /// The platform.
    pub kind: BillingModel,
    /// Cloud Run's billing (request-based by default); ignored elsewhere.
    pub cloud_run: CloudRunBilling,
}

impl PlatformTarget {
    /// `aws-lambda`, `azure-flex-consumption`, ..., and `google-cloud-run:instance` (or
    /// `:request`) for Cloud Run's billing.
    pub fn parse(s: &str) -> Result<PlatformTarget, String> {
        let (name, billing) = match s.split_once(':') {
            Some((n, b)) => (n, Some(b)),
            None => (s, None),
        };
        let kind = BillingModel::parse(name).ok_or_else(|| {
            let names: Vec<&str> = BillingModel::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown platform {name:?}: one of {}", names.join(", "))
        })?;
        let cloud_run = match (kind, billing) {
            (_, None) => CloudRunBilling::default(),
            (BillingModel::GoogleCloudRun, Some("request")) => CloudRunBilling::Request,
            (BillingModel::GoogleCloudRun, Some("instance")) => CloudRunBilling::Instance,
            (BillingModel::GoogleCloudRun, Some(b)) => {
                return Err(format!(
                    "google-cloud-run:{b}: billing is request or instance"
                ));
            }
            (_, Some(_)) => {
                return Err(format!(
                    "{s}: only google-cloud-run takes a billing (:request or :instance)"
                ));
            }
        };
        Ok(PlatformTarget { kind, cloud_run })
    }

    /// As written: the platform, and Cloud Run's billing when it is instance-based.
    pub fn label(&self) -> String {
        match (self.kind, self.cloud_run) {
            (BillingModel::GoogleCloudRun, CloudRunBilling::Instance) => {
                "google-cloud-run:instance".into()
            }
            (k, _) => k.as_str().into(),
        }
    }
}

impl Scenario {
    /// The platform what-if: every function (of `functions`: the scenario's and a trace's)
    /// moved to `target` as [`Function::on_platform`] moves it, `[defaults]` likewise, the
    /// platform's account limit and scaling rate, billed with `prices` (from `source`) under
    /// `options`' free-tier choice. An error when the sheet is of another platform, lacks a
    /// figure the run needs (Cloud Run's instance-based rates), or has not the default
    /// instance type (Managed Instances).
    pub fn on_platform(
        &self,
        target: PlatformTarget,
        functions: &[Function],
        prices: Prices,
        source: &str,
    ) -> Result<Scenario, String> {
        use crate::model::platform as p;
        let kind = target.kind;
        if prices.model() != kind {
            return Err(format!(
                "{source}: the sheet is for {}, not {}",
                prices.model().as_str(),
                kind.as_str()
            ));
        }
        let host = match &prices {
            Prices::AwsLambdaManagedInstances(sheet) => {
                Some(sheet.host(p::DEFAULT_INSTANCE_TYPE).ok_or_else(|| {
                    format!(
                        "{source}: the sheet has no {} instance, the type Managed Instances run on by default",
                        p::DEFAULT_INSTANCE_TYPE
                    )
                })?)
            }
            _ => None,
        };
        let mut s = self.clone();
        s.functions = functions
            .iter()
            .map(|f| f.on_platform(kind, host))
            .collect();
        if self.platform.kind != kind {
            let d = &mut s.defaults;
            d.kind = kind;
            d.memory_mb = match kind {
                BillingModel::AwsLambda => d.memory_mb,
                BillingModel::AzureConsumption => {
                    d.memory_mb.map(|m| m.min(p::memory_rule(kind).max))
                }
                _ => None,
            };
            let memory = d.memory_mb.unwrap_or_else(|| p::default_memory_mb(kind));
            d.vcpus = None;
            d.container_concurrency = None;
            d.keep_alive = p::default_keep_alive(kind);
            d.min_instances = p::default_min_instances(kind);
            d.max_instances = p::default_max_instances(kind, p::default_vcpus(kind, memory));
            d.host = host;
            d.scaler = p::default_scaler(kind);
            if kind != BillingModel::AwsLambda {
                d.ephemeral_storage_mb = d.ephemeral_storage_mb.min(512);
            }
            s.platform.kind = kind;
            s.platform.account_concurrency =
                p::default_account_concurrency(kind).unwrap_or(MAX_ACCOUNT_CONCURRENCY);
            s.platform.scaling = p::default_scaling(kind);
        }
        let minimum = s.functions.iter().any(|f| f.provisioned_concurrency > 0);
        if let Prices::GoogleCloudRun(sheet) = &prices {
            if let Some(key) = sheet.missing(target.cloud_run, minimum) {
                return Err(format!(
                    "{}: {} lacks {key}, which no public source gives: add it to a copy of {} and pass that sheet (--prices FILE)",
                    target.label(),
                    if source == "built-in" {
                        "the built-in sheet"
                    } else {
                        source
                    },
                    Prices::built_in_file(kind)
                ));
            }
        }
        s.cost.prices = prices;
        s.cost.source = source.to_string();
        s.cost.options.cloud_run = target.cloud_run;
        s.cost.options.host = host;
        if kind != BillingModel::AwsLambda {
            s.cost.options.init_billing = Default::default();
        }
        Ok(s)
    }
}

/// The default memory size [MB]: Lambda's own default.
pub const DEFAULT_MEMORY_MB: u32 = 128;
/// The most vCPUs a container may have (the largest instances platforms offer are below).
pub const MAX_VCPUS: f64 = 192.0;
/// The most requests one container may serve at once (Cloud Run's maximum).
pub const MAX_CONTAINER_CONCURRENCY: u32 = 1_000;
/// The most on Lambda Managed Instances (`PerExecutionEnvironmentMaxConcurrency`).
pub const MAX_MANAGED_CONCURRENCY: u32 = 1_600;
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
