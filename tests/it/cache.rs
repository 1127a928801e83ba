//! Containers' in-memory caches: hits and misses by hand, the preload, the exact LRU's steady hit ratio against King's exact formula, Che's approximation against its own formula and against the exact LRU.
//!
//! Intervals are 99.9 %: a binomial z interval where draws are independent (Che's model
//! draws each hit alone), a Student-t interval over 20 seeds where they are not (an LRU's
//! hits depend on its recent history).

use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::model::function::Popularity;
use coldsim::model::scenario::Scenario;
use coldsim::sim::cache::{characteristic_time, che_hit};
use coldsim::sim::engine::Simulation;
use coldsim::sim::invocation::{Invocation, Start};
use coldsim::sim::popularity::probabilities;

const Z_999: f64 = 3.290_527;
const T_999_DF19: f64 = 3.883_406;

fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml, Path::new("cache.toml"))
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}\n{toml}"))
}

fn run(s: &Scenario, seed: u64) -> (Summary, Vec<Invocation>) {
    let mut sim = Simulation::with_options(s, seed, None);
    let mut seen: Vec<Invocation> = Vec::new();
    sim.run(&mut seen);
    (Summary::new(s, seed, &sim), seen)
}

/// One container kept for ever, a request every second for `duration` (the first `warmup`
/// not counted), init 300 ms, handler 10 ms, and the given cache.
fn steady(duration: &str, warmup: &str, cache: &str) -> Scenario {
    scenario(&steady_text(duration, warmup, cache))
}

/// The text of [`steady`].
fn steady_text(duration: &str, warmup: &str, cache: &str) -> String {
    format!(
        r#"
name = "cache"
duration = "{duration}"
warmup = "{warmup}"
[[function]]
name = "f"
arrival = {{ process = "periodic", every = "1s" }}
init = {{ dist = "constant", ms = 300 }}
exec = {{ dist = "constant", ms = 10 }}
keep_alive = {{ policy = "fixed", idle = "3650d" }}
cache = {cache}
"#
    )
}

#[test]
fn one_key_misses_once_then_hits_and_a_preload_moves_the_miss_into_init() {
    let s = steady(
        "3s",
        "0s",
        "{ keys = 1, capacity = 1, hit_ms = 1, miss_ms = 40 }",
    );
    let (summary, seen) = run(&s, 1);
    let got: Vec<(Start, u64, u64)> = seen
        .iter()
        .map(|i| (i.start, i.init.as_micros(), i.exec.as_micros()))
        .collect();
    // 0 s: cold, init 300 ms, handler 10 ms + a 40 ms miss. 1 s, 2 s: 10 ms + a 1 ms hit.
    assert_eq!(
        got,
        [
            (Start::Cold, 300_000, 50_000),
            (Start::Warm, 0, 11_000),
            (Start::Warm, 0, 11_000)
        ]
    );
    assert_eq!(summary.functions[0].cache_hit_ratio, Some(2.0 / 3.0));
    let s = steady(
        "3s",
        "0s",
        "{ keys = 1, capacity = 1, hit_ms = 1, miss_ms = 40, warm_on_init = 1 }",
    );
    let (summary, seen) = run(&s, 1);
    assert_eq!(
        (seen[0].init.as_micros(), seen[0].exec.as_micros()),
        (340_000, 11_000)
    );
    assert_eq!(summary.functions[0].cache_hit_ratio, Some(1.0));
}

/// The mean of 20 replications and the half-width of its 99.9 % Student-t interval.
fn t_interval(xs: &[f64]) -> (f64, f64) {
    assert_eq!(xs.len(), 20, "T_999_DF19 is for 20 replications");
    let mean = xs.iter().sum::<f64>() / 20.0;
    let var = xs.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / 19.0;
    (mean, T_999_DF19 * (var / 20.0).sqrt())
}

/// King's exact stationary hit ratio of an LRU cache of `c` entries under independent
/// requests of probabilities `p`: each ordered list of `c` keys (most recent first) has
/// probability Π_k p_(i_k) / (1 − Σ_(j<k) p_(i_j)), and hits with the sum of its keys' p.
fn king(p: &[f64], c: usize) -> f64 {
    fn walk(p: &[f64], c: usize, used: &mut Vec<usize>, prob: f64, out: &mut f64) {
        if used.len() == c {
            *out += prob * used.iter().map(|&i| p[i]).sum::<f64>();
            return;
        }
        let taken: f64 = used.iter().map(|&i| p[i]).sum();
        for i in 0..p.len() {
            if !used.contains(&i) {
                used.push(i);
                walk(p, c, used, prob * p[i] / (1.0 - taken), out);
                used.pop();
            }
        }
    }
    let mut h = 0.0;
    walk(p, c, &mut Vec::new(), 1.0, &mut h);
    h
}

