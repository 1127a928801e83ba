//! The `azure2019` format: invocation counts per function and minute, spread inside their minutes, with optional duration percentiles per function and memory per app.

use super::error::TraceError;
use super::files::Files;
use super::names::FxMap;
use super::names::KEY_SEPARATOR;
use super::names::Names;
use super::names::Repeats;
use super::names::add_note;
use super::names::name_field;
use super::names::new_function;
use super::names::new_id;
use super::names::short;
use super::number::number_message;
use super::number::parse_f64;
use super::number::parse_u32;
use super::row::TraceArrival;
use super::row::TraceFunction;
use super::table::Table;
use crate::model::dist::TimeDist;
use crate::model::trace::MemoryAssignment;
use crate::model::trace::Spread;
use crate::model::trace::TraceFormat;
use crate::model::trace::TraceOptions;
use crate::rng::SimRng;
use crate::time::MICROS_PER_S;
use crate::time::SimTime;
use rand::RngExt;
use std::path::Path;

/// The largest number of minute columns: one day.
pub(super) const MINUTES_PER_DAY: usize = 1_440;
/// A minute [µs].
pub(super) const MINUTE_US: u64 = 60 * MICROS_PER_S;
/// Lambda's memory range [MB].
pub(super) const LAMBDA_MEMORY_MB: std::ops::RangeInclusive<u32> = 128..=10_240;

pub(super) const AZURE2019_COLUMNS: &str = "HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440";
pub(super) const DURATION_COLUMNS: [(&str, f64); 7] = [
    ("percentile_Average_0", 0.0),
    ("percentile_Average_1", 0.01),
    ("percentile_Average_25", 0.25),
    ("percentile_Average_50", 0.5),
    ("percentile_Average_75", 0.75),
    ("percentile_Average_99", 0.99),
    ("percentile_Average_100", 1.0),
];

/// A minute with more arrivals than this is spread lazily (see [`Merge`]) instead of drawn
/// into a buffer and sorted, so that memory stays within O(functions) whatever the counts.
pub(super) const BUFFERED_MINUTE: u64 = 1 << 20;

/// The `azure2019` arrivals, one minute at a time.
#[derive(Debug)]
pub(super) struct Minutes {
    /// Per minute, the non-zero `(function, count)` pairs in file order; emptied once spread.
    pub(super) counts: Vec<Vec<(u32, u32)>>,
    /// The next minute to spread [0-based].
    pub(super) next_minute: usize,
    /// The current minute's arrivals, sorted: `(at [µs], function)`, when it holds at most
    /// [`BUFFERED_MINUTE`].
    pub(super) buffer: Vec<(u64, u32)>,
    /// The next arrival of `buffer` to hand out.
    pub(super) position: usize,
    /// The current minute's arrivals when it holds more.
    pub(super) merge: Merge,
    pub(super) spread: Spread,
    pub(super) rng: SimRng,
}

/// A large minute's arrivals, generated in time order one at a time: per function, its
/// arrivals come out in increasing order (even instants in turn, or uniform order statistics
/// drawn one after the other), and a heap merges the functions, ties by function as the
/// buffer's sort has them.
#[derive(Debug, Default)]
pub(super) struct Merge {
    /// `(next arrival [µs], function, index into `states`)`, earliest first.
    pub(super) heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32, usize)>>,
    pub(super) states: Vec<Spreading>,
    /// The minute's start [µs].
    pub(super) base: u64,
}

/// One function's arrivals in a large minute.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spreading {
    /// Arrivals handed out so far.
    pub(super) done: u64,
    pub(super) count: u64,
    /// The last uniform order statistic drawn, a fraction of the minute (`poisson`).
    pub(super) fraction: f64,
    /// The last arrival's offset in the minute [µs].
    pub(super) last_us: u64,
}

impl Merge {
    /// Starts a minute of `counts` at `base`.
    pub(super) fn start(
        &mut self,
        base: u64,
        counts: &[(u32, u32)],
        spread: Spread,
        rng: &mut SimRng,
    ) {
        self.heap.clear();
        self.states.clear();
        self.base = base;
        for &(function, count) in counts {
            let mut state = Spreading {
                done: 0,
                count: u64::from(count),
                fraction: 0.0,
                last_us: 0,
            };
            if let Some(at) = state.advance(spread, rng) {
                self.heap
                    .push(std::cmp::Reverse((base + at, function, self.states.len())));
                self.states.push(state);
            }
        }
    }

