//! Requests that share a container's CPUs (processor sharing): hand-computed runs, a check against a plain step-by-step processor-sharing reference, and the M/G/1-PS mean sojourn time E[S]/(1−ρ).

use crate::splitmix::SplitMix;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};

use coldsim::input::trace::{TraceReader, TraceSource};
use coldsim::rng::Streams;

use crate::concurrency::{run, scenario};

/// (arrival, latency) of each invocation [ms], in the order the observer saw them.
fn latencies(seen: &[Invocation]) -> Vec<(u64, u64)> {
    seen.iter()
        .map(|i| (i.arrived.as_micros() / 1000, i.latency().as_micros() / 1000))
        .collect()
}

const ONE_CPU: &str = "container_concurrency = 4\nvcpus = 1\ncpu_fraction = 1";

#[test]
fn two_requests_that_overlap_share_one_cpu() {
    // Exec 1000 ms alone. A runs alone over [0, 500) ms: 500 done. Both then run at half
    // speed: A's last 500 take 1000, so A ends at 1500, when B has done 500 of its own; B's
    // last 500 run alone and end at 2000. Latencies 1500 and 1500.
    let (seen, _) = run(&scenario(&[0, 500], 0, 1000, ONE_CPU));
    assert_eq!(latencies(&seen), vec![(0, 1500), (500, 1500)]);
    assert!(seen.iter().all(|i| i.exec == i.latency()));
}

#[test]
fn three_staggered_requests_share_one_cpu() {
    // Exec 1000 ms at 0, 300 and 600. [0, 300): A alone, 300 done. [300, 600): two at half
    // speed, A 450, B 150. From 600, three at a third: A needs 550, 1650 ms, ends at 2250
    // (B 700, C 550). Two at half: B needs 300, 600 ms, ends at 2850 (C 850). C alone ends
    // at 3000. Latencies 2250, 2550 and 2400; the observer sees them in the order they end.
    let (seen, _) = run(&scenario(&[0, 300, 600], 0, 1000, ONE_CPU));
    assert_eq!(latencies(&seen), vec![(0, 2250), (300, 2550), (600, 2400)]);
}

#[test]
fn only_the_cpu_bound_share_slows_down() {
    // cpu_fraction 0.5: with two in flight on one vCPU a request advances at 1 / (0.5 + 0.5 ×
    // 2) = 2/3 of its speed alone. A: 500 alone, its last 500 take 750, ends at 1250; B has
    // done 500 by then and ends alone at 1750. Latencies 1250 and 1250.
    let extra = "container_concurrency = 4\nvcpus = 1\ncpu_fraction = 0.5";
    let (seen, _) = run(&scenario(&[0, 500], 0, 1000, extra));
    assert_eq!(latencies(&seen), vec![(0, 1250), (500, 1250)]);
}

#[test]
fn without_a_cpu_bound_share_latency_does_not_depend_on_concurrency() {
    let extra = "container_concurrency = 4\nvcpus = 1\ncpu_fraction = 0";
    let (seen, _) = run(&scenario(&[0, 100, 200, 300], 0, 1000, extra));
    assert_eq!(
        latencies(&seen),
        vec![(0, 1000), (100, 1000), (200, 1000), (300, 1000)]
    );
}

#[test]
fn requests_within_the_vcpus_run_at_full_speed() {
    // Two vCPUs: two at once run at full speed; a third makes each run at 2/3. Three at 0
    // end together at 1500, in the order they started.
    let two = "container_concurrency = 4\nvcpus = 2\ncpu_fraction = 1";
    let (seen, _) = run(&scenario(&[0, 0], 0, 1000, two));
    assert_eq!(latencies(&seen), vec![(0, 1000), (0, 1000)]);
    let (seen, _) = run(&scenario(&[0, 0, 0], 0, 1000, two));
    assert_eq!(latencies(&seen), vec![(0, 1500); 3]);
    let ids: Vec<u64> = seen
        .iter()
        .map(|i| i.container.map_or(9, |c| c.0))
        .collect();
    assert_eq!(ids, vec![0, 0, 0]);
}

#[test]
fn on_lambda_the_vcpus_follow_memory() {
    // No `vcpus`: 1769 MB is one vCPU (two requests share it), 3538 MB two (they do not).
    let at = |mb: u32| {
        let extra = format!("container_concurrency = 2\ncpu_fraction = 1\nmemory_mb = {mb}");
        latencies(&run(&scenario(&[0, 0], 0, 1000, &extra)).0)
    };
    assert_eq!(at(1769), vec![(0, 2000), (0, 2000)]);
    assert_eq!(at(3538), vec![(0, 1000), (0, 1000)]);
}

