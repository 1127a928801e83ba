//! Engine throughput on synthetic traffic: one busy function (alone, and with many requests per container sharing its CPUs), then 10,000 functions with Zipf rates under a fixed window and under the hybrid-histogram policy, every statistic on.

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

/// The single function's traffic with handlers of `exec_ms` on average, served up to
/// `concurrency` requests per container of `vcpus`, a share `cpu_fraction` computing: the
/// requests in flight share their container's CPUs.
fn shared(concurrency: u32, vcpus: u32, cpu_fraction: f64, exec_ms: u32) -> String {
    SINGLE
        .replace("name = \"bench-single\"", "name = \"bench-shared\"")
        .replace("mean_ms = 50", &format!("mean_ms = {exec_ms}"))
        .replace(
            "duration = \"1000s\"\n",
            "duration = \"1000s\"\n[platform]\naccount_concurrency = 100000\n",
        )
        + &format!(
            "container_concurrency = {concurrency}\nvcpus = {vcpus}\ncpu_fraction = {cpu_fraction}\n"
        )
}

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

/// 16 requests per container sharing 2 vCPUs, as an instance platform runs them.
fn single_shared_16(c: &mut Criterion) {
    let scenario = parse("bench-shared-16.toml", &shared(16, 2, 0.3, 50));
    bench_run(
        c,
        "single_function_1M_invocations_16_per_container_shared",
        &scenario,
        20,
    );
}

/// Hundreds of requests per container (200 at most, 8 vCPUs, handlers of 500 ms that compute
/// a tenth of the time): each end moves one event, never a scan of the container's requests.
fn single_shared_200(c: &mut Criterion) {
    let scenario = parse("bench-shared-200.toml", &shared(200, 8, 0.1, 500));
    bench_run(
        c,
        "single_function_1M_invocations_200_per_container_shared",
        &scenario,
        10,
    );
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

criterion_group!(
    benches,
    single_function,
    single_shared_16,
    single_shared_200,
    region_fixed,
    region_hybrid
);
criterion_main!(benches);