#[test]
fn the_exact_lru_hits_as_kings_formula_says() {
    // Six keys by Zipf(1), two entries. 20 seeds of 5,000 counted requests each (after 100
    // that fill the cache): the mean hit ratio lies in its t interval around King's value.
    let p = probabilities(6, Popularity::Zipf(1.0));
    let exact = king(&p, 2);
    let s = steady(
        "5100s",
        "100s",
        "{ keys = 6, capacity = 2, hit_ms = 0, miss_ms = 0 }",
    );
    let ratios: Vec<f64> = (1..=20)
        .map(|seed| run(&s, seed).0.functions[0].cache_hit_ratio.expect("asked"))
        .collect();
    let (mean, half) = t_interval(&ratios);
    assert!(
        (mean - exact).abs() <= half,
        "hit ratio {mean}, King's {exact}, half-width {half}"
    );
}

#[test]
fn ches_model_draws_its_own_formula_and_stays_near_the_exact_lru() {
    // 1,000 keys by Zipf(0.8), 100 entries. Che's model, 20,000 counted requests past the
    // characteristic time: independent draws of probability h, so a binomial interval.
    let p = probabilities(1000, Popularity::Zipf(0.8));
    let t_c = characteristic_time(&p, 100).expect("does not fit");
    let h = che_hit(&p, Some(t_c), t_c);
    let warm = t_c.ceil() as u64 + 1;
    let n = 20_000u64;
    let cache = |model: &str| {
        format!(
            "{{ keys = 1000, popularity = {{ zipf = 0.8 }}, capacity = 100, hit_ms = 0, miss_ms = 0, model = \"{model}\" }}"
        )
    };
    let s = steady(
        &format!("{}s", warm + n),
        &format!("{warm}s"),
        &cache("che"),
    );
    let got = run(&s, 3).0.functions[0].cache_hit_ratio.expect("asked");
    let tol = Z_999 * (h * (1.0 - h) / n as f64).sqrt();
    assert!(
        (got - h).abs() <= tol,
        "Che's model {got}, formula {h}, tolerance {tol}"
    );
    // The exact LRU on the same popularity, 20 seeds of 20,000 requests: Che's value lies
    // within the t interval of their mean plus 0.01, the approximation's error this test
    // accepts (it measured 0.002 here when written).
    let s = steady(
        &format!("{}s", warm + n),
        &format!("{warm}s"),
        &cache("exact"),
    );
    let ratios: Vec<f64> = (1..=20)
        .map(|seed| run(&s, seed).0.functions[0].cache_hit_ratio.expect("asked"))
        .collect();
    let (mean, half) = t_interval(&ratios);
    assert!(
        (mean - h).abs() <= half + 0.01,
        "exact LRU {mean} (half-width {half}), Che {h}"
    );
    eprintln!("Che {h:.5}, exact LRU {mean:.5} ± {half:.5}");
}

#[test]
fn a_cache_that_cannot_hold_is_refused_with_its_key() {
    for (cache, needle) in [
        (
            "{ keys = 0, capacity = 1, hit_ms = 1, miss_ms = 2 }",
            "cache.keys",
        ),
        (
            "{ keys = 5, capacity = 0, hit_ms = 1, miss_ms = 2 }",
            "cache.capacity",
        ),
        (
            "{ keys = 5, capacity = 2000000, hit_ms = 1, miss_ms = 2 }",
            "model = \"che\"",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = -1, miss_ms = 2 }",
            "cache.hit_ms",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 1, hit = { dist = \"constant\", ms = 1 }, miss_ms = 2 }",
            ".cache: give hit_ms (a time) or hit (a distribution), not both",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 1 }",
            ".cache: needs miss_ms = MS or miss = { dist = ... }",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 1, miss = { dist = \"uniform\", min_ms = 3, max_ms = 2 } }",
            ".cache.miss: ",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 900001, miss_ms = 2 }",
            "cache.hit_ms: must be 0 to 900000 ms",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 1, miss_ms = 2, warm_on_init = 3 }",
            "cache.warm_on_init",
        ),
        (
            "{ keys = 5, capacity = 2, hit_ms = 1, miss_ms = 2, warm_on_init = 1, model = \"che\" }",
            "starts from an empty cache",
        ),
    ] {
        let text = format!(
            "name = \"c\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\narrival = {{ process = \"poisson\", rate_per_s = 1 }}\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 0 }}\ncache = {cache}\n"
        );
        let e = Scenario::from_toml(&text, Path::new("bad.toml"))
            .expect_err(cache)
            .to_string();
        assert!(e.contains(needle), "{cache}: {e}");
    }
}

