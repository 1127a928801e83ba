//! Progress on stderr: a bar of simulated time for one run, and of finished runs for a sweep, shown only once a run has taken a second, and never when quiet or when stderr is not a terminal.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::sim::engine::Simulation;

/// A progress bar on stderr, shown only once a run has taken a second, and never when quiet or when stderr is not a terminal.
pub(super) struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    pub(super) fn new(sim: &Simulation, quiet: bool) -> Progress {
        // A run over a trace without a set duration has no known end: a spinner then.
        let open = sim.end() == crate::time::SimTime::NEVER;
        let len = (!open).then(|| sim.end().as_micros() / 1_000_000);
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        let template = if open {
            "{spinner} [{elapsed_precise}] {pos} simulated s"
        } else {
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} simulated s ({eta} left)"
        };
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: Instant::now(),
            enabled: !quiet && std::io::stderr().is_terminal(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub(super) fn update(&self, sim: &Simulation) {
        if !self.enabled {
            return;
        }
        if !self.shown.get() && self.started.elapsed() >= Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        self.bar.set_position(sim.now().as_micros() / 1_000_000);
    }

    pub(super) fn finish(&self) {
        if self.shown.get() {
            self.bar.finish_and_clear();
        }
    }
}

/// Runs `work` with a progress bar of the runs it makes, shown once one has taken a second
/// (never when quiet or when stderr is not a terminal), cleared at the end.
pub(super) fn with_progress<T>(quiet: bool, work: impl FnOnce(Bar<'_>) -> T) -> T {
    let mut bar: Option<Progress> = None;
    let result = work(&mut |sim: &Simulation| {
        bar.get_or_insert_with(|| Progress::new(sim, quiet))
            .update(sim)
    });
    if let Some(bar) = bar {
        bar.finish();
    }
    result
}

/// The progress callback the analyses take.
pub(super) type Bar<'a> = &'a mut dyn FnMut(&Simulation);

/// A bar of finished runs out of a total, for sweeps.
pub(super) fn runs_bar(quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if !quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Prints the trace's notes on its functions on stderr, at most five, then how many more the
/// JSON file named `file` holds.
pub(super) fn print_notes<'a>(notes: impl Iterator<Item = (&'a str, &'a str)>, file: &str) {
    let notes: Vec<_> = notes.collect();
    for (name, note) in notes.iter().take(5) {
        eprintln!("note: function {name:?}: {note}");
    }
    if notes.len() > 5 {
        eprintln!("note: ... {} more in {file}", notes.len() - 5);
    }
}
