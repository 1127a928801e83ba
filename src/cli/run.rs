//! `coldsim run`: a scenario simulated, its summary, per-function table, time series, charts and report written, its table printed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::args::{OutputArgs, parse_duration};
use super::progress::{print_notes, with_progress};
use super::write::{check_out_dir, write_outputs};
use crate::analysis::summary::run_summary;
use crate::model::scenario::Scenario;
use crate::output::files::run_files;
use crate::output::summary::table;
use crate::output::table::terminal_width;
use crate::sim::stats::MAX_SERIES_ROWS;
use crate::time::SimDuration;

#[derive(Debug, clap::Args)]
pub(super) struct RunArgs {
    /// The scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    /// Width of a timeseries.csv row, like "1s" or "5m" [default: about 2000 rows over the run].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(super) bucket: Option<SimDuration>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

/// `coldsim run`: loads the scenario, runs it, writes its files and prints its table.
pub(super) fn run(args: RunArgs) -> Result<()> {
    let scenario = Scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args.output.folder(&scenario.name);
    check_out_dir(&out)?;
    if let (Some(b), Some(d)) = (args.bucket, scenario.duration) {
        let rows = d.as_micros().div_ceil(b.as_micros());
        if rows > MAX_SERIES_ROWS as u64 {
            bail!("--bucket {b}: would write {rows} rows over {d}; choose a wider bucket");
        }
    }

    let started = Instant::now();
    let (summary, sim) = with_progress(args.output.quiet, |bar| {
        run_summary(&scenario, seed, args.bucket, bar)
    })?;
    let elapsed = started.elapsed();
    if !args.output.quiet {
        print_notes(
            summary
                .functions
                .iter()
                .filter_map(|f| f.note.as_deref().map(|n| (f.name.as_str(), n))),
            "summary.json",
        );
    }
    let files = run_files(&scenario, &summary, &sim).context("drawing the charts")?;
    let files = args.tables.apply(files)?;
    write_outputs(&out, &files)?;

    if !args.output.quiet {
        let mut stdout = std::io::stdout().lock();
        let t = &summary.totals;
        writeln!(
            stdout,
            "{}: {} of simulated time, seed {seed}, {} invocations in {:.2} s ({:.1} M events/s)",
            scenario.name,
            SimDuration(sim.end().as_micros()),
            t.invocations,
            elapsed.as_secs_f64(),
            sim.events() as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6,
        )?;
        writeln!(stdout, "{}", table(&summary, terminal_width()))?;
        for w in summary.setup_in_handler.iter().flatten() {
            let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.1}"));
            writeln!(
                stdout,
                "{}: {} ms of set-up in every invocation instead of at init: p99 {} -> {} ms, busy {:.1} -> {:.1} GB-s, cost {:.4} -> {:.4} USD, connections {:.2} -> {:.2} on average",
                w.function,
                w.setup_ms,
                ms(w.at_init.latency_p99_ms),
                ms(w.in_handler.latency_p99_ms),
                w.at_init.busy_gb_s,
                w.in_handler.busy_gb_s,
                w.at_init.cost_usd,
                w.in_handler.cost_usd,
                w.at_init.connections_mean,
                w.in_handler.connections_mean,
            )?;
        }
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}
