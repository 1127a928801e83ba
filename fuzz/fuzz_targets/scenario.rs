//! Fuzz target `scenario`: scenario text through `Scenario::from_toml`, a valid scenario run for a few thousand events (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::scenario(data);
});
