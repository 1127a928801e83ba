//! The trace reader: opens a trace in any format and hands out its arrivals one at a time, in time order, streaming or (with `sort`) from memory.

use std::path::Path;

use super::azure2019::{Minutes, read_azure2019};
use super::cloudwatch::{LogOptions, LogReader};
use super::decode::Decoder;
use super::error::TraceError;
use super::files::Files;
use super::names::Names;
use super::row::{Decoded, TraceArrival, TraceFunction, format_name, secs};
use super::table::Table;
use crate::model::trace::{TraceFormat, TraceOptions};
use crate::rng::SimRng;
use crate::time::SimTime;

/// A reader of counts per minute (`azure2019`, `huawei2023`): the whole file read on opening.
type ReadMinutes = fn(
    Files<'_>,
    &Path,
    &TraceOptions,
    SimRng,
    &mut Vec<TraceFunction>,
    &mut u64,
) -> Result<Minutes, TraceError>;

/// Reads a trace, one arrival at a time, in non-decreasing time order.
#[derive(Debug)]
pub struct TraceReader {
    functions: Vec<TraceFunction>,
    rows_read: u64,
    latest: Option<SimTime>,
    pub(super) source: Source,
}

#[derive(Debug)]
pub(super) enum Source {
    /// Rows served as they are read.
    Stream {
        table: Box<Table>,
        decoder: Box<Decoder>,
        names: Names,
        /// Start of the previous row [µs, signed: RFC 3339 rows may precede the first].
        previous: Option<i64>,
    },
    /// The whole trace, sorted.
    Sorted {
        rows: std::vec::IntoIter<Decoded>,
        /// Subtracted from every start [µs]: the earliest start when it is negative.
        base: i64,
    },
    /// `azure2019`: minute by minute.
    Minutes(Box<Minutes>),
    /// `cloudwatch`: invocations paired from their records, in arrival order; the first
    /// one's arrival is time 0.
    Logs {
        logs: Box<LogReader>,
        base: Option<i64>,
    },
}

impl TraceReader {
    /// Opens a trace. `rng` places the arrivals of `azure2019` inside their minutes and is
    /// used for nothing else. With `options.sort`, the whole file is read here.
    pub fn open(
        path: &Path,
        options: &TraceOptions,
        rng: SimRng,
    ) -> Result<TraceReader, TraceError> {
        TraceReader::open_from(Files::Disk, path, options, rng)
    }

    /// Opens a trace held in memory: `files` gives the bytes of `path` and of the side files
    /// `options` names (`durations`, `memory`), each by that name, which errors then use
    /// (a name missing from `files` cannot be read). Otherwise as [`TraceReader::open`].
    pub fn from_memory(
        path: &Path,
        files: &[(&Path, &[u8])],
        options: &TraceOptions,
        rng: SimRng,
    ) -> Result<TraceReader, TraceError> {
        TraceReader::open_from(Files::Memory(files), path, options, rng)
    }

    fn open_from(
        files: Files<'_>,
        path: &Path,
        options: &TraceOptions,
        rng: SimRng,
    ) -> Result<TraceReader, TraceError> {
        if options.format != TraceFormat::Azure2019 {
            for (file, what) in [
                (&options.durations, "durations"),
                (&options.memory, "memory"),
            ] {
                if let Some(file) = file {
                    return Err(TraceError::File {
                        path: file.clone(),
                        message: format!(
                            "a {what} file is read only with the azure2019 format, not {}",
                            format_name(options.format)
                        ),
                    });
                }
            }
        }
        let mut reader = TraceReader {
            functions: Vec::new(),
            rows_read: 0,
            latest: None,
            source: Source::Sorted {
                rows: Vec::new().into_iter(),
                base: 0,
            },
        };
        let per_minute = match options.format {
            TraceFormat::Azure2019 => Some(read_azure2019 as ReadMinutes),
            TraceFormat::Huawei2023 => Some(super::huawei2023::read_huawei2023 as ReadMinutes),
            _ => None,
        };
        if let Some(read) = per_minute {
            let minutes = read(
                files,
                path,
                options,
                rng,
                &mut reader.functions,
                &mut reader.rows_read,
            )?;
            reader.source = Source::Minutes(Box::new(minutes));
            return Ok(reader);
        }
        if options.format == TraceFormat::Cloudwatch {
            let paths: Vec<_> = std::iter::once(path.to_path_buf())
                .chain(options.also.iter().cloned())
                .collect();
            let log_options = LogOptions {
                function: options.function.clone(),
                sort: options.sort,
            };
            reader.source = Source::Logs {
                logs: Box::new(LogReader::open_from(files, &paths, &log_options)?),
                base: None,
            };
            return Ok(reader);
        }
        let mut table = Box::new(Table::open(files, path)?);
        table.read_as = Some(options.format);
        let decoder = match options.format {
            TraceFormat::Invocations => Decoder::invocations(&table, options)?,
            TraceFormat::Huawei2025 => {
                Decoder::Huawei2025(Box::new(super::huawei::Huawei2025::new(&table)?))
            }
            _ => Decoder::azure2021(&table)?,
        };
        reader.source = Source::Stream {
            table,
            decoder: Box::new(decoder),
            names: Names::default(),
            previous: None,
        };
        if options.sort {
            reader.sort_all()?;
        }
        Ok(reader)
    }

