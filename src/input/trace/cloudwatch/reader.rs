//! Invocations from Lambda's CloudWatch logs: each `REPORT` paired with its `START` (same log stream, same request id), put back in arrival order, several files merged; memory grows with the environments and the invocations of the last minutes, never with the file.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use super::super::error::TraceError;
use super::super::files::Files;
use super::events::{Events, LogEvent};
use super::message::{Message, Report, parse_message};
use crate::model::scenario::MAX_FUNCTIONS;

/// The longest an invocation can take from its arrival to its `REPORT` [µs]: Lambda's
/// 15-minute timeout, 10 seconds of init and 10 of restore. An arrival is handed out once the
/// file has reached this much past it (or every `START` before it has its `REPORT`).
pub const MAX_SPAN_US: i64 = 920 * 1_000_000;

/// The longest init and restore of one invocation [µs]: Lambda's 10-second INIT limit and
/// as much again for a restore. A `START` is logged when the handler starts, after them.
pub const MAX_INIT_US: i64 = 20 * 1_000_000;

/// One invocation as its log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogInvocation {
    /// Its arrival [µs since the Unix epoch]: its `START` less its init and restore (a cold
    /// start's `START` is logged once its init is over), else its `REPORT` less its init,
    /// restore and handler time.
    pub at_us: i64,
    /// Index into [`LogReader::functions`].
    pub function: u32,
    /// Its execution environment (log stream), an index over all files; `None` when the
    /// layout has no stream names.
    pub environment: Option<u32>,
    /// The handler's time [µs].
    pub exec_us: u64,
    /// The init's time, on a cold start [µs].
    pub init_us: Option<u64>,
    /// A SnapStart restore's time, instead of an init [µs].
    pub restore_us: Option<u64>,
    /// The billed duration [ms].
    pub billed_ms: u64,
    /// The configured memory [MB].
    pub memory_mb: u32,
    /// The most memory used [MB], when recorded.
    pub max_memory_mb: Option<u32>,
}

impl LogInvocation {
    /// When it ended [µs since the Unix epoch].
    pub fn end_us(&self) -> i64 {
        let span = self.init_us.unwrap_or(0) + self.restore_us.unwrap_or(0) + self.exec_us;
        self.at_us
            .saturating_add(i64::try_from(span).unwrap_or(i64::MAX))
    }
}

/// How to read a set of log files.
#[derive(Clone, Debug, Default)]
pub struct LogOptions {
    /// The function of records whose file names no log group [default: the file's name].
    pub function: Option<String>,
    /// Read every file whole and sort its events by time (a `START` before a `REPORT` of the
    /// same millisecond), instead of refusing events out of time order: for exports sorted
    /// newest first. Memory then grows with the files.
    pub sort: bool,
}

/// What the reader skipped, for the user to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Events that are not platform `START`/`REPORT` records (the function's own output,
    /// `END`, `INIT_START`, continuation lines).
    pub lines: u64,
    /// `START` records that never got their `REPORT` (cut off at the end of the export, or
    /// the environment died).
    pub unreported: u64,
}

/// Names, environments and counts shared by the files of one reader.
#[derive(Debug, Default)]
struct Shared {
    functions: Vec<(String, u32)>,
    by_name: HashMap<String, u32>,
    /// By function name, then stream (a `START` comes before its function is known).
    environments: HashMap<String, HashMap<String, u32>>,
    environment_count: u32,
    skipped: Skipped,
    /// By function name, the runtime its latest `INIT_START` or `RESTORE_START` names.
    runtimes: HashMap<String, String>,
}

impl Shared {
    fn function(&mut self, name: &str, memory_mb: u32) -> Result<u32, String> {
        if let Some(&i) = self.by_name.get(name) {
            return Ok(i);
        }
        if self.functions.len() >= MAX_FUNCTIONS {
            return Err(format!("more than {MAX_FUNCTIONS} functions"));
        }
        let i = self.functions.len() as u32;
        self.functions.push((name.to_string(), memory_mb));
        self.by_name.insert(name.to_string(), i);
        Ok(i)
    }
}

