//! Command-line tests of `coldsim cost` and of `coldsim run` over a trace: hand-computed bills, the 30-day projection, the provisioned break-even, every trace error, and determinism.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Prices of the built-in sheet (AWS Lambda us-east-1), as the hand computations use them.

/// [USD per request].
const REQUEST_USD: f64 = 2e-7;
/// x86_64 duration, first tier [USD per GB·s].
const X86_USD_PER_GB_S: f64 = 1.66667e-5;
/// arm64 duration, first tier [USD per GB·s].
const ARM_USD_PER_GB_S: f64 = 1.33334e-5;
/// Provisioned concurrency configured, x86_64 [USD per GB·s].
const PC_USD_PER_GB_S: f64 = 4.1667e-6;
/// Duration of invocations served by provisioned containers, x86_64 [USD per GB·s].
const PC_DURATION_USD_PER_GB_S: f64 = 9.7222e-6;
/// 30 days [s].
const MONTH_S: f64 = 2_592_000.0;

/// The longest any run here may take; each takes well under a second.
const RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A file of `tests/fixtures/`, as an absolute path.
fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// One run of the binary in its own temporary folder.
struct Run {
    /// The working directory, holding the files written before the run and the output.
    _dir: TempDir,
    /// The `--out` folder given on the command line.
    out: PathBuf,
    output: Output,
    /// The command line, for messages.
    args: Vec<String>,
}

/// The one place that runs the binary: writes `files` (relative path, text) into a fresh
/// temporary folder, then runs `coldsim ARGS --out <folder>/out` there, so relative paths in
/// `args` name those files and nothing can land in the repository.
fn coldsim(args: &[&str], files: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder for the file");
        }
        std::fs::write(&path, text).expect("write a file of the run");
    }
    let out = dir.path().join("out");
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir.path())
        .args(args)
        .arg("--out")
        .arg(&out)
        .timeout(RUN_TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("coldsim {args:?}: {e}"));
    assert!(
        output.status.code().is_some(),
        "coldsim {args:?} did not exit by itself ({:?}): still running after {RUN_TIMEOUT:?}?",
        output.status
    );
    Run {
        _dir: dir,
        out,
        output,
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

/// `coldsim cost ARGS` (the trace among `args`).
fn cost(args: &[&str]) -> Run {
    let mut all = vec!["cost"];
    all.extend_from_slice(args);
    coldsim(&all, &[])
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

    fn assert_success(&self) {
        assert!(
            self.output.status.success(),
            "coldsim {:?}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
    }

    /// A text output of a successful run.
    fn text(&self, name: &str) -> String {
        self.assert_success();
        String::from_utf8(self.read(name)).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"))
    }

    /// A JSON output of a successful run.
    fn json(&self, name: &str) -> Value {
        self.assert_success();
        serde_json::from_slice(&self.read(name))
            .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }

    /// `cost.json` of a successful `coldsim cost`.
    fn bill(&self) -> Value {
        self.json("cost.json")
    }

    /// A user error: see [`crate::assert_user_error`]. Returns the line.
    fn assert_user_error(&self, needles: &[&str]) -> String {
        crate::assert_user_error(&self.args, &self.output, &self.out, needles)
    }
}

/// `v` is a number within 1e-12 of `expected` (relatively, for numbers above 1): far tighter
/// than the 1e-9 USD the bills need, and far looser than the float error of a few operations.
#[track_caller]
fn close(v: &Value, expected: f64, what: &str) {
    let got = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"));
    let tol = 1e-12_f64.max(expected.abs() * 1e-12);
    assert!(
        (got - expected).abs() <= tol,
        "{what}: got {got:e}, expected {expected:e} (difference {:e})",
        got - expected
    );
}

#[track_caller]
fn count(v: &Value, expected: u64, what: &str) {
    assert_eq!(v.as_u64(), Some(expected), "{what}: {v}");
}

/// The function called `name` in `cost.json` or `summary.json`.
fn function<'a>(bill: &'a Value, name: &str) -> &'a Value {
    bill["functions"]
        .as_array()
        .expect("functions is an array")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no function {name:?} in {bill}"))
}

/// A bill as the hand computation expects it.
struct Expect {
    invocations: u64,
    cold_starts: u64,
    requests_usd: f64,
    compute_usd: f64,
    init_usd: f64,
    billed_gb_s: f64,
}

impl Expect {
    fn total_usd(&self) -> f64 {
        self.requests_usd + self.compute_usd
    }
}

/// Checks one line of `cost.json` (a function, or the top level for the total).
#[track_caller]
fn check_line(line: &Value, e: &Expect, what: &str) {
    count(
        &line["invocations"],
        e.invocations,
        &format!("{what}.invocations"),
    );
    count(
        &line["cold_starts"],
        e.cold_starts,
        &format!("{what}.cold_starts"),
    );
    count(&line["throttled"], 0, &format!("{what}.throttled"));
    close(
        &line["total_usd"],
        e.total_usd(),
        &format!("{what}.total_usd"),
    );
    close(
        &line["requests_usd"],
        e.requests_usd,
        &format!("{what}.requests_usd"),
    );
    close(
        &line["compute_usd"],
        e.compute_usd,
        &format!("{what}.compute_usd"),
    );
    close(&line["init_usd"], e.init_usd, &format!("{what}.init_usd"));
    close(
        &line["billed_gb_s"],
        e.billed_gb_s,
        &format!("{what}.billed_gb_s"),
    );
    close(
        &line["provisioned_usd"],
        0.0,
        &format!("{what}.provisioned_usd"),
    );
    close(
        &line["ephemeral_storage_usd"],
        0.0,
        &format!("{what}.ephemeral_storage_usd"),
    );
}

// ---------------------------------------------------------------------------------------------
// 1. A bill computed by hand.
//
// tests/fixtures/cost-bill.csv, with --init 250ms (constant), --keep-alive 10m, --memory-mb 512
// (0.5 GB). A container goes idle when its exec ends and serves arrivals for 600 s after that.
//
//   row  t [s]  function  exec [ms]  start                                  billed exec  INIT share
//   1      0    api       100.2      cold: first of api                       101 ms   ceil(350.2) − 101 = 250 ms
//   2     10    worker     49        cold: first of worker                     49 ms   ceil(299)   −  49 = 250 ms
//   3    120    api        49        warm: idle since 0.3502, 119.6 s          49 ms
//   4    125    worker    100.2      warm: idle since 10.299, 114.7 s         101 ms
//   5    800    api       100.2      cold: idle since 120.049, 679.95 s > 600 101 ms   250 ms
//   6    801    api         0.5      warm: idle since 800.3502                  1 ms
//   7    802    worker     49        cold: idle since 125.1002, 676.9 s > 600  49 ms   250 ms
//
// api:    4 invocations, 2 cold; exec 101 + 49 + 101 + 1 = 252 ms, INIT 500 ms.
// worker: 3 invocations, 2 cold; exec 49 + 101 + 49 = 199 ms, INIT 500 ms.
// The run ends when worker's last (cold) invocation ends: 802 + 0.25 + 0.049 = 802.299 s.

