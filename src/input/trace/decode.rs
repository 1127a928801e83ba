//! The row formats, `invocations` and `azure2021`: columns found by name, each row decoded into a start, a function, a handler time and a memory size; numeric timestamps since the start or as Unix time.

use super::error::TraceError;
use super::names::Names;
use super::names::name_field;
use super::names::new_function;
use super::names::new_id;
use super::names::short;
use super::number::NumError;
use super::number::number_message;
use super::number::parse_rfc3339;
use super::number::parse_scaled;
use super::number::parse_u32;
use super::row::Decoded;
use super::row::TraceFunction;
use super::table::Table;
use crate::model::trace::TimeUnit;
use crate::model::trace::TraceOptions;
use crate::time::MICROS_PER_S;
use crate::time::SimDuration;

/// How `timestamp`s of an `invocations` file read, decided by its first row.
#[derive(Clone, Copy, Debug)]
pub(super) enum Clock {
    Undecided,
    /// Numbers in the [`TimeUnit`] since time 0.
    Numeric,
    /// Numbers in the [`TimeUnit`] since the Unix epoch (the first row's is at least
    /// [`EPOCH_FROM_S`] seconds, or `rebase` was asked for); `origin` is the first row's [µs],
    /// which becomes time 0, as for RFC 3339.
    Rebased {
        origin: i64,
    },
    /// RFC 3339 instants; `origin` is the first row's [µs since the Unix epoch], on `line`.
    Rfc3339 {
        origin: i64,
        line: u64,
    },
}

/// A trace's `tenant` column and the tenants it has named, numbered in order.
#[derive(Debug)]
pub(super) struct TenantColumn {
    column: usize,
    tenants: std::collections::HashMap<Box<[u8]>, u32>,
}

#[derive(Debug)]
pub(super) enum Decoder {
    Invocations {
        timestamp: usize,
        function: usize,
        duration_ms: Option<usize>,
        memory_mb: Option<usize>,
        /// The `tenant` column, and the tenants met so far.
        tenant: Option<Box<TenantColumn>>,
        unit: TimeUnit,
        start_at_first_row: bool,
        clock: Clock,
    },
    Azure2021 {
        app: usize,
        func: usize,
        end_timestamp: usize,
        duration: usize,
    },
    Huawei2025(Box<super::huawei::Huawei2025>),
}

pub(super) const INVOCATIONS_COLUMNS: &str =
    "timestamp and function (duration_ms, memory_mb and tenant are optional)";
pub(super) const AZURE2021_COLUMNS: &str = "app,func,end_timestamp,duration";
pub(super) const MEMORY_EXPECTED: &str = "a whole number of MB from 1 to 10240";

impl Decoder {
    pub(super) fn invocations(
        table: &Table,
        options: &TraceOptions,
    ) -> Result<Decoder, TraceError> {
        Ok(Decoder::Invocations {
            timestamp: table.require("timestamp", INVOCATIONS_COLUMNS)?,
            function: table.require("function", INVOCATIONS_COLUMNS)?,
            duration_ms: table.column("duration_ms")?,
            memory_mb: table.column("memory_mb")?,
            tenant: table.column("tenant")?.map(|column| {
                Box::new(TenantColumn {
                    column,
                    tenants: std::collections::HashMap::new(),
                })
            }),
            unit: options.time_unit,
            start_at_first_row: options.start_at_first_row,
            clock: Clock::Undecided,
        })
    }

    pub(super) fn azure2021(table: &Table) -> Result<Decoder, TraceError> {
        Ok(Decoder::Azure2021 {
            app: table.require("app", AZURE2021_COLUMNS)?,
            func: table.require("func", AZURE2021_COLUMNS)?,
            end_timestamp: table.require("end_timestamp", AZURE2021_COLUMNS)?,
            duration: table.require("duration", AZURE2021_COLUMNS)?,
        })
    }

    /// The column blamed for a row out of order.
    pub(super) fn time_column(&self) -> usize {
        match self {
            Decoder::Invocations { timestamp, .. } => *timestamp,
            Decoder::Azure2021 { end_timestamp, .. } => *end_timestamp,
            Decoder::Huawei2025(h) => h.time_column(),
        }
    }

