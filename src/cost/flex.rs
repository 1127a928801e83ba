//! The Azure Functions Flex Consumption billing model: an instance's memory for the time it executes at least one request (each activity period at least 1 s, then in 100 ms steps), always-ready instances' baseline and execution rates, and a fee per execution.

use serde::{Deserialize, Serialize};

use super::sheet::{MAX_ROUNDING_MS, SheetError, share};
use super::usage::{Billed, Cost, CostOptions, PeriodRule, Usage};

/// The built-in sheet: Azure Functions Flex Consumption, East US.
pub const AZURE_FLEX_EAST_US: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/prices/azure-flex-consumption-east-us.toml"
));

/// On-demand instances' rates.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlexOnDemand {
    /// [USD per million executions].
    pub executions_usd_per_million: f64,
    /// Instance memory while executing [USD per GB·s].
    pub execution_time_usd_per_gb_s: f64,
}

/// Always-ready instances' rates.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlexAlwaysReady {
    /// Their memory for the whole time they are assigned [USD per GB·s].
    pub baseline_usd_per_gb_s: f64,
    /// Their memory while executing [USD per GB·s].
    pub execution_time_usd_per_gb_s: f64,
    /// [USD per million executions].
    pub executions_usd_per_million: f64,
}

/// How activity periods are rounded.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Each period bills at least this [ms].
    pub minimum_ms: u64,
    /// Then rounds up to a multiple of this [ms].
    pub rounding_ms: u64,
}

/// The monthly free grant (on-demand meters only).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlexFreeGrant {
    /// Free executions.
    pub executions: u64,
    /// Free execution time [GB·s].
    pub execution_time_gb_s: f64,
}

/// A Flex Consumption price sheet (see `prices/azure-flex-consumption-east-us.toml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FlexSheet {
    /// The billing model the sheet is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<super::usage::BillingModel>,
    /// What the sheet prices.
    pub name: String,
    /// The date the prices are from.
    pub as_of: String,
    /// The currency.
    pub currency: String,
    /// On-demand rates.
    pub on_demand: FlexOnDemand,
    /// Always-ready rates.
    pub always_ready: FlexAlwaysReady,
    /// Activity-period rounding.
    pub activity: Activity,
    /// The free grant, applied only when asked.
    pub free_grant: FlexFreeGrant,
}

impl FlexSheet {
    /// The built-in East US sheet.
    pub fn east_us() -> FlexSheet {
        super::sheet::parse_toml(AZURE_FLEX_EAST_US)
            .unwrap_or_else(|e| unreachable!("the built-in sheet is tested: {e}"))
    }

    /// Checks every figure.
    fn check_figures(&self) -> Result<(), SheetError> {
        use super::sheet::{price, rounding};
        price(
            "on_demand.executions_usd_per_million",
            self.on_demand.executions_usd_per_million,
        )?;
        price(
            "on_demand.execution_time_usd_per_gb_s",
            self.on_demand.execution_time_usd_per_gb_s,
        )?;
        price(
            "always_ready.baseline_usd_per_gb_s",
            self.always_ready.baseline_usd_per_gb_s,
        )?;
        price(
            "always_ready.execution_time_usd_per_gb_s",
            self.always_ready.execution_time_usd_per_gb_s,
        )?;
        price(
            "always_ready.executions_usd_per_million",
            self.always_ready.executions_usd_per_million,
        )?;
        rounding("activity.rounding_ms", self.activity.rounding_ms)?;
        if self.activity.minimum_ms > MAX_ROUNDING_MS {
            return Err(SheetError::new(
                "activity.minimum_ms",
                format!(
                    "must be at most {MAX_ROUNDING_MS} (an hour), got {}",
                    self.activity.minimum_ms
                ),
            ));
        }
        price(
            "free_grant.execution_time_gb_s",
            self.free_grant.execution_time_gb_s,
        )
    }

    /// How activity periods bill: from the first request's start (an instance's start-up is
    /// not an execution), at least `minimum_ms`, in steps of `rounding_ms`.
    pub fn periods(&self) -> PeriodRule {
        PeriodRule {
            rounding_ms: self.activity.rounding_ms,
            minimum_ms: self.activity.minimum_ms,
            startup: false,
        }
    }

