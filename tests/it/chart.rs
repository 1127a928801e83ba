//! Charts and report pages: every PNG decodes and is not blank, every SVG parses, each page holds every chart and its table, axis titles name the unit their ticks are written in, legends count what the cards count, nothing hides behind another mark, the same input gives the same bytes, and (with `COLDSIM_BROWSER_TESTS=1`) chromium renders the page.
//!
//! Each test writes what it checked under `output/ci/<test>/` (charts, `report.html`), kept
//! by CI as artifacts, so a person can look at them.

use std::path::{Path, PathBuf};
use std::process::Command;

use coldsim::analysis::compare::{Comparison, Row};
use coldsim::analysis::invoice::Invoice;
use coldsim::analysis::summary::Summary;
use coldsim::analysis::sweep::{Point, Run, Set, SweepResult, run_sweep};
use coldsim::input::trace::{TraceReader, TraceSource};
use coldsim::model::scenario::Scenario;
use coldsim::model::what_if::Policy;
use coldsim::output::chart::palette::{self, Colour};
use coldsim::output::chart::{
    Chart, HEIGHT, Limits, WIDTH, compare_charts, cost_charts, frontier, platform_charts,
    policy_style, run_charts, sweep_charts,
};
use coldsim::output::page::{compare_page, cost_page, platforms_page, run_page, sweep_page};
use coldsim::rng::Streams;
use coldsim::sim::engine::Simulation;

const RUN_CHARTS: [&str; 6] = [
    "concurrency",
    "latency-cdf",
    "latency-histogram",
    "cold-starts",
    "cold-start-ratio",
    "cost",
];
const COST_CHARTS: [&str; 4] = ["cost", "cost-30-day", "cold-starts", "cold-start-ratio"];
const COMPARE_CHARTS: [&str; 2] = ["frontier", "policy-cost"];
const SWEEP_CHARTS: [&str; 4] = [
    "sweep-cold-start-ratio",
    "sweep-p99",
    "sweep-cost",
    "sweep-idle-gb-s",
];

/// A burst of traffic against a small account limit: cold starts, throttles and a warm-up.
const SPIKE: &str = r#"
name = "spike"
seed = 11
duration = "1h"
warmup = "5m"

[platform]
account_concurrency = 60

[[function]]
name = "checkout-api"
memory_mb = 1024
arrival = { process = "bursty", on_rate_per_s = 400, off_rate_per_s = 20, mean_on = "60s", mean_off = "10m" }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 350 }
keep_alive = { policy = "fixed", idle = "5m" }

[[function]]
name = "payment-webhook"
memory_mb = 512
arrival = { process = "poisson", rate_per_s = 2 }
exec = { dist = "lognormal", mean_ms = 300, stddev_ms = 200 }
init = { dist = "constant", ms = 600 }
reserved_concurrency = 10
provisioned_concurrency = 1
"#;

/// A function kept warm by provisioned concurrency: no cold start at all.
const NO_COLD: &str = r#"
name = "always-warm"
duration = "10m"

[[function]]
name = "warm-only"
provisioned_concurrency = 3
arrival = { process = "periodic", every = "30s" }
exec = { dist = "constant", ms = 100 }
init = { dist = "constant", ms = 350 }
"#;

fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("output/ci")
        .join(test);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("{}: cannot create: {e}", dir.display()));
    dir
}

fn simulate(toml: &str) -> (Scenario, Simulation) {
    let scenario = Scenario::from_toml(toml, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("the test scenario is invalid: {e}"));
    let mut sim = Simulation::new(&scenario);
    sim.run(&mut ());
    (scenario, sim)
}

/// Twenty-five functions of rates spanning decades, so that bar charts are capped.
fn many_functions() -> String {
    let mut toml = String::from("name = \"many\"\nseed = 3\nduration = \"30m\"\n");
    for i in 0..25 {
        let rate = 0.02 * 1.4f64.powi(i);
        toml.push_str(&format!(
            "\n[[function]]\nname = \"function-{i:02}-with-a-rather-long-name\"\nmemory_mb = {}\narrival = {{ process = \"poisson\", rate_per_s = {rate} }}\nexec = {{ dist = \"exponential\", mean_ms = 80 }}\ninit = {{ dist = \"uniform\", min_ms = 200, max_ms = 900 }}\nkeep_alive = {{ policy = \"fixed\", idle = \"{}s\" }}\n",
            128 << (i % 4),
            30 + 10 * (i % 5),
        ));
    }
    toml
}

fn run_report(toml: &str) -> (Summary, Vec<Chart>, String) {
    let (scenario, sim) = simulate(toml);
    let summary = Summary::new(&scenario, scenario.seed, &sim);
    let charts = run_charts(&summary, &sim, &Limits::of(&scenario))
        .unwrap_or_else(|e| panic!("charts of {}: {e}", scenario.name));
    let page = run_page(&summary, &charts);
    (summary, charts, page)
}

