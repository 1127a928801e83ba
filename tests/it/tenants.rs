//! Tenant isolation: an environment serves one tenant only. One tenant is the run without isolation; many uniform tenants thin the traffic each sees, and the cold-start ratio follows the closed form; AWS's refusals.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;

const Z_999: f64 = 3.290_527;

fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml, Path::new("tenants.toml"))
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}\n{toml}"))
}

fn run(s: &Scenario) -> Summary {
    let mut sim = Simulation::new(s);
    sim.run(&mut ());
    Summary::new(s, s.seed, &sim)
}

/// Poisson arrivals at 1 per second for `duration`, no init or handler time, a fixed
/// one-minute keep-alive, with the given extra function lines.
fn poisson(duration: &str, extra: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "tenants"
duration = "{duration}"
[[function]]
name = "api"
arrival = {{ process = "poisson", rate_per_s = 1 }}
init = {{ dist = "constant", ms = 0 }}
exec = {{ dist = "constant", ms = 0 }}
keep_alive = {{ policy = "fixed", idle = "1m" }}
{extra}
"#
    ))
}

#[test]
fn one_tenant_is_the_run_without_isolation() {
    let plain = run(&poisson("6h", ""));
    let one = run(&poisson("6h", "tenants = { count = 1 }"));
    assert_eq!(one.totals.invocations, plain.totals.invocations);
    assert_eq!(one.totals.cold_starts, plain.totals.cold_starts);
    assert_eq!(one.totals.gb_s.idle, plain.totals.gb_s.idle);
    assert_eq!(one.functions[0].tenants, Some(1));
    assert_eq!(plain.functions[0].tenants, None);
}

#[test]
fn uniform_tenants_each_see_thinned_traffic_and_its_cold_starts() {
    // N uniform tenants split a Poisson process of rate 1/s into N of rate 1/N each. With no
    // handler time an arrival is cold exactly when its tenant's last arrival is at least the
    // 1-minute window ago: probability p = exp(-60 / N), independently for each arrival but
    // the tenant's first (always cold). Over n arrivals the count of cold starts has mean
    // N + (n - N) p and a 99.9 % interval of z sqrt(n p (1 - p)).
    for n_tenants in [20u32, 100] {
        let s = poisson(
            "30h",
            &format!("tenants = {{ count = {n_tenants}, popularity = \"uniform\" }}"),
        );
        let t = run(&s).totals;
        let n = t.invocations as f64;
        let p = (-60.0 / f64::from(n_tenants)).exp();
        let mean = f64::from(n_tenants) + (n - f64::from(n_tenants)) * p;
        let tol = Z_999 * (n * p * (1.0 - p)).sqrt();
        let cold = t.cold_starts as f64;
        assert!(
            (cold - mean).abs() <= tol,
            "{n_tenants} tenants: {cold} cold starts of {n}, expected {mean} within {tol}"
        );
    }
    // Isolation costs cold starts: more tenants, more of them, on the same arrivals.
    let few = run(&poisson("2h", "tenants = { count = 2 }")).totals;
    let many = run(&poisson("2h", "tenants = { count = 200 }")).totals;
    assert_eq!(few.invocations, many.invocations);
    assert!(many.cold_starts > few.cold_starts);
}

