//! Statistical validation against closed forms: Little's law, the cold-start probability of sparse traffic, keep-alive `none`, Erlang-B throttling, determinism and arrival rates.
//!
//! Every tolerance is derived, in a comment next to it, from a 99.9 % confidence interval:
//! either an analytic variance (normal quantile z = 3.2905, or a distribution-free Markov
//! bound where the distribution is skewed) or 20 independent replications with different
//! seeds and a Student-t interval (t = 3.8834 for 19 degrees of freedom). Seeds are fixed, so
//! each test is deterministic; a failure means the estimate left an interval it should stay in
//! 999 times out of 1000.

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::scenario::Scenario;
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Observer, Start};

/// z_{0.9995}: two-sided 99.9 % quantile of the standard normal.
const Z_999: f64 = 3.290_527;
/// t_{0.9995, 19}: two-sided 99.9 % quantile of Student's t with 19 degrees of freedom, for
/// [`REPLICATIONS`] = 20 replications.
const T_999_DF19: f64 = 3.883_406;
/// Independent replications (seeds 1..=20) of the replication-based tests.
const REPLICATIONS: u64 = 20;
/// Probability outside the interval: 0.1 %.
const ALPHA: f64 = 0.001;

/// Parses a test scenario. The closed forms below know no scaling-rate limit (at most 1000
/// new containers per function every 10 s, on by default), so it is lifted here, as
/// `scale_environments = 0` does in a file.
fn scenario(toml: &str) -> Scenario {
    let mut s = Scenario::from_toml(toml, Path::new("closed_form.toml"))
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}\n{toml}"));
    s.platform.scaling = None;
    s
}

fn run_with<O: Observer>(s: &Scenario, seed: u64, observer: &mut O) -> (Simulation, Summary) {
    let mut sim = Simulation::with_options(s, seed, None);
    sim.run(observer);
    let summary = Summary::new(s, seed, &sim);
    (sim, summary)
}

fn run(s: &Scenario, seed: u64) -> Summary {
    run_with(s, seed, &mut ()).1
}

/// Statistics window [s].
fn window_s(s: &Scenario) -> f64 {
    (s.duration.expect("synthetic scenario").as_micros() - s.warmup.as_micros()) as f64 / 1e6
}

/// The mean of replications and the half-width of its two-sided 99.9 % Student-t interval:
/// t_{0.9995, n-1} * s / sqrt(n), with s the sample standard deviation.
fn t_interval(xs: &[f64]) -> (f64, f64) {
    assert_eq!(
        xs.len() as u64,
        REPLICATIONS,
        "T_999_DF19 is for 20 replications"
    );
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T_999_DF19 * var.sqrt() / n.sqrt())
}

/// Erlang's loss formula B(c, a) by its stable recursion B(0) = 1,
/// B(k) = a B(k-1) / (k + a B(k-1)).
fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Raw moments E[S], E[S^2], E[S^3] [s^k] of S = c + X, X exponential with mean m [s].
fn shifted_exp_moments(c: f64, m: f64) -> [f64; 3] {
    [
        c + m,
        c * c + 2.0 * c * m + 2.0 * m * m,
        c.powi(3) + 3.0 * c * c * m + 6.0 * c * m * m + 6.0 * m.powi(3),
    ]
}

/// Integrates, exactly and in integer microseconds, the busy time of served invocations inside
/// the statistics window.
struct BusyInWindow {
    warmup: u64,
    end: u64,
    area_us: u128,
}

impl BusyInWindow {
    fn new(s: &Scenario) -> BusyInWindow {
        BusyInWindow {
            warmup: s.warmup.as_micros(),
            end: s.duration.expect("synthetic scenario").as_micros(),
            area_us: 0,
        }
    }
}

impl Observer for BusyInWindow {
    fn invocation(&mut self, inv: &Invocation) {
        if inv.start == Start::Throttled {
            return;
        }
        let from = inv.arrived.as_micros();
        let to = from.saturating_add(inv.latency().as_micros()).min(self.end);
        self.area_us += u128::from(to.saturating_sub(from.max(self.warmup)));
    }
}