    /// The next arrival of the minute, if any.
    pub(super) fn next(&mut self, spread: Spread, rng: &mut SimRng) -> Option<(u64, u32)> {
        let std::cmp::Reverse((at, function, slot)) = self.heap.pop()?;
        if let Some(next) = self.states[slot].advance(spread, rng) {
            self.heap
                .push(std::cmp::Reverse((self.base + next, function, slot)));
        }
        Some((at, function))
    }
}

impl Spreading {
    /// The offset of the next arrival in the minute [µs], never before the last.
    pub(super) fn advance(&mut self, spread: Spread, rng: &mut SimRng) -> Option<u64> {
        if self.done == self.count {
            return None;
        }
        let (i, c) = (self.done, self.count);
        self.done += 1;
        let at = match spread {
            Spread::Even => (2 * i + 1) * MINUTE_US / (2 * c),
            Spread::Poisson => {
                // The next of `c` sorted uniforms, given the last: 1 - U^(1 / remaining) of
                // the rest of the interval (Bentley and Saxe, 1980).
                let remaining = (c - i) as f64;
                let u = 1.0 - rng.random::<f64>();
                self.fraction = 1.0 - (1.0 - self.fraction) * u.powf(1.0 / remaining);
                ((self.fraction * MINUTE_US as f64) as u64).min(MINUTE_US - 1)
            }
        };
        self.last_us = at.max(self.last_us);
        Some(self.last_us)
    }
}

impl Minutes {
    /// Arrivals from `counts` per minute, spread inside each as `spread` says.
    pub(super) fn new(counts: Vec<Vec<(u32, u32)>>, spread: Spread, rng: SimRng) -> Minutes {
        Minutes {
            counts,
            next_minute: 0,
            buffer: Vec::new(),
            position: 0,
            merge: Merge::default(),
            spread,
            rng,
        }
    }

    pub(super) fn next_arrival(&mut self) -> Result<Option<TraceArrival>, TraceError> {
        loop {
            if let Some(&(at, function)) = self.buffer.get(self.position) {
                self.position += 1;
                return Ok(Some(arrival_at(at, function)));
            }
            if let Some((at, function)) = self.merge.next(self.spread, &mut self.rng) {
                return Ok(Some(arrival_at(at, function)));
            }
            if self.next_minute == self.counts.len() {
                return Ok(None);
            }
            self.spread_minute();
        }
    }

    /// Prepares the next minute's arrivals, in time order (ties by function).
    pub(super) fn spread_minute(&mut self) {
        let minute = self.next_minute;
        self.next_minute += 1;
        let counts = std::mem::take(&mut self.counts[minute]);
        let total: u64 = counts.iter().map(|&(_, c)| u64::from(c)).sum();
        self.buffer.clear();
        self.position = 0;
        let base = minute as u64 * MINUTE_US;
        if total > BUFFERED_MINUTE {
            self.merge.start(base, &counts, self.spread, &mut self.rng);
            return;
        }
        for (function, count) in counts {
            let c = u64::from(count);
            match self.spread {
                Spread::Even => self
                    .buffer
                    .extend((0..c).map(|i| (base + (2 * i + 1) * MINUTE_US / (2 * c), function))),
                Spread::Poisson => {
                    for _ in 0..c {
                        let at = base + self.rng.random_range(0..MINUTE_US);
                        self.buffer.push((at, function));
                    }
                }
            }
        }
        self.buffer.sort_unstable();
    }
}

pub(super) fn arrival_at(at: u64, function: u32) -> TraceArrival {
    TraceArrival {
        at: SimTime(at),
        function,
        exec: None,
        memory_mb: None,
        tenant: None,
    }
}

/// Per app of an `azure2019` trace.
#[derive(Debug, Default)]
pub(super) struct App {
    pub(super) functions: u32,
    pub(super) memory_avg_mb: Option<f64>,
}

