//! Lambda SnapStart, checked by hand: cold starts restore instead of running init, restores are not billed as INIT, Python and .NET pay for the cache and each restore, and AWS's refusals.

use std::path::Path;

use coldsim::analysis::compare::compare;
use coldsim::analysis::summary::Summary;
use coldsim::input::spec::policy;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};

/// Cache [USD per GB·s] and restore [USD per GB] of the built-in us-east-1 sheet.
const CACHE: f64 = 1.5046e-6;
const RESTORE: f64 = 1.397998e-4;

fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml, Path::new("snapstart.toml"))
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}\n{toml}"))
}

/// One 1024 MB function for an hour, arrivals at 0 s, 1 s and 30 min, init 2 s, handler
/// 100 ms, a fixed 10-minute keep-alive, with the given extra function lines.
fn one(extra: &str) -> String {
    format!(
        r#"
name = "snap"
duration = "1h"
[[function]]
name = "f"
memory_mb = 1024
arrival = {{ process = "explicit", at = ["0s", "1s", "30m"] }}
init = {{ dist = "constant", ms = 2000 }}
exec = {{ dist = "constant", ms = 100 }}
keep_alive = {{ policy = "fixed", idle = "10m" }}
{extra}
"#
    )
}

fn run(s: &Scenario) -> (Summary, Vec<Invocation>) {
    let mut sim = Simulation::new(s);
    let mut seen: Vec<Invocation> = Vec::new();
    sim.run(&mut seen);
    (Summary::new(s, s.seed, &sim), seen)
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1e-9),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn a_cold_start_restores_and_python_pays_for_the_cache_and_each_restore() {
    let s = scenario(&one(
        r#"snapstart = { restore = { dist = "constant", ms = 400 }, runtime = "python" }"#,
    ));
    let (summary, seen) = run(&s);
    // 0 s: cold, restore 400 ms + 100 ms. 1 s: warm. 30 min: the container expired at
    // 10 min 500 ms, cold again.
    let starts: Vec<(Start, u64)> = seen
        .iter()
        .map(|i| (i.start, (i.init + i.exec).as_micros()))
        .collect();
    assert_eq!(
        starts,
        [
            (Start::Cold, 500_000),
            (Start::Warm, 100_000),
            (Start::Cold, 500_000)
        ]
    );
    let t = &summary.totals;
    assert_eq!(t.cold_starts, 2);
    // No INIT billed: three invocations of 100 ms at 1 GB.
    assert_eq!(t.cost.init_usd, 0.0);
    close(t.cost.billed_gb_s, 0.3, "billed GB-s");
    // The cache over the hour at 1 GB, and two restores of 1 GB.
    close(
        t.cost.snapstart_usd,
        3600.0 * CACHE + 2.0 * RESTORE,
        "SnapStart",
    );
    close(
        t.cost.total_usd,
        t.cost.requests_usd + t.cost.compute_usd + t.cost.snapstart_usd,
        "total",
    );
    // Java's restores and cache are free; its restores are still not INIT.
    let java = scenario(&one(
        r#"snapstart = { restore = { dist = "constant", ms = 400 }, runtime = "java" }"#,
    ));
    let (j, _) = run(&java);
    assert_eq!(j.totals.cost.snapstart_usd, 0.0);
    assert_eq!(j.totals.cost.init_usd, 0.0);
    // Without SnapStart the arrival at 1 s finds the container still in its 2 s init: three
    // cold starts, each billing its 2 s of INIT with its 100 ms.
    let (plain, _) = run(&scenario(&one("")));
    assert_eq!(plain.totals.cold_starts, 3);
    close(
        plain.totals.cost.billed_gb_s,
        6.3,
        "billed GB-s without SnapStart",
    );
}

