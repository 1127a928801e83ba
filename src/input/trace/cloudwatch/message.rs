//! One message of a Lambda function's CloudWatch log, in the text or the JSON log format: the platform's `START` and `REPORT` records, read field by field; anything else is not a platform record.

use serde::Deserialize;

use super::super::number::{NumError, number_message, parse_scaled};

/// What a message is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Message {
    /// `START RequestId: …` (`platform.start`): an invocation began.
    Start {
        /// Its request id.
        request_id: String,
    },
    /// `REPORT RequestId: …` (`platform.report`): an invocation ended, with its figures.
    Report(Report),
    /// `INIT_START` or `RESTORE_START` (`platform.initStart`, `platform.restoreStart`) with
    /// its runtime version, as AWS names the runtime: `python3.12`, `java21`, `nodejs22`
    /// (from `python:3.12.v20`, `java:21.v30`, `nodejs:22.v41`).
    Runtime(String),
    /// Anything else: the function's own output, `END`, an extension's line.
    Other,
}

/// The runtime of a version string such as `python:3.12.v20`: the language and its version
/// before the build (`python3.12`); `None` when it is not of that shape.
fn runtime_of_version(version: &str) -> Option<String> {
    let (language, rest) = version.split_once(':')?;
    let release = match rest.rsplit_once(".v") {
        Some((release, build)) if build.bytes().all(|b| b.is_ascii_digit()) => release,
        _ => rest,
    };
    let plain =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
    (plain(language) && plain(release)).then(|| format!("{language}{release}"))
}

/// The figures of one `REPORT` record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Its request id.
    pub request_id: String,
    /// `Duration` [µs]: the handler's time.
    pub duration_us: u64,
    /// `Billed Duration` [ms].
    pub billed_ms: u64,
    /// `Memory Size` [MB].
    pub memory_mb: u32,
    /// `Max Memory Used` [MB], when given.
    pub max_memory_mb: Option<u32>,
    /// `Init Duration` [µs]: present on a cold start only.
    pub init_us: Option<u64>,
    /// `Restore Duration` [µs]: a SnapStart restore instead of an init.
    pub restore_us: Option<u64>,
}

/// A platform record with a field missing or malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FieldError {
    /// The field, as the record names it (`Duration`, `record.metrics.durationMs`).
    pub(super) field: String,
    /// What is wrong and what was expected.
    pub(super) message: String,
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
    }
}

/// Reads one message.
pub(super) fn parse_message(message: &str) -> Result<Message, FieldError> {
    let text = message.trim_start();
    if text.starts_with('{') {
        return parse_json(text);
    }
    if let Some(rest) = text.strip_prefix("START RequestId:") {
        let id = rest.split_whitespace().next().unwrap_or("");
        if id.is_empty() {
            return Err(field_error(
                "RequestId",
                "is empty; expected the request's id".into(),
            ));
        }
        return Ok(Message::Start {
            request_id: id.to_string(),
        });
    }
    if text.starts_with("REPORT RequestId:") {
        return parse_report_text(text).map(Message::Report);
    }
    for start in [
        "INIT_START Runtime Version:",
        "RESTORE_START Runtime Version:",
    ] {
        if let Some(rest) = text.strip_prefix(start) {
            let version = rest.split_whitespace().next().unwrap_or("");
            return Ok(runtime_of_version(version).map_or(Message::Other, Message::Runtime));
        }
    }
    Ok(Message::Other)
}

/// The labels a text `REPORT` line holds, longest first where one ends another.
const LABELS: [&str; 12] = [
    "Billed Restore Duration:",
    "Restore Duration:",
    "Billed Duration:",
    "Init Duration:",
    "Duration:",
    "Max Memory Used:",
    "Memory Size:",
    "RequestId:",
    "XRAY TraceId:",
    "SegmentId:",
    "Sampled:",
    "Status:",
];

/// The value after each label of a text `REPORT` line: fields are separated by tabs (or, once
/// copied, spaces), each `Label: value unit`.
fn labelled(text: &str) -> Vec<(&'static str, &str)> {
    if text.contains('\t') {
        // As Lambda writes it: one field a tab.
        return text
            .trim_start_matches("REPORT ")
            .split('\t')
            .filter_map(|field| {
                let field = field.trim();
                LABELS
                    .iter()
                    .find(|l| field.starts_with(**l))
                    .map(|l| (*l, field[l.len()..].trim()))
            })
            .collect();
    }
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || bytes[i - 1].is_ascii_whitespace();
        let label = at_word
            .then(|| LABELS.iter().find(|l| text[i..].starts_with(**l)))
            .flatten();
        match label {
            Some(l) => {
                found.push((i, l));
                i += l.len();
            }
            // A byte inside a character is never at a word's start: slicing happens only at
            // the start or after ASCII whitespace, always at a character's boundary.
            None => i += 1,
        }
    }
    (0..found.len())
        .map(|k| {
            let (start, label) = found[k];
            let end = found.get(k + 1).map_or(text.len(), |(s, _)| *s);
            (label, text[start + label.len()..end].trim())
        })
        .collect()
}

