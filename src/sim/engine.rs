//! The discrete-event engine: a priority queue of events in integer time driving the container pool.
//!
//! ```text
//!   InvocationArrived ──► idle container? ──yes──► warm start ─┐
//!         │                    │no                             ├──► ExecutionFinished ──► keep-alive policy
//!         │ (next arrival      └──► under limits? ──► cold start ┘                            │
//!         │  drawn lazily)               │no                                   Reclaim ◄──────┤
//!         ▼                              ▼                                          KeepFor(d)│
//!     the queue                      throttled                  KeepAliveExpired ◄────────────┘
//! ```
//!
//! Events at the same instant leave in the order they were scheduled (a sequence number
//! breaks ties). Each function has one pending arrival at a time: memory grows with live
//! containers, never with invocations. Each container has at most one valid keep-alive
//! timer; a timer whose generation no longer matches its container is stale and skipped.

use std::cmp::Ordering;
use std::collections::HashMap;

use dary_heap::QuaternaryHeap;

use crate::model::arrival::{ArrivalProcess, ArrivalSpec, MergedPoisson};
use crate::model::dist::TimeDist;
use crate::model::function::{Function, InvocationType, Scaling};
use crate::model::scenario::{Routing, Scenario};
use crate::rng::{SimRng, Streams};
use crate::sim::policy::eviction::Eviction;
use crate::sim::policy::keep_alive::{Decision, IdleContext, KeepAlive};
use crate::sim::pool::{ContainerId, FunctionId, IdleSet, Pool, State};
use crate::sim::stats::{Connections, FunctionStats, Latency, Levels, TimeSeries};
use crate::time::{SimDuration, SimTime};

/// Something that happens at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An invocation of a function arrived from its own arrival process.
    InvocationArrived(FunctionId),
    /// A function's warmer pings are due.
    WarmerDue(FunctionId),
    /// An asynchronous arrival is due for another try (index into the pending retries).
    RetryDue(u32),
    /// A function's provisioned concurrency is due to change (a schedule step or a
    /// target-tracking tick).
    ScalingDue(FunctionId),
    /// The pending arrival of the trace came due.
    TraceArrived,
    /// The container in this slot finished its invocation (init included, on a cold start).
    ExecutionFinished(u32),
    /// A pre-warmed container of this function is due, if no arrival has cancelled it.
    PrewarmDue {
        /// The function.
        function: FunctionId,
        /// The function's pre-warm generation when it was scheduled.
        generation: u32,
    },
    /// The keep-alive timer of the container in this slot fired, if its generation still matches.
    KeepAliveExpired {
        /// The container's slot.
        slot: u32,
        /// The timer generation it was scheduled with.
        timer: u32,
    },
}

#[derive(Debug)]
struct Queued {
    /// Time in the high 64 bits, sequence number in the low: one comparison orders both.
    key: u128,
    event: Event,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // The heap is a max-heap: reverse for earliest first.
        other.key.cmp(&self.key)
    }
}

/// How an arrival was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A new container was started.
    Cold,
    /// An idle container took it.
    Warm,
    /// A concurrency limit refused it.
    Throttled,
}

/// How a served arrival went, for billing and observers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    /// Cold or warm.
    pub start: Start,
    /// The container that served it.
    pub container: ContainerId,
    /// Init time (zero when warm).
    pub init: SimDuration,
    /// Handler time.
    pub exec: SimDuration,
    /// Whether a provisioned container served it.
    pub provisioned: bool,
}

impl Served {
    /// Counts this invocation in `usage`: on a provisioned container or on demand.
    #[inline]
    fn bill(&self, usage: &mut crate::cost::Usage, memory_mb: u32, rounding_ms: u64) {
        if self.provisioned {
            usage.on_provisioned(memory_mb, self.exec.as_micros(), rounding_ms);
        } else {
            usage.on_demand(
                memory_mb,
                self.init.as_micros(),
                self.exec.as_micros(),
                rounding_ms,
            );
        }
    }
}

/// An asynchronous arrival waiting for its next try.
#[derive(Clone, Copy, Debug)]
struct Retry {
    function: FunctionId,
    /// When it first arrived.
    origin: SimTime,
    /// Its handler time and billed memory, drawn at arrival.
    exec: SimDuration,
    memory_mb: u32,
    /// Tries so far.
    tries: u32,
    /// Whether it arrived inside the statistics window.
    counted: bool,
}

/// A drawn time at a memory size other than the one it was measured at.
#[inline]
fn scaled(d: SimDuration, factor: f64) -> SimDuration {
    if factor == 1.0 {
        d
    } else {
        SimDuration(crate::time::round_non_negative(
            d.as_micros() as f64 * factor,
        ))
    }
}

/// The first retry's delay and the longest [µs]: AWS doubles from 1 s to 5 min.
const RETRY_FIRST_US: u64 = 1_000_000;
const RETRY_MAX_US: u64 = 300_000_000;

/// One invocation as it happened, for observers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Its function.
    pub function: FunctionId,
    /// When it arrived.
    pub arrived: SimTime,
    /// How it was served.
    pub start: Start,
    /// The container that served it; `None` when throttled.
    pub container: Option<ContainerId>,
    /// Time an asynchronous arrival waited in the platform's queue before it started.
    pub queued: SimDuration,
    /// Init time (zero on a warm start or a throttle).
    pub init: SimDuration,
    /// Handler time (zero on a throttle).
    pub exec: SimDuration,
}

impl Invocation {
    /// Arrival to response: queueing, init and exec.
    pub fn latency(&self) -> SimDuration {
        self.queued + self.init + self.exec
    }
}

/// Sees every invocation as it happens, warm-up included. `()` sees nothing and costs nothing.
pub trait Observer {
    /// Called once per arrival, after it was served or throttled.
    fn invocation(&mut self, invocation: &Invocation);
}

impl Observer for () {
    #[inline]
    fn invocation(&mut self, _: &Invocation) {}
}

impl Observer for Vec<Invocation> {
    fn invocation(&mut self, invocation: &Invocation) {
        self.push(*invocation);
    }
}

use crate::model::trace::{ArrivalSource, ExternalArrival};

