//! `coldsim compare`: the same traffic under several policies, one row of figures each, written, charted and printed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::args::{OutputArgs, parse_policy};
use super::progress::with_progress;
use super::write::{check_out_dir, write_outputs};
use crate::analysis::compare::compare as run_policies;
use crate::model::scenario::Scenario;
use crate::model::what_if::{Change, Policy, Sheet};
use crate::output::chart::compare_charts;
use crate::output::files::add_report;
use crate::output::page::compare_page;
use crate::output::table::terminal_width;

#[derive(Debug, clap::Args)]
pub(super) struct CompareArgs {
    /// The scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// A policy for every function: fixed:10m, fixed-once:10m, none, uniform:5m-7m,
    /// preset:aws-lambda-2019, hybrid, hybrid:range=4h,head=5,tail=99, provisioned:5,
    /// warmer:5m (or warmer:5m,2 for two containers), memory:1024, platform:azure-flex-consumption
    /// (or another platform.kind; google-cloud-run:instance for Cloud Run's instance
    /// billing). Repeat for each policy.
    #[arg(long = "policy", value_name = "SPEC", required = true, value_parser = parse_policy)]
    pub(super) policies: Vec<Policy>,
    /// A price sheet for the platform policies of its billing model, instead of the built-in
    /// one (repeat for several platforms).
    #[arg(long = "prices", value_name = "FILE")]
    pub(super) prices: Vec<PathBuf>,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

/// `coldsim compare`: loads the scenario, runs every policy, writes, prints.
pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let scenario = Scenario::load(&args.scenario)?;
    let sheets = load_sheets(&args.prices)?;
    let policies: Vec<Policy> = args
        .policies
        .iter()
        .map(|p| with_sheet(p, &sheets))
        .collect();
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args.output.folder(&format!("{}-compare", scenario.name));
    check_out_dir(&out)?;
    let comparison = with_progress(args.output.quiet, |bar| {
        run_policies(&scenario, seed, &policies, bar)
    })?;
    let charts = compare_charts(&comparison).context("drawing the charts")?;
    let mut files = vec![
        ("compare.json".to_string(), comparison.to_json()),
        ("compare.csv".to_string(), comparison.to_csv()),
    ];
    add_report(&mut files, compare_page(&comparison, &charts), &charts);
    let files = args.tables.apply(files)?;
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

/// The sheets given with `--prices`, each with its path; one per billing model.
pub(super) fn load_sheets(paths: &[PathBuf]) -> Result<Vec<Sheet>> {
    let mut sheets: Vec<Sheet> = Vec::new();
    for path in paths {
        let prices =
            crate::input::prices::load(path).map_err(|e| anyhow::anyhow!("--prices {e}"))?;
        if let Some(other) = sheets.iter().find(|s| s.prices.model() == prices.model()) {
            bail!(
                "--prices {}: {} already has a sheet ({}); give one sheet per platform",
                path.display(),
                prices.model().as_str(),
                other.source
            );
        }
        sheets.push(Sheet {
            prices,
            source: path.display().to_string(),
        });
    }
    Ok(sheets)
}

/// A platform policy billed with the sheet of its platform given with `--prices`, if any.
pub(super) fn with_sheet(policy: &Policy, sheets: &[Sheet]) -> Policy {
    let mut p = policy.clone();
    if let Change::Platform(target, sheet) = &mut p.change {
        if let Some(s) = sheets.iter().find(|s| s.prices.model() == target.kind) {
            *sheet = s.clone();
        }
    }
    p
}
