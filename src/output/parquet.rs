//! Tables as Parquet: the very rows a command writes as CSV, each column typed (whole numbers as INT64, other numbers as DOUBLE, text as UTF-8, empty cells as nulls), with each column's type and unit in the file's metadata.

use std::sync::Arc;

use parquet::basic::{Compression, ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

/// A column's type, as every one of its cells allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Every cell a whole number (or empty).
    Int64,
    /// Every cell a number (or empty).
    Double,
    /// Anything else.
    Text,
}

impl ColumnType {
    /// Its name in the file's metadata.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Int64 => "int64",
            ColumnType::Double => "double",
            ColumnType::Text => "string",
        }
    }
}

/// The unit a column's name gives (`latency_p99_ms` in ms, `cost_usd` in USD); `None` for
/// counts, names and ratios without one.
pub fn unit_of(column: &str) -> Option<&'static str> {
    // Longer suffixes first where one ends another.
    const SUFFIXES: [(&str, &str); 7] = [
        ("_gb_s", "GB-s"),
        ("_per_s", "1/s"),
        ("_usd", "USD"),
        ("_ms", "ms"),
        ("_s", "s"),
        ("_mb", "MB"),
        ("_ratio", "fraction"),
    ];
    SUFFIXES
        .iter()
        .find(|(suffix, _)| column.ends_with(suffix))
        .map(|(_, unit)| *unit)
}

/// The type every non-empty cell of a column allows.
fn infer(cells: &[&str]) -> ColumnType {
    let present = || cells.iter().filter(|c| !c.is_empty());
    if present().all(|c| c.parse::<i64>().is_ok()) {
        ColumnType::Int64
    } else if present().all(|c| c.parse::<f64>().is_ok()) {
        ColumnType::Double
    } else {
        ColumnType::Text
    }
}

/// Why a table could not be written as Parquet.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    /// The CSV the command wrote could not be read back (not expected: it wrote it).
    #[error("reading the table: {0}")]
    Csv(#[from] csv::Error),
    /// The Parquet writer refused.
    #[error("writing Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
}

/// The CSV table `csv` (a header and rows, as a command writes it) as a Parquet file: one row
/// group, Snappy-compressed, each column optional and typed by [`infer`]; the metadata holds
/// `coldsim.columns` (JSON: each column's name, type and unit) and `coldsim.source`.
pub fn from_csv(csv: &[u8], source: &str) -> Result<Vec<u8>, ParquetError> {
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    for row in reader.records() {
        rows.push(row?);
    }
    let types: Vec<ColumnType> = (0..header.len())
        .map(|i| {
            infer(
                &rows
                    .iter()
                    .map(|r| r.get(i).unwrap_or(""))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let fields = header
        .iter()
        .zip(&types)
        .map(|(name, t)| {
            let builder = match t {
                ColumnType::Int64 => Type::primitive_type_builder(name, Physical::INT64),
                ColumnType::Double => Type::primitive_type_builder(name, Physical::DOUBLE),
                ColumnType::Text => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                    .with_logical_type(Some(LogicalType::String))
                    .with_converted_type(ConvertedType::UTF8),
            };
            builder
                .with_repetition(Repetition::OPTIONAL)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    );
    let columns: Vec<serde_json::Value> = header
        .iter()
        .zip(&types)
        .map(|(name, t)| {
            serde_json::json!({ "name": name, "type": t.name(), "unit": unit_of(name) })
        })
        .collect();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("coldsim {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                "coldsim.columns".to_string(),
                serde_json::Value::Array(columns).to_string(),
            ),
            KeyValue::new("coldsim.source".to_string(), source.to_string()),
        ]))
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props))?;
    let mut group = writer.next_row_group()?;
    for (i, t) in types.iter().enumerate() {
        let cells: Vec<&str> = rows.iter().map(|r| r.get(i).unwrap_or("")).collect();
        let defs: Vec<i16> = cells.iter().map(|c| i16::from(!c.is_empty())).collect();
        let present = cells.iter().filter(|c| !c.is_empty());
        let Some(mut column) = group.next_column()? else {
            break;
        };
        // Each cell parsed as `infer` found it parses.
        match t {
            ColumnType::Int64 => {
                let values: Vec<i64> = present.map(|c| c.parse().unwrap_or_default()).collect();
                column
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&defs), None)?;
            }
            ColumnType::Double => {
                let values: Vec<f64> = present.map(|c| c.parse().unwrap_or_default()).collect();
                column
                    .typed::<DoubleType>()
                    .write_batch(&values, Some(&defs), None)?;
            }
            ColumnType::Text => {
                let values: Vec<ByteArray> = present.map(|c| ByteArray::from(*c)).collect();
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&defs), None)?;
            }
        }
        column.close()?;
    }
    group.close()?;
    writer.close()?;
    Ok(out)
}

