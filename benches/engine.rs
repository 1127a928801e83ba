//! Engine throughput on synthetic traffic: one busy function, then 10,000 functions with Zipf rates under a fixed window and under the hybrid-histogram policy, every statistic on.

use std::fmt::Write;
use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// 1000 s at 1000/s: about a million invocations per run.
const SINGLE: &str = r#"
name = "bench-single"
seed = 1
duration = "1000s"

[[function]]
name = "api"
memory_mb = 1024
arrival = { process = "poisson", rate_per_s = 1000.0 }
exec = { dist = "exponential", mean_ms = 50 }
init = { dist = "constant", ms = 500 }
keep_alive = { policy = "fixed", idle = "10m" }
"#;

/// Functions of the region benchmarks.
const FUNCTIONS: usize = 10_000;

/// `FUNCTIONS` functions whose Poisson rates follow Zipf's law (the i-th busiest has a rate
/// proportional to 1/i) and sum to 1000/s, for 1000 s: about a million invocations, most of
/// them to a few hundred functions, a handful to each of the rest.
fn zipf_region(keep_alive: &str) -> String {
    let harmonic: f64 = (1..=FUNCTIONS).map(|i| 1.0 / i as f64).sum();
    let mut text = String::from("name = \"bench-region\"\nseed = 1\nduration = \"1000s\"\n");
    let _ = write!(
        text,
        "[defaults]\nmemory_mb = 256\nexec = {{ dist = \"exponential\", mean_ms = 50 }}\ninit = {{ dist = \"constant\", ms = 500 }}\nkeep_alive = {keep_alive}\n"
    );
    for i in 1..=FUNCTIONS {
        let rate = 1000.0 / harmonic / i as f64;
        let _ = write!(
            text,
            "[[function]]\nname = \"f{i}\"\narrival = {{ process = \"poisson\", rate_per_s = {rate} }}\n"
        );
    }
    text
}

fn parse(name: &str, text: &str) -> Scenario {
    Scenario::from_toml(text, Path::new(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs a scenario once to count its invocations, so that throughput reads in invocations
/// per second, then times whole runs (build, run, summary).
fn bench_run(c: &mut Criterion, id: &str, scenario: &Scenario, samples: usize) {
    let mut sim = Simulation::new(scenario);
    sim.run(&mut ());
    let invocations = Summary::new(scenario, scenario.seed, &sim)
        .totals
        .invocations;
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(invocations));
    group.sample_size(samples);
    group.bench_function(id, |b| {
        b.iter(|| {
            let mut sim = Simulation::new(scenario);
            sim.run(&mut ());
            Summary::new(scenario, scenario.seed, &sim)
        })
    });
    group.finish();
}

fn single_function(c: &mut Criterion) {
    let scenario = parse("bench-single.toml", SINGLE);
    bench_run(c, "single_function_1M_invocations", &scenario, 20);
}

fn region_fixed(c: &mut Criterion) {
    let text = zipf_region(r#"{ policy = "fixed", idle = "10m" }"#);
    let scenario = parse("bench-region.toml", &text);
    bench_run(c, "zipf_10k_functions_fixed_1M_invocations", &scenario, 10);
}

fn region_hybrid(c: &mut Criterion) {
    let text = zipf_region(r#"{ policy = "hybrid" }"#);
    let scenario = parse("bench-region-hybrid.toml", &text);
    bench_run(c, "zipf_10k_functions_hybrid_1M_invocations", &scenario, 10);
}

criterion_group!(benches, single_function, region_fixed, region_hybrid);
criterion_main!(benches);
