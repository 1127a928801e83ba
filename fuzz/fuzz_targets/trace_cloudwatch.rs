//! Fuzz target `trace_cloudwatch`: Lambda CloudWatch logs in any layout read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_cloudwatch(data);
});