/// The function a log group holds: `/aws/lambda/NAME` (also with an account, `123:/aws/…`,
/// or in an ARN), else the group itself less an account prefix.
pub fn function_of_group(group: &str) -> &str {
    match group.split_once("/aws/lambda/") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => match group.split_once(':') {
            Some((account, rest)) if account.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => group,
        },
    }
}

/// An invocation waiting for the file to pass it, ordered by arrival, then by reading order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    at_us: i64,
    seq: u64,
    line: u64,
    invocation: LogInvocationKey,
}

/// `LogInvocation` with an order, for the heap (compared only after `at_us` and `seq`).
#[derive(Debug, PartialEq, Eq)]
struct LogInvocationKey(LogInvocation);

impl PartialOrd for LogInvocationKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LogInvocationKey {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

/// One file's records, paired and put in arrival order.
#[derive(Debug)]
struct FileLog {
    path: PathBuf,
    events: Events,
    /// With `sort`: the file's events, sorted, served from the end.
    sorted: Option<Vec<LogEvent>>,
    /// The function of records without a log group.
    default_function: String,
    /// `START`s waiting for their `REPORT`, by request id (unique, like a UUID): (environment,
    /// time, number).
    open: HashMap<String, (Option<u32>, i64, u64)>,
    /// The same, in time order, with those already reported left in until they reach the
    /// front: (time, number, request id).
    open_order: VecDeque<(i64, u64, String)>,
    ready: BinaryHeap<Reverse<Pending>>,
    last_event: Option<i64>,
    last_out: Option<i64>,
    seq: u64,
    done: bool,
}

impl FileLog {
    fn open(files: Files<'_>, path: &Path, options: &LogOptions) -> Result<FileLog, TraceError> {
        let default_function = options.function.clone().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "function".into())
        });
        Ok(FileLog {
            path: path.to_path_buf(),
            events: Events::open(files, path)?,
            sorted: None,
            default_function,
            open: HashMap::new(),
            open_order: VecDeque::new(),
            ready: BinaryHeap::new(),
            last_event: None,
            last_out: None,
            seq: 0,
            done: false,
        })
    }

    fn field_error(&self, line: u64, field: &str, message: String) -> TraceError {
        TraceError::Field {
            path: self.path.clone(),
            line,
            field: field.to_string(),
            message,
        }
    }

    /// The earliest arrival still to come: before the oldest unanswered `START`, and no more
    /// than [`MAX_SPAN_US`] before the file's latest event. A `START` that old without its
    /// `REPORT` is given up.
    fn watermark(&mut self, shared: &mut Shared) -> i64 {
        let horizon = self
            .last_event
            .map_or(i64::MIN, |t| t.saturating_sub(MAX_SPAN_US));
        while let Some((at, seq, key)) = self.open_order.front() {
            match self.open.get(key) {
                Some(&(_, _, s)) if s == *seq && *at >= horizon => {
                    return at.saturating_sub(MAX_INIT_US).min(horizon);
                }
                Some(&(_, _, s)) if s == *seq => {
                    self.open.remove(key);
                    shared.skipped.unreported += 1;
                }
                _ => {}
            }
            self.open_order.pop_front();
        }
        horizon
    }

    /// Reads every event and sorts them by time, a `START` first and a `REPORT` last among
    /// those of one instant; continuation lines are counted as skipped.
    fn sort(&mut self, shared: &mut Shared) -> Result<(), TraceError> {
        let mut all = Vec::new();
        while let Some(event) = self.events.next()? {
            match event {
                Some(e) => all.push(e),
                None => shared.skipped.lines += 1,
            }
        }
        let rank = |e: &LogEvent| {
            let m = e.message.trim_start();
            if m.starts_with("START") || m.contains("\"platform.start\"") {
                0
            } else if m.starts_with("REPORT") || m.contains("\"platform.report\"") {
                2
            } else {
                1
            }
        };
        // Stable, then reversed to be popped: equal keys come out in file order.
        all.sort_by_key(|e| (e.timestamp_us, rank(e)));
        all.reverse();
        self.sorted = Some(all);
        Ok(())
    }

    fn next(&mut self, shared: &mut Shared) -> Result<Option<LogInvocation>, TraceError> {
        loop {
            let mark = if self.done {
                i64::MAX
            } else {
                self.watermark(shared)
            };
            if self.ready.peek().is_some_and(|p| p.0.at_us <= mark) {
                let Some(Reverse(p)) = self.ready.pop() else {
                    unreachable!("peeked")
                };
                if self.last_out.is_some_and(|t| p.at_us < t) {
                    return Err(self.field_error(
                        p.line,
                        "timestamp",
                        "the invocation arrived before one already read, more than the longest \
                         invocation (15 minutes) earlier: events must be in time order \
                         (sort them, or pass --sort)"
                            .into(),
                    ));
                }
                self.last_out = Some(p.at_us);
                return Ok(Some(p.invocation.0));
            }
            if self.done {
                shared.skipped.unreported += self.open.len() as u64;
                self.open.clear();
                self.open_order.clear();
                return Ok(None);
            }
            let next = match &mut self.sorted {
                Some(all) => all.pop().map(Some),
                None => self.events.next()?,
            };
            match next {
                None => self.done = true,
                Some(None) => shared.skipped.lines += 1,
                Some(Some(event)) => self.take(event, shared)?,
            }
        }
    }

    fn take(&mut self, event: LogEvent, shared: &mut Shared) -> Result<(), TraceError> {
        if self.last_event.is_some_and(|t| event.timestamp_us < t) {
            return Err(self.field_error(
                event.line,
                "timestamp",
                "is before the previous event's: events must be in time order (sort them, or \
                 pass --sort; a Logs Insights query sorts newest first unless it says \
                 `sort @timestamp asc`)"
                    .into(),
            ));
        }
        self.last_event = Some(event.timestamp_us);
        let message = parse_message(&event.message)
            .map_err(|e| self.field_error(event.line, &e.field, e.message))?;
        let report = match message {
            Message::Other => {
                shared.skipped.lines += 1;
                return Ok(());
            }
            Message::Runtime(runtime) => {
                let name = self.function_name(&event);
                // As many names as functions may be read, and no more.
                if shared.runtimes.contains_key(name) || shared.runtimes.len() < MAX_FUNCTIONS {
                    shared.runtimes.insert(name.to_string(), runtime);
                }
                return Ok(());
            }
            Message::Start { request_id } => {
                self.seq += 1;
                let env = self.environment(&event, shared);
                self.open_order
                    .push_back((event.timestamp_us, self.seq, request_id.clone()));
                self.open
                    .insert(request_id, (env, event.timestamp_us, self.seq));
                return Ok(());
            }
            Message::Report(report) => report,
        };
        let name = self.function_name(&event);
        let function = shared
            .function(name, report.memory_mb)
            .map_err(|m| self.field_error(event.line, "function", m))?;
        let env = self.environment(&event, shared);
        let at_us = match self.open.remove(report.request_id.as_str()) {
            Some((start_env, start, _)) if start_env == env => {
                start.saturating_sub(span_us(&report) - duration_us(&report))
            }
            _ => event.timestamp_us.saturating_sub(span_us(&report)),
        };
        self.seq += 1;
        self.ready.push(Reverse(Pending {
            at_us,
            seq: self.seq,
            line: event.line,
            invocation: LogInvocationKey(LogInvocation {
                at_us,
                function,
                environment: env,
                exec_us: report.duration_us,
                init_us: report.init_us,
                restore_us: report.restore_us,
                billed_ms: report.billed_ms,
                memory_mb: report.memory_mb,
                max_memory_mb: report.max_memory_mb,
            }),
        }));
        Ok(())
    }

    /// The function an event belongs to: its log group's, else the file's.
    fn function_name<'a>(&'a self, event: &'a LogEvent) -> &'a str {
        event
            .group
            .as_deref()
            .map_or(self.default_function.as_str(), function_of_group)
    }

    /// The environment of an event's stream, under its function's name.
    fn environment(&self, event: &LogEvent, shared: &mut Shared) -> Option<u32> {
        let stream = event.stream.as_ref()?;
        let name = self.function_name(event);
        let streams = match shared.environments.get_mut(name) {
            Some(s) => s,
            None => shared.environments.entry(name.to_string()).or_default(),
        };
        if let Some(&env) = streams.get(stream.as_str()) {
            return Some(env);
        }
        let env = shared.environment_count;
        streams.insert(stream.clone(), env);
        shared.environment_count += 1;
        Some(env)
    }
}