/// One function's live state during a run. The fields read on every arrival and completion
/// come first, so that they share a few cache lines (`repr(C)` keeps the order): with tens of
/// thousands of functions, each arrival's function is rarely in cache.
#[derive(Debug)]
#[repr(C)]
struct Func {
    /// Containers initializing or executing.
    busy: u32,
    /// Containers alive (busy or idle).
    alive: u32,
    /// Its own cap, when it has reserved concurrency; otherwise it shares the unreserved pool.
    reserved: Option<u32>,
    /// Generation of its pending pre-warm; an arrival bumps it, cancelling the pre-warm.
    prewarm: u32,
    /// Most containers busy at once since the last target-tracking tick.
    interval_peak: u32,
    /// Its memory size [MB], as `def.memory_mb`.
    memory_mb: u32,
    /// Its Poisson arrivals come from the run's merged process instead of `arrivals`.
    merged: bool,
    /// As `def.exec_pinned` and `def.memory_pinned`.
    exec_pinned: bool,
    memory_pinned: bool,
    /// Factor on drawn exec times for its memory size (1 when as measured), and on init times.
    time_factor: f64,
    init_factor: f64,
    /// The policy's window when it is the same for every idle container (see
    /// [`KeepAlive::constant_window`]): applied without asking the policy.
    window: Option<SimDuration>,
    policy: Box<dyn KeepAlive>,
    idle: IdleSet,
    /// Idle provisioned containers, taken before on-demand ones.
    provisioned_idle: IdleSet,
    exec_rng: SimRng,
    /// As `def.exec`.
    exec: Option<TimeDist>,
    stats: FunctionStats,
    def: Function,
    arrivals: Option<ArrivalProcess>,
    arrival_rng: SimRng,
    cold_rng: SimRng,
    policy_rng: SimRng,
    /// Scaling-rate tokens, in units of a token × the refill period [µs]: a cold start spends
    /// one period's worth; they refill at `environments` per period.
    tokens: u128,
    tokens_at: SimTime,
    /// How long a pre-warmed container stays idle once ready.
    prewarm_keep: SimDuration,
    /// Provisioned containers wanted, and alive (more alive only while the extra are busy).
    pc_level: u32,
    pc_alive: u32,
    /// When the current provisioned level was set.
    pc_since: SimTime,
    /// Target-tracking ticks in a row that wanted more, and less.
    want_more: u32,
    want_less: u32,
    /// The next schedule step.
    step: usize,
}

impl Func {
    fn new(def: Function, streams: &mut Streams, routing: Routing, warmup: SimTime) -> Func {
        let mut arrival_rng = streams.stream();
        let arrivals = def.arrival.as_ref().map(|a| {
            a.validate(&mut arrival_rng)
                .unwrap_or_else(|e| unreachable!("validated scenario: {e}"))
        });
        let policy = crate::sim::policy::build(&def.keep_alive);
        Func {
            arrivals,
            merged: false,
            exec_pinned: def.exec_pinned,
            memory_pinned: def.memory_pinned,
            memory_mb: def.memory_mb,
            exec: def.exec.clone(),
            window: policy.constant_window(),
            arrival_rng,
            exec_rng: streams.stream(),
            cold_rng: streams.stream(),
            policy_rng: streams.stream(),
            policy,
            idle: IdleSet::new(routing),
            provisioned_idle: IdleSet::new(routing),
            busy: 0,
            alive: 0,
            reserved: def.reserved_concurrency,
            time_factor: def.time_factor(),
            init_factor: def.init_factor(),
            tokens: u128::MAX,
            tokens_at: SimTime::ZERO,
            prewarm: 0,
            prewarm_keep: SimDuration::ZERO,
            pc_level: 0,
            pc_alive: 0,
            pc_since: SimTime::ZERO,
            interval_peak: 0,
            want_more: 0,
            want_less: 0,
            step: 0,
            stats: FunctionStats::new(warmup),
            def,
        }
    }
}

/// Takes the Poisson arrivals of every function with a Poisson process into one merged
/// process: with one such function, its own process and stream; with more, a stream cut after
/// every function's own. Not when their summed rate is beyond the clock's resolution (each
/// keeps its own process then).
fn merge_poisson(
    funcs: &mut [Func],
    streams: &mut Streams,
) -> (Option<MergedPoisson>, Vec<FunctionId>) {
    let mut members = Vec::new();
    let mut rates = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        if let Some(ArrivalSpec::Poisson { rate_per_s }) = &f.def.arrival {
            members.push(FunctionId(i as u32));
            rates.push(*rate_per_s);
        }
    }
    let rng = match members.as_slice() {
        [] => return (None, members),
        [only] => funcs[only.0 as usize].arrival_rng.clone(),
        _ => streams.stream(),
    };
    let Some(merged) = MergedPoisson::new(&rates, rng) else {
        return (None, Vec::new());
    };
    for m in &members {
        let f = &mut funcs[m.0 as usize];
        f.arrivals = None;
        f.merged = true;
    }
    (Some(merged), members)
}

/// A run of one scenario: build it, [`Simulation::run`] it, read its statistics.
#[derive(Debug)]
pub struct Simulation {
    now: SimTime,
    end: SimTime,
    warmup: SimTime,
    queue: QuaternaryHeap<Queued>,
    /// Keep-alive expiries and pre-warms: minutes ahead, one per idle container, so tens of
    /// thousands at region scale. Apart from the executions of `queue` (a few per busy
    /// container, due soon), so that the hot heap stays small and in cache.
    timers: QuaternaryHeap<Queued>,
    seq: u64,
    /// The Poisson arrivals of every function with a Poisson process, drawn as one process
    /// and kept out of the queue: its pending arrival (queue key and function) is compared
    /// with the queue's head, so the order is the queue's own.
    merged: Option<MergedPoisson>,
    merged_members: Vec<FunctionId>,
    merged_next: Option<(u128, FunctionId)>,
    /// The queue key of the trace's pending arrival, kept out of the queue the same way.
    trace_next: Option<u128>,
    pool: Pool,
    funcs: Vec<Func>,
    /// Busy containers of functions without reserved concurrency, and their shared capacity.
    shared_busy: u32,
    shared_capacity: u32,
    max_lifetime: Option<SimDuration>,
    /// Billed durations are rounded up to this [ms].
    rounding_ms: u64,
    router_rng: SimRng,
    total_busy: u32,
    total_alive: u32,
    total_levels: Levels,
    /// Connections held open by alive containers over all functions.
    connections: Connections,
    /// Latencies of all functions' cold starts and warm starts, apart.
    cold_latency: Latency,
    warm_latency: Latency,
    /// Queueing delay of all asynchronous arrivals served after retries.
    queue_delay: Latency,
    series: TimeSeries,
    events: u64,
    /// Arrival events in the queue, of processes and of the trace.
    arrivals_pending: u32,
    /// The run ends when arrivals and executions are over, not at a set instant.
    open_end: bool,
    streams: Streams,
    routing: Routing,
    /// Scaling rate: environments per period, and the period [µs].
    scaling: Option<(u32, u64)>,
    /// Asynchronous arrivals waiting for a retry, and their free slots.
    retries: Vec<Retry>,
    free_retries: Vec<u32>,
    /// The bounded pool's eviction order and memory, if bounded.
    eviction: Option<Eviction>,
    /// The scenario, for functions that first appear in the trace.
    scenario: Scenario,
    by_name: HashMap<String, u32>,
    source: Option<Box<dyn ArrivalSource>>,
    /// The source has no more arrivals.
    source_done: bool,
    /// The trace's arrival that is in the queue.
    pending: Option<ExternalArrival>,
    /// Engine function of each source function index; `u32::MAX` until first seen.
    source_map: Vec<u32>,
    failure: Option<String>,
}

