//! The fixed and hybrid keep-alive policies checked against an independent implementation: a plain event loop over each function's arrivals, written from the README's rules and sharing no code with the engine, must call every start of a small region (36 functions, a day) cold or warm exactly as coldsim does.
//!
//! The region mixes what exercises each rule: half-hourly timers (the histogram's pre-warm),
//! six-hourly jobs (the forecast), Poisson traffic, bursts that scale out (containers idling
//! beside busy ones), irregular gaps (the fallback) and always-busy functions (idle times of
//! zero). Arrivals fall on whole milliseconds, every handler time is a whole number of them
//! and 250 µs, fixed per function, and the init 800.5 ms: no container finishes at an
//! arrival's instant or at another's. The oracle refuses a region in which two events whose
//! order matters share an instant, since their order would then be a convention.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::splitmix::SplitMix;
use coldsim::analysis::run::run_observed;
use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::invocation::{Invocation, Start};

const MS: u64 = 1_000;
const MIN: u64 = 60_000_000;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;
const INIT: u64 = 800 * MS + 500;

/// The region's draws: the tests' own generator.
struct Mix(SplitMix);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    /// A whole number of ms in [lo, hi] ms, as µs.
    fn ms(&mut self, lo: u64, hi: u64) -> u64 {
        (lo + self.next() % (hi - lo + 1)) * MS
    }

    /// An exponential gap of mean `mean_ms`, whole ms, at least 1 ms, as µs.
    fn exp_ms(&mut self, mean_ms: f64) -> u64 {
        let u = ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        ((-u.ln() * mean_ms) as u64).max(1) * MS
    }
}

/// One traced invocation: arrival and handler time [µs].
#[derive(Clone, Copy)]
struct Call {
    at: u64,
    exec: u64,
}

/// The region: 36 functions' arrivals over a day, each list sorted.
fn region() -> Vec<Vec<Call>> {
    let mut r = Mix(SplitMix(2026));
    (0..36u64)
        .map(|k| {
            let mut calls = Vec::new();
            let mut push = |at: u64, exec_ms: u64| {
                if at < DAY {
                    calls.push(Call {
                        at,
                        exec: exec_ms * MS + 250,
                    });
                }
            };
            match k % 6 {
                // A half-hourly timer, a few seconds late or early.
                0 => {
                    let start = r.ms(2_000, 1_800_000);
                    for i in 0..48 {
                        push(start + i * 30 * MIN + r.ms(0, 4_000) - 2 * MS, 150);
                    }
                }
                // A job every six hours or so, give or take 45 minutes.
                1 => {
                    let start = r.ms(0, 7_200_000);
                    let every = 6 * HOUR + (k / 6) * 7 * MIN;
                    for i in 0..5 {
                        push(start + i * every + r.ms(0, 5_400_000), 300);
                    }
                }
                // Poisson traffic, a request every 20 s on average.
                2 => {
                    let mut t = r.ms(0, 60_000);
                    let exec = r.ms(100, 300) / MS;
                    while t < DAY {
                        push(t, exec);
                        t += r.exp_ms(20_000.0);
                    }
                }
                // Bursts of one to six requests 7 ms apart, every ten minutes or so.
                3 => {
                    let mut t = r.ms(0, 600_000);
                    while t < DAY {
                        for j in 0..1 + r.next() % 6 {
                            push(t + j * 7 * MS, 120);
                        }
                        t += r.ms(570_000, 630_000);
                    }
                }
                // Irregular gaps of one minute to three hours.
                4 => {
                    let mut t = r.ms(0, 600_000);
                    while t < DAY {
                        push(t, 200);
                        t += r.ms(60_000, 10_800_000);
                    }
                }
                // Always busy for two hours: a 400 ms request every 150 ms on average.
                _ if k < 18 => {
                    let mut t = r.ms(0, 10_000);
                    while t < 2 * HOUR {
                        push(t, 400);
                        t += r.exp_ms(150.0);
                    }
                }
                // Always busy for six hours: a 5-minute job every 2 minutes on average, so
                // that the gaps between arrivals are not idle times of zero themselves.
                _ => {
                    let mut t = r.ms(0, 10_000);
                    while t < 6 * HOUR {
                        push(t, 300_000);
                        t += r.exp_ms(120_000.0);
                    }
                }
            }
            calls.sort_by_key(|c| c.at);
            calls
        })
        .collect()
}

/// The policy the oracle applies.
#[derive(Clone, Copy)]
enum Policy {
    /// Keep every idle container this long [µs].
    Fixed(u64),
    /// The hybrid histogram policy with its default knobs.
    Hybrid,
}

