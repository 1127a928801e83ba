//! `coldsim cost`: a traffic file priced as AWS Lambda would bill it, every function configured from the flags (their errors worded for the flag), the bill written and printed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::args::{
    ArchArg, AssignArg, FormatArg, InitBillingArg, OutputArgs, PackageArg, SpreadArg, UnitArg,
    parse_duration_or_zero, parse_keep_alive, parse_window,
};
use super::compare::load_sheets;
use super::progress::{print_notes, with_progress};
use super::write::{check_out_dir, write_outputs};
use crate::analysis::cost_scenario::{CostSettings, InitSetting};
use crate::analysis::invoice::bill_trace_with;
use crate::analysis::platforms::price_on_platforms;
use crate::analysis::reconcile::{Recorded, record};
use crate::analysis::run::RunError;
use crate::cost::BillingModel;
use crate::cost::{Arch, InitBilling, Package};
use crate::input::scenario::ScenarioError;
use crate::input::trace::cloudwatch::{LogOptions, LogReader};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::scenario::PlatformTarget;
use crate::model::scenario::{DEFAULT_ACCOUNT_CONCURRENCY, Scenario};
use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat};
use crate::output::chart::cost_charts;
use crate::output::chart::platform_charts;
use crate::output::files::add_report;
use crate::output::page::cost_page;
use crate::output::page::platforms_page;
use crate::output::table::terminal_width;
use crate::time::SimDuration;

#[derive(Debug, clap::Args)]
pub(super) struct CostArgs {
    /// The traffic file (CSV); with --format cloudwatch, one or more log files, merged.
    #[arg(required = true, num_args = 1..)]
    pub(super) trace: Vec<PathBuf>,
    /// cloudwatch: the function of records whose file names no log group [default: the
    /// file's name].
    #[arg(long, value_name = "NAME")]
    pub(super) function: Option<String>,
    /// Layout of the file.
    #[arg(long, value_enum, default_value = "invocations")]
    pub(super) format: FormatArg,
    /// Unit of numeric timestamps in an `invocations` file.
    #[arg(long, value_enum, default_value = "s")]
    pub(super) time_unit: UnitArg,
    /// Sort the rows by time in memory, instead of stopping at the first row that goes back.
    #[arg(long)]
    pub(super) sort: bool,
    /// The span the file covers, from its first invocation ("1d" for a day's export whose
    /// traffic fills only part of the day) [default: to the end of the last invocation].
    #[arg(long, value_name = "DURATION", value_parser = parse_window)]
    pub(super) window: Option<SimDuration>,
    /// azure2019: the durations-percentiles file.
    #[arg(long, value_name = "FILE")]
    pub(super) durations: Option<PathBuf>,
    /// azure2019: the app-memory-percentiles file.
    #[arg(long = "memory", value_name = "FILE")]
    pub(super) memory_file: Option<PathBuf>,
    /// azure2019: how a minute's invocations are placed inside it.
    #[arg(long, value_enum, default_value = "poisson")]
    pub(super) spread: SpreadArg,
    /// azure2019: how an app's memory goes to its functions.
    #[arg(long, value_enum, default_value = "app-average")]
    pub(super) memory_assignment: AssignArg,
    /// Memory of functions whose rows give none [MB].
    #[arg(long, value_name = "N", default_value_t = 128)]
    pub(super) memory_mb: u32,
    /// Architecture of every function.
    #[arg(long, value_enum, default_value = "x86-64")]
    pub(super) arch: ArchArg,
    /// Package type, for runtime presets and the legacy INIT rule.
    #[arg(long, value_enum, default_value = "zip")]
    pub(super) package: PackageArg,
    /// Init time of a cold start: a duration ("250ms") or a runtime whose measured INIT times
    /// to sample ("python3.12", "nodejs22.x", "java21", "rust-provided.al2023") [default:
    /// python3.12; with --format cloudwatch, each function's init times as its logs record
    /// them].
    #[arg(long, value_name = "DURATION|RUNTIME")]
    pub(super) init: Option<String>,
    /// Handler time of rows that give none, like "100ms" [default: rows must give one].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_or_zero)]
    pub(super) exec: Option<SimDuration>,
    /// Keep-alive: an idle window ("10m"), "none", a uniform range ("5m-7m") or any policy
    /// ("preset:aws-lambda-2019") [default: the platform's current preset, "aws-lambda-2025"
    /// on Lambda].
    #[arg(long, value_name = "POLICY", value_parser = parse_keep_alive)]
    pub(super) keep_alive: Option<KeepAliveSpec>,
    /// Concurrent executions allowed over all functions.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ACCOUNT_CONCURRENCY)]
    pub(super) account_concurrency: u32,
    /// A price sheet (TOML, or JSON with the same keys) [default: AWS Lambda us-east-1]; with
    /// --platform, one per platform whose built-in sheet it replaces (repeat the flag).
    #[arg(long, value_name = "FILE")]
    pub(super) prices: Vec<PathBuf>,
    /// Price the same traffic on each of these platforms, side by side: aws-lambda,
    /// aws-lambda-managed-instances, azure-flex-consumption, azure-consumption,
    /// google-cloud-run (google-cloud-run:instance for instance-based billing).
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = PlatformTarget::parse)]
    pub(super) platform: Vec<PlatformTarget>,
    /// Bill INIT for every configuration (AWS since 2025-08-01) or by the earlier rule.
    #[arg(long, value_enum, default_value = "all")]
    pub(super) init_billing: InitBillingArg,
    /// Take the monthly free tier off.
    #[arg(long)]
    pub(super) free_tier: bool,
    /// Skip the provisioned-concurrency break-even, which runs the trace again per level.
    #[arg(long)]
    pub(super) no_break_even: bool,
    /// Seed of the random number generator (init samples, azure2019 spreading).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(super) seed: u64,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

