//! Charts of a run, of a cost report, of a policy comparison and of a sweep, each as SVG and PNG: the only module that knows plotters.
//!
//! A chart is first described as a [`Figure`] (a title, a legend, one or more panels of
//! marks in data units, each panel with its two axes), then drawn twice by the same code:
//! into an SVG string and into an RGB bitmap encoded as PNG. Every chart of the crate is
//! built from the same few helpers ([`Axis`], [`Mark`], [`bars`], [`cdf_steps`]), so a new one
//! (a policy frontier: labelled dots and a line; a sweep: lines and bands) is a new
//! function that fills a `Figure`, not new drawing code.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (`fonts/`), so the PNGs look the
//! same on every machine whatever fonts it has; SVG text names the same family, with the
//! browser's sans-serif as the fallback. Colours come from [`palette`]: one colour means one
//! thing in every chart.

mod draw;
mod figure;
mod font;
mod format;
pub mod palette;

use crate::analysis::compare::Comparison;
use crate::analysis::invoice::Invoice;
use crate::analysis::summary::Summary;
use crate::analysis::sweep::{METRICS, SweepResult};
use crate::model::scenario::Scenario;
use crate::sim::engine::Simulation;
use crate::sim::stats::Latency;
use crate::time::{MICROS_PER_S, SimDuration};

use draw::render;
use figure::{Axis, BAND_OPACITY, Figure, Mark, Panel, Swatch};
use format::{cut, ms, num, pct, pct_of, round3, short, span, time_unit, usd_tick};
use palette::Colour;

pub use draw::{Chart, ChartError, HEIGHT, WIDTH};
pub use figure::Marker;
pub use format::{count, usd};

/// Bar charts show at most this many functions, the worst ones, and say so in the title.
pub const MAX_BARS: usize = 20;

/// Concurrency limits drawn on the concurrency chart, which `Summary` does not hold.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// Concurrent executions allowed over all functions [containers], if any.
    pub account_concurrency: Option<u32>,
    /// The functions with reserved concurrency and their reservations [containers], in the
    /// scenario's order: a reservation caps its function, and the functions without one share
    /// what the reservations leave of the account's limit.
    pub reserved: Vec<(String, u32)>,
}

/// The most busy containers a run's functions can have at once, as the concurrency chart's
/// legend names it.
#[derive(Clone, Debug)]
struct Cap {
    /// What caps them: `"account limit"`, `"concurrency limit of f"`.
    what: String,
    /// The cap [containers].
    busy: u32,
    /// Where it comes from, when `what` does not say: `"reserved"`.
    why: Option<String>,
}

impl Limits {
    /// The limits of a scenario.
    pub fn of(scenario: &Scenario) -> Limits {
        Limits {
            account_concurrency: Some(scenario.platform.account_concurrency),
            reserved: scenario
                .functions
                .iter()
                .filter_map(|f| Some((f.name.clone(), f.reserved_concurrency?)))
                .collect(),
        }
    }

    /// The cap on the busy containers of `functions` together, as the engine throttles: one
    /// function's own reservation, else the account's limit less the other functions'
    /// reservations; for several, the account's limit, or the sum of their reservations when
    /// each has one. `None` without an account limit.
    fn cap(&self, functions: &[&str]) -> Option<Cap> {
        let account = self.account_concurrency?;
        let reserved = |name: &str| self.reserved.iter().find(|r| r.0 == name).map(|r| r.1);
        let cap = |what: String, busy: u32, why: Option<String>| Some(Cap { what, busy, why });
        match functions {
            [f] => {
                let what = format!("concurrency limit of {}", short(f));
                if let Some(r) = reserved(f) {
                    return cap(what, r, Some("reserved".into()));
                }
                let others = self
                    .reserved
                    .iter()
                    .fold(0u32, |sum, r| sum.saturating_add(r.1));
                let why = if others == 0 {
                    "account limit".to_string()
                } else {
                    format!("account limit {account} less {others} reserved by other functions")
                };
                cap(what, account.saturating_sub(others), Some(why))
            }
            _ => {
                let parts: Option<Vec<u32>> = functions.iter().map(|f| reserved(f)).collect();
                match parts.filter(|p| !p.is_empty()) {
                    Some(parts) => {
                        let sum = parts.iter().fold(0u32, |s, r| s.saturating_add(*r));
                        let why = if parts.len() <= 4 {
                            let terms: Vec<String> = parts.iter().map(u32::to_string).collect();
                            format!("the functions' reservations: {}", terms.join(" + "))
                        } else {
                            format!("the sum of the {} functions' reservations", parts.len())
                        };
                        cap("concurrency limit".into(), sum.min(account), Some(why))
                    }
                    None => cap("account limit".into(), account, None),
                }
            }
        }
    }
}

impl Cap {
    /// The legend's text: `account limit: 1000`, `concurrency limit of f: 20 (reserved)`, with
    /// `far above` in the brackets when the line is not drawn.
    fn label(&self, far_above: bool) -> String {
        let notes: Vec<&str> = self
            .why
            .iter()
            .map(String::as_str)
            .chain(far_above.then_some("far above"))
            .collect();
        if notes.is_empty() {
            format!("{}: {}", self.what, self.busy)
        } else {
            format!("{}: {} ({})", self.what, self.busy, notes.join(", "))
        }
    }
}

// ---------------------------------------------------------------- shared chart builders

/// The points of a step CDF: for each (x, fraction at or below x), a horizontal then a
/// vertical segment, from `start` at `left`.
pub(crate) fn cdf_steps(points: &[(f64, f64)], left: f64, start: f64) -> Vec<(f64, f64)> {
    let mut out = vec![(left, start)];
    let mut last = start;
    for &(x, f) in points {
        out.push((x, last));
        out.push((x, f));
        last = f;
    }
    out
}

/// One bar of a horizontal stacked bar chart: a name, its parts (in legend order) and the
/// text written after the bar.
pub(crate) struct Bar {
    name: String,
    parts: Vec<f64>,
    note: String,
}

