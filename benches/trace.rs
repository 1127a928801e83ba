//! Trace reading: an `invocations` CSV read by `TraceReader`, against the csv crate reading the same file as raw byte records.

use std::io::Write;
use std::path::Path;

use coldsim::rng::Streams;
use coldsim::trace::{TraceOptions, TraceReader};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Rows in the generated file.
const ROWS: u64 = 1_000_000;

/// Writes `ROWS` rows over 1000 functions, 1 ms apart, with a handler time each.
fn write_trace(path: &Path) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = std::io::BufWriter::new(file);
    let _ = writeln!(w, "timestamp,function,duration_ms");
    for i in 0..ROWS {
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
    write_trace(&path);

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

criterion_group!(benches, reading);
criterion_main!(benches);