/// The default number of rows of the time series.
pub const SERIES_ROWS: u64 = 2_000;

/// The most rows a time series may have (a row is 64 bytes).
pub const MAX_SERIES_ROWS: usize = 10_000_000;

/// The most rows of a run of unknown length with a bucket width asked for.
pub const OPEN_SERIES_ROWS: usize = 1_000_000;

impl Simulation {
    /// Prepares a run with the scenario's own seed and an automatic time-series width.
    pub fn new(scenario: &Scenario) -> Simulation {
        Simulation::with_options(scenario, scenario.seed, None)
    }

    /// Prepares a run with this seed and, optionally, a time-series bucket width.
    pub fn with_options(scenario: &Scenario, seed: u64, bucket: Option<SimDuration>) -> Simulation {
        Simulation::with_source(scenario, seed, bucket, None)
    }

    /// Prepares a run with this seed, an optional time-series bucket width, and optionally a
    /// trace whose arrivals join those of the scenario's own processes.
    pub fn with_source(
        scenario: &Scenario,
        seed: u64,
        bucket: Option<SimDuration>,
        source: Option<Box<dyn ArrivalSource>>,
    ) -> Simulation {
        let open_end = scenario.duration.is_none();
        let end = scenario
            .duration
            .map_or(SimTime::NEVER, |d| SimTime(d.as_micros()));
        let warmup = SimTime(scenario.warmup.as_micros());
        let mut streams = Streams::new(seed);
        let router_rng = streams.stream();
        let routing = scenario.platform.routing;
        let reserved_total: u32 = scenario
            .functions
            .iter()
            .filter_map(|f| f.reserved_concurrency)
            .sum();
        let mut funcs: Vec<Func> = scenario
            .functions
            .iter()
            .map(|f| Func::new(f.clone(), &mut streams, routing, warmup))
            .collect();
        let (merged, merged_members) = merge_poisson(&mut funcs, &mut streams);
        let by_name = scenario
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        let series = match (scenario.duration, bucket) {
            (Some(d), b) => TimeSeries::new(
                end,
                b.unwrap_or_else(|| TimeSeries::auto_width(d, SERIES_ROWS)),
            ),
            // A trace of unknown length: the asked width until the rows would pass
            // OPEN_SERIES_ROWS, then pairs of rows merge (doubling the width).
            (None, Some(b)) => TimeSeries::open(b, Some(OPEN_SERIES_ROWS)),
            (None, None) => {
                TimeSeries::open(SimDuration::from_secs(1), Some(2 * SERIES_ROWS as usize))
            }
        };
        let mut sim = Simulation {
            now: SimTime::ZERO,
            end,
            warmup,
            queue: QuaternaryHeap::new(),
            timers: QuaternaryHeap::new(),
            seq: 0,
            merged,
            merged_members,
            merged_next: None,
            trace_next: None,
            pool: Pool::default(),
            funcs,
            shared_busy: 0,
            shared_capacity: scenario.platform.account_concurrency - reserved_total,
            max_lifetime: scenario.platform.max_lifetime,
            rounding_ms: scenario.cost.sheet.duration.rounding_ms,
            router_rng,
            total_busy: 0,
            total_alive: 0,
            total_levels: Levels::new(warmup),
            connections: Connections::new(warmup, scenario.platform.max_connections),
            cold_latency: Latency::new(),
            warm_latency: Latency::new(),
            queue_delay: Latency::new(),
            series,
            events: 0,
            arrivals_pending: 0,
            open_end,
            streams,
            routing,
            scenario: scenario.clone(),
            by_name,
            source,
            source_done: false,
            scaling: scenario
                .platform
                .scaling
                .map(|(n, every)| (n, every.as_micros())),
            retries: Vec::new(),
            free_retries: Vec::new(),
            eviction: scenario
                .platform
                .capacity_gb
                .map(|gb| Eviction::new(scenario.platform.eviction, (gb * 1024.0).floor() as u64)),
            pending: None,
            source_map: Vec::new(),
            failure: None,
        };
        let first_merged = sim.merged_members.first().copied();
        for i in 0..sim.funcs.len() {
            sim.provision(i);
            // The merged process's first arrival is drawn in its first member's place.
            if !sim.funcs[i].merged {
                sim.schedule_next_arrival(FunctionId(i as u32));
            } else if first_merged == Some(FunctionId(i as u32)) {
                sim.schedule_merged_arrival();
            }
            if sim.funcs[i].def.warmer.is_some() {
                sim.schedule(SimTime::ZERO, Event::WarmerDue(FunctionId(i as u32)));
            }
        }
        sim.schedule_trace_arrival();
        sim
    }

    #[inline]
    fn schedule(&mut self, at: SimTime, event: Event) {
        debug_assert!(at >= self.now, "scheduled into the past");
        if at < self.end {
            let key = (u128::from(at.0) << 64) | u128::from(self.seq);
            self.seq += 1;
            match event {
                Event::KeepAliveExpired { .. } | Event::PrewarmDue { .. } => {
                    self.timers.push(Queued { key, event });
                }
                _ => self.queue.push(Queued { key, event }),
            }
        }
    }

    /// Draws the merged Poisson process's next arrival, if it comes before the end.
    #[inline]
    fn schedule_merged_arrival(&mut self) {
        let Some(merged) = &mut self.merged else {
            return;
        };
        if let Some((t, member)) = merged.next_arrival() {
            if t < self.end {
                let key = (u128::from(t.0) << 64) | u128::from(self.seq);
                self.seq += 1;
                self.arrivals_pending += 1;
                self.merged_next = Some((key, self.merged_members[member]));
            }
        }
    }

