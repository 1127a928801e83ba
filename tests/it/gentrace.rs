//! Command-line tests of `coldsim gen-trace`: its files read by coldsim's own azure2019 reader, their shape and bytes, periodic timers, the total, the heavy tail and the diurnal shape within derived tolerances, one-line errors, and a small region run through the bundled region scenarios.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use coldsim::input::region::{PEAK_MINUTE, PEAK_TO_TROUGH, WEEKEND_FACTOR, app_rate_ln_params};
use coldsim::input::trace::{TraceFormat, TraceOptions, TraceReader};
use coldsim::rng::Streams;
use serde_json::Value;
use tempfile::TempDir;

/// The longest any run here may take; each takes well under a second.
const RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Minutes of a day: the minute columns of the invocations file.
const MINUTES: usize = 1_440;

/// Standard deviations a statistic may stray from its expectation: a miss has probability
/// below 6e-7 for a normal statistic, so a failure means the model, not bad luck.
const SIGMAS: f64 = 5.0;

/// One run of `coldsim gen-trace` in its own temporary folder.
struct Gen {
    /// The working directory; the files are in `out`.
    _dir: TempDir,
    /// The `--out` folder given on the command line.
    out: PathBuf,
    output: Output,
    args: Vec<String>,
}

/// The one place that runs the binary: `coldsim gen-trace ARGS --out <folder>/out` in a fresh
/// temporary folder.
fn gen_trace(args: &[&str]) -> Gen {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out");
    let output = coldsim_in(dir.path(), &gen_args(args, &out));
    Gen {
        _dir: dir,
        out,
        output,
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

/// `gen-trace ARGS --out OUT` as strings.
fn gen_args(args: &[&str], out: &Path) -> Vec<String> {
    let mut all = vec!["gen-trace".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.push("--out".into());
    all.push(out.display().to_string());
    all
}

/// Runs `coldsim ARGS` with `dir` as the working directory.
fn coldsim_in(dir: &Path, args: &[String]) -> Output {
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir)
        .args(args)
        .timeout(RUN_TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("coldsim {args:?}: {e}"));
    assert!(
        output.status.code().is_some(),
        "coldsim {args:?} did not exit by itself ({:?}): still running after {RUN_TIMEOUT:?}?",
        output.status
    );
    output
}

impl Gen {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn assert_success(&self) -> &Gen {
        assert!(
            self.output.status.success(),
            "gen-trace {:?}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        assert!(self.stderr().is_empty(), "{}", self.stderr());
        self
    }

    fn path(&self, kind: Kind, day: u32) -> PathBuf {
        self.out.join(kind.file(day))
    }

    fn read(&self, kind: Kind, day: u32) -> Vec<u8> {
        let path = self.path(kind, day);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn text(&self, kind: Kind, day: u32) -> String {
        String::from_utf8(self.read(kind, day)).expect("UTF-8")
    }

    /// The invocations file of `day`, parsed.
    fn rows(&self, day: u32) -> Vec<Row> {
        parse_invocations(&self.text(Kind::Invocations, day))
    }

    /// A user error: see [`crate::assert_user_error`].
    fn assert_user_error(&self, needles: &[&str]) {
        crate::assert_user_error(&self.args, &self.output, &self.out, needles);
    }
}

/// The three files of a day.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Invocations,
    Durations,
    Memory,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Invocations, Kind::Durations, Kind::Memory];

    /// The dataset's name of this file for `day` (1-based).
    fn file(self, day: u32) -> String {
        let stem = match self {
            Kind::Invocations => "invocations_per_function_md",
            Kind::Durations => "function_durations_percentiles",
            Kind::Memory => "app_memory_percentiles",
        };
        format!("{stem}.anon.d{day:02}.csv")
    }
}

/// A row of the invocations file.
#[derive(Clone, Debug)]
struct Row {
    owner: String,
    app: String,
    function: String,
    trigger: String,
    counts: Vec<u64>,
}

impl Row {
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    fn app_key(&self) -> (String, String) {
        (self.owner.clone(), self.app.clone())
    }
}

fn parse_invocations(text: &str) -> Vec<Row> {
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 4 + MINUTES, "a row of {} fields", f.len());
            Row {
                owner: f[0].into(),
                app: f[1].into(),
                function: f[2].into(),
                trigger: f[3].into(),
                counts: f[4..]
                    .iter()
                    .map(|c| c.parse().unwrap_or_else(|e| panic!("count {c:?}: {e}")))
                    .collect(),
            }
        })
        .collect()
}

