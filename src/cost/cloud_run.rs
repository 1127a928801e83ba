//! The Google Cloud Run billing model: request-based (an instance's vCPUs and memory while at least one request is in flight, start-up included, plus a fee per request) or instance-based (each instance's whole life), every span in 100 ms steps.

use serde::{Deserialize, Serialize};

use super::sheet::{SheetError, share};
use super::usage::{Billed, CloudRunBilling, Cost, CostOptions, PeriodRule, Usage};

/// The built-in sheet: Google Cloud Run, Tier 1 (us-central1).
pub const CLOUD_RUN_US_CENTRAL1: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/prices/google-cloud-run-us-central1.toml"
));

/// A free tier in vCPU-seconds, GiB-seconds and requests.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CloudRunFree {
    /// Free vCPU-seconds.
    pub vcpu_s: f64,
    /// Free GiB-seconds.
    pub gib_s: f64,
    /// Free requests.
    #[serde(default)]
    pub requests: u64,
}

/// Request-based rates.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestBased {
    /// [USD per vCPU·s] while active.
    pub cpu_usd_per_vcpu_s: f64,
    /// [USD per GiB·s] while active.
    pub memory_usd_per_gib_s: f64,
    /// [USD per million requests].
    pub requests_usd_per_million: f64,
    /// Minimum instances while idle [USD per vCPU·s]; not found in public sources.
    #[serde(default)]
    pub idle_cpu_usd_per_vcpu_s: Option<f64>,
    /// Minimum instances while idle [USD per GiB·s]; not found in public sources.
    #[serde(default)]
    pub idle_memory_usd_per_gib_s: Option<f64>,
    /// The monthly free tier.
    pub free_tier: CloudRunFree,
}

/// Instance-based rates.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstanceBased {
    /// [USD per vCPU·s] of an instance's life.
    pub cpu_usd_per_vcpu_s: f64,
    /// [USD per GiB·s] of an instance's life; not found in public sources.
    #[serde(default)]
    pub memory_usd_per_gib_s: Option<f64>,
    /// The monthly free tier.
    pub free_tier: CloudRunFree,
}

/// A Cloud Run price sheet (see `prices/google-cloud-run-us-central1.toml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CloudRunSheet {
    /// The billing model the sheet is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<super::usage::BillingModel>,
    /// What the sheet prices.
    pub name: String,
    /// The date the prices are from.
    pub as_of: String,
    /// The currency.
    pub currency: String,
    /// Every billed span rounds up to a multiple of this [ms].
    pub rounding_ms: u64,
    /// Request-based billing.
    pub request_based: RequestBased,
    /// Instance-based billing.
    pub instance_based: InstanceBased,
}

impl CloudRunSheet {
    /// The built-in Tier 1 sheet.
    pub fn us_central1() -> CloudRunSheet {
        super::sheet::parse_toml(CLOUD_RUN_US_CENTRAL1)
            .unwrap_or_else(|e| unreachable!("the built-in sheet is tested: {e}"))
    }

    /// Checks every figure given.
    fn check_figures(&self) -> Result<(), SheetError> {
        use super::sheet::{price, rounding};
        rounding("rounding_ms", self.rounding_ms)?;
        let r = &self.request_based;
        price("request_based.cpu_usd_per_vcpu_s", r.cpu_usd_per_vcpu_s)?;
        price("request_based.memory_usd_per_gib_s", r.memory_usd_per_gib_s)?;
        price(
            "request_based.requests_usd_per_million",
            r.requests_usd_per_million,
        )?;
        for (key, v) in [
            (
                "request_based.idle_cpu_usd_per_vcpu_s",
                r.idle_cpu_usd_per_vcpu_s,
            ),
            (
                "request_based.idle_memory_usd_per_gib_s",
                r.idle_memory_usd_per_gib_s,
            ),
            (
                "instance_based.memory_usd_per_gib_s",
                self.instance_based.memory_usd_per_gib_s,
            ),
        ] {
            if let Some(v) = v {
                price(key, v)?;
            }
        }
        price(
            "instance_based.cpu_usd_per_vcpu_s",
            self.instance_based.cpu_usd_per_vcpu_s,
        )?;
        for (key, f) in [
            ("request_based.free_tier", &r.free_tier),
            ("instance_based.free_tier", &self.instance_based.free_tier),
        ] {
            price(&format!("{key}.vcpu_s"), f.vcpu_s)?;
            price(&format!("{key}.gib_s"), f.gib_s)?;
        }
        Ok(())
    }

