//! Statistics gathered while a run goes: counts, latency histograms, exact time averages and the time series.

use hdrhistogram::Histogram;

use crate::cost::Usage;
use crate::time::{SimDuration, SimTime};

/// Counts and latencies of one function over the statistics window. The fields every
/// served invocation updates come first (`repr(C)` keeps the order), to share cache lines.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct FunctionStats {
    /// Arrivals in the window, throttled ones included.
    pub invocations: u64,
    /// Arrivals that waited for an init: each that started a new container, and (with several
    /// requests per container) each that joined a container while it initialized.
    pub cold_starts: u64,
    /// Arrivals served by a ready container.
    pub warm_starts: u64,
    /// Latencies of served invocations.
    pub latency: Latency,
    /// Containers alive and busy over time.
    pub levels: Levels,
    /// What the served invocations bill.
    pub usage: Usage,
    /// Arrivals refused by a concurrency limit.
    pub throttled: u64,
    /// Asynchronous arrivals retried at least once and then served.
    pub retried: u64,
    /// Asynchronous arrivals dropped at their maximum event age.
    pub dropped: u64,
    /// Asynchronous arrivals still waiting for a retry when the run ended.
    pub pending: u64,
    /// Queueing delay of asynchronous arrivals served after retries, arrival to start.
    pub queue_delay: Latency,
    /// Containers a keep-alive policy pre-warmed.
    pub prewarms: u64,
    /// Instances the platform's scaler started in the background.
    pub scale_outs: u64,
    /// Cold starts that joined a container already initializing, so started none.
    pub cold_joins: u64,
    /// Idle containers evicted to make room in a memory-bounded pool.
    pub evictions: u64,
    /// Provisioned concurrency configured over the window, each level held from one change to
    /// the next rounded up to 5 minutes as AWS bills it [container·µs].
    pub provisioned_us: u128,
    /// Warmer pings served (billed, not counted as invocations).
    pub warmer_pings: u64,
    /// Containers retired at their maximum lifetime.
    pub retired: u64,
    /// Tenants with their own environments (tenant isolation): the scenario's count, or those
    /// a trace has named so far.
    pub tenants: u32,
    /// Requests their container's cache answered.
    pub cache_hits: u64,
    /// Requests their container's cache did not answer.
    pub cache_misses: u64,
    /// Replacements initialized ahead of a retirement (billed, not cold starts).
    pub proactive_inits: u64,
    /// Cold starts the warmer's pings met.
    pub warmer_cold_starts: u64,
}

impl FunctionStats {
    /// Empty statistics for a window starting at `warmup`, of containers serving `capacity`
    /// requests at once, counting hosts of `per_host` environments each (0: no hosts).
    pub fn new(warmup: SimTime, capacity: u32, per_host: u32) -> FunctionStats {
        FunctionStats {
            invocations: 0,
            cold_starts: 0,
            warm_starts: 0,
            throttled: 0,
            retried: 0,
            dropped: 0,
            pending: 0,
            queue_delay: Latency::per_function(),
            prewarms: 0,
            scale_outs: 0,
            cold_joins: 0,
            evictions: 0,
            provisioned_us: 0,
            warmer_pings: 0,
            retired: 0,
            tenants: 0,
            cache_hits: 0,
            cache_misses: 0,
            proactive_inits: 0,
            warmer_cold_starts: 0,
            latency: Latency::per_function(),
            levels: Levels::of(warmup, capacity, per_host),
            usage: Usage::default(),
        }
    }
}

/// Latencies [µs] with their exact count, sum, minimum and maximum, and a histogram for
/// quantiles. The run's totals keep an HDR histogram of three significant digits (relative
/// error at most 0.1 %). Each function keeps a [`Compact`] one (at most 1.6 %), a tenth of
/// the memory, so that tens of thousands of functions fit in cache.
#[derive(Clone, Debug)]
pub struct Latency {
    hist: Hist,
    count: u64,
    sum_us: u128,
    min_us: u64,
    max_us: u64,
}

#[derive(Clone, Debug)]
enum Hist {
    /// Three significant digits, allocated at the first record.
    Hdr(Option<Box<Histogram<u64>>>),
    Compact(Compact),
}