    #[inline]
    pub(super) fn decode(
        &mut self,
        table: &Table,
        names: &mut Names,
        functions: &mut Vec<TraceFunction>,
    ) -> Result<Decoded, TraceError> {
        match self {
            Decoder::Huawei2025(h) => h.decode(table, names, functions),
            Decoder::Invocations {
                timestamp,
                function,
                duration_ms,
                memory_mb,
                tenant,
                unit,
                start_at_first_row,
                clock,
            } => {
                let start = decode_timestamp(table, *timestamp, *unit, *start_at_first_row, clock)?;
                let exec = match *duration_ms {
                    Some(c) if !table.field(c).trim_ascii().is_empty() => Some(SimDuration(
                        parse_scaled(table.field(c), 3).map_err(|e| {
                            table.error(
                                c,
                                number_message(
                                    &table.shown(c),
                                    e,
                                    "a duration in milliseconds, 0 or more",
                                ),
                            )
                        })?,
                    )),
                    _ => None,
                };
                let memory = match *memory_mb {
                    Some(c) if !table.field(c).trim_ascii().is_empty() => {
                        Some(match parse_u32(table.field(c)) {
                            Ok(mb @ 1..=10_240) => mb,
                            Ok(_) | Err(NumError::TooLarge | NumError::Negative) => {
                                return Err(table.error(
                                    c,
                                    format!(
                                        "{} is out of range; expected {MEMORY_EXPECTED}",
                                        table.shown(c)
                                    ),
                                ));
                            }
                            Err(_) => {
                                return Err(table.error(
                                    c,
                                    format!(
                                        "{} is not a whole number; expected {MEMORY_EXPECTED}",
                                        table.shown(c)
                                    ),
                                ));
                            }
                        })
                    }
                    _ => None,
                };
                let bytes = table.field(*function);
                if bytes.is_empty() {
                    return Err(table.error(*function, "empty; expected a function name".into()));
                }
                let id = match names.get(bytes) {
                    Some(id) => id,
                    None => {
                        let name = name_field(table, *function, "a function name")?.to_string();
                        let id = new_id(table, *function, functions)?;
                        let name = names.insert(bytes, id, &[name]);
                        functions.push(new_function(name, memory));
                        id
                    }
                };
                let tenant = match tenant {
                    Some(tc) => {
                        let c = tc.column;
                        let key = table.field(c).trim_ascii();
                        let next = tc.tenants.len() as u32;
                        Some(match tc.tenants.get(key) {
                            Some(&t) => t,
                            None if next < crate::model::function::MAX_TENANTS => {
                                tc.tenants.insert(key.into(), next);
                                next
                            }
                            None => {
                                return Err(table.error(
                                    c,
                                    format!(
                                        "more than {} tenants; a run isolates at most that many",
                                        crate::model::function::MAX_TENANTS
                                    ),
                                ));
                            }
                        })
                    }
                    None => None,
                };
                Ok(Decoded {
                    start,
                    function: id,
                    exec,
                    memory_mb: memory,
                    tenant,
                })
            }
            Decoder::Azure2021 {
                app,
                func,
                end_timestamp,
                duration,
            } => {
                let end = table.seconds(*end_timestamp)?;
                let exec = table.seconds(*duration)?;
                // An invocation that began before the trace did starts at time 0.
                let start = i64::try_from(end.saturating_sub(exec)).unwrap_or(i64::MAX);
                let (app_bytes, func_bytes) = (table.field(*app), table.field(*func));
                for (c, bytes, what) in [
                    (*app, app_bytes, "an app hash"),
                    (*func, func_bytes, "a function hash"),
                ] {
                    if bytes.is_empty() {
                        return Err(table.error(c, format!("empty; expected {what}")));
                    }
                }
                names.set_key(&[app_bytes, func_bytes]);
                let id = match names.get(&names.key) {
                    Some(id) => id,
                    None => {
                        let app_name = name_field(table, *app, "an app hash")?;
                        let func_name = name_field(table, *func, "a function hash")?;
                        let id = new_id(table, *func, functions)?;
                        let key = std::mem::take(&mut names.key);
                        let name = names.insert(
                            &key,
                            id,
                            &[
                                format!("{}/{}", short(app_name), short(func_name)),
                                format!("{app_name}/{func_name}"),
                            ],
                        );
                        names.key = key;
                        functions.push(new_function(name, None));
                        id
                    }
                };
                Ok(Decoded {
                    start,
                    function: id,
                    exec: Some(SimDuration(exec)),
                    memory_mb: None,
                    tenant: None,
                })
            }
        }
    }
}