#[test]
fn provisioned_containers_have_caches_too() {
    // A provisioned container takes every request: its cache starts empty, so the first
    // request of its one key misses and the rest hit.
    let text = steady_text(
        "3s",
        "0s",
        "{ keys = 1, capacity = 1, hit_ms = 1, miss_ms = 40 }",
    )
    .replace("cache = {", "provisioned_concurrency = 1\ncache = {");
    let (summary, seen) = run(&scenario(&text), 1);
    assert!(seen.iter().all(|i| i.start == Start::Warm));
    assert_eq!(summary.functions[0].cache_hit_ratio, Some(2.0 / 3.0));
}

#[test]
fn the_time_series_counts_hits_and_misses_in_each_bucket() {
    // One key: the first request (0 s) misses, the others hit; buckets of 2 s over 5 s.
    let s = steady(
        "5s",
        "0s",
        "{ keys = 1, capacity = 1, hit_ms = 1, miss_ms = 40 }",
    );
    let mut sim = Simulation::with_options(&s, 1, Some(coldsim::time::SimDuration::from_secs(2)));
    sim.run(&mut Vec::<Invocation>::new());
    let csv = String::from_utf8(coldsim::output::summary::series_csv(
        sim.series(),
        sim.end().as_micros(),
    ))
    .expect("utf-8");
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (h, m, r) = (
        col("cache_hits"),
        col("cache_misses"),
        col("cache_hit_ratio"),
    );
    let got: Vec<(&str, &str, &str)> = rows[1..].iter().map(|x| (x[h], x[m], x[r])).collect();
    // 0–2 s: 0 s misses, 1 s hits; 2–4 s: two hits; 4–5 s: one hit.
    assert_eq!(
        got,
        [
            ("1", "1", "0.500000"),
            ("2", "0", "1.000000"),
            ("1", "0", "1.000000")
        ]
    );
    // A function without a cache leaves the ratio empty.
    let text = steady_text(
        "2s",
        "0s",
        "{ keys = 1, capacity = 1, hit_ms = 1, miss_ms = 40 }",
    )
    .replace("cache = {", "# cache = {");
    let s = scenario(&text);
    let mut sim = Simulation::with_options(&s, 1, None);
    sim.run(&mut Vec::<Invocation>::new());
    let csv = String::from_utf8(coldsim::output::summary::series_csv(
        sim.series(),
        sim.end().as_micros(),
    ))
    .expect("utf-8");
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",0,0,")), "{csv}");
}

#[test]
fn drawn_hit_times_average_their_distributions_mean_and_a_drawn_preload_sums_its_misses() {
    // One key always held: every request but the first adds a hit of 1 or 3 ms, equally
    // likely, to a 10 ms handler. Over n hits the mean added time is 2 ms with standard
    // deviation 1/√n ms.
    let s = steady(
        "20000s",
        "0s",
        "{ keys = 1, capacity = 1, hit = { dist = \"empirical\", samples_ms = [1, 3] }, miss_ms = 40 }",
    );
    let (summary, seen) = run(&s, 7);
    let hits: Vec<u64> = seen[1..]
        .iter()
        .map(|i| i.exec.as_micros() - 10_000)
        .collect();
    assert!(
        hits.iter().all(|&h| h == 1_000 || h == 3_000),
        "only 1 or 3 ms"
    );
    let n = hits.len() as f64;
    let mean_ms = hits.iter().sum::<u64>() as f64 / n / 1000.0;
    assert!(
        (mean_ms - 2.0).abs() <= Z_999 / n.sqrt(),
        "mean hit {mean_ms} ms over {n}"
    );
    assert_eq!(seen[0].exec.as_micros(), 50_000, "the miss stays constant");
    assert!((summary.functions[0].cache_hit_ratio.expect("cache") - (n / (n + 1.0))).abs() < 1e-12);
    // A preload of two keys with misses of 10 or 30 ms: init 300 ms plus 20, 40 or 60 ms,
    // with chances 1/4, 1/2, 1/4 (a fresh container per request: keep-alive 0).
    let text = steady_text(
        "4000s",
        "0s",
        "{ keys = 2, capacity = 2, hit_ms = 1, miss = { dist = \"empirical\", samples_ms = [10, 30] }, warm_on_init = 2 }",
    )
    .replace("idle = \"3650d\"", "idle = \"0s\"");
    let (_, seen) = run(&scenario(&text), 3);
    assert!(seen.iter().all(|i| i.start == Start::Cold));
    let mut counts = [0u32; 3];
    for i in &seen {
        match i.init.as_micros() {
            320_000 => counts[0] += 1,
            340_000 => counts[1] += 1,
            360_000 => counts[2] += 1,
            other => panic!("init {other} µs"),
        }
    }
    let n = seen.len() as f64;
    for (k, p) in [(0, 0.25), (1, 0.5), (2, 0.25)] {
        let share = f64::from(counts[k]) / n;
        assert!(
            (share - p).abs() <= Z_999 * (p * (1.0 - p) / n).sqrt(),
            "{counts:?} of {n}"
        );
    }
}

