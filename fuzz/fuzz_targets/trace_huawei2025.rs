//! Fuzz target `trace_huawei2025`: Huawei Cloud 2025 per-request traces read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_huawei2025(data);
});
