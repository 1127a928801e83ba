//! Function names interned on first sight (a fast hash of short keys), the short names of Azure hashes, and the notes a reader leaves on a function.

use super::error::TraceError;
use super::row::TraceFunction;
use super::table::Table;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::hash::Hasher;

/// A fast, non-cryptographic hasher (the Fx hash of rustc, with a folded-multiply finish) for
/// interning names: the tables are never iterated, so their order cannot leak into any output.
#[derive(Clone, Copy, Default)]
pub(super) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    pub(super) fn add(&mut self, word: u64) {
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

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Separates the parts of a composite key; never part of valid UTF-8.
pub(super) const KEY_SEPARATOR: u8 = 0xFF;

/// Interns functions by their identity (raw bytes) and keeps their display names unique.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Keys of up to 16 bytes, packed by [`pack`].
    pub(super) short_ids: FxMap<ShortKey, u32>,
    /// Longer keys.
    pub(super) ids: FxMap<Box<[u8]>, u32>,
    /// The names taken, each with the next `#n` suffix to try when another identity wants
    /// it, so that many identities sharing one name cost a try each, not a scan from `#2`.
    pub(super) taken: HashMap<String, u64>,
    /// Reused buffer for composite keys.
    pub(super) key: Vec<u8>,
}

/// A key of at most 16 bytes as integers: two words read with overlapping loads, which
/// together with the length determine every byte (no copy through memory, no `memcmp`).
pub(super) type ShortKey = (u64, u64, u8);

#[inline]
pub(super) fn pack(key: &[u8]) -> Option<ShortKey> {
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
pub(super) fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// The first four bytes as a little-endian word; `b` holds at least four.
#[inline]
pub(super) fn half(b: &[u8]) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(w))
}

impl Names {
    /// The id of a known key.
    #[inline]
    pub(super) fn get(&self, key: &[u8]) -> Option<u32> {
        match pack(key) {
            Some(packed) => self.short_ids.get(&packed).copied(),
            None => self.ids.get(key).copied(),
        }
    }

    /// Fills the key buffer with `parts` joined by [`KEY_SEPARATOR`].
    pub(super) fn set_key(&mut self, parts: &[&[u8]]) {
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
    pub(super) fn insert(&mut self, key: &[u8], id: u32, candidates: &[String]) -> String {
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
pub(super) fn short(hash: &str) -> &str {
    hash.char_indices().nth(8).map_or(hash, |(i, _)| &hash[..i])
}

/// Checks an identifying field: non-empty UTF-8.
pub(super) fn name_field<'a>(
    table: &'a Table,
    column: usize,
    what: &str,
) -> Result<&'a str, TraceError> {
    let bytes = table.field(column);
    if bytes.is_empty() {
        return Err(table.error(column, format!("empty; expected {what}")));
    }
    std::str::from_utf8(bytes)
        .map_err(|_| table.error(column, format!("not valid UTF-8; expected {what} in UTF-8")))
}

/// The id of a new function, refused past [`MAX_FUNCTIONS`](crate::model::scenario::MAX_FUNCTIONS).
pub(super) fn new_id(
    table: &Table,
    column: usize,
    functions: &[TraceFunction],
) -> Result<u32, TraceError> {
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

pub(super) fn new_function(name: String, memory_mb: Option<u32>) -> TraceFunction {
    TraceFunction {
        name,
        exec: None,
        memory_mb,
        note: None,
    }
}

/// Repeated lines of one kind: the first, and how many in all.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Repeats {
    pub(super) first_line: u64,
    pub(super) count: u64,
}

impl Repeats {
    pub(super) fn add(&mut self, line: u64) {
        if self.count == 0 {
            self.first_line = line;
        }
        self.count += 1;
    }

    /// "5" or "5 and 3 more lines", naming the repeats in a note whose size does not grow
    /// with their number.
    pub(super) fn lines(self) -> Option<String> {
        match self.count {
            0 => None,
            1 => Some(self.first_line.to_string()),
            n => Some(format!("{} (and {} more lines)", self.first_line, n - 1)),
        }
    }
}

pub(super) fn add_note(function: &mut TraceFunction, note: &str) {
    match &mut function.note {
        Some(text) => {
            text.push_str("; ");
            text.push_str(note);
        }
        None => function.note = Some(note.to_string()),
    }
}