impl Default for Latency {
    fn default() -> Self {
        Latency::new()
    }
}

impl Latency {
    /// An empty record of three significant digits.
    pub fn new() -> Latency {
        Latency::with(Hist::Hdr(None))
    }

    /// An empty record of a function's own latencies, in a [`Compact`] histogram.
    pub fn per_function() -> Latency {
        Latency::with(Hist::Compact(Compact::default()))
    }

    fn with(hist: Hist) -> Latency {
        Latency {
            hist,
            count: 0,
            sum_us: 0,
            min_us: u64::MAX,
            max_us: 0,
        }
    }

    /// The HDR histogram, allocated on first use.
    #[cold]
    fn allocate() -> Box<Histogram<u64>> {
        // Three significant digits, auto-resizing: cannot fail for these arguments.
        Box::new(
            Histogram::new(3).unwrap_or_else(|_| unreachable!("3 significant digits are valid")),
        )
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, latency: SimDuration) {
        let us = latency.as_micros();
        match &mut self.hist {
            Hist::Hdr(h) => {
                // An auto-resizing histogram only refuses values beyond u64 range: cannot happen.
                let _ = h.get_or_insert_with(Latency::allocate).record(us);
            }
            Hist::Compact(c) => c.record(us),
        }
        self.count += 1;
        self.sum_us += u128::from(us);
        self.min_us = self.min_us.min(us);
        self.max_us = self.max_us.max(us);
    }

    /// Adds another record of three significant digits to this one (of the same kind).
    pub fn merge(&mut self, other: &Latency) {
        if let (Hist::Hdr(ours), Hist::Hdr(Some(theirs))) = (&mut self.hist, &other.hist) {
            // Both histograms auto-resize, so adding cannot fail.
            let _ = ours
                .get_or_insert_with(Latency::allocate)
                .add(theirs.as_ref());
        } else if let (Hist::Compact(ours), Hist::Compact(theirs)) = (&mut self.hist, &other.hist) {
            ours.merge(theirs);
        }
        self.count += other.count;
        self.sum_us += other.sum_us;
        self.min_us = self.min_us.min(other.min_us);
        self.max_us = self.max_us.max(other.max_us);
    }

    /// Latencies recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact mean [ms], `None` when empty.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_us as f64 / self.count as f64 / 1_000.0)
    }

    /// The exact maximum [ms], `None` when empty.
    pub fn max_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.max_us as f64 / 1_000.0)
    }

    /// The distribution as (latency [ms], fraction of latencies at or below it) points, one per
    /// occupied histogram bucket, ascending: what a CDF chart draws.
    pub fn cdf_ms(&self) -> Vec<(f64, f64)> {
        if self.count == 0 {
            return Vec::new();
        }
        let buckets: Vec<(u64, u64)> = match &self.hist {
            Hist::Hdr(None) => return Vec::new(),
            Hist::Hdr(Some(h)) => h
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect(),
            Hist::Compact(c) => c.buckets().collect(),
        };
        let total: u64 = buckets.iter().map(|b| b.1).sum();
        let mut seen = 0u64;
        buckets
            .into_iter()
            .map(|(value, count)| {
                seen += count;
                let ms = value.clamp(self.min_us, self.max_us) as f64 / 1_000.0;
                (ms, seen as f64 / total as f64)
            })
            .collect()
    }

    /// Several quantiles at once, `qs` ascending: as [`Latency::quantile_ms`] each, in one
    /// pass over a function's histogram.
    pub fn quantiles_ms<const N: usize>(&self, qs: [f64; N]) -> [Option<f64>; N] {
        match &self.hist {
            Hist::Compact(c) if self.count > 0 => {
                let values = c.quantiles(qs, self.count);
                values.map(|v| Some(v.clamp(self.min_us, self.max_us) as f64 / 1_000.0))
            }
            _ => qs.map(|q| self.quantile_ms(q)),
        }
    }

    /// A quantile `q` in [0, 1] [ms] from the histogram, clamped to the exact minimum and
    /// maximum (so a constant latency reads exactly); `None` when empty.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let v = match &self.hist {
            Hist::Hdr(h) => h.as_ref()?.value_at_quantile(q),
            Hist::Compact(c) => c.quantile(q, self.count),
        };
        Some(v.clamp(self.min_us, self.max_us) as f64 / 1_000.0)
    }
}

