//! `[cost]` (the price sheet and billing options) and `[workload]` (the trace, its side files and its scale), their paths relative to the scenario file.

use std::path::Path;

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::{RawCost, RawPlatform, RawTrace};
use super::values::shown;
use crate::cost::{BillingModel, CostOptions, InitBilling, Prices};
use crate::model::scenario::{CostConfig, TraceSpec};
use crate::model::trace::{TraceFormat, TraceOptions};

/// The folder relative paths of a scenario are resolved against: its file's.
fn here<'p>(check: &Checker<'p>) -> &'p Path {
    check.path.parent().unwrap_or(Path::new(""))
}

/// Checks `[cost]` and reads its price sheet, if it names one: a sheet of the platform's
/// billing model (the built-in one by default), with the platform's own billing settings.
pub(super) fn cost(
    raw: &RawCost,
    platform: &RawPlatform,
    check: &Checker<'_>,
) -> Result<CostConfig, ScenarioError> {
    let kind = platform.kind.unwrap_or_default();
    let at_prices = [Seg::Key("cost"), Seg::Key("prices")];
    let prices = match &raw.prices {
        None => Prices::built_in(kind),
        Some(p) => crate::input::prices::load(&here(check).join(p))
            .map_err(|m| check.invalid(&at_prices, m))?,
    };
    if prices.model() != kind {
        return Err(check.invalid(
            &at_prices,
            format!(
                "the sheet is for {}, but platform.kind is {}: give a {} sheet (like {}) or set platform.kind",
                prices.model().as_str(),
                kind.as_str(),
                kind.as_str(),
                Prices::built_in_file(kind)
            ),
        ));
    }
    if raw.init_billing == Some(InitBilling::Legacy) && kind != BillingModel::AwsLambda {
        return Err(check.invalid(
            &[Seg::Key("cost"), Seg::Key("init_billing")],
            format!(
                "the legacy INIT rule is AWS Lambda's; platform.kind is {}",
                kind.as_str()
            ),
        ));
    }
    let host = match &prices {
        Prices::AwsLambdaManagedInstances(sheet) => {
            let name = platform
                .instance_type
                .as_deref()
                .unwrap_or(crate::model::platform::DEFAULT_INSTANCE_TYPE);
            Some(sheet.host(name).ok_or_else(|| {
                let known: Vec<&str> = sheet.instances.keys().map(String::as_str).collect();
                check.invalid(
                    &[Seg::Key("platform"), Seg::Key("instance_type")],
                    format!(
                        "{name:?} is not in the price sheet; it has {} (add a type with its price to a copy of the sheet)",
                        known.join(", ")
                    ),
                )
            })?)
        }
        _ => None,
    };
    Ok(CostConfig {
        prices,
        source: raw
            .prices
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "built-in".into()),
        options: CostOptions {
            init_billing: raw.init_billing.unwrap_or_default(),
            free_tier: raw.free_tier.unwrap_or(false),
            cloud_run: platform.billing.unwrap_or_default(),
            host,
        },
    })
}

/// Checks `[workload] trace`, if there is one.
pub(super) fn trace(
    raw: Option<&RawTrace>,
    check: &Checker<'_>,
) -> Result<Option<TraceSpec>, ScenarioError> {
    let Some(t) = raw else {
        return Ok(None);
    };
    if let Some(s) = t.scale {
        if !(s.is_finite() && s > 0.0 && s <= 1000.0) {
            return Err(check.invalid(
                &[Seg::Key("workload"), Seg::Key("trace"), Seg::Key("scale")],
                format!(
                    "must be a factor above 0 and at most 1000, got {}",
                    shown(s)
                ),
            ));
        }
    }
    let format = t.format.unwrap_or_default();
    for (given, key) in [
        (t.function.is_some(), "function"),
        (t.also.is_some(), "also"),
    ] {
        if given && format != TraceFormat::Cloudwatch {
            return Err(check.invalid(
                &[Seg::Key("workload"), Seg::Key("trace"), Seg::Key(key)],
                "is read only with format = \"cloudwatch\"",
            ));
        }
    }
    let here = here(check);
    Ok(Some(TraceSpec {
        scale: t.scale.unwrap_or(1.0),
        path: here.join(&t.path),
        options: TraceOptions {
            format: t.format.unwrap_or_default(),
            time_unit: t.time_unit.unwrap_or_default(),
            sort: t.sort.unwrap_or(false),
            durations: t.durations.as_ref().map(|p| here.join(p)),
            memory: t.memory.as_ref().map(|p| here.join(p)),
            spread: t.spread.unwrap_or_default(),
            memory_assignment: t.memory_assignment.unwrap_or_default(),
            start_at_first_row: t.from_first_row.unwrap_or(false),
            function: t.function.clone(),
            also: t.also.iter().flatten().map(|p| here.join(p)).collect(),
        },
    }))
}
