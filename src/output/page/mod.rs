//! The report a person opens (`report.html`): one self-contained page with the headline figures, the table (of functions, of policies or of grid points) and every chart inline as SVG.
//!
//! The page loads nothing: no script, no font or style sheet from elsewhere, no image but the
//! inline SVG (each figure links to its PNG and SVG files, written beside the page). It reads
//! on a laptop screen and prints on A4 or Letter, no chart cut across pages.

mod platforms;

use std::fmt::Write;

use crate::analysis::compare::{Comparison, Row};
use crate::analysis::invoice::{Invoice, Line};
use crate::analysis::summary::{Figures, Summary};
use crate::analysis::sweep::{METRIC_UNITS, METRICS, Point, SweepResult};
use crate::cost::InitBilling;
use crate::output::chart::frontier;
use crate::output::chart::palette::{self, Colour};
use crate::output::chart::{Chart, count, usd};

pub use platforms::platforms_page;

const STYLE: &str = r#"
:root { --ink: #202020; --muted: #606060; --rule: #d8d8d8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 15px; line-height: 1.45; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
p.meta { color: var(--muted); margin: 0 0 10px; }
nav { font-size: 14px; }
nav a { margin-right: 14px; }
a { color: #1f5fa0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 20px 0 0; }
.card { border: 1px solid var(--rule); border-left: 6px solid var(--accent, #999); border-radius: 4px; padding: 8px 12px; }
.card .v { font-size: 21px; font-weight: bold; font-variant-numeric: tabular-nums; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v.name { font-size: 17px; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; white-space: nowrap; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--rule); text-align: right; }
th { background: #f4f4f4; white-space: normal; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
td .ci { display: block; color: var(--muted); font-size: 11px; }
figure { margin: 28px 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 960px; border: 1px solid var(--rule); }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  @page { margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, figcaption .files { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 6px; }
  .card { padding: 4px 8px; }
  .card .v { font-size: 13pt; }
  table { font-size: 7.5pt; white-space: normal; }
  figure svg { border: none; max-height: 125mm; width: auto; max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn head(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
}

fn card(out: &mut String, value: &str, key: &str, accent: Option<Colour>) {
    let style = accent
        .map(|c| format!(" style=\"--accent: {}\"", c.hex()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<div class=\"card\"{style}><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(key)
    );
}

fn nav(out: &mut String, table: &str, charts: &[Chart]) {
    let _ = write!(out, "<nav><a href=\"#{0}\">{0}</a>", esc(table));
    for c in charts {
        let _ = write!(out, "<a href=\"#chart-{0}\">{0}</a>", esc(c.name));
    }
    out.push_str("</nav>\n");
}

fn table_head(out: &mut String, id: &str, heading: &str, columns: &[&str]) {
    let _ = write!(
        out,
        "<h2 id=\"{}\">{}</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>",
        esc(id),
        esc(heading)
    );
    for h in columns {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn table_row(out: &mut String, cells: &[String], total: bool) {
    out.push_str(if total {
        "<tr class=\"total\">"
    } else {
        "<tr>"
    });
    for c in cells {
        let _ = write!(out, "<td>{c}</td>");
    }
    out.push_str("</tr>\n");
}

fn figures(out: &mut String, charts: &[Chart]) {
    out.push_str("<h2 id=\"charts\">Charts</h2>\n");
    if charts.is_empty() {
        out.push_str("<p>No chart was drawn.</p>\n");
    }
    for c in charts {
        let svg = c.svg.trim_start();
        // An XML declaration may not stand inside HTML.
        let svg = match svg.strip_prefix("<?xml") {
            Some(rest) => rest.split_once("?>").map_or(rest, |(_, s)| s).trim_start(),
            None => svg,
        };
        let _ = writeln!(
            out,
            "<figure id=\"chart-{n}\" role=\"img\" aria-label=\"{t}\">\n{svg}<figcaption>{t}<span class=\"files\"> · <a href=\"{n}.png\">PNG</a> · <a href=\"{n}.svg\">SVG</a></span></figcaption>\n</figure>",
            n = esc(c.name),
            t = esc(&c.title),
        );
    }
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.decimals$}"))
}

fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), |r| format!("{:.2} %", r * 100.0))
}

fn run_row(name: &str, memory_mb: String, g: &Figures) -> Vec<String> {
    let l = &g.latency_ms;
    vec![
        esc(name),
        memory_mb,
        count(g.invocations),
        count(g.cold_starts),
        ratio(g.cold_start_ratio),
        count(g.throttled),
        opt(l.p50, 1),
        opt(l.p99, 1),
        opt(l.max, 1),
        g.containers.peak.to_string(),
        format!("{:.2}", g.containers.mean_alive),
        format!("{:.1}", g.gb_s.busy),
        format!("{:.1}", g.gb_s.idle),
        usd(g.cost.total_usd),
        usd(g.cost.init_usd),
        usd(g.month_cost_usd),
    ]
}

/// `report.html` of `coldsim run`: the headline figures of `summary.json`, the per-function
/// table of `functions.csv` with a total row, and every chart.
pub fn run_page(summary: &Summary, charts: &[Chart]) -> String {
    let mut out = String::new();
    let t = &summary.totals;
    head(&mut out, &format!("coldsim run: {}", summary.scenario));
    let _ = writeln!(
        out,
        "<header><h1>{}</h1>\n<p class=\"meta\">coldsim run · seed {} · {:.0} s simulated, statistics over the last {:.0} s (warm-up {:.0} s) · prices: {}</p>",
        esc(&summary.scenario),
        summary.seed,
        summary.horizon_s,
        summary.window_s,
        summary.warmup_s,
        esc(&summary.prices),
    );
    nav(&mut out, "functions", charts);
    out.push_str("</header>\n<section class=\"cards\" aria-label=\"headline figures\">\n");
    card(&mut out, &count(t.invocations), "invocations", None);
    card(
        &mut out,
        &format!("{} ({})", count(t.cold_starts), ratio(t.cold_start_ratio)),
        "cold starts",
        Some(palette::COLD),
    );
    card(
        &mut out,
        &count(t.warm_starts),
        "warm starts",
        Some(palette::WARM),
    );
    card(
        &mut out,
        &count(t.throttled),
        "throttled",
        Some(palette::THROTTLED),
    );
    card(
        &mut out,
        &format!(
            "{} / {}",
            opt(t.latency_ms.p50, 1),
            opt(t.latency_ms.p99, 1)
        ),
        "latency p50 / p99 [ms]",
        None,
    );
    card(
        &mut out,
        &format!("{} / {:.2}", t.containers.peak, t.containers.mean_alive),
        "containers: peak / mean alive",
        Some(palette::ALIVE),
    );
    card(
        &mut out,
        &format!("{:.1}", t.gb_s.idle),
        "idle memory [GB·s]",
        Some(palette::IDLE),
    );
    card(&mut out, &usd(t.cost.total_usd), "cost [USD]", None);
    card(
        &mut out,
        &usd(t.month_cost_usd),
        "30-day projection [USD]",
        None,
    );
    out.push_str("</section>\n");
    table_head(
        &mut out,
        "functions",
        "Functions",
        &[
            "function",
            "memory MB",
            "invocations",
            "cold",
            "cold %",
            "throttled",
            "p50 ms",
            "p99 ms",
            "max ms",
            "peak",
            "mean alive",
            "busy GB·s",
            "idle GB·s",
            "cost USD",
            "INIT USD",
            "30-day USD",
        ],
    );
    for f in &summary.functions {
        table_row(
            &mut out,
            &run_row(&f.name, f.memory_mb.to_string(), &f.figures),
            false,
        );
    }
    table_row(&mut out, &run_row("total", String::new(), t), true);
    out.push_str("</tbody></table></div>\n");
    figures(&mut out, charts);
    out.push_str("<footer>Written by coldsim run; the figures are those of summary.json, functions.csv and timeseries.csv.</footer>\n</body>\n</html>\n");
    out
}

fn cost_row(l: &Line) -> Vec<String> {
    let pc = l.provisioned.as_ref();
    vec![
        esc(&l.name),
        if l.memory_mb > 0 {
            l.memory_mb.to_string()
        } else {
            String::new()
        },
        count(l.invocations),
        count(l.cold_starts),
        count(l.throttled),
        usd(l.total_usd),
        usd(l.requests_usd),
        usd(l.compute_usd),
        usd(l.init_usd),
        usd(l.provisioned_usd),
        format!("{:.1}", l.idle_gb_s),
        usd(l.month.total_usd),
        format!("{:.0}", l.month.cold_starts),
        pc.map(|b| b.cheapest.to_string()).unwrap_or_default(),
        pc.map(|b| usd(b.month_saving_usd)).unwrap_or_default(),
    ]
}

/// `report.html` of `coldsim cost`: the headline figures of `cost.json`, the per-function
/// table of `cost.csv` with its total row, and every chart.
pub fn cost_page(invoice: &Invoice, charts: &[Chart]) -> String {
    let mut out = String::new();
    let t = &invoice.total;
    head(&mut out, &format!("coldsim cost: {}", invoice.trace));
    let _ = writeln!(
        out,
        "<header><h1>Cost of {}</h1>\n<p class=\"meta\">coldsim cost · prices: {} · INIT billed: {} · free tier: {} · window {:.1} s; the 30-day figures scale the traffic by {:.2}</p>",
        esc(&invoice.trace),
        esc(&invoice.prices),
        match invoice.init_billing {
            InitBilling::All => "for all configurations",
            InitBilling::Legacy => "by the legacy rule",
        },
        if invoice.free_tier {
            "taken off"
        } else {
            "not applied"
        },
        invoice.window_s,
        invoice.month_factor,
    );
    for w in &invoice.warnings {
        let _ = writeln!(
            out,
            "<p class=\"meta\"><strong>Warning:</strong> {}.</p>",
            esc(w)
        );
    }
    nav(&mut out, "functions", charts);
    out.push_str("</header>\n<section class=\"cards\" aria-label=\"headline figures\">\n");
    card(&mut out, &count(t.invocations), "invocations", None);
    card(
        &mut out,
        &count(t.cold_starts),
        "cold starts",
        Some(palette::COLD),
    );
    card(
        &mut out,
        &count(t.throttled),
        "throttled",
        Some(palette::THROTTLED),
    );
    card(&mut out, &usd(t.total_usd), "cost of the trace [USD]", None);
    card(
        &mut out,
        &usd(t.init_usd),
        "of which INIT [USD]",
        Some(palette::INIT),
    );
    card(&mut out, &usd(t.month.total_usd), "30 days [USD]", None);
    let saving: f64 = invoice
        .functions
        .iter()
        .filter_map(|l| l.provisioned.as_ref())
        .map(|b| b.month_saving_usd)
        .sum();
    card(
        &mut out,
        &usd(saving),
        "30-day saving, cheapest provisioned levels [USD]",
        Some(palette::PROVISIONED),
    );
    card(
        &mut out,
        &format!("{:.1}", t.idle_gb_s),
        "idle memory [GB·s]",
        Some(palette::IDLE),
    );
    out.push_str("</section>\n");
    table_head(
        &mut out,
        "functions",
        "Functions",
        &[
            "function",
            "memory MB",
            "invocations",
            "cold",
            "throttled",
            "cost USD",
            "requests USD",
            "compute USD",
            "INIT USD",
            "provisioned USD",
            "idle GB·s",
            "30-day USD",
            "30-day cold",
            "cheapest provisioned",
            "30-day saving USD",
        ],
    );
    for l in &invoice.functions {
        table_row(&mut out, &cost_row(l), false);
    }
    table_row(&mut out, &cost_row(t), true);
    out.push_str("</tbody></table></div>\n");
    figures(&mut out, charts);
    out.push_str("<footer>Written by coldsim cost; the figures are those of cost.json and cost.csv.</footer>\n</body>\n</html>\n");
    out
}

/// A ratio as a percentage with three significant digits, for the small ratios of a
/// comparison: `0.00343 %`, `12.5 %`, `0 %`.
fn ratio3(r: Option<f64>) -> String {
    match r {
        None => "–".into(),
        Some(r) if r == 0.0 || !r.is_finite() => format!("{} %", r * 100.0),
        Some(r) => {
            let v = r * 100.0;
            let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
            format!("{v:.decimals$} %")
        }
    }
}

fn compare_row(r: &Row, on_frontier: bool) -> Vec<String> {
    vec![
        esc(&r.policy),
        count(r.invocations),
        count(r.cold_starts),
        ratio3(r.cold_start_ratio),
        opt(r.p50_ms, 1),
        opt(r.p99_ms, 1),
        format!("{:.1}", r.idle_gb_s),
        opt(r.wasted_memory_vs_fixed_10m, 3),
        usd(r.total_usd),
        ratio3(r.p75_function_cold_start_ratio),
        count(r.prewarmed),
        count(r.warmer_pings),
        count(r.throttled),
        if on_frontier { "yes" } else { "" }.into(),
    ]
}

/// The first policy with the least of `key` among those that have it.
fn best(rows: &[Row], key: impl Fn(&Row) -> Option<f64>) -> Option<&Row> {
    rows.iter()
        .filter_map(|r| key(r).filter(|v| v.is_finite()).map(|v| (r, v)))
        .fold(None, |acc: Option<(&Row, f64)>, (r, v)| match acc {
            Some((_, b)) if b <= v => acc,
            _ => Some((r, v)),
        })
        .map(|(r, _)| r)
}

/// `report.html` of `coldsim compare`: the headline (the policies with the fewest cold
/// starts, the lowest cost and the least idle memory, the frontier), the table of
/// `compare.csv` with every column and whether the policy is on the frontier, and every chart.
pub fn compare_page(c: &Comparison, charts: &[Chart]) -> String {
    let mut out = String::new();
    head(&mut out, &format!("coldsim compare: {}", c.scenario));
    let _ = writeln!(
        out,
        "<header><h1>Policies compared: {}</h1>\n<p class=\"meta\">coldsim compare · seed {} · {} policies on the same traffic (the same arrivals and handler times for each) · idle memory also relative to fixed:10m</p>",
        esc(&c.scenario),
        c.seed,
        c.policies.len(),
    );
    nav(&mut out, "policies", charts);
    // The frontier over the rows with a cold-start ratio, as the frontier chart draws it.
    let with: Vec<usize> = (0..c.policies.len())
        .filter(|&i| c.policies[i].cold_start_ratio.is_some())
        .collect();
    let pairs: Vec<(f64, f64)> = with
        .iter()
        .map(|&i| {
            let r = &c.policies[i];
            (r.cold_start_ratio.unwrap_or(f64::NAN), r.idle_gb_s)
        })
        .collect();
    let on: Vec<usize> = frontier(&pairs).into_iter().map(|k| with[k]).collect();
    out.push_str("</header>\n<section class=\"cards\" aria-label=\"headline figures\">\n");
    card(
        &mut out,
        &c.policies.len().to_string(),
        "policies compared",
        None,
    );
    // Ties in cold-start ratio go to the policy with less idle memory.
    let fewest_cold = best(&c.policies, |r| r.cold_start_ratio).and_then(|b| {
        c.policies
            .iter()
            .filter(|r| r.cold_start_ratio == b.cold_start_ratio)
            .min_by(|x, y| x.idle_gb_s.total_cmp(&y.idle_gb_s))
    });
    let named =
        |out: &mut String, r: Option<&Row>, key: &str, what: &dyn Fn(&Row) -> String, accent| {
            match r {
                Some(r) => name_card(out, &r.policy, &format!("{key}: {}", what(r)), accent),
                None => card(out, "–", key, accent),
            }
        };
    named(
        &mut out,
        fewest_cold,
        "lowest cold-start ratio",
        &|r| ratio3(r.cold_start_ratio),
        Some(palette::COLD),
    );
    named(
        &mut out,
        best(&c.policies, |r| Some(r.total_usd)),
        "lowest cost",
        &|r| usd(r.total_usd),
        None,
    );
    named(
        &mut out,
        best(&c.policies, |r| Some(r.idle_gb_s)),
        "least idle memory",
        &|r| format!("{:.1} GB·s", r.idle_gb_s),
        Some(palette::IDLE),
    );
    named(
        &mut out,
        best(&c.policies, |r| r.p99_ms),
        "lowest p99 latency",
        &|r| format!("{} ms", opt(r.p99_ms, 1)),
        None,
    );
    let names: Vec<&str> = on.iter().map(|&i| c.policies[i].policy.as_str()).collect();
    name_card(
        &mut out,
        &if names.is_empty() {
            "–".to_string()
        } else {
            names.join(", ")
        },
        &format!(
            "on the frontier ({} of {}): no other has fewer cold starts and less idle memory",
            names.len(),
            c.policies.len()
        ),
        None,
    );
    out.push_str("</section>\n");
    table_head(
        &mut out,
        "policies",
        "Policies",
        &[
            "policy",
            "invocations",
            "cold",
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
        ],
    );
    for (i, r) in c.policies.iter().enumerate() {
        table_row(&mut out, &compare_row(r, on.contains(&i)), false);
    }
    out.push_str("</tbody></table></div>\n");
    figures(&mut out, charts);
    out.push_str("<footer>Written by coldsim compare; the figures are those of compare.json and compare.csv.</footer>\n</body>\n</html>\n");
    out
}

/// A headline card whose value is a policy's name (smaller, wrapped anywhere).
fn name_card(out: &mut String, value: &str, key: &str, accent: Option<Colour>) {
    let style = accent
        .map(|c| format!(" style=\"--accent: {}\"", c.hex()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<div class=\"card\"{style}><div class=\"v name\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(key)
    );
}

/// A metric of a sweep as the report writes it: a percentage for the cold-start ratio,
/// dollars for the cost, else a number with as many decimals as it needs.
fn sweep_value(metric: &str, v: f64) -> String {
    match metric {
        "cold_start_ratio" => ratio3(Some(v)),
        "cost_usd" => usd(v),
        "mean_alive" => format!("{v:.2}"),
        _ => format!("{v:.1}"),
    }
}

/// `mean ± ci95` (the half-width on a line of its own, muted), the mean alone with one
/// replication, `–` without a value.
fn mean_ci(metric: &str, (mean, ci): (Option<f64>, Option<f64>)) -> String {
    match (mean, ci) {
        (None, _) => "–".into(),
        (Some(m), None) => sweep_value(metric, m),
        (Some(m), Some(h)) => format!(
            "{}<span class=\"ci\"> ± {}</span>",
            sweep_value(metric, m),
            sweep_value(metric, h)
        ),
    }
}

/// A grid point as `key=value` pairs.
fn point_label(r: &SweepResult, p: &Point) -> String {
    r.sets
        .iter()
        .zip(&p.values)
        .map(|(s, v)| format!("{}={v}", s.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The point with the least mean of metric `m`, the first of equals.
fn best_point(r: &SweepResult, m: usize) -> Option<(&Point, f64)> {
    r.points
        .iter()
        .filter_map(|p| p.stat(m).0.filter(|v| v.is_finite()).map(|v| (p, v)))
        .fold(None, |acc, (p, v)| match acc {
            Some((_, b)) if b <= v => acc,
            _ => Some((p, v)),
        })
}

/// `report.html` of `coldsim sweep` and `coldsim merge`: the headline (scenario, seed,
/// replications, the grid and its axes, the best points by cold-start ratio and by cost), the
/// table of `sweep.csv` with every metric as mean ± ci95, and every chart.
pub fn sweep_page(r: &SweepResult, charts: &[Chart]) -> String {
    let mut out = String::new();
    head(&mut out, &format!("coldsim sweep: {}", r.scenario));
    let axes: Vec<String> = r
        .sets
        .iter()
        .map(|s| format!("{} ({} values)", s.key, s.values.len()))
        .collect();
    let shard = r
        .shard
        .map(|(i, n)| format!(" · shard {i}/{n}: {} of the points", r.points.len()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<header><h1>Sweep: {}</h1>\n<p class=\"meta\">coldsim sweep · seed {} (replication r runs with seed + r) · {} replications per point · {} grid points: {}{} · each metric is the mean over the replications ± the half-width of its 95 % Student t confidence interval</p>",
        esc(&r.scenario),
        r.seed,
        r.replications,
        count(r.grid_points),
        esc(&axes.join(" × ")),
        esc(&shard),
    );
    nav(&mut out, "grid", charts);
    out.push_str("</header>\n<section class=\"cards\" aria-label=\"headline figures\">\n");
    card(&mut out, &count(r.grid_points), "grid points", None);
    card(
        &mut out,
        &r.replications.to_string(),
        "replications per point",
        None,
    );
    card(
        &mut out,
        &count(r.points.iter().map(|p| p.runs.len() as u64).sum()),
        "runs",
        None,
    );
    card(&mut out, &r.seed.to_string(), "seed", None);
    for s in &r.sets {
        name_card(
            &mut out,
            &s.values.join(", "),
            &format!("values of {}", s.key),
            None,
        );
    }
    let metric = |name: &str| METRICS.iter().position(|m| *m == name).unwrap_or(0);
    for (name, key, accent) in [
        (
            "cold_start_ratio",
            "lowest cold-start ratio",
            Some(palette::COLD),
        ),
        ("cost_usd", "lowest cost", None),
    ] {
        match best_point(r, metric(name)) {
            Some((p, v)) => name_card(
                &mut out,
                &point_label(r, p),
                &format!("{key}: {}", sweep_value(name, v)),
                accent,
            ),
            None => card(&mut out, "–", key, accent),
        }
    }
    out.push_str("</section>\n");
    // Headers may wrap after each dot of a key and each underscore of a metric.
    let mut columns: Vec<String> = r
        .sets
        .iter()
        .map(|s| esc(&s.key).replace('.', ".<wbr>"))
        .collect();
    for (m, unit) in METRICS.iter().zip(METRIC_UNITS) {
        let unit = if *m == "cold_start_ratio" { "%" } else { unit };
        columns.push(format!("{} [{}]", esc(m).replace('_', "_<wbr>"), esc(unit)));
    }
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    table_head(&mut out, "grid", "Grid points (mean ± ci95)", &columns);
    for p in &r.points {
        let mut cells: Vec<String> = p.values.iter().map(|v| esc(v)).collect();
        for (m, name) in METRICS.iter().enumerate() {
            cells.push(mean_ci(name, p.stat(m)));
        }
        table_row(&mut out, &cells, false);
    }
    out.push_str("</tbody></table></div>\n");
    let crossings = crate::analysis::sweep::crossings(r);
    if !crossings.is_empty() {
        out.push_str("<h2 id=\"break-even\">Break-even</h2>\n<p>Where two platforms' mean costs cross between neighbouring values of the numeric axis (linear interpolation):</p>\n<ul>\n");
        for c in &crossings {
            let _ = writeln!(out, "<li>{}</li>", esc(&c.sentence()));
        }
        out.push_str("</ul>\n");
    }
    figures(&mut out, charts);
    out.push_str("<footer>Written by coldsim sweep; the figures are those of sweep.json and sweep.csv.</footer>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
