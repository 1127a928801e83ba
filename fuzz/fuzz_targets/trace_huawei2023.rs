//! Fuzz target `trace_huawei2023`: Huawei Cloud 2023 requests per minute read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_huawei2023(data);
});