/// A horizontal stacked bar chart, the first row at the top; `parts` gives each part's colour
/// and legend text. A single-part chart whose values span three decades or more gets a log
/// value axis (bars then start at its left edge).
pub(crate) fn bars(
    name: &'static str,
    title: String,
    value_title: &str,
    fmt: fn(f64) -> String,
    parts: &[(Colour, &str)],
    rows: &[Bar],
    empty: &str,
) -> Figure {
    let mut fig = Figure::new(name, title);
    let labels: Vec<String> = rows.iter().map(|b| short(&b.name)).collect();
    let totals: Vec<f64> = rows.iter().map(|b| b.parts.iter().sum()).collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let min_pos = totals
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let log = max > 0.0 && max / min_pos >= 1000.0;
    // Room on the right for the note after the longest bar.
    let x = if log && parts.len() > 1 {
        let title = format!("{value_title}, log scale; colours split each bar by share");
        Axis::log(title, min_pos / 2.0, max * 8.0, fmt)
    } else if log {
        Axis::log(
            format!("{value_title}, log scale"),
            min_pos / 2.0,
            max * 8.0,
            fmt,
        )
    } else {
        let hi = if max > 0.0 { max * 1.3 } else { 1.0 };
        Axis::linear(value_title, 0.0, hi, fmt)
    };
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    fig.y_label_room = (longest * 9 + 20).clamp(60, 260);
    let mut panel = Panel::new(x, Axis::categories("", &labels));
    let n = rows.len() as f64;
    let base = if log { panel.x.lo } else { 0.0 };
    // A bar at most about 40 px thick, however few the rows.
    let half = f64::min(if rows.len() > 12 { 0.36 } else { 0.3 }, 0.045 * n);
    for (i, (b, total)) in rows.iter().zip(&totals).enumerate() {
        let centre = n - i as f64 - 0.5;
        let (mut left, mut done) = (base, 0.0);
        for (v, (colour, _)) in b.parts.iter().zip(parts) {
            if *v <= 0.0 {
                continue;
            }
            done += v;
            // On a log axis a part's length is its share of the bar's length.
            let right = if log {
                let (a, z) = (base.log10(), total.log10());
                10f64.powf(a + (z - a) * done / total)
            } else {
                left + v
            };
            panel.marks.push(Mark::Rect {
                from: (left, centre - half),
                to: (right, centre + half),
                colour: *colour,
                opacity: 1.0,
            });
            left = right;
        }
        panel.marks.push(Mark::Label {
            at: (left.max(base), centre),
            text: b.note.clone(),
            colour: palette::INK,
            dx: 6,
        });
    }
    if rows.is_empty() {
        panel.empty = Some(empty.to_string());
    }
    for (i, (colour, label)) in parts.iter().enumerate() {
        if rows
            .iter()
            .any(|b| b.parts.get(i).is_some_and(|v| *v > 0.0))
        {
            fig.key(Swatch::Block, *colour, *label);
        }
    }
    fig.panels.push(panel);
    fig
}

/// " (the 20 worst of 130)" when capped, else "".
fn capped(shown: usize, of: usize, what: &str) -> String {
    if of > shown {
        format!(" (the {shown} {what} of {of})")
    } else {
        String::new()
    }
}

/// A function's name, invocations and cold starts.
type ColdRow = (String, u64, u64);

/// The functions with the most cold starts, as bars.
fn cold_start_bars(rows: &[ColdRow]) -> Figure {
    let mut sorted: Vec<&ColdRow> = rows.iter().filter(|r| r.2 > 0).collect();
    sorted.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let with = sorted.len();
    sorted.truncate(MAX_BARS);
    let rows_: Vec<Bar> = sorted
        .iter()
        .map(|(name, inv, cold)| Bar {
            name: name.clone(),
            parts: vec![*cold as f64],
            note: format!(
                "{} ({})",
                count(*cold),
                pct(*cold as f64 / (*inv).max(1) as f64)
            ),
        })
        .collect();
    let title = format!(
        "Cold starts per function{}",
        capped(sorted.len(), with, "worst")
    );
    bars(
        "cold-starts",
        title,
        "cold starts [count]",
        num,
        &[(
            palette::COLD,
            "cold starts (after each bar: share of the function's invocations)",
        )],
        &rows_,
        "no cold starts",
    )
}

/// The CDF across functions of the per-function cold-start ratio, on a log ratio axis.
fn cold_start_ratio_cdf(rows: &[ColdRow]) -> Figure {
    let mut ratios: Vec<f64> = rows
        .iter()
        .filter(|r| r.1 > 0)
        .map(|r| r.2 as f64 / r.1 as f64)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let zeros = ratios.iter().filter(|r| **r == 0.0).count();
    let lowest = ratios.iter().copied().find(|r| *r > 0.0);
    let mut fig = Figure::new(
        "cold-start-ratio",
        "Cold-start ratio across functions (CDF)",
    );
    let x = Axis::log(
        "cold-start ratio [% of the function's invocations, log scale]",
        lowest.unwrap_or(1e-4) * 100.0 / 2.0,
        100.0,
        pct_of,
    );
    let y = Axis::linear("fraction of functions", 0.0, 1.0, num);
    let mut panel = Panel::new(x, y);
    if lowest.is_none() {
        panel.empty = Some(if n == 0 {
            "no function was invoked".into()
        } else {
            "no cold starts".into()
        });
    } else {
        let pts: Vec<(f64, f64)> = ratios
            .iter()
            .enumerate()
            .filter(|(_, r)| **r > 0.0)
            .map(|(i, r)| (r * 100.0, (i + 1) as f64 / n as f64))
            .collect();
        let mut steps = cdf_steps(&pts, panel.x.lo, zeros as f64 / n as f64);
        steps.push((panel.x.hi, 1.0));
        panel.marks.push(Mark::Line {
            points: steps,
            colour: palette::COLD,
            width: 3,
            dashed: false,
        });
    }
    let text = if zeros > 0 {
        format!(
            "{} functions invoked; {} without a cold start (where the curve starts)",
            count(n as u64),
            count(zeros as u64)
        )
    } else {
        format!("{} functions invoked", count(n as u64))
    };
    fig.key(Swatch::Line, palette::COLD, text);
    fig.panels.push(panel);
    fig
}

/// The parts of a bill, in stacking order, with their colours.
const COST_PARTS: [(Colour, &str); 5] = [
    (palette::REQUESTS, "requests"),
    (palette::COMPUTE, "compute (INIT excluded)"),
    (palette::INIT, "INIT (cold starts)"),
    (palette::PROVISIONED, "provisioned concurrency"),
    (palette::STORAGE, "ephemeral storage"),
];

/// One function's bill: name, the parts of [`COST_PARTS`] and the total [USD].
type CostRow = (String, [f64; 5], f64);

fn cost_bars(name: &'static str, what: &str, rows: &[CostRow], total: f64) -> Figure {
    let mut sorted: Vec<&CostRow> = rows.iter().collect();
    sorted.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let all = sorted.len();
    sorted.truncate(MAX_BARS);
    let rows_: Vec<Bar> = sorted
        .iter()
        .map(|(n, parts, t)| Bar {
            name: n.clone(),
            parts: parts.iter().map(|v| v.max(0.0)).collect(),
            note: usd(*t),
        })
        .collect();
    let title = format!(
        "{what}: {} in all{}",
        usd(total),
        capped(sorted.len(), all, "most expensive")
    );
    bars(
        name,
        title,
        "cost [USD]",
        usd_tick,
        &COST_PARTS,
        &rows_,
        "no function was billed",
    )
}

// ---------------------------------------------------------------- the charts of a run

/// The most bins of events under the concurrency chart: about 7 px each over the panel's
/// width, so that both halves of a bin (cold starts, throttles) show.
const MAX_EVENT_BINS: u64 = 120;

