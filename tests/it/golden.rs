//! Recorded outputs: every example scenario and every subcommand on fixed seeds, compared byte for byte with insta snapshots (text files in full, large or binary ones by SHA-256), so a change that moves code cannot change an answer unseen.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

/// Files shown in full in a snapshot; every other output is shown by its length and hash.
fn shown_in_full(name: &str) -> bool {
    name != "timeseries.csv"
        && [".json", ".csv", ".md"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Runs `coldsim ARGS` in a scratch copy of the scenarios and fixtures, with `--out out`
/// (unless `out` is false), and returns its stdout (without the wall-clock speed) and every
/// file it wrote, as one text.
fn record(args: &[&str], out: bool) -> String {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["scenarios", "tests/fixtures"] {
        let to = dir.path().join(sub);
        std::fs::create_dir_all(&to).expect("a folder");
        for e in std::fs::read_dir(root.join(sub)).expect("a folder of the repository") {
            let e = e.expect("an entry");
            if e.path().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coldsim"));
    cmd.args(args).current_dir(dir.path());
    if out {
        cmd.args(["--out", "out"]);
    }
    let output = cmd.output().expect("coldsim");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.code().is_some(), "{args:?}: {stderr}");
    let mut text = format!(
        "$ coldsim {}\nexit: {:?}\n",
        args.join(" "),
        output.status.code()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        // "…, N invocations in 0.05 s (14.2 M events/s)", "wrote … in 0.01 s": the speed is
        // the machine's.
        let line = match (line.find(" invocations in "), line.rfind(" in ")) {
            (Some(i), _) => &line[..i],
            (None, Some(i)) if line.ends_with(" s") && line.starts_with("wrote ") => &line[..i],
            _ => line,
        };
        let _ = writeln!(text, "| {line}");
    }
    let _ = writeln!(text, "stderr: {}", stderr.trim_end());
    let written = dir.path().join(if out { "out" } else { "output" });
    let mut files = Vec::new();
    collect(&written, &written, &mut files);
    files.sort();
    for (name, bytes) in files {
        if shown_in_full(&name) {
            let _ = write!(
                text,
                "=== {name}\n{}\n",
                String::from_utf8_lossy(&bytes).trim_end()
            );
        } else {
            let _ = writeln!(
                text,
                "=== {name}: {} bytes, sha256 {:x}",
                bytes.len(),
                Sha256::digest(&bytes)
            );
        }
    }
    text
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.expect("an entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let name = path
                .strip_prefix(root)
                .expect("inside")
                .display()
                .to_string();
            files.push((name, std::fs::read(&path).expect("an output")));
        }
    }
}

macro_rules! golden {
    ($name:ident, $out:expr, [$($arg:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), record(&[$($arg),*], $out));
        }
    };
}

golden!(run_quickstart, true, ["run", "scenarios/quickstart.toml"]);
golden!(
    run_diurnal_webapp,
    true,
    ["run", "scenarios/diurnal-webapp.toml"]
);
golden!(run_nightly_job, true, ["run", "scenarios/nightly-job.toml"]);
golden!(
    run_traffic_spike,
    true,
    ["run", "scenarios/traffic-spike.toml", "--seed", "3"]
);
golden!(
    run_my_function,
    true,
    ["run", "scenarios/my-function.toml", "--bucket", "10m"]
);
golden!(
    cost_azure2021,
    true,
    [
        "cost",
        "tests/fixtures/azure-functions-2021-sample.csv",
        "--format",
        "azure2021"
    ]
);
golden!(
    cost_invocations,
    true,
    [
        "cost",
        "tests/fixtures/cost-bill.csv",
        "--init",
        "250ms",
        "--free-tier"
    ]
);
golden!(
    cost_azure2019,
    true,
    [
        "cost",
        "tests/fixtures/azure2019-invocations.csv",
        "--format",
        "azure2019",
        "--durations",
        "tests/fixtures/azure2019-durations.csv",
        "--memory",
        "tests/fixtures/azure2019-memory.csv",
        "--exec",
        "100ms",
        "--seed",
        "5"
    ]
);
golden!(
    compare_quickstart,
    true,
    [
        "compare",
        "scenarios/quickstart.toml",
        "--policy",
        "fixed:1m",
        "--policy",
        "uniform:5m-7m",
        "--policy",
        "hybrid",
        "--policy",
        "provisioned:3",
        "--policy",
        "warmer:5m,2",
        "--policy",
        "memory:2048",
        "--policy",
        "none"
    ]
);
golden!(
    plan_keep_alive,
    true,
    [
        "plan",
        "scenarios/nightly-job.toml",
        "--slo",
        "cold_start_ratio<10%",
        "--vary",
        "keep-alive"
    ]
);
golden!(
    plan_provisioned,
    true,
    [
        "plan",
        "scenarios/quickstart.toml",
        "--slo",
        "p99<400ms",
        "--slo",
        "cold_start_ratio<0.01%",
        "--vary",
        "provisioned"
    ]
);
// Settings past the answer whose configured concurrency alone costs more are not run, and a
// note names them.
golden!(
    plan_pruned,
    true,
    [
        "plan",
        "scenarios/my-function.toml",
        "--slo",
        "p99<500ms",
        "--vary",
        "provisioned"
    ]
);
golden!(
    plan_memory,
    true,
    [
        "plan",
        "scenarios/diurnal-webapp.toml",
        "--slo",
        "p99<2s",
        "--vary",
        "memory",
        "--minimize",
        "idle-memory"
    ]
);
golden!(
    sweep_quickstart,
    true,
    [
        "sweep",
        "scenarios/quickstart.toml",
        "--set",
        "function.checkout-api.keep_alive.idle=1m,10m",
        "--set",
        "traffic_scale=0.5,1",
        "--replications",
        "3"
    ]
);
golden!(
    gen_trace_region,
    true,
    [
        "gen-trace",
        "--functions",
        "40",
        "--days",
        "2",
        "--invocations-per-day",
        "100000",
        "--seed",
        "9"
    ]
);
