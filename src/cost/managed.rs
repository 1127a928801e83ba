//! The AWS Lambda Managed Instances billing model: the EC2 instances that hold the execution environments, at their on-demand price plus a management fee on it, and a fee per request; no duration charge.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::sheet::SheetError;
use super::usage::{Billed, Cost, CostOptions, Host, Usage};

/// The built-in sheet: AWS Lambda Managed Instances, us-east-1.
pub const MANAGED_US_EAST_1: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/prices/aws-lambda-managed-instances-us-east-1.toml"
));

/// What each instance keeps for its operating system.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reserved {
    /// vCPUs kept.
    pub vcpus: u32,
    /// Memory kept [MB].
    pub memory_mb: u32,
}

/// One EC2 instance type.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    /// Its vCPUs.
    pub vcpus: u32,
    /// Its memory [GiB].
    pub memory_gib: u32,
    /// Its on-demand price [USD per hour].
    pub usd_per_hour: f64,
}

/// A Lambda Managed Instances price sheet (see
/// `prices/aws-lambda-managed-instances-us-east-1.toml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManagedSheet {
    /// The billing model the sheet is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<super::usage::BillingModel>,
    /// What the sheet prices.
    pub name: String,
    /// The date the prices are from.
    pub as_of: String,
    /// The currency.
    pub currency: String,
    /// [USD per million requests].
    pub requests_usd_per_million: f64,
    /// The management fee as a fraction of the instances' on-demand price.
    pub management_fee_fraction: f64,
    /// What each instance keeps for its operating system.
    pub reserved: Reserved,
    /// The instance types, by name.
    pub instances: BTreeMap<String, InstanceType>,
}

impl ManagedSheet {
    /// The built-in us-east-1 sheet.
    pub fn us_east_1() -> ManagedSheet {
        super::sheet::parse_toml(MANAGED_US_EAST_1)
            .unwrap_or_else(|e| unreachable!("the built-in sheet is tested: {e}"))
    }