/// Sub-buckets per power of two of a [`Compact`] histogram.
const SUB: u32 = 32;

/// A log-linear histogram of latencies [µs] for one function: exact below 64 µs, then 32
/// buckets per power of two (each at most 1/32 of its lower bound wide; a quantile reads as
/// its bucket's middle, within 1.6 %). Counts are kept only between the lowest and highest
/// bucket used, so a function whose latencies span a few powers of two holds a few hundred
/// counts.
#[derive(Clone, Debug, Default)]
pub struct Compact {
    /// Index of `counts[0]`.
    first: u32,
    /// Counts modulo 2^32: half the cache footprint of u64 counts.
    counts: Vec<u32>,
    /// (bucket index, times its count wrapped past 2^32), for the rare bucket that does.
    wraps: Vec<(u32, u64)>,
}

impl Compact {
    #[inline]
    fn index(v: u64) -> u32 {
        if v < u64::from(2 * SUB) {
            return v as u32;
        }
        let e = 63 - v.leading_zeros(); // 2^e <= v < 2^(e+1), e >= 6
        let sub = (v >> (e - 5)) as u32 & (SUB - 1);
        (e - 4) * SUB + sub
    }

    /// The lowest value and the width of bucket `i`.
    fn bounds(i: u32) -> (u64, u64) {
        if i < 2 * SUB {
            return (u64::from(i), 1);
        }
        let e = i / SUB + 4;
        let sub = u64::from(i % SUB);
        ((u64::from(SUB) + sub) << (e - 5), 1 << (e - 5))
    }

    /// The middle of bucket `i`, rounded down.
    fn middle(i: u32) -> u64 {
        let (low, width) = Compact::bounds(i);
        low + (width - 1) / 2
    }

    #[inline]
    fn record(&mut self, v: u64) {
        let i = Compact::index(v);
        if self.counts.is_empty() {
            self.first = i;
            self.counts.push(0);
        } else if i < self.first || i - self.first >= self.counts.len() as u32 {
            self.widen(i);
        }
        let c = &mut self.counts[(i - self.first) as usize];
        *c = c.wrapping_add(1);
        if *c == 0 {
            self.wrapped(i, 1);
        }
    }

    /// Counts `times` wraps of bucket `i`'s count past 2^32.
    #[cold]
    fn wrapped(&mut self, i: u32, times: u64) {
        match self.wraps.iter_mut().find(|w| w.0 == i) {
            Some(w) => w.1 += times,
            None => self.wraps.push((i, times)),
        }
    }

    /// The full count of bucket `i`, given its count modulo 2^32.
    fn count(&self, i: u32, low: u32) -> u64 {
        let wraps = self.wraps.iter().find(|w| w.0 == i).map_or(0, |w| w.1);
        (wraps << 32) + u64::from(low)
    }

    /// Grows the kept range to hold bucket `i`.
    #[cold]
    fn widen(&mut self, i: u32) {
        if i < self.first {
            let extra = (self.first - i) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, extra));
            self.first = i;
        } else {
            self.counts.resize((i - self.first + 1) as usize, 0);
        }
    }

    fn merge(&mut self, other: &Compact) {
        for (i, c) in other.buckets_by_index() {
            if self.counts.is_empty() {
                self.first = i;
                self.counts.push(0);
            }
            if i < self.first || i - self.first >= self.counts.len() as u32 {
                self.widen(i);
            }
            let slot = &mut self.counts[(i - self.first) as usize];
            let sum = u64::from(*slot) + c;
            *slot = sum as u32; // the low 32 bits; the rest are wraps
            if sum >> 32 > 0 {
                self.wrapped(i, sum >> 32);
            }
        }
    }

    fn buckets_by_index(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        (self.first..)
            .zip(self.counts.iter().copied())
            .map(|(i, low)| (i, self.count(i, low)))
            .filter(|&(_, c)| c > 0)
    }

    /// (middle value, count) of each occupied bucket, ascending.
    fn buckets(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.buckets_by_index()
            .map(|(i, c)| (Compact::middle(i), c))
    }

    /// The middle of the bucket holding the `ceil(q × count)`-th smallest latency.
    fn quantile(&self, q: f64, count: u64) -> u64 {
        self.quantiles([q], count)[0]
    }

    /// [`Compact::quantile`] of each of `qs` (ascending), in one pass.
    fn quantiles<const N: usize>(&self, qs: [f64; N], count: u64) -> [u64; N] {
        let rank = |q: f64| ((q.clamp(0.0, 1.0) * count as f64).ceil() as u64).clamp(1, count);
        let mut out = [u64::MAX; N];
        let mut k = 0;
        let mut seen = 0;
        for (i, c) in self.buckets_by_index() {
            seen += c;
            while k < N && seen >= rank(qs[k]) {
                out[k] = Compact::middle(i);
                k += 1;
            }
            if k == N {
                break;
            }
        }
        out
    }
}

