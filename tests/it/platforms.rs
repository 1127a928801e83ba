//! The platforms beside Lambda, run end to end: bills computed by hand (Microsoft's own Flex example, one Flex instance against three, Consumption's memory steps, Cloud Run's start-up and instance lives, Managed Instances' hosts), their defaults, and the keys one platform refuses.

use coldsim::analysis::summary::Summary;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};

/// Parses a scenario text read as `p.toml`.
fn parse(text: &str) -> coldsim::Scenario {
    coldsim::parse(text, "p.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The error of a scenario text read as `p.toml`.
fn error(text: &str) -> String {
    match coldsim::parse(text, "p.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn summary(s: &coldsim::Scenario) -> Summary {
    let mut sim = Simulation::new(s);
    sim.run(&mut ());
    Summary::new(s, s.seed, &sim)
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} != {b}"
    );
}

/// One function on `kind` for an hour: a request every `every_ms` of `exec_ms` each, no init,
/// `extra` keys on the function.
fn steady(kind: &str, every_ms: u64, exec_ms: u64, extra: &str) -> String {
    format!(
        "name = \"p\"\nduration = \"1h\"\n[platform]\nkind = \"{kind}\"\n[[function]]\nname = \"f\"\n\
         arrival = {{ process = \"periodic\", every = \"{every_ms}ms\" }}\n\
         init = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = {exec_ms} }}\n{extra}\n"
    )
}

#[test]
fn microsofts_flex_example_runs_as_it_bills() {
    // "Estimating consumption-based costs": 40 requests a second (one every 25 ms), 10 at once
    // (250 ms each), 2,048 MB, an hour. I/O-bound at the default 16 per instance: one instance
    // active the whole hour, $0.1872 of execution time and 144,000 executions at $0.40 per
    // million, $0.2448. CPU-bound at one per instance: ten instances, which Microsoft bills a
    // full hour each ($1.9296). Here the k-th starts at 25k ms, so its hour in the window is
    // 3,600 s − 25k ms, rounded up to 100 ms: 3,600 s for k = 0 to 3, 3,599.9 s for 4 to 7,
    // 3,599.8 s for 8 and 9, 35,999.2 s in all: 71,998.4 GB-s, $1.8719584 + $0.0576 =
    // $1.9295584, Microsoft's figure to the cent fraction it shows.
    let s = parse(&steady("azure-flex-consumption", 25, 250, ""));
    let t = summary(&s).totals;
    assert_eq!(t.invocations, 144_000);
    assert_eq!(t.containers.peak, 1);
    close(t.cost.compute_usd, 0.1872, "execution time");
    close(t.cost.requests_usd, 0.0576, "executions");
    close(t.cost.total_usd, 0.2448, "total");
    let s = parse(&steady(
        "azure-flex-consumption",
        25,
        250,
        "container_concurrency = 1",
    ));
    let t = summary(&s).totals;
    assert_eq!(t.containers.peak, 10);
    close(
        t.cost.billed_gb_s,
        71_998.4,
        "GB-s at one request per instance",
    );
    close(
        t.cost.total_usd,
        1.9295584,
        "total at one request per instance",
    );
    assert_eq!(format!("{:.4}", t.cost.total_usd), "1.9296");
}

#[test]
fn one_flex_instance_against_three() {
    // A request every 100 ms of 300 ms: three in flight. At 16 per instance one 2,048 MB
    // instance is active the whole hour: 7,200 GB-s × $0.000026 = $0.1872, plus 36,000
    // executions × $0.40 / million = $0.0144. At one per instance, three instances, each
    // active from its first request to the end of the hour (a request ending and the next
    // starting at the same microsecond keep one activity period): from 0, 0.1 and 0.2 s,
    // 10,799.7 s in all at 2 GB, 21,599.4 GB-s: $0.5615844 + $0.0144.
    let one = summary(&parse(&steady("azure-flex-consumption", 100, 300, ""))).totals;
    assert_eq!(one.containers.peak, 1);
    close(one.cost.billed_gb_s, 7200.0, "GB-s");
    close(one.cost.total_usd, 0.1872 + 0.0144, "one instance");
    let s = parse(&steady(
        "azure-flex-consumption",
        100,
        300,
        "container_concurrency = 1",
    ));
    let three = summary(&s).totals;
    assert_eq!(three.containers.peak, 3);
    close(three.cost.billed_gb_s, 21_599.4, "GB-s");
    close(three.cost.total_usd, 0.5615844 + 0.0144, "three instances");
}

#[test]
fn a_short_flex_activity_bills_a_second_then_tenths() {
    // Function f: a cold start at 0 (its 400 ms init is not an execution, not billed) and a
    // warm start at 10 s, 30 ms each: two activity periods at the 1,000 ms minimum. Function g:
    // one of 1,250 ms at 20 s, rounded up to 1,300 ms. At 2 GB: (2,000 + 1,300) ms × 2 GB =
    // 6.6 GB-s.
    let text = "name = \"p\"\nduration = \"1m\"\n[platform]\nkind = \"azure-flex-consumption\"\n\
        [defaults]\ninit = { dist = \"constant\", ms = 400 }\n\
        [[function]]\nname = \"f\"\narrival = { process = \"explicit\", at = [\"0s\", \"10s\"] }\n\
        exec = { dist = \"constant\", ms = 30 }\n\
        [[function]]\nname = \"g\"\narrival = { process = \"explicit\", at = [\"20s\"] }\n\
        exec = { dist = \"constant\", ms = 1250 }\n";
    let sum = summary(&parse(text));
    close(
        sum.functions[0].figures.cost.billed_gb_s,
        4.0,
        "f: two minimum periods",
    );
    close(
        sum.functions[1].figures.cost.billed_gb_s,
        2.6,
        "g: 1,300 ms",
    );
    close(
        sum.totals.cost.compute_usd,
        6.6 * 0.000026,
        "execution time",
    );
}

#[test]
fn azure_consumption_bills_memory_steps_and_a_minimum() {
    // 160 MB bills as 256 MB; each 30 ms execution as 100 ms: 60 executions a minute for an
    // hour, 3,600 × 0.25 GB × 0.1 s = 90 GB-s at $0.000016, and 3,600 × $0.20 / million.
    let s = parse(&steady("azure-consumption", 1000, 30, "memory_mb = 160"));
    let t = summary(&s).totals;
    assert_eq!(t.invocations, 3_600);
    close(t.cost.billed_gb_s, 90.0, "GB-s");
    close(
        t.cost.total_usd,
        90.0 * 0.000016 + 3600.0 * 0.2 / 1e6,
        "total",
    );
}

#[test]
fn cloud_run_bills_start_up_and_busy_time_per_instance() {
    // 1 vCPU, 512 MiB: a cold start (init 500 ms) with a 200 ms request at 0, and a warm 200 ms
    // request at 10 s. Busy: [0, 700) ms with its start-up, [10, 10.2) s: 900 ms billed.
    let text = "name = \"p\"\nduration = \"1m\"\n[platform]\nkind = \"google-cloud-run\"\n\
        [[function]]\nname = \"f\"\narrival = { process = \"explicit\", at = [\"0s\", \"10s\"] }\n\
        init = { dist = \"constant\", ms = 500 }\nexec = { dist = \"constant\", ms = 200 }\n";
    let s = parse(text);
    let t = summary(&s).totals;
    assert_eq!((t.cold_starts, t.warm_starts), (1, 1));
    let expected = 0.9 * (0.000024 + 0.5 * 0.0000025) + 2.0 * 0.4 / 1e6;
    close(t.cost.total_usd, expected, "request-based");
    close(t.cost.billed_gb_s, 0.45, "GiB-s");
}

#[test]
fn an_instance_reclaimed_before_the_end_bills_its_last_busy_period() {
    // Kept 5 s after its request: the first instance (busy [0, 700) ms with its start-up) is
    // reclaimed at 5.7 s, before the run ends; the request at 10 s starts another, busy
    // [10, 10.7) s. 1.4 s billed, as many vCPU-seconds and 0.7 GiB-s.
    let text = "name = \"p\"\nduration = \"1m\"\n[platform]\nkind = \"google-cloud-run\"\n\
        [[function]]\nname = \"f\"\narrival = { process = \"explicit\", at = [\"0s\", \"10s\"] }\n\
        init = { dist = \"constant\", ms = 500 }\nexec = { dist = \"constant\", ms = 200 }\n\
        keep_alive = { policy = \"fixed\", idle = \"5s\" }\n";
    let s = parse(text);
    let t = summary(&s).totals;
    assert_eq!((t.cold_starts, t.warm_starts), (2, 0));
    let expected = 1.4 * (0.000024 + 0.5 * 0.0000025) + 2.0 * 0.4 / 1e6;
    close(t.cost.total_usd, expected, "request-based");
    close(t.cost.billed_gb_s, 0.7, "GiB-s");
}

#[test]
fn cloud_run_instance_billing_needs_a_memory_price_no_source_gives() {
    let text = "name = \"p\"\nduration = \"1m\"\n[platform]\nkind = \"google-cloud-run\"\nbilling = \"instance\"\n\
        [[function]]\nname = \"f\"\narrival = { process = \"explicit\", at = [\"0s\"] }\n\
        init = { dist = \"constant\", ms = 500 }\nexec = { dist = \"constant\", ms = 200 }\n";
    let err = error(text);
    assert!(err.starts_with("p.toml:4: platform.kind: google-cloud-run instance-based billing needs instance_based.memory_usd_per_gib_s, which no public source gives: copy prices/google-cloud-run-us-central1.toml"), "{err}");
    // With the figure given, the instance bills its whole life: created at 0, alive to the
    // end of the minute (its 15-minute keep-alive outlasts the run): 60 s × (1 vCPU ×
    // $0.000018 + 0.5 GiB × the given $0.000002), no request fee.
    let dir = tempfile::tempdir().expect("a folder");
    let sheet = coldsim::cost::CLOUD_RUN_US_CENTRAL1.replace(
        "# memory_usd_per_gib_s: not found; give it to bill instance-based.",
        "memory_usd_per_gib_s = 0.000002",
    );
    std::fs::write(dir.path().join("run.toml"), sheet).expect("a sheet");
    let text = format!("{text}[cost]\nprices = \"run.toml\"\n");
    let s = coldsim::Scenario::from_toml(&text, &dir.path().join("p.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let t = summary(&s).totals;
    close(
        t.cost.total_usd,
        60.0 * (0.000018 + 0.5 * 0.000002),
        "instance-based",
    );
    close(t.cost.requests_usd, 0.0, "no request fee");
}

#[test]
fn managed_instances_bill_hosts_that_never_scale_to_zero() {
    // Three 2 GB, 1 vCPU environments kept from the start (16 requests each), all on one
    // m7g.xlarge (4 vCPUs and 16 GiB less 1 vCPU and 1 GB for itself: three fit): one host for
    // the hour, $0.1632 plus the 15 % fee, and $0.20 per million requests. A light load never
    // needs a fourth environment.
    let s = parse(&steady("aws-lambda-managed-instances", 1000, 100, ""));
    let sum = summary(&s);
    let t = &sum.totals;
    assert_eq!(t.cold_starts, 0, "the environments were ready");
    assert_eq!(t.containers.peak, 3);
    close(t.cost.compute_usd, 0.1632, "one host-hour");
    close(t.cost.management_usd, 0.1632 * 0.15, "management fee");
    close(
        t.cost.total_usd,
        0.1632 * 1.15 + 3600.0 * 0.2 / 1e6,
        "total",
    );
}

#[test]
fn managed_instances_add_a_host_for_a_fourth_environment() {
    // 64 requests at 0 of 1 s each: the three ready environments take 48 (16 each). The 49th
    // finds every one full: refused (Managed Instances have no cold starts), and the scaler
    // starts a fourth (init 0, ready at once, after the 50th, already due at 0, is refused too
    // and starts a fifth: the 5-minute span began with 3 alive, so 3 more are allowed). The
    // other 14 go to the fourth (8, its target of half of 16) and the fifth. Five environments
    // need two hosts (3 fit on one); the two new ones go idle at 1 s and are reclaimed 10
    // minutes later (a fixed keep-alive), at 601 s: two hosts over [0, 601) s, one over
    // [601, 3600) s.
    let at = vec!["\"0s\""; 64].join(", ");
    let text = format!(
        "name = \"p\"\nduration = \"1h\"\n[platform]\nkind = \"aws-lambda-managed-instances\"\n\
         [[function]]\nname = \"f\"\narrival = {{ process = \"explicit\", at = [{at}] }}\n\
         init = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 1000 }}\n\
         keep_alive = {{ policy = \"fixed\", idle = \"10m\" }}\n"
    );
    let t = summary(&parse(&text)).totals;
    assert_eq!((t.cold_starts, t.warm_starts, t.throttled), (0, 62, 2));
    assert_eq!((t.containers.peak, t.containers.scaled_out), (5, 2));
    let hours = (601.0 * 2.0 + 2999.0) / 3600.0;
    close(t.cost.compute_usd, hours * 0.1632, "host-hours");
    close(
        t.cost.total_usd,
        hours * 0.1632 * 1.15 + 62.0 * 0.2 / 1e6,
        "total",
    );
}

#[test]
fn max_instances_throttles_what_no_instance_can_take() {
    // One instance at most, one request per instance: the second request at once is refused.
    let text = steady(
        "google-cloud-run",
        1000,
        10,
        "container_concurrency = 1\nmax_instances = 1",
    );
    let text = text.replace(
        "{ process = \"periodic\", every = \"1000ms\" }",
        "{ process = \"explicit\", at = [\"0s\", \"0s\", \"1s\"] }",
    );
    let mut sim = Simulation::new(&parse(&text));
    let mut seen: Vec<Invocation> = Vec::new();
    sim.run(&mut seen);
    let starts: Vec<Start> = seen.iter().map(|i| i.start).collect();
    assert_eq!(starts, vec![Start::Cold, Start::Throttled, Start::Warm]);
}

#[test]
fn each_platform_fills_in_its_own_defaults() {
    let f = |kind: &str| {
        let s = parse(&steady(kind, 1000, 10, ""));
        s.functions[0].clone()
    };
    let flex = f("azure-flex-consumption");
    assert_eq!(
        (flex.memory_mb, flex.concurrency(), flex.vcpus()),
        (2048, 16, 1.0)
    );
    assert_eq!(flex.max_instances, Some(100));
    let run = f("google-cloud-run");
    assert_eq!(
        (run.memory_mb, run.concurrency(), run.vcpus()),
        (512, 80, 1.0)
    );
    let lmi = f("aws-lambda-managed-instances");
    assert_eq!(
        (lmi.memory_mb, lmi.concurrency(), lmi.vcpus()),
        (2048, 16, 1.0)
    );
    assert_eq!(lmi.provisioned_concurrency, 3);
    assert_eq!(lmi.per_host(), Some(3));
    let azure = f("azure-consumption");
    assert_eq!((azure.concurrency(), azure.max_instances), (100, Some(200)));
    let lambda = f("aws-lambda");
    assert_eq!(
        (lambda.memory_mb, lambda.concurrency(), lambda.max_instances),
        (128, 1, None)
    );
}

#[test]
fn keys_of_another_platform_are_refused_with_the_reason() {
    let cases = [
        (
            steady(
                "azure-flex-consumption",
                1000,
                10,
                "provisioned_concurrency = 2",
            ),
            "p.toml:10: function \"f\".provisioned_concurrency: provisioned concurrency is AWS Lambda's; on azure-flex-consumption keep instances warm with min_instances",
        ),
        (
            steady("aws-lambda", 1000, 10, "min_instances = 2"),
            "p.toml:10: function \"f\".min_instances: minimum instances belong to instance platforms; on aws-lambda keep containers warm with provisioned_concurrency",
        ),
        (
            steady("aws-lambda", 1000, 10, "max_instances = 2"),
            "p.toml:10: function \"f\".max_instances: maximum instances belong to instance platforms; on aws-lambda cap a function with reserved_concurrency",
        ),
        (
            steady("google-cloud-run", 1000, 10, "reserved_concurrency = 2"),
            "p.toml:10: function \"f\".reserved_concurrency: reserved concurrency is AWS Lambda's; on google-cloud-run cap a function with max_instances",
        ),
        (
            steady("google-cloud-run", 1000, 10, "ephemeral_storage_mb = 1024"),
            "p.toml:10: function \"f\".ephemeral_storage_mb: ephemeral storage is billed on aws-lambda only; platform.kind is google-cloud-run",
        ),
        (
            steady("azure-flex-consumption", 1000, 10, "memory_mb = 1024"),
            "p.toml:10: function \"f\".memory_mb: azure-flex-consumption offers instances of 512, 2048, 4096 MB, got 1024",
        ),
        (
            steady("azure-consumption", 1000, 10, "memory_mb = 2048"),
            "p.toml:10: function \"f\".memory_mb: must be between 1 and 1536 MB on azure-consumption, got 2048",
        ),
        (
            steady("google-cloud-run", 1000, 10, "vcpus = 0.5"),
            "p.toml:10: function \"f\".vcpus: below 1 vCPU (0.5) google-cloud-run serves one request at a time, not 80; set container_concurrency = 1 or vcpus = 1",
        ),
        (
            steady("google-cloud-run", 1000, 10, "vcpus = 3"),
            "p.toml:10: function \"f\".vcpus: google-cloud-run offers 0.08 to 1 vCPU, or 2, 4, 6 or 8; got 3",
        ),
        (
            steady(
                "aws-lambda-managed-instances",
                1000,
                10,
                "memory_mb = 16384\nvcpus = 1",
            ),
            "p.toml:11: function \"f\".vcpus: aws-lambda-managed-instances needs at least 1 vCPU and 2 to 8 GiB of memory per vCPU; 16384 MB with vcpus = 1 is 16384 MB per vCPU",
        ),
        (
            steady(
                "aws-lambda-managed-instances",
                1000,
                10,
                "memory_mb = 16384",
            ),
            "p.toml:10: function \"f\".memory_mb: an environment of 16384 MB and 8 vCPUs does not fit on the instance type, which offers 3 vCPUs and 15360 MB (after what it keeps for itself): choose a larger platform.instance_type",
        ),
        (
            steady(
                "google-cloud-run",
                1000,
                10,
                "min_instances = 3\nmax_instances = 2",
            ),
            "p.toml:10: function \"f\".min_instances: keeps 3 instances warm but allows at most 2: min_instances must not exceed max_instances",
        ),
        (
            steady("aws-lambda", 1000, 10, "").replace(
                "kind = \"aws-lambda\"",
                "kind = \"aws-lambda\"\nbilling = \"instance\"",
            ),
            "p.toml:5: platform.billing: only google-cloud-run offers a choice of billing (request or instance); platform.kind is aws-lambda",
        ),
        (
            steady("google-cloud-run", 1000, 10, "").replace(
                "kind = \"google-cloud-run\"",
                "kind = \"google-cloud-run\"\ninstance_type = \"m7g.large\"",
            ),
            "p.toml:5: platform.instance_type: only aws-lambda-managed-instances runs on instance types you choose; platform.kind is google-cloud-run",
        ),
        (
            steady("aws-lambda-managed-instances", 1000, 10, "").replace(
                "kind = \"aws-lambda-managed-instances\"",
                "kind = \"aws-lambda-managed-instances\"\ninstance_type = \"t2.nano\"",
            ),
            "p.toml:5: platform.instance_type: \"t2.nano\" is not in the price sheet; it has c7g.2xlarge, c7g.4xlarge, c7g.xlarge, m7g.2xlarge, m7g.4xlarge, m7g.large, m7g.xlarge, r7g.2xlarge, r7g.4xlarge, r7g.xlarge (add a type with its price to a copy of the sheet)",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(error(&text), want, "{text}");
    }
}

#[test]
fn a_sheet_of_another_platform_is_refused() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(
        dir.path().join("flex.toml"),
        coldsim::cost::AZURE_FLEX_EAST_US,
    )
    .expect("a sheet");
    let text = format!(
        "{}[cost]\nprices = \"flex.toml\"\n",
        steady("google-cloud-run", 1000, 10, "")
    );
    let err = coldsim::Scenario::from_toml(&text, &dir.path().join("p.toml"))
        .map(|_| ())
        .expect_err("a mismatch");
    assert!(
        err.to_string().ends_with("cost.prices: the sheet is for azure-flex-consumption, but platform.kind is google-cloud-run: give a google-cloud-run sheet (like prices/google-cloud-run-us-central1.toml) or set platform.kind"),
        "{err}"
    );
}
