//! CloudWatch logs as a trace: the same invocations from each layout users export (filter-log-events JSON in text and JSON log format, Logs Insights CSV, `aws logs tail` lines), paired, ordered and named exactly; every malformed record refused with its file, line and field.

use std::path::{Path, PathBuf};

use coldsim::input::trace::cloudwatch::{LogInvocation, LogOptions, LogReader, Skipped};
use coldsim::input::trace::{TraceFormat, TraceOptions, TraceReader};
use coldsim::rng::Streams;
use coldsim::time::SimTime;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cloudwatch")
        .join(name)
}

fn read_all(paths: &[PathBuf], options: &LogOptions) -> (Vec<LogInvocation>, LogReader) {
    let mut reader = LogReader::open(paths, options).expect("opens");
    let mut all = Vec::new();
    while let Some(i) = reader.next_invocation().expect("valid") {
        all.push(i);
    }
    (all, reader)
}

/// 2024-01-15T10:00:00Z [µs since the epoch].
const TEN: i64 = 1_705_312_800_000_000;

#[test]
fn every_layout_gives_the_same_four_invocations() {
    let expected = [
        // r1: START at 10:00:00.000 less its 130.63 ms init.
        (TEN - 130_630, Some(0), 250_500, Some(130_630), 382),
        // r2: START at 10:00:00.200 less 140 ms.
        (TEN + 60_000, Some(1), 300_000, Some(140_000), 440),
        // r3, warm on r1's environment.
        (TEN + 5_000_000, Some(0), 80_250, None, 81),
        // r4 has no START: its REPORT at 10:01:00.050 less its 50 ms.
        (TEN + 60_000_000, Some(0), 50_000, None, 50),
    ];
    for file in [
        "api.json",
        "api-jsonformat.json",
        "insights.csv",
        "api-tail.txt",
    ] {
        let (all, reader) = read_all(&[fixture(file)], &LogOptions::default());
        let got: Vec<_> = all
            .iter()
            .map(|i| (i.at_us, i.environment, i.exec_us, i.init_us, i.billed_ms))
            .collect();
        assert_eq!(got, expected, "{file}");
        assert!(
            all.iter().all(|i| i.memory_mb == 512 && i.function == 0),
            "{file}"
        );
        assert_eq!(reader.environments(), 2, "{file}");
        // END three times, one line of the function's own; INIT_START twice, read for the
        // runtime.
        assert_eq!(
            reader.skipped(),
            Skipped {
                lines: 4,
                unreported: 0
            },
            "{file}"
        );
        // The function from the log group where the layout has one, else the file's name.
        let name = &reader.functions()[0].0;
        let want = if file == "insights.csv" {
            "api"
        } else {
            file.split('.').next().unwrap_or_default()
        };
        assert_eq!(name, want, "{file}");
        assert_eq!(reader.runtime(name), Some("python3.12"), "{file}");
        assert_eq!(reader.runtime("other"), None);
    }
}

#[test]
fn a_trace_of_logs_starts_at_its_first_arrival() {
    let options = TraceOptions {
        format: TraceFormat::Cloudwatch,
        function: Some("checkout".into()),
        ..TraceOptions::default()
    };
    let mut reader =
        TraceReader::open(&fixture("api.json"), &options, Streams::trace_stream(0)).expect("opens");
    let mut at = Vec::new();
    while let Some(a) = reader.next_arrival().expect("valid") {
        at.push((a.at, a.exec.map(|e| e.0), a.memory_mb));
    }
    assert_eq!(
        at,
        [
            (SimTime(0), Some(250_500), Some(512)),
            (SimTime(190_630), Some(300_000), Some(512)),
            (SimTime(5_130_630), Some(80_250), Some(512)),
            (SimTime(60_130_630), Some(50_000), Some(512)),
        ]
    );
    assert_eq!(reader.functions()[0].name, "checkout");
}

#[test]
fn several_files_merge_in_arrival_order() {
    let (all, reader) = read_all(
        &[fixture("api-tail.txt"), fixture("insights.csv")],
        &LogOptions::default(),
    );
    assert_eq!(all.len(), 8);
    assert!(all.windows(2).all(|w| w[0].at_us <= w[1].at_us));
    // Two functions (the file's name and the group's), two environments each.
    assert_eq!(reader.functions().len(), 2);
    assert_eq!(reader.environments(), 4);
    // At the same instant, the earlier file first.
    assert_eq!((all[0].function, all[1].function), (0, 1));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn error_of(text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "fn.txt", text);
    let outcome = LogReader::open(&[p], &LogOptions::default()).and_then(|mut reader| {
        while reader.next_invocation()?.is_some() {}
        Ok(())
    });
    match outcome {
        Ok(()) => String::new(),
        Err(e) => e.to_string().replace(&dir.path().display().to_string(), ""),
    }
}