/// Exact time integrals of a function's busy and alive container counts over `[warmup, end)`, and the peak alive count.
#[derive(Clone, Debug)]
pub struct Levels {
    warmup: u64,
    last: u64,
    /// Integral of busy containers [container·µs].
    pub busy_area: u128,
    /// Integral of alive containers [container·µs].
    pub alive_area: u128,
    /// Most containers alive for a positive time in the window.
    pub peak_alive: u32,
    /// Most containers busy for a positive time in the window.
    pub peak_busy: u32,
    /// Whether requests in flight are counted apart from busy containers, and hosts: off
    /// where each container serves one request and no host is counted, so that the hot loop
    /// of the common case pays for neither.
    several: bool,
    in_flight_area: u128,
    peak_in_flight: u32,
    /// Environments per host (Lambda Managed Instances); 0 when hosts are not counted.
    per_host: u32,
    /// Integral of hosts, ceil(alive / per_host) [host·µs].
    pub host_area: u128,
}

impl Levels {
    /// Zero integrals for a window starting at `warmup`, requests in flight counted apart.
    pub fn new(warmup: SimTime) -> Levels {
        Levels {
            warmup: warmup.0,
            last: 0,
            busy_area: 0,
            alive_area: 0,
            peak_alive: 0,
            peak_busy: 0,
            several: true,
            in_flight_area: 0,
            peak_in_flight: 0,
            per_host: 0,
            host_area: 0,
        }
    }

    /// As [`Levels::new`], for containers that serve `capacity` requests at once, counting
    /// the hosts that hold `per_host` environments each (0: none).
    pub fn of(warmup: SimTime, capacity: u32, per_host: u32) -> Levels {
        Levels {
            several: capacity > 1 || per_host > 0,
            per_host,
            ..Levels::new(warmup)
        }
    }

    /// From now on, counts requests in flight apart from busy containers (a container that
    /// serves several has joined): until now they were the same.
    pub fn count_in_flight_apart(&mut self) {
        if !self.several {
            self.several = true;
            self.in_flight_area = self.busy_area;
            self.peak_in_flight = self.peak_busy;
        }
    }

    /// Integral of requests in flight [request·µs]: of busy containers when each serves one.
    pub fn in_flight_area(&self) -> u128 {
        if self.several {
            self.in_flight_area
        } else {
            self.busy_area
        }
    }

    /// Most requests in flight at once for a positive time in the window.
    pub fn peak_in_flight(&self) -> u32 {
        if self.several {
            self.peak_in_flight
        } else {
            self.peak_busy
        }
    }

    /// Accounts for the levels held since the last call, up to `now`; call before they change.
    #[inline]
    pub fn advance(&mut self, now: SimTime, busy: u32, alive: u32, in_flight: u32) {
        let from = self.last.max(self.warmup);
        if now.0 > from {
            let dt = u128::from(now.0 - from);
            self.busy_area += u128::from(busy) * dt;
            self.alive_area += u128::from(alive) * dt;
            self.peak_alive = self.peak_alive.max(alive);
            self.peak_busy = self.peak_busy.max(busy);
            if self.several {
                self.in_flight_area += u128::from(in_flight) * dt;
                self.peak_in_flight = self.peak_in_flight.max(in_flight);
                if self.per_host > 0 {
                    self.host_area += u128::from(alive.div_ceil(self.per_host)) * dt;
                }
            }
        }
        self.last = now.0;
    }
}

