//! Huawei Cloud's 2023 public traces (`huawei2023`): requests per function and minute, one column per function (`day,time,0,1,…`, `time` in seconds since the trace's start, an empty cell for none), spread inside each minute as `azure2019`'s are.

use super::azure2019::{MINUTE_US, Minutes};
use super::error::TraceError;
use super::files::Files;
use super::names::{new_function, new_id};
use super::number::{number_message, parse_f64, parse_scaled};
use super::row::TraceFunction;
use super::table::Table;
use crate::model::trace::TraceOptions;
use crate::rng::SimRng;

/// The columns before the functions'.
const HUAWEI2023_COLUMNS: &str = "day,time, then one column per function";

/// Reads a day's requests-per-minute file whole: every function (a column) is known from the
/// start; a row's minute is its `time` less the first row's, in whole minutes.
pub(super) fn read_huawei2023(
    files: Files<'_>,
    path: &std::path::Path,
    options: &TraceOptions,
    rng: SimRng,
    functions: &mut Vec<TraceFunction>,
    rows_read: &mut u64,
) -> Result<Minutes, TraceError> {
    let mut table = Table::open(files, path)?;
    table.require("day", HUAWEI2023_COLUMNS)?;
    let time = table.require("time", HUAWEI2023_COLUMNS)?;
    let mut columns = Vec::new();
    for (c, name) in table.header.clone().iter().enumerate() {
        if name == "day" || name == "time" {
            continue;
        }
        if name.is_empty() {
            return Err(TraceError::File {
                path: path.to_path_buf(),
                message: format!("column {} has no name; expected a function id", c + 1),
            });
        }
        let id = new_id(&table, c, functions)?;
        functions.push(new_function(name.clone(), None));
        columns.push((c, id));
    }
    let mut counts: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut first = None;
    let mut previous: Option<u64> = None;
    let mut total = 0u64;
    while table.next()? {
        *rows_read += 1;
        let t = parse_scaled(table.field(time), 6).map_err(|e| {
            table.error(
                time,
                number_message(&table.shown(time), e, "seconds since the trace's start"),
            )
        })?;
        if previous.is_some_and(|p| t <= p) {
            return Err(table.error(
                time,
                format!(
                    "{} is not after the previous row's time; rows are minutes in time order",
                    table.shown(time)
                ),
            ));
        }
        previous = Some(t);
        let origin = *first.get_or_insert(t);
        let minute = ((t - origin) / MINUTE_US) as usize;
        if minute >= counts.len() {
            counts.resize_with(minute + 1, Vec::new);
        }
        for &(c, id) in &columns {
            let field = table.field(c).trim_ascii();
            if field.is_empty() {
                continue;
            }
            // The release writes some counts as decimals (`2.0`).
            let n = parse_f64(field)
                .ok()
                .filter(|v| v.fract() == 0.0 && *v <= f64::from(u32::MAX))
                .ok_or_else(|| {
                    table.error(
                        c,
                        format!(
                            "{} is not a whole number of requests; expected a count, or nothing for none",
                            table.shown(c)
                        ),
                    )
                })? as u32;
            if n > 0 {
                counts[minute].push((id, n));
                total = total.saturating_add(u64::from(n));
            }
        }
    }
    if total > crate::model::scenario::MAX_INVOCATIONS {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: format!(
                "holds {total} requests, more than a run may have ({:e}); cut the file into shorter traces",
                crate::model::scenario::MAX_INVOCATIONS as f64
            ),
        });
    }
    Ok(Minutes::new(counts, options.spread, rng))
}
