//! One function as the engine runs it: every setting resolved and validated, its init time (a distribution, or a runtime's measured INIT times at every size), and the memory what-if.

use crate::model::error::ValueError;
use serde::{Deserialize, Serialize};

use crate::cost::{Arch, BillingModel, Host, Package};
use crate::model::arrival::ArrivalSpec;
use crate::model::dist::TimeDist;
use crate::model::keep_alive::KeepAliveSpec;
pub use crate::model::platform::Scaler;
use crate::time::SimDuration;

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
#[non_exhaustive]
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
    pub init_runtime: Option<RuntimeInit>,
    /// Ephemeral storage [MB]; 512 is included in the price.
    pub ephemeral_storage_mb: u32,
    /// Containers kept initialized from the start of the run to its end.
    pub provisioned_concurrency: u32,
    /// Synthetic pings that keep containers warm, if any.
    pub warmer: Option<Warmer>,
    /// Connections each alive container holds open (opened by the code outside the handler).
    pub connections: u32,
    /// Requests one container serves at once, when the file gives it; otherwise the platform's
    /// default, see [`Function::concurrency`].
    pub container_concurrency: Option<u32>,
    /// The container's CPUs when given: requests in flight share them (processor sharing);
    /// by default the platform's for the memory size, see [`Function::vcpus`] [vCPU].
    pub vcpus: Option<f64>,
    /// The platform it runs on, whose defaults fill what the file leaves out.
    pub kind: BillingModel,
    /// The most containers (instances) of it alive at once, on platforms that bound them.
    pub max_instances: Option<u32>,
    /// The EC2 instance type its environments run on (Lambda Managed Instances).
    pub host: Option<Host>,
    /// Share of init and exec time spent computing (the rest waits on I/O), at
    /// `reference_memory_mb`: the part that speeds up with the CPU that memory buys.
    pub cpu_fraction: f64,
    /// The memory size at which the init and exec distributions were measured [MB].
    pub reference_memory_mb: u32,
    /// The CPU the init and exec distributions were measured with [vCPU, at most 1], when a
    /// platform what-if moved the function off the platform they were measured on; `None`:
    /// Lambda's CPU at `reference_memory_mb`.
    pub reference_cpu: Option<f64>,
    /// Set-up time [ms] that the code outside the handler spends (part of `init`); with it,
    /// `coldsim run` also reports the what-if of doing it in every invocation instead.
    pub setup_in_handler_ms: Option<f64>,
    /// Synchronous or asynchronous invocation.
    pub invocation: InvocationType,
    /// An asynchronous event older than this is dropped instead of retried.
    pub max_event_age: SimDuration,
    /// How provisioned concurrency changes over time; `None` keeps `provisioned_concurrency`.
    pub scaling: Option<Scaling>,
    /// The platform's own scaler of instances (Cloud Run, Managed Instances), if it has one.
    pub scaler: Option<Scaler>,
    /// Lambda SnapStart: cold starts restore a snapshot instead of running init.
    pub snapstart: Option<SnapStart>,
    /// Lambda's tenant isolation: each arrival belongs to a tenant, and an environment serves
    /// one tenant only.
    pub tenants: Option<Tenants>,
    /// An in-memory cache each container builds and keeps while it lives.
    pub cache: Option<Cache>,
}

/// The most keys a cache may have.
pub const MAX_CACHE_KEYS: u32 = 10_000_000;
/// The largest cache kept exactly (entries per container); beyond, use Che's approximation.
pub const MAX_EXACT_CAPACITY: u32 = 1_000_000;

/// An in-memory cache the code outside the handler builds: each request asks for one of
/// `keys` keys drawn by `popularity`; the container's cache of `capacity` entries (least
/// recently used evicted) answers, and the handler takes `hit` or `miss` more. A new
/// container starts empty, or with the `warm_on_init` most popular keys loaded during its
/// init (which takes a miss per key longer).
#[derive(Clone, Debug, PartialEq)]
pub struct Cache {
    /// Distinct keys requests ask for.
    pub keys: u32,
    /// How often each key is asked for.
    pub popularity: Popularity,
    /// Entries a container's cache holds.
    pub capacity: u32,
    /// Added to the handler's time on a hit, drawn per hit.
    pub hit: TimeDist,
    /// Added to the handler's time on a miss (and per key preloaded), drawn per miss.
    pub miss: TimeDist,
    /// Most popular keys loaded during init.
    pub warm_on_init: u32,
    /// Exact per-container state, or Che's approximation.
    pub model: CacheModel,
}

