//! The Azure Functions Consumption billing model (the legacy plan): each execution's memory, rounded up to 128 MB steps, for its duration (at least 100 ms), and a fee per execution.

use serde::{Deserialize, Serialize};

use super::sheet::{SheetError, share};
use super::usage::{Billed, Cost, CostOptions, MB_MS_PER_GB_S, RequestRule, Usage};

/// The built-in sheet: Azure Functions Consumption, East US.
pub const AZURE_CONSUMPTION_EAST_US: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/prices/azure-consumption-east-us.toml"
));

/// Execution fees.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Executions {
    /// [USD per million executions].
    pub usd_per_million: f64,
}

/// Execution time and how it is measured.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExecutionTime {
    /// [USD per GB·s].
    pub usd_per_gb_s: f64,
    /// Memory rounds up to a multiple of this [MB].
    pub memory_rounding_mb: u32,
    /// Memory bills at least this [MB].
    pub minimum_memory_mb: u32,
    /// Durations round up to a multiple of this [ms].
    pub rounding_ms: u64,
    /// Durations bill at least this [ms].
    pub minimum_ms: u64,
}

/// The monthly free grant.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionFreeGrant {
    /// Free executions.
    pub executions: u64,
    /// Free execution time [GB·s].
    pub execution_time_gb_s: f64,
}

/// A Consumption-plan price sheet (see `prices/azure-consumption-east-us.toml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionSheet {
    /// The billing model the sheet is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<super::usage::BillingModel>,
    /// What the sheet prices.
    pub name: String,
    /// The date the prices are from.
    pub as_of: String,
    /// The currency.
    pub currency: String,
    /// Execution fees.
    pub executions: Executions,
    /// Execution time.
    pub execution_time: ExecutionTime,
    /// The free grant, applied only when asked.
    pub free_grant: ConsumptionFreeGrant,
}

impl ConsumptionSheet {
    /// The built-in East US sheet.
    pub fn east_us() -> ConsumptionSheet {
        super::sheet::parse_toml(AZURE_CONSUMPTION_EAST_US)
            .unwrap_or_else(|e| unreachable!("the built-in sheet is tested: {e}"))
    }

    /// Checks every figure.
    fn check_figures(&self) -> Result<(), SheetError> {
        use super::sheet::{price, rounding};
        price(
            "executions.usd_per_million",
            self.executions.usd_per_million,
        )?;
        let t = &self.execution_time;
        price("execution_time.usd_per_gb_s", t.usd_per_gb_s)?;
        rounding("execution_time.rounding_ms", t.rounding_ms)?;
        if t.memory_rounding_mb == 0 {
            return Err(SheetError::new(
                "execution_time.memory_rounding_mb",
                "must be at least 1",
            ));
        }
        if t.minimum_ms > super::sheet::MAX_ROUNDING_MS {
            return Err(SheetError::new(
                "execution_time.minimum_ms",
                format!("must be at most 3600000 (an hour), got {}", t.minimum_ms),
            ));
        }
        price(
            "free_grant.execution_time_gb_s",
            self.free_grant.execution_time_gb_s,
        )
    }

    /// How each execution bills: memory in `memory_rounding_mb` steps (at least
    /// `minimum_memory_mb`), duration in `rounding_ms` steps (at least `minimum_ms`), the
    /// host's start-up not billed.
    pub fn requests(&self) -> RequestRule {
        let t = &self.execution_time;
        RequestRule {
            rounding_ms: t.rounding_ms,
            minimum_ms: t.minimum_ms,
            memory_step_mb: t.memory_rounding_mb,
            minimum_memory_mb: t.minimum_memory_mb,
            init: false,
        }
    }

    /// The memory an execution of `memory_mb` bills [MB].
    pub fn billed_memory_mb(&self, memory_mb: u32) -> u32 {
        let t = &self.execution_time;
        memory_mb
            .max(t.minimum_memory_mb)
            .div_ceil(t.memory_rounding_mb)
            * t.memory_rounding_mb
    }

