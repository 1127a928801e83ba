//! What every billing model shares: a function's architecture and deployment, the integer usage the engine counts, the options of a bill and the bill itself.

use serde::{Deserialize, Serialize};

/// Instruction-set architecture of a function, which sets its price.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    /// Intel or AMD.
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    /// AWS Graviton.
    Arm64,
}

impl Arch {
    /// The name a scenario and the reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// A price per architecture [USD per unit].
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PerArch {
    /// Intel or AMD.
    pub x86_64: f64,
    /// Graviton.
    pub arm64: f64,
}

impl PerArch {
    /// The price for one architecture.
    pub fn get(&self, arch: Arch) -> f64 {
        match arch {
            Arch::X86_64 => self.x86_64,
            Arch::Arm64 => self.arm64,
        }
    }
}

/// Whether the INIT phase of a cold start is billed.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum InitBilling {
    /// Billed for every configuration (AWS since 2025-08-01).
    #[default]
    All,
    /// The rule before 2025-08-01: not billed for zip packages on managed runtimes.
    Legacy,
}

/// How a function is deployed, which matters to the legacy INIT rule.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Package {
    /// A zip archive.
    #[default]
    Zip,
    /// A container image.
    Image,
}

/// Billable usage of one function, in integers, as the engine counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Served invocations, on demand.
    pub requests: u64,
    /// Σ memory_mb × ceil(exec) over on-demand invocations [MB·ms].
    pub exec_mb_ms: u128,
    /// Σ memory_mb × (ceil(init + exec) − ceil(exec)) over cold starts [MB·ms]: the INIT share.
    pub init_mb_ms: u128,
    /// Σ ceil(exec) [ms], for ephemeral storage.
    pub exec_ms: u64,
    /// Σ (ceil(init + exec) − ceil(exec)) [ms], for ephemeral storage.
    pub init_ms: u64,
    /// Invocations served by provisioned containers.
    pub provisioned_requests: u64,
    /// Σ memory_mb × ceil(exec) over provisioned invocations [MB·ms].
    pub provisioned_mb_ms: u128,
    /// Σ ceil(exec) over provisioned invocations [ms].
    pub provisioned_ms: u64,
    /// Provisioned concurrency configured: Σ containers × seconds enabled × memory_mb [MB·s].
    pub provisioned_configured_mb_s: u128,
    /// Instance platforms: Σ over the busy periods of on-demand instances (at least one
    /// request in flight; from creation where start-up is billed) of each period rounded as the
    /// platform bills it [ms].
    pub busy_ms: u64,
    /// The same over always-ready (minimum) instances [ms].
    pub ready_busy_ms: u64,
    /// Σ over instances of their lifetime in the window, each rounded [ms].
    pub alive_ms: u64,
    /// Hosts held (Lambda Managed Instances' EC2 instances): the time integral of
    /// ceil(environments alive / environments per host) [host·µs].
    pub host_us: u128,
    /// SnapStart: Σ memory over snapshot restores [MB].
    pub restored_mb: u128,
    /// SnapStart: the snapshot's cache over the window, memory × seconds [MB·s].
    pub cached_mb_s: u128,
}

/// How one request's duration is billed: Lambda rounds it up to 1 ms and bills INIT; Azure's
/// Consumption plan bills at least 100 ms, in 128 MB memory steps, and no INIT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestRule {
    /// Durations round up to a multiple of this [ms].
    pub rounding_ms: u64,
    /// Every request bills at least this [ms].
    pub minimum_ms: u64,
    /// Memory rounds up to a multiple of this [MB] (1: as configured).
    pub memory_step_mb: u32,
    /// Memory bills at least this [MB].
    pub minimum_memory_mb: u32,
    /// Whether a cold start's INIT is billed with its request.
    pub init: bool,
}

impl RequestRule {
    /// Lambda's rule with `rounding_ms`: INIT billed, no minimum, memory as configured.
    pub const fn lambda(rounding_ms: u64) -> RequestRule {
        RequestRule {
            rounding_ms,
            minimum_ms: 0,
            memory_step_mb: 1,
            minimum_memory_mb: 0,
            init: true,
        }
    }
}

/// How an instance's busy periods (and lifetimes) are billed: each rounded up to a multiple of
/// `rounding_ms`, and at least `minimum_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodRule {
    /// Periods round up to a multiple of this [ms].
    pub rounding_ms: u64,
    /// Every period bills at least this [ms].
    pub minimum_ms: u64,
    /// A busy period starts when the instance is created (its start-up billed), not when its
    /// first request starts.
    pub startup: bool,
}

