//! What each platform is by default, in one place: memory, vCPUs per memory size, requests per instance, keep-alive, minimum and maximum instances, and the sizes it offers; each figure with its source (the README's Platforms section lists them all).

use crate::cost::BillingModel;
use crate::model::keep_alive::KeepAliveSpec;
use crate::time::SimDuration;

/// The EC2 instance type Lambda Managed Instances runs environments on by default: a general
/// purpose Graviton type (AWS picks types itself unless told; the sheet lists the others).
pub const DEFAULT_INSTANCE_TYPE: &str = "m7g.xlarge";

/// Lambda Managed Instances' default memory per vCPU [MB]: 2 GiB, the API's least
/// `ExecutionEnvironmentMemoryGiBPerVCpu` and the ratio of its smallest environment (2 GB and
/// 1 vCPU).
pub const MANAGED_MB_PER_VCPU: u32 = 2048;

/// Lambda Managed Instances' default requests per vCPU of an environment: Python's 16 (AWS:
/// Node.js 64, Java 32, .NET 32, Python 16), the least of the four runtimes' defaults.
pub const MANAGED_REQUESTS_PER_VCPU: u32 = 16;

/// Lambda Managed Instances' default largest vCPU count per capacity provider (`MaxVCpuCount`).
pub const MANAGED_MAX_VCPUS: u32 = 400;

/// The memory a function has when its file gives none [MB].
pub fn default_memory_mb(kind: BillingModel) -> u32 {
    match kind {
        // Lambda's default.
        BillingModel::AwsLambda => 128,
        // The smallest environment: 2 GB (AWS).
        BillingModel::AwsLambdaManagedInstances => 2048,
        // The default instance size (Microsoft Learn, Flex Consumption plan hosting).
        BillingModel::AzureFlexConsumption => 2048,
        // The smallest billed memory step: a Consumption function's memory is what it uses.
        BillingModel::AzureConsumption => 128,
        // Services' default (Cloud Run docs, Configure memory limits).
        BillingModel::GoogleCloudRun => 512,
    }
}

/// The memory sizes a platform offers [MB]: a range, or only the listed sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryRule {
    /// The least.
    pub min: u32,
    /// The most.
    pub max: u32,
    /// Only these sizes, when the platform offers a few.
    pub sizes: &'static [u32],
}

/// The memory sizes `kind` offers.
pub fn memory_rule(kind: BillingModel) -> MemoryRule {
    let range = |min, max| MemoryRule {
        min,
        max,
        sizes: &[],
    };
    match kind {
        BillingModel::AwsLambda => range(1, 10_240),
        BillingModel::AwsLambdaManagedInstances => range(2_048, 32_768),
        BillingModel::AzureFlexConsumption => MemoryRule {
            min: 512,
            max: 4_096,
            sizes: &[512, 2_048, 4_096],
        },
        BillingModel::AzureConsumption => range(1, 1_536),
        BillingModel::GoogleCloudRun => range(128, 32_768),
    }
}

/// The vCPUs an instance of `memory_mb` has when the file gives none.
pub fn default_vcpus(kind: BillingModel, memory_mb: u32) -> f64 {
    match kind {
        // In proportion to memory, one at 1769 MB (AWS).
        BillingModel::AwsLambda => f64::from(memory_mb) / 1769.0,
        BillingModel::AwsLambdaManagedInstances => {
            f64::from(memory_mb) / f64::from(MANAGED_MB_PER_VCPU)
        }
        // 512 MB: 0.25 core, 2,048 MB: 1, 4,096 MB: 2 (Microsoft Learn).
        BillingModel::AzureFlexConsumption => f64::from(memory_mb) / 2048.0,
        // One core per instance, all its functions sharing it (Microsoft Learn, Consumption plan
        // limits: 1 core, 1.5 GB).
        BillingModel::AzureConsumption => 1.0,
        // The default CPU limit (Cloud Run docs, Configure CPU limits).
        BillingModel::GoogleCloudRun => 1.0,
    }
}