/// A `value unit` field as an integer scaled by `10^digits`: `15.74 ms` with 3 digits is
/// 15 740 [µs].
fn quantity(label: &str, value: &str, unit: &str, digits: u32) -> Result<u64, FieldError> {
    let name = label.trim_end_matches(':');
    let mut words = value.split_whitespace();
    let (number, given) = (words.next().unwrap_or(""), words.next());
    if given != Some(unit) {
        return Err(field_error(
            name,
            format!("{value:?} is not a number of {unit}; expected like \"12.5 {unit}\""),
        ));
    }
    parse_scaled(number.as_bytes(), digits).map_err(|e| {
        field_error(
            name,
            number_message(&format!("{number:?}"), e, &format!("a number of {unit}")),
        )
    })
}

fn megabytes(label: &str, value: &str) -> Result<u32, FieldError> {
    let mb = quantity(label, value, "MB", 0)?;
    u32::try_from(mb).map_err(|_| {
        field_error(
            label.trim_end_matches(':'),
            number_message(
                &format!("{value:?}"),
                NumError::TooLarge,
                "a memory size in MB",
            ),
        )
    })
}

fn parse_report_text(text: &str) -> Result<Report, FieldError> {
    let mut report = Report::default();
    let (mut duration, mut billed, mut memory) = (false, false, false);
    for (label, value) in labelled(text) {
        match label {
            "RequestId:" => report.request_id = value.to_string(),
            "Duration:" => {
                report.duration_us = quantity(label, value, "ms", 3)?;
                duration = true;
            }
            "Billed Duration:" => {
                report.billed_ms = quantity(label, value, "ms", 0)?;
                billed = true;
            }
            "Memory Size:" => {
                report.memory_mb = megabytes(label, value)?;
                memory = true;
            }
            "Max Memory Used:" => report.max_memory_mb = Some(megabytes(label, value)?),
            "Init Duration:" => report.init_us = Some(quantity(label, value, "ms", 3)?),
            "Restore Duration:" => report.restore_us = Some(quantity(label, value, "ms", 3)?),
            _ => {}
        }
    }
    if report.request_id.is_empty() {
        return Err(field_error(
            "RequestId",
            "is empty; expected the request's id".into(),
        ));
    }
    for (present, name) in [
        (duration, "Duration"),
        (billed, "Billed Duration"),
        (memory, "Memory Size"),
    ] {
        if !present {
            return Err(field_error(
                name,
                "is missing from the REPORT record".into(),
            ));
        }
    }
    check_memory(&report, "Memory Size")?;
    Ok(report)
}

fn check_memory(report: &Report, field: &str) -> Result<(), FieldError> {
    if report.memory_mb == 0 {
        return Err(field_error(
            field,
            "is 0; expected the function's memory in MB".into(),
        ));
    }
    Ok(())
}

/// A message in the JSON log format.
#[derive(Deserialize)]
struct JsonMessage {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    record: Option<serde_json::Value>,
}