fn total(rows: &[Row]) -> u64 {
    rows.iter().map(Row::total).sum()
}

/// The timers' invocations of a day.
fn timer_total(rows: &[Row]) -> u64 {
    rows.iter()
        .filter(|r| r.trigger == "timer")
        .map(Row::total)
        .sum()
}

#[track_caller]
fn within(value: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (value - expected).abs() <= tolerance,
        "{what}: {value}, expected {expected} ± {tolerance}"
    );
}

// ---------------------------------------------------------------------------------------------
// The files.

#[test]
fn the_files_are_read_by_coldsims_own_azure2019_reader() {
    let g = gen_trace(&[
        "--functions",
        "200",
        "--days",
        "2",
        "--invocations-per-day",
        "20000",
        "--seed",
        "7",
    ]);
    g.assert_success();
    for day in 1..=2 {
        let options = TraceOptions {
            format: TraceFormat::Azure2019,
            durations: Some(g.path(Kind::Durations, day)),
            memory: Some(g.path(Kind::Memory, day)),
            ..TraceOptions::default()
        };
        let path = g.path(Kind::Invocations, day);
        let mut reader = TraceReader::open(&path, &options, Streams::trace_stream(0))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut arrivals = 0u64;
        let mut last = 0;
        while let Some(a) = reader.next_arrival().expect("a valid row") {
            assert!(a.at.as_micros() >= last, "arrivals go back in time");
            assert!(
                a.at.as_micros() < 86_400_000_000,
                "an arrival after the day"
            );
            last = a.at.as_micros();
            arrivals += 1;
        }
        assert_eq!(arrivals, total(&g.rows(day)), "day {day}");
        assert_eq!(reader.functions().len(), 200);
        for f in reader.functions() {
            assert!(f.exec.is_some(), "{}: no handler time", f.name);
            let mb = f
                .memory_mb
                .unwrap_or_else(|| panic!("{}: no memory", f.name));
            assert!((128..=10_240).contains(&mb), "{}: {mb} MB", f.name);
            assert!(f.note.is_none(), "{}: {:?}", f.name, f.note);
        }
    }
}