    #[inline]
    fn schedule_next_arrival(&mut self, f: FunctionId) {
        let func = &mut self.funcs[f.0 as usize];
        if func.merged {
            self.schedule_merged_arrival();
            return;
        }
        let Some(process) = &mut func.arrivals else {
            return;
        };
        if let Some(t) = process.next_arrival(&mut func.arrival_rng) {
            if t < self.end {
                self.arrivals_pending += 1;
                self.schedule(t, Event::InvocationArrived(f));
            }
        }
    }

    /// Sets a function's provisioned concurrency at time 0 and schedules its changes.
    fn provision(&mut self, f: usize) {
        let def = &self.funcs[f].def;
        let level = match &def.scaling {
            None => def.provisioned_concurrency,
            Some(Scaling::Schedule { steps, .. }) => {
                // The step in force at offset 0: the first if it starts there, else the last
                // of the previous period.
                let first = steps.first().filter(|s| s.0 == SimDuration::ZERO);
                let level = first.or(steps.last()).map_or(0, |s| s.1);
                self.funcs[f].step = usize::from(first.is_some());
                level
            }
            Some(Scaling::Target { min, max, .. }) => def.provisioned_concurrency.clamp(*min, *max),
        };
        self.set_level(f, level);
        let next = match &self.funcs[f].def.scaling {
            None => None,
            Some(Scaling::Schedule { steps, period }) => {
                let i = self.funcs[f].step;
                Some(steps.get(i).map_or(*period + steps[0].0, |s| s.0))
            }
            Some(Scaling::Target { interval, .. }) => Some(*interval),
        };
        if let Some(at) = next {
            self.schedule(
                SimTime(at.as_micros()),
                Event::ScalingDue(FunctionId(f as u32)),
            );
        }
    }

    /// A schedule step or a target-tracking tick of function `f`.
    fn scale(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        self.touch(fi);
        let now = self.now;
        let func = &mut self.funcs[fi];
        let (level, next) = match &func.def.scaling {
            None => return,
            Some(Scaling::Schedule { period, steps }) => {
                let (_, level) = steps[func.step];
                func.step = (func.step + 1) % steps.len();
                // Offsets are within the period: the next step is the first later one.
                let cycle = now.as_micros() / period.as_micros();
                let mut at = cycle * period.as_micros() + steps[func.step].0.as_micros();
                if at <= now.as_micros() {
                    at += period.as_micros();
                }
                (level, SimTime(at))
            }
            Some(Scaling::Target {
                utilization,
                min,
                max,
                interval,
                out_after,
                in_after,
            }) => {
                let observed = func.interval_peak.max(func.busy);
                func.interval_peak = func.busy;
                let wanted = ((f64::from(observed) / utilization).ceil() as u32).clamp(*min, *max);
                let mut level = func.pc_level;
                if wanted > level {
                    func.want_more += 1;
                    func.want_less = 0;
                    if func.want_more >= *out_after {
                        level = wanted;
                        func.want_more = 0;
                    }
                } else if wanted < level {
                    func.want_less += 1;
                    func.want_more = 0;
                    if func.want_less >= *in_after {
                        level = wanted;
                        func.want_less = 0;
                    }
                } else {
                    func.want_more = 0;
                    func.want_less = 0;
                }
                (level, now + *interval)
            }
        };
        self.set_level(fi, level);
        self.schedule(next, Event::ScalingDue(f));
    }

    /// Bills the provisioned level held since it was last set, up to now: clipped to the
    /// window, rounded up to 5 minutes.
    fn bill_provisioned(&mut self, f: usize) {
        const UNIT_US: u64 = 300 * 1_000_000;
        let func = &mut self.funcs[f];
        let from = func.pc_since.max(self.warmup);
        if func.pc_level > 0 && self.now > from {
            let held = (self.now - from).as_micros().div_ceil(UNIT_US) * UNIT_US;
            func.stats.provisioned_us += u128::from(func.pc_level) * u128::from(held);
        }
        func.pc_since = self.now;
    }

    /// Sets function `f`'s provisioned level: new containers are ready at once; surplus idle
    /// ones are reclaimed now, surplus busy ones when their invocation ends.
    fn set_level(&mut self, f: usize, level: u32) {
        if level == self.funcs[f].pc_level && level == self.funcs[f].pc_alive {
            return; // unchanged: the level's billing period goes on
        }
        self.bill_provisioned(f);
        self.funcs[f].pc_level = level;
        while self.funcs[f].pc_alive > level {
            let func = &mut self.funcs[f];
            let Some(slot) = func.provisioned_idle.pick(&mut self.router_rng) else {
                break;
            };
            func.provisioned_idle.remove(&mut self.pool, slot);
            func.pc_alive -= 1;
            self.reclaim(slot);
        }
        while self.funcs[f].pc_alive < level {
            self.funcs[f].pc_alive += 1;
            let slot = self.pool.create(FunctionId(f as u32), self.now);
            let c = self.pool.get_mut(slot);
            c.provisioned = true;
            c.state = State::Idle;
            c.deadline = SimTime::NEVER;
            let func = &mut self.funcs[f];
            func.provisioned_idle.insert(&mut self.pool, slot);
            func.alive += 1;
            let memory_mb = func.def.memory_mb;
            self.container_up(f);
            // Provisioned memory is taken first and never evicted.
            if let Some(e) = &mut self.eviction {
                e.used_mb += u64::from(memory_mb);
            }
        }
    }

    /// Pulls the trace's next arrival into the queue.
    fn schedule_trace_arrival(&mut self) {
        let Some(source) = &mut self.source else {
            return;
        };
        if self.source_done {
            return;
        }
        match source.next_arrival() {
            Some(a) if a.at < self.end => {
                debug_assert!(a.at >= self.now, "a trace went back in time");
                self.pending = Some(a);
                self.arrivals_pending += 1;
                let at = a.at.max(self.now);
                self.trace_next = Some((u128::from(at.0) << 64) | u128::from(self.seq));
                self.seq += 1;
            }
            // Kept, not dropped: the last arrival's function may still need registering.
            _ => self.source_done = true,
        }
    }