/// The Azure Functions 2021 sample (31 functions) priced as `coldsim cost` does.
fn invoice() -> Invoice {
    let toml = r#"
name = "azure-sample"
[workload]
trace = { path = "fixtures/azure-functions-2021-sample.csv", format = "azure2021" }
[defaults]
memory_mb = 256
init = { dist = "constant", ms = 400 }
keep_alive = { policy = "fixed", idle = "10m" }
"#;
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts.toml");
    let scenario = Scenario::from_toml(toml, &file)
        .unwrap_or_else(|e| panic!("the test scenario is invalid: {e}"));
    let spec = scenario
        .trace
        .as_ref()
        .unwrap_or_else(|| panic!("the test scenario has a trace"));
    let reader = TraceReader::open(&spec.path, &spec.options, Streams::trace_stream(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let (source, handle) = TraceSource::new(reader);
    let mut sim = Simulation::with_source(&scenario, 0, None, Some(Box::new(source)));
    sim.run(&mut ());
    assert!(handle.error().is_none(), "the sample trace reads");
    Invoice::new(&scenario, &sim, "azure-functions-2021-sample.csv")
}

/// The sample trace priced on Lambda, Flex and Cloud Run, as `coldsim cost --platform` does.
fn platform_bills() -> coldsim::analysis::platforms::PlatformBills {
    use coldsim::model::scenario::PlatformTarget;
    let toml = r#"
name = "azure-sample"
[workload]
trace = { path = "fixtures/azure-functions-2021-sample.csv", format = "azure2021" }
[defaults]
init = { dist = "constant", ms = 400 }
"#;
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts.toml");
    let scenario = Scenario::from_toml(toml, &file).unwrap_or_else(|e| panic!("{e}"));
    let targets: Vec<PlatformTarget> = ["aws-lambda", "azure-flex-consumption", "google-cloud-run"]
        .iter()
        .map(|k| PlatformTarget::parse(k).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    coldsim::analysis::platforms::price_on_platforms(
        &scenario,
        0,
        "azure-functions-2021-sample.csv",
        None,
        (&targets, &[]),
        false,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Writes the charts and the page under `output/ci/<test>/`; returns the page's path.
fn keep(test: &str, charts: &[Chart], page: &str) -> PathBuf {
    let dir = out_dir(test);
    for c in charts {
        for (ext, bytes) in [("svg", c.svg.as_bytes()), ("png", c.png.as_slice())] {
            let path = dir.join(format!("{}.{ext}", c.name));
            std::fs::write(&path, bytes)
                .unwrap_or_else(|e| panic!("{}: cannot write: {e}", path.display()));
        }
    }
    let path = dir.join("report.html");
    std::fs::write(&path, page).unwrap_or_else(|e| panic!("{}: cannot write: {e}", path.display()));
    path
}

/// Decodes a PNG into (width, height, RGB bytes).
fn decode(png_bytes: &[u8], what: &str) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap_or_else(|e| panic!("{what}: not a PNG: {e}"));
    let size = reader
        .output_buffer_size()
        .unwrap_or_else(|| panic!("{what}: no buffer size"));
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{what}: cannot decode: {e}"));
    buf.truncate(info.buffer_size());
    let rgb: Vec<u8> = match info.color_type {
        png::ColorType::Rgb => buf,
        png::ColorType::Rgba => buf
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        other => panic!("{what}: unexpected colour type {other:?}"),
    };
    (info.width, info.height, rgb)
}

/// Fails unless the image has several colours and at least `min_share` of its pixels differ
/// from the background (its most common colour).
fn assert_not_blank(rgb: &[u8], what: &str, min_share: f64) {
    let mut counts = std::collections::BTreeMap::<[u8; 3], u64>::new();
    for p in rgb.chunks_exact(3) {
        *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
    }
    let total = (rgb.len() / 3) as f64;
    let background = counts.values().copied().max().unwrap_or(0) as f64;
    let share = 1.0 - background / total;
    assert!(counts.len() > 8, "{what}: only {} colours", counts.len());
    assert!(
        share >= min_share,
        "{what}: only {:.2} % of the pixels are drawn",
        share * 100.0
    );
}

/// Fails unless the PNG decodes at its size and is not blank, and the SVG parses with its
/// title and labels. A chart with data has at least 2 % of its pixels drawn; an empty one
/// (axes, title and a note) at least 0.5 %.
fn check_chart(c: &Chart, what: &str) {
    let what = format!("{what}/{}", c.name);
    let (w, h, rgb) = decode(&c.png, &what);
    assert_eq!((w, h), (WIDTH, HEIGHT), "{what}: PNG size");
    assert!((640..=2000).contains(&w) && (360..=1200).contains(&h));
    let empty = ["no cold starts", "no function", "no invocation"]
        .iter()
        .any(|note| c.svg.contains(note));
    assert_not_blank(&rgb, &what, if empty { 0.005 } else { 0.02 });
    let doc = roxmltree::Document::parse(&c.svg)
        .unwrap_or_else(|e| panic!("{what}: the SVG does not parse: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{what}");
    assert_eq!(root.attribute("viewBox"), Some("0 0 960 540"), "{what}");
    let texts: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    assert!(texts.contains(&c.title), "{what}: the SVG shows its title");
    assert!(texts.len() > 5, "{what}: axis labels and ticks are written");
    assert!(!c.title.is_empty(), "{what}: a title");
}

/// The texts of an SVG, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG: {e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn names(charts: &[Chart]) -> Vec<&str> {
    charts.iter().map(|c| c.name).collect()
}

fn check_page(page: &str, charts: &[Chart], rows: &[&str], what: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{what}");
    assert!(page.contains("@media print"), "{what}: print style");
    for c in charts {
        assert!(
            page.contains(&format!("<figure id=\"chart-{}\"", c.name)),
            "{what}: holds the {} chart",
            c.name
        );
    }
    assert_eq!(
        page.matches("<svg ").count(),
        charts.len(),
        "{what}: one inline SVG per chart"
    );
    assert!(page.contains("<table>"), "{what}: a table");
    if rows.contains(&"total") {
        assert!(page.contains("<tr class=\"total\">"), "{what}: a total row");
    }
    for r in rows {
        assert!(
            page.contains(&format!("<td>{r}</td>")),
            "{what}: a row for {r}"
        );
    }
    // Self-contained: nothing loaded from anywhere.
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
    ] {
        assert!(!page.contains(banned), "{what}: has {banned}");
    }
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_ns.contains("http://") && !without_ns.contains("https://"),
        "{what}: no address"
    );
}

#[test]
fn run_charts_decode_parse_and_are_not_blank() {
    let (summary, charts, page) = run_report(SPIKE);
    assert_eq!(names(&charts), RUN_CHARTS);
    for c in &charts {
        check_chart(c, "spike");
    }
    let concurrency = &charts[0];
    assert!(
        concurrency.svg.contains("account limit: 60"),
        "the limit is drawn"
    );
    assert!(concurrency.svg.contains("warm-up"));
    assert!(summary.totals.throttled > 0, "the scenario throttles");
    keep("spike", &charts, &page);
}

#[test]
fn run_page_holds_every_chart_and_the_table() {
    let (_, charts, page) = run_report(SPIKE);
    check_page(
        &page,
        &charts,
        &["checkout-api", "payment-webhook", "total"],
        "spike",
    );
    assert!(page.contains("<title>coldsim run: spike</title>"));
}

#[test]
fn many_functions_cap_bar_charts_at_the_20_worst() {
    let (summary, charts, page) = run_report(&many_functions());
    assert_eq!(summary.functions.len(), 25);
    for c in &charts {
        check_chart(c, "many");
    }
    let cold = &charts[3];
    assert!(
        cold.title.contains("(the 20 worst of 25)"),
        "title: {}",
        cold.title
    );
    assert!(charts[5].title.contains("(the 20 most expensive of 25)"));
    // Names too long for the axis are cut in the middle, keeping both ends.
    assert!(cold.svg.contains("function-24-w…er-long-name"));
    keep("many", &charts, &page);
}

#[test]
fn cost_charts_and_page_of_a_trace() {
    let inv = invoice();
    assert!(inv.functions.len() > 20, "the sample has many functions");
    let charts = cost_charts(&inv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&charts), COST_CHARTS);
    for c in &charts {
        check_chart(c, "cost");
    }
    assert!(charts[0].title.contains("most expensive of"));
    let page = cost_page(&inv, &charts);
    let first = inv.functions[0].name.clone();
    check_page(&page, &charts, &[first.as_str(), "total"], "cost");
    keep("cost", &charts, &page);
}

#[test]
fn empty_data_still_draws_a_chart_with_a_note() {
    let (scenario, sim) = simulate(NO_COLD);
    let summary = Summary::new(&scenario, scenario.seed, &sim);
    assert_eq!(summary.totals.cold_starts, 0);
    let charts = run_charts(&summary, &sim, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    for c in &charts {
        check_chart(c, "no-cold");
    }
    assert!(charts[3].svg.contains("no cold starts"));
    keep("no-cold", &charts, &run_page(&summary, &charts));

    // No function at all.
    let mut none = summary.clone();
    none.functions.clear();
    let charts = run_charts(&none, &sim, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&charts), RUN_CHARTS);
    for c in &charts {
        let (w, h, _) = decode(&c.png, c.name);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        roxmltree::Document::parse(&c.svg).unwrap_or_else(|e| panic!("{}: {e}", c.name));
    }
    assert!(charts[4].svg.contains("no function was invoked"));
    let page = run_page(&none, &charts);
    check_page(&page, &charts, &["total"], "no functions");

    let mut inv = invoice();
    inv.functions.clear();
    let charts = cost_charts(&inv).unwrap_or_else(|e| panic!("{e}"));
    assert!(charts[0].svg.contains("no function was billed"));
    check_page(
        &cost_page(&inv, &charts),
        &charts,
        &["total"],
        "empty invoice",
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let (_, a, page_a) = run_report(SPIKE);
    let (_, b, page_b) = run_report(SPIKE);
    for (x, y) in a.iter().zip(&b) {
        assert!(x.svg == y.svg, "{}: SVG differs", x.name);
        assert!(x.png == y.png, "{}: PNG differs", x.name);
    }
    assert!(page_a == page_b, "report.html differs");
    let inv = invoice();
    let (x, y) = (
        cost_charts(&inv).unwrap_or_else(|e| panic!("{e}")),
        cost_charts(&inv).unwrap_or_else(|e| panic!("{e}")),
    );
    assert!(
        cost_page(&inv, &x) == cost_page(&inv, &y),
        "cost report differs"
    );
}

/// A comparison row with hand-picked figures.
fn row(policy: &str, cold: Option<f64>, idle: f64, cost: f64, p99: f64) -> Row {
    Row {
        policy: policy.to_string(),
        invocations: 10_000,
        cold_starts: cold.map_or(0, |c| (c * 10_000.0).round() as u64),
        cold_start_ratio: cold,
        p50_ms: Some(p99 / 3.0),
        p99_ms: Some(p99),
        idle_gb_s: idle,
        wasted_memory_vs_fixed_10m: Some(idle / 10.0),
        total_usd: cost,
        platform: "aws-lambda".into(),
        requests_usd: 0.0,
        compute_usd: cost,
        provisioned_usd: 0.0,
        management_usd: 0.0,
        snapstart_usd: 0.0,
        month_total_usd: cost * 30.0,
        peak_containers: 5,
        peak_in_flight: 5,
        p75_function_cold_start_ratio: cold,
        prewarmed: 0,
        warmer_pings: 0,
        throttled: 0,
    }
}

/// A(cold 0.1, idle 10), B(0.05, 20), C(0.2, 30), D(0, 50): the frontier is A, B, D.
fn hand_picked() -> Comparison {
    Comparison {
        scenario: "hand-picked".into(),
        seed: 7,
        policies: vec![
            row("A", Some(0.1), 10.0, 0.90, 400.0),
            row("B", Some(0.05), 20.0, 0.95, 350.0),
            row("C", Some(0.2), 30.0, 1.20, 600.0),
            row("D", Some(0.0), 50.0, 2.10, 300.0),
        ],
    }
}

/// `coldsim compare` on the quickstart scenario, as the command runs it: the baseline first,
/// then every policy on the same traffic and seed.
fn simulated_comparison() -> Comparison {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let seed = scenario.seed;
    let summary = |s: &Scenario| {
        let mut sim = Simulation::new(s);
        sim.run(&mut ());
        Summary::new(s, seed, &sim)
    };
    let base = summary(
        &Policy::baseline()
            .apply(&scenario, &scenario.functions)
            .expect("applies"),
    );
    let policies = [
        "fixed:10m",
        "fixed:1m",
        "none",
        "fixed-once:10m",
        "hybrid",
        "provisioned:2",
        "warmer:5m",
        "fixed:30m",
    ];
    let rows = policies
        .iter()
        .map(|p| {
            let policy = coldsim::input::spec::policy(p).unwrap_or_else(|e| panic!("{e}"));
            let s = summary(
                &policy
                    .apply(&scenario, &scenario.functions)
                    .expect("applies"),
            );
            Row::new(p, "aws-lambda", &s, base.totals.gb_s.idle)
        })
        .collect();
    Comparison {
        scenario: scenario.name.clone(),
        seed,
        policies: rows,
    }
}

#[test]
fn the_frontier_is_the_policies_nothing_beats_on_both() {
    // (cold-start ratio, idle GB·s): A, B, C, D.
    let rows = [(0.1, 10.0), (0.05, 20.0), (0.2, 30.0), (0.0, 50.0)];
    assert_eq!(frontier(&rows), [0, 1, 3], "C is dominated by A and B");
    // In order of increasing idle memory, whatever the order given.
    assert_eq!(frontier(&[(0.0, 50.0), (0.1, 10.0)]), [1, 0]);
    // Equal pairs are both on it; a better one on one count only dominates.
    assert_eq!(frontier(&[(0.1, 10.0), (0.1, 10.0)]), [0, 1]);
    assert_eq!(frontier(&[(0.1, 10.0), (0.1, 9.0)]), [1]);
    assert_eq!(frontier(&[(f64::NAN, 1.0), (0.5, 5.0)]), [1]);
    assert!(frontier(&[]).is_empty());
}

#[test]
fn compare_charts_decode_parse_and_are_not_blank() {
    let c = hand_picked();
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    let page = compare_page(&c, &charts);
    keep("compare-hand", &charts, &page);
    assert_eq!(names(&charts), COMPARE_CHARTS);
    for ch in &charts {
        check_chart(ch, "compare-hand");
    }
    let f = &charts[0];
    assert!(f.svg.contains("on the frontier (3)"), "A, B and D");
    assert!(f.svg.contains("dominated (1)"), "C");
    let texts = svg_texts(&f.svg);
    for p in ["A", "B", "C", "D"] {
        assert!(texts.iter().any(|t| t == p), "the dot of {p} is labelled");
    }
    assert!(charts[1].title.contains("cheapest A at $0.900"));
    check_page(&page, &charts, &["A", "B", "C", "D"], "compare-hand");

    let c = simulated_comparison();
    assert!(c.policies.iter().any(|r| r.cold_start_ratio == Some(1.0)));
    assert!(c.policies.iter().any(|r| r.idle_gb_s == 0.0));
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    keep("compare", &charts, &compare_page(&c, &charts));
    assert_eq!(names(&charts), COMPARE_CHARTS);
    for ch in &charts {
        check_chart(ch, "compare");
    }
    // Cold-start ratios from 0.001 % to 100 %: a log axis.
    assert!(charts[0].svg.contains("log scale"));
}

#[test]
fn a_ratio_of_0_shows_below_an_axis_break_on_a_log_axis() {
    let mut c = hand_picked();
    c.policies[0].cold_start_ratio = Some(0.5);
    c.policies[1].cold_start_ratio = Some(0.0005);
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    keep("compare-zero", &charts, &compare_page(&c, &charts));
    check_chart(&charts[0], "compare-zero");
    let svg = &charts[0].svg;
    assert!(svg.contains("log scale") && svg.contains("axis break"));
    assert!(
        svg_texts(svg).iter().any(|t| t == "0 %"),
        "the row of 0 % is labelled"
    );
    // Without invocations a policy is left out, and the legend says so.
    c.policies[2].cold_start_ratio = None;
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    assert!(charts[0].svg.contains("1 without invocations, not drawn"));
    // No policy at all still draws both charts, with a note.
    c.policies.clear();
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    for ch in &charts {
        let (w, h, _) = decode(&ch.png, ch.name);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        roxmltree::Document::parse(&ch.svg).unwrap_or_else(|e| panic!("{}: {e}", ch.name));
    }
    assert!(charts[0].svg.contains("no policy had invocations"));
    check_page(&compare_page(&c, &charts), &charts, &[], "no policy");
}

#[test]
fn compare_page_holds_every_chart_and_the_table() {
    let c = hand_picked();
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    let page = compare_page(&c, &charts);
    check_page(&page, &charts, &["A", "B", "C", "D"], "compare");
    assert!(page.contains("<title>coldsim compare: hand-picked</title>"));
    assert!(page.contains("seed 7 · 4 policies"));
    // Every column of compare.csv.
    for h in [
        "invocations",
        "cold %",
        "p50 ms",
        "p99 ms",
        "idle GB·s",
        "idle vs fixed:10m",
        "cost USD",
        "p75 function cold %",
        "prewarmed",
        "warmer pings",
        "throttled",
        "on the frontier",
    ] {
        assert!(page.contains(&format!("<th>{h}</th>")), "column {h}");
    }
    // The headline: D has no cold start, A is the cheapest.
    assert!(page.contains(">D</div><div class=\"k\">lowest cold-start ratio: 0 %<"));
    assert!(page.contains(">A</div><div class=\"k\">lowest cost: $0.900<"));
    assert!(page.contains(">A, B, D</div>"), "the frontier");
    // C is the one row not on the frontier.
    assert_eq!(page.matches("<td>yes</td></tr>").count(), 3);
    assert!(page.contains("<td>C</td>"));
    // The same input gives the same bytes.
    let again = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    for (x, y) in charts.iter().zip(&again) {
        assert!(x.svg == y.svg && x.png == y.png, "{} differs", x.name);
    }
    assert!(
        page == compare_page(&c, &again),
        "the compare report differs"
    );
}

/// Loads a page in headless chromium: the screenshot decodes and is not blank, and the DOM
/// chromium built holds every chart.
fn browse(page: &Path, charts: &[Chart], shot: &Path, height: u32) {
    let chromium = Path::new("/usr/bin/chromium");
    assert!(
        chromium.exists(),
        "COLDSIM_BROWSER_TESTS is set but /usr/bin/chromium is missing: install it with \
         `apt-get update && apt-get install -y --no-install-recommends chromium` (as .ci/run does)"
    );
    let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("file://{}", page.display());
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()));
    };
    let mut cmd = Command::new(chromium);
    base(&mut cmd);
    let out = cmd
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size=1280,{height}"))
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("cannot start chromium: {e}"));
    assert!(
        out.status.success(),
        "chromium failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display()));
    let (w, h, rgb) = decode(&bytes, "screenshot");
    assert_eq!((w, h), (1280, height), "screenshot size");
    assert_not_blank(&rgb, "screenshot", 0.05);

    let mut cmd = Command::new(chromium);
    base(&mut cmd);
    let out = cmd
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("cannot start chromium: {e}"));
    assert!(out.status.success(), "chromium --dump-dom failed");
    let dom = String::from_utf8_lossy(&out.stdout);
    for c in charts {
        assert!(
            dom.contains(&format!("id=\"chart-{}\"", c.name)),
            "chromium's DOM lacks the {} chart",
            c.name
        );
    }
    assert_eq!(dom.matches("<svg ").count(), charts.len(), "chromium's DOM");
}

