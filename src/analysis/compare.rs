//! Policy comparison (`coldsim compare`): the same traffic under several keep-alive, provisioned or warmer policies, one row of figures each.

use serde::Serialize;

use crate::analysis::summary::Summary;
use crate::input::spec::warmer;
use crate::model::function::{Function, Warmer};
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::scenario::{MAX_ACCOUNT_CONCURRENCY, Scenario};

/// Every form of a compared policy, for messages.
pub const POLICY_FORMS: &str = "fixed:10m, fixed-once:10m, none, uniform:5m-7m, preset:NAME, hybrid[:range=4h,head=5,tail=99], provisioned:N, warmer:EVERY[,N] or memory:MB";

/// What a compared policy changes, for every function.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Every function's keep-alive policy.
    KeepAlive(KeepAliveSpec),
    /// Every function's provisioned concurrency (its keep-alive as the scenario has it).
    Provisioned(u32),
    /// A warmer on every function (its keep-alive as the scenario has it).
    Warmer(Warmer),
    /// Every function's memory size [MB] (times scale by its `cpu_fraction`).
    Memory(u32),
}

/// A compared policy: its label as written and what it changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The spec as the user wrote it, e.g. `fixed:10m`.
    pub label: String,
    /// What it changes.
    pub change: Change,
}

impl Policy {
    /// Parses a compact spec: a keep-alive spec (`fixed:10m`, `fixed-once:10m`, `none`,
    /// `uniform:5m-7m`, `preset:NAME`, `hybrid[:k=v,...]`), `provisioned:N` or `warmer:EVERY[,N]`.
    pub fn parse(text: &str) -> Result<Policy, String> {
        let change = if let Some(n) = text.strip_prefix("provisioned:") {
            match n.parse::<u32>() {
                Ok(n @ 0..=MAX_ACCOUNT_CONCURRENCY) => Change::Provisioned(n),
                _ => {
                    return Err(format!(
                        "{text:?}: write provisioned:N with N from 0 to {MAX_ACCOUNT_CONCURRENCY} containers"
                    ));
                }
            }
        } else if let Some(w) = text.strip_prefix("warmer:") {
            Change::Warmer(warmer(w)?)
        } else if let Some(m) = text.strip_prefix("memory:") {
            match m.parse::<u32>() {
                Ok(mb @ 1..=crate::model::scenario::MAX_MEMORY_MB) => Change::Memory(mb),
                _ => {
                    return Err(format!(
                        "{text:?}: write memory:MB with MB from 1 to {}",
                        crate::model::scenario::MAX_MEMORY_MB
                    ));
                }
            }
        } else if crate::input::spec::is_keep_alive(text) {
            Change::KeepAlive(crate::input::spec::keep_alive(text)?)
        } else {
            let kind = text.split_once(':').map_or(text, |(k, _)| k);
            return Err(format!(
                "unknown policy {text:?}{}; write {POLICY_FORMS}",
                crate::input::spec::did_you_mean(
                    kind,
                    &[
                        &crate::input::spec::KINDS[..],
                        &["provisioned", "warmer", "memory"]
                    ]
                    .concat()
                )
            ));
        };
        Ok(Policy {
            label: text.to_string(),
            change,
        })
    }

    /// Checks that the policy fits the scenario it is applied to, with `functions` as in
    /// [`Policy::apply`]: provisioned containers within each function's concurrency limit and,
    /// all functions together, within the account's (as a scenario file must have them).
    pub fn check(&self, scenario: &Scenario, functions: &[Function]) -> Result<(), String> {
        let Change::Provisioned(n) = self.change else {
            return Ok(());
        };
        let account = scenario.platform.account_concurrency;
        let mut total = 0u64;
        for f in functions {
            let cap = f.reserved_concurrency.unwrap_or(account);
            if n > cap {
                return Err(format!(
                    "{}: function {:?} may run at most {cap} containers at once",
                    self.label, f.name
                ));
            }
            total += u64::from(n);
        }
        if total > u64::from(account) {
            return Err(format!(
                "{}: {} functions with {n} provisioned containers each make {total}, more than account_concurrency ({account})",
                self.label,
                functions.len()
            ));
        }
        Ok(())
    }

    /// The baseline every comparison is measured against: a fixed 10-minute window.
    pub fn baseline() -> Policy {
        Policy {
            label: "fixed:10m".into(),
            change: Change::KeepAlive(KeepAliveSpec::default()),
        }
    }

    /// The scenario with this policy applied to every function. `functions` lists every
    /// function the traffic has (the scenario's and a trace's, from an earlier run), so that a
    /// trace's functions get the policy from time 0 too; each keeps the keep-alive the
    /// scenario gives it unless the policy is a keep-alive policy.
    pub fn apply(&self, scenario: &Scenario, functions: &[Function]) -> Result<Scenario, String> {
        let mut s = scenario.clone();
        s.functions = functions
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.keep_alive = scenario.keep_alive_of(&f.name);
                match &self.change {
                    Change::KeepAlive(k) => f.keep_alive = k.clone(),
                    Change::Provisioned(n) => f.provisioned_concurrency = *n,
                    Change::Warmer(w) => f.warmer = Some(*w),
                    Change::Memory(mb) => f = f.with_memory(*mb),
                }
                Ok(f)
            })
            .collect::<Result<_, String>>()?;
        if let Change::KeepAlive(k) = &self.change {
            s.defaults.keep_alive = k.clone();
        }
        Ok(s)
    }
}

