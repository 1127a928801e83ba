//! The charts of a policy comparison: cold starts against idle memory with the Pareto [`frontier`], and cost beside p99 latency, each policy drawn in its [`PolicyStyle`].

use crate::analysis::compare::Comparison;

use super::draw::{Chart, ChartError, render};
use super::figure::{Axis, Figure, Mark, Marker, Panel, Swatch};
use super::format::{ms, num, pct_of, round3, short, usd, usd_tick};
use super::palette::{self, Colour};

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
        .filter(|r| r.total_usd.is_finite())
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
    let title = match cheapest {
        Some(r) => format!(
            "Cost and p99 latency per policy: cheapest {} at {}",
            policy_label(&r.policy),
            usd(r.total_usd)
        ),
        None => "Cost and p99 latency per policy".to_string(),
    };
    let mut fig = Figure::new("policy-cost", title);
    fig.side_by_side = true;
    let labels: Vec<String> = rows.iter().map(|r| policy_label(&r.policy)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    fig.y_label_room = (longest * 9 + 20).clamp(60, 260);
    let costs: Vec<Option<f64>> = rows.iter().map(|r| Some(r.total_usd.max(0.0))).collect();
    let cost_notes: Vec<String> = rows.iter().map(|r| usd(r.total_usd)).collect();
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
