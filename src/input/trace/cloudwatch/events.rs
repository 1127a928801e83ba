//! The log events of one file, in the three layouts users export them in: the JSON of `aws logs filter-log-events`, a CloudWatch Logs Insights CSV export, and the text lines `aws logs tail` prints; read one event at a time.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::super::error::TraceError;
use super::super::files::{Files, MAX_RECORD_BYTES};
use super::super::number::parse_rfc3339;
use super::super::table::Table;

/// One log event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LogEvent {
    /// Where it starts in its file [1-based line].
    pub(super) line: u64,
    /// When it was logged [µs since the Unix epoch].
    pub(super) timestamp_us: i64,
    /// Its log stream (one execution environment), when the layout gives it.
    pub(super) stream: Option<String>,
    /// Its log group, when the layout gives it.
    pub(super) group: Option<String>,
    /// The message.
    pub(super) message: String,
}

/// The events of one file.
pub(super) enum Events {
    /// `aws logs filter-log-events`: `{"events": [{"timestamp", "message", "logStreamName"}, …]}`
    /// (pages one after another, or the bare array of events, are read too).
    Json(JsonEvents),
    /// A Logs Insights export: `@timestamp,@message[,@logStream][,@log]`.
    Insights {
        table: Box<Table>,
        columns: [Option<usize>; 4],
    },
    /// `aws logs tail`: `<timestamp> [<log stream>] <message>` per line.
    Text {
        path: PathBuf,
        reader: BufReader<Box<dyn Read>>,
        line: u64,
        /// The line being read, reused.
        bytes: Vec<u8>,
    },
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Events::Json(_) => "Events::Json",
            Events::Insights { .. } => "Events::Insights",
            Events::Text { .. } => "Events::Text",
        })
    }
}

impl Events {
    /// Opens `path`, telling its layout from its first bytes: `{` or `[` is JSON, a first line
    /// naming `@message` is an Insights export, anything else is text.
    pub(super) fn open(files: Files<'_>, path: &Path) -> Result<Events, TraceError> {
        let read_error = |source| TraceError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut reader = BufReader::with_capacity(1 << 16, files.open_raw(path)?);
        let head = reader.fill_buf().map_err(read_error)?;
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or(b"");
        if matches!(first, Some(b'{' | b'[')) {
            return Ok(Events::Json(JsonEvents::new(path, reader)));
        }
        if first_line.windows(8).any(|w| w == b"@message") {
            let table = Box::new(Table::open(files, path)?);
            let columns = [
                Some(table.require("@timestamp", "the event's time")?),
                Some(table.require("@message", "the event's message")?),
                table.column("@logStream")?,
                table.column("@log")?,
            ];
            return Ok(Events::Insights { table, columns });
        }
        Ok(Events::Text {
            path: path.to_path_buf(),
            reader,
            line: 0,
            bytes: Vec::new(),
        })
    }

    /// The next event, or `None` at the end of the file. A text line that does not start
    /// with a timestamp (a message's continuation) is `Some(None)`.
    pub(super) fn next(&mut self) -> Result<Option<Option<LogEvent>>, TraceError> {
        match self {
            Events::Json(json) => json.next().map(|e| e.map(Some)),
            Events::Insights { table, columns } => {
                if !table.next()? {
                    return Ok(None);
                }
                let line = table.line();
                let field = |i: Option<usize>| {
                    i.and_then(|i| table.record.get(i))
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                        .filter(|s| !s.is_empty())
                };
                let time = field(columns[0]).unwrap_or_default();
                let timestamp_us = parse_rfc3339(time.as_bytes()).ok_or_else(|| {
                    table.error(
                        columns[0].unwrap_or(0),
                        format!(
                            "{time:?} is not a time; expected like \"2024-01-15 10:23:45.123\""
                        ),
                    )
                })?;
                Ok(Some(Some(LogEvent {
                    line,
                    timestamp_us,
                    message: field(columns[1]).unwrap_or_default(),
                    stream: field(columns[2]),
                    group: field(columns[3]),
                })))
            }
            Events::Text {
                path,
                reader,
                line,
                bytes,
            } => {
                bytes.clear();
                let n = reader
                    .by_ref()
                    .take(MAX_RECORD_BYTES as u64 + 1)
                    .read_until(b'\n', bytes)
                    .map_err(|source| TraceError::Read {
                        path: path.clone(),
                        source,
                    })?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                if n > MAX_RECORD_BYTES {
                    return Err(TraceError::Line {
                        path: path.clone(),
                        line: *line,
                        message: format!("a line longer than {MAX_RECORD_BYTES} bytes"),
                    });
                }
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(bytes),
                };
                Ok(Some(text_event(&text, *line)))
            }
        }
    }
}

