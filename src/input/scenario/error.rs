//! What can be wrong with a scenario file, each error naming the file, the line when it can be found, and the key.

use std::path::PathBuf;

/// Something wrong with a scenario, naming where.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown key or a value of the wrong type.
    #[error("{}{}: {key}{message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line [1-based], when known.
        line: Option<usize>,
        /// The key path followed by ": ", or empty.
        key: String,
        /// What went wrong.
        message: String,
    },
    /// A value is out of range or inconsistent with another.
    #[error("{}{}: {key}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line [1-based], when known.
        line: Option<usize>,
        /// The key path, like `function[0].arrival.rate_per_s`.
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
}