/// Connections held open over all functions: each alive container holds its function's
/// `connections` (a database connection opened by the code outside the handler).
#[derive(Clone, Debug)]
pub struct Connections {
    warmup: u64,
    last: u64,
    /// Connections open now.
    pub level: u64,
    /// Integral over the window [connection·µs].
    pub area: u128,
    /// Most open for a positive time in the window.
    pub peak: u64,
    /// The database's limit, if any.
    pub limit: Option<u64>,
    /// Time in the window with more open than the limit [µs].
    pub over_limit_us: u64,
}

impl Connections {
    /// None open, for a window starting at `warmup`.
    pub fn new(warmup: SimTime, limit: Option<u64>) -> Connections {
        Connections {
            warmup: warmup.0,
            last: 0,
            level: 0,
            area: 0,
            peak: 0,
            limit,
            over_limit_us: 0,
        }
    }

    /// Accounts for the level held since the last call, up to `now`.
    #[inline]
    pub fn advance(&mut self, now: SimTime) {
        if self.level == 0 {
            // Nothing to add, and a peak or an excess of zero changes nothing.
            self.last = now.0;
            return;
        }
        let from = self.last.max(self.warmup);
        if now.0 > from {
            let dt = now.0 - from;
            self.area += u128::from(self.level) * u128::from(dt);
            self.peak = self.peak.max(self.level);
            if self.limit.is_some_and(|l| self.level > l) {
                self.over_limit_us += dt;
            }
        }
        self.last = now.0;
    }
}

/// One bucket of the time series.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bucket {
    /// Integral of busy containers over the bucket [container·µs].
    pub busy_area: u128,
    /// Integral of alive containers over the bucket [container·µs].
    pub alive_area: u128,
    /// Most containers alive at once for a positive time.
    pub peak_alive: u32,
    /// Arrivals, throttled ones included.
    pub arrivals: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// Throttled arrivals.
    pub throttled: u64,
    /// Requests whose container's cache held their key.
    pub cache_hits: u64,
    /// Requests whose container's cache did not hold their key.
    pub cache_misses: u64,
}

/// All functions' containers over the whole run, in buckets of equal width.
#[derive(Clone, Debug)]
pub struct TimeSeries {
    /// Bucket width [µs].
    pub width: SimDuration,
    /// The buckets, from time 0; the last may be cut short by the end of the run.
    pub buckets: Vec<Bucket>,
    last: u64,
    /// Whether buckets are added as time goes (the end of the run is not known in advance).
    growing: bool,
    /// A growing series with more rows than this merges pairs of buckets, doubling the width.
    max_rows: Option<usize>,
    /// The bucket last written and its span `[cur_start, cur_end)` [µs]: most updates land in
    /// it, without a division. An empty span until first located, and after merging.
    cur: usize,
    cur_start: u64,
    cur_end: u64,
}

impl TimeSeries {
    /// Buckets of `width` covering `[0, end)`.
    pub fn new(end: SimTime, width: SimDuration) -> TimeSeries {
        let w = width.as_micros().max(1);
        let n = end.0.div_ceil(w).max(1);
        TimeSeries {
            width: SimDuration(w),
            buckets: vec![Bucket::default(); n as usize],
            last: 0,
            growing: false,
            max_rows: None,
            cur: 0,
            cur_start: 0,
            cur_end: 0,
        }
    }

    /// A series for a run whose end is not known in advance: buckets of `width` are added as
    /// time goes; with `max_rows`, pairs of buckets merge whenever there are more, doubling the width.
    pub fn open(width: SimDuration, max_rows: Option<usize>) -> TimeSeries {
        TimeSeries {
            width: SimDuration(width.as_micros().max(1)),
            buckets: vec![Bucket::default()],
            last: 0,
            growing: true,
            max_rows: max_rows.map(|m| m.max(2)),
            cur: 0,
            cur_start: 0,
            cur_end: 0,
        }
    }

