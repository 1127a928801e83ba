//! Hardening: every fuzz seed and regression replayed through the fuzz targets' entry points,
//! and absurd configurations refused with one line naming the file, the line and the key (or
//! shown to run in bounded time and memory).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use coldsim::cost::PriceSheet;
use coldsim::model::scenario::{MAX_FUNCTIONS, Scenario};
use coldsim::sim::engine::Simulation;
use coldsim::time::{MAX_SPAN, SimDuration};

#[path = "../../fuzz/entry.rs"]
mod entry;

// ---------------------------------------------------------------------------------------------
// Fuzz inputs, replayed

fn fuzz_dir(kind: &str, target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target)
}

/// The files of `fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(fuzz_dir(kind, target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dir
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs one input through its target's entry point: no panic, and an error is one line.
fn replay(target: &str, run: entry::Entry, file: &Path) -> Result<(), String> {
    let data = std::fs::read(file).expect("a fuzz input");
    let outcome = std::panic::catch_unwind(|| run(&data));
    let result = outcome.unwrap_or_else(|_| panic!("{target}: {} panics", file.display()));
    if let Err(e) = &result {
        assert!(
            !e.contains('\n') && !e.is_empty(),
            "{target}: {}: the error is not one line: {e:?}",
            file.display()
        );
    }
    result
}

#[test]
fn every_seed_and_regression_runs_through_its_fuzz_target_without_panicking() {
    for (target, run) in entry::TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "no seeds in fuzz/seeds/{target}");
        let size: u64 = seeds
            .iter()
            .map(|f| f.metadata().expect("metadata").len())
            .sum();
        assert!(size <= 16 * 1024, "fuzz/seeds/{target} holds {size} bytes");
        for file in seeds.iter().chain(&inputs("regressions", target)) {
            let _ = replay(target, run, file);
        }
    }
}

