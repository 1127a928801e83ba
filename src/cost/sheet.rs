//! What a price sheet may say and what is wrong with one: the limits every sheet is read within, the checks every figure passes, and the error that names the key.

use serde::de::DeserializeOwned;

/// The largest price sheet read [bytes]: a sheet is a few KB, and a path to something endless
/// (`/dev/zero`) must not fill the memory.
pub const MAX_SHEET_BYTES: u64 = 1 << 20;

/// The coarsest billing unit a sheet may set [ms]: an hour.
pub const MAX_ROUNDING_MS: u64 = 3_600_000;

/// What is wrong with a price sheet.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SheetError {
    /// Not valid TOML or JSON, or a key of the wrong type or unknown.
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Syntax {
        /// The line [1-based], when known.
        line: Option<usize>,
        /// What the parser said.
        message: String,
    },
    /// A value out of its range, or tiers out of order.
    #[error("{key} {problem}")]
    Invalid {
        /// The key, like `duration.x86_64[1].up_to_gb_s`.
        key: String,
        /// What is wrong and what was expected.
        problem: String,
    },
}

impl SheetError {
    /// An invalid value at `key`.
    pub fn new(key: impl Into<String>, problem: impl Into<String>) -> SheetError {
        SheetError::Invalid {
            key: key.into(),
            problem: problem.into(),
        }
    }
}

/// A sheet that checks its own figures.
pub(super) trait Sheet: DeserializeOwned {
    /// Checks every figure, naming the key of the first one out of its range.
    fn check(&self) -> Result<(), SheetError>;
}

/// Parses and checks a TOML sheet of one model.
pub(super) fn parse_toml<T: Sheet>(text: &str) -> Result<T, SheetError> {
    let sheet: T = toml::from_str(text).map_err(|e| syntax_toml(text, &e))?;
    sheet.check()?;
    Ok(sheet)
}

fn syntax_toml(text: &str, e: &toml::de::Error) -> SheetError {
    SheetError::Syntax {
        line: e.span().map(|s| crate::text::line_at(text, s.start)),
        message: e.message().trim().replace('\n', " "),
    }
}

/// A price: finite and at least 0.
pub(super) fn price(key: &str, v: f64) -> Result<(), SheetError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(SheetError::new(
            key,
            format!("must be a price of at least 0, got {v}"),
        ))
    }
}

/// A rounding step: 1 ms to an hour.
pub(super) fn rounding(key: &str, ms: u64) -> Result<(), SheetError> {
    if ms == 0 {
        return Err(SheetError::new(key, "must be at least 1"));
    }
    if ms > MAX_ROUNDING_MS {
        return Err(SheetError::new(
            key,
            format!("must be at most {MAX_ROUNDING_MS} (an hour), got {ms}"),
        ));
    }
    Ok(())
}

/// The fraction of `total` that a free grant of `free` covers.
pub(super) fn share(free: f64, total: f64) -> f64 {
    if total > 0.0 {
        (free / total).min(1.0)
    } else {
        0.0
    }
}