struct LittleCase {
    what: &'static str,
    toml: String,
    /// Poisson arrival rate [1/s].
    lambda: f64,
    /// Moments of S+ = init + exec [s^k], an upper bound of every latency (equal to it when
    /// every start is cold or init is 0), i.i.d. over arrivals.
    bound_moments: [f64; 3],
    /// E[latency] [s] when it is known in closed form.
    mean_latency: Option<f64>,
}

fn little_toml(lambda: f64, window_s: u64, init_ms: u64, keep_alive: &str) -> String {
    format!(
        r#"
name = "little"
duration = "{}s"
warmup = "10s"
[[function]]
name = "f"
arrival = {{ process = "poisson", rate_per_s = {lambda:?} }}
exec = {{ dist = "exponential", mean_ms = 50 }}
init = {{ dist = "constant", ms = {init_ms} }}
keep_alive = {keep_alive}
"#,
        window_s + 10
    )
}

/// Check 1: Little's law for busy containers: every served arrival holds a busy container for
/// exactly its latency and nothing queues, so mean_busy = lambda_served * E[latency].
#[test]
fn littles_law_for_busy_containers() {
    let cases = [
        LittleCase {
            what: "init 0, exponential exec, fixed keep-alive",
            toml: little_toml(200.0, 10_000, 0, r#"{ policy = "fixed", idle = "10m" }"#),
            lambda: 200.0,
            bound_moments: shifted_exp_moments(0.0, 0.05),
            mean_latency: Some(0.05),
        },
        LittleCase {
            what: "init 200 ms, keep-alive none: every start cold",
            toml: little_toml(200.0, 2_000, 200, r#"{ policy = "none" }"#),
            lambda: 200.0,
            bound_moments: shifted_exp_moments(0.2, 0.05),
            mean_latency: Some(0.25),
        },
        LittleCase {
            what: "init 300 ms, 100 ms keep-alive: cold and warm starts mixed",
            toml: little_toml(100.0, 2_000, 300, r#"{ policy = "fixed", idle = "100ms" }"#),
            lambda: 100.0,
            bound_moments: shifted_exp_moments(0.3, 0.05),
            mean_latency: None,
        },
    ];
    for (i, case) in cases.iter().enumerate() {
        let s = scenario(&case.toml);
        let w = window_s(&s);
        let mut busy = BusyInWindow::new(&s);
        let (sim, summary) = run_with(&s, 11 + i as u64, &mut busy);
        let t = &summary.totals;
        let mean_busy = t.containers.mean_busy;
        let served = t.cold_starts + t.warm_starts;
        assert_eq!(t.throttled, 0, "{}", case.what);
        assert_eq!(served, t.invocations, "{}", case.what);
        let latency_s = t.latency_ms.mean.expect("served invocations") / 1e3;

        // Exact: the busy integral is the sum of the parts of the served invocations'
        // [arrival, arrival + latency) that fall inside [warmup, duration).
        assert_eq!(
            sim.total_levels().busy_area,
            busy.area_us,
            "{}: busy integral",
            case.what
        );

        // The run's own figures. served/W * mean latency sums the latencies of arrivals in the
        // window; mean_busy differs from it by (A_pre - A_post) / W, where A_pre is the busy
        // time inside the window of invocations that arrived before it and A_post the busy
        // time after the window of those that arrived in it. Each A is at most the area A+ of
        // the M/G/inf straddlers of a boundary with service S+ = init + exec (latency <= S+,
        // S+ i.i.d. over Poisson arrivals): their number is Poisson(lambda E[S+]) and each
        // residual R has E[R^2] = E[S+^3] / (3 E[S+]), so E[A+] = lambda E[S+^2] / 2,
        // Var[A+] = lambda E[S+^3] / 3. Markov on squares, P(A >= x) <= E[A+^2] / x^2 for
        // each of the two, gives P(|A_pre - A_post| >= x) <= 0.1 % at
        // x = sqrt(2 E[A+^2] / 0.001). The 1e-9 covers floating-point rounding of the two
        // divisions.
        let [m1, m2, m3] = case.bound_moments;
        let second = case.lambda * m3 / 3.0 + (case.lambda * m2 / 2.0).powi(2);
        let edge_tol = (2.0 * second / ALPHA).sqrt() / w + 1e-9;
        let own = served as f64 / w * latency_s;
        assert!(
            (mean_busy - own).abs() <= edge_tol,
            "{}: mean_busy {mean_busy} vs served/W x latency {own} (tolerance {edge_tol})",
            case.what
        );

        if let Some(el) = case.mean_latency {
            // Analytic: with every latency i.i.d. as S (init 0, or every start cold), the busy
            // count is an M/G/inf queue in equilibrium after the warm-up (P(S > 10 s) is nil).
            // Cov(N(0), N(t)) = lambda E[(S - t)+], whose integral over t >= 0 is
            // lambda E[S^2] / 2, so Var[mean_busy over W] <= 2/W * lambda E[S^2]/2
            // = lambda E[S^2] / W. Nothing is throttled (asserted above), so lambda_served =
            // lambda. Normal 99.9 %: z sqrt(lambda E[S^2] / W), plus the rounding of each
            // time to the microsecond (|bias of E[S]| <= 0.5 us, times lambda).
            assert!((m1 - el).abs() < 1e-12);
            let expected = case.lambda * el;
            let tol = Z_999 * (case.lambda * m2 / w).sqrt() + case.lambda * 0.5e-6;
            assert!(
                (mean_busy - expected).abs() <= tol,
                "{}: mean_busy {mean_busy} vs lambda E[S] = {expected} (tolerance {tol})",
                case.what
            );
            println!(
                "{}: mean_busy {mean_busy:.5}, analytic {expected:.5} +- {tol:.5}, own {own:.5} +- {edge_tol:.5}",
                case.what
            );
        } else {
            let ratio = t.cold_start_ratio.expect("invocations");
            assert!(
                (0.05..0.95).contains(&ratio),
                "{}: cold and warm starts should both be common, cold ratio {ratio}",
                case.what
            );
            println!(
                "{}: mean_busy {mean_busy:.5}, own {own:.5} +- {edge_tol:.5}, cold ratio {ratio:.4}",
                case.what
            );
        }
    }
}

/// Check 2: Cold-start probability of a sparse Poisson function with a fixed keep-alive T and a
/// constant exec d (init 0, MRU routing).
///
/// Let G be the gap before an arrival. If G >= d + T every container's window has closed
/// (each last started at or before the previous arrival): cold. If d <= G < d + T the
/// previous arrival's container is idle and in its window: warm. If G < d that container is
/// still busy: cold, unless another container is idle. Hence, gaps being i.i.d. Exp(lambda),
/// P(cold) = F - P(E), F = exp(-lambda (T + d)) + (1 - exp(-lambda d)),
/// E = {G < d and another container idle}.
///
/// Bound on P(E). Call an arrival an overlap when it finds a container busy, i.e. its own gap
/// is below d. If container C is idle at arrival n, with last start u < t_(n-1), the arrival
/// that took the other container at t_(n-1) either found C busy (an overlap in (u, u + d)),
/// or chose, by MRU, a container that went idle after C, hence started after u; following
/// that container's earlier starts back, one of them lies in (u, u + d) while C is busy
/// (it cannot be a cold start while C is idle). So some overlap arrival k <= n - 1 has
/// t_n - t_k < d + T (C is still in its window: t_n < u + d + T). Union bound over k = n - j:
/// j = 1 gives p^2 with p = 1 - exp(-lambda d); j >= 2 gives
/// p^2 P(Poisson(lambda (d + T)) >= j - 1); the sum is
/// P(E) <= B = p^2 (1 + lambda (T + d)), which is O((lambda d)^2).
/// So F - B <= P(cold) <= F.
#[test]
fn sparse_cold_start_probability() {
    let (lambda, d, keep) = (1.0_f64, 0.05_f64, 1.0_f64);
    let s = scenario(
        r#"
name = "sparse"
duration = "200100s"
warmup = "100s"
[platform]
routing = "mru"
[[function]]
name = "f"
arrival = { process = "poisson", rate_per_s = 1.0 }
exec = { dist = "constant", ms = 50 }
init = { dist = "constant", ms = 0 }
keep_alive = { policy = "fixed", idle = "1s" }
"#,
    );
    let ratios: Vec<f64> = (1..=REPLICATIONS)
        .map(|seed| {
            let t = run(&s, seed).totals;
            assert!(t.invocations > 190_000);
            t.cold_starts as f64 / t.invocations as f64
        })
        .collect();
    // Replications: 20 seeds, Student t with 19 df, 99.9 % two-sided. The cold indicators
    // within a run are dependent (through shared gaps), which replications account for.
    let (mean, h) = t_interval(&ratios);
    let p = 1.0 - (-lambda * d).exp();
    let f = (-lambda * (keep + d)).exp() + p;
    let b = p * p * (1.0 + lambda * (keep + d));
    // Microsecond rounding of gaps and ties at the boundaries d and d + T (an arrival at the
    // same instant as a finish is handled first) move each boundary's probability by at most
    // the gap density times 1 us: 4 lambda 1e-6 <= 1e-5.
    let delta = 1e-5;
    let inside = |expected: f64| (expected - b - h - delta..=expected + h + delta).contains(&mean);
    println!(
        "sparse: cold ratio {mean:.5} +- {h:.5}; F = {f:.5}, second-order bound {b:.5}, exp(-lambda(T+d)) = {:.5}, exp(-lambda T) = {:.5}",
        (-lambda * (keep + d)).exp(),
        (-lambda * keep).exp()
    );
    assert!(
        inside(f),
        "cold ratio {mean} +- {h} outside [F - B, F] = [{}, {f}]",
        f - b
    );
    // Without the service-time correction the same test fails.
    for naive in [(-lambda * (keep + d)).exp(), (-lambda * keep).exp()] {
        assert!(
            !inside(naive),
            "the test cannot tell F = {f} from the uncorrected {naive}"
        );
    }
}

/// Check 3: Keep-alive `none`: every container is reclaimed the instant it goes idle, so every
/// start is cold and no container is ever idle. Exact, whatever the traffic.
#[test]
fn keep_alive_none_is_all_cold_and_never_idle() {
    let s = scenario(
        r#"
name = "none"
duration = "2000s"
warmup = "100s"
[defaults]
keep_alive = { policy = "none" }
init = { dist = "lognormal", mean_ms = 300, stddev_ms = 200 }
[[function]]
name = "poisson"
arrival = { process = "poisson", rate_per_s = 50 }
exec = { dist = "exponential", mean_ms = 80 }
[[function]]
name = "bursty"
arrival = { process = "bursty", on_rate_per_s = 200, off_rate_per_s = 1, mean_on = "5s", mean_off = "20s" }
exec = { dist = "uniform", min_ms = 0, max_ms = 100 }
init = { dist = "constant", ms = 0 }
[[function]]
name = "periodic"
arrival = { process = "periodic", every = "100ms" }
exec = { dist = "empirical", samples_ms = [0, 10, 400] }
"#,
    );
    for seed in [1, 2] {
        let (sim, summary) = run_with(&s, seed, &mut ());
        let all = std::iter::once(("totals", &summary.totals)).chain(
            summary
                .functions
                .iter()
                .map(|f| (f.name.as_str(), &f.figures)),
        );
        for (name, g) in all {
            assert!(g.invocations > 10_000, "{name}");
            assert_eq!(g.throttled, 0, "{name}");
            assert_eq!(g.cold_starts, g.invocations, "{name}");
            assert_eq!(g.warm_starts, 0, "{name}");
            assert_eq!(g.cold_start_ratio, Some(1.0), "{name}");
            assert_eq!(
                g.containers.mean_idle.to_bits(),
                0.0_f64.to_bits(),
                "{name}"
            );
            assert_eq!(g.gb_s.idle.to_bits(), 0.0_f64.to_bits(), "{name}");
            assert!(g.containers.mean_busy > 0.0, "{name}");
        }
        let levels = sim.total_levels();
        assert_eq!(levels.alive_area, levels.busy_area);
    }
}

/// Check 4: Throttling against Erlang-B: containers never expire, init 0, one function, account
/// concurrency c. The busy count is an M/G/c/c loss system; by PASTA the throttled fraction
/// is B(c, A) with A = lambda E[S], whatever the distribution of S (insensitivity), and the
/// carried load is mean_busy = A (1 - B).
#[test]
fn throttling_matches_erlang_b() {
    let (c, lambda, mean_s) = (20_u32, 300.0_f64, 0.05_f64);
    let a = lambda * mean_s;
    let blocking = erlang_b(c, a);
    for exec in [
        r#"{ dist = "exponential", mean_ms = 50 }"#,
        r#"{ dist = "lognormal", mean_ms = 50, stddev_ms = 100 }"#,
    ] {
        let s = scenario(&format!(
            r#"
name = "erlang"
duration = "1020s"
warmup = "20s"
[platform]
account_concurrency = {c}
[[function]]
name = "f"
arrival = {{ process = "poisson", rate_per_s = {lambda:?} }}
exec = {exec}
init = {{ dist = "constant", ms = 0 }}
keep_alive = {{ policy = "fixed", idle = "3650d" }}
"#
        ));
        let (fractions, busy): (Vec<f64>, Vec<f64>) = (1..=REPLICATIONS)
            .map(|seed| {
                let t = run(&s, seed).totals;
                assert!(t.containers.peak <= c);
                (
                    t.throttled as f64 / t.invocations as f64,
                    t.containers.mean_busy,
                )
            })
            .unzip();
        // Replications: 20 seeds, Student t with 19 df, 99.9 % two-sided. Rounding each
        // service time to the microsecond moves A by at most lambda 0.5 us = 1.5e-4, which
        // moves B by at most |dB/dA| 1.5e-4 < 1.5e-4 (here dB/dA = B (c/A - 1 + B) < 1).
        let (mean, h) = t_interval(&fractions);
        let tol = h + 1.5e-4;
        println!(
            "erlang {exec}: throttled {mean:.5} +- {tol:.5}, Erlang-B({c}, {a}) = {blocking:.5}"
        );
        assert!(
            (mean - blocking).abs() <= tol,
            "{exec}: throttled fraction {mean} vs Erlang-B {blocking} (tolerance {tol})"
        );
        let carried = a * (1.0 - blocking);
        let (mean, h) = t_interval(&busy);
        let tol = h + lambda * 0.5e-6;
        println!("erlang {exec}: mean_busy {mean:.5} +- {tol:.5}, A (1 - B) = {carried:.5}");
        assert!(
            (mean - carried).abs() <= tol,
            "{exec}: mean_busy {mean} vs carried load {carried} (tolerance {tol})"
        );
    }
}

/// Check 5: Determinism: a scenario and a seed fix every output byte; another seed changes them.
#[test]
fn same_seed_same_bytes() {
    let s = scenario(
        r#"
name = "determinism"
duration = "2h"
warmup = "5m"
[platform]
account_concurrency = 40
routing = "random"
max_lifetime = "40m"
[defaults]
init = { dist = "lognormal", mean_ms = 400, stddev_ms = 150 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 90 }
[[function]]
name = "api"
memory_mb = 1024
arch = "arm64"
arrival = { process = "diurnal", mean_rate_per_s = 30, peak_to_trough = 4, period = "1h", peak_at = "20m" }
keep_alive = { policy = "uniform", min = "5m", max = "15m" }
cold_exec = { dist = "uniform", min_ms = 100, max_ms = 900 }
[[function]]
name = "spiky"
arrival = { process = "bursty", on_rate_per_s = 300, off_rate_per_s = 2, mean_on = "20s", mean_off = "3m" }
exec = { dist = "empirical", samples_ms = [20, 35, 80, 400] }
reserved_concurrency = 15
[[function]]
name = "cron"
arrival = { process = "periodic", every = "7m", jitter = "30s" }
keep_alive = { policy = "none" }
"#,
    );
    let outputs = |seed: u64| {
        let (sim, summary) = run_with(&s, seed, &mut ());
        (
            summary.to_json(),
            summary.functions_csv(),
            coldsim::output::summary::series_csv(sim.series(), sim.end().as_micros()),
        )
    };
    let first = outputs(42);
    assert_eq!(first, outputs(42), "same scenario and seed");
    let other = outputs(43);
    assert_ne!(first.0, other.0, "summary.json of another seed");
    assert_ne!(first.1, other.1, "functions.csv of another seed");
    assert_ne!(first.2, other.2, "timeseries.csv of another seed");
    // The scenario exercises what it is meant to: throttling, cold and warm starts.
    let summary = run(&s, 42);
    assert!(summary.totals.throttled > 0 && summary.totals.warm_starts > 0);
}

/// Counts counted arrivals whose phase within `period` lies in `[from, to)` [us].
struct PhaseCount {
    warmup: u64,
    period: u64,
    from: u64,
    to: u64,
    count: u64,
}

impl Observer for PhaseCount {
    fn invocation(&mut self, inv: &Invocation) {
        let t = inv.arrived.as_micros();
        let phase = t % self.period;
        if t >= self.warmup && (self.from..self.to).contains(&phase) {
            self.count += 1;
        }
    }
}

fn rate_toml(arrival: &str, duration: &str, warmup: &str) -> String {
    format!(
        r#"
name = "rates"
duration = "{duration}"
warmup = "{warmup}"
[[function]]
name = "f"
arrival = {arrival}
exec = {{ dist = "constant", ms = 1 }}
init = {{ dist = "constant", ms = 0 }}
"#
    )
}

/// Check 6: Arrival rates: counts over the statistics window against their means.
#[test]
fn arrival_rates() {
    // Poisson: N ~ Poisson(lambda W), variance lambda W; normal 99.9 %: z sqrt(lambda W).
    let s = scenario(&rate_toml(
        r#"{ process = "poisson", rate_per_s = 100 }"#,
        "10100s",
        "100s",
    ));
    let n = run(&s, 5).totals.invocations as f64;
    let expected = 100.0 * window_s(&s);
    let tol = Z_999 * expected.sqrt();
    println!("poisson: {n} arrivals, expected {expected} +- {tol:.0}");
    assert!((n - expected).abs() <= tol, "poisson: {n} vs {expected}");

    // Diurnal: a Poisson process of rate m (1 + a cos(2 pi (t - peak) / P)), with
    // a = (4 - 1) / (4 + 1) = 0.6. Over k whole periods the count is Poisson with mean m k P;
    // over the half-periods centred on the peaks, [peak - P/4, peak + P/4), it is Poisson
    // with mean k m (P/2 + a P / pi). Normal 99.9 %: z sqrt(mean) each.
    let s = scenario(&rate_toml(
        r#"{ process = "diurnal", mean_rate_per_s = 50, peak_to_trough = 4, period = "1h", peak_at = "30m" }"#,
        "11h",
        "1h",
    ));
    let (m, a, period, periods) = (50.0_f64, 0.6_f64, 3_600.0_f64, 10.0_f64);
    let mut peak_half = PhaseCount {
        warmup: s.warmup.as_micros(),
        period: 3_600_000_000,
        from: 900_000_000,
        to: 2_700_000_000,
        count: 0,
    };
    let (_, summary) = run_with(&s, 6, &mut peak_half);
    let n = summary.totals.invocations as f64;
    let expected = m * period * periods;
    let tol = Z_999 * expected.sqrt();
    println!("diurnal: {n} arrivals, expected {expected} +- {tol:.0}");
    assert!((n - expected).abs() <= tol, "diurnal: {n} vs {expected}");
    let n = peak_half.count as f64;
    let expected = periods * m * (period / 2.0 + a * period / std::f64::consts::PI);
    let tol = Z_999 * expected.sqrt();
    println!("diurnal peak half-periods: {n} arrivals, expected {expected:.0} +- {tol:.0}");
    assert!(
        (n - expected).abs() <= tol,
        "diurnal peaks: {n} vs {expected}"
    );

    // Bursty: on/off Markov-modulated Poisson started in its stationary state, mean rate
    // (100 * 10 + 0 * 40) / (10 + 40) = 20/s. The count's variance (inflated by the
    // modulation) comes from 20 replications: Student t, 19 df, 99.9 % two-sided.
    let s = scenario(&rate_toml(
        r#"{ process = "bursty", on_rate_per_s = 100, off_rate_per_s = 0, mean_on = "10s", mean_off = "40s" }"#,
        "80000s",
        "0s",
    ));
    let rates: Vec<f64> = (1..=REPLICATIONS)
        .map(|seed| run(&s, seed).totals.invocations as f64 / window_s(&s))
        .collect();
    let (mean, h) = t_interval(&rates);
    println!("bursty: rate {mean:.4} +- {h:.4}, expected 20");
    assert!((mean - 20.0).abs() <= h, "bursty: rate {mean} +- {h} vs 20");
}

/// M/G/1 processor sharing: one container that never expires and takes every request at once
/// (concurrency 1000; at ρ = 0.7, P(N ≥ 1000) = ρ^1000 is nil), one vCPU and a handler that
/// only computes, so the requests in flight share one CPU equally. The mean sojourn time is
/// E[S] / (1 − ρ) whatever the distribution of S (insensitivity): 100 ms / 0.3 = 333.3 ms for
/// exponential and for constant handler times alike. First come first served would give the
/// same for exponential times but 100 + ρ E[S] / (2 (1 − ρ)) = 216.7 ms for constant ones
/// (M/D/1), so the constant case tells sharing from a queue. The replication means are
/// independent; a one-minute warm-up covers the empty start (relaxation time about
/// E[S] / (1 − √ρ)² ≈ 4 s), and the few requests in flight at the end (served as if nothing
/// more arrived) move a mean of about 25,000 by well under the interval.
#[test]
fn one_shared_cpu_is_m_g_1_processor_sharing() {
    let (lambda, mean_ms) = (7.0, 100.0);
    let rho: f64 = lambda * mean_ms / 1000.0;
    let expected = mean_ms / (1.0 - rho);
    for exec in [
        format!("{{ dist = \"exponential\", mean_ms = {mean_ms} }}"),
        format!("{{ dist = \"constant\", ms = {mean_ms} }}"),
    ] {
        let s = scenario(&format!(
            "name = \"ps\"\nduration = \"1h\"\nwarmup = \"1m\"\n[[function]]\nname = \"f\"\n\
             arrival = {{ process = \"poisson\", rate_per_s = {lambda} }}\n\
             init = {{ dist = \"constant\", ms = 0 }}\nexec = {exec}\n\
             keep_alive = {{ policy = \"fixed\", idle = \"2h\" }}\n\
             container_concurrency = 1000\nvcpus = 1\ncpu_fraction = 1\n"
        ));
        let means: Vec<f64> = (1..=REPLICATIONS)
            .map(|seed| {
                let mut sim = Simulation::with_options(&s, seed, None);
                sim.run(&mut ());
                assert_eq!(sim.containers_created(), 1, "{exec}");
                sim.latency().mean_ms().expect("requests")
            })
            .collect();
        let (mean, h) = t_interval(&means);
        assert!(
            (mean - expected).abs() <= h,
            "{exec}: mean sojourn {mean:.2} ms, expected {expected:.2} ± {h:.2}"
        );
    }
}
