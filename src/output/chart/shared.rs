//! Chart builders the charts of a run and of a cost report share: horizontal stacked bars, step CDFs, cold starts per function and the CDF of their ratio, cost per function.

use super::figure::{Axis, Figure, Mark, Panel, Swatch};
use super::format::{count, num, pct, pct_of, short, usd, usd_tick};
use super::palette::{self, Colour};

/// Bar charts show at most this many functions, the worst ones, and say so in the title.
pub const MAX_BARS: usize = 20;

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
pub(super) type ColdRow = (String, u64, u64);

/// The functions with the most cold starts, as bars.
pub(super) fn cold_start_bars(rows: &[ColdRow]) -> Figure {
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
pub(super) fn cold_start_ratio_cdf(rows: &[ColdRow]) -> Figure {
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
const COST_PARTS: [(Colour, &str); 6] = [
    (palette::REQUESTS, "requests"),
    (palette::COMPUTE, "compute (INIT excluded)"),
    (palette::INIT, "INIT (cold starts)"),
    (palette::PROVISIONED, "provisioned or always-ready"),
    (palette::STORAGE, "ephemeral storage"),
    (palette::MANAGEMENT, "management fee"),
];

/// One function's bill: name, the parts of [`COST_PARTS`] and the total [USD].
pub(super) type CostRow = (String, [f64; 6], f64);

pub(super) fn cost_bars(name: &'static str, what: &str, rows: &[CostRow], total: f64) -> Figure {
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
