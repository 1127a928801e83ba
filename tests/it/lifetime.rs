//! What the platform does to a container's life, checked by hand and against closed forms: a measured keep-alive curve (`policy = "empirical"`), a drawn maximum lifetime, and replacements initialized ahead of a retirement (`proactive_init`).
//!
//! Tolerances are 99.9 % intervals (z = 3.2905) of the binomial counts they bound.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;

const Z_999: f64 = 3.290_527;

fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml, Path::new("lifetime.toml"))
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}\n{toml}"))
}

fn run(s: &Scenario, seed: u64) -> Summary {
    let mut sim = Simulation::with_options(s, seed, None);
    sim.run(&mut ());
    Summary::new(s, seed, &sim)
}

/// One container's life under a periodic arrival every `gap`, with no init and no handler
/// time: each arrival after the first comes `gap` after the container went idle, so it is cold
/// exactly when the drawn window is at most `gap`: with probability F(gap), the curve's value.
fn cold_share(points: &str, gap_s: u64, n: u64) -> f64 {
    let s = scenario(&format!(
        r#"
name = "curve"
duration = "{}s"
[[function]]
name = "probe"
arrival = {{ process = "periodic", every = "{gap_s}s" }}
init = {{ dist = "constant", ms = 0 }}
exec = {{ dist = "constant", ms = 0 }}
keep_alive = {{ policy = "empirical", points = {points} }}
"#,
        gap_s * n
    ));
    let t = run(&s, 7).totals;
    assert_eq!(t.invocations, n);
    // The first arrival finds no container at all.
    (t.cold_starts - 1) as f64 / (n - 1) as f64
}

#[test]
fn a_measured_curve_is_the_cold_start_probability_after_each_gap() {
    let curve = r#"[["2m", 0.1], ["5m", 0.1], ["8m", 0.7], ["20m", 1]]"#;
    let n = 20_000;
    // F linear through (0, 0), flat from 2 to 5 minutes, then linear again.
    for (gap_s, expected) in [
        (60, 0.05),
        (180, 0.1),
        (360, 0.1 + 0.6 / 3.0),
        (600, 0.7 + 0.3 * 2.0 / 12.0),
        (1500, 1.0),
    ] {
        let p = cold_share(curve, gap_s, n);
        let tol = Z_999 * (expected * (1.0 - expected) / (n - 1) as f64).sqrt();
        assert!(
            (p - expected).abs() <= tol,
            "gap {gap_s}s: cold share {p}, curve {expected}, tolerance {tol}"
        );
    }
}

#[test]
fn a_malformed_curve_is_refused_naming_its_point() {
    for (points, needle) in [
        ("[]", "at least one"),
        (r#"[["5m", 0.5], ["4m", 1]]"#, "points[1]"),
        (
            r#"[["5m", 0.5], ["6m", 0.4], ["9m", 1]]"#,
            "must not decrease",
        ),
        (
            r#"[["5m", 0.5], ["6m", 0.9]]"#,
            "last probability must be 1",
        ),
        (r#"[["5m", 1.5]]"#, "[0, 1]"),
    ] {
        let toml = format!(
            "name = \"x\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\narrival = {{ process = \"poisson\", rate_per_s = 1 }}\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 0 }}\nkeep_alive = {{ policy = \"empirical\", points = {points} }}\n"
        );
        let e = Scenario::from_toml(&toml, Path::new("bad.toml"))
            .expect_err(points)
            .to_string();
        assert!(e.contains(needle), "{points}: {e}");
        assert!(e.contains("keep_alive"), "{points}: {e}");
    }
}

#[test]
fn a_function_without_a_keep_alive_gets_its_platforms_current_preset() {
    use coldsim::model::keep_alive::KeepAliveSpec;
    for (kind, preset) in [
        ("aws-lambda", "aws-lambda-2025"),
        ("aws-lambda-managed-instances", "aws-lambda-2025"),
        ("azure-consumption", "azure-functions-2025"),
        ("azure-flex-consumption", "azure-functions-2025"),
        ("google-cloud-run", "google-cloud-run-2025"),
    ] {
        let s = scenario(&format!(
            "name = \"k\"\nduration = \"1h\"\n[platform]\nkind = \"{kind}\"\n[[function]]\nname = \"f\"\narrival = {{ process = \"poisson\", rate_per_s = 1 }}\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 1 }}\n"
        ));
        assert_eq!(
            s.functions[0].keep_alive,
            KeepAliveSpec::Preset {
                name: preset.into()
            },
            "{kind}"
        );
    }
}
