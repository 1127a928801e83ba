//! One way to make a variant: the same what-if gives the same figures whichever command makes it (`compare --policy`, `sweep --set`, `plan --vary`).

use std::path::Path;

use serde_json::Value;

/// A function measured at 512 MB whose times are 80 % CPU, with its init from a runtime's
/// measured INIT times, and a second one with a constant init: a memory what-if must scale the
/// handler times of both by the CPU that memory buys, and re-resolve the runtime's init at the
/// new size.
const SCENARIO: &str = r#"
name = "mem"
seed = 3
duration = "20m"

[[function]]
name = "f"
memory_mb = 512
cpu_fraction = 0.8
arrival = { process = "poisson", rate_per_s = 3.0 }
exec = { dist = "lognormal", mean_ms = 900, stddev_ms = 300 }
init = { runtime = "python3.12" }
keep_alive = { policy = "fixed", idle = "1m" }

[[function]]
name = "g"
memory_mb = 512
cpu_fraction = 0.5
arrival = { process = "poisson", rate_per_s = 1.0 }
exec = { dist = "constant", ms = 400 }
init = { dist = "constant", ms = 600 }
keep_alive = { policy = "fixed", idle = "30s" }
"#;

fn coldsim(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = assert_cmd::Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(dir)
        .args(args)
        .arg("--quiet")
        .output()
        .expect("coldsim runs");
    assert!(
        out.status.code().is_some(),
        "coldsim {args:?}: {:?}",
        out.status
    );
    out
}

fn json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("JSON")
}

fn f64_at(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{pointer} in {v}"))
}

#[test]
fn a_memory_what_if_gives_the_same_figures_through_compare_sweep_and_plan() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("mem.toml"), SCENARIO).expect("write");
    let ok = |o: std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ok(coldsim(
        dir.path(),
        &[
            "compare",
            "mem.toml",
            "--policy",
            "memory:1024",
            "--out",
            "c",
        ],
    ));
    // Both functions at 1024 MB, through the scenario's own keys.
    ok(coldsim(
        dir.path(),
        &[
            "sweep",
            "mem.toml",
            "--set",
            "function.f.memory_mb=1024",
            "--set",
            "function.g.memory_mb=1024",
            "--out",
            "s",
        ],
    ));
    // Every size from the first that meets the objective is run, 1024 MB among them.
    let plan = coldsim(
        dir.path(),
        &[
            "plan", "mem.toml", "--vary", "memory", "--slo", "p99<3s", "--out", "p",
        ],
    );
    ok(plan);
    let compare = json(&dir.path().join("c/compare.json"));
    let sweep = json(&dir.path().join("s/sweep.json"));
    let plan = json(&dir.path().join("p/plan.json"));
    let row = &compare["policies"][0];
    assert_eq!(row["policy"], "memory:1024");
    let step = plan["examined"]
        .as_array()
        .expect("examined")
        .iter()
        .find(|s| s["value"] == "1024")
        .expect("plan examined 1024 MB");
    let point = &sweep["rows"][0]["metrics"];
    let (c_p99, c_cost) = (f64_at(row, "/p99_ms"), f64_at(row, "/total_usd"));
    let s_p99 = f64_at(point, "/p99_ms/mean");
    let s_cost = f64_at(point, "/cost_usd/mean");
    let p_p99 = f64_at(step, "/values/0");
    let p_cost = f64_at(step, "/cost_usd");
    assert_eq!(c_p99, s_p99, "compare and sweep p99");
    assert_eq!(c_p99, p_p99, "compare and plan p99 [ms]");
    assert_eq!(c_cost, s_cost, "compare and sweep cost");
    assert_eq!(c_cost, p_cost, "compare and plan cost");
    assert_eq!(
        f64_at(row, "/cold_start_ratio"),
        f64_at(point, "/cold_start_ratio/mean")
    );
}

/// Every invocation of `scenario` as (arrival [µs], init [µs], exec [µs]).
fn invocations(scenario: &coldsim::model::scenario::Scenario) -> Vec<(u64, u64, u64)> {
    let mut sim = coldsim::sim::engine::Simulation::new(scenario);
    let mut log = Vec::<coldsim::sim::invocation::Invocation>::new();
    sim.run(&mut log);
    log.iter()
        .map(|i| {
            (
                i.arrived.as_micros(),
                i.init.as_micros(),
                i.exec.as_micros(),
            )
        })
        .collect()
}

fn scenario(text: &str) -> coldsim::model::scenario::Scenario {
    coldsim::model::scenario::Scenario::from_toml(text, Path::new("v.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

const HALF_CPU: &str = r#"
duration = "1h"
[[function]]
name = "f"
memory_mb = 512
cpu_fraction = 0.5
arrival = { process = "explicit", at = ["0s", "1m"] }
init = { dist = "constant", ms = 600 }
exec = { dist = "constant", ms = 400 }
"#;

#[test]
fn a_memory_what_if_scales_the_times_measured_at_the_written_size() {
    // At 1024 MB the CPU-bound half runs twice as fast: factor 0.5 + 0.5 × 512 / 1024 = 0.75,
    // so init 600 → 450 ms and exec 400 → 300 ms, through compare's policy and through the
    // scenario's own key alike.
    let written = scenario(HALF_CPU);
    let policy = coldsim::input::spec::policy("memory:1024").expect("a policy");
    let compared = policy.apply(&written, &written.functions).expect("applies");
    let want = vec![(0, 450_000, 300_000), (60_000_000, 0, 300_000)];
    assert_eq!(invocations(&compared), want);
    let edited = HALF_CPU.replace("memory_mb = 512", "memory_mb = 1024");
    let swept = coldsim::model::scenario::Scenario::from_toml_variant(
        &edited,
        Path::new("v.toml"),
        &written,
    )
    .expect("valid");
    assert_eq!(swept.functions[0].reference_memory_mb, 512);
    assert_eq!(invocations(&swept), want);
    // The file as written at 1024 MB is measured there: nothing scales.
    assert_eq!(
        invocations(&scenario(&edited)),
        vec![(0, 600_000, 400_000), (60_000_000, 0, 400_000)]
    );
}

#[test]
fn a_memory_what_if_looks_a_runtime_init_up_again_at_the_new_size_unscaled() {
    use coldsim::cost::Arch;
    use coldsim::cost::Package;
    use coldsim::model::dist::TimeDist;
    let text = HALF_CPU.replace(
        r#"init = { dist = "constant", ms = 600 }"#,
        r#"init = { runtime = "python3.12" }"#,
    );
    let written = scenario(&text);
    let at = |mb: u32| match coldsim::input::preset::init_preset(
        "python3.12",
        Arch::X86_64,
        mb,
        Package::Zip,
    ) {
        Ok(TimeDist::Empirical(samples)) => samples,
        other => panic!("{other:?}"),
    };
    let (small, large) = (at(512), at(1024));
    assert_ne!(small, large, "the preset differs between the sizes");
    let policy = coldsim::input::spec::policy("memory:1024").expect("a policy");
    let f = policy.apply(&written, &written.functions).expect("applies");
    let cold = invocations(&f)[0];
    assert!(
        large.iter().any(|s| s.as_micros() == cold.1),
        "init {} µs is a 1024 MB sample, unscaled: {large:?}",
        cold.1
    );
    assert_eq!(cold.2, 300_000, "exec still scales");
}
