//! The charts of a sweep: each metric against the first swept key, one line per combination of the other keys' values, in a band of its 95 % confidence interval when there are replications.

use crate::analysis::sweep::{METRICS, SweepResult};
use crate::time::SimDuration;

use super::draw::{Chart, ChartError, render};
use super::figure::{Axis, BAND_OPACITY, Figure, Mark, Marker, Panel, Swatch};
use super::format::{cut, num, pct_of, time_unit, usd_tick};
use super::palette;

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
