//! The font of every chart: DejaVu Sans, embedded in the binary (`fonts/`), so that the PNGs look the same on every machine whatever fonts it has.

/// The font family written into SVG text: the embedded font first, then the browser's.
pub(super) const FONT: &str = "DejaVu Sans, sans-serif";
pub(super) static FONT_BYTES: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/DejaVuSans.ttf"));
