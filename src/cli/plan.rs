//! `coldsim plan`: the best setting of one knob that meets every objective, found, written and printed; exit code 3 when none does.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::args::{OutputArgs, parse_slo};
use super::progress::with_progress;
use super::write::{check_out_dir, write_outputs};
use crate::analysis::plan::{Minimize, Vary, plan as search_plan};
use crate::model::objective::Slo;
use crate::model::scenario::Scenario;
use crate::output::plan::plan_text;
use crate::output::table::terminal_width;

#[derive(Debug, clap::Args)]
pub(super) struct PlanArgs {
    /// The scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// An objective on all functions together: p50, p90, p95, p99, p999, mean or max latency
    /// ("p99<300ms", "p99<=1.5s"), cold_start_ratio or throttled_ratio ("cold_start_ratio<0.01",
    /// "<1%"). Repeat for several; all must hold.
    #[arg(long = "slo", value_name = "OBJECTIVE", required = true, value_parser = parse_slo)]
    pub(super) slos: Vec<Slo>,
    /// The knob: provisioned concurrency (the same level for every function), a fixed
    /// keep-alive window or a memory size (for every function).
    #[arg(long, value_enum)]
    pub(super) vary: VaryArg,
    /// What "best" means among the settings that meet every objective: the bill, or the
    /// memory idle containers hold (what the provider carries).
    #[arg(long, value_enum, default_value = "cost")]
    pub(super) minimize: MinimizeArg,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum MinimizeArg {
    Cost,
    IdleMemory,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum VaryArg {
    Provisioned,
    KeepAlive,
    Memory,
}

/// The exit code of `coldsim plan` when no setting examined meets every objective.
pub const NO_SETTING_MEETS: u8 = 3;

/// `coldsim plan`: runs the scenario as configured, searches the knob's settings (see
/// [`crate::analysis::plan::search`]), writes what was examined, prints the answer. Exits with
/// [`NO_SETTING_MEETS`] when no setting meets every objective.
pub(super) fn plan(args: PlanArgs) -> Result<ExitCode> {
    let vary = match args.vary {
        VaryArg::Provisioned => Vary::Provisioned,
        VaryArg::KeepAlive => Vary::KeepAlive,
        VaryArg::Memory => Vary::Memory,
    };
    let minimize = match args.minimize {
        MinimizeArg::Cost => Minimize::Cost,
        MinimizeArg::IdleMemory => Minimize::IdleMemory,
    };
    let scenario = Scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args.output.folder(&format!("{}-plan", scenario.name));
    check_out_dir(&out)?;
    if !args.output.quiet {
        for w in args.slos.iter().filter_map(Slo::warning) {
            eprintln!("warning: {w}");
        }
    }
    let result = with_progress(args.output.quiet, |bar| {
        search_plan(&scenario, seed, &args.slos, vary, minimize, bar)
    })?;
    let files = args.tables.apply(vec![
        ("plan.json".to_string(), result.to_json()),
        ("plan.csv".to_string(), result.to_csv()),
    ])?;
    write_outputs(&out, &files)?;
    if !args.output.quiet {
        let mut stdout = std::io::stdout().lock();
        write!(
            stdout,
            "{}",
            plan_text(&result, &args.slos, terminal_width())
        )?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(if result.answer.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NO_SETTING_MEETS)
    })
}
