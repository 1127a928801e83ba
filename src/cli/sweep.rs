//! `coldsim sweep` and `coldsim merge`: a grid of scenario variants with replications, run on every core or as one shard of many, and shards merged into the files one machine writes.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::args::OutputArgs;
use super::progress::runs_bar;
use super::write::{check_out_dir, write_outputs};
use crate::output::chart::sweep_charts;
use crate::output::files::add_report;
use crate::output::page::sweep_page;

#[derive(Debug, clap::Args)]
pub(super) struct SweepArgs {
    /// The scenario file (TOML).
    pub(super) scenario: PathBuf,
    /// An axis of the grid: a key path and its values, like platform.account_concurrency=500,1000,
    /// function.NAME.keep_alive.idle=1m,10m or traffic_scale=1,2,3. Repeat for more axes.
    #[arg(long = "set", value_name = "KEY=V1,V2,...", required = true, value_parser = crate::analysis::sweep::Set::parse)]
    pub(super) sets: Vec<crate::analysis::sweep::Set>,
    /// Runs of each point, replication r with seed + r.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(super) replications: u32,
    /// Run only grid points with index mod N = I (0-based) and write shard-I-of-N.json.
    #[arg(long, value_name = "I/N", value_parser = crate::analysis::sweep::parse_shard)]
    pub(super) shard: Option<(u32, u32)>,
    /// The number of shards, when the index comes from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "N")]
    pub(super) shards: Option<u32>,
    /// Base seed, instead of the scenario's `seed`.
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

#[derive(Debug, clap::Args)]
pub(super) struct MergeArgs {
    /// Folders holding shard-I-of-N.json files (or the files themselves).
    #[arg(required = true)]
    pub(super) dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
    #[command(flatten)]
    pub(super) tables: super::args::TableArgs,
}

/// `coldsim sweep`: every point of the grid run (or this shard's), written and charted.
pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.scenario)
        .with_context(|| format!("{}: cannot read the scenario", args.scenario.display()))?;
    let shard =
        crate::analysis::sweep::shard_from_env(args.shard, args.shards, |k| std::env::var(k).ok())
            .map_err(anyhow::Error::msg)?;
    let bar = runs_bar(args.output.quiet);
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
    let out = args.output.folder(&name);
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
    let files = args.tables.apply(files)?;
    write_outputs(&out, &files)?;
    if !args.output.quiet {
        let (n, r) = (result.points.len(), result.replications);
        let path = out.join(&files[0].0);
        let mut stdout = std::io::stdout().lock();
        if shard.is_none() {
            for c in crate::analysis::sweep::crossings(&result) {
                writeln!(stdout, "break-even: {}", c.sentence())?;
            }
        }
        writeln!(
            stdout,
            "{}: {n} grid points × {r} replications, wrote {}",
            result.scenario,
            path.display()
        )?;
    }
    Ok(())
}

/// `coldsim merge`: shard files of one sweep combined into the files one machine writes.
pub(super) fn merge(args: MergeArgs) -> Result<()> {
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
    let out = args.output.folder(&name);
    check_out_dir(&out)?;
    let charts = sweep_charts(&result).context("drawing the charts")?;
    let mut files = vec![
        ("sweep.csv".to_string(), result.to_csv()),
        ("sweep.json".to_string(), result.to_json()),
    ];
    add_report(&mut files, sweep_page(&result, &charts), &charts);
    let files = args.tables.apply(files)?;
    write_outputs(&out, &files)?;
    if !args.output.quiet {
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