    /// The engine function of a trace's function, registered on first sight.
    fn trace_function(&mut self, index: u32) -> Option<FunctionId> {
        let i = index as usize;
        if let Some(&f) = self.source_map.get(i) {
            if f != u32::MAX {
                return Some(FunctionId(f));
            }
        }
        let meta = self.source.as_ref().map(|s| s.function(index))?;
        let f = match self.by_name.get(&meta.name) {
            Some(&f) => f,
            None => {
                let def = match self
                    .scenario
                    .trace_function(&meta.name, meta.exec, meta.memory_mb)
                {
                    Ok(def) => def,
                    Err(e) => {
                        self.failure = Some(e);
                        return None;
                    }
                };
                let f = self.funcs.len() as u32;
                let func = Func::new(def, &mut self.streams, self.routing, self.warmup);
                self.funcs.push(func);
                self.by_name.insert(meta.name, f);
                f
            }
        };
        if self.source_map.len() <= i {
            self.source_map.resize(i + 1, u32::MAX);
        }
        self.source_map[i] = f;
        Some(FunctionId(f))
    }

    /// Runs to the end, telling `observer` of every invocation.
    pub fn run<O: Observer>(&mut self, observer: &mut O) {
        while !self.step(u64::MAX, observer) {}
    }

    /// Handles up to `max_events` events; returns `true` once the run is over. Lets a caller
    /// show progress between slices of a long run.
    pub fn step<O: Observer>(&mut self, max_events: u64, observer: &mut O) -> bool {
        let mut left = max_events;
        while left > 0 {
            if self.failure.is_some()
                || (self.open_end && self.arrivals_pending == 0 && self.total_busy == 0)
            {
                self.finish();
                return true;
            }
            // The earliest of the two heaps' heads and the two pending arrivals kept beside
            // them: keys are unique, so this is the order one queue of everything would give.
            // No key is `u128::MAX`: everything is scheduled before the end, so its time is
            // below `u64::MAX`.
            let none = u128::MAX;
            let queued = self.queue.peek().map_or(none, |q| q.key);
            let timer = self.timers.peek().map_or(none, |q| q.key);
            let merged = self.merged_next.map_or(none, |m| m.0);
            let traced = self.trace_next.unwrap_or(none);
            let first = queued.min(timer).min(merged).min(traced);
            let (key, event) = if first == none {
                self.finish();
                return true;
            } else if first == queued {
                let Some(Queued { key, event }) = self.queue.pop() else {
                    unreachable!("peeked above")
                };
                (key, event)
            } else if first == merged {
                let Some((key, f)) = self.merged_next.take() else {
                    unreachable!("compared above")
                };
                (key, Event::InvocationArrived(f))
            } else if first == traced {
                self.trace_next = None;
                (traced, Event::TraceArrived)
            } else {
                let Some(Queued { key, event }) = self.timers.pop() else {
                    unreachable!("peeked above")
                };
                (key, event)
            };
            let now = SimTime((key >> 64) as u64);
            debug_assert!(now >= self.now, "the clock went back");
            self.now = now;
            self.events += 1;
            left -= 1;
            match event {
                Event::InvocationArrived(f) => {
                    self.arrivals_pending -= 1;
                    self.schedule_next_arrival(f);
                    self.arrived(f, None, observer);
                }
                Event::TraceArrived => {
                    self.arrivals_pending -= 1;
                    let Some(a) = self.pending.take() else {
                        unreachable!("a trace event always has its arrival")
                    };
                    self.schedule_trace_arrival();
                    if let Some(f) = self.trace_function(a.function) {
                        self.arrived(f, Some(a), observer);
                    }
                }
                Event::ExecutionFinished(slot) => self.finished(slot),
                Event::KeepAliveExpired { slot, timer } => self.expired(slot, timer),
                Event::WarmerDue(f) => self.pinged(f),
                Event::RetryDue(i) => self.retried(i, observer),
                Event::ScalingDue(f) => self.scale(f),
                Event::PrewarmDue {
                    function,
                    generation,
                } => self.prewarmed(function, generation),
            }
        }
        false
    }

    /// Brings the time integrals of function `f` and of the series up to now.
    #[inline(always)]
    fn touch(&mut self, f: usize) {
        let func = &mut self.funcs[f];
        func.stats.levels.advance(self.now, func.busy, func.alive);
        self.total_levels
            .advance(self.now, self.total_busy, self.total_alive);
        self.connections.advance(self.now);
        self.series
            .advance(self.now, self.total_busy, self.total_alive);
    }

    #[inline]
    fn arrived<O: Observer>(
        &mut self,
        f: FunctionId,
        traced: Option<ExternalArrival>,
        observer: &mut O,
    ) {
        let now = self.now;
        let fi = f.0 as usize;
        self.touch(fi);
        let func = &mut self.funcs[fi];
        if func.window.is_none() {
            func.policy.on_arrival(now);
        }
        func.prewarm = func.prewarm.wrapping_add(1);
        // Drawn for every arrival, served or not, so that the k-th arrival of a function gets
        // the same handler time whatever the policy (common random numbers).
        // A [[function]] entry's own exec and memory win over the trace's rows (a what-if).
        let row_exec = traced.and_then(|a| a.exec).filter(|_| !func.exec_pinned);
        let exec = match (row_exec, &func.exec) {
            (Some(e), _) => e,
            (None, Some(d)) => scaled(d.sample(&mut func.exec_rng), func.time_factor),
            (None, None) => {
                self.failure = Some(format!(
                    "function {:?}: an invocation of the trace has no handler time and the function has no exec; set one (coldsim cost: --exec 100ms; a scenario: exec in [defaults] or [[function]])",
                    func.def.name
                ));
                return;
            }
        };
        let memory_mb = traced
            .and_then(|a| a.memory_mb)
            .filter(|_| !func.memory_pinned)
            .unwrap_or(func.memory_mb);
        let counted = now >= self.warmup;
        if counted {
            func.stats.invocations += 1;
        }
        self.attempt(
            Retry {
                function: f,
                origin: now,
                exec,
                memory_mb,
                tries: 0,
                counted,
            },
            observer,
        );
    }

    /// An asynchronous arrival's retry comes due.
    fn retried<O: Observer>(&mut self, i: u32, observer: &mut O) {
        let r = self.retries[i as usize];
        self.free_retries.push(i);
        self.touch(r.function.0 as usize);
        self.attempt(r, observer);
    }