/// `coldsim cost`: the trace priced (its functions configured from the flags), its bill,
/// 30-day projection and provisioned break-even written, its Markdown table printed.
/// What `coldsim cost` works out: the folder name it writes to, its files, the text it
/// prints and the warnings it gives.
pub struct CostOutput {
    /// The scenario's name, the output folder's stem.
    pub name: String,
    /// `cost.json`, `cost.csv`, `cost.md`, the charts and `report.html`.
    pub files: Vec<crate::output::files::File>,
    /// The bill or the platforms' table, as printed.
    pub text: String,
    /// Warnings about the traffic or the options.
    pub warnings: Vec<String>,
    /// What the trace's reader had to assume, by function name (as `cost.json` holds it).
    pub notes: Vec<(String, String)>,
}

/// `coldsim cost`'s arguments on their own, for front ends that call it with flags.
#[derive(Debug, clap::Parser)]
#[command(name = "cost", no_binary_name = true)]
struct CostFlags {
    #[command(flatten)]
    args: CostArgs,
}

/// `coldsim cost` called with its flags (`["traffic.csv", "--format", "azure2021"]`), quiet:
/// what it writes, or its error (a flag's, the traffic's, the run's) as the command words it.
/// `progress` is called every 2^18 events of each run (and may stop it, as a bar's does not).
pub fn cost_with_flags(
    flags: &[String],
    progress: crate::analysis::run::Progress<'_>,
) -> Result<CostOutput> {
    use clap::Parser;
    let mut parsed = CostFlags::try_parse_from(flags).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        anyhow::anyhow!("{first}")
    })?;
    parsed.args.output.quiet = true;
    cost_output(&parsed.args, |_| Ok(()), progress)
}

