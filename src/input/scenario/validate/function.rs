//! `[[function]]`: each function's own keys over `[defaults]`, its arrival process, times, memory, and its share of the account's concurrency (reserved and provisioned).

use std::collections::HashSet;

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg, valid_name};
use super::super::raw::{RawFunction, RawScenario};
use super::keys::Keys;
use super::kind;
use super::values::{shown, too_long_ms};
use crate::model::function::{Function, Scaling, Warmer};
use crate::model::scenario::{CostConfig, MAX_FUNCTIONS, MAX_MEMORY_MB, Platform};

/// Checks every `[[function]]`: names unique, reservations and provisioned containers within
/// the account, each function within its limits.
pub(super) fn functions(
    raw: &RawScenario,
    check: &Checker<'_>,
    platform: &Platform,
    cost: &CostConfig,
    traced: bool,
) -> Result<Vec<Function>, ScenarioError> {
    if raw.functions.is_empty() && !traced {
        return Err(check.invalid(
            &[Seg::Key("function")],
            "missing: add at least one [[function]] with a name, an arrival process, init and exec",
        ));
    }
    if raw.functions.len() > MAX_FUNCTIONS {
        return Err(check.invalid(
            &[Seg::Key("function"), Seg::Index(MAX_FUNCTIONS)],
            format!(
                "{} [[function]] entries, more than the {MAX_FUNCTIONS} a run may have",
                raw.functions.len()
            ),
        ));
    }
    let mut functions = Vec::with_capacity(raw.functions.len());
    let mut names = HashSet::with_capacity(raw.functions.len());
    let mut account = Account {
        limit: platform.account_concurrency,
        reserved: 0,
        provisioned: 0,
    };
    for (i, f) in raw.functions.iter().enumerate() {
        let keys = Keys {
            check,
            table: vec![Seg::Key("function"), Seg::Index(i)],
            kind: platform.kind,
        };
        let name = f
            .name
            .clone()
            .ok_or_else(|| check.invalid(&keys.table, "missing name"))?;
        if !valid_name(&name) {
            return Err(keys.invalid(
                "name",
                format!("{name:?} must be 1 to 140 letters, digits, '-', '_' or '.'"),
            ));
        }
        if !names.insert(name.clone()) {
            return Err(keys.invalid("name", format!("{name:?} is used twice")));
        }
        kind::foreign_keys(&keys, f)?;
        let mut function = function(&keys, name, f, raw, traced)?;
        function.host = cost.options.host;
        let merged = f.or(&raw.defaults);
        kind::shape(
            &keys,
            function.memory_mb,
            function.vcpus(),
            (
                function.concurrency(),
                function.container_concurrency.is_some(),
            ),
            function.host.as_ref(),
        )?;
        let (min, max) = kind::instances(&keys, &merged, function.vcpus())?;
        function.max_instances = max;
        concurrency(&keys, &mut function, &merged, min, &mut account)?;
        if function.tenants.is_some()
            && (function.provisioned_concurrency > 0 || function.scaling.is_some())
        {
            return Err(keys.invalid(
                "tenants",
                "tenant isolation cannot be used with provisioned concurrency (AWS); choose one",
            ));
        }
        if function.tenants.is_some() && function.concurrency() > 1 {
            return Err(keys.invalid(
                "tenants",
                "an isolated environment serves one request at a time here: leave container_concurrency at 1",
            ));
        }
        if function.snapstart.is_some()
            && (function.provisioned_concurrency > 0 || function.scaling.is_some())
        {
            return Err(keys.invalid(
                "snapstart",
                "SnapStart and provisioned concurrency cannot be used on the same function version (AWS); choose one (coldsim compare --policy snapstart:... --policy provisioned:N compares them)",
            ));
        }
        if let (Some(snap), crate::cost::Prices::AwsLambda(sheet)) =
            (&function.snapstart, &cost.prices)
        {
            if snap.runtime.charged() && sheet.snapstart.is_none() {
                return Err(keys.invalid(
                    "snapstart",
                    format!(
                        "the price sheet {} has no [snapstart] prices for Python and .NET: add cache_usd_per_gb_s and restore_usd_per_gb (see prices/aws-lambda-us-east-1.toml)",
                        cost.source
                    ),
                ));
            }
        }
        functions.push(function);
    }
    Ok(functions)
}

