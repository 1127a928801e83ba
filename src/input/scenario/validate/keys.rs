//! The checks of the keys `[defaults]` and `[[function]]` have in common (memory, storage, init, handler times, keep-alive, the event age), written once for both.

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::{
    InitSpec, PopularityName, RawCache, RawPopularity, RawSnapStart, RawTenants,
};
use super::values::shown;
use super::values::validate_dist;
use crate::cost::{Arch, BillingModel, Package};
use crate::model::dist::{TimeDist, TimeDistSpec};
use crate::model::function::{
    Cache, CacheModel, DEFAULT_MAX_EVENT_AGE, Init, MAX_CACHE_KEYS, MAX_EXACT_CAPACITY,
    MAX_TENANTS, Popularity, Scaler, SnapRuntime, SnapStart, Tenants,
};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::platform;
use crate::model::scenario::{
    MAX_CONTAINER_CONCURRENCY, MAX_MANAGED_CONCURRENCY, MAX_MEMORY_MB, MAX_VCPUS,
};
use crate::time::SimDuration;

/// The keys of one table, `[defaults]` or one `[[function]]`: where each is, for messages.
pub(super) struct Keys<'c> {
    pub(super) check: &'c Checker<'c>,
    /// The table's own path: `defaults`, or `function` and its index.
    pub(super) table: Vec<Seg>,
    /// The platform, whose defaults and bounds apply.
    pub(super) kind: BillingModel,
}

