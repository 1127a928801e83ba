//! The AWS Lambda billing model: its replaceable price sheet and a pure function from usage to a bill.
//!
//! Usage is counted in integers (requests, billed milliseconds, MB·ms) and turned into dollars
//! once, here. The rules, each written down in the README:
//! - requests are billed per served invocation (throttled ones are not billed);
//! - each invocation's duration is rounded up to the sheet's `rounding_ms` and billed in
//!   GB-seconds (`memory_mb / 1024` × seconds) at its architecture's rate, with the monthly
//!   volume tiers applied to the account's on-demand GB-seconds per architecture; every function
//!   pays the average rate of its architecture;
//! - the INIT phase of a cold start is billed at the duration rate (the rule since 2025-08-01:
//!   billed duration = ceil(init + exec)); [`InitBilling::Legacy`] reproduces the earlier rule,
//!   under which INIT was not billed for zip packages on managed runtimes;
//! - provisioned concurrency is billed per configured GB-second, its invocations at its own
//!   duration rate; invocations beyond it at on-demand rates;
//! - ephemeral storage above 512 MB is billed per GB-second of billed duration;
//! - the free tier (off by default) takes its requests and GB-seconds off the month's total.

use serde::{Deserialize, Serialize};

use super::sheet::{MAX_ROUNDING_MS, SheetError};
use super::usage::{
    Arch, Billed, Cost, CostOptions, InitBilling, MB_MS_PER_GB_S, Package, PerArch, Usage,
};

/// The default price sheet: AWS Lambda, us-east-1.
pub const AWS_US_EAST_1: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/prices/aws-lambda-us-east-1.toml"
));

/// One volume tier of the duration price.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The tier ends at this monthly volume [GB·s]; the last tier has none.
    pub up_to_gb_s: Option<f64>,
    /// The price inside the tier [USD per GB·s].
    pub usd_per_gb_s: f64,
}

/// Request prices.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestPrices {
    /// [USD per request].
    pub usd_per_request: PerArch,
}

/// Duration prices.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DurationPrices {
    /// Billed duration is rounded up to a multiple of this [ms].
    pub rounding_ms: u64,
    /// Monthly volume tiers for x86_64.
    pub x86_64: Vec<Tier>,
    /// Monthly volume tiers for arm64.
    pub arm64: Vec<Tier>,
}

/// Provisioned-concurrency prices.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedPrices {
    /// Per GB-second of configured concurrency [USD per GB·s].
    pub concurrency_usd_per_gb_s: PerArch,
    /// Per GB-second of invocations served by provisioned containers [USD per GB·s].
    pub duration_usd_per_gb_s: PerArch,
}

/// Ephemeral storage prices.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoragePrices {
    /// Per GB-second of storage configured above 512 MB [USD per GB·s].
    pub usd_per_gb_s_above_512mb: PerArch,
}

/// The monthly free tier.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    /// Free requests per month.
    pub requests: u64,
    /// Free GB-seconds per month, both architectures together.
    pub gb_s: f64,
}

/// A price sheet, read from TOML or JSON (see `prices/aws-lambda-us-east-1.toml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PriceSheet {
    /// The billing model the sheet is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<super::usage::BillingModel>,
    /// What the sheet prices, e.g. "AWS Lambda us-east-1".
    pub name: String,
    /// The date the prices are from.
    pub as_of: String,
    /// The currency, "USD" for AWS.
    pub currency: String,
    /// Request prices.
    pub requests: RequestPrices,
    /// Duration prices.
    pub duration: DurationPrices,
    /// Provisioned-concurrency prices.
    pub provisioned: ProvisionedPrices,
    /// Ephemeral storage prices.
    pub ephemeral_storage: StoragePrices,
    /// The free tier, applied only when asked.
    pub free_tier: FreeTier,
    /// SnapStart's charges on Python and .NET (none on Java); a sheet without them cannot bill
    /// those functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapstart: Option<SnapStartPrices>,
}

/// Lambda SnapStart's prices for Python and .NET functions.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SnapStartPrices {
    /// The snapshot's cache, per GB of memory for every second the version is active [USD per
    /// GB·s].
    pub cache_usd_per_gb_s: f64,
    /// Each restore, per GB of memory restored [USD per GB].
    pub restore_usd_per_gb: f64,
}