impl PeriodRule {
    /// The billed length of a period of `us` [ms].
    #[inline]
    pub fn billed_ms(&self, us: u64) -> u64 {
        billed_ms(us, self.rounding_ms).max(self.minimum_ms)
    }
}

/// Rounds a duration [µs] up to whole billing units and returns it in milliseconds
/// (saturating, for spans no run reaches).
#[inline]
pub fn billed_ms(us: u64, rounding_ms: u64) -> u64 {
    if rounding_ms <= 1 {
        // Lambda's 1 ms: a division by a constant, which compiles to a multiplication.
        return us.div_ceil(1_000);
    }
    us.div_ceil(rounding_ms.saturating_mul(1_000))
        .saturating_mul(rounding_ms)
}

impl Usage {
    /// Counts one served on-demand invocation with its init (zero when warm) and exec [µs],
    /// billed as `rule` says.
    #[inline]
    pub fn on_request(&mut self, memory_mb: u32, init_us: u64, exec_us: u64, rule: &RequestRule) {
        if rule.minimum_ms == 0
            && rule.memory_step_mb <= 1
            && rule.minimum_memory_mb == 0
            && rule.init
        {
            return self.on_demand(memory_mb, init_us, exec_us, rule.rounding_ms);
        }
        let step = rule.memory_step_mb.max(1);
        let memory_mb = memory_mb.max(rule.minimum_memory_mb).div_ceil(step) * step;
        let exec_us = if rule.minimum_ms > 0 {
            exec_us.max(rule.minimum_ms.saturating_mul(1_000))
        } else {
            exec_us
        };
        let init_us = if rule.init { init_us } else { 0 };
        self.on_demand(memory_mb, init_us, exec_us, rule.rounding_ms);
    }

    /// Counts one served on-demand invocation with its init (zero when warm) and exec [µs].
    #[inline]
    pub fn on_demand(&mut self, memory_mb: u32, init_us: u64, exec_us: u64, rounding_ms: u64) {
        let exec_ms = billed_ms(exec_us, rounding_ms);
        let init_ms = if init_us > 0 {
            billed_ms(init_us.saturating_add(exec_us), rounding_ms).saturating_sub(exec_ms)
        } else {
            0
        };
        let mb = u128::from(memory_mb);
        self.requests += 1;
        self.exec_ms = self.exec_ms.saturating_add(exec_ms);
        self.init_ms = self.init_ms.saturating_add(init_ms);
        self.exec_mb_ms += mb * u128::from(exec_ms);
        self.init_mb_ms += mb * u128::from(init_ms);
    }

    /// Counts one SnapStart restore of a container of `memory_mb`.
    #[inline]
    pub fn on_restore(&mut self, memory_mb: u32) {
        self.restored_mb += u128::from(memory_mb);
    }

    /// Counts an init that served no request (a replacement initialized ahead of a
    /// retirement) [µs]: INIT time, rounded up on its own.
    #[inline]
    pub fn on_init(&mut self, memory_mb: u32, init_us: u64, rounding_ms: u64) {
        let init_ms = billed_ms(init_us, rounding_ms);
        self.init_ms = self.init_ms.saturating_add(init_ms);
        self.init_mb_ms += u128::from(memory_mb) * u128::from(init_ms);
    }

    /// Counts one invocation served by a provisioned container, with its exec [µs].
    #[inline]
    pub fn on_provisioned(&mut self, memory_mb: u32, exec_us: u64, rounding_ms: u64) {
        let ms = billed_ms(exec_us, rounding_ms);
        self.provisioned_requests += 1;
        self.provisioned_ms = self.provisioned_ms.saturating_add(ms);
        self.provisioned_mb_ms += u128::from(memory_mb) * u128::from(ms);
    }
}

/// What a function is, for billing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Billed {
    /// Architecture.
    pub arch: Arch,
    /// Package type, for the legacy INIT rule.
    pub package: Package,
    /// Ephemeral storage configured [MB]; 512 is free.
    pub ephemeral_storage_mb: u32,
    /// A custom runtime (`provided.*`), whose INIT the legacy rule billed even from a zip.
    pub custom_runtime: bool,
    /// An instance's memory [MB], billed per instance on instance platforms.
    pub memory_mb: u32,
    /// An instance's vCPUs [thousandths], billed per vCPU-second on Cloud Run.
    pub vcpu_milli: u32,
    /// Lambda SnapStart on Python or .NET: its cache and restores are billed.
    pub snapstart_charged: bool,
}

impl Default for Billed {
    fn default() -> Self {
        Billed {
            arch: Arch::X86_64,
            package: Package::Zip,
            ephemeral_storage_mb: 512,
            custom_runtime: false,
            memory_mb: 128,
            vcpu_milli: 1_000,
            snapstart_charged: false,
        }
    }
}

