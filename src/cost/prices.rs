//! Which billing model a sheet is for, the sheets of every model behind one type, and the bill of whichever it is.

use super::azure::ConsumptionSheet;
use super::cloud_run::CloudRunSheet;
use super::flex::FlexSheet;
use super::lambda::{PriceSheet, bill_scaled};
use super::managed::ManagedSheet;
use super::sheet::{Sheet, SheetError, parse_toml};
use super::usage::{Billed, BillingModel, Cost, CostOptions, PeriodRule, RequestRule, Usage};

/// A price sheet of any billing model.
#[derive(Clone, Debug, PartialEq)]
pub enum Prices {
    /// AWS Lambda.
    AwsLambda(PriceSheet),
    /// AWS Lambda Managed Instances.
    AwsLambdaManagedInstances(ManagedSheet),
    /// Azure Functions Flex Consumption.
    AzureFlexConsumption(FlexSheet),
    /// Azure Functions Consumption.
    AzureConsumption(ConsumptionSheet),
    /// Google Cloud Run.
    GoogleCloudRun(CloudRunSheet),
}

/// The model a sheet's top-level `billing` key names (AWS Lambda without one).
fn model_of(billing: Option<&str>) -> Result<BillingModel, SheetError> {
    match billing {
        None => Ok(BillingModel::AwsLambda),
        Some(name) => BillingModel::parse(name).ok_or_else(|| {
            let names: Vec<&str> = BillingModel::ALL.iter().map(|m| m.as_str()).collect();
            SheetError::new(
                "billing",
                format!(
                    "{name:?} is not a billing model; one of {}",
                    names.join(", ")
                ),
            )
        }),
    }
}

impl Prices {
    /// The built-in sheet of `model`.
    pub fn built_in(model: BillingModel) -> Prices {
        match model {
            BillingModel::AwsLambda => Prices::AwsLambda(PriceSheet::aws_us_east_1()),
            BillingModel::AwsLambdaManagedInstances => {
                Prices::AwsLambdaManagedInstances(ManagedSheet::us_east_1())
            }
            BillingModel::AzureFlexConsumption => {
                Prices::AzureFlexConsumption(FlexSheet::east_us())
            }
            BillingModel::AzureConsumption => Prices::AzureConsumption(ConsumptionSheet::east_us()),
            BillingModel::GoogleCloudRun => Prices::GoogleCloudRun(CloudRunSheet::us_central1()),
        }
    }