/// `coldsim cost FIXTURE` with the arguments of the hand-computed bill (`--init 250ms` unless
/// `extra` gives another `--init`) and `extra`.
fn cost_of(trace: &str, extra: &[&str]) -> Value {
    let trace = fixture(trace);
    let mut args = vec![
        trace.as_str(),
        "--keep-alive",
        "10m",
        "--memory-mb",
        "512",
        "--no-break-even",
    ];
    if !extra.contains(&"--init") {
        args.extend_from_slice(&["--init", "250ms"]);
    }
    args.extend_from_slice(extra);
    cost(&args).bill()
}

/// [`cost_of`] tests/fixtures/cost-bill.csv.
fn cost_bill(extra: &[&str]) -> Value {
    cost_of("cost-bill.csv", extra)
}

/// api at the default x86_64 rate: (252 + 500) ms × 0.5 GB = 0.376 GB·s.
const API: Expect = Expect {
    invocations: 4,
    cold_starts: 2,
    requests_usd: 4.0 * 2e-7,        // 8e-7
    compute_usd: 0.376 * 1.66667e-5, // 6.2666792e-6
    init_usd: 0.25 * 1.66667e-5,     // 500 ms × 0.5 GB = 0.25 GB·s: 4.166675e-6
    billed_gb_s: 0.376,
};

/// worker at the default x86_64 rate: (199 + 500) ms × 0.5 GB = 0.3495 GB·s.
const WORKER: Expect = Expect {
    invocations: 3,
    cold_starts: 2,
    requests_usd: 3.0 * 2e-7,         // 6e-7
    compute_usd: 0.3495 * 1.66667e-5, // 5.82501165e-6
    init_usd: 0.25 * 1.66667e-5,      // 4.166675e-6
    billed_gb_s: 0.3495,
};

/// Both: 0.7255 GB·s, total 1.4e-6 + 1.209169085e-5 = 1.349169085e-5 USD.
const TOTAL: Expect = Expect {
    invocations: 7,
    cold_starts: 4,
    requests_usd: 7.0 * 2e-7,
    compute_usd: 0.7255 * 1.66667e-5,
    init_usd: 0.5 * 1.66667e-5,
    billed_gb_s: 0.7255,
};