    /// Bills `scale` times the usage as one month: executions per million, execution time per
    /// GB-second (counted by the engine with [`ConsumptionSheet::requests`]), the free grant
    /// (when asked) shared in proportion.
    pub fn bill(
        &self,
        options: CostOptions,
        functions: &[(Billed, Usage)],
        scale: f64,
    ) -> (Vec<Cost>, Cost) {
        let gb_s = |u: &Usage| u.exec_mb_ms as f64 / MB_MS_PER_GB_S * scale;
        let all_executions: f64 = functions
            .iter()
            .map(|(_, u)| u.requests as f64 * scale)
            .sum();
        let all_gb_s: f64 = functions.iter().map(|(_, u)| gb_s(u)).sum();
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
        for (_, u) in functions {
            let requests = u.requests as f64
                * scale
                * (1.0 - free_executions)
                * self.executions.usd_per_million
                / 1e6;
            let g = gb_s(u);
            let compute = g * (1.0 - free_gb_s) * self.execution_time.usd_per_gb_s;
            let c = Cost {
                total_usd: requests + compute,
                requests_usd: requests,
                compute_usd: compute,
                snapstart_usd: 0.0,
                billed_gb_s: g,
                ..Cost::default()
            };
            total.add(&c);
            costs.push(c);
        }
        (costs, total)
    }
}

impl super::sheet::Sheet for ConsumptionSheet {
    fn check(&self) -> Result<(), SheetError> {
        self.check_figures()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn the_sheet_refuses_no_memory_step_and_a_minimum_over_an_hour() {
        let mut sheet = ConsumptionSheet::east_us();
        assert_eq!(sheet.check_figures(), Ok(()));
        sheet.execution_time.minimum_ms = super::super::sheet::MAX_ROUNDING_MS;
        assert_eq!(sheet.check_figures(), Ok(()));
        sheet.execution_time.minimum_ms += 1;
        let e = sheet.check_figures().expect_err("over an hour");
        assert!(e.to_string().contains("execution_time.minimum_ms"), "{e}");
        let mut sheet = ConsumptionSheet::east_us();
        sheet.execution_time.memory_rounding_mb = 0;
        let e = sheet.check_figures().expect_err("no step");
        assert!(
            e.to_string().contains("execution_time.memory_rounding_mb"),
            "{e}"
        );
    }

    #[test]
    fn each_execution_bills_its_memory_step_for_at_least_100_ms() {
        // 160 MB bills as 256 MB (Microsoft's own example); a 30 ms execution as 100 ms; a
        // 250.2 ms one as 251 ms; a cold start's host start-up not at all.
        let sheet = ConsumptionSheet::east_us();
        assert_eq!(sheet.billed_memory_mb(160), 256);
        assert_eq!(sheet.billed_memory_mb(1), 128);
        assert_eq!(sheet.billed_memory_mb(128), 128);
        assert_eq!(sheet.billed_memory_mb(129), 256);
        let rule = sheet.requests();
        let mut u = Usage::default();
        u.on_request(160, 0, 30_000, &rule);
        u.on_request(160, 900_000, 250_200, &rule);
        assert_eq!(u.exec_mb_ms, 256 * (100 + 251));
        assert_eq!(u.init_mb_ms, 0);
        let (c, t) = sheet.bill(CostOptions::default(), &[(Billed::default(), u)], 1.0);
        let gb_s = 256.0 * 351.0 / 1_024_000.0;
        close(c[0].billed_gb_s, gb_s);
        close(t.total_usd, gb_s * 0.000016 + 2.0 * 0.2 / 1e6);
    }

    #[test]
    fn a_projected_month_takes_the_free_grant_off_the_projected_usage() {
        // Half a month of 1 million executions and 400,000 GB-s, projected (scale 2): twice
        // the free grant, so half of each is billed.
        let sheet = ConsumptionSheet::east_us();
        let u = Usage {
            requests: 1_000_000,
            exec_mb_ms: 400_000 * 1_024_000,
            ..Usage::default()
        };
        let free = CostOptions {
            free_tier: true,
            ..CostOptions::default()
        };
        let (c, _) = sheet.bill(free, &[(Billed::default(), u)], 2.0);
        close(c[0].requests_usd, 1_000_000.0 * 0.2 / 1e6);
        close(c[0].compute_usd, 400_000.0 * 0.000016);
        close(c[0].billed_gb_s, 800_000.0);
        // The sheet's checks run through the trait every sheet answers to.
        let mut broken = sheet;
        broken.execution_time.memory_rounding_mb = 0;
        assert!(super::super::sheet::Sheet::check(&broken).is_err());
    }

    #[test]
    fn the_free_grant_is_a_million_executions_and_400000_gb_s() {
        let sheet = ConsumptionSheet::east_us();
        let u = Usage {
            requests: 2_000_000,
            exec_mb_ms: 800_000 * 1_024_000,
            ..Usage::default()
        };
        let free = CostOptions {
            free_tier: true,
            ..CostOptions::default()
        };
        let (_, t) = sheet.bill(free, &[(Billed::default(), u)], 1.0);
        close(t.requests_usd, 1_000_000.0 * 0.2 / 1e6);
        close(t.compute_usd, 400_000.0 * 0.000016);
    }
}