/// Whether a span [µs] reads as a round duration: 1, 2 or 5 times a power of ten up to 10 s,
/// 15, 20 or 30 s, 1, 2, 5, 10, 15, 20 or 30 min, 1, 2, 3, 4, 6 or 12 h, or whole days.
fn round_span(us: u64) -> bool {
    const S: u64 = MICROS_PER_S;
    let mantissa = us / 10u64.pow(us.max(1).ilog10());
    match us {
        0 => false,
        _ if us <= 10 * S => us % 10u64.pow(us.ilog10()) == 0 && [1, 2, 5].contains(&mantissa),
        _ if us < 60 * S => [15, 20, 30].contains(&(us / S)) && us % S == 0,
        _ if us < 3_600 * S => [1, 2, 5, 10, 15, 20, 30].iter().any(|m| us == m * 60 * S),
        _ if us < 86_400 * S => [1, 2, 3, 4, 6, 12].iter().any(|h| us == h * 3_600 * S),
        _ => us % (86_400 * S) == 0,
    }
}

/// How many buckets `width_us` wide, of a series of `n`, make one bin of events: the fewest
/// that leave at most `max` bins, each a round span (`30s`, `5m`) when a multiple of the
/// bucket is one, else 1, 2 or 5 times a power of ten. All of them when there are few.
fn buckets_per_bin(n: u64, width_us: u64, max: u64) -> u64 {
    let max = max.max(1);
    if n <= max {
        return 1;
    }
    let least = n.div_ceil(max);
    if let Some(k) = (least..=n).find(|k| round_span(k.saturating_mul(width_us))) {
        return k;
    }
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            let k = unit.saturating_mul(m);
            if k >= least {
                return k;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// Busy, idle and alive containers over time, cold starts and throttles per bin below (a
/// bin: one or more buckets), the cap on busy containers as a line (see [`Limits::cap`]) and
/// the warm-up shaded: the rows of `timeseries.csv`.
fn concurrency(summary: &Summary, sim: &Simulation, limits: &Limits) -> Figure {
    let series = sim.series();
    let end_us = sim.end().as_micros();
    let width_us = series.width.as_micros().max(1);
    let (unit_s, unit) = time_unit(end_us as f64 / MICROS_PER_S as f64);
    let t = |us: u64| us as f64 / MICROS_PER_S as f64 / unit_s;
    let (mut busy, mut alive, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    let mut top = 0f64;
    for (i, b) in series.buckets.iter().enumerate() {
        // The same arithmetic as timeseries.csv.
        let start = i as u64 * width_us;
        let stop = (start + width_us).min(end_us).max(start);
        let span = (stop - start).max(1) as f64;
        let (b_mean, a_mean) = (b.busy_area as f64 / span, b.alive_area as f64 / span);
        for x in [t(start), t(stop)] {
            busy.push((x, b_mean));
            alive.push((x, a_mean));
            floor.push((x, 0.0));
        }
        top = top.max(a_mean);
    }
    // Events in bins of whole buckets, few enough for a bar to show: (cold starts, throttled).
    let per_bin = buckets_per_bin(series.buckets.len() as u64, width_us, MAX_EVENT_BINS);
    let bin_us = width_us.saturating_mul(per_bin);
    let bins: Vec<(u64, u64)> = series
        .buckets
        .chunks(per_bin as usize)
        .map(|c| {
            c.iter()
                .fold((0, 0), |(n, m), b| (n + b.cold_starts, m + b.throttled))
        })
        .collect();
    let top_events = bins.iter().map(|b| b.0.max(b.1)).max().unwrap_or(0);
    let any_events = bins.iter().any(|b| b.0 + b.1 > 0);
    let x_hi = t(end_us).max(1e-6);
    let names: Vec<&str> = summary.functions.iter().map(|f| f.name.as_str()).collect();
    let cap = limits.cap(&names);
    let limit = cap.as_ref().map(|c| f64::from(c.busy));
    let limit_shown = limit.filter(|l| *l <= (top * 1.6).max(4.0));
    let y_hi = (top.max(limit_shown.unwrap_or(0.0)) * 1.12).max(1.0);
    let mut fig = Figure::new(
        "concurrency",
        format!(
            "Containers over time: {}, seed {}",
            summary.scenario, summary.seed
        ),
    );
    let x = Axis::linear(format!("simulated time [{unit}]"), 0.0, x_hi, num);
    let mut upper = Panel::new(
        x.clone(),
        Axis::linear("containers [mean in bucket]", 0.0, y_hi, num),
    );
    upper.weight = 7;
    upper.x_labels = false;
    let warm_up = summary.warmup_s / unit_s;
    if warm_up > 0.0 {
        upper.marks.push(Mark::Rect {
            from: (0.0, 0.0),
            to: (warm_up, y_hi),
            colour: palette::SHADE,
            opacity: 1.0,
        });
        upper.marks.push(Mark::Label {
            at: (0.0, y_hi * 0.95),
            text: "warm-up".into(),
            colour: palette::MUTED,
            dx: 6,
        });
    }
    upper.marks.push(Mark::Band {
        upper: alive.clone(),
        lower: busy.clone(),
        colour: palette::IDLE,
        opacity: 0.9,
    });
    upper.marks.push(Mark::Band {
        upper: busy,
        lower: floor,
        colour: palette::BUSY,
        opacity: 0.9,
    });
    upper.marks.push(Mark::Line {
        points: alive,
        colour: palette::ALIVE,
        width: 1,
        dashed: false,
    });
    fig.key(Swatch::Block, palette::BUSY, "busy");
    fig.key(Swatch::Block, palette::IDLE, "idle");
    fig.key(Swatch::Line, palette::ALIVE, "alive (busy + idle)");
    if let Some(cap) = &cap {
        if let Some(l) = limit_shown {
            upper.marks.push(Mark::Line {
                points: vec![(0.0, l), (x_hi, l)],
                colour: palette::LIMIT,
                width: 2,
                dashed: true,
            });
        }
        fig.key(
            Swatch::Dashed,
            palette::LIMIT,
            cap.label(limit_shown.is_none()),
        );
    }
    // Counts per bucket as bars; a log axis when some bucket holds 50 or more, so that a
    // lone cold start still shows beside a burst of throttles.
    let per = format!("events per {}", SimDuration(bin_us));
    let y = if top_events >= 50 {
        let mut y = Axis::log(format!("{per}, log"), 0.5, top_events as f64 * 1.5, num);
        y.ticks.retain(|t| t.0 >= 1.0);
        y
    } else {
        Axis::linear_n(per, 0.0, (top_events as f64 * 1.15).max(2.0), num, 3)
    };
    let mut lower = Panel::new(x, y);
    lower.weight = 3;
    let base = lower.y.lo;
    if warm_up > 0.0 {
        lower.marks.push(Mark::Rect {
            from: (0.0, base),
            to: (warm_up, lower.y.hi),
            colour: palette::SHADE,
            opacity: 1.0,
        });
    }
    // Side by side, not stacked: cold starts in the left half of a bin, throttles in the
    // right, both from the base, so that neither hides the other and both read against the
    // same (possibly log) axis, where a stacked bar's upper part would not.
    for (i, &(c, th)) in bins.iter().enumerate() {
        let start = (i as u64).saturating_mul(bin_us).min(end_us);
        let stop = start.saturating_add(bin_us).min(end_us);
        let (x0, x1) = (t(start), t(stop));
        let (mid, gap) = ((x0 + x1) / 2.0, (x1 - x0) * 0.06);
        for (n, from, to, colour) in [
            (c, x0 + gap, mid, palette::COLD),
            (th, mid, x1 - gap, palette::THROTTLED),
        ] {
            if n > 0 {
                lower.marks.push(Mark::Rect {
                    from: (from, base),
                    to: (to, n as f64),
                    colour,
                    opacity: 0.85,
                });
            }
        }
    }
    if !any_events {
        lower.empty = Some("no cold starts, no throttles".into());
    }
    // The bars cover the whole run; the counts, like the report's cards, the statistics
    // window (summary.json's totals): the warm-up is shaded in both panels.
    let window = if warm_up > 0.0 {
        " after the warm-up"
    } else {
        ""
    };
    let totals = &summary.totals;
    fig.key(
        Swatch::Block,
        palette::COLD,
        format!("cold starts ({}{window})", count(totals.cold_starts)),
    );
    fig.key(
        Swatch::Block,
        palette::THROTTLED,
        format!("throttled ({}{window})", count(totals.throttled)),
    );
    fig.panels.push(upper);
    fig.panels.push(lower);
    fig
}

/// The latency axis of the CDF and the histogram: log, from the fastest to the slowest
/// invocation of either kind. Each tick names its unit (`10 ms`, `1 s`), so the title names none.
fn latency_axis(cold: &Latency, warm: &Latency) -> Axis {
    let pts: Vec<(f64, f64)> = cold.cdf_ms().into_iter().chain(warm.cdf_ms()).collect();
    let lo = pts
        .iter()
        .map(|p| p.0)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let hi = pts.iter().map(|p| p.0).fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > 0.0 {
        (lo / 1.2, (hi * 1.2).max(lo * 10.0))
    } else {
        (1.0, 1000.0)
    };
    Axis::log("latency, log scale", lo, hi, ms)
}

fn kind_label(kind: &str, l: &Latency) -> String {
    match (l.quantile_ms(0.5), l.quantile_ms(0.99)) {
        (Some(p50), Some(p99)) => format!(
            "{kind} ({}): p50 {}, p99 {}",
            count(l.count()),
            ms(round3(p50)),
            ms(round3(p99))
        ),
        _ => format!("{kind}: none"),
    }
}

/// The CDF of cold and of warm latencies, p50 and p99 marked.
fn latency_cdf(cold: &Latency, warm: &Latency) -> Figure {
    let mut fig = Figure::new("latency-cdf", "Latency of cold and warm starts (CDF)");
    let mut y = Axis::linear("fraction of invocations at or below", 0.0, 1.0, num);
    y.ticks = [0.0, 0.25, 0.5, 0.75, 0.99]
        .iter()
        .map(|v| (*v, num(*v)))
        .collect();
    let mut panel = Panel::new(latency_axis(cold, warm), y);
    for q in [0.5, 0.99] {
        panel.marks.push(Mark::Line {
            points: vec![(panel.x.lo, q), (panel.x.hi, q)],
            colour: palette::REFERENCE,
            width: 1,
            dashed: true,
        });
    }
    for (l, colour, kind) in [(warm, palette::WARM, "warm"), (cold, palette::COLD, "cold")] {
        let pts = l.cdf_ms();
        if !pts.is_empty() {
            panel.marks.push(Mark::Line {
                points: cdf_steps(&pts, panel.x.lo, 0.0),
                colour,
                width: 3,
                dashed: false,
            });
            for q in [0.5, 0.99] {
                if let Some(v) = l.quantile_ms(q) {
                    panel.marks.push(Mark::Dot {
                        at: (v, q),
                        colour,
                        radius: 6,
                        marker: Marker::Circle,
                    });
                }
            }
        }
        fig.key(Swatch::Line, colour, kind_label(kind, l));
    }
    if cold.count() + warm.count() == 0 {
        panel.empty = Some("no invocation was served".into());
    }
    fig.key(Swatch::Dot, palette::REFERENCE, "p50 and p99");
    fig.panels.push(panel);
    fig
}

/// Histogram of cold and warm latencies in log-spaced bins (10 a decade), each kind as a
/// share of its own invocations so that the rare cold starts stay visible.
fn latency_histogram(cold: &Latency, warm: &Latency) -> Figure {
    let mut fig = Figure::new(
        "latency-histogram",
        "Latency of cold and warm starts (histogram, 10 bins a decade)",
    );
    let x = latency_axis(cold, warm);
    let (a, b) = (x.lo.log10(), x.hi.log10());
    let nbins = ((b - a) * 10.0).round().max(1.0) as usize;
    let bin = |v: f64| -> usize {
        (((v.max(x.lo).log10() - a) * 10.0).floor().max(0.0) as usize).min(nbins - 1)
    };
    let shares = |l: &Latency| -> Vec<f64> {
        let mut h = vec![0.0; nbins];
        let mut last = 0.0;
        for (v, f) in l.cdf_ms() {
            h[bin(v)] += (f - last) * 100.0;
            last = f;
        }
        h
    };
    let (hc, hw) = (shares(cold), shares(warm));
    let top = hc.iter().chain(&hw).copied().fold(0.0, f64::max);
    let y = Axis::linear(
        "share of that kind's invocations [%]",
        0.0,
        (top * 1.1).max(1.0),
        pct_of,
    );
    let mut panel = Panel::new(x, y);
    let edge = |k: usize| 10f64.powf(a + k as f64 / 10.0);
    for (h, colour) in [(&hw, palette::WARM), (&hc, palette::COLD)] {
        for (k, s) in h.iter().enumerate() {
            if *s > 0.0 {
                panel.marks.push(Mark::Rect {
                    from: (edge(k), 0.0),
                    to: (edge(k + 1), *s),
                    colour,
                    opacity: 0.6,
                });
            }
        }
    }
    if cold.count() + warm.count() == 0 {
        panel.empty = Some("no invocation was served".into());
    }
    fig.key(Swatch::Block, palette::WARM, kind_label("warm", warm));
    fig.key(Swatch::Block, palette::COLD, kind_label("cold", cold));
    fig.panels.push(panel);
    fig
}

/// The charts of a run, in the order the report shows them: `concurrency`, `latency-cdf`,
/// `latency-histogram`, `cold-starts`, `cold-start-ratio`, `cost`.
pub fn run_charts(
    summary: &Summary,
    sim: &Simulation,
    limits: &Limits,
) -> Result<Vec<Chart>, ChartError> {
    let (cold, warm) = sim.latency_by_start();
    let per_function: Vec<ColdRow> = summary
        .functions
        .iter()
        .map(|f| (f.name.clone(), f.figures.invocations, f.figures.cold_starts))
        .collect();
    let costs: Vec<CostRow> = summary
        .functions
        .iter()
        .map(|f| {
            let c = &f.figures.cost;
            (
                f.name.clone(),
                [
                    c.requests_usd,
                    c.compute_usd - c.init_usd,
                    c.init_usd,
                    c.provisioned_usd,
                    c.ephemeral_storage_usd,
                ],
                c.total_usd,
            )
        })
        .collect();
    let figures = [
        concurrency(summary, sim, limits),
        latency_cdf(cold, warm),
        latency_histogram(cold, warm),
        cold_start_bars(&per_function),
        cold_start_ratio_cdf(&per_function),
        cost_bars(
            "cost",
            &format!("Cost per function over {}", span(summary.window_s)),
            &costs,
            summary.totals.cost.total_usd,
        ),
    ];
    figures.iter().map(render).collect()
}

// ---------------------------------------------------------------- the charts of a cost report

/// The charts of a cost report, in the order the report shows them: `cost`, `cost-30-day`,
/// `cold-starts`, `cold-start-ratio`.
pub fn cost_charts(invoice: &Invoice) -> Result<Vec<Chart>, ChartError> {
    let window: Vec<CostRow> = invoice
        .functions
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                [
                    l.requests_usd,
                    l.compute_usd - l.init_usd,
                    l.init_usd,
                    l.provisioned_usd,
                    l.ephemeral_storage_usd,
                ],
                l.total_usd,
            )
        })
        .collect();
    let month: Vec<CostRow> = invoice
        .functions
        .iter()
        .map(|l| {
            let m = &l.month;
            // The projection keeps no storage figure of its own: what the parts leave.
            let storage = m.total_usd - m.requests_usd - m.compute_usd - m.provisioned_usd;
            (
                l.name.clone(),
                [
                    m.requests_usd,
                    m.compute_usd - m.init_usd,
                    m.init_usd,
                    m.provisioned_usd,
                    if l.ephemeral_storage_usd > 0.0 {
                        storage.max(0.0)
                    } else {
                        0.0
                    },
                ],
                m.total_usd,
            )
        })
        .collect();
    let per_function: Vec<ColdRow> = invoice
        .functions
        .iter()
        .map(|l| (l.name.clone(), l.invocations, l.cold_starts))
        .collect();
    let figures = [
        cost_bars(
            "cost",
            &format!(
                "Cost per function over the trace ({})",
                span(invoice.window_s)
            ),
            &window,
            invoice.total.total_usd,
        ),
        cost_bars(
            "cost-30-day",
            "Cost per function, the traffic repeated for 30 days",
            &month,
            invoice.total.month.total_usd,
        ),
        cold_start_bars(&per_function),
        cold_start_ratio_cdf(&per_function),
    ];
    figures.iter().map(render).collect()
}