#[test]
fn a_malformed_record_names_the_file_line_and_field() {
    let t = "2024-01-15T10:00:00.000000+00:00 2024/01/15/[$LATEST]a";
    let cases = [
        (
            format!(
                "{t} START RequestId: r1\n{t} REPORT RequestId: r1\tDuration: ten ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\n"
            ),
            "/fn.txt:2: field Duration: \"ten\" is not a number; expected a number of ms",
        ),
        (
            format!("{t} REPORT RequestId: r1\tDuration: 1 ms\tMemory Size: 128 MB\n"),
            "/fn.txt:1: field Billed Duration: is missing from the REPORT record",
        ),
        (
            format!(
                "{t} REPORT RequestId: r1\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 0 MB\n"
            ),
            "/fn.txt:1: field Memory Size: is 0; expected the function's memory in MB",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(error_of(&text), want);
    }
    // Out of time order, with the hint.
    let back = "2024-01-15T10:00:01.000000+00:00 x\n2024-01-15T10:00:00.000000+00:00 y\n";
    let e = error_of(back);
    assert!(
        e.starts_with("/fn.txt:2: field timestamp: is before the previous event's"),
        "{e}"
    );
    assert!(e.contains("--sort"), "{e}");
}

#[test]
fn sort_reads_a_newest_first_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture("insights.csv")).expect("fixture");
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = format!("{header}\n{}\n", lines.join("\n"));
    let p = write(dir.path(), "newest-first.csv", &reversed);
    assert!(
        LogReader::open(std::slice::from_ref(&p), &LogOptions::default())
            .and_then(|mut r| loop {
                if r.next_invocation()?.is_none() {
                    break Ok(());
                }
            })
            .is_err()
    );
    let (all, _) = read_all(
        &[p],
        &LogOptions {
            sort: true,
            ..LogOptions::default()
        },
    );
    let (want, _) = read_all(&[fixture("insights.csv")], &LogOptions::default());
    assert_eq!(all.len(), want.len());
    assert_eq!(
        all.iter().map(|i| i.at_us).collect::<Vec<_>>(),
        want.iter().map(|i| i.at_us).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// The bill as recorded, beside the bill as simulated

/// [USD per request], and x86_64 / arm64 duration in the first tier [USD per GB·s], of the
/// built-in sheet.
const REQUEST_USD: f64 = 2e-7;
const X86_USD_PER_GB_S: f64 = 1.66667e-5;
const ARM_USD_PER_GB_S: f64 = 1.33334e-5;

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{a} != {b}");
}

#[test]
fn the_recorded_figures_are_the_records_own() {
    use coldsim::analysis::reconcile::record;
    use coldsim::cost::{Arch, BillingModel, CostOptions, Prices};
    let prices = Prices::built_in(BillingModel::AwsLambda);
    let mut logs = LogReader::open(&[fixture("api.json")], &LogOptions::default()).expect("opens");
    let r = record(&mut logs, &prices, Arch::X86_64, CostOptions::default()).expect("valid");
    // Billed 382 + 440 + 81 + 50 ms at 512 MB.
    let gb_s = 953.0 * 0.5 / 1000.0;
    assert_eq!(r.figures.invocations, 4);
    assert_eq!(r.figures.cold_starts, 2);
    assert_eq!(r.figures.environments, Some(2));
    close(r.figures.billed_gb_s, gb_s);
    close(
        r.figures.total_usd,
        4.0 * REQUEST_USD + gb_s * X86_USD_PER_GB_S,
    );
    // Environment a: from r1's arrival (09:59:59.869370) to r4's end (10:01:00.050000);
    // environment b: r2 alone, 440 ms.
    close(r.lives.max_life_s.expect("lives"), 60.180_63);
    close(
        r.lives.mean_life_s.expect("lives"),
        (60.180_63 + 0.44) / 2.0,
    );
    // Reused twice: r3 4.7495 s after r1 ended, r4 54.91975 s after r3.
    assert_eq!(r.lives.reuses, 2);
    close(r.lives.max_idle_before_reuse_s.expect("reuses"), 54.919_75);
    let p50 = r.lives.p50_idle_before_reuse_s.expect("reuses");
    assert!((p50 - 4.7495).abs() <= 4.7495e-3, "{p50}");
    assert_eq!(
        r.inits_ms,
        vec![("api".to_string(), 512, vec![130.63, 140.0])]
    );
    // On arm64, the same records at arm64's rate.
    let mut logs = LogReader::open(&[fixture("api.json")], &LogOptions::default()).expect("opens");
    let arm = record(&mut logs, &prices, Arch::Arm64, CostOptions::default()).expect("valid");
    close(
        arm.figures.total_usd,
        4.0 * REQUEST_USD + gb_s * ARM_USD_PER_GB_S,
    );
}

