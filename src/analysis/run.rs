//! The one way to run a scenario: open its trace, run the engine to the end, and check what can go wrong (the reader's error, the engine's failure, a trace without invocations, a warm-up as long as the trace).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::input::trace::{TraceError, TraceFormat, TraceHandle, TraceReader, TraceSource};
use crate::model::scenario::Scenario;
use crate::model::trace::ArrivalSource;
use crate::rng::Streams;
use crate::sim::engine::Simulation;
use crate::sim::invocation::Observer;
use crate::time::SimDuration;

/// Why a run gave no figures.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The trace could not be opened or read to its end.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// The engine stopped early (a trace function that cannot be configured).
    #[error("{0}")]
    Failure(String),
    /// The warm-up covers the whole trace, so the statistics window is empty.
    #[error("warmup ({warmup}) is not shorter than the trace ({trace}); shorten warmup")]
    WarmupTooLong {
        /// The scenario's warm-up.
        warmup: SimDuration,
        /// The trace's length, from time 0 to the end of its last invocation.
        trace: SimDuration,
    },
    /// A trace has an invocation beyond the window it was said to cover.
    #[error(
        "{trace} has an invocation {latest} after its first, not within the window of {window}"
    )]
    OutsideWindow {
        /// The window given.
        window: SimDuration,
        /// The trace file.
        trace: String,
        /// Its latest invocation, from its first.
        latest: SimDuration,
    },
    /// A what-if does not fit the scenario (a provisioned level beyond a limit).
    #[error("{0}")]
    WhatIf(String),
    /// Its progress callback asked it to stop ([`stop_this_run`]).
    #[error("interrupted")]
    Interrupted,
}

thread_local! {
    /// Set by [`stop_this_run`], read by the run in progress on the same thread.
    static STOP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Asks the run in progress on this thread to stop: called from its progress callback (on
/// Ctrl-C, say), the run returns [`RunError::Interrupted`] once the callback returns.
pub fn stop_this_run() {
    STOP.with(|s| s.set(true));
}

/// A progress callback that stops its run once another thread sets `stop`.
pub fn stop_when(stop: &AtomicBool) -> impl FnMut(&Simulation) + '_ {
    move |_| {
        if stop.load(Ordering::Relaxed) {
            stop_this_run();
        }
    }
}

/// Called every 2^18 events of a run with the engine, for a progress bar.
pub type Progress<'a> = &'a mut dyn FnMut(&Simulation);

/// A finished run and the handle of its trace, if it had one.
pub struct Finished {
    /// The engine at the end of the run, holding every statistic.
    pub sim: Simulation,
    /// The trace's reader, for its functions, rows and latest arrival.
    pub trace: Option<TraceHandle>,
}

/// Runs `scenario` with `seed` to its end, calling `progress` every 2^18 events (for a
/// progress bar); `bucket` is the width of the time series' rows (default: a round width).
pub fn run(
    scenario: &Scenario,
    seed: u64,
    bucket: Option<SimDuration>,
    progress: impl FnMut(&Simulation),
) -> Result<Finished, RunError> {
    run_observed(scenario, seed, bucket, progress, &mut ())
}

/// As [`run`], with `observer` seeing every invocation as it happens.
pub fn run_observed<O: Observer>(
    scenario: &Scenario,
    seed: u64,
    bucket: Option<SimDuration>,
    mut progress: impl FnMut(&Simulation),
    observer: &mut O,
) -> Result<Finished, RunError> {
    let (source, handle) = match &scenario.trace {
        Some(spec) => {
            let reader = TraceReader::open(&spec.path, &spec.options, Streams::trace_stream(seed))?;
            let (source, handle) = TraceSource::new(reader);
            let source = source.with_scale(spec.scale, Streams::trace_scale_stream(seed));
            (
                Some(Box::new(source) as Box<dyn ArrivalSource>),
                Some(handle),
            )
        }
        None => (None, None),
    };
    let mut sim = Simulation::with_source(scenario, seed, bucket, source);
    STOP.with(|s| s.set(false));
    while !sim.step(1 << 18, observer) {
        progress(&sim);
        if STOP.with(|s| s.replace(false)) {
            return Err(RunError::Interrupted);
        }
    }
    if let Some(e) = handle.as_ref().and_then(TraceHandle::error) {
        return Err(e.into());
    }
    if let Some(f) = sim.failure() {
        return Err(RunError::Failure(f.to_string()));
    }
    if let (Some(spec), Some(h)) = (&scenario.trace, &handle) {
        if h.latest_arrival().is_none() {
            let message = match spec.options.format {
                TraceFormat::Azure2019 | TraceFormat::Huawei2023 => "no invocations in any minute",
                TraceFormat::Cloudwatch => "no REPORT records of Lambda's platform in the logs",
                _ => "no invocations after the header",
            };
            return Err(TraceError::File {
                path: spec.path.clone(),
                message: message.into(),
            }
            .into());
        }
    }
    if scenario.duration.is_none() && sim.end() <= sim.warmup() {
        return Err(RunError::WarmupTooLong {
            warmup: scenario.warmup,
            trace: SimDuration(sim.end().as_micros()),
        });
    }
    Ok(Finished { sim, trace: handle })
}

impl Finished {
    /// What the trace's reader had to assume or leave out, by function name (a function with
    /// no durations row, decreasing percentiles raised, repeated rows): for the user to read.
    pub fn notes(&self) -> Vec<(String, String)> {
        self.trace
            .as_ref()
            .map(|t| {
                t.functions()
                    .into_iter()
                    .filter_map(|f| f.note.map(|n| (f.name, n)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The note on the function called `name` among `notes`, if there is one.
pub fn note_of(notes: &[(String, String)], name: &str) -> Option<String> {
    notes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, note)| note.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progress_callback_stops_its_run_and_the_next_run_goes_to_its_end() {
        let s = crate::parse(
            "name = \"s\"\nduration = \"1d\"\n[[function]]\nname = \"f\"\narrival = { process = \"poisson\", rate_per_s = 100 }\ninit = { dist = \"constant\", ms = 1 }\nexec = { dist = \"constant\", ms = 1 }\n",
            "s.toml",
        )
        .expect("valid");
        let mut calls = 0;
        let stopped = run(&s, 1, None, |_| {
            calls += 1;
            stop_this_run();
        });
        assert!(matches!(stopped, Err(RunError::Interrupted)));
        assert_eq!(calls, 1);
        // A stop asked for outside a run does not carry into the next.
        stop_this_run();
        let whole = run(&s, 1, None, |_| {}).expect("runs");
        assert!(whole.sim.events() > 1 << 18);
    }
}