#[test]
fn requests_that_wait_for_an_init_start_together_when_it_ends() {
    // Init 500 ms: A starts the container, B joins at 100 and waits. At 500 both start and
    // share one vCPU: each needs 2000 ms, both end at 2500. Both are cold starts.
    let s = scenario(&[0, 100], 500, 1000, ONE_CPU);
    let (seen, sim) = run(&s);
    assert_eq!(latencies(&seen), vec![(0, 2500), (100, 2400)]);
    // Two cold starts, one container: B joined A's.
    let totals = coldsim::Summary::new(&s, 0, &sim).totals;
    assert_eq!((totals.cold_starts, totals.containers.created), (2, 1));
    assert!(seen.iter().all(|i| i.start == Start::Cold));
    let init: Vec<u64> = seen.iter().map(|i| i.init.as_micros() / 1000).collect();
    assert_eq!(init, vec![500, 400]);
    // Billed: each request's own init and its shared handler time, 2000 ms each.
    let usage = &sim.function_stats().next().expect("one function").usage;
    assert_eq!(
        (usage.requests, usage.exec_ms, usage.init_ms),
        (2, 4000, 500)
    );
}

#[test]
fn requests_still_running_at_the_end_finish_as_if_nothing_more_arrived() {
    // The run ends at 1 s with both requests in flight: they end at 1500 and 2000 as when
    // nothing more arrives, and count in full as any request in flight at the end does.
    let text = format!(
        "name = \"e\"\nduration = \"1s\"\n[[function]]\nname = \"f\"\n\
         arrival = {{ process = \"explicit\", at = [\"0ms\", \"500ms\"] }}\n\
         init = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 1000 }}\n{ONE_CPU}\n"
    );
    let s = coldsim::parse(&text, "e.toml").unwrap_or_else(|e| panic!("{e}"));
    let (seen, sim) = run(&s);
    assert_eq!(latencies(&seen), vec![(0, 1500), (500, 1500)]);
    let stats = sim.function_stats().next().expect("one function");
    assert_eq!(stats.latency.count(), 2);
}

/// Processor sharing step by step, as plainly as it can be said: every request keeps its own
/// remaining time alone; between events each advances by the elapsed time × the rate for the
/// number in flight; the next event is the next arrival or the first remaining time to run
/// out, rounded to the microsecond. Returns each request's end [µs].
fn reference(arrivals: &[u64], exec: &[u64], slowdown: impl Fn(usize) -> f64) -> Vec<u64> {
    let mut ends = vec![0; arrivals.len()];
    let mut running: Vec<(usize, f64)> = Vec::new();
    let (mut now, mut next) = (0u64, 0usize);
    while next < arrivals.len() || !running.is_empty() {
        let rate = 1.0 / slowdown(running.len().max(1));
        let first = running
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1).then(a.0.cmp(&b.0)))
            .map(|(k, &(_, left))| (k, now + (left.max(0.0) / rate + 0.5) as u64));
        let arrival = arrivals.get(next).copied();
        let at = match (first, arrival) {
            (Some((_, end)), Some(a)) => end.min(a),
            (Some((_, end)), None) => end,
            (None, Some(a)) => a,
            (None, None) => unreachable!(),
        };
        for r in &mut running {
            r.1 -= (at - now) as f64 * rate;
        }
        now = at;
        match (first, arrival) {
            (Some((k, end)), _) if end == at => {
                let (i, _) = running.remove(k);
                ends[i] = now;
            }
            _ => {
                running.push((next, exec[next] as f64));
                next += 1;
            }
        }
    }
    ends
}