    /// Tries to serve an arrival (first try or retry). Over a limit, a synchronous one is
    /// throttled; an asynchronous one is retried after 1 s, 2 s, 4 s ... up to 5 min, unless the
    /// retry would come after its maximum event age, when it is dropped.
    #[inline]
    fn attempt<O: Observer>(&mut self, r: Retry, observer: &mut O) {
        let now = self.now;
        let f = r.function;
        let fi = f.0 as usize;
        let Some(served) = self.serve(fi, r.exec) else {
            let func = &mut self.funcs[fi];
            if func.def.invocation == InvocationType::Async {
                let delay = RETRY_FIRST_US
                    .checked_shl(r.tries)
                    .unwrap_or(RETRY_MAX_US)
                    .min(RETRY_MAX_US);
                let at = now + SimDuration(delay);
                if at - r.origin <= func.def.max_event_age {
                    let retry = Retry {
                        tries: r.tries + 1,
                        ..r
                    };
                    let i = match self.free_retries.pop() {
                        Some(i) => {
                            self.retries[i as usize] = retry;
                            i
                        }
                        None => {
                            self.retries.push(retry);
                            (self.retries.len() - 1) as u32
                        }
                    };
                    self.schedule(at, Event::RetryDue(i));
                    if at >= self.end {
                        self.free_retries.push(i); // never handled: the run ends first
                        if r.counted {
                            self.funcs[fi].stats.pending += 1;
                        }
                    }
                    return;
                }
                if r.counted {
                    func.stats.dropped += 1;
                }
            } else if r.counted {
                func.stats.throttled += 1;
            }
            self.series.arrival(r.origin, false, true);
            observer.invocation(&Invocation {
                function: f,
                arrived: r.origin,
                start: Start::Throttled,
                container: None,
                queued: now - r.origin,
                init: SimDuration::ZERO,
                exec: SimDuration::ZERO,
            });
            return;
        };
        let counted = r.counted;
        let memory_mb = r.memory_mb;
        let inv = Invocation {
            function: f,
            arrived: r.origin,
            start: served.start,
            container: Some(served.container),
            queued: now - r.origin,
            init: served.init,
            exec: served.exec,
        };
        if counted && r.tries > 0 {
            let func = &mut self.funcs[fi];
            func.stats.retried += 1;
            func.stats.queue_delay.record(inv.queued);
            self.queue_delay.record(inv.queued);
        }
        let cold = inv.start == Start::Cold;
        let func = &mut self.funcs[fi];
        if counted {
            if cold {
                func.stats.cold_starts += 1;
            } else {
                func.stats.warm_starts += 1;
            }
            func.stats.latency.record(inv.latency());
            if cold {
                self.cold_latency.record(inv.latency());
            } else {
                self.warm_latency.record(inv.latency());
            }
            served.bill(&mut func.stats.usage, memory_mb, self.rounding_ms);
        }
        self.series.arrival(r.origin, cold, false);
        observer.invocation(&inv);
    }

    /// Serves an arrival of function `f` with handler time `exec`: a provisioned container
    /// first, then an idle one the routing rule picks, else a new one; `None` when a
    /// concurrency limit throttles it. The container is busy until its execution ends.
    #[inline]
    fn serve(&mut self, fi: usize, exec: SimDuration) -> Option<Served> {
        let now = self.now;
        let func = &mut self.funcs[fi];
        let throttled = match func.reserved {
            Some(cap) => func.busy >= cap,
            None => self.shared_busy >= self.shared_capacity,
        };
        if throttled {
            return None;
        }
        let provisioned = {
            let slot = func.provisioned_idle.pick(&mut self.router_rng);
            if let Some(slot) = slot {
                func.provisioned_idle.remove(&mut self.pool, slot);
            }
            slot
        };
        let mut served = Served {
            start: Start::Warm,
            container: ContainerId(0),
            init: SimDuration::ZERO,
            exec,
            provisioned: provisioned.is_some(),
        };
        let slot = match provisioned.or_else(|| self.take_idle(fi)) {
            Some(slot) => {
                self.pool.get_mut(slot).state = State::Executing;
                slot
            }
            None => {
                if !self.has_token(fi) || !self.make_room(fi) {
                    return None;
                }
                if let Some((_, every)) = self.scaling {
                    self.funcs[fi].tokens -= u128::from(every);
                }
                let func = &mut self.funcs[fi];
                served.start = Start::Cold;
                served.init = scaled(func.def.init.sample(&mut func.cold_rng), func.init_factor);
                if let Some(d) = &func.def.cold_exec {
                    served.exec = scaled(d.sample(&mut func.cold_rng), func.time_factor);
                }
                func.alive += 1;
                self.container_up(fi);
                let slot = self.pool.create(FunctionId(fi as u32), now);
                self.pool.get_mut(slot).init_us = served.init.as_micros();
                slot
            }
        };
        let func = &mut self.funcs[fi];
        func.busy += 1;
        func.interval_peak = func.interval_peak.max(func.busy);
        self.total_busy += 1;
        if func.reserved.is_none() {
            self.shared_busy += 1;
        }
        served.container = self.pool.get(slot).id;
        self.schedule(
            now + served.init + served.exec,
            Event::ExecutionFinished(slot),
        );
        Some(served)
    }

    /// A warmer's pings come due: `containers` simultaneous invocations of `ping` each, so
    /// that as many containers stay warm. They look like any arrival to the platform (the
    /// keep-alive policy hears of them), are billed, but count in no user statistic.
    fn pinged(&mut self, f: FunctionId) {
        let fi = f.0 as usize;
        let Some(w) = self.funcs[fi].def.warmer else {
            return;
        };
        self.touch(fi);
        let now = self.now;
        self.schedule(now + w.every, Event::WarmerDue(f));
        let counted = now >= self.warmup;
        for _ in 0..w.containers {
            let func = &mut self.funcs[fi];
            func.policy.on_arrival(now);
            func.prewarm = func.prewarm.wrapping_add(1);
            let memory_mb = func.def.memory_mb;
            let Some(served) = self.serve(fi, w.ping) else {
                break;
            };
            if counted {
                let func = &mut self.funcs[fi];
                func.stats.warmer_pings += 1;
                func.stats.warmer_cold_starts += u64::from(served.start == Start::Cold);
                served.bill(&mut func.stats.usage, memory_mb, self.rounding_ms);
            }
        }
    }

    /// Takes the idle container the routing rule picks, reclaiming any whose deadline has
    /// come: the keep-alive window is half-open, so an arrival exactly at the deadline is cold.
    #[inline]
    fn take_idle(&mut self, f: usize) -> Option<u32> {
        loop {
            let slot = self.funcs[f].idle.pick(&mut self.router_rng)?;
            self.unidle(f, slot);
            if self.pool.get(slot).deadline > self.now {
                return Some(slot);
            }
            self.reclaim(slot);
        }
    }