    /// The next arrival, or `None` at the end of the trace. Times never decrease.
    pub fn next_arrival(&mut self) -> Result<Option<TraceArrival>, TraceError> {
        let next = self.read_next()?;
        if let Some(a) = next {
            self.latest = Some(a.at);
        }
        Ok(next)
    }

    /// The latest arrival returned so far.
    pub fn latest_arrival(&self) -> Option<SimTime> {
        self.latest
    }

    fn read_next(&mut self) -> Result<Option<TraceArrival>, TraceError> {
        match &mut self.source {
            Source::Stream {
                table,
                decoder,
                names,
                previous,
            } => {
                if !table.next()? {
                    return Ok(None);
                }
                self.rows_read += 1;
                let row = decoder.decode(table, names, &mut self.functions)?;
                if let Some(before) = *previous {
                    if row.start < before {
                        return Err(table.error(
                            decoder.time_column(),
                            format!(
                                "starts at {} s, before the previous row's start at {} s; \
                                 rows must be in time order (sort the file, or pass --sort to sort it in memory)",
                                secs(row.start),
                                secs(before)
                            ),
                        ));
                    }
                }
                *previous = Some(row.start);
                Ok(Some(row.arrival(0)))
            }
            Source::Sorted { rows, base } => Ok(rows.next().map(|row| row.arrival(*base))),
            Source::Minutes(minutes) => minutes.next_arrival(),
            Source::Logs { logs, base } => {
                let Some(inv) = logs.next_invocation()? else {
                    return Ok(None);
                };
                self.rows_read += 1;
                for (name, memory_mb) in &logs.functions()[self.functions.len()..] {
                    self.functions.push(TraceFunction {
                        name: name.clone(),
                        exec: None,
                        memory_mb: Some(*memory_mb),
                        note: None,
                    });
                }
                let base = *base.get_or_insert(inv.at_us);
                Ok(Some(TraceArrival {
                    at: SimTime(u64::try_from(inv.at_us.saturating_sub(base)).unwrap_or(0)),
                    function: inv.function,
                    exec: Some(crate::time::SimDuration(inv.exec_us)),
                    memory_mb: Some(inv.memory_mb),
                    tenant: None,
                }))
            }
        }
    }

    /// The functions met so far (all of them, for `azure2019` and with `sort`), indexed by
    /// [`TraceArrival::function`]. A function is here before its first arrival is returned.
    pub fn functions(&self) -> &[TraceFunction] {
        &self.functions
    }

    /// Data rows read so far (of the invocations file, for `azure2019`); the header is not counted.
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// Reads every row, then sorts them stably by start time.
    fn sort_all(&mut self) -> Result<(), TraceError> {
        let Source::Stream {
            table,
            decoder,
            names,
            ..
        } = &mut self.source
        else {
            return Ok(());
        };
        let mut rows = Vec::new();
        while table.next()? {
            self.rows_read += 1;
            rows.push(decoder.decode(table, names, &mut self.functions)?);
        }
        rows.sort_by_key(|row| row.start);
        // Only rows timed from the first (RFC 3339, Unix time) can start before it; the earliest
        // then becomes time 0.
        let base = rows.first().map_or(0, |row| row.start.min(0));
        self.source = Source::Sorted {
            rows: rows.into_iter(),
            base,
        };
        Ok(())
    }
}
