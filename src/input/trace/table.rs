//! A CSV file with a header, read one reused record at a time: columns by name, fields as bytes, errors that name the line and column.

use super::error::TraceError;
use super::files::Files;
use super::row::format_name;
use crate::model::trace::TraceFormat;
use std::path::{Path, PathBuf};

/// A CSV file with a header, read one reused record at a time.
pub(super) struct Table {
    pub(super) path: PathBuf,
    /// The format a trace's main file is read as (none for a side file): a header of another
    /// format's columns is named in the error.
    pub(super) read_as: Option<TraceFormat>,
    pub(super) reader: csv::Reader<Box<dyn std::io::Read>>,
    pub(super) header: Vec<String>,
    pub(super) record: csv::ByteRecord,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("path", &self.path).finish()
    }
}

impl Table {
    pub(super) fn open(files: Files<'_>, path: &Path) -> Result<Table, TraceError> {
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
    pub(super) fn column(&self, name: &str) -> Result<Option<usize>, TraceError> {
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
    pub(super) fn require(&self, name: &str, expected: &str) -> Result<usize, TraceError> {
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
    pub(super) fn layout(&self) -> Option<TraceFormat> {
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
    pub(super) fn next(&mut self) -> Result<bool, TraceError> {
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
    pub(super) fn line(&self) -> u64 {
        self.record.position().map_or(0, |p| p.line())
    }

    #[inline]
    pub(super) fn field(&self, column: usize) -> &[u8] {
        self.record.get(column).unwrap_or_default()
    }

    /// An error about `column` of the current row.
    pub(super) fn error(&self, column: usize, message: String) -> TraceError {
        TraceError::Row {
            path: self.path.clone(),
            line: self.line(),
            column: self.header.get(column).cloned().unwrap_or_default(),
            message,
        }
    }

    /// The field as a number of seconds, 0 or more, in whole µs.
    pub(super) fn seconds(&self, column: usize) -> Result<u64, TraceError> {
        super::number::parse_scaled(self.field(column), 6).map_err(|e| {
            self.error(
                column,
                super::number::number_message(
                    &self.shown(column),
                    e,
                    "a number of seconds, 0 or more",
                ),
            )
        })
    }

    /// The field as text, for an error message.
    pub(super) fn shown(&self, column: usize) -> String {
        format!("{:?}", String::from_utf8_lossy(self.field(column)))
    }
}

/// "1 field", "3 fields".
pub(super) fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

pub(super) fn csv_error(path: &Path, e: csv::Error) -> TraceError {
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
