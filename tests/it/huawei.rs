//! Huawei Cloud's 2025 per-request traces (`huawei2025`): arrivals, handler times, names and memory exactly as the release's columns give them, and every malformed row refused with its line and column.

use std::path::{Path, PathBuf};

use coldsim::input::trace::{TraceFormat, TraceOptions, TraceReader};
use coldsim::rng::Streams;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn huawei_2025_requests_arrive_at_their_worker_time_named_as_the_release_names_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huawei2025-requests.csv");
    let options = TraceOptions {
        format: TraceFormat::Huawei2025,
        ..TraceOptions::default()
    };
    let mut reader = TraceReader::open(&path, &options, Streams::trace_stream(0)).expect("opens");
    let mut got = Vec::new();
    while let Some(a) = reader.next_arrival().expect("valid") {
        got.push((
            a.at.as_micros(),
            a.function,
            a.exec.map(|e| e.0),
            a.memory_mb,
        ));
    }
    assert_eq!(
        got,
        [
            (0, 0, Some(829), Some(128)),
            (480_000, 0, Some(11_000), Some(128)),
            (1_230_000, 1, Some(1_400_000), Some(4096)),
            (60_980_000, 0, Some(400), Some(128)),
        ]
    );
    let names: Vec<&str> = reader.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["411---301---pool22-300-128", "7---12---pool7-1000-4096"]
    );
}

#[test]
fn a_malformed_huawei_2025_row_names_its_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let header = "time_worker,funcName,podID,userID,runtimeCost\n";
    for (row, want) in [
        (
            "1.0,4,pool-x,9,0.1",
            "t.csv:2: column podID: \"pool-x\" is not a pod id",
        ),
        (
            "soon,4,pool1-100-128-1,9,0.1",
            "t.csv:2: column time_worker: \"soon\" is not a number",
        ),
        (
            "1.0,4,pool1-100-128-1,9,-0.1",
            "t.csv:2: column runtimeCost: \"-0.1\" is negative",
        ),
    ] {
        let p = write(dir.path(), "t.csv", &format!("{header}{row}\n"));
        let options = TraceOptions {
            format: TraceFormat::Huawei2025,
            ..TraceOptions::default()
        };
        let e = TraceReader::open(&p, &options, Streams::trace_stream(0))
            .and_then(|mut r| r.next_arrival())
            .expect_err(row)
            .to_string();
        let e = e
            .replace(&dir.path().display().to_string(), "")
            .replace('/', "");
        assert!(e.starts_with(want), "{e}");
    }
    // A row out of order names the time column wherever the header puts it.
    let p = write(
        dir.path(),
        "t.csv",
        "funcName,podID,time_worker,userID,runtimeCost\n4,pool1-100-128-1,2.0,9,0.1\n4,pool1-100-128-1,1.0,9,0.1\n",
    );
    let options = TraceOptions {
        format: TraceFormat::Huawei2025,
        ..TraceOptions::default()
    };
    let mut r = TraceReader::open(&p, &options, Streams::trace_stream(0)).expect("opens");
    let e = std::iter::from_fn(|| r.next_arrival().transpose())
        .find_map(Result::err)
        .expect("a row out of order")
        .to_string();
    assert!(e.contains("t.csv:3: column time_worker"), "{e}");
    let p = write(dir.path(), "t.csv", "time,func\n1,2\n");
    let options = TraceOptions {
        format: TraceFormat::Huawei2025,
        ..TraceOptions::default()
    };
    let e = TraceReader::open(&p, &options, Streams::trace_stream(0)).expect_err("columns");
    assert!(e.to_string().contains("time_worker"), "{e}");
}

/// Runs `coldsim check-cold-starts REQUESTS --cold-starts COLD` into `dir` and returns its
/// check.json.
fn check_json(dir: &Path, requests: &Path, cold: &Path) -> serde_json::Value {
    let out = dir.join("check");
    let o = assert_cmd::Command::cargo_bin("coldsim")
        .expect("the binary")
        .arg("check-cold-starts")
        .arg(requests)
        .arg("--cold-starts")
        .arg(cold)
        .args(["--quiet", "--out"])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("check.json")).expect("check.json"))
        .expect("JSON")
}

#[test]
fn replayed_with_a_minute_of_keep_alive_the_cold_starts_match_the_records() {
    // Function 411: requests at 0 and 0.48 s (the second arrives while the first's container
    // initializes, 0.5 or 0.9 s as the records' costs say: cold too), and at 60.98 s, under a
    // minute after the second container went idle (at 0.991 s at the earliest): warm.
    // Function 7: one request, cold. The record of day 29 lies outside the requests' span.
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let check = check_json(
        dir.path(),
        &fixtures.join("huawei2025-requests.csv"),
        &fixtures.join("huawei2025-cold-starts.csv"),
    );
    assert_eq!(check["recorded"], 3);
    assert_eq!(check["simulated"], 3);
    assert_eq!(check["outside"], 1);
    assert_eq!(check["functions"], 2);
    assert_eq!(check["functions_equal"], 2);
    assert_eq!(check["minutes"], 2);
    assert_eq!(check["minute_correlation"], 1.0);
    assert_eq!(
        check["per_function"][0]["function"],
        "411---301---pool22-300-128"
    );
}

