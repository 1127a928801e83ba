//! The command line: flags (the only module that knows clap), progress, and writing outputs atomically.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analysis::compare::{Comparison, Row};
use crate::analysis::cost_scenario::{CostSettings, InitSetting};
use crate::analysis::invoice::{Invoice, Level, month_of};
use crate::analysis::plan::{Minimize, Step, Vary, candidates, search};
use crate::analysis::summary::Summary;
use crate::cost::Arch;
use crate::cost::{InitBilling, Package};
use crate::input::scenario::ScenarioError;
use crate::input::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat, TraceHandle};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::objective::Slo;
use crate::model::scenario::{DEFAULT_ACCOUNT_CONCURRENCY, Scenario};
use crate::model::what_if::Policy;
use crate::output::chart::{Chart, Limits, compare_charts, cost_charts, run_charts, sweep_charts};
use crate::output::page::{compare_page, cost_page, run_page, sweep_page};
use crate::output::summary::{series_csv, table};
use crate::output::table::{Column, fit, terminal_width};
use crate::sim::engine::Simulation;
use crate::sim::stats::MAX_SERIES_ROWS;
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
    /// Simulate a scenario: summary.json, functions.csv, timeseries.csv, charts and report.html.
    Run(RunArgs),
    /// Price a traffic file as AWS Lambda would bill it: cost.json, cost.csv, cost.md, charts
    /// and report.html.
    Cost(Box<CostArgs>),
    /// Run the same traffic under several policies: compare.csv, compare.json, charts and
    /// report.html.
    Compare(CompareArgs),
    /// Find the cheapest setting of one knob that meets every objective: plan.json, plan.csv.
    Plan(PlanArgs),
    /// Run a grid of scenario variants, each with replications: sweep.csv and sweep.json
    /// (or shard-I-of-N.json with --shard).
    Sweep(SweepArgs),
    /// Combine shard files of one sweep into the sweep.csv and sweep.json one machine writes.
    Merge(MergeArgs),
    /// Write a synthetic region shaped like the Azure Functions 2019 dataset: its three files
    /// per day (invocations per minute, duration percentiles, app memory).
    GenTrace(GenTraceArgs),
}

#[derive(Debug, clap::Args)]
struct GenTraceArgs {
    /// Functions in the region (1 to 10000000).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    functions: u64,
    /// Days, one set of files each (d01, d02, ...; day 1 is a Monday), 1 to 14.
    #[arg(long, value_name = "D", default_value_t = 1)]
    days: u64,
    /// Expected invocations of a weekday over all functions; scales every function but the
    /// timers [default: as the model draws them].
    #[arg(long, value_name = "TOTAL")]
    invocations_per_day: Option<u64>,
    /// Seed of the random number generator.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Where to write the files [default: output/region/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// An objective on all functions together: p50, p90, p95, p99, p999, mean or max latency
    /// ("p99<300ms", "p99<=1.5s"), cold_start_ratio or throttled_ratio ("cold_start_ratio<0.01",
    /// "<1%"). Repeat for several; all must hold.
    #[arg(long = "slo", value_name = "OBJECTIVE", required = true, value_parser = parse_slo)]
    slos: Vec<Slo>,
    /// The knob: provisioned concurrency (the same level for every function), a fixed
    /// keep-alive window or a memory size (for every function).
    #[arg(long, value_enum)]
    vary: VaryArg,
    /// What "best" means among the settings that meet every objective: the bill, or the
    /// memory idle containers hold (what the provider carries).
    #[arg(long, value_enum, default_value = "cost")]
    minimize: MinimizeArg,
    /// Where to write the outputs [default: output/<scenario name>-plan/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum MinimizeArg {
    Cost,
    IdleMemory,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum VaryArg {
    Provisioned,
    KeepAlive,
    Memory,
}

fn parse_slo(text: &str) -> Result<Slo, String> {
    crate::input::spec::slo(text).map_err(|e| format!("--slo {e}"))
}

#[derive(Debug, clap::Args)]
struct CompareArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A policy for every function: fixed:10m, fixed-once:10m, none, uniform:5m-7m,
    /// preset:aws-lambda-2019, hybrid, hybrid:range=4h,head=5,tail=99, provisioned:5,
    /// warmer:5m (or warmer:5m,2 for two containers). Repeat for each policy.
    #[arg(long = "policy", value_name = "SPEC", required = true, value_parser = parse_policy)]
    policies: Vec<Policy>,
    /// Where to write the outputs [default: output/<scenario name>-compare/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of the random number generator, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_policy(text: &str) -> Result<Policy, String> {
    crate::input::spec::policy(text)
}