impl PriceSheet {
    /// The built-in AWS Lambda us-east-1 sheet.
    pub fn aws_us_east_1() -> PriceSheet {
        PriceSheet::from_toml(AWS_US_EAST_1)
            .unwrap_or_else(|e| unreachable!("the built-in price sheet is tested: {e}"))
    }

    /// Parses and checks a TOML sheet.
    pub fn from_toml(text: &str) -> Result<PriceSheet, SheetError> {
        let sheet: PriceSheet = toml::from_str(text).map_err(|e| SheetError::Syntax {
            line: e.span().map(|s| crate::text::line_at(text, s.start)),
            message: e.message().trim().replace('\n', " "),
        })?;
        sheet.check_figures()?;
        Ok(sheet)
    }

    /// Parses and checks a JSON sheet with the same keys.
    pub fn from_json(text: &str) -> Result<PriceSheet, SheetError> {
        let sheet: PriceSheet = serde_json::from_str(text).map_err(|e| SheetError::Syntax {
            line: Some(e.line()),
            message: e.to_string(),
        })?;
        sheet.check_figures()?;
        Ok(sheet)
    }

    fn check_figures(&self) -> Result<(), SheetError> {
        let price = |key: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(SheetError::new(
                    key,
                    format!("must be a price of at least 0, got {v}"),
                ))
            }
        };
        for (key, p) in [
            ("requests.usd_per_request", &self.requests.usd_per_request),
            (
                "provisioned.concurrency_usd_per_gb_s",
                &self.provisioned.concurrency_usd_per_gb_s,
            ),
            (
                "provisioned.duration_usd_per_gb_s",
                &self.provisioned.duration_usd_per_gb_s,
            ),
            (
                "ephemeral_storage.usd_per_gb_s_above_512mb",
                &self.ephemeral_storage.usd_per_gb_s_above_512mb,
            ),
        ] {
            price(&format!("{key}.x86_64"), p.x86_64)?;
            price(&format!("{key}.arm64"), p.arm64)?;
        }
        if let Some(s) = &self.snapstart {
            price("snapstart.cache_usd_per_gb_s", s.cache_usd_per_gb_s)?;
            price("snapstart.restore_usd_per_gb", s.restore_usd_per_gb)?;
        }
        if self.duration.rounding_ms == 0 {
            return Err(SheetError::new(
                "duration.rounding_ms",
                "must be at least 1",
            ));
        }
        if self.duration.rounding_ms > MAX_ROUNDING_MS {
            return Err(SheetError::new(
                "duration.rounding_ms",
                format!(
                    "must be at most {MAX_ROUNDING_MS} (an hour), got {}",
                    self.duration.rounding_ms
                ),
            ));
        }
        for (arch, tiers) in [
            ("x86_64", &self.duration.x86_64),
            ("arm64", &self.duration.arm64),
        ] {
            let key = format!("duration.{arch}");
            if tiers.is_empty() {
                return Err(SheetError::new(key, "needs at least one tier"));
            }
            let mut from = 0.0;
            for (i, t) in tiers.iter().enumerate() {
                price(&format!("{key}[{i}].usd_per_gb_s"), t.usd_per_gb_s)?;
                let last = i + 1 == tiers.len();
                match (t.up_to_gb_s, last) {
                    (None, true) => {}
                    (None, false) => {
                        return Err(SheetError::new(
                            format!("{key}[{i}]"),
                            "needs up_to_gb_s: only the last tier is unbounded",
                        ));
                    }
                    (Some(_), true) => {
                        return Err(SheetError::new(
                            format!("{key}[{i}]:"),
                            "the last tier must have no up_to_gb_s",
                        ));
                    }
                    (Some(to), false) => {
                        if !(to.is_finite() && to > from) {
                            return Err(SheetError::new(
                                format!("{key}[{i}].up_to_gb_s"),
                                format!("must grow from tier to tier, got {to} after {from}"),
                            ));
                        }
                        from = to;
                    }
                }
            }
        }
        if !(self.free_tier.gb_s.is_finite() && self.free_tier.gb_s >= 0.0) {
            return Err(SheetError::new(
                "free_tier.gb_s",
                format!("must be at least 0, got {}", self.free_tier.gb_s),
            ));
        }
        Ok(())
    }

    /// The cost of `gb_s` GB-seconds in a month whose earlier volume is `before` [USD].
    pub fn tiered(&self, arch: Arch, before: f64, gb_s: f64) -> f64 {
        let tiers = match arch {
            Arch::X86_64 => &self.duration.x86_64,
            Arch::Arm64 => &self.duration.arm64,
        };
        let mut cost = 0.0;
        let mut lo = 0.0;
        let end = before + gb_s;
        for t in tiers {
            let hi = t.up_to_gb_s.unwrap_or(f64::INFINITY);
            let a = before.max(lo);
            let b = end.min(hi);
            if b > a {
                cost += (b - a) * t.usd_per_gb_s;
            }
            lo = hi;
        }
        cost
    }
}

