//! Engine throughput: one function, Poisson 1000/s, exponential exec (mean 50 ms), init 500 ms, fixed 10-minute keep-alive, every statistic on.

use std::path::Path;

use coldsim::engine::Simulation;
use coldsim::report::Summary;
use coldsim::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// 1000 s at 1000/s: about a million invocations per run.
const SCENARIO: &str = r#"
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

fn single_function(c: &mut Criterion) {
    let scenario = match Scenario::from_toml(SCENARIO, Path::new("bench-single.toml")) {
        Ok(s) => s,
        Err(e) => panic!("benchmark scenario: {e}"),
    };
    // Count the invocations once, so that throughput reads in invocations per second.
    let mut sim = Simulation::new(&scenario);
    sim.run(&mut ());
    let invocations = Summary::new(&scenario, scenario.seed, &sim)
        .totals
        .invocations;

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(invocations));
    group.sample_size(20);
    group.bench_function("single_function_1M_invocations", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(&scenario);
            sim.run(&mut ());
            Summary::new(&scenario, scenario.seed, &sim)
        })
    });
    group.finish();
}

criterion_group!(benches, single_function);
criterion_main!(benches);