/// One policy's figures over the statistics window.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The policy as written.
    pub policy: String,
    /// Arrivals, throttled ones included.
    pub invocations: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// cold_starts / invocations; null without invocations.
    pub cold_start_ratio: Option<f64>,
    /// Median latency [ms].
    pub p50_ms: Option<f64>,
    /// 99th-percentile latency [ms].
    pub p99_ms: Option<f64>,
    /// Memory held by idle containers [GB·s].
    pub idle_gb_s: f64,
    /// `idle_gb_s` over that of a fixed 10-minute window on the same traffic; null when that is 0.
    pub wasted_memory_vs_fixed_10m: Option<f64>,
    /// The bill [USD].
    pub cost_usd: f64,
    /// The 75th percentile, over functions with invocations, of their cold-start ratio.
    pub p75_function_cold_start_ratio: Option<f64>,
    /// Containers pre-warmed by the policy.
    pub prewarmed: u64,
    /// Warmer pings (billed, not invocations).
    pub warmer_pings: u64,
    /// Throttled arrivals.
    pub throttled: u64,
}

impl Row {
    /// The row of a finished run, against the baseline's idle GB-seconds.
    pub fn new(policy: &str, s: &Summary, baseline_idle_gb_s: f64) -> Row {
        let t = &s.totals;
        let mut ratios: Vec<f64> = s
            .functions
            .iter()
            .filter_map(|f| f.figures.cold_start_ratio)
            .collect();
        ratios.sort_by(f64::total_cmp);
        Row {
            policy: policy.to_string(),
            invocations: t.invocations,
            cold_starts: t.cold_starts,
            cold_start_ratio: t.cold_start_ratio,
            p50_ms: t.latency_ms.p50,
            p99_ms: t.latency_ms.p99,
            idle_gb_s: t.gb_s.idle,
            wasted_memory_vs_fixed_10m: (baseline_idle_gb_s > 0.0)
                .then(|| t.gb_s.idle / baseline_idle_gb_s),
            cost_usd: t.cost_usd,
            p75_function_cold_start_ratio: nearest_rank(&ratios, 0.75),
            prewarmed: t.containers.prewarmed,
            warmer_pings: t.warmer_pings,
            throttled: t.throttled,
        }
    }
}

/// The nearest-rank percentile `q` of sorted values.
fn nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// A comparison, as `compare.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The scenario's name.
    pub scenario: String,
    /// The seed every run used.
    pub seed: u64,
    /// One row per policy, in the order given.
    pub policies: Vec<Row>,
}

/// The columns of `compare.csv`, in order.
pub const COMPARE_COLUMNS: [&str; 13] = [
    "policy",
    "invocations",
    "cold_starts",
    "cold_start_ratio",
    "p50_ms",
    "p99_ms",
    "idle_gb_s",
    "wasted_memory_vs_fixed_10m",
    "cost_usd",
    "p75_function_cold_start_ratio",
    "prewarmed",
    "warmer_pings",
    "throttled",
];

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_default()
}

impl Comparison {
    /// `compare.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self)
            .unwrap_or_else(|e| unreachable!("plain structs serialize: {e}"));
        out.push(b'\n');
        out
    }

    /// `compare.csv`: one row per policy; columns in [`COMPARE_COLUMNS`].
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let written = w.write_record(COMPARE_COLUMNS).and_then(|_| {
            self.policies.iter().try_for_each(|r| {
                w.write_record([
                    r.policy.clone(),
                    r.invocations.to_string(),
                    r.cold_starts.to_string(),
                    opt(r.cold_start_ratio, 6),
                    opt(r.p50_ms, 3),
                    opt(r.p99_ms, 3),
                    format!("{:.3}", r.idle_gb_s),
                    opt(r.wasted_memory_vs_fixed_10m, 6),
                    format!("{:.9}", r.cost_usd),
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
        use crate::analysis::plan::significant;
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
                    format!("{:.4}", r.cost_usd),
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

    #[test]
    fn specs_parse() {
        assert_eq!(
            Policy::parse("provisioned:5").expect("ok").change,
            Change::Provisioned(5)
        );
        assert!(matches!(
            Policy::parse("warmer:5m,2").expect("ok").change,
            Change::Warmer(Warmer { containers: 2, .. })
        ));
        assert!(matches!(
            Policy::parse("hybrid").expect("ok").change,
            Change::KeepAlive(KeepAliveSpec::Hybrid(_))
        ));
        assert!(Policy::parse("provisioned:x").is_err());
        assert!(Policy::parse("provisioned:1000001").is_err());
        assert!(Policy::parse("warmer:soon").is_err());
    }

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
            cost_usd: 0.9499,
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

    #[test]
    fn the_75th_percentile_is_by_nearest_rank() {
        assert_eq!(nearest_rank(&[], 0.75), None);
        assert_eq!(nearest_rank(&[0.1], 0.75), Some(0.1));
        assert_eq!(nearest_rank(&[0.1, 0.2, 0.3, 0.4], 0.75), Some(0.3));
        assert_eq!(nearest_rank(&[0.1, 0.2, 0.3, 0.4, 0.5], 0.75), Some(0.4));
    }
}