// ---------------------------------------------------------------- the charts of a comparison

/// The policies on the Pareto frontier of (cold-start ratio, idle memory [GB·s]) pairs: those
/// no other pair dominates (no greater cold-start ratio, no more idle memory, and less of one
/// of the two), as indices into `rows` in order of increasing idle memory (so of decreasing
/// cold-start ratio). Equal pairs are both on it; a pair with a value that is not a number is
/// on it never and dominates nothing.
pub fn frontier(rows: &[(f64, f64)]) -> Vec<usize> {
    let ok = |(c, i): (f64, f64)| c.is_finite() && i.is_finite();
    let dominates =
        |a: (f64, f64), b: (f64, f64)| a.0 <= b.0 && a.1 <= b.1 && (a.0 < b.0 || a.1 < b.1);
    let mut on: Vec<usize> = (0..rows.len())
        .filter(|&i| ok(rows[i]))
        .filter(|&i| {
            !rows
                .iter()
                .any(|other| ok(*other) && dominates(*other, rows[i]))
        })
        .collect();
    on.sort_by(|&a, &b| {
        rows[a]
            .1
            .total_cmp(&rows[b].1)
            .then(rows[a].0.total_cmp(&rows[b].0))
            .then(a.cmp(&b))
    });
    on
}

/// How a policy of a comparison is drawn, the same in all its charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyStyle {
    /// Its colour: of its dot and of its bars.
    pub colour: Colour,
    /// The shape of its dot, and of the marker after its bars.
    pub marker: Marker,
}

