//! Fuzz target `trace_azure2021`: an Azure Functions 2021 trace read from memory (see `fuzz/entry.rs`).
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry::trace_azure2021(data);
});
