//! Command-line tests of `coldsim run`: every error a user can cause in a scenario or on the command line, and the outputs of successful runs.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use crate::list;

/// A small scenario; tests edit it with [`edit`]. Line numbers matter: errors are checked against them.
const BASE: &str = r#"name = "t"
seed = 7
duration = "10m"
warmup = "1m"

[platform]
account_concurrency = 100
routing = "mru"

[[function]]
name = "api"
memory_mb = 512
arch = "arm64"
arrival = { process = "poisson", rate_per_s = 5.0 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 350 }
keep_alive = { policy = "fixed", idle = "2m" }
"#;

/// A second function to append to [`BASE`] (lines 18 to 25).
const SECOND: &str = r#"
[[function]]
name = "worker"
memory_mb = 1024
arrival = { process = "periodic", every = "10s", jitter = "1s" }
exec = { dist = "uniform", min_ms = 50, max_ms = 500 }
init = { dist = "exponential", mean_ms = 800 }
keep_alive = { policy = "uniform", min = "1m", max = "5m" }
"#;

/// [`BASE`] with the first `from` replaced by `to`; `from` must be there, or the test would test nothing.
fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// [`BASE`] followed by [`SECOND`].
fn two_functions() -> String {
    format!("{BASE}{SECOND}")
}

/// One run of the binary in its own temporary folder.
struct Run {
    /// The folder holding the scenario and the output; also the working directory.
    dir: TempDir,
    /// The scenario path given on the command line.
    scenario: PathBuf,
    /// The `--out` folder given on the command line.
    out: PathBuf,
    output: Output,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.out.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", self.out.join(name).display()))
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(self.read(name)).expect("UTF-8 output")
    }

    fn summary(&self) -> Value {
        serde_json::from_slice(&self.read("summary.json")).expect("summary.json is JSON")
    }

    fn assert_success(&self) -> &Self {
        assert!(
            self.output.status.success(),
            "exit {:?}\nstdout:\n{}\nstderr:\n{}",
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
        self
    }
}

/// The longest any run may take; every scenario here takes a few seconds at most.
const RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The one place that runs the binary: `coldsim run SCENARIO --out OUT ARGS...` with `dir` as the
/// working directory, so the default output folder can never land in the repository.
fn coldsim(dir: &Path, scenario: &Path, out: &Path, args: &[&str]) -> Output {
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir)
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(args)
        .timeout(RUN_TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("coldsim run {} {args:?}: {e}", scenario.display()));
    // A timeout kills the process, so an exit without a code means it did not finish in time.
    assert!(
        output.status.code().is_some(),
        "coldsim run {} {args:?} did not exit by itself ({:?}): still running after {RUN_TIMEOUT:?}?",
        scenario.display(),
        output.status
    );
    output
}

/// What stands at the scenario path before a run.
enum Source<'a> {
    /// A file with this text.
    Text(&'a str),
    /// A file with these bytes.
    Bytes(&'a [u8]),
    /// A folder.
    Folder,
    /// Nothing at all.
    Absent,
}

/// Puts `source` at `scenario_name` in a fresh temporary folder and runs the binary on it with
/// `--out <folder>/<out>`.
fn run_full(source: Source<'_>, scenario_name: &str, out: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join(scenario_name);
    match source {
        Source::Text(text) => std::fs::write(&scenario, text).expect("write the scenario"),
        Source::Bytes(bytes) => std::fs::write(&scenario, bytes).expect("write the scenario"),
        Source::Folder => std::fs::create_dir(&scenario).expect("a folder"),
        Source::Absent => {}
    }
    let out = dir.path().join(out);
    let output = coldsim(dir.path(), &scenario, &out, args);
    Run {
        dir,
        scenario,
        out,
        output,
    }
}

/// Writes `toml` to `s.toml` in a fresh temporary folder and runs `coldsim run s.toml --out out ARGS`.
fn run(toml: &str, args: &[&str]) -> Run {
    run_full(Source::Text(toml), "s.toml", "out", args)
}

/// A user error: non-zero exit, no panic, exactly one stderr line starting with `error: ` and
/// naming the scenario file and each of `needles` (keys, `:line:`), and no output folder left.
fn assert_user_error(r: &Run, needles: &[&str]) {
    let err = r.stderr();
    assert!(
        !r.output.status.success() && r.output.status.code().is_some(),
        "expected a failure exit code, got {:?}; stderr: {err}",
        r.output.status
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.lines().count(), 1, "not exactly one line: {err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    let file = r.scenario.display().to_string();
    assert!(err.contains(&file), "does not name {file}: {err:?}");
    for n in needles {
        assert!(err.contains(n), "does not name {n:?}: {err:?}");
    }
    let parts: Vec<&str> = err.trim_end().split(": ").collect();
    assert!(
        parts.windows(2).all(|w| w[0] != w[1]),
        "says the same thing twice: {err:?}"
    );
    assert!(
        !r.out.exists(),
        "{} left behind after a failed run: {err:?}",
        r.out.display()
    );
}

/// Runs [`BASE`] with `from` replaced by `to` and expects a user error naming `needles`.
fn expect_error(from: &str, to: &str, needles: &[&str]) -> Run {
    let r = run(&edit(from, to), &[]);
    assert_user_error(&r, needles);
    r
}

// ---------------------------------------------------------------------------------------------
// Unknown keys, wrong types and TOML syntax.

#[test]
fn unknown_top_level_key() {
    expect_error(
        "seed = 7\n",
        "seed = 7\ncolour = \"blue\"\n",
        &["colour", ":3:"],
    );
}

#[test]
fn unknown_key_in_a_function() {
    expect_error(
        "memory_mb = 512",
        "memroy_mb = 512",
        &[
            "function \"api\".memroy_mb",
            "did you mean `memory_mb`?",
            ":12:",
        ],
    );
}

#[test]
fn unknown_key_in_an_inline_arrival_table() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_sec = 5.0",
        &["function \"api\".arrival", "rate_per_sec", ":14:"],
    );
}