/// What the functions checked so far take of the account's concurrency.
struct Account {
    limit: u32,
    reserved: u64,
    provisioned: u64,
}

/// One function's keys but its concurrency, each missing one taken from `[defaults]`.
fn function(
    keys: &Keys<'_>,
    name: String,
    own: &RawFunction,
    raw: &RawScenario,
    traced: bool,
) -> Result<Function, ScenarioError> {
    let merged = own.or(&raw.defaults);
    let memory_mb = keys.memory(
        merged
            .memory_mb
            .unwrap_or_else(|| crate::model::platform::default_memory_mb(keys.kind)),
    )?;
    let missing = |k: &'static str| {
        keys.invalid(
            k,
            format!("missing for function {name:?}: set it in the [[function]] or in [defaults]"),
        )
    };
    let arrival = match merged.arrival.clone() {
        Some(a) => Some(a),
        None if traced => None,
        None => return Err(missing("arrival")),
    };
    if let Some(a) = &arrival {
        if traced && raw.duration.is_none() {
            return Err(keys.invalid(
                "arrival",
                "a synthetic arrival process next to a trace needs duration = \"...\": without it the run would never end",
            ));
        }
        a.validate(&mut crate::rng::Streams::new(0).stream())
            .map_err(|m| keys.invalid("arrival", m))?;
    }
    let arch = merged.arch.unwrap_or_default();
    let package = merged.package.unwrap_or_default();
    let init = keys.init(
        merged.init.as_ref().ok_or_else(|| missing("init"))?,
        arch,
        package,
    )?;
    let exec = match keys.dist("exec", merged.exec.as_ref())? {
        None if !traced => return Err(missing("exec")),
        exec => exec,
    };
    let cpu_fraction = keys.cpu_fraction(merged.cpu_fraction)?;
    let written_reference = keys
        .check
        .written
        .and_then(|w| w.functions.iter().find(|g| g.name == name))
        .map(|g| g.reference_memory_mb);
    let reference_memory_mb = merged
        .reference_memory_mb
        .or(written_reference)
        .unwrap_or(memory_mb);
    let most_mb = MAX_MEMORY_MB.max(crate::model::platform::memory_rule(keys.kind).max);
    if reference_memory_mb == 0 || reference_memory_mb > most_mb {
        return Err(keys.invalid(
            "reference_memory_mb",
            format!("must be between 1 and {most_mb} MB, got {reference_memory_mb}"),
        ));
    }
    if let Some(ms) = merged.setup_in_handler_ms {
        if !(ms.is_finite() && ms >= 0.0) {
            return Err(keys.invalid(
                "setup_in_handler_ms",
                format!("must be 0 or more milliseconds, got {}", shown(ms)),
            ));
        }
        if let Some(m) = too_long_ms(ms) {
            return Err(keys.invalid("setup_in_handler_ms", m));
        }
    }
    let warmer: Option<Warmer> = match &merged.warmer {
        Some(w) => Some(w.validate().map_err(|m| keys.invalid("warmer", m))?),
        None => None,
    };
    let ephemeral_storage_mb = keys.storage(merged.ephemeral_storage_mb)?;
    let snapstart = keys.snapstart(
        merged.snapstart.as_ref(),
        &init,
        package,
        ephemeral_storage_mb,
    )?;
    let tenants = keys.tenants(merged.tenants.as_ref())?;
    if tenants.is_some() && snapstart.is_some() {
        return Err(keys.invalid(
            "tenants",
            "tenant isolation cannot be used with SnapStart (AWS); choose one",
        ));
    }
    Ok(Function {
        name,
        memory_mb,
        memory_pinned: own.memory_mb.is_some(),
        exec_pinned: own.exec.is_some(),
        arch,
        custom_runtime: init.runtime().is_some_and(|r| r.custom),
        init: init.at(memory_mb),
        init_runtime: init.runtime().cloned(),
        arrival,
        exec,
        cold_exec: keys.dist("cold_exec", merged.cold_exec.as_ref())?,
        keep_alive: keys.keep_alive(merged.keep_alive.as_ref())?,
        reserved_concurrency: merged.reserved_concurrency,
        package,
        ephemeral_storage_mb,
        provisioned_concurrency: 0,
        snapstart,
        tenants,
        cache: keys.cache(merged.cache.as_ref())?,
        warmer,
        scaling: None,
        scaler: keys.scaler(merged.scale_target)?,
        invocation: merged.invocation.unwrap_or_default(),
        max_event_age: keys.max_event_age(merged.max_event_age)?,
        connections: merged.connections.unwrap_or(1),
        container_concurrency: keys.container_concurrency(merged.container_concurrency)?,
        vcpus: keys.vcpus(merged.vcpus)?,
        kind: keys.kind,
        max_instances: None,
        host: None,
        setup_in_handler_ms: merged.setup_in_handler_ms,
        cpu_fraction,
        reference_memory_mb,
        reference_cpu: None,
    })
}

