//! Traffic traces: streaming readers that turn a trace file into arrivals in time order.
//!
//! Three formats (see [`TraceFormat`]): coldsim's own `invocations` (one row per invocation),
//! the Azure Functions 2021 invocation trace (one row per invocation, end time and duration)
//! and the Azure Functions 2019 trace (invocation counts per function and minute, with
//! optional duration percentiles per function and memory per app).
//!
//! A [`TraceReader`] hands out one [`TraceArrival`] at a time, in non-decreasing time order.
//! Rows are read with one reused `csv::ByteRecord`, numbers are parsed from bytes and function
//! names are interned on first sight, so memory grows with the number of distinct functions,
//! never with the number of rows; the exceptions are `sort` (the whole trace is held and
//! sorted) and `azure2019` (the counts table is held, 8 bytes per non-zero function-minute,
//! plus the arrivals of one minute, or per function a generator of its arrivals when the minute
//! holds more than 2^20). A record longer than [`MAX_RECORD_BYTES`] is an error, a run has at
//! most [`MAX_FUNCTIONS`](crate::model::scenario::MAX_FUNCTIONS) functions, and an `azure2019` file at
//! most [`MAX_INVOCATIONS`](crate::model::scenario::MAX_INVOCATIONS) invocations.
//!
//! Every malformed row is a [`TraceError`] naming the file, the line (1-based, the header is
//! line 1) and the column. Nothing here panics on any input (the fuzz targets in `fuzz/` feed
//! it arbitrary bytes through [`TraceReader::from_memory`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rand::RngExt;

use crate::model::dist::TimeDist;
use crate::model::trace::{ArrivalSource, ExternalArrival, SourceFunction};
pub use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat, TraceOptions};
use crate::rng::SimRng;
use crate::time::{MICROS_PER_S, SimDuration, SimTime, round_non_negative};

/// One invocation of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceArrival {
    /// When it arrives [µs since the start].
    pub at: SimTime,
    /// Index into [`TraceReader::functions`].
    pub function: u32,
    /// The handler's time of this invocation, when the trace gives it [µs].
    pub exec: Option<SimDuration>,
    /// The memory size of this invocation, when the trace gives it [MB].
    pub memory_mb: Option<u32>,
}

/// A function met in a trace.
#[derive(Clone, Debug)]
pub struct TraceFunction {
    /// Its name, unique within the trace.
    pub name: String,
    /// Its handler-time distribution, when the trace gives one (`azure2019` with durations).
    pub exec: Option<TimeDist>,
    /// Its memory size [MB], when the trace gives one.
    pub memory_mb: Option<u32>,
    /// What the reader had to assume or leave out for this function, for the user to read.
    pub note: Option<String>,
}

/// Something wrong with a trace, naming where.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The file could not be opened or read.
    #[error("{}: cannot read the trace", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Something about the file as a whole: no header, a missing column, a useless option.
    #[error("{}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A malformed value, or a row out of time order.
    #[error("{}:{line}: column {column}: {message}", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// The line [1-based, the header is line 1].
        line: u64,
        /// The column's name (or its number, for a field beyond the header).
        column: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A line the CSV parser could not split into fields.
    #[error("{}:{line}: {message}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// The line [1-based].
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// Reads a trace, one arrival at a time, in non-decreasing time order.
#[derive(Debug)]
pub struct TraceReader {
    functions: Vec<TraceFunction>,
    rows_read: u64,
    latest: Option<SimTime>,
    source: Source,
}

#[derive(Debug)]
enum Source {
    /// Rows served as they are read.
    Stream {
        table: Box<Table>,
        decoder: Decoder,
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
}

/// Where a reader's files come from: the file system, or bytes held in memory by name.
#[derive(Clone, Copy)]
enum Files<'a> {
    Disk,
    Memory(&'a [(&'a Path, &'a [u8])]),
}

impl Files<'_> {
    fn open(self, path: &Path) -> Result<Box<dyn std::io::Read>, TraceError> {
        match self {
            Files::Disk => File::open(path)
                .map(|f| Box::new(Bounded::new(f)) as Box<dyn std::io::Read>)
                .map_err(|source| TraceError::Read {
                    path: path.to_path_buf(),
                    source,
                }),
            Files::Memory(files) => files
                .iter()
                .find(|(name, _)| *name == path)
                .map(|(_, bytes)| {
                    Box::new(Bounded::new(std::io::Cursor::new(bytes.to_vec())))
                        as Box<dyn std::io::Read>
                })
                .ok_or_else(|| TraceError::Read {
                    path: path.to_path_buf(),
                    source: std::io::ErrorKind::NotFound.into(),
                }),
        }
    }
}

/// The longest record a trace may hold [bytes]: a row of any format takes a few KB at most, and
/// a file without line breaks (or with an unclosed quote) must not fill the memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// A reader that fails once a record (the bytes since the last line break outside quotes)
/// grows past [`MAX_RECORD_BYTES`], so that the CSV parser's record buffer stays bounded. It
/// follows quoting as the CSV parser does: a quote opens a quoted field only at the start of a
/// field, and `""` inside one is a quote.
struct Bounded<R> {
    inner: R,
    /// Bytes since the last line break outside quotes.
    since_break: usize,
    /// Inside a quoted field.
    quoted: bool,
    /// At the start of a field (after a comma or a line break).
    field_start: bool,
    /// Just after the quote that ended a quoted field (another one would be an escaped quote).
    just_closed: bool,
}

impl<R> Bounded<R> {
    fn new(inner: R) -> Bounded<R> {
        Bounded {
            inner,
            since_break: 0,
            quoted: false,
            field_start: true,
            just_closed: false,
        }
    }

    fn step(&mut self, b: u8) {
        if self.quoted {
            if b == b'"' {
                self.quoted = false;
                self.just_closed = true;
            }
        } else {
            if b == b'"' && (self.field_start || self.just_closed) {
                self.quoted = true;
            }
            if b == b'\n' {
                self.since_break = 0;
                self.field_start = true;
                self.just_closed = false;
                return;
            }
            self.field_start = b == b',';
            self.just_closed = false;
        }
        self.since_break = self.since_break.saturating_add(1);
    }
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if let (false, Some(&last)) = (self.quoted || chunk.contains(&b'"'), chunk.last()) {
            // The common case: no quotes, only the last line break matters.
            self.since_break = match chunk.iter().rposition(|&b| b == b'\n') {
                Some(i) => n - i - 1,
                None => self.since_break.saturating_add(n),
            };
            self.field_start = matches!(last, b',' | b'\n');
            self.just_closed = false;
        } else {
            for &b in chunk {
                self.step(b);
            }
        }
        if self.since_break > MAX_RECORD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a record longer than {MAX_RECORD_BYTES} bytes (a missing line break, or an unclosed quote?)"
                ),
            ));
        }
        Ok(n)
    }
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
        if options.format == TraceFormat::Azure2019 {
            let minutes = read_azure2019(files, path, options, rng, &mut reader)?;
            reader.source = Source::Minutes(Box::new(minutes));
            return Ok(reader);
        }
        let mut table = Box::new(Table::open(files, path)?);
        table.read_as = Some(options.format);
        let decoder = match options.format {
            TraceFormat::Invocations => Decoder::invocations(&table, options)?,
            _ => Decoder::azure2021(&table)?,
        };
        reader.source = Source::Stream {
            table,
            decoder,
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

fn format_name(format: TraceFormat) -> &'static str {
    match format {
        TraceFormat::Invocations => "invocations",
        TraceFormat::Azure2021 => "azure2021",
        TraceFormat::Azure2019 => "azure2019",
    }
}

/// A row turned into numbers.
#[derive(Clone, Copy, Debug)]
struct Decoded {
    /// Start [µs since time 0; negative only for rows timed from the first row (RFC 3339, Unix
    /// time) that precede it].
    start: i64,
    function: u32,
    exec: Option<SimDuration>,
    memory_mb: Option<u32>,
}

impl Decoded {
    fn arrival(self, base: i64) -> TraceArrival {
        TraceArrival {
            // Non-negative: streamed rows never precede the first, sorted ones are rebased.
            at: SimTime(u64::try_from(self.start.saturating_sub(base)).unwrap_or(0)),
            function: self.function,
            exec: self.exec,
            memory_mb: self.memory_mb,
        }
    }
}

/// Writes `us` [µs] as seconds, without trailing zeros: `-1`, `3.5`, `0.001491`.
fn secs(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let abs = us.unsigned_abs();
    let (whole, frac) = (abs / MICROS_PER_S, abs % MICROS_PER_S);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:06}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

// ---------------------------------------------------------------------------------------
// CSV tables

/// A CSV file with a header, read one reused record at a time.
struct Table {
    path: PathBuf,
    /// The format a trace's main file is read as (none for a side file): a header of another
    /// format's columns is named in the error.
    read_as: Option<TraceFormat>,
    reader: csv::Reader<Box<dyn std::io::Read>>,
    header: Vec<String>,
    record: csv::ByteRecord,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("path", &self.path).finish()
    }
}

