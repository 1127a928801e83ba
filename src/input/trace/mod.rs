//! Traffic traces: streaming readers that turn a trace file into arrivals in time order.
//!
//! Three formats (see [`TraceFormat`]): coldsim's own `invocations` (one row per invocation),
//! the Azure Functions 2021 invocation trace (one row per invocation, end time and duration)
//! and the Azure Functions 2019 trace (invocation counts per function and minute, with
//! optional duration percentiles per function and memory per app).
//!
//! A [`TraceReader`] hands out one [`TraceArrival`] at a time, in non-decreasing time order.
//! Rows are read with one reused `csv::ByteRecord`, numbers are parsed from bytes and function
//! names are interned on first sight, so memory grows with the number of distinct functions,
//! never with the number of rows; the exceptions are `sort` (the whole trace is held and
//! sorted) and `azure2019` (the counts table is held, 8 bytes per non-zero function-minute,
//! plus the arrivals of one minute, or per function a generator of its arrivals when the minute
//! holds more than 2^20). A record longer than [`MAX_RECORD_BYTES`] is an error, a run has at
//! most [`MAX_FUNCTIONS`](crate::model::scenario::MAX_FUNCTIONS) functions, and an `azure2019` file at
//! most [`MAX_INVOCATIONS`](crate::model::scenario::MAX_INVOCATIONS) invocations.
//!
//! Every malformed row is a [`TraceError`] naming the file, the line (1-based, the header is
//! line 1) and the column. Nothing here panics on any input (the fuzz targets in `fuzz/` feed
//! it arbitrary bytes through [`TraceReader::from_memory`]).

mod azure2019;
pub mod cloudwatch;
mod decode;
mod error;
mod files;
pub mod huawei;
mod huawei2023;
mod names;
mod number;
mod reader;
mod row;
mod source;
mod table;

pub use error::TraceError;
pub use files::MAX_RECORD_BYTES;
pub use reader::TraceReader;
pub use row::{TraceArrival, TraceFunction};
pub use source::{TraceHandle, TraceSource};

pub use crate::model::trace::{MemoryAssignment, Spread, TimeUnit, TraceFormat, TraceOptions};

#[cfg(test)]
mod tests {
    use super::azure2019::*;
    use super::number::*;
    use super::reader::Source;
    use super::*;
    use crate::model::dist::TimeDist;
    use crate::rng::SimRng;
    use crate::time::SimTime;
    use crate::time::{MICROS_PER_S, SimDuration};
    use rand::SeedableRng;
    use std::path::Path;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn options(format: TraceFormat) -> TraceOptions {
        TraceOptions {
            format,
            ..TraceOptions::default()
        }
    }

    fn open(path: &Path, options: &TraceOptions) -> TraceReader {
        TraceReader::open(path, options, SimRng::seed_from_u64(1)).expect("opens")
    }

    fn read_all(reader: &mut TraceReader) -> Vec<TraceArrival> {
        let mut all = Vec::new();
        while let Some(a) = reader.next_arrival().expect("valid row") {
            // Its function is known no later than the arrival.
            assert!((a.function as usize) < reader.functions().len());
            all.push(a);
        }
        all
    }

    fn arrival(
        at_us: u64,
        function: u32,
        exec_us: Option<u64>,
        memory_mb: Option<u32>,
    ) -> TraceArrival {
        TraceArrival {
            at: SimTime(at_us),
            function,
            exec: exec_us.map(SimDuration),
            memory_mb,
            tenant: None,
        }
    }

    fn names(reader: &TraceReader) -> Vec<&str> {
        reader.functions().iter().map(|f| f.name.as_str()).collect()
    }

