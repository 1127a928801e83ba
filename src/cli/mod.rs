//! The command line, the only layer that knows clap: per subcommand, load, call the analysis, render, write, each in a file of its own; the shared flags, progress bars and atomic writes beside them.

mod args;
mod check;
mod compare;
mod cost;
mod fit;
mod gen_trace;
mod plan;
mod progress;
mod run;
mod sweep;
pub mod write;

pub use cost::{CostOutput, cost_with_flags};

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

pub use plan::NO_SETTING_MEETS;

/// A fast, exact, deterministic simulator of serverless cold and warm starts.
#[derive(Debug, Parser)]
#[command(name = "coldsim", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario: summary.json, functions.csv, timeseries.csv, charts and report.html.
    Run(run::RunArgs),
    /// Price a traffic file as AWS Lambda would bill it: cost.json, cost.csv, cost.md, charts
    /// and report.html.
    Cost(Box<cost::CostArgs>),
    /// Run the same traffic under several policies: compare.csv, compare.json, charts and
    /// report.html.
    Compare(compare::CompareArgs),
    /// Find the cheapest setting of one knob that meets every objective: plan.json, plan.csv.
    Plan(plan::PlanArgs),
    /// Run a grid of scenario variants, each with replications: sweep.csv and sweep.json
    /// (or shard-I-of-N.json with --shard).
    Sweep(sweep::SweepArgs),
    /// Combine shard files of one sweep into the sweep.csv and sweep.json one machine writes.
    Merge(sweep::MergeArgs),
    /// Write a synthetic region shaped like the Azure Functions 2019 dataset: its three files
    /// per day (invocations per minute, duration percentiles, app memory).
    GenTrace(gen_trace::GenTraceArgs),
    /// Fit a scenario to Lambda's CloudWatch logs: scenario.toml (memory, init and handler
    /// times, arrivals, keep-alive) and fit.json (the evidence for the keep-alive).
    Fit(fit::FitArgs),
    /// Replay Huawei Cloud's per-request files with its documented keep-alive and set the
    /// simulated cold starts against those it recorded: check.json.
    CheckColdStarts(check::CheckArgs),
}

/// Parses the command line, runs it and turns the outcome into an exit code; errors are printed on one line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
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

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Cost(args) => cost::cost(*args),
        Command::Compare(args) => compare::compare(args),
        Command::Plan(args) => return plan::plan(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge(args),
        Command::GenTrace(args) => gen_trace::gen_trace(args),
        Command::Fit(args) => fit::fit_logs(args),
        Command::CheckColdStarts(args) => check::check(args),
    }
    .map(|()| ExitCode::SUCCESS)
}