    /// Checks every figure.
    fn check_figures(&self) -> Result<(), SheetError> {
        use super::sheet::price;
        price("requests_usd_per_million", self.requests_usd_per_million)?;
        price("management_fee_fraction", self.management_fee_fraction)?;
        if self.instances.is_empty() {
            return Err(SheetError::new(
                "instances",
                "needs at least one instance type",
            ));
        }
        for (name, t) in &self.instances {
            price(&format!("instances.{name:?}.usd_per_hour"), t.usd_per_hour)?;
            if t.vcpus <= self.reserved.vcpus
                || t.memory_gib.saturating_mul(1024) <= self.reserved.memory_mb
            {
                return Err(SheetError::new(
                    format!("instances.{name:?}"),
                    format!(
                        "has {} vCPUs and {} GiB, no more than the {} vCPUs and {} MB each instance keeps (reserved)",
                        t.vcpus, t.memory_gib, self.reserved.vcpus, self.reserved.memory_mb
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The instance type `name` as a host: what it offers environments (its vCPUs and memory
    /// less what it keeps) and its price; `None` when the sheet has no such type.
    pub fn host(&self, name: &str) -> Option<Host> {
        self.instances.get(name).map(|t| Host {
            vcpus: t.vcpus - self.reserved.vcpus,
            memory_mb: t.memory_gib * 1024 - self.reserved.memory_mb,
            usd_per_hour: t.usd_per_hour,
        })
    }

    /// Bills `scale` times the usage as one month: the hosts' time at the on-demand price of
    /// `options.host`, the management fee on it, and requests.
    pub fn bill(
        &self,
        options: CostOptions,
        functions: &[(Billed, Usage)],
        scale: f64,
    ) -> (Vec<Cost>, Cost) {
        let hourly = options.host.map_or(0.0, |h| h.usd_per_hour);
        let mut costs = Vec::with_capacity(functions.len());
        let mut total = Cost::default();
        for (_, u) in functions {
            let hours = u.host_us as f64 / 3.6e9 * scale;
            let instances = hours * hourly;
            let management = instances * self.management_fee_fraction;
            let requests = (u.requests + u.provisioned_requests) as f64
                * scale
                * self.requests_usd_per_million
                / 1e6;
            let c = Cost {
                total_usd: instances + management + requests,
                requests_usd: requests,
                compute_usd: instances,
                management_usd: management,
                snapstart_usd: 0.0,
                ..Cost::default()
            };
            total.add(&c);
            costs.push(c);
        }
        (costs, total)
    }
}

/// How many environments of `vcpus` [thousandths] and `memory_mb` fit on `host`; 0 when none.
pub fn environments_per_host(host: &Host, vcpu_milli: u32, memory_mb: u32) -> u32 {
    let by_cpu = (host.vcpus * 1000)
        .checked_div(vcpu_milli)
        .unwrap_or(u32::MAX);
    let by_memory = host.memory_mb.checked_div(memory_mb).unwrap_or(u32::MAX);
    by_cpu.min(by_memory)
}

impl super::sheet::Sheet for ManagedSheet {
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
    fn instances_pay_their_price_and_a_fee_on_it() {
        // Two m7g.xlarge for a day ($0.1632 an hour each), 15 % management fee on top, a
        // million requests at $0.20 per million.
        let sheet = ManagedSheet::us_east_1();
        let host = sheet.host("m7g.xlarge").expect("a built-in type");
        assert_eq!((host.vcpus, host.memory_mb), (3, 15 * 1024));
        let options = CostOptions {
            host: Some(host),
            ..CostOptions::default()
        };
        let u = Usage {
            requests: 1_000_000,
            host_us: 2 * 86_400 * 1_000_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(options, &[(Billed::default(), u)], 1.0);
        close(c[0].compute_usd, 48.0 * 0.1632);
        close(c[0].management_usd, 48.0 * 0.1632 * 0.15);
        close(c[0].requests_usd, 0.2);
        close(c[0].total_usd, 48.0 * 0.1632 * 1.15 + 0.2);
    }

    #[test]
    fn a_projected_month_scales_the_hours_and_the_requests() {
        // Half the usage projected to a month (scale 2): four host-hours and two million
        // requests.
        let sheet = ManagedSheet::us_east_1();
        let options = CostOptions {
            host: sheet.host("m7g.xlarge"),
            ..CostOptions::default()
        };
        let u = Usage {
            requests: 1_000_000,
            host_us: 2 * 3_600 * 1_000_000,
            ..Usage::default()
        };
        let (c, _) = sheet.bill(options, &[(Billed::default(), u)], 2.0);
        close(c[0].compute_usd, 4.0 * 0.1632);
        close(c[0].requests_usd, 0.4);
    }

    #[test]
    fn an_instance_type_needs_more_memory_than_each_instance_keeps() {
        let mut sheet = ManagedSheet::us_east_1();
        assert!(sheet.check_figures().is_ok());
        // Enough vCPUs, but no memory beyond what is kept.
        sheet.instances.insert(
            "tiny".into(),
            InstanceType {
                vcpus: 8,
                memory_gib: 1,
                usd_per_hour: 0.1,
            },
        );
        let e = sheet.check_figures().expect_err("1 GiB is all kept");
        assert!(e.to_string().contains("instances.\"tiny\""), "{e}");
        // Enough memory, but no vCPU beyond what is kept.
        sheet.instances.insert(
            "tiny".into(),
            InstanceType {
                vcpus: 1,
                memory_gib: 64,
                usd_per_hour: 0.1,
            },
        );
        assert!(sheet.check_figures().is_err());
    }

    #[test]
    fn environments_pack_by_cpu_and_by_memory() {
        let sheet = ManagedSheet::us_east_1();
        let xl = sheet.host("m7g.xlarge").expect("m7g.xlarge");
        // 2 GB and 1 vCPU each: three fit by CPU (4 − 1), seven by memory (16 − 1 GiB).
        assert_eq!(environments_per_host(&xl, 1000, 2048), 3);
        // 8 GB and 1 vCPU: one by memory.
        assert_eq!(environments_per_host(&xl, 1000, 8192), 1);
        let r = sheet.host("r7g.4xlarge").expect("r7g.4xlarge");
        assert_eq!(environments_per_host(&r, 2000, 4096), 7);
        // Too big for the host.
        let large = sheet.host("m7g.large").expect("m7g.large");
        assert_eq!(environments_per_host(&large, 2000, 2048), 0);
        assert!(sheet.host("t2.nano").is_none());
    }
}
