//! Fuzz target `prices`: a price sheet through `PriceSheet::from_toml` and `from_json` (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::prices(data);
});