/// How a cache is simulated.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CacheModel {
    /// Each container's LRU list of keys, exactly.
    #[default]
    Exact,
    /// Che's approximation: a container that has served `r` requests hits with probability
    /// Σ p_i (1 − e^(−p_i min(r, t_C))), t_C the characteristic time.
    Che,
}

/// The most tenants a function may have.
pub const MAX_TENANTS: u32 = 100_000;

/// Tenant isolation (AWS Lambda's per-tenant mode): `count` tenants, each arrival drawn from
/// `popularity`; an environment is created for one tenant and reused only by it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tenants {
    /// How many tenants.
    pub count: u32,
    /// How often each is the one arriving.
    pub popularity: Popularity,
}

/// How likely each of `count` items is (tenants, cache keys).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Popularity {
    /// Every one alike.
    Uniform,
    /// The k-th most popular in proportion to 1 / k^s.
    Zipf(f64),
}

/// Lambda SnapStart on a function: a cold start restores a snapshot taken after init, in
/// `restore` instead of `init`; the restore is not billed as INIT, and on Python and .NET each
/// restore and the snapshot's cache are billed (Java's are free).
#[derive(Clone, Debug, PartialEq)]
pub struct SnapStart {
    /// A restore's time, in place of init.
    pub restore: TimeDist,
    /// The runtime's language, which decides the cache and restore charges.
    pub runtime: SnapRuntime,
}

/// The languages SnapStart supports (Java 11 and later, Python 3.12 and later, .NET 8 and
/// later).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SnapRuntime {
    /// Java: no cache or restore charge.
    Java,
    /// Python: cache and restore charged.
    Python,
    /// .NET: cache and restore charged.
    Dotnet,
}

impl SnapRuntime {
    /// Its name in a scenario: `java`, `python` or `dotnet`.
    pub fn name(self) -> &'static str {
        match self {
            SnapRuntime::Java => "java",
            SnapRuntime::Python => "python",
            SnapRuntime::Dotnet => "dotnet",
        }
    }

    /// Whether the snapshot's cache and its restores are billed.
    pub fn charged(self) -> bool {
        self != SnapRuntime::Java
    }

    /// The language of a runtime identifier (`java21`, `python3.12`, `dotnet8`), if SnapStart
    /// supports that version.
    pub fn of(runtime: &str) -> Option<SnapRuntime> {
        let version = |prefix: &str| -> Option<Vec<u32>> {
            runtime
                .strip_prefix(prefix)?
                .split('.')
                .map(|p| p.parse().ok())
                .collect()
        };
        if let Some(v) = version("java") {
            return (v.first().is_some_and(|&m| m >= 11)).then_some(SnapRuntime::Java);
        }
        if let Some(v) = version("python") {
            let at_least = v.first().is_some_and(|&m| m > 3)
                || (v.first() == Some(&3) && v.get(1).is_some_and(|&n| n >= 12));
            return at_least.then_some(SnapRuntime::Python);
        }
        if let Some(v) = version("dotnet") {
            return (v.first().is_some_and(|&m| m >= 8)).then_some(SnapRuntime::Dotnet);
        }
        None
    }
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

/// A warmer (as the popular warm-up plugins do): every `every`, `containers` simultaneous pings
/// of `ping` each, from time 0, so that as many containers stay warm. Pings are billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warmer {
    /// The period of the pings.
    pub every: SimDuration,
    /// Simultaneous pings each period: the containers kept warm.
    pub containers: u32,
    /// The handler's time on a ping.
    pub ping: SimDuration,
}

impl Warmer {
    /// A warmer pinging `containers` (1 to 10,000) every `every` (longer than 0) for `ping`.
    pub fn new(
        every: SimDuration,
        containers: u32,
        ping: SimDuration,
    ) -> Result<Warmer, ValueError> {
        if every.as_micros() == 0 {
            return Err(ValueError::new("every", "must be longer than 0s"));
        }
        if !(1..=10_000).contains(&containers) {
            return Err(ValueError::new(
                "containers",
                format!("must be between 1 and 10000, got {containers}"),
            ));
        }
        Ok(Warmer {
            every,
            containers,
            ping,
        })
    }
}

/// An init time, resolved: a distribution, or a runtime's measured INIT times, whose samples
/// depend on the function's memory.
#[derive(Clone, Debug)]
pub enum Init {
    /// The same distribution at any memory.
    Dist(TimeDist),
    /// A runtime's measured INIT times.
    Runtime(RuntimeInit),
}

impl Init {
    /// The init distribution of a function of `memory_mb` [MB].
    pub fn at(&self, memory_mb: u32) -> TimeDist {
        match self {
            Init::Dist(d) => d.clone(),
            Init::Runtime(r) => r.at(memory_mb),
        }
    }

