//! The charts of a run: containers over time with the cold starts and throttles below, the latency CDF and histogram, cold starts and cost per function; the [`Limits`] the concurrency chart draws.

use crate::analysis::summary::Summary;
use crate::model::scenario::Scenario;
use crate::sim::engine::Simulation;
use crate::sim::stats::Latency;
use crate::time::{MICROS_PER_S, SimDuration};

use super::draw::{Chart, ChartError, render};
use super::figure::{Axis, Figure, Mark, Marker, Panel, Swatch};
use super::format::{count, ms, num, pct_of, round3, short, span, time_unit};
use super::palette;
use super::shared::{
    ColdRow, CostRow, cdf_steps, cold_start_bars, cold_start_ratio_cdf, cost_bars,
};

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
                    c.management_usd,
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
