//! `coldsim plan`: the best allowed setting, in dollars by default, objectives shown in their own units, and an exit code when nothing meets.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

/// Runs `coldsim plan SCENARIO ARGS --out DIR/out` in `dir`, with an 80-column terminal.
fn plan_in(dir: &Path, scenario: &str, args: &[&str]) -> (Output, Option<Value>) {
    let path = dir.join("s.toml");
    std::fs::write(&path, scenario).expect("write the scenario");
    let out = dir.join("out");
    let o = assert_cmd::Command::cargo_bin("coldsim")
        .expect("the binary")
        .env("COLUMNS", "80")
        .arg("plan")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(args)
        .output()
        .expect("coldsim runs");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json = std::fs::read(out.join("plan.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("plan.json parses"));
    (o, json)
}

fn plan(scenario: &str, args: &[&str]) -> (Output, Option<Value>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    plan_in(dir.path(), scenario, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn examined(json: &Value) -> Vec<Value> {
    json["examined"].as_array().expect("examined").clone()
}

/// The values examined, as numbers (provisioned levels, memory sizes).
fn levels(json: &Value) -> Vec<u32> {
    examined(json)
        .iter()
        .map(|s| {
            s["value"]
                .as_str()
                .expect("value")
                .parse()
                .expect("a number")
        })
        .collect()
}

/// Asserts that the answer is the cheapest of the examined settings that meet.
fn assert_cheapest(json: &Value) {
    let answer = json["answer"]["cost_usd"].as_f64().expect("an answer");
    for s in examined(json) {
        if s["meets"] == true {
            assert!(
                answer <= s["cost_usd"].as_f64().expect("cost"),
                "{s} is cheaper than the answer"
            );
        }
    }
}

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.toml");

#[test]
fn provisioned_answers_the_cheapest_level_even_when_the_bill_is_not_monotone() {
    // Provisioned duration is billed below on-demand: a few provisioned containers lower the
    // bill (level 0 costs more than level 2 here), more raise it again.
    let (o, json) = plan(QUICKSTART, &["--slo", "p99<400ms", "--vary", "provisioned"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = json.expect("plan.json");
    assert_cheapest(&json);
    let cost = |n: &str| {
        examined(&json)
            .iter()
            .find(|s| s["value"] == n)
            .and_then(|s| s["cost_usd"].as_f64())
            .unwrap_or_else(|| panic!("level {n} not examined"))
    };
    assert!(cost("0") > cost("2"), "the bill is not monotone here");
    assert_ne!(json["answer"]["value"], "0");
    assert_eq!(json["minimize"], "cost");
}

/// `functions` functions of about 40 busy containers each, the first reserved at `reserved`.
fn busy(functions: usize, account: u32, reserved: Option<u32>) -> String {
    let mut text = format!(
        "name = \"busy\"\nseed = 2\nduration = \"20m\"\n[platform]\naccount_concurrency = {account}\n"
    );
    for i in 0..functions {
        text.push_str(&format!(
            "[[function]]\nname = \"f{i}\"\narrival = {{ process = \"poisson\", rate_per_s = 40 }}\nexec = {{ dist = \"constant\", ms = 1000 }}\ninit = {{ dist = \"constant\", ms = 500 }}\n"
        ));
        if let Some(r) = reserved.filter(|_| i == 0) {
            text.push_str(&format!("reserved_concurrency = {r}\n"));
        }
    }
    text
}

#[test]
fn provisioned_levels_stay_within_the_function_reservation() {
    // About 40 busy at once each: the level applies to both functions, and the one reserved
    // at 20 cannot provision more than 20.
    let (o, json) = plan(
        &busy(2, 1000, Some(20)),
        &["--slo", "throttled_ratio<=1", "--vary", "provisioned"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json = json.expect("plan.json");
    let most = *levels(&json).iter().max().expect("levels");
    assert!(most <= 20, "examined up to {most}");
    assert!(
        json["answer"]["value"]
            .as_str()
            .expect("answer")
            .parse::<u32>()
            .expect("n")
            <= 20
    );
    assert!(
        json["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("\"f0\"") && n.contains("reserved concurrency")),
        "{}",
        json["notes"]
    );
}

#[test]
fn provisioned_levels_of_all_functions_stay_within_the_account() {
    // Four functions of about 40 busy each in an account of 100: at most 25 each.
    let (o, json) = plan(
        &busy(4, 100, None),
        &["--slo", "throttled_ratio<=1", "--vary", "provisioned"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json = json.expect("plan.json");
    let most = *levels(&json).iter().max().expect("levels");
    assert!(most <= 25, "examined up to {most}");
    assert!(
        stdout(&o).contains("account_concurrency (100)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn keep_alive_ranks_by_dollars_unless_asked_for_idle_memory() {
    let args = |m: &'static str| {
        [
            "--slo",
            "cold_start_ratio<0.01%",
            "--vary",
            "keep-alive",
            "--minimize",
            m,
        ]
    };
    let (o, json) = plan(QUICKSTART, &args("cost"));
    assert!(o.status.success(), "{}", stderr(&o));
    let by_cost = json.expect("plan.json");
    assert_cheapest(&by_cost);
    let (o, json) = plan(QUICKSTART, &args("idle-memory"));
    assert!(o.status.success(), "{}", stderr(&o));
    let by_idle = json.expect("plan.json");
    assert_eq!(by_idle["minimize"], "idle_memory");
    let idle = by_idle["answer"]["idle_gb_s"].as_f64().expect("idle");
    for s in examined(&by_idle).iter().filter(|s| s["meets"] == true) {
        assert!(idle <= s["idle_gb_s"].as_f64().expect("idle"), "{s}");
    }
    // Longer windows cost less (fewer INIT phases billed) and hold more idle memory.
    assert_ne!(by_cost["answer"]["value"], by_idle["answer"]["value"]);
}

#[test]
fn memory_says_when_latency_does_not_depend_on_it() {
    let (o, json) = plan(QUICKSTART, &["--slo", "p99<400ms", "--vary", "memory"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("latency does not depend on memory"),
        "{}",
        stdout(&o)
    );
    let json = json.expect("plan.json");
    assert!(
        json["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("cpu_fraction = 0"))
    );
    let (o, json) = plan(
        &QUICKSTART.replace("memory_mb = 1024", "memory_mb = 1024\ncpu_fraction = 0.5"),
        &["--slo", "p99<400ms", "--vary", "memory"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("does not depend"), "{}", stdout(&o));
    assert_eq!(json.expect("plan.json")["notes"], Value::Array(vec![]));
}

#[test]
fn objectives_are_shown_in_their_own_units() {
    let (o, _) = plan(
        QUICKSTART,
        &[
            "--slo",
            "cold_start_ratio<0.01%",
            "--slo",
            "p99<400ms",
            "--slo",
            "max<2s",
            "--vary",
            "keep-alive",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // 18 cold starts in 525340 invocations at 10 minutes: 0.003426 %.
    assert!(text.contains("0.003426 %"), "{text}");
    assert!(text.contains("322.3 ms"), "{text}");
    assert!(text.contains("0.8583 s"), "{text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80 || line.starts_with("quickstart:"),
            "wider than 80: {line}"
        );
    }
}

#[test]
fn a_bare_ratio_that_reads_like_a_percentage_gets_a_warning() {
    let (o, _) = plan(
        QUICKSTART,
        &["--slo", "cold_start_ratio<1", "--vary", "keep-alive"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: --slo cold_start_ratio<1: a bare ratio is a fraction"),
        "{}",
        stderr(&o)
    );
    let (o, _) = plan(
        QUICKSTART,
        &["--slo", "cold_start_ratio<0.5", "--vary", "keep-alive"],
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn no_setting_that_meets_exits_3_with_the_closest_miss() {
    let (o, json) = plan(QUICKSTART, &["--slo", "p99<300ms", "--vary", "keep-alive"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let json = json.expect("plan.json is written all the same");
    assert!(json["answer"].is_null());
    assert_eq!(json["closest_miss"]["value"], "4h");
    assert!(
        stdout(&o).contains("no fixed keep-alive window examined meets every objective; the closest miss is 4h (p99<300ms: 322.0 ms)"),
        "{}",
        stdout(&o)
    );
}

/// The summary of a scenario text.
fn summary_of(text: &str) -> coldsim::analysis::summary::Summary {
    let s = coldsim::parse(text, "o.toml").unwrap_or_else(|e| panic!("{e}"));
    coldsim::run(&s, s.seed).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn objectives_measure_what_they_name_at_their_bounds() {
    use coldsim::input::spec::slo;
    // One cold and one warm start: a cold-start ratio of exactly 50 %, which "< 50%" does not
    // meet and "<= 50%" does.
    let half = summary_of(
        "name = \"o\"\nduration = \"1m\"\n[[function]]\nname = \"f\"\n\
         arrival = { process = \"explicit\", at = [\"0s\", \"10s\"] }\n\
         init = { dist = \"constant\", ms = 100 }\nexec = { dist = \"constant\", ms = 10 }\n",
    );
    let below = slo("cold_start_ratio<50%").expect("valid");
    assert_eq!(below.value(&half), Some(0.5));
    assert!(!below.met(&half));
    assert!(slo("cold_start_ratio<=50%").expect("valid").met(&half));
    // Two asynchronous arrivals at once on a function capped at one: the second is retried
    // until its age passes a minute and dropped. The throttled ratio counts refused and dropped
    // arrivals: 1 of 2.
    let dropped = summary_of(
        "name = \"o\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\n\
         arrival = { process = \"explicit\", at = [\"0s\", \"0s\"] }\n\
         init = { dist = \"constant\", ms = 0 }\nexec = { dist = \"constant\", ms = 1800000 }\n\
         invocation = \"async\"\nmax_event_age = \"1m\"\nreserved_concurrency = 1\n",
    );
    assert_eq!((dropped.totals.throttled, dropped.totals.dropped), (0, 1));
    assert_eq!(
        slo("throttled_ratio<1%").expect("valid").value(&dropped),
        Some(0.5)
    );
    // Nothing in the window: nothing to measure, and an objective is not met.
    let empty = summary_of(
        "name = \"o\"\nduration = \"2s\"\nwarmup = \"1s\"\n[[function]]\nname = \"f\"\n\
         arrival = { process = \"explicit\", at = [\"0s\"] }\n\
         init = { dist = \"constant\", ms = 0 }\nexec = { dist = \"constant\", ms = 10 }\n",
    );
    assert_eq!(empty.totals.invocations, 0);
    let throttled = slo("throttled_ratio<1%").expect("valid");
    assert_eq!(throttled.value(&empty), None);
    assert!(!throttled.met(&empty));
}
