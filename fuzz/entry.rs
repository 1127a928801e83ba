//! The entry points of the fuzz targets, one per target, shared with the regression test
//! (`tests/it/hardening.rs` includes this file): each takes the raw fuzz input and returns
//! `Ok` or the error a user would see. A panic, a hang or an unbounded allocation in one of
//! them is a bug; an `Err` is the expected answer to bad input.

#![allow(dead_code)]

use std::path::Path;

use coldsim::cost::PriceSheet;
use coldsim::input::trace::{
    MemoryAssignment, Spread, TimeUnit, TraceFormat, TraceOptions, TraceReader,
};
use coldsim::model::scenario::Scenario;
use coldsim::rng::Streams;
use coldsim::sim::engine::Simulation;
use coldsim::sim::policy::keep_alive::IdleContext;
use coldsim::time::{SimDuration, SimTime};

/// An entry point: the raw input, then `Ok` or the error message.
pub type Entry = fn(&[u8]) -> Result<(), String>;

/// Every target, by the name of its folder in `fuzz/seeds/` and `fuzz/regressions/`.
pub const TARGETS: [(&str, Entry); 9] = [
    ("scenario", scenario),
    ("trace_invocations", trace_invocations),
    ("trace_azure2021", trace_azure2021),
    ("trace_azure2019", trace_azure2019),
    ("trace_cloudwatch", trace_cloudwatch),
    ("trace_huawei2025", trace_huawei2025),
    ("trace_huawei2023", trace_huawei2023),
    ("prices", prices),
    ("policy", policy),
];

/// Events a valid scenario is run for: enough to reach the engine's first rules.
const RUN_EVENTS: u64 = 2_000;
/// Arrivals read from a trace at most: a valid trace may hold billions.
const TRACE_ARRIVALS: u64 = 20_000;
/// The separator of the files of a trace input (ASCII record separator).
pub const FILE_SEPARATOR: u8 = 0x1E;

/// Scenario text (UTF-8) through `Scenario::from_toml`, as `fuzz.toml`; a valid scenario is
/// then run for a few thousand events, and so is its set-up what-if.
pub fn scenario(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("fuzz.toml: not UTF-8: {e}"))?;
    let s = Scenario::from_toml(text, Path::new("fuzz.toml")).map_err(|e| e.to_string())?;
    // A trace is a file path here: the engine runs the scenario's own processes only, as
    // written and with its set-up moved into the handler (`coldsim run`'s what-if).
    let what_if = s.setup_in_handler();
    for mut s in std::iter::once(s).chain(what_if) {
        s.trace = None;
        let mut sim = Simulation::new(&s);
        sim.step(RUN_EVENTS, &mut ());
    }
    Ok(())
}

/// A trace in coldsim's `invocations` format; see [`trace`].
pub fn trace_invocations(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Invocations, data)
}

/// A trace in the Azure Functions 2021 format; see [`trace`].
pub fn trace_azure2021(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Azure2021, data)
}

/// A trace in the Azure Functions 2019 format; see [`trace`].
pub fn trace_azure2019(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Azure2019, data)
}

/// Lambda's CloudWatch logs in any layout; see [`trace`] (bit 5 names the function).
pub fn trace_cloudwatch(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Cloudwatch, data)
}

/// Huawei Cloud's 2023 requests per minute; see [`trace`].
pub fn trace_huawei2023(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Huawei2023, data)
}

/// Huawei Cloud's 2025 per-request traces; see [`trace`].
pub fn trace_huawei2025(data: &[u8]) -> Result<(), String> {
    trace(TraceFormat::Huawei2025, data)
}

/// A trace read from memory: the first byte holds the options (bit 0 `sort`, bit 1
/// milliseconds, bit 2 even spread, bit 3 split memory), the rest is `trace.csv`, then
/// optionally `durations.csv` and `memory.csv`, each after a byte 0x1E. Arrivals are read
/// up to a bound, checking that times never decrease and every function is known.
pub fn trace(format: TraceFormat, data: &[u8]) -> Result<(), String> {
    let Some((&flags, rest)) = data.split_first() else {
        return Ok(());
    };
    let mut parts = rest.splitn(3, |&b| b == FILE_SEPARATOR);
    let (main, durations, memory) = (parts.next().unwrap_or_default(), parts.next(), parts.next());
    let (trace_csv, durations_csv, memory_csv) = (
        Path::new("trace.csv"),
        Path::new("durations.csv"),
        Path::new("memory.csv"),
    );
    let options = TraceOptions {
        format,
        time_unit: if flags & 2 != 0 {
            TimeUnit::Milliseconds
        } else {
            TimeUnit::Seconds
        },
        sort: flags & 1 != 0,
        durations: durations.map(|_| durations_csv.to_path_buf()),
        memory: memory.map(|_| memory_csv.to_path_buf()),
        spread: if flags & 4 != 0 {
            Spread::Even
        } else {
            Spread::Poisson
        },
        memory_assignment: if flags & 8 != 0 {
            MemoryAssignment::Split
        } else {
            MemoryAssignment::AppAverage
        },
        start_at_first_row: flags & 16 != 0,
        function: (flags & 32 != 0).then(|| "fuzzed".to_string()),
        also: Vec::new(),
    };
    let mut files = vec![(trace_csv, main)];
    files.extend(durations.map(|d| (durations_csv, d)));
    files.extend(memory.map(|m| (memory_csv, m)));
    let mut reader =
        TraceReader::from_memory(trace_csv, &files, &options, Streams::trace_stream(1))
            .map_err(|e| e.to_string())?;
    let mut last = SimTime::ZERO;
    for _ in 0..TRACE_ARRIVALS {
        let Some(a) = reader.next_arrival().map_err(|e| e.to_string())? else {
            break;
        };
        assert!(a.at >= last, "time went back from {last} to {}", a.at);
        assert!(
            (a.function as usize) < reader.functions().len(),
            "arrival of unknown function {}",
            a.function
        );
        last = a.at;
    }
    Ok(())
}

/// A price sheet, as TOML and as JSON: `Ok` if either reads it, else the error of the
/// format it looks like.
pub fn prices(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("prices: not UTF-8: {e}"))?;
    match (PriceSheet::from_toml(text), PriceSheet::from_json(text)) {
        (Ok(_), _) | (_, Ok(_)) => Ok(()),
        (Err(_), Err(json)) if text.trim_start().starts_with('{') => Err(json.to_string()),
        (Err(toml), Err(_)) => Err(toml.to_string()),
    }
}

/// A compact policy spec, as `coldsim compare --policy` and `coldsim cost --keep-alive`
/// read it; a valid keep-alive policy is built and asked a few decisions.
pub fn policy(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("policy: not UTF-8: {e}"))?;
    let _ = SimDuration::parse(text);
    let compact = coldsim::input::spec::keep_alive(text);
    if let Ok(spec) = &compact {
        let mut rng = Streams::new(1).stream();
        let mut p = coldsim::sim::policy::build(spec);
        for (i, now) in [0u64, 1, 60_000_000, u64::MAX / 2, u64::MAX]
            .into_iter()
            .enumerate()
        {
            p.on_arrival(SimTime(now), i % 2 == 1);
            p.on_quiet(SimTime(now));
            let ctx = IdleContext {
                now: SimTime(now),
                created: SimTime::ZERO,
                first_idle: SimTime(now / 2),
                served: i as u64 + 1,
                busy: 0,
            };
            let _ = p.on_idle(&ctx, &mut rng);
        }
    }
    coldsim::input::spec::policy(text).map(|_| ())
}
