//! Price sheets read from a file (TOML, or JSON with the same keys), bounded in size, errors naming the file.

use std::path::{Path, PathBuf};

use crate::cost::{MAX_SHEET_BYTES, Prices, SheetError};

/// Why a price sheet could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PricesError {
    /// The file could not be opened or read.
    #[error("{}: cannot read the price sheet: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than any price sheet.
    #[error("{}: larger than {MAX_SHEET_BYTES} bytes; a price sheet is a few KB", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The sheet is malformed.
    #[error("{}: {source}", path.display())]
    Sheet {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        source: SheetError,
    },
}

/// Reads a sheet, TOML or JSON by its extension; the error names the file. At most
/// [`MAX_SHEET_BYTES`] are read.
pub fn load(path: &Path) -> Result<Prices, PricesError> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SHEET_BYTES + 1).read_to_string(&mut text))
        .map_err(|source| PricesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if text.len() as u64 > MAX_SHEET_BYTES {
        return Err(PricesError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        Prices::from_json(&text)
    } else {
        Prices::from_toml(&text)
    };
    parsed.map_err(|source| PricesError::Sheet {
        path: path.to_path_buf(),
        source,
    })
}