/// A line as `aws logs tail` prints it: an RFC 3339 time, the log stream (`--format
/// detailed`, the default; Lambda's streams start with a date, `2024/01/15/[$LATEST]…`), the
/// message. `None` when it does not start with a time.
fn text_event(text: &str, line: u64) -> Option<LogEvent> {
    let text = text.trim_end_matches(['\n', '\r']);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (time, rest) = text.split_once(' ')?;
    let timestamp_us = parse_rfc3339(time.as_bytes())?;
    let looks_like_stream = |s: &str| {
        let b = s.as_bytes();
        b.len() > 11
            && b[4] == b'/'
            && b[7] == b'/'
            && b[10] == b'/'
            && b[..4].iter().all(u8::is_ascii_digit)
    };
    let (stream, message) = match rest.split_once(' ') {
        Some((first, message)) if looks_like_stream(first) => (Some(first.to_string()), message),
        _ => (None, rest),
    };
    Some(LogEvent {
        line,
        timestamp_us,
        stream,
        group: None,
        message: message.to_string(),
    })
}

/// One event of `filter-log-events`, as the API names its fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    timestamp: Option<i64>,
    message: Option<String>,
    log_stream_name: Option<String>,
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
}

/// A streaming reader of the `events` arrays of JSON documents: only one event is held at a
/// time, so a file of any size takes the memory of its longest event.
pub(super) struct JsonEvents {
    path: PathBuf,
    reader: BufReader<Box<dyn Read>>,
    line: u64,
    /// Depth of nesting at the reader's position, outside the events array.
    depth: u32,
    /// At depth 1 of an object, the next string is a key.
    expect_key: bool,
    /// Inside an events array.
    in_events: bool,
    buffer: Vec<u8>,
}

impl JsonEvents {
    fn new(path: &Path, reader: BufReader<Box<dyn Read>>) -> JsonEvents {
        JsonEvents {
            path: path.to_path_buf(),
            reader,
            line: 1,
            depth: 0,
            expect_key: false,
            in_events: false,
            buffer: Vec::new(),
        }
    }