    /// Bills `scale` times the usage as one month. Executions pay per million; on-demand
    /// activity pays instance memory × billed time; always-ready instances pay their baseline
    /// for the time they are assigned and their own execution rate while active. The free
    /// grant (when asked) comes off the on-demand meters, shared in proportion to them.
    pub fn bill(
        &self,
        options: CostOptions,
        functions: &[(Billed, Usage)],
        scale: f64,
    ) -> (Vec<Cost>, Cost) {
        let gb = |b: &Billed| f64::from(b.memory_mb) / 1024.0;
        let od_gb_s = |b: &Billed, u: &Usage| gb(b) * u.busy_ms as f64 / 1000.0 * scale;
        let (mut all_executions, mut all_gb_s) = (0.0, 0.0);
        for (b, u) in functions {
            all_executions += u.requests as f64 * scale;
            all_gb_s += od_gb_s(b, u);
        }
        let (free_executions, free_gb_s) = if options.free_tier {
            (
                share(self.free_grant.executions as f64, all_executions),
                share(self.free_grant.execution_time_gb_s, all_gb_s),
            )
        } else {
            (0.0, 0.0)
        };
        let mut costs = Vec::with_capacity(functions.len());
        let mut total = Cost::default();
        for (b, u) in functions {
            let executions = u.requests as f64 * scale * (1.0 - free_executions);
            let requests = executions * self.on_demand.executions_usd_per_million / 1e6
                + u.provisioned_requests as f64
                    * scale
                    * self.always_ready.executions_usd_per_million
                    / 1e6;
            let gb_s = od_gb_s(b, u);
            let compute = gb_s * (1.0 - free_gb_s) * self.on_demand.execution_time_usd_per_gb_s;
            let ready_gb_s = gb(b) * u.ready_busy_ms as f64 / 1000.0 * scale;
            let baseline = u.provisioned_configured_mb_s as f64 / 1024.0 * scale;
            let ready = baseline * self.always_ready.baseline_usd_per_gb_s
                + ready_gb_s * self.always_ready.execution_time_usd_per_gb_s;
            let c = Cost {
                total_usd: requests + compute + ready,
                requests_usd: requests,
                compute_usd: compute,
                provisioned_usd: ready,
                snapstart_usd: 0.0,
                billed_gb_s: gb_s + ready_gb_s,
                ..Cost::default()
            };
            total.add(&c);
            costs.push(c);
        }
        (costs, total)
    }
}

impl super::sheet::Sheet for FlexSheet {
    fn check(&self) -> Result<(), SheetError> {
        self.check_figures()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
    }

    fn billed(memory_mb: u32) -> Billed {
        Billed {
            memory_mb,
            ..Billed::default()
        }
    }

    #[test]
    fn microsofts_worked_example() {
        // "Estimating consumption-based costs": 40 requests/s for an hour, 10 at once, 2,048 MB
        // instances, no free grant. I/O-bound, one instance active the whole hour: 7,200 GB-s
        // × $0.000026 = $0.1872 plus 144,000 executions × $0.40 / million = $0.0576: $0.2448
        // (Microsoft rounds it to $0.245). CPU-bound at one request per instance: ten instances,
        // $1.872 + $0.0576 = $1.9296.
        let sheet = FlexSheet::east_us();
        let one = Usage {
            requests: 144_000,
            busy_ms: 3_600_000,
            ..Usage::default()
        };
        let (_, t) = sheet.bill(CostOptions::default(), &[(billed(2048), one)], 1.0);
        close(t.compute_usd, 0.1872);
        close(t.requests_usd, 0.0576);
        close(t.total_usd, 0.2448);
        close(t.billed_gb_s, 7200.0);
        let ten = Usage {
            busy_ms: 10 * 3_600_000,
            ..one
        };
        let (_, t) = sheet.bill(CostOptions::default(), &[(billed(2048), ten)], 1.0);
        close(t.total_usd, 1.9296);
    }