#[test]
fn the_largest_cache_and_the_most_tenants_allowed_are_taken_and_one_more_is_refused() {
    let with = |extra: &str| {
        let text = format!(
            "name = \"c\"\nduration = \"1h\"\n[[function]]\nname = \"f\"\narrival = {{ process = \"poisson\", rate_per_s = 1 }}\ninit = {{ dist = \"constant\", ms = 0 }}\nexec = {{ dist = \"constant\", ms = 0 }}\n{extra}\n"
        );
        Scenario::from_toml(&text, Path::new("edge.toml")).map_err(|e| e.to_string())
    };
    for ok in [
        "cache = { keys = 10000000, capacity = 1, hit_ms = 1, miss_ms = 2 }",
        "cache = { keys = 5, capacity = 1000000, hit_ms = 1, miss_ms = 2 }",
        "tenants = { count = 100000 }",
        "tenants = { count = 5, popularity = { zipf = 10 } }",
    ] {
        assert!(with(ok).is_ok(), "{ok}: {:?}", with(ok).err());
    }
    for (bad, needle) in [
        (
            "cache = { keys = 10000001, capacity = 1, hit_ms = 1, miss_ms = 2 }",
            "cache.keys",
        ),
        (
            "cache = { keys = 5, capacity = 1000001, hit_ms = 1, miss_ms = 2 }",
            "model = \"che\"",
        ),
        ("tenants = { count = 100001 }", "tenants.count"),
        (
            "tenants = { count = 5, popularity = { zipf = 0 } }",
            "tenants.popularity",
        ),
        (
            "cache = { keys = 5, capacity = 1, hit_ms = 1, miss_ms = 2, popularity = { zipf = 10.5 } }",
            "cache.popularity",
        ),
    ] {
        let e = with(bad).expect_err(bad);
        assert!(e.contains(needle), "{bad}: {e}");
    }
}

#[test]
fn constant_cache_times_take_no_stream_of_their_own() {
    // Two functions with caches: the second's key draws come from the streams after the
    // first's. Constant hit and miss times take two (keys, and the model's draws), random
    // ones a third, so the second's draws move only when the first's times become random.
    let run_with = |cache: &str| {
        let text = format!(
            "{}[[function]]\nname = \"g\"\narrival = {{ process = \"poisson\", rate_per_s = 5 }}\ninit = {{ dist = \"constant\", ms = 300 }}\nexec = {{ dist = \"exponential\", mean_ms = 50 }}\ncache = {{ keys = 50, capacity = 5, hit_ms = 1, miss_ms = 40 }}\n",
            steady_text("60s", "0s", cache)
        );
        let (summary, _) = run(&scenario(&text), 7);
        summary.functions[1].cache_hit_ratio
    };
    let constant = run_with("{ keys = 4, capacity = 2, hit_ms = 1, miss_ms = 40 }");
    let also_constant = run_with("{ keys = 4, capacity = 2, hit_ms = 2, miss_ms = 30 }");
    let random = run_with(
        r#"{ keys = 4, capacity = 2, hit_ms = 1, miss = { dist = "uniform", min_ms = 30, max_ms = 50 } }"#,
    );
    assert_eq!(constant, also_constant);
    assert_ne!(constant, random);
}