#[test]
fn reports_render_in_headless_chromium() {
    if std::env::var_os("COLDSIM_BROWSER_TESTS").is_none_or(|v| v != "1") {
        eprintln!("skipped: set COLDSIM_BROWSER_TESTS=1 to load the reports in chromium");
        return;
    }
    let (_, charts, page) = run_report(SPIKE);
    let path = keep("browser-run", &charts, &page);
    browse(&path, &charts, &out_dir("").join("report.png"), 4400);

    let inv = invoice();
    let charts = cost_charts(&inv).unwrap_or_else(|e| panic!("{e}"));
    let path = keep("browser-cost", &charts, &cost_page(&inv, &charts));
    browse(&path, &charts, &out_dir("").join("cost-report.png"), 4000);

    let c = simulated_comparison();
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    let path = keep("browser-compare", &charts, &compare_page(&c, &charts));
    browse(
        &path,
        &charts,
        &out_dir("").join("compare-report.png"),
        2000,
    );

    let r = swept(2);
    let charts = sweep_charts(&r).unwrap_or_else(|e| panic!("{e}"));
    let path = keep("browser-sweep", &charts, &sweep_page(&r, &charts));
    browse(&path, &charts, &out_dir("").join("sweep-report.png"), 3600);

    let bills = platform_bills();
    let charts = platform_charts(&bills).unwrap_or_else(|e| panic!("{e}"));
    let path = keep(
        "browser-platforms",
        &charts,
        &platforms_page(&bills, &charts),
    );
    browse(
        &path,
        &charts,
        &out_dir("").join("platforms-report.png"),
        4400,
    );
}