    /// The index of the bucket holding `t`, adding buckets (and merging) in a growing series.
    #[inline]
    fn index(&mut self, t: u64) -> usize {
        let mut i = (t / self.width.0) as usize;
        if i >= self.buckets.len() {
            if !self.growing {
                return self.buckets.len() - 1;
            }
            if let Some(max) = self.max_rows {
                // Merge before growing: a far jump must not allocate its rows first.
                while t / self.width.0 >= max as u64 {
                    self.coarsen();
                }
                i = (t / self.width.0) as usize;
            }
            self.buckets.resize(i + 1, Bucket::default());
        }
        i
    }

    /// Merges pairs of buckets, doubling the width.
    fn coarsen(&mut self) {
        let merged = self
            .buckets
            .chunks(2)
            .map(|pair| {
                let mut b = pair[0];
                if let Some(o) = pair.get(1) {
                    b.busy_area += o.busy_area;
                    b.alive_area += o.alive_area;
                    b.peak_alive = b.peak_alive.max(o.peak_alive);
                    b.arrivals += o.arrivals;
                    b.cold_starts += o.cold_starts;
                    b.throttled += o.throttled;
                    b.cache_hits += o.cache_hits;
                    b.cache_misses += o.cache_misses;
                }
                b
            })
            .collect();
        self.buckets = merged;
        self.width = SimDuration(self.width.0.saturating_mul(2));
        (self.cur_start, self.cur_end) = (0, 0);
    }

    /// A width of 1, 2 or 5 times a power of ten seconds (or milliseconds) giving at most `max_rows` buckets over `duration`.
    pub fn auto_width(duration: SimDuration, max_rows: u64) -> SimDuration {
        let min_us = duration.as_micros().div_ceil(max_rows.max(1)).max(1);
        let mut unit = 1u64;
        loop {
            for m in [1, 2, 5] {
                let w = unit.saturating_mul(m);
                if w >= min_us {
                    return SimDuration(w);
                }
            }
            unit = unit.saturating_mul(10);
        }
    }

    /// The bucket holding `t`, which becomes the current one.
    #[inline]
    fn bucket(&mut self, t: SimTime) -> &mut Bucket {
        if !(self.cur_start..self.cur_end).contains(&t.0) {
            self.locate(t.0);
        }
        &mut self.buckets[self.cur]
    }

    /// Makes the bucket holding `t` the current one.
    #[cold]
    fn locate(&mut self, t: u64) {
        let i = self.index(t);
        let w = self.width.0;
        self.cur = i;
        self.cur_start = i as u64 * w;
        // The last bucket of a fixed series also takes what lies beyond it.
        self.cur_end = if !self.growing && i + 1 == self.buckets.len() {
            u64::MAX
        } else {
            (i as u64 + 1).saturating_mul(w)
        };
    }

    /// Accounts for the levels held since the last call, up to `now`; call before they change.
    #[inline]
    pub fn advance(&mut self, now: SimTime, busy: u32, alive: u32) {
        while self.last < now.0 {
            if !(self.cur_start..self.cur_end).contains(&self.last) {
                self.locate(self.last);
            }
            let seg_end = self.cur_end.min(now.0);
            let dt = u128::from(seg_end - self.last);
            let b = &mut self.buckets[self.cur];
            b.busy_area += u128::from(busy) * dt;
            b.alive_area += u128::from(alive) * dt;
            b.peak_alive = b.peak_alive.max(alive);
            self.last = seg_end;
        }
    }

    /// Counts an arrival and how it went.
    #[inline]
    pub fn arrival(&mut self, t: SimTime, cold: bool, throttled: bool) {
        let b = self.bucket(t);
        b.arrivals += 1;
        b.cold_starts += u64::from(cold);
        b.throttled += u64::from(throttled);
    }

    /// Counts a request's cache hit or miss at `t`, when it starts being served.
    #[inline]
    pub fn cache(&mut self, t: SimTime, hit: bool) {
        let b = self.bucket(t);
        if hit {
            b.cache_hits += 1;
        } else {
            b.cache_misses += 1;
        }
    }
}

/// The default number of rows of the time series.
pub const SERIES_ROWS: u64 = 2_000;

/// The most rows a time series may have (a row is 80 bytes).
pub const MAX_SERIES_ROWS: usize = 10_000_000;