/// Requests one instance serves at once when the file gives none.
pub fn default_concurrency(kind: BillingModel, memory_mb: u32, vcpus: f64) -> u32 {
    match kind {
        BillingModel::AwsLambda => 1,
        BillingModel::AwsLambdaManagedInstances => {
            ((vcpus * f64::from(MANAGED_REQUESTS_PER_VCPU)).floor() as u32).max(1)
        }
        // HTTP per-instance concurrency: 4 at 512 MB, 16 at 2,048 MB, 32 at 4,096 MB
        // (Microsoft Learn, Concurrency in Azure Functions).
        BillingModel::AzureFlexConsumption => (memory_mb / 128).clamp(1, 32),
        // host.json `maxConcurrentRequests`: 100 on Functions 2.x and later (Microsoft Learn,
        // HTTP trigger host.json settings).
        BillingModel::AzureConsumption => 100,
        // The console's default maximum concurrent requests per instance (Cloud Run docs).
        BillingModel::GoogleCloudRun => 80,
    }
}

/// The keep-alive of idle instances when the file gives none: the platform's current preset.
pub fn default_keep_alive(kind: BillingModel) -> KeepAliveSpec {
    KeepAliveSpec::Preset {
        name: current_preset(kind).to_string(),
    }
}

/// The preset of each platform's current behaviour (see [`crate::model::keep_alive::PRESETS`]).
pub fn current_preset(kind: BillingModel) -> &'static str {
    match kind {
        // Managed Instances' environments are reclaimed "gradually" with no published figure:
        // Lambda's.
        BillingModel::AwsLambda | BillingModel::AwsLambdaManagedInstances => "aws-lambda-2025",
        // Flex Consumption has no published measurement: the Consumption plan's.
        BillingModel::AzureFlexConsumption | BillingModel::AzureConsumption => {
            "azure-functions-2025"
        }
        BillingModel::GoogleCloudRun => "google-cloud-run-2025",
    }
}

/// Instances kept warm (and billed) whatever the traffic, when the file gives none.
pub fn default_min_instances(kind: BillingModel) -> u32 {
    match kind {
        // MinExecutionEnvironments: 3 by default; Managed Instances never scale to zero (AWS).
        BillingModel::AwsLambdaManagedInstances => 3,
        _ => 0,
    }
}

/// The most instances of a function at once, when the file gives none.
pub fn default_max_instances(kind: BillingModel, vcpus: f64) -> Option<u32> {
    match kind {
        BillingModel::AwsLambda => None,
        // MaxVCpuCount 400 by default (AWS), over environments of `vcpus`.
        BillingModel::AwsLambdaManagedInstances => {
            Some(((f64::from(MANAGED_MAX_VCPUS) / vcpus.max(1e-3)).floor() as u32).max(1))
        }
        // Default maximum instances 100 (Microsoft Learn, Migrate AWS Lambda workloads).
        BillingModel::AzureFlexConsumption => Some(100),
        // Consumption plan scale-out: at most 200 instances (Microsoft Learn).
        BillingModel::AzureConsumption => Some(200),
        // Services' default maximum instances: 100 (Cloud Run docs).
        BillingModel::GoogleCloudRun => Some(100),
    }
}

/// The account-wide limit on requests in flight when the file gives none: Lambda's 1000;
/// the other platforms bound instances per function instead.
pub fn default_account_concurrency(kind: BillingModel) -> Option<u32> {
    match kind {
        BillingModel::AwsLambda => Some(1_000),
        _ => None,
    }
}

/// Lambda's scaling rate (1000 environments per function every 10 s, since November 2023),
/// which other platforms do not have, when the file gives none.
pub fn default_scaling(kind: BillingModel) -> Option<(u32, SimDuration)> {
    match kind {
        BillingModel::AwsLambda => Some((1_000, SimDuration::from_secs(10))),
        _ => None,
    }
}