impl Table {
    fn open(files: Files<'_>, path: &Path) -> Result<Table, TraceError> {
        let file = files.open(path)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(name)
                } else {
                    name
                };
                String::from_utf8_lossy(name.trim_ascii()).into_owned()
            })
            .collect::<Vec<_>>();
        if header.iter().all(String::is_empty) {
            return Err(TraceError::File {
                path: path.to_path_buf(),
                message: "no header line; expected the column names on line 1".into(),
            });
        }
        Ok(Table {
            path: path.to_path_buf(),
            read_as: None,
            reader,
            header,
            record: csv::ByteRecord::new(),
        })
    }

    /// The index of a column, which must appear at most once.
    fn column(&self, name: &str) -> Result<Option<usize>, TraceError> {
        let mut found = self.header.iter().enumerate().filter(|(_, n)| *n == name);
        let first = found.next().map(|(i, _)| i);
        if found.next().is_some() {
            return Err(TraceError::File {
                path: self.path.clone(),
                message: format!("column {name} appears more than once in the header"),
            });
        }
        Ok(first)
    }

    /// The index of a required column.
    fn require(&self, name: &str, expected: &str) -> Result<usize, TraceError> {
        self.column(name)?.ok_or_else(|| {
            // A header with another format's columns: name the format to pass.
            let other = self
                .layout()
                .filter(|&f| self.read_as.is_some_and(|read_as| read_as != f));
            let hint = other.map_or_else(String::new, |f| {
                let f = format_name(f);
                format!(
                    "; the header is the {f} layout: pass --format {f} (format = \"{f}\" in a scenario's trace)"
                )
            });
            TraceError::File {
                path: self.path.clone(),
                message: format!("no column {name} in the header; expected {expected}{hint}"),
            }
        })
    }

    /// The format whose required columns the header has, if one does.
    fn layout(&self) -> Option<TraceFormat> {
        let has = |names: &[&str]| names.iter().all(|n| self.header.iter().any(|h| h == n));
        [
            (TraceFormat::Invocations, &["timestamp", "function"][..]),
            (
                TraceFormat::Azure2021,
                &["app", "func", "end_timestamp", "duration"],
            ),
            (
                TraceFormat::Azure2019,
                &["HashOwner", "HashApp", "HashFunction"],
            ),
        ]
        .into_iter()
        .find(|(_, names)| has(names))
        .map(|(f, _)| f)
    }

    /// Reads the next row into `self.record`; false at the end. Checks the field count.
    fn next(&mut self) -> Result<bool, TraceError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(false),
            Ok(true) => {
                let (got, want) = (self.record.len(), self.header.len());
                if got < want {
                    Err(self.error(
                        got,
                        format!("missing: the row has {}, the header {want}", fields(got)),
                    ))
                } else if got > want {
                    Err(TraceError::Row {
                        path: self.path.clone(),
                        line: self.line(),
                        column: (want + 1).to_string(),
                        message: format!(
                            "not in the header: the row has {}, the header {want}",
                            fields(got)
                        ),
                    })
                } else {
                    Ok(true)
                }
            }
            Err(e) => Err(csv_error(&self.path, e)),
        }
    }

    /// The line the current row starts on [1-based].
    fn line(&self) -> u64 {
        self.record.position().map_or(0, |p| p.line())
    }

    #[inline]
    fn field(&self, column: usize) -> &[u8] {
        self.record.get(column).unwrap_or_default()
    }

    /// An error about `column` of the current row.
    fn error(&self, column: usize, message: String) -> TraceError {
        TraceError::Row {
            path: self.path.clone(),
            line: self.line(),
            column: self.header.get(column).cloned().unwrap_or_default(),
            message,
        }
    }

    /// The field as text, for an error message.
    fn shown(&self, column: usize) -> String {
        format!("{:?}", String::from_utf8_lossy(self.field(column)))
    }
}

/// "1 field", "3 fields".
fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

fn csv_error(path: &Path, e: csv::Error) -> TraceError {
    let line = e.position().map(|p| p.line());
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => TraceError::Read {
            path: path.to_path_buf(),
            source,
        },
        _ => match line {
            Some(line) => TraceError::Line {
                path: path.to_path_buf(),
                line,
                message,
            },
            None => TraceError::File {
                path: path.to_path_buf(),
                message,
            },
        },
    }
}

// ---------------------------------------------------------------------------------------
// Numbers from bytes

/// Why a field is not the number wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumError {
    NotANumber,
    NotFinite,
    Negative,
    TooLarge,
}

/// Parses a non-negative decimal number and scales it by `10^digits`, rounding to the nearest
/// integer (halves up): `("1.0000005", 6)` gives `1_000_001`. Plain decimals take an exact
/// integer path; anything else (exponents, `inf`) goes through `f64`.
#[inline]
fn parse_scaled(field: &[u8], digits: u32) -> Result<u64, NumError> {
    let text = field.trim_ascii();
    match parse_plain_decimal(text, digits) {
        Some(v) => Ok(v),
        None => parse_scaled_f64(text, digits),
    }
}

/// The exact path: `[+]digits[.digits]`, at least one digit, at most 19 significant digits
/// after scaling (so that nothing overflows); `None` if anything else.
#[inline]
fn parse_plain_decimal(text: &[u8], digits: u32) -> Option<u64> {
    const POW10: [u64; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    let text = text.strip_prefix(b"+").unwrap_or(text);
    let (mut value, mut i) = (0u64, 0usize);
    while let Some(d) = text
        .get(i)
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|&d| d <= 9)
    {
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let int_digits = i;
    let (mut kept, mut round_up) = (0u32, false);
    if text.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while let Some(d) = text
            .get(i)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|&d| d <= 9)
        {
            if kept < digits {
                value = value.wrapping_mul(10).wrapping_add(u64::from(d));
                kept += 1;
            } else if i - frac_start == digits as usize {
                round_up = d >= 5;
            }
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    if i != text.len() || int_digits + digits as usize > 19 {
        return None;
    }
    Some(value * POW10.get((digits - kept) as usize)? + u64::from(round_up))
}

fn parse_scaled_f64(text: &[u8], digits: u32) -> Result<u64, NumError> {
    let v: f64 = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or(NumError::NotANumber)?;
    if !v.is_finite() {
        return Err(NumError::NotFinite);
    }
    if v < 0.0 {
        return Err(NumError::Negative);
    }
    let scaled = v * 10f64.powi(digits as i32);
    if scaled >= u64::MAX as f64 {
        return Err(NumError::TooLarge);
    }
    Ok(round_non_negative(scaled))
}

/// Parses a whole non-negative number that fits a `u32`.
#[inline]
fn parse_u32(field: &[u8]) -> Result<u32, NumError> {
    let text = field.trim_ascii();
    if text.is_empty() {
        return Err(NumError::NotANumber);
    }
    let mut value: u32 = 0;
    for &b in text {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            let negative =
                text.len() > 1 && text[0] == b'-' && text[1..].iter().all(u8::is_ascii_digit);
            return Err(if negative {
                NumError::Negative
            } else {
                NumError::NotANumber
            });
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(d)))
            .ok_or(NumError::TooLarge)?;
    }
    Ok(value)
}

/// Parses a finite, non-negative `f64`.
fn parse_f64(field: &[u8]) -> Result<f64, NumError> {
    let v: f64 = std::str::from_utf8(field.trim_ascii())
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or(NumError::NotANumber)?;
    if !v.is_finite() {
        Err(NumError::NotFinite)
    } else if v < 0.0 {
        Err(NumError::Negative)
    } else {
        Ok(v)
    }
}

/// The message for a field that is not a valid non-negative number.
fn number_message(shown: &str, error: NumError, expected: &str) -> String {
    match error {
        NumError::NotANumber => format!("{shown} is not a number; expected {expected}"),
        NumError::NotFinite => format!("{shown} is not a finite number; expected {expected}"),
        NumError::Negative => format!("{shown} is negative; expected {expected}"),
        NumError::TooLarge => format!("{shown} is too large; expected {expected}"),
    }
}

/// Parses an RFC 3339 instant, `2021-01-31T12:00:00.25Z` or with an offset `+01:00`, into µs
/// since the Unix epoch. Lenient like `humantime::parse_rfc3339_weak`: a space or `t` may
/// replace the `T`, and a missing offset means UTC. Fractions finer than a microsecond are
/// rounded to the nearest.
fn parse_rfc3339(field: &[u8]) -> Option<i64> {
    let b = field.trim_ascii();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(range)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100_000i64;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            let d = i64::from(c - b'0');
            if scale > 0 {
                micros += d * scale;
            } else if i == start + 6 && d >= 5 {
                micros += 1;
            }
            scale /= 10;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_s = match &b[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let s = h * 3600 + m * 60;
            if *sign == b'-' { -s } else { s }
        }
        _ => return None,
    };
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    Some(secs * 1_000_000 + micros)
}

// ---------------------------------------------------------------------------------------
// Function names

/// A fast, non-cryptographic hasher (the Fx hash of rustc, with a folded-multiply finish) for
/// interning names: the tables are never iterated, so their order cannot leak into any output.
#[derive(Clone, Copy, Default)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(word(chunk));
        }
        // The tail, read with overlapping loads instead of a copy through memory (equal inputs
        // still hash equally; the length was hashed before).
        if !chunks.remainder().is_empty() {
            let tail = if n >= 8 {
                word(&bytes[n - 8..])
            } else if n >= 4 {
                half(bytes) | (half(&bytes[n - 4..]) << 32)
            } else {
                bytes.iter().fold(0, |w, &b| (w << 8) | u64::from(b))
            };
            self.add(tail);
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// Folds the high half of a 128-bit product into the low half, so that every input bit
    /// reaches the low bits the table indexes with (plain Fx leaves them to the first bytes,
    /// which names like `fn-0001`, `fn-0002` share).
    #[inline]
    fn finish(&self) -> u64 {
        let wide = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15;
        (wide as u64) ^ ((wide >> 64) as u64)
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Separates the parts of a composite key; never part of valid UTF-8.
const KEY_SEPARATOR: u8 = 0xFF;

/// Interns functions by their identity (raw bytes) and keeps their display names unique.
#[derive(Debug, Default)]
struct Names {
    /// Keys of up to 16 bytes, packed by [`pack`].
    short_ids: FxMap<ShortKey, u32>,
    /// Longer keys.
    ids: FxMap<Box<[u8]>, u32>,
    /// The names taken, each with the next `#n` suffix to try when another identity wants
    /// it, so that many identities sharing one name cost a try each, not a scan from `#2`.
    taken: HashMap<String, u64>,
    /// Reused buffer for composite keys.
    key: Vec<u8>,
}

/// A key of at most 16 bytes as integers: two words read with overlapping loads, which
/// together with the length determine every byte (no copy through memory, no `memcmp`).
type ShortKey = (u64, u64, u8);

#[inline]
fn pack(key: &[u8]) -> Option<ShortKey> {
    let n = key.len();
    let (lo, hi) = match n {
        17.. => return None,
        8..=16 => (word(key), word(&key[n - 8..])),
        4..=7 => (half(key) | (half(&key[n - 4..]) << 32), 0),
        _ => (key.iter().fold(0, |w, &b| (w << 8) | u64::from(b)), 0),
    };
    Some((lo, hi, n as u8))
}

/// The first eight bytes as a little-endian word; `b` holds at least eight.
#[inline]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// The first four bytes as a little-endian word; `b` holds at least four.
#[inline]
fn half(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(w))
}

impl Names {
    /// The id of a known key.
    #[inline]
    fn get(&self, key: &[u8]) -> Option<u32> {
        match pack(key) {
            Some(packed) => self.short_ids.get(&packed).copied(),
            None => self.ids.get(key).copied(),
        }
    }

    /// Fills the key buffer with `parts` joined by [`KEY_SEPARATOR`].
    fn set_key(&mut self, parts: &[&[u8]]) {
        self.key.clear();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.key.push(KEY_SEPARATOR);
            }
            self.key.extend_from_slice(part);
        }
    }

    /// Registers a new identity under the first free name of `candidates` (then the last one
    /// with `#2`, `#3`...).
    fn insert(&mut self, key: &[u8], id: u32, candidates: &[String]) -> String {
        match pack(key) {
            Some(packed) => self.short_ids.insert(packed, id),
            None => self.ids.insert(key.into(), id),
        };
        for name in candidates {
            if !self.taken.contains_key(name) {
                self.taken.insert(name.clone(), 2);
                return name.clone();
            }
        }
        let last = candidates.last().map_or("", String::as_str);
        let mut n = self.taken.get(last).copied().unwrap_or(2);
        let name = loop {
            let name = format!("{last}#{n}");
            n += 1;
            if !self.taken.contains_key(&name) {
                break name;
            }
        };
        self.taken.insert(name.clone(), 2);
        self.taken.insert(last.to_string(), n);
        name
    }
}

