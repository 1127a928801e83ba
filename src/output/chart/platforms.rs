//! The charts of one traffic priced on several platforms: the 30-day cost against p99 latency, one labelled dot per platform with the platforms no other beats on both joined, then the comparison's own charts.

use crate::analysis::platforms::PlatformBills;

use super::compare::{compare_charts, frontier, policy_style};
use super::draw::{Chart, ChartError, render};
use super::figure::{Axis, Figure, Mark, Panel, Swatch};
use super::format::{num, usd, usd_tick};
use super::palette;

/// The 30-day cost of each platform against its p99 latency: a dot per platform (filled when
/// no other platform is both cheaper and faster), those joined by a line.
fn cost_latency_chart(bills: &PlatformBills) -> Figure {
    // (row, p99 [ms], 30-day cost [USD]) of the platforms with a latency.
    let pts: Vec<(usize, f64, f64)> = bills
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.p99_ms
                .filter(|v| v.is_finite() && r.month_total_usd.is_finite())
                .map(|p99| (i, p99, r.month_total_usd))
        })
        .collect();
    // The frontier of (cost, p99): cheaper and faster both count.
    let pairs: Vec<(f64, f64)> = pts.iter().map(|p| (p.2, p.1)).collect();
    let on = frontier(&pairs);
    let title = match bills.rows.iter().find(|r| r.platform == bills.cheapest) {
        Some(r) => format!(
            "30-day cost against p99 latency per platform: cheapest {} at {}",
            r.platform,
            usd(r.month_total_usd)
        ),
        None => "30-day cost against p99 latency per platform".into(),
    };
    let mut fig = Figure::new("platform-cost-latency", title);
    let max_x = pairs.iter().map(|p| p.1).fold(0.0, f64::max);
    let max_y = pairs.iter().map(|p| p.0).fold(0.0, f64::max);
    let hi_x = if max_x > 0.0 { max_x * 1.25 } else { 1.0 };
    let hi_y = if max_y > 0.0 { max_y * 1.15 } else { 1.0 };
    let mut x = Axis::linear("p99 latency [ms]", 0.0, hi_x, num);
    x.lo = -hi_x * 0.03;
    let mut y = Axis::linear("30-day cost [USD]", 0.0, hi_y, usd_tick);
    y.lo = -hi_y * 0.04;
    let mut panel = Panel::new(x, y);
    if on.len() > 1 {
        // Ordered by cost, so by decreasing latency along the frontier.
        panel.marks.push(Mark::Line {
            points: on.iter().map(|&k| (pairs[k].1, pairs[k].0)).collect(),
            colour: palette::INK,
            width: 2,
            dashed: false,
        });
    }
    let mut tags = Vec::new();
    for (k, &(i, p99, usd_month)) in pts.iter().enumerate() {
        let style = policy_style(i);
        let at = (p99, usd_month);
        let best = on.contains(&k);
        panel.marks.push(if best {
            Mark::Dot {
                at,
                colour: style.colour,
                radius: 7,
                marker: style.marker,
            }
        } else {
            Mark::Ring {
                at,
                colour: style.colour,
                radius: 6,
                marker: style.marker,
            }
        });
        tags.push(Mark::Tag {
            at,
            text: bills.rows[i].platform.clone(),
            colour: if best { palette::INK } else { palette::MUTED },
        });
    }
    panel.marks.extend(tags);
    if pts.is_empty() {
        panel.empty = Some("no platform had invocations".into());
    }
    fig.key(
        Swatch::Line,
        palette::INK,
        "no other platform is both cheaper and faster at p99",
    );
    fig.key(
        Swatch::Ring,
        palette::MUTED,
        format!("beaten on both ({})", pts.len() - on.len()),
    );
    fig.panels.push(panel);
    fig
}

/// The charts of a platform comparison, in the order the report shows them:
/// `platform-cost-latency`, then the comparison's `frontier` and `policy-cost`.
pub fn platform_charts(bills: &PlatformBills) -> Result<Vec<Chart>, ChartError> {
    let mut charts = vec![render(&cost_latency_chart(bills))?];
    charts.extend(compare_charts(&bills.comparison())?);
    Ok(charts)
}
