//! Containers that serve several requests at once (`container_concurrency`): hand-computed runs (joining a container while it initializes, filling before starting another, limits that count requests) and the exact packing of never-expiring containers.

use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};

/// A one-function scenario with explicit arrivals [ms], constant init and exec [ms],
/// `extra` keys on the function.
pub(crate) fn scenario(
    arrivals_ms: &[u64],
    init_ms: u64,
    exec_ms: u64,
    extra: &str,
) -> coldsim::Scenario {
    let at: Vec<String> = arrivals_ms.iter().map(|t| format!("\"{t}ms\"")).collect();
    let text = format!(
        "name = \"c\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\n\
         arrival = {{ process = \"explicit\", at = [{}] }}\n\
         init = {{ dist = \"constant\", ms = {init_ms} }}\n\
         exec = {{ dist = \"constant\", ms = {exec_ms} }}\n\
         keep_alive = {{ policy = \"fixed\", idle = \"10m\" }}\n{extra}\n",
        at.join(", ")
    );
    coldsim::parse(&text, "c.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

pub(crate) fn run(s: &coldsim::Scenario) -> (Vec<Invocation>, Simulation) {
    let mut sim = Simulation::new(s);
    let mut seen = Vec::new();
    sim.run(&mut seen);
    (seen, sim)
}

#[test]
fn a_request_joining_a_container_that_initializes_waits_for_its_init() {
    // Init 500 ms, exec 1000 ms, two requests per container. At 0 a container starts (ready
    // at 500, done at 1500); at 100 a second request joins it and waits 400 ms for the init;
    // at 200 it is full, so a second container starts (ready at 700, done at 1700); at 2000
    // both are idle and the last to go idle takes the arrival, warm.
    let s = scenario(&[0, 100, 200, 2000], 500, 1000, "container_concurrency = 2");
    let (seen, sim) = run(&s);
    let got: Vec<(u64, Start, u64, u64)> = seen
        .iter()
        .map(|i| {
            (
                i.arrived.as_micros() / 1000,
                i.start,
                i.container.map_or(u64::MAX, |c| c.0),
                i.latency().as_micros() / 1000,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, Start::Cold, 0, 1500),
            (100, Start::Cold, 0, 1400),
            (200, Start::Cold, 1, 1500),
            (2000, Start::Warm, 1, 1000),
        ]
    );
    let summary = coldsim::analysis::summary::Summary::new(&s, s.seed, &sim);
    let c = &summary.totals.containers;
    // Three arrivals waited for an init, two inits ran.
    assert_eq!((summary.totals.cold_starts, c.created), (3, 2));
    assert_eq!((c.peak, c.peak_in_flight), (2, 3));
    // In flight: 1 over [0, 100) ms, 2 over [100, 200), 3 over [200, 1500), 1 over
    // [1500, 1700), 1 over [2000, 3000): 5,400 request-ms over the hour.
    let hour_ms = 3_600_000.0;
    assert!(
        (c.mean_in_flight - 5_400.0 / hour_ms).abs() < 1e-12,
        "{}",
        c.mean_in_flight
    );
    // Busy containers: A over [0, 1500), B over [200, 1700) and [2000, 3000): 4,000 ms.
    assert!(
        (c.mean_busy - 4_000.0 / hour_ms).abs() < 1e-12,
        "{}",
        c.mean_busy
    );
}

#[test]
fn a_container_fills_before_another_starts_and_frees_room_as_requests_end() {
    // Init 0, exec 1000 ms, three per container: arrivals at 0, 10, 20 share one; at 30 a
    // second starts; at 1005 the first has room again (its first request ended at 1000).
    let s = scenario(&[0, 10, 20, 30, 1005], 0, 1000, "container_concurrency = 3");
    let (seen, _) = run(&s);
    let containers: Vec<u64> = seen
        .iter()
        .map(|i| i.container.map_or(99, |c| c.0))
        .collect();
    assert_eq!(containers, vec![0, 0, 0, 1, 0]);
    let starts: Vec<Start> = seen.iter().map(|i| i.start).collect();
    assert_eq!(
        starts,
        vec![
            Start::Cold,
            Start::Warm,
            Start::Warm,
            Start::Cold,
            Start::Warm
        ]
    );
}

#[test]
fn a_reservation_counts_requests_in_flight_not_containers() {
    // Five at once, three allowed in flight, two per container: two containers serve three
    // requests and two arrivals are throttled.
    let s = scenario(
        &[0, 0, 0, 0, 0],
        0,
        1000,
        "container_concurrency = 2\nreserved_concurrency = 3",
    );
    let (seen, _) = run(&s);
    let starts: Vec<Start> = seen.iter().map(|i| i.start).collect();
    assert_eq!(
        starts,
        vec![
            Start::Cold,
            Start::Warm,
            Start::Cold,
            Start::Throttled,
            Start::Throttled
        ]
    );
}

#[test]
fn never_expiring_containers_pack_to_the_ceiling_of_the_peak_in_flight() {
    // No init, no slowdown, containers that never expire, the same seed: the requests in
    // flight are the same whatever the concurrency, and a container starts only when every
    // alive one is full, so the peak of containers is the ceiling of the peak in flight
    // divided by the concurrency.
    let text = |c: u32| {
        format!(
            "name = \"p\"\nseed = 11\nduration = \"10m\"\n[[function]]\nname = \"f\"\n\
             arrival = {{ process = \"poisson\", rate_per_s = 50 }}\n\
             init = {{ dist = \"constant\", ms = 0 }}\n\
             exec = {{ dist = \"exponential\", mean_ms = 200 }}\n\
             keep_alive = {{ policy = \"fixed\", idle = \"3650d\" }}\ncontainer_concurrency = {c}\n"
        )
    };
    let figures = |c: u32| {
        let s = coldsim::parse(&text(c), "p.toml").unwrap_or_else(|e| panic!("{e}"));
        coldsim::run(&s, s.seed)
            .unwrap_or_else(|e| panic!("{e}"))
            .totals
            .containers
    };
    let one = figures(1);
    assert_eq!(one.peak_in_flight, one.peak);
    assert!((one.mean_in_flight - one.mean_busy).abs() < 1e-12);
    assert!(one.peak_in_flight >= 20, "{}", one.peak_in_flight);
    for c in [2, 3, 4, 7, 16] {
        let many = figures(c);
        assert_eq!(many.peak_in_flight, one.peak_in_flight, "concurrency {c}");
        assert_eq!(
            many.mean_in_flight.to_bits(),
            one.mean_in_flight.to_bits(),
            "concurrency {c}"
        );
        assert_eq!(
            many.peak,
            one.peak_in_flight.div_ceil(c),
            "concurrency {c}: peak containers"
        );
    }
}
