//! The files of `coldsim run`, as bytes: `summary.json`, `functions.csv`, `timeseries.csv`, and the terminal table.

use crate::analysis::summary::{Figures, FunctionSummary, Summary};
use crate::output::number::fixed as opt;
use crate::output::number::significant;
use crate::sim::stats::TimeSeries;
use crate::time::MICROS_PER_S;

impl Summary {
    /// `summary.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        crate::output::number::json_file(self)
    }

    /// `functions.csv`: one row per function; columns are in [`FUNCTION_COLUMNS`].
    pub fn functions_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let row = |w: &mut csv::Writer<Vec<u8>>, f: &FunctionSummary| {
            let g = &f.figures;
            let l = &g.latency_ms;
            let c = &g.containers;
            let mut rec = vec![
                f.name.clone(),
                f.memory_mb.to_string(),
                f.arch.as_str().to_string(),
                g.invocations.to_string(),
                g.cold_starts.to_string(),
                g.warm_starts.to_string(),
                g.throttled.to_string(),
                opt(g.cold_start_ratio, 6),
            ];
            for v in [l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max] {
                rec.push(opt(v, 3));
            }
            rec.extend([
                c.created.to_string(),
                c.peak.to_string(),
                format!("{:.6}", c.mean_alive),
                format!("{:.6}", c.mean_busy),
                format!("{:.6}", c.mean_idle),
                format!("{:.3}", g.gb_s.busy),
                format!("{:.3}", g.gb_s.idle),
                format!("{:.9}", g.cost.total_usd),
                format!("{:.9}", g.cost.requests_usd),
                format!("{:.9}", g.cost.compute_usd),
                format!("{:.9}", g.cost.init_usd),
                format!("{:.9}", g.month_cost_usd),
            ]);
            w.write_record(&rec)
        };
        let written = w
            .write_record(FUNCTION_COLUMNS)
            .and_then(|_| self.functions.iter().try_for_each(|f| row(&mut w, f)));
        finish_csv(written, w)
    }
}

/// The columns of `functions.csv`, in order.
pub const FUNCTION_COLUMNS: [&str; 27] = [
    "function",
    "memory_mb",
    "arch",
    "invocations",
    "cold_starts",
    "warm_starts",
    "throttled",
    "cold_start_ratio",
    "latency_mean_ms",
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "latency_p999_ms",
    "latency_max_ms",
    "containers_created",
    "containers_peak",
    "containers_mean_alive",
    "containers_mean_busy",
    "containers_mean_idle",
    "busy_gb_s",
    "idle_gb_s",
    "cost_usd",
    "requests_usd",
    "compute_usd",
    "init_usd",
    "month_cost_usd",
];

/// The columns of `timeseries.csv`, in order.
pub const SERIES_COLUMNS: [&str; 12] = [
    "t_start_s",
    "t_end_s",
    "busy_mean",
    "idle_mean",
    "alive_mean",
    "alive_peak",
    "arrivals",
    "cold_starts",
    "throttled",
    "cache_hits",
    "cache_misses",
    "cache_hit_ratio",
];

/// `timeseries.csv`: one row per bucket of the whole run, warm-up included; columns in [`SERIES_COLUMNS`].
pub fn series_csv(series: &TimeSeries, end_us: u64) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let width = series.width.as_micros();
    let written = w.write_record(SERIES_COLUMNS).and_then(|_| {
        series.buckets.iter().enumerate().try_for_each(|(i, b)| {
            let start = i as u64 * width;
            let stop = (start + width).min(end_us);
            let span = (stop - start).max(1) as f64;
            w.write_record([
                secs(start),
                secs(stop),
                format!("{:.6}", b.busy_area as f64 / span),
                format!("{:.6}", (b.alive_area - b.busy_area) as f64 / span),
                format!("{:.6}", b.alive_area as f64 / span),
                b.peak_alive.to_string(),
                b.arrivals.to_string(),
                b.cold_starts.to_string(),
                b.throttled.to_string(),
                b.cache_hits.to_string(),
                b.cache_misses.to_string(),
                hit_ratio(b.cache_hits, b.cache_misses),
            ])
        })
    });
    finish_csv(written, w)
}

/// Hits over requests that asked a cache, to six places; empty when none did.
fn hit_ratio(hits: u64, misses: u64) -> String {
    match hits + misses {
        0 => String::new(),
        n => format!("{:.6}", hits as f64 / n as f64),
    }
}

fn finish_csv(written: csv::Result<()>, w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    // Writing into memory cannot fail.
    written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
    w.into_inner()
        .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
}