pub(super) fn cost(args: CostArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let mut out = PathBuf::new();
    let result = with_progress(quiet, |bar| {
        cost_output(
            &args,
            |name| {
                out = args.output.folder(&format!("{name}-cost"));
                check_out_dir(&out)
            },
            bar,
        )
    })?;
    if !quiet {
        for w in &result.warnings {
            eprintln!("warning: {w}");
        }
        print_notes(
            result.notes.iter().map(|(f, n)| (f.as_str(), n.as_str())),
            "cost.json",
        );
    }
    write_outputs(&out, &args.tables.apply(result.files)?)?;
    if !quiet {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", result.text)?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}

/// The bill of `args`' traffic and its files; `ready` is called with the scenario's name
/// before the traffic is run (to refuse an output folder that cannot be written).
fn cost_output(
    args: &CostArgs,
    ready: impl FnOnce(&str) -> Result<()>,
    bar: crate::analysis::run::Progress<'_>,
) -> Result<CostOutput> {
    if !args.platform.is_empty() {
        return cost_on_platforms(args, ready, bar);
    }
    if args.prices.len() > 1 {
        bail!("--prices: give one price sheet, or one per platform with --platform");
    }
    let (scenario, recorded) = scenario_and_logs(args, args.prices.first().cloned())?;
    ready(&scenario.name)?;
    let trace = traces_shown(&args.trace);
    let invoice = bill_trace_with(
        &scenario,
        args.seed,
        &trace,
        args.window,
        !args.no_break_even,
        recorded.as_ref(),
        bar,
    )
    .map_err(|e| window_error(e, args.window))?;
    let markdown = invoice.to_markdown();
    let charts = cost_charts(&invoice).context("drawing the charts")?;
    let mut files = vec![
        ("cost.json".to_string(), invoice.to_json()),
        ("cost.csv".to_string(), invoice.to_csv()),
        ("cost.md".to_string(), markdown.clone().into_bytes()),
    ];
    add_report(&mut files, cost_page(&invoice, &charts), &charts);
    Ok(CostOutput {
        name: scenario.name.clone(),
        files,
        text: markdown,
        warnings: invoice.warnings.clone(),
        notes: invoice
            .functions
            .iter()
            .filter_map(|l| l.note.clone().map(|n| (l.name.clone(), n)))
            .collect(),
    })
}

fn cost_on_platforms(
    args: &CostArgs,
    ready: impl FnOnce(&str) -> Result<()>,
    bar: crate::analysis::run::Progress<'_>,
) -> Result<CostOutput> {
    let sheets = load_sheets(&args.prices)?;
    let lambda_sheet = sheets
        .iter()
        .position(|s| s.prices.model() == BillingModel::AwsLambda)
        .map(|i| args.prices[i].clone());
    // With logs, each function's init as they record it, on every platform.
    let (scenario, _) = scenario_and_logs(args, lambda_sheet)?;
    ready(&scenario.name)?;
    let trace = traces_shown(&args.trace);
    let bills = price_on_platforms(
        &scenario,
        args.seed,
        &trace,
        args.window,
        (&args.platform, &sheets),
        !args.no_break_even,
        bar,
    )
    .map_err(|e| window_error(e, args.window))?;
    let markdown = bills.to_markdown();
    let charts = platform_charts(&bills).context("drawing the charts")?;
    let mut files = vec![
        ("cost.json".to_string(), bills.to_json()),
        ("cost.csv".to_string(), bills.to_csv()),
        ("cost.md".to_string(), markdown.into_bytes()),
    ];
    add_report(&mut files, platforms_page(&bills, &charts), &charts);
    Ok(CostOutput {
        name: scenario.name.clone(),
        files,
        text: bills.table(terminal_width()),
        warnings: bills.warnings.clone(),
        notes: Vec::new(),
    })
}

fn window_error(e: RunError, window: Option<SimDuration>) -> anyhow::Error {
    match (&e, window) {
        (RunError::OutsideWindow { .. }, Some(w)) => {
            anyhow::anyhow!("--window {w}: {e}; pass a longer --window")
        }
        _ => e.into(),
    }
}

/// The settings of `coldsim cost` from its flags.
fn cost_settings(args: &CostArgs, prices: Option<PathBuf>) -> Result<CostSettings> {
    // A runtime's name starts with a letter; anything else is meant as a duration.
    let init_text = args.init.as_deref().unwrap_or(DEFAULT_INIT);
    let init = match SimDuration::parse(init_text) {
        Ok(d) => InitSetting::Fixed(d),
        Err(e) if !init_text.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            bail!("--init {init_text}: {e}")
        }
        Err(_) => InitSetting::Runtime(init_text.to_string()),
    };
    if args.trace.len() > 1 && !matches!(args.format, FormatArg::Cloudwatch) {
        bail!(
            "{}: one traffic file at a time (several are read only with --format cloudwatch)",
            args.trace[1].display()
        );
    }
    if args.function.is_some() && !matches!(args.format, FormatArg::Cloudwatch) {
        bail!("--function: names the function of log records; pass it with --format cloudwatch");
    }
    Ok(CostSettings {
        trace: args.trace[0].clone(),
        format: match args.format {
            FormatArg::Invocations => TraceFormat::Invocations,
            FormatArg::Azure2021 => TraceFormat::Azure2021,
            FormatArg::Azure2019 => TraceFormat::Azure2019,
            FormatArg::Cloudwatch => TraceFormat::Cloudwatch,
            FormatArg::Huawei2025 => TraceFormat::Huawei2025,
            FormatArg::Huawei2023 => TraceFormat::Huawei2023,
        },
        also: args.trace[1..].to_vec(),
        inits: Vec::new(),
        function: args.function.clone(),
        time_unit: match args.time_unit {
            UnitArg::S => TimeUnit::Seconds,
            UnitArg::Ms => TimeUnit::Milliseconds,
        },
        sort: args.sort,
        window: args.window,
        durations: args.durations.clone(),
        memory_file: args.memory_file.clone(),
        spread: match args.spread {
            SpreadArg::Even => Spread::Even,
            SpreadArg::Poisson => Spread::Poisson,
        },
        memory_assignment: match args.memory_assignment {
            AssignArg::AppAverage => MemoryAssignment::AppAverage,
            AssignArg::Split => MemoryAssignment::Split,
        },
        memory_mb: args.memory_mb,
        arch: match args.arch {
            ArchArg::X86_64 => Arch::X86_64,
            ArchArg::Arm64 => Arch::Arm64,
        },
        package: match args.package {
            PackageArg::Zip => Package::Zip,
            PackageArg::Image => Package::Image,
        },
        init,
        exec: args.exec,
        keep_alive: args.keep_alive.clone(),
        account_concurrency: args.account_concurrency,
        prices,
        init_billing: match args.init_billing {
            InitBillingArg::All => InitBilling::All,
            InitBillingArg::Legacy => InitBilling::Legacy,
        },
        free_tier: args.free_tier,
        seed: args.seed,
    })
}

/// The scenario `coldsim cost` runs with the price sheet at `prices` (or the built-in one).
fn cost_scenario_with(args: &CostArgs, prices: Option<PathBuf>) -> Result<Scenario> {
    scenario_of(args, &cost_settings(args, prices)?)
}

/// The scenario `coldsim cost` runs with the price sheet at `prices` and, with logs, what
/// they record: each function's init then sampled from its logged ones unless `--init` is
/// given.
fn scenario_and_logs(
    args: &CostArgs,
    prices: Option<PathBuf>,
) -> Result<(Scenario, Option<Recorded>)> {
    let scenario = cost_scenario_with(args, prices.clone())?;
    if !matches!(args.format, FormatArg::Cloudwatch) {
        return Ok((scenario, None));
    }
    let recorded = read_logs(args, &scenario)?;
    if args.init.is_some() || recorded.inits_ms.is_empty() {
        return Ok((scenario, Some(recorded)));
    }
    let mut settings = cost_settings(args, prices)?;
    settings.inits = recorded.inits_ms.clone();
    Ok((scenario_of(args, &settings)?, Some(recorded)))
}

/// Reads the logs `coldsim cost --format cloudwatch` was given once, for what they record;
/// notes what was skipped.
fn read_logs(args: &CostArgs, scenario: &Scenario) -> Result<Recorded> {
    let options = LogOptions {
        function: args.function.clone(),
        sort: args.sort,
    };
    let mut logs = LogReader::open(&args.trace, &options)?;
    // The architecture `--arch` gave every function, as the scenario holds it.
    let recorded = record(
        &mut logs,
        &scenario.cost.prices,
        scenario.defaults.arch,
        scenario.cost.options,
    )?;
    if !args.output.quiet {
        let s = recorded.skipped;
        if s.lines > 0 || s.unreported > 0 {
            eprintln!(
                "note: skipped {} log lines that are not START or REPORT records of the platform, and {} STARTs without a REPORT",
                s.lines, s.unreported
            );
        }
    }
    Ok(recorded)
}

/// The scenario of `settings`, its errors worded for the flag that set the key.
fn scenario_of(args: &CostArgs, settings: &CostSettings) -> Result<Scenario> {
    settings.scenario().map_err(|e| {
        let (key, message) = match &e {
            ScenarioError::Invalid { key, message, .. } => (key.as_str(), message.as_str()),
            ScenarioError::Syntax { key, message, .. } => {
                (key.trim_end_matches(": "), message.as_str())
            }
            ScenarioError::Read { .. } => return anyhow::anyhow!("{e}"),
        };
        let flag = match key {
            "defaults.memory_mb" => "--memory-mb".to_string(),
            "defaults.init" => format!("--init {}", args.init.as_deref().unwrap_or(DEFAULT_INIT)),
            "defaults.exec" => "--exec".into(),
            "defaults.keep_alive" => "--keep-alive".into(),
            "platform.account_concurrency" => "--account-concurrency".into(),
            "cost.prices" => "--prices".into(),
            "duration" => "--window".into(),
            _ => return anyhow::anyhow!("{e}"),
        };
        anyhow::anyhow!("{flag}: {message}")
    })
}

/// The init of `--init` when not given.
const DEFAULT_INIT: &str = "python3.12";

/// The traffic files as the bill names them.
fn traces_shown(traces: &[PathBuf]) -> String {
    traces
        .iter()
        .map(|t| t.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
