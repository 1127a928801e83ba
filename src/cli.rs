//! The command line: flags (the only module that knows clap), progress, and writing outputs atomically.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Simulation;
use crate::report::{Summary, series_csv, table};
use crate::scenario::Scenario;
use crate::time::SimDuration;

/// A fast, exact, deterministic simulator of serverless cold and warm starts.
#[derive(Debug, Parser)]
#[command(name = "coldsim", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write summary.json, functions.csv and timeseries.csv.
    Run(RunArgs),
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Where to write the outputs [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Width of a timeseries.csv row, like "1s" or "5m" [default: about 2000 rows over the run].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    bucket: Option<SimDuration>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let d = SimDuration::parse(text)?;
    if d.as_micros() == 0 {
        return Err("must be longer than 0s".into());
    }
    Ok(d)
}

/// Parses the command line, runs it and turns the outcome into an exit code; errors are printed on one line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_scenario(args),
    }
}

fn run_scenario(args: RunArgs) -> Result<()> {
    let scenario = Scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    check_out_dir(&out)?;
    if let (Some(b), Some(d)) = (args.bucket, scenario.duration) {
        let rows = d.as_micros().div_ceil(b.as_micros());
        if rows > 10_000_000 {
            bail!("--bucket {b}: would write {rows} rows over {d}; choose a wider bucket");
        }
    }

    let started = Instant::now();
    let mut sim = Simulation::with_options(&scenario, seed, args.bucket);
    let bar = Progress::new(&sim, args.quiet);
    while !sim.step(1 << 18, &mut ()) {
        bar.update(&sim);
    }
    bar.finish();
    let elapsed = started.elapsed();

    let summary = Summary::new(&scenario, seed, &sim);
    write_outputs(
        &out,
        &[
            ("summary.json", summary.to_json()),
            ("functions.csv", summary.functions_csv()),
            (
                "timeseries.csv",
                series_csv(sim.series(), sim.end().as_micros()),
            ),
        ],
    )?;

    if !args.quiet {
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
        writeln!(stdout, "{}", table(&summary))?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}

/// Refuses an output path that is a file, before any work is done.
fn check_out_dir(out: &Path) -> Result<()> {
    if out.exists() && !out.is_dir() {
        bail!(
            "{}: the output path exists and is not a folder; choose another with --out",
            out.display()
        );
    }
    Ok(())
}

/// Writes each file to a temporary name in `out`, then renames it into place: a failed or
/// interrupted run leaves earlier outputs whole and no half-written file.
fn write_outputs(out: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    let created = !out.exists();
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
    let result = (|| -> Result<()> {
        let mut staged = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .tempfile_in(out)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            tmp.write_all(bytes)
                .with_context(|| format!("{}: cannot write", out.join(name).display()))?;
            staged.push((tmp, out.join(name)));
        }
        for (tmp, path) in staged {
            tmp.persist(&path)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        Ok(())
    })();
    if result.is_err() && created {
        let _ = std::fs::remove_dir_all(out);
    }
    result
}

/// A progress bar on stderr, shown only once a run has taken a second, and never when quiet or when stderr is not a terminal.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    fn new(sim: &Simulation, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(sim.end().as_micros() / 1_000_000),
            ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} simulated s ({eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: Instant::now(),
            enabled: !quiet && std::io::stderr().is_terminal(),
            shown: std::cell::Cell::new(false),
        }
    }

    fn update(&self, sim: &Simulation) {
        if !self.enabled {
            return;
        }
        if !self.shown.get() && self.started.elapsed() >= Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        self.bar.set_position(sim.now().as_micros() / 1_000_000);
    }

    fn finish(&self) {
        if self.shown.get() {
            self.bar.finish_and_clear();
        }
    }
}