#[test]
fn a_restore_during_the_warm_up_is_not_billed() {
    // A 20-minute warm-up: the restore at 0 s is before the window, the one at 30 min in it.
    // The window's 40 minutes of cache at 1 GB, and one restore of 1 GB.
    let s = scenario(
        &one(r#"snapstart = { restore = { dist = "constant", ms = 400 }, runtime = "python" }"#)
            .replace("duration = \"1h\"", "duration = \"1h\"\nwarmup = \"20m\""),
    );
    let (summary, _) = run(&s);
    close(
        summary.totals.cost.snapstart_usd,
        2400.0 * CACHE + RESTORE,
        "SnapStart after the warm-up",
    );
}

#[test]
fn snapstart_is_refused_where_aws_refuses_it() {
    let restore = r#"restore = { dist = "constant", ms = 400 }"#;
    for (lines, needle) in [
        (
            format!(
                "snapstart = {{ {restore}, runtime = \"python\" }}\nprovisioned_concurrency = 1"
            ),
            "provisioned concurrency",
        ),
        (
            format!("snapstart = {{ {restore}, runtime = \"python\" }}\npackage = \"image\""),
            "container images",
        ),
        (
            format!(
                "snapstart = {{ {restore}, runtime = \"python\" }}\nephemeral_storage_mb = 1024"
            ),
            "ephemeral storage",
        ),
        (format!("snapstart = {{ {restore} }}"), "say which runtime"),
        (
            format!("snapstart = {{ {restore}, runtime = \"cobol\" }}"),
            "snapstart",
        ),
        (
            "snapstart = { restore = { dist = \"constant\", ms = -1 }, runtime = \"java\" }"
                .to_string(),
            "snapstart.restore",
        ),
    ] {
        let text = one(&lines);
        let e = Scenario::from_toml(&text, Path::new("bad.toml"))
            .expect_err(&lines)
            .to_string();
        assert!(e.contains(needle), "{lines}: {e}");
        assert!(e.contains("snapstart"), "{lines}: {e}");
    }
    // A runtime preset names the language, and must be one SnapStart supports.
    let with_preset = |runtime: &str, extra: &str| {
        one(&format!("snapstart = {{ {restore}{extra} }}")).replace(
            "init = { dist = \"constant\", ms = 2000 }",
            &format!("init = {{ runtime = \"{runtime}\" }}"),
        )
    };
    let ok = scenario(&with_preset("python3.12", ""));
    assert!(ok.functions[0].snapstart.is_some());
    // A runtime that agrees with the preset is taken.
    let agreeing = scenario(&with_preset("python3.12", ", runtime = \"python\""));
    assert!(agreeing.functions[0].snapstart.is_some());
    for (text, needle) in [
        (with_preset("nodejs22.x", ""), "SnapStart supports"),
        (
            with_preset("python3.12", ", runtime = \"java\""),
            "disagrees",
        ),
    ] {
        let e = Scenario::from_toml(&text, Path::new("bad.toml"))
            .expect_err(&text)
            .to_string();
        assert!(e.contains(needle), "{e}");
    }
    // Another platform has no SnapStart.
    let text = one(&format!("snapstart = {{ {restore}, runtime = \"java\" }}")).replace(
        "duration = \"1h\"",
        "duration = \"1h\"\n[platform]\nkind = \"google-cloud-run\"",
    );
    let e = Scenario::from_toml(&text, Path::new("bad.toml"))
        .expect_err("cloud run")
        .to_string();
    assert!(e.contains("AWS Lambda's"), "{e}");
}

#[test]
fn compare_puts_snapstart_beside_provisioned_concurrency_and_a_warmer() {
    let s = scenario(&one(""));
    let policies: Vec<_> = ["fixed:10m", "snapstart:400ms", "provisioned:1", "warmer:5m"]
        .iter()
        .map(|p| policy(p).expect("valid policy"))
        .collect();
    let c = compare(&s, 1, &policies, &mut |_| {}).expect("compare runs");
    let row = |label: &str| {
        c.policies
            .iter()
            .find(|r| r.policy == label)
            .unwrap_or_else(|| panic!("a row for {label}"))
    };
    let (base, snap, prov) = (
        row("fixed:10m"),
        row("snapstart:400ms"),
        row("provisioned:1"),
    );
    // A 400 ms restore is over before the arrival at 1 s, which a 2 s init is not: two cold
    // starts instead of three, billed for the cache and two restores (no runtime known:
    // Python's charges), not for INIT.
    assert_eq!((base.cold_starts, snap.cold_starts), (3, 2));
    assert!(
        snap.p99_ms < base.p99_ms,
        "{:?} vs {:?}",
        snap.p99_ms,
        base.p99_ms
    );
    close(
        snap.snapstart_usd,
        3600.0 * CACHE + 2.0 * RESTORE,
        "SnapStart",
    );
    // A provisioned container takes every arrival: no cold start, no SnapStart charge.
    assert_eq!((prov.cold_starts, prov.snapstart_usd), (0, 0.0));
}

#[test]
fn a_snapstart_policy_is_written_with_its_restore_time() {
    assert!(policy("snapstart:300ms-600ms").is_ok());
    let e = policy("snapstart:600ms-300ms").expect_err("reversed");
    assert!(e.contains("snapstart:MIN-MAX"), "{e}");
    let e = policy("snapstart:soon").expect_err("not a time");
    assert!(e.contains("snapstart:RESTORE"), "{e}");
}