/// Reads the invocations file (and the durations and memory files, if given) of `azure2019`.
pub(super) fn read_azure2019(
    files: Files<'_>,
    path: &Path,
    options: &TraceOptions,
    rng: SimRng,
    functions: &mut Vec<TraceFunction>,
    rows_read: &mut u64,
) -> Result<Minutes, TraceError> {
    let mut table = Table::open(files, path)?;
    table.read_as = Some(TraceFormat::Azure2019);
    let owner = table.require("HashOwner", AZURE2019_COLUMNS)?;
    let app = table.require("HashApp", AZURE2019_COLUMNS)?;
    let func = table.require("HashFunction", AZURE2019_COLUMNS)?;
    let mut minute_columns = [None; MINUTES_PER_DAY];
    for (i, name) in table.header.iter().enumerate() {
        if let Ok(k @ 1..=1440) = name.parse::<usize>() {
            if minute_columns[k - 1].replace(i).is_some() {
                return Err(TraceError::File {
                    path: path.to_path_buf(),
                    message: format!("column {k} appears more than once in the header"),
                });
            }
        }
    }
    let minutes = minute_columns.iter().take_while(|c| c.is_some()).count();
    let minute_columns: Vec<usize> = minute_columns.iter().flatten().copied().collect();
    if minutes == 0 || minute_columns.len() != minutes {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: format!(
                "no column {} in the header; expected the minutes 1, 2, ... up to at most 1440 without a gap ({AZURE2019_COLUMNS})",
                minutes + 1
            ),
        });
    }

    let mut names = Names::default();
    let mut apps: Vec<App> = Vec::new();
    let mut app_ids: FxMap<Box<[u8]>, u32> = FxMap::default();
    let mut app_of: Vec<u32> = Vec::new();
    let mut counts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); minutes];
    let mut row_counts: Vec<u32> = vec![0; minutes];
    let mut repeated: Vec<Repeats> = Vec::new();
    while table.next()? {
        *rows_read += 1;
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let func_name = name_field(&table, func, "a function hash")?;
        for (k, &c) in minute_columns.iter().enumerate() {
            row_counts[k] = parse_u32(table.field(c)).map_err(|e| {
                table.error(
                    c,
                    number_message(
                        &table.shown(c),
                        e,
                        "a whole number of invocations, 0 or more",
                    ),
                )
            })?;
        }
        names.set_key(&[
            owner_name.as_bytes(),
            app_name.as_bytes(),
            func_name.as_bytes(),
        ]);
        if let Some(id) = names.get(&names.key) {
            repeated[id as usize].add(table.line());
            continue;
        }
        let id = new_id(&table, func, functions)?;
        let key = std::mem::take(&mut names.key);
        let name = names.insert(
            &key,
            id,
            &[
                format!("{}/{}", short(app_name), short(func_name)),
                format!("{app_name}/{func_name}"),
                format!("{owner_name}/{app_name}/{func_name}"),
            ],
        );
        names.key = key;
        functions.push(new_function(name, None));
        repeated.push(Repeats::default());
        let app_key: Box<[u8]> = [owner_name.as_bytes(), app_name.as_bytes()]
            .join(&KEY_SEPARATOR)
            .into_boxed_slice();
        let next_app = apps.len() as u32;
        let app_id = *app_ids.entry(app_key).or_insert(next_app);
        if app_id == next_app {
            apps.push(App::default());
        }
        apps[app_id as usize].functions += 1;
        app_of.push(app_id);
        for (k, &c) in row_counts.iter().enumerate() {
            if c > 0 {
                counts[k].push((id, c));
            }
        }
    }

    for (function, r) in functions.iter_mut().zip(&repeated) {
        if let Some(lines) = r.lines() {
            add_note(
                function,
                &format!("line {lines} repeats its row; kept the first"),
            );
        }
    }
    drop(repeated);
    let total = counts
        .iter()
        .flatten()
        .fold(0u64, |sum, &(_, c)| sum.saturating_add(u64::from(c)));
    if total > crate::model::scenario::MAX_INVOCATIONS {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: format!(
                "holds {total} invocations, more than a run may have ({:e}); cut the file into shorter traces",
                crate::model::scenario::MAX_INVOCATIONS as f64
            ),
        });
    }
    if let Some(durations) = &options.durations {
        read_durations(files, durations, &mut names, functions)?;
    }
    if let Some(memory) = &options.memory {
        read_memory(files, memory, &app_ids, &mut apps, &app_of, functions)?;
        for (function, &app_id) in functions.iter_mut().zip(&app_of) {
            let app = &apps[app_id as usize];
            function.memory_mb = app.memory_avg_mb.map(|avg| {
                let mb = match options.memory_assignment {
                    MemoryAssignment::AppAverage => avg,
                    MemoryAssignment::Split => avg / f64::from(app.functions.max(1)),
                };
                // `as` saturates; the clamp then keeps Lambda's range.
                (mb.ceil() as u32).clamp(*LAMBDA_MEMORY_MB.start(), *LAMBDA_MEMORY_MB.end())
            });
        }
    }
    Ok(Minutes::new(counts, options.spread, rng))
}