/// Bills a month (or any period billed as one month) of usage: one [`Cost`] per function, in
/// order, and the total. Tiers apply to each architecture's on-demand total; each function pays
/// its architecture's average rate.
pub fn bill(
    sheet: &PriceSheet,
    options: CostOptions,
    functions: &[(Billed, Usage)],
) -> (Vec<Cost>, Cost) {
    bill_scaled(sheet, options, functions, 1.0)
}

/// Bills `scale` times the usage as one month: `scale = 30 days / window` projects a shorter
/// window to a 30-day month, with the tiers and the free tier applied to the projected volume.
pub fn bill_scaled(
    sheet: &PriceSheet,
    options: CostOptions,
    functions: &[(Billed, Usage)],
    scale: f64,
) -> (Vec<Cost>, Cost) {
    let init_billed = |b: &Billed| match options.init_billing {
        InitBilling::All => true,
        InitBilling::Legacy => b.package == Package::Image || b.custom_runtime,
    };
    let gb_s_of = |b: &Billed, u: &Usage| {
        let mb_ms = u.exec_mb_ms + if init_billed(b) { u.init_mb_ms } else { 0 };
        mb_ms as f64 / MB_MS_PER_GB_S * scale
    };
    // Each architecture's month of on-demand GB-seconds and requests.
    let mut volume = [0.0f64; 2];
    let mut requests_total = 0.0f64;
    for (b, u) in functions {
        volume[arch_index(b.arch)] += gb_s_of(b, u);
        requests_total += (u.requests + u.provisioned_requests) as f64 * scale;
    }
    let all_gb_s = volume[0] + volume[1];
    // The free tier takes GB-seconds from each architecture in proportion to its volume, and
    // requests from every function in proportion to its requests.
    let (free_gb_s, free_requests) = if options.free_tier {
        (
            sheet.free_tier.gb_s.min(all_gb_s),
            (sheet.free_tier.requests as f64).min(requests_total),
        )
    } else {
        (0.0, 0.0)
    };
    let mut rate = [0.0f64; 2];
    for arch in [Arch::X86_64, Arch::Arm64] {
        let i = arch_index(arch);
        if volume[i] > 0.0 {
            let free = if all_gb_s > 0.0 {
                free_gb_s * volume[i] / all_gb_s
            } else {
                0.0
            };
            let billed = volume[i] - free;
            rate[i] = sheet.tiered(arch, 0.0, billed) / volume[i];
        }
    }
    let request_share = if requests_total > 0.0 {
        1.0 - free_requests / requests_total
    } else {
        0.0
    };
    let mut costs = Vec::with_capacity(functions.len());
    let mut total = Cost::default();
    for (b, u) in functions {
        let r = rate[arch_index(b.arch)];
        let gb_s = gb_s_of(b, u);
        let init_gb_s = if init_billed(b) {
            u.init_mb_ms as f64 / MB_MS_PER_GB_S * scale
        } else {
            0.0
        };
        let requests = (u.requests + u.provisioned_requests) as f64
            * scale
            * sheet.requests.usd_per_request.get(b.arch)
            * request_share;
        let provisioned = scale
            * (u.provisioned_configured_mb_s as f64 / 1024.0
                * sheet.provisioned.concurrency_usd_per_gb_s.get(b.arch)
                + u.provisioned_mb_ms as f64 / MB_MS_PER_GB_S
                    * sheet.provisioned.duration_usd_per_gb_s.get(b.arch));
        let extra_gb = f64::from(b.ephemeral_storage_mb.saturating_sub(512)) / 1024.0;
        let billed_ms = u
            .exec_ms
            .saturating_add(u.provisioned_ms)
            .saturating_add(if init_billed(b) { u.init_ms } else { 0 });
        let ephemeral = extra_gb
            * billed_ms as f64
            * scale
            * 1e-3
            * sheet.ephemeral_storage.usd_per_gb_s_above_512mb.get(b.arch);
        let snapstart = match (&sheet.snapstart, b.snapstart_charged) {
            (Some(p), true) => {
                scale
                    * (u.cached_mb_s as f64 / 1024.0 * p.cache_usd_per_gb_s
                        + u.restored_mb as f64 / 1024.0 * p.restore_usd_per_gb)
            }
            _ => 0.0,
        };
        let c = Cost {
            requests_usd: requests,
            compute_usd: gb_s * r,
            init_usd: init_gb_s * r,
            provisioned_usd: provisioned,
            ephemeral_storage_usd: ephemeral,
            management_usd: 0.0,
            snapstart_usd: snapstart,
            billed_gb_s: gb_s,
            total_usd: requests + gb_s * r + provisioned + ephemeral + snapstart,
        };
        total.add(&c);
        costs.push(c);
    }
    (costs, total)
}