    /// Counts a new container of function `f` in the totals and its open connections.
    #[inline]
    fn container_up(&mut self, f: usize) {
        self.total_alive += 1;
        self.connections.level += u64::from(self.funcs[f].def.connections);
    }

    fn reclaim(&mut self, slot: u32) {
        let f = self.pool.get(slot).function.0 as usize;
        self.funcs[f].alive -= 1;
        self.total_alive -= 1;
        self.connections.level -= u64::from(self.funcs[f].def.connections);
        if let Some(e) = &mut self.eviction {
            e.used_mb -= u64::from(self.funcs[f].def.memory_mb);
        }
        self.pool.release(slot);
    }

    /// Takes an idle container out of its function's idle set (and the eviction order).
    #[inline]
    fn unidle(&mut self, f: usize, slot: u32) {
        self.funcs[f].idle.remove(&mut self.pool, slot);
        if let Some(e) = &mut self.eviction {
            let c = self.pool.get(slot);
            e.remove(
                c.evict_key,
                c.id.0,
                slot,
                u64::from(self.funcs[f].def.memory_mb),
            );
        }
    }

    /// Refills function `f`'s scaling-rate bucket up to now; whether a cold start may start.
    fn has_token(&mut self, f: usize) -> bool {
        let Some((n, every)) = self.scaling else {
            return true;
        };
        let full = u128::from(n) * u128::from(every);
        let func = &mut self.funcs[f];
        let elapsed = (self.now - func.tokens_at).as_micros();
        func.tokens = func
            .tokens
            .min(full)
            .saturating_add(u128::from(elapsed) * u128::from(n))
            .min(full);
        func.tokens_at = self.now;
        func.tokens >= u128::from(every)
    }

    /// Makes room for a new container of function `f` in a memory-bounded pool, evicting idle
    /// containers in the rule's order, and counts its memory; `false` when even evicting every
    /// idle container would not be enough (nothing is evicted then).
    fn make_room(&mut self, f: usize) -> bool {
        let need = u64::from(self.funcs[f].def.memory_mb);
        let Some(e) = &self.eviction else {
            return true;
        };
        // Evict only if it would be enough: idle memory is all that can be freed.
        if !e.could_fit(need) {
            return false;
        }
        while self.eviction.as_ref().is_some_and(|e| !e.fits(need)) {
            let Some(victim) = self.eviction.as_mut().and_then(Eviction::victim) else {
                return false;
            };
            let g = self.pool.get(victim).function.0 as usize;
            self.touch(g);
            self.unidle(g, victim);
            if self.now >= self.warmup {
                self.funcs[g].stats.evictions += 1;
            }
            self.reclaim(victim);
        }
        if let Some(e) = &mut self.eviction {
            e.used_mb += need;
        }
        true
    }

    #[inline]
    fn finished(&mut self, slot: u32) {
        let now = self.now;
        let (f, created, served) = {
            let c = self.pool.get_mut(slot);
            c.served += 1;
            (c.function.0 as usize, c.created, c.served)
        };
        self.touch(f);
        let func = &mut self.funcs[f];
        func.busy -= 1;
        self.total_busy -= 1;
        if func.reserved.is_none() {
            self.shared_busy -= 1;
        }
        if self.pool.get(slot).provisioned {
            if func.pc_alive > func.pc_level {
                func.pc_alive -= 1;
                self.reclaim(slot);
                return;
            }
            func.provisioned_idle.insert(&mut self.pool, slot);
            self.pool.get_mut(slot).state = State::Idle;
            return;
        }
        let retire_at = self.max_lifetime.map(|l| created + l);
        if retire_at.is_some_and(|r| now >= r) {
            self.reclaim(slot);
            return;
        }
        let first_idle = {
            let c = self.pool.get_mut(slot);
            if c.first_idle == SimTime::NEVER {
                c.first_idle = now;
            }
            c.first_idle
        };
        let ctx = IdleContext {
            now,
            created,
            first_idle,
            served,
            busy: func.busy,
        };
        let decision = match func.window {
            Some(window) => Decision::KeepFor(window),
            None => func.policy.on_idle(&ctx, &mut func.policy_rng),
        };
        let deadline = match decision {
            Decision::Reclaim => now,
            Decision::KeepFor(d) => (now + d).min(retire_at.unwrap_or(SimTime::NEVER)),
            Decision::Prewarm { after, keep } => {
                func.prewarm = func.prewarm.wrapping_add(1);
                func.prewarm_keep = keep;
                let event = Event::PrewarmDue {
                    function: FunctionId(f as u32),
                    generation: func.prewarm,
                };
                self.schedule(now + after, event);
                now
            }
        };
        if deadline <= now {
            self.reclaim(slot);
            return;
        }
        self.make_idle(f, slot, deadline);
    }

    /// Puts a container in its function's idle set until `deadline`, arming its timer.
    #[inline]
    fn make_idle(&mut self, f: usize, slot: u32, deadline: SimTime) {
        self.funcs[f].idle.insert(&mut self.pool, slot);
        if let Some(e) = &mut self.eviction {
            let func = &self.funcs[f];
            let c = self.pool.get_mut(slot);
            c.evict_key = e.key(
                self.now.as_micros(),
                deadline.as_micros(),
                func.stats.invocations,
                c.init_us as f64 / 1_000.0,
                func.def.memory_mb,
            );
            e.insert(c.evict_key, c.id.0, slot, u64::from(func.def.memory_mb));
        }
        let c = self.pool.get_mut(slot);
        c.state = State::Idle;
        c.deadline = deadline;
        // A pending timer that fires no later than the new deadline will re-arm itself; only
        // an earlier deadline needs a new timer, which makes the pending one stale.
        if c.timer_at > deadline && deadline < self.end {
            c.timer = c.timer.wrapping_add(1);
            c.timer_at = deadline;
            let timer = c.timer;
            self.schedule(deadline, Event::KeepAliveExpired { slot, timer });
        }
    }

    /// A pre-warm comes due: unless an arrival cancelled it, a warm container appears, idle
    /// for the policy's window. Its init happened just before, at the provider's expense: it
    /// is neither a cold start nor billed.
    fn prewarmed(&mut self, f: FunctionId, generation: u32) {
        let fi = f.0 as usize;
        if self.funcs[fi].prewarm != generation {
            return;
        }
        self.touch(fi);
        let now = self.now;
        let keep = self.funcs[fi].prewarm_keep;
        // A pre-warm takes free memory only: it never evicts.
        let need = u64::from(self.funcs[fi].def.memory_mb);
        if let Some(e) = &mut self.eviction {
            if !e.fits(need) {
                return;
            }
            e.used_mb += need;
        }
        let slot = self.pool.create(f, now);
        self.pool.get_mut(slot).first_idle = now;
        self.funcs[fi].alive += 1;
        self.container_up(fi);
        let func = &mut self.funcs[fi];
        if now >= self.warmup {
            func.stats.prewarms += 1;
        }
        let retire_at = self.max_lifetime.map_or(SimTime::NEVER, |l| now + l);
        self.make_idle(fi, slot, (now + keep).min(retire_at));
    }