    /// The runtime, when it is one.
    pub fn runtime(&self) -> Option<&RuntimeInit> {
        match self {
            Init::Runtime(r) => Some(r),
            Init::Dist(_) => None,
        }
    }
}

/// A runtime's measured INIT times on one arch and package, at each memory size measured.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RuntimeInit {
    /// The runtime's identifier, like `python3.12`.
    pub runtime: String,
    /// Whether it is a custom runtime (`provided.*`), whose INIT the legacy rule billed.
    pub custom: bool,
    /// (memory size [MB], its samples), by size; never empty.
    pub sizes: Vec<(u32, TimeDist)>,
}

impl RuntimeInit {
    /// The samples of the measured size nearest `memory_mb`, ties to the larger size (192 MB
    /// takes 256 MB; every size above the largest measured takes the largest).
    pub fn at(&self, memory_mb: u32) -> TimeDist {
        self.sizes
            .iter()
            .min_by_key(|(mb, _)| (mb.abs_diff(memory_mb), std::cmp::Reverse(*mb)))
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| unreachable!("a runtime preset has at least one size"))
    }
}

/// The settings a function takes when it appears only in a trace: `[defaults]`, validated.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Template {
    /// Memory [MB], when set.
    pub memory_mb: Option<u32>,
    /// Architecture.
    pub arch: Arch,
    /// Init time, when set (resolved per function, since a runtime's depends on its memory).
    pub init: Option<Init>,
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
    /// Requests one container serves at once, when set.
    pub container_concurrency: Option<u32>,
    /// Share of init and exec time spent computing.
    pub cpu_fraction: f64,
    /// The container's CPUs, when set; otherwise the platform's for the memory [vCPU].
    pub vcpus: Option<f64>,
    /// The most containers of each function alive at once, when set.
    pub max_instances: Option<u32>,
    /// Containers of each function kept warm from its first invocation on (minimum instances).
    pub min_instances: u32,
    /// The platform the functions run on.
    pub kind: BillingModel,
    /// The EC2 instance type environments run on (Lambda Managed Instances).
    pub host: Option<Host>,
    /// The platform's scaler of instances, if it has one.
    pub scaler: Option<Scaler>,
    /// Lambda SnapStart, if on.
    pub snapstart: Option<SnapStart>,
    /// Tenant isolation, if on.
    pub tenants: Option<Tenants>,
    /// Each container's cache, if any.
    pub cache: Option<Cache>,
}

/// Lambda's default (and largest) maximum event age for asynchronous invocations.
pub const DEFAULT_MAX_EVENT_AGE: SimDuration = SimDuration::from_secs(6 * 3600);

/// The vCPUs Lambda gives a function of `memory_mb`: in proportion to memory, one at 1769 MB
/// (AWS: "at 1,769 MB, a function has the equivalent of one vCPU"), up to 6 at 10,240 MB.
pub fn lambda_vcpus(memory_mb: u32) -> f64 {
    f64::from(memory_mb) / f64::from(ONE_VCPU_MB)
}

/// Memory at which Lambda gives a function one full vCPU [MB]; CPU share grows in proportion
/// to memory up to it (AWS documentation), and a single-threaded handler gains nothing beyond.
pub const ONE_VCPU_MB: u32 = 1_769;

impl Function {
    /// How much longer a request's handler takes with `in_flight` requests sharing the
    /// container than alone: its CPU-bound share runs at min(1, vcpus / in_flight) of a CPU
    /// instead of min(1, vcpus), the rest (waiting on I/O) as fast. 1 with one request in
    /// flight, or with `cpu_fraction = 0`.
    pub fn slowdown(&self, in_flight: u32) -> f64 {
        let f = self.cpu_fraction;
        (1.0 - f) + f * (f64::from(in_flight) / self.vcpus().max(1.0)).max(1.0)
    }

    /// The container's CPUs: `vcpus` when given, else the platform's for its memory [vCPU].
    pub fn vcpus(&self) -> f64 {
        self.vcpus
            .unwrap_or_else(|| crate::model::platform::default_vcpus(self.kind, self.memory_mb))
    }

    /// Requests one container serves at once: `container_concurrency` when given, else the
    /// platform's for its size.
    pub fn concurrency(&self) -> u32 {
        self.container_concurrency.unwrap_or_else(|| {
            crate::model::platform::default_concurrency(self.kind, self.memory_mb, self.vcpus())
        })
    }

    /// Environments of it that fit on one host (Lambda Managed Instances); `None` elsewhere.
    pub fn per_host(&self) -> Option<u32> {
        self.host.map(|h| {
            crate::cost::environments_per_host(
                &h,
                (self.vcpus() * 1000.0).round() as u32,
                self.memory_mb,
            )
        })
    }