#[test]
fn platforms_page_holds_every_chart_and_the_table() {
    let bills = platform_bills();
    let charts = platform_charts(&bills).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(names, ["platform-cost-latency", "frontier", "policy-cost"]);
    let page = platforms_page(&bills, &charts);
    check_page(
        &page,
        &charts,
        &["aws-lambda", "azure-flex-consumption", "google-cloud-run"],
        "platforms",
    );
    for h in [
        "platform",
        "cost USD",
        "management USD",
        "30-day USD",
        "p99 ms",
        "peak containers",
    ] {
        assert!(page.contains(&format!("<th>{h}</th>")), "column {h}");
    }
    assert!(page.contains("cheapest: "), "the cheapest card");
    // One table per platform, per function.
    assert!(page.contains("id=\"platform-google-cloud-run\""));
}

/// Two functions, ten minutes of Poisson traffic: a few thousand invocations per run.
const SMALL: &str = r#"
name = "small"
seed = 5
duration = "10m"
warmup = "1m"

[platform]
account_concurrency = 1000

[[function]]
name = "api"
memory_mb = 512
arrival = { process = "poisson", rate_per_s = 4.0 }
exec = { dist = "lognormal", mean_ms = 120, stddev_ms = 60 }
init = { dist = "constant", ms = 300 }
keep_alive = { policy = "fixed", idle = "1m" }