#[test]
fn huawei_2023_minutes_spread_their_requests_inside_each_minute() {
    use coldsim::input::trace::Spread;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huawei2023-requests-minute.csv");
    let options = TraceOptions {
        format: TraceFormat::Huawei2023,
        spread: Spread::Even,
        ..TraceOptions::default()
    };
    let mut reader = TraceReader::open(&path, &options, Streams::trace_stream(0)).expect("opens");
    let mut got = Vec::new();
    while let Some(a) = reader.next_arrival().expect("valid") {
        got.push((a.at.as_micros() / 1_000_000, a.function));
    }
    // Minute 0: three of function 3 at the centres of thirds; minute 1: two of function 1
    // (written 2.0) and one of 3; minute 2 none; minute 3: one of 0 and two of 3.
    assert_eq!(
        got,
        [
            (10, 3),
            (30, 3),
            (50, 3),
            (75, 1),
            (90, 3),
            (105, 1),
            (195, 3),
            (210, 0),
            (225, 3)
        ]
    );
    let names: Vec<&str> = reader.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["0", "1", "2", "3"]);
    assert_eq!(reader.rows_read(), 4);
    // A day's file starts where the day does; its first minute is the run's first.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "d.csv", "day,time,7\n1,86400,1\n1,86460,1\n");
    let mut r = TraceReader::open(&p, &options, Streams::trace_stream(0)).expect("opens");
    let mut at = Vec::new();
    while let Some(a) = r.next_arrival().expect("valid") {
        at.push(a.at.as_micros() / 1_000_000);
    }
    assert_eq!(at, [30, 90]);
    // A file of exactly the most requests a run may have (10^12) opens; one more does not.
    let row = |last: u64| {
        let mut cells = vec!["4000000000".to_string(); 249];
        cells.push(last.to_string());
        format!("0,0,{}\n", cells.join(","))
    };
    let header = format!(
        "day,time,{}\n",
        (0..250)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let p = write(
        dir.path(),
        "big.csv",
        &format!("{header}{}", row(4_000_000_000)),
    );
    assert!(TraceReader::open(&p, &options, Streams::trace_stream(0)).is_ok());
    let p = write(
        dir.path(),
        "big.csv",
        &format!("{header}{}", row(4_000_000_001)),
    );
    let e = TraceReader::open(&p, &options, Streams::trace_stream(0)).expect_err("too many");
    assert!(e.to_string().contains("more than a run may have"), "{e}");
    // A count that is not whole, and rows out of order, name their line and column.
    let dir = tempfile::tempdir().expect("tempdir");
    for (text, want) in [
        (
            "day,time,7\n0,0,1.5\n",
            "m.csv:2: column 7: \"1.5\" is not a whole number",
        ),
        (
            "day,time,7\n0,60,1\n0,0,1\n",
            "m.csv:3: column time: \"0\" is not after",
        ),
    ] {
        let p = write(dir.path(), "m.csv", text);
        let e = TraceReader::open(&p, &options, Streams::trace_stream(0))
            .and_then(|mut r| r.next_arrival())
            .expect_err(text)
            .to_string();
        let e = e
            .replace(&dir.path().display().to_string(), "")
            .replace('/', "");
        assert!(e.starts_with(want), "{e}");
    }
}

#[test]
fn cold_starts_are_compared_per_minute_and_records_past_the_last_request_are_outside() {
    // Function 1 at 0 s and 150 s (its container expired a minute after 0.31 s: cold again),
    // function 2 at 0.1 s: two cold starts in minute 0, none in minute 1, one in minute 2.
    // The record at 300 s (minute 5) is past the last request's minute.
    let dir = tempfile::tempdir().expect("tempdir");
    let requests = write(
        dir.path(),
        "r.csv",
        "time_worker,funcName,podID,userID,runtimeCost\n100.000,1,pool22-300-128-1,9,0.010\n100.100,2,pool22-300-128-2,9,0.010\n250.000,1,pool22-300-128-1,9,0.010\n",
    );
    let cold = write(
        dir.path(),
        "c.csv",
        "day,time,clusterName,funcName,userID,requestID,totalCost_cold_start,podAllocationCost,deployCodeCost,deployDependencyCost,schedulingCost,podID\n\
         0,100.000,1,1,9,a,0.300000,0,0,0,0,pool22-300-128-1\n\
         0,100.100,1,2,9,b,0.200000,0,0,0,0,pool22-300-128-2\n\
         0,250.000,1,1,9,c,0.300000,0,0,0,0,pool22-300-128-1\n\
         0,400.000,1,1,9,d,0.300000,0,0,0,0,pool22-300-128-1\n",
    );
    let check = check_json(dir.path(), &requests, &cold);
    assert_eq!(check["recorded"], 3);
    assert_eq!(check["simulated"], 3);
    assert_eq!(check["outside"], 1);
    assert_eq!(check["functions_equal"], 2);
    assert_eq!(check["minutes"], 3);
    assert_eq!(check["minute_correlation"], 1.0);
}
