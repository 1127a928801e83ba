//! `[defaults]`: the settings every `[[function]]` falls back on, and the whole configuration of functions that appear only in a trace.

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::RawFunction;
use super::keys::Keys;
use super::kind;
use crate::model::function::Template;
use crate::model::scenario::{CostConfig, Platform};

/// Checks `[defaults]` and resolves it into the template of a trace's functions. Keys that
/// belong to one function (its name, warmer, provisioned concurrency) are refused here.
pub(super) fn defaults(
    raw: &RawFunction,
    check: &Checker<'_>,
    traced: bool,
    platform: &Platform,
    cost: &CostConfig,
) -> Result<Template, ScenarioError> {
    let keys = Keys {
        check,
        table: vec![Seg::Key("defaults")],
        kind: platform.kind,
    };
    kind::foreign_keys(&keys, raw)?;
    if raw.name.is_some() {
        return Err(keys.invalid(
            "name",
            "a name belongs to one [[function]], not to [defaults]",
        ));
    }
    if raw.provisioned_schedule.is_some() || raw.provisioned_target.is_some() {
        return Err(check.invalid(
            &keys.table,
            "provisioned_schedule and provisioned_target are set per [[function]], not in [defaults]",
        ));
    }
    if raw.warmer.is_some() {
        return Err(keys.invalid(
            "warmer",
            "a warmer is set per [[function]], not in [defaults]",
        ));
    }
    if raw.provisioned_concurrency.is_some() {
        return Err(keys.invalid(
            "provisioned_concurrency",
            "provisioned concurrency is set per [[function]], not in [defaults]",
        ));
    }
    if let Some(mb) = raw.memory_mb {
        keys.memory(mb)?;
    }
    let memory_mb = raw
        .memory_mb
        .unwrap_or_else(|| crate::model::platform::default_memory_mb(keys.kind));
    let vcpus = keys.vcpus(raw.vcpus)?;
    let container_concurrency = keys.container_concurrency(raw.container_concurrency)?;
    let resolved_vcpus =
        vcpus.unwrap_or_else(|| crate::model::platform::default_vcpus(keys.kind, memory_mb));
    kind::shape(
        &keys,
        memory_mb,
        resolved_vcpus,
        (
            container_concurrency.unwrap_or_else(|| {
                crate::model::platform::default_concurrency(keys.kind, memory_mb, resolved_vcpus)
            }),
            container_concurrency.is_some(),
        ),
        cost.options.host.as_ref(),
    )?;
    let (min_instances, max_instances) = kind::instances(&keys, raw, resolved_vcpus)?;
    let arch = raw.arch.unwrap_or_default();
    let package = raw.package.unwrap_or_default();
    let init = match &raw.init {
        Some(spec) => Some(keys.init(spec, arch, package)?),
        None if traced => {
            return Err(keys.invalid(
                "init",
                "missing: functions that appear only in the trace take their init time from [defaults]",
            ));
        }
        None => None,
    };
    let ephemeral_storage_mb = keys.storage(raw.ephemeral_storage_mb)?;
    let snapstart = match &init {
        Some(i) => keys.snapstart(raw.snapstart.as_ref(), i, package, ephemeral_storage_mb)?,
        None => None,
    };
    Ok(Template {
        snapstart,
        tenants: keys.tenants(raw.tenants.as_ref())?,
        cache: keys.cache(raw.cache.as_ref())?,
        memory_mb: raw.memory_mb,
        arch,
        init,
        exec: keys.dist("exec", raw.exec.as_ref())?,
        cold_exec: keys.dist("cold_exec", raw.cold_exec.as_ref())?,
        keep_alive: keys.keep_alive(raw.keep_alive.as_ref())?,
        package,
        ephemeral_storage_mb,
        invocation: raw.invocation.unwrap_or_default(),
        max_event_age: keys.max_event_age(raw.max_event_age)?,
        connections: raw.connections.unwrap_or(1),
        container_concurrency,
        cpu_fraction: keys.cpu_fraction(raw.cpu_fraction)?,
        vcpus,
        max_instances,
        min_instances,
        kind: keys.kind,
        host: cost.options.host,
        scaler: keys.scaler(raw.scale_target)?,
    })
}
