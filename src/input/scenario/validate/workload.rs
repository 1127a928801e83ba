//! `[cost]` (the price sheet and billing options) and `[workload]` (the trace, its side files and its scale), their paths relative to the scenario file.

use std::path::Path;

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use super::super::raw::{RawCost, RawTrace};
use super::values::shown;
use crate::cost::{CostOptions, PriceSheet};
use crate::model::scenario::{CostConfig, TraceSpec};
use crate::model::trace::TraceOptions;

/// The folder relative paths of a scenario are resolved against: its file's.
fn here<'p>(check: &Checker<'p>) -> &'p Path {
    check.path.parent().unwrap_or(Path::new(""))
}

/// Checks `[cost]` and reads its price sheet, if it names one.
pub(super) fn cost(raw: &RawCost, check: &Checker<'_>) -> Result<CostConfig, ScenarioError> {
    let sheet = match &raw.prices {
        None => PriceSheet::aws_us_east_1(),
        Some(p) => crate::input::prices::load(&here(check).join(p))
            .map_err(|m| check.invalid(&[Seg::Key("cost"), Seg::Key("prices")], m))?,
    };
    Ok(CostConfig {
        sheet,
        source: raw
            .prices
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "built-in".into()),
        options: CostOptions {
            init_billing: raw.init_billing.unwrap_or_default(),
            free_tier: raw.free_tier.unwrap_or(false),
            ..CostOptions::default()
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
        },
    }))
}