    #[test]
    fn activity_periods_bill_a_second_then_tenths() {
        let p = FlexSheet::east_us().periods();
        assert_eq!(p.billed_ms(1), 1000);
        assert_eq!(p.billed_ms(1_000_000), 1000);
        assert_eq!(p.billed_ms(1_000_001), 1100);
        assert_eq!(p.billed_ms(1_100_000), 1100);
        assert_eq!(p.billed_ms(1_100_001), 1200);
        assert!(!p.startup);
    }

    #[test]
    fn always_ready_instances_pay_a_baseline_and_their_own_execution_rate() {
        // One always-ready 2,048 MB instance for an hour (7,200 GB-s of baseline at $0.000004),
        // active 600 s of it (1,200 GB-s at $0.000016), 1,000 executions ($0.40 / million).
        let sheet = FlexSheet::east_us();
        let u = Usage {
            provisioned_requests: 1_000,
            ready_busy_ms: 600_000,
            provisioned_configured_mb_s: 2048 * 3600,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(CostOptions::default(), &[(billed(2048), u)], 1.0);
        let ready = 7200.0 * 0.000004 + 1200.0 * 0.000016;
        close(c[0].provisioned_usd, ready);
        close(c[0].requests_usd, 1000.0 * 0.4 / 1e6);
        close(c[0].compute_usd, 0.0);
        close(c[0].total_usd, ready + 1000.0 * 0.4 / 1e6);
        close(c[0].billed_gb_s, 1200.0);
        // Beside on-demand activity of 10 s, the same month projected from half of it twice.
        let half = Usage {
            provisioned_requests: 500,
            ready_busy_ms: 300_000,
            provisioned_configured_mb_s: 2048 * 1800,
            busy_ms: 5_000,
            requests: 10,
            ..Usage::default()
        };
        let (m, _) = sheet.bill(CostOptions::default(), &[(billed(2048), half)], 2.0);
        close(m[0].provisioned_usd, ready);
        close(m[0].compute_usd, 20.0 * 0.000026);
        close(m[0].requests_usd, 1020.0 * 0.4 / 1e6);
        close(m[0].total_usd, ready + 20.0 * 0.000026 + 1020.0 * 0.4 / 1e6);
        close(m[0].billed_gb_s, 1220.0);
    }

    #[test]
    fn the_free_grant_covers_on_demand_meters_only() {
        // 100,000 GB-s and 250,000 executions free: 50,000 GB-s and 200,000 executions cost
        // nothing; always-ready executions still pay.
        let sheet = FlexSheet::east_us();
        let u = Usage {
            requests: 200_000,
            busy_ms: 25_000_000, // × 2 GB = 50,000 GB-s
            provisioned_requests: 1_000_000,
            ..Usage::default()
        };
        let free = CostOptions {
            free_tier: true,
            ..CostOptions::default()
        };
        let (_, t) = sheet.bill(free, &[(billed(2048), u)], 1.0);
        close(t.compute_usd, 0.0);
        close(t.requests_usd, 0.4);
        // Twice the grant: half of it is paid.
        let u = Usage {
            requests: 500_000,
            busy_ms: 100_000_000, // 200,000 GB-s
            ..Usage::default()
        };
        let (_, t) = sheet.bill(free, &[(billed(2048), u)], 1.0);
        close(t.compute_usd, 100_000.0 * 0.000026);
        close(t.requests_usd, 250_000.0 * 0.4 / 1e6);
        // The same month as half the usage projected twice: the grant against the projection.
        let half = Usage {
            requests: 250_000,
            busy_ms: 50_000_000,
            ..Usage::default()
        };
        let (_, m) = sheet.bill(free, &[(billed(2048), half)], 2.0);
        close(m.compute_usd, 100_000.0 * 0.000026);
        close(m.requests_usd, 250_000.0 * 0.4 / 1e6);
    }

    #[test]
    fn the_activity_minimum_may_be_an_hour_and_no_more() {
        let mut sheet = FlexSheet::east_us();
        sheet.activity.minimum_ms = MAX_ROUNDING_MS;
        assert!(sheet.check_figures().is_ok());
        sheet.activity.minimum_ms = MAX_ROUNDING_MS + 1;
        let e = sheet.check_figures().expect_err("over an hour");
        assert!(e.to_string().contains("activity.minimum_ms"), "{e}");
    }
}