/// The first eight characters of a hash, for a readable name.
fn short(hash: &str) -> &str {
    hash.char_indices().nth(8).map_or(hash, |(i, _)| &hash[..i])
}

/// Checks an identifying field: non-empty UTF-8.
fn name_field<'a>(table: &'a Table, column: usize, what: &str) -> Result<&'a str, TraceError> {
    let bytes = table.field(column);
    if bytes.is_empty() {
        return Err(table.error(column, format!("empty; expected {what}")));
    }
    std::str::from_utf8(bytes)
        .map_err(|_| table.error(column, format!("not valid UTF-8; expected {what} in UTF-8")))
}

/// The id of a new function, refused past [`MAX_FUNCTIONS`](crate::model::scenario::MAX_FUNCTIONS).
fn new_id(table: &Table, column: usize, functions: &[TraceFunction]) -> Result<u32, TraceError> {
    let max = crate::model::scenario::MAX_FUNCTIONS;
    if functions.len() >= max {
        return Err(table.error(
            column,
            format!(
                "a function beyond the {max} that a run may have; cut the trace into smaller ones"
            ),
        ));
    }
    u32::try_from(functions.len()).map_err(|_| table.error(column, "too many functions".into()))
}

fn new_function(name: String, memory_mb: Option<u32>) -> TraceFunction {
    TraceFunction {
        name,
        exec: None,
        memory_mb,
        note: None,
    }
}

/// Repeated lines of one kind: the first, and how many in all.
#[derive(Clone, Copy, Debug, Default)]
struct Repeats {
    first_line: u64,
    count: u64,
}

impl Repeats {
    fn add(&mut self, line: u64) {
        if self.count == 0 {
            self.first_line = line;
        }
        self.count += 1;
    }

    /// "5" or "5 and 3 more lines", naming the repeats in a note whose size does not grow
    /// with their number.
    fn lines(self) -> Option<String> {
        match self.count {
            0 => None,
            1 => Some(self.first_line.to_string()),
            n => Some(format!("{} (and {} more lines)", self.first_line, n - 1)),
        }
    }
}

