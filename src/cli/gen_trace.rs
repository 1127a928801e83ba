//! `coldsim gen-trace`: a synthetic region in the Azure Functions 2019 layout, checked, planned and streamed into its files.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result};

use super::args::OutputArgs;
use super::write::{check_out_dir, write_streams};

#[derive(Debug, clap::Args)]
pub(super) struct GenTraceArgs {
    /// Functions in the region (1 to 10000000).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub(super) functions: u64,
    /// Days, one set of files each (d01, d02, ...; day 1 is a Monday), 1 to 14.
    #[arg(long, value_name = "D", default_value_t = 1)]
    pub(super) days: u64,
    /// Expected invocations of a weekday over all functions; scales every function but the
    /// timers [default: as the model draws them].
    #[arg(long, value_name = "TOTAL")]
    pub(super) invocations_per_day: Option<u64>,
    /// Seed of the random number generator.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(super) seed: u64,
    #[command(flatten)]
    pub(super) output: OutputArgs,
}

/// Checks the flags, lays the region out to plan its scale, then streams its files into place.
pub(super) fn gen_trace(args: GenTraceArgs) -> Result<()> {
    use crate::input::region::{Config, Region};
    let flag = |e: String| anyhow::anyhow!("--{e}");
    let config = Config::new(
        args.functions,
        args.days,
        args.invocations_per_day,
        args.seed,
    )
    .map_err(flag)?;
    let region = Region::plan(config).map_err(flag)?;
    let out = args.output.folder("region");
    check_out_dir(&out)?;
    let started = Instant::now();
    let names = region.file_names();
    let mut summary = None;
    write_streams(&out, &names, |files| {
        let written = region
            .write(files)
            .with_context(|| format!("{}: cannot write", out.display()))?;
        summary = Some(written);
        Ok(())
    })?;
    if let (false, Some(summary)) = (args.output.quiet, summary) {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{summary}")?;
        writeln!(
            stdout,
            "wrote {} files to {} in {:.2} s",
            names.len(),
            out.display(),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
