//! The platforms' own instance scalers, hand-computed: Cloud Run's target utilisation (busy instances filled to the target, then idle ones; a look every minute at the mean demand), Managed Instances' refusal of arrivals that find every instance full and their growth of at most a doubling every 5 minutes; and the key's checks.

use coldsim::analysis::summary::Summary;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};

/// One function on `kind` for an hour with explicit arrivals [s], constant init and exec [ms],
/// `extra` keys on the function.
fn scenario(kind: &str, arrivals_s: &[u64], init_ms: u64, exec_ms: u64, extra: &str) -> String {
    let at: Vec<String> = arrivals_s.iter().map(|t| format!("\"{t}s\"")).collect();
    format!(
        "name = \"s\"\nduration = \"1h\"\n[platform]\nkind = \"{kind}\"\n[[function]]\nname = \"f\"\n\
         arrival = {{ process = \"explicit\", at = [{}] }}\n\
         init = {{ dist = \"constant\", ms = {init_ms} }}\n\
         exec = {{ dist = \"constant\", ms = {exec_ms} }}\n{extra}\n",
        at.join(", ")
    )
}

fn run(text: &str) -> (Vec<Invocation>, Summary) {
    let s = coldsim::parse(text, "s.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut sim = Simulation::new(&s);
    let mut seen = Vec::new();
    sim.run(&mut seen);
    let summary = Summary::new(&s, s.seed, &sim);
    (seen, summary)
}

#[test]
fn cloud_run_starts_instances_for_the_minutes_mean_demand_at_its_target() {
    // Eight requests at 0 of 60 s each, 4 per instance: two instances (A, B), cold. The look at
    // 60 s sees 8 in flight all minute: 8 / (0.5 × 4) = 4 instances wanted, 2 alive: it starts
    // two, ready at 60.1 s, neither a cold start. At 70 s four requests: with the target at
    // half of 4, an instance takes 2 before an idle one is used, so they spread over two.
    let arrivals = [0, 0, 0, 0, 0, 0, 0, 0, 70, 70, 70, 70];
    let text = scenario(
        "google-cloud-run",
        &arrivals,
        100,
        60_000,
        "container_concurrency = 4\nscale_target = 0.5",
    );
    let (seen, summary) = run(&text);
    let c = &summary.totals.containers;
    assert_eq!(summary.totals.cold_starts, 8);
    assert_eq!(c.scaled_out, 2);
    assert_eq!(c.created, 4);
    let late: Vec<&Invocation> = seen.iter().filter(|i| i.arrived.as_micros() > 0).collect();
    assert!(late.iter().all(|i| i.start == Start::Warm));
    let mut used: Vec<u64> = late
        .iter()
        .filter_map(|i| i.container.map(|c| c.0))
        .collect();
    used.sort_unstable();
    used.dedup();
    assert_eq!(used.len(), 2, "{used:?}");
    // At its whole capacity as the target, the four go to one instance.
    let text = scenario(
        "google-cloud-run",
        &arrivals,
        100,
        60_000,
        "container_concurrency = 4\nscale_target = 1.0",
    );
    let (seen, summary) = run(&text);
    // 8 / (1 × 4) = 2 wanted, 2 alive: none started.
    assert_eq!(summary.totals.containers.scaled_out, 0);
    let mut used: Vec<u64> = seen
        .iter()
        .filter(|i| i.arrived.as_micros() > 0)
        .filter_map(|i| i.container.map(|c| c.0))
        .collect();
    used.dedup();
    assert_eq!(used.len(), 1, "{used:?}");
}

#[test]
fn a_look_counts_the_instances_still_starting() {
    // Eight requests at 0 of 300 s, 4 per instance, inits of 90 s: two instances, cold. The
    // look at 60 s wants 8 / (0.5 × 4) = 4 and starts two (ready at 150 s); the look at 120 s
    // wants 4 again and counts the two still starting: none more.
    let arrivals = [0; 8];
    let keys = "container_concurrency = 4\nscale_target = 0.5";
    let (_, summary) = run(&scenario(
        "google-cloud-run",
        &arrivals,
        90_000,
        300_000,
        keys,
    ));
    assert_eq!(summary.totals.cold_starts, 8);
    assert_eq!(summary.totals.containers.scaled_out, 2);
    // With at most 3 instances, the first look starts one; the second may start none, the
    // one starting counted against the maximum.
    let keys = format!("{keys}\nmax_instances = 3");
    let (_, summary) = run(&scenario(
        "google-cloud-run",
        &arrivals,
        90_000,
        300_000,
        &keys,
    ));
    assert_eq!(summary.totals.containers.scaled_out, 1);
}

#[test]
fn managed_instances_refuse_what_finds_every_instance_full_and_grow_by_doubling() {
    // One environment kept warm, one request each, init 1 s, exec 10 min.
    // 0 s: five arrivals: the first on the warm one; the other four refused (no cold starts);
    //   the first refusal starts one environment (the 5-minute span began with 1 alive: one
    //   more allowed), ready at 1 s.
    // 60 s: the look sees a mean of 1 in flight: 1 / 0.5 = 2 wanted, 2 alive.
    // 100 s: three arrivals: one on the new environment, two refused (the span allows none).
    // 120, 180, 240 s: 1.33, 2, 2 in flight: 3 or 4 wanted, none allowed.
    // 300 s: a new span, 2 alive: two more, ready at 301 s.
    // 302 s: three arrivals: two on them, one refused.
    // 360 to 600 s: 4 in flight, 8 wanted; at 600 s a new span with 4 alive: four more. Then
    //   demand falls (the requests end from 600 s), and no more start: seven in all.
    let arrivals = [0, 0, 0, 0, 0, 100, 100, 100, 302, 302, 302];
    let text = scenario(
        "aws-lambda-managed-instances",
        &arrivals,
        1_000,
        600_000,
        "container_concurrency = 1\nmin_instances = 1",
    );
    let (seen, summary) = run(&text);
    let t = &summary.totals;
    assert_eq!(t.invocations, 11);
    assert_eq!(t.throttled, 7);
    assert_eq!(t.cold_starts, 0);
    assert_eq!(t.containers.scaled_out, 7);
    assert_eq!(t.containers.peak, 8);
    let served: Vec<(u64, Start)> = seen
        .iter()
        .filter(|i| i.start != Start::Throttled)
        .map(|i| (i.arrived.as_micros() / 1_000_000, i.start))
        .collect();
    assert_eq!(
        served,
        vec![
            (0, Start::Warm),
            (100, Start::Warm),
            (302, Start::Warm),
            (302, Start::Warm)
        ]
    );
}

#[test]
fn scale_target_is_a_share_and_only_where_a_scaler_is() {
    let bad = |kind: &str, v: &str| {
        let text = scenario(kind, &[0], 0, 10, &format!("scale_target = {v}"));
        match coldsim::parse(&text, "s.toml") {
            Ok(_) => panic!("accepted {v} on {kind}"),
            Err(e) => e.to_string(),
        }
    };
    for v in ["0", "1.5", "-0.2"] {
        let e = bad("google-cloud-run", v);
        assert!(e.contains("s.toml") && e.contains("scale_target"), "{e}");
    }
    for kind in ["aws-lambda", "azure-flex-consumption", "azure-consumption"] {
        let e = bad(kind, "0.6");
        assert!(e.contains("scale_target") && e.contains(kind), "{e}");
    }
}

/// A random instance-platform scenario: one or two functions on Cloud Run, Managed Instances
/// or Flex, bursty traffic, several requests per instance, a scaler's target, instance bounds.
fn platform_scenario() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let function = (
        0.5f64..60.0, // rate while on [1/s]
        1u32..2000,   // exec mean [ms]
        0u32..3000,   // init [ms]
        1u32..20,     // requests per instance
        0.1f64..=1.0, // scale target
        0u32..3,      // minimum instances
        3u32..12,     // maximum instances
    );
    (
        prop::sample::select(vec![
            "google-cloud-run",
            "aws-lambda-managed-instances",
            "azure-flex-consumption",
        ]),
        prop::collection::vec(function, 1..3),
    )
        .prop_map(|(kind, functions)| {
            let mut text =
                format!("duration = \"30m\"\nwarmup = \"1m\"\n[platform]\nkind = \"{kind}\"\n");
            for (i, (rate, exec, init, per, target, min, max)) in functions.into_iter().enumerate() {
                // Cloud Run's idle minimum instances have no public price.
                let min = if kind == "google-cloud-run" { 0 } else { min };
                text += &format!(
                    "[[function]]\nname = \"f{i}\"\n\
                     arrival = {{ process = \"bursty\", on_rate_per_s = {rate}, mean_on = \"1m\", mean_off = \"2m\" }}\n\
                     exec = {{ dist = \"exponential\", mean_ms = {exec} }}\n\
                     init = {{ dist = \"constant\", ms = {init} }}\n\
                     container_concurrency = {per}\nmin_instances = {min}\nmax_instances = {max}\n"
                );
                if kind != "azure-flex-consumption" {
                    text += &format!("scale_target = {target}\n");
                }
            }
            text
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 96, ..proptest::prelude::ProptestConfig::default() })]

    /// Counts add up, no function has more instances than its maximum, Managed Instances never
    /// cold-start, and the same seed gives the same summary.
    #[test]
    fn instance_scalers_keep_counts_and_bounds(text in platform_scenario()) {
        let s = coldsim::parse(&text, "p.toml").map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{text}")))?;
        let run = || {
            let mut sim = Simulation::new(&s);
            sim.run(&mut ());
            let summary = Summary::new(&s, s.seed, &sim);
            let peaks: Vec<u32> = sim.functions().map(|(_, st)| st.levels.peak_alive).collect();
            (summary, peaks)
        };
        let (summary, peaks) = run();
        for ((f, peak), fs) in s.functions.iter().zip(&peaks).zip(&summary.functions) {
            let g = &fs.figures;
            proptest::prop_assert_eq!(g.invocations, g.cold_starts + g.warm_starts + g.throttled);
            if let Some(max) = f.max_instances {
                proptest::prop_assert!(*peak <= max, "{} instances of {} over its maximum {max}", peak, f.name);
            }
            if text.contains("aws-lambda-managed-instances") {
                proptest::prop_assert_eq!(g.cold_starts, 0);
            }
            proptest::prop_assert!(g.containers.scaled_out <= g.containers.created);
        }
        let (again, _) = run();
        proptest::prop_assert_eq!(format!("{:?}", summary.totals.cost), format!("{:?}", again.totals.cost));
        proptest::prop_assert_eq!(summary.totals.containers.scaled_out, again.totals.containers.scaled_out);
    }
}