[[function]]
name = "cron"
arrival = { process = "periodic", every = "30s", jitter = "5s" }
exec = { dist = "constant", ms = 800 }
init = { dist = "constant", ms = 200 }
"#;

fn sweep_of(sets: &[&str], reps: u32) -> SweepResult {
    let sets: Vec<Set> = sets
        .iter()
        .map(|s| Set::parse(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    run_sweep(
        SMALL,
        Path::new("sweep.toml"),
        &sets,
        reps,
        None,
        None,
        |_, _| {},
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A keep-alive (durations over two decades: a log axis) against three traffic scales.
fn swept(reps: u32) -> SweepResult {
    sweep_of(
        &[
            "function.api.keep_alive.idle=10s,1m,5m,30m",
            "traffic_scale=0.5,1,2",
        ],
        reps,
    )
}

fn sweep_charts_of(r: &SweepResult) -> Vec<Chart> {
    let charts = sweep_charts(r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&charts), SWEEP_CHARTS);
    charts
}

#[test]
fn sweep_charts_decode_parse_and_have_bands_with_replications() {
    let r = swept(2);
    assert_eq!(r.points.len(), 12);
    let charts = sweep_charts_of(&r);
    let page = sweep_page(&r, &charts);
    keep("sweep", &charts, &page);
    for c in &charts {
        check_chart(c, "sweep");
        assert!(c.svg.contains("<polygon"), "{}: bands", c.name);
        assert!(c.svg.contains("95 % confidence interval"), "{}", c.name);
        let texts = svg_texts(&c.svg);
        for series in ["traffic_scale=0.5", "traffic_scale=1", "traffic_scale=2"] {
            assert!(texts.iter().any(|t| t == series), "{}: {series}", c.name);
        }
        // Durations spanning two decades: a log axis labelled with the values as written.
        assert!(c.svg.contains("function.api.keep_alive.idle, log scale"));
        assert!(texts.iter().any(|t| t == "30m"), "{}: x ticks", c.name);
    }
    assert!(
        charts[0]
            .svg
            .contains("cold-start ratio [% of invocations]")
    );
    assert!(charts[1].svg.contains("p99 latency [ms]"));
    assert!(charts[2].svg.contains("cost [USD]"));
    assert!(charts[3].svg.contains("idle memory [GB·s]"));

    // One replication: no band, no interval in the legend.
    let r = swept(1);
    let charts = sweep_charts_of(&r);
    keep("sweep-1", &charts, &sweep_page(&r, &charts));
    for c in &charts {
        check_chart(c, "sweep-1");
        assert!(!c.svg.contains("<polygon"), "{}: no band", c.name);
        assert!(!c.svg.contains("confidence"), "{}", c.name);
    }
}

#[test]
fn sweep_page_holds_every_chart_and_the_table() {
    let r = swept(2);
    let charts = sweep_charts_of(&r);
    let page = sweep_page(&r, &charts);
    check_page(
        &page,
        &charts,
        &["10s", "1m", "5m", "30m", "0.5", "2"],
        "sweep",
    );
    assert!(page.contains("<title>coldsim sweep: small</title>"));
    assert!(page.contains("seed 5 (replication r runs with seed + r) · 2 replications per point"));
    assert!(page.contains(
        "12 grid points: function.api.keep_alive.idle (4 values) × traffic_scale (3 values)"
    ));
    assert_eq!(
        page.matches("<tr><td>").count(),
        r.points.len(),
        "a row per grid point"
    );
    for h in [
        "cold_start_ratio [%]",
        "p99_ms [ms]",
        "cost_usd [USD]",
        "idle_gb_s [GB·s]",
    ] {
        let h = h.replace('_', "_<wbr>");
        assert!(page.contains(&format!("<th>{h}</th>")), "column {h}");
    }
    assert!(page.contains(" ± "), "mean ± ci95");
    // The same input gives the same bytes.
    let again = sweep_charts_of(&swept(2));
    for (x, y) in charts.iter().zip(&again) {
        assert!(x.svg == y.svg && x.png == y.png, "{} differs", x.name);
    }
    assert!(page == sweep_page(&r, &again), "the sweep report differs");
}

#[test]
fn a_sweep_of_one_point_draws_a_dot_and_categories_draw_in_order() {
    let r = sweep_of(&["platform.account_concurrency=1000"], 2);
    let charts = sweep_charts_of(&r);
    keep("sweep-one", &charts, &sweep_page(&r, &charts));
    for c in &charts {
        check_chart(c, "sweep-one");
        assert!(c.svg.contains("<circle"), "{}: a dot", c.name);
    }
    let r = sweep_of(
        &[
            r#"function.api.keep_alive={ policy = "none" },{ policy = "fixed", idle = "5m" }"#,
            "platform.account_concurrency=3,1000",
        ],
        1,
    );
    let charts = sweep_charts_of(&r);
    keep("sweep-categories", &charts, &sweep_page(&r, &charts));
    for c in &charts {
        check_chart(c, "sweep-categories");
        let texts = svg_texts(&c.svg);
        assert!(
            texts.iter().any(|t| t == r#"{ policy = "none" }"#),
            "{}",
            c.name
        );
    }
}

/// A sweep made by hand: `n` values of a numeric key against `series` values of another, two
/// replications; the metrics of point i grow with i, undefined where `gap` says.
fn hand_sweep(n: usize, series: usize, gap: impl Fn(usize) -> bool) -> SweepResult {
    let sets = vec![
        Set {
            key: "platform.account_concurrency".into(),
            values: (0..n).map(|i| (100 * (i + 1)).to_string()).collect(),
        },
        Set {
            key: "function.api.memory_mb".into(),
            values: (0..series).map(|k| (128 << k).to_string()).collect(),
        },
    ];
    let points = (0..n * series)
        .map(|i| {
            let runs = (0..2)
                .map(|rep| {
                    let v = (i + 1) as f64 * (1.0 + 0.1 * rep as f64);
                    let defined = !gap(i);
                    Run {
                        seed: rep as u64,
                        metrics: [
                            Some(1000.0),
                            Some(v / 100.0).filter(|_| defined),
                            Some(v * 10.0).filter(|_| defined),
                            Some(v * 50.0).filter(|_| defined),
                            Some(v),
                            Some(v),
                            Some(v * 3.0),
                            Some(v * 2.0),
                            Some(v * 0.001),
                            Some(0.0),
                        ],
                    }
                })
                .collect();
            Point {
                index: i as u64,
                values: vec![
                    sets[0].values[i / series].clone(),
                    sets[1].values[i % series].clone(),
                ],
                runs,
            }
        })
        .collect();
    SweepResult {
        scenario: "hand".into(),
        seed: 0,
        replications: 2,
        sets,
        grid_points: (n * series) as u64,
        shard: None,
        fingerprint: String::new(),
        points,
    }
}

#[test]
fn sweep_charts_cap_series_at_six_and_leave_gaps() {
    let r = hand_sweep(5, 8, |_| false);
    let charts = sweep_charts_of(&r);
    keep("sweep-many", &charts, &sweep_page(&r, &charts));
    for c in &charts {
        check_chart(c, "sweep-many");
        assert!(
            c.title.contains("(the first 6 of 8 series)"),
            "title: {}",
            c.title
        );
        let texts = svg_texts(&c.svg);
        assert!(texts.iter().any(|t| t == "function.api.memory_mb=4096"));
        assert!(!texts.iter().any(|t| t == "function.api.memory_mb=8192"));
    }
    // Point 4 (x = 300, series 0) served nothing: its line stops there, the others do not.
    let whole = sweep_charts_of(&hand_sweep(5, 2, |_| false));
    let r = hand_sweep(5, 2, |i| i == 4);
    let charts = sweep_charts_of(&r);
    keep("sweep-gap", &charts, &sweep_page(&r, &charts));
    check_chart(&charts[0], "sweep-gap");
    assert!(charts[0].svg.contains("1 point without invocations: a gap"));
    let lines = |svg: &str| svg.matches("<polyline").count();
    assert_eq!(
        lines(&charts[0].svg),
        lines(&whole[0].svg) + 1,
        "series 0 is drawn in two pieces"
    );
    assert_eq!(
        lines(&charts[3].svg),
        lines(&whole[3].svg),
        "idle memory has no gap"
    );
    let page = sweep_page(&r, &charts);
    assert!(page.contains("<td>–</td>"), "an undefined mean is a dash");
    // Nothing defined anywhere: still drawn, with a note.
    let r = hand_sweep(3, 1, |_| true);
    let charts = sweep_charts_of(&r);
    assert!(charts[0].svg.contains("no grid point served an invocation"));
}

/// What an axis title says of its ticks' unit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TickUnit {
    /// A unit in brackets (`[ms]`, `[GB·s]`, `[count]`, `[min]`): bare numbers.
    Bare,
    /// `[%…]`: percentages, each tick ending in ` %`.
    Percent,
    /// `[USD]`: amounts, `$` before each tick but 0.
    Usd,
    /// A latency without a unit in its title: each tick names its own (`ms`, `s`).
    Time,
    /// A fraction: bare numbers from 0 to 1.
    Fraction,
}

/// The unit an axis title promises, if it promises one.
fn tick_unit(title: &str) -> Option<TickUnit> {
    if let Some((_, rest)) = title.split_once('[') {
        let unit = rest.split([']', ',']).next().unwrap_or("").trim();
        return Some(if unit.starts_with('%') {
            TickUnit::Percent
        } else if unit == "USD" {
            TickUnit::Usd
        } else {
            TickUnit::Bare
        });
    }
    if title.starts_with("fraction") {
        Some(TickUnit::Fraction)
    } else if title.contains("latency") {
        Some(TickUnit::Time)
    } else if title.starts_with("events per") {
        Some(TickUnit::Bare)
    } else {
        None
    }
}

/// A number as the charts write it on a tick: `0.25`, `450`, `12.5k`, `3M`.
fn bare(tick: &str) -> Option<f64> {
    let (digits, factor) = match tick.chars().last() {
        Some('k') => (&tick[..tick.len() - 1], 1e3),
        Some('M') => (&tick[..tick.len() - 1], 1e6),
        Some('G') => (&tick[..tick.len() - 1], 1e9),
        _ => (tick, 1.0),
    };
    digits.parse::<f64>().ok().map(|v| v * factor)
}

fn tick_fits(unit: TickUnit, tick: &str) -> bool {
    match unit {
        TickUnit::Bare => bare(tick).is_some(),
        TickUnit::Percent => tick.strip_suffix(" %").and_then(bare).is_some(),
        TickUnit::Usd => tick == "0" || tick.strip_prefix('$').and_then(bare).is_some(),
        TickUnit::Time => [" ms", " s"]
            .iter()
            .any(|u| tick.strip_suffix(u).and_then(bare).is_some()),
        TickUnit::Fraction => bare(tick).is_some_and(|v| (0.0..=1.0).contains(&v)),
    }
}

/// The axes of a chart's SVG as (title, tick labels). plotters writes a panel's y title
/// (rotated), its x title (centred, above the baseline), then its y tick labels
/// (right-aligned) and its x tick labels (centred, below the axis): a title after tick labels
/// begins the next panel.
fn svg_axes(svg: &str) -> Vec<(String, Vec<String>)> {
    #[derive(Default)]
    struct Panel {
        y: Option<String>,
        x: Option<String>,
        y_ticks: Vec<String>,
        x_ticks: Vec<String>,
    }
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG: {e}"));
    let mut panels = vec![Panel::default()];
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text = n.text().unwrap_or("").trim().to_string();
        let anchor = n.attribute("text-anchor").unwrap_or("");
        let dy = n.attribute("dy").unwrap_or("");
        let rotated = n
            .attribute("transform")
            .is_some_and(|t| t.contains("rotate"));
        let title = rotated || (anchor == "middle" && dy == "-0.5ex");
        let p = panels.last_mut().unwrap_or_else(|| unreachable!());
        if title && !(p.y_ticks.is_empty() && p.x_ticks.is_empty()) {
            panels.push(Panel::default());
        }
        let p = panels.last_mut().unwrap_or_else(|| unreachable!());
        if rotated {
            p.y = Some(text);
        } else if title {
            p.x = Some(text);
        } else if anchor == "end" && dy == "0.5ex" {
            p.y_ticks.push(text);
        } else if anchor == "middle" && dy == "0.76em" {
            p.x_ticks.push(text);
        }
    }
    let mut axes = Vec::new();
    for p in panels {
        let ticks = |t: Vec<String>| t.into_iter().filter(|t| !t.is_empty()).collect();
        if let Some(y) = p.y.filter(|t| !t.is_empty()) {
            axes.push((y, ticks(p.y_ticks)));
        }
        if let Some(x) = p.x.filter(|t| !t.is_empty()) {
            axes.push((x, ticks(p.x_ticks)));
        }
    }
    axes
}

#[test]
fn axis_titles_name_the_unit_their_ticks_are_written_in() {
    let mut charts = run_report(SPIKE).1;
    charts.extend(cost_charts(&invoice()).unwrap_or_else(|e| panic!("{e}")));
    charts.extend(compare_charts(&hand_picked()).unwrap_or_else(|e| panic!("{e}")));
    charts.extend(compare_charts(&simulated_comparison()).unwrap_or_else(|e| panic!("{e}")));
    charts.extend(sweep_charts_of(&swept(1)));
    let mut seen = Vec::new();
    for c in &charts {
        let axes = svg_axes(&c.svg);
        assert!(!axes.is_empty(), "{}: no axis title found", c.name);
        for (title, ticks) in axes {
            let Some(unit) = tick_unit(&title) else {
                continue;
            };
            assert!(!ticks.is_empty(), "{}: {title:?} has no tick label", c.name);
            for t in &ticks {
                assert!(
                    tick_fits(unit, t),
                    "{}: the axis {title:?} promises {unit:?} ticks, but one reads {t:?}",
                    c.name
                );
            }
            seen.push(unit);
        }
    }
    // The likeliest mismatches are covered: latencies, percentages, amounts, fractions.
    for unit in [
        TickUnit::Bare,
        TickUnit::Percent,
        TickUnit::Usd,
        TickUnit::Time,
        TickUnit::Fraction,
    ] {
        assert!(
            seen.contains(&unit),
            "no axis of {unit:?} ticks was checked"
        );
    }
}

/// One function with reserved concurrency and no keep-alive: every invocation is a cold start,
/// and a busy moment throttles a few, so that many buckets hold more cold starts than
/// throttles (and some throttles).
const RESERVED: &str = r#"
name = "reserved"
seed = 4
duration = "10m"

[platform]
account_concurrency = 1000

[[function]]
name = "resizer"
reserved_concurrency = 40
arrival = { process = "poisson", rate_per_s = 30 }
exec = { dist = "constant", ms = 1000 }
init = { dist = "constant", ms = 300 }
keep_alive = { policy = "none" }
"#;

/// The bars of one colour in an SVG, legend swatches left out: (left, top, right, bottom) [px].
fn svg_bars(svg: &str, colour: Colour) -> Vec<(f64, f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG: {e}"));
    let fill = colour.hex().to_uppercase();
    let num = |n: &roxmltree::Node, a: &str| {
        n.attribute(a)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("a rect without {a}"))
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill.as_str()))
        .filter(|n| n.attribute("opacity") != Some("1"))
        .map(|n| {
            let (x, y) = (num(&n, "x"), num(&n, "y"));
            (x, y, x + num(&n, "width"), y + num(&n, "height"))
        })
        .collect()
}