/// Reads `function_durations_percentiles`: each known function's exec becomes the
/// percentiles' distribution.
pub(super) fn read_durations(
    files: Files<'_>,
    path: &Path,
    names: &mut Names,
    functions: &mut [TraceFunction],
) -> Result<(), TraceError> {
    const EXPECTED: &str =
        "HashOwner,HashApp,HashFunction and percentile_Average_0, _1, _25, _50, _75, _99, _100";
    let mut table = Table::open(files, path)?;
    let owner = table.require("HashOwner", EXPECTED)?;
    let app = table.require("HashApp", EXPECTED)?;
    let func = table.require("HashFunction", EXPECTED)?;
    let mut columns = [0usize; 7];
    for (slot, (name, _)) in columns.iter_mut().zip(DURATION_COLUMNS) {
        *slot = table.require(name, EXPECTED)?;
    }
    let file = path.display();
    let mut points = [(0.0, 0.0); 7];
    let mut repeated = vec![Repeats::default(); functions.len()];
    while table.next()? {
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let func_name = name_field(&table, func, "a function hash")?;
        let mut repaired = false;
        for (i, (&c, (_, q))) in columns.iter().zip(DURATION_COLUMNS).enumerate() {
            let ms = parse_f64(table.field(c)).map_err(|e| {
                table.error(
                    c,
                    number_message(&table.shown(c), e, "a time in milliseconds, 0 or more"),
                )
            })?;
            // The dataset's percentiles are of per-interval averages and can dip; keep the
            // running maximum so that the quantile function never decreases.
            let ms = if i > 0 && ms < points[i - 1].1 {
                repaired = true;
                points[i - 1].1
            } else {
                ms
            };
            points[i] = (q, ms);
        }
        names.set_key(&[
            owner_name.as_bytes(),
            app_name.as_bytes(),
            func_name.as_bytes(),
        ]);
        let Some(id) = names.get(&names.key) else {
            continue;
        };
        let function = &mut functions[id as usize];
        if function.exec.is_some() {
            repeated[id as usize].add(table.line());
            continue;
        }
        let dist = TimeDist::percentiles(&points)
            .map_err(|e| table.error(columns[0], format!("{e}; expected percentiles in ms")))?;
        function.exec = Some(dist);
        if repaired {
            let note = format!(
                "{file}:{}: decreasing percentiles raised to the running maximum",
                table.line()
            );
            add_note(function, &note);
        }
    }
    for (function, r) in functions.iter_mut().zip(repeated) {
        if let Some(lines) = r.lines() {
            add_note(
                function,
                &format!("{file}:{lines} repeats its durations; kept the first"),
            );
        }
        if function.exec.is_none() {
            add_note(
                function,
                &format!("no row in {file}: exec is the scenario's"),
            );
        }
    }
    Ok(())
}

/// Reads `app_memory_percentiles`: each known app's `AverageAllocatedMb`.
pub(super) fn read_memory(
    files: Files<'_>,
    path: &Path,
    app_ids: &FxMap<Box<[u8]>, u32>,
    apps: &mut [App],
    app_of: &[u32],
    functions: &mut [TraceFunction],
) -> Result<(), TraceError> {
    const EXPECTED: &str = "HashOwner,HashApp,AverageAllocatedMb";
    let mut table = Table::open(files, path)?;
    let owner = table.require("HashOwner", EXPECTED)?;
    let app = table.require("HashApp", EXPECTED)?;
    let average = table.require("AverageAllocatedMb", EXPECTED)?;
    let file = path.display();
    let mut key = Vec::new();
    let mut repeated = vec![Repeats::default(); apps.len()];
    while table.next()? {
        let owner_name = name_field(&table, owner, "an owner hash")?;
        let app_name = name_field(&table, app, "an app hash")?;
        let mb = parse_f64(table.field(average)).map_err(|e| {
            table.error(
                average,
                number_message(&table.shown(average), e, "a memory size in MB, 0 or more"),
            )
        })?;
        key.clear();
        key.extend_from_slice(owner_name.as_bytes());
        key.push(KEY_SEPARATOR);
        key.extend_from_slice(app_name.as_bytes());
        let Some(&app_id) = app_ids.get(key.as_slice()) else {
            continue;
        };
        let entry = &mut apps[app_id as usize];
        if entry.memory_avg_mb.is_some() {
            repeated[app_id as usize].add(table.line());
            continue;
        }
        entry.memory_avg_mb = Some(mb);
    }
    for (function, &app_id) in functions.iter_mut().zip(app_of) {
        if let Some(lines) = repeated[app_id as usize].lines() {
            add_note(
                function,
                &format!("{file}:{lines} repeats its app's memory; kept the first"),
            );
        }
        if apps[app_id as usize].memory_avg_mb.is_none() {
            let note = format!("no row for its app in {file}: memory_mb is the scenario's");
            add_note(function, &note);
        }
    }
    Ok(())
}