/// The markers of policies, in order: one round of the series colours with each.
const POLICY_MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Diamond,
];

/// The style of the `i`-th policy of a comparison: the series colours in turn, circles for
/// the first six policies, triangles for the next six, then squares and diamonds, so that 24
/// policies all look different; past that, styles repeat (labels still tell them apart).
pub fn policy_style(i: usize) -> PolicyStyle {
    let n = palette::SERIES.len();
    PolicyStyle {
        colour: palette::SERIES[i % n],
        marker: POLICY_MARKERS[(i / n) % POLICY_MARKERS.len()],
    }
}

/// A policy's label cut to fit beside a dot or a bar, as function names are.
fn policy_label(policy: &str) -> String {
    short(policy)
}

/// Cold-start ratio against idle memory, one labelled dot per policy, the Pareto frontier
/// drawn through the policies no other beats on both.
fn frontier_chart(c: &Comparison) -> Figure {
    // (row index, cold-start ratio [%], idle memory [GB·s]) of the rows with invocations.
    let pts: Vec<(usize, f64, f64)> = c
        .policies
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.cold_start_ratio
                .filter(|v| v.is_finite() && r.idle_gb_s.is_finite())
                .map(|v| (i, v * 100.0, r.idle_gb_s))
        })
        .collect();
    let pairs: Vec<(f64, f64)> = pts.iter().map(|p| (p.1, p.2)).collect();
    let on = frontier(&pairs);
    let mut fig = Figure::new(
        "frontier",
        format!(
            "Cold starts against idle memory: {}, seed {}",
            c.scenario, c.seed
        ),
    );
    let max_y = pairs.iter().map(|p| p.0).fold(0.0, f64::max);
    let min_pos = pairs
        .iter()
        .map(|p| p.0)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let zeros = pairs.iter().any(|p| p.0 <= 0.0);
    let log = max_y > 0.0 && max_y / min_pos >= 100.0;
    let title = "cold-start ratio [% of invocations]";
    // On a log axis a ratio of 0 is drawn on a row of its own below an axis break.
    let (y, zero_at) = if log {
        // From half the lowest ratio to twice the highest, not whole decades: no empty decade.
        let (lo, hi) = (min_pos / 2.0, max_y * 2.0);
        let mut y = Axis::log(format!("{title}, log scale"), lo, hi, pct_of);
        (y.lo, y.hi) = (lo, hi);
        let inside = |v: f64| v >= lo * 0.999_999 && v <= hi * 1.000_001;
        y.ticks.retain(|t| inside(t.0));
        y.minor.retain(|v| inside(*v));
        if zeros {
            // 0 % a quarter of the way below, the break half way.
            y.lo = lo / 8.0;
            y.ticks.insert(0, (lo / 4.0, "0 %".into()));
            (y, Some((lo / 4.0, lo / 2.0)))
        } else {
            (y, None)
        }
    } else {
        let hi = if max_y > 0.0 { max_y * 1.15 } else { 1.0 };
        let mut y = Axis::linear(title, 0.0, hi, pct_of);
        // Room below 0 so that a dot at 0 shows whole.
        y.lo = -hi * 0.04;
        (y, None)
    };
    let max_x = pairs.iter().map(|p| p.1).fold(0.0, f64::max);
    let hi_x = if max_x > 0.0 { max_x * 1.08 } else { 1.0 };
    let mut x = Axis::linear("idle memory [GB·s]", 0.0, hi_x, num);
    x.lo = -hi_x * 0.03;
    let mut panel = Panel::new(x, y);
    let y_of = |v: f64| match zero_at {
        Some((zero, _)) if v <= 0.0 => zero,
        _ => v,
    };
    if let Some((_, brk)) = zero_at {
        panel.marks.push(Mark::Line {
            points: vec![(panel.x.lo, brk), (panel.x.hi, brk)],
            colour: palette::MUTED,
            width: 1,
            dashed: true,
        });
    }
    if on.len() > 1 {
        panel.marks.push(Mark::Line {
            points: on.iter().map(|&k| (pairs[k].1, y_of(pairs[k].0))).collect(),
            colour: palette::INK,
            width: 2,
            dashed: false,
        });
    }
    // Dots over the line, tags last: the frontier's tags first, nearest their dots.
    let (mut dot_marks, mut tags, mut grey_tags) = (Vec::new(), Vec::new(), Vec::new());
    for (k, &(i, cold, idle)) in pts.iter().enumerate() {
        let at = (idle, y_of(cold));
        let PolicyStyle { colour, marker } = policy_style(i);
        let on_frontier = on.contains(&k);
        dot_marks.push(if on_frontier {
            Mark::Dot {
                at,
                colour,
                radius: 7,
                marker,
            }
        } else {
            Mark::Ring {
                at,
                colour,
                radius: 6,
                marker,
            }
        });
        let text = policy_label(&c.policies[i].policy);
        if on_frontier {
            tags.push(Mark::Tag {
                at,
                text,
                colour: palette::INK,
            });
        } else {
            grey_tags.push(Mark::Tag {
                at,
                text,
                colour: palette::MUTED,
            });
        }
    }
    panel.marks.extend(dot_marks);
    panel.marks.extend(tags);
    panel.marks.extend(grey_tags);
    let missing = c.policies.len() - pts.len();
    if pts.is_empty() {
        panel.empty = Some("no policy had invocations".into());
    }
    fig.key(
        Swatch::Line,
        palette::INK,
        "Pareto frontier: no other policy has fewer cold starts and less idle memory",
    );
    fig.key(
        Swatch::Dot,
        palette::INK,
        format!("on the frontier ({})", on.len()),
    );
    fig.key(
        Swatch::Ring,
        palette::MUTED,
        format!("dominated ({}), label in grey", pts.len() - on.len()),
    );
    if zero_at.is_some() {
        fig.key(
            Swatch::Dashed,
            palette::MUTED,
            "axis break: a ratio of 0 % is drawn below it",
        );
    }
    if missing > 0 {
        fig.key(
            Swatch::Dot,
            palette::MUTED,
            format!("{missing} without invocations, not drawn"),
        );
    }
    fig.panels.push(panel);
    fig
}

