//! Fuzz target `policy`: a compact policy spec through `KeepAliveSpec::parse_compact` and `Policy::parse` (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::policy(data);
});