/// The handler's time of a report [µs].
fn duration_us(report: &Report) -> i64 {
    i64::try_from(report.duration_us).unwrap_or(i64::MAX)
}

/// The handler, init and restore time of a report [µs].
fn span_us(report: &Report) -> i64 {
    let us = report.duration_us + report.init_us.unwrap_or(0) + report.restore_us.unwrap_or(0);
    i64::try_from(us).unwrap_or(i64::MAX)
}

/// Invocations from one or more log files, in arrival order.
#[derive(Debug)]
pub struct LogReader {
    files: Vec<FileLog>,
    heads: Vec<Option<LogInvocation>>,
    shared: Shared,
}

impl LogReader {
    /// Opens the log files at `paths`.
    pub fn open(paths: &[PathBuf], options: &LogOptions) -> Result<LogReader, TraceError> {
        LogReader::open_from(Files::Disk, paths, options)
    }

    pub(in super::super) fn open_from(
        files: Files<'_>,
        paths: &[PathBuf],
        options: &LogOptions,
    ) -> Result<LogReader, TraceError> {
        let mut reader = LogReader {
            files: paths
                .iter()
                .map(|p| FileLog::open(files, p, options))
                .collect::<Result<_, _>>()?,
            heads: vec![None; paths.len()],
            shared: Shared::default(),
        };
        if options.sort {
            for file in &mut reader.files {
                file.sort(&mut reader.shared)?;
            }
        }
        for i in 0..reader.files.len() {
            reader.heads[i] = reader.files[i].next(&mut reader.shared)?;
        }
        Ok(reader)
    }