fn arch_index(a: Arch) -> usize {
    match a {
        Arch::X86_64 => 0,
        Arch::Arm64 => 1,
    }
}

impl super::sheet::Sheet for PriceSheet {
    fn check(&self) -> Result<(), SheetError> {
        self.check_figures()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::billed_ms;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9, "{a} != {b}");
    }

    #[test]
    fn the_built_in_sheet_parses() {
        let s = PriceSheet::aws_us_east_1();
        assert_eq!(s.duration.rounding_ms, 1);
        assert_eq!(s.duration.x86_64.len(), 3);
    }

    #[test]
    fn the_built_in_sheet_matches_the_reference_data() {
        // AWS's list prices as compiled independently of the sheet, shipped with the tests.
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws-lambda-pricing-us-east-1.json"
        ));
        let j: serde_json::Value = serde_json::from_str(text).expect("json");
        let s = PriceSheet::aws_us_east_1();
        let f = |v: &serde_json::Value| v.as_f64().expect("number");
        for (arch, name) in [(Arch::X86_64, "x86_64"), (Arch::Arm64, "arm64")] {
            assert_eq!(
                s.requests.usd_per_request.get(arch),
                f(&j["requests_usd_per_request"][name])
            );
            let tiers = match arch {
                Arch::X86_64 => &s.duration.x86_64,
                Arch::Arm64 => &s.duration.arm64,
            };
            let reference = j["duration_usd_per_gb_s_tiers"][name]
                .as_array()
                .expect("tiers");
            assert_eq!(tiers.len(), reference.len());
            for (t, r) in tiers.iter().zip(reference) {
                assert_eq!(t.usd_per_gb_s, f(&r["price"]));
                assert_eq!(t.up_to_gb_s, r["to_gb_s"].as_f64());
            }
            let pc = &j["provisioned_concurrency"];
            assert_eq!(
                s.provisioned.concurrency_usd_per_gb_s.get(arch),
                f(&pc["concurrency_usd_per_gb_s"][name])
            );
            assert_eq!(
                s.provisioned.duration_usd_per_gb_s.get(arch),
                f(&pc["duration_usd_per_gb_s"][name])
            );
            assert_eq!(
                s.ephemeral_storage.usd_per_gb_s_above_512mb.get(arch),
                f(&j["ephemeral_storage_usd_per_gb_s_above_512MB"][name])
            );
        }
        assert_eq!(
            s.duration.rounding_ms,
            j["billing_granularity_ms"].as_u64().expect("ms")
        );
        assert_eq!(
            s.free_tier.requests,
            j["free_tier_monthly"]["requests"].as_u64().expect("n")
        );
        assert_eq!(s.free_tier.gb_s, f(&j["free_tier_monthly"]["gb_s"]));
    }

    #[test]
    fn durations_round_up_to_the_billing_unit() {
        assert_eq!(billed_ms(0, 1), 0);
        assert_eq!(billed_ms(1, 1), 1);
        assert_eq!(billed_ms(1_000, 1), 1);
        assert_eq!(billed_ms(1_001, 1), 2);
        assert_eq!(billed_ms(1_001, 100), 100);
        assert_eq!(billed_ms(100_001, 100), 200);
    }

    #[test]
    fn a_hand_computed_bill() {
        // Two warm invocations of 100.2 ms and 49 ms and one cold start (init 250.5 ms, exec
        // 10 ms) at 1024 MB, x86_64. Billed: 101 + 49 + ceil(260.5) = 261 ms, of which
        // 261 - 10 = 251 ms is INIT. 411 ms at 1 GB = 0.411 GB-s.
        let sheet = PriceSheet::aws_us_east_1();
        let mut u = Usage::default();
        u.on_demand(1024, 0, 100_200, 1);
        u.on_demand(1024, 0, 49_000, 1);
        u.on_demand(1024, 250_500, 10_000, 1);
        assert_eq!((u.exec_ms, u.init_ms), (160, 251));
        let (costs, total) = bill(&sheet, CostOptions::default(), &[(Billed::default(), u)]);
        close(costs[0].billed_gb_s, 0.411);
        close(costs[0].requests_usd, 3.0 * 2e-7);
        close(costs[0].compute_usd, 0.411 * 1.66667e-5);
        close(costs[0].init_usd, 0.251 * 1.66667e-5);
        close(total.total_usd, 3.0 * 2e-7 + 0.411 * 1.66667e-5);
        // The legacy rule leaves INIT of a zip package unbilled.
        let legacy = CostOptions {
            init_billing: InitBilling::Legacy,
            ..Default::default()
        };
        let (c, _) = bill(&sheet, legacy, &[(Billed::default(), u)]);
        close(c[0].billed_gb_s, 0.160);
        close(c[0].init_usd, 0.0);
        let image = Billed {
            package: Package::Image,
            ..Default::default()
        };
        let (c, _) = bill(&sheet, legacy, &[(image, u)]);
        close(c[0].billed_gb_s, 0.411);
    }

    #[test]
    fn tiers_split_at_their_boundaries() {
        let s = PriceSheet::aws_us_east_1();
        close(s.tiered(Arch::X86_64, 0.0, 6e9), 6e9 * 1.66667e-5);
        let two = 6e9 * 1.66667e-5 + 1e9 * 1.5e-5;
        assert!((s.tiered(Arch::X86_64, 0.0, 7e9) - two).abs() < 1e-3);
        let three = 6e9 * 1.66667e-5 + 9e9 * 1.5e-5 + 1e9 * 1.33334e-5;
        assert!((s.tiered(Arch::X86_64, 0.0, 16e9) - three).abs() < 1e-3);
        close(s.tiered(Arch::Arm64, 0.0, 1.0), 1.33334e-5);
        // Starting inside the second tier.
        close(s.tiered(Arch::X86_64, 6e9, 10.0), 10.0 * 1.5e-5);
    }

    #[test]
    fn arm64_is_cheaper_per_gb_s() {
        let sheet = PriceSheet::aws_us_east_1();
        let mut u = Usage::default();
        u.on_demand(2048, 0, 1_000_000, 1);
        let arm = Billed {
            arch: Arch::Arm64,
            ..Default::default()
        };
        let (c, _) = bill(&sheet, CostOptions::default(), &[(arm, u)]);
        close(c[0].compute_usd, 2.0 * 1.33334e-5);
    }

    #[test]
    fn provisioned_concurrency_and_its_overflow() {
        // 2 provisioned containers of 512 MB for one hour: 2 × 0.5 GB × 3600 s = 3600 GB-s of
        // concurrency. 1000 invocations of 100 ms on them; 10 overflow invocations of 100 ms
        // on demand.
        let sheet = PriceSheet::aws_us_east_1();
        let mut u = Usage {
            provisioned_requests: 1000,
            provisioned_mb_ms: 512 * 100 * 1000,
            provisioned_ms: 100 * 1000,
            provisioned_configured_mb_s: 2 * 512 * 3600,
            ..Default::default()
        };
        for _ in 0..10 {
            u.on_demand(512, 0, 100_000, 1);
        }
        let (c, _) = bill(&sheet, CostOptions::default(), &[(Billed::default(), u)]);
        close(c[0].provisioned_usd, 3600.0 * 4.1667e-6 + 50.0 * 9.7222e-6);
        close(c[0].compute_usd, 0.5 * 1.66667e-5);
        close(c[0].requests_usd, 1010.0 * 2e-7);
    }

    #[test]
    fn a_projection_scales_volume_before_the_tiers() {
        // 4e9 GB-s in the window, projected ×2: 8e9 GB-s crosses the first x86_64 tier at 6e9.
        let sheet = PriceSheet::aws_us_east_1();
        let u = Usage {
            requests: 1000,
            exec_mb_ms: 4e9 as u128 * 1024 * 1000,
            ..Default::default()
        };
        let (_, t) = bill_scaled(
            &sheet,
            CostOptions::default(),
            &[(Billed::default(), u)],
            2.0,
        );
        let expected = 2000.0 * 2e-7 + 6e9 * 1.66667e-5 + 2e9 * 1.5e-5;
        assert!(
            (t.total_usd - expected).abs() < 1e-3,
            "{} != {expected}",
            t.total_usd
        );
        close(t.billed_gb_s, 8e9);
    }

    #[test]
    fn the_free_tier_is_off_unless_asked() {
        let sheet = PriceSheet::aws_us_east_1();
        let mut u = Usage::default();
        for _ in 0..10 {
            u.on_demand(1024, 0, 1_000_000, 1);
        }
        let (_, paid) = bill(&sheet, CostOptions::default(), &[(Billed::default(), u)]);
        assert!(paid.total_usd > 0.0);
        let free = CostOptions {
            free_tier: true,
            ..Default::default()
        };
        let (_, t) = bill(&sheet, free, &[(Billed::default(), u)]);
        close(t.total_usd, 0.0);
    }

    #[test]
    fn ephemeral_storage_is_billed_above_512_mb() {
        let sheet = PriceSheet::aws_us_east_1();
        let mut u = Usage::default();
        u.on_demand(128, 0, 2_000_000, 1);
        let b = Billed {
            ephemeral_storage_mb: 10_240 + 512,
            ..Default::default()
        };
        let (c, _) = bill(&sheet, CostOptions::default(), &[(b, u)]);
        close(c[0].ephemeral_storage_usd, 10.0 * 2.0 * 3.09e-8);
    }

    #[test]
    fn spans_no_run_reaches_bill_without_overflow() {
        assert_eq!(billed_ms(u64::MAX, 1), u64::MAX.div_ceil(1_000));
        assert_eq!(billed_ms(5, u64::MAX), u64::MAX);
        let mut u = Usage {
            exec_ms: u64::MAX - 1,
            ..Default::default()
        };
        u.on_demand(10_240, u64::MAX, u64::MAX, 7);
        assert_eq!((u.exec_ms, u.init_ms), (u64::MAX, 0));
        u.on_provisioned(10_240, u64::MAX, 1);
        u.on_provisioned(10_240, u64::MAX, 1_000);
        let whole_seconds = u64::MAX.div_ceil(1_000_000) * 1_000;
        assert_eq!(u.provisioned_ms, u64::MAX.div_ceil(1_000) + whole_seconds);
        let text = AWS_US_EAST_1.replace("rounding_ms = 1", "rounding_ms = 18446744073709551615");
        assert_eq!(
            PriceSheet::from_toml(&text),
            Err(SheetError::new(
                "duration.rounding_ms",
                "must be at most 3600000 (an hour), got 18446744073709551615"
            ))
        );
    }

    #[test]
    fn a_bad_sheet_names_its_key() {
        let text = AWS_US_EAST_1.replace("rounding_ms = 1", "rounding_ms = 0");
        assert_eq!(
            PriceSheet::from_toml(&text),
            Err(SheetError::new(
                "duration.rounding_ms",
                "must be at least 1"
            ))
        );
        let text = AWS_US_EAST_1.replace(
            "{ up_to_gb_s = 15e9, usd_per_gb_s = 1.5e-5 }",
            "{ up_to_gb_s = 1e9, usd_per_gb_s = 1.5e-5 }",
        );
        assert!(
            PriceSheet::from_toml(&text)
                .expect_err("bad")
                .to_string()
                .contains("duration.x86_64[1].up_to_gb_s")
        );
    }
}