fn cost_json(args: &[&str]) -> (serde_json::Value, std::process::Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = assert_cmd::Command::cargo_bin("coldsim")
        .expect("the binary")
        .args([
            "cost",
            "--format",
            "cloudwatch",
            "--quiet",
            "--no-break-even",
            "--out",
        ])
        .arg(&out)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    let json = std::fs::read(out.join("cost.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("JSON"))
        .unwrap_or(serde_json::Value::Null);
    (json, output)
}

#[test]
fn cost_of_logs_puts_the_recorded_bill_beside_the_simulated_one() {
    let api = fixture("api.json").display().to_string();
    let (json, output) = cost_json(&[&api]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let keys = |v: &serde_json::Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        keys(&json["recorded"]),
        [
            "billed_gb_s",
            "cold_starts",
            "environments",
            "invocations",
            "total_usd"
        ]
    );
    assert_eq!(keys(&json["recorded"]), keys(&json["simulated"]));
    assert_eq!(keys(&json["recorded"]), keys(&json["difference"]));
    let gb_s = 953.0 * 0.5 / 1000.0;
    close(
        json["recorded"]["total_usd"].as_f64().expect("a number"),
        4.0 * REQUEST_USD + gb_s * X86_USD_PER_GB_S,
    );
    // The same arrivals and handler times: the same invocations, and each function's memory
    // is its records'.
    assert_eq!(json["simulated"]["invocations"], 4);
    assert_eq!(json["functions"][0]["memory_mb"], 512);
    let diff = |k: &str| {
        json["simulated"][k].as_f64().expect("a number")
            - json["recorded"][k].as_f64().expect("a number")
    };
    for k in [
        "invocations",
        "cold_starts",
        "environments",
        "billed_gb_s",
        "total_usd",
    ] {
        close(json["difference"][k].as_f64().expect("a number"), diff(k));
    }
    // Priced on several platforms, Lambda's bill is the same: each function's init sampled
    // from its logs there too.
    let (many, o) = cost_json(&[&api, "--platform", "aws-lambda,google-cloud-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(many["platforms"][0]["total_usd"], json["total_usd"]);
    assert_eq!(many["platforms"][0]["p99_ms"], json["p99_ms"]);
    // The logs do not say the architecture: --arch gives it, for the record and the run.
    let (arm, _) = cost_json(&[&api, "--arch", "arm64"]);
    close(
        arm["recorded"]["total_usd"].as_f64().expect("a number"),
        4.0 * REQUEST_USD + gb_s * ARM_USD_PER_GB_S,
    );
    assert!(
        arm["simulated"]["total_usd"].as_f64() < json["simulated"]["total_usd"].as_f64(),
        "{} against {}",
        arm["simulated"]["total_usd"],
        json["simulated"]["total_usd"]
    );
}

#[test]
fn a_malformed_log_is_one_line_naming_the_record_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "api.txt",
        "2024-01-15T10:00:00.000000+00:00 2024/01/15/[$LATEST]a REPORT RequestId: r1\tDuration: 1 ms\tBilled Duration: x ms\tMemory Size: 128 MB\n",
    );
    let (json, output) = cost_json(&[&p.display().to_string()]);
    assert!(!output.status.success());
    assert_eq!(json, serde_json::Value::Null);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("api.txt:1: field Billed Duration: \"x\" is not a number"),
        "{stderr}"
    );
    // Several files are for logs only.
    let output = assert_cmd::Command::cargo_bin("coldsim")
        .expect("the binary")
        .args(["cost", "a.csv", "b.csv", "--quiet"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("b.csv: one traffic file at a time"));
}

#[test]
fn memory_holds_the_last_minutes_not_the_file() {
    // Three hours of one invocation a second, each with its START: the reader never holds more
    // than the invocations of the last 920 s (and one START), however long the file.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..10_800u64 {
        let t = |ms: u64| {
            let (s, ms) = (i + ms / 1000, ms % 1000);
            format!(
                "2024-01-15T{:02}:{:02}:{:02}.{ms:03}000+00:00 2024/01/15/[$LATEST]a",
                s / 3600,
                s / 60 % 60,
                s % 60
            )
        };
        text.push_str(&format!(
            "{} START RequestId: r{i} Version: $LATEST\n",
            t(0)
        ));
        text.push_str(&format!(
            "{} REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\n",
            t(10)
        ));
    }
    let p = write(dir.path(), "steady.txt", &text);
    let mut reader = LogReader::open(&[p], &LogOptions::default()).expect("opens");
    let (mut count, mut most) = (0, 0);
    while reader.next_invocation().expect("valid").is_some() {
        count += 1;
        most = most.max(reader.held());
    }
    assert_eq!(count, 10_800);
    assert!((900..=922).contains(&most), "held at most {most}");
}

// ---------------------------------------------------------------------------------------------
// A scenario fitted from logs

fn fitted(paths: &[PathBuf]) -> coldsim::analysis::fit::Fit {
    let mut logs = LogReader::open(paths, &LogOptions::default()).expect("opens");
    coldsim::analysis::fit::fit(&mut logs).expect("valid")
}

#[test]
fn a_fitted_scenario_replays_the_logs_with_their_counts() {
    use coldsim::analysis::fit::{FitArrivals, FitDist};
    let path = fixture("api.json");
    let fit = fitted(std::slice::from_ref(&path));
    let f = &fit.functions[0];
    assert_eq!((f.invocations, f.cold_starts, f.memory_mb), (4, 2, 512));
    assert_eq!(f.exec_ms, [250.5, 300.0, 80.25, 50.0]);
    assert_eq!(f.init_ms, [130.63, 140.0]);
    // Reused after 4.7495 s and 54.91975 s idle; nothing seen to expire: at least 55 s.
    assert_eq!(f.keep_alive.warm_reuses, 2);
    assert_eq!(f.keep_alive.expired, 0);
    assert_eq!(f.keep_alive.window(), Some((55.0, None)));
    let text = fit.to_toml(
        "api",
        (&[path.display().to_string()], None),
        FitArrivals::Trace,
        FitDist::Empirical,
    );
    let s = coldsim::parse(&text, "fit.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let summary = coldsim::run(&s, s.seed).expect("runs");
    // The invocations exactly; the cold starts too: the two overlapping first arrivals need
    // two environments, and no idle time reaches the fitted window.
    assert_eq!(summary.totals.invocations, 4);
    assert_eq!(summary.totals.cold_starts, 2);
}

#[test]
fn the_keep_alive_lies_between_the_longest_reuse_and_the_shortest_expiry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = |s: u64, stream: &str, id: &str, init: bool| {
        let t = format!(
            "2024-01-15T10:{:02}:{:02}.000000+00:00 2024/01/15/[$LATEST]{stream}",
            s / 60,
            s % 60
        );
        let init = if init {
            "\tInit Duration: 100.00 ms"
        } else {
            ""
        };
        format!(
            "{t} START RequestId: {id}\n{t} REPORT RequestId: {id}\tDuration: 0.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB{init}\n"
        )
    };
    // Environment a serves at 0, 10, 30 and 60 s (idle 10, 20 and 30 s before each reuse),
    // then never again although b starts cold at 160 s (its START, logged after its 100 ms
    // init: it arrived at 159.9 s): a was gone after 99.9 s idle.
    let mut text = String::new();
    for (s, stream, id, init) in [
        (0, "a", "r1", true),
        (10, "a", "r2", false),
        (30, "a", "r3", false),
        (60, "a", "r4", false),
        (160, "b", "r5", true),
    ] {
        text.push_str(&line(s, stream, id, init));
    }
    let p = write(dir.path(), "f.txt", &text);
    let fit = fitted(&[p]);
    let k = fit.functions[0].keep_alive;
    assert_eq!((k.warm_reuses, k.expired), (3, 1));
    assert_eq!(k.longest_warm_gap_s, Some(30.0));
    assert_eq!(k.shortest_expired_gap_s, Some(99.9));
    assert_eq!(k.window(), Some(((30.0 + 99.9) / 2.0, None)));
    // Bounds that disagree say the window varies: uniform between them.
    let conflict = coldsim::analysis::fit::KeepAliveEvidence {
        longest_warm_gap_s: Some(120.0),
        shortest_expired_gap_s: Some(100.0),
        ..k
    };
    assert_eq!(conflict.window(), Some((100.0, Some(120.0))));
}

#[test]
fn fit_writes_a_scenario_that_runs_and_refuses_logs_without_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fit");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("coldsim")
            .expect("the binary")
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("runs")
    };
    let api = fixture("api.json").display().to_string();
    let o = run(&["fit", &api, "--quiet", "--out", &out.display().to_string()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scenario = out.join("scenario.toml");
    let evidence: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("fit.json")).expect("fit.json"))
            .expect("JSON");
    assert_eq!(evidence[0]["keep_alive_s"], 55.0);
    let o = run(&[
        "run",
        &scenario.display().to_string(),
        "--quiet",
        "--out",
        &dir.path().join("run").display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let empty = write(
        dir.path(),
        "empty.txt",
        "2024-01-15T10:00:00.000000+00:00 hello\n",
    );
    let o = run(&[
        "fit",
        &empty.display().to_string(),
        "--quiet",
        "--out",
        &dir.path().join("e").display().to_string(),
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no REPORT records"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!dir.path().join("e").join("scenario.toml").exists());
}

/// The CloudWatch text lines (`aws logs tail`) of a coldsim run: a START when the handler
/// starts (after any init), a REPORT at its end, the container as the log stream.
fn logs_of(run: &[coldsim::sim::invocation::Invocation]) -> String {
    use coldsim::sim::invocation::Start;
    let mut events: Vec<(u64, u8, String)> = Vec::new();
    for (k, i) in run.iter().enumerate() {
        let Some(c) = i.container else { continue };
        let start = i.arrived.as_micros() + i.queued.as_micros() + i.init.as_micros();
        let end = start + i.exec.as_micros();
        let stream = format!("2024/01/15/[$LATEST]{:08x}", c.0);
        let at = |us: u64| {
            let (s, ms) = (us / 1_000_000, us / 1000 % 1000);
            format!(
                "2024-01-{:02}T{:02}:{:02}:{:02}.{ms:03}000+00:00 {stream}",
                15 + s / 86_400,
                s / 3600 % 24,
                s / 60 % 60,
                s % 60
            )
        };
        let init = if i.start == Start::Cold {
            format!(
                "\tInit Duration: {}.{:03} ms",
                i.init.as_micros() / 1000,
                i.init.as_micros() % 1000
            )
        } else {
            String::new()
        };
        let exec = i.exec.as_micros();
        events.push((
            start,
            0,
            format!("{} START RequestId: r{k} Version: $LATEST", at(start)),
        ));
        events.push((end, 1, format!(
            "{} REPORT RequestId: r{k}\tDuration: {}.{:03} ms\tBilled Duration: {} ms\tMemory Size: 128 MB{init}",
            at(end), exec / 1000, exec % 1000, exec.div_ceil(1000)
        )));
    }
    events.sort_by_key(|e| (e.0 / 1000, e.1));
    events.into_iter().map(|e| e.2 + "\n").collect()
}

#[test]
fn logs_of_a_known_keep_alive_fit_it_and_the_fitted_run_has_the_cold_starts_expected() {
    use coldsim::analysis::fit::{FitArrivals, FitDist};
    // A day of Poisson traffic, one every 200 s on average, 10 ms handlers, 100 ms inits,
    // kept 10 minutes: its logs, then what fit makes of them.
    let text = "name = \"k\"\nseed = 7\nduration = \"1d\"\n[[function]]\nname = \"k\"\nmemory_mb = 128\n\
        arrival = { process = \"poisson\", rate_per_s = 0.005 }\n\
        exec = { dist = \"constant\", ms = 10 }\ninit = { dist = \"constant\", ms = 100 }\n\
        keep_alive = { policy = \"fixed\", idle = \"10m\" }\n";
    let s = coldsim::parse(text, "k.toml").expect("valid");
    let mut sim = coldsim::sim::engine::Simulation::new(&s);
    let mut seen = Vec::new();
    sim.run(&mut seen);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "k.txt", &logs_of(&seen));
    let fit = fitted(std::slice::from_ref(&path));
    let f = &fit.functions[0];
    let cold = seen
        .iter()
        .filter(|i| i.start == coldsim::sim::invocation::Start::Cold)
        .count() as u64;
    assert_eq!((f.invocations, f.cold_starts), (seen.len() as u64, cold));
    // The window the evidence allows holds the true 600 s (to the logs' millisecond).
    let k = f.keep_alive;
    let (lo, hi) = (
        k.longest_warm_gap_s.expect("reuses"),
        k.shortest_expired_gap_s.expect("expiries"),
    );
    assert!(lo <= 600.001 && 599.999 < hi, "[{lo}, {hi})");
    // Replayed, the invocations exactly.
    let replay = fit.to_toml(
        "k",
        (&[path.display().to_string()], None),
        FitArrivals::Trace,
        FitDist::Empirical,
    );
    let r = coldsim::run(&coldsim::parse(&replay, "r.toml").expect("valid"), 1).expect("runs");
    assert_eq!(r.totals.invocations, seen.len() as u64);
    // Fitted, a Poisson process at the logs' rate λ with the fitted window W: an arrival is
    // cold when the gap before it exceeds W plus the 10 ms handler (plus the init before it,
    // after a cold one), so over the day the cold starts are, but for the first, Poisson with
    // mean Λ = λ·T·exp(−λ·(W + 0.01 s)) less at most λ·T·λ·0.1 s for the inits. The count
    // lies within Λ ± 3.29 √Λ (99.9 %), widened by that bound.
    let fitted_text = fit.to_toml("k", (&[], None), FitArrivals::Fitted, FitDist::Empirical);
    let doc: toml::Table = toml::from_str(&fitted_text).expect("TOML");
    let func = &doc["function"].as_array().expect("functions")[0];
    let rate = func["arrival"]["rate_per_s"]
        .as_float()
        .expect("a Poisson rate");
    let window =
        coldsim::time::SimDuration::parse(func["keep_alive"]["idle"].as_str().expect("fixed"))
            .expect("a span")
            .as_micros() as f64
            / 1e6;
    let f_s = coldsim::parse(&fitted_text, "f.toml").expect("valid");
    let day = f_s.duration.expect("a duration").as_micros() as f64 / 1e6;
    let runs = coldsim::run(&f_s, 3).expect("runs");
    let mean = rate * day * (-rate * (window + 0.01)).exp();
    let bias = rate * day * rate * 0.1;
    let c = runs.totals.cold_starts as f64 - 1.0;
    assert!(
        (c - mean).abs() <= 3.29 * mean.sqrt() + bias,
        "{c} cold starts against {mean:.1} ± {:.1}",
        3.29 * mean.sqrt() + bias
    );
}

#[test]
fn restores_streamless_logs_a_regional_sheet_and_the_init_sample_bound() {
    use coldsim::analysis::reconcile::{INIT_SAMPLES, record};
    use coldsim::cost::{Arch, BillingModel, CostOptions, Prices};
    let dir = tempfile::tempdir().expect("tempdir");
    let built_in = Prices::built_in(BillingModel::AwsLambda);
    let read = |name: &str, text: &str, prices: &Prices| {
        let p = write(dir.path(), name, text);
        let mut logs = LogReader::open(&[p], &LogOptions::default()).expect("opens");
        record(&mut logs, prices, Arch::X86_64, CostOptions::default()).expect("valid")
    };
    // A SnapStart restore is a cold start, counted as a restore too.
    let t = "2024-01-15T10:00:00.000000+00:00 2024/01/15/[$LATEST]a";
    let restored = read(
        "r.txt",
        &format!(
            "{t} REPORT RequestId: r1\tDuration: 2.00 ms\tBilled Duration: 474 ms\tMemory Size: 512 MB\tRestore Duration: 471.97 ms\n"
        ),
        &built_in,
    );
    assert_eq!((restored.figures.cold_starts, restored.restores), (1, 1));
    // `aws logs tail --format short` names no stream: no environments to count.
    let short = read(
        "s.txt",
        "2024-01-15T10:00:00 REPORT RequestId: r1\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\n",
        &built_in,
    );
    assert_eq!(short.figures.environments, None);
    assert_eq!(short.lives.mean_life_s, None);
    // A sheet of the user's own region prices the record.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("prices/aws-lambda-us-east-1.toml"),
    )
    .expect("the built-in sheet");
    let dear = Prices::from_toml(&text.replace(
        "usd_per_request = { x86_64 = 2e-7, arm64 = 2e-7 }",
        "usd_per_request = { x86_64 = 4e-7, arm64 = 4e-7 }",
    ))
    .expect("a sheet");
    assert_ne!(dear, built_in);
    let cheap = read(
        "c.txt",
        &format!(
            "{t} REPORT RequestId: r1\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\n"
        ),
        &built_in,
    );
    let regional = read(
        "d.txt",
        &format!(
            "{t} REPORT RequestId: r1\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\n"
        ),
        &dear,
    );
    close(regional.figures.total_usd - cheap.figures.total_usd, 2e-7);
    // Init times kept for sampling: the first INIT_SAMPLES of a function, no more.
    let mut many = String::new();
    for i in 0..=INIT_SAMPLES {
        many.push_str(&format!(
            "{t} REPORT RequestId: r{i}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tInit Duration: 100.00 ms\n"
        ));
    }
    let bounded = read("m.txt", &many, &built_in);
    assert_eq!(bounded.figures.cold_starts, INIT_SAMPLES as i64 + 1);
    assert_eq!(bounded.inits_ms[0].2.len(), INIT_SAMPLES);
}

/// A `tail` line at `s` seconds (and `ms`) after 10:00:00 on log stream `stream`.
fn tail_at(s: u64, ms: u64, stream: &str, message: &str) -> String {
    format!(
        "2024-01-15T{:02}:{:02}:{:02}.{ms:03}000+00:00 2024/01/15/[$LATEST]{stream} {message}\n",
        10 + s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[test]
fn a_long_cold_start_holds_back_warm_invocations_until_its_report() {
    // Y's START at 10:00:10 after a 15 s init (so it arrived at 9:59:55); X, a warm invocation
    // without a START, ends at 10:00:10 after 5 s (arrived at 10:00:05). X is read first, but
    // Y arrived first: X waits until the START's REPORT, however long an init may be (20 s).
    // W's START is never answered; V comes last.
    let dir = tempfile::tempdir().expect("tempdir");
    let report = |id: &str, ms: u64, init: &str| {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms}.00 ms\tBilled Duration: {ms} ms\tMemory Size: 128 MB{init}"
        )
    };
    let text = [
        tail_at(10, 0, "y", "START RequestId: y Version: $LATEST"),
        tail_at(10, 0, "x", &report("x", 5000, "")),
        tail_at(
            11,
            0,
            "y",
            &report("y", 100, "\tInit Duration: 15000.00 ms"),
        ),
        tail_at(12, 0, "w", "START RequestId: w Version: $LATEST"),
        "    a continuation line of the function's own output\n".to_string(),
        tail_at(13, 0, "v", &report("v", 10, "")),
    ]
    .concat();
    let p = write(dir.path(), "order.txt", &text);
    let mut reader = LogReader::open(&[p], &LogOptions::default()).expect("opens");
    let first = reader.next_invocation().expect("valid").expect("Y");
    assert_eq!(first.at_us, TEN - 5_000_000);
    // Held now: V waiting and W's START (X, next in line, is already out of the file's
    // queue).
    assert_eq!(reader.held(), 2);
    let rest: Vec<i64> = std::iter::from_fn(|| reader.next_invocation().expect("valid"))
        .map(|i| i.at_us)
        .collect();
    assert_eq!(rest, [TEN + 5_000_000, TEN + 12_990_000]);
    assert_eq!(
        reader.skipped(),
        Skipped {
            lines: 1,
            unreported: 1
        }
    );
    // Sorted first, the same invocations and the same lines skipped.
    let p = write(dir.path(), "order.txt", &text);
    let options = LogOptions {
        sort: true,
        ..LogOptions::default()
    };
    let (all, reader) = read_all(&[p], &options);
    let at: Vec<i64> = all.iter().map(|i| i.at_us).collect();
    assert_eq!(at, [TEN - 5_000_000, TEN + 5_000_000, TEN + 12_990_000]);
    assert_eq!(
        reader.skipped(),
        Skipped {
            lines: 1,
            unreported: 1
        }
    );
}

#[test]
fn a_start_never_answered_is_given_up_once_the_file_is_past_it() {
    // An orphan START at 10:00:00, then one invocation a second for 2,000 s: once the file is
    // 920 s past the orphan it is given up (counted at once) and stops holding the rest back.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = tail_at(0, 0, "o", "START RequestId: orphan Version: $LATEST");
    for i in 1..2_000u64 {
        text.push_str(&tail_at(
            i,
            0,
            "a",
            &format!("START RequestId: r{i} Version: $LATEST"),
        ));
        text.push_str(&tail_at(
            i,
            10,
            "a",
            &format!("REPORT RequestId: r{i}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB"),
        ));
    }
    let p = write(dir.path(), "orphan.txt", &text);
    let mut reader = LogReader::open(&[p], &LogOptions::default()).expect("opens");
    let mut most = 0;
    let mut given_up_by_1500 = None;
    while let Some(i) = reader.next_invocation().expect("valid") {
        most = most.max(reader.held());
        if given_up_by_1500.is_none() && i.at_us >= TEN + 1_500_000_000 {
            given_up_by_1500 = Some(reader.skipped().unreported);
        }
    }
    assert_eq!(given_up_by_1500, Some(1));
    assert!(most <= 922, "held at most {most}");
    assert_eq!(reader.skipped().unreported, 1);
}

#[test]
fn a_log_group_names_its_function_with_or_without_an_account() {
    use coldsim::input::trace::cloudwatch::function_of_group;
    assert_eq!(function_of_group("/aws/lambda/api"), "api");
    assert_eq!(
        function_of_group("123456789012:/aws/lambda/api:live"),
        "api"
    );
    assert_eq!(function_of_group("123456789012:api"), "api");
    assert_eq!(function_of_group("prod:api"), "prod:api");
    assert_eq!(function_of_group("api"), "api");
}

#[test]
fn an_init_of_up_to_twenty_seconds_is_waited_for_even_late_in_a_long_invocation() {
    // Y's START at 10:00:30 after a 19.9 s init (arrived 10:00:10.1), its REPORT 15 minutes
    // later; X, warm, arrived 10:00:10.5 and is read first. At 10:15:30.5 the file is 920 s
    // minus 19.5 s past X, yet Y's START could still hide an arrival up to 20 s before it: X
    // waits for Y.
    let dir = tempfile::tempdir().expect("tempdir");
    let report = |id: &str, ms: &str, init: &str| {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms} ms\tBilled Duration: 1 ms\tMemory Size: 128 MB{init}"
        )
    };
    let text = [
        tail_at(30, 0, "y", "START RequestId: y Version: $LATEST"),
        tail_at(30, 0, "x", &report("x", "19500.00", "")),
        tail_at(930, 500, "z", &report("z", "10.00", "")),
        tail_at(
            930,
            600,
            "y",
            &report("y", "900000.00", "\tInit Duration: 19900.00 ms"),
        ),
    ]
    .concat();
    let p = write(dir.path(), "late.txt", &text);
    let (all, _) = read_all(&[p], &LogOptions::default());
    let at: Vec<i64> = all.iter().map(|i| i.at_us).collect();
    assert_eq!(at, [TEN + 10_100_000, TEN + 10_500_000, TEN + 930_490_000]);
}

