//! Property tests of the engine's invariants on random scenarios mixing every feature: the clock never goes back, counts add up, limits hold, the same seed gives the same bytes.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use proptest::prelude::*;

/// A random scenario of one to three functions with the model's features switched on and off.
fn scenario() -> impl Strategy<Value = String> {
    let function = (
        0.1f64..40.0, // rate [1/s]
        prop::sample::select(vec!["poisson", "bursty", "periodic"]),
        1u32..3000, // exec mean [ms]
        0u32..2000, // init [ms]
        prop::sample::select(vec![
            r#"{ policy = "fixed", idle = "2m" }"#,
            r#"{ policy = "none" }"#,
            r#"{ policy = "uniform", min = "30s", max = "3m" }"#,
            r#"{ policy = "hybrid", min_samples = 3 }"#,
            r#"{ policy = "fixed", idle = "1m", extend = false }"#,
        ]),
        prop::sample::select(vec!["sync", "async"]),
        0u32..3,                                        // provisioned
        prop::option::of(1u32..8),                      // reserved
        any::<bool>(),                                  // warmer
        1u32..4,                                        // requests per container
        prop::option::of((0.0f64..=1.0, 0.25f64..4.0)), // CPU-bound share and vCPUs
    );
    (
        prop::collection::vec(function, 1..4),
        1u32..30, // account concurrency above 30: reservations add up to at most 3 × 7
        prop::sample::select(vec!["mru", "lru", "newest", "oldest", "random"]),
        prop::option::of(prop::sample::select(vec!["lru", "ttl", "greedy-dual"])),
        prop::option::of(1u32..20),                      // scaling rate per 10 s
    )
        .prop_map(|(functions, account, routing, eviction, scale)| {
            let mut text = format!(
                "duration = \"20m\"\nwarmup = \"1m\"\n[platform]\naccount_concurrency = {}\nrouting = \"{routing}\"\n",
                account + 30
            );
            if let Some(e) = eviction {
                text += &format!("capacity_gb = 2\neviction = \"{e}\"\n");
            }
            if let Some(n) = scale {
                text += &format!("scale_environments = {n}\n");
            }
            for (i, (rate, process, exec, init, keep, invocation, pc, reserved, warmer, per, cpu)) in
                functions.into_iter().enumerate()
            {
                let arrival = match process {
                    "poisson" => format!("{{ process = \"poisson\", rate_per_s = {rate} }}"),
                    "bursty" => format!(
                        "{{ process = \"bursty\", on_rate_per_s = {}, mean_on = \"20s\", mean_off = \"1m\" }}",
                        rate * 3.0
                    ),
                    _ => format!("{{ process = \"periodic\", every = \"{}ms\" }}", (1000.0 / rate) as u64 + 1),
                };
                text += &format!(
                    "[[function]]\nname = \"f{i}\"\nmemory_mb = 256\narrival = {arrival}\nexec = {{ dist = \"exponential\", mean_ms = {exec} }}\ninit = {{ dist = \"constant\", ms = {init} }}\nkeep_alive = {keep}\ninvocation = \"{invocation}\"\n"
                );
                if let Some(r) = reserved {
                    text += &format!("reserved_concurrency = {}\n", r.max(pc));
                }
                if pc > 0 {
                    text += &format!("provisioned_concurrency = {pc}\n");
                }
                if warmer {
                    text += "warmer = { every = \"3m\", containers = 2 }\n";
                }
                if per > 1 {
                    text += &format!("container_concurrency = {per}\n");
                }
                if let Some((share, vcpus)) = cpu {
                    text += &format!("cpu_fraction = {share}\nvcpus = {vcpus}\n");
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_keeps_its_invariants(text in scenario()) {
        let s = Scenario::from_toml(&text, Path::new("invariants.toml"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut sim = Simulation::new(&s);
        let mut last = sim.now();
        // One event at a time: the clock never goes back.
        while !sim.step(1, &mut ()) {
            prop_assert!(sim.now() >= last, "the clock went back");
            last = sim.now();
        }
        let summary = Summary::new(&s, s.seed, &sim);
        let all = std::iter::once(&summary.totals)
            .chain(summary.functions.iter().map(|f| &f.figures));
        for g in all {
            // Every arrival ends one way.
            prop_assert_eq!(
                g.invocations,
                g.cold_starts + g.warm_starts + g.throttled + g.dropped + g.pending
            );
            prop_assert!(g.containers.mean_busy <= g.containers.mean_alive + 1e-9);
            // Alive is busy plus idle, at every instant and so on average.
            let c = &g.containers;
            prop_assert!(
                (c.mean_busy + c.mean_idle - c.mean_alive).abs() <= 1e-9 * c.mean_alive.max(1.0),
                "busy {} + idle {} != alive {}",
                c.mean_busy,
                c.mean_idle,
                c.mean_alive
            );
            prop_assert!(g.gb_s.idle >= -1e-9 && g.gb_s.busy >= 0.0);
            // The bill is the sum of its parts (INIT is inside compute).
            let b = &g.cost;
            let parts =
                b.requests_usd + b.compute_usd + b.provisioned_usd + b.ephemeral_storage_usd;
            prop_assert!(
                (b.total_usd - parts).abs() <= 1e-12 * parts.max(1.0) && g.cost_usd == b.total_usd,
                "total {} != parts {parts}",
                b.total_usd
            );
            prop_assert!(b.init_usd <= b.compute_usd + 1e-15);
        }
        // Each function's GB-seconds are its mean containers over the window times its size.
        let window_s = summary.window_s;
        for f in &summary.functions {
            let (g, gb) = (&f.figures, f64::from(f.memory_mb) / 1024.0);
            let busy = g.containers.mean_busy * window_s * gb;
            let idle = g.containers.mean_idle * window_s * gb;
            prop_assert!((g.gb_s.busy - busy).abs() <= 1e-6 * busy.max(1.0));
            prop_assert!((g.gb_s.idle - idle).abs() <= 1e-6 * idle.max(1.0));
        }
        // Busy containers never exceed the limits.
        let account = u64::from(s.platform.account_concurrency);
        let mut busy_peaks = 0u64;
        for (f, stats) in sim.functions() {
            // Every served arrival's latency is recorded once, at once or when it ends.
            prop_assert_eq!(stats.latency.count(), stats.cold_starts + stats.warm_starts);
            let peak = u64::from(stats.levels.peak_in_flight());
            prop_assert!(stats.levels.peak_busy <= stats.levels.peak_in_flight());
            prop_assert!(stats.levels.busy_area <= stats.levels.in_flight_area());
            if let Some(r) = f.reserved_concurrency {
                prop_assert!(peak <= u64::from(r), "{} in flight over its reservation", f.name);
            }
            busy_peaks += peak;
        }
        // All together, never above the account, nor above the functions' own peaks summed.
        let total_peak = u64::from(sim.total_levels().peak_in_flight());
        prop_assert!(total_peak <= account, "{total_peak} busy over the account");
        prop_assert!(total_peak <= busy_peaks, "{total_peak} over the summed peaks {busy_peaks}");
        // The same seed gives the same bytes.
        let mut again = Simulation::new(&s);
        again.run(&mut ());
        let twice = Summary::new(&s, s.seed, &again);
        prop_assert_eq!(summary.to_json(), twice.to_json());
    }
}
