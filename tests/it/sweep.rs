//! Parameter sweeps: rows equal single runs, grid order and key paths, traffic scaling, the t table, confidence-interval coverage, thread-independence, shards and merge.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::analysis::sweep::{
    Set, ShardFile, SweepResult, grid_point, merge, point_scenario, run_sweep, scale_traffic,
    set_key, shard_from_env, t_975,
};
use coldsim::model::keep_alive::KeepAliveSpec;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use coldsim::time::SimDuration;

const PATH: &str = "sweep.toml";

/// Two functions, ten minutes of Poisson traffic: a few thousand invocations per run.
const SMALL: &str = r#"
name = "small"
seed = 5
duration = "10m"
warmup = "1m"

[platform]
account_concurrency = 1000

[[function]]
name = "api"
memory_mb = 512
arrival = { process = "poisson", rate_per_s = 4.0 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 300 }
keep_alive = { policy = "fixed", idle = "1m" } # trailing comment

[[function]]
name = "cron.job"
arrival = { process = "periodic", every = "30s", jitter = "5s" }
exec = { dist = "constant", ms = 800 }
init = { dist = "constant", ms = 200 }
"#;

fn set(text: &str) -> Set {
    Set::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn sweep(text: &str, sets: &[Set], reps: u32, shard: Option<(u32, u32)>) -> SweepResult {
    run_sweep(text, Path::new(PATH), sets, reps, shard, None, |_, _| {})
        .unwrap_or_else(|e| panic!("{e}"))
}

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, Path::new(PATH)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rows_equal_single_runs_with_the_same_seeds() {
    let sets = [
        set("platform.account_concurrency=2,1000"),
        set("function.api.keep_alive.idle=10s,5m"),
    ];
    let result = sweep(SMALL, &sets, 2, None);
    assert_eq!(result.points.len(), 4);
    for p in &result.points {
        let values: Vec<&str> = p.values.iter().map(String::as_str).collect();
        let s = point_scenario(SMALL, Path::new(PATH), &scenario(SMALL), &sets, &values)
            .expect("valid");
        // The key paths took effect.
        assert_eq!(
            s.platform.account_concurrency.to_string(),
            values[0],
            "{values:?}"
        );
        let idle = SimDuration::parse(values[1]).expect("duration");
        assert_eq!(
            s.functions[0].keep_alive,
            KeepAliveSpec::Fixed { idle, extend: None }
        );
        for (r, run) in p.runs.iter().enumerate() {
            let seed = 5 + r as u64;
            assert_eq!(run.seed, seed);
            let mut sim = Simulation::with_options(&s, seed, None);
            sim.run(&mut ());
            let t = Summary::new(&s, seed, &sim).totals;
            let want = [
                Some(t.invocations as f64),
                t.cold_start_ratio,
                t.latency_ms.p50,
                t.latency_ms.p99,
                Some(t.containers.mean_alive),
                Some(f64::from(t.containers.peak)),
                Some(t.gb_s.idle),
                Some(t.gb_s.busy),
                Some(t.cost_usd),
                Some(t.throttled as f64),
            ];
            // Bit for bit, not within a tolerance.
            let bits =
                |m: &[Option<f64>]| m.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
            assert_eq!(bits(&run.metrics), bits(&want), "point {} run {r}", p.index);
        }
    }
    // The two account limits give different figures (the limit of 2 throttles).
    assert!(result.points[0].runs[0].metrics[9] > Some(0.0));
    assert_eq!(result.points[2].runs[0].metrics[9], Some(0.0));

    // One replication: the CSV figures are the single run's, and the half-widths are empty.
    let one = sweep(SMALL, &sets[..1], 1, None);
    let csv = String::from_utf8(one.to_csv()).expect("utf-8");
    let row: Vec<&str> = csv.lines().nth(2).expect("row").split(',').collect();
    let s = point_scenario(
        SMALL,
        Path::new(PATH),
        &scenario(SMALL),
        &sets[..1],
        &["1000"],
    )
    .expect("valid");
    let mut sim = Simulation::with_options(&s, 5, None);
    sim.run(&mut ());
    let t = Summary::new(&s, 5, &sim).totals;
    assert_eq!(row[0], "1000");
    assert_eq!(row[1], format!("{:.3}", t.invocations as f64));
    assert_eq!(row[2], "");
    assert_eq!(
        row[3],
        format!("{:.6}", t.cold_start_ratio.expect("served"))
    );
    assert_eq!(row[17], format!("{:.9}", t.cost_usd));
    assert!(
        row.iter().skip(2).step_by(2).all(|c| c.is_empty()),
        "{row:?}"
    );
}

#[test]
fn the_grid_runs_in_row_major_order_the_first_set_slowest() {
    let sets = [set("a=1,2"), set("b=x,y,z")];
    let order: Vec<Vec<&str>> = (0..6).map(|i| grid_point(&sets, i)).collect();
    assert_eq!(
        order,
        [
            ["1", "x"],
            ["1", "y"],
            ["1", "z"],
            ["2", "x"],
            ["2", "y"],
            ["2", "z"]
        ]
    );
    let csv = String::from_utf8(
        sweep(
            SMALL,
            &[
                set("platform.account_concurrency=50,60"),
                set("traffic_scale=1,2"),
            ],
            1,
            None,
        )
        .to_csv(),
    )
    .expect("utf-8");
    let keys: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(keys, ["50 1", "50 2", "60 1", "60 2"]);
    assert!(csv.starts_with(
        "platform.account_concurrency,traffic_scale,invocations_mean,invocations_ci95,cold_start_ratio_mean,"
    ));
}

#[test]
fn key_paths_reach_functions_platform_defaults_and_top_level_keys() {
    // A function by name, inside its inline keep_alive table; the comment survives.
    let t = set_key(SMALL, "function.api.keep_alive.idle", "5m").expect("set");
    assert!(t.contains(r#"idle = "5m" }"#), "{t}");
    assert!(t.contains("# trailing comment"), "{t}");
    assert_eq!(
        scenario(&t).functions[0].keep_alive,
        KeepAliveSpec::Fixed {
            idle: SimDuration::from_secs(300),
            extend: None
        }
    );
    // A name with a dot in it; a number stays a number.
    let t = set_key(SMALL, "function.cron.job.memory_mb", "2048").expect("set");
    assert_eq!(scenario(&t).functions[1].memory_mb, 2048);
    // A whole inline table as the value.
    let t = set_key(SMALL, "function.api.keep_alive", r#"{ policy = "none" }"#).expect("set");
    assert_eq!(scenario(&t).functions[0].keep_alive, KeepAliveSpec::None);
    // Platform, an absent [defaults] (created), a top-level key.
    let t = set_key(SMALL, "platform.routing", "lru").expect("set");
    assert_eq!(
        scenario(&t).platform.routing,
        coldsim::model::scenario::Routing::Lru
    );
    let t = set_key(SMALL, "defaults.memory_mb", "256").expect("set");
    assert_eq!(scenario(&t).defaults.memory_mb, Some(256));
    assert_eq!(scenario(&t).functions[1].memory_mb, 256);
    let t = set_key(SMALL, "warmup", "2m").expect("set");
    assert_eq!(scenario(&t).warmup, SimDuration::from_secs(120));
    // A missing function names the path and the functions there are.
    let err = set_key(SMALL, "function.checkout.memory_mb", "256").expect_err("missing");
    assert_eq!(
        err,
        r#"--set function.checkout.memory_mb: no [[function]] named "checkout" (functions: api, cron.job)"#
    );
    let err = set_key(SMALL, "function.api.memory_mb.x", "1").expect_err("not a table");
    assert!(err.contains("memory_mb is not a table"), "{err}");
}

#[test]
fn a_bad_value_is_a_one_line_error_naming_key_and_value() {
    let err = run_sweep(
        SMALL,
        Path::new(PATH),
        &[set("platform.account_concurrency=10,-5")],
        1,
        None,
        None,
        |_, _| {},
    )
    .expect_err("negative");
    assert!(
        err.starts_with("--set platform.account_concurrency=-5: sweep.toml"),
        "{err}"
    );
    assert!(err.contains("account_concurrency"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    let err = run_sweep(
        SMALL,
        Path::new(PATH),
        &[set("function.api.keep_alive.idle=soon")],
        1,
        None,
        None,
        |_, _| {},
    )
    .expect_err("bad duration");
    assert!(
        err.starts_with("--set function.api.keep_alive.idle=soon: "),
        "{err}"
    );
    assert!(err.contains("soon"), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn traffic_scale_multiplies_rates_and_refuses_lists() {
    use coldsim::model::arrival::ArrivalSpec;
    let mut s = scenario(SMALL);
    scale_traffic(&mut s, 2.5).expect("scales");
    assert_eq!(
        s.functions[0].arrival,
        Some(ArrivalSpec::Poisson { rate_per_s: 10.0 })
    );
    assert_eq!(
        s.functions[1].arrival,
        Some(ArrivalSpec::Periodic {
            every: SimDuration::from_secs(12),
            start: None,
            jitter: Some(SimDuration::from_secs(2)),
        })
    );
    let explicit = SMALL.replace(
        r#"{ process = "periodic", every = "30s", jitter = "5s" }"#,
        r#"{ process = "explicit", at = ["1s", "2s"] }"#,
    );
    let err = scale_traffic(&mut scenario(&explicit), 2.0).expect_err("explicit");
    assert_eq!(
        err,
        r#"--set traffic_scale=2: function "cron.job" has an explicit list of arrivals, which cannot be scaled"#
    );
    let traced = format!(
        "{SMALL}\n[workload]\ntrace = {{ path = \"invocations-small.csv\" }}\n[defaults]\ninit = {{ dist = \"constant\", ms = 100 }}\n"
    );
    let mut s = Scenario::from_toml(&traced, Path::new("tests/fixtures/sweep.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    // A trace is scaled by replaying or thinning its rows (see the test below).
    scale_traffic(&mut s, 2.0).expect("a trace scales");
    assert_eq!(s.trace.as_ref().map(|t| t.scale), Some(2.0));
    // The invocations double, give or take Poisson noise (the 1-minute warm-up excluded).
    let r = sweep(SMALL, &[set("traffic_scale=1,2")], 1, None);
    let (a, b) = (
        r.points[0].runs[0].metrics[0].expect("n"),
        r.points[1].runs[0].metrics[0].expect("n"),
    );
    // a and b are independent Poisson counts of means n and 2n: by the delta method b / a has
    // a standard deviation of 2 sqrt(1/n + 1/(2n)) = 2 sqrt(1.5 / n); within 3.29 of them
    // (99.9 %, two-sided), n estimated by a.
    let tol = 3.29 * 2.0 * (1.5 / a).sqrt();
    assert!(
        (b / a - 2.0).abs() <= tol,
        "{a} {b}: ratio {} +- {tol}",
        b / a
    );
}

/// Student's t density with `df` degrees of freedom, its constant by the Gamma recursion.
fn t_density(x: f64, df: u32) -> f64 {
    // Gamma(k/2) for k = 1, 2, ...: Gamma(1/2) = sqrt(pi), Gamma(1) = 1, Gamma(z + 1) = z Gamma(z).
    let gamma_half = |k: u32| {
        let (mut g, mut z) = if k % 2 == 1 {
            (std::f64::consts::PI.sqrt(), 0.5)
        } else {
            (1.0, 1.0)
        };
        while z < f64::from(k) / 2.0 {
            g *= z;
            z += 1.0;
        }
        g
    };
    let v = f64::from(df);
    gamma_half(df + 1) / ((v * std::f64::consts::PI).sqrt() * gamma_half(df))
        * (1.0 + x * x / v).powf(-(v + 1.0) / 2.0)
}

#[test]
fn the_t_table_holds_the_975_percent_quantiles() {
    // Printed tables (3 decimals).
    for (df, want) in [
        (1, 12.706),
        (2, 4.303),
        (4, 2.776),
        (9, 2.262),
        (10, 2.228),
        (19, 2.093),
        (30, 2.042),
    ] {
        assert!((t_975(df) - want).abs() < 5e-4, "df {df}");
    }
    assert_eq!(t_975(31), 1.959_963_985);
    assert_eq!(t_975(1000), 1.959_963_985);
    // Every entry: the density integrated from 0 to t (Simpson, 200000 intervals) is 0.475.
    for df in 1..=30 {
        let t = t_975(df);
        let n = 200_000;
        let h = t / f64::from(n);
        let mut sum = t_density(0.0, df) + t_density(t, df);
        for i in 1..n {
            sum += t_density(f64::from(i) * h, df) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        let area = sum * h / 3.0;
        assert!((area - 0.475).abs() < 1e-8, "df {df}: {area}");
    }
}

/// Coverage of the 95 % intervals over many sweeps of a process whose means are known exactly.
///
/// One function, Poisson arrivals at λ = 50/s, constant init 40 ms and exec 60 ms (every start
/// cold: keep-alive none, so a container lives exactly S = 100 ms), run 21 s with a 1 s warm-up.
/// Invocations in the 20 s window are Poisson with mean λ·20 s = 1000 exactly; containers alive
/// form an M/G/∞ system, empty at 0 and stationary from S on, so the time average over the
/// window has mean λ·S = 5 exactly. K = 1000 sweeps of N = 5 replications (seeds 5k … 5k + 4,
/// disjoint) each give an interval for each; the count of intervals that hold the true value
/// is Binomial(1000, 0.95) if the intervals are right: mean 950, sd √(1000·0.95·0.05) = 6.89.
/// A 99.9 % band is 950 ± 3.29·6.89 = 950 ± 22.7, so it must lie in [928, 972]. The data are
/// near normal (a Poisson count of mean 1000; an average over 200 container lifetimes), so
/// the t interval's coverage is 95 % up to well under the band.
#[test]
fn confidence_intervals_cover_the_closed_form_means_at_the_stated_rate() {
    let text = r#"
duration = "21s"
warmup = "1s"
[[function]]
name = "f"
arrival = { process = "poisson", rate_per_s = 50 }
init = { dist = "constant", ms = 40 }
exec = { dist = "constant", ms = 60 }
keep_alive = { policy = "none" }
"#;
    let sets = [set("platform.routing=mru")];
    let (k, n) = (1000u64, 5u32);
    let (mut count_in, mut alive_in) = (0, 0);
    let mut grand = 0.0;
    for i in 0..k {
        let r = run_sweep(
            text,
            Path::new(PATH),
            &sets,
            n,
            None,
            Some(i * u64::from(n)),
            |_, _| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let p = &r.points[0];
        let (mean, half) = p.stat(0);
        let (mean, half) = (mean.expect("mean"), half.expect("n > 1"));
        grand += mean;
        count_in += usize::from((mean - 1000.0).abs() <= half);
        let (mean, half) = p.stat(4);
        let (mean, half) = (mean.expect("mean"), half.expect("n > 1"));
        alive_in += usize::from((mean - 5.0).abs() <= half);
    }
    // The estimate itself: 5000 Poisson counts of mean 1000, sd √(1000/5000) = 0.447.
    assert!((grand / k as f64 - 1000.0).abs() < 3.29 * 0.448, "{grand}");
    assert!(
        (928..=972).contains(&count_in),
        "invocations: {count_in} of 1000"
    );
    assert!(
        (928..=972).contains(&alive_in),
        "mean_alive: {alive_in} of 1000"
    );
}

#[test]
fn the_output_does_not_depend_on_the_number_of_threads() {
    let sets = [
        set("function.api.keep_alive.idle=10s,1m,5m"),
        set("traffic_scale=1,3"),
    ];
    let with = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
            .install(|| sweep(SMALL, &sets, 3, None))
    };
    let (one, two) = (with(1), with(2));
    assert_eq!(one.to_csv(), two.to_csv());
    assert_eq!(one.to_json(), two.to_json());
}

#[test]
fn shards_merge_into_exactly_the_single_machine_sweep() {
    let sets = [
        set("platform.account_concurrency=3,1000"),
        set("function.api.keep_alive.idle=10s,1m,5m"),
    ];
    let whole = sweep(SMALL, &sets, 2, None);
    let read = |r: &SweepResult| {
        let name = r.shard_file_name();
        ShardFile::parse(&r.to_shard_json(), &name).unwrap_or_else(|e| panic!("{e}"))
    };
    // 6 points over 4 shards: shard 0 gets 0 and 4, shard 3 gets 3 only.
    let shards: Vec<SweepResult> = (0..4)
        .map(|i| sweep(SMALL, &sets, 2, Some((i, 4))))
        .collect();
    assert_eq!(
        shards.iter().map(|s| s.points.len()).collect::<Vec<_>>(),
        [2, 2, 1, 1]
    );
    assert_eq!(shards[0].points[1].index, 4);
    // Any order of the files.
    let merged = merge(shards.iter().rev().map(read).collect()).expect("merges");
    assert_eq!(merged.to_csv(), whole.to_csv());
    assert_eq!(merged.to_json(), whole.to_json());

    // A missing shard.
    let err = merge(shards[..3].iter().map(read).collect()).expect_err("missing");
    assert_eq!(
        err,
        "1 of 6 grid points are missing (3): merge shard 3/4 too"
    );
    // A shard twice.
    let err =
        merge(vec![read(&shards[0]), read(&shards[1]), read(&shards[0])]).expect_err("overlap");
    assert!(
        err.starts_with("grid point 0 is in both shard-0-of-4.json and shard-0-of-4.json"),
        "{err}"
    );
    // A shard of another sweep: other replications.
    let other = sweep(SMALL, &sets, 3, Some((3, 4)));
    let mut files: Vec<ShardFile> = shards[..3].iter().map(read).collect();
    files.push(read(&other));
    let err = merge(files).expect_err("mixed");
    assert!(err.contains("is from another sweep than"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    // Another scenario text, same grid.
    let edited = SMALL.replace("rate_per_s = 4.0", "rate_per_s = 4.5");
    let mut files: Vec<ShardFile> = shards[..3].iter().map(read).collect();
    files.push(read(&sweep(&edited, &sets, 2, Some((3, 4)))));
    assert!(merge(files).is_err());
}

#[test]
fn the_shard_comes_from_the_flag_slurm_or_an_indexed_job() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(shard_from_env(None, None, env(&[])), Ok(None));
    assert_eq!(
        shard_from_env(Some((1, 4)), None, env(&[("JOB_COMPLETION_INDEX", "3")])),
        Ok(Some((1, 4)))
    );
    assert_eq!(
        shard_from_env(
            None,
            None,
            env(&[
                ("SLURM_ARRAY_TASK_ID", "7"),
                ("SLURM_ARRAY_TASK_COUNT", "10")
            ])
        ),
        Ok(Some((7, 10)))
    );
    // --array=1-10: task ids start at 1.
    assert_eq!(
        shard_from_env(
            None,
            None,
            env(&[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "10")
            ])
        ),
        Ok(Some((0, 10)))
    );
    assert_eq!(
        shard_from_env(None, Some(5), env(&[("JOB_COMPLETION_INDEX", "2")])),
        Ok(Some((2, 5)))
    );
    assert_eq!(
        shard_from_env(
            None,
            None,
            env(&[("JOB_COMPLETION_INDEX", "2"), ("COLDSIM_SHARDS", "3")])
        ),
        Ok(Some((2, 3)))
    );
    let err = shard_from_env(None, None, env(&[("JOB_COMPLETION_INDEX", "2")])).expect_err("n");
    assert!(err.contains("--shards N or set COLDSIM_SHARDS"), "{err}");
    let err = shard_from_env(None, Some(2), env(&[("JOB_COMPLETION_INDEX", "2")]))
        .expect_err("out of range");
    assert!(
        err.starts_with("JOB_COMPLETION_INDEX gives shard 2"),
        "{err}"
    );
    assert!(shard_from_env(None, Some(4), env(&[])).is_err());
    assert_eq!(coldsim::analysis::sweep::parse_shard("2/10"), Ok((2, 10)));
    assert!(coldsim::analysis::sweep::parse_shard("10/10").is_err());
    assert!(coldsim::analysis::sweep::parse_shard("1").is_err());
}

/// Runs the binary with these arguments in `dir`; returns success and stderr.
fn coldsim_in(dir: &Path, args: &[&str]) -> (bool, String) {
    let o = assert_cmd::Command::cargo_bin("coldsim")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_sweeps_and_merges_shards_into_the_same_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("s.toml"), SMALL).expect("write");
    let sets = [
        "--set",
        "platform.account_concurrency=1,2,1000",
        "--replications",
        "2",
        "--quiet",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["sweep", "s.toml"];
        args.extend_from_slice(&sets);
        args.extend_from_slice(extra);
        coldsim_in(d, &args)
    };
    let (ok, err) = run(&["--out", "whole"]);
    assert!(ok, "{err}");
    for i in 0..2 {
        let shard = format!("{i}/2");
        let (ok, err) = run(&["--shard", &shard, "--out", "shards"]);
        assert!(ok, "{err}");
    }
    let (ok, err) = coldsim_in(d, &["merge", "shards", "--out", "merged", "--quiet"]);
    assert!(ok, "{err}");
    for f in ["sweep.csv", "sweep.json"] {
        let whole = std::fs::read(d.join("whole").join(f)).expect("whole");
        let merged = std::fs::read(d.join("merged").join(f)).expect("merged");
        assert!(whole == merged, "{f} differs");
    }
    // A missing shard is a one-line error, and nothing is written.
    std::fs::remove_file(d.join("shards/shard-1-of-2.json")).expect("remove");
    let (ok, err) = coldsim_in(d, &["merge", "shards", "--out", "partial", "--quiet"]);
    assert!(
        !ok && err.lines().count() == 1 && err.contains("missing"),
        "{err}"
    );
    assert!(!d.join("partial").exists());
}

#[test]
fn traffic_scale_replays_and_thins_a_trace() {
    // The Azure 2021 sample has 199 rows. A scale of 3 replays each exactly three times; a
    // scale of 0.5 keeps each with probability one half: Binomial(199, 0.5), mean 99.5,
    // standard deviation 7.05; a 99.9 % interval (z = 3.29) is [76, 123].
    let count = |scale: f64, seed: u64| {
        let text = format!(
            "name = \"t\"\nseed = {seed}\n[workload]\ntrace = {{ path = \"azure-functions-2021-sample.csv\", format = \"azure2021\", scale = {scale} }}\n[defaults]\ninit = {{ dist = \"constant\", ms = 100 }}\n"
        );
        let s = Scenario::from_toml(&text, Path::new("tests/fixtures/t.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let r = coldsim::analysis::sweep::run_once(&s, seed).unwrap_or_else(|e| panic!("{e}"));
        r.totals.invocations
    };
    assert_eq!(count(1.0, 1), 199);
    assert_eq!(count(3.0, 1), 597);
    let half = count(0.5, 1);
    assert!((76..=123).contains(&half), "{half}");
    assert_eq!(count(0.5, 1), half, "the same seed thins the same rows");
}
