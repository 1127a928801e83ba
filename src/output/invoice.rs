//! The files of `coldsim cost`, as bytes: `cost.json`, `cost.csv` and `cost.md` (also printed).

use crate::analysis::invoice::Invoice;
use crate::analysis::reconcile::Reconciliation;
use crate::cost::{Arch, InitBilling};
use crate::output::number::{money, significant};

impl Invoice {
    /// `cost.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        crate::output::number::json_file(self)
    }

    /// `cost.csv`: one row per function, then the total; columns in [`COST_COLUMNS`].
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let written = w.write_record(COST_COLUMNS).and_then(|_| {
            self.functions
                .iter()
                .chain(std::iter::once(&self.total))
                .try_for_each(|l| {
                    let pc = l.provisioned.as_ref();
                    w.write_record([
                        l.name.clone(),
                        if l.memory_mb > 0 {
                            l.memory_mb.to_string()
                        } else {
                            String::new()
                        },
                        l.arch.map(Arch::as_str).unwrap_or_default().to_string(),
                        l.invocations.to_string(),
                        l.cold_starts.to_string(),
                        l.throttled.to_string(),
                        format!("{:.9}", l.total_usd),
                        format!("{:.9}", l.requests_usd),
                        format!("{:.9}", l.compute_usd),
                        format!("{:.9}", l.init_usd),
                        format!("{:.9}", l.provisioned_usd),
                        format!("{:.9}", l.ephemeral_storage_usd),
                        format!("{:.6}", l.billed_gb_s),
                        format!("{:.6}", l.idle_gb_s),
                        format!("{:.6}", l.month.total_usd),
                        format!("{:.1}", l.month.cold_starts),
                        pc.map(|b| b.cheapest.to_string()).unwrap_or_default(),
                        pc.map(|b| format!("{:.6}", b.month_saving_usd))
                            .unwrap_or_default(),
                    ])
                })
        });
        written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
        w.into_inner()
            .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
    }

    /// `cost.md`, also printed: a Markdown table a person can read.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Cost of {}\n\nPrices: {}. INIT billing: {}. Free tier: {}. Window: {:.1} s; the 30-day columns scale the traffic by {:.2}.\n\n",
            self.trace,
            self.prices,
            match self.init_billing {
                InitBilling::All => "all configurations (AWS since 2025-08-01)",
                InitBilling::Legacy => "legacy (zip on managed runtimes unbilled)",
            },
            if self.free_tier {
                "taken off"
            } else {
                "not applied"
            },
            self.window_s,
            self.month_factor,
        );
        for w in &self.warnings {
            out.push_str(&format!("**Warning:** {w}.\n\n"));
        }
        out.push_str("| function | memory MB | invocations | cold starts | cost USD | INIT USD | idle GB-s | 30-day USD | 30-day cold starts | cheapest provisioned | 30-day saving USD |\n");
        out.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for l in self.functions.iter().chain(std::iter::once(&self.total)) {
            let pc = l.provisioned.as_ref();
            let bold = |s: String| {
                if l.arch.is_none() {
                    format!("**{s}**")
                } else {
                    s
                }
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                bold(l.name.clone()),
                if l.memory_mb > 0 {
                    l.memory_mb.to_string()
                } else {
                    String::new()
                },
                l.invocations,
                l.cold_starts,
                bold(money(l.total_usd)),
                money(l.init_usd),
                (l.idle_gb_s * 10.0).round() / 10.0,
                bold(money(l.month.total_usd)),
                l.month.cold_starts.round(),
                pc.map(|b| b.cheapest.to_string()).unwrap_or_default(),
                pc.map(|b| money(b.month_saving_usd)).unwrap_or_default(),
            ));
        }
        if let Some(r) = &self.reconciliation {
            out.push_str(&reconciliation_markdown(r));
        }
        out
    }
}

/// The logs' figures beside the simulated ones, and what the logs say of their environments.
fn reconciliation_markdown(r: &Reconciliation) -> String {
    let (a, b, d) = (&r.recorded, &r.simulated, &r.difference);
    let count = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    let signed = |v: Option<i64>| v.map(|v| format!("{v:+}")).unwrap_or_else(|| "—".into());
    let mut out = String::from(
        "\n## Recorded in the logs, and simulated\n\n| figure | recorded | simulated | difference |\n|---|--:|--:|--:|\n",
    );
    for (name, x, y, z) in [
        (
            "invocations",
            Some(a.invocations),
            Some(b.invocations),
            Some(d.invocations),
        ),
        (
            "cold starts",
            Some(a.cold_starts),
            Some(b.cold_starts),
            Some(d.cold_starts),
        ),
        (
            "environments",
            a.environments,
            b.environments,
            d.environments,
        ),
    ] {
        out.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            count(x),
            count(y),
            signed(z)
        ));
    }
    out.push_str(&format!(
        "| billed GB-s | {} | {} | {:+.3} |\n| cost USD | {} | {} | {} |\n",
        significant(a.billed_gb_s),
        significant(b.billed_gb_s),
        d.billed_gb_s,
        money(a.total_usd),
        money(b.total_usd),
        if d.total_usd < 0.0 {
            format!("-{}", money(-d.total_usd))
        } else {
            format!("+{}", money(d.total_usd))
        },
    ));
    let l = &r.recorded_lives;
    if let (Some(mean), Some(max)) = (l.mean_life_s, l.max_life_s) {
        out.push_str(&format!(
            "\nEnvironments in the logs lived {} s on average (longest {} s), from first arrival to last end; {} warm reuses",
            significant(mean),
            significant(max),
            l.reuses
        ));
        if let (Some(p50), Some(p99), Some(max)) = (
            l.p50_idle_before_reuse_s,
            l.p99_idle_before_reuse_s,
            l.max_idle_before_reuse_s,
        ) {
            out.push_str(&format!(
                " after idle times of {} s (median), {} s (99th percentile), {} s (longest)",
                significant(p50),
                significant(p99),
                significant(max)
            ));
        }
        out.push_str(".\n");
    }
    if r.recorded_restores > 0 {
        out.push_str(&format!(
            "\n{} of the recorded cold starts restored a SnapStart snapshot.\n",
            r.recorded_restores
        ));
    }
    out
}

/// The columns of `cost.csv`, in order.
pub const COST_COLUMNS: [&str; 18] = [
    "function",
    "memory_mb",
    "arch",
    "invocations",
    "cold_starts",
    "throttled",
    "total_usd",
    "requests_usd",
    "compute_usd",
    "init_usd",
    "provisioned_usd",
    "ephemeral_storage_usd",
    "billed_gb_s",
    "idle_gb_s",
    "month_total_usd",
    "month_cold_starts",
    "cheapest_provisioned_concurrency",
    "month_saving_usd",
];
