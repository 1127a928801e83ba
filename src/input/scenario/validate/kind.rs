//! What a platform allows of a function: keys that belong to another platform refused with the reason, minimum and maximum instances within bounds, an environment that fits its platform's CPU rules and host, and the figures the platform's price sheet must have for the run.

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::RawFunction;
use super::keys::Keys;
use super::values::shown;
use crate::cost::{BillingModel, CloudRunBilling, Host, Prices, environments_per_host};
use crate::model::function::{Function, Template};
use crate::model::platform;
use crate::model::scenario::CostConfig;

/// Refuses the keys of a table (`own`, not what it takes from `[defaults]`) that belong to
/// another platform than the scenario's.
pub(super) fn foreign_keys(keys: &Keys<'_>, own: &RawFunction) -> Result<(), ScenarioError> {
    let name = keys.kind.as_str();
    if keys.kind == BillingModel::AwsLambda {
        if own.min_instances.is_some() {
            return Err(keys.invalid(
                "min_instances",
                "minimum instances belong to instance platforms; on aws-lambda keep containers warm with provisioned_concurrency",
            ));
        }
        if own.max_instances.is_some() {
            return Err(keys.invalid(
                "max_instances",
                "maximum instances belong to instance platforms; on aws-lambda cap a function with reserved_concurrency",
            ));
        }
        return Ok(());
    }
    if own.reserved_concurrency.is_some() {
        return Err(keys.invalid(
            "reserved_concurrency",
            format!(
                "reserved concurrency is AWS Lambda's; on {name} cap a function with max_instances"
            ),
        ));
    }
    for (key, set) in [
        (
            "provisioned_concurrency",
            own.provisioned_concurrency.is_some(),
        ),
        ("provisioned_schedule", own.provisioned_schedule.is_some()),
        ("provisioned_target", own.provisioned_target.is_some()),
    ] {
        if set {
            return Err(keys.invalid(
                key,
                format!("provisioned concurrency is AWS Lambda's; on {name} keep instances warm with min_instances"),
            ));
        }
    }
    if own.ephemeral_storage_mb.is_some() {
        return Err(keys.invalid(
            "ephemeral_storage_mb",
            format!("ephemeral storage is billed on aws-lambda only; platform.kind is {name}"),
        ));
    }
    Ok(())
}

/// `min_instances` and `max_instances` (the platform's defaults when left out): at least one
/// instance at most, and no more kept warm than allowed.
pub(super) fn instances(
    keys: &Keys<'_>,
    merged: &RawFunction,
    vcpus: f64,
) -> Result<(u32, Option<u32>), ScenarioError> {
    let min = merged
        .min_instances
        .unwrap_or_else(|| platform::default_min_instances(keys.kind));
    let max = merged
        .max_instances
        .or_else(|| platform::default_max_instances(keys.kind, vcpus));
    if max == Some(0) {
        return Err(keys.invalid("max_instances", "must be at least 1"));
    }
    if let Some(most) = max.filter(|m| min > *m) {
        let key = if merged.min_instances.is_some() {
            "min_instances"
        } else {
            "max_instances"
        };
        return Err(keys.invalid(
            key,
            format!("keeps {min} instances warm but allows at most {most}: min_instances must not exceed max_instances"),
        ));
    }
    Ok((min, max))
}

/// The CPU rules of the platform for an instance of `memory_mb` and `vcpus` serving
/// `concurrency` requests at once (`given` in the file, or the platform's default), and its fit
/// on `host`.
pub(super) fn shape(
    keys: &Keys<'_>,
    memory_mb: u32,
    vcpus: f64,
    (concurrency, given): (u32, bool),
    host: Option<&Host>,
) -> Result<(), ScenarioError> {
    match keys.kind {
        BillingModel::GoogleCloudRun => {
            // Cloud Run docs, Configure CPU limits: 0.08 to 1 vCPU, or 2, 4, 6 or 8, and
            // below 1 only with one request at a time.
            if !((0.08..=1.0).contains(&vcpus) || [2.0, 4.0, 6.0, 8.0].contains(&vcpus)) {
                return Err(keys.invalid(
                    "vcpus",
                    format!(
                        "google-cloud-run offers 0.08 to 1 vCPU, or 2, 4, 6 or 8; got {}",
                        shown(vcpus)
                    ),
                ));
            }
            if vcpus < 1.0 && concurrency > 1 {
                let key = if given {
                    "container_concurrency"
                } else {
                    "vcpus"
                };
                return Err(keys.invalid(
                    key,
                    format!("below 1 vCPU ({}) google-cloud-run serves one request at a time, not {concurrency}; set container_concurrency = 1 or vcpus = 1", shown(vcpus)),
                ));
            }
        }
        BillingModel::AwsLambdaManagedInstances => {
            // AWS: at least 1 vCPU, 2 to 8 GiB of memory per vCPU.
            let per_vcpu = f64::from(memory_mb) / vcpus;
            if vcpus < 1.0 || !(2048.0..=8192.0).contains(&per_vcpu) {
                return Err(keys.invalid(
                    "vcpus",
                    format!(
                        "aws-lambda-managed-instances needs at least 1 vCPU and 2 to 8 GiB of memory per vCPU; {memory_mb} MB with vcpus = {} is {:.0} MB per vCPU",
                        shown(vcpus),
                        per_vcpu
                    ),
                ));
            }
            if let Some(h) = host {
                if environments_per_host(h, (vcpus * 1000.0).round() as u32, memory_mb) == 0 {
                    return Err(keys.invalid(
                        "memory_mb",
                        format!(
                            "an environment of {memory_mb} MB and {} vCPUs does not fit on the instance type, which offers {} vCPUs and {} MB (after what it keeps for itself): choose a larger platform.instance_type",
                            shown(vcpus),
                            h.vcpus,
                            h.memory_mb
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The figures the run needs that the price sheet lacks (no public source gives them): Cloud
/// Run's instance-based memory rate, and its idle rates of minimum instances.
pub(super) fn prices_cover(
    check: &Checker<'_>,
    cost: &CostConfig,
    defaults: &Template,
    functions: &[Function],
) -> Result<(), ScenarioError> {
    let Prices::GoogleCloudRun(sheet) = &cost.prices else {
        return Ok(());
    };
    let minimum =
        defaults.min_instances > 0 || functions.iter().any(|f| f.provisioned_concurrency > 0);
    let Some(key) = sheet.missing(cost.options.cloud_run, minimum) else {
        return Ok(());
    };
    let what = match cost.options.cloud_run {
        CloudRunBilling::Instance => "instance-based billing",
        CloudRunBilling::Request => "minimum instances under request-based billing",
    };
    let (at, where_) = match &cost.source[..] {
        "built-in" => (
            vec![Seg::Key("platform"), Seg::Key("kind")],
            format!(
                "copy {} into your own sheet, add {key}, and pass it with [cost] prices = \"...\" (coldsim cost: --prices)",
                Prices::built_in_file(crate::cost::BillingModel::GoogleCloudRun)
            ),
        ),
        path => (
            vec![Seg::Key("cost"), Seg::Key("prices")],
            format!("add {key} to {path}"),
        ),
    };
    Err(check.invalid(
        &at,
        format!("google-cloud-run {what} needs {key}, which no public source gives: {where_}"),
    ))
}