    fn error(&self, message: impl Into<String>) -> TraceError {
        TraceError::Line {
            path: self.path.clone(),
            line: self.line,
            message: message.into(),
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, TraceError> {
        let path = &self.path;
        let buf = self.reader.fill_buf().map_err(|source| TraceError::Read {
            path: path.clone(),
            source,
        })?;
        Ok(buf.first().copied())
    }

    fn bump(&mut self) -> Result<Option<u8>, TraceError> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.reader.consume(1);
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    fn skip_space(&mut self) -> Result<Option<u8>, TraceError> {
        while let Some(b) = self.peek()? {
            if !b.is_ascii_whitespace() {
                return Ok(Some(b));
            }
            self.bump()?;
        }
        Ok(None)
    }

    /// Reads the rest of a string whose opening quote was read, into `out` when given (up to
    /// 64 bytes: enough for a key).
    fn string(&mut self, mut out: Option<&mut Vec<u8>>) -> Result<(), TraceError> {
        let mut escaped = false;
        loop {
            let Some(b) = self.bump()? else {
                return Err(self.error("the file ends inside a string"));
            };
            if let Some(o) = out.as_deref_mut() {
                if o.len() < 64 {
                    o.push(b);
                }
            }
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => return Ok(()),
                _ => {}
            }
        }
    }

    /// Moves to the start of the next events array: `Ok(false)` at the end of the file.
    fn find_events(&mut self) -> Result<bool, TraceError> {
        loop {
            let Some(b) = self.skip_space()? else {
                if self.depth > 0 {
                    return Err(self.error("the file ends inside a JSON value"));
                }
                return Ok(false);
            };
            self.bump()?;
            match b {
                b'[' if self.depth == 0 => {
                    // A bare array of events (`--query events`).
                    self.in_events = true;
                    return Ok(true);
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.expect_key = b == b'{' && self.depth == 1;
                }
                b'}' | b']' => {
                    self.depth = self
                        .depth
                        .checked_sub(1)
                        .ok_or_else(|| self.error(format!("a stray {:?}", char::from(b))))?;
                    self.expect_key = false;
                }
                b',' => self.expect_key = self.depth == 1,
                b'"' => {
                    let key = self.expect_key;
                    let mut name = Vec::new();
                    self.string(key.then_some(&mut name))?;
                    self.expect_key = false;
                    if key && self.skip_space()? == Some(b':') {
                        self.bump()?;
                        if name == b"events\"" && self.skip_space()? == Some(b'[') {
                            self.bump()?;
                            self.in_events = true;
                            return Ok(true);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Copies one object, from its `{` (not yet read) to its `}`, into the buffer.
    fn object(&mut self) -> Result<(), TraceError> {
        self.buffer.clear();
        let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
        loop {
            let Some(b) = self.bump()? else {
                return Err(self.error("the file ends inside an event"));
            };
            self.buffer.push(b);
            if self.buffer.len() > MAX_RECORD_BYTES {
                return Err(self.error(format!("an event longer than {MAX_RECORD_BYTES} bytes")));
            }
            if quoted {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => quoted = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => quoted = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }

    fn next(&mut self) -> Result<Option<LogEvent>, TraceError> {
        loop {
            if !self.in_events && !self.find_events()? {
                return Ok(None);
            }
            match self.skip_space()? {
                Some(b']') => {
                    self.bump()?;
                    self.in_events = false;
                }
                Some(b',') => {
                    self.bump()?;
                }
                Some(b'{') => {
                    let line = self.line;
                    self.object()?;
                    let raw: RawEvent =
                        serde_json::from_slice(&self.buffer).map_err(|e| TraceError::Line {
                            path: self.path.clone(),
                            line,
                            message: format!("an event that is not valid JSON: {e}"),
                        })?;
                    let missing = |field: &str| TraceError::Field {
                        path: self.path.clone(),
                        line,
                        field: field.to_string(),
                        message: "is missing from the event".into(),
                    };
                    let timestamp = raw.timestamp.ok_or_else(|| missing("timestamp"))?;
                    let message = raw.message.ok_or_else(|| missing("message"))?;
                    return Ok(Some(LogEvent {
                        line,
                        timestamp_us: timestamp.saturating_mul(1000),
                        stream: raw.log_stream_name,
                        group: raw.log_group_name.or(raw.log_group_identifier),
                        message,
                    }));
                }
                Some(other) => {
                    return Err(self.error(format!(
                        "{:?} where an event was expected; expected {{\"timestamp\": …, \"message\": …}}",
                        char::from(other)
                    )));
                }
                None => return Err(self.error("the file ends inside the events array")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(bytes: &[u8]) -> Result<Vec<LogEvent>, TraceError> {
        let path = Path::new("logs");
        let files = [(path, bytes)];
        let mut e = Events::open(Files::Memory(&files), path)?;
        let mut out = Vec::new();
        while let Some(event) = e.next()? {
            out.extend(event);
        }
        Ok(out)
    }

    #[test]
    fn filter_log_events_json_is_read_event_by_event() {
        let json = br#"{
    "events": [
        {
            "logStreamName": "2024/01/15/[$LATEST]abc",
            "timestamp": 1705314225123,
            "message": "START RequestId: r1 Version: $LATEST\n",
            "ingestionTime": 1705314226000,
            "eventId": "1"
        },
        {"logStreamName": "2024/01/15/[$LATEST]abc", "timestamp": 1705314225200, "message": "a \"quoted\" } ] brace"}
    ],
    "searchedLogStreams": [{"logStreamName": "x", "searchedCompletely": true}],
    "nextToken": "t"
}
{"events": [{"timestamp": 1705314225300, "message": "page two"}]}"#;
        let e = events(json).expect("valid");
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].line, 3);
        assert_eq!(e[0].timestamp_us, 1_705_314_225_123_000);
        assert_eq!(e[0].stream.as_deref(), Some("2024/01/15/[$LATEST]abc"));
        assert_eq!(e[1].message, "a \"quoted\" } ] brace");
        assert_eq!((e[2].line, e[2].stream.as_deref()), (15, None));
        // The bare array.
        let bare = events(br#"[{"timestamp": 5, "message": "m"}]"#).expect("valid");
        assert_eq!(bare[0].timestamp_us, 5_000);
    }

    #[test]
    fn broken_json_names_the_line() {
        for (bytes, line) in [
            (&br#"{"events": [{"timestamp": 1}]}"#[..], 1),
            (
                b"{\"events\": [\n{\"timestamp\": 1, \"message\": \"m\"},\n  7]}",
                3,
            ),
            (b"{\"events\": [\n{\"timestamp\": 1, \"mess", 2),
            (
                b"{\"events\": [{\"timestamp\": \"x\", \"message\": \"m\"}]}",
                1,
            ),
            (b"{\"events\": {", 1),
            (b"{}\n}", 2),
        ] {
            let e = events(bytes).expect_err("broken");
            let text = e.to_string();
            assert!(text.starts_with(&format!("logs:{line}:")), "{text}");
        }
    }

    #[test]
    fn insights_exports_and_tail_lines_are_read() {
        let csv = b"@timestamp,@message,@logStream,@log\n2024-01-15 10:23:45.123,\"REPORT RequestId: r1\tDuration: 1.00 ms\",2024/01/15/[$LATEST]abc,123456789012:/aws/lambda/api\n";
        let e = events(csv).expect("valid");
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].timestamp_us, 1_705_314_225_123_000);
        assert_eq!(e[0].group.as_deref(), Some("123456789012:/aws/lambda/api"));
        let bad = b"@timestamp,@message\nyesterday,m\n";
        let text = events(bad).expect_err("bad time").to_string();
        assert!(text.starts_with("logs:2: column @timestamp:"), "{text}");
        let tail = b"2024-01-15T10:23:45.123000+00:00 2024/01/15/[$LATEST]abc START RequestId: r1 Version: $LATEST\n  a continuation\n2024-01-15T10:23:45.200000+00:00 REPORT RequestId: r1\n";
        let e = events(tail).expect("valid");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].stream.as_deref(), Some("2024/01/15/[$LATEST]abc"));
        assert_eq!(e[0].message, "START RequestId: r1 Version: $LATEST");
        assert_eq!((e[1].line, e[1].stream.as_deref()), (3, None));
    }
}