#[test]
fn unknown_key_in_platform() {
    expect_error(
        "routing = \"mru\"",
        "routeing = \"mru\"",
        &["platform", "routeing", ":8:"],
    );
}

#[test]
fn wrong_type_of_value() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = \"fast\"",
        &["function \"api\".arrival", ":14:"],
    );
}

#[test]
fn negative_seed_in_the_scenario() {
    expect_error("seed = 7", "seed = -7", &["seed", ":2:"]);
}

#[test]
fn toml_syntax_error_names_its_line() {
    expect_error("memory_mb = 512", "memory_mb = = 512", &[":12:"]);
}

#[test]
fn toml_unterminated_string_names_its_line() {
    expect_error("arch = \"arm64\"", "arch = \"arm64", &[":13:"]);
}

#[test]
fn toml_unclosed_inline_table_names_a_line() {
    // The parser notices the missing `}` on the next line, where the next key starts.
    expect_error(
        "init = { dist = \"constant\", ms = 350 }",
        "init = { dist = \"constant\", ms = 350",
        &[":17:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Arrival processes.

#[test]
fn negative_rate() {
    let r = expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = -3.0",
        &["function \"api\".arrival", "rate_per_s", ":14:"],
    );
    assert!(r.stderr().contains("-3"), "{}", r.stderr());
}

#[test]
fn zero_rate() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = 0.0",
        &["function \"api\".arrival", "rate_per_s", ":14:"],
    );
}

#[test]
fn nan_rate() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = nan",
        &["function \"api\".arrival", "rate_per_s", ":14:"],
    );
}

#[test]
fn infinite_rate() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = inf",
        &["function \"api\".arrival", "rate_per_s", ":14:"],
    );
}

#[test]
fn negative_infinite_rate() {
    expect_error(
        "rate_per_s = 5.0",
        "rate_per_s = -inf",
        &["function \"api\".arrival", "rate_per_s", ":14:"],
    );
}

#[test]
fn unknown_arrival_process() {
    expect_error(
        "process = \"poisson\"",
        "process = \"poison\"",
        &["function \"api\".arrival", "poison", ":14:"],
    );
}

#[test]
fn absurd_rate_is_refused() {
    // At 1e300 arrivals per second every gap would round to 0 µs and simulated time could
    // never pass 0; rates above one arrival per microsecond are refused up front.
    let r = run(
        &edit("rate_per_s = 5.0", "rate_per_s = 1e300"),
        &["--quiet"],
    );
    assert_user_error(
        &r,
        &["function \"api\".arrival", "rate_per_s", ":14:", "at most"],
    );
}

#[test]
fn periodic_jitter_longer_than_every() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"10s\", jitter = \"11s\" }",
        &["function \"api\".arrival", "jitter", ":14:"],
    );
}

#[test]
fn periodic_every_zero() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"periodic\", every = \"0s\" }",
        &["function \"api\".arrival", "every", ":14:"],
    );
}

#[test]
fn explicit_arrivals_going_back_in_time() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"explicit\", at = [\"1s\", \"5s\", \"3s\"] }",
        &["function \"api\".arrival", "at[2]", ":14:"],
    );
}

#[test]
fn diurnal_peak_to_trough_below_one() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"diurnal\", mean_rate_per_s = 5.0, peak_to_trough = 0.5 }",
        &["function \"api\".arrival", "peak_to_trough", ":14:"],
    );
}

#[test]
fn diurnal_peak_outside_the_period() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"diurnal\", mean_rate_per_s = 5.0, period = \"1h\", peak_at = \"2h\" }",
        &["function \"api\".arrival", "peak_at", ":14:"],
    );
}

#[test]
fn bursty_zero_mean_on() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"bursty\", on_rate_per_s = 5.0, mean_on = \"0s\", mean_off = \"1m\" }",
        &["function \"api\".arrival", "mean_on", ":14:"],
    );
}