#[test]
fn a_small_trace_is_billed_as_computed_by_hand() {
    let bill = cost_bill(&[]);
    check_line(function(&bill, "api"), &API, "api");
    check_line(function(&bill, "worker"), &WORKER, "worker");
    check_line(&bill, &TOTAL, "total");
    close(&bill["total_usd"], 1.349169085e-5, "total_usd literal");
    close(&bill["window_s"], 802.299, "window_s");
    assert_eq!(bill["name"], "total");
    assert_eq!(bill["init_billing"], "all");
    assert_eq!(bill["free_tier"], false);
    assert_eq!(bill["prices"], "built-in");
    for name in ["api", "worker"] {
        count(&function(&bill, name)["memory_mb"], 512, name);
        assert_eq!(function(&bill, name)["arch"], "x86_64");
    }
    // In order of first appearance.
    let names: Vec<&str> = bill["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["api", "worker"]);
}

#[test]
fn arm64_is_billed_at_its_own_rate() {
    let bill = cost_bill(&["--arch", "arm64"]);
    let at_arm = |e: &Expect| Expect {
        compute_usd: e.billed_gb_s * ARM_USD_PER_GB_S,
        init_usd: e.init_usd / X86_USD_PER_GB_S * ARM_USD_PER_GB_S,
        ..*e
    };
    // api 0.376 × 1.33334e-5 = 5.0133584e-6; worker 0.3495 × 1.33334e-5 = 4.6600233e-6.
    check_line(function(&bill, "api"), &at_arm(&API), "api");
    check_line(function(&bill, "worker"), &at_arm(&WORKER), "worker");
    check_line(&bill, &at_arm(&TOTAL), "total");
    close(&bill["compute_usd"], 9.6733817e-6, "compute_usd literal");
    close(
        &bill["total_usd"],
        1.4e-6 + 9.6733817e-6,
        "total_usd literal",
    );
    assert_eq!(function(&bill, "api")["arch"], "arm64");
}

#[test]
fn the_init_share_is_ceil_of_init_plus_exec_minus_ceil_of_exec() {
    // --init 250.5 ms: api's colds (exec 100.2) bill ceil(350.7) − 101 = 250 ms of INIT, not
    // ceil(250.5) = 251; worker's (exec 49) bill ceil(299.5) − 49 = 251 ms.
    // api INIT 2 × 250 = 500 ms × 0.5 GB = 0.25 GB·s; worker 2 × 251 = 502 ms: 0.251 GB·s.
    let bill = cost_bill(&["--init", "250ms 500us"]);
    close(
        &function(&bill, "api")["init_usd"],
        0.25 * X86_USD_PER_GB_S,
        "api.init_usd",
    );
    close(
        &function(&bill, "worker")["init_usd"],
        0.251 * X86_USD_PER_GB_S,
        "worker.init_usd",
    );
    // worker: (199 + 502) ms × 0.5 GB = 0.3505 GB·s.
    close(
        &function(&bill, "worker")["billed_gb_s"],
        0.3505,
        "worker.billed_gb_s",
    );
    close(&bill["init_usd"], 0.501 * X86_USD_PER_GB_S, "init_usd");
    // The last invocation ends at 802 + 0.2505 + 0.049.
    close(&bill["window_s"], 802.2995, "window_s");
}

#[test]
fn legacy_init_billing_leaves_init_of_zip_packages_unbilled() {
    let bill = cost_bill(&["--init-billing", "legacy"]);
    assert_eq!(bill["init_billing"], "legacy");
    // Exec only: api 252 ms × 0.5 GB = 0.126 GB·s, worker 199 ms × 0.5 GB = 0.0995 GB·s.
    let api = Expect {
        compute_usd: 0.126 * X86_USD_PER_GB_S, // 2.1000042e-6
        init_usd: 0.0,
        billed_gb_s: 0.126,
        ..API
    };
    let worker = Expect {
        compute_usd: 0.0995 * X86_USD_PER_GB_S, // 1.65833665e-6
        init_usd: 0.0,
        billed_gb_s: 0.0995,
        ..WORKER
    };
    let total = Expect {
        compute_usd: 0.2255 * X86_USD_PER_GB_S, // 3.75834085e-6
        init_usd: 0.0,
        billed_gb_s: 0.2255,
        ..TOTAL
    };
    check_line(function(&bill, "api"), &api, "api");
    check_line(function(&bill, "worker"), &worker, "worker");
    check_line(&bill, &total, "total");
    close(&bill["total_usd"], 5.15834085e-6, "total_usd literal");
}

#[test]
fn legacy_init_billing_still_bills_init_of_images() {
    let bill = cost_bill(&["--init-billing", "legacy", "--package", "image"]);
    check_line(function(&bill, "api"), &API, "api");
    check_line(function(&bill, "worker"), &WORKER, "worker");
    check_line(&bill, &TOTAL, "total");
}

#[test]
fn a_row_memory_overrides_memory_mb() {
    // tests/fixtures/cost-bill-memory.csv: cost-bill.csv with memory_mb 1024 on api's first
    // row and 2048 on its second, empty elsewhere. api's own memory is its first row's (1024);
    // each invocation is billed at its row's memory, or the function's when the row gives none:
    //   row 1: 1024 MB × (101 + 250) ms = 359424 MB·ms
    //   row 3: 2048 MB × 49 ms          = 100352
    //   row 5: 1024 MB × (101 + 250)    = 359424
    //   row 6: 1024 MB × 1              =   1024
    // = 820224 MB·ms = 820224 / 1024 / 1000 = 0.801 GB·s; INIT 1024 × 500 = 0.5 GB·s.
    // worker gives no memory: --memory-mb 512, as in the plain bill.
    let bill = cost_of("cost-bill-memory.csv", &[]);
    let api = Expect {
        compute_usd: 0.801 * X86_USD_PER_GB_S, // 1.33500267e-5
        init_usd: 0.5 * X86_USD_PER_GB_S,      // 8.33335e-6
        billed_gb_s: 0.801,
        ..API
    };
    check_line(function(&bill, "api"), &api, "api");
    check_line(function(&bill, "worker"), &WORKER, "worker");
    count(&function(&bill, "api")["memory_mb"], 1024, "api.memory_mb");
    count(
        &function(&bill, "worker")["memory_mb"],
        512,
        "worker.memory_mb",
    );
    close(&bill["billed_gb_s"], 1.1505, "billed_gb_s");
    // 1.4e-6 + 1.33500267e-5 + 5.82501165e-6.
    close(&bill["total_usd"], 2.057503835e-5, "total_usd");
}

#[test]
fn the_free_tier_covers_a_tiny_trace() {
    // 7 requests and 0.7255 GB·s, far below 1 million requests and 400,000 GB·s a month.
    let bill = cost_bill(&["--free-tier"]);
    assert_eq!(bill["free_tier"], true);
    for key in ["total_usd", "requests_usd", "compute_usd", "init_usd"] {
        close(&bill[key], 0.0, key);
        close(&bill["month"][key], 0.0, &format!("month.{key}"));
        for name in ["api", "worker"] {
            close(&function(&bill, name)[key], 0.0, &format!("{name}.{key}"));
        }
    }
    count(&bill["invocations"], 7, "invocations");
    count(&bill["cold_starts"], 4, "cold_starts");
}

#[test]
fn a_function_first_seen_on_the_last_row_is_billed() {
    // tests/fixtures/cost-last-row.csv: api at 0 s (exec 100 ms), worker at 1 s (exec 50 ms),
    // worker's only row being the last. Both cold: 2 invocations, 2 cold starts, and the run
    // ends when worker's invocation does, 1 + 0.25 + 0.05 = 1.3 s.
    // worker: (50 + 250) ms × 0.5 GB = 0.15 GB·s.
    let bill = cost_of("cost-last-row.csv", &[]);
    count(&bill["invocations"], 2, "invocations");
    count(&bill["cold_starts"], 2, "cold_starts");
    close(&bill["window_s"], 1.3, "window_s");
    close(
        &function(&bill, "worker")["billed_gb_s"],
        0.15,
        "worker.billed_gb_s",
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The 30-day projection.

#[test]
fn the_month_is_the_bill_scaled_by_the_month_factor() {
    let bill = cost_bill(&[]);
    // Window 802.299 s: month_factor = 2592000 / 802.299 = 3230.7...
    let factor = MONTH_S / 802.299;
    close(&bill["month_factor"], factor, "month_factor");
    let window = bill["window_s"].as_f64().expect("window_s");
    close(
        &bill["month_factor"],
        MONTH_S / window,
        "month_factor from window_s",
    );
    // 0.7255 GB·s × 3230.7 ≈ 2344 GB·s a month, far below the first tier's 6e9: every part of
    // the bill scales linearly.
    for (line, e) in [
        (function(&bill, "api"), &API),
        (function(&bill, "worker"), &WORKER),
        (&bill, &TOTAL),
    ] {
        let what = line["name"].as_str().expect("a name");
        let m = &line["month"];
        close(
            &m["total_usd"],
            e.total_usd() * factor,
            &format!("{what}.month.total_usd"),
        );
        close(
            &m["requests_usd"],
            e.requests_usd * factor,
            &format!("{what}.month.requests_usd"),
        );
        close(
            &m["compute_usd"],
            e.compute_usd * factor,
            &format!("{what}.month.compute_usd"),
        );
        close(
            &m["init_usd"],
            e.init_usd * factor,
            &format!("{what}.month.init_usd"),
        );
        close(
            &m["provisioned_usd"],
            0.0,
            &format!("{what}.month.provisioned_usd"),
        );
        close(
            &m["cold_starts"],
            e.cold_starts as f64 * factor,
            &format!("{what}.month.cold_starts"),
        );
        // The same, from the reported bill.
        let reported = line["total_usd"].as_f64().expect("total_usd");
        close(
            &m["total_usd"],
            reported * factor,
            &format!("{what}.month vs bill"),
        );
    }
    // 1.349169085e-5 × 2592000 / 802.299 = 0.04358789... USD.
    close(
        &bill["month"]["total_usd"],
        1.349169085e-5 * 2_592_000.0 / 802.299,
        "month.total_usd literal",
    );
}

// ---------------------------------------------------------------------------------------------
// 3. The Azure Functions 2021 sample, end to end.

/// A non-negative decimal in seconds to whole microseconds, rounded to the nearest (halves up),
/// as the reader does: exact, no floating point.
fn micros(text: &str) -> u64 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut us: u64 = int.parse::<u64>().expect("whole seconds") * 1_000_000;
    let digits: Vec<u64> = frac.bytes().map(|b| u64::from(b - b'0')).collect();
    for i in 0..6 {
        us += digits.get(i).copied().unwrap_or(0) * 10u64.pow(5 - i as u32);
    }
    if digits.get(6).is_some_and(|&d| d >= 5) {
        us += 1;
    }
    us
}

/// One row of the Azure 2021 sample: the function (app, func) and [start, end) [µs].
struct AzureRow {
    function: (String, String),
    start_us: u64,
    exec_us: u64,
}

fn azure2021_rows() -> Vec<AzureRow> {
    let text = std::fs::read_to_string(fixture("azure-functions-2021-sample.csv"))
        .expect("the Azure 2021 sample");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("app,func,end_timestamp,duration"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 4, "{l}");
            let (end_us, exec_us) = (micros(f[2]), micros(f[3]));
            AzureRow {
                function: (f[0].to_string(), f[1].to_string()),
                start_us: end_us.saturating_sub(exec_us),
                exec_us,
            }
        })
        .collect()
}

/// Per function, the most invocations running at once, with half-open [start, start + exec).
fn peak_overlap(rows: &[AzureRow]) -> u64 {
    let mut functions: Vec<&(String, String)> = rows.iter().map(|r| &r.function).collect();
    functions.sort();
    functions.dedup();
    functions
        .iter()
        .map(|f| {
            // Ends before starts at the same instant: a container free at t serves t.
            let mut events: Vec<(u64, i64)> = rows
                .iter()
                .filter(|r| &r.function == *f)
                .flat_map(|r| [(r.start_us, 1), (r.start_us + r.exec_us, -1)])
                .collect();
            events.sort();
            let (mut now, mut peak) = (0i64, 0i64);
            for (_, d) in events {
                now += d;
                peak = peak.max(now);
            }
            peak as u64
        })
        .sum()
}