#[test]
fn throttles_show_beside_the_cold_starts_of_their_bucket() {
    let (scenario, sim) = simulate(RESERVED);
    // The case at hand: buckets with throttles and at least as many cold starts.
    let both = sim
        .series()
        .buckets
        .iter()
        .filter(|b| b.throttled > 0 && b.cold_starts >= b.throttled)
        .count();
    assert!(both > 0, "the scenario throttles beside cold starts");
    let summary = Summary::new(&scenario, scenario.seed, &sim);
    let charts =
        run_charts(&summary, &sim, &Limits::of(&scenario)).unwrap_or_else(|e| panic!("{e}"));
    keep("reserved", &charts, &run_page(&summary, &charts));
    let svg = &charts[0].svg;
    let (cold, throttled) = (
        svg_bars(svg, palette::COLD),
        svg_bars(svg, palette::THROTTLED),
    );
    assert!(
        !cold.is_empty() && !throttled.is_empty(),
        "both kinds drawn"
    );
    // No throttled bar lies under a cold-start bar: each shows some of itself.
    for t in &throttled {
        let hidden = cold
            .iter()
            .any(|c| c.0 <= t.0 && c.2 >= t.2 && c.1 <= t.1 && c.3 >= t.3);
        assert!(
            !hidden,
            "the throttled bar {t:?} is hidden under a cold-start bar"
        );
    }
    // Every bar is wide enough to see: two pixels at least.
    for b in cold.iter().chain(&throttled) {
        assert!(b.2 - b.0 >= 2.0, "a bar {b:?} too thin to see");
    }
}