/// The hybrid policy's state for one function, as the README states its rules.
struct Histogram {
    bins: Vec<u64>,
    in_range: u64,
    beyond: u64,
    forecast: Option<f64>,
    idle_since: Option<u64>,
}

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            bins: vec![0; 240],
            in_range: 0,
            beyond: 0,
            forecast: None,
            idle_since: None,
        }
    }

    fn record(&mut self, it: u64) {
        let x = it as f64;
        self.forecast = Some(self.forecast.map_or(x, |f| 0.5 * x + 0.5 * f));
        if it < 240 * MIN {
            self.bins[(it / MIN) as usize] += 1;
            self.in_range += 1;
        } else {
            self.beyond += 1;
        }
    }

    /// An arrival: an idle time of zero while the function is busy, else the time since it
    /// went idle (or since its last arrival, if that one found it idle too).
    fn arrival(&mut self, at: u64, busy: bool) {
        if busy {
            self.record(0);
        } else if let Some(since) = self.idle_since.replace(at) {
            self.record(at - since);
        }
    }

    /// The smallest bin whose running count reaches `pct` % of the in-range idle times.
    fn bin_of(&self, pct: f64) -> u64 {
        let target = ((pct / 100.0) * self.in_range as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.bins.iter().enumerate() {
            seen += c;
            if seen >= target {
                return i as u64;
            }
        }
        240
    }

    /// (pre-warm wait, end of the window) [µs] after an execution; no wait keeps the container.
    fn decide(&self) -> (u64, u64) {
        let n = self.in_range + self.beyond;
        if n >= 2 && self.beyond as f64 > 0.5 * n as f64 {
            let f = self
                .forecast
                .unwrap_or_else(|| unreachable!("two idle times known"));
            let wait = (f * (1.0 - 0.15)) as u64;
            return (wait, ((f * (1.0 + 0.15)) as u64).max(wait + MIN));
        }
        // The bin counts' standard deviation over their mean, at least 2: in integers,
        // 240 Σc² − S² ≥ 4 S².
        let s = u128::from(self.in_range);
        let sum_sq: u128 = self
            .bins
            .iter()
            .map(|&c| u128::from(c) * u128::from(c))
            .sum();
        if n < 10 || 240 * sum_sq - s * s < 4 * s * s {
            return (0, 240 * MIN);
        }
        let head = (self.bin_of(5.0) * MIN) as f64;
        let tail = ((self.bin_of(99.0) + 1) * MIN) as f64;
        let wait = (head * (1.0 - 0.1)) as u64;
        (wait, ((tail * (1.0 + 0.1)) as u64).max(wait + 1))
    }
}

/// A container: busy until an instant, idle since one (with its deadline), or gone.
#[derive(Clone, Copy, PartialEq)]
enum Container {
    Busy { until: u64 },
    Idle { order: u64, deadline: u64 },
    Gone,
}

/// Whether each arrival of one function starts cold, by a plain event loop.
fn oracle(calls: &[Call], policy: Policy) -> Vec<bool> {
    let mut boxes: Vec<Container> = Vec::new();
    let mut h = Histogram::new();
    // A pending pre-warm: (due, keep).
    let mut prewarm: Option<(u64, u64)> = None;
    let mut idle_order = 0u64;
    let mut cold = Vec::with_capacity(calls.len());
    // Runs every finish, expiry and pre-warm strictly before `t`, in time order.
    let mut advance = |t: u64,
                       boxes: &mut Vec<Container>,
                       h: &mut Histogram,
                       prewarm: &mut Option<(u64, u64)>| {
        loop {
            // The earliest event; an expiry first when others share its instant (whichever
            // goes first, the outcome is the same). Two finishes, or a pre-warm and another
            // event, at one instant would need a convention: the region must have none.
            let at_of = |b: &Container| match *b {
                Container::Busy { until } => Some(until),
                Container::Idle { deadline, .. } => Some(deadline),
                Container::Gone => None,
            };
            let due = prewarm.map(|(d, _)| d);
            let Some(first) = boxes.iter().filter_map(at_of).chain(due).min() else {
                return;
            };
            assert_ne!(first, t, "an event at an arrival's instant {t} µs");
            if first > t {
                return;
            }
            let finishes = boxes
                .iter()
                .filter(|b| matches!(b, Container::Busy { until } if *until == first))
                .count();
            assert!(
                finishes + usize::from(due == Some(first)) <= 1,
                "two events at {first} µs whose order matters: pick another region seed"
            );
            let expiry = boxes
                .iter()
                .position(|b| matches!(b, Container::Idle { deadline, .. } if *deadline == first));
            let next = expiry
                .or_else(|| boxes.iter().position(|b| at_of(b) == Some(first)))
                .map(|i| (first, i));
            if due == Some(first) {
                let (d, keep) = prewarm.take().unwrap_or_else(|| unreachable!());
                idle_order += 1;
                boxes.push(Container::Idle {
                    order: idle_order,
                    deadline: d + keep,
                });
                continue;
            }
            let (at, i) = next.unwrap_or_else(|| unreachable!());
            match boxes[i] {
                Container::Idle { .. } => boxes[i] = Container::Gone,
                Container::Busy { .. } => {
                    let busy = boxes
                        .iter()
                        .filter(|b| matches!(b, Container::Busy { .. }))
                        .count()
                        - 1;
                    let keep = match policy {
                        Policy::Fixed(window) => Some(window),
                        Policy::Hybrid => {
                            if busy == 0 {
                                h.idle_since = Some(at);
                            }
                            let (wait, end) = h.decide();
                            if busy == 0 && wait > 0 {
                                *prewarm = Some((at + wait, end - wait));
                                None
                            } else {
                                Some(end)
                            }
                        }
                    };
                    boxes[i] = match keep {
                        Some(k) => {
                            idle_order += 1;
                            Container::Idle {
                                order: idle_order,
                                deadline: at + k,
                            }
                        }
                        None => Container::Gone,
                    };
                }
                Container::Gone => unreachable!(),
            }
        }
    };
    for c in calls {
        advance(c.at, &mut boxes, &mut h, &mut prewarm);
        let busy = boxes.iter().any(|b| matches!(b, Container::Busy { .. }));
        if let Policy::Hybrid = policy {
            h.arrival(c.at, busy);
        }
        // An arrival cancels a pending pre-warm.
        prewarm = None;
        // The most recently idled container takes it, else a new one starts.
        let warm = boxes
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Container::Idle { order, .. } => Some((*order, i)),
                _ => None,
            })
            .max();
        match warm {
            Some((_, i)) => {
                boxes[i] = Container::Busy {
                    until: c.at + c.exec,
                };
                cold.push(false);
            }
            None => {
                boxes.push(Container::Busy {
                    until: c.at + INIT + c.exec,
                });
                cold.push(true);
            }
        }
        boxes.retain(|b| *b != Container::Gone);
    }
    cold
}