#[test]
fn the_files_have_the_datasets_columns_and_a_row_per_function_and_app() {
    let g = gen_trace(&["--functions", "200", "--days", "2", "--seed", "8"]);
    g.assert_success();
    // Exactly the six files: nothing else, no temporary file left.
    let names = crate::list(&g.out);
    let mut expected: Vec<String> = (1..=2).flat_map(|d| Kind::ALL.map(|k| k.file(d))).collect();
    expected.sort();
    assert_eq!(names, expected);

    let minutes: Vec<String> = (1..=MINUTES).map(|m| m.to_string()).collect();
    let header = format!(
        "HashOwner,HashApp,HashFunction,Trigger,{}",
        minutes.join(",")
    );
    for day in 1..=2 {
        let text = g.text(Kind::Invocations, day);
        assert_eq!(text.lines().next(), Some(header.as_str()));
        let rows = g.rows(day);
        assert_eq!(rows.len(), 200);
        let hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
        let triggers = [
            "http",
            "timer",
            "event",
            "queue",
            "storage",
            "orchestration",
            "others",
        ];
        for r in &rows {
            assert!(hash(&r.owner) && hash(&r.app) && hash(&r.function), "{r:?}");
            assert!(triggers.contains(&r.trigger.as_str()), "{}", r.trigger);
        }
        let mut functions: Vec<&str> = rows.iter().map(|r| r.function.as_str()).collect();
        functions.sort_unstable();
        functions.dedup();
        assert_eq!(functions.len(), 200, "function hashes repeat");

        let durations = g.text(Kind::Durations, day);
        let mut lines = durations.lines();
        assert_eq!(
            lines.next(),
            Some(
                "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,\
                 percentile_Average_1,percentile_Average_25,percentile_Average_50,\
                 percentile_Average_75,percentile_Average_99,percentile_Average_100"
            )
        );
        let mut n = 0;
        for (line, r) in lines.zip(&rows) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 14, "{line}");
            assert_eq!((f[0], f[1], f[2]), (&*r.owner, &*r.app, &*r.function));
            let v: Vec<f64> = f[3..]
                .iter()
                .map(|x| x.parse().expect("a number"))
                .collect();
            assert_eq!(v[1], r.total() as f64, "Count is the day's invocations");
            assert!(v[4..].windows(2).all(|w| w[0] <= w[1]), "{line}");
            assert!(v[2] == v[4] && v[3] == v[10], "Minimum and Maximum: {line}");
            assert!(v[4] > 0.0 && v[10] <= 600_000.0, "{line}");
            n += 1;
        }
        assert_eq!(n, 200);

        let memory = g.text(Kind::Memory, day);
        let mut lines = memory.lines();
        assert_eq!(
            lines.next(),
            Some(
                "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,\
                 AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,\
                 AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,\
                 AverageAllocatedMb_pct100"
            )
        );
        let mut apps: Vec<(String, String)> = rows.iter().map(Row::app_key).collect();
        apps.dedup();
        let listed: Vec<(String, String)> = lines
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                assert_eq!(f.len(), 12, "{line}");
                let v: Vec<f64> = f[2..]
                    .iter()
                    .map(|x| x.parse().expect("a number"))
                    .collect();
                assert!(v[2..].windows(2).all(|w| w[0] <= w[1]), "{line}");
                (f[0].to_string(), f[1].to_string())
            })
            .collect();
        assert_eq!(
            listed, apps,
            "one memory row per app, in the order of the apps"
        );
    }
}

