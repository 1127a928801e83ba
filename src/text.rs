//! Text helpers every layer may use: the line a byte offset of a file falls on.

/// The line [1-based] of byte `offset` in `text` (the last line past the end).
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