/// The value of the report card whose key is `key`.
fn card_value(page: &str, key: &str) -> String {
    let end = format!("</div><div class=\"k\">{key}</div>");
    let at = page
        .find(&end)
        .unwrap_or_else(|| panic!("no card {key:?} on the page"));
    let start = page[..at]
        .rfind('>')
        .unwrap_or_else(|| panic!("card {key:?}"));
    page[start + 1..at].to_string()
}

#[test]
fn the_concurrency_legend_counts_what_the_cards_count() {
    let (scenario, sim) = simulate(SPIKE);
    let warmup_us = scenario.warmup.as_micros();
    let width_us = sim.series().width.as_micros();
    let in_warmup = |f: fn(&coldsim::sim::stats::Bucket) -> u64| -> u64 {
        let b = &sim.series().buckets;
        b.iter()
            .enumerate()
            .filter(|(i, _)| (*i as u64 + 1) * width_us <= warmup_us)
            .map(|(_, b)| f(b))
            .sum()
    };
    assert!(
        in_warmup(|b| b.cold_starts) > 0,
        "the scenario has cold starts during its warm-up"
    );
    let summary = Summary::new(&scenario, scenario.seed, &sim);
    let charts =
        run_charts(&summary, &sim, &Limits::of(&scenario)).unwrap_or_else(|e| panic!("{e}"));
    let page = run_page(&summary, &charts);
    let legend = svg_texts(&charts[0].svg);
    // The cards: "49 (0.06 %)" cold starts, "1 234" throttled.
    let cold = card_value(&page, "cold starts");
    let cold = cold.split(" (").next().unwrap_or_default();
    let throttled = card_value(&page, "throttled");
    for (what, card) in [("cold starts", cold), ("throttled", throttled.as_str())] {
        let entry = legend
            .iter()
            .find(|t| t.starts_with(what))
            .unwrap_or_else(|| panic!("no legend entry for {what}: {legend:?}"));
        let counted = entry
            .split_once('(')
            .and_then(|(_, r)| r.split([' ', ')']).next())
            .unwrap_or_default();
        assert_eq!(
            counted, card,
            "{what}: the legend says {entry:?}, the card {card:?}"
        );
        assert!(
            entry.contains("after the warm-up"),
            "{entry:?} says which window it counts"
        );
    }
}