    /// Writes `bytes` to `bad.csv` in a fresh folder, reads it to the end with `options`, and
    /// returns the first error with the folder left out of the message.
    fn error_of(bytes: &[u8], options: &TraceOptions) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, bytes).expect("write");
        let result =
            TraceReader::open(&path, options, SimRng::seed_from_u64(1)).and_then(|mut r| {
                while r.next_arrival()?.is_some() {}
                Ok(())
            });
        let err = result.expect_err("the file is malformed");
        err.to_string()
            .replace(&format!("{}/", dir.path().display()), "")
    }

    fn invocations_error(text: &str) -> String {
        error_of(text.as_bytes(), &options(TraceFormat::Invocations))
    }

    #[test]
    fn invocations_in_seconds_with_optional_and_extra_columns() {
        let mut reader = open(
            &fixture("invocations-small.csv"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, Some(12_500), Some(512)),
                arrival(250_000, 0, None, None),
                arrival(1_000_001, 1, Some(100_000), None),
                arrival(2_500_000, 0, Some(7_000), Some(1_024)),
                arrival(2_500_000, 1, Some(0), Some(256)),
            ]
        );
        assert_eq!(names(&reader), ["api", "worker"]);
        // A function's memory is its first row's.
        assert_eq!(reader.functions()[0].memory_mb, Some(512));
        assert_eq!(reader.functions()[1].memory_mb, None);
        assert!(
            reader
                .functions()
                .iter()
                .all(|f| f.exec.is_none() && f.note.is_none())
        );
        assert_eq!(reader.rows_read(), 5);
    }

    #[test]
    fn invocations_in_rfc3339_count_from_the_first_row() {
        let mut reader = open(
            &fixture("invocations-rfc3339.csv"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, None, None),
                arrival(500_000, 1, None, None),
                // 01:00:00.000001+01:00 is 00:00:00.000001Z.
                arrival(500_001, 0, None, None),
                // 1.2500005 s rounds half up to 1.250001 s.
                arrival(1_750_001, 1, None, None),
            ]
        );
    }

    /// The starts [µs] of an `invocations` file held in memory, or its error.
    fn starts(text: &str, unit: TimeUnit, start_at_first_row: bool) -> Result<Vec<u64>, String> {
        let path = Path::new("t.csv");
        let options = TraceOptions {
            time_unit: unit,
            start_at_first_row,
            ..options(TraceFormat::Invocations)
        };
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, text.as_bytes())],
            &options,
            SimRng::seed_from_u64(1),
        )
        .map_err(|e| e.to_string())?;
        let mut all = Vec::new();
        while let Some(a) = reader.next_arrival().map_err(|e| e.to_string())? {
            all.push(a.at.as_micros());
        }
        assert_eq!(
            reader.latest_arrival().map(SimTime::as_micros),
            all.last().copied()
        );
        Ok(all)
    }

    #[test]
    fn unix_times_count_from_the_first_row() {
        let s = TimeUnit::Seconds;
        let ms = TimeUnit::Milliseconds;
        // 10^9 s is the first Unix time; one second less is a span since the start.
        assert_eq!(
            starts(
                "timestamp,function\n1000000000,a\n1000000001.5,a\n",
                s,
                false
            ),
            Ok(vec![0, 1_500_000])
        );
        assert_eq!(
            starts("timestamp,function\n999999999,a\n999999999.5,a\n", s, false),
            Ok(vec![999_999_999_000_000, 999_999_999_500_000])
        );
        assert_eq!(
            starts(
                "timestamp,function\n1000000000000,a\n1000000000250,a\n",
                ms,
                false
            ),
            Ok(vec![0, 250_000])
        );
        assert_eq!(
            starts("timestamp,function\n999999999999,a\n", ms, false),
            Ok(vec![999_999_999_999_000])
        );
        // Asked for: small numbers count from the first row too.
        assert_eq!(
            starts("timestamp,function\n5,a\n7,a\n", s, true),
            Ok(vec![0, 2_000_000])
        );
        // A row before the first goes back in time; sorted, the earliest becomes time 0.
        let back = starts("timestamp,function\n1700000010,a\n1700000002,a\n", s, false)
            .expect_err("back in time");
        assert!(back.contains("before the previous row's start"), "{back}");
        // Unix milliseconds read as seconds, and finer units, are refused with a hint.
        let e = starts("timestamp,function\n100000000000,a\n", s, false).expect_err("ms");
        assert!(e.contains("--time-unit ms"), "{e}");
        assert_eq!(
            starts("timestamp,function\n99999999999,a\n", s, false),
            Ok(vec![0])
        );
        let e = starts("timestamp,function\n1733356800000000,a\n", s, false).expect_err("µs");
        assert!(e.contains("micro- or nanoseconds"), "{e}");
        let e = starts("timestamp,function\n100000000000000,a\n", ms, false).expect_err("µs");
        assert!(e.contains("micro- or nanoseconds"), "{e}");
        assert_eq!(
            starts("timestamp,function\n99999999999999,a\n", ms, false),
            Ok(vec![0])
        );
    }

    #[test]
    fn rfc3339_instants_parse_exactly() {
        let t = |s: &str| parse_rfc3339(s.as_bytes());
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("1970-01-01T00:00:01.5+00:00"), Some(1_500_000));
        assert_eq!(t("2000-03-01T00:00:00Z"), Some(951_868_800_000_000));
        assert_eq!(t("2024-02-29t12:00:00z"), t("2024-02-29T13:30:00+01:30"));
        assert_eq!(t("1969-12-31T23:59:59Z"), Some(-1_000_000));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-01-01T24:00:00Z",
            "2021-01-01T00:00:00.Z",
            "2021-01-01T00:00:00+0100",
            "2021-01-01",
            "2021-01-01T00:00:00Zjunk",
            "",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_parse_from_bytes_exactly() {
        assert_eq!(parse_scaled(b"1.0000005", 6), Ok(1_000_001));
        assert_eq!(parse_scaled(b"1.0000004999", 6), Ok(1_000_000));
        assert_eq!(parse_scaled(b" 2 ", 3), Ok(2_000));
        assert_eq!(parse_scaled(b".5", 3), Ok(500));
        assert_eq!(parse_scaled(b"7.", 3), Ok(7_000));
        assert_eq!(parse_scaled(b"+1.5e2", 3), Ok(150_000));
        assert_eq!(parse_scaled(b"-0", 3), Ok(0));
        assert_eq!(parse_scaled(b"-1", 3), Err(NumError::Negative));
        assert_eq!(parse_scaled(b"NaN", 3), Err(NumError::NotFinite));
        assert_eq!(parse_scaled(b"inf", 3), Err(NumError::NotFinite));
        assert_eq!(parse_scaled(b"1e300", 3), Err(NumError::TooLarge));
        assert_eq!(
            parse_scaled(b"99999999999999999999", 0),
            Err(NumError::TooLarge)
        );
        for bad in [&b""[..], b".", b"1.2.3", b"1,5", b"0x10", b"\xff"] {
            assert_eq!(parse_scaled(bad, 3), Err(NumError::NotANumber), "{bad:?}");
        }
        assert_eq!(parse_u32(b"10240"), Ok(10_240));
        assert_eq!(parse_u32(b"-3"), Err(NumError::Negative));
        assert_eq!(parse_u32(b"4294967296"), Err(NumError::TooLarge));
        assert_eq!(parse_u32(b"1.0"), Err(NumError::NotANumber));
    }

    #[test]
    fn rows_back_in_time_are_refused_without_sort() {
        let options = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            ..options(TraceFormat::Invocations)
        };
        let text = std::fs::read(fixture("invocations-unsorted.csv")).expect("fixture");
        assert_eq!(
            error_of(&text, &options),
            "bad.csv:4: column timestamp: starts at 0.01 s, before the previous row's start at 0.02 s; \
             rows must be in time order (sort the file, or pass --sort to sort it in memory)"
        );
    }

    #[test]
    fn sort_orders_rows_stably() {
        let options = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            sort: true,
            ..options(TraceFormat::Invocations)
        };
        let mut reader = open(&fixture("invocations-unsorted.csv"), &options);
        // Every function is known before the first arrival.
        assert_eq!(names(&reader), ["a", "b", "c"]);
        assert_eq!(reader.rows_read(), 5);
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, None, None),
                arrival(5_000, 2, None, None),
                arrival(10_000, 0, None, None),
                // Same instant: file order (b before a).
                arrival(20_000, 1, None, None),
                arrival(20_000, 0, None, None),
            ]
        );
    }

    #[test]
    fn sort_makes_the_earliest_rfc3339_instant_time_zero() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "timestamp,function\n2021-01-01T00:00:10Z,a\n2021-01-01T00:00:02Z,b\n2021-01-01T00:00:12Z,a\n",
        )
        .expect("write");
        let sorted = TraceOptions {
            sort: true,
            ..options(TraceFormat::Invocations)
        };
        assert_eq!(
            read_all(&mut open(&path, &sorted)),
            [
                arrival(0, 1, None, None),
                arrival(8_000_000, 0, None, None),
                arrival(10_000_000, 0, None, None),
            ]
        );
        let message = error_of(
            &std::fs::read(&path).expect("read"),
            &options(TraceFormat::Invocations),
        );
        assert_eq!(
            message,
            "bad.csv:3: column timestamp: starts at -8 s, before the previous row's start at 0 s; \
             rows must be in time order (sort the file, or pass --sort to sort it in memory)"
        );
    }

    #[test]
    fn azure2021_tiny_trace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        // Two apps share a function hash; two functions share their short name; the first
        // invocation began before the trace did.
        std::fs::write(
            &path,
            "app,func,end_timestamp,duration\n\
             app1aaaaXX,fun1bbbbXX,1,2.5\n\
             app1aaaaXX,fun1bbbbYY,1.5,0.25\n\
             app2cccc,fun1bbbbXX,2,0.001\n\
             app1aaaaXX,fun1bbbbXX,3.0000015,1\n",
        )
        .expect("write");
        let mut reader = open(&path, &options(TraceFormat::Azure2021));
        assert_eq!(
            read_all(&mut reader),
            [
                arrival(0, 0, Some(2_500_000), None),
                arrival(1_250_000, 1, Some(250_000), None),
                arrival(1_999_000, 2, Some(1_000), None),
                arrival(2_000_002, 0, Some(1_000_000), None),
            ]
        );
        assert_eq!(
            names(&reader),
            [
                "app1aaaa/fun1bbbb",
                "app1aaaaXX/fun1bbbbYY",
                "app2cccc/fun1bbbb"
            ]
        );
    }

    #[test]
    fn the_real_azure2021_sample_end_to_end() {
        let mut reader = open(
            &fixture("azure-functions-2021-sample.csv"),
            &options(TraceFormat::Azure2021),
        );
        let all = read_all(&mut reader);
        assert_eq!(all.len(), 199);
        assert_eq!(reader.rows_read(), 199);
        assert_eq!(reader.functions().len(), 31);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        // First row: end 0.07949090003967285 s, duration 0.078 s.
        assert_eq!(all[0], arrival(1_491, 0, Some(78_000), None));
        // Last row: end 1260.0557980537415 s, duration 60.041 s.
        assert_eq!(all[198], arrival(1_200_014_798, 8, Some(60_041_000), None));
        assert_eq!(reader.functions()[0].name, "7b2c43a2/e3cdb488");
        assert_eq!(reader.functions()[8].name, "85479ef3/cd9f7f33");
        assert_eq!(reader.functions()[30].name, "dd81ee53/cd5a0be4");
        let total: u64 = all
            .iter()
            .filter_map(|a| a.exec)
            .map(SimDuration::as_micros)
            .sum();
        assert_eq!(total, 10_599_170_000);
    }

    fn azure2019(spread: Spread, seed: u64) -> (Vec<TraceArrival>, TraceReader) {
        let options = TraceOptions {
            spread,
            durations: Some(fixture("azure2019-durations.csv")),
            memory: Some(fixture("azure2019-memory.csv")),
            ..options(TraceFormat::Azure2019)
        };
        let mut reader = TraceReader::open(
            &fixture("azure2019-invocations.csv"),
            &options,
            SimRng::seed_from_u64(seed),
        )
        .expect("opens");
        (read_all(&mut reader), reader)
    }

    #[test]
    fn azure2019_even_spread_exact_instants() {
        let (all, reader) = azure2019(Spread::Even, 1);
        let s = MICROS_PER_S;
        assert_eq!(
            all,
            [
                // Minute 1: two of function 0 at 15 s and 45 s, one of function 2 at 30 s.
                arrival(15 * s, 0, None, None),
                arrival(30 * s, 2, None, None),
                arrival(45 * s, 0, None, None),
                // Minute 2: three of function 1 at 10, 30 and 50 s into it.
                arrival(70 * s, 1, None, None),
                arrival(90 * s, 1, None, None),
                arrival(110 * s, 1, None, None),
                // Minute 3: one each of functions 0 and 3, both at its middle.
                arrival(150 * s, 0, None, None),
                arrival(150 * s, 3, None, None),
            ]
        );
        assert_eq!(reader.rows_read(), 5);
        assert_eq!(
            names(&reader),
            [
                "aaaa1111/ffff0001",
                "aaaa1111/ffff0002",
                "bbbb2222/ffff0003",
                "bbbb2222cccc/ffff0003eeee",
            ]
        );
    }

    #[test]
    fn azure2019_functions_get_durations_memory_and_notes() {
        let (_, reader) = azure2019(Spread::Even, 1);
        let f = reader.functions();
        let durations = fixture("azure2019-durations.csv");
        let memory = fixture("azure2019-memory.csv");
        let exec = |i: usize| match &f[i].exec {
            Some(TimeDist::Percentiles(knots)) => knots
                .iter()
                .map(|&(q, d)| (q, d.as_micros()))
                .collect::<Vec<_>>(),
            other => panic!("function {i}: {other:?}"),
        };
        assert_eq!(
            exec(0),
            [
                (0.0, 10_000),
                (0.01, 20_000),
                (0.25, 50_000),
                (0.5, 100_000),
                (0.75, 200_000),
                (0.99, 300_000),
                (1.0, 400_000)
            ]
        );
        assert!(f[1].exec.is_none());
        // p25 (20 ms) below p1 (30 ms) is raised to 30 ms.
        assert_eq!(exec(3)[2], (0.25, 30_000));
        // App average 200.5 MB, rounded up; the other app has no memory row.
        let memory_mb: Vec<_> = f.iter().map(|f| f.memory_mb).collect();
        assert_eq!(memory_mb, [Some(201), Some(201), None, None]);
        let notes: Vec<_> = f
            .iter()
            .map(|f| f.note.clone().unwrap_or_default())
            .collect();
        let (d, m) = (durations.display(), memory.display());
        assert_eq!(
            notes,
            [
                format!(
                    "line 5 repeats its row; kept the first; {d}:5 repeats its durations; kept the first; \
                     {m}:3 repeats its app's memory; kept the first"
                ),
                format!(
                    "no row in {d}: exec is the scenario's; {m}:3 repeats its app's memory; kept the first"
                ),
                format!("no row for its app in {m}: memory_mb is the scenario's"),
                format!(
                    "{d}:4: decreasing percentiles raised to the running maximum; \
                     no row for its app in {m}: memory_mb is the scenario's"
                ),
            ]
        );
    }

    #[test]
    fn azure2019_split_memory_keeps_lambdas_minimum() {
        let options = TraceOptions {
            memory: Some(fixture("azure2019-memory.csv")),
            memory_assignment: MemoryAssignment::Split,
            ..options(TraceFormat::Azure2019)
        };
        let reader = open(&fixture("azure2019-invocations.csv"), &options);
        // 200.5 MB over two functions is 100.25 MB each, raised to 128 MB.
        let memory_mb: Vec<_> = reader.functions().iter().map(|f| f.memory_mb).collect();
        assert_eq!(memory_mb, [Some(128), Some(128), None, None]);
        // No durations file: no exec and no note about it.
        assert!(reader.functions().iter().all(|f| f.exec.is_none()));
    }

    #[test]
    fn azure2019_poisson_spread_keeps_counts_inside_minutes_and_is_reproducible() {
        let (all, _) = azure2019(Spread::Poisson, 42);
        assert_eq!(all.len(), 8);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        let minute = |a: &TraceArrival| a.at.as_micros() / MINUTE_US;
        let in_minute = |k: u64, f: u32| {
            all.iter()
                .filter(|a| minute(a) == k && a.function == f)
                .count()
        };
        assert_eq!(
            [
                in_minute(0, 0),
                in_minute(0, 2),
                in_minute(1, 1),
                in_minute(2, 0),
                in_minute(2, 3)
            ],
            [2, 1, 3, 1, 1]
        );
        assert_eq!(azure2019(Spread::Poisson, 42).0, all);
        assert_ne!(azure2019(Spread::Poisson, 43).0, all);
    }

    #[test]
    fn malformed_invocations_rows_are_named() {
        let cases: &[(&str, &str)] = &[
            (
                "timestamp,duration_ms\n0,1\n",
                "bad.csv: no column function in the header; expected timestamp and function (duration_ms, memory_mb and tenant are optional)",
            ),
            (
                "timestamp,function,function\n",
                "bad.csv: column function appears more than once in the header",
            ),
            (
                "",
                "bad.csv: no header line; expected the column names on line 1",
            ),
            (
                "timestamp,function,duration_ms\n0,a,1\n1,a\n",
                "bad.csv:3: column duration_ms: missing: the row has 2 fields, the header 3",
            ),
            (
                "timestamp,function\n0,a,1\n",
                "bad.csv:2: column 3: not in the header: the row has 3 fields, the header 2",
            ),
            (
                "timestamp,function\n0,a\nabc,a\n",
                "bad.csv:3: column timestamp: \"abc\" is not a number; expected a number of seconds since the start, or an RFC 3339 instant on every row",
            ),
            (
                "timestamp,function\n-1,a\n",
                "bad.csv:2: column timestamp: \"-1\" is before time 0; expected a number of seconds since the start, 0 or more",
            ),
            (
                "timestamp,function\nNaN,a\n",
                "bad.csv:2: column timestamp: \"NaN\" is not a finite number; expected a number of seconds since the start, or an RFC 3339 instant on every row",
            ),
            (
                "timestamp,function,duration_ms\n0,a,-5\n",
                "bad.csv:2: column duration_ms: \"-5\" is negative; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,duration_ms\n0,a,NaN\n",
                "bad.csv:2: column duration_ms: \"NaN\" is not a finite number; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,duration_ms\n0,a,5ms\n",
                "bad.csv:2: column duration_ms: \"5ms\" is not a number; expected a duration in milliseconds, 0 or more",
            ),
            (
                "timestamp,function,memory_mb\n0,a,20000\n",
                "bad.csv:2: column memory_mb: \"20000\" is out of range; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function,memory_mb\n0,a,0\n",
                "bad.csv:2: column memory_mb: \"0\" is out of range; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function,memory_mb\n0,a,512.5\n",
                "bad.csv:2: column memory_mb: \"512.5\" is not a whole number; expected a whole number of MB from 1 to 10240",
            ),
            (
                "timestamp,function\n2021-02-28T00:00:00Z,a\n2021-02-29T00:00:00Z,a\n",
                "bad.csv:3: column timestamp: \"2021-02-29T00:00:00Z\" is not an RFC 3339 instant; expected one like 2021-01-31T12:00:00.250Z, as on line 2",
            ),
            (
                "timestamp,function\n0,a\n1,\n",
                "bad.csv:3: column function: empty; expected a function name",
            ),
            // A quoted field spanning two lines: the next row starts on line 4.
            (
                "timestamp,function\n0,\"a\nb\"\n-2,a\n",
                "bad.csv:4: column timestamp: \"-2\" is before time 0; expected a number of seconds since the start, 0 or more",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(invocations_error(text), *expected, "{text:?}");
        }
        assert_eq!(
            error_of(
                b"timestamp,function\n0,\xC3\x28\n",
                &options(TraceFormat::Invocations)
            ),
            "bad.csv:2: column function: not valid UTF-8; expected a function name in UTF-8"
        );
        let millis = TraceOptions {
            time_unit: TimeUnit::Milliseconds,
            ..options(TraceFormat::Invocations)
        };
        assert_eq!(
            error_of(b"timestamp,function\n1,a\nx,a\n", &millis),
            "bad.csv:3: column timestamp: \"x\" is not a number; expected a number of milliseconds since the start, or an RFC 3339 instant on every row"
        );
    }

    #[test]
    fn malformed_azure_rows_are_named() {
        let azure2021 = options(TraceFormat::Azure2021);
        let cases: &[(&str, &str)] = &[
            (
                "app,func,end_timestamp\n",
                "bad.csv: no column duration in the header; expected app,func,end_timestamp,duration",
            ),
            (
                "app,func,end_timestamp,duration\na,f,1,-0.5\n",
                "bad.csv:2: column duration: \"-0.5\" is negative; expected a number of seconds, 0 or more",
            ),
            (
                "app,func,end_timestamp,duration\na,f,x,1\n",
                "bad.csv:2: column end_timestamp: \"x\" is not a number; expected a number of seconds, 0 or more",
            ),
            (
                "app,func,end_timestamp,duration\n,f,1,1\n",
                "bad.csv:2: column app: empty; expected an app hash",
            ),
            (
                "app,func,end_timestamp,duration\na,f,5,1\na,f,4,1\n",
                "bad.csv:3: column end_timestamp: starts at 3 s, before the previous row's start at 4 s; \
                 rows must be in time order (sort the file, or pass --sort to sort it in memory)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text.as_bytes(), &azure2021), *expected, "{text:?}");
        }
        assert_eq!(
            error_of(b"app,func,end_timestamp,duration\na,\xFF,1,1\n", &azure2021),
            "bad.csv:2: column func: not valid UTF-8; expected a function hash in UTF-8"
        );

        let azure2019 = options(TraceFormat::Azure2019);
        let cases: &[(&str, &str)] = &[
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,3\n",
                "bad.csv: no column 2 in the header; expected the minutes 1, 2, ... up to at most 1440 without a gap (HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440)",
            ),
            (
                "HashOwner,HashApp,Trigger,1\n",
                "bad.csv: no column HashFunction in the header; expected HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,x\n",
                "bad.csv:2: column 2: \"x\" is not a number; expected a whole number of invocations, 0 or more",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-1\n",
                "bad.csv:2: column 2: \"-1\" is negative; expected a whole number of invocations, 0 or more",
            ),
            (
                "HashOwner,HashApp,HashFunction,Trigger,1\no,a,,http,1\n",
                "bad.csv:2: column HashFunction: empty; expected a function hash",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text.as_bytes(), &azure2019), *expected, "{text:?}");
        }
    }

    #[test]
    fn malformed_azure2019_side_files_are_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let side = dir.path().join("side.csv");
        let check = |options: &TraceOptions, text: &str, expected: &str| {
            std::fs::write(&side, text).expect("write");
            let err = TraceReader::open(
                &fixture("azure2019-invocations.csv"),
                options,
                SimRng::seed_from_u64(1),
            )
            .expect_err("malformed");
            let message = err
                .to_string()
                .replace(&format!("{}/", dir.path().display()), "");
            assert_eq!(message, expected);
        };
        let durations = TraceOptions {
            durations: Some(side.clone()),
            ..options(TraceFormat::Azure2019)
        };
        let header = "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";
        check(
            &durations,
            &format!("{header}own1,aaaa1111bbbb,ffff0001cccc,1,2,3,-4,5,6,7\n"),
            "side.csv:2: column percentile_Average_50: \"-4\" is negative; expected a time in milliseconds, 0 or more",
        );
        check(
            &durations,
            &format!("{header}own1,aaaa1111bbbb,ffff0001cccc,1,2,3,NaN,5,6,7\n"),
            "side.csv:2: column percentile_Average_50: \"NaN\" is not a finite number; expected a time in milliseconds, 0 or more",
        );
        check(
            &durations,
            "HashOwner,HashApp,HashFunction,percentile_Average_0\n",
            "side.csv: no column percentile_Average_1 in the header; expected HashOwner,HashApp,HashFunction and percentile_Average_0, _1, _25, _50, _75, _99, _100",
        );
        let memory = TraceOptions {
            memory: Some(side.clone()),
            ..options(TraceFormat::Azure2019)
        };
        check(
            &memory,
            "HashOwner,HashApp,AverageAllocatedMb\nown1,aaaa1111bbbb,lots\n",
            "side.csv:2: column AverageAllocatedMb: \"lots\" is not a number; expected a memory size in MB, 0 or more",
        );
    }

    #[test]
    fn file_level_errors() {
        let missing = fixture("no-such-trace.csv");
        let err = TraceReader::open(&missing, &TraceOptions::default(), SimRng::seed_from_u64(1))
            .expect_err("missing");
        assert_eq!(
            err.to_string(),
            format!("{}: cannot read the trace", missing.display())
        );
        assert!(matches!(err, TraceError::Read { .. }));
        let options = TraceOptions {
            durations: Some(PathBuf::from("d.csv")),
            ..options(TraceFormat::Azure2021)
        };
        let err = TraceReader::open(
            &fixture("azure-functions-2021-sample.csv"),
            &options,
            SimRng::seed_from_u64(1),
        )
        .expect_err("useless option");
        assert_eq!(
            err.to_string(),
            "d.csv: a durations file is read only with the azure2019 format, not azure2021"
        );
    }

    #[test]
    fn options_deserialize_from_their_scenario_names() {
        #[derive(serde::Deserialize)]
        struct Wrapper {
            trace: TraceOptions,
        }
        let w: Wrapper = toml::from_str(
            "[trace]\nformat = \"azure2019\"\ntime_unit = \"ms\"\nsort = true\nspread = \"even\"\n\
             memory_assignment = \"split\"\ndurations = \"d.csv\"\n",
        )
        .expect("valid");
        assert_eq!(
            w.trace,
            TraceOptions {
                format: TraceFormat::Azure2019,
                time_unit: TimeUnit::Milliseconds,
                sort: true,
                durations: Some(PathBuf::from("d.csv")),
                memory: None,
                spread: Spread::Even,
                memory_assignment: MemoryAssignment::Split,
                start_at_first_row: false,
                function: None,
                also: Vec::new(),
            }
        );
        assert_eq!(TraceOptions::default().spread, Spread::Poisson);
        assert_eq!(
            TraceOptions::default().memory_assignment,
            MemoryAssignment::AppAverage
        );
    }

    /// Every arrival of an azure2019 trace held in memory.
    fn azure2019_from_memory(counts: &str, spread: Spread) -> Vec<TraceArrival> {
        let path = Path::new("counts.csv");
        let options = TraceOptions {
            spread,
            ..options(TraceFormat::Azure2019)
        };
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, counts.as_bytes())],
            &options,
            SimRng::seed_from_u64(3),
        )
        .expect("opens");
        read_all(&mut reader)
    }

    #[test]
    fn a_minute_too_large_to_buffer_is_spread_lazily_with_the_same_instants() {
        // 700 000 + 500 000 + 3 arrivals in minute 2: past the buffer, so merged lazily; the
        // even instants must be exactly those the buffered sort gives, ties by function.
        let counts = "HashOwner,HashApp,HashFunction,Trigger,1,2\n\
                      o,a,f,http,1,700000\no,a,g,http,0,500000\no,b,h,http,2,3\n";
        let all = azure2019_from_memory(counts, Spread::Even);
        let mut expected: Vec<(u64, u32)> = vec![(MINUTE_US / 2, 0)];
        expected.extend((0..2).map(|i| ((2 * i + 1) * MINUTE_US / 4, 2)));
        for (function, c) in [(0u32, 700_000u64), (1, 500_000), (2, 3)] {
            expected
                .extend((0..c).map(|i| (MINUTE_US + (2 * i + 1) * MINUTE_US / (2 * c), function)));
        }
        expected.sort_unstable();
        // Memory stays within the functions': no buffer of the minute's 1.2 M arrivals.
        let path = Path::new("counts.csv");
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, counts.as_bytes())],
            &options(TraceFormat::Azure2019),
            SimRng::seed_from_u64(3),
        )
        .expect("opens");
        for _ in 0..10 {
            reader.next_arrival().expect("an arrival");
        }
        let Source::Minutes(m) = &reader.source else {
            panic!("azure2019 reads minutes");
        };
        assert!(m.buffer.capacity() <= 16 && m.merge.heap.len() <= 3);
        let got: Vec<(u64, u32)> = all.iter().map(|a| (a.at.as_micros(), a.function)).collect();
        assert_eq!(got.len(), expected.len());
        assert!(
            got == expected,
            "the lazy merge differs from the buffered sort"
        );
        // Poisson: the same counts per function and minute, in time order, inside the minute.
        let all = azure2019_from_memory(counts, Spread::Poisson);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        let count = |f: u32, minute: u64| {
            all.iter()
                .filter(|a| a.function == f && a.at.as_micros() / MINUTE_US == minute)
                .count()
        };
        assert_eq!(
            [
                count(0, 0),
                count(0, 1),
                count(1, 1),
                count(2, 0),
                count(2, 1)
            ],
            [1, 700_000, 500_000, 2, 3]
        );
        // Uniform over the minute: the mean offset of 700 000 uniform draws is 30 s within
        // 4 standard errors (60 s / sqrt(12 * 700 000) = 21 ms each).
        let offsets = all
            .iter()
            .filter(|a| a.function == 0 && a.at.as_micros() >= MINUTE_US)
            .map(|a| (a.at.as_micros() - MINUTE_US) as f64);
        let mean = offsets.sum::<f64>() / 700_000.0;
        assert!(
            (mean - 30e6).abs() < 4.0 * 60e6 / (12.0f64 * 700_000.0).sqrt(),
            "{mean}"
        );
    }

    #[test]
    fn a_trace_of_more_invocations_than_a_run_may_have_is_refused() {
        let path = Path::new("counts.csv");
        let row = ",4294967295".repeat(1_440);
        let header: String = (1..=1_440).map(|m| format!(",{m}")).collect();
        let text = format!("HashOwner,HashApp,HashFunction,Trigger{header}\no,a,f,http{row}\n");
        let err = TraceReader::from_memory(
            path,
            &[(path, text.as_bytes())],
            &options(TraceFormat::Azure2019),
            SimRng::seed_from_u64(1),
        )
        .expect_err("too many");
        assert_eq!(
            err.to_string(),
            "counts.csv: holds 6184752904800 invocations, more than a run may have (1e12); cut the file into shorter traces"
        );
    }

    #[test]
    fn a_record_without_end_is_refused_before_it_fills_the_memory() {
        let path = Path::new("endless.csv");
        let mut text = b"timestamp,function\n0,a\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_RECORD_BYTES + 10));
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .expect("the header is fine");
        assert!(reader.next_arrival().expect("the first row").is_some());
        let err = reader.next_arrival().expect_err("too long");
        assert_eq!(err.to_string(), "endless.csv: cannot read the trace");
        let source = std::error::Error::source(&err)
            .expect("a cause")
            .to_string();
        assert!(
            source.starts_with("a record longer than 1048576 bytes"),
            "{source}"
        );
        // The same inside an unclosed quote, line breaks and all.
        let mut text = b"timestamp,function\n0,\"a".to_vec();
        text.extend(std::iter::repeat_n(b"7\n".as_slice(), MAX_RECORD_BYTES).flatten());
        let result = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .and_then(|mut r| r.next_arrival());
        assert!(matches!(result, Err(TraceError::Read { .. })), "{result:?}");
    }

    #[test]
    fn quotes_are_followed_as_the_csv_parser_reads_them() {
        // A quote inside an unquoted field is a plain character, and "" inside a quoted field
        // is a quote: neither may make the rest of the file look like one endless record.
        let path = Path::new("quotes.csv");
        let mut text = b"timestamp,function\n0,a\"b\n0,\"c\"\"d\"\n".to_vec();
        let rows = MAX_RECORD_BYTES / 4;
        text.extend(std::iter::repeat_n(b"1,e\n".as_slice(), rows).flatten());
        let mut reader = TraceReader::from_memory(
            path,
            &[(path, &text)],
            &options(TraceFormat::Invocations),
            SimRng::seed_from_u64(1),
        )
        .expect("opens");
        assert_eq!(read_all(&mut reader).len(), rows + 2);
        assert_eq!(names(&reader), ["a\"b", "c\"d", "e"]);
    }

    #[test]
    fn a_file_missing_from_memory_cannot_be_read() {
        let options = TraceOptions {
            durations: Some("durations.csv".into()),
            ..options(TraceFormat::Azure2019)
        };
        let path = Path::new("counts.csv");
        let counts = b"HashOwner,HashApp,HashFunction,1\no,a,f,1\n";
        let err =
            TraceReader::from_memory(path, &[(path, counts)], &options, SimRng::seed_from_u64(1))
                .expect_err("no durations");
        assert_eq!(err.to_string(), "durations.csv: cannot read the trace");
    }

    #[test]
    fn no_input_makes_the_reader_panic() {
        // Every prefix of a file mixing good and bad rows, in each format, ends in arrivals or
        // an error, never a panic.
        let text = std::fs::read(fixture("invocations-small.csv")).expect("fixture");
        let sample = std::fs::read(fixture("azure-functions-2021-sample.csv")).expect("fixture");
        let a2019 = std::fs::read(fixture("azure2019-invocations.csv")).expect("fixture");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.csv");
        for (bytes, format) in [
            (&text, TraceFormat::Invocations),
            (&sample[..700].to_vec(), TraceFormat::Azure2021),
            (&a2019, TraceFormat::Azure2019),
        ] {
            for cut in 0..bytes.len() {
                let mut data = bytes[..cut].to_vec();
                data.extend_from_slice(b"\n\xFF,-,\"\n");
                std::fs::write(&path, &data).expect("write");
                if let Ok(mut r) =
                    TraceReader::open(&path, &options(format), SimRng::seed_from_u64(1))
                {
                    while let Ok(Some(_)) = r.next_arrival() {}
                }
            }
        }
    }
}