    /// The first figure a run billed with `billing` (and minimum instances, if `minimum`)
    /// needs that the sheet lacks: no public source gives it, so the user must.
    pub fn missing(&self, billing: CloudRunBilling, minimum: bool) -> Option<&'static str> {
        match billing {
            CloudRunBilling::Instance => self
                .instance_based
                .memory_usd_per_gib_s
                .is_none()
                .then_some("instance_based.memory_usd_per_gib_s"),
            CloudRunBilling::Request if minimum => {
                if self.request_based.idle_cpu_usd_per_vcpu_s.is_none() {
                    Some("request_based.idle_cpu_usd_per_vcpu_s")
                } else if self.request_based.idle_memory_usd_per_gib_s.is_none() {
                    Some("request_based.idle_memory_usd_per_gib_s")
                } else {
                    None
                }
            }
            CloudRunBilling::Request => None,
        }
    }

    /// How spans bill: in `rounding_ms` steps, request-based busy periods from an instance's
    /// creation (its start-up is billed).
    pub fn periods(&self) -> PeriodRule {
        PeriodRule {
            rounding_ms: self.rounding_ms,
            minimum_ms: 0,
            startup: true,
        }
    }

    /// Bills `scale` times the usage as one month, request- or instance-based as `options`
    /// says; the free tier (when asked) comes off vCPU-seconds, GiB-seconds and requests, shared
    /// in proportion.
    pub fn bill(
        &self,
        options: CostOptions,
        functions: &[(Billed, Usage)],
        scale: f64,
    ) -> (Vec<Cost>, Cost) {
        let instance = options.cloud_run == CloudRunBilling::Instance;
        let vcpus = |b: &Billed| f64::from(b.vcpu_milli) / 1000.0;
        let gib = |b: &Billed| f64::from(b.memory_mb) / 1024.0;
        // Billed seconds: instance lifetimes, or busy periods (minimum instances' included).
        let seconds = |u: &Usage| {
            let ms = if instance {
                u.alive_ms
            } else {
                u.busy_ms.saturating_add(u.ready_busy_ms)
            };
            ms as f64 / 1000.0 * scale
        };
        let (cpu_rate, memory_rate, request_rate, free) = if instance {
            let i = &self.instance_based;
            (
                i.cpu_usd_per_vcpu_s,
                i.memory_usd_per_gib_s.unwrap_or(0.0),
                0.0,
                &i.free_tier,
            )
        } else {
            let r = &self.request_based;
            (
                r.cpu_usd_per_vcpu_s,
                r.memory_usd_per_gib_s,
                r.requests_usd_per_million / 1e6,
                &r.free_tier,
            )
        };
        let (mut all_vcpu_s, mut all_gib_s, mut all_requests) = (0.0, 0.0, 0.0);
        for (b, u) in functions {
            all_vcpu_s += vcpus(b) * seconds(u);
            all_gib_s += gib(b) * seconds(u);
            all_requests += (u.requests + u.provisioned_requests) as f64 * scale;
        }
        let (free_cpu, free_memory, free_requests) = if options.free_tier {
            (
                share(free.vcpu_s, all_vcpu_s),
                share(free.gib_s, all_gib_s),
                share(free.requests as f64, all_requests),
            )
        } else {
            (0.0, 0.0, 0.0)
        };
        let mut costs = Vec::with_capacity(functions.len());
        let mut total = Cost::default();
        for (b, u) in functions {
            let s = seconds(u);
            let compute = vcpus(b) * s * (1.0 - free_cpu) * cpu_rate
                + gib(b) * s * (1.0 - free_memory) * memory_rate;
            let requests = (u.requests + u.provisioned_requests) as f64
                * scale
                * (1.0 - free_requests)
                * request_rate;
            // Minimum instances idle (request-based): their assigned time less their busy time.
            let idle = if instance || u.provisioned_configured_mb_s == 0 {
                0.0
            } else {
                let ready_s = u.provisioned_configured_mb_s as f64 / f64::from(b.memory_mb.max(1));
                let idle_s = (ready_s - u.ready_busy_ms as f64 / 1000.0).max(0.0) * scale;
                let r = &self.request_based;
                idle_s
                    * (vcpus(b) * r.idle_cpu_usd_per_vcpu_s.unwrap_or(0.0)
                        + gib(b) * r.idle_memory_usd_per_gib_s.unwrap_or(0.0))
            };
            let c = Cost {
                total_usd: compute + requests + idle,
                requests_usd: requests,
                compute_usd: compute,
                provisioned_usd: idle,
                snapstart_usd: 0.0,
                billed_gb_s: gib(b) * s,
                ..Cost::default()
            };
            total.add(&c);
            costs.push(c);
        }
        (costs, total)
    }
}