/// The legend entry of the concurrency chart that names its limit, if any.
fn limit_entry(toml: &str) -> Option<String> {
    let (_, charts, _) = run_report(toml);
    svg_texts(&charts[0].svg)
        .into_iter()
        .find(|t| t.contains("limit"))
}

#[test]
fn the_limit_line_is_the_cap_of_what_the_chart_shows() {
    // One function with a reservation: its reservation caps it, not the account.
    assert_eq!(
        limit_entry(RESERVED).as_deref(),
        Some("concurrency limit of resizer: 40 (reserved)")
    );
    let (_, charts, page) = run_report(RESERVED);
    keep("reserved", &charts, &page);
    // Three dashes in the legend, many more across the panel.
    let dashes = |svg: &str| svg.matches("stroke=\"#000000\"").count();
    assert!(dashes(&charts[0].svg) > 10, "the limit is drawn");
    // One function without: the account's limit, far above the containers.
    let unreserved = RESERVED.replace("reserved_concurrency = 40\n", "");
    assert_eq!(
        limit_entry(&unreserved).as_deref(),
        Some("concurrency limit of resizer: 1000 (account limit, far above)")
    );
    // Several functions, one without a reservation: the account's limit caps their total.
    assert_eq!(limit_entry(SPIKE).as_deref(), Some("account limit: 60"));
    // Several functions, each with a reservation: their sum caps the total.
    let all_reserved = SPIKE.replace(
        "memory_mb = 1024\n",
        "memory_mb = 1024\nreserved_concurrency = 30\n",
    );
    assert_eq!(
        limit_entry(&all_reserved).as_deref(),
        Some("concurrency limit: 40 (the functions' reservations: 30 + 10)")
    );
    // No limits given: none drawn.
    let (scenario, sim) = simulate(RESERVED);
    let summary = Summary::new(&scenario, scenario.seed, &sim);
    let charts = run_charts(&summary, &sim, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !svg_texts(&charts[0].svg)
            .iter()
            .any(|t| t.contains("limit"))
    );
}

#[test]
fn twelve_policies_differ_by_colour_or_marker() {
    for i in 0..24 {
        for j in i + 1..24 {
            assert_ne!(
                policy_style(i),
                policy_style(j),
                "policies {i} and {j} look alike"
            );
        }
    }
}

/// Twelve policies, each better than the one before on one count and worse on the other: all
/// on the frontier.
fn twelve() -> Comparison {
    Comparison {
        scenario: "twelve".into(),
        seed: 1,
        policies: (0..12)
            .map(|i| {
                let i = i as f64;
                row(
                    &format!("policy-{i}"),
                    Some(0.12 - 0.01 * i),
                    10.0 + 5.0 * i,
                    1.0 + 0.1 * i,
                    300.0 + 20.0 * i,
                )
            })
            .collect(),
    }
}

/// The markers of the series colours in an SVG, bars left out: (colour, element, corners),
/// one entry per look.
fn svg_markers(svg: &str) -> std::collections::BTreeSet<(String, String, usize)> {
    let series: Vec<String> = palette::SERIES
        .iter()
        .map(|c| c.hex().to_uppercase())
        .collect();
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG: {e}"));
    doc.descendants()
        .filter(|n| !n.has_tag_name("rect"))
        .filter_map(|n| {
            let colour = [n.attribute("fill"), n.attribute("stroke")]
                .into_iter()
                .flatten()
                .find(|c| series.iter().any(|s| s == c))?;
            let corners = n
                .attribute("points")
                .map_or(0, |p| p.split_whitespace().count());
            Some((colour.to_string(), n.tag_name().name().to_string(), corners))
        })
        .collect()
}

#[test]
fn compare_charts_tell_twelve_policies_apart() {
    let c = twelve();
    let charts = compare_charts(&c).unwrap_or_else(|e| panic!("{e}"));
    keep("compare-twelve", &charts, &compare_page(&c, &charts));
    for ch in &charts {
        check_chart(ch, "compare-twelve");
    }
    assert!(charts[0].svg.contains("on the frontier (12)"));
    // Each policy's dot has a look of its own, and so does the marker after its bars.
    assert_eq!(svg_markers(&charts[0].svg).len(), 12, "frontier");
    assert_eq!(svg_markers(&charts[1].svg).len(), 12, "policy-cost");
}