/// The radius of the marker after a policy's bar [px].
const SIGN_RADIUS: u32 = 5;

/// One horizontal bar per policy in its colour, the first policy at the top, its marker and
/// the note after each bar; a value that is missing draws no bar. A linear axis from 0, or log
/// when the values span three decades or more.
fn policy_bars(
    value_title: &str,
    fmt: fn(f64) -> String,
    labels: &[String],
    values: &[Option<f64>],
    notes: &[String],
) -> Panel {
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let min_pos = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let log = max > 0.0 && max / min_pos >= 1000.0;
    // Room on the right for the note after the longest bar.
    let x = if log {
        Axis::log(
            format!("{value_title}, log scale"),
            min_pos / 2.0,
            max * 8.0,
            fmt,
        )
    } else {
        let hi = if max > 0.0 { max * 1.45 } else { 1.0 };
        Axis::linear_n(value_title, 0.0, hi, fmt, 5)
    };
    let mut panel = Panel::new(x, Axis::categories("", labels));
    let n = labels.len() as f64;
    let base = if log { panel.x.lo } else { 0.0 };
    let half = f64::min(if labels.len() > 12 { 0.36 } else { 0.3 }, 0.045 * n);
    for (i, (v, note)) in values.iter().zip(notes).enumerate() {
        let centre = n - i as f64 - 0.5;
        let style = policy_style(i);
        let mut end = base;
        if let Some(v) = v.filter(|v| *v > 0.0) {
            panel.marks.push(Mark::Rect {
                from: (base, centre - half),
                to: (v, centre + half),
                colour: style.colour,
                opacity: 1.0,
            });
            end = v;
        }
        // After the bar, the policy's marker as on the frontier chart, then the note.
        panel.marks.push(Mark::Sign {
            at: (end.max(base), centre),
            colour: style.colour,
            radius: SIGN_RADIUS,
            marker: style.marker,
            dx: 6 + SIGN_RADIUS as i32,
        });
        panel.marks.push(Mark::Label {
            at: (end.max(base), centre),
            text: note.clone(),
            colour: palette::INK,
            dx: 11 + 2 * SIGN_RADIUS as i32,
        });
    }
    panel
}