#[test]
fn bursty_negative_off_rate() {
    expect_error(
        "{ process = \"poisson\", rate_per_s = 5.0 }",
        "{ process = \"bursty\", on_rate_per_s = 5.0, off_rate_per_s = -1.0, mean_on = \"1m\", mean_off = \"1m\" }",
        &["function \"api\".arrival", "off_rate_per_s", ":14:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Time distributions.

#[test]
fn uniform_dist_max_below_min() {
    expect_error(
        "{ dist = \"lognormal\", mean_ms = 120, stddev_ms = 60 }",
        "{ dist = \"uniform\", min_ms = 200, max_ms = 100 }",
        &["function \"api\".exec", "max_ms", ":15:"],
    );
}

#[test]
fn negative_exec_ms() {
    expect_error(
        "{ dist = \"lognormal\", mean_ms = 120, stddev_ms = 60 }",
        "{ dist = \"constant\", ms = -5 }",
        &["function \"api\".exec", "ms", ":15:"],
    );
}

#[test]
fn negative_lognormal_stddev() {
    expect_error(
        "stddev_ms = 60",
        "stddev_ms = -60",
        &["function \"api\".exec", "stddev_ms", ":15:"],
    );
}

#[test]
fn exponential_mean_zero() {
    expect_error(
        "{ dist = \"lognormal\", mean_ms = 120, stddev_ms = 60 }",
        "{ dist = \"exponential\", mean_ms = 0 }",
        &["function \"api\".exec", "mean_ms", ":15:"],
    );
}

#[test]
fn empirical_without_samples() {
    expect_error(
        "{ dist = \"constant\", ms = 350 }",
        "{ dist = \"empirical\", samples_ms = [] }",
        &["function \"api\".init", "samples_ms", ":16:"],
    );
}

#[test]
fn empirical_with_a_negative_sample() {
    expect_error(
        "{ dist = \"constant\", ms = 350 }",
        "{ dist = \"empirical\", samples_ms = [300, -1, 400] }",
        &["function \"api\".init", "samples_ms[1]", ":16:"],
    );
}

#[test]
fn unknown_dist() {
    expect_error(
        "dist = \"lognormal\"",
        "dist = \"gamma\"",
        &["function \"api\".exec", "gamma", ":15:"],
    );
}

#[test]
fn invalid_cold_exec() {
    expect_error(
        "arch = \"arm64\"\n",
        "arch = \"arm64\"\ncold_exec = { dist = \"exponential\", mean_ms = -1 }\n",
        &["function \"api\".cold_exec", "mean_ms", ":14:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Keep-alive policies.

#[test]
fn uniform_keep_alive_max_below_min() {
    expect_error(
        "{ policy = \"fixed\", idle = \"2m\" }",
        "{ policy = \"uniform\", min = \"5m\", max = \"1m\" }",
        &["function \"api\".keep_alive", "max", ":17:"],
    );
}

#[test]
fn unknown_keep_alive_policy() {
    expect_error(
        "policy = \"fixed\"",
        "policy = \"forever\"",
        &["function \"api\".keep_alive", "forever", ":17:"],
    );
}

#[test]
fn malformed_keep_alive_idle() {
    expect_error(
        "idle = \"2m\"",
        "idle = \"2 minutes please\"",
        &["function \"api\".keep_alive", ":17:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Function settings.

#[test]
fn memory_zero() {
    expect_error(
        "memory_mb = 512",
        "memory_mb = 0",
        &["function \"api\".memory_mb", ":12:"],
    );
}

#[test]
fn memory_negative() {
    expect_error(
        "memory_mb = 512",
        "memory_mb = -512",
        &["function \"api\".memory_mb", ":12:"],
    );
}

#[test]
fn memory_above_the_maximum() {
    expect_error(
        "memory_mb = 512",
        "memory_mb = 10241",
        &["function \"api\".memory_mb", ":12:"],
    );
}

#[test]
fn memory_not_an_integer() {
    expect_error(
        "memory_mb = 512",
        "memory_mb = 512.5",
        &["function \"api\".memory_mb", ":12:"],
    );
}

#[test]
fn unknown_arch() {
    expect_error(
        "arch = \"arm64\"",
        "arch = \"riscv\"",
        &["function \"api\".arch", "riscv", ":13:"],
    );
}

#[test]
fn missing_arrival_without_defaults() {
    expect_error(
        "arrival = { process = \"poisson\", rate_per_s = 5.0 }\n",
        "",
        &["function \"api\".arrival", "missing"],
    );
}

#[test]
fn missing_init_without_defaults() {
    expect_error(
        "init = { dist = \"constant\", ms = 350 }\n",
        "",
        &["function \"api\".init", "missing"],
    );
}

#[test]
fn missing_exec_without_defaults() {
    expect_error(
        "exec = { dist = \"lognormal\", mean_ms = 120, stddev_ms = 60 }\n",
        "",
        &["function \"api\".exec", "missing"],
    );
}

/// A scenario with `[defaults]` giving two of arrival, init and exec, and a second function
/// giving none: the third is missing for that function.
fn defaults_without(missing: &str) -> String {
    let mut defaults = String::from("[defaults]\n");
    for (key, value) in [
        ("arrival", "{ process = \"poisson\", rate_per_s = 1.0 }"),
        ("init", "{ dist = \"constant\", ms = 100 }"),
        ("exec", "{ dist = \"constant\", ms = 10 }"),
    ] {
        if key != missing {
            defaults.push_str(&format!("{key} = {value}\n"));
        }
    }
    let text = edit("[[function]]\n", &format!("{defaults}\n[[function]]\n"));
    format!("{text}\n[[function]]\nname = \"bare\"\n")
}

#[test]
fn missing_arrival_with_defaults() {
    let r = run(&defaults_without("arrival"), &[]);
    assert_user_error(&r, &["function \"bare\".arrival", "missing", "bare"]);
}

#[test]
fn missing_init_with_defaults() {
    let r = run(&defaults_without("init"), &[]);
    assert_user_error(&r, &["function \"bare\".init", "missing", "bare"]);
}

#[test]
fn missing_exec_with_defaults() {
    let r = run(&defaults_without("exec"), &[]);
    assert_user_error(&r, &["function \"bare\".exec", "missing", "bare"]);
}

#[test]
fn invalid_value_in_defaults() {
    let text = edit(
        "[[function]]\n",
        "[defaults]\nmemory_mb = 0\n\n[[function]]\n",
    );
    // [defaults] is checked on its own, so the error points at the bad value itself, even
    // though only the second function would take it.
    let text = format!(
        "{text}\n[[function]]\nname = \"b\"\narrival = {{ process = \"poisson\", rate_per_s = 1.0 }}\ninit = {{ dist = \"constant\", ms = 1 }}\nexec = {{ dist = \"constant\", ms = 1 }}\n"
    );
    let r = run(&text, &[]);
    assert_user_error(&r, &["defaults.memory_mb", ":11:"]);
}

#[test]
fn name_in_defaults() {
    let r = run(
        &edit(
            "[[function]]\n",
            "[defaults]\nname = \"x\"\n\n[[function]]\n",
        ),
        &[],
    );
    assert_user_error(&r, &["defaults.name", ":11:"]);
}

#[test]
fn missing_function_name() {
    expect_error("name = \"api\"\n", "", &["function[0]", "name"]);
}

#[test]
fn invalid_function_name() {
    expect_error(
        "name = \"api\"",
        "name = \"my api\"",
        &["function[0].name", ":11:"],
    );
}

#[test]
fn duplicate_function_name() {
    let text = two_functions().replace("name = \"worker\"", "name = \"api\"");
    let r = run(&text, &[]);
    assert_user_error(&r, &["function[1].name", "api", ":20:"]);
}

#[test]
fn no_function_at_all() {
    let text = BASE
        .split("[[function]]")
        .next()
        .expect("text before the function")
        .to_string();
    let r = run(&text, &[]);
    assert_user_error(&r, &["function", "missing"]);
}

#[test]
fn reserved_concurrency_above_account() {
    expect_error(
        "memory_mb = 512\n",
        "memory_mb = 512\nreserved_concurrency = 101\n",
        &["function \"api\".reserved_concurrency", ":13:"],
    );
}

#[test]
fn reserved_concurrency_zero() {
    expect_error(
        "memory_mb = 512\n",
        "memory_mb = 512\nreserved_concurrency = 0\n",
        &["function \"api\".reserved_concurrency", ":13:"],
    );
}

#[test]
fn reservations_summing_above_account() {
    let text = two_functions()
        .replacen(
            "memory_mb = 512\n",
            "memory_mb = 512\nreserved_concurrency = 60\n",
            1,
        )
        .replacen(
            "memory_mb = 1024\n",
            "memory_mb = 1024\nreserved_concurrency = 41\n",
            1,
        );
    let r = run(&text, &[]);
    assert_user_error(
        &r,
        &["function \"worker\".reserved_concurrency", "101", ":23:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Scenario and platform settings.

#[test]
fn invalid_scenario_name() {
    expect_error("name = \"t\"", "name = \"../escape\"", &["name", ":1:"]);
}

#[test]
fn malformed_duration_with_unknown_unit() {
    expect_error(
        "duration = \"10m\"",
        "duration = \"10x\"",
        &["duration", ":3:"],
    );
}

#[test]
fn malformed_duration_without_unit() {
    expect_error(
        "duration = \"10m\"",
        "duration = \"10\"",
        &["duration", ":3:"],
    );
}

#[test]
fn malformed_negative_duration() {
    expect_error(
        "duration = \"10m\"",
        "duration = \"-5m\"",
        &["duration", ":3:"],
    );
}

#[test]
fn duration_as_a_number() {
    expect_error("duration = \"10m\"", "duration = 600", &["duration", ":3:"]);
}

#[test]
fn zero_duration() {
    expect_error(
        "duration = \"10m\"\nwarmup = \"1m\"\n",
        "duration = \"0s\"\n",
        &["duration", ":3:"],
    );
}

#[test]
fn missing_duration() {
    expect_error("duration = \"10m\"\n", "", &["duration", "missing"]);
}

#[test]
fn warmup_equal_to_duration() {
    expect_error("warmup = \"1m\"", "warmup = \"10m\"", &["warmup", ":4:"]);
}

#[test]
fn warmup_longer_than_duration() {
    expect_error("warmup = \"1m\"", "warmup = \"1h\"", &["warmup", ":4:"]);
}

#[test]
fn account_concurrency_zero() {
    expect_error(
        "account_concurrency = 100",
        "account_concurrency = 0",
        &["platform.account_concurrency", ":7:"],
    );
}

#[test]
fn account_concurrency_negative() {
    expect_error(
        "account_concurrency = 100",
        "account_concurrency = -1",
        &["platform.account_concurrency", ":7:"],
    );
}

#[test]
fn unknown_routing() {
    expect_error(
        "routing = \"mru\"",
        "routing = \"fastest\"",
        &["platform.routing", "fastest", ":8:"],
    );
}

#[test]
fn zero_max_lifetime() {
    expect_error(
        "routing = \"mru\"\n",
        "routing = \"mru\"\nmax_lifetime = \"0s\"\n",
        &["platform.max_lifetime", ":9:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Files and the command line.

#[test]
fn missing_scenario_file() {
    let r = run_full(Source::Absent, "nowhere.toml", "out", &[]);
    assert_user_error(&r, &["nowhere.toml", "No such file"]);
}

#[test]
fn directory_as_scenario() {
    let r = run_full(Source::Folder, "scenarios.toml", "out", &[]);
    assert_user_error(&r, &["scenarios.toml"]);
}

#[test]
fn scenario_that_is_not_utf8() {
    let mut bytes = BASE.as_bytes().to_vec();
    bytes.extend_from_slice(b"# \xff\xfe\n");
    let r = run_full(Source::Bytes(&bytes), "s.toml", "out", &[]);
    assert_user_error(&r, &["UTF-8"]);
}

#[test]
fn a_relative_scenario_path_is_named_as_given() {
    let r = run(&edit("rate_per_s = 5.0", "rate_per_s = -3.0"), &[]);
    std::fs::remove_dir_all(&r.out).ok();
    let output = coldsim(r.dir.path(), Path::new("s.toml"), Path::new("out"), &[]);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{err}");
    assert_eq!(
        err,
        "error: s.toml:14: function \"api\".arrival: rate_per_s must be positive, got -3\n"
    );
    assert!(!r.dir.path().join("out").exists(), "out left behind");
}

#[test]
fn out_pointing_at_an_existing_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, BASE).expect("write the scenario");
    let out = dir.path().join("taken");
    std::fs::write(&out, "keep me\n").expect("write the file in the way");
    let output = coldsim(dir.path(), &scenario, &out, &[]);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(err.contains(&out.display().to_string()), "{err:?}");
    assert!(out.is_file(), "the file in the way is gone");
    assert_eq!(
        std::fs::read_to_string(&out).expect("the file in the way"),
        "keep me\n"
    );
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list the folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n != "s.toml" && n != "taken")
        .collect();
    assert!(strays.is_empty(), "left behind: {strays:?}");
}

#[test]
fn out_inside_an_existing_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, BASE).expect("write the scenario");
    let file = dir.path().join("taken");
    std::fs::write(&file, "keep me\n").expect("write the file in the way");
    let out = file.join("out");
    let output = coldsim(dir.path(), &scenario, &out, &[]);
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(err.contains("taken"), "{err:?}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("the file in the way"),
        "keep me\n"
    );
}

/// A command-line mistake clap reports: failure, no panic, no output folder.
/// `coldsim run` with `args` is refused by the flag parser: an error that names `what` (the
/// flag, or the argument clap could not place), a failure exit code, no panic, nothing written.
fn assert_clap_error(args: &[&str], what: &str) {
    let r = run(BASE, args);
    let err = r.stderr();
    assert!(
        !r.output.status.success() && r.output.status.code().is_some(),
        "{args:?}: exit {:?}, stderr {err}",
        r.output.status
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(what), "does not name {what}: {err}");
    assert!(!r.out.exists(), "{} left behind", r.out.display());
}

#[test]
fn seed_that_is_not_a_number() {
    assert_clap_error(&["--seed", "abc"], "--seed");
}

#[test]
fn seed_that_is_negative() {
    assert_clap_error(&["--seed", "-1"], "'-1'");
}

#[test]
fn bucket_of_zero() {
    assert_clap_error(&["--bucket", "0s"], "--bucket");
}

#[test]
fn malformed_bucket() {
    assert_clap_error(&["--bucket", "soon"], "--bucket");
}

#[test]
fn unknown_flag() {
    assert_clap_error(&["--fast"], "--fast");
}

#[test]
fn bucket_too_fine_for_the_run() {
    // 10 minutes in 1 µs buckets is 600 million rows.
    let r = run(BASE, &["--bucket", "1us"]);
    let err = r.stderr();
    assert!(!r.output.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(err.contains("--bucket"), "{err:?}");
    assert!(!r.out.exists(), "{} left behind", r.out.display());
}

#[test]
fn no_subcommand() {
    Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(tempfile::tempdir().expect("a temporary folder").path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("panicked").not());
}

// ---------------------------------------------------------------------------------------------
// Successful runs.

const OUTPUTS: [&str; 3] = ["summary.json", "functions.csv", "timeseries.csv"];

/// Every file a run writes, sorted: the data, a PNG and an SVG per chart, and report.html.
const ALL_FILES: [&str; 16] = [
    "cold-start-ratio.png",
    "cold-start-ratio.svg",
    "cold-starts.png",
    "cold-starts.svg",
    "concurrency.png",
    "concurrency.svg",
    "cost.png",
    "cost.svg",
    "functions.csv",
    "latency-cdf.png",
    "latency-cdf.svg",
    "latency-histogram.png",
    "latency-histogram.svg",
    "report.html",
    "summary.json",
    "timeseries.csv",
];

#[test]
fn a_small_scenario_writes_its_files_and_prints_a_table() {
    let r = run(BASE, &[]);
    r.assert_success();
    for name in OUTPUTS {
        assert!(r.out.join(name).is_file(), "{name} missing");
        assert!(!r.read(name).is_empty(), "{name} empty");
    }
    assert_eq!(
        list(&r.out),
        ALL_FILES,
        "stray or missing files in the output folder"
    );
    let out = r.stdout();
    assert!(out.contains("api"), "{out}");
    assert!(out.contains("invocations"), "{out}");
    assert!(out.lines().count() >= 3, "{out}");
}

#[test]
fn the_output_folder_and_its_parents_are_created() {
    let r = run_full(Source::Text(BASE), "s.toml", "a/b/c", &["--quiet"]);
    r.assert_success();
    for name in OUTPUTS {
        assert!(r.out.join(name).is_file(), "{name} missing");
    }
}

#[test]
fn quiet_prints_nothing() {
    let r = run(BASE, &["--quiet"]);
    r.assert_success();
    assert_eq!(r.stdout(), "");
    assert_eq!(r.stderr(), "");
    for name in OUTPUTS {
        assert!(r.out.join(name).is_file(), "{name} missing");
    }
}

#[test]
fn short_quiet_prints_nothing() {
    let r = run(BASE, &["-q"]);
    r.assert_success();
    assert_eq!(r.stdout(), "");
}

#[test]
fn without_out_the_default_folder_is_under_the_working_directory() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("s.toml"), BASE).expect("write the scenario");
    Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir.path())
        .args(["run", "s.toml", "--quiet"])
        .assert()
        .success();
    for name in OUTPUTS {
        assert!(
            dir.path().join("output/t").join(name).is_file(),
            "output/t/{name} missing"
        );
    }
}

fn assert_keys(v: &Value, keys: &[&str], what: &str) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"));
    for k in keys {
        assert!(obj.contains_key(*k), "{what} has no {k:?}: {v}");
    }
}

fn assert_figures(v: &Value, what: &str) {
    assert_keys(
        v,
        &[
            "invocations",
            "cold_starts",
            "warm_starts",
            "throttled",
            "cold_start_ratio",
            "latency_ms",
            "containers",
            "gb_s",
        ],
        what,
    );
    assert_keys(
        &v["latency_ms"],
        &["mean", "p50", "p90", "p95", "p99", "p999", "max"],
        &format!("{what}.latency_ms"),
    );
    assert_keys(
        &v["containers"],
        &["created", "peak", "mean_alive", "mean_busy", "mean_idle"],
        &format!("{what}.containers"),
    );
    assert_keys(&v["gb_s"], &["busy", "idle"], &format!("{what}.gb_s"));
    for k in ["invocations", "cold_starts", "warm_starts", "throttled"] {
        assert!(v[k].is_u64(), "{what}.{k} is not a count: {}", v[k]);
    }
}

#[test]
fn summary_json_has_every_key() {
    let r = run(&two_functions(), &["--quiet"]);
    r.assert_success();
    let s = r.summary();
    assert_keys(
        &s,
        &["scenario", "seed", "horizon_s", "totals", "functions"],
        "summary",
    );
    assert_eq!(s["scenario"], "t");
    assert_eq!(s["seed"], 7);
    assert_eq!(s["horizon_s"].as_f64(), Some(600.0));
    assert_figures(&s["totals"], "totals");
    let functions = s["functions"].as_array().expect("functions is an array");
    assert_eq!(functions.len(), 2);
    for (f, name) in functions.iter().zip(["api", "worker"]) {
        assert_eq!(f["name"], name);
        assert_figures(f, name);
    }
    let total: u64 = functions
        .iter()
        .map(|f| f["invocations"].as_u64().expect("a count"))
        .sum();
    assert_eq!(s["totals"]["invocations"].as_u64(), Some(total));
    assert!(total > 0, "no invocations at all");
}

#[test]
fn seed_flag_overrides_the_scenario_seed() {
    let r = run(BASE, &["--quiet", "--seed", "12345"]);
    r.assert_success();
    assert_eq!(r.summary()["seed"], 12345);
}

#[test]
fn functions_csv_has_one_row_per_function() {
    let r = run(&two_functions(), &["--quiet"]);
    r.assert_success();
    let csv = r.text("functions.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("function,"), "{csv}");
    assert!(lines[1].starts_with("api,"), "{csv}");
    assert!(lines[2].starts_with("worker,"), "{csv}");
    let columns = lines[0].split(',').count();
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), columns, "{csv}");
    }
}

fn series_rows(r: &Run) -> usize {
    let csv = r.text("timeseries.csv");
    assert!(csv.starts_with("t_start_s,"), "no header: {csv}");
    csv.lines().count() - 1
}

#[test]
fn timeseries_has_a_bounded_number_of_rows_by_default() {
    // A long run with few arrivals: the default bucket must keep the file small.
    let text = edit("duration = \"10m\"", "duration = \"30d\"").replacen(
        "rate_per_s = 5.0",
        "rate_per_s = 0.001",
        1,
    );
    let r = run(&text, &["--quiet"]);
    r.assert_success();
    let rows = series_rows(&r);
    assert!((1..=5_000).contains(&rows), "{rows} rows");

    let r = run(BASE, &["--quiet"]);
    r.assert_success();
    let rows = series_rows(&r);
    assert!((1..=5_000).contains(&rows), "{rows} rows");
}

#[test]
fn timeseries_has_one_row_per_bucket() {
    for (bucket, rows) in [
        ("1m", 10),
        ("7s", 86),
        ("10m", 1),
        ("1h", 1),
        ("250ms", 2400),
    ] {
        let r = run(BASE, &["--quiet", "--bucket", bucket]);
        r.assert_success();
        assert_eq!(series_rows(&r), rows, "--bucket {bucket}");
    }
}

#[test]
fn the_same_seed_gives_identical_files() {
    let a = run(&two_functions(), &["--quiet", "--seed", "42"]);
    let b = run(&two_functions(), &["--quiet", "--seed", "42"]);
    a.assert_success();
    b.assert_success();
    for name in OUTPUTS {
        assert!(a.read(name) == b.read(name), "{name} differs between runs");
    }
}

#[test]
fn another_seed_gives_another_summary() {
    let a = run(&two_functions(), &["--quiet", "--seed", "42"]);
    let b = run(&two_functions(), &["--quiet", "--seed", "43"]);
    a.assert_success();
    b.assert_success();
    let (mut sa, mut sb) = (a.summary(), b.summary());
    assert_ne!(sa, sb);
    // Not only the seed field: the figures differ too.
    sa["seed"] = Value::Null;
    sb["seed"] = Value::Null;
    assert_ne!(sa, sb);
}

#[test]
fn a_rerun_replaces_the_files() {
    let first = run(&two_functions(), &["--quiet", "--seed", "1"]);
    first.assert_success();
    let second = coldsim(
        first.dir.path(),
        &first.scenario,
        &first.out,
        &["--quiet", "--seed", "2"],
    );
    assert!(second.status.success(), "{second:?}");
    let fresh = run(&two_functions(), &["--quiet", "--seed", "2"]);
    fresh.assert_success();
    for name in OUTPUTS {
        assert!(
            first.read(name) == fresh.read(name),
            "{name} was not replaced by the second run"
        );
    }
    assert_eq!(first.summary()["seed"], 2);
    assert_eq!(
        list(&first.out),
        ALL_FILES,
        "stray or missing files in the output folder"
    );
}

#[test]
fn a_failed_rerun_leaves_earlier_files_intact() {
    let first = run(BASE, &["--quiet"]);
    first.assert_success();
    let before: Vec<Vec<u8>> = OUTPUTS.iter().map(|n| first.read(n)).collect();
    std::fs::write(
        &first.scenario,
        edit("rate_per_s = 5.0", "rate_per_s = -3.0"),
    )
    .expect("rewrite the scenario");
    let second = coldsim(first.dir.path(), &first.scenario, &first.out, &["--quiet"]);
    let err = String::from_utf8_lossy(&second.stderr).into_owned();
    assert!(!second.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(err.contains("function \"api\".arrival"), "{err:?}");
    for (name, bytes) in OUTPUTS.iter().zip(&before) {
        assert!(&first.read(name) == bytes, "{name} changed by a failed run");
    }
    assert_eq!(
        list(&first.out),
        ALL_FILES,
        "stray or missing files in the output folder"
    );
}

#[test]
fn every_arrival_process_dist_and_policy_runs() {
    let text = r#"name = "all"
seed = 3
duration = "1h"
warmup = "5m"

[platform]
account_concurrency = 50
routing = "random"
max_lifetime = "30m"

[defaults]
memory_mb = 256
init = { dist = "constant", ms = 200 }
exec = { dist = "constant", ms = 20 }

[[function]]
name = "poisson"
arrival = { process = "poisson", rate_per_s = 2.0 }
exec = { dist = "exponential", mean_ms = 50 }
keep_alive = { policy = "none" }

[[function]]
name = "periodic"
arrival = { process = "periodic", every = "30s", start = "5s", jitter = "30s" }
cold_exec = { dist = "uniform", min_ms = 100, max_ms = 100 }
reserved_concurrency = 5

[[function]]
name = "diurnal"
arch = "x86_64"
arrival = { process = "diurnal", mean_rate_per_s = 1.0, period = "20m", peak_at = "20m" }
exec = { dist = "empirical", samples_ms = [10, 20, 30] }
keep_alive = { policy = "uniform", min = "1m", max = "1m" }

[[function]]
name = "bursty"
arrival = { process = "bursty", on_rate_per_s = 20.0, mean_on = "1m", mean_off = "5m" }
exec = { dist = "lognormal", mean_ms = 100, stddev_ms = 0 }
reserved_concurrency = 45

[[function]]
name = "explicit"
arrival = { process = "explicit", at = ["1s", "1s", "2m", "2h"] }
keep_alive = { policy = "fixed", idle = "3650d" }
"#;
    let r = run(text, &[]);
    r.assert_success();
    let out = r.stdout();
    for name in [
        "poisson", "periodic", "diurnal", "bursty", "explicit", "total",
    ] {
        assert!(out.contains(name), "{name} not in the table: {out}");
    }
    let s = r.summary();
    assert_eq!(s["functions"].as_array().map(Vec::len), Some(5));
}

#[test]
fn every_bundled_scenario_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the scenarios folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // The region scenarios read files that `coldsim gen-trace` writes first (300 million
        // invocations); tests/it/gentrace.rs runs them on a small generated region.
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("region-"))
        })
        .collect();
    scenarios.sort();
    assert!(!scenarios.is_empty(), "no scenarios in {}", dir.display());
    for scenario in scenarios {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let out = tmp.path().join("out");
        let output = coldsim(tmp.path(), &scenario, &out, &["--quiet"]);
        assert!(
            output.status.success(),
            "{}: exit {:?}, stderr {}",
            scenario.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stdout.is_empty(),
            "{}: --quiet printed",
            scenario.display()
        );
        for name in OUTPUTS {
            assert!(
                out.join(name).is_file(),
                "{}: {name} missing",
                scenario.display()
            );
        }
    }
}

/// The mode bits of every file `coldsim run` writes under `umask`, by file name.
#[cfg(unix)]
fn modes_under_umask(umask: &str) -> Vec<(String, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, BASE).expect("write the scenario");
    let out = dir.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("coldsim");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask {umask} && exec \"$0\" run \"$1\" --out \"$2\" --quiet"
        ))
        .arg(&bin)
        .arg(&scenario)
        .arg(&out)
        .status()
        .expect("sh runs coldsim");
    assert!(status.success(), "{status:?}");
    let mut modes: Vec<(String, u32)> = list(&out)
        .into_iter()
        .map(|name| {
            let mode = std::fs::metadata(out.join(&name))
                .expect("metadata")
                .permissions()
                .mode();
            (name, mode & 0o777)
        })
        .collect();
    modes.sort();
    assert!(modes.len() >= 4, "{modes:?}");
    modes
}