/// coldsim's run of the region under `keep_alive`: each function's starts, cold or not.
fn coldsim(dir: &Path, keep_alive: &str) -> BTreeMap<String, Vec<bool>> {
    let toml = format!(
        r#"
duration = "1d"
[platform]
account_concurrency = 100000
[defaults]
init = {{ dist = "constant", ms = 800.5 }}
exec = {{ dist = "constant", ms = 100 }}
keep_alive = {keep_alive}
[workload]
trace = {{ path = "region.csv", format = "invocations", time_unit = "ms" }}
"#
    );
    let scenario = Scenario::from_toml(&toml, &dir.join("region.toml"))
        .unwrap_or_else(|e| panic!("the region scenario is invalid: {e}"));
    let mut log = Vec::<Invocation>::new();
    let sim = run_observed(&scenario, scenario.seed, None, |_| {}, &mut log)
        .unwrap_or_else(|e| panic!("the region's run failed: {e}"))
        .sim;
    let names: Vec<String> = Summary::new(&scenario, scenario.seed, &sim)
        .functions
        .into_iter()
        .map(|f| f.name)
        .collect();
    let mut starts = BTreeMap::<String, Vec<bool>>::new();
    for i in &log {
        assert_ne!(i.start, Start::Throttled, "nothing binds in the region");
        starts
            .entry(names[i.function.0 as usize].clone())
            .or_default()
            .push(i.start == Start::Cold);
    }
    starts
}

#[test]
fn fixed_and_hybrid_call_every_start_of_a_region_as_an_independent_loop_does() {
    let region = region();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut rows: Vec<(u64, usize, u64)> = region
        .iter()
        .enumerate()
        .flat_map(|(k, calls)| calls.iter().map(move |c| (c.at, k, c.exec)))
        .collect();
    rows.sort_unstable();
    let mut csv = String::from("timestamp,function,duration_ms\n");
    for (at, k, exec) in &rows {
        let _ = writeln!(csv, "{},f{k:02},{}", at / MS, *exec as f64 / 1000.0);
    }
    std::fs::write(dir.path().join("region.csv"), csv).unwrap_or_else(|e| panic!("{e}"));
    for (line, policy) in [
        (
            r#"{ policy = "fixed", idle = "10m" }"#,
            Policy::Fixed(10 * MIN),
        ),
        (r#"{ policy = "hybrid" }"#, Policy::Hybrid),
    ] {
        let ours = coldsim(dir.path(), line);
        let (mut cold, mut rare_warm) = (0, 0);
        for (k, calls) in region.iter().enumerate() {
            let name = format!("f{k:02}");
            let expected = oracle(calls, policy);
            let got = ours.get(&name).cloned().unwrap_or_default();
            assert_eq!(got.len(), expected.len(), "{line}: {name}'s arrivals");
            if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
                panic!(
                    "{line}: {name}'s arrival {i} at {} µs: coldsim says cold = {}, the oracle {}",
                    calls[i].at, got[i], expected[i]
                );
            }
            cold += expected.iter().filter(|&&c| c).count();
            if k % 6 == 1 {
                rare_warm += expected.iter().filter(|&&c| !c).count();
            }
        }
        // Six-hourly jobs are warm only when the forecast pre-warms them, within the day.
        assert_eq!(
            rare_warm > 0,
            matches!(policy, Policy::Hybrid),
            "{line}: {rare_warm}"
        );
        // The region is not trivial: some starts are cold, most are warm.
        assert!(
            cold > 36 && cold < rows.len() / 4,
            "{line}: {cold} cold of {}",
            rows.len()
        );
    }
}