/// A platform's own scaler of instances: every `window` it wants enough instances for the
/// window's mean requests in flight at `target` of each instance's concurrency, and starts the
/// missing ones in the background (ready after an init, no request waiting on them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scaler {
    /// The utilisation it aims at: a share of an instance's concurrency, in (0, 1].
    pub target: f64,
    /// How often it looks, over the mean of that span.
    pub window: SimDuration,
    /// An arrival that finds every instance full is throttled and starts one in the
    /// background (Managed Instances: no cold starts), instead of starting one and waiting.
    pub throttle_when_full: bool,
    /// Instances grow at most by as many as were alive at the start of each such span
    /// (Managed Instances: traffic that more than doubles in 5 minutes is throttled).
    pub doubling: Option<SimDuration>,
}

/// The platform's own scaler of instances, when it has one.
pub fn default_scaler(kind: BillingModel) -> Option<Scaler> {
    let minute = SimDuration::from_secs(60);
    match kind {
        // "Cloud Run ... tries to keep ... 60% of the maximum concurrent requests ... and 60% CPU
        // utilization ..., averaged over a one-minute window" (Cloud Run docs, About instance
        // autoscaling). A request finding every instance full starts one (a cold start).
        BillingModel::GoogleCloudRun => Some(Scaler {
            target: 0.6,
            window: minute,
            throttle_when_full: false,
            doubling: None,
        }),
        // "Scales asynchronously based on CPU resource utilization and multi-concurrency
        // saturation ... does not support cold starts ... If your traffic more than doubles
        // within 5 minutes, you may see throttles" (AWS, Scaling Lambda Managed Instances). AWS
        // publishes no default target: 50 %, the headroom that absorbs a doubling; a minute,
        // the period of its CloudWatch metrics.
        BillingModel::AwsLambdaManagedInstances => Some(Scaler {
            target: 0.5,
            window: minute,
            throttle_when_full: true,
            doubling: Some(SimDuration::from_secs(300)),
        }),
        // Flex adds instances as per-instance concurrency fills (Microsoft Learn, event-driven
        // scaling): a new instance when every one is full, as on Lambda.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flex_sizes_have_their_documented_cores_and_concurrency() {
        let k = BillingModel::AzureFlexConsumption;
        for (mb, cores, concurrency) in [(512, 0.25, 4), (2048, 1.0, 16), (4096, 2.0, 32)] {
            assert_eq!(default_vcpus(k, mb), cores);
            assert_eq!(default_concurrency(k, mb, cores), concurrency);
        }
        assert_eq!(memory_rule(k).sizes, &[512, 2048, 4096]);
    }

    #[test]
    fn managed_instances_default_to_2_gb_1_vcpu_16_requests_3_environments() {
        let k = BillingModel::AwsLambdaManagedInstances;
        let mb = default_memory_mb(k);
        let vcpus = default_vcpus(k, mb);
        assert_eq!((mb, vcpus), (2048, 1.0));
        assert_eq!(default_concurrency(k, mb, vcpus), 16);
        assert_eq!(default_concurrency(k, 8192, default_vcpus(k, 8192)), 64);
        assert_eq!(default_min_instances(k), 3);
        assert_eq!(default_max_instances(k, vcpus), Some(400));
        assert_eq!(default_max_instances(k, 4.0), Some(100));
    }

    #[test]
    fn lambda_keeps_its_classic_contract() {
        let k = BillingModel::AwsLambda;
        assert_eq!(default_memory_mb(k), 128);
        assert_eq!(default_concurrency(k, 1769, 1.0), 1);
        assert_eq!(default_vcpus(k, 1769), 1.0);
        assert_eq!(default_max_instances(k, 1.0), None);
        assert_eq!(default_account_concurrency(k), Some(1000));
        assert!(default_scaling(k).is_some());
        assert_eq!(default_scaling(BillingModel::GoogleCloudRun), None);
    }
}