#[cfg(unix)]
#[test]
fn outputs_honour_the_umask() {
    for (name, mode) in modes_under_umask("022") {
        assert_eq!(mode, 0o644, "{name} under umask 022: {mode:o}");
    }
    for (name, mode) in modes_under_umask("077") {
        assert_eq!(mode, 0o600, "{name} under umask 077: {mode:o}");
    }
}

#[test]
fn help_wraps_at_word_boundaries_within_80_columns() {
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("coldsim")
            .expect("the coldsim binary")
            .env("COLUMNS", "80")
            .args(args)
            .output()
            .expect("coldsim --help");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).expect("utf-8 help")
    };
    let top = run(&["--help"]);
    let mut pages = vec![top.clone()];
    for sub in [
        "run", "cost", "compare", "sweep", "plan", "merge", "gentrace",
    ] {
        if top.contains(&format!("  {sub} ")) {
            pages.push(run(&[sub, "--help"]));
        }
    }
    assert!(pages.len() >= 6, "subcommands missing from --help:\n{top}");
    for page in &pages {
        for line in page.lines() {
            assert!(
                line.chars().count() <= 80,
                "wider than 80: {line:?}\n{page}"
            );
        }
        // Wrapped at a word boundary: no continuation line starts mid-word after a cut.
        assert!(!page.contains("-\n"), "a word split by the wrap:\n{page}");
    }
    // Long option help continues on an indented line rather than running past the edge.
    assert!(
        pages
            .iter()
            .any(|p| p.lines().any(|l| l.starts_with("                        "))),
        "no wrapped option help"
    );
}

#[test]
fn a_single_function_row_and_the_totals_give_the_same_percentiles() {
    let r = run(BASE, &["--quiet"]);
    r.assert_success();
    let s = r.summary();
    assert_eq!(s["functions"].as_array().map(Vec::len), Some(1));
    for key in ["latency_ms", "queue_delay_ms"] {
        assert_eq!(s["functions"][0][key], s["totals"][key], "{key}");
    }
    assert!(s["totals"]["latency_ms"]["p99"].is_number(), "{s}");
    // functions.csv carries the same figure.
    let csv = r.text("functions.csv");
    let p99 = s["totals"]["latency_ms"]["p99"].as_f64().expect("p99");
    let header: Vec<&str> = csv.lines().next().expect("a header").split(',').collect();
    let at = header
        .iter()
        .position(|c| *c == "latency_p99_ms")
        .expect("latency_p99_ms");
    let row: Vec<&str> = csv.lines().nth(1).expect("a row").split(',').collect();
    let written: f64 = row[at].parse().expect("a number");
    assert!((written - p99).abs() < 1e-3, "{written} vs {p99}");
}
