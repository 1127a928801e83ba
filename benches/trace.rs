//! Trace reading: an `invocations` CSV read by `TraceReader` against the csv crate reading the same file as raw byte records, a 10-million-row file read and simulated end to end, and a million invocations of CloudWatch logs paired and ordered.

use std::io::Write;
use std::path::Path;

use coldsim::analysis::summary::Summary;
use coldsim::input::trace::cloudwatch::{LogOptions, LogReader};
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

/// Writes `invocations` of one Lambda function as `aws logs tail` prints them: START, a line
/// of the function's own, END and REPORT each, 1 ms apart, on 50 environments, every tenth a
/// cold start.
fn write_logs(path: &Path, invocations: u64) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = std::io::BufWriter::new(file);
    for i in 0..invocations {
        let t = |ms: u64| {
            let ms = i + ms;
            let s = ms / 1000;
            format!(
                "2024-01-15T{:02}:{:02}:{:02}.{:03}000+00:00 2024/01/15/[$LATEST]{:032x}",
                s / 3600 % 24,
                s / 60 % 60,
                s % 60,
                ms % 1000,
                i % 50
            )
        };
        let init = if i % 10 == 0 {
            "\tInit Duration: 130.63 ms"
        } else {
            ""
        };
        let _ = writeln!(w, "{} START RequestId: {i:036x} Version: $LATEST", t(0));
        let _ = writeln!(w, "{} [INFO]\thello from {i}", t(0));
        let _ = writeln!(w, "{} END RequestId: {i:036x}", t(0));
        let _ = writeln!(
            w,
            "{} REPORT RequestId: {i:036x}\tDuration: 0.{:02} ms\tBilled Duration: 1 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB{init}\t",
            t(0),
            i % 100
        );
    }
    let _ = w.flush();
}

/// CloudWatch logs read by the log reader: four lines an invocation, paired and ordered.
fn logs(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("api.txt");
    write_logs(&path, ROWS);
    let mut group = c.benchmark_group("trace");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    group.bench_function("cloudwatch_tail_1M_invocations", |b| {
        b.iter(|| {
            let mut r = LogReader::open(std::slice::from_ref(&path), &LogOptions::default())
                .unwrap_or_else(|e| panic!("{e}"));
            let mut n = 0u64;
            while let Ok(Some(i)) = r.next_invocation() {
                n += i.exec_us;
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, reading, end_to_end, logs);
criterion_main!(benches);
