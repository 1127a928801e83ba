//! `coldsim check-cold-starts`: Huawei Cloud's per-request files replayed with the platform's documented keep-alive, and the cold starts simulated set against those the platform recorded.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::args::{OutputArgs, parse_keep_alive};
use super::progress::with_progress;
use super::write::{check_out_dir, write_outputs};
use crate::analysis::coldcheck::{check_cold_starts, init_samples};
use crate::analysis::cost_scenario::{CostSettings, InitSetting, name_of};
use crate::cost::{Arch, InitBilling, Package};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat};
use crate::output::number::json_file;
use crate::time::SimDuration;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// A per-request file of Huawei Cloud's 2025 release (`huawei2025`).
    pub(super) requests: PathBuf,
    /// The cold-start file of the same region and day.
    #[arg(long, value_name = "FILE")]
    pub(super) cold_starts: PathBuf,
    /// The keep-alive replayed [default: one minute, reset by every request, as Huawei
    /// documents].
    #[arg(long, value_name = "POLICY", default_value = "1m", value_parser = parse_keep_alive)]
    pub(super) keep_alive: KeepAliveSpec,
    /// Sort the requests by time in memory (files joined from several).
    #[arg(long)]
    pub(super) sort: bool,
    /// Seed of the random number generator (init samples).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(super) seed: u64,
    #[command(flatten)]
    pub(super) output: OutputArgs,
}

/// Replays the requests, compares the cold starts, writes `check.json` and prints the
/// agreement.
pub(super) fn check(args: CheckArgs) -> Result<()> {
    let name = name_of(&args.requests);
    let out = args.output.folder(&format!("{name}-check"));
    check_out_dir(&out)?;
    let settings = CostSettings {
        trace: args.requests.clone(),
        format: TraceFormat::Huawei2025,
        time_unit: TimeUnit::Seconds,
        sort: args.sort,
        window: None,
        durations: None,
        memory_file: None,
        spread: Spread::default(),
        memory_assignment: MemoryAssignment::default(),
        memory_mb: 128,
        arch: Arch::X86_64,
        package: Package::Zip,
        // Functions with no recorded cold start: none to sample, and none needed.
        init: InitSetting::Fixed(SimDuration::ZERO),
        exec: None,
        keep_alive: Some(args.keep_alive.clone()),
        account_concurrency: 1_000_000,
        prices: None,
        init_billing: InitBilling::All,
        free_tier: false,
        seed: args.seed,
        also: Vec::new(),
        function: None,
        // Each function's init: its recorded cold starts' whole cost.
        inits: init_samples(&args.cold_starts)?,
    };
    let scenario = settings.scenario().context("the replay's scenario")?;
    let result = with_progress(args.output.quiet, |bar| {
        check_cold_starts(&scenario, &args.cold_starts, args.seed, bar)
    })?;
    write_outputs(&out, &[("check.json".to_string(), json_file(&result))])?;
    if !args.output.quiet {
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "cold starts: {} recorded, {} simulated ({} records outside the requests' span)",
            result.recorded, result.simulated, result.outside
        )?;
        writeln!(
            stdout,
            "functions: {} with cold starts, {} equal, {} within 10 %; per minute over {} minutes, correlation {}",
            result.functions,
            result.functions_equal,
            result.functions_within_10_percent,
            result.minutes,
            result
                .minute_correlation
                .map_or("undefined (a constant series)".into(), |r| format!(
                    "{r:.3}"
                )),
        )?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}