fn secs(us: u64) -> String {
    let s = format!("{}.{:06}", us / MICROS_PER_S, us % MICROS_PER_S);
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

/// Functions the terminal table lists one by one; with more, it lists the busiest.
const TABLE_FUNCTIONS: usize = 25;
/// How many of the busiest functions it lists then.
const TABLE_BUSIEST: usize = 20;

/// The terminal table: one row per function (the 20 busiest when there are more than 25,
/// then how many more `functions.csv` has) and the total, fitted to `width` (see
/// [`crate::output::table::fit`]): the least important columns go first.
pub fn table(summary: &Summary, width: Option<usize>) -> String {
    use crate::output::table::{Column, fit};
    let columns = [
        Column::key("function"),
        Column::number("invocations", 0),
        Column::number("cold", 0),
        // Throttled invocations count in the denominator: the header says so.
        Column::number("cold %\nof all", 0),
        Column::number("throttled", 0),
        Column::number("p50\nms", 3),
        Column::number("p99\nms", 0),
        Column::number("max\nms", 6),
        Column::number("peak", 4),
        Column::number("mean\nalive", 8),
        Column::number("busy\nGB-s", 7),
        Column::number("idle\nGB-s", 5),
        Column::number("cost\nUSD", 2),
        Column::number("30-day\nUSD", 0),
    ];
    let row = |name: &str, g: &Figures| {
        vec![
            name.to_string(),
            g.invocations.to_string(),
            g.cold_starts.to_string(),
            g.cold_start_ratio
                .map(|r| significant(r * 100.0))
                .unwrap_or_else(|| "-".into()),
            g.throttled.to_string(),
            opt(g.latency_ms.p50, 1),
            opt(g.latency_ms.p99, 1),
            opt(g.latency_ms.max, 1),
            g.containers.peak.to_string(),
            format!("{:.2}", g.containers.mean_alive),
            format!("{:.1}", g.gb_s.busy),
            format!("{:.1}", g.gb_s.idle),
            format!("{:.2}", g.cost_usd),
            format!("{:.2}", g.month_cost_usd),
        ]
    };
    let mut rows = Vec::new();
    if summary.functions.len() <= TABLE_FUNCTIONS {
        for f in &summary.functions {
            rows.push(row(&f.name, &f.figures));
        }
    } else {
        // A region has thousands of functions: the busiest, then a pointer to the rest.
        let mut busiest: Vec<&FunctionSummary> = summary.functions.iter().collect();
        busiest.sort_by_key(|f| std::cmp::Reverse(f.figures.invocations));
        for f in &busiest[..TABLE_BUSIEST] {
            rows.push(row(&f.name, &f.figures));
        }
        let rest = summary.functions.len() - TABLE_BUSIEST;
        let mut note = vec![String::new(); columns.len()];
        note[0] = format!("… {rest} more in functions.csv");
        rows.push(note);
    }
    if summary.functions.len() > 1 {
        rows.push(row("total", &summary.totals));
    }
    fit(&columns, &rows, width, "functions.csv")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::Scenario;
    use crate::sim::engine::Simulation;

    #[test]
    fn seconds_are_written_without_trailing_zeros() {
        assert_eq!(secs(0), "0");
        assert_eq!(secs(1_500_000), "1.5");
        assert_eq!(secs(50_000), "0.05");
        assert_eq!(secs(86_400_000_000), "86400");
    }

    #[test]
    fn the_table_lists_the_busiest_of_many_functions() {
        use std::fmt::Write;
        let mut text = String::from("name = \"many\"\nseed = 1\nduration = \"10m\"\n");
        for i in 1..=30 {
            let _ = write!(
                text,
                "[[function]]\nname = \"f{i:02}\"\narrival = {{ process = \"periodic\", every = \"{}s\" }}\nexec = {{ dist = \"constant\", ms = 10 }}\ninit = {{ dist = \"constant\", ms = 10 }}\n",
                i * 7
            );
        }
        let scenario = Scenario::from_toml(&text, std::path::Path::new("many.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(&scenario);
        sim.run(&mut ());
        let t = table(&Summary::new(&scenario, 1, &sim), None);
        // f01 (every 7 s) to f20 are the 20 busiest; f21 to f30 are counted, not listed.
        assert!(t.contains(" f01 ") && t.contains(" f20 "), "{t}");
        assert!(!t.contains(" f21 "), "{t}");
        assert!(t.contains("… 10 more in functions.csv"), "{t}");
        assert!(t.contains(" total "), "{t}");
    }

    #[test]
    fn the_table_fits_80_columns_and_keeps_the_figures_people_act_on() {
        let scenario = Scenario::load(std::path::Path::new("scenarios/quickstart.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(&scenario);
        sim.run(&mut ());
        let t = table(&Summary::new(&scenario, 1, &sim), Some(80));
        assert!(crate::output::table::width_of(&t) <= 80, "{t}");
        // A table, not records: the header carries the kept columns side by side.
        let header: String = t.lines().skip(1).take(2).collect::<Vec<_>>().join(" ");
        for kept in [
            "function",
            "invocations",
            "cold",
            "of all",
            "throttled",
            "p99",
            "USD",
        ] {
            assert!(header.contains(kept), "{kept} missing:\n{t}");
        }
        assert!(t.contains("checkout-api"), "{t}");
    }
}
