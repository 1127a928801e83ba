//! Fuzz target `trace_invocations`: an `invocations` trace read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_invocations(data);
});
