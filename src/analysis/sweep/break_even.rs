//! Where one platform becomes cheaper than another as traffic grows: in a sweep over `platform.kind` and a numeric axis (like `traffic_scale`), the points of that axis at which the mean cost of two platforms cross, found between neighbouring values by linear interpolation.

use serde::Serialize;

use super::result::{METRICS, SweepResult};

/// The key of the platform axis.
pub const PLATFORM_KEY: &str = "platform.kind";

/// One crossing of two platforms' mean cost along the numeric axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crossing {
    /// The numeric axis (`traffic_scale`, ...).
    pub axis: String,
    /// The values of the other axes, as `key=value`, when the sweep has more.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at: Vec<String>,
    /// The platform cheaper below the crossing.
    pub cheaper_below: String,
    /// The platform cheaper above it.
    pub cheaper_above: String,
    /// The axis value where their mean costs are equal, by linear interpolation [axis unit].
    pub value: f64,
    /// The neighbouring axis values it lies between (or on).
    pub between: (f64, f64),
    /// The mean cost there [USD].
    pub cost_usd: f64,
}

/// Every crossing of a sweep with a `platform.kind` axis and a numeric axis (the first other
/// axis whose values are all numbers): for each pair of platforms and each combination of the
/// remaining axes, each sign change of the difference of their mean costs between
/// neighbouring values of the numeric axis (sorted), in grid order. Empty otherwise, and
/// where a platform has no cost at a value.
pub fn crossings(r: &SweepResult) -> Vec<Crossing> {
    let Some(kind_axis) = r.sets.iter().position(|s| s.key == PLATFORM_KEY) else {
        return Vec::new();
    };
    let Some(num_axis) = r.sets.iter().enumerate().position(|(i, s)| {
        i != kind_axis && s.values.len() > 1 && s.values.iter().all(|v| v.parse::<f64>().is_ok())
    }) else {
        return Vec::new();
    };
    let cost = METRICS
        .iter()
        .position(|m| *m == "cost_usd")
        .unwrap_or_else(|| unreachable!("cost_usd is a metric"));
    let mut xs: Vec<(f64, &str)> = r.sets[num_axis]
        .values
        .iter()
        .map(|v| (v.parse::<f64>().unwrap_or(f64::NAN), v.as_str()))
        .collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let kinds = &r.sets[kind_axis].values;
    // The other axes' combinations, in the order their points appear.
    let others: Vec<usize> = (0..r.sets.len())
        .filter(|&i| i != kind_axis && i != num_axis)
        .collect();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for p in &r.points {
        let g: Vec<&str> = others.iter().map(|&i| p.values[i].as_str()).collect();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mean_cost = |group: &[&str], kind: &str, x: &str| -> Option<f64> {
        r.points
            .iter()
            .find(|p| {
                p.values[kind_axis] == kind
                    && p.values[num_axis] == x
                    && others.iter().zip(group).all(|(&i, v)| p.values[i] == *v)
            })
            .and_then(|p| p.stat(cost).0)
    };
    let mut out = Vec::new();
    for group in &groups {
        let at: Vec<String> = others
            .iter()
            .zip(group)
            .map(|(&i, v)| format!("{}={v}", r.sets[i].key))
            .collect();
        for (a_i, a) in kinds.iter().enumerate() {
            for b in &kinds[a_i + 1..] {
                let diffs: Vec<Option<(f64, f64, f64)>> = xs
                    .iter()
                    .map(|(x, xv)| {
                        let ca = mean_cost(group, a, xv)?;
                        let cb = mean_cost(group, b, xv)?;
                        Some((*x, ca - cb, ca))
                    })
                    .collect();
                for w in diffs.windows(2) {
                    let (Some((x0, d0, c0)), Some((x1, d1, c1))) = (w[0], w[1]) else {
                        continue;
                    };
                    // A sign change, or a tie reached from one side (counted once: at its end).
                    if !(d0 < 0.0 && d1 >= 0.0 || d0 > 0.0 && d1 <= 0.0) {
                        continue;
                    }
                    let t = d0 / (d0 - d1);
                    let (below, above) = if d0 < 0.0 { (a, b) } else { (b, a) };
                    out.push(Crossing {
                        axis: r.sets[num_axis].key.clone(),
                        at: at.clone(),
                        cheaper_below: below.clone(),
                        cheaper_above: above.clone(),
                        value: x0 + t * (x1 - x0),
                        between: (x0, x1),
                        cost_usd: c0 + t * (c1 - c0),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sweep::result::{Point, Run};
    use crate::analysis::sweep::set::Set;

    /// A sweep of two platforms over traffic_scale 1, 2, 4 with one replication each, cost
    /// `a(x)` and `b(x)` at each scale.
    fn sweep(a: [f64; 3], b: [f64; 3]) -> SweepResult {
        let scales = ["1", "2", "4"];
        let mut points = Vec::new();
        for (k, (kind, costs)) in [("aws-lambda", a), ("google-cloud-run", b)]
            .into_iter()
            .enumerate()
        {
            for (i, x) in scales.iter().enumerate() {
                let mut metrics = [Some(0.0); 10];
                metrics[8] = Some(costs[i]);
                points.push(Point {
                    index: (k * 3 + i) as u64,
                    values: vec![kind.to_string(), x.to_string()],
                    runs: vec![Run { seed: 0, metrics }],
                });
            }
        }
        SweepResult {
            scenario: "s".into(),
            seed: 0,
            replications: 1,
            sets: vec![
                Set {
                    key: PLATFORM_KEY.into(),
                    values: vec!["aws-lambda".into(), "google-cloud-run".into()],
                },
                Set {
                    key: "traffic_scale".into(),
                    values: scales.iter().map(|s| s.to_string()).collect(),
                },
            ],
            grid_points: 6,
            shard: None,
            fingerprint: String::new(),
            points,
        }
    }

    #[test]
    fn the_crossing_is_interpolated_between_neighbouring_scales() {
        // Lambda grows by 1 a scale step, Cloud Run is flat at 2.5: they cross at 2.5 (between
        // 2 and 4, where Lambda costs 2 and 4: 2 + (2.5 - 2) / 2 × 2 = 2.5... at scale 2.5).
        let c = crossings(&sweep([1.0, 2.0, 4.0], [2.5, 2.5, 2.5]));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].cheaper_below, "aws-lambda");
        assert_eq!(c[0].cheaper_above, "google-cloud-run");
        assert_eq!(c[0].between, (2.0, 4.0));
        // d = -0.5 at 2, +1.5 at 4: t = 0.25, scale 2.5, cost 2 + 0.25 × 2 = 2.5.
        assert!((c[0].value - 2.5).abs() < 1e-12, "{}", c[0].value);
        assert!((c[0].cost_usd - 2.5).abs() < 1e-12);
    }

    #[test]
    fn the_numeric_axis_is_the_first_other_one_with_several_numbers() {
        // A single-valued axis (memory_mb = 512) between the platforms and the scales is
        // passed over: the crossing is still found along traffic_scale.
        let mut r = sweep([1.0, 2.0, 4.0], [2.5, 2.5, 2.5]);
        r.sets.insert(
            1,
            Set {
                key: "function.f.memory_mb".into(),
                values: vec!["512".into()],
            },
        );
        for p in &mut r.points {
            p.values.insert(1, "512".into());
        }
        let c = crossings(&r);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].between, (2.0, 4.0));
    }

    #[test]
    fn no_crossing_when_one_platform_stays_cheaper_and_a_tie_counts_once() {
        assert!(crossings(&sweep([1.0, 2.0, 4.0], [5.0, 6.0, 7.0])).is_empty());
        // A tie at the first value, then apart: the tie is not reached from either side.
        assert!(crossings(&sweep([2.0, 2.0, 2.0], [2.0, 1.0, 1.0])).is_empty());
        assert!(crossings(&sweep([2.0, 2.0, 2.0], [2.0, 3.0, 3.0])).is_empty());
        // Cheaper above: Cloud Run below 2, the tie at 2 reached from one side, then Lambda.
        let c = crossings(&sweep([3.0, 2.0, 1.0], [2.0, 2.0, 2.0]));
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].value, 2.0);
        assert_eq!(c[0].cheaper_below, "google-cloud-run");
    }
}
