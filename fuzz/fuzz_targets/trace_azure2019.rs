//! Fuzz target `trace_azure2019`: an Azure Functions 2019 trace (counts, durations and memory files) read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_azure2019(data);
});
