//! `report.html` of `coldsim cost --platform`: the cheapest and fastest platforms, the platforms side by side with the parts of each bill, every chart, then each platform's bill per function.

use std::fmt::Write;

use super::{best, card, esc, figures, head, nav, opt, table_head, table_row};
use crate::analysis::platforms::PlatformBills;
use crate::output::chart::{Chart, count, usd};

/// The page: headline cards, the platform table, the charts, a table per platform.
pub fn platforms_page(bills: &PlatformBills, charts: &[Chart]) -> String {
    let mut out = String::new();
    head(
        &mut out,
        &format!(
            "coldsim cost: {} on {} platforms",
            bills.trace,
            bills.platforms.len()
        ),
    );
    let _ = writeln!(
        out,
        "<header><h1>Cost of {} on {} platforms</h1>\n<p class=\"meta\">coldsim cost · seed {} · the same arrivals and handler times on each platform · window {:.1} s; the 30-day figures scale the traffic by {:.2}</p>",
        esc(&bills.trace),
        bills.platforms.len(),
        bills.seed,
        bills.window_s,
        bills.month_factor,
    );
    for w in &bills.warnings {
        let _ = writeln!(
            out,
            "<p class=\"meta\"><strong>Warning:</strong> {}.</p>",
            esc(w)
        );
    }
    nav(&mut out, "platforms", charts);
    out.push_str("</header>\n<section class=\"cards\" aria-label=\"headline figures\">\n");
    if let Some(p) = bills
        .platforms
        .iter()
        .find(|p| p.platform == bills.cheapest)
    {
        card(
            &mut out,
            &p.platform,
            &format!("cheapest: {} for 30 days", usd(p.total.month.total_usd)),
            None,
        );
    }
    if let Some((r, v)) = best(&bills.rows, |r| r.p99_ms).and_then(|r| r.p99_ms.map(|v| (r, v))) {
        card(
            &mut out,
            &r.platform,
            &format!("lowest p99 latency: {v:.1} ms"),
            None,
        );
    }
    out.push_str("</section>\n");
    table_head(
        &mut out,
        "platforms",
        "Platforms",
        &[
            "platform",
            "prices",
            "cost USD",
            "requests USD",
            "compute USD",
            "provisioned USD",
            "management USD",
            "30-day USD",
            "cold",
            "p50 ms",
            "p99 ms",
            "peak containers",
        ],
    );
    for p in &bills.platforms {
        let t = &p.total;
        table_row(
            &mut out,
            &[
                esc(&p.platform),
                esc(&p.prices),
                usd(t.total_usd),
                usd(t.requests_usd),
                usd(t.compute_usd),
                usd(t.provisioned_usd),
                usd(t.management_usd),
                usd(t.month.total_usd),
                count(t.cold_starts),
                opt(t.p50_ms, 1),
                opt(t.p99_ms, 1),
                count(u64::from(t.peak_containers)),
            ],
            p.platform == bills.cheapest,
        );
    }
    out.push_str("</tbody></table></div>\n");
    figures(&mut out, charts);
    for p in &bills.platforms {
        table_head(
            &mut out,
            &format!("platform-{}", p.platform.replace(':', "-")),
            &format!("{}: per function", p.platform),
            &[
                "function",
                "memory MB",
                "invocations",
                "cold",
                "cost USD",
                "p99 ms",
                "peak containers",
                "30-day USD",
            ],
        );
        for (l, total) in p
            .functions
            .iter()
            .map(|l| (l, false))
            .chain(std::iter::once((&p.total, true)))
        {
            table_row(
                &mut out,
                &[
                    esc(&l.name),
                    if l.memory_mb > 0 {
                        l.memory_mb.to_string()
                    } else {
                        String::new()
                    },
                    count(l.invocations),
                    count(l.cold_starts),
                    usd(l.total_usd),
                    opt(l.p99_ms, 1),
                    count(u64::from(l.peak_containers)),
                    usd(l.month.total_usd),
                ],
                total,
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("<footer>Written by coldsim cost --platform; the figures are those of cost.json and cost.csv.</footer>\n</body>\n</html>\n");
    out
}