#[test]
fn the_events_array_is_found_past_nested_keys_escapes_and_other_pages_fields() {
    // A key named "events" nested in another object is not the events array; the real one
    // comes after a comma at the top level; strings hold escaped quotes and brackets, and an
    // event holds nested objects and arrays.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"{"searchedLogStreams": [{"logStreamName": "x\"y]", "searchedCompletely": true}],
 "meta": {"events": [1, 2]}, "nextToken": "a\\\"b{",
 "events": [
  {"logStreamName": "2024/01/15/[$LATEST]aaaa", "timestamp": 1705312800000, "message": "START RequestId: r1 Version: $LATEST\n", "extra": {"nested": [1, {"a": "}\"]"}]}, "ingestionTime": 1},
  {"logStreamName": "2024/01/15/[$LATEST]aaaa", "timestamp": 1705312800100, "message": "REPORT RequestId: r1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\n", "eventId": "e\"}"}
 ]}"#;
    let p = write(dir.path(), "pages.json", text);
    let (all, reader) = read_all(&[p], &LogOptions::default());
    let got: Vec<(i64, u64)> = all.iter().map(|i| (i.at_us, i.exec_us)).collect();
    assert_eq!(got, [(TEN, 100_000)]);
    assert_eq!(reader.environments(), 1);
}