#[test]
fn random_overlapping_requests_end_as_plain_processor_sharing_says() {
    // 400 arrivals over about 20 s with handler times of 1 µs to 150 ms, in one container of
    // 1.5 vCPUs with a CPU-bound share of 0.7: about 1.05 CPUs of demand, so busy periods of
    // many requests sharing the container. The
    // engine's heap of tags and the plain reference sum the same products in another order,
    // so an end may differ by the one microsecond a rounding at a half can flip.
    let mut d = SplitMix(7);
    let mut t = 0u64;
    let (mut arrivals, mut exec) = (Vec::new(), Vec::new());
    let mut csv = String::from("timestamp,function,duration_ms\n");
    for _ in 0..400 {
        t += d.next() % 100_000;
        let e = 1 + d.next() % 150_000;
        csv += &format!(
            "{}.{:03},f,{}.{:03}\n",
            t / 1000,
            t % 1000,
            e / 1000,
            e % 1000
        );
        arrivals.push(t);
        exec.push(e);
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sharing");
    std::fs::create_dir_all(&dir).expect("a folder for the trace");
    std::fs::write(dir.join("rows.csv"), csv).expect("the trace");
    let text = "name = \"r\"\nduration = \"1h\"\n\
         [workload]\ntrace = { path = \"rows.csv\", format = \"invocations\", time_unit = \"ms\" }\n\
         [defaults]\ninit = { dist = \"constant\", ms = 0 }\n\
         keep_alive = { policy = \"fixed\", idle = \"2h\" }\n\
         container_concurrency = 1000\nvcpus = 1.5\ncpu_fraction = 0.7\n";
    let s =
        coldsim::Scenario::from_toml(text, &dir.join("r.toml")).unwrap_or_else(|e| panic!("{e}"));
    let spec = s.trace.as_ref().expect("a trace");
    let reader = TraceReader::open(&spec.path, &spec.options, Streams::trace_stream(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let (source, handle) = TraceSource::new(reader);
    let mut sim = Simulation::with_source(&s, 0, None, Some(Box::new(source)));
    let mut seen: Vec<Invocation> = Vec::new();
    sim.run(&mut seen);
    assert!(handle.error().is_none());
    assert_eq!(seen.len(), arrivals.len());
    assert_eq!(sim.containers_created(), 1);
    let want = reference(&arrivals, &exec, |n| 0.3 + 0.7 * (n as f64 / 1.5).max(1.0));
    let mut got = vec![0; arrivals.len()];
    for i in &seen {
        let k = arrivals.partition_point(|&a| a < i.arrived.as_micros());
        // Equal arrival instants: the first not yet filled.
        let k = (k..arrivals.len())
            .find(|&k| got[k] == 0)
            .expect("each once");
        got[k] = (i.arrived + i.latency()).as_micros();
    }
    let worst = got.iter().zip(&want).map(|(g, w)| g.abs_diff(*w)).max();
    assert!(worst <= Some(1), "worst {worst:?} µs");
    let peak = sim.total_levels().peak_in_flight();
    assert!(peak >= 8, "{peak} in flight at most: too few to share");
}

#[test]
fn requests_that_end_at_the_same_instant_end_in_the_order_they_started() {
    // One vCPU, all CPU-bound. A at 0 needs 2000 ms alone, B at 1000 1000 ms, C and D at 1400
    // 800 ms each. By 1000 A has done 1000 (B's tag: 1000 + 1000 = 2000); by 1400 each has
    // done 200 more (C's and D's tags: 1200 + 800 = 2000, A's 2000). From 1400 four share the
    // CPU and need 800 more each: 3200 ms, so all four end at 4600, in the order they started.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sharing-ties");
    std::fs::create_dir_all(&dir).expect("a folder for the trace");
    let csv = "timestamp,function,duration_ms\n0,f,2000\n1,f,1000\n1.4,f,800\n1.4,f,800\n";
    std::fs::write(dir.join("rows.csv"), csv).expect("the trace");
    let text = "name = \"t\"\nduration = \"1h\"\n\
         [workload]\ntrace = { path = \"rows.csv\", format = \"invocations\" }\n\
         [defaults]\ninit = { dist = \"constant\", ms = 0 }\n\
         container_concurrency = 10\nvcpus = 1\ncpu_fraction = 1\n";
    let s =
        coldsim::Scenario::from_toml(text, &dir.join("t.toml")).unwrap_or_else(|e| panic!("{e}"));
    let spec = s.trace.as_ref().expect("a trace");
    let reader = TraceReader::open(&spec.path, &spec.options, Streams::trace_stream(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let (source, _handle) = TraceSource::new(reader);
    let mut sim = Simulation::with_source(&s, 0, None, Some(Box::new(source)));
    let mut seen: Vec<Invocation> = Vec::new();
    sim.run(&mut seen);
    assert_eq!(
        latencies(&seen),
        vec![(0, 4600), (1000, 3600), (1400, 3200), (1400, 3200)]
    );
}
