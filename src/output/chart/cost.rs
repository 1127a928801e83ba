//! The charts of a cost report: cost per function over the trace and with its traffic repeated for 30 days, cold starts per function and the CDF of their ratio.

use crate::analysis::invoice::Invoice;

use super::draw::{Chart, ChartError, render};
use super::format::span;
use super::shared::{ColdRow, CostRow, cold_start_bars, cold_start_ratio_cdf, cost_bars};

/// The charts of a cost report, in the order the report shows them: `cost`, `cost-30-day`,
/// `cold-starts`, `cold-start-ratio`.
pub fn cost_charts(invoice: &Invoice) -> Result<Vec<Chart>, ChartError> {
    let window: Vec<CostRow> = invoice
        .functions
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                [
                    l.requests_usd,
                    l.compute_usd - l.init_usd,
                    l.init_usd,
                    l.provisioned_usd,
                    l.ephemeral_storage_usd,
                    l.management_usd,
                ],
                l.total_usd,
            )
        })
        .collect();
    let month: Vec<CostRow> = invoice
        .functions
        .iter()
        .map(|l| {
            let m = &l.month;
            // The projection keeps no storage figure of its own: what the parts leave.
            let storage =
                m.total_usd - m.requests_usd - m.compute_usd - m.provisioned_usd - m.management_usd;
            (
                l.name.clone(),
                [
                    m.requests_usd,
                    m.compute_usd - m.init_usd,
                    m.init_usd,
                    m.provisioned_usd,
                    if l.ephemeral_storage_usd > 0.0 {
                        storage.max(0.0)
                    } else {
                        0.0
                    },
                    m.management_usd,
                ],
                m.total_usd,
            )
        })
        .collect();
    let per_function: Vec<ColdRow> = invoice
        .functions
        .iter()
        .map(|l| (l.name.clone(), l.invocations, l.cold_starts))
        .collect();
    let figures = [
        cost_bars(
            "cost",
            &format!(
                "Cost per function over the trace ({})",
                span(invoice.window_s)
            ),
            &window,
            invoice.total.total_usd,
        ),
        cost_bars(
            "cost-30-day",
            "Cost per function, the traffic repeated for 30 days",
            &month,
            invoice.total.month.total_usd,
        ),
        cold_start_bars(&per_function),
        cold_start_ratio_cdf(&per_function),
    ];
    figures.iter().map(render).collect()
}