#[derive(Debug, clap::Args)]
struct CostArgs {
    /// The traffic file (CSV).
    trace: PathBuf,
    /// Layout of the file.
    #[arg(long, value_enum, default_value = "invocations")]
    format: FormatArg,
    /// Unit of numeric timestamps in an `invocations` file.
    #[arg(long, value_enum, default_value = "s")]
    time_unit: UnitArg,
    /// Sort the rows by time in memory, instead of stopping at the first row that goes back.
    #[arg(long)]
    sort: bool,
    /// The span the file covers, from its first invocation ("1d" for a day's export whose
    /// traffic fills only part of the day) [default: to the end of the last invocation].
    #[arg(long, value_name = "DURATION", value_parser = parse_window)]
    window: Option<SimDuration>,
    /// azure2019: the durations-percentiles file.
    #[arg(long, value_name = "FILE")]
    durations: Option<PathBuf>,
    /// azure2019: the app-memory-percentiles file.
    #[arg(long = "memory", value_name = "FILE")]
    memory_file: Option<PathBuf>,
    /// azure2019: how a minute's invocations are placed inside it.
    #[arg(long, value_enum, default_value = "poisson")]
    spread: SpreadArg,
    /// azure2019: how an app's memory goes to its functions.
    #[arg(long, value_enum, default_value = "app-average")]
    memory_assignment: AssignArg,
    /// Memory of functions whose rows give none [MB].
    #[arg(long, value_name = "N", default_value_t = 128)]
    memory_mb: u32,
    /// Architecture of every function.
    #[arg(long, value_enum, default_value = "x86-64")]
    arch: ArchArg,
    /// Package type, for runtime presets and the legacy INIT rule.
    #[arg(long, value_enum, default_value = "zip")]
    package: PackageArg,
    /// Init time of a cold start: a duration ("250ms") or a runtime whose measured INIT times
    /// to sample ("python3.12", "nodejs22.x", "java21", "rust-provided.al2023").
    #[arg(long, value_name = "DURATION|RUNTIME", default_value = "python3.12")]
    init: String,
    /// Handler time of rows that give none, like "100ms" [default: rows must give one].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_or_zero)]
    exec: Option<SimDuration>,
    /// Keep-alive: an idle window ("10m"), "none", or a uniform range ("5m-7m").
    #[arg(long, value_name = "POLICY", default_value = "10m", value_parser = parse_keep_alive)]
    keep_alive: KeepAliveSpec,
    /// Concurrent executions allowed over all functions.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ACCOUNT_CONCURRENCY)]
    account_concurrency: u32,
    /// A price sheet (TOML, or JSON with the same keys) [default: AWS Lambda us-east-1].
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Bill INIT for every configuration (AWS since 2025-08-01) or by the earlier rule.
    #[arg(long, value_enum, default_value = "all")]
    init_billing: InitBillingArg,
    /// Take the monthly free tier off.
    #[arg(long)]
    free_tier: bool,
    /// Skip the provisioned-concurrency break-even, which runs the trace again per level.
    #[arg(long)]
    no_break_even: bool,
    /// Seed of the random number generator (init samples, azure2019 spreading).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Where to write the outputs [default: output/<trace name>-cost/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FormatArg {
    Invocations,
    Azure2021,
    Azure2019,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum UnitArg {
    S,
    Ms,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SpreadArg {
    Even,
    Poisson,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum AssignArg {
    AppAverage,
    Split,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ArchArg {
    #[value(name = "x86_64", alias = "x86-64")]
    X86_64,
    Arm64,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum PackageArg {
    Zip,
    Image,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum InitBillingArg {
    All,
    Legacy,
}

fn parse_window(text: &str) -> Result<SimDuration, String> {
    match SimDuration::parse(text)? {
        SimDuration::ZERO => Err("a window must be longer than 0, like 1d or 30m".into()),
        d => Ok(d),
    }
}

fn parse_duration_or_zero(text: &str) -> Result<SimDuration, String> {
    SimDuration::parse(text)
}

/// A keep-alive flag: a window ("10m"), a range ("5m-7m"), or any compact policy spec
/// ("none", "fixed-once:10m", "preset:aws-lambda-2019", "hybrid").
fn parse_keep_alive(text: &str) -> Result<KeepAliveSpec, String> {
    if let Ok(idle) = SimDuration::parse(text) {
        return Ok(KeepAliveSpec::Fixed { idle, extend: None });
    }
    if let Some((a, b)) = text.split_once('-') {
        if let (Ok(min), Ok(max)) = (SimDuration::parse(a), SimDuration::parse(b)) {
            let spec = KeepAliveSpec::Uniform { min, max };
            spec.validate()?;
            return Ok(spec);
        }
    }
    crate::input::spec::keep_alive(text)
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
        Command::Run(args) => run_scenario(args),
        Command::Cost(args) => cost(*args),
        Command::Compare(args) => compare(args),
        Command::Plan(args) => return plan(args),
        Command::Sweep(args) => sweep(args),
        Command::Merge(args) => merge(args),
        Command::GenTrace(args) => gen_trace(args),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// Checks the flags, lays the region out to plan its scale, then streams its files into place.
fn gen_trace(args: GenTraceArgs) -> Result<()> {
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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("region"));
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
    if let (false, Some(summary)) = (args.quiet, summary) {
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
        if rows > MAX_SERIES_ROWS as u64 {
            bail!("--bucket {b}: would write {rows} rows over {d}; choose a wider bucket");
        }
    }

    let started = Instant::now();
    let (sim, _) = simulate(&scenario, seed, args.bucket, args.quiet)?;
    let elapsed = started.elapsed();

    let mut summary = Summary::new(&scenario, seed, &sim);
    if let Some(what_if) = scenario.setup_in_handler() {
        let (alt, _) = simulate(&what_if, seed, args.bucket, true)?;
        summary.set_setup_what_if(&scenario, &Summary::new(&what_if, seed, &alt));
    }
    let charts =
        run_charts(&summary, &sim, &Limits::of(&scenario)).context("drawing the charts")?;
    let mut files = vec![
        ("summary.json".to_string(), summary.to_json()),
        ("functions.csv".to_string(), summary.functions_csv()),
        (
            "timeseries.csv".to_string(),
            series_csv(sim.series(), sim.end().as_micros()),
        ),
    ];
    add_report(&mut files, run_page(&summary, &charts), &charts);
    write_outputs(&out, &files)?;

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
        writeln!(stdout, "{}", table(&summary, terminal_width()))?;
        for w in summary.setup_in_handler.iter().flatten() {
            let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.1}"));
            writeln!(
                stdout,
                "{}: {} ms of set-up in every invocation instead of at init: p99 {} -> {} ms, busy {:.1} -> {:.1} GB-s, cost {:.4} -> {:.4} USD, connections {:.2} -> {:.2} on average",
                w.function,
                w.setup_ms,
                ms(w.at_init.latency_p99_ms),
                ms(w.in_handler.latency_p99_ms),
                w.at_init.busy_gb_s,
                w.in_handler.busy_gb_s,
                w.at_init.cost_usd,
                w.in_handler.cost_usd,
                w.at_init.connections_mean,
                w.in_handler.connections_mean,
            )?;
        }
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}

/// Runs a scenario (and its trace) to the end with a progress bar; fails on a trace error.
fn simulate(
    scenario: &Scenario,
    seed: u64,
    bucket: Option<SimDuration>,
    quiet: bool,
) -> Result<(Simulation, Option<TraceHandle>)> {
    let mut bar = None;
    let finished = crate::analysis::run::run(scenario, seed, bucket, |sim| {
        bar.get_or_insert_with(|| Progress::new(sim, quiet))
            .update(sim)
    });
    if let Some(bar) = bar {
        bar.finish();
    }
    let finished = finished?;
    Ok((finished.sim, finished.trace))
}

/// Runs the baseline (fixed 10 minutes) to learn every function the traffic has, then each
/// policy on the same traffic and seed: the same arrivals and handler times for all.
fn compare(args: CompareArgs) -> Result<()> {
    let scenario = Scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-compare", scenario.name)));
    check_out_dir(&out)?;
    let baseline_policy = Policy::baseline();
    let first = baseline_policy
        .apply(&scenario, &scenario.functions)
        .map_err(anyhow::Error::msg)?;
    let (sim, _) = simulate(&first, seed, None, args.quiet)?;
    let functions: Vec<_> = sim.functions().map(|(f, _)| f.clone()).collect();
    // A provisioned level beyond a function's limit or the account is refused before any run.
    for p in &args.policies {
        p.check(&scenario, &functions).map_err(anyhow::Error::msg)?;
    }
    let baseline = Summary::new(&first, seed, &sim);
    let baseline_idle = baseline.totals.gb_s.idle;
    let mut rows = Vec::with_capacity(args.policies.len());
    for policy in &args.policies {
        let summary = if *policy == baseline_policy {
            baseline.clone()
        } else {
            let s = policy
                .apply(&scenario, &functions)
                .map_err(anyhow::Error::msg)?;
            let (sim, _) = simulate(&s, seed, None, args.quiet)?;
            Summary::new(&s, seed, &sim)
        };
        rows.push(Row::new(&policy.label, &summary, baseline_idle));
    }
    let comparison = Comparison {
        scenario: scenario.name.clone(),
        seed,
        policies: rows,
    };
    let charts = compare_charts(&comparison).context("drawing the charts")?;
    let mut files = vec![
        ("compare.json".to_string(), comparison.to_json()),
        ("compare.csv".to_string(), comparison.to_csv()),
    ];
    add_report(&mut files, compare_page(&comparison, &charts), &charts);
    write_outputs(&out, &files)?;
    if !args.quiet {
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

/// Runs the scenario as configured to learn its functions and peak, then searches the knob's
/// settings for the best that meets every objective (see [`crate::analysis::plan::search`]). Exits with
/// [`NO_SETTING_MEETS`] when none does, after writing what was examined.
fn plan(args: PlanArgs) -> Result<ExitCode> {
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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-plan", scenario.name)));
    check_out_dir(&out)?;
    if !args.quiet {
        for w in args.slos.iter().filter_map(Slo::warning) {
            eprintln!("warning: {w}");
        }
    }
    let (first, _) = simulate(&scenario, seed, None, args.quiet)?;
    let functions: Vec<_> = first.functions().map(|(f, _)| f.clone()).collect();
    let peak = first
        .functions()
        .map(|(_, s)| s.levels.peak_busy)
        .max()
        .unwrap_or(0);
    let candidates = candidates(vary, &scenario, &functions, peak);
    let run_candidate = |i: usize| -> Result<Step> {
        let (value, policy) = &candidates.list[i];
        let s = policy
            .apply(&scenario, &functions)
            .map_err(anyhow::Error::msg)?;
        let (sim, _) = simulate(&s, seed, None, args.quiet)?;
        Ok(Step::new(
            value.clone(),
            &args.slos,
            &Summary::new(&s, seed, &sim),
        ))
    };
    let floor = |i: usize| match minimize {
        Minimize::Cost => candidates.cost_floor.as_ref().map(|f| f[i]),
        Minimize::IdleMemory => None,
    };
    let outcome = search(
        candidates.list.len(),
        &args.slos,
        minimize,
        floor,
        run_candidate,
    )?;
    let mut notes = candidates.notes.clone();
    if let Some(from) = outcome.pruned_from {
        let skipped: Vec<&str> = (from..candidates.list.len())
            .filter(|i| outcome.examined.iter().all(|(j, _)| j != i))
            .map(|i| candidates.list[i].0.as_str())
            .collect();
        if let (Some(a), Some(b)) = (skipped.first(), skipped.last()) {
            notes.push(format!(
                "{} not run: the provisioned concurrency configured alone costs more than the answer",
                if a == b { format!("setting {a}") } else { format!("settings {a} to {b}") }
            ));
        }
    }
    let step_of = |i: Option<usize>| {
        i.and_then(|a| {
            outcome
                .examined
                .iter()
                .find(|(j, _)| *j == a)
                .map(|(_, s)| s.clone())
        })
    };
    let result = PlanResult {
        scenario: scenario.name.clone(),
        seed,
        vary: match vary {
            Vary::Provisioned => "provisioned",
            Vary::KeepAlive => "keep_alive",
            Vary::Memory => "memory",
        },
        minimize: minimize.as_str(),
        slos: args.slos.iter().map(|s| s.text.clone()).collect(),
        answer: step_of(outcome.answer),
        closest_miss: step_of(outcome.closest_miss),
        notes,
        examined: outcome.examined.iter().map(|(_, s)| s.clone()).collect(),
    };
    let mut json = serde_json::to_vec_pretty(&result)?;
    json.push(b'\n');
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "value".to_string(),
        "meets".into(),
        "cost_usd".into(),
        "idle_gb_s".into(),
    ];
    header.extend(result.slos.iter().cloned());
    csv.write_record(&header)?;
    for s in &result.examined {
        let mut row = vec![
            s.value.clone(),
            s.meets.to_string(),
            format!("{:.9}", s.cost_usd),
            format!("{:.3}", s.idle_gb_s),
        ];
        row.extend(
            s.values
                .iter()
                .map(|v| v.map(|x| format!("{x:.6}")).unwrap_or_default()),
        );
        csv.write_record(&row)?;
    }
    let csv = csv.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_outputs(
        &out,
        &[
            ("plan.json".to_string(), json),
            ("plan.csv".to_string(), csv),
        ],
    )?;
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        write!(
            stdout,
            "{}",
            plan_text(&result, &args.slos, vary, minimize, terminal_width())
        )?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(if result.answer.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NO_SETTING_MEETS)
    })
}

/// The exit code of `coldsim plan` when no setting examined meets every objective.
pub const NO_SETTING_MEETS: u8 = 3;

/// What `coldsim plan` prints: the answer (or the closest miss), the notes, and a table of
/// every setting examined, each objective's value in the objective's own unit.
fn plan_text(
    result: &PlanResult,
    slos: &[Slo],
    vary: Vary,
    minimize: Minimize,
    width: Option<usize>,
) -> String {
    use std::fmt::Write as _;
    let knob = match vary {
        Vary::Provisioned => "provisioned concurrency per function",
        Vary::KeepAlive => "fixed keep-alive window",
        Vary::Memory => "memory size [MB] of every function",
    };
    let by = match minimize {
        Minimize::Cost => "cheapest",
        Minimize::IdleMemory => "least idle memory",
    };
    let values = |s: &Step| -> String {
        s.values
            .iter()
            .zip(slos)
            .map(|(v, o)| format!("{}: {}", o.text, o.show(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = String::new();
    let _ = match (&result.answer, &result.closest_miss) {
        (Some(a), _) => writeln!(
            text,
            "{}: {by} {knob} meeting every objective: {} ({:.6} USD, {:.1} idle GB-s; {})",
            result.scenario,
            a.value,
            a.cost_usd,
            a.idle_gb_s,
            values(a)
        ),
        (None, Some(m)) => writeln!(
            text,
            "{}: no {knob} examined meets every objective; the closest miss is {} ({})",
            result.scenario,
            m.value,
            values(m)
        ),
        (None, None) => writeln!(text, "{}: no {knob} could be examined", result.scenario),
    };
    for n in &result.notes {
        let _ = writeln!(text, "note: {n}");
    }
    let mut columns = vec![
        Column::key(match vary {
            Vary::Provisioned => "provisioned",
            Vary::KeepAlive => "keep-alive",
            Vary::Memory => "memory MB",
        }),
        Column::number("meets", 0),
        Column::number("cost USD", 0),
        Column::number("idle GB-s", 1),
    ];
    columns.extend(slos.iter().map(|o| Column::number(&o.text, 0)));
    let rows: Vec<Vec<String>> = result
        .examined
        .iter()
        .map(|s| {
            let mut row = vec![
                s.value.clone(),
                if s.meets { "yes" } else { "no" }.to_string(),
                format!("{:.6}", s.cost_usd),
                format!("{:.1}", s.idle_gb_s),
            ];
            row.extend(s.values.iter().zip(slos).map(|(v, o)| o.show(*v)));
            row
        })
        .collect();
    text.push_str(&fit(&columns, &rows, width, "plan.csv"));
    text.push('\n');
    text
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// An axis of the grid: a key path and its values, like platform.account_concurrency=500,1000,
    /// function.NAME.keep_alive.idle=1m,10m or traffic_scale=1,2,3. Repeat for more axes.
    #[arg(long = "set", value_name = "KEY=V1,V2,...", required = true, value_parser = crate::analysis::sweep::Set::parse)]
    sets: Vec<crate::analysis::sweep::Set>,
    /// Runs of each point, replication r with seed + r.
    #[arg(long, value_name = "N", default_value_t = 1)]
    replications: u32,
    /// Run only grid points with index mod N = I (0-based) and write shard-I-of-N.json.
    #[arg(long, value_name = "I/N", value_parser = crate::analysis::sweep::parse_shard)]
    shard: Option<(u32, u32)>,
    /// The number of shards, when the index comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "N")]
    shards: Option<u32>,
    /// Where to write the outputs [default: output/<scenario name>-sweep/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Base seed, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// Folders holding shard-I-of-N.json files (or the files themselves).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write sweep.csv, sweep.json, the charts and report.html
    /// [default: output/<scenario name>-sweep/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn sweep(args: SweepArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.scenario)
        .with_context(|| format!("{}: cannot read the scenario", args.scenario.display()))?;
    let shard =
        crate::analysis::sweep::shard_from_env(args.shard, args.shards, |k| std::env::var(k).ok())
            .map_err(anyhow::Error::msg)?;
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if !args.quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (sets, reps, seed) = (&args.sets, args.replications, args.seed);
    let result = crate::analysis::sweep::run_sweep(
        &text,
        &args.scenario,
        sets,
        reps,
        shard,
        seed,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .map_err(anyhow::Error::msg)?;
    bar.finish_and_clear();
    let name = format!("{}-sweep", result.scenario);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(name));
    check_out_dir(&out)?;
    let mut files = match shard {
        Some(_) => vec![(result.shard_file_name(), result.to_shard_json())],
        None => vec![
            ("sweep.csv".to_string(), result.to_csv()),
            ("sweep.json".to_string(), result.to_json()),
        ],
    };
    if shard.is_none() {
        let charts = sweep_charts(&result).context("drawing the charts")?;
        add_report(&mut files, sweep_page(&result, &charts), &charts);
    }
    write_outputs(&out, &files)?;
    if !args.quiet {
        let (n, r) = (result.points.len(), result.replications);
        let path = out.join(&files[0].0);
        writeln!(
            std::io::stdout().lock(),
            "{}: {n} grid points × {r} replications, wrote {}",
            result.scenario,
            path.display()
        )?;
    }
    Ok(())
}

fn merge(args: MergeArgs) -> Result<()> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        let mut files = vec![dir.clone()];
        if dir.is_dir() {
            let is_shard = |p: &PathBuf| {
                let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                n.starts_with("shard-") && n.ends_with(".json")
            };
            files = std::fs::read_dir(dir)
                .with_context(|| format!("{}: cannot read the folder", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(is_shard)
                .collect();
            files.sort();
            if files.is_empty() {
                bail!("{}: no shard-I-of-N.json file in the folder", dir.display());
            }
        }
        for f in files {
            let bytes =
                std::fs::read(&f).with_context(|| format!("{}: cannot read", f.display()))?;
            let shard = crate::analysis::sweep::ShardFile::parse(&bytes, &f.display().to_string());
            shards.push(shard.map_err(anyhow::Error::msg)?);
        }
    }
    let result = crate::analysis::sweep::merge(shards).map_err(anyhow::Error::msg)?;
    let name = format!("{}-sweep", result.scenario);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(name));
    check_out_dir(&out)?;
    let charts = sweep_charts(&result).context("drawing the charts")?;
    let mut files = vec![
        ("sweep.csv".to_string(), result.to_csv()),
        ("sweep.json".to_string(), result.to_json()),
    ];
    add_report(&mut files, sweep_page(&result, &charts), &charts);
    write_outputs(&out, &files)?;
    if !args.quiet {
        writeln!(
            std::io::stdout().lock(),
            "{}: merged {} grid points, wrote {}",
            result.scenario,
            result.points.len(),
            out.display()
        )?;
    }
    Ok(())
}

/// What `coldsim plan` writes to plan.json.
#[derive(serde::Serialize)]
struct PlanResult {
    scenario: String,
    seed: u64,
    vary: &'static str,
    minimize: &'static str,
    slos: Vec<String>,
    answer: Option<Step>,
    closest_miss: Option<Step>,
    notes: Vec<String>,
    examined: Vec<Step>,
}

fn cost(args: CostArgs) -> Result<()> {
    let scenario = cost_scenario(&args)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-cost", scenario.name)));
    check_out_dir(&out)?;
    let trace = args.trace.display().to_string();
    let (sim, handle) = simulate(&scenario, args.seed, None, args.quiet)?;
    if let (Some(window), Some(latest)) = (
        args.window,
        handle.as_ref().and_then(TraceHandle::latest_arrival),
    ) {
        if latest.as_micros() >= window.as_micros() {
            bail!(
                "--window {window}: {trace} has an invocation {} after its first, not within the window; pass a longer --window",
                SimDuration(latest.as_micros())
            );
        }
    }
    let mut invoice = Invoice::new(&scenario, &sim, &trace);
    if !args.quiet {
        for w in &invoice.warnings {
            eprintln!("warning: {w}");
        }
    }
    if !args.no_break_even {
        let (peaks, levels) = break_even(&scenario, &sim, args.seed, args.quiet)?;
        invoice.set_break_even(&peaks, levels);
    }
    let markdown = invoice.to_markdown();
    let charts = cost_charts(&invoice).context("drawing the charts")?;
    let mut files = vec![
        ("cost.json".to_string(), invoice.to_json()),
        ("cost.csv".to_string(), invoice.to_csv()),
        ("cost.md".to_string(), markdown.clone().into_bytes()),
    ];
    add_report(&mut files, cost_page(&invoice, &charts), &charts);
    write_outputs(&out, &files)?;
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{markdown}")?;
        writeln!(stdout, "wrote {}", out.display())?;
    }
    Ok(())
}

/// Runs the trace again with provisioned concurrency at up to four levels per function, a
/// quarter, a half, three quarters and all of its peak of busy containers on demand; returns
/// the peaks and, per function, each level's 30-day cost and cold starts, on demand first.
fn break_even(
    scenario: &Scenario,
    on_demand: &Simulation,
    seed: u64,
    quiet: bool,
) -> Result<(Vec<u32>, Vec<Vec<Level>>)> {
    let peaks: Vec<u32> = on_demand
        .functions()
        .map(|(_, s)| s.levels.peak_busy)
        .collect();
    let candidates: Vec<Vec<u32>> = peaks
        .iter()
        .map(|&p| {
            let mut c: Vec<u32> = [1, 2, 3, 4]
                .iter()
                .map(|q| (p * q).div_ceil(4))
                .filter(|&n| n > 0)
                .collect();
            c.dedup();
            c
        })
        .collect();
    let mut levels: Vec<Vec<Level>> = month_of(scenario, on_demand)
        .into_iter()
        .map(|(usd, cold)| {
            vec![Level {
                provisioned_concurrency: 0,
                month_usd: usd,
                month_cold_starts: cold,
            }]
        })
        .collect();
    let rounds = candidates.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..rounds {
        let mut s = scenario.clone();
        s.functions = on_demand
            .functions()
            .zip(&candidates)
            .map(|((f, _), c)| {
                let mut f = f.clone();
                f.provisioned_concurrency = c.get(k).or(c.last()).copied().unwrap_or(0);
                f
            })
            .collect();
        let (sim, _) = simulate(&s, seed, None, quiet)?;
        for ((f, (usd, cold)), list) in s.functions.iter().zip(month_of(&s, &sim)).zip(&mut levels)
        {
            let n = f.provisioned_concurrency;
            if n > 0 && list.iter().all(|l| l.provisioned_concurrency != n) {
                list.push(Level {
                    provisioned_concurrency: n,
                    month_usd: usd,
                    month_cold_starts: cold,
                });
            }
        }
    }
    Ok((peaks, levels))
}

/// The settings of `coldsim cost` from its flags.
fn cost_settings(args: &CostArgs) -> Result<CostSettings> {
    // A runtime's name starts with a letter; anything else is meant as a duration.
    let init = match SimDuration::parse(&args.init) {
        Ok(d) => InitSetting::Fixed(d),
        Err(e) if !args.init.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            bail!("--init {}: {e}", args.init)
        }
        Err(_) => InitSetting::Runtime(args.init.clone()),
    };
    Ok(CostSettings {
        trace: args.trace.clone(),
        format: match args.format {
            FormatArg::Invocations => TraceFormat::Invocations,
            FormatArg::Azure2021 => TraceFormat::Azure2021,
            FormatArg::Azure2019 => TraceFormat::Azure2019,
        },
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
        prices: args.prices.clone(),
        init_billing: match args.init_billing {
            InitBillingArg::All => InitBilling::All,
            InitBillingArg::Legacy => InitBilling::Legacy,
        },
        free_tier: args.free_tier,
        seed: args.seed,
    })
}

/// The scenario `coldsim cost` runs, its errors worded for the flag that set the key.
fn cost_scenario(args: &CostArgs) -> Result<Scenario> {
    cost_settings(args)?.scenario().map_err(|e| {
        let (key, message) = match &e {
            ScenarioError::Invalid { key, message, .. } => (key.as_str(), message.as_str()),
            ScenarioError::Syntax { key, message, .. } => {
                (key.trim_end_matches(": "), message.as_str())
            }
            ScenarioError::Read { .. } => return anyhow::anyhow!("{e}"),
        };
        let flag = match key {
            "defaults.memory_mb" => "--memory-mb".to_string(),
            "defaults.init" => format!("--init {}", args.init),
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

/// Adds `report.html` and each chart as a PNG and an SVG file to the files to write.
fn add_report(files: &mut Vec<(String, Vec<u8>)>, page: String, charts: &[Chart]) {
    files.push(("report.html".to_string(), page.into_bytes()));
    for c in charts {
        files.push((format!("{}.png", c.name), c.png.clone()));
        files.push((format!("{}.svg", c.name), c.svg.clone().into_bytes()));
    }
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
fn write_outputs(out: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    write_streams(out, &names, |staged| {
        for (tmp, (name, bytes)) in staged.iter_mut().zip(files) {
            tmp.write_all(bytes)
                .with_context(|| format!("{}: cannot write", out.join(name).display()))?;
        }
        Ok(())
    })
}

/// [`write_outputs`] for files too large to hold: `fill` writes them, in the order of `names`,
/// through buffers onto temporary files in `out`, which are renamed into place once all are
/// written.
fn write_streams(
    out: &Path,
    names: &[String],
    fill: impl FnOnce(&mut [BufWriter<tempfile::NamedTempFile>]) -> Result<()>,
) -> Result<()> {
    let created = !out.exists();
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
    let result = (|| -> Result<()> {
        let mut buffers = Vec::with_capacity(names.len());
        for name in names {
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix);
            // Created as any program's files are (0666 less the umask), not tempfile's 0600:
            // outputs are for a shared results folder, a teammate or a web server too.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let tmp = builder
                .tempfile_in(out)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            buffers.push(BufWriter::with_capacity(1 << 16, tmp));
        }
        fill(&mut buffers)?;
        let mut staged = Vec::with_capacity(names.len());
        for (buffer, name) in buffers.into_iter().zip(names) {
            let path = out.join(name);
            let tmp = buffer
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            staged.push((tmp, path));
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
        // A run over a trace without a set duration has no known end: a spinner then.
        let open = sim.end() == crate::time::SimTime::NEVER;
        let len = (!open).then(|| sim.end().as_micros() / 1_000_000);
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        let template = if open {
            "{spinner} [{elapsed_precise}] {pos} simulated s"
        } else {
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} simulated s ({eta} left)"
        };
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
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