    fn expired(&mut self, slot: u32, timer: u32) {
        let now = self.now;
        let c = self.pool.get_mut(slot);
        if c.timer != timer || c.state == State::Free {
            return; // stale: superseded by an earlier timer, or the container is gone
        }
        c.timer_at = SimTime::NEVER;
        if c.state != State::Idle {
            return; // busy again; it re-arms when it next goes idle
        }
        if c.deadline > now {
            // Reused and idle again since this timer was set: re-arm for the new deadline.
            let deadline = c.deadline;
            if deadline < self.end {
                c.timer = c.timer.wrapping_add(1);
                c.timer_at = deadline;
                let timer = c.timer;
                self.schedule(deadline, Event::KeepAliveExpired { slot, timer });
            }
            return;
        }
        let f = c.function.0 as usize;
        self.touch(f);
        self.unidle(f, slot);
        self.reclaim(slot);
    }

    fn finish(&mut self) {
        if self.open_end {
            self.end = self.now;
        }
        self.now = self.end;
        for f in 0..self.funcs.len() {
            self.touch(f);
            self.bill_provisioned(f);
        }
    }

    /// The current simulated instant.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The end of the run (once it is over, for a run without a set duration).
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// The start of the statistics window.
    pub fn warmup(&self) -> SimTime {
        self.warmup
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Each function's statistics, in scenario order.
    pub fn function_stats(&self) -> impl Iterator<Item = &FunctionStats> {
        self.funcs.iter().map(|f| &f.stats)
    }

    /// Each function with its statistics: the scenario's first, in file order, then those
    /// that first appeared in the trace, in order of first arrival.
    pub fn functions(&self) -> impl Iterator<Item = (&Function, &FunctionStats)> {
        self.funcs.iter().map(|f| (&f.def, &f.stats))
    }

    /// Why the run stopped early, if it did: a trace function that cannot be configured.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Connections held open by all functions' alive containers over the window.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// Busy and alive containers of all functions together over the window.
    pub fn total_levels(&self) -> &Levels {
        &self.total_levels
    }

    /// Latencies of every function's cold starts and of its warm starts, over the window.
    pub fn latency_by_start(&self) -> (&Latency, &Latency) {
        (&self.cold_latency, &self.warm_latency)
    }

    /// Latencies of all served invocations, in three significant digits (each function's own
    /// keep two).
    pub fn latency(&self) -> Latency {
        let mut all = self.cold_latency.clone();
        all.merge(&self.warm_latency);
        all
    }

    /// Queueing delay of all asynchronous arrivals served after retries.
    pub fn queue_delay(&self) -> &Latency {
        &self.queue_delay
    }

    /// The time series of all functions together.
    pub fn series(&self) -> &TimeSeries {
        &self.series
    }

    /// Containers created over the whole run, warm-up included.
    pub fn containers_created(&self) -> u64 {
        self.pool.created()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_instant_events_leave_in_scheduling_order() {
        let mut q = QuaternaryHeap::new();
        for (seq, t) in [(0u64, 5u64), (1, 3), (2, 5), (3, 3), (4, 5)] {
            q.push(Queued {
                key: (u128::from(t) << 64) | u128::from(seq),
                event: Event::ExecutionFinished(seq as u32),
            });
        }
        let order: Vec<Event> = std::iter::from_fn(|| q.pop().map(|e| e.event)).collect();
        let slots: Vec<u32> = order
            .iter()
            .map(|e| match e {
                Event::ExecutionFinished(s) => *s,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(slots, vec![1, 3, 0, 2, 4]);
    }

    fn run(text: &str) -> Vec<Invocation> {
        let scenario = Scenario::from_toml(text, std::path::Path::new("t.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(&scenario);
        let mut seen: Vec<Invocation> = Vec::new();
        sim.run(&mut seen);
        seen
    }

    const TWO: &str = r#"
name = "t"
seed = 5
duration = "20s"
[defaults]
exec = { dist = "constant", ms = 1 }
init = { dist = "constant", ms = 0 }
[[function]]
name = "a"
arrival = { process = "poisson", rate_per_s = 20 }
[[function]]
name = "b"
arrival = { process = "poisson", rate_per_s = 5 }
"#;

    #[test]
    fn a_lone_poisson_function_gets_every_arrival_of_its_own_stream() {
        let seen = run(&TWO[..TWO.find("[[function]]\nname = \"b\"").unwrap_or(0)]);
        let mut streams = Streams::new(5);
        let _router = streams.stream();
        let mut rng = streams.stream();
        let mut p = ArrivalSpec::Poisson { rate_per_s: 20.0 }
            .validate(&mut rng)
            .unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<SimTime> = std::iter::from_fn(|| p.next_arrival(&mut rng))
            .take_while(|t| *t < SimTime(20_000_000))
            .collect();
        assert!(expected.len() > 300);
        let arrived: Vec<SimTime> = seen.iter().map(|i| i.arrived).collect();
        assert_eq!(arrived, expected);
    }

    #[test]
    fn poisson_functions_share_the_merged_stream_cut_after_theirs() {
        let seen = run(TWO);
        // The router, four streams per function, then the merged process's.
        let mut streams = Streams::new(5);
        for _ in 0..9 {
            streams.stream();
        }
        let Some(mut m) = MergedPoisson::new(&[20.0, 5.0], streams.stream()) else {
            panic!("valid rates")
        };
        let expected: Vec<(SimTime, FunctionId)> = std::iter::from_fn(|| m.next_arrival())
            .take_while(|(t, _)| *t < SimTime(20_000_000))
            .map(|(t, i)| (t, FunctionId(i as u32)))
            .collect();
        let arrived: Vec<(SimTime, FunctionId)> =
            seen.iter().map(|i| (i.arrived, i.function)).collect();
        assert_eq!(arrived, expected);
        let a = arrived.iter().filter(|x| x.1 == FunctionId(0)).count();
        assert!(a > 3 * (arrived.len() - a), "{a} of {}", arrived.len());
    }
}
