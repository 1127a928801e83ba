//! The files of `coldsim compare`, as bytes: `compare.json`, `compare.csv`, and the terminal table.

use crate::analysis::compare::Comparison;
use crate::output::number::fixed as opt;

/// The columns of `compare.csv`, in order.
pub const COMPARE_COLUMNS: [&str; 22] = [
    "policy",
    "platform",
    "invocations",
    "cold_starts",
    "cold_start_ratio",
    "p50_ms",
    "p99_ms",
    "idle_gb_s",
    "wasted_memory_vs_fixed_10m",
    "total_usd",
    "requests_usd",
    "compute_usd",
    "provisioned_usd",
    "management_usd",
    "snapstart_usd",
    "month_total_usd",
    "peak_containers",
    "peak_in_flight",
    "p75_function_cold_start_ratio",
    "prewarmed",
    "warmer_pings",
    "throttled",
];

impl Comparison {
    /// `compare.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        crate::output::number::json_file(self)
    }

    /// `compare.csv`: one row per policy; columns in [`COMPARE_COLUMNS`].
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let written = w.write_record(COMPARE_COLUMNS).and_then(|_| {
            self.policies.iter().try_for_each(|r| {
                w.write_record([
                    r.policy.clone(),
                    r.platform.clone(),
                    r.invocations.to_string(),
                    r.cold_starts.to_string(),
                    opt(r.cold_start_ratio, 6),
                    opt(r.p50_ms, 3),
                    opt(r.p99_ms, 3),
                    format!("{:.3}", r.idle_gb_s),
                    opt(r.wasted_memory_vs_fixed_10m, 6),
                    format!("{:.9}", r.total_usd),
                    format!("{:.9}", r.requests_usd),
                    format!("{:.9}", r.compute_usd),
                    format!("{:.9}", r.provisioned_usd),
                    format!("{:.9}", r.management_usd),
                    format!("{:.9}", r.snapstart_usd),
                    format!("{:.6}", r.month_total_usd),
                    r.peak_containers.to_string(),
                    r.peak_in_flight.to_string(),
                    opt(r.p75_function_cold_start_ratio, 6),
                    r.prewarmed.to_string(),
                    r.warmer_pings.to_string(),
                    r.throttled.to_string(),
                ])
            })
        });
        written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
        w.into_inner()
            .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
    }

    /// The table `coldsim compare` prints, fitted to `width` (see [`crate::output::table::fit`]):
    /// cold starts and throttles as counts beside the ratio, so a policy that throttles
    /// is not mistaken for one that is merely slow.
    pub fn table(&self, width: Option<usize>) -> String {
        use crate::output::number::significant;
        use crate::output::table::{Column, fit};
        let columns = [
            Column::key("policy"),
            Column::number("cold", 0),
            // Throttled invocations count in the denominator: the header says so.
            Column::number("cold %\nof all", 0),
            Column::number("throttled", 0),
            Column::number("p50\nms", 4),
            Column::number("p99\nms", 0),
            Column::number("idle\nGB-s", 5),
            Column::number("idle vs\nfixed:10m", 6),
            Column::number("cost\nUSD", 0),
            Column::number("p75 function\ncold %", 3),
            Column::number("pre-\nwarmed", 2),
            Column::number("warmer\npings", 1),
        ];
        let rows: Vec<Vec<String>> = self
            .policies
            .iter()
            .map(|r| {
                vec![
                    r.policy.clone(),
                    r.cold_starts.to_string(),
                    r.cold_start_ratio
                        .map_or_else(|| "-".into(), |x| significant(x * 100.0)),
                    r.throttled.to_string(),
                    opt(r.p50_ms, 1),
                    opt(r.p99_ms, 1),
                    format!("{:.1}", r.idle_gb_s),
                    opt(r.wasted_memory_vs_fixed_10m, 3),
                    format!("{:.4}", r.total_usd),
                    r.p75_function_cold_start_ratio
                        .map_or_else(|| "-".into(), |x| significant(x * 100.0)),
                    r.prewarmed.to_string(),
                    r.warmer_pings.to_string(),
                ]
            })
            .collect();
        fit(&columns, &rows, width, "compare.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::Row;

    fn row(policy: &str, cold_starts: u64, throttled: u64) -> Row {
        Row {
            policy: policy.into(),
            invocations: 525_340,
            cold_starts,
            cold_start_ratio: Some(cold_starts as f64 / 525_340.0),
            p50_ms: Some(107.5),
            p99_ms: Some(323.6),
            idle_gb_s: 200_763.5,
            wasted_memory_vs_fixed_10m: Some(1.0),
            total_usd: 0.9499,
            platform: "aws-lambda".into(),
            requests_usd: 0.1,
            compute_usd: 0.8499,
            provisioned_usd: 0.0,
            management_usd: 0.0,
            snapstart_usd: 0.0,
            month_total_usd: 28.5,
            peak_containers: 40,
            peak_in_flight: 1,
            p75_function_cold_start_ratio: Some(cold_starts as f64 / 525_340.0),
            prewarmed: 0,
            warmer_pings: 0,
            throttled,
        }
    }

    #[test]
    fn the_table_fits_80_columns_with_counts_and_ratios_that_tell_2_from_18() {
        let c = Comparison {
            scenario: "quickstart".into(),
            seed: 7,
            policies: vec![
                row("fixed:10m", 18, 0),
                row("warmer:5m,2", 2, 0),
                row("provisioned:1", 7, 194_376),
            ],
        };
        let t = c.table(Some(80));
        assert!(crate::output::table::width_of(&t) <= 80, "{t}");
        let header: String = t.lines().skip(1).take(2).collect::<Vec<_>>().join(" ");
        for kept in ["policy", "cold", "of all", "throttled", "p99", "USD"] {
            assert!(header.contains(kept), "{kept} missing:\n{t}");
        }
        // The counts, and ratios to significant digits: 18 / 525340 and 2 / 525340.
        assert!(t.contains(" 194376 "), "{t}");
        assert!(t.contains(" 0.003426 ") && t.contains(" 0.0003807 "), "{t}");
        // Unbounded, every column is shown.
        assert!(c.table(None).contains("warmer"), "{}", c.table(None));
    }
}