/// The most rows of a run of unknown length with a bucket width asked for.
pub const OPEN_SERIES_ROWS: usize = 1_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_integrate_only_inside_the_window() {
        let mut l = Levels::new(SimTime(10));
        l.advance(SimTime(5), 0, 0, 0);
        // Two alive, one busy serving three requests from 5 to 20: only 10..20 counts.
        l.advance(SimTime(20), 1, 2, 3);
        assert_eq!((l.busy_area, l.alive_area, l.peak_alive), (10, 20, 2));
        assert_eq!((l.in_flight_area(), l.peak_in_flight()), (30, 3));
        // One request per container: the busy containers' figures.
        let mut one = Levels::of(SimTime(10), 1, 0);
        one.advance(SimTime(5), 0, 0, 0);
        one.advance(SimTime(20), 2, 2, 2);
        assert_eq!((one.in_flight_area(), one.peak_in_flight()), (20, 2));
        // A container serving several joins at 20: counted apart from then on.
        one.count_in_flight_apart();
        one.advance(SimTime(30), 1, 2, 3);
        assert_eq!(
            (one.busy_area, one.in_flight_area(), one.peak_in_flight()),
            (30, 50, 3)
        );
    }

    #[test]
    fn the_series_splits_levels_across_buckets() {
        let mut s = TimeSeries::new(SimTime(30), SimDuration(10));
        s.advance(SimTime(25), 2, 3);
        let busy: Vec<u128> = s.buckets.iter().map(|b| b.busy_area).collect();
        assert_eq!(busy, vec![20, 20, 10]);
    }

    #[test]
    fn an_open_series_grows_and_merges() {
        let mut s = TimeSeries::open(SimDuration(10), Some(4));
        s.arrival(SimTime(5), true, false);
        s.advance(SimTime(45), 1, 1);
        s.arrival(SimTime(44), false, false);
        // Five buckets of 10 would exceed four rows: merged into three of 20.
        assert_eq!(s.width, SimDuration(20));
        let alive: Vec<u128> = s.buckets.iter().map(|b| b.alive_area).collect();
        assert_eq!(alive, vec![20, 20, 5]);
        let arrivals: Vec<u64> = s.buckets.iter().map(|b| b.arrivals).collect();
        assert_eq!(arrivals, vec![1, 0, 1]);
    }

    #[test]
    fn merged_buckets_add_their_cache_hits_and_misses() {
        let mut s = TimeSeries::open(SimDuration(10), Some(2));
        for (t, hit) in [
            (1, true),
            (2, false),
            (3, true),
            (12, true),
            (13, false),
            (14, false),
        ] {
            s.cache(SimTime(t), hit);
        }
        s.cache(SimTime(25), true);
        // Three buckets of 10 exceed two rows: merged into two of 20.
        assert_eq!(s.width, SimDuration(20));
        let counts: Vec<(u64, u64)> = s
            .buckets
            .iter()
            .map(|b| (b.cache_hits, b.cache_misses))
            .collect();
        assert_eq!(counts, vec![(3, 3), (1, 0)]);
    }

    #[test]
    fn auto_width_is_a_round_number() {
        let day = SimDuration::from_secs(86_400);
        assert_eq!(
            TimeSeries::auto_width(day, 2_000),
            SimDuration::from_secs(50)
        );
        assert_eq!(
            TimeSeries::auto_width(SimDuration::from_secs(60), 2_000),
            SimDuration::from_millis(50)
        );
    }

    #[test]
    fn quantiles_are_clamped_to_the_exact_extremes() {
        let mut l = Latency::new();
        for _ in 0..10 {
            l.record(SimDuration(350_000));
        }
        assert_eq!(l.quantile_ms(0.99), Some(350.0));
        assert_eq!(l.quantile_ms(0.5), Some(350.0));
        assert_eq!(Latency::new().quantile_ms(0.5), None);
        assert_eq!(l.cdf_ms(), vec![(350.0, 1.0)]);
        l.record(SimDuration(1_000));
        let cdf = l.cdf_ms();
        assert_eq!(cdf.len(), 2);
        assert_eq!(cdf[0].1, 1.0 / 11.0);
        assert_eq!(cdf[1], (350.0, 1.0));
    }

    #[test]
    fn compact_buckets_tile_the_line_within_their_bound() {
        // Every value falls in the bucket whose bounds hold it; buckets are contiguous.
        let mut next = 0u64;
        for i in 0..(2 * SUB + 6 * SUB) {
            let (low, width) = Compact::bounds(i);
            assert_eq!(low, next, "bucket {i}");
            assert_eq!(Compact::index(low), i);
            assert_eq!(Compact::index(low + width - 1), i);
            if low >= 64 {
                assert!(width as f64 <= low as f64 / 32.0, "bucket {i}");
            }
            next = low + width;
        }
        assert_eq!(Compact::index(u64::MAX), 60 * SUB - 1);
    }

    #[test]
    fn compact_quantiles_are_within_their_bound() {
        let mut l = Latency::per_function();
        // 1..=10000 ms in 1 ms steps: the q-quantile is q × 10 s.
        for ms in 1..=10_000u64 {
            l.record(SimDuration::from_millis(ms));
        }
        for q in [0.01, 0.25, 0.5, 0.9, 0.99, 0.999] {
            let exact = q * 10_000.0;
            let got = l.quantile_ms(q).unwrap_or(f64::NAN);
            assert!(
                (got - exact).abs() <= exact * 0.016,
                "q {q}: {got} vs {exact}"
            );
        }
        assert_eq!(l.quantile_ms(1.0), Some(10_000.0));
        assert_eq!(l.quantile_ms(0.0), Some(1.0));
        // Small values are exact; recording below the kept range widens it.
        let mut s = Latency::per_function();
        for us in [50u64, 7, 40, 7] {
            s.record(SimDuration(us));
        }
        assert_eq!(s.quantile_ms(0.5), Some(0.007));
        assert_eq!(s.quantile_ms(0.75), Some(0.04));
        let cdf = s.cdf_ms();
        assert_eq!(cdf.first(), Some(&(0.007, 0.5)));
        assert_eq!(cdf.last(), Some(&(0.05, 1.0)));
    }

    #[test]
    fn totals_quantiles_are_within_a_tenth_of_a_percent() {
        // The README's bound for the totals: three significant digits, at most 0.1 %.
        let mut l = Latency::new();
        // 1 µs to 10 s, spread over seven powers of ten: the q-quantile is the
        // ceil(q × n)-th smallest.
        let values: Vec<u64> = (1..=20_000u64).map(|k| k * k / 40 + 1).collect();
        for &v in &values {
            l.record(SimDuration(v));
        }
        for q in [0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999] {
            let rank = (q * values.len() as f64).ceil() as usize;
            let exact = values[rank - 1] as f64 / 1000.0;
            let got = l.quantile_ms(q).unwrap_or(f64::NAN);
            assert!(
                (got - exact).abs() <= exact * 0.001,
                "q {q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn compact_counts_past_two_to_the_32_are_kept_whole() {
        let mut c = Compact::default();
        c.record(100);
        c.counts[0] = u32::MAX;
        c.record(100); // wraps to 0: one wrap of 2^32
        c.record(100);
        assert_eq!(c.buckets().collect::<Vec<_>>(), vec![(100, (1 << 32) + 1)]);
        let mut m = Compact::default();
        m.record(5);
        m.merge(&c);
        m.merge(&c);
        assert_eq!(
            m.buckets().collect::<Vec<_>>(),
            vec![(5, 1), (100, (2 << 32) + 2)]
        );
    }

    #[test]
    fn a_far_jump_in_an_open_series_merges_before_it_grows() {
        let mut s = TimeSeries::open(SimDuration(1), Some(1000));
        s.arrival(SimTime(3), true, false);
        // 10^15 buckets of 1 µs would not fit; the width doubles until 1000 rows hold it.
        s.advance(SimTime(1_000_000_000_000_000), 1, 1);
        assert!(s.buckets.len() <= 1000, "{} rows", s.buckets.len());
        let alive: u128 = s.buckets.iter().map(|b| b.alive_area).sum();
        assert_eq!(alive, 1_000_000_000_000_000);
        assert_eq!(s.buckets[0].arrivals, 1);
    }
}