#[test]
fn a_line_of_the_longest_allowed_length_is_read_and_one_byte_more_is_refused() {
    // `aws logs tail` lines: 1 MiB with its newline is read (a line of the function's own,
    // skipped); one byte more is an error naming the line.
    let max = 1usize << 20;
    let dir = tempfile::tempdir().expect("tempdir");
    let head = "2024-01-15T10:00:00.000000+00:00 2024/01/15/[$LATEST]aaaa ";
    let line = |len: usize| format!("{head}{}\n", "x".repeat(len - head.len() - 1));
    let p = write(dir.path(), "long.txt", &line(max));
    let (all, reader) = read_all(&[p], &LogOptions::default());
    assert!(all.is_empty());
    assert_eq!(reader.skipped().lines, 1);
    let p = write(dir.path(), "long.txt", &line(max + 1));
    let e = LogReader::open(&[p], &LogOptions::default())
        .and_then(|mut r| r.next_invocation().map(|_| ()))
        .expect_err("too long")
        .to_string();
    assert!(e.contains("long.txt:1") && e.contains("longer than"), "{e}");
}

#[test]
fn an_event_of_the_longest_allowed_length_is_read_and_one_byte_more_is_refused() {
    // One event object of exactly 1 MiB, from its `{` to its `}`, holding a line of the
    // function's own (skipped); one byte more is an error.
    let max = 1usize << 20;
    let dir = tempfile::tempdir().expect("tempdir");
    let event = |len: usize| {
        let head = r#"{"logStreamName": "s", "timestamp": 1705312800000, "message": ""#;
        let tail = r#""}"#;
        format!(
            "{{\"events\": [{head}{}{tail}]}}",
            "x".repeat(len - head.len() - tail.len())
        )
    };
    let p = write(dir.path(), "big.json", &event(max));
    let (all, reader) = read_all(&[p], &LogOptions::default());
    assert!(all.is_empty());
    assert_eq!(reader.skipped().lines, 1);
    let p = write(dir.path(), "big.json", &event(max + 1));
    let e = LogReader::open(&[p], &LogOptions::default())
        .and_then(|mut r| r.next_invocation().map(|_| ()))
        .expect_err("too long")
        .to_string();
    assert!(e.contains("longer than"), "{e}");
}