    /// The file the built-in sheet of `model` ships as, under `prices/`.
    pub fn built_in_file(model: BillingModel) -> &'static str {
        match model {
            BillingModel::AwsLambda => "prices/aws-lambda-us-east-1.toml",
            BillingModel::AwsLambdaManagedInstances => {
                "prices/aws-lambda-managed-instances-us-east-1.toml"
            }
            BillingModel::AzureFlexConsumption => "prices/azure-flex-consumption-east-us.toml",
            BillingModel::AzureConsumption => "prices/azure-consumption-east-us.toml",
            BillingModel::GoogleCloudRun => "prices/google-cloud-run-us-central1.toml",
        }
    }

    /// Parses and checks a TOML sheet; its `billing` key says its model (AWS Lambda without).
    pub fn from_toml(text: &str) -> Result<Prices, SheetError> {
        let billing = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("billing").and_then(|b| b.as_str().map(str::to_owned)));
        Ok(match model_of(billing.as_deref())? {
            BillingModel::AwsLambda => Prices::AwsLambda(PriceSheet::from_toml(text)?),
            BillingModel::AwsLambdaManagedInstances => {
                Prices::AwsLambdaManagedInstances(parse_toml(text)?)
            }
            BillingModel::AzureFlexConsumption => Prices::AzureFlexConsumption(parse_toml(text)?),
            BillingModel::AzureConsumption => Prices::AzureConsumption(parse_toml(text)?),
            BillingModel::GoogleCloudRun => Prices::GoogleCloudRun(parse_toml(text)?),
        })
    }

    /// Parses and checks a JSON sheet with the same keys.
    pub fn from_json(text: &str) -> Result<Prices, SheetError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SheetError::Syntax {
                line: Some(e.line()),
                message: e.to_string(),
            })?;
        let billing = value
            .get("billing")
            .and_then(|b| b.as_str().map(str::to_owned));
        fn json<T: Sheet>(text: &str) -> Result<T, SheetError> {
            let sheet: T = serde_json::from_str(text).map_err(|e| SheetError::Syntax {
                line: Some(e.line()),
                message: e.to_string(),
            })?;
            sheet.check()?;
            Ok(sheet)
        }
        Ok(match model_of(billing.as_deref())? {
            BillingModel::AwsLambda => Prices::AwsLambda(json(text)?),
            BillingModel::AwsLambdaManagedInstances => {
                Prices::AwsLambdaManagedInstances(json(text)?)
            }
            BillingModel::AzureFlexConsumption => Prices::AzureFlexConsumption(json(text)?),
            BillingModel::AzureConsumption => Prices::AzureConsumption(json(text)?),
            BillingModel::GoogleCloudRun => Prices::GoogleCloudRun(json(text)?),
        })
    }

    /// The billing model of the sheet.
    pub fn model(&self) -> BillingModel {
        match self {
            Prices::AwsLambda(_) => BillingModel::AwsLambda,
            Prices::AwsLambdaManagedInstances(_) => BillingModel::AwsLambdaManagedInstances,
            Prices::AzureFlexConsumption(_) => BillingModel::AzureFlexConsumption,
            Prices::AzureConsumption(_) => BillingModel::AzureConsumption,
            Prices::GoogleCloudRun(_) => BillingModel::GoogleCloudRun,
        }
    }

    /// The sheet's own name, like "AWS Lambda us-east-1".
    pub fn name(&self) -> &str {
        match self {
            Prices::AwsLambda(s) => &s.name,
            Prices::AwsLambdaManagedInstances(s) => &s.name,
            Prices::AzureFlexConsumption(s) => &s.name,
            Prices::AzureConsumption(s) => &s.name,
            Prices::GoogleCloudRun(s) => &s.name,
        }
    }

    /// The AWS Lambda sheet, if it is one.
    pub fn lambda(&self) -> Option<&PriceSheet> {
        match self {
            Prices::AwsLambda(s) => Some(s),
            _ => None,
        }
    }

    /// How each request's duration is counted for the bill.
    pub fn requests(&self) -> RequestRule {
        match self {
            Prices::AwsLambda(s) => RequestRule::lambda(s.duration.rounding_ms),
            Prices::AzureConsumption(s) => s.requests(),
            // Per-instance models bill no request's duration: count it as Lambda does, for
            // the report's GB-seconds of requests.
            _ => RequestRule::lambda(1),
        }
    }

    /// How instances' busy periods and lives are counted, on models that bill instances.
    pub fn periods(&self) -> Option<PeriodRule> {
        match self {
            Prices::AzureFlexConsumption(s) => Some(s.periods()),
            Prices::GoogleCloudRun(s) => Some(s.periods()),
            Prices::AwsLambda(_)
            | Prices::AzureConsumption(_)
            | Prices::AwsLambdaManagedInstances(_) => None,
        }
    }

    /// Bills `scale` times the usage as one month: one [`Cost`] per function, in order, and
    /// the total. `scale = 30 days / window` projects a window to a 30-day month.
    pub fn bill(
        &self,
        options: CostOptions,
        functions: &[(Billed, Usage)],
        scale: f64,
    ) -> (Vec<Cost>, Cost) {
        match self {
            Prices::AwsLambda(s) => bill_scaled(s, options, functions, scale),
            Prices::AwsLambdaManagedInstances(s) => s.bill(options, functions, scale),
            Prices::AzureFlexConsumption(s) => s.bill(options, functions, scale),
            Prices::AzureConsumption(s) => s.bill(options, functions, scale),
            Prices::GoogleCloudRun(s) => s.bill(options, functions, scale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_sheet_parses_and_names_its_model() {
        for model in BillingModel::ALL {
            let p = Prices::built_in(model);
            assert_eq!(p.model(), model);
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(Prices::built_in_file(model));
            let text = std::fs::read_to_string(&path).expect("the shipped sheet");
            assert_eq!(Prices::from_toml(&text), Ok(p), "{model:?}");
            assert_eq!(BillingModel::parse(model.as_str()), Some(model));
        }
    }

    #[test]
    fn a_sheet_of_an_unknown_model_is_refused_by_name() {
        let err = Prices::from_toml("billing = \"heroku\"\nname = \"x\"").expect_err("unknown");
        assert!(
            err.to_string()
                .starts_with("billing \"heroku\" is not a billing model; one of aws-lambda,"),
            "{err}"
        );
    }

    #[test]
    fn a_json_sheet_reads_as_its_toml_twin() {
        let toml = Prices::built_in(BillingModel::AzureFlexConsumption);
        let Prices::AzureFlexConsumption(sheet) = &toml else {
            unreachable!()
        };
        let json = serde_json::to_value(sheet).expect("serialize");
        assert_eq!(json["billing"], "azure-flex-consumption");
        assert_eq!(Prices::from_json(&json.to_string()), Ok(toml));
    }

    #[test]
    fn a_bad_figure_names_its_key() {
        let text = super::super::flex::AZURE_FLEX_EAST_US
            .replace("minimum_ms = 1000", "minimum_ms = 7200000");
        assert_eq!(
            Prices::from_toml(&text),
            Err(SheetError::new(
                "activity.minimum_ms",
                "must be at most 3600000 (an hour), got 7200000"
            ))
        );
        let text = super::super::cloud_run::CLOUD_RUN_US_CENTRAL1
            .replace("rounding_ms = 100", "rounding_ms = 0");
        assert_eq!(
            Prices::from_toml(&text),
            Err(SheetError::new("rounding_ms", "must be at least 1"))
        );
        let text = super::super::managed::MANAGED_US_EAST_1
            .replace("usd_per_hour = 0.1632", "usd_per_hour = -1");
        assert_eq!(
            Prices::from_toml(&text),
            Err(SheetError::new(
                "instances.\"m7g.xlarge\".usd_per_hour",
                "must be a price of at least 0, got -1"
            ))
        );
    }

    #[test]
    fn the_built_in_sheets_match_the_reference_data() {
        // Every figure of the shipped sheets against the reference data they were built from,
        // compiled independently with each figure's source (tests/fixtures/README.md).
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/serverless-platform-prices.json"
        ));
        let j: serde_json::Value = serde_json::from_str(text).expect("json");
        let p = &j["platforms"];
        let f = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("a number: {v}"));
        let u = |v: &serde_json::Value| v.as_u64().unwrap_or_else(|| panic!("a count: {v}"));

        let flex = FlexSheet::east_us();
        let x = &p["azure-flex-consumption"];
        assert_eq!(
            flex.on_demand.execution_time_usd_per_gb_s,
            f(&x["on_demand"]["execution_time_usd_per_gb_s"])
        );
        assert_eq!(
            flex.on_demand.executions_usd_per_million,
            f(&x["on_demand"]["executions_usd_per_million"])
        );
        assert_eq!(
            flex.free_grant.execution_time_gb_s,
            f(&x["on_demand"]["free_grant_execution_time_gb_s_per_month"])
        );
        assert_eq!(
            flex.free_grant.executions,
            u(&x["on_demand"]["free_grant_executions_per_month"])
        );
        assert_eq!(
            flex.always_ready.baseline_usd_per_gb_s,
            f(&x["always_ready"]["baseline_usd_per_gb_s"])
        );
        assert_eq!(
            flex.always_ready.execution_time_usd_per_gb_s,
            f(&x["always_ready"]["execution_time_usd_per_gb_s"])
        );
        assert_eq!(
            flex.always_ready.executions_usd_per_million,
            f(&x["always_ready"]["executions_usd_per_million"])
        );
        assert_eq!(
            flex.activity.minimum_ms,
            u(&x["billing_rounding"]["minimum_billable_period_ms"])
        );
        assert_eq!(
            flex.activity.rounding_ms,
            u(&x["billing_rounding"]["rounding_increment_ms"])
        );

        let azure = ConsumptionSheet::east_us();
        let x = &p["azure-consumption"];
        assert_eq!(
            azure.executions.usd_per_million,
            f(&x["executions_usd_per_million"])
        );
        let t = &azure.execution_time;
        assert_eq!(t.usd_per_gb_s, f(&x["execution_time_usd_per_gb_s"]));
        assert_eq!(u64::from(t.memory_rounding_mb), u(&x["memory_rounding_mb"]));
        assert_eq!(
            u64::from(t.minimum_memory_mb),
            u(&x["minimum_memory_billed_mb"])
        );
        assert_eq!(t.rounding_ms, u(&x["duration_rounding_ms"]));
        assert_eq!(t.minimum_ms, u(&x["minimum_execution_time_billed_ms"]));
        assert_eq!(
            azure.free_grant.executions,
            u(&x["free_grant_executions_per_month"])
        );
        assert_eq!(
            azure.free_grant.execution_time_gb_s,
            f(&x["free_grant_execution_time_gb_s_per_month"])
        );

        let run = CloudRunSheet::us_central1();
        let x = &p["google-cloud-run"];
        assert_eq!(run.rounding_ms, u(&x["billing_rounding_ms"]));
        let (r, i) = (&run.request_based, &run.instance_based);
        let xr = &x["request_based"];
        assert_eq!(r.cpu_usd_per_vcpu_s, f(&xr["cpu_usd_per_vcpu_s"]));
        assert_eq!(r.memory_usd_per_gib_s, f(&xr["memory_usd_per_gib_s"]));
        assert_eq!(
            r.requests_usd_per_million,
            f(&xr["requests_usd_per_million"])
        );
        assert_eq!(r.free_tier.vcpu_s, f(&xr["free_vcpu_s_per_month"]));
        assert_eq!(r.free_tier.gib_s, f(&xr["free_gib_s_per_month"]));
        assert_eq!(r.free_tier.requests, u(&xr["free_requests_per_month"]));
        let xi = &x["instance_based"];
        assert_eq!(i.cpu_usd_per_vcpu_s, f(&xi["cpu_usd_per_vcpu_s"]));
        assert_eq!(i.free_tier.vcpu_s, f(&xi["free_vcpu_s_per_month"]));
        assert_eq!(i.free_tier.gib_s, f(&xi["free_gib_s_per_month"]));
        // What the reference data could not find stays out of the sheet, for the user to give.
        let not_found: Vec<&str> = j["not_found"]
            .as_array()
            .expect("not_found")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(
            not_found
                .iter()
                .any(|n| n.starts_with("google-cloud-run: instance-based memory price"))
        );
        assert!(
            not_found
                .iter()
                .any(|n| n.starts_with("google-cloud-run: idle minimum-instance prices"))
        );
        assert_eq!(i.memory_usd_per_gib_s, None);
        assert_eq!(
            (r.idle_cpu_usd_per_vcpu_s, r.idle_memory_usd_per_gib_s),
            (None, None)
        );

        let lmi = ManagedSheet::us_east_1();
        let x = &p["aws-lambda-managed-instances"];
        assert_eq!(
            lmi.requests_usd_per_million,
            f(&x["requests_usd_per_million"])
        );
        assert_eq!(
            lmi.management_fee_fraction,
            f(&x["management_fee_fraction_of_ec2_on_demand_price"])
        );
        assert_eq!(
            u64::from(lmi.reserved.vcpus),
            u(&x["instance_overhead_reserved_per_instance"]["vcpu"])
        );
        assert_eq!(
            u64::from(lmi.reserved.memory_mb),
            u(&x["instance_overhead_reserved_per_instance"]["memory_mb"])
        );
        let prices = x["ec2_on_demand_usd_per_hour"].as_object().expect("prices");
        assert_eq!(lmi.instances.len(), prices.len());
        for (name, t) in &lmi.instances {
            assert_eq!(t.usd_per_hour, f(&prices[name]), "{name}");
            let spec = &x["ec2_instance_specs"][name];
            assert_eq!(u64::from(t.vcpus), u(&spec["vcpu"]), "{name}");
            assert_eq!(u64::from(t.memory_gib), u(&spec["memory_gib"]), "{name}");
        }
    }
}
