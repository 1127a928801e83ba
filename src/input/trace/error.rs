//! What can be wrong with a trace, each error naming the file, the line (the header is line 1) and the column.

use std::path::PathBuf;

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
    /// A log record with a field missing or malformed.
    #[error("{}:{line}: field {field}: {message}", path.display())]
    Field {
        /// The file.
        path: PathBuf,
        /// The line where the record starts [1-based].
        line: u64,
        /// The field, as the record names it.
        field: String,
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
