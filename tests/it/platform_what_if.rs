//! The same traffic on each platform: `compare --policy platform:KIND` gives the figures of a scenario written for that platform, `coldsim cost --platform` one bill per platform (the Lambda one as `coldsim cost` alone gives it), and their errors.

use std::path::Path;
use std::process::Command;

use coldsim::analysis::compare::compare;
use coldsim::analysis::summary::Summary;
use coldsim::input::spec::policy;
use coldsim::sim::engine::Simulation;

/// A Lambda scenario of one function for two hours, `kind` set when given.
fn scenario(kind: Option<&str>, cpu_fraction: f64) -> String {
    let platform = kind.map_or_else(String::new, |k| format!("[platform]\nkind = \"{k}\"\n"));
    format!(
        "name = \"w\"\nseed = 3\nduration = \"2h\"\n{platform}[[function]]\nname = \"f\"\n\
         arrival = {{ process = \"poisson\", rate_per_s = 4.0 }}\n\
         init = {{ dist = \"constant\", ms = 400 }}\nexec = {{ dist = \"exponential\", mean_ms = 200 }}\n\
         cpu_fraction = {cpu_fraction}\n"
    )
}

fn parse(text: &str) -> coldsim::Scenario {
    coldsim::parse(text, "w.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn summary(s: &coldsim::Scenario) -> Summary {
    let mut sim = Simulation::new(s);
    sim.run(&mut ());
    Summary::new(s, s.seed, &sim)
}

#[test]
fn a_platform_policy_gives_the_figures_of_a_scenario_written_for_that_platform() {
    let lambda = parse(&scenario(None, 0.0));
    for kind in [
        "aws-lambda-managed-instances",
        "azure-flex-consumption",
        "azure-consumption",
        "google-cloud-run",
    ] {
        let p = policy(&format!("platform:{kind}")).expect("a platform policy");
        let c = compare(&lambda, lambda.seed, &[p], &mut |_| {}).expect("compared");
        let row = &c.policies[0];
        let native = summary(&parse(&scenario(Some(kind), 0.0))).totals;
        assert_eq!(row.platform, kind);
        assert_eq!(row.invocations, native.invocations, "{kind}");
        assert_eq!(row.cold_starts, native.cold_starts, "{kind}");
        assert_eq!(row.peak_containers, native.containers.peak, "{kind}");
        assert_eq!(row.p99_ms, native.latency_ms.p99, "{kind}");
        assert_eq!(row.total_usd, native.cost_usd, "{kind}");
        assert_eq!(row.management_usd, native.cost.management_usd, "{kind}");
        assert_eq!(row.month_total_usd, native.month_cost_usd, "{kind}");
    }
}

#[test]
fn lambda_as_a_platform_policy_is_the_scenario_itself() {
    let lambda = parse(&scenario(None, 0.5));
    let p = policy("platform:aws-lambda").expect("a platform policy");
    let c = compare(&lambda, lambda.seed, &[p], &mut |_| {}).expect("compared");
    let own = summary(&lambda).totals;
    assert_eq!(c.policies[0].platform, "aws-lambda");
    assert_eq!(c.policies[0].total_usd, own.cost_usd);
    assert_eq!(c.policies[0].p99_ms, own.latency_ms.p99);
}

#[test]
fn moved_to_another_platform_the_cpu_bound_share_runs_at_the_new_instances_cpu() {
    // Measured on Lambda at 128 MB (128/1769 of a vCPU), all CPU-bound, 1,769 ms: on Cloud
    // Run's default instance (1 vCPU) alone a request takes 1,769 × 128/1769 = 128 ms. Half
    // CPU-bound: 884.5 + 64 = 948.5 ms. I/O-bound: 1,769 ms on either.
    for (fraction, ms) in [(1.0, 128.0), (0.5, 948.5), (0.0, 1769.0)] {
        let text = format!(
            "name = \"c\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\nmemory_mb = 128\n\
             arrival = {{ process = \"periodic\", every = \"1m\" }}\n\
             init = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 1769 }}\n\
             cpu_fraction = {fraction}\n"
        );
        let s = parse(&text);
        let p = policy("platform:google-cloud-run").expect("a platform policy");
        let c = compare(&s, s.seed, &[p], &mut |_| {}).expect("compared");
        let p50 = c.policies[0].p50_ms.expect("a latency");
        assert!(
            (p50 - ms).abs() < 0.002,
            "cpu_fraction {fraction}: {p50} ms, not {ms}"
        );
    }
}

#[test]
fn cloud_run_instance_billing_as_a_policy_names_the_figure_it_lacks() {
    let lambda = parse(&scenario(None, 0.0));
    let p = policy("platform:google-cloud-run:instance").expect("a platform policy");
    let e = compare(&lambda, lambda.seed, &[p], &mut |_| {})
        .expect_err("no public instance-based memory price")
        .to_string();
    assert!(e.contains("instance_based.memory_usd_per_gib_s"), "{e}");
    assert!(e.contains("--prices"), "{e}");
    for bad in [
        "platform:azure",
        "platform:aws-lambda:instance",
        "platform:google-cloud-run:hourly",
    ] {
        assert!(policy(bad).is_err(), "{bad} accepted");
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// `coldsim cost ARGS --out DIR/out` in a fresh folder; (success, stderr, cost.json if written).
fn cost(args: &[&str]) -> (bool, String, Option<serde_json::Value>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_coldsim"))
        .current_dir(dir.path())
        .arg("cost")
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .expect("coldsim runs");
    let json = std::fs::read(out.join("cost.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("cost.json parses"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    )
}

#[test]
fn cost_on_platforms_gives_one_bill_per_platform_and_lambdas_as_cost_alone_does() {
    let trace = fixture("azure-functions-2021-sample.csv");
    let common = [
        "--format",
        "azure2021",
        "--init",
        "300ms",
        "--no-break-even",
    ];
    let mut args = vec![trace.as_str()];
    args.extend(common);
    let (ok, err, alone) = cost(&args);
    assert!(ok, "{err}");
    let alone = alone.expect("cost.json");
    args.extend([
        "--platform",
        "azure-flex-consumption,aws-lambda,google-cloud-run",
    ]);
    let (ok, err, many) = cost(&args);
    assert!(ok, "{err}");
    let many = many.expect("cost.json");
    let platforms = many["platforms"].as_array().expect("platforms");
    let names: Vec<&str> = platforms
        .iter()
        .map(|p| p["platform"].as_str().expect("a platform"))
        .collect();
    assert_eq!(
        names,
        ["azure-flex-consumption", "aws-lambda", "google-cloud-run"]
    );
    assert_eq!(platforms[1]["total_usd"], alone["total_usd"]);
    assert_eq!(platforms[1]["cold_starts"], alone["cold_starts"]);
    assert_eq!(platforms[1]["functions"], alone["functions"]);
    // Every platform runs the same arrivals.
    for p in platforms {
        assert_eq!(p["invocations"], alone["invocations"]);
    }
    let usd = |p: &serde_json::Value| p["total_usd"].as_f64().expect("total_usd");
    let cheapest = platforms
        .iter()
        .min_by(|a, b| usd(a).total_cmp(&usd(b)))
        .expect("a platform");
    assert_eq!(many["cheapest"], cheapest["platform"]);
}

#[test]
fn each_platform_takes_its_own_sheet_and_lambda_keeps_its_break_even() {
    // A Cloud Run sheet with twice the request-based CPU price: Cloud Run's bill changes,
    // Lambda's is the bill `coldsim cost` alone gives, its provisioned break-even included.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let built_in = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("prices/google-cloud-run-us-central1.toml"),
    )
    .expect("the built-in sheet");
    let dear = built_in.replacen(
        "cpu_usd_per_vcpu_s = 0.000024",
        "cpu_usd_per_vcpu_s = 0.000048",
        1,
    );
    assert_ne!(dear, built_in);
    let sheet = dir.path().join("dear.toml");
    std::fs::write(&sheet, dear).expect("write");
    let sheet = sheet.display().to_string();
    let trace = fixture("azure-functions-2021-sample.csv");
    let base = [trace.as_str(), "--format", "azure2021", "--init", "300ms"];
    let (ok, err, alone) = cost(&base);
    assert!(ok, "{err}");
    let alone = alone.expect("cost.json");
    let mut args = base.to_vec();
    args.extend(["--platform", "aws-lambda,google-cloud-run"]);
    let (ok, err, plain) = cost(&args);
    assert!(ok, "{err}");
    args.extend(["--prices", &sheet]);
    let (ok, err, priced) = cost(&args);
    assert!(ok, "{err}");
    let (plain, priced) = (plain.expect("cost.json"), priced.expect("cost.json"));
    let lambda = &priced["platforms"][0];
    assert_eq!(lambda["total_usd"], alone["total_usd"]);
    assert_eq!(lambda["functions"], alone["functions"]);
    assert!(
        alone["functions"][0]["provisioned"].is_object(),
        "the break-even is there to compare"
    );
    let usd = |v: &serde_json::Value| v["compute_usd"].as_f64().expect("compute_usd");
    let (cheap, dear) = (usd(&plain["platforms"][1]), usd(&priced["platforms"][1]));
    assert!(dear > cheap * 1.5, "{dear} against {cheap}");
}

#[test]
fn cost_on_platforms_refuses_what_it_cannot_price() {
    let trace = fixture("azure-functions-2021-sample.csv");
    let base = [trace.as_str(), "--format", "azure2021", "--init", "300ms"];
    let sheet = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("prices/google-cloud-run-us-central1.toml")
        .display()
        .to_string();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["--platform", "azure"],
            &["--platform", "unknown platform \"azure\""],
        ),
        (
            &["--platform", "google-cloud-run:instance"],
            &["instance_based.memory_usd_per_gib_s", "--prices"],
        ),
        (
            &["--platform", "aws-lambda", "--prices", "a.toml"],
            &["--prices", "a.toml"],
        ),
        (
            &[
                "--platform",
                "google-cloud-run",
                "--prices",
                &sheet,
                "--prices",
                &sheet,
            ],
            &["--prices", "google-cloud-run already has a sheet"],
        ),
    ];
    for (extra, needles) in cases {
        let mut args = base.to_vec();
        args.extend(extra);
        let (ok, err, json) = cost(&args);
        assert!(!ok && json.is_none(), "{args:?} accepted");
        // One line (the argument parser adds its usage hint below it).
        let line = err.lines().next().unwrap_or_default();
        assert!(line.starts_with("error: "), "{err}");
        for n in needles {
            assert!(line.contains(n), "{args:?}: {err} does not name {n}");
        }
    }
}

#[test]
fn a_sweep_over_platforms_and_traffic_names_where_the_cheaper_platform_changes() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = "name = \"be\"\nseed = 1\nduration = \"1h\"\n[[function]]\nname = \"api\"\n\
                arrival = { process = \"poisson\", rate_per_s = 1.0 }\n\
                init = { dist = \"constant\", ms = 300 }\nexec = { dist = \"constant\", ms = 200 }\n";
    std::fs::write(dir.path().join("be.toml"), text).expect("write");
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_coldsim"))
        .current_dir(dir.path())
        .args([
            "sweep",
            "be.toml",
            "--set",
            "platform.kind=aws-lambda,google-cloud-run",
        ])
        .args(["--set", "traffic_scale=1,1000", "--out"])
        .arg(&out)
        .output()
        .expect("coldsim runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).expect("sweep.json"))
            .expect("parses");
    let cost = |i: usize| {
        json["rows"][i]["metrics"]["cost_usd"]["mean"]
            .as_f64()
            .expect("a cost")
    };
    // Rows: Lambda at 1 and 1000, then Cloud Run at 1 and 1000.
    let (d0, d1) = (cost(0) - cost(2), cost(1) - cost(3));
    assert!(
        d0 < 0.0 && d1 > 0.0,
        "Lambda cheaper at 1, Cloud Run at 1000: {d0} {d1}"
    );
    let c = &json["break_even"][0];
    assert_eq!(c["cheaper_below"], "aws-lambda");
    assert_eq!(c["cheaper_above"], "google-cloud-run");
    let value = c["value"].as_f64().expect("a value");
    assert!(
        (value - (1.0 + 999.0 * d0 / (d0 - d1))).abs() < 1e-9,
        "{value}"
    );
    assert!(
        stdout.contains(
            "break-even: google-cloud-run becomes cheaper than aws-lambda at traffic_scale"
        ),
        "{stdout}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(page.contains("id=\"break-even\""));
}

#[test]
fn compare_bills_a_platform_policy_with_the_sheet_given_for_it() {
    // The built-in Flex sheet with every execution priced twice: the policy's requests part
    // doubles, the rest of the bill stays.
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("w.toml"), scenario(None, 0.0)).expect("write");
    let sheet = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("prices/azure-flex-consumption-east-us.toml"),
    )
    .expect("the built-in sheet")
    .replace(
        "executions_usd_per_million = 0.4",
        "executions_usd_per_million = 0.8",
    );
    std::fs::write(dir.path().join("flex.toml"), sheet).expect("write");
    let compare = |extra: &[&str]| -> serde_json::Value {
        let out = dir.path().join(format!("out{}", extra.len()));
        let output = Command::new(env!("CARGO_BIN_EXE_coldsim"))
            .current_dir(dir.path())
            .args([
                "compare",
                "w.toml",
                "--policy",
                "platform:azure-flex-consumption",
                "--quiet",
                "--out",
            ])
            .arg(&out)
            .args(extra)
            .output()
            .expect("coldsim runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("compare.json")).expect("compare.json"))
                .expect("parses");
        json["policies"][0].clone()
    };
    let (built_in, given) = (compare(&[]), compare(&["--prices", "flex.toml"]));
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().expect("a figure");
    assert!(f(&built_in, "requests_usd") > 0.0);
    assert!((f(&given, "requests_usd") - 2.0 * f(&built_in, "requests_usd")).abs() < 1e-12);
    assert_eq!(given["compute_usd"], built_in["compute_usd"]);
    let delta = f(&given, "total_usd") - f(&built_in, "total_usd");
    assert!(
        (delta - f(&built_in, "requests_usd")).abs() < 1e-12,
        "{delta}"
    );
}

#[test]
fn the_cost_chart_of_managed_instances_shows_the_management_fee() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = scenario(Some("aws-lambda-managed-instances"), 0.0);
    std::fs::write(dir.path().join("w.toml"), text).expect("write");
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_coldsim"))
        .current_dir(dir.path())
        .args(["run", "w.toml", "--quiet", "--out"])
        .arg(&out)
        .output()
        .expect("coldsim runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let svg = std::fs::read_to_string(out.join("cost.svg")).expect("cost.svg");
    assert!(
        svg.contains("management fee"),
        "no management fee in the legend"
    );
    assert!(!svg.contains("ephemeral storage"));
}
