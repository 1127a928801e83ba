//! The files of `coldsim cost --platform`, as bytes: `cost.json` with one bill per platform, `cost.csv` with a row per platform and function, `cost.md`, and the table printed.

use crate::analysis::platforms::PlatformBills;
use crate::output::number::{fixed as opt, money, significant};
use crate::output::table::{Column, fit};

/// The columns of `cost.csv` with `--platform`, in order.
pub const PLATFORM_COLUMNS: [&str; 19] = [
    "platform",
    "function",
    "memory_mb",
    "invocations",
    "cold_starts",
    "throttled",
    "total_usd",
    "requests_usd",
    "compute_usd",
    "init_usd",
    "provisioned_usd",
    "management_usd",
    "billed_gb_s",
    "idle_gb_s",
    "p50_ms",
    "p99_ms",
    "peak_containers",
    "month_total_usd",
    "month_cold_starts",
];

impl PlatformBills {
    /// `cost.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        crate::output::number::json_file(self)
    }

    /// `cost.csv`: per platform, a row per function, then its total.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let written = w.write_record(PLATFORM_COLUMNS).and_then(|_| {
            self.platforms.iter().try_for_each(|p| {
                p.functions
                    .iter()
                    .chain(std::iter::once(&p.total))
                    .try_for_each(|l| {
                        w.write_record([
                            p.platform.clone(),
                            l.name.clone(),
                            if l.memory_mb > 0 {
                                l.memory_mb.to_string()
                            } else {
                                String::new()
                            },
                            l.invocations.to_string(),
                            l.cold_starts.to_string(),
                            l.throttled.to_string(),
                            format!("{:.9}", l.total_usd),
                            format!("{:.9}", l.requests_usd),
                            format!("{:.9}", l.compute_usd),
                            format!("{:.9}", l.init_usd),
                            format!("{:.9}", l.provisioned_usd),
                            format!("{:.9}", l.management_usd),
                            format!("{:.6}", l.billed_gb_s),
                            format!("{:.6}", l.idle_gb_s),
                            opt(l.p50_ms, 3),
                            opt(l.p99_ms, 3),
                            l.peak_containers.to_string(),
                            format!("{:.6}", l.month.total_usd),
                            format!("{:.1}", l.month.cold_starts),
                        ])
                    })
            })
        });
        written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
        w.into_inner()
            .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
    }

    /// `cost.md`: the platforms side by side, then each platform's bill per function.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Cost of {} on {} platforms\n\nThe same arrivals and handler times on each (seed {}). Window: {:.1} s; the 30-day columns scale the traffic by {:.2}. Cheapest: **{}**.\n\n",
            self.trace,
            self.platforms.len(),
            self.seed,
            self.window_s,
            self.month_factor,
            self.cheapest,
        );
        for w in &self.warnings {
            out.push_str(&format!("**Warning:** {w}.\n\n"));
        }
        out.push_str("| platform | cost USD | 30-day USD | cold starts | p50 ms | p99 ms | peak containers | prices |\n|---|--:|--:|--:|--:|--:|--:|---|\n");
        for p in &self.platforms {
            let t = &p.total;
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                p.platform,
                money(t.total_usd),
                money(t.month.total_usd),
                t.cold_starts,
                opt(t.p50_ms, 1),
                opt(t.p99_ms, 1),
                t.peak_containers,
                p.prices,
            ));
        }
        for p in &self.platforms {
            out.push_str(&format!("\n## {}\n\n", p.platform));
            out.push_str("| function | memory MB | invocations | cold starts | cost USD | p99 ms | peak containers | 30-day USD |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
            for l in p.functions.iter().chain(std::iter::once(&p.total)) {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    l.name,
                    if l.memory_mb > 0 {
                        l.memory_mb.to_string()
                    } else {
                        String::new()
                    },
                    l.invocations,
                    l.cold_starts,
                    money(l.total_usd),
                    opt(l.p99_ms, 1),
                    l.peak_containers,
                    money(l.month.total_usd),
                ));
            }
        }
        out
    }

    /// The table printed: one row per platform, fitted to `width`.
    pub fn table(&self, width: Option<usize>) -> String {
        let columns = [
            Column::key("platform"),
            Column::number("cost\nUSD", 0),
            Column::number("30-day\nUSD", 0),
            Column::number("cold", 0),
            Column::number("cold %", 3),
            Column::number("p50\nms", 4),
            Column::number("p99\nms", 0),
            Column::number("peak\ncontainers", 2),
            Column::number("idle\nGB-s", 6),
        ];
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.platform.clone(),
                    money(r.total_usd),
                    money(r.month_total_usd),
                    r.cold_starts.to_string(),
                    r.cold_start_ratio
                        .map_or_else(|| "-".into(), |x| significant(x * 100.0)),
                    opt(r.p50_ms, 1),
                    opt(r.p99_ms, 1),
                    r.peak_containers.to_string(),
                    format!("{:.1}", r.idle_gb_s),
                ]
            })
            .collect();
        fit(&columns, &rows, width, "cost.csv")
    }
}