/// Numeric timestamps from this many seconds on (2001-09-09 as Unix time; 31 years as a span
/// since the start) are Unix time.
pub const EPOCH_FROM_S: u64 = 1_000_000_000;

/// Numeric timestamps in seconds from this many on cannot be Unix seconds (the year 5138) but
/// are Unix milliseconds of the years 2001 to 5138: refused with a hint to pass `ms`.
pub(super) const EPOCH_MS_AS_S_FROM: u64 = 100_000_000_000;

pub(super) const FINER_THAN_MS: &str =
    "reads as Unix time in micro- or nanoseconds; convert the column to seconds or milliseconds";

/// The clock of numeric timestamps whose first is `us` [µs in the unit's reading]: Unix time
/// (rebased to its first row) from [`EPOCH_FROM_S`] on, or when `rebase` asks for it; refused
/// when it can only be Unix milliseconds read as seconds, or finer units.
pub(super) fn numeric_clock(
    table: &Table,
    column: usize,
    unit: TimeUnit,
    us: u64,
    rebase: bool,
) -> Result<Clock, TraceError> {
    let seconds = us / MICROS_PER_S;
    if seconds >= EPOCH_MS_AS_S_FROM {
        let hint = match unit {
            // Up to u64::MAX µs, 1.8e13 s: the years 2001 to 586,000 in milliseconds.
            TimeUnit::Seconds => {
                "reads as Unix time in milliseconds; pass --time-unit ms (time_unit = \"ms\" in a scenario)"
            }
            TimeUnit::Milliseconds => FINER_THAN_MS,
        };
        return Err(table.error(column, format!("{} {hint}", table.shown(column))));
    }
    let epoch = seconds >= EPOCH_FROM_S;
    Ok(if epoch || rebase {
        Clock::Rebased {
            origin: i64::try_from(us).unwrap_or(i64::MAX),
        }
    } else {
        Clock::Numeric
    })
}

/// The start of an `invocations` row [µs since time 0, or signed relative to the first row
/// for RFC 3339]; the first row decides between numbers and RFC 3339.
#[inline]
pub(super) fn decode_timestamp(
    table: &Table,
    column: usize,
    unit: TimeUnit,
    rebase: bool,
    clock: &mut Clock,
) -> Result<i64, TraceError> {
    let field = table.field(column);
    let (digits, unit_name) = match unit {
        TimeUnit::Seconds => (6, "seconds"),
        TimeUnit::Milliseconds => (3, "milliseconds"),
    };
    if let Clock::Undecided = clock {
        *clock = match (parse_scaled(field, digits), parse_rfc3339(field)) {
            (Err(NumError::NotANumber), Some(origin)) => Clock::Rfc3339 {
                origin,
                line: table.line(),
            },
            (Ok(us), _) => numeric_clock(table, column, unit, us, rebase)?,
            (Err(NumError::TooLarge), _) => {
                return Err(table.error(column, format!("{} {FINER_THAN_MS}", table.shown(column))));
            }
            _ => Clock::Numeric,
        };
    }
    let origin = match *clock {
        Clock::Rebased { origin } => origin,
        _ => 0,
    };
    match *clock {
        Clock::Rfc3339 { origin, line } => parse_rfc3339(field)
            .map(|t| t - origin)
            .ok_or_else(|| {
                table.error(
                    column,
                    format!(
                        "{} is not an RFC 3339 instant; expected one like 2021-01-31T12:00:00.250Z, as on line {line}",
                        table.shown(column)
                    ),
                )
            }),
        _ => parse_scaled(field, digits)
            .map_err(|e| {
                let expected = format!(
                    "a number of {unit_name} since the start, or an RFC 3339 instant on every row"
                );
                let message = match e {
                    NumError::Negative => format!(
                        "{} is before time 0; expected a number of {unit_name} since the start, 0 or more",
                        table.shown(column)
                    ),
                    e => number_message(&table.shown(column), e, &expected),
                };
                table.error(column, message)
            })
            .and_then(|us| {
                i64::try_from(us).map(|us| us - origin).map_err(|_| {
                    table.error(
                        column,
                        format!(
                            "{} is too large; expected a number of {unit_name} since the start",
                            table.shown(column)
                        ),
                    )
                })
            }),
    }
}
