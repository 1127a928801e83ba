//! `--output-format parquet`: each command's tables as Parquet files holding the very values of its CSV files, typed, with units in the metadata.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

/// Runs `coldsim ARGS --out OUT --quiet` in the repository's root.
fn coldsim(args: &[&str], out: &Path) {
    let output = Command::cargo_bin("coldsim")
        .expect("the coldsim binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A Parquet file's rows, each cell as the text the CSV holds (nulls empty).
fn rows_as_text(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).expect("parquet file");
    let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).expect("a Parquet file");
    let header = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|r| {
            r.expect("row")
                .get_column_iter()
                .map(|(_, f)| match f {
                    Field::Null => String::new(),
                    Field::Str(s) => s.clone(),
                    Field::Long(v) => v.to_string(),
                    Field::Double(v) => v.to_string(),
                    other => panic!("unexpected {other:?}"),
                })
                .collect()
        })
        .collect();
    (header, rows)
}

/// A CSV file's header and rows, numbers normalized as Rust prints them.
fn csv_as_text(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("csv file");
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("row")
                .iter()
                .map(|c| match (c.parse::<i64>(), c.parse::<f64>()) {
                    (Ok(v), _) => v.to_string(),
                    (_, Ok(v)) => v.to_string(),
                    _ => c.to_string(),
                })
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn run_compare_sweep_plan_and_cost_write_parquet_tables_of_their_csv_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let quick = "scenarios/quickstart.toml";
    let my = "scenarios/my-function.toml";
    let cases: [(&str, Vec<&str>, &[&str]); 5] = [
        (
            "run",
            vec!["run", quick, "--bucket", "30m"],
            &["functions", "timeseries"],
        ),
        (
            "compare",
            vec![
                "compare",
                my,
                "--policy",
                "fixed:5m",
                "--policy",
                "provisioned:2",
            ],
            &["compare"],
        ),
        (
            "sweep",
            vec![
                "sweep",
                quick,
                "--set",
                "function.checkout-api.keep_alive.idle=1m,10m",
            ],
            &["sweep"],
        ),
        (
            "plan",
            vec!["plan", my, "--slo", "p99<500ms", "--vary", "provisioned"],
            &["plan"],
        ),
        (
            "cost",
            vec![
                "cost",
                "tests/fixtures/azure-functions-2021-sample.csv",
                "--format",
                "azure2021",
            ],
            &["cost"],
        ),
    ];
    for (name, args, tables) in cases {
        let csv = dir.path().join(format!("{name}-csv"));
        let pq = dir.path().join(format!("{name}-parquet"));
        coldsim(&args, &csv);
        let mut with = args.clone();
        with.extend(["--output-format", "parquet"]);
        coldsim(&with, &pq);
        for t in tables {
            let (ph, prows) = rows_as_text(&pq.join(format!("{t}.parquet")));
            let (ch, crows) = csv_as_text(&csv.join(format!("{t}.csv")));
            assert_eq!(ph, ch, "{name}: {t} columns");
            assert_eq!(prows, crows, "{name}: {t} rows");
            assert!(
                !pq.join(format!("{t}.csv")).exists(),
                "{name}: {t}.csv written too"
            );
        }
        // The JSON files and the report are the same either way.
        for f in std::fs::read_dir(&csv).expect("dir") {
            let f = f.expect("entry").file_name();
            let f = f.to_string_lossy();
            if f.ends_with(".json") || f.ends_with(".md") {
                assert_eq!(
                    std::fs::read(csv.join(&*f)).expect("csv run"),
                    std::fs::read(pq.join(&*f)).expect("parquet run"),
                    "{name}: {f}"
                );
            }
        }
    }
}