impl super::sheet::Sheet for CloudRunSheet {
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

    fn service() -> Billed {
        Billed {
            memory_mb: 512,
            vcpu_milli: 1000,
            ..Billed::default()
        }
    }

    #[test]
    fn request_based_bills_busy_time_and_requests() {
        // One instance of 1 vCPU and 512 MiB busy 1,000 s (start-up included) serving 10,000
        // requests: 1,000 vCPU-s × $0.000024 + 500 GiB-s × $0.0000025 + 10,000 × $0.40 / M.
        let sheet = CloudRunSheet::us_central1();
        let u = Usage {
            requests: 10_000,
            busy_ms: 1_000_000,
            alive_ms: 3_600_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(CostOptions::default(), &[(service(), u)], 1.0);
        close(c[0].compute_usd, 1000.0 * 0.000024 + 500.0 * 0.0000025);
        close(c[0].requests_usd, 10_000.0 * 0.4 / 1e6);
        close(c[0].billed_gb_s, 500.0);
        assert_eq!(sheet.missing(CloudRunBilling::Request, false), None);
    }

    #[test]
    fn a_projected_month_scales_busy_time_lives_and_requests() {
        // The usage of half a month, projected (scale 2): twice each figure of the test above.
        let mut sheet = CloudRunSheet::us_central1();
        sheet.instance_based.memory_usd_per_gib_s = Some(0.000002);
        let u = Usage {
            requests: 10_000,
            busy_ms: 1_000_000,
            alive_ms: 3_600_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(CostOptions::default(), &[(service(), u)], 2.0);
        close(
            c[0].compute_usd,
            2.0 * (1000.0 * 0.000024 + 500.0 * 0.0000025),
        );
        close(c[0].requests_usd, 2.0 * 10_000.0 * 0.4 / 1e6);
        let options = CostOptions {
            cloud_run: CloudRunBilling::Instance,
            ..CostOptions::default()
        };
        let (c, _) = sheet.bill(options, &[(service(), u)], 2.0);
        close(
            c[0].compute_usd,
            2.0 * (3600.0 * 0.000018 + 1800.0 * 0.000002),
        );
        // The free tier comes off the projected usage: 1 vCPU and 2 GiB busy 180,000 s and 2
        // million requests, projected, are 360,000 vCPU-s, 720,000 GiB-s and 4 million
        // requests, twice the free 180,000, 360,000 and 2 million: half of each is billed.
        let free = CostOptions {
            free_tier: true,
            ..CostOptions::default()
        };
        let big = Billed {
            memory_mb: 2048,
            ..service()
        };
        let u = Usage {
            requests: 2_000_000,
            busy_ms: 180_000_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(free, &[(big, u)], 2.0);
        close(
            c[0].compute_usd,
            180_000.0 * 0.000024 + 360_000.0 * 0.0000025,
        );
        close(c[0].requests_usd, 2_000_000.0 * 0.4 / 1e6);
    }

    #[test]
    fn idle_minimum_instances_bill_cpu_and_memory_at_their_idle_rates() {
        // One minimum instance of 1 vCPU and 512 MiB assigned 1,000 s, busy 100 of them:
        // 900 s idle at the idle rates of both CPU and memory; nothing idle on instance billing.
        let mut sheet = CloudRunSheet::us_central1();
        sheet.request_based.idle_cpu_usd_per_vcpu_s = Some(0.0000025);
        sheet.request_based.idle_memory_usd_per_gib_s = Some(0.0000025);
        sheet.instance_based.memory_usd_per_gib_s = Some(0.000002);
        let u = Usage {
            ready_busy_ms: 100_000,
            provisioned_configured_mb_s: 512 * 1000,
            alive_ms: 1_000_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(CostOptions::default(), &[(service(), u)], 1.0);
        close(c[0].provisioned_usd, 900.0 * (0.0000025 + 0.5 * 0.0000025));
        let options = CostOptions {
            cloud_run: CloudRunBilling::Instance,
            ..CostOptions::default()
        };
        let (c, _) = sheet.bill(options, &[(service(), u)], 1.0);
        close(c[0].provisioned_usd, 0.0);
    }

    #[test]
    fn instance_based_bills_whole_lives_and_needs_a_memory_rate() {
        let sheet = CloudRunSheet::us_central1();
        assert_eq!(
            sheet.missing(CloudRunBilling::Instance, false),
            Some("instance_based.memory_usd_per_gib_s")
        );
        assert_eq!(
            sheet.missing(CloudRunBilling::Request, true),
            Some("request_based.idle_cpu_usd_per_vcpu_s")
        );
        let mut sheet = sheet;
        sheet.instance_based.memory_usd_per_gib_s = Some(0.000002);
        let u = Usage {
            requests: 10_000,
            busy_ms: 1_000_000,
            alive_ms: 3_600_000,
            ..Usage::default()
        };
        let options = CostOptions {
            cloud_run: CloudRunBilling::Instance,
            ..CostOptions::default()
        };
        let (c, _) = sheet.bill(options, &[(service(), u)], 1.0);
        close(c[0].compute_usd, 3600.0 * 0.000018 + 1800.0 * 0.000002);
        close(c[0].requests_usd, 0.0);
    }

    #[test]
    fn minimum_instances_idle_at_the_rates_the_user_gives() {
        // One minimum instance for an hour, busy 600 s of it: 3,000 s idle.
        let mut sheet = CloudRunSheet::us_central1();
        sheet.request_based.idle_cpu_usd_per_vcpu_s = Some(0.0000025);
        sheet.request_based.idle_memory_usd_per_gib_s = Some(0.0000025);
        assert_eq!(sheet.missing(CloudRunBilling::Request, true), None);
        let u = Usage {
            provisioned_requests: 100,
            ready_busy_ms: 600_000,
            provisioned_configured_mb_s: 512 * 3600,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(CostOptions::default(), &[(service(), u)], 1.0);
        close(c[0].provisioned_usd, 3000.0 * (0.0000025 + 0.5 * 0.0000025));
        close(c[0].compute_usd, 600.0 * 0.000024 + 300.0 * 0.0000025);
    }

    #[test]
    fn spans_round_to_tenths_with_start_up() {
        let p = CloudRunSheet::us_central1().periods();
        assert_eq!(p.billed_ms(1), 100);
        assert_eq!(p.billed_ms(100_000), 100);
        assert_eq!(p.billed_ms(100_001), 200);
        assert!(p.startup);
    }

    #[test]
    fn the_free_tier_takes_cpu_memory_and_requests() {
        let sheet = CloudRunSheet::us_central1();
        let u = Usage {
            requests: 4_000_000,
            busy_ms: 360_000_000, // 360,000 s: 360,000 vCPU-s, 180,000 GiB-s
            ..Usage::default()
        };
        let free = CostOptions {
            free_tier: true,
            ..CostOptions::default()
        };
        let (_, t) = sheet.bill(free, &[(service(), u)], 1.0);
        close(t.requests_usd, 2_000_000.0 * 0.4 / 1e6);
        close(t.compute_usd, 180_000.0 * 0.000024);
    }
}