/// The cost of each policy beside its p99 latency (p50 dotted on the bar), one bar per policy
/// in the order given.
fn policy_cost_chart(c: &Comparison) -> Figure {
    let rows = &c.policies;
    let cheapest = rows
        .iter()
        .filter(|r| r.cost_usd.is_finite())
        .min_by(|a, b| a.cost_usd.total_cmp(&b.cost_usd));
    let title = match cheapest {
        Some(r) => format!(
            "Cost and p99 latency per policy: cheapest {} at {}",
            policy_label(&r.policy),
            usd(r.cost_usd)
        ),
        None => "Cost and p99 latency per policy".to_string(),
    };
    let mut fig = Figure::new("policy-cost", title);
    fig.side_by_side = true;
    let labels: Vec<String> = rows.iter().map(|r| policy_label(&r.policy)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    fig.y_label_room = (longest * 9 + 20).clamp(60, 260);
    let costs: Vec<Option<f64>> = rows.iter().map(|r| Some(r.cost_usd.max(0.0))).collect();
    let cost_notes: Vec<String> = rows.iter().map(|r| usd(r.cost_usd)).collect();
    let mut cost = policy_bars("cost [USD]", usd_tick, &labels, &costs, &cost_notes);
    let p99: Vec<Option<f64>> = rows.iter().map(|r| r.p99_ms).collect();
    let p99_notes: Vec<String> = rows
        .iter()
        .map(|r| r.p99_ms.map_or_else(|| "–".into(), |v| ms(round3(v))))
        .collect();
    let mut latency = policy_bars("p99 latency [ms]", num, &labels, &p99, &p99_notes);
    latency.y_labels = false;
    let n = rows.len() as f64;
    for (i, r) in rows.iter().enumerate() {
        if let (Some(p50), Some(_)) = (r.p50_ms, r.p99_ms) {
            latency.marks.push(Mark::Dot {
                at: (p50, n - i as f64 - 0.5),
                colour: palette::INK,
                radius: 4,
                marker: Marker::Circle,
            });
        }
    }
    if rows.is_empty() {
        cost.empty = Some("no policy".into());
        latency.empty = Some("no policy".into());
    }
    fig.key(
        Swatch::Dot,
        palette::INK,
        "p50 latency, on the p99 bar (each policy in its colour and marker on both charts)",
    );
    fig.panels.push(cost);
    fig.panels.push(latency);
    fig
}

/// The charts of a comparison, in the order the report shows them: `frontier`, `policy-cost`.
pub fn compare_charts(c: &Comparison) -> Result<Vec<Chart>, ChartError> {
    [frontier_chart(c), policy_cost_chart(c)]
        .iter()
        .map(render)
        .collect()
}

// ---------------------------------------------------------------- the charts of a sweep

/// A swept value without the quotes of a TOML string (`"5m"` → `5m`).
fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// The x axis of a sweep over the values of one key, and each value's position on it: numbers
/// on a numeric axis, durations (`1m`, `5m`) in the unit that reads best, anything else one
/// slot per value in the order given. A numeric axis is log when the values span two decades
/// or more; its ticks are then the values themselves, as written.
fn sweep_x_axis(key: &str, values: &[String]) -> (Axis, Vec<f64>) {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let durations: Option<Vec<f64>> = values
        .iter()
        .map(|v| SimDuration::parse(unquote(v)).ok().map(|d| d.as_secs_f64()))
        .collect();
    let (xs, title) = match (numbers, durations) {
        (Some(xs), _) => (xs, key.to_string()),
        (None, Some(secs)) => {
            let (unit_s, unit) = time_unit(secs.iter().copied().fold(0.0, f64::max));
            let xs = secs.iter().map(|s| s / unit_s).collect();
            (xs, format!("{key} [{unit}]"))
        }
        (None, None) => {
            // As many characters as a slot holds, about 8 px each over 800 px.
            let room = (100 / values.len().max(1)).clamp(12, 44);
            let axis = Axis {
                title: key.to_string(),
                log: false,
                lo: 0.0,
                hi: values.len().max(1) as f64,
                ticks: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as f64 + 0.5, cut(unquote(v), room)))
                    .collect(),
                minor: Vec::new(),
            };
            return (axis, (0..values.len()).map(|i| i as f64 + 0.5).collect());
        }
    };
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo > 0.0 && hi / lo >= 100.0 {
        // From a little below the lowest value to a little above the highest: no empty decade.
        let (a, b) = (lo / 1.5, hi * 1.5);
        let mut axis = Axis::log(format!("{key}, log scale"), a, b, num);
        (axis.lo, axis.hi) = (a, b);
        // Grid lines at the values only: a sweep has few, and decades would be noise.
        axis.minor.clear();
        // The values as written, a label dropped where it would touch the one before.
        let mut order: Vec<usize> = (0..xs.len()).collect();
        order.sort_by(|&i, &j| xs[i].total_cmp(&xs[j]));
        let span = (b / a).log10();
        let mut ticks: Vec<(f64, String)> = Vec::new();
        for i in order {
            let close = ticks
                .last()
                .is_some_and(|t| (xs[i] / t.0).log10() / span < 0.06);
            if !close {
                ticks.push((xs[i], unquote(&values[i]).to_string()));
            }
        }
        axis.ticks = ticks;
        return (axis, xs);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        (lo.abs() * 0.5).max(1.0)
    };
    (Axis::linear(title, lo - pad, hi + pad, num), xs)
}

/// One metric of a sweep chart: its file stem, what the title calls it, the y axis title
/// (with the unit), its index in [`METRICS`], the factor from the metric's unit to the axis's
/// and the tick format.
struct SweepMetric {
    name: &'static str,
    what: &'static str,
    axis: &'static str,
    metric: &'static str,
    scale: f64,
    fmt: fn(f64) -> String,
}

/// The metrics drawn against the swept key, one chart each, in the order the report shows them.
const SWEEP_METRICS: [SweepMetric; 4] = [
    SweepMetric {
        name: "sweep-cold-start-ratio",
        what: "Cold-start ratio",
        axis: "cold-start ratio [% of invocations]",
        metric: "cold_start_ratio",
        scale: 100.0,
        fmt: pct_of,
    },
    SweepMetric {
        name: "sweep-p99",
        what: "p99 latency",
        axis: "p99 latency [ms]",
        metric: "p99_ms",
        scale: 1.0,
        fmt: num,
    },
    SweepMetric {
        name: "sweep-cost",
        what: "Cost",
        axis: "cost [USD]",
        metric: "cost_usd",
        scale: 1.0,
        fmt: usd_tick,
    },
    SweepMetric {
        name: "sweep-idle-gb-s",
        what: "Idle memory",
        axis: "idle memory [GB·s]",
        metric: "idle_gb_s",
        scale: 1.0,
        fmt: num,
    },
];

/// The series of a sweep: one per combination of the values of the swept keys after the
/// first, in grid order, each with its legend text and its points' indices into `r.points`.
fn sweep_series(r: &SweepResult) -> Vec<(String, Vec<usize>)> {
    let rest = r.sets.get(1..).unwrap_or_default();
    let per: u64 = rest
        .iter()
        .map(|s| s.values.len() as u64)
        .product::<u64>()
        .max(1);
    let mut series: Vec<(u64, String, Vec<usize>)> = Vec::new();
    for (i, p) in r.points.iter().enumerate() {
        let id = p.index % per;
        match series.iter_mut().find(|s| s.0 == id) {
            Some(s) => s.2.push(i),
            None => {
                let label = rest
                    .iter()
                    .zip(p.values.iter().skip(1))
                    .map(|(s, v)| format!("{}={v}", s.key))
                    .collect::<Vec<_>>()
                    .join(", ");
                series.push((id, cut(&label, 70), vec![i]));
            }
        }
    }
    series.sort_by_key(|s| s.0);
    series.into_iter().map(|(_, l, p)| (l, p)).collect()
}

/// A point of a sweep series: its x and, where defined, its mean and half-width, in axis units.
type SweepDot = (f64, Option<(f64, f64)>);