/// Files with every CSV table also as Parquet, or instead of it: `name.csv` becomes
/// `name.parquet` when `parquet` is set.
pub fn tables_as(
    files: Vec<crate::output::files::File>,
    parquet: bool,
) -> Result<Vec<crate::output::files::File>, ParquetError> {
    if !parquet {
        return Ok(files);
    }
    files
        .into_iter()
        .map(|(name, bytes)| match name.strip_suffix(".csv") {
            Some(stem) => Ok((format!("{stem}.parquet"), from_csv(&bytes, &name)?)),
            None => Ok((name, bytes)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    #[test]
    fn columns_are_typed_by_their_cells_and_empty_cells_are_null() {
        let csv = b"function,invocations,cold_start_ratio,latency_p99_ms,note\nf,10,0.5,12,\ng,3,,7.25,x\n";
        let bytes = from_csv(csv, "functions.csv").expect("writes");
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).expect("reads");
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 2);
        let kv = meta.key_value_metadata().expect("metadata");
        let columns = kv
            .iter()
            .find(|k| k.key == "coldsim.columns")
            .and_then(|k| k.value.clone())
            .expect("columns");
        let columns: serde_json::Value = serde_json::from_str(&columns).expect("json");
        assert_eq!(
            columns[2],
            serde_json::json!({ "name": "cold_start_ratio", "type": "double", "unit": "fraction" })
        );
        assert_eq!(columns[1]["type"], "int64");
        assert_eq!(columns[1]["unit"], serde_json::Value::Null);
        assert_eq!(columns[3]["unit"], "ms");
        assert_eq!(columns[4]["type"], "string");
        let rows: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .expect("rows")
            .map(|r| {
                r.expect("row")
                    .get_column_iter()
                    .map(|(_, f)| f.clone())
                    .collect()
            })
            .collect();
        assert_eq!(
            rows[0],
            [
                Field::Str("f".into()),
                Field::Long(10),
                Field::Double(0.5),
                Field::Double(12.0),
                Field::Null
            ]
        );
        assert_eq!(
            rows[1],
            [
                Field::Str("g".into()),
                Field::Long(3),
                Field::Null,
                Field::Double(7.25),
                Field::Str("x".into())
            ]
        );
    }

    #[test]
    fn units_come_from_the_columns_names() {
        for (name, unit) in [
            ("busy_gb_s", Some("GB-s")),
            ("cost_usd", Some("USD")),
            ("t_start_s", Some("s")),
            ("rate_per_s", Some("1/s")),
            ("memory_mb", Some("MB")),
            ("cold_starts", None),
        ] {
            assert_eq!(unit_of(name), unit, "{name}");
        }
    }

    #[test]
    fn only_csv_tables_change_and_only_when_asked() {
        let files = vec![
            ("a.csv".to_string(), b"x\n1\n".to_vec()),
            ("a.json".to_string(), b"{}".to_vec()),
        ];
        assert_eq!(tables_as(files.clone(), false).expect("same"), files);
        let out = tables_as(files, true).expect("converted");
        assert_eq!(out[0].0, "a.parquet");
        assert_eq!(&out[0].1[..4], b"PAR1");
        assert_eq!(out[1], ("a.json".to_string(), b"{}".to_vec()));
    }
}
