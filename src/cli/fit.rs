//! `coldsim fit`: a scenario fitted from Lambda's CloudWatch logs, written with the evidence for its keep-alive.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::args::OutputArgs;
use super::write::{check_out_dir, write_outputs};
use crate::analysis::cost_scenario::name_of;
use crate::analysis::fit::{FitArrivals, FitDist, fit};
use crate::input::trace::cloudwatch::{LogOptions, LogReader};
use crate::output::number::json_file;

#[derive(Debug, clap::Args)]
pub(super) struct FitArgs {
    /// The log files (CloudWatch, in any layout `coldsim cost --format cloudwatch` reads).
    #[arg(required = true, num_args = 1..)]
    pub(super) logs: Vec<PathBuf>,
    /// The function of records whose file names no log group [default: the file's name].
    #[arg(long, value_name = "NAME")]
    pub(super) function: Option<String>,
    /// Sort each file's events by time in memory, for exports listed newest first.
    #[arg(long)]
    pub(super) sort: bool,
    /// Arrivals: the logs replayed, or a process fitted to them (periodic, diurnal or Poisson).
    #[arg(long, value_enum, default_value = "trace")]
    pub(super) arrivals: ArrivalsArg,
    /// Handler and init times: the logged values, or a log-normal through their median and
    /// 99th percentile.
    #[arg(long, value_enum, default_value = "empirical")]
    pub(super) dist: DistArg,
    #[command(flatten)]
    pub(super) output: OutputArgs,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum ArrivalsArg {
    Trace,
    Fitted,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum DistArg {
    Empirical,
    Lognormal,
}

/// Reads the logs, fits every function and writes `scenario.toml` and `fit.json`.
pub(super) fn fit_logs(args: FitArgs) -> Result<()> {
    let name = name_of(&args.logs[0]);
    let out = args.output.folder(&format!("{name}-fit"));
    check_out_dir(&out)?;
    let options = LogOptions {
        function: args.function.clone(),
        sort: args.sort,
    };
    let mut logs = LogReader::open(&args.logs, &options)?;
    let fitted = fit(&mut logs)?;
    if fitted.functions.is_empty() {
        anyhow::bail!(
            "{}: no REPORT records of Lambda's platform in the logs",
            args.logs[0].display()
        );
    }
    // The scenario names the logs by absolute path, so that it runs from anywhere.
    let paths = args
        .logs
        .iter()
        .map(|p| {
            std::path::absolute(p)
                .map(|a| a.display().to_string())
                .with_context(|| format!("{}: cannot resolve the path", p.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let arrivals = match args.arrivals {
        ArrivalsArg::Trace => FitArrivals::Trace,
        ArrivalsArg::Fitted => FitArrivals::Fitted,
    };
    let dist = match args.dist {
        DistArg::Empirical => FitDist::Empirical,
        DistArg::Lognormal => FitDist::Lognormal,
    };
    let scenario = fitted.to_toml(&name, (&paths, args.function.as_deref()), arrivals, dist);
    // The scenario must be one coldsim runs: checked as it will be read.
    crate::model::scenario::Scenario::from_toml(&scenario, &out.join("scenario.toml"))
        .context("the fitted scenario")?;
    write_outputs(
        &out,
        &[
            ("scenario.toml".to_string(), scenario.into_bytes()),
            ("fit.json".to_string(), json_file(&fitted.evidence())),
        ],
    )?;
    if !args.output.quiet {
        let mut stdout = std::io::stdout().lock();
        for f in fitted.evidence() {
            writeln!(
                stdout,
                "{}: {} invocations, {} cold starts, {} MB, keep-alive {}",
                f.name,
                f.invocations,
                f.cold_starts,
                f.memory_mb,
                f.keep_alive_s
                    .map_or("not shown by the logs".into(), |s| format!("{s:.1} s")),
            )?;
        }
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}