fn add_note(function: &mut TraceFunction, note: &str) {
    match &mut function.note {
        Some(text) => {
            text.push_str("; ");
            text.push_str(note);
        }
        None => function.note = Some(note.to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// Row formats: invocations and azure2021

/// How `timestamp`s of an `invocations` file read, decided by its first row.
#[derive(Clone, Copy, Debug)]
enum Clock {
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

#[derive(Debug)]
enum Decoder {
    Invocations {
        timestamp: usize,
        function: usize,
        duration_ms: Option<usize>,
        memory_mb: Option<usize>,
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
}

const INVOCATIONS_COLUMNS: &str = "timestamp and function (duration_ms and memory_mb are optional)";
const AZURE2021_COLUMNS: &str = "app,func,end_timestamp,duration";
const MEMORY_EXPECTED: &str = "a whole number of MB from 1 to 10240";

impl Decoder {
    fn invocations(table: &Table, options: &TraceOptions) -> Result<Decoder, TraceError> {
        Ok(Decoder::Invocations {
            timestamp: table.require("timestamp", INVOCATIONS_COLUMNS)?,
            function: table.require("function", INVOCATIONS_COLUMNS)?,
            duration_ms: table.column("duration_ms")?,
            memory_mb: table.column("memory_mb")?,
            unit: options.time_unit,
            start_at_first_row: options.start_at_first_row,
            clock: Clock::Undecided,
        })
    }

    fn azure2021(table: &Table) -> Result<Decoder, TraceError> {
        Ok(Decoder::Azure2021 {
            app: table.require("app", AZURE2021_COLUMNS)?,
            func: table.require("func", AZURE2021_COLUMNS)?,
            end_timestamp: table.require("end_timestamp", AZURE2021_COLUMNS)?,
            duration: table.require("duration", AZURE2021_COLUMNS)?,
        })
    }

    /// The column blamed for a row out of order.
    fn time_column(&self) -> usize {
        match self {
            Decoder::Invocations { timestamp, .. } => *timestamp,
            Decoder::Azure2021 { end_timestamp, .. } => *end_timestamp,
        }
    }

    #[inline]
    fn decode(
        &mut self,
        table: &Table,
        names: &mut Names,
        functions: &mut Vec<TraceFunction>,
    ) -> Result<Decoded, TraceError> {
        match self {
            Decoder::Invocations {
                timestamp,
                function,
                duration_ms,
                memory_mb,
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
                Ok(Decoded {
                    start,
                    function: id,
                    exec,
                    memory_mb: memory,
                })
            }
            Decoder::Azure2021 {
                app,
                func,
                end_timestamp,
                duration,
            } => {
                let seconds = |c: usize| {
                    parse_scaled(table.field(c), 6).map_err(|e| {
                        table.error(
                            c,
                            number_message(&table.shown(c), e, "a number of seconds, 0 or more"),
                        )
                    })
                };
                let end = seconds(*end_timestamp)?;
                let exec = seconds(*duration)?;
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
const EPOCH_MS_AS_S_FROM: u64 = 100_000_000_000;

const FINER_THAN_MS: &str =
    "reads as Unix time in micro- or nanoseconds; convert the column to seconds or milliseconds";

/// The clock of numeric timestamps whose first is `us` [µs in the unit's reading]: Unix time
/// (rebased to its first row) from [`EPOCH_FROM_S`] on, or when `rebase` asks for it; refused
/// when it can only be Unix milliseconds read as seconds, or finer units.
fn numeric_clock(
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
fn decode_timestamp(
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

// ---------------------------------------------------------------------------------------
// azure2019

/// The largest number of minute columns: one day.
const MINUTES_PER_DAY: usize = 1_440;
/// A minute [µs].
const MINUTE_US: u64 = 60 * MICROS_PER_S;
/// Lambda's memory range [MB].
const LAMBDA_MEMORY_MB: std::ops::RangeInclusive<u32> = 128..=10_240;

const AZURE2019_COLUMNS: &str = "HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440";
const DURATION_COLUMNS: [(&str, f64); 7] = [
    ("percentile_Average_0", 0.0),
    ("percentile_Average_1", 0.01),
    ("percentile_Average_25", 0.25),
    ("percentile_Average_50", 0.5),
    ("percentile_Average_75", 0.75),
    ("percentile_Average_99", 0.99),
    ("percentile_Average_100", 1.0),
];

/// A minute with more arrivals than this is spread lazily (see [`Merge`]) instead of drawn
/// into a buffer and sorted, so that memory stays within O(functions) whatever the counts.
const BUFFERED_MINUTE: u64 = 1 << 20;

/// The `azure2019` arrivals, one minute at a time.
#[derive(Debug)]
struct Minutes {
    /// Per minute, the non-zero `(function, count)` pairs in file order; emptied once spread.
    counts: Vec<Vec<(u32, u32)>>,
    /// The next minute to spread [0-based].
    next_minute: usize,
    /// The current minute's arrivals, sorted: `(at [µs], function)`, when it holds at most
    /// [`BUFFERED_MINUTE`].
    buffer: Vec<(u64, u32)>,
    /// The next arrival of `buffer` to hand out.
    position: usize,
    /// The current minute's arrivals when it holds more.
    merge: Merge,
    spread: Spread,
    rng: SimRng,
}

/// A large minute's arrivals, generated in time order one at a time: per function, its
/// arrivals come out in increasing order (even instants in turn, or uniform order statistics
/// drawn one after the other), and a heap merges the functions, ties by function as the
/// buffer's sort has them.
#[derive(Debug, Default)]
struct Merge {
    /// `(next arrival [µs], function, index into `states`)`, earliest first.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32, usize)>>,
    states: Vec<Spreading>,
    /// The minute's start [µs].
    base: u64,
}

/// One function's arrivals in a large minute.
#[derive(Clone, Copy, Debug)]
struct Spreading {
    /// Arrivals handed out so far.
    done: u64,
    count: u64,
    /// The last uniform order statistic drawn, a fraction of the minute (`poisson`).
    fraction: f64,
    /// The last arrival's offset in the minute [µs].
    last_us: u64,
}

impl Merge {
    /// Starts a minute of `counts` at `base`.
    fn start(&mut self, base: u64, counts: &[(u32, u32)], spread: Spread, rng: &mut SimRng) {
        self.heap.clear();
        self.states.clear();
        self.base = base;
        for &(function, count) in counts {
            let mut state = Spreading {
                done: 0,
                count: u64::from(count),
                fraction: 0.0,
                last_us: 0,
            };
            if let Some(at) = state.advance(spread, rng) {
                self.heap
                    .push(std::cmp::Reverse((base + at, function, self.states.len())));
                self.states.push(state);
            }
        }
    }

    /// The next arrival of the minute, if any.
    fn next(&mut self, spread: Spread, rng: &mut SimRng) -> Option<(u64, u32)> {
        let std::cmp::Reverse((at, function, slot)) = self.heap.pop()?;
        if let Some(next) = self.states[slot].advance(spread, rng) {
            self.heap
                .push(std::cmp::Reverse((self.base + next, function, slot)));
        }
        Some((at, function))
    }
}

impl Spreading {
    /// The offset of the next arrival in the minute [µs], never before the last.
    fn advance(&mut self, spread: Spread, rng: &mut SimRng) -> Option<u64> {
        if self.done == self.count {
            return None;
        }
        let (i, c) = (self.done, self.count);
        self.done += 1;
        let at = match spread {
            Spread::Even => (2 * i + 1) * MINUTE_US / (2 * c),
            Spread::Poisson => {
                // The next of `c` sorted uniforms, given the last: 1 - U^(1 / remaining) of
                // the rest of the interval (Bentley and Saxe, 1980).
                let remaining = (c - i) as f64;
                let u = 1.0 - rng.random::<f64>();
                self.fraction = 1.0 - (1.0 - self.fraction) * u.powf(1.0 / remaining);
                ((self.fraction * MINUTE_US as f64) as u64).min(MINUTE_US - 1)
            }
        };
        self.last_us = at.max(self.last_us);
        Some(self.last_us)
    }
}

impl Minutes {
    fn next_arrival(&mut self) -> Result<Option<TraceArrival>, TraceError> {
        loop {
            if let Some(&(at, function)) = self.buffer.get(self.position) {
                self.position += 1;
                return Ok(Some(arrival_at(at, function)));
            }
            if let Some((at, function)) = self.merge.next(self.spread, &mut self.rng) {
                return Ok(Some(arrival_at(at, function)));
            }
            if self.next_minute == self.counts.len() {
                return Ok(None);
            }
            self.spread_minute();
        }
    }

    /// Prepares the next minute's arrivals, in time order (ties by function).
    fn spread_minute(&mut self) {
        let minute = self.next_minute;
        self.next_minute += 1;
        let counts = std::mem::take(&mut self.counts[minute]);
        let total: u64 = counts.iter().map(|&(_, c)| u64::from(c)).sum();
        self.buffer.clear();
        self.position = 0;
        let base = minute as u64 * MINUTE_US;
        if total > BUFFERED_MINUTE {
            self.merge.start(base, &counts, self.spread, &mut self.rng);
            return;
        }
        for (function, count) in counts {
            let c = u64::from(count);
            match self.spread {
                Spread::Even => self
                    .buffer
                    .extend((0..c).map(|i| (base + (2 * i + 1) * MINUTE_US / (2 * c), function))),
                Spread::Poisson => {
                    for _ in 0..c {
                        let at = base + self.rng.random_range(0..MINUTE_US);
                        self.buffer.push((at, function));
                    }
                }
            }
        }
        self.buffer.sort_unstable();
    }
}

fn arrival_at(at: u64, function: u32) -> TraceArrival {
    TraceArrival {
        at: SimTime(at),
        function,
        exec: None,
        memory_mb: None,
    }
}

/// Per app of an `azure2019` trace.
#[derive(Debug, Default)]
struct App {
    functions: u32,
    memory_avg_mb: Option<f64>,
}

/// Reads the invocations file (and the durations and memory files, if given) of `azure2019`.
fn read_azure2019(
    files: Files<'_>,
    path: &Path,
    options: &TraceOptions,
    rng: SimRng,
    reader: &mut TraceReader,
) -> Result<Minutes, TraceError> {
    let mut table = Table::open(files, path)?;
    table.read_as = Some(TraceFormat::Azure2019);
    let owner = table.require("HashOwner", AZURE2019_COLUMNS)?;
    let app = table.require("HashApp", AZURE2019_COLUMNS)?;
    let func = table.require("HashFunction", AZURE2019_COLUMNS)?;
    let mut minute_columns = [None; MINUTES_PER_DAY];
    for (i, name) in table.header.iter().enumerate() {
        if let Ok(k @ 1..=1440) = name.parse::<usize>() {
            if minute_columns[k - 1].replace(i).is_some() {
                return Err(TraceError::File {
                    path: path.to_path_buf(),
                    message: format!("column {k} appears more than once in the header"),
                });
            }
        }
    }
    let minutes = minute_columns.iter().take_while(|c| c.is_some()).count();
    let minute_columns: Vec<usize> = minute_columns.iter().flatten().copied().collect();
    if minutes == 0 || minute_columns.len() != minutes {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: format!(
                "no column {} in the header; expected the minutes 1, 2, ... up to at most 1440 without a gap ({AZURE2019_COLUMNS})",
                minutes + 1
            ),
        });
    }

    let functions = &mut reader.functions;
    let mut names = Names::default();
    let mut apps: Vec<App> = Vec::new();
    let mut app_ids: FxMap<Box<[u8]>, u32> = FxMap::default();
    let mut app_of: Vec<u32> = Vec::new();
    let mut counts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); minutes];
    let mut row_counts: Vec<u32> = vec![0; minutes];
    let mut repeated: Vec<Repeats> = Vec::new();
    while table.next()? {
        reader.rows_read += 1;
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let func_name = name_field(&table, func, "a function hash")?;
        for (k, &c) in minute_columns.iter().enumerate() {
            row_counts[k] = parse_u32(table.field(c)).map_err(|e| {
                table.error(
                    c,
                    number_message(
                        &table.shown(c),
                        e,
                        "a whole number of invocations, 0 or more",
                    ),
                )
            })?;
        }
        names.set_key(&[
            owner_name.as_bytes(),
            app_name.as_bytes(),
            func_name.as_bytes(),
        ]);
        if let Some(id) = names.get(&names.key) {
            repeated[id as usize].add(table.line());
            continue;
        }
        let id = new_id(&table, func, functions)?;
        let key = std::mem::take(&mut names.key);
        let name = names.insert(
            &key,
            id,
            &[
                format!("{}/{}", short(app_name), short(func_name)),
                format!("{app_name}/{func_name}"),
                format!("{owner_name}/{app_name}/{func_name}"),
            ],
        );
        names.key = key;
        functions.push(new_function(name, None));
        repeated.push(Repeats::default());
        let app_key: Box<[u8]> = [owner_name.as_bytes(), app_name.as_bytes()]
            .join(&KEY_SEPARATOR)
            .into_boxed_slice();
        let next_app = apps.len() as u32;
        let app_id = *app_ids.entry(app_key).or_insert(next_app);
        if app_id == next_app {
            apps.push(App::default());
        }
        apps[app_id as usize].functions += 1;
        app_of.push(app_id);
        for (k, &c) in row_counts.iter().enumerate() {
            if c > 0 {
                counts[k].push((id, c));
            }
        }
    }

    for (function, r) in functions.iter_mut().zip(&repeated) {
        if let Some(lines) = r.lines() {
            add_note(
                function,
                &format!("line {lines} repeats its row; kept the first"),
            );
        }
    }
    drop(repeated);
    let total = counts
        .iter()
        .flatten()
        .fold(0u64, |sum, &(_, c)| sum.saturating_add(u64::from(c)));
    if total > crate::model::scenario::MAX_INVOCATIONS {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: format!(
                "holds {total} invocations, more than a run may have ({:e}); cut the file into shorter traces",
                crate::model::scenario::MAX_INVOCATIONS as f64
            ),
        });
    }
    if let Some(durations) = &options.durations {
        read_durations(files, durations, &mut names, functions)?;
    }
    if let Some(memory) = &options.memory {
        read_memory(files, memory, &app_ids, &mut apps, &app_of, functions)?;
        for (function, &app_id) in functions.iter_mut().zip(&app_of) {
            let app = &apps[app_id as usize];
            function.memory_mb = app.memory_avg_mb.map(|avg| {
                let mb = match options.memory_assignment {
                    MemoryAssignment::AppAverage => avg,
                    MemoryAssignment::Split => avg / f64::from(app.functions.max(1)),
                };
                // `as` saturates; the clamp then keeps Lambda's range.
                (mb.ceil() as u32).clamp(*LAMBDA_MEMORY_MB.start(), *LAMBDA_MEMORY_MB.end())
            });
        }
    }
    Ok(Minutes {
        counts,
        next_minute: 0,
        buffer: Vec::new(),
        position: 0,
        merge: Merge::default(),
        spread: options.spread,
        rng,
    })
}

/// Reads `function_durations_percentiles`: each known function's exec becomes the
/// percentiles' distribution.
fn read_durations(
    files: Files<'_>,
    path: &Path,
    names: &mut Names,
    functions: &mut [TraceFunction],
) -> Result<(), TraceError> {
    const EXPECTED: &str =
        "HashOwner,HashApp,HashFunction and percentile_Average_0, _1, _25, _50, _75, _99, _100";
    let mut table = Table::open(files, path)?;
    let owner = table.require("HashOwner", EXPECTED)?;
    let app = table.require("HashApp", EXPECTED)?;
    let func = table.require("HashFunction", EXPECTED)?;
    let mut columns = [0usize; 7];
    for (slot, (name, _)) in columns.iter_mut().zip(DURATION_COLUMNS) {
        *slot = table.require(name, EXPECTED)?;
    }
    let file = path.display();
    let mut points = [(0.0, 0.0); 7];
    let mut repeated = vec![Repeats::default(); functions.len()];
    while table.next()? {
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let func_name = name_field(&table, func, "a function hash")?;
        let mut repaired = false;
        for (i, (&c, (_, q))) in columns.iter().zip(DURATION_COLUMNS).enumerate() {
            let ms = parse_f64(table.field(c)).map_err(|e| {
                table.error(
                    c,
                    number_message(&table.shown(c), e, "a time in milliseconds, 0 or more"),
                )
            })?;
            // The dataset's percentiles are of per-interval averages and can dip; keep the
            // running maximum so that the quantile function never decreases.
            let ms = if i > 0 && ms < points[i - 1].1 {
                repaired = true;
                points[i - 1].1
            } else {
                ms
            };
            points[i] = (q, ms);
        }
        names.set_key(&[
            owner_name.as_bytes(),
            app_name.as_bytes(),
            func_name.as_bytes(),
        ]);
        let Some(id) = names.get(&names.key) else {
            continue;
        };
        let function = &mut functions[id as usize];
        if function.exec.is_some() {
            repeated[id as usize].add(table.line());
            continue;
        }
        let dist = TimeDist::percentiles(&points)
            .map_err(|e| table.error(columns[0], format!("{e}; expected percentiles in ms")))?;
        function.exec = Some(dist);
        if repaired {
            let note = format!(
                "{file}:{}: decreasing percentiles raised to the running maximum",
                table.line()
            );
            add_note(function, &note);
        }
    }
    for (function, r) in functions.iter_mut().zip(repeated) {
        if let Some(lines) = r.lines() {
            add_note(
                function,
                &format!("{file}:{lines} repeats its durations; kept the first"),
            );
        }
        if function.exec.is_none() {
            add_note(
                function,
                &format!("no row in {file}: exec is the scenario's"),
            );
        }
    }
    Ok(())
}

/// Reads `app_memory_percentiles`: each known app's `AverageAllocatedMb`.
fn read_memory(
    files: Files<'_>,
    path: &Path,
    app_ids: &FxMap<Box<[u8]>, u32>,
    apps: &mut [App],
    app_of: &[u32],
    functions: &mut [TraceFunction],
) -> Result<(), TraceError> {
    const EXPECTED: &str = "HashOwner,HashApp,AverageAllocatedMb";
    let mut table = Table::open(files, path)?;
    let owner = table.require("HashOwner", EXPECTED)?;
    let app = table.require("HashApp", EXPECTED)?;
    let average = table.require("AverageAllocatedMb", EXPECTED)?;
    let file = path.display();
    let mut key = Vec::new();
    let mut repeated = vec![Repeats::default(); apps.len()];
    while table.next()? {
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let mb = parse_f64(table.field(average)).map_err(|e| {
            table.error(
                average,
                number_message(&table.shown(average), e, "a memory size in MB, 0 or more"),
            )
        })?;
        key.clear();
        key.extend_from_slice(owner_name.as_bytes());
        key.push(KEY_SEPARATOR);
        key.extend_from_slice(app_name.as_bytes());
        let Some(&app_id) = app_ids.get(key.as_slice()) else {
            continue;
        };
        let entry = &mut apps[app_id as usize];
        if entry.memory_avg_mb.is_some() {
            repeated[app_id as usize].add(table.line());
            continue;
        }
        entry.memory_avg_mb = Some(mb);
    }
    for (function, &app_id) in functions.iter_mut().zip(app_of) {
        if let Some(lines) = repeated[app_id as usize].lines() {
            add_note(
                function,
                &format!("{file}:{lines} repeats its app's memory; kept the first"),
            );
        }
        if apps[app_id as usize].memory_avg_mb.is_none() {
            let note = format!("no row for its app in {file}: memory_mb is the scenario's");
            add_note(function, &note);
        }
    }
    Ok(())
}

/// A trace as the engine's [`ArrivalSource`]: the reader and its first error, shared with the
/// caller, which checks [`TraceSource::error`] once the run is over.
pub struct TraceSource {
    reader: Rc<RefCell<TraceReader>>,
    error: Rc<RefCell<Option<TraceError>>>,
    /// Traffic scale: each row arrives floor(scale) times, plus once more with probability
    /// frac(scale) (so a scale below 1 thins the trace), copies at the row's own instant.
    scale: f64,
    rng: Option<SimRng>,
    /// Copies of `last` still to hand out.
    repeat: u32,
    last: Option<ExternalArrival>,
}

impl TraceSource {
    /// Wraps a reader; the returned handles see the reader and its error after the run.
    pub fn new(reader: TraceReader) -> (TraceSource, TraceHandle) {
        let reader = Rc::new(RefCell::new(reader));
        let error = Rc::new(RefCell::new(None));
        let handle = TraceHandle {
            reader: Rc::clone(&reader),
            error: Rc::clone(&error),
        };
        let source = TraceSource {
            reader,
            error,
            scale: 1.0,
            rng: None,
            repeat: 0,
            last: None,
        };
        (source, handle)
    }

    /// Scales the trace's traffic by `scale` (positive): rows are replicated or thinned at
    /// random with `rng`, which draws nothing when the scale is a whole number.
    pub fn with_scale(mut self, scale: f64, rng: SimRng) -> TraceSource {
        self.scale = scale;
        self.rng = Some(rng);
        self
    }

    fn read(&mut self) -> Option<ExternalArrival> {
        match self.reader.borrow_mut().next_arrival() {
            Ok(Some(a)) => Some(ExternalArrival {
                at: a.at,
                function: a.function,
                exec: a.exec,
                memory_mb: a.memory_mb,
            }),
            Ok(None) => None,
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        }
    }
}

/// What the caller keeps of a [`TraceSource`] handed to the engine.
pub struct TraceHandle {
    reader: Rc<RefCell<TraceReader>>,
    error: Rc<RefCell<Option<TraceError>>>,
}

impl TraceHandle {
    /// The error that ended the trace early, if any.
    pub fn error(&self) -> Option<TraceError> {
        self.error.borrow_mut().take()
    }

    /// The functions seen, with their notes.
    pub fn functions(&self) -> Vec<TraceFunction> {
        self.reader.borrow().functions().to_vec()
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.reader.borrow().rows_read()
    }

    /// The latest arrival read so far (the run may have stopped before serving it).
    pub fn latest_arrival(&self) -> Option<SimTime> {
        self.reader.borrow().latest_arrival()
    }
}

impl ArrivalSource for TraceSource {
    #[inline]
    fn next_arrival(&mut self) -> Option<ExternalArrival> {
        if self.repeat > 0 {
            self.repeat -= 1;
            return self.last;
        }
        if self.scale == 1.0 {
            return self.read();
        }
        loop {
            let a = self.read()?;
            let whole = self.scale.floor();
            let frac = self.scale - whole;
            let extra = match &mut self.rng {
                Some(rng) if frac > 0.0 => u32::from(rng.random::<f64>() < frac),
                _ => 0,
            };
            let copies = whole as u32 + extra;
            if copies > 0 {
                self.repeat = copies - 1;
                self.last = Some(a);
                return Some(a);
            }
        }
    }

    fn function(&self, index: u32) -> SourceFunction {
        let reader = self.reader.borrow();
        let f = &reader.functions()[index as usize];
        SourceFunction {
            name: f.name.clone(),
            exec: f.exec.clone(),
            memory_mb: f.memory_mb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn options(format: TraceFormat) -> TraceOptions {
        TraceOptions {
            format,
            ..TraceOptions::default()
        }
    }

    fn open(path: &Path, options: &TraceOptions) -> TraceReader {
        TraceReader::open(path, options, SimRng::seed_from_u64(1)).expect("opens")
    }

    fn read_all(reader: &mut TraceReader) -> Vec<TraceArrival> {
        let mut all = Vec::new();
        while let Some(a) = reader.next_arrival().expect("valid row") {
            // Its function is known no later than the arrival.
            assert!((a.function as usize) < reader.functions().len());
            all.push(a);
        }
        all
    }

    fn arrival(
        at_us: u64,
        function: u32,
        exec_us: Option<u64>,
        memory_mb: Option<u32>,
    ) -> TraceArrival {
        TraceArrival {
            at: SimTime(at_us),
            function,
            exec: exec_us.map(SimDuration),
            memory_mb,
        }
    }

    fn names(reader: &TraceReader) -> Vec<&str> {
        reader.functions().iter().map(|f| f.name.as_str()).collect()
    }

    /// Writes `bytes` to `bad.csv` in a fresh folder, reads it to the end with `options`, and
    /// returns the first error with the folder left out of the message.
    fn error_of(bytes: &[u8], options: &TraceOptions) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, bytes).expect("write");
        let result =
            TraceReader::open(&path, options, SimRng::seed_from_u64(1)).and_then(|mut r| {
                while r.next_arrival()?.is_some() {}
                Ok(())
            });
        let err = result.expect_err("the file is malformed");
        err.to_string()
            .replace(&format!("{}/", dir.path().display()), "")
    }

    fn invocations_error(text: &str) -> String {
        error_of(text.as_bytes(), &options(TraceFormat::Invocations))
    }

    #[test]
    fn invocations_in_seconds_with_optional_and_extra_columns() {
        let mut reader = open(
            &fixture("invocations-small.csv"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, Some(12_500), Some(512)),
                arrival(250_000, 0, None, None),
                arrival(1_000_001, 1, Some(100_000), None),
                arrival(2_500_000, 0, Some(7_000), Some(1_024)),
                arrival(2_500_000, 1, Some(0), Some(256)),
            ]
        );
        assert_eq!(names(&reader), ["api", "worker"]);
        // A function's memory is its first row's.
        assert_eq!(reader.functions()[0].memory_mb, Some(512));
        assert_eq!(reader.functions()[1].memory_mb, None);
        assert!(
            reader
                .functions()
                .iter()
                .all(|f| f.exec.is_none() && f.note.is_none())
        );
        assert_eq!(reader.rows_read(), 5);
    }

    #[test]
    fn invocations_in_rfc3339_count_from_the_first_row() {
        let mut reader = open(
            &fixture("invocations-rfc3339.csv"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, None, None),
                arrival(500_000, 1, None, None),
                // 01:00:00.000001+01:00 is 00:00:00.000001Z.
                arrival(500_001, 0, None, None),
                // 1.2500005 s rounds half up to 1.250001 s.
                arrival(1_750_001, 1, None, None),
            ]
        );
    }

    /// The starts [µs] of an `invocations` file held in memory, or its error.
    fn starts(text: &str, unit: TimeUnit, start_at_first_row: bool) -> Result<Vec<u64>, String> {
        let path = Path::new("t.csv");
        let options = TraceOptions {
            time_unit: unit,
            start_at_first_row,
            ..options(TraceFormat::Invocations)
        };
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, text.as_bytes())],
            &options,
            SimRng::seed_from_u64(1),
        )
        .map_err(|e| e.to_string())?;
        let mut all = Vec::new();
        while let Some(a) = reader.next_arrival().map_err(|e| e.to_string())? {
            all.push(a.at.as_micros());
        }
        assert_eq!(
            reader.latest_arrival().map(SimTime::as_micros),
            all.last().copied()
        );
        Ok(all)
    }

    #[test]
    fn unix_times_count_from_the_first_row() {
        let s = TimeUnit::Seconds;
        let ms = TimeUnit::Milliseconds;
        // 10^9 s is the first Unix time; one second less is a span since the start.
        assert_eq!(
            starts(
                "timestamp,function\n1000000000,a\n1000000001.5,a\n",
                s,
                false
            ),
            Ok(vec![0, 1_500_000])
        );
        assert_eq!(
            starts("timestamp,function\n999999999,a\n999999999.5,a\n", s, false),
            Ok(vec![999_999_999_000_000, 999_999_999_500_000])
        );
        assert_eq!(
            starts(
                "timestamp,function\n1000000000000,a\n1000000000250,a\n",
                ms,
                false
            ),
            Ok(vec![0, 250_000])
        );
        assert_eq!(
            starts("timestamp,function\n999999999999,a\n", ms, false),
            Ok(vec![999_999_999_999_000])
        );
        // Asked for: small numbers count from the first row too.
        assert_eq!(
            starts("timestamp,function\n5,a\n7,a\n", s, true),
            Ok(vec![0, 2_000_000])
        );
        // A row before the first goes back in time; sorted, the earliest becomes time 0.
        let back = starts("timestamp,function\n1700000010,a\n1700000002,a\n", s, false)
            .expect_err("back in time");
        assert!(back.contains("before the previous row's start"), "{back}");
        // Unix milliseconds read as seconds, and finer units, are refused with a hint.
        let e = starts("timestamp,function\n100000000000,a\n", s, false).expect_err("ms");
        assert!(e.contains("--time-unit ms"), "{e}");
        assert_eq!(
            starts("timestamp,function\n99999999999,a\n", s, false),
            Ok(vec![0])
        );
        let e = starts("timestamp,function\n1733356800000000,a\n", s, false).expect_err("µs");
        assert!(e.contains("micro- or nanoseconds"), "{e}");
        let e = starts("timestamp,function\n100000000000000,a\n", ms, false).expect_err("µs");
        assert!(e.contains("micro- or nanoseconds"), "{e}");
        assert_eq!(
            starts("timestamp,function\n99999999999999,a\n", ms, false),
            Ok(vec![0])
        );
    }

    #[test]
    fn rfc3339_instants_parse_exactly() {
        let t = |s: &str| parse_rfc3339(s.as_bytes());
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("1970-01-01T00:00:01.5+00:00"), Some(1_500_000));
        assert_eq!(t("2000-03-01T00:00:00Z"), Some(951_868_800_000_000));
        assert_eq!(t("2024-02-29t12:00:00z"), t("2024-02-29T13:30:00+01:30"));
        assert_eq!(t("1969-12-31T23:59:59Z"), Some(-1_000_000));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-01-01T24:00:00Z",
            "2021-01-01T00:00:00.Z",
            "2021-01-01T00:00:00+0100",
            "2021-01-01",
            "2021-01-01T00:00:00Zjunk",
            "",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_parse_from_bytes_exactly() {
        assert_eq!(parse_scaled(b"1.0000005", 6), Ok(1_000_001));
        assert_eq!(parse_scaled(b"1.0000004999", 6), Ok(1_000_000));
        assert_eq!(parse_scaled(b" 2 ", 3), Ok(2_000));
        assert_eq!(parse_scaled(b".5", 3), Ok(500));
        assert_eq!(parse_scaled(b"7.", 3), Ok(7_000));
        assert_eq!(parse_scaled(b"+1.5e2", 3), Ok(150_000));
        assert_eq!(parse_scaled(b"-0", 3), Ok(0));
        assert_eq!(parse_scaled(b"-1", 3), Err(NumError::Negative));
        assert_eq!(parse_scaled(b"NaN", 3), Err(NumError::NotFinite));
        assert_eq!(parse_scaled(b"inf", 3), Err(NumError::NotFinite));
        assert_eq!(parse_scaled(b"1e300", 3), Err(NumError::TooLarge));
        assert_eq!(
            parse_scaled(b"99999999999999999999", 0),
            Err(NumError::TooLarge)
        );
        for bad in [&b""[..], b".", b"1.2.3", b"1,5", b"0x10", b"\xff"] {
            assert_eq!(parse_scaled(bad, 3), Err(NumError::NotANumber), "{bad:?}");
        }
        assert_eq!(parse_u32(b"10240"), Ok(10_240));
        assert_eq!(parse_u32(b"-3"), Err(NumError::Negative));
        assert_eq!(parse_u32(b"4294967296"), Err(NumError::TooLarge));
        assert_eq!(parse_u32(b"1.0"), Err(NumError::NotANumber));
    }

    #[test]
    fn rows_back_in_time_are_refused_without_sort() {
        let options = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            ..options(TraceFormat::Invocations)
        };
        let text = std::fs::read(fixture("invocations-unsorted.csv")).expect("fixture");
        assert_eq!(
            error_of(&text, &options),
            "bad.csv:4: column timestamp: starts at 0.01 s, before the previous row's start at 0.02 s; \
             rows must be in time order (sort the file, or pass --sort to sort it in memory)"
        );
    }

    #[test]
    fn sort_orders_rows_stably() {
        let options = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            sort: true,
            ..options(TraceFormat::Invocations)
        };
        let mut reader = open(&fixture("invocations-unsorted.csv"), &options);
        // Every function is known before the first arrival.
        assert_eq!(names(&reader), ["a", "b", "c"]);
        assert_eq!(reader.rows_read(), 5);
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, None, None),
                arrival(5_000, 2, None, None),
                arrival(10_000, 0, None, None),
                // Same instant: file order (b before a).
                arrival(20_000, 1, None, None),
                arrival(20_000, 0, None, None),
            ]
        );
    }

    #[test]
    fn sort_makes_the_earliest_rfc3339_instant_time_zero() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "timestamp,function\n2021-01-01T00:00:10Z,a\n2021-01-01T00:00:02Z,b\n2021-01-01T00:00:12Z,a\n",
        )
        .expect("write");
        let sorted = TraceOptions {
            sort: true,
            ..options(TraceFormat::Invocations)
        };
        assert_eq!(
            read_all(&mut open(&path, &sorted)),
            [
                arrival(0, 1, None, None),
                arrival(8_000_000, 0, None, None),
                arrival(10_000_000, 0, None, None),
            ]
        );
        let message = error_of(
            &std::fs::read(&path).expect("read"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            message,
            "bad.csv:3: column timestamp: starts at -8 s, before the previous row's start at 0 s; \
             rows must be in time order (sort the file, or pass --sort to sort it in memory)"
        );
    }

    #[test]
    fn azure2021_tiny_trace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        // Two apps share a function hash; two functions share their short name; the first
        // invocation began before the trace did.
        std::fs::write(
            &path,
            "app,func,end_timestamp,duration\n\
             app1aaaaXX,fun1bbbbXX,1,2.5\n\
             app1aaaaXX,fun1bbbbYY,1.5,0.25\n\
             app2cccc,fun1bbbbXX,2,0.001\n\
             app1aaaaXX,fun1bbbbXX,3.0000015,1\n",
        )
        .expect("write");
        let mut reader = open(&path, &options(TraceFormat::Azure2021));
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, Some(2_500_000), None),
                arrival(1_250_000, 1, Some(250_000), None),
                arrival(1_999_000, 2, Some(1_000), None),
                arrival(2_000_002, 0, Some(1_000_000), None),
            ]
        );
        assert_eq!(
            names(&reader),
            [
                "app1aaaa/fun1bbbb",
                "app1aaaaXX/fun1bbbbYY",
                "app2cccc/fun1bbbb"
            ]
        );
    }

    #[test]
    fn the_real_azure2021_sample_end_to_end() {
        let mut reader = open(
            &fixture("azure-functions-2021-sample.csv"),
            &options(TraceFormat::Azure2021),
        );
        let all = read_all(&mut reader);
        assert_eq!(all.len(), 199);
        assert_eq!(reader.rows_read(), 199);
        assert_eq!(reader.functions().len(), 31);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        // First row: end 0.07949090003967285 s, duration 0.078 s.
        assert_eq!(all[0], arrival(1_491, 0, Some(78_000), None));
        // Last row: end 1260.0557980537415 s, duration 60.041 s.
        assert_eq!(all[198], arrival(1_200_014_798, 8, Some(60_041_000), None));
        assert_eq!(reader.functions()[0].name, "7b2c43a2/e3cdb488");
        assert_eq!(reader.functions()[8].name, "85479ef3/cd9f7f33");
        assert_eq!(reader.functions()[30].name, "dd81ee53/cd5a0be4");
        let total: u64 = all
            .iter()
            .filter_map(|a| a.exec)
            .map(SimDuration::as_micros)
            .sum();
        assert_eq!(total, 10_599_170_000);
    }

    fn azure2019(spread: Spread, seed: u64) -> (Vec<TraceArrival>, TraceReader) {
        let options = TraceOptions {
            spread,
            durations: Some(fixture("azure2019-durations.csv")),
            memory: Some(fixture("azure2019-memory.csv")),
            ..options(TraceFormat::Azure2019)
        };
        let mut reader = TraceReader::open(
            &fixture("azure2019-invocations.csv"),
            &options,
            SimRng::seed_from_u64(seed),
        )
        .expect("opens");
        (read_all(&mut reader), reader)
    }

    #[test]
    fn azure2019_even_spread_exact_instants() {
        let (all, reader) = azure2019(Spread::Even, 1);
        let s = MICROS_PER_S;
        assert_eq!(
            all,
            [
                // Minute 1: two of function 0 at 15 s and 45 s, one of function 2 at 30 s.
                arrival(15 * s, 0, None, None),
                arrival(30 * s, 2, None, None),
                arrival(45 * s, 0, None, None),
                // Minute 2: three of function 1 at 10, 30 and 50 s into it.
                arrival(70 * s, 1, None, None),
                arrival(90 * s, 1, None, None),
                arrival(110 * s, 1, None, None),
                // Minute 3: one each of functions 0 and 3, both at its middle.
                arrival(150 * s, 0, None, None),
                arrival(150 * s, 3, None, None),
            ]
        );
        assert_eq!(reader.rows_read(), 5);
        assert_eq!(
            names(&reader),
            [
                "aaaa1111/ffff0001",
                "aaaa1111/ffff0002",
                "bbbb2222/ffff0003",
                "bbbb2222cccc/ffff0003eeee",
            ]
        );
    }

    #[test]
    fn azure2019_functions_get_durations_memory_and_notes() {
        let (_, reader) = azure2019(Spread::Even, 1);
        let f = reader.functions();
        let durations = fixture("azure2019-durations.csv");
        let memory = fixture("azure2019-memory.csv");
        let exec = |i: usize| match &f[i].exec {
            Some(TimeDist::Percentiles(knots)) => knots
                .iter()
                .map(|&(q, d)| (q, d.as_micros()))
                .collect::<Vec<_>>(),
            other => panic!("function {i}: {other:?}"),
        };
        assert_eq!(
            exec(0),
            [
                (0.0, 10_000),
                (0.01, 20_000),
                (0.25, 50_000),
                (0.5, 100_000),
                (0.75, 200_000),
                (0.99, 300_000),
                (1.0, 400_000)
            ]
        );
        assert!(f[1].exec.is_none());
        // p25 (20 ms) below p1 (30 ms) is raised to 30 ms.
        assert_eq!(exec(3)[2], (0.25, 30_000));
        // App average 200.5 MB, rounded up; the other app has no memory row.
        let memory_mb: Vec<_> = f.iter().map(|f| f.memory_mb).collect();
        assert_eq!(memory_mb, [Some(201), Some(201), None, None]);
        let notes: Vec<_> = f
            .iter()
            .map(|f| f.note.clone().unwrap_or_default())
            .collect();
        let (d, m) = (durations.display(), memory.display());
        assert_eq!(
            notes,
            [
                format!(
                    "line 5 repeats its row; kept the first; {d}:5 repeats its durations; kept the first; \
                     {m}:3 repeats its app's memory; kept the first"
                ),
                format!(
                    "no row in {d}: exec is the scenario's; {m}:3 repeats its app's memory; kept the first"
                ),
                format!("no row for its app in {m}: memory_mb is the scenario's"),
                format!(
                    "{d}:4: decreasing percentiles raised to the running maximum; \
                     no row for its app in {m}: memory_mb is the scenario's"
                ),
            ]
        );
    }

    #[test]
    fn azure2019_split_memory_keeps_lambdas_minimum() {
        let options = TraceOptions {
            memory: Some(fixture("azure2019-memory.csv")),
            memory_assignment: MemoryAssignment::Split,
            ..options(TraceFormat::Azure2019)
        };
        let reader = open(&fixture("azure2019-invocations.csv"), &options);
        // 200.5 MB over two functions is 100.25 MB each, raised to 128 MB.
        let memory_mb: Vec<_> = reader.functions().iter().map(|f| f.memory_mb).collect();
        assert_eq!(memory_mb, [Some(128), Some(128), None, None]);
        // No durations file: no exec and no note about it.
        assert!(reader.functions().iter().all(|f| f.exec.is_none()));
    }

    #[test]
    fn azure2019_poisson_spread_keeps_counts_inside_minutes_and_is_reproducible() {
        let (all, _) = azure2019(Spread::Poisson, 42);
        assert_eq!(all.len(), 8);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        let minute = |a: &TraceArrival| a.at.as_micros() / MINUTE_US;
        let in_minute = |k: u64, f: u32| {
            all.iter()
                .filter(|a| minute(a) == k && a.function == f)
                .count()
        };
        assert_eq!(
            [
                in_minute(0, 0),
                in_minute(0, 2),
                in_minute(1, 1),
                in_minute(2, 0),
                in_minute(2, 3)
            ],
            [2, 1, 3, 1, 1]
        );
        assert_eq!(azure2019(Spread::Poisson, 42).0, all);
        assert_ne!(azure2019(Spread::Poisson, 43).0, all);
    }

    #[test]
    fn malformed_invocations_rows_are_named() {
        let cases: &[(&str, &str)] = &[
            (
                "timestamp,duration_ms\n0,1\n",
                "bad.csv: no column function in the header; expected timestamp and function (duration_ms and memory_mb are optional)",
            ),
            (
                "timestamp,function,function\n",
                "bad.csv: column function appears more than once in the header",
            ),
            (
                "",
                "bad.csv: no header line; expected the column names on line 1",
            ),
            (
                "timestamp,function,duration_ms\n0,a,1\n1,a\n",
                "bad.csv:3: column duration_ms: missing: the row has 2 fields, the header 3",
            ),
            (
                "timestamp,function\n0,a,1\n",
                "bad.csv:2: column 3: not in the header: the row has 3 fields, the header 2",
            ),
            (
                "timestamp,function\n0,a\nabc,a\n",
                "bad.csv:3: column timestamp: \"abc\" is not a number; expected a number of seconds since the start, or an RFC 3339 instant on every row",
            ),
            (
                "timestamp,function\n-1,a\n",
                "bad.csv:2: column timestamp: \"-1\" is before time 0; expected a number of seconds since the start, 0 or more",
            ),
            (
                "timestamp,function\nNaN,a\n",
                "bad.csv:2: column timestamp: \"NaN\" is not a finite number; expected a number of seconds since the start, or an RFC 3339 instant on every row",
            ),
            (
                "timestamp,function,duration_ms\n0,a,-5\n",
                "bad.csv:2: column duration_ms: \"-5\" is negative; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,duration_ms\n0,a,NaN\n",
                "bad.csv:2: column duration_ms: \"NaN\" is not a finite number; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,duration_ms\n0,a,5ms\n",
                "bad.csv:2: column duration_ms: \"5ms\" is not a number; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,memory_mb\n0,a,20000\n",
                "bad.csv:2: column memory_mb: \"20000\" is out of range; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function,memory_mb\n0,a,0\n",
                "bad.csv:2: column memory_mb: \"0\" is out of range; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function,memory_mb\n0,a,512.5\n",
                "bad.csv:2: column memory_mb: \"512.5\" is not a whole number; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function\n2021-02-28T00:00:00Z,a\n2021-02-29T00:00:00Z,a\n",
                "bad.csv:3: column timestamp: \"2021-02-29T00:00:00Z\" is not an RFC 3339 instant; expected one like 2021-01-31T12:00:00.250Z, as on line 2",
            ),
            (
                "timestamp,function\n0,a\n1,\n",
                "bad.csv:3: column function: empty; expected a function name",
            ),
            // A quoted field spanning two lines: the next row starts on line 4.
            (
                "timestamp,function\n0,\"a\nb\"\n-2,a\n",
                "bad.csv:4: column timestamp: \"-2\" is before time 0; expected a number of seconds since the start, 0 or more",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(invocations_error(text), *expected, "{text:?}");
        }
        assert_eq!(
            error_of(
                b"timestamp,function\n0,\xC3\x28\n",
                &options(TraceFormat::Invocations)
            ),
            "bad.csv:2: column function: not valid UTF-8; expected a function name in UTF-8"
        );
        let millis = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            ..options(TraceFormat::Invocations)
        };
        assert_eq!(
            error_of(b"timestamp,function\n1,a\nx,a\n", &millis),
            "bad.csv:3: column timestamp: \"x\" is not a number; expected a number of milliseconds since the start, or an RFC 3339 instant on every row"
        );
    }

    #[test]
    fn malformed_azure_rows_are_named() {
        let azure2021 = options(TraceFormat::Azure2021);
        let cases: &[(&str, &str)] = &[
            (
                "app,func,end_timestamp\n",
                "bad.csv: no column duration in the header; expected app,func,end_timestamp,duration",
            ),
            (
                "app,func,end_timestamp,duration\na,f,1,-0.5\n",
                "bad.csv:2: column duration: \"-0.5\" is negative; expected a number of seconds, 0 or more",
            ),
            (
                "app,func,end_timestamp,duration\na,f,x,1\n",
                "bad.csv:2: column end_timestamp: \"x\" is not a number; expected a number of seconds, 0 or more",
            ),
            (
                "app,func,end_timestamp,duration\n,f,1,1\n",
                "bad.csv:2: column app: empty; expected an app hash",
            ),
            (
                "app,func,end_timestamp,duration\na,f,5,1\na,f,4,1\n",
                "bad.csv:3: column end_timestamp: starts at 3 s, before the previous row's start at 4 s; \
                 rows must be in time order (sort the file, or pass --sort to sort it in memory)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text.as_bytes(), &azure2021), *expected, "{text:?}");
        }
        assert_eq!(
            error_of(b"app,func,end_timestamp,duration\na,\xFF,1,1\n", &azure2021),
            "bad.csv:2: column func: not valid UTF-8; expected a function hash in UTF-8"
        );

        let azure2019 = options(TraceFormat::Azure2019);
        let cases: &[(&str, &str)] = &[
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,3\n",
                "bad.csv: no column 2 in the header; expected the minutes 1, 2, ... up to at most 1440 without a gap (HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440)",
            ),
            (
                "HashOwner,HashApp,Trigger,1\n",
                "bad.csv: no column HashFunction in the header; expected HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,x\n",
                "bad.csv:2: column 2: \"x\" is not a number; expected a whole number of invocations, 0 or more",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-1\n",
                "bad.csv:2: column 2: \"-1\" is negative; expected a whole number of invocations, 0 or more",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1\no,a,,http,1\n",
                "bad.csv:2: column HashFunction: empty; expected a function hash",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text.as_bytes(), &azure2019), *expected, "{text:?}");
        }
    }

    #[test]
    fn malformed_azure2019_side_files_are_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let side = dir.path().join("side.csv");
        let check = |options: &TraceOptions, text: &str, expected: &str| {
            std::fs::write(&side, text).expect("write");
            let err = TraceReader::open(
                &fixture("azure2019-invocations.csv"),
                options,
                SimRng::seed_from_u64(1),
            )
            .expect_err("malformed");
            let message = err
                .to_string()
                .replace(&format!("{}/", dir.path().display()), "");
            assert_eq!(message, expected);
        };
        let durations = TraceOptions {
            durations: Some(side.clone()),
            ..options(TraceFormat::Azure2019)
        };
        let header = "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";
        check(
            &durations,
            &format!("{header}own1,aaaa1111bbbb,ffff0001cccc,1,2,3,-4,5,6,7\n"),
            "side.csv:2: column percentile_Average_50: \"-4\" is negative; expected a time in milliseconds, 0 or more",
        );
        check(
            &durations,
            &format!("{header}own1,aaaa1111bbbb,ffff0001cccc,1,2,3,NaN,5,6,7\n"),
            "side.csv:2: column percentile_Average_50: \"NaN\" is not a finite number; expected a time in milliseconds, 0 or more",
        );
        check(
            &durations,
            "HashOwner,HashApp,HashFunction,percentile_Average_0\n",
            "side.csv: no column percentile_Average_1 in the header; expected HashOwner,HashApp,HashFunction and percentile_Average_0, _1, _25, _50, _75, _99, _100",
        );
        let memory = TraceOptions {
            memory: Some(side.clone()),
            ..options(TraceFormat::Azure2019)
        };
        check(
            &memory,
            "HashOwner,HashApp,AverageAllocatedMb\nown1,aaaa1111bbbb,lots\n",
            "side.csv:2: column AverageAllocatedMb: \"lots\" is not a number; expected a memory size in MB, 0 or more",
        );
    }

    #[test]
    fn file_level_errors() {
        let missing = fixture("no-such-trace.csv");
        let err = TraceReader::open(&missing, &TraceOptions::default(), SimRng::seed_from_u64(1))
            .expect_err("missing");
        assert_eq!(
            err.to_string(),
            format!("{}: cannot read the trace", missing.display())
        );
        assert!(matches!(err, TraceError::Read { .. }));
        let options = TraceOptions {
            durations: Some(PathBuf::from("d.csv")),
            ..options(TraceFormat::Azure2021)
        };
        let err = TraceReader::open(
            &fixture("azure-functions-2021-sample.csv"),
            &options,
            SimRng::seed_from_u64(1),
        )
        .expect_err("useless option");
        assert_eq!(
            err.to_string(),
            "d.csv: a durations file is read only with the azure2019 format, not azure2021"
        );
    }

    #[test]
    fn options_deserialize_from_their_scenario_names() {
        #[derive(serde::Deserialize)]
        struct Wrapper {
            trace: TraceOptions,
        }
        let w: Wrapper = toml::from_str(
            "[trace]\nformat = \"azure2019\"\ntime_unit = \"ms\"\nsort = true\nspread = \"even\"\n\
             memory_assignment = \"split\"\ndurations = \"d.csv\"\n",
        )
        .expect("valid");
        assert_eq!(
            w.trace,
            TraceOptions {
                format: TraceFormat::Azure2019,
                time_unit: TimeUnit::Milliseconds,
                sort: true,
                durations: Some(PathBuf::from("d.csv")),
                memory: None,
                spread: Spread::Even,
                memory_assignment: MemoryAssignment::Split,
                start_at_first_row: false,
            }
        );
        assert_eq!(TraceOptions::default().spread, Spread::Poisson);
        assert_eq!(
            TraceOptions::default().memory_assignment,
            MemoryAssignment::AppAverage
        );
    }

    /// Every arrival of an azure2019 trace held in memory.
    fn azure2019_from_memory(counts: &str, spread: Spread) -> Vec<TraceArrival> {
        let path = Path::new("counts.csv");
        let options = TraceOptions {
            spread,
            ..options(TraceFormat::Azure2019)
        };
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, counts.as_bytes())],
            &options,
            SimRng::seed_from_u64(3),
        )
        .expect("opens");
        read_all(&mut reader)
    }

    #[test]
    fn a_minute_too_large_to_buffer_is_spread_lazily_with_the_same_instants() {
        // 700 000 + 500 000 + 3 arrivals in minute 2: past the buffer, so merged lazily; the
        // even instants must be exactly those the buffered sort gives, ties by function.
        let counts = "HashOwner,HashApp,HashFunction,Trigger,1,2\n\
                      o,a,f,http,1,700000\no,a,g,http,0,500000\no,b,h,http,2,3\n";
        let all = azure2019_from_memory(counts, Spread::Even);
        let mut expected: Vec<(u64, u32)> = vec![(MINUTE_US / 2, 0)];
        expected.extend((0..2).map(|i| ((2 * i + 1) * MINUTE_US / 4, 2)));
        for (function, c) in [(0u32, 700_000u64), (1, 500_000), (2, 3)] {
            expected
                .extend((0..c).map(|i| (MINUTE_US + (2 * i + 1) * MINUTE_US / (2 * c), function)));
        }
        expected.sort_unstable();
        // Memory stays within the functions': no buffer of the minute's 1.2 M arrivals.
        let path = Path::new("counts.csv");
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, counts.as_bytes())],
            &options(TraceFormat::Azure2019),
            SimRng::seed_from_u64(3),
        )
        .expect("opens");
        for _ in 0..10 {
            reader.next_arrival().expect("an arrival");
        }
        let Source::Minutes(m) = &reader.source else {
            panic!("azure2019 reads minutes");
        };
        assert!(m.buffer.capacity() <= 16 && m.merge.heap.len() <= 3);
        let got: Vec<(u64, u32)> = all.iter().map(|a| (a.at.as_micros(), a.function)).collect();
        assert_eq!(got.len(), expected.len());
        assert!(
            got == expected,
            "the lazy merge differs from the buffered sort"
        );
        // Poisson: the same counts per function and minute, in time order, inside the minute.
        let all = azure2019_from_memory(counts, Spread::Poisson);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        let count = |f: u32, minute: u64| {
            all.iter()
                .filter(|a| a.function == f && a.at.as_micros() / MINUTE_US == minute)
                .count()
        };
        assert_eq!(
            [
                count(0, 0),
                count(0, 1),
                count(1, 1),
                count(2, 0),
                count(2, 1)
            ],
            [1, 700_000, 500_000, 2, 3]
        );
        // Uniform over the minute: the mean offset of 700 000 uniform draws is 30 s within
        // 4 standard errors (60 s / sqrt(12 * 700 000) = 21 ms each).
        let offsets = all
            .iter()
            .filter(|a| a.function == 0 && a.at.as_micros() >= MINUTE_US)
            .map(|a| (a.at.as_micros() - MINUTE_US) as f64);
        let mean = offsets.sum::<f64>() / 700_000.0;
        assert!(
            (mean - 30e6).abs() < 4.0 * 60e6 / (12.0f64 * 700_000.0).sqrt(),
            "{mean}"
        );
    }

    #[test]
    fn a_trace_of_more_invocations_than_a_run_may_have_is_refused() {
        let path = Path::new("counts.csv");
        let row = ",4294967295".repeat(1_440);
        let header: String = (1..=1_440).map(|m| format!(",{m}")).collect();
        let text = format!("HashOwner,HashApp,HashFunction,Trigger{header}\no,a,f,http{row}\n");
        let err = TraceReader::from_memory(
            path,
            &[(path, text.as_bytes())],
            &options(TraceFormat::Azure2019),
            SimRng::seed_from_u64(1),
        )
        .expect_err("too many");
        assert_eq!(
            err.to_string(),
            "counts.csv: holds 6184752904800 invocations, more than a run may have (1e12); cut the file into shorter traces"
        );
    }

    #[test]
    fn a_record_without_end_is_refused_before_it_fills_the_memory() {
        let path = Path::new("endless.csv");
        let mut text = b"timestamp,function\n0,a\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_RECORD_BYTES + 10));
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .expect("the header is fine");
        assert!(reader.next_arrival().expect("the first row").is_some());
        let err = reader.next_arrival().expect_err("too long");
        assert_eq!(err.to_string(), "endless.csv: cannot read the trace");
        let source = std::error::Error::source(&err)
            .expect("a cause")
            .to_string();
        assert!(
            source.starts_with("a record longer than 1048576 bytes"),
            "{source}"
        );
        // The same inside an unclosed quote, line breaks and all.
        let mut text = b"timestamp,function\n0,\"a".to_vec();
        text.extend(std::iter::repeat_n(b"7\n".as_slice(), MAX_RECORD_BYTES).flatten());
        let result = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .and_then(|mut r| r.next_arrival());
        assert!(matches!(result, Err(TraceError::Read { .. })), "{result:?}");
    }

    #[test]
    fn quotes_are_followed_as_the_csv_parser_reads_them() {
        // A quote inside an unquoted field is a plain character, and "" inside a quoted field
        // is a quote: neither may make the rest of the file look like one endless record.
        let path = Path::new("quotes.csv");
        let mut text = b"timestamp,function\n0,a\"b\n0,\"c\"\"d\"\n".to_vec();
        let rows = MAX_RECORD_BYTES / 4;
        text.extend(std::iter::repeat_n(b"1,e\n".as_slice(), rows).flatten());
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .expect("opens");
        assert_eq!(read_all(&mut reader).len(), rows + 2);
        assert_eq!(names(&reader), ["a\"b", "c\"d", "e"]);
    }

    #[test]
    fn a_file_missing_from_memory_cannot_be_read() {
        let options = TraceOptions {
            durations: Some("durations.csv".into()),
            ..options(TraceFormat::Azure2019)
        };
        let path = Path::new("counts.csv");
        let counts = b"HashOwner,HashApp,HashFunction,1\no,a,f,1\n";
        let err =
            TraceReader::from_memory(path, &[(path, counts)], &options, SimRng::seed_from_u64(1))
                .expect_err("no durations");
        assert_eq!(err.to_string(), "durations.csv: cannot read the trace");
    }

    #[test]
    fn no_input_makes_the_reader_panic() {
        // Every prefix of a file mixing good and bad rows, in each format, ends in arrivals or
        // an error, never a panic.
        let text = std::fs::read(fixture("invocations-small.csv")).expect("fixture");
        let sample = std::fs::read(fixture("azure-functions-2021-sample.csv")).expect("fixture");
        let a2019 = std::fs::read(fixture("azure2019-invocations.csv")).expect("fixture");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.csv");
        for (bytes, format) in [
            (&text, TraceFormat::Invocations),
            (&sample[..700].to_vec(), TraceFormat::Azure2021),
            (&a2019, TraceFormat::Azure2019),
        ] {
            for cut in 0..bytes.len() {
                let mut data = bytes[..cut].to_vec();
                data.extend_from_slice(b"\n\xFF,-,\"\n");
                std::fs::write(&path, &data).expect("write");
                if let Ok(mut r) =
                    TraceReader::open(&path, &options(format), SimRng::seed_from_u64(1))
                {
                    while let Ok(Some(_)) = r.next_arrival() {}
                }
            }
        }
    }
}