    /// How much longer (or shorter) its init and exec times are at `memory_mb` than at
    /// `reference_memory_mb`: the CPU-bound share scales with the CPU share, min(memory,
    /// 1769 MB) / 1769 MB, and the rest does not. Moved to another platform (`reference_cpu`
    /// set), the CPU-bound share scales from the CPU it was measured with to min(1, vcpus).
    pub fn time_factor(&self) -> f64 {
        let cpu = |mb: u32| f64::from(mb.min(ONE_VCPU_MB));
        let f = self.cpu_fraction;
        match self.reference_cpu {
            None => (1.0 - f) + f * cpu(self.reference_memory_mb) / cpu(self.memory_mb),
            Some(measured) => (1.0 - f) + f * measured / self.vcpus().min(1.0),
        }
    }

    /// The CPU one request had where its times were measured [vCPU, at most 1]: Lambda's at
    /// `reference_memory_mb`, or the instance's own on another platform.
    fn measured_cpu(&self) -> f64 {
        match (self.reference_cpu, self.kind) {
            (Some(c), _) => c,
            (None, BillingModel::AwsLambda) => {
                lambda_vcpus(self.reference_memory_mb.min(ONE_VCPU_MB))
            }
            (None, _) => self.vcpus().min(1.0),
        }
    }

    /// The platform what-if: the same function (its handler and init times, CPU share,
    /// connections and arrivals) deployed on `kind` with the platform's defaults: on Lambda the
    /// function's own memory (Azure Consumption: at most its 1,536 MB), on an instance
    /// platform its default instance (memory, vCPUs, requests at once); the platform's
    /// keep-alive, minimum and maximum instances (Lambda: no provisioned or reserved
    /// concurrency), and `host` on Managed Instances. The CPU-bound share of its times scales
    /// from the CPU it was measured with to the new instance's. The same function when `kind`
    /// is already its platform.
    pub fn on_platform(&self, kind: BillingModel, host: Option<Host>) -> Function {
        use crate::model::platform as p;
        if self.kind == kind {
            return self.clone();
        }
        let measured = self.measured_cpu();
        let mut f = self.clone();
        f.kind = kind;
        f.memory_mb = match kind {
            BillingModel::AwsLambda => self.memory_mb,
            BillingModel::AzureConsumption => self.memory_mb.min(p::memory_rule(kind).max),
            _ => p::default_memory_mb(kind),
        };
        // An instance's memory is the instance's, whatever a trace's rows say.
        f.memory_pinned = self.memory_pinned || kind != BillingModel::AwsLambda;
        if let Some(r) = &f.init_runtime {
            f.init = r.at(f.memory_mb);
        }
        f.vcpus = None;
        f.container_concurrency = None;
        f.keep_alive = p::default_keep_alive(kind);
        f.provisioned_concurrency = p::default_min_instances(kind);
        f.scaling = None;
        f.reserved_concurrency = None;
        f.max_instances = p::default_max_instances(kind, f.vcpus());
        f.host = host.filter(|_| kind == BillingModel::AwsLambdaManagedInstances);
        f.scaler = p::default_scaler(kind);
        if kind != BillingModel::AwsLambda {
            f.ephemeral_storage_mb = f.ephemeral_storage_mb.min(512);
            f.snapstart = None;
        }
        f.reference_cpu = Some(measured);
        f
    }

    /// What a cold start spends before the handler: init, or a snapshot's restore with
    /// SnapStart.
    #[inline]
    pub fn cold_init(&self) -> &TimeDist {
        self.snapstart.as_ref().map_or(&self.init, |s| &s.restore)
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
    pub fn with_memory(&self, memory_mb: u32) -> Function {
        let mut f = self.clone();
        f.memory_mb = memory_mb;
        f.memory_pinned = true;
        if let Some(r) = &f.init_runtime {
            f.init = r.at(memory_mb);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::SnapRuntime;

    #[test]
    fn snapstart_runtimes_are_the_versions_aws_supports() {
        for (runtime, language) in [
            ("java11", Some(SnapRuntime::Java)),
            ("java21", Some(SnapRuntime::Java)),
            ("java8", None),
            ("python3.12", Some(SnapRuntime::Python)),
            ("python3.13", Some(SnapRuntime::Python)),
            ("python4.0", Some(SnapRuntime::Python)),
            ("python3.11", None),
            ("python2.12", None),
            ("python3", None),
            ("dotnet8", Some(SnapRuntime::Dotnet)),
            ("dotnet6", None),
            ("nodejs22", None),
            ("javaX", None),
        ] {
            assert_eq!(SnapRuntime::of(runtime), language, "{runtime}");
        }
    }
}