/// One function's reserved and provisioned concurrency: within its own limit, and all
/// functions' together within the account's, as on Lambda (this also bounds the containers a
/// run creates up front).
fn concurrency(
    keys: &Keys<'_>,
    f: &mut Function,
    merged: &RawFunction,
    min_instances: u32,
    account: &mut Account,
) -> Result<(), ScenarioError> {
    let limit = account.limit;
    if let Some(r) = merged.reserved_concurrency {
        if r == 0 || r > limit {
            return Err(keys.invalid(
                "reserved_concurrency",
                format!("must be between 1 and account_concurrency ({limit}), got {r}"),
            ));
        }
        account.reserved += u64::from(r);
        if account.reserved > u64::from(limit) {
            return Err(keys.invalid(
                "reserved_concurrency",
                format!(
                    "reservations add up to {}, more than account_concurrency ({limit})",
                    account.reserved
                ),
            ));
        }
    }
    let scaling = match (&merged.provisioned_schedule, &merged.provisioned_target) {
        (Some(_), Some(_)) => {
            return Err(keys.invalid(
                "provisioned_target",
                "choose one of provisioned_schedule and provisioned_target",
            ));
        }
        (Some(s), None) => Some(
            s.validate()
                .map_err(|m| keys.invalid("provisioned_schedule", m))?,
        ),
        (None, Some(t)) => Some(
            t.validate()
                .map_err(|m| keys.invalid("provisioned_target", m))?,
        ),
        (None, None) => None,
    };
    let scaling_key = match &scaling {
        Some(Scaling::Schedule { .. }) => "provisioned_schedule",
        Some(Scaling::Target { .. }) => "provisioned_target",
        None if f.kind != crate::cost::BillingModel::AwsLambda => "min_instances",
        None => "provisioned_concurrency",
    };
    // Minimum instances are kept warm as provisioned containers are.
    let provisioned = merged.provisioned_concurrency.unwrap_or(min_instances);
    let cap = merged.reserved_concurrency.unwrap_or(limit);
    let most = match &scaling {
        Some(Scaling::Schedule { steps, .. }) => steps.iter().map(|s| s.1).max(),
        Some(Scaling::Target { max, .. }) => Some(*max),
        None => None,
    };
    if let Some(most) = most.filter(|m| *m > cap) {
        return Err(keys.invalid(
            scaling_key,
            format!("provisions up to {most} containers, more than the function's concurrency limit ({cap})"),
        ));
    }
    if provisioned > cap {
        return Err(keys.invalid(
            scaling_key,
            format!("must not exceed the function's concurrency limit ({cap}), got {provisioned}"),
        ));
    }
    account.provisioned += u64::from(most.unwrap_or(0).max(provisioned));
    if account.provisioned > u64::from(limit) {
        return Err(keys.invalid(
            scaling_key,
            format!(
                "provisioned containers add up to {} over the functions, more than account_concurrency ({limit})",
                account.provisioned
            ),
        ));
    }
    f.provisioned_concurrency = provisioned;
    f.scaling = scaling;
    Ok(())
}
