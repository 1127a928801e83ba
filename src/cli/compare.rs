//! `coldsim compare`: the same traffic under several policies, one row of figures each, written, charted and printed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::args::{OutputArgs, parse_policy};
use super::progress::with_progress;
use super::write::{add_report, check_out_dir, write_outputs};
use crate::analysis::compare::compare as run_policies;
use crate::model::scenario::Scenario;
use crate::model::what_if::Policy;
use crate::output::chart::compare_charts;
use crate::output::page::compare_page;
use crate::output::table::terminal_width;

#[derive(Debug, clap::Args)]
pub(super) struct CompareArgs {
    /// The scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// A policy for every function: fixed:10m, fixed-once:10m, none, uniform:5m-7m,
    /// preset:aws-lambda-2019, hybrid, hybrid:range=4h,head=5,tail=99, provisioned:5,
    /// warmer:5m (or warmer:5m,2 for two containers). Repeat for each policy.
    #[arg(long = "policy", value_name = "SPEC", required = true, value_parser = parse_policy)]
    pub(super) policies: Vec<Policy>,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
}

/// `coldsim compare`: loads the scenario, runs every policy, writes, prints.
pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let scenario = Scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args.output.folder(&format!("{}-compare", scenario.name));
    check_out_dir(&out)?;
    let comparison = with_progress(args.output.quiet, |bar| {
        run_policies(&scenario, seed, &args.policies, bar)
    })?;
    let charts = compare_charts(&comparison).context("drawing the charts")?;
    let mut files = vec![
        ("compare.json".to_string(), comparison.to_json()),
        ("compare.csv".to_string(), comparison.to_csv()),
    ];
    add_report(&mut files, compare_page(&comparison, &charts), &charts);
    write_outputs(&out, &files)?;
    if !args.output.quiet {
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "{}: {} policies on the same traffic, seed {seed}",
            scenario.name,
            comparison.policies.len()
        )?;
        writeln!(stdout, "{}", comparison.table(terminal_width()))?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}
