//! The same traffic priced on several platforms (`coldsim cost --platform`): one run per platform over the same trace, each billed by its own model, side by side with cold starts, latency and peak containers, and where one platform overtakes another.

use serde::Serialize;

use crate::analysis::compare::{Comparison, Row};
use crate::analysis::invoice::{Invoice, bill_run, break_even};
use crate::analysis::run::{Progress, RunError};
use crate::model::scenario::{PlatformTarget, Scenario};
use crate::model::what_if::Sheet;
use crate::time::SimDuration;

/// The bills of one trace on several platforms, as `cost.json` holds them with `--platform`.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformBills {
    /// The traffic file.
    pub trace: String,
    /// The seed every run used.
    pub seed: u64,
    /// The billed window of the trace [s].
    pub window_s: f64,
    /// 30 days over the window: what the projections multiply the traffic by.
    pub month_factor: f64,
    /// What a reader of the projection should know.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The platform with the lowest bill (the first of equals), by its label.
    pub cheapest: String,
    /// One bill per platform, in the order asked, each with `platform` and `total_usd`.
    pub platforms: Vec<Invoice>,
    /// The figures of each platform as a row of a comparison, for the charts.
    #[serde(skip)]
    pub rows: Vec<Row>,
}

/// Prices the trace of `scenario` (an AWS Lambda scenario, as `coldsim cost` builds it) on
/// each of `targets`: the Lambda run first (its functions are every function the trace has),
/// then each other platform with [`Scenario::on_platform`] on the same trace and seed, so the
/// same arrivals and handler times. `sheets` replace the built-in sheet of their platform. With
/// `with_break_even`, AWS Lambda's bill gets its provisioned break-even.
pub fn price_on_platforms(
    scenario: &Scenario,
    seed: u64,
    trace: &str,
    window: Option<SimDuration>,
    (targets, sheets): (&[PlatformTarget], &[Sheet]),
    with_break_even: bool,
    progress: Progress<'_>,
) -> Result<PlatformBills, RunError> {
    let (lambda, sim, lambda_summary) = bill_run(scenario, seed, trace, window, &mut *progress)?;
    let functions: Vec<_> = sim.functions().map(|(f, _)| f.clone()).collect();
    let baseline_idle = lambda_summary.totals.gb_s.idle;
    let mut platforms = Vec::with_capacity(targets.len());
    let mut rows = Vec::with_capacity(targets.len());
    for target in targets {
        let label = target.label();
        let sheet = sheets
            .iter()
            .find(|s| s.prices.model() == target.kind)
            .cloned()
            .unwrap_or_else(|| Sheet::built_in(*target));
        let same = target.kind == scenario.platform.kind && sheet.prices == scenario.cost.prices;
        let (mut invoice, summary) = if same {
            let mut invoice = lambda.clone();
            if with_break_even {
                let (peaks, levels) = break_even(scenario, &sim, seed, &mut *progress)?;
                invoice.set_break_even(&peaks, levels);
            }
            (invoice, lambda_summary.clone())
        } else {
            let s = scenario
                .on_platform(*target, &functions, sheet.prices, &sheet.source)
                .map_err(|e| RunError::WhatIf(format!("--platform {label}: {e}")))?;
            let (invoice, _, summary) = bill_run(&s, seed, trace, window, &mut *progress)?;
            (invoice, summary)
        };
        invoice.platform = label.clone();
        rows.push(Row::new(&label, &label, &summary, baseline_idle));
        platforms.push(invoice);
    }
    let cheapest = platforms
        .iter()
        .fold(None::<&Invoice>, |best, i| match best {
            Some(b) if b.total.total_usd <= i.total.total_usd => Some(b),
            _ => Some(i),
        })
        .map(|i| i.platform.clone())
        .unwrap_or_default();
    Ok(PlatformBills {
        trace: trace.to_string(),
        seed,
        window_s: lambda.window_s,
        month_factor: lambda.month_factor,
        warnings: lambda.warnings.clone(),
        cheapest,
        platforms,
        rows,
    })
}

impl PlatformBills {
    /// The platforms as a comparison (one row each, against AWS Lambda's idle memory), for the
    /// comparison's charts.
    pub fn comparison(&self) -> Comparison {
        Comparison {
            scenario: self.trace.clone(),
            seed: self.seed,
            policies: self.rows.clone(),
        }
    }
}