/// Options of the cost model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CostOptions {
    /// Whether INIT is billed.
    pub init_billing: InitBilling,
    /// Whether the monthly free tier (or free grant) is taken off.
    pub free_tier: bool,
    /// Cloud Run: request-based or instance-based billing.
    pub cloud_run: CloudRunBilling,
    /// Lambda Managed Instances: the EC2 instance type the environments run on.
    pub host: Option<Host>,
}

/// Cloud Run's two billing settings.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CloudRunBilling {
    /// CPU and memory billed while at least one request is in flight (start-up included),
    /// plus a fee per request: the default.
    #[default]
    Request,
    /// CPU and memory billed for each instance's whole life, no fee per request.
    Instance,
}

impl CloudRunBilling {
    /// The name a scenario uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CloudRunBilling::Request => "request",
            CloudRunBilling::Instance => "instance",
        }
    }
}

/// An EC2 instance type that Lambda Managed Instances runs environments on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Host {
    /// Its vCPUs.
    pub vcpus: u32,
    /// Its memory [MB].
    pub memory_mb: u32,
    /// Its on-demand price [USD per hour].
    pub usd_per_hour: f64,
}

/// One function's (or the total's) bill [USD] and billed volume.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Cost {
    /// Everything.
    pub total_usd: f64,
    /// Requests, on demand and provisioned.
    pub requests_usd: f64,
    /// On-demand duration, INIT included.
    pub compute_usd: f64,
    /// The part of `compute_usd` spent in INIT.
    pub init_usd: f64,
    /// Provisioned concurrency: configured concurrency plus its invocations' duration.
    pub provisioned_usd: f64,
    /// Ephemeral storage above 512 MB.
    pub ephemeral_storage_usd: f64,
    /// Lambda Managed Instances' management fee on its instances.
    pub management_usd: f64,
    /// Lambda SnapStart (Python, .NET): the snapshot's cache and its restores.
    pub snapstart_usd: f64,
    /// Billed on-demand GB-seconds, INIT included [GB·s] (instance platforms: memory of the
    /// instances over their billed time).
    pub billed_gb_s: f64,
}

impl Cost {
    /// Adds another bill's parts to this one.
    pub fn add(&mut self, c: &Cost) {
        self.total_usd += c.total_usd;
        self.requests_usd += c.requests_usd;
        self.compute_usd += c.compute_usd;
        self.init_usd += c.init_usd;
        self.provisioned_usd += c.provisioned_usd;
        self.ephemeral_storage_usd += c.ephemeral_storage_usd;
        self.management_usd += c.management_usd;
        self.snapstart_usd += c.snapstart_usd;
        self.billed_gb_s += c.billed_gb_s;
    }
}

/// MB·ms in a GB-second (a GB being 1024 MB, as the platforms bill).
pub const MB_MS_PER_GB_S: f64 = 1024.0 * 1000.0;

/// Seconds in the month a projection is scaled to: 30 days.
pub const MONTH_S: f64 = 30.0 * 86_400.0;

/// How a platform bills; each has its price sheet.
#[derive(
    Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum BillingModel {
    /// AWS Lambda: per request and per GB-second of each request's duration.
    #[default]
    AwsLambda,
    /// AWS Lambda Managed Instances: the EC2 instances, a management fee, per request.
    AwsLambdaManagedInstances,
    /// Azure Functions Flex Consumption: instance memory while executing, per execution.
    AzureFlexConsumption,
    /// Azure Functions Consumption (legacy): per execution and its GB-seconds.
    AzureConsumption,
    /// Google Cloud Run: vCPU and memory while serving (or for the instance's life).
    GoogleCloudRun,
}

impl BillingModel {
    /// Every model, in the order reports list them.
    pub const ALL: [BillingModel; 5] = [
        BillingModel::AwsLambda,
        BillingModel::AwsLambdaManagedInstances,
        BillingModel::AzureFlexConsumption,
        BillingModel::AzureConsumption,
        BillingModel::GoogleCloudRun,
    ];

    /// The name a scenario and the reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            BillingModel::AwsLambda => "aws-lambda",
            BillingModel::AwsLambdaManagedInstances => "aws-lambda-managed-instances",
            BillingModel::AzureFlexConsumption => "azure-flex-consumption",
            BillingModel::AzureConsumption => "azure-consumption",
            BillingModel::GoogleCloudRun => "google-cloud-run",
        }
    }

    /// The model named `name`.
    pub fn parse(name: &str) -> Option<BillingModel> {
        BillingModel::ALL.into_iter().find(|m| m.as_str() == name)
    }
}