#[test]
fn tenant_isolation_is_refused_where_aws_refuses_it() {
    for (extra, needle) in [
        ("tenants = { count = 0 }", "tenants.count"),
        (
            "tenants = { count = 5, popularity = { zipf = -1 } }",
            "zipf must be an exponent",
        ),
        (
            "tenants = { count = 5, popularity = \"pareto\" }",
            "\"uniform\" or { zipf = S }",
        ),
        (
            "tenants = { count = 5 }\nprovisioned_concurrency = 1",
            "provisioned concurrency",
        ),
        (
            "tenants = { count = 5 }\ncontainer_concurrency = 2",
            "one request at a time",
        ),
        (
            "tenants = { count = 5 }\nsnapstart = { restore = { dist = \"constant\", ms = 1 }, runtime = \"java\" }",
            "SnapStart",
        ),
    ] {
        let text = format!(
            "name = \"t\"\nduration = \"1h\"\n[[function]]\nname = \"api\"\narrival = {{ process = \"poisson\", rate_per_s = 1 }}\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 0 }}\n{extra}\n"
        );
        let e = Scenario::from_toml(&text, Path::new("bad.toml"))
            .expect_err(extra)
            .to_string();
        assert!(e.contains(needle), "{extra}: {e}");
        assert!(e.contains("tenants"), "{extra}: {e}");
    }
    let text = "name = \"t\"\nduration = \"1h\"\n[platform]\nkind = \"google-cloud-run\"\n[[function]]\nname = \"api\"\narrival = { process = \"poisson\", rate_per_s = 1 }\ninit = { dist = \"constant\", ms = 0 }\nexec = { dist = \"constant\", ms = 0 }\ntenants = { count = 5 }\n";
    let e = Scenario::from_toml(text, Path::new("bad.toml"))
        .expect_err("cloud run")
        .to_string();
    assert!(e.contains("AWS Lambda's"), "{e}");
}

#[test]
fn a_traces_tenant_column_isolates_its_environments() {
    // Tenants a, b, a, b a second apart: with isolation two cold starts, then each tenant's
    // own container; without the column one container serves all four.
    let dir = tempfile::tempdir().expect("tempdir");
    let run_trace = |csv: &str| {
        let path = dir.path().join("t.csv");
        std::fs::write(&path, csv).expect("write");
        let s = scenario(&format!(
            "name = \"t\"\n[workload]\ntrace = {{ path = {:?} }}\n[defaults]\ninit = {{ dist = \"constant\", ms = 100 }}\nexec = {{ dist = \"constant\", ms = 10 }}\nkeep_alive = {{ policy = \"fixed\", idle = \"10m\" }}\n",
            path.display().to_string()
        ));
        let done = coldsim::analysis::run::run(&s, 1, None, |_| {}).expect("runs");
        Summary::new(&s, 1, &done.sim)
    };
    let isolated = run_trace("timestamp,function,tenant\n0,api,a\n1,api,b\n2,api,a\n3,api,b\n");
    assert_eq!(isolated.totals.cold_starts, 2);
    assert_eq!(isolated.functions[0].tenants, Some(2));
    let shared = run_trace("timestamp,function\n0,api\n1,api\n2,api\n3,api\n");
    assert_eq!(shared.totals.cold_starts, 1);
    assert_eq!(shared.functions[0].tenants, None);
}

#[test]
fn a_trace_names_at_most_the_tenants_a_run_isolates() {
    // 100,000 distinct tenants, one arrival each, are read; one more is refused at its row.
    let dir = tempfile::tempdir().expect("tempdir");
    let run_trace = |n: u32| {
        let mut csv = String::from("timestamp,function,tenant\n");
        for i in 0..n {
            csv.push_str(&format!("{}.{:03},api,t{i}\n", i / 1000, i % 1000));
        }
        let path = dir.path().join("t.csv");
        std::fs::write(&path, csv).expect("write");
        let s = scenario(&format!(
            "name = \"t\"\n[workload]\ntrace = {{ path = {:?} }}\n[defaults]\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 0 }}\nkeep_alive = {{ policy = \"fixed\", idle = \"1s\" }}\n",
            path.display().to_string()
        ));
        coldsim::analysis::run::run(&s, 1, None, |_| {}).map(|done| Summary::new(&s, 1, &done.sim))
    };
    let max = coldsim::model::function::MAX_TENANTS;
    let all = run_trace(max).expect("at the limit");
    assert_eq!(all.functions[0].tenants, Some(max));
    let Err(e) = run_trace(max + 1) else {
        panic!("{} tenants read", max + 1);
    };
    let e = e.to_string();
    assert!(
        e.contains(&format!("t.csv:{}: column tenant", max + 2))
            && e.contains("more than 100000 tenants"),
        "{e}"
    );
}
