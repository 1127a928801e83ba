//! Exact, hand-computed scenarios of 3 to 10 invocations: every cold, warm and throttled start, its latency and its container, one test per rule of the model.
//!
//! Unless a test says otherwise, init is 350 ms and exec 100 ms, so a cold start takes
//! 450 ms and a warm start 100 ms. Arrivals come from explicit lists, so every instant
//! below is exact. Expected rows read `(arrival, kind, latency [ms], container)`, the
//! arrival written in the scenario's own notation, kind 'C'old, 'W'arm or 'T'hrottled.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};
use coldsim::time::SimDuration;

/// One expected invocation: (arrival, 'C' | 'W' | 'T', latency [ms], container number).
type Exp<'a> = (&'a str, char, u64, Option<u64>);

/// One invocation in comparable form: (arrival [µs], kind, latency [µs], container number).
type Row = (u64, char, u64, Option<u64>);

/// A finished run: the scenario, the simulation (for its statistics) and every invocation.
struct Run {
    scenario: Scenario,
    sim: Simulation,
    log: Vec<Invocation>,
}

impl Run {
    /// The figures of the run, as `summary.json` holds them.
    fn summary(&self) -> Summary {
        Summary::new(&self.scenario, self.scenario.seed, &self.sim)
    }

    /// Function `f`'s invocations, in the order they happened.
    fn rows(&self, f: usize) -> Vec<Row> {
        self.log
            .iter()
            .filter(|i| i.function.0 as usize == f)
            .map(row)
            .collect()
    }
}

/// The one place that touches the engine's API: parse, build, run, record.
fn run(toml: &str) -> Run {
    let scenario = Scenario::from_toml(toml, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("the test scenario is invalid: {e}"));
    let mut sim = Simulation::new(&scenario);
    let mut log = Vec::<Invocation>::new();
    sim.run(&mut log);
    Run { scenario, sim, log }
}

fn micros(text: &str) -> u64 {
    SimDuration::parse(text)
        .unwrap_or_else(|e| panic!("bad instant in a test: {e}"))
        .as_micros()
}

fn row(i: &Invocation) -> Row {
    let kind = match i.start {
        Start::Cold => 'C',
        Start::Warm => 'W',
        Start::Throttled => 'T',
    };
    (
        i.arrived.as_micros(),
        kind,
        i.latency().as_micros(),
        i.container.map(|c| c.0),
    )
}

fn want(e: &Exp<'_>) -> Row {
    (micros(e.0), e.1, e.2 * 1_000, e.3)
}

