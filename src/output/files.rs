//! The files a command writes, as (name, bytes): a run's summary, tables, time series, charts and report, and the report's charts beside any page.

use crate::analysis::summary::Summary;
use crate::model::scenario::Scenario;
use crate::output::chart::{Chart, ChartError, Limits, run_charts};
use crate::output::page::run_page;
use crate::output::summary::series_csv;
use crate::sim::engine::Simulation;

/// A file to write: its name in the output folder and its bytes.
pub type File = (String, Vec<u8>);

/// Adds `report.html` and each chart as a PNG and an SVG file to the files to write.
pub fn add_report(files: &mut Vec<File>, page: String, charts: &[Chart]) {
    files.push(("report.html".to_string(), page.into_bytes()));
    for c in charts {
        files.push((format!("{}.png", c.name), c.png.clone()));
        files.push((format!("{}.svg", c.name), c.svg.clone().into_bytes()));
    }
}

/// What `coldsim run` writes: `summary.json`, `functions.csv`, `timeseries.csv`, the charts
/// and `report.html`.
pub fn run_files(
    scenario: &Scenario,
    summary: &Summary,
    sim: &Simulation,
) -> Result<Vec<File>, ChartError> {
    let charts = run_charts(summary, sim, &Limits::of(scenario))?;
    let mut files = vec![
        ("summary.json".to_string(), summary.to_json()),
        ("functions.csv".to_string(), summary.functions_csv()),
        (
            "timeseries.csv".to_string(),
            series_csv(sim.series(), sim.end().as_micros()),
        ),
    ];
    add_report(&mut files, run_page(summary, &charts), &charts);
    Ok(files)
}