fn parse_json(text: &str) -> Result<Message, FieldError> {
    // The function's own JSON output, or text that only starts like JSON, is not a record.
    let Ok(message) = serde_json::from_str::<JsonMessage>(text) else {
        return Ok(Message::Other);
    };
    let kind = message.kind.unwrap_or_default();
    if kind == "platform.initStart" || kind == "platform.restoreStart" {
        let version = message
            .record
            .as_ref()
            .and_then(|r| r.get("runtimeVersion"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        return Ok(runtime_of_version(version).map_or(Message::Other, Message::Runtime));
    }
    if kind != "platform.start" && kind != "platform.report" {
        return Ok(Message::Other);
    }
    let record = message
        .record
        .ok_or_else(|| field_error("record", format!("is missing from the {kind} record")))?;
    let request_id = match record.get("requestId") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            return Err(field_error(
                "record.requestId",
                "is missing or not a string; expected the request's id".into(),
            ));
        }
    };
    if kind == "platform.start" {
        return Ok(Message::Start { request_id });
    }
    let metrics = record.get("metrics");
    let metric = |name: &str, required: bool| -> Result<Option<f64>, FieldError> {
        let field = format!("record.metrics.{name}");
        match metrics.and_then(|m| m.get(name)) {
            None | Some(serde_json::Value::Null) if !required => Ok(None),
            None | Some(serde_json::Value::Null) => Err(field_error(
                &field,
                "is missing from the platform.report record".into(),
            )),
            Some(serde_json::Value::Number(n)) => match n.as_f64() {
                Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
                _ => Err(field_error(
                    &field,
                    format!("{n} is not a non-negative number"),
                )),
            },
            Some(other) => Err(field_error(
                &field,
                format!("{other} is not a number; expected a non-negative number"),
            )),
        }
    };
    let micros = |ms: f64| (ms * 1000.0).round() as u64;
    let whole = |name: &str, v: f64, limit: f64| -> Result<u64, FieldError> {
        if v.fract() != 0.0 || v > limit {
            return Err(field_error(
                &format!("record.metrics.{name}"),
                format!("{v} is not a whole number up to {limit}"),
            ));
        }
        Ok(v as u64)
    };
    let duration = metric("durationMs", true)?.unwrap_or(0.0);
    let billed = metric("billedDurationMs", true)?.unwrap_or(0.0);
    let memory = metric("memorySizeMB", true)?.unwrap_or(0.0);
    let report = Report {
        request_id,
        duration_us: micros(duration),
        billed_ms: whole("billedDurationMs", billed, 1e12)?,
        memory_mb: whole("memorySizeMB", memory, f64::from(u32::MAX))? as u32,
        max_memory_mb: match metric("maxMemoryUsedMB", false)? {
            Some(v) => Some(whole("maxMemoryUsedMB", v, f64::from(u32::MAX))? as u32),
            None => None,
        },
        init_us: metric("initDurationMs", false)?.map(micros),
        restore_us: metric("restoreDurationMs", false)?.map(micros),
    };
    check_memory(&report, "record.metrics.memorySizeMB")?;
    Ok(Message::Report(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "REPORT RequestId: 8f5a3c1e-1\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\tMax Memory Used: 57 MB\tInit Duration: 130.63 ms\t\n";

    #[test]
    fn a_text_report_gives_every_figure_exactly() {
        let Message::Report(r) = parse_message(TEXT).expect("valid") else {
            panic!("a report")
        };
        assert_eq!(
            r,
            Report {
                request_id: "8f5a3c1e-1".into(),
                duration_us: 15_740,
                billed_ms: 16,
                memory_mb: 128,
                max_memory_mb: Some(57),
                init_us: Some(130_630),
                restore_us: None,
            }
        );
        // Copied with spaces instead of tabs, and with SnapStart's restore.
        let spaced = "REPORT RequestId: a Duration: 2.00 ms Billed Duration: 474 ms Memory Size: 512 MB Max Memory Used: 90 MB Restore Duration: 471.97 ms Billed Restore Duration: 471 ms";
        let Message::Report(r) = parse_message(spaced).expect("valid") else {
            panic!("a report")
        };
        assert_eq!(
            (r.duration_us, r.billed_ms, r.restore_us),
            (2_000, 474, Some(471_970))
        );
        assert_eq!(r.init_us, None);
        // Text beyond ASCII (a copy's status, say) between the fields is stepped over whole.
        let accented = "REPORT RequestId: b Duration: 3.00 ms Status: réussi Billed Duration: 4 ms Memory Size: 128 MB";
        let Message::Report(r) = parse_message(accented).expect("valid") else {
            panic!("a report")
        };
        assert_eq!((r.duration_us, r.billed_ms, r.memory_mb), (3_000, 4, 128));
    }

    #[test]
    fn a_json_report_gives_the_same_figures() {
        let json = r#"{"time":"2024-01-15T10:23:45.123Z","type":"platform.report","record":{"requestId":"8f5a3c1e-1","metrics":{"durationMs":15.74,"billedDurationMs":16,"memorySizeMB":128,"maxMemoryUsedMB":57,"initDurationMs":130.63},"status":"success"}}"#;
        assert_eq!(parse_message(json), parse_message(TEXT));
        let start = r#"{"time":"2024-01-15T10:23:45.100Z","type":"platform.start","record":{"requestId":"8f5a3c1e-1","version":"$LATEST"}}"#;
        assert_eq!(
            parse_message(start),
            Ok(Message::Start {
                request_id: "8f5a3c1e-1".into()
            })
        );
    }

    #[test]
    fn init_and_restore_starts_name_the_runtime() {
        for (line, runtime) in [
            (
                "INIT_START Runtime Version: python:3.12.v20\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc",
                "python3.12",
            ),
            (
                "RESTORE_START Runtime Version: java:21.v30 Runtime Version ARN: x",
                "java21",
            ),
            ("INIT_START Runtime Version: dotnet:8", "dotnet8"),
            // A build that is not a number stays part of the version.
            (
                "INIT_START Runtime Version: python:3.12.vx1",
                "python3.12.vx1",
            ),
            (
                r#"{"time":"2024-01-15T10:23:45.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.v41"}}"#,
                "nodejs22",
            ),
            (
                r#"{"type":"platform.restoreStart","record":{"runtimeVersion":"java:17.v44","runtimeVersionArn":"x"}}"#,
                "java17",
            ),
        ] {
            assert_eq!(
                parse_message(line),
                Ok(Message::Runtime(runtime.into())),
                "{line}"
            );
        }
    }

    #[test]
    fn other_lines_are_not_records() {
        for other in [
            "END RequestId: 8f5a3c1e-1",
            "INIT_START Runtime Version:",
            "INIT_START Runtime Version: python",
            "INIT_START Runtime Version: python:",
            "INIT_START Runtime Version: :3.12",
            "INIT_START Runtime Version: py-thon:3.12.v20",
            "INIT_START Runtime Version: python:3/12",
            r#"{"type":"platform.initStart","record":{"runtimeVersion":7}}"#,
            "2024-01-15T10:23:45.123Z\t8f5a\tINFO\thello",
            r#"{"level":"INFO","message":"hello"}"#,
            "{not json at all",
            "",
        ] {
            assert_eq!(parse_message(other), Ok(Message::Other), "{other}");
        }
    }

    #[test]
    fn a_malformed_record_names_its_field() {
        let field = |m: &str| parse_message(m).expect_err(m).field;
        assert_eq!(
            field("REPORT RequestId: a Duration: x ms Billed Duration: 1 ms Memory Size: 128 MB"),
            "Duration"
        );
        assert_eq!(
            field("REPORT RequestId: a Duration: 1.5 s Billed Duration: 2 ms Memory Size: 128 MB"),
            "Duration"
        );
        assert_eq!(
            field("REPORT RequestId: a Duration: 1 ms Memory Size: 128 MB"),
            "Billed Duration"
        );
        assert_eq!(
            field("REPORT RequestId: a Duration: 1 ms Billed Duration: 1 ms"),
            "Memory Size"
        );
        assert_eq!(
            field("REPORT RequestId: a Duration: 1 ms Billed Duration: 1 ms Memory Size: 0 MB"),
            "Memory Size"
        );
        assert_eq!(
            field(
                "REPORT RequestId: a Duration: 1 ms Billed Duration: 1 ms Memory Size: 99999999999 MB"
            ),
            "Memory Size"
        );
        assert_eq!(
            field("REPORT RequestId: Duration: 1 ms Billed Duration: 1 ms Memory Size: 1 MB"),
            "RequestId"
        );
        assert_eq!(field("START RequestId: "), "RequestId");
        assert_eq!(
            field(
                r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":1,"memorySizeMB":128}}}"#
            ),
            "record.metrics.billedDurationMs"
        );
        assert_eq!(
            field(
                r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":"1","billedDurationMs":1,"memorySizeMB":128}}}"#
            ),
            "record.metrics.durationMs"
        );
        assert_eq!(
            field(
                r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":1,"billedDurationMs":1.5,"memorySizeMB":128}}}"#
            ),
            "record.metrics.billedDurationMs"
        );
        assert_eq!(
            field(r#"{"type":"platform.start","record":{}}"#),
            "record.requestId"
        );
        assert_eq!(
            field(r#"{"type":"platform.start","record":{"requestId":""}}"#),
            "record.requestId"
        );
        assert_eq!(
            field(
                r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":-1,"billedDurationMs":1,"memorySizeMB":128}}}"#
            ),
            "record.metrics.durationMs"
        );
        // Memory up to the largest whole number a u32 holds, not beyond.
        assert_eq!(
            field(
                r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":1,"billedDurationMs":1,"memorySizeMB":4294967296}}}"#
            ),
            "record.metrics.memorySizeMB"
        );
        let most = r#"{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":1,"billedDurationMs":1,"memorySizeMB":4294967295}}}"#;
        assert!(matches!(parse_message(most), Ok(Message::Report(r)) if r.memory_mb == u32::MAX));
        assert_eq!(field(r#"{"type":"platform.report"}"#), "record");
    }
}