#[test]
fn seeds_made_from_valid_files_are_accepted() {
    // The seeds copied from scenarios/, prices/ and good fixtures must parse: a seed that only
    // exercises the first error would be a poor start for the fuzzer.
    for (target, prefix) in [
        ("scenario", ""),
        ("prices", "aws-lambda"),
        ("trace_azure2019", "three-files"),
        ("trace_invocations", "invocations-small"),
        ("trace_azure2021", "sample"),
        ("trace_cloudwatch", "logs-"),
        ("trace_huawei2025", "requests"),
        ("trace_huawei2023", "minutes"),
        ("policy", "spec-1."),
    ] {
        let run = entry::TARGETS
            .iter()
            .find(|t| t.0 == target)
            .expect("a target")
            .1;
        let chosen: Vec<PathBuf> = inputs("seeds", target)
            .into_iter()
            .filter(|f| {
                f.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .collect();
        assert!(!chosen.is_empty(), "{target}: no seed named {prefix}*");
        for file in chosen {
            if let Err(e) = replay(target, run, &file) {
                panic!("{target}: {}: {e}", file.display());
            }
        }
    }
}

/// The crashes found while fuzzing, each kept as a regression (see fuzz/README.md).
const REGRESSIONS: &[(&str, &str)] = &[
    ("trace_azure2019", "oom-144m-arrivals-in-one-minute"),
    ("policy", "crash-hybrid-range-not-a-whole-number-of-bins"),
];

#[test]
fn every_regression_folder_has_its_crash() {
    for (target, name) in REGRESSIONS {
        let file = fuzz_dir("regressions", target).join(name);
        assert!(file.is_file(), "{} is missing", file.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Absurd configurations

/// A valid scenario; tests edit it with [`edited`]. Line numbers matter.
const BASE: &str = r#"name = "h"
duration = "1h"

[platform]
account_concurrency = 100

[[function]]
name = "api"
memory_mb = 512
arrival = { process = "poisson", rate_per_s = 5.0 }
exec = { dist = "constant", ms = 100 }
init = { dist = "constant", ms = 300 }
"#;

/// [`BASE`] with `from` replaced by `to`; `from` must be there.
fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// The one-line error of a scenario text read as `absurd.toml`.
fn error_of(text: &str) -> String {
    let err = Scenario::from_toml(text, Path::new("absurd.toml"))
        .map(|s| s.name)
        .expect_err("an absurd scenario is refused")
        .to_string();
    assert!(!err.contains('\n'), "not one line: {err:?}");
    err
}

/// Checks that each edit of [`BASE`] is refused with exactly the message given.
fn refused(cases: &[(&str, &str, &str)]) {
    for (from, to, message) in cases {
        assert_eq!(error_of(&edited(from, to)), *message, "{from} -> {to}");
    }
}

#[test]
fn the_base_scenario_is_valid() {
    let s = Scenario::from_toml(BASE, Path::new("absurd.toml")).expect("valid");
    assert_eq!(s.functions.len(), 1);
}

#[test]
fn negative_values_are_refused() {
    refused(&[
        (
            "rate_per_s = 5.0",
            "rate_per_s = -5.0",
            "absurd.toml:10: function \"api\".arrival: rate_per_s must be positive, got -5",
        ),
        (
            "ms = 100",
            "ms = -100",
            "absurd.toml:11: function \"api\".exec: ms must not be negative, got -100",
        ),
        (
            "memory_mb = 512",
            "memory_mb = -512",
            "absurd.toml:9: function \"api\".memory_mb: invalid value: integer `-512`, expected u32",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = -1",
            "absurd.toml:5: platform.account_concurrency: invalid value: integer `-1`, expected u32",
        ),
        (
            "duration = \"1h\"",
            "duration = \"-1h\"",
            "absurd.toml:2: duration: invalid duration \"-1h\" (expected number at 0); write a number and a unit, like \"250ms\", \"90s\", \"10m\", \"2h\" or \"1d\"",
        ),
    ]);
}

#[test]
fn nan_and_infinite_numbers_are_refused() {
    refused(&[
        (
            "rate_per_s = 5.0",
            "rate_per_s = nan",
            "absurd.toml:10: function \"api\".arrival: rate_per_s must be a finite number, got NaN",
        ),
        (
            "rate_per_s = 5.0",
            "rate_per_s = inf",
            "absurd.toml:10: function \"api\".arrival: rate_per_s must be a finite number, got inf",
        ),
        (
            "ms = 100",
            "ms = inf",
            "absurd.toml:11: function \"api\".exec: ms must be a finite number, got inf",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\ncpu_fraction = nan",
            "absurd.toml:10: function \"api\".cpu_fraction: must be a fraction from 0 to 1, got NaN",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nsetup_in_handler_ms = -inf",
            "absurd.toml:10: function \"api\".setup_in_handler_ms: must be 0 or more milliseconds, got -inf",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 100\ncapacity_gb = nan",
            "absurd.toml:6: platform.capacity_gb: must be a positive number of GB, got NaN",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nprovisioned_target = { max = 1, utilization = nan }",
            "absurd.toml:10: function \"api\".provisioned_target: utilization must be in (0, 1], got NaN",
        ),
    ]);
}

#[test]
fn zero_where_it_makes_no_sense_is_refused() {
    refused(&[
        (
            "duration = \"1h\"",
            "duration = \"0s\"",
            "absurd.toml:2: duration: must be longer than 0s",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 0",
            "absurd.toml:5: platform.account_concurrency: must be between 1 and 1000000, got 0 (memory grows with the containers alive at once)",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 0",
            "absurd.toml:9: function \"api\".memory_mb: must be between 1 and 10240 MB, got 0 (Lambda offers 128 to 10240)",
        ),
        (
            "rate_per_s = 5.0 }",
            "rate_per_s = 0 }",
            "absurd.toml:10: function \"api\".arrival: rate_per_s must be positive, got 0",
        ),
        (
            "{ process = \"poisson\", rate_per_s = 5.0 }",
            "{ process = \"periodic\", every = \"0s\" }",
            "absurd.toml:10: function \"api\".arrival: every must be longer than 0s",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 100\nscale_every = \"0s\"",
            "absurd.toml:6: platform.scale_every: must be longer than 0s",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nwarmer = { every = \"0s\" }",
            "absurd.toml:10: function \"api\".warmer: every must be longer than 0s",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nprovisioned_target = { max = 1, interval = \"0s\" }",
            "absurd.toml:10: function \"api\".provisioned_target: interval must be longer than 0s",
        ),
    ]);
}

#[test]
fn spans_longer_than_a_thousand_years_are_refused() {
    refused(&[
        (
            "duration = \"1h\"",
            "duration = \"600000y\"",
            "absurd.toml:2: duration: invalid duration \"600000y\": longer than 365250d (1000 years), the longest span coldsim takes",
        ),
        (
            "duration = \"1h\"",
            "duration = \"1h\"\nwarmup = \"99999999999999999999s\"",
            "absurd.toml:3: warmup: invalid duration \"99999999999999999999s\" (number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)); write a number and a unit, like \"250ms\", \"90s\", \"10m\", \"2h\" or \"1d\"",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nkeep_alive = { policy = \"fixed\", idle = \"5000y\" }",
            "absurd.toml:10: function \"api\".keep_alive: invalid duration \"5000y\": longer than 365250d (1000 years), the longest span coldsim takes",
        ),
        (
            "ms = 100",
            "ms = 1e300",
            "absurd.toml:11: function \"api\".exec: ms must be at most 3.15576e13 ms (365250d, 1000 years), got 1e300",
        ),
        (
            "init = { dist = \"constant\", ms = 300 }",
            "init = { dist = \"lognormal\", mean_ms = 300, stddev_ms = 1e20 }",
            "absurd.toml:12: function \"api\".init: stddev_ms must be at most 3.15576e13 ms (365250d, 1000 years), got 1e20",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nsetup_in_handler_ms = 1e300",
            "absurd.toml:10: function \"api\".setup_in_handler_ms: must be at most 3.15576e13 ms (365250d, 1000 years), got 1e300",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nwarmer = { every = \"1h\", ping_ms = 1e300 }",
            "absurd.toml:10: function \"api\".warmer: ping_ms must be at most 3.15576e13 ms (365250d, 1000 years), got 1e300",
        ),
    ]);
}

#[test]
fn absurdly_large_sizes_and_counts_are_refused() {
    refused(&[
        (
            "memory_mb = 512",
            "memory_mb = 1000000000000",
            "absurd.toml:9: function \"api\".memory_mb: invalid value: integer `1000000000000`, expected u32",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 4000000000",
            "absurd.toml:9: function \"api\".memory_mb: must be between 1 and 10240 MB, got 4000000000 (Lambda offers 128 to 10240)",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 1099511627776",
            "absurd.toml:5: platform.account_concurrency: invalid value: integer `1099511627776`, expected u32",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 4000000000",
            "absurd.toml:5: platform.account_concurrency: must be between 1 and 1000000, got 4000000000 (memory grows with the containers alive at once)",
        ),
        (
            "account_concurrency = 100",
            "account_concurrency = 100\ncapacity_gb = 1e300",
            "absurd.toml:6: platform.capacity_gb: must be a positive number of GB, got 1e300",
        ),
        (
            "rate_per_s = 5.0",
            "rate_per_s = 1e9",
            "absurd.toml:10: function \"api\".arrival: rate_per_s must be at most 1e6 per second (one arrival per microsecond, the clock's resolution), got 1e9",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nprovisioned_concurrency = 4000000000",
            "absurd.toml:10: function \"api\".provisioned_concurrency: must not exceed the function's concurrency limit (100), got 4000000000",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nwarmer = { every = \"1m\", containers = 4000000000 }",
            "absurd.toml:10: function \"api\".warmer: containers must be between 1 and 10000, got 4000000000",
        ),
    ]);
}

#[test]
fn provisioned_containers_may_not_add_up_past_the_account() {
    // Each function within its limit, but 60 + 60 provisioned containers on an account of 100:
    // provisioned concurrency counts against the account's, and bounds what the run creates.
    let text = format!(
        "{BASE}provisioned_concurrency = 60\n\n[[function]]\nname = \"worker\"\n\
         arrival = {{ process = \"poisson\", rate_per_s = 1.0 }}\n\
         exec = {{ dist = \"constant\", ms = 10 }}\ninit = {{ dist = \"constant\", ms = 10 }}\n\
         provisioned_concurrency = 60\n"
    );
    assert_eq!(
        error_of(&text),
        "absurd.toml:20: function \"worker\".provisioned_concurrency: provisioned containers add up to 120 over the functions, more than account_concurrency (100)"
    );
}

#[test]
fn a_run_expecting_more_than_a_trillion_events_names_the_biggest_cause() {
    let timer = edited(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"1us\" }",
    );
    let cases = [
        (
            timer.replace("duration = \"1h\"", "duration = \"100y\""),
            "absurd.toml:10: function \"api\".arrival: the run would handle about 3.16e15 invocations and timer events over 36525d (3.16e15 from this function's arrivals), more than the 1e12 a run may have; shorten duration or lower the rate",
        ),
        (
            edited("duration = \"1h\"", "duration = \"1000y\"")
                .replace("rate_per_s = 5.0", "rate_per_s = 1000000"),
            "absurd.toml:10: function \"api\".arrival: the run would handle about 3.16e16 invocations and timer events over 365250d (3.16e16 from this function's arrivals), more than the 1e12 a run may have; shorten duration or lower the rate",
        ),
        (
            edited("duration = \"1h\"", "duration = \"10y\"").replace(
                "memory_mb = 512",
                "memory_mb = 512\nwarmer = { every = \"1ms\", containers = 100 }",
            ),
            "absurd.toml:10: function \"api\".warmer: the run would handle about 3.16e13 invocations and timer events over 3652d 12h (3.16e13 from this warmer's pings), more than the 1e12 a run may have; shorten duration or lower the rate",
        ),
        (
            edited("duration = \"1h\"", "duration = \"100y\"").replace(
                "memory_mb = 512",
                "memory_mb = 512\nprovisioned_target = { max = 1, interval = \"1us\" }",
            ),
            "absurd.toml:10: function \"api\".provisioned_target: the run would handle about 3.16e15 invocations and timer events over 36525d (3.16e15 from this provisioned-concurrency scaling), more than the 1e12 a run may have; shorten duration or lower the rate",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(error_of(&text), message);
    }
    // Just under the cap is accepted: a million functions' worth of traffic is not refused.
    let ok = edited("duration = \"1h\"", "duration = \"3d\"")
        .replace("rate_per_s = 5.0", "rate_per_s = 1000000");
    Scenario::from_toml(&ok, Path::new("absurd.toml")).expect("2.6e11 invocations are allowed");
}

#[test]
fn more_functions_than_a_run_may_have_are_refused() {
    let mut text = String::from(
        "duration = \"1h\"\n[defaults]\narrival = { process = \"poisson\", rate_per_s = 1 }\n\
         exec = { dist = \"constant\", ms = 1 }\ninit = { dist = \"constant\", ms = 1 }\n",
    );
    for i in 0..=MAX_FUNCTIONS {
        text.push_str(&format!("[[function]]\nname = \"f{i}\"\n"));
    }
    let line = 6 + 2 * MAX_FUNCTIONS;
    assert_eq!(
        error_of(&text),
        format!(
            "absurd.toml:{line}: function \"f{MAX_FUNCTIONS}\": {} [[function]] entries, more than the {MAX_FUNCTIONS} a run may have",
            MAX_FUNCTIONS + 1
        )
    );
}

#[test]
fn the_longest_spans_run_to_the_end_without_overflow() {
    // Every span at its largest: a 1000-year run, windows and lifetimes of 1000 years, init
    // and exec of 1000 years; instants plus spans stay far inside a u64 of microseconds.
    let text = edited(
        "duration = \"1h\"",
        "duration = \"1000y\"\nwarmup = \"999y\"",
    )
    .replace(
        "account_concurrency = 100",
        "account_concurrency = 100\nmax_lifetime = \"1000y\"",
    )
    .replace(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"1y\", jitter = \"1y\" }",
    )
    .replace("ms = 100 }", "ms = 3.15576e13 }")
    .replace(
        "ms = 300 }",
        "ms = 3.15576e13 }\nkeep_alive = { policy = \"fixed\", idle = \"1000y\" }",
    );
    let s = Scenario::from_toml(&text, Path::new("absurd.toml")).expect("valid");
    assert_eq!(s.duration, Some(MAX_SPAN));
    let mut sim = Simulation::new(&s);
    sim.run(&mut ());
    assert_eq!(sim.end().as_micros(), MAX_SPAN.as_micros());
}

#[test]
fn a_price_sheet_that_never_ends_is_refused() {
    // A path to something endless must not fill the memory.
    if Path::new("/dev/zero").exists() {
        assert_eq!(
            coldsim::input::prices::load(Path::new("/dev/zero"))
                .map_err(|e| e.to_string())
                .map(|_| ()),
            Err("/dev/zero: larger than 1048576 bytes; a price sheet is a few KB".into())
        );
    }
    let text = coldsim::cost::AWS_US_EAST_1.replace("rounding_ms = 1", "rounding_ms = 3600001");
    assert_eq!(
        PriceSheet::from_toml(&text).map_err(|e| e.to_string()),
        Err("duration.rounding_ms must be at most 3600000 (an hour), got 3600001".into())
    );
}

#[test]
fn flag_values_go_through_the_same_checks() {
    // `coldsim cost --exec`, `--keep-alive` and `--bucket`, `compare --policy` and
    // `sweep --set` read their values with these parsers.
    assert!(SimDuration::parse("1001y").is_err());
    assert_eq!(
        coldsim::input::spec::keep_alive("fixed:5000y"),
        Err("invalid duration \"5000y\": longer than 365250d (1000 years), the longest span coldsim takes".into())
    );
    assert_eq!(
        coldsim::input::spec::policy("provisioned:4000000000").map(|p| p.label),
        Err(
            "\"provisioned:4000000000\": write provisioned:N with N from 0 to 1000000 containers"
                .into()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Through the command line

/// `coldsim run` on `text` written to `s.toml` in a fresh folder, with `args`.
fn run_cli(text: &str, args: &[&str]) -> (String, bool) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).expect("write the scenario");
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir.path())
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("coldsim runs");
    let err =
        String::from_utf8_lossy(&output.stderr).replace(&format!("{}/", dir.path().display()), "");
    (err, output.status.success())
}

#[test]
fn the_command_line_refuses_an_endless_run_on_one_line() {
    let text = edited(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"1us\" }",
    )
    .replace("duration = \"1h\"", "duration = \"100y\"");
    let (err, ok) = run_cli(&text, &[]);
    assert!(!ok);
    assert_eq!(
        err,
        "error: s.toml:10: function \"api\".arrival: the run would handle about 3.16e15 invocations and timer events over 36525d (3.16e15 from this function's arrivals), more than the 1e12 a run may have; shorten duration or lower the rate\n"
    );
}

#[test]
fn the_command_line_refuses_a_time_series_of_too_many_rows() {
    // 100 years in rows of a microsecond; the run itself is tiny (a timer every 30 days).
    let text = edited(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"30d\" }",
    )
    .replace("duration = \"1h\"", "duration = \"100y\"");
    let (err, ok) = run_cli(&text, &["--bucket", "1us"]);
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: --bucket 1us: would write 3155760000000000 rows"),
        "{err}"
    );
}

#[test]
fn a_compared_provisioned_level_must_fit_the_account() {
    // `coldsim compare --policy provisioned:N` applies N to every function: N = 60 fits one
    // function of an account of 100, but not two.
    let two = format!(
        "{BASE}\n[[function]]\nname = \"worker\"\n\
         arrival = {{ process = \"poisson\", rate_per_s = 1.0 }}\n\
         exec = {{ dist = \"constant\", ms = 10 }}\ninit = {{ dist = \"constant\", ms = 10 }}\n"
    );
    let one = Scenario::from_toml(BASE, Path::new("absurd.toml")).expect("valid");
    let two = Scenario::from_toml(&two, Path::new("absurd.toml")).expect("valid");
    let policy = coldsim::input::spec::policy("provisioned:60").expect("valid");
    assert_eq!(policy.check(&one, &one.functions), Ok(()));
    assert_eq!(
        policy.check(&two, &two.functions),
        Err("provisioned:60: 2 functions with 60 provisioned containers each make 120, more than account_concurrency (100)".into())
    );
    let policy = coldsim::input::spec::policy("provisioned:101").expect("valid");
    assert_eq!(
        policy.check(&one, &one.functions),
        Err("provisioned:101: function \"api\" may run at most 100 containers at once".into())
    );
}

#[test]
fn deeply_nested_input_is_refused_not_a_stack_overflow() {
    let n = 100_000;
    let deep = format!(
        "duration = \"1h\"\nx = {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    assert_eq!(
        error_of(&deep),
        "absurd.toml:2: cannot recurse further; max recursion depth met"
    );
    let deep = format!(
        "{BASE}keep_alive = {}1{}\n",
        "{ a = ".repeat(n),
        " }".repeat(n)
    );
    assert_eq!(
        error_of(&deep),
        "absurd.toml:13: cannot recurse further; max recursion depth met"
    );
}

/// Runs `coldsim ARGS...` in a fresh folder holding `s.toml` (the base scenario) and
/// `t.csv`; returns stderr (folder paths removed), whether it succeeded, and whether it left
/// an `out` folder.
fn command(csv: &str, args: &[&str]) -> (String, bool, bool) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("s.toml"), edited("", "")).expect("write the scenario");
    std::fs::write(dir.path().join("t.csv"), csv).expect("write the trace");
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir.path())
        .args(args)
        .args(["--out", "out", "--quiet"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("coldsim runs");
    let err =
        String::from_utf8_lossy(&output.stderr).replace(&format!("{}/", dir.path().display()), "");
    (
        err,
        output.status.success(),
        dir.path().join("out").exists(),
    )
}

#[test]
fn sweeps_cost_and_compare_refuse_absurd_counts_up_front() {
    let (err, ok, out) = command(
        "",
        &[
            "sweep",
            "s.toml",
            "--set",
            "traffic_scale=1",
            "--replications",
            "4000000000",
        ],
    );
    assert!(!ok && !out);
    assert_eq!(
        err,
        "error: --replications must be between 1 and 10000, got 4000000000\n"
    );
    let (err, ok, out) = command(
        "timestamp,function\n0,f\n",
        &["cost", "t.csv", "--account-concurrency", "2000000"],
    );
    assert!(!ok && !out);
    assert_eq!(
        err,
        "error: --account-concurrency: must be between 1 and 1000000, got 2000000 (memory grows with the containers alive at once)\n"
    );
    // A provisioned level past the account, refused before the first policy runs.
    let (err, ok, out) = command(
        "",
        &[
            "compare",
            "s.toml",
            "--policy",
            "fixed:1m",
            "--policy",
            "provisioned:1000000",
        ],
    );
    assert!(!ok && !out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("provisioned:1000000"), "{err}");
}

#[test]
fn an_open_ended_trace_with_a_fine_bucket_runs_in_bounded_rows() {
    // Invocations 1000 s apart, no duration, rows of a microsecond asked: 10^9 rows would not
    // fit; pairs merge past a million, so the run ends with a series of bounded size.
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("s.toml"),
        "name = \"far\"\n[workload]\ntrace = { path = \"t.csv\" }\n[defaults]\nexec = { dist = \"constant\", ms = 5 }\ninit = { dist = \"constant\", ms = 5 }\n",
    )
    .expect("write the scenario");
    std::fs::write(
        dir.path().join("t.csv"),
        "timestamp,function\n0,f\n1000,f\n",
    )
    .expect("write the trace");
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir.path())
        .args([
            "run", "s.toml", "--out", "out", "--quiet", "--bucket", "1us",
        ])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("coldsim runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = std::fs::read_to_string(dir.path().join("out/timeseries.csv"))
        .expect("the time series")
        .lines()
        .count();
    // A header and at most a million rows: 1024 µs wide after ten merges.
    assert!((500_000..=1_000_001).contains(&rows), "{rows} rows");
}

#[test]
fn bad_sharing_keys_are_refused() {
    refused(&[
        (
            "memory_mb = 512",
            "memory_mb = 512\ncontainer_concurrency = 0",
            "absurd.toml:10: function \"api\".container_concurrency: must be between 1 and 1000 requests, got 0",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\ncontainer_concurrency = 1001",
            "absurd.toml:10: function \"api\".container_concurrency: must be between 1 and 1000 requests, got 1001",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nvcpus = 0",
            "absurd.toml:10: function \"api\".vcpus: must be above 0 and at most 192, got 0",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nvcpus = 193",
            "absurd.toml:10: function \"api\".vcpus: must be above 0 and at most 192, got 193",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\nvcpus = nan",
            "absurd.toml:10: function \"api\".vcpus: must be above 0 and at most 192, got NaN",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 512\ncpu_fraction = 1.5",
            "absurd.toml:10: function \"api\".cpu_fraction: must be a fraction from 0 to 1, got 1.5",
        ),
        (
            "account_concurrency = 100\n",
            "account_concurrency = 100\n\n[defaults]\nvcpus = -1\n",
            "absurd.toml:8: defaults.vcpus: must be above 0 and at most 192, got -1",
        ),
        (
            "account_concurrency = 100\n",
            "account_concurrency = 100\n\n[defaults]\ncpu_fraction = -0.1\n",
            "absurd.toml:8: defaults.cpu_fraction: must be a fraction from 0 to 1, got -0.1",
        ),
    ]);
}
