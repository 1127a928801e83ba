//! Validation of a scenario file, one function per TOML table: the top-level keys here, then `[platform]`, `[defaults]`, each `[[function]]`, `[cost]` and `[workload]` in files of their own; then the run's expected size.

mod defaults;
mod function;
mod keys;
mod kind;
mod limits;
mod platform;
pub(super) mod values;
mod workload;

use super::ScenarioError;
use super::locate::{Checker, Seg, valid_name};
use super::raw::RawScenario;
use crate::model::scenario::Scenario;
use crate::time::SimDuration;

impl RawScenario {
    /// Whether a trace drives the run.
    fn traced(&self) -> bool {
        self.workload.trace.is_some()
    }

    /// Checks every table and builds the scenario.
    pub(super) fn validate(self, check: &Checker<'_>) -> Result<Scenario, ScenarioError> {
        let traced = self.traced();
        let name = self.name(check)?;
        let (duration, warmup) = self.span(check, traced)?;
        let platform = platform::platform(&self.platform, check)?;
        let cost = workload::cost(&self.cost, &self.platform, check)?;
        let defaults = defaults::defaults(&self.defaults, check, traced, &platform, &cost)?;
        let functions = function::functions(&self, check, &platform, &cost, traced)?;
        kind::prices_cover(check, &cost, &defaults, &functions)?;
        if let Some(duration) = duration {
            limits::check_expected_events(check, &functions, duration)?;
        }
        let trace = workload::trace(self.workload.trace.as_ref(), check)?;
        Ok(Scenario {
            name,
            seed: self.seed.unwrap_or(0),
            duration,
            warmup,
            platform,
            functions,
            defaults,
            cost,
            trace,
        })
    }

    /// `name`, by default the file's name.
    fn name(&self, check: &Checker<'_>) -> Result<String, ScenarioError> {
        let name = match self.name.clone() {
            Some(n) => n,
            None => check
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into()),
        };
        if !valid_name(&name) {
            return Err(check.invalid(
                &[Seg::Key("name")],
                format!("{name:?} must be 1 to 140 letters, digits, '-', '_' or '.', since it names the output folder"),
            ));
        }
        Ok(name)
    }

    /// `duration` (optional only with a trace) and `warmup` (shorter than the duration).
    fn span(
        &self,
        check: &Checker<'_>,
        traced: bool,
    ) -> Result<(Option<SimDuration>, SimDuration), ScenarioError> {
        if self.duration.is_none() && !traced {
            return Err(check.invalid(
                &[Seg::Key("duration")],
                "missing: say how long to simulate, like duration = \"6h\"",
            ));
        }
        if self.duration.is_some_and(|d| d.as_micros() == 0) {
            return Err(check.invalid(&[Seg::Key("duration")], "must be longer than 0s"));
        }
        let warmup = self.warmup.unwrap_or_default();
        if let Some(duration) = self.duration {
            if warmup >= duration {
                return Err(check.invalid(
                    &[Seg::Key("warmup")],
                    format!("({warmup}) must be shorter than duration ({duration})"),
                ));
            }
        }
        Ok((self.duration, warmup))
    }
}