/// One metric against the first swept key: a line per series (the first six), a band of
/// mean ± ci95 around it when there are replications, a dot at each point; a point without a
/// value (no invocation served) leaves a gap.
fn sweep_chart(r: &SweepResult, m: &SweepMetric) -> Figure {
    let metric = METRICS.iter().position(|x| *x == m.metric).unwrap_or(0);
    let (key, values): (&str, &[String]) = match r.sets.first() {
        Some(s) => (&s.key, &s.values),
        None => ("grid point", &[]),
    };
    let (x, xs) = sweep_x_axis(key, values);
    let n0 = values.len().max(1) as u64;
    let per: u64 = r
        .sets
        .iter()
        .skip(1)
        .map(|s| s.values.len() as u64)
        .product::<u64>()
        .max(1);
    let all = sweep_series(r);
    let shown = all.len().min(palette::SERIES.len());
    let bands = r.replications > 1;
    // Per series shown: (x, mean, half-width) in axis units, by x; None where undefined.
    let series: Vec<Vec<SweepDot>> = all[..shown]
        .iter()
        .map(|(_, idx)| {
            let mut pts: Vec<SweepDot> = idx
                .iter()
                .map(|&i| {
                    let p = &r.points[i];
                    let k = ((p.index / per) % n0) as usize;
                    let at = xs.get(k).copied().unwrap_or(0.5);
                    let (mean, ci) = p.stat(metric);
                    let v = mean
                        .filter(|v| v.is_finite())
                        .map(|v| (v * m.scale, ci.unwrap_or(0.0) * m.scale));
                    (at, v)
                })
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            pts
        })
        .collect();
    let defined = || series.iter().flatten().filter_map(|p| p.1);
    let top = defined()
        .map(|(v, h)| if bands { v + h } else { v })
        .fold(0.0, f64::max);
    let min_pos = defined()
        .map(|p| p.0)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    // Log only without zeros, which a log axis cannot show.
    let zeros = defined().any(|p| p.0 <= 0.0);
    let y = if !zeros && top > 0.0 && top / min_pos >= 1000.0 {
        Axis::log(
            format!("{}, log scale", m.axis),
            min_pos / 2.0,
            top * 2.0,
            m.fmt,
        )
    } else {
        let hi = if top > 0.0 { top * 1.12 } else { 1.0 };
        let mut y = Axis::linear(m.axis, 0.0, hi, m.fmt);
        // Room below 0 so that a dot at 0 shows whole.
        y.lo = -hi * 0.03;
        y
    };
    let cap = if all.len() > shown {
        format!(" (the first {shown} of {} series)", all.len())
    } else {
        String::new()
    };
    let mut fig = Figure::new(
        m.name,
        format!("{} against {key}: {}{cap}", m.what, r.scenario),
    );
    let mut panel = Panel::new(x, y);
    let floor = if panel.y.log { panel.y.lo } else { 0.0 };
    // Fainter bands when several overlap, so that the lines stay readable.
    let opacity = BAND_OPACITY / (series.len().max(1) as f64).sqrt();
    let (mut band_marks, mut lines, mut dots) = (Vec::new(), Vec::new(), Vec::new());
    for (k, pts) in series.iter().enumerate() {
        let colour = palette::SERIES[k];
        // Runs of neighbouring defined points: a gap where a point has no value.
        for run in pts.split(|p| p.1.is_none()).filter(|run| !run.is_empty()) {
            let vals: Vec<(f64, f64, f64)> = run
                .iter()
                .filter_map(|p| p.1.map(|(v, h)| (p.0, v, h)))
                .collect();
            if bands && vals.len() > 1 {
                band_marks.push(Mark::Band {
                    upper: vals.iter().map(|&(x, v, h)| (x, v + h)).collect(),
                    lower: vals
                        .iter()
                        .map(|&(x, v, h)| (x, (v - h).max(floor)))
                        .collect(),
                    colour,
                    opacity,
                });
            }
            if vals.len() > 1 {
                lines.push(Mark::Line {
                    points: vals.iter().map(|&(x, v, _)| (x, v)).collect(),
                    colour,
                    width: 3,
                    dashed: false,
                });
            } else if let Some(&(x, v, h)) = vals.first().filter(|_| bands) {
                // A lone point: its interval as an error bar.
                lines.push(Mark::Line {
                    points: vec![(x, (v - h).max(floor)), (x, v + h)],
                    colour,
                    width: 2,
                    dashed: false,
                });
            }
            for &(x, v, _) in &vals {
                dots.push(Mark::Dot {
                    at: (x, v),
                    colour,
                    radius: 4,
                    marker: Marker::Circle,
                });
            }
        }
    }
    panel.marks.extend(band_marks);
    panel.marks.extend(lines);
    panel.marks.extend(dots);
    let swatch = if bands { Swatch::Band } else { Swatch::Line };
    let interval = format!(
        "mean of {} replications; band: its 95 % confidence interval",
        r.replications
    );
    // One series (a single swept key): its legend says what the line and the band are.
    let alone = all.len() == 1 && all[0].0.is_empty();
    for (k, (label, _)) in all[..shown].iter().enumerate() {
        let text = match (alone, bands) {
            (true, true) => interval.clone(),
            (true, false) => "one run per point".to_string(),
            (false, _) => label.clone(),
        };
        fig.key(swatch, palette::SERIES[k], text);
    }
    if bands && !alone {
        fig.key(Swatch::Band, palette::MUTED, format!("line: {interval}"));
    }
    let missing = series.iter().flatten().filter(|p| p.1.is_none()).count();
    if defined().next().is_none() {
        panel.empty = Some("no grid point served an invocation".into());
    } else if missing > 0 {
        fig.key(
            Swatch::Ring,
            palette::MUTED,
            format!(
                "{missing} {} without invocations: a gap in the line",
                if missing == 1 { "point" } else { "points" }
            ),
        );
    }
    fig.panels.push(panel);
    fig
}

/// The charts of a sweep, in the order the report shows them: `sweep-cold-start-ratio`,
/// `sweep-p99`, `sweep-cost`, `sweep-idle-gb-s`, each a metric against the first swept key,
/// one line per combination of the other keys' values.
pub fn sweep_charts(r: &SweepResult) -> Result<Vec<Chart>, ChartError> {
    SWEEP_METRICS
        .iter()
        .map(|m| render(&sweep_chart(r, m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_bins_are_round_spans() {
        const S: u64 = MICROS_PER_S;
        // 1 h in 2 s buckets: 30 s bins; 3 h in 10 s: 2 min; a day in 50 s: 15 min.
        assert_eq!(buckets_per_bin(1_800, 2 * S, 120), 15);
        assert_eq!(buckets_per_bin(1_080, 10 * S, 120), 12);
        assert_eq!(buckets_per_bin(1_728, 50 * S, 120), 18);
        // 10 min in 500 ms buckets: 5 s.
        assert_eq!(buckets_per_bin(1_200, S / 2, 120), 10);
        // Few buckets stay as they are, whatever their width.
        assert_eq!(buckets_per_bin(100, 7 * S, 120), 1);
        // No round multiple within reach: 1, 2 or 5 times a power of ten.
        assert_eq!(buckets_per_bin(300, 7 * S, 120), 5);
        for us in [
            S / 2,
            2 * S,
            15 * S,
            30 * S,
            60 * S,
            900 * S,
            7_200 * S,
            86_400 * S,
        ] {
            assert!(round_span(us), "{us}");
        }
        for us in [
            0,
            3 * S,
            25 * S,
            100 * S,
            7 * 60 * S,
            5 * 3_600 * S,
            90_000 * S,
        ] {
            assert!(!round_span(us), "{us}");
        }
    }

    #[test]
    fn empty_inputs_still_draw() {
        for fig in [
            cold_start_bars(&[]),
            cold_start_ratio_cdf(&[]),
            cost_bars("cost", "Cost", &[], 0.0),
            latency_cdf(&Latency::new(), &Latency::new()),
            latency_histogram(&Latency::new(), &Latency::new()),
        ] {
            let chart = render(&fig).unwrap_or_else(|e| panic!("{e}"));
            assert!(chart.svg.contains("<svg"));
        }
    }
}
