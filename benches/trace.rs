//! Trace reading: an `invocations` CSV read by `TraceReader` against the csv crate reading the same file as raw byte records, and a 10-million-row file read and simulated end to end.

use std::io::Write;
use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::input::trace::{TraceOptions, TraceReader, TraceSource};
use coldsim::model::scenario::Scenario;
use coldsim::rng::Streams;
use coldsim::sim::engine::Simulation;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Rows in the file of the reading benchmark.
const ROWS: u64 = 1_000_000;

/// Rows in the file of the end-to-end benchmark.
const END_TO_END_ROWS: u64 = 10_000_000;

/// Writes `rows` rows over 1000 functions, 1 ms apart, with a handler time each.
fn write_trace(path: &Path, rows: u64) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = std::io::BufWriter::new(file);
    let _ = writeln!(w, "timestamp,function,duration_ms");
    for i in 0..rows {
        let _ = writeln!(
            w,
            "{}.{:03},fn-{:04},{}.{}",
            i / 1000,
            i % 1000,
            (i * 7919) % 1000,
            20 + i % 180,
            i % 10
        );
    }
    let _ = w.flush();
}

fn reading(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("invocations.csv");
    write_trace(&path, ROWS);

    let mut group = c.benchmark_group("trace");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    group.bench_function("csv_raw_byte_records_1M_rows", |b| {
        b.iter(|| {
            let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
            let mut rec = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut rec).unwrap_or(false) {
                n += rec.len() as u64;
            }
            n
        })
    });
    group.bench_function("trace_reader_invocations_1M_rows", |b| {
        b.iter(|| {
            let mut r =
                TraceReader::open(&path, &TraceOptions::default(), Streams::trace_stream(0))
                    .unwrap_or_else(|e| panic!("{e}"));
            let mut n = 0u64;
            while let Ok(Some(a)) = r.next_arrival() {
                n += a.at.as_micros() & 1;
            }
            n
        })
    });
    group.finish();
}

/// The `coldsim run` path without its outputs: the trace streamed through the engine (1000
/// functions, handler times from the rows, 500 ms init, fixed 10-minute keep-alive), then the summary.
fn end_to_end(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("invocations.csv");
    write_trace(&path, END_TO_END_ROWS);
    let text = format!(
        "name = \"bench-trace\"\nseed = 1\n[workload]\ntrace = {{ path = {:?} }}\n[defaults]\nmemory_mb = 128\ninit = {{ dist = \"constant\", ms = 500 }}\nkeep_alive = {{ policy = \"fixed\", idle = \"10m\" }}\n",
        path.display().to_string()
    );
    let scenario = Scenario::from_toml(&text, &dir.path().join("bench-trace.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let Some(spec) = scenario.trace.clone() else {
        panic!("the scenario has a trace")
    };
    let mut group = c.benchmark_group("trace");
    group.throughput(Throughput::Elements(END_TO_END_ROWS));
    group.sample_size(10);
    group.bench_function("end_to_end_10M_rows", |b| {
        b.iter(|| {
            let reader = TraceReader::open(&spec.path, &spec.options, Streams::trace_stream(1))
                .unwrap_or_else(|e| panic!("{e}"));
            let (source, handle) = TraceSource::new(reader);
            let mut sim = Simulation::with_source(&scenario, 1, None, Some(Box::new(source)));
            sim.run(&mut ());
            assert!(handle.error().is_none());
            let summary = Summary::new(&scenario, 1, &sim);
            assert_eq!(summary.totals.invocations, END_TO_END_ROWS);
            summary
        })
    });
    group.finish();
}

criterion_group!(benches, reading, end_to_end);
criterion_main!(benches);