impl Keys<'_> {
    /// The path of `key` in this table.
    pub(super) fn at(&self, key: &'static str) -> Vec<Seg> {
        let mut at = self.table.clone();
        at.push(Seg::Key(key));
        at
    }

    /// An error about `key` of this table.
    pub(super) fn invalid(
        &self,
        key: &'static str,
        message: impl std::fmt::Display,
    ) -> ScenarioError {
        self.check.invalid(&self.at(key), message)
    }

    /// `memory_mb`: on Lambda 1 to 10240 MB; elsewhere the sizes the platform offers.
    pub(super) fn memory(&self, mb: u32) -> Result<u32, ScenarioError> {
        if self.kind == BillingModel::AwsLambda {
            if mb == 0 || mb > MAX_MEMORY_MB {
                return Err(self.invalid(
                    "memory_mb",
                    format!("must be between 1 and {MAX_MEMORY_MB} MB, got {mb} (Lambda offers 128 to 10240)"),
                ));
            }
            return Ok(mb);
        }
        let rule = platform::memory_rule(self.kind);
        let name = self.kind.as_str();
        if !rule.sizes.is_empty() && !rule.sizes.contains(&mb) {
            let sizes: Vec<String> = rule.sizes.iter().map(u32::to_string).collect();
            return Err(self.invalid(
                "memory_mb",
                format!(
                    "{name} offers instances of {} MB, got {mb}",
                    sizes.join(", ")
                ),
            ));
        }
        if !(rule.min..=rule.max).contains(&mb) {
            return Err(self.invalid(
                "memory_mb",
                format!(
                    "must be between {} and {} MB on {name}, got {mb}",
                    rule.min, rule.max
                ),
            ));
        }
        Ok(mb)
    }

    /// `ephemeral_storage_mb`: 512 (the default, included in the price) to 10240 MB.
    pub(super) fn storage(&self, mb: Option<u32>) -> Result<u32, ScenarioError> {
        let mb = mb.unwrap_or(512);
        if !(512..=10_240).contains(&mb) {
            return Err(self.invalid(
                "ephemeral_storage_mb",
                format!("must be between 512 and 10240 MB, got {mb}"),
            ));
        }
        Ok(mb)
    }

    /// A time distribution under `key`, when given.
    pub(super) fn dist(
        &self,
        key: &'static str,
        spec: Option<&TimeDistSpec>,
    ) -> Result<Option<TimeDist>, ScenarioError> {
        spec.map(|s| validate_dist(s).map_err(|m| self.invalid(key, m)))
            .transpose()
    }

    /// `init`: a distribution, or a runtime's measured INIT times on this arch and package.
    pub(super) fn init(
        &self,
        spec: &InitSpec,
        arch: Arch,
        package: Package,
    ) -> Result<Init, ScenarioError> {
        match spec {
            InitSpec::Dist(d) => validate_dist(d)
                .map(Init::Dist)
                .map_err(|m| self.invalid("init", m)),
            InitSpec::Runtime(r) => crate::input::preset::runtime_init(r, arch, package)
                .map(Init::Runtime)
                .map_err(|m| self.invalid("init", m)),
        }
    }

    /// `keep_alive`, by default the platform's current preset (on Lambda `aws-lambda-2025`).
    pub(super) fn keep_alive(
        &self,
        spec: Option<&KeepAliveSpec>,
    ) -> Result<KeepAliveSpec, ScenarioError> {
        let spec = spec
            .cloned()
            .unwrap_or_else(|| platform::default_keep_alive(self.kind));
        spec.validate().map_err(|m| self.invalid("keep_alive", m))?;
        Ok(spec)
    }

    /// Refuses `key`, a feature of AWS Lambda's alone, on another platform.
    fn lambda_only(&self, key: &'static str, feature: &str) -> Result<(), ScenarioError> {
        if self.kind == BillingModel::AwsLambda {
            return Ok(());
        }
        Err(self.invalid(
            key,
            format!(
                "{feature} is AWS Lambda's (aws-lambda); platform.kind is {}",
                self.kind.as_str()
            ),
        ))
    }

    /// `snapstart`: AWS Lambda only, zip packages, at most 512 MB of ephemeral storage, and a
    /// runtime SnapStart supports, from the table's `runtime` or the init preset's.
    pub(super) fn snapstart(
        &self,
        raw: Option<&RawSnapStart>,
        init: &Init,
        package: Package,
        storage_mb: u32,
    ) -> Result<Option<SnapStart>, ScenarioError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        self.lambda_only("snapstart", "SnapStart")?;
        if package == Package::Image {
            return Err(self.invalid(
                "snapstart",
                "SnapStart does not support container images (AWS); use package = \"zip\"",
            ));
        }
        if storage_mb > 512 {
            return Err(self.invalid(
                "snapstart",
                format!("SnapStart does not support ephemeral storage above 512 MB (AWS), got {storage_mb}"),
            ));
        }
        let preset = init.runtime().map(|r| r.runtime.as_str());
        let runtime = match (raw.runtime, preset) {
            (Some(r), Some(p)) if SnapRuntime::of(p) != Some(r) => {
                return Err(self.invalid(
                    "snapstart",
                    format!("runtime {r:?} disagrees with the init preset's runtime {p:?}; SnapStart supports Java 11+, Python 3.12+ and .NET 8+"),
                ));
            }
            (Some(r), _) => r,
            (None, Some(p)) => SnapRuntime::of(p).ok_or_else(|| {
                self.invalid(
                    "snapstart",
                    format!("SnapStart supports Java 11+, Python 3.12+ and .NET 8+, not {p:?}"),
                )
            })?,
            (None, None) => {
                return Err(self.invalid(
                    "snapstart",
                    "say which runtime it snapshots: runtime = \"java\", \"python\" or \"dotnet\" (Python and .NET pay for the cache and each restore, Java does not)",
                ));
            }
        };
        let restore = raw
            .restore
            .validate()
            .map_err(|m| self.invalid("snapstart.restore", m))?;
        Ok(Some(SnapStart { restore, runtime }))
    }

    /// `tenants`: AWS Lambda only, 1 to [`MAX_TENANTS`] tenants, Zipf (exponent 1) unless
    /// said otherwise.
    pub(super) fn tenants(
        &self,
        raw: Option<&RawTenants>,
    ) -> Result<Option<Tenants>, ScenarioError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        self.lambda_only("tenants", "tenant isolation")?;
        if raw.count == 0 || raw.count > MAX_TENANTS {
            return Err(self.invalid(
                "tenants.count",
                format!("must be between 1 and {MAX_TENANTS}, got {}", raw.count),
            ));
        }
        let popularity = self.popularity("tenants.popularity", raw.popularity.as_ref())?;
        Ok(Some(Tenants {
            count: raw.count,
            popularity,
        }))
    }

    /// `cache`: keys, capacity and times within bounds; a preload no larger than the cache;
    /// Che's approximation without a preload.
    pub(super) fn cache(&self, raw: Option<&RawCache>) -> Result<Option<Cache>, ScenarioError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        if raw.keys == 0 || raw.keys > MAX_CACHE_KEYS {
            return Err(self.invalid(
                "cache.keys",
                format!("must be between 1 and {MAX_CACHE_KEYS}, got {}", raw.keys),
            ));
        }
        let model = raw.model.unwrap_or_default();
        if raw.capacity == 0 {
            return Err(self.invalid("cache.capacity", "must be at least 1 entry"));
        }
        if model == CacheModel::Exact && raw.capacity > MAX_EXACT_CAPACITY {
            return Err(self.invalid(
                "cache.capacity",
                format!("{} entries per container is too many to keep exactly (at most {MAX_EXACT_CAPACITY}); use model = \"che\"", raw.capacity),
            ));
        }
        let hit = self.cache_time("hit", raw.hit_ms, raw.hit.as_ref())?;
        let miss = self.cache_time("miss", raw.miss_ms, raw.miss.as_ref())?;
        let warm_on_init = raw.warm_on_init.unwrap_or(0);
        if warm_on_init > raw.capacity.min(raw.keys) {
            return Err(self.invalid(
                "cache.warm_on_init",
                format!(
                    "preloads at most the cache's capacity and its keys ({}), got {warm_on_init}",
                    raw.capacity.min(raw.keys)
                ),
            ));
        }
        if model == CacheModel::Che && warm_on_init > 0 {
            return Err(self.invalid(
                "cache.warm_on_init",
                "Che's approximation here starts from an empty cache: use model = \"exact\" with a preload",
            ));
        }
        let popularity = self.popularity("cache.popularity", raw.popularity.as_ref())?;
        Ok(Some(Cache {
            keys: raw.keys,
            popularity,
            capacity: raw.capacity,
            hit,
            miss,
            warm_on_init,
            model,
        }))
    }

    /// A cache's hit or miss time: `NAME_ms` (0 to 900,000 ms) or `NAME` (a distribution),
    /// exactly one of them.
    fn cache_time(
        &self,
        name: &'static str,
        ms: Option<f64>,
        dist: Option<&TimeDistSpec>,
    ) -> Result<TimeDist, ScenarioError> {
        let (key, dist_key, ms_name) = match name {
            "hit" => ("cache.hit_ms", "cache.hit", "hit_ms"),
            _ => ("cache.miss_ms", "cache.miss", "miss_ms"),
        };
        match (ms, dist) {
            (Some(ms), None) if ms.is_finite() && (0.0..=900_000.0).contains(&ms) => {
                Ok(TimeDist::Constant(SimDuration::from_millis_f64(ms)))
            }
            (Some(ms), None) => {
                Err(self.invalid(key, format!("must be 0 to 900000 ms, got {}", shown(ms))))
            }
            (None, Some(d)) => validate_dist(d).map_err(|m| self.invalid(dist_key, m)),
            (Some(_), Some(_)) => Err(self.invalid(
                "cache",
                format!("give {ms_name} (a time) or {name} (a distribution), not both"),
            )),
            (None, None) => Err(self.invalid(
                "cache",
                format!("needs {ms_name} = MS or {name} = {{ dist = ... }}"),
            )),
        }
    }

    /// A popularity, Zipf with exponent 1 when not given.
    fn popularity(
        &self,
        key: &'static str,
        raw: Option<&RawPopularity>,
    ) -> Result<Popularity, ScenarioError> {
        Ok(match raw {
            None => Popularity::Zipf(1.0),
            Some(RawPopularity::Named(PopularityName::Uniform)) => Popularity::Uniform,
            Some(RawPopularity::Zipf { zipf })
                if zipf.is_finite() && *zipf > 0.0 && *zipf <= 10.0 =>
            {
                Popularity::Zipf(*zipf)
            }
            Some(RawPopularity::Zipf { zipf }) => {
                return Err(self.invalid(
                    key,
                    format!(
                        "zipf must be an exponent above 0 and at most 10, got {}",
                        shown(*zipf)
                    ),
                ));
            }
        })
    }

    /// `max_event_age`: 1 minute to 6 hours, as Lambda allows (the default).
    pub(super) fn max_event_age(
        &self,
        age: Option<SimDuration>,
    ) -> Result<SimDuration, ScenarioError> {
        let age = age.unwrap_or(DEFAULT_MAX_EVENT_AGE);
        if !(SimDuration::from_secs(60)..=DEFAULT_MAX_EVENT_AGE).contains(&age) {
            return Err(self.invalid(
                "max_event_age",
                format!("must be between 1m and 6h, as Lambda allows, got {age}"),
            ));
        }
        Ok(age)
    }

    /// `container_concurrency`: requests one container serves at once, 1 to 1000 (1600 on
    /// Lambda Managed Instances), when given; the platform's default otherwise.
    pub(super) fn container_concurrency(
        &self,
        n: Option<u32>,
    ) -> Result<Option<u32>, ScenarioError> {
        let most = if self.kind == BillingModel::AwsLambdaManagedInstances {
            MAX_MANAGED_CONCURRENCY
        } else {
            MAX_CONTAINER_CONCURRENCY
        };
        match n {
            Some(n) if !(1..=most).contains(&n) => Err(self.invalid(
                "container_concurrency",
                format!("must be between 1 and {most} requests, got {n}"),
            )),
            n => Ok(n),
        }
    }

    /// `scale_target`: the utilisation the platform's scaler aims at, in (0, 1], on the
    /// platforms that have one; the platform's scaler (with its default target) otherwise.
    pub(super) fn scaler(&self, target: Option<f64>) -> Result<Option<Scaler>, ScenarioError> {
        let default = crate::model::platform::default_scaler(self.kind);
        match (target, default) {
            (None, d) => Ok(d),
            (Some(_), None) => Err(self.invalid(
                "scale_target",
                format!(
                    "{} has no utilisation scaler (instances start when every one is full); scale_target belongs to google-cloud-run and aws-lambda-managed-instances",
                    self.kind.as_str()
                ),
            )),
            (Some(t), Some(_)) if !(t.is_finite() && t > 0.0 && t <= 1.0) => Err(self.invalid(
                "scale_target",
                format!("must be a share of an instance's concurrency above 0 and at most 1, got {}", shown(t)),
            )),
            (Some(t), Some(d)) => Ok(Some(Scaler { target: t, ..d })),
        }
    }

    /// `vcpus`: the container's CPUs, above 0 and at most 192, when given.
    pub(super) fn vcpus(&self, v: Option<f64>) -> Result<Option<f64>, ScenarioError> {
        match v {
            Some(v) if !(v.is_finite() && v > 0.0 && v <= MAX_VCPUS) => Err(self.invalid(
                "vcpus",
                format!("must be above 0 and at most {MAX_VCPUS}, got {}", shown(v)),
            )),
            v => Ok(v),
        }
    }

    /// `cpu_fraction`: the share of init and exec time spent computing, 0 (the default) to 1.
    pub(super) fn cpu_fraction(&self, f: Option<f64>) -> Result<f64, ScenarioError> {
        let f = f.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&f) {
            return Err(self.invalid(
                "cpu_fraction",
                format!("must be a fraction from 0 to 1, got {}", shown(f)),
            ));
        }
        Ok(f)
    }
}