/// Runs a scenario and checks each function's invocations, in order, against its list.
fn check_each(toml: &str, per_function: &[&[Exp<'_>]]) -> Run {
    let r = run(toml);
    assert_eq!(
        r.scenario.functions.len(),
        per_function.len(),
        "one expected list per function"
    );
    assert_eq!(
        r.log.len(),
        per_function.iter().map(|e| e.len()).sum::<usize>(),
        "every arrival is observed once"
    );
    for (f, expected) in per_function.iter().enumerate() {
        let expected: Vec<Row> = expected.iter().map(want).collect();
        assert_eq!(
            r.rows(f),
            expected,
            "function {f}: (arrival µs, kind, latency µs, container)"
        );
    }
    for i in &r.log {
        match i.start {
            Start::Throttled => {
                // Refused: no container, no init, no execution (an asynchronous arrival
                // dropped at its maximum age shows how long it waited, in its latency).
                assert_eq!(i.container, None);
                assert_eq!(i.init + i.exec, SimDuration::ZERO);
            }
            Start::Warm => assert_eq!(i.init, SimDuration::ZERO),
            Start::Cold => {}
        }
    }
    r
}

/// Runs a one-function scenario and checks its invocations, in order.
fn check(toml: &str, expected: &[Exp<'_>]) -> Run {
    check_each(toml, &[expected])
}

/// A one-function scenario of one hour: init 350 ms, exec 100 ms, a fixed 10-minute
/// keep-alive unless `function_extra` gives one, the given arrival instants and extra
/// function and top-level lines.
fn one(at: &[&str], function_extra: &str, top_extra: &str) -> String {
    let at: Vec<String> = at.iter().map(|t| format!("{t:?}")).collect();
    let keep = if function_extra.contains("keep_alive") {
        ""
    } else {
        r#"keep_alive = { policy = "fixed", idle = "10m" }"#
    };
    format!(
        r#"
duration = "1h"
{top_extra}

[[function]]
name = "f"
arrival = {{ process = "explicit", at = [{}] }}
init = {{ dist = "constant", ms = 350 }}
exec = {{ dist = "constant", ms = 100 }}
{keep}
{function_extra}
"#,
        at.join(", ")
    )
}

/// GB·s of an area of containers [container·µs] at `memory_mb`, GB being 1024 MB.
fn gb_s(area_us: u64, memory_mb: u32) -> f64 {
    area_us as f64 * (f64::from(memory_mb) / 1024.0 / 1e6)
}

// ---------------------------------------------------------------------------------------
// Containers: one invocation at a time, no queueing.
// ---------------------------------------------------------------------------------------

#[test]
fn a_container_serves_one_invocation_at_a_time_and_nothing_queues() {
    // 0s twice: two containers, both busy until 450ms. 100ms: a third (busy until 550ms).
    // 500ms: c0 and c1 both went idle at 450ms, c0's finish first (it was scheduled
    // first), so c1 is the most recently idle and MRU takes it (busy until 600ms).
    // 520ms: c0 is still idle. 540ms: c0 and c1 busy, c2 busy until 550ms: an arrival
    // does not wait 10 ms for c2, it starts c3.
    check(
        &one(&["0s", "0s", "100ms", "500ms", "520ms", "540ms"], "", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("0s", 'C', 450, Some(1)),
            ("100ms", 'C', 450, Some(2)),
            ("500ms", 'W', 100, Some(1)),
            ("520ms", 'W', 100, Some(0)),
            ("540ms", 'C', 450, Some(3)),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Fixed keep-alive.
// ---------------------------------------------------------------------------------------

#[test]
fn fixed_keep_alive_counts_from_the_end_of_the_execution() {
    // 0s cold, idle from 450ms until 10m 450ms. 5m warm, idle from 5m 100ms until
    // 15m 100ms. 20m: c0 is gone, cold on c1, idle from 20m 450ms until 30m 450ms.
    // 30m 400ms: more than 10m after c1's arrival but less than 10m after its end: warm.
    check(
        &one(
            &["0s", "5m", "20m", "30m 400ms"],
            r#"keep_alive = { policy = "fixed", idle = "10m" }"#,
            "",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("5m", 'W', 100, Some(0)),
            ("20m", 'C', 450, Some(1)),
            ("30m 400ms", 'W', 100, Some(1)),
        ],
    );
}

#[test]
fn fixed_keep_alive_restarts_after_every_invocation() {
    // Deadlines: 10m 450ms, then 15m 100ms (after 5m), 24m 100ms (after 14m), 33m 100ms
    // (after 23m). Each arrival falls inside the window restarted by the one before,
    // though 23m is far past 10m after creation; 40m is past 33m 100ms.
    check(
        &one(
            &["0s", "5m", "14m", "23m", "40m"],
            r#"keep_alive = { policy = "fixed", idle = "10m" }"#,
            "",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("5m", 'W', 100, Some(0)),
            ("14m", 'W', 100, Some(0)),
            ("23m", 'W', 100, Some(0)),
            ("40m", 'C', 450, Some(1)),
        ],
    );
}

#[test]
fn the_keep_alive_window_is_half_open() {
    // c0 idle at 450ms, deadline 10m 450ms. One microsecond before: warm; it ends at
    // 10m 549ms 999us, deadline 20m 549ms 999us. An arrival exactly then: cold.
    // (Both arrivals were scheduled before the keep-alive timers of the same instant, so
    // here the arrival finds the expired container itself and reclaims it.)
    check(
        &one(
            &["0s", "10m 449ms 999us", "20m 549ms 999us"],
            r#"keep_alive = { policy = "fixed", idle = "10m" }"#,
            "",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("10m 449ms 999us", 'W', 100, Some(0)),
            ("20m 549ms 999us", 'C', 450, Some(1)),
        ],
    );
}

#[test]
fn the_keep_alive_window_is_half_open_when_the_timer_fires_first() {
    // c0 busy [0, 450ms), deadline 10m 450ms, its timer scheduled at 450ms. c1 busy
    // [100ms, 550ms), deadline 10m 550ms. 10m 400ms: MRU takes c1 (idle last), busy until
    // 10m 500ms; handling this arrival schedules the next one, after c0's timer. So at
    // 10m 450ms the timer fires first and reclaims c0, and the arrival finds nothing idle.
    let base = ["0s", "100ms", "10m 400ms"];
    let at = [&base[..], &["10m 450ms"][..]].concat();
    check(
        &one(&at, "", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'C', 450, Some(1)),
            ("10m 400ms", 'W', 100, Some(1)),
            ("10m 450ms", 'C', 450, Some(2)),
        ],
    );
    // One microsecond earlier c0 is still there.
    let at = [&base[..], &["10m 449ms 999us"][..]].concat();
    check(
        &one(&at, "", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'C', 450, Some(1)),
            ("10m 400ms", 'W', 100, Some(1)),
            ("10m 449ms 999us", 'W', 100, Some(0)),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Same-instant events leave in the order they were scheduled.
// ---------------------------------------------------------------------------------------

#[test]
fn an_arrival_scheduled_before_a_finish_at_the_same_instant_comes_first() {
    // Each function has one pending arrival: handling an arrival first schedules the next
    // arrival, then the finish of the execution it starts. Sequence numbers: arrival 0s
    // #0; handling it schedules the arrival at 450ms #1, then c0's finish at 450ms #2.
    // At 450ms the arrival (#1) leaves before the finish (#2): c0 is still busy, so cold.
    check(
        &one(&["0s", "450ms"], "", ""),
        &[("0s", 'C', 450, Some(0)), ("450ms", 'C', 450, Some(1))],
    );
}

#[test]
fn a_finish_scheduled_before_an_arrival_at_the_same_instant_comes_first() {
    // Arrival 0s #0; handling it: arrival 100ms #1, c0's finish at 450ms #2. Handling the
    // arrival at 100ms (cold, c1): arrival 450ms #3, c1's finish at 550ms #4. At 450ms
    // c0's finish (#2) leaves before the arrival (#3): c0 is idle, so warm.
    check(
        &one(&["0s", "100ms", "450ms"], "", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'C', 450, Some(1)),
            ("450ms", 'W', 100, Some(0)),
        ],
    );
}

#[test]
fn the_same_instant_order_decides_a_throttle() {
    // With one slot: as above, the arrival at 450ms leaves before c0's finish (#1 < #2),
    // the slot is still held, so it is throttled.
    let top = "[platform]\naccount_concurrency = 1";
    check(
        &one(&["0s", "450ms"], "", top),
        &[("0s", 'C', 450, Some(0)), ("450ms", 'T', 0, None)],
    );
    // The arrival at 100ms is throttled; handling it schedules the one at 450ms (#3) after
    // c0's finish (#2), which frees the slot and leaves c0 idle first: warm.
    check(
        &one(&["0s", "100ms", "450ms"], "", top),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'T', 0, None),
            ("450ms", 'W', 100, Some(0)),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Other keep-alive policies.
// ---------------------------------------------------------------------------------------

/// Arrivals for the reclaim-at-once policies: at 450ms c0's finish comes first (see
/// `a_finish_scheduled_before_an_arrival_at_the_same_instant_comes_first`), and c0 is gone.
const AT_ONCE: [&str; 4] = ["0s", "100ms", "450ms", "1s"];
const ALL_COLD: [Exp<'static>; 4] = [
    ("0s", 'C', 450, Some(0)),
    ("100ms", 'C', 450, Some(1)),
    ("450ms", 'C', 450, Some(2)),
    ("1s", 'C', 450, Some(3)),
];

#[test]
fn the_none_policy_reclaims_at_once_so_every_arrival_is_cold() {
    check(
        &one(&AT_ONCE, r#"keep_alive = { policy = "none" }"#, ""),
        &ALL_COLD,
    );
}

#[test]
fn a_fixed_window_of_zero_behaves_like_none() {
    let zero = check(
        &one(
            &AT_ONCE,
            r#"keep_alive = { policy = "fixed", idle = "0s" }"#,
            "",
        ),
        &ALL_COLD,
    );
    let none = run(&one(&AT_ONCE, r#"keep_alive = { policy = "none" }"#, ""));
    assert_eq!(zero.log, none.log);
}

#[test]
fn a_window_longer_than_the_run_never_expires() {
    // One container alive for the whole day: busy 450 + 100 + 100 ms, idle the rest.
    let toml = one(
        &["0s", "5h", "23h"],
        r#"keep_alive = { policy = "fixed", idle = "3650d" }"#,
        "",
    )
    .replace(r#"duration = "1h""#, r#"duration = "1d""#);
    let r = check(
        &toml,
        &[
            ("0s", 'C', 450, Some(0)),
            ("5h", 'W', 100, Some(0)),
            ("23h", 'W', 100, Some(0)),
        ],
    );
    let s = r.summary();
    let day_us: u64 = 86_400_000_000;
    let busy_us: u64 = 650_000;
    let c = &s.totals.containers;
    assert_eq!((c.created, c.peak), (1, 1));
    assert_eq!(c.mean_alive, 1.0);
    assert_eq!(c.mean_busy, busy_us as f64 / day_us as f64);
    // memory_mb defaults to 128.
    assert_eq!(s.totals.gb_s.busy, gb_s(busy_us, 128));
    assert_eq!(s.totals.gb_s.idle, gb_s(day_us - busy_us, 128));
}

#[test]
fn uniform_keep_alive_stays_within_its_bounds() {
    // Whatever the draws: c0 idle at 450ms keeps at least 5m, so 5m 449ms 999us is warm;
    // it ends at 5m 549ms 999us and keeps at most 7m, so 12m 549ms 999us is cold.
    check(
        &one(
            &["0s", "5m 449ms 999us", "12m 549ms 999us"],
            r#"keep_alive = { policy = "uniform", min = "5m", max = "7m" }"#,
            "",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("5m 449ms 999us", 'W', 100, Some(0)),
            ("12m 549ms 999us", 'C', 450, Some(1)),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Routing among several idle containers.
// ---------------------------------------------------------------------------------------

/// Init 1000 ms, exec 100 ms: cold 1100 ms. Four cold starts, then four warm starts that
/// each find exactly one idle container, so every rule agrees on them:
///
/// | arrival | idle then   | takes | busy until |
/// |---------|-------------|-------|------------|
/// | 0ms     | -           | c0    | 1100ms     |
/// | 100ms   | -           | c1    | 1200ms     |
/// | 200ms   | -           | c2    | 1300ms     |
/// | 300ms   | -           | c3    | 1400ms     |
/// | 1150ms  | c0          | c0    | 1250ms     |
/// | 1210ms  | c1          | c1    | 1310ms     |
/// | 1260ms  | c0          | c0    | 1360ms     |
/// | 1305ms  | c2          | c2    | 1405ms     |
///
/// Then all four are idle, in the order of going idle c1 (1310), c0 (1360), c3 (1400),
/// c2 (1405): MRU takes c2, LRU c1, newest c3, oldest c0.
fn routing(rule: &str, later: &[&str]) -> String {
    let mut at = vec![
        "0s", "100ms", "200ms", "300ms", "1150ms", "1210ms", "1260ms", "1305ms",
    ];
    at.extend_from_slice(later);
    one(&at, "", &format!("[platform]\nrouting = {rule:?}")).replace("ms = 350", "ms = 1000")
}

const ROUTING_PREFIX: [Exp<'static>; 8] = [
    ("0s", 'C', 1100, Some(0)),
    ("100ms", 'C', 1100, Some(1)),
    ("200ms", 'C', 1100, Some(2)),
    ("300ms", 'C', 1100, Some(3)),
    ("1150ms", 'W', 100, Some(0)),
    ("1210ms", 'W', 100, Some(1)),
    ("1260ms", 'W', 100, Some(0)),
    ("1305ms", 'W', 100, Some(2)),
];

/// The routing scenario with arrivals at 2s, 3s and 4s served by these containers.
fn check_routing(rule: &str, picks: [u64; 3]) {
    let mut expected = ROUTING_PREFIX.to_vec();
    for (t, c) in ["2s", "3s", "4s"].into_iter().zip(picks) {
        expected.push((t, 'W', 100, Some(c)));
    }
    check(&routing(rule, &["2s", "3s", "4s"]), &expected);
}

#[test]
fn mru_routing_takes_the_last_container_to_go_idle() {
    // c2 went idle last (1405ms); after each pick it is again the last to go idle.
    check_routing("mru", [2, 2, 2]);
}

#[test]
fn lru_routing_takes_the_longest_idle_container() {
    // Idle order c1, c0, c3, c2: 2s takes c1 (then c0, c3, c2, c1), 3s takes c0
    // (then c3, c2, c1, c0), 4s takes c3.
    check_routing("lru", [1, 0, 3]);
}

#[test]
fn newest_routing_takes_the_most_recently_created_container() {
    check_routing("newest", [3, 3, 3]);
}

#[test]
fn oldest_routing_takes_the_least_recently_created_container() {
    check_routing("oldest", [0, 0, 0]);
}

#[test]
fn random_routing_picks_idle_containers_reproducibly() {
    let later = ["2s", "3s", "4s", "5s", "6s", "7s", "8s", "9s"];
    let picks = |seed: u64| -> Vec<Row> {
        let toml = format!("seed = {seed}\n{}", routing("random", &later));
        let r = run(&toml);
        let rows = r.rows(0);
        // Every pick before 2s had a single candidate.
        let prefix: Vec<Row> = ROUTING_PREFIX.iter().map(want).collect();
        assert_eq!(rows[..8], prefix[..], "seed {seed}");
        // From 2s on all four containers are idle at each arrival: always warm, on one of them.
        for (r, t) in rows[8..].iter().zip(later) {
            assert_eq!((r.0, r.1, r.2), (micros(t), 'W', 100_000), "seed {seed}");
            assert!(matches!(r.3, Some(0..=3)), "seed {seed}: {r:?}");
        }
        assert_eq!(rows.len(), 16);
        rows
    };
    // The same seed gives the same picks.
    assert_eq!(picks(11), picks(11));
    // Different seeds give different picks (eight picks among four: some seed of ten differs).
    let all: Vec<Vec<Row>> = (0..10).map(picks).collect();
    assert!(
        all.iter().any(|p| *p != all[0]),
        "random routing ignores the seed"
    );
}

// ---------------------------------------------------------------------------------------
// Concurrency limits.
// ---------------------------------------------------------------------------------------

#[test]
fn account_concurrency_throttles_what_would_exceed_it() {
    // Two slots. c0 busy [0, 450ms), c1 busy [100ms, 550ms): 200ms and 300ms throttled.
    // 500ms: one busy, c0 idle: warm, busy until 600ms. 520ms: two busy again: throttled.
    // 560ms: c1 went idle at 550ms, one busy: warm on c1.
    let r = check(
        &one(
            &["0s", "100ms", "200ms", "300ms", "500ms", "520ms", "560ms"],
            "",
            "[platform]\naccount_concurrency = 2",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'C', 450, Some(1)),
            ("200ms", 'T', 0, None),
            ("300ms", 'T', 0, None),
            ("500ms", 'W', 100, Some(0)),
            ("520ms", 'T', 0, None),
            ("560ms", 'W', 100, Some(1)),
        ],
    );
    let t = r.summary().totals;
    // Throttled arrivals count as invocations, not as starts, and have no latency.
    assert_eq!(
        (t.invocations, t.cold_starts, t.warm_starts, t.throttled),
        (7, 2, 2, 3)
    );
    assert_eq!(t.latency_ms.mean, Some(275.0));
    assert_eq!(t.latency_ms.max, Some(450.0));
    assert_eq!(t.containers.peak, 2);
}

#[test]
fn idle_containers_do_not_count_against_the_account() {
    // Two slots. a's container c0 is idle from 450ms on; b then starts two containers at
    // once (c1 busy until 1450ms, c2 from 1100ms): three alive, two busy.
    let toml = r#"
duration = "1h"
[platform]
account_concurrency = 2
[defaults]
init = { dist = "constant", ms = 350 }
exec = { dist = "constant", ms = 100 }
[[function]]
name = "a"
arrival = { process = "explicit", at = ["0s"] }
[[function]]
name = "b"
arrival = { process = "explicit", at = ["1s", "1s 100ms"] }
"#;
    let r = check_each(
        toml,
        &[
            &[("0s", 'C', 450, Some(0))],
            &[("1s", 'C', 450, Some(1)), ("1s 100ms", 'C', 450, Some(2))],
        ],
    );
    assert_eq!(r.summary().totals.containers.peak, 3);
}

#[test]
fn a_warm_start_needs_a_free_concurrency_slot() {
    // One slot. a's c0 is idle from 450ms; b's c1 holds the slot [900ms, 1350ms): a's
    // arrival at 1s is throttled although its own container is idle.
    let toml = r#"
duration = "1h"
[platform]
account_concurrency = 1
[defaults]
init = { dist = "constant", ms = 350 }
exec = { dist = "constant", ms = 100 }
[[function]]
name = "a"
arrival = { process = "explicit", at = ["0s", "1s"] }
[[function]]
name = "b"
arrival = { process = "explicit", at = ["900ms"] }
"#;
    check_each(
        toml,
        &[
            &[("0s", 'C', 450, Some(0)), ("1s", 'T', 0, None)],
            &[("900ms", 'C', 450, Some(1))],
        ],
    );
}

#[test]
fn reserved_concurrency_caps_its_function_and_is_carved_out_of_the_account() {
    // Account 3, r reserves 1: r is capped at 1, u shares 3 - 1 = 2.
    // r 0s: cold c0 [0, 450ms). r 100ms: r's one slot is busy: throttled, though the
    // account has two free. u 200ms: c1 [200ms, 650ms); u 300ms: c2 [300ms, 750ms), u's
    // two slots are its own although r holds one (three busy in all). u 460ms: c0 went
    // idle at 450ms, so only two are busy, but u's share is full: throttled. r 500ms: its
    // own slot is free: warm on c0. u 700ms: c1 idle since 650ms, one of u's slots free:
    // warm on c1.
    let toml = r#"
duration = "1h"
[platform]
account_concurrency = 3
[defaults]
init = { dist = "constant", ms = 350 }
exec = { dist = "constant", ms = 100 }
[[function]]
name = "r"
reserved_concurrency = 1
arrival = { process = "explicit", at = ["0s", "100ms", "500ms"] }
[[function]]
name = "u"
arrival = { process = "explicit", at = ["200ms", "300ms", "460ms", "700ms"] }
"#;
    let r = check_each(
        toml,
        &[
            &[
                ("0s", 'C', 450, Some(0)),
                ("100ms", 'T', 0, None),
                ("500ms", 'W', 100, Some(0)),
            ],
            &[
                ("200ms", 'C', 450, Some(1)),
                ("300ms", 'C', 450, Some(2)),
                ("460ms", 'T', 0, None),
                ("700ms", 'W', 100, Some(1)),
            ],
        ],
    );
    let s = r.summary();
    let counts = |i: usize| {
        let f = &s.functions[i].figures;
        (f.invocations, f.cold_starts, f.warm_starts, f.throttled)
    };
    assert_eq!(counts(0), (3, 1, 1, 1));
    assert_eq!(counts(1), (4, 2, 1, 1));
    assert_eq!(s.totals.throttled, 2);
}

// ---------------------------------------------------------------------------------------
// Maximum lifetime.
// ---------------------------------------------------------------------------------------

#[test]
fn max_lifetime_retires_containers_when_idle_and_at_their_age() {
    // Lifetime 1m, keep-alive 10m.
    // c0 created at 0s; its idle deadline is capped at 1m. 30s: warm. 59s 950ms: warm,
    // ends at 1m 50ms, at least 1m old: retired. 1m 500ms (warm without a lifetime): cold,
    // c1 created at 1m 500ms, idle deadline min(11m 950ms, 2m 500ms) = 2m 500ms.
    // 2m 499ms 999us: warm, ends past 2m 500ms: retired. 2m 1s: cold, c2, idle deadline
    // min(12m 1s 450ms, 3m 1s) = 3m 1s. 3m 1s: exactly c2's age: reclaimed, cold.
    check(
        &one(
            &[
                "0s",
                "30s",
                "59s 950ms",
                "1m 500ms",
                "2m 499ms 999us",
                "2m 1s",
                "3m 1s",
            ],
            "",
            "[platform]\nmax_lifetime = \"1m\"",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("30s", 'W', 100, Some(0)),
            ("59s 950ms", 'W', 100, Some(0)),
            ("1m 500ms", 'C', 450, Some(1)),
            ("2m 499ms 999us", 'W', 100, Some(1)),
            ("2m 1s", 'C', 450, Some(2)),
            ("3m 1s", 'C', 450, Some(3)),
        ],
    );
}

#[test]
fn a_lifetime_no_longer_than_the_first_execution_retires_at_once() {
    // Lifetime 200ms: c0 ends at 450ms already past it, so it never serves again.
    let at = ["0s", "1s", "2s"];
    let all_cold: [Exp<'_>; 3] = [
        ("0s", 'C', 450, Some(0)),
        ("1s", 'C', 450, Some(1)),
        ("2s", 'C', 450, Some(2)),
    ];
    check(
        &one(&at, "", "[platform]\nmax_lifetime = \"200ms\""),
        &all_cold,
    );
    // Lifetime 450ms: c0 ends exactly 450ms old, "at least this old": retired.
    check(
        &one(&at, "", "[platform]\nmax_lifetime = \"450ms\""),
        &all_cold,
    );
    // Lifetime 451ms: c0 idle at 450ms until 451ms; 450ms 999us is warm, and c0 ends
    // 550ms 999us old: retired, so 1s is cold.
    check(
        &one(
            &["0s", "450ms 999us", "1s"],
            "",
            "[platform]\nmax_lifetime = \"451ms\"",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("450ms 999us", 'W', 100, Some(0)),
            ("1s", 'C', 450, Some(1)),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Warm-up and statistics.
// ---------------------------------------------------------------------------------------

#[test]
fn warmup_hides_early_arrivals_and_time_from_the_statistics() {
    // Run 30m, warm-up 10m, 2048 MB, keep-alive 10m.
    // c0: cold at 0s, warm at 5m (deadline 15m 100ms), warm at 12m (deadline 22m 100ms),
    // reclaimed at 22m 100ms. 25m: cold on c1, alive to the end (deadline 35m 450ms).
    // Window [10m, 30m) = 1200 s:
    //   alive: c0 10m..22m 100ms = 720.1 s, c1 25m..30m = 300 s: 1020.1 s;
    //   busy: c0 12m..12m 100ms = 0.1 s, c1 25m..25m 450ms = 0.45 s: 0.55 s.
    let toml = one(
        &["0s", "5m", "12m", "25m"],
        "memory_mb = 2048",
        r#"warmup = "10m""#,
    )
    .replace(r#"duration = "1h""#, r#"duration = "30m""#);
    let r = check(
        &toml,
        &[
            ("0s", 'C', 450, Some(0)),
            ("5m", 'W', 100, Some(0)),
            ("12m", 'W', 100, Some(0)),
            ("25m", 'C', 450, Some(1)),
        ],
    );
    let s = r.summary();
    assert_eq!(
        (s.horizon_s, s.warmup_s, s.window_s),
        (1800.0, 600.0, 1200.0)
    );
    let alive_us: u64 = 1_020_100_000;
    let busy_us: u64 = 550_000;
    let window_us = 1_200_000_000.0;
    for f in [&s.totals, &s.functions[0].figures] {
        assert_eq!(
            (f.invocations, f.cold_starts, f.warm_starts, f.throttled),
            (2, 1, 1, 0)
        );
        assert_eq!(f.cold_start_ratio, Some(0.5));
        assert_eq!(f.latency_ms.mean, Some(275.0));
        assert_eq!(f.latency_ms.max, Some(450.0));
        let c = &f.containers;
        assert_eq!((c.created, c.peak), (1, 1));
        assert_eq!(c.mean_alive, alive_us as f64 / window_us);
        assert_eq!(c.mean_busy, busy_us as f64 / window_us);
        assert_eq!(c.mean_idle, (alive_us - busy_us) as f64 / window_us);
        assert_eq!(f.gb_s.busy, gb_s(busy_us, 2048));
        assert_eq!(f.gb_s.idle, gb_s(alive_us - busy_us, 2048));
    }
    // The same figures by hand: 2 GB × 0.55 s = 1.1 GB·s busy, 2 GB × 1019.55 s = 2039.1 GB·s idle.
    assert!((s.totals.gb_s.busy - 1.1).abs() < 1e-9);
    assert!((s.totals.gb_s.idle - 2039.1).abs() < 1e-9);
}

#[test]
fn time_averaged_containers_and_gb_s_are_exact() {
    // One hour, 512 MB, keep-alive 10m. c0 busy [0, 450ms), reclaimed at 10m 450ms.
    // c1 busy [100ms, 550ms); at 1s MRU takes c1 (idle last), busy [1s, 1.1s), reclaimed
    // at 10m 1.1s. Alive: 600.45 s + 601 s = 1201.45 s; busy: 0.45 + 0.45 + 0.1 = 1 s.
    let r = check(
        &one(&["0s", "100ms", "1s"], "memory_mb = 512", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("100ms", 'C', 450, Some(1)),
            ("1s", 'W', 100, Some(1)),
        ],
    );
    let s = r.summary();
    let alive_us: u64 = 1_201_450_000;
    let busy_us: u64 = 1_000_000;
    let hour_us = 3_600_000_000.0;
    let t = &s.totals;
    assert_eq!((t.invocations, t.cold_starts, t.warm_starts), (3, 2, 1));
    assert_eq!(t.latency_ms.mean, Some(1_000_000.0 / 3.0 / 1_000.0));
    let c = &t.containers;
    assert_eq!((c.created, c.peak), (2, 2));
    assert_eq!(c.mean_alive, alive_us as f64 / hour_us);
    assert_eq!(c.mean_busy, busy_us as f64 / hour_us);
    assert_eq!(c.mean_idle, (alive_us - busy_us) as f64 / hour_us);
    assert_eq!(t.gb_s.busy, gb_s(busy_us, 512));
    assert_eq!(t.gb_s.idle, gb_s(alive_us - busy_us, 512));
    // By hand: 0.5 GB·s busy, 600.225 GB·s idle.
    assert!((t.gb_s.busy - 0.5).abs() < 1e-12);
    assert!((t.gb_s.idle - 600.225).abs() < 1e-9);
}

#[test]
fn arrivals_at_or_after_the_end_are_not_simulated() {
    // Arrivals lie in [0, duration): the one at 1h never happens. The one a microsecond
    // before is cold (c0 was reclaimed at 10m 450ms).
    let r = check(
        &one(&["0s", "59m 59s 999ms 999us", "1h", "2h"], "", ""),
        &[
            ("0s", 'C', 450, Some(0)),
            ("59m 59s 999ms 999us", 'C', 450, Some(1)),
        ],
    );
    assert_eq!(r.summary().totals.invocations, 2);
}

// ---------------------------------------------------------------------------------------
// cold_exec, several functions.
// ---------------------------------------------------------------------------------------

#[test]
fn cold_exec_applies_to_the_first_invocation_of_a_container_only() {
    // Cold: 350 + 250 ms; warm: 100 ms. 30m: c0 is gone (10m keep-alive), cold again on c1.
    check(
        &one(
            &["0s", "1s", "2s", "30m"],
            r#"cold_exec = { dist = "constant", ms = 250 }"#,
            "",
        ),
        &[
            ("0s", 'C', 600, Some(0)),
            ("1s", 'W', 100, Some(0)),
            ("2s", 'W', 100, Some(0)),
            ("30m", 'C', 600, Some(1)),
        ],
    );
}

#[test]
fn functions_never_share_containers() {
    // a's c0 is idle when b arrives at 2s: b starts its own c1 (container numbers count
    // creations over all functions). Each then reuses only its own.
    let toml = r#"
duration = "1h"
[defaults]
init = { dist = "constant", ms = 350 }
exec = { dist = "constant", ms = 100 }
[[function]]
name = "a"
arrival = { process = "explicit", at = ["0s", "1s", "4s"] }
[[function]]
name = "b"
arrival = { process = "explicit", at = ["2s", "3s"] }
"#;
    check_each(
        toml,
        &[
            &[
                ("0s", 'C', 450, Some(0)),
                ("1s", 'W', 100, Some(0)),
                ("4s", 'W', 100, Some(0)),
            ],
            &[("2s", 'C', 450, Some(1)), ("3s", 'W', 100, Some(1))],
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Provisioned concurrency.

#[test]
fn provisioned_containers_take_arrivals_first_and_never_expire() {
    // Two provisioned containers (c0, c1) exist from time 0, initialized and idle. The first
    // two simultaneous arrivals take them warm; the third finds both busy and starts cold
    // (c2). At 2h, long after a 10-minute window, the provisioned ones are still warm, and they
    // are taken before the on-demand c2, which went idle at 450 ms and expired at 10m 450ms.
    let r = check(
        &one(
            &["0s", "0s", "0s", "1s", "2h"],
            "provisioned_concurrency = 2",
            "duration = \"3h\"",
        )
        .replacen("duration = \"1h\"\n", "", 1),
        &[
            ("0s", 'W', 100, Some(1)),
            ("0s", 'W', 100, Some(0)),
            ("0s", 'C', 450, Some(2)),
            ("1s", 'W', 100, Some(0)),
            ("2h", 'W', 100, Some(0)),
        ],
    );
    let s = r.summary();
    let f = &s.functions[0].figures;
    assert_eq!((f.cold_starts, f.warm_starts), (1, 4));
    // Alive: two provisioned containers for 3 h plus c2 from 0 to 10m 450ms.
    let alive_us = 2 * micros("3h") + micros("10m 450ms");
    assert_eq!(
        f.containers.mean_alive,
        alive_us as f64 / micros("3h") as f64
    );
    // Billing: four requests on provisioned containers (100 ms each), one on demand (450 ms,
    // of which 350 ms INIT), 128 MB. Configured: 2 × 128 MB × 3 h (a multiple of 5 minutes).
    let u = &r.sim.function_stats().next().expect("one function").usage;
    assert_eq!((u.provisioned_requests, u.provisioned_ms), (4, 400));
    assert_eq!((u.requests, u.exec_ms, u.init_ms), (1, 100, 350));
    let sheet = r.scenario.cost.prices.lambda().expect("a Lambda sheet");
    let gb = 128.0 / 1024.0;
    let expected = 5.0 * 2e-7
        + 2.0 * gb * 3.0 * 3600.0 * sheet.provisioned.concurrency_usd_per_gb_s.x86_64
        + gb * 0.4 * sheet.provisioned.duration_usd_per_gb_s.x86_64
        + gb * 0.45 * 1.66667e-5;
    assert!(
        (f.cost.total_usd - expected).abs() < 1e-12,
        "{} != {expected}",
        f.cost.total_usd
    );
}

#[test]
fn provisioned_concurrency_counts_against_the_limits() {
    // Reserved concurrency 2 with both provisioned: a third simultaneous arrival is throttled.
    check(
        &one(
            &["0s", "0s", "0s"],
            "provisioned_concurrency = 2\nreserved_concurrency = 2",
            "",
        ),
        &[
            ("0s", 'W', 100, Some(1)),
            ("0s", 'W', 100, Some(0)),
            ("0s", 'T', 0, None),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Memory-bounded pools.

/// Three 128 MB functions in a 256 MB pool: init 100 ms (a: 1000 ms), exec 100 ms; a is kept
/// idle for 2 h, b for 30 min, c for 1 h; one arrival each at 0, 1 s and 2 s, then a at 3 s.
fn bounded(eviction: &str) -> String {
    format!(
        r#"
duration = "1h"
platform = {{ capacity_gb = 0.25, eviction = "{eviction}" }}
[defaults]
memory_mb = 128
exec = {{ dist = "constant", ms = 100 }}
init = {{ dist = "constant", ms = 100 }}
[[function]]
name = "a"
arrival = {{ process = "explicit", at = ["0s", "3s"] }}
init = {{ dist = "constant", ms = 1000 }}
keep_alive = {{ policy = "fixed", idle = "2h" }}
[[function]]
name = "b"
arrival = {{ process = "explicit", at = ["1s"] }}
keep_alive = {{ policy = "fixed", idle = "30m" }}
[[function]]
name = "c"
arrival = {{ process = "explicit", at = ["2s"] }}
keep_alive = {{ policy = "fixed", idle = "1h" }}
"#
    )
}

#[test]
fn lru_eviction_evicts_the_longest_idle() {
    // At 2 s the pool holds a (idle since 1.1 s) and b (idle since 1.2 s): c evicts a. At 3 s
    // a is gone, so it starts cold and evicts b (idle since 1.2 s; c is idle since 2.2 s).
    let r = check_each(
        &bounded("lru"),
        &[
            &[("0s", 'C', 1100, Some(0)), ("3s", 'C', 1100, Some(3))],
            &[("1s", 'C', 200, Some(1))],
            &[("2s", 'C', 200, Some(2))],
        ],
    );
    let s = r.summary();
    let evicted: Vec<u64> = s
        .functions
        .iter()
        .map(|f| f.figures.containers.evicted)
        .collect();
    assert_eq!(evicted, vec![1, 1, 0]);
}

#[test]
fn ttl_eviction_evicts_the_soonest_deadline() {
    // At 2 s: a's deadline is 1.1 s + 2 h, b's 1.2 s + 30 min: c evicts b, and a at 3 s is
    // warm.
    check_each(
        &bounded("ttl"),
        &[
            &[("0s", 'C', 1100, Some(0)), ("3s", 'W', 100, Some(0))],
            &[("1s", 'C', 200, Some(1))],
            &[("2s", 'C', 200, Some(2))],
        ],
    );
}

#[test]
fn greedy_dual_eviction_keeps_the_expensive_container() {
    // Priorities when a request is handed over (frequency × init ms / MB): a 1 × 1000 / 128
    // = 7.8125, b 1 × 100 / 128 = 0.78125: c evicts b (the clock rises to 0.78125), and a at
    // 3 s is warm.
    check_each(
        &bounded("greedy-dual"),
        &[
            &[("0s", 'C', 1100, Some(0)), ("3s", 'W', 100, Some(0))],
            &[("1s", 'C', 200, Some(1))],
            &[("2s", 'C', 200, Some(2))],
        ],
    );
}

#[test]
fn greedy_dual_frequency_counts_the_requests_of_containers_still_alive() {
    // FaasCache's frequency: the requests served by the function's containers still alive.
    // A 256 MB pool of 128 MB containers, init 100 ms (a: 640 ms), exec 100 ms, kept 2 h.
    // b serves 4 requests (0-3 s): 4 × 100 / 128 = 3.125. a at 4 s: 1 × 640 / 128 = 5,
    // busy until 4.74 s. c at 5 s evicts b (clock 3.125) and gets 3.125 + 0.78125. b at 6 s
    // evicts c (clock 3.90625); its requests left with its container, so b restarts at
    // frequency 1: 3.90625 + 0.78125 = 4.6875. c at 7 s evicts b, not a, and a at 8 s is
    // warm. Had b's frequency kept a request of its evicted container (2: 5.46875), or
    // counted every request so far (5: 7.8125), b would outrank a, and a would go instead.
    let toml = bounded("greedy-dual")
        .replace(r#"at = ["0s", "3s"]"#, r#"at = ["4s", "8s"]"#)
        .replace("ms = 1000", "ms = 640")
        .replace(r#"at = ["1s"]"#, r#"at = ["0s", "1s", "2s", "3s", "6s"]"#)
        .replace(r#"at = ["2s"]"#, r#"at = ["5s", "7s"]"#)
        .replace(r#"idle = "30m""#, r#"idle = "2h""#)
        .replace(r#"idle = "1h""#, r#"idle = "2h""#);
    let r = check_each(
        &toml,
        &[
            &[("4s", 'C', 740, Some(1)), ("8s", 'W', 100, Some(1))],
            &[
                ("0s", 'C', 200, Some(0)),
                ("1s", 'W', 100, Some(0)),
                ("2s", 'W', 100, Some(0)),
                ("3s", 'W', 100, Some(0)),
                ("6s", 'C', 200, Some(3)),
            ],
            &[("5s", 'C', 200, Some(2)), ("7s", 'C', 200, Some(4))],
        ],
    );
    let evicted: Vec<u64> = r
        .summary()
        .functions
        .iter()
        .map(|f| f.figures.containers.evicted)
        .collect();
    assert_eq!(evicted, vec![0, 2, 1]);
}

#[test]
fn a_full_pool_with_nothing_idle_throttles() {
    // A 128 MB pool: the second simultaneous arrival finds the only container busy and no
    // room for another.
    check(
        &one(
            &["0s", "0s", "1s"],
            "",
            "platform = { capacity_gb = 0.125 }",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("0s", 'T', 0, None),
            ("1s", 'W', 100, Some(0)),
        ],
    );
}

#[test]
fn a_provisioned_schedule_follows_the_time_of_day() {
    // One container from 1h to 2h of each 3-hour period, none otherwise. Arrivals at 30m (no
    // provisioned container: cold), 1h 30m (the provisioned one: warm, c1; c0 expired at
    // 40m 450ms), 2h 30m (level back to 0: cold, c2), 4h 30m (the next period's: warm, c3).
    let r = check(
        &one(
            &["30m", "1h 30m", "2h 30m", "4h 30m"],
            r#"provisioned_schedule = { period = "3h", steps = [{ at = "0s", containers = 0 }, { at = "1h", containers = 1 }, { at = "2h", containers = 0 }] }"#,
            "duration = \"6h\"",
        )
        .replacen("duration = \"1h\"\n", "", 1),
        &[
            ("30m", 'C', 450, Some(0)),
            ("1h 30m", 'W', 100, Some(1)),
            ("2h 30m", 'C', 450, Some(2)),
            ("4h 30m", 'W', 100, Some(3)),
        ],
    );
    // Billed: one container for 1 h in each of the two periods, 2 h × 128 MB.
    let u = r.sim.function_stats().next().expect("one function");
    assert_eq!(u.provisioned_us, 2 * 3_600_000_000);
}

#[test]
fn target_tracking_scales_out_after_three_busy_intervals_and_in_after_fifteen_idle() {
    // Two simultaneous 100 ms invocations every minute from 0 to 5m: each minute's peak is 2,
    // wanted ceil(2 / 0.7) = 3 > 1. The ticks at 1m, 2m and 3m want more: the level rises to 3
    // at 3m (c2 and c3 join the provisioned c0). Before that each minute's second invocation
    // takes the on-demand c1 (cold at 0s); from 3m the routing rule (MRU) prefers the newest
    // idle provisioned containers: c3 and c2, then in the order they went idle. Then the
    // traffic stops: each tick wants max(0, min 1) = 1 < 3, and the 15th in a row, at 20m,
    // scales in to 1.
    let at = [
        "0s", "0s", "1m", "1m", "2m", "2m", "3m", "3m", "4m", "4m", "5m", "5m",
    ];
    let r = check(
        &one(
            &at,
            r#"provisioned_concurrency = 1
provisioned_target = { utilization = 0.7, min = 1, max = 10 }"#,
            "",
        ),
        &[
            ("0s", 'W', 100, Some(0)),
            ("0s", 'C', 450, Some(1)),
            ("1m", 'W', 100, Some(0)),
            ("1m", 'W', 100, Some(1)),
            ("2m", 'W', 100, Some(0)),
            ("2m", 'W', 100, Some(1)),
            ("3m", 'W', 100, Some(3)),
            ("3m", 'W', 100, Some(2)),
            ("4m", 'W', 100, Some(2)),
            ("4m", 'W', 100, Some(3)),
            ("5m", 'W', 100, Some(3)),
            ("5m", 'W', 100, Some(2)),
        ],
    );
    // Levels: 1 over [0, 3m), 3 over [3m, 20m), 1 over [20m, 1h); each rounded up to 5 min:
    // 1 × 5m + 3 × 20m + 1 × 40m = 105 container-minutes.
    let u = r.sim.function_stats().next().expect("one function");
    assert_eq!(u.provisioned_us, 105 * 60_000_000);
}

// ---------------------------------------------------------------------------------------------
// Scaling rate and asynchronous invocations.

#[test]
fn the_scaling_rate_limits_new_containers_per_function() {
    // Two new containers per 10 s, refilled continuously (0.2 a second); no keep-alive, so
    // every start needs a new container. 0s: two tokens, three arrivals: C C T. 4s: 0.8
    // tokens: T. 5s: 1 token: C, and the second arrival of that instant: T.
    check(
        &one(
            &["0s", "0s", "0s", "4s", "5s", "5s"],
            r#"keep_alive = { policy = "none" }"#,
            "platform = { scale_environments = 2, scale_every = \"10s\" }",
        ),
        &[
            ("0s", 'C', 450, Some(0)),
            ("0s", 'C', 450, Some(1)),
            ("0s", 'T', 0, None),
            ("4s", 'T', 0, None),
            ("5s", 'C', 450, Some(2)),
            ("5s", 'T', 0, None),
        ],
    );
}

#[test]
fn an_asynchronous_arrival_over_the_limit_is_retried_with_backoff() {
    // Account concurrency 1; exec 10 s, so c0 is busy from 0 to 10.35 s. The second arrival
    // at 0 is retried at 1 s, 3 s, 7 s (1, 2, 4 s of backoff): all busy. At 15 s (8 s more)
    // c0 is gone (no keep-alive), so it starts cold on c1: queued 15 s, latency
    // 15 s + 350 ms + 10 s = 25.35 s.
    let r = check(
        &one(
            &["0s", "0s"],
            "invocation = \"async\"\nkeep_alive = { policy = \"none\" }\nexec = { dist = \"constant\", ms = 10000 }",
            "platform = { account_concurrency = 1 }",
        )
        .replacen("exec = { dist = \"constant\", ms = 100 }\n", "", 1),
        &[("0s", 'C', 10_350, Some(0)), ("0s", 'C', 25_350, Some(1))],
    );
    let s = r.summary();
    let t = &s.totals;
    assert_eq!((t.retried, t.dropped, t.throttled), (1, 0, 0));
    assert_eq!(t.queue_delay_ms.max, Some(15_000.0));
}

#[test]
fn an_asynchronous_arrival_older_than_its_maximum_age_is_dropped() {
    // As above with exec 10 min and a maximum event age of 1 min: retries at 1, 3, 7, 15 and
    // 31 s all find c0 busy; the next would come at 63 s, past the age: dropped at 31 s.
    let r = check(
        &one(
            &["0s", "0s"],
            "invocation = \"async\"\nmax_event_age = \"1m\"\nexec = { dist = \"constant\", ms = 600000 }",
            "platform = { account_concurrency = 1 }",
        )
        .replacen("exec = { dist = \"constant\", ms = 100 }\n", "", 1),
        &[("0s", 'C', 600_350, Some(0)), ("0s", 'T', 31_000, None)],
    );
    let t = &r.summary().totals;
    assert_eq!(
        (t.invocations, t.cold_starts, t.dropped, t.retried),
        (2, 1, 1, 0)
    );
}

// ---------------------------------------------------------------------------------------------
// Resources held by warm containers.

#[test]
fn connections_follow_alive_containers_and_the_setup_what_if_moves_them() {
    // Init 500 ms, of which 300 ms set-up (a database connection); exec 100 ms; arrivals 0,
    // 1m, 2m; fixed 10 min. One container alive from 0 to 2m 100ms + 10m = 12m 100ms: one
    // connection held for 12m 100ms of the hour. Latencies 600, 100, 100 ms.
    let text = one(
        &["0s", "1m", "2m"],
        "init = { dist = \"constant\", ms = 500 }\nsetup_in_handler_ms = 300\nconnections = 2",
        "platform = { max_connections = 1 }",
    )
    .replacen("init = { dist = \"constant\", ms = 350 }\n", "", 1);
    let r = check(
        &text,
        &[
            ("0s", 'C', 600, Some(0)),
            ("1m", 'W', 100, Some(0)),
            ("2m", 'W', 100, Some(0)),
        ],
    );
    let mut s = r.summary();
    let alive = micros("12m 100ms") as f64 / micros("1h") as f64;
    assert_eq!(s.totals.connections.peak, 2);
    assert_eq!(s.totals.connections.mean, 2.0 * alive);
    // Two connections against a limit of one: over the limit the whole time it is alive.
    assert_eq!(s.totals.connections.over_limit_s, Some(720.1));
    // The what-if: init 200 ms, exec 400 ms: latencies 600, 400, 400 ms; connections held
    // only while busy (0.6 + 0.4 + 0.4 s of the hour).
    let what_if = r.scenario.setup_in_handler().expect("a function sets it");
    let mut sim = Simulation::new(&what_if);
    let mut log = Vec::new();
    sim.run(&mut log);
    let lat: Vec<u64> = log.iter().map(|i| i.latency().as_micros()).collect();
    assert_eq!(lat, vec![600_000, 400_000, 400_000]);
    s.set_setup_what_if(&r.scenario, &Summary::new(&what_if, what_if.seed, &sim));
    let w = &s.setup_in_handler.as_ref().expect("what-if")[0];
    assert_eq!(w.setup_ms, 300.0);
    assert_eq!(w.at_init.latency_mean_ms, Some(800.0 / 3.0));
    assert_eq!(w.in_handler.latency_mean_ms, Some(1400.0 / 3.0));
    assert_eq!(w.in_handler.connections_mean, 1.4 / 3600.0);
    // 1 ms rounding, 128 MB: at init 600 + 100 + 100 ms, in the handler 600 + 400 + 400 ms.
    let gb_s = |ms: f64| ms / 1000.0 * 128.0 / 1024.0;
    assert!((w.in_handler.cost_usd - w.at_init.cost_usd - gb_s(600.0) * 1.66667e-5).abs() < 1e-15);
}
