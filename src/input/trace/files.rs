//! Where a reader's files come from (the disk, or bytes held in memory), each read through a guard that refuses records longer than a bound.

use super::error::TraceError;
use std::fs::File;
use std::path::Path;

/// Where a reader's files come from: the file system, or bytes held in memory by name.
#[derive(Clone, Copy)]
pub(super) enum Files<'a> {
    Disk,
    Memory(&'a [(&'a Path, &'a [u8])]),
}

impl Files<'_> {
    /// Opens `path` without the CSV record guard, for a reader that bounds its records itself.
    pub(super) fn open_raw(self, path: &Path) -> Result<Box<dyn std::io::Read>, TraceError> {
        match self {
            Files::Disk => File::open(path)
                .map(|f| Box::new(f) as Box<dyn std::io::Read>)
                .map_err(|source| TraceError::Read {
                    path: path.to_path_buf(),
                    source,
                }),
            Files::Memory(files) => files
                .iter()
                .find(|(name, _)| *name == path)
                .map(|(_, bytes)| {
                    Box::new(std::io::Cursor::new(bytes.to_vec())) as Box<dyn std::io::Read>
                })
                .ok_or_else(|| TraceError::Read {
                    path: path.to_path_buf(),
                    source: std::io::ErrorKind::NotFound.into(),
                }),
        }
    }

    /// Opens `path` through the CSV record guard.
    pub(super) fn open(self, path: &Path) -> Result<Box<dyn std::io::Read>, TraceError> {
        self.open_raw(path)
            .map(|r| Box::new(Bounded::new(r)) as Box<dyn std::io::Read>)
    }
}

/// The longest record a trace may hold [bytes]: a row of any format takes a few KB at most, and
/// a file without line breaks (or with an unclosed quote) must not fill the memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// A reader that fails once a record (the bytes since the last line break outside quotes)
/// grows past [`MAX_RECORD_BYTES`], so that the CSV parser's record buffer stays bounded. It
/// follows quoting as the CSV parser does: a quote opens a quoted field only at the start of a
/// field, and `""` inside one is a quote.
pub(super) struct Bounded<R> {
    pub(super) inner: R,
    /// Bytes since the last line break outside quotes.
    pub(super) since_break: usize,
    /// Inside a quoted field.
    pub(super) quoted: bool,
    /// At the start of a field (after a comma or a line break).
    pub(super) field_start: bool,
    /// Just after the quote that ended a quoted field (another one would be an escaped quote).
    pub(super) just_closed: bool,
}

impl<R> Bounded<R> {
    pub(super) fn new(inner: R) -> Bounded<R> {
        Bounded {
            inner,
            since_break: 0,
            quoted: false,
            field_start: true,
            just_closed: false,
        }
    }

    pub(super) fn step(&mut self, b: u8) {
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
