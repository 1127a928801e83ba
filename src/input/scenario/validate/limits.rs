//! The run's expected size: arrivals, warmer pings and provisioned-concurrency steps over the duration, refused past what a run may have.

use super::super::ScenarioError;
use super::super::locate::{Checker, Seg};
use crate::model::arrival::ArrivalSpec;
use crate::model::function::{Function, Scaling};
use crate::model::scenario::MAX_INVOCATIONS;
use crate::time::SimDuration;

/// Refuses a run that would take days: more than [`MAX_INVOCATIONS`] expected invocations
/// and timer events, blaming the function and key that expect the most.
pub(super) fn check_expected_events(
    check: &Checker<'_>,
    functions: &[Function],
    duration: SimDuration,
) -> Result<(), ScenarioError> {
    let mut total = 0.0;
    let mut worst = (0, "arrival", 0.0);
    for (i, f) in functions.iter().enumerate() {
        for (key, n) in expected_events(f, duration) {
            total += n;
            if n > worst.2 {
                worst = (i, key, n);
            }
        }
    }
    if total <= MAX_INVOCATIONS as f64 {
        return Ok(());
    }
    let (i, key, n) = worst;
    let what = match key {
        "arrival" => "function's arrivals",
        "warmer" => "warmer's pings",
        _ => "provisioned-concurrency scaling",
    };
    Err(check.invalid(
        &[Seg::Key("function"), Seg::Index(i), Seg::Key(key)],
        format!(
            "the run would handle about {total:.2e} invocations and timer events over {duration} ({n:.2e} from this {what}), more than the {:.0e} a run may have; shorten duration or lower the rate",
            MAX_INVOCATIONS as f64
        ),
    ))
}

/// What a function makes the engine do over `duration`, by the key that causes it: its
/// arrivals (mean rate times duration), its warmer's pings, its provisioned-concurrency steps
/// or ticks. Expected counts, as `f64` (they may be absurdly large).
fn expected_events(f: &Function, duration: SimDuration) -> [(&'static str, f64); 3] {
    let seconds = duration.as_secs_f64();
    let per = |every: SimDuration| seconds / every.as_secs_f64().max(1e-6);
    let arrivals = match &f.arrival {
        Some(ArrivalSpec::Explicit { at }) => at.len() as f64,
        Some(a) => a.mean_rate_per_s().unwrap_or(0.0) * seconds,
        None => 0.0,
    };
    let pings = f
        .warmer
        .map_or(0.0, |w| per(w.every) * f64::from(w.containers));
    let scaling = match &f.scaling {
        None => ("provisioned_concurrency", 0.0),
        Some(Scaling::Schedule { period, steps }) => {
            ("provisioned_schedule", per(*period) * steps.len() as f64)
        }
        Some(Scaling::Target { interval, .. }) => ("provisioned_target", per(*interval)),
    };
    [("arrival", arrivals), ("warmer", pings), scaling]
}