#[test]
fn restores_with_a_named_runtime_fit_snapstart_and_without_one_fit_as_inits() {
    use coldsim::analysis::fit::{FitArrivals, FitDist};
    let dir = tempfile::tempdir().expect("tempdir");
    // A Python 3.12 function restored twice (400 and 500 ms), reused warm once in between.
    let snap = |runtime_line: &str| {
        let mut text = String::new();
        if !runtime_line.is_empty() {
            text.push_str(&tail_at(0, 0, "a", runtime_line));
        }
        text.push_str(&tail_at(1, 0, "a", "REPORT RequestId: r1\tDuration: 10.00 ms\tBilled Duration: 410 ms\tMemory Size: 512 MB\tRestore Duration: 400.00 ms\tBilled Restore Duration: 400 ms"));
        text.push_str(&tail_at(
            5,
            0,
            "a",
            "REPORT RequestId: r2\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 512 MB",
        ));
        text.push_str(&tail_at(9, 0, "b", "REPORT RequestId: r3\tDuration: 10.00 ms\tBilled Duration: 510 ms\tMemory Size: 512 MB\tRestore Duration: 500.00 ms\tBilled Restore Duration: 500 ms"));
        text
    };
    let named = write(
        dir.path(),
        "named.txt",
        &snap("RESTORE_START Runtime Version: python:3.12.v20\tRuntime Version ARN: arn:x"),
    );
    let fit = fitted(std::slice::from_ref(&named));
    let f = &fit.functions[0];
    assert_eq!((f.cold_starts, f.restores), (2, 2));
    assert_eq!(f.restore_ms, [400.0, 500.0]);
    assert!(f.init_ms.is_empty());
    assert_eq!(f.runtime.as_deref(), Some("python3.12"));
    let evidence = &fit.evidence()[0];
    assert!(evidence.snapstart);
    assert_eq!(evidence.restores, 2);
    let text = fit.to_toml(
        "snap",
        (&[named.display().to_string()], None),
        FitArrivals::Trace,
        FitDist::Empirical,
    );
    assert!(
        text.contains("[function.snapstart]\nruntime = \"python\"\n")
            || text.contains("snapstart = {"),
        "{text}"
    );
    let s = coldsim::parse(&text, "fit.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let summary = coldsim::run(&s, s.seed).expect("runs");
    assert_eq!(summary.totals.cold_starts, 2);
    // Billed as restores (Python pays per restore), not as INIT.
    assert_eq!(summary.totals.cost.init_usd, 0.0);
    assert!(
        summary.totals.cost.snapstart_usd > 0.0,
        "{:?}",
        summary.totals.cost
    );
    // No runtime named (or one SnapStart does not take): the restores are fitted as inits.
    for line in ["", "INIT_START Runtime Version: nodejs:22.v41"] {
        let path = write(dir.path(), "plain.txt", &snap(line));
        let fit = fitted(std::slice::from_ref(&path));
        assert!(!fit.evidence()[0].snapstart, "{line}");
        let text = fit.to_toml(
            "plain",
            (&[path.display().to_string()], None),
            FitArrivals::Trace,
            FitDist::Empirical,
        );
        assert!(!text.contains("snapstart"), "{text}");
        let s = coldsim::parse(&text, "fit.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let summary = coldsim::run(&s, s.seed).expect("runs");
        assert!(summary.totals.cost.init_usd > 0.0);
    }
}