fn azure2021(extra: &[&str]) -> Value {
    let trace = fixture("azure-functions-2021-sample.csv");
    let mut args = vec![trace.as_str(), "--format", "azure2021", "--no-break-even"];
    args.extend_from_slice(extra);
    cost(&args).bill()
}

#[test]
fn the_azure_2021_sample_without_keep_alive_is_all_cold() {
    let rows = azure2021_rows();
    assert_eq!(rows.len(), 199);
    let mut functions: Vec<&(String, String)> = rows.iter().map(|r| &r.function).collect();
    functions.sort();
    functions.dedup();
    assert_eq!(functions.len(), 31);

    let bill = azure2021(&["--keep-alive", "none", "--init", "0ms"]);
    count(&bill["invocations"], 199, "invocations");
    count(&bill["cold_starts"], 199, "cold_starts");
    assert_eq!(bill["functions"].as_array().map(Vec::len), Some(31));
    let per_function: u64 = bill["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["invocations"].as_u64().expect("a count"))
        .sum();
    assert_eq!(per_function, 199);
    // 199 requests at 2e-7 USD.
    let requests = bill["requests_usd"].as_f64().expect("requests_usd");
    assert!(
        (requests - 199.0 * REQUEST_USD).abs() <= 1e-12,
        "requests_usd {requests:e}"
    );
    // With --init 0ms compute is exactly the rounded handler times: Σ ceil(exec ms) ×
    // 128 / 1024 / 1000 GB·s at 1.66667e-5 USD.
    let billed_ms: u64 = rows.iter().map(|r| r.exec_us.div_ceil(1_000)).sum();
    let gb_s = billed_ms as f64 * 128.0 / 1024.0 / 1000.0;
    close(&bill["billed_gb_s"], gb_s, "billed_gb_s");
    close(&bill["compute_usd"], gb_s * X86_USD_PER_GB_S, "compute_usd");
    close(&bill["init_usd"], 0.0, "init_usd");
    close(
        &bill["total_usd"],
        199.0 * REQUEST_USD + gb_s * X86_USD_PER_GB_S,
        "total_usd",
    );
}

#[test]
fn the_azure_2021_sample_with_endless_keep_alive_starts_the_peak_cold() {
    // Containers that never expire: a function starts a new container only when all it has are
    // busy, so its cold starts are the most of its invocations running at once.
    let rows = azure2021_rows();
    let expected = peak_overlap(&rows);
    assert!((31..=199).contains(&expected), "{expected}");
    let bill = azure2021(&["--keep-alive", "3650d", "--init", "0ms"]);
    count(&bill["invocations"], 199, "invocations");
    count(&bill["cold_starts"], expected, "cold_starts");
    // With INIT the containers stay busy longer, which can only add cold starts.
    let with_init = azure2021(&["--keep-alive", "3650d", "--init", "250ms"]);
    let cold = with_init["cold_starts"].as_u64().expect("cold_starts");
    assert!((expected..=199).contains(&cold), "{cold} < {expected}");
    // The INIT share of each cold start is 250 ms at 128 MB: 250 × 128 / 1024 / 1000 GB·s.
    close(
        &with_init["init_usd"],
        cold as f64 * 0.03125 * X86_USD_PER_GB_S,
        "init_usd",
    );
}

#[test]
fn the_azure_2021_sample_at_the_default_keep_alive_is_in_between() {
    let bill = azure2021(&[]);
    count(&bill["invocations"], 199, "invocations");
    let cold = bill["cold_starts"].as_u64().expect("cold_starts");
    assert!((31..=199).contains(&cold), "{cold}");
    for f in bill["functions"].as_array().expect("functions") {
        let c = f["cold_starts"].as_u64().expect("cold_starts");
        assert!(
            c >= 1 && c <= f["invocations"].as_u64().expect("invocations"),
            "{f}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The Azure Functions 2019 format.

/// The invocation count of tests/fixtures/azure2019-invocations.csv: the per-minute counts of
/// each (owner, app, function), a repeated row ignored.
fn azure2019_count() -> u64 {
    let text = std::fs::read_to_string(fixture("azure2019-invocations.csv"))
        .expect("the azure2019 invocations");
    let mut seen: Vec<String> = Vec::new();
    let mut total = 0;
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let key = f[..3].join(",");
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        total += f[4..]
            .iter()
            .map(|c| c.parse::<u64>().expect("a count"))
            .sum::<u64>();
    }
    total
}

/// `coldsim cost` over the azure2019 fixtures, minutes spread evenly, with `extra`.
fn azure2019(extra: &[&str]) -> Run {
    let (trace, durations, memory) = (
        fixture("azure2019-invocations.csv"),
        fixture("azure2019-durations.csv"),
        fixture("azure2019-memory.csv"),
    );
    let mut args = vec![
        trace.as_str(),
        "--format",
        "azure2019",
        "--durations",
        durations.as_str(),
        "--memory",
        memory.as_str(),
        "--spread",
        "even",
        "--init",
        "100ms",
        "--no-break-even",
    ];
    args.extend_from_slice(extra);
    cost(&args)
}

#[test]
fn an_azure_2019_function_without_durations_needs_exec() {
    // ffff0002cccc (app aaaa1111bbbb) has no durations row.
    let err = azure2019(&[]).assert_user_error(&["aaaa1111/ffff0002"]);
    assert!(err.contains("--exec"), "does not suggest --exec: {err:?}");
}

#[test]
fn the_readers_notes_on_functions_reach_cost_json_and_stderr() {
    // ffff0002cccc has no durations row: its exec is --exec, which the reader notes.
    let r = azure2019(&["--exec", "100ms"]);
    let bill = r.bill();
    let f = function(&bill, "aaaa1111/ffff0002");
    let note = f["note"].as_str().expect("a note");
    assert!(
        note.contains("no row in") && note.contains("exec is the scenario's"),
        "{note}"
    );
    assert!(
        r.stderr()
            .contains("note: function \"aaaa1111/ffff0002\": no row in"),
        "{}",
        r.stderr()
    );
    // The total has none.
    assert!(bill.get("note").is_none(), "{bill}");
}

#[test]
fn the_readers_notes_on_functions_reach_summary_json_of_a_run() {
    // The same trace run as a scenario: summary.json carries the note on the function.
    let scenario = format!(
        "name = \"notes\"\n[workload]\ntrace = {{ path = {:?}, format = \"azure2019\", durations = {:?}, memory = {:?}, spread = \"even\" }}\n\
         [defaults]\ninit = {{ dist = \"constant\", ms = 100 }}\nexec = {{ dist = \"constant\", ms = 100 }}\n",
        fixture("azure2019-invocations.csv"),
        fixture("azure2019-durations.csv"),
        fixture("azure2019-memory.csv"),
    );
    let r = coldsim(
        &["run", "notes.toml", "--quiet"],
        &[("notes.toml", &scenario)],
    );
    let summary = r.json("summary.json");
    let functions = summary["functions"].as_array().expect("functions");
    let noted = functions
        .iter()
        .find(|f| f["name"] == "aaaa1111/ffff0002")
        .expect("the function without durations");
    let note = noted["note"].as_str().expect("a note");
    assert!(note.contains("no row in"), "{note}");
    assert!(note.contains("exec is the scenario's"), "{note}");
    assert!(
        summary["totals"].get("note").is_none(),
        "{}",
        summary["totals"]
    );
}

#[test]
fn an_azure_2019_trace_has_every_invocation_of_its_minutes() {
    let bill = azure2019(&["--exec", "100ms"]).bill();
    // 2 + 0 + 1, 0 + 3 + 0, 1 + 0 + 0, 0 + 0 + 1 (the repeated row ignored) = 8.
    let expected = azure2019_count();
    assert_eq!(expected, 8);
    count(
        &function(&bill, "aaaa1111/ffff0001")["invocations"],
        3,
        "aaaa1111/ffff0001.invocations",
    );
    // --exec serves the function without a durations row.
    count(
        &function(&bill, "aaaa1111/ffff0002")["invocations"],
        3,
        "aaaa1111/ffff0002.invocations",
    );
    count(
        &function(&bill, "bbbb2222/ffff0003")["invocations"],
        1,
        "bbbb2222/ffff0003.invocations",
    );
    count(&bill["invocations"], expected, "invocations");
    assert_eq!(bill["functions"].as_array().map(Vec::len), Some(4));
    count(
        &function(&bill, "bbbb2222cccc/ffff0003eeee")["invocations"],
        1,
        "bbbb2222cccc/ffff0003eeee.invocations",
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Every malformed-row and flag error through the command line.

/// `coldsim cost FIXTURE --init 250ms ARGS` fails with one line naming the file and `needles`.
fn trace_error(name: &str, args: &[&str], needles: &[&str]) -> String {
    let trace = fixture(name);
    let mut all = vec![trace.as_str(), "--init", "250ms"];
    all.extend_from_slice(args);
    let mut needles = needles.to_vec();
    needles.push(&trace);
    cost(&all).assert_user_error(&needles)
}

#[test]
fn a_bad_number_names_its_line_and_column() {
    // Line 3: `1,api,fast`.
    let err = trace_error("cost-bad-number.csv", &[], &[":3:", "duration_ms", "fast"]);
    assert!(err.contains("expected"), "{err}");
}

#[test]
fn a_missing_column_is_named() {
    // No `function` column in the header.
    trace_error("cost-missing-column.csv", &[], &["function", "header"]);
}

#[test]
fn a_short_row_names_its_line() {
    // Line 3: `1,api`, two fields under a three-column header.
    trace_error(
        "cost-short-row.csv",
        &[],
        &[":3:", "duration_ms", "missing"],
    );
}

#[test]
fn a_negative_duration_names_its_line() {
    // Line 4: `2,api,-5`.
    trace_error(
        "cost-negative-duration.csv",
        &[],
        &[":4:", "duration_ms", "-5", "negative"],
    );
}

#[test]
fn a_row_going_back_in_time_suggests_sort() {
    // Line 4: `3,api,10` after `5,api,10`.
    trace_error(
        "cost-back-in-time.csv",
        &[],
        &[":4:", "timestamp", "--sort"],
    );
    // Sorted: 0, 3, 5, 7 s, 10 ms each at 128 MB; the first cold, then warm.
    let trace = fixture("cost-back-in-time.csv");
    let bill = cost(&[&trace, "--init", "250ms", "--sort", "--no-break-even"]).bill();
    count(&bill["invocations"], 4, "invocations");
    count(&bill["cold_starts"], 1, "cold_starts");
    // The last invocation starts at 7 s and ends at 7.01 s.
    close(&bill["window_s"], 7.01, "window_s");
    // (4 × 10 + 250) ms × 0.125 GB = 0.03625 GB·s.
    close(&bill["billed_gb_s"], 0.03625, "billed_gb_s");
}

#[test]
fn a_header_only_trace_says_it_has_no_invocations() {
    let trace = "timestamp,function,duration_ms\n";
    coldsim(
        &["cost", "trace.csv", "--init", "250ms"],
        &[("trace.csv", trace)],
    )
    .assert_user_error(&["trace.csv: no invocations after the header"]);
    // The same through a scenario, with a warm-up that is not to blame.
    let scenario =
        traced_scenario(DEFAULTS, "").replace("seed = 3\n", "seed = 3\nwarmup = \"1m\"\n");
    let r = coldsim(
        &["run", "sub/s.toml", "--quiet"],
        &[("sub/s.toml", &scenario), ("sub/trace.csv", trace)],
    );
    let err = r.assert_user_error(&["trace.csv: no invocations after the header"]);
    assert!(!err.contains("warmup"), "{err}");
}

#[test]
fn an_init_without_a_unit_asks_for_one() {
    let trace = fixture("cost-bill.csv");
    let err = cost(&[&trace, "--init", "250"])
        .assert_user_error(&["--init 250", "a duration needs a unit, like \"250ms\""]);
    assert!(!err.contains("runtime"), "{err}");
}

#[test]
fn an_azure_file_without_format_names_the_format_to_pass() {
    for (file, format) in [
        ("azure-functions-2021-sample.csv", "azure2021"),
        ("azure2019-invocations.csv", "azure2019"),
    ] {
        let trace = fixture(file);
        cost(&[&trace, "--init", "250ms"])
            .assert_user_error(&[file, &format!("pass --format {format}")]);
    }
    // And the other way round.
    let trace = fixture("cost-bill.csv");
    cost(&[&trace, "--init", "250ms", "--format", "azure2021"])
        .assert_user_error(&["pass --format invocations"]);
}

#[test]
fn an_unknown_init_runtime_suggests_the_closest_name() {
    let trace = fixture("cost-bill.csv");
    cost(&[&trace, "--init", "pyton3.12"]).assert_user_error(&[
        "--init",
        "pyton3.12",
        "did you mean \"python3.12\"",
    ]);
}

#[test]
fn memory_mb_zero_is_refused() {
    let trace = fixture("cost-bill.csv");
    cost(&[&trace, "--init", "250ms", "--memory-mb", "0"]).assert_user_error(&["--memory-mb"]);
}

#[test]
fn a_missing_trace_file_is_named() {
    cost(&["no-such-trace.csv", "--init", "250ms"])
        .assert_user_error(&["no-such-trace.csv", "cannot read"]);
}

#[test]
fn a_malformed_price_sheet_is_named() {
    // tests/fixtures/cost-bad-prices.toml: the built-in sheet with rounding_ms = "one" (line 15).
    let trace = fixture("cost-bill.csv");
    let prices = fixture("cost-bad-prices.toml");
    cost(&[&trace, "--init", "250ms", "--prices", &prices])
        .assert_user_error(&["--prices", &prices, "line 15"]);
}

#[test]
fn durations_are_refused_with_another_format() {
    let trace = fixture("cost-bill.csv");
    let durations = fixture("azure2019-durations.csv");
    cost(&[&trace, "--init", "250ms", "--durations", &durations])
        .assert_user_error(&[&durations, "azure2019"]);
}

// ---------------------------------------------------------------------------------------------
// 5b. The window of a real export: Unix times, --window, short windows.

/// Three invocations of `f`, 100 ms each, at `first`, `first + 43200` and `first + 86399`
/// seconds, written in `unit` (1 for seconds, 1000 for milliseconds).
fn day_of_unix_rows(first: u64, unit: u64) -> String {
    let mut text = String::from("timestamp,function,duration_ms\n");
    for t in [first, first + 43_200, first + 86_399] {
        text.push_str(&format!("{},f,100\n", t * unit));
    }
    text
}

/// 2024-12-05T00:00:00Z in Unix seconds.
const UNIX_DAY: u64 = 1_733_356_800;

#[test]
fn unix_seconds_start_the_window_at_the_first_row() {
    // Every invocation is cold (10-minute keep-alive, hours apart): the last ends at
    // 86399 + 0.25 + 0.1 s after the first row, which is time 0.
    for (unit, extra) in [(1, vec![]), (1000, vec!["--time-unit", "ms"])] {
        let mut args = vec!["--init", "250ms", "--no-break-even"];
        args.extend(extra);
        let bill = cost_trace(&day_of_unix_rows(UNIX_DAY, unit), &args);
        close(&bill["window_s"], 86_399.35, "window_s");
        close(&bill["month_factor"], MONTH_S / 86_399.35, "month_factor");
        count(&bill["cold_starts"], 3, "cold_starts");
        // 3 × 350 ms at 128 MB: 0.13125 GB·s; 3 requests.
        let usd = 3.0 * REQUEST_USD + 0.13125 * X86_USD_PER_GB_S;
        close(&bill["total_usd"], usd, "total_usd");
        close(
            &bill["month"]["total_usd"],
            usd * MONTH_S / 86_399.35,
            "month.total_usd",
        );
        assert!(bill.get("warnings").is_none(), "a day is not short: {bill}");
    }
}

#[test]
fn unix_milliseconds_read_as_seconds_are_refused_with_a_hint() {
    let trace = day_of_unix_rows(UNIX_DAY, 1000);
    coldsim(
        &["cost", "trace.csv", "--init", "250ms"],
        &[("trace.csv", &trace)],
    )
    .assert_user_error(&[
        "trace.csv:2",
        "timestamp",
        "1733356800000",
        "--time-unit ms",
    ]);
}

#[test]
fn relative_seconds_start_the_window_at_the_first_row_too() {
    // The same day, in seconds since midnight from 09:00: the window is the traffic's.
    let bill = cost_trace(
        &day_of_unix_rows(32_400, 1),
        &["--init", "250ms", "--no-break-even"],
    );
    close(&bill["window_s"], 86_399.35, "window_s");
}

#[test]
fn window_says_what_span_the_file_covers() {
    // Traffic from 09:00 to 09:30 of a day's export: --window 1d projects a day, not half an
    // hour, so 30 days are 30 of these days.
    let trace = "timestamp,function,duration_ms\n32400,f,100\n32700,f,100\n34199,f,100\n";
    let bill = cost_trace(
        trace,
        &["--init", "250ms", "--no-break-even", "--window", "1d"],
    );
    close(&bill["window_s"], 86_400.0, "window_s");
    close(&bill["month_factor"], 30.0, "month_factor");
    // Cold, warm 5 minutes later, cold again 25 minutes later: (2 × 250 + 3 × 100) ms at
    // 128 MB.
    count(&bill["cold_starts"], 2, "cold_starts");
    let usd = 3.0 * REQUEST_USD + 0.8 * 0.125 * X86_USD_PER_GB_S;
    close(&bill["month"]["total_usd"], usd * 30.0, "month.total_usd");
    assert!(bill.get("warnings").is_none(), "{bill}");
}

#[test]
fn a_window_shorter_than_the_traffic_is_refused() {
    let trace = "timestamp,function,duration_ms\n0,f,100\n7200,f,100\n";
    coldsim(
        &["cost", "trace.csv", "--init", "250ms", "--window", "1h"],
        &[("trace.csv", trace)],
    )
    .assert_user_error(&["--window 1h", "trace.csv", "2h", "longer --window"]);
}

#[test]
fn a_window_under_an_hour_is_projected_with_a_warning() {
    // 0 to 30 min: the projection extrapolates 30 minutes; it says so on stderr and in
    // cost.json and cost.md.
    let trace = "timestamp,function,duration_ms\n0,f,100\n1799.65,f,100\n";
    let r = coldsim(
        &["cost", "trace.csv", "--init", "250ms", "--no-break-even"],
        &[("trace.csv", trace)],
    );
    let bill = r.bill();
    close(&bill["window_s"], 1800.0, "window_s");
    let warning = bill["warnings"][0].as_str().expect("a warning");
    assert!(warning.contains("under an hour"), "{warning}");
    assert!(warning.contains("1440 times"), "{warning}");
    assert!(
        r.stderr().contains("warning: the window is 30m"),
        "{}",
        r.stderr()
    );
    assert!(r.text("cost.md").contains("under an hour"));
    assert!(r.text("report.html").contains("under an hour"));
    // A window of exactly an hour is not under an hour: no warning.
    let r = coldsim(
        &[
            "cost",
            "trace.csv",
            "--init",
            "250ms",
            "--no-break-even",
            "--window",
            "1h",
        ],
        &[("trace.csv", trace)],
    );
    let bill = r.bill();
    close(&bill["window_s"], 3600.0, "window_s");
    assert!(
        bill.get("warnings")
            .is_none_or(|w| w.as_array().is_some_and(Vec::is_empty)),
        "{bill}"
    );
    assert!(!r.stderr().contains("under an hour"), "{}", r.stderr());
}

// ---------------------------------------------------------------------------------------------
// 6. The provisioned-concurrency break-even.

/// A trace of one function `f`: an invocation every `every_s` seconds, `n` of them, each
/// running `exec_ms`.
fn periodic_trace(every_s: u64, n: u64, exec_ms: u64) -> String {
    let mut text = String::from("timestamp,function,duration_ms\n");
    for k in 0..n {
        text.push_str(&format!("{},f,{exec_ms}\n", k * every_s));
    }
    text
}

/// `coldsim cost trace.csv ARGS` over `trace`.
fn cost_trace(trace: &str, args: &[&str]) -> Value {
    let mut all = vec!["cost", "trace.csv"];
    all.extend_from_slice(args);
    coldsim(&all, &[("trace.csv", trace)]).bill()
}

#[test]
fn provisioned_concurrency_pays_for_a_busy_function() {
    // Every 10 s for an hour (360 invocations at 0, 10, ..., 3590 s), 9 s each, 1024 MB (1 GB),
    // INIT 500 ms: the first is cold (ends at 9.5 s), every later one warm. One container is
    // busy 90 % of the time, peak 1, so the only level examined is 1.
    let trace = periodic_trace(10, 360, 9_000);
    let bill = cost_trace(
        &trace,
        &[
            "--init",
            "500ms",
            "--memory-mb",
            "1024",
            "--keep-alive",
            "10m",
        ],
    );
    let f = function(&bill, "f");
    count(&f["cold_starts"], 1, "cold_starts");
    // Both runs end at 3590 + 9 = 3599 s: the month factor is 2592000 / 3599.
    let factor = MONTH_S / 3599.0;
    close(&bill["window_s"], 3599.0, "window_s");
    // On demand: 360 requests, (360 × 9000 + 500) ms = 3240.5 GB·s at 1.66667e-5.
    let on_demand = factor * (360.0 * REQUEST_USD + 3240.5 * X86_USD_PER_GB_S);
    // 1 provisioned: 360 requests; 1 GB configured for 3599 s rounded up to 5 minutes, 3600 s,
    // at 4.1667e-6; 360 × 9 s = 3240 GB·s served at 9.7222e-6. No cold start.
    let provisioned = factor
        * (360.0 * REQUEST_USD + 3600.0 * PC_USD_PER_GB_S + 3240.0 * PC_DURATION_USD_PER_GB_S);
    // ≈ 38.95 against ≈ 33.54 USD a month.
    assert!(provisioned < on_demand);
    let pc = &f["provisioned"];
    count(&pc["peak_busy"], 1, "peak_busy");
    let levels = pc["levels"].as_array().expect("levels");
    assert_eq!(levels.len(), 2, "{pc}");
    count(&levels[0]["provisioned_concurrency"], 0, "levels[0]");
    close(&levels[0]["month_usd"], on_demand, "levels[0].month_usd");
    close(
        &levels[0]["month_cold_starts"],
        factor,
        "levels[0].month_cold_starts",
    );
    close(&f["month"]["total_usd"], on_demand, "month.total_usd");
    count(&levels[1]["provisioned_concurrency"], 1, "levels[1]");
    close(&levels[1]["month_usd"], provisioned, "levels[1].month_usd");
    close(
        &levels[1]["month_cold_starts"],
        0.0,
        "levels[1].month_cold_starts",
    );
    count(&pc["cheapest"], 1, "cheapest");
    close(
        &pc["month_saving_usd"],
        on_demand - provisioned,
        "month_saving_usd",
    );
    // The total has no break-even of its own.
    assert!(bill.get("provisioned").is_none(), "{bill}");
}

#[test]
fn provisioned_concurrency_does_not_pay_for_a_sparse_function() {
    // Every 11 minutes for a day (131 invocations at 0, 660, ..., 85800 s), 1 s each, INIT 10 s,
    // 1 GB: each container goes idle 11 s after its start and 649 s > 10 minutes before the
    // next arrival, so every start on demand is cold; 1 provisioned container removes them all.
    let trace = periodic_trace(660, 131, 1_000);
    let bill = cost_trace(
        &trace,
        &[
            "--init",
            "10s",
            "--memory-mb",
            "1024",
            "--keep-alive",
            "10m",
        ],
    );
    let f = function(&bill, "f");
    count(&f["cold_starts"], 131, "cold_starts");
    // On demand the run ends at 85800 + 10 + 1 = 85811 s; 131 × 11 s = 1441 GB·s.
    let on_demand_factor = MONTH_S / 85_811.0;
    close(&bill["window_s"], 85_811.0, "window_s");
    let on_demand = on_demand_factor * (131.0 * REQUEST_USD + 1441.0 * X86_USD_PER_GB_S);
    // Provisioned, nothing is cold and the run ends at 85800 + 1 = 85801 s; configured for
    // 85801 s rounded up to 5 minutes, 287 × 300 = 86100 s; 131 GB·s served.
    let provisioned = MONTH_S / 85_801.0
        * (131.0 * REQUEST_USD + 86_100.0 * PC_USD_PER_GB_S + 131.0 * PC_DURATION_USD_PER_GB_S);
    // ≈ 0.73 against ≈ 10.87 USD a month.
    assert!(on_demand < provisioned);
    let pc = &f["provisioned"];
    count(&pc["peak_busy"], 1, "peak_busy");
    let levels = pc["levels"].as_array().expect("levels");
    assert_eq!(levels.len(), 2, "{pc}");
    count(&levels[0]["provisioned_concurrency"], 0, "levels[0]");
    close(&levels[0]["month_usd"], on_demand, "levels[0].month_usd");
    close(
        &levels[0]["month_cold_starts"],
        131.0 * on_demand_factor,
        "levels[0].month_cold_starts",
    );
    count(&levels[1]["provisioned_concurrency"], 1, "levels[1]");
    close(&levels[1]["month_usd"], provisioned, "levels[1].month_usd");
    close(
        &levels[1]["month_cold_starts"],
        0.0,
        "levels[1].month_cold_starts",
    );
    count(&pc["cheapest"], 0, "cheapest");
    close(&pc["month_saving_usd"], 0.0, "month_saving_usd");
}

#[test]
fn no_break_even_leaves_out_the_provisioned_key() {
    let bill = cost_bill(&[]);
    for f in bill["functions"].as_array().expect("functions") {
        assert!(f.get("provisioned").is_none(), "{f}");
    }
    let trace = fixture("cost-bill.csv");
    let with = cost(&[&trace, "--init", "250ms"]).bill();
    for f in with["functions"].as_array().expect("functions") {
        count(
            &f["provisioned"]["levels"][0]["provisioned_concurrency"],
            0,
            "levels[0]",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 7. `coldsim run` over a trace.

/// A scenario in `sub/` whose trace, `sub/trace.csv`, is named relative to it; `extra` is
/// appended (a `[[function]]`).
fn traced_scenario(defaults: &str, extra: &str) -> String {
    format!(
        "name = \"traced\"\nseed = 3\n\n[defaults]\n{defaults}\n[workload]\ntrace = {{ path = \"trace.csv\", format = \"invocations\" }}\n{extra}"
    )
}

const DEFAULTS: &str = "memory_mb = 512\ninit = { dist = \"constant\", ms = 250 }\nkeep_alive = { policy = \"fixed\", idle = \"10m\" }\n";

/// `coldsim run sub/s.toml` with `trace` copied to `sub/trace.csv`; the working directory is
/// the folder above, so a path resolved against it instead of the scenario would not be found.
fn run_traced(scenario: &str, trace: &str) -> Run {
    let text = std::fs::read_to_string(fixture(trace)).expect("the trace fixture");
    coldsim(
        &["run", "sub/s.toml", "--quiet"],
        &[("sub/s.toml", scenario), ("sub/trace.csv", &text)],
    )
}

#[test]
fn a_run_over_a_trace_ends_when_its_last_invocation_does() {
    // cost-bill.csv under [defaults]: the same bill as `coldsim cost` by hand.
    let r = run_traced(&traced_scenario(DEFAULTS, ""), "cost-bill.csv");
    let s = r.json("summary.json");
    // The last row (802 s, worker, 49 ms) is cold: it ends at 802 + 0.25 + 0.049 s.
    close(&s["horizon_s"], 802.299, "horizon_s");
    count(&s["totals"]["invocations"], 7, "invocations");
    count(&s["totals"]["cold_starts"], 4, "cold_starts");
    close(
        &s["totals"]["cost_usd"],
        TOTAL.total_usd(),
        "totals.cost_usd",
    );
    close(
        &s["totals"]["cost"]["billed_gb_s"],
        TOTAL.billed_gb_s,
        "totals.cost.billed_gb_s",
    );
    for (name, e) in [("api", &API), ("worker", &WORKER)] {
        let f = function(&s, name);
        count(&f["invocations"], e.invocations, name);
        count(&f["cold_starts"], e.cold_starts, name);
        count(&f["memory_mb"], 512, name);
        close(&f["cost_usd"], e.total_usd(), &format!("{name}.cost_usd"));
        close(
            &f["cost"]["init_usd"],
            e.init_usd,
            &format!("{name}.init_usd"),
        );
    }
}

#[test]
fn a_run_projects_its_bill_to_30_days_as_cost_does() {
    // The window is the whole run, 802.299 s; below the first tier and without the free tier
    // the 30-day bill is the window's bill times 30 days / 802.299 s, per function and in
    // total, in summary.json, functions.csv and the report.
    let r = run_traced(&traced_scenario(DEFAULTS, ""), "cost-bill.csv");
    let s = r.json("summary.json");
    let factor = 30.0 * 86_400.0 / 802.299;
    close(
        &s["totals"]["month_cost_usd"],
        TOTAL.total_usd() * factor,
        "totals.month_cost_usd",
    );
    for (name, e) in [("api", &API), ("worker", &WORKER)] {
        close(
            &function(&s, name)["month_cost_usd"],
            e.total_usd() * factor,
            &format!("{name}.month_cost_usd"),
        );
    }
    let csv = r.text("functions.csv");
    let header: Vec<&str> = csv.lines().next().expect("a header").split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "month_cost_usd")
        .expect("a month_cost_usd column");
    let api: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("api,"))
        .expect("api's row")
        .split(',')
        .collect();
    let month: f64 = api[column].parse().expect("a number");
    assert!((month - API.total_usd() * factor).abs() < 1e-8, "{month}");
    assert!(
        r.text("report.html").contains("30-day projection [USD]"),
        "the report shows the 30-day projection"
    );
}

#[test]
fn a_function_entry_overrides_defaults_for_a_trace_function() {
    // worker at 2048 MB (2 GB): (199 + 500) ms × 2 GB = 1.398 GB·s, 2.33000466e-5 USD, plus
    // 3 requests: 2.39000466e-5 USD. api keeps [defaults]: 7.0666792e-6 USD.
    let entry = "\n[[function]]\nname = \"worker\"\nmemory_mb = 2048\n";
    let r = run_traced(&traced_scenario(DEFAULTS, entry), "cost-bill.csv");
    let s = r.json("summary.json");
    let worker = function(&s, "worker");
    count(&worker["memory_mb"], 2048, "worker.memory_mb");
    count(&worker["invocations"], 3, "worker.invocations");
    close(
        &worker["cost_usd"],
        3.0 * REQUEST_USD + 1.398 * X86_USD_PER_GB_S,
        "worker.cost_usd",
    );
    count(&function(&s, "api")["memory_mb"], 512, "api.memory_mb");
    close(
        &s["totals"]["cost_usd"],
        7.0 * REQUEST_USD + (0.376 + 1.398) * X86_USD_PER_GB_S,
        "totals.cost_usd",
    );
}

#[test]
fn a_function_entry_wins_over_the_memory_a_trace_gives() {
    // cost-bill-memory.csv gives api 1024 MB and 2048 MB on its first two rows; the
    // [[function]] entry says 256 MB, and `Scenario::trace_function` documents that the entry
    // "wins over what the trace says of it". api at 256 MB (0.25 GB): (252 + 500) ms × 0.25 GB
    // = 0.188 GB·s.
    let entry = "\n[[function]]\nname = \"api\"\nmemory_mb = 256\n";
    let r = run_traced(&traced_scenario(DEFAULTS, entry), "cost-bill-memory.csv");
    let s = r.json("summary.json");
    let api = function(&s, "api");
    count(&api["memory_mb"], 256, "api.memory_mb");
    close(&api["cost"]["billed_gb_s"], 0.188, "api.cost.billed_gb_s");
    close(
        &api["cost_usd"],
        4.0 * REQUEST_USD + 0.188 * X86_USD_PER_GB_S,
        "api.cost_usd",
    );
}

#[test]
fn a_trace_without_defaults_init_is_refused() {
    let defaults = "memory_mb = 512\n";
    let r = run_traced(&traced_scenario(defaults, ""), "cost-bill.csv");
    r.assert_user_error(&["defaults.init", "sub/s.toml"]);
}

// ---------------------------------------------------------------------------------------------
// 8. Determinism.

#[test]
fn the_same_command_gives_identical_files() {
    // The python3.12 preset samples init times and the break-even runs the trace again: both
    // follow the seed.
    let trace = fixture("azure-functions-2021-sample.csv");
    let args = [
        trace.as_str(),
        "--format",
        "azure2021",
        "--seed",
        "5",
        "--init",
        "python3.12",
    ];
    let (a, b) = (cost(&args), cost(&args));
    a.assert_success();
    b.assert_success();
    for name in ["cost.json", "cost.csv", "cost.md"] {
        let bytes = a.read(name);
        assert!(!bytes.is_empty(), "{name} is empty");
        assert!(bytes == b.read(name), "{name} differs between runs");
    }
    // What it prints is cost.md.
    let md = String::from_utf8(a.read("cost.md")).expect("UTF-8");
    assert!(a.stdout().starts_with(&md), "{}", a.stdout());
}

#[test]
fn ephemeral_storage_above_512_mb_is_billed_and_counted_in_the_total() {
    // Ten requests of exactly 1 s at 1 GB memory and 1536 MB of storage, each cold (no
    // keep-alive) with no init: 10 billed GB-s of compute, and 1 GB of storage above 512 MB
    // over the same 10 s at 3.09e-8 USD per GB-s.
    let s = coldsim::parse(
        "name = \"e\"\nduration = \"100s\"\n[[function]]\nname = \"f\"\nmemory_mb = 1024\nephemeral_storage_mb = 1536\narrival = { process = \"periodic\", every = \"10s\" }\ninit = { dist = \"constant\", ms = 0 }\nexec = { dist = \"constant\", ms = 1000 }\nkeep_alive = { policy = \"none\" }\n",
        "e.toml",
    )
    .expect("valid");
    let c = coldsim::run(&s, 1).expect("runs").totals.cost;
    let rel = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
    assert!(rel(c.ephemeral_storage_usd, 10.0 * 3.09e-8), "{c:?}");
    assert!(rel(c.compute_usd, 10.0 * 1.66667e-5), "{c:?}");
    assert!(
        rel(
            c.total_usd,
            c.requests_usd + c.compute_usd + c.ephemeral_storage_usd
        ),
        "{c:?}"
    );
    assert!(rel(c.requests_usd, 10.0 * 2e-7), "{c:?}");
}