#[test]
fn the_same_flags_give_the_same_bytes_and_another_seed_others() {
    let args = ["--functions", "200", "--days", "2", "--seed", "5"];
    let (a, b) = (gen_trace(&args), gen_trace(&args));
    a.assert_success();
    b.assert_success();
    for day in 1..=2 {
        for kind in Kind::ALL {
            assert!(
                a.read(kind, day) == b.read(kind, day),
                "{} differs between runs",
                kind.file(day)
            );
        }
    }
    // What they print is the same but for the time taken, on the last line.
    let summary = |g: &Gen| {
        let out = g.stdout();
        out.lines().take(3).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(summary(&a), summary(&b));
    // A day's files do not depend on how many days are written.
    let one = gen_trace(&["--functions", "200", "--days", "1", "--seed", "5"]);
    one.assert_success();
    for kind in Kind::ALL {
        assert!(one.read(kind, 1) == a.read(kind, 1), "{}", kind.file(1));
    }
    let other = gen_trace(&["--functions", "200", "--days", "2", "--seed", "6"]);
    other.assert_success();
    for kind in Kind::ALL {
        assert!(other.read(kind, 1) != a.read(kind, 1), "{}", kind.file(1));
    }
}

#[test]
fn the_summary_names_the_region() {
    let g = gen_trace(&["--functions", "200", "--seed", "9"]);
    g.assert_success();
    let out = g.stdout();
    let rows = g.rows(1);
    let apps = {
        let mut a: Vec<(String, String)> = rows.iter().map(Row::app_key).collect();
        a.dedup();
        a.len()
    };
    for needle in [
        "200 functions".to_string(),
        format!("in {apps} apps"),
        format!("{} invocations", total(&rows)),
        "busiest function".into(),
        "http".into(),
        "timer".into(),
        "wrote 3 files".into(),
    ] {
        assert!(out.contains(&needle), "{needle:?} not in {out}");
    }
    assert!(
        gen_trace(&["--functions", "20", "--quiet"])
            .assert_success()
            .stdout()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// The shape.

#[test]
fn timers_fire_exactly_periodically_and_alike_every_day() {
    let g = gen_trace(&["--functions", "1000", "--days", "2", "--seed", "11"]);
    g.assert_success();
    let (day1, day2) = (g.rows(1), g.rows(2));
    let mut periods = BTreeMap::new();
    for (r, again) in day1.iter().zip(&day2) {
        if r.trigger != "timer" {
            continue;
        }
        assert_eq!(r.counts, again.counts, "a timer changed between days");
        let fired: Vec<usize> = (0..MINUTES).filter(|&m| r.counts[m] > 0).collect();
        let c = r.counts[fired[0]];
        assert!(fired.iter().all(|&m| r.counts[m] == c), "{:?}", r.counts);
        let period_s = if fired.len() == MINUTES {
            // Under a minute: 60 / period invocations every minute.
            assert!(60 % c == 0, "{c} a minute");
            60 / c
        } else {
            assert_eq!(c, 1, "a timer of a minute or more fires once in its minute");
            let step = if fired.len() > 1 {
                fired[1] - fired[0]
            } else {
                MINUTES
            };
            assert!(fired.windows(2).all(|w| w[1] - w[0] == step), "{fired:?}");
            assert_eq!(fired.len() * step, MINUTES, "the day holds whole periods");
            60 * step as u64
        };
        *periods.entry(period_s).or_insert(0) += 1;
    }
    // 1,000 functions hold about 156 timers (15.6 %, Fig. 2); their periods follow their rates.
    let timers: u32 = periods.values().sum();
    assert!(timers > 100, "{timers} timers");
    assert!(periods.len() >= 5, "periods: {periods:?}");
}

#[test]
fn a_weekdays_total_meets_the_target_and_a_saturday_carries_less() {
    let target = 1_000_000u64;
    let g = gen_trace(&[
        "--functions",
        "200",
        "--days",
        "6",
        "--invocations-per-day",
        &target.to_string(),
        "--seed",
        "3",
    ]);
    g.assert_success();
    let days: Vec<Vec<Row>> = (1..=6).map(|d| g.rows(d)).collect();
    let timers = timer_total(&days[0]);
    assert!(timers < target / 10, "{timers}");
    // The timers fire alike every day; every other function's day count is a sum of
    // independent Poisson draws, so the day's total less the timers is Poisson with mean
    // target − timers on a weekday (standard deviation its square root).
    let open = (target - timers) as f64;
    let mut weekdays = 0;
    for (d, rows) in days.iter().enumerate().take(5) {
        assert_eq!(timer_total(rows), timers);
        let t = total(rows);
        weekdays += t - timers;
        within(
            t as f64,
            target as f64,
            SIGMAS * open.sqrt(),
            &format!("day {}", d + 1),
        );
    }
    within(
        weekdays as f64,
        5.0 * open,
        SIGMAS * (5.0 * open).sqrt(),
        "five weekdays",
    );
    let saturday = WEEKEND_FACTOR * open;
    within(
        total(&days[5]) as f64,
        timers as f64 + saturday,
        SIGMAS * saturday.sqrt(),
        "Saturday",
    );
    // What it prints is what it wrote.
    let all: u64 = days.iter().map(|r| total(r)).sum();
    assert!(g.stdout().contains(&format!("{all} invocations")));
}

/// `P(X ≤ c)` for `X` Poisson with mean `lambda`, summed term by term in logs.
fn poisson_cdf(c: u64, lambda: f64) -> f64 {
    let ln = lambda.ln();
    let mut ln_factorial = 0.0;
    let mut sum = 0.0;
    for k in 0..=c {
        if k > 0 {
            ln_factorial += (k as f64).ln();
        }
        sum += (-lambda + k as f64 * ln - ln_factorial).exp();
    }
    sum.min(1.0)
}

/// `P(X ≤ c)` for an app's day count `X`: Poisson of a log-normal mean (the fit), integrated
/// over the normal by the trapezoid rule on ±9 standard deviations.
fn app_count_cdf(c: u64) -> f64 {
    let (mu, sigma) = app_rate_ln_params();
    let (steps, span) = (3_600, 9.0);
    let h = 2.0 * span / steps as f64;
    let mut sum = 0.0;
    for i in 0..=steps {
        let z = -span + i as f64 * h;
        let density = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let weight = if i == 0 || i == steps { 0.5 } else { 1.0 };
        sum += weight * density * poisson_cdf(c, (mu + sigma * z).exp().min(1e8));
    }
    sum * h
}

#[test]
fn the_heavy_tail_follows_the_fit_of_figure_five() {
    // Without a target, an app without timers is invoked Poisson(R) times on a Monday, R its
    // log-normal rate (its functions' shares add back up to R), whatever its size: its trigger
    // mix is drawn apart from its rate. The share of such apps at or below a count is then
    // binomial around the fit's probability, computed here by integration.
    let g = gen_trace(&["--functions", "5000", "--seed", "2020"]);
    g.assert_success();
    let mut apps: BTreeMap<(String, String), (u64, bool)> = BTreeMap::new();
    for r in g.rows(1) {
        let a = apps.entry(r.app_key()).or_insert((0, false));
        a.0 += r.total();
        a.1 |= r.trigger == "timer";
    }
    let counts: Vec<u64> = apps.values().filter(|a| !a.1).map(|a| a.0).collect();
    let n = counts.len();
    assert!(n > 500, "{n} apps without timers");
    // 24 and 1,440 a day: the paper's 45 % and 81 %, give or take the Poisson noise.
    for (at_most, paper) in [(24, 0.45), (1_440, 0.81)] {
        let p = app_count_cdf(at_most);
        within(p, paper, 0.02, &format!("the fit at {at_most} a day"));
        let share = counts.iter().filter(|&&c| c <= at_most).count() as f64 / n as f64;
        within(
            share,
            p,
            SIGMAS * (p * (1.0 - p) / n as f64).sqrt(),
            &format!("apps at most {at_most} a day"),
        );
    }
    // The tail beyond the points: apps above 10,000 a day.
    let p = 1.0 - app_count_cdf(10_000);
    let share = counts.iter().filter(|&&c| c > 10_000).count() as f64 / n as f64;
    within(
        share,
        p,
        SIGMAS * (p * (1.0 - p) / n as f64).sqrt(),
        "apps above 10,000 a day",
    );
    assert!(p > 0.05, "the fit's tail: {p}");
}

#[test]
fn the_diurnal_shape_shows_in_the_aggregate() {
    // Every non-timer function has the same shape over the minutes, so, given their total S,
    // the invocations of a window are binomial(S, share of the shape's weight in the window).
    let g = gen_trace(&[
        "--functions",
        "300",
        "--invocations-per-day",
        "2000000",
        "--seed",
        "4",
    ]);
    g.assert_success();
    let mut per_minute = vec![0u64; MINUTES];
    for r in g.rows(1).iter().filter(|r| r.trigger != "timer") {
        for (s, c) in per_minute.iter_mut().zip(&r.counts) {
            *s += c;
        }
    }
    let s: u64 = per_minute.iter().sum();
    let a = (PEAK_TO_TROUGH - 1.0) / (PEAK_TO_TROUGH + 1.0);
    let weight = |m: usize| {
        let phase = (m as f64 + 0.5 - PEAK_MINUTE) / MINUTES as f64;
        1.0 + a * (std::f64::consts::TAU * phase).cos()
    };
    let all: f64 = (0..MINUTES).map(weight).sum();
    let peak = PEAK_MINUTE as usize;
    let trough = (peak + MINUTES / 2) % MINUTES;
    let mut shares = Vec::new();
    for (name, centre) in [("peak", peak), ("trough", trough)] {
        // Four hours around the centre.
        let window: Vec<usize> = (0..240)
            .map(|i| (centre + MINUTES - 120 + i) % MINUTES)
            .collect();
        let p: f64 = window.iter().map(|&m| weight(m)).sum::<f64>() / all;
        let got: u64 = window.iter().map(|&m| per_minute[m]).sum();
        let share = got as f64 / s as f64;
        within(
            share,
            p,
            SIGMAS * (p * (1.0 - p) / s as f64).sqrt(),
            &format!("{name} window"),
        );
        shares.push(share);
    }
    // The four hours around the peak carry about 1.9 times those around the trough.
    assert!(shares[0] > 1.8 * shares[1], "{shares:?}");
}

// ---------------------------------------------------------------------------------------------
// Errors.

#[test]
fn absurd_flags_are_refused_on_one_line_and_leave_nothing() {
    for (args, needles) in [
        (vec!["--functions", "0"], vec!["--functions", "0"]),
        (
            vec!["--functions", "10000001"],
            vec!["--functions", "10000000"],
        ),
        (vec!["--days", "0"], vec!["--days", "0"]),
        (vec!["--days", "15"], vec!["--days", "14", "15"]),
        (
            vec!["--invocations-per-day", "0"],
            vec!["--invocations-per-day", "0"],
        ),
        (
            vec!["--invocations-per-day", "100000000001"],
            vec!["--invocations-per-day", "100000000000"],
        ),
        // 500 functions hold timers firing more than once a day together.
        (
            vec!["--functions", "500", "--invocations-per-day", "1"],
            vec!["--invocations-per-day", "timers"],
        ),
    ] {
        gen_trace(&args).assert_user_error(&needles);
    }
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("taken");
    std::fs::write(&file, "keep me\n").expect("a file in the way");
    let output = coldsim_in(dir.path(), &gen_args(&["--functions", "10"], &file));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with("error: ") && err.contains("taken"),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("the file in the way"),
        "keep me\n"
    );
}

// ---------------------------------------------------------------------------------------------
// A region through `coldsim run`.

#[test]
fn a_small_region_runs_through_the_bundled_region_scenarios() {
    // The bundled scenarios read ../output/region/ next to their folder: lay out the same
    // folders in a temporary one, with a small region in output/region/.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::create_dir(dir.path().join("scenarios")).expect("a scenarios folder");
    for name in ["region-10k.toml", "region-hybrid.toml"] {
        let text = std::fs::read_to_string(bundled.join(name)).expect("the bundled scenario");
        assert!(
            text.contains("coldsim gen-trace --functions 10000")
                && text.contains("--out output/region"),
            "{name} does not say how to generate its traffic"
        );
        std::fs::write(dir.path().join("scenarios").join(name), text).expect("a copy");
    }
    let out = dir.path().join("output/region");
    let args = [
        "--functions",
        "200",
        "--invocations-per-day",
        "30000",
        "--seed",
        "1",
    ];
    let generated = coldsim_in(dir.path(), &gen_args(&args, &out));
    assert!(generated.status.success(), "{generated:?}");
    let rows = parse_invocations(
        &std::fs::read_to_string(out.join(Kind::Invocations.file(1))).expect("the trace"),
    );
    let mut cold = Vec::new();
    for (scenario, run) in [("region-10k", "fixed"), ("region-hybrid", "hybrid")] {
        let args: Vec<String> = [
            "run",
            &format!("scenarios/{scenario}.toml"),
            "--out",
            run,
            "--quiet",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        let output = coldsim_in(dir.path(), &args);
        assert!(
            output.status.success(),
            "{scenario}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(run).join("summary.json")).expect("summary.json"),
        )
        .expect("JSON");
        assert_eq!(summary["scenario"], scenario);
        assert_eq!(summary["totals"]["invocations"], total(&rows), "{scenario}");
        // The run reports the functions that were invoked.
        let invoked = rows.iter().filter(|r| r.total() > 0).count();
        assert_eq!(
            summary["functions"].as_array().map(Vec::len),
            Some(invoked),
            "{scenario}"
        );
        cold.push(summary["totals"]["cold_starts"].as_u64().expect("a count"));
    }
    assert!(cold.iter().all(|&c| c > 0), "{cold:?}");
}
