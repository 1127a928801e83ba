//! The flags more than one subcommand takes (the output folder and quiet, flattened into each), the value enums of flags, and the parsers of flag values.

use std::path::{Path, PathBuf};

use crate::model::keep_alive::KeepAliveSpec;
use crate::model::objective::Slo;
use crate::model::what_if::Policy;
use crate::time::SimDuration;

/// Where the outputs go and how much is printed: every subcommand's.
#[derive(Debug, clap::Args)]
pub(super) struct OutputArgs {
    /// Where to write the outputs [default: a folder under output/ named after the scenario,
    /// the trace or the region, and the command].
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(super) quiet: bool,
}

impl OutputArgs {
    /// `--out`, or `output/<name>`.
    pub(super) fn folder(&self, name: &str) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(name))
    }
}

/// How tables are written: the commands that write them (run, compare, sweep, merge, plan,
/// cost).
#[derive(Debug, clap::Args)]
pub(super) struct TableArgs {
    /// Tables (functions, time series, compare, sweep, plan and cost rows) as CSV, or as
    /// Parquet: typed columns, each column's type and unit in the file's metadata.
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub(super) output_format: TableFormat,
}

/// A table's file format: `name.csv` or `name.parquet` (no help per value, so that the
/// option's help stays on its line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum TableFormat {
    Csv,
    Parquet,
}

impl TableArgs {
    /// `files` with their tables in the format asked for.
    pub(super) fn apply(
        &self,
        files: Vec<crate::output::files::File>,
    ) -> anyhow::Result<Vec<crate::output::files::File>> {
        Ok(crate::output::parquet::tables_as(
            files,
            self.output_format == TableFormat::Parquet,
        )?)
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum FormatArg {
    Invocations,
    Azure2021,
    Azure2019,
    Cloudwatch,
    Huawei2025,
    Huawei2023,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum UnitArg {
    S,
    Ms,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum SpreadArg {
    Even,
    Poisson,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum AssignArg {
    AppAverage,
    Split,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum ArchArg {
    #[value(name = "x86_64", alias = "x86-64")]
    X86_64,
    Arm64,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum PackageArg {
    Zip,
    Image,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum InitBillingArg {
    All,
    Legacy,
}

pub(super) fn parse_window(text: &str) -> Result<SimDuration, String> {
    match SimDuration::parse(text)? {
        SimDuration::ZERO => Err("a window must be longer than 0, like 1d or 30m".into()),
        d => Ok(d),
    }
}

pub(super) fn parse_duration_or_zero(text: &str) -> Result<SimDuration, String> {
    SimDuration::parse(text)
}

/// A keep-alive flag: a window ("10m"), a range ("5m-7m"), or any compact policy spec
/// ("none", "fixed-once:10m", "preset:aws-lambda-2019", "hybrid").
pub(super) fn parse_keep_alive(text: &str) -> Result<KeepAliveSpec, String> {
    if let Ok(idle) = SimDuration::parse(text) {
        return Ok(KeepAliveSpec::Fixed { idle, extend: None });
    }
    if let Some((a, b)) = text.split_once('-') {
        if let (Ok(min), Ok(max)) = (SimDuration::parse(a), SimDuration::parse(b)) {
            let spec = KeepAliveSpec::Uniform { min, max };
            spec.validate().map_err(|e| e.to_string())?;
            return Ok(spec);
        }
    }
    crate::input::spec::keep_alive(text)
}

pub(super) fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let d = SimDuration::parse(text)?;
    if d.as_micros() == 0 {
        return Err("must be longer than 0s".into());
    }
    Ok(d)
}

pub(super) fn parse_slo(text: &str) -> Result<Slo, String> {
    crate::input::spec::slo(text).map_err(|e| format!("--slo {e}"))
}

pub(super) fn parse_policy(text: &str) -> Result<Policy, String> {
    crate::input::spec::policy(text)
}
