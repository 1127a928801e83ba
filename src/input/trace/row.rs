//! What a trace yields: one invocation (its arrival, handler time and memory), one function met in it, and a decoded row before it is placed in time.

use crate::model::dist::TimeDist;
use crate::model::trace::TraceFormat;
use crate::time::MICROS_PER_S;
use crate::time::SimDuration;
use crate::time::SimTime;

/// One invocation of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceArrival {
    /// When it arrives [µs since the start].
    pub at: SimTime,
    /// Index into [`TraceReader::functions`].
    pub function: u32,
    /// The handler's time of this invocation, when the trace gives it [µs].
    pub exec: Option<SimDuration>,
    /// The memory size of this invocation, when the trace gives it [MB].
    pub memory_mb: Option<u32>,
    /// Its tenant, numbered in the order the trace names them, when it has a `tenant` column.
    pub tenant: Option<u32>,
}

/// A function met in a trace.
#[derive(Clone, Debug)]
pub struct TraceFunction {
    /// Its name, unique within the trace.
    pub name: String,
    /// Its handler-time distribution, when the trace gives one (`azure2019` with durations).
    pub exec: Option<TimeDist>,
    /// Its memory size [MB], when the trace gives one.
    pub memory_mb: Option<u32>,
    /// What the reader had to assume or leave out for this function, for the user to read.
    pub note: Option<String>,
}

pub(super) fn format_name(format: TraceFormat) -> &'static str {
    match format {
        TraceFormat::Invocations => "invocations",
        TraceFormat::Azure2021 => "azure2021",
        TraceFormat::Azure2019 => "azure2019",
        TraceFormat::Cloudwatch => "cloudwatch",
        TraceFormat::Huawei2025 => "huawei2025",
        TraceFormat::Huawei2023 => "huawei2023",
    }
}

/// A row turned into numbers.
#[derive(Clone, Copy, Debug)]
pub(super) struct Decoded {
    /// Start [µs since time 0; negative only for rows timed from the first row (RFC 3339, Unix
    /// time) that precede it].
    pub(super) start: i64,
    pub(super) function: u32,
    pub(super) exec: Option<SimDuration>,
    pub(super) memory_mb: Option<u32>,
    pub(super) tenant: Option<u32>,
}

impl Decoded {
    pub(super) fn arrival(self, base: i64) -> TraceArrival {
        TraceArrival {
            // Non-negative: streamed rows never precede the first, sorted ones are rebased.
            at: SimTime(u64::try_from(self.start.saturating_sub(base)).unwrap_or(0)),
            function: self.function,
            exec: self.exec,
            memory_mb: self.memory_mb,
            tenant: self.tenant,
        }
    }
}

/// Writes `us` [µs] as seconds, without trailing zeros: `-1`, `3.5`, `0.001491`.
pub(super) fn secs(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let abs = us.unsigned_abs();
    let (whole, frac) = (abs / MICROS_PER_S, abs % MICROS_PER_S);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:06}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}