    /// The next invocation, in arrival order over every file (ties: the earlier file).
    pub fn next_invocation(&mut self) -> Result<Option<LogInvocation>, TraceError> {
        let Some(i) = (0..self.heads.len())
            .filter(|&i| self.heads[i].is_some())
            .min_by_key(|&i| self.heads[i].map(|h| h.at_us))
        else {
            return Ok(None);
        };
        let next = self.files[i].next(&mut self.shared)?;
        Ok(std::mem::replace(&mut self.heads[i], next))
    }

    /// The functions met so far, by index: name and the memory of its first record [MB].
    pub fn functions(&self) -> &[(String, u32)] {
        &self.shared.functions
    }

    /// What the reader holds now: invocations waiting for the files to pass them, and
    /// `START`s waiting for their `REPORT`.
    pub fn held(&self) -> usize {
        self.files
            .iter()
            .map(|f| f.ready.len() + f.open.len())
            .sum()
    }

    /// Environments (distinct log streams) met so far.
    pub fn environments(&self) -> usize {
        self.shared.environment_count as usize
    }

    /// The runtime the logs name for function `name` (its latest `INIT_START` or
    /// `RESTORE_START`), as AWS names runtimes (`python3.12`, `java21`).
    pub fn runtime(&self, name: &str) -> Option<&str> {
        self.shared.runtimes.get(name).map(String::as_str)
    }

    /// What was skipped so far.
    pub fn skipped(&self) -> Skipped {
        self.shared.skipped
    }
}
